"""ProNE (analysis/propagation/prone.py), the scalable learned method ``prone_lr`` and
``auto``'s switch from dense NetMF to it — each against an independent computation: the
paper's formula evaluated densely, a plain numpy SVD, the exact spectral filter by
eigendecomposition, and planted interests."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.propagation import (
    DENSE_NETMF_MAX_USERS,
    PropagationGraph,
    auto_candidates,
    propagate,
    select_method,
)
from analysis.propagation import methods as methods_module
from analysis.propagation.evaluation import score_predictions
from analysis.propagation.methods import ITERATIVE_MAX_USERS, _hide, _prior
from analysis.propagation.planted import planted_graph
from analysis.propagation.prone import (
    band_pass,
    band_pass_times,
    chebyshev_propagate,
    prone_embedding,
    prone_matrix,
    randomized_tsvd,
    series_terms,
)


def _planted(users=400, follows=4000, topics=4, seed=3):
    pg = planted_graph(users, follows, topics, homophily=0.8, seed=seed)
    return pg, PropagationGraph.from_edges(pg.src, pg.dst, pg.n_users)


def _dense_m(W: np.ndarray, negative=1.0, alpha=0.75) -> np.ndarray:
    """ProNE §3.1 written out densely: on every edge, log(W_ij / d_i) − log(b d_j^α / Σ d^α)."""
    d = W.sum(axis=1)
    P_D = d**alpha / (d**alpha).sum()
    M = np.zeros_like(W)
    for i, j in zip(*np.nonzero(W), strict=True):
        M[i, j] = np.log(W[i, j] / d[i]) - np.log(negative * P_D[j])
    return M


def _residual(U: np.ndarray, U_ref: np.ndarray) -> float:
    """‖U − P U‖_F / ‖U‖_F with P the projector on span(U_ref): 0 when the spans agree."""
    Q = np.linalg.qr(U_ref)[0]
    return float(np.linalg.norm(U - Q @ (Q.T @ U)) / np.linalg.norm(U))


# --- (a) the factorisation step -----------------------------------------------------------


def test_matrix_is_the_papers_formula_on_every_edge_and_zero_elsewhere():
    _, g = _planted()
    W = g.W.toarray()
    W[7, :] = W[:, 7] = 0.0  # an isolated user: a zero row and column
    for negative, alpha in ((1.0, 0.75), (5.0, 0.5)):
        got = prone_matrix(sp.csr_matrix(W), negative, alpha).toarray()
        np.testing.assert_allclose(got, _dense_m(W, negative, alpha), atol=2e-6)
    truncated = prone_matrix(sp.csr_matrix(W), 5.0, truncate=True).toarray()
    np.testing.assert_allclose(truncated, np.maximum(_dense_m(W, 5.0), 0.0), atol=2e-6)
    assert (_dense_m(W, 5.0) < 0).any()  # the truncation had something to do


def test_randomized_tsvd_spans_the_dense_svd_subspace():
    _, g = _planted()
    M = prone_matrix(g.W)
    M_dense = _dense_m(g.W.toarray())
    U0, s0, Vt0 = np.linalg.svd(M_dense)
    k = 4  # four planted topics: a clear gap after the fourth singular value
    assert s0[k - 1] > 1.3 * s0[k]
    U, s, Vt = randomized_tsvd(M, k, seed=1, power_iters=10)
    assert U.dtype == np.float32 and U.shape == (400, k) and Vt.shape == (k, 400)
    np.testing.assert_allclose(s, s0[:k], rtol=1e-4)
    assert _residual(U.astype(np.float64), U0[:, :k]) < 1e-3
    assert _residual(Vt.T.astype(np.float64), Vt0[:k].T) < 1e-3
    np.testing.assert_allclose(np.abs(U.T @ U), np.eye(k), atol=1e-4)


def test_embedding_without_propagation_is_the_unit_rows_of_u_sqrt_s():
    _, g = _planted()
    U0, s0, _ = np.linalg.svd(_dense_m(g.W.toarray()))
    k = 4
    R = prone_embedding(g.W, dim=k, propagate=False, power_iters=10).astype(np.float64)
    ref = U0[:, :k] * np.sqrt(s0[:k])
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    signs = np.sign(np.sum(R * ref, axis=0))  # singular vectors are unique up to sign
    np.testing.assert_allclose(R, ref * signs, atol=2e-3)


def test_isolated_users_get_zero_rows_and_tiny_graphs_work():
    W = np.zeros((6, 6))
    W[0, 1] = W[1, 0] = W[1, 2] = W[2, 1] = W[3, 4] = W[4, 3] = 1.0
    E = prone_embedding(sp.csr_matrix(W), dim=3)
    assert E.shape == (6, 3) and np.isfinite(E).all()
    assert not E[5].any() and E[:5].any(axis=1).all()
    R = prone_embedding(sp.csr_matrix(W), dim=3, propagate=False)
    assert not R[5].any() and np.allclose(np.linalg.norm(R[:5], axis=1), 1.0, atol=1e-5)
    assert prone_embedding(sp.csr_matrix((4, 4)), dim=2).shape == (4, 2)


def test_bad_inputs_are_refused_by_name():
    W = sp.csr_matrix(np.array([[0, 1.0], [1.0, 0]]))
    with pytest.raises(ValueError, match="negative=0"):
        prone_matrix(W, negative=0.0)
    with pytest.raises(ValueError, match="symmetric"):
        prone_matrix(sp.csr_matrix(np.array([[0, 1.0], [0, 0]])))
    with pytest.raises(ValueError, match="mu=3"):
        band_pass_times(W, np.ones((2, 1)), mu=3.0)
    with pytest.raises(ValueError, match="dim=0"):
        prone_embedding(W, dim=0)
    with pytest.raises(ValueError, match="power_iters=-1"):
        randomized_tsvd(W, 1, power_iters=-1)


# --- (b) the spectral propagation ---------------------------------------------------------


def _exact_filter(W: np.ndarray, mu: float, theta: float) -> np.ndarray:
    """g(L) for L = I − D̂^-1 Ŵ, Ŵ = W + I, by the eigendecomposition of the symmetric
    D̂^-1/2 Ŵ D̂^-1/2 (L = D̂^-1/2 (I − N) D̂^1/2)."""
    W_hat = W + np.eye(len(W))
    d = W_hat.sum(axis=1)
    N = W_hat / np.sqrt(np.outer(d, d))
    lam, U = np.linalg.eigh(np.eye(len(W)) - N)
    G_sym = (U * band_pass(lam, mu, theta)) @ U.T
    return G_sym / np.sqrt(d)[:, None] * np.sqrt(d)[None, :]


@pytest.mark.parametrize(("mu", "theta"), [(0.2, 0.5), (1.0, 2.0)])
def test_chebyshev_series_equals_the_exact_filter(mu, theta):
    _, g = _planted(users=120, follows=800, seed=5)
    W = g.W.toarray()
    W[3, :] = W[:, 3] = 0.0
    E = np.random.default_rng(0).standard_normal((120, 6))
    got = band_pass_times(sp.csr_matrix(W), E, order=12, mu=mu, theta=theta, block=4)
    ref = _exact_filter(W, mu, theta) @ E
    np.testing.assert_allclose(got, ref, atol=1e-5 * np.abs(ref).max())


def test_series_is_cut_only_where_terms_fall_below_float32():
    assert series_terms(10, 0.5) == 7 and series_terms(20, 2.0) > 10
    _, g = _planted(users=120, follows=800, seed=5)
    E = np.random.default_rng(1).standard_normal((120, 3))
    short = band_pass_times(g.W, E, order=series_terms(30, 0.5), theta=0.5)
    np.testing.assert_allclose(short, _exact_filter(g.W.toarray(), 0.2, 0.5) @ E, atol=1e-5)


def test_propagation_is_w_hat_times_e_minus_filtered_orthogonalised():
    _, g = _planted(users=120, follows=800, seed=5)
    W = g.W.toarray()
    E = np.random.default_rng(2).standard_normal((120, 5))
    X = (W + np.eye(120)) @ (E - _exact_filter(W, 0.2, 0.5) @ E)
    # H = U Σ^1/2 of X's SVD, so H Hᵗ = U Σ Uᵗ = (X Xᵗ)^1/2 whatever the column signs
    lam, V = np.linalg.eigh(X @ X.T)
    root = (V * np.sqrt(np.clip(lam, 0, None))) @ V.T
    H = chebyshev_propagate(g.W, E, workers=2, block=2).astype(np.float64)
    np.testing.assert_allclose(H @ H.T, root, atol=1e-4 * np.abs(root).max())


# --- (c) auto's switch ---------------------------------------------------------------------


def test_auto_candidates_switch_at_the_documented_thresholds():
    at, above = auto_candidates(DENSE_NETMF_MAX_USERS), auto_candidates(DENSE_NETMF_MAX_USERS + 1)
    assert "netmf_lr" in at and "prone_lr" in at
    assert "netmf_lr" not in above and "prone_lr" in above and "spreading" in above
    large = auto_candidates(ITERATIVE_MAX_USERS + 1)
    assert set(large) == {"algorithm1", "alf_interests", "prone_lr", "vote"}
    assert auto_candidates(ITERATIVE_MAX_USERS) == above


def _no_dense(*args, **kwargs):
    raise AssertionError("the dense NetMF path was used")


def test_auto_above_the_threshold_never_builds_the_dense_matrix(monkeypatch):
    pg, g = _planted(users=300, follows=3000, topics=3)
    monkeypatch.setattr(methods_module, "DENSE_NETMF_MAX_USERS", 299)
    monkeypatch.setattr("analysis.propagation.learned.netmf_embedding", _no_dense)
    Y = _hide(sp.csr_matrix(pg.truth, dtype=float), np.arange(0, 300, 2))
    sel = select_method(g, Y, folds=3)
    assert "netmf_lr" not in sel.scores and "prone_lr" in sel.scores
    assert sel.best == "prone_lr"


def test_auto_at_the_threshold_weighs_dense_netmf(monkeypatch):
    pg, g = _planted(users=300, follows=3000, topics=3)
    monkeypatch.setattr(methods_module, "DENSE_NETMF_MAX_USERS", 300)
    monkeypatch.setattr("analysis.propagation.learned.netmf_embedding", _no_dense)
    Y = _hide(sp.csr_matrix(pg.truth, dtype=float), np.arange(0, 300, 2))
    with pytest.raises(AssertionError, match="dense NetMF path"):
        select_method(g, Y, folds=3)


# --- (d) planted interests ----------------------------------------------------------------


def test_prone_lr_recovers_planted_interests_far_better_than_majority_and_vote():
    pg = planted_graph(3000, 30000, 8, homophily=0.6, seed=11)
    g = PropagationGraph.from_edges(pg.src, pg.dst, pg.n_users)
    hidden = np.flatnonzero(np.random.default_rng([11, 1]).random(3000) >= 0.2)
    Y = _hide(sp.csr_matrix(pg.truth, dtype=float), hidden)
    scores = {}
    for m in ("prone_lr", "vote", "majority"):
        F = propagate(g, Y, m, seed=0).F
        scores[m] = score_predictions(F[hidden], pg.truth[hidden], _prior(Y))
    assert scores["prone_lr"].micro_f1 > scores["majority"].micro_f1 + 0.4
    assert scores["prone_lr"].accuracy > scores["vote"].accuracy + 0.1
    assert scores["prone_lr"].micro_f1 > 0.6


def test_planted_graph_has_the_asked_homophily():
    pg = planted_graph(5000, 50000, 10, homophily=0.7, seed=2)
    shared = (pg.truth[pg.src] & pg.truth[pg.dst]).any(axis=1).mean()
    # within-topic follows share a topic; the others do by chance (~ Σ topic share²)
    chance = (pg.truth[np.random.default_rng(0).permutation(pg.dst)] & pg.truth[pg.src]).any(axis=1)
    assert 0.7 < shared < 0.7 + 0.3 * chance.mean() + 0.03
    assert pg.truth.any(axis=1).all() and pg.truth.sum(axis=1).max() <= 2
