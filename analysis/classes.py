"""User classes by quality, popularity and connectivity (Beautiful and damned, §7,
Tables 2–3).

The paper clusters photographers on three variables — content quality (average beauty
of the user's photos), popularity (average favourites per photo) and connectivity
(number of followers) — after log-transforming them and normalising each to [0, 1].
K-means is run for K = 2..10 and K = 4 is chosen by the gap statistic (Tibshirani,
Walther & Hastie 2001).  The four classes are *Low quality* (41.2 % of users), *Forlorn
beauty* (28.1 %; the highest beauty but little attention), *Regular* (22.1 %) and
*Superstar* (8.6 %; many favourites and followers).  Table 3 adds the average photo count
and time on platform (weeks with at least one upload) per class.

Choices where the paper is silent:

* the log transform is ``log(1 + x)`` because favourites and followers are often zero;
* the gap statistic draws its reference sets uniformly over the bounding box of the
  normalised data (Tibshirani's option (a)), with ``n_refs`` references, optionally on a
  seeded random sample of users (``gap_sample``) to bound its cost; K is the smallest k with
  ``Gap(k) >= Gap(k+1) - s(k+1)``, and the largest candidate if no k qualifies
  (:func:`gap_rule`);
* **no structure where there is none**: the uniform box is a poor null for skewed data (it
  finds "clusters" in any heavy-tailed cloud, e.g. K = 3 on a community whose beauty is
  independent of everything).  So K = 1 is tested first, by the same gap rule on K ∈ {1, 2}
  with a *null reference*: the data with beauty permuted over users (the attention
  variables and their joint law kept; the null of "beauty is unrelated to attention").
  :math:`W_1` is invariant under that permutation, so Gap(1) = 0 and K = 1 is chosen
  unless Gap(2) > s(2), i.e. two clusters fit the data better than they fit beauty-shuffled
  copies of it by more than one standard error.  Only then is K chosen by the paper's
  gap statistic over K = 2..10;
* names come from the centroids (:func:`name_clusters`), and a class keeps its paper name
  only if its defining features (:data:`DEFINING`: Superstar — more attention and more
  beauty than the other users; Forlorn beauty — more beauty than the other users, less
  attention than the Superstars; Low quality — less beauty) differ from the other users' in that direction beyond chance
  (:func:`naming_test`: split-half, one-sided Mann–Whitney U on the held-out half,
  Bonferroni over all feature tests, family-wise level 0.01).  Unnamed classes are
  numbered ("class 2"); "Regular" classes keep the name only when another class is named.

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

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.beauty import check_index_array

__all__ = [
    "FEATURES",
    "CLASS_NAMES",
    "GapCurve",
    "UserClasses",
    "normalize_features",
    "gap_statistic",
    "gap_rule",
    "name_clusters",
    "naming_test",
    "active_weeks",
    "user_classes",
]

#: clustering variables, in column order (Table 2: beauty, fav/photo, connects)
FEATURES: tuple[str, str, str] = ("beauty", "fav_per_photo", "followers")
#: the paper's four class names (Table 2), in its order
CLASS_NAMES: tuple[str, str, str, str] = ("Low quality", "Forlorn beauty", "Regular", "Superstar")

_WEEK = 604_800
#: seconds from the Monday 1969-12-29 00:00 UTC to the epoch: weeks counted from it are
#: Monday-aligned, so distinct-week counts equal those of ``analysis.weekly.week_index``
_MONDAY_OFFSET = 3 * 86_400
_INT64_MIN = np.iinfo(np.int64).min


@dataclass(frozen=True)
class GapCurve:
    """The gap statistic per candidate K: ``gap[k] = E*[log W_k] - log W_k``, ``s`` its
    standard error (``sd * sqrt(1 + 1/B)``), and the chosen ``k``."""

    ks: np.ndarray
    gap: np.ndarray
    s: np.ndarray
    log_w: np.ndarray
    log_w_ref: np.ndarray
    k: int
    rule_met: bool

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "k": self.ks,
                "gap": self.gap,
                "s": self.s,
                "log_w": self.log_w,
                "log_w_ref": self.log_w_ref,
            }
        )


@dataclass(frozen=True)
class UserClasses:
    """K-means user classes (Tables 2 and 3).

    ``structure`` is the K = 1 test (gap rule on K ∈ {1, 2} against beauty-permuted
    references; ``None`` when K was fixed), ``gap`` the paper's gap curve over K ≥ 2
    (``None`` when K = 1 won or K was fixed), ``naming`` the per-class naming test.
    ``labels`` has one entry per user (``-1`` for users not clustered: no beauty);
    cluster ``c`` has name ``names[c]`` and normalised centroid ``centroids[c]`` (columns
    :data:`FEATURES`).  Clusters are numbered in the paper's order (Low quality, Forlorn
    beauty, Regular…, Superstar).  The ``mean_*`` arrays are per-class averages of the raw
    (untransformed) values; ``mean_photos`` / ``mean_weeks`` are Table 3.
    """

    k: int
    labels: np.ndarray
    names: list[str]
    centroids: np.ndarray
    n_users: np.ndarray
    share: np.ndarray
    mean_beauty: np.ndarray
    mean_fav_per_photo: np.ndarray
    mean_followers: np.ndarray
    mean_photos: np.ndarray
    mean_weeks: np.ndarray
    gap: GapCurve | None
    lower: np.ndarray
    upper: np.ndarray
    seed: int
    structure: GapCurve | None = None
    naming: NamingTest | None = None

    @property
    def named(self) -> list[str]:
        """The paper names that passed the naming test (in class order)."""
        return [n for n in self.names if not n.startswith("class ")]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "cluster": np.arange(self.k),
                "name": self.names,
                "share": self.share,
                "n_users": self.n_users,
                "beauty": self.centroids[:, 0],
                "fav_per_photo": self.centroids[:, 1],
                "followers": self.centroids[:, 2],
                "mean_beauty": self.mean_beauty,
                "mean_fav_per_photo": self.mean_fav_per_photo,
                "mean_followers": self.mean_followers,
                "photo_count": self.mean_photos,
                "weeks_with_uploads": self.mean_weeks,
            }
        )

    def name_of(self, user_labels: np.ndarray) -> np.ndarray:
        """Class name per user (``None`` where the label is -1)."""
        lab = np.asarray(user_labels)
        names = np.array(list(self.names) + [None], dtype=object)
        return names[np.where(lab < 0, self.k, lab)]

    def index_of(self, name: str) -> int:
        """Cluster number of a class name; ``ValueError`` if no class has it."""
        if name not in self.names:
            raise ValueError(f"no class named {name!r}; classes: {self.names}")
        return self.names.index(name)


def normalize_features(
    beauty, fav_per_photo, followers
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``log(1 + x)`` of each variable, then min–max scaled to [0, 1] (§7).

    Returns ``(X, lower, upper)`` with ``lower``/``upper`` the per-column log-scale bounds
    (a constant column maps to 0).  All inputs must be finite and non-negative.
    """
    cols = []
    for name, values in zip(FEATURES, (beauty, fav_per_photo, followers), strict=True):
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} has {int((~np.isfinite(arr)).sum())} non-finite values")
        if arr.size and arr.min() < 0:
            raise ValueError(f"{name} must be non-negative; min={arr.min()}")
        cols.append(np.log1p(arr))
    lengths = {c.shape[0] for c in cols}
    if len(lengths) != 1:
        raise ValueError(f"feature lengths differ: {[c.shape[0] for c in cols]}")
    x = np.column_stack(cols)
    if x.shape[0] == 0:
        raise ValueError("no users to cluster")
    lower = x.min(axis=0)
    upper = x.max(axis=0)
    span = np.where(upper > lower, upper - lower, 1.0)
    return (x - lower) / span, lower, upper


