"""Figures of the matching experiments of Beautiful and damned §6.2 (Fig. 9–11, Table 1).

Each function takes a result dataclass of :mod:`analysis.matching` and returns a
matplotlib :class:`~matplotlib.figure.Figure` built without pyplot's global state.
Δb is drawn as the percentage change ``100 · (Δb − 1)`` with its 95 % CI.

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

__all__ = [
    "plot_influence",
    "plot_by_links",
    "plot_by_alpha",
    "plot_inactivity",
    "plot_balance",
]

_T, _C, _A = "#c44e52", "#4c72b0", "#55a868"


def _pct(x) -> np.ndarray:
    return 100.0 * (np.asarray(x, dtype=float) - 1.0)


def _err(mean, lo, hi) -> np.ndarray:
    mean, lo, hi = (np.asarray(v, dtype=float) for v in (mean, lo, hi))
    return np.vstack([mean - lo, hi - mean])


def plot_influence(influence) -> Figure:
    """Fig. 9 (left): Δb of the control vs. the treatment group with 95 % CIs.

    ``influence`` is an :class:`analysis.matching.InfluenceResult`.
    """
    m = influence.main
    fig = Figure(figsize=(4.6, 4))
    ax = fig.subplots()
    means = [m.control_delta_b, m.treatment_delta_b]
    lows = [m.control_ci_low, m.treatment_ci_low]
    highs = [m.control_ci_high, m.treatment_ci_high]
    ax.bar(
        [0, 1],
        _pct(means),
        color=[_C, _T],
        width=0.6,
        yerr=100 * _err(means, lows, highs),
        capsize=6,
    )
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks([0, 1], [f"control\n(n={m.n_control:,})", f"treatment\n(n={m.n_treatment:,})"])
    ax.set_ylabel("beauty increase Δb (%)")
    ax.set_title(
        f"Link creation: difference {100 * m.effect:+.2f} %\n"
        f"95 % CI [{100 * m.ci_low:+.2f}, {100 * m.ci_high:+.2f}]",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def _effects_plot(effects: dict, xlabel: str, title: str, width: float = 5.5) -> Figure:
    keys = [k for k, e in effects.items() if e.estimated]
    fig = Figure(figsize=(width, 4))
    ax = fig.subplots()
    if not keys:
        ax.text(0.5, 0.5, "too few units for any variant", ha="center", transform=ax.transAxes)
        ax.set_title(title)
        return fig
    x = np.asarray(keys, dtype=float)
    es = [effects[k] for k in keys]
    t = [e.treatment_delta_b for e in es]
    c = [e.control_delta_b for e in es]
    ax.errorbar(
        x,
        _pct(t),
        yerr=100 * _err(t, [e.treatment_ci_low for e in es], [e.treatment_ci_high for e in es]),
        fmt="o-",
        color=_T,
        capsize=4,
        label="treatment Δb",
    )
    ax.errorbar(
        x,
        _pct(c),
        yerr=100 * _err(c, [e.control_ci_low for e in es], [e.control_ci_high for e in es]),
        fmt="s--",
        color=_C,
        capsize=4,
        label="matched control Δb",
    )
    adj = np.array([e.adjusted_effect for e in es])
    if np.isfinite(adj).any():
        ax.errorbar(
            x,
            100 * adj,
            yerr=100 * _err(adj, [e.adjusted_ci_low for e in es], [e.adjusted_ci_high for e in es]),
            fmt="^:",
            color=_A,
            capsize=3,
            label="placebo-adjusted difference",
        )
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("beauty increase (%)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_by_links(influence) -> Figure:
    """Fig. 9 (right): Δb after creating exactly n links towards higher-beauty users."""
    fig = _effects_plot(
        influence.by_links,
        "n links towards higher-beauty users",
        "Beauty increase after n links to higher beauty",
    )
    ax = fig.axes[0]
    ax.set_xticks(list(influence.by_links))
    return fig


def plot_by_alpha(influence) -> Figure:
    """Fig. 10: Δb after links towards users with beauty α times higher (Eq. 5–6)."""
    return _effects_plot(
        influence.by_alpha,
        "α  (new neighbours' beauty ≥ (1 + α) · own)",
        "Beauty increase vs. beauty differential α",
        width=6,
    )


def plot_inactivity(imbalance) -> Figure:
    """Fig. 11: ratio p_inact(treatment) / p_inact(control) for n inactive weeks, 95 % CI."""
    fig = Figure(figsize=(5.5, 4))
    ax = fig.subplots()
    n = np.asarray(imbalance.weeks)
    r = np.asarray(imbalance.ratio, dtype=float)
    ok = np.isfinite(r)
    ax.fill_between(
        n[ok],
        100 * (np.asarray(imbalance.ci_low)[ok] - 1),
        100 * (np.asarray(imbalance.ci_high)[ok] - 1),
        color=_T,
        alpha=0.2,
        label="95 % CI",
    )
    ax.plot(n[ok], 100 * (r[ok] - 1), "o-", color=_T, label="p_inact(t) / p_inact(c) − 1")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("n consecutive inactive weeks")
    ax.set_ylabel("increase in probability of inactivity (%)")
    ax.set_title(
        f"Imbalanced (n={imbalance.n_treatment:,}) vs. balanced users (n={imbalance.n_control:,})",
        fontsize=10,
    )
    ax.set_xticks(n)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_balance(
    frame, threshold: float = 0.25, title: str = "Standardised bias (Table 1)"
) -> Figure:
    """Table 1 as a chart: SB of each covariate before and after balancing.

    ``frame`` is ``InfluenceResult.balance_frame()`` (columns ``category``, ``label`` or
    ``covariate``, ``sb_before``, ``sb_after``, optionally ``paper_sb``).
    """
    names = [
        f"{c}: {lab}"
        for c, lab in zip(frame["category"], frame.get("label", frame["covariate"]), strict=True)
    ]
    y = np.arange(len(names))
    fig = Figure(figsize=(7, 0.45 * len(names) + 1.4))
    ax = fig.subplots()
    h = 0.28
    ax.barh(y - h, frame["sb_before"], height=h, color="#bbbbbb", label="before")
    ax.barh(y, frame["sb_after"], height=h, color=_C, label="after")
    if "paper_sb" in frame and np.isfinite(np.asarray(frame["paper_sb"], float)).any():
        ax.barh(y + h, frame["paper_sb"], height=h, color=_A, alpha=0.7, label="paper")
    for s in (-threshold, threshold):
        ax.axvline(s, color=_T, ls="--", lw=1)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("SB = (mean_t − mean_c) / sd_t")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
