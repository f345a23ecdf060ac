"""Benchmark: ``beautygraph load`` against a bare LadybugDB COPY of the same files.

100k users / 1M follows by default (``--quick``: 10k / 100k).  Each variant runs in its
own process so its peak RSS is its own.  Targets (issue 2): load rows/s >= 0.8 x bare COPY;
with ``NEO4J_URI`` set also Neo4j rels/s (>= 100k/s) against a naive one-MERGE-per-row
loader on a sample (>= 20x).  Prints a table and writes ``bench/results/load.json``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beautygraph import strict_json  # noqa: E402
from kernel.steps import Steps  # noqa: E402


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


def run_beautygraph(folder: str, db: str, queue) -> None:
    import pyarrow.csv  # noqa: F401

    import graphdb
    import graphdb.ladybug_store  # noqa: F401  (imports outside the timer, as for bare COPY)
    from graphdb.loader import load_folder

    t0 = time.perf_counter()
    with graphdb.connect(db) as store:
        counts = load_folder(store, folder)
    queue.put(
        {
            "seconds": time.perf_counter() - t0,
            "peak_mb": _peak_mb(),
            "rows": sum(counts.nodes.values()) + sum(counts.relationships.values()),
        }
    )


def run_bare_copy(folder: str, db: str, queue) -> None:
    import ladybug

    t0 = time.perf_counter()
    database = ladybug.Database(db)
    conn = ladybug.Connection(database)
    conn.execute("CREATE NODE TABLE User(id STRING PRIMARY KEY, joined_at TIMESTAMP, bio STRING)")
    conn.execute("CREATE REL TABLE FOLLOWS(FROM User TO User, created_at TIMESTAMP)")
    conn.execute(f"COPY User FROM '{folder}/users.csv' (header=true)")
    conn.execute(f"COPY FOLLOWS FROM '{folder}/follows.csv' (header=true)")
    n = conn.execute("MATCH ()-[r:FOLLOWS]->() RETURN count(r)").get_all()[0][0]
    conn.close()
    database.close()
    queue.put(
        {
            "seconds": time.perf_counter() - t0,
            "peak_mb": _peak_mb(),
            "rows": None,
            "follows": int(n),
        }
    )


def in_process(fn, *args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=fn, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


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


def bench_neo4j(
    folder: Path, n_users: int, n_follows: int, sample: int, repeat: int, online: bool = True
) -> dict:
    """Neo4j: the offline importer (``load --initial``, median of ``repeat`` runs) and the
    online loader against one MERGE per row (on ``sample`` follows), in one run; the
    paged export's memory on the imported graph."""
    import subprocess

    import graphdb
    from graphdb.loader import load_folder
    from graphdb.neo4j_import import load_folder_initial

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
    store.clear()
    store.close()

    tools = _server_tools(uri)
    if tools is None:
        out["initial_import"] = "skipped: no local shared test server to stop and start"
    else:
        runs = []
        cache = Path(tempfile.mkdtemp(prefix="bench-import-cache-"))
        os.environ["BEAUTYGRAPH_CACHE"] = str(cache)  # the first run starts without an archive
        for i in range(repeat + 1):
            subprocess.run(tools["stop"], check=True, capture_output=True)
            steps = Steps()
            load0 = os.getloadavg()[0]
            t0 = time.perf_counter()
            imported = load_folder_initial(
                folder, tools["home"], tools["conf"], database="neo4j", overwrite=True,
                steps=steps,
            )  # fmt: skip
            seconds = time.perf_counter() - t0
            t1 = time.perf_counter()
            subprocess.run(tools["start"], check=True, capture_output=True)
            restart = time.perf_counter() - t1
            with graphdb.connect(uri) as check:  # also creates the constraints
                stored = check.counts()
            assert stored["nodes"]["User"] == n_users, stored
            assert stored["relationships"]["FOLLOWS"] == n_follows, stored
            assert imported.relationships["FOLLOWS"] == n_follows
            run = {
                "seconds": seconds,
                "restart_seconds": restart,
                "stages": dict(steps.seconds),
                "class_archive": "written" if i == 0 else "mapped",
                "load_average": [load0, os.getloadavg()[0]],
            }
            runs.append(run)
            print(
                f"  importer run ({run['class_archive']} class archive): {seconds:.1f} s "
                + " ".join(f"{k} {v:.1f}" for k, v in steps.seconds.items())
                + f"; restart {restart:.1f} s; load {load0:.1f}",
                flush=True,
            )
        shutil.rmtree(cache, ignore_errors=True)
        os.environ.pop("BEAUTYGRAPH_CACHE")
        out["initial_first_run"] = runs[0]
        runs = runs[1:]
        secs = float(np.median([r["seconds"] for r in runs]))
        out["initial_import_runs"] = runs
        out["initial_import_seconds_median"] = secs
        out["initial_rels_per_s"] = n_follows / secs
        out["initial_nodes_per_s"] = n_users / secs
        out["initial_first_run_rels_per_s"] = n_follows / out["initial_first_run"]["seconds"]
        out["initial_restart_seconds_median"] = float(
            np.median([r["restart_seconds"] for r in runs])
        )
        out["speedup_vs_naive"] = out["initial_rels_per_s"] / out["naive_merge_rels_per_s"]
        out["meets_rels_per_s_target"] = out["initial_rels_per_s"] >= 100_000
        out["meets_speedup_target"] = out["speedup_vs_naive"] >= 20
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
    out["targets"] = {"rels_per_s": 100_000, "speedup_vs_naive": 20}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--follows", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="10k users / 100k follows")
    ap.add_argument("--repeat", type=int, default=2, help="best of N runs per variant")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    ap.add_argument(
        "--neo4j-repeat", type=int, default=3, help="importer runs (median) with NEO4J_URI"
    )
    ap.add_argument("--skip-ladybug", action="store_true", help="only the Neo4j part")
    ap.add_argument(
        "--skip-neo4j-online", action="store_true", help="Neo4j: the importer and naive only"
    )
    args = ap.parse_args()
    if args.quick:
        args.users, args.follows = 10_000, 100_000
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "data"
        t0 = time.perf_counter()
        make_folder(folder, args.users, args.follows)
        print(
            f"generated {args.users:,} users / {args.follows:,} follows in "
            f"{time.perf_counter() - t0:.1f}s"
        )
        ours, bare = [], []
        for i in range(0 if args.skip_ladybug else args.repeat):
            ours.append(in_process(run_beautygraph, str(folder), str(tmp / f"ours{i}.lbdb")))
            bare.append(in_process(run_bare_copy, str(folder), str(tmp / f"bare{i}.lbdb")))
        rows = args.users + args.follows
        result: dict = {"users": args.users, "follows": args.follows}
        if os.environ.get("NEO4J_URI"):
            sample = min(3000 if not args.quick else 1000, args.follows)
            repeat = 1 if args.quick else args.neo4j_repeat
            result["neo4j"] = bench_neo4j(
                folder, args.users, args.follows, sample, repeat, not args.skip_neo4j_online
            )
    if ours:
        best_ours = min(ours, key=lambda r: r["seconds"])
        best_bare = min(bare, key=lambda r: r["seconds"])
        result |= {
            "users": args.users,
            "follows": args.follows,
            "beautygraph_load_seconds": best_ours["seconds"],
            "beautygraph_rows_per_s": rows / best_ours["seconds"],
            "beautygraph_peak_mb": max(r["peak_mb"] for r in ours),
            "bare_copy_seconds": best_bare["seconds"],
            "bare_copy_rows_per_s": rows / best_bare["seconds"],
            "bare_copy_peak_mb": max(r["peak_mb"] for r in bare),
        }
        result["ratio_vs_bare"] = result["beautygraph_rows_per_s"] / result["bare_copy_rows_per_s"]
        result["target_ratio"] = 0.8
        print_ladybug(result)
    if "neo4j" in result:
        print_neo4j(result["neo4j"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(strict_json.dumps(result, indent=2))
    print(f"wrote {args.out}")


def print_ladybug(result: dict) -> None:
    print(f"{'variant':<24}{'seconds':>10}{'rows/s':>14}{'peak MB':>10}")
    print(
        f"{'beautygraph load':<24}{result['beautygraph_load_seconds']:>10.2f}"
        f"{result['beautygraph_rows_per_s']:>14,.0f}{result['beautygraph_peak_mb']:>10.0f}"
    )
    print(
        f"{'bare LadybugDB COPY':<24}{result['bare_copy_seconds']:>10.2f}"
        f"{result['bare_copy_rows_per_s']:>14,.0f}{result['bare_copy_peak_mb']:>10.0f}"
    )
    print(f"ratio (target >= 0.8): {result['ratio_vs_bare']:.2f}")


def print_neo4j(n: dict) -> None:
    print(f"Neo4j naive MERGE-per-row loader: {n['naive_merge_rels_per_s']:,.0f} rels/s")
    if "initial_rels_per_s" in n:
        print(
            f"Neo4j load --initial (offline importer, median of {len(n['initial_import_runs'])}): "
            f"{n['initial_import_seconds_median']:.1f} s = {n['initial_rels_per_s']:,.0f} rels/s, "
            f"{n['initial_nodes_per_s']:,.0f} nodes/s (target >= 100,000 rels/s); "
            f"{n['speedup_vs_naive']:.1f}x naive (target >= 20x); server restart "
            f"{n['initial_restart_seconds_median']:.1f} s not included"
        )
        print(
            f"  first run (writes the importer's class archive): "
            f"{n['initial_first_run']['seconds']:.1f} s = "
            f"{n['initial_first_run_rels_per_s']:,.0f} rels/s"
        )
    else:
        print(f"Neo4j load --initial: {n['initial_import']}")
    if "online_rels_per_s" in n:
        print(
            f"Neo4j online loader: {n['online_rels_per_s']:,.0f} rels/s, "
            f"{n['online_nodes_per_s']:,.0f} nodes/s over the whole load "
            f"({n['online_load_seconds']:.1f} s; unchanged reload "
            f"{n['online_reload_unchanged_seconds']:.1f} s); "
            f"{n['online_speedup_vs_naive']:.1f}x naive"
        )
    if "export_edges" in n:
        print(
            f"Neo4j export of {n['export_edges']:,} follows: {n['export_seconds']:.1f} s, peak "
            f"RSS +{n['export_peak_growth_mb']:.0f} MB for {n['export_arrays_mb']:.0f} MB of "
            f"arrays ({n['export_peak_growth_mb'] / n['export_arrays_mb']:.2f}x; target <= 2x)"
        )


if __name__ == "__main__":
    main()
