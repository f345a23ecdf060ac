"""``--images``: valid JPEGs from skimage.data, degraded monotonically with lower beauty."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from beautygraph.generate import GeneratorConfig, generate
from beautygraph.generate.images import degradation_params, load_source, render


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(float) - b.astype(float)) ** 2)
    return float(10 * np.log10(255.0**2 / max(mse, 1e-9)))


def _gradient_energy(a: np.ndarray) -> float:
    g = a.astype(float).mean(axis=2)
    return float(np.mean(np.abs(np.diff(g, axis=0))) + np.mean(np.abs(np.diff(g, axis=1))))


def test_degradation_monotone_in_beauty() -> None:
    """Same source and crop: PSNR against the clean render falls as beauty falls."""
    src = load_source("astronaut")
    clean_p = degradation_params(1.0, np.random.default_rng(0))
    clean_p.update(crop_fraction=0.7, crop_offset=0.0)
    clean = np.asarray(
        Image.open(io.BytesIO(render(src, dict(clean_p), 128, np.random.default_rng(1))))
    )
    psnr = []
    for b in (0.7, 0.5, 0.3, 0.1):
        p = degradation_params(b, np.random.default_rng(0))
        p.update(crop_fraction=0.7, crop_offset=0.0)  # isolate the pixel degradations
        img = np.asarray(Image.open(io.BytesIO(render(src, p, 128, np.random.default_rng(1)))))
        psnr.append(_psnr(img, clean))
    assert all(a > b for a, b in zip(psnr, psnr[1:], strict=False)), psnr
    strengths = [degradation_params(b, np.random.default_rng(0)) for b in (0.7, 0.4, 0.1)]
    for key in ("blur_sigma", "noise_sd", "badness"):
        assert strengths[0][key] < strengths[1][key] < strengths[2][key]
    assert strengths[0]["jpeg_quality"] > strengths[2]["jpeg_quality"]


def test_generate_with_image_sample(tmp_path: Path) -> None:
    cfg = GeneratorConfig(n_users=200, seed=4, weeks=20, images=True, image_sample=30)
    truth = generate(cfg, tmp_path / "a")
    images = truth["images"]
    assert len(images) == 30
    photos = {
        line.split(",")[0] for line in (tmp_path / "a" / "photos.csv").read_text().splitlines()[1:]
    }
    sharp = []
    for pid, rec in images.items():
        assert pid in photos
        path = tmp_path / "a" / "images" / f"{pid}.jpg"
        with Image.open(path) as im:
            im.verify()
        with Image.open(path) as im:
            assert im.format == "JPEG" and im.size == (160, 160)
            sharp.append((rec["beauty"], _gradient_energy(np.asarray(im.convert("RGB")))))
        assert rec["source"] and "blur_sigma" in rec["degradations"]
    on_disk = sorted(p.stem for p in (tmp_path / "a" / "images").iterdir())
    assert on_disk == sorted(images)
    assert json.loads((tmp_path / "a" / "truth.json").read_text())["images"] == images
    # same seed, same bytes (images included); the CSVs do not depend on --images
    generate(cfg, tmp_path / "b")
    generate(GeneratorConfig(n_users=200, seed=4, weeks=20), tmp_path / "c")
    for name in ("images/" + sorted(images)[0] + ".jpg", "photos.csv", "follows.csv"):
        assert (
            hashlib.sha256((tmp_path / "a" / name).read_bytes()).digest()
            == hashlib.sha256((tmp_path / "b" / name).read_bytes()).digest()
        )
    for name in ("photos.csv", "follows.csv", "users.csv", "favorites.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()
    # a re-run into the same folder leaves no stale images behind
    again = generate(
        GeneratorConfig(n_users=200, seed=5, weeks=20, images=True, image_sample=7), tmp_path / "a"
    )
    assert sorted(p.stem for p in (tmp_path / "a" / "images").iterdir()) == sorted(again["images"])
