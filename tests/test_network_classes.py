"""User classes of beautiful-and-damned §7 (Tables 2-3): normalisation, gap statistic,
naming, per-class tables, and the figures of analysis/plots/network.py."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from analysis.class_naming import CLASS_NAMES, name_clusters
from analysis.classes import active_weeks, normalize_features, user_classes
from analysis.gap import gap_statistic

# Table 2 of the paper: normalised centroids (beauty, fav/photo, connects)
PAPER_CENTROIDS = np.array(
    [[0.17, 0.00, 0.06], [0.42, 0.01, 0.10], [0.25, 0.01, 0.21], [0.42, 0.15, 0.35]]
)


def test_normalize_features_log_then_minmax():
    x, lo, hi = normalize_features([0.0, 0.5, 1.0], [0, 3, 1], [0, 9, 99])
    np.testing.assert_allclose(lo, [0, 0, 0])
    np.testing.assert_allclose(hi, np.log1p([1.0, 3, 99]))
    np.testing.assert_allclose(x[:, 2], np.log1p([0, 9, 99]) / np.log1p(99))
    np.testing.assert_allclose(x[1], [np.log1p(0.5) / np.log(2), 1.0, np.log(10) / np.log(100)])
    const, _, _ = normalize_features([0.3, 0.3], [1, 2], [3, 4])
    assert const[:, 0].tolist() == [0, 0]
    with pytest.raises(ValueError, match="non-negative"):
        normalize_features([0.1], [-1], [0])
    with pytest.raises(ValueError, match="lengths differ"):
        normalize_features([0.1, 0.2], [1], [0])


def test_name_clusters_reproduces_table2_in_any_order():
    assert name_clusters(PAPER_CENTROIDS) == list(CLASS_NAMES)
    perm = [3, 1, 0, 2]
    assert name_clusters(PAPER_CENTROIDS[perm]) == [CLASS_NAMES[i] for i in perm]


def test_name_clusters_other_k():
    assert name_clusters(np.array([[0.3, 0.0, 0.1]])) == ["Regular"]
    assert name_clusters(np.array([[0.3, 0.3, 0.4], [0.3, 0.0, 0.1]])) == ["Superstar", "Regular"]
    three = np.array([[0.2, 0.0, 0.1], [0.4, 0.2, 0.4], [0.45, 0.0, 0.05]])
    assert name_clusters(three) == ["Low quality", "Superstar", "Forlorn beauty"]
    five = np.vstack([PAPER_CENTROIDS, [[0.3, 0.05, 0.25]]])
    assert name_clusters(five) == [
        "Low quality",
        "Forlorn beauty",
        "Regular 1",
        "Superstar",
        "Regular 2",
    ]
    with pytest.raises(ValueError, match="shape"):
        name_clusters(np.ones((3, 2)))


def _blobs(centers, n_per, spread, seed):
    rng = np.random.default_rng(seed)
    pts = [c + rng.normal(0, spread, (n_per, len(c))) for c in centers]
    return np.vstack(pts)


def test_gap_statistic_picks_planted_k():
    centers3 = np.array([[0.1, 0.1, 0.1], [0.9, 0.1, 0.5], [0.5, 0.9, 0.9]])
    gap = gap_statistic(_blobs(centers3, 150, 0.03, 0), ks=range(2, 8), n_refs=5, seed=1)
    assert gap.k == 3 and gap.rule_met
    assert gap.gap[gap.ks == 3][0] > gap.gap[gap.ks == 2][0]
    centers5 = np.vstack([centers3, [[0.1, 0.9, 0.1], [0.9, 0.9, 0.1]]])
    gap5 = gap_statistic(_blobs(centers5, 120, 0.03, 2), ks=range(2, 9), n_refs=5, seed=1)
    assert gap5.k == 5
    assert len(gap5.to_frame()) == 7
    again = gap_statistic(_blobs(centers5, 120, 0.03, 2), ks=range(2, 9), n_refs=5, seed=1)
    np.testing.assert_array_equal(gap5.gap, again.gap)


def test_gap_statistic_bad_args():
    with pytest.raises(ValueError, match="at least max"):
        gap_statistic(np.zeros((3, 3)), ks=range(2, 6))
    with pytest.raises(ValueError, match="n_refs"):
        gap_statistic(np.random.default_rng(0).random((20, 3)), ks=[2], n_refs=1)


def _planted_users(seed=0):
    """Four planted groups mimicking Table 2's classes, with spread in every log-dimension."""
    rng = np.random.default_rng(seed)
    spec = {  # name: (n, beauty mean, log1p fav/photo mean, log1p followers mean)
        "Low quality": (400, 0.15, 0.3, 0.8),
        "Forlorn beauty": (300, 0.55, 0.3, 1.2),
        "Regular": (200, 0.3, 0.9, 3.0),
        "Superstar": (100, 0.55, 3.0, 6.5),
    }
    b, f, fo, truth = [], [], [], []
    for name, (n, mb, lf, lfo) in spec.items():
        b.append(np.clip(rng.normal(mb, 0.02, n), 0, 1))
        f.append(np.expm1(np.abs(rng.normal(lf, 0.08, n))))
        fo.append(np.expm1(np.abs(rng.normal(lfo, 0.2, n))))
        truth += [name] * n
    return np.concatenate(b), np.concatenate(f), np.concatenate(fo), np.array(truth)


