"""Serving the learned ranker one user at a time (:mod:`analysis.linkpred.serving`): the
same candidates, features and top-k lists as the block path of training, and the local
push that replaces the power iteration of personalised PageRank."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.linkpred.candidates import candidates
from analysis.linkpred.interests import interest_signals
from analysis.linkpred.learned import fit_ranker
from analysis.linkpred.serving import build_index, recommend_users, user_candidates
from analysis.linkpred.signals import (
    block_signals,
    graph_stats,
    personalised_pagerank,
    ppr_push,
    unit_rows,
)


def _graph(n=150, seed=0):
    """A directed graph with two groups, some reciprocal ties, a hub and dangling accounts."""
    rng = np.random.default_rng(seed)
    group = np.arange(n) % 2
    p = np.where(group[:, None] == group[None, :], 0.07, 0.01)
    A = rng.random((n, n)) < p
    A |= A.T & (rng.random((n, n)) < 0.5)  # half the ties come back
    A[:, 7] |= rng.random(n) < 0.3  # a popular account
    A[[11, 12, 13]] = False  # follow nobody: their walks restart
    np.fill_diagonal(A, False)
    return sp.csr_matrix(A.astype(float))


def _known(n, seed=1):
    rng = np.random.default_rng(seed)
    labels = sp.csr_matrix((rng.random((n, 6)) < 0.25).astype(float))
    # coarse beauty values make ties at BB's cut; some accounts have none
    beauty = np.round(rng.uniform(0.3, 0.6, n), 2)
    beauty[rng.random(n) < 0.15] = np.nan
    forlorn = rng.random(n) < 0.1
    # the same interests seed the propagated interests and the authorities
    return {"labels": labels, "seeds": labels, "beauty": beauty, "forlorn": forlorn}


def _spectral(A):
    """A small deterministic embedding (the top singular vectors of A + Aᵀ)."""
    W = (A + A.T).toarray()
    U, s, _ = np.linalg.svd(W)
    return (U[:, :8] * np.sqrt(s[:8])).astype(np.float32)


class _Ranker:
    """What :func:`build_index` reads of a ranker."""

    def __init__(self, embedder, popular):
        self.embedder, self.popular = embedder, popular


@pytest.mark.parametrize(
    ("embedder", "with_known", "per_source"),
    [(None, False, 6), (_spectral, True, 6), (_spectral, True, 200)],
)
def test_one_user_equals_the_block_path(embedder, with_known, per_source):
    """A small ``per_source``: every source has a cut, and ties at it; a large one: every
    candidate each source can give (the embedding's negative cosines included)."""
    A = _graph()
    known = _known(A.shape[0]) if with_known else {}
    index = build_index(A, _Ranker(embedder, popular=5), **known)
    g = graph_stats(A)
    emb = embedder(g.A) if embedder is not None else None
    users = np.arange(0, 150, 7)
    seeds = known.pop("seeds", None)
    interests = interest_signals(g.A, seeds) if seeds is not None else None
    block = candidates(g, block_signals(g, users, emb, interests=interests), per_source, 5, **known)
    for u in users:
        mine = user_candidates(index, int(u), per_source, 5)
        rows = block.user == u
        assert mine.names == block.names
        np.testing.assert_array_equal(mine.item, block.item[rows])
        np.testing.assert_array_equal(mine.found_by, block.found_by[rows])
        np.testing.assert_array_equal(mine.X, block.X[rows])
    assert block.names[-1] == ("interest_match_rank" if with_known else "v_in_rank")
    if with_known:  # the authorities of the users' topics are among the candidates
        assert interests is not None and interests.n_authorities > 0
        assert np.any(block.found_by & 64)


@pytest.mark.parametrize("balance", [0.0, 0.3])
def test_serving_top_k_equals_the_rankers_full_path(balance):
    A = _graph(seed=3)
    known = _known(A.shape[0], seed=4)
    ranker = fit_ranker(
        A, rng=np.random.default_rng(0), n_users=40, rounds=2, embedder=_spectral, **known
    )
    users = np.arange(A.shape[0])
    full = ranker.recommend(A, users, k=10, balance=balance, **known)
    index = build_index(A, ranker, **known)
    served = recommend_users(index, ranker, users, k=10, block=32, balance=balance)
    assert served == full
    assert sum(map(len, served.values())) > 10 * len(users) // 2
    if balance:  # the promoted slots are filled: the knob is applied on both paths
        plain = recommend_users(index, ranker, users, k=10, block=32, balance=0.0)
        share = np.mean([known["forlorn"][v] for lst in served.values() for v in lst])
        assert share > np.mean([known["forlorn"][v] for lst in plain.values() for v in lst])


def _exact_ppr(A, u, alpha):
    P = A.toarray()
    out = P.sum(axis=1)
    P = np.where(out[:, None] > 0, P / np.maximum(out[:, None], 1), 0.0)
    P[out == 0, u] = 1.0  # a walk at an account that follows nobody restarts
    e = np.zeros(A.shape[0])
    e[u] = 1.0
    return alpha * e @ np.linalg.inv(np.eye(A.shape[0]) - (1 - alpha) * P)


@pytest.mark.parametrize("alpha", [0.15, 0.5])
def test_push_converges_to_the_linear_solve(alpha):
    A = _graph(n=60, seed=5)
    g = graph_stats(A)
    for u in (0, 11, 30):  # 11 follows nobody
        found = ppr_push(g, u, alpha, eps=1e-13)
        got = np.zeros(60)
        got[found.index] = found.value
        np.testing.assert_allclose(got, _exact_ppr(A, u, alpha), atol=1e-10)
        assert found.residual < 1e-10


def test_push_tolerance_is_its_residual():
    """At the default tolerance the estimate is below the true vector everywhere and
    misses exactly its residual in total; its ranking is the power iteration's."""
    A = _graph(n=400, seed=6)
    g = graph_stats(A)
    for u in (0, 3, 11):
        found = ppr_push(g, u, 0.15)
        got = np.zeros(400)
        got[found.index] = found.value
        exact = _exact_ppr(A, u, 0.15)
        assert (got <= exact + 1e-12).all()
        assert abs((exact - got).sum() - found.residual) < 1e-9
        power = personalised_pagerank(g.A, np.array([u]), 0.15)[0]
        top = set(np.argsort(-power)[:20].tolist())
        assert len(top & set(np.argsort(-got)[:20].tolist())) >= 18


def test_block_signals_use_the_push():
    A = _graph(n=80, seed=7)
    g = graph_stats(A)
    s = block_signals(g, np.array([2, 11]))
    for r, u in enumerate((2, 11)):
        for alpha, row in ((0.15, s.ppr[r]), (0.5, s.ppr_local[r])):
            found = ppr_push(g, u, alpha)
            np.testing.assert_array_equal(row[found.index], found.value)
            assert np.count_nonzero(row) == len(found.index)


def test_unit_rows_keep_zero_rows_and_the_dtype():
    E = np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32)
    U = unit_rows(E)
    assert U.dtype == np.float32
    np.testing.assert_allclose(U, [[0.6, 0.8], [0.0, 0.0]])
