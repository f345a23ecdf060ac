"""``load_folder``: validate a whole input folder, then add only what is new.

1. read every table (CSV or Parquet) and validate all of it against the folder itself and
   the ids already in the store — any problem raises :class:`ValidationFailed` before a
   single write;
2. drop rows whose node id or relationship key is already stored (so loading the same
   folder twice leaves identical counts, and a bigger folder adds only its new rows);
3. insert nodes, then relationships, inside one transaction where the backend has one
   (LadybugDB); on Neo4j each batch commits on its own and a re-run completes the load.

``TAGGED`` relationships are derived: a photo is tagged with a topic when one of its tags
equals the topic's name or one of its aliases after :func:`normalise_tag`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from beautygraph.steps import Steps, as_steps
from beautygraph.vocabulary import BABELNET_DOMAINS
from graphdb import schema
from graphdb import validate as v
from graphdb.base import Store
from graphdb.errors import GraphDBError
from graphdb.tables import LoadCounts

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_tag(text: str) -> str:
    """Lower-case, drop ``#`` and every non-alphanumeric character ("L.A. Lakers" → "lalakers")."""
    return _NON_ALNUM.sub("", str(text).lower())


def split_list(text: str) -> list[str]:
    """``;``-separated cell → stripped non-empty items."""
    return [t.strip() for t in str(text).split(";") if t.strip()]


#: (input table, id column) pairs that mention ids of each label
_MENTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "User": (
        ("users", "user_id"),
        ("follows", "src"),
        ("follows", "dst"),
        ("photos", "owner"),
        ("favorites", "user_id"),
        ("interests", "user_id"),
        ("groups", "user_id"),
    ),
    "Photo": (("photos", "photo_id"), ("favorites", "photo_id")),
    "Topic": (("topics", "topic_id"), ("interests", "topic_id")),
    "Community": (("groups", "group_id"),),
}


def _mentioned(raw: dict[str, pd.DataFrame], label: str) -> set[str]:
    """Every id of ``label`` that the input tables mention (as node or as endpoint)."""
    out: set[str] = set()
    for table, col in _MENTIONS[label]:
        if table in raw and col in raw[table]:
            out.update(raw[table][col].astype(str).tolist())
    return out


