"""The plain recommenders every learned one must beat, on the same remaining graph.

* ``cn`` / ``aa`` — friends of friends by common neighbours / Adamic–Adar
  (:mod:`analysis.linkpred.signals`; the product's ``recommend --method cn|aa`` rank the same
  way);
* ``ppr`` — personalised PageRank from the user;
* ``most_followed`` — the accounts with most followers;
* ``pagerank`` — global PageRank;
* ``random`` — accounts drawn uniformly (the null);
* ``bb`` — beautiful-and-damned §7's BB±10 (:func:`analysis.fof.recommend` with method
  ``bb``: friends of friends within ±``tolerance`` of the user's beauty, most beautiful
  first), when beauty is given.

Each excludes the user and the accounts the user follows; ties go to the lower index.
"""

from __future__ import annotations

import numpy as np

from analysis.linkpred.signals import GraphStats, block_signals

__all__ = ["BASELINES", "baseline_recommendations", "bb_recommendations", "best_accounts"]

BASELINES: tuple[str, ...] = ("cn", "aa", "ppr", "most_followed", "pagerank", "random")


def best_accounts(
    score: np.ndarray, allowed: np.ndarray, k: int, positive: bool = True
) -> list[int]:
    """The ``k`` best ``allowed`` accounts by ``score`` (only positive scores when
    ``positive``), ties to the lower index."""
    s = np.where(allowed, score, -np.inf)
    if positive:
        s = np.where(s > 0, s, -np.inf)
    order = np.lexsort((np.arange(len(s)), -s))[:k]
    return [int(v) for v in order if np.isfinite(s[v])]


def bb_recommendations(
    g: GraphStats, users: np.ndarray, beauty: np.ndarray, k: int = 10, tolerance: float = 0.10
) -> dict[int, list[int]]:
    """BB±``tolerance`` for ``users`` on the graph of ``g`` (beauty NaN = none)."""
    from analysis.fof import recommend

    coo = g.A.tocoo()
    recs = recommend(
        coo.row, coo.col, g.A.shape[0], "bb", k=k, tolerance=tolerance, beauty=beauty, users=users
    )
    out: dict[int, list[int]] = {int(u): [] for u in users}
    for u, v in zip(recs.users, recs.candidates, strict=True):
        out[int(u)].append(int(v))
    return out


def baseline_recommendations(
    g: GraphStats,
    users: np.ndarray,
    k: int = 10,
    rng: np.random.Generator | None = None,
    block: int = 256,
) -> dict[str, dict[int, list[int]]]:
    """``{method: {user: ranked accounts}}`` for every method of :data:`BASELINES`."""
    rng = rng if rng is not None else np.random.default_rng(0)
    out: dict[str, dict[int, list[int]]] = {m: {} for m in BASELINES}
    users = np.asarray(users, dtype=np.int64)
    for i in range(0, len(users), block):
        sig = block_signals(g, users[i : i + block], ppr="power")
        for r, u in enumerate(sig.users):
            allowed = ~sig.followed[r]
            out["cn"][int(u)] = best_accounts(sig.cn[r], allowed, k, True)
            out["aa"][int(u)] = best_accounts(sig.aa[r], allowed, k, True)
            out["ppr"][int(u)] = best_accounts(sig.ppr[r], allowed, k, True)
            out["most_followed"][int(u)] = best_accounts(g.in_deg, allowed, k, True)
            out["pagerank"][int(u)] = best_accounts(g.pagerank, allowed, k, False)
            pool = np.flatnonzero(allowed)
            out["random"][int(u)] = [
                int(v) for v in rng.choice(pool, size=min(k, len(pool)), replace=False)
            ]
    return out
