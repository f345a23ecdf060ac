"""Candidate accounts for each user, and the features of every (user, candidate) pair.

A learned ranker can only promote what its candidates contain, so the candidate set is the
ceiling of every recommender built on it.  For each user it is the union of

* ``fof`` — the best ``per_source`` friends of friends by Adamic–Adar;
* ``ppr`` — the best ``per_source`` by personalised PageRank (reaches beyond two hops);
* ``emb`` — the ``per_source`` nearest accounts in the embedding (when one is given);
* ``popular`` — the ``popular`` most-followed accounts overall;
* ``topic`` — the ``per_source`` accounts whose interests are most like the user's (cosine
  of the rows of ``labels``, when given);
* ``bb`` — with beauty, the ``per_source`` friends of friends that BB±10 would rank first
  (beauty within ±10 % of the user's, most beautiful first), so that a re-ranking toward
  the BB window (:mod:`analysis.linkpred.balance`) can reach them;
* ``auth`` — with seed interests, the ``per_source`` topic authorities of the user's
  interests, by their authority score in her topics
  (:mod:`analysis.linkpred.interests`);

never the user nor an account the user follows already.

Features (one row per pair; :data:`FEATURES` names the columns, :data:`OPTIONAL` those that
exist only with interests or beauty):

* graph: ``cn``, ``aa``, ``ra``, ``paths3``, ``jaccard``, ``ppr``, ``ppr_local``, ``emb``, ``u_out``, ``u_in``, ``v_in``,
  ``v_out``, ``v_pagerank``, ``follows_back`` (``v → u`` is in the graph);
* interests: ``topic_overlap``, the cosine of the two users' interest vectors; with seed
  interests ``authority`` (the candidate's authority score in the user's topics) and
  ``interest_match`` (the user's propagated interests against those of the candidate's
  followers), both of :mod:`analysis.linkpred.interests`;
* beauty: ``beauty_gap`` ``|b_u − b_v|``, ``v_beauty``, ``v_forlorn``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from analysis.linkpred.signals import BlockSignals, GraphStats
from analysis.recommend_params import RECOMMEND_DEFAULTS

__all__ = [
    "FEATURES",
    "OPTIONAL",
    "Candidates",
    "bb_window_scores",
    "beauty_columns",
    "candidates",
    "top_allowed",
    "unit_interest_rows",
    "within_user",
]

FEATURES: tuple[str, ...] = (
    "cn",
    "aa",
    "ra",
    "paths3",
    "jaccard",
    "ppr",
    "ppr_local",
    "emb",
    "u_out",
    "u_in",
    "v_in",
    "v_out",
    "v_pagerank",
    "follows_back",
)
OPTIONAL: tuple[str, ...] = (
    "topic_overlap",
    "authority",
    "interest_match",
    "beauty_gap",
    "v_beauty",
    "v_forlorn",
)
#: signals also given relative to the user's other candidates (``NAME_share``, ``NAME_rank``)
RELATIVE: tuple[str, ...] = ("cn", "aa", "ra", "paths3", "ppr", "ppr_local", "emb", "v_in")
#: relative forms of the optional signals, when present
RELATIVE_OPTIONAL: tuple[str, ...] = ("topic_overlap", "authority", "interest_match")


@dataclass(frozen=True)
class Candidates:
    """Pairs ``(user[i], item[i])`` with feature rows ``X[i]`` (columns ``names``) and the
    candidate source that found each pair (a bit mask: 1 fof, 2 ppr, 4 emb, 8 popular,
    16 topic, 32 bb, 64 auth)."""

    user: np.ndarray
    item: np.ndarray
    X: np.ndarray
    names: tuple[str, ...]
    found_by: np.ndarray


def share_of_best(row: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Each pair's ``value`` as a share of the best value of the same user ``row`` (0 where
    that best is not positive)."""
    best = np.full(row.max() + 1 if len(row) else 0, -np.inf)
    np.maximum.at(best, row, value)
    return np.divide(value, best[row], out=np.zeros(len(value)), where=best[row] > 0)


