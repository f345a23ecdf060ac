"""Benchmark: each load as a ratio to its engine's own best, measured in the same run.

**Embedded (LadybugDB).** ``graphdb.connect`` + :func:`graphdb.loader.load_folder` (the
whole validation, the new-row check, ``COPY`` from Arrow inside one transaction, the
commit) against a bare LadybugDB ``COPY`` of the same CSV files (two ``CREATE … TABLE``,
two ``COPY … FROM 'file.csv'``, nothing checked).  Each run is a spawned process of its
own; the variants alternate, the order swapped every round.  ``ratio_vs_bare`` = the bare
COPY's best seconds / ours (1.0: no overhead of ours; target >= 0.85).  Every run's
phases (exclusive wall seconds: read CSV, encode ids, checks, COPY per table, commit, ...)
are printed for the best run and kept in the JSON.

**Neo4j** (``NEO4J_URI`` of the shared test server ``../shared/neo4j`` on 127.0.0.1, which
this benchmark stops and starts again).  ``beautygraph load --initial`` end to end (the CLI
in a subprocess, from its start to its exit: interpreter and imports, validation, the
importer CSV files, ``neo4j-admin database import full`` in one JVM with its class
archive) against a *bare* ``neo4j-admin database import full`` of the same importer files
(written beforehand by :func:`graphdb.neo4j_import.write_import_files`, the function
``load --initial`` writes them with), run by Neo4j's own launcher
(``org.neo4j.server.startup.Neo4jAdminCommand``, which starts the admin JVM with the
installation's settings) and nothing of ours around it.  Both import into the stopped
server's ``neo4j`` database with ``--overwrite-destination=true``, one after the other in
each round (bare first, so the last import, checked after the server is started, is
ours).  Neither includes the server's stop and start (both need them) nor the constraints
the first ``graphdb.connect`` creates afterwards (timed apart).  The first round warms the
OS file cache and writes our class archive; it is reported apart, and the medians of the
later rounds (``--neo4j-repeat``) give ``ratio_vs_bare_import`` = bare / ours (target >=
0.85).  At ``--quick`` size JVM start-up dominates both sides.  Also in the same run: a
naive one-MERGE-per-row loader on a sample (``speedup_vs_naive``), the paged export's
memory and, unless ``--skip-neo4j-online``, the online (Bolt) loader.

Prints tables with the load average before and after each run (the figures are noisy when
it exceeds the two cores) and writes ``bench/results/load.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beautygraph import strict_json  # noqa: E402

TARGET_RATIO = 0.85


def make_folder(folder: Path, n_users: int, n_follows: int, seed: int = 0) -> None:
    """Users and unique non-self follows with timestamps, heavy-tailed targets."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = np.array([f"u{i:07d}" for i in range(n_users)], dtype=object)
    start = np.datetime64("2024-01-01T00:00:00")
    joined = start + rng.integers(0, 365 * 86400, n_users).astype("timedelta64[s]")
    pd.DataFrame(
        {
            "user_id": ids,
            "joined_at": pd.to_datetime(joined).strftime("%Y-%m-%dT%H:%M:%S"),
            "bio": "",
        }
    ).to_csv(folder / "users.csv", index=False)
    weights = rng.pareto(1.5, n_users) + 1
    weights /= weights.sum()
    need = n_follows
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < need:
        src = rng.integers(0, n_users, need * 2)
        dst = rng.choice(n_users, need * 2, p=weights)
        ok = src != dst
        keys = np.unique(np.concatenate([keys, src[ok] * n_users + dst[ok]]))
    keys = rng.permutation(keys)[:need]
    created = start + rng.integers(0, 2 * 365 * 86400, need).astype("timedelta64[s]")
    pd.DataFrame(
        {
            "src": ids[keys // n_users],
            "dst": ids[keys % n_users],
            "created_at": pd.to_datetime(created).strftime("%Y-%m-%dT%H:%M:%S"),
        }
    ).to_csv(folder / "follows.csv", index=False)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    """CPU seconds (user + system) of this process's threads, or of its waited-for
    children: unlike wall time, barely changed by other work on the machine."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class PhaseClock:
    """Wall (and CPU) seconds per phase, exclusive: time spent in a phase opened inside
    another is the inner phase's alone, so the phases add up to the whole run ("other":
    outside every named phase)."""

    def __init__(self) -> None:
        self.start()

    def start(self) -> None:
        """Forget what was timed so far and start the clock now."""
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._stack = ["other"]
        self._since = (time.perf_counter(), time.process_time())

    def _charge(self) -> None:
        now = (time.perf_counter(), time.process_time())
        top = self._stack[-1]
        self.seconds[top] = self.seconds.get(top, 0.0) + now[0] - self._since[0]
        self.cpu[top] = self.cpu.get(top, 0.0) + now[1] - self._since[1]
        self._since = now

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self._charge()
        self._stack.append(name)
        try:
            yield
        finally:
            self._charge()
            self._stack.pop()

    def wrap(self, owner: object, attr: str, name: str | Callable[..., str | None]) -> None:
        """Time every call of ``owner.attr`` as phase ``name``, or ``name(*args)`` (None:
        part of the phase it is called in)."""
        fn = getattr(owner, attr)  # AttributeError: the loader changed; update the phases

        def timed(*args, **kwargs):
            phase = name(*args, **kwargs) if callable(name) else name
            if phase is None:
                return fn(*args, **kwargs)
            with self(phase):
                return fn(*args, **kwargs)

        setattr(owner, attr, timed)

    def done(self) -> dict[str, float]:
        """Wall seconds per phase until now (CPU seconds in :attr:`cpu`)."""
        self._charge()
        return dict(self.seconds)


def _statement(_store, text: str, _params=None) -> str | None:
    """Phase of a LadybugDB statement: ``COPY <table>``, ``COMMIT``, or None (another
    query: part of the phase that asks it)."""
    words = text.split()
    if words[0] == "COPY":
        return f"COPY {words[1]}"
    return "COMMIT" if words[0] == "COMMIT" else None


def run_beautygraph(folder: str, db: str, queue) -> None:
    """``graphdb.connect`` + ``load_folder``, its phases timed (imports outside the timer,
    as for the bare COPY)."""
    import pyarrow.compute  # noqa: F401
    import pyarrow.csv  # noqa: F401

    import graphdb
    import graphdb.ladybug_store as lbs
    from graphdb import loader
    from graphdb import validate as v

    clock = PhaseClock()
    clock.wrap(v, "read_table", "read CSV")
    clock.wrap(loader, "encode_ids", "encode ids")
    clock.wrap(loader, "existing_ids", "stored ids")
    clock.wrap(loader, "_read_table", "checks")
    clock.wrap(loader, "new_rows", "new rows")
    clock.wrap(lbs, "_complete", "to Arrow")
    clock.wrap(lbs.LadybugStore, "_execute", _statement)
    load0, cpu0 = _load(), _cpu()
    clock.start()
    t0 = time.perf_counter()
    with clock("open + schema"):
        store = graphdb.connect(db)
    counts = loader.load_folder(store, folder)
    with clock("close"):
        store.close()
    seconds = time.perf_counter() - t0
    queue.put(
        {
            "seconds": seconds,
            "peak_mb": _peak_mb(),
            "cpu_seconds": _cpu() - cpu0,
            "rows": sum(counts.nodes.values()) + sum(counts.relationships.values()),
            "phases": clock.done(),
            "phases_cpu": clock.cpu,
            "load_average": [load0, _load()],
        }
    )


def run_bare_copy(folder: str, db: str, queue) -> None:
    """Two tables, two ``COPY … FROM 'file.csv'``, nothing else; counted afterwards."""
    import ladybug

    clock = PhaseClock()
    load0, cpu0 = _load(), _cpu()
    clock.start()
    t0 = time.perf_counter()
    with clock("open"):
        database = ladybug.Database(db)
        conn = ladybug.Connection(database)
    with clock("CREATE tables"):
        conn.execute(
            "CREATE NODE TABLE User(id STRING PRIMARY KEY, joined_at TIMESTAMP, bio STRING)"
        )
        conn.execute("CREATE REL TABLE FOLLOWS(FROM User TO User, created_at TIMESTAMP)")
    with clock("COPY User"):
        conn.execute(f"COPY User FROM '{folder}/users.csv' (header=true)")
    with clock("COPY FOLLOWS"):
        conn.execute(f"COPY FOLLOWS FROM '{folder}/follows.csv' (header=true)")
    with clock("close"):
        conn.close()
        database.close()
    seconds = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    phases = clock.done()
    check = ladybug.Connection(ladybug.Database(db, read_only=True))
    result = check.execute("MATCH ()-[r:FOLLOWS]->() RETURN count(r) AS n")
    assert not isinstance(result, list)
    n = result.get_as_df()["n"].iloc[0]
    queue.put(
        {
            "seconds": seconds,
            "peak_mb": _peak_mb(),
            "cpu_seconds": cpu,
            "follows": int(n),
            "phases": phases,
            "phases_cpu": clock.cpu,
            "load_average": [load0, _load()],
        }
    )


def in_process(fn, *args) -> dict:
    """``fn(*args, queue)`` in a spawned process of its own (its own peak RSS)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=fn, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def bench_embedded(folder: Path, tmp: Path, n_users: int, n_follows: int, repeat: int) -> dict:
    """``repeat`` runs of each variant, alternating (bare first in odd rounds)."""
    ours: list[dict] = []
    bare: list[dict] = []
    for i in range(repeat):
        pair = [
            (ours, run_beautygraph, tmp / f"ours{i}.lbdb"),
            (bare, run_bare_copy, tmp / f"bare{i}.lbdb"),
        ]
        for runs, fn, db in pair[:: 1 if i % 2 == 0 else -1]:
            runs.append(in_process(fn, str(folder), str(db)))
            _remove(db)
    rows = n_users + n_follows
    for run in bare:
        assert run["follows"] == n_follows, run
    for run in ours:
        assert run["rows"] == rows, run
    best_ours = min(ours, key=lambda r: r["seconds"])
    best_bare = min(bare, key=lambda r: r["seconds"])
    return {
        "beautygraph_load_seconds": best_ours["seconds"],
        "beautygraph_rows_per_s": rows / best_ours["seconds"],
        "beautygraph_peak_mb": max(r["peak_mb"] for r in ours),
        "bare_copy_seconds": best_bare["seconds"],
        "bare_copy_rows_per_s": rows / best_bare["seconds"],
        "bare_copy_peak_mb": max(r["peak_mb"] for r in bare),
        "ratio_vs_bare": best_bare["seconds"] / best_ours["seconds"],
        "ratio_vs_bare_per_round": [
            b["seconds"] / o["seconds"] for o, b in zip(ours, bare, strict=True)
        ],
        "target_ratio": TARGET_RATIO,
        "meets_ratio_target": best_bare["seconds"] / best_ours["seconds"] >= TARGET_RATIO,
        "beautygraph_cpu_seconds_min": min(r["cpu_seconds"] for r in ours),
        "bare_copy_cpu_seconds_min": min(r["cpu_seconds"] for r in bare),
        "cpu_ratio_vs_bare": min(r["cpu_seconds"] for r in bare)
        / min(r["cpu_seconds"] for r in ours),
        "beautygraph_phases_best_run": best_ours["phases"],
        "bare_copy_phases_best_run": best_bare["phases"],
        "beautygraph_runs": ours,
        "bare_copy_runs": bare,
    }


