"""The learned whom-to-follow ranker: hand-worked signals, a plain PageRank, no leakage of
the evaluation hold-out into training, and the evaluation's JSON."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.linkpred.candidates import candidates
from analysis.linkpred.evaluate import evaluate_recommenders
from analysis.linkpred.learned import MODEL_PARAMS, fit_ranker
from analysis.linkpred.signals import block_signals, graph_stats, personalised_pagerank
from analysis.linkpred.split import hide_follows
from analysis.recommend_params import RECOMMEND_DEFAULTS


def _graph(edges, n):
    r, c = zip(*edges, strict=True)
    return sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))


def _community(n=160, seed=0):
    """Two dense groups with a few ties between them, all ties mutual."""
    rng = np.random.default_rng(seed)
    group = np.arange(n) % 2
    p = np.where(group[:, None] == group[None, :], 0.12, 0.01)
    upper = np.triu(rng.random((n, n)) < p, 1)
    return sp.csr_matrix((upper | upper.T).astype(float))


#: a quick fit for the tests of the evaluation's shape (the bench measures the real one)
QUICK = {"rounds": 2, "model_params": {**MODEL_PARAMS, "max_iter": 30}}

# 0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3, 3 -> 0, 2 -> 4, 4 -> 2
EDGES = [(0, 1), (0, 2), (1, 3), (2, 3), (3, 0), (2, 4), (4, 2)]


def test_signals_hand_worked():
    g = graph_stats(_graph(EDGES, 5))
    s = block_signals(g, np.array([0]))
    # paths 0->1->3 and 0->2->3; 0->2->4
    assert s.cn[0].tolist() == [0, 0, 0, 2, 1]
    deg = np.array([3, 2, 4, 3, 2], float)  # in + out degree
    assert s.ra[0, 3] == pytest.approx(1 / deg[1] + 1 / deg[2])
    assert s.aa[0, 3] == pytest.approx(1 / np.log(deg[1]) + 1 / np.log(deg[2]))
    # |N+(0) ∪ N-(3)| = |{1, 2} ∪ {1, 2}| = 2
    assert s.jaccard[0, 3] == pytest.approx(2 / 2)
    # length-3 paths from 0: 0->1->3->0, 0->2->3->0, 0->2->4->2
    assert s.paths3[0].tolist() == [2, 0, 1, 0, 0]
    assert s.followed[0].tolist() == [True, True, True, False, False]


def test_candidate_features_hand_worked():
    g = graph_stats(_graph(EDGES, 5))
    c = candidates(g, block_signals(g, np.array([0])), per_source=5, popular=1)
    rows = {int(v): dict(zip(c.names, x, strict=True)) for v, x in zip(c.item, c.X, strict=True)}
    assert set(rows) == {3, 4}  # never 0 itself nor 1, 2 (followed)
    assert rows[3]["follows_back"] == 1 and rows[4]["follows_back"] == 0
    assert rows[3]["cn"] == 2 and rows[3]["cn_rank"] == 1 and rows[4]["cn_rank"] == 2
    assert rows[4]["cn_share"] == pytest.approx(0.5)
    assert rows[3]["v_in"] == 2 and rows[3]["u_out"] == 2


def test_personalised_pagerank_equals_a_linear_solve():
    rng = np.random.default_rng(3)
    A = sp.csr_matrix((rng.random((12, 12)) < 0.25).astype(float))
    A.setdiag(0)
    A.eliminate_zeros()
    A[5] = 0  # a dangling account: its walk restarts at the source
    A.eliminate_zeros()
    alpha, u = 0.2, 2
    P = A.toarray()
    out = P.sum(axis=1)
    P = np.where(out[:, None] > 0, P / np.maximum(out[:, None], 1), 0.0)
    P[out == 0, u] = 1.0
    e = np.zeros(12)
    e[u] = 1.0
    exact = alpha * e @ np.linalg.inv(np.eye(12) - (1 - alpha) * P)
    got = personalised_pagerank(A, np.array([u]), alpha=alpha, iters=200)[0]
    np.testing.assert_allclose(got, exact, atol=1e-10)


def test_training_on_the_evaluation_holdout_is_refused():
    A = _community()
    split = hide_follows(A, 0.2, n_users=40, rng=np.random.default_rng(0))
    honest = fit_ranker(split.train, rng=np.random.default_rng(1), **QUICK)
    honest.check_unseen(split.hidden)  # trained on A' only: nothing to refuse
    leaky = fit_ranker(A, rng=np.random.default_rng(1), **QUICK)
    with pytest.raises(ValueError, match="contains hidden evaluation links"):
        leaky.check_unseen(split.hidden)


def test_every_training_round_hides_within_the_given_graph():
    A = _community(seed=4)
    ranker = fit_ranker(A, rng=np.random.default_rng(2), **{**QUICK, "rounds": 3})
    # what the model saw is A minus what each round hid: never a link outside A
    assert (ranker.trained_on - ranker.trained_on.multiply(A.astype(bool))).nnz == 0
    assert 0 < ranker.n_train_positive < ranker.n_train_pairs


def _ring(n=150, near=4, rewire=0.05, seed=0):
    """A ring where everyone is tied to the ``near`` closest on each side (mutual ties), a few
    ties rewired at random: friends of friends are very likely friends."""
    rng = np.random.default_rng(seed)
    src, dst = [], []
    for u in range(n):
        for d in range(1, near + 1):
            v = (u + d) % n if rng.random() > rewire else int(rng.integers(n))
            if v != u:
                src += [u, v]
                dst += [v, u]
    A = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    A.data[:] = 1.0
    return A


def test_the_evaluation_json():
    A = _ring()
    res = evaluate_recommenders(A, 0.2, k=5, n_users=30, seed=1, n_boot=50, **QUICK)
    j = res.to_json()
    assert j["reciprocal_pairs_hidden_together"] is True and j["default"] == "learned"
    assert j["n_users"] == 30
    assert set(j["methods"]) == {
        "cn",
        "aa",
        "ppr",
        "most_followed",
        "pagerank",
        "random",
        "learned",
    }
    for name, m in j["methods"].items():
        for key in ("precision", "recall", "ndcg", "users_served", "coverage", "exposure_gini"):
            assert 0 <= m[key] <= 1, (name, key)
        assert m["forlorn_share"] is None
        lo, hi = m["diff_vs_best_baseline"]
        assert lo <= hi
    assert j["methods"][j["best_baseline"]]["diff_vs_best_baseline"] == [0.0, 0.0]
    # the header's count is what recall is computed on
    hits = j["methods"]["cn"]["precision"] * 5 * j["n_users"]
    assert j["methods"]["cn"]["recall"] == pytest.approx(hits / j["n_hidden"])
    # on a ring, friends of friends are the hidden friends: far above chance
    assert j["methods"]["learned"]["precision"] > 5 * max(j["methods"]["random"]["precision"], 0.01)


def test_the_evaluation_embeds_the_graph_as_recommend_does(monkeypatch):
    import analysis.linkpred.evaluate as ev

    asked, embedded = [], []

    def embedder_for(n_users):
        asked.append(n_users)
        return lambda G: embedded.append(G.nnz) or np.ones((G.shape[0], 2))

    monkeypatch.setattr(ev, "graph_embedder", embedder_for)
    A = _ring()
    split = hide_follows(A, 0.2, n_users=30, rng=np.random.default_rng(1))
    evaluate_recommenders(A, 0.2, k=5, n_users=30, seed=1, n_boot=10, **QUICK)
    assert asked == [A.shape[0]]
    # one embedding per training round, each of a graph thinner than the remaining one, then
    # the remaining graph's own for scoring
    assert len(embedded) == QUICK["rounds"] + 1
    assert all(nnz < split.train.nnz for nnz in embedded[:-1])
    assert embedded[-1] == split.train.nnz
    asked.clear()
    evaluate_recommenders(A, 0.2, k=5, n_users=30, seed=1, n_boot=10, embedder=None, **QUICK)
    assert asked == []


def test_the_interest_signals_never_see_a_hidden_follow(monkeypatch):
    """Authorities and propagated interests are found again on each training round's graph
    and on the evaluation's remaining graph: none of the graphs they are computed on holds
    an evaluation link, and each training round's holds none of the links it hid."""
    import analysis.linkpred.learned as learned

    seen = []
    real = learned.interest_signals

    def recording(G, seeds, *args, **kwargs):
        seen.append(sp.csr_matrix(G, copy=True))
        return real(G, seeds, *args, **kwargs)

    monkeypatch.setattr(learned, "interest_signals", recording)
    A, seeds = _two_topic_graph(seed=3)
    split = hide_follows(A, 0.2, n_users=20, rng=np.random.default_rng(2))
    evaluate_recommenders(A, 0.2, k=5, n_users=20, seed=2, n_boot=10, seeds=seeds, **QUICK)
    assert len(seen) == QUICK["rounds"] + 1
    hidden = split.hidden
    for G in seen:
        assert not np.asarray(G[hidden[:, 0], hidden[:, 1]]).any()
    for G in seen[:-1]:  # a training round's graph: a part of the remaining graph
        assert G.nnz < split.train.nnz and (G - G.multiply(split.train)).nnz == 0
    assert (seen[-1] != split.train).nnz == 0  # scoring: the remaining graph itself


