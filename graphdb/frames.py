"""Backend-independent conversion between query results and numpy arrays.

Both backends hand their raw export frames to these functions, so the id <-> index mapping
and the type conversions exist exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from graphdb import schema
from graphdb.tables import EdgeTable, NodeTable

#: value used for a missing timestamp in exported int64 epoch-second arrays
MISSING_TS = np.iinfo(np.int64).min


def to_epoch_seconds(values: pd.Series) -> np.ndarray:
    """Timestamps (datetime64, tz-aware, python datetimes or epoch ints) → int64 seconds."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        out = np.full(len(arr), MISSING_TS, dtype=np.int64)
        ok = ~np.isnan(arr)
        out[ok] = arr[ok].astype(np.int64)
        return out
    ts = pd.to_datetime(values, utc=True)
    out = np.full(len(ts), MISSING_TS, dtype=np.int64)
    ok = ts.notna().to_numpy()
    out[ok] = ts[ok].astype("datetime64[s, UTC]").astype("int64").to_numpy()
    return out


def convert_column(values: pd.Series, logical_type: str) -> np.ndarray:
    """One exported column → the numpy representation documented in :class:`NodeTable`."""
    if logical_type == "TIMESTAMP":
        return to_epoch_seconds(values)
    if logical_type == "DOUBLE":
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if logical_type == "INT64":
        num = pd.to_numeric(values, errors="coerce")
        if num.isna().any():
            return num.to_numpy(dtype=float, na_value=np.nan)
        return num.to_numpy(dtype=np.int64)
    arr = values.astype(object).to_numpy()
    return np.array([None if _is_missing(v) else str(v) for v in arr], dtype=object)