def _remove(path: Path) -> None:
    """Delete an embedded database (a file, or a folder) and its side files."""
    for p in path.parent.glob(f"{path.name}*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()


# -- Neo4j --------------------------------------------------------------------------------

#: the launcher JVM's options in the shared start script: a small, quickly started JVM
#: that only starts the admin JVM (this favours the bare side)
LAUNCHER_OPTS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms8m", "-Xmx128m", "-Xss512k"]


def _server_tools(uri: str) -> dict | None:
    """How to stop/start the local test server and where its importer lives: only for the
    shared test server beside the repository (``../shared/neo4j``) on 127.0.0.1."""
    tools = Path(os.environ.get("BEAUTYGRAPH_NEO4J_TOOLS") or ROOT.parent / "shared" / "neo4j")
    port = uri.rsplit(":", 1)[-1]
    if not (tools / "start").exists() or "127.0.0.1" not in uri or not port.isdigit():
        return None
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"beautygraph-neo4j-{port}"
    return {
        "home": tools / "dist",
        "conf": workdir / "conf",
        "stop": [str(tools / "stop"), "--bolt", port],
        "start": [str(tools / "start"), "--bolt", port],
    }


def run_export(uri: str, queue) -> None:
    """Export User ids and FOLLOWS with created_at; peak RSS growth vs the arrays' size."""
    import pyarrow.compute  # noqa: F401  (module imports are not the export's memory)

    import graphdb

    store = graphdb.connect(uri, init=False)
    graphdb.NodeTable("User", np.array(["a"], dtype=object)).index_of(["a"])  # warm the code path
    base = _rss_mb()
    t0 = time.perf_counter()
    users = store.export_nodes("User")
    edges = store.export_edges("FOLLOWS", ["created_at"], src_nodes=users)
    seconds = time.perf_counter() - t0
    arrays = (
        edges.src.nbytes
        + edges.dst.nbytes
        + sum(a.nbytes for a in edges.props.values())
        + users.ids.nbytes
        + sum(len(x) + 49 for x in users.ids)  # the id strings themselves
    ) / 2**20
    store.close()
    queue.put(
        {
            "export_seconds": seconds,
            "export_edges": len(edges),
            "export_arrays_mb": arrays,
            "export_peak_growth_mb": _hwm_mb() - base,
        }
    )


def _hwm_mb() -> float:
    """This process's peak RSS (VmHWM).  Unlike ``ru_maxrss`` it starts afresh at exec, so a
    spawned child does not inherit the peak of the parent it was forked from."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return _peak_mb()


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return str(Path(home, "bin", "java"))
    java = shutil.which("java")
    if java is None:
        raise SystemExit("java not found: the Neo4j importer needs Java 17 or 21")
    return java


_DONE = re.compile(r"IMPORT DONE in (?:(\d+)m )?(?:(\d+)s )?(\d+)ms")


def run_bare_import(tools: dict, files: list[str], multiline: bool, cwd: Path) -> dict:
    """``neo4j-admin database import full`` of ``files`` into the stopped ``neo4j``
    database through Neo4j's own launcher; wall seconds from start to exit, and the
    importer's own "IMPORT DONE" time (without JVM starts and store creation)."""
    cmd = [
        _java(), *LAUNCHER_OPTS, "-cp", str(tools["home"] / "lib" / "*"),
        "org.neo4j.server.startup.Neo4jAdminCommand",
        "database", "import", "full", "neo4j",
        "--overwrite-destination=true",
        f"--multiline-fields={'true' if multiline else 'false'}",
        *files,
    ]  # fmt: skip
    env = dict(os.environ, NEO4J_HOME=str(tools["home"]), NEO4J_CONF=str(tools["conf"]))
    load0, cpu0 = _load(), _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    cpu = _cpu(resource.RUSAGE_CHILDREN) - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"the bare import failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    done = _DONE.search(proc.stdout)
    engine = None
    if done is not None:
        minutes, secs, ms = (int(g) if g else 0 for g in done.groups())
        engine = 60 * minutes + secs + ms / 1000
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "import_done_seconds": engine,
        "load_average": [load0, _load()],
    }