def test_bb_keeps_friends_of_friends_within_the_beauty_window():
    from analysis.linkpred.baselines import bb_recommendations

    # 0 follows 1; 1 follows 2, 3, 4: the friends of friends of 0 are 2, 3, 4
    g = graph_stats(_graph([(0, 1), (1, 2), (1, 3), (1, 4)], 5))
    beauty = np.array([0.50, 0.1, 0.54, 0.90, 0.46])
    # ±10 % of 0.50 is [0.45, 0.55]: 2 and 4 qualify, the more beautiful first
    assert bb_recommendations(g, np.array([0]), beauty, k=5) == {0: [2, 4]}


def test_the_forlorn_share_of_random_recommendations_is_the_base_rate():
    A = _ring(n=200)
    rng = np.random.default_rng(7)
    beauty = rng.random(200)
    forlorn = rng.random(200) < 0.3
    j = evaluate_recommenders(
        A, 0.2, k=5, n_users=60, seed=2, n_boot=20, beauty=beauty, forlorn=forlorn, **QUICK
    ).to_json()
    assert "bb" in j["methods"]
    assert j["methods"]["random"]["forlorn_share"] == pytest.approx(forlorn.mean(), abs=0.1)
    assert all(m["forlorn_share"] is not None for m in j["methods"].values())


