"""Scoring photos of a real embedded store, the CLI, resumability, the demo section."""

from __future__ import annotations

import json
import shutil
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

import graphdb
from beautygraph.cli import cli
from beautygraph.pipelines.demo_scoring import (
    DEMO_SCORING,
    DemoScoringResult,
    DemoScoringSkipped,
    run_demo_scoring,
    split_by_picture,
)
from beautygraph.pipelines.scoring import EXIT_SKIPPED, score_store
from beautygraph.report import DemoContext
from beautygraph.sections.beauty import scoring_section
from graphdb.loader import load_folder
from kernel.steps import Steps
from scoring.infer import predict_paths
from scoring.model import build_beauty_model, save_checkpoint
from scoring.testing import write_labelled_photos

N_PHOTOS = 40


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """3 users, 40 photos with rendered images (planted beauty), photo q39 missing on disk,
    q38 corrupt, q37 without a path."""
    root = tmp_path_factory.mktemp("data")
    (root / "images").mkdir()
    users = pd.DataFrame(
        {"user_id": ["u0", "u1", "u2"], "joined_at": ["2024-01-01"] * 3, "bio": ["", "", ""]}
    )
    users.to_csv(root / "users.csv", index=False)
    names, beauty = write_labelled_photos(root / "images", N_PHOTOS, seed=11, size=40)
    rows = []
    for i, (name, b) in enumerate(zip(names, beauty, strict=True)):
        pid = f"q{i}"
        (root / "images" / name).rename(root / "images" / f"{pid}.jpg")
        rows.append(
            {
                "photo_id": pid,
                "owner": f"u{i % 3}",
                "uploaded_at": "2024-02-01",
                "path": f"images/{pid}.jpg",
                "tags": "",
                "beauty": round(float(b), 4),
            }
        )
    (root / "images" / "q39.jpg").unlink()
    (root / "images" / "q38.jpg").write_bytes(b"corrupt")
    rows[37]["path"] = ""
    pd.DataFrame(rows).to_csv(root / "photos.csv", index=False)
    return root


@pytest.fixture()
def store(tmp_path, data_dir):
    s = graphdb.connect(tmp_path / "db.lbdb")
    s.init_schema()
    load_folder(s, data_dir)
    yield s
    s.close()


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    model, _ = build_beauty_model("tinycnn", weights=None, image_size=32)
    torch.nn.init.normal_(model.head.weight, std=0.5)  # an untrained but non-trivial head
    path = tmp_path_factory.mktemp("model") / "model.pt"
    save_checkpoint(
        path, model, backbone="tinycnn", classes=("low", "medium", "high"), image_size=32, epoch=0
    )
    return path


def _photos(store) -> pd.DataFrame:
    t = store.export_nodes("Photo", ["path", "beauty", "p_low", "p_mid", "p_high"])
    return pd.DataFrame({"id": t.ids, **t.props}).set_index("id")


