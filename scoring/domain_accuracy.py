"""Top-k *domain* accuracy of an ImageNet CNN against hand-labelled photos, with chance.

Interest profiling from pictures (§3, Table 1) compares CNNs by how well the BabelNet
domains of their labels match the domains of the photos' tags, aggregated per user.  This
module asks the same question one photo at a time, which needs no users or tags: each photo
carries a hand-given domain (and optionally a second acceptable one), and a CNN is scored by
whether that domain is among the first ``k`` domains of the photo's *domain ranking*.

Notation
--------
``p[i, c]``
    the CNN's softmax probability of ImageNet class ``c`` for photo ``i``.
``dom(c)``
    the BabelNet domain of class ``c`` (``None`` when it has none), as ``score interests``
    maps a label (``label_mapping="class"``: the class's own WordNet synset).
ranking of photo ``i``
    the classes in decreasing ``p[i, c]`` (ties: lower index first), each replaced by
    ``dom(c)``, domain-less classes and repeats dropped.  Its first entry is the domain that
    ``score interests`` gives the photo whenever the top-1 class has a domain.
top-k hit
    the hand domain is among the first ``k`` entries of the ranking; *either* hit: the hand
    domain or the second acceptable one is.

Chance, two ways (:func:`chance_accuracy`):

* ``uniform`` — a uniformly random ranking of the ``D = 34`` domains: a photo with ``m``
  accepted domains is hit with probability ``1 - C(D - m, k) / C(D, k)`` (``k / D`` for
  ``m = 1``), averaged over the photos;
* ``majority`` — always answer the ``k`` most common hand domains of the set itself (ties
  by the vocabulary's order).  It peeks at the labels, so it is an optimistic baseline.

References
----------
.. [1] "Interest profiling from pictures" (the paper text prints no title line; cited
   by this name).  Authors, venue and year are not stated in the paper text; it cites
   work up to 2016.  A user's interests from the ImageNet CNN labels of their pictures,
   generalised to BabelNet domains (http://babelnet.org) and scored by F1 against the
   domains of the photos' tags: 60,000 Flickr images of 300 users, AlexNet, VGG16,
   VGG19, GoogleNet, ResNet-50.  URL given in the paper (its online demo):
   http://interestprofile.ml
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb

import numpy as np
import pandas as pd

from kernel.vocabulary import BABELNET_DOMAINS

__all__ = [
    "DomainAccuracy",
    "DomainChance",
    "accuracy_frame",
    "chance_accuracy",
    "domain_accuracy",
    "rank_domains",
]


def rank_domains(
    probs, class_domains: Sequence[str | Sequence[str] | None]
) -> list[tuple[str, ...]]:
    """Each photo's domain ranking from its class probabilities (see the module notation).

    ``class_domains[c]`` is class ``c``'s domain, ``None``, or a tuple of domains (a label
    looked up as a word may have several; they enter the ranking in their order).

    >>> rank_domains([[0.1, 0.5, 0.3, 0.1]], ["Animals", None, "Music", "Animals"])
    [('Music', 'Animals')]
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != len(class_domains):
        raise ValueError(
            f"probs must be (n, {len(class_domains)}) for {len(class_domains)} class domains; "
            f"got shape {p.shape}"
        )
    per_class = [
        () if d is None else (d,) if isinstance(d, str) else tuple(d) for d in class_domains
    ]
    # stable sort of -p: equal probabilities keep the class order, so the ranking is unique
    order = np.argsort(-p, axis=1, kind="stable")
    out = []
    for row in order:
        seen: dict[str, None] = {}  # insertion-ordered set
        for c in row:
            for d in per_class[int(c)]:
                seen.setdefault(d, None)
        out.append(tuple(seen))
    return out


def _accepted(gold: Sequence[str], alt: Sequence[str | None] | None) -> list[frozenset[str]]:
    if alt is None:
        return [frozenset([g]) for g in gold]
    if len(alt) != len(gold):
        raise ValueError(f"{len(gold)} hand domains but {len(alt)} second domains")
    return [frozenset([g] + ([a] if a else [])) for g, a in zip(gold, alt, strict=True)]


def _hit_rate(rankings: Sequence[Sequence[str]], accepted: Sequence[frozenset[str]], k: int):
    hits = [bool(acc.intersection(r[:k])) for r, acc in zip(rankings, accepted, strict=True)]
    return float(np.mean(hits)) if hits else float("nan")


@dataclass(frozen=True)
class DomainAccuracy:
    """Top-1 / top-5 domain accuracy of one CNN over ``n`` photos.

    ``top1`` / ``top5`` count the hand domain only; ``top1_either`` / ``top5_either`` also
    accept the second domain where the labeller gave one.  ``rankings`` holds each photo's
    first five domains.
    """

    model: str
    n: int
    top1: float
    top5: float
    top1_either: float
    top5_either: float
    rankings: tuple[tuple[str, ...], ...]

    def row(self) -> dict:
        return {
            "model": self.model,
            "n_photos": self.n,
            "top1": self.top1,
            "top5": self.top5,
            "top1_either": self.top1_either,
            "top5_either": self.top5_either,
        }


