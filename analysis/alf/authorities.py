"""Authority scores and topic assignment (ALF §4.3: Eq. 2, 6, 8, 9 and the FP2 vote).

From the label scores ``F`` (users × topics, e.g. :func:`analysis.alf.algorithm1`):

1. ``L = log F``; per topic ``μ_t`` and ``σ_t`` over the users with ``F_tu > 0``
   (Observation 2: the rows of ``F`` are log-normal); ``ZF = (L - μ)/σ`` (Eq. 6).
   Zero scores have no logarithm: they get ``ZF = -inf`` and are never assigned.  The
   printed ``σ = diag((L-μ1^t)(L-μ1^t)^t)/|V|`` is a variance; the z-score of Eq. 6 divides
   by its square root, the standard deviation.
2. ``wzf_tu = ZF_tu · log(n^in_u F_tu)`` (Eq. 8): the z-score weighted by the log of the
   number of topical followers.
3. Each user is assigned ``argmax_t wzf_tu`` — at most one topic per user (Eq. 2).  Only
   entries with ``ZF > 0`` and ``n^in F > 1`` (more than one topical follower) are
   eligible, so that a negative z-score times a negative log cannot become a positive
   score; a user with no eligible topic is assigned none.
4. FP1 (tail users crowding a topic): topics are split into popular / mid / tail buckets
   by ``n_t`` (users assigned to ``t``); a topic keeps its top ``q_t = ⌈ρ n_t / 100⌉``
   assignments by score, ``θ_t`` being the score of the ``q_t``-th, with
   ``τ ρ_pop = ρ_mid = ρ_tail / τ`` (Eq. 9), ``ρ_mid = 60``, ``τ = 1.5``.
5. FP2 (celebrities): an assignment ``(x, t)`` is kept only if ``t`` is among the top
   ``k`` topics of ``x`` by ``F`` and by ``ZF`` (``k = 5``).
6. Evidence (not in the paper): with ``support`` (users × topics, the number of a user's
   followers who have a *seed* interest in the topic, :func:`topical_support`) an entry is
   eligible only when ``support >= min_support``.  Eq. 8's ``n^in F`` counts all followers,
   while Pass 1 with ``m^in`` divides by the followers with interests only, so an account
   followed by one interested user among thousands can otherwise rank first.

``weighting="zf"`` replaces ``wzf`` by ``ZF`` in steps 3–5 (the "No weighting" baseline of
Table 6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.alf.params import ALF_DEFAULTS, AlfParams, check_fp1_levels

__all__ = [
    "AuthorityResult",
    "binary_seeds",
    "eligible",
    "find_authorities",
    "fp1_filter",
    "fp1_levels",
    "fp2_filter",
    "top_k_mask",
    "topical_support",
    "topic_buckets",
    "zscores",
]


def topical_support(A, S_c) -> np.ndarray:
    """(V, T): ``support[v, t]`` = number of ``v``'s followers with a seed interest in
    ``t`` (``Aᵗ S^c`` with binary ``S^c``; ``A[u, v] = 1`` iff ``u`` follows ``v``)."""
    import scipy.sparse as sp

    A = sp.csr_matrix(A, dtype=np.float64)
    S = binary_seeds(S_c, A.shape[0])
    return np.asarray((A.T @ S).todense())


def binary_seeds(S_c, n_users: int):
    """``S^c`` as a float64 CSR matrix of ones where any positive seed value stands (a
    ``ValueError`` unless it has a row for each of the ``n_users`` users of the graph)."""
    import scipy.sparse as sp

    S = sp.csr_matrix(S_c, dtype=np.float64).copy()
    if S.shape[0] != n_users:
        raise ValueError(f"S_c has {S.shape[0]} rows, the adjacency {n_users}")
    S.eliminate_zeros()
    S.data[:] = 1.0
    return S


def zscores(F: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ZF, μ, σ)`` of Eq. 6 for label scores ``F`` (users × topics).

    ``μ_t`` and ``σ_t`` (population standard deviation) are taken over the positive
    entries of column ``t``; ``ZF`` is ``-inf`` where ``F = 0``, and ``0`` in a topic whose
    positive scores are all equal (``σ_t = 0``).
    """
    F = np.asarray(F, dtype=np.float64)
    if F.ndim != 2:
        raise ValueError(f"F must be users x topics, got shape {F.shape}")
    if F.size and (not np.isfinite(F).all() or F.min() < 0):
        raise ValueError("F must be finite and >= 0")
    pos = F > 0
    L = np.full(F.shape, np.nan)
    np.log(F, out=L, where=pos)
    cnt = pos.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.where(cnt > 0, np.nansum(L, axis=0) / np.maximum(cnt, 1), np.nan)
        dev = np.where(pos, L - mu[None, :], 0.0)
        sigma = np.sqrt((dev**2).sum(axis=0) / np.maximum(cnt, 1))
        sigma = np.where(cnt > 0, sigma, np.nan)
        Z = np.where(sigma[None, :] > 0, dev / np.where(sigma > 0, sigma, 1.0)[None, :], 0.0)
    Z = np.where(pos, Z, -np.inf)
    return Z, mu, sigma


