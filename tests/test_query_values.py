"""``beautygraph query`` on both backends: list, map, node and relationship values, scripts
of several statements, the shipped Browser queries by name from any directory, the fixed
embedded schema and repeated ``-p``.

The graph below is small enough to work every expected answer out by hand:

- users a (beauty 0.5), b (0.3), c (0.1), d (no beauty);
- follows: a→b (created 2024-01-05 06:07:08 UTC), a→c, b→a, c→a, d→a, d→b, d→c;
- photos: a posted pa1 (beauty 0.2) and pa2 (0.9), b posted pb1 (0.4), c and d none;
- topics basketball and food; a is authority #1 on basketball, b #2;
  b and c are interested in basketball, d in food;
- stored recommendations of a: b (bb #1), c (bb #2), d (cn #1).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

import cypher
import graphdb
from graphdb import schema

BACKENDS = ["ladybug"] + (
    [pytest.param("neo4j", marks=pytest.mark.neo4j)] if os.environ.get("NEO4J_URI") else []
)


def build(store) -> None:
    users = ["a", "b", "c", "d"]
    store.insert_nodes("User", pd.DataFrame({"id": users}))
    store.write_node_props("User", pd.DataFrame({"id": ["a", "b", "c"], "beauty": [0.5, 0.3, 0.1]}))
    follows = [("a", "b"), ("a", "c"), ("b", "a"), ("c", "a"), ("d", "a"), ("d", "b"), ("d", "c")]
    frame = pd.DataFrame(follows, columns=["src", "dst"])
    frame["created_at"] = [pd.Timestamp("2024-01-05 06:07:08", tz="UTC")] + [pd.NaT] * 6
    store.insert_rels("FOLLOWS", frame)
    store.insert_nodes(
        "Photo", pd.DataFrame({"id": ["pa1", "pa2", "pb1"], "beauty": [0.2, 0.9, 0.4]})
    )
    posted = [("a", "pa1"), ("a", "pa2"), ("b", "pb1")]
    store.insert_rels("POSTED", pd.DataFrame(posted, columns=["src", "dst"]))
    topics = ["basketball", "food"]
    store.insert_nodes("Topic", pd.DataFrame({"id": topics, "name": topics}))
    store.replace_rels(
        "AUTHORITY_ON",
        pd.DataFrame({"src": ["a", "b"], "dst": "basketball", "rank": [1, 2], "score": [1.0, 0.5]}),
    )
    interests = [("b", "basketball"), ("c", "basketball"), ("d", "food")]
    frame = pd.DataFrame(interests, columns=["src", "dst"]).assign(source="declared")
    store.insert_rels("INTERESTED_IN", frame)
    recs = pd.DataFrame(
        {"src": "a", "dst": ["b", "c", "d"], "method": ["bb", "bb", "cn"], "rank": [1, 2, 1]}
    )
    for method in ("bb", "cn"):
        store.replace_rels("RECOMMENDED", recs[recs.method == method], where={"method": method})


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> str:
    """The graph above on one backend, closed again: the CLI opens it by ``--db``."""
    target = str(tmp_path / "v.lbdb") if request.param == "ladybug" else os.environ["NEO4J_URI"]
    store = graphdb.connect(target, create=True)
    if request.param == "neo4j":
        store.clear()
    build(store)
    store.close()
    yield target
    if request.param == "neo4j":
        store = graphdb.connect(target)
        store.clear()
        store.close()


def user(uid: str, beauty: float | None = None, labels: tuple[str, ...] = ("User",)) -> dict:
    props: dict = {"id": uid} if beauty is None else {"id": uid, "beauty": beauty}
    return {"labels": list(labels), "properties": props}


def rel(kind: str, start: str | None, end: str | None, **props) -> dict:
    return {"type": kind, "properties": props, "start": start, "end": end}


# -- values ---------------------------------------------------------------------------------


def test_lists_and_maps_are_json_values(db, query_cli):
    rows = query_cli(
        db,
        "--cypher",
        "RETURN [1, 2, 3] AS l, [7] AS one, [] AS empty, {a: 1, b: ['x', 'y']} AS m, "
        "'s' AS s, 2.5 AS f",
        "--json",
    ).json()
    assert rows == [
        {
            "l": [1, 2, 3],
            "one": [7],
            "empty": [],
            "m": {"a": 1, "b": ["x", "y"]},
            "s": "s",
            "f": 2.5,
        }
    ]


def test_dates_and_durations_are_iso_8601_text(db, query_cli):
    neo4j = db.startswith(("bolt", "neo4j"))
    span = "duration('P1DT2H')" if neo4j else "interval('1 day 2 hours')"
    text = f"RETURN date('2024-01-02') AS day, [date('2024-01-03')] AS days, {span} AS span"
    rows = query_cli(db, "--cypher", text, "--json").json()
    assert rows == [{"day": "2024-01-02", "days": ["2024-01-03"], "span": "P1DT2H"}]


def test_a_list_column_from_a_named_statement(db, query_cli):
    """The common-neighbour recommender returns its common neighbours as a list: c follows
    a only, a follows b and c, so b is c's one candidate, through a."""
    rows = query_cli(db, "recommend_cn", "-p", "user=c", "-p", "k=5", "--json").json()
    assert rows == [{"user_id": "b", "score": 1, "n_common": 1, "common": ["a"], "beauty": 0.3}]


