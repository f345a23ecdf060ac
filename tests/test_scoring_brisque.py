"""The built-in BRISQUE scorer, Photo.beauty_source, one-source User.beauty and the
`score beauty` run rules (no image / missing / unreadable, --only-missing, --out)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image, ImageFilter

import graphdb
from beautygraph.cli import cli
from beautygraph.errors import UserError
from beautygraph.pipelines.scoring import (
    EXIT_SKIPPED,
    beauty_sources,
    choose_beauty_source,
    score_store,
    update_user_beauty,
)
from graphdb.loader import load_folder
from scoring import brisque as bq
from scoring.errors import ScoringError
from scoring.scorer import resolve_scorer, score_images

cv2 = pytest.importorskip("cv2")
ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "examples" / "tiny"


def _opencv_score(path: Path) -> float:
    """OpenCV's own BRISQUE (clamped to [0, 100]) on a file: an independent computation."""
    files = bq.model_files()
    img = cv2.imread(str(path))
    return float(
        cv2.quality.QualityBRISQUE_compute(img, str(files["model"]), str(files["range"]))[0]
    )


# -- the map to [0, 1] ---------------------------------------------------------------------------


def test_map_is_strictly_decreasing_with_the_documented_anchors():
    q = np.linspace(-30, 130, 321)
    b = bq.brisque_to_unit(q)
    assert np.all(np.diff(b) < 0) and np.all((b > 0) & (b < 1))
    # hand-worked: 1 / (1 + exp(±50 / (50 / ln 19))) = 1 / (1 + 19^±1)
    np.testing.assert_allclose(bq.brisque_to_unit([0.0, 50.0, 100.0]), [19 / 20, 0.5, 1 / 20])
    np.testing.assert_allclose(bq.unit_to_brisque(b), q, atol=1e-9)


# -- the model ------------------------------------------------------------------------------------


def test_quality_matches_opencv_on_real_files():
    """Our SVR evaluation equals OpenCV's compute() wherever OpenCV does not clamp."""
    scorer = bq.BrisqueScorer(max_side=None)
    files = sorted((TINY / "images").glob("*.jpg"))
    feats = np.stack([scorer.transform(Image.open(p)).numpy() for p in files])
    ours = bq.brisque_quality(feats)
    ref = np.array([_opencv_score(p) for p in files])
    inside = (ref > 0) & (ref < 100)
    assert inside.sum() >= 7
    np.testing.assert_allclose(ours[inside], ref[inside], atol=1e-3)
    np.testing.assert_allclose(np.clip(ours, 0, 100), ref, atol=1e-3)


def test_blur_and_noise_score_below_the_original():
    img = Image.open(TINY / "images" / "p3.jpg").convert("RGB")
    rng = np.random.default_rng(0)
    arr = np.asarray(img).astype(float)
    noisy = Image.fromarray((arr + rng.normal(0, 25, arr.shape)).clip(0, 255).astype(np.uint8))
    b = score_images(bq.BrisqueScorer(), [img, img.filter(ImageFilter.GaussianBlur(3)), noisy])
    assert b[1] < b[0] and b[2] < b[0]


def test_damaged_model_file_is_refused(tmp_path, monkeypatch):
    for name, _ in bq._FILES.values():
        shutil.copy(bq._DATA / name, tmp_path / name)
    with open(tmp_path / "brisque_range_live.yml", "a") as fh:
        fh.write("# edited\n")
    monkeypatch.setattr(bq, "_DATA", tmp_path)
    with pytest.raises(ScoringError, match="damaged"):
        bq.model_files()


