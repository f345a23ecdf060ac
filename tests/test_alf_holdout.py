"""Authorities with evidence (min support, per-topic counts), batch Algorithm 2 and the
follow hold-out (analysis/alf/follow_holdout.py) on hand-worked and planted graphs; the
hold-out is the one evaluation of ``analyze recommenders`` (on the store, LadybugDB always,
Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import scipy.sparse as sp

import analysis.alf.follow_holdout as holdout_mod
from analysis.alf import algorithm1, find_authorities, follow_matrix
from analysis.alf.authorities import topical_support
from analysis.alf.follow_holdout import evaluate_follow_holdout
from analysis.alf.params import AlfParams
from analysis.alf.recommend import algorithm2
from analysis.linkpred.evaluate import evaluate_recommenders
from analysis.linkpred.split import hide_follows


def test_doctest():
    assert doctest.testmod(holdout_mod).failed == 0


def test_topical_support_counts_interested_followers():
    # 0 and 1 follow 2; 0 is interested in topic 0, 1 in topics 0 and 1
    A = follow_matrix([0, 1], [2, 2], 3)
    S = sp.csr_matrix(np.array([[1, 0], [2.5, 1], [0, 0]]))
    assert topical_support(A, S)[2].tolist() == [2.0, 1.0]


def _star_with_thin_evidence():
    """Account 0 has 10 followers, 9 without interests and one interested in topic 0;
    accounts 1..6 (index ``i``) have ``4 + i`` followers interested in topic 1 and one
    interested in topic 0 only."""
    src, dst, t0, t1 = [], [], [], []
    nxt = 7
    for f in range(10):
        src.append(nxt)
        dst.append(0)
        if f == 0:
            t0.append(nxt)
        nxt += 1
    for acc in range(1, 7):
        for f in range(4 + acc + 1):
            src.append(nxt)
            dst.append(acc)
            (t0 if f == 0 else t1).append(nxt)
            nxt += 1
    A = follow_matrix(src, dst, nxt)
    S = np.zeros((nxt, 2))
    S[t0, 0] = 1
    S[t1, 1] = 1
    return A, sp.csr_matrix(S)


def test_min_support_removes_authorities_on_one_follower():
    A, S = _star_with_thin_evidence()
    n_in = np.asarray(A.sum(axis=0)).ravel()
    F = algorithm1(A, S, pass1_denominator="m_in").F  # Pass 1 share 1.0 for account 0
    support = topical_support(A, S)
    assert support[0].tolist() == [1.0, 0.0] and support[3].tolist() == [1.0, 7.0]
    loose = find_authorities(F, n_in, support=support, min_support=0, fp1=False, fp2=False)
    strict = find_authorities(F, n_in, support=support, min_support=3, fp1=False, fp2=False)
    assert loose.topic[0] == 0  # on one interested follower among ten
    assert strict.topic[0] == -1
    kept = np.flatnonzero(strict.topic >= 0)
    assert len(kept) > 0 and all(support[u, strict.topic[u]] >= 3 for u in kept)
    frame = strict.summary_frame(["t0", "t1"])
    n1 = int((strict.topic == 1).sum())
    assert frame["n_authorities"].tolist() == [0, n1]
    assert frame["share_of_users"].tolist() == [0.0, n1 / A.shape[0]]
    assert strict.share_authorities == pytest.approx(n1 / A.shape[0])
    with pytest.raises(ValueError, match="needs the support matrix"):
        find_authorities(F, n_in, min_support=3)


def test_algorithm2_orders_topics_by_enthusiasm():
    # authorities: topic 0 -> [5, 6], topic 1 -> [7, 8, 9]; user 0 follows 5, 7 and 8
    A = follow_matrix([0, 0, 0], [5, 7, 8], 10)
    ranked = [np.array([5, 6]), np.array([7, 8, 9])]
    recs = algorithm2(A, ranked, [0, 1], k=10)
    assert recs[0].tolist() == [9, 6]  # topic 1 (a=2) before topic 0 (a=1)
    assert recs[1].tolist() == []  # follows no authority: no enthusiasm
    assert algorithm2(A, ranked, [0], k=1)[0].tolist() == [9]


def _planted_topic_follows(seed=0, reciprocal=False):
    """3 topics x 6 authority accounts; 60 fans per topic interested in it, each following
    4 of its authorities and 2 random accounts (and followed back by all six when
    ``reciprocal``)."""
    rng = np.random.default_rng(seed)
    T, n_auth, n_fans = 3, 6, 60
    n = T * n_auth + T * n_fans
    src, dst = [], []
    S = np.zeros((n, T))
    for t in range(T):
        auth = np.arange(t * n_auth, (t + 1) * n_auth)
        for i in range(n_fans):
            fan = T * n_auth + t * n_fans + i
            S[fan, t] = 1
            for a in rng.choice(auth, 4, replace=False):
                src.append(fan)
                dst.append(a)
            for r in rng.choice(np.arange(T * n_auth, n), 2, replace=False):
                if r != fan:
                    src.append(fan)
                    dst.append(r)
    if reciprocal:
        src, dst = src + dst, dst + src
    return follow_matrix(src, dst, n), sp.csr_matrix(S)


def _beauty(n, seed=0):
    """A beauty per user (a tenth without one) and the forlorn mask of the most beautiful
    fifth: BB±10 and the forlorn share take part."""
    rng = np.random.default_rng(seed)
    beauty = rng.uniform(0, 1, n)
    beauty[rng.choice(n, n // 10, replace=False)] = np.nan
    return beauty, np.nan_to_num(beauty) > 0.8


@pytest.mark.parametrize("reciprocal", [False, True])
def test_the_authority_holdout_is_the_recommender_evaluation(reciprocal):
    """One evaluation code: with the same seed, every method's figures (and the best
    baseline, the intervals, the counts) are those of the evaluation every recommender
    gets, with ALF's recommender and the topic baselines computed on its remaining graph."""
    A, S = _planted_topic_follows(seed=1, reciprocal=reciprocal)
    beauty, forlorn = _beauty(A.shape[0])
    res = evaluate_follow_holdout(
        A, S, 0.25, k=5, seed=3, n_users=90, beauty=beauty, forlorn=forlorn, n_boot=200
    )
    want = evaluate_recommenders(
        A, 0.25, 5, n_users=90, seed=3, learned=False, seeds=S, beauty=beauty,
        forlorn=forlorn, n_boot=200,
    ).to_json()  # fmt: skip
    got = res.to_dict()
    assert {key: got[key] for key in want} == want
    assert {"authority", "cn", "aa", "most_followed", "pagerank", "random", "bb"} <= set(
        got["methods"]
    )
    assert got["reciprocal_pairs_hidden_together"] is reciprocal
    assert got["users_in_graph"] == A.shape[0] and got["follows_in_graph"] == A.nnz
    # the fans (index 18 on) have an interest, the authorities none: drawn when they follow
    # fans back
    drawn = hide_follows(A, 0.25, n_users=90, rng=np.random.default_rng(3)).users
    assert got["users_with_interests"] == int((drawn >= 18).sum())
    assert (got["users_with_interests"] < 90) is reciprocal


