"""A NetMF spectral embedding of the follower graph (Qiu, Dong, Ma, Li, Wang & Tang,
"Network Embedding as Matrix Factorization: Unifying DeepWalk, LINE, PTE, and node2vec",
WSDM 2018).

Notation (paper → code).  ``W`` is the symmetric neighbour matrix (zero diagonal), ``d``
the degrees, ``vol(G) = Σ d``, ``P = D^-1 W`` the random-walk transition matrix, ``T`` the
window size and ``b`` the number of negative samples.  DeepWalk implicitly factorises
(the paper's Theorem 2.3)

    ``M = vol(G)/(b T) · (Σ_{r=1}^{T} P^r) D^-1``,

and NetMF embeds the truncated logarithm ``log max(M, 1)`` by its rank-``dim`` SVD,
``E = U_dim Σ_dim^{1/2}``.  With the eigen-decomposition ``D^-1/2 W D^-1/2 = U Λ Uᵗ``,
``(Σ_r P^r) D^-1 = D^-1/2 U (Σ_r Λ^r) Uᵗ D^-1/2``; NetMF for a large window (the paper's
Algorithm 4) keeps only the ``h`` largest eigenpairs.  :func:`netmf_embedding` uses the full
spectrum (the exact ``M``) when ``V <= exact_below`` and the top ``h`` eigenpairs otherwise.
The dense ``V × V`` matrix is float32 (10,000 users: 400 MB); above ``dense_max_users``
(20,000) it is never formed — its top singular pairs come from a streamed subspace
iteration (:func:`streamed_top_eigen`), so memory stays O(V·h) and time grows as V²·h.
Isolated users get a zero row.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> ring = sp.csr_matrix(np.roll(np.eye(8), 1, axis=1) + np.roll(np.eye(8), -1, axis=1))
>>> netmf_embedding(ring, dim=4, window=2).E.shape
(8, 4)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = [
    "Embedding",
    "netmf_matrix",
    "netmf_embedding",
    "streamed_top_eigen",
    "window_filter",
]


def window_filter(lam: np.ndarray, window: int) -> np.ndarray:
    """``(1/T) Σ_{r=1}^{T} λ^r`` elementwise (the spectral filter of NetMF's ``M``)."""
    if window < 1:
        raise ValueError(f"window={window} must be >= 1")
    lam = np.asarray(lam, dtype=np.float64)
    out = np.zeros_like(lam)
    power = np.ones_like(lam)
    for _ in range(window):
        power = power * lam
        out += power
    return out / window


def _check_w(W: sp.spmatrix) -> tuple[sp.csr_matrix, np.ndarray]:
    W = sp.csr_matrix(W, dtype=np.float64)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square, got shape {W.shape}")
    if W.nnz and W.data.min() < 0:
        raise ValueError(f"W must be non-negative, got {W.data.min()}")
    if (abs(W - W.T) > 1e-12).nnz:
        raise ValueError("NetMF needs a symmetric W (direction='both')")
    return W, np.asarray(W.sum(axis=1)).ravel()


def _eigenpairs(
    N: sp.csr_matrix, rank: int, exact: bool, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    if exact:
        lam, U = np.linalg.eigh(N.toarray())
        return lam, U
    from scipy.sparse.linalg import eigsh

    v0 = np.random.default_rng(seed).random(N.shape[0])
    lam, U = eigsh(N, k=rank, which="LA", v0=v0, tol=1e-6)
    return lam, U


@dataclass(frozen=True)
class _Factors:
    """``M = scale · B diag(filt) Bᵗ`` on the users with ties (``keep``)."""

    B: np.ndarray
    filt: np.ndarray
    scale: np.float32
    keep: np.ndarray
    n_users: int


def _netmf_factors(
    W: sp.spmatrix, window: int, negative: float, rank: int | None, seed: int
) -> _Factors:
    W, deg = _check_w(W)
    if not negative > 0:
        raise ValueError(f"negative={negative} must be > 0")
    keep = np.flatnonzero(deg > 0)
    Wk = W[keep][:, keep]
    d = deg[keep]
    n = len(keep)
    inv_sqrt = 1.0 / np.sqrt(d)
    N = sp.csr_matrix(sp.diags(inv_sqrt) @ Wk @ sp.diags(inv_sqrt))
    exact = rank is None or rank >= n - 1
    lam, U = _eigenpairs(N, n if rank is None else int(rank), exact, seed)
    return _Factors(
        B=(U * inv_sqrt[:, None]).astype(np.float32),
        filt=window_filter(lam, window).astype(np.float32),
        scale=np.float32(d.sum() / negative),
        keep=keep,
        n_users=int(W.shape[0]),
    )


def _log_m(f: _Factors, rows: slice) -> np.ndarray:
    """Rows ``rows`` of ``log max(M, 1)`` (float32)."""
    M = (f.B[rows] * f.filt[None, :]) @ f.B.T
    M *= f.scale
    np.maximum(M, 1.0, out=M)
    np.log(M, out=M)
    return M


def netmf_matrix(
    W: sp.spmatrix,
    window: int = 10,
    negative: float = 1.0,
    *,
    rank: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """``log max(M, 1)`` (float32, users with ties only) — the matrix NetMF factorises.

    ``rank=None`` uses the whole spectrum (exact ``M``); an integer keeps the ``rank``
    largest eigenpairs (NetMF's large-window approximation).
    """
    f = _netmf_factors(W, window, negative, rank, seed)
    M = _log_m(f, slice(None))
    return M if len(f.keep) == f.n_users else _scatter(M, f.keep, f.n_users)


def _log_m_times(f: _Factors, Q: np.ndarray, block: int) -> np.ndarray:
    """``log max(M, 1) @ Q`` one block of rows at a time: memory O(block · V), not V²."""
    out = np.empty((f.B.shape[0], Q.shape[1]), dtype=np.float32)
    Q = Q.astype(np.float32)
    for start in range(0, f.B.shape[0], block):
        rows = slice(start, start + block)
        out[rows] = _log_m(f, rows) @ Q
    return out


def streamed_top_eigen(
    f: _Factors, k: int, *, n_iter: int = 10, oversample: int = 20, block: int = 2048, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest-magnitude eigenpairs of the symmetric ``log max(M, 1)`` without
    forming it: subspace iteration from a seeded Gaussian block, then Rayleigh–Ritz
    (Halko, Martinsson & Tropp, "Finding Structure with Randomness", SIAM Review 2011,
    Algorithms 4.3 / 5.3).  Returns ``(U, |λ|)``: the singular pairs of the matrix.
    """
    n = f.B.shape[0]
    width = min(n, k + oversample)
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(_log_m_times(f, rng.standard_normal((n, width)), block).astype(np.float64))[0]
    for _ in range(n_iter):
        Q = np.linalg.qr(_log_m_times(f, Q, block).astype(np.float64))[0]
    H = Q.T @ _log_m_times(f, Q, block).astype(np.float64)
    lam, V = np.linalg.eigh((H + H.T) / 2)
    order = np.argsort(-np.abs(lam))[:k]
    return Q @ V[:, order], np.abs(lam[order])


def _scatter(M: np.ndarray, keep: np.ndarray, n: int) -> np.ndarray:
    full = np.zeros((n, n), dtype=M.dtype)
    full[np.ix_(keep, keep)] = M
    return full


@dataclass(frozen=True)
class Embedding:
    """``E`` (V × dim) with the singular values behind it and the settings used."""

    E: np.ndarray
    singular_values: np.ndarray
    window: int
    rank: int | None
    exact: bool


def netmf_embedding(
    W: sp.spmatrix,
    dim: int = 128,
    window: int = 10,
    negative: float = 1.0,
    *,
    rank: int = 256,
    exact_below: int = 1000,
    dense_max_users: int = 20_000,
    seed: int = 0,
) -> Embedding:
    """NetMF embedding ``E = U_dim Σ_dim^{1/2}`` of ``log max(M, 1)`` (module docstring).

    Parameters
    ----------
    W : (V, V) symmetric non-negative neighbour matrix.
    dim : embedding dimension (cut to the number of users with ties).
    window : ``T``, the random-walk window (DeepWalk's 10).
    negative : ``b``, negative samples.
    rank : ``h``, eigenpairs kept above ``exact_below`` users.
    exact_below : below this many users the exact ``M`` (full spectrum) is used.
    dense_max_users : up to this many users ``log max(M, 1)`` is formed (float32, V²
        entries) and factorised by a randomised SVD; above it, it is never formed:
        :func:`streamed_top_eigen` multiplies it by a block of vectors one block of rows
        at a time (memory O(V·h), time O(V²·h) per pass).
    seed : ARPACK start vector and randomised SVD.
    """
    n = W.shape[0]
    if dim < 1 or rank < 1:
        raise ValueError(f"need dim={dim} >= 1 and rank={rank} >= 1")
    if dense_max_users < 1:
        raise ValueError(f"dense_max_users={dense_max_users} must be >= 1")
    exact = n <= exact_below
    if n == 0:
        return Embedding(np.zeros((0, dim)), np.zeros(0), window, rank, exact)
    k = int(min(dim, max(n - 1, 1)))
    if n > dense_max_users:
        f = _netmf_factors(W, window, negative, None if exact else rank, seed)
        U_k, s = streamed_top_eigen(f, min(k, len(f.keep)), seed=seed)
        U = np.zeros((n, U_k.shape[1]))
        U[f.keep] = U_k
    else:
        M = netmf_matrix(W, window, negative, rank=None if exact else rank, seed=seed)
        if exact or k >= n - 1:
            U, s, _ = np.linalg.svd(M.astype(np.float64), hermitian=True)
            U, s = U[:, :k], s[:k]
        else:
            from sklearn.utils.extmath import randomized_svd

            U, s, _ = randomized_svd(M, k, n_iter=5, random_state=seed)
    E = (U * np.sqrt(s)[None, :]).astype(np.float64)
    return Embedding(
        E=E, singular_values=s, window=window, rank=None if exact else rank, exact=exact
    )
