"""Matching experiments for causal inference: *Beautiful and damned* §6.2.2–§6.2.3.

Two questions are answered on a weekly timeline of (user, week) units:

**Q4 — "beauty inspires beauty".**  For every week ``w`` and every eligible user ``i`` who
created follow links during ``w``: ``i`` is *treated* when at least one new followee
``j`` has higher beauty, ``b̄_w(j) > b̄_w(i)``, and a *control* when ``i`` followed only
accounts with equal or lower beauty (at least one with a defined beauty, none higher).
After balancing the control group on the covariates of Table 1 (:mod:`analysis.balance`),
the outcome is Eq. 4::

    Δb(G) = 1/|G| Σ_{i∈G} b_{w+1}(i) / b̄_w(i)

with 95 % confidence intervals for each group and for the difference treatment − control
(Fig. 9 left).  Variants: exactly ``n`` ∈ {1, 2, 3} links towards higher-beauty accounts
(Fig. 9 right), and new neighbours ``α`` times more beautiful,
``b̄_w(Γ_w(i)) ≥ (1 + α) · b̄_w(i)`` with ``b̄_w(Γ_w(i))`` the mean of Eq. 5 over the
accounts followed in week ``w`` (Eq. 6, Fig. 10).

**Q5 — "imbalance kills".**  For every week ``w`` and eligible user ``i`` active (with
uploads) in ``w``: ``δ = (b̄_w(Γ(i)) − b̄_w(i)) / b̄_w(i)``, the relative deviation of the
mean beauty of ``i``'s followees at the start of ``w`` (Eq. 6 over the full neighbour set)
from ``i``'s own.  Control: ``|δ| ≤ 0.1``; treatment: ``δ ≥ 0.3`` (``imbalance_side``
also allows ``δ ≤ −0.3`` or ``|δ| ≥ 0.3``).  After balancing, the outcome is the share
``p_inact(n)`` of units without any upload in weeks ``w+1 .. w+n`` and the ratio
``p_inact(t) / p_inact(c)`` for ``n = 1 .. 12`` (Fig. 11).

Eligibility (§6.2.2): at least ``min_followees`` followees (over the whole timeline, the
paper's user filter) and uploads in at least ``min_active_weeks`` distinct weeks before
``w``.  All covariates are measured at the start of week ``w`` (events of weeks ``< w``).

Confidence intervals.  A user appears in many weeks, so units are not independent:
every interval is a normal interval with a cluster-robust sandwich variance — for Δb of
the mean and of the difference of means (a user may be in both groups), for the
inactivity ratio of the log ratio (delta method).  By default the variance is two-way
clustered by user and calendar week (Cameron, Gelbach & Miller 2011; ``cluster_week``):
units of different users in the same week share the state of the network at its start
and, for Q5, overlapping follow-up weeks.  No resampling, hence deterministic.

Calibration, measured on 40 generated null communities (30k users, seeds 0–39;
``bench/bench_matching.py --coverage 40``, issue 5 report): the Eq. 4 interval covered 0
in 37/40 runs (across-seed SD of the estimate 0.0021, mean reported SE 0.0019), the
placebo-adjusted one in 37/40; the Q5 intervals covered 1 in 36–39/40 per horizon and
the Bonferroni band over n = 1..12 in 38/40.  The balancing is not a hidden source of
variance: a user-level bootstrap of the whole pipeline (balancing re-run in every
replicate) gave the same SE as the sandwich, and so did clustering by week or by shared
new followee (the SD of 0.0033 once seen over seeds 0–6 was a small-sample accident).
Q5 has a small null bias, log ratio −0.006 at n = 1 (−0.013 at n = 12), about half an
SE: the imbalanced units are slightly more active before ``w`` (SB of the past activity
rate ≈ +0.01…+0.05, inside the 0.25 threshold).  Post-stratifying the controls on that
rate removes it in null data but also removes about 60 % of a planted effect, because
past activity is itself lowered by earlier imbalance (a mediator), so it is not done.
Balancing on own beauty is impossible (SB ≈ −2.7; δ ≥ 0.3 and |δ| ≤ 0.1 barely overlap
in ``b̄_w(i)``) and stratifying on it biases the ratio upwards, so δ's defining
covariates stay out of the Q5 balancing.

Choices the paper leaves open (documented so they can be changed):

* units need the outcome: ``b_{w+1}(i)`` defined for Q4 (an upload with beauty in ``w+1``)
  and a full ``max_inactive_weeks`` follow-up inside the timeline for Q5; the matching is
  done on the units that have it;
* neighbours without photos before ``w`` have no ``b̄_w`` and are left out of Eq. 5–6;
  units whose neighbour beauty is undefined are dropped (counted in ``dropped``);
* neighbours' and new neighbours' "number of photos" are means per neighbour;
* for Q5 the neighbours' average beauty is the treatment variable itself and is therefore
  not a balancing covariate, nor are the (absent) new neighbours.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import numpy as np
import pandas as pd
from scipy import stats

from analysis.balance import BalanceError, BalanceResult, balance_groups, standardized_bias
from analysis.weekly import (
    FollowTimeline,
    WeeklyBeauty,
    active_weeks_before,
    cumulative_before,
    neighbour_sums,
    next_active_week,
    timeline_start,
    user_week_matrix,
    week_index,
    weekly_beauty,
)

__all__ = [
    "COVARIATES",
    "MatchingData",
    "MatchingConfig",
    "GroupEffect",
    "InfluenceResult",
    "ImbalanceResult",
    "MatchingResult",
    "influence_units",
    "imbalance_units",
    "compare_means",
    "compare_proportions",
    "run_influence",
    "run_imbalance",
    "run_matching",
    "talent_normalised_effect",
]

#: Table 1: covariate key -> (category, label).
COVARIATES: dict[str, tuple[str, str]] = {
    "user_indegree": ("User", "Indegree"),
    "user_outdegree": ("User", "Outdegree"),
    "user_photos": ("User", "Number of photos uploaded"),
    "user_groups": ("User", "Number of group memberships"),
    "user_favs_given": ("User", "Number of favorites given"),
    "user_favs_received": ("User", "Number of favorites received"),
    "user_beauty": ("User", "Average photo beauty"),
    "user_weeks_since_join": ("User", "Weeks elapsed from join date"),
    "neighbours_photos": ("Neighbors", "Number of photos uploaded"),
    "neighbours_beauty": ("Neighbors", "Average photo beauty"),
    "new_neighbours_photos": ("New neighbors", "Number of photos uploaded"),
}

#: SB of Table 1 as printed in the paper (first matching experiment).
PAPER_SB: dict[str, float] = {
    "user_indegree": 0.16,
    "user_outdegree": 0.21,
    "user_photos": -0.16,
    "user_groups": 0.21,
    "user_favs_given": 0.18,
    "user_favs_received": 0.17,
    "user_beauty": -0.07,
    "user_weeks_since_join": 0.19,
    "neighbours_photos": 0.18,
    "neighbours_beauty": 0.22,
    "new_neighbours_photos": 0.18,
}


# -- input -------------------------------------------------------------------------------


def _i64(a) -> np.ndarray:
    return np.asarray(a, dtype=np.int64)


@dataclass(frozen=True)
class MatchingData:
    """The events of the timeline as index arrays (users are ``0 .. n_users-1``).

    Weeks are ``analysis.weekly.week_index`` values; ``joined_week`` is -1 where unknown
    (the week of the user's first event is used then); ``group_week`` -1 means "member
    since before the timeline".  ``fav_photo`` indexes the photo arrays.
    ``groups`` (``group_user``/``group_week``) is None when the data has no memberships.
    """

    n_users: int
    n_weeks: int
    follow_src: np.ndarray
    follow_dst: np.ndarray
    follow_week: np.ndarray
    photo_owner: np.ndarray
    photo_week: np.ndarray
    photo_beauty: np.ndarray
    fav_user: np.ndarray
    fav_photo: np.ndarray
    fav_week: np.ndarray
    joined_week: np.ndarray
    group_user: np.ndarray | None = None
    group_week: np.ndarray | None = None
    t0: int | None = None
    dropped: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, w = self.n_users, self.n_weeks
        if n < 1 or w < 2:
            raise ValueError(f"need n_users >= 1 and n_weeks >= 2, got {n}, {w}")
        checks = [
            ("follow_src", self.follow_src, n),
            ("follow_dst", self.follow_dst, n),
            ("follow_week", self.follow_week, w),
            ("photo_owner", self.photo_owner, n),
            ("photo_week", self.photo_week, w),
            ("fav_user", self.fav_user, n),
            ("fav_photo", self.fav_photo, len(self.photo_owner)),
            ("fav_week", self.fav_week, w),
        ]
        if self.group_user is not None:
            checks.append(("group_user", self.group_user, n))
        for name, arr, hi in checks:
            if len(arr) and (arr.min() < 0 or arr.max() >= hi):
                bad = arr[(arr < 0) | (arr >= hi)][0]
                raise ValueError(f"{name} value {int(bad)} outside [0, {hi})")
        lens = {
            "follow": {len(self.follow_src), len(self.follow_dst), len(self.follow_week)},
            "photo": {len(self.photo_owner), len(self.photo_week), len(self.photo_beauty)},
            "favorite": {len(self.fav_user), len(self.fav_photo), len(self.fav_week)},
        }
        for name, sizes in lens.items():
            if len(sizes) != 1:
                raise ValueError(f"{name} arrays differ in length: {sorted(sizes)}")
        if len(self.joined_week) != n:
            raise ValueError(f"joined_week has {len(self.joined_week)} entries for {n} users")
        b = self.photo_beauty[~np.isnan(self.photo_beauty)]
        if len(b) and (b.min() < 0 or b.max() > 1):
            raise ValueError(f"photo beauty outside [0, 1]: {float(b[(b < 0) | (b > 1)][0])}")

    @property
    def has_groups(self) -> bool:
        return self.group_user is not None and len(self.group_user) > 0

    @classmethod
    def from_epoch(
        cls,
        n_users: int,
        follow_src,
        follow_dst,
        follow_created_at,
        photo_owner,
        photo_uploaded_at,
        photo_beauty,
        fav_user,
        fav_photo,
        fav_created_at,
        joined_at,
        group_user=None,
        group_joined_at=None,
        t0: int | None = None,
    ) -> MatchingData:
        """Build from int64 epoch seconds (``MISSING_TIMESTAMP`` = missing).

        ``t0`` defaults to the Monday on or before the earliest timestamp.  Follows,
        photos and favourites without a timestamp cannot be placed on the timeline and
        are dropped (counted in ``dropped``); favourites of dropped photos are dropped.
        """
        fc, pu, vc, ja = map(
            _i64, (follow_created_at, photo_uploaded_at, fav_created_at, joined_at)
        )
        gj = None if group_joined_at is None else _i64(group_joined_at)
        if t0 is None:
            t0 = timeline_start(*(a for a in (fc, pu, vc, ja, gj) if a is not None))
        fw, pw, vw, jw = (week_index(a, t0) for a in (fc, pu, vc, ja))
        gw = None if gj is None else week_index(gj, t0)
        n_weeks = int(max(fw.max(initial=0), pw.max(initial=0), vw.max(initial=0)) + 1)
        n_weeks = max(n_weeks, 2)
        jw = np.where(jw >= n_weeks, n_weeks - 1, jw)
        keep_f, keep_p = fw >= 0, pw >= 0
        photo_map = np.cumsum(keep_p) - 1
        fav_photo = _i64(fav_photo)
        keep_v = (vw >= 0) & keep_p[fav_photo] if len(fav_photo) else vw >= 0
        dropped = {
            "follows_without_time": int((~keep_f).sum()),
            "photos_without_time": int((~keep_p).sum()),
            "favorites_without_time": int((~keep_v).sum()),
        }
        if gw is not None:
            gw = np.where(gw >= n_weeks, n_weeks - 1, gw)
        return cls(
            n_users=int(n_users),
            n_weeks=n_weeks,
            follow_src=_i64(follow_src)[keep_f],
            follow_dst=_i64(follow_dst)[keep_f],
            follow_week=fw[keep_f],
            photo_owner=_i64(photo_owner)[keep_p],
            photo_week=pw[keep_p],
            photo_beauty=np.asarray(photo_beauty, dtype=np.float64)[keep_p],
            fav_user=_i64(fav_user)[keep_v],
            fav_photo=photo_map[fav_photo[keep_v]],
            fav_week=vw[keep_v],
            joined_week=jw,
            group_user=None if group_user is None else _i64(group_user),
            group_week=gw,
            t0=int(t0),
            dropped=dropped,
        )


@dataclass(frozen=True)
class MatchingConfig:
    """Parameters of the experiments (defaults from §6.2)."""

    min_followees: int = 10
    min_active_weeks: int = 12
    threshold: float = 0.25
    prune_fraction: float = 0.01
    #: candidate pool = pool_factor × |G_t| units drawn from the controls (None: all).
    pool_factor: float | None = None
    max_attempts: int = 5
    links: tuple[int, ...] = (1, 2, 3)
    alphas: tuple[float, ...] = tuple(round(0.1 * k, 1) for k in range(11))
    delta_control: float = 0.1
    delta_treatment: float = 0.3
    #: "above": δ ≥ delta_treatment (the paper); "below": δ ≤ −delta_treatment; "both".
    imbalance_side: str = "above"
    max_inactive_weeks: int = 12
    #: variants with fewer treated (or control) units are reported without an estimate.
    min_group: int = 10
    confidence: float = 0.95
    #: Q4 units must upload in week w ("users U_w who have been active during that
    #: week", §6.2.3); this also defines the placebo outcome b_w(i)/b̄_w(i).
    require_active_week: bool = True
    #: Q5 balancing covariates leave out the two that define δ (see module docstring).
    imbalance_exclude: tuple[str, ...] = ("user_beauty", "neighbours_beauty")
    #: confidence intervals two-way clustered by user and week (False: by user only);
    #: see the module docstring.
    cluster_week: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        if self.min_followees < 0 or self.min_active_weeks < 0:
            raise ValueError(
                f"min_followees={self.min_followees} and min_active_weeks="
                f"{self.min_active_weeks} must be >= 0"
            )
        if self.imbalance_side not in ("above", "below", "both"):
            raise ValueError(f"imbalance_side={self.imbalance_side!r}: use above, below or both")
        if not 0 <= self.delta_control < self.delta_treatment:
            raise ValueError(
                f"need 0 <= delta_control ({self.delta_control}) < delta_treatment "
                f"({self.delta_treatment})"
            )
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence={self.confidence} must lie in (0, 1)")
        if self.max_inactive_weeks < 1:
            raise ValueError(f"max_inactive_weeks={self.max_inactive_weeks} must be >= 1")
        if any(n < 1 for n in self.links):
            raise ValueError(f"links={self.links} must be >= 1")
        if any(a < 0 for a in self.alphas):
            raise ValueError(f"alphas={self.alphas} must be >= 0")


# -- derived per-(user, week) state ------------------------------------------------------


class _State:
    """Matrices shared by both experiments (built once, vectorised)."""

    def __init__(self, data: MatchingData) -> None:
        n, w = data.n_users, data.n_weeks
        self.data = data
        self.beauty: WeeklyBeauty = weekly_beauty(
            data.photo_owner, data.photo_week, data.photo_beauty, n, w
        )
        self.uploads = user_week_matrix(data.photo_owner, data.photo_week, n, w).astype(np.int32)
        self.photos_before = cumulative_before(self.uploads)
        self.active_before = active_weeks_before(self.uploads)
        self.timeline = FollowTimeline.from_edges(
            data.follow_src, data.follow_dst, data.follow_week, n, w
        )
        self.out_total = self.timeline.out_degree()
        first = np.full(n, w, dtype=np.int64)
        for u, wk in (
            (data.photo_owner, data.photo_week),
            (data.follow_src, data.follow_week),
            (data.follow_dst, data.follow_week),
            (data.fav_user, data.fav_week),
        ):
            np.minimum.at(first, u, wk)
        jw = np.asarray(data.joined_week, dtype=np.int64)
        self.join_week = np.where(jw >= 0, jw, np.minimum(first, w - 1))

    def count_before(self, user: np.ndarray, week: np.ndarray, qu, qw) -> np.ndarray:
        """Events of each queried user before each queried week (dense cumsum lookup)."""
        m = user_week_matrix(user, week, self.data.n_users, self.data.n_weeks).astype(np.int32)
        return cumulative_before(m)[qu, qw].astype(np.float64)


def _covariates(
    st: _State, users: np.ndarray, weeks: np.ndarray, with_new: bool
) -> dict[str, np.ndarray]:
    """Table 1 covariates of units (users[k], weeks[k]) at the start of their week."""
    d = st.data
    cov: dict[str, np.ndarray] = {}
    cov["user_indegree"] = st.count_before(d.follow_dst, d.follow_week, users, weeks)
    cov["user_outdegree"] = st.count_before(d.follow_src, d.follow_week, users, weeks)
    cov["user_photos"] = st.photos_before[users, weeks].astype(np.float64)
    if d.has_groups:
        gw = np.asarray(d.group_week, dtype=np.int64)
        gu = np.asarray(d.group_user, dtype=np.int64)
        dated = gw >= 0
        # memberships without a date (or before the timeline) count from the start
        always = np.bincount(gu[~dated], minlength=d.n_users)[users].astype(np.float64)
        cov["user_groups"] = always + st.count_before(gu[dated], gw[dated], users, weeks)
    cov["user_favs_given"] = st.count_before(d.fav_user, d.fav_week, users, weeks)
    cov["user_favs_received"] = st.count_before(
        d.photo_owner[d.fav_photo], d.fav_week, users, weeks
    )
    cov["user_beauty"] = st.beauty.b_bar_at(users, weeks)
    cov["user_weeks_since_join"] = (weeks - st.join_week[users]).astype(np.float64)

    def values(t: int) -> np.ndarray:
        return np.column_stack([st.photos_before[:, t].astype(np.float64), st.beauty.b_bar_week(t)])

    sums, n_def, n_nb = neighbour_sums(st.timeline, users, weeks, values, which="before")
    with np.errstate(invalid="ignore", divide="ignore"):
        cov["neighbours_photos"] = np.where(n_nb > 0, sums[:, 0] / np.maximum(n_nb, 1), 0.0)
        cov["neighbours_beauty"] = np.where(
            n_def[:, 1] > 0, sums[:, 1] / np.maximum(n_def[:, 1], 1), np.nan
        )
    if with_new:
        sums, _, n_new = neighbour_sums(
            st.timeline, users, weeks, lambda t: st.photos_before[:, t].astype(np.float64), "new"
        )
        cov["new_neighbours_photos"] = np.where(n_new > 0, sums / np.maximum(n_new, 1), 0.0)
    return cov


def _new_link_comparison(
    st: _State, users: np.ndarray, weeks: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit: links of week w to higher / not-higher beauty accounts, and Eq. 5.

    Returns ``n_higher`` (``b̄_w(j) > b̄_w(i)``), ``n_not_higher`` (``b̄_w(j) <= b̄_w(i)``;
    followees without a defined ``b̄_w(j)`` are in neither) and ``new_mean`` =
    ``b̄_w(Γ_w(i))``.
    """
    tl, wb = st.timeline, st.beauty
    n = len(users)
    n_hi = np.zeros(n, dtype=np.int64)
    n_lo = np.zeros(n, dtype=np.int64)
    s_new = np.zeros(n)
    c_new = np.zeros(n, dtype=np.int64)
    pos = np.full(st.data.n_users, -1, dtype=np.int64)
    order = np.argsort(weeks, kind="stable")
    bounds = np.searchsorted(weeks[order], np.arange(st.data.n_weeks + 1))
    for t in range(st.data.n_weeks):
        idx = order[bounds[t] : bounds[t + 1]]
        if len(idx) == 0:
            continue
        pos[users[idx]] = idx
        e = tl.edges_of_week(t)
        src, dst = tl.edge_src[e], tl.dst[e]
        row = pos[src]
        keep = row >= 0
        row, src, dst = row[keep], src[keep], dst[keep]
        bb = wb.b_bar_week(t)
        bj, bi = bb[dst], bb[src]
        ok = ~np.isnan(bj)
        n_hi += np.bincount(row[ok & (bj > bi)], minlength=n)
        n_lo += np.bincount(row[ok & (bj <= bi)], minlength=n)
        s_new += np.bincount(row[ok], weights=bj[ok], minlength=n)
        c_new += np.bincount(row[ok], minlength=n)
        pos[users[idx]] = -1
    with np.errstate(invalid="ignore", divide="ignore"):
        new_mean = np.where(c_new > 0, s_new / np.maximum(c_new, 1), np.nan)
    return n_hi, n_lo, new_mean


def _eligible(st: _State, users: np.ndarray, weeks: np.ndarray, cfg: MatchingConfig) -> np.ndarray:
    own = st.beauty.b_bar_at(users, weeks)
    return (
        (st.out_total[users] >= cfg.min_followees)
        & (st.active_before[users, weeks] >= cfg.min_active_weeks)
        & (own > 0)
    )


@dataclass
class UnitTable:
    """Candidate units of one experiment: ids, covariates and what defines the groups."""

    frame: pd.DataFrame
    covariates: list[str]
    n_candidates: int
    dropped: dict[str, int]

    def to_frame(self) -> pd.DataFrame:
        return self.frame


def influence_units(data: MatchingData, cfg: MatchingConfig | None = None, _st=None) -> UnitTable:
    """Q4 units: eligible (user, week) pairs that created links in week ``w``.

    Columns: ``user``, ``week``, the Table 1 covariates, ``own_beauty`` (``b̄_w(i)``),
    ``n_higher``, ``n_not_higher``, ``new_mean`` (Eq. 5), ``delta_b``
    (``b_{w+1}(i) / b̄_w(i)``, the summand of Eq. 4) and ``placebo``
    (``b_w(i) / b̄_w(i)``: the same ratio for the week of the link creation, before any
    influence can act; NaN when ``i`` uploaded nothing in ``w``).
    """
    cfg = cfg or MatchingConfig()
    st = _st or _State(data)
    key = np.unique(data.follow_src * data.n_weeks + data.follow_week)
    users, weeks = key // data.n_weeks, key % data.n_weeks
    keep = weeks <= data.n_weeks - 2
    users, weeks = users[keep], weeks[keep]
    n_cand = len(users)
    ok = _eligible(st, users, weeks, cfg)
    dropped = {"not_eligible": int((~ok).sum())}
    users, weeks = users[ok], weeks[ok]
    if cfg.require_active_week:
        active = st.beauty.counts[users, weeks] > 0
        dropped["no_upload_in_week"] = int((~active).sum())
        users, weeks = users[active], weeks[active]
    nxt = st.beauty.b_at(users, weeks + 1)
    has_out = ~np.isnan(nxt)
    dropped["no_upload_next_week"] = int((~has_out).sum())
    users, weeks, nxt = users[has_out], weeks[has_out], nxt[has_out]
    n_hi, n_lo, new_mean = _new_link_comparison(st, users, weeks)
    has_cmp = (n_hi + n_lo) > 0
    dropped["new_followees_without_beauty"] = int((~has_cmp).sum())
    users, weeks, nxt = users[has_cmp], weeks[has_cmp], nxt[has_cmp]
    n_hi, n_lo, new_mean = n_hi[has_cmp], n_lo[has_cmp], new_mean[has_cmp]
    cov = _covariates(st, users, weeks, with_new=True)
    own = cov["user_beauty"]
    frame = pd.DataFrame({"user": users, "week": weeks, **cov})
    frame["own_beauty"] = own
    frame["n_higher"] = n_hi
    frame["n_not_higher"] = n_lo
    frame["new_mean"] = new_mean
    frame["delta_b"] = nxt / own
    frame["placebo"] = st.beauty.b_at(users, weeks) / own
    names = [c for c in COVARIATES if c in cov]
    nan = frame[names].isna().any(axis=1).to_numpy()
    dropped["undefined_covariate"] = int(nan.sum())
    frame = frame.loc[~nan].reset_index(drop=True)
    return UnitTable(frame, names, n_cand, dropped)


def imbalance_units(data: MatchingData, cfg: MatchingConfig | None = None, _st=None) -> UnitTable:
    """Q5 units: eligible (user, week) pairs with uploads in ``w`` and a full follow-up.

    Columns: ``user``, ``week``, covariates, ``own_beauty``, ``delta`` and
    ``inactive_weeks`` (consecutive weeks without uploads after ``w``, capped at the end
    of the timeline).
    """
    cfg = cfg or MatchingConfig()
    st = _st or _State(data)
    last = data.n_weeks - 1 - cfg.max_inactive_weeks
    if last < 0:
        raise ValueError(
            f"the timeline has {data.n_weeks} weeks, too few for a "
            f"{cfg.max_inactive_weeks}-week follow-up"
        )
    users, weeks = np.nonzero(st.uploads[:, : last + 1] > 0)
    users, weeks = users.astype(np.int64), weeks.astype(np.int64)
    n_cand = len(users)
    ok = _eligible(st, users, weeks, cfg)
    dropped = {"not_eligible": int((~ok).sum())}
    users, weeks = users[ok], weeks[ok]
    cov = _covariates(st, users, weeks, with_new=False)
    own, nb = cov["user_beauty"], cov["neighbours_beauty"]
    frame = pd.DataFrame({"user": users, "week": weeks, **cov})
    frame["own_beauty"] = own
    frame["neighbour_beauty"] = nb
    frame["delta"] = (nb - own) / own
    frame["inactive_weeks"] = next_active_week(st.uploads)[users, weeks] - weeks - 1
    names = [c for c in COVARIATES if c in cov and c not in cfg.imbalance_exclude]
    nan = frame[names + ["delta"]].isna().any(axis=1).to_numpy()
    dropped["undefined_neighbour_beauty"] = int(nan.sum())
    frame = frame.loc[~nan].reset_index(drop=True)
    return UnitTable(frame, names, n_cand, dropped)


# -- statistics ----------------------------------------------------------------------------


def _cluster_var(psi: np.ndarray, cluster: np.ndarray) -> float:
    """Sandwich variance ``G/(G−1) Σ_g (Σ_{i∈g} ψ_i)²`` of a linear statistic."""
    _, inv = np.unique(cluster, return_inverse=True)
    g = np.bincount(inv, weights=psi)
    n_g = len(g)
    if n_g < 2:
        return float("nan")
    return float(n_g / (n_g - 1) * np.sum(g**2))


def _twoway_var(psi: np.ndarray, user: np.ndarray, week: np.ndarray | None) -> float:
    """Cluster-robust variance of a linear statistic, by user and (optionally) by week.

    One-way (``week`` None): :func:`_cluster_var` by user.  Two-way (Cameron, Gelbach &
    Miller 2011): ``V_user + V_week − V_(user, week)``, which also allows units of
    different users in the same calendar week to be correlated (they share the state
    of the network at the start of that week and, for Q5, overlapping follow-up weeks).
    When the difference is not positive (possible in finite samples) the larger one-way
    variance is used.
    """
    v_u = _cluster_var(psi, user)
    if week is None:
        return v_u
    v_w = _cluster_var(psi, week)
    v_uw = _cluster_var(psi, np.asarray(user, np.int64) * (int(np.max(week)) + 1) + week)
    v = v_u + v_w - v_uw
    return float(v) if v > 0 else float(max(v_u, v_w))


def compare_means(
    y_t: np.ndarray,
    cluster_t: np.ndarray,
    y_c: np.ndarray,
    cluster_c: np.ndarray,
    confidence: float = 0.95,
    week_t: np.ndarray | None = None,
    week_c: np.ndarray | None = None,
) -> dict[str, float]:
    """Means of two groups and of their difference with cluster-robust normal CIs.

    The influence function of a mean is ``(y_i − ȳ)/n``; of the difference, the
    treatment's minus the control's, summed within clusters (users) shared by both.
    With ``week_t``/``week_c`` the variance is two-way clustered by user and week
    (:func:`_twoway_var`).
    """
    y_t, y_c = np.asarray(y_t, float), np.asarray(y_c, float)
    if len(y_t) < 2 or len(y_c) < 2:
        raise ValueError(f"need >= 2 units per group, got {len(y_t)} and {len(y_c)}")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    mt, mc = float(y_t.mean()), float(y_c.mean())
    psi_t = (y_t - mt) / len(y_t)
    psi_c = (y_c - mc) / len(y_c)
    two = week_t is not None and week_c is not None
    se_t = np.sqrt(_twoway_var(psi_t, cluster_t, week_t if two else None))
    se_c = np.sqrt(_twoway_var(psi_c, cluster_c, week_c if two else None))
    se_d = np.sqrt(
        _twoway_var(
            np.concatenate([psi_t, -psi_c]),
            np.concatenate([cluster_t, cluster_c]),
            np.concatenate([week_t, week_c]) if two else None,
        )
    )
    return {
        "treatment_mean": mt,
        "treatment_ci_low": mt - z * se_t,
        "treatment_ci_high": mt + z * se_t,
        "control_mean": mc,
        "control_ci_low": mc - z * se_c,
        "control_ci_high": mc + z * se_c,
        "diff": mt - mc,
        "diff_se": float(se_d),
        "diff_ci_low": mt - mc - z * se_d,
        "diff_ci_high": mt - mc + z * se_d,
    }


def compare_proportions(
    y_t: np.ndarray,
    cluster_t: np.ndarray,
    y_c: np.ndarray,
    cluster_c: np.ndarray,
    confidence: float = 0.95,
    week_t: np.ndarray | None = None,
    week_c: np.ndarray | None = None,
) -> dict[str, float]:
    """Ratio ``p_t / p_c`` of two proportions with a delta-method CI on ``log(p_t/p_c)``.

    The influence function of ``log p`` is ``(y_i − p)/(n p)``; clusters (users) shared
    by both groups are summed together; with ``week_t``/``week_c`` the variance is
    two-way clustered by user and week (:func:`_twoway_var`).  NaN when a proportion
    is 0.
    """
    y_t, y_c = np.asarray(y_t, float), np.asarray(y_c, float)
    if len(y_t) < 2 or len(y_c) < 2:
        raise ValueError(f"need >= 2 units per group, got {len(y_t)} and {len(y_c)}")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    pt, pc = float(y_t.mean()), float(y_c.mean())
    if pt == 0 or pc == 0:
        return {
            "p_treatment": pt,
            "p_control": pc,
            "ratio": float("nan"),
            "ci_low": float("nan"),
            "ci_high": float("nan"),
        }
    psi = np.concatenate([(y_t - pt) / (len(y_t) * pt), -(y_c - pc) / (len(y_c) * pc)])
    two = week_t is not None and week_c is not None
    se = np.sqrt(
        _twoway_var(
            psi,
            np.concatenate([cluster_t, cluster_c]),
            np.concatenate([week_t, week_c]) if two else None,
        )
    )
    r = pt / pc
    return {
        "p_treatment": pt,
        "p_control": pc,
        "ratio": r,
        "ci_low": float(r * np.exp(-z * se)),
        "ci_high": float(r * np.exp(z * se)),
    }


# -- experiments ---------------------------------------------------------------------------


@dataclass
class GroupEffect:
    """One matched experiment on Δb (Eq. 4): the groups, their balance and the effect.

    ``effect`` / ``ci_low`` / ``ci_high``: Δb(G_t) − Δb(G_c) of Eq. 4 and its CI.
    ``placebo_*``: the same comparison for ``b_w(i) / b̄_w(i)``, the ratio of the week of
    the link creation itself, which the treatment cannot have changed yet; under no
    influence it equals the Eq. 4 difference in expectation, so it measures the bias
    that selection on a noisy ``b̄_w(i)`` (regression to the mean) puts into Eq. 4.
    ``adjusted_*``: the per-unit difference ``b_{w+1}/b̄_w − b_w/b̄_w`` compared between
    the groups (a difference in differences; units without an upload in ``w`` are left
    out), the estimate that removes that bias.
    """

    label: str
    n_treatment: int
    n_control: int
    treatment_delta_b: float = float("nan")
    treatment_ci_low: float = float("nan")
    treatment_ci_high: float = float("nan")
    control_delta_b: float = float("nan")
    control_ci_low: float = float("nan")
    control_ci_high: float = float("nan")
    effect: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    placebo_effect: float = float("nan")
    placebo_ci_low: float = float("nan")
    placebo_ci_high: float = float("nan")
    adjusted_effect: float = float("nan")
    adjusted_ci_low: float = float("nan")
    adjusted_ci_high: float = float("nan")
    mean_abs_sb: float = float("nan")
    max_abs_sb: float = float("nan")
    n_control_pool: int = 0
    note: str = ""
    balance: BalanceResult | None = field(default=None, repr=False)
    #: rows of the unit table (``InfluenceResult.units``) in the treatment and the
    #: balanced control group.
    treatment_rows: np.ndarray | None = field(default=None, repr=False)
    control_rows: np.ndarray | None = field(default=None, repr=False)

    @property
    def estimated(self) -> bool:
        return not np.isnan(self.effect)

    def to_dict(self) -> dict:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("balance", "treatment_rows", "control_rows")
        }


