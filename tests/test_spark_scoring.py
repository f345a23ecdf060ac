"""``score beauty --engine spark``: the photos of an export scored with ``mapInPandas``.

The Spark scores equal those of the local scoring loop (:func:`scoring.scorer.iter_scores`)
to 1e-5; each Python worker loads the model once, not per batch; a re-run scores only the
photos its results folder lacks (also after an interruption that lost some part files);
unreadable images are skipped and counted; the results folder round-trips through
``import-results`` into an embedded store.  A handful of small images written per module;
one local Spark session (the same settings as ``tests/test_spark_engine.py``, so the two
modules share it); skipped, with the reason, where pyspark or Java is absent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from beautygraph.errors import UserError
from tests.conftest import SPARK_CONF, local_spark_options

pytest.importorskip("pyspark", reason="the [spark] extra (pyspark) is not installed")
pytest.importorskip("cv2", reason="the brisque model needs opencv-contrib-python-headless")

#: photos with an image, by id; "bad" is not an image, "gone" names no file, "blank" no path
GOOD = [f"p{i}" for i in range(6)]


@pytest.fixture(scope="session")
def spark_options():
    return local_spark_options()


def _write_images(folder: Path, ids: list[str], seed: int = 0) -> None:
    from PIL import Image

    rng = np.random.default_rng(seed)
    (folder / "images").mkdir(parents=True, exist_ok=True)
    for k, pid in enumerate(ids):
        h, w = 40 + 7 * k, 56 + 5 * k
        ramp = np.linspace(0, 255, w)[None, :, None] * np.ones((h, 1, 3))
        noise = rng.normal(0, 10 + 8 * k, (h, w, 3))
        pixels = np.clip(ramp + noise, 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / "images" / f"{pid}.png")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """An input folder: one user, photos p0..p5 with images, ``bad`` (not an image),
    ``gone`` (no file) and ``blank`` (empty path)."""
    folder = tmp_path_factory.mktemp("spark_scoring")
    _write_images(folder, GOOD)
    (folder / "images" / "bad.png").write_bytes(b"this is not a PNG file")
    rows = [(pid, f"images/{pid}.png") for pid in [*GOOD, "bad", "gone"]] + [("blank", "")]
    pd.DataFrame({"user_id": ["u1"], "joined_at": ["2024-01-01"], "bio": ["x"]}).to_csv(
        folder / "users.csv", index=False
    )
    pd.DataFrame(
        {
            "photo_id": [r[0] for r in rows],
            "owner": "u1",
            "uploaded_at": "2024-01-08",
            "path": [r[1] for r in rows],
            "tags": "",
        }
    ).to_csv(folder / "photos.csv", index=False)
    return folder


def _export(folder: Path, ids: list[str] | None, out: Path) -> Path:
    """An export folder (``nodes/Photo.parquet``: index, id, path) of photos ``ids``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    photos = pd.read_csv(folder / "photos.csv", keep_default_na=False)
    if ids is not None:
        photos = photos[photos["photo_id"].isin(ids)]
    photos = photos.sort_values("photo_id")
    (out / "nodes").mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "index": np.arange(len(photos), dtype=np.int64),
            "id": photos["photo_id"].tolist(),
            "path": [p or None for p in photos["path"]],
        }
    )
    pq.write_table(table, out / "nodes" / "Photo.parquet")
    return out


def _local_scores(model: str, folder: Path, ids: list[str]) -> dict[str, float]:
    import torch

    from scoring.scorer import iter_scores, resolve_scorer

    scorer = resolve_scorer(model)
    paths = [str(folder / "images" / f"{pid}.png") for pid in ids]
    out: dict[str, float] = {}
    for idx, scores in iter_scores(scorer, paths, torch.device("cpu"), batch_size=4):
        out.update({ids[i]: float(b) for i, b in zip(idx, scores.beauty, strict=True)})
    return out


def _results(results: Path) -> pd.DataFrame:
    return pd.read_parquet(results / "nodes" / "Photo.parquet")


def _score(spark_options, export, results, folder, model="brisque", **kw):
    from beautygraph.pipelines.spark_scoring import score_export_spark

    return score_export_spark(
        export, results, model, options=spark_options, data_dir=folder, device="cpu", **kw
    )


@pytest.fixture(scope="module")
def first_run(spark_options, data_dir, tmp_path_factory):
    """Every photo scored once with BRISQUE: 3 photos per Arrow batch, 2 per model batch."""
    work = tmp_path_factory.mktemp("first_run")
    export = _export(data_dir, None, work / "export")
    res = _score(spark_options, export, work / "results", data_dir, frame_rows=3, batch=2)
    return res, work


