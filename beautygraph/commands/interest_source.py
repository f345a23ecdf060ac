"""``--interest-source``: the one option naming the INTERESTED_IN sources that seed a
propagation, shared by ``authorities``, ``analyze authorities``, ``interests propagate``
and ``analyze propagation`` (one name, one default, one help text)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

__all__ = ["interest_source_option"]

_HELP = (
    "INTERESTED_IN sources that seed the propagation, comma-separated: bio, tags, images, "
    "declared (the authority commands also take propagated: the output of `interests "
    "propagate` plus every seed interest). Default: every source with interests in the "
    "store (bio also when users have a biography, for the authority commands); the "
    "sources used are printed."
)


def _split(ctx, param, value: str | None) -> tuple[str, ...] | None:
    """The comma-separated list as a tuple (None when not given); the pipeline checks the
    names."""
    if value is None:
        return None
    return tuple(v for v in value.split(",") if v.strip()) or None


def interest_source_option(fn: Callable) -> Callable:
    """Decorator adding ``--interest-source`` (and ``--source``, its hidden older
    spelling); the command receives ``sources``: a tuple of names, or None for every
    source present in the store."""

    @functools.wraps(fn)
    def wrapper(*args, sources, legacy_sources, **kwargs):
        if sources and legacy_sources and sources != legacy_sources:
            raise click.UsageError(
                "--source is the older spelling of --interest-source: give only one"
            )
        return fn(*args, sources=sources or legacy_sources, **kwargs)

    wrapper = click.option(
        "--source", "legacy_sources", default=None, hidden=True, callback=_split
    )(wrapper)
    return click.option(
        "--interest-source",
        "sources",
        default=None,
        metavar="SOURCES",
        callback=_split,
        help=_HELP,
    )(wrapper)
