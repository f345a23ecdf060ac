"""Figure and files of ``analyze propagation`` and the report's ``propagation`` section: the
hold-out scores of every propagation method and the F1 curve against the labelled share of
users (the DeepWalk protocol of Perozzi et al. [1]) for the ALF interests [2].

References
----------
.. [1] B. Perozzi, R. Al-Rfou, S. Skiena. "DeepWalk: Online Learning of Social
   Representations." Proceedings of the 20th ACM SIGKDD International Conference on
   Knowledge Discovery and Data Mining (KDD 2014). https://doi.org/10.1145/2623330.2623732
.. [2] A. Pal, A. Herdağdelen, S. Chatterji, S. Taank, D. Chakrabarti. "Discovery of
   Topical Authorities in Instagram." Proceedings of the 25th International Conference
   on World Wide Web (WWW 2016), Montréal. https://doi.org/10.1145/2872427.2883078
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from beautygraph.artifacts import Figure
from beautygraph.pipelines.propagation import PropagationEvaluation

__all__ = ["f1_curve_figure", "write_propagation"]


def f1_curve_figure(curve: pd.DataFrame) -> Figure:
    """Micro-/Macro-F1 of each method against the labelled share of interested users."""
    from analysis.plots.propagation import plot_f1_curve

    return Figure.from_matplotlib(
        plot_f1_curve(curve),
        "propagation_f1",
        "Micro-/Macro-F1 of each method against the labelled share of interested users",
    )


def write_propagation(ev: PropagationEvaluation, out_dir: str | Path) -> list[Path]:
    """``propagation_holdout.csv``, ``propagation_curve.csv`` and ``propagation_f1.png`` in
    ``out_dir`` (created); returns the paths in that order."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ev.holdout.to_frame().to_csv(out / "propagation_holdout.csv", index=False)
    ev.curve.to_csv(out / "propagation_curve.csv", index=False)
    return [
        out / "propagation_holdout.csv",
        out / "propagation_curve.csv",
        f1_curve_figure(ev.curve).save(out),
    ]
