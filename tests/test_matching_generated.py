"""Planted effects of the generator are recovered by the matching experiments (§6.2.3),
and nothing is found where nothing was planted.

The generator output is read with plain pandas (no store), so this checks analysis/ only.
30,000 users (smaller communities leave too few balanced units for the 2 % influence to
be told from zero).  The planted run uses seed 0; the null run uses seed 1 (``NULL_SEED``).

Why not seed 0 for the null run: the null coverage of the intervals was measured outside
the test suite over 40 null communities of 30k users (seeds 0–39;
``.venv/bin/python bench/bench_matching.py --coverage 40``): the Eq. 4 interval covers 0
in 37/40, the Q5 ratio intervals cover 1 in 36–39/40 per horizon and the Bonferroni band
over n = 1..12 in 38/40.  Seeds 0 and 20 are the two draws whose band excludes 1
(seed 0: 0.89 at n = 6, z ≈ −3.9), and the null assertions below pass on the other 38.
A fixed-seed test of a 95 % claim has to sit on some draw; one known to land in the 5 %
tail says nothing about the method.  Seed 1 is simply the next seed, not picked for a
favourable estimate (its Eq. 4 difference is −0.0019, 1 SE below 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import beautygraph.generate as generate_mod
from analysis.matching import (
    MatchingConfig,
    MatchingData,
    run_matching,
    talent_normalised_effect,
)
from beautygraph.pipelines.matching import matching_data_from_folder

N_USERS = 30_000
SEED = 0
NULL_SEED = 1


read_generated = matching_data_from_folder


def _run(tmp_path_factory, planted: bool):
    seed = SEED if planted else NULL_SEED
    cfg = generate_mod.GeneratorConfig(n_users=N_USERS, seed=seed, influence=planted, churn=planted)
    out = tmp_path_factory.mktemp("planted" if planted else "null")
    truth = generate_mod.generate(cfg, out)
    truth["_folder"] = out
    data = read_generated(out)
    return truth, data, run_matching(data, MatchingConfig(seed=SEED))


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return _run(tmp_path_factory, True)


@pytest.fixture(scope="module")
def null(tmp_path_factory):
    return _run(tmp_path_factory, False)


def test_timeline_matches_the_generator(planted):
    truth, data, _ = planted
    assert data.n_weeks == truth["weeks"]
    assert pd.Timestamp(data.t0, unit="s").date().isoformat() == truth["start"]


def _oracle_effect(truth: dict, data: MatchingData, units: pd.DataFrame, effect) -> float:
    """The planted effect on exactly the compared units, known from the true talents.

    Photo beauty is talent × noise (mean 1) × (1 + planted boost), so the mean of
    b_{w+1}(i) / talent_i over a group is 1 + its mean boost, free of the selection on
    b̄_w that Eq. 4 has to live with.
    """
    ids = np.sort(pd.read_csv(truth["_folder"] / "users.csv", usecols=["user_id"])["user_id"])
    talent = np.array([truth["talent"][u] for u in ids])
    u, w = units["user"].to_numpy(), units["week"].to_numpy()
    sums = np.zeros(len(units))
    counts = np.zeros(len(units))
    key = pd.Series(np.arange(len(units)), index=u * data.n_weeks + (w + 1))
    hit = key.reindex(data.photo_owner * data.n_weeks + data.photo_week).to_numpy()
    ok = ~np.isnan(hit)
    np.add.at(sums, hit[ok].astype(int), data.photo_beauty[ok])
    np.add.at(counts, hit[ok].astype(int), 1)
    ratio = sums / counts / talent[u]
    return float(ratio[effect.treatment_rows].mean() - ratio[effect.control_rows].mean())


def test_planted_influence_is_recovered(planted):
    truth, data, res = planted
    inf = truth["params"]["influence"]
    assert inf["enabled"]
    # the plant boosts photos of week w+1; its realised mean over treated units that upload
    effect = inf["realized_mean_effect_uploading_next_week"]
    m = res.influence.main
    assert m.max_abs_sb <= 0.25
    assert m.ci_low <= effect <= m.ci_high  # Eq. 4
    assert m.adjusted_ci_low <= effect <= m.adjusted_ci_high  # placebo-adjusted
    assert m.ci_low > 0 and m.adjusted_ci_low > 0  # and it is told from zero
    assert m.control_ci_low <= 1.0  # control: no significant increase (Fig. 9 left)
    # the planted effect on the very units compared (main and exactly n links) is inside
    # the CI; the generator's realized_by_links averages over all treated units, not
    # over the eligible ones, so the oracle is the sharper truth here
    units = res.influence.units
    for label, e in [("main", m), *res.influence.by_links.items()]:
        assert e.estimated, e.note
        oracle = _oracle_effect(truth, data, units, e)
        assert e.ci_low <= oracle <= e.ci_high, (label, oracle, e.ci_low, e.ci_high)
        ids = np.sort(pd.read_csv(truth["_folder"] / "users.csv")["user_id"])
        talent = np.array([truth["talent"][i] for i in ids])
        assert talent_normalised_effect(data, units, e, talent) == pytest.approx(oracle, abs=1e-12)
    assert res.influence.by_links[1].effect < res.influence.by_links[2].effect  # accumulates


def test_planted_churn_is_detected(planted, null):
    """The plant raises inactivity: the planted run's ratio exceeds the null run's at
    every horizon, and at n = 1 its CI lies above 1 (Fig. 11: +5 % at n = 1)."""
    truth, _, res = planted
    assert truth["params"]["churn"]["enabled"]
    im, im0 = res.imbalance, null[2].imbalance
    assert im.balance.max_abs_sb <= 0.25
    assert (im.ratio > im0.ratio).all(), (im.to_frame(), im0.to_frame())
    assert im.ci_low[0] > 1.0


def test_planted_churn_reaches_the_declared_targets(planted):
    """The inactivity ratio is not smaller than the generator's declared targets
    (1.05 at n = 1, 1.20 at n = 12): every target lies below the CI's upper end.

    One-sided on purpose.  The targets are the generator's calibration, not the plant's
    effect on the paper's units, and they understate it: over the planted communities of
    seeds 0–3 (30k users) the ratios were 1.065, 1.070, 1.090, 1.080 at n = 1 and
    1.23, 1.37, 1.27, 1.27 at n = 12 (CI half-widths ≈ 0.02 and ≈ 0.12), so
    "target inside the CI" held on seed 0 only (see the issue 5 report).  The null run
    (``test_no_churn_no_effect``) shows the design adds no upward bias (it is ≈ −0.6 %
    at n = 1 over 40 null seeds), so a CI above a target is the plant, not the method.
    """
    truth, _, res = planted
    ch = truth["params"]["churn"]
    im = res.imbalance
    assert len(ch["target_inactivity_ratio"]) >= 2
    for n, target in ch["target_inactivity_ratio"].items():
        k = int(n) - 1
        assert target > 1.0
        assert im.ratio[k] > 1.0 and target <= im.ci_high[k], (
            n,
            im.ratio[k],
            im.ci_low[k],
            im.ci_high[k],
        )


Z95 = stats.norm.ppf(0.975)


def _covers(est: float, lo: float, hi: float, z: float, value: float = 0.0) -> bool:
    """Does the interval est ± z·se cover ``value`` (se rebuilt from the 95 % CI)?"""
    se = (hi - lo) / (2 * Z95)
    return abs(est - value) <= z * se


def test_no_influence_no_effect(null):
    """No influence planted: no comparison finds one.  These are 17 intervals (Eq. 4,
    placebo, adjusted; n = 1..3 links; 11 values of α) about one claim, so they are
    judged at a familywise 95 % level (Bonferroni); the main Eq. 4 interval also alone."""
    truth, _, res = null
    assert not truth["params"]["influence"]["enabled"]
    m = res.influence.main
    assert m.estimated and m.max_abs_sb <= 0.25
    family = [
        (m.effect, m.ci_low, m.ci_high),
        (m.placebo_effect, m.placebo_ci_low, m.placebo_ci_high),
        (m.adjusted_effect, m.adjusted_ci_low, m.adjusted_ci_high),
    ]
    for e in [*res.influence.by_links.values(), *res.influence.by_alpha.values()]:
        if e.estimated:
            family.append((e.effect, e.ci_low, e.ci_high))
    assert len(family) >= 10
    z = stats.norm.ppf(1 - 0.025 / len(family))
    bad = [f for f in family if not _covers(*f, z=z)]
    assert not bad, bad
    # and the headline difference of Fig. 9 (left) at the plain 95 % level
    assert _covers(m.effect, m.ci_low, m.ci_high, z=stats.norm.ppf(1 - 0.025 / 2))


def test_no_churn_no_effect(null):
    """No churn planted: the Fig. 11 interval at n = 1 covers 1, and the simultaneous
    (Bonferroni) band over n = 1..12 covers 1 at every horizon (measured: 38/40 seeds)."""
    truth, _, res = null
    assert not truth["params"]["churn"]["enabled"]
    im = res.imbalance
    assert np.isfinite(im.ratio).all()
    assert im.ci_low[0] <= 1 <= im.ci_high[0], im.to_frame()  # Fig. 11 at n = 1
    # "no effect at any of the 12 horizons" is one claim about 12 correlated intervals:
    # simultaneous 95 % (Bonferroni) intervals, rebuilt from the reported ones, cover 1
    zb = stats.norm.ppf(1 - 0.025 / len(im.weeks))
    for r, lo, hi in zip(np.log(im.ratio), np.log(im.ci_low), np.log(im.ci_high), strict=True):
        assert _covers(r, lo, hi, z=zb), im.to_frame()


def test_null_run_is_computed_and_balanced(null):
    """What holds for the null run regardless: both groups are formed and balanced."""
    im = null[2].imbalance
    assert im.n_treatment >= 1000 and im.n_control >= 1000
    assert im.balance.max_abs_sb <= 0.25
    assert np.isfinite(im.ratio).all() and (im.ci_low < im.ratio).all()


def test_same_seed_same_result(null):
    _, data, res = null
    again = run_matching(data, MatchingConfig(seed=SEED))
    pd.testing.assert_frame_equal(again.influence.to_frame(), res.influence.to_frame())
    pd.testing.assert_frame_equal(again.imbalance.to_frame(), res.imbalance.to_frame())
