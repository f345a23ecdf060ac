"""Figure and files of the §7 recommender simulation of Beautiful and damned [1] (Fig. 12),
from a :class:`beautygraph.pipelines.recommend.SimulationResult`: ``analyze recommenders
--out`` and the report's ``recommenders`` section.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from pathlib import Path

from beautygraph.artifacts import Figure, dumps
from beautygraph.pipelines.recommend import SimulationResult

__all__ = [
    "balance_figure",
    "holdout_figure",
    "recommenders_figure",
    "write_holdout",
    "write_simulation",
]


def recommenders_figure(sim: SimulationResult) -> Figure:
    """Fig. 12: b_recs, b_ratio, fav_recs and p_forlorn per recommender with 95 % CIs."""
    from analysis.plots.recommenders import plot_recommenders

    return Figure.from_matplotlib(
        plot_recommenders(sim.result),
        "fig12_recommenders",
        "Fig. 12: b_recs, b_ratio, fav_recs, p_forlorn per recommender (95 % CIs)",
    )


def write_simulation(
    sim: SimulationResult, out_dir: str | Path, figure: Figure | None = None
) -> dict[str, str]:
    """Write ``recommenders.csv``, ``recommenders_pairs.csv``, ``recommenders.json`` and
    the Fig. 12 PNG (``figure``, rendered here when not given) into ``out_dir``; returns
    the paths by kind."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "metrics": out / "recommenders.csv",
        "pairs": out / "recommenders_pairs.csv",
        "json": out / "recommenders.json",
    }
    sim.to_frame().to_csv(paths["metrics"], index=False)
    sim.pairs_frame().to_csv(paths["pairs"], index=False)
    paths["json"].write_text(dumps(sim.to_json()))
    paths["figure"] = (figure or recommenders_figure(sim)).save(out)
    return {k: str(v) for k, v in paths.items()}


def holdout_figure(evaluation: dict) -> Figure:
    """Precision@k and nDCG@k of every recommender on hidden follows, with the intervals
    against the best baseline (:func:`analysis.plots.linkpred.plot_holdout`)."""
    from analysis.plots.linkpred import plot_holdout

    return Figure.from_matplotlib(
        plot_holdout(evaluation),
        "recommenders_holdout",
        f"Whom to follow: precision@{evaluation['k']} and nDCG@{evaluation['k']} on hidden "
        f"follows, 95 % CI of the difference from {evaluation['best_baseline']}",
    )


def balance_figure(evaluation: dict) -> Figure:
    """The beauty-balance curve of the learned lists
    (:func:`analysis.plots.linkpred.plot_balance`); needs ``balance_curve``."""
    from analysis.plots.linkpred import plot_balance

    return Figure.from_matplotlib(
        plot_balance(evaluation),
        "recommenders_balance",
        f"Beauty balance: precision@{evaluation['k']} against the share of recommendations "
        f"to forlorn beauties as λ of the slots go to them; default λ = "
        f"{evaluation['beauty_balance']:g}",
    )


def write_holdout(evaluation: dict, out_dir: str | Path) -> dict[str, str]:
    """Write ``recommenders_holdout.json`` and its figure into ``out_dir``, and the
    beauty-balance figure when the evaluation has its curve."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "recommenders_holdout.json"
    path.write_text(dumps(evaluation))
    paths = {"json": str(path), "figure": str(holdout_figure(evaluation).save(out))}
    if evaluation.get("balance_curve"):
        paths["balance_figure"] = str(balance_figure(evaluation).save(out))
    return paths
