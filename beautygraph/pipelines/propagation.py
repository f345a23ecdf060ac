"""Interest propagation on the store: export → propagate (``analysis.propagation``) →
write back ``INTERESTED_IN {source:'propagated', score, rank, method}``.

* :func:`run_propagation` — ``beautygraph interests propagate``: seeds from the chosen
  ``INTERESTED_IN`` sources, a score for every (user, topic) by one method (``auto``: chosen
  by cross-validation on the seed users), the top ``k`` per user written back (earlier
  propagated edges replaced, seed interests untouched) and returned as rows;
* :func:`evaluate_propagation` — ``beautygraph analyze propagation``: hide a share of the
  seed users, run every method and baseline, score the hidden users, and the F1 curve
  against the labelled fraction.

Methods are looked up in :data:`analysis.propagation.METHODS` by name, so a method
registered there (another engine, another learner) is available here unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.propagation import METHODS, PropagationGraph, Selection, propagate, select_method
from analysis.propagation.graph import seed_users
from analysis.propagation.holdout import Holdout, evaluate_holdout, labelled_curve
from beautygraph.errors import UserError, user_errors
from beautygraph.pipelines.alf import (
    INTEREST_SOURCES,
    AlfGraph,
    _seed_sources,
    export_alf_graph,
    no_interests_error,
    seed_source_filter,
)
from graphdb import schema
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from graphdb.base import Store

__all__ = [
    "DEFAULT_SOURCES",
    "PropagationEvaluation",
    "PropagationRun",
    "evaluate_propagation",
    "propagation_rows",
    "run_propagation",
]

#: seed sources used when none are given
DEFAULT_SOURCES: tuple[str, ...] = ("declared", "bio", "tags", "images")


def method_names() -> list[str]:
    """``auto`` and every registered method."""
    return ["auto", *METHODS]


def _export(
    store: Store, sources: Sequence[str], direction: str
) -> tuple[AlfGraph, PropagationGraph]:
    sources = _seed_sources(sources, INTEREST_SOURCES)
    g = export_alf_graph(store, sources)
    if g.S_c.nnz == 0:
        raise no_interests_error(store, sources)
    return g, PropagationGraph(A=g.A, direction=direction)


def _check_method(method: str) -> str:
    if method not in method_names():
        raise UserError(f"unknown method {method!r}; choose from {', '.join(method_names())}")
    return method


def propagation_rows(
    F: np.ndarray, user_ids: np.ndarray, topic_ids: np.ndarray, top: int
) -> pd.DataFrame:
    """The ``top`` best positive scores per user: ``user_id, topic_id, score, rank``
    (rank 1 = best; ties by topic id order), users in id order."""
    if top < 1:
        raise UserError(f"--top {top} must be >= 1")
    V, T = F.shape
    if not V or not T:
        return pd.DataFrame({"user_id": [], "topic_id": [], "score": [], "rank": []})
    idx = np.broadcast_to(np.arange(T), F.shape)
    order = np.lexsort((idx, -F), axis=1)[:, : min(top, T)]
    scores = np.take_along_axis(F, order, axis=1)
    ranks = np.broadcast_to(np.arange(1, order.shape[1] + 1), order.shape)
    users = np.broadcast_to(np.arange(V)[:, None], order.shape)
    keep = scores > 0
    return pd.DataFrame(
        {
            "user_id": np.asarray(user_ids, dtype=object)[users[keep]],
            "topic_id": np.asarray(topic_ids, dtype=object)[order[keep]],
            "score": scores[keep].astype(float),
            "rank": ranks[keep].astype(np.int64),
        }
    )


@dataclass
class PropagationRun:
    """What :func:`run_propagation` computed and wrote."""

    method: str
    requested: str
    rows: pd.DataFrame
    sources: tuple[str, ...]
    n_users: int
    n_topics: int
    n_seed_users: int
    selection: Selection | None
    written: int
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sel = None
        if self.selection is not None:
            s = self.selection
            sel = {
                "best": s.best,
                "runner_up": s.runner_up,
                "margin_micro_f1": s.margin,
                "over_vote_micro_f1": s.over_vote,
                "folds": s.folds,
                "cv": {
                    m: {"micro_f1": v.micro_f1, "macro_f1": v.macro_f1, "accuracy": v.accuracy}
                    for m, v in s.scores.items()
                },
            }
        return {
            "method": self.method,
            "requested": self.requested,
            "sources": list(self.sources),
            "users": self.n_users,
            "topics": self.n_topics,
            "seed_users": self.n_seed_users,
            "users_with_propagated": int(self.rows["user_id"].nunique()) if len(self.rows) else 0,
            "rows": len(self.rows),
            "written": self.written,
            "selection": sel,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def _run_on_spark(
    store: Store, sources, method, top, direction, write, steps, options
) -> PropagationRun:
    """:func:`run_propagation` with ``engine="spark"`` (export → Spark → import-results)."""
    from beautygraph.engines.runner import run_spark_job
    from beautygraph.engines.spark_propagation import SPARK_METHODS

    if method not in SPARK_METHODS:
        raise UserError(
            f"--engine spark runs the graph propagations {', '.join(SPARK_METHODS)}; "
            f"{method!r} needs --engine scipy"
        )
    if direction != "both":
        raise UserError(f"--engine spark propagates over both tie directions, not {direction!r}")
    if not write:
        raise UserError("--engine spark writes its result back (write=True)")
    steps = as_steps(steps)
    checked, wanted = seed_source_filter(sources, INTEREST_SOURCES)
    # counts in the store: the graph itself is read by the job, never into this process
    seeds = store.run("seed_interest_users", sources=list(wanted))
    n_seed_users = int(seeds[0]["n"]) if seeds else 0
    if not n_seed_users:
        raise no_interests_error(store, checked)
    run = run_spark_job(
        store, "propagation", options, steps, method=method, top=int(top), sources=list(wanted)
    )
    n_users = store.query(schema.count_nodes_query("User"))[0]["n"]
    n_topics = store.query(schema.count_nodes_query("Topic"))[0]["n"]
    return PropagationRun(
        method=method,
        requested=method,
        rows=propagated_rows(store),
        sources=checked,
        n_users=int(n_users),
        n_topics=int(n_topics),
        n_seed_users=n_seed_users,
        selection=None,
        written=int(run.written.get("INTERESTED_IN", 0)),
        seconds=dict(run.seconds),
    )


def propagated_rows(store: Store) -> pd.DataFrame:
    """The propagated interests in the store as ``user_id, topic_id, score, rank`` rows
    (users in id order, then rank)."""
    got = store.run("propagated_interests")
    frame = pd.DataFrame(got, columns=["user_id", "topic_id", "score", "rank"])
    return frame.sort_values(["user_id", "rank"], kind="stable").reset_index(drop=True)


def run_propagation(
    store: Store,
    sources: Sequence[str] = DEFAULT_SOURCES,
    method: str = "auto",
    top: int = 5,
    *,
    seed: int = 0,
    folds: int = 3,
    direction: str = "both",
    write: bool = True,
    steps: Steps | None = None,
    engine: str = "scipy",
    spark: Any = None,
) -> PropagationRun:
    """Propagate seed interests to every user and write the top ``top`` per user.

    Users with neither ties nor seed interests get no propagated interest.  With
    ``write`` the old ``INTERESTED_IN {source:'propagated'}`` edges are replaced in one
    bulk write (``store.replace_rels``); other sources are left alone.  ``engine="spark"``
    runs the graph-propagation methods (:data:`beautygraph.engines.spark_propagation.
    SPARK_METHODS`) as a Spark job over a Parquet export (``spark``: its
    :class:`~beautygraph.engines.spark_session.SparkOptions`) with the same result.
    """
    _check_method(method)
    if engine == "spark":
        return _run_on_spark(store, sources, method, top, direction, write, steps, spark)
    if engine != "scipy":
        raise UserError(f"engine {engine!r} must be scipy or spark")
    if top < 1:
        raise UserError(f"--top {top} must be >= 1")
    steps = as_steps(steps)
    seconds: dict[str, float] = {}
    with steps("exporting seeds and follower graph") as st:
        g, pg = _export(store, sources, direction)
    seconds["export"] = st.seconds
    selection = None
    chosen = method
    if method == "auto":
        n_seeds = len(seed_users(g.S_c))
        if n_seeds < folds:
            raise UserError(
                f"--method auto cross-validates on {folds} folds of the seed users but only "
                f"{n_seeds} users have seed interests: pick a --method"
            )
        with steps("choosing a method by cross-validation") as st, user_errors("auto"):
            selection = select_method(pg, g.S_c, folds=folds, seed=seed)
        seconds["select"] = st.seconds
        chosen = selection.best
    with steps(f"propagating ({chosen})") as st, user_errors(chosen):
        F = propagate(pg, g.S_c, chosen, seed=seed).F
    seconds["propagate"] = st.seconds
    rows = propagation_rows(F, g.user_ids, g.topic_ids, top)
    written = 0
    if write:
        with steps("writing propagated interests") as st:
            rels = pd.DataFrame(
                {
                    "src": rows["user_id"].astype(str),
                    "dst": rows["topic_id"].astype(str),
                    "source": "propagated",
                    "score": rows["score"].astype(float),
                    "rank": rows["rank"].astype(np.int64),
                    "method": chosen,
                }
            )
            written = int(store.replace_rels("INTERESTED_IN", rels, where={"source": "propagated"}))
        seconds["write"] = st.seconds
    return PropagationRun(
        method=chosen,
        requested=method,
        rows=rows,
        sources=g.sources,
        n_users=len(g.user_ids),
        n_topics=len(g.topic_ids),
        n_seed_users=int(len(seed_users(g.S_c))),
        selection=selection,
        written=written,
        seconds=seconds,
    )


@dataclass
class PropagationEvaluation:
    """``analyze propagation``: the hold-out result and the F1-vs-labelled curve."""

    holdout: Holdout
    curve: pd.DataFrame
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return self.holdout.to_dict()


def evaluate_propagation(
    store: Store,
    holdout: float = 0.5,
    repeats: int = 3,
    *,
    sources: Sequence[str] = DEFAULT_SOURCES,
    seed: int = 0,
    fractions: Sequence[float] = (0.1, 0.5, 0.9),
    direction: str = "both",
    steps: Steps | None = None,
) -> PropagationEvaluation:
    """Hide ``holdout`` of the seed users ``repeats`` times, score every method, baseline
    and ``auto`` on them; then the curve over labelled ``fractions`` (one repeat each)."""
    if not 0 < holdout < 1:
        raise UserError(f"--holdout {holdout} must be in (0, 1)")
    if repeats < 1:
        raise UserError(f"--repeats {repeats} must be >= 1")
    bad = [f for f in fractions if not 0 < f < 1]
    if bad:
        raise UserError(f"labelled fractions {bad} must be in (0, 1)")
    steps = as_steps(steps)
    with steps("exporting seeds and follower graph"):
        g, pg = _export(store, sources, direction)
    n_seeds = len(seed_users(g.S_c))
    if n_seeds < 6:
        raise UserError(f"only {n_seeds} users have seed interests: need at least 6 to hide some")
    with steps("hold-out evaluation", total=repeats), user_errors("hold-out"):
        result = evaluate_holdout(pg, g.S_c, holdout, repeats=repeats, seed=seed)
    with steps("F1 against the labelled fraction", total=len(fractions)), user_errors("curve"):
        curve = labelled_curve(pg, g.S_c, fractions, seed=seed)
    return PropagationEvaluation(holdout=result, curve=curve, sources=g.sources)
