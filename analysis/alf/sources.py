"""Which ``INTERESTED_IN`` sources may seed ALF's propagation (ALF §4.1–4.2).

ALF infers interests from biographies (``bio``); the store may also hold interests from
tags and pictures (``tags``, ``images``) or from the input (``declared``).  Any non-empty
combination seeds ``S_c`` of Algorithm 1; ``propagated`` interests are ALF's own output and
never seed it.

>>> check_sources(["bio", " tags", "bio"])
('bio', 'tags')
>>> check_sources(["likes"])
Traceback (most recent call last):
...
ValueError: unknown interest sources ['likes']: an interest-source must be one of bio, tags, images, declared
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["SEED_SOURCES", "check_sources"]

#: sources an INTERESTED_IN relationship may have that can seed the propagation
SEED_SOURCES: tuple[str, ...] = ("bio", "tags", "images", "declared")


def check_sources(sources: Sequence[str]) -> tuple[str, ...]:
    """``sources`` stripped and de-duplicated (order kept); ``ValueError`` naming the
    offending values when one is unknown or none is given."""
    items = tuple(dict.fromkeys(str(s).strip() for s in sources if str(s).strip()))
    bad = [s for s in items if s not in SEED_SOURCES]
    if not items or bad:
        raise ValueError(
            f"unknown interest sources {bad or list(sources)}: an interest-source must be "
            f"one of {', '.join(SEED_SOURCES)}"
        )
    return items
