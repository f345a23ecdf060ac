"""The weekly timeline and per-week beauty of users and of their neighbourhoods.

The matching experiments of *Beautiful and damned* (§6.2.3) partition the timeline into
weeks and use, for a user ``i`` and a week ``t``:

* ``b_t(i)`` — the mean beauty of the photos ``i`` uploaded **in** week ``t`` (the
  numerator of Eq. 4, undefined when ``i`` uploaded nothing scored that week);
* ``b̄_t(i)`` — the mean beauty of all photos ``i`` uploaded **before** week ``t``, i.e. in
  weeks ``0 .. t-1`` (the denominator of Eq. 4: "all its photos posted prior to the link
  creation event"; photos of week ``t`` itself are excluded so that the quantity is
  measured at the start of the week, like every covariate of Table 1);
* ``b̄_t(Γ(i))`` — the mean of ``b̄_t(j)`` over a neighbour set ``Γ(i)`` (Eq. 5–6), either
  the followees ``i`` had at the start of week ``t`` (``which="before"``, the "full
  neighbour set" of the imbalance experiment) or the accounts ``i`` started to follow in
  week ``t`` (``which="new"``, ``Γ_t(i)`` of Eq. 5).  Neighbours without any scored photo
  before ``t`` have no ``b̄_t(j)`` and are left out of the mean (and counted separately).

Everything is vectorised: per-(user, week) sums are built with ``np.bincount`` on a flat
index, cumulative "before week t" values with an exclusive ``cumsum`` along weeks, and the
neighbour aggregates with one sparse matrix product per week (the sparsity structure is
fixed, only the edge weights ``created_week < t`` change).  There is no loop over users;
the only Python loop is over weeks.

These are the "per-week variants" of the network analyses as well.

Example
-------
>>> import numpy as np
>>> owner = np.array([0, 0, 0]); week = np.array([0, 1, 2]); beauty = np.array([.2, .4, .9])
>>> wb = weekly_beauty(owner, week, beauty, n_users=1, n_weeks=3)
>>> wb.b_bar()[0].round(2).tolist()      # before week 0, 1, 2, and over all weeks
[nan, 0.2, 0.3, 0.5]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = [
    "SECONDS_PER_WEEK",
    "MISSING_TIMESTAMP",
    "timeline_start",
    "week_index",
    "user_week_matrix",
    "cumulative_before",
    "WeeklyBeauty",
    "weekly_beauty",
    "FollowTimeline",
    "NeighbourStats",
    "neighbour_sums",
    "neighbour_beauty",
    "active_weeks_before",
    "next_active_week",
]

SECONDS_PER_WEEK = 604_800
#: 1970-01-05 00:00 UTC, the first Monday of the Unix epoch.
_FIRST_MONDAY = 345_600
#: how ``graphdb`` exports a missing timestamp.
MISSING_TIMESTAMP = np.iinfo(np.int64).min


def _valid(ts: np.ndarray) -> np.ndarray:
    return ts != MISSING_TIMESTAMP


def timeline_start(*timestamps: np.ndarray) -> int:
    """``t0``: the Monday 00:00 UTC on or before the earliest timestamp given.

    Parameters
    ----------
    *timestamps
        Arrays of int64 epoch seconds (``MISSING_TIMESTAMP`` entries are ignored).

    Raises
    ------
    ValueError
        If no array holds a valid timestamp.
    """
    lows = [int(a[_valid(a)].min()) for a in map(np.asarray, timestamps) if _valid(a).any()]
    if not lows:
        raise ValueError("no valid timestamp to start the weekly timeline from")
    first = min(lows)
    return first - ((first - _FIRST_MONDAY) % SECONDS_PER_WEEK)


def week_index(epoch_seconds: np.ndarray, t0: int, missing: int = -1) -> np.ndarray:
    """Week of each timestamp: ``(t - t0) // 604800`` (docs/ARCHITECTURE.md, "Time").

    Parameters
    ----------
    epoch_seconds
        int64 epoch seconds; ``MISSING_TIMESTAMP`` entries get ``missing``.
    t0
        Start of week 0, normally :func:`timeline_start` of the whole data set.
    missing
        Week given to missing timestamps.

    Raises
    ------
    ValueError
        If a valid timestamp lies before ``t0``.
    """
    ts = np.asarray(epoch_seconds, dtype=np.int64)
    ok = _valid(ts)
    if (ts[ok] < t0).any():
        bad = int(ts[ok][ts[ok] < t0][0])
        raise ValueError(f"timestamp {bad} lies before the timeline start t0={t0}")
    out = np.full(ts.shape, missing, dtype=np.int64)
    out[ok] = (ts[ok] - t0) // SECONDS_PER_WEEK
    return out


def _check_index(name: str, idx: np.ndarray, n: int) -> None:
    if len(idx) and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)][0]
        raise ValueError(f"{name} value {int(bad)} outside [0, {n})")


def user_week_matrix(
    user: np.ndarray,
    week: np.ndarray,
    n_users: int,
    n_weeks: int,
    values: np.ndarray | None = None,
) -> np.ndarray:
    """Dense ``(n_users, n_weeks)`` matrix of event counts (or of summed ``values``).

    Entry ``[i, t]`` counts the events of user ``i`` in week ``t``; with ``values`` it
    is their sum (NaN values are skipped).  Built with one ``np.bincount``.
    """
    user = np.asarray(user, dtype=np.int64)
    week = np.asarray(week, dtype=np.int64)
    if user.shape != week.shape:
        raise ValueError(f"user and week differ in length: {len(user)} != {len(week)}")
    _check_index("user", user, n_users)
    _check_index("week", week, n_weeks)
    flat = user * n_weeks + week
    if values is None:
        out = np.bincount(flat, minlength=n_users * n_weeks).astype(np.int64)
    else:
        values = np.asarray(values, dtype=np.float64)
        keep = ~np.isnan(values)
        out = np.bincount(flat[keep], weights=values[keep], minlength=n_users * n_weeks)
    return out.reshape(n_users, n_weeks)


def cumulative_before(matrix: np.ndarray) -> np.ndarray:
    """Exclusive cumulative sum along weeks: ``out[:, t] = matrix[:, :t].sum(1)``.

    The result has ``n_weeks + 1`` columns; column ``t`` is the total *before* week
    ``t`` (column 0 is zero, the last column the total over the whole timeline).
    """
    out = np.zeros((matrix.shape[0], matrix.shape[1] + 1), dtype=matrix.dtype)
    np.cumsum(matrix, axis=1, out=out[:, 1:])
    return out


@dataclass(frozen=True)
class WeeklyBeauty:
    """Per-user, per-week photo beauty (§6.2.3, Eq. 4).

    Attributes
    ----------
    sums, counts
        ``(n_users, n_weeks)``: summed beauty and number of scored photos per week.
    cum_sums, cum_counts
        ``(n_users, n_weeks + 1)``: the same before each week (:func:`cumulative_before`).
    """

    sums: np.ndarray
    counts: np.ndarray
    cum_sums: np.ndarray
    cum_counts: np.ndarray

    @property
    def n_users(self) -> int:
        return self.sums.shape[0]

    @property
    def n_weeks(self) -> int:
        return self.sums.shape[1]

    def b_t(self) -> np.ndarray:
        """``b_t(i)``: mean beauty of the photos uploaded in week ``t`` (NaN if none)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.counts > 0, self.sums / np.maximum(self.counts, 1), np.nan)

    def b_bar(self) -> np.ndarray:
        """``b̄_t(i)`` for ``t = 0 .. n_weeks``: mean beauty of the photos before week ``t``.

        Column ``n_weeks`` is the mean over the whole timeline (the user beauty of §5).
        """
        c = self.cum_counts
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(c > 0, self.cum_sums / np.maximum(c, 1), np.nan)

    def b_at(self, users: np.ndarray, weeks: np.ndarray) -> np.ndarray:
        """``b_t(i)`` at the given (user, week) pairs (NaN where undefined)."""
        c = self.counts[users, weeks]
        s = self.sums[users, weeks]
        return np.where(c > 0, s / np.maximum(c, 1), np.nan)

    def b_bar_at(self, users: np.ndarray, weeks: np.ndarray) -> np.ndarray:
        """``b̄_t(i)`` at the given (user, week) pairs (NaN where undefined)."""
        c = self.cum_counts[users, weeks]
        s = self.cum_sums[users, weeks]
        return np.where(c > 0, s / np.maximum(c, 1), np.nan)

    def b_bar_week(self, week: int) -> np.ndarray:
        """``b̄_week(j)`` of every user (one column of :meth:`b_bar`, NaN where undefined)."""
        c = self.cum_counts[:, week]
        return np.where(c > 0, self.cum_sums[:, week] / np.maximum(c, 1), np.nan)


