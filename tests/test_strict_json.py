"""Strict JSON everywhere: NaN / ±inf become null in every ``--json`` output and file."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from beautygraph import strict_json
from beautygraph.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_dumps_writes_null_for_non_finite_values():
    obj = {"a": float("nan"), "b": [np.inf, -np.inf, np.float32(1.5)], "c": np.array([np.nan])}
    text = strict_json.dumps(obj)
    assert strict_json.loads_strict(text) == {"a": None, "b": [None, None, 1.5], "c": [None]}
    with pytest.raises(ValueError, match="not strict JSON"):
        strict_json.loads_strict('{"beauty": NaN}')
    with pytest.raises(TypeError, match="not JSON serialisable"):
        strict_json.dumps({"x": object()})


def test_no_module_writes_json_around_the_shared_encoder():
    """Every JSON writer in the package goes through beautygraph/strict_json.py."""
    offenders = []
    for path in sorted((ROOT / "beautygraph").rglob("*.py")):
        if path.name == "strict_json.py":
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bjson\.(dumps?|dump)\(", line):
                offenders.append(f"{path.relative_to(ROOT)}:{i}")
    assert offenders == []


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    root = tmp_path_factory.mktemp("strict")
    runner = CliRunner()
    gen = runner.invoke(
        cli, ["generate", "--users", "120", "--seed", "3", "--out", str(root / "d"), "--json"]
    )
    assert gen.exit_code == 0, gen.output
    strict_json.loads_strict(gen.output)
    strict_json.loads_strict((root / "d" / "truth.json").read_text())
    db = str(root / "db.lbdb")
    load = runner.invoke(cli, ["--db", db, "load", str(root / "d"), "--json"])
    assert load.exit_code == 0, load.output
    strict_json.loads_strict(load.output)
    return root, db


def _json(runner: CliRunner, args: list[str]):
    res = runner.invoke(cli, args)
    assert res.exit_code == 0, (args, res.output)
    return strict_json.loads_strict(res.output)


def test_every_command_prints_strict_json(community):
    root, db = community
    runner = CliRunner()
    _json(runner, ["--db", db, "stats", "--json"])
    net = _json(
        runner,
        [
            "--db",
            db,
            "analyze",
            "network",
            "--out",
            str(root / "net"),
            "--null",
            "20",
            "--no-plots",
            "--json",
        ],
    )
    strict_json.loads_strict((root / "net" / "network.json").read_text())
    assert "nulls" in net
    # a user without photos has no beauty: null, not NaN (the bug this guards against)
    import pandas as pd

    photos = pd.read_csv(root / "d" / "photos.csv", usecols=["owner"])
    users = pd.read_csv(root / "d" / "users.csv", usecols=["user_id"])
    silent = sorted(set(users.user_id) - set(photos.owner))
    assert silent, "the generated community should have a user without photos"
    rows = _json(runner, ["--db", db, "query", "user_info", "-p", f"user={silent[0]}", "--json"])
    assert rows and rows[0]["beauty"] is None
    recs = _json(runner, ["--db", db, "analyze", "recommenders", "--sample", "30", "--json"])
    assert isinstance(recs, dict)
    for value in _leaves(recs):
        assert not (isinstance(value, float) and not math.isfinite(value))


def _leaves(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _leaves(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _leaves(v)
    else:
        yield obj


def _strict_leaves(payload) -> None:
    for value in _leaves(payload):
        assert not (isinstance(value, float) and not math.isfinite(value))


def test_the_other_commands_print_strict_json(community, tmp_path):
    """authorities, the propagation and recommendation commands and score user-beauty on
    the same small community: every output parses strictly (NaN/inf would be refused)."""
    root, db = community
    runner = CliRunner()
    import pandas as pd

    user = str(pd.read_csv(root / "d" / "users.csv", usecols=["user_id"]).user_id.iloc[0])
    commands = [
        ["score", "user-beauty", "--json"],
        ["authorities", "--min-support", "0", "--json"],
        ["analyze", "authorities", "--holdout-follows", "0.2", "--json"],
        ["recommend", user, "--method", "bb", "--json"],
        ["recommend", user, "--method", "authority", "--json"],
        ["recommend", "--sample", "20", "--method", "aa", "--json"],
        ["interests", "propagate", "--method", "vote", "--json"],
        ["analyze", "propagation", "--repeats", "1", "--out", str(tmp_path), "--json"],
    ]
    for args in commands:
        _strict_leaves(_json(runner, ["--db", db, *args]))
