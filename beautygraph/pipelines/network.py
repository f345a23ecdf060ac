"""Beauty on the network: §5, §6.1 and the user classes of §7 of Beautiful and damned.

"Cypher plus Python":

1. local aggregations run as Cypher and are written into the graph —
   ``cypher/user_beauty.cypher`` (``User.beauty``, ``User.n_photos``,
   ``User.favs_received``) and ``cypher/neighbor_beauty.cypher``
   (``User.neighbor_beauty``);
2. users, follows, photos and favourites are exported as arrays (``store.export_*``) and
   the same aggregations are recomputed in numpy as a consistency check (they must agree
   to 1e-9);
3. the whole-graph statistics run in ``analysis/`` (inequality, connectivity, majority
   illusion, correlation spectrum, K-means user classes);
4. the classes are written back as ``User.cluster`` / ``User.cluster_name``.

All of it runs in one store transaction (:meth:`graphdb.base.Store.atomic`): the
aggregates written in step 1 are read back in step 2 inside it, and any failure up to the
last write (an analysis that cannot run, Ctrl-C) rolls every write back.  When no photo
has a beauty but users have a stored ``User.beauty`` (imported with ``import-results``),
that beauty is used as it is.

The result is a :class:`~beautygraph.pipelines.network_result.NetworkResult`; its figures
and files (PNG, CSV, ``network.json``) are made by :mod:`beautygraph.outputs.network`,
called by the ``analyze network`` command and the ``network`` report section
(:mod:`beautygraph.sections.network`).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.beauty import favorites_received, neighbor_beauty, user_beauty
from analysis.classes import UserClasses, active_weeks, user_classes
from analysis.connectivity import BinnedMean, Connectivity, connectivity, log_binned_mean
from analysis.inequality import inequality
from analysis.majority import majority_illusion
from analysis.nulls import NullTest, network_nulls
from analysis.spectrum import correlation_spectrum
from beautygraph.errors import UserError, refuse
from beautygraph.pipelines.network_result import PAPER, NetworkResult
from beautygraph.pipelines.scoring import beauty_counts, no_beauty_message
from graphdb.beauty_slots import SCORE_PROPS, photo_score_of_source
from kernel.params import Problem
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from graphdb.base import Store

log = logging.getLogger(__name__)

__all__ = [
    "PAPER",
    "NetworkData",
    "NetworkResult",
    "aggregate_in_cypher",
    "export_network_data",
    "check_against_numpy",
    "write_classes",
    "compute_network",
    "analyze_network",
]

CHECK_TOL = 1e-9

#: permutations of beauty over users for the nulls of every finding (analysis.nulls: under
#: a second for 500 at 3,000 users); the smallest two-sided p is 2 / 501
DEFAULT_PERMUTATIONS = 500
#: permutations drawn as null curves in Fig. 7 (the band), at most
CURVE_PERMUTATIONS = 100


# -- data -------------------------------------------------------------------------------------


@dataclass
class NetworkData:
    """Arrays exported from the store (user index ``i`` is ``user_ids[i]``).

    ``beauty``, ``neighbor_beauty``, ``n_photos`` and ``favs_received`` are the values
    the Cypher aggregations wrote; the photo/favourite arrays allow recomputing them.
    """

    user_ids: np.ndarray
    beauty: np.ndarray
    neighbor_beauty: np.ndarray
    n_photos: np.ndarray
    favs_received: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    photo_owner: np.ndarray
    photo_beauty: np.ndarray
    photo_uploaded_at: np.ndarray
    fav_user: np.ndarray
    fav_photo: np.ndarray
    #: whether ``beauty`` was aggregated from the photos (False: a stored User.beauty,
    #: which no photo score can reproduce, so it is not checked against numpy)
    beauty_from_photos: bool = True

    @property
    def n_users(self) -> int:
        return len(self.user_ids)


# -- steps --------------------------------------------------------------------------------------


def aggregate_in_cypher(store: Store, beauty_source: str | None = None) -> dict:
    """Run ``user_beauty`` (from one ``Photo.beauty_source``:
    :func:`beautygraph.pipelines.scoring.update_user_beauty`) then ``neighbor_beauty``
    (writes User.beauty, beauty_source, n_photos, favs_received, neighbor_beauty); returns
    how many users got a value and the source used."""
    from beautygraph.pipelines.scoring import update_user_beauty

    with store.atomic():
        ub = update_user_beauty(store, beauty_source)
        nb = store.run("neighbor_beauty")
    return {
        "users": int(ub.get("users", 0)),
        "with_beauty": int(ub.get("with_beauty", 0)),
        "with_neighbor_beauty": int(nb[0]["with_neighbor_beauty"]) if nb else 0,
        "beauty_source": ub.get("source"),
    }


def export_network_data(store: Store, beauty_source: str | None = None) -> NetworkData:
    """Export users (with the Cypher-written aggregates), follows, photos and favourites;
    with ``beauty_source``, each photo's score from that source, in whichever slot
    (:func:`graphdb.beauty_slots.photo_score_of_source`; NaN from any other source), as in
    ``cypher/user_beauty.cypher``."""
    users = store.export_nodes("User", ["beauty", "neighbor_beauty", "n_photos", "favs_received"])
    follows = store.export_edges("FOLLOWS", src_nodes=users)
    from beautygraph.pipelines.scoring import STORED

    photos = store.export_nodes("Photo", [*SCORE_PROPS, "uploaded_at"])
    photo_beauty = np.asarray(photos.props["beauty"], dtype=np.float64).copy()
    if beauty_source is not None:
        scores = {k: photos.props[k] for k in SCORE_PROPS}
        photo_beauty = photo_score_of_source(**scores, source=beauty_source)
    posted = store.export_edges("POSTED", src_nodes=users, dst_nodes=photos)
    faved = store.export_edges("FAVORITED", src_nodes=users, dst_nodes=photos)
    n_photo = len(photos)
    owner = np.full(n_photo, -1, dtype=np.int64)
    owner[posted.dst] = posted.src
    has_owner = owner >= 0
    # photos without an owner cannot belong to anybody's mean; keep owned photos only
    keep = np.flatnonzero(has_owner)
    new_index = np.full(n_photo, -1, dtype=np.int64)
    new_index[keep] = np.arange(keep.size)
    fav_keep = has_owner[faved.dst] if len(faved) else np.zeros(0, dtype=bool)
    p = users.props
    return NetworkData(
        user_ids=users.ids,
        beauty=np.asarray(p["beauty"], dtype=np.float64),
        neighbor_beauty=np.asarray(p["neighbor_beauty"], dtype=np.float64),
        n_photos=np.nan_to_num(np.asarray(p["n_photos"], dtype=np.float64)).astype(np.int64),
        favs_received=np.nan_to_num(np.asarray(p["favs_received"], dtype=np.float64)).astype(
            np.int64
        ),
        src=follows.src,
        dst=follows.dst,
        photo_owner=owner[keep],
        photo_beauty=photo_beauty[keep],
        photo_uploaded_at=np.asarray(photos.props["uploaded_at"], dtype=np.int64)[keep],
        fav_user=faved.src[fav_keep],
        fav_photo=new_index[faved.dst[fav_keep]],
        beauty_from_photos=beauty_source != STORED,
    )


def _max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    na, nb = np.isnan(a), np.isnan(b)
    if (na != nb).any():
        return float("inf")
    ok = ~na
    return float(np.max(np.abs(a[ok] - b[ok]))) if ok.any() else 0.0


def check_against_numpy(data: NetworkData) -> dict[str, float]:
    """Max |Cypher − numpy| of each aggregate (``inf`` where NaN patterns differ); a
    stored beauty (not from photos) has no numpy twin and is left out."""
    n = data.n_users
    ub = user_beauty(data.photo_owner, data.photo_beauty, n)
    nb = neighbor_beauty(data.src, data.dst, data.beauty)
    favs = favorites_received(data.fav_user, data.fav_photo, data.photo_owner, n)
    out = {
        "beauty": _max_abs_diff(data.beauty, ub.beauty),
        "neighbor_beauty": _max_abs_diff(data.neighbor_beauty, nb.neighbor_beauty),
        "n_photos": _max_abs_diff(data.n_photos, ub.n_photos),
        "favs_received": _max_abs_diff(data.favs_received, favs),
    }
    if not data.beauty_from_photos:
        del out["beauty"]
    return out


def compute_network(
    data: NetworkData,
    seed: int = 0,
    n_null: int = DEFAULT_PERMUTATIONS,
    k: int | None = None,
    gap_refs: int = 10,
    gap_sample: int | None = 20_000,
    bins: int = 100,
    steps: Steps | None = None,
) -> NetworkResult:
    """All analyses of §5, §6.1 and §7 on exported arrays (no store, no plotting)."""
    steps = as_steps(steps)
    seconds: dict[str, float] = {}
    beauty = data.beauty
    scored = np.isfinite(beauty)
    if not scored.any():
        raise UserError(no_beauty_message(_beauty_counts(data), "analyze network"))

    with steps("checking the Cypher aggregates against numpy") as step:
        check, indeg, outdeg, favpp, weeks = _prepare(data, scored)
    seconds["prepare"] = step.seconds

    with steps("inequality (Fig. 5)") as step:
        ineq = inequality(beauty, favpp)
    seconds["inequality"] = step.seconds

    with steps("connectivity (Q1, Fig. 6)") as step:
        con, b_in, b_out = _connectivity(data, indeg, outdeg)
    seconds["connectivity"] = step.seconds

    with steps("majority illusion (Q2)") as step:
        maj = majority_illusion(data.src, data.dst, beauty)
    seconds["majority"] = step.seconds

    n_curves = min(n_null, CURVE_PERMUTATIONS)
    with steps(f"correlation spectrum with {n_curves} null curves (Eq. 2, Fig. 7)") as step:
        spec = correlation_spectrum(
            data.src, data.dst, beauty, bins=bins, n_null=n_curves, seed=seed
        )
    seconds["spectrum"] = step.seconds

    nulls: dict[str, NullTest] = {}
    if n_null >= 20:
        with steps(f"permutation nulls: {n_null} permutations of beauty over users") as step:
            nulls = network_nulls(
                data.src, data.dst, beauty, indeg, outdeg, n_perm=n_null, seed=seed, bins=bins
            )
        seconds["nulls"] = step.seconds

    with steps("user classes: K-means and the gap statistic (§7)") as step:
        cls = _classes(data, favpp, indeg, weeks, k, gap_refs, gap_sample, seed)
    seconds["classes"] = step.seconds

    return NetworkResult(
        user_ids=data.user_ids,
        beauty=beauty,
        neighbor_beauty=data.neighbor_beauty,
        n_photos=data.n_photos,
        favs_received=data.favs_received,
        fav_per_photo=favpp,
        indegree=indeg,
        outdegree=outdeg,
        weeks=weeks,
        inequality=ineq,
        connectivity=con,
        binned_indegree=b_in,
        binned_outdegree=b_out,
        majority=maj,
        spectrum=spec,
        classes=cls,
        check=check,
        seed=seed,
        seconds=seconds,
        nulls=nulls,
    )


def _prepare(
    data: NetworkData, scored: np.ndarray
) -> tuple[dict[str, float], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Check the Cypher aggregates against numpy, then derive the per-user arrays:
    in- and out-degree, favourites per photo (users with a beauty) and active weeks."""
    n = data.n_users
    check = check_against_numpy(data)
    bad = {k_: v for k_, v in check.items() if not v <= CHECK_TOL}
    if bad:
        log.warning("Cypher and numpy aggregates differ: %s", bad)
    indeg = np.bincount(data.dst, minlength=n).astype(np.int64)
    outdeg = np.bincount(data.src, minlength=n).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        favpp = np.where(
            data.n_photos > 0, data.favs_received / np.maximum(data.n_photos, 1), np.nan
        )
    favpp = np.where(scored, favpp, np.nan)
    if not np.isfinite(favpp).any():
        raise UserError(_no_photos_message(data))
    weeks = active_weeks(data.photo_owner, data.photo_uploaded_at, n)
    return check, indeg, outdeg, favpp, weeks