def weekly_beauty(
    owner: np.ndarray,
    week: np.ndarray,
    beauty: np.ndarray,
    n_users: int,
    n_weeks: int,
) -> WeeklyBeauty:
    """Build :class:`WeeklyBeauty` from photos (owner index, upload week, beauty).

    Photos with NaN beauty (not scored) are ignored; photos with a missing week (< 0)
    are refused.
    """
    beauty = np.asarray(beauty, dtype=np.float64)
    if len(beauty) != len(owner):
        raise ValueError(f"beauty and owner differ in length: {len(beauty)} != {len(owner)}")
    keep = ~np.isnan(beauty)
    owner = np.asarray(owner, dtype=np.int64)[keep]
    week = np.asarray(week, dtype=np.int64)[keep]
    beauty = beauty[keep]
    sums = user_week_matrix(owner, week, n_users, n_weeks, values=beauty)
    counts = user_week_matrix(owner, week, n_users, n_weeks).astype(np.int32)
    return WeeklyBeauty(sums, counts, cumulative_before(sums), cumulative_before(counts))


def active_weeks_before(upload_counts: np.ndarray) -> np.ndarray:
    """``(n_users, n_weeks + 1)``: number of distinct weeks with uploads before week ``t``."""
    return cumulative_before((upload_counts > 0).astype(np.int32))


