"""Training, checkpoints, resume, bad images and bad model files (tiny CNN, 32 px, CPU)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from scoring.errors import ScoringError
from scoring.infer import predict_paths
from scoring.labels import quantile_buckets
from scoring.model import build_beauty_model, load_checkpoint, save_checkpoint
from scoring.testing import write_labelled_photos
from scoring.train import TrainConfig, train


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: threads only add overhead on a shared machine
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    root = tmp_path_factory.mktemp("photos")
    names, beauty = write_labelled_photos(root, 60, seed=5, size=40)
    return [str(root / n) for n in names], quantile_buckets(beauty), beauty


def _cfg(tmp_path, **kw) -> TrainConfig:
    base = dict(
        out=str(tmp_path / "m.pt"),
        backbone="tinycnn",
        weights=None,
        image_size=32,
        epochs=4,
        head_epochs=1,
        batch=16,
        lr=1e-2,
        backbone_lr_factor=1.0,
        seed=3,
    )
    base.update(kw)
    return TrainConfig(**base)


def test_training_lowers_the_loss_and_checkpoints(tmp_path, photos):
    paths, labels, _ = photos
    res = train(_cfg(tmp_path, epochs=6), paths, labels)
    losses = [m.train_loss for m in res.history]
    assert [m.phase for m in res.history[:2]] == ["head", "full"]
    assert losses[-1] < losses[0] - 0.05
    assert np.log(3) - 0.1 < losses[0] < np.log(3) + 0.2  # starts near chance
    loaded = load_checkpoint(res.checkpoint)
    assert loaded.epoch == 6 and loaded.classes == ("low", "medium", "high")
    assert loaded.checkpoint["args"]["backbone"] == "tinycnn"
    assert loaded.checkpoint["optimizer"] is not None and loaded.checkpoint["scheduler"] is not None
    assert len(loaded.checkpoint["history"]) == 6
    # round trip: identical parameters and identical predictions
    for (k, a), (k2, b) in zip(
        res.model.state_dict().items(), loaded.model.state_dict().items(), strict=True
    ):
        assert k == k2 and torch.equal(a, b)
    x = torch.stack([loaded.transform(__import__("PIL.Image").Image.open(p)) for p in paths[:5]])
    with torch.no_grad():
        torch.testing.assert_close(res.model(x), loaded.model(x))


def test_same_seed_same_model(tmp_path, photos):
    paths, labels, _ = photos
    a = train(_cfg(tmp_path / "a", epochs=2), paths, labels)
    b = train(_cfg(tmp_path / "b", epochs=2), paths, labels)
    for x, y in zip(a.model.parameters(), b.model.parameters(), strict=True):
        assert torch.equal(x, y)


def test_resume_continues_from_saved_epoch(tmp_path, photos):
    paths, labels, _ = photos
    full = train(_cfg(tmp_path / "full", epochs=4), paths, labels)
    part = train(_cfg(tmp_path / "part", epochs=2), paths, labels)
    assert load_checkpoint(part.checkpoint).epoch == 2
    resumed = train(_cfg(tmp_path / "part", epochs=4, resume=str(part.checkpoint)), paths, labels)
    assert resumed.start_epoch == 2
    assert [m.epoch for m in resumed.history] == [1, 2, 3, 4]
    assert load_checkpoint(resumed.checkpoint).epoch == 4
    # the resumed run equals the uninterrupted one epoch for epoch
    np.testing.assert_allclose(
        [m.train_loss for m in resumed.history], [m.train_loss for m in full.history], rtol=1e-4
    )
    # a finished run resumes to itself
    again = train(_cfg(tmp_path / "part", epochs=4, resume=str(resumed.checkpoint)), paths, labels)
    assert again.start_epoch == 4 and len(again.history) == 4
    with pytest.raises(ScoringError, match="cannot resume"):
        train(
            _cfg(tmp_path / "x", epochs=5, resume=str(resumed.checkpoint), image_size=48),
            paths,
            labels,
        )


def test_corrupt_and_missing_images_are_skipped(tmp_path, photos):
    paths, labels, _ = photos
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff not really a jpeg")
    trunc = tmp_path / "trunc.jpg"
    trunc.write_bytes(open(paths[0], "rb").read()[:200])
    extra = [str(bad), str(tmp_path / "missing.jpg"), str(trunc)]
    res = train(_cfg(tmp_path, epochs=2), paths[:20] + extra, np.r_[labels[:20], [0, 1, 2]])
    assert len(res.skipped) == 3 and set(res.skipped.paths) == set(extra)
    assert all(m.n_train == 20 for m in res.history)
    preds = predict_paths(
        res.model,
        extra + paths[:4],
        res.transform,
        ("low", "medium", "high"),
        torch.device("cpu"),
        batch_size=2,
    )
    assert np.isnan(preds.probs[:3]).all() and np.isfinite(preds.probs[3:]).all()
    assert len(preds.skipped) == 3 and "missing.jpg" in " ".join(preds.skipped.lines())
    np.testing.assert_allclose(preds.probs[3:].sum(axis=1), 1.0, rtol=1e-6)
    assert ((preds.beauty[3:] >= 0) & (preds.beauty[3:] <= 1)).all()


def test_all_images_unreadable_is_a_clear_error(tmp_path):
    with pytest.raises(ScoringError, match="no readable training images"):
        train(_cfg(tmp_path, epochs=1), [str(tmp_path / "a.jpg"), str(tmp_path / "b.jpg")], [0, 1])


def test_wrong_model_files(tmp_path):
    with pytest.raises(ScoringError, match="model file not found"):
        load_checkpoint(tmp_path / "none.pt")
    junk = tmp_path / "junk.pt"
    junk.write_text("garbage")
    with pytest.raises(ScoringError, match="cannot read model file"):
        load_checkpoint(junk)
    bare = tmp_path / "imagenet.pth"
    model, _ = build_beauty_model("tinycnn", weights=None)
    torch.save(model.backbone.state_dict(), bare)
    with pytest.raises(ScoringError, match="not a beauty model checkpoint"):
        load_checkpoint(bare)
    # a checkpoint whose tensors do not fit its declared backbone
    mism = tmp_path / "mismatch.pt"
    save_checkpoint(
        mism,
        model,
        backbone="efficientnet_lite0",
        classes=("low", "medium", "high"),
        image_size=32,
        epoch=1,
    )
    with pytest.raises(ScoringError, match="does not match backbone 'efficientnet_lite0'"):
        load_checkpoint(mism)


def test_bad_config_and_device(tmp_path, photos):
    paths, labels, _ = photos
    with pytest.raises(ScoringError, match="head_epochs=3"):
        train(_cfg(tmp_path, epochs=2, head_epochs=3), paths, labels)
    if not torch.cuda.is_available():
        with pytest.raises(ScoringError, match="device=.cuda. needs a CUDA GPU"):
            train(_cfg(tmp_path, device="cuda"), paths, labels)


def test_real_backbone_fine_tunes_and_scores(tmp_path, photos):
    """One short run with the real offline EfficientNet-Lite0 weights (small images)."""
    paths, labels, beauty = photos
    res = train(
        _cfg(
            tmp_path,
            backbone="efficientnet_lite0",
            weights="DEFAULT",
            image_size=48,
            epochs=3,
            head_epochs=2,
            batch=20,
            lr=3e-3,
            backbone_lr_factor=0.1,
        ),
        paths[:40],
        labels[:40],
    )
    assert res.history[-1].train_loss < res.history[0].train_loss
    preds = predict_paths(
        res.model, paths[40:], res.transform, ("low", "medium", "high"), torch.device("cpu")
    )
    from scoring.evaluate import spearman_ci

    assert spearman_ci(preds.beauty, beauty[40:]).rho > 0.3
