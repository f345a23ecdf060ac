"""Parameters of the synthetic community generator (every planted quantity is a field).

Defaults mirror the statistics reported in Beautiful and damned (§3 Fig. 5, §6.1,
§6.2.3, §7 Table 2) and the design of ALF (Discovery of Topical Authorities in Instagram) (§3–4).
A :class:`GeneratorConfig` is a tree of dataclasses; :meth:`GeneratorConfig.from_toml`
reads the same tree from a TOML file (top-level keys plus one table per section).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
.. [2] A. Pal, A. Herdağdelen, S. Chatterji, S. Taank, D. Chakrabarti. "Discovery of
   Topical Authorities in Instagram." Proceedings of the 25th International Conference
   on World Wide Web (WWW 2016), Montréal. https://doi.org/10.1145/2872427.2883078
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class TalentParams:
    """User talent ~ Beta(a, b): bell-shaped, mean a/(a+b) ≈ 0.26, heavier right tail
    (beautiful-and-damned §5, Fig. 5 left: µ = 0.26, Gini 0.29)."""

    a: float = 2.7
    b: float = 7.7
    #: relative per-photo noise: photo beauty = clip(talent · LogNormal(-σ²/2, σ), 0.001, 1).
    #: Small, so that a +2 % planted effect is measurable at a few thousand users.
    photo_noise: float = 0.08


@dataclass
class GraphParams:
    """Follower graph (beautiful-and-damned §6.1; ALF §3.1)."""

    #: target mean out-degree (= mean in-degree) after reciprocity and closure (capped at
    #: (n_users - 1) / 3 for tiny communities).
    mean_degree: float = 20.0
    #: sigma of the log-normal out-degree propensity (heavy tail).
    out_sigma: float = 1.0
    #: sigma of the log-normal in-degree attractiveness (heavy tail).
    in_sigma: float = 1.3
    #: log-attractiveness slope on z-scored talent (Spearman(talent, indegree) ≈ 0.2).
    talent_in_slope: float = 0.70
    #: log-out-propensity slope on z-scored talent (Spearman(talent, outdegree) ≈ 0.2).
    talent_out_slope: float = 0.25
    #: bandwidth (in talent units) of the assortative kernel exp(-(t_i - t_j)^2 / 2h^2).
    assort_bandwidth: float = 0.22
    #: number of talent bins used to sample the assortative kernel.
    talent_bins: int = 40
    #: share of the edge budget drawn by interest (topic members and authorities).
    topical_share: float = 0.25
    #: share of topical edges that go to the topic's planted authorities.
    authority_share: float = 0.5
    #: share of the edge budget closing triangles (followee of a followee).
    closure_share: float = 0.2
    #: probability that a followed account follows back (reciprocity).
    reciprocity: float = 0.25
    #: share of a user's follows created in the week it joins (initial burst).
    join_burst: float = 0.3
    #: mean number of follows created per link-creation week (session) of a user.
    links_per_session: float = 2.0


@dataclass
class RolesParams:
    """Planted authorities, celebrities, tail accounts, superstars and forlorn beauties."""

    #: planted authorities per topic (at least 1, scaled down for tiny communities).
    authorities_per_topic: int = 5
    #: every authority gets at least this many followers interested in its topic.
    authority_min_followers: int = 25
    #: celebrities: followed by a share of all users regardless of interests (ALF FP2).
    celebrities: int = 8
    #: share of all users following each celebrity (uniform over interests).
    celebrity_reach: float = 0.08
    #: small accounts per topic followed only by a few users of that topic (ALF FP1).
    tail_per_topic: int = 3
    #: followers of a tail account (min, max), all interested in its topic.  ALF §4.3.3
    #: describes FP1 as "tail users with low authority scores" (low wzf, Eq. 8: few topical
    #: followers), removed by the per-bucket percentile thresholds of Eq. 9; 2-3 followers
    #: plant exactly that (with 3-8 the accounts reach mid wzf and the thresholds keep
    #: most of them: they are small genuine authorities, not the paper's false positive).
    tail_followers: tuple[int, int] = (2, 3)
    #: share of users that are superstars (high talent, high attention; Table 2: 8.6 %).
    superstar_share: float = 0.02
    #: share of users that are forlorn beauties (high talent, little attention; Table 2).
    forlorn_share: float = 0.12
    #: both groups are drawn from users whose talent is above this quantile.
    high_talent_quantile: float = 0.7
    #: attention multipliers (in-degree attractiveness and favourites).
    superstar_attention: float = 8.0
    forlorn_attention: float = 0.15
    #: multiplier on the forlorn users' weekly upload probability (Table 3 reports fewer
    #: photos; 1.0 keeps activity independent of the role so that naive comparisons of
    #: inactivity stay unconfounded).
    forlorn_activity: float = 1.0


@dataclass
class ActivityParams:
    """Weekly uploads: heavy-tailed photo counts (beautiful-and-damned Fig. 1)."""

    #: weekly upload probability per user ~ Beta(a, b).
    upload_a: float = 1.4
    upload_b: float = 3.6
    #: extra photos per active week ~ Poisson(lambda), lambda ~ LogNormal(mu, sigma).
    burst_mu: float = -2.4
    burst_sigma: float = 1.4
    #: share of users present at the start; the others join uniformly in the first
    #: ``join_span`` of the timeline.
    initial_share: float = 0.35
    join_span: float = 0.6
    #: natural weekly probability of entering a dormant spell (no uploads) and its mean length.
    dormancy_hazard: float = 0.02
    dormancy_mean_weeks: float = 4.0


@dataclass
class InfluenceParams:
    """Planted "beauty inspires beauty" (beautiful-and-damned §6.2.3, Fig. 9–10).

    When user i creates in week w links to k ≥ 1 accounts j with b̄_w(j) > b̄_w(i) (b̄_w:
    mean photo beauty over weeks < w), every photo i uploads in week w+1 is multiplied by
    (1 + e_i) with e_i = effect · g(k) · h(α) / mean_w(g · h), g(k) = (1 - r^min(k,3)) /
    (1 - r) (diminishing returns), h(α) = min(α, alpha_cap)^gap_exponent with α the mean
    relative gap b̄_w(j)/b̄_w(i) - 1 of those links; mean_w is over the week's treated users,
    so the mean planted effect over treated units is exactly ``effect``.
    """

    effect: float = 0.02
    returns_ratio: float = 0.5
    gap_exponent: float = 0.5
    alpha_cap: float = 2.0


@dataclass
class ChurnParams:
    """Planted "imbalance kills" (beautiful-and-damned §6.2.3, Fig. 11).

    δ_i(w) = (b̄_w(Γ_w(i)) - b̄_w(i)) / b̄_w(i) over i's followees at the start of week w
    (follows and photos of weeks < w).
    While δ ≥ ``threshold``, a user (a) uploads in week w+1 with probability q_i · (1 - r_i)
    instead of q_i, r_i = ``reduction`` · (q_i / mean q)^``activity_exponent`` — the short-run
    part — and (b) starts a dormant spell (no uploads from week w+1) with the natural weekly
    hazard times (1 + ``dormancy_increase``) — the long-run part, since long inactive runs
    are mostly dormant spells. Calibration (runs of 15k–40k users against the same-seed run
    without the plant, δ ≥ 0.3 vs |δ| ≤ ``control_band``): p_inact(treatment)/p_inact(control)
    ≈ 1.06 at n = 1 and ≈ 1.2–1.3 at n = 12 (Fig. 11: +5 % → +20 %). The long-run ratio
    varies from run to run (bootstrap sd ≈ 0.1 at 15k users, ≈ 0.08 at 40k): the weekly
    dynamics are chaotic, so two runs share random numbers only for a few weeks.
    """

    threshold: float = 0.3
    control_band: float = 0.1
    reduction: float = 0.065
    #: the reduction of user i is reduction · (q_i / mean q)^activity_exponent (capped at
    #: 0.9): > 0 concentrates it on frequent uploaders, which flattens the ratio curve.
    activity_exponent: float = 0.5
    #: relative increase of the natural weekly hazard of a dormant spell while imbalanced
    #: (long inactive runs are mostly dormant spells: this sets the ratio at large n).
    dormancy_increase: float = 0.2
    target_ratio_first: float = 1.05
    target_ratio_last: float = 1.20
    target_weeks: int = 12


@dataclass
class FavoriteParams:
    """Favourites: heavy-tailed, weakly tied to beauty (beautiful-and-damned §5, Fig. 5)."""

    #: mean favourites per photo.
    mean_per_photo: float = 0.4
    #: sigma of the photo-level log-normal virality.
    virality_sigma: float = 2.0
    #: exponent of the owner's follower count in the favourite rate.
    follower_exponent: float = 0.7
    #: log-rate slope on z-scored photo beauty (weak tie, Spearman ≈ 0.17 at user level).
    beauty_slope: float = 0.4
    #: share of favourites given by the owner's followers (the rest by anyone).
    from_followers: float = 0.7
    #: mean delay in days between upload and favourite.
    delay_days: float = 5.0


@dataclass
class TextParams:
    """Bios and tags (ALF §3.2, §4.1: short, noisy, self-described interests)."""

    #: number of interests per user: probabilities of 1, 2, 3, 4, 5.
    interest_counts: tuple[float, ...] = (0.3, 0.3, 0.2, 0.12, 0.08)
    #: Zipf exponent of topic popularity.
    topic_zipf: float = 0.8
    #: share of users with a non-empty bio.
    bio_share: float = 0.45
    #: per interest, probability that a bio mentions it.
    bio_mention: float = 0.6
    #: probability that a mention uses an alias instead of the name.
    bio_alias: float = 0.5
    #: probability of a one-character typo in a mention.
    bio_typo: float = 0.08
    #: mean number of topical / noise tags per photo.
    topical_tags: float = 1.8
    noise_tags: float = 1.5


@dataclass
class ImageParams:
    """``--images``: small JPEGs made from ``skimage.data`` photos, degraded by beauty."""

    size: int = 160
    quality: int = 90
    #: share of the ``image_sample`` budget spent on *profiled users*: every favourite
    #: photo of the most active favouriters (those with at least ``profile_min_photos``
    #: favourites, most active first) is rendered, so that their interest profiles from
    #: pictures rest on enough labelled photos (interests §3: about 200 per user); the
    #: rest of the budget is a uniform sample.  0 keeps the uniform sample only.
    profile_share: float = 0.0
    profile_min_photos: int = 30


@dataclass
class GeneratorConfig:
    """All parameters of :func:`beautygraph.generate.generate`.

    Parameters
    ----------
    n_users : number of users.
    seed : random seed; the same seed gives byte-identical files.
    weeks : length of the weekly timeline.
    start : first day (a Monday, ISO date).
    influence, churn : plant the two causal effects of §6.2.3 (False: no effect).
    null : the *null community*: photo beauty independent of the graph, of activity and of
        favourites — the follower graph is drawn from a seeded permutation of talent (same
        degree and assortativity mechanics, no tie to the user's own talent), favourites
        ignore beauty (``favorites.beauty_slope`` = 0), no superstars or forlorn beauties,
        no influence and no churn; everything else as usual.  Every network and matching
        finding must read as chance on it (see :meth:`effective`).
    images : render JPEGs (``image_sample`` of them when not None).
    """

    n_users: int = 5000
    seed: int = 0
    weeks: int = 104
    start: str = "2024-01-01"
    influence: bool = True
    churn: bool = True
    null: bool = False
    images: bool = False
    image_sample: int | None = None
    talent: TalentParams = field(default_factory=TalentParams)
    graph: GraphParams = field(default_factory=GraphParams)
    roles: RolesParams = field(default_factory=RolesParams)
    activity: ActivityParams = field(default_factory=ActivityParams)
    planted_influence: InfluenceParams = field(default_factory=InfluenceParams)
    planted_churn: ChurnParams = field(default_factory=ChurnParams)
    favorites: FavoriteParams = field(default_factory=FavoriteParams)
    text: TextParams = field(default_factory=TextParams)
    rendering: ImageParams = field(default_factory=ImageParams)

    def validate(self) -> GeneratorConfig:
        """Raise ``ValueError`` naming the offending value; return self."""
        if int(self.n_users) < 20:
            raise ValueError(f"n_users={self.n_users} must be >= 20")
        if int(self.weeks) < 2:
            raise ValueError(f"weeks={self.weeks} must be >= 2")
        try:
            day = _dt.date.fromisoformat(self.start)
        except ValueError as exc:
            raise ValueError(f"start={self.start!r} is not an ISO date") from exc
        if day.weekday() != 0:
            raise ValueError(f"start={self.start!r} must be a Monday")
        if not 0.0 <= self.rendering.profile_share <= 1.0:
            raise ValueError(
                f"rendering.profile_share={self.rendering.profile_share} not in [0, 1]"
            )
        if int(self.rendering.profile_min_photos) < 1:
            raise ValueError(
                f"rendering.profile_min_photos={self.rendering.profile_min_photos} must be >= 1"
            )
        if self.image_sample is not None and int(self.image_sample) < 0:
            raise ValueError(f"image_sample={self.image_sample} must be >= 0")
        if not 0.0 <= self.planted_influence.effect < 1.0:
            raise ValueError(
                f"planted_influence.effect={self.planted_influence.effect} not in [0, 1)"
            )
        if not 0.0 <= self.planted_churn.reduction < 1.0:
            raise ValueError(
                f"planted_churn.reduction={self.planted_churn.reduction} not in [0, 1)"
            )
        g = self.graph
        if g.mean_degree <= 0:
            raise ValueError(f"graph.mean_degree={g.mean_degree} must be > 0")
        shares = g.topical_share + g.closure_share
        if not 0.0 <= shares < 1.0:
            raise ValueError(f"graph.topical_share + graph.closure_share = {shares} must be < 1")
        lo, hi = (int(v) for v in self.roles.tail_followers)
        if not 1 <= lo <= hi:
            raise ValueError(
                f"roles.tail_followers={self.roles.tail_followers} must be (min, max) "
                "with 1 <= min <= max"
            )
        if len(self.text.interest_counts) != 5 or abs(sum(self.text.interest_counts) - 1) > 1e-6:
            raise ValueError(
                f"text.interest_counts={self.text.interest_counts} must be 5 probabilities"
            )
        return self

    def effective(self) -> GeneratorConfig:
        """The configuration actually simulated: with ``null`` the planted links between
        beauty and everything else are switched off (a copy; ``self`` is unchanged)."""
        if not self.null:
            return self
        return dataclasses.replace(
            self,
            influence=False,
            churn=False,
            roles=dataclasses.replace(self.roles, superstar_share=0.0, forlorn_share=0.0),
            favorites=dataclasses.replace(self.favorites, beauty_slope=0.0),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict of every parameter (tuples become lists)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GeneratorConfig:
        """Build from a nested dict; unknown keys raise ``ValueError``."""
        return _build(cls, data, "")

    @classmethod
    def from_toml(cls, path: str | Path, **overrides: Any) -> GeneratorConfig:
        """Read a TOML file: top-level keys (``n_users``, ``seed`` …) and one table per
        section (``[graph]``, ``[planted_influence]`` …). ``overrides`` (not None) win."""
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls.from_dict(data)


def _build(cls: type, data: dict[str, Any], prefix: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValueError(
            f"unknown generator parameter(s) {[prefix + k for k in unknown]}; known: {sorted(fields)}"
        )
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        f = fields[name]
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            if not isinstance(value, dict):
                raise ValueError(f"{prefix}{name} must be a table, got {value!r}")
            kwargs[name] = _build(type(default), value, f"{prefix}{name}.")
        elif isinstance(default, tuple):
            kwargs[name] = tuple(value)
        else:
            kwargs[name] = value
    return cls(**kwargs)
