"""``beautygraph generate``: a synthetic community with planted effects."""

from __future__ import annotations

from pathlib import Path

import click

from beautygraph.clikit import cli_steps, echo_json, main, option_bundle, pass_app

_GENERATE_OPTIONS = option_bundle(
    click.option(
        "--users",
        "n_users",
        type=click.IntRange(min=20),
        default=None,
        help="Number of users [default: 5000, or the config file's n_users].",
    ),
    click.option("--seed", type=int, default=None, help="Random seed [default: 0]."),
    click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        required=True,
        help="Output folder (must be empty or absent unless --force).",
    ),
    click.option(
        "--weeks", type=click.IntRange(min=2), default=None, help="Timeline length [default: 104]."
    ),
    click.option(
        "--images",
        is_flag=True,
        help="Render photos as JPEGs from skimage.data, degraded by beauty.",
    ),
    click.option(
        "--image-sample",
        type=click.IntRange(min=0),
        default=None,
        help="Render only this many photos (implies --images).",
    ),
    click.option("--no-influence", is_flag=True, help="Do not plant 'beauty inspires beauty'."),
    click.option("--no-churn", is_flag=True, help="Do not plant 'imbalance kills'."),
    click.option(
        "--null",
        "null",
        is_flag=True,
        help="Null community: beauty independent of the graph, activity and favourites; "
        "no influence, no churn, no superstars or forlorn beauties.",
    ),
    click.option(
        "--config",
        "config_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="TOML file with any generator parameter (options win).",
    ),
    click.option("--force", is_flag=True, help="Write into a non-empty --out folder."),
    click.option("--json", "json_mode", is_flag=True, help="Print the summary as JSON."),
)


@main.command("generate")
@_GENERATE_OPTIONS
@pass_app
def generate_cmd(
    app,
    n_users,
    seed,
    out_dir: Path,
    weeks,
    images: bool,
    image_sample,
    no_influence: bool,
    no_churn: bool,
    null: bool,
    config_file,
    force: bool,
    json_mode: bool,
) -> None:
    """Write a Flickr-like community (users, follows, photos, favourites, topics) and
    truth.json with every planted parameter into OUT."""
    from beautygraph.pipelines.generated import run_generate

    summary = run_generate(
        out_dir,
        n_users=n_users,
        seed=seed,
        weeks=weeks,
        images=images or image_sample is not None,
        image_sample=image_sample,
        influence=not no_influence,
        churn=not no_churn,
        null=null,
        config_file=config_file,
        force=force,
        steps=cli_steps(json_mode, app.quiet),
    )
    if json_mode:
        echo_json(summary.to_json())
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"generated community in {out_dir}")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for key, value in summary.to_json().items():
        if isinstance(value, float):
            value = f"{value:.4g}"
        elif isinstance(value, int):
            value = f"{value:,}"
        table.add_row(key, str(value))
    Console().print(table)
