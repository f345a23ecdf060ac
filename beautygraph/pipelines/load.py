"""Loading pipeline: a validated load reporting through the steps protocol (the ``load``
report section is :mod:`beautygraph.sections.load`)."""

from __future__ import annotations

import warnings
from pathlib import Path

from graphdb.base import Store
from graphdb.errors import InputWarning
from graphdb.loader import Dedupe, load_folder
from kernel.steps import Steps


def load_into_store(
    store: Store,
    folder: Path,
    steps: Steps | None = None,
    dedupe: Dedupe | None = None,
    allow_extra: bool = False,
) -> dict:
    """Load ``folder``; returns ``{"folder": resolved path, "added": LoadCounts.to_dict(),
    "totals": store.counts(), "warnings": [...]}`` (warnings: ignored extra files)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        counts = load_folder(store, folder, steps=steps, dedupe=dedupe, allow_extra=allow_extra)
    notes = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    return {
        "folder": str(Path(folder).resolve()),
        "added": counts.to_dict(),
        "totals": store.counts(),
        "warnings": notes,
    }
