"""Friend-of-friend link recommenders on sparse matrices (Beautiful and damned §7).

The follow graph is directed, ``follower -> followee``; :math:`A` is its binary adjacency
matrix (``A[u, z] = 1`` when *u* follows *z*).  For a recipient *u* the candidates are the
accounts at distance exactly 2: every *v* reachable as ``u -> z -> v`` with ``v != u`` and
``A[u, v] = 0``.  The common neighbours of *(u, v)* are those *z*.

* **CN** (common neighbours, §7's classic friend-of-friend approach): score
  :math:`(A A)_{uv}` = number of common neighbours; rank descending.
* **BB±tol** (beauty-balanced, §7): candidates whose user beauty lies in the relative window
  :math:`\\bar b(u)(1-tol) \\le \\bar b(v) \\le \\bar b(u)(1+tol)` (the paper: ±10 %); score
  :math:`\\bar b(v)`, ranked descending (the paper recommends "the user at network distance 2
  with the highest average beauty score" inside the window).
* **AA** (Adamic–Adar, the classic weighted variant): score
  :math:`\\sum_z 1/\\ln \\deg(z)` over common neighbours, ``deg`` = total degree
  (in + out) of *z* in the follow graph, which is ≥ 2 for every common neighbour; the sum is
  rounded to 9 decimals (as in ``cypher/recommend_aa.cypher``) so ties do not depend on the
  order of summation.

Ties are broken by the candidate's index ascending, which is the id order because exported
node tables are sorted by id; this makes the batch answer identical to the per-user Cypher
statements ``cypher/recommend_{cn,bb,aa}.cypher``.  Duplicate edges are counted once and
self-follows are ignored (the Cypher statements ignore them too).

Rows are processed in chunks whose number of two-step paths is bounded (``max_paths``), so
memory stays proportional to the chunk, not to :math:`A^2`.

Example
-------
>>> import numpy as np
>>> src, dst = np.array([0, 0, 1, 2, 1]), np.array([1, 2, 3, 3, 4])
>>> rec = recommend(src, dst, 5, "cn", users=np.array([0]), k=2)
>>> rec.candidates.tolist(), rec.score.tolist()
([3, 4], [2.0, 1.0])

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import fof_dense
from analysis.recommend_params import BATCH_METHODS, RECOMMEND_DEFAULTS, check_values

__all__ = [
    "METHODS",
    "FofRecommendations",
    "follow_matrix",
    "aa_weights",
    "round_half_up",
    "recommend",
]

#: batch methods implemented here (:data:`analysis.recommend_params.BATCH_METHODS`)
METHODS: tuple[str, ...] = BATCH_METHODS

_LN10 = 2.302585092994046  # the constant used by cypher/recommend_aa.cypher
_AA_DECIMALS = 9


@dataclass(frozen=True)
class FofRecommendations:
    """Top-k recommendations of one method, one row per (recipient, rank).

    Arrays are aligned; ``users`` and ``candidates`` are node indices, ``rank`` is 1-based,
    rows are sorted by (user, rank).  ``score`` is the common-neighbour count (CN), the
    candidate's beauty (BB) or the rounded Adamic–Adar sum (AA); ``n_common`` is the number of
    common neighbours in every method.
    """

    method: str
    users: np.ndarray
    candidates: np.ndarray
    rank: np.ndarray
    score: np.ndarray
    n_common: np.ndarray

    def __len__(self) -> int:
        return len(self.users)

    def to_frame(self, ids: np.ndarray | None = None) -> pd.DataFrame:
        """Columns ``user``, ``candidate``, ``rank``, ``score``, ``n_common``, ``method``;
        with ``ids`` the node indices are replaced by string ids."""
        users, cands = self.users, self.candidates
        if ids is not None:
            ids = np.asarray(ids, dtype=object)
            users, cands = ids[users], ids[cands]
        return pd.DataFrame(
            {
                "user": users,
                "candidate": cands,
                "rank": self.rank,
                "score": self.score,
                "n_common": self.n_common,
                "method": self.method,
            }
        )

    def top1(self) -> tuple[np.ndarray, np.ndarray]:
        """(users, candidates) of the rank-1 recommendations."""
        first = self.rank == 1
        return self.users[first], self.candidates[first]


def follow_matrix(src: np.ndarray, dst: np.ndarray, n: int) -> sp.csr_matrix:
    """Binary CSR adjacency (``int64``) of the follow edges, duplicates and self-loops removed.

    Raises ``ValueError`` naming the offending value for indices outside ``[0, n)``.
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    if src.shape != dst.shape or src.ndim != 1:
        raise ValueError(
            f"src and dst must be 1-d and of equal length, got {src.shape} and {dst.shape}"
        )
    if n < 0:
        raise ValueError(f"n={n} must be >= 0")
    for name, arr in (("src", src), ("dst", dst)):
        if len(arr) and (arr.min() < 0 or arr.max() >= n):
            bad = arr[(arr < 0) | (arr >= n)][0]
            raise ValueError(f"{name} index {bad} outside [0, n={n})")
    keep = src != dst
    mat = sp.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int64), (src[keep], dst[keep])), shape=(n, n)
    )
    mat.sum_duplicates()
    mat.data[:] = 1
    mat.sort_indices()
    return mat


