"""Interest propagation: a score for every (user, topic) from seed interests and the
follower graph, by several methods, and their evaluation.

* :mod:`analysis.propagation.graph` — inputs (follow matrix ``A``, seeds ``Y``, neighbour
  matrix ``W``);
* :mod:`analysis.propagation.baselines` — majority topic and one-pass weighted vote;
* :mod:`analysis.propagation.spreading` — label spreading (Zhou et al. 2004);
* :mod:`analysis.propagation.embedding` — NetMF spectral embedding (Qiu et al. 2018);
* :mod:`analysis.propagation.prone` — ProNE embedding (Zhang et al. 2019): sparse
  randomized tSVD and Chebyshev spectral propagation, O(follows · dim);
* :mod:`analysis.propagation.learned` — logistic regression over graph features;
* :mod:`analysis.propagation.evaluation` — the DeepWalk protocol, Micro/Macro-F1,
  accuracy@1;
* :mod:`analysis.propagation.methods` — the method registry, ``propagate`` and ``auto``
  (cross-validated choice); ALF's Algorithm 1 / Theorem 1 are reused from
  :mod:`analysis.alf.algorithm1`;
* :mod:`analysis.propagation.holdout` — hide seed users, run every method, score;
* :mod:`analysis.propagation.planted` — generated follower graphs with planted interests
  (a degree-corrected planted partition), for measuring at any size.

Orientation: matrices are users × topics (row ``u`` is node ``u`` of an export).

References
----------
.. [1] A. Pal, A. Herdağdelen, S. Chatterji, S. Taank, D. Chakrabarti. "Discovery of
   Topical Authorities in Instagram." Proceedings of the 25th International Conference on
   World Wide Web (WWW 2016). https://doi.org/10.1145/2872427.2883078
.. [2] D. Zhou, O. Bousquet, T. N. Lal, J. Weston, B. Schölkopf. "Learning with Local and
   Global Consistency." Advances in Neural Information Processing Systems 16 (NIPS 2003),
   MIT Press, 2004.
   https://papers.nips.cc/paper/2506-learning-with-local-and-global-consistency
.. [3] J. Qiu, Y. Dong, H. Ma, J. Li, K. Wang, J. Tang. "Network Embedding as Matrix
   Factorization: Unifying DeepWalk, LINE, PTE, and node2vec." Proceedings of the 11th ACM
   International Conference on Web Search and Data Mining (WSDM 2018).
   https://doi.org/10.1145/3159652.3159706
.. [4] B. Perozzi, R. Al-Rfou, S. Skiena. "DeepWalk: Online Learning of Social
   Representations." Proceedings of the 20th ACM SIGKDD International Conference on
   Knowledge Discovery and Data Mining (KDD 2014). https://doi.org/10.1145/2623330.2623732
.. [5] L. Tang, H. Liu. "Relational Learning via Latent Social Dimensions." Proceedings of
   the 15th ACM SIGKDD International Conference on Knowledge Discovery and Data Mining
   (KDD 2009). https://doi.org/10.1145/1557019.1557109
.. [6] S. A. Macskassy, F. Provost. "Classification in Networked Data: A Toolkit and a
   Univariate Case Study." Journal of Machine Learning Research 8:935–983, 2007.
   https://jmlr.org/papers/v8/macskassy07a.html
.. [7] J. Zhang, Y. Dong, Y. Wang, J. Tang, M. Ding. "ProNE: Fast and Scalable Network
   Representation Learning." Proceedings of the 28th International Joint Conference on
   Artificial Intelligence (IJCAI 2019).
.. [8] N. Halko, P.-G. Martinsson, J. A. Tropp. "Finding Structure with Randomness:
   Probabilistic Algorithms for Constructing Approximate Matrix Decompositions." SIAM
   Review 53(2):217–288, 2011. https://doi.org/10.1137/090771806
"""

from analysis.propagation.evaluation import Scores, score_predictions
from analysis.propagation.graph import PropagationGraph
from analysis.propagation.methods import (
    BASELINES,
    CANDIDATES,
    DENSE_NETMF_MAX_USERS,
    METHODS,
    SCALABLE_CANDIDATES,
    Method,
    Propagated,
    Selection,
    auto_candidates,
    propagate,
    register_method,
    select_method,
)

__all__ = [
    "BASELINES",
    "CANDIDATES",
    "DENSE_NETMF_MAX_USERS",
    "METHODS",
    "SCALABLE_CANDIDATES",
    "Method",
    "Propagated",
    "PropagationGraph",
    "Scores",
    "Selection",
    "auto_candidates",
    "propagate",
    "register_method",
    "score_predictions",
    "select_method",
]
