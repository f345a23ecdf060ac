"""The arrays a store exports and the counts a load returns (no store logic here).

Kept apart from ``graphdb/base.py`` (the store interface) and ``graphdb/frames.py`` (the
conversions) so that both import these types and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


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
