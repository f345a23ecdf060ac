"""ALF — the Authority Learning Framework of Pal et al., WWW 2016
(ALF (Discovery of Topical Authorities in Instagram)).

* :mod:`analysis.alf.algorithm1` — Algorithm 1 and the general solution of Theorem 1
  (§4.2, appendix);
* :mod:`analysis.alf.authorities` — log-normal z-scores, wzf, one topic per user and the
  two false-positive filters (§4.3, Eq. 2, 6, 8, 9);
* :mod:`analysis.alf.recommend` — the authority-based recommender (§5, Algorithm 2, Eq. 10);
* :mod:`analysis.alf.table6` — precision/recall@k and the PageRank / "No weighting"
  baselines (§6.3, Table 6).
* :mod:`analysis.alf.follow_holdout` — judging authorities without a truth file: hidden
  follow links recovered by Algorithm 2 and its baselines.

Orientation: the paper writes score matrices as topics × users (``S``, ``F`` are
``|T| × |V|``).  Here every matrix is its transpose, users × topics, so that row ``u`` is
user ``u`` of an exported :class:`graphdb.base.NodeTable`.

References
----------
.. [1] A. Pal, A. Herdağdelen, S. Chatterji, S. Taank, D. Chakrabarti. "Discovery of
   Topical Authorities in Instagram." Proceedings of the 25th International Conference
   on World Wide Web (WWW 2016), Montréal. https://doi.org/10.1145/2872427.2883078
"""

from analysis.alf.algorithm1 import (
    GeneralSolution,
    Propagation,
    algorithm1,
    closed_form,
    corollary1,
    follow_matrix,
    general_solution,
)
from analysis.alf.authorities import AuthorityResult, find_authorities, zscores

__all__ = [
    "AuthorityResult",
    "GeneralSolution",
    "Propagation",
    "algorithm1",
    "closed_form",
    "corollary1",
    "find_authorities",
    "follow_matrix",
    "general_solution",
    "zscores",
]
