"""Label spreading (Zhou, Bousquet, Lal, Weston & Schölkopf, "Learning with Local and
Global Consistency", Advances in Neural Information Processing Systems 16, NIPS 2003,
MIT Press 2004; reference [2] of :mod:`analysis.propagation`).

Notation (paper → code).  The affinity ``W`` is the symmetric neighbour matrix of
:mod:`analysis.propagation.graph` (zero diagonal), ``D`` its degree matrix and
``S = D^-1/2 W D^-1/2`` the symmetrically normalised adjacency; ``Y`` (V × T) the binary
seed matrix and ``α ∈ (0, 1)`` the share of a score that comes from the neighbours.  The
iteration ``F(t+1) = α S F(t) + (1 - α) Y`` (the paper's Eq. 1 of §2, step 3) converges to
``F* = (1 - α)(I - α S)^-1 Y`` (§2, the closed form); here it is run from ``F(0) = Y``
until ``max |F(t+1) - F(t)| <= tol · max |F(t+1)|``.  Users without ties (``D_uu = 0``)
keep ``(1 - α) Y_u``.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> W = sp.csr_matrix(np.array([[0, 1], [1, 0]], dtype=float))
>>> r = label_spreading(W, sp.csr_matrix(np.array([[1.0], [0.0]])), alpha=0.5)
>>> [round(float(x), 4) for x in r.F[:, 0]]          # (1-α)(I-αS)^-1 Y = [2/3, 1/3]
[0.6667, 0.3333]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["Spreading", "label_spreading", "normalised_adjacency"]


def normalised_adjacency(W: sp.spmatrix) -> sp.csr_matrix:
    """``S = D^-1/2 W D^-1/2`` (isolated users give zero rows and columns)."""
    W = sp.csr_matrix(W, dtype=np.float64)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square, got shape {W.shape}")
    if W.nnz and W.data.min() < 0:
        raise ValueError(f"affinities must be >= 0, got {W.data.min()}")
    if (abs(W - W.T) > 1e-12).nnz:
        raise ValueError("label spreading needs a symmetric affinity W (use direction='both')")
    deg = np.asarray(W.sum(axis=1)).ravel()
    inv_sqrt = np.zeros_like(deg)
    np.divide(1.0, np.sqrt(deg), out=inv_sqrt, where=deg > 0)
    D = sp.diags(inv_sqrt)
    return sp.csr_matrix(D @ W @ D)


@dataclass(frozen=True)
class Spreading:
    """``F`` (V × T) after ``iterations`` steps; ``converged`` says whether ``tol`` was met."""

    F: np.ndarray
    alpha: float
    iterations: int
    converged: bool


def label_spreading(
    W: sp.spmatrix,
    Y: sp.spmatrix | np.ndarray,
    alpha: float = 0.9,
    *,
    tol: float = 1e-6,
    max_iter: int = 1000,
) -> Spreading:
    """Zhou et al.'s label spreading (module docstring); warns when ``max_iter`` is reached."""
    if not (np.isfinite(alpha) and 0 < alpha < 1):
        raise ValueError(f"alpha={alpha} must be in (0, 1)")
    if max_iter < 1 or not tol > 0:
        raise ValueError(f"need max_iter={max_iter} >= 1 and tol={tol} > 0")
    S = normalised_adjacency(W)
    Y = Y.toarray() if isinstance(Y, sp.spmatrix | sp.sparray) else np.asarray(Y, dtype=float)
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim != 2 or Y.shape[0] != S.shape[0]:
        raise ValueError(f"Y must be users x topics with {S.shape[0]} rows, got {Y.shape}")
    base = (1.0 - alpha) * Y
    F = Y.copy()
    for it in range(1, max_iter + 1):
        new = alpha * (S @ F) + base
        scale = float(np.abs(new).max()) if new.size else 0.0
        delta = float(np.abs(new - F).max()) if new.size else 0.0
        F = new
        if delta <= tol * max(scale, 1e-300):
            return Spreading(F=F, alpha=float(alpha), iterations=it, converged=True)
    warnings.warn(
        f"label spreading did not converge in {max_iter} iterations (alpha={alpha}, tol={tol})",
        stacklevel=2,
    )
    return Spreading(F=F, alpha=float(alpha), iterations=max_iter, converged=False)
