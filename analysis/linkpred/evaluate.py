"""One hold-out evaluation for every whom-to-follow recommender.

:func:`evaluate_recommenders` hides follows (:func:`analysis.linkpred.split.hide_follows`,
reciprocal pairs together), runs every baseline (:mod:`analysis.linkpred.baselines`) and
the learned ranker (:mod:`analysis.linkpred.learned`, fitted on the remaining graph only)
on the remaining graph, and scores them all on the same users and the same hidden follows
(:mod:`analysis.linkpred.metrics`).  The best baseline is the one with the highest
precision@k; every method gets the paired-bootstrap interval of its per-user precision
minus that baseline's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from analysis.linkpred.balance import (
    LAMBDAS,
    balance_curve,
    balanced_top_k,
    choose_balance,
    promoted,
    top_k,
)
from analysis.linkpred.baselines import BASELINES, baseline_recommendations, bb_recommendations
from analysis.linkpred.learned import (
    ROUNDS,
    Embedder,
    fit_ranker,
    graph_embedder,
)
from analysis.linkpred.metrics import (
    RankingMetrics,
    paired_bootstrap,
    per_user_hits,
    ranking_metrics,
)
from analysis.linkpred.signals import graph_stats
from analysis.linkpred.split import hide_follows
from analysis.linkpred.topics import TOPIC_METHODS, topic_recommendations
from analysis.recommend_params import RECOMMEND_DEFAULTS

__all__ = ["RecommenderEvaluation", "candidate_recall", "evaluate_recommenders"]


@dataclass(frozen=True)
class RecommenderEvaluation:
    """Every method's figures on one hold-out (see :func:`evaluate_recommenders`)."""

    k: int
    n_users: int
    n_hidden: int
    reciprocity: float
    reciprocal_pairs_hidden_together: bool
    best_baseline: str
    default: str | None
    methods: dict[str, RankingMetrics]
    diff_vs_best_baseline: dict[str, tuple[float, float]]
    candidate_recall: float | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    #: each method's precision@k per drawn user (the users in one fixed order, the same
    #: for every evaluation of the same graph, share, users and seed): two evaluations
    #: that differ in the learned ranker only can be compared pair by pair
    per_user: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def per_user_precision(self, name: str) -> np.ndarray:
        """``name``'s precision@k of each drawn user (see ``per_user``)."""
        return self.per_user[name]

    def with_extras(self, **extras: Any) -> RecommenderEvaluation:
        """The same evaluation with more keys for :meth:`to_json` (what the caller knows:
        the graph's size, the interest sources)."""
        return replace(self, extras={**self.extras, **extras})

    def to_json(self) -> dict[str, Any]:
        """The evaluation's JSON object (NaN-free; ``forlorn_share`` null without beauty)."""
        return {
            "k": self.k,
            "n_users": self.n_users,
            "n_hidden": self.n_hidden,
            "reciprocity": round(self.reciprocity, 6),
            "reciprocal_pairs_hidden_together": self.reciprocal_pairs_hidden_together,
            "default": self.default,
            "best_baseline": self.best_baseline,
            "candidate_recall": self.candidate_recall,
            "methods": {
                name: {
                    "precision": m.precision,
                    "recall": m.recall,
                    "ndcg": m.ndcg,
                    "users_served": m.users_served,
                    "coverage": m.coverage,
                    "exposure_gini": m.exposure_gini,
                    "forlorn_share": m.forlorn_share,
                    "diff_vs_best_baseline": list(self.diff_vs_best_baseline[name]),
                }
                for name, m in self.methods.items()
            },
            **self.extras,
        }


def candidate_recall(user: np.ndarray, item: np.ndarray, hidden: np.ndarray) -> float:
    """Share of the ``hidden`` ``[u, v]`` follows among the candidate pairs
    ``(user[i], item[i])``: the ceiling of a ranker's recall on them.

    >>> import numpy as np
    >>> candidate_recall(np.array([0, 0, 1]), np.array([2, 3, 2]), np.array([[0, 3], [1, 4]]))
    0.5
    """
    if not len(hidden):
        return math.nan
    n = int(max(user.max(initial=0), item.max(initial=0), hidden.max()) + 1)
    found = np.isin(hidden[:, 0] * n + hidden[:, 1], user.astype(np.int64) * n + item)
    return float(found.mean())