def next_active_week(upload_counts: np.ndarray) -> np.ndarray:
    """``(n_users, n_weeks)``: first week ``> t`` with an upload, ``n_weeks`` if none.

    User ``i`` stays inactive for ``n`` consecutive weeks after ``t`` exactly when
    ``next_active_week[i, t] > t + n``.
    """
    n_users, n_weeks = upload_counts.shape
    cols = np.arange(n_weeks, dtype=np.int32)
    mark = np.where(upload_counts > 0, cols[None, :], n_weeks).astype(np.int32)
    # minimum over weeks >= t, then shift by one to get weeks > t
    rev_min = np.minimum.accumulate(mark[:, ::-1], axis=1)[:, ::-1]
    out = np.full((n_users, n_weeks), n_weeks, dtype=np.int32)
    out[:, :-1] = rev_min[:, 1:]
    return out


@dataclass(frozen=True)
class FollowTimeline:
    """Timestamped follow edges ``src -> dst`` in week ``week``, indexed two ways.

    ``matrix`` is a CSR matrix ``(n_users, n_users)`` with one stored entry per edge
    (its data are overwritten per week by :func:`neighbour_sums`); ``edge_week`` is
    aligned with ``matrix.indices``.  ``by_week`` lists edge positions (into the CSR
    order) sorted by week, with ``week_ptr[t]:week_ptr[t+1]`` the edges of week ``t``.
    """

    n_users: int
    n_weeks: int
    matrix: sp.csr_matrix
    edge_week: np.ndarray
    edge_src: np.ndarray
    by_week: np.ndarray
    week_ptr: np.ndarray

    @classmethod
    def from_edges(
        cls, src: np.ndarray, dst: np.ndarray, week: np.ndarray, n_users: int, n_weeks: int
    ) -> FollowTimeline:
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        week = np.asarray(week, dtype=np.int64)
        if not (len(src) == len(dst) == len(week)):
            raise ValueError(f"src/dst/week lengths differ: {len(src)}, {len(dst)}, {len(week)}")
        _check_index("follow src", src, n_users)
        _check_index("follow dst", dst, n_users)
        _check_index("follow week", week, n_weeks)
        order = np.lexsort((week, dst, src))
        src, dst, week = src[order], dst[order], week[order]
        indptr = np.zeros(n_users + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n_users), out=indptr[1:])
        matrix = sp.csr_matrix(
            (np.ones(len(src)), dst, indptr), shape=(n_users, n_users), copy=False
        )
        by_week = np.argsort(week, kind="stable")
        week_ptr = np.zeros(n_weeks + 1, dtype=np.int64)
        np.cumsum(np.bincount(week, minlength=n_weeks), out=week_ptr[1:])
        return cls(n_users, n_weeks, matrix, week, src, by_week, week_ptr)

    @property
    def dst(self) -> np.ndarray:
        return self.matrix.indices

    def edges_of_week(self, week: int) -> np.ndarray:
        """Positions (CSR order) of the edges created in ``week``."""
        return self.by_week[self.week_ptr[week] : self.week_ptr[week + 1]]

    def out_degree(self) -> np.ndarray:
        """Number of followees of each user over the whole timeline."""
        return np.diff(self.matrix.indptr)


@dataclass(frozen=True)
class NeighbourStats:
    """Neighbour aggregates for a list of (user, week) units.

    ``mean`` is ``b̄_t(Γ(i))`` of Eq. 5–6 (NaN when no neighbour has a defined value),
    ``n_defined`` the neighbours that entered the mean, ``n_neighbours`` all of them.
    """

    mean: np.ndarray
    n_defined: np.ndarray
    n_neighbours: np.ndarray


def _units_by_week(unit_week: np.ndarray, n_weeks: int) -> Iterator[tuple[int, np.ndarray]]:
    order = np.argsort(unit_week, kind="stable")
    bounds = np.searchsorted(unit_week[order], np.arange(n_weeks + 1))
    for t in range(n_weeks):
        if bounds[t + 1] > bounds[t]:
            yield t, order[bounds[t] : bounds[t + 1]]


