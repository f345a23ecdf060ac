"""A ProNE embedding of the follower graph: a sparse, edge-only proximity matrix factorised
by a randomized truncated SVD, then enhanced by spectral propagation (Zhang, Dong, Wang,
Tang & Ding, "ProNE: Fast and Scalable Network Representation Learning", IJCAI
2019).  Every step costs O(nnz(W) · dim) time and O(V · dim + nnz(W)) memory: no V × V
dense matrix is ever formed, unlike NetMF (:mod:`analysis.propagation.embedding`).

Notation (paper → code).  ``W`` is the symmetric neighbour matrix (zero diagonal), ``d`` the
degrees, ``P = D^-1 W`` the random-walk transition matrix, ``b`` the number of negative
samples (the paper's ``λ``) and ``α`` the exponent of the negative-sampling distribution
(0.75, word2vec's unigram exponent).

1. **Sparse matrix factorisation** (§3.1).  For each edge ``(i, j)`` of ``W``,
   ``M_ij = log p_ij − log(b · P_D,j)`` with ``p_ij = W_ij / d_i`` and
   ``P_D,j = d_j^α / Σ_k d_k^α``; every non-edge is 0 (:func:`prone_matrix`).  Its rank-``dim``
   truncated SVD ``M ≈ U Σ Vᵗ`` gives ``R = U Σ^{1/2}`` (:func:`randomized_tsvd`: Halko,
   Martinsson & Tropp, "Finding Structure with Randomness", SIAM Review 53(2), 2011,
   Algorithms 4.4 and 5.1).
2. **Spectral propagation** (§3.2).  With ``Ŵ = W + I`` (a self-loop per user, as in the
   authors' released implementation), ``L = I − D̂^-1 Ŵ`` (eigenvalues in [0, 2]) and the
   band-pass filter ``g(λ) = exp(−½[(λ − μ)² − 1] θ)``, the modulated Laplacian is
   ``L̃ = U_L diag(g(λ)) U_L^-1``; the embedding becomes ``Ŵ (I − L̃) R`` (``R`` with rows
   scaled to unit length), orthogonalised by a thin SVD (``U Σ^{1/2}`` of the result;
   :func:`chebyshev_propagate`).  ``L̃ R`` is evaluated without any eigendecomposition, by
   the Chebyshev expansion of ``exp(−θ y)`` in ``y = (L − μ)²/2 − I`` (the modified-Bessel
   series ``e^{−θy} = I_0(θ) + 2 Σ_k (−1)^k I_k(θ) T_k(y)``, Abramowitz & Stegun 9.6.34),
   truncated after ``order`` terms (:func:`band_pass_times`).  The paper writes the last
   product with ``D^-1 A`` and no self-loops; on BlogCatalog the variant here gave 0.6
   point more Micro-F1 at 10 % labelled (36.7 against 36.1, ``prone_lr``'s learner).

Negative entries of ``M``.  ``log p_ij − log(b P_D,j)`` is negative where an edge is less
likely under the walk than under negative sampling (a tie between two users of high
degree, or any tie once ``b`` is large).  NetMF truncates its dense matrix at 0
(``log max(M, 1)``) because there every non-edge would be ``log 0 = −∞``; here only edges
are stored and every entry is finite, so :func:`prone_matrix` keeps the signed values by
default, as ProNE does (``truncate=True`` is NetMF's rule).  On BlogCatalog the choice is
immaterial: kept and truncated differ by less than 0.2 point of F1 at 10 % and 90 %
labelled, inside the spread between seeds.

Isolated users (no ties) get zero rows at every step.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> ring = sp.csr_matrix(np.roll(np.eye(8), 1, axis=1) + np.roll(np.eye(8), -1, axis=1))
>>> M = prone_matrix(ring)                   # every p_ij = 1/2, every P_D,j = 1/8
>>> round(float(M[0, 1]), 4), round(float(np.log(0.5) - np.log(1 / 8)), 4)
(1.3863, 1.3863)
>>> E = prone_embedding(ring, dim=4)
>>> E.shape, E.dtype
((8, 4), dtype('float32'))
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from scipy.linalg import LinAlgError, blas, cholesky
from scipy.special import iv

__all__ = [
    "band_pass",
    "band_pass_times",
    "chebyshev_propagate",
    "prone_embedding",
    "prone_matrix",
    "randomized_tsvd",
    "series_terms",
    "unit_rows",
]


def _degrees(W: sp.spmatrix, dtype: type = np.float32) -> tuple[sp.csr_matrix, np.ndarray]:
    """``W`` as checked CSR of ``dtype`` and its float64 degrees."""
    W = sp.csr_matrix(W, dtype=dtype)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square, got shape {W.shape}")
    if W.nnz and W.data.min() < 0:
        raise ValueError(f"W must be non-negative, got {W.data.min()}")
    W.eliminate_zeros()
    return W, np.asarray(W.sum(axis=1), dtype=np.float64).ravel()


def prone_matrix(
    W: sp.spmatrix, negative: float = 1.0, alpha: float = 0.75, *, truncate: bool = False
) -> sp.csr_matrix:
    """ProNE's edge-only proximity matrix ``M`` (float32 CSR, the pattern of ``W``; §3.1).

    ``M_ij = log(W_ij / d_i) − log(negative · d_j^alpha / Σ_k d_k^alpha)`` on every edge;
    ``truncate=True`` clips negative entries to 0 (NetMF's truncated logarithm; see the
    module docstring for why the default keeps them).  Entries that are exactly 0 stay in
    the pattern (harmless for the products that use ``M``).

    >>> import scipy.sparse as sp
    >>> star = sp.csr_matrix(([1.0] * 6, ([0, 0, 0, 1, 2, 3], [1, 2, 3, 0, 0, 0])), (4, 4))
    >>> M = prone_matrix(star)               # leaf -> hub: log 1 - log(3^.75 / (3^.75 + 3))
    >>> round(float(M[1, 0]), 4), round(float(M[0, 1]), 4)
    (0.8399, 0.5652)
    >>> M4 = prone_matrix(star, negative=4.0)  # the same minus log 4
    >>> round(float(M4[0, 1]), 4), float(prone_matrix(star, 4.0, truncate=True)[0, 1])
    (-0.8211, 0.0)
    """
    if not (np.isfinite(negative) and negative > 0):
        raise ValueError(f"negative={negative} must be > 0")
    if not (np.isfinite(alpha) and alpha >= 0):
        raise ValueError(f"alpha={alpha} must be >= 0")
    W, deg = _degrees(W, np.float64)
    if (abs(W - W.T) > 1e-12).nnz:
        raise ValueError("ProNE needs a symmetric W (direction='both')")
    W.sort_indices()
    weight = np.where(deg > 0, deg, 1.0) ** alpha * (deg > 0)
    log_neg = (
        np.log(negative) + np.log(np.where(weight > 0, weight, 1.0)) - np.log(weight.sum() or 1.0)
    )
    rows = np.repeat(np.arange(W.shape[0]), np.diff(W.indptr))
    values = np.log(W.data) - np.log(deg[rows]) - log_neg[W.indices]
    if truncate:
        np.maximum(values, 0.0, out=values)
    return sp.csr_matrix(
        (values.astype(np.float32), W.indices.copy(), W.indptr.copy()), shape=W.shape
    )


def _gram(Y: np.ndarray, rows: int = 2048) -> np.ndarray:
    """``Yᵗ Y`` accumulated in float64 over blocks of ``rows`` rows, each a BLAS product in
    ``Y``'s precision: a block that stays in cache makes the product about twice as fast as
    one call on the whole tall matrix (measured at 100,000 × 266 float32)."""
    G = np.zeros((Y.shape[1], Y.shape[1]))
    for start in range(0, Y.shape[0], rows):
        block = Y[start : start + rows]
        G += block.T @ block
    return G


def _orthonormal(Y: np.ndarray, passes: int = 1) -> np.ndarray:
    """An orthonormal basis of ``Y``'s columns by Cholesky QR: ``Yᵗ Y = Rᵗ R`` and
    ``Q = Y R^-1`` (a triangular solve); a second pass repairs the orthogonality the first
    lost to rounding (CholeskyQR2: Fukaya, Nakatsukasa, Yanagisawa & Yamamoto, "CholeskyQR2:
    A Simple and Communication-Avoiding Algorithm for Computing a Tall-Skinny QR
    Factorization", ScalA 2014).  A pass is two BLAS-3 calls (``syrk``, ``trsm``) of
    n·ℓ² flops each; a Householder QR of the same 100,000 × 266 float32 block took about
    ten times as long here.  Where the Gram matrix is too ill-conditioned for Cholesky,
    the pass falls back to its eigendecomposition ``V Λ Vᵗ`` and ``Q = Y V Λ^-1/2``
    (clamping tiny eigenvalues), which a range finder tolerates."""
    Y = np.ascontiguousarray(Y)
    trsm = blas.strsm if Y.dtype == np.float32 else blas.dtrsm
    for _ in range(passes):
        G = _gram(Y)
        try:
            R = cholesky(G, lower=False)
        except LinAlgError:
            lam, V = np.linalg.eigh(G)
            floor = max(float(lam.max()), np.finfo(np.float64).tiny) * 1e-12
            Y = Y @ (V / np.sqrt(np.maximum(lam, floor))[None, :]).astype(Y.dtype)
            continue
        # Qᵗ = R^-ᵗ Yᵗ, solved in place on the Fortran-ordered view Yᵗ
        Y = np.asarray(trsm(1.0, R.astype(Y.dtype), Y.T, trans_a=1, overwrite_b=True)).T
    return Y


def _times_square(X: np.ndarray, B: np.ndarray, rows: int = 4096) -> np.ndarray:
    """``X ← X B`` in place for a square ``B`` (ℓ × ℓ), one block of rows at a time, so no
    second n × ℓ array is needed."""
    B = B.astype(X.dtype)
    for start in range(0, X.shape[0], rows):
        X[start : start + rows] = X[start : start + rows] @ B
    return X


def _random_times(M, width: int, seed: int, dtype: type, workers: int, block: int) -> np.ndarray:
    """``M Ω`` for a seeded standard Gaussian ``Ω`` (n × ``width``) drawn one block of
    columns at a time (block ``j`` from the stream ``(seed, j)``), never held whole."""
    n_rows, n_cols = M.shape
    out = np.empty((n_rows, width), dtype=dtype)
    blocks = _column_blocks(width, block)

    def one(j: int) -> None:
        cols = blocks[j]
        rng = np.random.default_rng([seed, j])
        omega = rng.standard_normal((n_cols, cols.stop - cols.start), dtype=dtype)
        out[:, cols] = np.asarray(M @ omega)

    if workers > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(min(workers, len(blocks))) as pool:
            list(pool.map(one, range(len(blocks))))
    else:
        for j in range(len(blocks)):
            one(j)
    return out


def randomized_tsvd(
    M: sp.spmatrix | np.ndarray,
    dim: int,
    seed: int = 0,
    oversample: int = 10,
    power_iters: int = 2,
    *,
    with_vt: bool = True,
    workers: int | None = None,
    block: int = 32,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(U, s, Vt)``: the rank-``dim`` truncated SVD of ``M`` by randomized subspace
    iteration (Halko, Martinsson & Tropp 2011, Algorithm 4.4, then the direct SVD of
    Algorithm 5.1).

    A seeded Gaussian block ``Ω`` (n × ℓ, ``ℓ = dim + oversample``) gives ``Q = orth(M Ω)``;
    each of ``power_iters`` passes re-orthonormalises ``Mᵗ Q`` and ``M Q̃`` (the step that
    keeps the small singular directions from being lost in rounding; :func:`_orthonormal`,
    a Cholesky-type QR).  Then ``B = Qᵗ M = Zᵗ`` with ``Z = Mᵗ Q``; the eigendecomposition
    ``B Bᵗ = Zᵗ Z = Ũ Σ² Ũᵗ`` of an ℓ × ℓ matrix gives ``U = Q Ũ`` and ``Vᵗ = Σ^-1 Ũᵗ Zᵗ``
    (Algorithm 5.1's SVD of ``B`` without forming ``B`` in float64).  Each pass costs two
    sparse products, O(nnz(M) · ℓ) (``block`` columns at a time on ``workers`` threads),
    and two dense ones, O(n · ℓ²).  Memory: at most three n × ℓ blocks (``Ω`` is drawn a
    block of columns at a time, products by small matrices are done in place), so about
    3.2 GB at a million users and ℓ = 266.  ``with_vt=False`` skips ``Vt`` (an empty
    array comes back), which the embedding does not use.

    Precision: the blocks are float32 when ``M`` is (half the memory of float64); the
    ℓ × ℓ eigenproblems are float64.  Squaring ``B`` costs the smallest singular values
    relative accuracy (about ``eps · s_1² / s_k²``), which the embedding, weighted by
    ``√s``, does not feel.  ``U`` and ``Vt`` come back in ``M``'s precision.

    >>> import numpy as np
    >>> A = np.diag([5.0, 3.0, 1.0, 0.1])
    >>> U, s, Vt = randomized_tsvd(A, 2, oversample=2)
    >>> np.round(s, 6).tolist()
    [5.0, 3.0]
    """
    if dim < 1 or oversample < 0 or power_iters < 0:
        raise ValueError(
            f"need dim={dim} >= 1, oversample={oversample} >= 0, power_iters={power_iters} >= 0"
        )
    n_rows, n_cols = M.shape
    dtype = np.float32 if M.dtype == np.float32 else np.float64
    width = min(dim + oversample, n_rows, n_cols)
    n_workers = _workers(workers)
    MT = sp.csr_matrix(M.T) if sp.issparse(M) else np.ascontiguousarray(np.asarray(M).T)

    def times(S, X: np.ndarray) -> np.ndarray:
        return _by_column_blocks(lambda B: np.asarray(S @ B), X, n_workers, block)

    Q = _orthonormal(_random_times(M, width, seed, dtype, n_workers, block))
    for _ in range(power_iters):
        Q = _orthonormal(times(MT, Q))
        Q = _orthonormal(times(M, Q))
    Q = _orthonormal(Q)  # the second CholeskyQR2 pass, for an accurate Qᵗ M
    # B = Qᵗ M = Zᵗ with Z = Mᵗ Q; B Bᵗ = Zᵗ Z = Ũ Σ² Ũᵗ gives U = Q Ũ and Vᵗ = Σ^-1 Ũᵗ Zᵗ
    Z = times(MT, Q)
    lam, U_b = np.linalg.eigh(_gram(Z))
    order = np.argsort(lam)[::-1]
    k = min(dim, width)
    s = np.sqrt(np.maximum(lam[order[:k]], 0.0))
    U_b = U_b[:, order]
    if with_vt:
        inv_s = np.zeros_like(s)
        big = s > (s[0] if s.size else 0.0) * 1e-12
        inv_s[big] = 1.0 / s[big]
        Vt = ((U_b[:, :k] * inv_s[None, :]).T.astype(dtype)) @ Z.T
    else:
        Vt = np.empty((0, n_cols), dtype=dtype)
    del Z
    U = _times_square(Q, U_b)[:, :k]  # Q is overwritten: U is a view of it
    return U, s, Vt


def band_pass(lam: np.ndarray, mu: float = 0.2, theta: float = 0.5) -> np.ndarray:
    """ProNE's filter ``g(λ) = exp(−½[(λ − μ)² − 1] θ)`` elementwise (§3.2)."""
    lam = np.asarray(lam, dtype=np.float64)
    return np.exp(-0.5 * ((lam - mu) ** 2 - 1.0) * theta)


def _check_filter(order: int, mu: float, theta: float) -> None:
    if order < 1:
        raise ValueError(f"order={order} must be >= 1")
    if not (np.isfinite(mu) and 0 <= mu <= 2):
        # |λ − μ| <= 2 for every λ in [0, 2] keeps y = (λ − μ)²/2 − 1 inside [−1, 1],
        # where the Chebyshev series converges
        raise ValueError(f"mu={mu} must be in [0, 2]")
    if not (np.isfinite(theta) and theta >= 0):
        raise ValueError(f"theta={theta} must be >= 0")


def _column_blocks(n_cols: int, block: int) -> list[slice]:
    return [slice(c, min(c + block, n_cols)) for c in range(0, n_cols, block)]


def _by_column_blocks(
    work: Callable[[np.ndarray], np.ndarray], X: np.ndarray, workers: int, block: int
) -> np.ndarray:
    """``work`` applied to each block of ``block`` columns of ``X`` (threads: scipy's sparse
    products and numpy's elementwise loops release the GIL), gathered into one array."""
    out = np.empty(X.shape, dtype=X.dtype)
    blocks = _column_blocks(X.shape[1], block)

    def one(cols: slice) -> None:
        out[:, cols] = work(np.ascontiguousarray(X[:, cols]))

    if workers > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(min(workers, len(blocks))) as pool:
            list(pool.map(one, blocks))
    else:
        for cols in blocks:
            one(cols)
    return out


def _workers(workers: int | None) -> int:
    return max(1, min(4, os.cpu_count() or 1) if workers is None else int(workers))


def _self_looped(W: sp.spmatrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """``Ŵ = W + I`` (float32 CSR) and ``1 / d̂``, its inverse degrees."""
    W, _ = _degrees(W, np.float32)
    W_hat = sp.csr_matrix(W + sp.eye(W.shape[0], dtype=np.float32, format="csr"))
    deg = np.asarray(W_hat.sum(axis=1), dtype=np.float64).ravel()
    return W_hat, (1.0 / deg).astype(np.float32)


def _filter_block(
    W_hat: sp.csr_matrix, inv_deg: np.ndarray, E: np.ndarray, order: int, mu: float, theta: float
) -> np.ndarray:
    """``g(L) E`` for one block of columns (:func:`band_pass_times`)."""

    minus_inv = -inv_deg[:, None]

    def shifted(X: np.ndarray) -> np.ndarray:  # (L − μ) X = (1 − μ) X − D̂^-1 Ŵ X
        Z = np.asarray(W_hat @ X)
        Z *= minus_inv
        Z += (1.0 - mu) * X
        return Z

    def y_times(X: np.ndarray) -> np.ndarray:  # Y X = (L − μ)² X / 2 − X
        Z = shifted(shifted(X))
        Z *= 0.5
        Z -= X
        return Z

    coef = [float(c) for c in iv(np.arange(series_terms(order, theta)), theta)]
    out = coef[0] * E
    prev, cur = E, E
    for k in range(1, len(coef)):
        nxt = y_times(cur)
        if k > 1:  # T_k = 2 Y T_{k-1} − T_{k-2}
            nxt *= 2.0
            nxt -= prev
        prev, cur = cur, nxt
        out += (2.0 * (-1) ** k * coef[k]) * cur
    out *= math.exp(-0.5 * theta)
    return out.astype(np.float32, copy=False)


def series_terms(order: int, theta: float) -> int:
    """Terms of the Chebyshev series actually summed: at most ``order``, and none whose
    coefficient ``2 I_k(θ)`` is below float32's resolution relative to ``I_0(θ)`` (as
    ``|T_k(y)| <= 1`` on [−1, 1], such a term cannot change a float32 result).  At the
    default θ = 0.5 that is 7 of 10, which saves 6 of the 18 sparse products.

    >>> series_terms(10, 0.5), series_terms(10, 5.0), series_terms(3, 0.5)
    (7, 10, 3)
    """
    coef = iv(np.arange(order), theta)
    small = np.flatnonzero(2.0 * coef < np.finfo(np.float32).eps * coef[0])
    return int(small[0]) if small.size else order


def _filter_operands(
    W: sp.spmatrix, E: np.ndarray, order: int, mu: float, theta: float
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """The checked inputs of the spectral filter: ``Ŵ = W + I``, ``D̂^-1`` and ``E`` as
    float32 with one row per user."""
    _check_filter(order, mu, theta)
    W_hat, inv_deg = _self_looped(W)
    E = np.asarray(E, dtype=np.float32)
    if E.ndim != 2 or E.shape[0] != W_hat.shape[0]:
        raise ValueError(f"E must have {W_hat.shape[0]} rows, got shape {E.shape}")
    return W_hat, inv_deg, E


def band_pass_times(
    W: sp.spmatrix,
    E: np.ndarray,
    order: int = 10,
    mu: float = 0.2,
    theta: float = 0.5,
    *,
    workers: int | None = None,
    block: int = 16,
) -> np.ndarray:
    """``L̃ E = g(L) E`` with ``L = I − D̂^-1 Ŵ`` and ``Ŵ = W + I`` (self-loops, as ProNE's
    released implementation: every user, isolated ones too, has a degree), by ``order``
    terms of the Chebyshev series (module docstring) — two sparse products per term, no
    eigendecomposition.

    With ``y = (λ − μ)²/2 − 1``, ``g(λ) = e^{−θ/2} e^{−θ y}`` and
    ``e^{−θy} = I_0(θ) + 2 Σ_{k≥1} (−1)^k I_k(θ) T_k(y)``; ``T_k(Y) E`` follows the
    three-term recurrence ``T_{k+1} = 2 Y T_k − T_{k−1}``.  The coefficients fall as
    ``(θ/2)^k / k!`` (at θ = 0.5 the tenth is 3e-13), so ``order = 10`` is the exact filter
    to float32 rounding, and terms below it are not summed (:func:`series_terms`).
    Columns are filtered independently, ``block`` at a time on ``workers`` threads
    (``None``: one per CPU, at most 4), so memory is O(V · block) per thread beyond ``E``
    and the result (about 0.5 GB per thread at a million users and ``block = 16``).
    """
    W_hat, inv_deg, E = _filter_operands(W, E, order, mu, theta)
    return _by_column_blocks(
        lambda X: _filter_block(W_hat, inv_deg, X, order, mu, theta), E, _workers(workers), block
    )


def _half_svd(X: np.ndarray) -> np.ndarray:
    """``U Σ^{1/2}`` of ``X``'s thin SVD, from the Gram matrix ``Xᵗ X = V Λ Vᵗ``:
    ``U Σ^{1/2} = X V Λ^-1/4`` (two BLAS-3 products; ``X`` is overwritten with the
    result).  Columns are ordered by decreasing singular value."""
    lam, V = np.linalg.eigh(_gram(X))
    V, lam = V[:, ::-1], lam[::-1]
    keep = lam > max(float(lam[0]), np.finfo(np.float64).tiny) * 1e-12
    scale = np.zeros_like(lam)
    scale[keep] = lam[keep] ** -0.25
    return _times_square(X, V * scale[None, :])


def chebyshev_propagate(
    W: sp.spmatrix,
    E: np.ndarray,
    order: int = 10,
    mu: float = 0.2,
    theta: float = 0.5,
    *,
    workers: int | None = None,
    block: int = 16,
) -> np.ndarray:
    """ProNE's spectral propagation (§3.2): ``Ŵ (E − L̃ E)`` with ``Ŵ = W + I`` and ``L̃ E``
    from :func:`band_pass_times`, orthogonalised to ``U Σ^{1/2}`` of its thin SVD (float32,
    V × dim).  The paper writes the last product with ``D^-1 A``; the released
    implementation multiplies by ``A + I`` unnormalised, and on BlogCatalog the latter gives
    the better F1 (0.6 point Micro-F1 at 10 % labelled, measured beside it).  An isolated
    user whose row of ``E`` is zero keeps a zero row.
    """
    W_hat, inv_deg, E = _filter_operands(W, E, order, mu, theta)

    def propagate(X: np.ndarray) -> np.ndarray:
        return np.asarray(W_hat @ (X - _filter_block(W_hat, inv_deg, X, order, mu, theta)))

    out = _by_column_blocks(propagate, E, _workers(workers), block)
    return _half_svd(out) if out.any() else out


def unit_rows(E: np.ndarray, *, inplace: bool = False) -> np.ndarray:
    """``E`` with every non-zero row scaled to unit length (zero rows stay zero); with
    ``inplace`` ``E`` itself is scaled (and returned)."""
    norm = np.linalg.norm(E, axis=1)
    inv = np.zeros_like(norm)
    np.divide(1.0, norm, out=inv, where=norm > 0)
    if inplace:
        E *= inv[:, None]
        return E
    return E * inv[:, None]


def prone_embedding(
    W: sp.spmatrix,
    dim: int = 128,
    seed: int = 0,
    *,
    order: int = 10,
    mu: float = 0.2,
    theta: float = 0.5,
    propagate: bool = True,
    negative: float = 1.0,
    alpha: float = 0.75,
    truncate: bool = False,
    power_iters: int = 2,
    workers: int | None = None,
) -> np.ndarray:
    """The ProNE embedding (V × dim', float32, ``dim' = min(dim, V)``): ``R = U Σ^{1/2}`` of
    :func:`prone_matrix` by :func:`randomized_tsvd`, its rows scaled to unit length (as the
    released implementation does before propagating), then (``propagate``)
    :func:`chebyshev_propagate`.  Time O(nnz(W) · dim) per pass, memory O(V · dim).
    """
    if dim < 1:
        raise ValueError(f"dim={dim} must be >= 1")
    _check_filter(order, mu, theta)
    n = W.shape[0]
    if n == 0:
        return np.zeros((0, dim), dtype=np.float32)
    M = prone_matrix(W, negative, alpha, truncate=truncate)
    if M.nnz == 0:
        return np.zeros((n, min(dim, n)), dtype=np.float32)
    U, s, _ = randomized_tsvd(
        M, min(dim, n), seed=seed, power_iters=power_iters, with_vt=False, workers=workers
    )
    R = U * np.sqrt(s).astype(np.float32)[None, :]
    del U
    # a user without ties has a zero row of M, so her row of U is rounding noise that
    # unit_rows would blow up to length 1
    isolated = M.getnnz(axis=1) == 0
    del M
    R[isolated] = 0.0
    R = unit_rows(R, inplace=True)
    if not propagate:
        return R.astype(np.float32)
    E = chebyshev_propagate(W, R, order, mu, theta, workers=workers)
    E[isolated] = 0.0
    return E
