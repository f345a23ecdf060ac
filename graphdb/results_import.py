"""Write results computed elsewhere (Spark, another tool) back into the store, validated
like a load: every problem is listed as ``file:row N: column: problem (value)`` and nothing
is written unless the whole folder is valid.

Layout of a results folder (``beautygraph import-results DIR``)::

    DIR/nodes/<Label>.parquet          id (string) + properties to set (null clears)
    DIR/relationships/<TYPE>.parquet   src, dst (string ids) + properties
    DIR/results.json                   optional: {"replace": {TYPE: {property: value}}}

Only derived relationship types can be imported (:data:`IMPORTABLE_RELS`).  A relationship
file replaces the old relationships of its type: for a type with a key property
(``INTERESTED_IN.source``, ``RECOMMENDED.method``) only those whose key equals a key value
present in the file (``RECOMMENDED {method: 'cn'}`` leaves ``aa`` alone), for the others all
of them — unless ``results.json`` says which to replace.  A re-run therefore writes the
same store contents, never duplicates.  Timestamps are int64 epoch seconds or Parquet
timestamps.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from graphdb import schema
from graphdb.base import Store
from graphdb.inputs import INTEREST_SOURCES
from graphdb.validate import Problems
from kernel.steps import Steps, as_steps

__all__ = ["IMPORTABLE_RELS", "ImportedResults", "import_results", "read_results"]

#: relationship types that results may replace (the graph's own edges are input data)
IMPORTABLE_RELS = ("INTERESTED_IN", "AUTHORITY_ON", "RECOMMENDED")
#: a key property must be present on every row of these types
_REQUIRED_KEYS = {"INTERESTED_IN": ("source",), "RECOMMENDED": ("method",)}


@dataclass(frozen=True)
class ImportedResults:
    """A validated results folder: frames ready for the store's write methods, and the rows
    written once it is imported (``import-results --json``: :meth:`to_json`)."""

    nodes: dict[str, pd.DataFrame] = field(default_factory=dict)
    rels: dict[str, list[tuple[dict, pd.DataFrame]]] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "nodes": {k: len(v) for k, v in self.nodes.items()},
            "relationships": {k: sum(len(f) for _, f in v) for k, v in self.rels.items()},
            "written": dict(self.written),
        }


def _add_rows(problems: Problems, file: str, mask: np.ndarray, column: str, problem: str, values):
    idx = np.flatnonzero(np.asarray(mask))
    vals = np.asarray(values, dtype=object)
    for i in idx[:100]:
        problems.add(file, f"row {int(i) + 1}", column, problem, vals[i])
    if len(idx) > 100:
        problems.items.append(f"{file}: {column}: {problem} ({len(idx) - 100} more rows)")


def _coerce(file: str, df: pd.DataFrame, col: str, logical: str, problems: Problems) -> pd.Series:
    """A results column as the schema type, with one problem per bad value."""
    s = df[col]
    if logical == "STRING":
        if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
            problems.add(file, "-", col, f"must be text, not {s.dtype}")
            return s
        bad = s.notna() & ~s.map(lambda v: isinstance(v, str))
        _add_rows(problems, file, bad.to_numpy(), col, "not text", s)
        return s.astype(object).where(s.notna(), None)
    if logical == "TIMESTAMP":
        if pd.api.types.is_datetime64_any_dtype(s):
            return pd.to_datetime(s, utc=True)
        if not pd.api.types.is_numeric_dtype(s):
            problems.add(file, "-", col, f"must be epoch seconds or a timestamp, not {s.dtype}")
            return s
        return pd.to_datetime(s, unit="s", utc=True)
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        problems.add(file, "-", col, f"must be numeric, not {s.dtype}")
        return s
    num = pd.to_numeric(s).astype(float)
    arr = num.to_numpy()
    _add_rows(problems, file, np.isinf(arr), col, "not a finite number", arr)
    if logical == "INT64":
        frac = np.isfinite(arr) & (np.floor(arr) != arr)
        _add_rows(problems, file, frac, col, "not an integer", arr)
        return pd.Series(
            pd.array(np.where(np.isnan(arr), 0, arr).astype(np.int64), dtype="Int64")
        ).where(~np.isnan(arr), pd.NA)
    return num


def _ids(file: str, df: pd.DataFrame, col: str, known: pd.Index, what: str, problems: Problems):
    s = df[col]
    text = s.astype(object).where(s.notna(), None)
    empty = text.map(lambda v: v is None or (isinstance(v, str) and not v.strip())).to_numpy()
    _add_rows(problems, file, empty, col, "empty id", text)
    codes = known.get_indexer(text.astype(str))
    _add_rows(problems, file, (codes < 0) & ~empty, col, f"unknown {what}", text)
    return text.astype(str), codes


def _read(path: Path, file: str, problems: Problems) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        problems.add(file, 0, "-", f"unreadable Parquet file: {str(exc).splitlines()[0]}")
        return None


def _replace_spec(folder: Path, problems: Problems) -> dict:
    path = folder / "results.json"
    if not path.exists():
        return {}
    try:
        spec = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        problems.add("results.json", exc.lineno, "-", f"not valid JSON: {exc.msg}")
        return {}
    replace = spec.get("replace", {}) if isinstance(spec, dict) else None
    if not isinstance(replace, dict):
        problems.add("results.json", 0, "replace", "must map TYPE to {property: value}")
        return {}
    for rel, where in replace.items():
        if rel not in IMPORTABLE_RELS or not isinstance(where, dict):
            problems.add("results.json", 0, "replace", f"bad entry for {rel!r}", where)
            continue
        bad = [k for k in where if k not in schema.REL_PROPS[rel]]
        if bad:
            problems.add("results.json", 0, "replace", f"unknown {rel} properties {bad}")
    return replace


def read_results(store: Store, folder: str | os.PathLike) -> ImportedResults:
    """Read and validate a results folder against the store; raises
    :class:`graphdb.errors.ValidationFailed` listing every problem.  Writes nothing."""
    folder = Path(folder)
    problems = Problems()
    if not folder.is_dir():
        problems.add(str(folder), 0, "-", "no such results folder")
        problems.raise_if_any()
    replace = _replace_spec(folder, problems)
    out = ImportedResults()
    known: dict[str, pd.Index] = {}

    def ids_of(label: str) -> pd.Index:
        if label not in known:
            pages = [p["id"].to_numpy(dtype=object) for p in store.iter_node_pages(label)]
            known[label] = pd.Index(np.concatenate(pages) if pages else np.array([], dtype=object))
        return known[label]

    files = sorted((folder / "nodes").glob("*")) + sorted((folder / "relationships").glob("*"))
    if not files:
        problems.add(str(folder), 0, "-", "no nodes/*.parquet or relationships/*.parquet files")
    for path in files:
        file = f"{path.parent.name}/{path.name}"
        name = path.stem
        if path.suffix != ".parquet":
            problems.add(file, 0, "-", "not a .parquet file")
            continue
        is_node = path.parent.name == "nodes"
        if is_node and name not in schema.NODE_PROPS:
            problems.add(file, 0, "-", f"unknown label; known: {', '.join(schema.NODE_LABELS)}")
            continue
        if not is_node and name not in IMPORTABLE_RELS:
            problems.add(
                file, 0, "-", f"cannot import {name}; importable: {', '.join(IMPORTABLE_RELS)}"
            )
            continue
        df = _read(path, file, problems)
        if df is None:
            continue
        keys = ("id",) if is_node else ("src", "dst")
        allowed = schema.NODE_PROPS[name] if is_node else schema.REL_PROPS[name]
        missing = [k for k in keys if k not in df.columns]
        unknown = [c for c in df.columns if c not in keys and c not in allowed]
        if missing:
            problems.add(file, 0, "-", f"missing column(s) {missing}")
        if unknown:
            problems.add(file, 0, "-", f"unknown column(s) {unknown}; known: {sorted(allowed)}")
        if missing or unknown:
            continue
        df = df.reset_index(drop=True)
        if is_node:
            ids, codes = _ids(file, df, "id", ids_of(name), f"{name} id", problems)
            dup = pd.Series(codes).duplicated().to_numpy() & (codes >= 0)
            _add_rows(problems, file, dup, "id", "duplicate id", ids)
            frame = pd.DataFrame({"id": ids})
            for c in df.columns:
                if c != "id":
                    frame[c] = _coerce(file, df, c, schema.prop_type(name, c), problems).to_numpy()
            out.nodes[name] = frame
            continue
        a, b = schema.REL_ENDPOINTS[name]
        src, sc = _ids(file, df, "src", ids_of(a), f"{a} id", problems)
        dst, dc = _ids(file, df, "dst", ids_of(b), f"{b} id", problems)
        frame = pd.DataFrame({"src": src, "dst": dst})
        for c in df.columns:
            if c not in keys:
                frame[c] = _coerce(file, df, c, schema.prop_type(name, c), problems).to_numpy()
        for k in _REQUIRED_KEYS.get(name, ()):
            if k not in frame.columns:
                problems.add(file, 0, k, "missing: every row needs it")
                continue
            _add_rows(problems, file, frame[k].isna().to_numpy(), k, "empty", frame[k])
        if name == "INTERESTED_IN" and "source" in frame.columns:
            bad = frame["source"].notna() & ~frame["source"].isin(INTEREST_SOURCES)
            _add_rows(
                problems, file, bad.to_numpy(), "source", "not an interest source", frame["source"]
            )
        if "rank" in frame.columns:
            r = pd.to_numeric(frame["rank"], errors="coerce")
            _add_rows(problems, file, (r < 1).fillna(False).to_numpy(), "rank", "must be >= 1", r)
        key_cols = ["src", "dst", *schema.REL_KEYS.get(name, ())]
        key_cols = [c for c in key_cols if c in frame.columns]
        dup = frame.duplicated(subset=key_cols).to_numpy()
        _add_rows(problems, file, dup, "src", "duplicate relationship", src + " -> " + dst)
        if len(frame) == 0 and name in _REQUIRED_KEYS and name not in replace:
            problems.add(file, 0, "-", f"no rows: say in results.json which {name} it replaces")
            continue
        out.rels[name] = _partition(name, frame, replace.get(name))
    problems.raise_if_any()
    return out


def _partition(
    rel: str, frame: pd.DataFrame, where: dict | None
) -> list[tuple[dict, pd.DataFrame]]:
    """(where, frame) pairs for ``replace_rels``: one per key value present, or one."""
    if where is not None:
        return [(dict(where), frame)]
    keys = [k for k in schema.REL_KEYS.get(rel, ()) if k in frame.columns]
    if not keys:
        return [({}, frame)]
    return [
        (dict(zip(keys, vals if isinstance(vals, tuple) else (vals,), strict=True)), part)
        for vals, part in frame.groupby(keys, sort=True)
    ]


def import_results(
    store: Store, folder: str | os.PathLike, steps: Steps | None = None
) -> ImportedResults:
    """Validate ``folder`` (:func:`read_results`), then write everything in one
    transaction (:meth:`graphdb.base.Store.atomic`, on both backends): a failure or Ctrl-C
    while writing leaves the store as it was."""
    steps = as_steps(steps)
    with steps("validate results"):
        res = read_results(store, folder)
    total = len(res.nodes) + sum(len(v) for v in res.rels.values())
    with steps("write results", total=total) as step, store.atomic():
        for label, frame in res.nodes.items():
            res.written[label] = int(store.write_node_props(label, frame))
            step.advance()
        for rel, parts in res.rels.items():
            n = 0
            for where, frame in parts:
                n += int(store.replace_rels(rel, frame, where=where or None))
                step.advance()
            res.written[rel] = n
    return res