_STAGE = re.compile(r"^(…|✓|✗) ([^:]+?)(?::.*)?$")


def run_load_initial(tools: dict, uri: str, folder: Path, env: dict) -> dict:
    """``beautygraph load FOLDER --initial --overwrite`` as a user runs it, wall seconds
    from start to exit; each progress line's arrival time gives where the time went:
    interpreter and imports (until the first stage), each stage, and the rest."""
    cmd = [
        sys.executable, "-m", "beautygraph.cli", "--db", uri, "load", str(folder),
        "--initial", "--neo4j-home", str(tools["home"]), "--neo4j-conf", str(tools["conf"]),
        "--overwrite",
    ]  # fmt: skip
    load0, cpu0 = _load(), _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None and proc.stdout is not None
    marks: list[tuple[float, str, str]] = []
    lines = []
    for line in proc.stderr:
        lines.append(line)
        found = _STAGE.match(line.strip())
        if found:
            marks.append((time.perf_counter() - t0, found.group(1), found.group(2)))
    out = proc.stdout.read()
    code = proc.wait()
    seconds = time.perf_counter() - t0
    cpu = _cpu(resource.RUSAGE_CHILDREN) - cpu0
    if code != 0:
        raise SystemExit(f"load --initial failed ({code}):\n{''.join(lines)[-3000:]}{out}")
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "phases": _cli_phases(marks, seconds),
        "load_average": [load0, _load()],
    }


