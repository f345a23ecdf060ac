"""The Neo4j backend against a fake driver that records every query and its parameters.

No server is needed: these tests pin the statements the backend sends (constraints, UNWIND
batches, parameter types, error mapping).  The same behaviour is exercised end to end on a
real Neo4j 5 server by the ``store`` fixture when ``NEO4J_URI`` is set.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import graphdb
from graphdb.errors import ConnectionFailed


class FakeResult:
    def __init__(self, rows: list[dict]):
        self._rows = rows

    def __iter__(self):
        return (FakeRecord(row) for row in self._rows)

    def keys(self):
        return list(self._rows[0]) if self._rows else []

    def values(self):
        return [list(r.values()) for r in self._rows]

    def consume(self):
        return None


class FakeRecord:
    def __init__(self, row):
        self._row = row

    def data(self):
        return dict(self._row)


class FakeTx:
    def __init__(self, driver):
        self.driver = driver

    def run(self, text, params=None):
        self.driver.calls.append((text, params or {}))
        return FakeResult(self.driver.answer(text, params or {}))


class FakeSession:
    def __init__(self, driver):
        self.driver = driver

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute_write(self, fn, *args):
        return fn(FakeTx(self.driver), *args)

    execute_read = execute_write


class FakeDriver:
    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.deleted_batches = 2  # replace_rels: two full batches, then 0

    def verify_connectivity(self):
        return None

    def session(self, database=None):
        return FakeSession(self)

    def close(self):
        pass

    def answer(self, text, params):
        if "DELETE r RETURN count(*)" in text or "DETACH DELETE n RETURN count(*)" in text:
            if self.deleted_batches:
                self.deleted_batches -= 1
                return [{"n": params["limit"]}]
            return [{"n": 0}]
        if "RETURN count(n) AS n" in text or "RETURN count(r) AS n" in text:
            return [{"n": 3}]
        return []


@pytest.fixture
def fake(monkeypatch):
    import neo4j

    driver = FakeDriver()
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda uri, auth, **kw: driver)
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    return driver


def test_connect_creates_constraints_and_indexes(fake):
    graphdb.connect("bolt://example:7687")
    texts = [t for t, _ in fake.calls]
    for label in ("User", "Photo", "Topic", "Community"):
        assert any(
            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" in t and "IF NOT EXISTS" in t for t in texts
        )
    assert any("FOR ()-[r:INTERESTED_IN]-() ON (r.source)" in t for t in texts)


def test_insert_nodes_sends_plain_python_values_in_batches(fake):
    store = graphdb.connect("bolt://example:7687")
    store.batch_size = 2
    fake.calls.clear()
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "joined_at": pd.to_datetime(["2024-01-01", None, "2024-01-03"]),
            "beauty": [0.5, np.nan, 0.25],
            "n_photos": pd.array([1, None, 3], dtype="Int64"),
        }
    )
    assert store.insert_nodes("User", frame) == 3
    assert len(fake.calls) == 2  # batches of 2
    text, params = fake.calls[0]
    assert text.startswith("UNWIND $rows AS row CREATE (n:User {id: row.id})")
    row_a, row_b = params["rows"]
    assert row_a["joined_at"] == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert row_b["joined_at"] is None and row_b["beauty"] is None and row_b["n_photos"] is None
    for row in params["rows"]:
        for value in row.values():
            assert value is None or type(value) in (str, float, int, dt.datetime)


def test_insert_rels_and_write_back_statements(fake):
    store = graphdb.connect("bolt://example:7687")
    fake.calls.clear()
    store.insert_rels(
        "FOLLOWS",
        pd.DataFrame({"src": ["a"], "dst": ["b"], "created_at": pd.to_datetime(["2024-02-01"])}),
    )
    store.write_node_props("User", pd.DataFrame({"id": ["a"], "beauty": [0.3]}))
    (rel_text, rel_params), (set_text, set_params) = fake.calls
    assert rel_text == (
        "UNWIND $rows AS row MATCH (a:User {id: row.src}) MATCH (b:User "
        "{id: row.dst}) CREATE (a)-[:FOLLOWS {created_at: row.created_at}]->(b)"
    )
    assert set_text == "UNWIND $rows AS row MATCH (n:User {id: row.id}) SET n.beauty = row.beauty"
    assert set_params["rows"] == [{"id": "a", "beauty": 0.3}]


def test_replace_rels_deletes_in_batches_with_parameters(fake):
    store = graphdb.connect("bolt://example:7687")
    fake.calls.clear()
    frame = pd.DataFrame({"src": ["a"], "dst": ["t"], "source": ["bio"], "score": [1.0]})
    store.replace_rels("INTERESTED_IN", frame, where={"source": "bio"})
    deletes = [(t, p) for t, p in fake.calls if "DELETE r" in t]
    assert len(deletes) == 3  # two full batches, then an empty one
    assert all(p["w_source"] == "bio" and "'bio'" not in t for t, p in deletes)
    assert (
        "CREATE (a)-[:INTERESTED_IN {source: row.source, score: row.score}]->(b)"
        in fake.calls[-1][0]
    )


def test_export_uses_epoch_seconds_for_timestamps(fake):
    store = graphdb.connect("bolt://example:7687")
    fake.calls.clear()
    store.export_edges(
        "FOLLOWS", ["created_at"], src_nodes=graphdb.NodeTable("User", np.array([], dtype=object))
    )
    assert "r.created_at.epochSeconds AS created_at" in fake.calls[-1][0]


def test_driver_errors_become_one_clear_line(monkeypatch):
    import neo4j
    from neo4j import exceptions as nx

    def refuse(uri, auth, **kw):
        class D(FakeDriver):
            def verify_connectivity(self):
                raise nx.AuthError("The client is unauthorized due to authentication failure.")

        return D()

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", refuse)
    with pytest.raises(ConnectionFailed, match="rejected the credentials for user 'neo4j'"):
        graphdb.connect("neo4j://example:7687")