def _match(
    units: pd.DataFrame,
    names: list[str],
    treat: np.ndarray,
    control: np.ndarray,
    cfg: MatchingConfig,
    seed: int,
) -> BalanceResult:
    x_t = units.loc[treat, names].to_numpy(float)
    x_c = units.loc[control, names].to_numpy(float)
    pool = None if cfg.pool_factor is None else int(np.ceil(cfg.pool_factor * len(x_t)))
    return balance_groups(
        x_t,
        x_c,
        names=names,
        threshold=cfg.threshold,
        prune_fraction=cfg.prune_fraction,
        pool_size=pool,
        max_attempts=cfg.max_attempts,
        seed=seed,
    )


def _effect(label: str, units: pd.DataFrame, names, treat, control, cfg, seed) -> GroupEffect:
    n_t, n_c = int(treat.sum()), int(control.sum())
    eff = GroupEffect(label=label, n_treatment=n_t, n_control=0, n_control_pool=n_c)
    if n_t < max(2, cfg.min_group) or n_c < max(2, cfg.min_group):
        eff.note = f"too few units (treatment {n_t}, control {n_c}; min_group={cfg.min_group})"
        return eff
    try:
        bal = _match(units, names, treat, control, cfg, seed)
    except BalanceError as exc:
        eff.note = f"not balanced: {exc}"
        return eff
    t_idx = np.flatnonzero(treat)
    c_idx = np.flatnonzero(control)[bal.control]
    y, u = units["delta_b"].to_numpy(), units["user"].to_numpy()
    wk = units["week"].to_numpy() if cfg.cluster_week else None

    def cmp(yy: np.ndarray, ti: np.ndarray, ci: np.ndarray) -> dict[str, float]:
        return compare_means(
            yy[ti],
            u[ti],
            yy[ci],
            u[ci],
            cfg.confidence,
            None if wk is None else wk[ti],
            None if wk is None else wk[ci],
        )

    res = cmp(y, t_idx, c_idx)
    eff.n_control = len(c_idx)
    eff.treatment_delta_b = res["treatment_mean"]
    eff.treatment_ci_low, eff.treatment_ci_high = res["treatment_ci_low"], res["treatment_ci_high"]
    eff.control_delta_b = res["control_mean"]
    eff.control_ci_low, eff.control_ci_high = res["control_ci_low"], res["control_ci_high"]
    eff.effect, eff.ci_low, eff.ci_high = res["diff"], res["diff_ci_low"], res["diff_ci_high"]
    pl = units["placebo"].to_numpy()
    tt, cc = t_idx[~np.isnan(pl[t_idx])], c_idx[~np.isnan(pl[c_idx])]
    if len(tt) >= 2 and len(cc) >= 2:
        r = cmp(pl, tt, cc)
        eff.placebo_effect = r["diff"]
        eff.placebo_ci_low, eff.placebo_ci_high = r["diff_ci_low"], r["diff_ci_high"]
        r = cmp(y - pl, tt, cc)
        eff.adjusted_effect = r["diff"]
        eff.adjusted_ci_low, eff.adjusted_ci_high = r["diff_ci_low"], r["diff_ci_high"]
    eff.mean_abs_sb, eff.max_abs_sb = bal.mean_abs_sb, bal.max_abs_sb
    eff.balance = bal
    eff.treatment_rows, eff.control_rows = t_idx, c_idx
    return eff


