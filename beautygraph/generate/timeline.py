"""Weekly simulation of uploads, photo beauty, planted influence and planted churn.

One pass over the weeks, vectorised over users (Beautiful and damned §6.2.3):

* a present, non-dormant user uploads in week w with probability q_i, then 1 + Poisson(λ_i)
  photos (heavy-tailed counts); photo beauty = clip(talent · LogNormal(-σ²/2, σ), 0.001, 1);
* **influence** (Q4): with b̄_w the mean photo beauty over weeks < w (the state at the start
  of week w), a user who in week w created k ≥ 1 links to accounts with b̄_w(j) > b̄_w(i)
  has every photo of week w+1
  multiplied by (1 + e_i), e_i = effect · g(k) h(α) / mean(g h) over that week's treated
  users (see :class:`~beautygraph.generate.config.InfluenceParams`);
* **churn** (Q5): δ_i(w) = (b̄_w(Γ_w(i)) − b̄_w(i)) / b̄_w(i) over i's followees at the start
  of week w (follows and photos of weeks < w); users with δ ≥ threshold upload in week w+1
  with probability q_i (1 − reduction);
  natural dormant spells (no uploads) start with a small weekly hazard for everybody.

Random draws are made for all users every week (common random numbers), so runs with
``influence=False`` or ``churn=False`` differ from the default only where the plant acts.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from beautygraph.generate.config import GeneratorConfig
from beautygraph.generate.graph import Edges
from beautygraph.generate.population import Population
from kernel.steps import Step

WEEK_S = 7 * 86400


@dataclass
class Photos:
    """Photos sorted by (week, owner); ``boost`` is the planted multiplier minus 1."""

    owner: np.ndarray
    week: np.ndarray
    beauty: np.ndarray
    boost: np.ndarray

    def __len__(self) -> int:
        return int(self.owner.shape[0])


@dataclass
class TimelineStats:
    """What the plants did, for truth["params"]."""

    treated_units: int = 0
    treated_units_uploading_next: int = 0
    mean_effect_treated: float = 0.0
    mean_effect_treated_uploading_next: float = 0.0
    by_links: dict[str, float] = field(default_factory=dict)
    imbalanced_user_weeks: int = 0
    churn_skips: int = 0
    churn_spells: int = 0
    natural_spells: int = 0


def simulate(
    cfg: GeneratorConfig,
    pop: Population,
    edges: Edges,
    rng: np.random.Generator,
    step: Step | None = None,
) -> tuple[Photos, TimelineStats]:
    """Run the weekly timeline; ``step`` advances once per week when given."""
    n, weeks = pop.n, int(cfg.weeks)
    sigma = cfg.talent.photo_noise
    inf, ch, act = cfg.planted_influence, cfg.planted_churn, cfg.activity
    wptr = np.searchsorted(edges.week, np.arange(weeks + 1), side="left")
    reduction = np.minimum(
        ch.reduction * (pop.upload_prob / pop.upload_prob.mean()) ** ch.activity_exponent, 0.9
    )

    bsum = np.zeros(n)
    bcnt = np.zeros(n)
    dormant = np.zeros(n, dtype=np.int64)
    effect = np.zeros(n)
    hit = np.zeros(n, dtype=bool)  # imbalanced at the start of the previous week
    out_o, out_w, out_b, out_e = [], [], [], []
    st = TimelineStats()
    eff_sum = eff_next_sum = 0.0
    links_sum: dict[int, list[float]] = {1: [0.0, 0], 2: [0.0, 0], 3: [0.0, 0]}

    for w in range(weeks):
        u_up = rng.random(n)
        extra = rng.poisson(pop.burst_rate)
        u_dorm = rng.random(n)
        spell = rng.geometric(1.0 / max(act.dormancy_mean_weeks, 1.0), size=n)

        # -- the state at the start of week w: photos and follows of weeks < w
        has0 = bcnt > 0
        bbar0 = np.divide(bsum, bcnt, out=np.zeros(n), where=has0)

        # influence: links created in week w to accounts with higher b̄ (before w) boost
        # the photos of week w+1
        s, d = edges.src[wptr[w] : wptr[w + 1]], edges.dst[wptr[w] : wptr[w + 1]]
        higher = has0[s] & has0[d] & (bbar0[d] > bbar0[s])
        hs, hd = s[higher], d[higher]
        k = np.bincount(hs, minlength=n)
        gap = np.bincount(hs, weights=bbar0[hd] / bbar0[hs] - 1.0, minlength=n)
        treated = k > 0
        effect_next = np.zeros(n)
        if np.any(treated):
            kk = np.minimum(k[treated], 3)
            r = inf.returns_ratio
            gk = (1 - r**kk) / (1 - r)
            alpha = np.minimum(gap[treated] / k[treated], inf.alpha_cap)
            gh = gk * np.maximum(alpha, 1e-6) ** inf.gap_exponent
            e = (inf.effect if cfg.influence else 0.0) * gh / gh.mean()
            effect_next[treated] = e
            st.treated_units += int(treated.sum())
            eff_sum += float(e.sum())
            for j in (1, 2, 3):
                sel = kk == j
                links_sum[j][0] += float(e[sel].sum())
                links_sum[j][1] += int(sel.sum())

        # churn: imbalance of the followees (follows of weeks < w) at the start of week w
        # lowers the upload probability of week w+1
        ps, pd = edges.src[: wptr[w]], edges.dst[: wptr[w]]
        nb_sum = np.bincount(ps, weights=bbar0[pd], minlength=n)
        nb_cnt = np.bincount(ps, weights=has0[pd].astype(np.float64), minlength=n)
        ok = has0 & (nb_cnt > 0)
        delta = np.full(n, np.nan)
        delta[ok] = (nb_sum[ok] / nb_cnt[ok] - bbar0[ok]) / bbar0[ok]
        imbalanced = ok & (delta >= ch.threshold)

        # -- uploads of week w (effect and hit were set at the start of week w-1)
        present = pop.join_week <= w
        st.imbalanced_user_weeks += int(np.count_nonzero(imbalanced & present))
        q = pop.upload_prob * np.where(hit, 1.0 - reduction, 1.0) if cfg.churn else pop.upload_prob
        up = present & (dormant == 0) & (u_up < q)
        if cfg.churn:
            st.churn_skips += int(
                np.count_nonzero(
                    present & (dormant == 0) & hit & (u_up >= q) & (u_up < pop.upload_prob)
                )
            )
        counts = np.where(up, 1 + extra, 0)
        owners = np.repeat(np.arange(n), counts)
        noise = rng.standard_normal(owners.size)
        beauty = np.clip(pop.talent[owners] * np.exp(sigma * noise - sigma**2 / 2), 0.001, 1.0)
        boost = effect[owners] if cfg.influence else np.zeros(owners.size)
        if cfg.influence:
            # bookkeeping of the realised plant over treated units that upload now
            treated_prev = effect > 0
            st.treated_units_uploading_next += int(np.count_nonzero(treated_prev & up))
            eff_next_sum += float(effect[treated_prev & up].sum())
            beauty = np.minimum(beauty * (1.0 + boost), 1.0)
        out_o.append(owners)
        out_w.append(np.full(owners.size, w, dtype=np.int64))
        out_b.append(beauty)
        out_e.append(boost)
        bsum += np.bincount(owners, weights=beauty, minlength=n)
        bcnt += counts

        effect = effect_next
        hit = imbalanced
        dormant = np.maximum(dormant - 1, 0)
        hazard = (
            act.dormancy_hazard * (1.0 + ch.dormancy_increase * hit)
            if cfg.churn
            else act.dormancy_hazard
        )
        natural = present & (dormant == 0) & (u_dorm < hazard)
        if cfg.churn:
            st.churn_spells += int(np.count_nonzero(natural & (u_dorm >= act.dormancy_hazard)))
        dormant[natural] = spell[natural]
        st.natural_spells += int(np.count_nonzero(natural & (u_dorm < act.dormancy_hazard)))
        if step is not None:
            step.advance()

    if st.treated_units:
        st.mean_effect_treated = eff_sum / st.treated_units
    if st.treated_units_uploading_next:
        st.mean_effect_treated_uploading_next = eff_next_sum / st.treated_units_uploading_next
    st.by_links = {str(j): (v[0] / v[1] if v[1] else 0.0) for j, v in links_sum.items()}
    return Photos(
        owner=np.concatenate(out_o),
        week=np.concatenate(out_w),
        beauty=np.concatenate(out_b),
        boost=np.concatenate(out_e),
    ), st