def _kmeans(x: np.ndarray, k: int, seed: int, n_init: int):
    """K-means on one thread: the data are 3-D, and OpenMP threads on a shared machine
    were measured up to 20x slower than one thread (oversubscription)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), threadpool_limits(limits=1):
        # duplicate points can leave fewer distinct clusters than k: not an error here
        warnings.simplefilter("ignore")
        return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x)


def gap_rule(ks, gap, s) -> tuple[int, bool]:
    """Tibshirani's rule: the smallest k with :math:`Gap(k) \\ge Gap(k') - s_{k'}`, k' the
    next candidate; ``(largest k, False)`` when no k qualifies.

    >>> gap_rule([1, 2, 3], [0.0, 0.05, 0.06], [0.0, 0.1, 0.01])
    (1, True)
    """
    ks = np.asarray(ks, dtype=np.int64)
    gap = np.asarray(gap, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    if not (ks.shape == gap.shape == s.shape) or ks.ndim != 1 or ks.size == 0:
        raise ValueError(f"ks, gap and s must be 1-D of equal length: {ks}, {gap}, {s}")
    for i in range(ks.size - 1):
        if gap[i] >= gap[i + 1] - s[i + 1]:
            return int(ks[i]), True
    return int(ks[-1]), False


def _references(
    x: np.ndarray, n_refs: int, reference: str, rng: np.random.Generator
) -> list[np.ndarray]:
    if reference == "uniform":
        lo, hi = x.min(axis=0), x.max(axis=0)
        return [rng.uniform(lo, hi, size=x.shape) for _ in range(n_refs)]
    if reference == "permute_beauty":
        refs = []
        for _ in range(n_refs):
            r = x.copy()
            r[:, 0] = x[rng.permutation(x.shape[0]), 0]
            refs.append(r)
        return refs
    raise ValueError(f"reference={reference!r} must be 'uniform' or 'permute_beauty'")


def gap_statistic(
    x: np.ndarray,
    ks: Sequence[int] = range(2, 11),
    n_refs: int = 10,
    seed: int = 0,
    n_init: int = 3,
    reference: str = "uniform",
) -> GapCurve:
    """Gap statistic (Tibshirani, Walther & Hastie, "Estimating the number of clusters in a
    data set via the gap statistic", J. R. Stat. Soc. B 63(2), 2001) of K-means on ``x``
    for each K in ``ks`` (K = 1 allowed).

    :math:`W_k` is the pooled within-cluster sum of squares (K-means inertia).  The
    reference sets are uniform over the bounding box of ``x`` (``reference="uniform"``) or
    ``x`` with its first column (beauty) permuted over rows (``"permute_beauty"``, the null
    of the K = 1 test).  K follows :func:`gap_rule`.
    """
    x = np.asarray(x, dtype=np.float64)
    k_arr = np.array(sorted(set(int(k) for k in ks)), dtype=np.int64)
    if k_arr.size == 0 or k_arr.min() < 1:
        raise ValueError(f"ks={k_arr.tolist()} must be non-empty positive integers")
    if x.ndim != 2 or x.shape[0] < k_arr.max():
        raise ValueError(f"x has shape {x.shape}; need at least max(ks)={k_arr.max()} rows")
    if n_refs < 2:
        raise ValueError(f"n_refs={n_refs} must be >= 2")
    rng = np.random.default_rng(seed)
    refs = _references(x, n_refs, reference, rng)
    tiny = np.finfo(np.float64).tiny
    log_w = np.empty(k_arr.size)
    log_w_ref = np.empty(k_arr.size)
    s = np.empty(k_arr.size)
    for i, k in enumerate(k_arr):
        log_w[i] = np.log(max(_kmeans(x, int(k), seed, n_init).inertia_, tiny))
        ref = np.array([np.log(max(_kmeans(r, int(k), seed, n_init).inertia_, tiny)) for r in refs])
        log_w_ref[i] = ref.mean()
        s[i] = ref.std() * np.sqrt(1.0 + 1.0 / n_refs)
    gap = log_w_ref - log_w
    chosen, met = gap_rule(k_arr, gap, s)
    return GapCurve(
        ks=k_arr, gap=gap, s=s, log_w=log_w, log_w_ref=log_w_ref, k=chosen, rule_met=met
    )


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
    km = _kmeans(fit, k, seed, n_init)
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


def _name_rank(name: str) -> tuple[int, int]:
    if name == "Low quality":
        return (0, 0)
    if name == "Forlorn beauty":
        return (1, 0)
    if name.startswith("Regular"):
        suffix = name[len("Regular") :].strip()
        return (2, int(suffix) if suffix else 0)
    return (3, 0)  # Superstar


def active_weeks(owner_idx, uploaded_at, n_users: int) -> np.ndarray:
    """Number of distinct weeks with at least one upload per user (Table 3, "time on
    platform").

    ``uploaded_at`` holds int64 epoch seconds (``INT64_MIN`` = missing, skipped).  Weeks
    are Monday-aligned, so the counts equal those on ``analysis.weekly`` week indices.
    """
    owner = check_index_array("owner_idx", owner_idx, n_users)
    t = np.asarray(uploaded_at, dtype=np.int64)
    if t.shape != owner.shape:
        raise ValueError(f"uploaded_at has length {t.shape[0]}, owner_idx {owner.shape[0]}")
    ok = t != _INT64_MIN
    if not ok.any():
        return np.zeros(n_users, dtype=np.int64)
    week = (t[ok] + _MONDAY_OFFSET) // _WEEK
    week -= week.min()
    span = int(week.max()) + 1
    pairs = np.unique(owner[ok] * span + week)  # one key per (user, week)
    return np.bincount(pairs // span, minlength=n_users).astype(np.int64)


def user_classes(
    beauty,
    fav_per_photo,
    followers,
    n_photos=None,
    weeks=None,
    k: int | None = None,
    ks: Sequence[int] = range(2, 11),
    n_refs: int = 10,
    gap_sample: int | None = 20_000,
    seed: int = 0,
    n_init: int = 10,
    test_names: bool = True,
) -> UserClasses:
    """K-means user classes on log-transformed, [0, 1]-normalised (beauty, fav/photo,
    followers) (§7, Tables 2–3).

    Parameters
    ----------
    beauty, fav_per_photo, followers : arrays, one entry per user
        Users with NaN beauty or fav/photo are not clustered (label -1).
    n_photos, weeks : arrays, optional
        Photo count and weeks with uploads per user, averaged per class (Table 3).
    k : int, optional
        Fixed number of clusters; by default chosen from ``ks`` by the gap statistic.
    ks, n_refs : candidate K values and gap reference sets.
    gap_sample : int or None
        Compute the gap curve on a seeded random sample of this many users (all if None
        or fewer users); the final K-means always uses every user.
    seed : int
        Seeds the sample, the reference sets and K-means.
    n_init : int
        K-means restarts of the final fit.
    test_names : bool
        Give paper names only to classes that pass :func:`naming_test` (False: name by
        the centroid rule alone, as the paper does).
    """
    b = np.asarray(beauty, dtype=np.float64)
    f = np.asarray(fav_per_photo, dtype=np.float64)
    fo = np.asarray(followers, dtype=np.float64)
    if not (b.shape == f.shape == fo.shape) or b.ndim != 1:
        raise ValueError(
            f"beauty, fav_per_photo and followers must be 1-D of equal length, got "
            f"{b.shape}, {f.shape}, {fo.shape}"
        )
    n = b.shape[0]
    extra = {}
    for name, arr in (("n_photos", n_photos), ("weeks", weeks)):
        if arr is not None:
            a = np.asarray(arr, dtype=np.float64)
            if a.shape != b.shape:
                raise ValueError(f"{name} has shape {a.shape}, beauty has {b.shape}")
            extra[name] = a
    ok = np.isfinite(b) & np.isfinite(f) & np.isfinite(fo)
    idx = np.flatnonzero(ok)
    x, lower, upper = normalize_features(b[idx], f[idx], fo[idx])
    ks = sorted(set(int(v) for v in ks) - {1})
    rng = np.random.default_rng(seed)
    xs = x
    if gap_sample is not None and idx.size > gap_sample:
        xs = x[np.sort(rng.choice(idx.size, size=gap_sample, replace=False))]
    structure = gap = None
    if k is not None:
        if k < 1 or k > idx.size:
            raise ValueError(f"k={k} must be between 1 and the number of users ({idx.size})")
        chosen = int(k)
    else:
        if not ks or min(ks) < 2 or max(ks) > idx.size:
            raise ValueError(f"ks={ks} must lie between 2 and the number of users ({idx.size})")
        structure = gap_statistic(
            xs, ks=(1, 2), n_refs=n_refs, seed=seed, reference="permute_beauty"
        )
        if structure.k == 1:
            chosen = 1
        else:
            gap = gap_statistic(xs, ks=ks, n_refs=n_refs, seed=seed)
            chosen = gap.k

    km = _kmeans(x, chosen, seed, n_init)
    raw_names = name_clusters(km.cluster_centers_)
    order = sorted(range(chosen), key=lambda c: _name_rank(raw_names[c]))
    remap = np.empty(chosen, dtype=np.int64)
    remap[order] = np.arange(chosen)
    lab_sub = remap[km.labels_]
    centroids = km.cluster_centers_[order]
    naming = None
    if chosen >= 2 and test_names and idx.size >= 4 * chosen:
        naming = naming_test(xs, chosen, seed=seed)
        passed = {n for n, ok in zip(naming.paper_names, naming.named, strict=True) if ok}
        paper_names = [raw_names[c] for c in order]
        names = final_names(paper_names, np.array([n in passed for n in paper_names]))
    elif chosen >= 2:  # no test asked for: the centroid rule alone
        names = [raw_names[c] for c in order]
    else:
        names = ["class 1"]

    labels = np.full(n, -1, dtype=np.int64)
    labels[idx] = lab_sub
    counts = np.bincount(lab_sub, minlength=chosen)

    def per_class(values: np.ndarray) -> np.ndarray:
        v = values[idx]
        good = ~np.isnan(v)
        s = np.bincount(lab_sub[good], weights=v[good], minlength=chosen)
        c = np.bincount(lab_sub[good], minlength=chosen)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(c > 0, s / np.maximum(c, 1), np.nan)

    nan_k = np.full(chosen, np.nan)
    return UserClasses(
        k=chosen,
        labels=labels,
        names=names,
        centroids=centroids,
        n_users=counts.astype(np.int64),
        share=counts / counts.sum(),
        mean_beauty=per_class(b),
        mean_fav_per_photo=per_class(f),
        mean_followers=per_class(fo),
        mean_photos=per_class(extra["n_photos"]) if "n_photos" in extra else nan_k,
        mean_weeks=per_class(extra["weeks"]) if "weeks" in extra else nan_k,
        gap=gap,
        lower=lower,
        upper=upper,
        seed=seed,
        structure=structure,
        naming=naming,
    )
