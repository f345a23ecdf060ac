"""Matching experiments (analysis/matching.py, analysis/balance.py) on hand-made data."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.balance import BalanceError, balance_groups, standardized_bias
from analysis.matching import (
    MatchingConfig,
    MatchingData,
    compare_means,
    compare_proportions,
    imbalance_units,
    influence_units,
    run_influence,
    run_matching,
)

Z = stats.norm.ppf(0.975)


# -- standardised bias (Eq. 3) --------------------------------------------------------------


def test_standardized_bias_by_hand():
    x_t = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 8.0]])
    x_c = np.array([[0.0, 6.0], [0.0, 6.0], [1.0, 6.0], [1.0, 6.0]])
    # column 0: (2 - 0.5) / sd([1, 2, 3]) = 1.5 / 1; column 1: (6 - 6) / sd = 0
    np.testing.assert_allclose(standardized_bias(x_t, x_c), [1.5, 0.0])
    # constant treated column: the pooled sd sqrt((0 + var_c) / 2) is used instead
    sb = standardized_bias(np.array([2.0, 2.0, 2.0]), np.array([1.0, 3.0, 5.0]))
    assert sb[0] == pytest.approx((2 - 3) / np.sqrt(4 / 2))
    # both constant: 0 when equal, infinite otherwise
    assert standardized_bias(np.ones(3), np.ones(4))[0] == 0
    assert standardized_bias(np.ones(3), np.zeros(4))[0] == np.inf
    with pytest.raises(ValueError, match="need >= 2 treated"):
        standardized_bias(np.ones((1, 2)), np.ones((3, 2)))


# -- the pruning of §6.2.2 --------------------------------------------------------------------


def _imbalanced_pool(seed: int = 3):
    rng = np.random.default_rng(seed)
    n_t, n_c = 400, 8000
    x_t = np.column_stack(
        [rng.normal(1.0, 1.0, n_t), rng.exponential(2.0, n_t), rng.normal(0, 1, n_t)]
    )
    x_c = np.column_stack(
        [rng.normal(0.0, 1.5, n_c), rng.exponential(1.0, n_c), rng.normal(0.4, 1, n_c)]
    )
    return x_t, x_c


def test_balancing_terminates_and_balances():
    x_t, x_c = _imbalanced_pool()
    res = balance_groups(x_t, x_c, names=["a", "b", "c"], seed=1)
    assert (np.abs(res.sb_before) > 0.25).all()  # deliberately imbalanced
    after = standardized_bias(x_t, x_c[res.control])  # recomputed independently
    np.testing.assert_allclose(after, res.sb_after)
    assert np.abs(after).max() <= 0.25
    assert res.mean_abs_sb == pytest.approx(np.abs(after).mean())
    assert 0 < res.n_control < len(x_c)
    assert res.history == sorted(res.history, reverse=True)  # the group only shrinks
    frame = res.to_frame()
    assert list(frame["covariate"]) == ["a", "b", "c"] and frame["balanced"].all()
    # same seed, same result; another seed still balances
    again = balance_groups(x_t, x_c, names=["a", "b", "c"], seed=1)
    np.testing.assert_array_equal(again.control, res.control)
    other = balance_groups(x_t, x_c, seed=2)
    assert np.abs(other.sb_after).max() <= 0.25


def test_pruning_cuts_the_right_tail():
    rng = np.random.default_rng(0)
    x_t = rng.normal(0.0, 1.0, (300, 1))
    high = balance_groups(x_t, rng.normal(1.0, 1.0, (5000, 1)), seed=0)  # SB < 0
    kept = np.zeros(5000, bool)
    kept[high.control] = True
    x_c = rng.normal(1.0, 1.0, (5000, 1))  # regenerate to check the rule on fresh data
    res = balance_groups(x_t, x_c, seed=0)
    alive = np.zeros(len(x_c), bool)
    alive[res.control] = True
    # control mean too high: only the highest values were cut
    assert x_c[~alive, 0].min() >= x_c[alive, 0].max()
    assert high.sb_before[0] < -0.25 < high.sb_after[0]
    low = balance_groups(x_t, rng.normal(-1.0, 1.0, (5000, 1)), seed=0)  # SB > 0
    assert low.sb_before[0] > 0.25 >= low.sb_after[0]


def test_one_percent_per_step_and_pool():
    x_t, x_c = _imbalanced_pool()
    res = balance_groups(x_t, x_c, seed=0, pool_size=4000)
    assert res.n_pool == 4000 and res.history[0] == 4000
    # a single unbalanced covariate loses exactly ceil(1 %) of the current group per step
    rng = np.random.default_rng(1)
    one = balance_groups(rng.normal(0.5, 1, (200, 1)), rng.normal(0, 1, (3000, 1)), seed=0)
    h = one.history
    assert all(b == a - int(np.ceil(0.01 * a)) for a, b in zip(h, h[1:], strict=False))


def test_balancing_that_cannot_succeed_raises_a_clear_error():
    rng = np.random.default_rng(0)
    x_t = rng.normal(10.0, 1.0, (50, 2))
    x_c = rng.normal(0.0, 1.0, (500, 2))
    with pytest.raises(BalanceError, match=r"could not balance 50 treated.*3 attempt\(s\).*x0="):
        balance_groups(x_t, x_c, max_attempts=3, seed=0)
    with pytest.raises(BalanceError, match="max_iterations=5"):
        balance_groups(x_t, x_c, max_iterations=5, seed=0)
    with pytest.raises(ValueError, match="contains NaN"):
        balance_groups(x_t, np.full((5, 2), np.nan))
    with pytest.raises(ValueError, match="prune_fraction"):
        balance_groups(x_t, x_c, prune_fraction=1.5)


# -- confidence intervals ------------------------------------------------------------------------


def test_compare_means_matches_the_textbook_formula_without_clusters():
    rng = np.random.default_rng(5)
    y_t, y_c = rng.normal(1.02, 0.2, 300), rng.normal(1.0, 0.3, 500)
    r = compare_means(y_t, np.arange(300), y_c, np.arange(300, 800))
    se_t = y_t.std(ddof=1) / np.sqrt(300)
    se_c = y_c.std(ddof=1) / np.sqrt(500)
    assert r["treatment_ci_high"] - r["treatment_mean"] == pytest.approx(Z * se_t)
    assert r["control_mean"] - r["control_ci_low"] == pytest.approx(Z * se_c)
    # distinct users in the two groups: Welch's standard error of the difference, up to
    # the small-sample factor G / (G - 1) of the cluster sandwich
    se_d = np.sqrt((y_t.var(ddof=0) / 300 + y_c.var(ddof=0) / 500) * 800 / 799)
    assert r["diff_se"] == pytest.approx(se_d)


def test_cluster_robust_ci_widens_with_repeated_users():
    rng = np.random.default_rng(6)
    per_user = rng.normal(0, 1, 50)
    y = np.repeat(per_user, 10) + rng.normal(0, 0.1, 500)  # strongly correlated within user
    users = np.repeat(np.arange(50), 10)
    naive = compare_means(
        y, np.arange(500), y[::-1] * 0 + rng.normal(0, 1, 500), np.arange(500, 1000)
    )
    clustered = compare_means(y, users, y[::-1] * 0 + rng.normal(0, 1, 500), np.arange(500, 1000))
    width = clustered["treatment_ci_high"] - clustered["treatment_ci_low"]
    assert width > 2.5 * (naive["treatment_ci_high"] - naive["treatment_ci_low"])


def test_compare_proportions_delta_method():
    y_t = np.r_[np.ones(60), np.zeros(140)]
    y_c = np.r_[np.ones(50), np.zeros(250)]
    r = compare_proportions(y_t, np.arange(200), y_c, np.arange(200, 500))
    pt, pc = 0.3, 50 / 300
    assert r["ratio"] == pytest.approx(pt / pc)
    # var(log p) = (1 - p) / (n p), with the G / (G - 1) factor of the sandwich
    se = np.sqrt(((1 - pt) / (200 * pt) + (1 - pc) / (300 * pc)) * 500 / 499)
    assert r["ci_low"] == pytest.approx(pt / pc * np.exp(-Z * se))
    assert r["ci_high"] == pytest.approx(pt / pc * np.exp(Z * se))
    zero = compare_proportions(np.zeros(5), np.arange(5), y_c, np.arange(5, 305))
    assert np.isnan(zero["ratio"])


# -- a hand-made timeline ---------------------------------------------------------------------------


def _hand_data(**kw) -> MatchingData:
    """Five users, four weeks (see the test below for the numbers worked by hand)."""
    photos = [  # (owner, week, beauty)
        (0, 0, 0.2), (0, 1, 0.4), (0, 2, 0.33), (0, 3, 0.36),
        (1, 0, 0.5), (1, 1, 0.5),
        (2, 0, 0.1),
        (3, 0, 0.3), (3, 1, 0.3), (3, 2, 0.3), (3, 3, 0.27),
    ]  # fmt: skip
    follows = [  # (src, dst, week)
        (0, 3, 0), (2, 0, 1), (0, 1, 2), (0, 2, 2), (0, 4, 2), (3, 2, 2), (1, 3, 0), (3, 1, 0),
    ]  # fmt: skip
    favs = [(1, 0, 1), (0, 4, 2), (2, 0, 0)]  # (user, photo index, week)
    p, f, v = (np.array(x, dtype=float) for x in (photos, follows, favs))
    args = dict(
        n_users=5,
        n_weeks=4,
        follow_src=f[:, 0].astype(int),
        follow_dst=f[:, 1].astype(int),
        follow_week=f[:, 2].astype(int),
        photo_owner=p[:, 0].astype(int),
        photo_week=p[:, 1].astype(int),
        photo_beauty=p[:, 2],
        fav_user=v[:, 0].astype(int),
        fav_photo=v[:, 1].astype(int),
        fav_week=v[:, 2].astype(int),
        joined_week=np.array([0, 0, -1, 0, 1]),
    )
    args.update(kw)
    return MatchingData(**args)


def test_influence_units_by_hand():
    cfg = MatchingConfig(min_followees=1, min_active_weeks=2)
    ut = influence_units(_hand_data(), cfg)
    u = ut.frame.set_index(["user", "week"])
    assert sorted(u.index) == [(0, 2), (3, 2)]
    a, b = u.loc[(0, 2)], u.loc[(3, 2)]
    # b̄_2(0) = mean(0.2, 0.4) = 0.3; new followees 1 (0.5, higher), 2 (0.1), 4 (no photos)
    assert a.own_beauty == pytest.approx(0.3)
    assert (a.n_higher, a.n_not_higher) == (1, 1)
    assert a.new_mean == pytest.approx((0.5 + 0.1) / 2)  # Eq. 5 over defined new neighbours
    assert a.delta_b == pytest.approx(0.36 / 0.3)  # Eq. 4 summand b_3 / b̄_2
    assert a.placebo == pytest.approx(0.33 / 0.3)
    # covariates at the start of week 2 (Table 1)
    assert a.user_indegree == 1  # 2 -> 0 in week 1
    assert a.user_outdegree == 1  # 0 -> 3 in week 0
    assert a.user_photos == 2
    assert a.user_favs_given == 0  # its only favourite (photo 4) is given in week 2 itself
    assert a.user_favs_received == 2  # favourites on photo 0 by users 1 (week 1) and 2 (week 0)
    assert a.user_beauty == pytest.approx(0.3)
    assert a.user_weeks_since_join == 2
    assert a.neighbours_photos == 2  # followee 3 had 2 photos before week 2
    assert a.neighbours_beauty == pytest.approx(0.3)
    assert a.new_neighbours_photos == pytest.approx((2 + 1 + 0) / 3)
    # user 3: b̄_2 = 0.3, follows 2 (0.1) -> control; b_3 / b̄_2 = 0.27 / 0.3
    assert (b.n_higher, b.n_not_higher) == (0, 1)
    assert b.delta_b == pytest.approx(0.9)
    assert b.placebo == pytest.approx(1.0)
    assert b.user_indegree == 2 and b.user_outdegree == 1
    assert b.neighbours_beauty == pytest.approx(0.5) and b.neighbours_photos == 2
    assert b.user_weeks_since_join == 2
    assert "user_groups" not in ut.covariates


def test_eq4_and_groups_by_hand():
    """Δb of each group is the plain mean of b_{w+1}/b̄_w over its units (Eq. 4)."""
    rng = np.random.default_rng(0)
    n_users, weeks = 60, 30
    owner = np.repeat(np.arange(n_users), weeks)
    week = np.tile(np.arange(weeks), n_users)
    beauty = np.clip(0.3 + 0.05 * rng.standard_normal(owner.size), 0.01, 1)
    src = rng.integers(0, n_users, 900)
    dst = (src + rng.integers(1, n_users, 900)) % n_users
    fw = rng.integers(0, weeks, 900)
    data = MatchingData(
        n_users=n_users, n_weeks=weeks, follow_src=src, follow_dst=dst, follow_week=fw,
        photo_owner=owner, photo_week=week, photo_beauty=beauty,
        fav_user=np.zeros(0, int), fav_photo=np.zeros(0, int), fav_week=np.zeros(0, int),
        joined_week=np.zeros(n_users, int),
    )  # fmt: skip
    cfg = MatchingConfig(min_followees=1, min_active_weeks=3, min_group=5,
                         max_inactive_weeks=3, threshold=10.0)  # fmt: skip
    res = run_influence(data, cfg)
    units = influence_units(data, cfg).frame
    # every user uploads one photo a week: b_{w+1}(i) / b̄_w(i) computed by a loop
    b = beauty.reshape(n_users, weeks)
    for row in units.sample(20, random_state=0).itertuples():
        assert row.delta_b == pytest.approx(
            b[row.user, row.week + 1] / b[row.user, : row.week].mean()
        )
    treat = units[units.n_higher >= 1]
    ctrl = units[(units.n_higher == 0) & (units.n_not_higher > 0)]
    m = res.main  # threshold 10: nothing is pruned
    assert m.n_treatment == len(treat) and m.n_control == len(ctrl)
    assert m.treatment_delta_b == pytest.approx(treat.delta_b.mean())
    assert m.control_delta_b == pytest.approx(ctrl.delta_b.mean())
    assert m.effect == pytest.approx(treat.delta_b.mean() - ctrl.delta_b.mean())
    assert m.adjusted_effect == pytest.approx(
        (treat.delta_b - treat.placebo).mean() - (ctrl.delta_b - ctrl.placebo).mean()
    )


def test_imbalance_units_by_hand():
    cfg = MatchingConfig(min_followees=1, min_active_weeks=1, max_inactive_weeks=1)
    u = imbalance_units(_hand_data(), cfg).frame.set_index(["user", "week"])
    # follow-up of 1 week: units in weeks 1..2 with uploads; user 0 in week 2:
    # followees before week 2 = {3}, b̄_2(3) = 0.3 = b̄_2(0) -> δ = 0
    assert u.loc[(0, 2)].delta == pytest.approx(0.0)
    assert u.loc[(0, 2)].inactive_weeks == 0  # uploads again in week 3
    # user 0 in week 1: followee 3 with b̄_1 = 0.3, own b̄_1 = 0.2 -> δ = 0.5
    assert u.loc[(0, 1)].delta == pytest.approx(0.5)
    # user 1 in week 1: follows 3 (b̄_1 = 0.3), own 0.5 -> δ = -0.4; then inactive to the end
    assert u.loc[(1, 1)].delta == pytest.approx(-0.4)
    assert u.loc[(1, 1)].inactive_weeks == 2


def test_group_memberships_are_a_covariate_when_present():
    data = _hand_data(group_user=np.array([0, 0, 3]), group_week=np.array([-1, 2, 0]))
    cfg = MatchingConfig(min_followees=1, min_active_weeks=2)
    ut = influence_units(data, cfg)
    u = ut.frame.set_index(["user", "week"])
    assert "user_groups" in ut.covariates
    assert u.loc[(0, 2)].user_groups == 1  # undated membership counts, week-2 one not yet
    assert u.loc[(3, 2)].user_groups == 1


def test_bad_input_is_refused_with_the_offending_value():
    with pytest.raises(ValueError, match="follow_dst value 7"):
        _hand_data(follow_dst=np.array([3, 0, 1, 2, 7, 2, 3]))
    with pytest.raises(ValueError, match="photo beauty outside"):
        _hand_data(photo_beauty=np.r_[1.5, np.full(10, 0.3)])
    with pytest.raises(ValueError, match="imbalance_side"):
        MatchingConfig(imbalance_side="left")
    with pytest.raises(ValueError, match="delta_control"):
        MatchingConfig(delta_control=0.5, delta_treatment=0.3)
    with pytest.raises(ValueError, match="too few units"):
        run_matching(_hand_data(), MatchingConfig(min_followees=1, min_active_weeks=2))


def test_from_epoch_places_events_on_weeks():
    t0 = 1704067200  # Monday 2024-01-01
    day = 86400
    data = MatchingData.from_epoch(
        n_users=2,
        follow_src=[0, 1], follow_dst=[1, 0],
        follow_created_at=[t0 + 9 * day, np.iinfo(np.int64).min],
        photo_owner=[0, 1], photo_uploaded_at=[t0 + 2 * day, t0 + 15 * day],
        photo_beauty=[0.3, 0.4],
        fav_user=[1], fav_photo=[0], fav_created_at=[t0 + 3 * day],
        joined_at=[t0 + day, np.iinfo(np.int64).min],
    )  # fmt: skip
    assert data.t0 == t0 and data.n_weeks == 3
    assert data.follow_week.tolist() == [1] and data.dropped["follows_without_time"] == 1
    assert data.photo_week.tolist() == [0, 2]
    assert data.joined_week.tolist() == [0, -1]


def test_twoway_clustered_variance_against_a_loop():
    """Cameron–Gelbach–Miller: V_user + V_week − V_(user, week), each a loop over clusters."""
    from analysis.stats import twoway_var as _twoway_var

    rng = np.random.default_rng(3)
    user = rng.integers(0, 40, 300)
    week = rng.integers(0, 25, 300)
    psi = rng.normal(0, 1, 300) + 0.5 * rng.normal(0, 1, 25)[week]

    def loop(keys):
        groups = {}
        for k, v in zip(keys, psi, strict=True):
            groups[k] = groups.get(k, 0.0) + v
        g = len(groups)
        return g / (g - 1) * sum(x * x for x in groups.values())

    want = loop(user.tolist()) + loop(week.tolist()) - loop(list(zip(user, week, strict=True)))
    assert _twoway_var(psi, user, week) == pytest.approx(want, rel=1e-12)
    assert _twoway_var(psi, user, None) == pytest.approx(loop(user.tolist()), rel=1e-12)
    # a week shock shared by users makes the two-way variance larger than the one-way one
    assert _twoway_var(psi, user, week) > _twoway_var(psi, user, None)
    # every unit in its own week: two-way reduces to one-way by user
    assert _twoway_var(psi, user, np.arange(300)) == pytest.approx(loop(user.tolist()), rel=1e-12)
