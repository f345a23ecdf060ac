"""Benchmark: friend-of-friend recommenders, per-user Cypher vs. batch sparse matrices.

A synthetic follow graph of the paper's shape (default 100k users / 1M follows, heavy-tailed
popularity; ``--quick``: 20k / 200k) is loaded into an embedded LadybugDB, then:

* per-user latency p50/p99 of ``recommend_user`` (Cypher) for CN, BB and AA on a seeded
  sample of users (and on Neo4j too when ``NEO4J_URI`` is set);
* batch ``recommend_batch`` (export + analysis/fof.py; the kernel alone is timed too) for all users, against the baseline
  of a loop of per-user Cypher queries timed on a sample and extrapolated to all users in
  the same run (target: batch >= 10x faster); the sampled answers must agree exactly;
* peak memory: tracemalloc peak of one batch run and the process's peak RSS;
* the kernel against a plain chunked sparse ``A[rows] @ A`` implementation
  (``bench/fof_baseline.py``, same answers checked) on this sparse graph, and on a dense one
  (``--dense-users`` users, mean degree ``--dense-degree``, 40 communities): kernel vs the
  plain sparse and plain dense-block baselines (target: kernel at least as fast), and
  ``beautygraph recommend --all`` end to end (a subprocess: start-up, export, kernel,
  output) against the batch function (target: <= 1.5x).

Writes ``bench/results/recommend.json`` (``recommend_quick.json`` with ``--quick``).
Run: ``.venv/bin/python bench/bench_recommend.py [--quick]``.

``--holdout`` runs instead the real-graph evaluation of every recommender against hidden
follows (``bench/recommend_holdout.py``; ``bench/results/recommend_holdout.json``), then
the beauty balance at ``recommend``'s default λ on three generated communities
(``--community-only``: that part alone, ``bench/results/recommend_balance.json``).

``--serve`` times the learned ranker's ``recommend USER`` instead: one fit, then the
per-user latency from the serving index against the full-export path and the CN Cypher in
the same run, and the command line end to end (``bench/recommend_serve.py``;
``bench/results/recommend_serve.json``).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from beautygraph import strict_json  # noqa: E402

METHODS = ("cn", "bb", "aa")


def dense_graph(n_users: int, degree: int, seed: int):
    """A dense community graph: 40 groups, 80 % of follows inside the follower's group."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"d{i:06d}" for i in range(n_users)], dtype=object)
    group = rng.integers(0, 40, n_users)
    members = [np.flatnonzero(group == g) for g in range(40)]
    m = n_users * degree
    src = rng.integers(0, n_users, 2 * m)
    pick = rng.random(2 * m)
    inside = np.array(
        [members[group[s]][int(p * len(members[group[s]]))] for s, p in zip(src, pick, strict=True)]
    )
    dst = np.where(rng.random(2 * m) < 0.8, inside, rng.integers(0, n_users, 2 * m))
    keys = np.unique(src * n_users + dst)
    keys = keys[keys // n_users != keys % n_users]
    keys = np.sort(rng.permutation(keys)[:m])
    beauty = np.clip(rng.normal(0.45, 0.12, n_users), 0.01, 1.0)
    return ids, keys // n_users, keys % n_users, beauty


def kernel_vs_plain(src, dst, n, beauty, repeats: int = 2) -> dict:
    """Best-of-``repeats`` seconds of the kernel and the plain baselines, same run."""
    from fof_baseline import plain_dense_recommend, plain_recommend

    from analysis import fof

    adj = fof.follow_matrix(src, dst, n)
    out: dict = {}
    for method in ("cn", "aa", "bb"):
        t_kernel, t_plain, t_dense = [], [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            rec = fof.recommend(src, dst, n, method, k=10, beauty=beauty)
            t_kernel.append(time.perf_counter() - t0)
            if method == "bb":
                continue
            t0 = time.perf_counter()
            plain = plain_recommend(adj, method)
            t_plain.append(time.perf_counter() - t0)
            if n <= 20_000:
                t0 = time.perf_counter()
                plain_dense_recommend(adj, method)
                t_dense.append(time.perf_counter() - t0)
        row = {"kernel_s": min(t_kernel)}
        if t_plain:
            row["plain_sparse_s"] = min(t_plain)
            row["same_answers"] = bool(
                np.array_equal(plain[1], rec.candidates) and np.allclose(plain[3], rec.score)
            )
            row["kernel_vs_plain_sparse"] = min(t_plain) / min(t_kernel)
        if t_dense:
            row["plain_dense_s"] = min(t_dense)
            row["kernel_vs_plain_dense"] = min(t_dense) / min(t_kernel)
        out[method] = row
        print(
            f"  {method}: "
            + ", ".join(f"{k} {v:.3g}" for k, v in row.items() if k != "same_answers"),
            flush=True,
        )
    return out


def cli_end_to_end(db: Path, method: str) -> float:
    """Wall seconds of ``beautygraph --db DB recommend --all --method M --json``."""
    import subprocess

    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "beautygraph.cli",
            "--db",
            str(db),
            "recommend",
            "--all",
            "--method",
            method,
            "--json",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return time.perf_counter() - t0


def synthetic_graph(n_users: int, n_follows: int, seed: int):
    """Ids, unique non-self follow pairs with Pareto-distributed popularity, beauty."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"u{i:07d}" for i in range(n_users)], dtype=object)
    weights = rng.pareto(1.5, n_users) + 1
    weights /= weights.sum()
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < n_follows:
        src = rng.integers(0, n_users, n_follows * 2)
        dst = rng.choice(n_users, n_follows * 2, p=weights)
        ok = src != dst
        keys = np.unique(np.concatenate([keys, src[ok] * n_users + dst[ok]]))
    keys = np.sort(rng.permutation(keys)[:n_follows])
    beauty = np.clip(rng.normal(0.45, 0.12, n_users), 0.01, 1.0)
    beauty[rng.random(n_users) < 0.05] = np.nan  # users without photos
    return ids, keys // n_users, keys % n_users, beauty


def fill_store(store, ids, src, dst, beauty) -> None:
    store.insert_nodes("User", pd.DataFrame({"id": ids, "beauty": beauty}))
    store.insert_rels("FOLLOWS", pd.DataFrame({"src": ids[src], "dst": ids[dst]}))


def per_user_latency(store, users, method: str) -> tuple[np.ndarray, dict]:
    """Seconds per ``recommend_user`` call and the answers (user -> [candidate ids])."""
    from beautygraph.errors import UserError
    from beautygraph.pipelines.recommend import recommend_user

    times, answers = [], {}
    for u in users:
        t0 = time.perf_counter()
        try:
            recs = recommend_user(store, u, method, k=10, tolerance=0.10)
        except UserError:  # bb for a user without beauty
            recs = []
        times.append(time.perf_counter() - t0)
        answers[u] = [(r.user_id, round(r.score, 9)) for r in recs]
    return np.array(times), answers


def stats(t: np.ndarray) -> dict:
    return {
        "p50_ms": float(np.percentile(t, 50) * 1e3),
        "p99_ms": float(np.percentile(t, 99) * 1e3),
        "mean_ms": float(t.mean() * 1e3),
        "n": int(len(t)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20k users / 200k follows, small samples")
    ap.add_argument("--users", type=int, default=None)
    ap.add_argument("--follows", type=int, default=None)
    ap.add_argument(
        "--latency-sample",
        type=int,
        default=None,
        help="users timed per method for per-user latency and the loop baseline",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--dense-only", action="store_true", help="only the dense-graph case (kernel vs plain, CLI)"
    )
    ap.add_argument("--dense-users", type=int, default=7575)
    ap.add_argument("--dense-degree", type=int, default=63)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--holdout",
        action="store_true",
        help="real graphs: every recommender against hidden follows (--holdout-users drawn)",
    )
    ap.add_argument("--holdout-users", type=int, default=1000)
    ap.add_argument(
        "--community-only",
        action="store_true",
        help="with --holdout: only the beauty balance on generated communities",
    )
    ap.add_argument(
        "--serve",
        action="store_true",
        help="the learned ranker's recommend USER: fit once, then per-user latency",
    )
    ap.add_argument("--serve-users", type=int, default=200, help="users timed by --serve")
    ap.add_argument(
        "--skip-ladybug", action="store_true", help="with --serve: the Neo4j store only"
    )
    args = ap.parse_args()
    if args.serve:
        from recommend_serve import run as run_serve

        res = run_serve(
            args.users or 100_000,
            args.follows or 1_000_000,
            args.serve_users,
            args.seed,
            ladybug=not args.skip_ladybug,
        )
        name = "recommend_serve_neo4j.json" if args.skip_ladybug else "recommend_serve.json"
        path = args.out or ROOT / "bench" / "results" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(strict_json.dumps(res, indent=2) + "\n")
        print(f"wrote {path}")
        return
    if args.holdout:
        from recommend_holdout import run

        res = run(args.holdout_users, args.seed, args.community_only)
        name = "recommend_balance.json" if args.community_only else "recommend_holdout.json"
        path = args.out or ROOT / "bench" / "results" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(strict_json.dumps(res) + "\n")
        print(f"wrote {path}")
        return
    n_users = args.users or (20_000 if args.quick else 100_000)
    n_follows = args.follows or (200_000 if args.quick else 1_000_000)
    n_lat = args.latency_sample or (100 if args.quick else 300)
    out = args.out or ROOT / "bench" / "results" / (
        "recommend_quick.json"
        if args.quick
        else ("recommend_dense.json" if args.dense_only else "recommend.json")
    )

    import graphdb
    from analysis import fof
    from beautygraph.pipelines.recommend import recommend_batch

    t0 = time.perf_counter()
    ids, src, dst, beauty = synthetic_graph(n_users, n_follows, args.seed)
    t_gen = time.perf_counter() - t0
    rng = np.random.default_rng(args.seed + 1)
    sample = sorted(rng.choice(ids, n_lat, replace=False).tolist())
    result: dict = {
        "n_users": n_users,
        "n_follows": int(len(src)),
        "latency_sample": n_lat,
        "seed": args.seed,
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "generate_s": t_gen,
    }
    if not args.dense_only:
        with tempfile.TemporaryDirectory() as tmp:
            store = graphdb.connect(Path(tmp) / "bench.lbdb")
            t0 = time.perf_counter()
            fill_store(store, ids, src, dst, beauty)
            result["load_s"] = time.perf_counter() - t0
            result["ladybug"] = {}
            for method in METHODS:
                lat, answers = per_user_latency(store, sample, method)
                t0 = time.perf_counter()
                batch = recommend_batch(store, method, k=10, tolerance=0.10)
                t_batch = time.perf_counter() - t0
                frame = batch.frame[batch.frame.user.isin(sample)]
                got: dict[str, list] = {u: [] for u in sample}
                for u, c, s in frame[["user", "candidate", "score"]].itertuples(index=False):
                    got[u].append((c, round(float(s), 9)))
                loop_extrapolated = float(lat.mean() * n_users)
                t0 = time.perf_counter()  # the sparse-matrix kernel alone, on the same arrays
                fof.recommend(src, dst, n_users, method, k=10, tolerance=0.10, beauty=beauty)
                t_kernel = time.perf_counter() - t0
                result["ladybug"][method] = {
                    "per_user": stats(lat),
                    "batch_all_users_s": t_batch,
                    "batch_kernel_only_s": t_kernel,
                    "loop_extrapolated_s": loop_extrapolated,
                    "speedup_batch_vs_loop": loop_extrapolated / t_batch,
                    "n_recommendations": int(len(batch.frame)),
                    "sample_answers_agree": got == answers,
                }
                print(
                    f"{method}: per-user p50 {stats(lat)['p50_ms']:.2f} ms, p99 "
                    f"{stats(lat)['p99_ms']:.2f} ms; batch {t_batch:.2f} s vs loop "
                    f"{loop_extrapolated:.1f} s (x{loop_extrapolated / t_batch:.1f}), kernel "
                    f"{t_kernel:.2f} s; "
                    f"agree={got == answers}",
                    flush=True,
                )
            tracemalloc.start()
            recommend_batch(store, "cn", k=10)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            result["batch_cn_tracemalloc_peak_mb"] = peak / 2**20
            store.close()
        print("sparse graph: kernel vs plain chunked A[rows] @ A", flush=True)
        result["sparse_kernel_vs_plain"] = kernel_vs_plain(src, dst, n_users, beauty)
    dn, dd = (2000, 60) if args.quick else (args.dense_users, args.dense_degree)
    ids_d, src_d, dst_d, beauty_d = dense_graph(dn, dd, args.seed)
    print(f"dense graph ({dn} users, mean degree {len(src_d) / dn:.1f})", flush=True)
    dense: dict = {"n_users": dn, "n_follows": int(len(src_d)), "mean_degree": len(src_d) / dn}
    dense["kernel_vs_plain"] = kernel_vs_plain(src_d, dst_d, dn, beauty_d)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "dense.lbdb"
        store = graphdb.connect(db)
        fill_store(store, ids_d, src_d, dst_d, beauty_d)
        pipeline_s = {}
        for method in ("cn", "aa"):
            t0 = time.perf_counter()
            recommend_batch(store, method, k=10)
            pipeline_s[method] = time.perf_counter() - t0
        store.close()
        dense["cli_recommend_all"] = {}
        for method in ("cn", "aa"):
            t_cli = cli_end_to_end(db, method)
            t_fn = dense["kernel_vs_plain"][method]["kernel_s"]
            dense["cli_recommend_all"][method] = {
                "cli_s": t_cli,
                "batch_function_s": t_fn,
                "ratio": t_cli / t_fn,
                # the pipeline's batch function on the store (export + kernel), in process
                "recommend_batch_s": pipeline_s[method],
                "ratio_vs_recommend_batch": t_cli / pipeline_s[method],
            }
            print(
                f"  recommend --all --method {method}: {t_cli:.2f} s vs batch kernel {t_fn:.2f} s "
                f"(x{t_cli / t_fn:.2f}), vs recommend_batch on the store "
                f"{pipeline_s[method]:.2f} s (x{t_cli / pipeline_s[method]:.2f})",
                flush=True,
            )
    result["dense"] = dense
    if os.environ.get("NEO4J_URI") and not args.dense_only:
        store = graphdb.connect(os.environ["NEO4J_URI"])
        store.clear()
        t0 = time.perf_counter()
        fill_store(store, ids, src, dst, beauty)
        result["neo4j_load_s"] = time.perf_counter() - t0
        result["neo4j"] = {}
        for method in METHODS:
            lat, _ = per_user_latency(store, sample, method)
            result["neo4j"][method] = {"per_user": stats(lat)}
            print(
                f"neo4j {method}: p50 {stats(lat)['p50_ms']:.2f} ms, "
                f"p99 {stats(lat)['p99_ms']:.2f} ms",
                flush=True,
            )
        store.clear()
        store.close()
    else:
        result["neo4j"] = "skipped: NEO4J_URI not set"
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(strict_json.dumps(result, indent=2))
    print(
        strict_json.dumps(
            {k: v for k, v in result.items() if k not in ("ladybug", "neo4j")}, indent=2
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
