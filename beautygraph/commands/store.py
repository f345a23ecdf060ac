"""Store commands: ``init``, ``load``, ``stats`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from beautygraph.clikit import cli_steps, echo_json, main, option_bundle, pass_app, show_progress
from beautygraph.errors import UserError
from beautygraph.generate.config import GeneratorConfig
from graphdb.errors import LoadInterrupted
from kernel.steps import LineSteps, LogSteps


@main.command()
@click.option("--force", is_flag=True, help="Delete every node and relationship first.")
@pass_app
def init(app, force: bool) -> None:
    """Create the schema (tables or constraints and indexes); idempotent."""
    store = app.store(create=True)
    if force:
        store.clear()
    click.echo(f"schema ready in {app.db}")


_LOAD_OPTIONS = option_bundle(
    click.argument("folder", type=click.Path(path_type=Path)),
    click.option(
        "--dedupe",
        type=click.Choice(["first", "last"]),
        default=None,
        help="Keep the first or last row of each repeated key (e.g. a follow log with "
        "timestamps) instead of refusing the file.",
    ),
    click.option(
        "--allow-extra",
        is_flag=True,
        help="Warn about unknown .csv/.parquet files in FOLDER instead of refusing it.",
    ),
    click.option("--json", "json_mode", is_flag=True, help="Print the counts as JSON."),
    click.option(
        "--initial",
        is_flag=True,
        help="Neo4j only: first load of an empty, stopped database with the offline importer "
        "(neo4j-admin database import full); start the server afterwards.",
    ),
    click.option(
        "--neo4j-home",
        type=click.Path(path_type=Path, file_okay=False),
        envvar="NEO4J_HOME",
        help="With --initial: the server's installation folder (default $NEO4J_HOME).",
    ),
    click.option(
        "--neo4j-conf",
        type=click.Path(path_type=Path, file_okay=False),
        envvar="NEO4J_CONF",
        help="With --initial: the server's conf folder (default $NEO4J_CONF or HOME/conf).",
    ),
    click.option(
        "--overwrite", is_flag=True, help="With --initial: replace the database if it exists."
    ),
    click.option(
        "--importer-heap",
        default="1g",
        show_default=True,
        help="With --initial: the importer JVM's maximum heap (-Xmx).",
    ),
    click.option(
        "--no-class-cache",
        is_flag=True,
        help="With --initial: do not map or write the importer's JVM class-data archive.",
    ),
)


@main.command()
@_LOAD_OPTIONS
@pass_app
def load(
    app,
    folder: Path,
    dedupe: Literal["first", "last"] | None,
    allow_extra: bool,
    json_mode: bool,
    initial: bool,
    neo4j_home: Path | None,
    neo4j_conf: Path | None,
    overwrite: bool,
    importer_heap: str,
    no_class_cache: bool,
) -> None:
    """Validate FOLDER completely, then load its new rows (CSV or Parquet files).

    Nothing is written unless every file is valid; loading a folder again adds only its
    new rows.  A first load that fails leaves no database behind.  A CSV row may hold up
    to 64 MB (a long biography); $BEAUTYGRAPH_MAX_ROW_MB raises the limit.  Ctrl-C says
    what the store then holds.
    """
    import graphdb
    from beautygraph.pipelines.load import load_into_store

    if initial:
        _load_initial(
            app, folder, json_mode, neo4j_home, neo4j_conf, overwrite, importer_heap,
            not no_class_cache,
        )  # fmt: skip
        return
    new_db = not graphdb.database_exists(app.db)
    if not json_mode and not app.quiet:
        click.echo(f"loading {folder.resolve()}", err=True)
    try:
        store = app.store(create=True)
        try:
            result = load_into_store(
                store, folder, cli_steps(json_mode, app.quiet), dedupe=dedupe,
                allow_extra=allow_extra,
            )  # fmt: skip
        except KeyboardInterrupt:
            # the loader reports its own interruptions: this one came once it was done
            raise LoadInterrupted(
                "interrupted after the load was committed: it is complete; "
                "`beautygraph stats` shows the counts"
            ) from None
    except BaseException as exc:
        if new_db:  # a first load that does not finish leaves no database behind
            app.close()
            graphdb.remove_embedded(app.db)
            if isinstance(exc, (KeyboardInterrupt, LoadInterrupted)):
                raise LoadInterrupted("interrupted: nothing was written") from None
        raise
    for note in result.warnings:
        click.echo(f"warning: {note}", err=True)
    if json_mode:
        echo_json(result.to_json())
        return
    click.echo(f"loaded {result.folder} into {app.db}")
    for kind in ("nodes", "relationships"):
        added = getattr(result.added, kind)
        for name, n in getattr(result.totals, kind).items():
            new = added.get(name, 0)
            if n or new:
                click.echo(f"  {name:<14} {n:>10,}  (+{new:,})")


def _load_initial(
    app,
    folder: Path,
    json_mode: bool,
    home: Path | None,
    conf: Path | None,
    overwrite: bool,
    heap: str,
    class_cache: bool,
) -> None:
    import graphdb
    from beautygraph.pipelines.load import load_initial
    from graphdb.neo4j_store import database_name

    if not graphdb.is_server_uri(app.db):
        raise UserError("--initial is for a Neo4j server: pass --db bolt://HOST:PORT")
    if home is None:
        raise UserError("--initial needs the server's installation: --neo4j-home or $NEO4J_HOME")
    result = load_initial(
        folder,
        home,
        conf,
        database=database_name(app.database),
        overwrite=overwrite,
        heap=heap,
        class_cache=class_cache,
        steps=cli_steps(json_mode, app.quiet),
    )
    if json_mode:
        echo_json(result.to_json())
        return
    click.echo(f"imported {folder} into database {result.database!r}; start the server to use it")
    for kind, table in result.added.to_dict().items():
        for name, n in table.items():
            click.echo(f"  {name:<14} {n:>10,}  ({kind})")


@main.command()
@click.option("--json", "json_mode", is_flag=True, help="Print the counts as JSON.")
@pass_app
def stats(app, json_mode: bool) -> None:
    """Counts of nodes per label and relationships per type."""
    from beautygraph.pipelines.load import store_counts

    counts = store_counts(app.store(read_only=True))
    if json_mode:
        echo_json(counts.to_json())
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"beautygraph store {app.db}")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("count", justify="right")
    for kind in ("nodes", "relationships"):
        for name, n in getattr(counts, kind).items():
            table.add_row(kind, name, f"{n:,}")
    Console().print(table)


_DEMO_OPTIONS = option_bundle(
    click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        default=Path("demo-out"),
        show_default=True,
        help="Folder for the data, database, figures and report.",
    ),
    click.option(
        "--users",
        "n_users",
        type=click.IntRange(min=20),
        default=5000,
        show_default=True,
        help="Size of the generated community.",
    ),
    click.option(
        "--seed",
        type=int,
        default=GeneratorConfig.seed,
        show_default=True,
        help="Seed of the generated community (the same default as generate).",
    ),
    click.option(
        "--image-sample",
        type=click.IntRange(min=0),
        default=None,
        help="How many photos get rendered images (default: scales with --users).",
    ),
    click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Use this input folder instead of generating one.",
    ),
    click.option(
        "--null",
        "null",
        is_flag=True,
        help="Generate the null community (beauty independent of graph, activity and "
        "favourites; no influence, no churn): every finding should read as chance.",
    ),
    click.option(
        "--json", "json_mode", is_flag=True, help="Print one object: a key per report section."
    ),
    click.option(
        "--reset",
        is_flag=True,
        help="With --db: delete what the database holds first (it must be empty otherwise).",
    ),
)


@main.command()
@_DEMO_OPTIONS
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
        steps=_demo_steps(json_mode, app.quiet),
        null=null,
    )
    if json_mode:
        echo_json(result.to_json())
    else:
        click.echo(f"report written to {result.report_path}")
        for key, why in result.skipped.items():
            click.echo(f"  section {key!r} not computed: {why}", err=True)
        for key, err in result.failed.items():
            click.echo(f"  section {key!r} failed: {err}", err=True)
    if result.failed:
        raise SystemExit(1)


def _demo_steps(json_mode: bool, quiet: bool) -> LineSteps | None:
    """The demo's status lines: one per stage in a terminal; in a log also each stage's
    progress (at most every 10 s) and end; none with --json / --quiet."""
    if json_mode or quiet:
        return None
    return LineSteps() if show_progress(json_mode, quiet) else LogSteps(max_depth=2)