def within_user(row: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's ``value`` relative to the same user's other candidates: the share of the
    user's best value, and the rank (1 = best).  Raw counts drift with how dense a graph is
    (the training graph has fewer follows than the one recommended on); these do not."""
    share = share_of_best(row, value)
    order = np.lexsort((-value, row))
    rank = np.empty(len(value))
    starts = np.r_[0, np.flatnonzero(np.diff(row[order])) + 1]
    counts = np.diff(np.r_[starts, len(order)])
    rank[order] = np.arange(len(order)) - np.repeat(starts, counts) + 1
    return share, rank


def top_allowed(score: np.ndarray, allowed: np.ndarray, m: int) -> np.ndarray:
    """Boolean mask of the ``m`` best positive ``score`` entries per row among ``allowed``."""
    s = np.where(allowed & (score > 0), score, -np.inf)
    m = min(m, s.shape[1])
    idx = np.argpartition(-s, m - 1, axis=1)[:, :m]
    mask = np.zeros_like(allowed)
    rows = np.repeat(np.arange(s.shape[0]), m)
    keep = np.isfinite(s[rows, idx.ravel()])
    mask[rows[keep], idx.ravel()[keep]] = True
    return mask


def unit_interest_rows(labels: sp.spmatrix) -> sp.csr_matrix:
    """Interest rows scaled to length 1 (a user without interests keeps a zero row): the
    ``topic`` source and feature are cosines of these rows."""
    L = sp.csr_matrix(labels, dtype=np.float64)
    norms = np.sqrt(np.asarray(L.multiply(L).sum(axis=1)).ravel())
    return sp.csr_matrix(
        sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ L
    )


def bb_window_scores(beauty: np.ndarray, users: np.ndarray, cn: np.ndarray) -> np.ndarray:
    """The ``bb`` source's score of every account for each of ``users`` (rows of ``cn``,
    their common-neighbour counts): the account's beauty where it is a friend of a friend
    within BB's ±tolerance window of the user's beauty (§7), else 0."""
    b = np.asarray(beauty, dtype=float)
    bu = b[users][:, None]
    bv = b[None, :]
    tol = RECOMMEND_DEFAULTS.tolerance
    window = np.isfinite(bu) & np.isfinite(bv) & (bv >= bu * (1 - tol)) & (bv <= bu * (1 + tol))
    return np.where(window & (cn > 0), np.nan_to_num(bv) + 1e-9, 0.0)


def beauty_columns(
    beauty: np.ndarray, forlorn: np.ndarray | None, u: np.ndarray | int, item: np.ndarray
) -> dict[str, np.ndarray]:
    """The beauty features of the pairs ``(u, item)``: ``|b_u − b_v|`` and ``b_v`` (−1
    where unknown) and whether ``v`` is a forlorn beauty."""
    b = np.asarray(beauty, dtype=float)
    return {
        "beauty_gap": np.nan_to_num(np.abs(b[u] - b[item]), nan=-1.0),
        "v_beauty": np.nan_to_num(b[item], nan=-1.0),
        "v_forlorn": (
            np.asarray(forlorn, dtype=float)[item] if forlorn is not None else np.zeros(len(item))
        ),
    }


def candidates(
    g: GraphStats,
    sig: BlockSignals,
    per_source: int = 50,
    popular: int = 20,
    labels: sp.csr_matrix | None = None,
    beauty: np.ndarray | None = None,
    forlorn: np.ndarray | None = None,
) -> Candidates:
    """The candidate pairs of one block and their features (module docstring).

    ``labels``: users × topics interest matrix (optional); ``beauty``: per-account beauty
    with NaN for none, and ``forlorn`` the forlorn-beauty mask (both optional, together).
    """
    allowed = ~sig.followed
    found = np.zeros(sig.cn.shape, dtype=np.int8)
    found |= top_allowed(sig.aa, allowed, per_source).astype(np.int8)
    found |= top_allowed(sig.ppr, allowed, per_source).astype(np.int8) << 1
    if sig.emb is not None:
        found |= top_allowed(sig.emb + 1.0, allowed, per_source).astype(np.int8) << 2
    pop = np.zeros(sig.cn.shape[1], dtype=bool)
    pop[np.argsort(-g.in_deg, kind="stable")[:popular]] = True
    found |= (allowed & pop[None, :]).astype(np.int8) << 3
    topic = None
    if labels is not None:
        unit = unit_interest_rows(labels)
        topic = np.asarray((unit[sig.users] @ unit.T).todense())
        found |= top_allowed(topic, allowed, per_source).astype(np.int8) << 4
    if beauty is not None:
        bb = bb_window_scores(beauty, sig.users, sig.cn)
        found |= top_allowed(bb, allowed, per_source).astype(np.int8) << 5
    if sig.authority is not None:
        found |= top_allowed(sig.authority, allowed, per_source).astype(np.int8) << 6
    r, item = np.nonzero(found)
    u = sig.users[r]
    cols = {
        "cn": sig.cn[r, item],
        "aa": sig.aa[r, item],
        "ra": sig.ra[r, item],
        "paths3": sig.paths3[r, item],
        "jaccard": sig.jaccard[r, item],
        "ppr": sig.ppr[r, item],
        "ppr_local": sig.ppr_local[r, item],
        "emb": sig.emb[r, item] if sig.emb is not None else np.zeros(len(r)),
        "u_out": g.out_deg[u],
        "u_in": g.in_deg[u],
        "v_in": g.in_deg[item],
        "v_out": g.out_deg[item],
        "v_pagerank": g.pagerank[item],
        "follows_back": np.asarray(g.A[item, u]).ravel(),
    }
    if topic is not None:
        cols["topic_overlap"] = topic[r, item]
    if sig.authority is not None and sig.interest_match is not None:
        cols["authority"] = sig.authority[r, item]
        cols["interest_match"] = sig.interest_match[r, item]
    if beauty is not None:
        cols.update(beauty_columns(beauty, forlorn, u, item))
    for name in RELATIVE + tuple(c for c in RELATIVE_OPTIONAL if c in cols):
        share, rank = within_user(r, cols[name])
        cols[f"{name}_share"], cols[f"{name}_rank"] = share, rank
    names = tuple(cols)
    return Candidates(
        user=u.astype(np.int64),
        item=item.astype(np.int64),
        X=np.column_stack([cols[c] for c in names]).astype(np.float64),
        names=names,
        found_by=found[r, item],
    )
