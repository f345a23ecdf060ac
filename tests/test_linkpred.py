"""The whom-to-follow hold-out and its metrics, against hand-worked graphs, an independent
nDCG (scikit-learn's) and a planted "follow back" leak."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.linkpred.metrics import paired_bootstrap, ranking_metrics
from analysis.linkpred.split import hide_follows, reciprocity
from kernel.params import InvalidParams


def _graph(edges, n):
    r, c = zip(*edges, strict=True)
    return sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))


def _random_reciprocal(n=200, p=0.05, seed=1):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n, n)) < p, 1)
    return sp.csr_matrix((upper | upper.T).astype(float))


def test_reciprocity_hand_worked():
    # 0<->1 is a pair, 1->2 is not: 2 of 3 follows have their reverse
    assert reciprocity(_graph([(0, 1), (1, 0), (1, 2)], 3)) == pytest.approx(2 / 3)
    assert reciprocity(_graph([(0, 1), (0, 2)], 3)) == 0.0
    assert reciprocity(sp.csr_matrix((3, 3))) == 0.0


def test_a_reciprocal_graph_hides_both_directions():
    A = _random_reciprocal()
    s = hide_follows(A, 0.2, rng=np.random.default_rng(0))
    assert s.pairs_hidden_together and s.reciprocity == 1.0
    T = s.train.tocsr()
    for u, v in s.hidden:
        assert T[u, v] == 0 and T[v, u] == 0
    # nothing else is removed: the links gone are exactly the hidden ones and their reverses
    gone = A - A.multiply(T.astype(bool))
    gone.eliminate_zeros()
    expected = {(int(u), int(v)) for u, v in s.hidden} | {(int(v), int(u)) for u, v in s.hidden}
    assert set(zip(*gone.nonzero(), strict=True)) == expected


def test_a_one_way_graph_keeps_reverse_links():
    # five fans follow 0, 0 follows 1 back, 1 -> 2 and 3 -> 4: 2 of 8 follows reciprocal
    A = _graph([(1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (0, 1), (1, 2), (3, 4)], 6)
    assert reciprocity(A) == pytest.approx(2 / 8)
    for seed in range(5):
        s = hide_follows(A, 0.5, rng=np.random.default_rng(seed))
        assert not s.pairs_hidden_together
        assert s.users.tolist() == [1, 3]  # the followers with two follows
        assert s.train.nnz == A.nnz - len(s.hidden) == 6
        assert s.train[0, 1] == 1  # 0 -> 1 stays even when 1 -> 0 is hidden


def test_every_drawn_user_hides_some_and_keeps_some():
    A = _random_reciprocal(seed=3)
    s = hide_follows(A, 0.95, n_users=40, rng=np.random.default_rng(2))
    assert len(s.users) == 40
    out_train = np.diff(s.train.indptr)
    targets = s.targets()
    for u in s.users:
        assert len(targets[int(u)]) >= 1
        # at least one own follow stays (the reverse of a pair may also go, never all own)
        own = set(A.indices[A.indptr[u] : A.indptr[u + 1]])
        assert len(own - targets[int(u)]) >= 1
    assert out_train.sum() < A.nnz


def test_follow_back_leaks_only_without_pairing():
    """The planted leak: recommend the accounts that follow u and u does not follow back."""
    A = _random_reciprocal(n=300, p=0.04, seed=5)

    def follow_back_precision(split):
        T = split.train.tocsr()
        TT = T.T.tocsr()
        recs = {}
        for u in split.users:
            followers = set(TT.indices[TT.indptr[u] : TT.indptr[u + 1]])
            follows = set(T.indices[T.indptr[u] : T.indptr[u + 1]])
            recs[int(u)] = sorted(followers - follows)[:10]
        return ranking_metrics(recs, split.targets(), 10, A.shape[0]).precision

    leaky = hide_follows(A, 0.2, rng=np.random.default_rng(0), pair_reciprocal=False)
    paired = hide_follows(A, 0.2, rng=np.random.default_rng(0))
    assert follow_back_precision(leaky) > 0.1
    assert follow_back_precision(paired) == 0.0


def test_bad_parameters_are_named():
    with pytest.raises(InvalidParams, match=r"holdout_follows=1.0 must be in \(0, 1\)"):
        hide_follows(sp.csr_matrix((2, 2)), 1.0)
    with pytest.raises(InvalidParams, match="users=0"):
        hide_follows(sp.csr_matrix((2, 2)), 0.2, n_users=0)


def test_metrics_hand_worked():
    recs = {0: [3, 1, 2], 1: [3], 2: []}
    targets = {0: {1, 2}, 1: {0}, 2: {3}}
    m = ranking_metrics(recs, targets, k=3, n_catalogue=5, forlorn=np.array([0, 0, 1, 1, 0], bool))
    assert m.precision == pytest.approx(2 / 9)  # 2 hits in 3 users x 3 slots
    assert m.recall == pytest.approx(2 / 4)
    ideal0 = 1 + 1 / np.log2(3)
    assert m.ndcg == pytest.approx(((1 / np.log2(3) + 1 / np.log2(4)) / ideal0 + 0 + 0) / 3)
    assert m.users_served == pytest.approx(2 / 3)
    assert m.coverage == pytest.approx(3 / 5)  # accounts 1, 2, 3
    assert m.forlorn_share == pytest.approx(3 / 4)  # slots 3, 1, 2, 3 -> 2 and 3 forlorn
    # exposure counts (0, 1, 1, 2, 0): Gini by the mean absolute difference
    x = np.array([0, 1, 1, 2, 0], float)
    g = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert m.exposure_gini == pytest.approx(g)


def test_ndcg_equals_scikit_learn():
    from sklearn.metrics import ndcg_score

    rng = np.random.default_rng(4)
    n, k = 30, 5
    recs, targets, ours = {}, {}, []
    for u in range(40):
        ranked = rng.permutation(n)[:k].tolist()
        wanted = set(rng.choice(n, size=rng.integers(1, 9), replace=False).tolist())
        recs[u], targets[u] = ranked, wanted
        y_true = np.zeros(n)
        y_true[list(wanted)] = 1
        y_score = np.full(n, -1.0)
        y_score[ranked] = np.arange(k, 0, -1)
        ours.append(ndcg_score([y_true], [y_score], k=k))
    assert ranking_metrics(recs, targets, k, n).ndcg == pytest.approx(np.mean(ours))


def test_paired_bootstrap_finds_a_planted_difference_and_no_other():
    rng = np.random.default_rng(0)
    base = rng.random(400)
    lo, hi = paired_bootstrap(base + 0.05, base, rng=np.random.default_rng(1))
    assert lo == pytest.approx(0.05) and hi == pytest.approx(0.05)
    noisy = base + 0.05 + rng.normal(0, 0.2, 400)
    lo, hi = paired_bootstrap(noisy, base, rng=np.random.default_rng(1))
    assert 0 < lo < 0.05 < hi
    lo, hi = paired_bootstrap(base + rng.normal(0, 0.2, 400), base, rng=np.random.default_rng(1))
    assert lo < 0 < hi