def fp1_levels(
    rho_mid: float = ALF_DEFAULTS.rho_mid, tau: float = ALF_DEFAULTS.tau
) -> dict[str, float]:
    """Percentile levels of Eq. 9: ``τ ρ_pop = ρ_mid = ρ_tail / τ`` (capped at 100)."""
    check_fp1_levels(rho_mid, tau)
    return {"popular": rho_mid / tau, "mid": rho_mid, "tail": min(100.0, rho_mid * tau)}


def eligible(
    Z: np.ndarray,
    topical: np.ndarray,
    score: np.ndarray,
    support: np.ndarray | None = None,
    min_support: int = 0,
) -> np.ndarray:
    """Which (user, topic) entries may be assigned (step 3 and 6 of the module docstring).

    An entry is eligible when its z-score is positive, it has more than one topical
    follower (``topical = n^in F``), its ranking score is finite, and — with ``support`` —
    at least ``min_support`` of its followers hold a seed interest in the topic.  Every
    engine applies this rule: the dense and blocked paths call it, Spark mirrors it
    (:func:`beautygraph.engines.spark_alf.eligible_column`, tested equal on one example).

    >>> eligible(np.array([[1.0, 2.0, -1.0]]), np.array([[5.0, 1.0, 5.0]]),
    ...          np.array([[0.5, 0.5, 0.5]]), np.array([[3, 9, 9]]), min_support=3).tolist()
    [[True, False, False]]
    """
    ok = (Z > 0) & (topical > 1) & np.isfinite(score)
    if support is not None and min_support > 0:
        ok &= np.asarray(support) >= min_support
    return ok


