"""Errors a user can cause; the CLI prints them as one line and exits 2."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from kernel.params import InvalidParams, Problem, invalid


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


def refuse(problems: Sequence[Problem], family: str = "") -> None:
    """Raise a :class:`UserError` when ``problems`` is not empty, from the
    :class:`kernel.params.InvalidParams` that names each parameter and value: the command
    line finds it and spells the parameters as its own flags, any other caller reads the
    parameter names."""
    if problems:
        raise_problems(problems, family)


def raise_problems(problems: Sequence[Problem], family: str = "") -> NoReturn:
    """:func:`refuse`, for a caller that has found at least one problem."""
    err = InvalidParams(family, problems)
    raise UserError(str(err)) from err


def raise_invalid(family: str, name: str, value: Any, rule: str) -> NoReturn:
    """:func:`refuse` of one broken rule (arguments as :func:`kernel.params.invalid`)."""
    err = invalid(family, name, value, rule)
    raise UserError(str(err)) from err
