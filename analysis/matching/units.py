"""Units of the matching experiments (Beautiful and damned §6.2.2): the per-(user, week)
state at the start of each week, the covariates of Table 1 measured there, eligibility,
and the unit tables of Q4 (:func:`influence_units`: treated / control by the beauty of the
new followees) and Q5 (:func:`imbalance_units`: δ of Eq. 6 over the full neighbour set).

See :mod:`analysis.matching` for the notation.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.matching.data import COVARIATES, MatchingConfig, MatchingData
from analysis.weekly import (
    FollowTimeline,
    WeeklyBeauty,
    active_weeks_before,
    cumulative_before,
    neighbour_sums,
    next_active_week,
    user_week_matrix,
    weekly_beauty,
)

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
