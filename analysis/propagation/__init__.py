"""Interest propagation: a score for every (user, topic) from seed interests and the
follower graph, by several methods, and their evaluation.

* :mod:`analysis.propagation.graph` — inputs (follow matrix ``A``, seeds ``Y``, neighbour
  matrix ``W``);
* :mod:`analysis.propagation.baselines` — majority topic and one-pass weighted vote;
* :mod:`analysis.propagation.spreading` — label spreading (Zhou et al. 2004);
* :mod:`analysis.propagation.embedding` — NetMF spectral embedding (Qiu et al. 2018);
* :mod:`analysis.propagation.learned` — logistic regression over graph features;
* :mod:`analysis.propagation.evaluation` — the DeepWalk protocol, Micro/Macro-F1,
  accuracy@1;
* :mod:`analysis.propagation.methods` — the method registry, ``propagate`` and ``auto``
  (cross-validated choice); ALF's Algorithm 1 / Theorem 1 are reused from
  :mod:`analysis.alf.propagation`;
* :mod:`analysis.propagation.holdout` — hide seed users, run every method, score.

Orientation: matrices are users × topics (row ``u`` is node ``u`` of an export).
"""

from analysis.propagation.evaluation import Scores, score_predictions
from analysis.propagation.graph import PropagationGraph
from analysis.propagation.methods import (
    BASELINES,
    CANDIDATES,
    METHODS,
    Method,
    Propagated,
    Selection,
    propagate,
    register_method,
    select_method,
)

__all__ = [
    "BASELINES",
    "CANDIDATES",
    "METHODS",
    "Method",
    "Propagated",
    "PropagationGraph",
    "Scores",
    "Selection",
    "propagate",
    "register_method",
    "score_predictions",
    "select_method",
]
