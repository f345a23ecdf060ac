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
                 labelled-neighbour vote (:mod:`analysis.propagation.learned`);
``prone_lr``     the same learner on a ProNE embedding (Zhang et al., IJCAI 2019;
                 :mod:`analysis.propagation.prone`) plus each topic's share of a user's ties
                 — time O(follows · dim), memory O(users · dim), for any number of users.

A new method (another engine, another learner) is one :func:`register_method` call.

``auto`` (:func:`select_method`) runs every candidate on ``folds``-fold splits of the seed
users — each fold's seeds hidden in turn, the method run on the rest, the hidden ones scored
by the DeepWalk protocol — and picks the best mean Micro-F1 (Macro-F1 breaks ties).  It never
sees users outside ``Y``.  Which candidates it weighs depends on the graph's size
(:func:`auto_candidates`):

* up to :data:`DENSE_NETMF_MAX_USERS` users, all of :data:`CANDIDATES`, dense NetMF and
  ProNE alike, so NetMF stays wherever it cross-validates better;
* above, NetMF's dense V × V matrix is out (:data:`SCALABLE_CANDIDATES`);
* above :data:`ITERATIVE_MAX_USERS` users, label spreading and Theorem 1, which iterate
  over the whole graph and every topic until they converge, are not cross-validated
  either (:data:`LARGE_CANDIDATES`).

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
    "DENSE_NETMF_MAX_USERS",
    "ITERATIVE_MAX_USERS",
    "LARGE_CANDIDATES",
    "METHODS",
    "PRONE_DIM",
    "PRONE_MAX_TRAIN",
    "SCALABLE_CANDIDATES",
    "Method",
    "Propagated",
    "Selection",
    "auto_candidates",
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


#: ``prone_lr``'s embedding dimension.  On BlogCatalog (``bench/bench_propagation.py
#: --versus-netmf``) 256 brings it within a point of NetMF's F1 at 10 % and 90 % labelled,
#: where 128 fell 1.3 to 1.8 points short on Macro-F1 at 90 %.
PRONE_DIM = 256
#: ``prone_lr`` trains its classifiers on at most this many seed users, drawn at random:
#: the liblinear fits grow linearly with them.  On a generated 100,000-user community with
#: 89,920 seed users, 50,000 of them give Micro-F1 94.16 against 94.36 for all, at 61 % of
#: the CPU time (20,000: 93.98 at 21 %).
PRONE_MAX_TRAIN = 50_000


def _prone_lr(g: PropagationGraph, Y: sp.csr_matrix, seed: int) -> np.ndarray:
    return learned_scores(
        g,
        Y,
        seed=seed,
        embedding="prone",
        neighbours="shares",
        dim=PRONE_DIM,
        max_train=PRONE_MAX_TRAIN,
    ).F


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
        "prone_lr",
        _prone_lr,
        "logistic regression on a ProNE embedding + neighbours' topic shares",
        "Zhang et al., ProNE: Fast and Scalable Network Representation Learning, IJCAI 2019",
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

#: methods ``auto`` chooses from on a graph of at most :data:`DENSE_NETMF_MAX_USERS` users,
#: and the baselines reported beside them
CANDIDATES: tuple[str, ...] = (
    "algorithm1",
    "alf_interests",
    "theorem1",
    "spreading",
    "netmf_lr",
    "prone_lr",
    "vote",
)
BASELINES: tuple[str, ...] = ("majority", "vote")
#: ``auto``'s candidates above :data:`DENSE_NETMF_MAX_USERS` users: no dense V × V matrix
SCALABLE_CANDIDATES: tuple[str, ...] = tuple(m for m in CANDIDATES if m != "netmf_lr")
#: ``auto``'s candidates above :data:`ITERATIVE_MAX_USERS` users: one pass over the graph
#: per topic block (Algorithm 1, the vote) or O(follows · dim) (``prone_lr``)
LARGE_CANDIDATES: tuple[str, ...] = tuple(
    m for m in SCALABLE_CANDIDATES if m not in ("spreading", "theorem1")
)
#: Above this many users ``auto`` no longer weighs ``netmf_lr``.  Measured
#: (``bench/bench_propagation.py --threshold`` and ``--versus-netmf``; CPU seconds of the
#: embedding, Micro-/Macro-F1 of ``netmf_lr`` vs ``prone_lr``): on generated communities
#: with 10 follows per user and 10 % labelled, NetMF takes 48 / 89 / 156 CPU s at 5,000 /
#: 10,000 / 20,000 users against ProNE's 1.8 / 2.7 / 4.5 s and is never better (80.9 vs
#: 86.7, 86.3 vs 88.6, 90.1 vs 90.4 Micro-F1); on BlogCatalog (10,312 users) it takes 68
#: CPU s against 2.3 s and is better by up to 0.9 point.  Dense NetMF is kept as long as
#: its V × V matrix is formed at all (20,000 users: 1.6 GB in float32, 2.6 CPU minutes),
#: so ``auto`` keeps it wherever it cross-validates better; above, its streamed path
#: (10 minutes on BlogCatalog's 10,000 users, growing as V²) never pays.
DENSE_NETMF_MAX_USERS = 20_000
#: Above this many users ``auto`` no longer cross-validates label spreading and Theorem 1:
#: each run iterates to convergence over every follow and topic (at 100,000 users and
#: 1M follows, 50 topics: 7 and 4 CPU s per run, so three folds at a million users would
#: take 3–4 CPU minutes on top of ``prone_lr``), and neither won on any graph measured.
ITERATIVE_MAX_USERS = 200_000


def auto_candidates(n_users: int) -> tuple[str, ...]:
    """The methods ``auto`` cross-validates on a graph of ``n_users`` users (module
    docstring).

    >>> "netmf_lr" in auto_candidates(10_000), "netmf_lr" in auto_candidates(50_000)
    (True, False)
    >>> auto_candidates(1_000_000)
    ('algorithm1', 'alf_interests', 'prone_lr', 'vote')
    """
    if n_users <= DENSE_NETMF_MAX_USERS:
        return CANDIDATES
    if n_users <= ITERATIVE_MAX_USERS:
        return SCALABLE_CANDIDATES
    return LARGE_CANDIDATES


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
    methods: Sequence[str] | None = None,
    *,
    folds: int = 3,
    seed: int = 0,
) -> Selection:
    """``auto``: the candidate with the best cross-validated Micro-F1 (module docstring);
    ``methods`` None weighs :func:`auto_candidates` of the graph's size."""
    if methods is None:
        methods = auto_candidates(graph.n_users)
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
