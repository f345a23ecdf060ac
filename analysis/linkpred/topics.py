"""The recommenders that need interests, on the same remaining graph as the others.

With seed interests ``S`` (users × topics, binary), on the remaining graph ``A'``:

* ``authority`` — ALF's recommender (Pal et al., WWW 2016, §5, Algorithm 2) on the
  authorities found again on ``A'`` (Algorithm 1, :func:`analysis.alf.find_authorities`
  with the parameters of :class:`analysis.alf.params.AlfParams`);
* ``most_followed_topics`` — the accounts with the most followers interested in one of the
  user's topics, ``max_{t ∈ I(u)} (A'ᵗ S)[v, t]``;
* ``topic_pagerank`` — topic-seeded PageRank (ALF §6.3's baseline) summed over the user's
  topics.

A user without a seed interest gets no list from them (a miss in precision@k; the
evaluation's ``users_served`` says how many were served).  These are the methods of
:mod:`analysis.alf.follow_holdout`, computed for an arbitrary hold-out.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from analysis.alf.algorithm1 import algorithm1
from analysis.alf.authorities import find_authorities, topical_support
from analysis.alf.params import ALF_DEFAULTS, AlfParams
from analysis.alf.recommend import algorithm2
from analysis.alf.table6 import topic_pagerank
from analysis.linkpred.baselines import best_accounts

__all__ = ["TOPIC_METHODS", "topic_recommendations"]

TOPIC_METHODS: tuple[str, ...] = ("authority", "most_followed_topics", "topic_pagerank")


def topic_recommendations(
    A_train: sp.spmatrix,
    seeds: sp.spmatrix,
    users: np.ndarray,
    k: int = 10,
    params: AlfParams = ALF_DEFAULTS,
) -> dict[str, dict[int, list[int]]]:
    """``{method: {user: ranked accounts}}`` for every method of :data:`TOPIC_METHODS`."""
    A = sp.csr_matrix(A_train, dtype=np.float64)
    S = sp.csr_matrix(seeds, dtype=np.float64).copy()
    if S.shape[0] != A.shape[0]:
        raise ValueError(f"seeds have {S.shape[0]} rows, the graph {A.shape[0]}")
    S.eliminate_zeros()
    S.data[:] = 1.0
    users = np.asarray(users, dtype=np.int64)
    n_in = np.asarray(A.sum(axis=0)).ravel()
    support = topical_support(A, S)
    F = algorithm1(A, S, pass1_denominator=params.pass1_denominator).F
    auth = find_authorities(F, n_in, support=support, **params.filters())
    out: dict[str, dict[int, list[int]]] = {m: {} for m in TOPIC_METHODS}
    for u, recs in zip(users, algorithm2(A, auth.ranked, users, k=k), strict=True):
        out["authority"][int(u)] = [int(v) for v in recs]
    R, _ = topic_pagerank(A, S)
    for u in users:
        topics = S.indices[S.indptr[u] : S.indptr[u + 1]]
        exclude = np.zeros(A.shape[0], dtype=bool)
        exclude[A.indices[A.indptr[u] : A.indptr[u + 1]]] = True
        exclude[u] = True
        if len(topics):
            mf = support[:, topics].max(axis=1)
            out["most_followed_topics"][int(u)] = best_accounts(mf, ~exclude, k)
            out["topic_pagerank"][int(u)] = best_accounts(R[:, topics].sum(axis=1), ~exclude, k)
        else:
            out["most_followed_topics"][int(u)] = []
            out["topic_pagerank"][int(u)] = []
    return out
