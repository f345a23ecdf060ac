"""The spark engine reproduces the scipy / Cypher path: export → Spark → import-results
leaves the same store contents (authorities to 1e-9, identical recommendation rankings,
beauty aggregates) on a generated community, on every backend.

One local Spark session serves the whole module (``spark_options``); the module is skipped,
with the reason, only where pyspark or Java is absent (``make test`` installs the [spark]
extra).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from beautygraph.errors import UserError

pytest.importorskip("pyspark", reason="the [spark] extra (pyspark) is not installed")


@pytest.fixture(scope="session")
def spark_options():
    from dataclasses import replace

    from tests.conftest import local_spark_options

    # small topic blocks, so the propagation job runs several of them
    return replace(local_spark_options(), topic_block=40)


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    from beautygraph.generate import GeneratorConfig, generate

    folder = tmp_path_factory.mktemp("spark_gen")
    generate(GeneratorConfig(n_users=300, seed=0, weeks=4, influence=False, churn=False), folder)
    return folder


def _users(store, props):
    cols = ", ".join(f"u.{p} AS {p}" for p in props)
    rows = store.query(f"MATCH (u:User) RETURN u.id AS id, {cols}")
    return {r["id"]: tuple(r[p] for p in props) for r in rows}


def _rels(store, rel, props):
    cols = ", ".join(f"r.{p} AS {p}" for p in props)
    rows = store.query(f"MATCH (a:User)-[r:{rel}]->(b) RETURN a.id AS s, b.id AS d, {cols}")
    return sorted((r["s"], r["d"], *(r[p] for p in props)) for r in rows)


def _null(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _same_values(a, b, tol=1e-9) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, float) or isinstance(y, float) or _null(x) or _null(y):
            assert (_null(x) and _null(y)) or abs(float(x) - float(y)) <= tol, (x, y)
        else:
            assert x == y


def _clear_users(store, props):
    import pandas as pd

    ids = [r["id"] for r in store.query("MATCH (u:User) RETURN u.id AS id")]
    store.write_node_props("User", pd.DataFrame({"id": ids, **{p: np.nan for p in props}}))


def test_spark_path_equals_scipy_path(store, community, spark_options):
    import pandas as pd

    from beautygraph.pipelines.alf import run_authorities
    from beautygraph.pipelines.beauty_aggregates import aggregate_beauty
    from beautygraph.pipelines.recommend import recommend_batch
    from beautygraph.pipelines.spark_jobs import authorities_spark, recommend_spark
    from graphdb.loader import load_folder

    load_folder(store, community)
    # -- beauty aggregates: Cypher reference, then scipy and Spark into cleared properties
    props = ["beauty", "beauty_source", "n_photos", "favs_received", "neighbor_beauty"]
    aggregate_beauty(store, "cypher")
    ref = _users(store, props)
    assert sum(not _null(v[0]) for v in ref.values()) > 100
    _clear_users(store, [p for p in props if p != "beauty_source"])
    store.write_node_props("User", pd.DataFrame({"id": list(ref), "beauty_source": None}))
    aggregate_beauty(store, "scipy")
    got = _users(store, props)
    for uid, vals in ref.items():
        _same_values(vals, got[uid])
    _clear_users(store, [p for p in props if p != "beauty_source"])
    store.write_node_props("User", pd.DataFrame({"id": list(ref), "beauty_source": None}))
    aggregate_beauty(store, "spark", options=spark_options)
    got = _users(store, props)
    assert set(got) == set(ref)
    for uid, vals in ref.items():
        _same_values(vals, got[uid])

    # -- authorities: scipy path, then Spark (topic blocks of 40: two blocks) after clearing,
    # with the defaults (min_support 3, Pass 1 over n_in) and with other evidence settings
    # (those in one topic block and five shuffle partitions: sums split across partitions
    # must still add up to the reference's last bit, or exact ties break differently)
    from beautygraph.engines.spark_session import get_session

    spark = get_session(spark_options.master, spark_options.conf)
    seen = []
    for blocks, partitions, evidence in (
        (40, "1", {}),
        (100, "5", {"min_support": 1, "pass1_denominator": "m_in"}),
    ):
        run_authorities(store, **evidence)
        a_ref = _rels(store, "AUTHORITY_ON", ["rank", "score", "wzf"])
        u_ref = _users(store, ["authority_topic", "authority_score"])
        assert len(a_ref) > 20
        assert all(a_ref != other for other in seen), "the settings must change the result"
        seen.append(a_ref)
        store.replace_rels("AUTHORITY_ON", pd.DataFrame({"src": [], "dst": []}))
        _clear_users(store, ["authority_score"])
        spark.conf.set("spark.sql.shuffle.partitions", partitions)
        try:
            out = authorities_spark(store, options=spark_options, topic_block=blocks, **evidence)
        finally:
            spark.conf.set("spark.sql.shuffle.partitions", "1")
        assert out["blocks"] == (2 if blocks == 40 else 1)
        a_got = _rels(store, "AUTHORITY_ON", ["rank", "score", "wzf"])
        assert [r[:3] for r in a_got] == [r[:3] for r in a_ref], evidence  # same ranks
        for x, y in zip(a_ref, a_got, strict=True):
            _same_values(x, y)
        u_got = _users(store, ["authority_topic", "authority_score"])
        for uid, vals in u_ref.items():
            _same_values(vals, u_got[uid])

    # -- recommendations: identical rankings (score desc, then candidate id), scores 1e-9
    for method in ("cn", "aa", "bb"):
        recommend_batch(store, method, k=5, write=True)
        r_ref = _rels(store, "RECOMMENDED", ["method", "rank", "score"])
        r_ref = [r for r in r_ref if r[2] == method]
        assert len(r_ref) > 100
        store.replace_rels(
            "RECOMMENDED", pd.DataFrame({"src": [], "dst": []}), where={"method": method}
        )
        recommend_spark(store, method, k=5, options=spark_options)
        r_got = [
            r for r in _rels(store, "RECOMMENDED", ["method", "rank", "score"]) if r[2] == method
        ]
        assert [r[:4] for r in r_got] == [r[:4] for r in r_ref], method
        for x, y in zip(r_ref, r_got, strict=True):
            _same_values(x, y)


def test_clear_error_without_java(monkeypatch):
    from beautygraph.engines import spark_session

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark_session.shutil, "which", lambda _name: None)
    with pytest.raises(UserError, match="needs Java 17"):
        spark_session.require_spark()


def test_spark_conf_parsing():
    from beautygraph.engines.spark_session import parse_conf

    assert parse_conf(["spark.executor.memory=4g", "a=b=c"]) == {
        "spark.executor.memory": "4g",
        "a": "b=c",
    }
    with pytest.raises(ValueError, match="spark_conf='spark.executor.memory' is not key=value"):
        parse_conf(["spark.executor.memory"])
    from click.testing import CliRunner

    from beautygraph.cli import cli

    res = CliRunner().invoke(
        cli, ["authorities", "--engine", "spark", "--spark-conf", "spark.executor.memory"]
    )
    assert "--spark-conf spark.executor.memory is not key=value" in str(res.exception)


def test_spark_propagation_equals_scipy(store, community, spark_options):
    """``interests propagate --engine spark`` (vote, Algorithm 1, S^i) writes the same
    propagated interests as the scipy path: same users, topics and ranks, scores to 1e-9;
    a learned method is refused with one line naming the methods that run on Spark."""
    import pandas as pd

    from beautygraph.engines.spark_session import SparkOptions
    from beautygraph.pipelines.alf import extract_bio_interests
    from beautygraph.pipelines.propagation import propagated_rows, run_propagation
    from graphdb.loader import load_folder

    load_folder(store, community)
    extract_bio_interests(store)  # the seeds: interests matched in the bios
    one_block = SparkOptions(master=spark_options.master, conf=spark_options.conf, topic_block=100)
    seen = []
    for method in ("vote", "algorithm1", "alf_interests"):
        ref = run_propagation(store, method=method, top=3).rows
        assert len(ref) > 300 and ref["user_id"].nunique() > 150, method
        assert all(not ref.equals(other) for other in seen)  # the methods differ
        seen.append(ref)
        store.replace_rels(
            "INTERESTED_IN", pd.DataFrame({"src": [], "dst": []}), where={"source": "propagated"}
        )
        assert propagated_rows(store).empty
        run = run_propagation(store, method=method, top=3, engine="spark", spark=one_block)
        got = propagated_rows(store)
        assert run.written == len(ref) and run.method == method
        ref = ref.sort_values(["user_id", "rank"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(
            got[["user_id", "topic_id", "rank"]],
            ref[["user_id", "topic_id", "rank"]],
            check_dtype=False,
            obj=method,
        )
        np.testing.assert_allclose(got["score"], ref["score"], rtol=0, atol=1e-9)
        methods = {
            r["m"]
            for r in store.query(
                "MATCH ()-[r:INTERESTED_IN]->() WHERE r.source = 'propagated' RETURN r.method AS m"
            )
        }
        assert methods == {method}
    with pytest.raises(UserError, match="vote, algorithm1, alf_interests.*netmf_lr"):
        run_propagation(store, method="netmf_lr", engine="spark", spark=one_block)


def test_cli_refuses_learned_methods_on_spark_in_one_line(tiny_dir, tmp_path, capsys):
    from click.testing import CliRunner

    from beautygraph.cli import cli, main

    db = str(tmp_path / "p.lbdb")
    assert CliRunner().invoke(cli, ["--db", db, "load", str(tiny_dir)]).exit_code == 0
    capsys.readouterr()
    for method in ("netmf_lr", "spreading"):  # auto runs prone_lr: tests/test_spark_prone.py
        with pytest.raises(SystemExit) as stop:
            main(["--db", db, "interests", "propagate", "--method", method, "--engine", "spark"])
        out, err = capsys.readouterr()
        assert stop.value.code == 2 and not out, (out, err)
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and "vote, algorithm1, alf_interests" in lines[0], err
        assert f"--method {method} and --engine spark do not go together" in lines[0]


def test_score_slots_read_alike_on_every_engine(store, tiny_dir, spark_options):
    """One source, whichever slot holds it (graphdb/beauty_slots.py): Cypher, scipy and
    Spark give each user the mean of that source's scores, a plain loop's numbers; a
    photo scored by BRISQUE before the technical slot existed (beauty_source 'brisque')
    still counts as 'brisque'."""
    import pandas as pd

    from beautygraph.pipelines.beauty_aggregates import aggregate_beauty
    from graphdb.loader import load_folder

    load_folder(store, tiny_dir)
    photos = pd.DataFrame(
        {
            "id": ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"],
            "beauty": [0.9, 0.8, 0.1, np.nan, 0.3, 0.4, 0.6, 0.2, 0.5],
            "beauty_source": ["nima:x", "nima:x", "brisque", None, "nima:x"] + ["input"] * 4,
            "quality": [0.2, np.nan, 0.7, 0.55, 0.35, np.nan, 0.45, np.nan, np.nan],
            "quality_source": ["brisque", None, "brisque", "brisque", "brisque"] + [None] * 4,
        }
    )
    store.write_node_props("Photo", photos)
    owner = {
        r["p"]: r["u"]
        for r in store.query("MATCH (u:User)-[:POSTED]->(p:Photo) RETURN u.id AS u, p.id AS p")
    }
    for source in ("nima:x", "brisque", "input"):
        expected: dict[str, list[float]] = {}
        for row in photos.itertuples():
            if row.quality_source == source:
                value = row.quality
            elif (row.beauty_source or "unknown") == source:
                value = row.beauty
            else:
                continue
            if not _null(value) and row.id in owner:
                expected.setdefault(owner[row.id], []).append(value)
        assert expected, source
        for engine in ("cypher", "scipy", "spark"):
            _clear_users(store, ["beauty"])
            aggregate_beauty(store, engine, options=spark_options, beauty_source=source)
            got = {u: v[0] for u, v in _users(store, ["beauty"]).items()}
            for user, value in got.items():
                want = np.mean(expected[user]) if user in expected else None
                _same_values((want,), (value,))