def _cli_phases(marks: list[tuple[float, str, str]], total: float) -> dict[str, float]:
    """Seconds per stage from the progress lines' times, plus the time before the first
    stage (interpreter start and imports), between stages and after the last one."""
    phases: dict[str, float] = {}
    opened: dict[str, float] = {}
    last = 0.0
    for at, kind, name in marks:
        if kind == "…" and name not in opened:
            if not opened:
                key = "start + imports" if not phases else "between stages"
                phases[key] = phases.get(key, 0.0) + at - last
            opened[name] = at
        elif kind in "✓✗" and name in opened:
            phases[name] = phases.get(name, 0.0) + at - opened.pop(name)
            last = at
    phases["exit"] = total - last
    return phases


def bench_initial(tools: dict, uri: str, folder: Path, n_users: int, n_follows: int,
                  repeat: int) -> dict:  # fmt: skip
    """Rounds of bare import then ``load --initial`` with the server stopped; the server
    is started again (timed) and our last import checked."""
    import graphdb
    from graphdb.loader import read_folder
    from graphdb.neo4j_import import write_import_files

    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    files, multiline = write_import_files(read_folder(folder), work)
    cache = work / "cache"  # our first run writes the importer's class archive here
    env = dict(os.environ, BEAUTYGRAPH_CACHE=str(cache), PYTHONPATH=str(ROOT))
    rounds = []
    subprocess.run(tools["stop"], check=True, capture_output=True)
    try:
        for i in range(repeat + 1):
            bare = run_bare_import(tools, files, multiline, work)
            ours = run_load_initial(tools, uri, folder, env)
            rounds.append({"bare": bare, "ours": ours, "ratio": bare["seconds"] / ours["seconds"]})
            print(_round_line(i, rounds[-1]), flush=True)
    finally:
        t1 = time.perf_counter()
        subprocess.run(tools["start"], check=True, capture_output=True)
        restart = time.perf_counter() - t1
        shutil.rmtree(work, ignore_errors=True)
    t1 = time.perf_counter()
    with graphdb.connect(uri) as check:  # creates the constraints and indexes
        connect = time.perf_counter() - t1
        stored = check.counts()
    assert stored["nodes"]["User"] == n_users, stored
    assert stored["relationships"]["FOLLOWS"] == n_follows, stored
    later = rounds[1:]
    bare_s = float(np.median([r["bare"]["seconds"] for r in later]))
    ours_s = float(np.median([r["ours"]["seconds"] for r in later]))
    stages = sorted({k for r in later for k in r["ours"]["phases"]})
    return {
        "initial_first_round": rounds[0],
        "initial_rounds": later,
        "initial_seconds_median": ours_s,
        "initial_rels_per_s": n_follows / ours_s,
        "initial_nodes_per_s": n_users / ours_s,
        "initial_phases_median": {
            k: float(np.median([r["ours"]["phases"].get(k, 0.0) for r in later])) for k in stages
        },
        "bare_import_seconds_median": bare_s,
        "bare_import_done_seconds_median": _median_or_none(
            [r["bare"]["import_done_seconds"] for r in later]
        ),
        "ratio_vs_bare_import": bare_s / ours_s,
        "ratio_vs_bare_import_per_round": [r["ratio"] for r in later],
        "meets_ratio_target": bare_s / ours_s >= TARGET_RATIO,
        "restart_seconds": restart,
        "first_connect_seconds": connect,
    }


