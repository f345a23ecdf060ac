"""Users: join weeks, talent, activity propensities, interests and planted roles.

Talent follows a Beta law, bell-shaped with mean ≈ 0.26 and a slightly heavier right tail
(Beautiful and damned §5, Fig. 5 left). Interests are 1–5 topics per user drawn by Zipf
popularity (Gumbel top-k, vectorised). Roles (ALF §4.3.3 FP1/FP2 traps, Beautiful and damned
§7 Table 2) are disjoint: celebrities, superstars, forlorn beauties, topical authorities,
tail accounts.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from beautygraph.generate.config import GeneratorConfig

NO_TOPIC = -1


@dataclass
class Population:
    """Per-user arrays (index i = user ``u{i+1}``) and role index lists."""

    talent: np.ndarray  # float64 (n,)
    join_week: np.ndarray  # int64 (n,)
    join_offset: np.ndarray  # int64 seconds after the join week's Monday 00:00
    upload_prob: np.ndarray  # weekly upload probability
    burst_rate: np.ndarray  # Poisson rate of extra photos per active week
    interests: np.ndarray  # int64 (n, 5), NO_TOPIC padded, first = primary
    n_interests: np.ndarray  # int64 (n,)
    attention: np.ndarray  # float64 multiplier on followers and favourites
    celebrities: np.ndarray
    superstars: np.ndarray
    forlorn: np.ndarray
    authorities: list[np.ndarray]  # per topic
    tails: list[np.ndarray]  # per topic
    topic_popularity: np.ndarray  # (T,) sums to 1

    @property
    def n(self) -> int:
        return int(self.talent.shape[0])


def make_population(cfg: GeneratorConfig, n_topics: int, rng: np.random.Generator) -> Population:
    """Draw every per-user quantity. Deterministic given ``rng``'s state."""
    n = int(cfg.n_users)
    weeks = int(cfg.weeks)
    act = cfg.activity
    talent = rng.beta(cfg.talent.a, cfg.talent.b, size=n)

    # staggered joining: a share present at the start, the rest uniform over join_span.
    late = rng.random(n) >= act.initial_share
    span = max(1, int(round(act.join_span * weeks)))
    join_week = np.where(late, rng.integers(0, span, size=n), 0).astype(np.int64)
    join_offset = rng.integers(0, 86400, size=n).astype(np.int64)  # within the first day

    upload_prob = rng.beta(act.upload_a, act.upload_b, size=n)
    burst_rate = np.exp(rng.normal(act.burst_mu, act.burst_sigma, size=n))

    pop_w = 1.0 / np.arange(1, n_topics + 1) ** cfg.text.topic_zipf
    pop_w /= pop_w.sum()
    counts = rng.choice(5, size=n, p=np.asarray(cfg.text.interest_counts)) + 1
    keys = np.log(pop_w)[None, :] + rng.gumbel(size=(n, n_topics))
    top = np.argsort(-keys, axis=1, kind="stable")[:, :5]
    interests = np.where(np.arange(5)[None, :] < counts[:, None], top, NO_TOPIC).astype(np.int64)

    roles = cfg.roles
    free = np.ones(n, dtype=bool)

    def take(pool: np.ndarray, k: int) -> np.ndarray:
        pool = pool[free[pool]]
        k = int(min(k, pool.size))
        chosen = np.sort(rng.choice(pool, size=k, replace=False)) if k > 0 else pool[:0]
        free[chosen] = False
        return chosen

    all_users = np.arange(n)
    n_celeb = int(min(roles.celebrities, max(1, n // 400)))
    celebrities = take(all_users, n_celeb)
    high = np.flatnonzero(talent >= np.quantile(talent, roles.high_talent_quantile))
    superstars = take(high, int(round(roles.superstar_share * n)))
    forlorn = take(high, int(round(roles.forlorn_share * n)))

    n_auth = int(max(1, min(roles.authorities_per_topic, n // (20 * n_topics) + 1)))
    n_tail = int(max(1, min(roles.tail_per_topic, n // (40 * n_topics) + 1)))
    # tiny communities: at most a quarter of the users are planted accounts, given to the
    # most popular topics first (the others get none)
    n_roled = int(min(n_topics, max(1, (n // 4) // (n_auth + n_tail))))
    authorities: list[np.ndarray] = []
    tails: list[np.ndarray] = []
    for t in range(n_topics):
        authorities.append(take(all_users, n_auth if t < n_roled else 0))
    for t in range(n_topics):
        tails.append(take(all_users, n_tail if t < n_roled else 0))
    for t in range(n_topics):
        for u in np.concatenate([authorities[t], tails[t]]):
            _make_primary(interests, counts, int(u), t)
    # planted accounts exist from the start (their activity is not special: roles never
    # confound the activity comparisons of the churn experiment)
    for group in (celebrities, *authorities):
        join_week[group] = 0

    attention = np.ones(n)
    attention[superstars] = roles.superstar_attention
    attention[forlorn] = roles.forlorn_attention
    # forlorn beauties post less (Table 3: lowest photo count, shorter time on platform)
    upload_prob[forlorn] *= roles.forlorn_activity

    return Population(
        talent=talent,
        join_week=join_week,
        join_offset=join_offset,
        upload_prob=upload_prob,
        burst_rate=burst_rate,
        interests=interests,
        n_interests=counts.astype(np.int64),
        attention=attention,
        celebrities=celebrities,
        superstars=superstars,
        forlorn=forlorn,
        authorities=authorities,
        tails=tails,
        topic_popularity=pop_w,
    )


def _make_primary(interests: np.ndarray, counts: np.ndarray, u: int, t: int) -> None:
    """Move topic ``t`` to the front of user ``u``'s interests (inserting it if absent)."""
    row = [int(x) for x in interests[u, : counts[u]] if x != t]
    row = [t, *row][: max(1, int(counts[u]))]
    counts[u] = len(row)
    interests[u, :] = NO_TOPIC
    interests[u, : len(row)] = row


def topic_members(pop: Population, n_topics: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR (indptr, users) of the users interested in each topic, users ascending."""
    rows, cols = np.nonzero(pop.interests != NO_TOPIC)
    topics = pop.interests[rows, cols]
    order = np.lexsort((rows, topics))
    users = rows[order].astype(np.int64)
    indptr = np.zeros(n_topics + 1, dtype=np.int64)
    np.cumsum(np.bincount(topics, minlength=n_topics), out=indptr[1:])
    return indptr, users
