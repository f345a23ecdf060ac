"""Malformed input: a clear ``file:line: column: problem (value)`` message, exit 2, and the
database exactly as it was."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from beautygraph.cli import cli
from graphdb.errors import ValidationFailed
from graphdb.loader import load_folder
from tests.conftest import TINY


def _append(path, text):
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def _edit_csv(path, fn):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = fn(df)
    df.to_csv(path, index=False)


# (id, mutation of the tiny folder, expected message fragment)
CASES = [
    (
        "missing-users",
        lambda d: (d / "users.csv").unlink(),
        "users.csv:0: -: missing: this file is mandatory",
    ),
    (
        "missing-required-column",
        lambda d: _edit_csv(d / "follows.csv", lambda f: f.drop(columns="dst")),
        "follows.csv:1: dst: required column missing (['src', 'created_at'])",
    ),
    (
        "duplicate-user-id",
        lambda d: _append(d / "users.csv", "bob,2024-05-01,again\n"),
        "users.csv:8: user_id: duplicate id ('bob, first at line 3')",
    ),
    (
        "empty-user-id",
        lambda d: _append(d / "users.csv", ",2024-05-01,nobody\n"),
        "users.csv:8: user_id: empty id ('')",
    ),
    (
        "bad-join-date",
        lambda d: _append(d / "users.csv", "zed,yesterday,hi\n"),
        "users.csv:8: joined_at: unparsable date (expected ISO 8601) ('yesterday')",
    ),
    (
        "follow-unknown-user",
        lambda d: _append(d / "follows.csv", "alice,ghost,2024-02-01\n"),
        "follows.csv:14: dst: unknown user ('ghost')",
    ),
    (
        "self-follow",
        lambda d: _append(d / "follows.csv", "erin,erin,2024-02-01\n"),
        "follows.csv:14: dst: self-follow ('erin')",
    ),
    (
        "duplicate-follow",
        lambda d: _append(d / "follows.csv", "alice,bob,2024-03-01\n"),
        "follows.csv:14: src: duplicate row ('alice -> bob')",
    ),
    (
        "bad-follow-date",
        lambda d: _append(d / "follows.csv", "erin,alice,2024-13-45\n"),
        "follows.csv:14: created_at: unparsable date (expected ISO 8601) ('2024-13-45')",
    ),
    (
        "beauty-out-of-range",
        lambda d: _append(d / "photos.csv", "p10,bob,2024-01-09,,birds,1.5\n"),
        "photos.csv:11: beauty: outside [0, 1] ('1.5')",
    ),
    (
        "beauty-not-a-number",
        lambda d: _append(d / "photos.csv", "p10,bob,2024-01-09,,birds,pretty\n"),
        "photos.csv:11: beauty: not a number ('pretty')",
    ),
    (
        "photo-unknown-owner",
        lambda d: _append(d / "photos.csv", "p10,nobody,2024-01-09,,birds,0.5\n"),
        "photos.csv:11: owner: unknown user (owner) ('nobody')",
    ),
    (
        "duplicate-photo-id",
        lambda d: _append(d / "photos.csv", "p1,bob,2024-01-09,,birds,0.5\n"),
        "photos.csv:11: photo_id: duplicate id ('p1, first at line 2')",
    ),
    (
        "favorite-unknown-photo",
        lambda d: _append(d / "favorites.csv", "bob,p404,2024-02-01\n"),
        "favorites.csv:12: photo_id: unknown photo ('p404')",
    ),
    (
        "topic-bad-domain",
        lambda d: _append(d / "topics.csv", "cats,cats,kitty,Pets\n"),
        "topics.csv:8: domain: not one of the allowed values (34) ('Pets')",
    ),
    (
        "interest-unknown-topic",
        lambda d: (d / "interests.csv").write_text(
            "user_id,topic_id,source\nalice,quantum,declared\n"
        ),
        "interests.csv:2: topic_id: unknown topic ('quantum')",
    ),
    (
        "interest-bad-source",
        lambda d: (d / "interests.csv").write_text("user_id,topic_id,source\nalice,food,gossip\n"),
        "interests.csv:2: source: not one of the allowed values (5) ('gossip')",
    ),
    (
        "non-utf8",
        lambda d: (d / "users.csv").write_bytes(
            (TINY / "users.csv").read_bytes() + b"zed,2024-05-01,caf\xe9\n"
        ),
        "users.csv:8: -: not valid UTF-8 text (b'\\xe9\\n')",
    ),
    (
        "empty-file",
        lambda d: (d / "follows.csv").write_text(""),
        "follows.csv:1: -: empty file (no header line)",
    ),
    (
        "csv-and-parquet",
        lambda d: pd.read_csv(d / "users.csv").to_parquet(d / "users.parquet"),
        "users.csv:0: -: both users.csv and users.parquet exist; keep one",
    ),
    (
        "group-empty-id",
        lambda d: (d / "groups.csv").write_text("user_id,group_id,joined_at\nalice,,2024-01-01\n"),
        "groups.csv:2: group_id: empty id ('')",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_and_nothing_changes(store, tiny_dir, case):
    _, mutate, message = case
    load_folder(store, TINY)
    before = store.counts()
    mutate(tiny_dir)
    with pytest.raises(ValidationFailed) as info:
        load_folder(store, tiny_dir)
    assert message in info.value.problems
    assert store.counts() == before


def test_bad_input_on_an_empty_store_writes_nothing(store, tiny_dir):
    empty = store.counts()
    _append(tiny_dir / "follows.csv", "alice,ghost,2024-02-01\n")
    with pytest.raises(ValidationFailed):
        load_folder(store, tiny_dir)
    assert store.counts() == empty


def test_many_problems_show_the_first_20_and_the_total(store, tiny_dir):
    _append(tiny_dir / "follows.csv", "".join(f"alice,ghost{i},2024-02-01\n" for i in range(30)))
    with pytest.raises(ValidationFailed) as info:
        load_folder(store, tiny_dir)
    text = str(info.value)
    assert text.startswith("30 problem(s) in the input; the database was not changed")
    assert "follows.csv:14: dst: unknown user ('ghost0')" in text
    assert "… and 10 more" in text
    assert "ghost25" not in text


def test_cli_prints_one_clear_message_and_exits_2(tmp_path, tiny_dir):
    db = str(tmp_path / "cli.lbdb")
    runner = CliRunner()
    ok = runner.invoke(cli, ["--db", db, "load", str(TINY), "--json"])
    assert ok.exit_code == 0, ok.output
    _append(tiny_dir / "users.csv", "zed,yesterday,hi\n")
    from beautygraph.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db, "load", str(tiny_dir)])
    assert exit_info.value.code == 2
    stats = runner.invoke(cli, ["--db", db, "stats", "--json"])
    assert '"User": 6' in stats.output
