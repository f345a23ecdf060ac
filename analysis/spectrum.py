"""Correlation spectrum of user beauty (Beautiful and damned, §6.1, Q3, Eq. 2, Fig. 7).

Eq. 2 averages, over all users *i* whose beauty equals *k*, the mean beauty of their
out-neighbours:

.. math:: b_{nn}(k) = \\frac{1}{|\\{i : \\bar b(i) = k\\}|} \\sum_{i : \\bar b(i) = k}
          \\frac{\\sum_{j \\in \\Gamma_{out}(i)} \\bar b(j)}{|\\Gamma_{out}(i)|}

with *k* ranging over 100 equal-width bins of [0, 1].  The Spearman correlation of the
curve (bin centre vs. :math:`b_{nn}`) measures assortativity (paper: ρ = 0.48); a null
model that permutes the beauty values over the users while keeping the graph fixed loses
the trend.

Users without beauty are skipped on both sides (as in :mod:`analysis.beauty`): they are
never binned and never contribute to a neighbour mean; a user whose followees all lack
beauty is not part of the curve.  The null model permutes the beauty among the users
that have one.

Example
-------
>>> import numpy as np
>>> b = np.array([0.105, 0.105, 0.905, 0.905])
>>> sp = correlation_spectrum(np.array([0, 1, 2, 3]), np.array([1, 0, 3, 2]), b, n_null=0)
>>> sp.bnn[sp.count > 0].tolist()
[0.105, 0.905]

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.beauty import check_beauty_graph

__all__ = [
    "CorrelationSpectrum",
    "correlation_spectrum",
    "spectrum_curve",
    "beauty_assortativity",
]


@dataclass(frozen=True)
class CorrelationSpectrum:
    """Eq. 2 on the data and on ``n_null`` seeded permutations of beauty (Fig. 7).

    Per-bin arrays have ``bins`` entries (NaN where a bin is empty).  ``null_curves`` has
    shape ``(n_null, bins)``; ``null_low``/``null_high`` are the per-bin 2.5/97.5 %
    quantiles over permutations and ``null_mean`` their mean.  ``population_interval``
    holds the 5th and 95th percentile of user beauty (the highlighted band of Fig. 7).
    ``user_spearman`` is the user-level Spearman of own vs. neighbour beauty.
    """

    bin_edges: np.ndarray
    bnn: np.ndarray
    std: np.ndarray
    count: np.ndarray
    spearman: float
    spearman_pvalue: float
    user_spearman: float
    population_interval: tuple[float, float]
    null_curves: np.ndarray
    null_mean: np.ndarray
    null_low: np.ndarray
    null_high: np.ndarray
    null_spearman: np.ndarray
    null_user_spearman: np.ndarray
    seed: int

    @property
    def centers(self) -> np.ndarray:
        return 0.5 * (self.bin_edges[:-1] + self.bin_edges[1:])

    @property
    def null_spearman_mean(self) -> float:
        ok = self.null_spearman[~np.isnan(self.null_spearman)]
        return float(ok.mean()) if ok.size else float("nan")

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "bin_left": self.bin_edges[:-1],
                "bin_right": self.bin_edges[1:],
                "count": self.count,
                "bnn": self.bnn,
                "std": self.std,
                "null_mean": self.null_mean,
                "null_low": self.null_low,
                "null_high": self.null_high,
            }
        )


def spectrum_curve(
    beauty: np.ndarray,
    neighbor_beauty: np.ndarray,
    bins: int = 100,
    value_range: tuple[float, float] = (0.0, 1.0),
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Eq. 2 given each user's beauty and neighbour beauty (NaN = skip the user).

    Returns ``(edges, bnn, std, count)``; the last bin is closed on the right.
    """
    if bins < 2:
        raise ValueError(f"bins={bins} must be >= 2")
    lo, hi = float(value_range[0]), float(value_range[1])
    if not hi > lo:
        raise ValueError(f"value_range={value_range} must be increasing")
    b = np.asarray(beauty, dtype=np.float64)
    nb = np.asarray(neighbor_beauty, dtype=np.float64)
    if b.shape != nb.shape:
        raise ValueError(f"beauty and neighbor_beauty differ in shape: {b.shape} != {nb.shape}")
    edges = np.linspace(lo, hi, bins + 1)
    ok = ~(np.isnan(b) | np.isnan(nb)) & (b >= lo) & (b <= hi)
    k = np.minimum(((b[ok] - lo) / (hi - lo) * bins).astype(np.int64), bins - 1)
    y = nb[ok]
    count = np.bincount(k, minlength=bins)
    s1 = np.bincount(k, weights=y, minlength=bins)
    s2 = np.bincount(k, weights=y * y, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, s1 / count, np.nan)
        std = np.where(count > 0, np.sqrt(np.maximum(s2 / count - mean**2, 0.0)), np.nan)
    return edges, mean, std, count.astype(np.int64)


