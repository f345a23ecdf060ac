"""The weekly timeline and per-week beauty (analysis/weekly.py), checked by hand and by loops."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analysis.weekly import (
    MISSING_TIMESTAMP,
    FollowTimeline,
    active_weeks_before,
    neighbour_beauty,
    neighbour_sums,
    next_active_week,
    timeline_start,
    user_week_matrix,
    week_index,
    weekly_beauty,
)

nan = np.nan


def ts(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp())


def test_timeline_start_is_the_monday_before():
    wed = ts("2024-01-03T12:00:00")  # a Wednesday
    assert timeline_start(np.array([wed, ts("2024-02-01T00:00:00")])) == ts("2024-01-01T00:00:00")
    monday = ts("2024-01-08T00:00:00")
    assert timeline_start(np.array([monday])) == monday
    sunday_night = ts("2024-01-07T23:59:59")
    assert timeline_start(np.array([sunday_night])) == ts("2024-01-01T00:00:00")
    # missing timestamps are ignored; the earliest over several arrays wins
    a = np.array([MISSING_TIMESTAMP, ts("2024-03-01T00:00:00")])
    b = np.array([ts("1999-12-31T10:00:00")])  # a Friday
    assert timeline_start(a, b) == ts("1999-12-27T00:00:00")
    with pytest.raises(ValueError, match="no valid timestamp"):
        timeline_start(np.array([MISSING_TIMESTAMP]))


def test_week_index():
    t0 = ts("2024-01-01T00:00:00")
    t = np.array([t0, t0 + 604799, t0 + 604800, ts("2024-01-17T08:00:00"), MISSING_TIMESTAMP])
    assert week_index(t, t0).tolist() == [0, 0, 1, 2, -1]
    with pytest.raises(ValueError, match="before the timeline start"):
        week_index(np.array([t0 - 1]), t0)


def test_user_week_matrix_counts_and_sums():
    user = np.array([0, 0, 1, 1, 1])
    week = np.array([0, 0, 2, 2, 1])
    vals = np.array([0.1, 0.2, 0.5, nan, 0.3])
    assert user_week_matrix(user, week, 2, 3).tolist() == [[2, 0, 0], [0, 1, 2]]
    np.testing.assert_allclose(
        user_week_matrix(user, week, 2, 3, vals), [[0.3, 0, 0], [0, 0.3, 0.5]]
    )
    with pytest.raises(ValueError, match="week value 3"):
        user_week_matrix(user, np.array([0, 0, 3, 2, 1]), 2, 3)


@pytest.fixture
def photos():
    # user 0: week 0 (0.2, 0.4), week 2 (0.6); user 1: week 1 (0.5, unscored); user 2: nothing
    owner = np.array([0, 0, 0, 1, 1])
    week = np.array([0, 0, 2, 1, 1])
    beauty = np.array([0.2, 0.4, 0.6, 0.5, nan])
    return owner, week, beauty


def test_b_t_and_b_bar_by_hand(photos):
    wb = weekly_beauty(*photos, n_users=3, n_weeks=3)
    np.testing.assert_allclose(wb.b_t(), [[0.3, nan, 0.6], [nan, 0.5, nan], [nan, nan, nan]])
    # b̄_t: photos strictly before week t; last column = all weeks
    np.testing.assert_allclose(
        wb.b_bar(), [[nan, 0.3, 0.3, 0.4], [nan, nan, 0.5, 0.5], [nan, nan, nan, nan]]
    )
    np.testing.assert_allclose(wb.b_at(np.array([0, 1]), np.array([2, 1])), [0.6, 0.5])
    np.testing.assert_allclose(
        wb.b_bar_at(np.array([0, 0, 1]), np.array([3, 0, 2])), [0.4, nan, 0.5]
    )
    np.testing.assert_allclose(wb.b_bar_week(1), [0.3, nan, nan])


def test_activity_helpers():
    uploads = np.array([[1, 0, 0, 2, 0], [0, 0, 0, 0, 0], [3, 1, 1, 1, 1]])
    assert active_weeks_before(uploads).tolist() == [
        [0, 1, 1, 1, 2, 2],
        [0, 0, 0, 0, 0, 0],
        [0, 1, 2, 3, 4, 5],
    ]
    # first week > t with an upload (5 = none)
    assert next_active_week(uploads).tolist() == [
        [3, 3, 3, 5, 5],
        [5, 5, 5, 5, 5],
        [1, 2, 3, 4, 5],
    ]


def test_neighbour_beauty_by_hand():
    # users 0..4; photos give b̄_2 = [0.3, 0.5, 0.1, nan, 0.2], b̄_1 = [0.2, 0.5, 0.1, nan, nan]
    owner = np.array([0, 0, 1, 2, 4])
    week = np.array([0, 1, 0, 0, 1])
    beauty = np.array([0.2, 0.4, 0.5, 0.1, 0.2])
    wb = weekly_beauty(owner, week, beauty, 5, 4)
    # 0 follows 1 (week 0), 2 (week 1), 3 (week 2, no photos), 4 (week 2)
    tl = FollowTimeline.from_edges(
        np.array([0, 0, 0, 0, 2]), np.array([1, 2, 3, 4, 0]), np.array([0, 1, 2, 2, 0]), 5, 4
    )
    users, weeks = np.array([0, 0, 0, 2]), np.array([2, 1, 3, 2])
    before = neighbour_beauty(tl, wb, users, weeks, "before")
    np.testing.assert_allclose(before.mean, [(0.5 + 0.1) / 2, 0.5, (0.5 + 0.1 + 0.2) / 3, 0.3])
    assert before.n_neighbours.tolist() == [2, 1, 4, 1]
    assert before.n_defined.tolist() == [2, 1, 3, 1]
    new = neighbour_beauty(tl, wb, users, weeks, "new")
    np.testing.assert_allclose(new.mean, [0.2, 0.1, nan, nan])
    assert new.n_neighbours.tolist() == [2, 1, 0, 0]
    assert new.n_defined.tolist() == [1, 1, 0, 0]
    through = neighbour_beauty(tl, wb, users, weeks, "through")
    np.testing.assert_allclose(through.mean[:2], [(0.5 + 0.1 + 0.2) / 3, (0.5 + 0.1) / 2])
    with pytest.raises(ValueError, match="which="):
        neighbour_beauty(tl, wb, users, weeks, "after")


@pytest.mark.parametrize("which", ["before", "new", "through"])
def test_neighbour_sums_match_a_plain_loop(which):
    rng = np.random.default_rng(7)
    n, w, m = 40, 9, 300
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    week = rng.integers(0, w, m)
    vals = rng.random((w, n, 2))
    vals[rng.random((w, n, 2)) < 0.3] = nan
    units_u, units_w = rng.integers(0, n, 120), rng.integers(0, w, 120)
    tl = FollowTimeline.from_edges(src, dst, week, n, w)
    sums, n_def, n_nb = neighbour_sums(tl, units_u, units_w, lambda t: vals[t], which)
    cmp = {"before": np.less, "new": np.equal, "through": np.less_equal}[which]
    for k, (u, t) in enumerate(zip(units_u, units_w, strict=True)):
        e = (src == u) & cmp(week, t)
        v = vals[t][dst[e]]
        assert n_nb[k] == e.sum()
        np.testing.assert_allclose(sums[k], np.nansum(v, axis=0), atol=1e-12)
        assert n_def[k].tolist() == (~np.isnan(v)).sum(axis=0).tolist()


def test_follow_timeline_rejects_bad_input():
    with pytest.raises(ValueError, match="follow dst value 5"):
        FollowTimeline.from_edges(np.array([0]), np.array([5]), np.array([0]), 3, 2)
    with pytest.raises(ValueError, match="lengths differ"):
        FollowTimeline.from_edges(np.array([0, 1]), np.array([1]), np.array([0]), 3, 2)
