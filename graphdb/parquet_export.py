"""The store as a folder of Parquet files, read in pages (for engines beyond one process).

Layout of an export folder (``beautygraph export DIR``)::

    DIR/manifest.json                 format, version, per table: rows, columns
    DIR/nodes/<Label>.parquet         index (int64, 0..n-1 in id order), id (string), properties
    DIR/relationships/<TYPE>.parquet  src, dst (int64 indices into the endpoint labels' node
                                      tables), properties

Node ``index`` is the position of the id in sorted order, the same index an in-memory
export gives (:class:`graphdb.base.NodeTable`), so a result computed on indices maps back
to ids through ``nodes/<Label>.parquet``.  Timestamps are int64 epoch seconds (UTC),
missing values are Parquet nulls.

Memory is bounded: nodes and relationships come from :meth:`graphdb.base.Store.iter_node_pages`
/ :meth:`~graphdb.base.Store.iter_rel_pages` and each page is appended to its Parquet file;
only the id table of every endpoint label (one string per node) is held to turn ids into
indices.  The folder appears complete or not at all: files are written into a temporary
sibling folder that replaces ``DIR`` at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graphdb import schema
from graphdb.base import Store
from graphdb.errors import GraphDBError
from kernel.steps import Step, Steps, as_steps

__all__ = [
    "DEFAULT_TABLES",
    "EXPORT_FORMAT",
    "TABLES",
    "ExportSpec",
    "export_store",
    "read_manifest",
    "spec_for_tables",
]

EXPORT_FORMAT = "beautygraph-export"
EXPORT_VERSION = 1

#: ``--tables`` names -> (node labels, relationship types) they export
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "users": (("User",), ()),
    "follows": (("User",), ("FOLLOWS",)),
    "photos": (("User", "Photo"), ("POSTED",)),
    "favorites": (("User", "Photo"), ("FAVORITED",)),
    "topics": (("Topic",), ()),
    "tags": (("Photo", "Topic"), ("TAGGED",)),
    "interests": (("User", "Topic"), ("INTERESTED_IN",)),
    "groups": (("User", "Community"), ("MEMBER_OF",)),
    "authorities": (("User", "Topic"), ("AUTHORITY_ON",)),
    "recommended": (("User",), ("RECOMMENDED",)),
}
DEFAULT_TABLES = ("users", "follows", "photos", "interests", "favorites")


@dataclass(frozen=True)
class ExportSpec:
    """What to export: node label -> properties, relationship type -> properties.

    Jobs ask only for what they read (ALF: User and Topic ids, FOLLOWS, the ``source`` of
    INTERESTED_IN), so the export does not materialise the rest.  Every endpoint label of a
    relationship is exported (its id table maps ids to indices).
    """

    nodes: Mapping[str, Sequence[str]]
    rels: Mapping[str, Sequence[str]]

    def __post_init__(self) -> None:
        for label, props in self.nodes.items():
            schema.check_props(label, [p for p in props if p != "id"])
        for rel, props in self.rels.items():
            schema.check_rel_props(rel, props)
            for label in schema.REL_ENDPOINTS[rel]:
                if label not in self.nodes:
                    raise ValueError(f"{rel} needs the {label} id table: add {label} to nodes")


def spec_for_tables(names: Sequence[str]) -> ExportSpec:
    """The :class:`ExportSpec` of ``--tables`` names, every schema property included."""
    unknown = [n for n in names if n not in TABLES]
    if unknown or not names:
        raise GraphDBError(
            f"unknown table(s) {unknown or list(names)}; choose from {', '.join(TABLES)}"
        )
    nodes: dict[str, list[str]] = {}
    rels: dict[str, list[str]] = {}
    for name in names:
        labels, types = TABLES[name]
        for label in labels:
            nodes[label] = [p for p in schema.NODE_PROPS[label] if p != "id"]
        for rel in types:
            rels[rel] = list(schema.REL_PROPS[rel])
    return ExportSpec(nodes=nodes, rels=rels)


def _arrow_column(values: pd.Series, logical_type: str):
    """One page column as an Arrow array of the export's type (nulls for missing)."""
    import pyarrow as pa

    from graphdb import frames

    arr = frames.convert_column(values.reset_index(drop=True), logical_type)
    if logical_type == "TIMESTAMP":
        return pa.array(arr, type=pa.int64(), mask=arr == frames.MISSING_TS)
    if logical_type == "DOUBLE":
        return pa.array(arr, type=pa.float64(), mask=np.isnan(arr))
    if logical_type == "INT64":
        if arr.dtype.kind == "f":
            return pa.array(
                np.nan_to_num(arr).astype(np.int64), type=pa.int64(), mask=np.isnan(arr)
            )
        return pa.array(arr, type=pa.int64())
    return pa.array(arr, type=pa.string(), from_pandas=True)