def evaluate_recommenders(
    A: sp.spmatrix,
    share: float = 0.2,
    k: int = 10,
    n_users: int | None = 1000,
    seed: int = 0,
    learned: bool = True,
    embedder: Embedder | Literal["auto"] = "auto",
    n_boot: int = 1000,
    rounds: int = ROUNDS,
    labels: sp.spmatrix | None = None,
    beauty: np.ndarray | None = None,
    forlorn: np.ndarray | None = None,
    seeds: sp.spmatrix | None = None,
    extra_methods: Mapping[str, Mapping[int, list[int]]] | None = None,
    model_params: Mapping[str, Any] | None = None,
    model_factory: Callable[[int], Any] | None = None,
    balance: float = RECOMMEND_DEFAULTS.beauty_balance,
) -> RecommenderEvaluation:
    """Hide ``share`` of the follows of ``n_users`` drawn users of ``A`` and score every
    method on recovering them (module docstring).  The learned ranker is fitted as
    ``recommend`` fits it, unless told otherwise: ``embedder`` makes its embedding of a
    graph (``"auto"``: :func:`analysis.linkpred.learned.graph_embedder`; None: none),
    ``rounds``, ``model_params`` and ``model_factory`` go to
    :func:`analysis.linkpred.learned.fit_ranker`.
    ``labels``: a users × topics interest
    matrix for the learned ranker's ``topic_overlap`` (None: no interests); ``beauty`` (NaN =
    none) adds BB±10, and ``forlorn`` (a mask of forlorn-beauty accounts) the share of
    recommendations that reach them; ``seeds`` (users × topics seed interests) adds ALF's
    authority recommender and the topic baselines (:mod:`analysis.linkpred.topics`), and
    gives the learned ranker its authority candidates and interest features
    (:mod:`analysis.linkpred.interests`), all found again on the remaining graph.  With
    the forlorn mask the learned lists also give a share λ of their slots to forlorn
    beauties (:mod:`analysis.linkpred.balance`): ``learned_balanced`` holds the lists at
    ``balance`` (``beauty_balance`` in the extras; default ``recommend``'s), and
    ``balance_curve`` precision@k and the forlorn share over λ, with
    ``suggested_balance`` the largest λ of the curve keeping
    :data:`~analysis.linkpred.balance.KEEP_PRECISION` of the λ = 0 precision on this
    graph."""
    rng = np.random.default_rng(seed)
    A = sp.csr_matrix(A, dtype=np.float64)
    split = hide_follows(A, share, n_users=n_users, rng=rng)
    targets = split.targets()
    g = graph_stats(split.train)
    recs = baseline_recommendations(g, split.users, k, rng)
    if beauty is not None:
        recs["bb"] = bb_recommendations(g, split.users, beauty, k)
    if seeds is not None:
        recs.update(topic_recommendations(split.train, seeds, split.users, k))
    recs.update({name: dict(r) for name, r in (extra_methods or {}).items()})
    ceiling = None
    extras: dict[str, Any] = {}
    if learned:
        # what the ranker knows of the users besides the graph: interests, beauty, classes
        known: dict[str, Any] = {"labels": labels, "seeds": seeds}
        if beauty is not None:
            known.update(beauty=beauty, forlorn=forlorn)
        if embedder == "auto":
            embedder = graph_embedder(A.shape[0])
        ranker = fit_ranker(
            split.train,
            share,
            rounds=rounds,
            rng=rng,
            embedder=embedder,
            model_params=model_params,
            model_factory=model_factory,
            **known,
        )
        ranker.check_unseen(split.hidden)
        user, item, score = ranker.scored_pairs(split.train, split.users, **known)
        recs["learned"] = top_k(user, item, score, k, split.users)
        ceiling = candidate_recall(user, item, split.hidden)
        if forlorn is not None:
            lambdas = sorted({*LAMBDAS, float(balance)})
            curve = balance_curve(user, item, score, forlorn, targets, k, lambdas)
            promote = promoted(forlorn, item)
            recs["learned_balanced"] = balanced_top_k(
                user, item, score, promote, balance, k, split.users
            )
            extras["balance_curve"] = [
                {
                    "beauty_balance": p.balance,
                    "precision": p.precision,
                    "forlorn_share": p.forlorn_share,
                }
                for p in curve
            ]
            extras["beauty_balance"] = float(balance)
            extras["suggested_balance"] = choose_balance(curve)
    n = A.shape[0]
    methods = {name: ranking_metrics(r, targets, k, n, forlorn) for name, r in recs.items()}
    baselines = [m for m in methods if m in BASELINES + ("bb",) + TOPIC_METHODS and m != "random"]
    best = max(baselines, key=lambda m: (methods[m].precision, m))
    per_user = {name: per_user_hits(r, targets, k)[0] / k for name, r in recs.items()}
    diffs = {
        name: paired_bootstrap(
            per_user[name], per_user[best], n_boot, rng=np.random.default_rng(seed)
        )
        for name in recs
    }
    return RecommenderEvaluation(
        k=k,
        n_users=len(targets),
        n_hidden=len(split.hidden),
        reciprocity=split.reciprocity,
        reciprocal_pairs_hidden_together=split.pairs_hidden_together,
        best_baseline=best,
        default="learned" if learned else None,
        methods=methods,
        diff_vs_best_baseline=diffs,
        candidate_recall=ceiling,
        extras=extras,
        per_user=per_user,
    )