def aa_weights(adj: sp.csr_matrix) -> np.ndarray:
    """Adamic–Adar weight ``1 / ln(deg)`` per node, deg = in-degree + out-degree.

    Computed as ``1 / (log10(deg) * ln 10)`` exactly like ``cypher/recommend_aa.cypher``;
    nodes with deg < 2 (never a common neighbour) get weight 0.
    """
    deg = np.asarray(adj.sum(axis=1)).ravel() + np.asarray(adj.sum(axis=0)).ravel()
    w = np.zeros(adj.shape[0], dtype=float)
    ok = deg >= 2
    w[ok] = 1.0 / (np.log10(deg[ok].astype(float)) * _LN10)
    return w


def round_half_up(x: np.ndarray, decimals: int) -> np.ndarray:
    """Round non-negative values half away from zero, as Cypher's ``round(x, d)``."""
    scale = 10.0**decimals
    return np.floor(np.asarray(x, dtype=float) * scale + 0.5) / scale


def _check_users(users: np.ndarray | None, n: int) -> np.ndarray:
    if users is None:
        return np.arange(n, dtype=np.int64)
    users = np.asarray(users, dtype=np.int64).ravel()
    if len(users) and (users.min() < 0 or users.max() >= n):
        bad = users[(users < 0) | (users >= n)][0]
        raise ValueError(f"user index {bad} outside [0, n={n})")
    return np.unique(users)


def _chunks(paths_per_row: np.ndarray, max_paths: int) -> list[tuple[int, int]]:
    """Split rows into consecutive ranges holding at most ``max_paths`` two-step paths
    (a single row above the limit forms its own chunk)."""
    bounds: list[tuple[int, int]] = []
    start, acc = 0, 0
    for i, p in enumerate(paths_per_row.tolist()):
        if i > start and acc + p > max_paths:
            bounds.append((start, i))
            start, acc = i, 0
        acc += p
    if start < len(paths_per_row):
        bounds.append((start, len(paths_per_row)))
    return bounds


