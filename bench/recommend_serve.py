"""Serving the learned whom-to-follow ranker: ``recommend USER`` latency at 100k users.

A synthetic follow graph of the paper's shape (``bench_recommend.synthetic_graph``: 100k
users, 1M follows, Pareto popularity, user beauty) with declared interests (34 topics; 30 %
of the users declare one to three, :func:`fill_interests`, so that the ranker computes its
interest signals — the propagated interests and the topic authorities — at fit, index and
serving time) is loaded into an embedded LadybugDB (and into Neo4j when ``NEO4J_URI`` is
set), then:

* **fit**: the ranker is fitted once and its serving index built (export, data version,
  fit, index: seconds per stage);
* **in process**, for ``--serve-users`` users drawn with the seed (≥ 200), the latency of
  ``learned_recommendations`` (the data-stamp check, the user's candidates and features
  from the serving index, one model call, the explanations) and of ``recommend_user(...,
  "learned")`` (the same plus the command's two Cypher look-ups: the user and the
  candidates' photo counts): p50 / p90 / p99 ms;
* **baselines in the same run**: the CN Cypher recommender per user on the same users, and
  the full-export path this replaces (export the graph, hash it, graph statistics, the
  embedding, every signal of the user against every account) on a few users;
* **the command line end to end**: the wall seconds of ``beautygraph recommend USER
  --json`` in a fresh process (interpreter start, imports, opening the store, loading the
  model and index files), against ``python -c "import beautygraph.cli"`` alone;
* **batch**: ``recommend --sample N`` with the learned ranker (users per second).

Load average is recorded before and after: other work on the machine slows every figure.
Run: ``.venv/bin/python bench/bench_recommend.py --serve [--users N --follows M]
[--skip-ladybug]``; writes ``bench/results/recommend_serve.json``
(``recommend_serve_neo4j.json`` with ``--skip-ladybug``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _load() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def _ms(t: list[float]) -> dict:
    a = np.asarray(t) * 1e3
    return {
        "p50_ms": float(np.percentile(a, 50)),
        "p90_ms": float(np.percentile(a, 90)),
        "p99_ms": float(np.percentile(a, 99)),
        "mean_ms": float(a.mean()),
        "n": int(len(a)),
    }


def _timed(fn, users) -> tuple[list[float], dict]:
    times, answers = [], {}
    for u in users:
        t0 = time.perf_counter()
        answers[u] = fn(u)
        times.append(time.perf_counter() - t0)
    return times, answers


def full_export_path(store, user: str, ranker) -> list[str]:
    """The path the serving index replaces: export and hash the graph, then its statistics,
    the embedding, the interest signals and every signal of the user against every account
    (the block path)."""
    from analysis.linkpred.balance import top_k
    from analysis.linkpred.interests import interest_signals
    from analysis.linkpred.signals import graph_stats
    from beautygraph.pipelines.learned_recommend import data_version, store_graph

    g = store_graph(store)
    data_version(g)
    u = int(np.searchsorted(g.user_ids, user))
    stats = graph_stats(g.A)
    emb = ranker.embedder(stats.A) if ranker.embedder is not None else None
    known = g.known()
    seeds = known.pop("seeds")
    interests = interest_signals(stats.A, seeds) if seeds is not None else None
    c = ranker.candidate_pairs(stats, np.array([u]), emb, interests, **known)
    prob = ranker.model.predict_proba(c.X)[:, 1]
    return g.user_ids[top_k(c.user, c.item, prob, 10)[u]].tolist()


#: topics of the generated interests: as many as the BabelNet domains of the papers
N_TOPICS = 34


def fill_interests(store, ids: np.ndarray, seed: int, share: float = 0.3) -> int:
    """Topics and declared interests (``INTERESTED_IN {source: 'declared'}``): a ``share``
    of the users, drawn with ``seed``, each with one to three topics drawn at random
    (the latency does not depend on what the interests mean).  Returns the number of
    interests."""
    import pandas as pd

    rng = np.random.default_rng(seed + 2)
    topics = np.array([f"topic{t:02d}" for t in range(N_TOPICS)], dtype=object)
    store.insert_nodes("Topic", pd.DataFrame({"id": topics, "name": topics}))
    users = ids[rng.random(len(ids)) < share]
    per_user = rng.integers(1, 4, len(users))
    who = np.repeat(users, per_user)
    what = topics[rng.integers(0, N_TOPICS, len(who))]
    pairs = pd.DataFrame({"src": who, "dst": what}).drop_duplicates()
    pairs["source"] = "declared"
    return store.insert_rels("INTERESTED_IN", pairs)


def _cli_seconds(args: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def cli_walls(db: str, user: str, repeats: int = 3) -> dict:
    """Wall seconds of the command in a fresh process, and of the bare imports."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "beautygraph.cli", "--db", db, "recommend", user, "--json"]
    imports = [sys.executable, "-c", "import beautygraph.cli"]
    walls = [_cli_seconds(cmd, env) for _ in range(repeats)]
    bare = [_cli_seconds(imports, env) for _ in range(repeats)]
    return {"recommend_user_s": walls, "import_only_s": bare, "min_recommend_s": min(walls)}


