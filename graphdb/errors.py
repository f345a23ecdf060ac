"""Errors raised by the store layer; the CLI shows them as one line (exit 2)."""

from __future__ import annotations

from collections.abc import Sequence


class GraphDBError(Exception):
    """Base class of store errors a user can cause."""

    exit_code = 2


class ConnectionFailed(GraphDBError):
    """Server unreachable, wrong credentials, or the database file missing/locked."""


class ValidationFailed(GraphDBError):
    """Input files failed validation; nothing was written.

    ``problems`` is the full list of ``file:line: column: problem (value)`` strings.
    """

    def __init__(self, problems: list[str], shown: int = 20, hints: Sequence[str] = ()) -> None:
        self.problems = problems
        self.hints = list(hints)
        head = "\n".join(problems[:shown])
        more = f"\n… and {len(problems) - shown} more" if len(problems) > shown else ""
        tips = "".join(f"\nhint: {h}" for h in self.hints)
        super().__init__(
            f"{len(problems)} problem(s) in the input; the database was not changed:"
            f"\n{head}{more}{tips}"
        )

    def to_dict(self) -> dict:
        """The ``--json`` error object."""
        return {"error": "validation failed", "problems": self.problems, "hints": self.hints}


class LoadInterrupted(GraphDBError):
    """Ctrl-C during a load; the message says what (if anything) was written."""

    exit_code = 130


class InputWarning(UserWarning):
    """Something in the input folder was ignored (e.g. an extra file with --allow-extra)."""


class WriteRefused(GraphDBError):
    """A statement run read-only would write (``beautygraph query`` without ``--write``)."""
