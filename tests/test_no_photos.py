"""A real follower graph often has no photos.

The four commands that need a beauty (``analyze network``, ``recommend --method bb``,
``analyze recommenders``, ``analyze matching``) stop with one message that says what the
store holds and every way to get a beauty; ``recommend --method bb`` for one user without
photos says that this is the reason; and every command that needs no beauty runs on a
graph of users, follows, topics and declared interests only.  Both backends.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from beautygraph.cli import cli
from beautygraph.errors import UserError
from graphdb.loader import load_folder
from tests.test_network_store import _random_folder
from tests.test_write_atomicity import snapshot

N_USERS = 30
TOPICS = ("birds", "jazz", "food")


def _photo_less_folder(folder: Path, seed: int = 0) -> Path:
    """users.csv, follows.csv (with dates), topics.csv and interests.csv: no photos."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"u{i:02d}" for i in range(N_USERS)]
    pd.DataFrame({"user_id": ids, "joined_at": "2024-01-01", "bio": ""}).to_csv(
        folder / "users.csv", index=False
    )
    pairs = sorted(
        {(int(a), int(b)) for a, b in rng.integers(0, N_USERS, (N_USERS * 5, 2)) if a != b}
    )
    pd.DataFrame(
        {
            "src": [ids[a] for a, _ in pairs],
            "dst": [ids[b] for _, b in pairs],
            "created_at": [f"2024-02-{1 + (a + b) % 27:02d}" for a, b in pairs],
        }
    ).to_csv(folder / "follows.csv", index=False)
    pd.DataFrame({"topic_id": TOPICS, "name": TOPICS, "aliases": "", "domain": ""}).to_csv(
        folder / "topics.csv", index=False
    )
    seeds = ids[::2]
    pd.DataFrame({"user_id": seeds, "topic_id": [TOPICS[i % 3] for i in range(len(seeds))]}).to_csv(
        folder / "interests.csv", index=False
    )
    return folder


@pytest.fixture
def photo_less(store, tmp_path):
    load_folder(store, _photo_less_folder(tmp_path / "graph"))
    return store


def _says_what_store_holds(message: str, needs: str = "user") -> None:
    assert "0 photos (0 with a beauty score)" in message
    assert f"{N_USERS} users (0 with a beauty)" in message
    assert "photos.csv" in message and "`beautygraph score beauty`" in message
    label = "User" if needs == "user" else "Photo"
    assert f"`beautygraph import-results DIR` with DIR/nodes/{label}.parquet" in message


def test_the_message_names_counts_and_every_way():
    from beautygraph.pipelines.scoring import no_beauty_message

    counts = {"users": 7, "users_with_beauty": 0, "photos": 12, "photos_with_beauty": 0}
    text = no_beauty_message(counts, "analyze network")
    assert "7 users (0 with a beauty) and 12 photos (0 with a beauty score)" in text
    ways = re.findall(r"\((\d)\) ", text)
    assert ways == ["1", "2", "3"]
    assert "`beauty` column in photos.csv" in text
    assert "nodes/User.parquet holding `id, beauty`" in text
    # scored photos but no User.beauty: the one step that is missing
    scored = dict(counts, photos_with_beauty=12)
    assert "`beautygraph score user-beauty`" in no_beauty_message(scored, "analyze network")


def test_beauty_commands_say_what_the_store_holds(photo_less):
    from beautygraph.pipelines.matching import analyze_matching
    from beautygraph.pipelines.network import analyze_network
    from beautygraph.pipelines.recommend import (
        recommend_batch,
        recommend_user,
        simulate_recommenders,
    )
    from beautygraph.pipelines.spark_jobs import recommend_spark

    store = photo_less
    before = snapshot(store)
    calls = {
        "analyze network": (lambda: analyze_network(store, n_null=0), "user"),
        "recommend --method bb": (lambda: recommend_user(store, "u01", "bb"), "user"),
        "recommend --method bb ": (lambda: recommend_batch(store, "bb"), "user"),
        # the Spark engine refuses before it exports anything (no Spark needed here)
        "recommend --method bb  ": (lambda: recommend_spark(store, "bb"), "user"),
        "analyze recommenders": (lambda: simulate_recommenders(store), "user"),
        "analyze matching": (lambda: analyze_matching(store), "photo"),
    }
    for command, (call, needs) in calls.items():
        with pytest.raises(UserError) as info:
            call()
        message = str(info.value)
        assert f"`beautygraph {command.strip()}` needs" in message, message
        _says_what_store_holds(message, needs)
    assert snapshot(store) == before


