"""Figures of Interest profiling from pictures §4 (Figure 4 and the domain mix).

Built without pyplot's global state (a bare :class:`~matplotlib.figure.Figure`).

References
----------
.. [1] "Interest profiling from pictures" (the paper text prints no title line; cited
   by this name).  Authors, venue and year are not stated in the paper text; it cites
   work up to 2016.  A user's interests from the ImageNet CNN labels of their pictures,
   generalised to BabelNet domains (http://babelnet.org) and scored by F1 against the
   domains of the photos' tags: 60,000 Flickr images of 300 users, AlexNet, VGG16,
   VGG19, GoogleNet, ResNet-50.  URL given in the paper (its online demo):
   http://interestprofile.ml
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

__all__ = ["plot_domain_frequencies", "plot_match_distribution"]


def plot_match_distribution(
    comparison, paper: Mapping[str, Mapping] | None = None, paper_n: int = 300
) -> Figure:
    """Figure 4: users by number of matches ``|A_i ∩ B_i|`` (share of users).

    Bars: the measured distribution and the random-domain baseline; lines: the paper's
    five networks (Table 1, ``n / N``).  ``comparison`` is an
    :class:`analysis.interest_profiles.InterestComparison`.
    """
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    k = comparison.k
    x = np.arange(k + 1)
    N = max(comparison.table.n_users, 1)
    ax.bar(
        x - 0.2,
        comparison.table.counts / N,
        width=0.4,
        color="#4c72b0",
        label=f"measured (mean F1 {comparison.table.mean_f1:.3f})",
    )
    ax.bar(
        x + 0.2,
        comparison.random.counts / N,
        width=0.4,
        color="#bbbbbb",
        label=f"random domains (mean F1 {comparison.random.mean_f1:.3f})",
    )
    for name, row in (paper or {}).items():
        n = np.asarray(row["n"], dtype=float)[: k + 1]
        ax.plot(np.arange(len(n)), n / paper_n, marker="o", lw=1, label=f"paper {name}")
    ax.set_xlabel(f"|A ∩ B| (matching domains in the top-{k} profiles)")
    ax.set_ylabel("share of users n/N")
    ax.set_xticks(x)
    ax.legend(fontsize=7)
    return fig


def plot_domain_frequencies(comparison, top: int = 15) -> Figure:
    """How many users carry each domain in their tag (ground truth) and image profiles."""
    df = comparison.domain_frame().head(top)
    fig = Figure(figsize=(8, 0.3 * len(df) + 1.2))
    ax = fig.subplots()
    y = np.arange(len(df))[::-1]
    ax.barh(y + 0.2, df["tag_profiles"], height=0.4, color="#55a868", label="tag profiles")
    ax.barh(y - 0.2, df["image_profiles"], height=0.4, color="#4c72b0", label="image profiles")
    ax.set_yticks(y)
    ax.set_yticklabels(df["domain"], fontsize=8)
    ax.set_xlabel(f"users with the domain in their top-{comparison.k}")
    ax.legend(fontsize=8)
    return fig
