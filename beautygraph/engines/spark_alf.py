"""ALF authorities (Algorithm 1, Eq. 6, 8, 2, FP1, FP2) as PySpark DataFrame jobs.

Pal, Herdagdelen, Chatterjee, Taneja: "Discovery of Topical Authorities in Instagram",
WWW 2016, §4.2–4.3.  The reference is :mod:`analysis.alf` (scipy); this module computes the
same numbers with joins and aggregations over an export folder
(:mod:`graphdb.parquet_export`), so it scales with the cluster, not with one machine.

Paper → DataFrame.  ``E(src, dst)``: FOLLOWS (``src`` follows ``dst``, duplicates once);
``S(u, t)``: known interests (binary, §4.2); ``n_in``, ``n_out``: degrees; ``m_in(v)``:
followers of ``v`` with interests.  Algorithm 1 (users × topics rows ``(v, t, value)``):

* PASS 1 (Eq. 4): ``F_e(v,t) = cnt(v,t) · (1/m_in(v))`` with ``cnt(v,t) = |{u → v : t ∈
  I(u)}|`` (or ``· (1/n_in(v))`` with ``pass1_denominator="n_in"``, as
  :func:`analysis.alf.algorithm1.algorithm1`);
* PASS 2: ``S_i(u,t) = Σ_{u→v} F_e(v,t) · (1/n_out(u))``;
* PASS 3: ``F_i(v,t) = Σ_{u→v} S_i(u,t) · (1/n_in(v))``;  ``F = F_e + F_i``.

Only positive entries exist as rows (a sum of positive terms is positive), which is the
set over which Eq. 6 takes ``μ_t, σ_t``.  ``cnt(v,t)`` is also the evidence of
:func:`analysis.alf.authorities.topical_support`: with ``min_support`` an entry is eligible
only when ``cnt >= min_support`` (:func:`eligible_column`, the mirror of
:func:`analysis.alf.authorities.eligible`).  Topics are processed in blocks of
``topic_block`` (every row of a pass carries one topic, so a block bounds the rows of a
pass by edges × block); each block's ``(v, t, F, ZF, wzf, eligible)`` rows are written to
Parquet, then Eq. 2 (one topic per user), FP2 (top-k of ``F_v`` and ``ZF_v``) and FP1
(Eq. 9 per-bucket percentiles) read all blocks.  Per-topic quantities (``n_t``, buckets,
``q_t``) are tiny and computed on the driver with the reference's own functions.

Tie-breaks equal the reference's: Eq. 2 argmax takes the lowest topic index among equal
scores; FP2's top-k ranks equal values by topic index; authorities of a topic are ranked
by score descending, then user index (= id order).  Multiplications by reciprocals mirror
the reference's ``D^-1`` so that counts divided by degrees agree to the last bit, and every
sum of floating-point terms (Pass 2 and 3, Eq. 6's ``μ_t`` and ``σ_t``) adds its terms in
ascending index order from 0.0 (:func:`ordered_sum`), as scipy's sparse products and numpy's
column sums do: scores that tie exactly in the reference tie in Spark, whatever the
partitioning, so the tie-breaks pick the same topics and users.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from analysis.alf.authorities import fp1_levels, topic_buckets
from analysis.alf.params import ALF_DEFAULTS, AlfParams
from beautygraph.engines.spark_session import spark_path as _p
from kernel.steps import Step, Steps, as_steps

__all__ = [
    "AuthoritiesJob",
    "alf_export_spec",
    "algorithm1_passes",
    "authorities_job",
    "degrees",
    "eligible_column",
    "ordered_sum",
    "spark_params",
]


@dataclass(frozen=True)
class AuthoritiesJob:
    """``authorities`` on Spark: the ALF parameters, whole, and the seed interest sources
    (a :class:`beautygraph.engines.runner.SparkJob`)."""

    params: AlfParams
    sources: tuple[str, ...]
    name: str = "authorities"

    def export_spec(self):
        return alf_export_spec()

    def run(self, spark, export_dir: str, results_dir: str, steps: Steps) -> dict:
        # the parameters cross to the job as plain values and are rebuilt (and checked) there
        return authorities_job(
            spark, export_dir, results_dir, self.params.to_dict(), sources=self.sources, steps=steps
        )


def alf_export_spec():
    """What the job reads: User and Topic ids, FOLLOWS, the source of INTERESTED_IN."""
    from graphdb.parquet_export import ExportSpec

    return ExportSpec(
        nodes={"User": [], "Topic": []}, rels={"FOLLOWS": [], "INTERESTED_IN": ["source"]}
    )


def algorithm1_passes(E, S, deg, n_out, pass1_denominator: str = ALF_DEFAULTS.pass1_denominator):
    """PASS 1–3 of Algorithm 1 (module docstring) as DataFrames ``(F_e, S_i, F_i)``.

    ``E(src, dst)``: distinct follows; ``S(u, t)``: binary seeds (one topic block);
    ``deg(v, n_in, m_in)`` and ``n_out(u, n_out)``: degrees.  ``F_e`` rows are
    ``(v, t, cnt, F_e)`` — ``cnt`` the followers of ``v`` with a seed interest in ``t``
    (the topical support) —, ``S_i`` rows ``(u, t, S_i)``, ``F_i`` rows ``(v, t, F_i)``;
    only positive entries exist.
    """
    from pyspark.sql import functions as f

    AlfParams(pass1_denominator=pass1_denominator)  # checks it: it names a column below
    # PASS 1 (Eq. 4); cnt is the topical support of the evidence rule
    Fe = (
        E.join(S, E.src == S.u)
        .groupBy(f.col("dst").alias("v"), "t")
        .agg(f.count("*").alias("cnt"))
        .join(deg, "v")
        .select(
            "v",
            "t",
            "cnt",
            (f.col("cnt") * (f.lit(1.0) / f.col(pass1_denominator))).alias("F_e"),
        )
    )
    # PASS 2
    Si = (
        ordered_sum(
            E.join(Fe, E.dst == Fe.v).select(f.col("src").alias("u"), "t", "v", "F_e"),
            ["u", "t"],
            "v",
            "F_e",
            "s",
        )
        .join(n_out, "u")
        .select("u", "t", (f.col("s") * (f.lit(1.0) / f.col("n_out"))).alias("S_i"))
    )
    # PASS 3
    Fi = (
        ordered_sum(
            E.join(Si, E.src == Si.u).select(f.col("dst").alias("v"), "t", "u", "S_i"),
            ["v", "t"],
            "u",
            "S_i",
            "s",
        )
        .join(deg, "v")
        .select("v", "t", (f.col("s") * (f.lit(1.0) / f.col("n_in"))).alias("F_i"))
    )
    return Fe, Si, Fi


def ordered_sum(df, keys: list[str], order: str, value: str, alias: str):
    """Per group of ``keys``, the sum of ``value`` added one by one in ascending ``order``
    from 0.0 — the order in which scipy's sparse products and numpy's column sums add, so
    the sums are the same to the last bit whatever the partitioning (``F.sum`` adds partial
    sums in whatever order the shuffle gives, which can break exact ties differently)."""
    from pyspark.sql import functions as f

    items = f.array_sort(f.collect_list(f.struct(f.col(order).alias("i"), f.col(value).alias("x"))))
    return df.groupBy(*keys).agg(
        f.aggregate(items, f.lit(0.0).cast("double"), lambda acc, e: acc + e["x"]).alias(alias)
    )


def degrees(E, S):
    """``deg(v, n_in, m_in)`` (``m_in`` null where no follower has interests) and
    ``n_out(u, n_out)`` of the follow table ``E`` with seeds ``S(u, t)``."""
    from pyspark.sql import functions as f

    has = S.select("u").distinct()
    n_in = E.groupBy(f.col("dst").alias("v")).agg(f.count("*").alias("n_in"))
    n_out = E.groupBy(f.col("src").alias("u")).agg(f.count("*").alias("n_out"))
    m_in = (
        E.join(has, E.src == has.u).groupBy(f.col("dst").alias("v")).agg(f.count("*").alias("m_in"))
    )
    return n_in.join(m_in, "v", "left"), n_out


#: topics per block when the parameters name none
DEFAULT_TOPIC_BLOCK = 50


def spark_params(params: AlfParams | Mapping[str, Any]) -> AlfParams:
    """The parameters as this job runs them: rebuilt (and so checked) from
    :meth:`analysis.alf.params.AlfParams.to_dict` when serialised, the block size filled in
    (:data:`DEFAULT_TOPIC_BLOCK`); ``ValueError`` for what the job does not compute —
    Theorem 1 or single precision."""
    p = params if isinstance(params, AlfParams) else AlfParams.from_dict(params)
    if p.method != "algorithm1":
        raise ValueError(
            f"the Spark job runs Algorithm 1: alpha={p.alpha}, beta={p.beta} and "
            f"gamma={p.gamma} must be None"
        )
    if p.dtype != "float64":
        raise ValueError(f"the Spark job computes in float64, not dtype={p.dtype!r}")
    return replace(p, topic_block=p.topic_block or DEFAULT_TOPIC_BLOCK)


def eligible_column(min_support: int):
    """The Spark mirror of :func:`analysis.alf.authorities.eligible` on rows carrying ``Z``,
    ``topical`` and ``cnt`` (the topical support).  Rows exist only where ``F > 0``, where
    ``Z`` and ``wzf`` are finite once ``topical > 1``, so the reference's finiteness test
    holds on every row; ``cnt >= 0`` holds on every row, as the reference skips the
    evidence rule at ``min_support = 0``.  ``tests/test_alf_params.py`` checks that both
    give the same answer on one example."""
    from pyspark.sql import functions as f

    return (f.col("Z") > 0) & (f.col("topical") > 1) & (f.col("cnt") >= int(min_support))


def authorities_job(
    spark,
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    params: AlfParams | Mapping[str, Any] = ALF_DEFAULTS,
    *,
    sources: Sequence[str] = ("bio",),
    top: int = 5,
    steps: Steps | None = None,
) -> dict:
    """Run ALF on ``export_dir`` and write ``results_dir`` (an import-results folder):
    ``relationships/AUTHORITY_ON.parquet`` ``{src, dst, score (F), wzf, rank}`` and
    ``nodes/User.parquet`` ``{id, authority_topic, authority_score}`` for every user
    (null for non-authorities), exactly what the scipy path writes.  ``params`` is an
    :class:`~analysis.alf.params.AlfParams` or its :meth:`~analysis.alf.params.AlfParams.
    to_dict` (:func:`spark_params`).  Returns counts, with the authorities per topic and
    the first ``top`` of each."""
    alf = spark_params(params)
    with as_steps(steps)("Spark: ALF (Algorithm 1 blocks, Eq. 2, FP1, FP2)") as step:
        return _authorities_job(
            spark, export_dir, results_dir, alf, sources=sources, top=top, step=step
        )


class FollowGraph(NamedTuple):
    """What every Algorithm 1 job reads from an export (Spark DataFrames)."""

    users: Any  #: ``index, id`` per user
    topics: Any  #: ``index, id`` per topic
    n_topics: int
    E: Any  #: follow edges ``(src, dst)``, distinct, cached
    S: Any  #: seed interests ``(u, t)`` of the chosen sources, distinct, cached
    deg: Any  #: :func:`degrees`' in-degrees, cached
    n_out: Any  #: :func:`degrees`' out-degrees


def read_follow_graph(spark, export_dir: str | os.PathLike, sources) -> FollowGraph:
    """The export's users and topics, follow edges, seed interests of ``sources`` and the
    degrees of :func:`degrees`."""
    from pyspark.sql import functions as f

    users = spark.read.parquet(_p(export_dir, "nodes", "User.parquet"))
    topics = spark.read.parquet(_p(export_dir, "nodes", "Topic.parquet"))
    n_topics = topics.count()
    E = (
        spark.read.parquet(_p(export_dir, "relationships", "FOLLOWS.parquet"))
        .select("src", "dst")
        .distinct()
        .cache()
    )
    S = (
        spark.read.parquet(_p(export_dir, "relationships", "INTERESTED_IN.parquet"))
        .where(f.col("source").isin(list(sources)))
        .select(f.col("src").alias("u"), f.col("dst").alias("t"))
        .distinct()
        .cache()
    )
    deg, n_out = degrees(E, S)
    deg = deg.cache()
    return FollowGraph(users, topics, n_topics, E, S, deg, n_out)


def _summary_counts(users, topics, E, S, ranked, kept, top: int) -> dict[str, Any]:
    """What the summary of ``authorities`` reports besides the assignments: users, topic
    ids (in index order), follows,
    users with a seed interest, the assignments each filter removed (``ranked`` rows
    carry ``score``, ``theta``, ``fp2_keep``), authorities per topic id and the first
    ``top`` of each, best first (``kept`` rows carry ``topic_id``, ``user_id``, ``rank``)."""
    from pyspark.sql import functions as f

    removed = ranked.agg(
        f.sum((f.col("score") < f.col("theta")).cast("int")).alias("fp1"),
        f.sum((~f.col("fp2_keep")).cast("int")).alias("fp2"),
    ).collect()[0]
    per_topic: dict[str, int] = {
        str(r["topic_id"]): int(r["count"]) for r in kept.groupBy("topic_id").count().collect()
    }
    best: dict[str, list[tuple[int, str]]] = {}
    for r in kept.where(f.col("rank") <= int(top)).select("topic_id", "user_id", "rank").collect():
        best.setdefault(str(r["topic_id"]), []).append((int(r["rank"]), str(r["user_id"])))
    return {
        "users": users.count(),
        "topic_ids": [str(r["id"]) for r in topics.orderBy("index").select("id").collect()],
        "follows": E.count(),
        "users_with_interests": S.select("u").distinct().count(),
        "fp1_removed": int(removed["fp1"] or 0),
        "fp2_removed": int(removed["fp2"] or 0),
        "per_topic_authorities": per_topic,
        "top": {t: [u for _, u in sorted(rows)] for t, rows in best.items()},
    }


def _authorities_job(
    spark,
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    params: AlfParams,
    *,
    sources: Sequence[str],
    top: int,
    step: Step,
) -> dict:
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    topic_block = int(params.topic_block or DEFAULT_TOPIC_BLOCK)
    pass1_denominator, fp2_k = params.pass1_denominator, params.fp2_k
    levels = fp1_levels(params.rho_mid, params.tau)
    users, topics, n_topics, E, S, deg, n_out = read_follow_graph(spark, export_dir, sources)

    work = _p(results_dir, "_blocks")
    blocks = list(range(0, n_topics, topic_block))
    for b, t0 in enumerate(blocks):
        step.advance()
        Sb = S.where((f.col("t") >= t0) & (f.col("t") < t0 + topic_block))
        Fe, Si, Fi = algorithm1_passes(E, Sb, deg, n_out, pass1_denominator)
        F = (
            Fe.join(Fi, ["v", "t"], "full")
            .select(
                "v",
                "t",
                f.coalesce("cnt", f.lit(0)).alias("cnt"),
                (f.coalesce("F_e", f.lit(0.0)) + f.coalesce("F_i", f.lit(0.0))).alias("F"),
            )
            .join(deg.select("v", "n_in"), "v")
            .withColumn("L", f.log("F"))
            .cache()  # read by the two statistics and the scores below
        )
        # Eq. 6: log-normal z-scores per topic over the positive entries
        # (sums in user order, as numpy sums a column, then divided by the count)
        n_pos = F.groupBy("t").agg(f.count("*").alias("n_pos"))
        mu = ordered_sum(F, ["t"], "v", "L", "sum_L").join(n_pos, "t")
        mu = mu.select("t", (f.col("sum_L") / f.col("n_pos")).alias("mu"), "n_pos")
        F = F.join(mu, "t").withColumn("dev", f.col("L") - f.col("mu"))
        sigma = ordered_sum(
            F.withColumn("dev2", f.col("dev") * f.col("dev")), ["t"], "v", "dev2", "sum_d2"
        ).join(mu, "t")
        sigma = sigma.select("t", f.sqrt(f.col("sum_d2") / f.col("n_pos")).alias("sigma"))
        topical = f.col("n_in").cast("double") * f.col("F")
        out = (
            F.join(sigma, "t")
            .withColumn(
                "Z", f.when(f.col("sigma") > 0, f.col("dev") / f.col("sigma")).otherwise(0.0)
            )
            .withColumn("topical", topical)
            # Eq. 8
            .withColumn("wzf", f.col("Z") * f.log("topical"))
            .withColumn("eligible", eligible_column(params.min_support))
            .select("v", "t", "F", "Z", "wzf", "eligible")
        )
        out.write.mode("overwrite").parquet(_p(work, f"block={b}"))
        F.unpersist()

    step.advance()
    R = spark.read.parquet(work).drop("block").cache()
    # Eq. 2: at most one topic per user, argmax of wzf (lowest topic on ties)
    by_user = Window.partitionBy("v").orderBy(f.col("wzf").desc(), f.col("t").asc())
    assigned = (
        R.where("eligible")
        .withColumn("r", f.row_number().over(by_user))
        .where("r = 1")
        .select(
            "v",
            f.col("t").alias("ta"),
            f.col("F").alias("Fa"),
            f.col("Z").alias("Za"),
            f.col("wzf").alias("score"),
        )
        .cache()
    )
    # FP2: the assigned topic must be among the top k of F_v and of ZF_v
    ahead = (
        R.join(assigned, "v")
        .groupBy("v")
        .agg(
            f.sum(
                (
                    (f.col("F") > f.col("Fa"))
                    | ((f.col("F") == f.col("Fa")) & (f.col("t") < f.col("ta")))
                ).cast("int")
            ).alias("ahead_F"),
            f.sum(
                (
                    (f.col("Z") > f.col("Za"))
                    | ((f.col("Z") == f.col("Za")) & (f.col("t") < f.col("ta")))
                ).cast("int")
            ).alias("ahead_Z"),
        )
    )
    assigned = assigned.join(ahead, "v").withColumn(
        "fp2_keep", (f.col("ahead_F") < fp2_k) & (f.col("ahead_Z") < fp2_k)
    )
    # FP1 (Eq. 9): per-topic thresholds from buckets of n_t (driver-side, T values)
    n_t_rows = assigned.groupBy("ta").count().collect()
    n_t = np.zeros(n_topics, dtype=np.int64)
    for row in n_t_rows:
        n_t[int(row["ta"])] = int(row["count"])
    bucket = topic_buckets(n_t, params.bucket_split) if n_topics else np.array([], dtype=object)
    q = [
        max(1, math.ceil(levels[str(bucket[t])] * n_t[t] / 100.0 - 1e-9)) if n_t[t] else 0
        for t in range(n_topics)
    ]
    q_df = spark.createDataFrame([(t, int(q[t])) for t in range(n_topics)], "ta long, q long")
    by_topic = Window.partitionBy("ta").orderBy(f.col("score").desc(), f.col("v").asc())
    ranked = assigned.join(q_df, "ta").withColumn("pos", f.row_number().over(by_topic))
    theta = ranked.where(f.col("pos") == f.col("q")).select("ta", f.col("score").alias("theta"))
    kept = (
        ranked.join(theta, "ta")
        .where((f.col("score") >= f.col("theta")) & f.col("fp2_keep"))
        .withColumn("rank", f.row_number().over(by_topic))
    )
    uid = users.select(f.col("index").alias("v"), f.col("id").alias("user_id"))
    tid = topics.select(f.col("index").alias("ta"), f.col("id").alias("topic_id"))
    kept = kept.join(uid, "v").join(tid, "ta").cache()
    step.advance()
    kept.select(
        f.col("user_id").alias("src"),
        f.col("topic_id").alias("dst"),
        f.col("Fa").alias("score"),
        f.col("score").alias("wzf"),
        f.col("rank").cast("long").alias("rank"),
    ).write.mode("overwrite").parquet(_p(results_dir, "relationships", "AUTHORITY_ON.parquet"))
    users.select(f.col("index").alias("v"), f.col("id")).join(
        kept.select(
            "v", f.col("topic_id").alias("authority_topic"), f.col("score").alias("authority_score")
        ),
        "v",
        "left",
    ).select("id", "authority_topic", "authority_score").write.mode("overwrite").parquet(
        _p(results_dir, "nodes", "User.parquet")
    )
    counts = {
        "assigned": int(n_t.sum()),
        "authorities": kept.count(),
        "blocks": len(blocks),
        "topic_block": int(topic_block),
        **_summary_counts(users, topics, E, S, ranked.join(theta, "ta"), kept, top),
    }
    for df in (E, S, deg, R, assigned, kept):
        df.unpersist()
    if Path(work).is_dir():  # a local or mounted folder; on HDFS/S3 it stays
        shutil.rmtree(work, ignore_errors=True)
    step.advance()
    return counts
