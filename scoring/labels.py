"""Training labels for the beauty CNN (Beautiful and damned §4).

* AVA vote histograms (``AVA.txt``: ``index image_id c1 .. c10 tag1 tag2 challenge_id``,
  ``c_k`` = number of votes for score k): the mean score ``sum_k k c_k / sum_k c_k`` is
  turned into 3 buckets (low / medium / high) by its tertiles, as the paper buckets its
  training images by a quality metric; ``binary=True`` gives the AVA benchmark task,
  high = mean score > 5.
* Plain CSV: a column naming the image (``image``, ``image_id``, ``photo_id``, ``path`` or
  ``file``) and either ``label`` (low/medium/high, or 0/1/2), a numeric ``score`` /
  ``rating`` / ``beauty`` / ``mean_score`` column, or vote counts in columns ``votes_1`` …
  ``votes_K`` (or ``c1`` … ``cK``; ``votes_k`` = number of votes for rating k, mean rating
  ``sum_k k votes_k / sum_k votes_k`` as for AVA), bucketed by quantiles like the AVA means.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.errors import ScoringError

__all__ = [
    "BINARY_CLASSES",
    "CLASSES",
    "LabelSet",
    "ava_mean_scores",
    "binary_labels",
    "quantile_buckets",
    "read_ava",
    "read_labels",
]

CLASSES: tuple[str, ...] = ("low", "medium", "high")
BINARY_CLASSES: tuple[str, ...] = ("low", "high")
_AVA_COLUMNS = [
    "index",
    "image_id",
    *[f"c{k}" for k in range(1, 11)],
    "tag1",
    "tag2",
    "challenge_id",
]
_ID_COLUMNS = ("image", "image_id", "photo_id", "path", "file", "id")
_SCORE_COLUMNS = ("score", "mean_score", "rating", "beauty", "mean")
_VOTE_PREFIXES = ("votes_", "vote_", "votes", "c")


def _vote_columns(lower: dict[str, str]) -> list[str] | None:
    """The vote-count columns ``<prefix>1 … <prefix>K`` (K >= 2) of a CSV, in rating order."""
    for prefix in _VOTE_PREFIXES:
        cols = []
        k = 1
        while f"{prefix}{k}" in lower:
            cols.append(lower[f"{prefix}{k}"])
            k += 1
        if len(cols) >= 2:
            return cols
    return None


@dataclass(frozen=True)
class LabelSet:
    """Images with class labels and (when known) continuous human scores.

    ``image_ids[i]`` names the image (an id or a relative path), ``labels[i]`` indexes
    ``classes``, ``scores[i]`` is the human mean score (NaN when unknown).
    """

    image_ids: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]
    scores: np.ndarray
    source: str = ""

    def __len__(self) -> int:
        return len(self.image_ids)

    def subset(self, idx) -> LabelSet:
        idx = np.asarray(idx)
        return LabelSet(
            self.image_ids[idx], self.labels[idx], self.classes, self.scores[idx], self.source
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "image_id": self.image_ids,
                "label": [self.classes[int(k)] for k in self.labels],
                "score": self.scores,
            }
        )


def ava_mean_scores(counts) -> np.ndarray:
    """Mean AVA score ``sum_k k c_k / sum_k c_k`` of each row of vote counts ``(n, 10)``."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[1] != 10:
        raise ValueError(f"vote counts must be (n, 10); got shape {counts.shape}")
    totals = counts.sum(axis=1)
    if np.any(totals <= 0):
        raise ValueError(f"rows without votes: {np.flatnonzero(totals <= 0)[:5].tolist()}")
    return counts @ np.arange(1, 11, dtype=np.float64) / totals


