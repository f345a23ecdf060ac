"""The follower graph with a weekly ``created_at`` on every edge.

Mechanisms, all vectorised over edge stubs (Beautiful and damned §6.1; ALF §3.1, §4.3.3):

* **assortative preferential attachment** — a follower in talent bin x picks a target bin y
  with probability ∝ W_y · exp(-(c_x - c_y)² / 2h²) (W_y: the bin's total attractiveness),
  then a target inside the bin ∝ its attractiveness (log-normal, heavy tail, tilted by
  talent so that Spearman(talent, degree) ≈ 0.2);
* **topical** follows — to a planted authority of one of the follower's interests, or to
  another member of that topic (the ALF hypothesis: authorities' followers are enriched
  for the topic);
* **celebrities** followed by a random share of all users whatever their interests (FP2);
* **tail accounts** followed by a handful of users of their topic only (FP1);
* **triadic closure** (a followee of a followee) and **reciprocity** (follow-back).

Each user links in a few "sessions" (weeks); an edge is created in a session week of its
source, never before both ends have joined, closures after the two edges they close,
follow-backs after the original edge.

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
from beautygraph.generate.population import Population, topic_members


@dataclass
class Edges:
    """Directed follows sorted by (week, src, dst); no self-loops, no duplicates."""

    src: np.ndarray
    dst: np.ndarray
    week: np.ndarray
    kind: np.ndarray  # int8: see KINDS

    def __len__(self) -> int:
        return int(self.src.shape[0])


KINDS = ("assortative", "topical", "authority", "celebrity", "tail", "closure", "reciprocal")


def make_edges(
    cfg: GeneratorConfig, pop: Population, n_topics: int, rng: np.random.Generator
) -> Edges:
    """Draw the whole follower graph (see module docstring)."""
    g = cfg.graph
    n = pop.n
    weeks = int(cfg.weeks)
    z = (pop.talent - pop.talent.mean()) / pop.talent.std()

    attract = np.exp(g.in_sigma * rng.standard_normal(n) + g.talent_in_slope * z) * pop.attention
    tails_all = np.concatenate(pop.tails) if pop.tails else np.zeros(0, np.int64)
    attract[tails_all] = 0.0  # tail accounts only get their few topical followers
    attract[pop.celebrities] *= 0.2  # they get their followers through the celebrity mechanism
    out_prop = np.exp(g.out_sigma * rng.standard_normal(n) + g.talent_out_slope * z)
    out_prop /= out_prop.mean()

    mean_degree = min(g.mean_degree, (n - 1) / 3.0)
    celeb_reach = int(round(cfg.roles.celebrity_reach * n))
    e_celeb = celeb_reach * len(pop.celebrities)
    base_budget = max(0.0, mean_degree * n - e_celeb) / (1.0 + g.reciprocity * 0.9) * 1.22
    sessions_ptr, sessions_week = _sessions(
        pop, out_prop, mean_degree / g.links_per_session, weeks, rng
    )

    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, int]] = []

    # -- assortative preferential attachment
    m = rng.poisson(out_prop * base_budget * (1 - g.topical_share - g.closure_share) / n)
    src = np.repeat(np.arange(n), m)
    dst = _assortative_targets(src, pop.talent, attract, g.talent_bins, g.assort_bandwidth, rng)
    parts.append(
        (src, dst, _edge_weeks(src, dst, pop, sessions_ptr, sessions_week, g.join_burst, rng), 0)
    )

    # -- topical follows: authorities and other members of one of the follower's interests
    m = rng.poisson(out_prop * base_budget * g.topical_share / n)
    src = np.repeat(np.arange(n), m)
    pick = (rng.random(src.size) * pop.n_interests[src]).astype(np.int64)
    topic = pop.interests[src, pick]
    has_auth = np.array([len(a) > 0 for a in pop.authorities], dtype=bool)
    to_auth = (rng.random(src.size) < g.authority_share) & has_auth[
        topic
    ]  # tiny N: not every topic has one
    dst = np.empty(src.size, dtype=np.int64)
    auth_ptr, auth_users = _csr(pop.authorities)
    dst[to_auth] = _uniform_in_segments(auth_ptr, auth_users, topic[to_auth], rng)
    mem_ptr, mem_users = topic_members(pop, n_topics)
    dst[~to_auth] = _weighted_in_segments(
        mem_ptr, mem_users, attract[mem_users], topic[~to_auth], rng
    )
    kind = np.where(to_auth, 2, 1)
    wk = _edge_weeks(src, dst, pop, sessions_ptr, sessions_week, g.join_burst, rng)
    parts.append((src[to_auth], dst[to_auth], wk[to_auth], 2))
    parts.append((src[~to_auth], dst[~to_auth], wk[~to_auth], 1))
    del kind

    # -- every authority gets a minimum of topical followers (small topics too)
    need = cfg.roles.authority_min_followers
    got = np.bincount(dst[to_auth], minlength=n)
    for t, accounts in enumerate(pop.authorities):
        members = mem_users[mem_ptr[t] : mem_ptr[t + 1]]
        for a in accounts:
            k = int(need - got[a])
            cand = members[members != a]
            if k <= 0 or cand.size == 0:
                continue
            fol = np.sort(rng.choice(cand, size=min(k, cand.size), replace=False))
            aa = np.full(fol.size, a, dtype=np.int64)
            parts.append(
                (fol, aa, _edge_weeks(fol, aa, pop, sessions_ptr, sessions_week, 0.0, rng), 2)
            )

    # -- celebrities: followed by a random share of everybody (FP2 trap)
    for c in pop.celebrities:
        fol = rng.choice(n, size=min(celeb_reach, n - 1), replace=False)
        fol = np.sort(fol[fol != c])
        cc = np.full(fol.size, c, dtype=np.int64)
        parts.append((fol, cc, _edge_weeks(fol, cc, pop, sessions_ptr, sessions_week, 0.0, rng), 3))

    # -- tail accounts: a few followers, all interested in the topic (FP1 trap)
    lo, hi = cfg.roles.tail_followers
    for t, accounts in enumerate(pop.tails):
        members = mem_users[mem_ptr[t] : mem_ptr[t + 1]]
        for a in accounts:
            k = int(rng.integers(lo, hi + 1))
            cand = members[members != a]
            fol = np.sort(rng.choice(cand, size=min(k, cand.size), replace=False))
            aa = np.full(fol.size, a, dtype=np.int64)
            parts.append(
                (fol, aa, _edge_weeks(fol, aa, pop, sessions_ptr, sessions_week, 0.0, rng), 4)
            )

    src0 = np.concatenate([p[0] for p in parts])
    dst0 = np.concatenate([p[1] for p in parts])
    wk0 = np.concatenate([p[2] for p in parts])
    kind0 = np.concatenate([np.full(p[0].size, p[3], dtype=np.int8) for p in parts])
    src0, dst0, wk0, kind0 = _dedupe(src0, dst0, wk0, kind0, n)

    # -- triadic closure: a followee of a followee
    m = rng.poisson(out_prop * base_budget * g.closure_share / n)
    csrc = np.repeat(np.arange(n), m)
    order = np.lexsort((dst0, src0))
    s_sorted, d_sorted, w_sorted = src0[order], dst0[order], wk0[order]
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s_sorted, minlength=n), out=ptr[1:])
    deg = ptr[1:] - ptr[:-1]
    ok = deg[csrc] > 0
    csrc = csrc[ok]
    e1 = ptr[csrc] + (rng.random(csrc.size) * deg[csrc]).astype(np.int64)
    mid = d_sorted[e1]
    ok = deg[mid] > 0
    csrc, e1, mid = csrc[ok], e1[ok], mid[ok]
    e2 = ptr[mid] + (rng.random(mid.size) * deg[mid]).astype(np.int64)
    cdst = d_sorted[e2]
    keep_c = ~np.isin(cdst, tails_all)
    csrc, e1, e2, cdst = csrc[keep_c], e1[keep_c], e2[keep_c], cdst[keep_c]
    cwk = np.maximum(
        _edge_weeks(csrc, cdst, pop, sessions_ptr, sessions_week, 0.0, rng),
        np.maximum(w_sorted[e1], w_sorted[e2]),
    )

    # -- reciprocity: follow-back by regular accounts, a few weeks later at most
    no_back = np.zeros(n, dtype=bool)
    no_back[pop.celebrities] = True
    no_back[pop.superstars] = True
    no_back[np.concatenate(pop.authorities)] = True
    is_tail = np.zeros(n, dtype=bool)
    is_tail[tails_all] = True
    cand = ~no_back[dst0] & (kind0 != 3) & ~is_tail[src0]  # tail accounts stay small
    back = cand & (rng.random(src0.size) < g.reciprocity)
    rsrc, rdst = dst0[back], src0[back]
    rwk = np.minimum(wk0[back] + rng.geometric(0.6, size=rsrc.size) - 1, weeks - 1)

    src1 = np.concatenate([src0, csrc, rsrc])
    dst1 = np.concatenate([dst0, cdst, rdst])
    wk1 = np.concatenate([wk0, cwk, rwk])
    kind1 = np.concatenate([kind0, np.full(csrc.size, 5, np.int8), np.full(rsrc.size, 6, np.int8)])
    src1, dst1, wk1, kind1 = _dedupe(src1, dst1, wk1, kind1, n)
    order = np.lexsort((dst1, src1, wk1))
    return Edges(src=src1[order], dst=dst1[order], week=wk1[order], kind=kind1[order])


def _sessions(
    pop: Population,
    out_prop: np.ndarray,
    mean_sessions: float,
    weeks: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Per user a few link-creation weeks (``mean_sessions`` on average), after joining."""
    n = pop.n
    k = np.maximum(1, rng.poisson(out_prop * mean_sessions))
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(k, out=ptr[1:])
    owner = np.repeat(np.arange(n), k)
    lo = pop.join_week[owner]
    week = lo + (rng.random(owner.size) * (weeks - lo)).astype(np.int64)
    return ptr, week


