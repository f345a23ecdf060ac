"""ALF pipeline: biographies → interests → propagation → authorities → graph (and back).

Implements the topical-authorities paper (ALF (Discovery of Topical Authorities in Instagram))
on the store:

* :func:`extract_bio_interests` — §4.1: match every ``User.bio`` against the ``Topic``
  vocabulary and write ``(u)-[:INTERESTED_IN {source:'bio', score}]->(t)``;
* :func:`run_authorities` — §4.2–4.3: export FOLLOWS and INTERESTED_IN (chosen sources),
  propagate (Algorithm 1, or Theorem 1 when α, β, γ are given), score and filter, write
  ``(u)-[:AUTHORITY_ON {score, wzf, rank}]->(t)`` and ``User.authority_topic`` /
  ``User.authority_score``;
* :func:`recommend_authorities` — §5, Algorithm 2 in Cypher (``recommend_authority``);
* :func:`evaluate_authorities` — §6.3, Table 6: ALF vs. topic PageRank vs. "No weighting";
* the ``alf`` report section is :mod:`beautygraph.sections.alf`.

References
----------
.. [1] A. Pal, A. Herdağdelen, S. Chatterji, S. Taank, D. Chakrabarti. "Discovery of
   Topical Authorities in Instagram." Proceedings of the 25th International Conference
   on World Wide Web (WWW 2016), Montréal. https://doi.org/10.1145/2872427.2883078
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.alf import algorithm1, find_authorities, general_solution
from analysis.alf.authorities import AuthorityResult, topical_support
from analysis.alf.follow_holdout import FollowHoldout, evaluate_follow_holdout
from analysis.alf.params import ALF_DEFAULTS, AlfParams
from analysis.alf.sources import AUTHORITY_SOURCES, SEED_SOURCES, check_sources
from analysis.alf.table6 import (
    Table6,
    pagerank_authorities,
    precision_recall_at_k,
)
from analysis.bio_interests import TopicVocabulary, extract_interests
from beautygraph.errors import UserError, refuse, user_errors
from kernel.params import Problem, check_int
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from beautygraph.engines.spark_session import SparkOptions
    from graphdb.base import Store

log = logging.getLogger(__name__)

__all__ = [
    "INTEREST_SOURCES",
    "alf_params",
    "analyze_authorities",
    "analyze_follow_links",
    "AuthoritiesSummary",
    "AuthorityEvaluation",
    "AuthorityRun",
    "BioExtraction",
    "FollowLinkEvaluation",
    "authorities_summary",
    "evaluate_authorities",
    "evaluate_follow_links",
    "explain_authority",
    "extract_bio_interests",
    "recommend_authorities",
    "run_authorities",
    "seed_source_filter",
]

#: sources an INTERESTED_IN relationship may have that can seed the propagation
INTEREST_SOURCES = SEED_SOURCES
#: users drawn by the follow hold-out, as many as ``analyze recommenders`` draws, so that
#: the two evaluations agree on one seed
DEFAULT_HOLDOUT_USERS = 1000
#: the engines of the authority search: in memory (dense or topic blocks) and Spark
ENGINES = ("scipy", "spark")


# -- §4.1 interests from biographies ------------------------------------------------------


@dataclass
class BioExtraction:
    """What :func:`extract_bio_interests` found and wrote."""

    frame: pd.DataFrame  # user, topic, score
    n_users: int
    n_with_bio: int
    n_with_interests: int
    written: int
    bio_users: list[str] = field(default_factory=list)  # users with a non-empty bio

    def to_dict(self) -> dict[str, Any]:
        return {
            "users": self.n_users,
            "users_with_bio": self.n_with_bio,
            "users_with_interests": self.n_with_interests,
            "interests": len(self.frame),
            "written": self.written,
        }


def topic_vocabulary(store: Store) -> TopicVocabulary:
    """The store's ``Topic`` names and aliases as a matcher vocabulary."""
    topics = store.export_nodes("Topic", ["name", "aliases"])
    if len(topics) == 0:
        raise UserError("the store has no Topic nodes: load a folder with topics.csv first")
    return TopicVocabulary.from_records(
        zip(topics.ids, topics.props["name"], topics.props["aliases"], strict=True)
    )


