"""``--interest-source``: one option, one default (every source with interests in the store)
on ``authorities``, ``analyze authorities``, ``interests propagate`` and ``analyze
propagation``; and ``authorities`` computes everything before it writes, in one
transaction (LadybugDB always, Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import graphdb
from beautygraph.errors import UserError
from beautygraph.pipelines import alf
from beautygraph.pipelines.alf import interest_counts, present_sources, run_authorities
from beautygraph.pipelines.propagation import run_propagation
from graphdb.loader import load_folder
from tests.test_recommend_store import run_cli

# "a" is followed by the four users who declared t1 (knitting) and by u9; "b" by the four
# who declared t2 (sailing) and by u10; "c" by three users without interests.
USERS = [f"u{i}" for i in range(1, 13)] + ["a", "b", "c"]
FOLLOWS = (
    [(u, "a") for u in ("u1", "u2", "u3", "u4", "u9")]
    + [(u, "b") for u in ("u5", "u6", "u7", "u8", "u10")]
    + [("u11", "c"), ("u12", "c"), ("u1", "c"), ("a", "b"), ("b", "a")]
)
DECLARED = [(u, "t1") for u in ("u1", "u2", "u3", "u4")] + [
    (u, "t2") for u in ("u5", "u6", "u7", "u8")
]


def _write_folder(folder: Path, declared: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"user_id": USERS, "joined_at": "2024-01-01", "bio": ""}).to_csv(
        folder / "users.csv", index=False
    )
    pd.DataFrame(FOLLOWS, columns=["src", "dst"]).assign(created_at="2024-02-01").to_csv(
        folder / "follows.csv", index=False
    )
    pd.DataFrame(
        {"topic_id": ["t1", "t2"], "name": ["knitting", "sailing"], "aliases": "", "domain": ""}
    ).to_csv(folder / "topics.csv", index=False)
    if declared:
        pd.DataFrame(DECLARED, columns=["user_id", "topic_id"]).assign(source="declared").to_csv(
            folder / "interests.csv", index=False
        )
    return folder


@pytest.fixture
def declared_store(store, tmp_path):
    """Declared interests only: no biography, no other source."""
    load_folder(store, _write_folder(tmp_path / "hand"))
    return store


def _interests(store) -> list[tuple]:
    rows = store.query(
        "MATCH (u:User)-[r:INTERESTED_IN]->(t:Topic) RETURN u.id AS u, t.id AS t, r.source AS s"
    )
    return sorted((r["u"], r["t"], r["s"]) for r in rows)


def _authorities(store) -> list[tuple]:
    rows = store.query(
        "MATCH (u:User)-[r:AUTHORITY_ON]->(t:Topic) RETURN u.id AS u, t.id AS t, r.rank AS k"
    )
    return sorted((r["u"], r["t"], r["k"]) for r in rows)


def _set_bios(store, bios: dict[str, str]) -> None:
    store.write_node_props("User", pd.DataFrame({"id": list(bios), "bio": list(bios.values())}))


def test_interest_counts_are_distinct_users_per_source(declared_store):
    """Eight declared rows of eight users, then a second declared topic for u1 and one
    propagated row for u1: users are counted once per source."""
    extra = pd.DataFrame(
        {"src": ["u1", "u1"], "dst": ["t2", "t1"], "source": ["declared", "propagated"]}
    )
    declared_store.insert_rels("INTERESTED_IN", extra)
    expected = {"declared": len({u for u, _ in DECLARED}), "propagated": 1}
    assert interest_counts(declared_store) == expected


def test_present_sources_are_those_in_the_store(declared_store):
    assert present_sources(declared_store) == ("declared",)
    assert present_sources(declared_store, with_bios=True) == ("declared",)
    _set_bios(declared_store, {"u9": "I love knitting"})
    # biographies count for the authority search, which matches them on the way
    assert present_sources(declared_store) == ("declared",)
    assert present_sources(declared_store, with_bios=True) == ("bio", "declared")


def test_authorities_default_to_the_declared_interests(declared_store):
    run = run_authorities(declared_store)
    d = run.to_dict()
    assert d["interest_sources"] == ["declared"]
    # four of a's followers declared t1: a is the authority on t1 (min_support 3)
    assert d["top"].get("t1") == ["a"]
    assert ("a", "t1", 1) in _authorities(declared_store)


def test_no_interests_at_all_is_one_clear_error(store, tmp_path):
    load_folder(store, _write_folder(tmp_path / "bare", declared=False))
    with pytest.raises(UserError, match="no INTERESTED_IN relationships at all"):
        run_authorities(store)
    with pytest.raises(UserError, match="no INTERESTED_IN relationships at all"):
        run_propagation(store, alf.resolve_interest_sources(store, None, alf.INTEREST_SOURCES))


def test_invalid_parameters_write_nothing(declared_store):
    """The bio interests used to be written before the parameters were checked."""
    _set_bios(declared_store, {"u9": "I love knitting", "u10": "sailing"})
    before = _interests(declared_store)
    for bad in ({"min_support": -1}, {"dtype": "float16"}, {"topic_block": 0}):
        with pytest.raises(UserError):
            run_authorities(declared_store, **bad)
        assert _interests(declared_store) == before, bad
    with pytest.raises(UserError):
        run_authorities(declared_store, interest_sources=("bio", "likes"))
    assert _interests(declared_store) == before


def test_spark_checks_its_parameters_before_writing(declared_store):
    """The Spark engine refuses what it does not compute (Theorem 1, float32) and any broken
    rule before it matches and writes biographies, and before it needs Spark at all."""
    from analysis.alf.params import AlfParams
    from beautygraph.pipelines.spark_jobs import authorities_spark

    _set_bios(declared_store, {"u9": "I love knitting", "u10": "sailing"})
    before = _interests(declared_store)
    for params, shown in (
        (AlfParams(alpha=0.1), "Algorithm 1"),
        (AlfParams(topic_block=3, dtype="float32"), "float64"),
    ):
        with pytest.raises(UserError, match=shown):
            authorities_spark(declared_store, params, interest_sources=("bio", "declared"))
        assert _interests(declared_store) == before, params
    with pytest.raises(UserError, match="min_support=-1"):
        authorities_spark(declared_store, interest_sources=("bio",), min_support=-1)
    assert _interests(declared_store) == before


def test_failure_after_the_first_write_leaves_the_store_as_it_was(declared_store, monkeypatch):
    run_authorities(declared_store, interest_sources=("declared",))
    _set_bios(declared_store, {"u9": "I love knitting", "u10": "sailing"})
    interests, authorities = _interests(declared_store), _authorities(declared_store)
    assert authorities and not [r for r in interests if r[2] == "bio"]
    real = alf.write_authorities

    def write_then_fail(store, graph, result):
        real(store, graph, result)  # bio interests and authorities are written ...
        raise RuntimeError("disk full")  # ... and then the run fails

    monkeypatch.setattr(alf, "write_authorities", write_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        run_authorities(declared_store, interest_sources=("bio", "declared"), min_support=0)
    assert _interests(declared_store) == interests
    assert _authorities(declared_store) == authorities


# -- the CLI -----------------------------------------------------------------------------


@pytest.fixture
def declared_db(tmp_path) -> str:
    path = tmp_path / "declared.lbdb"
    with graphdb.connect(path) as s:
        load_folder(s, _write_folder(tmp_path / "hand"))
    return str(path)


def test_cli_authorities_say_which_sources_they_used(declared_db, capsys):
    code, out, err = run_cli(["--db", declared_db, "authorities", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["interest_sources"] == ["declared"]
    code, out, err = run_cli(["--db", declared_db, "authorities"], capsys)
    assert code == 0, err
    assert "interests from declared" in " ".join(out.split())
    args = ["--db", declared_db, "analyze", "authorities", "--holdout-follows", "0.5"]
    code, out, err = run_cli([*args, "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["interest_sources"] == ["declared"]
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    assert "interests from declared" in " ".join(out.split())


def test_cli_propagate_defaults_and_the_older_spelling(declared_db, capsys):
    base = ["--db", declared_db, "interests", "propagate", "--method", "vote", "--json"]
    code, out, err = run_cli(base, capsys)
    assert code == 0, err
    assert json.loads(out)["sources"] == ["declared"]
    code, out, err = run_cli([*base, "--source", "declared"], capsys)
    assert code == 0, err
    assert json.loads(out)["sources"] == ["declared"]
    code, out, err = run_cli([*base, "--source", "bio", "--interest-source", "declared"], capsys)
    assert code == 2 and "only one" in err
    code, _, err = run_cli([*base, "--interest-source", "bio"], capsys)
    assert code != 0 and "seed from declared" in err


def test_cli_analyze_propagation_says_which_sources_it_used(declared_db, tmp_path, capsys):
    args = ["--db", declared_db, "analyze", "propagation", "--repeats", "1"]
    code, out, err = run_cli([*args, "--out", str(tmp_path / "o"), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["sources"] == ["declared"]
    code, out, err = run_cli([*args, "--out", str(tmp_path / "o")], capsys)
    assert code == 0, err
    assert "seed interests from declared" in " ".join(out.split())


def test_one_option_on_every_command():
    """Same name, default, help on the four commands; the older --source hidden."""
    import beautygraph.cli  # noqa: F401  (attaches the commands)
    from beautygraph.clikit import main as root

    commands = [
        root.commands["authorities"],
        root.commands["analyze"].commands["authorities"],
        root.commands["interests"].commands["propagate"],
        root.commands["analyze"].commands["propagation"],
    ]
    options = []
    for cmd in commands:
        by_flag = {o: p for p in cmd.params for o in getattr(p, "opts", [])}
        assert "--interest-source" in by_flag, cmd.name
        assert by_flag["--source"].hidden, cmd.name
        options.append(by_flag["--interest-source"])
    assert {(o.name, o.default, o.help) for o in options} == {
        (options[0].name, None, options[0].help)
    }