def test_alf_params_reach_the_authorities_found_again():
    A, S = _planted_topic_follows(seed=2)
    strict = evaluate_follow_holdout(A, S, 0.2, k=5, seed=0, params=AlfParams(min_support=3))
    none = evaluate_follow_holdout(A, S, 0.2, k=5, seed=0, params=AlfParams(min_support=10**6))
    assert strict.n_authorities > 0 and none.n_authorities == 0
    # without authorities Algorithm 2 serves nobody; the other methods are unchanged
    assert none.evaluation.methods["authority"].users_served == 0.0
    assert strict.evaluation.methods["authority"].users_served > 0.5
    assert none.evaluation.methods["cn"] == strict.evaluation.methods["cn"]


def test_the_authorities_are_found_again_without_either_direction_of_a_hidden_pair(
    monkeypatch,
):
    """On a reciprocal graph ALF runs on a graph that holds neither ``u → v`` nor
    ``v → u`` for any hidden ``u → v``; on a graph of one-way follows only the hidden
    follows go."""
    seen: dict[str, object] = {}
    real_split, real_topics = holdout_mod.hide_follows, holdout_mod.topic_recommendations

    def split_spy(*args, **kwargs):
        seen["split"] = real_split(*args, **kwargs)
        return seen["split"]

    def topics_spy(A_train, *args, **kwargs):
        seen["train"] = sp.csr_matrix(A_train)
        return real_topics(A_train, *args, **kwargs)

    monkeypatch.setattr(holdout_mod, "hide_follows", split_spy)
    monkeypatch.setattr(holdout_mod, "topic_recommendations", topics_spy)
    for reciprocal in (True, False):
        A, S = _planted_topic_follows(seed=4, reciprocal=reciprocal)
        res = evaluate_follow_holdout(A, S, 0.3, k=5, seed=1, n_users=60, n_boot=10)
        hidden = seen["split"].hidden
        train = seen["train"]
        pairs = {(int(u), int(v)) for u, v in hidden}
        if reciprocal:
            pairs |= {(v, u) for u, v in pairs}
        assert res.to_dict()["reciprocal_pairs_hidden_together"] is reciprocal
        assert res.follows_removed == len(pairs) == A.nnz - train.nnz
        assert all(train[u, v] == 0 and A[u, v] == 1 for u, v in pairs)
        assert len(hidden) == res.evaluation.n_hidden > 0