def _median_or_none(values: list) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.median(known)) if known else None


def _round_line(i: int, r: dict) -> str:
    bare, ours = r["bare"], r["ours"]
    done = bare["import_done_seconds"]
    phases = " | ".join(f"{k} {v:.2f}" for k, v in ours["phases"].items())
    return (
        f"  round {i}{' (warm-up, writes our class archive)' if i == 0 else ''}: "
        f"bare neo4j-admin {bare['seconds']:.2f} s"
        + (f" (IMPORT DONE {done:.2f} s)" if done is not None else "")
        + f", load --initial {ours['seconds']:.2f} s [{phases}], ratio {r['ratio']:.2f}; "
        f"load {bare['load_average'][0]:.1f} -> {ours['load_average'][1]:.1f}"
    )


def bench_neo4j(
    folder: Path, n_users: int, n_follows: int, sample: int, repeat: int, online: bool = True
) -> dict:
    """Neo4j: ``load --initial`` against the bare importer, a naive MERGE-per-row loader on
    ``sample`` follows, the paged export's memory and the online loader, in one run."""
    import graphdb
    from graphdb.loader import load_folder

    uri = os.environ["NEO4J_URI"]
    out: dict = {}
    store = graphdb.connect(uri)
    store.clear()
    users = pd.read_csv(folder / "users.csv")
    store.insert_nodes("User", pd.DataFrame({"id": users["user_id"].astype(str)}))
    follows = pd.read_csv(folder / "follows.csv", nrows=sample)
    t0 = time.perf_counter()
    for row in follows.itertuples(index=False):
        store.query(
            "MATCH (a:User {id: $src}), (b:User {id: $dst}) MERGE (a)-[r:FOLLOWS]->(b) "
            "SET r.created_at = datetime($created_at)",
            {"src": row.src, "dst": row.dst, "created_at": row.created_at},
        )
    naive = time.perf_counter() - t0
    out["naive_merge_rels_per_s"] = sample / naive
    out["naive_merge_sample"] = sample
    store.clear()
    store.close()

    tools = _server_tools(uri)
    if tools is None:
        out["initial_import"] = "skipped: no local shared test server to stop and start"
    else:
        out.update(bench_initial(tools, uri, folder, n_users, n_follows, repeat))
        out["speedup_vs_naive"] = out["initial_rels_per_s"] / out["naive_merge_rels_per_s"]
        out.update(in_process(run_export, uri))  # on the imported graph

    if online:
        store = graphdb.connect(uri)
        store.clear()
        t0 = time.perf_counter()
        counts = load_folder(store, folder)
        seconds = time.perf_counter() - t0
        out["online_load_seconds"] = seconds
        out["online_rels_per_s"] = counts.relationships.get("FOLLOWS", 0) / seconds
        out["online_nodes_per_s"] = counts.nodes.get("User", 0) / seconds
        out["online_speedup_vs_naive"] = out["online_rels_per_s"] / out["naive_merge_rels_per_s"]
        t0 = time.perf_counter()
        again = load_folder(store, folder)
        out["online_reload_unchanged_seconds"] = time.perf_counter() - t0
        assert sum(again.relationships.values()) == 0 and sum(again.nodes.values()) == 0
        if "export_edges" not in out:
            store.close()
            out.update(in_process(run_export, uri))
            store = graphdb.connect(uri)
        store.clear()
        store.close()
    out["targets"] = {"ratio_vs_bare_import": TARGET_RATIO, "speedup_vs_naive": 20}
    return out