def _connectivity(
    data: NetworkData, indeg: np.ndarray, outdeg: np.ndarray
) -> tuple[Connectivity, BinnedMean, BinnedMean]:
    """Spearman ρ of beauty against each connectivity measure and the log-binned mean
    beauty by in- and out-degree (Q1, Fig. 6)."""
    beauty = data.beauty
    con = connectivity(
        beauty,
        {
            "indegree": indeg,
            "outdegree": outdeg,
            "favorites": data.favs_received,
            "photos": data.n_photos,
        },
    )
    b_in = log_binned_mean(indeg, beauty, min_count=5)
    b_out = log_binned_mean(outdeg, beauty, min_count=5)
    return con, b_in, b_out


def _classes(
    data: NetworkData,
    favpp: np.ndarray,
    indeg: np.ndarray,
    weeks: np.ndarray,
    k: int | None,
    gap_refs: int,
    gap_sample: int | None,
    seed: int,
) -> UserClasses:
    """User classes by K-means, K fixed or chosen by the gap statistic (§7)."""
    beauty = data.beauty
    n_scored = int(np.isfinite(beauty).sum())
    if k is not None and k > n_scored:
        refuse(
            [Problem(("k",), (k,), f"is larger than the number of users with beauty ({n_scored})")]
        )
    ks = [v for v in range(2, 11) if v <= n_scored]
    if k is None and len(ks) < 2:
        raise UserError(
            f"only {n_scored} users have a beauty: too few to choose K by the gap statistic"
        )
    return user_classes(
        beauty,
        favpp,
        indeg.astype(np.float64),
        n_photos=data.n_photos,
        weeks=weeks,
        k=k,
        ks=ks,
        n_refs=gap_refs,
        gap_sample=gap_sample,
        seed=seed,
    )