def test_topic_baselines_hand_worked():
    from analysis.linkpred.topics import topic_recommendations

    # users 1, 2, 3 (topic 0) follow 4; 1 also follows 5; 6 has no topic
    A = _graph([(1, 4), (2, 4), (3, 4), (1, 5), (6, 4)], 7)
    seeds = sp.csr_matrix(([1, 1, 1, 1], ([0, 1, 2, 3], [0, 0, 0, 0])), shape=(7, 2))
    recs = topic_recommendations(A, seeds, np.array([0, 1, 6]), k=3)
    # 4 has three followers interested in topic 0, 5 one
    assert recs["most_followed_topics"][0] == [4, 5]
    # topic PageRank restarts at the topic's seeds (1, 2, 3), which all lead to 4
    assert recs["topic_pagerank"][0][0] == 4
    # 1 follows 4 and 5 already; 6 has no topic: nothing to rank by
    assert recs["most_followed_topics"][1] == []
    assert all(recs[m][6] == [] for m in recs)
    assert not set(recs["authority"][1]) & {1, 4, 5}


def _random_candidates(seed=0, n_users=20, per_user=15, n_items=200):
    rng = np.random.default_rng(seed)
    user = np.repeat(np.arange(n_users), per_user)
    pools = [
        rng.choice(np.arange(n_users, n_items), per_user, replace=False) for _ in range(n_users)
    ]
    item = np.concatenate(pools)
    # coarse scores make ties, which go to the lower account
    score = rng.integers(0, 6, len(user)) / 5.0
    forlorn = rng.random(n_items) < 0.2
    return user, item, score, forlorn


