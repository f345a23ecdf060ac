"""The results of a Spark job in the shape of the same command's other engines.

A command with ``--engine`` prints one JSON schema whatever the engine (the same keys, the
same value types); the Spark jobs (:mod:`beautygraph.engines`) return counts, so these
functions turn a :class:`beautygraph.engines.runner.SparkRun` into the result the scipy
or Cypher path builds: ``recommend --all`` (:class:`BatchRecommendations`) and
``beauty-aggregates`` (:class:`BeautyAggregates`).  ``authorities`` has
:meth:`beautygraph.pipelines.alf.AuthoritiesSummary.from_spark`; ``interests propagate``
builds one :class:`beautygraph.pipelines.propagation.PropagationRun` on both engines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from beautygraph.pipelines.recommend import BatchRecommendations
from graphdb import schema

if TYPE_CHECKING:
    from analysis.recommend_params import RecommendParams
    from graphdb.base import Store

__all__ = ["BeautyAggregates", "recommendations_from_spark"]

#: the columns of :attr:`BatchRecommendations.frame`
_REC_COLUMNS = ["user", "candidate", "rank", "score", "n_common", "method"]


def recommendations_from_spark(store: Store, run, params: RecommendParams) -> BatchRecommendations:
    """The batch answer of ``recommend --all --engine spark`` for ``params``: the job's
    recommendations (its ``extras/recommendations`` table, with the common neighbours) for
    every user, ordered by user id then rank, as the scipy batch orders them."""
    frame = run.extras.get("recommendations")
    if frame is None:
        frame = pd.DataFrame(columns=_REC_COLUMNS[:-1])
    frame = frame.assign(
        user=frame["user"].astype(str),
        candidate=frame["candidate"].astype(str),
        rank=frame["rank"].astype(np.int64),
        score=frame["score"].astype(float),
        n_common=frame["n_common"].astype(np.int64),
        method=params.method,
    )
    frame = frame.sort_values(["user", "rank"], kind="stable").reset_index(drop=True)
    n_users = store.query(schema.count_nodes_query("User"))[0]["n"]
    return BatchRecommendations(
        params=params,
        n_users=int(n_users),
        frame=frame[_REC_COLUMNS],
        written=int(run.written.get("RECOMMENDED", 0)),
    )


@dataclass(frozen=True)
class BeautyAggregates:
    """What ``beauty-aggregates`` reports on every engine: the users, how many got a user
    beauty and a neighbour beauty (counted in the store after the write) and the photo
    beauty source averaged."""

    engine: str
    beauty_source: str | None
    users: int
    with_beauty: int
    with_neighbor_beauty: int

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_engine(cls, store: Store, out: Mapping[str, Any]) -> BeautyAggregates:
        """The summary of :func:`beautygraph.pipelines.beauty_aggregates.aggregate_beauty`'s
        answer on any engine; the counts the engine did not return are read from the
        store (a value is counted when it is a finite number)."""
        users = store.export_nodes("User", ["beauty", "neighbor_beauty"])

        def finite(name: str) -> int:
            values = pd.to_numeric(pd.Series(users.props[name]), errors="coerce")
            return int(np.isfinite(values.to_numpy(dtype=float)).sum())

        source = out.get("beauty_source")
        return cls(
            engine=str(out["engine"]),
            beauty_source=None if source is None else str(source),
            users=int(out.get("users", len(users))),
            with_beauty=int(out["with_beauty"]) if "with_beauty" in out else finite("beauty"),
            with_neighbor_beauty=(
                int(out["with_neighbor_beauty"])
                if "with_neighbor_beauty" in out
                else finite("neighbor_beauty")
            ),
        )