def top_k_mask(X: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of each row's top-``k`` columns (ties broken by column order)."""
    X = np.asarray(X, dtype=np.float64)
    n, t = X.shape
    if k >= t:
        return np.ones_like(X, dtype=bool)
    idx = np.argsort(-X, axis=1, kind="stable")[:, :k]
    mask = np.zeros_like(X, dtype=bool)
    np.put_along_axis(mask, idx, True, axis=1)
    return mask


@dataclass
class AuthorityResult:
    """Authorities found by ALF (§4.3).

    Attributes
    ----------
    topic : (V,) int — final topic index per user, ``-1`` when none (after both filters)
    assigned : (V,) int — the argmax assignment of Eq. 2 before the filters
    score : (V,) — the ranking score (wzf, or ZF for ``weighting="zf"``) of ``assigned``
    fp1_removed, fp2_removed : (V,) bool — which assignments each filter removed
    ranked : per topic the user indices of its authorities, best first
    n_assigned : (T,) — ``n_t`` before filtering; bucket: (T,) popular/mid/tail;
    theta : (T,) FP1 thresholds; ZF, wzf, mu, sigma : Eq. 6/8 quantities.
    F, ZF, wzf are None when computed in topic blocks
    (:func:`analysis.alf.blocked.find_authorities_blocked`); ``assigned_values`` (V, 3) then
    holds ``F, ZF, wzf`` at each user's assigned topic (NaN when none).
    """

    topic: np.ndarray
    assigned: np.ndarray
    score: np.ndarray
    fp1_removed: np.ndarray
    fp2_removed: np.ndarray
    ranked: list[np.ndarray]
    n_assigned: np.ndarray
    bucket: np.ndarray
    theta: np.ndarray
    ZF: np.ndarray | None
    wzf: np.ndarray | None
    mu: np.ndarray
    sigma: np.ndarray
    F: np.ndarray | None
    weighting: str = "wzf"
    params: dict = field(default_factory=dict)
    assigned_values: np.ndarray | None = None

    def _values_at(self, u: int, t: int) -> tuple[float, float, float]:
        """``(F, ZF, wzf)`` of user ``u`` on topic ``t`` (``t`` her assigned topic when the
        matrices were not kept)."""
        if self.F is None or self.ZF is None or self.wzf is None:
            if self.assigned_values is None or self.assigned[u] != t:
                raise ValueError("only the assigned topic's values are kept in topic blocks")
            f_, z, w = self.assigned_values[u]
            return float(f_), float(z), float(w)
        return float(self.F[u, t]), float(self.ZF[u, t]), float(self.wzf[u, t])

    def rank_of(self) -> np.ndarray:
        """(V,) 1-based rank of each user within her topic, 0 when not an authority."""
        rank = np.zeros(len(self.topic), dtype=np.int64)
        for users in self.ranked:
            rank[users] = np.arange(1, len(users) + 1)
        return rank

    def top_k(self, k: int) -> list[np.ndarray]:
        """The ``A^k_t`` of §6.3: the first ``k`` authorities of every topic."""
        return [users[:k] for users in self.ranked]

    def to_frame(self, user_ids=None, topic_ids=None) -> pd.DataFrame:
        """One row per authority: user, topic, F (label score), ZF, wzf, rank."""
        rows = []
        for t, users in enumerate(self.ranked):
            for r, u in enumerate(users, start=1):
                rows.append((u, t, *self._values_at(int(u), t), r))
        df = pd.DataFrame(rows, columns=["user", "topic", "F", "ZF", "wzf", "rank"])
        df = df.astype({"user": np.int64, "topic": np.int64, "rank": np.int64})
        if user_ids is not None:
            df["user"] = np.asarray(user_ids, dtype=object)[df["user"].to_numpy()]
        if topic_ids is not None:
            df["topic"] = np.asarray(topic_ids, dtype=object)[df["topic"].to_numpy()]
        return df

    def summary_frame(self, topic_ids=None) -> pd.DataFrame:
        """Per topic: bucket, n_t, θ_t, authorities kept and their share of all users."""
        n_auth = np.array([len(r) for r in self.ranked], dtype=np.int64)
        V = max(len(self.topic), 1)
        return pd.DataFrame(
            {
                "topic": list(topic_ids) if topic_ids is not None else np.arange(len(self.ranked)),
                "bucket": self.bucket,
                "n_assigned": self.n_assigned,
                "theta": self.theta,
                "n_authorities": n_auth,
                "share_of_users": n_auth / V,
            }
        )

    @property
    def share_authorities(self) -> float:
        """Share of all users who are an authority on some topic."""
        return float((self.topic >= 0).mean()) if len(self.topic) else 0.0


def _buckets(n_t: np.ndarray, split: tuple[float, float]) -> np.ndarray:
    """popular / mid / tail by the rank of ``n_t`` (ties share the better bucket)."""
    T = len(n_t)
    order = np.argsort(-n_t, kind="stable")
    # ties: every topic takes the position of the first topic with the same n_t
    first: dict[int, int] = {}
    for p, t in enumerate(order):
        first.setdefault(int(n_t[t]), p)
    pos = np.array([first[int(n_t[t])] for t in range(T)], dtype=np.int64)
    frac = pos / max(T, 1)
    return np.where(frac < split[0], "popular", np.where(frac < split[1], "mid", "tail"))


def topic_buckets(n_t: np.ndarray, split: tuple[float, float] = (1 / 3, 2 / 3)) -> np.ndarray:
    """FP1 buckets (§4.3.3): ``popular`` / ``mid`` / ``tail`` by the rank of ``n_t``, the
    first ``split[0]`` of the topics popular, up to ``split[1]`` mid (ties share the better
    bucket).  Used by :func:`fp1_filter` and by engines that count ``n_t`` elsewhere."""
    return _buckets(np.asarray(n_t, dtype=np.int64), split)


def fp1_filter(
    assigned: np.ndarray,
    score: np.ndarray,
    n_topics: int,
    *,
    rho_mid: float = 60.0,
    tau: float = 1.5,
    bucket_split: tuple[float, float] = (1 / 3, 2 / 3),
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """FP1 (§4.3.3, Eq. 9): per-bucket percentile thresholds.

    ``n_t`` users are assigned to topic ``t``; topics are bucketed popular / mid / tail by
    the rank of ``n_t``; topic ``t`` keeps its best ``q_t = ⌈ρ_b n_t / 100⌉`` assignments,
    ``θ_t`` being the score of the ``q_t``-th (ties at ``θ_t`` are kept).

    Returns (removed (V,) bool, θ (T,), bucket (T,), n_t (T,)).
    """
    levels = fp1_levels(rho_mid, tau)
    assigned = np.asarray(assigned, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    n_t = np.bincount(assigned[assigned >= 0], minlength=n_topics).astype(np.int64)
    bucket = _buckets(n_t, bucket_split) if n_topics else np.array([], dtype=object)
    theta = np.full(n_topics, np.nan)
    removed = np.zeros(len(assigned), dtype=bool)
    for t in range(n_topics):
        users = np.flatnonzero(assigned == t)
        if not users.size:
            continue
        vals = np.sort(score[users])[::-1]
        q = max(1, math.ceil(levels[str(bucket[t])] * users.size / 100.0 - 1e-9))
        theta[t] = vals[min(q, users.size) - 1]
        removed[users[score[users] < theta[t]]] = True
    return removed, theta, bucket, n_t


def fp2_filter(assigned: np.ndarray, F: np.ndarray, Z: np.ndarray, k: int = 5) -> np.ndarray:
    """FP2 (§4.3.3): drop ``(x, t)`` unless ``t`` is in the top ``k`` of both ``F_x`` and
    ``ZF_x``.  Returns (V,) bool, True where the assignment is removed."""
    assigned = np.asarray(assigned, dtype=np.int64)
    removed = np.zeros(len(assigned), dtype=bool)
    rows = np.flatnonzero(assigned >= 0)
    if not rows.size:
        return removed
    t_of = assigned[rows]
    in_F = top_k_mask(F[rows], k)[np.arange(rows.size), t_of]
    Zr = np.where(np.isfinite(Z[rows]), Z[rows], -1e300)
    in_Z = top_k_mask(Zr, k)[np.arange(rows.size), t_of]
    removed[rows[~(in_F & in_Z)]] = True
    return removed


def find_authorities(
    F: np.ndarray,
    n_in: np.ndarray,
    *,
    weighting: str = "wzf",
    rho_mid: float = ALF_DEFAULTS.rho_mid,
    tau: float = ALF_DEFAULTS.tau,
    fp2_k: int = ALF_DEFAULTS.fp2_k,
    bucket_split: tuple[float, float] = ALF_DEFAULTS.bucket_split,
    fp1: bool = True,
    fp2: bool = True,
    support: np.ndarray | None = None,
    min_support: int = ALF_DEFAULTS.min_support,
) -> AuthorityResult:
    """Topical authorities from label scores (ALF §4.3).

    Parameters
    ----------
    F : (V, T) label scores (Algorithm 1 or Theorem 1), non-negative.
    n_in : (V,) follower counts ``n^in_u``.
    weighting : ``"wzf"`` (Eq. 8, ALF) or ``"zf"`` (Eq. 6 only, Table 6 "No weighting").
    rho_mid, tau : FP1 percentile levels, Eq. 9.
    fp2_k : the FP2 vote keeps ``(x, t)`` if ``t`` is in the top ``fp2_k`` of ``F_x`` and
        ``ZF_x``.
    bucket_split : topics ranked by ``n_t``: the first third are popular, then mid, tail.
    fp1, fp2 : switch the filters off (for ablations).
    support, min_support : step 6 of the module docstring — entries with fewer than
        ``min_support`` followers holding a seed interest in the topic are not eligible
        (``support`` is required when ``min_support > 0``; pass ``min_support=0`` for the
        paper's rule alone).

    The defaults are those of :class:`analysis.alf.params.AlfParams`, which checks them.
    """
    F = np.asarray(F, dtype=np.float64)
    n_in = np.asarray(n_in, dtype=np.float64)
    if weighting not in ("wzf", "zf"):
        raise ValueError(f"weighting={weighting!r} must be 'wzf' or 'zf'")
    if F.ndim != 2 or n_in.shape != (F.shape[0],):
        raise ValueError(f"F {F.shape} and n_in {n_in.shape} do not match (users x topics)")
    if n_in.size and n_in.min() < 0:
        raise ValueError("n_in must be >= 0")
    AlfParams(
        rho_mid=rho_mid, tau=tau, fp2_k=fp2_k, bucket_split=bucket_split, min_support=min_support
    )
    if min_support > 0 and support is None:
        raise ValueError("min_support > 0 needs the support matrix (topical_support(A, S_c))")
    if support is not None:
        support = np.asarray(support, dtype=np.float64)
        if support.shape != F.shape:
            raise ValueError(f"support {support.shape} and F {F.shape} differ")
    levels = fp1_levels(rho_mid, tau)
    V, T = F.shape
    Z, mu, sigma = zscores(F)
    topical = n_in[:, None] * F  # number of topical followers
    logw = np.full(F.shape, -np.inf)
    np.log(topical, out=logw, where=topical > 0)
    with np.errstate(invalid="ignore"):
        wzf = Z * logw  # Eq. 8
    wzf = np.where(np.isfinite(Z) & np.isfinite(logw), wzf, -np.inf)
    score_m = wzf if weighting == "wzf" else Z
    masked = np.where(eligible(Z, topical, score_m, support, int(min_support)), score_m, -np.inf)
    # Eq. 2: at most one topic per user
    if T:
        best = np.argmax(masked, axis=1)
        best_val = masked[np.arange(V), best]
    else:
        best = np.zeros(V, dtype=np.int64)
        best_val = np.full(V, -np.inf)
    assigned = np.where(np.isfinite(best_val), best, -1).astype(np.int64)
    score = np.where(assigned >= 0, best_val, np.nan)

    fp1_removed, theta, bucket, n_t = fp1_filter(
        assigned, score, T, rho_mid=rho_mid, tau=tau, bucket_split=bucket_split
    )
    if not fp1:
        fp1_removed[:] = False
    fp2_removed = fp2_filter(assigned, F, Z, fp2_k) if fp2 else np.zeros(V, dtype=bool)

    topic = np.where(fp1_removed | fp2_removed, -1, assigned)
    ranked = []
    for t in range(T):
        users = np.flatnonzero(topic == t)
        order = np.lexsort((users, -score[users]))  # score desc, then index
        ranked.append(users[order])
    return AuthorityResult(
        topic=topic,
        assigned=assigned,
        score=score,
        fp1_removed=fp1_removed & (assigned >= 0),
        fp2_removed=fp2_removed,
        ranked=ranked,
        n_assigned=n_t,
        bucket=bucket,
        theta=theta,
        ZF=Z,
        wzf=wzf,
        mu=mu,
        sigma=sigma,
        F=F,
        weighting=weighting,
        params={
            "rho_mid": rho_mid,
            "tau": tau,
            "fp2_k": fp2_k,
            "levels": levels,
            "bucket_split": bucket_split,
            "fp1": fp1,
            "fp2": fp2,
            "min_support": int(min_support),
        },
    )
