"""Evaluating the beauty CNN as in Beautiful and damned §4–5.

* class accuracy (3-way low/medium/high, the paper's 62.5 %) and binary accuracy (the AVA
  benchmark task, the paper's 77.6 %);
* Spearman's ρ between predicted beauty (Eq. 1) and human mean scores with a confidence
  interval (the crowd check, ρ = 0.48);
* Fig. 4: mean human score per 0.1-wide bin of predicted beauty, with 95 % intervals;
* §5's machine-as-extra-annotator check: annotator reliabilities τ from a one-coin
  Dawid–Skene consensus model (each rater reports the latent true grade with probability
  τ, otherwise a grade drawn from the overall grade distribution — the "reliable or
  random" model of Ye et al. that the paper uses), computed for the human raters, for a
  planted random rater, and for the network's scores rescaled to the raters' 5-point scale.

Pure numpy (plus ``math``): arrays in, small dataclasses out.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scoring.beauty import beauty_from_probs

__all__ = [
    "DecileTable",
    "EvalResult",
    "ReliabilityResult",
    "SpearmanResult",
    "annotator_reliability",
    "decile_table",
    "evaluate_predictions",
    "machine_as_annotator",
    "rank_average",
    "spearman_ci",
]


# -- Spearman with a confidence interval ----------------------------------------------


def rank_average(x) -> np.ndarray:
    """Ranks 1..n with ties sharing their average rank."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=np.float64)
    xs = x[order]
    start = 0
    n = len(x)
    while start < n:
        stop = start + 1
        while stop < n and xs[stop] == xs[start]:
            stop += 1
        ranks[order[start:stop]] = 0.5 * (start + stop - 1) + 1.0
        start = stop
    return ranks


@dataclass(frozen=True)
class SpearmanResult:
    """ρ with a Fisher-z confidence interval (Bonett–Wright standard error) and a
    two-sided p-value from the normal approximation of ``atanh(ρ)``."""

    rho: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    level: float = 0.95