def _slots_by_hand(user, item, score, promote, m, k):
    """The slot rule, one user at a time: the plain list's first k − m, then the best
    promoted accounts outside them, then the plain list's next ones; shown by score."""
    out = {}
    for u in np.unique(user):
        rows = [(-score[i], int(item[i]), bool(promote[i])) for i in np.flatnonzero(user == u)]
        plain = sorted(rows)
        head = plain[: k - m]
        extra = [r for r in plain[k - m :] if r[2]][:m]
        rest = [r for r in plain[k - m :] if r not in extra]
        out[int(u)] = [r[1] for r in sorted(head + extra + rest[: k - len(head) - len(extra)])]
    return out


def test_balance_zero_is_the_plain_learned_ranking():
    from analysis.linkpred.balance import balanced_top_k, top_k

    user, item, score, forlorn = _random_candidates()
    plain = top_k(user, item, score, 10)
    for lam in (0.0, 0.04):  # fewer than half a slot of ten: no slot is promoted
        assert balanced_top_k(user, item, score, forlorn[item], lam, 10) == plain


def test_balance_slots_equal_a_one_user_at_a_time_rule():
    from analysis.linkpred.balance import balanced_top_k, promoted_slots

    for seed in range(4):
        user, item, score, forlorn = _random_candidates(seed)
        promote = forlorn[item]
        for lam in (0.1, 0.2, 0.3, 0.5, 1.0):
            m = promoted_slots(lam, 10)
            got = balanced_top_k(user, item, score, promote, lam, 10)
            assert got == _slots_by_hand(user, item, score, promote, m, 10), (seed, lam)


def test_balance_slots_hand_worked():
    from analysis.linkpred.balance import balanced_top_k

    # one user, six candidates best first: 10 11 12 13 14 15; 11 and 14 are forlorn
    item = np.array([10, 11, 12, 13, 14, 15])
    user, score = np.zeros(6, dtype=int), np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    promote = np.isin(item, [11, 14])
    # two of four slots: 10 and 11 stay, 14 is the only forlorn one left, 12 fills
    assert balanced_top_k(user, item, score, promote, 0.5, 4) == {0: [10, 11, 12, 14]}
    # every slot: both forlorn accounts, then the best others
    assert balanced_top_k(user, item, score, promote, 1.0, 4) == {0: [10, 11, 12, 14]}
    assert balanced_top_k(user, item, score, promote, 1.0, 2) == {0: [11, 14]}
    # one of three: 10 and 11 stay, 14 takes the third slot from 12
    assert balanced_top_k(user, item, score, promote, 1 / 3, 3) == {0: [10, 11, 14]}
    # half a slot rounds up: 1.5 of three slots are two, for 12 and 14
    promote = np.isin(item, [12, 14])
    assert balanced_top_k(user, item, score, promote, 0.5, 3) == {0: [10, 12, 14]}
    # a user with no candidate still has a (empty) list
    assert balanced_top_k(user, item, score, promote, 0.5, 4, np.array([0, 7]))[7] == []


def test_choose_balance_keeps_95_percent_of_the_precision():
    from analysis.linkpred.balance import BalancePoint, choose_balance

    curve = [BalancePoint(0.0, 0.100, 0.01), BalancePoint(0.1, 0.097, 0.03),
             BalancePoint(0.2, 0.095, 0.05), BalancePoint(0.5, 0.080, 0.12)]  # fmt: skip
    assert choose_balance(curve) == 0.2
    assert choose_balance(curve, keep=0.99) == 0.0