def _is_missing(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def node_table(label: str, df: pd.DataFrame, props: Sequence[str]) -> NodeTable:
    """Sort an export frame (``id`` + props) by id and convert the columns."""
    if len(df) == 0:
        empty = {
            p: convert_column(pd.Series([], dtype=object), schema.prop_type(label, p))
            for p in props
            if p != "id"
        }
        return NodeTable(label, np.array([], dtype=object), empty)
    df = df.assign(id=df["id"].astype(str)).sort_values("id", kind="stable").reset_index(drop=True)
    converted = {p: convert_column(df[p], schema.prop_type(label, p)) for p in props if p != "id"}
    return NodeTable(label, df["id"].to_numpy(dtype=object), converted)


def edge_table(
    rel: str,
    df: pd.DataFrame,
    props: Sequence[str],
    src_nodes: NodeTable,
    dst_nodes: NodeTable,
) -> EdgeTable:
    """Map ``src``/``dst`` ids of an export frame to indices, sort by (src, dst)."""
    if len(df) == 0:
        empty = {
            p: convert_column(pd.Series([], dtype=object), schema.prop_type(rel, p)) for p in props
        }
        z = np.zeros(0, dtype=np.int64)
        return EdgeTable(rel, z, z.copy(), src_nodes, dst_nodes, empty)
    src = src_nodes.index_of(df["src"].astype(str))
    dst = dst_nodes.index_of(df["dst"].astype(str))
    order = np.lexsort((dst, src))
    converted = {
        p: convert_column(df[p].iloc[order].reset_index(drop=True), schema.prop_type(rel, p))
        for p in props
    }
    return EdgeTable(rel, src[order], dst[order], src_nodes, dst_nodes, converted)


def node_table_from_pages(
    label: str, pages: Iterable[pd.DataFrame], props: Sequence[str]
) -> NodeTable:
    """:func:`node_table` over an export that arrives in pages (columns converted per page,
    so only one page of raw rows is alive at a time)."""
    ids: list[np.ndarray] = []
    cols: dict[str, list[np.ndarray]] = {p: [] for p in props if p != "id"}
    for page in pages:
        if len(page) == 0:
            continue
        ids.append(page["id"].astype(str).to_numpy(dtype=object))
        for p in cols:
            cols[p].append(convert_column(page[p], schema.prop_type(label, p)))
    if not ids:
        return node_table(label, pd.DataFrame(), props)
    all_ids = np.concatenate(ids)
    order = np.argsort(all_ids, kind="stable")
    converted = {p: _concat(parts)[order] for p, parts in cols.items()}
    return NodeTable(label, all_ids[order], converted)


def edge_table_from_pages(
    rel: str,
    pages: Iterable[pd.DataFrame],
    props: Sequence[str],
    src_nodes: NodeTable,
    dst_nodes: NodeTable,
    expected: int | None = None,
) -> EdgeTable:
    """:func:`edge_table` over an export that arrives in pages: each page's ids become
    int64 indices at once, written into arrays of ``expected`` rows (grown if more come),
    so memory stays near the size of the final arrays.  Pages already sorted by (src,
    dst) — the Neo4j export asks the server for that order — are not sorted again."""
    cap = max(int(expected or 0), 1)
    src = np.empty(cap, dtype=np.int64)
    dst = np.empty(cap, dtype=np.int64)
    types = {p: schema.prop_type(rel, p) for p in props}
    dtypes = {"TIMESTAMP": np.int64, "STRING": object}  # DOUBLE, INT64 (NaN = missing): float
    cols = {p: np.empty(cap, dtype=dtypes.get(t, float)) for p, t in types.items()}
    n = 0
    for page in pages:
        k = len(page)
        if k == 0:
            continue
        if n + k > cap:  # more rows than expected: grow geometrically
            cap = max(2 * cap, n + k)
            src, dst = np.resize(src, cap), np.resize(dst, cap)
            cols = {p: np.resize(c, cap) for p, c in cols.items()}
        src[n : n + k] = src_nodes.index_of(page["src"].astype(str))
        dst[n : n + k] = dst_nodes.index_of(page["dst"].astype(str))
        for p, t in types.items():
            cols[p][n : n + k] = convert_column(page[p], t)
        n += k
    if n == 0:
        return edge_table(rel, pd.DataFrame(), props, src_nodes, dst_nodes)
    src, dst = src[:n], dst[:n]
    cols = {p: c[:n] for p, c in cols.items()}
    ordered = bool(np.all((src[1:] > src[:-1]) | ((src[1:] == src[:-1]) & (dst[1:] >= dst[:-1]))))
    if not ordered:
        order = np.lexsort((dst, src))
        src, dst = src[order], dst[order]
        cols = {p: c[order] for p, c in cols.items()}
        del order
    for p, t in types.items():  # INT64 columns were collected as floats (NaN = missing)
        if t == "INT64" and not np.isnan(cols[p]).any():
            cols[p] = cols[p].astype(np.int64)
    return EdgeTable(rel, src, dst, src_nodes, dst_nodes, cols)


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    """Concatenate converted pages; an INT64 column with a missing value in some page is
    float there, so the result is float whenever any part is."""
    if any(p.dtype.kind == "f" for p in parts) and any(p.dtype.kind == "i" for p in parts):
        parts = [p.astype(float) for p in parts]
    return np.concatenate(parts)


def records_for_write(frame: pd.DataFrame) -> list[dict]:
    """Frame → list of dicts with NaN/NaT as None and timestamps as aware datetimes (UTC).

    Used by the Neo4j backend's ``UNWIND $rows`` batches.
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = pd.to_datetime(s, utc=True)
            out[col] = pd.Series(
                [None if pd.isna(v) else v.to_pydatetime() for v in s],
                index=out.index,
                dtype=object,
            )
        elif pd.api.types.is_float_dtype(s):
            out[col] = s.astype(object).where(s.notna(), None)
        elif pd.api.types.is_integer_dtype(s):
            out[col] = s.astype(object).where(s.notna(), None)
        else:
            out[col] = s.astype(object).where(s.notna(), None)
    return out.to_dict("records")
