"""BRISQUE: a no-reference image *quality* model that ships with beautygraph.

BRISQUE (Mittal, Moorthy and Bovik 2012) describes an image by 36 statistics of its
mean-subtracted contrast-normalised (MSCN) luminance at two scales — the shape and
variance of a generalised Gaussian fitted to the MSCN coefficients (§III-A, Eq. 1–3) and of
asymmetric generalised Gaussians fitted to the products of neighbouring coefficients in
four orientations (§III-B, Eq. 5–8) — and regresses a quality score on them with a
support-vector regressor trained on the human difference mean opinion scores (DMOS) of
the LIVE IQA database (§IV).  The features come from OpenCV's implementation
(``cv2.quality.QualityBRISQUE_computeFeatures``, package ``opencv-contrib-python-headless``);
the SVR and its feature ranges are the two files in ``scoring/data/brisque/`` (their
provenance and licence are in ``PROVENANCE.md`` there).

It measures **technical quality** (blur, noise, compression, …), not aesthetics: a sharp,
clean snapshot of a car park scores high.  The paper's beauty CNN (§4 of Schifanella et al.)
remains the method for aesthetics; it needs training on rated photos (``score train``).

Notation and the map to [0, 1]
------------------------------
``q`` is the SVR's output on the DMOS scale of its training data: 0 means "no visible
distortion", about 100 the worst distortions of LIVE; lower is better.  OpenCV's own
``compute`` clamps ``q`` to [0, 100], which ties every clean image at 0; here the SVR is
evaluated directly, so ``q`` is not clamped (clean images reach slightly negative values).
Beauty is the decreasing logistic

    beauty = 1 / (1 + exp((q - 50) / s)),   s = 50 / ln 19 ≈ 16.98

which maps the centre of the DMOS scale (q = 50) to 0.5 and its ends q = 0 and q = 100 to
0.95 and 0.05, and is strictly monotone everywhere, so it keeps the model's ranking
(no ties from clipping).  :func:`brisque_to_unit` and :func:`unit_to_brisque` implement the
map and its inverse.

Images whose longer side exceeds ``max_side`` (default 768 px, the width of the LIVE
images) are first downscaled with area averaging, so that scores of photos of different
sizes are on the scale the model was trained at and the cost per image is bounded.

References
----------
A. Mittal, A. K. Moorthy and A. C. Bovik, "No-Reference Image Quality Assessment in the
Spatial Domain", IEEE Transactions on Image Processing 21(12), 4695–4708, 2012.
https://doi.org/10.1109/TIP.2012.2214050
H. R. Sheikh, M. F. Sabir and A. C. Bovik, "A Statistical Evaluation of Recent Full
Reference Image Quality Assessment Algorithms", IEEE Transactions on Image Processing
15(11), 3440–3451, 2006 (the LIVE database, Release 2).
https://doi.org/10.1109/TIP.2006.881959
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import torch

from scoring.errors import ScoringError
from scoring.interface import ScoreBatch

__all__ = [
    "BRISQUE_MID",
    "BRISQUE_SCALE",
    "BrisqueFeatures",
    "BrisqueScorer",
    "brisque_quality",
    "brisque_to_unit",
    "model_files",
    "unit_to_brisque",
]

#: centre of the DMOS scale of the LIVE training data (maps to beauty 0.5)
BRISQUE_MID = 50.0
#: logistic scale: q = 0 -> 0.95 and q = 100 -> 0.05
BRISQUE_SCALE = 50.0 / math.log(19.0)
#: the LIVE database's images are 768 x 512 (or 512 x 768) pixels
DEFAULT_MAX_SIDE = 768
N_FEATURES = 36

_DATA = Path(__file__).resolve().parent / "data" / "brisque"
_FILES = {
    "model": (
        "brisque_model_live.yml",
        "4c44c7eec9e5139830c0bb0e4a044c9cd351ba5bbc9e3798beca3243e2782ff4",
    ),
    "range": (
        "brisque_range_live.yml",
        "a18427f4f7ad087524bd0d63389649a3899b51ca6d44a4d5f8d8171f1f914a9c",
    ),
}


def brisque_to_unit(q):
    """Beauty in (0, 1) from BRISQUE's quality score ``q`` (lower ``q`` = better).

    >>> [round(float(brisque_to_unit(q)), 3) for q in (0.0, 50.0, 100.0)]
    [0.95, 0.5, 0.05]
    """
    q = np.asarray(q, dtype=np.float64)
    return 1.0 / (1.0 + np.exp((q - BRISQUE_MID) / BRISQUE_SCALE))


def unit_to_brisque(beauty):
    """The inverse of :func:`brisque_to_unit` (``beauty`` strictly inside (0, 1)).

    >>> round(float(unit_to_brisque(0.95)), 6)
    0.0
    """
    b = np.asarray(beauty, dtype=np.float64)
    if np.any((b <= 0) | (b >= 1)):
        raise ValueError(
            f"beauty must lie strictly inside (0, 1); got {b[(b <= 0) | (b >= 1)][:3]}"
        )
    return BRISQUE_MID + BRISQUE_SCALE * np.log((1.0 - b) / b)


def _cv2():
    try:
        import cv2
    except ImportError:
        raise ScoringError(
            "the brisque model needs OpenCV's contrib modules: "
            "pip install opencv-contrib-python-headless"
        ) from None
    if not hasattr(cv2, "quality"):
        raise ScoringError(
            "the installed OpenCV has no 'quality' module (BRISQUE); replace opencv-python "
            "by opencv-contrib-python-headless"
        )
    return cv2


def model_files() -> dict[str, Path]:
    """Paths of the vendored SVR model and feature-range files, checked against their
    SHA-256 (a damaged or replaced file is a :class:`ScoringError`)."""
    out = {}
    for key, (name, sha) in _FILES.items():
        path = _DATA / name
        if not path.is_file():
            raise ScoringError(f"BRISQUE {key} file missing from the installation: {path}")
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        if got != sha:
            raise ScoringError(f"BRISQUE {key} file {path} is damaged (SHA-256 {got[:12]}…)")
        out[key] = path
    return out


@cache
def _model() -> tuple[Any, np.ndarray]:
    """(the SVR, the 2 x 36 feature range) — loaded once per process."""
    cv2 = _cv2()
    files = model_files()
    svm = cv2.ml.SVM_load(str(files["model"]))
    fs = cv2.FileStorage(str(files["range"]), cv2.FILE_STORAGE_READ)
    rng = fs.getNode("range").mat()
    fs.release()
    if rng is None or rng.shape != (2, N_FEATURES):
        raise ScoringError(f"BRISQUE range file {files['range']} does not hold a 2 x 36 matrix")
    return svm, np.asarray(rng, dtype=np.float64)


@dataclass(frozen=True)
class BrisqueFeatures:
    """PIL image -> the 36 BRISQUE features as a float32 tensor.

    Grey level by ITU-R BT.601 weights (OpenCV's conversion), downscaled by area
    averaging when the longer side exceeds ``max_side``.  A frozen dataclass, so that
    DataLoader workers can pickle it.
    """

    max_side: int | None = DEFAULT_MAX_SIDE

    def gray(self, image) -> np.ndarray:
        """The uint8 grey image the features are computed on."""
        cv2 = _cv2()
        arr = np.asarray(image.convert("RGB") if hasattr(image, "convert") else image)
        if arr.ndim == 3:
            arr = cv2.cvtColor(np.ascontiguousarray(arr[..., :3]), cv2.COLOR_RGB2GRAY)
        if arr.dtype != np.uint8:
            raise ScoringError(f"BRISQUE needs 8-bit images; got dtype {arr.dtype}")
        h, w = arr.shape[:2]
        if min(h, w) < 16:
            raise ScoringError(f"image of {w} x {h} pixels is too small for BRISQUE (need >= 16)")
        if self.max_side is not None and max(h, w) > self.max_side:
            f = self.max_side / max(h, w)
            size = (max(16, round(w * f)), max(16, round(h * f)))
            arr = cv2.resize(arr, size, interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(arr)

    def __call__(self, image) -> torch.Tensor:
        cv2 = _cv2()
        feats = cv2.quality.QualityBRISQUE_computeFeatures(self.gray(image))
        return torch.from_numpy(np.asarray(feats, dtype=np.float32).reshape(N_FEATURES))


def brisque_quality(features: np.ndarray) -> np.ndarray:
    """BRISQUE's quality score ``q`` (unclamped) of feature rows ``(n, 36)``.

    Each feature is scaled linearly from its training range ``[lo, hi]`` to [-1, 1]
    (``-1 + 2 (x - lo) / (hi - lo)``), then the SVR predicts ``q``.
    """
    feats = np.asarray(features, dtype=np.float64)
    if feats.ndim != 2 or feats.shape[1] != N_FEATURES:
        raise ValueError(f"features must be (n, {N_FEATURES}); got shape {feats.shape}")
    svm, rng = _model()
    lo, hi = rng[0], rng[1]
    scaled = (-1.0 + 2.0 * (feats - lo) / (hi - lo)).astype(np.float32)
    if len(scaled) == 0:
        return np.zeros(0)
    _, pred = svm.predict(scaled)
    return np.asarray(pred, dtype=np.float64).reshape(-1)


class BrisqueScorer:
    """BRISQUE behind the :class:`scoring.interface.BeautyScorer` interface (source
    ``"brisque"``): features in ``transform`` (DataLoader workers), the SVR and the map
    to [0, 1] in ``predict`` (CPU, whatever ``device`` is)."""

    source = "brisque"
    kind = "technical"

    def __init__(self, max_side: int | None = DEFAULT_MAX_SIDE) -> None:
        _model()  # fail now, with one clear message, if OpenCV or the files are missing
        self.transform = BrisqueFeatures(max_side)
        self.description = (
            f"BRISQUE technical quality (LIVE-trained SVR, images <= {max_side} px), "
            f"beauty = 1 / (1 + exp((q - {BRISQUE_MID:g}) / {BRISQUE_SCALE:.2f}))"
        )

    def predict(self, x: torch.Tensor, device: torch.device | None = None) -> ScoreBatch:
        q = brisque_quality(x.detach().cpu().numpy())
        return ScoreBatch(beauty=brisque_to_unit(q), probs=None, raw=q)

    def release(self) -> None:
        pass