def test_bb_for_a_user_without_photos_says_why(store, tmp_path):
    """After analyze network, a user who posted nothing still has no beauty: say so."""
    from beautygraph.pipelines.network import analyze_network
    from beautygraph.pipelines.recommend import recommend_user

    _random_folder(tmp_path / "d", seed=3, n_users=40)  # the last 8 users post nothing
    load_folder(store, tmp_path / "d")
    analyze_network(store, seed=1, n_null=0, gap_refs=2)
    with pytest.raises(UserError) as info:
        recommend_user(store, "u039", "bb")
    message = str(info.value)
    assert "'u039' posted no photos" in message
    assert "analyze network" not in message
    assert "import-results" in message and "cn, aa and authority need no beauty" in message
    assert "--" not in message  # the pipeline names parameters; the CLI names its flags
    assert recommend_user(store, "u000", "bb")  # a user with photos is answered


def test_commands_that_need_no_beauty_run_on_a_photo_less_graph(photo_less):
    from beautygraph.pipelines.alf import run_authorities
    from beautygraph.pipelines.propagation import run_propagation
    from beautygraph.pipelines.recommend import recommend_batch, recommend_user

    store = photo_less
    run = run_authorities(store, interest_sources=("declared",), min_support=0)
    assert run is not None
    prop = run_propagation(store, sources=("declared",), method="vote", top=2)
    assert prop.written > 0
    for method in ("cn", "aa", "authority"):
        recommend_user(store, "u01", method)
    assert recommend_batch(store, "cn", write=True).written > 0
    assert store.run("user_info", user="u01")


def _cli_db(store) -> str:
    """The --db of the store behind the fixture (the embedded one is closed first)."""
    if store.dialect == "neo4j":
        return os.environ["NEO4J_URI"]
    store.close()
    return str(store.path)


@pytest.mark.parametrize(
    "args",
    [
        ["authorities", "--interest-source", "declared", "--min-support", "0"],
        ["analyze", "authorities", "--interest-source", "declared", "--holdout-follows", "0.2"],
        ["interests", "propagate", "--interest-source", "declared", "--method", "vote"],
        ["recommend", "u01", "--method", "cn"],
        ["recommend", "u01", "--method", "aa"],
        ["recommend", "--all", "--method", "aa", "--write"],
        ["query", "user_info", "-p", "user=u01"],
        ["stats"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_cli_without_beauty_runs(photo_less, args):
    db = _cli_db(photo_less)
    res = CliRunner().invoke(cli, ["--db", db, "--quiet", *args])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", "network", "--null", "0"],
        ["recommend", "u01", "--method", "bb"],
        ["analyze", "recommenders"],
        ["analyze", "matching"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_cli_beauty_commands_give_one_message(photo_less, tmp_path, args, capsys):
    from beautygraph.cli import main

    db = _cli_db(photo_less)
    if args[:2] == ["analyze", "network"] or args[:2] == ["analyze", "matching"]:
        args = [*args, "--out", str(tmp_path / "out")]
    with pytest.raises(SystemExit) as info:
        main(["--db", db, "--quiet", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error: no ")
    text = " ".join(err.split())
    assert "0 photos (0 with a beauty score)" in text
    assert "import-results" in text


def test_imported_beauty_without_photos(photo_less, tmp_path):
    """An imported User.beauty serves bb; analyze network says why it needs photos too,
    and keeps the imported beauty."""
    from beautygraph.pipelines.network import analyze_network
    from beautygraph.pipelines.recommend import recommend_batch, recommend_user
    from tests.test_write_atomicity import _import_user_beauty, _stored_beauty

    store = photo_less
    imported = _import_user_beauty(store, tmp_path / "results")
    assert recommend_user(store, "u01", "bb", tolerance=1.0) is not None
    assert recommend_batch(store, "bb", tolerance=1.0).n_users == N_USERS
    before = snapshot(store)
    with pytest.raises(UserError, match=f"{N_USERS} users have a beauty, but none of them"):
        analyze_network(store, n_null=0)
    assert snapshot(store) == before
    assert _stored_beauty(store) == imported