def test_spark_scores_equal_local_scores(first_run, data_dir):
    res, work = first_run
    out = _results(work / "results")
    assert sorted(out["id"]) == GOOD  # each photo once: no duplicate, no unreadable one
    assert list(out.columns) == ["id", "quality", "quality_source"]  # BRISQUE: technical
    assert set(out["quality_source"]) == {"brisque"}
    want = _local_scores("brisque", data_dir, GOOD)
    got = dict(zip(out["id"], out["quality"], strict=True))
    assert max(abs(got[i] - want[i]) for i in GOOD) <= 1e-5
    assert (res.scored, res.source, res.photos, res.no_image) == (6, "brisque", 9, 1)


def test_each_worker_loads_the_model_once(first_run):
    """8 photos with a path in 2 tasks, 3 per Arrow batch (4 batches): a load per batch
    would count 4, one per Python worker at most 2 (local[2]: two workers, reused between
    tasks and batches)."""
    res, _ = first_run
    assert res.scored + res.unreadable == 8
    assert res.model_loads <= 2


def test_each_image_is_read_once(first_run):
    """The scores are counted and written from one evaluation of the scoring frame."""
    res, _ = first_run
    assert res.images_read == res.scored + res.unreadable == 8


def test_unreadable_images_are_skipped_and_counted(first_run, spark_options, data_dir):
    res, work = first_run
    assert res.unreadable == 2 and res.exit_code == 3
    reasons = {pid: why for pid, _, why in res.unreadable_examples}
    assert set(reasons) == {"bad", "gone"}
    assert "FileNotFoundError" in reasons["gone"]
    # not written, so a re-run tries them again (and scores nothing else)
    again = _score(spark_options, work / "export", work / "results", data_dir)
    assert (again.scored, again.unreadable, again.skipped_already_scored) == (0, 2, 6)
    assert sorted(_results(work / "results")["id"]) == GOOD


def test_a_rerun_scores_only_the_new_photos(spark_options, data_dir, tmp_path):
    results = tmp_path / "results"
    first = _score(spark_options, _export(data_dir, GOOD[:4], tmp_path / "e1"), results, data_dir)
    assert (first.scored, first.skipped_already_scored) == (4, 0)
    before = _results(results).set_index("id")["quality"]
    second = _score(spark_options, _export(data_dir, GOOD, tmp_path / "e2"), results, data_dir)
    assert (second.scored, second.skipped_already_scored) == (2, 4)
    after = _results(results)
    assert sorted(after["id"]) == GOOD  # the 4 old ones once each, the 2 new ones added
    kept = after.set_index("id")["quality"].loc[before.index]
    np.testing.assert_array_equal(kept.to_numpy(), before.to_numpy())


def test_an_interrupted_run_resumes_from_its_part_files(spark_options, data_dir, tmp_path):
    """Chunks are committed one by one: losing the part files of a chunk (a run killed
    before it committed) leaves exactly those photos for the re-run."""
    export, results = _export(data_dir, GOOD, tmp_path / "export"), tmp_path / "results"
    res = _score(spark_options, export, results, data_dir, chunk_rows=2)
    assert res.chunks == 3 and res.scored == 6
    parts = [p for p in sorted((results / "nodes" / "Photo.parquet").glob("part-*.parquet"))]
    lost = next(p for p in parts if len(pd.read_parquet(p)))
    lost_ids = set(pd.read_parquet(lost)["id"])
    lost.unlink()
    again = _score(spark_options, export, results, data_dir, chunk_rows=2)
    assert again.scored == len(lost_ids) and again.skipped_already_scored == 6 - len(lost_ids)
    assert sorted(_results(results)["id"]) == GOOD


def test_results_of_another_model_are_refused(spark_options, data_dir, tmp_path):
    results = tmp_path / "results" / "nodes" / "Photo.parquet"
    results.mkdir(parents=True)
    pd.DataFrame({"id": ["p0"], "quality": [0.5], "quality_source": ["other"]}).to_parquet(
        results / "part-0.parquet"
    )
    export = _export(data_dir, GOOD, tmp_path / "export")
    with pytest.raises(UserError, match="holds scores of \\['other'\\]"):
        _score(spark_options, export, tmp_path / "results", data_dir)
    res = _score(spark_options, export, tmp_path / "results", data_dir, overwrite=True)
    assert res.scored == 6 and sorted(_results(tmp_path / "results")["id"]) == GOOD


