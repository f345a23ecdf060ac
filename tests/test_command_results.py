"""One frozen result per command, and the command line naming its own flags.

Each command prints ``result.to_json()`` of one result type its pipeline returns: the
printed ``--json`` is compared with the pipeline's result on the same input, and its values
with counts worked out by hand from ``examples/tiny`` (6 users, 9 photos of which p1–p8
carry an ``input`` beauty, 6 topics, 12 follows, 10 favourites).  ``score beauty`` has one
schema on both engines.  A pipeline names a bad value by its parameter; the command line
shows the flag (``generate --out``, ``score beauty --folder`` …).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import graphdb
from beautygraph.cli import cli
from beautygraph.errors import UserError
from beautygraph.report import dumps
from graphdb import schema
from tests.conftest import TINY

#: examples/tiny, counted by hand from its CSV files
TINY_NODES = {"User": 6, "Photo": 9, "Topic": 6}
TINY_RELS = {"FOLLOWS": 12, "POSTED": 9, "FAVORITED": 10}


def _invoke(args: list[str]):
    return CliRunner().invoke(cli, args)


def _json(args: list[str]):
    res = _invoke([*args, "--json"])
    assert res.exit_code == 0, (res.output, res.exception)
    return json.loads(res.stdout)


def _as_printed(result) -> object:
    """``result.to_json()`` as the command prints it (strict JSON, tuples as lists)."""
    return json.loads(dumps(result.to_json()))


def _frozen(result) -> None:
    field = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, field, None)


@pytest.fixture
def tiny_db(tmp_path) -> str:
    db = str(tmp_path / "tiny.lbdb")
    assert _invoke(["--db", db, "load", str(TINY), "--quiet"]).exit_code == 0
    return db


# -- load and stats ------------------------------------------------------------------------


def test_load_prints_the_load_result(tmp_path):
    from beautygraph.pipelines.load import LoadResult, load_into_store

    printed = _json(["--db", str(tmp_path / "a.lbdb"), "load", str(TINY)])
    assert list(printed) == ["folder", "added", "totals", "warnings"]
    assert printed["folder"] == str(TINY.resolve()) and printed["warnings"] == []
    for kind, counts in (("nodes", TINY_NODES), ("relationships", TINY_RELS)):
        for name, n in counts.items():
            assert printed["added"][kind][name] == n, name
            assert printed["totals"][kind][name] == n, name  # a first load adds everything
    with graphdb.connect(tmp_path / "b.lbdb") as store:
        result = load_into_store(store, TINY)
    assert isinstance(result, LoadResult)
    _frozen(result)
    assert printed == _as_printed(result)


def test_stats_prints_every_schema_type(tiny_db):
    from beautygraph.pipelines.load import store_counts

    printed = _json(["--db", tiny_db, "stats"])
    assert list(printed["nodes"]) == list(schema.NODE_LABELS)
    assert list(printed["relationships"]) == list(schema.REL_TYPES)
    assert {k: printed["nodes"][k] for k in TINY_NODES} == TINY_NODES
    assert printed["nodes"]["Community"] == 0
    with graphdb.connect(tiny_db, read_only=True) as store:
        counts = store_counts(store)
    _frozen(counts)
    assert printed == _as_printed(counts)
    # a second load of the same folder adds nothing and reports the same totals
    again = _json(["--db", tiny_db, "load", str(TINY)])
    assert again["totals"] == printed
    assert not any(n for table in again["added"].values() for n in table.values())


# -- generate ------------------------------------------------------------------------------


def test_generate_prints_the_summary_of_its_truth(tmp_path):
    from beautygraph.pipelines.generated import GenerationSummary

    out = tmp_path / "gen"
    args = ["generate", "--users", "60", "--weeks", "4", "--seed", "5", "--out", str(out)]
    printed = _json(args)
    assert list(printed)[0] == "out" and list(printed)[-1] == "seconds"
    users = pd.read_csv(out / "users.csv")
    follows = pd.read_csv(out / "follows.csv")
    assert printed["out"] == str(out) and printed["users"] == len(users) == 60
    assert printed["follows"] == len(follows)
    assert printed["photos"] == len(pd.read_csv(out / "photos.csv"))
    assert printed["mean_out_degree"] == pytest.approx(len(follows) / 60)
    truth = json.loads((out / "truth.json").read_text())
    assert printed["celebrities"] == len(truth["celebrities"])
    result = GenerationSummary.of_truth(truth, out, printed["seconds"])
    _frozen(result)
    assert printed == _as_printed(result)
    # without a run: no folder and no time, the same fields otherwise
    bare = GenerationSummary.of_truth(truth).to_json()
    assert bare == {k: v for k, v in printed.items() if k not in ("out", "seconds")}


def test_generate_names_its_out_flag(tmp_path):
    from beautygraph.pipelines.generated import run_generate

    out = tmp_path / "full"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    res = _invoke(["generate", "--users", "40", "--out", str(out)])
    assert isinstance(res.exception, UserError)
    assert str(res.exception).startswith(f"--out {out} is not empty")
    assert "out_dir" not in str(res.exception) and (out / "keep.txt").read_text() == "x"
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    res = _invoke(["generate", "--users", "40", "--out", str(a_file)])
    assert str(res.exception) == f"--out {a_file} exists and is not a folder"
    # the pipeline itself names the parameter (the demo and scripts call it too)
    with pytest.raises(UserError, match=r"^out_dir='.*full' is not empty"):
        run_generate(out, n_users=40)


# -- score user-beauty, score beauty ------------------------------------------------------


def test_user_beauty_prints_its_result(tiny_db):
    from beautygraph.pipelines.scoring import UserBeautyResult, recompute_user_beauty

    printed = _json(["--db", tiny_db, "score", "user-beauty"])
    # alice, bob, carol, erin and frank post a photo with a beauty; dave's p9 has none
    assert printed == {"users": 6, "with_beauty": 5, "source": "input", "sources": {"input": 8}}
    with graphdb.connect(tiny_db) as store:
        result = recompute_user_beauty(store)
    assert isinstance(result, UserBeautyResult)
    _frozen(result)
    assert printed == _as_printed(result)


def test_an_unknown_beauty_source_names_the_flag(tiny_db):
    res = _invoke(["--db", tiny_db, "score", "user-beauty", "--beauty-source", "nope"])
    assert isinstance(res.exception, UserError)
    assert str(res.exception) == (
        "--beauty-source nope is no photo's beauty source; sources: input (8 photos)"
    )


def _local_run(**kw):
    from beautygraph.pipelines.scoring import ScoreStoreResult

    values = dict(
        n_photos=9, n_selected=9, n_scored=5, n_already=1, n_kept=0, n_no_image=1,
        n_missing=1, n_unreadable=1, source="brisque", model="BRISQUE",
        skipped=[("p8", "a/p8.jpg", "file not found"), ("p9", "a/p9.jpg", "not an image")],
        replaced={"input": 5}, users={"users": 6, "with_beauty": 4, "source": "brisque"},
        seconds=2.0, device="cpu",
    )  # fmt: skip
    return ScoreStoreResult(**{**values, **kw})


def _spark_run(**kw):
    from beautygraph.pipelines.spark_scoring import SparkScoringResult

    values = dict(
        scored=5, skipped_already_scored=1, unreadable=2, seconds=2.0004, out_dir="r",
        source="brisque", photos=9, no_image=1, model="brisque", model_loads=2,
        images_read=7, chunks=1, unreadable_examples=(("p8", "a/p8.jpg", "FileNotFoundError"),),
    )  # fmt: skip
    return SparkScoringResult(**{**values, **kw})


def _types(obj: dict) -> dict:
    return {k: type(v).__name__ for k, v in obj.items() if v is not None}


def test_score_beauty_reports_one_schema_on_both_engines():
    local, spark = _local_run().to_json(), _spark_run().to_json()
    assert list(local) == list(spark)  # the same keys, in the same order
    both = set(_types(local)) & set(_types(spark))
    assert {k: _types(local)[k] for k in both} == {k: _types(spark)[k] for k in both}
    # the same quantity under both engines' names
    for a, b in [("n_scored", "scored"), ("n_photos", "photos"), ("n_no_image", "no_image"),
                 ("n_already", "skipped_already_scored"), ("n_skipped", "unreadable")]:  # fmt: skip
        assert local[a] == local[b] and spark[a] == spark[b], (a, b)
    assert (local["scored"], local["unreadable"], local["exit_code"]) == (5, 2, 3)
    assert (spark["n_scored"], spark["n_skipped"], spark["exit_code"]) == (5, 2, 3)
    assert (local["engine"], spark["engine"]) == ("local", "spark")
    # what an engine cannot know is null, never a made-up number
    assert spark["n_missing"] is None and spark["users"] is None and spark["skipped"] is None
    assert local["model_loads"] is None and local["out_dir"] is None
    assert spark["seconds"] == 2.0 and local["images_per_s"] == 2.5
    assert (
        local["unreadable_examples"]
        == local["skipped"]
        == [
            {"photo_id": "p8", "path": "a/p8.jpg", "reason": "file not found"},
            {"photo_id": "p9", "path": "a/p9.jpg", "reason": "not an image"},
        ]
    )
    assert spark["unreadable_examples"] == [
        {"photo_id": "p8", "path": "a/p8.jpg", "reason": "FileNotFoundError"}
    ]
    clean = _local_run(n_missing=0, n_unreadable=0, skipped=[]).to_json()
    assert clean["exit_code"] == 0 and clean["unreadable"] == 0


def test_score_beauty_local_keeps_its_keys_and_lists_a_bounded_few(tmp_path):
    from beautygraph.engines.spark_scoring import N_EXAMPLES

    many = [(f"p{i}", f"{i}.jpg", "not an image") for i in range(N_EXAMPLES + 5)]
    out = _local_run(n_missing=0, n_unreadable=len(many), skipped=many).to_json()
    assert len(out["skipped"]) == len(many) and len(out["unreadable_examples"]) == N_EXAMPLES
    assert out["n_skipped"] == out["unreadable"] == len(many)


def test_score_beauty_prints_its_result(tiny_db):
    pytest.importorskip("cv2", reason="the brisque model needs opencv-contrib-python-headless")
    args = ["--db", tiny_db, "score", "beauty", "--model", "brisque", "--device", "cpu"]
    res = _invoke([*args, "--data-dir", str(TINY), "--json"])
    assert res.exit_code == 0, (res.output, res.exception)
    printed = json.loads(res.stdout)
    assert list(printed) == list(_local_run().to_json())
    assert printed["engine"] == "local" and printed["n_scored"] == printed["scored"] == 9
    assert printed["users"] == {"users": 6, "with_beauty": 6, "source": "brisque"}


def test_score_beauty_names_its_folder_flag(tiny_db, tmp_path):
    pytest.importorskip("cv2", reason="the brisque model needs opencv-contrib-python-headless")
    missing = tmp_path / "no_such_folder"
    args = ["--db", tiny_db, "score", "beauty", "--model", "brisque", "--device", "cpu"]
    res = _invoke([*args, "--folder", str(missing)])
    assert isinstance(res.exception, UserError)
    assert str(res.exception) == f"--folder {missing} is not a folder"


def test_score_train_names_its_flags(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("image,label\na.jpg,low\n")
    base = ["score", "train", "--labels", str(labels), "--out", str(tmp_path / "m.pt")]
    base += ["--device", "cpu"]
    res = _invoke([*base, "--images", str(tmp_path / "none")])
    assert str(res.exception) == f"--images {tmp_path / 'none'} is not a folder"
    res = _invoke([*base, "--images", str(tmp_path), "--val-fraction", "1.5"])
    assert str(res.exception) == "--val-fraction 1.5 must be in [0, 1)"


def test_train_and_evaluation_results_are_frozen_json():
    from beautygraph.pipelines.beauty_training import EvaluationReport, TrainSummary

    history = pd.DataFrame({"epoch": [1], "phase": ["head"], "train_loss": [0.5]})
    summary = TrainSummary(
        checkpoint=Path("m.pt"), history=history, n_train=8, n_val=2, n_skipped=1,
        skipped=("x.jpg: broken",), classes=("low", "mid", "high"), backbone="b",
        device="cpu", seconds=1.5,
    )  # fmt: skip
    _frozen(summary)
    assert summary.to_json() == {
        "checkpoint": "m.pt", "n_train": 8, "n_val": 2, "n_skipped": 1,
        "skipped": ["x.jpg: broken"], "classes": ["low", "mid", "high"], "backbone": "b",
        "device": "cpu", "seconds": 1.5,
        "history": [{"epoch": 1, "phase": "head", "train_loss": 0.5}],
    }  # fmt: skip

    class Metrics:
        deciles = None

        def headline(self):
            return {"n": 3, "accuracy": 0.5}

    report = EvaluationReport(result=Metrics(), predictions=pd.DataFrame(), seconds=2.0)  # type: ignore[arg-type]
    _frozen(report)
    assert report.to_json() == {"n": 3, "accuracy": 0.5, "files": [], "seconds": 2.0}
    written = report.with_files([Path("out/predictions.csv")])
    assert written.to_json()["files"] == ["out/predictions.csv"] and report.files == ()


# -- beauty-aggregates, query --------------------------------------------------------------


@pytest.mark.parametrize("engine", ["cypher", "scipy"])
def test_beauty_aggregates_prints_its_result(tiny_db, engine):
    from beautygraph.pipelines.beauty_aggregates import aggregate_beauty
    from beautygraph.pipelines.engine_results import BeautyAggregates

    printed = _json(["--db", tiny_db, "beauty-aggregates", "--engine", engine])
    assert printed["engine"] == engine and printed["beauty_source"] == "input"
    assert (printed["users"], printed["with_beauty"]) == (6, 5)
    with graphdb.connect(tiny_db) as store:
        result = aggregate_beauty(store, engine)  # the same writes again: the same answer
        follows = store.export_edges("FOLLOWS")
        beauty = store.export_nodes("User", ["beauty"])
    assert isinstance(result, BeautyAggregates)
    assert printed == _as_printed(result)
    # a neighbour beauty for every user who follows someone with a beauty
    has = np.isfinite(np.asarray(beauty.props["beauty"], dtype=float))
    followers = {int(s) for s, d in zip(follows.src, follows.dst, strict=True) if has[d]}
    assert printed["with_neighbor_beauty"] == len(followers)


def test_query_prints_its_result(tiny_db):
    from beautygraph.commands.query import QueryResult

    one = _json(["--db", tiny_db, "query", "--cypher", "MATCH (u:User) RETURN count(u) AS n"])
    assert one == [{"n": 6}]
    text = "MATCH (u:User) RETURN count(u) AS n; MATCH (t:Topic) RETURN count(t) AS n"
    several = _json(["--db", tiny_db, "query", "--cypher", text])
    assert [s["rows"] for s in several] == [[{"n": 6}], [{"n": 6}]]
    assert [s["statement"] for s in several] == [1, 2]
    result = QueryResult("query", ("A", "B"), ([{"n": 6}], [{"n": 6}]))
    _frozen(result)
    assert result.to_json() == [
        {"statement": 1, "text": "A", "rows": [{"n": 6}]},
        {"statement": 2, "text": "B", "rows": [{"n": 6}]},
    ]
    listing = _json(["query", "--list"])
    assert list(listing) == ["named", "files"]
    assert {"name", "parameters", "description"} <= set(listing["named"][0])


def test_score_beauty_prints_one_schema_through_both_engines(tiny_db, tmp_path):
    """The command line on both engines (the Spark run on an export of the same photos)."""
    pytest.importorskip("pyspark", reason="the [spark] extra (pyspark) is not installed")
    pytest.importorskip("cv2", reason="the brisque model needs opencv-contrib-python-headless")
    from beautygraph.engines.spark_session import require_spark

    try:
        require_spark()
    except UserError as exc:
        pytest.skip(str(exc))
    export, results = tmp_path / "export", tmp_path / "results"
    _json(["--db", tiny_db, "export", str(export), "--tables", "photos"])
    model = ["--model", "brisque", "--device", "cpu", "--data-dir", str(TINY)]
    conf = [
        "spark.sql.shuffle.partitions=1",
        "spark.default.parallelism=2",
        "spark.ui.enabled=false",
    ]
    spark = ["--engine", "spark", "--spark-master", "local[2]", "--export", str(export)]
    spark += ["--results", str(results)] + [a for c in conf for a in ("--spark-conf", c)]
    on_spark = _json(["--db", tiny_db, "score", "beauty", *model, *spark])
    local = _json(["--db", tiny_db, "score", "beauty", *model])
    assert list(on_spark) == list(local)
    assert {k: type(v) for k, v in on_spark.items() if v is not None and local[k] is not None} == {
        k: type(v) for k, v in local.items() if v is not None and on_spark[k] is not None
    }
    assert on_spark["scored"] == local["scored"] == 9 and on_spark["n_skipped"] == 0
