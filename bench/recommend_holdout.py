"""Whom to follow on real graphs: every recommender against hidden follows.

For BlogCatalog, Last.fm friends and CollegeMsg (``../shared/data``; see its README), hide a
fifth of the follows of 1,000 drawn users (both directions of a reciprocal pair together),
and score the baselines and the learned ranker on recovering them
(:func:`analysis.linkpred.evaluate.evaluate_recommenders`).  Target: the learned ranker's
precision@10 at least 10 % above the best baseline's, with the paired-bootstrap interval of
the difference above 0.  Last.fm also runs with its users' artists as interests, and
BlogCatalog with its bloggers' groups as interests, which also seed ALF's authority
recommender (Algorithm 2) and the topic baselines.

Run: ``.venv/bin/python bench/bench_recommend.py --holdout [--users N] [--seed S]``; writes
``bench/results/recommend_holdout.json``.

The learned ranker's settings were picked by :func:`ablation`: on the same hold-out of each
graph (same seed, same drawn users), the ranker before them (depth-4 trees, no embedding,
four training rounds), then each change in turn, and NetMF in place of ProNE.  Run:
``.venv/bin/python bench/recommend_holdout.py [--users N] [--seed S]``; writes
``bench/results/recommend_ablation.json``.

The interest signals (topic authorities of the user's interests as candidates, the
authority score and the propagated interests as features; :mod:`analysis.linkpred.interests`)
are measured by :func:`compare_interest_signals`: the ranker with and without them on the
same hold-out, where seed interests exist (BlogCatalog's groups, the generated communities'
matched biographies).  Run: ``.venv/bin/python bench/recommend_holdout.py --interests``;
writes ``bench/results/recommend_interests.json``.

The model, scikit-learn's ``HistGradientBoostingClassifier`` or LightGBM, was picked by
:func:`compare_models`: both with the same settings on the same hold-outs.  Run:
``.venv/bin/python bench/recommend_holdout.py --models`` (LightGBM installed); writes
``bench/results/recommend_models.json``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def _square(src: np.ndarray, dst: np.ndarray, n: int) -> sp.csr_matrix:
    A = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    A.setdiag(0)
    A.eliminate_zeros()
    A.data[:] = 1.0
    return A


def blogcatalog() -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The blog graph, and each blogger's groups (39) as interests."""
    from scipy.io import loadmat

    mat = loadmat(DATA / "blogcatalog" / "blogcatalog.mat")
    W = sp.csr_matrix(mat["network"])
    r, c = W.nonzero()
    return _square(r, c, W.shape[0]), sp.csr_matrix(mat["group"], dtype=float)


def lastfm() -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The friend graph, and each user's artists (log plays) as interests."""
    import pandas as pd

    friends = pd.read_csv(DATA / "lastfm" / "user_friends.tsv", sep="\t")
    ids = np.unique(friends.to_numpy().ravel())
    src = np.searchsorted(ids, friends.iloc[:, 0].to_numpy())
    dst = np.searchsorted(ids, friends.iloc[:, 1].to_numpy())
    plays = pd.read_csv(DATA / "lastfm" / "user_artists.tsv", sep="\t")
    plays = plays[plays.iloc[:, 0].isin(ids)]
    artists, col = np.unique(plays.iloc[:, 1].to_numpy(), return_inverse=True)
    row = np.searchsorted(ids, plays.iloc[:, 0].to_numpy())
    weight = np.log1p(plays.iloc[:, 2].to_numpy(dtype=float))
    labels = sp.csr_matrix((weight, (row, col)), shape=(len(ids), len(artists)))
    return _square(src, dst, len(ids)), labels


def collegemsg() -> tuple[sp.csr_matrix, None]:
    """Who messaged whom, as who follows whom."""
    rows = np.loadtxt(DATA / "collegemsg" / "CollegeMsg.txt", skiprows=1, dtype=np.int64)
    ids = np.unique(rows[:, :2])
    pos = np.searchsorted(ids, rows[:, :2])
    return _square(pos[:, 0], pos[:, 1], len(ids)), None


