"""``recommend --all --engine spark`` for the learned ranker: candidates scored on Spark.

The candidates and their features are the learned ranker's own
(:func:`analysis.linkpred.serving.scored_users`' per-user path, the same as
``recommend USER``), computed on the driver a block of users at a time from the serving
index and written as Parquet parts beside the export (``learned_candidates/``; the
personalised PageRank pushes and the embedding products are not DataFrame joins).  Spark
then applies the fitted model: it is broadcast once, and ``mapInPandas`` scores each
partition's pairs with ``predict_proba`` (the model unpickled once per partition, on the
executors); the top ``k`` per user follow from a window ordered by score, then by the
candidate's index (its id order) — the order of :func:`analysis.linkpred.balance.top_k`.
With a beauty balance λ > 0 a second window gives the last ``m(λ)`` slots to the
best-scored forlorn beauties outside the first ``k − m`` (the ``promote`` column), as
:func:`analysis.linkpred.balance.balanced_top_k` does.

The results are the other Spark recommenders' (:mod:`beautygraph.engines.spark_fof`):
``relationships/RECOMMENDED.parquet`` ``{src, dst, method, rank, score}`` for
import-results, and ``extras/recommendations.parquet`` with the common neighbours (the
``cn`` feature: the followed accounts that follow the candidate).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.recommend_params import RecommendParams, check_method
from beautygraph.engines.spark_session import spark_path as _p
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    import pandas as pd

    from analysis.linkpred.learned import LearnedRanker
    from analysis.linkpred.serving import ServingIndex

__all__ = ["LearnedRecommendJob", "candidate_parts", "score_partitions"]

#: the columns of a candidate part besides the features
_KEYS = ("u", "v", "user", "candidate", "n_common", "promote")


@dataclass(frozen=True)
class LearnedRecommendJob:
    """The learned ranker's ``--all`` on Spark (a :class:`beautygraph.engines.runner.SparkJob`):
    the run's parameters (``k``), the fitted ranker, its serving index and the index's user
    ids (sorted, the export's order).  Runs as the ``recommend`` job: its results are
    RECOMMENDED relationships like the friend-of-friend job's."""

    params: RecommendParams
    ranker: LearnedRanker = field(repr=False)
    index: ServingIndex = field(repr=False)
    user_ids: np.ndarray = field(repr=False)
    block: int = 256
    name: str = "recommend"

    def __post_init__(self) -> None:
        check_method(self.params.method, ("learned",), "is not the learned ranker")

    def export_spec(self):
        """The User ids only: the candidates come from the serving index."""
        from graphdb.parquet_export import ExportSpec

        return ExportSpec(nodes={"User": []}, rels={})

    def run(self, spark, export_dir: str, results_dir: str, steps: Steps) -> dict:
        steps = as_steps(steps)
        folder = _p(export_dir, "learned_candidates")
        with steps("candidates and features (local)", total=len(self.user_ids)) as step:
            names = candidate_parts(
                self.index, self.ranker, self.user_ids, folder, self.block, step.advance
            )
        with steps("Spark: score the candidates with the learned model"):
            return _score_job(spark, folder, results_dir, self.ranker, names, self.params)


def candidate_parts(
    index: ServingIndex,
    ranker: LearnedRanker,
    user_ids: np.ndarray,
    folder: str | os.PathLike,
    block: int = 256,
    on_block: Callable[[int], Any] | None = None,
) -> tuple[str, ...]:
    """Write every user's candidate pairs with their features (one Parquet part per block
    of users, float64 as the model saw them) into ``folder``; returns the feature names."""
    import pandas as pd

    from analysis.linkpred.balance import promoted
    from analysis.linkpred.serving import scored_users

    os.makedirs(folder, exist_ok=True)
    names: tuple[str, ...] = ()
    users = np.arange(len(user_ids))
    for part, (c, _) in enumerate(scored_users(index, ranker, users, block, score=False)):
        names = c.names
        frame = pd.DataFrame(c.X, columns=[f"f{i}" for i in range(len(names))])
        frame.insert(0, "promote", promoted(index.forlorn, c.item))
        frame.insert(0, "n_common", c.X[:, names.index("cn")].astype(np.int64))
        frame.insert(0, "candidate", user_ids[c.item])
        frame.insert(0, "user", user_ids[c.user])
        frame.insert(0, "v", c.item)
        frame.insert(0, "u", c.user)
        frame.to_parquet(os.path.join(folder, f"part-{part:05d}.parquet"), index=False)
        if on_block is not None:
            on_block(len(np.unique(c.user)))
    return names


def score_partitions(
    model_bytes, n_features: int
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The ``mapInPandas`` function: each batch of pairs with the model's probability
    (``model_bytes``: a broadcast of the pickled model, loaded once per partition)."""
    cols = [f"f{i}" for i in range(n_features)]

    def score(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        model = pickle.loads(model_bytes.value)  # the driver's own model, pickled by it
        for batch in batches:
            X = batch[cols].to_numpy(dtype=np.float64)
            out = batch[list(_KEYS)].copy()
            out["score"] = model.predict_proba(X)[:, 1] if len(batch) else np.zeros(0)
            yield out

    return score


def _score_job(spark, folder: str, results_dir: str, ranker, names, params) -> dict:
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    from analysis.linkpred.balance import promoted_slots

    pairs = spark.read.parquet(folder) if names else None
    target = _p(results_dir, "relationships", "RECOMMENDED.parquet")
    schema = (
        "u long, v long, user string, candidate string, n_common long, promote boolean, "
        "score double"
    )
    if pairs is None:  # nobody has a candidate
        pairs = spark.createDataFrame([], schema)
    else:
        model = spark.sparkContext.broadcast(pickle.dumps(ranker.model))
        pairs = pairs.mapInPandas(score_partitions(model, len(names)), schema)
    k, m = params.k, promoted_slots(params.beauty_balance, params.k)
    order = Window.partitionBy("u").orderBy(f.col("score").desc(), f.col("v").asc())
    if m:  # the head by score, then the promoted outside it, then the rest
        tier = f.when(f.row_number().over(order) <= k - m, 2).when(f.col("promote"), 1).otherwise(0)
        by_tier = Window.partitionBy("u").orderBy(
            f.col("tier").desc(), f.col("score").desc(), f.col("v").asc()
        )
        pairs = pairs.withColumn("tier", tier)
        pairs = pairs.withColumn("slot", f.row_number().over(by_tier)).where(f.col("slot") <= k)
    top = pairs.withColumn("rank", f.row_number().over(order)).where(f.col("rank") <= k)
    top = top.cache()
    top.select(
        f.col("user").alias("src"),
        f.col("candidate").alias("dst"),
        f.lit("learned").alias("method"),
        f.col("rank").cast("long").alias("rank"),
        f.col("score").cast("double").alias("score"),
    ).write.mode("overwrite").parquet(target)
    top.select(
        "user",
        "candidate",
        f.col("rank").cast("long").alias("rank"),
        f.col("score").cast("double").alias("score"),
        f.col("n_common").cast("long").alias("n_common"),
    ).coalesce(1).write.mode("overwrite").parquet(
        _p(results_dir, "extras", "recommendations.parquet")
    )
    n = top.count()
    top.unpersist()
    return {"method": "learned", "recommendations": int(n)}
