"""Report section ``load``: counts and the degree distributions of the loaded graph
(Beautiful and damned Fig. 1).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import logging

import numpy as np

from analysis.plots.degrees import plot_degree_ccdf
from beautygraph.artifacts import Comparison, Figure, frame_to_html
from beautygraph.report import DemoContext, Section

log = logging.getLogger(__name__)


def degree_figure(indeg: np.ndarray, outdeg: np.ndarray) -> Figure:
    """Complementary cumulative distributions of in- and out-degree (log-log), Fig. 1."""
    return Figure.from_matplotlib(
        plot_degree_ccdf(indeg, outdeg), "degree_ccdf", "CCDF of follower and followee counts"
    )


def load_section(ctx: DemoContext) -> Section:
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
                comparable="shape only: the loaded graph is not the paper's Flickr graph",
            ),
        ],
    )
