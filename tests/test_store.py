"""The store interface on every backend: load, idempotency, export, write-back, errors."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import graphdb
from graphdb.errors import ConnectionFailed
from graphdb.loader import load_folder, normalise_tag
from tests.conftest import TINY

TINY_COUNTS = {
    "nodes": {"User": 6, "Photo": 9, "Topic": 6, "Community": 0},
    "relationships": {
        "FOLLOWS": 12,
        "POSTED": 9,
        "FAVORITED": 10,
        "TAGGED": 9,
        "MEMBER_OF": 0,
        "INTERESTED_IN": 0,
        "AUTHORITY_ON": 0,
        "RECOMMENDED": 0,
    },
}


def test_load_counts_match_the_files(store):
    added = load_folder(store, TINY)
    assert store.counts() == TINY_COUNTS
    assert added.nodes["User"] == 6 and added.relationships["FOLLOWS"] == 12


def test_loading_twice_leaves_identical_counts(store):
    load_folder(store, TINY)
    again = load_folder(store, TINY)
    assert store.counts() == TINY_COUNTS
    assert sum(again.nodes.values()) == 0 and sum(again.relationships.values()) == 0


def test_a_bigger_folder_adds_only_the_new_rows(store, tiny_dir):
    load_folder(store, TINY)
    with open(tiny_dir / "users.csv", "a", encoding="utf-8") as fh:
        fh.write("gina,2024-03-01,new here\n")
    with open(tiny_dir / "follows.csv", "a", encoding="utf-8") as fh:
        fh.write("gina,alice,2024-03-02\nalice,gina,2024-03-03\n")
    added = load_folder(store, tiny_dir)
    assert added.nodes["User"] == 1 and added.relationships["FOLLOWS"] == 2
    counts = store.counts()
    assert counts["nodes"]["User"] == 7 and counts["relationships"]["FOLLOWS"] == 14


def test_incremental_folder_may_reference_stored_users(store, tmp_path):
    load_folder(store, TINY)
    inc = tmp_path / "inc"
    inc.mkdir()
    (inc / "users.csv").write_text("user_id,joined_at,bio\n")
    (inc / "follows.csv").write_text("src,dst,created_at\nfrank,alice,2024-03-01\n")
    load_folder(store, inc)
    assert store.counts()["relationships"]["FOLLOWS"] == 13


def test_tagged_is_derived_from_names_and_aliases(tiny_store):
    tagged = tiny_store.export_edges("TAGGED")
    pairs = {
        (tagged.src_nodes.ids[s], tagged.dst_nodes.ids[d])
        for s, d in zip(tagged.src, tagged.dst, strict=True)
    }
    assert ("p6", "lakers") in pairs and ("p6", "basketball") in pairs  # "lakers", "nba"
    assert ("p2", "street") in pairs  # alias "street photo"
    assert not any(p == "p9" for p, _ in pairs)  # tbt;love match nothing
    assert normalise_tag("#L.A. Lakers") == "lalakers"


def test_export_nodes_sorted_with_typed_properties(tiny_store):
    photos = tiny_store.export_nodes("Photo", ["beauty", "uploaded_at", "path"])
    assert list(photos.ids) == sorted(photos.ids)
    by_id = dict(zip(photos.ids, photos.props["beauty"], strict=True))
    assert by_id["p1"] == pytest.approx(0.41) and np.isnan(by_id["p9"])
    when = dict(zip(photos.ids, photos.props["uploaded_at"], strict=True))
    assert when["p1"] == int(pd.Timestamp("2024-01-07T10:00:00Z").timestamp())


def test_export_edges_index_into_shared_node_table(tiny_store):
    users = tiny_store.export_nodes("User")
    follows = tiny_store.export_edges("FOLLOWS", ["created_at"], src_nodes=users)
    got = {(users.ids[s], users.ids[d]) for s, d in zip(follows.src, follows.dst, strict=True)}
    expected = set(map(tuple, pd.read_csv(TINY / "follows.csv")[["src", "dst"]].to_numpy()))
    assert got == expected
    assert np.all(np.diff(follows.src) >= 0)  # sorted by src
    assert follows.props["created_at"].dtype == np.int64


def test_write_node_props_round_trip(tiny_store):
    frame = pd.DataFrame({"id": ["alice", "bob"], "beauty": [0.25, np.nan], "cluster": [3, 1]})
    assert tiny_store.write_node_props("User", frame) == 2
    users = tiny_store.export_nodes("User", ["beauty", "cluster"])
    got = dict(zip(users.ids, users.props["beauty"], strict=True))
    assert got["alice"] == 0.25 and np.isnan(got["bob"]) and np.isnan(got["carol"])


def test_replace_rels_only_touches_the_matching_key(tiny_store):
    first = pd.DataFrame(
        {
            "src": ["alice", "bob"],
            "dst": ["street", "birds"],
            "source": ["bio", "bio"],
            "score": [1.0, 0.5],
        }
    )
    other = pd.DataFrame({"src": ["carol"], "dst": ["food"], "source": ["tags"], "score": [2.0]})
    tiny_store.replace_rels("INTERESTED_IN", first, where={"source": "bio"})
    tiny_store.replace_rels("INTERESTED_IN", other, where={"source": "tags"})
    tiny_store.replace_rels("INTERESTED_IN", first.iloc[:1], where={"source": "bio"})
    rows = tiny_store.query_df(
        "MATCH (u:User)-[r:INTERESTED_IN]->(t:Topic) RETURN u.id AS u, t.id AS t, r.source AS s"
    )
    assert sorted(map(tuple, rows.to_numpy())) == [
        ("alice", "street", "bio"),
        ("carol", "food", "tags"),
    ]


def test_injection_attempt_is_stored_verbatim_and_harmless(store, tiny_dir):
    evil_id = "x'}) DETACH DELETE n //"
    evil_bio = '"); MATCH (n) DETACH DELETE n; //'
    users = pd.read_csv(tiny_dir / "users.csv", dtype=str, keep_default_na=False)
    users.loc[len(users)] = [evil_id, "2024-03-01", evil_bio]
    users.to_csv(tiny_dir / "users.csv", index=False)
    load_folder(store, tiny_dir)
    users = store.export_nodes("User", ["bio"])
    bios = dict(zip(users.ids, users.props["bio"], strict=True))
    assert bios[evil_id] == evil_bio
    assert store.counts()["nodes"]["User"] == 7 and store.counts()["relationships"]["FOLLOWS"] == 12
    rows = store.run("user_info", user=evil_id)
    assert rows and rows[0]["id"] == evil_id


def test_named_statement_with_parameters(tiny_store):
    rows = tiny_store.run("user_info", user="alice")
    assert rows[0]["followers"] == 3 and rows[0]["followees"] == 2 and rows[0]["photos"] == 2


def test_locked_database_gives_a_clear_error(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "locked.lbdb"
    graphdb.connect(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import graphdb,time; s=graphdb.connect({str(path)!r}); print('ready', flush=True); "
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(ConnectionFailed, match="lock"):
            graphdb.connect(path)
    finally:
        holder.kill()
        holder.wait()


def test_missing_database_read_only_and_bad_uris(tmp_path):
    with pytest.raises(ConnectionFailed, match="does not exist"):
        graphdb.connect(tmp_path / "nope.lbdb", read_only=True)
    with pytest.raises(ConnectionFailed, match="unsupported database URI"):
        graphdb.connect("http://localhost:7474")
    with pytest.raises(ConnectionFailed, match="cannot reach Neo4j"):
        graphdb.connect("bolt://127.0.0.1:1")


def test_parquet_folder_loads_like_csv(store, tmp_path):
    pq = tmp_path / "pq"
    shutil.copytree(TINY, pq)
    for name in ("users", "follows"):
        pd.read_csv(pq / f"{name}.csv", dtype=str, keep_default_na=False).to_parquet(
            pq / f"{name}.parquet"
        )
        (pq / f"{name}.csv").unlink()
    load_folder(store, pq)
    assert store.counts() == TINY_COUNTS
