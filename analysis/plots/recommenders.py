"""Fig. 12 of Beautiful and damned (§7): the recommenders compared on four indicators.

One bar per method in each of four panels — :math:`b_{recs}`, :math:`b_{ratio}`,
:math:`fav_{recs}` and :math:`p_{forlorn}` (shown ×10⁻² as in the paper) — with the 95 %
confidence intervals as error bars.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import numpy as np

__all__ = ["plot_recommenders"]

_PANELS = (
    ("b_recs", r"$b_{recs}$", 1.0),
    ("b_ratio", r"$b_{ratio}$", 1.0),
    ("fav_recs", r"$fav_{recs}$", 1.0),
    ("p_forlorn", r"$p_{forlorn}$ ($\times 10^{-2}$)", 100.0),
)


def plot_recommenders(result, title: str | None = None):
    """Four-panel bar chart of a :class:`analysis.recsim.RecSimResult`; returns the figure."""
    import matplotlib.pyplot as plt

    methods = list(result.metrics)
    fig, axes = plt.subplots(1, len(_PANELS), figsize=(3.0 * len(_PANELS), 3.0))
    colors = plt.get_cmap("tab10")(np.arange(len(methods)))
    for ax, (name, label, scale) in zip(axes, _PANELS, strict=True):
        vals, lo, hi = [], [], []
        for m in methods:
            e = getattr(result.metrics[m], name)
            vals.append(e.value * scale)
            lo.append((e.value - e.ci_low) * scale if np.isfinite(e.ci_low) else 0.0)
            hi.append((e.ci_high - e.value) * scale if np.isfinite(e.ci_high) else 0.0)
        x = np.arange(len(methods))
        vals_arr = np.nan_to_num(np.array(vals, dtype=float))
        # error bars must be non-negative (an interval that excludes its estimate, e.g. Wilson's
        # at p = 0 after rounding, is drawn from the estimate)
        yerr = np.clip(np.nan_to_num(np.array([lo, hi], dtype=float)), 0.0, None)
        ax.bar(x, vals_arr, yerr=yerr, color=colors, capsize=4)
        ax.set_xticks(x, [m.upper() for m in methods])
        ax.set_title(label)
        if name == "b_ratio":
            ax.axhline(1.0, color="grey", lw=0.8, ls="--")
    fig.suptitle(title or f"Friend-of-friend recommenders, {result.n_sampled} sampled users")
    fig.tight_layout()
    return fig
