"""Fine-tuning the beauty CNN (Beautiful and damned §4).

As in the paper, an ImageNet-pretrained network gets a new 3-way output layer (low /
medium / high quality) and is fine-tuned: first the new head alone on frozen features
(``head_epochs``), then the whole network with a smaller learning rate for the backbone.
On CUDA the forward/backward passes run under bf16 (fp16 + loss scaling on older GPUs)
autocast on channels-last tensors.  After every epoch a checkpoint is written (atomically)
so that ``resume`` continues from the last finished epoch.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from kernel.steps import Steps, as_steps
from scoring.backbones import Preprocess
from scoring.data import ImageDataset, SkipLog, make_loader
from scoring.device import autocast, autocast_dtype, resolve_device, seed_everything, to_device
from scoring.errors import ScoringError
from scoring.labels import CLASSES
from scoring.model import BeautyNet, build_beauty_model, save_checkpoint

__all__ = [
    "EpochMetrics",
    "TrainConfig",
    "TrainResult",
    "extract_features",
    "train",
    "train_head_epoch",
    "train_one_epoch",
]


@dataclass
class TrainConfig:
    """Everything that defines a training run (stored in the checkpoint's ``args``)."""

    out: str = "model.pt"
    backbone: str = "efficientnet_lite0"
    weights: str | None = "DEFAULT"
    classes: tuple[str, ...] = CLASSES
    image_size: int = 224
    epochs: int = 6
    head_epochs: int = 2
    batch: int = 32
    lr: float = 1e-3
    backbone_lr_factor: float = 0.05
    weight_decay: float = 1e-4
    dropout: float = 0.2
    workers: int = 0
    device: str = "auto"
    seed: int = 0
    deterministic: bool = False
    amp: bool = True
    channels_last: bool = True
    hflip: bool = True
    cache_features: bool = True
    freeze_bn: bool = True
    resume: str | None = None

    def validate(self) -> None:
        if self.epochs < 1:
            raise ScoringError(f"epochs={self.epochs} must be >= 1")
        if not 0 <= self.head_epochs <= self.epochs:
            raise ScoringError(
                f"head_epochs={self.head_epochs} must be in [0, epochs={self.epochs}]"
            )
        if self.batch < 1:
            raise ScoringError(f"batch={self.batch} must be >= 1")
        if not self.lr > 0:
            raise ScoringError(f"lr={self.lr} must be > 0")
        if self.workers < 0:
            raise ScoringError(f"workers={self.workers} must be >= 0")


@dataclass
class EpochMetrics:
    """What one epoch measured."""

    epoch: int
    phase: str
    lr: float
    train_loss: float
    train_accuracy: float
    val_loss: float = float("nan")
    val_accuracy: float = float("nan")
    n_train: int = 0
    n_skipped: int = 0
    seconds: float = 0.0


@dataclass
class TrainResult:
    """The trained model (eval mode, CPU) with its per-epoch history and skipped images."""

    model: BeautyNet
    transform: Preprocess
    history: list[EpochMetrics]
    checkpoint: Path
    skipped: SkipLog = field(default_factory=SkipLog)
    start_epoch: int = 0

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([asdict(m) for m in self.history])


def _lr_factor(epoch: int, cfg: TrainConfig) -> float:
    """Constant during the head phase, then a cosine decay over the fine-tuning epochs."""
    if epoch < cfg.head_epochs:
        return 1.0
    n = max(cfg.epochs - cfg.head_epochs, 1)
    k = epoch - cfg.head_epochs
    return 0.5 * (1.0 + math.cos(math.pi * k / n)) * 0.9 + 0.1


def _optimizer(model: BeautyNet, cfg: TrainConfig) -> torch.optim.Optimizer:
    return torch.optim.AdamW(
        [
            {"params": list(model.backbone.parameters()), "lr": cfg.lr * cfg.backbone_lr_factor},
            {"params": list(model.head.parameters()), "lr": cfg.lr},
        ],
        weight_decay=cfg.weight_decay,
    )


def train_one_epoch(
    model: BeautyNet,
    loader,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    *,
    head_only: bool,
    scaler=None,
    amp: bool = True,
    channels_last: bool = True,
    hflip: bool = True,
    freeze_bn: bool = False,
    generator: torch.Generator | None = None,
    skips: SkipLog | None = None,
    paths: Sequence[str] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[float, float, int]:
    """One pass over ``loader``; returns (mean loss, accuracy, images used)."""
    model.train()
    if head_only:
        model.backbone.eval()  # frozen features: keep the ImageNet BatchNorm statistics
    elif freeze_bn:  # small fine-tuning batches: keep BatchNorm running statistics fixed
        for m in model.backbone.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.eval()
    loss_fn = nn.CrossEntropyLoss()
    total_loss, correct, n = 0.0, 0, 0
    for batch in loader:
        if skips is not None and paths is not None:
            skips.add(batch, paths)
        b = batch.x.shape[0]
        if b == 0:
            continue
        x = batch.x
        if hflip:  # aesthetics do not change under a left-right flip
            flip = torch.rand(b, generator=generator) < 0.5
            if flip.any():
                x = x.clone()
                x[flip] = x[flip].flip(-1)
        x = to_device(x, device, channels_last)
        y = batch.y.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        with autocast(device, amp):
            logits = model(x)
            loss = loss_fn(logits.float(), y)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            optimizer.step()
        total_loss += float(loss.detach()) * b
        correct += int((logits.detach().argmax(1) == y).sum())
        n += b
        if on_batch is not None:
            on_batch(b + len(batch.skipped))
    if n == 0:
        raise ScoringError("no readable training images in this epoch (all were skipped)")
    return total_loss / n, correct / n, n


@torch.inference_mode()
def extract_features(
    model: BeautyNet,
    loader,
    device: torch.device,
    *,
    amp: bool = True,
    channels_last: bool = True,
    skips: SkipLog | None = None,
    paths: Sequence[str] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Backbone features (eval mode) and labels of every readable image, on the CPU."""
    model.eval()
    feats, labels = [], []
    for batch in loader:
        if skips is not None and paths is not None:
            skips.add(batch, paths)
        if batch.x.shape[0]:
            with autocast(device, amp):
                f = model.backbone(to_device(batch.x, device, channels_last))
            feats.append(torch.flatten(f.float(), 1).cpu())
            labels.append(batch.y)
        if on_batch is not None:
            on_batch(batch.x.shape[0] + len(batch.skipped))
    if not feats:
        raise ScoringError("no readable training images (all were skipped)")
    return torch.cat(feats), torch.cat(labels)


def train_head_epoch(
    model: BeautyNet,
    feats: torch.Tensor,
    labels: torch.Tensor,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    *,
    batch_size: int,
    generator: torch.Generator,
) -> tuple[float, float, int]:
    """One head-only epoch on cached backbone features (same result as running the frozen
    backbone in eval mode each epoch, without its cost); returns (loss, accuracy, n)."""
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    perm = torch.randperm(len(labels), generator=generator)
    total, correct = 0.0, 0
    for start in range(0, len(perm), batch_size):
        idx = perm[start : start + batch_size]
        f, y = feats[idx].to(device), labels[idx].to(device)
        optimizer.zero_grad(set_to_none=True)
        logits = model.head(model.dropout(f))
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        total += float(loss.detach()) * len(idx)
        correct += int((logits.detach().argmax(1) == y).sum())
    return total / len(perm), correct / len(perm), len(perm)


@torch.inference_mode()
def _validate(model, loader, device, amp, channels_last) -> tuple[float, float]:
    model.eval()
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    total, correct, n = 0.0, 0, 0
    for batch in loader:
        if batch.x.shape[0] == 0:
            continue
        x = to_device(batch.x, device, channels_last)
        y = batch.y.to(device)
        with autocast(device, amp):
            logits = model(x).float()
        total += float(loss_fn(logits, y))
        correct += int((logits.argmax(1) == y).sum())
        n += int(y.shape[0])
    return (total / n, correct / n) if n else (float("nan"), float("nan"))


def _load_resume(path: str | os.PathLike, cfg: TrainConfig) -> dict:
    from scoring.model import load_checkpoint

    loaded = load_checkpoint(path)
    if loaded.backbone != cfg.backbone or tuple(loaded.classes) != tuple(cfg.classes):
        raise ScoringError(
            f"cannot resume from {path}: it has backbone {loaded.backbone!r} and classes "
            f"{list(loaded.classes)}, this run asks for {cfg.backbone!r} and {list(cfg.classes)}"
        )
    if int(loaded.checkpoint["image_size"]) != int(cfg.image_size):
        raise ScoringError(
            f"cannot resume from {path}: image size {loaded.checkpoint['image_size']} != {cfg.image_size}"
        )
    return loaded.checkpoint


def train(
    cfg: TrainConfig,
    train_paths: Sequence[str],
    train_labels,
    val_paths: Sequence[str] | None = None,
    val_labels=None,
    *,
    steps: Steps | None = None,
    on_epoch: Callable[[EpochMetrics], None] | None = None,
) -> TrainResult:
    """Fine-tune a :class:`BeautyNet` on labelled image paths; checkpoint after each epoch.

    ``train_labels`` index ``cfg.classes``.  With ``cfg.resume`` the model, optimizer,
    scheduler and history of that checkpoint are restored and training continues at
    the epoch after the saved one (a finished run is returned as it is).
    """
    cfg.validate()
    train_labels = np.asarray(train_labels, dtype=np.int64)
    if len(train_paths) != len(train_labels):
        raise ScoringError(f"{len(train_paths)} training images but {len(train_labels)} labels")
    if len(train_paths) == 0:
        raise ScoringError("no training images")
    if train_labels.min() < 0 or train_labels.max() >= len(cfg.classes):
        raise ScoringError(f"labels must index classes {list(cfg.classes)}")
    device = resolve_device(cfg.device)
    seed_everything(cfg.seed, cfg.deterministic)

    resume_ckpt = _load_resume(cfg.resume, cfg) if cfg.resume else None
    model, transform = build_beauty_model(
        cfg.backbone,
        weights=None if resume_ckpt is not None else cfg.weights,
        classes=cfg.classes,
        image_size=cfg.image_size,
        dropout=cfg.dropout,
    )
    optimizer = _optimizer(model, cfg)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: _lr_factor(e, cfg))
    use_scaler = autocast_dtype(device) == torch.float16 and cfg.amp
    scaler = torch.amp.GradScaler("cuda") if use_scaler else None
    history: list[EpochMetrics] = []
    start = 0
    if resume_ckpt is not None:
        model.load_state_dict(resume_ckpt["model"])
        if resume_ckpt.get("optimizer"):
            optimizer.load_state_dict(resume_ckpt["optimizer"])
        if resume_ckpt.get("scheduler"):
            scheduler.load_state_dict(resume_ckpt["scheduler"])
        if scaler is not None and resume_ckpt.get("scaler"):
            scaler.load_state_dict(resume_ckpt["scaler"])
        history = [EpochMetrics(**h) for h in resume_ckpt.get("history", [])]
        start = int(resume_ckpt["epoch"])
        # the schedule follows this run's config (e.g. more epochs than the saved run had)
        for group, base in zip(optimizer.param_groups, scheduler.base_lrs, strict=True):
            group["lr"] = base * _lr_factor(start, cfg)
    model.to(device)
    if device.type == "cuda" and cfg.channels_last:
        model.to(memory_format=torch.channels_last)

    paths = [str(p) for p in train_paths]
    ds = ImageDataset(paths, train_labels, transform)
    val_loader = None
    if val_paths is not None and len(val_paths):
        val_ds = ImageDataset([str(p) for p in val_paths], np.asarray(val_labels), transform)
        val_loader = make_loader(val_ds, batch_size=cfg.batch, workers=cfg.workers, device=device)
    flip_gen = torch.Generator()
    skips = SkipLog()
    args = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(cfg).items()}
    out = Path(cfg.out)

    if start >= cfg.epochs:
        model.eval()
        return TrainResult(model.cpu(), transform, history, out, skips, start)

    cached: tuple[torch.Tensor, torch.Tensor] | None = None
    steps = as_steps(steps)
    for epoch in range(start, cfg.epochs):
        head_only = epoch < cfg.head_epochs
        model.freeze_backbone(head_only)
        phase = "head" if head_only else "full"
        with steps(f"epoch {epoch + 1}/{cfg.epochs} ({phase})", total=len(ds)) as bar:
            loader = make_loader(
                ds,
                batch_size=cfg.batch,
                workers=cfg.workers,
                shuffle=True,
                device=device,
                seed=cfg.seed * 1000 + epoch,
            )
            t0 = time.perf_counter()
            # per-epoch seeds: a resumed run repeats the uninterrupted one exactly
            torch.manual_seed(cfg.seed * 100_003 + epoch)
            flip_gen.manual_seed(cfg.seed * 7919 + epoch)
            lr_now = optimizer.param_groups[1]["lr"]
            if head_only and cfg.cache_features:
                if cached is None:
                    cached = extract_features(
                        model,
                        make_loader(ds, batch_size=cfg.batch, workers=cfg.workers, device=device),
                        device,
                        amp=cfg.amp,
                        channels_last=cfg.channels_last,
                        skips=skips,
                        paths=paths,
                        on_batch=bar.advance,
                    )
                loss, acc, n = train_head_epoch(
                    model,
                    cached[0],
                    cached[1],
                    optimizer,
                    device,
                    batch_size=cfg.batch,
                    generator=flip_gen,
                )
            else:
                loss, acc, n = train_one_epoch(
                    model,
                    loader,
                    optimizer,
                    device,
                    head_only=head_only,
                    scaler=scaler,
                    amp=cfg.amp,
                    channels_last=cfg.channels_last,
                    hflip=cfg.hflip,
                    freeze_bn=cfg.freeze_bn,
                    generator=flip_gen,
                    skips=skips,
                    paths=paths,
                    on_batch=bar.advance,
                )
            scheduler.step()
            m = EpochMetrics(
                epoch=epoch + 1,
                phase=phase,
                lr=lr_now,
                train_loss=loss,
                train_accuracy=acc,
                n_train=n,
                n_skipped=len(skips),
            )
            if val_loader is not None:
                m.val_loss, m.val_accuracy = _validate(
                    model, val_loader, device, cfg.amp, cfg.channels_last
                )
            m.seconds = time.perf_counter() - t0
            history.append(m)
            save_checkpoint(
                out,
                model,
                backbone=cfg.backbone,
                classes=cfg.classes,
                image_size=cfg.image_size,
                epoch=epoch + 1,
                optimizer=optimizer,
                scheduler=scheduler,
                args=args,
                history=[asdict(h) for h in history],
                scaler=scaler,
            )
            if on_epoch is not None:
                on_epoch(m)
    model.freeze_backbone(False)
    model.eval()
    model = model.cpu().to(memory_format=torch.contiguous_format)
    return TrainResult(model, transform, history, out, skips, start)
