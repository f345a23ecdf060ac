"""Inequality of beauty and attention across users (Beautiful and damned, §5, Fig. 5).

Fig. 5 (left) shows the distribution of user beauty (bell-shaped, mean 0.26); Fig. 5
(right) the Lorenz curves of average beauty and average favourites per photo across users,
with Gini coefficients :math:`G_{beauty} = 0.29` and :math:`G_{favs} = 0.98`.

The Gini coefficient of non-negative values :math:`x_{(1)} \\le \\dots \\le x_{(n)}` is

.. math:: G = \\frac{2 \\sum_{i=1}^{n} i\\, x_{(i)}}{n \\sum_i x_i} - \\frac{n + 1}{n},

i.e. one minus twice the area under the Lorenz curve (trapezoids between its points).

Example
-------
>>> float(gini([1.0, 1.0, 1.0, 1.0]))
0.0
>>> float(gini([0.0, 0.0, 0.0, 1.0]))
0.75

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "Lorenz",
    "BeautyDistribution",
    "Inequality",
    "gini",
    "lorenz_curve",
    "beauty_distribution",
    "inequality",
]


@dataclass(frozen=True)
class Lorenz:
    """Lorenz curve points: the poorest ``population_share`` hold ``resource_share``.

    Both arrays start at 0 and end at 1 (``n + 1`` points for ``n`` values).
    """

    population_share: np.ndarray
    resource_share: np.ndarray
    gini: float

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"population_share": self.population_share, "resource_share": self.resource_share}
        )


@dataclass(frozen=True)
class BeautyDistribution:
    """Summary and histogram of user beauty (Fig. 5, left)."""

    n: int
    mean: float
    median: float
    std: float
    skewness: float
    p05: float
    p95: float
    bin_edges: np.ndarray
    counts: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "bin_left": self.bin_edges[:-1],
                "bin_right": self.bin_edges[1:],
                "count": self.counts,
            }
        )

    def summary(self) -> dict:
        return {
            "n": self.n,
            "mean": self.mean,
            "median": self.median,
            "std": self.std,
            "skewness": self.skewness,
            "p05": self.p05,
            "p95": self.p95,
        }


@dataclass(frozen=True)
class Inequality:
    """Fig. 5 in one object: beauty distribution, Lorenz curves and Ginis."""

    distribution: BeautyDistribution
    lorenz_beauty: Lorenz
    lorenz_favorites: Lorenz
    n_users: int

    @property
    def gini_beauty(self) -> float:
        return self.lorenz_beauty.gini

    @property
    def gini_favorites(self) -> float:
        return self.lorenz_favorites.gini

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"quantity": "average beauty", "gini": self.gini_beauty, "n_users": self.n_users},
                {
                    "quantity": "average favourites per photo",
                    "gini": self.gini_favorites,
                    "n_users": self.n_users,
                },
            ]
        )


def _nonnegative(name: str, x) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.isfinite(arr).all():
        bad = np.flatnonzero(~np.isfinite(arr))
        raise ValueError(f"{name} has {bad.size} non-finite values (first at {int(bad[0])})")
    if (arr < 0).any():
        raise ValueError(f"{name} must be non-negative; min={arr.min()}")
    return arr


def gini(x) -> float:
    """Gini coefficient of non-negative values (§5, Fig. 5 right).

    Returns NaN when every value is zero (the Lorenz curve is undefined).
    """
    arr = np.sort(_nonnegative("x", x))
    total = arr.sum()
    if total == 0:
        return float("nan")
    n = arr.size
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return float(2.0 * np.dot(ranks, arr) / (n * total) - (n + 1.0) / n)


def lorenz_curve(x, max_points: int | None = None) -> Lorenz:
    """Lorenz curve of non-negative values (Fig. 5, right).

    Parameters
    ----------
    x : array of non-negative floats
    max_points : int, optional
        Thin the curve to about this many points (for plotting large populations); the
        Gini is always computed on all values.
    """
    arr = np.sort(_nonnegative("x", x))
    total = arr.sum()
    n = arr.size
    pop = np.arange(0, n + 1, dtype=np.float64) / n
    if total == 0:
        res = np.full(n + 1, np.nan)
        res[0] = 0.0
    else:
        res = np.concatenate([[0.0], np.cumsum(arr) / total])
        res[-1] = 1.0
    if max_points is not None and n + 1 > max_points:
        if max_points < 2:
            raise ValueError(f"max_points={max_points} must be >= 2")
        keep = np.unique(np.linspace(0, n, max_points).round().astype(np.int64))
        pop, res = pop[keep], res[keep]
    return Lorenz(population_share=pop, resource_share=res, gini=gini(arr))


def beauty_distribution(beauty, bins: int = 50, value_range=(0.0, 1.0)) -> BeautyDistribution:
    """Mean, spread and histogram of user beauty (Fig. 5 left; the paper's mean is 0.26).

    NaN entries (users without beauty) are dropped.
    """
    b = np.asarray(beauty, dtype=np.float64)
    b = b[~np.isnan(b)]
    if b.size == 0:
        raise ValueError("beauty has no finite values")
    if bins < 1:
        raise ValueError(f"bins={bins} must be >= 1")
    counts, edges = np.histogram(b, bins=bins, range=value_range)
    skew = float(stats.skew(b)) if b.size > 2 and b.std() > 0 else float("nan")
    return BeautyDistribution(
        n=int(b.size),
        mean=float(b.mean()),
        median=float(np.median(b)),
        std=float(b.std()),
        skewness=skew,
        p05=float(np.quantile(b, 0.05)),
        p95=float(np.quantile(b, 0.95)),
        bin_edges=edges,
        counts=counts.astype(np.int64),
    )


def inequality(beauty, fav_per_photo, bins: int = 50, max_points: int | None = 2000) -> Inequality:
    """Fig. 5: the beauty histogram and Lorenz/Gini of average beauty vs. favourites per photo.

    Both Lorenz curves use the same users: those where ``beauty`` and ``fav_per_photo``
    are both finite (photographers with at least one scored photo).
    """
    b = np.asarray(beauty, dtype=np.float64)
    f = np.asarray(fav_per_photo, dtype=np.float64)
    if b.shape != f.shape:
        raise ValueError(f"beauty and fav_per_photo differ in shape: {b.shape} != {f.shape}")
    ok = np.isfinite(b) & np.isfinite(f)
    if not ok.any():
        raise ValueError("no user has both a beauty and a favourites-per-photo value")
    return Inequality(
        distribution=beauty_distribution(b[ok], bins=bins),
        lorenz_beauty=lorenz_curve(b[ok], max_points=max_points),
        lorenz_favorites=lorenz_curve(f[ok], max_points=max_points),
        n_users=int(ok.sum()),
    )
