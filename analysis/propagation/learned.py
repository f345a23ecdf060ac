"""A learned propagation: one-vs-rest logistic regression over graph features of each
user, trained on the seed users.

Features of user ``u`` (concatenated):

1. her row of a spectral embedding of the follower graph, scaled to unit length — the
   representation the DeepWalk protocol evaluates (Perozzi, Al-Rfou & Skiena, "DeepWalk:
   Online Learning of Social Representations", KDD 2014, §5: one-vs-rest logistic
   regression on the embedding).  ``embedding="netmf"``: NetMF (Qiu et al., WSDM 2018;
   :func:`analysis.propagation.embedding.netmf_embedding`), whose dense V × V matrix limits
   it to tens of thousands of users; ``embedding="prone"``: ProNE (Zhang et al., IJCAI 2019;
   :func:`analysis.propagation.prone.prone_embedding`), O(follows · dim) in time and
   O(users · dim) in memory;
2. ``vote_weight ×`` her row of a neighbour feature built from the seed labels:
   ``neighbours="vote"``, the one-pass weighted vote of labelled neighbours
   (:func:`analysis.propagation.baselines.weighted_vote`: each topic's share among her
   *labelled* neighbours), or ``neighbours="shares"``, each topic's share among *all* her
   ties (:func:`tie_shares`, ``D^-1 W Y``: the vote scaled by how much of her neighbourhood
   is labelled, so a vote resting on one labelled neighbour of fifty weighs less).  Her own
   seeds are never among her features (``W`` has a zero diagonal), so a seed user is
   trained on features that do not contain her label.

Topic ``t``'s classifier is ``LogisticRegression(C)`` (L2, liblinear) on the seed users (at
most ``max_train`` of them, drawn at random) with ``Y[:, t]`` as target; a topic that every
seed user has (or none has) gets the constant score 1 (or 0).  Scores are the predicted
probabilities ``P(t | u) = σ(x_u · w_t + b_t)``, computed for every user in one matrix
product; users without ties and without seeds get the zero row (there is nothing to learn
from).

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> from analysis.propagation.graph import PropagationGraph
>>> g = PropagationGraph.from_edges([0, 1, 2, 3, 4], [1, 2, 0, 4, 5], 6)
>>> Y = sp.csr_matrix(np.array([[1, 0], [1, 0], [0, 0], [0, 1], [0, 1], [0, 0]], float))
>>> F = learned_scores(g, Y, dim=2).F
>>> int(F[2].argmax()), int(F[5].argmax())
(0, 1)
>>> F = learned_scores(g, Y, dim=2, embedding="prone", neighbours="shares").F
>>> int(F[2].argmax()), int(F[5].argmax())
(0, 1)
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from analysis.propagation.baselines import weighted_vote
from analysis.propagation.embedding import netmf_embedding
from analysis.propagation.graph import PropagationGraph, check_seeds, seed_users
from analysis.propagation.prone import prone_embedding, unit_rows

__all__ = [
    "EMBEDDINGS",
    "NEIGHBOUR_FEATURES",
    "Learned",
    "graph_features",
    "learned_scores",
    "prone_features",
    "spectral_features",
    "tie_shares",
]

#: the spectral embeddings :func:`learned_scores` can use
EMBEDDINGS = ("netmf", "prone")
#: the label-based neighbour features it can put beside them
NEIGHBOUR_FEATURES = ("vote", "shares")


def spectral_features(
    graph: PropagationGraph, dim: int = 128, window: int = 10, seed: int = 0
) -> np.ndarray:
    """Unit-length NetMF rows (V × dim', float64), cached on ``graph`` per (dim, window,
    seed)."""
    key = ("netmf", dim, window, seed)
    if key not in graph.cache:
        E = netmf_embedding(graph.W, dim=dim, window=window, seed=seed).E
        graph.cache[key] = unit_rows(E)
    return graph.cache[key]


def prone_features(graph: PropagationGraph, dim: int = 256, seed: int = 0) -> np.ndarray:
    """Unit-length ProNE rows (V × dim', float32), cached on ``graph`` per (dim, seed)."""
    key = ("prone", dim, seed)
    if key not in graph.cache:
        graph.cache[key] = unit_rows(prone_embedding(graph.W, dim=dim, seed=seed), inplace=True)
    return graph.cache[key]


def tie_shares(W: sp.spmatrix, Y: sp.spmatrix) -> np.ndarray:
    """(V, T) float32: ``(D^-1 W Y)[u, t]``, the share of ``u``'s tie weight that goes to
    seed users of topic ``t`` (zero rows without ties).

    >>> import numpy as np, scipy.sparse as sp
    >>> W = sp.csr_matrix(np.array([[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]]))
    >>> Y = sp.csr_matrix(np.array([[0, 0], [1, 0], [1, 1], [0, 0]]))
    >>> [round(float(x), 4) for x in tie_shares(W, Y)[0]]  # 2 of 3 ties: topic 0, 1 of 3: 1
    [0.6667, 0.3333]
    """
    W = sp.csr_matrix(W, dtype=np.float32)
    deg = np.asarray(W.sum(axis=1), dtype=np.float64).ravel()
    inv = np.zeros_like(deg)
    np.divide(1.0, deg, out=inv, where=deg > 0)
    shares = np.asarray((W @ sp.csr_matrix(Y, dtype=np.float32)).todense(), dtype=np.float32)
    return shares * inv.astype(np.float32)[:, None]


def _check_choices(embedding: str, neighbours: str) -> None:
    if embedding not in EMBEDDINGS:
        raise ValueError(f"embedding={embedding!r} must be one of {EMBEDDINGS}")
    if neighbours not in NEIGHBOUR_FEATURES:
        raise ValueError(f"neighbours={neighbours!r} must be one of {NEIGHBOUR_FEATURES}")


def _feature_blocks(
    graph: PropagationGraph,
    Y: sp.csr_matrix,
    embedding: str,
    neighbours: str,
    dim: int,
    window: int,
    vote_weight: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The spectral rows and ``vote_weight ×`` the neighbour feature, as two arrays (a
    million users' 306 columns are 1.2 GB in float32: the classifier never needs them side
    by side for every user at once)."""
    _check_choices(embedding, neighbours)
    if embedding == "netmf":
        E = spectral_features(graph, dim, window, seed)
    else:
        E = prone_features(graph, dim, seed)
    if neighbours == "vote":
        N = weighted_vote(graph.W_dir, Y)
    else:
        N = tie_shares(graph.W_dir, Y)
    N = N.astype(E.dtype, copy=False)
    N *= vote_weight
    return E, N


def graph_features(
    graph: PropagationGraph,
    Y: sp.csr_matrix,
    *,
    embedding: str = "netmf",
    neighbours: str = "vote",
    dim: int = 128,
    window: int = 10,
    vote_weight: float = 1.0,
    seed: int = 0,
) -> np.ndarray:
    """(V, dim' + T): spectral rows beside ``vote_weight ×`` the neighbour feature (module
    docstring); float64 with NetMF, float32 with ProNE."""
    E, N = _feature_blocks(graph, Y, embedding, neighbours, dim, window, vote_weight, seed)
    return np.hstack([E, N])


@dataclass(frozen=True)
class Learned:
    """Scores ``F`` (V × T, probabilities) and the per-topic model kinds
    (``"logreg"`` or ``"constant"``)."""

    F: np.ndarray
    kinds: tuple[str, ...]
    n_train: int


def _check_learner(C: float, tol: float, workers: int | None, vote_weight: float) -> None:
    if not (np.isfinite(C) and C > 0):
        raise ValueError(f"C={C} must be > 0")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol={tol} must be > 0")
    if workers is not None and workers < 1:
        raise ValueError(f"workers={workers} must be >= 1")
    if not (np.isfinite(vote_weight) and vote_weight >= 0):
        raise ValueError(f"vote_weight={vote_weight} must be >= 0")


def _training_users(Y: sp.csr_matrix, max_train: int | None, seed: int) -> np.ndarray:
    """The seed users, or ``max_train`` of them drawn at random (sorted)."""
    train = seed_users(Y)
    if max_train is None or train.size <= max_train:
        return train
    if max_train < 1:
        raise ValueError(f"max_train={max_train} must be >= 1")
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(train, size=max_train, replace=False))


def _fit_topics(
    X_train: np.ndarray, target: np.ndarray, fitted: list[int], C, tol, seed, workers
) -> tuple[np.ndarray, np.ndarray]:
    """(weights (d × len(fitted)), intercepts) of one liblinear fit per fitted topic."""
    from sklearn.linear_model import LogisticRegression

    def fit(t: int) -> tuple[np.ndarray, float]:
        clf = LogisticRegression(C=C, tol=tol, solver="liblinear", max_iter=1000, random_state=seed)
        clf.fit(X_train, target[:, t])
        return clf.coef_.ravel(), float(clf.intercept_[0])

    n_workers = _workers(workers, len(fitted))
    if n_workers > 1:
        # liblinear's primal trust-region solver releases the GIL and draws no random
        # numbers, so threads give the serial result, topic for topic
        with ThreadPoolExecutor(n_workers) as pool:
            models = list(pool.map(fit, fitted))
    else:
        models = [fit(t) for t in fitted]
    coef = np.array([w for w, _ in models]).T.reshape(X_train.shape[1], len(fitted))
    return coef, np.array([b for _, b in models])


def _probabilities(
    E: np.ndarray, N: np.ndarray, coef: np.ndarray, intercept: np.ndarray, rows: int = 1 << 16
) -> np.ndarray:
    """``σ([E N] coef + intercept)`` (float64), one block of rows at a time."""
    out = np.empty((E.shape[0], coef.shape[1]))
    top = coef[: E.shape[1]].astype(E.dtype)
    bottom = coef[E.shape[1] :].astype(N.dtype)
    for start in range(0, E.shape[0], rows):
        block = slice(start, start + rows)
        out[block] = expit(E[block] @ top + N[block] @ bottom + intercept)
    return out


def learned_scores(
    graph: PropagationGraph,
    Y,
    *,
    C: float = 3.0,
    tol: float = 1e-2,
    embedding: str = "netmf",
    neighbours: str = "vote",
    dim: int = 128,
    window: int = 10,
    vote_weight: float = 1.0,
    max_train: int | None = None,
    seed: int = 0,
    embedding_seed: int = 0,
    workers: int | None = None,
) -> Learned:
    """One-vs-rest logistic regression on :func:`graph_features` (module docstring).

    ``seed`` seeds the classifiers and the draw of at most ``max_train`` training users
    (None: every seed user); ``embedding_seed`` the embedding, which does not depend on
    ``Y``: it is computed once per graph and reused by every seed matrix (the folds of
    ``auto``'s cross-validation, the splits of a hold-out) — the DeepWalk protocol's one
    embedding for many splits.  ``tol`` is the solver's stopping tolerance (0.01,
    liblinear's own default for the primal L2 logistic regression: on BlogCatalog it gives
    the F1 of 1e-4 within 0.4 points per seed at three quarters of the time).  ``workers``
    threads fit the topics (``None``: one per CPU, at most 4); the scores do not depend on
    it.
    """
    _check_learner(C, tol, workers, vote_weight)
    _check_choices(embedding, neighbours)
    Y = check_seeds(Y, graph.n_users)
    V, T = Y.shape
    train = _training_users(Y, max_train, seed)
    F = np.zeros((V, T))
    if train.size == 0:
        return Learned(F=F, kinds=tuple("constant" for _ in range(T)), n_train=0)
    E, N = _feature_blocks(
        graph, Y, embedding, neighbours, dim, window, vote_weight, embedding_seed
    )
    # liblinear works in float64: one copy of the training rows, not one per topic
    X_train = np.hstack([E[train], N[train]]).astype(np.float64)
    target = np.asarray(Y[train].todense()) > 0
    fitted = [t for t in range(T) if 0 < target[:, t].sum() < train.size]
    if fitted:
        coef, intercept = _fit_topics(X_train, target, fitted, C, tol, seed, workers)
        del X_train
        F[:, fitted] = _probabilities(E, N, coef, intercept)
    kinds = []
    for t in range(T):
        if t in fitted:
            kinds.append("logreg")
        else:
            F[:, t] = 1.0 if target[:, t].all() else 0.0
            kinds.append("constant")
    informed = graph.has_ties | (Y.getnnz(axis=1) > 0)
    F[~informed] = 0.0
    return Learned(F=F, kinds=tuple(kinds), n_train=int(train.size))


def _workers(requested: int | None, n_tasks: int) -> int:
    if requested is None:
        requested = min(4, os.cpu_count() or 1)
    return max(1, min(requested, n_tasks))
