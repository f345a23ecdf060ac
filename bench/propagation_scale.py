"""Interest propagation at a platform's size, and the measurements behind ``auto``'s switch
from dense NetMF to ProNE (run through ``bench/bench_propagation.py``).

``--scale``: generated communities with planted interests
(:func:`analysis.propagation.planted.planted_graph`: a degree-corrected planted partition,
50 topics, heavy-tailed degrees, 60 % of follows within a shared topic) with 10 % of the
users labelled and the other 90 % hidden and scored.  Each size runs in a subprocess of its
own, so its peak resident memory (``ru_maxrss`` from ``wait4``) and CPU seconds are that
size's alone.  In the subprocess, after the graph is generated (timed apart), ``prone_lr``
(the scalable learned method: embedding, then the classifiers), the ``vote`` and
``majority`` baselines and optionally ``auto`` run on the same labelled users, and each is
scored on the hidden users (Micro-/Macro-F1 of the DeepWalk protocol, accuracy@1).

Targets (issue): 100k users × 1M follows ≤ 90 s wall; 1M users × 10M follows × 50 topics
≤ 15 min wall and ≤ 8 GB peak RSS, on this 2-core machine.

``--threshold``: ``netmf_lr`` (dense NetMF) beside ``prone_lr`` on generated communities of
growing size (time and F1), the measurement behind
:data:`analysis.propagation.methods.DENSE_NETMF_MAX_USERS`.

``--versus-netmf``: ``prone_lr`` beside ``netmf_lr`` on BlogCatalog at 10 % and 90 %
labelled (the DeepWalk protocol, the main bench's splits); target: within 1 point, Micro
and Macro.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.propagation import PropagationGraph, propagate, select_method  # noqa: E402
from analysis.propagation.evaluation import (  # noqa: E402
    f1_micro_macro,
    score_predictions,
    top_true_predictions,
)
from analysis.propagation.learned import prone_features, spectral_features  # noqa: E402
from analysis.propagation.methods import PRONE_DIM, _hide, _prior  # noqa: E402
from analysis.propagation.planted import planted_graph  # noqa: E402

#: (users, follows) of each --scale size, and the wall-clock targets in seconds
SIZES = {"10k": (10_000, 100_000), "100k": (100_000, 1_000_000), "1M": (1_000_000, 10_000_000)}
WALL_TARGET_S = {"100k": 90.0, "1M": 900.0}
RSS_TARGET_MB = {"1M": 8000.0}
TOPICS = 50
LABELLED = 0.1


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(t: tuple[float, float]) -> dict:
    return {
        "wall_s": round(time.perf_counter() - t[0], 1),
        "cpu_s": round(time.process_time() - t[1], 1),
    }


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _scores(
    F: np.ndarray, truth: np.ndarray, hidden: np.ndarray, prior: np.ndarray, rows: int = 50_000
) -> dict:
    """The DeepWalk protocol's Micro-/Macro-F1 and accuracy@1 of the hidden users (in %),
    the predictions made a block of users at a time (:func:`top_true_predictions` holds
    several int64 copies of its scores: 1.5 GB for 900k users × 50 topics at once)."""
    hidden = hidden[truth[hidden].any(axis=1)]
    pred = np.empty((len(hidden), truth.shape[1]), dtype=bool)
    hit = np.empty(len(hidden), dtype=bool)
    for start in range(0, len(hidden), rows):
        users = hidden[start : start + rows]
        t = truth[users]
        pred[start : start + rows] = top_true_predictions(F[users], t.sum(axis=1), prior)
        top1 = top_true_predictions(F[users], np.ones(len(users), dtype=np.int64), prior)
        hit[start : start + rows] = (top1 & t).any(axis=1)
    micro, macro = f1_micro_macro(truth[hidden], pred)
    return {
        "micro_f1": round(100 * micro, 2),
        "macro_f1": round(100 * macro, 2),
        "accuracy": round(100 * float(hit.mean()), 2),
        "n_scored": int(len(hidden)),
    }


def labelled_split(n: int, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(labelled, hidden) users: each user labelled with probability ``share``, drawn from
    a stream of its own (the generator's stream would correlate it with the topics)."""
    rng = np.random.default_rng([seed, 7919])
    labelled = rng.random(n) < share
    return np.flatnonzero(labelled), np.flatnonzero(~labelled)


def one_size(users: int, follows: int, seed: int, auto: bool) -> dict:
    """Everything measured at one size (runs inside the size's own subprocess)."""
    out: dict = {"users": users, "follows_asked": follows, "topics": TOPICS}
    out["load_avg_1m_before"] = _load()
    t = _clock()
    pg = planted_graph(users, follows, TOPICS, seed=seed)
    graph = PropagationGraph.from_edges(pg.src, pg.dst, pg.n_users)
    _ = graph.W
    out["generate"] = _since(t)
    out["follows"] = int(len(pg.src))
    truth = pg.truth
    del pg  # the follow lists live on in the graph's matrices
    _, hidden = labelled_split(users, LABELLED, seed)
    Y = _hide(sp.csr_matrix(truth, dtype=np.float64), hidden)
    prior = _prior(Y)
    out["labelled_users"] = int(users - len(hidden))
    print(f"  {users} users: generated {out['generate']}", file=sys.stderr, flush=True)
    t_all = _clock()
    t = _clock()
    prone_features(graph, PRONE_DIM, 0)
    out["prone_embedding"] = _since(t)
    t = _clock()
    F = propagate(graph, Y, "prone_lr", seed=seed).F
    out["prone_classifier"] = _since(t)
    out["prone_lr"] = {**_scores(F, truth, hidden, prior), **_since(t_all)}
    del F
    print(f"  prone_lr: {out['prone_lr']}", file=sys.stderr, flush=True)
    for name in ("vote", "majority"):
        t = _clock()
        F = propagate(graph, Y, name, seed=seed).F
        out[name] = {**_scores(F, truth, hidden, prior), **_since(t)}
        del F
    if auto:
        t = _clock()
        sel = select_method(graph, Y, folds=3, seed=seed)
        F = propagate(graph, Y, sel.best, seed=seed).F
        out["auto"] = {
            "pick": sel.best,
            "candidates": sorted(sel.scores),
            "cv_micro_f1": {m: round(100 * s.micro_f1, 2) for m, s in sel.scores.items()},
            **_scores(F, truth, hidden, prior),
            **_since(t),
            "note": "embedding cached by prone_lr's run above",
        }
        del F
    out["load_avg_1m_after"] = _load()
    return out