def match_bios(store: Store) -> tuple[pd.DataFrame, int, list[str]]:
    """(user, topic, score) rows from every User.bio, the number of users and the ids of
    users with a non-empty bio — no writes."""
    vocab = topic_vocabulary(store)
    users = store.export_nodes("User", ["bio"])
    bios = users.props["bio"]
    frame = extract_interests(list(users.ids), list(bios), vocab)
    with_bio = [
        str(u) for u, b in zip(users.ids, bios, strict=True) if isinstance(b, str) and b.strip()
    ]
    return frame, len(users), with_bio


def extract_bio_interests(store: Store, steps: Steps | None = None) -> BioExtraction:
    """Match biographies and (re)write ``INTERESTED_IN {source:'bio', score}`` (§4.1).

    Idempotent: the old ``bio`` interests are replaced, other sources are left alone.
    """
    steps = as_steps(steps)
    with steps("matching biographies"):
        bio = match_bio_interests(store)
    with steps("writing bio interests"):
        bio.written = write_bio_interests(store, bio)
    return bio


def match_bio_interests(store: Store) -> BioExtraction:
    """:func:`match_bios` as a :class:`BioExtraction` with nothing written yet."""
    frame, n_users, with_bio = match_bios(store)
    return BioExtraction(
        frame=frame,
        n_users=n_users,
        n_with_bio=len(with_bio),
        n_with_interests=int(frame["user"].nunique()) if len(frame) else 0,
        written=0,
        bio_users=with_bio,
    )


def write_bio_interests(store: Store, bio: BioExtraction) -> int:
    """Replace every ``INTERESTED_IN {source:'bio'}`` with the matched rows; other sources
    are left alone.  Returns the number written."""
    frame = bio.frame
    rels = pd.DataFrame(
        {
            "src": frame["user"].astype(str),
            "dst": frame["topic"].astype(str),
            "source": "bio",
            "score": frame["score"].astype(float),
        }
    )
    return int(store.replace_rels("INTERESTED_IN", rels, where={"source": "bio"}))


# -- export ---------------------------------------------------------------------------------


@dataclass
class AlfGraph:
    """Arrays exported for ALF: users, topics, ``A`` (V×V) and ``S_c`` (V×T)."""

    user_ids: np.ndarray
    topic_ids: np.ndarray
    A: sp.csr_matrix
    S_c: sp.csr_matrix
    sources: tuple[str, ...]


def _seed_sources(
    sources: Sequence[str], allowed: Sequence[str] = AUTHORITY_SOURCES
) -> tuple[str, ...]:
    """:func:`analysis.alf.check_sources` at the user boundary."""
    with user_errors():
        return check_sources(sources, allowed)


def interest_counts(store: Store) -> dict[str, int]:
    """Users with at least one INTERESTED_IN relationship, per source."""
    return {str(r["source"]): int(r["n"]) for r in store.run("interest_users_by_source")}


def users_with_bio(store: Store) -> int:
    """Users whose ``bio`` is a non-empty string."""
    bios = store.export_nodes("User", ["bio"]).props["bio"]
    return int(sum(1 for b in bios if isinstance(b, str) and b.strip()))


def present_sources(store: Store, with_bios: bool = False) -> tuple[str, ...]:
    """The seed sources (:data:`INTEREST_SOURCES` order) with at least one INTERESTED_IN
    relationship in the store; with ``with_bios`` also ``bio`` when some user has a
    biography, because the authority search matches biographies on the way."""
    counts = interest_counts(store)
    present = {s for s, n in counts.items() if n > 0}
    if with_bios and "bio" not in present and users_with_bio(store):
        present.add("bio")
    return tuple(s for s in INTEREST_SOURCES if s in present)


def resolve_interest_sources(
    store: Store,
    sources: Sequence[str] | None,
    allowed: Sequence[str] = AUTHORITY_SOURCES,
    with_bios: bool = False,
) -> tuple[str, ...]:
    """The checked ``sources``, or, when None or empty, every seed source present in the
    store (:func:`present_sources`).  With none present it is every seed source, so that
    the command checks its other parameters first and then fails on the empty seed set
    with :func:`no_interests_error` (which says the store has no interests at all)."""
    if sources:
        return _seed_sources(sources, allowed)
    return present_sources(store, with_bios) or tuple(INTEREST_SOURCES)


