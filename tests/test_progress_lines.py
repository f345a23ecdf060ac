"""Progress where stderr is not a terminal (CI, ``nohup``, a pipe): one plain line when a
stage starts, at most one progress line per 10 s while it runs, one when it ends with its
seconds; nothing with ``--quiet`` / ``--json``; rich bars only on a terminal.  And the
commit of ``load`` is a stage of its own."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graphdb.ladybug_store import LadybugStore
from graphdb.loader import load_folder
from kernel.steps import LogSteps, RecordingSteps, Steps
from tests.conftest import TINY

ROOT = Path(__file__).resolve().parents[1]
SECONDS = r"\d+\.\d s"


def _load(tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    """``beautygraph load examples/tiny OPTIONS`` in a real process, stderr a pipe."""
    return subprocess.run(
        [sys.executable, "-m", "beautygraph.cli", "--db", str(tmp_path / "p.lbdb"), "load",
         str(TINY), *options],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def test_a_load_into_a_pipe_prints_each_stage_start_and_end(tmp_path):
    proc = _load(tmp_path)
    assert proc.returncode == 0, proc.stderr
    files = len(list(TINY.glob("*.csv")))
    # Topic, User, Photo; FOLLOWS, POSTED, FAVORITED and the derived TAGGED
    tables = 7
    expected = [
        rf"loading {re.escape(str(TINY))}",
        r"… validate",
        rf"✓ validate: {2 * files}/{2 * files} in {SECONDS}",
        r"… insert",
        rf"✓ insert: {tables}/{tables} in {SECONDS}",
        r"… commit",
        rf"✓ commit in {SECONDS}",
    ]
    lines = proc.stderr.splitlines()
    assert len(lines) == len(expected), proc.stderr
    for line, pattern in zip(lines, expected, strict=True):
        assert re.fullmatch(pattern, line), (line, pattern)


@pytest.mark.parametrize("option", ["--quiet", "--json"])
def test_quiet_and_json_print_no_progress(tmp_path, option):
    proc = _load(tmp_path, option)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_long_stage_prints_at_most_one_progress_line_per_ten_seconds():
    clock, out = Clock(), io.StringIO()
    steps = LogSteps(out, clock=clock)
    with steps("work", total=95) as stage:
        for second in range(1, 96):  # one unit per second for 95 s
            clock.now = float(second)
            stage.advance()
    lines = out.getvalue().splitlines()
    assert lines[0] == "… work" and re.fullmatch(rf"✓ work: 95/95 in {SECONDS}", lines[-1])
    progress = [re.fullmatch(r"… work: (\d+)/95 \((\d+) %\), (\d+) s", x) for x in lines[1:-1]]
    assert all(progress), lines
    shown = [(int(m[1]), int(m[3])) for m in progress if m]
    # a line once 10 s have passed since the start or the last line: at 10, 20, … 90 s
    assert shown == [(10 * k, 10 * k) for k in range(1, 10)]
    assert [int(m[2]) for m in progress if m] == [round(100 * d / 95) for d, _ in shown]


def test_a_burst_of_progress_within_ten_seconds_prints_only_start_and_end():
    clock, out = Clock(), io.StringIO()
    steps = LogSteps(out, clock=clock)
    with steps("quick", total=1000) as stage:
        for i in range(1000):
            clock.now = i * 0.0099  # 9.9 s in all
            stage.advance()
    assert len(out.getvalue().splitlines()) == 2


def test_a_stage_without_total_and_a_failed_stage():
    clock, out = Clock(), io.StringIO()
    steps = LogSteps(out, clock=clock)
    with pytest.raises(RuntimeError), steps("scan") as stage:
        clock.now = 12.0
        stage.advance(5)
        raise RuntimeError("boom")
    assert out.getvalue().splitlines()[:2] == ["… scan", "… scan: 5 done, 12 s"]
    assert re.fullmatch(rf"✗ scan: 5 done stopped after {SECONDS}", out.getvalue().splitlines()[2])


def test_nested_stages_are_labelled_and_cut_at_max_depth():
    out = io.StringIO()
    steps = LogSteps(out, max_depth=2)
    with steps("section"), steps("export"), steps("too deep"):
        pass
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["… section", "… section › export"]
    assert [x.split(" in ")[0] for x in lines[2:]] == ["✓ section › export", "✓ section"]


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_the_cli_picks_bars_on_a_terminal_lines_in_a_log_and_silence_when_asked(monkeypatch):
    from beautygraph.clikit import RichSteps, cli_steps

    monkeypatch.setattr(sys, "stderr", _Stream(tty=True))
    assert isinstance(cli_steps(json_mode=False), RichSteps)
    monkeypatch.setattr(sys, "stderr", _Stream(tty=False))
    assert isinstance(cli_steps(json_mode=False), LogSteps)
    for steps in (cli_steps(json_mode=True), cli_steps(json_mode=False, quiet=True)):
        assert type(steps) is Steps


def test_the_load_commits_inside_its_own_commit_stage(store, monkeypatch):
    rec = RecordingSteps()
    seen: list[list[str]] = []
    if store.atomic_load:
        execute = LadybugStore._execute

        def spy(self, text, params=None):
            if text == "COMMIT":
                seen.append(rec.path)
            return execute(self, text, params)

        monkeypatch.setattr(LadybugStore, "_execute", spy)
    load_folder(store, TINY, steps=rec)
    assert rec.names() == ["validate", "insert", "commit"]
    assert rec.events[-2:] == [("start", "commit", None), ("end", "commit", 0)]
    if store.atomic_load:  # LadybugDB's one COMMIT runs while the stage is open
        assert seen == [["commit"]]


_ALLOCATE = """
import io, numpy as np
from kernel.steps import LogSteps
out = io.StringIO()
steps = LogSteps(out, memory=True)
status = open("/proc/self/status").read().split("VmRSS:")[1].split()
before = int(status[0]) / 1024  # resident now, MiB
with steps("allocate") as stage:
    block = np.ones(300 * 2**20 // 8)  # 300 MiB, every page touched
    del block
with steps("idle"):
    pass
print(before)
print(stage.peak_rss_mb)
print(steps.peak_rss_mb["allocate"])
print(out.getvalue(), end="")
"""


def test_memory_lines_show_the_peak_a_stage_reached():
    """A planted 300 MiB allocation inside a stage is in the peak its end line shows (at
    least the memory resident before it plus the block); the next stage's peak does not
    fall."""
    proc = subprocess.run(
        [sys.executable, "-c", _ALLOCATE], capture_output=True, text=True, cwd=ROOT,
        timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    before, peak, recorded, *lines = proc.stdout.splitlines()
    assert float(peak) >= float(before) + 290 and float(recorded) == float(peak)
    shown = [re.fullmatch(rf"✓ (\w+) in {SECONDS}, peak RSS ([\d,]+) MiB", x) for x in lines[1::2]]
    assert all(shown), lines
    values = {m.group(1): int(m.group(2).replace(",", "")) for m in shown if m}
    assert abs(values["allocate"] - float(peak)) <= 1 and values["idle"] >= values["allocate"]


def test_stage_lines_have_no_memory_unless_asked():
    out = io.StringIO()
    with LogSteps(out)("plain"):
        pass
    assert "peak RSS" not in out.getvalue()


def test_bars_with_memory_leave_one_line_per_stage_with_its_label():
    """On a terminal the bars are transient; with memory each closed stage of the first two
    levels leaves its full label, time and peak memory (the third level stays silent)."""
    from beautygraph.clikit import RichSteps

    steps = RichSteps(memory=True)
    shown = io.StringIO()
    steps._bar.console.file = shown
    with steps("outer"), steps("inner"), steps("deepest"):
        pass
    lines = [x for x in shown.getvalue().splitlines() if x.strip()]
    assert [x.split(" in ")[0] for x in lines] == ["✓ outer › inner", "✓ outer"], lines
    assert all(re.search(rf" in {SECONDS}, peak RSS [\d,]+ MiB$", x) for x in lines), lines
