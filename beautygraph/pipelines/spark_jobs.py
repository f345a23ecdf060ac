"""Whole-graph jobs on the spark engine, and the user / neighbour beauty aggregates on
every engine.

Each function runs one job through :func:`beautygraph.engines.runner.run_spark_job`
(export → PySpark → import-results); the scipy engine of the same job is the existing
pipeline (:func:`beautygraph.pipelines.alf.run_authorities`,
:func:`beautygraph.pipelines.recommend.recommend_batch`), whose store contents the spark
path reproduces (``tests/test_spark_engine.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from beautygraph.engines.spark_session import SparkOptions
from beautygraph.errors import UserError, user_errors
from beautygraph.steps import Steps, as_steps

if TYPE_CHECKING:
    from analysis.alf.params import AlfParams
    from beautygraph.pipelines.recommend import BatchRecommendations

__all__ = ["AGGREGATE_ENGINES", "aggregate_beauty", "authorities_spark", "recommend_spark"]

AGGREGATE_ENGINES = ("cypher", "scipy", "spark")


def authorities_spark(
    store,
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
    from beautygraph.engines.spark_alf import spark_params
    from beautygraph.pipelines.alf import (
        alf_params,
        extract_bio_interests,
        no_interests_error,
        seed_source_filter,
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
        n = store.query(
            "MATCH (:User)-[r:INTERESTED_IN]->(:Topic) WHERE r.source IN $s RETURN count(r) AS n",
            {"s": list(wanted)},
        )
        if not n or not int(n[0]["n"]):
            raise no_interests_error(store, sources)
        run = run_spark_job(
            store, "authorities", options, steps, alf=alf.to_dict(), sources=list(wanted)
        )
    out = run.to_dict()
    out["method"] = alf.method
    out["min_support"] = alf.min_support
    out["pass1_denominator"] = alf.pass1_denominator
    out["interest_sources"] = list(sources)
    out["bio"] = bio.to_dict() if bio else None
    return out


def recommend_spark(
    store,
    method: str,
    k: int = 10,
    tolerance: float = 0.10,
    options: SparkOptions | None = None,
    steps: Steps | None = None,
) -> BatchRecommendations:
    """CN / AA / BB for every user on Spark, written as RECOMMENDED {method, rank, score}
    (replacing this method's previous ones); the answer as the scipy batch gives it."""
    from beautygraph.engines.runner import run_spark_job
    from beautygraph.pipelines.engine_results import recommendations_from_spark

    if method not in ("cn", "aa", "bb"):
        raise UserError(f"method {method!r} has no spark job; use cn, aa or bb")
    if method == "bb" and not int(store.run("beauty_counts")[0]["users_with_beauty"]):
        from beautygraph.pipelines.scoring import no_beauty_error

        raise no_beauty_error(store, "recommend --method bb")
    run = run_spark_job(
        store, "recommend", options, steps, method=method, k=int(k), tolerance=float(tolerance)
    )
    return recommendations_from_spark(store, run, method, k, tolerance)


def aggregate_beauty(
    store,
    engine: str = "cypher",
    options: SparkOptions | None = None,
    steps: Steps | None = None,
    beauty_source: str | None = None,
) -> dict[str, Any]:
    """Write User.beauty, beauty_source, n_photos, favs_received and neighbor_beauty
    (Aiello et al., "Beautiful and damned", IEEE TKDE 2017, §6 and Eq. 2) with ``engine``:
    ``cypher`` (``cypher/user_beauty.cypher`` + ``neighbor_beauty.cypher``), ``scipy``
    (:mod:`analysis.beauty` on exported arrays) or ``spark``.  The beauty comes from the
    photos of one ``Photo.beauty_source`` (:func:`beautygraph.pipelines.scoring.
    choose_beauty_source`: the only one present, or ``beauty_source``).  When no photo has
    a beauty, a stored User.beauty (imported) is kept and only the other aggregates are
    written (``cypher`` and ``scipy``; the spark job aggregates photo scores only).  The
    writes are one transaction.  Returns counts."""
    from beautygraph.pipelines.scoring import (
        STORED,
        beauty_counts,
        beauty_sources,
        choose_beauty_source,
        no_beauty_message,
    )

    if engine not in AGGREGATE_ENGINES:
        raise UserError(f"engine {engine!r}: choose one of {', '.join(AGGREGATE_ENGINES)}")
    if engine == "cypher":
        from beautygraph.pipelines.network import aggregate_in_cypher

        return {"engine": "cypher", **aggregate_in_cypher(store, beauty_source)}
    source = choose_beauty_source(beauty_sources(store), beauty_source)
    if source is None and engine == "spark":
        counts = beauty_counts(store)
        if not counts["users_with_beauty"]:
            raise UserError(no_beauty_message(counts, "beauty-aggregates --engine spark"))
        raise UserError(
            "no photo has a beauty score, and the spark job aggregates photo scores only; "
            f"the stored User.beauty of {counts['users_with_beauty']} users is kept: use "
            "--engine cypher or scipy to write n_photos, favs_received and neighbor_beauty "
            "from it"
        )
    if engine == "spark":
        from beautygraph.engines.runner import run_spark_job

        out = run_spark_job(store, "beauty", options, steps, source=source).to_dict()
        return {**out, "beauty_source": source}
    from analysis.beauty import favorites_received, neighbor_beauty, user_beauty

    users = store.export_nodes("User", ["beauty"])
    photos = store.export_nodes("Photo", ["beauty", "beauty_source"])
    posted = store.export_edges("POSTED", src_nodes=users, dst_nodes=photos)
    faved = store.export_edges("FAVORITED", src_nodes=users, dst_nodes=photos)
    follows = store.export_edges("FOLLOWS", src_nodes=users, dst_nodes=users)
    n = len(users)
    src_of = np.array(
        ["unknown" if s is None else str(s) for s in photos.props["beauty_source"]], dtype=object
    )
    beauty = np.where(src_of == source, np.asarray(photos.props["beauty"], dtype=float), np.nan)
    owner = np.full(len(photos), -1, dtype=np.int64)
    owner[posted.dst] = posted.src
    owned = owner >= 0
    ub = user_beauty(owner[owned], beauty[owned], n)
    new_index = np.cumsum(owned) - 1
    keep = owned[faved.dst] if len(faved) else np.zeros(0, dtype=bool)
    favs = favorites_received(faved.src[keep], new_index[faved.dst[keep]], owner[owned], n)
    # no photo beauty at all: the stored User.beauty stays and feeds neighbor_beauty
    stored = source is None
    beauty_u = np.asarray(users.props["beauty"], dtype=float) if stored else ub.beauty
    nb = neighbor_beauty(follows.src, follows.dst, beauty_u)
    has = np.isfinite(beauty_u)
    frame = pd.DataFrame(
        {
            "id": users.ids.astype(str),
            "beauty": beauty_u,
            "beauty_source": np.array([source if h else None for h in has], dtype=object),
            "n_photos": ub.n_photos,
            "favs_received": favs,
            "neighbor_beauty": nb.neighbor_beauty,
        }
    )
    if stored:
        frame = frame.drop(columns=["beauty", "beauty_source"])
    with store.atomic():  # Neo4j writes large frames in batches: make them one commit
        store.write_node_props("User", frame)
    return {
        "engine": "scipy",
        "beauty_source": STORED if stored and has.any() else source,
        "users": n,
        "with_beauty": int(has.sum()),
        "with_neighbor_beauty": int(np.isfinite(nb.neighbor_beauty).sum()),
    }