# -- main ---------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--follows", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="10k users / 100k follows")
    ap.add_argument("--repeat", type=int, default=3, help="embedded: runs per variant (best)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    ap.add_argument(
        "--neo4j-repeat", type=int, default=3,
        help="Neo4j: rounds (bare import + load --initial) after the warm-up round (median)",
    )  # fmt: skip
    ap.add_argument("--skip-ladybug", action="store_true", help="only the Neo4j part")
    ap.add_argument(
        "--skip-neo4j-online", action="store_true", help="Neo4j: the importer and naive only"
    )
    args = ap.parse_args()
    if args.quick:
        args.users, args.follows = 10_000, 100_000
    load_start = os.getloadavg()
    result: dict = {
        "users": args.users,
        "follows": args.follows,
        "cores": os.cpu_count(),
        "load_average_start": list(load_start),
    }
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in load_start)} "
          f"({os.cpu_count()} cores; above that the figures are noisy)")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = tmp / "data"
        t0 = time.perf_counter()
        make_folder(folder, args.users, args.follows)
        print(
            f"generated {args.users:,} users / {args.follows:,} follows in "
            f"{time.perf_counter() - t0:.1f}s"
        )
        if not args.skip_ladybug:
            result |= bench_embedded(folder, tmp, args.users, args.follows, args.repeat)
            print_embedded(result)
        if os.environ.get("NEO4J_URI"):
            sample = min(3000 if not args.quick else 1000, args.follows)
            result["neo4j"] = bench_neo4j(
                folder, args.users, args.follows, sample, args.neo4j_repeat,
                not args.skip_neo4j_online,
            )  # fmt: skip
            print_neo4j(result["neo4j"], args.users, args.follows, args.quick)
    result["load_average_end"] = list(os.getloadavg())
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in result['load_average_end'])}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(strict_json.dumps(result, indent=2))
    print(f"wrote {args.out}")


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _phases(phases: dict[str, float]) -> str:
    return " | ".join(f"{k} {v:.2f}" for k, v in sorted(phases.items(), key=lambda kv: -kv[1]))


