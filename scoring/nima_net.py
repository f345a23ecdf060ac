"""The network of NIMA's aesthetic model: MobileNet v1 as Keras 2.1.6 built it, a dense
10-way softmax over the scores 1..10 on top.

NIMA [1] predicts the distribution of AVA's human votes (scores 1..10) of a photo.  The
model ported here is idealo's MobileNet aesthetic model [2] (trained on AVA; their README
reports EMD 0.071, LCC 0.626, SRCC 0.609 there).  Its base is MobileNet v1 [3] with
width multiplier 1 exactly as ``keras.applications.mobilenet`` 2.1.6 built it:

* every 3×3 convolution (the first full one and the 13 depthwise ones, stride 1 or 2) is
  preceded by a zero padding of 1 on **every** side and is a 'valid' convolution — not
  TensorFlow's 'same' padding, which pads a stride-2 layer on the right and bottom only
  and would shift every feature map by half a pixel.  That is exactly PyTorch's
  ``Conv2d(padding=1)``, which is what is built here (one kernel instead of a padding copy
  and a convolution);
* batch normalisation with epsilon 1e-3 after each convolution, then ReLU6;
* global average pooling of the last 1024 channels, dropout 0.75 (inactive when scoring),
  a dense layer to 10 logits.

Module and parameter names follow the Keras layer names (``conv1``, ``conv_dw_3_bn``,
``conv_pw_13``, ``dense_1``) so that ``scripts/convert_nima_weights.py`` maps the HDF5
file one name to one name.

References
----------
.. [1] H. Talebi, P. Milanfar. "NIMA: Neural Image Assessment." IEEE Transactions on
   Image Processing 27(8), 3998–4011, 2018.
.. [2] idealo internet GmbH, "image-quality-assessment", Apache-2.0,
   https://github.com/idealo/image-quality-assessment
   (``models/MobileNet/weights_mobilenet_aesthetic_0.07.hdf5``).
.. [3] A. G. Howard et al. "MobileNets: Efficient Convolutional Neural Networks for
   Mobile Vision Applications." arXiv:1704.04861, 2017 (Table 1: the layer plan below).

>>> import torch
>>> net = NimaNet().eval()
>>> net(torch.zeros(2, 3, 224, 224)).shape
torch.Size([2, 10])
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

__all__ = ["BN_EPS", "DEPTHWISE_PLAN", "FEATURE_DIM", "MobileNetV1", "NimaNet", "fold_batchnorm"]

#: Keras' BatchNormalization epsilon in MobileNet 2.1.6 (PyTorch's default is 1e-5)
BN_EPS = 1e-3
#: (output channels, stride) of the 13 depthwise-separable blocks, MobileNets [3] Table 1
DEPTHWISE_PLAN: tuple[tuple[int, int], ...] = (
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (1024, 2),
    (1024, 1),
)
FEATURE_DIM = DEPTHWISE_PLAN[-1][0]


def _conv_bn_relu(layers: OrderedDict[str, nn.Module], name: str, conv: nn.Conv2d) -> None:
    """Append ``conv, bn, relu6`` under Keras' names (``name``, ``name_bn``, ``name_relu``)."""
    layers[name] = conv
    layers[f"{name}_bn"] = nn.BatchNorm2d(conv.out_channels, eps=BN_EPS)
    layers[f"{name}_relu"] = nn.ReLU6(inplace=True)


class MobileNetV1(nn.Module):
    """MobileNet v1, width 1, as Keras 2.1.6 built it; ``forward`` returns the
    ``(n, 1024)`` globally average-pooled features."""

    def __init__(self) -> None:
        super().__init__()
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        _conv_bn_relu(layers, "conv1", nn.Conv2d(3, 32, 3, stride=2, padding=1, bias=False))
        channels = 32
        for block, (out, stride) in enumerate(DEPTHWISE_PLAN, start=1):
            depthwise = nn.Conv2d(
                channels, channels, 3, stride=stride, padding=1, groups=channels, bias=False
            )
            _conv_bn_relu(layers, f"conv_dw_{block}", depthwise)
            _conv_bn_relu(layers, f"conv_pw_{block}", nn.Conv2d(channels, out, 1, bias=False))
            channels = out
        self.features = nn.Sequential(layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x).mean(dim=(2, 3))


class NimaNet(nn.Module):
    """NIMA: :class:`MobileNetV1` features, dropout 0.75, a dense layer to the logits of
    the 10 scores (the softmax is the caller's, so that training can use the logits)."""

    def __init__(self) -> None:
        super().__init__()
        self.base = MobileNetV1()
        self.dropout = nn.Dropout(0.75)
        self.dense_1 = nn.Linear(FEATURE_DIM, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dense_1(self.dropout(self.base(x)))


def fold_batchnorm(net: NimaNet) -> NimaNet:
    """An inference copy of ``net`` with every batch norm folded into the convolution
    before it: ``w' = w γ / sqrt(σ² + ε)``, ``b' = β - μ γ / sqrt(σ² + ε)``.  The same
    function up to float rounding (about 1e-6 on the probabilities), a third less work
    on the CPU."""
    import copy

    folded = copy.deepcopy(net).eval()
    layers = folded.base.features
    names = list(layers._modules)
    for name in names:
        conv, bn = layers._modules[name], layers._modules.get(f"{name}_bn")
        if not isinstance(conv, nn.Conv2d) or not isinstance(bn, nn.BatchNorm2d):
            continue
        assert bn.running_var is not None and bn.running_mean is not None
        scale = bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
        fused = copy.deepcopy(conv)
        with torch.no_grad():
            fused.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))
            fused.bias = nn.Parameter(bn.bias.detach() - bn.running_mean * scale)
        layers._modules[name] = fused
        layers._modules[f"{name}_bn"] = nn.Identity()
    return folded
