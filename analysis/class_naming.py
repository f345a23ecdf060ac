"""Names for K-means user classes (Beautiful and damned §7, Table 2), and the test a class
must pass to keep its paper name.

:func:`name_clusters` names classes from their normalised centroids by a rule that
reproduces Table 2 for K = 4; :func:`naming_test` checks on a held-out half that each named
class differs from the other users in its defining features (:data:`DEFINING`) beyond
chance; :func:`final_names` keeps a paper name only where that test passed.

Example
-------
>>> import numpy as np
>>> name_clusters(np.array([[0.2, 0.0, 0.1], [0.45, 0.0, 0.1], [0.3, 0.0, 0.2],
...                         [0.45, 0.2, 0.4]]))
['Low quality', 'Forlorn beauty', 'Regular', 'Superstar']

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.gap import kmeans

__all__ = [
    "FEATURES",
    "CLASS_NAMES",
    "DEFINING",
    "NAMING_ALPHA",
    "NamingTest",
    "name_clusters",
    "naming_test",
    "final_names",
    "name_rank",
]

#: clustering variables, in column order (Table 2: beauty, fav/photo, connects)
FEATURES: tuple[str, str, str] = ("beauty", "fav_per_photo", "followers")
#: the paper's four class names (Table 2), in its order
CLASS_NAMES: tuple[str, str, str, str] = ("Low quality", "Forlorn beauty", "Regular", "Superstar")


def name_clusters(centroids: np.ndarray) -> list[str]:
    """Class names from normalised centroids (columns :data:`FEATURES`).

    Rule (it reproduces Table 2 for K = 4):

    1. *Superstar*: the centroid with the most attention (fav/photo + followers);
    2. for K >= 3, *Forlorn beauty*: of the rest, the highest beauty;
    3. for K >= 3, *Low quality*: of the rest, the lowest beauty;
    4. the others are *Regular* — numbered ``Regular 1``, ``Regular 2``… by increasing
       attention when there are several (K > 4).

    With K = 2 the classes are *Regular* and *Superstar*; with K = 1 *Regular*.
    """
    c = np.asarray(centroids, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != len(FEATURES) or c.shape[0] < 1:
        raise ValueError(f"centroids must have shape (K, {len(FEATURES)}), got {c.shape}")
    k = c.shape[0]
    names: list[str | None] = [None] * k
    attention = c[:, 1] + c[:, 2]
    rest = list(range(k))
    if k >= 2:
        star = max(rest, key=lambda i: (attention[i], c[i, 0], -i))
        names[star] = "Superstar"
        rest.remove(star)
    if k >= 3:
        forlorn = max(rest, key=lambda i: (c[i, 0], -attention[i], -i))
        names[forlorn] = "Forlorn beauty"
        rest.remove(forlorn)
        low = min(rest, key=lambda i: (c[i, 0], attention[i], i))
        names[low] = "Low quality"
        rest.remove(low)
    if len(rest) == 1:
        names[rest[0]] = "Regular"
    else:
        for j, i in enumerate(sorted(rest, key=lambda i: (attention[i], c[i, 0], i)), start=1):
            names[i] = f"Regular {j}"
    return [str(n) for n in names]


#: defining features of each tested name (Table 2): (feature, +1 higher / -1 lower, than
#: whom: "rest" = every other user, or a class name); attention = fav/photo + followers
DEFINING: dict[str, tuple[tuple[str, int, str], ...]] = {
    "Superstar": (("attention", +1, "rest"), ("beauty", +1, "rest")),
    "Forlorn beauty": (("beauty", +1, "rest"), ("attention", -1, "Superstar")),
    "Low quality": (("beauty", -1, "rest"),),
}
#: family-wise level of the naming tests (Bonferroni over every feature test)
NAMING_ALPHA = 0.01


@dataclass(frozen=True)
class NamingTest:
    """Which classes earned their paper name (:func:`naming_test`).

    Per class (aligned with the centroid order): ``paper_names`` from
    :func:`name_clusters`, ``p_value`` the largest Bonferroni-corrected one-sided
    Mann–Whitney p-value of its defining features on the held-out half (NaN: a name
    without defining features, i.e. Regular), ``effect`` the smallest of its
    common-language effect sizes (P(class member beats a non-member in the stated
    direction)), ``named`` (``p_value < NAMING_ALPHA``); ``n_tests`` the Bonferroni factor.
    """

    paper_names: list[str]
    effect: np.ndarray
    p_value: np.ndarray
    named: np.ndarray
    n_tests: int
    n_holdout: int

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "paper_name": self.paper_names,
                "effect": self.effect,
                "p_value": self.p_value,
                "named": self.named,
            }
        )


def naming_test(x: np.ndarray, k: int, seed: int = 0, n_init: int = 3) -> NamingTest:
    """Do the defining features (:data:`DEFINING`) of each class differ from the rest?

    Split-half, so that the clustering does not test itself: K-means with ``k`` clusters
    on a seeded random half of ``x`` (normalised features), names by :func:`name_clusters`,
    the other half assigned to the nearest centroid; on that held-out half each defining
    feature of each named class is compared with the other users by a one-sided
    Mann–Whitney U test, Bonferroni-corrected over all such tests, at level
    :data:`NAMING_ALPHA`.  Returned in the order of ``name_clusters`` on the half's fit.
    """
    from scipy import stats

    x = np.asarray(x, dtype=np.float64)
    if k < 2 or x.shape[0] < 4 * k:
        raise ValueError(f"naming needs k >= 2 and >= 4k users; k={k}, users={x.shape[0]}")
    rng = np.random.default_rng(seed)
    perm = rng.permutation(x.shape[0])
    fit, hold = x[perm[: x.shape[0] // 2]], x[perm[x.shape[0] // 2 :]]
    km = kmeans(fit, k, seed, n_init)
    names = name_clusters(km.cluster_centers_)
    d2 = ((hold[:, None, :] - km.cluster_centers_[None, :, :]) ** 2).sum(axis=2)
    lab = d2.argmin(axis=1)
    feats = {"beauty": hold[:, 0], "attention": hold[:, 1] + hold[:, 2]}
    n_tests = sum(len(DEFINING.get(n, {})) for n in names)
    p_out = np.full(k, np.nan)
    eff = np.full(k, np.nan)
    for c, name in enumerate(names):
        spec = DEFINING.get(name)
        if not spec:
            continue
        inside = lab == c
        ps, es = [], []
        for feat, sign, against in spec:
            if against == "rest":
                other = ~inside
            elif against in names:
                other = lab == names.index(against)
            else:
                other = np.zeros_like(inside)
            if inside.sum() < 2 or other.sum() < 2:
                ps.append(1.0)
                es.append(0.0)
                continue
            v = feats[feat]
            alt = "greater" if sign > 0 else "less"
            res = stats.mannwhitneyu(v[inside], v[other], alternative=alt)
            u_share = res.statistic / (inside.sum() * other.sum())
            ps.append(min(1.0, float(res.pvalue) * n_tests))
            es.append(float(u_share if sign > 0 else 1.0 - u_share))
        p_out[c], eff[c] = max(ps), min(es)
    named = np.array([bool(np.isfinite(v) and v < NAMING_ALPHA) for v in p_out])
    return NamingTest(names, eff, p_out, named, int(n_tests), int(hold.shape[0]))


def final_names(paper_names: Sequence[str], named: np.ndarray) -> list[str]:
    """Paper names where the naming test passed, "Regular…" where another class is named,
    ``class i`` (1-based position) otherwise."""
    any_named = bool(np.any(named))
    out = []
    for i, name in enumerate(paper_names):
        if named[i] or (name.startswith("Regular") and any_named):
            out.append(name)
        else:
            out.append(f"class {i + 1}")
    return out


def name_rank(name: str) -> tuple[int, int]:
    """Sort key that puts classes in the paper's order: Low quality, Forlorn beauty,
    Regular (numbered ones by number), Superstar."""
    if name == "Low quality":
        return (0, 0)
    if name == "Forlorn beauty":
        return (1, 0)
    if name.startswith("Regular"):
        suffix = name[len("Regular") :].strip()
        return (2, int(suffix) if suffix else 0)
    return (3, 0)  # Superstar
