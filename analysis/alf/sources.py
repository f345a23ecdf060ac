"""Which ``INTERESTED_IN`` sources may seed ALF's propagation (ALF §4.1–4.2).

ALF infers interests from biographies (``bio``); the store may also hold interests from
tags and pictures (``tags``, ``images``) or from the input (``declared``).  Any non-empty
combination seeds ``S_c`` of Algorithm 1.  ``propagated`` interests (written by
``interests propagate``) may seed the authority search, always together with the seed
interests they came from (``AUTHORITY_SOURCES``); they never seed a propagation.

>>> check_sources(["bio", " tags", "bio"])
('bio', 'tags')
>>> check_sources(["likes"])
Traceback (most recent call last):
...
ValueError: unknown interest sources ['likes']: an interest-source must be one of bio, tags, images, declared
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["AUTHORITY_SOURCES", "SEED_SOURCES", "check_sources"]

#: sources an INTERESTED_IN relationship may have that can seed the propagation
SEED_SOURCES: tuple[str, ...] = ("bio", "tags", "images", "declared")
#: what the authority search accepts: the seeds, or ``propagated`` — the output of
#: ``interests propagate`` together with every seed interest in the store
AUTHORITY_SOURCES: tuple[str, ...] = (*SEED_SOURCES, "propagated")


def check_sources(sources: Sequence[str], allowed: Sequence[str] = SEED_SOURCES) -> tuple[str, ...]:
    """``sources`` stripped and de-duplicated (order kept); ``ValueError`` naming the
    offending values when one is not in ``allowed`` or none is given."""
    items = tuple(dict.fromkeys(str(s).strip() for s in sources if str(s).strip()))
    bad = [s for s in items if s not in allowed]
    if not items or bad:
        raise ValueError(
            f"unknown interest sources {bad or list(sources)}: an interest-source must be "
            f"one of {', '.join(allowed)}"
        )
    return items
