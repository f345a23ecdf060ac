"""Figures of the scoring module (matplotlib, Agg backend; each returns a Figure).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import numpy as np

__all__ = ["plot_deciles", "plot_real_photo_check", "plot_reliability", "plot_training"]


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def plot_deciles(
    table, *, ylabel: str = "mean human score", rho: float | None = None, title: str = ""
):
    """Fig. 4 of Beautiful and damned: mean human score per 0.1-bin of predicted
    beauty with its 95 % interval (``table`` is a :class:`scoring.evaluate.DecileTable`)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    mid = (table.bin_low + table.bin_high) / 2
    ok = table.n > 0
    err = np.vstack([table.mean - table.ci_low, table.ci_high - table.mean])[:, ok]
    err = np.nan_to_num(err, nan=0.0)
    ax.errorbar(mid[ok], table.mean[ok], yerr=err, fmt="o-", color="#c33", capsize=3)
    for x, y, n in zip(mid[ok], table.mean[ok], table.n[ok], strict=True):
        ax.annotate(
            str(int(n)),
            (x, y),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=7,
            color="#666",
        )
    ax.set_xlim(0, 1)
    ax.set_xticks(np.linspace(0, 1, 11))
    ax.set_xlabel("predicted beauty s (Eq. 1), 0.1 bins")
    ax.set_ylabel(ylabel)
    label = title or "Mean human beauty per predicted-beauty bin"
    if rho is not None:
        label += f" (Spearman ρ = {rho:.2f})"
    ax.set_title(label, fontsize=9)
    ax.grid(alpha=0.3)
    return fig


def plot_training(history_frame):
    """Loss and accuracy per epoch (train and validation) of a training run."""
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8, 3.2))
    df = history_frame
    a1.plot(df["epoch"], df["train_loss"], "o-", label="train")
    if df["val_loss"].notna().any():
        a1.plot(df["epoch"], df["val_loss"], "s--", label="validation")
    a1.set_xlabel("epoch")
    a1.set_ylabel("cross-entropy")
    a1.legend()
    a2.plot(df["epoch"], df["train_accuracy"], "o-", label="train")
    if df["val_accuracy"].notna().any():
        a2.plot(df["epoch"], df["val_accuracy"], "s--", label="validation")
    a2.set_xlabel("epoch")
    a2.set_ylabel("accuracy")
    for ax in (a1, a2):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_reliability(result):
    """Reliability τ of every rater, the machine and the random rater highlighted (§5)."""
    plt = _plt()
    order = np.argsort(result.tau)
    names = result.raters[order]
    colors = [
        "#c33" if n == "__machine__" else "#888" if n == "__random__" else "#4a7" for n in names
    ]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.bar(np.arange(len(names)), result.tau[order], color=colors)
    ax.set_ylabel("reliability τ")
    ax.set_xlabel("annotators (red: the network, grey: random)")
    ax.set_xticks([])
    ax.set_ylim(0, 1)
    return fig


def plot_real_photo_check(checks):
    """The real-photo check (:mod:`scoring.realphoto`): one panel per degradation, mean
    score over the photos at each level (0 = original) with the range, one line per model
    (``checks``: ``{name: RealPhotoCheck}``)."""
    import pandas as pd

    plt = _plt()
    kinds = list(next(iter(checks.values())).by_kind["kind"])
    fig, axes = plt.subplots(1, len(kinds), figsize=(2.6 * len(kinds), 3.0), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, kind in zip(axes, kinds, strict=True):
        for name, chk in checks.items():
            sc = chk.scores
            orig = sc[sc["kind"] == "original"][["photo", "score"]].assign(level=0)
            part = sc[sc["kind"] == kind][["photo", "score", "level"]]
            both = pd.concat([orig, part], ignore_index=True)
            g = both.groupby("level")["score"]
            lv = np.asarray(g.mean().index, dtype=float)
            ax.plot(lv, g.mean().to_numpy(), marker="o", label=name)
            ax.fill_between(lv, g.min().to_numpy(), g.max().to_numpy(), alpha=0.15)
        ax.set_title(kind)
        ax.set_xlabel("level (0 = original)")
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("beauty score")
    axes[-1].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig
