"""Write the foundation's CSV folder (docs/ARCHITECTURE.md, "Input folder") and truth.json.

Byte-stable: fixed column order, ``\\n`` line endings, UTF-8, floats rounded, rows sorted.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def id_array(prefix: str, n: int, width: int) -> np.ndarray:
    """``prefix`` + 1-based zero-padded numbers, e.g. u000001 (width grows for large n)."""
    width = max(width, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def iso_times(start: str, seconds: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC ``YYYY-MM-DDTHH:MM:SS`` for seconds after ``start`` 00:00."""
    base = np.datetime64(_dt.date.fromisoformat(start).isoformat(), "s")
    return np.datetime_as_string(base + np.asarray(seconds, dtype=np.int64).astype("timedelta64[s]"), unit="s")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_truth(truth: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(truth, indent=1, ensure_ascii=False, sort_keys=False, default=_plain) + "\n",
                    encoding="utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
