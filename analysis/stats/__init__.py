"""General robust statistics: cluster-robust (sandwich) variances of linear statistics and
two-group comparisons with normal confidence intervals.

Used by the matching experiments (:mod:`analysis.matching`), but nothing here is specific
to them: :mod:`analysis.stats.robust` holds the one- and two-way cluster-robust variance,
:mod:`analysis.stats.groups` the comparison of two groups' means (difference) and
proportions (ratio, delta method on the log scale), both built on one helper.
"""

from __future__ import annotations

from analysis.stats.groups import TwoGroups, compare_means, compare_proportions
from analysis.stats.robust import cluster_var, twoway_var

__all__ = ["TwoGroups", "cluster_var", "compare_means", "compare_proportions", "twoway_var"]
