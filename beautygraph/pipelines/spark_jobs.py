"""Whole-graph jobs on the spark engine.

Each function runs one job through :func:`beautygraph.engines.runner.run_spark_job`
(export → PySpark → import-results); the scipy engine of the same job is the existing
pipeline (:func:`beautygraph.pipelines.alf.run_authorities`,
:func:`beautygraph.pipelines.recommend.recommend_batch`,
:func:`beautygraph.pipelines.beauty_aggregates.aggregate_in_scipy`), whose store contents the spark
path reproduces (``tests/test_spark_engine.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from beautygraph.engines.spark_session import SparkOptions
from beautygraph.errors import UserError, user_errors
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from analysis.alf.params import AlfParams
    from analysis.recommend_params import RecommendParams
    from beautygraph.pipelines.recommend import BatchRecommendations
    from graphdb.base import Store

__all__ = ["authorities_spark", "beauty_spark", "recommend_spark"]


def authorities_spark(
    store: Store,
    params: AlfParams | None = None,
    interest_sources: Sequence[str] = ("bio",),
    options: SparkOptions | None = None,
    steps: Steps | None = None,
    extract_bio: bool = True,
    **changes: Any,
) -> dict[str, Any]:
    """ALF with Algorithm 1 on Spark (bio interests are matched in-store first, as on the
    scipy path, with the same seed sources and ``params``,
    :class:`analysis.alf.params.AlfParams`, ``changes`` replacing some of its fields; a
    ``topic_block`` of None takes ``options.topic_block``); writes AUTHORITY_ON and
    User.authority_topic / authority_score."""
    from beautygraph.engines.runner import run_spark_job
    from beautygraph.engines.spark_alf import AuthoritiesJob, spark_params
    from beautygraph.pipelines.alf import (
        alf_params,
        extract_bio_interests,
        no_interests_error,
        seed_source_filter,
        summary_params,
    )

    options = options or SparkOptions()
    alf = alf_params(params, **changes)
    with user_errors():  # what the Spark job does not compute, before anything is written
        alf = spark_params(replace(alf, topic_block=alf.topic_block or options.topic_block))
    sources, wanted = seed_source_filter(interest_sources)
    steps = as_steps(steps)
    bio = None
    # the bio interests the job reads are written in the same transaction as its results,
    # so a failed or interrupted Spark run leaves the store as it was
    with store.atomic():
        if extract_bio and "bio" in sources:
            with steps("interests from biographies"):
                bio = extract_bio_interests(store, steps)
        n = store.run("seed_interest_users", sources=list(wanted))
        if not n or not int(n[0]["n"]):
            raise no_interests_error(store, sources)
        run = run_spark_job(store, AuthoritiesJob(alf, tuple(wanted)), options, steps)
    out = run.to_dict()
    out["method"] = alf.method
    out["min_support"] = alf.min_support
    out["pass1_denominator"] = alf.pass1_denominator
    out["params"] = summary_params(alf)
    out["interest_sources"] = list(sources)
    out["bio"] = bio.to_dict() if bio else None
    return out


def recommend_spark(
    store: Store,
    params: RecommendParams | str | None = None,
    options: SparkOptions | None = None,
    steps: Steps | None = None,
    **changes: Any,
) -> BatchRecommendations:
    """CN / AA / BB for every user on Spark, written as RECOMMENDED {method, rank, score}
    (replacing this method's previous ones); the answer as the scipy batch gives it.
    ``params`` (:class:`analysis.recommend_params.RecommendParams`, or a method name) and
    ``changes`` as :func:`beautygraph.pipelines.recommend.recommend_params` reads them; the
    job (:class:`beautygraph.engines.spark_fof.RecommendJob`) carries the object whole."""
    from beautygraph.engines.runner import run_spark_job
    from beautygraph.engines.spark_fof import RecommendJob, spark_params
    from beautygraph.pipelines.engine_results import recommendations_from_spark
    from beautygraph.pipelines.recommend import BB_COMMAND, recommend_params

    params = recommend_params(params, **changes)
    with user_errors():  # what the Spark job does not compute, before anything is written
        spark_params(params)
    if params.method == "bb":
        from beautygraph.pipelines.scoring import beauty_counts, no_beauty_message

        counts = beauty_counts(store)  # asked once: the check and the message share it
        if not counts["users_with_beauty"]:
            raise UserError(no_beauty_message(counts, BB_COMMAND))
    run = run_spark_job(store, RecommendJob(params), options, steps)
    return recommendations_from_spark(store, run, params)


def beauty_spark(
    store: Store,
    source: str | None,
    options: SparkOptions | None = None,
    steps: Steps | None = None,
) -> dict[str, Any]:
    """The spark engine of :func:`beautygraph.pipelines.beauty_aggregates.aggregate_beauty`:
    User beauty aggregates of the photos of ``source`` (one ``Photo.beauty_source``); the
    job aggregates photo scores only, so ``source`` None (no photo has a beauty) is an
    error."""
    from beautygraph.engines.runner import run_spark_job
    from beautygraph.engines.spark_beauty import BeautyJob
    from beautygraph.pipelines.scoring import beauty_counts, no_beauty_message

    if source is None:
        counts = beauty_counts(store)
        if not counts["users_with_beauty"]:
            raise UserError(no_beauty_message(counts, "beauty-aggregates"))
        raise UserError(
            "no photo has a beauty score, and the spark job aggregates photo scores only; "
            f"the stored User.beauty of {counts['users_with_beauty']} users is kept: the "
            "cypher and scipy engines write n_photos, favs_received and neighbor_beauty from it"
        )
    out = run_spark_job(store, BeautyJob(source), options, steps).to_dict()
    return {**out, "beauty_source": source}
