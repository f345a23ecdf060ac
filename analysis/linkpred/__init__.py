"""Judging whom-to-follow recommenders on hidden follows.

* :mod:`analysis.linkpred.split` — the hold-out: hide a share of drawn users' follows,
  both directions of a reciprocal pair together (no "follow back" leak);
* :mod:`analysis.linkpred.metrics` — precision@k, recall@k, nDCG@k, users served,
  catalogue coverage, exposure Gini, forlorn-beauty share, paired bootstrap intervals.
"""

from analysis.linkpred.metrics import (
    RankingMetrics,
    paired_bootstrap,
    per_user_hits,
    ranking_metrics,
)
from analysis.linkpred.split import FollowSplit, hide_follows, reciprocity

__all__ = [
    "FollowSplit",
    "RankingMetrics",
    "hide_follows",
    "paired_bootstrap",
    "per_user_hits",
    "ranking_metrics",
    "reciprocity",
]
