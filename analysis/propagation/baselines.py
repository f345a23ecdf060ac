"""Trivial baselines every propagation method must beat: the majority topic and the
one-pass weighted vote of labelled neighbours.

Notation as in :mod:`analysis.propagation.graph`: ``W`` the neighbour matrix, ``Y`` the
binary seed matrix.

* **Majority topic**: every user gets the topic frequencies among the seed users,
  ``s_t = Σ_u Y[u, t] / Σ_{u,t} Y[u, t]`` (the same row for everyone).
* **One-pass weighted vote** (the neighbour-voting baseline of e.g. Macskassy & Provost,
  "Classification in networked data: a toolkit and a univariate case study", JMLR 8, 2007,
  their "weighted-vote relational neighbour" wvRN): the weighted share of a user's labelled
  neighbours that hold each topic, ``V[u, t] = Σ_v W[u, v] Y[v, t] / Σ_{v ∈ L} W[u, v]``
  with ``L`` the seed users.  A user's own seeds never vote for her (``W`` has a zero
  diagonal); a user without labelled neighbours gets the zero row.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> W = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float))
>>> Y = sp.csr_matrix(np.array([[0, 0], [1, 0], [1, 1]], dtype=float))
>>> weighted_vote(W, Y).tolist()[0]
[1.0, 0.5]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["majority_topic", "weighted_vote"]


def _check(W: sp.spmatrix, Y: sp.spmatrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    W = sp.csr_matrix(W, dtype=np.float64)
    Y = sp.csr_matrix(Y, dtype=np.float64)
    if W.shape[0] != W.shape[1] or Y.shape[0] != W.shape[0]:
        raise ValueError(f"W {W.shape} must be square and match Y {Y.shape} (users x topics)")
    if W.nnz and W.data.min() < 0:
        raise ValueError(f"neighbour weights must be >= 0, got {W.data.min()}")
    return W, Y


def majority_topic(Y: sp.spmatrix) -> np.ndarray:
    """(V, T): every row is the topic frequency among the seeds (zeros without seeds)."""
    Y = sp.csr_matrix(Y, dtype=np.float64)
    freq = np.asarray(Y.sum(axis=0)).ravel()
    total = freq.sum()
    row = freq / total if total > 0 else freq
    return np.tile(row, (Y.shape[0], 1))


def weighted_vote(W: sp.spmatrix, Y: sp.spmatrix) -> np.ndarray:
    """(V, T) one-pass weighted vote of labelled neighbours (module docstring)."""
    W, Y = _check(W, Y)
    labelled = (Y.getnnz(axis=1) > 0).astype(np.float64)
    weight = W @ labelled
    votes = np.asarray((W @ Y).todense())
    inv = np.zeros_like(weight)
    np.divide(1.0, weight, out=inv, where=weight > 0)
    return votes * inv[:, None]
