"""Whom to follow on hidden follows: every recommender's precision@k and nDCG@k.

Left, precision@k per method, with the 95 % paired-bootstrap interval of its difference
from the best baseline drawn around that baseline's level plus the difference (a bar whose
whisker clears the dashed line is better than the best baseline beyond chance); right,
nDCG@k.  The input is :meth:`analysis.linkpred.evaluate.RecommenderEvaluation.to_json`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plot_holdout"]


def plot_holdout(evaluation: dict[str, Any], title: str | None = None):
    """Two-panel bar chart of one hold-out evaluation; returns the figure."""
    import matplotlib.pyplot as plt

    methods = list(evaluation["methods"])
    rows = evaluation["methods"]
    k, best = evaluation["k"], evaluation["best_baseline"]
    base = rows[best]["precision"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 0.45 * len(methods) + 1.5))
    y = np.arange(len(methods))
    colors = ["tab:red" if m == evaluation.get("default") else "tab:blue" for m in methods]
    prec = np.array([rows[m]["precision"] for m in methods])
    lo = np.array([base + rows[m]["diff_vs_best_baseline"][0] for m in methods])
    hi = np.array([base + rows[m]["diff_vs_best_baseline"][1] for m in methods])
    left.barh(y, prec, color=colors)
    left.errorbar((lo + hi) / 2, y, xerr=(hi - lo) / 2, fmt="none", ecolor="black", capsize=3, lw=1)
    left.axvline(base, color="grey", ls="--", lw=1)
    left.set_yticks(y, methods)
    left.invert_yaxis()
    left.set_xlabel(f"precision@{k} (whisker: 95 % CI vs {best})")
    right.barh(y, [rows[m]["ndcg"] for m in methods], color=colors)
    right.set_yticks(y, methods)
    right.invert_yaxis()
    right.set_xlabel(f"nDCG@{k}")
    fig.suptitle(
        title
        or (
            f"{evaluation['n_users']:,} users, {evaluation['n_hidden']:,} hidden follows"
            + (
                " (reciprocal pairs hidden together)"
                if evaluation["reciprocal_pairs_hidden_together"]
                else ""
            )
        ),
        fontsize=10,
    )
    fig.tight_layout()
    return fig