GRAPHS = {"blogcatalog": blogcatalog, "lastfm": lastfm, "collegemsg": collegemsg}


def run(users: int, seed: int, community_only: bool = False) -> dict:
    """The real graphs' table, then the beauty balance on generated communities."""
    out = {} if community_only else real_graphs(users, seed)
    out["community_balance"] = community_balance()
    return out


def real_graphs(users: int, seed: int) -> dict:
    from analysis.linkpred.evaluate import evaluate_recommenders

    if not DATA.is_dir():
        return {"skipped": f"{DATA} is missing (the real graphs live beside the project)"}
    out: dict = {}
    # with interests: the learned ranker gets their overlap, and the groups (few topics,
    # like ALF's) also seed the authority recommender and the topic baselines
    cases = [(name, "") for name in GRAPHS] + [("lastfm", "artists"), ("blogcatalog", "groups")]
    for name, interests in cases:
        A, labels = GRAPHS[name]()
        key = f"{name}+{interests}" if interests else name
        t = time.perf_counter()
        res = evaluate_recommenders(
            A,
            0.2,
            10,
            n_users=users,
            seed=seed,
            labels=labels if interests else None,
            seeds=labels if interests == "groups" else None,
        )
        row = res.to_json()
        best = row["methods"][row["best_baseline"]]["precision"]
        learned = row["methods"]["learned"]
        row["graph"] = {"users": int(A.shape[0]), "follows": int(A.nnz)}
        row["seconds"] = round(time.perf_counter() - t, 1)
        row["learned_vs_best_baseline"] = learned["precision"] / best if best else None
        row["target_met"] = bool(
            row["learned_vs_best_baseline"] is not None
            and row["learned_vs_best_baseline"] >= 1.10
            and learned["diff_vs_best_baseline"][0] > 0
        )
        out[key] = row
        print(_table(key, row), flush=True)
    return out


#: generator seeds of the beauty-balance check: not the demo's seed 0, on whose community
#: the default λ was chosen
COMMUNITY_SEEDS = (1, 2, 3)


def community_balance(
    seeds: tuple[int, ...] = COMMUNITY_SEEDS, n_users: int = 2000, holdout_users: int = 500
) -> dict:
    """Issue target: on the generated community, the learned ranker at ``recommend``'s
    default λ reaches at least half of BB±10's forlorn-beauty share while keeping ≥ 90 % of
    its own λ = 0 precision@10.  Each community is the demo's generator (photos' beauty,
    no rendered images) loaded into an embedded store, with the user classes of
    ``analyze network`` (which name the forlorn beauties), then ``analyze recommenders
    --holdout-follows 0.2`` on ``holdout_users`` drawn users."""
    import tempfile

    import graphdb
    from analysis.recommend_params import RECOMMEND_DEFAULTS
    from beautygraph.demo import demo_config
    from beautygraph.generate import generate
    from beautygraph.pipelines.load import load_into_store
    from beautygraph.pipelines.network import analyze_network
    from beautygraph.pipelines.recommend_holdout import evaluate_holdout

    lam = RECOMMEND_DEFAULTS.beauty_balance
    rows = {}
    for s in seeds:
        t = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            generate(demo_config(n_users, s, 0), data)
            with graphdb.connect(graphdb.embedded_path(Path(tmp), "bench")) as store:
                load_into_store(store, data)
                analyze_network(store, seed=s, n_null=0)
                ev = evaluate_holdout(store, 0.2, 10, n_users=holdout_users, seed=s).to_json()
        curve = {p["beauty_balance"]: p for p in ev["balance_curve"]}
        base, used = curve[0.0], curve[lam]
        bb = ev["methods"]["bb"]
        kept = used["precision"] / base["precision"]
        reach = used["forlorn_share"] / bb["forlorn_share"] if bb["forlorn_share"] else None
        rows[f"seed {s}"] = {
            "beauty_balance": lam,
            "precision_at_0": base["precision"],
            "precision_at_default": used["precision"],
            "precision_kept": kept,
            "forlorn_share_at_0": base["forlorn_share"],
            "forlorn_share_at_default": used["forlorn_share"],
            "forlorn_share_bb": bb["forlorn_share"],
            "precision_bb": bb["precision"],
            "best_baseline": ev["best_baseline"],
            "precision_best_baseline": ev["methods"][ev["best_baseline"]]["precision"],
            "share_of_bb_reached": reach,
            "suggested_balance": ev["suggested_balance"],
            "curve": ev["balance_curve"],
            "seconds": round(time.perf_counter() - t, 1),
            "target_met": bool(kept >= 0.90 and reach is not None and reach >= 0.5),
        }
        r = rows[f"seed {s}"]
        print(
            f"generated community, seed {s} ({n_users:,} users, {holdout_users} drawn): "
            f"λ = {lam:g} keeps {kept:.1%} of P@10 ({used['precision']:.4f} vs "
            f"{base['precision']:.4f}); forlorn share {used['forlorn_share']:.3f} vs "
            f"{base['forlorn_share']:.3f} at λ = 0 and BB±10's {bb['forlorn_share']:.3f} "
            f"({reach:.0%} of it); suggested λ {ev['suggested_balance']:g}; "
            f"{r['seconds']} s -> target (≥ 90 % kept, ≥ 50 % of BB) "
            f"{'met' if r['target_met'] else 'NOT met'}",
            flush=True,
        )
    return rows


