"""Files of ``score evaluate --out`` and ``score beauty --out``: the predictions, the Fig. 4
decile table and plot, the machine-as-annotator table and plot (Beautiful and damned [1]
§4–5), and the scores CSV, from the results of :mod:`beautygraph.pipelines.beauty_training`
and :mod:`beautygraph.pipelines.scoring`.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from beautygraph.artifacts import Figure
from beautygraph.pipelines.beauty_training import EvaluationReport

__all__ = ["write_evaluation", "write_scores_csv"]


def write_evaluation(report: EvaluationReport, out_dir: str | os.PathLike) -> list[str]:
    """``predictions.csv``; with human scores ``deciles.csv`` and ``beauty_deciles.png``
    (Fig. 4); with raters ``reliability.csv`` and ``reliability.png``.  Returns the paths
    in that order."""
    from scoring.plots import plot_deciles, plot_reliability

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = report.result
    report.predictions.to_csv(out / "predictions.csv", index=False)
    files = [str(out / "predictions.csv")]
    if result.deciles is not None:
        result.deciles.to_frame().to_csv(out / "deciles.csv", index=False)
        assert result.spearman is not None  # deciles need the scores, as does Spearman
        fig = Figure.from_matplotlib(
            plot_deciles(result.deciles, rho=result.spearman.rho), "beauty_deciles"
        )
        files += [str(out / "deciles.csv"), str(fig.save(out))]
    if result.reliability is not None:
        result.reliability.to_frame().to_csv(out / "reliability.csv", index=False)
        fig = Figure.from_matplotlib(plot_reliability(result.reliability), "reliability")
        files += [str(out / "reliability.csv"), str(fig.save(out))]
    return files


def write_scores_csv(path: str | os.PathLike, scores: pd.DataFrame) -> Path:
    """``photo_id, beauty, source`` of the photos scored, written atomically (a ``.partial``
    file renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    scores.to_csv(tmp, index=False, float_format="%.6f")
    os.replace(tmp, path)
    return path
