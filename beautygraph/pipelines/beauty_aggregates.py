"""User beauty aggregates on every engine: User.beauty, beauty_source, n_photos,
favs_received and neighbor_beauty (Aiello et al., "Beautiful and damned", IEEE TKDE
2017, §6 and Eq. 2).

:func:`aggregate_beauty` picks the engine: ``cypher`` (named statements, in the store),
``scipy`` (:mod:`analysis.beauty` on exported arrays, here) or ``spark``
(:func:`beautygraph.pipelines.spark_jobs.beauty_spark`), and reports one
:class:`beautygraph.pipelines.engine_results.BeautyAggregates` on each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from beautygraph.errors import raise_invalid
from graphdb.beauty_slots import SCORE_PROPS as _SCORE_PROPS
from graphdb.beauty_slots import photo_score_of_source

if TYPE_CHECKING:
    from beautygraph.engines.spark_session import SparkOptions
    from beautygraph.pipelines.engine_results import BeautyAggregates
    from graphdb.base import Store
    from kernel.steps import Steps

__all__ = ["AGGREGATE_ENGINES", "aggregate_beauty", "aggregate_in_scipy"]

AGGREGATE_ENGINES = ("cypher", "scipy", "spark")


def aggregate_beauty(
    store: Store,
    engine: str = "cypher",
    options: SparkOptions | None = None,
    steps: Steps | None = None,
    beauty_source: str | None = None,
) -> BeautyAggregates:
    """Write User.beauty, beauty_source, n_photos, favs_received and neighbor_beauty
    (Aiello et al., "Beautiful and damned", IEEE TKDE 2017, §6 and Eq. 2) with ``engine``:
    ``cypher`` (``cypher/user_beauty.cypher`` + ``neighbor_beauty.cypher``), ``scipy``
    (:mod:`analysis.beauty` on exported arrays) or ``spark``.  The beauty comes from the
    photos of one ``Photo.beauty_source`` (:func:`beautygraph.pipelines.scoring.
    choose_beauty_source`: the only one present, or ``beauty_source``).  When no photo has
    a beauty, a stored User.beauty (imported) is kept and only the other aggregates are
    written (``cypher`` and ``scipy``; the spark job aggregates photo scores only).  The
    writes are one transaction.  Returns the same summary on every engine (the counts an
    engine does not return are read from the store afterwards)."""
    from beautygraph.pipelines.engine_results import BeautyAggregates
    from beautygraph.pipelines.scoring import choose_store_source

    if engine not in AGGREGATE_ENGINES:
        raise_invalid("", "engine", engine, f"must be one of {', '.join(AGGREGATE_ENGINES)}")
    if engine == "cypher":
        from beautygraph.pipelines.network import aggregate_in_cypher

        out = {"engine": "cypher", **aggregate_in_cypher(store, beauty_source)}
    else:
        source = choose_store_source(store, beauty_source)
        if engine == "spark":
            from beautygraph.pipelines.spark_jobs import beauty_spark

            out = beauty_spark(store, source, options, steps)
        else:
            out = aggregate_in_scipy(store, source)
    return BeautyAggregates.from_engine(store, out)


def aggregate_in_scipy(store: Store, source: str | None) -> dict[str, Any]:
    """The scipy engine of :func:`aggregate_beauty`: the beauty of the photos of
    ``source`` (None: no photo has one, the stored User.beauty is kept), one write."""
    from analysis.beauty import favorites_received, neighbor_beauty, user_beauty
    from beautygraph.pipelines.scoring import STORED

    users = store.export_nodes("User", ["beauty"])
    photos = store.export_nodes("Photo", list(_SCORE_PROPS))
    posted = store.export_edges("POSTED", src_nodes=users, dst_nodes=photos)
    faved = store.export_edges("FAVORITED", src_nodes=users, dst_nodes=photos)
    follows = store.export_edges("FOLLOWS", src_nodes=users, dst_nodes=users)
    n = len(users)
    beauty = (
        photo_score_of_source(**{k: photos.props[k] for k in _SCORE_PROPS}, source=source)
        if source is not None
        else np.full(len(photos), np.nan)
    )
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
