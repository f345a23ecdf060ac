"""Benchmark: interest propagation on BlogCatalog (the DeepWalk protocol).

BlogCatalog (Tang & Liu, KDD 2009; 10,312 bloggers, 333,983 undirected ties, 39 groups used
as interests).  For each labelled fraction p (10 %, 50 %, 90 %) and each of 3 seeds, the
groups of a random p of the users are the seeds; every method of
``analysis.propagation`` scores the others, each hidden user is predicted her
top-|true groups| topics, and Micro-/Macro-F1 (in %) are reported beside DeepWalk's
published figures (Perozzi, Al-Rfou & Skiena, KDD 2014, Table 2).  ``auto`` — the default
method of ``interests propagate`` — chooses by 3-fold cross-validation on the labelled
users only.  The NetMF embedding does not depend on the labels, so — as in DeepWalk's
protocol, one embedding for every split — it is computed once per graph and timed on its
own; ``auto``'s time per fraction is, for all seeds together, its cross-validation plus the
final fit of the method it picks (wall clock and process CPU time; the CPU time bounds
what an idle 2-core machine would take, since the work is at most 2-way parallel).  Every
other method's time per run is reported beside it.  Peak memory is the process's maximum
resident set size so far after each fraction; the 1-minute load average before and after
each fraction is recorded, because the figures are only as good as the machine was idle.

Target (issue): ``auto`` beats DeepWalk's Micro- and Macro-F1 at 10 % (35.9 / 21.1) and at
90 % (42.4 / 28.2), in under 2 minutes per fraction on 2 cores.

Run: ``.venv/bin/python bench/bench_propagation.py [--mat PATH] [--quick]``; JSON in
``bench/results/bench_propagation.json``, a figure and the README's markdown table beside it.

At a platform's size (``bench/propagation_scale.py``):

* ``--scale [--quick] [--sizes 100k,1M] [--auto]``: generated communities with planted
  interests, 10 % labelled, ``prone_lr`` beside the ``vote`` and ``majority`` baselines,
  each size in its own subprocess (wall, CPU, peak RSS, load average); ``--quick`` is 10k
  users.  JSON in ``bench/results/bench_propagation_scale.json``.
* ``--threshold``: ``netmf_lr`` beside ``prone_lr`` on generated communities of growing
  size (``bench/results/bench_propagation_threshold.json``).
* ``--versus-netmf``: ``prone_lr`` beside ``netmf_lr`` on BlogCatalog at 10 % and 90 %
  labelled (``bench/results/bench_propagation_versus_netmf.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from analysis.propagation import CANDIDATES, PropagationGraph, propagate, select_method  # noqa: E402
from analysis.propagation.evaluation import score_predictions  # noqa: E402
from analysis.propagation.learned import prone_features, spectral_features  # noqa: E402
from analysis.propagation.methods import PRONE_DIM, _hide, _prior  # noqa: E402

DEFAULT_MAT = ROOT.parent / "shared" / "data" / "blogcatalog" / "blogcatalog.mat"
#: DeepWalk's published BlogCatalog figures (Perozzi et al., KDD 2014), Micro-F1 %, Macro-F1 %
DEEPWALK = {0.1: (35.9, 21.1), 0.9: (42.4, 28.2)}
#: the target: beat both at 10 % and 90 % labelled
TARGET = DEEPWALK
#: ... in under 2 minutes per fraction
TIME_LIMIT_S = 120.0
METHODS = CANDIDATES + ("majority",)


def load_blogcatalog(path: Path) -> tuple[PropagationGraph, sp.csr_matrix]:
    from scipy.io import loadmat

    mat = loadmat(path)
    G = sp.csr_matrix(mat["network"], dtype=np.float64)
    Y = sp.csr_matrix(mat["group"], dtype=np.float64)
    return PropagationGraph.from_matrix(G), Y


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(t: tuple[float, float]) -> tuple[float, float]:
    return time.perf_counter() - t[0], time.process_time() - t[1]


def embed_once(graph: PropagationGraph) -> dict:
    """The NetMF embedding of the graph (and ProNE's, for ``prone_lr``), computed once and
    cached on it (label-free); the top-level times are NetMF's."""
    graph.cache.clear()
    load = os.getloadavg()[0]
    t = _clock()
    spectral_features(graph)
    wall, cpu = _since(t)
    t = _clock()
    prone_features(graph, PRONE_DIM, 0)
    prone_wall, prone_cpu = _since(t)
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "prone": {"wall_s": round(prone_wall, 1), "cpu_s": round(prone_cpu, 1)},
        "load_avg_1m_before": round(load, 2),
        "load_avg_1m_after": round(os.getloadavg()[0], 2),
    }


