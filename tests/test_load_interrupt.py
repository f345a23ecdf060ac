"""Ctrl-C during ``beautygraph load``: the message must say what the store then holds.

A folder is loaded, then a bigger one (three new users, four new follows) is loaded and
interrupted in each stage: during validation, before and after each insert, before the
commit, during the commit and after it, and once the loader has returned.  Each time the
store's counts are compared with what the message says: nothing (LadybugDB rolls the
transaction back), the batches committed so far (Neo4j, where a re-run then completes
the load without duplicates), or the complete load.  Interruptions are injected at the
progress events, and real SIGINTs are sent to this process and to a real
``beautygraph load`` process paused at a stage.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import graphdb
from beautygraph.cli import main
from graphdb.errors import GraphDBError, LoadInterrupted
from graphdb.ladybug_store import LadybugStore
from graphdb.loader import load_folder
from kernel.steps import RecordingSteps, Step
from tests.conftest import BACKENDS, TINY

ROOT = Path(__file__).resolve().parents[1]

NEW_USERS = ["nadia", "omar", "pia"]
NEW_FOLLOWS = [("nadia", "alice"), ("omar", "nadia"), ("pia", "bob"), ("alice", "pia")]
#: what loading the bigger folder adds, counted by hand from the rows above
ADDED = {"User": len(NEW_USERS), "FOLLOWS": len(NEW_FOLLOWS)}

NOTHING = "interrupted: nothing was written"
COMPLETE = "interrupted after the load was committed: it is complete"


@pytest.fixture
def bigger_dir(tiny_dir) -> Path:
    """``examples/tiny`` plus three users and four follows."""
    with open(tiny_dir / "users.csv", "a", encoding="utf-8") as f:
        f.writelines(f"{u},2024-03-01,new here\n" for u in NEW_USERS)
    with open(tiny_dir / "follows.csv", "a", encoding="utf-8") as f:
        f.writelines(f"{a},{b},2024-03-02\n" for a, b in NEW_FOLLOWS)
    return tiny_dir


def _flat(counts: dict) -> dict[str, int]:
    return {**counts["nodes"], **counts["relationships"]}


def _plus(before: dict, added: dict[str, int]) -> dict[str, int]:
    flat = _flat(before)
    return {k: n + added.get(k, 0) for k, n in flat.items()}


def _said(message: str) -> dict[str, int]:
    """The ``Label +n`` counts a message names."""
    return {k: int(n.replace(",", "")) for k, n in re.findall(r"(\w+) \+([\d,]+)", message)}


def _duplicate_follows(store) -> int:
    rows = store.query(
        "MATCH (a:User)-[r:FOLLOWS]->(b:User) WITH a, b, count(r) AS n WHERE n > 1 "
        "RETURN count(*) AS pairs"
    )
    return int(rows[0]["pairs"])


def _check_message_against_store(message: str, before: dict, now: dict) -> str:
    """What the message claims, checked against the counts; returns the claim."""
    if message.startswith(NOTHING):
        assert _flat(now) == _flat(before), message
        return "nothing"
    if message.startswith(COMPLETE):
        assert _flat(now) == _plus(before, ADDED), message
        assert _said(message) == ADDED
        return "complete"
    assert message.startswith("interrupted while writing: these rows were committed"), message
    assert _flat(now) == _plus(before, _said(message)), message
    assert "run the same load again" in message
    return "partial"


class InterruptAt(RecordingSteps):
    """Raises KeyboardInterrupt at the ``nth`` event ``(kind, stage)``, as a Ctrl-C
    between two statements would."""

    def __init__(self, kind: str, stage: str, nth: int = 1) -> None:
        super().__init__()
        self._at, self._left = (kind, stage), nth

    def _hit(self, kind: str, step: Step) -> None:
        if (kind, step.name) == self._at:
            self._left -= 1
            if self._left == 0:
                raise KeyboardInterrupt

    def _started(self, step: Step) -> None:
        super()._started(step)
        self._hit("start", step)

    def _advanced(self, step: Step, n: int) -> None:
        super()._advanced(step, n)
        self._hit("advance", step)

    def _finished(self, step: Step) -> None:
        super()._finished(step)
        self._hit("end", step)


# stage event -> what the store holds after it on (LadybugDB, Neo4j); the insert stage
# advances once per table: Topic, User, Photo, then FOLLOWS … TAGGED (7 in all)
CASES = {
    "validate, first file read": (("advance", "validate", 1), "nothing", "nothing"),
    "validate, last check": (("advance", "validate", 10), "nothing", "nothing"),
    "insert starts": (("start", "insert", 1), "nothing", "nothing"),
    "after the User insert": (("advance", "insert", 2), "nothing", "partial"),
    "after the last insert": (("advance", "insert", 7), "nothing", "partial"),
    "commit starts": (("start", "commit", 1), "nothing", "partial"),
    "commit done": (("end", "commit", 1), "complete", "complete"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_interruption_in_each_stage_is_reported_as_the_store_holds_it(store, bigger_dir, case):
    load_folder(store, TINY)
    before = store.counts()
    (kind, stage, nth), on_ladybug, on_neo4j = CASES[case]
    with pytest.raises(LoadInterrupted) as info:
        load_folder(store, bigger_dir, steps=InterruptAt(kind, stage, nth))
    claim = _check_message_against_store(str(info.value), before, store.counts())
    assert claim == (on_ladybug if store.atomic_load else on_neo4j)
    if claim == "partial":
        assert _said(str(info.value)).items() <= ADDED.items()
    load_folder(store, bigger_dir)  # a re-run completes the load, adding nothing twice
    assert _flat(store.counts()) == _plus(before, ADDED)
    assert _duplicate_follows(store) == 0


def test_a_sigint_while_the_commit_runs_leaves_the_load_complete_and_says_so(
    tmp_path, bigger_dir, monkeypatch
):
    """LadybugDB finishes a commit that SIGINT arrives during, then raises
    KeyboardInterrupt; the signal is sent here right as the COMMIT statement returns."""
    store = graphdb.connect(tmp_path / "s.lbdb")
    load_folder(store, TINY)
    before = store.counts()
    # whatever handler the process has (a library such as pyspark may install its own) is
    # the one the loader must give back after holding SIGINT during the commit
    handler = signal.getsignal(signal.SIGINT)
    execute = LadybugStore._execute

    def commit_then_signal(self, text, params=None):
        result = execute(self, text, params)
        if text == "COMMIT":
            os.kill(os.getpid(), signal.SIGINT)
        return result

    monkeypatch.setattr(LadybugStore, "_execute", commit_then_signal)
    with pytest.raises(LoadInterrupted) as info:
        load_folder(store, bigger_dir)
    monkeypatch.undo()
    assert _check_message_against_store(str(info.value), before, store.counts()) == "complete"
    assert signal.getsignal(signal.SIGINT) is handler
    store.close()


def test_a_driver_error_raised_by_the_interruption_is_reported_as_the_interruption(
    store, bigger_dir, monkeypatch
):
    """Ctrl-C while the Neo4j driver sends a batch leaves half a message on the wire;
    closing the session then fails with the server's protocol error ("Illegal value for
    field params"), which replaces the KeyboardInterrupt.  Imitated here on both backends:
    the store error is raised while the KeyboardInterrupt is being handled."""
    load_folder(store, TINY)
    before = store.counts()

    def broken_connection(*_args, **_kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            try:
                raise RuntimeError('Illegal value for field "params"')
            except RuntimeError as exc:
                raise GraphDBError(f"query failed: {exc}") from exc

    monkeypatch.setattr(type(store), "_insert_rels", broken_connection)
    with pytest.raises(LoadInterrupted) as info:
        load_folder(store, bigger_dir)
    monkeypatch.undo()
    claim = _check_message_against_store(str(info.value), before, store.counts())
    assert claim == ("nothing" if store.atomic_load else "partial")
    load_folder(store, bigger_dir)
    assert _flat(store.counts()) == _plus(before, ADDED) and _duplicate_follows(store) == 0


@pytest.fixture(params=BACKENDS)
def db_uri(request, tmp_path):
    """A store address for a CLI run (the CLI opens and closes the store itself)."""
    if request.param == "ladybug":
        yield str(tmp_path / "cli.lbdb")
        return
    uri = os.environ["NEO4J_URI"]
    with graphdb.connect(uri) as s:
        s.clear()
    yield uri
    with graphdb.connect(uri) as s:
        s.clear()


def _counts(uri: str) -> dict:
    with graphdb.connect(uri) as s:
        return s.counts()


def test_an_interruption_after_the_loader_returned_says_the_load_is_complete(
    db_uri, bigger_dir, monkeypatch, capsys
):
    import beautygraph.pipelines.load as pipeline

    with graphdb.connect(db_uri) as s:
        load_folder(s, TINY)
    before = _counts(db_uri)
    real = pipeline.load_folder

    def load_then_interrupt(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt  # Ctrl-C while the totals are being counted

    monkeypatch.setattr(pipeline, "load_folder", load_then_interrupt)
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db_uri, "load", str(bigger_dir)])
    assert exit_info.value.code == 130
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert message.startswith(COMPLETE)
    assert _flat(_counts(db_uri)) == _plus(before, ADDED)


def test_an_interrupted_first_load_removes_the_new_database_and_says_nothing_was_written(
    tmp_path, bigger_dir, monkeypatch, capsys
):
    """Even after the commit: a first load that does not finish leaves no database."""
    import graphdb.loader as loader

    monkeypatch.setattr(loader, "as_steps", lambda _steps: InterruptAt("end", "commit"))
    db = tmp_path / "first.lbdb"
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db), "load", str(bigger_dir)])
    assert exit_info.value.code == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == NOTHING
    assert list(tmp_path.glob("first.lbdb*")) == []


# -- a real SIGINT to a real `beautygraph load` ---------------------------------------------

#: run in the child: pause at a stage (print a marker, then sleep) and run the CLI
CHILD = textwrap.dedent(
    """
    import sys, time
    import graphdb.validate
    from graphdb.ladybug_store import LadybugStore
    from graphdb.neo4j_store import Neo4jStore

    stage, args = sys.argv[1], sys.argv[2:]

    def pause():
        print("PAUSED", file=sys.stderr, flush=True)
        time.sleep(float({wait}))

    def pause_before(owner, name):
        real = getattr(owner, name)
        def wrapped(*a, **k):
            pause()
            return real(*a, **k)
        setattr(owner, name, wrapped)

    if stage == "validate":
        pause_before(graphdb.validate, "read_table")
    elif stage == "insert":  # before the first relationship table, after the nodes
        pause_before(LadybugStore, "_insert_rels")
        pause_before(Neo4jStore, "_insert_rels")
    elif stage == "commit":  # right after LadybugDB's COMMIT statement returned
        real = LadybugStore._execute
        def execute(self, text, params=None):
            result = real(self, text, params)
            if text == "COMMIT":
                pause()
            return result
        LadybugStore._execute = execute

    from beautygraph.cli import main
    main(args)
    """
)

REAL_CASES = [
    ("ladybug", "validate", "nothing"),
    ("ladybug", "insert", "nothing"),
    ("ladybug", "commit", "complete"),
    ("neo4j", "validate", "nothing"),
    ("neo4j", "insert", "partial"),
]


@pytest.mark.parametrize(
    ("backend", "stage", "claim"),
    [
        pytest.param(*case, marks=pytest.mark.neo4j) if case[0] == "neo4j" else case
        for case in REAL_CASES
    ],
    ids=[f"{b}-{s}" for b, s, _ in REAL_CASES],
)
def test_a_real_sigint_to_a_real_load_is_reported_as_the_store_holds_it(
    tmp_path, bigger_dir, backend, stage, claim
):
    if backend == "neo4j" and "NEO4J_URI" not in os.environ:
        pytest.skip("NEO4J_URI is not set")
    uri = str(tmp_path / "real.lbdb") if backend == "ladybug" else os.environ["NEO4J_URI"]
    with graphdb.connect(uri) as s:
        if backend == "neo4j":
            s.clear()
        load_folder(s, TINY)
        before = s.counts()
    # the pause must outlast the parent's reaction; during the commit it is held through
    wait = 5 if stage == "commit" else 60
    script = tmp_path / "child.py"
    script.write_text(CHILD.replace("{wait}", str(wait)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(script), stage, "--db", uri, "load", str(bigger_dir)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        seen = []
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            if line.strip() == "PAUSED":
                proc.send_signal(signal.SIGINT)
                break
        else:
            pytest.fail(f"the load never paused: {''.join(seen)}")
        started = time.monotonic()
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - started < wait + 30  # it stopped, it did not sleep it out
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    message = err.strip().splitlines()[-1]
    with graphdb.connect(uri) as s:
        assert _check_message_against_store(message, before, s.counts()) == claim
        load_folder(s, bigger_dir)  # and a re-run completes it, adding nothing twice
        assert _flat(s.counts()) == _plus(before, ADDED) and _duplicate_follows(s) == 0
        if backend == "neo4j":
            s.clear()
