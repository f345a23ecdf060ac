"""Interest propagation over the follower graph (ALF §4.2, Algorithm 1, Theorem 1,
Corollaries 1–2 and their proofs in the appendix).

Notation (paper → code).  ``A[u, v] = 1`` when ``u`` follows ``v``; ``n_in_v`` and
``n_out_u`` are in- and out-degrees; ``P = A D_in^-1`` propagates interests of followers
to the account they follow, ``P' = A^t D_out^-1`` propagates scores of followees back to
the follower, ``M = P P'``.  The paper's ``S^c, S^i, F^e, F^i, F`` are ``|T| × |V|``;
here they are stored transposed (users × topics), so ``S P`` is computed as
``D_in^-1 A^t S^t`` (:func:`_forward`) and ``S P'`` as ``D_out^-1 A S^t``
(:func:`_backward`).  Nodes without followers (or followees) have ``D^-1 = 0``.

Example
-------
>>> import numpy as np
>>> A = follow_matrix([0, 1], [2, 2], 3)          # users 0 and 1 follow user 2
>>> Sc = np.array([[1.0], [0.0], [0.0]])         # only user 0 is interested (1 topic)
>>> P1 = algorithm1(A, Sc, pass1_denominator="m_in")
>>> float(P1.F_e[2, 0])                           # share of 2's followers with interests
1.0
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from analysis.alf.params import ALF_DEFAULTS, AlfParams, check_params

__all__ = [
    "GeneralSolution",
    "Propagation",
    "algorithm1",
    "closed_form",
    "corollary1",
    "follow_matrix",
    "general_solution",
    "kappa",
    "neumann_series",
]


# -- inputs ---------------------------------------------------------------------------


def follow_matrix(src, dst, n_users: int) -> sp.csr_matrix:
    """The adjacency matrix ``A`` (``A[u, v] = 1`` iff ``u`` follows ``v``) as CSR.

    Duplicate pairs count once; self-follows are kept as given (the paper's graph has none).
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    if src.shape != dst.shape:
        raise ValueError(f"src and dst differ in length: {src.shape} vs {dst.shape}")
    if n_users < 0:
        raise ValueError(f"n_users={n_users} must be >= 0")
    if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n_users):
        bad = int(np.flatnonzero((src < 0) | (src >= n_users) | (dst < 0) | (dst >= n_users))[0])
        raise ValueError(
            f"edge {bad} ({int(src[bad])} -> {int(dst[bad])}) is outside 0..{n_users - 1}"
        )
    A = sp.csr_matrix((np.ones(src.size, dtype=np.float64), (src, dst)), shape=(n_users, n_users))
    A.sum_duplicates()
    A.data[:] = 1.0
    return A


def _check_inputs(A, S, binary: bool = False) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Validate the adjacency (users x users) and interests (users x topics) as CSR float
    matrices; with ``binary`` every positive interest score becomes 1 (a copy)."""
    if not sp.issparse(A):
        A = sp.csr_matrix(np.asarray(A, dtype=np.float64))
    A = sp.csr_matrix(A, dtype=np.float64)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"adjacency must be square, got shape {A.shape}")
    S = (
        sp.csr_matrix(S, dtype=np.float64)
        if sp.issparse(S)
        else sp.csr_matrix(np.asarray(S, dtype=np.float64))
    )
    if S.ndim != 2 or S.shape[0] != A.shape[0]:
        raise ValueError(
            f"interest matrix must be users x topics with {A.shape[0]} rows, got shape {S.shape}"
        )
    if S.nnz and (not np.isfinite(S.data).all() or S.data.min() < 0):
        raise ValueError("interest scores must be finite and >= 0")
    if binary:
        S = S.copy()
        S.eliminate_zeros()
        S.data[:] = 1.0
    return A, S


def _inv(deg: np.ndarray) -> np.ndarray:
    out = np.zeros_like(deg, dtype=np.float64)
    np.divide(1.0, deg, out=out, where=deg > 0)
    return out


@dataclass(frozen=True)
class _Ops:
    """``S P`` and ``S P'`` in the users × topics orientation."""

    At: sp.csr_matrix  # A transposed (row v lists v's followers)
    A: sp.csr_matrix
    inv_in: np.ndarray
    inv_out: np.ndarray

    @classmethod
    def of(cls, A: sp.csr_matrix) -> _Ops:
        n_in = np.asarray(A.sum(axis=0)).ravel()
        n_out = np.asarray(A.sum(axis=1)).ravel()
        return cls(At=A.T.tocsr(), A=A, inv_in=_inv(n_in), inv_out=_inv(n_out))

    def forward(self, X) -> np.ndarray:
        """``(S P)^t = D_in^-1 A^t S^t``: mean of the followers' rows."""
        return _forward(self.At, self.inv_in, X)

    def backward(self, X) -> np.ndarray:
        """``(F P')^t = D_out^-1 A F^t``: mean of the followees' rows."""
        return _forward(self.A, self.inv_out, X)

    def m_apply(self, X) -> np.ndarray:
        """``(S M)^t = P'^t P^t S^t``."""
        return self.backward(self.forward(X))