def test_default_model_is_nima_and_unknown_models_list_what_is_available(tmp_path, monkeypatch):
    from scoring.nima import NIMA_SOURCE

    monkeypatch.delenv("BEAUTYGRAPH_MODEL", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.pt").write_bytes(b"x")
    assert resolve_scorer(None).source == NIMA_SOURCE
    monkeypatch.setenv("BEAUTYGRAPH_MODEL", "brisque")
    assert resolve_scorer(None).source == "brisque"
    with pytest.raises(ScoringError, match=r"available: nima .*brisque .*mine\.pt"):
        resolve_scorer("nope.pt")
    assert resolve_scorer("BRISQUE").source == "brisque"
    assert (resolve_scorer("brisque").kind, resolve_scorer("nima").kind) == (
        "technical",
        "aesthetic",
    )


# -- the store: sources and one-source user beauty ------------------------------------------------


def test_loaded_beauty_is_input_and_user_beauty_never_mixes(store):
    load_folder(store, TINY)
    assert beauty_sources(store) == {"input": 8}  # p9 has no beauty
    frame = pd.DataFrame({"id": ["p1", "p3"], "beauty": [0.9, 0.7], "beauty_source": "brisque"})
    store.write_node_props("Photo", frame)
    assert beauty_sources(store) == {"brisque": 2, "input": 6}
    with pytest.raises(UserError, match="several sources: brisque .2 photos., input .6 photos"):
        update_user_beauty(store)
    out = update_user_beauty(store, "brisque")
    users = store.export_nodes("User", ["beauty", "beauty_source"])
    got = dict(zip(users.ids, users.props["beauty"], strict=True))
    # p1 is alice's, p3 bob's (examples/tiny/photos.csv); nobody else has a brisque score
    assert got["alice"] == pytest.approx(0.9) and got["bob"] == pytest.approx(0.7)
    assert np.isnan([got[u] for u in got if u not in ("alice", "bob")]).all()
    assert out == {"users": 6, "with_beauty": 2, "source": "brisque"}
    src = dict(zip(users.ids, users.props["beauty_source"], strict=True))
    assert src["alice"] == "brisque" and src["carol"] is None
    update_user_beauty(store, "input")  # alice: p2 only (0.35), bob: p4 only (0.61)
    users = store.export_nodes("User", ["beauty"])
    got = dict(zip(users.ids, users.props["beauty"], strict=True))
    assert got["alice"] == pytest.approx(0.35) and got["bob"] == pytest.approx(0.61)
    assert got["carol"] == pytest.approx((0.22 + 0.18) / 2)


def test_choose_source_rules():
    assert choose_beauty_source({}) is None
    assert choose_beauty_source({"input": 3}) == "input"
    with pytest.raises(UserError, match="beauty_source='cnn:x' is no photo's beauty source"):
        choose_beauty_source({"input": 3}, "cnn:x")


# -- score beauty with brisque on a store ---------------------------------------------------------


@pytest.fixture()
def folder(tmp_path) -> Path:
    """examples/tiny with p7 named but missing, p8 unreadable, p6 without a path."""
    dst = tmp_path / "tiny"
    shutil.copytree(TINY, dst)
    (dst / "images" / "p7.jpg").unlink()
    (dst / "images" / "p8.jpg").write_bytes(b"not a jpeg")
    photos = pd.read_csv(dst / "photos.csv", dtype=str, keep_default_na=False)
    photos.loc[photos["photo_id"] == "p6", "path"] = ""
    photos.to_csv(dst / "photos.csv", index=False)
    return dst


@pytest.fixture()
def lstore(tmp_path, folder):
    s = graphdb.connect(tmp_path / "db.lbdb")
    s.init_schema()
    load_folder(s, folder)
    yield s
    s.close()


def _photos(store) -> pd.DataFrame:
    t = store.export_nodes("Photo", ["beauty", "beauty_source", "quality", "quality_source"])
    return pd.DataFrame({"id": t.ids, **t.props}).set_index("id")


def test_score_store_with_brisque_rules(lstore, folder, tmp_path):
    from kernel.steps import RecordingSteps

    rec = RecordingSteps()
    from beautygraph.outputs.beauty import write_scores_csv

    res = score_store(lstore, "brisque", device="cpu", data_dir=folder, keep_scores=True, steps=rec)
    assert res.scores is not None and res.out_file is None
    out_csv = write_scores_csv(tmp_path / "scores.csv", res.scores)
    # p6 no image (not a failure), p7 named but missing, p8 unreadable
    assert (res.n_no_image, res.n_missing, res.n_unreadable) == (1, 1, 1)
    assert res.n_scored == 6 and res.exit_code == EXIT_SKIPPED
    # the bar's total counts the files that exist, not all 9 photos; all 7 are reached
    assert rec.events[0] == ("start", "scoring photos (brisque)", 7)
    assert rec.events[-1] == ("end", "scoring photos (brisque)", 7)
    assert {s[0]: s[2] for s in res.skipped}["p7"] == "file not found"
    # BRISQUE fills the technical slot beside the aesthetic one: nothing is replaced
    assert res.replaced == {}
    ph = _photos(lstore)
    ok = ["p1", "p2", "p3", "p4", "p5", "p9"]
    assert (ph.loc[ok, "quality_source"] == "brisque").all()
    assert ph.loc[["p6", "p7", "p8"], "quality"].isna().all()
    assert (ph.drop(index="p9")["beauty_source"] == "input").all()  # the input beauty stays
    # OpenCV clamps q at 0 (p4 is that clean); compare on its clamped scale
    ref_q = np.array([_opencv_score(folder / "images" / f"{p}.jpg") for p in ok])
    got_q = np.clip(bq.unit_to_brisque(ph.loc[ok, "quality"].to_numpy()), 0, 100)
    np.testing.assert_allclose(got_q, ref_q, atol=1e-2)
    ref = ph.loc[ok, "quality"].to_numpy()
    csv = pd.read_csv(out_csv)
    assert list(csv.columns) == [
        "photo_id",
        "beauty",
        "source",
        "mean_score",
        "p_low",
        "p_medium",
        "p_high",
    ]
    assert sorted(csv["photo_id"]) == ok and (csv["source"] == "brisque").all()
    assert csv[["mean_score", "p_low", "p_medium", "p_high"]].isna().all().all()
    np.testing.assert_allclose(csv.set_index("photo_id").loc[ok, "beauty"], ref, atol=1e-4)
    # User.beauty from brisque photos only (dave: p9 only; erin's p7 and frank's p8 failed)
    ut = lstore.export_nodes("User", ["beauty", "beauty_source"])
    ub = dict(zip(ut.ids, ut.props["beauty"], strict=True))
    assert ub["dave"] == pytest.approx(ph.loc["p9", "quality"])
    assert ub["carol"] == pytest.approx(ph.loc["p5", "quality"])  # p6 (input) left out
    assert np.isnan(ub["erin"]) and np.isnan(ub["frank"])
    # a second run resumes: nothing left to score, the two failures remain
    again = score_store(lstore, "brisque", device="cpu", data_dir=folder)
    assert again.n_scored == 0 and again.n_already == 6 and again.exit_code == EXIT_SKIPPED


def test_only_missing_keeps_every_existing_score(lstore, folder):
    # a technical score from another tool on every photo but p9
    others = [f"p{i}" for i in range(1, 9)]
    lstore.write_node_props(
        "Photo", pd.DataFrame({"id": others, "quality": 0.5, "quality_source": "other"})
    )
    res = score_store(lstore, "brisque", device="cpu", data_dir=folder, only_missing=True)
    # p6 has no image; p1-p5, p7, p8 keep their other score (so p7, p8 are not read)
    assert res.n_scored == 1 and res.n_kept == 7 and res.replaced == {} and res.exit_code == 0
    ph = _photos(lstore)
    assert ph.loc["p9", "quality_source"] == "brisque"
    assert (ph.drop(index="p9")["quality_source"] == "other").all()
    plain = score_store(lstore, "brisque", device="cpu", data_dir=folder)  # replaces "other"
    assert plain.replaced == {"other": 5} and plain.n_already == 1
    with pytest.raises(UserError, match="contradict"):
        score_store(lstore, "brisque", data_dir=folder, only_missing=True, overwrite=True)


def test_cli_score_beauty_brisque_on_the_tiny_example(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BEAUTYGRAPH_MODEL", raising=False)
    db = str(tmp_path / "t.lbdb")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "load", str(TINY)]).exit_code == 0
    from beautygraph.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--db", db, "score", "beauty", "--model", "nope", "--data-dir", str(TINY)])
    assert exc.value.code == 2
    assert "available: nima" in capsys.readouterr().err
    args = ["--db", db, "score", "beauty", "--model", "brisque", "--data-dir", str(TINY)]
    out = runner.invoke(cli, [*args, "--out", str(tmp_path / "s.csv"), "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["n_scored"] == 9 and payload["users"]["source"] == "brisque"
    assert len(pd.read_csv(tmp_path / "s.csv")) == 9
    assert payload["out_file"] == str(tmp_path / "s.csv") and "scores" not in payload
    assert not (tmp_path / "s.csv.partial").exists()  # written atomically
    out = runner.invoke(cli, args)  # human summary
    assert out.exit_code == 0 and "already scored by brisque: 9" in out.output
    # the loaded input beauty and BRISQUE's quality side by side: the aesthetic one is
    # the default source of User.beauty
    out = runner.invoke(cli, ["--db", db, "score", "user-beauty", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["sources"] == {"brisque": 9, "input": 8} and payload["source"] == "input"


# -- training labels from a folder of rated photos ------------------------------------------------


def test_ratings_csv_and_vote_counts(tmp_path):
    from scoring.labels import read_labels

    (tmp_path / "r.csv").write_text("photo_id,rating\na,1\nb,4\nc,2.5\n")
    ls = read_labels(tmp_path / "r.csv")
    np.testing.assert_allclose(ls.scores, [1, 4, 2.5])
    assert list(ls.labels) == [0, 2, 1]  # tertiles
    (tmp_path / "v.csv").write_text("photo_id,votes_1,votes_2,votes_3\na,3,0,1\nb,0,1,3\nc,1,1,1\n")
    ls = read_labels(tmp_path / "v.csv")
    # hand-worked means: (3*1 + 1*3) / 4 = 1.5, (1*2 + 3*3) / 4 = 2.75, (1 + 2 + 3) / 3 = 2
    np.testing.assert_allclose(ls.scores, [1.5, 2.75, 2.0])
    (tmp_path / "bad.csv").write_text("photo_id,votes_1,votes_2\na,0,0\n")
    with pytest.raises(ScoringError, match=r"bad.csv:2: vote counts votes_1..votes_2"):
        read_labels(tmp_path / "bad.csv")


# -- the real-photo check ---------------------------------------------------------------------


def _table(score_of) -> pd.DataFrame:
    rows = [("a", "original", 0), ("b", "original", 0)]
    rows += [(p, k, lv) for p in "ab" for k in ("blur", "noise") for lv in (1, 2, 3)]
    df = pd.DataFrame(rows, columns=["photo", "kind", "level"])
    return df.assign(score=[score_of(r) for r in df.itertuples()])


def test_real_photo_summary_on_planted_models():
    from scoring.realphoto import summarise_check

    perfect = summarise_check(_table(lambda r: 1.0 - 0.1 * r.level))
    assert (perfect.share_below, perfect.mean_spearman) == (1.0, -1.0) and perfect.meets_target
    blind = summarise_check(_table(lambda r: 0.5))  # ignores the image: ties are not "below"
    assert (blind.share_below, blind.mean_spearman) == (0.0, 0.0) and not blind.meets_target
    # blur hurts, noise helps photo a only: hand-worked
    mixed = summarise_check(
        _table(lambda r: 0.5 + (0.1 if r.kind == "noise" and r.photo == "a" else -0.1) * r.level)
    )
    assert mixed.share_below == 0.75 and mixed.mean_spearman == -0.5
    kinds = mixed.by_kind.set_index("kind")
    assert kinds.loc["noise", "share_below"] == 0.5 and kinds.loc["noise", "mean_spearman"] == 0.0


def test_degradations_are_increasing_and_seeded():
    from scoring.realphoto import degrade, load_real_photo

    img = load_real_photo("chelsea", size=128)
    assert max(img.shape[:2]) == 128
    for kind in ("blur", "noise", "jpeg", "exposure"):
        errs = [
            np.abs(degrade(img, kind, v, seed=1).astype(float) - img).mean()
            for v in {"blur": (1, 3), "noise": (8, 32), "jpeg": (40, 8), "exposure": (0.5, 2)}[kind]
        ]
        assert 0 < errs[0] < errs[1], kind
    np.testing.assert_array_equal(
        degrade(img, "noise", 8, seed=3), degrade(img, "noise", 8, seed=3)
    )


# -- analyze network on photos with two sources -----------------------------------------------


def test_network_aggregates_use_one_source_and_match_numpy(store):
    from beautygraph.pipelines.network import (
        aggregate_in_cypher,
        check_against_numpy,
        export_network_data,
    )

    load_folder(store, TINY)
    frame = pd.DataFrame({"id": ["p1", "p3"], "beauty": [0.9, 0.7], "beauty_source": "brisque"})
    store.write_node_props("Photo", frame)
    with pytest.raises(UserError, match="several sources"):
        aggregate_in_cypher(store)
    counts = aggregate_in_cypher(store, "brisque")
    assert counts["beauty_source"] == "brisque" and counts["with_beauty"] == 2
    data = export_network_data(store, counts["beauty_source"])
    assert np.isfinite(data.photo_beauty).sum() == 2
    assert max(check_against_numpy(data).values()) < 1e-9
