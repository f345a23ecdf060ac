"""User beauty, favourites received and neighbour beauty as PySpark DataFrame jobs.

Aiello, Schifanella, Redi, Svetlichnaya, Liu, Osindero: "Beautiful and damned. Combined
effect of content quality and social ties on user engagement", IEEE TKDE 2017, §6 and
Eq. 2.  Same definitions as :mod:`analysis.beauty` (the reference) and
``cypher/user_beauty.cypher`` / ``cypher/neighbor_beauty.cypher``:

* ``beauty(u)``: mean score of ``u``'s photos from ONE source, in whichever slot holds it
  (:func:`graphdb.beauty_slots.photo_score_of_source`: ``quality_source``, else
  ``beauty_source`` with missing = ``'unknown'``; null when none) with ``beauty_source``
  that source, ``n_photos``
  all of ``u``'s photos, ``favs_received`` favourites on ``u``'s photos from other users;
* ``neighbor_beauty(u)``: mean ``beauty`` of the accounts ``u`` follows that have one
  (null when none).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from beautygraph.engines.spark_session import spark_path as _p
from kernel.steps import Step, Steps, as_steps

__all__ = ["BeautyJob", "beauty_export_spec", "beauty_job"]


@dataclass(frozen=True)
class BeautyJob:
    """The beauty aggregates of the photos of one ``Photo.beauty_source`` on Spark (a
    :class:`beautygraph.engines.runner.SparkJob`)."""

    source: str
    name: str = "beauty"

    def export_spec(self):
        return beauty_export_spec()

    def run(self, spark, export_dir: str, results_dir: str, steps: Steps) -> dict:
        return beauty_job(spark, export_dir, results_dir, source=self.source, steps=steps)


def beauty_export_spec():
    """What the job reads: User ids, Photo beauty, POSTED, FAVORITED, FOLLOWS."""
    from graphdb.parquet_export import ExportSpec

    return ExportSpec(
        nodes={"User": [], "Photo": ["beauty", "beauty_source", "quality", "quality_source"]},
        rels={"POSTED": [], "FAVORITED": [], "FOLLOWS": []},
    )


def beauty_job(
    spark,
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    source: str | None = None,
    steps: Steps | None = None,
) -> dict:
    """Write ``nodes/User.parquet`` ``{id, beauty, beauty_source, n_photos, favs_received,
    neighbor_beauty}`` for every user into ``results_dir``; the beauty comes from the photos
    of ``source`` only.  Returns counts."""
    with as_steps(steps)("Spark: beauty aggregates") as step:
        return _beauty_job(spark, export_dir, results_dir, source, step=step)


def _beauty_job(
    spark,
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    source: str | None,
    *,
    step: Step,
) -> dict:
    from pyspark.sql import functions as f

    step.advance()
    rd = spark.read.parquet
    users = rd(_p(export_dir, "nodes", "User.parquet")).select(f.col("index").alias("u"), "id")
    photos = rd(_p(export_dir, "nodes", "Photo.parquet")).select(
        f.col("index").alias("p"),
        # graphdb.beauty_slots.photo_score_of_source, as Spark columns
        f.when(f.col("quality_source") == f.lit(source), f.col("quality"))
        .when(f.coalesce("beauty_source", f.lit("unknown")) == f.lit(source), f.col("beauty"))
        .alias("beauty"),
    )
    posted = rd(_p(export_dir, "relationships", "POSTED.parquet")).select(
        f.col("src").alias("u"), f.col("dst").alias("p")
    )
    faved = rd(_p(export_dir, "relationships", "FAVORITED.parquet")).select(
        f.col("src").alias("fan"), f.col("dst").alias("p")
    )
    follows = rd(_p(export_dir, "relationships", "FOLLOWS.parquet")).select("src", "dst")
    ub = (
        posted.join(photos, "p")
        .groupBy("u")
        .agg(f.avg("beauty").alias("beauty"), f.count("*").alias("n_photos"))
    )
    favs = (
        faved.join(posted, "p")
        .where(f.col("fan") != f.col("u"))
        .groupBy("u")
        .agg(f.count("*").alias("favs_received"))
    )
    per_user = (
        users.join(ub, "u", "left")
        .join(favs, "u", "left")
        .fillna(0, subset=["n_photos", "favs_received"])
        .cache()
    )
    step.advance()
    nb = (
        follows.join(per_user.select(f.col("u").alias("dst"), "beauty"), "dst")
        .groupBy(f.col("src").alias("u"))
        .agg(f.avg("beauty").alias("neighbor_beauty"))
    )
    out = per_user.join(nb, "u", "left").select(
        "id",
        "beauty",
        f.when(f.col("beauty").isNotNull(), f.lit(source)).cast("string").alias("beauty_source"),
        f.col("n_photos").cast("long").alias("n_photos"),
        f.col("favs_received").cast("long").alias("favs_received"),
        "neighbor_beauty",
    )
    step.advance()
    out.write.mode("overwrite").parquet(_p(results_dir, "nodes", "User.parquet"))
    n = per_user.count()
    per_user.unpersist()
    step.advance()
    return {"users": n}