def no_interests_error(store: Store, sources: Sequence[str]) -> UserError:
    """The error for an empty seed set, naming the sources that do have interests."""
    counts = {s: n for s, n in interest_counts(store).items() if s not in sources}
    if counts:
        have = ", ".join(f"{s} ({n:,} users)" for s, n in sorted(counts.items()))
        hint = f"the store has interests from {have}: seed from {','.join(sorted(counts))} instead"
    else:
        hint = (
            "the store has no INTERESTED_IN relationships at all (bios matched no topic "
            "name or alias, and no interests.csv was loaded)"
        )
    return UserError(f"no user has interests from {list(sources)}; {hint}")


def seed_source_filter(
    sources: Sequence[str], allowed: Sequence[str] = AUTHORITY_SOURCES
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The checked ``sources`` and the INTERESTED_IN ``source`` values they read:
    ``propagated`` stands for the propagated interests plus every seed source."""
    sources = _seed_sources(sources, allowed)
    wanted = set(sources) | (set(SEED_SOURCES) if "propagated" in sources else set())
    return sources, tuple(sorted(wanted))


def export_alf_graph(
    store: Store, sources: Sequence[str] = ("bio",), bio: pd.DataFrame | None = None
) -> AlfGraph:
    """Export FOLLOWS and the INTERESTED_IN relationships of ``sources`` as sparse matrices.

    ``bio`` (user, topic rows of :func:`match_bios`) stands in for the stored ``bio``
    interests, so a run can use freshly matched biographies before writing them."""
    from analysis.alf import follow_matrix

    sources, wanted = seed_source_filter(sources)
    users = store.export_nodes("User")
    topics = store.export_nodes("Topic")
    follows = store.export_edges("FOLLOWS", src_nodes=users, dst_nodes=users)
    inter = store.export_edges("INTERESTED_IN", ["source"], src_nodes=users, dst_nodes=topics)
    stored = inter.props["source"].astype(str)
    keep = np.isin(stored, np.array(wanted, dtype=object))
    src, dst = inter.src, inter.dst
    if bio is not None and "bio" in wanted:
        keep &= stored != "bio"
        u = pd.Index(users.ids.astype(str)).get_indexer(bio["user"].astype(str))
        t = pd.Index(topics.ids.astype(str)).get_indexer(bio["topic"].astype(str))
        ok = (u >= 0) & (t >= 0)
        src = np.concatenate([src[keep], u[ok]])
        dst = np.concatenate([dst[keep], t[ok]])
        keep = np.ones(len(src), dtype=bool)
    V, T = len(users), len(topics)
    A = follow_matrix(follows.src, follows.dst, V)
    S = sp.csr_matrix((np.ones(int(keep.sum())), (src[keep], dst[keep])), shape=(V, T))
    S.sum_duplicates()
    S.data[:] = 1.0
    return AlfGraph(
        user_ids=np.asarray(users.ids),
        topic_ids=np.asarray(topics.ids),
        A=A,
        S_c=S,
        sources=sources,
    )


# -- §4.2–4.3 authorities ---------------------------------------------------------------------


@dataclass
class AuthorityRun:
    """Result of :func:`run_authorities` (what the CLI prints)."""

    graph: AlfGraph
    result: AuthorityResult
    method: str
    params: dict[str, Any]
    bio: BioExtraction | None
    seconds: dict[str, float] = field(default_factory=dict)
    written: int = 0

    def ranked_ids(self) -> dict[str, list[str]]:
        """topic id -> authority user ids, best first."""
        return {
            str(self.graph.topic_ids[t]): [str(u) for u in self.graph.user_ids[users]]
            for t, users in enumerate(self.result.ranked)
        }

    def to_frame(self) -> pd.DataFrame:
        return self.result.to_frame(self.graph.user_ids, self.graph.topic_ids)

    def summary(self, top: int = 5) -> AuthoritiesSummary:
        """The summary every engine reports (:class:`AuthoritiesSummary`)."""
        r = self.result
        per_topic = r.summary_frame(self.graph.topic_ids)
        blocks = self.params.get("topic_block") or 0
        n_topics = len(self.graph.topic_ids)
        return AuthoritiesSummary(
            engine="scipy",
            method=self.method,
            params=dict(self.params),
            interest_sources=list(self.graph.sources),
            users=len(self.graph.user_ids),
            topics=n_topics,
            follows=int(self.graph.A.nnz),
            users_with_interests=int((self.graph.S_c.getnnz(axis=1) > 0).sum()),
            assigned=int((r.assigned >= 0).sum()),
            fp1_removed=int(r.fp1_removed.sum()),
            fp2_removed=int(r.fp2_removed.sum()),
            authorities=int((r.topic >= 0).sum()),
            share_authorities=float(r.share_authorities),
            per_topic={
                str(row.topic): {
                    "authorities": int(row.n_authorities),
                    "share_of_users": float(row.share_of_users),
                }
                for row in per_topic.itertuples()
            },
            written=int(self.written),
            bio=self.bio.to_dict() if self.bio else None,
            top={t: ids[:top] for t, ids in self.ranked_ids().items() if ids},
            blocks=-(-n_topics // int(blocks)) if blocks else 1,
            seconds={k: round(v, 3) for k, v in self.seconds.items()},
            work_dir=None,
        )

    def to_dict(self, top: int = 5) -> dict[str, Any]:
        return self.summary(top).to_json()


@dataclass(frozen=True)
class AuthoritiesSummary:
    """What ``authorities`` reports, the same keys and types on every engine.

    ``blocks``: topic blocks propagated (1 without ``topic_block``); ``seconds``: per
    phase of the engine; ``work_dir``: the Spark work folder when kept, else None.
    """

    engine: str
    method: str
    params: dict[str, Any]
    interest_sources: list[str]
    users: int
    topics: int
    follows: int
    users_with_interests: int
    assigned: int
    fp1_removed: int
    fp2_removed: int
    authorities: int
    share_authorities: float
    per_topic: dict[str, dict[str, Any]]
    written: int
    bio: dict[str, Any] | None
    top: dict[str, list[str]]
    blocks: int
    seconds: dict[str, float]
    work_dir: str | None

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_spark(cls, out: Mapping[str, Any]) -> AuthoritiesSummary:
        """The summary from :func:`beautygraph.pipelines.spark_jobs.authorities_spark`'s
        counts (Algorithm 1 in topic blocks; see :mod:`beautygraph.engines.spark_alf`)."""
        users = int(out["users"])
        per_topic = {str(t): int(n) for t, n in out.get("per_topic_authorities", {}).items()}
        return cls(
            engine="spark",
            method=str(out["method"]),
            params=dict(out["params"]),  # summary_params of the job's AlfParams
            interest_sources=list(out["interest_sources"]),
            users=users,
            topics=len(out["topic_ids"]),
            follows=int(out["follows"]),
            users_with_interests=int(out["users_with_interests"]),
            assigned=int(out["assigned"]),
            fp1_removed=int(out["fp1_removed"]),
            fp2_removed=int(out["fp2_removed"]),
            authorities=int(out["authorities"]),
            share_authorities=int(out["authorities"]) / users if users else 0.0,
            per_topic={
                t: {
                    "authorities": per_topic.get(t, 0),
                    "share_of_users": per_topic.get(t, 0) / max(users, 1),
                }
                for t in map(str, out["topic_ids"])
            },
            written=int(out["written"].get("AUTHORITY_ON", 0)),
            bio=out.get("bio"),
            top={str(t): list(ids) for t, ids in out.get("top", {}).items() if ids},
            blocks=int(out["blocks"]),
            seconds=dict(out.get("seconds", {})),
            work_dir=out.get("work_dir"),
        )


def authorities_summary(
    store: Store,
    params: AlfParams | None = None,
    interest_sources: Sequence[str] | None = None,
    *,
    engine: str = "scipy",
    options: SparkOptions | None = None,
    steps: Steps | None = None,
) -> AuthoritiesSummary:
    """ALF on the store with write-back (§4), on either engine, reported as one
    :class:`AuthoritiesSummary` whose keys and value types do not depend on the engine.

    ``engine="scipy"`` is :func:`run_authorities`; ``"spark"`` runs Algorithm 1 on Spark
    (:func:`beautygraph.pipelines.spark_jobs.authorities_spark`) from the same seed
    sources (None: every seed source present, biographies counted,
    :func:`resolve_interest_sources`)."""
    refuse([] if engine in ENGINES else [Problem(("engine",), (engine,), "must be scipy or spark")])
    if engine == "scipy":
        run = run_authorities(store, params, interest_sources=interest_sources, steps=steps)
        return run.summary()
    from beautygraph.pipelines.spark_jobs import authorities_spark

    sources = resolve_interest_sources(store, interest_sources, with_bios=True)
    out = authorities_spark(store, params, interest_sources=sources, options=options, steps=steps)
    return AuthoritiesSummary.from_spark(out)


def alf_params(params: AlfParams | None = None, **changes: Any) -> AlfParams:
    """``params`` (default :data:`analysis.alf.params.ALF_DEFAULTS`) with the named fields
    ``changes``d; a rule it breaks is a :class:`UserError` naming the offending values."""
    base = ALF_DEFAULTS if params is None else params
    with user_errors():
        return replace(base, **changes) if changes else base


def summary_params(params: AlfParams) -> dict[str, Any]:
    """The parameters a summary reports: Algorithm 1's Pass 1 denominator, block and
    precision, or Theorem 1's filled-in α, β, γ; and the evidence rule."""
    if params.method == "algorithm1":
        return {
            "pass1_denominator": params.pass1_denominator,
            "min_support": params.min_support,
            "topic_block": params.topic_block,
            "dtype": params.dtype,
        }
    a, b, g = params.theorem1()
    return {"alpha": a, "beta": b, "gamma": g, "min_support": params.min_support}


def propagate(graph: AlfGraph, params: AlfParams) -> np.ndarray:
    """Label scores F (users × topics) by Algorithm 1 or Theorem 1."""
    if params.method == "algorithm1":
        return algorithm1(graph.A, graph.S_c, pass1_denominator=params.pass1_denominator).F
    with user_errors("propagation failed"):
        return general_solution(graph.A, graph.S_c, *params.theorem1()).F


def _authorities(graph: AlfGraph, F: np.ndarray, params: AlfParams) -> AuthorityResult:
    """§4.3 with the evidence rule: at least ``min_support`` interested followers."""
    n_in = np.asarray(graph.A.sum(axis=0)).ravel()
    support = topical_support(graph.A, graph.S_c)
    return find_authorities(F, n_in, support=support, **params.filters())


def run_authorities(
    store: Store,
    params: AlfParams | None = None,
    interest_sources: Sequence[str] | None = None,
    steps: Steps | None = None,
    extract_bio: bool = True,
    **changes: Any,
) -> AuthorityRun:
    """The whole of ALF on the store, with write-back (§4), with ``params``
    (:class:`analysis.alf.params.AlfParams`; ``changes`` replace some of its fields, e.g.
    ``min_support=0``).

    1. (``extract_bio`` and ``'bio'`` among the sources) match biographies (§4.1);
    2. export FOLLOWS + INTERESTED_IN of ``interest_sources`` (None: every seed source
       present in the store, :func:`resolve_interest_sources`), the freshly matched
       biographies standing in for the stored ``bio`` interests;
    3. propagate: Algorithm 1 when ``alpha``, ``beta``, ``gamma`` are all None, otherwise
       Theorem 1 (a missing one defaults to α=0.1, β=0.01, γ=1, :meth:`AlfParams.theorem1`);
    4. ZF, wzf, one topic per user, FP1 and FP2 (:func:`analysis.alf.find_authorities`),
       with at least ``min_support`` followers holding a seed interest in the topic;
    5. in one transaction: replace the ``bio`` interests, replace every ``AUTHORITY_ON``
       with ``{score: F_tu, wzf, rank}`` and set ``User.authority_topic`` /
       ``authority_score`` (wzf; cleared for non-authorities).

    Every parameter is checked and everything computed before the first write, so a
    failure leaves the store as it was.

    ``topic_block`` N (Algorithm 1 only) propagates and scores N topics at a time, so
    memory is O(|V|·N) instead of O(|V|·|T|) (:mod:`analysis.alf.blocked`, same result);
    ``dtype="float32"`` propagates in single precision.
    """
    alf = alf_params(params, **changes)
    steps = as_steps(steps)
    sources = resolve_interest_sources(store, interest_sources, with_bios=extract_bio)
    seconds: dict[str, float] = {}
    bio = None
    with steps("interests from biographies") as step:
        if extract_bio and "bio" in sources:
            bio = match_bio_interests(store)
    seconds["bio"] = step.seconds
    with steps("exporting the follower graph") as step:
        graph = export_alf_graph(store, sources, bio=bio.frame if bio else None)
    seconds["export"] = step.seconds
    if graph.S_c.nnz == 0:
        raise no_interests_error(store, sources)
    if alf.blocked:
        result, seconds["propagate"] = _blocked_result(graph, alf, steps)
        seconds["score"] = 0.0
    else:
        with steps(f"propagating ({alf.method})") as step:
            F = propagate(graph, alf)
        seconds["propagate"] = step.seconds
        with steps("authority scores and filters") as step:
            result = _authorities(graph, F, alf)
        seconds["score"] = step.seconds
    with steps("writing interests and authorities") as step, store.atomic():
        if bio is not None:
            bio.written = write_bio_interests(store, bio)
        written = write_authorities(store, graph, result)
    seconds["write"] = step.seconds
    return AuthorityRun(
        graph=graph,
        result=result,
        method=alf.method,
        params=summary_params(alf),
        bio=bio,
        seconds=seconds,
        written=written,
    )


def _blocked_result(
    graph: AlfGraph, params: AlfParams, steps: Steps
) -> tuple[AuthorityResult, float]:
    """Algorithm 1 and the authority search N topics at a time (:mod:`analysis.alf.blocked`);
    the result and its seconds."""
    from analysis.alf.blocked import find_authorities_blocked

    n_topics = graph.S_c.shape[1]
    with steps("propagating and scoring in topic blocks", total=2 * n_topics) as step:
        result = find_authorities_blocked(
            graph.A,
            graph.S_c,
            block=int(params.topic_block or n_topics or 1),
            dtype=np.dtype(params.dtype),
            pass1_denominator=params.pass1_denominator,
            on_block=lambda done, _total: step.advance(done - step.done),
            **params.filters(),
        )
    return result, step.seconds


def write_authorities(store: Store, graph: AlfGraph, result: AuthorityResult) -> int:
    """Replace AUTHORITY_ON and set User.authority_topic / authority_score."""
    df = result.to_frame(graph.user_ids, graph.topic_ids)
    rels = pd.DataFrame(
        {
            "src": df["user"].astype(str),
            "dst": df["topic"].astype(str),
            "score": df["F"].astype(float),
            "wzf": df["wzf"].astype(float),
            "rank": df["rank"].astype(np.int64),
        }
    )
    written = store.replace_rels("AUTHORITY_ON", rels)
    is_auth = result.topic >= 0
    topic = np.array(
        [str(graph.topic_ids[t]) if t >= 0 else None for t in result.topic], dtype=object
    )
    score = np.where(is_auth, result.score, np.nan)
    store.write_node_props(
        "User",
        pd.DataFrame(
            {"id": graph.user_ids.astype(str), "authority_topic": topic, "authority_score": score}
        ),
    )
    return int(written)


# -- §5 recommender ---------------------------------------------------------------------------


def recommend_authorities(
    store: Store, user_id: str, k: int = 10, a_hat: int = 0, b_hat: int | None = None
) -> list[dict[str, Any]]:
    """Algorithm 2 for one user, in Cypher (``cypher/recommend_authority.cypher``).

    For each topic whose enthusiasm ``a_tu`` (authorities on ``t`` the user follows, Eq. 10)
    exceeds ``a_hat``, the first ``b_hat`` (default ``k``) authorities of ``t`` not yet
    followed; the union, most enthusiastic topics first, cut to ``k``.  Returns dicts with
    ``user_id, rank, score`` (the authority's wzf), ``topic_id``, ``enthusiasm``,
    ``topic_rank``, ``authority_rank``.
    """
    if k < 1:
        raise UserError(f"k={k} must be >= 1")
    b_hat = k if b_hat is None else int(b_hat)
    if a_hat < 0 or b_hat < 1:
        raise UserError(f"need a_hat={a_hat} >= 0 and b_hat={b_hat} >= 1")
    if not store.run("user_exists", id=str(user_id)):
        raise UserError(f"unknown user {user_id!r}: no User with that id in the store")
    if not store.run("any_authority"):
        raise UserError("no AUTHORITY_ON relationships yet: run `beautygraph authorities` first")
    rows = store.run(
        "recommend_authority", user_id=str(user_id), a_hat=int(a_hat), b_hat=int(b_hat)
    )
    out = []
    for i, r in enumerate(rows[:k], start=1):
        out.append(
            {
                "user_id": str(r["user_id"]),
                "rank": i,
                "score": float(r["score"]),
                "topic_id": str(r["topic_id"]),
                "enthusiasm": int(r["enthusiasm"]),
                "topic_rank": int(r["topic_rank"]),
                "authority_rank": int(r["authority_rank"]),
            }
        )
    return out


def explain_authority(
    store: Store, user_id: str, topic_id: str = "", sources: Sequence[str] = ("bio",)
) -> pd.DataFrame:
    """Pass 1 in Cypher: the share of ``user_id``'s followers with interests who are
    interested in each topic (``cypher/alf_pass1.cypher``) — why is v an authority on t?"""
    return store.run_df(
        "alf_pass1",
        user_id=str(user_id),
        topic_id=str(topic_id or ""),
        sources=list(_seed_sources(sources)),
    )


# -- §6.3 evaluation ---------------------------------------------------------------------------


def load_truth(truth: Mapping | str | Path) -> dict:
    """A truth dict, or the path of a generator ``truth.json``."""
    if isinstance(truth, Mapping):
        return dict(truth)
    path = Path(truth)
    if not path.is_file():
        raise UserError(f"truth file {str(path)!r} does not exist")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise UserError(f"truth file {str(path)!r} is not valid JSON: {exc}") from exc


def seeded_graph(store: Store, interest_sources: Sequence[str] | None) -> AlfGraph:
    """The ALF arrays; biographies are matched in memory (nothing written) when the store
    holds no interests of the sources and ``'bio'`` is one of them.  ``None``: every seed
    source present in the store (:func:`resolve_interest_sources`)."""
    sources = resolve_interest_sources(store, interest_sources, with_bios=True)
    graph = export_alf_graph(store, sources)
    if graph.S_c.nnz == 0 and "bio" in sources:
        frame, _, _ = match_bios(store)  # in memory, nothing written
        u = pd.Index(graph.user_ids).get_indexer(frame["user"])
        t = pd.Index(graph.topic_ids).get_indexer(frame["topic"])
        graph.S_c = sp.csr_matrix((np.ones(len(u)), (u, t)), shape=graph.S_c.shape)
    if graph.S_c.nnz == 0:
        raise no_interests_error(store, sources)
    return graph


def _k_problems(k: int) -> list[Problem]:
    return [] if k >= 1 else [Problem(("k",), (k,), "must be >= 1")]


def evaluate_follow_links(
    store: Store,
    share: float = 0.2,
    k: int = 10,
    interest_sources: Sequence[str] | None = None,
    seed: int = 0,
    params: AlfParams | None = None,
    n_users: int | None = DEFAULT_HOLDOUT_USERS,
    steps: Steps | None = None,
    **changes: Any,
) -> FollowHoldout:
    """The follow hold-out (:mod:`analysis.alf.follow_holdout`): hide ``share`` of the
    follows of ``n_users`` drawn users (both directions of a reciprocal pair together),
    find the authorities again without them and score Algorithm 2 beside every baseline of
    ``analyze recommenders --holdout-follows``, on the same graph export (beauty and user
    classes included).  Nothing is written.  ``params``
    (:class:`analysis.alf.params.AlfParams`, ``changes`` replacing some fields) gives ALF's
    Pass 1 denominator and evidence rule."""
    # the recommenders' export reads ALF's seeded graph: imported here, not at the top
    from beautygraph.pipelines.learned_recommend import store_graph

    alf = alf_params(params, **changes)
    refuse(
        ([] if 0 < share < 1 else [Problem(("share",), (share,), "must be in (0, 1)")])
        + _k_problems(k)
        + ([] if n_users is None else check_int("n_users", n_users, 1))
    )
    steps = as_steps(steps)
    sources = resolve_interest_sources(store, interest_sources, with_bios=True)
    with steps("export the graph"):
        g = store_graph(store, sources)
    if g.seeds is None:
        raise no_interests_error(store, sources)
    with steps("hold out, find the authorities again, recommend and score"):
        with user_errors("follow hold-out"):
            return evaluate_follow_holdout(
                g.A,
                g.seeds,
                share,
                k=k,
                seed=seed,
                n_users=n_users,
                params=alf,
                beauty=g.beauty,
                forlorn=g.forlorn,
            )


def evaluate_authorities(
    store: Store,
    truth: Mapping | str | Path,
    k: int = 200,
    interest_sources: Sequence[str] | None = None,
    params: AlfParams | None = None,
    **changes: Any,
) -> Table6:
    """Precision/recall@k (§6.3) of ALF, topic-seeded PageRank and "No weighting" against
    ``truth["authorities"]`` ({topic_id: [user_id]}).

    Nothing is written.  When the store holds no interests of ``interest_sources`` and
    ``'bio'`` is one of them, biographies are matched in memory first.  ALF runs with
    ``params`` (:class:`analysis.alf.params.AlfParams`, ``changes`` replacing some fields).
    """
    alf = alf_params(params, **changes)
    refuse(_k_problems(k))
    truth = load_truth(truth)
    auth_truth = truth.get("authorities")
    if not isinstance(auth_truth, Mapping) or not auth_truth:
        raise UserError("truth has no 'authorities' {topic_id: [user_id, ...]} to compare with")
    graph = seeded_graph(store, interest_sources)
    F = propagate(graph, alf)
    n_in = np.asarray(graph.A.sum(axis=0)).ravel()
    ranked = {
        "alf": _authorities(graph, F, alf).ranked,
        "pagerank": pagerank_authorities(graph.A, graph.S_c),
        # Table 6's baseline: ZF alone, without the evidence rule
        "no_weighting": find_authorities(F, n_in, weighting="zf", min_support=0).ranked,
    }
    scores = {}
    for name, lists in ranked.items():
        found = {
            str(graph.topic_ids[t]): [str(x) for x in graph.user_ids[users]]
            for t, users in enumerate(lists)
        }
        scores[name] = precision_recall_at_k(found, auth_truth, k)
    return Table6(scores=scores, k=k)


@dataclass(frozen=True)
class AuthorityEvaluation:
    """What ``analyze authorities`` reports against a truth file (§6.3, Table 6): the
    measured table and the seed sources ALF ran from."""

    table: Table6
    interest_sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "k": self.table.k,
            "interest_sources": list(self.interest_sources),
            "methods": {
                m: {"precision": s.precision, "recall": s.recall, "f1": s.f1}
                for m, s in self.table.scores.items()
            },
        }


