"""Loading pipeline: a validated load reporting through the steps protocol (the ``load``
report section is :mod:`beautygraph.sections.load`), the offline first load of a Neo4j
database, and the store's counts (``stats``).  Each returns a frozen result whose
``to_json()`` is the command's ``--json`` object."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphdb.base import Store
from graphdb.errors import InputWarning
from graphdb.loader import Dedupe, load_folder
from graphdb.tables import LoadCounts
from kernel.steps import Steps

__all__ = [
    "InitialLoadResult",
    "LoadResult",
    "StoreCounts",
    "load_initial",
    "load_into_store",
    "store_counts",
]


@dataclass(frozen=True)
class StoreCounts:
    """Nodes per label and relationships per type of a store, every schema type listed
    (zero included), in schema order.

    >>> StoreCounts({"User": 2}, {"FOLLOWS": 1}).to_json()
    {'nodes': {'User': 2}, 'relationships': {'FOLLOWS': 1}}
    """

    nodes: Mapping[str, int]
    relationships: Mapping[str, int]

    def to_json(self) -> dict[str, Any]:
        """The ``stats --json`` object (and ``totals`` of ``load --json``)."""
        return {"nodes": dict(self.nodes), "relationships": dict(self.relationships)}


def store_counts(store: Store) -> StoreCounts:
    """The counts of ``store`` (:meth:`graphdb.base.Store.counts`)."""
    counts = store.counts()
    return StoreCounts(dict(counts["nodes"]), dict(counts["relationships"]))


@dataclass(frozen=True)
class LoadResult:
    """One load: the folder (resolved), the rows it added, what the store holds afterwards
    and the warnings about files it ignored."""

    folder: str
    added: LoadCounts
    totals: StoreCounts
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``load --json`` object: ``{folder, added, totals, warnings}``."""
        return {
            "folder": self.folder,
            "added": self.added.to_dict(),
            "totals": self.totals.to_json(),
            "warnings": list(self.warnings),
        }


def load_into_store(
    store: Store,
    folder: Path,
    steps: Steps | None = None,
    dedupe: Dedupe | None = None,
    allow_extra: bool = False,
) -> LoadResult:
    """Load ``folder`` (:func:`graphdb.loader.load_folder`) and count the store; the
    warnings are those about ignored extra files (``allow_extra``)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        counts = load_folder(store, folder, steps=steps, dedupe=dedupe, allow_extra=allow_extra)
    notes = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    return LoadResult(
        folder=str(Path(folder).resolve()),
        added=counts,
        totals=store_counts(store),
        warnings=tuple(notes),
    )


@dataclass(frozen=True)
class InitialLoadResult:
    """The offline first load of a Neo4j database: the rows imported and the database."""

    added: LoadCounts
    database: str

    def to_json(self) -> dict[str, Any]:
        """The ``load --initial --json`` object: ``{added, database}``."""
        return {"added": self.added.to_dict(), "database": self.database}


def load_initial(
    folder: str | os.PathLike,
    neo4j_home: str | os.PathLike,
    neo4j_conf: str | os.PathLike | None = None,
    *,
    database: str,
    overwrite: bool = False,
    heap: str | None = None,
    class_cache: bool = True,
    steps: Steps | None = None,
) -> InitialLoadResult:
    """Import ``folder`` into the stopped, empty Neo4j database ``database`` with the
    offline importer (:func:`graphdb.neo4j_import.load_folder_initial`; ``heap`` None: its
    default)."""
    from graphdb.neo4j_import import DEFAULT_HEAP, load_folder_initial

    counts = load_folder_initial(
        folder,
        neo4j_home,
        neo4j_conf,
        database=database,
        overwrite=overwrite,
        heap=DEFAULT_HEAP if heap is None else heap,
        class_cache=class_cache,
        steps=steps,
    )
    return InitialLoadResult(counts, database)
