"""Favourites: heavy-tailed per photo and only weakly tied to beauty.

Beautiful and damned §5 (Fig. 5 right): favourites are far more unequal than beauty
(Gini 0.98 vs 0.29) and beauty is only weakly associated with favourites received
(ρ = .17, §6.1). The rate of photo p is

    λ_p = c · (followers(owner) + 1)^κ · attention(owner) · exp(β z(beauty_p)) · V_p,

with V_p log-normal virality and c fixing the mean; favourite counts are Poisson(λ_p).
Favouriters are mostly the owner's followers; favourites come a few days after the upload.

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
from beautygraph.generate.graph import Edges
from beautygraph.generate.population import Population
from beautygraph.generate.timeline import WEEK_S


@dataclass
class Favorites:
    """Favourites sorted by (time, user, photo); times in seconds after the start."""

    user: np.ndarray
    photo: np.ndarray
    t: np.ndarray

    def __len__(self) -> int:
        return int(self.user.shape[0])


def make_favorites(
    cfg: GeneratorConfig,
    pop: Population,
    edges: Edges,
    photo_owner: np.ndarray,
    photo_beauty: np.ndarray,
    photo_t: np.ndarray,
    user_join_t: np.ndarray,
    rng: np.random.Generator,
) -> Favorites:
    """Draw favourites for every photo (see module docstring)."""
    fp = cfg.favorites
    n = pop.n
    end_t = int(cfg.weeks) * WEEK_S
    if photo_owner.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Favorites(empty, empty, empty)
    indeg = np.bincount(edges.dst, minlength=n)
    owner_rate = (indeg + 1.0) ** fp.follower_exponent * pop.attention
    zb = (photo_beauty - photo_beauty.mean()) / max(photo_beauty.std(), 1e-9)
    rate = owner_rate[photo_owner] * np.exp(
        fp.beauty_slope * zb + fp.virality_sigma * rng.standard_normal(photo_owner.size)
    )
    rate *= fp.mean_per_photo * photo_owner.size / rate.sum()
    k = rng.poisson(rate)
    photo = np.repeat(np.arange(photo_owner.size), k)
    owner = photo_owner[photo]

    # favouriters: a follower of the owner, or anybody
    order = np.argsort(edges.dst, kind="stable")
    fol = edges.src[order]
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(indeg, out=ptr[1:])
    use_fol = (rng.random(photo.size) < fp.from_followers) & (indeg[owner] > 0)
    user = rng.integers(0, n, size=photo.size)
    pick = ptr[owner] + (rng.random(photo.size) * indeg[owner]).astype(np.int64)
    user = np.where(use_fol, fol[np.minimum(pick, fol.size - 1)], user)

    delay = rng.exponential(fp.delay_days * 86400.0, size=photo.size).astype(np.int64) + 60
    t = np.maximum(photo_t[photo] + delay, user_join_t[user] + 60)
    keep = (user != owner) & (t < end_t)
    user, photo, t = user[keep], photo[keep], t[keep]
    key = photo.astype(np.int64) * n + user
    _, first = np.unique(key, return_index=True)
    user, photo, t = user[first], photo[first], t[first]
    order = np.lexsort((photo, user, t))
    return Favorites(user=user[order], photo=photo[order], t=t[order])
