"""Models a store keeps between runs: where their file lives and how it is read and written.

A fitted model (the learned whom-to-follow ranker) belongs to one store and is valid for
one state of its data, named by a *data version* (a hash the caller computes).  An embedded
store keeps it beside its database (``<database>.<name>.pkl``, removed with it); a Neo4j
store in the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``, then
``beautygraph/``), one file per server and database.  Pipelines compute and never touch
files themselves; this module is the one place that does for them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

__all__ = ["MODEL_FORMAT", "load_model", "model_path", "save_model"]

#: the pickle layout of a saved model; a file of another layout is treated as absent
MODEL_FORMAT = 1


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
