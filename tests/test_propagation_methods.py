"""Propagation methods (analysis/propagation) against hand-worked graphs and plain
re-implementations; the DeepWalk protocol against scikit-learn; ``auto`` and the hold-out."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.alf.algorithm1 import algorithm1
from analysis.propagation import METHODS, PropagationGraph, propagate, select_method
from analysis.propagation.baselines import majority_topic, weighted_vote
from analysis.propagation.embedding import (
    _netmf_factors,
    netmf_embedding,
    netmf_matrix,
    streamed_top_eigen,
    window_filter,
)
from analysis.propagation.evaluation import (
    f1_micro_macro,
    score_predictions,
    split_seeds,
    top_true_predictions,
)
from analysis.propagation.holdout import evaluate_holdout
from analysis.propagation.learned import learned_scores
from analysis.propagation.methods import cross_validate
from analysis.propagation.spreading import label_spreading


def _random_graph(n=40, m=160, T=3, seed=0, share=0.5):
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    g = PropagationGraph.from_edges(src[keep], dst[keep], n)
    Y = (rng.random((n, T)) < 0.3) & (rng.random(n) < share)[:, None]
    return g, sp.csr_matrix(Y.astype(float))


def _planted(n_per=30, T=3, p_in=0.25, p_out=0.01, seed=1):
    """T communities; each user's only topic is her community's; half the users seeded."""
    rng = np.random.default_rng(seed)
    n = n_per * T
    comm = np.repeat(np.arange(T), n_per)
    P = np.where(comm[:, None] == comm[None, :], p_in, p_out)
    A = (rng.random((n, n)) < P).astype(float)
    np.fill_diagonal(A, 0)
    truth = np.eye(T)[comm]
    seeded = rng.random(n) < 0.5
    return PropagationGraph.from_matrix(sp.csr_matrix(A)), truth, seeded


@pytest.mark.parametrize(
    "module",
    [
        "graph",
        "baselines",
        "spreading",
        "embedding",
        "learned",
        "evaluation",
        "methods",
        "holdout",
    ],
)
def test_doctests(module):
    mod = importlib.import_module(f"analysis.propagation.{module}")
    assert doctest.testmod(mod).failed == 0


def test_vote_matches_a_loop():
    g, Y = _random_graph()
    W, Yd = g.W.toarray(), Y.toarray()
    lab = Yd.sum(1) > 0
    expect = np.zeros_like(Yd)
    for u in range(len(W)):
        wsum = sum(W[u, v] for v in range(len(W)) if lab[v] and v != u)
        if wsum:
            expect[u] = sum(W[u, v] * Yd[v] for v in range(len(W)) if v != u) / wsum
    assert np.allclose(weighted_vote(g.W, Y), expect)


def test_vote_direction_out_uses_followees_only():
    # 0 -> 1 (0 follows 1), 2 -> 0 (2 follows 0); only 1 and 2 are seeded
    g = PropagationGraph.from_edges([0, 2], [1, 0], 3, direction="out")
    Y = sp.csr_matrix(np.array([[0, 0], [1, 0], [0, 1]], float))
    assert propagate(g, Y, "vote").F[0].tolist() == [1.0, 0.0]
    both = PropagationGraph.from_edges([0, 2], [1, 0], 3)
    assert propagate(both, Y, "vote").F[0].tolist() == [0.5, 0.5]


def test_majority_is_the_seed_frequency():
    Y = sp.csr_matrix(np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0]], float))
    assert majority_topic(Y)[2].tolist() == [2 / 3, 1 / 3, 0.0]


def test_spreading_matches_the_closed_form():
    g, Y = _random_graph(seed=3)
    W = g.W.toarray()
    d = W.sum(1)
    inv = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0)
    S = inv[:, None] * W * inv[None, :]
    alpha = 0.8
    closed = (1 - alpha) * np.linalg.solve(np.eye(len(W)) - alpha * S, Y.toarray())
    r = label_spreading(g.W, Y, alpha=alpha, tol=1e-12)
    assert r.converged
    assert np.allclose(r.F, closed, atol=1e-9)


def test_spreading_refuses_bad_alpha_and_asymmetric_w():
    g, Y = _random_graph()
    with pytest.raises(ValueError, match="alpha=1.0"):
        label_spreading(g.W, Y, alpha=1.0)
    with pytest.raises(ValueError, match="symmetric"):
        label_spreading(g.A, Y)


def test_netmf_matrix_matches_dense_random_walk_powers():
    g, _ = _random_graph(n=30, m=150, seed=5)
    W = g.W.toarray()
    keep = W.sum(1) > 0
    W = W[keep][:, keep]
    d = W.sum(1)
    P = W / d[:, None]
    T, b = 4, 1.0
    S = sum(np.linalg.matrix_power(P, r) for r in range(1, T + 1))
    M = d.sum() / (b * T) * S / d[None, :]
    expect = np.log(np.maximum(M, 1.0))
    got = netmf_matrix(sp.csr_matrix(W), window=T, negative=b)
    assert np.allclose(got, expect, atol=1e-4)


def test_window_filter_and_embedding_shape():
    assert np.allclose(window_filter(np.array([0.5, -1.0]), 3), [(0.5 + 0.25 + 0.125) / 3, -1 / 3])
    g, _ = _random_graph(n=30, m=150, seed=5)
    e = netmf_embedding(g.W, dim=5, window=3)
    assert e.E.shape == (30, 5) and e.exact
    with pytest.raises(ValueError, match="dense_max_users=0"):
        netmf_embedding(g.W, dense_max_users=0)


def _sine(A, B):
    """Sine of the largest principal angle between the column spaces of A and B."""
    Qa, Qb = np.linalg.qr(A)[0], np.linalg.qr(B)[0]
    return float(np.linalg.norm(Qb - Qa @ (Qa.T @ Qb), 2))


def _planted_with_isolated(n_isolated=4):
    g, _, _ = _planted(n_per=40, T=4, p_in=0.2, p_out=0.02, seed=3)
    A = sp.block_diag([g.A, sp.csr_matrix((n_isolated, n_isolated))]).tocsr()
    return PropagationGraph.from_matrix(A)


def _bipartite(n_side=40, p_in=0.3, p_out=0.02, seed=6):
    """Two sides with two planted blocks of ties across: ``log max(M, 1)`` (window 1) has
    two large negative eigenvalues beside the two large positive ones."""
    rng = np.random.default_rng(seed)
    block = np.repeat([0, 1], n_side // 2)
    X = (rng.random((n_side, n_side)) < np.where(block[:, None] == block, p_in, p_out)) * 1.0
    A = sp.bmat([[None, sp.csr_matrix(X)], [sp.csr_matrix((n_side, n_side)), None]])
    return PropagationGraph.from_matrix(A.tocsr())


@pytest.mark.parametrize(("make_graph", "window"), [(_planted_with_isolated, 5), (_bipartite, 1)])
def test_streamed_embedding_spans_the_dense_eigh_subspace(make_graph, window):
    g = make_graph()
    keep = g.W.getnnz(axis=1) > 0
    L = netmf_matrix(g.W, window=window).astype(np.float64)[np.ix_(keep, keep)]
    lam, U = np.linalg.eigh(L)  # the independent reference: a dense eigh
    order = np.argsort(-np.abs(lam))
    gaps = np.abs(lam[order][2:12]) / np.abs(lam[order][1:11])
    k = int(np.argmin(gaps)) + 2  # the cut (at 2 or more) with the clearest spectral gap
    ref = U[:, order[:k]]
    if make_graph is _bipartite:  # the top singular pairs include negative eigenvalues
        assert lam[order[:k]].min() < 0
    streamed = netmf_embedding(g.W, dim=k, window=window, dense_max_users=10)
    dense = netmf_embedding(g.W, dim=k, window=window)
    for e in (streamed, dense):
        assert e.E.shape == (g.n_users, k)
        assert np.all(e.E[~keep] == 0)
        assert _sine(e.E[keep], ref) < 2e-3
        assert np.allclose(e.singular_values, np.abs(lam[order[:k]]), rtol=1e-3)
    # one block of rows or many: the same product
    f = _netmf_factors(g.W, window, 1.0, None, 0)
    one = streamed_top_eigen(f, k, block=10_000)
    many = streamed_top_eigen(f, k, block=7)
    assert np.allclose(np.abs(one[0]), np.abs(many[0]), atol=1e-4)
    assert np.allclose(one[1], many[1], rtol=1e-5)


def test_embedding_is_computed_once_for_every_fold_and_seed(monkeypatch):
    import analysis.propagation.learned as learned

    calls = []
    real = learned.netmf_embedding

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(learned, "netmf_embedding", counting)
    g, truth, seeded = _planted()
    Y = sp.csr_matrix(truth * seeded[:, None])
    select_method(g, Y, ("netmf_lr", "vote"), folds=3, seed=0)
    propagate(g, Y, "netmf_lr", seed=1)
    evaluate_holdout(g, sp.csr_matrix(truth), 0.5, methods=("netmf_lr",), repeats=2, seed=4)
    assert len(calls) == 1


def test_cached_embedding_gives_the_recomputed_scores():
    g, truth, seeded = _planted()
    Y_a = sp.csr_matrix(truth * seeded[:, None])
    Y_b = sp.csr_matrix(truth * (~seeded)[:, None])
    propagate(g, Y_a, "netmf_lr", seed=0)  # warms the graph's cache with other seeds
    assert g.cache
    warm = propagate(g, Y_b, "netmf_lr", seed=2).F
    fresh_graph, _, _ = _planted()
    assert not fresh_graph.cache
    fresh = propagate(fresh_graph, Y_b, "netmf_lr", seed=2).F
    assert np.array_equal(warm, fresh)


def test_threaded_topic_fits_equal_the_serial_fits():
    g, Y = _random_graph(n=80, m=400, T=4, seed=2)
    serial = learned_scores(g, Y, workers=1)
    threaded = learned_scores(g, Y, workers=3)
    assert serial.kinds == threaded.kinds and "logreg" in serial.kinds
    assert np.array_equal(serial.F, threaded.F)
    with pytest.raises(ValueError, match="workers=0"):
        learned_scores(g, Y, workers=0)


def test_f1_matches_sklearn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(2)
    truth = rng.random((50, 7)) < 0.3
    truth[:, 6] = False  # a topic nobody has and nobody is predicted: counts 0 in Macro-F1
    truth[truth.sum(1) == 0, 0] = True
    scores = rng.random((50, 7))
    scores[:, 6] = -1.0
    pred = top_true_predictions(scores, truth.sum(1))
    assert not pred[:, 6].any()
    micro, macro = f1_micro_macro(truth, pred)
    assert micro == pytest.approx(f1_score(truth, pred, average="micro", zero_division=0))
    assert macro == pytest.approx(f1_score(truth, pred, average="macro", zero_division=0))


def test_top_true_predictions_breaks_ties_by_prior_then_index():
    scores = np.zeros((1, 3))
    assert top_true_predictions(scores, np.array([1]), np.array([0, 5, 5])).tolist() == [
        [False, True, False]
    ]
    pred = top_true_predictions(np.array([[0.1, 0.9, 0.5]]), np.array([2]))
    assert pred.tolist() == [[False, True, True]]


def test_accuracy_counts_top1_in_true_set():
    s = score_predictions(np.array([[0.2, 0.8], [0.9, 0.1]]), np.array([[1, 0], [1, 1]], bool))
    assert s.accuracy == 0.5 and s.n == 2


def test_split_seeds_hides_the_share():
    lab, hid = split_seeds(np.arange(10), 0.3, np.random.default_rng(0))
    assert len(hid) == 3 and len(lab) == 7 and not set(lab) & set(hid)


def test_algorithm1_methods_reuse_alf():
    g, Y = _random_graph(seed=7)
    assert np.allclose(
        propagate(g, Y, "algorithm1").F, algorithm1(g.A, Y, pass1_denominator="m_in").F
    )
    assert np.allclose(
        propagate(g, Y, "alf_interests").F, algorithm1(g.A, Y, pass1_denominator="m_in").S_i
    )


@pytest.mark.parametrize("method", sorted(METHODS))
def test_isolated_user_without_seeds_gets_nothing(method):
    g, Y = _random_graph(seed=11)
    n = g.n_users
    A = sp.lil_matrix((n + 1, n + 1))
    A[:n, :n] = g.A
    g2 = PropagationGraph.from_matrix(A.tocsr())
    Y2 = sp.vstack([Y, sp.csr_matrix((1, Y.shape[1]))]).tocsr()
    F = propagate(g2, Y2, method).F
    assert F.shape == (n + 1, Y.shape[1])
    assert not F[n].any()
    assert np.isfinite(F).all() and F.min() >= 0


@pytest.mark.parametrize("method", sorted(METHODS))
def test_single_topic_graph(method):
    g, _ = _random_graph(T=1, seed=4)
    Y = sp.csr_matrix((np.arange(g.n_users) % 2 == 0).astype(float)[:, None])
    F = propagate(g, Y, method).F
    assert F.shape == (g.n_users, 1)
    assert F[g.has_ties].max() > 0


@pytest.mark.parametrize("method", sorted(METHODS))
def test_deterministic_for_a_seed(method):
    g, Y = _random_graph(seed=9)
    a = propagate(g, Y, method, seed=3).F
    g2, _ = _random_graph(seed=9)  # a fresh graph: nothing cached
    b = propagate(g2, Y, method, seed=3).F
    assert np.array_equal(a, b)


@pytest.mark.parametrize("method", ["vote", "spreading", "netmf_lr", "algorithm1"])
def test_planted_communities_are_recovered(method):
    g, truth, seeded = _planted()
    Y = sp.csr_matrix(truth * seeded[:, None])
    F = propagate(g, Y, method).F
    hidden = ~seeded
    s = score_predictions(F[hidden], truth[hidden] > 0)
    assert s.accuracy > 0.9, (method, s)
    # chance on the same data: the majority topic
    m = score_predictions(propagate(g, Y, "majority").F[hidden], truth[hidden] > 0)
    assert m.accuracy < 0.5


def test_auto_picks_the_best_cross_validated_method():
    g, truth, seeded = _planted()
    Y = sp.csr_matrix(truth * seeded[:, None])
    sel = select_method(g, Y, ("majority", "vote"), folds=3)
    assert sel.best == "vote"
    cv = cross_validate(g, Y, ("majority", "vote"), folds=3)
    assert sel.margin == pytest.approx(cv["vote"].micro_f1 - cv["majority"].micro_f1)
    assert sel.margin > 0.3


def test_holdout_json_shape_and_auto_from_labelled_only():
    g, truth, seeded = _planted()
    Y = sp.csr_matrix(truth)
    methods = ("vote", "spreading", "majority")
    r = evaluate_holdout(g, Y, 0.5, methods=methods, repeats=2, seed=4)
    d = r.to_dict()
    assert set(d) == {"methods", "auto", "n_hidden", "n_labelled"}
    assert d["auto"] in d["methods"] and "auto" in d["methods"]
    assert d["n_hidden"] == 45 and d["n_labelled"] == 45
    for s in d["methods"].values():
        assert set(s) == {"micro_f1", "macro_f1", "accuracy", "seconds"}
        assert all(0 <= s[k] <= 1 for k in ("micro_f1", "macro_f1", "accuracy"))
    # auto's pick in the first repeat is select_method on that repeat's labelled users
    from analysis.propagation.graph import seed_users
    from analysis.propagation.methods import _hide

    rng = np.random.default_rng(4)
    _, hidden = split_seeds(seed_users(Y), 0.5, rng)
    sel = select_method(g, _hide(Y, hidden), ("vote", "spreading"), seed=4)
    assert r.auto_picks[0] == sel.best
    assert d["methods"]["auto"]["micro_f1"] >= d["methods"]["majority"]["micro_f1"]


def test_unknown_method_and_bad_seeds_are_refused():
    g, Y = _random_graph()
    with pytest.raises(ValueError, match="unknown propagation method 'nope'"):
        propagate(g, Y, "nope")
    with pytest.raises(ValueError, match="-1.0"):
        propagate(g, sp.csr_matrix(-Y.toarray()), "vote")
    with pytest.raises(ValueError, match="rows"):
        propagate(g, Y[:5], "vote")
