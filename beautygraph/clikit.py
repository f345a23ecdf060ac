"""Shared pieces of the click CLI: the root group, sub-groups, store access, output.

Command modules in ``beautygraph/commands/`` attach their commands to the groups defined
here; ``beautygraph/cli.py`` imports them all.  Commands only parse arguments and delegate
to a pipeline function in ``beautygraph/pipelines/``.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

import graphdb
from beautygraph import strict_json
from beautygraph.errors import UserError
from beautygraph.report import dumps
from kernel.params import InvalidParams
from kernel.steps import LogSteps, Step, Steps, finished_line


class AppContext:
    """Per-invocation state: the database URI and a lazily opened store."""

    def __init__(
        self, db: str, quiet: bool, database: str | None = None, db_given: bool = False
    ) -> None:
        self.db = db
        self.quiet = quiet
        self.database = database
        self.db_given = db_given  # --db or $BEAUTYGRAPH_DB chose the store explicitly
        self._store: graphdb.Store | None = None

    def store(self, read_only: bool = False, create: bool = False):
        """Open (once) and return the :class:`graphdb.base.Store` for ``--db``.

        An embedded database must already exist unless ``create`` (``init`` and ``load``
        create it), so a mistyped ``--db`` path is an error, not a new empty database.
        """
        if self._store is None:
            self._store = graphdb.connect(
                self.db, read_only=read_only, create=create, database=self.database
            )
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_app = click.make_pass_decorator(AppContext)


DEFAULT_DB = graphdb.DEFAULT_DB


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        app = ctx.find_object(AppContext)
        if app is not None:
            app.quiet = True


def _quiet_option() -> click.Option:
    return click.Option(
        ["--quiet"], is_flag=True, expose_value=False, callback=_set_quiet, help="No progress bars."
    )


class BeautyGroup(click.Group):
    """A group whose commands all accept ``--quiet`` (also after the command name) and
    take their short help line and prerequisites from
    :data:`beautygraph.cli_reference.REFERENCE`."""

    group_class = type  # sub-groups (analyze, score) are BeautyGroups too
    #: the group's command path ("" for the root, "analyze" …)
    _path: str = ""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        from beautygraph.cli_reference import REFERENCE

        parent = getattr(self, "_path", "")
        path = f"{parent} {name or cmd.name}".strip()
        if isinstance(cmd, BeautyGroup):
            cmd._path = path
        else:
            _name_flags_in_errors(cmd)
            if not any(p.name == "quiet" for p in cmd.params):
                cmd.params.append(_quiet_option())
            ref = REFERENCE.get(path)
            if ref is not None:
                cmd.short_help = ref.summary
                if ref.needs and "Needs:" not in (cmd.help or ""):
                    cmd.help = f"{cmd.help or ''}\n\nNeeds: {ref.needs}."
        super().add_command(cmd, name)


def option_bundle(*decorators: Callable[[Callable], Callable]) -> Callable[[Callable], Callable]:
    """One decorator applying click options in the order they are listed (as if stacked
    above the command), so a command with many options stays a short function."""

    def apply(fn: Callable) -> Callable:
        for decorate in reversed(decorators):
            fn = decorate(fn)
        return fn

    return apply


def spell_params(**flags: str) -> Callable[[Callable], Callable]:
    """Declare how a command spells parameters whose flag is not ``--<name>``: e.g.
    ``@spell_params(dtype="--float32!")`` (a trailing ``!``: a switch, shown without its
    value).  Put it directly above the ``def``, under the click decorators."""

    def mark(fn: Callable) -> Callable:
        fn.__param_flags__ = dict(flags)  # type: ignore[attr-defined]
        return fn

    return mark


def flag_spelling(cmd: click.Command) -> dict[str, str]:
    """``{parameter name: flag}`` of a command's options (a switch marked with ``!``), with
    the overrides of :func:`spell_params`: how its error messages name parameters."""
    out = {}
    for param in cmd.params:
        if isinstance(param, click.Option) and param.name:
            longest = max(param.opts, key=len)
            out[param.name] = f"{longest}!" if param.is_flag else longest
    out.update(getattr(cmd.callback, "__param_flags__", {}))
    return out


def _invalid_params(exc: BaseException) -> InvalidParams | None:
    """The :class:`kernel.params.InvalidParams` behind ``exc`` (itself, or what it was
    raised from), if any."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, InvalidParams):
            return cur
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return None


