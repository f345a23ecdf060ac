"""Interest propagation on the store: export → propagate (``analysis.propagation``) →
write back ``INTERESTED_IN {source:'propagated', score, rank, method}``.

* :func:`run_propagation` — ``beautygraph interests propagate``: seeds from the chosen
  ``INTERESTED_IN`` sources, a score for every (user, topic) by one method (``auto``: chosen
  by cross-validation on the seed users), the top ``k`` per user written back (earlier
  propagated edges replaced, seed interests untouched) and returned as rows;
* :func:`evaluate_propagation` — ``beautygraph analyze propagation``: hide a share of the
  seed users, run every method and baseline, score the hidden users, and the F1 curve
  against the labelled fraction.

Each takes its parameters whole (:class:`analysis.propagation.params.PropagationParams`,
:class:`analysis.propagation.params.PropagationEvalParams`), checked before the store is
read, and passes them on whole to the engine (scipy here, or the Spark job
:class:`beautygraph.engines.spark_propagation.PropagationJob`).  A parameter problem is a
:class:`beautygraph.errors.UserError` raised from a :class:`kernel.params.InvalidParams`
that names parameters, never flags: the command line spells them.  Each returns one frozen
result (:class:`PropagationRun`, :class:`PropagationEvaluation`) whose ``to_json()`` is the
command's ``--json``, the same keys and types on every engine.

Methods are looked up in :data:`analysis.propagation.METHODS` by name, so a method
registered there (another engine, another learner) is available here unchanged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import numpy as np
import pandas as pd

from analysis.propagation import PropagationGraph, Selection, propagate, select_method
from analysis.propagation.graph import seed_users
from analysis.propagation.holdout import Holdout, evaluate_holdout, labelled_curve
from analysis.propagation.params import FAMILY, PropagationEvalParams, PropagationParams
from beautygraph.errors import UserError, raise_problems, user_errors
from beautygraph.pipelines.alf import (
    INTEREST_SOURCES,
    AlfGraph,
    export_alf_graph,
    no_interests_error,
    resolve_interest_sources,
)
from graphdb import schema
from kernel.params import Problem, check_int
from kernel.steps import Step, Steps, as_steps, peak_rss_mb

if TYPE_CHECKING:
    from collections.abc import Sequence

    from beautygraph.engines.spark_session import SparkOptions
    from graphdb.base import Store

__all__ = [
    "ENGINES",
    "PropagationEvaluation",
    "PropagationRun",
    "check_engine",
    "evaluate_propagation",
    "propagated_rows",
    "propagation_rows",
    "run_propagation",
]

#: the engines of ``interests propagate``
ENGINES: tuple[str, ...] = ("scipy", "spark")

_P = TypeVar("_P", PropagationParams, PropagationEvalParams)


def _refuse(*problems: Problem) -> NoReturn:
    """A :class:`UserError` for the caller, raised from the :class:`InvalidParams` that
    names the parameters (the command line finds it and spells them as its flags)."""
    raise_problems(problems, FAMILY)


def _checked(kind: type[_P], params: _P | None, changes: dict[str, Any]) -> _P:
    """``params`` (default: ``kind()``) with ``changes`` applied, checked."""
    with user_errors():
        base = kind() if params is None else params
        return replace(base, **changes) if changes else base


def _with_sources(store: Store, params: _P) -> _P:
    """``params`` with its seed sources filled in when None: every seed source with
    interests in the store (all of them when none has any, so that the export fails with
    :func:`~beautygraph.pipelines.alf.no_interests_error`)."""
    if params.sources is not None:
        return params
    return replace(params, sources=resolve_interest_sources(store, None, INTEREST_SOURCES))


def _export(
    store: Store, sources: Sequence[str], direction: str
) -> tuple[AlfGraph, PropagationGraph]:
    g = export_alf_graph(store, sources)
    if g.S_c.nnz == 0:
        raise no_interests_error(store, sources)
    return g, PropagationGraph(A=g.A, direction=direction)


def check_engine(params: PropagationParams, engine: str, write: bool = True) -> None:
    """Refuse what ``engine`` does not compute (a :class:`UserError` raised from an
    :class:`InvalidParams`); :func:`run_propagation` calls it before reading the store,
    a command may call it before opening one."""
    if engine not in ENGINES:
        _refuse(Problem(("engine",), (engine,), f"must be one of {', '.join(ENGINES)}"))
    if engine == "spark":
        from beautygraph.engines.spark_propagation import spark_problems

        problems = spark_problems(params)
        if not write:
            problems.append(
                Problem(
                    ("engine", "write"),
                    (engine, write),
                    "do not go together: the Spark job always writes its result back",
                )
            )
        if problems:
            _refuse(*problems)


def propagation_rows(
    F: np.ndarray, user_ids: np.ndarray, topic_ids: np.ndarray, top: int
) -> pd.DataFrame:
    """The ``top`` best positive scores per user: ``user_id, topic_id, score, rank``
    (rank 1 = best; ties by topic id order), users in id order."""
    problems = check_int("top", top, 1)
    if problems:
        _refuse(*problems)
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


def _selection_json(s: Selection | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
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


@dataclass(frozen=True, eq=False)
class PropagationRun:
    """What :func:`run_propagation` computed and wrote, on either engine (the Spark path
    reads its rows back from the store; its ``selection`` is None: it runs no
    cross-validation, see :func:`run_propagation`).

    ``seconds``: wall time of the whole run (export, choice, propagation, write-back);
    ``phase_seconds``: the same per phase (the engine's own phases); ``peak_rss_mb``: this
    process's peak resident memory at the end of the run
    (:func:`kernel.steps.peak_rss_mb`; on Spark the driver's Python process — the JVM and
    the executors are not counted); ``phase_peak_rss_mb``: the same at the end of each
    phase (the peak only grows, so the first phase whose value jumps is the one that
    needed the memory).
    ``out``: the CSV file the rows were also written to, when the caller wrote one
    (``dataclasses.replace`` it in).
    """

    method: str
    requested: str
    rows: pd.DataFrame
    sources: tuple[str, ...]
    n_users: int
    n_topics: int
    n_seed_users: int
    selection: Selection | None
    written: int
    seconds: float = 0.0
    peak_rss_mb: float | None = None
    phase_seconds: dict[str, float] = field(default_factory=dict)
    phase_peak_rss_mb: dict[str, float] = field(default_factory=dict)
    out: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` of ``interests propagate`` (``out`` only when a CSV was written)."""
        d = {
            "method": self.method,
            "requested": self.requested,
            "sources": list(self.sources),
            "users": self.n_users,
            "topics": self.n_topics,
            "seed_users": self.n_seed_users,
            "users_with_propagated": int(self.rows["user_id"].nunique()) if len(self.rows) else 0,
            "rows": len(self.rows),
            "written": self.written,
            "selection": _selection_json(self.selection),
            "seconds": round(float(self.seconds), 3),
            "peak_rss_mb": None if self.peak_rss_mb is None else round(self.peak_rss_mb, 1),
            "phase_seconds": {k: round(v, 3) for k, v in self.phase_seconds.items()},
            "phase_peak_rss_mb": {k: round(v, 1) for k, v in self.phase_peak_rss_mb.items()},
        }
        if self.out is not None:
            d["out"] = self.out
        return d


def _run_on_spark(
    store: Store, params: PropagationParams, steps: Steps | None, options: SparkOptions | None
) -> PropagationRun:
    """:func:`run_propagation` with ``engine="spark"`` (export → Spark → import-results)."""
    from beautygraph.engines.runner import run_spark_job
    from beautygraph.engines.spark_propagation import PropagationJob, spark_method
    from beautygraph.engines.spark_session import SparkOptions

    assert params.sources is not None  # filled in by run_propagation
    steps = as_steps(steps)
    # counts in the store: the graph itself is read by the job, never into this process
    seeds = store.run("seed_interest_users", sources=list(params.sources))
    n_seed_users = int(seeds[0]["n"]) if seeds else 0
    if not n_seed_users:
        raise no_interests_error(store, params.sources)
    options = options or SparkOptions()
    run = run_spark_job(store, PropagationJob(params, options.topic_block), options, steps)
    n_users = store.query(schema.count_nodes_query("User"))[0]["n"]
    n_topics = store.query(schema.count_nodes_query("Topic"))[0]["n"]
    return PropagationRun(
        method=spark_method(params.method),
        requested=params.method,
        rows=propagated_rows(store),
        sources=params.sources,
        n_users=int(n_users),
        n_topics=int(n_topics),
        n_seed_users=n_seed_users,
        selection=None,
        written=int(run.written.get("INTERESTED_IN", 0)),
        phase_seconds=dict(run.seconds),
        phase_peak_rss_mb=dict(run.peak_rss_mb),
    )


def propagated_rows(store: Store) -> pd.DataFrame:
    """The propagated interests in the store as ``user_id, topic_id, score, rank`` rows
    (users in id order, then rank)."""
    got = store.run("propagated_interests")
    frame = pd.DataFrame(got, columns=["user_id", "topic_id", "score", "rank"])
    return frame.sort_values(["user_id", "rank"], kind="stable").reset_index(drop=True)


def run_propagation(
    store: Store,
    sources: Sequence[str] | None = None,
    params: PropagationParams | None = None,
    *,
    write: bool = True,
    steps: Steps | None = None,
    engine: str = "scipy",
    spark: SparkOptions | None = None,
    **changes: Any,
) -> PropagationRun:
    """Propagate seed interests to every user and write the top ``params.top`` per user.

    ``params`` (:class:`analysis.propagation.params.PropagationParams`, default: its
    defaults) is checked, with ``engine``, before the store is read; ``sources`` (when
    given) and ``changes`` replace some of its fields (``method="vote"``, ``top=2``).
    Sources left None are every seed source with interests in the store.  Users with
    neither ties nor seed interests get no propagated interest.  With ``write`` the old
    ``INTERESTED_IN {source:'propagated'}`` edges are replaced in one bulk write
    (``store.replace_rels``); other sources are left alone.  ``engine="spark"`` runs the
    methods of :data:`beautygraph.engines.spark_propagation.SPARK_METHODS` as a Spark job
    over a Parquet export (``spark``: its
    :class:`~beautygraph.engines.spark_session.SparkOptions`): the graph propagations with
    the same result, ``prone_lr`` with the same F1 within a point; ``auto`` runs
    ``prone_lr`` there (:data:`~beautygraph.engines.spark_propagation.SPARK_AUTO`, without
    a cross-validation: ``selection`` is None).  The result's ``seconds`` and
    ``peak_rss_mb`` are the run's wall time and this process's peak memory.
    """
    if sources is not None:
        changes["sources"] = sources
    checked = _checked(PropagationParams, params, changes)
    check_engine(checked, engine, write)
    t0 = time.perf_counter()
    checked = _with_sources(store, checked)
    if engine == "spark":
        run = _run_on_spark(store, checked, steps, spark)
    else:
        run = _run_on_scipy(store, checked, write, as_steps(steps))
    return replace(run, seconds=time.perf_counter() - t0, peak_rss_mb=peak_rss_mb())


def _choose(
    g: AlfGraph, pg: PropagationGraph, params: PropagationParams, steps: Steps
) -> tuple[Selection, Step]:
    """``auto``: the method with the best cross-validated Micro-F1 on the seed users, and
    its closed stage (seconds, peak memory)."""
    n_seeds = len(seed_users(g.S_c))
    if n_seeds < params.folds:
        _refuse(
            Problem(
                ("method", "folds"),
                (params.method, params.folds),
                f"need at least {params.folds} users with seed interests to cross-validate "
                f"on, but only {n_seeds} users have some: choose another method",
            )
        )
    with steps("choosing a method by cross-validation") as st, user_errors("auto"):
        selection = select_method(pg, g.S_c, folds=params.folds, seed=params.seed)
    return selection, st


def _run_on_scipy(
    store: Store, params: PropagationParams, write: bool, steps: Steps
) -> PropagationRun:
    """:func:`run_propagation` with ``engine="scipy"`` (export → scipy → one bulk write)."""
    assert params.sources is not None  # filled in by run_propagation
    phases: dict[str, Step] = {}
    with steps("exporting seeds and follower graph") as phases["export"]:
        g, pg = _export(store, params.sources, params.direction)
    selection = None
    chosen = params.method
    if params.method == "auto":
        selection, phases["select"] = _choose(g, pg, params, steps)
        chosen = selection.best
    with steps(f"propagating ({chosen})") as phases["propagate"], user_errors(chosen):
        F = propagate(pg, g.S_c, chosen, seed=params.seed).F
    rows = propagation_rows(F, g.user_ids, g.topic_ids, params.top)
    written = 0
    if write:
        with steps("writing propagated interests") as phases["write"]:
            written = _write(store, rows, chosen)
    return PropagationRun(
        method=chosen,
        requested=params.method,
        rows=rows,
        sources=g.sources,
        n_users=len(g.user_ids),
        n_topics=len(g.topic_ids),
        n_seed_users=int(len(seed_users(g.S_c))),
        selection=selection,
        written=written,
        phase_seconds={name: st.seconds for name, st in phases.items()},
        phase_peak_rss_mb={
            name: st.peak_rss_mb for name, st in phases.items() if st.peak_rss_mb is not None
        },
    )


def _write(store: Store, rows: pd.DataFrame, method: str) -> int:
    """Replace the propagated interests in the store by ``rows`` (one bulk write)."""
    rels = pd.DataFrame(
        {
            "src": rows["user_id"].astype(str),
            "dst": rows["topic_id"].astype(str),
            "source": "propagated",
            "score": rows["score"].astype(float),
            "rank": rows["rank"].astype(np.int64),
            "method": method,
        }
    )
    return int(store.replace_rels("INTERESTED_IN", rels, where={"source": "propagated"}))


@dataclass(frozen=True, eq=False)
class PropagationEvaluation:
    """``analyze propagation``: the hold-out result, the F1-vs-labelled curve and the seed
    sources used."""

    holdout: Holdout
    curve: pd.DataFrame
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` of ``analyze propagation``: the hold-out scores and the sources."""
        return {**self.holdout.to_dict(), "sources": list(self.sources)}


def evaluate_propagation(
    store: Store,
    params: PropagationEvalParams | None = None,
    *,
    steps: Steps | None = None,
    **changes: Any,
) -> PropagationEvaluation:
    """Hide ``params.holdout`` of the seed users ``params.repeats`` times, score every
    method, baseline and ``auto`` on them; then the curve over the labelled
    ``params.fractions`` (one repeat each).  ``params``
    (:class:`analysis.propagation.params.PropagationEvalParams`) is checked before the
    store is read; ``changes`` replace some of its fields."""
    p = _with_sources(store, _checked(PropagationEvalParams, params, changes))
    assert p.sources is not None
    steps = as_steps(steps)
    with steps("exporting seeds and follower graph"):
        g, pg = _export(store, p.sources, p.direction)
    n_seeds = len(seed_users(g.S_c))
    if n_seeds < 6:
        raise UserError(f"only {n_seeds} users have seed interests: need at least 6 to hide some")
    with steps("hold-out evaluation", total=p.repeats), user_errors("hold-out"):
        result = evaluate_holdout(
            pg, g.S_c, p.holdout, repeats=p.repeats, seed=p.seed, folds=p.folds
        )
    with steps("F1 against the labelled fraction", total=len(p.fractions)), user_errors("curve"):
        curve = labelled_curve(pg, g.S_c, p.fractions, seed=p.seed)
    return PropagationEvaluation(holdout=result, curve=curve, sources=g.sources)
