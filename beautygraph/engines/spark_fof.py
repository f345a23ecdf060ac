"""Friend-of-friend recommenders CN, AA and BB as PySpark DataFrame jobs.

Aiello, Schifanella, Redi, Svetlichnaya, Liu, Osindero: "Beautiful and damned. Combined
effect of content quality and social ties on user engagement", IEEE TKDE 2017, §7.  The
reference is :mod:`analysis.fof` (scipy), whose module docstring defines the candidates
and the scores:
candidates of ``u`` are accounts ``v`` at distance exactly two (``u → z → v``, ``v ≠ u``,
``u`` does not follow ``v``), duplicates counted once and self-follows ignored;

* CN: the number of common neighbours ``z``;
* AA: ``Σ_z 1/ln deg(z)`` (``deg`` = in + out degree) computed as
  ``1/(log10(deg) · ln 10)`` and rounded half-up to 9 decimals, as the reference;
* BB±tol: candidates whose beauty lies within ``b(u)(1 ± tol)``, scored by their beauty.

Ranking (identical to the reference and to the per-user Cypher): score descending, then
candidate index ascending — the candidate's id order, since export indices follow ids.
The two-step paths are one self-join of the edge table; Spark spills what does not fit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from analysis.recommend_params import BATCH_METHODS, RecommendParams, check_method
from beautygraph.engines.spark_session import spark_path as _p
from kernel.steps import Step, Steps, as_steps

__all__ = ["SPARK_METHODS", "RecommendJob", "fof_export_spec", "recommend_job", "spark_params"]

_LN10 = 2.302585092994046  # the constant of analysis.fof and cypher/recommend_aa.cypher
#: the methods this job answers: the batch methods of analysis.fof
SPARK_METHODS: tuple[str, ...] = BATCH_METHODS


def spark_params(params: RecommendParams) -> RecommendParams:
    """``params`` when the Spark job computes its method; a
    :class:`kernel.params.InvalidParams` naming ``method`` otherwise."""
    check_method(params.method, SPARK_METHODS, f"has no spark job; use {', '.join(SPARK_METHODS)}")
    return params


@dataclass(frozen=True)
class RecommendJob:
    """CN / AA / BB for every user on Spark (a :class:`beautygraph.engines.runner.SparkJob`),
    with the run's :class:`analysis.recommend_params.RecommendParams` whole (``method``,
    ``k``, ``tolerance``); a method the job does not compute is refused on construction."""

    params: RecommendParams
    name: str = "recommend"

    def __post_init__(self) -> None:
        spark_params(self.params)

    def export_spec(self):
        return fof_export_spec(self.params.method)

    def run(self, spark, export_dir: str, results_dir: str, steps: Steps) -> dict:
        return recommend_job(spark, export_dir, results_dir, self.params, steps=steps)


def fof_export_spec(method: str):
    """What the job reads: User ids (and beauty for BB) and FOLLOWS."""
    from graphdb.parquet_export import ExportSpec

    return ExportSpec(nodes={"User": ["beauty"] if method == "bb" else []}, rels={"FOLLOWS": []})


def recommend_job(
    spark,
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    params: RecommendParams,
    *,
    steps: Steps | None = None,
) -> dict:
    """Top-``params.k`` recommendations of ``params.method`` for every user; writes
    ``relationships/RECOMMENDED.parquet`` ``{src, dst, method, rank, score}`` into
    ``results_dir`` (an import-results folder).  Returns counts."""
    with as_steps(steps)("Spark: friend-of-friend recommendations") as step:
        return _recommend_job(spark, export_dir, results_dir, spark_params(params), step=step)


def _recommend_job(
    spark,
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    params: RecommendParams,
    *,
    step: Step,
) -> dict:
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    method, k, tolerance = params.method, params.k, params.tolerance
    step.advance()
    users = spark.read.parquet(_p(export_dir, "nodes", "User.parquet"))
    E = (
        spark.read.parquet(_p(export_dir, "relationships", "FOLLOWS.parquet"))
        .select("src", "dst")
        .where(f.col("src") != f.col("dst"))
        .distinct()
        .cache()
    )
    e1 = E.select(f.col("src").alias("u"), f.col("dst").alias("z"))
    e2 = E.select(f.col("src").alias("z"), f.col("dst").alias("v"))
    paths = e1.join(e2, "z").where(f.col("u") != f.col("v"))
    follows = E.select(f.col("src").alias("u"), f.col("dst").alias("v"))
    paths = paths.join(follows, ["u", "v"], "left_anti")
    if method == "aa":
        deg = (
            E.select(f.col("src").alias("z"))
            .unionAll(E.select(f.col("dst").alias("z")))
            .groupBy("z")
            .agg(f.count("*").alias("deg"))
            .where(f.col("deg") >= 2)
            .select("z", (f.lit(1.0) / (f.log10(f.col("deg").cast("double")) * _LN10)).alias("w"))
        )
        paths = paths.join(deg, "z", "left").fillna(0.0, subset=["w"])
        pairs = paths.groupBy("u", "v").agg(f.count("*").alias("n_common"), f.sum("w").alias("aa"))
        # round half up to 9 decimals, as analysis.fof.round_half_up and Cypher's round()
        pairs = pairs.withColumn("score", f.floor(f.col("aa") * 1e9 + 0.5) / 1e9)
    else:
        pairs = paths.groupBy("u", "v").agg(f.count("*").alias("n_common"))
        if method == "cn":
            pairs = pairs.withColumn("score", f.col("n_common").cast("double"))
        else:
            b = users.select(f.col("index").alias("i"), f.col("beauty"))
            bu = b.select(f.col("i").alias("u"), f.col("beauty").alias("bu"))
            bv = b.select(f.col("i").alias("v"), f.col("beauty").alias("score"))
            pairs = (
                pairs.join(bu, "u")
                .join(bv, "v")
                .where(
                    (f.col("score") >= f.col("bu") * (1.0 - tolerance))
                    & (f.col("score") <= f.col("bu") * (1.0 + tolerance))
                )
            )
    step.advance()
    order = Window.partitionBy("u").orderBy(f.col("score").desc(), f.col("v").asc())
    top = pairs.withColumn("rank", f.row_number().over(order)).where(f.col("rank") <= k)
    ids = users.select(f.col("index").alias("i"), f.col("id"))
    named = top.join(ids.select(f.col("i").alias("u"), f.col("id").alias("src")), "u").join(
        ids.select(f.col("i").alias("v"), f.col("id").alias("dst")), "v"
    )
    out = named.select(
        "src",
        "dst",
        f.lit(method).alias("method"),
        f.col("rank").cast("long").alias("rank"),
        f.col("score").cast("double").alias("score"),
    )
    step.advance()
    target = _p(results_dir, "relationships", "RECOMMENDED.parquet")
    out.write.mode("overwrite").parquet(target)
    # the recommendations with their common neighbours, for the caller's summary (the
    # store's RECOMMENDED has no n_common property)
    named.select(
        f.col("src").alias("user"),
        f.col("dst").alias("candidate"),
        f.col("rank").cast("long").alias("rank"),
        f.col("score").cast("double").alias("score"),
        f.col("n_common").cast("long").alias("n_common"),
    ).coalesce(1).write.mode("overwrite").parquet(
        _p(results_dir, "extras", "recommendations.parquet")
    )
    n = spark.read.parquet(target).count()
    E.unpersist()
    step.advance()
    return {"method": method, "recommendations": n}
