"""analysis/stats: the cluster-robust two-group comparisons against a plain loop
re-implementation of the sandwich formula, and hand-worked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis.stats import TwoGroups, cluster_var, compare_means, compare_proportions, twoway_var


def _sandwich(psi: list[float], clusters: list) -> float:
    """G/(G-1) Σ_g (Σ_{i∈g} ψ_i)², by a dictionary loop."""
    sums: dict = {}
    for p, c in zip(psi, clusters, strict=True):
        sums[c] = sums.get(c, 0.0) + p
    g = len(sums)
    return g / (g - 1) * sum(v * v for v in sums.values())


def test_paired_groups_have_no_variance_in_the_difference():
    # every user is in both groups with the same shift: ψ_t − ψ_c cancels in each cluster
    r = compare_means(
        np.array([1.0, 3.0]), np.array([0, 1]), np.array([0.0, 2.0]), np.array([0, 1])
    )
    assert r["diff"] == 1.0 and r["diff_se"] == 0.0
    # the same numbers in four different users: Var = 4/3 · 4 · (1/2)² per group … = 4/3
    r = compare_means(
        np.array([1.0, 3.0]), np.array([0, 1]), np.array([0.0, 2.0]), np.array([2, 3])
    )
    assert r["diff_se"] == pytest.approx(math.sqrt(4 / 3))


def test_compare_means_equals_a_loop_sandwich_with_shared_users_and_weeks():
    rng = np.random.default_rng(4)
    n_t, n_c = 60, 90
    y_t, y_c = rng.normal(1, 1, n_t), rng.normal(0, 1, n_c)
    u_t, u_c = rng.integers(0, 25, n_t), rng.integers(10, 40, n_c)  # users 10–24 in both
    w_t, w_c = rng.integers(0, 8, n_t), rng.integers(0, 8, n_c)
    r = compare_means(y_t, u_t, y_c, u_c, week_t=w_t, week_c=w_c)
    psi = list((y_t - y_t.mean()) / n_t) + list(-(y_c - y_c.mean()) / n_c)
    users = list(u_t) + list(u_c)
    weeks = list(w_t) + list(w_c)
    v = (
        _sandwich(psi, users)
        + _sandwich(psi, weeks)
        - _sandwich(psi, list(zip(users, weeks, strict=True)))
    )
    v = v if v > 0 else max(_sandwich(psi, users), _sandwich(psi, weeks))
    assert r["diff_se"] == pytest.approx(math.sqrt(v), rel=1e-12)
    z = stats.norm.ppf(0.975)
    assert r["diff_ci_high"] - r["diff"] == pytest.approx(z * math.sqrt(v), rel=1e-12)
    se_t = math.sqrt(_sandwich(list((y_t - y_t.mean()) / n_t), list(u_t)))
    one_way = compare_means(y_t, u_t, y_c, u_c)  # no weeks: by user only
    assert one_way["treatment_ci_high"] - one_way["treatment_mean"] == pytest.approx(z * se_t)


def test_compare_proportions_delta_method_with_shared_users():
    y_t = np.array([1, 0, 1, 1, 0, 1], dtype=float)
    y_c = np.array([0, 0, 1, 0, 1, 0, 0, 1], dtype=float)
    u_t = np.array([0, 1, 2, 3, 4, 5])
    u_c = np.array([0, 1, 2, 6, 7, 8, 9, 10])
    r = compare_proportions(y_t, u_t, y_c, u_c)
    pt, pc = 4 / 6, 3 / 8
    psi = list((y_t - pt) / (6 * pt)) + list(-(y_c - pc) / (8 * pc))
    se = math.sqrt(_sandwich(psi, list(u_t) + list(u_c)))
    z = stats.norm.ppf(0.975)
    assert r["ratio"] == pytest.approx(pt / pc)
    assert r["ci_low"] == pytest.approx(pt / pc * math.exp(-z * se), rel=1e-12)
    assert r["ci_high"] == pytest.approx(pt / pc * math.exp(z * se), rel=1e-12)


def test_checks_once_and_weeks_need_both_groups():
    with pytest.raises(ValueError, match="need >= 2 units per group, got 1 and 3"):
        compare_means(np.ones(1), np.zeros(1), np.ones(3), np.arange(3))
    g = TwoGroups.of(np.ones(2), np.arange(2), np.ones(2), np.arange(2), week_t=np.arange(2))
    assert g.week_t is None and g.week_c is None  # one-way when only one group has weeks
    assert math.isnan(cluster_var(np.ones(3), np.zeros(3)))  # one cluster: undefined
    assert twoway_var(np.array([1.0, -1.0]), np.array([0, 1]), None) == 4.0