def test_score_store_writes_probabilities_and_user_beauty(store, data_dir, model_file):
    from scoring.model import load_checkpoint

    before = _photos(store)
    res = score_store(store, model_file, device="cpu", batch=8, data_dir=data_dir, write_every=10)
    assert res.n_photos == N_PHOTOS and res.n_no_image == 1 and res.n_missing == 1
    assert res.n_scored == N_PHOTOS - 3 and res.n_skipped == 2
    assert {s[0] for s in res.skipped} == {"q38", "q39"} and res.exit_code == EXIT_SKIPPED
    after = _photos(store)
    ok = [f"q{i}" for i in range(37)]
    # independent computation: the same model run directly on the files
    loaded = load_checkpoint(model_file)
    ref = predict_paths(
        loaded.model,
        [data_dir / "images" / f"{p}.jpg" for p in ok],
        loaded.transform,
        loaded.classes,
        torch.device("cpu"),
    )
    np.testing.assert_allclose(
        after.loc[ok, ["p_low", "p_mid", "p_high"]].to_numpy(), ref.probs, rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        after.loc[ok, "beauty"], (ref.probs[:, 2] - ref.probs[:, 0] + 1) / 2, rtol=1e-5
    )
    # skipped photos keep what they had
    assert np.isnan(after.loc[["q37", "q38", "q39"], "p_low"]).all()
    np.testing.assert_allclose(
        after.loc[["q37", "q38", "q39"], "beauty"], before.loc[["q37", "q38", "q39"], "beauty"]
    )
    # User.beauty = mean beauty of the user's photos scored by this model (recomputed by
    # cypher/user_beauty): q37-q39 keep their input beauty and are left out, never mixed
    assert res.users["source"] == res.source and res.source.startswith("cnn:model-")
    users = store.export_nodes("User", ["beauty"])
    owner = {f"q{i}": f"u{i % 3}" for i in range(N_PHOTOS)}
    cnn = after.loc[ok]
    expect = cnn["beauty"].groupby(cnn.index.map(owner)).mean()
    np.testing.assert_allclose(
        users.props["beauty"], expect.loc[list(users.ids)].to_numpy(), rtol=1e-6
    )


def test_score_store_resumes_after_interruption(store, data_dir, model_file):
    class Boom(RuntimeError):
        pass

    real_write = store.write_node_props
    calls = {"n": 0}

    def flaky(label, frame):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Boom("interrupted")
        return real_write(label, frame)

    store.write_node_props = flaky
    with pytest.raises(Boom):
        score_store(store, model_file, device="cpu", batch=5, data_dir=data_dir, write_every=10)
    store.write_node_props = real_write
    partial = _photos(store)["p_low"].notna().sum()
    assert partial == 10
    res = score_store(store, model_file, device="cpu", batch=5, data_dir=data_dir, write_every=10)
    assert res.n_already == 10 and res.n_scored == N_PHOTOS - 3 - 10
    assert _photos(store)["p_low"].notna().sum() == N_PHOTOS - 3
    again = score_store(store, model_file, device="cpu", data_dir=data_dir)
    assert again.n_scored == 0 and again.n_already == N_PHOTOS - 3
    over = score_store(store, model_file, device="cpu", data_dir=data_dir, overwrite=True)
    assert over.n_scored == N_PHOTOS - 3 and over.n_already == 0


def test_score_store_from_a_folder(store, data_dir, model_file, tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    for p in ("q1", "q2"):
        shutil.copy(data_dir / "images" / f"{p}.jpg", folder / f"{p}.jpg")
    Image.new("RGB", (10, 10)).save(folder / "stranger.png")  # not a Photo id: ignored
    res = score_store(store, model_file, device="cpu", folder=folder)
    assert res.n_scored == 2 and res.exit_code == 0
    got = _photos(store)["p_low"]
    assert got.notna().sum() == 2 and got.loc[["q1", "q2"]].notna().all()


def test_cli_score_beauty_exit_codes(store, data_dir, model_file, tmp_path):
    store.close()
    db = tmp_path / "db.lbdb"
    runner = CliRunner()
    out = runner.invoke(
        cli,
        [
            "--db",
            str(db),
            "score",
            "beauty",
            "--model",
            str(model_file),
            "--data-dir",
            str(data_dir),
            "--device",
            "cpu",
            "--json",
        ],
    )
    assert out.exit_code == EXIT_SKIPPED, out.output
    payload = json.loads(out.stdout)
    assert payload["n_scored"] == N_PHOTOS - 3 and payload["n_skipped"] == 2
    assert sorted(s["photo_id"] for s in payload["skipped"]) == ["q38", "q39"]
    # second run: nothing new to score, the two images are still missing
    out = runner.invoke(
        cli,
        [
            "--db",
            str(db),
            "score",
            "beauty",
            "--model",
            str(model_file),
            "--data-dir",
            str(data_dir),
            "--json",
        ],
    )
    assert out.exit_code == EXIT_SKIPPED and json.loads(out.stdout)["n_already"] == N_PHOTOS - 3


def test_cli_user_errors_are_one_line(tmp_path, data_dir):
    from beautygraph.cli import main

    db = tmp_path / "e.lbdb"
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db), "score", "beauty", "--model", str(tmp_path / "nope.pt")])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "--db",
                str(db),
                "score",
                "train",
                "--images",
                str(data_dir),
                "--labels",
                str(tmp_path / "none.csv"),
                "--out",
                str(tmp_path / "m.pt"),
            ]
        )
    assert exc.value.code == 2


