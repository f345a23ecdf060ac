"""Synthetic labelled photos for tests and benchmarks (not used by the pipelines).

A photo of planted beauty ``b`` in [0, 1] is a crop of a real ``skimage.data`` photo with
contrast, sharpness and noise degraded as ``b`` falls: the kind of low-level quality
signal an aesthetics CNN picks up.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["degraded_photo", "write_labelled_photos"]

_SOURCES = ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry")


def _sources() -> list[np.ndarray]:
    import skimage.data

    return [np.asarray(getattr(skimage.data, n)(), dtype=np.float64) for n in _SOURCES]


def degraded_photo(
    source: np.ndarray, beauty: float, rng: np.random.Generator, size: int = 48
) -> np.ndarray:
    """A ``size``-pixel RGB uint8 crop of ``source`` degraded according to ``beauty``."""
    from PIL import Image, ImageFilter

    h, w = source.shape[:2]
    side = int(min(h, w) * rng.uniform(0.5, 0.9))
    y, x = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
    crop = source[y : y + side, x : x + side]
    img = Image.fromarray(crop.clip(0, 255).astype(np.uint8)).resize(
        (size, size), Image.Resampling.BILINEAR
    )
    bad = 1.0 - float(beauty)
    img = img.filter(ImageFilter.GaussianBlur(radius=2.5 * bad * size / 64))
    arr = np.asarray(img, dtype=np.float64)
    arr = 128 + (arr - arr.mean()) * (1.0 - 0.75 * bad)
    arr += rng.normal(0, 40 * bad, arr.shape)
    return arr.clip(0, 255).astype(np.uint8)


def write_labelled_photos(
    folder: str | Path, n: int, seed: int = 0, size: int = 48
) -> tuple[list[str], np.ndarray]:
    """Write ``n`` JPEGs ``folder/img{i}.jpg`` with uniform planted beauty; returns
    (file names, beauty)."""
    from PIL import Image

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    srcs = _sources()
    beauty = rng.uniform(0, 1, n)
    names = []
    for i in range(n):
        arr = degraded_photo(srcs[i % len(srcs)], beauty[i], rng, size)
        name = f"img{i}.jpg"
        Image.fromarray(arr).save(folder / name, quality=92)
        names.append(name)
    return names, beauty
