"""The graph store: one interface (:class:`graphdb.base.Store`), two backends.

``connect(uri)`` picks the backend from the URI: ``bolt://``, ``bolt+s://``, ``neo4j://``,
``neo4j+s://`` … go to a Neo4j 5 server (credentials from ``NEO4J_USER`` /
``NEO4J_PASSWORD``); anything else is the path of an embedded LadybugDB database.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from graphdb.base import Store
from graphdb.errors import ConnectionFailed, GraphDBError, ValidationFailed
from graphdb.tables import EdgeTable, LoadCounts, NodeTable

__all__ = [
    "connect",
    "database_exists",
    "file_beside",
    "is_server_uri",
    "embedded_path",
    "remove_embedded",
    "DEFAULT_DB",
    "Store",
    "NodeTable",
    "EdgeTable",
    "LoadCounts",
    "GraphDBError",
    "ConnectionFailed",
    "ValidationFailed",
]

_SERVER_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
_EMBEDDED_SUFFIX = ".lbdb"
DEFAULT_DB = f"./beautygraph{_EMBEDDED_SUFFIX}"
#: ``bolt:/host``, ``neo4j:host``, ``bolt//host`` …: a server scheme without its ``://``
_SCHEME_TYPO = re.compile(r"^((?:bolt|neo4j)(?:\+s|\+ssc)?)(?::/?(?!//)|//)", re.IGNORECASE)


def is_server_uri(uri: str) -> bool:
    return uri.lower().startswith(_SERVER_SCHEMES)


def embedded_path(folder: str | os.PathLike, name: str) -> Path:
    """The path of an embedded database called ``name`` inside ``folder``."""
    return Path(folder) / f"{name}{_EMBEDDED_SUFFIX}"


def file_beside(uri: str | os.PathLike, *candidates: str | os.PathLike) -> Path | None:
    """The first of ``candidates`` (paths relative to the folder that holds the embedded
    database at ``uri``) that is a file, or None: also for a server URI, which has no
    folder.  A generated data set keeps its files (``truth.json``, ...) there."""
    if is_server_uri(str(uri)):
        return None
    base = Path(uri).resolve().parent
    return next((base / c for c in candidates if (base / c).is_file()), None)


def remove_embedded(path: str | os.PathLike) -> None:
    """Delete the embedded database at ``path`` with its side files (write-ahead log,
    lock, …: every entry whose name starts with the database's name); no error if absent."""
    import shutil

    path = Path(path)
    for p in path.parent.glob(f"{path.name}*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()


def connect(
    uri: str | os.PathLike | None = None,
    read_only: bool = False,
    init: bool = True,
    create: bool = True,
    database: str | None = None,
) -> Store:
    """Open the store at ``uri`` (default ``$BEAUTYGRAPH_DB`` or ``./beautygraph.lbdb``).

    With ``init`` (default) the schema is created if missing; ``read_only`` opens an
    embedded database read-only; with ``create=False`` an embedded database that does not
    exist yet is an error instead of being created (both for a clear CLI message).
    ``database`` names the Neo4j database (default ``$NEO4J_DATABASE`` or ``neo4j``).
    """
    uri = str(uri if uri is not None else os.environ.get("BEAUTYGRAPH_DB", DEFAULT_DB))
    if is_server_uri(uri):
        from graphdb.neo4j_store import Neo4jStore

        store: Store = Neo4jStore(uri, database=database)
    else:
        typo = _SCHEME_TYPO.match(uri)
        if typo:
            raise ConnectionFailed(
                f"{uri!r} looks like a mistyped server URI: write {typo.group(1)}://host:port"
            )
        if "://" in uri:
            raise ConnectionFailed(
                f"unsupported database URI {uri!r}: use a file path or bolt:// / neo4j://"
            )
        from graphdb.ladybug_store import LadybugStore

        path = Path(uri)
        if path.exists() and path.is_dir() and not any(path.iterdir()):
            path.rmdir()  # an empty directory is treated as "no database yet"
        if not create and not path.exists():
            raise ConnectionFailed(
                f"database {str(path)!r} does not exist; create it with `beautygraph load DIR` "
                "(or pass --db / set BEAUTYGRAPH_DB)"
            )
        store = LadybugStore(path, read_only=read_only)
    if init and not read_only:
        store.init_schema()
    return store


def _resolve(uri: str | os.PathLike | None) -> str:
    return str(uri if uri is not None else os.environ.get("BEAUTYGRAPH_DB", DEFAULT_DB))


def database_exists(uri: str | os.PathLike | None = None) -> bool:
    """Whether an embedded database exists at ``uri`` (a server URI always counts)."""
    uri = _resolve(uri)
    return is_server_uri(uri) or Path(uri).exists()
