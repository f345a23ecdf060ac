"""The recommenders that need interests, on the same remaining graph as the others.

With seed interests ``S`` (users × topics, binary), on the remaining graph ``A'``:

* ``authority`` — ALF's recommender (Pal et al., WWW 2016, §5, Algorithm 2) on the
  authorities found again on ``A'`` (Algorithm 1, :func:`analysis.alf.find_authorities`
  with the parameters of :class:`analysis.alf.params.AlfParams`);
* ``most_followed_topics`` — the accounts with the most followers interested in one of the
  user's topics, ``max_{t ∈ I(u)} (A'ᵗ S)[v, t]``;
* ``topic_pagerank`` — topic-seeded PageRank (ALF §6.3's baseline) summed over the user's
  topics.

A user without a seed interest gets no list from the two topic baselines (a miss in
precision@k; the evaluation's ``users_served`` says how many were served); Algorithm 2
serves whoever follows an authority, its topics being those of the authorities the user
follows (§5).  :mod:`analysis.alf.follow_holdout` scores these methods for
``analyze authorities --holdout-follows``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from analysis.alf.algorithm1 import Propagation, algorithm1
from analysis.alf.authorities import (
    AuthorityResult,
    binary_seeds,
    find_authorities,
    topical_support,
)
from analysis.alf.params import ALF_DEFAULTS, AlfParams
from analysis.alf.recommend import algorithm2
from analysis.alf.table6 import topic_pagerank
from analysis.linkpred.baselines import best_accounts

__all__ = ["TOPIC_METHODS", "topic_authorities", "topic_recommendations"]

TOPIC_METHODS: tuple[str, ...] = ("authority", "most_followed_topics", "topic_pagerank")


def _binary(A_train: sp.spmatrix, seeds: sp.spmatrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    A = sp.csr_matrix(A_train, dtype=np.float64)
    return A, binary_seeds(seeds, A.shape[0])


def topic_authorities(
    A_train: sp.spmatrix,
    seeds: sp.spmatrix,
    params: AlfParams = ALF_DEFAULTS,
    support: np.ndarray | None = None,
    propagation: Propagation | None = None,
) -> AuthorityResult:
    """ALF's authorities of the graph ``A_train`` with the seed interests ``seeds`` (any
    positive value counts): Algorithm 1 with ``params``' Pass 1 denominator, then
    :func:`analysis.alf.find_authorities` with its filters and evidence rule; ``support``
    (:func:`analysis.alf.authorities.topical_support`) and ``propagation`` (Algorithm 1's
    result) are those of the same graph, seeds and ``params`` when the caller has them
    already."""
    A, S = _binary(A_train, seeds)
    n_in = np.asarray(A.sum(axis=0)).ravel()
    if support is None:
        support = topical_support(A, S)
    if propagation is None:
        propagation = algorithm1(A, S, pass1_denominator=params.pass1_denominator)
    F = propagation.F
    return find_authorities(F, n_in, support=support, **params.filters())


def topic_recommendations(
    A_train: sp.spmatrix,
    seeds: sp.spmatrix,
    users: np.ndarray,
    k: int = 10,
    params: AlfParams = ALF_DEFAULTS,
    authorities: AuthorityResult | None = None,
) -> dict[str, dict[int, list[int]]]:
    """``{method: {user: ranked accounts}}`` for every method of :data:`TOPIC_METHODS`;
    ``authorities`` are :func:`topic_authorities` of the same graph, seeds and ``params``
    when the caller has found them already (None: found here)."""
    A, S = _binary(A_train, seeds)
    users = np.asarray(users, dtype=np.int64)
    support = topical_support(A, S)
    auth = authorities if authorities is not None else topic_authorities(A, S, params, support)
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
