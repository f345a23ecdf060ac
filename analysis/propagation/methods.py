"""The registry of propagation methods, one call to run any of them, and ``auto``: the
method chosen by cross-validation on the seed users.

Every method maps ``(graph, Y, seed)`` to a (V × T) non-negative score matrix, where ``Y``
is the binary seed matrix (:mod:`analysis.propagation.graph`).  Registered here:

``algorithm1``   ALF's Algorithm 1, ``F = F^e + F^i`` (Pal, Herdağdelen, Chatterji, Taank &
                 Chakrabarti, "Discovery of Topical Authorities in Instagram", WWW 2016, §4.2)
                 — reused from :func:`analysis.alf.algorithm1.algorithm1`;
``alf_interests`` Algorithm 1's re-estimated interests ``S^i`` after Pass 2 (same paper);
``theorem1``     the general solution of ALF's Theorem 1 (α = 0.1, β = 0.01, γ = 1,
                 :func:`analysis.alf.algorithm1.general_solution`);
``vote``         the one-pass weighted vote of labelled neighbours (baseline);
``majority``     the majority topic (baseline);
``spreading``    label spreading, Zhou et al. 2004 (α = 0.9);
``netmf_lr``     one-vs-rest logistic regression on a NetMF embedding plus the
                 labelled-neighbour vote (:mod:`analysis.propagation.learned`).

A new method (another engine, another learner) is one :func:`register_method` call.

``auto`` (:func:`select_method`) runs every candidate on ``folds``-fold splits of the seed
users — each fold's seeds hidden in turn, the method run on the rest, the hidden ones scored
by the DeepWalk protocol — and picks the best mean Micro-F1 (Macro-F1 breaks ties).  It never
sees users outside ``Y``.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> from analysis.propagation.graph import PropagationGraph
>>> g = PropagationGraph.from_edges([0, 1], [2, 2], 3)
>>> Y = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 0.0]]))
>>> propagate(g, Y, "vote").F[2].tolist()
[1.0, 0.0]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from analysis.alf.algorithm1 import algorithm1, general_solution
from analysis.propagation.baselines import majority_topic, weighted_vote
from analysis.propagation.evaluation import Scores, score_predictions
from analysis.propagation.graph import PropagationGraph, check_seeds, seed_users
from analysis.propagation.learned import learned_scores
from analysis.propagation.spreading import label_spreading

__all__ = [
    "BASELINES",
    "CANDIDATES",
    "METHODS",
    "Method",
    "Propagated",
    "Selection",
    "cross_validate",
    "propagate",
    "register_method",
    "select_method",
]

Kernel = Callable[[PropagationGraph, sp.csr_matrix, int], np.ndarray]


@dataclass(frozen=True)
class Method:
    """A registered method: its kernel, a one-line description and its reference."""

    name: str
    kernel: Kernel
    description: str
    reference: str
    baseline: bool = False


METHODS: dict[str, Method] = {}


def register_method(method: Method) -> Method:
    """Add ``method`` to :data:`METHODS` (a name may be registered once)."""
    if method.name in METHODS or method.name == "auto":
        raise ValueError(f"propagation method {method.name!r} is already registered")
    METHODS[method.name] = method
    return method


def _algorithm1(g: PropagationGraph, Y: sp.csr_matrix, seed: int) -> np.ndarray:
    # Algorithm 1 as printed: Pass 1 over the followers with interests
    return algorithm1(g.A, Y, pass1_denominator="m_in").F


def _alf_interests(g: PropagationGraph, Y: sp.csr_matrix, seed: int) -> np.ndarray:
    return algorithm1(g.A, Y, pass1_denominator="m_in").S_i


def _theorem1(g: PropagationGraph, Y: sp.csr_matrix, seed: int) -> np.ndarray:
    return general_solution(g.A, Y, 0.1, 0.01, 1.0, tol=1e-8).F


def _vote(g: PropagationGraph, Y: sp.csr_matrix, seed: int) -> np.ndarray:
    return weighted_vote(g.W_dir, Y)


def _majority(g: PropagationGraph, Y: sp.csr_matrix, seed: int) -> np.ndarray:
    F = majority_topic(Y)
    F[~(g.has_ties | (Y.getnnz(axis=1) > 0))] = 0.0
    return F


def _spreading(g: PropagationGraph, Y: sp.csr_matrix, seed: int) -> np.ndarray:
    return label_spreading(g.W, Y, alpha=0.9).F


def _netmf_lr(g: PropagationGraph, Y: sp.csr_matrix, seed: int) -> np.ndarray:
    return learned_scores(g, Y, seed=seed).F


_ALF = "Pal et al., Discovery of Topical Authorities in Instagram, WWW 2016"
for _m in (
    Method("algorithm1", _algorithm1, "ALF Algorithm 1, F = F^e + F^i", f"{_ALF}, §4.2"),
    Method("alf_interests", _alf_interests, "ALF Algorithm 1, S^i after Pass 2", f"{_ALF}, §4.2"),
    Method("theorem1", _theorem1, "ALF Theorem 1 (α=0.1, β=0.01, γ=1)", f"{_ALF}, Theorem 1"),
    Method(
        "spreading",
        _spreading,
        "label spreading (α=0.9)",
        "Zhou et al., Learning with local and global consistency, NIPS 2004",
    ),
    Method(
        "netmf_lr",
        _netmf_lr,
        "logistic regression on a NetMF embedding + neighbour vote",
        "Qiu et al., Network Embedding as Matrix Factorization, WSDM 2018",
    ),
    Method(
        "vote",
        _vote,
        "one-pass weighted vote of labelled neighbours",
        "Macskassy & Provost, Classification in networked data, JMLR 2007",
        baseline=True,
    ),
    Method("majority", _majority, "majority topic", "-", baseline=True),
):
    register_method(_m)

#: methods ``auto`` chooses from, and the baselines reported beside them
CANDIDATES: tuple[str, ...] = (
    "algorithm1",
    "alf_interests",
    "theorem1",
    "spreading",
    "netmf_lr",
    "vote",
)
BASELINES: tuple[str, ...] = ("majority", "vote")


@dataclass(frozen=True)
class Propagated:
    """Scores ``F`` (V × T) of ``method`` and how long it took."""

    F: np.ndarray
    method: str
    seconds: float


def _check_method(name: str) -> Method:
    if name not in METHODS:
        raise ValueError(f"unknown propagation method {name!r}; choose from {sorted(METHODS)}")
    return METHODS[name]


def propagate(graph: PropagationGraph, Y, method: str, *, seed: int = 0) -> Propagated:
    """Run one registered method; users with neither ties nor seeds get the zero row."""
    m = _check_method(method)
    Y = check_seeds(Y, graph.n_users)
    t0 = time.perf_counter()
    F = np.asarray(m.kernel(graph, Y, seed), dtype=np.float64)
    if F.shape != Y.shape:
        raise ValueError(f"method {method!r} returned shape {F.shape}, expected {Y.shape}")
    F = np.where(np.isfinite(F) & (F > 0), F, 0.0)
    F[~(graph.has_ties | (Y.getnnz(axis=1) > 0))] = 0.0
    return Propagated(F=F, method=method, seconds=time.perf_counter() - t0)


def _prior(Y: sp.csr_matrix) -> np.ndarray:
    return np.asarray(Y.sum(axis=0)).ravel()


def _hide(Y: sp.csr_matrix, hidden: np.ndarray) -> sp.csr_matrix:
    keep = np.ones(Y.shape[0])
    keep[hidden] = 0.0
    out = sp.csr_matrix(sp.diags(keep) @ Y)
    out.eliminate_zeros()
    return out


@dataclass(frozen=True)
class Selection:
    """What ``auto`` chose: ``best``, the cross-validated scores of every candidate, the
    margin in Micro-F1 over the runner-up and over the vote baseline."""

    best: str
    scores: dict[str, Scores]
    folds: int
    margin: float
    runner_up: str | None
    over_vote: float | None


def cross_validate(
    graph: PropagationGraph,
    Y,
    methods: Sequence[str] = CANDIDATES,
    *,
    folds: int = 3,
    seed: int = 0,
) -> dict[str, Scores]:
    """Mean DeepWalk-protocol scores of each method over ``folds`` splits of the seed users."""
    Y = check_seeds(Y, graph.n_users)
    for name in methods:
        _check_method(name)
    seeds = seed_users(Y)
    if folds < 2 or len(seeds) < folds:
        raise ValueError(
            f"need folds={folds} >= 2 and at least {folds} seed users, got {len(seeds)}"
        )
    rng = np.random.default_rng(seed)
    parts = np.array_split(rng.permutation(seeds), folds)
    acc: dict[str, list[Scores]] = {m: [] for m in methods}
    truth_all = np.asarray(Y.todense()) > 0
    for part in parts:
        hidden = np.sort(part)
        Y_train = _hide(Y, hidden)
        prior = _prior(Y_train)
        for name in methods:
            F = propagate(graph, Y_train, name, seed=seed).F
            acc[name].append(score_predictions(F[hidden], truth_all[hidden], prior))
    return {
        m: Scores(
            micro_f1=float(np.mean([s.micro_f1 for s in v])),
            macro_f1=float(np.mean([s.macro_f1 for s in v])),
            accuracy=float(np.mean([s.accuracy for s in v])),
            n=int(sum(s.n for s in v)),
        )
        for m, v in acc.items()
    }


def select_method(
    graph: PropagationGraph,
    Y,
    methods: Sequence[str] = CANDIDATES,
    *,
    folds: int = 3,
    seed: int = 0,
) -> Selection:
    """``auto``: the candidate with the best cross-validated Micro-F1 (module docstring)."""
    scores = cross_validate(graph, Y, methods, folds=folds, seed=seed)
    ranked = sorted(scores, key=lambda m: (-scores[m].micro_f1, -scores[m].macro_f1, m))
    best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    return Selection(
        best=best,
        scores=scores,
        folds=folds,
        margin=scores[best].micro_f1 - scores[runner].micro_f1 if runner else 0.0,
        runner_up=runner,
        over_vote=scores[best].micro_f1 - scores["vote"].micro_f1 if "vote" in scores else None,
    )