def _mean_sd(values: list[float]) -> tuple[float, float]:
    arr = 100 * np.array(values)
    return round(float(arr.mean()), 2), round(float(arr.std(ddof=1)) if len(arr) > 1 else 0.0, 2)


def run_fraction(graph: PropagationGraph, Y: sp.csr_matrix, p: float, seeds: list[int]) -> dict:
    """Every method on ``len(seeds)`` random splits with a share ``p`` of users labelled.

    ``auto``'s time is its cross-validation plus the final fit of the method it picks, for
    all seeds together, with the graph's embedding already cached (:func:`embed_once`).
    """
    n = Y.shape[0]
    truth = np.asarray(Y.todense()) > 0
    per: dict[str, list] = {m: [] for m in ("auto",) + METHODS}
    seconds = {m: 0.0 for m in METHODS}
    picks = []
    auto_wall = auto_cpu = 0.0
    load_before = os.getloadavg()[0]
    for seed in seeds:
        rng = np.random.default_rng(1000 * seed + int(round(100 * p)))
        labelled = rng.random(n) < p
        hidden = np.flatnonzero(~labelled)
        Y_train = _hide(Y, hidden)
        prior = _prior(Y_train)
        t = _clock()
        sel = select_method(graph, Y_train, CANDIDATES, folds=3, seed=seed)
        best = propagate(graph, Y_train, sel.best, seed=seed)
        wall, cpu = _since(t)
        auto_wall += wall
        auto_cpu += cpu
        picks.append({"pick": sel.best, "cv_margin": round(sel.margin, 4), "seconds": wall})
        s = score_predictions(best.F[hidden], truth[hidden], prior)
        per["auto"].append((s.micro_f1, s.macro_f1, s.accuracy))
        for m in METHODS:
            r = best if m == sel.best else propagate(graph, Y_train, m, seed=seed)
            seconds[m] += r.seconds
            s = score_predictions(r.F[hidden], truth[hidden], prior)
            per[m].append((s.micro_f1, s.macro_f1, s.accuracy))
        print(
            f"  p={p} seed={seed}: auto picked {sel.best} (CV +{sel.margin:.4f}), "
            f"{per['auto'][-1][0]:.4f} / {per['auto'][-1][1]:.4f}, {wall:.1f} s",
            flush=True,
        )
    row: dict = {"p": p, "seeds": seeds, "auto_picks": picks}
    for m, v in per.items():
        mi, mi_sd = _mean_sd([x[0] for x in v])
        ma, ma_sd = _mean_sd([x[1] for x in v])
        row[m] = {
            "micro_f1": mi,
            "micro_f1_sd": mi_sd,
            "macro_f1": ma,
            "macro_f1_sd": ma_sd,
            "accuracy": _mean_sd([x[2] for x in v])[0],
            "per_seed": [[round(100 * x[0], 2), round(100 * x[1], 2)] for x in v],
        }
        if m in seconds:
            row[m]["seconds_per_run"] = round(seconds[m] / len(seeds), 2)
    row["time"] = {
        "auto_all_seeds_wall_s": round(auto_wall, 1),
        "auto_all_seeds_cpu_s": round(auto_cpu, 1),
        "auto_per_seed_wall_s": round(auto_wall / len(seeds), 1),
        "includes": f"{len(seeds)} seeds x (auto's 3-fold CV of {len(CANDIDATES)} methods "
        "+ the final fit); the NetMF and ProNE embeddings are cached (computed once per "
        "graph)",
    }
    row["peak_rss_mib"] = round(_rss_mib(), 0)
    row["load_avg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    dw = DEEPWALK.get(p)
    row["deepwalk"] = {"micro_f1": dw[0], "macro_f1": dw[1]} if dw else None
    if p in TARGET:
        tm, tM = TARGET[p]
        f1_ok = row["auto"]["micro_f1"] > tm and row["auto"]["macro_f1"] > tM
        row["beats_deepwalk_on_mean"] = bool(f1_ok)
        row["beats_deepwalk_on_every_seed"] = bool(
            all(a > tm and b > tM for a, b in row["auto"]["per_seed"])
        )
        row["meets_target"] = bool(f1_ok and auto_wall < TIME_LIMIT_S)
    return row


def markdown_table(rows: list[dict], embedding: dict) -> str:
    """The README table: Micro / Macro-F1 (%) mean ± sd over seeds, and the times."""
    names = ("auto",) + METHODS
    head = "| labelled | " + " | ".join(names) + " | DeepWalk | auto time (all seeds) |"
    lines = [head, "|" + "---|" * (len(names) + 3)]
    for r in rows:
        cells = [
            f"{r[m]['micro_f1']:.1f}±{r[m]['micro_f1_sd']:.1f} / "
            f"{r[m]['macro_f1']:.1f}±{r[m]['macro_f1_sd']:.1f}"
            for m in names
        ]
        cells[0] = f"**{cells[0]}**"
        dw = r["deepwalk"]
        dws = f"{dw['micro_f1']} / {dw['macro_f1']}" if dw else "-"
        tm = r["time"]
        lines.append(
            f"| {round(100 * r['p'])} % | "
            + " | ".join(cells)
            + f" | {dws} | {tm['auto_all_seeds_wall_s']} s wall, "
            f"{tm['auto_all_seeds_cpu_s']} s CPU (load {r['load_avg_1m'][0]}-"
            f"{r['load_avg_1m'][1]}) |"
        )
    prone = embedding.get("prone", {})
    lines.append(
        f"\nEmbeddings (once per graph, reused by every fraction and seed): NetMF "
        f"{embedding['wall_s']} s wall, {embedding['cpu_s']} s CPU; ProNE "
        f"{prone.get('wall_s', '-')} s wall, {prone.get('cpu_s', '-')} s CPU "
        f"(load {embedding['load_avg_1m_before']}-{embedding['load_avg_1m_after']})."
    )
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    ps = [r["p"] for r in rows]
    for ax, key, k in ((axes[0], "micro_f1", 0), (axes[1], "macro_f1", 1)):
        for m in ("auto",) + METHODS:
            ax.plot(ps, [r[m][key] for r in rows], "o-", label=m, lw=2 if m == "auto" else 1)
        ax.plot(
            sorted(DEEPWALK), [DEEPWALK[p][k] for p in sorted(DEEPWALK)], "k--", label="DeepWalk"
        )
        ax.set_xlabel("labelled fraction")
        ax.set_ylabel(f"{key.replace('_', '-')} (%)")
    axes[1].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _write(res: dict, name: str) -> dict:
    out = ROOT / "bench" / "results" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2))
    print(f"wrote {out}")
    return res


