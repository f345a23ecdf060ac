"""The gap statistic for the number of K-means clusters (Beautiful and damned §7 chooses
K = 4 by it).

:func:`gap_statistic` compares the log within-cluster dispersion of the data with that of
reference sets drawn from a null: uniform over the data's bounding box (Tibshirani's option
(a)), or the data with beauty permuted over users (the null of "beauty is unrelated to
attention", used by :func:`analysis.classes.user_classes` to test K = 1 first).
:func:`gap_rule` picks K.

References
----------
.. [1] R. Tibshirani, G. Walther, T. Hastie. "Estimating the number of clusters in a data
   set via the gap statistic." Journal of the Royal Statistical Society B 63(2):411–423,
   2001. https://doi.org/10.1111/1467-9868.00293
.. [2] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["GapCurve", "gap_rule", "gap_statistic", "kmeans"]


@dataclass(frozen=True)
class GapCurve:
    """The gap statistic per candidate K: ``gap[k] = E*[log W_k] - log W_k``, ``s`` its
    standard error (``sd * sqrt(1 + 1/B)``), and the chosen ``k``."""

    ks: np.ndarray
    gap: np.ndarray
    s: np.ndarray
    log_w: np.ndarray
    log_w_ref: np.ndarray
    k: int
    rule_met: bool

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "k": self.ks,
                "gap": self.gap,
                "s": self.s,
                "log_w": self.log_w,
                "log_w_ref": self.log_w_ref,
            }
        )


def kmeans(x: np.ndarray, k: int, seed: int, n_init: int):
    """K-means on one thread: the data are 3-D, and OpenMP threads on a shared machine
    were measured up to 20x slower than one thread (oversubscription)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), threadpool_limits(limits=1):
        # duplicate points can leave fewer distinct clusters than k: not an error here
        warnings.simplefilter("ignore")
        return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x)


def gap_rule(ks, gap, s) -> tuple[int, bool]:
    """Tibshirani's rule: the smallest k with :math:`Gap(k) \\ge Gap(k') - s_{k'}`, k' the
    next candidate; ``(largest k, False)`` when no k qualifies.

    >>> gap_rule([1, 2, 3], [0.0, 0.05, 0.06], [0.0, 0.1, 0.01])
    (1, True)
    """
    ks = np.asarray(ks, dtype=np.int64)
    gap = np.asarray(gap, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    if not (ks.shape == gap.shape == s.shape) or ks.ndim != 1 or ks.size == 0:
        raise ValueError(f"ks, gap and s must be 1-D of equal length: {ks}, {gap}, {s}")
    for i in range(ks.size - 1):
        if gap[i] >= gap[i + 1] - s[i + 1]:
            return int(ks[i]), True
    return int(ks[-1]), False


def _references(
    x: np.ndarray, n_refs: int, reference: str, rng: np.random.Generator
) -> list[np.ndarray]:
    if reference == "uniform":
        lo, hi = x.min(axis=0), x.max(axis=0)
        return [rng.uniform(lo, hi, size=x.shape) for _ in range(n_refs)]
    if reference == "permute_beauty":
        refs = []
        for _ in range(n_refs):
            r = x.copy()
            r[:, 0] = x[rng.permutation(x.shape[0]), 0]
            refs.append(r)
        return refs
    raise ValueError(f"reference={reference!r} must be 'uniform' or 'permute_beauty'")


def gap_statistic(
    x: np.ndarray,
    ks: Sequence[int] = range(2, 11),
    n_refs: int = 10,
    seed: int = 0,
    n_init: int = 3,
    reference: str = "uniform",
) -> GapCurve:
    """Gap statistic (Tibshirani, Walther & Hastie, "Estimating the number of clusters in a
    data set via the gap statistic", J. R. Stat. Soc. B 63(2), 2001) of K-means on ``x``
    for each K in ``ks`` (K = 1 allowed).

    :math:`W_k` is the pooled within-cluster sum of squares (K-means inertia).  The
    reference sets are uniform over the bounding box of ``x`` (``reference="uniform"``) or
    ``x`` with its first column (beauty) permuted over rows (``"permute_beauty"``, the null
    of the K = 1 test).  K follows :func:`gap_rule`.
    """
    x = np.asarray(x, dtype=np.float64)
    k_arr = np.array(sorted(set(int(k) for k in ks)), dtype=np.int64)
    if k_arr.size == 0 or k_arr.min() < 1:
        raise ValueError(f"ks={k_arr.tolist()} must be non-empty positive integers")
    if x.ndim != 2 or x.shape[0] < k_arr.max():
        raise ValueError(f"x has shape {x.shape}; need at least max(ks)={k_arr.max()} rows")
    if n_refs < 2:
        raise ValueError(f"n_refs={n_refs} must be >= 2")
    rng = np.random.default_rng(seed)
    refs = _references(x, n_refs, reference, rng)
    tiny = np.finfo(np.float64).tiny
    log_w = np.empty(k_arr.size)
    log_w_ref = np.empty(k_arr.size)
    s = np.empty(k_arr.size)
    for i, k in enumerate(k_arr):
        log_w[i] = np.log(max(kmeans(x, int(k), seed, n_init).inertia_, tiny))
        ref = np.array([np.log(max(kmeans(r, int(k), seed, n_init).inertia_, tiny)) for r in refs])
        log_w_ref[i] = ref.mean()
        s[i] = ref.std() * np.sqrt(1.0 + 1.0 / n_refs)
    gap = log_w_ref - log_w
    chosen, met = gap_rule(k_arr, gap, s)
    return GapCurve(
        ks=k_arr, gap=gap, s=s, log_w=log_w, log_w_ref=log_w_ref, k=chosen, rule_met=met
    )
