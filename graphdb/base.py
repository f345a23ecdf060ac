"""The one store interface that both backends implement.

Callers (pipelines in ``beautygraph/``) only ever see :class:`Store`; which backend sits
behind it is decided by :func:`graphdb.connect` from the URI.  Everything that depends on
the backend lives in ``graphdb/ladybug_store.py`` or ``graphdb/neo4j_store.py``; the
shared logic (id <-> index mapping, validation, frame preparation) lives here and in
``graphdb/frames.py``.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphdb import schema


@dataclass(frozen=True)
class NodeTable:
    """Nodes of one label exported as arrays.

    ``ids[i]`` is the string id of node ``i``; rows are sorted by id so that the
    index of a node is stable across exports and backends.  ``props[name]`` is a
    numpy array aligned with ``ids`` (floats use NaN for missing values; timestamps are
    int64 epoch seconds UTC with ``INT64_MIN`` for missing; strings are object arrays
    with ``None`` for missing).
    """

    label: str
    ids: np.ndarray
    props: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, ids: Iterable[str]) -> np.ndarray:
        """Map string ids to row indices; raises ``KeyError`` naming the first unknown id.

        Uses an Arrow hash table, so a million ids map in well under a second.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(ids, pd.Series):
            arr = pa.array(ids.astype(str).array)
        elif isinstance(ids, np.ndarray):
            arr = pa.array(ids.astype(object), type=pa.string())
        else:
            arr = pa.array([str(i) for i in ids], type=pa.string())
        arr = arr.cast(pa.string())
        value_set = pa.array(self.ids, type=pa.string())
        codes = pc.index_in(arr, value_set=value_set)
        if codes.null_count:
            bad = arr[int(np.flatnonzero(codes.is_null().to_numpy(zero_copy_only=False))[0])]
            raise KeyError(f"unknown {self.label} id: {bad.as_py()!r}")
        return codes.to_numpy(zero_copy_only=False).astype(np.int64)


@dataclass(frozen=True)
class EdgeTable:
    """Relationships of one type exported as index arrays.

    ``src[k]`` and ``dst[k]`` index into ``src_nodes.ids`` and ``dst_nodes.ids``.
    Edges are sorted by (src, dst).  ``props`` as in :class:`NodeTable`.
    """

    rel: str
    src: np.ndarray
    dst: np.ndarray
    src_nodes: NodeTable
    dst_nodes: NodeTable
    props: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.src)


@dataclass(frozen=True)
class LoadCounts:
    """Rows added per node label and relationship type by one load."""

    nodes: dict[str, int]
    relationships: dict[str, int]

    def to_dict(self) -> dict:
        return {"nodes": dict(self.nodes), "relationships": dict(self.relationships)}


