"""``interests propagate`` / ``analyze propagation`` and the authorities options through the
store (LadybugDB always, Neo4j when NEO4J_URI is set), on a hand-worked graph."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from beautygraph.errors import UserError
from beautygraph.pipelines.alf import run_authorities
from beautygraph.pipelines.propagation import evaluate_propagation, run_propagation
from graphdb.loader import load_folder

# a <-> b mutual, c follows a and b, d follows e, "iso" has no tie and no seed.
USERS = ["a", "b", "c", "d", "e", "iso"]
FOLLOWS = [("a", "b"), ("b", "a"), ("c", "a"), ("c", "b"), ("d", "e")]
DECLARED = [("a", "t1"), ("b", "t1"), ("b", "t2"), ("e", "t2")]
# one-pass weighted vote over W = A + A^t, worked by hand (module docstring of
# analysis.propagation.baselines): user -> [(topic, score)] best first
EXPECTED_VOTE = {
    "a": [("t1", 1.0), ("t2", 1.0)],  # b (weight 2) holds both; c is unlabelled
    "b": [("t1", 1.0)],  # a (weight 2) holds t1 only
    "c": [("t1", 1.0), ("t2", 0.5)],  # a and b, weight 1 each
    "d": [("t2", 1.0)],  # e
}  # e: its only neighbour d is unlabelled; iso: nothing


def _write_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"user_id": USERS, "joined_at": "2024-01-01", "bio": ""}).to_csv(
        folder / "users.csv", index=False
    )
    pd.DataFrame(FOLLOWS, columns=["src", "dst"]).assign(created_at="2024-02-01").to_csv(
        folder / "follows.csv", index=False
    )
    pd.DataFrame(
        {"topic_id": ["t1", "t2"], "name": ["topic one", "topic two"], "aliases": "", "domain": ""}
    ).to_csv(folder / "topics.csv", index=False)
    pd.DataFrame(DECLARED, columns=["user_id", "topic_id"]).assign(source="declared").to_csv(
        folder / "interests.csv", index=False
    )
    return folder


@pytest.fixture
def hand_store(store, tmp_path):
    load_folder(store, _write_folder(tmp_path / "hand"))
    return store


def _interests(store) -> pd.DataFrame:
    users = store.export_nodes("User")
    topics = store.export_nodes("Topic")
    e = store.export_edges(
        "INTERESTED_IN",
        ["source", "score", "rank", "method"],
        src_nodes=users,
        dst_nodes=topics,
    )
    return pd.DataFrame(
        {
            "user": np.asarray(users.ids)[e.src],
            "topic": np.asarray(topics.ids)[e.dst],
            **{k: e.props[k] for k in ("source", "score", "rank", "method")},
        }
    )


def test_propagate_writes_the_hand_worked_vote(hand_store):
    run = run_propagation(hand_store, ("declared",), method="vote", top=2)
    got = {
        u: [(r.topic_id, r.score) for r in g.sort_values("rank").itertuples()]
        for u, g in run.rows.groupby("user_id")
    }
    assert got == EXPECTED_VOTE
    df = _interests(hand_store)
    prop = df[df["source"] == "propagated"]
    assert len(prop) == sum(len(v) for v in EXPECTED_VOTE.values()) == run.written
    assert set(prop["method"]) == {"vote"}
    assert "iso" not in set(prop["user"]) and "e" not in set(prop["user"])
    c = prop[prop["user"] == "c"].sort_values("rank")
    assert c["topic"].tolist() == ["t1", "t2"] and c["score"].tolist() == [1.0, 0.5]
    # seeds untouched
    seeds = df[df["source"] == "declared"]
    assert sorted(zip(seeds["user"], seeds["topic"], strict=True)) == sorted(DECLARED)


def test_propagate_replaces_earlier_propagated_edges(hand_store):
    run_propagation(hand_store, ("declared",), method="vote", top=2)
    run_propagation(hand_store, ("declared",), method="vote", top=2)  # no duplicates on re-run
    df = _interests(hand_store)
    assert (df["source"] == "propagated").sum() == 6
    run_propagation(hand_store, ("declared",), method="vote", top=1)
    df = _interests(hand_store)
    prop = df[df["source"] == "propagated"]
    assert len(prop) == 4 and set(prop["rank"]) == {1}
    assert (df["source"] == "declared").sum() == len(DECLARED)


def test_propagate_errors(hand_store):
    with pytest.raises(UserError, match="method='nope' must be one of auto, "):
        run_propagation(hand_store, ("declared",), method="nope")
    with pytest.raises(UserError, match=r"no user has interests from \['bio'\].*declared \(3"):
        run_propagation(hand_store, ("bio",), method="vote")
    with pytest.raises(UserError, match="folds=4 need at least 4 users.*only 3 users"):
        run_propagation(hand_store, ("declared",), method="auto", folds=4)


def test_authorities_message_names_sources_with_interests(hand_store):
    with pytest.raises(UserError, match=r"declared \(3 users\): seed from declared instead"):
        run_authorities(hand_store, interest_sources=("bio",))


def test_authorities_from_propagated_interests(hand_store):
    run_propagation(hand_store, ("declared",), method="vote", top=2)
    run = run_authorities(hand_store, interest_sources=("propagated",), min_support=0)
    # propagated (a, b, c, d) together with the declared seeds (a, b, e)
    assert run.to_dict()["users_with_interests"] == 5
    assert run.graph.sources == ("propagated",)


def run_cli(argv, capsys):
    from beautygraph import cli

    code = 0
    try:
        cli.main(argv)
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_propagate_json_and_csv(tmp_path, capsys):
    db = str(tmp_path / "cli.lbdb")
    folder = _write_folder(tmp_path / "hand")
    assert run_cli(["--db", db, "load", str(folder), "--json"], capsys)[0] == 0
    csv = tmp_path / "out" / "p.csv"
    code, out, err = run_cli(
        [
            "--db",
            db,
            "interests",
            "propagate",
            "--source",
            "declared",
            "--method",
            "vote",
            "--top",
            "2",
            "--out",
            str(csv),
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["method"] == "vote" and d["written"] == 6 and d["selection"] is None
    rows = pd.read_csv(csv)
    assert list(rows.columns) == ["user_id", "topic_id", "score", "rank"]
    assert len(rows) == 6
    code, _, err = run_cli(["--db", db, "interests", "propagate", "--method", "x"], capsys)
    assert code == 2 and "--method x must be one of auto" in err
    code, _, err = run_cli(["--db", db, "interests", "propagate", "--source", "likes"], capsys)
    assert code == 2 and "likes" in err


@pytest.fixture(scope="module")
def planted_dir(tmp_path_factory):
    """Two dense communities of 20, each with one topic; every user declares it."""
    rng = np.random.default_rng(0)
    folder = tmp_path_factory.mktemp("planted")
    users = [f"u{i:02d}" for i in range(40)]
    comm = np.repeat([0, 1], 20)
    edges = [
        (users[i], users[j])
        for i in range(40)
        for j in range(40)
        if i != j and rng.random() < (0.4 if comm[i] == comm[j] else 0.02)
    ]
    pd.DataFrame({"user_id": users, "joined_at": "2024-01-01", "bio": ""}).to_csv(
        folder / "users.csv", index=False
    )
    pd.DataFrame(edges, columns=["src", "dst"]).assign(created_at="2024-02-01").to_csv(
        folder / "follows.csv", index=False
    )
    pd.DataFrame(
        {"topic_id": ["x", "y"], "name": ["ex", "why"], "aliases": "", "domain": ""}
    ).to_csv(folder / "topics.csv", index=False)
    pd.DataFrame(
        {"user_id": users, "topic_id": np.where(comm == 0, "x", "y"), "source": "declared"}
    ).to_csv(folder / "interests.csv", index=False)
    return folder


def test_evaluate_propagation_on_planted_communities(store, planted_dir):
    load_folder(store, planted_dir)
    ev = evaluate_propagation(
        store, holdout=0.5, repeats=2, sources=("declared",), fractions=(0.3, 0.7)
    )
    d = ev.to_json()
    assert set(d) == {"methods", "auto", "n_hidden", "n_labelled", "sources"}
    assert d["sources"] == ["declared"]
    assert d["n_hidden"] == 20 and d["n_labelled"] == 20
    assert d["auto"] in d["methods"]
    assert d["methods"]["vote"]["accuracy"] > 0.9  # the planted effect
    assert d["methods"]["majority"]["accuracy"] <= 0.75  # chance: about half
    assert set(ev.curve["labelled"]) == {0.3, 0.7}
    # auto on the whole store picks from the seed users and writes with that method
    run = run_propagation(store, ("declared",), method="auto", top=1)
    assert run.selection is not None and run.method == run.selection.best
    assert len(run.rows) == 40


def test_cli_analyze_propagation(planted_dir, tmp_path, capsys):
    db = str(tmp_path / "cli.lbdb")
    assert run_cli(["--db", db, "load", str(planted_dir), "--json"], capsys)[0] == 0
    out_dir = tmp_path / "ap"
    argv = ["--db", db, "analyze", "propagation", "--holdout", "0.5", "--repeats", "1"]
    code, out, err = run_cli([*argv, "--fractions", "0.5", "--out", str(out_dir), "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert set(d) == {"methods", "auto", "n_hidden", "n_labelled", "sources"}
    for s in d["methods"].values():
        assert all(0 <= s[k] <= 1 for k in ("micro_f1", "macro_f1", "accuracy"))
    assert (out_dir / "propagation_f1.png").read_bytes().startswith(b"\x89PNG")
    code, _, err = run_cli([*argv[:4], "--holdout", "1.5"], capsys)
    assert code == 2 and "--holdout 1.5 must be a number in (0, 1)" in err


def test_cli_holdout_follows(planted_dir, tmp_path, capsys):
    db = str(tmp_path / "cli.lbdb")
    assert run_cli(["--db", db, "load", str(planted_dir), "--json"], capsys)[0] == 0
    code, out, err = run_cli(
        [
            "--db",
            db,
            "analyze",
            "authorities",
            "--holdout-follows",
            "0.2",
            "--interest-source",
            "declared",
            "--min-support",
            "1",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    d = json.loads(out)
    assert {"authority", "most_followed", "cn", "aa", "ppr", "pagerank", "random"} <= set(
        d["methods"]
    )
    assert d["n_hidden"] > 0 and d["k"] == 10
