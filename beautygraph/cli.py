"""The ``beautygraph`` command line: parses, delegates to pipelines, reports errors in one line."""

from __future__ import annotations

import importlib
import sys

import click

from beautygraph import strict_json
from beautygraph.clikit import main as _root

#: command modules in beautygraph/commands/ (each attaches its commands to the groups).
COMMAND_MODULES = [
    "store",
    "query",
    "recommend",
    "analyze_network",
    "analyze_matching",
    "score",
    "generate",
    "authorities",
    "interests",
    "propagation",
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


def _json_error(exc: BaseException, message: str, code: int) -> None:
    """Under ``--json``: the error as one JSON object on stdout (beside the stderr line)."""
    obj = {"error": message, "exit_code": code}
    to_dict = getattr(exc, "to_dict", None)
    if callable(to_dict):
        obj.update(to_dict())
        obj["message"] = message
    click.echo(strict_json.dumps(obj))


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become one line on stderr and exit code 2 (under
    ``--json`` also a JSON object ``{"error": …}`` on stdout)."""
    errors = _user_errors()
    args = list(sys.argv[1:] if argv is None else argv)
    json_mode = "--json" in args
    try:
        _root.main(args=args, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        if json_mode:
            _json_error(exc, exc.format_message(), exc.exit_code)
        sys.exit(exc.exit_code)
    except errors as exc:
        code = getattr(exc, "exit_code", 2)
        text = str(exc)
        click.echo(text if text.startswith("interrupted") else f"error: {text}", err=True)
        if json_mode:
            _json_error(exc, text, code)
        sys.exit(code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        if json_mode:
            _json_error(KeyboardInterrupt(), "interrupted", 130)
        sys.exit(130)


cli = _root  # for click.testing.CliRunner

if __name__ == "__main__":
    main()