def recommend(
    src: np.ndarray,
    dst: np.ndarray,
    n: int,
    method: str,
    *,
    k: int = RECOMMEND_DEFAULTS.k,
    tolerance: float = RECOMMEND_DEFAULTS.tolerance,
    beauty: np.ndarray | None = None,
    users: np.ndarray | None = None,
    candidate_mask: np.ndarray | None = None,
    max_paths: int = RECOMMEND_DEFAULTS.max_paths,
    on_chunk: Callable[[int], None] | None = None,
) -> FofRecommendations:
    """Top-``k`` friend-of-friend recommendations for ``users`` (default: every node).

    Parameters
    ----------
    src, dst : int arrays
        Follow edges ``src -> dst`` as node indices in ``[0, n)`` (index order = id order).
    n : int
        Number of nodes.
    method : {"cn", "bb", "aa"}
        Scoring rule (module docstring; §7 of beautiful-and-damned).
    k : int
        Recommendations per user (``k >= 1``).
    tolerance : float
        Relative half-width of the BB beauty window (``0 <= tolerance``; paper: 0.10).
    beauty : float array, optional
        User beauty per node (NaN = none); required for ``bb``.
    users : int array, optional
        Recipients (node indices); duplicates are ignored, output sorted by user.
    candidate_mask : bool array, optional
        Only nodes where this is True may be recommended (the §7 simulation restricts
        candidates to photographers with a beauty score).
    max_paths : int
        Upper bound on the two-step paths expanded per chunk (memory bound).
    on_chunk : callable, optional
        Called with the number of recipients finished after each chunk (progress bars).

    Returns
    -------
    FofRecommendations

    ``k``, ``tolerance`` and ``max_paths`` default to
    :data:`analysis.recommend_params.RECOMMEND_DEFAULTS`; they and ``method`` are checked by
    the rules of :class:`analysis.recommend_params.RecommendParams`.
    """
    # the rules of RecommendParams, one InvalidParams (a ValueError) naming every bad value
    valid = check_values(METHODS, method=method, k=k, tolerance=tolerance, max_paths=max_paths)
    k, tolerance, max_paths = valid["k"], valid["tolerance"], valid["max_paths"]
    adj = follow_matrix(src, dst, n)
    if method == "bb":
        if beauty is None:
            raise ValueError("method='bb' needs the beauty array")
    if beauty is not None:
        beauty = np.asarray(beauty, dtype=float)
        if beauty.shape != (n,):
            raise ValueError(f"beauty has shape {beauty.shape}, expected ({n},)")
    if candidate_mask is not None:
        candidate_mask = np.asarray(candidate_mask, dtype=bool)
        if candidate_mask.shape != (n,):
            raise ValueError(f"candidate_mask has shape {candidate_mask.shape}, expected ({n},)")
    rows = _check_users(users, n)
    return _recommend_kernel(
        adj, rows, method, k, tolerance, beauty, candidate_mask, max_paths, on_chunk
    )


