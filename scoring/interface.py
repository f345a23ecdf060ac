"""What a beauty model returns and what it offers: :class:`ScoreBatch` and :class:`BeautyScorer`.

Both :mod:`scoring.scorer` (the CNN, :func:`~scoring.scorer.resolve_scorer`, the scoring
loops) and :mod:`scoring.brisque` (the built-in model) need these two types, and
``scorer`` imports ``brisque`` to build the built-in scorer; the types live here, below
both, so that no import runs from ``brisque`` back to ``scorer`` (``lint-imports`` keeps
it so).

>>> import numpy as np
>>> ScoreBatch(beauty=np.array([0.25, 0.75])).probs is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:  # torch is imported where it is used: a missing model fails fast
    import torch

__all__ = ["BeautyScorer", "ScoreBatch"]


@dataclass(frozen=True)
class ScoreBatch:
    """Scores of one batch.

    Attributes
    ----------
    beauty : ``(b,)`` float64 in [0, 1], higher = better.
    probs : ``(b, 3)`` p_low, p_mid, p_high of a CNN (p_mid NaN for a binary head), or
        ``None`` for a model without classes.
    raw : ``(b,)`` the model's own output before the map to [0, 1] (BRISQUE's quality
        score, lower = better), or ``None``.
    mean_score : ``(b,)`` NIMA's mean vote in [1, 10] (:mod:`scoring.nima`), or ``None``
        for a model that does not predict votes.
    """

    beauty: np.ndarray
    probs: np.ndarray | None = None
    raw: np.ndarray | None = None
    mean_score: np.ndarray | None = None


@runtime_checkable
class BeautyScorer(Protocol):
    """What ``score beauty``, the demo and the benchmarks need from a beauty model."""

    source: str
    description: str
    #: the Photo slot its scores go to (:mod:`graphdb.beauty_slots`): ``"aesthetic"``
    #: (Photo.beauty) or ``"technical"`` (Photo.quality)
    kind: str

    @property
    def transform(self) -> Callable[[Any], torch.Tensor]:
        """Per image (PIL) -> tensor; picklable, runs in DataLoader workers."""
        ...

    def predict(self, x: torch.Tensor, device: torch.device) -> ScoreBatch:
        """Scores of a batch of transformed images (``x`` stacked on the CPU)."""
        ...

    def release(self) -> None:
        """Free device memory after a run (move the model back to the CPU)."""
        ...
