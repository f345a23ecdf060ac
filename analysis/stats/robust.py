"""Cluster-robust variances of linear statistics.

A linear statistic ``T = Σ_i ψ_i`` (``ψ_i`` the influence function of unit ``i``, e.g.
``(y_i − ȳ)/n`` for a mean) has the cluster-robust ("sandwich") variance

    V_g = G/(G − 1) · Σ_g (Σ_{i∈g} ψ_i)²

over the ``G`` clusters ``g`` (Liang & Zeger 1986).  Two-way clustering by users and weeks
takes ``V_user + V_week − V_(user, week)`` (Cameron, Gelbach & Miller 2011).

>>> psi = np.array([1.0, -1.0, 2.0, -2.0])
>>> cluster_var(psi, np.array([0, 0, 1, 1]))  # ψ cancels inside each cluster
0.0
>>> cluster_var(psi, np.arange(4))  # one unit per cluster: 4/3 · Σψ²
13.333333333333332

References
----------
.. [1] K.-Y. Liang, S. L. Zeger. "Longitudinal data analysis using generalized linear
   models." Biometrika 73(1), pp. 13–22, 1986. https://doi.org/10.1093/biomet/73.1.13
.. [2] A. C. Cameron, J. B. Gelbach, D. L. Miller. "Robust Inference With Multiway
   Clustering." Journal of Business & Economic Statistics 29(2), pp. 238–249, 2011.
   https://doi.org/10.1198/jbes.2010.07136
"""

from __future__ import annotations

import numpy as np

__all__ = ["cluster_var", "twoway_var"]


def cluster_var(psi: np.ndarray, cluster: np.ndarray) -> float:
    """Sandwich variance ``G/(G−1) Σ_g (Σ_{i∈g} ψ_i)²`` of a linear statistic; NaN with
    fewer than two clusters."""
    _, inv = np.unique(cluster, return_inverse=True)
    g = np.bincount(inv, weights=psi)
    n_g = len(g)
    if n_g < 2:
        return float("nan")
    return float(n_g / (n_g - 1) * np.sum(g**2))


def twoway_var(psi: np.ndarray, user: np.ndarray, week: np.ndarray | None) -> float:
    """Cluster-robust variance of a linear statistic, by user and (optionally) by week.

    One-way (``week`` None): :func:`cluster_var` by user.  Two-way (Cameron, Gelbach &
    Miller 2011): ``V_user + V_week − V_(user, week)``, which also allows units of
    different users in the same calendar week to be correlated (they share the state
    of the network at the start of that week and, for Q5, overlapping follow-up weeks).
    When the difference is not positive (possible in finite samples) the larger one-way
    variance is used.
    """
    v_u = cluster_var(psi, user)
    if week is None:
        return v_u
    v_w = cluster_var(psi, week)
    v_uw = cluster_var(psi, np.asarray(user, np.int64) * (int(np.max(week)) + 1) + week)
    v = v_u + v_w - v_uw
    return float(v) if v > 0 else float(max(v_u, v_w))
