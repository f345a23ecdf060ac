"""Answering users with a fitted ranker from an index, one user's neighbourhood at a time.

A :class:`ServingIndex` holds what a ranker needs about the whole graph, computed once per
graph (and kept beside the model by the caller): the follow matrix and its transpose, each
account's degrees, Adamic–Adar and resource-allocation weights and PageRank
(:class:`analysis.linkpred.signals.GraphStats`), the unit rows of the embedding, the unit
interest rows and their transpose, the interest signals (propagated interests and topical
authorities, :mod:`analysis.linkpred.interests`), beauty, the forlorn mask and the
most-followed accounts.
:func:`user_candidates` then computes one user's candidate pairs and their features with
the same columns, the same values and the same choice of candidates as the block path of
training (:func:`analysis.linkpred.candidates.candidates` over
:func:`analysis.linkpred.signals.block_signals`):

* the paths (CN, AA, RA, length three) are the user's sparse rows (:func:`path_rows`), which
  reach only the accounts within three hops;
* personalised PageRank is the local push of :func:`analysis.linkpred.signals.ppr_push`,
  which touches only the accounts the walk reaches with enough mass;
* interest overlap is the user's sparse row against the users who share a topic;
* the embedding's cosine and the interest match are one matrix–vector product each, and
  the authority score one gather (the signals that read every account);
* the per-source choice of candidates is the block path's own function over one row, so
  ties at a source's cut fall the same way.

``tests/test_linkpred_serving.py`` holds the pairs and every feature equal to the block
path's on test graphs, and the top-``k`` lists equal to :meth:`LearnedRanker.recommend`.

>>> import numpy as np, scipy.sparse as sp
>>> from analysis.linkpred.learned import fit_ranker
>>> rng = np.random.default_rng(0)
>>> up = np.triu(rng.random((120, 120)) < 0.08, 1)
>>> A = sp.csr_matrix((up | up.T).astype(float))
>>> ranker = fit_ranker(A, rng=np.random.default_rng(1), n_users=60, rounds=2)
>>> index = build_index(A, ranker)
>>> served = recommend_users(index, ranker, np.array([0, 1]), k=3)
>>> served == ranker.recommend(A, np.array([0, 1]), k=3)
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from analysis.linkpred.candidates import (
    RELATIVE,
    RELATIVE_OPTIONAL,
    Candidates,
    bb_window_scores,
    beauty_columns,
    top_allowed,
    unit_interest_rows,
    within_user,
)
from analysis.linkpred.interests import (
    InterestSignals,
    authority_row,
    interest_signals,
    match_row,
)
from analysis.linkpred.signals import (
    GraphStats,
    cosine_row,
    graph_stats,
    path_rows,
    ppr_push,
    unit_rows,
)
from analysis.recommend_params import RECOMMEND_DEFAULTS

if TYPE_CHECKING:
    from analysis.linkpred.learned import LearnedRanker

__all__ = [
    "ServingIndex",
    "build_index",
    "one_user_probabilities",
    "recommend_users",
    "scored_users",
    "user_candidates",
]


@dataclass(frozen=True)
class ServingIndex:
    """What a ranker needs about the whole graph to answer any user (module docstring).

    ``followers`` is ``A`` transposed (row ``v``: who follows ``v``); ``unit`` the unit rows
    of the ranker's embedding of ``A`` (None without one); ``topics`` the unit rows of the
    interest matrix and ``topics_t`` its transpose (None without interests); ``interests``
    the interest signals of ``A`` and the seed interests (None without seeds); ``popular``
    the ranker's most-followed accounts, most followed first.
    """

    g: GraphStats
    followers: sp.csr_matrix
    unit: np.ndarray | None
    topics: sp.csr_matrix | None
    topics_t: sp.csr_matrix | None
    beauty: np.ndarray | None
    forlorn: np.ndarray | None
    popular: np.ndarray
    interests: InterestSignals | None = None

    @property
    def n(self) -> int:
        return int(self.g.A.shape[0])

    def followees(self, u: int) -> np.ndarray:
        """The accounts ``u`` follows (ascending)."""
        return self.g.A.indices[self.g.A.indptr[u] : self.g.A.indptr[u + 1]]

    def followers_of(self, v: int) -> np.ndarray:
        """The accounts that follow ``v`` (ascending)."""
        return self.followers.indices[self.followers.indptr[v] : self.followers.indptr[v + 1]]

    def common(self, u: int, v: int) -> np.ndarray:
        """The accounts ``u`` follows that follow ``v``: the paths ``u → w → v``."""
        return np.intersect1d(self.followees(u), self.followers_of(v), assume_unique=True)


def build_index(
    A: sp.spmatrix,
    ranker: LearnedRanker,
    labels: sp.spmatrix | None = None,
    beauty: np.ndarray | None = None,
    forlorn: np.ndarray | None = None,
    seeds: sp.spmatrix | None = None,
) -> ServingIndex:
    """The index of the graph ``A`` for ``ranker``: its statistics, the ranker's embedding
    of it, the interests, the interest signals of ``A`` and the seed interests, beauty and
    forlorn mask (the ``labels``, ``seeds``, ``beauty``, ``forlorn`` the ranker was fitted
    with)."""
    g = graph_stats(A)
    unit = None
    if ranker.embedder is not None:
        unit = unit_rows(ranker.embedder(g.A))
    topics = unit_interest_rows(labels) if labels is not None else None
    return ServingIndex(
        g=g,
        followers=g.A.T.tocsr(),
        unit=unit,
        topics=topics,
        topics_t=topics.T.tocsr() if topics is not None else None,
        beauty=None if beauty is None else np.asarray(beauty, dtype=float),
        forlorn=None if forlorn is None else np.asarray(forlorn),
        popular=np.argsort(-g.in_deg, kind="stable")[: ranker.popular],
        interests=interest_signals(g.A, seeds) if seeds is not None else None,
    )


def _dense(n: int, index: np.ndarray, value: np.ndarray) -> np.ndarray:
    row = np.zeros(n)
    row[index] = value
    return row


def _at(row: sp.csr_matrix, items: np.ndarray) -> np.ndarray:
    """The entries of a one-row sparse matrix at ``items`` (0 where absent)."""
    order = np.argsort(row.indices, kind="stable")
    cols, vals = row.indices[order], row.data[order]
    pos = np.minimum(np.searchsorted(cols, items), max(len(cols) - 1, 0))
    hit = (cols[pos] == items) if len(cols) else np.zeros(len(items), dtype=bool)
    return np.where(hit, vals[pos] if len(cols) else 0.0, 0.0)


def user_candidates(index: ServingIndex, u: int, per_source: int, popular: int) -> Candidates:
    """The candidate pairs of user ``u`` and their features: the same as
    :func:`analysis.linkpred.candidates.candidates` gives for ``u`` over
    :func:`analysis.linkpred.signals.block_signals` (module docstring)."""
    g, n = index.g, index.n
    two, aa, ra, paths3 = path_rows(g, np.array([u]))
    ppr = ppr_push(g, u, 0.15)
    ppr_local = ppr_push(g, u, 0.5)
    allowed = np.ones((1, n), dtype=bool)
    allowed[0, index.followees(u)] = False
    allowed[0, u] = False  # never recommend u to u
    found = np.zeros((1, n), dtype=np.int8)
    found |= top_allowed(aa.toarray(), allowed, per_source).astype(np.int8)
    found |= (
        top_allowed(_dense(n, ppr.index, ppr.value)[None, :], allowed, per_source).astype(np.int8)
        << 1
    )
    emb = cosine_row(index.unit, u) if index.unit is not None else None
    if emb is not None:
        found |= top_allowed(emb[None, :] + 1.0, allowed, per_source).astype(np.int8) << 2
    found[0, index.popular[:popular]] |= allowed[0, index.popular[:popular]].astype(np.int8) << 3
    topic = None
    if index.topics is not None and index.topics_t is not None:
        topic = index.topics[[u]] @ index.topics_t
        found |= top_allowed(topic.toarray(), allowed, per_source).astype(np.int8) << 4
    cn_row = two.toarray()
    if index.beauty is not None:
        found |= (
            top_allowed(
                bb_window_scores(index.beauty, np.array([u]), cn_row), allowed, per_source
            ).astype(np.int8)
            << 5
        )
    authority = match = None
    if index.interests is not None:
        authority = authority_row(index.interests, u)
        match = match_row(index.interests, u)
        found |= top_allowed(authority[None, :], allowed, per_source).astype(np.int8) << 6
    item = np.flatnonzero(found[0])
    signals = (two, aa, ra, paths3, ppr, ppr_local, emb, topic, authority, match)
    return _features(index, u, item, found[0, item], *signals)


def _features(
    index, u, item, found_by, two, aa, ra, paths3, ppr, ppr_local, emb, topic, authority, match
):
    """The feature rows of ``u``'s candidates ``item`` (the candidates' columns)."""
    g = index.g
    m = len(item)
    cn = _at(two, item)
    union = g.out_deg[u] + g.in_deg[item] - cn
    cols = {
        "cn": cn,
        "aa": _at(aa, item),
        "ra": _at(ra, item),
        "paths3": _at(paths3, item),
        "jaccard": np.divide(cn, union, out=np.zeros_like(cn), where=union > 0),
        "ppr": _dense_at(ppr.index, ppr.value, item),
        "ppr_local": _dense_at(ppr_local.index, ppr_local.value, item),
        "emb": emb[item].astype(np.float64) if emb is not None else np.zeros(m),
        "u_out": np.full(m, g.out_deg[u]),
        "u_in": np.full(m, g.in_deg[u]),
        "v_in": g.in_deg[item],
        "v_out": g.out_deg[item],
        "v_pagerank": g.pagerank[item],
        "follows_back": np.isin(item, index.followers_of(u)).astype(np.float64),
    }
    if topic is not None:
        cols["topic_overlap"] = _at(topic, item)
    if authority is not None and match is not None:
        cols["authority"] = authority[item]
        cols["interest_match"] = match[item]
    if index.beauty is not None:
        cols.update(beauty_columns(index.beauty, index.forlorn, u, item))
    row = np.zeros(m, dtype=np.int64)
    for name in RELATIVE + tuple(c for c in RELATIVE_OPTIONAL if c in cols):
        cols[f"{name}_share"], cols[f"{name}_rank"] = within_user(row, cols[name])
    names = tuple(cols)
    return Candidates(
        user=np.full(m, u, dtype=np.int64),
        item=item.astype(np.int64),
        X=np.column_stack([cols[c] for c in names]).astype(np.float64),
        names=names,
        found_by=found_by,
    )


def _dense_at(index: np.ndarray, value: np.ndarray, items: np.ndarray) -> np.ndarray:
    """A push result's value at ``items`` (its ``index`` is ascending; 0 where absent)."""
    pos = np.minimum(np.searchsorted(index, items), max(len(index) - 1, 0))
    if not len(index):
        return np.zeros(len(items))
    return np.where(index[pos] == items, value[pos], 0.0)


