"""``prone_lr`` on Spark: the ProNE embedding with MLlib's distributed matrices
(:mod:`beautygraph.engines.spark_matrices`), then the one-vs-rest logistic regressions as
one MLlib fit on the training users (:mod:`beautygraph.engines.spark_prone_lr`).

The reference is the scipy engine's ``prone_lr``: :mod:`analysis.propagation.prone` (Zhang,
Dong, Wang, Tang & Ding, "ProNE: Fast and Scalable Network Representation Learning", IJCAI
2019) and :func:`analysis.propagation.learned.learned_scores`.  Every heavy step is a
product of a sparse ``V × V`` matrix with a dense ``V × ℓ`` block (``ℓ = dim + oversample``)
or a Gram matrix, done by :class:`pyspark.mllib.linalg.distributed.BlockMatrix` (``block``
rows per block, multiplied block by block on the executors); only ``ℓ × ℓ`` matrices reach
the driver.

1. **Neighbours and ProNE's matrix** (§3.1), as DataFrames of entries: ``W = A + Aᵗ``
   (self-ties dropped, a mutual tie weighs 2), ``d_i = Σ_j W_ij`` and on each tie
   ``M_ij = log(W_ij / d_i) − log(b · d_j^α / Σ_k d_k^α)``
   (:func:`analysis.propagation.prone.prone_matrix`).
2. **Randomized truncated SVD** (Halko, Martinsson & Tropp, "Finding Structure with
   Randomness", SIAM Review 53(2), 2011, Algorithm 4.4 then 5.1): ``Y = M Ω`` for a seeded
   Gaussian ``Ω`` (``V × ℓ``; by default the scipy engine's very draw, streamed from the
   driver, else drawn on the executors: :data:`SKETCHES`), ``power_iters`` passes of
   ``Q ← orth(M orth(Mᵗ Q))``, then ``Bᵗ = Mᵗ Q`` and the SVD of ``B`` from the ``ℓ × ℓ``
   Gram matrix ``B Bᵗ = U_B Σ² U_Bᵗ``: ``U = Q U_B``, ``R = U Σ^{1/2}``.  ``orth`` is the
   Gram (Cholesky-QR) orthonormalisation ``Q = Y G^{-1/2}`` with ``G = Yᵗ Y`` (eigenvalues
   below ``1e-12 · max`` dropped): one distributed pass, where a Householder QR would need
   the rows in order.  Each ``Y`` is a product with an orthonormal block, so ``G``'s
   condition number is that of ``M`` on the sketch, not its power.
3. **Spectral propagation** (§3.2), with self-loops as the scipy engine
   (``Ŵ = W + I``, ``d̂ = d + 1``, ``L = I − D̂^-1 Ŵ``): ``R``'s rows scaled to unit length
   (zero for a user without ties), then ``L̃ R`` by the Chebyshev series of
   :func:`analysis.propagation.prone.band_pass_times` with the sparse
   ``S = L − μ I = (1 − μ) I − D̂^-1 Ŵ``: ``T_0 = R``, ``T_1 = Y R`` and
   ``T_{k+1} = 2 Y T_k − T_{k−1} = S (S T_k) − 2 T_k − T_{k−1}`` with ``Y = S²/2 − I``;
   ``L̃ R = e^{−θ/2} Σ_k c_k T_k``, ``c_0 = I_0(θ)``, ``c_k = 2 (−1)^k I_k(θ)``, over the
   terms :func:`~analysis.propagation.prone.series_terms` keeps; ``R − L̃ R`` is one pass
   over the terms.  The embedding is ``Ŵ (R − L̃ R)``, orthogonalised to ``U Σ^{1/2}`` of
   its thin SVD (again from the Gram matrix: ``X V Λ^{-1/4}``).
4. **Classifier** (:func:`analysis.propagation.learned.learned_scores` with
   ``embedding="prone"``, ``neighbours="shares"``): each user's embedding row at unit
   length beside ``vote_weight ×`` her tie shares ``D^-1 W Y``;
   the training users are the seed users, or ``max_train`` of them drawn as the scipy
   engine draws them.  Topic ``t``'s problem is liblinear's
   ``min ½‖w‖² + ½b² + C Σ_i log(1 + e^{−y_it (w·x_i + b)})``; the problems of the topics
   that some but not all training users hold are stacked into one MLlib
   :class:`~pyspark.ml.classification.LogisticRegression`, whose
   optimum is each topic's — only the solvers' stopping rules differ (liblinear's
   tolerance 0.01, L-BFGS's ``tol`` here).  A topic every training user holds scores 1,
   one none holds 0.  Scores are ``σ(x · w_t + b_t)``, each user's ``top`` best kept
   (score descending, then topic index), users with neither ties nor seeds left out.

Floating point: the blocks are float64 (the scipy engine works in float32); with the numpy
sketch the embedding equals the scipy engine's up to a rotation, to float32 rounding, and
the hidden-user F1 of the two engines on the same split agree within a point
(``tests/test_spark_prone.py``).
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.propagation.learned import learned_scores
from analysis.propagation.methods import PRONE_DIM, PRONE_MAX_TRAIN
from analysis.propagation.params import FAMILY
from analysis.propagation.prone import prone_embedding, randomized_tsvd
from beautygraph.engines.spark_matrices import (
    block_rows,
    combination,
    driver_gaussian,
    executor_gaussian,
    gram,
    gram_basis,
    keep,
    orthonormal,
    release,
    rows_blocks,
    sparse_blocks,
    times,
)
from kernel.params import InvalidParams, Problem, check_int
from kernel.steps import Step

__all__ = [
    "SKETCHES",
    "ProneSettings",
    "band_pass_times_spark",
    "chebyshev_terms",
    "degrees",
    "neighbour_entries",
    "prone_embedding_spark",
    "prone_entries",
    "randomized_tsvd_spark",
]

#: where the randomized SVD's Gaussian sketch ``Ω`` is drawn: ``numpy`` — on the driver, by
#: numpy's generator, the scipy engine's very sketch (O(users · ℓ) through the driver: about
#: 1 GB per million users); ``spark`` — on the executors, by Spark's generator (nothing
#: through the driver; the embedding then spans the scipy engine's subspace only to the
#: accuracy of the randomized SVD)
SKETCHES = ("numpy", "spark")


def _default(function: Any, name: str) -> Any:
    """The default of ``function``'s parameter ``name``: the scipy method's settings are
    read from its own signatures, so the two engines cannot drift apart."""
    return inspect.signature(function).parameters[name].default


@dataclass(frozen=True)
class ProneSettings:
    """Every setting of the Spark ``prone_lr``; the defaults are the scipy engine's
    ``prone_lr`` (:func:`analysis.propagation.methods`' ``PRONE_DIM`` and
    ``PRONE_MAX_TRAIN``, the defaults of :func:`~analysis.propagation.prone.
    prone_embedding`, :func:`~analysis.propagation.prone.randomized_tsvd` and
    :func:`~analysis.propagation.learned.learned_scores`).

    The embedding: ``dim``, the Chebyshev ``order``, ``mu``, ``theta``, ``negative``,
    ``alpha``, ``truncate``, ``power_iters``, ``oversample`` and ``embedding_seed`` (the
    sketch ``Ω``; fixed, as the embedding does not depend on the labels).  The learner:
    ``C``, ``vote_weight`` (the weight of the tie shares), ``max_train`` (training users
    drawn at most; None: all), and MLlib's ``max_iter`` and ``tol`` (L-BFGS; liblinear's
    own tolerance has no MLlib equivalent).  ``block``: rows per block of the distributed
    matrices; ``sketch``: where ``Ω`` is drawn (:data:`SKETCHES`).

    >>> s = ProneSettings()
    >>> s.dim, s.order, s.max_train, s.sketch
    (256, 10, 50000, 'numpy')
    >>> ProneSettings(block=0, sketch="gpu")
    Traceback (most recent call last):
    ...
    kernel.params.InvalidParams: invalid propagation parameters: block=0 must be an integer >= 1; sketch='gpu' must be one of numpy, spark
    """

    dim: int = PRONE_DIM
    order: int = _default(prone_embedding, "order")
    mu: float = _default(prone_embedding, "mu")
    theta: float = _default(prone_embedding, "theta")
    negative: float = _default(prone_embedding, "negative")
    alpha: float = _default(prone_embedding, "alpha")
    truncate: bool = _default(prone_embedding, "truncate")
    power_iters: int = _default(prone_embedding, "power_iters")
    oversample: int = _default(randomized_tsvd, "oversample")
    embedding_seed: int = _default(learned_scores, "embedding_seed")
    C: float = _default(learned_scores, "C")
    vote_weight: float = _default(learned_scores, "vote_weight")
    max_train: int | None = PRONE_MAX_TRAIN
    max_iter: int = 100
    tol: float = 1e-6
    block: int = 1024
    sketch: str = "numpy"

    def __post_init__(self) -> None:
        problems = [
            p
            for name in ("dim", "order", "max_iter", "block")
            for p in check_int(name, getattr(self, name), 1)
        ]
        problems += [
            p
            for name in ("power_iters", "oversample", "embedding_seed")
            for p in check_int(name, getattr(self, name), 0)
        ]
        if self.max_train is not None:
            problems += check_int("max_train", self.max_train, 1)
        problems += [
            Problem((name,), (getattr(self, name),), rule)
            for name, rule, ok in (
                ("theta", "must be a number >= 0", _real(self.theta) and self.theta >= 0),
                ("alpha", "must be a number >= 0", _real(self.alpha) and self.alpha >= 0),
                (
                    "vote_weight",
                    "must be a number >= 0",
                    _real(self.vote_weight) and self.vote_weight >= 0,
                ),
                ("negative", "must be a number > 0", _real(self.negative) and self.negative > 0),
                ("C", "must be a number > 0", _real(self.C) and self.C > 0),
                ("tol", "must be a number > 0", _real(self.tol) and self.tol > 0),
                ("mu", "must be a number in [0, 2]", _real(self.mu) and 0 <= self.mu <= 2),
            )
            if not ok
        ]
        if self.sketch not in SKETCHES:
            problems.append(
                Problem(("sketch",), (self.sketch,), f"must be one of {', '.join(SKETCHES)}")
            )
        if problems:
            raise InvalidParams(FAMILY, problems)


def _real(value: Any) -> bool:
    """A finite real number (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# -- entries of the sparse matrices, as DataFrames (i, j, value) ---------------------------


def neighbour_entries(E):
    """``(i, j, w)`` of ``W = A + Aᵗ`` from follow rows ``(src, dst)`` (distinct):
    self-ties dropped, a mutual tie weighs 2."""
    from pyspark.sql import functions as f

    ties = E.where(f.col("src") != f.col("dst"))
    half = ties.select(f.col("src").alias("i"), f.col("dst").alias("j")).unionAll(
        ties.select(f.col("dst").alias("i"), f.col("src").alias("j"))
    )
    return half.groupBy("i", "j").agg(f.count("*").cast("double").alias("w"))


def degrees(W):
    from pyspark.sql import functions as f

    return W.groupBy("i").agg(f.sum("w").alias("d"))


def prone_entries(W, deg, negative: float, alpha: float, truncate: bool):
    """``(i, j, m)``: ProNE's matrix on the ties of ``W`` (module docstring, step 1)."""
    from pyspark.sql import functions as f

    total = deg.agg(f.sum(f.pow(f.col("d"), f.lit(float(alpha))))).collect()[0][0] or 1.0
    # log(b · P_D,j) = log b + α log d_j − log Σ_k d_k^α, one value per column j
    shift = deg.select(
        f.col("i").alias("j"),
        (
            f.lit(math.log(negative) - math.log(total)) + f.lit(float(alpha)) * f.log(f.col("d"))
        ).alias("log_neg"),
    )
    m = (
        W.join(deg, "i")
        .join(shift, "j")
        .select("i", "j", (f.log(f.col("w")) - f.log(f.col("d")) - f.col("log_neg")).alias("m"))
    )
    return m.withColumn("m", f.greatest(f.col("m"), f.lit(0.0))) if truncate else m


def _self_looped_degrees(deg, users):
    """``(i, d)`` of ``d̂ = d + 1`` for every user: the degrees of ``Ŵ = W + I``."""
    from pyspark.sql import functions as f

    return (
        users.select(f.col("index").alias("i"))
        .join(deg, "i", "left")
        .select("i", (f.coalesce(f.col("d"), f.lit(0.0)) + f.lit(1.0)).alias("d"))
    )


def _shifted_walk_entries(W, looped_deg, mu: float):
    """``(i, j, s)`` of ``S = L − μ I = (1 − μ) I − D̂^-1 Ŵ`` with ``Ŵ = W + I`` over
    every user (``looped_deg``: :func:`_self_looped_degrees`)."""
    from pyspark.sql import functions as f

    walk = W.join(looped_deg, "i").select("i", "j", (-f.col("w") / f.col("d")).alias("s"))
    diagonal = looped_deg.select(
        "i", f.col("i").alias("j"), (f.lit(1.0 - mu) - f.lit(1.0) / f.col("d")).alias("s")
    )
    return walk.unionAll(diagonal)


def _self_looped_entries(W, users):
    """``(i, j, w)`` of ``Ŵ = W + I``."""
    from pyspark.sql import functions as f

    diagonal = users.select(
        f.col("index").alias("i"), f.col("index").alias("j"), f.lit(1.0).alias("w")
    )
    return W.select("i", "j", "w").unionAll(diagonal)


# -- the embedding ---------------------------------------------------------------------------


def randomized_tsvd_spark(spark, M, n: int, s: ProneSettings, seed: int, step: Step):
    """``R = U Σ^{1/2}`` of the rank-``dim`` truncated SVD of ``M`` (a ``BlockMatrix``;
    module docstring, step 2)."""
    width = min(s.dim + s.oversample, n)
    Mt = keep(M.transpose())
    draw = driver_gaussian if s.sketch == "numpy" else executor_gaussian
    omega = draw(spark, n, width, seed, s.block)
    Q = orthonormal(spark, keep(M.multiply(omega)))
    release(omega)
    step.advance()
    for _ in range(s.power_iters):
        Qt = orthonormal(spark, keep(Mt.multiply(Q)))
        release(Q)
        Q = orthonormal(spark, keep(M.multiply(Qt)))
        release(Qt)
        step.advance()
    Bt = keep(Mt.multiply(Q))
    U_b, lam = gram_basis(gram(Bt), 0.0)
    release(Bt, Mt)
    k = min(s.dim, U_b.shape[1])
    # U Σ^{1/2} = Q U_B Σ^{1/2}, Σ = sqrt(λ)
    R = times(spark, Q, U_b[:, :k] * lam[:k][None, :] ** 0.25)
    release(Q)
    return R


def chebyshev_terms(spark, S, R, s: ProneSettings, step: Step) -> tuple[np.ndarray, list]:
    """The coefficients ``e^{−θ/2} c_k`` and the terms ``T_k(Y) R`` of ``L̃ R`` (module
    docstring, step 3; as many as :func:`analysis.propagation.prone.series_terms` keeps);
    ``S`` is the ``BlockMatrix`` of ``L − μ I``.  ``T_0`` is ``R`` itself."""
    from scipy.special import iv

    from analysis.propagation.prone import series_terms

    n_terms = series_terms(s.order, s.theta)
    coef = iv(np.arange(n_terms), s.theta) * math.exp(-0.5 * s.theta)
    coef[1:] *= 2.0 * (-1.0) ** np.arange(1, n_terms)
    terms = [R]
    for k in range(1, n_terms):
        cur = terms[-1]
        SS_cur = keep(S.multiply(keep(S.multiply(cur))))
        if k == 1:  # T_1 = Y R = S (S R) / 2 − R
            half = times(spark, SS_cur, 0.5 * np.eye(R.numCols()))
            terms.append(keep(half.subtract(R)))
            release(half)
        else:  # T_{k+1} = 2 Y T_k − T_{k−1} = S (S T_k) − 2 T_k − T_{k−1}
            terms.append(keep(SS_cur.subtract(cur.add(cur)).subtract(terms[-2])))
        release(SS_cur)
        step.advance()
    return coef, terms


def band_pass_times_spark(spark, S, R, s: ProneSettings, step: Step):
    """``L̃ R = Σ_k e^{−θ/2} c_k T_k`` (:func:`chebyshev_terms`)."""
    coef, terms = chebyshev_terms(spark, S, R, s, step)
    out = combination(list(zip(coef, terms, strict=True)), int(R.numRows()), R.rowsPerBlock)
    release(*terms[1:])
    return out


def _unit_rows(R, tied, n: int, block: int):
    """``R`` with each tied user's row scaled to unit length and every other row zero (an
    isolated user's row of ``M`` is zero: :func:`analysis.propagation.prone.
    prone_embedding` zeroes hers before scaling)."""
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as f

    width = int(R.numCols())
    norm = f.sqrt(f.aggregate("x", f.lit(0.0), lambda acc, v: acc + v * v))
    rows = (
        block_rows(R)
        .join(tied, "u")
        .select(
            f.col("u").alias("index"),
            f.when(norm > 0, f.transform("x", lambda v: v / norm)).otherwise(f.col("x")).alias("x"),
        )
        .select("index", array_to_vector(f.col("x")).alias("vector"))
    )
    return rows_blocks(rows, n, width, block)


def prone_embedding_spark(spark, E, users, n: int, s: ProneSettings, seed: int, step: Step):
    """The ProNE embedding (module docstring, steps 1–3) of the follow rows ``E(src, dst)``
    over ``n`` users (``users``: the export's ``User`` table with ``index``), as a
    ``BlockMatrix`` (``n × dim'``) — or None when the graph has no tie."""
    from pyspark.sql import functions as f

    W = neighbour_entries(E).cache()
    if W.limit(1).count() == 0:
        W.unpersist()
        return None
    deg = degrees(W).cache()
    tied = deg.select(f.col("i").alias("u"))
    M = sparse_blocks(prone_entries(W, deg, s.negative, s.alpha, s.truncate), n, s.block)
    factors = randomized_tsvd_spark(spark, M, n, s, seed, step)
    release(M)
    R = _unit_rows(factors, tied, n, s.block)
    release(factors)
    looped = _self_looped_degrees(deg, users)
    S = sparse_blocks(_shifted_walk_entries(W, looped, s.mu), n, s.block)
    coef, terms = chebyshev_terms(spark, S, R, s, step)
    release(S)
    # R − L̃ R in one pass over the terms (T_0 = R)
    difference = combination(
        [(1.0 - coef[0], R)] + [(-c, T) for c, T in zip(coef[1:], terms[1:], strict=True)],
        n,
        s.block,
    )
    release(*terms)
    W_hat = sparse_blocks(_self_looped_entries(W, users), n, s.block)
    propagated = keep(W_hat.multiply(difference))
    release(W_hat, difference)
    # U Σ^{1/2} of the thin SVD: X V Λ^{-1/4} with Xᵗ X = V Λ Vᵗ
    basis, _ = gram_basis(gram(propagated), -0.25)
    W.unpersist()
    deg.unpersist()
    out = times(spark, propagated, basis)
    release(propagated)
    step.advance()
    return out
