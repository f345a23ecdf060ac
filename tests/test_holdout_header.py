"""``analyze authorities --holdout-follows``: the header counts the hidden links recall is
computed over (those of the ``--users`` sample), on a hand-made graph (LadybugDB always,
Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import json
import re

import graphdb
from beautygraph.commands.authorities import holdout_title
from beautygraph.pipelines.alf import evaluate_follow_links
from graphdb.loader import load_folder
from tests.test_interest_sources import DECLARED, FOLLOWS, _write_folder
from tests.test_recommend_store import run_cli

INTERESTED = {u for u, _ in DECLARED}
#: the follow links of users with a declared interest (u1 -> a, u1 -> c, u2..u4 -> a,
#: u5..u8 -> b): 9, of which a share of 0.5 hides round(4.5) = 4
INTERESTED_LINKS = [(u, v) for u, v in FOLLOWS if u in INTERESTED]
HIDDEN = 4


def _header_count(text: str) -> int:
    m = re.search(r"([\d,]+) hidden follow links of ([\d,]+) users", " ".join(text.split()))
    assert m, text
    return int(m.group(1).replace(",", ""))


def test_hand_counts():
    assert len(INTERESTED_LINKS) == 9 and round(0.5 * len(INTERESTED_LINKS)) == HIDDEN


def test_title_counts_the_recall_denominator(store, tmp_path):
    load_folder(store, _write_folder(tmp_path / "hand"))
    everyone = evaluate_follow_links(store, 0.5, 3, min_support=0, max_users=None)
    assert everyone.n_hidden == everyone.n_hidden_all == HIDDEN
    sample = evaluate_follow_links(store, 0.5, 3, min_support=0, max_users=2)
    assert sample.n_users == 2 < sample.n_users_all
    assert sample.n_hidden_all == HIDDEN
    # each user lost one link, u1 (two links) at most two: 2 or 3 of the 4 hidden links
    assert sample.n_hidden in (2, 3)
    for res in (everyone, sample):
        for score in res.scores.values():
            assert score.hidden == res.n_hidden  # recall = hits / n_hidden
        assert _header_count(holdout_title(res, 0.5, ("declared",))) == res.n_hidden


def test_cli_header_equals_json_denominator(tmp_path, capsys):
    db = str(tmp_path / "hand.lbdb")
    with graphdb.connect(db) as s:
        load_folder(s, _write_folder(tmp_path / "hand"))
    args = ["--db", db, "analyze", "authorities", "--holdout-follows", "0.5", "--min-support"]
    for users in ("2", "1000"):
        code, out, err = run_cli([*args, "0", "--users", users, "--json"], capsys)
        assert code == 0, err
        d = json.loads(out)
        assert d["hidden_links_all"] == HIDDEN
        assert {m["hidden"] for m in d["methods"].values()} == {d["hidden_links"]}
        assert d["users"] == (2 if users == "2" else d["users_with_hidden_links"])
        code, text, err = run_cli([*args, "0", "--users", users], capsys)
        assert code == 0, err
        assert _header_count(text) == d["hidden_links"]
    assert d["hidden_links"] == HIDDEN  # every user who lost a link: all 4
    code, out, _ = run_cli(["analyze", "authorities", "--help"], capsys)
    assert code == 0 and "--users" in out and "default: 2000" in out