def test_nodes_and_relationships_show_labels_type_properties_and_endpoints(db, query_cli):
    text = "MATCH (u:User {id: 'a'})-[f:FOLLOWS]->(v:User {id: 'b'}) RETURN u, f, v"
    rows = query_cli(db, "--cypher", text, "--json").json()
    follows = rel("FOLLOWS", "a", "b", created_at="2024-01-05T06:07:08+00:00")
    assert rows == [{"u": user("a", 0.5), "f": follows, "v": user("b", 0.3)}]
    text = "MATCH (u:User {id: 'a'})-[r:RECOMMENDED]->(v:User {id: 'd'}) RETURN u, r"
    rows = query_cli(db, "--cypher", text, "--json").json()
    # d is not in the result: its id is not known, on either backend
    assert rows == [{"u": user("a", 0.5), "r": rel("RECOMMENDED", "a", None, method="cn", rank=1)}]
    assert "_ID" not in json.dumps(rows) and "offset" not in json.dumps(rows)


def test_lists_of_nodes_and_paths(db, query_cli):
    text = "MATCH (f:User)-[:FOLLOWS]->(a:User {id: 'a'}) RETURN collect(f) AS fans"
    (row,) = query_cli(db, "--cypher", text, "--json").json()
    assert sorted(row["fans"], key=lambda n: n["properties"]["id"]) == [
        user("b", 0.3),
        user("c", 0.1),
        user("d"),
    ]
    text = "MATCH p = (:User {id: 'd'})-[:FOLLOWS]->(:User {id: 'c'}) RETURN p"
    rows = query_cli(db, "--cypher", text, "--json").json()
    assert rows == [
        {"p": {"nodes": [user("d"), user("c", 0.1)], "relationships": [rel("FOLLOWS", "d", "c")]}}
    ]


def test_table_cells_are_readable(db, query_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # rich wraps cells to the terminal width
    text = (
        "MATCH (u:User {id: 'a'})-[f:FOLLOWS]->(v:User {id: 'b'}) "
        "RETURN [7] AS one, ['x, y', 'z'] AS words, u, f, v"
    )
    res = query_cli(db, "--cypher", text)
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.replace("│", " ").split())
    assert "[7]" in flat
    assert '["x, y", "z"]' in flat  # quoted: one item with a comma stays one item
    assert '(:User {id: "a", beauty: 0.5})' in flat
    assert '(a)-[:FOLLOWS {created_at: "2024-01-05T06:07:08+00:00"}]->(b)' in flat
    assert "_ID" not in flat and "offset" not in flat


# -- several statements ---------------------------------------------------------------------


def test_every_statement_of_a_file_is_shown(db, query_cli, tmp_path):
    f = tmp_path / "three.cypher"
    f.write_text(
        "// three statements; semicolons in strings and comments do not split\n"
        "MATCH (u:User) RETURN count(u) AS users;\n"
        "RETURN /* a block; comment */ 'x;y' AS s; // a comment; with a semicolon\n"
        "MATCH (u:User {id: $user}) RETURN u.beauty AS beauty;\n"
    )
    results = query_cli(db, str(f), "-p", "user=a", "--json").json()
    assert [(r["statement"], r["rows"]) for r in results] == [
        (1, [{"users": 4}]),
        (2, [{"s": "x;y"}]),
        (3, [{"beauty": 0.5}]),
    ]
    table = query_cli(db, str(f), "-p", "user=a")
    assert table.exit_code == 0, table.output
    for i in (1, 2, 3):
        assert f"three.cypher ({i}/3)" in table.output
    assert "x;y" in table.output and table.output.count("1 row(s)") == 3