def _machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count()}


def main_scale(args) -> dict:
    """``--scale``: every requested size in its own subprocess."""
    from propagation_scale import run_size_subprocess

    sizes = ["10k"] if args.quick else args.sizes.split(",")
    rows = []
    for name in sizes:
        print(f"size {name} (load {os.getloadavg()[0]:.2f})", flush=True)
        rows.append(run_size_subprocess(name, args.seed, args.auto))
        print(json.dumps(rows[-1]), flush=True)
    name = "bench_propagation_scale_quick.json" if args.quick else "bench_propagation_scale.json"
    # sizes run on their own (the 1M size takes minutes) keep the other sizes' rows
    path = ROOT / "bench" / "results" / name
    kept = json.loads(path.read_text())["rows"] if path.exists() else []
    rows += [r for r in kept if r.get("size") not in sizes]
    rows.sort(key=lambda r: r["users"])
    res = {"machine": _machine(), "labelled_share": 0.1, "rows": rows}
    return _write(res, name)


def main_threshold(args) -> dict:
    from propagation_scale import threshold_sweep

    sizes = [int(x) for x in args.threshold_sizes.split(",")]
    res = {"machine": _machine(), "rows": threshold_sweep(sizes, args.seed)}
    return _write(res, "bench_propagation_threshold.json")


