"""Loading pipeline: a validated load reporting through the steps protocol (the ``load``
report section is :mod:`beautygraph.sections.load`)."""

from __future__ import annotations

from pathlib import Path

from beautygraph.steps import Steps
from graphdb.base import Store
from graphdb.loader import load_folder


def load_into_store(store: Store, folder: Path, steps: Steps | None = None) -> dict:
    """Load ``folder``; returns ``{"added": LoadCounts.to_dict(), "totals": store.counts()}``."""
    counts = load_folder(store, folder, steps=steps)
    return {"added": counts.to_dict(), "totals": store.counts()}
