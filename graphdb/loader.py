"""``load_folder``: validate a whole input folder, then add only what is new.

1. read every table (CSV or Parquet) and validate all of it against the folder itself and
   the ids already in the store — any problem raises :class:`ValidationFailed` before a
   single write; the id columns are dictionary-encoded once (:func:`encode_ids`), which
   gives both the distinct ids to look up in the store and the reference checks;
2. drop rows whose node id or relationship key is already stored (so loading the same
   folder twice leaves identical counts, and a bigger folder adds only its new rows);
3. insert nodes, then relationships, inside one transaction where the backend has one
   (LadybugDB), committed in a stage of its own; on Neo4j each batch commits on its own
   and a re-run completes the load.  Ctrl-C at any point is reported as what the store
   then holds (nothing, the batches committed so far, or the complete load).

``TAGGED`` relationships are derived: a photo is tagged with a topic when one of its tags
equals the topic's name or one of its aliases after :func:`normalise_tag`.
"""

from __future__ import annotations

import contextlib
import re
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from graphdb import schema
from graphdb import validate as v
from graphdb.base import Store
from graphdb.errors import GraphDBError, InputWarning, LoadInterrupted
from graphdb.inputs import NODE_TARGETS, SPECS, SPECS_IN_ORDER, TableSpec
from graphdb.tables import LoadCounts
from kernel.steps import Step, Steps, as_steps

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_tag(text: str) -> str:
    """Lower-case, drop ``#`` and every non-alphanumeric character ("L.A. Lakers" → "lalakers")."""
    return _NON_ALNUM.sub("", str(text).lower())


def split_list(text: str) -> list[str]:
    """``;``-separated cell → stripped non-empty items."""
    return [t.strip() for t in str(text).split(";") if t.strip()]


Dedupe = Literal["first", "last"]


def _key_columns(spec: TableSpec) -> dict[str, str]:
    """The columns of ``spec`` that hold node ids, each with the label it names: id
    columns their file's label, ref columns their ``ref``, key columns the label they
    derive (``groups.group_id`` → Community)."""
    out: dict[str, str] = {}
    for col in spec.columns:
        if col.kind == "id":
            out[col.name] = spec.target
        elif col.kind == "ref":
            assert col.ref is not None
            out[col.name] = col.ref
        elif col.kind == "key":
            label = next((d.target for d in spec.derived if d.unique), None)
            if label is not None:
                out[col.name] = label
    return out


def encode_ids(raw: dict[str, pd.DataFrame]) -> dict[tuple[str, str], v.Encoded]:
    """Every id column of the files read (:func:`_key_columns`), dictionary-encoded once
    (:func:`graphdb.validate.encode_columns`) for the stored-id lookup and the checks."""
    columns = {spec.name: list(_key_columns(spec)) for spec in SPECS_IN_ORDER}
    return v.encode_columns(raw, columns)


