"""Authorities with evidence (min support, per-topic counts), batch Algorithm 2 and the
follow-link hold-out (analysis/alf/follow_holdout.py) on hand-worked and planted graphs."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import scipy.sparse as sp

import analysis.alf.follow_holdout as holdout_mod
from analysis.alf import algorithm1, find_authorities, follow_matrix
from analysis.alf.authorities import topical_support
from analysis.alf.follow_holdout import evaluate_follow_holdout, hidden_follows
from analysis.alf.recommend import algorithm2


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


def test_hidden_follows_hides_only_interested_users_links():
    A = follow_matrix([0, 0, 1, 2, 2], [1, 2, 2, 0, 1], 3)
    interested = np.array([True, False, True])
    A_train, hidden = hidden_follows(A, interested, 0.5, np.random.default_rng(1))
    assert len(hidden) == 2 and set(hidden[:, 0]) <= {0, 2}
    assert A_train.nnz == A.nnz - 2
    assert all(A_train[u, v] == 0 and A[u, v] == 1 for u, v in hidden)


def _planted_topic_follows(seed=0):
    """3 topics x 6 authority accounts; 60 fans per topic interested in it, each following
    4 of its authorities and 2 random accounts."""
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
    return follow_matrix(src, dst, n), sp.csr_matrix(S)


def test_follow_holdout_recovers_planted_topic_links():
    A, S = _planted_topic_follows()
    res = evaluate_follow_holdout(A, S, 0.2, k=5, seed=0, min_support=3)
    alf, rnd = res.scores["alf"], res.scores["random"]
    assert res.n_authorities > 0
    assert alf.precision is not None and alf.precision > 0.1
    assert alf.recall > 0.4
    assert alf.recall > 10 * rnd.recall  # against the null
    assert res.scores["most_followed"].recall > 0.4
    assert set(res.to_dict()["methods"]) == {"alf", "most_followed", "cn", "pagerank", "random"}
    # deterministic for a seed
    again = evaluate_follow_holdout(A, S, 0.2, k=5, seed=0, min_support=3)
    assert again.to_dict() == res.to_dict()


def test_follow_holdout_counts_against_a_plain_recount():
    A, S = _planted_topic_follows(seed=3)
    res = evaluate_follow_holdout(A, S, 0.3, k=5, seed=2, max_users=None)
    rng = np.random.default_rng(2)
    _, hidden = hidden_follows(A, S.getnnz(axis=1) > 0, 0.3, rng)
    assert res.n_hidden == len(hidden)
    assert res.scores["alf"].hidden == len(hidden)
    s = res.scores["cn"]
    assert s.hits <= s.recommended <= 5 * res.n_users


def test_follow_holdout_refuses_bad_input():
    A, S = _planted_topic_follows()
    with pytest.raises(ValueError, match="share=0"):
        evaluate_follow_holdout(A, S, 0.0)
    with pytest.raises(ValueError, match="no user has a seed interest"):
        evaluate_follow_holdout(A, sp.csr_matrix(S.shape), 0.2)


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
