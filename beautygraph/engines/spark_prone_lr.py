"""``prone_lr`` on Spark, the classifier: the features of every user beside the ProNE
embedding of :mod:`beautygraph.engines.spark_prone`, the one-vs-rest logistic regressions
as one MLlib fit on the training users, and each user's best topics.

This is step 4 of :mod:`beautygraph.engines.spark_prone`'s docstring, the mirror of
:func:`analysis.propagation.learned.learned_scores` with ``embedding="prone"`` and
``neighbours="shares"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from beautygraph.engines.spark_matrices import block_rows, release
from beautygraph.engines.spark_prone import (
    ProneSettings,
    degrees,
    neighbour_entries,
    prone_embedding_spark,
)
from kernel.steps import Step

__all__ = ["prone_lr_ranked", "tie_share_scores"]


def tie_share_scores(W, deg, S):
    """``(u, t, score)`` of ``D^-1 W Y``: the share of ``u``'s tie weight that goes to seed
    users of topic ``t`` (:func:`analysis.propagation.learned.tie_shares`), positive
    entries only."""
    from pyspark.sql import functions as f

    seeds = S.select(f.col("u").alias("j"), "t")
    return (
        W.join(seeds, "j")
        .groupBy("i", "t")
        .agg(f.sum("w").alias("tied_w"))
        .join(deg, "i")
        .select(f.col("i").alias("u"), "t", (f.col("tied_w") / f.col("d")).alias("score"))
    )


def _user_table(users, emb_rows, shares, S, deg):
    """One row per user: ``u``, embedding row ``x`` (null without one), her tie shares as
    ``(t, score)`` pairs, her seed topics and whether she has a tie."""
    from pyspark.sql import functions as f

    per_user = shares.groupBy("u").agg(f.collect_list(f.struct("t", "score")).alias("shares"))
    seeds = S.groupBy("u").agg(f.collect_list("t").alias("seeds"))
    tied = deg.select(f.col("i").alias("u"), f.lit(True).alias("tied"))
    return (
        users.select(f.col("index").alias("u"))
        .join(emb_rows, "u", "left")
        .join(per_user, "u", "left")
        .join(seeds, "u", "left")
        .join(tied, "u", "left")
    )


def _tied(pdf) -> np.ndarray:
    """(rows,) bool: the user has a tie (the column is null otherwise)."""
    return (pdf["tied"] == True).to_numpy(bool)  # noqa: E712 (an elementwise comparison)


def _feature_rows(pdf, width: int, n_topics: int, vote_weight: float) -> np.ndarray:
    """(rows, width + n_topics): unit-length embedding rows (zero without a tie) beside
    ``vote_weight ×`` the tie shares — :func:`analysis.propagation.learned.graph_features`
    with ``embedding="prone"``, ``neighbours="shares"``."""
    X = np.zeros((len(pdf), width + n_topics))
    rows = zip(pdf["x"], pdf["shares"], _tied(pdf), strict=True)
    for r, (x, shares, tied) in enumerate(rows):
        if tied and x is not None and len(x):
            emb = np.asarray(x, dtype=np.float64)
            norm = float(np.linalg.norm(emb))
            if norm > 0:
                X[r, : len(emb)] = emb / norm
        if shares is not None:
            for item in shares:
                X[r, width + int(item["t"])] = vote_weight * float(item["score"])
    return X


def _training_users(spark, S, max_train: int | None, seed: int):
    """The seed users the classifiers learn from, as a one-column DataFrame ``u``: every
    one, or ``max_train`` drawn as :func:`analysis.propagation.learned.learned_scores` draws
    them (the same users for the same seed); and how many."""
    from pyspark.sql import functions as f

    seeded = S.select("u").distinct()
    n = seeded.count()
    if max_train is None or n <= max_train:
        return seeded, n
    train = np.sort([int(r["u"]) for r in seeded.collect()])
    chosen = np.sort(np.random.default_rng(seed).choice(train, size=max_train, replace=False))
    frame = spark.createDataFrame([(int(u),) for u in chosen], "u long")
    return frame.select(f.col("u")), int(max_train)


def _training_set(table, chosen, width: int, n_topics: int, vote_weight: float):
    """``(x array<double>, y array<double>)`` of the training users: her features with a
    trailing 1 (the intercept's), and her topics (0/1)."""
    import pandas as pd

    def build(batches):
        for pdf in batches:
            X = _feature_rows(pdf, width, n_topics, vote_weight)
            Y = np.zeros((len(pdf), n_topics))
            for r, seeds in enumerate(pdf["seeds"]):
                Y[r, np.asarray(seeds, dtype=np.int64)] = 1.0
            X = np.hstack([X, np.ones((len(pdf), 1))])
            yield pd.DataFrame({"x": list(X), "y": list(Y)})

    return table.join(chosen, "u").mapInPandas(build, "x array<double>, y array<double>")


def _fit_topics(train, topics: list[int], n_train: int, n_features: int, s: ProneSettings):
    """One-vs-rest logistic regression for each topic of ``topics`` on the training users,
    as one MLlib fit (module docstring, step 4): the ``(n_features, topics)`` weights and
    the intercepts.

    Topic ``k``'s problem is ``min ½‖w_k‖² + ½b_k² + C Σ_i log(1 + e^{−y_ik (w_k·x_i +
    b_k)})`` (liblinear's, whose intercept is a regularised constant feature).  The
    problems are stacked: row ``(i, k)`` has the features ``e_k ⊗ [x_i, 1]`` (MLlib's
    ``Interaction`` of the one-hot topic and the features) and the label ``y_ik``, so one
    :class:`~pyspark.ml.classification.LogisticRegression` without intercept and with
    ``regParam = 1 / (C · K n)`` over the ``K n`` rows minimises the sum of the ``K``
    problems — which separate, so its optimum is each topic's — in one pass per
    iteration instead of one per topic and iteration."""
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import Interaction, OneHotEncoder
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as f

    K, d = len(topics), n_features + 1
    if not K:
        return np.zeros((n_features, 0)), np.zeros(0)
    # Interaction needs every input's ML attributes declared
    attrs = {"num_attrs": d, "attrs": {"numeric": [{"idx": i, "name": f"x{i}"} for i in range(d)]}}
    stacked = train.select(
        array_to_vector(f.col("x")).alias("xb", metadata={"ml_attr": attrs}),
        f.posexplode(f.array(*[f.col("y")[t] for t in topics])).alias("k", "label"),
    )
    onehot = OneHotEncoder(inputCols=["k"], outputCols=["topic"], dropLast=False)
    rows = onehot.fit(stacked).transform(stacked)
    rows = Interaction(inputCols=["topic", "xb"], outputCol="features").transform(rows)
    lr = LogisticRegression(
        maxIter=s.max_iter,
        tol=s.tol,
        regParam=1.0 / (s.C * K * n_train),
        elasticNetParam=0.0,
        standardization=False,
        fitIntercept=False,
        family="binomial",
    )
    rows = rows.select("features", "label").cache()
    model = lr.fit(rows)
    rows.unpersist()
    # Interaction's layout: feature j of topic k at k·d + j
    weights = model.coefficients.toArray().reshape(K, d)
    return weights[:, :-1].T.copy(), weights[:, -1].copy()


def _scored_rows(table, width, n_topics, s, fitted, coef, intercept, constant, top: int):
    """``(u, t, score, rank)``: each informed user's ``top`` best positive scores (score
    descending, then topic index: :func:`beautygraph.pipelines.propagation.
    propagation_rows`' order)."""
    import pandas as pd

    fitted = np.asarray(fitted, dtype=np.int64)

    def score(batches):
        for pdf in batches:
            keep = _tied(pdf) | pdf["seeds"].notna().to_numpy()
            pdf = pdf[keep]
            F = np.tile(constant, (len(pdf), 1))
            if len(fitted) and len(pdf):
                X = _feature_rows(pdf, width, n_topics, s.vote_weight)
                F[:, fitted] = 1.0 / (1.0 + np.exp(-(X @ coef + intercept[None, :])))
            idx = np.broadcast_to(np.arange(n_topics), F.shape)
            order = np.lexsort((idx, -F), axis=1)[:, : min(top, n_topics)]
            best = np.take_along_axis(F, order, axis=1)
            ranks = np.broadcast_to(np.arange(1, order.shape[1] + 1), order.shape)
            users = np.broadcast_to(pdf["u"].to_numpy()[:, None], order.shape)
            pos = best > 0
            yield pd.DataFrame(
                {"u": users[pos], "t": order[pos], "score": best[pos], "rank": ranks[pos]}
            )

    return table.mapInPandas(score, "u long, t long, score double, rank long")


def prone_lr_ranked(spark, graph, params: Any, s: ProneSettings, step: Step):
    """``(u, t, score, rank)`` of ``prone_lr`` for every user of ``graph`` (a
    :class:`beautygraph.engines.spark_alf.FollowGraph`), and the cached per-user table
    behind it (for the caller to release once the rows are written): the ProNE embedding,
    the tie shares and the stacked MLlib logistic regression (module docstring);
    ``params``: the :class:`~analysis.propagation.params.PropagationParams` (``seed``:
    the classifiers' training draw; ``top``)."""
    n_users = graph.users.count()
    X = prone_embedding_spark(spark, graph.E, graph.users, n_users, s, s.embedding_seed, step)
    if X is None:
        emb_rows, width = spark.createDataFrame([], "u long, x array<double>"), 0
    else:
        emb_rows, width = block_rows(X).cache(), int(X.numCols())
        emb_rows.count()
        release(X)
    W = neighbour_entries(graph.E).cache()
    deg = degrees(W).cache()
    shares = tie_share_scores(W, deg, graph.S)
    table = _user_table(graph.users, emb_rows, shares, graph.S, deg).cache()
    table.count()  # cached whole, so its inputs can be released below
    T = int(graph.n_topics)
    chosen, n_train = _training_users(spark, graph.S, s.max_train, int(params.seed))
    held = np.zeros(T)
    for r in graph.S.join(chosen, "u").groupBy("t").count().collect():
        held[int(r["t"])] = int(r["count"])
    fitted = [t for t in range(T) if 0 < held[t] < n_train]
    # a topic every training user holds scores 1 for everyone, one that none holds 0
    constant = np.where((held == n_train) & (n_train > 0), 1.0, 0.0)
    train = _training_set(table, chosen, width, T, s.vote_weight)
    coef, intercept = _fit_topics(train, fitted, n_train, width + T, s)
    step.advance()
    for df in (emb_rows, W, deg):
        df.unpersist()
    ranked = _scored_rows(table, width, T, s, fitted, coef, intercept, constant, int(params.top))
    return ranked, table
