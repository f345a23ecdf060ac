"""Errors a user of the scoring module can cause; the CLI prints them as one line, exit 2."""

from __future__ import annotations

from kernel.params import InvalidParams


class ScoringError(Exception):
    """Missing or mismatched model weights, unreadable label files, bad devices, ….

    The message names what is wrong and how to fix it.  ``exit_code`` is what
    ``beautygraph`` exits with when it reaches the command line.
    """

    exit_code = 2


class InvalidScoringParams(ScoringError, InvalidParams):
    """A scoring parameter the scoring module cannot honour here (a CUDA device without a
    GPU, …): a :class:`ScoringError` whose message names parameters, so the command line can
    name its flags (:mod:`kernel.params`)."""
