"""Every parameter of an interest propagation and of its hold-out evaluation, its default
and its rules, in two frozen objects.

:class:`PropagationParams` holds one propagation (``interests propagate``): the method
(one of :data:`analysis.propagation.METHODS`, or ``auto``, chosen by ``folds``-fold
cross-validation on the seed users), the ``top`` topics kept per user, the seed, the seed
sources and the tie direction.  :class:`PropagationEvalParams` holds the hold-out
evaluation (``analyze propagation``, the DeepWalk protocol of Perozzi et al. 2014 §5.1):
the hidden share of the seed users, the repeats and the labelled fractions of the F1
curve.  Each is built once where a run starts (the command, a report section, a test)
and travels unchanged to the engine that carries it out: the scipy path
(:mod:`analysis.propagation.methods`, :mod:`analysis.propagation.holdout`) or Spark
(:class:`beautygraph.engines.spark_propagation.PropagationJob`, which receives
:meth:`PropagationParams.to_dict` and rebuilds it with :meth:`PropagationParams.from_dict`).
Construction checks every rule and raises one :class:`kernel.params.InvalidParams` (a
``ValueError``) naming each offending value by its parameter, so a bad run fails before
anything is read or written; the command line spells the parameters as its flags.

``sources`` None means every seed source with interests in the store (the command's
default); whoever reads the store fills it in.

>>> PropagationParams().method, PropagationParams().top, PropagationParams().folds
('auto', 5, 3)
>>> PropagationParams(sources=[" bio", "declared", "bio"]).sources
('bio', 'declared')
>>> PropagationParams(top=0, direction="up")
Traceback (most recent call last):
...
kernel.params.InvalidParams: invalid propagation parameters: top=0 must be an integer >= 1; direction='up' must be one of both, out, in
>>> PropagationEvalParams(holdout=1.5, fractions=(0.5, 1.0))
Traceback (most recent call last):
...
kernel.params.InvalidParams: invalid propagation parameters: holdout=1.5 must be a number in (0, 1); fractions='0.5,1.0' must be numbers in (0, 1), at least one
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from analysis.alf.sources import SEED_SOURCES
from analysis.propagation.graph import DIRECTIONS
from analysis.propagation.methods import METHODS
from kernel.params import InvalidParams, Problem, check_int

__all__ = [
    "FAMILY",
    "PropagationEvalParams",
    "PropagationParams",
    "fraction_problems",
    "method_names",
]

#: the family named by every message of these rules
FAMILY = "propagation"


def method_names() -> list[str]:
    """``auto`` and every method registered in :data:`analysis.propagation.METHODS` now
    (a method registered later is accepted from then on)."""
    return ["auto", *METHODS]


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _in_unit_interval(value: Any) -> bool:
    """``0 < value < 1`` for a real number (NaN is not)."""
    return _is_real(value) and 0 < value < 1


def fraction_problems(fractions: Any) -> list[Problem]:
    """``[]`` when ``fractions`` is a non-empty sequence of numbers in (0, 1) (the labelled
    shares of the F1 curve), else the problem, showing the values as the command line takes
    them (comma-separated).

    >>> fraction_problems((0.1, 0.9))
    []
    >>> fraction_problems([0.5, 2])[0].worded()
    "fractions='0.5,2' must be numbers in (0, 1), at least one"
    """
    items = _items(fractions)
    if items and all(map(_in_unit_interval, items)):
        return []
    shown = fractions if items is None else ",".join(str(f) for f in items)
    return [Problem(("fractions",), (shown,), "must be numbers in (0, 1), at least one")]


def _items(values: Any) -> tuple[Any, ...] | None:
    """``values`` as a tuple; None for a string or a single value (not a collection)."""
    if isinstance(values, str | bytes):
        return None
    try:
        return tuple(values)
    except TypeError:
        return None


def _normalised_sources(sources: Any) -> Any:
    """``sources`` stripped and de-duplicated (order kept) as a tuple; None, a string or a
    single value stays as given (a string or a single value for :func:`_source_problems`
    to refuse)."""
    items = _items(sources)
    if items is None:
        return sources
    return tuple(dict.fromkeys(str(s).strip() for s in items if str(s).strip()))


def _source_problems(sources: Any) -> list[Problem]:
    if sources is None:
        return []
    if not isinstance(sources, tuple):
        return [Problem(("sources",), (sources,), "must be a sequence of source names")]
    unknown = [s for s in sources if s not in SEED_SOURCES]
    if not sources or unknown:
        rule = f"must be one or more of {', '.join(SEED_SOURCES)}"
        if unknown:
            rule += f" (unknown: {', '.join(unknown)})"
        return [Problem(("sources",), (",".join(sources),), rule)]
    return []


def _shared_problems(seed: Any, sources: Any, folds: Any, direction: Any) -> list[Problem]:
    """The rules of the fields both objects have."""
    out = check_int("seed", seed, 0) + _source_problems(sources) + check_int("folds", folds, 2)
    if direction not in DIRECTIONS:
        out.append(Problem(("direction",), (direction,), f"must be one of {', '.join(DIRECTIONS)}"))
    return out


class _Params:
    """Checking on construction, and the plain-value round trip, shared by both objects."""

    sources: tuple[str, ...] | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", _normalised_sources(self.sources))
        problems = self._problems()
        if problems:
            raise InvalidParams(FAMILY, problems)

    def _problems(self) -> list[Problem]:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Plain values (JSON-safe), e.g. for a Spark job; ``from_dict`` rebuilds it."""
        out = asdict(self)  # type: ignore[call-overload]
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]):
        """The object :meth:`to_dict` gave (checked again); unknown keys are an error."""
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"unknown {FAMILY} parameters {unknown}")
        return cls(**dict(values))


