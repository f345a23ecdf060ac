"""Benchmark: how far one machine goes — ALF (Algorithm 1 + authorities) on scipy with
topic blocks at 1M users × 10M follows × 100 topics, and Spark local against scipy at 1M
follows.

Cases (each in its own subprocess, so every peak RSS is that case's own):

* ``scipy``: :func:`analysis.alf.blocked.find_authorities_blocked` on a synthetic graph
  (heavy-tailed popularity, 30 % of users with 1–3 of the topics) — seconds and peak RSS;
  target at 1M × 10M × 100 with topic blocks: <= 60 s and <= 12 GB on 2 cores / 24 GB;
* ``full``: the unblocked reference (``algorithm1`` + ``find_authorities``) on the same
  graph, the memory baseline the blocks are measured against (small sizes only);
* ``spark``: :func:`beautygraph.engines.spark_alf.authorities_job` in local mode on a
  Parquet export of the same arrays, against ``scipy`` in the same run (ratio).

Every case uses the CLI's evidence settings (``--min-support 3``, Pass 1 over ``n_in``)
unless ``--min-support`` / ``--pass1-denominator`` say otherwise, and reports wall seconds
and the process's CPU seconds (on a shared machine the wall time grows with the load; the
CPU time is what an idle core would need).

From the measured peak RSS per follow and per user × block the README states the largest
graph a 24 GB machine handles.  Writes ``bench/results/scale.json`` (``scale_quick.json``
with ``--quick``: 100k × 1M × 20 and Spark at 100k follows).
Run: ``.venv/bin/python bench/bench_scale.py [--quick] [--skip-big] [--skip-spark]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def synthetic(n_users: int, n_follows: int, n_topics: int, seed: int = 0):
    """Follow edges (src, dst) with Pareto popularity and a sparse interest matrix."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    src = rng.integers(0, n_users, n_follows, dtype=np.int64)
    w = rng.pareto(1.3, n_users) + 1.0
    cdf = np.cumsum(w / w.sum())
    dst = np.searchsorted(cdf, rng.random(n_follows)).astype(np.int64)
    np.minimum(dst, n_users - 1, out=dst)
    users = np.flatnonzero(rng.random(n_users) < 0.3)
    k = rng.integers(1, 4, len(users))
    rows = np.repeat(users, k)
    cols = rng.integers(0, n_topics, len(rows))
    S = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_users, n_topics))
    S.data[:] = 1.0
    return src, dst, S


