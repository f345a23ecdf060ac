"""Hold-out evaluation of the propagation methods: hide a share of the seed users, run
every method (and ``auto``, which chooses from the labelled users alone) on the rest, score
the hidden users by the DeepWalk protocol and accuracy@1 (:mod:`.evaluation`).

Chance on the same data is the ``majority`` baseline (every user gets the topic frequencies
of the labelled users); the one-pass ``vote`` is the trivial graph baseline.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> from analysis.propagation.graph import PropagationGraph
>>> g = PropagationGraph.from_edges([0, 1, 2, 3], [1, 2, 3, 0], 4)
>>> Y = sp.csr_matrix(np.ones((4, 1)))
>>> r = evaluate_holdout(g, Y, 0.5, methods=("vote", "majority"), repeats=1, auto=False)
>>> r.methods["vote"].micro_f1
1.0
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.propagation.evaluation import score_predictions, split_seeds
from analysis.propagation.graph import PropagationGraph, check_seeds, seed_users
from analysis.propagation.methods import (
    BASELINES,
    _hide,
    _prior,
    auto_candidates,
    propagate,
    select_method,
)
from analysis.propagation.params import FAMILY, fraction_problems
from kernel.params import InvalidParams, check_int

__all__ = ["Holdout", "MethodScore", "evaluate_holdout", "labelled_curve"]


@dataclass(frozen=True)
class MethodScore:
    """Mean scores over the repeats (all in [0, 1]) and mean seconds per run."""

    micro_f1: float
    macro_f1: float
    accuracy: float
    seconds: float

    def to_dict(self) -> dict[str, float]:
        return {
            "micro_f1": self.micro_f1,
            "macro_f1": self.macro_f1,
            "accuracy": self.accuracy,
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class Holdout:
    """Result of :func:`evaluate_holdout`.

    ``methods``: name -> mean scores; ``auto``: the method ``auto`` picked most often over
    the repeats (``auto_picks``: one per repeat); ``n_hidden`` / ``n_labelled``: seed users
    hidden / kept per repeat.
    """

    methods: dict[str, MethodScore]
    auto: str | None
    auto_picks: tuple[str, ...]
    n_hidden: int
    n_labelled: int
    holdout: float
    repeats: int

    def to_dict(self) -> dict:
        """The JSON of ``analyze propagation``."""
        return {
            "methods": {m: s.to_dict() for m, s in self.methods.items()},
            "auto": self.auto,
            "n_hidden": self.n_hidden,
            "n_labelled": self.n_labelled,
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"method": m, **s.to_dict()} for m, s in self.methods.items()]
        ).sort_values("micro_f1", ascending=False, ignore_index=True)


def evaluate_holdout(
    graph: PropagationGraph,
    Y,
    holdout: float = 0.5,
    *,
    methods: Sequence[str] | None = None,
    repeats: int = 3,
    seed: int = 0,
    folds: int = 3,
    auto: bool = True,
) -> Holdout:
    """Hide ``holdout`` of the seed users ``repeats`` times and score every method on them.

    ``auto`` is scored as the method it picks by :func:`select_method` on the labelled
    users of that repeat (its seconds include the cross-validation).  ``methods``
    defaults to what ``auto`` would consider on this graph
    (:func:`~analysis.propagation.methods.auto_candidates`: no dense NetMF above its size)
    and the majority baseline.
    """
    problems = check_int("repeats", repeats, 1)
    if problems:
        raise InvalidParams(FAMILY, problems)
    Y = check_seeds(Y, graph.n_users)
    considered = auto_candidates(graph.n_users)
    if methods is None:
        methods = (*considered, "majority")
    methods = tuple(dict.fromkeys(list(methods) + list(BASELINES)))
    truth = np.asarray(Y.todense()) > 0
    rng = np.random.default_rng(seed)
    per: dict[str, list[tuple[float, float, float, float]]] = {m: [] for m in methods}
    picks: list[str] = []
    n_hidden = n_labelled = 0
    for rep in range(repeats):
        labelled, hidden = split_seeds(seed_users(Y), holdout, rng)
        n_hidden, n_labelled = len(hidden), len(labelled)
        Y_train = _hide(Y, hidden)
        prior = _prior(Y_train)
        runs = {}
        for name in methods:
            p = propagate(graph, Y_train, name, seed=seed + rep)
            s = score_predictions(p.F[hidden], truth[hidden], prior)
            runs[name] = (s.micro_f1, s.macro_f1, s.accuracy, p.seconds)
            per[name].append(runs[name])
        if auto:
            t0 = time.perf_counter()
            cands = [m for m in considered if m in methods]
            sel = select_method(graph, Y_train, cands, folds=folds, seed=seed + rep)
            cv_seconds = time.perf_counter() - t0
            picks.append(sel.best)
            mi, ma, ac, sec = runs[sel.best]
            per.setdefault("auto", []).append((mi, ma, ac, sec + cv_seconds))
    scores = {
        m: MethodScore(*(float(np.mean([r[i] for r in v])) for i in range(4)))
        for m, v in per.items()
    }
    chosen = Counter(picks).most_common(1)[0][0] if picks else None
    return Holdout(
        methods=scores,
        auto=chosen,
        auto_picks=tuple(picks),
        n_hidden=n_hidden,
        n_labelled=n_labelled,
        holdout=float(holdout),
        repeats=repeats,
    )


def labelled_curve(
    graph: PropagationGraph,
    Y,
    fractions: Sequence[float] = (0.1, 0.5, 0.9),
    *,
    methods: Sequence[str] | None = None,
    repeats: int = 1,
    seed: int = 0,
) -> pd.DataFrame:
    """Micro/Macro-F1 of every method against the labelled fraction of the seed users
    (one row per fraction and method) — the figure of ``analyze propagation``."""
    problems = fraction_problems(fractions)
    if problems:  # all of them before the first run
        raise InvalidParams(FAMILY, problems)
    rows = []
    for f in fractions:
        h = evaluate_holdout(
            graph, Y, 1.0 - f, methods=methods, repeats=repeats, seed=seed, auto=False
        )
        for m, s in h.methods.items():
            rows.append({"labelled": f, "method": m, **s.to_dict()})
    return pd.DataFrame(rows)