def test_cli_train_and_evaluate(tmp_path):
    root = tmp_path / "imgs"
    names, beauty = write_labelled_photos(root, 30, seed=2, size=40)
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"image": names, "score": beauty * 9 + 1}).to_csv(labels, index=False)
    raters = tmp_path / "raters.csv"
    rng = np.random.default_rng(0)
    grades = np.clip(np.round(beauty * 4 + 1)[:, None] + rng.integers(-1, 2, (30, 4)), 1, 5).astype(
        int
    )
    pd.DataFrame(
        [(n, f"w{j}", grades[i, j]) for i, n in enumerate(names) for j in range(4)],
        columns=["image", "rater", "score"],
    ).to_csv(raters, index=False)
    runner = CliRunner()
    model = tmp_path / "m.pt"
    out = runner.invoke(
        cli,
        [
            "score",
            "train",
            "--images",
            str(root),
            "--labels",
            str(labels),
            "--out",
            str(model),
            "--backbone",
            "tinycnn",
            "--weights",
            "none",
            "--image-size",
            "32",
            "--epochs",
            "2",
            "--head-epochs",
            "1",
            "--batch",
            "8",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    summary = json.loads(out.stdout)
    assert summary["n_train"] == 27 and summary["n_val"] == 3 and len(summary["history"]) == 2
    out = runner.invoke(
        cli,
        [
            "score",
            "evaluate",
            "--model",
            str(model),
            "--images",
            str(root),
            "--labels",
            str(labels),
            "--raters",
            str(raters),
            "--out",
            str(tmp_path / "ev"),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    ev = json.loads(out.stdout)
    assert ev["n"] == 30 and -1 <= ev["spearman"] <= 1 and len(ev["spearman_ci"]) == 2
    assert 0 <= ev["tau_machine"] <= 1 and ev["tau_random"] < ev["tau_mean_human"]
    assert (tmp_path / "ev" / "beauty_deciles.png").exists()
    assert (tmp_path / "ev" / "reliability.csv").exists()
    assert len(ev["deciles"]) == 10


def test_demo_section_on_rendered_photos(store, data_dir, tmp_path):
    cfg = replace(
        DEMO_SCORING,
        backbone="tinycnn",
        weights=None,
        image_size=32,
        epochs=3,
        head_epochs=1,
        lr=1e-2,
        min_images=20,
    )
    out = run_demo_scoring(store, data_dir, tmp_path, seed=1, cfg=cfg, steps=Steps())
    assert isinstance(out, DemoScoringResult)
    # 38 photos with a file and a known beauty (q38's file is corrupt), 60 % for training
    assert out.n_train == 23 and out.n_test + out.n_skipped == 15 and out.n_skipped <= 1
    assert -1 <= out.spearman <= 1 and out.spearman_ci[0] <= out.spearman <= out.spearman_ci[1]
    assert len(out.deciles.n) == 10 and out.deciles.n.sum() == out.n_test
    scored = _photos(store)["p_low"].notna().sum()
    assert scored == out.n_test
    assert out.headline()["n_test"] == out.n_test and "deciles" not in out.headline()


def test_demo_section_skips_without_enough_photos(store, data_dir, tmp_path):
    """Too few rendered photos: the section says so and hands the skip on, trains nothing."""
    ctx = DemoContext(
        store=store, out_dir=tmp_path, data_dir=data_dir, truth=None, seed=1, n_users=0
    )
    section = scoring_section(ctx, replace(DEMO_SCORING, min_images=1000))
    assert isinstance(ctx.beauty, DemoScoringSkipped)
    assert section.headline == {"skipped": ctx.beauty.reason}
    assert "only 38 rendered photos" in ctx.beauty.reason
    assert not (tmp_path / "beauty_model.pt").exists()
    with pytest.raises(FrozenInstanceError):
        DEMO_SCORING.min_images = 1  # type: ignore[misc]


def test_cli_train_on_ava_rows_binary(tmp_path):
    """Real AVA.txt rows as labels (images synthetic, named <image_id>.jpg as in AVA)."""
    from scoring.labels import read_ava

    src = Path(__file__).resolve().parent / "fixtures" / "ava" / "nima_val.txt"
    rows = src.read_text().splitlines()[:24]
    ava = tmp_path / "AVA.txt"
    ava.write_text("\n".join(rows) + "\n")
    df = read_ava(ava)
    root = tmp_path / "images"
    names, _ = write_labelled_photos(root, len(df), seed=4, size=36)
    for name, image_id in zip(names, df["image_id"], strict=True):
        (root / name).rename(root / f"{image_id}.jpg")
    (root / f"{df['image_id'].iloc[0]}.jpg").unlink()  # one image missing
    out = CliRunner().invoke(
        cli,
        [
            "score",
            "train",
            "--images",
            str(root),
            "--labels",
            str(ava),
            "--binary",
            "--out",
            str(tmp_path / "m.pt"),
            "--backbone",
            "tinycnn",
            "--weights",
            "none",
            "--image-size",
            "32",
            "--epochs",
            "1",
            "--head-epochs",
            "0",
            "--batch",
            "8",
            "--val-fraction",
            "0",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    summary = json.loads(out.stdout)
    assert summary["classes"] == ["low", "high"] and summary["n_train"] == 24
    assert summary["n_skipped"] == 1 and df["image_id"].iloc[0] in summary["skipped"][0]


def test_demo_split_holds_out_whole_source_pictures(store, data_dir, tmp_path):
    """Issue 13 item 5: no source picture on both sides of the synthetic check."""
    pictures = {f"q{i}": f"pic{i % 5}" for i in range(N_PHOTOS)}
    truth = {"images": {pid: {"source": pic} for pid, pic in pictures.items()}}
    cfg = replace(
        DEMO_SCORING, backbone="tinycnn", weights=None, image_size=32, epochs=1, head_epochs=1
    )
    res = run_demo_scoring(
        store, data_dir, tmp_path, seed=3, truth=truth, cfg=replace(cfg, min_images=20)
    )
    assert isinstance(res, DemoScoringResult)
    out = res.headline()
    assert out["split"] == "by source picture" and "synthetic" in out["check"]
    assert out["n_pictures_train"] + out["n_pictures_test"] == 5
    assert "beats_paper" not in out
    ph = store.export_nodes("Photo", ["beauty_source"])
    src = dict(zip(ph.ids, ph.props["beauty_source"], strict=True))
    # eligible photos: a file and a known beauty (q37: no path, q38 corrupt, q39 missing)
    eligible = [f"q{i}" for i in range(37)]
    tested = {pictures[p] for p in eligible if src[p].startswith("cnn:")}
    trained = {pictures[p] for p in eligible if src[p] == "input"}
    assert tested and trained and not (tested & trained)


def test_split_by_picture_rules():
    pics = [f"p{i % 7}" for i in range(70)] + [None] * 5
    tr, te = split_by_picture(pics, 0.6, seed=1)
    arr = np.array(pics, dtype=object)
    assert not set(arr[tr]) - {None} & set(arr[te]) - {None}
    assert len(tr) + len(te) == 75 and sorted(np.concatenate([tr, te])) == list(range(75))
    assert 0.4 < len(tr) / 75 < 0.8
    with pytest.raises(ValueError, match="at least 2 source pictures"):
        split_by_picture(["a", "a"], 0.5, seed=0)
