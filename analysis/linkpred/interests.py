"""The learned ranker's interest signals of one follow graph: propagated interests and
topical authorities (ALF: Pal et al., "Discovery of Topical Authorities in Instagram",
WWW 2016).

From the follow graph ``A`` and the seed interests ``S`` (users × topics; any positive value
counts), :func:`interest_signals` computes, once per graph:

* ALF's Algorithm 1 (§4.2, :func:`analysis.alf.algorithm1`): each account's label scores
  ``F = Fᵉ + Fⁱ`` (what the people who follow it are interested in) and each user's
  re-estimated interests ``Sⁱ`` (Pass 2: the mean label of the accounts she follows);
* a user's **interests** ``I_u``: her seed row plus ``Sⁱ_u``, scaled to length 1 — her
  declared topics where she has any, else those of whom she follows (the propagated
  interests);
* an account's **profile** ``P_v``: its row of ``F`` scaled to length 1;
* ALF's authorities (§4.3, with the filters and the evidence rule of
  :class:`analysis.alf.params.AlfParams`,
  :func:`analysis.linkpred.topics.topic_authorities`): each account is an authority on at
  most one topic ``t_v`` (Eq. 2), with the weighted z-score ``wzf`` of Eq. 8; its
  **strength** ``s_v`` is that score over the best one of the topic (1 for a topic's first
  authority, 0 for an account that is none).

For a pair ``(u, v)`` the ranker reads two features and one candidate source from these:

* ``interest_match`` = ``⟨I_u, P_v⟩`` — how close the interests of ``v``'s followers are
  to ``u``'s (:func:`match_row`);
* ``authority`` = ``I_u[t_v] · s_v`` — ``v``'s authority score in ``u``'s topics: 0 where
  ``v`` is no authority or ``u`` has no interest in its topic (:func:`authority_row`);
* the ``auth`` candidates: the accounts with the highest ``authority`` for ``u`` — the
  topic authorities of the user's interests.

The signals are computed on whatever graph the ranker is given — each training round's,
an evaluation's remaining graph, the served graph — like the embedding, so a hidden follow
never reaches them.  One user's rows come from the same two functions whether the user
is in a block (:func:`analysis.linkpred.signals.block_signals`) or served alone
(:mod:`analysis.linkpred.serving`), so both see the same numbers.

>>> import numpy as np, scipy.sparse as sp
>>> follows = ([0, 1, 2, 3, 0, 6], [4, 4, 4, 4, 5, 5])   # 0-3 follow 4; 0 and 6 follow 5
>>> A = sp.csr_matrix((np.ones(6), follows), shape=(7, 7))
>>> S = sp.csr_matrix(np.array([[1.0]] * 4 + [[0.0]] * 3))   # 0-3 declare the one topic
>>> s = interest_signals(A, S)
>>> s.topic.tolist()                  # 4 is the topic's authority
[-1, -1, -1, -1, 0, -1, -1]
>>> authority_row(s, 6).tolist()      # 6 declared nothing; following 5 gives her the topic
[0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from analysis.alf.algorithm1 import algorithm1
from analysis.alf.authorities import binary_seeds
from analysis.alf.params import ALF_DEFAULTS, AlfParams

__all__ = ["InterestSignals", "authority_row", "interest_signals", "match_row"]


@dataclass(frozen=True)
class InterestSignals:
    """One graph's interest signals (module docstring): ``interests`` and ``profile`` are
    accounts × topics unit rows (float32: a million accounts and fifty topics are 200 MB
    each), ``topic`` each account's authority topic (−1: none) and ``strength`` its
    authority strength in [0, 1] (0: none)."""

    interests: np.ndarray
    profile: np.ndarray
    topic: np.ndarray
    strength: np.ndarray

    @property
    def n_authorities(self) -> int:
        return int(np.count_nonzero(self.topic >= 0))


def _strength(topic: np.ndarray, score: np.ndarray, n_topics: int) -> np.ndarray:
    """Each authority's score over the best score of its topic (module docstring)."""
    best = np.zeros(n_topics)
    is_auth = topic >= 0
    np.maximum.at(best, topic[is_auth], score[is_auth])
    out = np.zeros(len(topic))
    out[is_auth] = score[is_auth] / best[topic[is_auth]]
    return out


def interest_signals(
    A: sp.spmatrix, seeds: sp.spmatrix, params: AlfParams = ALF_DEFAULTS
) -> InterestSignals:
    """The interest signals of the graph ``A`` with the seed interests ``seeds`` (module
    docstring); ``params`` are ALF's (the Pass 1 denominator, the filters, the evidence
    rule)."""
    # imported here: signals imports this module for its row functions
    from analysis.linkpred.signals import unit_rows
    from analysis.linkpred.topics import topic_authorities

    A = sp.csr_matrix(A, dtype=np.float64)
    S = binary_seeds(seeds, A.shape[0])
    run = algorithm1(A, S, pass1_denominator=params.pass1_denominator)
    found = topic_authorities(A, S, params, propagation=run)
    # every authority's wzf is positive (ALF's eligibility: ZF > 0 and more than one
    # topical follower), so the strength lies in (0, 1]
    strength = _strength(found.topic, np.nan_to_num(found.score), S.shape[1])
    return InterestSignals(
        interests=unit_rows(S.toarray() + run.S_i).astype(np.float32),
        profile=unit_rows(run.F).astype(np.float32),
        topic=found.topic.astype(np.int64),
        strength=strength,
    )


def authority_row(s: InterestSignals, u: int) -> np.ndarray:
    """``authority`` of user ``u`` against every account: ``I_u[t_v] · s_v``."""
    weight = s.interests[u].astype(np.float64)[np.maximum(s.topic, 0)]
    return weight * s.strength


def match_row(s: InterestSignals, u: int) -> np.ndarray:
    """``interest_match`` of user ``u`` against every account: ``⟨I_u, P_v⟩``, one pass
    over the profile rows (``einsum``'s own loop, as
    :func:`analysis.linkpred.signals.cosine_row`)."""
    return np.einsum("ij,j->i", s.profile, s.interests[u]).astype(np.float64)
