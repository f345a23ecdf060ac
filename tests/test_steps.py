"""The steps protocol (kernel/steps.py): events, nesting, timing, the demo's lines, the
CLI's rich bars, and the loader / generator / batch recommender reporting through it."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pandas as pd
import pytest

from kernel.steps import LineSteps, RecordingSteps, Steps, as_steps

TINY = Path(__file__).resolve().parents[1] / "examples" / "tiny"


def test_recording_nests_and_times_stages():
    rec = RecordingSteps()
    with rec("outer") as outer:
        with rec("inner", total=4) as inner:
            assert rec.path == ["outer", "inner"] and inner.depth == 1
            inner.advance(3)
            inner.advance()
            time.sleep(0.02)
        assert rec.path == ["outer"]
    assert rec.events == [
        ("start", "outer", None),
        ("start", "inner", 4),
        ("advance", "inner", 3),
        ("advance", "inner", 1),
        ("end", "inner", 4),
        ("end", "outer", 0),
    ]
    assert inner.seconds >= 0.02 and outer.seconds >= inner.seconds
    assert rec.seconds == {"inner": inner.seconds, "outer": outer.seconds}
    assert rec.advanced("inner") == 4 and rec.names() == ["outer", "inner"]


def test_a_stage_that_raises_is_closed_and_timed():
    rec = RecordingSteps()
    with pytest.raises(RuntimeError), rec("boom"):
        raise RuntimeError("x")
    assert rec.events[-1] == ("end", "boom", 0) and "boom" in rec.seconds and rec.path == []


def test_repeated_stage_names_add_up():
    steps = Steps()
    each = []
    for _ in range(3):
        with steps("epoch") as s:
            time.sleep(0.005)
        each.append(s.seconds)
    # the total is the sum of the runs, not the last one (robust to a loaded machine)
    assert steps.seconds["epoch"] == pytest.approx(sum(each))
    assert steps.seconds["epoch"] > max(each) and min(each) >= 0.005


def test_as_steps_gives_a_silent_timer_for_none():
    given = RecordingSteps()
    assert as_steps(given) is given
    silent = as_steps(None)
    assert type(silent) is Steps
    with silent("x", total=2) as s:
        s.advance(2)
    assert s.done == 2 and "x" in silent.seconds


def test_line_steps_print_one_line_per_stage_up_to_max_depth():
    out = io.StringIO()
    steps = LineSteps(out, max_depth=2)
    with steps("network"), steps("export"), steps("too deep"):
        pass
    assert out.getvalue().splitlines() == ["… network", "… network › export"]


def test_rich_steps_run_on_a_non_terminal_console():
    from beautygraph.clikit import RichSteps, cli_steps

    steps = RichSteps()
    with steps("a", total=2) as s, steps("b"):
        s.advance(2)
    assert steps._tasks == {} and set(steps.seconds) == {"a", "b"}
    assert type(cli_steps(json_mode=True)) is Steps  # --json: never a bar


def test_loader_reports_validate_and_one_insert_per_table(store):
    rec = RecordingSteps()
    from graphdb.loader import load_folder

    counts = load_folder(store, TINY, steps=rec)
    assert rec.names() == ["validate", "insert", "commit"]
    tables = len(counts.nodes) + len(counts.relationships)
    assert ("start", "insert", tables) in rec.events and rec.advanced("insert") == tables


def test_generator_advances_once_per_phase_and_week(tmp_path):
    from beautygraph.generate import GeneratorConfig, generate

    rec = RecordingSteps()
    cfg = GeneratorConfig(n_users=60, seed=3, weeks=6)
    generate(cfg, tmp_path, steps=rec)
    assert rec.names() == ["generate"]
    assert rec.events[0] == ("start", "generate", 6 + 6)
    # users, follows, 6 weeks, favourites, text, write, done (no images)
    assert rec.advanced("generate") == 6 + 5


def test_batch_recommender_advances_per_recipient(store):
    from beautygraph.pipelines.recommend import recommend_batch

    ids = [f"u{i}" for i in range(6)]
    store.insert_nodes("User", pd.DataFrame({"id": ids}))
    edges = [(ids[i], ids[(i + 1) % 6]) for i in range(6)]
    store.insert_rels("FOLLOWS", pd.DataFrame(edges, columns=["src", "dst"]))
    rec = RecordingSteps()
    recommend_batch(store, "cn", users=ids[:4], steps=rec)
    assert rec.events[0] == ("start", "cn batch", 4) and rec.advanced("cn batch") == 4
