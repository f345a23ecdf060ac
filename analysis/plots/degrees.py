"""Degree distributions of the follower graph (Beautiful and damned §3, Fig. 1).

:func:`degree_ccdf` is the complementary cumulative distribution P(K ≥ k) of a degree
sequence; :func:`plot_degree_ccdf` draws it for in- and out-degree on log-log axes and
returns a matplotlib :class:`~matplotlib.figure.Figure` built without pyplot's global state.

>>> k, p = degree_ccdf(np.array([0, 1, 1, 3]))
>>> k.tolist(), p.tolist()
([1, 1, 3], [1.0, 0.6666666666666667, 0.33333333333333337])

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["degree_ccdf", "plot_degree_ccdf"]


def degree_ccdf(degrees: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted positive degrees ``k`` and the empirical P(K ≥ k) at each of them (zeros are
    left out: they have no place on a log axis)."""
    d = np.sort(np.asarray(degrees)[np.asarray(degrees) > 0])
    return d, 1.0 - np.arange(len(d)) / max(len(d), 1)


def plot_degree_ccdf(indegree: np.ndarray, outdegree: np.ndarray) -> Figure:
    """CCDFs of in-degree (followers) and out-degree (followees), log-log (Fig. 1)."""
    fig = Figure(figsize=(5.5, 4))
    ax = fig.subplots()
    for deg, name in ((indegree, "in-degree (followers)"), (outdegree, "out-degree (followees)")):
        k, p = degree_ccdf(deg)
        if len(k) == 0:
            continue
        ax.loglog(k, p, marker=".", linestyle="none", markersize=3, label=name)
    ax.set_xlabel("degree k")
    ax.set_ylabel("P(K ≥ k)")
    ax.set_title("Degree distributions (cf. Fig. 1)")
    ax.legend()
    return fig
