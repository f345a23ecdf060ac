"""Where a photo's scores live: the aesthetic and the technical slot, side by side.

A photo can carry two scores at once, each with its provenance:

* **aesthetic** — ``Photo.beauty`` with ``beauty_source`` (``nima:<sha8>``, ``cnn:<id>``,
  ``input``) and, from a model with classes, ``p_low, p_mid, p_high`` and NIMA's
  ``mean_score``: beauty as Beautiful and damned (§4, Eq. 1) means it;
* **technical** — ``Photo.quality`` with ``quality_source`` (``brisque``): distortion
  (blur, noise, compression), blind to composition, light and subject.

``User.beauty`` is computed from ONE source, whichever slot holds it
(:func:`photo_score_of_source`); ``cypher/user_beauty.cypher`` and the Spark job
``beautygraph.engines.spark_beauty`` apply the same rule, and a test holds them equal.
A source found in both slots (a store scored by BRISQUE before the technical slot
existed keeps ``beauty_source = 'brisque'``) is read from the technical slot first.

>>> import numpy as np
>>> photo_score_of_source(
...     beauty=[0.7, 0.4, np.nan], beauty_source=["nima:e563ad91", "input", None],
...     quality=[0.2, np.nan, 0.9], quality_source=["brisque", None, "brisque"],
...     source="brisque").tolist()
[0.2, nan, 0.9]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["SCORE_PROPS", "SLOTS", "ScoreSlot", "photo_score_of_source", "slot_of_kind"]

#: the Photo properties :func:`photo_score_of_source` reads, in its argument order
SCORE_PROPS = ("beauty", "beauty_source", "quality", "quality_source")


@dataclass(frozen=True)
class ScoreSlot:
    """The Photo properties of one kind of score."""

    kind: str
    value: str
    source: str


SLOTS: dict[str, ScoreSlot] = {
    "aesthetic": ScoreSlot("aesthetic", "beauty", "beauty_source"),
    "technical": ScoreSlot("technical", "quality", "quality_source"),
}


def slot_of_kind(kind: str) -> ScoreSlot:
    """The slot of a scorer's ``kind`` (``"aesthetic"`` or ``"technical"``)."""
    try:
        return SLOTS[kind]
    except KeyError:
        raise ValueError(f"score kind must be one of {sorted(SLOTS)}; got {kind!r}") from None


def _sources(values: Sequence[object] | np.ndarray, missing: str | None) -> np.ndarray:
    return np.array([v if isinstance(v, str) else missing for v in values], dtype=object)


def photo_score_of_source(
    beauty: Sequence[float] | np.ndarray,
    beauty_source: Sequence[object] | np.ndarray,
    quality: Sequence[float] | np.ndarray,
    quality_source: Sequence[object] | np.ndarray,
    source: str,
) -> np.ndarray:
    """Each photo's score from ``source`` (NaN where it has none): the technical slot's
    ``quality`` where ``quality_source == source``, else the aesthetic slot's ``beauty``
    where ``beauty_source`` (missing = ``'unknown'``) ``== source``."""
    technical = _sources(quality_source, None) == source
    aesthetic = _sources(beauty_source, "unknown") == source
    return np.where(
        technical,
        np.asarray(quality, dtype=np.float64),
        np.where(aesthetic, np.asarray(beauty, dtype=np.float64), np.nan),
    )
