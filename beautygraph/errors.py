"""Errors a user can cause; the CLI prints them as one line and exits 2."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or environment (bad file, unknown id, missing model).

    The message must name what is wrong and, where possible, how to fix it.
    """

    exit_code = 2
