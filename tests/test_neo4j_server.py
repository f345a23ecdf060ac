"""Neo4j-only behaviour against a real server (runs when ``NEO4J_URI`` is set; ``-m neo4j``).

Error lines of the CLI, read transactions, atomic ``replace_rels``, ``clear()`` of a
high-degree node, and ``demo --db bolt://…`` refusing a non-empty database.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import graphdb
from graphdb.errors import GraphDBError

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not os.environ.get("NEO4J_URI"), reason="needs NEO4J_URI (a Neo4j 5 server)"
    ),
]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def neo():
    store = graphdb.connect(os.environ["NEO4J_URI"])
    store.clear()
    yield store
    store.clear()
    store.close()


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": ROOT, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "beautygraph.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=300,
    )


def one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    err = proc.stderr.strip()
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert not err.endswith(":"), err
    for w in words:
        assert w in err, err
    return err


def test_connection_errors_are_one_line_exit_2():
    uri = os.environ["NEO4J_URI"]
    one_line_error(
        cli("--db", uri, "stats", env={"NEO4J_PASSWORD": "not-the-password"}),
        "rejected the credentials",
    )
    one_line_error(cli("--db", "bolt://127.0.0.1:1", "stats"), "cannot reach Neo4j", "refused")
    one_line_error(cli("--db", uri, "--database", "nosuchdb", "stats"), "no database 'nosuchdb'")
    typo = uri.replace("bolt://", "bolt:/")
    one_line_error(cli("--db", typo, "stats"), "mistyped server URI")


def test_reads_run_in_read_transactions(neo):
    neo.insert_nodes("User", pd.DataFrame({"id": ["a", "b"]}))
    # a read transaction refuses writes: a write classified as a read would fail here
    assert neo.query("MATCH (u:User) RETURN u.id AS id ORDER BY id") == [{"id": "a"}, {"id": "b"}]
    with neo._session() as s:
        with pytest.raises(Exception, match="(?i)write"):
            s.execute_read(lambda tx: tx.run("CREATE (:User {id: 'c'})").consume())
    neo.query("MATCH (u:User {id: $id}) SET u.beauty = 0.5", {"id": "a"})
    assert neo.query("MATCH (u:User {id: 'a'}) RETURN u.beauty AS b") == [{"b": 0.5}]


def test_export_streams_pages_and_matches_the_stored_edges(neo):
    ids = [f"u{i:03d}" for i in range(60)]
    neo.insert_nodes("User", pd.DataFrame({"id": ids}))
    rng = np.random.default_rng(1)
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, 60, (400, 2)) if a != b}
    frame = pd.DataFrame({"src": [ids[a] for a, _ in pairs], "dst": [ids[b] for _, b in pairs]})
    neo.insert_rels("FOLLOWS", frame)
    neo.page_size = 7  # many pages
    edges = neo.export_edges("FOLLOWS")
    got = sorted(zip(edges.src_nodes.ids[edges.src], edges.dst_nodes.ids[edges.dst], strict=True))
    assert got == sorted(zip(frame["src"], frame["dst"], strict=True))


def test_replace_rels_failure_leaves_the_old_set(neo, monkeypatch):
    neo.insert_nodes("User", pd.DataFrame({"id": ["a", "b", "c"]}))
    old = pd.DataFrame({"src": ["a", "a"], "dst": ["b", "c"], "method": "bb", "rank": [1, 2]})
    neo.replace_rels("RECOMMENDED", old, where={"method": "bb"})
    new = pd.DataFrame({"src": ["b", "c", "c"], "dst": ["a", "a", "b"], "method": "bb"})
    new["rank"] = [1, 1, 2]
    neo.batch_size = 1
    real = type(neo)._rel_batches

    def crash_after_first(self, frame):
        gen = real(self, frame)
        yield next(gen)
        raise RuntimeError("crash between batches")

    monkeypatch.setattr(type(neo), "_rel_batches", crash_after_first)
    with pytest.raises(RuntimeError):
        neo.replace_rels("RECOMMENDED", new, where={"method": "bb"})
    monkeypatch.undo()
    rows = neo.query(
        "MATCH (a:User)-[r:RECOMMENDED]->(b:User) RETURN a.id AS s, b.id AS d ORDER BY d"
    )
    assert rows == [{"s": "a", "d": "b"}, {"s": "a", "d": "c"}]
    neo.replace_rels("RECOMMENDED", new, where={"method": "bb"})
    assert neo.counts()["relationships"]["RECOMMENDED"] == 3


def test_clear_removes_a_high_degree_node_in_chunks(neo, monkeypatch):
    import graphdb.neo4j_store as ns

    monkeypatch.setattr(ns, "CLEAR_BATCH", 100)  # inner transactions much smaller than the degree
    ids = [f"f{i:05d}" for i in range(3000)]
    neo.insert_nodes("User", pd.DataFrame({"id": ["hub", *ids]}))
    neo.insert_rels("FOLLOWS", pd.DataFrame({"src": ids, "dst": "hub"}))
    neo.clear()
    assert neo.query("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_unknown_statement_error_is_a_store_error(neo):
    with pytest.raises(GraphDBError, match="query failed"):
        neo.query("MATCH (n) RETURN n.id AS id ORDER BY nosuchvar")


def test_demo_on_the_server_refuses_a_non_empty_database(neo, tmp_path):
    neo.insert_nodes("User", pd.DataFrame({"id": ["someone"]}))
    uri = os.environ["NEO4J_URI"]
    proc = cli(
        "--db", uri, "--quiet", "demo", "--users", "20", "--image-sample", "0", "--out", str(tmp_path)
    )  # fmt: skip
    one_line_error(proc, "not empty", "--reset")
    assert neo.counts()["nodes"]["User"] == 1


def test_demo_runs_the_whole_pipeline_on_the_server(neo, tmp_path):
    from beautygraph.demo import run_demo

    neo.insert_nodes("User", pd.DataFrame({"id": ["leftover"]}))
    uri = os.environ["NEO4J_URI"]
    result = run_demo(tmp_path / "demo", n_users=300, seed=3, image_sample=0, db=uri, reset=True)
    assert result.failed == {}
    assert result.headline["backend"] == {"backend": "neo4j", "where": uri, "database": "neo4j"}
    assert result.headline["load"]["users"] == 300
    assert neo.counts()["nodes"]["User"] == 300  # on the server, the leftover cleared
    assert not list((tmp_path / "demo").glob("*.lbdb*"))  # no embedded store on the side
    assert "Neo4j server" in result.report_path.read_text(encoding="utf-8")
