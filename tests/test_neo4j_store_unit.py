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

    def fetch(self, n):
        out, self._rows = self._rows[:n], self._rows[n:]
        return [FakeRecord(r) for r in out]


class FakeRecord:
    def __init__(self, row):
        self._row = row

    def data(self):
        return dict(self._row)

    def values(self):
        return list(self._row.values())

    def __getitem__(self, i):
        return list(self._row.values())[i]


class FakeTx:
    def __init__(self, driver):
        self.driver = driver

    def run(self, text, params=None):
        self.driver.calls.append((text, params or {}))
        return FakeResult(self.driver.answer(text, params or {}))


class FakeSession:
    def __init__(self, driver, database, kw):
        self.driver = driver
        driver.sessions.append((database, kw))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute_write(self, fn, *args):
        self.driver.modes.append("write")
        return fn(FakeTx(self.driver), *args)

    def execute_read(self, fn, *args):
        self.driver.modes.append("read")
        return fn(FakeTx(self.driver), *args)

    def run(self, text, params=None):
        self.driver.modes.append("auto")
        return FakeTx(self.driver).run(text, params)

    def begin_transaction(self):
        self.driver.modes.append("explicit")
        return FakeExplicitTx(self.driver)


class FakeExplicitTx(FakeTx):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeDriver:
    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.sessions: list[tuple[str | None, dict]] = []
        self.modes: list[str] = []

    def verify_connectivity(self):
        return None

    def session(self, database=None, **kw):
        return FakeSession(self, database, kw)

    def close(self):
        pass

    def answer(self, text, params):
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


def test_insert_rels_grouped_by_source_and_write_back_statements(fake):
    store = graphdb.connect("bolt://example:7687")
    store.batch_size = 3
    fake.calls.clear()
    frame = pd.DataFrame(
        {
            "src": ["b", "a", "b", "a", "c"],
            "dst": ["c", "b", "a", "c", "a"],
            "created_at": pd.to_datetime(["2024-02-01"] * 5),
        }
    )
    assert store.insert_rels("FOLLOWS", frame) == 5
    store.write_node_props("User", pd.DataFrame({"id": ["a"], "beauty": [0.3]}))
    *rel_calls, (set_text, set_params) = fake.calls
    assert rel_calls[0][0] == (
        "UNWIND $groups AS g MATCH (a:User {id: g.src}) UNWIND g.rows AS row "
        "MATCH (b:User {id: row.dst}) CREATE (a)-[:FOLLOWS {created_at: row.created_at}]->(b)"
    )
    # groups of one source each; a batch closes once it holds >= batch_size rows
    groups = [
        [(g["src"], [r["dst"] for r in g["rows"]]) for g in p["groups"]] for _, p in rel_calls
    ]
    assert groups == [[("a", ["b", "c"]), ("b", ["c", "a"])], [("c", ["a"])]]
    assert set_text == "UNWIND $rows AS row MATCH (n:User {id: row.id}) SET n.beauty = row.beauty"
    assert set_params["rows"] == [{"id": "a", "beauty": 0.3}]


def test_replace_rels_is_one_transaction_with_parameters(fake):
    store = graphdb.connect("bolt://example:7687")
    store.batch_size = 1
    fake.calls.clear()
    fake.modes.clear()
    frame = pd.DataFrame(
        {"src": ["a", "b"], "dst": ["t", "t"], "source": ["bio", "bio"], "score": [1.0, 0.5]}
    )
    store.replace_rels("INTERESTED_IN", frame, where={"source": "bio"})
    assert fake.modes == ["write"]  # delete and both insert batches in one transaction
    (delete, params), *inserts = fake.calls
    assert delete == "MATCH (:User)-[r:INTERESTED_IN]->(:Topic) WHERE r.source = $w_source DELETE r"
    assert params == {"w_source": "bio"} and "'bio'" not in delete
    assert len(inserts) == 2
    assert all(
        "CREATE (a)-[:INTERESTED_IN {source: row.source, score: row.score}]->(b)" in t
        for t, _ in inserts
    )


