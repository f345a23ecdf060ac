"""Benchmark: ``beautygraph load`` against a bare LadybugDB COPY of the same files.

100k users / 1M follows by default (``--quick``: 10k / 100k).  Each variant runs in its
own process so its peak RSS is its own.  Targets (issue 2): load rows/s >= 0.8 x bare COPY;
with ``NEO4J_URI`` set also Neo4j rels/s (>= 100k/s) against a naive one-MERGE-per-row
loader on a sample (>= 20x).  Prints a table and writes ``bench/results/load.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


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


def bench_neo4j(folder: Path, sample: int) -> dict:
    """Neo4j: our batched loader vs one MERGE per row (on ``sample`` follows)."""
    import graphdb
    from graphdb.loader import load_folder

    store = graphdb.connect(os.environ["NEO4J_URI"])
    store.clear()
    t0 = time.perf_counter()
    counts = load_folder(store, folder)
    ours = time.perf_counter() - t0
    rels = counts.relationships.get("FOLLOWS", 0)
    follows = pd.read_csv(folder / "follows.csv", nrows=sample)
    store.replace_rels("FOLLOWS", follows.iloc[:0].rename(columns={}), where=None)
    t0 = time.perf_counter()
    for row in follows.itertuples(index=False):
        store.query(
            "MATCH (a:User {id: $src}), (b:User {id: $dst}) MERGE (a)-[r:FOLLOWS]->(b) "
            "SET r.created_at = datetime($created_at)",
            {"src": row.src, "dst": row.dst, "created_at": row.created_at},
        )
    naive = time.perf_counter() - t0
    store.clear()
    store.close()
    ours_rate = rels / ours
    naive_rate = sample / naive
    return {
        "neo4j_load_seconds": ours,
        "neo4j_rels_per_s": ours_rate,
        "naive_merge_rels_per_s": naive_rate,
        "speedup_vs_naive": ours_rate / naive_rate,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--follows", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="10k users / 100k follows")
    ap.add_argument("--repeat", type=int, default=2, help="best of N runs per variant")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
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
        for i in range(args.repeat):
            ours.append(in_process(run_beautygraph, str(folder), str(tmp / f"ours{i}.lbdb")))
            bare.append(in_process(run_bare_copy, str(folder), str(tmp / f"bare{i}.lbdb")))
        best_ours = min(ours, key=lambda r: r["seconds"])
        best_bare = min(bare, key=lambda r: r["seconds"])
        rows = args.users + args.follows
        result = {
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
        if os.environ.get("NEO4J_URI"):
            result.update(bench_neo4j(folder, sample=min(20_000, args.follows)))
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
    if "neo4j_rels_per_s" in result:
        print(
            f"Neo4j: {result['neo4j_rels_per_s']:,.0f} rels/s, "
            f"{result['speedup_vs_naive']:.1f}x a naive MERGE-per-row loader"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
