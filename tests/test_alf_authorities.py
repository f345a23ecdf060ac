"""ALF authority scores (§4.3: Eq. 2, 6, 8, 9, FP2), the recommender (§5, Eq. 10,
Algorithm 2) and the evaluation (§6.3) on hand-worked examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.alf import find_authorities, follow_matrix, zscores
from analysis.alf.authorities import fp1_filter, fp1_levels, fp2_filter
from analysis.alf.recommend import authority_recommendations, enthusiasm
from analysis.alf.table6 import (
    Table6,
    pagerank_authorities,
    precision_recall_at_k,
    topic_pagerank,
)

F_HAND = np.array([[0.5, 0.1], [0.2, 0.2], [0.05, 0.4], [0.0, 0.8]])
N_IN = np.array([100.0, 10.0, 50.0, 5.0])


def _hand_z(F):
    """Eq. 6 written out with scalars: mean and population sd of log F over F > 0."""
    V, T = F.shape
    Z = [[-math.inf] * T for _ in range(V)]
    for t in range(T):
        logs = [math.log(F[u][t]) for u in range(V) if F[u][t] > 0]
        mu = sum(logs) / len(logs)
        sd = math.sqrt(sum((x - mu) ** 2 for x in logs) / len(logs))
        for u in range(V):
            if F[u][t] > 0:
                Z[u][t] = (math.log(F[u][t]) - mu) / sd
    return np.array(Z)


def test_eq6_zscores_by_hand():
    Z, mu, sigma = zscores(F_HAND)
    np.testing.assert_allclose(Z, _hand_z(F_HAND))
    assert mu[0] == pytest.approx((math.log(0.5) + math.log(0.2) + math.log(0.05)) / 3)
    assert Z[3, 0] == -np.inf  # F = 0 has no logarithm


def test_eq8_wzf_and_eq2_assignment_by_hand():
    r = find_authorities(F_HAND, N_IN, fp1=False, fp2=False, min_support=0)
    Z = _hand_z(F_HAND)
    for u in range(4):
        for t in range(2):
            if F_HAND[u, t] > 0:
                assert r.wzf[u, t] == pytest.approx(Z[u, t] * math.log(N_IN[u] * F_HAND[u, t]))
    # eligible: ZF > 0 and more than one topical follower; argmax of wzf (one topic each)
    expected = []
    for u in range(4):
        cands = [
            (Z[u, t] * math.log(N_IN[u] * F_HAND[u, t]), t)
            for t in range(2)
            if F_HAND[u, t] > 0 and Z[u, t] > 0 and N_IN[u] * F_HAND[u, t] > 1
        ]
        expected.append(max(cands)[1] if cands else -1)
    np.testing.assert_array_equal(r.assigned, expected)
    # user 1: log 0.2 is above the topic-0 mean of log {0.5, 0.2, 0.05}, below the topic-1
    # mean of log {0.1, 0.2, 0.4, 0.8}: topic 0
    assert list(r.assigned) == [0, 0, 1, 1]
    # ranked by wzf: user 3 (4 topical followers, top z) vs user 2 (20 followers)
    w2 = Z[2, 1] * math.log(50 * 0.4)
    w3 = Z[3, 1] * math.log(5 * 0.8)
    assert list(r.ranked[1]) == ([2, 3] if w2 > w3 else [3, 2])
    # "No weighting" ranks by ZF: user 3 has the higher z-score on topic 1
    rz = find_authorities(F_HAND, N_IN, weighting="zf", fp1=False, fp2=False, min_support=0)
    assert list(rz.ranked[1]) == [3, 2]


def test_eq9_levels():
    lv = fp1_levels(60, 1.5)
    assert lv == {"popular": 40.0, "mid": 60.0, "tail": 90.0}
    assert 1.5 * lv["popular"] == lv["mid"] == lv["tail"] / 1.5


def test_fp1_thresholds_by_hand():
    # topics 0, 1, 2 with n_t = 10, 5, 2: popular (keep 40 %), mid (60 %), tail (90 %)
    assigned = np.array([0] * 10 + [1] * 5 + [2] * 2 + [-1])
    score = np.array(list(range(10, 0, -1)) + [5, 4, 3, 2, 1] + [2.0, 1.0] + [np.nan], dtype=float)
    removed, theta, bucket, n_t = fp1_filter(assigned, score, 3)
    assert list(n_t) == [10, 5, 2]
    assert list(bucket) == ["popular", "mid", "tail"]
    # q = ceil(40*10/100) = 4 -> theta = 7; ceil(60*5/100) = 3 -> 3; ceil(90*2/100) = 2 -> 1
    np.testing.assert_allclose(theta, [7, 3, 1])
    kept = ~removed & (assigned >= 0)
    assert kept[:10].sum() == 4 and kept[10:15].sum() == 3 and kept[15:17].sum() == 2


def test_fp2_vote_by_hand():
    # user 0 assigned topic 2 which is 3rd by F and 1st by ZF: kept with k = 3, dropped k = 2
    F = np.array([[0.9, 0.5, 0.3, 0.1]])
    Z = np.array([[0.1, 0.2, 3.0, 0.5]])
    assert not fp2_filter(np.array([2]), F, Z, k=3)[0]
    assert fp2_filter(np.array([2]), F, Z, k=2)[0]
    assert not fp2_filter(np.array([-1]), F, Z, k=1)[0]


def test_find_authorities_end_to_end_filters():
    rng = np.random.default_rng(0)
    V, T = 400, 8
    F = rng.lognormal(-3, 0.5, size=(V, T))
    n_in = rng.integers(1, 50, V).astype(float)
    r = find_authorities(F, n_in, min_support=0)
    # every kept authority has exactly one topic, its wzf above its topic's threshold,
    # and its topic in the top 5 of both F and ZF
    for t, users in enumerate(r.ranked):
        assert np.all(r.topic[users] == t)
        assert np.all(r.wzf[users, t] >= r.theta[t])
        assert np.all(np.diff(r.wzf[users, t]) <= 0)
        for u in users:
            assert t in np.argsort(-F[u])[:5] and t in np.argsort(-r.ZF[u])[:5]
    assert r.fp1_removed.sum() > 0
    frame = r.to_frame()
    assert len(frame) == (r.topic >= 0).sum()
    assert set(frame.columns) == {"user", "topic", "F", "ZF", "wzf", "rank"}
    with pytest.raises(ValueError, match="weighting"):
        find_authorities(F, n_in, weighting="x", min_support=0)
    with pytest.raises(ValueError, match="do not match"):
        find_authorities(F, n_in[:-1], min_support=0)


def test_precision_recall_paper_definitions():
    truth = {"t1": ["a", "b", "c"], "t2": ["d", "e"]}
    found = {"t1": ["a", "x", "d", "b"], "t2": ["e", "y"], "t3": ["c"]}
    s = precision_recall_at_k(found, truth, k=3)
    # hits: t1 {a} (b is 4th), t2 {e} = 2; labelled in top-3: t1 {a, d}, t2 {e} = 3
    assert (s.hits, s.labelled, s.truth) == (2, 3, 5)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 5)
    assert s.f1 == pytest.approx(2 * (2 / 3) * 0.4 / (2 / 3 + 0.4))
    assert precision_recall_at_k(found, truth, k=4).recall == pytest.approx(3 / 5)
    with pytest.raises(ValueError, match="k=0"):
        precision_recall_at_k(found, truth, k=0)
    t6 = Table6(scores={"alf": s}, k=3).to_frame()
    assert t6.loc[0, "paper_precision"] == 0.96


def test_topic_pagerank_matches_dense_power_iteration():
    rng = np.random.default_rng(3)
    n = 30
    src, dst = rng.integers(0, n, 120), rng.integers(0, n, 120)
    A = follow_matrix(src[src != dst], dst[src != dst], n)
    seeds = (rng.random((n, 2)) < 0.2).astype(float)
    R, _ = topic_pagerank(A, seeds, tol=1e-13, max_iter=1000)
    Ad = A.toarray()
    out = Ad.sum(1)
    for t in range(2):
        s = seeds[:, t] / seeds[:, t].sum()
        # Google matrix with personalised teleport and dangling mass sent to the seeds
        G = np.where(out[:, None] > 0, Ad / np.maximum(out, 1)[:, None], s[None, :])
        r = s.copy()
        for _ in range(2000):
            r = 0.85 * G.T @ r + 0.15 * s
        np.testing.assert_allclose(R[:, t], r, atol=1e-10)
        assert R[:, t].sum() == pytest.approx(1.0)
    ranked = pagerank_authorities(A, seeds)
    assigned = np.argmax(R, axis=1)
    for t, users in enumerate(ranked):
        assert np.all(assigned[users] == t)
        assert np.all(np.diff(R[users, t]) <= 0)


def test_enthusiasm_and_algorithm2_by_hand():
    # user 0 follows authorities 1, 2 of topic 0 and 4 of topic 1
    A = follow_matrix([0, 0, 0, 5], [1, 2, 4, 1], 7)
    ranked = [np.array([1, 2, 3, 6]), np.array([4, 5])]
    E = enthusiasm(A, ranked)
    assert E[0].tolist() == [2, 1] and E[5].tolist() == [1, 0]
    rec = authority_recommendations(A, ranked, 0, a_hat=1, b_hat=1)
    assert rec.to_dict("list") == {"user": [3], "topic": [0], "rank": [1], "enthusiasm": [2]}
    rec = authority_recommendations(A, ranked, 0, a_hat=0, b_hat=5)
    assert rec["user"].tolist() == [3, 6, 5]
    assert authority_recommendations(A, ranked, 0, a_hat=2).empty
    with pytest.raises(ValueError, match="user"):
        authority_recommendations(A, ranked, 9)


def test_plots_render():
    import matplotlib

    matplotlib.use("Agg")
    from analysis.plots.alf import (
        plot_blogcatalog,
        plot_log_f_qq,
        plot_table6,
        plot_topical_fractions,
    )

    rng = np.random.default_rng(1)
    F = rng.lognormal(-3, 0.5, size=(50, 4))
    figs = [
        plot_log_f_qq(F[:, 0], topic="x"),
        plot_topical_fractions(F[0], list("abcd")),
        plot_blogcatalog(
            [{"p": 0.1, "micro_f1": 20, "macro_f1": 10}],
            {"p": [0.1], "micro": [35.9], "macro": [21.1]},
        ),
    ]
    s = precision_recall_at_k({"t": ["a"]}, {"t": ["a", "b"]}, 5)
    figs.append(plot_table6(Table6(scores={"alf": s}, k=5)))
    for fig in figs:
        assert fig.axes
    # Fig. 4: a log-normal column lies on the quantile line
    qq = plot_log_f_qq(rng.lognormal(0, 1, 2000))
    x, y = qq.axes[0].lines[0].get_data()
    assert np.corrcoef(x, y)[0, 1] > 0.99
