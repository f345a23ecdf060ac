"""The GPU input path (:mod:`scoring.device_decode`), run on the CPU: workers read bytes,
the batch is decoded by ``torchvision.io.decode_jpeg`` and resized by index gathering, and
NIMA's inputs and scores come out exactly as on the PIL path; PNGs and broken JPEGs fall
back to PIL, unreadable files are skipped and reported."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from scoring.data import SkipLog
from scoring.device_decode import NearestResizeNormalise, pil_nearest_indices
from scoring.nima import NimaPreprocess, NimaScorer
from scoring.scorer import iter_scores

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> list[str]:
    import skimage
    import sklearn

    sk = Path(os.path.dirname(skimage.__file__)) / "data"
    sl = Path(os.path.dirname(sklearn.__file__)) / "datasets" / "images"
    folder = tmp_path_factory.mktemp("photos")
    files = [sl / "china.jpg", sl / "flower.jpg", sk / "rocket.jpg", sk / "astronaut.png"]
    out = [str(shutil.copy(f, folder / f.name)) for f in files]
    grey = folder / "grey_small.jpg"  # a one-channel JPEG, smaller than 224 (upscaled)
    Image.fromarray(np.arange(150 * 97, dtype=np.uint8).reshape(97, 150) * 7).save(grey)
    broken = folder / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff" + b"not really a jpeg")
    return [*out, str(grey), str(broken), str(folder / "absent.jpg")]


def test_pil_nearest_indices_are_pils():
    src = np.arange(640 * 3, dtype=np.uint8).reshape(1, 640, 3) % 251
    for width in (640, 427, 97, 224, 225):
        row = np.ascontiguousarray(src[:, :width])
        ref = np.asarray(Image.fromarray(row).resize((224, 1), Image.Resampling.NEAREST))
        np.testing.assert_array_equal(row[:, pil_nearest_indices(width, 224)], ref)
    # the textbook rule floor((i + 0.5) * scale) is not PIL's for every size
    naive = np.minimum(np.floor((np.arange(224) + 0.5) * 640 / 224).astype(int), 639)
    assert (naive != pil_nearest_indices(640, 224)).any()


def test_device_preprocessing_equals_the_pil_path(photos):
    on_device, on_cpu = NearestResizeNormalise(224), NimaPreprocess()
    from torchvision.io import ImageReadMode, decode_image

    for path in photos[:5]:
        pixels = decode_image(path, mode=ImageReadMode.RGB)
        with Image.open(path) as im:
            ref = on_cpu(im.convert("RGB"))
        assert torch.equal(on_device(pixels), ref), path


def test_scores_decoding_on_the_device_equal_the_pil_path(photos):
    scorer = NimaScorer()
    runs = {}
    for on_device in (False, True):
        skips = SkipLog()
        got = {}
        for idx, batch in iter_scores(
            scorer, photos, CPU, batch_size=3, skips=skips, decode_on_device=on_device
        ):
            got.update(zip(idx.tolist(), batch.beauty.tolist(), strict=True))
        runs[on_device] = (got, sorted(Path(p).name for p in skips.paths))
    assert runs[True][1] == runs[False][1] == ["absent.jpg", "broken.jpg"]
    assert sorted(runs[True][0]) == [0, 1, 2, 3, 4]
    assert runs[True][0] == runs[False][0]  # bit for bit on the CPU
