"""``analyze authorities --holdout-follows``: on a hand-made reciprocal graph the hold-out
hides both directions of a pair, and the header counts what every figure is computed over
(LadybugDB always, Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

import graphdb
from beautygraph.pipelines.alf import evaluate_follow_links
from graphdb.loader import load_folder
from tests.test_recommend_store import run_cli

#: four fans, each following two accounts of its own that follow it back: every follow is
#: reciprocal, only the fans follow two accounts (so only they are drawn), and a share of
#: 0.5 hides one follow of each, which takes the reverse follow with it
FANS = [f"f{i}" for i in range(1, 5)]
ACCOUNTS = {fan: (f"x{2 * i + 1}", f"x{2 * i + 2}") for i, fan in enumerate(FANS)}
FOLLOWS = [(f, x) for f, xs in ACCOUNTS.items() for x in xs] + [
    (x, f) for f, xs in ACCOUNTS.items() for x in xs
]
DECLARED = [("f1", "t1"), ("f2", "t1"), ("f3", "t1"), ("x1", "t1"), ("x3", "t1")]


def _write_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    users = FANS + [x for xs in ACCOUNTS.values() for x in xs]
    pd.DataFrame({"user_id": users, "joined_at": "2024-01-01", "bio": ""}).to_csv(
        folder / "users.csv", index=False
    )
    pd.DataFrame(FOLLOWS, columns=["src", "dst"]).assign(created_at="2024-02-01").to_csv(
        folder / "follows.csv", index=False
    )
    pd.DataFrame({"topic_id": ["t1"], "name": ["knitting"], "aliases": "", "domain": ""}).to_csv(
        folder / "topics.csv", index=False
    )
    pd.DataFrame(DECLARED, columns=["user_id", "topic_id"]).assign(source="declared").to_csv(
        folder / "interests.csv", index=False
    )
    return folder


def _header(text: str) -> tuple[int, int, int, bool]:
    """(users, hidden follows, follows removed, pairs hidden together) of the title."""
    flat = " ".join(text.split())
    m = re.search(r"([\d,]+) users, ([\d,]+) hidden follows", flat)
    removed = re.search(r"([\d,]+) follows removed in all", flat)
    assert m and removed, text
    numbers = (m.group(1), m.group(2), removed.group(1))
    users, hidden, gone = (int(x.replace(",", "")) for x in numbers)
    return users, hidden, gone, "pairs hidden together" in flat


def test_hand_counts():
    assert len(FOLLOWS) == 16 and len({(v, u) for u, v in FOLLOWS} - set(FOLLOWS)) == 0


def test_both_directions_of_each_hidden_follow_are_removed(store, tmp_path):
    load_folder(store, _write_folder(tmp_path / "hand"))
    everyone = evaluate_follow_links(store, 0.5, 3, min_support=0).to_dict()
    assert everyone["reciprocity"] == 1.0 and everyone["reciprocal_pairs_hidden_together"]
    assert (everyone["n_users"], everyone["n_hidden"], everyone["follows_removed"]) == (4, 4, 8)
    assert everyone["users_with_interests"] == 3  # f4 declared nothing
    assert everyone["users_in_graph"] == 12 and everyone["follows_in_graph"] == 16
    two = evaluate_follow_links(store, 0.5, 3, min_support=0, n_users=2).to_dict()
    assert (two["n_users"], two["n_hidden"], two["follows_removed"]) == (2, 2, 4)


def test_cli_header_equals_the_json(tmp_path, capsys):
    db = str(tmp_path / "hand.lbdb")
    with graphdb.connect(db) as s:
        load_folder(s, _write_folder(tmp_path / "hand"))
    args = ["--db", db, "analyze", "authorities", "--holdout-follows", "0.5", "--min-support"]
    for users in ("2", "1000"):
        code, out, err = run_cli([*args, "0", "--users", users, "--json"], capsys)
        assert code == 0, err
        d = json.loads(out)
        assert d["n_users"] == min(int(users), 4) and d["n_hidden"] == d["n_users"]
        assert d["interest_sources"] == ["declared"] and d["share"] == 0.5
        code, text, err = run_cli([*args, "0", "--users", users], capsys)
        assert code == 0, err
        pairs = d["reciprocal_pairs_hidden_together"]
        assert _header(text) == (d["n_users"], d["n_hidden"], d["follows_removed"], pairs)
        assert "authority" in text and f"ΔP vs {d['best_baseline']}" in " ".join(text.split())
    code, out, _ = run_cli(["analyze", "authorities", "--help"], capsys)
    assert code == 0 and "--users" in out and "default: 1000" in out
