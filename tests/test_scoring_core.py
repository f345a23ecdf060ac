"""Eq. 1, AVA label derivation on real rows, Spearman/decile statistics and the
annotator-reliability model, each against an independent computation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.beauty import beauty_from_probs, beauty_score
from scoring.errors import ScoringError
from scoring.evaluate import (
    annotator_reliability,
    decile_table,
    evaluate_predictions,
    machine_as_annotator,
    rank_average,
    spearman_ci,
)
from scoring.labels import (
    ava_mean_scores,
    binary_labels,
    quantile_buckets,
    read_ava,
    read_labels,
)

AVA = Path(__file__).resolve().parent / "fixtures" / "ava"  # vendored real rows
AVA_VAL = AVA / "nima_val.txt"


# -- Eq. 1 ------------------------------------------------------------------------------


def test_eq1_hand_values():
    assert beauty_score(0.0, 1.0) == 1.0
    assert beauty_score(1.0, 0.0) == 0.0
    assert beauty_score(0.3, 0.3) == 0.5
    assert float(beauty_score(0.1, 0.7)) == pytest.approx(0.8)
    probs = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
    np.testing.assert_allclose(beauty_from_probs(probs), [0.55, 0.25])
    np.testing.assert_allclose(beauty_from_probs([[0.25, 0.75]], ("low", "high")), [0.75])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 10), min_size=3, max_size=3).filter(lambda v: sum(v) > 0))
def test_eq1_range_on_any_softmax(w):
    p = np.array(w) / sum(w)
    s = float(beauty_from_probs(p[None, :])[0])
    assert 0.0 <= s <= 1.0
    assert s == pytest.approx((p[2] - p[0] + 1) / 2)


def test_eq1_rejects_non_probabilities():
    with pytest.raises(ValueError, match="p_low"):
        beauty_score(1.5, 0.2)
    with pytest.raises(ValueError, match="classes must include"):
        beauty_from_probs([[0.5, 0.5]], ("a", "b"))


# -- AVA labels -------------------------------------------------------------------------


def test_ava_rows_by_hand():
    df = read_ava(AVA_VAL)
    assert len(df) == 19987
    first = df.iloc[0]  # "11 953417 0 0 0 5 32 50 23 10 3 1 22 0 1396"
    assert first["image_id"] == "953417" and first["challenge_id"] == 1396
    votes = {4: 5, 5: 32, 6: 50, 7: 23, 8: 10, 9: 3, 10: 1}
    mean = sum(k * c for k, c in votes.items()) / sum(votes.values())  # 758 / 124
    assert first["mean_score"] == pytest.approx(mean) == pytest.approx(6.112903)
    second = df.iloc[1]  # "12 953777 0 3 2 3 13 40 35 21 8 3 20 53 1396"
    counts = [0, 3, 2, 3, 13, 40, 35, 21, 8, 3]
    assert second["mean_score"] == pytest.approx(np.dot(np.arange(1, 11), counts) / sum(counts))


def test_ava_buckets_and_binary_on_real_rows():
    ls = read_labels(AVA_VAL)
    assert ls.classes == ("low", "medium", "high")
    # independent tertiles: sort the means, the two cut points are the 1/3 and 2/3 quantiles
    cut1, cut2 = np.quantile(ls.scores, [1 / 3, 2 / 3])
    expect = np.where(ls.scores <= cut1, 0, np.where(ls.scores <= cut2, 1, 2))
    np.testing.assert_array_equal(ls.labels, expect)
    counts = np.bincount(ls.labels)
    assert counts.min() > 0.32 * len(ls) and counts.max() < 0.35 * len(ls)
    assert ls.labels[0] == 2  # 6.11 is in the top third of AVA means
    b = read_labels(AVA_VAL, binary=True)
    assert b.classes == ("low", "high")
    np.testing.assert_array_equal(b.labels, (b.scores > 5).astype(int))
    assert 0.6 < b.labels.mean() < 0.8  # AVA is ~70 % "high" (mean > 5)


def test_quantile_buckets_and_binary_small():
    np.testing.assert_array_equal(quantile_buckets([1, 2, 3, 4, 5, 6]), [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(binary_labels([4.9, 5.0, 5.01]), [0, 0, 1])
    with pytest.raises(ValueError):
        ava_mean_scores(np.zeros((1, 10)))


def test_bad_label_files(tmp_path):
    bad = tmp_path / "AVA.txt"
    bad.write_text("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n1 2 3\n")
    with pytest.raises(ScoringError, match=r"AVA.txt:2: AVA rows have 15 fields"):
        read_ava(bad)
    csv = tmp_path / "labels.csv"
    csv.write_text("image,label\na.jpg,low\nb.jpg,superb\n")
    with pytest.raises(ScoringError, match=r"labels.csv:3: label 'superb'"):
        read_labels(csv)
    csv.write_text("image,label\na.jpg,low\nb.jpg,medium\nc.jpg,2\n")
    ls = read_labels(csv)
    np.testing.assert_array_equal(ls.labels, [0, 1, 2])
    with pytest.raises(ScoringError, match="label '2' is not one of 0, 1, high, low"):
        read_labels(csv, binary=True)
    csv.write_text("image,label\na.jpg,low\nb.jpg,medium\nc.jpg,high\n")
    lb = read_labels(csv, binary=True)
    assert list(lb.image_ids) == ["a.jpg", "c.jpg"] and lb.labels.tolist() == [
        0,
        1,
    ]  # medium dropped
    with pytest.raises(ScoringError, match="not found"):
        read_labels(tmp_path / "nope.csv")


# -- statistics ---------------------------------------------------------------------------


def test_spearman_matches_scipy_and_ci_covers():
    from scipy import stats

    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    y = 0.5 * x + rng.normal(size=300)
    y[:20] = np.round(y[:20])  # some ties
    res = spearman_ci(x, y)
    ref = stats.spearmanr(x, y)
    assert res.rho == pytest.approx(ref.statistic, abs=1e-12)
    assert res.ci_low < res.rho < res.ci_high
    assert res.p_value < 1e-6
    np.testing.assert_allclose(rank_average([3, 1, 3, 2]), stats.rankdata([3, 1, 3, 2]))
    # coverage of the interval on repeated samples with a known population rho
    hits = 0
    for seed in range(60):
        r = np.random.default_rng(seed)
        a = r.normal(size=80)
        b = 0.6 * a + 0.8 * r.normal(size=80)
        ci = spearman_ci(a, b)
        hits += ci.ci_low <= 6 / np.pi * np.arcsin(0.6 / 2) <= ci.ci_high
    assert 0.85 <= hits / 60 <= 1.0


def test_decile_table_by_hand():
    pred = np.array([0.05, 0.07, 0.15, 0.95, 1.0, 0.5])
    human = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 3.0])
    t = decile_table(pred, human)
    assert t.n.tolist() == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert t.mean[0] == 2.0 and t.mean[1] == 2.0 and t.mean[9] == 4.5
    half = 1.959963984540054 * np.std([1.0, 3.0], ddof=1) / np.sqrt(2)
    assert t.ci_high[0] == pytest.approx(2.0 + half)
    assert np.isnan(t.mean[2]) and np.isnan(t.ci_low[1])
    assert len(t.to_frame()) == 10


def test_evaluate_predictions_counts():
    probs = np.array(
        [[0.7, 0.2, 0.1], [0.1, 0.2, 0.7], [0.2, 0.6, 0.2], [0.6, 0.1, 0.3], [np.nan] * 3]
    )
    labels = np.array([0, 2, 2, 2, 1])
    res = evaluate_predictions(probs, labels, ("low", "medium", "high"))
    assert res.n == 4 and res.n_skipped == 1
    assert res.accuracy == pytest.approx(2 / 4)
    # binary: rows labelled low/high: 0 (pred low ok), 1 (high ok), 2 (p_high .2 = p_low .2 -> low, wrong),
    # 3 (p_low .6 > .3 -> low, wrong)
    assert res.binary_accuracy == pytest.approx(2 / 4)
    assert res.confusion.sum() == 4 and res.confusion[2, 1] == 1


def _planted_ratings(seed: int, taus, n_items: int = 600, k: int = 5, p_rate: float = 0.8):
    rng = np.random.default_rng(seed)
    z = rng.integers(1, k + 1, n_items)
    items, raters, grades = [], [], []
    for j, t in enumerate(taus):
        for i in range(n_items):
            if rng.random() < p_rate:
                g = z[i] if rng.random() < t else rng.integers(1, k + 1)
                items.append(i)
                raters.append(f"r{j}")
                grades.append(g)
    return z, np.array(items), np.array(raters), np.array(grades)


def test_reliability_recovers_planted_taus():
    taus = [0.9, 0.75, 0.6, 0.45, 0.3, 0.0]
    _, items, raters, grades = _planted_ratings(1, taus)
    ids, tau, n, post, _ = annotator_reliability(items, raters, grades, n_grades=5)
    assert list(ids) == [f"r{j}" for j in range(6)]
    np.testing.assert_allclose(tau[:-1], taus[:-1], atol=0.08)
    assert tau[-1] < 0.12  # the random rater
    assert np.all(np.diff(tau) < 0)
    assert np.allclose(post.sum(axis=1), 1)


def test_machine_as_annotator_orders_machines():
    taus = [0.85, 0.75, 0.7, 0.6, 0.5]
    z, items, raters, grades = _planted_ratings(2, taus)
    rng = np.random.default_rng(3)
    items_ids = np.arange(len(z))
    good = machine_as_annotator(items, raters, grades, items_ids, z + rng.normal(0, 0.3, len(z)))
    poor = machine_as_annotator(items, raters, grades, items_ids, z + rng.normal(0, 3.0, len(z)))
    assert good.tau_random < 0.1
    assert good.tau_machine > poor.tau_machine + 0.3
    assert good.tau_mean_human == pytest.approx(np.mean(taus), abs=0.08)
    assert good.tau_machine > good.tau_random
