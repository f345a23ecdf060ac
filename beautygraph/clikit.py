"""Shared pieces of the click CLI: the root group, sub-groups, store access, output.

Command modules in ``beautygraph/commands/`` attach their commands to the groups defined
here; ``beautygraph/cli.py`` imports them all.  Commands only parse arguments and delegate
to a pipeline function in ``beautygraph/pipelines/``.
"""

from __future__ import annotations

import os
import sys

import click

from beautygraph.report import dumps

DEFAULT_DB = "./beautygraph.lbdb"


class AppContext:
    """Per-invocation state: the database URI and a lazily opened store."""

    def __init__(self, db: str, quiet: bool) -> None:
        self.db = db
        self.quiet = quiet
        self._store = None

    def store(self, read_only: bool = False, create: bool = False):
        """Open (once) and return the :class:`graphdb.base.Store` for ``--db``.

        An embedded database must already exist unless ``create`` (``init`` and ``load``
        create it), so a mistyped ``--db`` path is an error, not a new empty database.
        """
        if self._store is None:
            import graphdb

            self._store = graphdb.connect(self.db, read_only=read_only, create=create)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_app = click.make_pass_decorator(AppContext)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    default=lambda: os.environ.get("BEAUTYGRAPH_DB", DEFAULT_DB),
    show_default="./beautygraph.lbdb or $BEAUTYGRAPH_DB",
    help="Embedded database path, or bolt://… / neo4j://… for a Neo4j 5 server "
    "(credentials from NEO4J_USER / NEO4J_PASSWORD).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.pass_context
def main(ctx: click.Context, db: str, quiet: bool) -> None:
    """beautygraph: beauty, interests and authorities in photo-sharing communities."""
    app = AppContext(db=db, quiet=quiet)
    ctx.obj = app
    ctx.call_on_close(app.close)


@main.group()
def analyze() -> None:
    """Whole-graph analyses of the papers (results go to --out and back into the graph)."""


@main.group()
def score() -> None:
    """The scoring module: beauty CNN (train / evaluate / beauty) and image interests."""


def echo_json(obj) -> None:
    """Print one JSON object on stdout (numpy-aware)."""
    click.echo(dumps(obj))


def run_with_steps(enabled: bool, description: str, work):
    """Call ``work(step)`` with a rich progress bar fed by ``step(stage, done, total)``
    callbacks when ``enabled``, else ``work(None)``; returns what ``work`` returns."""
    if not enabled:
        return work(None)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(description, total=None)

        def step(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"{description}: {stage}", completed=done, total=total)

        return work(step)


def show_progress(json_mode: bool, quiet: bool = False) -> bool:
    """Progress bars only on a terminal, never in --json mode."""
    return not json_mode and not quiet and sys.stderr.isatty()
