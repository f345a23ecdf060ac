"""One interface for every beauty model: the paper's CNN and the built-in BRISQUE.

A :class:`BeautyScorer` turns decoded images into a beauty score in [0, 1] in two steps, so
that decoding and feature work can run in DataLoader worker processes while the model runs
in the main process (on the GPU for the CNN):

* ``scorer.transform(pil_image) -> torch.Tensor`` — per image, picklable (it runs in the
  workers): the CNN's resize/crop/normalise, or BRISQUE's 36 natural-scene-statistics
  features;
* ``scorer.predict(batch, device) -> ScoreBatch`` — per batch: the CNN's forward pass and
  Eq. 1 of Beautiful and damned [1] (§4), or BRISQUE's support-vector regression and its map to
  [0, 1] (:mod:`scoring.brisque`).

``scorer.source`` names where a score comes from and is stored as ``Photo.beauty_source``:
``"brisque"`` or ``"cnn:<checkpoint id>"`` (``"input"`` is reserved for a beauty column of
``photos.csv``).  :func:`resolve_scorer` turns a ``--model`` value into a scorer;
:func:`iter_scores` streams the scores of image files, :func:`score_images` scores images
already in memory (the real-photo check).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from scoring.errors import ScoringError
from scoring.interface import BeautyScorer, ScoreBatch

if TYPE_CHECKING:  # torch is imported where it is used: a missing model fails fast
    import torch

__all__ = [
    "BUILTIN_MODELS",
    "DEFAULT_MODEL",
    "BeautyScorer",
    "CnnScorer",
    "ScoreBatch",
    "available_models_text",
    "checkpoint_id",
    "iter_scores",
    "resolve_scorer",
    "score_images",
]

#: the model of ``score beauty`` when ``--model`` and ``$BEAUTYGRAPH_MODEL`` are unset
DEFAULT_MODEL = "nima"
#: built-in models, by the name ``--model`` takes, with a one-line description
BUILTIN_MODELS: dict[str, str] = {
    "nima": (
        "aesthetic quality (NIMA, a MobileNet trained on the votes of AVA's photographers; "
        "ships with beautygraph, works offline; the default)"
    ),
    "brisque": (
        "technical image quality (BRISQUE, trained on the LIVE database's human quality "
        "scores; ships with beautygraph, works offline)"
    ),
}


# -- the paper's CNN ---------------------------------------------------------------------------


def checkpoint_id(path: str | os.PathLike) -> str:
    """``<file stem>-<first 10 hex digits of the file's SHA-256>``: the same weights give
    the same id wherever the file lies, another training run gives another id.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "model.pt"
    >>> _ = p.write_bytes(b"weights")
    >>> checkpoint_id(p)
    'model-9a129038d9'
    """
    path = Path(path)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return f"{path.stem}-{digest.hexdigest()[:10]}"


class CnnScorer:
    """The beauty CNN (an ImageNet backbone with a low/medium/high head) as a scorer.

    ``predict`` runs the network in eval mode on ``device`` (channels-last inputs and
    bf16/fp16 autocast on CUDA), takes the softmax and maps it to beauty by Eq. 1,
    ``(p_HQ - p_LQ + 1) / 2``.
    """

    def __init__(
        self, loaded, checkpoint: str, *, amp: bool = True, channels_last: bool = True
    ) -> None:
        self.loaded = loaded
        self.kind = "aesthetic"
        self.source = f"cnn:{checkpoint}"
        self.description = f"beauty CNN {getattr(loaded, 'backbone', '')} ({checkpoint})"
        self.transform = loaded.transform
        self.classes = tuple(loaded.classes)
        self.amp = amp
        self.channels_last = channels_last
        self._net: Any = None
        self._device: torch.device | None = None

    @classmethod
    def from_checkpoint(cls, path: str | os.PathLike) -> CnnScorer:
        from scoring.model import load_checkpoint

        return cls(load_checkpoint(path), checkpoint_id(path))

    def _prepared(self, device: torch.device):
        from scoring.infer import prepare_for_inference

        if self._net is None or self._device != device:
            self._net = prepare_for_inference(self.loaded.model, device, self.channels_last)
            self._device = device
        return self._net

    def predict(self, x: torch.Tensor, device: torch.device) -> ScoreBatch:
        import torch

        from scoring.beauty import beauty_from_probs
        from scoring.device import autocast, to_device

        net = self._prepared(device)
        with torch.inference_mode():
            xb = to_device(x, device, self.channels_last)
            with autocast(device, self.amp):
                logits = net(xb)
            probs = torch.softmax(logits.float(), dim=1).cpu().numpy().astype(np.float64)
        cols = [
            probs[:, self.classes.index(c)] if c in self.classes else np.full(len(probs), np.nan)
            for c in ("low", "medium", "high")
        ]
        return ScoreBatch(
            beauty=beauty_from_probs(probs, self.classes), probs=np.column_stack(cols)
        )

    def release(self) -> None:
        self.loaded.model.cpu()
        self._net, self._device = None, None


# -- choosing a model --------------------------------------------------------------------------


def _checkpoints_near(folder: Path, limit: int = 5) -> list[str]:
    try:
        found = sorted(str(p) for p in folder.glob("*.pt") if p.is_file())
    except OSError:
        return []
    return found[:limit]


def available_models_text(cwd: str | os.PathLike | None = None) -> str:
    """One line naming what ``--model`` accepts here: the built-in models, the checkpoint
    in ``$BEAUTYGRAPH_MODEL`` and ``*.pt`` files in the working directory."""
    parts = [f"{name} ({desc.split(' (')[0]})" for name, desc in BUILTIN_MODELS.items()]
    env = os.environ.get("BEAUTYGRAPH_MODEL")
    if env:
        parts.append(f"$BEAUTYGRAPH_MODEL={env}")
    near = _checkpoints_near(Path(cwd) if cwd else Path.cwd())
    if near:
        parts.append("checkpoints here: " + ", ".join(near))
    else:
        parts.append("a checkpoint from `beautygraph score train` (none found here)")
    return "; ".join(parts)


def resolve_scorer(model: str | os.PathLike | None) -> BeautyScorer:
    """The scorer for a ``--model`` value: a built-in name (``nima``, ``brisque``) or the
    path of a checkpoint written by ``score train``; ``None`` falls back to
    ``$BEAUTYGRAPH_MODEL``, then to :data:`DEFAULT_MODEL`.

    Raises :class:`ScoringError` naming the available models for anything else.
    """
    if model is None or str(model).strip() == "":
        model = os.environ.get("BEAUTYGRAPH_MODEL") or DEFAULT_MODEL
    name = str(model).strip()
    if name.lower() == "nima" and not Path(name).is_file():
        from scoring.nima import NimaScorer

        return NimaScorer()
    if name.lower() == "brisque" and not Path(name).is_file():
        from scoring.brisque import BrisqueScorer

        return BrisqueScorer()
    path = Path(name).expanduser()
    if not path.is_file():
        raise ScoringError(
            f"beauty model {name!r} is neither a built-in model nor a checkpoint file; "
            f"available: {available_models_text()}"
        )
    return CnnScorer.from_checkpoint(path)


# -- running a scorer --------------------------------------------------------------------------


def iter_scores(
    scorer: BeautyScorer,
    paths: Sequence[str],
    device: torch.device,
    *,
    batch_size: int = 64,
    workers: int = 0,
    skips=None,
    decode_on_device: bool | None = None,
) -> Iterator[tuple[np.ndarray, ScoreBatch]]:
    """Yield ``(indices into paths, scores)`` batch by batch.

    Decoding and ``scorer.transform`` run in ``workers`` DataLoader processes (pinned
    memory when the device is CUDA, :func:`scoring.data.make_loader`); unreadable images
    are dropped from their batch and recorded in ``skips`` (a :class:`SkipLog`).

    ``decode_on_device`` (default: on a CUDA device, for a scorer with a
    ``device_preprocess``, i.e. NIMA): the workers only read the files and each batch of
    JPEGs is decoded, resized and normalised on ``device``
    (:mod:`scoring.device_decode`).
    """
    device_preprocess = getattr(scorer, "device_preprocess", None)
    if decode_on_device is None:
        decode_on_device = device.type == "cuda" and device_preprocess is not None
    if decode_on_device:
        if device_preprocess is None:
            raise ScoringError(f"{scorer.source} has no on-device preprocessing")
        yield from _iter_scores_decoding_on_device(
            scorer, paths, device, device_preprocess, batch_size, workers, skips
        )
        return
    from scoring.data import ImageDataset, make_loader

    ds = ImageDataset(list(paths), None, scorer.transform)
    loader = make_loader(ds, batch_size=batch_size, workers=workers, device=device)
    for batch in loader:
        if skips is not None:
            skips.add(batch, ds.paths)
        if batch.x.shape[0] == 0:
            continue
        yield batch.index.numpy(), scorer.predict(batch.x, device)


def _iter_scores_decoding_on_device(
    scorer: BeautyScorer,
    paths: Sequence[str],
    device: torch.device,
    preprocess,
    batch_size: int,
    workers: int,
    skips,
) -> Iterator[tuple[np.ndarray, ScoreBatch]]:
    from scoring.device_decode import decode_batch, make_encoded_loader

    paths = list(paths)
    loader = make_encoded_loader(paths, batch_size=batch_size, workers=workers, device=device)
    for batch in loader:
        x, index, bad = decode_batch(batch, device, preprocess)
        if skips is not None:
            skips.add_skipped(batch.skipped + bad, paths)
        if x.shape[0] == 0:
            continue
        yield index.numpy(), scorer.predict(x, device)


def score_images(
    scorer: BeautyScorer,
    images: Sequence[Any],
    device: torch.device | None = None,
    batch_size: int = 32,
) -> np.ndarray:
    """Beauty in [0, 1] of PIL images already in memory (no files, no workers)."""
    import torch

    device = device or torch.device("cpu")
    out = np.empty(len(images), dtype=np.float64)
    for s in range(0, len(images), batch_size):
        x = torch.stack([scorer.transform(im) for im in images[s : s + batch_size]])
        out[s : s + len(x)] = scorer.predict(x, device).beauty
    return out
