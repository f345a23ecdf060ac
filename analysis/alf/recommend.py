"""The authority-based recommender (ALF §5, Algorithm 2, Eq. 10).

Enthusiasm ``a_tu = |{v ∈ A_t : u → v}|`` is the number of authorities on ``t`` that ``u``
follows (Eq. 10).  For every topic with ``a_tu > â`` the first ``b̂`` authorities of the
ordered list ``A_t`` that ``u`` does not follow yet are recommended (Algorithm 2).  ``u``
herself is never recommended to herself (the paper's graph has no self-follows, so
Algorithm 2 is silent on it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.recommend_params import RECOMMEND_DEFAULTS, check_values

__all__ = ["algorithm2", "authority_recommendations", "enthusiasm"]


def enthusiasm(A, ranked: list[np.ndarray]) -> np.ndarray:
    """(V, T) matrix of ``a_tu`` (Eq. 10) — users × topics, the paper's transpose."""
    A = sp.csr_matrix(A, dtype=np.float64)
    V, T = A.shape[0], len(ranked)
    empty = np.zeros(0, dtype=np.int64)
    rows = np.concatenate([np.asarray(r, dtype=np.int64) for r in ranked]) if T else empty
    cols = np.concatenate([np.full(len(r), t) for t, r in enumerate(ranked)]) if T else empty
    member = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(V, T))
    return np.asarray((A @ member).todense())


def authority_recommendations(
    A, ranked: list[np.ndarray], user: int, *, a_hat: int = 0, b_hat: int = 10
) -> pd.DataFrame:
    """Algorithm 2 for one user: a frame ``user, topic, rank, enthusiasm`` in the order
    topics are visited (topic index) and, within a topic, the authority order of ``A_t``.
    """
    A = sp.csr_matrix(A)
    V = A.shape[0]
    if not 0 <= user < V:
        raise ValueError(f"user={user} outside 0..{V - 1}")
    if b_hat < 1 or a_hat < 0:
        raise ValueError(f"need b_hat={b_hat} >= 1 and a_hat={a_hat} >= 0")
    follows = set(A.indices[A.indptr[user] : A.indptr[user + 1]].tolist())
    out = []
    for t, auth in enumerate(ranked):
        a_tu = sum(1 for v in auth if int(v) in follows)
        if a_tu <= a_hat:
            continue
        phi = 0
        for v in auth:
            if phi >= b_hat:
                break
            v = int(v)
            if v != user and v not in follows:
                phi += 1
                out.append((v, t, phi, a_tu))
    return pd.DataFrame(out, columns=["user", "topic", "rank", "enthusiasm"])


def algorithm2(
    A,
    ranked: list[np.ndarray],
    users,
    *,
    k: int = RECOMMEND_DEFAULTS.k,
    a_hat: int = 0,
    b_hat: int | None = None,
) -> list[np.ndarray]:
    """Algorithm 2 for many users at once, in the order of ``cypher/recommend_authority``:
    topics by decreasing enthusiasm ``a_tu`` (Eq. 10, ``> a_hat``), then topic index; within
    a topic the first ``b_hat`` (default ``k``) authorities of ``A_t`` not yet followed (and
    not the user); the union cut to ``k``.  Returns one array of account indices per user.
    ``k`` is the recommender's (:data:`analysis.recommend_params.RECOMMEND_DEFAULTS`, checked
    by its rule).
    """
    A = sp.csr_matrix(A)
    V = A.shape[0]
    users = np.asarray(users, dtype=np.int64)
    if users.size and (users.min() < 0 or users.max() >= V):
        raise ValueError(f"users must be in 0..{V - 1}")
    k = check_values(k=k)["k"]
    b_hat = k if b_hat is None else int(b_hat)
    if b_hat < 1 or a_hat < 0:
        raise ValueError(f"need b_hat={b_hat} >= 1 and a_hat={a_hat} >= 0")
    E = enthusiasm(A, ranked)
    out = []
    for u in users:
        u = int(u)
        follows = set(A.indices[A.indptr[u] : A.indptr[u + 1]].tolist())
        a_u = E[u]
        topics = [t for t in np.lexsort((np.arange(len(ranked)), -a_u)) if a_u[t] > a_hat]
        recs: list[int] = []
        for t in topics:
            phi = 0
            for v in ranked[t]:
                if phi >= b_hat or len(recs) >= k:
                    break
                v = int(v)
                if v != u and v not in follows:
                    recs.append(v)
                    phi += 1
            if len(recs) >= k:
                break
        out.append(np.asarray(recs, dtype=np.int64))
    return out
