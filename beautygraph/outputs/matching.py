"""Figures and files of ``analyze matching`` and the report's ``matching`` section: Fig. 9,
10 and 11 and the Table 1 standardised biases of Beautiful and damned [1] §6.2, from a
:class:`beautygraph.pipelines.matching.MatchingRun`.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from analysis.matching import MatchingResult
from beautygraph.artifacts import Figure, dumps
from beautygraph.outputs import save_figures, save_tables
from beautygraph.pipelines.matching import MatchingRun

__all__ = ["matching_figures", "write_matching"]


def matching_figures(result: MatchingResult) -> list[Figure]:
    """Fig. 9 (left, right), Fig. 10, Fig. 11 and the SB plots of both experiments."""
    from analysis.plots import matching as mp

    inf, im = result.influence, result.imbalance
    return [
        Figure.from_matplotlib(
            mp.plot_influence(inf),
            "matching_fig9_left",
            "Fig. 9 (left): Δb after a generic link creation (control) vs. "
            "a link to a user with higher beauty (treatment), 95 % CI.",
        ),
        Figure.from_matplotlib(
            mp.plot_by_links(inf),
            "matching_fig9_right",
            "Fig. 9 (right): Δb after creating exactly n links towards "
            "higher-beauty users, 95 % CI.",
        ),
        Figure.from_matplotlib(
            mp.plot_by_alpha(inf),
            "matching_fig10",
            "Fig. 10: Δb after links to users whose beauty is (1 + α) times "
            "the user's own (Eq. 5–6), 95 % CI.",
        ),
        Figure.from_matplotlib(
            mp.plot_inactivity(im),
            "matching_fig11",
            "Fig. 11: increase in the probability of being inactive for n "
            "weeks, imbalanced (δ ≥ 0.3) vs. balanced users, 95 % CI.",
        ),
        Figure.from_matplotlib(
            mp.plot_balance(inf.balance_frame(), result.config.threshold),
            "matching_table1_sb",
            "Table 1: standardised bias of each covariate before and after "
            "balancing (Q4), with the paper's values.",
        ),
        Figure.from_matplotlib(
            mp.plot_balance(
                im.balance_frame(),
                result.config.threshold,
                "Standardised bias, imbalance experiment (Q5)",
            ),
            "matching_q5_sb",
            "SB before/after balancing for Q5.",
        ),
    ]


def write_matching(
    run: MatchingRun, out_dir: str | Path, figures: Sequence[Figure] = ()
) -> dict[str, Path]:
    """The tables as CSV, ``figures`` as PNG and ``matching.json`` (the headline) in
    ``out_dir`` (created); returns the paths by file name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = run.result
    tables = {
        "matching_influence.csv": result.influence.to_frame(),
        "matching_table1.csv": result.influence.balance_frame(),
        "matching_inactivity.csv": result.imbalance.to_frame(),
        "matching_q5_balance.csv": result.imbalance.balance_frame(),
    }
    files = save_tables(out, tables) | save_figures(out, figures)
    path = out / "matching.json"
    path.write_text(dumps(run.headline()))
    files["matching.json"] = path
    return files