def _edge_weeks(
    src: np.ndarray,
    dst: np.ndarray,
    pop: Population,
    ptr: np.ndarray,
    sweek: np.ndarray,
    burst: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Creation week: a session week of the source (or its join week for the initial burst),
    never before the target joined."""
    k = ptr[src + 1] - ptr[src]
    w = sweek[ptr[src] + (rng.random(src.size) * k).astype(np.int64)]
    if burst > 0:
        w = np.where(rng.random(src.size) < burst, pop.join_week[src], w)
    return np.maximum(w, pop.join_week[dst])


def _assortative_targets(
    src: np.ndarray,
    talent: np.ndarray,
    attract: np.ndarray,
    n_bins: int,
    bandwidth: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Target per stub: bin by the Gaussian talent kernel, then ∝ attractiveness in the bin."""
    edges_q = np.quantile(talent, np.linspace(0, 1, n_bins + 1))
    bins = np.clip(np.searchsorted(edges_q, talent, side="right") - 1, 0, n_bins - 1)
    centre = np.array(
        [talent[bins == b].mean() if np.any(bins == b) else 0.0 for b in range(n_bins)]
    )
    weight = np.bincount(bins, weights=attract, minlength=n_bins)
    kern = (
        np.exp(-((centre[:, None] - centre[None, :]) ** 2) / (2 * bandwidth**2)) * weight[None, :]
    )
    cdf = np.cumsum(kern, axis=1)
    cdf /= cdf[:, -1:]
    sb = bins[src]
    u = rng.random(src.size)
    tb = np.empty(src.size, dtype=np.int64)
    for b in range(n_bins):  # n_bins searches, each vectorised
        sel = sb == b
        tb[sel] = np.minimum(np.searchsorted(cdf[b], u[sel], side="right"), n_bins - 1)
    order = np.argsort(bins, kind="stable")
    ptr = np.zeros(n_bins + 1, dtype=np.int64)
    np.cumsum(np.bincount(bins, minlength=n_bins), out=ptr[1:])
    return _weighted_in_segments(ptr, order, attract[order], tb, rng)


def _csr(groups: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in groups], out=ptr[1:])
    users = np.concatenate(groups).astype(np.int64) if groups else np.zeros(0, np.int64)
    return ptr, users


