"""Production backend: a Neo4j 5 server through the official ``neo4j`` Python driver.

- **Reads are reads**: a statement that writes nothing (see :func:`writes`) runs in
  ``session.execute_read``, so a cluster can serve it from any member; exports stream in
  pages of ``page_size`` records and are converted page by page (bounded memory).
- **Writes** run in ``session.execute_write`` (managed transactions, retried by the
  driver on transient errors) as ``UNWIND`` batches; relationship batches are grouped by
  source node, so one ``MATCH`` of the source serves all its rows.
- **Atomic replace**: :meth:`Neo4jStore.replace_rels` deletes and inserts in one
  transaction; :meth:`Neo4jStore.clear` deletes in ``CALL { … } IN TRANSACTIONS`` chunks,
  relationships first, so a high-degree node never needs one huge transaction.
- **One transaction on demand**: inside :meth:`Neo4jStore.atomic` every statement of the
  store runs in one explicit transaction (reads see its writes), committed at the end of
  the block and rolled back on any exception.
- **New rows are found on the server**: :meth:`Neo4jStore.stored_ids` and
  :meth:`Neo4jStore.new_rel_mask` send the candidate keys in batches instead of exporting
  whole tables.
- **The data stamp** (:meth:`Neo4jStore.data_stamp`) is the database's id and the bookmark
  of one read transaction: the server's bookmark for a read names the last transaction
  committed to the database, so it moves with every commit by any client — the Neo4j
  Browser included — and nothing is written for it.  (``SHOW DATABASES``' ``lastCommittedTxn``
  would say the same, but Community 5 reports it as null.)
- Every session names its database (``database=``, default ``neo4j``).  Notifications
  below WARNING are not requested from the server, and each kind of warning is shown once.

Uniqueness constraints on ``id`` back every ``MATCH (n:Label {id: …})`` with an index.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from graphdb import schema, values
from graphdb.base import Store
from graphdb.errors import ConnectionFailed, GraphDBError
from graphdb.frames import records_for_write

log = logging.getLogger(__name__)

#: rows per write transaction (node batches; relationship batches hold about this many rows)
BATCH_SIZE = 50_000
#: records per page of a streamed export
PAGE_SIZE = 5_000
#: keys per server-side new-row check
CHECK_BATCH = 50_000
#: rows per inner transaction of ``clear()``
CLEAR_BATCH = 10_000
DEFAULT_DATABASE = "neo4j"

#: relationship properties worth an index (used to select/replace derived relationships)
_REL_INDEXES = {"INTERESTED_IN": "source", "RECOMMENDED": "method", "AUTHORITY_ON": "rank"}

_WRITE_WORDS = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|FOREACH|LOAD\s+CSV|IN\s+TRANSACTIONS)\b",
    re.IGNORECASE,
)
_STRINGS_AND_COMMENTS = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.S
)


def writes(text: str) -> bool:
    """Whether a Cypher statement may write (a write clause outside strings and comments).

    >>> writes("MATCH (u:User) RETURN u.id  // SET nothing")
    False
    >>> writes("MATCH (u:User {id: $id}) SET u.beauty = $b")
    True
    """
    return bool(_WRITE_WORDS.search(_STRINGS_AND_COMMENTS.sub(" ", text)))


def database_name(given: str | None = None) -> str:
    """The Neo4j database a connection uses: ``given`` (``--database``), else
    ``$NEO4J_DATABASE``, else ``neo4j`` (the server's default database)."""
    return given or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE


#: GQL statuses our statements raise on purpose: 01G11, "null value eliminated in set
#: function", is every ``count(p)`` after an OPTIONAL MATCH that found nothing (a user
#: without photos), which is how the queries count
EXPECTED_NOTIFICATIONS = frozenset({"01G11"})


class _OncePerKind(logging.Filter):
    """Logging filter for ``neo4j.notifications``: nothing below WARNING, none of
    :data:`EXPECTED_NOTIFICATIONS`, and each other kind of warning (its GQL status or
    code) at most once per process."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return False
        printer = record.args[0] if isinstance(record.args, tuple) and record.args else None
        note = getattr(printer, "notification", None)
        kind = str(
            getattr(note, "gql_status", None) or getattr(note, "code", None) or record.getMessage()
        )
        if kind in self.seen or kind in EXPECTED_NOTIFICATIONS:
            return False
        self.seen.add(kind)
        text = getattr(note, "status_description", None) or getattr(note, "description", None)
        if text:  # one short line instead of the driver's full status-object repr
            record.msg, record.args = "Neo4j warning %s: %s", (kind, str(text).strip())
        return True


_NOTIFICATION_FILTER = _OncePerKind()


def _install_notification_filter() -> None:
    """Driver logging for a command-line tool: the driver's own connection messages stay
    silent (its failures reach us as exceptions and become one error line), and server
    notifications go to stderr as one short line per kind of warning."""
    driver_log = logging.getLogger("neo4j")
    if not any(isinstance(h, logging.NullHandler) for h in driver_log.handlers):
        driver_log.addHandler(logging.NullHandler())  # no "last resort" printing to stderr
    notes = logging.getLogger("neo4j.notifications")
    if _NOTIFICATION_FILTER not in notes.filters:
        notes.addFilter(_NOTIFICATION_FILTER)
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        notes.addHandler(handler)
        notes.propagate = False


class Neo4jStore(Store):
    """A :class:`graphdb.base.Store` on a Neo4j 5 server (``bolt://`` or ``neo4j://`` URI)."""

    dialect = "neo4j"
    _server_sorts_exports = True

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = BATCH_SIZE,
        page_size: int = PAGE_SIZE,
        retry_seconds: float | None = None,
    ) -> None:
        import neo4j
        from neo4j import exceptions as nx

        _install_notification_filter()
        self.uri = uri
        self.database = database_name(database)
        self.batch_size = batch_size
        self.page_size = page_size
        if retry_seconds is None:  # how long a managed transaction is retried (driver default 30 s)
            retry_seconds = float(os.environ.get("NEO4J_MAX_RETRY_SECONDS", "30"))
        user = user if user is not None else os.environ.get("NEO4J_USER", "neo4j")
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
        self._driver: neo4j.Driver | None = None
        #: the explicit transaction of :meth:`atomic` while one is open
        self._tx: neo4j.Transaction | None = None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=10,
                max_transaction_retry_time=retry_seconds,
                notifications_min_severity="WARNING",
            )
            self._driver.verify_connectivity()
            with self._session() as session:
                session.run("RETURN 1").consume()
        except nx.AuthError:
            self.close()
            raise ConnectionFailed(
                f"Neo4j at {uri} rejected the credentials for user {user!r} "
                "(set NEO4J_USER / NEO4J_PASSWORD)"
            ) from None
        except (nx.ServiceUnavailable, OSError) as exc:
            self.close()
            errno = re.search(r"\[Errno -?\d+\] ([^)]+)", str(exc))
            why = errno.group(1).strip().lower() if errno else _reason(exc)
            raise ConnectionFailed(
                f"cannot reach Neo4j at {uri} ({why}; is the server running?)"
            ) from None
        except (ValueError, nx.ConfigurationError) as exc:
            self.close()
            raise ConnectionFailed(f"invalid Neo4j URI {uri!r} ({_reason(exc)})") from None
        except nx.Neo4jError as exc:
            self.close()
            if "DatabaseNotFound" in str(exc.code or ""):
                raise ConnectionFailed(
                    f"Neo4j at {uri} has no database {self.database!r} "
                    "(choose one with --database / NEO4J_DATABASE; the default is 'neo4j')"
                ) from None
            raise ConnectionFailed(f"Neo4j at {uri}: {_reason(exc)}") from None

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    # -- sessions and queries ----------------------------------------------------------
    def _session(self, **kw):
        if self._driver is None:
            raise GraphDBError("the store is closed")
        return self._driver.session(database=self.database, **kw)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One explicit transaction for every statement of this store inside the block:
        committed when it ends, rolled back on any exception (Ctrl-C included).  Nested
        use joins the outer transaction.  A connection lost during the commit is
        reported as such: the server may or may not have stored the transaction."""
        from neo4j import exceptions as nx

        if self._tx is not None:
            yield
            return
        session = self._session()
        try:
            try:
                tx = session.begin_transaction()
            except nx.Neo4jError as exc:
                raise GraphDBError(f"cannot start a transaction: {_reason(exc)}") from exc
            except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
                raise GraphDBError(f"lost the connection to Neo4j at {self.uri}") from exc
            self._tx = tx
            try:
                yield
            except BaseException:
                _rollback_quietly(tx)
                raise
            finally:
                self._tx = None  # the commit below runs on ``tx`` itself
            try:
                tx.commit()
            except nx.IncompleteCommit as exc:  # before ServiceUnavailable, its base class
                raise _AmbiguousCommit(
                    f"the connection to Neo4j at {self.uri} broke during the commit: the "
                    "changes may or may not be stored; run the command again"
                ) from exc
            except nx.Neo4jError as exc:
                raise GraphDBError(f"commit failed: {_reason(exc)}") from exc
            except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
                raise GraphDBError(
                    f"lost the connection to Neo4j at {self.uri}; nothing was committed"
                ) from exc
        finally:
            with contextlib.suppress(Exception):  # a broken connection rolls back anyway
                session.close()

    def _in_open_tx(self, work: Callable):
        """Run ``work`` in the open :meth:`atomic` transaction, errors as GraphDBError."""
        from neo4j import exceptions as nx

        try:
            return work(self._tx)
        except nx.Neo4jError as exc:
            raise GraphDBError(f"query failed: {_reason(exc)}") from exc
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise GraphDBError(f"lost the connection to Neo4j at {self.uri}") from exc

    def _read(self, work: Callable):
        from neo4j import exceptions as nx

        if self._tx is not None:
            return self._in_open_tx(work)
        try:
            with self._session() as session:
                return session.execute_read(work)
        except nx.Neo4jError as exc:
            raise GraphDBError(f"query failed: {_reason(exc)}") from exc
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise GraphDBError(f"lost the connection to Neo4j at {self.uri}") from exc

    def _write(self, work: Callable):
        from neo4j import exceptions as nx

        if self._tx is not None:
            return self._in_open_tx(work)
        try:
            with self._session() as session:
                return session.execute_write(work)
        except nx.IncompleteCommit as exc:  # before ServiceUnavailable, its base class
            raise _AmbiguousCommit(
                f"the connection to Neo4j at {self.uri} broke during a commit"
            ) from exc
        except nx.Neo4jError as exc:
            raise GraphDBError(f"query failed: {_reason(exc)}") from exc
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise GraphDBError(f"lost the connection to Neo4j at {self.uri}") from exc

    def query_read(self, text: str, params: Mapping | None = None) -> list[dict]:
        """In a read transaction: the server refuses any write (exact, unlike a scan)."""
        from graphdb.errors import WriteRefused

        if self._tx is not None:  # inside atomic(): a write transaction, so scan the text
            return super().query_read(text, params)
        p = dict(params or {})
        try:
            return self._read(lambda tx: values.from_neo4j(tx.run(text, p)))
        except GraphDBError as exc:
            cause = exc.__cause__
            code = str(getattr(cause, "code", "") or "")
            if "AccessMode" in code or "read access mode" in str(cause).lower():
                raise WriteRefused(
                    "refused: the statement writes (Neo4j refused it in a read "
                    "transaction); pass --write to run it"
                ) from None
            raise

    def query(self, text: str, params: Mapping | None = None) -> list[dict]:
        p = dict(params or {})

        def work(tx):
            return [r.data() for r in tx.run(text, p)]

        return self._write(work) if writes(text) else self._read(work)

    def query_values(self, text: str, params: Mapping | None = None) -> list[dict]:
        p = dict(params or {})

        def work(tx):
            return values.from_neo4j(tx.run(text, p))

        return self._write(work) if writes(text) else self._read(work)

    def query_df(self, text: str, params: Mapping | None = None) -> pd.DataFrame:
        p = dict(params or {})

        def work(tx):
            result = tx.run(text, p)
            keys = result.keys()
            return pd.DataFrame(result.values(), columns=keys)

        return self._write(work) if writes(text) else self._read(work)

    def _export_pages(self, text: str) -> Iterator[pd.DataFrame]:
        """Stream a read-only export in pages of ``page_size`` records."""
        import neo4j
        from neo4j import exceptions as nx

        if self._tx is not None:  # inside atomic(): read the transaction's own writes
            yield from self._tx_pages(text)
            return
        try:
            with self._session(
                default_access_mode=neo4j.READ_ACCESS, fetch_size=self.page_size
            ) as s:
                with s.begin_transaction() as tx:
                    result = tx.run(text)
                    keys = result.keys()
                    while True:
                        records = result.fetch(self.page_size)
                        if not records:
                            break
                        yield pd.DataFrame([r.values() for r in records], columns=keys)
                        del records
        except nx.Neo4jError as exc:
            raise GraphDBError(f"export failed: {_reason(exc)}") from exc
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise GraphDBError(f"lost the connection to Neo4j at {self.uri}") from exc

    def _tx_pages(self, text: str) -> Iterator[pd.DataFrame]:
        """:meth:`_export_pages` inside the open :meth:`atomic` transaction."""
        result = self._in_open_tx(lambda tx: tx.run(text))
        keys = result.keys()
        while True:
            records = self._in_open_tx(lambda _tx: result.fetch(self.page_size))
            if not records:
                return
            yield pd.DataFrame([r.values() for r in records], columns=keys)
            del records

    def _count_rels(self, rel: str) -> int | None:
        return int(self.query(schema.count_rels_query(rel))[0]["n"])

    def _write_batches(
        self,
        text: str,
        batches: Iterable[dict],
        remaining: Callable[[dict], dict | None] | None = None,
    ) -> None:
        """Run ``text`` once per parameter dict, each in its own managed transaction.

        The driver retries a transaction that failed before its commit.  When the
        connection breaks *during* the commit, nobody knows whether it happened; then
        ``remaining(params)`` asks the server (once it answers again) which rows of the
        batch are missing, and only those are written, so a batch is never written twice.
        """
        for params in batches:
            todo: dict | None = params
            while todo is not None:
                try:
                    self._write(lambda tx, p=todo: tx.run(text, p).consume())
                except _AmbiguousCommit as exc:
                    if remaining is None:
                        raise GraphDBError(str(exc)) from exc
                    log.info("%s; checking which rows of the batch are stored", exc)
                    todo = remaining(todo)
                else:
                    todo = None

    # -- schema ------------------------------------------------------------------------
    def init_schema(self) -> None:
        for label in schema.NODE_LABELS:
            name = f"{label.lower()}_id_unique"
            self.query(
                f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
            )
        for rel, prop in _REL_INDEXES.items():
            name = f"{rel.lower()}_{prop}"
            self.query(f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[r:{rel}]-() ON (r.{prop})")
        self.query("CREATE INDEX user_beauty IF NOT EXISTS FOR (n:User) ON (n.beauty)")

    def counts(self) -> dict:
        """As :meth:`Store.counts`, but only asks about labels and types the database has
        ever seen (a count of an unknown type draws an "unknown relationship type"
        warning from the server)."""
        labels = {r["label"] for r in self.query("CALL db.labels() YIELD label RETURN label")}
        types = {
            r["t"]
            for r in self.query("CALL db.relationshipTypes() YIELD relationshipType AS t RETURN t")
        }
        nodes = {
            label: int(self.query(schema.count_nodes_query(label))[0]["n"])
            if label in labels
            else 0
            for label in schema.NODE_LABELS
        }
        rels = {
            rel: int(self.query(schema.count_rels_query(rel))[0]["n"]) if rel in types else 0
            for rel in schema.REL_TYPES
        }
        return {"nodes": nodes, "relationships": rels}

    # -- bulk load ---------------------------------------------------------------------
    def _insert_nodes(self, label: str, frame: pd.DataFrame) -> int:
        props = [c for c in frame.columns if c != "id"]
        sets = ", ".join(f"n.{p} = row.{p}" for p in props)
        text = f"UNWIND $rows AS row CREATE (n:{label} {{id: row.id}})" + (
            f" SET {sets}" if sets else ""
        )
        records = records_for_write(frame[["id", *props]])

        def remaining(params: dict) -> dict | None:
            stored = self.stored_ids(label, [r["id"] for r in params["rows"]])
            rows = [r for r in params["rows"] if r["id"] not in stored]
            return {"rows": rows} if rows else None

        self._write_batches(
            text,
            (
                {"rows": records[i : i + self.batch_size]}
                for i in range(0, len(records), self.batch_size)
            ),
            remaining,
        )
        return len(records)

    def _insert_rels(self, rel: str, frame: pd.DataFrame) -> int:
        keys = list(schema.REL_KEYS.get(rel, ()))

        def remaining(params: dict) -> dict | None:
            flat = [(g["src"], row) for g in params["groups"] for row in g["rows"]]
            check = pd.DataFrame(
                {
                    "src": [src for src, _ in flat],
                    "dst": [row["dst"] for _, row in flat],
                    **{k: [row[k] for _, row in flat] for k in keys},
                }
            )
            missing = iter(self.new_rel_mask(rel, check).tolist())
            groups = []
            for g in params["groups"]:
                rows = [row for row in g["rows"] if next(missing)]
                if rows:
                    groups.append({"src": g["src"], "rows": rows})
            return {"groups": groups} if groups else None

        self._write_batches(_insert_rels_text(rel, frame), self._rel_batches(frame), remaining)
        return len(frame)

    def _rel_batches(self, frame: pd.DataFrame) -> Iterator[dict]:
        """``{"groups": [{src, rows: [{dst, props…}]}]}`` batches of about ``batch_size``
        rows, grouped by source node (one source never spans two batches unless it alone
        has more rows than a batch)."""
        props = [c for c in frame.columns if c not in ("src", "dst")]
        ordered = frame[["src", "dst", *props]].sort_values("src", kind="stable")
        records = records_for_write(ordered.drop(columns="src"))
        srcs = ordered["src"].astype(str).to_numpy()
        starts: list[int] = (
            np.flatnonzero(np.r_[True, srcs[1:] != srcs[:-1]]).tolist() if len(srcs) else []
        )
        bounds = [*starts, len(srcs)]
        batch: list[dict] = []
        size = 0
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            batch.append({"src": srcs[a], "rows": records[a:b]})
            size += b - a
            if size >= self.batch_size:
                yield {"groups": batch}
                batch, size = [], 0
        if batch:
            yield {"groups": batch}

    # -- write-back --------------------------------------------------------------------
    def _write_node_props(self, label: str, frame: pd.DataFrame, props: list[str]) -> int:
        sets = ", ".join(f"n.{p} = row.{p}" for p in props)
        text = f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) SET {sets}"
        records = records_for_write(frame)
        self._write_batches(
            text,
            (
                {"rows": records[i : i + self.batch_size]}
                for i in range(0, len(records), self.batch_size)
            ),
            lambda params: params,  # SET is idempotent: writing the batch again is safe
        )
        return len(records)

    def _replace_rels(self, rel: str, frame: pd.DataFrame, where: dict) -> int:
        a, b = schema.REL_ENDPOINTS[rel]
        cond = ""
        params: dict = {}
        if where:
            cond = " WHERE " + " AND ".join(f"r.{k} = $w_{k}" for k in where)
            params = {f"w_{k}": v for k, v in where.items()}
        delete = f"MATCH (:{a})-[r:{rel}]->(:{b}){cond} DELETE r"
        insert = _insert_rels_text(rel, frame) if len(frame) else ""
        batches = list(self._rel_batches(frame)) if len(frame) else []

        def work(tx):  # one transaction: the old set or the new one, never half of each
            tx.run(delete, params).consume()
            for batch in batches:
                tx.run(insert, batch).consume()

        try:
            self._write(work)
        except _AmbiguousCommit:
            self._write(work)  # delete-then-insert gives the same set when repeated
        return len(frame)

    def _clear(self) -> None:
        from neo4j import exceptions as nx

        if self._tx is not None:  # CALL … IN TRANSACTIONS cannot run inside atomic()
            self.query("MATCH (n) DETACH DELETE n")
            return
        statements = (
            f"MATCH ()-[r]->() CALL (r) {{ DELETE r }} IN TRANSACTIONS OF {CLEAR_BATCH} ROWS",
            f"MATCH (n) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF {CLEAR_BATCH} ROWS",
        )
        try:
            with self._session() as session:
                for text in statements:  # CALL … IN TRANSACTIONS needs an auto-commit query
                    session.run(text).consume()
        except nx.Neo4jError as exc:
            raise GraphDBError(f"clear failed: {_reason(exc)}") from exc

    # -- the data stamp ----------------------------------------------------------------
    def data_stamp(self) -> str | None:
        """``<database id>|<bookmark>`` of this store's database (module docstring): the
        bookmark the server returns for a read transaction names the last transaction
        committed to the database, by any client; None when the server gives none."""
        from neo4j import exceptions as nx

        if self._driver is None:
            raise GraphDBError("the store is closed")
        try:
            with self._session() as session:
                ident = session.execute_read(lambda tx: tx.run(_STAMP_QUERY).single())
                bookmarks = session.last_bookmarks()
        except (nx.Neo4jError, nx.DriverError):
            return None
        return stamp_of(ident["id"] if ident else None, bookmarks.raw_values)

    # -- helpers for loaders: new rows found on the server -----------------------------
    def stored_ids(self, label: str, ids: Iterable[str]) -> set[str]:
        schema.check_label(label)
        wanted = list(dict.fromkeys(map(str, ids)))
        text = f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id AS id"
        found: set[str] = set()
        for i in range(0, len(wanted), CHECK_BATCH):
            chunk = wanted[i : i + CHECK_BATCH]
            found.update(self._read(lambda tx, c=chunk: [r[0] for r in tx.run(text, {"ids": c})]))
        return found

    def new_rel_mask(self, rel: str, frame: pd.DataFrame) -> np.ndarray:
        schema.check_rel(rel)
        a, b = schema.REL_ENDPOINTS[rel]
        keys = list(schema.REL_KEYS.get(rel, ()))
        cond = "".join(f" AND r.{k} = $k_{k}[i]" for k in keys)
        text = (
            "UNWIND range(0, size($src) - 1) AS i WITH i WHERE NOT EXISTS { "
            f"MATCH (:{a} {{id: $src[i]}})-[r:{rel}]->(:{b} {{id: $dst[i]}}) "
            f"WHERE true{cond} }} RETURN i"
        )
        mask = np.zeros(len(frame), dtype=bool)
        src = frame["src"].astype(str).tolist()
        dst = frame["dst"].astype(str).tolist()
        key_cols = {k: frame[k].astype(str).tolist() for k in keys}
        for start in range(0, len(frame), CHECK_BATCH):
            stop = start + CHECK_BATCH
            params = {"src": src[start:stop], "dst": dst[start:stop]}
            params.update({f"k_{k}": col[start:stop] for k, col in key_cols.items()})
            new = self._read(lambda tx, p=params: [r[0] for r in tx.run(text, p)])
            mask[np.asarray(new, dtype=np.int64) + start] = True
        return mask


#: the database's id; the read's bookmark comes with the answer
_STAMP_QUERY = "CALL db.info() YIELD id RETURN id"


def stamp_of(database_id: str | None, bookmarks: Iterable[str]) -> str | None:
    """The stamp from the database's id and the bookmarks of a read of it (None without
    either).  A bookmark is opaque to clients, so it is compared whole, never parsed.

    >>> stamp_of("AB", {"FB:x1"}), stamp_of("AB", set()), stamp_of(None, {"FB:x1"})
    ('AB|FB:x1', None, None)
    """
    marks = sorted(bookmarks)
    if database_id is None or not marks:
        return None
    return "|".join([str(database_id), *marks])


def _rollback_quietly(tx) -> None:
    """Roll back after a failure; if the connection is broken the server rolls the
    transaction back when it notices, so a failing rollback is not a second error."""
    with contextlib.suppress(Exception):
        tx.rollback()


class _AmbiguousCommit(GraphDBError):
    """The connection broke during a commit: the transaction may or may not be stored."""


def _insert_rels_text(rel: str, frame: pd.DataFrame) -> str:
    """``UNWIND`` groups of one source node each: the source is matched once per group."""
    a, b = schema.REL_ENDPOINTS[rel]
    props = [c for c in frame.columns if c not in ("src", "dst")]
    setmap = ", ".join(f"{p}: row.{p}" for p in props)
    return (
        f"UNWIND $groups AS g MATCH (a:{a} {{id: g.src}}) "
        f"UNWIND g.rows AS row MATCH (b:{b} {{id: row.dst}}) "
        f"CREATE (a)-[:{rel} {{{setmap}}}]->(b)"
    )


def _reason(exc: BaseException) -> str:
    """The driver's message as one readable line (no trailing colon, no blank lines)."""
    message = getattr(exc, "message", None) or str(exc)
    lines = [ln.strip() for ln in str(message).splitlines() if ln.strip()]
    text = " ".join(lines) or type(exc).__name__
    text = re.sub(r"\s+", " ", text).rstrip(" :")
    return text if len(text) <= 300 else text[:297] + "..."