def _curve_spearman(centers: np.ndarray, bnn: np.ndarray) -> tuple[float, float]:
    ok = ~np.isnan(bnn)
    if ok.sum() < 3 or np.ptp(bnn[ok]) == 0:
        return float("nan"), float("nan")
    res = stats.spearmanr(centers[ok], bnn[ok])
    return float(res.statistic), float(res.pvalue)


def _user_spearman(b: np.ndarray, nb: np.ndarray) -> float:
    ok = ~(np.isnan(b) | np.isnan(nb))
    if ok.sum() < 3 or np.ptp(b[ok]) == 0 or np.ptp(nb[ok]) == 0:
        return float("nan")
    return float(stats.spearmanr(b[ok], nb[ok]).statistic)


def _neighbor_mean(src: np.ndarray, dst: np.ndarray, b: np.ndarray) -> np.ndarray:
    vals = b[dst]
    ok = ~np.isnan(vals)
    n = b.shape[0]
    cnt = np.bincount(src[ok], minlength=n)
    tot = np.bincount(src[ok], weights=vals[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


def beauty_assortativity(src, dst, beauty) -> float:
    """Beauty assortativity: user-level Spearman ρ of own beauty against the mean beauty of
    one's followees (users and followees without beauty skipped, as in Eq. 2).  Not the
    paper's number: §6.1 reports the ρ of the binned curve (:attr:`CorrelationSpectrum.spearman`).

    >>> import numpy as np
    >>> round(beauty_assortativity([0, 1, 2, 3], [1, 0, 3, 2], [0.1, 0.2, 0.8, 0.9]), 3)
    0.6
    """
    b, s, d = check_beauty_graph(beauty, src, dst)
    return _user_spearman(b, _neighbor_mean(s, d, b))


def correlation_spectrum(
    src,
    dst,
    beauty,
    bins: int = 100,
    n_null: int = 10,
    seed: int = 0,
    value_range: tuple[float, float] = (0.0, 1.0),
) -> CorrelationSpectrum:
    """Correlation spectrum :math:`b_{nn}(k)` (Eq. 2) with a permutation null model (Fig. 7).

    Parameters
    ----------
    src, dst : int arrays
        Follow edges follower -> followee (user indices); :math:`\\Gamma_{out}(i)` are the
        ``dst`` of the edges with ``src == i``.
    beauty : float array, one entry per user (NaN: no beauty)
    bins : int
        Equal-width bins of ``value_range`` (the paper uses 100 over [0, 1]).
    n_null : int
        Number of permutations of beauty over the users that have one (0: no null).
    seed : int
        Seed of the permutation generator (same seed, same null curves).
    """
    if n_null < 0:
        raise ValueError(f"n_null={n_null} must be >= 0")
    b, s, d = check_beauty_graph(beauty, src, dst)
    scored = np.flatnonzero(~np.isnan(b))
    if scored.size == 0:
        raise ValueError("beauty has no finite values")

    nb = _neighbor_mean(s, d, b)
    edges, bnn, std, count = spectrum_curve(b, nb, bins=bins, value_range=value_range)
    centers = 0.5 * (edges[:-1] + edges[1:])
    rho, pval = _curve_spearman(centers, bnn)

    rng = np.random.default_rng(seed)
    null_curves = np.full((n_null, bins), np.nan)
    null_rho = np.full(n_null, np.nan)
    null_user = np.full(n_null, np.nan)
    perm_b = b.copy()
    for p in range(n_null):
        perm_b[scored] = b[scored][rng.permutation(scored.size)]
        nb_p = _neighbor_mean(s, d, perm_b)
        _, curve, _, _ = spectrum_curve(perm_b, nb_p, bins=bins, value_range=value_range)
        null_curves[p] = curve
        null_rho[p] = _curve_spearman(centers, curve)[0]
        null_user[p] = _user_spearman(perm_b, nb_p)

    nan_bins = np.full(bins, np.nan)
    if n_null:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN bins
            null_mean = np.nanmean(null_curves, axis=0)
            null_low = np.nanquantile(null_curves, 0.025, axis=0)
            null_high = np.nanquantile(null_curves, 0.975, axis=0)
    else:
        null_mean = null_low = null_high = nan_bins
    q05, q95 = np.quantile(b[scored], [0.05, 0.95])
    return CorrelationSpectrum(
        bin_edges=edges,
        bnn=bnn,
        std=std,
        count=count,
        spearman=rho,
        spearman_pvalue=pval,
        user_spearman=_user_spearman(b, nb),
        population_interval=(float(q05), float(q95)),
        null_curves=null_curves,
        null_mean=null_mean,
        null_low=null_low,
        null_high=null_high,
        null_spearman=null_rho,
        null_user_spearman=null_user,
        seed=seed,
    )
