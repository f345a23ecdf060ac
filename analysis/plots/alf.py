"""Figures of the topical-authorities paper (ALF): Fig. 2 (topical follower fractions of an
account), Fig. 4 (quantile plot of log F for one topic, Observation 2), Table 6 as bars,
and the BlogCatalog label-propagation benchmark curve (Micro/Macro-F1 vs. labelled share).
Every function returns a matplotlib figure.
"""

from __future__ import annotations

import numpy as np

__all__ = ["plot_blogcatalog", "plot_log_f_qq", "plot_table6", "plot_topical_fractions"]


def plot_topical_fractions(F_row, topic_ids, top: int = 5, title: str = ""):
    """Fig. 2: the account's top ``top`` topics by label score, normalised to sum to 1."""
    import matplotlib.pyplot as plt

    F_row = np.asarray(F_row, dtype=float)
    order = np.argsort(-F_row, kind="stable")[:top]
    vals = F_row[order]
    vals = vals / vals.sum() if vals.sum() > 0 else vals
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(np.arange(len(order)), vals, color="tab:blue")
    ax.set_xticks(
        np.arange(len(order)), [str(topic_ids[i]) for i in order], rotation=30, ha="right"
    )
    ax.set_ylabel("normalised topical follower share")
    ax.set_title(title or "topical followers (Fig. 2)")
    fig.tight_layout()
    return fig


def plot_log_f_qq(F_col, topic: str = "", sample: int = 10_000, seed: int = 0):
    """Fig. 4: normal quantile plot of ``log F`` for one topic (positive scores only)."""
    import matplotlib.pyplot as plt
    from scipy.special import ndtri

    x = np.asarray(F_col, dtype=float)
    x = np.log(x[x > 0])
    if x.size > sample:
        x = np.random.default_rng(seed).choice(x, sample, replace=False)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    if x.size >= 3:
        osr = np.sort(x)
        # Blom plotting positions -> standard normal quantiles
        osm = ndtri((np.arange(1, x.size + 1) - 0.375) / (x.size + 0.25))
        slope, icpt = np.polyfit(osm, osr, 1)
        ax.plot(osm, osr, ".", ms=3)
        ax.plot(osm, slope * osm + icpt, "r--", lw=1)
    ax.set_xlabel("standard normal quantiles")
    ax.set_ylabel("quantiles of log F")
    ax.set_title(f"log F, topic {topic}" if topic else "log F")
    fig.tight_layout()
    return fig


def plot_table6(table):
    """Table 6 as grouped bars: measured precision/recall per method beside the paper's."""
    import matplotlib.pyplot as plt

    df = table.to_frame()
    x = np.arange(len(df))
    fig, ax = plt.subplots(figsize=(6, 3.2))
    w = 0.2
    ax.bar(x - 1.5 * w, df["precision"], w, label="precision")
    ax.bar(x - 0.5 * w, df["paper_precision"], w, label="precision (paper)", alpha=0.5)
    ax.bar(x + 0.5 * w, df["recall"], w, label="recall")
    ax.bar(x + 1.5 * w, df["paper_recall"], w, label="recall (paper)", alpha=0.5)
    ax.set_xticks(x, df["method"])
    ax.set_ylim(0, 1.05)
    ax.set_title(f"precision / recall @ k={table.k}")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def plot_blogcatalog(rows, paper: dict | None = None):
    """Micro-/Macro-F1 against the labelled share on BlogCatalog (``rows``: dicts with
    ``p``, ``micro_f1``, ``macro_f1``); ``paper``: {"p": [...], "micro": [...],
    "macro": [...]} for the published DeepWalk figures."""
    import matplotlib.pyplot as plt

    p = [r["p"] for r in rows]
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(p, [r["micro_f1"] for r in rows], "o-", label="ALF propagation Micro-F1")
    ax.plot(p, [r["macro_f1"] for r in rows], "s-", label="ALF propagation Macro-F1")
    if paper:
        ax.plot(paper["p"], paper["micro"], "o--", alpha=0.6, label="DeepWalk Micro-F1")
        ax.plot(paper["p"], paper["macro"], "s--", alpha=0.6, label="DeepWalk Macro-F1")
    ax.set_xlabel("labelled share p")
    ax.set_ylabel("F1")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
