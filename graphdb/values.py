"""Result values of user-written Cypher as plain Python, the same on both backends.

``beautygraph query`` prints whatever a statement returns: scalars, lists, maps, nodes,
relationships and paths.  The backends hand these over in different shapes (LadybugDB: an
arrow table whose nodes are structs with internal ``_ID`` / ``_LABEL`` fields; Neo4j: driver
``Node`` / ``Relationship`` / ``Path`` objects), so both are turned here into one form:

- scalars stay scalars (times become ISO 8601 text, non-finite floats ``None``);
- lists stay lists (a one-element list stays a list) and maps become dicts;
- graph elements become :class:`Node`, :class:`Relationship` and :class:`Path`, whose
  :func:`to_json` forms are ``{"labels", "properties"}``, ``{"type", "properties",
  "start", "end"}`` and ``{"nodes", "relationships"}``.

Properties that are null are left out (a Neo4j node has no null properties; a LadybugDB node
carries every column of its table).  A relationship's ``start`` / ``end`` are the ``id``
properties of its endpoint nodes when those nodes appear anywhere in the same result, else
``None`` (neither backend hands over an endpoint it was not asked for).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Node",
    "Relationship",
    "Path",
    "from_arrow",
    "from_neo4j",
    "to_json",
    "cell",
]


@dataclass
class Node:
    """A node: its labels and its (non-null) properties."""

    labels: list[str]
    properties: dict[str, Any]
    key: Hashable = field(default=None, repr=False, compare=False)  # backend's internal id


@dataclass
class Relationship:
    """A relationship: type, (non-null) properties and the ``id`` of its endpoints."""

    type: str
    properties: dict[str, Any]
    start: str | None = None
    end: str | None = None
    start_key: Hashable = field(default=None, repr=False, compare=False)
    end_key: Hashable = field(default=None, repr=False, compare=False)


@dataclass
class Path:
    """A path: its nodes and relationships in order."""

    nodes: list[Node]
    relationships: list[Relationship]


# -- scalars --------------------------------------------------------------------------------


def _scalar(value: Any) -> Any:
    """A scalar as JSON-able Python: times as ISO 8601, decimals as floats."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _iso_duration(value)
    if isinstance(value, decimal.Decimal):
        return _scalar(float(value))
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "to_native"):  # neo4j.time types: ISO text like Python's own
        return _scalar(value.to_native())
    if hasattr(value, "item"):  # numpy scalars
        return _scalar(value.item())
    return str(value)