def _table(name: str, row: dict) -> str:
    lines = [
        f"{name}: {row['graph']['users']:,} users, {row['graph']['follows']:,} follows, "
        f"reciprocity {row['reciprocity']:.2f}, pairs hidden together: "
        f"{row['reciprocal_pairs_hidden_together']}; {row['n_users']} users, "
        f"{row['n_hidden']} hidden follows; candidate recall {row['candidate_recall']:.3f}; "
        f"{row['seconds']} s",
        f"  {'method':<14} {'P@10':>7} {'R@10':>7} {'nDCG':>7} {'cover':>6} {'gini':>6}  "
        f"P - {row['best_baseline']} [95 % CI]",
    ]
    for m, v in row["methods"].items():
        lo, hi = v["diff_vs_best_baseline"]
        lines.append(
            f"  {m:<14} {v['precision']:7.4f} {v['recall']:7.4f} {v['ndcg']:7.4f} "
            f"{v['coverage']:6.3f} {v['exposure_gini']:6.3f}  [{lo:+.4f}, {hi:+.4f}]"
        )
    ratio = row["learned_vs_best_baseline"]
    lines.append(
        f"  learned / best baseline: {ratio:.3f} -> target (>= 1.10, CI above 0) "
        f"{'met' if row['target_met'] else 'NOT met'}"
    )
    return "\n".join(lines)


#: the boosting settings the ranker had before :func:`ablation` picked today's
EARLIER_MODEL = {"max_iter": 100, "learning_rate": 0.1, "max_depth": 4, "early_stopping": False}


def _variants() -> dict[str, dict]:
    from analysis.linkpred.learned import MODEL_PARAMS, netmf_rows, prone_rows

    return {
        "depth-4 trees, no embedding, 4 rounds": dict(
            model_params=EARLIER_MODEL, embedder=None, rounds=4
        ),
        "regularised trees": dict(model_params=MODEL_PARAMS, embedder=None, rounds=4),
        "+ ProNE embedding": dict(model_params=MODEL_PARAMS, embedder=prone_rows, rounds=4),
        "+ 8 rounds": dict(model_params=MODEL_PARAMS, embedder=prone_rows, rounds=8),
        "NetMF in place of ProNE": dict(model_params=MODEL_PARAMS, embedder=netmf_rows, rounds=8),
    }


def lightgbm_model(seed: int):
    """LightGBM with the settings of :data:`analysis.linkpred.learned.MODEL_PARAMS`: 200
    trees of depth 3 (8 leaves), learning rate 0.05, at least 100 pairs a leaf, L2 1.0."""
    from lightgbm import LGBMClassifier

    from analysis.linkpred.learned import MODEL_PARAMS as P

    return LGBMClassifier(
        n_estimators=P["max_iter"],
        learning_rate=P["learning_rate"],
        max_depth=P["max_depth"],
        num_leaves=2 ** P["max_depth"],
        min_child_samples=P["min_samples_leaf"],
        reg_lambda=P["l2_regularization"],
        random_state=seed,
        n_jobs=2,
        verbose=-1,
    )


