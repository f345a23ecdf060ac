"""Hand-worked checks of analysis/{beauty,inequality,connectivity,majority,spectrum}.py
(beautiful-and-damned §5, §6.1)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.beauty import favorites_received, neighbor_beauty, user_beauty
from analysis.connectivity import connectivity, log_binned_mean, spearman_ci
from analysis.inequality import beauty_distribution, gini, inequality, lorenz_curve
from analysis.majority import majority_illusion
from analysis.spectrum import correlation_spectrum, spectrum_curve

nan = float("nan")


# -- beauty ---------------------------------------------------------------------------


def test_user_beauty_hand_example():
    owners = np.array([0, 0, 1, 2, 2, 2])
    b = np.array([0.2, 0.4, nan, 0.1, 0.2, 0.6])
    ub = user_beauty(owners, b, n_users=4)
    np.testing.assert_allclose(ub.beauty, [0.3, nan, 0.3, nan], equal_nan=True)
    assert ub.n_photos.tolist() == [2, 1, 3, 0]
    assert ub.n_scored.tolist() == [2, 0, 3, 0]
    assert list(ub.to_frame().columns) == ["beauty", "n_photos", "n_scored"]


def test_user_beauty_rejects_bad_input():
    with pytest.raises(ValueError, match=r"owner_idx\[1\]=5"):
        user_beauty(np.array([0, 5]), np.array([0.1, 0.2]), n_users=3)
    with pytest.raises(ValueError, match="length 1, expected 2"):
        user_beauty(np.array([0, 1]), np.array([0.1]), n_users=3)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        user_beauty(np.array([0]), np.array([1.5]), n_users=1)


def test_neighbor_beauty_hand_example():
    # 0 follows 1 and 2; 1 follows 3 (no beauty); 2 follows nobody; 3 follows 0
    beauty = np.array([0.2, 0.4, 0.8, nan])
    src = np.array([0, 0, 1, 3])
    dst = np.array([1, 2, 3, 0])
    nb = neighbor_beauty(src, dst, beauty)
    np.testing.assert_allclose(nb.neighbor_beauty, [0.6, nan, nan, 0.2], equal_nan=True)
    assert nb.n_followees.tolist() == [2, 1, 0, 1]
    assert nb.n_scored_followees.tolist() == [2, 0, 0, 1]


def test_neighbor_beauty_matches_plain_loop():
    rng = np.random.default_rng(3)
    n = 60
    beauty = rng.uniform(0, 1, n)
    beauty[rng.random(n) < 0.2] = nan
    src = rng.integers(0, n, 400)
    dst = rng.integers(0, n, 400)
    nb = neighbor_beauty(src, dst, beauty).neighbor_beauty
    for i in range(n):
        vals = [
            beauty[d] for s, d in zip(src, dst, strict=True) if s == i and not math.isnan(beauty[d])
        ]
        if vals:
            assert nb[i] == pytest.approx(sum(vals) / len(vals), abs=1e-12)
        else:
            assert math.isnan(nb[i])


def test_favorites_received_excludes_self():
    owner = np.array([0, 0, 1])  # photos 0,1 by user 0; photo 2 by user 1
    fav_user = np.array([1, 2, 0, 0, 1])
    fav_photo = np.array([0, 1, 0, 2, 2])
    assert favorites_received(fav_user, fav_photo, owner, 3).tolist() == [2, 1, 0]
    assert favorites_received(fav_user, fav_photo, owner, 3, exclude_self=False).tolist() == [
        3,
        2,
        0,
    ]


# -- inequality ---------------------------------------------------------------------------


def test_gini_known_vectors():
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert gini([5, 5, 5]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)  # (n-1)/n for one holder
    assert math.isnan(gini([0, 0]))
    with pytest.raises(ValueError, match="non-negative"):
        gini([1, -1])
    with pytest.raises(ValueError, match="empty"):
        gini([])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e3, allow_nan=False), min_size=1, max_size=40))
def test_gini_equals_mean_absolute_difference(values):
    x = np.array(values)
    if x.sum() <= 1e-9:
        return
    mad = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert gini(x) == pytest.approx(mad, abs=1e-9)
    # one minus twice the area under the Lorenz curve (trapezoids)
    lor = lorenz_curve(x)
    area = np.sum(
        np.diff(lor.population_share) * (lor.resource_share[1:] + lor.resource_share[:-1]) / 2
    )
    assert lor.gini == pytest.approx(1 - 2 * area, abs=1e-9)


def test_lorenz_points_hand_example():
    lor = lorenz_curve([4, 1, 3, 2])
    np.testing.assert_allclose(lor.population_share, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(lor.resource_share, [0, 0.1, 0.3, 0.6, 1.0])
    thin = lorenz_curve(np.arange(1000.0), max_points=11)
    assert len(thin.population_share) == 11
    assert thin.population_share[0] == 0 and thin.resource_share[-1] == 1
    assert thin.gini == pytest.approx(gini(np.arange(1000.0)))


def test_inequality_uses_common_users_and_distribution():
    beauty = np.array([0.2, 0.4, nan, 0.6, 0.3])
    favpp = np.array([0.0, 0.0, 3.0, 10.0, nan])
    ineq = inequality(beauty, favpp, bins=10)
    assert ineq.n_users == 3
    assert ineq.gini_beauty == pytest.approx(gini([0.2, 0.4, 0.6]))
    assert ineq.gini_favorites == pytest.approx(gini([0.0, 0.0, 10.0]))
    assert ineq.distribution.mean == pytest.approx(0.4)
    assert ineq.distribution.counts.sum() == 3
    assert len(ineq.to_frame()) == 2
    d = beauty_distribution([0.05, 0.15, 0.15, nan], bins=10)
    assert d.counts.tolist()[:2] == [1, 2] and d.n == 3


# -- connectivity -----------------------------------------------------------------------


def test_spearman_matches_scipy_with_ties_and_nan():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 8, 300).astype(float)
    y = x + rng.normal(0, 3, 300)
    x[5] = nan
    r = spearman_ci(x, y)
    ok = ~np.isnan(x)
    ref = stats.spearmanr(x[ok], y[ok])
    assert r.rho == pytest.approx(ref.statistic, abs=1e-12)
    assert r.pvalue == pytest.approx(ref.pvalue, rel=1e-6)
    assert r.n == 299
    # Fisher z interval with the Bonett-Wright standard error, computed by hand
    z, se = np.arctanh(r.rho), np.sqrt((1 + r.rho**2 / 2) / (299 - 3))
    assert r.low == pytest.approx(np.tanh(z - 1.959963984540054 * se))
    assert r.high == pytest.approx(np.tanh(z + 1.959963984540054 * se))
    assert r.low < r.rho < r.high


def test_spearman_bootstrap_is_seeded_and_covers():
    rng = np.random.default_rng(2)
    x = rng.normal(size=200)
    y = 0.5 * x + rng.normal(size=200)
    a = spearman_ci(x, y, method="bootstrap", n_boot=200, seed=7)
    b = spearman_ci(x, y, method="bootstrap", n_boot=200, seed=7)
    assert (a.low, a.high) == (b.low, b.high)
    assert a.low < a.rho < a.high
    f = spearman_ci(x, y)
    assert abs(a.low - f.low) < 0.08 and abs(a.high - f.high) < 0.08


def test_spearman_degenerate_and_bad_args():
    assert math.isnan(spearman_ci([1, 2], [1, 2]).rho)
    assert math.isnan(spearman_ci([1, 1, 1, 1], [1, 2, 3, 4]).rho)
    with pytest.raises(ValueError, match="method"):
        spearman_ci([1, 2, 3], [1, 2, 3], method="kendall")
    with pytest.raises(ValueError, match="equal length"):
        spearman_ci([1, 2, 3], [1, 2])


def test_connectivity_table():
    rng = np.random.default_rng(4)
    b = rng.uniform(size=500)
    indeg = np.round(np.exp(3 * b + rng.normal(size=500)))
    con = connectivity(b, {"indegree": indeg, "photos": rng.integers(1, 50, 500)})
    assert con.rho("indegree") == pytest.approx(stats.spearmanr(b, indeg).statistic)
    frame = con.to_frame()
    assert frame["indicator"].tolist() == ["indegree", "photos"]
    with pytest.raises(ValueError, match="shape"):
        connectivity(b, {"x": np.ones(3)})


def test_log_binned_mean_hand_example():
    x = np.array([0, 1, 2, 5, 10, 12, 100])
    y = np.array([0.9, 0.1, 0.2, 0.3, 0.4, 0.6, 0.5])
    bm = log_binned_mean(x, y, bins_per_decade=1)
    np.testing.assert_allclose(bm.left, [1, 10, 100])
    np.testing.assert_allclose(bm.mean, [0.2, 0.5, 0.5])
    assert bm.count.tolist() == [3, 2, 1]
    assert bm.n_excluded == 1
    sd = np.std([0.1, 0.2, 0.3], ddof=1)
    assert bm.high[0] - bm.mean[0] == pytest.approx(1.959963984540054 * sd / np.sqrt(3))
    assert bm.high[2] == bm.low[2] == 0.5  # a single user: zero-width interval
    assert len(bm.to_frame()) == 3


# -- majority illusion ------------------------------------------------------------------


def test_majority_illusion_hand_graph():
    beauty = np.array([0.9, 0.8, 0.1, 0.1, 0.1, 0.1])  # mean 0.35: users 0, 1 above
    src = np.array([2, 2, 3, 3, 4, 5, 0, 1])
    dst = np.array([0, 1, 0, 4, 5, 0, 1, 2])
    m = majority_illusion(src, dst, beauty)
    assert m.threshold == pytest.approx(0.35)
    assert m.above_share == pytest.approx(1 / 3)
    np.testing.assert_allclose(m.neighbor_share, [1, 0, 1, 0.5, 0, 1])
    assert m.local_majority_share == pytest.approx(4 / 6)
    assert m.double_share == pytest.approx(3 / 6)
    assert m.majority_share == pytest.approx(4 / 6)
    assert m.hist_counts.sum() == 6
    assert m.summary()["above_mean_share"] == pytest.approx(1 / 3)


def test_majority_illusion_star_and_unscored():
    # hub 0 beautiful, followed by all leaves; leaf 5 has no beauty
    beauty = np.array([0.9, 0.1, 0.1, 0.1, 0.1, nan])
    src = np.array([1, 2, 3, 4, 5, 0])
    dst = np.array([0, 0, 0, 0, 0, 5])
    m = majority_illusion(src, dst, beauty)
    assert m.above_share == pytest.approx(0.2)
    assert m.n_perceivers == 4  # hub follows only an unscored user; leaf 5 is unscored
    assert m.local_majority_share == 1.0
    m_all = majority_illusion(src, dst, beauty, perceivers="all")
    assert m_all.n_perceivers == 5
    m_med = majority_illusion(src, dst, beauty, threshold="median")
    assert m_med.threshold == pytest.approx(0.1)


# -- correlation spectrum ----------------------------------------------------------------


def _six_node_graph():
    beauty = np.array([0.105, 0.115, 0.505, 0.515, 0.9, nan])
    src = np.array([0, 0, 1, 1, 2, 3, 3, 4, 5])
    dst = np.array([1, 5, 0, 4, 3, 2, 4, 2, 0])
    return src, dst, beauty


def test_spectrum_six_node_graph_by_hand():
    src, dst, beauty = _six_node_graph()
    # neighbour beauty: u0 .115, u1 (.105+.9)/2, u2 .515, u3 (.505+.9)/2, u4 .505
    sp = correlation_spectrum(src, dst, beauty, n_null=0)
    filled = np.flatnonzero(sp.count)
    assert filled.tolist() == [10, 11, 50, 51, 90]
    np.testing.assert_allclose(sp.bnn[filled], [0.115, 0.5025, 0.515, 0.7025, 0.505])
    assert sp.spearman == pytest.approx(0.7)  # ranks 1,2,4,5,3 -> 1 - 6*6/(5*24)
    coarse = correlation_spectrum(src, dst, beauty, bins=10, n_null=0)
    np.testing.assert_allclose(coarse.bnn[[1, 5, 9]], [0.30875, 0.60875, 0.505])
    assert coarse.count[[1, 5, 9]].tolist() == [2, 2, 1]
    assert coarse.std[1] == pytest.approx(0.19375)
    assert coarse.spearman == pytest.approx(0.5)


def test_spectrum_curve_edges():
    edges, bnn, std, count = spectrum_curve(
        np.array([0.0, 1.0, 0.5]), np.array([0.2, 0.4, nan]), bins=4
    )
    assert count.tolist() == [1, 0, 0, 1]  # 1.0 goes in the last bin, NaN neighbour skipped
    np.testing.assert_allclose(edges, [0, 0.25, 0.5, 0.75, 1])


def _assortative_graph(n=3000, k=10, seed=0):
    rng = np.random.default_rng(seed)
    beauty = np.clip(rng.normal(0.3, 0.1, n), 0.01, 0.99)
    order = np.argsort(beauty)
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    src = np.repeat(np.arange(n), k)
    offs = rng.integers(-40, 41, n * k)
    offs[offs == 0] = 1
    dst = order[np.clip(pos[src] + offs, 0, n - 1)]
    keep = dst != src
    return src[keep], dst[keep], beauty


def test_spectrum_null_model_loses_assortativity_and_is_seeded():
    src, dst, beauty = _assortative_graph()
    sp = correlation_spectrum(src, dst, beauty, n_null=5, seed=11)
    assert sp.spearman > 0.8
    assert sp.user_spearman > 0.9
    assert abs(sp.null_spearman_mean) < 0.3
    assert np.all(np.abs(sp.null_user_spearman) < 0.1)
    assert sp.null_curves.shape == (5, 100)
    again = correlation_spectrum(src, dst, beauty, n_null=5, seed=11)
    np.testing.assert_array_equal(sp.null_spearman, again.null_spearman)
    other = correlation_spectrum(src, dst, beauty, n_null=5, seed=12)
    assert not np.array_equal(sp.null_spearman, other.null_spearman)
    lo, hi = sp.population_interval
    assert lo == pytest.approx(np.quantile(beauty, 0.05))
    assert hi == pytest.approx(np.quantile(beauty, 0.95))
    frame = sp.to_frame()
    assert len(frame) == 100 and {"bnn", "null_mean", "null_low", "null_high"} <= set(frame.columns)


def test_spectrum_bad_input():
    with pytest.raises(ValueError, match="no finite"):
        correlation_spectrum(np.array([0]), np.array([1]), np.array([nan, nan]))
    with pytest.raises(ValueError, match=r"dst\[0\]=7"):
        correlation_spectrum(np.array([0]), np.array([7]), np.array([0.1, 0.2]))


@pytest.mark.parametrize(
    "module",
    ["beauty", "inequality", "connectivity", "majority", "spectrum", "class_naming", "gap"],
)
def test_docstring_examples(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"analysis.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
