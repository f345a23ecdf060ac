"""Image datasets and loaders that survive bad files.

A missing, truncated or non-image file never stops a run: :class:`ImageDataset` returns
``None`` for it, :func:`collate_skipping` drops it from the batch and reports its index,
and the caller counts and lists the skipped images.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

__all__ = [
    "Batch",
    "ImageDataset",
    "SkipLog",
    "collate_skipping",
    "default_workers",
    "make_loader",
    "resolve_image_paths",
]

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff")


def _read_image(path: str):
    from PIL import Image

    with Image.open(path) as im:
        im.load()  # force decoding here: truncated files fail now, not later
        return im.convert("RGB")


class ImageDataset(Dataset):
    """``(tensor, label, index)`` for each path; ``None`` when the image cannot be read.

    ``labels`` may be ``None`` (inference): the label is then -1.
    """

    def __init__(self, paths: Sequence[str | os.PathLike], labels=None, transform=None) -> None:
        self.paths = [str(p) for p in paths]
        self.labels = None if labels is None else np.asarray(labels, dtype=np.int64)
        if self.labels is not None and len(self.labels) != len(self.paths):
            raise ValueError(f"{len(self.paths)} paths but {len(self.labels)} labels")
        self.transform = transform

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int):
        try:
            image = _read_image(self.paths[i])
            x = self.transform(image) if self.transform is not None else image
        except Exception as exc:  # missing, unreadable, truncated, wrong format
            return (
                None,
                i,
                f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
            )
        y = -1 if self.labels is None else int(self.labels[i])
        return (x, y, i)


@dataclass
class Batch:
    """A collated batch: inputs, labels (-1 when unknown), dataset indices, and the
    indices (with reasons) of the images that were dropped from it."""

    x: torch.Tensor
    y: torch.Tensor
    index: torch.Tensor
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def pin_memory(self) -> Batch:  # DataLoader(pin_memory=True) calls this
        return Batch(
            self.x.pin_memory(), self.y.pin_memory(), self.index.pin_memory(), self.skipped
        )


def collate_skipping(items) -> Batch:
    """Stack the readable items, remember the unreadable ones."""
    good = [it for it in items if it[0] is not None]
    skipped = [(int(it[1]), str(it[2])) for it in items if it[0] is None]
    if good:
        x = torch.stack([it[0] for it in good])
        y = torch.tensor([it[1] for it in good], dtype=torch.int64)
        idx = torch.tensor([it[2] for it in good], dtype=torch.int64)
    else:
        x = torch.zeros((0, 3, 1, 1))
        y = torch.zeros(0, dtype=torch.int64)
        idx = torch.zeros(0, dtype=torch.int64)
    return Batch(x, y, idx, skipped)


@dataclass
class SkipLog:
    """Images skipped during a run: paths and reasons, in the order met."""

    items: dict[int, tuple[str, str]] = field(default_factory=dict)

    def add(self, batch: Batch, paths: Sequence[str]) -> None:
        self.add_skipped(batch.skipped, paths)

    def add_skipped(self, skipped: Sequence[tuple[int, str]], paths: Sequence[str]) -> None:
        """Record ``(dataset index, reason)`` pairs."""
        for i, why in skipped:
            self.items.setdefault(i, (paths[i], why))

    def __len__(self) -> int:
        return len(self.items)

    @property
    def paths(self) -> list[str]:
        return [p for p, _ in self.items.values()]

    def lines(self, limit: int | None = None) -> list[str]:
        rows = [f"{p}: {why}" for p, why in self.items.values()]
        return rows if limit is None else rows[:limit]


def make_loader(
    dataset: Dataset,
    *,
    batch_size: int,
    workers: int = 0,
    shuffle: bool = False,
    device: torch.device | str = "cpu",
    seed: int = 0,
    drop_last: bool = False,
) -> DataLoader:
    """A DataLoader with the skipping collate, ``workers`` processes (persistent, with
    prefetching) and pinned memory when the batches go to a CUDA device."""
    gen = torch.Generator()
    gen.manual_seed(int(seed))
    cuda = torch.device(device).type == "cuda"
    kwargs: dict[str, Any] = {}
    if workers > 0:
        kwargs = {"persistent_workers": False, "prefetch_factor": 4}
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shuffle,
        num_workers=int(workers),
        collate_fn=collate_skipping,
        pin_memory=cuda,
        generator=gen,
        drop_last=drop_last,
        worker_init_fn=_seed_worker,
        **kwargs,
    )


def _seed_worker(worker_id: int) -> None:
    import random

    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)


def default_workers(device: torch.device | str) -> int:
    """DataLoader workers when the user gave none: 0 on the CPU (decoding in the main
    process is cheaper than a second process competing for the same cores; measured in
    ``bench/bench_scoring.py``), up to 4 feeding a GPU."""
    if torch.device(device).type != "cuda":
        return 0
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def resolve_image_paths(
    ids: Sequence[str] | np.ndarray, root: str | os.PathLike | None
) -> list[str]:
    """Paths of images named by ``ids`` (relative to ``root``, or absolute).

    An id without a suffix that is not a file gets the first existing
    ``root/id.<ext>`` among common image suffixes (AVA names images ``<image_id>.jpg``).
    Paths that do not exist are returned as they are (the dataset reports them).
    """
    root_path = Path(root) if root is not None else None
    out: list[str] = []
    for raw in ids:
        p = Path(str(raw))
        if not p.is_absolute() and root_path is not None:
            p = root_path / p
        if not p.suffix and not p.exists():
            for suf in IMAGE_SUFFIXES:
                cand = p.with_name(p.name + suf)
                if cand.exists():
                    p = cand
                    break
        out.append(str(p))
    return out
