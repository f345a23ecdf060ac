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
  ``Gap(k) >= Gap(k+1) - s(k+1)``, and the largest candidate if no k qualifies;
* names come from the centroids (:func:`name_clusters`).

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
    "name_clusters",
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


def gap_statistic(
    x: np.ndarray,
    ks: Sequence[int] = range(2, 11),
    n_refs: int = 10,
    seed: int = 0,
    n_init: int = 3,
) -> GapCurve:
    """Gap statistic (Tibshirani et al. 2001) of K-means on ``x`` for each K in ``ks``.

    :math:`W_k` is the pooled within-cluster sum of squares (K-means inertia); the
    reference sets are uniform over the bounding box of ``x``.  The chosen K is the
    smallest k with :math:`Gap(k) \\ge Gap(k') - s_{k'}` for the next candidate k'.
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
    lo, hi = x.min(axis=0), x.max(axis=0)
    refs = [rng.uniform(lo, hi, size=x.shape) for _ in range(n_refs)]
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
    chosen, met = int(k_arr[-1]), False
    for i in range(k_arr.size - 1):
        if gap[i] >= gap[i + 1] - s[i + 1]:
            chosen, met = int(k_arr[i]), True
            break
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
    ks = sorted(set(int(v) for v in ks))
    if k is not None:
        if k < 1 or k > idx.size:
            raise ValueError(f"k={k} must be between 1 and the number of users ({idx.size})")
        gap = None
        chosen = int(k)
    else:
        if not ks or min(ks) < 1 or max(ks) > idx.size:
            raise ValueError(f"ks={ks} must lie between 1 and the number of users ({idx.size})")
        rng = np.random.default_rng(seed)
        xs = x
        if gap_sample is not None and idx.size > gap_sample:
            xs = x[np.sort(rng.choice(idx.size, size=gap_sample, replace=False))]
        gap = gap_statistic(xs, ks=ks, n_refs=n_refs, seed=seed)
        chosen = gap.k

    km = _kmeans(x, chosen, seed, n_init)
    raw_names = name_clusters(km.cluster_centers_)
    order = sorted(range(chosen), key=lambda c: _name_rank(raw_names[c]))
    remap = np.empty(chosen, dtype=np.int64)
    remap[order] = np.arange(chosen)
    lab_sub = remap[km.labels_]
    centroids = km.cluster_centers_[order]
    names = [raw_names[c] for c in order]

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
    )