def test_every_statement_of_cypher_text_is_shown(db, query_cli):
    results = query_cli(db, "--cypher", "RETURN 1 AS one; RETURN [2] AS two", "--json").json()
    assert [r["rows"] for r in results] == [[{"one": 1}], [{"two": [2]}]]


def test_a_refused_statement_of_a_script_is_named_by_its_number(db, query_cli):
    res = query_cli(db, "--cypher", "RETURN 1 AS one; MATCH (u:User {id: 'a'}) SET u.bio = 'x'")
    assert res.exit_code == 2
    (line,) = res.output.strip().splitlines()
    assert line.startswith("error: statement 2 of 2: refused") and "--write" in line
    rows = query_cli(
        db, "--cypher", "MATCH (u:User {id: 'a'}) RETURN u.bio AS bio", "--json"
    ).json()
    assert rows == [{"bio": None}]


# -- the shipped Browser queries ------------------------------------------------------------


def by_id(rows: list[dict], key: str) -> list[dict]:
    return sorted(rows, key=lambda r: r[key]["properties"]["id"])


def test_01_user_neighbourhood(db, query_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # by name, from a directory that is not the repository
    rows = query_cli(db, "01_user_neighbourhood", "-p", "user=d", "--json").json()
    # d follows a (best photo pa2, beauty 0.9), b (pb1) and c (no photo)
    photo = {"pa2": 0.9, "pb1": 0.4}
    assert [
        (
            r["v"]["properties"]["id"],
            r["photo"] and r["photo"]["properties"]["id"],
            r["posted"] and (r["posted"]["start"], r["posted"]["end"]),
            r["f"],
        )
        for r in by_id(rows, "v")
    ] == [
        ("a", "pa2", ("a", "pa2"), rel("FOLLOWS", "d", "a")),
        ("b", "pb1", ("b", "pb1"), rel("FOLLOWS", "d", "b")),
        ("c", None, None, rel("FOLLOWS", "d", "c")),
    ]
    for r in rows:
        assert r["u"] == user("d")
        if r["photo"]:
            assert r["photo"]["properties"]["beauty"] == photo[r["photo"]["properties"]["id"]]


def test_02_top_beauty_low_attention(db, query_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = query_cli(db, "02_top_beauty_low_attention.cypher", "--json").json()
    # every user with a beauty has fewer than 10 followers: a (b, c, d), b (a, d), c (a, d)
    assert rows == [
        {"user": "a", "beauty": 0.5, "followers": 3, "class": None},
        {"user": "b", "beauty": 0.3, "followers": 2, "class": None},
        {"user": "c", "beauty": 0.1, "followers": 2, "class": None},
    ]


def test_03_topic_authorities_by_repository_path_from_another_directory(
    db, query_cli, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    rows = query_cli(
        db, "cypher/browser/03_topic_authorities.cypher", "-p", "topic=basketball", "--json"
    )
    rows = rows.json()
    topic = {"labels": ["Topic"], "properties": {"id": "basketball", "name": "basketball"}}
    got = {
        r["a"]["properties"]["id"]: (
            r["r"],
            sorted(f["properties"]["id"] for f in r["followers"]),
            sorted((x["start"], x["end"]) for x in r["follows"]),
        )
        for r in rows
    }
    assert got == {
        "a": (
            rel("AUTHORITY_ON", "a", "basketball", score=1.0, rank=1),
            ["b", "c", "d"],
            [("b", "a"), ("c", "a"), ("d", "a")],
        ),
        "b": (
            rel("AUTHORITY_ON", "b", "basketball", score=0.5, rank=2),
            ["a", "d"],
            [("a", "b"), ("d", "b")],
        ),
    }
    assert all(r["t"] == topic for r in rows)


def test_04_why_authority(db, query_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = query_cli(
        db, "04_why_authority", "-p", "user=a", "-p", "topic=basketball", "--json"
    ).json()
    # a's followers b, c, d all have interests; b and c in basketball
    assert rows == [{"user": "a", "on_topic": 2, "with_interests": 3, "pass1_share": 2 / 3}]


def test_05_recommendations(db, query_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = query_cli(db, "05_recommendations", "-p", "user=a", "--json").json()
    assert [(r["r"], r["v"]) for r in rows] == [
        (rel("RECOMMENDED", "a", "b", method="bb", rank=1), user("b", 0.3)),
        (rel("RECOMMENDED", "a", "c", method="bb", rank=2), user("c", 0.1)),
        (rel("RECOMMENDED", "a", "d", method="cn", rank=1), user("d")),
    ]
    assert all(r["u"] == user("a", 0.5) for r in rows)


def test_00_display_tiers_is_neo4j_only(db, query_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = query_cli(db, "00_display_tiers", "--write")
    if not db.startswith(("bolt", "neo4j")):
        assert res.exit_code == 2
        (line,) = res.output.strip().splitlines()
        assert line.startswith("error: 00_display_tiers.cypher runs on Neo4j only: ")
        assert "one label" in line
        return
    assert res.exit_code == 0, res.output
    # beauty 0.5 → BeautyTier4 (>= 0.40); followers 3 → FollowersTier0 (< 10)
    rows = query_cli(db, "--cypher", "MATCH (u:User {id: 'a'}) RETURN u", "--json").json()
    assert rows == [{"u": user("a", 0.5, ("BeautyTier4", "FollowersTier0", "User"))}]


def test_list_names_the_neo4j_only_query_and_its_reason(db, query_cli):
    listing = query_cli(db, "--list", "--json").json()
    only = {Path(e["name"]).name: e["neo4j_only"] for e in listing["files"]}
    assert set(only) == {p.name for p in cypher.browser_files()}
    assert not any(".ladybug." in name for name in only)  # variants are not listed
    assert only.pop("00_display_tiers.cypher").startswith("the embedded store gives")
    assert set(only.values()) == {None}
    text = query_cli(db, "--list").output
    assert "Neo4j only: the embedded store gives every node exactly one label" in text


def test_an_unknown_name_is_one_line(db, query_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for target in ("06_nothing", "cypher/browser/06_nothing.cypher"):
        res = query_cli(db, target)
        assert res.exit_code == 2
        (line,) = res.output.strip().splitlines()
        assert repr(target) in line and "--list" in line


# -- the fixed embedded schema, repeated parameters -----------------------------------------


def test_a_new_property_on_the_embedded_store_names_the_fixed_schema(db, query_cli):
    res = query_cli(db, "--cypher", "MATCH (u:User) SET u.flag = 1", "--write")
    if db.startswith(("bolt", "neo4j")):  # Neo4j has no fixed schema: it sets the property
        assert res.exit_code == 0, res.output
        rows = query_cli(
            db, "--cypher", "MATCH (u:User) RETURN count(u.flag) AS n", "--json"
        ).json()
        assert rows == [{"n": 4}]
        return
    assert res.exit_code == 2
    (line,) = res.output.strip().splitlines()
    assert "schema is fixed" in line and "'flag'" in line and "Traceback" not in res.output
    assert "User properties: " in line
    named = line.split("User properties: ", 1)[1].split(" (", 1)[0].split(", ")
    assert named == list(schema.NODE_PROPS["User"])


def test_a_new_property_of_an_unlabelled_variable_lists_every_label(db, query_cli):
    res = query_cli(db, "--cypher", "MATCH (n) SET n.flag = 1", "--write")
    if db.startswith(("bolt", "neo4j")):
        assert res.exit_code == 0, res.output
        return
    assert res.exit_code == 2
    (line,) = res.output.strip().splitlines()
    for label, props in {**schema.NODE_PROPS, **schema.REL_PROPS}.items():
        if props:
            assert f"{label}: {', '.join(props)}" in line


def test_a_parameter_given_twice_is_refused(db, query_cli):
    res = query_cli(db, "user_info", "-p", "user=a", "-p", "user=b")
    assert res.exit_code == 2
    (line,) = res.output.strip().splitlines()
    assert "parameter 'user' given twice" in line
    assert "user=a" in line and "user=b" in line


def test_a_writing_script_is_all_or_nothing(db, query_cli):
    """Statement 1 sets a's beauty, statement 2 fails: a's beauty must still be 0.5."""
    script = (
        "MATCH (u:User {id: 'a'}) SET u.beauty = 0.99 RETURN u.beauty AS b; "
        "MATCH (u:User {id: 'a'}) RETURN u.beauty / $missing_is_refused AS x"
    )
    failed = query_cli(db, "--cypher", script, "--write", "-p", "missing_is_refused=[1]")
    assert failed.exit_code != 0
    assert "statement 2 of 2" in failed.output
    rows = query_cli(
        db, "--cypher", "MATCH (u:User {id: 'a'}) RETURN u.beauty AS b", "--json"
    ).json()
    assert rows == [{"b": 0.5}]
    ok = query_cli(db, "--cypher", "MATCH (u:User {id: 'a'}) SET u.beauty = 0.25 RETURN u.beauty AS b",
             "--write", "--json").json()  # fmt: skip
    assert ok == [{"b": 0.25}]
