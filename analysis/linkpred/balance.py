"""The beauty-balance knob: give a share λ of each list's slots to forlorn beauties, and the
curve of what it costs.

Beautiful and damned §7 recommends, among friends of friends, the accounts whose beauty lies
within ±10 % of the user's, most beautiful first (BB±10), to send attention to "forlorn
beauties" — beautiful accounts with few followers.  BB reaches them but recovers almost no
real follow.  The knob keeps the learned ranking's head and spends only its tail:

* ``m(λ) = ⌊λ k + ½⌋`` of the ``k`` slots are *promotion slots*;
* the first ``k − m`` slots are the learned ranking's first ``k − m`` accounts;
* the last ``m`` slots go to the best-scored *promoted* candidates (the forlorn-beauty
  accounts) that are not already in the first ``k − m``, by the learned score — the
  forlorn beauties this user is most likely to follow;
* a user with fewer than ``m`` promoted candidates gets the learned ranking's next accounts
  in the slots left over;
* the list is shown in learned-score order, so promoted accounts sit at its end.

λ = 0 is the learned ranking itself; λ = 1 gives every slot to promoted accounts, chosen by
relevance (not by beauty as BB does).  Why slots and not a blend of scores: the learned
model's hits crowd the head of the list (on the generated community of 2,000 users, rank 1
holds 31 % of the hits of the top ten and rank 10 holds 4 %), so one tail slot costs a few
per cent of the precision and reaches every user.  A blend of scores toward BB's window,
``(1 − λ) p / max p + λ 1[window] b``, reorders the head first: measured there, it left the
forlorn share at 6 % up to λ = 0.5 (83 % of the precision), where one slot of ten (λ = 0.1)
gave 16 % at 98 %.

:func:`balance_curve` gives precision@k and the forlorn-beauty share for several λ on one set
of scored candidates, and :func:`choose_balance` picks the largest λ that keeps ``keep`` of
the λ = 0 precision.

>>> import numpy as np
>>> user, item = np.zeros(4, dtype=int), np.array([1, 2, 3, 4])
>>> score, promote = np.array([0.9, 0.5, 0.4, 0.1]), np.array([False, False, False, True])
>>> balanced_top_k(user, item, score, promote, 0.0, 2)
{0: [1, 2]}
>>> balanced_top_k(user, item, score, promote, 0.5, 2)
{0: [1, 4]}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.linkpred.metrics import ranking_metrics
from analysis.recommend_params import check_values

__all__ = [
    "KEEP_PRECISION",
    "LAMBDAS",
    "BalancePoint",
    "balance_curve",
    "balanced_top_k",
    "choose_balance",
    "promoted",
    "promoted_slots",
    "top_k",
]

#: the λ values of the curve (tenths of ten slots, then coarser)
LAMBDAS: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
#: the default λ is the largest that keeps this share of the λ = 0 precision
KEEP_PRECISION = 0.95


def promoted(forlorn: np.ndarray | None, item: np.ndarray) -> np.ndarray:
    """Whether each candidate ``item`` is promoted: a forlorn beauty of the mask
    ``forlorn`` over every account (all false without one: nobody to promote)."""
    item = np.asarray(item, dtype=np.int64)
    if forlorn is None:
        return np.zeros(len(item), dtype=bool)
    return np.asarray(forlorn, dtype=bool)[item]


def promoted_slots(balance: float, k: int) -> int:
    """``m(λ) = ⌊λ k + ½⌋``, the promotion slots of a list of ``k`` (module docstring).

    >>> [promoted_slots(lam, 10) for lam in (0.0, 0.04, 0.05, 0.1, 0.3, 1.0)]
    [0, 0, 1, 1, 3, 10]
    """
    balance = check_values(beauty_balance=balance)["beauty_balance"]
    # the small epsilon keeps 0.3 · 10 = 3.0000000000000004 and 0.05 · 10 = 0.5 exact
    return min(k, int(math.floor(balance * k + 0.5 + 1e-9)))


def _ranks(user: np.ndarray, item: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """0-based rank of each pair among the same user's pairs: larger ``keys[0]`` first, then
    larger ``keys[1]`` …, ties to the lower item."""
    order = np.lexsort((item, *(-np.asarray(k, dtype=float) for k in reversed(keys)), user))
    u = user[order]
    first = np.r_[True, u[1:] != u[:-1]] if len(u) else np.zeros(0, dtype=bool)
    start = np.maximum.accumulate(np.where(first, np.arange(len(u)), 0))
    rank = np.empty(len(u), dtype=np.int64)
    rank[order] = np.arange(len(u)) - start
    return rank


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


def balanced_top_k(
    user: np.ndarray,
    item: np.ndarray,
    score: np.ndarray,
    promote: np.ndarray,
    balance: float,
    k: int,
    users: np.ndarray | None = None,
) -> dict[int, list[int]]:
    """The lists of the module docstring for candidate pairs ``(user[i], item[i])`` with
    learned ``score`` and ``promote[i]`` true where ``item[i]`` is a promoted account
    (a forlorn beauty); ``users`` as in :func:`top_k`."""
    m = promoted_slots(balance, k)
    user, item = np.asarray(user, dtype=np.int64), np.asarray(item, dtype=np.int64)
    score = np.asarray(score, dtype=float)
    if m == 0:
        return top_k(user, item, score, k, users)
    head = _ranks(user, item, score) < k - m
    # the head first, then the promoted candidates outside it, then the rest, each by score:
    # the first k of that order fill the m slots with promoted accounts where there are any
    tier = np.where(head, 2, np.where(np.asarray(promote, dtype=bool), 1, 0))
    chosen = _ranks(user, item, tier, score) < k
    return top_k(user[chosen], item[chosen], score[chosen], k, users)


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
    forlorn: np.ndarray,
    targets: Mapping[int, set[int]],
    k: int,
    lambdas: Sequence[float] = LAMBDAS,
) -> list[BalancePoint]:
    """Precision@k and forlorn-beauty share of :func:`balanced_top_k` for each λ, the
    forlorn-beauty accounts (mask ``forlorn`` over every account) promoted."""
    forlorn = np.asarray(forlorn, dtype=bool)
    promote = promoted(forlorn, item)
    users = np.fromiter(targets, dtype=np.int64, count=len(targets))
    out = []
    for lam in lambdas:
        recs = balanced_top_k(user, item, score, promote, lam, k, users)
        m = ranking_metrics(recs, targets, k, len(forlorn), forlorn)
        out.append(BalancePoint(float(lam), m.precision, float(m.forlorn_share or 0.0)))
    return out


def choose_balance(curve: Sequence[BalancePoint], keep: float = KEEP_PRECISION) -> float:
    """The largest λ whose precision is at least ``keep`` of the λ = 0 precision."""
    base = next(p.precision for p in curve if p.balance == 0)
    ok = [p.balance for p in curve if p.precision >= keep * base]
    return max(ok) if ok else 0.0