class Store(abc.ABC):
    """A property-graph store holding the beautygraph schema (see ``graphdb.schema``).

    Implementations: :class:`graphdb.ladybug_store.LadybugStore` (embedded, default)
    and :class:`graphdb.neo4j_store.Neo4jStore` (Neo4j 5 server).
    """

    #: ``"ladybug"`` or ``"neo4j"``: chooses per-dialect ``.cypher`` variants.
    dialect: str = ""

    # -- lifecycle -------------------------------------------------------------------
    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection / database handle."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def transaction(self) -> contextlib.AbstractContextManager:
        """Context in which a multi-step write is atomic where the backend allows it.

        LadybugDB: one transaction, rolled back on error.  Neo4j: a no-op — each batch
        commits in its own managed transaction and every write is idempotent, so a
        re-run completes an interrupted load.
        """
        return contextlib.nullcontext()

    # -- schema ----------------------------------------------------------------------
    @abc.abstractmethod
    def init_schema(self) -> None:
        """Create tables / constraints / indexes if missing (idempotent)."""

    # -- queries ---------------------------------------------------------------------
    @abc.abstractmethod
    def query(self, text: str, params: Mapping | None = None) -> list[dict]:
        """Run literal Cypher text with parameters; rows as dicts.

        Only for text from ``cypher/`` or generated from the schema whitelist: values
        must travel in ``params``, never inside ``text``.
        """

    @abc.abstractmethod
    def query_df(self, text: str, params: Mapping | None = None) -> pd.DataFrame:
        """Like :meth:`query` but returns a DataFrame (fast path for large results)."""

    def run(self, name: str, **params) -> list[dict]:
        """Run the named statement ``cypher/<name>.cypher`` (dialect variant if present)."""
        import cypher

        return self.query(cypher.load(name, self.dialect), params)

    def run_df(self, name: str, **params) -> pd.DataFrame:
        """Like :meth:`run` but returns a DataFrame."""
        import cypher

        return self.query_df(cypher.load(name, self.dialect), params)

    # -- counts ----------------------------------------------------------------------
    def counts(self) -> dict:
        """``{"nodes": {label: n}, "relationships": {type: n}}`` for every schema type."""
        nodes = {
            label: int(self.query(schema.count_nodes_query(label))[0]["n"])
            for label in schema.NODE_LABELS
        }
        rels = {
            rel: int(self.query(schema.count_rels_query(rel))[0]["n"]) for rel in schema.REL_TYPES
        }
        return {"nodes": nodes, "relationships": rels}

    # -- bulk load -------------------------------------------------------------------
    @abc.abstractmethod
    def insert_nodes(self, label: str, frame: pd.DataFrame) -> int:
        """Insert nodes whose ids are new (caller has removed existing ids); returns count."""

    @abc.abstractmethod
    def insert_rels(self, rel: str, frame: pd.DataFrame) -> int:
        """Insert relationships given as a frame with ``src``, ``dst`` and property columns.

        The caller has removed pairs that already exist; returns count.
        """

    # -- export ----------------------------------------------------------------------
    def export_nodes(self, label: str, props: Sequence[str] = ()) -> NodeTable:
        """All nodes of ``label`` with the requested properties, sorted by id."""
        from graphdb import frames

        schema.check_props(label, props)
        df = self.query_df(schema.export_nodes_query(label, props, self.dialect))
        return frames.node_table(label, df, props)

    def export_edges(
        self,
        rel: str,
        props: Sequence[str] = (),
        src_nodes: NodeTable | None = None,
        dst_nodes: NodeTable | None = None,
    ) -> EdgeTable:
        """All relationships of ``rel`` as index arrays into the endpoint node tables.

        Pass already exported ``src_nodes``/``dst_nodes`` to share one index space
        (e.g. FOLLOWS and the User properties); otherwise the endpoints are exported.
        """
        from graphdb import frames

        schema.check_rel_props(rel, props)
        src_label, dst_label = schema.REL_ENDPOINTS[rel]
        src_nodes = src_nodes if src_nodes is not None else self.export_nodes(src_label)
        if dst_nodes is None:
            dst_nodes = src_nodes if dst_label == src_label else self.export_nodes(dst_label)
        df = self.query_df(schema.export_rels_query(rel, props, self.dialect))
        return frames.edge_table(rel, df, props, src_nodes, dst_nodes)

    # -- write-back ------------------------------------------------------------------
    @abc.abstractmethod
    def write_node_props(self, label: str, frame: pd.DataFrame) -> int:
        """Set properties on existing nodes: ``frame`` has ``id`` plus one column per
        schema property to set (NaN/None clears it).  Batched; returns rows written."""

    @abc.abstractmethod
    def replace_rels(self, rel: str, frame: pd.DataFrame, where: Mapping | None = None) -> int:
        """Delete relationships of ``rel`` whose properties equal ``where`` (all of them
        when ``where`` is None), then insert ``frame`` (``src``, ``dst``, properties).

        This is how derived relationships (INTERESTED_IN from one source, AUTHORITY_ON,
        RECOMMENDED of one method) are re-written idempotently.
        """

    @abc.abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (tests and ``init --force``)."""

    # -- helpers for loaders -----------------------------------------------------------
    def existing_ids(self, label: str) -> set[str]:
        """Ids of all nodes of ``label`` already in the store."""
        df = self.query_df(schema.export_nodes_query(label, (), self.dialect))
        return set(df["id"].astype(str)) if len(df) else set()

    def existing_pairs(self, rel: str, keys: Sequence[str] = ()) -> pd.DataFrame:
        """Frame of ``src``, ``dst`` (+ key properties) of existing ``rel`` relationships."""
        return self.query_df(schema.export_rels_query(rel, keys, self.dialect))
