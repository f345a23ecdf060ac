"""``score train --backbone nima``: the paper's 3-class head on NIMA's MobileNet (Beautiful
and damned §4, "Fine-Tuning on Aesthetic Scoring"), trained on a small real set — real
photographs and degraded copies of them, rated by hand (originals 9, mild damage 5, heavy
damage 1) — must lower its loss, start from NIMA's own weights, and round-trip through its
checkpoint."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from beautygraph.cli import cli
from scoring.flatimages import real_photos
from scoring.model import load_checkpoint
from scoring.nima import load_nima
from scoring.realphoto import DEGRADATIONS, degrade

pytestmark = pytest.mark.slow
#: the rating assigned by hand to an original and to damage levels 2 and 5 (of 5)
RATINGS = {0: 9, 2: 5, 5: 1}


@pytest.fixture(scope="module")
def rated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rated")
    rows = []
    for name, pixels in real_photos(size=160).items():
        Image.fromarray(pixels).save(folder / f"{name}.jpg", quality=95)
        rows.append((f"{name}.jpg", RATINGS[0]))
        for kind in ("blur", "noise", "exposure"):
            for level in (2, 5):
                damaged = degrade(pixels, kind, DEGRADATIONS[kind][level - 1], seed=level)
                Image.fromarray(damaged).save(folder / f"{name}_{kind}{level}.jpg", quality=95)
                rows.append((f"{name}_{kind}{level}.jpg", RATINGS[level]))
    labels = folder / "ratings.csv"
    pd.DataFrame(rows, columns=["image", "rating"]).to_csv(labels, index=False)
    return folder, labels


def _train(rated, out, epochs: int, head_epochs: int) -> dict:
    folder, labels = rated
    args = ["score", "train", "--images", str(folder), "--labels", str(labels)]
    args += ["--out", str(out), "--backbone", "nima", "--image-size", "96", "--batch", "16"]
    args += ["--epochs", str(epochs), "--head-epochs", str(head_epochs), "--lr", "1e-3"]
    args += ["--val-fraction", "0.1", "--seed", "0", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_head_on_nima_learns_and_round_trips(rated, tmp_path):
    summary = _train(rated, tmp_path / "nima3.pt", epochs=5, head_epochs=3)
    losses = [row["train_loss"] for row in summary["history"]]
    assert summary["n_train"] + summary["n_val"] == 70
    assert losses[-1] < 0.8 * losses[0], losses
    loaded = load_checkpoint(tmp_path / "nima3.pt")
    assert loaded.backbone == "nima" and tuple(loaded.classes) == ("low", "medium", "high")
    # round trip: the checkpoint reloads to the same weights and the same scores
    again = load_checkpoint(tmp_path / "nima3.pt")
    for (k, a), (_, b) in zip(
        loaded.model.state_dict().items(), again.model.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), k
    folder, _ = rated
    images = [Image.open(p).convert("RGB") for p in sorted(folder.glob("*.jpg"))[:6]]
    x = torch.stack([loaded.transform(im) for im in images])
    with torch.inference_mode():
        p1 = loaded.model.eval()(x)
        p2 = again.model.eval()(x)
    assert torch.equal(p1, p2)


def test_head_only_training_keeps_nimas_weights(rated, tmp_path):
    _train(rated, tmp_path / "head.pt", epochs=1, head_epochs=1)
    loaded = load_checkpoint(tmp_path / "head.pt")
    nima = load_nima().base.state_dict()
    backbone = loaded.model.backbone.state_dict()
    assert set(backbone) == set(nima)
    for key in ("features.conv1.weight", "features.conv_pw_13.weight"):
        assert torch.equal(backbone[key], nima[key]), key
    assert not np.allclose(loaded.model.backbone.state_dict()["features.conv1.weight"].numpy(), 0.0)
