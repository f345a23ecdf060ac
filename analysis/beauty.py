"""User beauty and neighbour beauty on arrays (Beautiful and damned, §6).

The paper characterises the beauty :math:`\\bar b(i)` of a user *i* as the average beauty of
all of *i*'s photos (§6, first paragraph), and the beauty a user is exposed to as the
average user beauty of *i*'s out-neighbours :math:`\\Gamma_{out}(i)` (the inner sum of
Eq. 2; the follow graph is directed ``follower -> followee``).

Treatment of missing values (identical to ``cypher/user_beauty.cypher`` and
``cypher/neighbor_beauty.cypher``, whose ``avg`` skips nulls):

* a photo without a beauty score (NaN) is left out of its owner's mean but still counted
  in ``n_photos``;
* a user without any scored photo has beauty NaN;
* a followee without beauty is left out of the neighbour mean (the mean is over the
  followees that *have* beauty); a user with no followee, or whose followees all lack
  beauty, has neighbour beauty NaN.

Example
-------
>>> import numpy as np
>>> ub = user_beauty(np.array([0, 0, 1]), np.array([0.2, 0.4, 0.9]), n_users=3)
>>> ub.beauty.round(2).tolist()[:2], bool(np.isnan(ub.beauty[2]))
([0.3, 0.9], True)
>>> nb = neighbor_beauty(np.array([0, 2]), np.array([1, 0]), ub.beauty)
>>> nb.neighbor_beauty.round(2).tolist()[0], nb.neighbor_beauty.round(2).tolist()[2]
(0.9, 0.3)

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
import pandas as pd

__all__ = [
    "UserBeauty",
    "NeighborBeauty",
    "user_beauty",
    "neighbor_beauty",
    "favorites_received",
    "check_index_array",
]


@dataclass(frozen=True)
class UserBeauty:
    """Per-user beauty (§6): ``beauty[i]`` is the mean beauty of user *i*'s scored photos.

    ``n_photos`` counts all photos (scored or not), ``n_scored`` those with a beauty.
    """

    beauty: np.ndarray
    n_photos: np.ndarray
    n_scored: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"beauty": self.beauty, "n_photos": self.n_photos, "n_scored": self.n_scored}
        )


@dataclass(frozen=True)
class NeighborBeauty:
    """Mean user beauty of each user's followees (inner term of Eq. 2).

    ``n_followees`` is the out-degree, ``n_scored_followees`` the number of followees with
    a beauty (the denominator of the mean).
    """

    neighbor_beauty: np.ndarray
    n_followees: np.ndarray
    n_scored_followees: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "neighbor_beauty": self.neighbor_beauty,
                "n_followees": self.n_followees,
                "n_scored_followees": self.n_scored_followees,
            }
        )


def check_index_array(name: str, idx: np.ndarray, n: int) -> np.ndarray:
    """Return ``idx`` as int64, raising ``ValueError`` if any entry is outside ``[0, n)``."""
    arr = np.asarray(idx)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integer indices, got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size:
        bad = np.flatnonzero((arr < 0) | (arr >= n))
        if bad.size:
            raise ValueError(
                f"{name}[{int(bad[0])}]={int(arr[bad[0]])} is outside [0, {n}) "
                f"({bad.size} bad entries)"
            )
    return arr


def check_beauty_graph(
    beauty: np.ndarray, src: np.ndarray, dst: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate per-user beauty (1-D floats) and follow edges ``src -> dst`` (user indices).

    Returns ``(beauty, src, dst)`` as float64 / int64 arrays; raises ``ValueError`` naming
    the offending argument.
    """
    b = _as_float("beauty", beauty)
    n = b.shape[0]
    s = check_index_array("src", src, n)
    d = check_index_array("dst", dst, n)
    if s.shape != d.shape:
        raise ValueError(f"src and dst differ in length: {s.shape[0]} != {d.shape[0]}")
    return b, s, d


def _as_float(name: str, values: np.ndarray, length: int | None = None) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name} has length {arr.shape[0]}, expected {length}")
    return arr


