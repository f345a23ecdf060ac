"""The majority illusion of beauty (Beautiful and damned, §6.1, Q2/A2).

Following Lerman et al.'s majority illusion, the paper marks users whose beauty is above
the global mean (43 % of users on Flickr) and, for each user, computes the share of
their neighbours who are above the mean.  It reports that 65 % of users have more than
43 % of their neighbours above the mean (the *local* majority exceeds the global share),
and that nearly 20 % have at least double that share (more than 86 %).

Conventions (documented choices where the paper is silent):

* the reference population and the mean are the users with a beauty (NaN = no scored
  photo); "above" is strictly greater than the mean (or median, footnote 4);
* a user's neighbours are the accounts they follow (out-neighbours, as in Eq. 2 — whose
  content the user sees); neighbours without beauty are skipped;
* the users counted ("perceivers") are those with a beauty and at least one neighbour
  with a beauty (``perceivers="all"`` also counts users without own beauty).

Example
-------
>>> import numpy as np
>>> # a star: leaves 1..4 follow the hub 0, which is the only beautiful user
>>> b = np.array([0.9, 0.1, 0.1, 0.1, 0.1])
>>> m = majority_illusion(np.array([1, 2, 3, 4]), np.zeros(4, int), b)
>>> m.above_share, m.local_majority_share
(0.2, 1.0)

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

from analysis.beauty import check_beauty_graph

__all__ = ["MajorityIllusion", "majority_illusion"]


@dataclass(frozen=True)
class MajorityIllusion:
    """Q2/A2 of the paper.

    ``above_share`` is the global share of users above the threshold; ``neighbor_share``
    (one entry per user, NaN for non-perceivers) the share of the user's scored
    neighbours above it; ``local_majority_share`` the share of perceivers whose
    neighbour share exceeds ``above_share``; ``double_share`` of those whose neighbour
    share is at least ``2 * above_share``; ``majority_share`` of those whose neighbour
    share is at least one half (Lerman's original majority).
    """

    threshold: float
    threshold_kind: str
    above_share: float
    neighbor_share: np.ndarray
    n_perceivers: int
    local_majority_share: float
    double_share: float
    majority_share: float
    hist_edges: np.ndarray
    hist_counts: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"quantity": "users above the " + self.threshold_kind, "share": self.above_share},
                {
                    "quantity": "users whose neighbour share above exceeds the global share",
                    "share": self.local_majority_share,
                },
                {
                    "quantity": "users whose neighbour share is at least double the global share",
                    "share": self.double_share,
                },
                {
                    "quantity": "users with a majority (>= 50 %) of neighbours above",
                    "share": self.majority_share,
                },
            ]
        )

    def summary(self) -> dict:
        return {
            "threshold": self.threshold,
            "threshold_kind": self.threshold_kind,
            "above_mean_share": self.above_share,
            "local_majority_share": self.local_majority_share,
            "double_share": self.double_share,
            "majority_share": self.majority_share,
            "n_perceivers": self.n_perceivers,
        }


def majority_illusion(
    src,
    dst,
    beauty,
    threshold: str = "mean",
    perceivers: str = "scored",
    bins: int = 20,
) -> MajorityIllusion:
    """Majority illusion of above-average beauty over the follow graph (Q2/A2).

    Parameters
    ----------
    src, dst : int arrays
        Follow edges follower -> followee (user indices).
    beauty : float array, one entry per user (NaN: no beauty)
    threshold : ``"mean"`` or ``"median"`` of the users' beauty (footnote 4).
    perceivers : ``"scored"`` (users with a beauty) or ``"all"``.
    bins : int
        Histogram bins of the neighbour share over [0, 1].
    """
    if threshold not in ("mean", "median"):
        raise ValueError(f"threshold={threshold!r} must be 'mean' or 'median'")
    if perceivers not in ("scored", "all"):
        raise ValueError(f"perceivers={perceivers!r} must be 'scored' or 'all'")
    b, s, d = check_beauty_graph(beauty, src, dst)
    n = b.shape[0]
    scored = ~np.isnan(b)
    if not scored.any():
        raise ValueError("beauty has no finite values")
    thr = float(np.mean(b[scored]) if threshold == "mean" else np.median(b[scored]))
    above = scored & (b > thr)
    above_share = float(above.sum() / scored.sum())

    keep = scored[d]
    s_k, d_k = s[keep], d[keep]
    n_scored_nb = np.bincount(s_k, minlength=n)
    n_above_nb = np.bincount(s_k, weights=above[d_k].astype(np.float64), minlength=n)
    has = n_scored_nb > 0
    if perceivers == "scored":
        has &= scored
    share = np.full(n, np.nan)
    share[has] = n_above_nb[has] / n_scored_nb[has]
    n_perc = int(has.sum())
    vals = share[has]
    nan = float("nan")
    counts, edges = np.histogram(vals, bins=bins, range=(0.0, 1.0))
    return MajorityIllusion(
        threshold=thr,
        threshold_kind=threshold,
        above_share=above_share,
        neighbor_share=share,
        n_perceivers=n_perc,
        local_majority_share=float((vals > above_share).mean()) if n_perc else nan,
        double_share=float((vals >= 2 * above_share).mean()) if n_perc else nan,
        majority_share=float((vals >= 0.5).mean()) if n_perc else nan,
        hist_edges=edges,
        hist_counts=counts.astype(np.int64),
    )