def _mentions(
    raw: dict[str, pd.DataFrame], encoded: dict[tuple[str, str], v.Encoded] | None = None
) -> dict[str, list[str]]:
    """Every distinct id the input files mention, per node label (as a node or as an
    endpoint; :func:`_key_columns`), from the distinct values of each column's
    dictionary encoding (``encoded``, computed here when not given)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = encode_ids(raw) if encoded is None else encoded
    found: dict[str, list] = {label: [] for label in NODE_TARGETS}
    for spec in SPECS_IN_ORDER:
        for column, label in _key_columns(spec).items():
            if (spec.name, column) in encoded:
                found[label].append(encoded[spec.name, column].values)
    return {
        label: pc.unique(pa.chunked_array(arrays, type=pa.string())).to_pylist()
        for label, arrays in found.items()
    }


def existing_ids(
    store: Store | None,
    raw: dict[str, pd.DataFrame],
    encoded: dict[tuple[str, str], v.Encoded] | None = None,
) -> dict[str, set[str]]:
    """The ids the folder mentions that are already stored, per label (asked once per
    load, for the mentioned ids only, so the store never exports a whole label);
    ``encoded`` is :func:`encode_ids` of ``raw`` where the caller has it."""
    if store is None:
        return {label: set() for label in NODE_TARGETS}
    return {label: store.stored_ids(label, ids) for label, ids in _mentions(raw, encoded).items()}


def read_folder(
    folder: str | Path,
    store: Store | None = None,
    *,
    dedupe: Dedupe | None = None,
    allow_extra: bool = False,
    steps: Steps | None = None,
) -> dict[str, pd.DataFrame]:
    """Read and validate ``folder``; return typed frames ready for insertion.

    Keys: node labels (``User``, ``Photo``, ``Topic``, ``Community``) with an ``id`` column
    plus properties, and relationship types with ``src``/``dst`` plus properties.  Each
    input file is handled by its :data:`graphdb.inputs.SPECS` entry.  References resolve
    against the folder and the ids already in ``store``.  ``dedupe``
    keeps the first or last row of each repeated key instead of reporting it; with
    ``allow_extra`` unknown ``.csv``/``.parquet`` files only warn (:class:`InputWarning`).
    ``steps`` gets a ``validate`` stage that advances twice per file (read, checked).
    Raises :class:`graphdb.errors.ValidationFailed` listing every problem.
    """
    return _read_folder(folder, store, dedupe=dedupe, allow_extra=allow_extra, steps=steps)[0]


def _read_folder(
    folder: str | Path,
    store: Store | None,
    *,
    dedupe: Dedupe | None = None,
    allow_extra: bool = False,
    steps: Steps | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, set[str]]]:
    """:func:`read_folder` plus, per label, the mentioned ids already in ``store``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GraphDBError(f"input folder {str(folder)!r} does not exist or is not a folder")
    problems = v.Problems()
    files, ignored = v.find_table_files(folder, problems, allow_extra=allow_extra)
    for name in ignored:
        warnings.warn(
            f"{name}: not an input file name; ignored (--allow-extra)", InputWarning, stacklevel=3
        )
    with as_steps(steps)("validate", total=2 * len(files)) as stage:
        out, stored = _read_and_check(files, store, dedupe, problems, stage)
    problems.raise_if_any()

    if "Photo" in out:
        topics = out.get("Topic")
        if store is not None and stored.get("Topic"):
            t = store.export_nodes("Topic", ["name", "aliases"])
            stored_df = pd.DataFrame(
                {"id": t.ids, "name": t.props["name"], "aliases": t.props["aliases"]}
            )
            topics = stored_df if topics is None else pd.concat([stored_df, topics])
        if topics is not None:
            out["TAGGED"] = derive_tagged(out["Photo"], topics)
            if store is not None:
                stored["Topic"] |= store.stored_ids("Topic", out["TAGGED"]["dst"])
    return out, stored


def _read_and_check(
    files: dict[str, Path],
    store: Store | None,
    dedupe: Dedupe | None,
    problems: v.Problems,
    stage: Step,
) -> tuple[dict[str, pd.DataFrame], dict[str, set[str]]]:
    """Read every file, then check each against its spec (advancing ``stage`` per file
    and phase); references resolve in load order against the folder and ``existing``."""
    raw: dict[str, pd.DataFrame] = {}
    for name, path in files.items():
        df = v.read_table(path, problems)
        if df is not None and v.check_columns(path.name, df, SPECS[name], problems):
            raw[name] = df
        stage.advance()
    problems.raise_if_any()
    encoded = encode_ids(raw)
    stored = existing_ids(store, raw, encoded)
    known = {label: pd.Index(sorted(stored[label]), dtype=object) for label in NODE_TARGETS}
    out: dict[str, pd.DataFrame] = {}
    for spec in SPECS_IN_ORDER:
        if spec.name not in raw:
            continue
        name = files[spec.name].name
        built = _read_table(spec, name, raw[spec.name], known, encoded, dedupe, problems)
        for target, frame in built.items():
            out[target] = frame
            if target in known:
                known[target] = known[target].union(pd.Index(frame["id"]))
        stage.advance()
    if stage.done < 2 * len(files):  # files that could not be read are not checked
        stage.advance(2 * len(files) - stage.done)
    return out, stored