def paired_variants(
    A: sp.csr_matrix, variants: dict[str, dict], n_users: int, seed: int, diff_key: str
) -> dict:
    """Two variants of the learned ranker on the same hold-out of ``A`` (same seed, same
    drawn users, same split; ``variants`` maps each name to its
    :func:`analysis.linkpred.evaluate.evaluate_recommenders` options, in order): per
    variant its precision@10, candidate recall, the best baseline and its precision and the
    seconds, and under ``diff_key`` the 95 % paired-bootstrap interval of the first minus
    the second."""
    from analysis.linkpred.evaluate import evaluate_recommenders
    from analysis.linkpred.metrics import paired_bootstrap

    rows: dict[str, Any] = {}
    hits: list[np.ndarray] = []
    for variant, options in variants.items():
        t = time.perf_counter()
        res = evaluate_recommenders(A, 0.2, 10, n_users=n_users, seed=seed, **options)
        j = res.to_json()
        rows[variant] = {
            "precision": j["methods"]["learned"]["precision"],
            "candidate_recall": j["candidate_recall"],
            "best_baseline": j["best_baseline"],
            "best_baseline_precision": j["methods"][j["best_baseline"]]["precision"],
            "seconds": round(time.perf_counter() - t, 1),
        }
        hits.append(res.per_user_precision("learned"))
    lo, hi = paired_bootstrap(hits[0], hits[1], 1000, rng=np.random.default_rng(seed))
    rows[diff_key] = [lo, hi]
    return rows


def compare_models(users: int, seed: int) -> dict:
    """Issue: scikit-learn's ``HistGradientBoostingClassifier`` or LightGBM, picked by
    measurement.  Both with the same settings on the same hold-out of each real graph (same
    seed, same drawn users, same candidates and features): precision@10, the paired
    interval of LightGBM minus scikit-learn, and the seconds of each evaluation."""
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        return {"skipped": "lightgbm is not installed (pip install lightgbm)"}
    if not DATA.is_dir():
        return {"skipped": f"{DATA} is missing (the real graphs live beside the project)"}
    out: dict = {}
    for name, load in GRAPHS.items():
        A, _ = load()
        models = {"lightgbm": {"model_factory": lightgbm_model}, "scikit-learn": {}}
        rows = paired_variants(A, models, users, seed, "lightgbm_minus_sklearn")
        lo, hi = rows["lightgbm_minus_sklearn"]
        out[name] = rows
        print(
            f"{name:<12} scikit-learn {rows['scikit-learn']['precision']:.4f} "
            f"({rows['scikit-learn']['seconds']} s)  lightgbm {rows['lightgbm']['precision']:.4f}"
            f" ({rows['lightgbm']['seconds']} s)  lightgbm - scikit-learn [{lo:+.4f}, {hi:+.4f}]",
            flush=True,
        )
    return out


def _community_graph(seed: int, n_users: int = 2000):
    """The demo's generated community of ``seed`` as the recommenders read it from a
    store: follows, the biographies' matched interests, beauty."""
    import tempfile

    import graphdb
    from beautygraph.demo import demo_config
    from beautygraph.generate import generate
    from beautygraph.pipelines.learned_recommend import store_graph
    from beautygraph.pipelines.load import load_into_store

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        generate(demo_config(n_users, seed, 0), data)
        with graphdb.connect(graphdb.embedded_path(Path(tmp), "bench")) as store:
            load_into_store(store, data)
            return store_graph(store)


