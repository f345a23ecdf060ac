"""Shared fixtures.

``store`` is parametrized over the backends: LadybugDB always, Neo4j 5 when ``NEO4J_URI``
is set (credentials from ``NEO4J_USER`` / ``NEO4J_PASSWORD``); a Neo4j store is cleared
before and after each test.  Tests written against ``store`` run unchanged on both.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import graphdb
from graphdb.loader import load_folder

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "examples" / "tiny"
SHARED_DATA = ROOT.parent / "shared" / "data"
#: the shared Neo4j server scripts and the Browser shoot tool (override: $BEAUTYGRAPH_NEO4J_TOOLS)
NEO4J_TOOLS = Path(os.environ.get("BEAUTYGRAPH_NEO4J_TOOLS") or ROOT.parent / "shared" / "neo4j")

BACKENDS = ["ladybug"] + (
    [pytest.param("neo4j", marks=pytest.mark.neo4j)] if os.environ.get("NEO4J_URI") else []
)


#: local Spark for small data: one shuffle partition, two cores, no UI
SPARK_CONF = {
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
}
#: the same settings as command-line flags
SPARK_ARGS = ["--spark-master", "local[2]"] + [
    a for k, v in SPARK_CONF.items() for a in ("--spark-conf", f"{k}={v}")
]


def local_spark_options():
    """:class:`~beautygraph.engines.spark_session.SparkOptions` for a local test session
    (started here once and shared by every job after), or a skip saying what is missing:
    the ``[spark]`` extra or a Java runtime."""
    pytest.importorskip("pyspark", reason="the [spark] extra (pyspark) is not installed")
    from beautygraph.engines.spark_session import SparkOptions, get_session, require_spark
    from beautygraph.errors import UserError

    try:
        require_spark()
    except UserError as exc:
        pytest.skip(str(exc))
    get_session("local[2]", SPARK_CONF)
    return SparkOptions(master="local[2]", conf=SPARK_CONF)


def open_store(backend: str, tmp_path: Path):
    if backend == "ladybug":
        return graphdb.connect(tmp_path / "test.lbdb")
    store = graphdb.connect(os.environ["NEO4J_URI"])
    store.clear()
    return store


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """An empty store with the schema, on each available backend."""
    s = open_store(request.param, tmp_path)
    yield s
    if request.param == "neo4j":
        s.clear()
    s.close()


@pytest.fixture
def tiny_dir(tmp_path) -> Path:
    """A private copy of examples/tiny that a test may modify."""
    dst = tmp_path / "tiny"
    shutil.copytree(TINY, dst)
    return dst


@pytest.fixture
def tiny_store(store):
    """``store`` with examples/tiny loaded."""
    load_folder(store, TINY)
    return store


class QueryResult:
    """Exit code and printed output of one ``beautygraph query`` run."""

    def __init__(self, exit_code: int, output: str) -> None:
        self.exit_code, self.output = exit_code, output

    def json(self):
        assert self.exit_code == 0, self.output
        return json.loads(self.output)


@pytest.fixture
def query_cli(capsys):
    """``beautygraph --db DB query ARGS`` through the real entry point (error mapping)."""
    from beautygraph.cli import main

    def go(db: str, *args: str) -> QueryResult:
        code = 0
        try:
            main(["--db", db, "query", *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return QueryResult(code, out + err)

    return go
