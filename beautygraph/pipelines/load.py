"""Loading pipeline: validated load with a progress bar, and the report's load section
(counts and the degree distributions of the paper's Fig. 1)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from beautygraph.report import Comparison, Figure, Section, frame_to_html, register_section
from beautygraph.steps import Steps
from graphdb.base import Store
from graphdb.loader import load_folder


def load_into_store(store: Store, folder: Path, steps: Steps | None = None) -> dict:
    """Load ``folder``; returns ``{"added": LoadCounts.to_dict(), "totals": store.counts()}``."""
    counts = load_folder(store, folder, steps=steps)
    return {"added": counts.to_dict(), "totals": store.counts()}


def degree_figure(indeg: np.ndarray, outdeg: np.ndarray) -> Figure:
    """Complementary cumulative distributions of in- and out-degree (log-log), Fig. 1."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4))
    for deg, name in ((indeg, "in-degree (followers)"), (outdeg, "out-degree (followees)")):
        d = np.sort(deg[deg > 0])
        if len(d) == 0:
            continue
        ccdf = 1.0 - np.arange(len(d)) / len(d)
        ax.loglog(d, ccdf, marker=".", linestyle="none", markersize=3, label=name)
    ax.set_xlabel("degree k")
    ax.set_ylabel("P(K ≥ k)")
    ax.set_title("Degree distributions (cf. Fig. 1)")
    ax.legend()
    return Figure.from_matplotlib(fig, "degree_ccdf", "CCDF of follower and followee counts")


@register_section("load", order=0)
def load_section(ctx) -> Section:
    """Counts and degree distributions of the loaded graph."""
    import pandas as pd

    counts = ctx.store.counts()
    users = ctx.store.export_nodes("User")
    follows = ctx.store.export_edges("FOLLOWS", src_nodes=users)
    n = len(users)
    indeg = np.bincount(follows.dst, minlength=n)
    outdeg = np.bincount(follows.src, minlength=n)
    rows = [(k, name, c) for k in ("nodes", "relationships") for name, c in counts[k].items()]
    table = pd.DataFrame(rows, columns=["kind", "name", "count"])
    reciprocal = 0.0
    if len(follows):
        fwd = pd.MultiIndex.from_arrays([follows.src, follows.dst])
        back = pd.MultiIndex.from_arrays([follows.dst, follows.src])
        reciprocal = float(back.isin(fwd).mean())
    headline = {
        "users": counts["nodes"]["User"],
        "photos": counts["nodes"]["Photo"],
        "follows": counts["relationships"]["FOLLOWS"],
        "favorites": counts["relationships"]["FAVORITED"],
        "mean_degree": float(outdeg.mean()) if n else 0.0,
        "max_indegree": int(indeg.max()) if n else 0,
        "reciprocity": reciprocal,
    }
    return Section(
        key="load",
        title="Loaded graph",
        headline=headline,
        html=frame_to_html(table),
        figures=[degree_figure(indeg, outdeg)] if n else [],
        comparisons=[
            Comparison(
                "degree distributions",
                "broad, heavy-tailed (Fig. 1)",
                f"mean {headline['mean_degree']:.1f}, max in-degree {headline['max_indegree']}",
            ),
        ],
    )