def test_the_evaluation_reports_the_balance_curve():
    A = _ring(n=200)
    rng = np.random.default_rng(7)
    beauty = rng.random(200)
    forlorn = (beauty > 0.7) & (rng.random(200) < 0.5)
    j = evaluate_recommenders(
        A, 0.2, k=5, n_users=60, seed=2, n_boot=20, beauty=beauty, forlorn=forlorn, **QUICK
    ).to_json()
    curve = j["balance_curve"]
    assert curve[0]["beauty_balance"] == 0.0
    # the λ = 0 point is the learned method's own row
    assert curve[0]["precision"] == j["methods"]["learned"]["precision"]
    assert curve[0]["forlorn_share"] == j["methods"]["learned"]["forlorn_share"]
    # learned_balanced is recommend's default λ, a point of the curve
    assert j["beauty_balance"] == RECOMMEND_DEFAULTS.beauty_balance
    at = next(p for p in curve if p["beauty_balance"] == j["beauty_balance"])
    assert at["precision"] == j["methods"]["learned_balanced"]["precision"]
    assert at["forlorn_share"] == j["methods"]["learned_balanced"]["forlorn_share"]
    # the suggestion is the choice rule applied to the curve
    kept = [p["beauty_balance"] for p in curve if p["precision"] >= 0.95 * curve[0]["precision"]]
    assert j["suggested_balance"] == max(kept)
    other = evaluate_recommenders(
        A, 0.2, k=5, n_users=60, seed=2, n_boot=20, beauty=beauty, forlorn=forlorn,
        balance=0.35, **QUICK,
    ).to_json()  # fmt: skip
    assert other["beauty_balance"] == 0.35
    assert 0.35 in [p["beauty_balance"] for p in other["balance_curve"]]
    # each more slot can only add forlorn beauties
    shares = [p["forlorn_share"] for p in curve]
    assert shares == sorted(shares) and shares[-1] > shares[0]


def test_another_model_and_per_user_precision():
    """``model_factory`` replaces the boosting model (the benchmark's LightGBM comparison)
    and gets the fit's seed; the per-user precision of an evaluation averages to its
    precision and pairs two evaluations that differ in the model only."""
    from sklearn.linear_model import LogisticRegression

    seeds: list[int] = []

    def logistic(seed: int):
        seeds.append(seed)
        return LogisticRegression(max_iter=200)

    A = _ring(n=200)
    base = evaluate_recommenders(A, 0.2, k=5, n_users=60, seed=2, n_boot=20, **QUICK)
    other = evaluate_recommenders(
        A, 0.2, k=5, n_users=60, seed=2, n_boot=20, model_factory=logistic, **QUICK
    )
    assert len(seeds) == 1 and 0 <= seeds[0] < 2**31
    for ev in (base, other):
        for name, m in ev.methods.items():
            assert ev.per_user_precision(name).mean() == pytest.approx(m.precision), name
    # the same split: every baseline's per-user row is the same array
    np.testing.assert_array_equal(base.per_user_precision("cn"), other.per_user_precision("cn"))
    assert not np.array_equal(
        base.per_user_precision("learned"), other.per_user_precision("learned")
    )
    ranker = fit_ranker(A, rng=np.random.default_rng(0), n_users=40, rounds=1,
                        model_factory=logistic)  # fmt: skip
    assert isinstance(ranker.model, LogisticRegression)


def _two_topic_graph(seed=0):
    """Fans 0–19 of topic 0 and 20–39 of topic 1 (seeds), 40–59 without a seed, sparse
    random follows; accounts 40, 41, 42 followed by 80, 60 and 40 % of topic 0's fans, 43,
    44, 45 by topic 1's (planted authorities); 50 follows only 40, 51 only 43."""
    rng = np.random.default_rng(seed)
    n = 60
    topic = np.repeat([0, 1, -1], 20)
    A = rng.random((n, n)) < 0.04
    for t, accounts in ((0, (40, 41, 42)), (1, (43, 44, 45))):
        fans = np.flatnonzero(topic == t)
        for v, p in zip(accounts, (0.8, 0.6, 0.4), strict=True):
            A[fans, v] |= rng.random(len(fans)) < p
    A[[50, 51]] = False
    A[50, 40] = A[51, 43] = True
    np.fill_diagonal(A, False)
    seeds = sp.csr_matrix((np.ones(40), (np.arange(40), topic[:40])), shape=(n, 2))
    return sp.csr_matrix(A.astype(float)), seeds