def test_the_authority_recommender_recovers_planted_topic_links():
    """Fans follow four of their topic's six authorities: the two left are Algorithm 2's
    first answers, far above the random null."""
    A, S = _planted_topic_follows()
    m = evaluate_follow_holdout(A, S, 0.2, k=5, seed=0, n_boot=100).evaluation.methods
    assert m["authority"].recall > 0.4 and m["authority"].users_served == 1.0
    assert m["authority"].recall > 10 * m["random"].recall
    assert m["most_followed_topics"].recall > 0.4


def test_follow_holdout_refuses_bad_input():
    A, S = _planted_topic_follows()
    with pytest.raises(ValueError, match="holdout_follows=0.0 must be in"):
        evaluate_follow_holdout(A, S, 0.0)
    with pytest.raises(ValueError, match="no user has a seed interest"):
        evaluate_follow_holdout(A, sp.csr_matrix(S.shape), 0.2)
    with pytest.raises(ValueError, match="S_c has 3 rows"):
        evaluate_follow_holdout(A, S[:3], 0.2)
    one_each = follow_matrix([0, 1], [1, 0], 2)
    with pytest.raises(ValueError, match="no user follows at least two accounts"):
        evaluate_follow_holdout(one_each, sp.csr_matrix(np.ones((2, 1))), 0.5)


@pytest.fixture(scope="module")
def small_gen(tmp_path_factory):
    from beautygraph.generate import GeneratorConfig, generate

    folder = tmp_path_factory.mktemp("alf_holdout_gen")
    generate(GeneratorConfig(n_users=400, seed=8, weeks=3, influence=False, churn=False), folder)
    return folder


def test_batch_algorithm2_equals_the_cypher_statement(store, small_gen):
    from beautygraph.pipelines.alf import recommend_authorities, run_authorities
    from graphdb.loader import load_folder

    load_folder(store, small_gen)
    run = run_authorities(store, min_support=1)
    ids = run.graph.user_ids
    users = np.flatnonzero(np.asarray(run.graph.A.sum(axis=1)).ravel() > 0)[:25]
    batch = algorithm2(run.graph.A, run.result.ranked, users, k=8)
    for u, recs in zip(users, batch, strict=True):
        cy = recommend_authorities(store, str(ids[u]), k=8)
        assert [r["user_id"] for r in cy] == [str(ids[v]) for v in recs], ids[u]


def test_the_store_holdout_gives_the_numbers_of_analyze_recommenders(store, small_gen):
    """``analyze authorities --holdout-follows`` and ``analyze recommenders
    --holdout-follows`` on one store and one seed: the methods they share have the same
    figures, intervals included, and both hid the same follows."""
    from beautygraph.pipelines.alf import evaluate_follow_links
    from beautygraph.pipelines.recommend_holdout import evaluate_holdout
    from graphdb.loader import load_folder

    load_folder(store, small_gen)
    held = evaluate_follow_links(store, 0.2, 5, seed=1, n_users=40).to_dict()
    recs = evaluate_holdout(store, 0.2, 5, n_users=40, seed=1).to_json()
    for key in ("k", "n_users", "n_hidden", "reciprocity", "best_baseline", "users_in_graph"):
        assert held[key] == recs[key], key
    assert set(held["methods"]) == set(recs["methods"]) - {"learned", "learned_balanced"}
    for name, figures in held["methods"].items():
        assert figures == recs["methods"][name], name
    assert held["methods"]["authority"]["users_served"] > 0 and held["authorities"] > 0
