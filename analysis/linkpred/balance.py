"""The beauty-balance knob: re-rank a relevance ranking toward beautiful-and-damned's BB
window, and the curve of what it costs.

Beautiful and damned §7 recommends, among friends of friends, the accounts whose beauty lies
within ±10 % of the user's, most beautiful first (BB±10), to send attention to "forlorn
beauties".  Here the learned relevance ``p(u, v)`` is blended with that rule:

    ``s_λ(u, v) = (1 − λ) · p(u, v) / max_v' p(u, v') + λ · 1[b_v ∈ W(b_u)] · b_v``

with ``W(b) = [b (1 − tol), b (1 + tol)]`` the BB window
(:meth:`analysis.recommend_params.RecommendParams.window`).  λ = 0 is the relevance ranking
itself; λ = 1 ranks the candidates as BB does.  A candidate or user without beauty gets no
bonus.  :func:`balance_curve` gives precision@k and the forlorn-beauty share for several λ
on one set of scored candidates, and :func:`choose_balance` picks the largest λ that keeps
``keep`` of the λ = 0 precision.

>>> import numpy as np
>>> user, item = np.array([0, 0, 0]), np.array([1, 2, 3])
>>> beauty = np.array([0.5, 0.1, 0.52, 0.9])
>>> top_k(user, item, balanced_scores(user, item, np.array([0.9, 0.5, 0.4]), beauty, 0.0), 2)
{0: [1, 2]}
>>> top_k(user, item, balanced_scores(user, item, np.array([0.9, 0.5, 0.4]), beauty, 0.8), 2)
{0: [2, 1]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.linkpred.candidates import share_of_best
from analysis.linkpred.metrics import ranking_metrics
from analysis.recommend_params import RECOMMEND_DEFAULTS

__all__ = ["BalancePoint", "balance_curve", "balanced_scores", "choose_balance", "top_k"]

#: the λ values of the curve
LAMBDAS: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)


def balanced_scores(
    user: np.ndarray,
    item: np.ndarray,
    score: np.ndarray,
    beauty: np.ndarray,
    balance: float,
    tolerance: float = RECOMMEND_DEFAULTS.tolerance,
) -> np.ndarray:
    """``s_λ`` of the module docstring for candidate pairs ``(user[i], item[i])``."""
    if not 0 <= balance <= 1:
        raise ValueError(f"beauty_balance={balance} must be in [0, 1]")
    if balance == 0:
        return np.asarray(score, dtype=float)
    relevance = share_of_best(user, np.asarray(score, dtype=float))
    b = np.asarray(beauty, dtype=float)
    bu, bv = b[user], b[item]
    lo, hi = bu * (1 - tolerance), bu * (1 + tolerance)
    in_window = np.isfinite(bu) & np.isfinite(bv) & (bv >= lo) & (bv <= hi)
    bonus = np.where(in_window, np.nan_to_num(bv), 0.0)
    return (1 - balance) * relevance + balance * bonus


def top_k(
    user: np.ndarray,
    item: np.ndarray,
    score: np.ndarray,
    k: int,
    users: np.ndarray | None = None,
) -> dict[int, list[int]]:
    """The ``k`` best items per user (ties: the lower item index); with ``users``, every one
    of them has a list, empty when it has no candidate."""
    order = np.lexsort((item, -np.asarray(score, dtype=float), user))
    everyone = np.unique(user) if users is None else np.union1d(users, user)
    out: dict[int, list[int]] = {int(u): [] for u in everyone}
    for u, v in zip(user[order], item[order], strict=True):
        lst = out[int(u)]
        if len(lst) < k:
            lst.append(int(v))
    return out


@dataclass(frozen=True)
class BalancePoint:
    """One point of the curve."""

    balance: float
    precision: float
    forlorn_share: float


def balance_curve(
    user: np.ndarray,
    item: np.ndarray,
    score: np.ndarray,
    beauty: np.ndarray,
    forlorn: np.ndarray,
    targets: Mapping[int, set[int]],
    k: int,
    lambdas: Sequence[float] = LAMBDAS,
) -> list[BalancePoint]:
    """Precision@k and forlorn-beauty share of the re-ranked lists for each λ."""
    n = len(forlorn)
    out = []
    for lam in lambdas:
        recs = top_k(user, item, balanced_scores(user, item, score, beauty, lam), k)
        m = ranking_metrics(recs, targets, k, n, forlorn)
        out.append(BalancePoint(float(lam), m.precision, float(m.forlorn_share or 0.0)))
    return out


def choose_balance(curve: Sequence[BalancePoint], keep: float = 0.95) -> float:
    """The largest λ whose precision is at least ``keep`` of the λ = 0 precision."""
    base = next(p.precision for p in curve if p.balance == 0)
    ok = [p.balance for p in curve if p.precision >= keep * base]
    return max(ok) if ok else 0.0
