"""Scoring propagated interests against hidden seeds: the DeepWalk protocol and
accuracy@1.

The DeepWalk protocol (Perozzi, Al-Rfou & Skiena, KDD 2014, §5.1; Tang & Liu, "Relational
learning via latent social dimensions", KDD 2009): each evaluated user ``u`` with ``k_u``
true topics is predicted her ``k_u`` best-scored topics; Micro-F1 pools true/false
positives over all (user, topic) pairs, Macro-F1 averages the per-topic F1 over all ``T``
topics (a topic with no true and no predicted user counts 0, as scikit-learn's
``f1_score(average="macro", zero_division=0)``).  Accuracy@1 is the share of users whose
best-scored topic is one of theirs.  Ties between topics are broken by a topic prior (the
frequency among the labelled users), then by topic index.

Example
-------
>>> import numpy as np
>>> truth = np.array([[1, 0, 0], [0, 1, 1]], dtype=bool)
>>> scores = np.array([[0.9, 0.1, 0.0], [0.5, 0.4, 0.3]])
>>> s = score_predictions(scores, truth)
>>> round(s.micro_f1, 4), round(s.accuracy, 4)
(0.6667, 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Scores", "f1_micro_macro", "score_predictions", "split_seeds", "top_true_predictions"]


def top_true_predictions(
    scores: np.ndarray, n_true: np.ndarray, prior: np.ndarray | None = None
) -> np.ndarray:
    """(n, T) bool: row ``i`` predicts its ``n_true[i]`` best topics (ties: prior, index)."""
    scores = np.asarray(scores, dtype=np.float64)
    n_true = np.asarray(n_true, dtype=np.int64)
    if scores.ndim != 2 or n_true.shape != (scores.shape[0],):
        raise ValueError(f"scores {scores.shape} and n_true {n_true.shape} do not match")
    if scores.size and not np.isfinite(scores).all():
        raise ValueError("scores must be finite")
    n, T = scores.shape
    if n_true.size and (n_true.min() < 0 or n_true.max() > T):
        raise ValueError(f"n_true must be in 0..{T}, got {n_true.min()}..{n_true.max()}")
    prior = np.zeros(T) if prior is None else np.asarray(prior, dtype=np.float64)
    # lexsort: last key is primary — score desc, then prior desc, then topic index
    idx = np.broadcast_to(np.arange(T), scores.shape)
    order = np.lexsort((idx, -np.broadcast_to(prior, scores.shape), -scores), axis=1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(T), scores.shape), axis=1)
    return rank < n_true[:, None]


def f1_micro_macro(truth: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """(Micro-F1, Macro-F1) of boolean (n, T) predictions (module docstring)."""
    truth = np.asarray(truth, dtype=bool)
    pred = np.asarray(pred, dtype=bool)
    if truth.shape != pred.shape:
        raise ValueError(f"truth {truth.shape} and pred {pred.shape} differ")
    tp = (truth & pred).sum(axis=0).astype(np.float64)
    fp = (~truth & pred).sum(axis=0).astype(np.float64)
    fn = (truth & ~pred).sum(axis=0).astype(np.float64)
    denom = 2 * tp.sum() + fp.sum() + fn.sum()
    micro = float(2 * tp.sum() / denom) if denom > 0 else 0.0
    per = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros_like(tp), where=(2 * tp + fp + fn) > 0)
    macro = float(per.mean()) if per.size else 0.0
    return micro, macro


@dataclass(frozen=True)
class Scores:
    """Micro-/Macro-F1 and accuracy@1 (all in [0, 1]) over ``n`` evaluated users."""

    micro_f1: float
    macro_f1: float
    accuracy: float
    n: int


def score_predictions(
    scores: np.ndarray, truth: np.ndarray, prior: np.ndarray | None = None
) -> Scores:
    """Score (n, T) topic scores against (n, T) true topics (users without any are skipped)."""
    truth = np.asarray(truth, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    if scores.shape != truth.shape:
        raise ValueError(f"scores {scores.shape} and truth {truth.shape} differ")
    keep = truth.any(axis=1)
    truth, scores = truth[keep], scores[keep]
    if not len(truth):
        return Scores(micro_f1=0.0, macro_f1=0.0, accuracy=0.0, n=0)
    pred = top_true_predictions(scores, truth.sum(axis=1), prior)
    micro, macro = f1_micro_macro(truth, pred)
    top1 = top_true_predictions(scores, np.ones(len(truth), dtype=np.int64), prior)
    acc = float((top1 & truth).any(axis=1).mean())
    return Scores(micro_f1=micro, macro_f1=macro, accuracy=acc, n=int(len(truth)))


def split_seeds(seeds: np.ndarray, holdout: float, rng: np.random.Generator) -> tuple:
    """(labelled, hidden) index arrays: ``round(holdout · n)`` of ``seeds`` hidden (at least
    one on each side when there are two or more seeds)."""
    if not 0 < holdout < 1:
        raise ValueError(f"holdout={holdout} must be in (0, 1)")
    seeds = np.asarray(seeds, dtype=np.int64)
    n = len(seeds)
    if n < 2:
        raise ValueError(f"need at least 2 seed users to hide some, got {n}")
    k = min(max(int(round(holdout * n)), 1), n - 1)
    perm = rng.permutation(n)
    return np.sort(seeds[perm[k:]]), np.sort(seeds[perm[:k]])
