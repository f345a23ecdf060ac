"""Judging authorities without a truth file: hide follows and see whether the authority
recommender (ALF §5, Algorithm 2) recovers them, in the one hold-out evaluation that every
whom-to-follow recommender gets (:func:`analysis.linkpred.evaluate.evaluate_recommenders`).

Protocol.  ``n_users`` drawn followers hide a share ``share`` of their follows
(:func:`analysis.linkpred.split.hide_follows`; on a reciprocal graph every hidden ``u → v``
takes ``v → u`` with it, or "follow back" would hand the answer over).  On the remaining
graph ``A'`` ALF is found again (Algorithm 1, :func:`analysis.alf.find_authorities`, with the
Pass 1 denominator and the evidence rule of :class:`analysis.alf.params.AlfParams`) and
:func:`analysis.linkpred.topics.topic_recommendations` gives Algorithm 2's lists beside the
two topic baselines (most-followed within the user's topics, topic PageRank).  The other
baselines of the evaluation (CN, AA, personalised PageRank, most-followed, PageRank, random,
and BB±10 when beauty is given) run on the same ``A'``; all are scored by
:mod:`analysis.linkpred.metrics` on the same users and hidden follows, each with the
paired-bootstrap interval of its precision minus the best baseline's.  With the same seed,
the shared methods' figures are those of ``analyze recommenders --holdout-follows``.

What is particular to authorities: how many authorities ``A'`` still yields, and how many
drawn users have a seed interest.  The topic baselines serve no one else; Algorithm 2 serves
whoever follows an authority (its topics are those of the authorities a user follows, §5),
and an empty list counts as ``k`` misses in precision@k.

Example
-------
Only user 0 follows two accounts, so only 0 is drawn; it hides one of its two follows and,
every follow being reciprocal, the reverse one goes too:

>>> import numpy as np, scipy.sparse as sp
>>> from analysis.alf.params import AlfParams
>>> A = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float))
>>> S = sp.csr_matrix(np.array([[1.0], [0.0], [0.0]]))
>>> res = evaluate_follow_holdout(A, S, 0.5, k=2, params=AlfParams(min_support=0), n_boot=10)
>>> d = res.to_dict()
>>> d["reciprocal_pairs_hidden_together"], d["n_users"], d["n_hidden"], d["follows_removed"]
(True, 1, 1, 2)
>>> d["users_with_interests"], sorted(d["methods"])[:3]
(1, ['aa', 'authority', 'cn'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from analysis.alf.authorities import binary_seeds
from analysis.alf.params import ALF_DEFAULTS, AlfParams
from analysis.linkpred.evaluate import RecommenderEvaluation, evaluate_recommenders
from analysis.linkpred.split import hide_follows
from analysis.linkpred.topics import topic_authorities, topic_recommendations

__all__ = ["FollowHoldout", "evaluate_follow_holdout"]


@dataclass(frozen=True)
class FollowHoldout:
    """Result of :func:`evaluate_follow_holdout`.

    Attributes
    ----------
    evaluation : every method's figures, as ``analyze recommenders`` reports them.
    share : the share of each drawn user's follows hidden.
    n_authorities : users found an authority (on some topic) on the remaining graph.
    users_with_interests : drawn users with a seed interest, the only ones the topic
        baselines serve.
    follows_removed : follows taken out of the graph: the hidden ones and, when pairs
        were hidden together, their reverse directions.
    users_in_graph, follows_in_graph : the size of the whole graph.
    """

    evaluation: RecommenderEvaluation
    share: float
    n_authorities: int
    users_with_interests: int
    follows_removed: int
    users_in_graph: int
    follows_in_graph: int

    def to_dict(self) -> dict[str, Any]:
        """The evaluation's JSON object (:meth:`RecommenderEvaluation.to_json`) with the
        counts particular to authorities."""
        return {
            **self.evaluation.to_json(),
            "share": self.share,
            "authorities": self.n_authorities,
            "users_with_interests": self.users_with_interests,
            "follows_removed": self.follows_removed,
            "users_in_graph": self.users_in_graph,
            "follows_in_graph": self.follows_in_graph,
        }


def _binary_seeds(S_c: sp.spmatrix, n: int) -> sp.csr_matrix:
    S = binary_seeds(S_c, n)
    if S.nnz == 0:
        raise ValueError("no user has a seed interest: there is no authority to judge")
    return S


def evaluate_follow_holdout(
    A: sp.spmatrix,
    S_c: sp.spmatrix,
    share: float = 0.2,
    *,
    k: int = 10,
    seed: int = 0,
    n_users: int | None = 1000,
    params: AlfParams = ALF_DEFAULTS,
    beauty: np.ndarray | None = None,
    forlorn: np.ndarray | None = None,
    n_boot: int = 1000,
) -> FollowHoldout:
    """Hide ``share`` of the follows of ``n_users`` drawn users (None: every user following
    at least two accounts), find the authorities again without them and score Algorithm 2
    beside every baseline (module docstring).

    ``S_c`` is users × topics seed interests (any positive value counts); ``beauty`` (NaN =
    none) adds BB±10, ``forlorn`` (a mask of forlorn-beauty accounts) the share of
    recommendations that reach them; ``n_boot`` bootstrap samples give the intervals.
    """
    A = sp.csr_matrix(A, dtype=np.float64)
    S = _binary_seeds(S_c, A.shape[0])
    # the evaluation seeds one generator with ``seed`` and draws its split first; the same
    # draw here is the remaining graph on which ALF is found again
    split = hide_follows(A, share, n_users=n_users, rng=np.random.default_rng(seed))
    if not len(split.users):
        raise ValueError("no user follows at least two accounts: no follow can be hidden")
    authorities = topic_authorities(split.train, S, params)
    topic_lists = topic_recommendations(split.train, S, split.users, k, params, authorities)
    evaluation = evaluate_recommenders(
        A,
        share,
        k,
        n_users=n_users,
        seed=seed,
        learned=False,
        n_boot=n_boot,
        beauty=beauty,
        forlorn=forlorn,
        extra_methods=topic_lists,
    )
    if (evaluation.n_users, evaluation.n_hidden) != (len(split.users), len(split.hidden)):
        raise RuntimeError("the evaluation drew another split than the authorities ran on")
    A_loopless = A - sp.diags(A.diagonal())
    A_loopless.eliminate_zeros()
    return FollowHoldout(
        evaluation=evaluation,
        share=float(share),
        n_authorities=int((authorities.topic >= 0).sum()),
        users_with_interests=int(np.count_nonzero(S.getnnz(axis=1)[split.users])),
        follows_removed=int(A_loopless.nnz - split.train.nnz),
        users_in_graph=int(A.shape[0]),
        follows_in_graph=int(A.nnz),
    )