@functools.cache
def _threadpools():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_user_probabilities(ranker: LearnedRanker, X: np.ndarray) -> np.ndarray:
    """The model's probability of each of one user's pairs, on one thread.  The gradient
    boosting predictor opens an OpenMP parallel region per tree; for a few hundred rows the
    threads only wait for each other — on a busy two-core machine a hundred trees took
    50–130 ms this way against 2–5 ms on one thread.  The numbers are the same: the rows,
    not the trees, are split among threads."""
    with _threadpools().limit(limits=1):
        return ranker.model.predict_proba(X)[:, 1]  # type: ignore[attr-defined]


def _blocks(users: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for i in range(0, len(users), size):
        yield users[i : i + size]


def scored_users(
    index: ServingIndex,
    ranker: LearnedRanker,
    users: np.ndarray,
    block: int = 256,
    score: bool = True,
) -> Iterator[tuple[Candidates, np.ndarray | None]]:
    """Each block of ``users``' candidate pairs (:func:`user_candidates`, stacked) with the
    ranker's probability of every pair, one model call per block (None with ``score``
    False: the caller scores them elsewhere)."""
    for chunk in _blocks(np.asarray(users, dtype=np.int64), block):
        parts = [user_candidates(index, int(u), ranker.per_source, ranker.popular) for u in chunk]
        parts = [c for c in parts if len(c.item)]
        if not parts:
            continue
        c = Candidates(
            user=np.concatenate([p.user for p in parts]),
            item=np.concatenate([p.item for p in parts]),
            X=np.concatenate([p.X for p in parts]),
            names=parts[0].names,
            found_by=np.concatenate([p.found_by for p in parts]),
        )
        if not score:
            yield c, None
            continue
        yield c, ranker.model.predict_proba(c.X)[:, 1]  # type: ignore[attr-defined]


def recommend_users(
    index: ServingIndex,
    ranker: LearnedRanker,
    users: np.ndarray,
    k: int = RECOMMEND_DEFAULTS.k,
    block: int = 256,
    balance: float = RECOMMEND_DEFAULTS.beauty_balance,
) -> dict[int, list[int]]:
    """Top-``k`` accounts of each of ``users`` (ties to the lower account), a share
    ``balance`` of the slots given to the index's forlorn beauties, as
    :meth:`LearnedRanker.recommend` on the graph of ``index``."""
    from analysis.linkpred.balance import balanced_top_k, promoted

    users = np.asarray(users, dtype=np.int64)
    out: dict[int, list[int]] = {int(u): [] for u in users}
    for c, prob in scored_users(index, ranker, users, block):
        assert prob is not None
        promote = promoted(index.forlorn, c.item)
        out.update(balanced_top_k(c.user, c.item, prob, promote, balance, k))
    return out
