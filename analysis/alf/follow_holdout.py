"""Judging authorities without a truth file: hide follow links and see whether the
authority recommender (ALF §5, Algorithm 2) recovers them.

Protocol.  Of the follow links ``u → v`` whose follower ``u`` has a seed interest, a share
``h`` is hidden at random (seeded).  On the remaining graph ``A'`` ALF is recomputed
(Algorithm 1, :func:`analysis.alf.find_authorities` with the same options) and every user
who lost a link gets ``k`` recommendations from

* ``alf`` — Algorithm 2 on the recomputed authorities (:func:`analysis.alf.recommend.algorithm2`);
* ``most_followed`` — accounts with the most followers interested in one of ``u``'s seed
  topics (``max_{t ∈ I(u)} (A'ᵗ S^c)[v, t]``);
* ``cn`` — common neighbours, the friend-of-friend count ``(A' A')[u, v]``
  (:func:`analysis.fof.recommend`);
* ``pagerank`` — topic-seeded PageRank (ALF §6.3's baseline,
  :func:`analysis.alf.table6.topic_pagerank`) summed over ``u``'s seed topics;
* ``random`` — ``k`` accounts drawn uniformly from those ``u`` does not follow (the null).

Candidates are never ``u`` nor an account ``u`` still follows.  Precision@k pools hits over
recommended slots, ``Σ_u |R_u ∩ H_u| / Σ_u |R_u|``; recall@k over hidden links,
``Σ_u |R_u ∩ H_u| / Σ_u |H_u|`` — the paper's Table 6 scores authority lists against
curated ground truth in the same pooled way.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> A = sp.csr_matrix(np.array([[0, 1], [0, 0]], dtype=float))
>>> hidden_follows(A, np.array([True, False]), 1.0, np.random.default_rng(0))[1].tolist()
[[0, 1]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.alf.algorithm1 import algorithm1
from analysis.alf.authorities import find_authorities, topical_support
from analysis.alf.params import ALF_DEFAULTS
from analysis.alf.recommend import algorithm2
from analysis.alf.table6 import topic_pagerank

__all__ = [
    "HOLDOUT_METHODS",
    "FollowHoldout",
    "RecallScore",
    "evaluate_follow_holdout",
    "hidden_follows",
]

HOLDOUT_METHODS = ("alf", "most_followed", "cn", "pagerank", "random")


def hidden_follows(
    A: sp.spmatrix, interested: np.ndarray, share: float, rng: np.random.Generator
) -> tuple[sp.csr_matrix, np.ndarray]:
    """(A without the hidden links, hidden links as (n, 2) ``[u, v]`` rows): ``share`` of
    the links whose follower is ``interested`` (rounded, at least one when any exists)."""
    if not 0 < share <= 1:
        raise ValueError(f"share={share} must be in (0, 1]")
    A = sp.csr_matrix(A, dtype=np.float64)
    coo = A.tocoo()
    cand = np.flatnonzero(np.asarray(interested, dtype=bool)[coo.row])
    k = min(len(cand), max(int(round(share * len(cand))), 1 if len(cand) else 0))
    pick = np.sort(rng.choice(cand, size=k, replace=False)) if k else np.array([], np.int64)
    keep = np.ones(coo.nnz, dtype=bool)
    keep[pick] = False
    A_train = sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=A.shape)
    return A_train, np.stack([coo.row[pick], coo.col[pick]], axis=1).astype(np.int64)


def _top_k_excluding(scores: np.ndarray, exclude: set[int], k: int) -> np.ndarray:
    """Best ``k`` positive-scored indices not in ``exclude`` (ties by index)."""
    order = np.lexsort((np.arange(len(scores)), -scores))
    out: list[int] = []
    for v in order:
        if scores[v] <= 0 or len(out) >= k:
            break
        if int(v) not in exclude:
            out.append(int(v))
    return np.asarray(out, dtype=np.int64)


@dataclass(frozen=True)
class RecallScore:
    """Pooled precision/recall@k of one recommender, with the counts behind them."""

    precision: float | None
    recall: float
    hits: int
    recommended: int
    hidden: int
    users_served: int

    def to_dict(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "hits": self.hits,
            "recommended": self.recommended,
            "hidden": self.hidden,
            "users_served": self.users_served,
        }


@dataclass(frozen=True)
class FollowHoldout:
    """Result of :func:`evaluate_follow_holdout`: one :class:`RecallScore` per method,
    the authorities found on ``A'``, and two counts of links and users: ``n_hidden`` /
    ``n_users`` are the evaluated ones (the hidden links of the sampled users, the recall
    denominator), ``n_hidden_all`` / ``n_users_all`` every hidden link and every user who
    lost one (more when ``max_users`` sampled)."""

    scores: dict[str, RecallScore]
    k: int
    share: float
    n_hidden: int
    n_users: int
    n_authorities: int
    n_hidden_all: int = 0
    n_users_all: int = 0

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"method": m, **s.to_dict()} for m, s in self.scores.items()])

    def to_dict(self) -> dict:
        return {
            "k": self.k,
            "share": self.share,
            "hidden_links": self.n_hidden,
            "users": self.n_users,
            "hidden_links_all": self.n_hidden_all,
            "users_with_hidden_links": self.n_users_all,
            "authorities": self.n_authorities,
            "methods": {m: s.to_dict() for m, s in self.scores.items()},
        }


def _score(recs: list[np.ndarray], truth: list[set[int]]) -> RecallScore:
    hits = sum(len(set(r.tolist()) & t) for r, t in zip(recs, truth, strict=True))
    rec = sum(len(r) for r in recs)
    hid = sum(len(t) for t in truth)
    return RecallScore(
        precision=hits / rec if rec else None,
        recall=hits / hid if hid else 0.0,
        hits=int(hits),
        recommended=int(rec),
        hidden=int(hid),
        users_served=int(sum(1 for r in recs if len(r))),
    )


def evaluate_follow_holdout(
    A,
    S_c,
    share: float = 0.2,
    *,
    k: int = 10,
    seed: int = 0,
    pass1_denominator: str = ALF_DEFAULTS.pass1_denominator,
    min_support: int = ALF_DEFAULTS.min_support,
    max_users: int | None = 2000,
) -> FollowHoldout:
    """Hide ``share`` of the interested users' follow links, recompute ALF and score the
    recommenders of the module docstring on the hidden links.

    ``max_users`` caps the users evaluated (a seeded sample of those who lost a link; None:
    all).  ``pass1_denominator`` and ``min_support`` are passed to Algorithm 1 and
    :func:`analysis.alf.find_authorities`.
    """
    from analysis.fof import recommend as fof_recommend

    if k < 1:
        raise ValueError(f"k={k} must be >= 1")
    A = sp.csr_matrix(A, dtype=np.float64)
    S = sp.csr_matrix(S_c, dtype=np.float64).copy()
    if S.shape[0] != A.shape[0]:
        raise ValueError(f"S_c has {S.shape[0]} rows, the adjacency {A.shape[0]}")
    S.eliminate_zeros()
    S.data[:] = 1.0
    rng = np.random.default_rng(seed)
    interested = S.getnnz(axis=1) > 0
    if not interested.any():
        raise ValueError("no user has a seed interest: nothing to hide")
    A_train, hidden = hidden_follows(A, interested, share, rng)
    if not len(hidden):
        raise ValueError("the interested users follow nobody: no link to hide")
    users = np.unique(hidden[:, 0])
    n_users_all = len(users)
    if max_users is not None and len(users) > max_users:
        users = np.sort(rng.choice(users, size=max_users, replace=False))
    truth_map: dict[int, set[int]] = {}
    for u, v in hidden:
        truth_map.setdefault(int(u), set()).add(int(v))
    truth = [truth_map[int(u)] for u in users]
    follows = [
        set(A_train.indices[A_train.indptr[u] : A_train.indptr[u + 1]].tolist()) for u in users
    ]

    n_in = np.asarray(A_train.sum(axis=0)).ravel()
    support = topical_support(A_train, S)
    F = algorithm1(A_train, S, pass1_denominator=pass1_denominator).F
    auth = find_authorities(F, n_in, support=support, min_support=min_support)
    recs: dict[str, list[np.ndarray]] = {"alf": algorithm2(A_train, auth.ranked, users, k=k)}

    topics_of = [S.indices[S.indptr[u] : S.indptr[u + 1]] for u in users]
    mf, pr = [], []
    R, _ = topic_pagerank(A_train, S)
    for u, ex, ts in zip(users, follows, topics_of, strict=True):
        excl = ex | {int(u)}
        mf.append(
            _top_k_excluding(
                support[:, ts].max(axis=1) if len(ts) else np.zeros(len(n_in)), excl, k
            )
        )
        pr.append(
            _top_k_excluding(R[:, ts].sum(axis=1) if len(ts) else np.zeros(len(n_in)), excl, k)
        )
    recs["most_followed"] = mf
    recs["pagerank"] = pr
    coo = A_train.tocoo()
    cn = fof_recommend(coo.row, coo.col, A.shape[0], "cn", users=users, k=k)
    recs["cn"] = [cn.candidates[cn.users == u] for u in users]
    rnd = []
    for u, ex in zip(users, follows, strict=True):
        pool = np.setdiff1d(np.arange(A.shape[0]), np.fromiter(ex | {int(u)}, dtype=np.int64))
        rnd.append(np.sort(rng.choice(pool, size=min(k, len(pool)), replace=False)))
    recs["random"] = rnd
    return FollowHoldout(
        scores={m: _score(recs[m], truth) for m in HOLDOUT_METHODS},
        k=k,
        share=float(share),
        n_hidden=int(sum(len(t) for t in truth)),
        n_users=int(len(users)),
        n_authorities=int((auth.topic >= 0).sum()),
        n_hidden_all=int(len(hidden)),
        n_users_all=int(n_users_all),
    )
