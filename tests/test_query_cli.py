"""``beautygraph query``: named statements, files, ad-hoc text, read-only by default."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cypher
from beautygraph.cli import cli
from graphdb.errors import WriteRefused
from tests.conftest import ROOT, TINY


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "q.lbdb"
    res = CliRunner().invoke(cli, ["--db", str(path), "load", str(TINY), "--quiet"])
    assert res.exit_code == 0, res.output
    return str(path)


def test_a_named_statement_with_its_parameter(db, query_cli):
    res = query_cli(db, "user_info", "-p", "user=alice", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    # examples/tiny: bob, carol and erin follow alice; alice follows bob and carol
    assert [(r["id"], r["followers"], r["followees"], r["photos"]) for r in rows] == [
        ("alice", 3, 2, 2)
    ]


def test_a_missing_parameter_is_an_error_that_names_it(db, query_cli):
    res = query_cli(db, "user_info")
    assert res.exit_code == 2
    assert "missing parameter $user: pass -p user=VALUE" in res.output


def test_an_unused_parameter_is_an_error(db, query_cli):
    res = query_cli(db, "user_info", "-p", "user=alice", "-p", "usr=bob")
    assert res.exit_code == 2
    assert "unknown parameter 'usr': the statement uses $user" in res.output


def test_ad_hoc_cypher_runs_read_only(db, query_cli):
    res = query_cli(db, "--cypher", "MATCH (u:User) RETURN count(u) AS n", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == [{"n": 6}]  # users.csv: 6 accounts


def test_a_writing_statement_is_refused_unless_write(db, query_cli):
    text = "MATCH (u:User {id: 'alice'}) SET u.bio = 'changed' RETURN u.bio AS bio"
    refused = query_cli(db, "--cypher", text)
    assert refused.exit_code == 2
    assert "refused: the statement holds SET" in refused.output
    assert "--write" in refused.output
    unchanged = query_cli(db, "user_info", "-p", "user=alice", "--json")
    assert json.loads(unchanged.output)[0]["bio"].startswith("Street photographer")
    ok = query_cli(db, "--cypher", text, "--write", "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output) == [{"bio": "changed"}]


def test_named_statements_that_write_need_write_too(db, query_cli):
    res = query_cli(db, "neighbor_beauty")
    assert res.exit_code == 2 and "refused" in res.output
    assert query_cli(db, "neighbor_beauty", "--write").exit_code == 0


def test_a_cypher_file_runs_from_the_cli(db, query_cli, tmp_path):
    f = tmp_path / "mine.cypher"
    f.write_text(
        "// Photos of one user.\nMATCH (u:User {id: $user})-[:POSTED]->(p:Photo)\n"
        "RETURN p.id AS photo ORDER BY photo;\n"
    )
    res = query_cli(db, str(f), "-p", "user=bob", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == [{"photo": "p3"}, {"photo": "p4"}]


def test_a_browser_query_runs_from_the_cli(db, query_cli):
    f = ROOT / "cypher" / "browser" / "05_recommendations.cypher"
    res = query_cli(db, str(f), "-p", "user=alice", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == []  # no RECOMMENDED relationships written yet


def test_list_shows_every_statement_with_description_and_parameters(db, query_cli):
    res = query_cli(db, "--list", "--json")
    assert res.exit_code == 0, res.output
    listing = json.loads(res.output)
    named = {e["name"]: e for e in listing["named"]}
    assert set(named) == set(cypher.names())
    assert named["user_info"]["parameters"] == ["user"]
    assert named["user_info"]["description"] == (
        "One user at a glance: followers, followees, photos, beauty."
    )
    assert named["recommend_bb"]["parameters"] == ["user", "tolerance", "k"]
    assert all(e["description"] for e in listing["named"] + listing["files"])
    assert {e["name"] for e in listing["files"]} == {
        f"cypher/browser/{p.name}" for p in cypher.browser_files()
    }
    text = query_cli(db, "--list").output
    assert "user_info" in text and "$user" in text and "cypher/browser/" in text


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("MATCH (u:User) RETURN u.id", None),
        ("MATCH (u:User) WHERE u.bio CONTAINS 'SET' RETURN u // DELETE", None),
        ("MATCH (u:User) SET u.bio = ''", "SET"),
        ("match (u:User) detach delete u", "DETACH"),
        ("MERGE (u:User {id: 'x'})", "MERGE"),
        ("CREATE (u:User {id: 'x'})", "CREATE"),
        ("MATCH (u) REMOVE u:BeautyTier0", "REMOVE"),
        ("CALL show_tables() RETURN *", "CALL"),
    ],
)
def test_the_write_clause_scan(text, clause):
    assert cypher.write_clause(text) == clause


def test_store_query_read_refuses_writes_on_every_backend(tiny_store):
    with pytest.raises(WriteRefused):
        tiny_store.query_read("MATCH (u:User {id: 'alice'}) SET u.bio = 'x'")
    rows = tiny_store.query_read("MATCH (u:User {id: 'alice'}) RETURN u.bio AS bio")
    assert rows[0]["bio"].startswith("Street photographer")
    # a string that spells a clause is no write: both backends run it
    assert tiny_store.query_read("RETURN 'SET' AS word") == [{"word": "SET"}]


def test_neo4j_decides_in_a_read_transaction_the_embedded_store_by_scanning(tiny_store):
    """A procedure call that only reads: Neo4j runs it (the server knows it reads); the
    embedded store cannot ask and refuses it (conservative)."""
    if tiny_store.dialect == "neo4j":
        labels = {r["label"] for r in tiny_store.query_read("CALL db.labels() YIELD label")}
        assert {"User", "Photo"} <= labels
    else:
        with pytest.raises(WriteRefused):
            tiny_store.query_read("CALL show_tables() RETURN name")
