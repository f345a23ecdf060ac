"""Whom to follow on hidden follows: every recommender's precision@k and nDCG@k, and the
beauty-balance curve.

:func:`plot_holdout`: left, precision@k per method, with the 95 % paired-bootstrap interval of its difference
from the best baseline drawn around that baseline's level plus the difference (a bar whose
whisker clears the dashed line is better than the best baseline beyond chance); right,
nDCG@k.  :func:`plot_balance`: precision@k against the forlorn-beauty share of the learned
lists as the knob λ gives more slots to forlorn beauties
(:mod:`analysis.linkpred.balance`), the chosen λ marked, BB±10 beside it.  The input is
:meth:`analysis.linkpred.evaluate.RecommenderEvaluation.to_json`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis.linkpred.balance import KEEP_PRECISION

__all__ = ["plot_balance", "plot_holdout"]


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


def plot_balance(evaluation: dict[str, Any], keep: float = KEEP_PRECISION):
    """Precision@k over forlorn-beauty share for each λ of ``evaluation["balance_curve"]``,
    the chosen λ (``beauty_balance``) circled, the line of ``keep`` × the λ = 0 precision
    (the choice rule) dashed, and BB±10 and the best baseline as reference points."""
    import matplotlib.pyplot as plt

    curve, k = evaluation["balance_curve"], evaluation["k"]
    x = [p["forlorn_share"] for p in curve]
    y = [p["precision"] for p in curve]
    fig, ax = plt.subplots(figsize=(6.0, 4.2))
    ax.plot(x, y, "o-", color="tab:red", label="learned, λ of the slots to forlorn beauties")
    for p in curve:
        ax.annotate(f"λ {p['beauty_balance']:g}", (p["forlorn_share"], p["precision"]),
                    textcoords="offset points", xytext=(5, 4), fontsize=8)  # fmt: skip
    chosen = next(p for p in curve if p["beauty_balance"] == evaluation["beauty_balance"])
    ax.plot(chosen["forlorn_share"], chosen["precision"], "o", ms=14, mfc="none", color="black",
            label=f"default λ = {chosen['beauty_balance']:g}")  # fmt: skip
    ax.axhline(keep * y[0], color="grey", ls="--", lw=1, label=f"{keep:.0%} of λ = 0")
    rows, best = evaluation["methods"], evaluation["best_baseline"]
    for name, marker in (("bb", "s"), (best, "^")):
        if name in rows and rows[name]["forlorn_share"] is not None:
            ax.plot(rows[name]["forlorn_share"], rows[name]["precision"], marker, color="tab:blue")
            ax.annotate(name, (rows[name]["forlorn_share"], rows[name]["precision"]),
                        textcoords="offset points", xytext=(5, -10), fontsize=8)  # fmt: skip
    ax.set_xlabel("share of recommendations to forlorn beauties")
    ax.set_ylabel(f"precision@{k}")
    ax.legend(fontsize=8, loc="lower center")
    fig.tight_layout()
    return fig
