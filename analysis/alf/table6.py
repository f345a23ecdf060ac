"""Evaluation of topical authorities against curated lists (ALF §6.3, Table 6).

Precision and recall at ``k`` follow the paper's definitions.  With ``B_t`` the curated
authorities of topic ``t``, ``B = ∪_t B_t`` and ``A^k_t`` a method's top ``k`` on ``t``:

* ``Precision@k = Σ_t |A^k_t ∩ B_t| / Σ_t |A^k_t ∩ B|`` — precision only over labelled
  accounts, because the curated list is not exhaustive;
* ``Recall@k = Σ_t |A^k_t ∩ B_t| / Σ_t |B_t|``;
* ``F1 = 2PR / (P + R)``.

Baselines: topic-seeded PageRank (§6.3 "PageRank": one PageRank per topic started from the
users who mention the topic in their biography, each user assigned the topic of her highest
PageRank) and "No weighting" (:func:`analysis.alf.find_authorities` with
``weighting="zf"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = [
    "PAPER_TABLE6",
    "PRScore",
    "Table6",
    "pagerank_authorities",
    "precision_recall_at_k",
    "topic_pagerank",
]

#: Table 6 of the paper (k = 200): method -> (precision, recall, F1).
PAPER_TABLE6: dict[str, tuple[float, float, float]] = {
    "TwitterRank": (0.81, 0.31, 0.45),
    "Hashtags": (0.84, 0.26, 0.40),
    "LDA": (0.68, 0.18, 0.28),
    "PageRank": (0.85, 0.21, 0.34),
    "Likes only": (0.96, 0.54, 0.69),
    "Posts only": (0.92, 0.56, 0.70),
    "No Wiki": (0.91, 0.41, 0.56),
    "No weighting": (0.96, 0.57, 0.72),
    "ALF": (0.96, 0.66, 0.78),
}


@dataclass(frozen=True)
class PRScore:
    """Precision/recall@k of one method (§6.3) with the counts behind them."""

    precision: float
    recall: float
    f1: float
    k: int
    hits: int  # Σ_t |A^k_t ∩ B_t|
    labelled: int  # Σ_t |A^k_t ∩ B|
    truth: int  # Σ_t |B_t|
    per_topic: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "k": self.k,
            "hits": self.hits,
            "labelled": self.labelled,
            "truth": self.truth,
        }


def precision_recall_at_k(
    found: Mapping[str, Sequence], truth: Mapping[str, Sequence], k: int
) -> PRScore:
    """Precision/recall@k of ranked authority lists ``found`` (topic -> ids, best first)
    against curated lists ``truth`` (topic -> ids), as defined in §6.3.

    Topics of ``found`` absent from ``truth`` are ignored (they have no curated list);
    topics of ``truth`` absent from ``found`` count towards recall with no hits.  Precision
    is NaN when none of the top-k accounts is labelled.
    """
    if k < 1:
        raise ValueError(f"k={k} must be >= 1")
    if not truth:
        raise ValueError("truth has no topics")
    B_all = set().union(*(set(map(str, v)) for v in truth.values()))
    hits = labelled = total = 0
    per_topic = {}
    for t, B_t in truth.items():
        B = set(map(str, B_t))
        A_k = [str(x) for x in list(found.get(t, []))[:k]]
        h = len(set(A_k) & B)
        lab = len(set(A_k) & B_all)
        hits += h
        labelled += lab
        total += len(B_t)
        per_topic[t] = {"hits": h, "labelled": lab, "truth": len(B_t)}
    p = hits / labelled if labelled else float("nan")
    r = hits / total if total else float("nan")
    f1 = 2 * p * r / (p + r) if labelled and (p + r) > 0 else (0.0 if labelled else float("nan"))
    return PRScore(
        precision=p,
        recall=r,
        f1=f1,
        k=k,
        hits=hits,
        labelled=labelled,
        truth=total,
        per_topic=per_topic,
    )


def topic_pagerank(
    A, seeds, *, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 200
) -> tuple[np.ndarray, int]:
    """One personalised PageRank per topic, all topics at once by power iteration.

    ``A`` (V × V, ``A[u, v] = 1`` iff ``u`` follows ``v``: rank flows to the followed
    account); ``seeds`` (V × T): users mentioning topic ``t`` in their biography
    (``S^c_tu = 1``).  Topic ``t`` restarts (and sends dangling mass) uniformly to its
    seeds.  Topics without seeds get a zero column.  Returns (V × T ranks, iterations).
    """
    if not 0 < damping < 1:
        raise ValueError(f"damping={damping} must be in (0, 1)")
    A = sp.csr_matrix(A, dtype=np.float64)
    S = seeds.toarray() if sp.issparse(seeds) else np.asarray(seeds, dtype=np.float64)
    if S.shape[0] != A.shape[0]:
        raise ValueError(f"seeds has {S.shape[0]} rows, adjacency {A.shape[0]}")
    S = (S > 0).astype(np.float64)
    cnt = S.sum(axis=0)
    restart = np.divide(S, cnt[None, :], out=np.zeros_like(S), where=cnt[None, :] > 0)
    n_out = np.asarray(A.sum(axis=1)).ravel()
    inv_out = np.divide(1.0, n_out, out=np.zeros_like(n_out), where=n_out > 0)
    At = A.T.tocsr()
    dangling = n_out == 0
    R = restart.copy()
    for it in range(1, max_iter + 1):
        flow = At @ (R * inv_out[:, None])
        lost = R[dangling].sum(axis=0)
        new = damping * (flow + restart * lost[None, :]) + (1 - damping) * restart
        delta = float(np.abs(new - R).sum(axis=0).max()) if R.size else 0.0
        R = new
        if delta < tol:
            return R, it
    return R, max_iter


def pagerank_authorities(
    A,
    seeds,
    *,
    k: int | None = None,
    damping: float = 0.85,
) -> list[np.ndarray]:
    """§6.3 PageRank baseline: each user gets the topic of her highest topic PageRank;
    per topic the users assigned to it, by decreasing PageRank (the first ``k`` if given).
    """
    R, _ = topic_pagerank(A, seeds, damping=damping)
    V, T = R.shape
    ranked: list[np.ndarray] = []
    if T == 0:
        return ranked
    best = np.argmax(R, axis=1)
    bval = R[np.arange(V), best]
    for t in range(T):
        users = np.flatnonzero((best == t) & (bval > 0))
        order = np.lexsort((users, -bval[users]))
        ranked.append(users[order][:k] if k else users[order])
    return ranked


@dataclass
class Table6:
    """Table 6 rows measured here (method -> PRScore) beside the paper's figures."""

    scores: dict[str, PRScore]
    k: int

    def to_frame(self) -> pd.DataFrame:
        paper_name = {"alf": "ALF", "no_weighting": "No weighting", "pagerank": "PageRank"}
        rows = []
        for m, s in self.scores.items():
            pp = PAPER_TABLE6.get(paper_name.get(m, m), (np.nan, np.nan, np.nan))
            rows.append(
                {
                    "method": m,
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "paper_precision": pp[0],
                    "paper_recall": pp[1],
                    "paper_f1": pp[2],
                }
            )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        return {m: s.to_dict() for m, s in self.scores.items()}
