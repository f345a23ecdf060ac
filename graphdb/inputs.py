"""The input files, declared once: which columns each has, what they mean, where they go.

One :class:`TableSpec` per input file (``users``, ``topics``, ``photos``, ``follows``,
``favorites``, ``interests``, ``groups``; each ``NAME.csv`` or ``NAME.parquet``).  The
loader (:mod:`graphdb.loader`) is driven by these specs alone: it reads the file, checks
every column by its :class:`Column` kind, and builds the frame for the node label or
relationship type named by ``target``.  Adding an input column is one line here.

Column kinds
------------
``id``       the node id: non-empty, unique within the file
``ref``      an id of ``ref`` nodes (from this folder or already stored)
``key``      a non-empty text that is part of the relationship key (``group_id``)
``text``     free text; an empty cell becomes ``default``
``choice``   one of ``choices`` (an empty cell becomes ``default``)
``domain``   one of the 34 BabelNet domains, matched case/punctuation-insensitively
``time``     ISO 8601 date/date-time or integer epoch seconds, stored as UTC
``unit``     a number in [0, 1]
``float``    a number
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["id", "ref", "key", "text", "choice", "domain", "time", "unit", "float"]

INTEREST_SOURCES = ("declared", "bio", "tags", "images", "propagated")


@dataclass(frozen=True)
class Column:
    """One input column: its kind, whether it must exist, and its output property."""

    name: str
    kind: ColumnKind
    required: bool = False
    #: output column (``id``, ``src``, ``dst`` or a schema property); default ``name``
    prop: str | None = None
    #: for ``ref``: the label the value must be an id of, and how a miss is worded
    ref: str | None = None
    what: str = ""
    #: for ``text`` / ``choice`` / ``domain``: value of an empty cell (None = missing)
    default: str | None = ""
    choices: tuple[str, ...] = ()
    #: problem reported for an empty cell (``key`` columns and required texts)
    if_empty: str | None = None
    #: (property, value): also set ``property`` to ``value`` where this column has a value
    #: (``Photo.beauty_source = "input"`` for a beauty given in photos.csv)
    provenance: tuple[str, str] | None = None

    @property
    def out(self) -> str:
        return self.prop or self.name


@dataclass(frozen=True)
class Derived:
    """A second output of a file: ``columns`` maps output columns to input columns."""

    target: str
    columns: tuple[tuple[str, str], ...]
    unique: bool = False


@dataclass(frozen=True)
class TableSpec:
    """One input file: its columns, the label / relationship it fills, and its key."""

    name: str
    target: str
    columns: tuple[Column, ...]
    #: input columns whose combined value occurs once (a node id, or a relationship key)
    key: tuple[str, ...]
    derived: tuple[Derived, ...] = ()
    no_self_loop: bool = False
    mandatory: bool = False
    description: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    @property
    def is_node(self) -> bool:
        return any(c.kind == "id" for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _user(name: str, prop: str, what: str = "user") -> Column:
    return Column(name, "ref", required=True, prop=prop, ref="User", what=what)


#: every input file, in load order (a file's references point to earlier files or the store)
SPECS_IN_ORDER: tuple[TableSpec, ...] = (
    TableSpec(
        "users",
        "User",
        (
            Column("user_id", "id", required=True, prop="id"),
            Column("joined_at", "time"),
            Column("bio", "text"),
        ),
        key=("user_id",),
        mandatory=True,
        description="one row per account",
    ),
    TableSpec(
        "topics",
        "Topic",
        (
            Column("topic_id", "id", required=True, prop="id"),
            Column("name", "text", required=True, if_empty="empty topic name"),
            Column("aliases", "text"),
            Column("domain", "domain", default=None),
        ),
        key=("topic_id",),
        description="topics that photo tags and interests point to",
    ),
    TableSpec(
        "photos",
        "Photo",
        (
            Column("photo_id", "id", required=True, prop="id"),
            _user("owner", "owner", "user (owner)"),
            Column("uploaded_at", "time"),
            Column("path", "text", default=None),
            Column("tags", "text"),
            Column("beauty", "unit", provenance=("beauty_source", "input")),
        ),
        key=("photo_id",),
        derived=(Derived("POSTED", (("src", "owner"), ("dst", "photo_id"))),),
        description="one row per photo, with its owner",
    ),
    TableSpec(
        "follows",
        "FOLLOWS",
        (
            _user("src", "src"),
            _user("dst", "dst"),
            Column("created_at", "time"),
        ),
        key=("src", "dst"),
        no_self_loop=True,
        description="src follows dst",
    ),
    TableSpec(
        "favorites",
        "FAVORITED",
        (
            _user("user_id", "src"),
            Column("photo_id", "ref", required=True, prop="dst", ref="Photo", what="photo"),
            Column("created_at", "time"),
        ),
        key=("user_id", "photo_id"),
        description="user_id marked photo_id as a favourite",
    ),
    TableSpec(
        "interests",
        "INTERESTED_IN",
        (
            _user("user_id", "src"),
            Column("topic_id", "ref", required=True, prop="dst", ref="Topic", what="topic"),
            Column("source", "choice", default="declared", choices=INTEREST_SOURCES),
            Column("score", "float"),
        ),
        key=("user_id", "topic_id", "source"),
        description="user_id is interested in topic_id (declared or derived)",
    ),
    TableSpec(
        "groups",
        "MEMBER_OF",
        (
            _user("user_id", "src"),
            Column("group_id", "key", required=True, prop="dst", if_empty="empty id"),
            Column("joined_at", "time"),
        ),
        key=("user_id", "group_id"),
        derived=(Derived("Community", (("id", "group_id"),), unique=True),),
        description="user_id is a member of group_id",
    ),
)

SPECS: dict[str, TableSpec] = {s.name: s for s in SPECS_IN_ORDER}
MANDATORY = tuple(s.name for s in SPECS_IN_ORDER if s.mandatory)
#: the node labels whose stored ids a load needs (references and new-row detection)
NODE_TARGETS = tuple(
    dict.fromkeys(
        [s.target for s in SPECS_IN_ORDER if s.is_node]
        + [d.target for s in SPECS_IN_ORDER for d in s.derived if d.unique]
    )
)
SUFFIXES = (".csv", ".parquet")

__all__ = [
    "Column",
    "Derived",
    "TableSpec",
    "SPECS",
    "SPECS_IN_ORDER",
    "MANDATORY",
    "NODE_TARGETS",
    "INTEREST_SOURCES",
    "SUFFIXES",
]