def _iso_duration(td: dt.timedelta) -> str:
    """An interval as ISO 8601 text, as Neo4j writes its durations.

    >>> _iso_duration(dt.timedelta(days=1, hours=2)), _iso_duration(dt.timedelta(seconds=1.5))
    ('P1DT2H', 'PT1.5S')
    """
    hours, rest = divmod(td.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    sec = f"{seconds}.{td.microseconds:06d}".rstrip("0") if td.microseconds else str(seconds)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    time += f"{sec}S" if seconds or td.microseconds else ""
    if not time and not td.days:
        return "PT0S"
    return (f"P{td.days}D" if td.days else "P") + (f"T{time}" if time else "")


def _props(items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {k: _scalar_or_list(v) for k, v in items if v is not None}


def _scalar_or_list(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_scalar_or_list(v) for v in value]
    return _scalar(value)


# -- LadybugDB: arrow -------------------------------------------------------------------------


def _internal_id(value: Any) -> Hashable:
    """LadybugDB's internal id ``{offset, table}`` as a hashable key."""
    if isinstance(value, dict):
        return (value.get("table"), value.get("offset"))
    return value


def _arrow_props(value: dict, typ: Any) -> dict[str, Any]:
    """A node or relationship struct's own (non-null) properties, not its ``_`` fields."""
    out = {}
    for k, v in value.items():
        if not k.startswith("_") and v is not None:
            out[k] = _from_arrow_value(v, typ.field(k).type)
    return out


def _arrow_struct(value: dict, fields: set[str], typ: Any) -> Any:
    if {"_ID", "_LABEL"} <= fields and {"_SRC", "_DST"} <= fields:
        return Relationship(
            type=value["_LABEL"],
            properties=_arrow_props(value, typ),
            start_key=_internal_id(value["_SRC"]),
            end_key=_internal_id(value["_DST"]),
        )
    if {"_ID", "_LABEL"} <= fields:
        return Node(
            labels=[value["_LABEL"]],
            properties=_arrow_props(value, typ),
            key=_internal_id(value["_ID"]),
        )
    if {"_NODES", "_RELS"} <= fields:  # a path (recursive relationship)
        nodes_t = typ.field("_NODES").type.value_type
        rels_t = typ.field("_RELS").type.value_type
        return Path(
            nodes=[_from_arrow_value(n, nodes_t) for n in value["_NODES"] or []],
            relationships=[_from_arrow_value(r, rels_t) for r in value["_RELS"] or []],
        )
    return {k: _from_arrow_value(value[k], typ.field(k).type) for k in value}


def _from_arrow_value(value: Any, typ: Any) -> Any:
    """One arrow value (``to_pylist`` form) of arrow type ``typ`` as plain Python."""
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_map(typ):  # to_pylist gives [(key, value), ...]
        return {str(k): _from_arrow_value(v, typ.item_type) for k, v in value}
    if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_fixed_size_list(typ):
        return [_from_arrow_value(v, typ.value_type) for v in value]
    if pa.types.is_struct(typ):
        return _arrow_struct(value, {typ.field(i).name for i in range(typ.num_fields)}, typ)
    if pa.types.is_union(typ):
        return _scalar_or_list(value)
    if pa.types.is_timestamp(typ) and typ.tz is None and isinstance(value, dt.datetime):
        # the store keeps timestamps in UTC (graphdb.schema): say so, as Neo4j does
        value = value.replace(tzinfo=dt.UTC)
    return _scalar(value)


def from_arrow(table: Any) -> list[dict[str, Any]]:
    """Rows of a LadybugDB result (a ``pyarrow.Table``) as plain Python."""
    types = {f.name: f.type for f in table.schema}
    rows = [
        {k: _from_arrow_value(v, types[k]) for k, v in row.items()} for row in table.to_pylist()
    ]
    return _link_endpoints(rows)


# -- Neo4j: driver objects ---------------------------------------------------------------------


def _schema_order(tables: list[str], props: dict[str, Any]) -> dict[str, Any]:
    """``props`` in the schema's column order of the first known label or type among
    ``tables`` (as LadybugDB gives them), any others after, by name."""
    from graphdb import schema

    columns = {**schema.NODE_PROPS, **schema.REL_PROPS}
    known = next((list(columns[t]) for t in tables if t in columns), [])
    rank = {k: i for i, k in enumerate(known)}
    return dict(sorted(props.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def _from_neo4j_value(value: Any) -> Any:
    from neo4j import graph

    if isinstance(value, graph.Node):
        labels = sorted(value.labels)
        props = _schema_order(labels, _props(value.items()))
        return Node(labels, props, key=value.element_id)
    if isinstance(value, graph.Relationship):
        start, end = value.start_node, value.end_node
        return Relationship(
            type=value.type,
            properties=_schema_order([value.type], _props(value.items())),
            start_key=start.element_id if start is not None else None,
            end_key=end.element_id if end is not None else None,
        )
    if isinstance(value, graph.Path):
        return Path(
            nodes=[_from_neo4j_value(n) for n in value.nodes],
            relationships=[_from_neo4j_value(r) for r in value.relationships],
        )
    if isinstance(value, dict):
        return {str(k): _from_neo4j_value(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "iso_format"):
        return value.iso_format()  # a neo4j Duration (a tuple; no timedelta holds months)
    if isinstance(value, (list, tuple)):
        return [_from_neo4j_value(v) for v in value]
    return _scalar(value)


def from_neo4j(records: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows of a Neo4j result (driver ``Record`` objects) as plain Python."""
    rows = [{k: _from_neo4j_value(v) for k, v in r.items()} for r in records]
    return _link_endpoints(rows)


# -- endpoints ---------------------------------------------------------------------------------


def _walk(value: Any) -> Iterable[Any]:
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    elif isinstance(value, Path):
        yield from value.nodes
        yield from value.relationships


def _link_endpoints(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill each relationship's ``start`` / ``end`` with the ``id`` of its endpoint nodes
    found anywhere in the result (the backends only give internal ids)."""
    ids: dict[Hashable, Any] = {}
    rels: list[Relationship] = []
    for v in _walk(rows):
        if isinstance(v, Node) and v.key is not None:
            ids[v.key] = v.properties.get("id")
        elif isinstance(v, Relationship):
            rels.append(v)
    for r in rels:
        r.start, r.end = ids.get(r.start_key), ids.get(r.end_key)
    return rows


# -- output ------------------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """``value`` with graph elements replaced by their JSON forms."""
    if isinstance(value, Node):
        return {"labels": list(value.labels), "properties": to_json(value.properties)}
    if isinstance(value, Relationship):
        return {
            "type": value.type,
            "properties": to_json(value.properties),
            "start": value.start,
            "end": value.end,
        }
    if isinstance(value, Path):
        return {
            "nodes": [to_json(n) for n in value.nodes],
            "relationships": [to_json(r) for r in value.relationships],
        }
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return _scalar(value)


def _literal(value: Any) -> str:
    """A property or list value written as in Cypher / JSON (strings quoted)."""
    return json.dumps(to_json(value), ensure_ascii=False)


def _map_text(props: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in props.items()) + "}"


def cell(value: Any) -> str:
    """``value`` as readable table text: nodes as ``(:User {id: "a", …})``, relationships
    as ``(a)-[:FOLLOWS {…}]->(b)``, lists and maps in brackets, null as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Node):
        labels = "".join(f":{label}" for label in value.labels)
        props = f" {_map_text(value.properties)}" if value.properties else ""
        return f"({labels}{props})"
    if isinstance(value, Relationship):
        props = f" {_map_text(value.properties)}" if value.properties else ""
        start = "" if value.start is None else value.start
        end = "" if value.end is None else value.end
        return f"({start})-[:{value.type}{props}]->({end})"
    if isinstance(value, Path):
        return " ".join(cell(x) for x in [*value.nodes, *value.relationships])
    if isinstance(value, list):
        return "[" + ", ".join(_cell_item(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_cell_item(v)}" for k, v in value.items()) + "}"
    scalar = _scalar(value)
    return "" if scalar is None else str(scalar)


def _cell_item(value: Any) -> str:
    """An element inside a list or map: strings quoted so ``["a, b"]`` stays one item."""
    if isinstance(value, (Node, Relationship, Path, list, dict)):
        return cell(value)
    return "null" if value is None else _literal(value)
