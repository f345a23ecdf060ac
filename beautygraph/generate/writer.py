"""Write the foundation's CSV folder (docs/ARCHITECTURE.md, "Input folder") and truth.json.

Byte-stable: fixed column order, ``\\n`` line endings, UTF-8, floats rounded, rows sorted.
The large tables (follows, photos, favourites) hold only ids, ISO timestamps, paths,
numbers and tags — none contain a comma, quote or newline (checked) — and are written
unquoted with pyarrow's C++ CSV writer; users and topics (free text) go through pandas,
which quotes where needed.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from beautygraph.strict_json import write_json


def id_strings(prefix: str, n: int, width: int) -> pa.Array:
    """``prefix`` + 1-based zero-padded numbers, e.g. u000001 (width grows for large n)."""
    width = max(width, len(str(n)))
    digits = pc.utf8_lpad(
        pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string()), width, "0"
    )
    return pc.binary_join_element_wise(prefix, digits, "")


def iso_times(start: str, seconds: np.ndarray) -> pa.Array:
    """ISO 8601 UTC ``YYYY-MM-DDTHH:MM:SS`` for seconds (>= 0) after ``start`` 00:00.

    Built from two lookup tables (the days of the timeline, the 86,400 times of a day):
    an order of magnitude faster than ``strftime`` on millions of rows."""
    sec = np.asarray(seconds, dtype=np.int64)
    if sec.size == 0:
        return pa.array([], type=pa.string())
    if sec.min() < 0:
        raise ValueError(f"negative time offset {int(sec.min())}")
    day0 = _dt.date.fromisoformat(start)
    n_days = int(sec.max() // 86400) + 1
    days = pa.array([(day0 + _dt.timedelta(days=d)).isoformat() for d in range(n_days)])
    return pc.binary_join_element_wise(
        pc.take(days, pa.array(sec // 86400)), pc.take(_clock(), pa.array(sec % 86400)), "T"
    )


_CLOCK: list[pa.Array] = []


def _clock() -> pa.Array:
    if not _CLOCK:
        _CLOCK.append(
            pa.array(
                [
                    f"{h:02d}:{m:02d}:{s:02d}"
                    for h in range(24)
                    for m in range(60)
                    for s in range(60)
                ]
            )
        )
    return _CLOCK[0]


def write_plain_csv(path: Path, columns: dict[str, pa.Array | np.ndarray]) -> None:
    """Unquoted CSV for columns without separators/quotes/newlines (verified)."""
    table = pa.table(
        {
            k: (v if isinstance(v, pa.Array | pa.ChunkedArray) else pa.array(v))
            for k, v in columns.items()
        }
    )
    for name, col in zip(table.column_names, table.columns, strict=True):
        if (
            pa.types.is_string(col.type)
            and pc.any(pc.match_substring_regex(col, r'[,"\n\r]')).as_py()
        ):
            raise ValueError(f"column {name!r} of {path.name} needs quoting")
    with open(path, "wb") as fh:
        fh.write((",".join(table.column_names) + "\n").encode("utf-8"))
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False, quoting_style="none"))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV through pandas (quotes free text where needed)."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_truth(truth: dict[str, Any], path: Path) -> None:
    """Compact JSON (the big maps make an indented file slow to write and read)."""
    write_json(truth, path, compact=True)
