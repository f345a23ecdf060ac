"""``recommend USER`` and ``recommend --all`` with the learned whom-to-follow ranker.

The ranker (:mod:`analysis.linkpred.learned`) is fitted on the store's graph — follows
hidden from it, never an evaluation's — and saved with the store's **data version**, a
SHA-256 of the users, the follows, the user beauty and the seed interests (and the ids of
their topics) it learned from.  Beside it lies its **serving index**
(:class:`analysis.linkpred.serving.ServingIndex`: the follow matrix and its transpose, each
account's statistics, the embedding rows, the interests, the propagated interests and
topic authorities, beauty; with the id map and the topic ids), saved for the same data
version.  Where the files
live, and the reading and writing, are :mod:`beautygraph.model_files`' (beside an embedded
database, in the user's cache folder for Neo4j).

**Which model serves a call** (:func:`served_ranker`).  Reading the graph and hashing it
takes seconds on a large store, so a call first asks the store for its cheap **data
stamp** (:meth:`graphdb.base.Store.data_stamp`: a token renewed by every write of the
embedded store, the last committed transaction on Neo4j):

1. the stamp this process last served under: the ranker and index already in memory;
2. the stamp recorded beside the model files: they are loaded (no export, no hash);
3. otherwise (the data may have changed, or the store gives no stamp): the graph is
   exported and hashed; the saved model and index are reused when that data version
   matches — a write that did not touch what the ranker reads (say, RECOMMENDED written
   back) costs one export — and fitted and built again when it does not; the stamp is then
   recorded with the version.

The stamp misses writes that bypass beautygraph: on the embedded store another program
opening the database file.  (Neo4j's last committed transaction sees every commit, the
Neo4j Browser's included.)  ``recommend --refit`` (``refit=True``) fits again whatever the
stamp says.

Each recommendation carries its explanation (:mod:`analysis.linkpred.explain`) and the ids
of the followed accounts that follow the candidate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.recommend_params import RECOMMEND_DEFAULTS
from beautygraph import model_files as files
from beautygraph.errors import UserError
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from analysis.linkpred.learned import LearnedRanker
    from analysis.linkpred.serving import ServingIndex
    from analysis.recommend_params import RecommendParams
    from beautygraph.pipelines.recommend import Recommendation
    from graphdb.base import Store

__all__ = [
    "ServedRanker",
    "StoreGraph",
    "data_version",
    "learned_batch",
    "learned_ranker",
    "learned_recommendations",
    "learned_spark",
    "model_path",
    "ready_ranker",
    "served_ranker",
    "store_graph",
]

#: the model's name in the store's model files (:mod:`beautygraph.model_files`)
MODEL_NAME = "learned-recommender"
#: the serving index's name, beside the model
INDEX_NAME = "learned-recommender-index"

#: what this process serves from, per model file: ``(data stamp, ServedRanker)``
_SERVED: dict[str, tuple[str, ServedRanker]] = {}


@dataclass(frozen=True)
class StoreGraph:
    """What the recommenders read from a store: user ids (the index order), the follow
    matrix, seed interests (None without any) and the ids of their topics (the columns),
    user beauty and the forlorn-beauty mask (None when the store has none)."""

    user_ids: np.ndarray
    A: sp.csr_matrix
    seeds: sp.csr_matrix | None
    beauty: np.ndarray | None
    forlorn: np.ndarray | None
    sources: tuple[str, ...]
    topic_ids: tuple[str, ...] = ()

    def known(self) -> dict[str, Any]:
        """The ranker's inputs besides the graph: the seed interests, as interest rows
        and as the seeds of the propagated interests and authorities, beauty, classes."""
        out: dict[str, Any] = {"labels": self.seeds, "seeds": self.seeds}
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
    # imported here: a call served from memory or from the files never reads the graph,
    # and the command line then does not pay for importing the ALF pipeline
    from beautygraph.pipelines.alf import export_alf_graph, present_sources, seeded_graph

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
        topic_ids=tuple(str(t) for t in graph.topic_ids) if seeds is not None else (),
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
        h.update("\n".join(g.topic_ids).encode())
    return h.hexdigest()


def model_path(store: Store) -> Path:
    """Where the store's learned ranker lives (:func:`beautygraph.model_files.model_path`)."""
    return files.model_path(store, MODEL_NAME)