def neighbour_sums(
    timeline: FollowTimeline,
    unit_user: np.ndarray,
    unit_week: np.ndarray,
    values_at: Callable[[int], np.ndarray],
    which: str = "before",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum neighbour values over ``Γ(i)`` for each (user, week) unit.

    Parameters
    ----------
    timeline
        The follow edges.
    unit_user, unit_week
        The units ``(i, t)``.
    values_at
        ``values_at(t)`` returns, for week ``t``, one value per user (shape
        ``(n_users,)`` or ``(n_users, k)``); NaN marks an undefined value.
    which
        ``"before"``: followees at the start of week ``t`` (edges created in weeks
        ``< t``); ``"new"``: the accounts followed during week ``t`` (``Γ_t(i)``, Eq. 5);
        ``"through"``: followees at the end of week ``t`` (weeks ``<= t``).

    Returns
    -------
    sums, n_defined, n_neighbours
        ``sums`` / ``n_defined`` have the shape of the values (per unit); NaNs are
        skipped, ``n_neighbours`` counts all neighbours.
    """
    if which not in ("before", "new", "through"):
        raise ValueError(f"which={which!r} must be 'before', 'new' or 'through'")
    unit_user = np.asarray(unit_user, dtype=np.int64)
    unit_week = np.asarray(unit_week, dtype=np.int64)
    if unit_user.shape != unit_week.shape:
        raise ValueError(f"unit_user and unit_week differ: {unit_user.shape} != {unit_week.shape}")
    _check_index("unit user", unit_user, timeline.n_users)
    _check_index("unit week", unit_week, timeline.n_weeks)
    n = len(unit_user)
    sums: np.ndarray | None = None
    n_def: np.ndarray | None = None
    n_nb = np.zeros(n, dtype=np.int64)
    mat = timeline.matrix.copy()
    indices = mat.indices
    for t, idx in _units_by_week(unit_week, timeline.n_weeks):
        vals = np.asarray(values_at(t), dtype=np.float64)
        two_d = vals.ndim == 2
        v = vals if two_d else vals[:, None]
        defined = ~np.isnan(v)
        stacked = np.hstack([np.where(defined, v, 0.0), defined.astype(np.float64)])
        users = unit_user[idx]
        if which == "new":
            e = timeline.edges_of_week(t)
            src, dst = timeline.edge_src[e], indices[e]
            uniq, inv = np.unique(users, return_inverse=True)
            pos = np.full(timeline.n_users, -1, dtype=np.int64)
            pos[uniq] = np.arange(len(uniq))
            keep = pos[src] >= 0
            rows = pos[src[keep]]
            agg = np.zeros((len(uniq), stacked.shape[1]))
            np.add.at(agg, rows, stacked[dst[keep]])
            agg = agg[inv]
            cnt = np.bincount(rows, minlength=len(uniq))[inv]
        else:
            mat.data = (
                timeline.edge_week < t if which == "before" else timeline.edge_week <= t
            ).astype(np.float64)
            # rows of the units only: slice the CSR rows, then one sparse product
            sub = mat[users]
            agg = np.asarray(sub @ stacked)
            cnt = np.asarray(sub.sum(axis=1)).ravel().astype(np.int64)
        k = v.shape[1]
        if sums is None or n_def is None:
            sums = np.zeros((n, k))
            n_def = np.zeros((n, k), dtype=np.int64)
        sums[idx] = agg[:, :k]
        n_def[idx] = np.rint(agg[:, k:]).astype(np.int64)
        n_nb[idx] = cnt
    if sums is None or n_def is None:  # no units: shapes from the values of week 0
        probe = np.asarray(values_at(0), dtype=np.float64)
        two_d = probe.ndim == 2
        k = probe.shape[1] if two_d else 1
        sums = np.zeros((0, k))
        n_def = np.zeros((0, k), dtype=np.int64)
    if not two_d:
        sums, n_def = sums[:, 0], n_def[:, 0]
    return sums, n_def, n_nb


def neighbour_beauty(
    timeline: FollowTimeline,
    beauty: WeeklyBeauty,
    unit_user: np.ndarray,
    unit_week: np.ndarray,
    which: str = "before",
) -> NeighbourStats:
    """``b̄_t(Γ(i)) = 1/|Γ(i)| Σ_{j∈Γ(i)} b̄_t(j)`` (Eq. 5–6) for each unit ``(i, t)``.

    ``Γ(i)`` is chosen by ``which`` (see :func:`neighbour_sums`); ``b̄_t(j)`` is the mean
    beauty of ``j``'s photos before week ``t``.  Neighbours without photos before ``t``
    are left out of the mean; the mean is NaN when none is left.
    """
    sums, n_def, n_nb = neighbour_sums(timeline, unit_user, unit_week, beauty.b_bar_week, which)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_def > 0, sums / np.maximum(n_def, 1), np.nan)
    return NeighbourStats(mean=mean, n_defined=n_def, n_neighbours=n_nb)
