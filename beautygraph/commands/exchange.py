"""Parquet exchange commands: ``export DIR``, ``import-results DIR``, and
``beauty-aggregates`` (the user / neighbour beauty on any engine)."""

from __future__ import annotations

from pathlib import Path

import click

from beautygraph.clikit import cli_steps, echo_json, main, pass_app
from beautygraph.commands.engine_options import engine_options


def _tables(ctx, param, value: str) -> tuple[str, ...]:
    from graphdb.parquet_export import TABLES

    items = tuple(dict.fromkeys(s.strip() for s in value.split(",") if s.strip()))
    bad = [s for s in items if s not in TABLES]
    if not items or bad:
        raise click.BadParameter(f"{value!r}: use a comma-separated subset of {','.join(TABLES)}")
    return items


@main.command("export")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--tables",
    default="users,follows,photos,interests,favorites",
    show_default=True,
    callback=_tables,
    help="Comma-separated: users, follows, photos, favorites, topics, tags, interests, "
    "groups, authorities, recommended (endpoint id tables come along).",
)
@click.option(
    "--page-size",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Source nodes whose relationships are read per query (memory bound).",
)
@click.option("--json", "json_mode", is_flag=True, help="Print the manifest as JSON.")
@pass_app
def export_cmd(app, folder: Path, tables: tuple[str, ...], page_size: int, json_mode: bool) -> None:
    """Export the store to FOLDER as Parquet: int64 indices, an id table per label,
    relationships as index pairs with their properties (read in pages)."""
    from graphdb.parquet_export import export_store, spec_for_tables

    store = app.store(read_only=True)
    manifest = export_store(
        store,
        folder,
        spec_for_tables(tables),
        node_page=max(page_size, 100_000),
        rel_page=page_size,
        steps=cli_steps(json_mode, app.quiet),
    )
    if json_mode:
        echo_json(manifest.to_json())
        return
    click.echo(f"exported {app.db} to {folder}")
    for kind in ("nodes", "relationships"):
        for name, info in manifest.to_json()[kind].items():
            click.echo(f"  {name:<14} {info['rows']:>12,}")


@main.command("import-results")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--json", "json_mode", is_flag=True, help="Print the counts as JSON.")
@pass_app
def import_results_cmd(app, folder: Path, json_mode: bool) -> None:
    """Validate the results in FOLDER completely, then write them (node properties and
    relationship sets, replacing the old ones of the same kind)."""
    from graphdb.results_import import import_results

    store = app.store()
    res = import_results(store, folder, steps=cli_steps(json_mode, app.quiet))
    if json_mode:
        echo_json(res.to_json())
        return
    for name, n in res.written.items():
        click.echo(f"  {name:<14} {n:>12,} written")


@main.command("beauty-aggregates")
@engine_options(engines=("cypher", "scipy", "spark"), default="cypher")
@click.option(
    "--beauty-source",
    default=None,
    help="Photo.beauty_source to average (default: the only one present).",
)
@click.option("--json", "json_mode", is_flag=True, help="Print the counts as JSON.")
@pass_app
def beauty_aggregates(app, engine: str, spark, beauty_source, json_mode: bool) -> None:
    """Write User.beauty (from one beauty source), n_photos, favs_received and
    neighbor_beauty (beautiful-and-damned §6, Eq. 2) with the chosen engine."""
    from beautygraph.pipelines.beauty_aggregates import aggregate_beauty

    summary = aggregate_beauty(
        app.store(),
        engine,
        options=spark,
        steps=cli_steps(json_mode, app.quiet),
        beauty_source=beauty_source,
    )
    if json_mode:
        echo_json(summary.to_json())
        return
    click.echo(
        f"beauty aggregates ({engine}) written: {summary.with_beauty:,} of {summary.users:,} "
        f"users have a beauty (from {summary.beauty_source}), "
        f"{summary.with_neighbor_beauty:,} a neighbour beauty"
    )