def serve_store(store, sample: list[str], n_baseline: int, label: str) -> dict:
    """Fit once, then every timing of the module docstring on ``store``."""
    from beautygraph.pipelines import learned_recommend as lr
    from beautygraph.pipelines.recommend import recommend_batch, recommend_user
    from kernel.steps import Steps

    out: dict = {"load_before": _load()}
    steps = Steps()
    t0 = time.perf_counter()
    served = lr.served_ranker(store, steps=steps)
    out["fit"] = {"total_s": time.perf_counter() - t0, **steps.seconds}
    print(f"{label}: fit {out['fit']['total_s']:.1f} s {steps.seconds}", flush=True)
    lr.learned_recommendations(store, sample[0])  # warm: first model call
    t_serve, answers = _timed(
        lambda u: [r.user_id for r in lr.learned_recommendations(store, u)], sample
    )
    t_user, _ = _timed(lambda u: recommend_user(store, u, "learned"), sample)
    t_cn, _ = _timed(lambda u: recommend_user(store, u, "cn"), sample)
    few = sample[:n_baseline]
    t_full, full = _timed(lambda u: full_export_path(store, u, served.ranker), few)
    out["serve"] = _ms(t_serve)
    out["recommend_user"] = _ms(t_user)
    out["cn_cypher"] = _ms(t_cn)
    out["full_export_path"] = _ms(t_full)
    out["full_path_same_answers"] = all(full[u] == answers[u] for u in few)
    out["speedup_vs_full_path"] = float(np.median(t_full) / np.median(t_serve))
    t0 = time.perf_counter()
    batch = recommend_batch(store, "learned", sample=len(sample), seed=1)
    dt = time.perf_counter() - t0
    out["batch"] = {"users": batch.n_users, "seconds": dt, "users_per_s": batch.n_users / dt}
    out["load_after"] = _load()
    print(
        f"{label}: serve p50 {out['serve']['p50_ms']:.1f} ms (p90 {out['serve']['p90_ms']:.1f},"
        f" p99 {out['serve']['p99_ms']:.1f}); recommend_user p50 "
        f"{out['recommend_user']['p50_ms']:.1f} ms; CN Cypher p50 "
        f"{out['cn_cypher']['p50_ms']:.1f} ms; full-export path p50 "
        f"{out['full_export_path']['p50_ms']:.0f} ms (x{out['speedup_vs_full_path']:.0f}, "
        f"same answers {out['full_path_same_answers']}); batch {out['batch']['users_per_s']:.0f}"
        f" users/s; load {out['load_before']} -> {out['load_after']}",
        flush=True,
    )
    return out


def run(
    n_users: int,
    n_follows: int,
    n_sample: int,
    seed: int,
    n_baseline: int = 3,
    ladybug: bool = True,
) -> dict:
    from bench_recommend import fill_store, synthetic_graph

    import graphdb

    ids, src, dst, beauty = synthetic_graph(n_users, n_follows, seed)

    def fill(store) -> tuple[float, int]:
        """The graph and the interests into ``store``: seconds, interests."""
        t0 = time.perf_counter()
        fill_store(store, ids, src, dst, beauty)
        interests = fill_interests(store, ids, seed)
        return time.perf_counter() - t0, interests

    rng = np.random.default_rng(seed + 1)
    sample = sorted(rng.choice(ids, n_sample, replace=False).tolist())
    result: dict = {
        "n_users": n_users,
        "n_follows": int(len(src)),
        "sample": n_sample,
        "seed": seed,
        "machine": f"{os.cpu_count()} cpus",
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
    }
    if not ladybug:
        result["ladybug"] = "skipped: --skip-ladybug"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "serve.lbdb"
            store = graphdb.connect(db)
            result["load_s"], result["interests"] = fill(store)
            result["ladybug"] = serve_store(store, sample, n_baseline, "ladybug")
            store.close()
            result["ladybug"]["cli"] = cli_walls(str(db), sample[0])
            print(f"ladybug CLI: {result['ladybug']['cli']}", flush=True)
    if os.environ.get("NEO4J_URI"):
        store = graphdb.connect(os.environ["NEO4J_URI"])
        store.clear()
        result["neo4j_load_s"], result["interests"] = fill(store)
        result["neo4j"] = serve_store(store, sample, n_baseline, "neo4j")
        store.clear()
        store.close()
    else:
        result["neo4j"] = "skipped: NEO4J_URI not set"
    return result