@dataclass
class InfluenceResult:
    """Q4: the main experiment (Fig. 9 left), ``by_links`` (Fig. 9 right), ``by_alpha``
    (Fig. 10) and the balance of the main experiment (Table 1)."""

    main: GroupEffect
    by_links: dict[int, GroupEffect]
    by_alpha: dict[float, GroupEffect]
    n_units: int
    n_candidates: int
    dropped: dict[str, int]
    #: the unit table (one row per (user, week); see :func:`influence_units`).
    units: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def balance(self) -> BalanceResult | None:
        return self.main.balance

    def to_frame(self) -> pd.DataFrame:
        """One row per experiment (``main``, ``links=n``, ``alpha=a``)."""
        rows = [{"experiment": "main", **self.main.to_dict()}]
        rows += [{"experiment": f"links={n}", **e.to_dict()} for n, e in self.by_links.items()]
        rows += [{"experiment": f"alpha={a:g}", **e.to_dict()} for a, e in self.by_alpha.items()]
        return pd.DataFrame(rows)

    def balance_frame(self) -> pd.DataFrame:
        """Table 1 with SB before/after and the paper's SB."""
        return _table1(self.main.balance)


def _table1(bal: BalanceResult | None) -> pd.DataFrame:
    if bal is None:
        return pd.DataFrame(columns=["category", "covariate", "sb_before", "sb_after", "paper_sb"])
    f = bal.to_frame()
    f.insert(0, "category", [COVARIATES[c][0] for c in f["covariate"]])
    f["label"] = [COVARIATES[c][1] for c in f["covariate"]]
    f["paper_sb"] = [PAPER_SB.get(c, np.nan) for c in f["covariate"]]
    return f


