"""Is quality correlated with social connectivity? (Beautiful and damned, §6.1, Q1, Fig. 6).

The paper reports Spearman rank correlations between user beauty and in-degree
(ρ = .22), out-degree (ρ = .24), favourites received (ρ = .17) and number of photos
(ρ = −.03), and plots the average user beauty of users with a fixed (log-binned) in- or
out-degree with 95 % confidence intervals (Fig. 6).

Confidence intervals of ρ use the Fisher transform :math:`z = \\operatorname{artanh}\\rho`
with the Spearman standard error of Bonett & Wright (2000),
:math:`\\sigma_z = \\sqrt{(1 + \\rho^2/2)/(n - 3)}`; or, with ``method="bootstrap"``, the
percentile interval of a seeded pairs bootstrap.

Example
-------
>>> import numpy as np
>>> r = spearman_ci(np.arange(10.0), np.arange(10.0) ** 2)
>>> round(r.rho, 6), r.n
(1.0, 10)

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

__all__ = [
    "SpearmanResult",
    "Connectivity",
    "BinnedMean",
    "spearman_ci",
    "connectivity",
    "log_binned_mean",
]


@dataclass(frozen=True)
class SpearmanResult:
    """Spearman ρ with its confidence interval and two-sided p-value."""

    rho: float
    low: float
    high: float
    pvalue: float
    n: int
    confidence: float
    method: str

    def to_dict(self) -> dict:
        return {
            "rho": self.rho,
            "low": self.low,
            "high": self.high,
            "pvalue": self.pvalue,
            "n": self.n,
        }


@dataclass(frozen=True)
class Connectivity:
    """Q1: Spearman of user beauty with each connectivity/activity indicator."""

    results: dict[str, SpearmanResult]

    def rho(self, name: str) -> float:
        return self.results[name].rho

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"indicator": name, **r.to_dict()} for name, r in self.results.items()]
        )


@dataclass(frozen=True)
class BinnedMean:
    """Mean of ``y`` within logarithmic bins of ``x`` (Fig. 6), with 95 % normal CIs.

    Only non-empty bins are kept.  ``n_excluded`` counts users left out because ``x`` was
    below 1 (a degree of zero has no place on a log axis) or ``y`` was NaN.
    """

    left: np.ndarray
    right: np.ndarray
    center: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    count: np.ndarray
    n_excluded: int

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "bin_left": self.left,
                "bin_right": self.right,
                "center": self.center,
                "mean": self.mean,
                "ci_low": self.low,
                "ci_high": self.high,
                "count": self.count,
            }
        )


def _pair(x, y) -> tuple[np.ndarray, np.ndarray]:
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be 1-D of equal length, got {xa.shape} and {ya.shape}")
    ok = ~(np.isnan(xa) | np.isnan(ya))
    return xa[ok], ya[ok]


def _spearman_rho(rx: np.ndarray, ry: np.ndarray) -> float:
    """Pearson correlation of (already computed) ranks."""
    rx = rx - rx.mean()
    ry = ry - ry.mean()
    denom = np.sqrt(np.dot(rx, rx) * np.dot(ry, ry))
    return float(np.dot(rx, ry) / denom) if denom > 0 else float("nan")


def spearman_ci(
    x,
    y,
    confidence: float = 0.95,
    method: str = "fisher",
    n_boot: int = 1000,
    seed: int = 0,
) -> SpearmanResult:
    """Spearman rank correlation of ``x`` and ``y`` with a confidence interval (Q1).

    Pairs where either value is NaN are dropped.

    Parameters
    ----------
    x, y : arrays of equal length
    confidence : float in (0, 1)
    method : ``"fisher"`` (Fisher z with the Bonett–Wright standard error) or
        ``"bootstrap"`` (percentile interval of ``n_boot`` seeded pairs resamples).
    n_boot : int
        Bootstrap resamples (``method="bootstrap"`` only).
    seed : int
        Seed of the bootstrap generator.

    Returns
    -------
    SpearmanResult
        ``rho`` is NaN (and the interval too) if fewer than 3 pairs remain or one of the
        variables is constant.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence={confidence} must lie in (0, 1)")
    if method not in ("fisher", "bootstrap"):
        raise ValueError(f"method={method!r} must be 'fisher' or 'bootstrap'")
    xa, ya = _pair(x, y)
    n = int(xa.size)
    nan = float("nan")
    if n < 3:
        return SpearmanResult(nan, nan, nan, nan, n, confidence, method)
    rx = stats.rankdata(xa)
    ry = stats.rankdata(ya)
    rho = _spearman_rho(rx, ry)
    if np.isnan(rho):
        return SpearmanResult(nan, nan, nan, nan, n, confidence, method)
    # two-sided p-value from the t distribution (as scipy.stats.spearmanr)
    if abs(rho) >= 1.0:
        pvalue = 0.0
    else:
        t = rho * np.sqrt((n - 2) / ((1.0 - rho) * (1.0 + rho)))
        pvalue = float(2 * stats.t.sf(abs(t), n - 2))
    alpha = 1.0 - confidence
    if method == "fisher":
        if n <= 3 or abs(rho) >= 1.0:
            low = high = rho if abs(rho) >= 1.0 else nan
        else:
            z = np.arctanh(rho)
            se = np.sqrt((1.0 + rho**2 / 2.0) / (n - 3))
            q = special.ndtri(1.0 - alpha / 2.0)
            low, high = float(np.tanh(z - q * se)), float(np.tanh(z + q * se))
    else:
        if n_boot < 10:
            raise ValueError(f"n_boot={n_boot} must be >= 10")
        rng = np.random.default_rng(seed)
        boots = np.empty(n_boot)
        for b in range(n_boot):
            take = rng.integers(0, n, size=n)
            boots[b] = _spearman_rho(stats.rankdata(xa[take]), stats.rankdata(ya[take]))
        boots = boots[~np.isnan(boots)]
        low = float(np.quantile(boots, alpha / 2.0))
        high = float(np.quantile(boots, 1.0 - alpha / 2.0))
    return SpearmanResult(float(rho), float(low), float(high), pvalue, n, confidence, method)