def _run_cli(argv, capsys):
    from beautygraph import cli

    code: int | str = 0
    try:
        cli.main(argv)
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_round_trip_through_import_results(spark_options, data_dir, tmp_path, capsys):
    """load → export → score beauty --engine spark → import-results: Photo.quality in the
    store equals the Spark output (and the local scores)."""
    import graphdb

    db = str(tmp_path / "store.lbdb")
    spark_args = ["--spark-master", "local[2]"]
    spark_args += [a for k, v in SPARK_CONF.items() for a in ("--spark-conf", f"{k}={v}")]
    code, _, err = _run_cli(["--db", db, "load", str(data_dir), "--json"], capsys)
    assert code == 0, err
    export, results = tmp_path / "export", tmp_path / "results"
    code, _, err = _run_cli(["--db", db, "export", str(export), "--tables", "photos"], capsys)
    assert code == 0, err
    argv = ["--db", db, "score", "beauty", "--model", "brisque", "--engine", "spark"]
    argv += ["--export", str(export), "--results", str(results), "--data-dir", str(data_dir)]
    code, out, err = _run_cli([*argv, *spark_args, "--device", "cpu", "--json"], capsys)
    assert code == 3, err  # finished, with unreadable images
    summary = json.loads(out)
    assert (summary["scored"], summary["unreadable"], summary["source"]) == (6, 2, "brisque")
    code, out, err = _run_cli(["--db", db, "import-results", str(results), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["written"] == {"Photo": 6}
    spark_scores = _results(results).set_index("id")["quality"]
    with graphdb.connect(db) as store:
        rows = store.query(
            "MATCH (p:Photo) WHERE p.quality IS NOT NULL "
            "RETURN p.id AS id, p.quality AS q, p.quality_source AS s"
        )
    stored = {r["id"]: r["q"] for r in rows}
    assert sorted(stored) == GOOD and {r["s"] for r in rows} == {"brisque"}
    for pid in GOOD:
        assert stored[pid] == pytest.approx(spark_scores[pid], abs=1e-12)
    want = _local_scores("brisque", data_dir, GOOD)
    assert max(abs(stored[i] - want[i]) for i in GOOD) <= 1e-5


def test_cli_refuses_what_spark_cannot_do(tmp_path, capsys):
    code, _, err = _run_cli(["score", "beauty", "--model", "brisque", "--engine", "spark"], capsys)
    assert code == 2 and "--export" in err
    argv = ["score", "beauty", "--engine", "spark", "--export", "e", "--results", "r"]
    code, _, err = _run_cli([*argv, "--only-missing"], capsys)
    assert code == 2 and "--only-missing: only with --engine local" in err
    code, _, err = _run_cli(["score", "beauty", "--export", str(tmp_path)], capsys)
    assert code == 2 and "--engine spark" in err


def test_an_aesthetic_model_fills_the_beauty_slot(spark_options, data_dir, tmp_path):
    """A model of the aesthetic slot (NIMA, when this checkout ships it) writes beauty,
    its source, the class probabilities and the mean score, equal to the local loop."""
    from scoring.errors import ScoringError
    from scoring.scorer import resolve_scorer

    try:
        if getattr(resolve_scorer("nima"), "kind", "aesthetic") != "aesthetic":
            pytest.skip("nima is not an aesthetic model here")
    except ScoringError as exc:
        pytest.skip(f"no nima model: {exc}")
    export = _export(data_dir, GOOD[:3], tmp_path / "export")
    res = _score(spark_options, export, tmp_path / "results", data_dir, model="nima")
    out = _results(tmp_path / "results").set_index("id")
    assert res.scored == 3 and set(out["beauty_source"]) == {res.source}
    want = _local_scores("nima", data_dir, GOOD[:3])
    assert max(abs(out.loc[i, "beauty"] - want[i]) for i in GOOD[:3]) <= 1e-5
    assert out[["p_low", "p_mid", "p_high"]].notna().all().all()
    if "mean_score" in out.columns:
        assert out["mean_score"].between(1, 10).all()


def test_the_rows_of_a_frame_keep_their_photo(tmp_path):
    """score_frame (the executor side, no Spark): a row per photo in frame order, the
    unreadable one with its reason and no score."""
    import torch

    from beautygraph.engines.spark_scoring import SCORED_COLUMNS, score_frame
    from scoring.scorer import resolve_scorer

    _write_images(tmp_path, ["a", "b"])
    frame = pd.DataFrame(
        {
            "id": ["a", "x", "b"],
            "path": [str(tmp_path / "images" / f"{n}.png") for n in ("a", "x", "b")],
        }
    )
    out = score_frame(resolve_scorer("brisque"), frame, torch.device("cpu"), batch=2)
    assert list(out.columns) == list(SCORED_COLUMNS) and list(out["id"]) == ["a", "x", "b"]
    assert out["error"].isna().tolist() == [True, False, True]
    assert np.isnan(out.loc[1, "score"]) and not out["score"].drop(1).isna().any()
    shutil.rmtree(tmp_path / "images")
