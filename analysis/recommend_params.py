"""Every parameter of the friend-of-friend recommenders and of their §7 simulation, its
default and its rules, in one frozen object.

:class:`RecommendParams` is built once where a run starts (``recommend USER``,
``recommend --all`` / ``--sample N``, ``analyze recommenders``, the report section, a test)
and travels unchanged to the engine that answers it: the per-user Cypher statements
``cypher/recommend_{cn,bb,aa}.cypher`` and the authority recommender, the sparse batch
(:func:`analysis.fof.recommend`), the §7 simulation (:func:`analysis.recsim.simulate`) and
Spark (:class:`beautygraph.engines.spark_fof.RecommendJob` carries the object).
Construction checks every rule and raises one :class:`kernel.params.InvalidParams` (a
``ValueError``) that names each offending value, so an invalid run fails before anything is
read or written.

The analysis functions that take these values one by one (:func:`analysis.fof.recommend`,
:func:`analysis.recsim.simulate`, :func:`analysis.recsim.sample_users`,
:func:`analysis.alf.recommend.algorithm2`) default to :data:`RECOMMEND_DEFAULTS` and check
through :func:`check_values`, the rules of the object itself.

This module uses the standard library only, so the command line reads its defaults
without importing numpy or scipy.

Aiello, Schifanella, Redi, Svetlichnaya, Liu, Osindero: "Beautiful and damned. Combined
effect of content quality and social ties on user engagement", IEEE TKDE 2017, §7 (CN and
BB±10, the simulation of Fig. 12); Pal et al., "Discovery of Topical Authorities in
Instagram", WWW 2016, §5 (the authority recommender).

>>> RecommendParams().method, RecommendParams().k, RecommendParams().tolerance
('learned', 10, 0.1)
>>> SIMULATION_DEFAULTS.sample
10000
>>> RecommendParams(k=0, tolerance=-0.5)
Traceback (most recent call last):
...
kernel.params.InvalidParams: invalid recommend parameters: k=0 must be an integer >= 1; tolerance=-0.5 must be a finite number >= 0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from kernel.params import InvalidParams, Problem, check_int

__all__ = [
    "BATCH_METHODS",
    "BATCH_MODES",
    "FAMILY",
    "METHODS",
    "RECOMMEND_DEFAULTS",
    "SIMULATION_DEFAULTS",
    "RecommendParams",
    "check_method",
    "check_values",
]

#: the name :class:`kernel.params.InvalidParams` gives this parameter set
FAMILY = "recommend"
#: every recommender that answers one user: common neighbours, beauty-balanced ±tolerance,
#: Adamic–Adar (§7) and the topical authorities (ALF §5)
METHODS: tuple[str, ...] = ("cn", "bb", "aa", "authority", "learned")
#: the friend-of-friend recommenders answered for many users at once by sparse matrices
#: (:mod:`analysis.fof`) and compared by the §7 simulation
BATCH_METHODS: tuple[str, ...] = ("cn", "bb", "aa")
#: every recommender ``recommend --all`` / ``--sample N`` answers: the friend-of-friend ones
#: and the learned ranker (a block of users per model call)
BATCH_MODES: tuple[str, ...] = (*BATCH_METHODS, "learned")


def _integral(value: Any) -> int | None:
    """``value`` as an int when it is a whole number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    as_float = float(value)
    return int(as_float) if math.isfinite(as_float) and as_float.is_integer() else None


def _int_rule(low: int) -> Callable[[str, Any], tuple[list[Problem], Any]]:
    def rule(name: str, value: Any) -> tuple[list[Problem], Any]:
        whole = _integral(value)
        if whole is None:  # the kernel's wording for a value that is no integer at all
            return check_int(name, value, low), value
        return check_int(name, whole, low), whole

    return rule


def _optional(
    rule: Callable[[str, Any], tuple[list[Problem], Any]],
) -> Callable[[str, Any], tuple[list[Problem], Any]]:
    return lambda name, value: ([], None) if value is None else rule(name, value)


def _tolerance_rule(name: str, value: Any) -> tuple[list[Problem], Any]:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok and math.isfinite(float(value)) and value >= 0:
        return [], float(value)
    return [Problem((name,), (value,), "must be a finite number >= 0")], value


def _share_rule(name: str, value: Any) -> tuple[list[Problem], Any]:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok and 0 <= float(value) <= 1:
        return [], float(value)
    return [Problem((name,), (value,), "must be a number in [0, 1]")], value


#: the rule of each numeric field: ``(problems, the value normalised)``
_RULES: dict[str, Callable[[str, Any], tuple[list[Problem], Any]]] = {
    "k": _int_rule(1),
    "tolerance": _tolerance_rule,
    "beauty_balance": _share_rule,
    "sample": _optional(_int_rule(1)),
    "seed": _int_rule(0),
    "n_boot": _int_rule(0),
    "max_paths": _int_rule(1),
}


def _method_problems(method: Any, allowed: tuple[str, ...], rule: str | None) -> list[Problem]:
    if isinstance(method, str) and method in allowed:
        return []
    return [Problem(("method",), (method,), rule or f"must be one of {', '.join(allowed)}")]


