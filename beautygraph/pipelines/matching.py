"""Matching experiments of Beautiful and damned §6.2 wired to the store.

1. export users (``joined_at``), ``FOLLOWS {created_at}``, ``POSTED``, photos
   (``uploaded_at``, ``beauty``), ``FAVORITED {created_at}`` and, when present,
   ``MEMBER_OF {joined_at}`` with ``store.export_nodes`` / ``store.export_edges``;
2. turn timestamps into weeks (:mod:`analysis.weekly`) and run both experiments
   (:func:`analysis.matching.run_matching`): Q4 "beauty inspires beauty" (Fig. 9–10) and
   Q5 "imbalance kills" (Fig. 11), each balanced with the SB pruning of §6.2.2 (Table 1);
3. return a :class:`MatchingRun`; ``matching.json``, the tables (CSV) and the figures
   (PNG) are made by :mod:`beautygraph.outputs.matching`, called by the
   ``analyze matching`` command and the ``matching`` report section
   (:mod:`beautygraph.sections.matching`).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.matching import (
    MatchingConfig,
    MatchingData,
    MatchingResult,
    run_matching,
)
from beautygraph.artifacts import Comparison
from beautygraph.errors import UserError, user_errors
from beautygraph.strict_json import to_plain
from graphdb.tables import EdgeTable, NodeTable
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from graphdb.base import Store

log = logging.getLogger(__name__)

__all__ = [
    "PAPER",
    "MatchingRun",
    "export_matching_data",
    "analyze_matching",
]

#: the paper's numbers (§6.2.3, Table 1, Fig. 9 and 11)
PAPER: dict[str, Any] = {
    "treatment_increase": 0.02,  # +2 % Δb in the treatment group
    "control_increase": "no significant change",
    "mean_abs_sb": 0.18,
    "max_abs_sb": 0.25,  # every covariate under the threshold
    "inactivity_first": 1.05,  # +5 % at n = 1
    "inactivity_last": 1.20,  # +20 % at n = 12
}


@dataclass(frozen=True)
class MatchingRun:
    """The result, the exported data it came from and the stages' seconds; its
    :meth:`to_json` is what ``analyze matching --json`` prints."""

    result: MatchingResult
    data: MatchingData
    user_ids: np.ndarray | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """:meth:`MatchingResult.to_json` with the size of the timeline and the seconds
        (NaN becomes null): ``analyze matching --json`` and ``matching.json``."""
        out = self.result.to_json()
        out["n_users"] = self.data.n_users
        out["n_weeks"] = self.data.n_weeks
        out["seconds"] = self.seconds
        return to_plain(out)

    def headline(self) -> dict[str, Any]:
        """The same object as :meth:`to_json`."""
        return self.to_json()

    def comparisons(self, synthetic: bool = False) -> list[Comparison]:
        """Paper value beside the measured one; ``comparable`` says whether they can be set
        side by side (generated data: no — the generator plants the paper's effects)."""
        same = (
            "no: synthetic data with the paper's effect planted"
            if synthetic
            else "yes: same protocol, different data (the paper: Flickr)"
        )
        return _influence_rows(self.result, same) + _imbalance_rows(self.result.imbalance, same)


def _pct(x: float) -> str:
    """A ratio as a signed percent change, "n/a" when undefined."""
    return f"{100 * (x - 1):+.2f} %" if np.isfinite(x) else "n/a"


def _ratio_at(im, n: int) -> str:
    """The inactivity ratio after ``n`` weeks with its interval, "n/a" when not measured."""
    k = int(np.searchsorted(im.weeks, n))
    if k >= len(im.weeks) or im.weeks[k] != n:
        return "n/a"
    return f"{_pct(im.ratio[k])} [{_pct(im.ci_low[k])}, {_pct(im.ci_high[k])}]"


def _ratio_words(im, n: int) -> str:
    """Whether the inactivity ratio after ``n`` weeks is distinguishable from none."""
    k = int(np.searchsorted(im.weeks, n))
    if k >= len(im.weeks) or im.weeks[k] != n:
        return ""
    return _effect_words(im.ci_low[k], im.ci_high[k], 1.0)


def _influence_rows(r: MatchingResult, same: str) -> list[Comparison]:
    """The influence experiment's rows: Δb of treatment and control, their difference
    (Eq. 4), the placebo-adjusted difference and the balance of Table 1."""
    m = r.influence.main
    return [
        Comparison(
            "Δb treatment (links to higher beauty)",
            "+2 %",
            f"{_pct(m.treatment_delta_b)} [{_pct(m.treatment_ci_low)}, "
            f"{_pct(m.treatment_ci_high)}]",
            f"n = {m.n_treatment:,}",
            same,
        ),
        Comparison(
            "Δb control",
            "no significant increase",
            f"{_pct(m.control_delta_b)} [{_pct(m.control_ci_low)}, {_pct(m.control_ci_high)}]",
            f"n = {m.n_control:,} (balanced)",
            same,
        ),
        Comparison(
            "Δb treatment − control (Eq. 4)",
            "≈ +2 %",
            f"{100 * m.effect:+.2f} % [{100 * m.ci_low:+.2f}, {100 * m.ci_high:+.2f}]",
            (
                "95 % CI, clustered by user and week"
                if r.config.cluster_week
                else "95 % CI, clustered by user"
            )
            + "; "
            + _effect_words(m.ci_low, m.ci_high, 0.0),
            same,
        ),
        Comparison(
            "placebo-adjusted difference",
            "—",
            f"{100 * m.adjusted_effect:+.2f} % [{100 * m.adjusted_ci_low:+.2f}, "
            f"{100 * m.adjusted_ci_high:+.2f}]",
            f"minus the week-w placebo {100 * m.placebo_effect:+.2f} %",
            same,
        ),
        Comparison(
            "mean |SB| after balancing",
            "0.18",
            f"{m.mean_abs_sb:.3f}",
            "Table 1, first experiment",
            same,
        ),
        Comparison("max |SB| after balancing", "< 0.25", f"{m.max_abs_sb:.3f}", "", same),
    ]


def _imbalance_rows(im, same: str) -> list[Comparison]:
    """The inactivity ratio after one week and after the last week measured."""
    last = int(im.weeks[-1])
    return [
        Comparison("inactivity ratio, n = 1", "+5 %", _ratio_at(im, 1), _ratio_words(im, 1), same),
        Comparison(
            f"inactivity ratio, n = {last}",
            "+20 % (n = 12)",
            _ratio_at(im, last),
            _ratio_words(im, last),
            same,
        ),
    ]


def _effect_words(low: float, high: float, none: float) -> str:
    """ "indistinguishable from no effect" when the 95 % interval covers ``none``."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "interval undefined"
    if low <= none <= high:
        return "indistinguishable from no effect (the 95 % CI covers it)"
    return "beyond chance (the 95 % CI excludes no effect)"


SYNTHETIC_CHECK = "no: planted value vs. measured (a check of the pipeline, not the paper)"


def matching_data_from_folder(folder: Path) -> MatchingData:
    """The timeline straight from an input folder, without a store (benchmarks, checks).

    The folder is read and validated by the loader's own reader
    (:func:`graphdb.loader.read_folder`), so it is the same data
    :func:`export_matching_data` would export after ``beautygraph load``.
    """
    from graphdb import frames
    from graphdb.loader import read_folder

    data = read_folder(folder)

    def nodes(label: str, props: list[str]):
        df = data.get(label, pd.DataFrame({"id": [], **{p: [] for p in props}}))
        return frames.node_table(label, df, props)

    def edges(rel: str, props: list[str], src, dst):
        df = data.get(rel, pd.DataFrame({"src": [], "dst": [], **{p: [] for p in props}}))
        return frames.edge_table(rel, df, props, src, dst)

    users = nodes("User", ["joined_at"])
    photos = nodes("Photo", ["uploaded_at", "beauty"])
    member = None
    if len(data.get("MEMBER_OF", ())):
        member = edges("MEMBER_OF", ["joined_at"], users, nodes("Community", []))
    return _timeline(
        users,
        edges("FOLLOWS", ["created_at"], users, users),
        photos,
        edges("POSTED", [], users, photos),
        edges("FAVORITED", ["created_at"], users, photos),
        member,
    )


def export_matching_data(store: Store) -> tuple[MatchingData, np.ndarray]:
    """Export the timeline from the store (one query per node label / relationship type).

    Returns the data and the user ids (user index ``i`` is ``ids[i]``).

    Raises
    ------
    UserError
        When there are no users, no follows with ``created_at``, or no scored photos.
    """
    users = store.export_nodes("User", ["joined_at"])
    if len(users) == 0:
        raise UserError("the store holds no users: load a data folder first (beautygraph load)")
    follows = store.export_edges("FOLLOWS", ["created_at"], src_nodes=users)
    photos = store.export_nodes("Photo", ["uploaded_at", "beauty"])
    posted = store.export_edges("POSTED", src_nodes=users, dst_nodes=photos)
    faved = store.export_edges("FAVORITED", ["created_at"], src_nodes=users, dst_nodes=photos)
    member = None
    if store.counts()["relationships"].get("MEMBER_OF", 0) > 0:
        groups = store.export_nodes("Community")
        member = store.export_edges("MEMBER_OF", ["joined_at"], src_nodes=users, dst_nodes=groups)
    try:
        return _timeline(users, follows, photos, posted, faved, member), users.ids
    except _NoPhotoBeauty:
        from beautygraph.pipelines.scoring import no_beauty_error

        raise no_beauty_error(store, "analyze matching", needs="photo") from None


class _NoPhotoBeauty(UserError):
    """No owned photo has a beauty score (the caller says what the store holds)."""

    def __init__(self) -> None:
        super().__init__("no photo has a beauty score")


def _timeline(
    users: NodeTable,
    follows: EdgeTable,
    photos: NodeTable,
    posted: EdgeTable,
    faved: EdgeTable,
    member: EdgeTable | None,
) -> MatchingData:
    """Exported tables → :class:`MatchingData` (photos without an owner are dropped)."""
    if len(users) == 0:
        raise UserError("the store holds no users: load a data folder first (beautygraph load)")
    group_user = group_joined = None
    if member is not None:
        group_user = member.src
        group_joined = np.asarray(member.props["joined_at"], dtype=np.int64)
    n_photo = len(photos)
    owner = np.full(n_photo, -1, dtype=np.int64)
    owner[posted.dst] = posted.src
    keep = np.flatnonzero(owner >= 0)  # a photo without an owner belongs to no timeline
    new_index = np.full(n_photo, -1, dtype=np.int64)
    new_index[keep] = np.arange(keep.size)
    fav_keep = (owner[faved.dst] >= 0) if len(faved) else np.zeros(0, dtype=bool)
    beauty = np.asarray(photos.props["beauty"], dtype=np.float64)[keep]
    if len(follows) == 0:
        raise UserError("the store holds no FOLLOWS relationships: the matching needs link events")
    if keep.size == 0 or np.isnan(beauty).all():
        raise _NoPhotoBeauty
    try:
        return MatchingData.from_epoch(
            n_users=len(users),
            follow_src=follows.src,
            follow_dst=follows.dst,
            follow_created_at=np.asarray(follows.props["created_at"], dtype=np.int64),
            photo_owner=owner[keep],
            photo_uploaded_at=np.asarray(photos.props["uploaded_at"], dtype=np.int64)[keep],
            photo_beauty=beauty,
            fav_user=faved.src[fav_keep],
            fav_photo=new_index[faved.dst[fav_keep]],
            fav_created_at=np.asarray(faved.props["created_at"], dtype=np.int64)[fav_keep],
            joined_at=np.asarray(users.props["joined_at"], dtype=np.int64),
            group_user=group_user,
            group_joined_at=group_joined,
        )
    except ValueError as exc:
        raise UserError(f"cannot build the weekly timeline: {exc}") from exc


def analyze_matching(
    store: Store,
    config: MatchingConfig | None = None,
    steps: Steps | None = None,
) -> MatchingRun:
    """Export and run both matching experiments; ``steps`` gets the stages ``export`` and
    ``matching``.  The figures and files are :mod:`beautygraph.outputs.matching`'s.

    Raises
    ------
    UserError
        Empty/unscored store, or too few eligible units for an experiment (the message
        says which and suggests lowering ``min_followees`` / ``min_active_weeks``).
    """
    config = config or MatchingConfig()
    steps = as_steps(steps)
    seconds: dict[str, float] = {}
    with steps("export") as step:
        data, user_ids = export_matching_data(store)
    seconds["export"] = step.seconds
    with steps("matching") as step, user_errors("matching"):
        result = run_matching(data, config)
    seconds["analysis"] = step.seconds
    log.info("matching done in %s", {k: round(v, 2) for k, v in seconds.items()})
    return MatchingRun(result=result, data=data, user_ids=user_ids, seconds=seconds)
