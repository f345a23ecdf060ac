"""The real-photo check: does a beauty model rank degraded copies of real photos below
their originals?

Offline and model-agnostic.  The colour photographs that ship with scikit-image
(:data:`REAL_PHOTOS`) are scaled to a longer side of ``size`` pixels; each gets degraded
copies at five increasing levels of four degradations (:data:`DEGRADATIONS`):

* ``blur`` — Gaussian blur, sigma in pixels;
* ``noise`` — additive Gaussian noise, standard deviation in grey levels (seeded);
* ``jpeg`` — JPEG compression at falling quality;
* ``exposure`` — under-exposure by ``ev`` stops: intensities times ``2**-ev``, rounded to
  8 bits (shadows lose their levels).

The levels start at a step that is visible at 512 px (blur sigma 1, noise sd 8, JPEG
quality 40, half a stop).  ``overexposure`` (times ``2**ev``, clipped at 255) is offered as
an extra degradation outside the four of the target: it is not a uniform degradation of
real photos (it *improves* a dark photo such as ``hubble_deep_field`` at first), and none of
the LIVE database's distortions resembles it.

Every model scores the originals and the copies; two figures summarise it
(:func:`summarise_check`):

* ``share_below`` — the share of degraded copies scored strictly below their original;
* ``mean_spearman`` — for each (photo, degradation) the Spearman correlation between the
  level (0 = original, 1 … 5) and the score, averaged over all series (a series whose scores
  are all equal counts as 0: no relation).  −1 means the score falls with every step.

Chance: a model whose scores are unrelated to the images gives ``share_below`` ≈ 0.5 and
``mean_spearman`` ≈ 0.  The target for a quality model (BRISQUE) is
``share_below >= 0.95`` and ``mean_spearman <= -0.8`` (:data:`TARGET_SHARE_BELOW`,
:data:`TARGET_SPEARMAN`); for an aesthetic model (NIMA) ``>= 0.90`` and ``<= -0.7``
(:data:`TARGETS`).

This checks *technical* quality only: the degradations make a photo worse to look at, but
a model of aesthetics may rightly care about other things too.  It says nothing about
agreement with human aesthetic votes (Beautiful and damned, Aiello et al., IEEE TKDE 2017, §5: ρ = 0.48), which
needs rated photos.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

__all__ = [
    "DEGRADATIONS",
    "REAL_PHOTOS",
    "TARGET_SHARE_BELOW",
    "TARGET_SPEARMAN",
    "TARGETS",
    "RealPhotoCheck",
    "degrade",
    "degraded_copies",
    "load_real_photo",
    "run_real_photo_check",
    "summarise_check",
]

#: the distinct colour photographs of ``skimage.data`` (``cat`` is ``chelsea``; colorwheel
#: and logo are drawings)
REAL_PHOTOS: tuple[str, ...] = (
    "astronaut",
    "chelsea",
    "coffee",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "rocket",
    "stereo_motorcycle",
)

#: degradation -> its five increasing levels (see the module docstring for the units)
DEGRADATIONS: dict[str, tuple[float, ...]] = {
    "blur": (1.0, 2.0, 3.0, 4.0, 6.0),
    "noise": (8.0, 16.0, 24.0, 32.0, 48.0),
    "jpeg": (40.0, 20.0, 12.0, 8.0, 4.0),
    "exposure": (0.5, 1.0, 1.5, 2.0, 2.5),
}

TARGET_SHARE_BELOW = 0.95
TARGET_SPEARMAN = -0.8
#: (share below, mean Spearman) a model of each kind must reach: a quality model is judged
#: on distortion alone; an aesthetic model (NIMA) may rightly weigh other things, and its
#: target is the looser one of the beauty issue
TARGETS: dict[str, tuple[float, float]] = {
    "technical": (TARGET_SHARE_BELOW, TARGET_SPEARMAN),
    "aesthetic": (0.90, -0.7),
}


def load_real_photo(name: str, size: int = 512) -> np.ndarray:
    """``skimage.data.<name>()`` as uint8 RGB, longer side scaled to ``size`` pixels."""
    import skimage.data
    from PIL import Image

    img = getattr(skimage.data, name)()
    if isinstance(img, tuple):  # stereo_motorcycle: (left, right, disparity)
        img = img[0]
    arr = np.asarray(img)
    if arr.ndim != 3 or arr.shape[2] < 3:
        raise ValueError(f"skimage.data.{name} is not a colour photo (shape {arr.shape})")
    pil = Image.fromarray(arr[..., :3].astype(np.uint8))
    f = size / max(pil.size)
    if f < 1:
        pil = pil.resize((round(pil.width * f), round(pil.height * f)), Image.Resampling.LANCZOS)
    return np.asarray(pil)


def degrade(image: np.ndarray, kind: str, level: float, seed: int = 0) -> np.ndarray:
    """A degraded copy of uint8 RGB ``image`` (see :data:`DEGRADATIONS`)."""
    from PIL import Image, ImageFilter

    if kind == "blur":
        out = Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius=float(level)))
        return np.asarray(out)
    if kind == "noise":
        rng = np.random.default_rng(seed)
        noisy = image.astype(np.float64) + rng.normal(0.0, float(level), image.shape)
        return noisy.round().clip(0, 255).astype(np.uint8)
    if kind == "jpeg":
        buf = io.BytesIO()
        Image.fromarray(image).save(buf, format="JPEG", quality=int(level))
        buf.seek(0)
        with Image.open(buf) as im:
            return np.asarray(im.convert("RGB"))
    if kind in ("exposure", "overexposure"):
        stops = -float(level) if kind == "exposure" else float(level)
        scaled = image.astype(np.float64) * 2.0**stops
        return scaled.round().clip(0, 255).astype(np.uint8)
    raise ValueError(f"unknown degradation {kind!r}; choose one of {', '.join(DEGRADATIONS)}")


@dataclass(frozen=True)
class DegradedCopy:
    """One image of the check: ``level`` 0 is the original (``value`` NaN)."""

    photo: str
    kind: str
    level: int
    value: float
    image: np.ndarray = field(repr=False)


def degraded_copies(
    photos: Sequence[str] = REAL_PHOTOS,
    degradations: Mapping[str, Sequence[float]] = DEGRADATIONS,
    size: int = 512,
    seed: int = 0,
) -> list[DegradedCopy]:
    """Each photo's original (kind ``"original"``, level 0) and its degraded copies."""
    out: list[DegradedCopy] = []
    for p_i, name in enumerate(photos):
        base = load_real_photo(name, size)
        out.append(DegradedCopy(name, "original", 0, float("nan"), base))
        for k_i, (kind, levels) in enumerate(degradations.items()):
            for lev, value in enumerate(levels, start=1):
                s = seed * 1_000_003 + p_i * 1009 + k_i * 101 + lev
                out.append(
                    DegradedCopy(name, kind, lev, float(value), degrade(base, kind, value, s))
                )
    return out


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman ρ with average ranks for ties; 0 when either side is constant."""
    rx = pd.Series(x).rank(method="average").to_numpy()
    ry = pd.Series(y).rank(method="average").to_numpy()
    if np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


@dataclass(frozen=True)
class RealPhotoCheck:
    """The check's figures for one model.

    Attributes
    ----------
    model : the model's name.
    share_below : share of degraded copies scored strictly below their original.
    mean_spearman : mean over (photo, degradation) of Spearman(level, score).
    n_copies, n_series : degraded copies and (photo, degradation) series counted.
    by_kind : one row per degradation: ``kind, share_below, mean_spearman``.
    scores : every image's ``photo, kind, level, value, score``.
    """

    model: str
    share_below: float
    mean_spearman: float
    n_copies: int
    n_series: int
    by_kind: pd.DataFrame = field(repr=False)
    scores: pd.DataFrame = field(repr=False)
    #: (share below at least, mean Spearman at most): :data:`TARGETS` of the model's kind
    target: tuple[float, float] = (TARGET_SHARE_BELOW, TARGET_SPEARMAN)

    @property
    def meets_target(self) -> bool:
        return self.share_below >= self.target[0] and self.mean_spearman <= self.target[1]

    def headline(self) -> dict:
        return {
            "model": self.model,
            "share_below_original": round(self.share_below, 4),
            "mean_spearman_level_score": round(self.mean_spearman, 4),
            "n_copies": self.n_copies,
            "n_series": self.n_series,
            "target": list(self.target),
            "meets_target": self.meets_target,
            "by_kind": self.by_kind.round(4).to_dict(orient="records"),
        }


def summarise_check(scores: pd.DataFrame, model: str = "") -> RealPhotoCheck:
    """The figures of the check from a table ``photo, kind, level, score`` holding each
    photo's original (kind ``"original"``, level 0) and its degraded copies.

    >>> rows = [("a", "original", 0, 0.9), ("a", "blur", 1, 0.8), ("a", "blur", 2, 0.95),
    ...         ("b", "original", 0, 0.5), ("b", "blur", 1, 0.4), ("b", "blur", 2, 0.3)]
    >>> chk = summarise_check(pd.DataFrame(rows, columns=["photo", "kind", "level", "score"]))
    >>> chk.share_below, round(chk.mean_spearman, 3)
    (0.75, -0.25)
    """
    need = {"photo", "kind", "level", "score"}
    if not need <= set(scores.columns):
        raise ValueError(f"scores need columns {sorted(need)}; got {list(scores.columns)}")
    orig = scores[scores["kind"] == "original"].set_index("photo")["score"]
    if orig.index.duplicated().any():
        raise ValueError("one original per photo expected")
    copies = scores[scores["kind"] != "original"]
    missing = sorted(set(copies["photo"]) - set(orig.index))
    if missing:
        raise ValueError(f"degraded copies without an original: {missing[:3]}")
    if copies["score"].isna().any() or orig.isna().any():
        raise ValueError("every image needs a finite score")
    below = copies["score"].to_numpy() < orig.loc[copies["photo"]].to_numpy()
    rows, rhos = [], []
    for kind, grp in copies.assign(below=below).groupby("kind", sort=False):
        kind_rhos = []
        for photo, series in grp.groupby("photo", sort=False):
            lv = np.concatenate([[0], series["level"].to_numpy(dtype=float)])
            sc = np.concatenate([[orig[photo]], series["score"].to_numpy(dtype=float)])
            kind_rhos.append(_spearman(lv, sc))
        rhos += kind_rhos
        rows.append(
            {
                "kind": kind,
                "share_below": float(grp["below"].mean()),
                "mean_spearman": float(np.mean(kind_rhos)),
            }
        )
    return RealPhotoCheck(
        model=model,
        share_below=float(below.mean()) if below.size else float("nan"),
        mean_spearman=float(np.mean(rhos)) if rhos else float("nan"),
        n_copies=int(below.size),
        n_series=len(rhos),
        by_kind=pd.DataFrame(rows, columns=["kind", "share_below", "mean_spearman"]),
        scores=scores.reset_index(drop=True),
    )


def run_real_photo_check(
    models: Mapping[str, Callable[[list], np.ndarray]],
    copies: Sequence[DegradedCopy] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> dict[str, RealPhotoCheck]:
    """Score every image of the check with each model and summarise.

    ``models`` maps a name to a function ``PIL images -> beauty array`` (e.g.
    ``lambda ims: scoring.scorer.score_images(scorer, ims)``); ``kinds`` maps a name to
    its kind (``"aesthetic"`` / ``"technical"``, default technical), which picks its
    target (:data:`TARGETS`).
    """
    from PIL import Image

    copies = list(copies) if copies is not None else degraded_copies()
    images = [Image.fromarray(c.image) for c in copies]
    base = pd.DataFrame(
        {
            "photo": [c.photo for c in copies],
            "kind": [c.kind for c in copies],
            "level": [c.level for c in copies],
            "value": [c.value for c in copies],
        }
    )
    out = {}
    for name, fn in models.items():
        scores = np.asarray(fn(images), dtype=np.float64)
        chk = summarise_check(base.assign(score=scores), model=name)
        out[name] = replace(chk, target=TARGETS[(kinds or {}).get(name, "technical")])
    return out