def _interest_rows_by_hand(A, S):
    """ALF's Algorithm 1 as printed (Pass 1 over all followers, the default), by loops:
    each account's label F = Fᵉ + Fⁱ, each user's re-estimated interests Sⁱ; the user's
    interests seed + Sⁱ and the account's profile F, both scaled to length 1."""
    A, S = A.toarray(), S.toarray()
    n, T = S.shape
    followers = [np.flatnonzero(A[:, v]) for v in range(n)]
    followees = [np.flatnonzero(A[u]) for u in range(n)]
    Fe = np.array([S[f].mean(axis=0) if len(f) else np.zeros(T) for f in followers])
    Si = np.array([Fe[w].mean(axis=0) if len(w) else np.zeros(T) for w in followees])
    Fi = np.array([Si[f].mean(axis=0) if len(f) else np.zeros(T) for f in followers])

    def unit(X):
        norm = np.linalg.norm(X, axis=1, keepdims=True)
        return np.divide(X, norm, out=np.zeros_like(X), where=norm > 0)

    return unit(S + Si), unit(Fe + Fi)


def test_interest_features_hand_worked():
    from analysis.linkpred.interests import interest_signals
    from analysis.linkpred.topics import topic_authorities

    A, seeds = _two_topic_graph()
    interests, profile = _interest_rows_by_hand(A, seeds)
    auth = topic_authorities(A, seeds)  # ALF's search, tested on its own
    assert set(auth.ranked[0]) == {40, 41, 42} and set(auth.ranked[1]) == {43, 44, 45}
    best = {t: max(auth.score[auth.topic == t]) for t in (0, 1)}
    g = graph_stats(A)
    users = np.array([0, 25, 50, 51, 55])
    sig = block_signals(g, users, interests=interest_signals(A, seeds))
    c = candidates(g, sig, per_source=60, popular=0)
    col = {name: c.X[:, i] for i, name in enumerate(c.names)}
    for u, v, authority, match in zip(
        c.user, c.item, col["authority"], col["interest_match"], strict=True
    ):
        t = auth.topic[v]
        expected = interests[u, t] * auth.score[v] / best[t] if t >= 0 else 0.0
        assert authority == pytest.approx(expected, abs=1e-6), (u, v)
        assert match == pytest.approx(interests[u] @ profile[v], abs=1e-6), (u, v)
    row = {(int(u), int(v)): i for i, (u, v) in enumerate(zip(c.user, c.item, strict=True))}
    # 50 declared nothing and follows 40 only: her propagated interests are (mostly) topic
    # 0's, so topic 0's other authorities score far above topic 1's; 51 the other way
    authority = {pair: col["authority"][i] for pair, i in row.items()}
    assert authority[(50, 41)] > 5 * authority[(50, 44)] and authority[(50, 41)] > 0.5
    assert authority[(51, 44)] > 5 * authority[(51, 41)] and authority[(51, 44)] > 0.5


def test_the_auth_source_finds_the_authorities_of_the_users_topics():
    from analysis.linkpred.interests import interest_signals

    A, seeds = _two_topic_graph()
    g = graph_stats(A)
    fan = next(u for u in range(20, 40) if not A[u, 44])  # of topic 1, not following 44
    users = np.array([50, 51, fan])
    sig = block_signals(g, users, interests=interest_signals(A, seeds))
    c = candidates(g, sig, per_source=2, popular=0)
    found = {}
    for u, v, by in zip(c.user, c.item, c.found_by, strict=True):
        if by & 64:
            found.setdefault(int(u), set()).add(int(v))
    assert found[50] == {41, 42}  # topic 0's authorities she does not follow yet
    assert found[51] == {44, 45}
    # a topic-1 fan: topic 1's authorities she does not follow come first
    missing = {43, 44, 45} - set(A[fan].indices)
    assert 44 in found[fan] and len(found[fan] & missing) == min(2, len(missing))