def _forward(B: sp.csr_matrix, inv_deg: np.ndarray, X) -> np.ndarray:
    Y = B @ X
    Y = Y.toarray() if sp.issparse(Y) else np.asarray(Y)
    Y *= inv_deg[:, None]
    return Y


# -- Algorithm 1 ------------------------------------------------------------------------


@dataclass(frozen=True)
class Propagation:
    """Result of Algorithm 1 (users × topics, the paper's matrices transposed).

    Attributes
    ----------
    F_e : explainable label scores (Pass 1, Eq. 4)
    S_i : re-estimated interests of every user (Pass 2)
    F_i : broader label scores (Pass 3)
    F : ``F_e + F_i`` (the returned value of Algorithm 1)
    n_in, n_out : degrees; m_in : followers with interests (the denominator of Eq. 4)
    """

    F_e: np.ndarray
    S_i: np.ndarray
    F_i: np.ndarray
    F: np.ndarray
    n_in: np.ndarray
    n_out: np.ndarray
    m_in: np.ndarray


def algorithm1(
    A, S_c, *, binary: bool = True, pass1_denominator: str = ALF_DEFAULTS.pass1_denominator
) -> Propagation:
    """Algorithm 1 ("Fast Algorithm for Interest Propagation"), exactly as printed.

    PASS 1 (Eq. 4): ``F^e_v = (1/m^in_v) Σ_{u→v, I(u)≠∅} S^c_u`` with ``m^in_v`` the number
    of ``v``'s followers that have interests — the share of ``v``'s followers with interests
    who are interested in each topic.
    PASS 2: ``S^i_u = (1/n^out_u) Σ_{u→v} F^e_v``.
    PASS 3: ``F^i_v = (1/n^in_v) Σ_{u→v} S^i_u``.
    Return ``F = F^e + F^i``.

    Parameters
    ----------
    A : (V, V) adjacency, ``A[u, v] = 1`` iff ``u`` follows ``v`` (see :func:`follow_matrix`).
    S_c : (V, T) known interests (dense or sparse); a user has interests ``I(u) ≠ ∅`` when
        her row has a positive entry.
    binary : clamp known interests to 1 as in §4.2 (``S^c_tu = 1`` iff ``t ∈ I(u)``);
        ``False`` keeps the given non-negative weights (e.g. matcher scores).
    pass1_denominator : ``"m_in"`` (as printed) or ``"n_in"`` (the default of
        :class:`analysis.alf.params.AlfParams`) — all followers, which is the
        ``F^e = S^c P`` of Theorem 1 and Corollary 2 (users without interests count as
        zero vectors); the two agree when every follower has interests.
    """
    AlfParams(pass1_denominator=pass1_denominator)  # checks it
    A, S = _check_inputs(A, S_c, binary)
    ops = _Ops.of(A)
    n_in = np.asarray(A.sum(axis=0)).ravel()
    n_out = np.asarray(A.sum(axis=1)).ravel()
    has_interest = (np.asarray((S > 0).sum(axis=1)).ravel() > 0).astype(np.float64)
    m_in = ops.At @ has_interest
    # PASS 1 — Eq. 4 (users without interests contribute the zero vector to the sum)
    F_e = _forward(ops.At, _inv(m_in) if pass1_denominator == "m_in" else ops.inv_in, S)
    # PASS 2
    S_i = ops.backward(F_e)
    # PASS 3
    F_i = ops.forward(S_i)
    return Propagation(F_e=F_e, S_i=S_i, F_i=F_i, F=F_e + F_i, n_in=n_in, n_out=n_out, m_in=m_in)