def test_argument_checks_happen_once_in_store(fake):
    store = graphdb.connect("bolt://example:7687")
    fake.calls.clear()
    with pytest.raises(ValueError, match="'id' column"):
        store.write_node_props("User", pd.DataFrame({"beauty": [0.3]}))
    with pytest.raises(graphdb.schema.SchemaError, match="unknown User properties"):
        store.write_node_props("User", pd.DataFrame({"id": ["a"], "colour": ["red"]}))
    with pytest.raises(graphdb.schema.SchemaError):
        store.replace_rels("RECOMMENDED", pd.DataFrame({"src": [], "dst": []}), {"bogus": 1})
    assert store.write_node_props("User", pd.DataFrame({"id": [], "beauty": []})) == 0
    assert fake.calls == []


def test_reads_use_read_transactions_and_every_session_names_the_database(fake):
    store = graphdb.connect("bolt://example:7687", database="graphs")
    fake.modes.clear()
    store.query("MATCH (u:User) RETURN u.id AS id  // SET in a comment is no write")
    store.query_df("MATCH (u:User) WHERE u.bio = 'DELETE me' RETURN u.id AS id")
    store.query("MATCH (u:User {id: $id}) SET u.beauty = 1", {"id": "a"})
    store.export_nodes("User", ["beauty"])
    store.stored_ids("User", ["a", "b"])
    store.new_rel_mask("FOLLOWS", pd.DataFrame({"src": ["a"], "dst": ["b"]}))
    assert fake.modes == ["read", "read", "write", "explicit", "read", "read"]
    assert {db for db, _ in fake.sessions} == {"graphs"}
    export_kw = [kw for _, kw in fake.sessions if "default_access_mode" in kw]
    assert export_kw and export_kw[0]["default_access_mode"] == "READ"


def test_new_rows_are_found_on_the_server_in_batches(fake, monkeypatch):
    import graphdb.neo4j_store as ns

    monkeypatch.setattr(ns, "CHECK_BATCH", 2)
    store = graphdb.connect("bolt://example:7687")
    fake.calls.clear()
    frame = pd.DataFrame({"src": ["a", "b", "c"], "dst": ["b", "c", "a"], "source": ["x"] * 3})
    fake.answer = lambda text, params: [{"i": 0}] if len(params["src"]) == 2 else []
    mask = store.new_rel_mask("INTERESTED_IN", frame)
    assert mask.tolist() == [True, False, False]  # row 0 of batch 1; nothing of batch 2
    (t1, p1), (t2, p2) = fake.calls
    assert "WHERE NOT EXISTS" in t1 and "r.source = $k_source[i]" in t1
    assert p1["src"] == ["a", "b"] and p2["src"] == ["c"] and p2["k_source"] == ["x"]


def test_clear_deletes_in_inner_transactions_relationships_first(fake):
    store = graphdb.connect("bolt://example:7687")
    fake.calls.clear()
    fake.modes.clear()
    store.clear()
    assert fake.modes == ["auto", "auto"]
    (rels, _), (nodes, _) = fake.calls
    assert rels.startswith("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF")
    assert nodes.startswith("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF")


def test_write_detection():
    from graphdb.neo4j_store import writes

    assert not writes("MATCH (n) RETURN n.name AS name // MERGE later")
    assert not writes("MATCH (n) WHERE n.tags CONTAINS 'set' RETURN n")
    assert not writes("MATCH (n:User) RETURN n.settings, n.created_at")
    for text in (
        "MATCH (n) DETACH DELETE n",
        "MERGE (n:User {id: $id})",
        "MATCH (n) REMOVE n:BeautyTier0",
        "UNWIND $r AS r CREATE (:User {id: r})",
        "MATCH (n) CALL (n) { SET n.x = 1 } IN TRANSACTIONS",
    ):
        assert writes(text), text


def test_notifications_below_warning_hidden_and_each_warning_once():
    import logging

    from graphdb.neo4j_store import _OncePerKind

    class Note:
        def __init__(self, status):
            self.gql_status = status

    class Printer:
        def __init__(self, status):
            self.notification = Note(status)

    f = _OncePerKind()

    def rec(level, status):
        return logging.LogRecord(
            "neo4j.notifications", level, "", 0, "n: %s", (Printer(status),), None
        )

    assert not f.filter(rec(logging.INFO, "03N42"))
    assert f.filter(rec(logging.WARNING, "01N50"))
    assert not f.filter(rec(logging.WARNING, "01N50"))
    assert f.filter(rec(logging.WARNING, "01N02"))
    # a null dropped by count() after an OPTIONAL MATCH is how the queries count: silent
    assert not f.filter(rec(logging.WARNING, "01G11"))