def read_folder(folder: str | Path, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Read and validate ``folder``; return typed frames ready for insertion.

    Keys: node labels (``User``, ``Photo``, ``Topic``, ``Community``) with an ``id`` column
    plus properties, and relationship types with ``src``/``dst`` plus properties.
    Raises :class:`graphdb.errors.ValidationFailed` listing every problem.
    """
    return _read_folder(folder, store)[0]


def _read_folder(
    folder: str | Path, store: Store | None
) -> tuple[dict[str, pd.DataFrame], dict[str, set[str]]]:
    """:func:`read_folder` plus, per label, the mentioned ids already in ``store`` (asked
    once, for the ids the folder mentions only, so the store never exports a table)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GraphDBError(f"input folder {str(folder)!r} does not exist or is not a folder")
    problems = v.Problems()
    files = v.find_table_files(folder, problems)
    raw: dict[str, pd.DataFrame] = {}
    for name, path in files.items():
        df = v.read_table(path, problems)
        if df is not None and v.check_columns(path.name, df, v.SPECS[name], problems):
            raw[name] = df
    problems.raise_if_any()

    def fname(name: str) -> str:
        return files[name].name

    in_store: dict[str, set[str]] = {label: set() for label in _MENTIONS}
    if store is not None:
        for label in _MENTIONS:
            in_store[label] = store.stored_ids(label, _mentioned(raw, label))
    existing = {label: pd.Index(sorted(in_store[label])) for label in ("User", "Photo", "Topic")}

    out: dict[str, pd.DataFrame] = {}
    # users
    users = raw["users"]
    v.check_ids(fname("users"), users, "user_id", problems)
    out["User"] = pd.DataFrame(
        {
            "id": users["user_id"].astype(str),
            "joined_at": v.parse_times(fname("users"), users, "joined_at", problems),
            "bio": users["bio"].astype(str) if "bio" in users else "",
        }
    )
    known_users = existing["User"].union(pd.Index(out["User"]["id"]))

    # topics
    if "topics" in raw:
        t = raw["topics"]
        f = fname("topics")
        v.check_ids(f, t, "topic_id", problems)
        v.check_choice(f, t, "domain", BABELNET_DOMAINS, problems)
        problems.add_rows(
            f, t, (t["name"].astype(str).str.strip() == "").to_numpy(), "name", "empty topic name"
        )
        out["Topic"] = pd.DataFrame(
            {
                "id": t["topic_id"].astype(str),
                "name": t["name"].astype(str),
                "aliases": t["aliases"].astype(str) if "aliases" in t else "",
                "domain": t["domain"].astype(str).replace("", None) if "domain" in t else None,
            }
        )
    known_topics = existing["Topic"].union(
        pd.Index(out["Topic"]["id"]) if "Topic" in out else pd.Index([])
    )

    # photos
    if "photos" in raw:
        p = raw["photos"]
        f = fname("photos")
        v.check_ids(f, p, "photo_id", problems)
        v.check_refs(f, p, "owner", known_users, "user (owner)", problems)
        out["Photo"] = pd.DataFrame(
            {
                "id": p["photo_id"].astype(str),
                "uploaded_at": v.parse_times(f, p, "uploaded_at", problems),
                "path": p["path"].astype(str).replace("", None) if "path" in p else None,
                "tags": p["tags"].astype(str) if "tags" in p else "",
                "beauty": v.parse_unit_float(f, p, "beauty", problems),
            }
        )
        # where each beauty came from (Photo.beauty_source): a photos.csv column is "input"
        out["Photo"]["beauty_source"] = (
            out["Photo"]["beauty"].notna().map({True: "input", False: None})
        )
        out["POSTED"] = pd.DataFrame({"src": p["owner"].astype(str), "dst": out["Photo"]["id"]})
    known_photos = existing["Photo"].union(
        pd.Index(out["Photo"]["id"]) if "Photo" in out else pd.Index([])
    )

    # follows
    if "follows" in raw:
        fo = raw["follows"]
        f = fname("follows")
        users_set = v.value_set(known_users)
        src = v.check_refs(f, fo, "src", users_set, "user", problems)
        dst = v.check_refs(f, fo, "dst", users_set, "user", problems)
        problems.add_rows(f, fo, (src == dst) & (src >= 0), "dst", "self-follow")
        v.check_duplicate_codes(f, fo, ["src", "dst"], [src, dst], len(known_users), problems)
        out["FOLLOWS"] = pd.DataFrame(
            {
                "src": fo["src"].astype(str),
                "dst": fo["dst"].astype(str),
                "created_at": v.parse_times(f, fo, "created_at", problems),
            }
        )

    # favorites
    if "favorites" in raw:
        fa = raw["favorites"]
        f = fname("favorites")
        who = v.check_refs(f, fa, "user_id", known_users, "user", problems)
        what = v.check_refs(f, fa, "photo_id", known_photos, "photo", problems)
        v.check_duplicate_codes(
            f, fa, ["user_id", "photo_id"], [who, what], len(known_photos), problems
        )
        out["FAVORITED"] = pd.DataFrame(
            {
                "src": fa["user_id"].astype(str),
                "dst": fa["photo_id"].astype(str),
                "created_at": v.parse_times(f, fa, "created_at", problems),
            }
        )

    # interests
    if "interests" in raw:
        it = raw["interests"]
        f = fname("interests")
        v.check_refs(f, it, "user_id", known_users, "user", problems)
        v.check_refs(f, it, "topic_id", known_topics, "topic", problems)
        v.check_choice(f, it, "source", v.INTEREST_SOURCES, problems)
        source = it["source"].astype(str).replace("", "declared") if "source" in it else "declared"
        frame = pd.DataFrame(
            {
                "src": it["user_id"].astype(str),
                "dst": it["topic_id"].astype(str),
                "source": source,
                "score": v.parse_float(f, it, "score", problems),
            }
        )
        v.check_duplicate_pairs(
            f, frame.rename(columns={"src": "user_id"}), ["user_id", "dst", "source"], problems
        )
        out["INTERESTED_IN"] = frame

    # groups
    if "groups" in raw:
        g = raw["groups"]
        f = fname("groups")
        v.check_refs(f, g, "user_id", known_users, "user", problems)
        problems.add_rows(
            f, g, (g["group_id"].astype(str).str.strip() == "").to_numpy(), "group_id", "empty id"
        )
        v.check_duplicate_pairs(f, g, ["user_id", "group_id"], problems)
        out["MEMBER_OF"] = pd.DataFrame(
            {
                "src": g["user_id"].astype(str),
                "dst": g["group_id"].astype(str),
                "joined_at": v.parse_times(f, g, "joined_at", problems),
            }
        )
        out["Community"] = pd.DataFrame({"id": pd.unique(g["group_id"].astype(str))})

    problems.raise_if_any()

    if "Photo" in out:
        topics = out.get("Topic")
        if store is not None and len(existing["Topic"]):
            stored = store.export_nodes("Topic", ["name", "aliases"])
            stored_df = pd.DataFrame(
                {"id": stored.ids, "name": stored.props["name"], "aliases": stored.props["aliases"]}
            )
            topics = stored_df if topics is None else pd.concat([stored_df, topics])
        if topics is not None:
            out["TAGGED"] = derive_tagged(out["Photo"], topics)
            in_store["Topic"] |= store.stored_ids("Topic", out["TAGGED"]["dst"]) if store else set()
    return out, in_store


def derive_tagged(photos: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """(photo, topic) pairs where a photo tag equals a topic name or alias (normalised)."""
    vocab: dict[str, str] = {}
    for tid, name, aliases in zip(
        topics["id"], topics["name"], topics["aliases"].fillna(""), strict=True
    ):
        for term in [name, *split_list(aliases)]:
            key = normalise_tag(term)
            if key:
                vocab.setdefault(key, str(tid))
    tags = photos[["id", "tags"]].copy()
    tags["tag"] = tags["tags"].fillna("").astype(str).str.split(";")
    tags = tags.explode("tag")
    tags["key"] = tags["tag"].fillna("").map(normalise_tag)
    tags["topic"] = tags["key"].map(vocab)
    pairs = tags.dropna(subset=["topic"])[["id", "topic"]].drop_duplicates()
    return pd.DataFrame({"src": pairs["id"].to_numpy(), "dst": pairs["topic"].to_numpy()})


_NODE_ORDER = ("Topic", "User", "Community", "Photo")
_REL_ORDER = ("FOLLOWS", "POSTED", "FAVORITED", "TAGGED", "MEMBER_OF", "INTERESTED_IN")


def new_rows(
    store: Store,
    frames: dict[str, pd.DataFrame],
    stored: dict[str, set[str]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Drop rows already in the store (nodes by id, relationships by key).

    ``stored`` (label -> ids already stored, from :func:`_read_folder`) saves asking
    again.  A relationship with an endpoint that is new cannot exist yet, so only rows
    between two stored nodes are checked (on the server, for Neo4j).
    """
    if stored is None:
        stored = {}
        for label in _NODE_ORDER:
            ids: set[str] = set(frames[label]["id"]) if label in frames else set()
            for rel, (a, b) in schema.REL_ENDPOINTS.items():
                if rel in frames:
                    ids |= set(frames[rel]["src"].astype(str)) if a == label else set()
                    ids |= set(frames[rel]["dst"].astype(str)) if b == label else set()
            stored[label] = store.stored_ids(label, ids)
    out: dict[str, pd.DataFrame] = {}
    for label in _NODE_ORDER:
        if label in frames:
            df = frames[label]
            have = stored.get(label, set())
            out[label] = df[~df["id"].isin(have)] if have else df
    for rel in _REL_ORDER:
        if rel not in frames:
            continue
        a, b = schema.REL_ENDPOINTS[rel]
        df = frames[rel]
        both_stored = (
            df["src"].astype(str).isin(stored.get(a, set()))
            & df["dst"].astype(str).isin(stored.get(b, set()))
        ).to_numpy()
        if both_stored.any():
            keep = np.ones(len(df), dtype=bool)
            keep[both_stored] = store.new_rel_mask(rel, df[both_stored])
            df = df[keep]
        out[rel] = df
    return out


def load_folder(store: Store, folder: str | Path, steps: Steps | None = None) -> LoadCounts:
    """Validate ``folder`` completely, then insert its new nodes and relationships.

    ``steps`` (:mod:`beautygraph.steps`) gets a ``validate`` stage and an ``insert`` stage
    that advances once per label / relationship type.

    Returns the number of rows added per label/type.  Raises
    :class:`graphdb.errors.ValidationFailed` (nothing written) on any input problem.
    """
    steps = as_steps(steps)
    with steps("validate"):
        frames, stored = _read_folder(folder, store)
        todo = new_rows(store, frames, stored)
    order = [k for k in (*_NODE_ORDER, *_REL_ORDER) if k in todo]
    added_nodes: dict[str, int] = {}
    added_rels: dict[str, int] = {}
    with steps("insert", total=len(order)) as step, store.transaction():
        for key in order:
            if key in schema.NODE_PROPS:
                added_nodes[key] = store.insert_nodes(key, todo[key])
            else:
                added_rels[key] = store.insert_rels(key, todo[key])
            step.advance()
    return LoadCounts(nodes=added_nodes, relationships=added_rels)


def count_rows(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {k: int(len(df)) for k, df in frames.items()}


__all__ = [
    "load_folder",
    "read_folder",
    "new_rows",
    "derive_tagged",
    "normalise_tag",
    "split_list",
    "count_rows",
]
