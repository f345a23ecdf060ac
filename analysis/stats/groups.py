"""Two groups compared with cluster-robust normal confidence intervals.

:class:`TwoGroups` holds a treatment and a control sample with their clusters (users) and,
optionally, weeks for two-way clustering; it gives the standard error of any linear
statistic from its influence functions on the two groups (:mod:`analysis.stats.robust`).
On it:

* :func:`compare_means` — both means and their difference ``ȳ_t − ȳ_c``; the influence
  function of a mean is ``(y_i − ȳ)/n``, of the difference the treatment's minus the
  control's (a user in both groups is one cluster);
* :func:`compare_proportions` — the ratio ``p_t / p_c`` with a delta-method interval on
  ``log(p_t / p_c)``, whose influence function is ``(y_i − p)/(n p)``.

>>> g = compare_means(np.array([1.0, 3.0]), np.array([0, 1]), np.array([0.0, 2.0]), np.array([2, 3]))
>>> g["diff"], round(g["diff_se"], 6)
(1.0, 1.154701)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis.stats.robust import twoway_var

__all__ = ["TwoGroups", "compare_means", "compare_proportions"]


@dataclass(frozen=True)
class TwoGroups:
    """Outcomes ``y_t`` / ``y_c`` with clusters and optional weeks, checked once."""

    y_t: np.ndarray
    y_c: np.ndarray
    cluster_t: np.ndarray
    cluster_c: np.ndarray
    week_t: np.ndarray | None
    week_c: np.ndarray | None
    z: float

    @classmethod
    def of(
        cls,
        y_t: np.ndarray,
        cluster_t: np.ndarray,
        y_c: np.ndarray,
        cluster_c: np.ndarray,
        confidence: float = 0.95,
        week_t: np.ndarray | None = None,
        week_c: np.ndarray | None = None,
    ) -> TwoGroups:
        """Check the sizes (>= 2 units per group); weeks count only when both are given."""
        y_t, y_c = np.asarray(y_t, float), np.asarray(y_c, float)
        if len(y_t) < 2 or len(y_c) < 2:
            raise ValueError(f"need >= 2 units per group, got {len(y_t)} and {len(y_c)}")
        two = week_t is not None and week_c is not None
        z = float(stats.norm.ppf(0.5 + confidence / 2))
        return cls(
            y_t,
            y_c,
            np.asarray(cluster_t),
            np.asarray(cluster_c),
            week_t if two else None,
            week_c if two else None,
            z,
        )

    def se_treatment(self, psi_t: np.ndarray) -> float:
        """SE of a linear statistic of the treatment group alone."""
        return float(np.sqrt(twoway_var(psi_t, self.cluster_t, self.week_t)))

    def se_control(self, psi_c: np.ndarray) -> float:
        """SE of a linear statistic of the control group alone."""
        return float(np.sqrt(twoway_var(psi_c, self.cluster_c, self.week_c)))

    def se_joint(self, psi_t: np.ndarray, psi_c: np.ndarray) -> float:
        """SE of a statistic with influence ``psi_t`` on treatment and ``psi_c`` on control
        units (clusters shared by both groups are summed together)."""
        weeks = (
            None if self.week_t is None else np.concatenate([self.week_t, self.week_c])  # type: ignore[list-item]
        )
        return float(
            np.sqrt(
                twoway_var(
                    np.concatenate([psi_t, psi_c]),
                    np.concatenate([self.cluster_t, self.cluster_c]),
                    weeks,
                )
            )
        )


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

    With ``week_t``/``week_c`` the variance is two-way clustered by user and week
    (:func:`analysis.stats.robust.twoway_var`).
    """
    g = TwoGroups.of(y_t, cluster_t, y_c, cluster_c, confidence, week_t, week_c)
    mt, mc = float(g.y_t.mean()), float(g.y_c.mean())
    psi_t = (g.y_t - mt) / len(g.y_t)
    psi_c = (g.y_c - mc) / len(g.y_c)
    se_t, se_c = g.se_treatment(psi_t), g.se_control(psi_c)
    se_d = g.se_joint(psi_t, -psi_c)
    z = g.z
    return {
        "treatment_mean": mt,
        "treatment_ci_low": mt - z * se_t,
        "treatment_ci_high": mt + z * se_t,
        "control_mean": mc,
        "control_ci_low": mc - z * se_c,
        "control_ci_high": mc + z * se_c,
        "diff": mt - mc,
        "diff_se": se_d,
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
    """Ratio ``p_t / p_c`` of two proportions with a delta-method CI on ``log(p_t/p_c)``;
    NaN ratio and interval when a proportion is 0."""
    g = TwoGroups.of(y_t, cluster_t, y_c, cluster_c, confidence, week_t, week_c)
    pt, pc = float(g.y_t.mean()), float(g.y_c.mean())
    if pt == 0 or pc == 0:
        nan = float("nan")
        return {"p_treatment": pt, "p_control": pc, "ratio": nan, "ci_low": nan, "ci_high": nan}
    se = g.se_joint((g.y_t - pt) / (len(g.y_t) * pt), -(g.y_c - pc) / (len(g.y_c) * pc))
    r = pt / pc
    return {
        "p_treatment": pt,
        "p_control": pc,
        "ratio": r,
        "ci_low": float(r * np.exp(-g.z * se)),
        "ci_high": float(r * np.exp(g.z * se)),
    }