@dataclass(frozen=True)
class FollowLinkEvaluation:
    """What ``analyze authorities`` reports without a truth file: the follow hold-out
    (:mod:`analysis.alf.follow_holdout`, in the JSON of ``analyze recommenders
    --holdout-follows``) and the seed sources ALF ran from."""

    holdout: FollowHoldout
    interest_sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {**self.holdout.to_dict(), "interest_sources": list(self.interest_sources)}


def analyze_authorities(
    store: Store,
    truth: Mapping | str | Path,
    k: int = 200,
    interest_sources: Sequence[str] | None = None,
    params: AlfParams | None = None,
) -> AuthorityEvaluation:
    """:func:`evaluate_authorities` from the seed sources ``interest_sources`` (None: every
    seed source present, biographies counted), with the sources it used."""
    sources = resolve_interest_sources(store, interest_sources, with_bios=True)
    table = evaluate_authorities(store, truth, k=k, interest_sources=sources, params=params)
    return AuthorityEvaluation(table=table, interest_sources=sources)


def analyze_follow_links(
    store: Store,
    share: float = 0.2,
    k: int = 10,
    interest_sources: Sequence[str] | None = None,
    seed: int = 0,
    params: AlfParams | None = None,
    n_users: int | None = DEFAULT_HOLDOUT_USERS,
    steps: Steps | None = None,
) -> FollowLinkEvaluation:
    """:func:`evaluate_follow_links` from the seed sources ``interest_sources`` (None:
    every seed source present, biographies counted), with the sources it used."""
    sources = resolve_interest_sources(store, interest_sources, with_bios=True)
    res = evaluate_follow_links(
        store,
        share,
        k,
        interest_sources=sources,
        seed=seed,
        params=params,
        n_users=n_users,
        steps=steps,
    )
    return FollowLinkEvaluation(holdout=res, interest_sources=sources)
