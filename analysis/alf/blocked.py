"""Algorithm 1 and the authority scores in topic blocks: memory O(|V|·N), not O(|V|·|T|).

Pal, Herdagdelen, Chatterjee, Taneja: "Discovery of Topical Authorities in Instagram",
WWW 2016, §4.2 (Algorithm 1) and §4.3 (Eq. 2, 6, 8, 9, FP2).

Every pass of Algorithm 1 is a product of a users × users operator with the users × topics
matrix, so the columns (topics) never mix: the label scores of a block of ``N`` topics need
only that block of ``S^c``.  Eq. 6's ``μ_t, σ_t`` are per topic as well.  Only three steps
look across topics, and each needs a summary that is O(|V|) or O(|V|·k):

* Eq. 2, the argmax of ``wzf`` over topics: a running best value and topic per user
  (a later block replaces it only when strictly larger, as ``argmax`` keeps the first);
* FP2, "``t`` among the top ``k`` of ``F_x`` and ``ZF_x``": a second pass over the blocks
  counts, for each assigned user, the topics ahead of the assigned one (a larger value, or
  an equal value at a smaller topic index, as :func:`analysis.alf.authorities.top_k_mask`
  breaks ties); the assignment stands when fewer than ``k`` are ahead in both rows.  The
  second pass repeats the propagation, which is cheaper than keeping running top-k lists;
* FP1 works on the assignments alone (:func:`analysis.alf.authorities.fp1_filter`).

The evidence rule of :func:`analysis.alf.authorities.find_authorities` (an entry is eligible
only with at least ``min_support`` followers holding a seed interest in the topic,
:func:`analysis.alf.authorities.topical_support`) is per topic too: its block of the support
matrix is ``Aᵗ S^c`` on the block's columns.  ``pass1_denominator`` chooses PASS 1's
``m^in`` (as printed) or ``n^in`` exactly as in :func:`analysis.alf.algorithm1.algorithm1`.

So :func:`find_authorities_blocked` returns the same authorities, ranks and scores as
:func:`analysis.alf.authorities.find_authorities` on the full ``F`` of
:func:`analysis.alf.algorithm1.algorithm1` — with ``dtype=np.float32`` the propagation runs
in single precision (half the memory; scores agree to about 1e-6 relative).

Example
-------
>>> import numpy as np
>>> from analysis.alf import algorithm1, find_authorities, follow_matrix
>>> rng = np.random.default_rng(0)
>>> A = follow_matrix(rng.integers(0, 60, 400), rng.integers(0, 60, 400), 60)
>>> S = (rng.random((60, 7)) < 0.2).astype(float)
>>> F = algorithm1(A, S).F
>>> full = find_authorities(F, np.asarray(A.sum(axis=0)).ravel(), min_support=0)
>>> part = find_authorities_blocked(A, S, block=3, min_support=0)
>>> bool((full.topic == part.topic).all())
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import scipy.sparse as sp

from analysis.alf.algorithm1 import _check_inputs, _forward, _inv
from analysis.alf.authorities import AuthorityResult, eligible, fp1_filter, fp1_levels, zscores
from analysis.alf.params import ALF_DEFAULTS, AlfParams

__all__ = ["algorithm1_blocks", "find_authorities_blocked"]


def algorithm1_blocks(
    A,
    S_c,
    block: int,
    *,
    dtype=np.float64,
    binary: bool = True,
    pass1_denominator: str = ALF_DEFAULTS.pass1_denominator,
) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yield ``(t0, t1, F[:, t0:t1])`` of Algorithm 1 (PASS 1–3, ``F = F^e + F^i``), one
    block of ``block`` topics at a time; the passes as in
    :func:`analysis.alf.algorithm1.algorithm1` (PASS 1 divides by ``m^in`` or, with
    ``pass1_denominator="n_in"``, by ``n^in``)."""
    dtype = np.dtype(dtype)
    AlfParams(topic_block=block, pass1_denominator=pass1_denominator, dtype=dtype.name)
    A, S = _check_inputs(A, S_c, binary)
    A = A.astype(dtype)
    At = A.T.tocsr()
    S = sp.csc_matrix(S, dtype=dtype)
    n_in = np.asarray(A.sum(axis=0)).ravel()
    has = (np.diff(S.tocsr().indptr) > 0).astype(dtype)
    inv_in, inv_out = (
        _inv(n_in).astype(dtype),
        _inv(np.asarray(A.sum(axis=1)).ravel()).astype(dtype),
    )
    inv_pass1 = _inv(At @ has).astype(dtype) if pass1_denominator == "m_in" else inv_in
    T = S.shape[1]
    for t0 in range(0, T, int(block)):
        t1 = min(T, t0 + int(block))
        Sb = S[:, t0:t1].tocsr()
        F_e = _forward(At, inv_pass1, Sb)  # PASS 1 (Eq. 4)
        S_i = _forward(A, inv_out, F_e)  # PASS 2
        F_i = _forward(At, inv_in, S_i)  # PASS 3
        F_e += F_i
        yield t0, t1, F_e


