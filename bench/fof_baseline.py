"""A plain chunked sparse ``A[rows] @ A`` friend-of-friend recommender: the baseline that
``bench/bench_recommend.py`` times the batch kernel (:mod:`analysis.fof`) against.

Per chunk of recipients: the sparse product (CN counts, or AA weights ``1/ln deg`` summed),
minus the accounts already followed and the recipient herself, scores rounded like the
kernel, then a per-row top-k by (score desc, candidate index asc) from one lexsort.  It
gives the kernel's answers (checked by the benchmark), written the obvious way.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def plain_recommend(adj: sp.csr_matrix, method: str, k: int = 10, chunk: int = 2000):
    """(users, candidates, rank, score) of CN or AA for every row of ``adj`` (binary CSR
    without self-loops)."""
    n = adj.shape[0]
    rhs = adj
    if method == "aa":
        deg = np.asarray(adj.sum(axis=0)).ravel() + np.asarray(adj.sum(axis=1)).ravel()
        w = np.zeros(n)
        ok = deg >= 2
        w[ok] = 1.0 / (np.log10(deg[ok].astype(float)) * 2.302585092994046)
        rhs = (sp.diags(w) @ adj).tocsr()
    out = []
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        sub = adj[a:b]
        C = (sub @ rhs).tocsr()
        C = C - C.multiply(sub)  # drop accounts already followed
        C.setdiag(0, k=a)  # and the recipient herself
        C.eliminate_zeros()
        C.sort_indices()
        rows = np.repeat(np.arange(a, b), np.diff(C.indptr))
        score = C.data if method == "cn" else np.floor(C.data * 1e9 + 0.5) / 1e9
        order = np.lexsort((C.indices, -score, rows))
        rows, cols, score = rows[order], C.indices[order], score[order]
        starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
        rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)])) + 1
        top = rank <= k
        out.append((rows[top], cols[top].astype(np.int64), rank[top], score[top]))
    return tuple(np.concatenate(p) for p in zip(*out, strict=True))


def plain_dense_recommend(adj: sp.csr_matrix, method: str, k: int = 10, chunk: int = 500):
    """The same answers from dense blocks: ``(A[rows] @ A).toarray()``, masked, then
    ``argpartition`` per row on one int64 key (score, then candidate index)."""
    n = adj.shape[0]
    rhs = adj.astype(np.float64)
    if method == "aa":
        deg = np.asarray(adj.sum(axis=0)).ravel() + np.asarray(adj.sum(axis=1)).ravel()
        w = np.zeros(n)
        ok = deg >= 2
        w[ok] = 1.0 / (np.log10(deg[ok].astype(float)) * 2.302585092994046)
        rhs = (sp.diags(w) @ adj).tocsr()
    tie = (n - 1 - np.arange(n, dtype=np.int64))[None, :]
    out = []
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        sub = adj[a:b]
        S = (sub @ rhs).toarray()
        q = S.astype(np.int64) if method == "cn" else np.floor(S * 1e9 + 0.5).astype(np.int64)
        key = q * n + tie
        key[S == 0] = -1
        key[sub.toarray() > 0] = -1
        key[np.arange(b - a), np.arange(a, b)] = -1
        part = np.argpartition(key, n - k, axis=1)[:, n - k :]
        pk = np.take_along_axis(key, part, 1)
        order = np.argsort(-pk, axis=1)
        part, pk = np.take_along_axis(part, order, 1), np.take_along_axis(pk, order, 1)
        keep = pk >= 0
        rows = np.repeat(np.arange(a, b), keep.sum(axis=1))
        rank = np.cumsum(keep, axis=1)[keep]
        score = (pk[keep] // n).astype(float)
        out.append(
            (rows, part[keep].astype(np.int64), rank, score if method == "cn" else score / 1e9)
        )
    return tuple(np.concatenate(p) for p in zip(*out, strict=True))