def _read_table(
    spec: TableSpec,
    file: str,
    df: pd.DataFrame,
    known: dict[str, pd.Index],
    encoded: dict[tuple[str, str], v.Encoded],
    dedupe: Dedupe | None,
    problems: v.Problems,
) -> dict[str, pd.DataFrame]:
    """Check one file column by column (its spec), return its target frame(s);
    ``encoded`` holds its id columns' :func:`encode_ids`."""
    present = [c for c in spec.columns if c.name in df.columns]
    codes: dict[str, np.ndarray] = {}
    value_sets: dict[str, object] = {}
    columns: dict[str, pd.Series] = {}
    for col in present:
        if col.kind == "id":
            v.check_ids(file, df, col.name, problems, duplicates=dedupe is None)
        elif col.kind == "ref":
            assert col.ref is not None
            if col.ref not in value_sets:
                value_sets[col.ref] = v.value_set(known[col.ref])
            ids = encoded.get((spec.name, col.name))
            known_set = value_sets[col.ref]
            codes[col.name] = v.check_refs(file, df, col.name, known_set, col.what, problems, ids)
    if spec.no_self_loop:
        a, b = (c.name for c in spec.columns if c.kind == "ref")
        problems.add_rows(file, df, (codes[a] == codes[b]) & (codes[a] >= 0), b, "self-follow")
    for col in present:
        if col.kind == "choice":
            v.check_choice(file, df, col.name, col.choices, problems)
        elif col.kind == "domain":
            columns[col.out] = v.check_domains(file, df, col.name, problems)
        if col.if_empty is not None:
            empty = (df[col.name].astype(str).str.strip() == "").to_numpy()
            problems.add_rows(file, df, empty, col.name, col.if_empty)
    for col in spec.columns:
        if col.out in columns:
            continue
        if col.kind in ("id", "ref", "key"):
            columns[col.out] = df[col.name].astype(str)
        elif col.kind in ("text", "choice"):
            columns[col.out] = _text(df, col.name, col.default)
        elif col.kind == "domain":
            columns[col.out] = pd.Series(col.default, index=df.index, dtype=object)
        elif col.kind == "time":
            columns[col.out] = v.parse_times(file, df, col.name, problems)
        elif col.kind == "unit":
            columns[col.out] = v.parse_unit_float(file, df, col.name, problems)
        elif col.kind == "float":
            columns[col.out] = v.parse_float(file, df, col.name, problems)
        if col.provenance is not None:
            prop, value = col.provenance
            columns[prop] = columns[col.out].notna().map({True: value, False: None})
    frame = pd.DataFrame(columns)
    keep = _duplicates(spec, file, df, frame, codes, known, dedupe, problems)
    outputs = {spec.target: frame[[c for c in frame if c in _target_columns(spec.target)]]}
    for d in spec.derived:
        derived = pd.DataFrame({out: columns[spec.column(src).out] for out, src in d.columns})
        outputs[d.target] = derived
    if keep is not None:
        outputs = {k: f[keep].reset_index(drop=True) for k, f in outputs.items()}
    for d in spec.derived:
        if d.unique:
            outputs[d.target] = outputs[d.target].drop_duplicates().reset_index(drop=True)
    return outputs


def _target_columns(target: str) -> set[str]:
    """Columns a frame for ``target`` carries: its schema properties (and src/dst)."""
    if target in schema.NODE_PROPS:
        return set(schema.NODE_PROPS[target])
    return {"src", "dst", *schema.REL_PROPS[target]}


def _text(df: pd.DataFrame, column: str, default: str | None) -> pd.Series:
    """A text column with empty (or absent) cells set to ``default``."""
    if column not in df.columns:
        return pd.Series(default, index=df.index, dtype=object)
    s = df[column].astype(str)
    return s if default == "" else s.replace("", default)


