"""Figures and files of ``analyze network`` and the report's ``network`` section: Fig. 5, 6
and 7, the majority-illusion histogram, the gap curve and Table 2 of Beautiful and damned
[1] (§5, §6.1, §7), from a :class:`beautygraph.pipelines.network_result.NetworkResult`.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from beautygraph.artifacts import Figure, dumps
from beautygraph.outputs import save_figures, save_tables
from beautygraph.pipelines.network_result import NetworkResult

__all__ = ["network_figures", "write_network"]


def network_figures(result: NetworkResult) -> list[Figure]:
    """The figures (Fig. 5, 6, 7, majority histogram, gap curve when one was computed,
    Table 2 centroids), rendered to PNG."""
    from analysis.plots import network as plots

    figs = [
        Figure.from_matplotlib(
            plots.plot_inequality(result.inequality),
            "network_fig5_inequality",
            "Fig. 5: distribution of user beauty and Lorenz curves",
        ),
        Figure.from_matplotlib(
            plots.plot_beauty_vs_degree(
                result.binned_indegree,
                result.binned_outdegree,
                result.connectivity.rho("indegree"),
                result.connectivity.rho("outdegree"),
            ),
            "network_fig6_degree",
            "Fig. 6: average user beauty per log-binned in/out-degree",
        ),
        Figure.from_matplotlib(
            plots.plot_majority_illusion(result.majority),
            "network_majority_illusion",
            "Q2: share of followees above the mean beauty",
        ),
        Figure.from_matplotlib(
            plots.plot_correlation_spectrum(result.spectrum),
            "network_fig7_spectrum",
            "Fig. 7: correlation spectrum b_nn(k) and the reshuffled null",
        ),
    ]
    curve = result.classes.gap or result.classes.structure
    if curve is not None:
        figs.append(
            Figure.from_matplotlib(
                plots.plot_gap_curve(curve),
                "network_gap_curve",
                "§7: gap statistic of K-means",
            )
        )
    figs.append(
        Figure.from_matplotlib(
            plots.plot_class_centroids(result.classes),
            "network_classes",
            "Table 2: class centroids",
        )
    )
    return figs


def write_network(
    result: NetworkResult, out_dir: str | Path, figures: Sequence[Figure] = ()
) -> dict[str, Path]:
    """``figures`` as PNG, the tables as CSV and ``network.json`` (the headline) in
    ``out_dir`` (created); returns the paths by file name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = save_figures(out, figures)
    tables = {
        "network_inequality": result.inequality.to_frame(),
        "network_beauty_histogram": result.inequality.distribution.to_frame(),
        "network_connectivity": result.connectivity.to_frame(),
        "network_binned_indegree": result.binned_indegree.to_frame(),
        "network_binned_outdegree": result.binned_outdegree.to_frame(),
        "network_majority": result.majority.to_frame(),
        "network_spectrum": result.spectrum.to_frame(),
        "network_classes": result.classes.to_frame(),
    }
    curve = result.classes.gap or result.classes.structure
    if curve is not None:
        tables["network_gap"] = curve.to_frame()
    files |= save_tables(out, tables)
    path = out / "network.json"
    path.write_text(dumps(result.headline()))
    files["network.json"] = path
    return files
