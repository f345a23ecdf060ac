"""MLlib's distributed matrices for the Spark jobs, with every conversion kept in the JVM.

pyspark's wrappers turn a DataFrame of entries into a
:class:`~pyspark.mllib.linalg.distributed.CoordinateMatrix`, and an
:class:`~pyspark.mllib.linalg.distributed.IndexedRowMatrix` back into rows, through
Python-side RDDs (every entry pickled through a Python worker).  The helpers here call the
same MLlib functions that the wrappers call, on DataFrames, so a matrix goes from Parquet to
blocks and back without leaving the JVM; a dense ``n × ℓ`` matrix is a
:class:`~pyspark.mllib.linalg.distributed.BlockMatrix` with one column block, and only
``ℓ × ℓ`` matrices (Gram matrices, small right factors) reach the driver.

Every result is cached and computed at once (:func:`keep`), so that the matrices it came
from can be released (:func:`release`) without being recomputed from their lineage later.

* :func:`sparse_blocks`, :func:`rows_blocks`, :func:`block_rows` — DataFrames to blocks and
  back;
* :func:`times` (by a local matrix), :func:`gram` (``Xᵗ X``), :func:`orthonormal`
  (CholeskyQR from the Gram matrix), :func:`combination` (``Σ_k a_k X_k`` in one pass);
* :func:`driver_gaussian`, :func:`executor_gaussian` — a seeded Gaussian ``n × ℓ`` block,
  numpy's stream or Spark's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "RANK_TOL",
    "block_rows",
    "combination",
    "driver_gaussian",
    "executor_gaussian",
    "gram",
    "gram_basis",
    "keep",
    "orthonormal",
    "release",
    "rows_blocks",
    "sparse_blocks",
    "times",
]

#: Gram eigenvalues below this share of the largest are dropped (a rank-deficient block)
RANK_TOL = 1e-12


def sparse_blocks(entries, n: int, block: int):
    """A ``BlockMatrix`` (``n × n``, ``block × block`` blocks) from ``(i, j, value)``."""
    from pyspark.mllib.common import callMLlibFunc
    from pyspark.mllib.linalg.distributed import CoordinateMatrix
    from pyspark.sql import functions as f

    i, j, v = entries.columns
    typed = entries.select(
        f.col(i).cast("long").alias("i"),
        f.col(j).cast("long").alias("j"),
        f.col(v).cast("double").alias("value"),
    )
    java = callMLlibFunc("createCoordinateMatrix", typed, int(n), int(n))
    return keep(CoordinateMatrix(java).toBlockMatrix(block, block))


def rows_blocks(rows, n: int, width: int, block: int):
    """A dense ``BlockMatrix`` (``n × width``, one column block) from ``(index, vector)``
    rows (``vector``: an ML vector)."""
    from pyspark.mllib.common import callMLlibFunc
    from pyspark.mllib.linalg.distributed import IndexedRowMatrix
    from pyspark.mllib.util import MLUtils

    old = MLUtils.convertVectorColumnsFromML(rows.select("index", "vector"), "vector")
    java = callMLlibFunc("createIndexedRowMatrix", old, int(n), int(width))
    return keep(IndexedRowMatrix(java).toBlockMatrix(block, width))


def block_rows(X):
    """The rows of ``X`` as a DataFrame ``(u, x array<double>)`` (rows absent from every
    block are absent here: the caller fills zeros)."""
    from pyspark.ml.functions import vector_to_array
    from pyspark.mllib.common import callMLlibFunc
    from pyspark.sql import functions as f

    irm = X.toIndexedRowMatrix()
    frame = callMLlibFunc("getIndexedRows", irm._java_matrix_wrapper._java_model)
    return frame.select(f.col("index").alias("u"), vector_to_array(f.col("vector")).alias("x"))


def keep(X):
    """``X`` cached and computed now (one job), so that the matrices it came from can be
    released without being recomputed later."""
    X.cache()
    X._java_matrix_wrapper._java_model.blocks().count()
    return X


def release(*matrices) -> None:
    """Drop the cached blocks of ``matrices`` (pyspark's ``BlockMatrix`` has no unpersist)."""
    for X in matrices:
        X._java_matrix_wrapper._java_model.blocks().unpersist(False)


def _small(spark, A: np.ndarray):
    """A local ``r × c`` matrix as a one-block ``BlockMatrix``, for right products (built
    from a local DataFrame: no Python worker)."""
    from pyspark.mllib.common import callMLlibFunc
    from pyspark.mllib.linalg import Matrices
    from pyspark.mllib.linalg.distributed import BlockMatrix

    r, c = A.shape
    block = Matrices.dense(r, c, np.asarray(A, dtype=np.float64).ravel(order="F").tolist())
    frame = spark.createDataFrame([((0, 0), block)])
    return BlockMatrix(callMLlibFunc("createBlockMatrix", frame, r, c, r, c), r, c, r, c)


def times(spark, X, A: np.ndarray):
    """``X A`` for a local ``A`` (a dense ``n × ℓ`` block times ``ℓ × k``)."""
    return keep(X.multiply(_small(spark, A)))


def gram(X) -> np.ndarray:
    """``Xᵗ X`` (``ℓ × ℓ``) on the driver."""
    return X.transpose().multiply(X).toLocalMatrix().toArray()


def gram_basis(G: np.ndarray, power: float) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvectors of the Gram matrix ``G`` (largest first, those above the rank tolerance)
    scaled by ``λ^power``, and the kept eigenvalues."""
    lam, V = np.linalg.eigh((G + G.T) / 2)
    order = np.argsort(-lam)
    lam, V = lam[order], V[:, order]
    keep = lam > RANK_TOL * max(float(lam[0]) if lam.size else 0.0, 0.0)
    if not keep.any():
        return np.zeros((G.shape[0], 0)), np.zeros(0)
    return V[:, keep] * lam[keep][None, :] ** power, lam[keep]


def orthonormal(spark, Y):
    """``Y G^{-1/2}``, ``G = Yᵗ Y``: an orthonormal basis of ``Y``'s columns (rank kept);
    ``Y`` is released."""
    basis, _ = gram_basis(gram(Y), -0.5)
    Q = times(spark, Y, basis)
    release(Y)
    return Q


def combination(terms: list[tuple[float, Any]], n: int, block: int):
    """``Σ_k a_k X_k`` for ``terms`` ``[(a_k, X_k)]`` (dense, of one width), in one pass:
    the rows of every term, scaled, summed per user in term order (so the same input gives
    the same bits)."""
    from functools import reduce

    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as f

    def scaled(a: float):
        return lambda v: v * f.lit(float(a))

    width = int(terms[0][1].numCols())
    parts = [
        block_rows(X).select("u", f.lit(k).alias("k"), f.transform("x", scaled(a)).alias("x"))
        for k, (a, X) in enumerate(terms)
    ]
    rows = reduce(lambda x, y: x.unionAll(y), parts)
    summed = rows.groupBy("u").agg(
        f.aggregate(
            f.array_sort(f.collect_list(f.struct("k", "x"))),
            f.array_repeat(f.lit(0.0), width),
            lambda acc, t: f.zip_with(acc, t["x"], lambda p, q: p + q),
        ).alias("x")
    )
    vectors = summed.select(f.col("u").alias("index"), array_to_vector(f.col("x")).alias("vector"))
    return rows_blocks(vectors, n, width, block)


def executor_gaussian(spark, n: int, width: int, seed: int, block: int):
    """``Ω`` (``n × width``) drawn on the executors by Spark's generator: the same for the
    same ``seed`` and ``n`` (partitions fixed by ``n``, not by the cluster)."""
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as f

    parts = max(1, -(-n // block))
    rows = spark.range(0, n, 1, parts).select(
        f.col("id").alias("index"),
        array_to_vector(f.array(*[f.randn(seed * 1_000_003 + c) for c in range(width)])).alias(
            "vector"
        ),
    )
    return rows_blocks(rows, n, width, block)


#: rows of ``Ω`` drawn and sent to Spark at a time by :func:`driver_gaussian`
SKETCH_ROWS = 1 << 16


def driver_gaussian(spark, n: int, width: int, seed: int, block: int):
    """``Ω`` (``n × width``) exactly as :func:`analysis.propagation.prone.randomized_tsvd`
    draws it (numpy's generator, float32, row-major), drawn on the driver ``SKETCH_ROWS``
    rows at a time — a stream drawn in pieces equals the stream drawn at once — so both
    engines factorise with the same sketch."""
    import pandas as pd
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as f

    rng = np.random.default_rng(seed)
    parts = []
    for start in range(0, n, SKETCH_ROWS):
        rows = min(SKETCH_ROWS, n - start)
        draw = rng.standard_normal((rows, width), dtype=np.float32).astype(np.float64)
        frame = pd.DataFrame({"index": np.arange(start, start + rows), "x": list(draw)})
        parts.append(spark.createDataFrame(frame, "index long, x array<double>"))
    rows_df = parts[0]
    for part in parts[1:]:
        rows_df = rows_df.unionAll(part)
    vectors = rows_df.select("index", array_to_vector(f.col("x")).alias("vector"))
    return rows_blocks(vectors, n, width, block)
