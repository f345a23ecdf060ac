"""Strict JSON for every ``--json`` output and every JSON file the project writes.

RFC 8259 has no NaN or infinity; Python's ``json`` writes them as the bare words ``NaN``
and ``Infinity``, which strict parsers (``JSON.parse``, ``jq``, Go, Rust) reject.  Here
every non-finite float becomes ``null``, numpy scalars and arrays become plain numbers and
lists, paths become strings, and ``allow_nan=False`` makes any value that slipped through
an error instead of invalid output.

Example
-------
>>> import numpy as np
>>> dumps({"beauty": float("nan"), "k": np.int64(1), "x": np.array([1.5, np.inf])}, indent=None)
'{"beauty": null, "k": 1, "x": [1.5, null]}'
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["to_plain", "dumps", "write_json", "loads_strict"]


def to_plain(obj: Any, default: Callable[[Any], Any] | None = None) -> Any:
    """A copy of ``obj`` made of dict / list / str / int / float (finite) / bool / None;
    ``default`` converts any other object (else ``TypeError``)."""
    import numpy as np

    kind = type(obj)  # fast paths for the plain types (most values of a large output)
    if kind is str or kind is int or kind is bool or obj is None:
        return obj
    if kind is float:
        return obj if math.isfinite(obj) else None
    if kind is dict:
        out = {}
        for k, v in obj.items():
            vk = type(v)
            if vk is str or vk is int or vk is bool or v is None:
                pass
            elif vk is float:
                v = v if math.isfinite(v) else None
            else:
                v = to_plain(v, default)
            out[k if isinstance(k, str) else str(k)] = v
        return out
    if isinstance(obj, Mapping):
        return {k if isinstance(k, str) else str(k): to_plain(v, default) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_plain(v, default) for v in obj]
    if isinstance(obj, np.ndarray):
        return [to_plain(v, default) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Path):
        return str(obj)
    if obj is None or isinstance(obj, str | int | bool):
        return obj
    if default is not None:
        return to_plain(default(obj))
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def dumps(
    obj: Any,
    indent: int | None = 2,
    compact: bool = False,
    default: Callable[[Any], Any] | None = None,
) -> str:
    """Strict JSON text of ``obj`` (NaN / ±inf -> null)."""
    separators = (",", ":") if compact else None
    return json.dumps(
        to_plain(obj, default),
        indent=None if compact else indent,
        separators=separators,
        ensure_ascii=False,
        allow_nan=False,
    )


def write_json(obj: Any, path: str | Path, compact: bool = False) -> Path:
    """Write strict JSON (UTF-8, trailing newline) to ``path``; returns the path."""
    path = Path(path)
    path.write_text(dumps(obj, compact=compact) + "\n", encoding="utf-8")
    return path


def _reject(name: str) -> Any:
    raise ValueError(f"not strict JSON: {name}")


def loads_strict(text: str) -> Any:
    """``json.loads`` that rejects ``NaN``, ``Infinity`` and ``-Infinity``."""
    return json.loads(text, parse_constant=_reject)
