"""Inputs of the matching experiments (Beautiful and damned §6.2.2): the event arrays
(:class:`MatchingData`), the design parameters (:class:`MatchingConfig`) and the covariates
of Table 1 (:data:`COVARIATES`, with the paper's standardised biases :data:`PAPER_SB`).

See :mod:`analysis.matching` for the experiments and the paper-to-code notation.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analysis.weekly import (
    timeline_start,
    week_index,
)

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