def _beauty_counts(data: NetworkData) -> dict[str, int]:
    """What the exported arrays hold, in :func:`scoring.beauty_counts`'s keys."""
    return {
        "users": data.n_users,
        "users_with_beauty": int(np.isfinite(data.beauty).sum()),
        "photos": int(len(data.photo_beauty)),
        "photos_with_beauty": int(np.isfinite(data.photo_beauty).sum()),
    }


def _no_photos_message(data: NetworkData) -> str:
    """Why a User.beauty alone (imported, no photos) is not enough for this analysis."""
    n_beauty = int(np.isfinite(data.beauty).sum())
    return (
        f"{n_beauty} users have a beauty, but none of them has photos: the inequality of "
        "favourites per photo (Fig. 5) and the user classes of §7 are built on each user's "
        f"photos, and the store holds {len(data.photo_beauty)} photos owned by users. Give "
        "the users their photos (photos.csv, `beautygraph load`), or use what needs a "
        "User.beauty alone: `beautygraph recommend USER --method bb`, `beautygraph "
        "recommend --all --method bb`, `beautygraph beauty-aggregates` (neighbor_beauty)"
    )


def write_classes(store: Store, result: NetworkResult) -> int:
    """Write ``User.cluster`` / ``User.cluster_name`` (cleared for users without a class)."""
    labels = result.classes.labels
    frame = pd.DataFrame(
        {
            "id": result.user_ids,
            "cluster": pd.array(np.where(labels >= 0, labels, 0), dtype="Int64"),
            "cluster_name": result.cluster_names(),
        }
    )
    frame.loc[labels < 0, "cluster"] = pd.NA
    return store.write_node_props("User", frame)


