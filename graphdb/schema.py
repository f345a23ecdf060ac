"""The beautygraph graph model: labels, relationship types, properties and their types.

This module is the whitelist: the only place label, relationship and property names come
from when Cypher text is generated (values always travel as parameters).

Property types are logical: ``STRING``, ``DOUBLE``, ``INT64``, ``TIMESTAMP``.  Timestamps
are stored as Neo4j ``DATETIME`` / LadybugDB ``TIMESTAMP`` (UTC) and exported as int64
epoch seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

#: label -> {property: type}; ``id`` (STRING) is the primary key of every label.
NODE_PROPS: dict[str, dict[str, str]] = {
    "User": {
        "id": "STRING",
        "joined_at": "TIMESTAMP",
        "bio": "STRING",
        "beauty": "DOUBLE",
        "beauty_source": "STRING",
        "neighbor_beauty": "DOUBLE",
        "n_photos": "INT64",
        "favs_received": "INT64",
        "cluster": "INT64",
        "cluster_name": "STRING",
        "authority_topic": "STRING",
        "authority_score": "DOUBLE",
    },
    "Photo": {
        "id": "STRING",
        "uploaded_at": "TIMESTAMP",
        "path": "STRING",
        "tags": "STRING",
        "beauty": "DOUBLE",
        "beauty_source": "STRING",
        "p_low": "DOUBLE",
        "p_mid": "DOUBLE",
        "p_high": "DOUBLE",
        "mean_score": "DOUBLE",
        "quality": "DOUBLE",
        "quality_source": "STRING",
        "label": "STRING",
    },
    "Topic": {
        "id": "STRING",
        "name": "STRING",
        "aliases": "STRING",
        "domain": "STRING",
    },
    "Community": {
        "id": "STRING",
    },
}

#: relationship type -> (source label, target label)
REL_ENDPOINTS: dict[str, tuple[str, str]] = {
    "FOLLOWS": ("User", "User"),
    "POSTED": ("User", "Photo"),
    "FAVORITED": ("User", "Photo"),
    "TAGGED": ("Photo", "Topic"),
    "MEMBER_OF": ("User", "Community"),
    "INTERESTED_IN": ("User", "Topic"),
    "AUTHORITY_ON": ("User", "Topic"),
    "RECOMMENDED": ("User", "User"),
}

#: relationship type -> {property: type}
REL_PROPS: dict[str, dict[str, str]] = {
    "FOLLOWS": {"created_at": "TIMESTAMP"},
    "POSTED": {},
    "FAVORITED": {"created_at": "TIMESTAMP"},
    "TAGGED": {},
    "MEMBER_OF": {"joined_at": "TIMESTAMP"},
    "INTERESTED_IN": {"source": "STRING", "score": "DOUBLE", "rank": "INT64", "method": "STRING"},
    "AUTHORITY_ON": {"score": "DOUBLE", "wzf": "DOUBLE", "rank": "INT64"},
    "RECOMMENDED": {"method": "STRING", "rank": "INT64", "score": "DOUBLE"},
}

#: properties that, with (src, dst), identify one relationship (for de-duplication).
REL_KEYS: dict[str, tuple[str, ...]] = {
    "INTERESTED_IN": ("source",),
    "RECOMMENDED": ("method",),
}

NODE_LABELS: tuple[str, ...] = tuple(NODE_PROPS)
REL_TYPES: tuple[str, ...] = tuple(REL_ENDPOINTS)


class SchemaError(ValueError):
    """A label, relationship type or property name that is not in the schema."""


def check_label(label: str) -> None:
    if label not in NODE_PROPS:
        raise SchemaError(f"unknown node label {label!r}; known: {', '.join(NODE_LABELS)}")


def check_rel(rel: str) -> None:
    if rel not in REL_ENDPOINTS:
        raise SchemaError(f"unknown relationship type {rel!r}; known: {', '.join(REL_TYPES)}")


def check_props(label: str, props: Sequence[str]) -> None:
    check_label(label)
    bad = [p for p in props if p not in NODE_PROPS[label]]
    if bad:
        raise SchemaError(f"unknown {label} properties {bad}; known: {sorted(NODE_PROPS[label])}")


def check_rel_props(rel: str, props: Sequence[str]) -> None:
    check_rel(rel)
    bad = [p for p in props if p not in REL_PROPS[rel]]
    if bad:
        raise SchemaError(f"unknown {rel} properties {bad}; known: {sorted(REL_PROPS[rel])}")


def prop_type(label_or_rel: str, prop: str) -> str:
    table = NODE_PROPS.get(label_or_rel) or REL_PROPS.get(label_or_rel) or {}
    return table[prop]


# -- generated query text (names from the whitelist above only) -----------------------


def _ts_expr(var: str, prop: str, dialect: str) -> str:
    """Expression that returns a timestamp property as epoch seconds."""
    if dialect == "neo4j":
        return f"{var}.{prop}.epochSeconds"
    return f"{var}.{prop}"  # LadybugDB returns TIMESTAMP; converted in graphdb.frames


def _prop_expr(var: str, owner: str, prop: str, dialect: str) -> str:
    if prop_type(owner, prop) == "TIMESTAMP":
        return _ts_expr(var, prop, dialect)
    return f"{var}.{prop}"


def count_nodes_query(label: str) -> str:
    check_label(label)
    return f"MATCH (n:{label}) RETURN count(n) AS n"


def count_rels_query(rel: str) -> str:
    check_rel(rel)
    a, b = REL_ENDPOINTS[rel]
    return f"MATCH (:{a})-[r:{rel}]->(:{b}) RETURN count(r) AS n"


def export_nodes_query(label: str, props: Sequence[str], dialect: str) -> str:
    check_props(label, props)
    cols = ["n.id AS id"] + [
        f"{_prop_expr('n', label, p, dialect)} AS {p}" for p in props if p != "id"
    ]
    return f"MATCH (n:{label}) RETURN {', '.join(cols)}"


def export_rels_query(rel: str, props: Sequence[str], dialect: str) -> str:
    check_rel_props(rel, props)
    a, b = REL_ENDPOINTS[rel]
    cols = ["a.id AS src", "b.id AS dst"] + [
        f"{_prop_expr('r', rel, p, dialect)} AS {p}" for p in props
    ]
    return f"MATCH (a:{a})-[r:{rel}]->(b:{b}) RETURN {', '.join(cols)}"


def page_nodes_query(label: str, props: Sequence[str], dialect: str) -> str:
    """One page of nodes in id order after ``$after`` (keyset paging; ``$limit`` rows).

    Keyset paging uses the id index (uniqueness constraint / primary key) on both backends,
    so every page costs the same however far the export has got.
    """
    check_props(label, props)
    cols = ["n.id AS id"] + [
        f"{_prop_expr('n', label, p, dialect)} AS {p}" for p in props if p != "id"
    ]
    return (
        f"MATCH (n:{label}) WHERE n.id > $after RETURN {', '.join(cols)} ORDER BY id LIMIT $limit"
    )


def page_rels_query(rel: str, props: Sequence[str], dialect: str) -> str:
    """The relationships of ``rel`` leaving one page of source nodes (ids after ``$after``,
    ``$limit`` source nodes, in id order): keyset paging over the source label."""
    check_rel_props(rel, props)
    a, b = REL_ENDPOINTS[rel]
    cols = ["a.id AS src", "b.id AS dst"] + [
        f"{_prop_expr('r', rel, p, dialect)} AS {p}" for p in props
    ]
    return (
        f"MATCH (a:{a}) WHERE a.id > $after WITH a ORDER BY a.id LIMIT $limit "
        f"MATCH (a)-[r:{rel}]->(b:{b}) RETURN {', '.join(cols)}"
    )
