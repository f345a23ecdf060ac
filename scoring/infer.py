"""Batched inference of the beauty CNN (Beautiful and damned §4).

:func:`iter_predictions` streams ``(dataset indices, softmax probabilities)`` batch by
batch so that callers write results as they go (an interrupted run keeps what it wrote);
on a GPU the forward pass runs under bf16/fp16 autocast on channels-last inputs from
pinned memory.  Unreadable images are skipped and collected in a :class:`SkipLog`.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from kernel.steps import Step
from scoring.beauty import beauty_from_probs
from scoring.data import ImageDataset, SkipLog, make_loader
from scoring.device import autocast, to_device

__all__ = ["Predictions", "iter_predictions", "predict_paths", "prepare_for_inference"]


def prepare_for_inference(
    model: nn.Module, device: torch.device, channels_last: bool = True
) -> nn.Module:
    """Eval mode on ``device``; channels-last weights on CUDA."""
    model = model.to(device).eval()
    if device.type == "cuda" and channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model


def iter_predictions(
    model: nn.Module,
    loader,
    device: torch.device,
    *,
    skips: SkipLog | None = None,
    paths: Sequence[str] | None = None,
    amp: bool = True,
    channels_last: bool = True,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(index, probs)`` per batch; ``probs`` is float64 ``(b, n_classes)``."""
    with torch.inference_mode():
        for batch in loader:
            if skips is not None and paths is not None:
                skips.add(batch, paths)
            if batch.x.shape[0] == 0:
                continue
            x = to_device(batch.x, device, channels_last)
            with autocast(device, amp):
                logits = model(x)
            probs = torch.softmax(logits.float(), dim=1).cpu().numpy().astype(np.float64)
            yield batch.index.numpy(), probs


@dataclass
class Predictions:
    """Probabilities for a list of images; rows of skipped images are NaN."""

    paths: list[str]
    probs: np.ndarray
    classes: tuple[str, ...]
    skipped: SkipLog

    @property
    def ok(self) -> np.ndarray:
        return ~np.isnan(self.probs[:, 0])

    @property
    def beauty(self) -> np.ndarray:
        """Eq. 1 per image (NaN where skipped)."""
        return beauty_from_probs(self.probs, self.classes)


def predict_paths(
    model: nn.Module,
    paths: Sequence[str | os.PathLike],
    transform,
    classes: Sequence[str],
    device: torch.device,
    *,
    batch_size: int = 64,
    workers: int = 0,
    amp: bool = True,
    channels_last: bool = True,
    on_batch: Callable[[np.ndarray, np.ndarray], None] | None = None,
    step: Step | None = None,
) -> Predictions:
    """Class probabilities for every path (NaN rows for unreadable ones)."""
    files = [str(p) for p in paths]
    ds = ImageDataset(files, None, transform)
    loader = make_loader(ds, batch_size=batch_size, workers=workers, device=device)
    probs = np.full((len(files), len(classes)), np.nan)
    skips = SkipLog()
    model = prepare_for_inference(model, device, channels_last)
    seen = 0
    for idx, p in iter_predictions(
        model, loader, device, skips=skips, paths=files, amp=amp, channels_last=channels_last
    ):
        probs[idx] = p
        if on_batch is not None:
            on_batch(idx, p)
        if step is not None:
            now = len(skips) + int((~np.isnan(probs[:, 0])).sum())
            step.advance(now - seen)
            seen = now
    return Predictions(paths=files, probs=probs, classes=tuple(classes), skipped=skips)