def _group_mean(
    groups: np.ndarray, values: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the finite ``values`` per group (NaN where a group has none) and the counts."""
    ok = ~np.isnan(values)
    counts = np.bincount(groups[ok], minlength=n_groups)
    sums = np.bincount(groups[ok], weights=values[ok], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return means, counts.astype(np.int64)


def user_beauty(owner_idx: np.ndarray, photo_beauty: np.ndarray, n_users: int) -> UserBeauty:
    """User beauty :math:`\\bar b(i)` = mean beauty of the user's photos (§6).

    Parameters
    ----------
    owner_idx : int array, one entry per photo
        Index (``0 <= owner < n_users``) of each photo's owner.
    photo_beauty : float array, aligned with ``owner_idx``
        Beauty score of each photo in [0, 1]; NaN for unscored photos (skipped).
    n_users : int
        Number of users (length of the result).

    Returns
    -------
    UserBeauty
        NaN beauty for users without any scored photo.
    """
    if n_users < 0:
        raise ValueError(f"n_users={n_users} must be >= 0")
    owner = check_index_array("owner_idx", owner_idx, n_users)
    b = _as_float("photo_beauty", photo_beauty, owner.shape[0])
    finite = b[~np.isnan(b)]
    if finite.size and (finite.min() < 0 or finite.max() > 1):
        raise ValueError(
            f"photo_beauty must lie in [0, 1]; got min={finite.min()}, max={finite.max()}"
        )
    means, scored = _group_mean(owner, b, n_users)
    n_photos = np.bincount(owner, minlength=n_users).astype(np.int64)
    return UserBeauty(beauty=means, n_photos=n_photos, n_scored=scored)


def neighbor_beauty(src: np.ndarray, dst: np.ndarray, beauty: np.ndarray) -> NeighborBeauty:
    """Mean user beauty of each user's followees, :math:`\\frac{1}{|\\Gamma_{out}(i)|}
    \\sum_{j \\in \\Gamma_{out}(i)} \\bar b(j)` (Eq. 2, inner term).

    Parameters
    ----------
    src, dst : int arrays of equal length
        Follow edges ``src -> dst`` (follower -> followee) as user indices.
    beauty : float array, one entry per user
        User beauty; NaN for users without beauty (skipped as followees).

    Returns
    -------
    NeighborBeauty
        NaN where a user follows nobody with a beauty.
    """
    b, s, d = check_beauty_graph(beauty, src, dst)
    n = b.shape[0]
    means, scored = _group_mean(s, b[d], n)
    out_deg = np.bincount(s, minlength=n).astype(np.int64)
    return NeighborBeauty(neighbor_beauty=means, n_followees=out_deg, n_scored_followees=scored)


def favorites_received(
    fav_user_idx: np.ndarray,
    fav_photo_idx: np.ndarray,
    owner_idx: np.ndarray,
    n_users: int,
    exclude_self: bool = True,
) -> np.ndarray:
    """Number of favourites the photos of each user received (Fig. 1, §5).

    Parameters
    ----------
    fav_user_idx, fav_photo_idx : int arrays of equal length
        One entry per favourite: who favourited which photo.
    owner_idx : int array, one entry per photo
        Owner of each photo.
    n_users : int
        Number of users.
    exclude_self : bool
        Skip favourites a user gave to their own photo (the paper counts favourites
        "from other users"; ``cypher/user_beauty.cypher`` does the same).
    """
    owner = check_index_array("owner_idx", owner_idx, n_users)
    fu = check_index_array("fav_user_idx", fav_user_idx, n_users)
    fp = check_index_array("fav_photo_idx", fav_photo_idx, owner.shape[0])
    if fu.shape != fp.shape:
        raise ValueError(
            f"fav_user_idx and fav_photo_idx differ in length: {fu.shape[0]} != {fp.shape[0]}"
        )
    receiver = owner[fp]
    if exclude_self:
        receiver = receiver[receiver != fu]
    return np.bincount(receiver, minlength=n_users).astype(np.int64)