def analyze_network(
    store: Store,
    seed: int = 0,
    steps: Steps | None = None,
    n_null: int = DEFAULT_PERMUTATIONS,
    k: int | None = None,
    gap_refs: int = 10,
    gap_sample: int | None = 20_000,
    bins: int = 100,
    beauty_source: str | None = None,
) -> NetworkResult:
    """Run §5, §6.1 and §7 on the store and write the user classes back.

    Parameters
    ----------
    store : graphdb.base.Store
    seed : seeds the null permutations, the gap reference sets and K-means
    steps : progress and timing (:mod:`kernel.steps`), one stage per analysis
    n_null : permutations of beauty for the nulls of every finding (0: none; else >= 20)
    k : fixed number of user classes (default: the gap statistic over K = 2..10)
    gap_refs, gap_sample : reference sets and sample size of the gap statistic
    bins : bins of the correlation spectrum (the paper uses 100)
    beauty_source : the ``Photo.beauty_source`` User.beauty is computed from (needed
        when the photos carry beauty from several sources)
    """
    refuse(_argument_problems(n_null, k))
    counts = beauty_counts(store)
    if counts["users"] == 0:
        raise UserError("the store holds no users: run `beautygraph load FOLDER` first")
    if not counts["users_with_beauty"] and not counts["photos_with_beauty"]:
        raise UserError(no_beauty_message(counts, "analyze network"))
    with store.atomic():  # every write below, or none of them
        return _analyze_network(
            store, seed, as_steps(steps), n_null, k, gap_refs, gap_sample, bins, beauty_source
        )


def _argument_problems(n_null: int, k: int | None) -> list[Problem]:
    """The rules on the number of permutations and a fixed K."""
    problems = []
    if n_null != 0 and n_null < 20:
        problems.append(Problem(("n_null",), (n_null,), "must be 0 (no nulls) or >= 20"))
    if k is not None and not 1 <= k <= 50:
        problems.append(Problem(("k",), (k,), "must lie in 1..50"))
    return problems


def _analyze_network(
    store: Store,
    seed: int,
    steps: Steps,
    n_null: int,
    k: int | None,
    gap_refs: int,
    gap_sample: int | None,
    bins: int,
    beauty_source: str | None,
) -> NetworkResult:
    """:func:`analyze_network` inside its transaction (arguments checked)."""
    with steps("Cypher: user beauty and neighbour beauty") as step:
        counts = aggregate_in_cypher(store, beauty_source)
    t_cypher = step.seconds
    with steps("exporting users, follows, photos and favourites") as step:
        data = export_network_data(store, counts["beauty_source"])
    t_export = step.seconds
    result = compute_network(
        data,
        seed=seed,
        n_null=n_null,
        k=k,
        gap_refs=gap_refs,
        gap_sample=gap_sample,
        bins=bins,
        steps=steps,
    )
    with steps("writing User.cluster / User.cluster_name") as step:
        write_classes(store, result)
    seconds = {"cypher": t_cypher, "export": t_export, **result.seconds}
    return replace(result, seconds={**seconds, "write_back": step.seconds})