def run_size_subprocess(name: str, seed: int, auto: bool) -> dict:
    """One size in a fresh interpreter; its peak RSS and CPU time from ``wait4``."""
    users, follows = SIZES[name]
    cmd = [sys.executable, str(Path(__file__)), str(users), str(follows), str(seed)]
    cmd += ["--auto"] if auto else []
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    text = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"size {name} failed with exit code {proc.returncode}")
    res = json.loads(text)
    res["size"] = name
    res["process"] = {
        "wall_s": round(time.perf_counter() - t0, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024.0, 0),
        "includes": "interpreter start, imports, graph generation and every method",
    }
    wall = res["prone_lr"]["wall_s"]
    res["targets"] = {
        "prone_lr_wall_s": WALL_TARGET_S.get(name),
        "peak_rss_mb": RSS_TARGET_MB.get(name),
        "wall_met": None if name not in WALL_TARGET_S else bool(wall <= WALL_TARGET_S[name]),
        "rss_met": None
        if name not in RSS_TARGET_MB
        else bool(res["process"]["peak_rss_mb"] <= RSS_TARGET_MB[name]),
    }
    return res


def _embed(graph: PropagationGraph, method: str) -> None:
    """Compute (and cache on ``graph``) the embedding ``method`` uses."""
    if method == "netmf_lr":
        spectral_features(graph)
    else:
        prone_features(graph, PRONE_DIM, 0)


def threshold_sweep(sizes: list[int], seed: int) -> list[dict]:
    """``netmf_lr`` beside ``prone_lr`` on generated communities: embedding and classifier
    time, and F1 of the hidden users (10 % labelled)."""
    rows = []
    for users in sizes:
        pg = planted_graph(users, 10 * users, TOPICS, seed=seed)
        graph = PropagationGraph.from_edges(pg.src, pg.dst, pg.n_users)
        _, hidden = labelled_split(users, LABELLED, seed)
        Y = _hide(sp.csr_matrix(pg.truth, dtype=np.float64), hidden)
        row: dict = {"users": users, "follows": int(len(pg.src)), "load_avg_1m": [_load()]}
        for method in ("netmf_lr", "prone_lr"):
            t = _clock()
            _embed(graph, method)
            emb = _since(t)
            t = _clock()
            F = propagate(graph, Y, method, seed=seed).F
            row[method] = {
                "embedding": emb,
                "classifier": _since(t),
                **_scores(F, pg.truth, hidden, _prior(Y)),
            }
        row["load_avg_1m"].append(_load())
        print(json.dumps(row), file=sys.stderr, flush=True)
        rows.append(row)
    return rows


def versus_netmf(graph: PropagationGraph, Y: sp.csr_matrix, seeds: list[int]) -> dict:
    """``prone_lr`` and ``netmf_lr`` on BlogCatalog at 10 % and 90 % labelled (the main
    bench's splits), with each embedding's time."""
    truth = np.asarray(Y.todense()) > 0
    out: dict = {"load_avg_1m_before": _load(), "embedding": {}}
    for name in ("netmf_lr", "prone_lr"):
        t = _clock()
        _embed(graph, name)
        out["embedding"][name] = _since(t)
    for p in (0.1, 0.9):
        per: dict[str, list] = {"netmf_lr": [], "prone_lr": []}
        for seed in seeds:
            rng = np.random.default_rng(1000 * seed + int(round(100 * p)))
            hidden = np.flatnonzero(~(rng.random(Y.shape[0]) < p))
            Y_train = _hide(Y, hidden)
            for m in per:
                F = propagate(graph, Y_train, m, seed=seed).F
                s = score_predictions(F[hidden], truth[hidden], _prior(Y_train))
                per[m].append((100 * s.micro_f1, 100 * s.macro_f1))
        row = {m: np.mean(v, axis=0).round(2).tolist() for m, v in per.items()}
        gap = (np.array(row["prone_lr"]) - np.array(row["netmf_lr"])).round(2).tolist()
        out[f"{round(100 * p)}%"] = {
            "netmf_lr_micro_macro": row["netmf_lr"],
            "prone_lr_micro_macro": row["prone_lr"],
            "prone_minus_netmf": gap,
            "within_1_point": bool(min(gap) >= -1.0),
            "per_seed": {m: np.round(v, 2).tolist() for m, v in per.items()},
        }
        print(json.dumps(out[f"{round(100 * p)}%"]), file=sys.stderr, flush=True)
    out["load_avg_1m_after"] = _load()
    return out


if __name__ == "__main__":
    users, follows, seed = (int(x) for x in sys.argv[1:4])
    print(json.dumps(one_size(users, follows, seed, "--auto" in sys.argv[4:])))
