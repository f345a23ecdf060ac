"""The store's data stamp (:meth:`graphdb.base.Store.data_stamp`), on every backend: every
write path renews it, reads leave it alone, and it survives reopening the store.  It is
how a fitted model knows, without reading the data, that the data are as it saw them."""

from __future__ import annotations

import pandas as pd
import pytest

import graphdb


def _users(*ids: str) -> pd.DataFrame:
    return pd.DataFrame({"id": list(ids)})


@pytest.fixture
def filled(store):
    store.insert_nodes("User", _users("a", "b", "c"))
    store.insert_rels("FOLLOWS", pd.DataFrame({"src": ["a", "b"], "dst": ["b", "c"]}))
    assert store.data_stamp() is not None, "the store gives no data stamp"
    return store


#: every way the store interface writes, each as (name, the write)
WRITES = [
    ("insert_nodes", lambda s: s.insert_nodes("User", _users("d"))),
    ("insert_rels", lambda s: s.insert_rels("FOLLOWS", pd.DataFrame({"src": ["c"], "dst": ["a"]}))),
    (
        "write_node_props",
        lambda s: s.write_node_props("User", pd.DataFrame({"id": ["a"], "beauty": [0.5]})),
    ),
    (
        "replace_rels",
        lambda s: s.replace_rels(
            "RECOMMENDED",
            pd.DataFrame(
                {"src": ["a"], "dst": ["c"], "method": ["cn"], "rank": [1], "score": [1.0]}
            ),
            where={"method": "cn"},
        ),
    ),
    ("clear", lambda s: s.clear()),
    ("run", lambda s: s.run("user_beauty", source="input")),
    ("query", lambda s: s.query("MATCH (u:User {id: 'b'}) SET u.bio = 'x' RETURN u.id AS id")),
    (
        "query_df",
        lambda s: s.query_df("MATCH (u:User {id: 'b'}) SET u.bio = 'y' RETURN u.id AS id"),
    ),
    (
        "query_values",
        lambda s: s.query_values(
            "MATCH (:User)-[r:FOLLOWS]->(:User {id: 'c'}) DELETE r RETURN 1 AS n"
        ),
    ),
]


@pytest.mark.parametrize(("name", "write"), WRITES, ids=[n for n, _ in WRITES])
def test_every_write_path_renews_the_stamp(filled, name, write):
    before = filled.data_stamp()
    write(filled)
    after = filled.data_stamp()
    assert after is not None and after != before, name


def test_reads_keep_the_stamp(filled):
    before = filled.data_stamp()
    filled.query("MATCH (u:User) RETURN u.id AS id")
    filled.query_df("MATCH (u:User) WHERE u.bio = 'SET me' RETURN u.id AS id")
    filled.query_read("MATCH (u:User) RETURN count(u) AS n")
    users = filled.export_nodes("User", ["beauty"])
    filled.export_edges("FOLLOWS", src_nodes=users, dst_nodes=users)
    filled.counts()
    filled.stored_ids("User", ["a", "z"])
    assert filled.data_stamp() == before


def test_a_write_that_fails_still_renews_the_stamp(filled, monkeypatch):
    """The embedded store renews its token around the write, which may have changed part of
    the data before failing; Neo4j's stamp is its last commit, which a write that failed
    before reaching the server leaves as it is, rightly (nothing was committed)."""
    before = filled.data_stamp()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(filled), "_write_node_props", broken)
    with pytest.raises(RuntimeError):
        filled.write_node_props("User", pd.DataFrame({"id": ["a"], "beauty": [0.1]}))
    if filled.dialect == "neo4j":
        assert filled.data_stamp() == before
    else:
        assert filled.data_stamp() != before


def test_the_stamp_survives_reopening(tmp_path):
    path = tmp_path / "stamp.lbdb"
    with graphdb.connect(path) as s:
        s.insert_nodes("User", _users("a"))
        stamp = s.data_stamp()
    with graphdb.connect(path, read_only=True) as s:
        assert s.data_stamp() == stamp
    with graphdb.connect(path) as s:  # a read-write open that only reads
        s.query("MATCH (u:User) RETURN u.id AS id")
        assert s.data_stamp() == stamp
    graphdb.remove_embedded(path)
    assert not list(tmp_path.glob("stamp.lbdb*"))  # the stamp goes with the database


def test_a_database_without_a_stamp_gets_one(tmp_path):
    path = tmp_path / "old.lbdb"
    with graphdb.connect(path) as s:
        s.insert_nodes("User", _users("a"))
    stamp_file = tmp_path / "old.lbdb.stamp"
    stamp_file.unlink()  # a database written before stamps existed
    with graphdb.connect(path, read_only=True) as s:
        first = s.data_stamp()
        assert first is not None and s.data_stamp() == first
    assert stamp_file.read_text() == first


def test_an_edit_by_another_client_renews_the_neo4j_stamp(filled):
    """On Neo4j the stamp is the server's: a commit by another client (the Browser, a
    script) moves it, a property edit included, and that client's reads do not."""
    if filled.dialect != "neo4j":
        pytest.skip("the embedded store has one writer: beautygraph's own Store")
    import os

    from neo4j import GraphDatabase

    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    before = filled.data_stamp()
    with GraphDatabase.driver(filled.uri, auth=auth) as other:
        with other.session(database=filled.database) as session:
            session.run("MATCH (u:User) RETURN count(u) AS n").consume()
            assert filled.data_stamp() == before
            session.run("MATCH (u:User {id: 'a'}) SET u.bio = 'edited'").consume()
    after = filled.data_stamp()
    assert after is not None and after != before
    assert filled.data_stamp() == after