def _duplicates(
    spec: TableSpec,
    file: str,
    df: pd.DataFrame,
    frame: pd.DataFrame,
    codes: dict[str, np.ndarray],
    known: dict[str, pd.Index],
    dedupe: Dedupe | None,
    problems: v.Problems,
) -> np.ndarray | None:
    """Report repeated keys, or with ``dedupe`` return the mask of rows to keep."""
    cols = [spec.column(c) for c in spec.key]
    if spec.is_node:
        if dedupe is None:
            return None  # reported by check_ids
        return ~frame["id"].duplicated(keep=dedupe).to_numpy()
    if len(cols) == 2 and all(c.name in codes for c in cols):
        a, b = (codes[c.name] for c in cols)
        assert cols[1].ref is not None
        n = np.int64(max(len(known[cols[1].ref]), 1))
        key = pd.Series(a * n + b)  # int64 hash table: fast on millions of rows
        valid = (a >= 0) & (b >= 0)
    else:
        key = frame[[c.out for c in cols]]
        valid = np.ones(len(frame), dtype=bool)
    if dedupe is not None:
        return ~key.duplicated(keep=dedupe).to_numpy()
    dup = key.duplicated(keep="first").to_numpy() & valid
    if dup.any():
        values = (df[cols[0].name].astype(str) + " -> " + df[cols[1].name].astype(str)).tolist()
        problems.add_rows(file, df, dup, cols[0].name, "duplicate row", values)
        problems.hint(
            f"{file} repeats a key ({', '.join(spec.key)}); pass --dedupe first or "
            "--dedupe last to keep one row per key"
        )
    return None


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

    ``stored`` (label -> ids already stored, from :func:`existing_ids`) saves asking
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


def load_folder(
    store: Store,
    folder: str | Path,
    steps: Steps | None = None,
    *,
    dedupe: Dedupe | None = None,
    allow_extra: bool = False,
) -> LoadCounts:
    """Validate ``folder`` completely, then insert its new nodes and relationships.

    ``steps`` (:mod:`kernel.steps`) gets a ``validate`` stage (two units per file:
    read, checked), an ``insert`` stage that advances once per label / relationship type
    and a ``commit`` stage.  Returns the number of rows added per label/type.  Raises
    :class:`graphdb.errors.ValidationFailed` (nothing written) on any input problem and
    :class:`graphdb.errors.LoadInterrupted` on Ctrl-C, saying what the store now holds.
    """
    steps = as_steps(steps)
    progress = _Progress()
    try:
        frames, stored = _read_folder(
            folder, store, dedupe=dedupe, allow_extra=allow_extra, steps=steps
        )
        return _write(store, frames, stored, steps, progress)
    except KeyboardInterrupt:
        raise LoadInterrupted(_interrupted(store, progress)) from None
    except GraphDBError as exc:
        if not _after_ctrl_c(exc):
            raise
        raise LoadInterrupted(_interrupted(store, progress)) from None


