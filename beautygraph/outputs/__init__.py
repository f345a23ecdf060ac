"""What the CLI and the report make of a pipeline's result: figures and files.

A pipeline (:mod:`beautygraph.pipelines`) exports from the store, computes in
:mod:`analysis` and writes back into the store; it returns a result dataclass and draws
and writes nothing else.  The functions here turn those results into
:class:`beautygraph.artifacts.Figure` objects (wrapping the pure matplotlib figures of
:mod:`analysis.plots` and :mod:`scoring.plots` with a file name and a caption) and into
the PNG, CSV and JSON files of an output folder.  The commands
(:mod:`beautygraph.commands`) and the report sections (:mod:`beautygraph.sections`) decide
whether to call them.

One module per capability: :mod:`~beautygraph.outputs.network`,
:mod:`~beautygraph.outputs.matching`, :mod:`~beautygraph.outputs.recommenders`,
:mod:`~beautygraph.outputs.beauty`.  :func:`save_tables` and :func:`save_figures` are the
two writers every output folder is made of.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from beautygraph.artifacts import Figure

__all__ = ["save_figures", "save_tables"]


def save_tables(out_dir: str | Path, tables: Mapping[str, pd.DataFrame]) -> dict[str, Path]:
    """Each frame of ``tables`` as ``out_dir/NAME`` (a CSV without the index, ``.csv``
    added when NAME lacks it); returns the paths by file name, in ``tables``' order."""
    out = Path(out_dir)
    files: dict[str, Path] = {}
    for name, frame in tables.items():
        path = out / (name if name.endswith(".csv") else f"{name}.csv")
        frame.to_csv(path, index=False)
        files[path.name] = path
    return files


def save_figures(out_dir: str | Path, figures: Sequence[Figure]) -> dict[str, Path]:
    """Each figure as PNG in ``out_dir``; returns the paths by file name, in order."""
    return {path.name: path for path in (fig.save(Path(out_dir)) for fig in figures)}
