"""Models a store keeps between runs: where their file lives and how it is read and written.

A fitted model (the learned whom-to-follow ranker, and the index it serves from) belongs to
one store and is valid for one state of its data, named by a *data version* (a hash the
caller computes).  An embedded store keeps it beside its database (``<database>.<name>.pkl``,
removed with it); a Neo4j store in the user's cache folder (``$XDG_CACHE_HOME`` or
``~/.cache``, then ``beautygraph/``), one file per server and database.  Beside a model a
small *stamp record* (``….stamp.json``) says which data version the store's data stamp
(:meth:`graphdb.base.Store.data_stamp`) was last seen with, so that a caller can find the
model without reading the data again.  Pipelines compute and never touch files themselves;
this module is the one place that does for them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from beautygraph.strict_json import loads_strict, write_json

__all__ = [
    "MODEL_FORMAT",
    "load_model",
    "model_path",
    "read_stamp",
    "save_model",
    "write_stamp",
]

#: the pickle layout of a saved model and the meaning of what it learned from; a file of
#: another layout is treated as absent (2: personalised PageRank by local push, an index;
#: 3: the interest signals — authorities and propagated interests — and the topic ids)
MODEL_FORMAT = 3


def model_path(store: Any, name: str) -> Path:
    """Where ``store`` keeps its model ``name`` (module docstring)."""
    path = getattr(store, "path", None)
    if path is not None:
        return Path(f"{path}.{name}.pkl")
    key = f"{getattr(store, 'uri', '')}/{getattr(store, 'database', '')}"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "beautygraph"
    return cache / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.{name}.pkl"


def load_model(path: Path, version: str) -> Any | None:
    """The model saved at ``path`` for data version ``version``; None when there is no file,
    it cannot be read, or it was saved for other data."""
    try:
        with path.open("rb") as fh:
            saved = pickle.load(fh)  # the store's own file, written by save_model
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    ok = isinstance(saved, dict) and saved.get("format") == MODEL_FORMAT
    return saved["model"] if ok and saved.get("data_version") == version else None


def save_model(path: Path, version: str, model: Any) -> None:
    """Save ``model`` for data version ``version``, atomically (a reader never sees half a
    file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"format": MODEL_FORMAT, "data_version": version, "model": model}, fh)
    tmp.replace(path)


def _stamp_file(path: Path) -> Path:
    return path.with_name(path.name + ".stamp.json")


def read_stamp(path: Path, stamp: str) -> str | None:
    """The data version recorded beside the model ``path`` for the data stamp ``stamp``;
    None when the record is missing, unreadable or names another stamp."""
    try:
        saved = loads_strict(_stamp_file(path).read_text())
    except (OSError, ValueError):
        return None
    ok = isinstance(saved, dict) and saved.get("format") == MODEL_FORMAT
    if not ok or saved.get("stamp") != stamp or not isinstance(saved.get("data_version"), str):
        return None
    return str(saved["data_version"])


def write_stamp(path: Path, stamp: str, version: str) -> None:
    """Record that the data stamp ``stamp`` names the data version ``version``
    (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    target = _stamp_file(path)
    tmp = target.with_name(target.name + ".tmp")
    record = {"format": MODEL_FORMAT, "stamp": stamp, "data_version": version}
    write_json(record, tmp, compact=True)
    tmp.replace(target)
