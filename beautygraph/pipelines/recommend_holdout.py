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

import numpy as np
import pandas as pd
import scipy.sparse as sp

from beautygraph.errors import UserError, refuse
from beautygraph.pipelines.alf import export_alf_graph, present_sources, seeded_graph
from kernel.params import Problem, check_int
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from analysis.linkpred.evaluate import RecommenderEvaluation
    from graphdb.base import Store

__all__ = ["evaluate_holdout"]


def _problems(share: float, k: int, n_users: int | None) -> list[Problem]:
    out = [] if 0 < share < 1 else [Problem(("share",), (share,), "must be in (0, 1)")]
    out += check_int("k", k, 1)
    if n_users is not None:
        out += check_int("n_users", n_users, 1)
    return out


def _beauty_and_forlorn(store: Store, user_ids: np.ndarray):
    """``User.beauty`` (NaN = none) and the forlorn-beauty mask in ``user_ids`` order; None
    for what the store does not hold."""
    users = store.export_nodes("User", ["beauty", "cluster_name"])
    order = pd.Index(users.ids.astype(str)).get_indexer(user_ids.astype(str))
    beauty = pd.to_numeric(pd.Series(users.props["beauty"]), errors="coerce").to_numpy(float)
    beauty = beauty[order]
    names = np.asarray(users.props["cluster_name"], dtype=object)[order]
    forlorn = np.array([c is not None and "forlorn" in str(c).lower() for c in names])
    return (
        beauty if np.isfinite(beauty).any() else None,
        forlorn if any(c not in (None, "") for c in names) else None,
    )


def evaluate_holdout(
    store: Store,
    share: float = 0.2,
    k: int = 10,
    n_users: int | None = 1000,
    seed: int = 0,
    interest_sources: Sequence[str] | None = None,
    steps: Steps | None = None,
) -> RecommenderEvaluation:
    """Hide ``share`` of the follows of ``n_users`` drawn users (both directions of a
    reciprocal pair together) and score every recommender on recovering them."""
    from analysis.linkpred.evaluate import evaluate_recommenders

    refuse(_problems(share, k, n_users))
    steps = as_steps(steps)
    with steps("export the graph"):
        # interests are optional here: without any, the topic methods are left out
        present = interest_sources or present_sources(store, with_bios=True)
        if present:
            graph = seeded_graph(store, present)
        else:
            graph = export_alf_graph(store, ("declared",))
        if graph.A.nnz == 0:
            raise UserError("the store holds no follows: run `beautygraph load FOLDER` first")
        beauty, forlorn = _beauty_and_forlorn(store, graph.user_ids)
    seeds = graph.S_c if present and graph.S_c.nnz else None
    sources = list(graph.sources) if seeds is not None else []
    with steps("hold out, recommend and score"):
        res = evaluate_recommenders(
            graph.A,
            share,
            k,
            n_users=n_users,
            seed=seed,
            labels=seeds,
            seeds=seeds,
            beauty=beauty,
            forlorn=forlorn,
        )
    return res.with_extras(
        interest_sources=sources,
        users_in_graph=int(graph.A.shape[0]),
        follows_in_graph=int(sp.csr_matrix(graph.A).nnz),
    )
