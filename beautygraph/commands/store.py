"""Store commands: ``init``, ``load``, ``stats``, ``query`` and ``demo``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from beautygraph.clikit import cli_steps, echo_json, main, pass_app, show_progress
from beautygraph.errors import UserError
from beautygraph.steps import LineSteps


@main.command()
@click.option("--force", is_flag=True, help="Delete every node and relationship first.")
@pass_app
def init(app, force: bool) -> None:
    """Create the schema (tables or constraints and indexes); idempotent."""
    store = app.store(create=True)
    if force:
        store.clear()
    click.echo(f"schema ready in {app.db}")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--json", "json_mode", is_flag=True, help="Print the counts as JSON.")
@click.option(
    "--initial",
    is_flag=True,
    help="Neo4j only: first load of an empty, stopped database with the offline importer "
    "(neo4j-admin database import full); start the server afterwards.",
)
@click.option(
    "--neo4j-home",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="NEO4J_HOME",
    help="With --initial: the server's installation folder (default $NEO4J_HOME).",
)
@click.option(
    "--neo4j-conf",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="NEO4J_CONF",
    help="With --initial: the server's conf folder (default $NEO4J_CONF or HOME/conf).",
)
@click.option(
    "--overwrite", is_flag=True, help="With --initial: replace the database if it exists."
)
@pass_app
def load(
    app,
    folder: Path,
    json_mode: bool,
    initial: bool,
    neo4j_home: Path | None,
    neo4j_conf: Path | None,
    overwrite: bool,
) -> None:
    """Validate FOLDER completely, then load its new rows (CSV or Parquet files)."""
    from beautygraph.pipelines.load import load_into_store

    if initial:
        _load_initial(app, folder, json_mode, neo4j_home, neo4j_conf, overwrite)
        return
    result = load_into_store(app.store(create=True), folder, cli_steps(json_mode, app.quiet))
    if json_mode:
        echo_json(result)
        return
    added = result["added"]
    click.echo(f"loaded {folder} into {app.db}")
    for kind in ("nodes", "relationships"):
        for name, n in result["totals"][kind].items():
            new = added[kind].get(name, 0)
            if n or new:
                click.echo(f"  {name:<14} {n:>10,}  (+{new:,})")


def _load_initial(
    app, folder: Path, json_mode: bool, home: Path | None, conf: Path | None, overwrite: bool
) -> None:
    import graphdb
    from graphdb.neo4j_import import load_folder_initial

    if not graphdb.is_server_uri(app.db):
        raise UserError("--initial is for a Neo4j server: pass --db bolt://HOST:PORT")
    if home is None:
        raise UserError("--initial needs the server's installation: --neo4j-home or $NEO4J_HOME")
    database = app.database or os.environ.get("NEO4J_DATABASE") or "neo4j"
    counts = load_folder_initial(folder, home, conf, database=database, overwrite=overwrite)
    if json_mode:
        echo_json({"added": counts.to_dict(), "database": database})
        return
    click.echo(f"imported {folder} into database {database!r}; start the server to use it")
    for kind, table in counts.to_dict().items():
        for name, n in table.items():
            click.echo(f"  {name:<14} {n:>10,}  ({kind})")


@main.command()
@click.option("--json", "json_mode", is_flag=True, help="Print the counts as JSON.")
@pass_app
def stats(app, json_mode: bool) -> None:
    """Counts of nodes per label and relationships per type."""
    counts = app.store(read_only=True).counts()
    if json_mode:
        echo_json(counts)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"beautygraph store {app.db}")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("count", justify="right")
    for kind in ("nodes", "relationships"):
        for name, n in counts[kind].items():
            table.add_row(kind, name, f"{n:,}")
    Console().print(table)


def _parse_param(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise click.BadParameter(f"expected k=v, got {text!r}", param_hint="--param")
    key, value = text.split("=", 1)
    if not key.isidentifier():
        raise click.BadParameter(f"invalid parameter name {key!r}", param_hint="--param")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, help="k=v (v parsed as JSON if it can be).")
@click.option("--list", "list_names", is_flag=True, help="List the named statements.")
@click.option("--json", "json_mode", is_flag=True, help="Print rows as JSON.")
@pass_app
def query(
    app, name: str | None, params: tuple[str, ...], list_names: bool, json_mode: bool
) -> None:
    """Run the named Cypher statement cypher/NAME.cypher with parameters."""
    import cypher

    if list_names or not name:
        names = cypher.names()
        if json_mode:
            echo_json(names)
        else:
            click.echo("\n".join(names))
        return
    values = dict(_parse_param(p) for p in params)
    try:
        text = cypher.load(name, app.store().dialect)
    except cypher.UnknownStatement as exc:
        raise UserError(str(exc)) from None
    rows = app.store().query(text, values)
    if json_mode:
        echo_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=name)
    keys = list(rows[0]) if rows else []
    for k in keys:
        table.add_column(k)
    for r in rows:
        table.add_row(*(str(r[k]) for k in keys))
    Console().print(table)
    click.echo(f"{len(rows)} row(s)")


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("demo-out"),
    show_default=True,
    help="Folder for the data, database, figures and report.",
)
@click.option(
    "--users",
    "n_users",
    type=click.IntRange(min=20),
    default=5000,
    show_default=True,
    help="Size of the generated community.",
)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--image-sample",
    type=click.IntRange(min=0),
    default=None,
    help="How many photos get rendered images (default: scales with --users).",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Use this input folder instead of generating one.",
)
@click.option(
    "--null",
    "null",
    is_flag=True,
    help="Generate the null community (beauty independent of graph, activity and "
    "favourites; no influence, no churn): every finding should read as chance.",
)
@click.option(
    "--json", "json_mode", is_flag=True, help="Print one object: a key per report section."
)
@click.option(
    "--reset",
    is_flag=True,
    help="With --db: delete what the database holds first (it must be empty otherwise).",
)
@pass_app
def demo(
    app,
    out_dir: Path,
    n_users: int,
    seed: int,
    image_sample: int | None,
    data_dir: Path | None,
    null: bool,
    json_mode: bool,
    reset: bool,
) -> None:
    """Run the whole pipeline and write OUT/report.html: on a fresh embedded store in OUT,
    or on the store that --db names (a Neo4j server with bolt://…)."""
    from beautygraph.demo import run_demo

    result = run_demo(
        db=app.db if app.db_given else None,
        database=app.database,
        reset=reset,
        out_dir=out_dir,
        n_users=n_users,
        seed=seed,
        image_sample=image_sample,
        data_dir=data_dir,
        steps=LineSteps() if show_progress(json_mode, app.quiet) else None,
        null=null,
    )
    if json_mode:
        echo_json(result.headline)
    else:
        click.echo(f"report written to {result.report_path}")
        for key, why in result.skipped.items():
            click.echo(f"  section {key!r} not computed: {why}", err=True)
        for key, err in result.failed.items():
            click.echo(f"  section {key!r} failed: {err}", err=True)
    if result.failed:
        raise SystemExit(1)
