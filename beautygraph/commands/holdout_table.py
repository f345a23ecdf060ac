"""The table of a follow hold-out (the JSON of
:meth:`analysis.linkpred.evaluate.RecommenderEvaluation.to_json`): one row per recommender
with precision, recall and nDCG at k, users served, catalogue coverage, exposure Gini, the
95 % interval of its precision minus the best baseline's, and the forlorn-beauty share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["holdout_table", "pairs_phrase"]


def pairs_phrase(res: dict[str, Any]) -> str:
    """How the hold-out treated reciprocal follows, with the graph's reciprocity."""
    pairs = "hidden together" if res["reciprocal_pairs_hidden_together"] else "not paired"
    return f"reciprocity {res['reciprocity']:.2f}: pairs {pairs}"


def holdout_table(res: dict[str, Any], title: str) -> Table:
    """The rows of ``res["methods"]`` in their order; the default method is marked."""
    from rich.table import Table

    k = res["k"]
    table = Table(title=title)
    table.add_column("method", no_wrap=True)
    for col in (f"P@{k}", f"R@{k}", f"nDCG@{k}", "served", "cover", "gini"):
        table.add_column(col, justify="right")
    table.add_column(f"ΔP vs {res['best_baseline']} (95 % CI)", justify="right", no_wrap=True)
    table.add_column("forlorn", justify="right")
    for name, m in res["methods"].items():
        lo, hi = m["diff_vs_best_baseline"]
        forlorn = "–" if m["forlorn_share"] is None else f"{m['forlorn_share']:.3f}"
        table.add_row(
            name + (" (default)" if name == res["default"] else ""),
            *(f"{m[c]:.4f}" for c in ("precision", "recall", "ndcg")),
            *(f"{m[c]:.3f}" for c in ("users_served", "coverage", "exposure_gini")),
            f"{lo:+.4f}..{hi:+.4f}",
            forlorn,
        )
    return table
