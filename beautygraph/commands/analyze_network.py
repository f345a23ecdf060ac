"""``beautygraph analyze network``: beauty on the network (Beautiful and damned §5, §6.1, §7).

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
    from beautygraph.pipelines.network_result import NetworkResult


#: The options of ``analyze network`` (``--out`` … ``--beauty-source``).
_NETWORK_OPTIONS = option_bundle(
    click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=True,
        help="Folder for the figures (PNG), tables (CSV) and network.json.",
    ),
    click.option(
        "--json",
        "json_mode",
        is_flag=True,
        help="Print the headline numbers as JSON (gini_beauty, gini_favorites, spearman, "
        "majority_illusion, spectrum_spearman, nulls, findings, k, clusters …).",
    ),
    click.option(
        "--seed",
        type=int,
        default=0,
        show_default=True,
        help="Seeds the null permutations, the gap statistic and K-means.",
    ),
    click.option(
        "--null",
        "n_null",
        type=click.IntRange(min=0),
        default=500,
        show_default=True,
        help="Permutations of beauty over users for the null of every finding (majority "
        "illusion, spectrum, degree correlations, assortativity); 0 = none, else >= 20.",
    ),
    click.option(
        "--k",
        type=click.IntRange(min=1, max=50),
        default=None,
        help="Fixed number of user classes (default: K = 1 unless a gap test against "
        "beauty-shuffled data finds structure, then the gap statistic over K = 2..10).",
    ),
    click.option("--no-plots", is_flag=True, help="Skip rendering the figures."),
    click.option(
        "--beauty-source",
        default=None,
        help="Photo.beauty_source that User.beauty is computed from (input, brisque, "
        "cnn:<id>); needed when photos carry beauty from several sources.",
    ),
)


@analyze.command("network")
@_NETWORK_OPTIONS
@pass_app
def analyze_network_cmd(
    app,
    out_dir: Path,
    json_mode: bool,
    seed: int,
    n_null: int,
    k: int | None,
    no_plots: bool,
    beauty_source: str | None,
) -> None:
    """User and neighbour beauty (Cypher, written into the graph), inequality (Fig. 5),
    degree correlations (Fig. 6), majority illusion (Q2), correlation spectrum (Fig. 7) and
    user classes (Tables 2–3, written as User.cluster / User.cluster_name)."""
    from beautygraph.outputs.network import network_figures, write_network
    from beautygraph.pipelines.network import analyze_network

    steps = cli_steps(json_mode, app.quiet)
    result = analyze_network(
        app.store(),
        seed=seed,
        steps=steps,
        n_null=n_null,
        k=k,
        beauty_source=beauty_source,
    )
    figures = []
    if not no_plots:
        with steps("figures"):
            figures = network_figures(result)
    files = write_network(result, out_dir, figures)
    if json_mode:
        echo_json(result.to_json())
        return
    _print_network(result, seed, f"wrote {len(files)} files to {out_dir}")


def _print_network(result: NetworkResult, seed: int, wrote: str) -> None:
    """Paper vs. measured, the user classes, why K is what it is, the nulls, and the line
    ``wrote`` (the files written)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    cmp_table = Table(title=f"Beauty on the network: {result.n_users:,} users, seed {seed}")
    for col in ("quantity", "paper", "measured", "comparable?", "note"):
        cmp_table.add_column(col, overflow="fold")
    for row in result.comparisons():
        cmp_table.add_row(row.quantity, row.paper, row.measured, row.comparable, row.note)
    console.print(cmp_table)
    cls_table = Table(title=f"User classes (K = {result.classes.k})")
    frame = result.classes.to_frame()
    cols = (
        "name",
        "share",
        "n_users",
        "beauty",
        "fav_per_photo",
        "followers",
        "photo_count",
        "weeks_with_uploads",
    )
    for col in cols:
        cls_table.add_column(col, justify="left" if col == "name" else "right")
    for rec in frame.to_dict("records"):
        cls_table.add_row(
            *[
                rec[c]
                if c == "name"
                else f"{rec[c]:.1%}"
                if c == "share"
                else f"{rec[c]:,}"
                if c == "n_users"
                else f"{rec[c]:.3g}"
                for c in cols
            ]
        )
    console.print(cls_table)
    console.print(result.k_words())
    for name, test in result.nulls.items():
        console.print(f"{name}: {test.value:.3g}, {test.words()}")
    console.print(wrote)
