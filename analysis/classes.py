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
  (:func:`analysis.gap.gap_rule`);
* **no structure where there is none**: the uniform box is a poor null for skewed data (it
  finds "clusters" in any heavy-tailed cloud, e.g. K = 3 on a community whose beauty is
  independent of everything).  So K = 1 is tested first, by the same gap rule on K ∈ {1, 2}
  with a *null reference*: the data with beauty permuted over users (the attention
  variables and their joint law kept; the null of "beauty is unrelated to attention").
  :math:`W_1` is invariant under that permutation, so Gap(1) = 0 and K = 1 is chosen
  unless Gap(2) > s(2), i.e. two clusters fit the data better than they fit beauty-shuffled
  copies of it by more than one standard error.  Only then is K chosen by the paper's
  gap statistic over K = 2..10;
* names come from the centroids (:func:`analysis.class_naming.name_clusters`), and a class keeps its paper name
  only if its defining features (:data:`DEFINING`: Superstar — more attention and more
  beauty than the other users; Forlorn beauty — more beauty than the other users, less
  attention than the Superstars; Low quality — less beauty) differ from the other users' in that direction beyond chance
  (:func:`analysis.class_naming.naming_test`: split-half, one-sided Mann–Whitney U on the held-out half,
  Bonferroni over all feature tests, family-wise level 0.01).  Unnamed classes are
  numbered ("class 2"); "Regular" classes keep the name only when another class is named.

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

from analysis.beauty import check_index_array
from analysis.class_naming import (
    CLASS_NAMES,
    FEATURES,
    NamingTest,
    final_names,
    name_clusters,
    name_rank,
    naming_test,
)
from analysis.gap import GapCurve, gap_statistic, kmeans
from analysis.weekly import MISSING_TIMESTAMP, timeline_start, week_index

__all__ = [
    "FEATURES",
    "CLASS_NAMES",
    "UserClasses",
    "normalize_features",
    "active_weeks",
    "user_classes",
]


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


def active_weeks(owner_idx, uploaded_at, n_users: int) -> np.ndarray:
    """Number of distinct weeks with at least one upload per user (Table 3, "time on
    platform").

    ``uploaded_at`` holds int64 epoch seconds (``MISSING_TIMESTAMP`` = missing, skipped).
    Weeks are ``analysis.weekly`` week indices (Monday-aligned).
    """
    owner = check_index_array("owner_idx", owner_idx, n_users)
    t = np.asarray(uploaded_at, dtype=np.int64)
    if t.shape != owner.shape:
        raise ValueError(f"uploaded_at has length {t.shape[0]}, owner_idx {owner.shape[0]}")
    ok = t != MISSING_TIMESTAMP
    if not ok.any():
        return np.zeros(n_users, dtype=np.int64)
    week = week_index(t[ok], timeline_start(t[ok]))
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

    km = kmeans(x, chosen, seed, n_init)
    raw_names = name_clusters(km.cluster_centers_)
    order = sorted(range(chosen), key=lambda c: name_rank(raw_names[c]))
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