def _fit_block(n_users: int) -> int:
    """Users per block of training: every signal of a block is a dense block × accounts
    array, so a block holds about four million entries (16 to 256 users)."""
    return int(np.clip(4_000_000 // max(n_users, 1), 16, 256))


def learned_ranker(
    store: Store,
    g: StoreGraph,
    seed: int = 0,
    steps: Steps | None = None,
    refit: bool = False,
    version: str | None = None,
) -> tuple[LearnedRanker, bool]:
    """The store's ranker and whether it was fitted now (False: loaded, the data version
    unchanged; ``refit`` fits it again regardless); ``version`` is ``data_version(g)``
    where the caller has it already (it hashes every follow)."""
    from analysis.linkpred.learned import fit_ranker, graph_embedder

    path = model_path(store)
    version = data_version(g) if version is None else version
    ranker = None if refit else files.load_model(path, version)
    if ranker is not None:
        return ranker, False
    n = g.A.shape[0]
    with as_steps(steps)("fit the learned ranker (the graph changed or no model yet)"):
        ranker = fit_ranker(
            g.A,
            rng=np.random.default_rng(seed),
            embedder=graph_embedder(n),
            block=_fit_block(n),
            **g.known(),
        )
    ranker.trained_on = sp.csr_matrix(g.A.shape)  # the training links are not kept on disk
    files.save_model(path, version, ranker)
    return ranker, True


@dataclass(frozen=True)
class ServedRanker:
    """A ranker with the index it answers from, the ids of the index's accounts (sorted),
    the data version both were made for and the ids of the interest topics (the columns of
    the seed interests; empty without any)."""

    ranker: LearnedRanker
    index: ServingIndex
    user_ids: np.ndarray
    data_version: str
    topic_ids: tuple[str, ...] = ()

    def authority_topic(self, v: int) -> str | None:
        """The id of the topic account ``v`` is an authority on (None: none)."""
        interests = self.index.interests
        if interests is None or interests.topic[v] < 0 or not self.topic_ids:
            return None
        return self.topic_ids[int(interests.topic[v])]

    def position(self, user_id: str) -> int:
        """The index of ``user_id``; a :class:`UserError` for an unknown user."""
        i = int(np.searchsorted(self.user_ids, str(user_id)))
        if i >= len(self.user_ids) or self.user_ids[i] != str(user_id):
            raise UserError(f"unknown user {user_id!r}: no User with that id in the store")
        return i


def _sorted_ids(ids: np.ndarray) -> np.ndarray:
    """The export's ids as a numpy string array, checked to be sorted (exports sort by
    id), so that :meth:`ServedRanker.position` can search them."""
    ids = np.asarray(ids).astype(str)
    if len(ids) > 1 and not bool(np.all(ids[:-1] < ids[1:])):
        raise ValueError("the store's export did not sort the user ids")
    return ids


def _from_files(store: Store, stamp: str) -> ServedRanker | None:
    """The ranker and index saved for the data version recorded with ``stamp``."""
    path = model_path(store)
    version = files.read_stamp(path, stamp)
    if version is None:
        return None
    ranker = files.load_model(path, version)
    saved = files.load_model(files.model_path(store, INDEX_NAME), version)
    if ranker is None or saved is None:
        return None
    index, ids, topics = saved
    return ServedRanker(ranker, index, ids, version, topics)


def ready_ranker(store: Store) -> ServedRanker | None:
    """The ranker and index for the store's data stamp, from this process's memory or from
    the files the stamp was recorded with; None when neither holds it (the data must be
    read) or the store gives no stamp."""
    stamp = store.data_stamp()
    if stamp is None:
        return None
    path = model_path(store)
    held = _SERVED.get(str(path))
    if held is not None and held[0] == stamp:
        return held[1]
    served = _from_files(store, stamp)
    if served is not None:
        _SERVED[str(path)] = (stamp, served)
    return served


def served_ranker(
    store: Store, seed: int = 0, steps: Steps | None = None, refit: bool = False
) -> ServedRanker:
    """The ranker and index that answer the store's users now (module docstring: the
    process's, the files', or fitted and built)."""
    from analysis.linkpred.serving import build_index

    ready = None if refit else ready_ranker(store)
    if ready is not None:
        return ready
    stamp = store.data_stamp()  # before the export: a write during it renews the stamp
    steps = as_steps(steps)
    with steps("export the graph"):
        g = store_graph(store)
    version = data_version(g)
    ranker, fitted = learned_ranker(store, g, seed, steps, refit, version)
    index_path = files.model_path(store, INDEX_NAME)
    saved = None if fitted else files.load_model(index_path, version)
    if saved is None:
        with steps("index the graph for serving"):
            index = build_index(g.A, ranker, **g.known())
            saved = (index, _sorted_ids(g.user_ids), g.topic_ids)
        files.save_model(index_path, version, saved)
    served = ServedRanker(ranker, saved[0], saved[1], version, saved[2])
    if stamp is not None:
        files.write_stamp(model_path(store), stamp, version)
        _SERVED[str(model_path(store))] = (stamp, served)
    return served


def _recommendation(
    served: ServedRanker, u: int, v: int, rank: int, prob: float, features, promoted: bool
):
    from analysis.linkpred.explain import explain
    from beautygraph.pipelines.recommend import Recommendation

    beauty = served.index.beauty
    common = served.user_ids[served.index.common(u, v)].tolist()

    def _b(i: int) -> float | None:
        return None if beauty is None or np.isnan(beauty[i]) else float(beauty[i])

    return Recommendation(
        user_id=str(served.user_ids[v]),
        rank=rank,
        score=prob,
        method="learned",
        n_common=len(common),
        common_neighbors=sorted(common),
        beauty=_b(v),
        user_beauty=_b(u),
        extra={
            "why": explain(features, promoted=promoted, topic=served.authority_topic(v)),
            "promoted": promoted,
        },
    )


def learned_recommendations(
    store: Store,
    user_id: str,
    k: int = RECOMMEND_DEFAULTS.k,
    seed: int = RECOMMEND_DEFAULTS.seed,
    steps: Steps | None = None,
    refit: bool = False,
    balance: float = RECOMMEND_DEFAULTS.beauty_balance,
) -> list[Recommendation]:
    """``user_id``'s top-``k`` accounts by the learned ranker, a share ``balance`` of the
    slots given to forlorn beauties (:mod:`analysis.linkpred.balance`), each with its
    explanation (``extra["why"]``; ``extra["promoted"]`` for an account in a promotion
    slot), its probability as ``score`` and the followed accounts that follow it as
    ``common_neighbors``: the user's candidates and their features from the serving index
    (:func:`analysis.linkpred.serving.user_candidates`), one model call."""
    from analysis.linkpred.balance import balanced_top_k, promoted, promoted_slots, top_k
    from analysis.linkpred.serving import one_user_probabilities, user_candidates

    served = None if refit else ready_ranker(store)
    if served is None:
        from beautygraph.pipelines.recommend import user_beauty

        user_beauty(store, user_id)  # an unknown user is refused before any fitting
        served = served_ranker(store, seed, steps, refit)
    u = served.position(user_id)
    ranker = served.ranker
    c = user_candidates(served.index, u, ranker.per_source, ranker.popular)
    if not len(c.item):
        return []
    prob = one_user_probabilities(ranker, c.X)
    promote = promoted(served.index.forlorn, c.item)
    ranked = balanced_top_k(c.user, c.item, prob, promote, balance, k)[u]
    head = set(top_k(c.user, c.item, prob, k - promoted_slots(balance, k))[u])
    row_of = {int(v): i for i, v in enumerate(c.item)}
    out = []
    for rank, v in enumerate(ranked, start=1):
        i = row_of[v]
        features = dict(zip(c.names, c.X[i].tolist(), strict=True))
        in_slot = bool(promote[i]) and v not in head
        out.append(_recommendation(served, u, v, rank, float(prob[i]), features, in_slot))
    return out


def learned_batch(
    store: Store,
    params: RecommendParams,
    users: Sequence[str] | None = None,
    steps: Steps | None = None,
    block: int = 256,
) -> tuple[pd.DataFrame, int]:
    """``recommend --all`` / ``--sample N`` with the learned ranker: every user (or the
    ``users``, or ``params.sample`` of them drawn with ``params.seed``, as the other batch
    methods draw them) through the same candidates and scores as one user, a block of
    users per model call.  Returns the batch frame (``user``, ``candidate``, ``rank``,
    ``score``, ``n_common``, ``method``) and the number of recipients."""
    from analysis import recsim
    from analysis.linkpred.serving import scored_users

    steps = as_steps(steps)
    served = served_ranker(store, params.seed, steps)
    n = len(served.user_ids)
    if users is not None and params.sample is not None:
        raise UserError("give either a list of users or a sample size, not both")
    if users is not None:
        rows = np.array([served.position(u) for u in users], dtype=np.int64)
    elif params.sample is not None:
        rows = recsim.sample_users(np.ones(n, dtype=bool), params.sample, params.seed)
    else:
        rows = np.arange(n)
    rows = np.unique(rows)
    parts = []
    with steps("learned batch", total=len(rows)) as step:
        for start in range(0, len(rows), block):
            chunk = rows[start : start + block]
            for c, prob in scored_users(served.index, served.ranker, chunk, len(chunk)):
                assert prob is not None
                parts.append(_batch_rows(served, c, prob, params))
            step.advance(len(chunk))
    return _batch_frame(parts), len(rows)


def _batch_rows(served: ServedRanker, c, prob: np.ndarray, params: RecommendParams):
    """One block's recommendations: the top ``params.k`` of each user, a share
    ``params.beauty_balance`` of them forlorn beauties, with the pair's common neighbours
    (the ``cn`` feature, the count of ``u → w → v`` paths)."""
    from analysis.linkpred.balance import balanced_top_k, promoted

    promote = promoted(served.index.forlorn, c.item)
    lists = balanced_top_k(c.user, c.item, prob, promote, params.beauty_balance, params.k)
    cn = c.X[:, c.names.index("cn")]
    key = {(int(u), int(v)): i for i, (u, v) in enumerate(zip(c.user, c.item, strict=True))}
    user, cand, rank, score, common = [], [], [], [], []
    for u, ranked in lists.items():
        for r, v in enumerate(ranked, start=1):
            i = key[(u, v)]
            user.append(u)
            cand.append(v)
            rank.append(r)
            score.append(float(prob[i]))
            common.append(int(cn[i]))
    ids = served.user_ids
    return pd.DataFrame(
        {
            "user": ids[np.asarray(user, dtype=np.int64)],
            "candidate": ids[np.asarray(cand, dtype=np.int64)],
            "rank": np.asarray(rank, dtype=np.int64),
            "score": np.asarray(score, dtype=np.float64),
            "n_common": np.asarray(common, dtype=np.int64),
            "method": "learned",
        }
    )


def _batch_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    cols = ["user", "candidate", "rank", "score", "n_common", "method"]
    if not parts:
        return pd.DataFrame({c: [] for c in cols})
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(["user", "rank"], kind="stable").reset_index(drop=True)


def learned_spark(
    store: Store,
    params: RecommendParams,
    options=None,
    steps: Steps | None = None,
    refit: bool = False,
):
    """``recommend --all --engine spark`` with the learned ranker: the candidates of every
    user scored on Spark (:class:`beautygraph.engines.spark_learned.LearnedRecommendJob`),
    written as RECOMMENDED {method: 'learned', rank, score}; the answer has the batch
    schema (:class:`beautygraph.pipelines.recommend.BatchRecommendations`) and the same
    recommendations as :func:`learned_batch`."""
    from beautygraph.engines.runner import run_spark_job
    from beautygraph.engines.spark_learned import LearnedRecommendJob
    from beautygraph.pipelines.engine_results import recommendations_from_spark

    served = served_ranker(store, params.seed, steps, refit)
    job = LearnedRecommendJob(params, served.ranker, served.index, served.user_ids)
    run = run_spark_job(store, job, options, steps)
    return recommendations_from_spark(store, run, params)