def quantile_buckets(scores, n_buckets: int = 3) -> np.ndarray:
    """Bucket index 0..n_buckets-1 of each score by its empirical quantiles (tertiles for 3).

    Ties at a cut go to the lower bucket; NaN scores are refused.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN")
    cuts = np.quantile(scores, np.arange(1, n_buckets) / n_buckets)
    return np.searchsorted(cuts, scores, side="left").astype(np.int64)


def binary_labels(mean_scores, threshold: float = 5.0) -> np.ndarray:
    """AVA benchmark labels: 1 (high) where the mean score is > ``threshold``, else 0."""
    return (np.asarray(mean_scores, dtype=np.float64) > threshold).astype(np.int64)


def read_ava(path: str | Path) -> pd.DataFrame:
    """Parse an AVA.txt file into a frame with ``image_id``, ``c1..c10``, tags, challenge
    and ``mean_score``.  A malformed row raises :class:`ScoringError` naming its line."""
    path = Path(path)
    if not path.is_file():
        raise ScoringError(f"label file not found: {path}")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 15:
                raise ScoringError(
                    f"{path}:{lineno}: AVA rows have 15 fields "
                    f"(index image_id c1..c10 tag1 tag2 challenge_id); got {len(parts)}"
                )
            try:
                nums = [int(p) for p in parts]
            except ValueError:
                raise ScoringError(
                    f"{path}:{lineno}: non-integer field in {line.strip()!r}"
                ) from None
            if min(nums[2:12]) < 0 or sum(nums[2:12]) == 0:
                raise ScoringError(
                    f"{path}:{lineno}: vote counts must be >= 0 with at least one vote"
                )
            rows.append(nums)
    if not rows:
        raise ScoringError(f"{path}: no AVA rows")
    df = pd.DataFrame(rows, columns=_AVA_COLUMNS)
    df["image_id"] = df["image_id"].astype(str)
    df["mean_score"] = ava_mean_scores(df[[f"c{k}" for k in range(1, 11)]].to_numpy())
    return df


def _is_ava(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                parts = line.split()
                return len(parts) == 15 and all(p.lstrip("-").isdigit() for p in parts)
    return False


def read_labels(path: str | os.PathLike, *, binary: bool = False) -> LabelSet:
    """Read AVA.txt or a label CSV (format detected) into a :class:`LabelSet`.

    ``binary=True`` gives the classes (low, high): AVA mean > 5, or for CSV scores the
    upper half, or for CSV class labels low/high only (medium rows are dropped).
    """
    path = Path(path)
    if not path.is_file():
        raise ScoringError(f"label file not found: {path}")
    if _is_ava(path):
        df = read_ava(path)
        scores = df["mean_score"].to_numpy()
        labels = binary_labels(scores) if binary else quantile_buckets(scores)
        classes = BINARY_CLASSES if binary else CLASSES
        return LabelSet(df["image_id"].to_numpy(dtype=object), labels, classes, scores, str(path))
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise ScoringError(f"cannot read label file {path}: {exc}") from None
    lower = {c.lower().strip(): c for c in df.columns}
    id_col = next((lower[c] for c in _ID_COLUMNS if c in lower), None)
    if id_col is None:
        raise ScoringError(
            f"{path}: need an image column ({', '.join(_ID_COLUMNS)}); got {list(df.columns)}"
        )
    ids = df[id_col].astype(str).str.strip().to_numpy(dtype=object)
    score_col = next((lower[c] for c in _SCORE_COLUMNS if c in lower), None)
    scores = np.full(len(df), np.nan)
    votes = _vote_columns(lower) if score_col is None and "label" not in lower else None
    if votes is not None:
        counts = df[votes].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
        bad = np.flatnonzero(np.isnan(counts).any(1) | (counts < 0).any(1) | (counts.sum(1) <= 0))
        if bad.size:
            raise ScoringError(
                f"{path}:{bad[0] + 2}: vote counts {votes[0]}..{votes[-1]} must be numbers >= 0 "
                f"with at least one vote; got {df[votes].iloc[bad[0]].tolist()}"
            )
        k = np.arange(1, len(votes) + 1, dtype=np.float64)
        scores = counts @ k / counts.sum(1)
        score_col = "votes"
    elif score_col is not None:
        scores = pd.to_numeric(df[score_col], errors="coerce").to_numpy(dtype=np.float64)
        bad = np.flatnonzero(np.isnan(scores) & (df[score_col].str.strip() != "").to_numpy())
        if bad.size:
            raise ScoringError(
                f"{path}:{bad[0] + 2}: {score_col} is not a number ({df[score_col].iloc[bad[0]]!r})"
            )
    if "label" in lower:
        raw = df[lower["label"]].str.strip().str.lower().to_numpy()
        if binary:
            mapping = {"low": 0, "high": 1, "0": 0, "1": 1}
            keep = np.array([r in mapping for r in raw]) & ~np.isin(raw, ["medium", "mid"])
            classes = BINARY_CLASSES
        else:
            mapping = {"low": 0, "medium": 1, "mid": 1, "high": 2, "0": 0, "1": 1, "2": 2}
            keep = np.ones(len(raw), dtype=bool)
            classes = CLASSES
        unknown = [i for i, r in enumerate(raw) if r not in mapping and r not in ("medium", "mid")]
        if unknown:
            i = unknown[0]
            raise ScoringError(
                f"{path}:{i + 2}: label {raw[i]!r} is not one of {', '.join(sorted(mapping))}"
            )
        labels = np.array([mapping.get(r, -1) for r in raw], dtype=np.int64)
        return LabelSet(ids[keep], labels[keep], classes, scores[keep], str(path))
    if score_col is None:
        raise ScoringError(
            f"{path}: need a 'label' column or a score column ({', '.join(_SCORE_COLUMNS)})"
        )
    ok = ~np.isnan(scores)
    ids, scores = ids[ok], scores[ok]
    if binary:
        labels = (scores > np.median(scores)).astype(np.int64)
        return LabelSet(ids, labels, BINARY_CLASSES, scores, str(path))
    return LabelSet(ids, quantile_buckets(scores), CLASSES, scores, str(path))