@dataclass(frozen=True)
class PropagationParams(_Params):
    """The parameters of one propagation (``interests propagate``).

    Attributes
    ----------
    method : ``auto`` or a registered method (:func:`method_names`); ``auto`` picks the
        candidate with the best ``folds``-fold cross-validated Micro-F1 on the seed users
        (:func:`analysis.propagation.select_method`).
    top : topics kept (and written) per user, the best first.
    seed : seeds every random choice (the folds of ``auto``, the embedding and the learner
        of ``netmf_lr``); an integer >= 0, as :func:`numpy.random.default_rng` takes.
    sources : the INTERESTED_IN sources that seed the propagation (some of
        :data:`analysis.alf.sources.SEED_SOURCES`), or None: every one with interests in
        the store.
    folds : cross-validation folds of ``auto`` (at least 2).
    direction : which ties carry a neighbour's interests (:data:`analysis.propagation.graph.
        DIRECTIONS`; ``both``: ``W = A + Aᵗ``).
    """

    method: str = "auto"
    top: int = 5
    seed: int = 0
    sources: tuple[str, ...] | None = None
    folds: int = 3
    direction: str = "both"

    def _problems(self) -> list[Problem]:
        out = []
        if self.method not in method_names():
            out.append(
                Problem(("method",), (self.method,), f"must be one of {', '.join(method_names())}")
            )
        out += check_int("top", self.top, 1)
        return out + _shared_problems(self.seed, self.sources, self.folds, self.direction)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> PropagationParams:
        return super().from_dict(values)


@dataclass(frozen=True)
class PropagationEvalParams(_Params):
    """The parameters of one hold-out evaluation (``analyze propagation``).

    Attributes
    ----------
    holdout : share of the seed users whose interests are hidden and predicted, in (0, 1).
    repeats : hidden sets drawn (the scores are their means).
    seed : seeds the hidden sets and every method (repeat ``r`` runs with ``seed + r``).
    sources : as :attr:`PropagationParams.sources`.
    fractions : labelled shares of the seed users at which the F1 curve is drawn, each in
        (0, 1) (one repeat each).
    folds : cross-validation folds of ``auto`` within each repeat.
    direction : as :attr:`PropagationParams.direction`.
    """

    holdout: float = 0.5
    repeats: int = 3
    seed: int = 0
    sources: tuple[str, ...] | None = None
    fractions: tuple[float, ...] = (0.1, 0.5, 0.9)
    folds: int = 3
    direction: str = "both"

    def __post_init__(self) -> None:
        # a serialised tuple comes back as a list; keep the object hashable
        object.__setattr__(self, "fractions", _items(self.fractions) or self.fractions)
        super().__post_init__()
        object.__setattr__(self, "holdout", float(self.holdout))
        object.__setattr__(self, "fractions", tuple(float(f) for f in self.fractions))

    def _problems(self) -> list[Problem]:
        out = []
        if not _in_unit_interval(self.holdout):
            out.append(Problem(("holdout",), (self.holdout,), "must be a number in (0, 1)"))
        out += check_int("repeats", self.repeats, 1) + fraction_problems(self.fractions)
        return out + _shared_problems(self.seed, self.sources, self.folds, self.direction)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> PropagationEvalParams:
        return super().from_dict(values)
