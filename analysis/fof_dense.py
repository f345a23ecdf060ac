"""Dense-chunk kernel of the friend-of-friend recommenders (:mod:`analysis.fof`).

On a dense graph (mean degree ≥ 60, e.g. a photo-sharing community's core) most accounts
are at distance two of most others, so the sparse product ``A[rows] @ A`` is nearly full
and building, sorting and ranking its sparse structure costs more than the arithmetic.
This kernel answers a chunk of recipients with flat arrays instead:

1. the chunk's rows of ``A[rows] @ A`` as one dense ``chunk × n`` block (AA: of
   ``A[rows] @ diag(1/ln deg) A``, the sparse kernel's own product, so sums are
   bit-identical);
2. mask ``v = u``, accounts ``u`` already follows, and ``candidate_mask``;
3. select the top ``k`` per row with ``argpartition`` on one int64 key
   ``score_q · n + (n − 1 − v)``, which orders by score descending and then by candidate
   index ascending — exactly the tie-break of :mod:`analysis.fof` (CN: ``score_q`` is the
   count; AA: the sum rounded half-up to 9 decimals, as an integer of 1e-9 units).

BB (scores are beauties, not integers) and keys that would overflow int64 are left to the
sparse kernel.  Aiello, Schifanella, Redi, Svetlichnaya, Liu, Osindero: "Beautiful and
damned. Combined effect of content quality and social ties on user engagement", IEEE TKDE
2017, §7 (the recommenders); Adamic & Adar, "Friends and neighbors on the Web", Social
Networks 2003 (AA).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["DENSE_MIN_FILL", "dense_chunk_rows", "dense_top_k", "use_dense"]

#: a chunk goes dense when its two-step paths are at least this share of chunk × n cells
DENSE_MIN_FILL = 0.25
#: cells (chunk × n) of one dense block: 4M int64 + 4M float64 ≈ 64 MB
DENSE_CELLS = 4_000_000
_AA_SCALE = 1e9


def dense_chunk_rows(n: int) -> int:
    """Recipients per dense block."""
    return max(1, DENSE_CELLS // max(n, 1))


def use_dense(method: str, n_paths: int, n_rows: int, n: int) -> bool:
    """Dense only pays when the block is well filled (and BB's float scores stay sparse)."""
    return method in ("cn", "aa") and n_paths >= DENSE_MIN_FILL * n_rows * n


def dense_top_k(
    adj: sp.csr_matrix,
    chunk: np.ndarray,
    method: str,
    k: int,
    weighted: sp.csr_matrix | None,
    candidate_mask: np.ndarray | None,
) -> tuple[np.ndarray, ...] | None:
    """Top-``k`` of ``method`` (cn / aa) for the recipients ``chunk`` as
    ``(users, candidates, rank, score, n_common)`` sorted by (user, rank), or None when an
    int64 key could overflow (the caller then uses the sparse kernel).  ``weighted`` is
    ``diag(1/ln deg) A`` for AA."""
    n = adj.shape[0]
    m = len(chunk)
    sub = adj[chunk]
    counts = (sub @ adj).toarray()
    if method == "aa":
        # the same sparse product as the sparse kernel: bit-identical sums
        q = np.floor((sub @ weighted).toarray() * _AA_SCALE + 0.5).astype(np.int64)
    else:
        q = counts.astype(np.int64, copy=False)
    if int(q.max(initial=0)) >= (2**62) // max(n, 1):
        return None
    key = q * n  # int64 block: score first, then the candidate index ascending
    key += (n - 1 - np.arange(n, dtype=np.int64))[None, :]
    key[counts == 0] = -1
    key[np.arange(m), chunk] = -1  # v = u
    fr = np.repeat(np.arange(m), np.diff(adj.indptr)[chunk])
    key[fr, sub.indices] = -1  # already followed
    if candidate_mask is not None:
        key[:, ~candidate_mask] = -1
    kk = min(k, n)
    part = (
        np.argpartition(key, n - kk, axis=1)[:, n - kk :]
        if kk < n
        else np.tile(np.arange(n), (m, 1))
    )
    pk = np.take_along_axis(key, part, 1)
    order = np.argsort(-pk, axis=1)  # keys are unique among candidates
    part = np.take_along_axis(part, order, 1)
    pk = np.take_along_axis(pk, order, 1)
    keep = pk >= 0
    rows = np.repeat(np.arange(m), keep.sum(axis=1))
    cand = part[keep].astype(np.int64)
    rank = (np.cumsum(keep, axis=1))[keep].astype(np.int64)
    n_common = counts[rows, cand].astype(np.int64)
    if method == "aa":
        score = q[rows, cand] / _AA_SCALE
    else:
        score = n_common.astype(float)
    return chunk[rows].astype(np.int64), cand, rank, score, n_common