def find_authorities_blocked(
    A,
    S_c,
    block: int = 50,
    *,
    dtype=np.float64,
    rho_mid: float = ALF_DEFAULTS.rho_mid,
    tau: float = ALF_DEFAULTS.tau,
    fp2_k: int = ALF_DEFAULTS.fp2_k,
    bucket_split: tuple[float, float] = ALF_DEFAULTS.bucket_split,
    pass1_denominator: str = ALF_DEFAULTS.pass1_denominator,
    min_support: int = ALF_DEFAULTS.min_support,
    on_block: Callable[[int, int], None] | None = None,
) -> AuthorityResult:
    """Algorithm 1 and ALF's authorities (§4.3) in topic blocks (module docstring).

    The result equals ``find_authorities(algorithm1(A, S_c,
    pass1_denominator=...).F, n_in, support=topical_support(A, S_c),
    min_support=...)`` (weighting wzf, both filters) except that the users × topics
    matrices are not kept: ``F``, ``ZF`` and ``wzf`` are None and ``assigned_values`` holds
    ``(F, ZF, wzf)`` at each user's assigned topic.  ``on_block(done_topics,
    total_topics)`` reports progress.  The defaults are those of
    :class:`analysis.alf.params.AlfParams`, which checks them.
    """
    AlfParams(
        rho_mid=rho_mid,
        tau=tau,
        fp2_k=fp2_k,
        bucket_split=bucket_split,
        pass1_denominator=pass1_denominator,
        min_support=min_support,
        topic_block=block,
        dtype=np.dtype(dtype).name,
    )
    levels = fp1_levels(rho_mid, tau)
    A, S = _check_inputs(A, S_c, binary=True)
    At = A.T.tocsr() if min_support > 0 else None
    S_cols = S.tocsc()
    V, T = S.shape
    n_in = np.asarray(A.sum(axis=0)).ravel()
    best_val = np.full(V, -np.inf)
    best_t = np.full(V, -1, dtype=np.int64)
    best_fzw = np.full((V, 3), np.nan)
    mus, sigmas = [], []
    rows = np.arange(V)
    total = 2 * T
    blocks = algorithm1_blocks(A, S, block, dtype=dtype, pass1_denominator=pass1_denominator)
    for t0, t1, Fb in blocks:
        Fb = np.asarray(Fb, dtype=np.float64)
        Z, mu, sigma = zscores(Fb)
        mus.append(mu)
        sigmas.append(sigma)
        topical = n_in[:, None] * Fb
        logw = np.full(Fb.shape, -np.inf)
        np.log(topical, out=logw, where=topical > 0)
        with np.errstate(invalid="ignore"):
            wzf = Z * logw  # Eq. 8
        wzf = np.where(np.isfinite(Z) & np.isfinite(logw), wzf, -np.inf)
        # the evidence rule on this block of Aᵗ S^c
        support = None if At is None else np.asarray((At @ S_cols[:, t0:t1]).todense())
        masked = np.where(eligible(Z, topical, wzf, support, int(min_support)), wzf, -np.inf)
        j = np.argmax(masked, axis=1)
        val = masked[rows, j]
        better = val > best_val  # Eq. 2 argmax: an earlier topic keeps a tie
        best_val[better] = val[better]
        best_t[better] = t0 + j[better]
        jb = j[better]
        rb = rows[better]
        best_fzw[better] = np.stack([Fb[rb, jb], Z[rb, jb], wzf[rb, jb]], axis=1)
        if on_block is not None:
            on_block(t1, total)
    mu_all = np.concatenate(mus) if mus else np.zeros(0)
    sigma_all = np.concatenate(sigmas) if sigmas else np.zeros(0)
    assigned = np.where(np.isfinite(best_val), best_t, -1).astype(np.int64)
    # FP2, second pass: topics ahead of the assigned one in the F row and in the ZF row
    who = np.flatnonzero(assigned >= 0)
    ta = assigned[who]
    Fa, Za = best_fzw[who, 0], best_fzw[who, 1]
    ahead_F = np.zeros(len(who), dtype=np.int64)
    ahead_Z = np.zeros(len(who), dtype=np.int64)
    if T > fp2_k and len(who):
        again = algorithm1_blocks(A, S, block, dtype=dtype, pass1_denominator=pass1_denominator)
        for t0, t1, Fb in again:
            Fw = np.asarray(Fb[who], dtype=np.float64)
            cols = np.arange(t0, t1)[None, :]
            earlier = cols < ta[:, None]
            ahead_F += ((Fw > Fa[:, None]) | ((Fw == Fa[:, None]) & earlier)).sum(axis=1)
            Lw = np.full(Fw.shape, np.nan)
            np.log(Fw, out=Lw, where=Fw > 0)
            sg = sigma_all[t0:t1][None, :]
            with np.errstate(invalid="ignore", divide="ignore"):
                Zw = np.where(
                    sg > 0, (Lw - mu_all[t0:t1][None, :]) / np.where(sg > 0, sg, 1.0), 0.0
                )
            Zw = np.where(Fw > 0, Zw, -1e300)
            ahead_Z += ((Zw > Za[:, None]) | ((Zw == Za[:, None]) & earlier)).sum(axis=1)
            if on_block is not None:
                on_block(T + t1, total)
    score = np.where(assigned >= 0, best_val, np.nan)
    fp1_removed, theta, bucket, n_t = fp1_filter(
        assigned, score, T, rho_mid=rho_mid, tau=tau, bucket_split=bucket_split
    )
    ok = assigned >= 0
    fp2_removed = np.zeros(V, dtype=bool)
    fp2_removed[who] = (ahead_F >= fp2_k) | (ahead_Z >= fp2_k)
    topic = np.where(fp1_removed | fp2_removed, -1, assigned)
    ranked = []
    for t in range(T):
        users = np.flatnonzero(topic == t)
        ranked.append(users[np.lexsort((users, -score[users]))])
    return AuthorityResult(
        topic=topic,
        assigned=assigned,
        score=score,
        fp1_removed=fp1_removed & ok,
        fp2_removed=fp2_removed,
        ranked=ranked,
        n_assigned=n_t,
        bucket=bucket,
        theta=theta,
        ZF=None,
        wzf=None,
        mu=mu_all,
        sigma=sigma_all,
        F=None,
        weighting="wzf",
        params={
            "rho_mid": rho_mid,
            "tau": tau,
            "fp2_k": fp2_k,
            "levels": levels,
            "bucket_split": bucket_split,
            "fp1": True,
            "fp2": True,
            "topic_block": int(block),
            "dtype": np.dtype(dtype).name,
            "pass1_denominator": pass1_denominator,
            "min_support": int(min_support),
        },
        assigned_values=best_fzw,
    )