def run_influence(
    data: MatchingData, cfg: MatchingConfig | None = None, _st=None, _units=None
) -> InfluenceResult:
    """Q4 "beauty inspires beauty" (§6.2.3, Eq. 4–6, Fig. 9–10).

    Raises
    ------
    ValueError
        When the main experiment has fewer than ``cfg.min_group`` treated or control
        units, or cannot be balanced.
    """
    cfg = cfg or MatchingConfig()
    ut = _units or influence_units(data, cfg, _st)
    u = ut.frame
    n_hi, n_lo = u["n_higher"].to_numpy(), u["n_not_higher"].to_numpy()
    control = (n_hi == 0) & (n_lo > 0)
    main = _effect("main", u, ut.covariates, n_hi >= 1, control, cfg, cfg.seed)
    if not main.estimated:
        raise ValueError(
            f"influence experiment: {main.note} among {len(u)} eligible units "
            f"(dropped: {ut.dropped}); lower min_followees/min_active_weeks or use more data"
        )
    by_links = {
        n: _effect(f"links={n}", u, ut.covariates, n_hi == n, control, cfg, cfg.seed + n)
        for n in cfg.links
    }
    own, new_mean = u["own_beauty"].to_numpy(), u["new_mean"].to_numpy()
    by_alpha = {}
    for k, a in enumerate(cfg.alphas):
        treat = (n_hi >= 1) & (new_mean >= (1.0 + a) * own)
        by_alpha[float(a)] = _effect(
            f"alpha={a:g}", u, ut.covariates, treat, control, cfg, cfg.seed + 100 + k
        )
    return InfluenceResult(main, by_links, by_alpha, len(u), ut.n_candidates, ut.dropped, u)


