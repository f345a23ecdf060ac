"""The continuous beauty score of Beautiful and damned §4, Eq. 1.

The network's softmax gives p_LQ, p_MQ, p_HQ (low / medium / high quality); the paper
keeps the two extreme classes, where the network is most accurate, and maps them to [0, 1]:

    s = (p_HQ - p_LQ + 1) / 2                                               (Eq. 1)

s = 1 for a surely-high photo, 0 for a surely-low one, 0.5 when p_HQ = p_LQ.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import numpy as np

__all__ = ["beauty_from_probs", "beauty_score"]


def beauty_score(p_low, p_high):
    """Eq. 1: ``(p_high - p_low + 1) / 2`` elementwise (numpy arrays, scalars or tensors).

    Raises ``ValueError`` for probabilities outside [0, 1] (NaN passes through).

    Examples
    --------
    >>> float(beauty_score(0.1, 0.7))
    0.8
    """
    if hasattr(p_low, "detach"):  # torch tensors stay tensors
        return (p_high - p_low + 1.0) / 2.0
    lo = np.asarray(p_low, dtype=np.float64)
    hi = np.asarray(p_high, dtype=np.float64)
    for name, arr in (("p_low", lo), ("p_high", hi)):
        bad = (arr < -1e-6) | (arr > 1 + 1e-6)
        if np.any(bad):
            raise ValueError(f"{name} must lie in [0, 1]; got {arr[bad].ravel()[:3].tolist()}")
    return (hi - lo + 1.0) / 2.0


def beauty_from_probs(probs, classes: tuple[str, ...] | list[str] = ("low", "medium", "high")):
    """Eq. 1 from an ``(n, k)`` probability matrix whose columns are ``classes``.

    Works for the 3-class head (low, medium, high) and the binary one (low, high).
    """
    classes = list(classes)
    if "low" not in classes or "high" not in classes:
        raise ValueError(f"classes must include 'low' and 'high'; got {classes}")
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] != len(classes):
        raise ValueError(f"probs must be (n, {len(classes)}); got shape {probs.shape}")
    return beauty_score(probs[:, classes.index("low")], probs[:, classes.index("high")])