def check_values(allowed: tuple[str, ...] = METHODS, **values: Any) -> dict[str, Any]:
    """``values`` (fields of :class:`RecommendParams`, by name) checked by the object's rules
    — a ``method`` must be one of ``allowed`` — and normalised (whole numbers as ``int``,
    ``tolerance`` as ``float``); one :class:`kernel.params.InvalidParams` naming every
    offending value otherwise.  The analysis functions that take the values one by one
    check them here.

    >>> check_values(k=3.0, tolerance=1)
    {'k': 3, 'tolerance': 1.0}
    >>> check_values(BATCH_METHODS, method="authority")
    Traceback (most recent call last):
    ...
    kernel.params.InvalidParams: invalid recommend parameters: method='authority' must be one of cn, bb, aa
    """
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "method":
            problems += _method_problems(value, allowed, None)
            out[name] = value
        elif name in _RULES:
            found, out[name] = _RULES[name](name, value)
            problems += found
        else:
            raise TypeError(f"{name!r} is not a recommend parameter")
    if problems:
        raise InvalidParams(FAMILY, problems)
    return out


def check_method(method: Any, allowed: tuple[str, ...], rule: str | None = None) -> str:
    """``method`` when it is one of ``allowed`` (the methods one mode or engine answers),
    else one :class:`kernel.params.InvalidParams` naming it, with ``rule`` as the reason.

    >>> check_method("authority", BATCH_METHODS, "has no batch mode")
    Traceback (most recent call last):
    ...
    kernel.params.InvalidParams: invalid recommend parameters: method='authority' has no batch mode
    """
    problems = _method_problems(method, allowed, rule)
    if problems:
        raise InvalidParams(FAMILY, problems)
    return str(method)


@dataclass(frozen=True)
class RecommendParams:
    """The parameters of one recommender run (Beautiful and damned §7; ALF §5).

    Attributes
    ----------
    method : one of :data:`METHODS` — ``learned`` (the default: the gradient-boosted ranker
        of :mod:`analysis.linkpred`, which recovers hidden follows best on the real graphs
        of ``bench/bench_recommend.py --holdout``), ``cn`` (common neighbours), ``bb``
        (beauty-balanced: the most beautiful account at distance two within
        ``b(u)(1 ± tolerance)``), ``aa`` (Adamic–Adar), ``authority`` (Algorithm 2 of ALF,
        one user at a time only).
    k : recommendations per recipient.
    tolerance : the relative half-width of BB's beauty window (the paper's BB±10: 0.10).
    beauty_balance : λ, the share of each learned list's slots given to forlorn beauties
        (beautiful accounts with few followers; :mod:`analysis.linkpred.balance`); 0 is
        relevance only.  The default 0.1 (one slot of ten) is the largest λ of the
        hold-out's curve on the generated community that kept 95 % of the λ = 0
        precision@10 (98 %, forlorn share 0.158 against BB±10's 0.182; README, "Whom to
        follow").  Without beauty in the store there is nobody to promote and λ changes
        nothing.
    sample : a seeded random sample of this many recipients (None: every user; the
        simulation draws from the photographers with a positive beauty,
        :data:`SIMULATION_DEFAULTS` draws 10 000).
    seed : the seed of ``sample``, of the simulation's bootstrap and of the learned
        ranker's fit.
    n_boot : bootstrap resamples of the simulation's CN-vs-BB comparisons.
    max_paths : two-step paths expanded per chunk by the sparse engine (a memory bound; the
        answers do not depend on it).

    The §7 simulation gives every sampled user the rank-1 answer of each batch method, so
    it reads ``tolerance``, ``sample``, ``seed``, ``n_boot`` and ``max_paths``, not
    ``method`` or ``k``.
    """

    method: str = "learned"
    k: int = 10
    tolerance: float = 0.10
    beauty_balance: float = 0.1
    sample: int | None = None
    seed: int = 0
    n_boot: int = 200
    max_paths: int = 1_000_000

    def __post_init__(self) -> None:
        normal = check_values(**{f.name: getattr(self, f.name) for f in fields(self)})
        for name, value in normal.items():  # k = 3.0 becomes 3, tolerance = 1 becomes 1.0
            object.__setattr__(self, name, value)

    def window(self, user_beauty: float) -> tuple[float, float]:
        """BB's beauty window around ``user_beauty``: ``b(u)·(1 ∓ tolerance)``, the bounds
        ``cypher/recommend_bb.cypher``, :mod:`analysis.fof` and the Spark job apply.

        >>> tuple(round(x, 4) for x in RecommendParams().window(0.197))
        (0.1773, 0.2167)
        """
        return user_beauty * (1.0 - self.tolerance), user_beauty * (1.0 + self.tolerance)

    def with_changes(self, **changes: Any) -> RecommendParams:
        """A copy with the named fields replaced (checked again)."""
        return replace(self, **changes) if changes else self

    def to_dict(self) -> dict[str, Any]:
        """Plain values (JSON-safe); :meth:`from_dict` rebuilds the object."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> RecommendParams:
        """The object :meth:`to_dict` gave (checked again); unknown keys are an error."""
        unknown = sorted(set(values) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown recommend parameters {unknown}")
        return cls(**dict(values))


#: the defaults of ``recommend`` and of every function answering it
RECOMMEND_DEFAULTS = RecommendParams()
#: the defaults of ``analyze recommenders``: 10 000 sampled photographers
SIMULATION_DEFAULTS = RecommendParams(sample=10_000)