# -- Theorem 1 -------------------------------------------------------------------------


def kappa(alpha: float, beta: float) -> float:
    """``κ = (α/(1+α) + β/α) (1 + β/α)^-1`` of Theorem 1; ``0 <= κ < 1`` for ``α > 0``."""
    return (alpha / (1 + alpha) + beta / alpha) / (1 + beta / alpha)


def neumann_series(
    apply_m, G: np.ndarray, kappa_: float, *, tol: float = 1e-12, max_terms: int = 10_000
) -> tuple[np.ndarray, int]:
    """``Σ_{j>=0} κ^j G M^j`` (i.e. ``G (I - κM)^-1``) by a truncated Neumann series.

    ``apply_m(X)`` computes one product with ``M``.  Terms are added until the largest
    entry of the next term is below ``tol`` times the largest entry of the sum.  The series
    converges when ``κ ρ(M) < 1``; when it does not (terms stop shrinking, or ``max_terms``
    is reached) a ``ValueError`` names κ, the number of terms and the last term ratio.

    Returns the sum and the number of terms used.
    """
    if not np.isfinite(kappa_):
        raise ValueError(f"kappa={kappa_} is not finite")
    if max_terms < 1:
        raise ValueError(f"max_terms={max_terms} must be >= 1")
    ratio = float("nan")
    total = np.array(G, dtype=np.float64, copy=True)
    term = total
    prev = float(np.abs(term).max()) if term.size else 0.0
    growing = 0
    for j in range(1, max_terms + 1):
        if prev == 0.0 or prev <= tol * max(float(np.abs(total).max()), 1e-300):
            return total, j
        term = kappa_ * apply_m(term)
        size = float(np.abs(term).max()) if term.size else 0.0
        if not np.isfinite(size):
            raise ValueError(f"Neumann series diverges: kappa={kappa_}, term {j} is not finite")
        ratio = size / prev
        growing = growing + 1 if ratio >= 1.0 - 1e-12 and size > tol else 0
        if growing >= 50:
            raise ValueError(
                f"Neumann series diverges: kappa={kappa_}, term ratio {ratio:.4g} >= 1 for 50 "
                f"terms (needs kappa * spectral_radius(M) < 1)"
            )
        total += term
        prev = size
    raise ValueError(
        f"Neumann series did not converge in max_terms={max_terms} terms "
        f"(kappa={kappa_}, last term ratio {ratio:.6g}, tol={tol}); raise max_terms or "
        f"reduce kappa (smaller beta/alpha)"
    )


@dataclass(frozen=True)
class GeneralSolution:
    """The minimiser of Eq. 3 (Theorem 1), users × topics.

    ``F = F_e + gamma * F_i``; ``terms`` is the number of Neumann terms used
    (0 for the closed form).
    """

    F_e: np.ndarray
    S_i: np.ndarray
    F_i: np.ndarray
    F: np.ndarray
    alpha: float
    beta: float
    gamma: float
    kappa: float
    terms: int


def _assemble(
    ops: _Ops,
    S: sp.csr_matrix,
    S_i: np.ndarray,
    alpha: float,
    beta: float,
    gamma: float,
    kap: float,
    terms: int,
) -> GeneralSolution:
    # Eq. 14 and Eq. 16 of the appendix: F^i = S^i P, F^e = (S^c + α S^i) P / (1 + α)
    F_i = ops.forward(S_i)
    F_e = (ops.forward(S) + alpha * F_i) / (1 + alpha)
    return GeneralSolution(
        F_e=F_e,
        S_i=S_i,
        F_i=F_i,
        F=F_e + gamma * F_i,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        kappa=kap,
        terms=terms,
    )


