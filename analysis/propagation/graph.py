"""Inputs shared by every propagation method: the checked follower graph, the seed
matrix and the symmetric neighbour matrix.

Notation.  ``A`` (V × V) is the follow matrix, ``A[u, v] = 1`` iff ``u`` follows ``v``;
``Y`` (V × T) is the binary seed matrix, ``Y[u, t] = 1`` iff user ``u`` has a seed interest
in topic ``t`` (declared, bio, tags or images); a *seed user* has a non-zero row.  The
neighbour matrix ``W`` (V × V, symmetric, zero diagonal) says how strongly two users are
tied: with ``direction="both"`` ``W = A + Aᵗ`` (a mutual tie weighs 2), with ``"out"``
``W[u, v] = A[u, v]`` (a user learns only from the accounts she follows) and with ``"in"``
``W[u, v] = A[v, u]`` (only from her followers).  ``"out"`` and ``"in"`` are not symmetric;
methods that need symmetry (label spreading, the spectral embedding) use ``"both"``.

Example
-------
>>> import numpy as np
>>> g = PropagationGraph.from_edges([0, 1], [1, 2], 3)
>>> g.W.toarray().tolist()
[[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from analysis.alf.algorithm1 import follow_matrix

__all__ = ["DIRECTIONS", "PropagationGraph", "check_seeds", "neighbour_matrix", "seed_users"]

#: which ties carry a neighbour's interests to a user
DIRECTIONS = ("both", "out", "in")


def neighbour_matrix(A: sp.spmatrix, direction: str = "both") -> sp.csr_matrix:
    """``W`` from the follow matrix ``A`` (see the module notation); self-ties dropped."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction={direction!r} must be one of {DIRECTIONS}")
    A = sp.csr_matrix(A, dtype=np.float64)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"follow matrix must be square, got shape {A.shape}")
    W = {"both": lambda: A + A.T, "out": lambda: A, "in": lambda: A.T}[direction]()
    W = sp.csr_matrix(W)
    W.setdiag(0.0)
    W.eliminate_zeros()
    W.sort_indices()
    return W


def check_seeds(Y: Any, n_users: int) -> sp.csr_matrix:
    """The seed matrix as binary CSR float64 (V × T); refuses a wrong shape or negative /
    non-finite entries, naming them."""
    Y = sp.csr_matrix(Y if sp.issparse(Y) else np.asarray(Y, dtype=np.float64), dtype=np.float64)
    if Y.ndim != 2 or Y.shape[0] != n_users:
        raise ValueError(f"seed matrix must be users x topics with {n_users} rows, got {Y.shape}")
    if Y.nnz and (not np.isfinite(Y.data).all() or Y.data.min() < 0):
        bad = np.flatnonzero(~np.isfinite(Y.data) | (Y.data < 0))[0]
        raise ValueError(f"seed scores must be finite and >= 0, got {Y.data[bad]}")
    Y = Y.copy()
    Y.eliminate_zeros()
    Y.data[:] = 1.0
    return Y


def seed_users(Y: sp.csr_matrix) -> np.ndarray:
    """Indices of the users with at least one seed interest."""
    return np.flatnonzero(Y.getnnz(axis=1) > 0)


@dataclass(frozen=True)
class PropagationGraph:
    """The follower graph as every method needs it, computed once.

    ``A`` is the follow matrix; ``W`` the symmetric neighbour matrix (``direction="both"``)
    and ``W_dir`` the one of ``direction``.  Label-independent work (the spectral embedding)
    is cached on the instance, so a cross-validation or a hold-out evaluation that runs a
    method on many seed matrices pays for it once.
    """

    A: sp.csr_matrix
    direction: str = "both"
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.A.shape[0] != self.A.shape[1]:
            raise ValueError(f"follow matrix must be square, got shape {self.A.shape}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction={self.direction!r} must be one of {DIRECTIONS}")

    @classmethod
    def from_edges(cls, src, dst, n_users: int, direction: str = "both") -> PropagationGraph:
        """From follow edges ``src[i] -> dst[i]`` over users ``0..n_users-1``."""
        return cls(A=follow_matrix(src, dst, n_users), direction=direction)

    @classmethod
    def from_matrix(cls, A, direction: str = "both") -> PropagationGraph:
        A = sp.csr_matrix(A, dtype=np.float64)
        A.setdiag(0.0)
        A.eliminate_zeros()
        A.data[:] = 1.0
        return cls(A=A, direction=direction)

    @property
    def n_users(self) -> int:
        return int(self.A.shape[0])

    @cached_property
    def W(self) -> sp.csr_matrix:
        return neighbour_matrix(self.A, "both")

    @cached_property
    def W_dir(self) -> sp.csr_matrix:
        return self.W if self.direction == "both" else neighbour_matrix(self.A, self.direction)

    @cached_property
    def has_ties(self) -> np.ndarray:
        """(V,) bool: the user has at least one tie in ``W_dir`` (a source of evidence)."""
        return self.W_dir.getnnz(axis=1) > 0
