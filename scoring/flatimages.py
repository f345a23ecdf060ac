"""The flat-image check: are pictures with nothing to look at scored below real photos?

A beauty model a platform acts on must not put an empty upload above a photograph.  Four
flat or empty pictures (:func:`flat_images`, 512 × 512, seeded) are scored with the real
photographs that ship with installed packages (:func:`real_photos`: the colour photos of
scikit-image in :data:`scoring.realphoto.REAL_PHOTOS` and scikit-learn's ``china.jpg``
and ``flower.jpg``):

* ``grey`` — uniform mid-grey;
* ``black`` — an all-black frame (a lens cap);
* ``noise`` — independent uniform noise in every pixel and channel;
* ``text`` — a page of black text on white (a screenshot of a document).

For each flat picture the check reports the share of real photos scored strictly above
it (1 = below every real photo).  Chance: a model whose scores are unrelated to the
images puts a given real photo above it with probability 1/2, so the expected share is
0.5 and the chance that it lies below all ``n`` photos is ``1/(n+1)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["FLAT_KINDS", "FlatImageCheck", "flat_images", "real_photos", "run_flat_image_check"]

FLAT_KINDS: tuple[str, ...] = ("grey", "black", "noise", "text")
_SIZE = 512
_WORDS = "the of photo light beauty graph user follow image score model paper".split()


def _text_page(rng: np.random.Generator) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("RGB", (_SIZE, _SIZE), "white")
    draw = ImageDraw.Draw(page)
    try:
        font = ImageFont.load_default(size=14)
    except TypeError:  # Pillow < 10.1 has one bitmap size
        font = ImageFont.load_default()
    for line in range(30):
        draw.text((20, 10 + 16 * line), " ".join(rng.choice(_WORDS, 9)), fill="black", font=font)
    return np.asarray(page)


def flat_images(seed: int = 0) -> dict[str, np.ndarray]:
    """The four flat pictures as uint8 RGB arrays, by name (:data:`FLAT_KINDS`)."""
    rng = np.random.default_rng(seed)
    return {
        "grey": np.full((_SIZE, _SIZE, 3), 128, dtype=np.uint8),
        "black": np.zeros((_SIZE, _SIZE, 3), dtype=np.uint8),
        "noise": rng.integers(0, 256, (_SIZE, _SIZE, 3), dtype=np.uint8),
        "text": _text_page(rng),
    }


def real_photos(size: int = 512) -> dict[str, np.ndarray]:
    """The real photographs of the check as uint8 RGB, longer side ``size``: scikit-image's
    colour photos and scikit-learn's two sample photos (when scikit-learn has them)."""
    from scoring.realphoto import REAL_PHOTOS, load_real_photo

    out = {name: load_real_photo(name, size) for name in REAL_PHOTOS}
    try:
        from sklearn.datasets import load_sample_images
    except ImportError:
        return out
    from PIL import Image

    sample = load_sample_images()
    for fname, img in zip(sample.filenames, sample.images, strict=True):
        pil = Image.fromarray(np.asarray(img, dtype=np.uint8))
        f = size / max(pil.size)
        if f < 1:
            new = (round(pil.width * f), round(pil.height * f))
            pil = pil.resize(new, Image.Resampling.LANCZOS)
        out[fname.rsplit("/", 1)[-1].split(".")[0]] = np.asarray(pil)
    return out


@dataclass(frozen=True)
class FlatImageCheck:
    """One model's flat-image figures.

    ``share_above``: per flat picture, the share of real photos scored strictly above it;
    ``below_all``: the flat pictures below every real photo; ``scores``: every image's
    ``image, kind ("flat" / "real"), score``.
    """

    model: str
    share_above: dict[str, float]
    n_real: int
    scores: pd.DataFrame = field(repr=False)

    @property
    def below_all(self) -> list[str]:
        return [k for k, v in self.share_above.items() if v == 1.0]

    @property
    def chance_below_all(self) -> float:
        return 1.0 / (self.n_real + 1)

    def headline(self) -> dict:
        return {
            "model": self.model,
            "share_of_real_photos_above": {k: round(v, 4) for k, v in self.share_above.items()},
            "below_every_real_photo": self.below_all,
            "n_real_photos": self.n_real,
            "chance_share_above": 0.5,
            "chance_below_every_real_photo": round(self.chance_below_all, 4),
        }


def summarise_flat(scores: pd.DataFrame, model: str = "") -> FlatImageCheck:
    """The figures from a table ``image, kind, score``.

    >>> t = pd.DataFrame({"image": ["g", "a", "b"], "kind": ["flat", "real", "real"],
    ...                   "score": [0.3, 0.2, 0.9]})
    >>> summarise_flat(t).share_above
    {'g': 0.5}
    """
    real = scores.loc[scores["kind"] == "real", "score"].to_numpy(dtype=float)
    flat = scores[scores["kind"] == "flat"]
    if real.size == 0 or flat.empty or scores["score"].isna().any():
        raise ValueError("the check needs finite scores of real photos and flat pictures")
    share = {
        str(r.image): float((real > float(r.score)).mean()) for r in flat.itertuples(index=False)
    }
    return FlatImageCheck(model, share, int(real.size), scores.reset_index(drop=True))


def run_flat_image_check(
    models: Mapping[str, Callable[[list], np.ndarray]], seed: int = 0
) -> dict[str, FlatImageCheck]:
    """Score the flat pictures and the real photos with each model (``name -> PIL images
    -> scores``, as :func:`scoring.realphoto.run_real_photo_check` takes)."""
    from PIL import Image

    flat, real = flat_images(seed), real_photos()
    names = [*flat, *real]
    kinds = ["flat"] * len(flat) + ["real"] * len(real)
    images = [Image.fromarray(a) for a in [*flat.values(), *real.values()]]
    base = pd.DataFrame({"image": names, "kind": kinds})
    return {
        name: summarise_flat(base.assign(score=np.asarray(fn(images), dtype=float)), name)
        for name, fn in models.items()
    }
