"""The ``beautygraph`` command line: parses, delegates to pipelines, reports errors in one line."""

from __future__ import annotations

import importlib
import sys

import click

from beautygraph.clikit import main as _root

#: command modules in beautygraph/commands/ (each attaches its commands to the groups).
COMMAND_MODULES = [
    "store",
    "recommend",
    "analyze_network",
    "analyze_matching",
    "score",
    "generate",
    "authorities",
    "interests",
    "exchange",
]

for _name in COMMAND_MODULES:
    importlib.import_module(f"beautygraph.commands.{_name}")


def _user_errors() -> tuple[type[BaseException], ...]:
    from beautygraph.errors import UserError
    from graphdb.errors import GraphDBError

    errors: list[type[BaseException]] = [UserError, GraphDBError]
    try:
        from scoring.errors import ScoringError

        errors.append(ScoringError)
    except ImportError:  # scoring extra not installed
        pass
    return tuple(errors)


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become one line on stderr and exit code 2."""
    errors = _user_errors()
    try:
        _root.main(args=argv, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except errors as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


cli = _root  # for click.testing.CliRunner

if __name__ == "__main__":
    main()
