"""Generated follower graphs with planted interests, for measuring propagation at any size.

A degree-corrected planted-partition model (the stochastic block model of Holland, Laskey &
Leinhardt, "Stochastic Blockmodels: First Steps", Social Networks 5, 1983, with the degree
correction of Karrer & Newman, "Stochastic blockmodels and community structure in
networks", Phys. Rev. E 83, 016107, 2011):

* every user has one interest drawn from ``topics`` topics whose sizes fall as a power law
  (topic ``t`` has weight ``(t + 1)^-topic_skew``), and with probability ``second`` a
  second, different one;
* her number of follows is heavy-tailed (a Pareto draw of exponent ``degree_exponent``,
  rescaled to ``follows / users`` on average) and so is her popularity (the chance of being
  followed, an independent Pareto draw of the same exponent);
* each follow picks, with probability ``homophily``, one of her topics and then a user
  holding that topic, and otherwise any user, the target in both cases drawn in proportion to
  popularity.  Self-follows and repeats are dropped, so a graph has slightly fewer follows
  than asked for.

Everything is vectorised (one draw per follow, a ``searchsorted`` on cumulative
popularity), so a million users and ten million follows take about a minute and O(follows)
memory.

Example
-------
>>> g = planted_graph(2000, 20000, 5, seed=1)
>>> g.n_users, g.truth.shape, g.truth.any(axis=1).all()
(2000, (2000, 5), np.True_)
>>> 15000 < len(g.src) <= 20000      # repeats and self-follows dropped
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PlantedGraph", "planted_graph"]


@dataclass(frozen=True)
class PlantedGraph:
    """Follows ``src[i] -> dst[i]`` over users ``0..n_users-1`` and the planted interests
    ``truth`` (users × topics, bool)."""

    src: np.ndarray
    dst: np.ndarray
    truth: np.ndarray
    n_users: int


def _pareto(rng: np.random.Generator, n: int, exponent: float, mean: float) -> np.ndarray:
    """Heavy-tailed positive weights (``P(x > k) ~ k^-(exponent-1)``) with the given mean."""
    x = rng.pareto(exponent - 1.0, n) + 1.0
    return x * (mean / x.mean())


def _interests(
    rng: np.random.Generator, n: int, topics: int, skew: float, second: float
) -> np.ndarray:
    weight = (np.arange(topics) + 1.0) ** -skew
    weight /= weight.sum()
    first = rng.choice(topics, n, p=weight)
    other = rng.choice(topics, n, p=weight)
    has_second = (rng.random(n) < second) & (other != first)
    truth = np.zeros((n, topics), dtype=bool)
    truth[np.arange(n), first] = True
    truth[np.flatnonzero(has_second), other[has_second]] = True
    return truth


def _draw_targets(
    rng: np.random.Generator, cum: np.ndarray, start: np.ndarray, width: np.ndarray
) -> np.ndarray:
    """Indices into ``cum`` (cumulative weights): one draw in each interval
    ``[start[i], start[i] + width[i])`` of the cumulative scale."""
    r = start + rng.random(len(start)) * width
    return np.minimum(np.searchsorted(cum, r, side="right"), len(cum) - 1)


def planted_graph(
    users: int,
    follows: int,
    topics: int = 50,
    *,
    homophily: float = 0.6,
    second: float = 0.3,
    topic_skew: float = 0.5,
    degree_exponent: float = 2.5,
    seed: int = 0,
) -> PlantedGraph:
    """A degree-corrected planted-partition follower graph (module docstring)."""
    if users < 2 or follows < 1 or topics < 1:
        raise ValueError(f"need users={users} >= 2, follows={follows} >= 1, topics={topics} >= 1")
    if not (0 <= homophily <= 1 and 0 <= second <= 1):
        raise ValueError(f"homophily={homophily} and second={second} must be in [0, 1]")
    if not degree_exponent > 2:
        raise ValueError(f"degree_exponent={degree_exponent} must be > 2 (a finite mean)")
    rng = np.random.default_rng(seed)
    truth = _interests(rng, users, topics, topic_skew, second)
    out_deg = _pareto(rng, users, degree_exponent, follows / users)
    popularity = _pareto(rng, users, degree_exponent, 1.0)
    src = np.repeat(np.arange(users), rng.poisson(out_deg))[:follows]
    n = len(src)
    # the (user, topic) memberships, sorted by topic: a follow within topic t draws from
    # the slice of the cumulative popularity that belongs to t
    member_user, member_topic = np.nonzero(truth.T)[1], np.nonzero(truth.T)[0]
    member_cum = np.cumsum(popularity[member_user])
    topic_end = member_cum[np.searchsorted(member_topic, np.arange(topics), side="right") - 1]
    topic_start = np.concatenate([[0.0], topic_end[:-1]])
    k_user = truth.sum(axis=1)
    pick = (rng.random(n) * k_user[src]).astype(np.int64)
    # the pick-th topic of each follower: rank of each (user, topic) pair within its user
    user_major = np.nonzero(truth)
    first_pos = np.concatenate([[0], np.cumsum(k_user)[:-1]])
    topic_of = user_major[1][first_pos[src] + pick]
    within = rng.random(n) < homophily
    dst = np.empty(n, dtype=np.int64)
    idx = np.flatnonzero(within)
    t = topic_of[idx]
    dst[idx] = member_user[
        _draw_targets(rng, member_cum, topic_start[t], topic_end[t] - topic_start[t])
    ]
    idx = np.flatnonzero(~within)
    pop_cum = np.cumsum(popularity)
    dst[idx] = _draw_targets(rng, pop_cum, np.zeros(len(idx)), np.full(len(idx), pop_cum[-1]))
    keep = src != dst
    key = np.unique(src[keep].astype(np.int64) * users + dst[keep])
    return PlantedGraph(
        src=(key // users).astype(np.int64),
        dst=(key % users).astype(np.int64),
        truth=truth,
        n_users=users,
    )