def spearman_ci(x, y, level: float = 0.95) -> SpearmanResult:
    """Spearman's ρ of paired samples (NaN pairs dropped) with a ``level`` interval.

    SE of ``atanh(ρ)`` is ``sqrt((1 + ρ²/2) / (n - 3))`` (Bonett & Wright 2000).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"x and y differ in shape: {x.shape} vs {y.shape}")
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = len(x)
    if n < 4:
        raise ValueError(f"need at least 4 pairs for a Spearman interval; got n={n}")
    rx, ry = rank_average(x), rank_average(y)
    rx -= rx.mean()
    ry -= ry.mean()
    denom = math.sqrt(float(rx @ rx) * float(ry @ ry))
    rho = float(rx @ ry) / denom if denom > 0 else float("nan")
    if math.isnan(rho):
        return SpearmanResult(rho, float("nan"), float("nan"), float("nan"), n, level)
    z_crit = _normal_quantile(0.5 + level / 2)
    r = min(max(rho, -0.999999), 0.999999)
    se = math.sqrt((1 + r * r / 2) / (n - 3))
    z = math.atanh(r)
    p = math.erfc(abs(z) / se / math.sqrt(2))
    return SpearmanResult(rho, math.tanh(z - z_crit * se), math.tanh(z + z_crit * se), p, n, level)


def _normal_quantile(p: float) -> float:
    """Inverse standard normal CDF by bisection on ``erf`` (exact to ~1e-12)."""
    lo, hi = -10.0, 10.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if 0.5 * math.erfc(-mid / math.sqrt(2)) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# -- Fig. 4: mean human score per bin of predicted beauty ----------------------------


@dataclass(frozen=True)
class DecileTable:
    """Fig. 4: for bins ``[lo, hi)`` of predicted beauty (last bin closed), the number of
    images and the mean human score with a normal-approximation 95 % interval."""

    bin_low: np.ndarray
    bin_high: np.ndarray
    n: np.ndarray
    mean: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(asdict(self))


def decile_table(predicted, human, n_bins: int = 10) -> DecileTable:
    """Mean human score per equally spaced bin of predicted beauty over [0, 1]."""
    predicted = np.asarray(predicted, dtype=np.float64)
    human = np.asarray(human, dtype=np.float64)
    if predicted.shape != human.shape:
        raise ValueError(f"predicted and human differ in shape: {predicted.shape} vs {human.shape}")
    ok = ~(np.isnan(predicted) | np.isnan(human))
    predicted, human = predicted[ok], human[ok]
    if np.any((predicted < 0) | (predicted > 1)):
        raise ValueError("predicted beauty must lie in [0, 1]")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.floor(predicted * n_bins).astype(np.int64), 0, n_bins - 1)
    n = np.bincount(idx, minlength=n_bins)
    sums = np.bincount(idx, weights=human, minlength=n_bins)
    sq = np.bincount(idx, weights=human * human, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / n
        var = (sq - n * mean * mean) / np.maximum(n - 1, 1)
        half = 1.959963984540054 * np.sqrt(np.maximum(var, 0.0) / n)
    half = np.where(n > 1, half, np.nan)
    return DecileTable(edges[:-1], edges[1:], n, mean, mean - half, mean + half)


# -- §5: reliability of annotators, the machine as one more annotator -------------------


@dataclass(frozen=True)
class ReliabilityResult:
    """Per-rater reliability τ (probability of reporting the latent true grade) and the
    summaries the paper quotes (mean / max human τ, random rater, machine)."""

    raters: np.ndarray
    tau: np.ndarray
    n_ratings: np.ndarray
    tau_mean_human: float
    tau_max_human: float
    tau_random: float = float("nan")
    tau_machine: float = float("nan")
    iterations: int = 0

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"rater": self.raters, "tau": self.tau, "n_ratings": self.n_ratings})


def annotator_reliability(
    items, raters, grades, *, n_grades: int | None = None, max_iter: int = 500, tol: float = 1e-8
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """One-coin Dawid–Skene EM over long-form ratings.

    Model: item ``i`` has a latent grade ``z_i ~ π``; rater ``j`` reports ``z_i`` with
    probability ``τ_j`` and otherwise a grade drawn from the overall grade frequencies
    ``q``, so ``P(r = l | z = k) = τ_j [l = k] + (1 - τ_j) q_l``.

    Parameters
    ----------
    items, raters : labels of the item and the rater of each rating (any hashables).
    grades : integer grades ``1..n_grades`` (``n_grades`` defaults to the maximum).

    Returns
    -------
    (rater labels, τ per rater, ratings per rater, posterior over grades per item, iterations)
    """
    items = np.asarray(items)
    raters = np.asarray(raters)
    grades = np.asarray(grades, dtype=np.int64)
    if not (len(items) == len(raters) == len(grades)):
        raise ValueError(
            f"items, raters, grades differ in length: {len(items)}, {len(raters)}, {len(grades)}"
        )
    if len(grades) == 0:
        raise ValueError("no ratings")
    k = int(n_grades or grades.max())
    if grades.min() < 1 or grades.max() > k:
        raise ValueError(f"grades must lie in 1..{k}; got {grades.min()}..{grades.max()}")
    item_ids, ii = np.unique(items, return_inverse=True)
    rater_ids, jj = np.unique(raters, return_inverse=True)
    g = grades - 1
    n_items, n_raters = len(item_ids), len(rater_ids)
    q = np.bincount(g, minlength=k).astype(np.float64)
    q = (q + 1e-3) / (q + 1e-3).sum()
    # initialise the posterior with each item's vote histogram (majority-vote start)
    post = np.full((n_items, k), 1e-3)
    np.add.at(post, (ii, g), 1.0)
    post /= post.sum(axis=1, keepdims=True)
    tau = np.full(n_raters, 0.5)
    n_per = np.bincount(jj, minlength=n_raters)
    n_iter = 0
    for it in range(1, max_iter + 1):
        n_iter = it
        # M-step: τ_j = expected share of j's ratings that came from the "reliable" branch
        t = tau[jj]
        p_true = post[ii, g]  # posterior that the reported grade is the true one
        reliable = p_true * t / (t + (1 - t) * q[g])
        new_tau = np.bincount(jj, weights=reliable, minlength=n_raters) / np.maximum(n_per, 1)
        new_tau = np.clip(new_tau, 1e-6, 1 - 1e-6)
        pi = post.mean(axis=0) + 1e-9
        # E-step: posterior over the latent grade of each item
        logp = np.tile(np.log(pi), (n_items, 1))
        t = new_tau[jj]
        # log P(r | z = c) for every candidate c: (1 - t) q_r everywhere, plus t at c = r
        base = np.log((1 - t) * q[g])
        hit = np.log(t + (1 - t) * q[g])
        np.add.at(logp, ii, base[:, None] * np.ones((1, k)))
        np.add.at(logp, (ii, g), hit - base)
        logp -= logp.max(axis=1, keepdims=True)
        new_post = np.exp(logp)
        new_post /= new_post.sum(axis=1, keepdims=True)
        delta = max(float(np.abs(new_tau - tau).max()), float(np.abs(new_post - post).max()))
        tau, post = new_tau, new_post
        if delta < tol:
            break
    return rater_ids, tau, n_per, post, n_iter


def rescale_to_grades(scores, reference_grades, n_grades: int = 5) -> np.ndarray:
    """Map continuous scores to ``1..n_grades`` so that the grade shares equal those of
    ``reference_grades`` (quantile matching: the machine uses the raters' scale as they do).
    """
    scores = np.asarray(scores, dtype=np.float64)
    ref = np.asarray(reference_grades, dtype=np.int64)
    shares = np.bincount(ref - 1, minlength=n_grades)[:n_grades].astype(np.float64)
    cum = np.cumsum(shares) / shares.sum()
    cuts = np.quantile(scores, cum[:-1])
    return np.searchsorted(cuts, scores, side="left").astype(np.int64) + 1


def machine_as_annotator(
    items,
    raters,
    grades,
    machine_items,
    machine_scores,
    *,
    n_grades: int = 5,
    seed: int = 0,
) -> ReliabilityResult:
    """§5: reliabilities of the human raters, of a planted uniformly random rater and of
    the network (continuous beauty rescaled to the 5-point scale) added as one more rater.

    The random rater and the machine rate every item that has a machine score; the
    human τ summaries come from the fit that includes both extra raters.
    """
    items = np.asarray(items).astype(str)
    raters = np.asarray(raters).astype(str)
    grades = np.asarray(grades, dtype=np.int64)
    m_items = np.asarray(machine_items).astype(str)
    m_scores = np.asarray(machine_scores, dtype=np.float64)
    ok = ~np.isnan(m_scores) & np.isin(m_items, items)
    m_items, m_scores = m_items[ok], m_scores[ok]
    if len(m_items) == 0:
        raise ValueError("no machine-scored item has human ratings")
    machine_grades = rescale_to_grades(m_scores, grades, n_grades)
    rng = np.random.default_rng(seed)
    random_grades = rng.integers(1, n_grades + 1, size=len(m_items))
    m_name, r_name = "__machine__", "__random__"
    all_items = np.concatenate([items, m_items, m_items])
    all_raters = np.concatenate(
        [raters, np.full(len(m_items), m_name), np.full(len(m_items), r_name)]
    )
    all_grades = np.concatenate([grades, machine_grades, random_grades])
    ids, tau, n_per, _, it = annotator_reliability(
        all_items, all_raters, all_grades, n_grades=n_grades
    )
    human = ~np.isin(ids, [m_name, r_name])
    return ReliabilityResult(
        raters=ids,
        tau=tau,
        n_ratings=n_per,
        tau_mean_human=float(tau[human].mean()),
        tau_max_human=float(tau[human].max()),
        tau_random=float(tau[ids == r_name][0]),
        tau_machine=float(tau[ids == m_name][0]),
        iterations=it,
    )


# -- everything together -------------------------------------------------------------


@dataclass
class EvalResult:
    """Evaluation of predicted class probabilities against labels and human scores."""

    n: int
    classes: tuple[str, ...]
    accuracy: float
    binary_accuracy: float
    n_binary: int
    confusion: np.ndarray
    spearman: SpearmanResult | None = None
    deciles: DecileTable | None = None
    reliability: ReliabilityResult | None = None
    n_skipped: int = 0
    extra: dict = field(default_factory=dict)

    def headline(self) -> dict:
        out: dict[str, Any] = {
            "n": self.n,
            "accuracy": self.accuracy,
            "binary_accuracy": self.binary_accuracy,
            "n_skipped": self.n_skipped,
        }
        if self.spearman is not None:
            out.update(
                spearman=self.spearman.rho,
                spearman_ci=[self.spearman.ci_low, self.spearman.ci_high],
                spearman_p=self.spearman.p_value,
            )
        if self.reliability is not None:
            out.update(
                tau_mean_human=self.reliability.tau_mean_human,
                tau_max_human=self.reliability.tau_max_human,
                tau_random=self.reliability.tau_random,
                tau_machine=self.reliability.tau_machine,
            )
        out.update(self.extra)
        return out

    def confusion_frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.confusion, columns=[f"pred_{c}" for c in self.classes])
        df.insert(0, "true", list(self.classes))
        return df


def evaluate_predictions(
    probs, labels, classes, human_scores=None, *, level: float = 0.95
) -> EvalResult:
    """Accuracies, confusion matrix and — with human scores — Spearman and Fig. 4 table.

    Binary accuracy: for a (low, high) model plain accuracy; for a 3-class model the
    accuracy of ``p_high > p_low`` on the images labelled low or high (medium left out).
    Rows of ``probs`` that are NaN (skipped images) are left out.
    """
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    classes = tuple(classes)
    if probs.ndim != 2 or probs.shape != (len(labels), len(classes)):
        raise ValueError(f"probs must be ({len(labels)}, {len(classes)}); got {probs.shape}")
    ok = ~np.isnan(probs).any(axis=1)
    n_skipped = int((~ok).sum())
    probs, labels = probs[ok], labels[ok]
    pred = probs.argmax(axis=1)
    k = len(classes)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (labels, pred), 1)
    acc = float((pred == labels).mean()) if len(labels) else float("nan")
    lo, hi = classes.index("low"), classes.index("high")
    sel = (labels == lo) | (labels == hi)
    bin_pred = np.where(probs[sel, hi] > probs[sel, lo], hi, lo)
    bin_acc = float((bin_pred == labels[sel]).mean()) if sel.any() else float("nan")
    res = EvalResult(
        n=int(len(labels)),
        classes=classes,
        accuracy=acc,
        binary_accuracy=bin_acc,
        n_binary=int(sel.sum()),
        confusion=confusion,
        n_skipped=n_skipped,
    )
    if human_scores is not None:
        human = np.asarray(human_scores, dtype=np.float64)[ok]
        if np.isfinite(human).sum() >= 4:
            beauty = beauty_from_probs(probs, classes)
            res.spearman = spearman_ci(beauty, human, level)
            res.deciles = decile_table(beauty, human)
    return res
