"""How well a recommender recovers hidden follows, and whom it sends attention to.

For drawn users ``u`` with hidden follows ``H_u`` and a ranked list ``R_u`` (at most ``k``):

* precision@k — ``Σ_u |R_u ∩ H_u| / (k · n_users)``: every user has ``k`` slots, so a short
  or empty list counts as misses (a recommender is not rewarded for staying silent);
* recall@k — ``Σ_u |R_u ∩ H_u| / Σ_u |H_u|``, pooled over the hidden follows (the
  ``n_hidden`` of the evaluation's header);
* nDCG@k — mean over users of ``DCG / IDCG`` with binary relevance, ``DCG = Σ_i rel_i /
  log2(i + 1)`` over ranks ``i = 1..k`` and ``IDCG`` the best order of ``min(|H_u|, k)`` hits
  (Järvelin & Kekäläinen, ACM TOIS 20(4), 2002);
* users served — share of drawn users with a non-empty list;
* coverage — share of the catalogue recommended to anyone;
* exposure Gini — :func:`analysis.inequality.gini` of how often each catalogue account is
  recommended (0: everyone equally, → 1: all slots to one account);
* forlorn share — share of the recommended slots that go to forlorn-beauty accounts
  (None without beauty).

:func:`paired_bootstrap` gives the confidence interval of a difference between two methods
on the same users (resampling users, both methods together).

>>> import numpy as np
>>> m = ranking_metrics({0: [1, 2], 1: [0]}, {0: {2}, 1: {2}}, k=2, n_catalogue=3)
>>> m.precision, m.recall, round(m.ndcg, 4), m.users_served, round(m.coverage, 3)
(0.25, 0.5, 0.3155, 1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.inequality import gini

__all__ = ["RankingMetrics", "paired_bootstrap", "per_user_hits", "ranking_metrics"]


@dataclass(frozen=True)
class RankingMetrics:
    """One method's figures (see the module docstring); every value is in [0, 1]."""

    precision: float
    recall: float
    ndcg: float
    users_served: float
    coverage: float
    exposure_gini: float
    forlorn_share: float | None


def _dcg(hits: Sequence[bool]) -> float:
    return float(sum(1.0 / np.log2(i + 2) for i, h in enumerate(hits) if h))


def per_user_hits(
    recs: Mapping[int, Sequence[int]], targets: Mapping[int, set[int]], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(hits, ndcg)`` per user of ``targets`` (in its order): hidden follows among the first
    ``k`` recommendations, and that user's nDCG@k."""
    hits = np.zeros(len(targets))
    ndcg = np.zeros(len(targets))
    for i, (u, wanted) in enumerate(targets.items()):
        ranked = list(recs.get(u, ()))[:k]
        rel = [v in wanted for v in ranked]
        hits[i] = sum(rel)
        ideal = _dcg([True] * min(len(wanted), k))
        ndcg[i] = _dcg(rel) / ideal if ideal else 0.0
    return hits, ndcg


def ranking_metrics(
    recs: Mapping[int, Sequence[int]],
    targets: Mapping[int, set[int]],
    k: int,
    n_catalogue: int,
    forlorn: np.ndarray | None = None,
) -> RankingMetrics:
    """The figures of one method: ``recs`` ``{u: ranked accounts}``, ``targets`` ``{u: hidden
    follows}`` for the drawn users, ``n_catalogue`` accounts that could be recommended,
    ``forlorn`` a boolean mask over them (None: no beauty)."""
    if k < 1 or not targets:
        raise ValueError(f"need k >= 1 and at least one user with hidden follows (k={k})")
    hits, ndcg = per_user_hits(recs, targets, k)
    slots = np.concatenate([np.asarray(list(recs.get(u, ()))[:k], dtype=np.int64) for u in targets])
    counts = np.bincount(slots, minlength=n_catalogue) if len(slots) else np.zeros(n_catalogue)
    n_hidden = sum(len(t) for t in targets.values())
    served = sum(1 for u in targets if len(recs.get(u, ())) > 0)
    return RankingMetrics(
        precision=float(hits.sum() / (k * len(targets))),
        recall=float(hits.sum() / n_hidden) if n_hidden else 0.0,
        ndcg=float(ndcg.mean()),
        users_served=served / len(targets),
        coverage=float(np.count_nonzero(counts)) / n_catalogue if n_catalogue else 0.0,
        exposure_gini=gini(counts) if counts.sum() else 0.0,
        forlorn_share=(
            None
            if forlorn is None
            else (float(np.asarray(forlorn, dtype=bool)[slots].mean()) if len(slots) else 0.0)
        ),
    )


def paired_bootstrap(
    a: np.ndarray,
    b: np.ndarray,
    n_boot: int = 1000,
    level: float = 0.95,
    rng: np.random.Generator | None = None,
) -> tuple[float, float]:
    """Percentile interval of ``mean(a) − mean(b)`` for per-user values of two methods on the
    same users, resampling users with replacement (both methods together, so what the
    users share cancels).

    >>> import numpy as np
    >>> lo, hi = paired_bootstrap(np.ones(50), np.zeros(50))
    >>> (lo, hi)
    (1.0, 1.0)
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or len(a) == 0:
        raise ValueError(f"need two equal, non-empty 1-d arrays, got {a.shape} and {b.shape}")
    if not 0 < level < 1 or n_boot < 1:
        raise ValueError(f"need 0 < level={level} < 1 and n_boot={n_boot} >= 1")
    rng = rng if rng is not None else np.random.default_rng(0)
    d = a - b
    idx = rng.integers(0, len(d), size=(n_boot, len(d)))
    means = d[idx].mean(axis=1)
    tail = (1 - level) / 2
    return float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))
