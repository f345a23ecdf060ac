"""``analyze recommenders --holdout-follows``: every recommender against hidden follows of
the store's graph (:func:`analysis.linkpred.evaluate.evaluate_recommenders`).

It reads the follow graph, ``User.beauty`` and the user classes (when present: BB±10 and the
forlorn-beauty share) and the seed interests of the chosen sources (when present: ALF's
authority recommender, the topic baselines and the learned ranker's topic overlap).
Nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from analysis.recommend_params import RECOMMEND_DEFAULTS, check_values
from beautygraph.errors import refuse
from beautygraph.pipelines.learned_recommend import store_graph
from kernel.params import InvalidParams, Problem, check_int
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from analysis.linkpred.evaluate import RecommenderEvaluation
    from graphdb.base import Store

__all__ = ["evaluate_holdout"]


def _problems(share: float, k: int, n_users: int | None, balance: float) -> list[Problem]:
    out = [] if 0 < share < 1 else [Problem(("share",), (share,), "must be in (0, 1)")]
    out += check_int("k", k, 1)
    if n_users is not None:
        out += check_int("n_users", n_users, 1)
    try:  # the rule of RecommendParams.beauty_balance, checked where it is defined
        check_values(beauty_balance=balance)
    except InvalidParams as exc:
        out += exc.problems
    return out


def evaluate_holdout(
    store: Store,
    share: float = 0.2,
    k: int = 10,
    n_users: int | None = 1000,
    seed: int = 0,
    interest_sources: Sequence[str] | None = None,
    steps: Steps | None = None,
    balance: float = RECOMMEND_DEFAULTS.beauty_balance,
) -> RecommenderEvaluation:
    """Hide ``share`` of the follows of ``n_users`` drawn users (both directions of a
    reciprocal pair together) and score every recommender on recovering them; with user
    classes, ``learned_balanced`` gives the share ``balance`` of its slots to forlorn
    beauties (default ``recommend``'s)."""
    from analysis.linkpred.evaluate import evaluate_recommenders

    refuse(_problems(share, k, n_users, balance))
    steps = as_steps(steps)
    with steps("export the graph"):
        g = store_graph(store, interest_sources)
    with steps("hold out, recommend and score"):
        res = evaluate_recommenders(
            g.A,
            share,
            k,
            n_users=n_users,
            seed=seed,
            labels=g.seeds,
            seeds=g.seeds,
            beauty=g.beauty,
            forlorn=g.forlorn,
            balance=balance,
        )
    return res.with_extras(
        interest_sources=list(g.sources),
        users_in_graph=int(g.A.shape[0]),
        follows_in_graph=int(g.A.nnz),
    )