def general_solution(
    A,
    S_c,
    alpha: float,
    beta: float,
    gamma: float,
    *,
    binary: bool = True,
    tol: float = 1e-12,
    max_terms: int = 10_000,
) -> GeneralSolution:
    """Theorem 1 by a truncated Neumann series (no matrix inverse).

    ``S^i = S^c M (I - κM)^-1 / ((1+α)(1+β/α))`` with ``(I - κM)^-1 = Σ_j κ^j M^j``, then
    ``F^i = S^i P``, ``F^e = (S^c + α S^i) P / (1+α)`` (Eq. 14, 16) and
    ``F = F^e + γ F^i``, which equals the printed
    ``F = S^c [I + (γ + α(1+γ)) / ((1+α)(1+β/α)) M (I - κM)^-1] P / (1+α)``.
    Users without known interests are zero rows of ``S^c`` (so ``F^e`` averages over all
    followers, ``n_in``).  Raises ``ValueError`` for invalid parameters or a series that
    does not converge.
    """
    check_params(alpha, beta, gamma)
    A, S = _check_inputs(A, S_c, binary)
    ops = _Ops.of(A)
    kap = kappa(alpha, beta)
    G = ops.m_apply(S)  # (S^c M)^t
    R, terms = neumann_series(ops.m_apply, G, kap, tol=tol, max_terms=max_terms)
    S_i = R / ((1 + alpha) * (1 + beta / alpha))
    return _assemble(ops, S, S_i, alpha, beta, gamma, kap, terms)


def closed_form(
    A, S_c, alpha: float, beta: float, gamma: float, *, binary: bool = True, max_users: int = 3000
) -> GeneralSolution:
    """Theorem 1 with the dense inverse ``(I - κM)^-1`` (reference for small graphs)."""
    check_params(alpha, beta, gamma)
    A, S = _check_inputs(A, S_c, binary)
    n = A.shape[0]
    if n > max_users:
        raise ValueError(f"closed_form is dense: n_users={n} > max_users={max_users}")
    ops = _Ops.of(A)
    Ad = A.toarray()
    P = Ad * ops.inv_in[None, :]  # A D_in^-1
    Pp = Ad.T * ops.inv_out[None, :]  # A^t D_out^-1
    M = P @ Pp
    kap = kappa(alpha, beta)
    Sc = S.toarray().T  # paper orientation T x V
    inv = np.linalg.inv(np.eye(n) - kap * M)
    S_i = Sc @ M @ inv / ((1 + alpha) * (1 + beta / alpha))
    return _assemble(ops, S, S_i.T.copy(), alpha, beta, gamma, kap, 0)


def corollary1(
    A,
    S_c,
    alpha: float,
    beta: float,
    gamma: float,
    *,
    binary: bool = True,
    tol: float = 1e-12,
    max_terms: int = 10_000,
) -> np.ndarray:
    """The approximation of Corollary 1 (``0 < β << 1``, ``0 < α << min{1, γ}``):

    ``F ≈ S^c P + γ α/(α+β) Σ_{j>=0} (β/(α+β))^j S^c M^{j+1} P`` — a label propagation whose
    successive passes are damped by ``β/(α+β)``.  Returns ``F`` (users × topics).
    """
    check_params(alpha, beta, gamma)
    A, S = _check_inputs(A, S_c, binary)
    if beta >= 1 or alpha >= min(1.0, gamma):
        warnings.warn(
            f"Corollary 1 assumes beta << 1 and alpha << min(1, gamma); got alpha={alpha}, "
            f"beta={beta}, gamma={gamma}",
            stacklevel=2,
        )
    ops = _Ops.of(A)
    damp = beta / (alpha + beta)
    R, _ = neumann_series(ops.m_apply, ops.m_apply(S), damp, tol=tol, max_terms=max_terms)
    return ops.forward(S) + gamma * alpha / (alpha + beta) * ops.forward(R)