def print_embedded(r: dict) -> None:
    n = len(r["beautygraph_runs"])
    print(f"\nEmbedded load ({r['users']:,} users / {r['follows']:,} follows), best of {n} "
          "runs each, every run in a process of its own")  # fmt: skip
    print(f"{'variant':<22}{'best s':>8}{'rows/s':>12}{'peak MB':>9}  runs (s) [load avg]")
    variants = (
        ("beautygraph load", "beautygraph", "beautygraph_load_seconds"),
        ("bare LadybugDB COPY", "bare_copy", "bare_copy_seconds"),
    )
    for name, key, best in variants:
        runs = " ".join(f"{x['seconds']:.2f}[{x['load_average'][0]:.1f}]" for x in r[f"{key}_runs"])
        print(
            f"{name:<22}{r[best]:>8.2f}{r[f'{key}_rows_per_s']:>12,.0f}"
            f"{r[f'{key}_peak_mb']:>9.0f}  {runs}"
        )
    rounds = " ".join(f"{x:.2f}" for x in r["ratio_vs_bare_per_round"])
    print(f"ratio_vs_bare = bare COPY / beautygraph load = {r['ratio_vs_bare']:.2f} "
          f"(target >= {TARGET_RATIO}: {_met(r['meets_ratio_target'])}); per round: {rounds}")  # fmt: skip
    print(
        f"CPU seconds (all threads; hardly moved by other work on the machine), least of the "
        f"runs: ours {r['beautygraph_cpu_seconds_min']:.2f}, bare {r['bare_copy_cpu_seconds_min']:.2f}"
        f" (bare / ours {r['cpu_ratio_vs_bare']:.2f})"
    )
    print(f"where the time goes, best run (s): ours: {_phases(r['beautygraph_phases_best_run'])}")
    print(f"                                   bare: {_phases(r['bare_copy_phases_best_run'])}")