@pytest.mark.parametrize(
    "uri", ["bolt:/127.0.0.1:7687", "bolt:127.0.0.1:7687", "neo4j//db.example:7687"]
)
def test_scheme_typo_is_an_error_not_a_file(uri, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConnectionFailed, match="mistyped server URI"):
        graphdb.connect(uri)
    assert not any(tmp_path.iterdir())  # no embedded database was created


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


def test_a_commit_broken_midway_writes_only_the_missing_rows(fake):
    """IncompleteCommit: the batch may be stored or not; the store asks which rows are
    missing and writes only those (no duplicates, nothing lost)."""
    from neo4j import exceptions as nx

    store = graphdb.connect("bolt://example:7687")
    fake.calls.clear()
    broken = {"left": 1}
    real_write = FakeSession.execute_write

    def flaky_write(self, fn, *args):
        result = real_write(self, fn, *args)
        if broken["left"]:
            broken["left"] -= 1
            raise nx.IncompleteCommit("Failed to read from defunct connection")
        return result

    fake.answer = lambda text, params: [{"i": 1}] if "NOT EXISTS" in text else []
    FakeSession.execute_write = flaky_write
    try:
        frame = pd.DataFrame({"src": ["a", "a", "b"], "dst": ["b", "c", "c"]})
        assert store.insert_rels("FOLLOWS", frame) == 3
    finally:
        FakeSession.execute_write = real_write
    first, check, second = fake.calls
    assert "NOT EXISTS" in check[0] and check[1]["src"] == ["a", "a", "b"]
    assert [[r["dst"] for r in g["rows"]] for g in second[1]["groups"]] == [["c"]]
    assert second[1]["groups"][0]["src"] == "a"


@pytest.mark.parametrize("expected", [None, 1, 5, 100])
def test_paged_edge_export_equals_the_one_frame_export(expected):
    """Pages (any sizing hint, sorted or not) give the same table as one whole frame."""
    from graphdb import frames

    users = graphdb.NodeTable("User", np.array(["a", "b", "c", "d"], dtype=object))
    whole = pd.DataFrame(
        {
            "src": ["d", "a", "c", "a", "b"],
            "dst": ["a", "c", "a", "b", "d"],
            "created_at": [5, 1, 4, None, 3],
        }
    )
    one = frames.edge_table("FOLLOWS", whole, ["created_at"], users, users)
    topics = graphdb.NodeTable("Topic", np.array(["t"], dtype=object))
    mixed = pd.DataFrame(  # a string and a float property too
        {"src": ["b", "a"], "dst": ["t", "t"], "source": ["bio", None], "score": [0.5, None]}
    )
    got = frames.edge_table_from_pages(
        "INTERESTED_IN", [mixed], ["source", "score"], users, topics, expected
    )
    assert got.props["source"].tolist() == [None, "bio"]
    assert np.isnan(got.props["score"][0]) and got.props["score"][1] == 0.5
    for chunks in ([whole], [whole.iloc[:2], whole.iloc[2:3], whole.iloc[3:]]):
        for frame_list in (chunks, [c.sort_values(["src", "dst"]) for c in chunks]):
            got = frames.edge_table_from_pages(
                "FOLLOWS", frame_list, ["created_at"], users, users, expected
            )
            assert got.src.tolist() == one.src.tolist() == [0, 0, 1, 2, 3]
            assert got.dst.tolist() == one.dst.tolist()
            assert got.props["created_at"].tolist() == one.props["created_at"].tolist()


def test_the_database_name_is_resolved_in_one_place(monkeypatch):
    """``--database``, then ``$NEO4J_DATABASE``, then ``neo4j``: the store and
    ``load --initial`` both ask :func:`graphdb.neo4j_store.database_name`."""
    from graphdb.neo4j_store import database_name

    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    assert database_name() == "neo4j"
    monkeypatch.setenv("NEO4J_DATABASE", "photos")
    assert database_name() == "photos"
    assert database_name("given") == "given"
