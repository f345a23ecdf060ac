"""Whom should a user follow?  Friend-of-friend recommenders (Beautiful and damned §7).

* :func:`recommend_user` answers one user with the Cypher statements
  ``cypher/recommend_{cn,bb,aa}.cypher`` (either backend), each recommendation with its
  explanation (common neighbours and their count, beauty values);
* :func:`recommend_batch` answers many users at once with sparse matrices
  (:mod:`analysis.fof`) — the same answers as the Cypher, much faster — and can write them
  back as ``(u)-[:RECOMMENDED {method, rank, score}]->(v)``;
* ``learned``, the default method, is the learned ranker of
  :mod:`beautygraph.pipelines.learned_recommend`: one user from its serving index, many
  users a block at a time through the same path;
* :func:`simulate_recommenders` runs the §7 simulation (Fig. 12, :mod:`analysis.recsim`);
  its figure and files come from :mod:`beautygraph.outputs.recommenders`;
* the ``recommenders`` report section (:mod:`beautygraph.sections.recommenders`) puts the
  paper's findings beside the measured ones.

Every entry point takes one :class:`analysis.recommend_params.RecommendParams` (the method,
``k``, BB's ``tolerance``, the sample and its seed …), built once by the caller and checked
on construction; :func:`recommend_params` builds it from a method name or field values.
:data:`METHODS` maps a method name to the function answering one user; ``authority`` (the
ALF authority recommender) lives in :mod:`beautygraph.pipelines.alf` and is imported lazily.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import pandas as pd

from analysis import fof, recsim
from analysis.recommend_params import (
    BATCH_METHODS,
    BATCH_MODES,
    RECOMMEND_DEFAULTS,
    SIMULATION_DEFAULTS,
    RecommendParams,
    check_method,
)
from beautygraph.errors import UserError, user_errors
from kernel.params import invalid
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from graphdb.base import Store

log = logging.getLogger(__name__)

__all__ = [
    "Recommendation",
    "UserRecommendations",
    "BatchRecommendations",
    "SimulationResult",
    "METHODS",
    "BATCH_METHODS",
    "BB_COMMAND",
    "recommend_params",
    "recommend_user",
    "user_recommendations",
    "recommend_batch",
    "simulate_recommenders",
]

#: the command line that needs a user beauty, named by the no-beauty message
#: (:func:`beautygraph.pipelines.scoring.no_beauty_message`, which names the command a user
#: runs, as for every other command that needs a beauty); a test holds it a valid command
#: line of the CLI
BB_COMMAND = "recommend --method bb"


def recommend_params(
    params: RecommendParams | str | None = None,
    base: RecommendParams = RECOMMEND_DEFAULTS,
    **changes: Any,
) -> RecommendParams:
    """``params`` with the fields ``changes`` replaced: a
    :class:`~analysis.recommend_params.RecommendParams`, or a method name standing for
    ``base`` (default :data:`~analysis.recommend_params.RECOMMEND_DEFAULTS`) with that
    method, or None for ``base``.  A broken rule is a :class:`UserError` raised from the
    :class:`kernel.params.InvalidParams` that names the parameters (the CLI names its flags).

    >>> recommend_params("bb", k=3).method, recommend_params("bb", k=3).k
    ('bb', 3)
    """
    if params is None or isinstance(params, str):
        if params is not None:
            changes = {"method": params, **changes}
        params = base
    with user_errors():
        return params.with_changes(**changes)


@dataclass(frozen=True)
class Recommendation:
    """One recommended account for a recipient, with its explanation.

    ``score`` is the common-neighbour count (cn), the candidate's user beauty (bb) or the
    Adamic–Adar sum (aa); ``common_neighbors`` are the ids of the followees of the
    recipient who follow the candidate (sorted), ``n_common`` their number; ``beauty`` /
    ``user_beauty`` are the candidate's and the recipient's user beauty (None if unknown).
    ``extra`` holds method-specific explanation fields (e.g. the authority topic).
    """

    user_id: str
    rank: int
    score: float
    method: str
    n_common: int = 0
    common_neighbors: list[str] = field(default_factory=list)
    beauty: float | None = None
    user_beauty: float | None = None
    #: photos the candidate posted (0: "no photos", so no beauty can exist)
    n_photos: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(d.pop("extra"))
        return d


# -- single user: Cypher --------------------------------------------------------------


def _opt_float(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _id_list(value) -> list[str]:
    """A collected id list from either backend (list, tuple or numpy array), sorted."""
    if value is None:
        return []
    return sorted(str(z) for z in list(value))


def _user_info(store: Store, user_id: str) -> dict:
    rows = store.run("recommend_user_info", user=user_id)
    if not rows:
        raise UserError(f"unknown user {user_id!r}: no User with that id in the store")
    return rows[0]


def _refuse_bb_without_beauty(store: Store, user_id: str, info: dict) -> NoReturn:
    """Why the recipient has no beauty, which bb needs (it ranks candidates by beauty
    within ±tolerance of the recipient's own), and what would give it one.  When some users
    have a beauty, the error is raised from an :class:`kernel.params.InvalidParams` naming
    ``method``, so the CLI names its flag."""
    from beautygraph.pipelines.scoring import beauty_counts, no_beauty_message

    counts = beauty_counts(store)
    if not counts["users_with_beauty"]:
        raise UserError(no_beauty_message(counts, BB_COMMAND))
    n_photos, n_scored = int(info.get("n_photos") or 0), int(info.get("n_scored") or 0)
    others = (
        f"{counts['users_with_beauty']} of {counts['users']} users have a beauty, but not "
        f"{user_id!r}"
    )
    other_methods = "or choose another method: cn, aa and authority need no beauty"
    if n_photos == 0:
        why = (
            f"{user_id!r} posted no photos, so no beauty can be computed for them; give "
            "them one with `beautygraph import-results DIR` (DIR/nodes/User.parquet with "
            f"`id, beauty`), {other_methods}"
        )
    elif n_scored == 0:
        why = (
            f"none of the {n_photos} photos of {user_id!r} has a beauty score; score them "
            f"with `beautygraph score beauty`, {other_methods}"
        )
    else:
        why = (
            f"{n_scored} of the {n_photos} photos of {user_id!r} have a beauty score but "
            "User.beauty was not computed from them: run `beautygraph score user-beauty`"
        )
    cause = invalid(
        "", "method", "bb", f"ranks candidates by the recipient's own beauty: {others}. {why}"
    )
    raise UserError(str(cause)) from cause


def _cypher_method(method: str) -> Callable[[Store, str, RecommendParams], list[Recommendation]]:
    def answer(store: Store, user_id: str, params: RecommendParams) -> list[Recommendation]:
        info = _user_info(store, user_id)
        ub = _opt_float(info.get("beauty"))
        if method == "bb" and ub is None:
            _refuse_bb_without_beauty(store, user_id, info)
        rows = store.run(
            f"recommend_{method}", user=user_id, k=params.k, tolerance=params.tolerance
        )
        return [
            Recommendation(
                user_id=str(r["user_id"]),
                rank=i,
                score=float(r["score"]),
                method=method,
                n_common=int(r["n_common"]),
                common_neighbors=_id_list(r.get("common")),
                beauty=_opt_float(r.get("beauty")),
                user_beauty=ub,
            )
            for i, r in enumerate(rows, start=1)
        ]

    answer.__name__ = f"recommend_{method}"
    answer.__doc__ = f"Answer one user with cypher/recommend_{method}.cypher."
    return answer


def _authority(store: Store, user_id: str, params: RecommendParams) -> list[Recommendation]:
    """The ALF authority recommender (topical-authorities paper §5), imported lazily."""
    try:
        from beautygraph.pipelines.alf import recommend_authorities
    except ImportError as exc:
        raise UserError(
            "method 'authority' needs the ALF pipeline (beautygraph.pipelines.alf."
            f"recommend_authorities), which is not available: {exc}"
        ) from exc
    _user_info(store, user_id)
    result = recommend_authorities(store, user_id, k=params.k)
    return [_as_recommendation(r, i, "authority") for i, r in enumerate(result, start=1)]


def _as_recommendation(item: Any, rank: int, method: str) -> Recommendation:
    """Accept a :class:`Recommendation`, a dataclass or a mapping from another pipeline."""
    if isinstance(item, Recommendation):
        return item
    if hasattr(item, "to_dict"):
        d = dict(item.to_dict())
    elif hasattr(item, "__dataclass_fields__"):
        d = asdict(item)
    else:
        d = dict(item)
    uid = d.pop("user_id", None) or d.pop("id", None) or d.pop("candidate", None)
    if uid is None:
        raise TypeError(f"recommendation without a user id: {item!r}")
    known: dict[str, Any] = {
        "rank": int(d.pop("rank", rank)),
        "score": float(d.pop("score", float("nan"))),
        "n_common": int(d.pop("n_common", 0) or 0),
        "common_neighbors": list(d.pop("common_neighbors", []) or []),
        "beauty": _opt_float(d.pop("beauty", None)),
        "user_beauty": _opt_float(d.pop("user_beauty", None)),
    }
    d.pop("method", None)
    return Recommendation(user_id=str(uid), method=method, extra=d, **known)


#: method name -> function(store, user_id, params) -> list[Recommendation]; the keys are
#: :data:`analysis.recommend_params.METHODS`
def _learned(store: Store, user_id: str, params: RecommendParams) -> list[Recommendation]:
    """The learned ranker (:mod:`beautygraph.pipelines.learned_recommend`; an unknown user
    is refused before a model is fitted)."""
    from beautygraph.pipelines.learned_recommend import learned_recommendations

    return learned_recommendations(
        store, user_id, params.k, params.seed, balance=params.beauty_balance
    )


METHODS: dict[str, Callable[[Store, str, RecommendParams], list[Recommendation]]] = {
    "cn": _cypher_method("cn"),
    "bb": _cypher_method("bb"),
    "aa": _cypher_method("aa"),
    "authority": _authority,
    "learned": _learned,
}


def recommend_user(
    store: Store,
    user_id: str,
    params: RecommendParams | str | None = None,
    **changes: Any,
) -> list[Recommendation]:
    """Top-``k`` accounts ``user_id`` might follow, by ``params.method`` (a key of
    :data:`METHODS`; ``params`` and ``changes`` as :func:`recommend_params` reads them).

    ``cn``: distance-2 accounts not yet followed, by number of common neighbours; ``bb``:
    those whose beauty is within ±``tolerance`` (relative) of the user's, by beauty
    descending (§7's BB±10); ``aa``: Adamic–Adar; ``authority``: ALF's Algorithm 2.  Ties
    by id.  Raises ``UserError`` for an invalid parameter, an unknown user, or (bb) a user
    without beauty.
    """
    params = recommend_params(params, **changes)
    recs = METHODS[params.method](store, str(user_id), params)
    return _with_photo_counts(store, recs)


def user_beauty(store: Store, user_id: str) -> float | None:
    """The recipient's user beauty (None when not computed yet)."""
    return _opt_float(_user_info(store, str(user_id)).get("beauty"))


@dataclass(frozen=True)
class UserRecommendations:
    """``recommend USER``'s answer: the recommendations with their explanations, the
    recipient's beauty and, for bb, the beauty window they were drawn from."""

    user: str
    params: RecommendParams
    user_beauty: float | None
    recommendations: tuple[Recommendation, ...]

    @property
    def method(self) -> str:
        return self.params.method

    @property
    def window(self) -> tuple[float, float] | None:
        """BB's window ``b(u)·(1 ∓ tolerance)`` (None for other methods, or without a
        recipient beauty)."""
        if self.method != "bb" or self.user_beauty is None:
            return None
        return self.params.window(self.user_beauty)

    def to_json(self) -> dict[str, Any]:
        """``{user, method, user_beauty, [tolerance, window,] recommendations}``: the
        window and its tolerance for bb only."""
        out: dict[str, Any] = {
            "user": self.user,
            "method": self.method,
            "user_beauty": self.user_beauty,
        }
        if self.window is not None:
            out["tolerance"] = self.params.tolerance
            out["window"] = list(self.window)
        out["recommendations"] = [r.to_dict() for r in self.recommendations]
        return out


def user_recommendations(
    store: Store,
    user_id: str,
    params: RecommendParams | str | None = None,
    **changes: Any,
) -> UserRecommendations:
    """:func:`recommend_user` with the recipient's beauty (read from the answers, or asked
    for when there are none): what ``recommend USER`` shows."""
    params = recommend_params(params, **changes)
    recs = recommend_user(store, user_id, params)
    ub = recs[0].user_beauty if recs else user_beauty(store, user_id)
    return UserRecommendations(str(user_id), params, ub, tuple(recs))


def _with_photo_counts(store: Store, recs: list[Recommendation]) -> list[Recommendation]:
    """Fill :attr:`Recommendation.n_photos` (and a missing ``beauty``) with one query
    for all candidates."""
    if not recs:
        return recs
    rows = store.run("recommend_candidate_photos", ids=[r.user_id for r in recs])
    found = {str(r["user_id"]): r for r in rows}
    out = []
    for r in recs:
        row = found.get(r.user_id, {})
        beauty = _opt_float(row.get("beauty")) if r.beauty is None else r.beauty
        out.append(replace(r, n_photos=int(row.get("n_photos", 0)), beauty=beauty))
    return out


# -- batch: sparse matrices -------------------------------------------------------------


@dataclass(frozen=True)
class BatchRecommendations:
    """``recommend --all`` / ``--sample N``'s answer on every engine (sparse matrices here,
    Spark in :func:`beautygraph.pipelines.engine_results.recommendations_from_spark`):
    ``frame`` has ``user``, ``candidate``, ``rank``, ``score``, ``n_common``, ``method``
    (one row per recommendation, by user then rank); ``written`` counts the RECOMMENDED
    relationships written back."""

    params: RecommendParams
    n_users: int
    frame: pd.DataFrame
    written: int = 0

    @property
    def method(self) -> str:
        return self.params.method

    @property
    def k(self) -> int:
        return self.params.k

    @property
    def tolerance(self) -> float:
        return self.params.tolerance

    def to_frame(self) -> pd.DataFrame:
        return self.frame

    def to_json(self) -> dict[str, Any]:
        """``{method, k, tolerance, n_users, n_recommendations, written,
        recommendations: [{user, user_id, rank, score, n_common}]}`` — the same keys and
        types on every engine."""
        f = self.frame
        cols = (
            f["user"].tolist(),
            f["candidate"].tolist(),
            f["rank"].astype("int64").tolist(),  # plain Python ints and floats
            f["score"].astype("float64").tolist(),
            f["n_common"].astype("int64").tolist(),
        )
        recs = [
            {"user": u, "user_id": c, "rank": r, "score": s, "n_common": n}
            for u, c, r, s, n in zip(*cols, strict=True)
        ]
        return {
            "method": self.method,
            "k": self.k,
            "tolerance": self.tolerance,
            "n_users": self.n_users,
            "n_recommendations": len(self.frame),
            "written": self.written,
            "recommendations": recs,
        }


def _export_graph(store: Store, props: Sequence[str] = ("beauty",)):
    users = store.export_nodes("User", list(props))
    follows = store.export_edges("FOLLOWS", src_nodes=users, dst_nodes=users)
    return users, follows


def _resolve_users(
    users_tbl, users: Sequence[str] | None, params: RecommendParams
) -> np.ndarray | None:
    """The recipients' node indices: ``users``, ``params.sample`` of them drawn with
    ``params.seed``, or None for every user."""
    if users is not None and params.sample is not None:
        raise UserError("give either a list of users or a sample size, not both")
    if users is not None:
        try:
            return users_tbl.index_of([str(u) for u in users])
        except KeyError as exc:
            raise UserError(str(exc.args[0])) from exc
    if params.sample is not None:
        everyone = np.ones(len(users_tbl), dtype=bool)
        return recsim.sample_users(everyone, params.sample, params.seed)
    return None


def _write_recommended(store: Store, frame: pd.DataFrame, method: str) -> int:
    """Replace ``method``'s RECOMMENDED relationships by ``frame``'s."""
    rels = pd.DataFrame(
        {
            "src": frame["user"].astype(str),
            "dst": frame["candidate"].astype(str),
            "method": method,
            "rank": frame["rank"].astype(np.int64),
            "score": frame["score"].astype(float),
        }
    )
    return int(store.replace_rels("RECOMMENDED", rels, where={"method": method}))


def recommend_batch(
    store: Store,
    params: RecommendParams | str | None = None,
    users: Sequence[str] | None = None,
    *,
    write: bool = False,
    steps: Steps | None = None,
    **changes: Any,
) -> BatchRecommendations:
    """Recommendations for many users at once (all users, ``users`` ids, or a seeded
    ``params.sample`` of N users) via :func:`analysis.fof.recommend` — equal to the
    per-user Cypher answers — or, for ``learned``, through the learned ranker's own
    per-user path a block at a time
    (:func:`beautygraph.pipelines.learned_recommend.learned_batch`, equal to its
    ``recommend USER`` answers); ``params`` and ``changes`` as :func:`recommend_params`
    reads them.  With ``write`` the method's ``RECOMMENDED`` relationships are replaced by these
    (``store.replace_rels('RECOMMENDED', frame, where={'method': method})``).  ``steps``
    gets one ``<method> batch`` stage advancing per recipient."""
    params = recommend_params(params, **changes)
    method = params.method
    with user_errors():
        batch_rule = f"has no batch mode; batch methods: {', '.join(BATCH_MODES)}"
        check_method(method, BATCH_MODES, batch_rule)
    if method == "learned":
        from beautygraph.pipelines.learned_recommend import learned_batch

        frame, n_users = learned_batch(store, params, users, steps)
        written = _write_recommended(store, frame, method) if write else 0
        return BatchRecommendations(params, n_users, frame, written)
    users_tbl, follows = _export_graph(store)
    rows = _resolve_users(users_tbl, users, params)
    beauty = users_tbl.props["beauty"]
    if method == "bb" and not np.isfinite(beauty).any():
        from beautygraph.pipelines.scoring import no_beauty_error

        raise no_beauty_error(store, BB_COMMAND)
    n_recipients = len(users_tbl) if rows is None else len(rows)
    with as_steps(steps)(f"{method} batch", total=n_recipients) as step:
        rec = fof.recommend(
            follows.src,
            follows.dst,
            len(users_tbl),
            method,
            k=params.k,
            tolerance=params.tolerance,
            beauty=beauty,
            users=rows,
            max_paths=params.max_paths,
            on_chunk=step.advance,
        )
    frame = rec.to_frame(users_tbl.ids)
    n_users = len(users_tbl) if rows is None else len(np.unique(rows))
    written = _write_recommended(store, frame, method) if write else 0
    return BatchRecommendations(params, n_users, frame, written)


# -- the §7 simulation -------------------------------------------------------------------


@dataclass(frozen=True)
class SimulationResult:
    """``analyze recommenders``' answer (and the report section's):
    :class:`analysis.recsim.RecSimResult` plus the ids it refers to."""

    result: recsim.RecSimResult
    ids: np.ndarray
    n_forlorn: int
    n_eligible: int

    def to_frame(self) -> pd.DataFrame:
        return self.result.to_frame()

    def pairs_frame(self) -> pd.DataFrame:
        """The simulated recommendations: ``method``, ``user``, ``recommended``."""
        parts = [
            pd.DataFrame({"method": m, "user": self.ids[u], "recommended": self.ids[r]})
            for m, (u, r) in self.result.pairs.items()
        ]
        return (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame(columns=["method", "user", "recommended"])
        )

    def to_dict(self) -> dict[str, Any]:
        """``{method: {b_recs, b_recs_ci, b_ratio, …, p_forlorn, p_forlorn_ci, n_recs}}``."""
        out: dict[str, Any] = {}
        for m, mm in self.result.metrics.items():
            row: dict[str, Any] = {"n_recs": mm.n_recs}
            for name in ("b_recs", "b_ratio", "fav_recs", "p_forlorn"):
                e = getattr(mm, name)
                row[name] = e.value
                row[f"{name}_ci"] = [e.ci_low, e.ci_high]
            out[m] = row
        return out

    def comparisons_dict(self) -> dict[str, Any]:
        """The paper comparisons (:meth:`analysis.recsim.RecSimResult.comparison_rows`)."""
        return self.result.comparison_rows()

    def to_json(self) -> dict[str, Any]:
        """``analyze recommenders --json`` and ``recommenders.json``: the metrics per
        method, the paper comparisons (null with a reason when not computable), the
        sample size and seed."""
        return {
            "methods": self.to_dict(),
            "comparisons": self.comparisons_dict(),
            "n_sampled": self.result.n_sampled,
            "seed": self.result.seed,
        }


def _favs_received(store: Store, users_tbl) -> np.ndarray:
    """Favourites received per user = FAVORITED edges on the photos the user POSTED."""
    photos = store.export_nodes("Photo")
    n = len(users_tbl)
    if len(photos) == 0:
        return np.zeros(n)
    posted = store.export_edges("POSTED", src_nodes=users_tbl, dst_nodes=photos)
    faved = store.export_edges("FAVORITED", src_nodes=users_tbl, dst_nodes=photos)
    per_photo = np.bincount(faved.dst, minlength=len(photos)).astype(float)
    return np.bincount(posted.src, weights=per_photo[posted.dst], minlength=n)


def simulate_recommenders(
    store: Store,
    params: RecommendParams | None = None,
    methods: Sequence[str] = BATCH_METHODS,
    **changes: Any,
) -> SimulationResult:
    """§7 simulation: ``params.sample`` photographers (seeded by ``params.seed``; None =
    all) each get one recommendation per method (BB within ``params.tolerance``); b_recs,
    b_ratio, fav_recs and p_forlorn with 95 % CIs, the comparisons with ``params.n_boot``
    bootstrap resamples.  ``params`` defaults to
    :data:`analysis.recommend_params.SIMULATION_DEFAULTS`; ``changes`` replace some of its
    fields.

    Needs ``User.beauty`` and the user classes ``User.cluster_name`` written by
    ``beautygraph analyze network``; raises ``UserError`` when they are missing.
    """
    params = recommend_params(params, base=SIMULATION_DEFAULTS, **changes)
    with user_errors():
        for m in methods:
            check_method(m, BATCH_METHODS)
    users_tbl, follows = _export_graph(store, ("beauty", "cluster_name"))
    if len(users_tbl) == 0:
        raise UserError("the store holds no users: run `beautygraph load FOLDER` first")
    beauty = users_tbl.props["beauty"]
    names = users_tbl.props["cluster_name"]
    eligible = recsim.eligible_users(beauty)
    if not np.isfinite(np.asarray(beauty, dtype=np.float64)).any():
        from beautygraph.pipelines.scoring import no_beauty_error

        raise no_beauty_error(store, "analyze recommenders")
    if not eligible.any():
        raise UserError(
            "no user has a positive beauty yet: score the photos and run "
            "`beautygraph analyze network` first"
        )
    has_class = np.array([c is not None and str(c) != "" for c in names], dtype=bool)
    if not has_class.any():
        raise UserError(
            "the users have no class yet (User.cluster_name is empty): run "
            "`beautygraph analyze network` first to compute the user classes of §7"
        )
    forlorn = np.array([c is not None and "forlorn" in str(c).lower() for c in names], dtype=bool)
    if not forlorn.any():
        log.warning("no user is in the Forlorn-beauty class; p_forlorn will be 0")
    favs = _favs_received(store, users_tbl)
    idx = recsim.sample_users(eligible, params.sample, params.seed)
    result = recsim.simulate(
        follows.src,
        follows.dst,
        len(users_tbl),
        beauty,
        favs,
        forlorn,
        idx,
        methods=tuple(methods),
        tolerance=params.tolerance,
        n_boot=params.n_boot,
        seed=params.seed,
        max_paths=params.max_paths,
    )
    return SimulationResult(result, users_tbl.ids, int(forlorn.sum()), int(eligible.sum()))
