"""Hand-worked cases for six rules where a plausible one-line bug gives a different answer.

Each test states the correct rule, the mutant it catches and the numbers worked by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.alf.authorities import fp2_filter
from analysis.gap import gap_rule, gap_statistic
from analysis.majority import majority_illusion
from analysis.matching_rules import alpha_treated, inactive_for
from analysis.nulls import network_nulls
from analysis.spectrum import correlation_spectrum


def _complete_digraph(m: int) -> tuple[np.ndarray, np.ndarray]:
    src, dst = np.nonzero(~np.eye(m, dtype=bool))
    return src.astype(np.int64), dst.astype(np.int64)


def test_spectrum_null_permutes_everyones_beauty():
    """Complete digraph on 6 users: b_nn(i) = (S - b_i) / 5 decreases in b_i, whatever the
    permutation of beauty over users, so every null curve has Spearman -1.  A null that
    permutes only the user's own beauty (neighbour means from the unpermuted values)
    scrambles the curve: some permutations give rho != -1."""
    src, dst = _complete_digraph(6)
    b = np.array([0.05, 0.25, 0.45, 0.55, 0.75, 0.95])
    sp = correlation_spectrum(src, dst, b, bins=10, n_null=30, seed=0)
    assert sp.spearman == pytest.approx(-1.0)
    np.testing.assert_allclose(sp.null_spearman, -1.0)
    # the vectorised nulls of analysis.nulls obey the same rule
    deg = np.full(6, 5)
    nulls = network_nulls(src, dst, b, deg, deg, n_perm=30, seed=0, bins=10)
    np.testing.assert_allclose(nulls["spectrum"].null_values, -1.0)
    assert nulls["spectrum"].p_value == 1.0


def test_fp2_needs_both_halves_of_the_vote():
    """FP2 keeps (x, t) only if t is in x's top k by F *and* by ZF.  User 0 is assigned
    topic 0: top-1 by F (5 > 4) but not by ZF (0.1 < 2.0) -> removed.  User 1's topic 1 is
    top-1 in both -> kept.  Ignoring the ZF half keeps user 0."""
    F = np.array([[5.0, 4.0], [1.0, 3.0]])
    Z = np.array([[0.1, 2.0], [-1.0, 0.5]])
    removed = fp2_filter(np.array([0, 1]), F, Z, k=1)
    assert removed.tolist() == [True, False]


def test_alpha_variant_uses_one_plus_alpha():
    """α = 0.5: own beauty 0.2, so treated needs new neighbours >= 0.3.  A mean of 0.25
    passes the mutant ``>= α · b̄`` (0.1) but not the rule ``>= (1 + α) · b̄``."""
    n_hi = np.array([1, 1, 1, 0])
    new = np.array([0.31, 0.25, 0.12, 0.90])
    own = np.array([0.20, 0.20, 0.20, 0.10])
    assert alpha_treated(n_hi, new, own, 0.5).tolist() == [True, False, False, False]
    assert alpha_treated(n_hi, new, own, 0.0).tolist() == [True, True, False, False]


def test_inactivity_counts_runs_of_at_least_n_weeks():
    """Inactive for n = 2 weeks means no upload in w+1 and w+2: a run of exactly 2 empty
    weeks counts (the mutant ``> n`` drops it)."""
    runs = np.array([0, 1, 2, 3, 12])
    assert inactive_for(runs, 2).tolist() == [False, False, True, True, True]
    assert inactive_for(runs, 12).tolist() == [False, False, False, False, True]


def test_gap_rule_uses_the_next_standard_error():
    """Tibshirani: smallest k with Gap(k) >= Gap(k+1) - s(k+1).  Gap = (0, 0.05) with
    s = (0, 0.1): 0 >= 0.05 - 0.1 holds, K = 1.  With s(k) (= 0) instead: 0 >= 0.05 fails
    and the rule falls through to K = 2."""
    assert gap_rule([1, 2], [0.0, 0.05], [0.0, 0.1]) == (1, True)
    assert gap_rule([1, 2, 3], [0.0, 0.5, 0.52], [0.0, 0.01, 0.05]) == (2, True)
    # and through gap_statistic: one tight blob against beauty-permuted references
    rng = np.random.default_rng(0)
    blob = rng.normal(0.5, 0.05, size=(300, 3))
    assert gap_statistic(blob, ks=(1, 2), n_refs=5, reference="permute_beauty").k == 1


def test_majority_illusion_compares_with_the_global_share():
    """Ten users, two beautiful (0.9; the others 0.1): mean 0.26, global share above 0.2.
    Perceivers and the share of their followees above the mean:
    u2 -> {0, 3, 4, 5}: 0.25; u3 -> {0, 2, 4, 5, 6}: 0.2 (not above 0.2); u4 -> {6}: 0;
    u5 -> {0, 1}: 1.0.  Local majority (> 0.2): u2, u5 = 2/4.  Lerman's ">= 50 %" would
    give 1/4.  Double (>= 0.4): u5 = 1/4."""
    b = np.array([0.9, 0.9] + [0.1] * 8)
    follows = {2: [0, 3, 4, 5], 3: [0, 2, 4, 5, 6], 4: [6], 5: [0, 1]}
    src = np.array([u for u, vs in follows.items() for _ in vs])
    dst = np.array([v for vs in follows.values() for v in vs])
    m = majority_illusion(src, dst, b)
    assert m.above_share == pytest.approx(0.2)
    assert m.n_perceivers == 4
    assert m.local_majority_share == pytest.approx(0.5)
    assert m.double_share == pytest.approx(0.25)
    assert m.majority_share == pytest.approx(0.25)
    deg = np.bincount(dst, minlength=10)
    nulls = network_nulls(src, dst, b, deg, np.bincount(src, minlength=10), n_perm=20)
    assert nulls["majority_illusion"].value == pytest.approx(0.5)
    assert nulls["double_majority"].value == pytest.approx(0.25)