def domain_accuracy(
    rankings: Sequence[Sequence[str]],
    gold: Sequence[str],
    alt: Sequence[str | None] | None = None,
    *,
    model: str = "",
) -> DomainAccuracy:
    """Top-1 and top-5 accuracy of domain ``rankings`` against the hand domains ``gold``
    (and the second acceptable domains ``alt``, ``None``/"" where there is none).

    >>> r = [("Animals", "Music"), ("Music", "Biology", "Farming"), ("Biology",)]
    >>> acc = domain_accuracy(r, ["Animals", "Biology", "Music"], [None, "Music", None])
    >>> [round(x, 4) for x in (acc.top1, acc.top5, acc.top1_either, acc.top5_either)]
    [0.3333, 0.6667, 0.6667, 0.6667]
    """
    if len(rankings) != len(gold):
        raise ValueError(f"{len(rankings)} rankings but {len(gold)} hand domains")
    strict = _accepted(gold, None)
    either = _accepted(gold, alt)
    return DomainAccuracy(
        model=model,
        n=len(gold),
        top1=_hit_rate(rankings, strict, 1),
        top5=_hit_rate(rankings, strict, 5),
        top1_either=_hit_rate(rankings, either, 1),
        top5_either=_hit_rate(rankings, either, 5),
        rankings=tuple(tuple(r[:5]) for r in rankings),
    )


@dataclass(frozen=True)
class DomainChance:
    """Chance accuracies beside :class:`DomainAccuracy` (see the module docstring).

    ``uniform_*``: a uniformly random ranking of ``n_domains`` domains; ``majority_*``:
    always the most common hand domains of the set (``majority_domains``, most common
    first).  ``*_either`` accept the second domain too.
    """

    n: int
    n_domains: int
    uniform_top1: float
    uniform_top5: float
    uniform_top1_either: float
    uniform_top5_either: float
    majority_top1: float
    majority_top5: float
    majority_top1_either: float
    majority_top5_either: float
    majority_domains: tuple[str, ...]

    def rows(self) -> list[dict]:
        """Two table rows in :meth:`DomainAccuracy.row`'s columns."""
        return [
            {
                "model": f"chance: random ranking of {self.n_domains}",
                "n_photos": self.n,
                "top1": self.uniform_top1,
                "top5": self.uniform_top5,
                "top1_either": self.uniform_top1_either,
                "top5_either": self.uniform_top5_either,
            },
            {
                "model": "chance: most common domains",
                "n_photos": self.n,
                "top1": self.majority_top1,
                "top5": self.majority_top5,
                "top1_either": self.majority_top1_either,
                "top5_either": self.majority_top5_either,
            },
        ]


def _uniform(accepted: Sequence[frozenset[str]], k: int, n_domains: int) -> float:
    # P(at least one of m accepted domains among the first k of a random permutation)
    probs = [1.0 - comb(n_domains - len(a), k) / comb(n_domains, k) for a in accepted]
    return float(np.mean(probs)) if probs else float("nan")


def chance_accuracy(
    gold: Sequence[str],
    alt: Sequence[str | None] | None = None,
    *,
    domains: Sequence[str] = BABELNET_DOMAINS,
) -> DomainChance:
    """Chance top-1 / top-5 accuracies for the hand domains ``gold`` (and ``alt``).

    >>> ch = chance_accuracy(["Animals", "Animals", "Music"], [None, None, "Biology"])
    >>> round(ch.uniform_top1, 4) == round(1 / 34, 4), round(ch.uniform_top5, 4)
    (True, 0.1471)
    >>> ch.majority_domains[:2], round(ch.majority_top1, 4), ch.majority_top5
    (('Animals', 'Music'), 0.6667, 1.0)
    """
    unknown = sorted({d for d in gold if d not in domains})
    if unknown:
        raise ValueError(f"hand domains not in the vocabulary: {unknown}")
    strict = _accepted(gold, None)
    either = _accepted(gold, alt)
    d = len(domains)
    position = {name: i for i, name in enumerate(domains)}
    counts = Counter(gold)
    # most common first; ties in the vocabulary's order, so the baseline is deterministic
    majority = tuple(sorted(counts, key=lambda x: (-counts[x], position[x])))
    # the guess is one fixed ranking for every photo
    fixed = [majority] * len(gold)
    return DomainChance(
        n=len(gold),
        n_domains=d,
        uniform_top1=_uniform(strict, 1, d),
        uniform_top5=_uniform(strict, 5, d),
        uniform_top1_either=_uniform(either, 1, d),
        uniform_top5_either=_uniform(either, 5, d),
        majority_top1=_hit_rate(fixed, strict, 1),
        majority_top5=_hit_rate(fixed, strict, 5),
        majority_top1_either=_hit_rate(fixed, either, 1),
        majority_top5_either=_hit_rate(fixed, either, 5),
        majority_domains=majority,
    )


def accuracy_frame(results: Sequence[DomainAccuracy], chance: DomainChance) -> pd.DataFrame:
    """The comparison table: one row per CNN, then the two chance rows."""
    return pd.DataFrame([r.row() for r in results] + chance.rows())
