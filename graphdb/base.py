"""The one store interface that both backends implement.

Callers (pipelines in ``beautygraph/``) only ever see :class:`Store`; which backend sits
behind it is decided by :func:`graphdb.connect` from the URI.  Everything that depends on
the backend lives in ``graphdb/ladybug_store.py`` or ``graphdb/neo4j_store.py``; the
shared logic (argument checks, id <-> index mapping, frame preparation) lives here and in
``graphdb/frames.py``; the exported types are in ``graphdb/tables.py``.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from graphdb import frames, schema
from graphdb.tables import EdgeTable, NodeTable


class Store(abc.ABC):
    """A property-graph store holding the beautygraph schema (see ``graphdb.schema``).

    Implementations: :class:`graphdb.ladybug_store.LadybugStore` (embedded, default)
    and :class:`graphdb.neo4j_store.Neo4jStore` (Neo4j 5 server).
    """

    #: ``"ladybug"`` or ``"neo4j"``: chooses per-dialect ``.cypher`` variants.
    dialect: str = ""
    #: whether :meth:`transaction` makes a whole load atomic (an interrupted load then
    #: leaves nothing behind)
    atomic_load: bool = False

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
        re-run completes an interrupted load.  For all-or-nothing writes on both backends
        use :meth:`atomic`.
        """
        return contextlib.nullcontext()

    def atomic(self) -> contextlib.AbstractContextManager:
        """Context in which every read and write of this store is one real transaction on
        both backends: committed when the block ends normally, rolled back on any
        exception (Ctrl-C included), so a command that fails half-way leaves the store as
        it was.  Reads inside see the block's own writes.  Nested use joins the outer one.

        Commands that derive results use this (compute, then write, all or nothing);
        the bulk loader uses :meth:`transaction` instead, which on Neo4j writes batches
        in their own transactions so that a load of any size fits the server's memory.
        """
        return self.transaction()

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

    @abc.abstractmethod
    def query_values(self, text: str, params: Mapping | None = None) -> list[dict]:
        """Like :meth:`query`, with every value plain and the same on both backends:
        lists stay lists, maps are dicts, nodes, relationships and paths are
        :mod:`graphdb.values` objects (``beautygraph query`` prints whatever it gets)."""

    def query_read(self, text: str, params: Mapping | None = None) -> list[dict]:
        """Run user-written Cypher only if it cannot write (``beautygraph query``).

        Default (embedded store, which cannot be asked): refuse any statement holding a
        write clause (:func:`cypher.write_clause`, conservative).  The Neo4j backend runs
        the statement in a read transaction and lets the server decide.  Raises
        :class:`graphdb.errors.WriteRefused`.
        """
        import cypher
        from graphdb.errors import WriteRefused

        clause = cypher.write_clause(text)
        if clause is not None:
            raise WriteRefused(
                f"refused: the statement holds {clause}, which may write; "
                "pass --write to run it anyway"
            )
        return self.query_values(text, params)

    def run(self, name: str, **params) -> list[dict]:
        """Run the named statement ``cypher/<name>.cypher`` (dialect variant if present)."""
        import cypher

        return self.query(cypher.load(name, self.dialect), params)

    def run_df(self, name: str, **params) -> pd.DataFrame:
        """Like :meth:`run` but returns a DataFrame."""
        import cypher

        return self.query_df(cypher.load(name, self.dialect), params)

    # -- the data stamp --------------------------------------------------------------
    def data_stamp(self) -> str | None:
        """A short token that changes whenever the store's data changes, cheap to read
        (no export): a result computed from the data, such as a fitted model, stays valid
        while the token it was computed under is the store's token.  None when the store
        cannot tell; then the data itself must be compared.

        The embedded store keeps a token beside its database, renewed before and after
        every write made through this interface (:meth:`_writing`); Neo4j names its last
        committed transaction, which moves with every commit by any client.  So the
        embedded token misses only writes made without beautygraph (another program
        opening the database file), and Neo4j's misses nothing that was committed.
        """
        return None

    def _renew_stamp(self) -> None:
        """Give :meth:`data_stamp` a new value (backends whose stamp does not follow their
        writes by itself); called before and after every write (:meth:`_writing`).
        Default: nothing, for a store whose stamp moves with its commits."""
        return None

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Around every write: the stamp is renewed before it (a write that fails half-way
        still changes it) and after it (a reader that saw the first renewal and the old
        data does not keep the old data under the final stamp)."""
        self._renew_stamp()
        try:
            yield
        finally:
            self._renew_stamp()

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
    def insert_nodes(self, label: str, frame: pd.DataFrame) -> int:
        """Insert nodes whose ids are new (caller has removed existing ids); returns count.

        ``frame`` has ``id`` plus schema property columns (checked here, once, for both
        backends).
        """
        if "id" not in frame.columns:
            raise ValueError(f"insert_nodes({label!r}) needs an 'id' column")
        schema.check_props(label, [c for c in frame.columns if c != "id"])
        if not len(frame):
            return 0
        with self._writing():
            return self._insert_nodes(label, frame)

    def insert_rels(self, rel: str, frame: pd.DataFrame) -> int:
        """Insert relationships given as a frame with ``src``, ``dst`` and property columns.

        The caller has removed pairs that already exist; returns count.
        """
        _check_rel_frame(rel, frame, "insert_rels")
        if not len(frame):
            return 0
        with self._writing():
            return self._insert_rels(rel, frame)

    @abc.abstractmethod
    def _insert_nodes(self, label: str, frame: pd.DataFrame) -> int:
        """Backend part of :meth:`insert_nodes` (arguments checked, ``frame`` not empty)."""

    @abc.abstractmethod
    def _insert_rels(self, rel: str, frame: pd.DataFrame) -> int:
        """Backend part of :meth:`insert_rels` (arguments checked, ``frame`` not empty)."""

    # -- export ----------------------------------------------------------------------
    def _export_pages(self, text: str) -> Iterator[pd.DataFrame]:
        """The rows of a read-only export query as DataFrame pages.

        Default: one page.  The Neo4j backend streams pages of ``page_size`` records so
        that an export never holds the whole result as Python objects.
        """
        yield self.query_df(text)

    def export_nodes(self, label: str, props: Sequence[str] = ()) -> NodeTable:
        """All nodes of ``label`` with the requested properties, sorted by id."""
        schema.check_props(label, props)
        pages = self._export_pages(schema.export_nodes_query(label, props, self.dialect))
        return frames.node_table_from_pages(label, pages, props)

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
        schema.check_rel_props(rel, props)
        src_label, dst_label = schema.REL_ENDPOINTS[rel]
        src_nodes = src_nodes if src_nodes is not None else self.export_nodes(src_label)
        if dst_nodes is None:
            dst_nodes = src_nodes if dst_label == src_label else self.export_nodes(dst_label)
        text = schema.export_rels_query(rel, props, self.dialect)
        if self._server_sorts_exports:
            text += " ORDER BY src, dst"
        expected = self._count_rels(rel)
        pages = self._export_pages(text)
        return frames.edge_table_from_pages(rel, pages, props, src_nodes, dst_nodes, expected)

    #: whether edge exports ask the server for (src, dst) order (saves the client's sort)
    _server_sorts_exports = False

    def _count_rels(self, rel: str) -> int | None:
        """Rows an edge export will have, to size its arrays once (None: unknown)."""
        return None

    # -- paged reads (bounded memory) -------------------------------------------------
    def iter_node_pages(
        self, label: str, props: Sequence[str] = (), page_size: int = 100_000
    ) -> Iterator[pd.DataFrame]:
        """Nodes of ``label`` (``id`` + ``props``, raw backend values) in id order, at most
        ``page_size`` rows per frame; memory is bounded by one page on both backends."""
        if page_size < 1:
            raise ValueError(f"page_size={page_size} must be >= 1")
        text = schema.page_nodes_query(label, props, self.dialect)
        after = ""
        while True:
            page = self.query_df(text, {"after": after, "limit": int(page_size)})
            if len(page) == 0:
                return
            page = page.assign(id=page["id"].astype(str))
            yield page
            if len(page) < page_size:
                return
            after = str(page["id"].iloc[-1])

    def iter_rel_pages(
        self, rel: str, props: Sequence[str] = (), page_size: int = 20_000
    ) -> Iterator[pd.DataFrame]:
        """Relationships of ``rel`` (``src``, ``dst`` ids + ``props``) in pages of the
        relationships of ``page_size`` source nodes (in source-id order)."""
        if page_size < 1:
            raise ValueError(f"page_size={page_size} must be >= 1")
        schema.check_rel_props(rel, props)
        src_label = schema.REL_ENDPOINTS[rel][0]
        text = schema.page_rels_query(rel, props, self.dialect)
        keys = schema.page_nodes_query(src_label, (), self.dialect)
        after = ""
        while True:
            # the next page of source ids fixes where the following page starts, so a
            # source node with many relationships never splits across pages
            ids = self.query_df(keys, {"after": after, "limit": int(page_size)})
            if len(ids) == 0:
                return
            page = self.query_df(text, {"after": after, "limit": int(page_size)})
            if len(page):
                yield page
            if len(ids) < page_size:
                return
            after = str(ids["id"].iloc[-1])

    # -- write-back ------------------------------------------------------------------
    def write_node_props(self, label: str, frame: pd.DataFrame) -> int:
        """Set properties on existing nodes: ``frame`` has ``id`` plus one column per
        schema property to set (NaN/None clears it).  Batched; returns rows written.

        The arguments are checked here for both backends; they implement
        :meth:`_write_node_props`.
        """
        if "id" not in frame.columns:
            raise ValueError("write_node_props needs an 'id' column")
        props = [c for c in frame.columns if c != "id"]
        schema.check_props(label, props)
        if len(frame) == 0 or not props:
            return 0
        with self._writing():
            return self._write_node_props(label, frame[["id", *props]], props)

    @abc.abstractmethod
    def _write_node_props(self, label: str, frame: pd.DataFrame, props: list[str]) -> int:
        """Backend part of :meth:`write_node_props`: ``frame`` is ``id`` + ``props``
        (checked against the schema, not empty)."""

    def replace_rels(self, rel: str, frame: pd.DataFrame, where: Mapping | None = None) -> int:
        """Delete relationships of ``rel`` whose properties equal ``where`` (all of them
        when ``where`` is None), then insert ``frame`` (``src``, ``dst``, properties).

        Atomic on both backends: one transaction, so a failure leaves the old set.  This
        is how derived relationships (INTERESTED_IN from one source, AUTHORITY_ON,
        RECOMMENDED of one method) are re-written idempotently.
        """
        schema.check_rel_props(rel, list(where or {}))
        _check_rel_frame(rel, frame, "replace_rels")
        with self._writing():
            return self._replace_rels(rel, frame, dict(where or {}))

    @abc.abstractmethod
    def _replace_rels(self, rel: str, frame: pd.DataFrame, where: dict) -> int:
        """Backend part of :meth:`replace_rels` (arguments checked)."""

    def clear(self) -> None:
        """Delete every node and relationship (tests and ``init --force``)."""
        with self._writing():
            self._clear()

    @abc.abstractmethod
    def _clear(self) -> None:
        """Backend part of :meth:`clear`."""

    # -- helpers for loaders -----------------------------------------------------------
    def stored_ids(self, label: str, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are ids of ``label`` nodes already in the store.

        Default: compare with one export of the label's ids (cheap on the embedded
        store); the Neo4j backend asks the server in batches instead.
        """
        schema.check_label(label)
        wanted = set(map(str, ids))
        if not wanted:
            return set()
        have = self.export_nodes(label).ids
        return wanted.intersection(have.tolist())

    def new_rel_mask(self, rel: str, frame: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the rows of ``frame`` (``src``, ``dst`` + the key properties of
        ``schema.REL_KEYS``) that are not yet stored as ``rel`` relationships.

        Default: one export of the stored keys merged with ``frame``; the Neo4j backend
        checks the rows on the server in batches.
        """
        keys = list(schema.REL_KEYS.get(rel, ()))
        cols = ["src", "dst", *keys]
        if len(frame) == 0:
            return np.zeros(0, dtype=bool)
        existing = self.query_df(schema.export_rels_query(rel, keys, self.dialect))
        if len(existing) == 0:
            return np.ones(len(frame), dtype=bool)
        merged = (
            frame[cols]
            .astype(str)
            .merge(
                existing[cols].astype(str).drop_duplicates(), on=cols, how="left", indicator=True
            )
        )
        return (merged["_merge"] == "left_only").to_numpy()


def _check_rel_frame(rel: str, frame: pd.DataFrame, what: str) -> None:
    missing = [c for c in ("src", "dst") if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}({rel!r}) needs columns 'src' and 'dst' (missing {missing})")
    schema.check_rel_props(rel, [c for c in frame.columns if c not in ("src", "dst")])
