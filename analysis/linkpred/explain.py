"""Why the learned ranker recommends an account, in plain words, from the pair's features.

Each reason is read off one feature of the pair (:mod:`analysis.linkpred.candidates`), so
every number it quotes is a count in the graph the ranker saw: ``cn`` is the number of
people the user follows who follow the candidate, ``v_in`` the candidate's followers.
The reasons come in a fixed order of strength — shared follows, following back, authority
in one of the user's topics, shared interests, nearness in the graph, popularity, beauty —
and the first two that apply are kept; a pair with none is "popular with people like you".
The authority reason names the topic the candidate is an authority on (ALF's one topic per
authority, :mod:`analysis.linkpred.interests`), which the caller knows and the features do
not.

>>> explain({"cn": 12, "follows_back": 1, "v_in": 300})
'12 of the people you follow follow them; they follow you'
>>> explain({"cn": 12, "authority": 0.8}, topic="landscapes")
'12 of the people you follow follow them; authority on landscapes'
>>> explain({"cn": 0, "ppr_rank": 2, "v_in": 40, "topic_overlap": 0.5})
'shares your interests; among the 3 accounts closest to you in the network'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

__all__ = ["PROMOTED", "explain", "reasons"]


def _shared(f: Mapping[str, float], topic: str | None) -> str | None:
    n = int(f.get("cn", 0))
    if n <= 0:
        return None
    return f"{n} of the people you follow follow{'s' if n == 1 else ''} them"


def _back(f: Mapping[str, float], topic: str | None) -> str | None:
    return "they follow you" if f.get("follows_back", 0) > 0 else None


def _authority(f: Mapping[str, float], topic: str | None) -> str | None:
    """The candidate is an authority on a topic of the user's interests (``authority``
    is its score in her topics, 0 when it is none)."""
    if f.get("authority", 0) <= 0:
        return None
    return f"authority on {topic}" if topic else "an authority on one of your interests"


def _interests(f: Mapping[str, float], topic: str | None) -> str | None:
    return "shares your interests" if f.get("topic_overlap", 0) >= 0.3 else None


def _near(f: Mapping[str, float], topic: str | None) -> str | None:
    rank = f.get("ppr_rank")
    if rank is None or rank > 3:
        return None
    return "among the 3 accounts closest to you in the network"


def _popular(f: Mapping[str, float], topic: str | None) -> str | None:
    n = int(f.get("v_in", 0))
    return f"followed by {n:,} people" if n >= 100 else None


def _beauty(f: Mapping[str, float], topic: str | None) -> str | None:
    gap = f.get("beauty_gap", -1)
    return "their photos' beauty is close to yours" if 0 <= gap <= 0.05 else None


#: the reasons, strongest first
REASONS: tuple[Callable[[Mapping[str, float], str | None], str | None], ...] = (
    _shared,
    _back,
    _authority,
    _interests,
    _near,
    _popular,
    _beauty,
)


def reasons(features: Mapping[str, float], topic: str | None = None) -> list[str]:
    """Every reason that applies to a pair, strongest first; ``topic`` names the topic the
    candidate is an authority on (None: unnamed)."""
    return [r for r in (rule(features, topic) for rule in REASONS) if r]


#: said first of an account in a slot the beauty balance gives to forlorn beauties
PROMOTED = "a forlorn beauty (beautiful photos, few followers) given a slot by the beauty balance"


def explain(
    features: Mapping[str, float],
    most: int = 2,
    promoted: bool = False,
    topic: str | None = None,
) -> str:
    """The ``most`` strongest reasons, joined (module docstring); an account ``promoted``
    into a slot of the beauty balance (:mod:`analysis.linkpred.balance`) says so first;
    ``topic`` is the name of the topic the candidate is an authority on.

    >>> explain({"cn": 2}, promoted=True).split("; ")[1]
    '2 of the people you follow follow them'
    """
    found = reasons(features, topic)[:most]
    if promoted:
        return "; ".join([PROMOTED, *found])
    return "; ".join(found) if found else "popular with people like you"