def _after_ctrl_c(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while a Ctrl-C was being handled.

    Ctrl-C while the Neo4j driver is sending a batch leaves half a message on the
    connection; closing the session then fails with the server's protocol error, which
    replaces the ``KeyboardInterrupt`` (still in its chain)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        todo += [e.__cause__, e.__context__]
    return False


@dataclass
class _Progress:
    """How far a load got, so that an interruption is reported as it is."""

    #: ``read`` (nothing written yet), ``write`` (inserting), ``commit``, ``done``
    phase: Literal["read", "write", "commit", "done"] = "read"
    #: ``store.counts()`` before the first write, where batches commit on their own
    before: dict | None = None
    #: rows added, once the load is committed
    added: LoadCounts | None = None


def _write(
    store: Store,
    frames: dict[str, pd.DataFrame],
    stored: dict[str, set[str]],
    steps: Steps,
    progress: _Progress,
) -> LoadCounts:
    """Insert the new rows inside :meth:`Store.transaction` and commit it in a stage of
    its own (LadybugDB writes everything there; on Neo4j each batch has committed
    already and the stage is instant).  ``progress`` follows every step."""
    order = [k for k in (*_NODE_ORDER, *_REL_ORDER) if k in frames]
    added = LoadCounts(nodes={}, relationships={})
    if not store.atomic_load:
        progress.before = store.counts()  # a partial load is measured against it
    tx = store.transaction()
    tx.__enter__()  # entered by hand: the commit (its exit) gets a stage of its own
    progress.phase = "write"
    try:
        with steps("insert", total=len(order)) as step:
            todo = new_rows(store, frames, stored)
            for key in order:
                if key in schema.NODE_PROPS:
                    added.nodes[key] = store.insert_nodes(key, todo[key])
                else:
                    added.relationships[key] = store.insert_rels(key, todo[key])
                step.advance()
        with _sigint_deferred(), steps("commit"):
            progress.phase = "commit"
            tx.__exit__(None, None, None)
            progress.phase, progress.added = "done", added
    except BaseException:
        if progress.phase == "write":
            with _sigint_deferred():  # a second Ctrl-C must not cut the rollback short
                tx.__exit__(*sys.exc_info())
        raise
    return added


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C back until the block is left, then deliver it.

    A commit cannot be cut short: LadybugDB completes it and only then raises
    ``KeyboardInterrupt``, as if it had failed.  Holding the signal lets the loader
    record that the commit happened before the interruption is reported.  Only the main
    thread receives signals; elsewhere, and where SIGINT is ignored, nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
    if received:
        if not callable(previous):  # SIG_DFL: stop as Python's own handler would
            raise KeyboardInterrupt
        previous(signal.SIGINT, None)  # Python's default handler raises KeyboardInterrupt


def _interrupted(store: Store, progress: _Progress) -> str:
    """The message for a Ctrl-C at ``progress``: what the store holds now."""
    nothing = "interrupted: nothing was written"
    if progress.phase == "done":
        assert progress.added is not None
        added = _describe({**progress.added.nodes, **progress.added.relationships})
        return f"interrupted after the load was committed: it is complete ({added})"
    if progress.phase == "read":
        return nothing
    if store.atomic_load:
        if progress.phase == "write":
            return nothing  # the transaction was rolled back
        return (
            "interrupted during the commit: it may or may not have completed; "
            "`beautygraph stats` shows what the store holds"
        )
    again = "run the same load again to complete it (rows already stored are skipped)"
    written = _written_since(store, progress.before)
    if written is None:
        return f"interrupted while writing: the batches committed so far stay; {again}"
    if not written:
        return f"{nothing} (no batch was committed yet); {again}"
    return (
        f"interrupted while writing: these rows were committed and stay: "
        f"{_describe(written)}; {again}"
    )


def _written_since(store: Store, before: dict | None) -> dict[str, int] | None:
    """Rows added per label / type since ``before`` (None if the store cannot say)."""
    if before is None:
        return None
    try:
        after = store.counts()
    except Exception:  # the interruption may have broken the connection
        return None
    return {
        name: n - before[kind].get(name, 0)
        for kind in ("nodes", "relationships")
        for name, n in after[kind].items()
        if n != before[kind].get(name, 0)
    }


def _describe(added: dict[str, int]) -> str:
    """``User +3, FOLLOWS +1,000`` (only what changed), or ``no new rows``."""
    parts = [f"{name} {n:+,}" for name, n in added.items() if n]
    return ", ".join(parts) if parts else "no new rows"


def count_rows(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {k: int(len(df)) for k, df in frames.items()}


__all__ = [
    "load_folder",
    "read_folder",
    "encode_ids",
    "existing_ids",
    "new_rows",
    "derive_tagged",
    "normalise_tag",
    "split_list",
    "count_rows",
]
