"""Errors raised by the store layer; the CLI shows them as one line (exit 2)."""

from __future__ import annotations


class GraphDBError(Exception):
    """Base class of store errors a user can cause."""

    exit_code = 2


class ConnectionFailed(GraphDBError):
    """Server unreachable, wrong credentials, or the database file missing/locked."""


class ValidationFailed(GraphDBError):
    """Input files failed validation; nothing was written.

    ``problems`` is the full list of ``file:line: column: problem (value)`` strings.
    """

    def __init__(self, problems: list[str], shown: int = 20) -> None:
        self.problems = problems
        head = "\n".join(problems[:shown])
        more = f"\n… and {len(problems) - shown} more" if len(problems) > shown else ""
        super().__init__(
            f"{len(problems)} problem(s) in the input; the database was not changed:\n{head}{more}"
        )
