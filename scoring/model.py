"""The beauty CNN: an ImageNet backbone with a new low/medium/high head (§4 of
Beautiful and damned), plus its checkpoint format.

A checkpoint is a dict ``{model, optimizer, scheduler, epoch, args, classes, backbone,
image_size, format}`` saved with ``torch.save`` and always loaded on the CPU with
``weights_only=True``.

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
from typing import Any

import torch
from torch import nn

from scoring.backbones import Preprocess, build_feature_backbone, get_backbone
from scoring.errors import ScoringError
from scoring.labels import CLASSES

__all__ = [
    "CHECKPOINT_FORMAT",
    "BeautyNet",
    "LoadedModel",
    "build_beauty_model",
    "load_checkpoint",
    "save_checkpoint",
]

CHECKPOINT_FORMAT = "beautygraph-beauty-v1"


class BeautyNet(nn.Module):
    """Backbone features -> dropout -> linear head over ``classes`` (low, medium, high).

    ``forward`` returns logits; the softmax gives p_LQ, p_MQ, p_HQ of §4.
    """

    def __init__(
        self, backbone: nn.Module, feature_dim: int, n_classes: int = 3, dropout: float = 0.2
    ) -> None:
        super().__init__()
        self.backbone = backbone
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(feature_dim, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feats = self.backbone(x)
        if feats.ndim > 2:
            feats = torch.flatten(feats, 1)
        return self.head(self.dropout(feats))

    def freeze_backbone(self, frozen: bool = True) -> None:
        """Head-only training: no gradients into the backbone (its BatchNorms keep running
        statistics when the caller puts the backbone in eval mode)."""
        for p in self.backbone.parameters():
            p.requires_grad_(not frozen)


def build_beauty_model(
    backbone: str = "efficientnet_lite0",
    *,
    weights: str | os.PathLike | None = "DEFAULT",
    classes: tuple[str, ...] = CLASSES,
    image_size: int | None = None,
    dropout: float = 0.2,
) -> tuple[BeautyNet, Preprocess]:
    """A fresh :class:`BeautyNet` on ImageNet weights and its preprocessing."""
    module, dim, transform = build_feature_backbone(
        backbone, weights=weights, image_size=image_size
    )
    return BeautyNet(module, dim, n_classes=len(classes), dropout=dropout), transform


@dataclass
class LoadedModel:
    """A model restored from a checkpoint (on the CPU, eval mode) with its metadata."""

    model: BeautyNet
    transform: Preprocess
    classes: tuple[str, ...]
    backbone: str
    checkpoint: dict[str, Any]

    @property
    def epoch(self) -> int:
        return int(self.checkpoint.get("epoch", -1))


def save_checkpoint(
    path: str | os.PathLike,
    model: BeautyNet,
    *,
    backbone: str,
    classes: tuple[str, ...],
    image_size: int,
    epoch: int,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any = None,
    args: dict | None = None,
    history: list[dict] | None = None,
    scaler: Any = None,
) -> Path:
    """Write a checkpoint atomically (temporary file + rename: an interrupted save never
    leaves a truncated model)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    ckpt = {
        "format": CHECKPOINT_FORMAT,
        "model": state,
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "scaler": scaler.state_dict() if scaler is not None else None,
        "epoch": int(epoch),
        "args": dict(args or {}),
        "classes": list(classes),
        "backbone": backbone,
        "image_size": int(image_size),
        "history": list(history or []),
    }
    tmp = path.with_name(path.name + ".tmp")
    torch.save(ckpt, tmp)
    os.replace(tmp, path)
    return path


def load_checkpoint(path: str | os.PathLike) -> LoadedModel:
    """Rebuild the model of a checkpoint written by :func:`save_checkpoint` (CPU, eval mode).

    A missing file, a file that is not a beautygraph checkpoint (e.g. bare ImageNet
    weights) or one whose tensors do not fit its declared backbone raise
    :class:`ScoringError`.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise ScoringError(
            f"model file not found: {path} (train one with `beautygraph score train`)"
        )
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ScoringError(f"cannot read model file {path}: {type(exc).__name__}") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != CHECKPOINT_FORMAT:
        raise ScoringError(
            f"{path} is not a beauty model checkpoint (expected a file written by "
            f"`beautygraph score train`, e.g. not bare ImageNet weights)"
        )
    backbone = str(ckpt["backbone"])
    get_backbone(backbone)  # unknown name -> ScoringError
    classes = tuple(ckpt["classes"])
    model, transform = build_beauty_model(
        backbone, weights=None, classes=classes, image_size=int(ckpt["image_size"])
    )
    own = model.state_dict()
    state = ckpt["model"]
    bad = [k for k in own if k not in state or tuple(state[k].shape) != tuple(own[k].shape)]
    extra = [k for k in state if k not in own]
    if bad or extra:
        raise ScoringError(
            f"model file {path} does not match backbone {backbone!r} with {len(classes)} classes "
            f"({len(bad)} missing/mismatched, {len(extra)} unexpected tensors, e.g. "
            f"{(bad + extra)[0]})"
        )
    model.load_state_dict(state)
    model.eval()
    return LoadedModel(
        model=model, transform=transform, classes=classes, backbone=backbone, checkpoint=ckpt
    )
