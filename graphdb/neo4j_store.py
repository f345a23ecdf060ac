"""Production backend: a Neo4j 5 server through the official ``neo4j`` Python driver.

Writes go through ``session.execute_write`` (managed transactions, retried by the driver on
transient errors), in ``UNWIND $rows`` batches; every write is safe to retry because a
retried transaction function starts from a rolled-back state.  Uniqueness constraints on
``id`` back every ``MATCH (n:Label {id: …})`` with an index.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import pandas as pd

from graphdb import schema
from graphdb.base import Store
from graphdb.errors import ConnectionFailed, GraphDBError
from graphdb.frames import records_for_write

log = logging.getLogger(__name__)

BATCH_SIZE = 20_000

#: relationship properties worth an index (used to select/replace derived relationships)
_REL_INDEXES = {"INTERESTED_IN": "source", "RECOMMENDED": "method", "AUTHORITY_ON": "rank"}


class Neo4jStore(Store):
    """A :class:`graphdb.base.Store` on a Neo4j 5 server (``bolt://`` or ``neo4j://`` URI)."""

    dialect = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        import neo4j
        from neo4j import exceptions as nx

        self.uri = uri
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size = batch_size
        user = user if user is not None else os.environ.get("NEO4J_USER", "neo4j")
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
        self._driver: neo4j.Driver | None = None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=(user, password), connection_timeout=10
            )
            self._driver.verify_connectivity()
        except nx.AuthError:
            raise ConnectionFailed(
                f"Neo4j at {uri} rejected the credentials for user {user!r} "
                "(set NEO4J_USER / NEO4J_PASSWORD)"
            ) from None
        except (nx.ServiceUnavailable, OSError) as exc:
            raise ConnectionFailed(f"cannot reach Neo4j at {uri}: {_first_line(exc)}") from None
        except (ValueError, nx.ConfigurationError) as exc:
            raise ConnectionFailed(f"invalid Neo4j URI {uri!r}: {_first_line(exc)}") from None

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    # -- queries -----------------------------------------------------------------------
    def _session(self):
        if self._driver is None:
            raise GraphDBError("the store is closed")
        return self._driver.session(database=self.database)

    def query(self, text: str, params: Mapping | None = None) -> list[dict]:
        from neo4j import exceptions as nx

        try:
            with self._session() as session:
                return session.execute_write(
                    lambda tx: [r.data() for r in tx.run(text, dict(params or {}))]
                )
        except nx.Neo4jError as exc:
            raise GraphDBError(f"query failed: {_first_line(exc)}") from exc

    def query_df(self, text: str, params: Mapping | None = None) -> pd.DataFrame:
        from neo4j import exceptions as nx

        def work(tx):
            result = tx.run(text, dict(params or {}))
            keys = result.keys()
            rows = result.values()
            return pd.DataFrame(rows, columns=keys)

        try:
            with self._session() as session:
                # write access mode: named statements may write, and a single server or the
                # cluster leader serves both kinds
                return session.execute_write(work)
        except nx.Neo4jError as exc:
            raise GraphDBError(f"query failed: {_first_line(exc)}") from exc

    def _write_batches(self, text: str, records: list[dict], extra: Mapping | None = None) -> int:
        """Run ``text`` (which UNWINDs ``$rows``) over ``records`` in managed transactions."""
        total = 0
        with self._session() as session:
            for start in range(0, len(records), self.batch_size):
                batch = records[start : start + self.batch_size]
                params = {"rows": batch, **(extra or {})}
                session.execute_write(lambda tx, p=params: tx.run(text, p).consume())
                total += len(batch)
        return total

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

    # -- bulk load ---------------------------------------------------------------------
    def insert_nodes(self, label: str, frame: pd.DataFrame) -> int:
        props = [c for c in frame.columns if c != "id"]
        schema.check_props(label, props)
        if len(frame) == 0:
            return 0
        sets = ", ".join(f"n.{p} = row.{p}" for p in props)
        text = f"UNWIND $rows AS row CREATE (n:{label} {{id: row.id}})" + (
            f" SET {sets}" if sets else ""
        )
        return self._write_batches(text, records_for_write(frame[["id", *props]]))

    def insert_rels(self, rel: str, frame: pd.DataFrame) -> int:
        props = [c for c in frame.columns if c not in ("src", "dst")]
        schema.check_rel_props(rel, props)
        if len(frame) == 0:
            return 0
        a, b = schema.REL_ENDPOINTS[rel]
        setmap = ", ".join(f"{p}: row.{p}" for p in props)
        text = (
            f"UNWIND $rows AS row MATCH (a:{a} {{id: row.src}}) MATCH (b:{b} {{id: row.dst}}) "
            f"CREATE (a)-[:{rel} {{{setmap}}}]->(b)"
        )
        return self._write_batches(text, records_for_write(frame[["src", "dst", *props]]))

    # -- write-back --------------------------------------------------------------------
    def write_node_props(self, label: str, frame: pd.DataFrame) -> int:
        props = [c for c in frame.columns if c != "id"]
        schema.check_props(label, props)
        if "id" not in frame.columns:
            raise ValueError("write_node_props needs an 'id' column")
        if len(frame) == 0 or not props:
            return 0
        sets = ", ".join(f"n.{p} = row.{p}" for p in props)
        text = f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) SET {sets}"
        return self._write_batches(text, records_for_write(frame[["id", *props]]))

    def replace_rels(self, rel: str, frame: pd.DataFrame, where: Mapping | None = None) -> int:
        schema.check_rel_props(rel, list(where or {}))
        a, b = schema.REL_ENDPOINTS[rel]
        cond = ""
        params: dict = {}
        if where:
            cond = " WHERE " + " AND ".join(f"r.{k} = $w_{k}" for k in where)
            params = {f"w_{k}": v for k, v in where.items()}
        text = (
            f"MATCH (:{a})-[r:{rel}]->(:{b}){cond} WITH r LIMIT $limit DELETE r "
            "RETURN count(*) AS n"
        )
        while self.query(text, {**params, "limit": self.batch_size})[0]["n"]:
            pass
        return self.insert_rels(rel, frame)

    def clear(self) -> None:
        for label in schema.NODE_LABELS:
            text = f"MATCH (n:{label}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
            while self.query(text, {"limit": self.batch_size})[0]["n"]:
                pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