def main_versus_netmf(args) -> dict:
    from propagation_scale import versus_netmf

    graph, Y = load_blogcatalog(args.mat)
    seeds = [0] if args.quick else [0, 1, 2]
    res = {"machine": _machine(), "seeds": seeds, **versus_netmf(graph, Y, seeds)}
    return _write(res, "bench_propagation_versus_netmf.json")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mat", type=Path, default=DEFAULT_MAT, help="blogcatalog.mat")
    ap.add_argument("--quick", action="store_true", help="one seed (with --scale: 10k users)")
    ap.add_argument("--fractions", default="0.1,0.5,0.9")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "bench_propagation.json"))
    ap.add_argument("--scale", action="store_true", help="generated communities at scale")
    ap.add_argument("--sizes", default="100k,1M", help="with --scale: of 10k, 100k, 1M")
    ap.add_argument("--auto", action="store_true", help="with --scale: run auto too")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold", action="store_true", help="netmf_lr vs prone_lr by size")
    ap.add_argument("--threshold-sizes", default="5000,10000,20000")
    ap.add_argument("--versus-netmf", action="store_true", help="prone_lr vs netmf_lr, BlogCatalog")
    args = ap.parse_args(argv)
    if args.scale:
        return main_scale(args)
    if args.threshold:
        return main_threshold(args)
    if not args.mat.exists():
        print(f"skipped: {args.mat} not found")
        return {"skipped": f"{args.mat} not found"}
    if args.versus_netmf:
        return main_versus_netmf(args)
    graph, Y = load_blogcatalog(args.mat)
    seeds = [0] if args.quick else [0, 1, 2]
    embedding = embed_once(graph)
    print(f"embedding: {json.dumps(embedding)}", flush=True)
    rows = []
    for p in (float(x) for x in args.fractions.split(",")):
        rows.append(run_fraction(graph, Y, p, seeds))
        print(json.dumps(rows[-1]), flush=True)
    res = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_avg_1m_end": os.getloadavg()[0],
        },
        "data": {"users": Y.shape[0], "ties": int(graph.W.nnz // 2), "topics": Y.shape[1]},
        "protocol": "DeepWalk: random p of users labelled, top-|true| topics predicted for "
        "the others; F1 over all 39 topics (zero_division=0); mean and sd over seeds",
        "embedding_once": embedding,
        "rows": rows,
        "deepwalk_published": {str(k): v for k, v in DEEPWALK.items()},
        "target": "auto's mean Micro- and Macro-F1 above DeepWalk's at 10 % and 90 % "
        f"labelled, auto's time per fraction (all seeds) < {TIME_LIMIT_S:.0f} s",
        "meets_target": all(r["meets_target"] for r in rows if "meets_target" in r),
    }
    table = markdown_table(rows, embedding)
    print(table)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2))
    plot(rows, out.with_suffix(".png"))
    out.with_suffix(".md").write_text(table + "\n")
    print(f"wrote {out}")
    return res


if __name__ == "__main__":
    main()
