"""JPEG decoding on the scoring device: DataLoader workers read the files' bytes, the batch
is decoded where the model runs (nvJPEG on a GPU, ``torchvision.io.decode_jpeg`` with a
list of images), resized and normalised there.

Why: decoding and resizing a 512-pixel JPEG takes milliseconds of one CPU core
(``bench/bench_scoring.py`` reports it), so at the thousands of images per second a GPU
scores NIMA at, CPU decoding needs more cores than a GPU host gives its workers; reading
bytes is cheap.

The resize must stay the one the model was trained with.  NIMA's is PIL's nearest
neighbour (Keras ``load_img``), whose source index for each output row and column is not
``floor((i + 0.5) * scale)`` in every case (PIL computes it in fixed point); so the
indices are taken from PIL itself (:func:`pil_nearest_indices`, cached per size) and
applied on the device with ``index_select``.  On the CPU this path gives the PIL path's
tensors bit for bit (tested); on a GPU nvJPEG's IDCT may differ from libjpeg-turbo's by a
grey level in some pixels.

Files that are not JPEG (PNG, WebP, …) and JPEGs the device decoder refuses are decoded
by PIL on the CPU and join the batch; unreadable files are skipped and reported as in
:class:`scoring.data.ImageDataset`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

__all__ = [
    "EncodedBatch",
    "EncodedImages",
    "NearestResizeNormalise",
    "decode_batch",
    "make_encoded_loader",
    "pil_nearest_indices",
]

_JPEG_MAGIC = b"\xff\xd8\xff"


@functools.lru_cache(maxsize=4096)
def pil_nearest_indices(src: int, dst: int) -> np.ndarray:
    """The source index of each of ``dst`` output pixels when PIL resizes ``src`` pixels
    by nearest neighbour (read from PIL: a 1-pixel-high image of its own indices).

    >>> pil_nearest_indices(640, 4).tolist()
    [80, 240, 400, 560]
    """
    from PIL import Image

    ramp = Image.fromarray(np.arange(src, dtype=np.int32)[None, :], mode="I")
    out = np.asarray(ramp.resize((dst, 1), Image.Resampling.NEAREST))[0].astype(np.int64)
    out.setflags(write=False)
    return out


class EncodedImages(Dataset):
    """``(file bytes as a uint8 tensor, -1, index)``, or ``(None, index, reason)`` for a file
    that cannot be read."""

    def __init__(self, paths: Sequence[str | os.PathLike]) -> None:
        self.paths = [str(p) for p in paths]

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int):
        try:
            with open(self.paths[i], "rb") as fh:
                data = fh.read()
        except OSError as exc:
            return (None, i, f"{type(exc).__name__}: {exc.strerror or exc}")
        if not data:
            return (None, i, "empty file")
        return (torch.frombuffer(bytearray(data), dtype=torch.uint8), -1, i)


@dataclass
class EncodedBatch:
    """Encoded files of one batch, their dataset indices, and the skipped ones."""

    data: list[torch.Tensor]
    index: torch.Tensor
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def pin_memory(self) -> EncodedBatch:  # DataLoader(pin_memory=True) calls this
        return EncodedBatch([d.pin_memory() for d in self.data], self.index, self.skipped)


def collate_encoded(items) -> EncodedBatch:
    good = [it for it in items if it[0] is not None]
    skipped = [(int(it[1]), str(it[2])) for it in items if it[0] is None]
    index = torch.tensor([it[2] for it in good], dtype=torch.int64)
    return EncodedBatch([it[0] for it in good], index, skipped)


def make_encoded_loader(
    paths: Sequence[str], *, batch_size: int, workers: int, device: torch.device
) -> DataLoader:
    """Batches of encoded files, read in ``workers`` processes, pinned for a CUDA device."""
    return DataLoader(
        EncodedImages(paths),
        batch_size=batch_size,
        num_workers=int(workers),
        collate_fn=collate_encoded,
        pin_memory=device.type == "cuda",
        prefetch_factor=4 if workers > 0 else None,
    )


@dataclass(frozen=True)
class NearestResizeNormalise:
    """On-device twin of a PIL nearest resize to ``size``×``size`` and ``x / 127.5 - 1``
    (NIMA's preprocessing, :class:`scoring.nima.NimaPreprocess`)."""

    size: int = 224

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        """``(3, h, w)`` uint8 on any device -> ``(3, size, size)`` float32 there."""
        dev = image.device
        rows = torch.tensor(pil_nearest_indices(image.shape[1], self.size), device=dev)
        cols = torch.tensor(pil_nearest_indices(image.shape[2], self.size), device=dev)
        small = image.index_select(1, rows).index_select(2, cols)
        return small.to(torch.float32) / 127.5 - 1.0


def _decode_on_cpu(data: torch.Tensor) -> torch.Tensor:
    """One file's RGB pixels as ``(3, h, w)`` uint8, decoded by PIL (as the CPU path)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data.numpy().tobytes())) as im:
        im.load()
        rgb = np.asarray(im.convert("RGB"))
    return torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1)))


def decode_batch(
    batch: EncodedBatch, device: torch.device, preprocess: NearestResizeNormalise
) -> tuple[torch.Tensor, torch.Tensor, list[tuple[int, str]]]:
    """``(inputs on device, dataset indices, newly skipped)``: JPEGs decoded together on
    ``device`` (``torchvision.io.decode_jpeg`` with a list), the others by PIL."""
    from torchvision.io import ImageReadMode, decode_jpeg

    is_jpeg = [bytes(d[:3].tolist()) == _JPEG_MAGIC for d in batch.data]
    decoded: dict[int, torch.Tensor] = {}
    jpegs = [k for k, j in enumerate(is_jpeg) if j]
    if jpegs:
        try:
            images = decode_jpeg(
                [batch.data[k] for k in jpegs], mode=ImageReadMode.RGB, device=device
            )
            decoded.update(zip(jpegs, images, strict=True))
        except RuntimeError:  # one bad file fails the whole call: fall back one by one
            pass
    skipped: list[tuple[int, str]] = []
    for k, data in enumerate(batch.data):
        if k in decoded:
            continue
        try:
            decoded[k] = _decode_on_cpu(data).to(device, non_blocking=True)
        except Exception as exc:  # unreadable, truncated, wrong format
            skipped.append((int(batch.index[k]), f"{type(exc).__name__}: {exc}"))
    keep = sorted(decoded)
    if not keep:
        return torch.zeros((0, 3, preprocess.size, preprocess.size)), batch.index[:0], skipped
    x = torch.stack([preprocess(decoded[k]) for k in keep])
    return x, batch.index[keep], skipped