def _cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def run_case(args) -> dict:
    """One case in this process; returns seconds and peak RSS."""
    from analysis.alf import algorithm1, find_authorities, follow_matrix
    from analysis.alf.blocked import find_authorities_blocked

    t0 = time.perf_counter()
    src, dst, S = synthetic(args.users, args.follows, args.topics, args.seed)
    A = follow_matrix(src, dst, args.users)
    del src, dst
    t_gen = time.perf_counter() - t0
    out: dict = {"case": args.case, "users": args.users, "follows": int(A.nnz)}
    out.update(topics=args.topics, generate_s=t_gen)
    out.update(min_support=args.min_support, pass1_denominator=args.pass1_denominator)
    evidence = {"min_support": args.min_support, "pass1_denominator": args.pass1_denominator}
    if args.case == "scipy":
        t0, c0 = time.perf_counter(), _cpu_s()
        res = find_authorities_blocked(
            A, S, block=args.block, dtype=np.dtype(args.dtype), **evidence
        )
        out.update(block=args.block, dtype=args.dtype)
    elif args.case == "full":
        from analysis.alf.authorities import topical_support

        t0, c0 = time.perf_counter(), _cpu_s()
        F = algorithm1(A, S, pass1_denominator=args.pass1_denominator).F
        res = find_authorities(
            F,
            np.asarray(A.sum(axis=0)).ravel(),
            support=topical_support(A, S),
            min_support=args.min_support,
        )
    else:
        return run_spark(args, A, S)
    out["seconds"] = time.perf_counter() - t0
    out["cpu_s"] = _cpu_s() - c0
    out["authorities"] = int((res.topic >= 0).sum())
    out["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return out


def _write_export(folder: Path, A, S) -> None:
    """The Parquet export layout (graphdb.parquet_export) of the arrays, written directly."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (folder / "nodes").mkdir(parents=True)
    (folder / "relationships").mkdir()
    V, T = S.shape
    for label, n, pre in (("User", V, "u"), ("Topic", T, "t")):
        idx = np.arange(n, dtype=np.int64)
        ids = pa.array([f"{pre}{i:08d}" for i in range(n)], pa.string())
        pq.write_table(pa.table({"index": idx, "id": ids}), folder / "nodes" / f"{label}.parquet")
    coo = A.tocoo()
    pq.write_table(
        pa.table({"src": coo.row.astype(np.int64), "dst": coo.col.astype(np.int64)}),
        folder / "relationships" / "FOLLOWS.parquet",
    )
    si = S.tocoo()
    pq.write_table(
        pa.table(
            {
                "src": si.row.astype(np.int64),
                "dst": si.col.astype(np.int64),
                "source": pa.array(["bio"] * si.nnz, pa.string()),
            }
        ),
        folder / "relationships" / "INTERESTED_IN.parquet",
    )


def run_spark(args, A, S) -> dict:
    from analysis.alf.blocked import find_authorities_blocked
    from analysis.alf.params import AlfParams
    from beautygraph.engines.spark_alf import authorities_job
    from beautygraph.engines.spark_session import get_session

    out: dict = {"case": "spark", "users": args.users, "follows": int(A.nnz)}
    out["topics"] = args.topics
    import pyarrow.parquet as pq

    evidence = {"min_support": args.min_support, "pass1_denominator": args.pass1_denominator}
    out.update(evidence)
    t0, c0 = time.perf_counter(), _cpu_s()
    ref = find_authorities_blocked(A, S, block=args.topics, **evidence)
    out["scipy_s"] = time.perf_counter() - t0
    out["scipy_cpu_s"] = _cpu_s() - c0
    with tempfile.TemporaryDirectory() as tmp:
        _write_export(Path(tmp) / "export", A, S)
        t0 = time.perf_counter()
        spark = get_session("local[*]")
        out["session_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        counts = authorities_job(
            spark,
            Path(tmp) / "export",
            Path(tmp) / "results",
            AlfParams(topic_block=args.topics, **evidence),
        )
        out["spark_s"] = time.perf_counter() - t0
        got = pq.read_table(Path(tmp) / "results" / "relationships" / "AUTHORITY_ON.parquet")
        pairs = set(zip(got["src"].to_pylist(), got["dst"].to_pylist(), strict=True))
    out["ratio_spark_vs_scipy"] = out["spark_s"] / out["scipy_s"]
    want = {(f"u{int(u):08d}", f"t{t:08d}") for t, users in enumerate(ref.ranked) for u in users}
    out["authorities"] = len(want)
    out["same_authorities"] = pairs == want
    out["same_number_of_authorities"] = counts["authorities"] == len(want)
    return out


def subprocess_case(case: str, users: int, follows: int, topics: int, **kw) -> dict:
    cmd = [sys.executable, __file__, "--case", case, "--users", str(users)]
    cmd += ["--follows", str(follows), "--topics", str(topics)]
    for k, v in kw.items():
        cmd += [f"--{k}", str(v)]
    print("$", " ".join(cmd[1:]), flush=True)
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    if proc.returncode:
        return {"case": case, "error": proc.stderr.strip().splitlines()[-1:]}
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    print("  ", row, flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-big", action="store_true", help="leave out 1M x 10M x 100")
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--case", choices=["scipy", "full", "spark"], default=None)
    ap.add_argument("--users", type=int, default=0)
    ap.add_argument("--follows", type=int, default=0)
    ap.add_argument("--topics", type=int, default=0)
    ap.add_argument("--block", type=int, default=10)
    ap.add_argument("--dtype", default="float64")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-support", type=int, default=3)
    ap.add_argument("--pass1-denominator", choices=["n_in", "m_in"], default="n_in")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(args)))
        return
    result: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cpus"}
    small = (100_000, 1_000_000, 20) if args.quick else (200_000, 2_000_000, 100)
    rows = [
        subprocess_case("full", *small),
        subprocess_case("scipy", *small, block=10),
        subprocess_case("scipy", *small, block=10, dtype="float32"),
    ]
    if not args.quick and not args.skip_big:
        for block, dtype in ((10, "float64"), (10, "float32")):
            rows.append(
                subprocess_case("scipy", 1_000_000, 10_000_000, 100, block=block, dtype=dtype)
            )
    if not args.skip_spark:
        sf = (20_000, 100_000, 10) if args.quick else (100_000, 1_000_000, 10)
        rows.append(subprocess_case("spark", *sf))
    result["cases"] = rows
    out = args.out or ROOT / "bench" / "results" / (
        "scale_quick.json" if args.quick else "scale.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
