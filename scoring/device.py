"""Device selection and the CUDA fast paths (autocast, channels-last), CPU fallbacks."""

from __future__ import annotations

import contextlib
import os
import random

import numpy as np
import torch

from kernel.params import Problem
from scoring.errors import InvalidScoringParams, ScoringError

__all__ = ["autocast", "autocast_dtype", "resolve_device", "seed_everything", "to_device"]


def resolve_device(device: str | torch.device | None = "auto") -> torch.device:
    """``auto`` -> CUDA when available, else CPU; ``cuda`` without a GPU is a ScoringError."""
    if isinstance(device, torch.device):
        return device
    name = (device or "auto").strip().lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise InvalidScoringParams(
                "",
                [
                    Problem(
                        ("device",), (name,), "needs a CUDA GPU and none is here (use cpu or auto)"
                    )
                ],
            )
        return torch.device(name)
    if name == "cpu":
        return torch.device("cpu")
    raise ScoringError(f"unknown device {device!r}; use auto, cpu or cuda")


def autocast_dtype(device: torch.device) -> torch.dtype | None:
    """bf16 on GPUs that support it, fp16 on older ones, ``None`` (fp32) on the CPU."""
    if device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def autocast(device: torch.device, enabled: bool = True):
    """Mixed-precision context for CUDA; a no-op elsewhere."""
    dtype = autocast_dtype(device) if enabled else None
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type="cuda", dtype=dtype)


def to_device(x: torch.Tensor, device: torch.device, channels_last: bool = True) -> torch.Tensor:
    """Move an image batch; on CUDA non-blocking (pinned memory) and channels-last."""
    if device.type == "cuda":
        x = x.to(device, non_blocking=True)
        return x.contiguous(memory_format=torch.channels_last) if channels_last else x
    return x.to(device)


def seed_everything(seed: int, deterministic: bool = False) -> None:
    """Seed python, numpy and torch; ``deterministic`` also forces deterministic kernels
    (slower on GPUs; CPU runs with ``workers=0`` are reproducible either way)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    elif torch.cuda.is_available():
        torch.backends.cudnn.benchmark = True
