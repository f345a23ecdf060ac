"""``interests propagate`` on Spark: the graph-propagation methods as DataFrame jobs.

The reference is :mod:`analysis.propagation` (scipy); this module computes the same scores
for the methods that are one or a few passes over the follower graph, so they scale with
the cluster:

``vote``           the one-pass weighted vote of labelled neighbours (Macskassy & Provost,
                   "Classification in networked data: a toolkit and a univariate case
                   study", JMLR 8, 2007; :func:`analysis.propagation.baselines.weighted_vote`):
                   ``V(u,t) = Σ_v W(u,v) Y(v,t) · (1/Σ_{v ∈ L} W(u,v))`` with
                   ``W = A + Aᵗ`` (a mutual tie weighs 2, self-ties dropped), ``L`` the seed
                   users;
``algorithm1``     ALF's Algorithm 1, ``F = F^e + F^i`` (Pal, Herdağdelen, Chatterji, Taank
                   & Chakrabarti, "Discovery of Topical Authorities in Instagram", WWW 2016,
                   §4.2), Pass 1 over ``m^in`` as printed;
``alf_interests``  the same paper's re-estimated interests ``S^i`` after Pass 2;
``prone_lr``       the learned method that scales with the follows: a ProNE embedding
                   (Zhang et al., IJCAI 2019) factorised and propagated with MLlib's
                   distributed matrices, and one MLlib logistic regression per topic
                   fitted on the seed users (:mod:`beautygraph.engines.spark_prone`,
                   :mod:`beautygraph.engines.spark_prone_lr`).

``auto`` runs ``prone_lr`` here (:data:`SPARK_AUTO`), without the scipy engine's
cross-validation, which on Spark would be folds × candidates jobs over the whole graph.
On BlogCatalog the scipy ``auto`` chose its learned method on every split (README), and
above :data:`analysis.propagation.methods.ITERATIVE_MAX_USERS` users — the sizes Spark is
for — it weighs only ``prone_lr``, Algorithm 1, ``S^i`` and the vote, all of which run
here; ``prone_lr`` is the learned one.  So ``--engine spark`` refuses nothing ``auto``
picks, and says what it ran (``method``) beside what was asked (``requested``).
The passes of Algorithm 1 are
:func:`beautygraph.engines.spark_alf.algorithm1_passes`, shared with the authorities job.
The other registered methods (label spreading, Theorem 1's series, dense NetMF) iterate to
convergence or need a ``V × V`` matrix and stay on scipy (:data:`SPARK_METHODS` lists what
runs here).

Rows ``(u, t, score)`` exist only for positive scores; topics are processed in blocks of
``topic_block`` so no pass holds more than edges × block rows.  Each user keeps her ``top``
best topics: score descending, then topic index (= topic id order) — the order of
:func:`beautygraph.pipelines.propagation.propagation_rows`.  Sums of floating-point terms
may be added in another order than scipy's, so scores agree to about 1e-15, and two topics
whose scores are equal in exact arithmetic may swap places.

The job takes the parameters whole (:class:`PropagationJob` carries an
:class:`analysis.propagation.params.PropagationParams`, which crosses to the job as
:meth:`~analysis.propagation.params.PropagationParams.to_dict` and is rebuilt there);
:func:`spark_problems` names, by parameter, what the job does not compute, so the pipeline
refuses it before the export.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.propagation.params import FAMILY, PropagationParams
from beautygraph.engines.spark_prone import ProneSettings
from beautygraph.engines.spark_session import spark_path as _p
from kernel.params import InvalidParams, Problem, check_int
from kernel.steps import Step, Steps, as_steps

__all__ = [
    "SPARK_AUTO",
    "SPARK_METHODS",
    "PropagationJob",
    "propagation_export_spec",
    "propagation_job",
    "spark_method",
    "spark_params",
    "spark_problems",
    "vote_scores",
]

#: the propagation methods with a Spark job
SPARK_METHODS: tuple[str, ...] = ("vote", "algorithm1", "alf_interests", "prone_lr")
#: what ``auto`` runs on Spark (module docstring)
SPARK_AUTO = "prone_lr"
#: topics per block when the caller names none
DEFAULT_TOPIC_BLOCK = 50


def spark_problems(params: PropagationParams) -> list[Problem]:
    """What the job does not compute: a method without a Spark job (:data:`SPARK_METHODS`;
    the others iterate or train on scipy), or one tie direction (the job propagates over
    ``W = A + Aᵗ``)."""
    out = []
    if params.method not in (*SPARK_METHODS, "auto"):
        out.append(
            Problem(
                ("method", "engine"),
                (params.method, "spark"),
                f"do not go together: the Spark job runs {', '.join(SPARK_METHODS)} "
                f"(and auto, as {SPARK_AUTO}); {params.method} runs on the scipy engine",
            )
        )
    if params.direction != "both":
        out.append(
            Problem(
                ("direction", "engine"),
                (params.direction, "spark"),
                "do not go together: the Spark job propagates over both tie directions",
            )
        )
    return out


def spark_method(method: str) -> str:
    """The method the Spark job runs for ``method``: itself, or :data:`SPARK_AUTO` for
    ``auto``.

    >>> spark_method("auto"), spark_method("vote")
    ('prone_lr', 'vote')
    """
    return SPARK_AUTO if method == "auto" else method


def spark_params(params: PropagationParams | Mapping[str, Any]) -> PropagationParams:
    """The parameters as the job runs them: rebuilt (and so checked) from
    :meth:`~analysis.propagation.params.PropagationParams.to_dict` when serialised;
    :class:`kernel.params.InvalidParams` for what the job does not compute
    (:func:`spark_problems`) or for seed sources not filled in."""
    p = params if isinstance(params, PropagationParams) else PropagationParams.from_dict(params)
    problems = spark_problems(p)
    if p.sources is None:
        problems.append(Problem(("sources",), (None,), "must name the seed sources the job reads"))
    if problems:
        raise InvalidParams(FAMILY, problems)
    return p


@dataclass(frozen=True)
class PropagationJob:
    """One graph propagation on Spark (a :class:`beautygraph.engines.runner.SparkJob`):
    the propagation parameters, whole (seed sources filled in), and the topics per block.
    Built only with parameters the job computes (:func:`spark_params`), so a wrong one
    fails before the export."""

    params: PropagationParams
    topic_block: int = DEFAULT_TOPIC_BLOCK
    #: the settings of ``prone_lr`` (None: :class:`~beautygraph.engines.spark_prone.
    #: ProneSettings`' defaults, those of the scipy engine's method)
    prone: ProneSettings | None = None
    name: str = "propagation"

    def __post_init__(self) -> None:
        spark_params(self.params)
        _check_topic_block(self.topic_block)

    def export_spec(self):
        return propagation_export_spec()

    def run(self, spark, export_dir: str, results_dir: str, steps: Steps) -> dict:
        # the parameters cross to the job as plain values and are rebuilt (and checked) there
        return propagation_job(
            spark,
            export_dir,
            results_dir,
            self.params.to_dict(),
            topic_block=self.topic_block,
            prone=self.prone,
            steps=steps,
        )


def _check_topic_block(topic_block: Any) -> None:
    problems = check_int("topic_block", topic_block, 1)
    if problems:
        raise InvalidParams(FAMILY, problems)


def propagation_export_spec():
    """What the job reads: User and Topic ids, FOLLOWS, the source of INTERESTED_IN."""
    from graphdb.parquet_export import ExportSpec

    return ExportSpec(
        nodes={"User": [], "Topic": []}, rels={"FOLLOWS": [], "INTERESTED_IN": ["source"]}
    )


def propagation_job(
    spark,
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    params: PropagationParams | Mapping[str, Any],
    *,
    topic_block: int = DEFAULT_TOPIC_BLOCK,
    prone: ProneSettings | None = None,
    steps: Steps | None = None,
) -> dict:
    """Scores of ``params.method`` (``auto``: :data:`SPARK_AUTO`) for every user from the
    seeds of ``params.sources``;
    writes the ``params.top`` best per user as ``relationships/INTERESTED_IN.parquet``
    ``{src, dst, source ('propagated'), score, rank, method}`` and a ``results.json`` that
    replaces the old propagated interests (an import-results folder).  ``params`` is a
    :class:`~analysis.propagation.params.PropagationParams` or its ``to_dict()``
    (:func:`spark_params`); ``prone``: the settings of ``prone_lr``.  Returns counts.
    """
    p = spark_params(params)
    _check_topic_block(topic_block)
    method = spark_method(p.method)
    with as_steps(steps)(f"Spark: propagation ({method})") as step:
        return _propagation_job(
            spark,
            export_dir,
            results_dir,
            p,
            method,
            topic_block=int(topic_block),
            prone=prone or ProneSettings(),
            step=step,
        )


def vote_scores(E, S):
    """``(u, t, score)`` of the one-pass weighted vote (module docstring)."""
    from pyspark.sql import functions as f

    ties = E.where(f.col("src") != f.col("dst"))
    # W = A + Aᵗ as half-edges: each follow u -> v lets v vote for u and u for v
    half = ties.select(f.col("src").alias("u"), f.col("dst").alias("w")).unionAll(
        ties.select(f.col("dst").alias("u"), f.col("src").alias("w"))
    )
    labelled = S.select(f.col("u").alias("w")).distinct()
    weight = half.join(labelled, "w").groupBy("u").agg(f.count("*").alias("weight"))
    seeds = S.select(f.col("u").alias("w"), "t")
    return (
        half.join(seeds, "w")
        .groupBy("u", "t")
        .agg(f.count("*").alias("votes"))
        .join(weight, "u")
        .select("u", "t", (f.col("votes") * (f.lit(1.0) / f.col("weight"))).alias("score"))
    )


def _block_scores(E, Sb, deg, n_out, method: str):
    """``(u, t, score)`` of a graph propagation for the topics of ``Sb``."""
    from pyspark.sql import functions as f

    from beautygraph.engines.spark_alf import algorithm1_passes

    if method == "vote":
        return vote_scores(E, Sb)
    Fe, Si, Fi = algorithm1_passes(E, Sb, deg, n_out, "m_in")
    if method == "alf_interests":
        return Si.select("u", "t", f.col("S_i").alias("score"))
    return Fe.join(Fi, ["v", "t"], "full").select(
        f.col("v").alias("u"),
        "t",
        (f.coalesce("F_e", f.lit(0.0)) + f.coalesce("F_i", f.lit(0.0))).alias("score"),
    )


def _ranked_by_blocks(spark, graph, method: str, top: int, work: str, topic_block: int, step):
    """``(u, t, score, rank)``: a graph propagation topic block by topic block (each
    block's positive scores written under ``work``), then each user's ``top`` best (score
    descending, then topic index)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    blocks = list(range(0, graph.n_topics, topic_block))
    for b, t0 in enumerate(blocks):
        step.advance()
        Sb = graph.S.where((f.col("t") >= t0) & (f.col("t") < t0 + topic_block))
        scores = _block_scores(graph.E, Sb, graph.deg, graph.n_out, method)
        scores.where(f.col("score") > 0).write.mode("overwrite").parquet(_p(work, f"block={b}"))
    by_user = Window.partitionBy("u").orderBy(f.col("score").desc(), f.col("t").asc())
    schema = "u long, t long, score double"
    R = (
        spark.read.schema(schema).parquet(work).select("u", "t", "score")
        if blocks
        else spark.createDataFrame([], schema)
    )
    ranked = R.withColumn("rank", f.row_number().over(by_user)).where(f.col("rank") <= top)
    return ranked, len(blocks)


def _propagation_job(
    spark,
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    params: PropagationParams,
    method: str,
    *,
    topic_block: int,
    prone: ProneSettings,
    step: Step,
) -> dict:
    from pathlib import Path

    from pyspark.sql import functions as f

    from beautygraph.engines.spark_alf import read_follow_graph
    from beautygraph.strict_json import write_json

    graph = read_follow_graph(spark, export_dir, params.sources)
    work = _p(results_dir, "_blocks")
    kept = []
    if method == "prone_lr":
        from beautygraph.engines.spark_prone_lr import prone_lr_ranked

        ranked, table = prone_lr_ranked(spark, graph, params, prone, step)
        kept.append(table)
        n_blocks = 0
    else:
        ranked, n_blocks = _ranked_by_blocks(
            spark, graph, method, int(params.top), work, topic_block, step
        )
    step.advance()
    uid = graph.users.select(f.col("index").alias("u"), f.col("id").alias("src"))
    tid = graph.topics.select(f.col("index").alias("t"), f.col("id").alias("dst"))
    target = _p(results_dir, "relationships", "INTERESTED_IN.parquet")
    ranked.join(uid, "u").join(tid, "t").select(
        "src",
        "dst",
        f.lit("propagated").alias("source"),
        f.col("score").cast("double").alias("score"),
        f.col("rank").cast("long").alias("rank"),
        f.lit(method).alias("method"),
    ).write.mode("overwrite").parquet(target)
    n = spark.read.parquet(target).count()
    replace = {"replace": {"INTERESTED_IN": {"source": "propagated"}}}
    write_json(replace, _p(results_dir, "results.json"))
    for df in (graph.E, graph.S, graph.deg, *kept):
        df.unpersist()
    if Path(work).is_dir():  # a local or mounted folder; on HDFS/S3 it stays
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    step.advance()
    return {"method": method, "rows": n, "blocks": n_blocks}