def _check_segments(ptr: np.ndarray, seg: np.ndarray) -> None:
    """Raise ``ValueError`` when a query asks for an item of an empty (or unknown) segment
    (an item of the next segment, or an ``IndexError``, would follow otherwise)."""
    if seg.size == 0:
        return
    bad = (seg < 0) | (seg >= ptr.size - 1)
    if not bad.any():
        bad = ptr[seg + 1] <= ptr[seg]
    if bad.any():
        raise ValueError(
            f"segments {sorted(set(seg[bad].tolist()))[:10]} are empty or unknown "
            f"({ptr.size - 1} segments)"
        )


def _uniform_in_segments(
    ptr: np.ndarray, items: np.ndarray, seg: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One item per query segment ``seg``, uniform within the segment (never empty)."""
    _check_segments(ptr, seg)
    size = ptr[seg + 1] - ptr[seg]
    return items[ptr[seg] + (rng.random(seg.size) * size).astype(np.int64)]


def _weighted_in_segments(
    ptr: np.ndarray,
    items: np.ndarray,
    weights: np.ndarray,
    seg: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """One item per query segment ``seg``, ∝ ``weights`` within the segment (never empty)."""
    _check_segments(ptr, seg)
    cum = np.concatenate([[0.0], np.cumsum(weights)])
    lo, hi = cum[ptr[seg]], cum[ptr[seg + 1]]
    x = lo + rng.random(seg.size) * (hi - lo)
    pos = np.searchsorted(cum, x, side="right") - 1
    return items[np.clip(pos, ptr[seg], ptr[seg + 1] - 1)]


def _dedupe(
    src: np.ndarray, dst: np.ndarray, wk: np.ndarray, kind: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drop self-loops and repeated pairs (keeping the earliest, then first-listed edge)."""
    keep = src != dst
    src, dst, wk, kind = src[keep], dst[keep], wk[keep], kind[keep]
    key = src.astype(np.int64) * n + dst
    order = np.lexsort((np.arange(key.size), wk, key))
    key_s = key[order]
    first = np.ones(key_s.size, dtype=bool)
    first[1:] = key_s[1:] != key_s[:-1]
    idx = order[first]
    return src[idx], dst[idx], wk[idx], kind[idx]