def connectivity(
    beauty,
    indicators: Mapping[str, np.ndarray],
    confidence: float = 0.95,
    method: str = "fisher",
    n_boot: int = 1000,
    seed: int = 0,
) -> Connectivity:
    """Spearman ρ (with CI) of user beauty against each indicator (Q1, Fig. 6).

    Parameters
    ----------
    beauty : float array, one entry per user (NaN for users without beauty: dropped)
    indicators : mapping name -> array aligned with ``beauty``
        Typically ``indegree``, ``outdegree``, ``favorites`` (received) and ``photos``.
    """
    b = np.asarray(beauty, dtype=np.float64)
    if not indicators:
        raise ValueError("indicators is empty")
    results = {}
    for name, values in indicators.items():
        v = np.asarray(values, dtype=np.float64)
        if v.shape != b.shape:
            raise ValueError(f"indicator {name!r} has shape {v.shape}, beauty has {b.shape}")
        results[name] = spearman_ci(
            b, v, confidence=confidence, method=method, n_boot=n_boot, seed=seed
        )
    return Connectivity(results=results)


def log_binned_mean(
    x, y, bins_per_decade: int = 5, min_count: int = 1, confidence: float = 0.95
) -> BinnedMean:
    """Mean of ``y`` (user beauty) per logarithmic bin of ``x`` (degree), as in Fig. 6.

    Bins are ``[10^(j/b), 10^((j+1)/b))`` for ``b = bins_per_decade`` starting at 1; the
    interval is ``mean ± z · sd / sqrt(count)`` (normal approximation).  Users with
    ``x < 1`` or NaN ``y`` are excluded; bins with fewer than ``min_count`` users dropped.
    """
    if bins_per_decade < 1:
        raise ValueError(f"bins_per_decade={bins_per_decade} must be >= 1")
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.shape != ya.shape or xa.ndim != 1:
        raise ValueError(f"x and y must be 1-D of equal length, got {xa.shape} and {ya.shape}")
    ok = (xa >= 1) & ~np.isnan(ya) & ~np.isnan(xa)
    n_excluded = int((~ok).sum())
    xa, ya = xa[ok], ya[ok]
    empty = np.empty(0)
    if xa.size == 0:
        return BinnedMean(
            empty, empty, empty, empty, empty, empty, np.empty(0, np.int64), n_excluded
        )
    # small epsilon so that exact powers of ten land in their own bin despite rounding
    j = np.floor(np.log10(xa) * bins_per_decade + 1e-9).astype(np.int64)
    n_bins = int(j.max()) + 1
    count = np.bincount(j, minlength=n_bins)
    s1 = np.bincount(j, weights=ya, minlength=n_bins)
    s2 = np.bincount(j, weights=ya * ya, minlength=n_bins)
    keep = count >= max(min_count, 1)
    idx = np.flatnonzero(keep)
    c = count[keep].astype(np.float64)
    mean = s1[keep] / c
    var = np.maximum(s2[keep] / c - mean**2, 0.0) * np.where(c > 1, c / np.maximum(c - 1, 1), 0)
    half = special.ndtri(0.5 + confidence / 2.0) * np.sqrt(var / c)
    left = 10.0 ** (idx / bins_per_decade)
    right = 10.0 ** ((idx + 1) / bins_per_decade)
    return BinnedMean(
        left=left,
        right=right,
        center=np.sqrt(left * right),
        mean=mean,
        low=mean - half,
        high=mean + half,
        count=count[keep].astype(np.int64),
        n_excluded=n_excluded,
    )
