"""Figures of interest propagation: Micro-/Macro-F1 of every method against the labelled
fraction of the seed users (the DeepWalk protocol's curve, Perozzi et al., KDD 2014, Fig. 5),
and the follow hold-out of the authority recommender as bars."""

from __future__ import annotations

from matplotlib.figure import Figure

__all__ = ["plot_f1_curve"]


def plot_f1_curve(curve, reference: dict | None = None) -> Figure:
    """``curve``: frame with ``labelled, method, micro_f1, macro_f1`` (in [0, 1]);
    ``reference``: optional {"label": str, fraction: (micro, macro)} drawn dashed."""
    fig = Figure(figsize=(9, 3.4))
    axes = fig.subplots(1, 2)
    for ax, key in ((axes[0], "micro_f1"), (axes[1], "macro_f1")):
        for method, part in curve.groupby("method", sort=True):
            part = part.sort_values("labelled")
            baseline = method in ("majority", "vote")
            ax.plot(
                part["labelled"],
                part[key],
                "s--" if baseline else "o-",
                lw=1,
                ms=4,
                label=str(method),
            )
        if reference:
            xs = sorted(k for k in reference if k != "label")
            ax.plot(
                xs,
                [reference[x][0 if key == "micro_f1" else 1] for x in xs],
                "k:",
                label=reference.get("label", "reference"),
            )
        ax.set_xlabel("labelled fraction of seed users")
        ax.set_ylabel(key.replace("_", "-"))
        ax.set_ylim(bottom=0)
    axes[1].legend(fontsize=6, loc="best")
    fig.tight_layout()
    return fig
