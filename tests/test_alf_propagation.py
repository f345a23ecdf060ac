"""ALF propagation (§4.2, Algorithm 1, Theorem 1, Corollaries 1-2): hand-worked graphs,
the objective's stationarity (Eq. 3) checked edge by edge, closed form vs. Neumann series."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.alf import (
    algorithm1,
    closed_form,
    corollary1,
    follow_matrix,
    general_solution,
)
from analysis.alf.algorithm1 import kappa, neumann_series

# users a b c d e = 0..4; topics X, Y = 0, 1
A_, B_, C_, D_, E_ = range(5)
EDGES = [(A_, D_), (B_, D_), (C_, D_), (A_, E_), (C_, E_), (E_, D_), (D_, A_)]
SC = np.array([[1, 0], [1, 1], [0, 0], [0, 0], [0, 1]], dtype=float)  # a:X, b:X,Y, e:Y


def _graph():
    src, dst = zip(*EDGES, strict=True)
    return follow_matrix(src, dst, 5)


def test_algorithm1_hand_worked():
    p = algorithm1(_graph(), SC, pass1_denominator="m_in")
    # Pass 1: d's followers with interests are a, b, e (c has none): m_in_d = 3
    assert p.m_in[D_] == 3 and p.m_in[E_] == 1 and p.m_in[A_] == 0
    np.testing.assert_allclose(p.F_e[D_], [2 / 3, 2 / 3])  # (a + b + e) / 3
    np.testing.assert_allclose(p.F_e[E_], [1, 0])  # only a counts
    np.testing.assert_allclose(p.F_e[A_], [0, 0])  # follower d has no interests
    np.testing.assert_allclose(p.F_e[[B_, C_]], 0)
    # Pass 2: mean of the followees' F_e
    np.testing.assert_allclose(p.S_i[A_], [(2 / 3 + 1) / 2, (2 / 3 + 0) / 2])
    np.testing.assert_allclose(p.S_i[B_], [2 / 3, 2 / 3])
    np.testing.assert_allclose(p.S_i[C_], [5 / 6, 1 / 3])
    np.testing.assert_allclose(p.S_i[D_], [0, 0])
    np.testing.assert_allclose(p.S_i[E_], [2 / 3, 2 / 3])
    # Pass 3: mean of the followers' S_i
    np.testing.assert_allclose(
        p.F_i[D_], [(5 / 6 + 2 / 3 + 5 / 6 + 2 / 3) / 4, (1 / 3 + 2 / 3 + 1 / 3 + 2 / 3) / 4]
    )
    np.testing.assert_allclose(p.F_i[E_], [5 / 6, 1 / 3])
    np.testing.assert_allclose(p.F, p.F_e + p.F_i)
    np.testing.assert_allclose(p.F[D_], [2 / 3 + 3 / 4, 2 / 3 + 1 / 2])
    np.testing.assert_allclose(p.n_in, [1, 0, 0, 4, 2])
    np.testing.assert_allclose(p.n_out, [2, 1, 2, 1, 1])


def test_algorithm1_n_in_denominator_and_binary():
    p = algorithm1(_graph(), SC, pass1_denominator="n_in")
    np.testing.assert_allclose(p.F_e[D_], [2 / 4, 2 / 4])  # c counts as a zero vector
    np.testing.assert_allclose(p.F_e[E_], [1 / 2, 0])
    weighted = SC * 0.5
    np.testing.assert_allclose(algorithm1(_graph(), weighted).F, algorithm1(_graph(), SC).F)
    np.testing.assert_allclose(
        algorithm1(_graph(), weighted, binary=False, pass1_denominator="m_in").F_e[E_], [0.5, 0]
    )


def test_algorithm1_sparse_input_and_errors():
    p1 = algorithm1(_graph(), sp.csr_matrix(SC))
    p2 = algorithm1(_graph().toarray(), SC)
    np.testing.assert_allclose(p1.F, p2.F)
    with pytest.raises(ValueError, match="rows"):
        algorithm1(_graph(), SC[:3])
    with pytest.raises(ValueError, match=">= 0"):
        algorithm1(_graph(), -SC)
    with pytest.raises(ValueError, match="pass1_denominator"):
        algorithm1(_graph(), SC, pass1_denominator="x")
    with pytest.raises(ValueError, match="outside"):
        follow_matrix([0], [7], 5)


def test_empty_graph():
    p = algorithm1(follow_matrix([], [], 3), np.zeros((3, 2)))
    assert p.F.shape == (3, 2) and not p.F.any()


def test_theorem1_single_edge_by_hand():
    # u -> v, S^c_u = 1: the objective reaches 0 at F^e = S^i = F^i = 1, so F = 1 + gamma.
    A = follow_matrix([0], [1], 2)
    for alpha, beta, gamma in [(0.3, 0.2, 1.0), (2.0, 5.0, 0.5), (1e-3, 1e-6, 3.0)]:
        g = general_solution(A, np.array([[1.0], [0.0]]), alpha, beta, gamma)
        assert g.S_i[0, 0] == pytest.approx(1.0)
        assert g.F[1, 0] == pytest.approx(1 + gamma)
        # (1 - kappa)(1 + alpha)(1 + beta/alpha) = 1 by hand
        k = kappa(alpha, beta)
        assert (1 - k) * (1 + alpha) * (1 + beta / alpha) == pytest.approx(1.0)


def test_theorem1_star_by_hand():
    # u1 -> v, u2 -> v, only u1 interested: F^e = S^i = F^i = 1/2 (derived from Eq. 3)
    A = follow_matrix([0, 1], [2, 2], 3)
    g = general_solution(A, np.array([[1.0], [0.0], [0.0]]), 0.7, 0.4, 2.0)
    np.testing.assert_allclose(g.F_e[2], [0.5])
    np.testing.assert_allclose(g.S_i[:2, 0], [0.5, 0.5])
    np.testing.assert_allclose(g.F[2], [0.5 * (1 + 2.0)])


def _random_graph(seed, n=60, m=300, T=3, share=0.3):
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    A = follow_matrix(src[keep], dst[keep], n)
    S = (rng.random((n, T)) < share).astype(float)
    return A, S


def _stationarity_residuals(A, Sc, g):
    """Derivatives of Eq. 3 w.r.t. F^e_v, S^i_u, F^i_v, summed edge by edge."""
    Ad = A.toarray()
    alpha, beta = g.alpha, g.beta
    dFe = np.zeros_like(g.F_e)
    dSi = np.zeros_like(g.S_i)
    dFi = np.zeros_like(g.F_i)
    for u, v in zip(*np.nonzero(Ad), strict=True):
        dFe[v] += (g.F_e[v] - Sc[u]) + alpha * (g.F_e[v] - g.S_i[u])
        dSi[u] += alpha * (g.S_i[u] - g.F_e[v]) + beta * (g.S_i[u] - g.F_i[v])
        dFi[v] += beta * (g.F_i[v] - g.S_i[u])
    return dFe, dSi, dFi


@pytest.mark.parametrize("params", [(0.5, 0.3, 1.0), (2.0, 5.0, 0.3), (0.05, 0.001, 1.0)])
def test_general_solution_is_the_minimiser_of_eq3(params):
    A, S = _random_graph(1)
    g = general_solution(A, S, *params)
    for r in _stationarity_residuals(A, S, g):
        assert np.abs(r).max() < 1e-9
    np.testing.assert_allclose(g.F, g.F_e + params[2] * g.F_i)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("params", [(0.5, 0.3, 1.0), (2.0, 5.0, 0.3), (1.0, 0.0, 2.0)])
def test_neumann_equals_closed_form(seed, params):
    A, S = _random_graph(seed)
    g1 = general_solution(A, S, *params)
    g2 = closed_form(A, S, *params)
    assert g1.terms > 1
    for a, b in [(g1.F, g2.F), (g1.S_i, g2.S_i), (g1.F_e, g2.F_e), (g1.F_i, g2.F_i)]:
        assert np.abs(a - b).max() < 1e-8


def test_printed_theorem1_formula():
    # F = S^c [I + (γ + α(1+γ)) / ((1+α)(1+β/α)) M (I - κM)^-1] P / (1+α), paper orientation
    A, S = _random_graph(3, n=30, m=120)
    alpha, beta, gamma = 0.4, 0.25, 1.5
    Ad = A.toarray()
    n_in, n_out = Ad.sum(0), Ad.sum(1)
    P = Ad / np.where(n_in > 0, n_in, 1)[None, :] * (n_in > 0)[None, :]
    Pp = Ad.T / np.where(n_out > 0, n_out, 1)[None, :] * (n_out > 0)[None, :]
    M = P @ Pp
    k = (alpha / (1 + alpha) + beta / alpha) / (1 + beta / alpha)
    c = (gamma + alpha * (1 + gamma)) / ((1 + alpha) * (1 + beta / alpha))
    F = S.T @ (np.eye(30) + c * M @ np.linalg.inv(np.eye(30) - k * M)) @ P / (1 + alpha)
    g = general_solution(A, S, alpha, beta, gamma)
    assert np.abs(g.F - F.T).max() < 1e-8


def test_corollary2_limit_equals_algorithm1():
    A, S = _random_graph(4)
    g = general_solution(A, S, 1e-7, 1e-14, 1.0)
    # Theorem 1 averages S^c over all followers: Algorithm 1 with the n_in denominator
    p = algorithm1(A, S, pass1_denominator="n_in")
    assert np.abs(g.F - p.F).max() < 1e-5
    # ... and, when every follower has interests, Algorithm 1 exactly as printed
    S_all = S.copy()
    S_all[S_all.sum(1) == 0, 0] = 1.0
    g = general_solution(A, S_all, 1e-7, 1e-14, 1.0)
    assert np.abs(g.F - algorithm1(A, S_all, pass1_denominator="m_in").F).max() < 1e-5


def test_corollary1_approximation_improves_as_parameters_shrink():
    A, S = _random_graph(5)
    errs = []
    for scale in (1e-2, 1e-3, 1e-4):
        alpha, beta = scale, scale**2 * 10  # beta << 1, alpha << 1, alpha^2 << beta
        exact = general_solution(A, S, alpha, beta, 1.0).F
        approx = corollary1(A, S, alpha, beta, 1.0)
        errs.append(np.abs(exact - approx).max() / np.abs(exact).max())
    assert errs[0] > errs[1] > errs[2]
    assert errs[2] < 1e-3


def test_neumann_series_diverges_clearly():
    A, S = _random_graph(6)
    from analysis.alf.algorithm1 import _Ops

    ops = _Ops.of(sp.csr_matrix(A))
    G = ops.m_apply(sp.csr_matrix(S))
    with pytest.raises(ValueError, match="diverges"):
        neumann_series(ops.m_apply, G, 1.5)
    with pytest.raises(ValueError, match="did not converge"):
        neumann_series(ops.m_apply, G, 0.999, max_terms=5)


def test_invalid_parameters():
    A, S = _random_graph(7)
    with pytest.raises(ValueError, match="alpha"):
        general_solution(A, S, 0.0, 0.1, 1.0)
    with pytest.raises(ValueError, match="beta"):
        general_solution(A, S, 0.1, -1.0, 1.0)
    with pytest.raises(ValueError, match="max_users"):
        closed_form(A, S, 0.1, 0.1, 1.0, max_users=10)
