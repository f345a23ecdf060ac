"""Errors a user can cause; the CLI prints them as one line and exits 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class UserError(Exception):
    """A problem with the user's input or environment (bad file, unknown id, missing model).

    The message must name what is wrong and, where possible, how to fix it.
    """

    exit_code = 2


@contextmanager
def user_errors(context: str = "") -> Iterator[None]:
    """The boundary between the analysis layer and the user: a ``ValueError`` raised inside
    (the checks of ``analysis/``, whose messages show the offending values) becomes a
    :class:`UserError`, prefixed with ``context`` when given."""
    try:
        yield
    except ValueError as exc:
        raise UserError(f"{context}: {exc}" if context else str(exc)) from exc
