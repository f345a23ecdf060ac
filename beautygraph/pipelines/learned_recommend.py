"""``recommend USER --method learned``: the learned whom-to-follow ranker on the store.

The ranker (:mod:`analysis.linkpred.learned`) is fitted on the store's graph — follows
hidden from it, never an evaluation's — and saved with the store's **data version**, a
SHA-256 of the users, the follows, the user beauty and the seed interests it learned from.
A later call loads it while the version matches and fits it again when the graph has
changed; where the file lives, and the reading and writing, are
:mod:`beautygraph.model_files`' (beside an embedded database, in the user's cache folder for
Neo4j).  Each recommendation carries its explanation (:mod:`analysis.linkpred.explain`)
and the ids of the followed accounts that follow the candidate.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from beautygraph import model_files as files
from beautygraph.errors import UserError
from beautygraph.pipelines.alf import export_alf_graph, present_sources, seeded_graph
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from analysis.linkpred.learned import LearnedRanker
    from graphdb.base import Store

__all__ = [
    "StoreGraph",
    "data_version",
    "learned_ranker",
    "learned_recommendations",
    "model_path",
    "store_graph",
]

#: the model's name in the store's model files (:mod:`beautygraph.model_files`)
MODEL_NAME = "learned-recommender"


@dataclass(frozen=True)
class StoreGraph:
    """What the recommenders read from a store: user ids (the index order), the follow
    matrix, seed interests (None without any), user beauty and the forlorn-beauty mask
    (None when the store has none)."""

    user_ids: np.ndarray
    A: sp.csr_matrix
    seeds: sp.csr_matrix | None
    beauty: np.ndarray | None
    forlorn: np.ndarray | None
    sources: tuple[str, ...]

    def known(self) -> dict[str, Any]:
        """The ranker's inputs besides the graph (interests, beauty, classes)."""
        out: dict[str, Any] = {"labels": self.seeds}
        if self.beauty is not None:
            out.update(beauty=self.beauty, forlorn=self.forlorn)
        return out


def _beauty_and_forlorn(store: Store, user_ids: np.ndarray):
    users = store.export_nodes("User", ["beauty", "cluster_name"])
    order = pd.Index(users.ids.astype(str)).get_indexer(user_ids.astype(str))
    beauty = pd.to_numeric(pd.Series(users.props["beauty"]), errors="coerce").to_numpy(float)
    beauty = beauty[order]
    names = np.asarray(users.props["cluster_name"], dtype=object)[order]
    forlorn = np.array([c is not None and "forlorn" in str(c).lower() for c in names])
    return (
        beauty if np.isfinite(beauty).any() else None,
        forlorn if any(c not in (None, "") for c in names) else None,
    )


def store_graph(store: Store, interest_sources=None) -> StoreGraph:
    """The store's graph and what the recommenders use besides (module docstring);
    interests are optional: without any, ``seeds`` is None."""
    present = interest_sources or present_sources(store, with_bios=True)
    graph = seeded_graph(store, present) if present else export_alf_graph(store, ("declared",))
    if graph.A.nnz == 0:
        raise UserError("the store holds no follows: run `beautygraph load FOLDER` first")
    beauty, forlorn = _beauty_and_forlorn(store, graph.user_ids)
    seeds = graph.S_c if present and graph.S_c.nnz else None
    return StoreGraph(
        user_ids=np.asarray(graph.user_ids).astype(str),
        A=sp.csr_matrix(graph.A),
        seeds=seeds,
        beauty=beauty,
        forlorn=forlorn if beauty is not None else None,
        sources=tuple(graph.sources) if seeds is not None else (),
    )


def data_version(g: StoreGraph) -> str:
    """SHA-256 of everything the ranker learns from (module docstring)."""
    h = hashlib.sha256()
    h.update("\n".join(g.user_ids.tolist()).encode())
    A = g.A.tocsr()
    A.sort_indices()
    h.update(A.indptr.astype(np.int64).tobytes() + A.indices.astype(np.int64).tobytes())
    if g.beauty is not None:
        h.update(np.nan_to_num(g.beauty, nan=-1.0).astype(np.float64).tobytes())
    if g.seeds is not None:
        S = g.seeds.tocsr()
        S.sort_indices()
        h.update(S.indptr.astype(np.int64).tobytes() + S.indices.astype(np.int64).tobytes())
    return h.hexdigest()


def model_path(store: Store) -> Path:
    """Where the store's learned ranker lives (:func:`beautygraph.model_files.model_path`)."""
    return files.model_path(store, MODEL_NAME)


def learned_ranker(
    store: Store, g: StoreGraph, seed: int = 0, steps: Steps | None = None
) -> tuple[LearnedRanker, bool]:
    """The store's ranker and whether it was fitted now (False: loaded, the data version
    unchanged)."""
    from analysis.linkpred.learned import fit_ranker

    path, version = model_path(store), data_version(g)
    ranker = files.load_model(path, version)
    if ranker is not None:
        return ranker, False
    with as_steps(steps)("fit the learned ranker (the graph changed or no model yet)"):
        ranker = fit_ranker(g.A, rng=np.random.default_rng(seed), **g.known())
    ranker.trained_on = sp.csr_matrix(g.A.shape)  # the training links are not kept on disk
    files.save_model(path, version, ranker)
    return ranker, True


def learned_recommendations(
    store: Store, user_id: str, k: int = 10, seed: int = 0, steps: Steps | None = None
) -> list:
    """``user_id``'s top-``k`` accounts by the learned ranker, each with its explanation
    (``extra["why"]``), its probability as ``score`` and the followed accounts that follow
    it as ``common_neighbors``."""
    from analysis.linkpred.balance import top_k
    from analysis.linkpred.explain import explain
    from analysis.linkpred.signals import graph_stats
    from beautygraph.pipelines.recommend import Recommendation

    g = store_graph(store)
    where = np.flatnonzero(g.user_ids == str(user_id))
    if not len(where):
        raise UserError(f"unknown user {user_id!r}")
    u = int(where[0])
    ranker, _ = learned_ranker(store, g, seed, steps)
    stats = graph_stats(g.A)
    emb = ranker.embedder(stats.A) if ranker.embedder is not None else None
    c = ranker.candidate_pairs(stats, np.array([u]), emb, **g.known())
    if not len(c.item):
        return []
    prob = ranker.model.predict_proba(c.X)[:, 1]  # type: ignore[attr-defined]
    row_of = {int(v): i for i, v in enumerate(c.item)}
    followed = set(stats.A.indices[stats.A.indptr[u] : stats.A.indptr[u + 1]].tolist())
    AT = stats.A.T.tocsr()
    out = []
    for rank, v in enumerate(top_k(c.user, c.item, prob, k)[u], start=1):
        i = row_of[v]
        followers = set(AT.indices[AT.indptr[v] : AT.indptr[v + 1]].tolist())
        common = sorted(g.user_ids[list(followed & followers)].tolist())
        features = dict(zip(c.names, c.X[i].tolist(), strict=True))
        out.append(
            Recommendation(
                user_id=str(g.user_ids[v]),
                rank=rank,
                score=float(prob[i]),
                method="learned",
                n_common=len(common),
                common_neighbors=common,
                beauty=None if g.beauty is None or np.isnan(g.beauty[v]) else float(g.beauty[v]),
                user_beauty=(
                    None if g.beauty is None or np.isnan(g.beauty[u]) else float(g.beauty[u])
                ),
                extra={"why": explain(features)},
            )
        )
    return out
