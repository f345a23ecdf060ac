"""``beautygraph analyze matching``: the causal matching experiments of Beautiful and damned §6.2.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from beautygraph.clikit import analyze, cli_steps, echo_json, option_bundle, pass_app

if TYPE_CHECKING:
    from beautygraph.pipelines.matching import MatchingRun


#: The options of ``analyze matching`` (``--out`` … ``--no-plots``).
_MATCHING_OPTIONS = option_bundle(
    click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=True,
        help="Folder for the figures (PNG), tables (CSV) and matching.json.",
    ),
    click.option(
        "--json",
        "json_mode",
        is_flag=True,
        help="Print the results as JSON (influence, max_abs_sb, by_links, by_alpha, "
        "inactivity_ratio …).",
    ),
    click.option(
        "--seed",
        type=int,
        default=0,
        show_default=True,
        help="Seeds the control pools and the tie-breaking of the pruning.",
    ),
    click.option(
        "--min-followees",
        type=click.IntRange(min=0),
        default=10,
        show_default=True,
        help="Eligible users follow at least this many accounts.",
    ),
    click.option(
        "--min-active-weeks",
        type=click.IntRange(min=0),
        default=12,
        show_default=True,
        help="Eligible units have uploads in at least this many distinct earlier weeks.",
    ),
    click.option(
        "--threshold",
        type=click.FloatRange(min=0, min_open=True),
        default=0.25,
        show_default=True,
        help="Balance holds when every |SB| is at most this (Eq. 3).",
    ),
    click.option(
        "--delta-control",
        type=click.FloatRange(min=0),
        default=0.1,
        show_default=True,
        help="Q5 control: |δ| at most this.",
    ),
    click.option(
        "--delta-treatment",
        type=click.FloatRange(min=0),
        default=0.3,
        show_default=True,
        help="Q5 treatment: δ at least this (see --imbalance-side).",
    ),
    click.option(
        "--imbalance-side",
        type=click.Choice(["above", "below", "both"]),
        default="above",
        show_default=True,
        help="Q5 treatment δ ≥ t (above, the paper), δ ≤ −t (below) or |δ| ≥ t (both).",
    ),
    click.option("--no-plots", is_flag=True, help="Skip rendering the figures."),
)


@analyze.command("matching")
@_MATCHING_OPTIONS
@pass_app
def analyze_matching_cmd(
    app,
    out_dir: Path,
    json_mode: bool,
    seed: int,
    min_followees: int,
    min_active_weeks: int,
    threshold: float,
    delta_control: float,
    delta_treatment: float,
    imbalance_side: str,
    no_plots: bool,
) -> None:
    """Q4 "beauty inspires beauty" (Fig. 9–10) and Q5 "imbalance kills" (Fig. 11), with the
    control groups balanced by standardised-bias pruning (Eq. 3, Table 1)."""
    from analysis.matching import MatchingConfig
    from beautygraph.outputs.matching import matching_figures, write_matching
    from beautygraph.pipelines.matching import analyze_matching

    if delta_control >= delta_treatment:
        raise click.BadParameter(
            f"--delta-control {delta_control} must be below --delta-treatment {delta_treatment}",
            param_hint="--delta-control",
        )
    config = MatchingConfig(
        min_followees=min_followees,
        min_active_weeks=min_active_weeks,
        threshold=threshold,
        delta_control=delta_control,
        delta_treatment=delta_treatment,
        imbalance_side=imbalance_side,
        seed=seed,
    )
    steps = cli_steps(json_mode, app.quiet)
    run = analyze_matching(app.store(), config, steps=steps)
    figures = []
    if not no_plots:
        with steps("figures"):
            figures = matching_figures(run.result)
    files = write_matching(run, out_dir, figures)
    if json_mode:
        echo_json(run.to_json())
        return
    _print_matching(run, seed, f"wrote {len(files)} files to {out_dir}")


def _print_matching(run: MatchingRun, seed: int, wrote: str) -> None:
    """Paper vs. measured, the inactivity ratios of Fig. 11 and the line ``wrote`` (the
    files written)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(
        title=f"Matching experiments: {run.data.n_users:,} users, "
        f"{run.data.n_weeks} weeks, seed {seed}"
    )
    for col in ("quantity", "paper", "measured", "note"):
        table.add_column(col, overflow="fold")
    for row in run.comparisons():
        table.add_row(row.quantity, row.paper, row.measured, row.note)
    console.print(table)
    im = run.result.imbalance
    inact = Table(title="Inactivity ratio p_inact(t) / p_inact(c) (Fig. 11)")
    for col in ("n weeks", "p_inact treatment", "p_inact control", "ratio", "95 % CI"):
        inact.add_column(col, justify="right")
    for n, pt, pc, r, lo, hi in zip(
        im.weeks, im.p_treatment, im.p_control, im.ratio, im.ci_low, im.ci_high, strict=True
    ):
        inact.add_row(str(n), f"{pt:.4f}", f"{pc:.4f}", f"{r:.3f}", f"[{lo:.3f}, {hi:.3f}]")
    console.print(inact)
    console.print(wrote)