@dataclass
class ImbalanceResult:
    """Q5: inactivity ratio per horizon ``n`` (Fig. 11) and the balance of the groups."""

    weeks: np.ndarray
    p_treatment: np.ndarray
    p_control: np.ndarray
    ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n_treatment: int
    n_control: int
    n_control_pool: int
    n_units: int
    n_candidates: int
    dropped: dict[str, int]
    balance: BalanceResult | None = field(default=None, repr=False)
    #: SB (before, after) of the covariates left out of the balancing because they
    #: define δ (own and neighbours' beauty) — a diagnostic, not a constraint.
    sb_excluded: dict[str, tuple[float, float]] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Fig. 11: one row per horizon ``n``."""
        return pd.DataFrame(
            {
                "n_weeks": self.weeks,
                "p_inact_treatment": self.p_treatment,
                "p_inact_control": self.p_control,
                "ratio": self.ratio,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
            }
        )

    def balance_frame(self) -> pd.DataFrame:
        """SB before/after of the balanced covariates, then the excluded ones."""
        f = _table1(self.balance)
        rows = [
            {
                "category": COVARIATES[c][0],
                "covariate": c,
                "sb_before": b,
                "sb_after": a,
                "balanced": False,
                "label": COVARIATES[c][1] + " (defines δ, not balanced)",
                "paper_sb": np.nan,
            }
            for c, (b, a) in self.sb_excluded.items()
        ]
        return pd.concat([f, pd.DataFrame(rows)], ignore_index=True) if rows else f


def imbalance_groups(delta: np.ndarray, cfg: MatchingConfig) -> tuple[np.ndarray, np.ndarray]:
    """Treatment / control masks of Q5 from ``δ`` (control ``|δ| <= delta_control``)."""
    control = np.abs(delta) <= cfg.delta_control
    if cfg.imbalance_side == "above":
        treat = delta >= cfg.delta_treatment
    elif cfg.imbalance_side == "below":
        treat = delta <= -cfg.delta_treatment
    else:
        treat = np.abs(delta) >= cfg.delta_treatment
    return treat, control


def run_imbalance(
    data: MatchingData, cfg: MatchingConfig | None = None, _st=None, _units=None
) -> ImbalanceResult:
    """Q5 "imbalance kills" (§6.2.3, Fig. 11).

    Raises
    ------
    ValueError
        When a group has fewer than ``cfg.min_group`` units or cannot be balanced.
    """
    cfg = cfg or MatchingConfig()
    ut = _units or imbalance_units(data, cfg, _st)
    u = ut.frame
    treat, control = imbalance_groups(u["delta"].to_numpy(), cfg)
    n_t, n_c = int(treat.sum()), int(control.sum())
    if n_t < max(2, cfg.min_group) or n_c < max(2, cfg.min_group):
        raise ValueError(
            f"imbalance experiment: too few units (treatment {n_t}, control {n_c}; "
            f"min_group={cfg.min_group}) among {len(u)} eligible units"
        )
    try:
        bal = _match(u, ut.covariates, treat, control, cfg, cfg.seed + 1000)
    except BalanceError as exc:
        raise ValueError(f"imbalance experiment: {exc}") from exc
    t_idx = np.flatnonzero(treat)
    c_idx = np.flatnonzero(control)[bal.control]
    excluded = {}
    for c in cfg.imbalance_exclude:
        if c in u:
            x = u[c].to_numpy(float)
            before = standardized_bias(x[t_idx], x[control])[0]
            excluded[c] = (float(before), float(standardized_bias(x[t_idx], x[c_idx])[0]))
    gap, users = u["inactive_weeks"].to_numpy(), u["user"].to_numpy()
    wk = u["week"].to_numpy()
    wk_tc = (wk[t_idx], wk[c_idx]) if cfg.cluster_week else (None, None)
    ns = np.arange(1, cfg.max_inactive_weeks + 1)
    out = {
        k: np.full(len(ns), np.nan)
        for k in ("p_treatment", "p_control", "ratio", "ci_low", "ci_high")
    }
    for k, n in enumerate(ns):
        y = (gap >= n).astype(float)
        r = compare_proportions(
            y[t_idx], users[t_idx], y[c_idx], users[c_idx], cfg.confidence, *wk_tc
        )
        for key in out:
            out[key][k] = r[key]
    return ImbalanceResult(
        weeks=ns,
        n_treatment=n_t,
        n_control=len(c_idx),
        n_control_pool=n_c,
        n_units=len(u),
        n_candidates=ut.n_candidates,
        dropped=ut.dropped,
        balance=bal,
        sb_excluded=excluded,
        **out,
    )


@dataclass
class MatchingResult:
    """Both experiments of §6.2.3."""

    influence: InfluenceResult
    imbalance: ImbalanceResult
    config: MatchingConfig

    def to_frame(self) -> pd.DataFrame:
        """The influence experiments, one row each (see also ``imbalance.to_frame()``)."""
        return self.influence.to_frame()

    def to_json(self) -> dict:
        """The ``analyze matching --json`` object."""
        m = self.influence.main

        def eff(e: GroupEffect) -> dict:
            return {
                "effect": e.effect,
                "ci_low": e.ci_low,
                "ci_high": e.ci_high,
                "treatment_delta_b": e.treatment_delta_b,
                "control_delta_b": e.control_delta_b,
                "adjusted_effect": e.adjusted_effect,
                "adjusted_ci": [e.adjusted_ci_low, e.adjusted_ci_high],
                "n_treatment": e.n_treatment,
                "n_control": e.n_control,
                "max_abs_sb": e.max_abs_sb,
                "note": e.note,
            }

        im = self.imbalance
        return {
            "influence": {
                "treatment_delta_b": m.treatment_delta_b,
                "treatment_ci": [m.treatment_ci_low, m.treatment_ci_high],
                "control_delta_b": m.control_delta_b,
                "control_ci": [m.control_ci_low, m.control_ci_high],
                "effect": m.effect,
                "ci_low": m.ci_low,
                "ci_high": m.ci_high,
                "placebo_effect": m.placebo_effect,
                "placebo_ci": [m.placebo_ci_low, m.placebo_ci_high],
                "adjusted_effect": m.adjusted_effect,
                "adjusted_ci": [m.adjusted_ci_low, m.adjusted_ci_high],
                "n_treatment": m.n_treatment,
                "n_control": m.n_control,
                "n_control_pool": m.n_control_pool,
                "n_units": self.influence.n_units,
                "dropped": self.influence.dropped,
            },
            "max_abs_sb": m.max_abs_sb,
            "mean_abs_sb": m.mean_abs_sb,
            "sb": {
                row.covariate: {"before": row.sb_before, "after": row.sb_after}
                for row in self.influence.balance_frame().itertuples()
            },
            "by_links": {str(n): eff(e) for n, e in self.influence.by_links.items()},
            "by_alpha": {f"{a:g}": eff(e) for a, e in self.influence.by_alpha.items()},
            "inactivity_ratio": {
                str(int(n)): {"ratio": r, "ci_low": lo, "ci_high": hi}
                for n, r, lo, hi in zip(im.weeks, im.ratio, im.ci_low, im.ci_high, strict=True)
            },
            "imbalance": {
                "n_treatment": im.n_treatment,
                "n_control": im.n_control,
                "n_control_pool": im.n_control_pool,
                "n_units": im.n_units,
                "p_inact_treatment": {
                    str(int(n)): p for n, p in zip(im.weeks, im.p_treatment, strict=True)
                },
                "p_inact_control": {
                    str(int(n)): p for n, p in zip(im.weeks, im.p_control, strict=True)
                },
                "max_abs_sb": im.balance.max_abs_sb if im.balance else None,
                "mean_abs_sb": im.balance.mean_abs_sb if im.balance else None,
            },
            "config": asdict(self.config),
        }


def talent_normalised_effect(
    data: MatchingData, units: pd.DataFrame, effect: GroupEffect, talent: np.ndarray
) -> float:
    """The difference treatment − control of ``mean b_{w+1}(i) / talent_i`` (ground truth).

    For synthetic data whose photo beauty is ``talent × noise × (1 + planted boost)`` with
    mean-one noise, this is the planted effect on exactly the units compared by
    ``effect`` — free of the selection on ``b̄_w`` that Eq. 4 lives with.  ``talent`` is
    one value per user index.
    """
    if effect.treatment_rows is None or effect.control_rows is None:
        return float("nan")
    wb = weekly_beauty(
        data.photo_owner, data.photo_week, data.photo_beauty, data.n_users, data.n_weeks
    )
    u, w = units["user"].to_numpy(), units["week"].to_numpy()
    ratio = wb.b_at(u, w + 1) / np.asarray(talent, dtype=float)[u]
    return float(np.nanmean(ratio[effect.treatment_rows]) - np.nanmean(ratio[effect.control_rows]))


def run_matching(data: MatchingData, cfg: MatchingConfig | None = None) -> MatchingResult:
    """Run Q4 and Q5 on one timeline (the derived matrices are shared)."""
    cfg = cfg or MatchingConfig()
    st = _State(data)
    return MatchingResult(run_influence(data, cfg, st), run_imbalance(data, cfg, st), cfg)