def compare_interest_signals(users: int, seed: int) -> dict:
    """The learned ranker with and without its interest signals on the same hold-out (same
    split, same drawn users, same training draws; the topic overlap of the interests stays
    in both): BlogCatalog with its groups as seed interests, and the generated communities
    of seeds 1 and 2 (500 drawn users of 2,000) with their biographies' interests.
    Precision@10 of each, the paired interval of with − without, the candidate recall of
    each and the seconds."""
    cases = {}
    if DATA.is_dir():
        cases["blogcatalog+groups"] = (*blogcatalog(), None, users)
    for s in (1, 2):
        g = _community_graph(s)
        cases[f"community seed {s}"] = (g.A, g.seeds, g.beauty, 500)
    out: dict = {}
    for name, (A, interests, beauty, n_drawn) in cases.items():
        known = {"labels": interests, "beauty": beauty}
        variants = {"with": {**known, "seeds": interests}, "without": known}
        rows = paired_variants(A, variants, n_drawn, seed, "with_minus_without")
        lo, hi = rows["with_minus_without"]
        out[name] = rows
        w, wo = rows["with"], rows["without"]
        print(
            f"{name:<20} with {w['precision']:.4f} (ceiling {w['candidate_recall']:.3f}, "
            f"{w['seconds']} s)  without {wo['precision']:.4f} (ceiling "
            f"{wo['candidate_recall']:.3f}, {wo['seconds']} s)  with - without "
            f"[{lo:+.4f}, {hi:+.4f}]; best baseline {w['best_baseline']} "
            f"{w['best_baseline_precision']:.4f}",
            flush=True,
        )
    return out


def ablation(users: int, seed: int) -> dict:
    """The learned ranker under each variant of :func:`_variants` on the same hold-out of
    each graph: its precision@10, the best baseline's, their ratio and the interval of the
    difference, the candidate recall and the seconds."""
    from analysis.linkpred.evaluate import evaluate_recommenders

    if not DATA.is_dir():
        return {"skipped": f"{DATA} is missing (the real graphs live beside the project)"}
    out: dict = {}
    for name, load in GRAPHS.items():
        A, _ = load()
        rows = {}
        for variant, options in _variants().items():
            t = time.perf_counter()
            res = evaluate_recommenders(A, 0.2, 10, n_users=users, seed=seed, **options)
            j = res.to_json()
            learned, best = j["methods"]["learned"], j["methods"][j["best_baseline"]]
            rows[variant] = {
                "learned": learned["precision"],
                "best_baseline": j["best_baseline"],
                "best_baseline_precision": best["precision"],
                "ratio": learned["precision"] / best["precision"] if best["precision"] else None,
                "diff_vs_best_baseline": learned["diff_vs_best_baseline"],
                "candidate_recall": j["candidate_recall"],
                "seconds": round(time.perf_counter() - t, 1),
            }
            r = rows[variant]
            lo, hi = r["diff_vs_best_baseline"]
            print(
                f"{name:<12} {variant:<38} {r['learned']:.4f}  {r['best_baseline']} "
                f"{r['best_baseline_precision']:.4f}  {r['ratio']:.3f}x  [{lo:+.4f}, {hi:+.4f}]"
                f"  recall ceiling {r['candidate_recall']:.3f}  {r['seconds']} s",
                flush=True,
            )
        out[name] = rows
    return out


if __name__ == "__main__":
    import argparse
    import os
    import sys

    sys.path.insert(0, str(ROOT))
    from beautygraph import strict_json

    ap = argparse.ArgumentParser(description="every variant of the learned ranker (ablation)")
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--models",
        action="store_true",
        help="scikit-learn's HistGradientBoosting against LightGBM instead "
        "(bench/results/recommend_models.json)",
    )
    ap.add_argument(
        "--interests",
        action="store_true",
        help="the ranker with and without its interest signals instead "
        "(bench/results/recommend_interests.json)",
    )
    args = ap.parse_args()
    t0, load0 = time.perf_counter(), os.getloadavg()
    measure = (
        compare_models if args.models else compare_interest_signals if args.interests else ablation
    )
    res = {
        "users": args.users,
        "seed": args.seed,
        "graphs": measure(args.users, args.seed),
        "loadavg_start": list(load0),
        "loadavg_end": list(os.getloadavg()),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    name = (
        "recommend_models.json"
        if args.models
        else "recommend_interests.json"
        if args.interests
        else "recommend_ablation.json"
    )
    path = ROOT / "bench" / "results" / name
    path.write_text(strict_json.dumps(res, indent=2) + "\n")
    print(f"wrote {path}")