def _recommend_kernel(
    adj: sp.csr_matrix,
    rows: np.ndarray,
    method: str,
    k: int,
    tolerance: float,
    beauty: np.ndarray | None,
    candidate_mask: np.ndarray | None,
    max_paths: int,
    on_chunk: Callable[[int], None] | None = None,
) -> FofRecommendations:
    """Validated inputs; chunked A[rows]·A, masking, scoring and per-row top-k."""
    n = adj.shape[0]
    outdeg = np.diff(adj.indptr)
    # two-step paths starting at each recipient = sum of its followees' out-degrees
    paths = (adj[rows] @ outdeg) if len(rows) else np.zeros(0, dtype=np.int64)
    weighted = None
    if method == "aa":
        weighted = sp.diags(aa_weights(adj)) @ adj
        weighted = weighted.tocsr()
    follow_keys = np.repeat(np.arange(n, dtype=np.int64), outdeg) * n + adj.indices.astype(np.int64)
    parts: list[tuple[np.ndarray, ...]] = []
    paths = np.asarray(paths).ravel()
    dense = fof_dense.use_dense(method, int(paths.sum()), len(rows), n)
    if dense:  # dense graph: flat-array blocks (analysis/fof_dense.py), same answers
        step = fof_dense.dense_chunk_rows(n)
        bounds = [(a, min(a + step, len(rows))) for a in range(0, len(rows), step)]
    else:
        bounds = _chunks(paths, max_paths)
    for a, b in bounds:
        chunk = rows[a:b]
        if dense and fof_dense.use_dense(method, int(paths[a:b].sum()), b - a, n):
            got = fof_dense.dense_top_k(adj, chunk, method, k, weighted, candidate_mask)
            if got is not None:
                parts.append(got)
                if on_chunk is not None:
                    on_chunk(len(chunk))
                continue
        sub = adj[chunk]
        counts = (sub @ adj).tocsr()
        counts.sort_indices()
        i = np.repeat(np.arange(len(chunk), dtype=np.int64), np.diff(counts.indptr))
        j = counts.indices.astype(np.int64)
        n_common = counts.data.astype(np.int64)
        aa_sum = _aligned_values(sub @ weighted, counts) if weighted is not None else None
        u = chunk[i]
        keep = j != u
        keys = u * n + j
        pos = np.searchsorted(follow_keys, keys)
        pos = np.minimum(pos, max(len(follow_keys) - 1, 0))
        if len(follow_keys):
            keep &= follow_keys[pos] != keys
        if candidate_mask is not None:
            keep &= candidate_mask[j]
        if method == "bb":
            assert beauty is not None  # checked by recommend()
            bu, bv = beauty[u], beauty[j]
            with np.errstate(invalid="ignore"):
                keep &= (bv >= bu * (1.0 - tolerance)) & (bv <= bu * (1.0 + tolerance))
        u, j, n_common = u[keep], j[keep], n_common[keep]
        if method == "cn":
            score = n_common.astype(float)
        elif method == "bb":
            assert beauty is not None
            score = beauty[j]
        else:
            assert aa_sum is not None  # method "aa"
            score = round_half_up(aa_sum[keep], _AA_DECIMALS)
        order = _row_order(u, j, score, n_common if method == "cn" else None)
        u, j, score, n_common = u[order], j[order], score[order], n_common[order]
        if len(u):
            starts = np.r_[0, np.flatnonzero(np.diff(u)) + 1]
            first = np.repeat(starts, np.diff(np.r_[starts, len(u)]))
            rank = np.arange(len(u)) - first + 1
        else:
            rank = np.zeros(0, dtype=np.int64)
        top = rank <= k
        parts.append((u[top], j[top], rank[top], score[top], n_common[top]))
        if on_chunk is not None:
            on_chunk(len(chunk))
    if parts:
        users, cands, rank, score, ncom = (np.concatenate(p) for p in zip(*parts, strict=True))
    else:
        users = cands = rank = ncom = np.zeros(0, dtype=np.int64)
        score = np.zeros(0, dtype=float)
    return FofRecommendations(
        method=method,
        users=users.astype(np.int64),
        candidates=cands.astype(np.int64),
        rank=rank.astype(np.int64),
        score=score.astype(float),
        n_common=ncom.astype(np.int64),
    )


def _row_order(
    u: np.ndarray, j: np.ndarray, score: np.ndarray, counts: np.ndarray | None
) -> np.ndarray:
    """Permutation sorting entries by (u asc, score desc, j asc).

    The entries arrive sorted by (u, j) (CSR order of a sorted chunk), so a *stable* sort by
    (u, -score) keeps j ascending among ties; integer scores (CN counts) use one composite
    int64 key, float scores a two-key lexsort."""
    if len(u) == 0:
        return np.zeros(0, dtype=np.int64)
    if counts is not None:
        top = int(counts.max()) + 1
        key = (u - u[0]) * top + (top - 1 - counts)
        return np.argsort(key, kind="stable")
    return np.lexsort((-score, u))


def _aligned_values(product: sp.spmatrix, pattern: sp.csr_matrix) -> np.ndarray:
    """Values of ``product`` at the stored entries of ``pattern`` (same row count), in
    ``pattern``'s CSR order; entries absent from ``product`` read 0."""
    prod = sp.csr_matrix(product)
    prod.sort_indices()
    if np.array_equal(prod.indptr, pattern.indptr) and np.array_equal(
        prod.indices, pattern.indices
    ):
        return prod.data.astype(float)
    rows = np.repeat(np.arange(pattern.shape[0]), np.diff(pattern.indptr))
    return np.asarray(prod[rows, pattern.indices]).ravel().astype(float)