def _arrow_type(logical_type: str):
    import pyarrow as pa

    return {"STRING": pa.string(), "DOUBLE": pa.float64()}.get(logical_type, pa.int64())


def _node_schema(label: str, props: Sequence[str]):
    import pyarrow as pa

    fields = [pa.field("index", pa.int64(), nullable=False), pa.field("id", pa.string())]
    fields += [pa.field(p, _arrow_type(schema.prop_type(label, p))) for p in props]
    return pa.schema(fields)


def _rel_schema(rel: str, props: Sequence[str]):
    import pyarrow as pa

    fields = [pa.field("src", pa.int64(), nullable=False), pa.field("dst", pa.int64())]
    fields += [pa.field(p, _arrow_type(schema.prop_type(rel, p))) for p in props]
    return pa.schema(fields)


def _export_nodes(
    store: Store, label: str, props: Sequence[str], path: Path, page_size: int, step: Step
) -> pd.Index:
    """Write ``nodes/<label>.parquet`` page by page; returns the ids (sorted) as an Index."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sch = _node_schema(label, props)
    chunks: list[np.ndarray] = []
    n = 0
    last = None
    with pq.ParquetWriter(path, sch) as writer:
        for page in store.iter_node_pages(label, props, page_size=page_size):
            ids = page["id"].to_numpy(dtype=object)
            # the backend's id order must be the NodeTable order (code-point order)
            if (last is not None and ids[0] <= last) or (ids[1:] <= ids[:-1]).any():
                raise GraphDBError(
                    f"{label} ids did not arrive in strictly increasing order from the store"
                )
            last = ids[-1]
            cols = [
                pa.array(np.arange(n, n + len(page), dtype=np.int64)),
                pa.array(ids, pa.string()),
            ]
            cols += [_arrow_column(page[p], schema.prop_type(label, p)) for p in props]
            writer.write_table(pa.Table.from_arrays(cols, schema=sch))
            chunks.append(ids)
            n += len(page)
            step.advance(len(page))
    return pd.Index(np.concatenate(chunks) if chunks else np.array([], dtype=object))


def _indices(index: pd.Index, ids: pd.Series, label: str, rel: str) -> np.ndarray:
    codes = index.get_indexer(ids.astype(str))
    if (codes < 0).any():
        bad = ids.iloc[int(np.flatnonzero(codes < 0)[0])]
        raise GraphDBError(f"{rel} points at {label} {bad!r}, which the export did not see")
    return codes.astype(np.int64)


def _export_rels(
    store: Store,
    rel: str,
    props: Sequence[str],
    path: Path,
    indexes: Mapping[str, pd.Index],
    page_size: int,
    step: Step,
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    a, b = schema.REL_ENDPOINTS[rel]
    sch = _rel_schema(rel, props)
    n = 0
    with pq.ParquetWriter(path, sch) as writer:
        for page in store.iter_rel_pages(rel, props, page_size=page_size):
            src = _indices(indexes[a], page["src"], a, rel)
            dst = _indices(indexes[b], page["dst"], b, rel)
            order = np.lexsort((dst, src))
            cols = [pa.array(src[order]), pa.array(dst[order])]
            cols += [_arrow_column(page[p].iloc[order], schema.prop_type(rel, p)) for p in props]
            writer.write_table(pa.Table.from_arrays(cols, schema=sch))
            n += len(page)
            step.advance(len(page))
    return n


def export_store(
    store: Store,
    out_dir: str | os.PathLike,
    spec: ExportSpec,
    *,
    node_page: int = 200_000,
    rel_page: int = 20_000,
    steps: Steps | None = None,
) -> ExportManifest:
    """Export ``spec`` from ``store`` into ``out_dir`` (see the module docstring).

    ``out_dir`` must be absent, empty, or a previous export (which is replaced).  Returns
    the manifest (:class:`ExportManifest`, what ``manifest.json`` holds).  Memory: one page of ``node_page`` nodes or of the relationships of
    ``rel_page`` source nodes, plus one id per exported node.
    """
    out = Path(out_dir)
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / "manifest.json").is_file())
    ):
        raise GraphDBError(
            f"{str(out)!r} exists and is not an export folder; choose a new or empty folder"
        )
    counts = store.counts()
    total = sum(counts["nodes"][lb] for lb in spec.nodes) + sum(
        counts["relationships"][r] for r in spec.rels
    )
    steps = as_steps(steps)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        with steps("export to Parquet", total=total) as step:
            manifest = _export_all(store, tmp, spec, node_page, rel_page, step)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ExportManifest(
        dialect=manifest["dialect"],
        nodes=manifest["nodes"],
        relationships=manifest["relationships"],
    )


@dataclass(frozen=True)
class ExportManifest:
    """What one export wrote: rows and columns per node label and relationship type (the
    content of its ``manifest.json``, and the ``export --json`` object)."""

    dialect: str
    nodes: dict[str, dict[str, Any]]
    relationships: dict[str, dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "dialect": self.dialect,
            "nodes": self.nodes,
            "relationships": self.relationships,
        }


def _export_all(
    store: Store, tmp: Path, spec: ExportSpec, node_page: int, rel_page: int, step: Step
) -> dict:
    """Write every table of ``spec`` into ``tmp`` and its manifest."""
    (tmp / "nodes").mkdir()
    (tmp / "relationships").mkdir()
    manifest: dict = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "dialect": store.dialect,
        "nodes": {},
        "relationships": {},
    }
    indexes: dict[str, pd.Index] = {}
    for label, props in spec.nodes.items():
        props = [p for p in props if p != "id"]
        idx = _export_nodes(
            store, label, props, tmp / "nodes" / f"{label}.parquet", node_page, step
        )
        indexes[label] = idx
        manifest["nodes"][label] = {"rows": len(idx), "columns": ["index", "id", *props]}
    for rel, props in spec.rels.items():
        n = _export_rels(
            store,
            rel,
            list(props),
            tmp / "relationships" / f"{rel}.parquet",
            indexes,
            rel_page,
            step,
        )
        a, b = schema.REL_ENDPOINTS[rel]
        manifest["relationships"][rel] = {
            "rows": n,
            "src": a,
            "dst": b,
            "columns": ["src", "dst", *props],
        }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(export_dir: str | os.PathLike) -> dict:
    """The manifest of an export folder; a clear error when the folder is not one."""
    path = Path(export_dir) / "manifest.json"
    if not path.is_file():
        raise GraphDBError(f"{str(export_dir)!r} is not an export folder (no manifest.json)")
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise GraphDBError(f"{path}: not valid JSON ({exc})") from None
    if manifest.get("format") != EXPORT_FORMAT:
        raise GraphDBError(f"{path}: not a {EXPORT_FORMAT} manifest")
    return manifest