def test_user_classes_recovers_planted_groups():
    b, f, fo, truth = _planted_users()
    b[5] = np.nan  # a user without beauty is not clustered
    photos = np.arange(b.size) % 7 + 1
    weeks = np.arange(b.size) % 3
    cl = user_classes(b, f, fo, n_photos=photos, weeks=weeks, ks=range(2, 7), n_refs=5, seed=3)
    assert cl.k == 4
    assert cl.names == list(CLASS_NAMES)
    assert cl.labels[5] == -1
    got = cl.name_of(cl.labels)
    ok = np.arange(b.size) != 5
    assert (got[ok] == truth[ok]).all()
    np.testing.assert_allclose(cl.share, [399 / 999, 300 / 999, 200 / 999, 100 / 999])
    # Table 3 columns are per-class means of the given arrays
    low = (truth == "Low quality") & ok
    assert cl.mean_photos[0] == pytest.approx(photos[low].mean())
    assert cl.mean_weeks[0] == pytest.approx(weeks[low].mean())
    assert cl.mean_beauty[1] == pytest.approx(b[truth == "Forlorn beauty"].mean())
    frame = cl.to_frame()
    assert frame["name"].tolist() == list(CLASS_NAMES)
    assert {
        "share",
        "beauty",
        "fav_per_photo",
        "followers",
        "photo_count",
        "weeks_with_uploads",
    } <= set(frame.columns)
    # seeded: same seed same labels
    cl2 = user_classes(b, f, fo, ks=range(2, 7), n_refs=5, seed=3)
    np.testing.assert_array_equal(cl.labels, cl2.labels)
    # fixed k skips the gap statistic
    fixed = user_classes(b, f, fo, k=4, seed=3)
    assert fixed.gap is None and fixed.names == list(CLASS_NAMES)
    assert fixed.index_of("Forlorn beauty") == 1
    with pytest.raises(ValueError, match="no class named"):
        fixed.index_of("Hipster")


def test_user_classes_gap_sample_is_used():
    b, f, fo, _ = _planted_users(1)
    cl = user_classes(b, f, fo, ks=range(2, 6), n_refs=3, gap_sample=300, seed=0)
    assert cl.gap is not None and cl.k == cl.gap.k
    assert cl.labels.min() >= 0


def test_user_classes_bad_args():
    with pytest.raises(ValueError, match="equal length"):
        user_classes([0.1, 0.2], [1], [1, 2])
    with pytest.raises(ValueError, match="k=5"):
        user_classes([0.1, 0.2], [1, 2], [1, 2], k=5)


def test_active_weeks_counts_distinct_monday_weeks():
    day = 86_400
    monday = 1_700_438_400  # 2023-11-20 00:00 UTC, a Monday
    t = np.array(
        [monday, monday + 6 * day, monday + 7 * day, monday - 1, monday, np.iinfo(np.int64).min]
    )
    owner = np.array([0, 0, 0, 1, 1, 2])
    assert active_weeks(owner, t, 4).tolist() == [2, 2, 0, 0]


def test_active_weeks_agrees_with_the_weekly_timeline():
    from analysis.weekly import timeline_start, week_index

    rng = np.random.default_rng(8)
    t = 1_700_000_000 + rng.integers(0, 400 * 86_400, 3000)
    owner = rng.integers(0, 50, 3000)
    weeks = week_index(t, timeline_start(t))
    expected = [len(set(weeks[owner == u].tolist())) for u in range(52)]
    assert active_weeks(owner, t, 52).tolist() == expected


def test_plots_return_figures():
    from analysis.connectivity import log_binned_mean
    from analysis.inequality import inequality
    from analysis.majority import majority_illusion
    from analysis.plots import network as P
    from analysis.spectrum import correlation_spectrum

    rng = np.random.default_rng(0)
    n = 300
    beauty = rng.uniform(0.1, 0.6, n)
    src = rng.integers(0, n, 2000)
    dst = rng.integers(0, n, 2000)
    deg = np.bincount(dst, minlength=n)
    figs = [
        P.plot_inequality(inequality(beauty, rng.exponential(1, n))),
        P.plot_beauty_vs_degree(
            log_binned_mean(deg, beauty), log_binned_mean(deg, beauty), 0.2, 0.3
        ),
        P.plot_majority_illusion(majority_illusion(src, dst, beauty)),
        P.plot_correlation_spectrum(correlation_spectrum(src, dst, beauty, n_null=2)),
    ]
    b, f, fo, _ = _planted_users()
    cl = user_classes(b, f, fo, ks=range(2, 6), n_refs=3, seed=0)
    figs += [P.plot_gap_curve(cl.gap), P.plot_class_centroids(cl)]
    from beautygraph.report import Figure as ReportFigure

    for fig in figs:
        assert isinstance(fig, Figure)
        png = ReportFigure.from_matplotlib(fig, "x").png
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
