"""Benchmark: ``generate`` at 100k users (no images) vs. writing the same rows with pandas.

Baseline (same run): building frames with the same number of rows and columns of
random ids/timestamps and writing them with ``DataFrame.to_csv`` — the I/O floor.
Peak memory: ``ru_maxrss`` of a child process per measurement; process CPU seconds are
reported beside wall-clock seconds because the machine may be shared.

    .venv/bin/python bench/bench_generate.py [--quick] [--users N]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path

from beautygraph import strict_json


def _run_generate(n: int, q: mp.Queue) -> None:
    from beautygraph.generate import GeneratorConfig, generate

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        truth = generate(GeneratorConfig(n_users=n, seed=1), tmp)
        dt = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    q.put(
        {
            "seconds": dt,
            "counts": truth["params"]["counts"],
            "cpu_seconds": ru.ru_utime + ru.ru_stime,
            "peak_rss_mb": ru.ru_maxrss / 1024,
        }
    )


def _run_baseline(counts: dict, q: mp.Queue) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    n = counts["users"]
    ids = np.array([f"u{i:06d}" for i in range(1, n + 1)], dtype=object)
    start = np.datetime64("2024-01-01T00:00:00", "s")

    def ts(k: int) -> np.ndarray:
        return np.datetime_as_string(
            start + rng.integers(0, 104 * 604800, k).astype("timedelta64[s]"), unit="s"
        )

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = Path(tmp)
        pd.DataFrame({"user_id": ids, "joined_at": ts(n), "bio": ""}).to_csv(
            out / "u.csv", index=False
        )
        k = counts["follows"]
        pd.DataFrame(
            {
                "src": ids[rng.integers(0, n, k)],
                "dst": ids[rng.integers(0, n, k)],
                "created_at": ts(k),
            }
        ).to_csv(out / "f.csv", index=False)
        k = counts["photos"]
        pids = np.array([f"p{i:07d}" for i in range(1, k + 1)], dtype=object)
        pd.DataFrame(
            {
                "photo_id": pids,
                "owner": ids[rng.integers(0, n, k)],
                "uploaded_at": ts(k),
                "path": "images/" + pids + ".jpg",
                "tags": "tbt;love",
                "beauty": rng.random(k),
            }
        ).to_csv(out / "p.csv", index=False)
        k = counts["favorites"]
        pd.DataFrame(
            {
                "user_id": ids[rng.integers(0, n, k)],
                "photo_id": pids[rng.integers(0, len(pids), k)],
                "created_at": ts(k),
            }
        ).to_csv(out / "fa.csv", index=False)
        dt = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    q.put(
        {
            "seconds": dt,
            "cpu_seconds": ru.ru_utime + ru.ru_stime,
            "peak_rss_mb": ru.ru_maxrss / 1024,
        }
    )


def _child(target, *args) -> dict:
    q: mp.Queue = mp.Queue()
    p = mp.Process(target=target, args=(*args, q))
    p.start()
    res = q.get()
    p.join()
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10k users instead of 100k")
    ap.add_argument("--users", type=int, default=None)
    args = ap.parse_args()
    n = args.users or (10_000 if args.quick else 100_000)
    gen = _child(_run_generate, n)
    base = _child(_run_baseline, gen["counts"])
    result = {
        "benchmark": "generate",
        "users": n,
        "counts": gen["counts"],
        "generate_seconds": round(gen["seconds"], 2),
        "generate_peak_rss_mb": round(gen["peak_rss_mb"], 1),
        "generate_process_cpu_seconds": round(gen["cpu_seconds"], 2),
        "baseline_to_csv_seconds": round(base["seconds"], 2),
        "baseline_process_cpu_seconds": round(base["cpu_seconds"], 2),
        "baseline_peak_rss_mb": round(base["peak_rss_mb"], 1),
        "ratio_generate_over_baseline": round(gen["seconds"] / base["seconds"], 2),
        "target_seconds": 60 if n >= 100_000 else None,
    }
    out = Path(__file__).resolve().parent / "results" / f"bench_generate_{n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(strict_json.dumps(result, indent=2) + "\n")
    print(strict_json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
