"""Figures of Beautiful and damned §5–7 (Fig. 5, 6, 7, the gap curve and Table 2).

Each function takes the dataclass of one analysis and returns a matplotlib
:class:`~matplotlib.figure.Figure` built without pyplot's global state (Agg-rendered,
safe in threads and on machines without a display).

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
    "plot_inequality",
    "plot_beauty_vs_degree",
    "plot_majority_illusion",
    "plot_correlation_spectrum",
    "plot_gap_curve",
    "plot_class_centroids",
]


def _figure(width: float, height: float, ncols: int = 1):
    fig = Figure(figsize=(width, height))
    axes = fig.subplots(1, ncols)
    return fig, axes


def plot_inequality(ineq) -> Figure:
    """Fig. 5: histogram of user beauty (left), Lorenz curves of average beauty and average
    favourites per photo with their Gini coefficients (right).

    ``ineq`` is an :class:`analysis.inequality.Inequality`.
    """
    fig, (ax1, ax2) = _figure(10, 4, 2)
    dist = ineq.distribution
    edges = dist.bin_edges
    ax1.bar(
        edges[:-1],
        dist.counts / max(dist.counts.sum(), 1),
        width=np.diff(edges),
        align="edge",
        color="#4c72b0",
        edgecolor="white",
    )
    ax1.axvline(dist.mean, color="#c33", ls="--", label=f"mean = {dist.mean:.2f}")
    ax1.set_xlabel("user beauty")
    ax1.set_ylabel("share of users")
    ax1.set_title("Distribution of user beauty")
    ax1.legend()
    ax2.plot([0, 1], [0, 1], color="grey", lw=1, ls=":", label="equality")
    for lor, label, color in (
        (ineq.lorenz_beauty, "avg. beauty", "#4c72b0"),
        (ineq.lorenz_favorites, "avg. favourites / photo", "#dd8452"),
    ):
        ax2.plot(
            lor.population_share,
            lor.resource_share,
            color=color,
            label=f"{label} (Gini {lor.gini:.2f})",
        )
    ax2.set_xlabel("cumulative share of users")
    ax2.set_ylabel("cumulative share of resource")
    ax2.set_title("Lorenz curves")
    ax2.set_xlim(0, 1)
    ax2.set_ylim(0, 1)
    ax2.legend(loc="upper left")
    fig.tight_layout()
    return fig


def plot_beauty_vs_degree(
    binned_in, binned_out, rho_in: float | None = None, rho_out: float | None = None
) -> Figure:
    """Fig. 6: average user beauty per log-binned in-degree (left) and out-degree (right)
    with 95 % confidence intervals.  Arguments are :class:`analysis.connectivity.BinnedMean`.
    """
    fig, axes = _figure(10, 4, 2)
    for ax, binned, label, rho in (
        (axes[0], binned_in, "Indegree", rho_in),
        (axes[1], binned_out, "Outdegree", rho_out),
    ):
        if len(binned.center):
            ax.fill_between(
                binned.center, binned.low, binned.high, color="#4c72b0", alpha=0.25, label="95 % CI"
            )
            ax.plot(binned.center, binned.mean, "o-", color="#4c72b0", ms=4)
        ax.set_xscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("Avg. user beauty")
        title = f"Spearman ρ = {rho:.2f}" if rho is not None and np.isfinite(rho) else ""
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_majority_illusion(maj) -> Figure:
    """Q2/A2: distribution over users of the share of neighbours above the mean beauty, with
    the global share and its double marked (``maj``: :class:`analysis.majority.MajorityIllusion`).
    """
    fig, ax = _figure(6, 4)
    edges = maj.hist_edges
    total = max(int(maj.hist_counts.sum()), 1)
    ax.bar(
        edges[:-1],
        maj.hist_counts / total,
        width=np.diff(edges),
        align="edge",
        color="#55a868",
        edgecolor="white",
    )
    ax.axvline(
        maj.above_share,
        color="#c33",
        ls="--",
        label=f"global share above {maj.threshold_kind} = {maj.above_share:.2f}",
    )
    ax.axvline(min(2 * maj.above_share, 1.0), color="#c33", ls=":", label="double")
    ax.set_xlabel(f"share of followees above the {maj.threshold_kind} beauty")
    ax.set_ylabel("share of users")
    ax.set_title(
        f"Majority illusion: {maj.local_majority_share:.0%} of users see more than the global share"
    )
    ax.legend(loc="best", framealpha=0.9)
    fig.tight_layout()
    return fig


def plot_correlation_spectrum(spec) -> Figure:
    """Fig. 7: :math:`b_{nn}(k)` (Eq. 2) with ±1 standard deviation, the permutation null
    model (mean and 2.5–97.5 % band) and the beauty interval of 90 % of users shaded.

    ``spec`` is an :class:`analysis.spectrum.CorrelationSpectrum`.
    """
    fig, ax = _figure(7, 4.5)
    x = spec.centers
    ok = ~np.isnan(spec.bnn)
    lo, hi = spec.population_interval
    ax.axvspan(lo, hi, color="#eeeeee", label="90 % of users")
    ax.fill_between(
        x[ok], (spec.bnn - spec.std)[ok], (spec.bnn + spec.std)[ok], color="#4c72b0", alpha=0.2
    )
    ax.plot(
        x[ok],
        spec.bnn[ok],
        "o-",
        ms=3,
        color="#4c72b0",
        label=f"data (Spearman ρ = {spec.spearman:.2f})",
    )
    nok = ~np.isnan(spec.null_mean)
    if nok.any():
        ax.fill_between(
            x[nok], spec.null_low[nok], spec.null_high[nok], color="#dd8452", alpha=0.25
        )
        ax.plot(
            x[nok],
            spec.null_mean[nok],
            "-",
            color="#dd8452",
            label=f"reshuffled beauty (ρ = {spec.null_spearman_mean:.2f})",
        )
    ax.set_xlim(spec.bin_edges[0], spec.bin_edges[-1])
    ax.set_xlabel("user beauty k")
    ax.set_ylabel(r"average neighbour beauty $b_{nn}(k)$")
    ax.set_title("Correlation spectrum of user beauty")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def plot_gap_curve(gap) -> Figure:
    """The gap statistic Gap(K) ± s(K) over the candidate K, the chosen K marked (§7).

    ``gap`` is an :class:`analysis.gap.GapCurve`.
    """
    fig, ax = _figure(6, 4)
    ax.errorbar(gap.ks, gap.gap, yerr=gap.s, fmt="o-", color="#4c72b0", capsize=3)
    ax.axvline(gap.k, color="#c33", ls="--", label=f"chosen K = {gap.k}")
    ax.set_xlabel("K")
    ax.set_ylabel("Gap(K)")
    ax.set_title("Gap statistic of K-means")
    ax.set_xticks(gap.ks)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_class_centroids(classes) -> Figure:
    """Table 2 as bars: normalised centroid (beauty, fav/photo, followers) of each class,
    with its share of users.  ``classes`` is an :class:`analysis.classes.UserClasses`.
    """
    fig, ax = _figure(max(6, 1.6 * classes.k + 2), 4)
    feats = ("beauty", "fav/photo", "followers")
    width = 0.8 / len(feats)
    x = np.arange(classes.k)
    colors = ("#4c72b0", "#dd8452", "#55a868")
    for j, (feat, color) in enumerate(zip(feats, colors, strict=True)):
        ax.bar(x + (j - 1) * width, classes.centroids[:, j], width=width, label=feat, color=color)
    ax.set_xticks(x)
    ax.set_xticklabels([f"{n}\n{s:.1%}" for n, s in zip(classes.names, classes.share, strict=True)])
    ax.set_ylabel("normalised centroid value")
    ax.set_title(f"User classes (K = {classes.k})")
    ax.legend()
    fig.tight_layout()
    return fig
