"""NIMA, the default beauty model: the PyTorch port against the original Keras model's
outputs, the shipped weights, and the paper's Eq. 1 from NIMA's vote distribution.

The reference (``tests/fixtures/nima/keras_reference.json``) was computed by
``scripts/nima_keras_reference.py`` in a throwaway TensorFlow environment from idealo's
HDF5 file, on real photographs shipped by scikit-image and scikit-learn.  Each test of a
rule also shows that a plausible mistake breaks it (TF 'same' padding, an asymmetric pad,
a bilinear resize, swapped bins)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from scoring import nima
from scoring.errors import ScoringError
from scoring.labels import read_ava

ROOT = Path(__file__).resolve().parent
REFERENCE = json.loads((ROOT / "fixtures" / "nima" / "keras_reference.json").read_text())
AVA_VAL = ROOT / "fixtures" / "ava" / "nima_val.txt"
CPU = torch.device("cpu")


def _package_dir(package: str) -> Path:
    if package == "scikit-image":
        import skimage

        return Path(os.path.dirname(skimage.__file__)) / "data"
    import sklearn

    return Path(os.path.dirname(sklearn.__file__)) / "datasets" / "images"


def _reference_photos() -> list[tuple[dict, Image.Image]]:
    """The fixture's photos whose files are byte for byte the ones the reference ran on
    (a later scikit-image/scikit-learn release may change a file); at least 6 must be."""
    found = []
    for row in REFERENCE["photos"]:
        path = _package_dir(row["package"]) / row["file"]
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == row["file_sha256"]:
            with Image.open(path) as im:
                found.append((row, im.convert("RGB")))
    assert len(found) >= 6, f"only {len(found)} reference photos are installed unchanged"
    return found


@pytest.fixture(scope="module")
def photos():
    return _reference_photos()


@pytest.fixture(scope="module")
def scorer():
    return nima.NimaScorer()


def _distribution(scorer, images, transform=None) -> np.ndarray:
    transform = transform or scorer.transform
    return scorer.distribution(torch.stack([transform(im) for im in images]), CPU)


def _reference(photos) -> np.ndarray:
    return np.array([row["probabilities"] for row, _ in photos])


def test_port_matches_the_keras_model_on_real_photos(photos, scorer):
    got = _distribution(scorer, [im for _, im in photos])
    ref = _reference(photos)
    assert np.abs(got - ref).max() <= 1e-4
    means = np.array([row["mean_score"] for row, _ in photos])
    np.testing.assert_allclose(nima.mean_score(got), means, atol=1e-3)
    # the scorer folds batch norms into the convolutions; the plain network (the one
    # fine-tuning starts from) matches too
    x = torch.stack([nima.NimaPreprocess()(im) for _, im in photos])
    with torch.inference_mode():
        plain = torch.softmax(nima.load_nima()(x).double(), dim=1).numpy()
    assert np.abs(plain - ref).max() <= 1e-4


def test_nearest_resize_is_keras_load_img(photos):
    pre = nima.NimaPreprocess()
    for row, im in photos:
        pixels = ((pre(im).numpy().transpose(1, 2, 0) + 1.0) * 127.5).round().astype(np.uint8)
        digest = hashlib.sha256(np.ascontiguousarray(pixels).tobytes()).hexdigest()
        assert digest == row["resized_uint8_sha256"], row["name"]


def _bilinear(im: Image.Image) -> torch.Tensor:
    small = im.resize((224, 224), Image.Resampling.BILINEAR)
    x = np.asarray(small, dtype=np.float32) / np.float32(127.5) - np.float32(1.0)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))


def test_the_reference_catches_a_bilinear_resize(photos, scorer):
    got = _distribution(scorer, [im for _, im in photos], transform=_bilinear)
    assert np.abs(got - _reference(photos)).max() > 1e-3


@pytest.mark.parametrize("pad", ["tf_same", "right_bottom_all"])
def test_the_reference_catches_wrong_padding(photos, pad):
    """TF 'same' (later Keras: stride-2 layers padded on the right and bottom only) and an
    asymmetric pad everywhere both move the probabilities far beyond the tolerance."""
    net = nima.load_nima()
    layers = net.base.features._modules
    for name, conv in list(layers.items()):
        if not isinstance(conv, torch.nn.Conv2d) or conv.kernel_size != (3, 3):
            continue
        if pad == "right_bottom_all" or conv.stride == (2, 2):
            extra = (0, 2, 0, 2) if conv.stride == (1, 1) else (0, 1, 0, 1)
            conv.padding = (0, 0)
            layers[name] = torch.nn.Sequential(torch.nn.ZeroPad2d(extra), conv)
    x = torch.stack([nima.NimaPreprocess()(im) for _, im in photos])
    with torch.inference_mode():
        got = torch.softmax(net(x).double(), dim=1).numpy()
    assert np.abs(got - _reference(photos)).max() > 1e-3


def test_shipped_weights_are_checked(tmp_path, monkeypatch):
    digest = hashlib.sha256(nima.NIMA_WEIGHTS_PATH.read_bytes()).hexdigest()
    assert digest == nima.NIMA_WEIGHTS_SHA256
    damaged = tmp_path / "nima.pt"
    damaged.write_bytes(nima.NIMA_WEIGHTS_PATH.read_bytes()[:-10] + b"0123456789")
    monkeypatch.setattr(nima, "NIMA_WEIGHTS_PATH", damaged)
    with pytest.raises(ScoringError, match="damaged"):
        nima.load_nima()
    monkeypatch.setattr(nima, "NIMA_WEIGHTS_PATH", tmp_path / "absent.pt")
    with pytest.raises(ScoringError, match="missing"):
        nima.load_nima()
    assert nima.NIMA_SOURCE == "nima:" + REFERENCE["source_sha256"][:8]


# -- Eq. 1 from NIMA's distribution -------------------------------------------------------


def test_bins_and_eq1_hand_worked():
    one_hot = np.eye(10)  # all mass on one score, 1..10
    probs = nima.class_probs(one_hot)
    assert probs.argmax(axis=1).tolist() == [0] * 4 + [1] * 2 + [2] * 4
    s = nima.beauty_score(probs[:, 0], probs[:, 2])
    assert s.tolist() == [0.0] * 4 + [0.5] * 2 + [1.0] * 4
    # symmetric about 5.5: a distribution and its mirror image sum to beauty 1
    p = np.array([[0.05, 0.05, 0.1, 0.2, 0.3, 0.1, 0.1, 0.05, 0.05, 0.0]])
    pr = nima.class_probs(p)
    mirror = nima.class_probs(p[:, ::-1])
    assert nima.beauty_score(pr[:, 0], pr[:, 2]) + nima.beauty_score(
        mirror[:, 0], mirror[:, 2]
    ) == pytest.approx(1.0)
    assert nima.mean_score(p)[0] == pytest.approx(sum(k * q for k, q in enumerate(p[0], 1)))


def test_bins_are_the_best_split_on_ava_votes():
    """Re-derive the choice of scoring/nima.py from the vendored AVA rows (a different
    file from the one the docstring quotes): 1-4 / 5-6 / 7-10 ranks photos most like
    their mean vote."""
    votes = read_ava(AVA_VAL)[[f"c{k}" for k in range(1, 11)]].to_numpy(float)
    ranked = nima.rank_bins(votes)
    (rho, (a, b)) = ranked[0]
    assert (tuple(range(1, a + 1)), tuple(range(a + 1, b)), tuple(range(b, 11))) == (
        nima.SCORE_BINS
    )
    assert rho > 0.99 and rho > ranked[1][0]


def test_nima_beauty_follows_its_mean_score_and_swapped_bins_invert_it(photos, scorer):
    batch = scorer.predict(torch.stack([scorer.transform(im) for _, im in photos]), CPU)
    assert batch.mean_score is not None and batch.probs is not None
    np.testing.assert_allclose(batch.probs.sum(axis=1), 1.0, atol=1e-9)
    from scipy.stats import spearmanr

    assert spearmanr(batch.beauty, batch.mean_score)[0] > 0.9
    swapped = nima.class_probs(
        _distribution(scorer, [im for _, im in photos]), nima.SCORE_BINS[::-1]
    )
    s_swapped = nima.beauty_score(swapped[:, 0], swapped[:, 2])
    assert spearmanr(s_swapped, batch.mean_score)[0] < -0.9