def print_neo4j(n: dict, users: int, follows: int, quick: bool = False) -> None:
    print(f"\nNeo4j ({users:,} users / {follows:,} follows)")
    if quick:
        print(
            "--quick: JVM start-up (ours: one JVM with a class archive; bare: the launcher's "
            "JVM, then the importer's) dominates both sides at this size"
        )
    print(f"naive MERGE-per-row loader: {n['naive_merge_rels_per_s']:,.0f} rels/s "
          f"(sample of {n['naive_merge_sample']:,})")  # fmt: skip
    if "initial_rels_per_s" in n:
        k = len(n["initial_rounds"])
        done = n["bare_import_done_seconds_median"]
        print(
            f"load --initial end to end, median of {k} rounds: {n['initial_seconds_median']:.2f} s "
            f"= {n['initial_rels_per_s']:,.0f} rels/s, {n['initial_nodes_per_s']:,.0f} nodes/s; "
            f"{n['speedup_vs_naive']:.0f}x naive (target >= 20x: "
            f"{_met(n['speedup_vs_naive'] >= 20)})"
        )
        print(
            f"bare neo4j-admin import of the same files, median: "
            f"{n['bare_import_seconds_median']:.2f} s"
            + (
                f" (its own IMPORT DONE time {done:.2f} s; the rest is JVM starts and store "
                "creation)"
                if done is not None
                else ""
            )  # fmt: skip
        )
        rounds = " ".join(f"{x:.2f}" for x in n["ratio_vs_bare_import_per_round"])
        print(
            f"ratio_vs_bare_import = bare / load --initial = {n['ratio_vs_bare_import']:.2f} "
            f"(target >= {TARGET_RATIO}: {_met(n['meets_ratio_target'])}); per round: {rounds}"
        )
        print(f"where load --initial's time goes (median s): {_phases(n['initial_phases_median'])}")
        print(
            f"not in either figure: server restart {n['restart_seconds']:.1f} s, first connect "
            f"(creates the constraints) {n['first_connect_seconds']:.1f} s"
        )
    else:
        print(f"load --initial: {n['initial_import']}")
    if "online_rels_per_s" in n:
        print(
            f"online loader: {n['online_rels_per_s']:,.0f} rels/s, "
            f"{n['online_nodes_per_s']:,.0f} nodes/s over the whole load "
            f"({n['online_load_seconds']:.1f} s; unchanged reload "
            f"{n['online_reload_unchanged_seconds']:.1f} s); "
            f"{n['online_speedup_vs_naive']:.1f}x naive"
        )
    if "export_edges" in n:
        print(
            f"export of {n['export_edges']:,} follows: {n['export_seconds']:.1f} s, peak "
            f"RSS +{n['export_peak_growth_mb']:.0f} MB for {n['export_arrays_mb']:.0f} MB of "
            f"arrays ({n['export_peak_growth_mb'] / n['export_arrays_mb']:.2f}x; target <= 2x)"
        )


if __name__ == "__main__":
    main()