def _name_flags_in_errors(cmd: click.Command) -> None:
    """Make a parameter problem raised below the command (a pipeline, a parameter object)
    name the command's own flags: pipelines know parameter names, only the CLI knows how
    a user spelled them."""
    callback = cmd.callback
    if callback is None or getattr(callback, "__names_flags__", False):
        return

    @functools.wraps(callback)
    def named(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except Exception as exc:
            invalid = _invalid_params(exc)
            if invalid is None:
                raise
            raise UserError(invalid.worded(flag_spelling(cmd))) from exc

    named.__names_flags__ = True  # type: ignore[attr-defined]
    cmd.callback = named


@click.group(cls=BeautyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    default=lambda: os.environ.get("BEAUTYGRAPH_DB", DEFAULT_DB),
    show_default=f"{DEFAULT_DB} or $BEAUTYGRAPH_DB",
    help="Embedded database path, or bolt://… / neo4j://… for a Neo4j 5 server "
    "(credentials from NEO4J_USER / NEO4J_PASSWORD).",
)
@click.option(
    "--database",
    default=None,
    help="Neo4j database name (default $NEO4J_DATABASE or neo4j); ignored by the embedded store.",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.pass_context
def main(ctx: click.Context, db: str, database: str | None, quiet: bool) -> None:
    """beautygraph: beauty, interests and authorities in photo-sharing communities."""
    source = ctx.get_parameter_source("db")
    given = source is not click.core.ParameterSource.DEFAULT or "BEAUTYGRAPH_DB" in os.environ
    app = AppContext(db=db, quiet=quiet, database=database, db_given=given)
    ctx.obj = app
    ctx.call_on_close(app.close)


@main.group(short_help="Whole-graph analyses of the papers.")
def analyze() -> None:
    """Whole-graph analyses of the papers (results go to --out and back into the graph)."""


@main.group(short_help="Beauty CNN (train, evaluate, beauty) and image interests.")
def score() -> None:
    """The scoring module: beauty CNN (train / evaluate / beauty) and image interests."""


def echo_json(obj, compact: bool = False) -> None:
    """Print one strict JSON object on stdout (numpy-aware; NaN / inf -> null);
    ``compact`` (no indentation, C-speed encoding) for outputs with one row per user."""
    click.echo(strict_json.dumps(obj, compact=True) if compact else dumps(obj))


class RichSteps(Steps):
    """The CLI's :class:`~kernel.steps.Steps`: one transient rich bar per open stage
    (a spinner for stages without a total), labelled ``outer › inner``; with ``memory``,
    each stage of the first two levels leaves a line with its time and the process's peak
    memory by its end (:func:`kernel.steps.finished_line`)."""

    def __init__(self, memory: bool = False) -> None:
        super().__init__()
        self._memory = memory
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),  # the percentage (blank for stages without a total)
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._tasks: dict[int, Any] = {}

    def _started(self, step: Step) -> None:
        if not self._tasks:
            self._bar.start()
        self._tasks[id(step)] = self._bar.add_task(" › ".join(self.path), total=step.total)

    def _advanced(self, step: Step, n: int) -> None:
        task = self._tasks.get(id(step))
        if task is not None:
            self._bar.advance(task, n)

    def _finished(self, step: Step) -> None:
        task = self._tasks.pop(id(step), None)
        if task is not None:
            self._bar.remove_task(task)
        if self._memory and step.depth < 2:  # the step is closed: self.path holds its parents
            label = " › ".join([*self.path, step.name])
            self._bar.console.print(finished_line(step, label, memory=True), highlight=False)
        if not self._tasks:
            self._bar.stop()


def cli_steps(json_mode: bool, quiet: bool = False, memory: bool = False) -> Steps:
    """Rich progress bars on a terminal; plain lines (:class:`~kernel.steps.LogSteps`:
    each stage's start, progress at most every 10 s, end with seconds) when stderr is a
    log or a pipe; silent (timing only) in --json / --quiet mode.  ``memory``: each
    finished stage also shows the process's peak memory (for the commands whose memory
    matters at scale)."""
    if json_mode or quiet:
        return Steps()
    return RichSteps(memory) if sys.stderr.isatty() else LogSteps(memory=memory)


def show_progress(json_mode: bool, quiet: bool = False) -> bool:
    """Progress bars only on a terminal, never in --json mode."""
    return not json_mode and not quiet and sys.stderr.isatty()
