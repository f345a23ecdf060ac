"""Parameter problems named once by the code that checks them, worded by whoever shows them.

A parameter object (``AlfParams``, ``ScoringParams``, ``PropagationParams``, …) or a pipeline
check names a broken rule by the Python name of the parameter and the value it was given.
It does not know how a user spelled it: the demo passes Python values, the command line
passes flags.  :class:`InvalidParams` keeps the two apart.  Its plain text names parameters
(``top=0 must be an integer >= 1``); :meth:`InvalidParams.worded` names them with whatever
spelling the caller gives, so the command line can say ``--top 0 must be an integer >= 1``
without a pipeline ever knowing a flag.

>>> err = InvalidParams("propagation", [Problem(("top",), (0,), "must be an integer >= 1")])
>>> str(err)
'invalid propagation parameters: top=0 must be an integer >= 1'
>>> err.worded({"top": "--top"})
'invalid propagation parameters: --top 0 must be an integer >= 1'
>>> Problem(("overwrite", "only_missing"), (True, True), "contradict each other").worded({})
'overwrite=True and only_missing=True contradict each other'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["InvalidParams", "Problem", "check_int", "invalid"]

#: how a caller spells a parameter: a mapping ``name -> spelling`` or a function (None: the
#: plain ``name=value`` form)
Spelling = Mapping[str, str] | Callable[[str], str | None]


@dataclass(frozen=True)
class Problem:
    """One broken rule: the parameters it involves, their values, and the rule in words.

    ``names`` and ``values`` run in parallel; ``rule`` completes the sentence ("must be an
    integer >= 1", "contradict each other").  A flag whose spelling is marked with a trailing
    ``!`` (a switch such as ``--overwrite!``) is shown without its value.
    """

    names: tuple[str, ...]
    values: tuple[Any, ...]
    rule: str

    def __post_init__(self) -> None:
        if len(self.names) != len(self.values) or not self.names:
            raise ValueError("a Problem needs one value per parameter name, and at least one")

    def worded(self, spelling: Spelling | None = None) -> str:
        """The sentence, each parameter spelled by ``spelling`` where it knows it."""
        lookup = _lookup(spelling)
        parts = []
        for name, value in zip(self.names, self.values, strict=True):
            spelled = lookup(name)
            if spelled is None:
                parts.append(f"{name}={value!r}")
            elif spelled.endswith("!"):
                parts.append(spelled[:-1])
            else:
                parts.append(f"{spelled} {value}")
        return f"{' and '.join(parts)} {self.rule}"


def _lookup(spelling: Spelling | None) -> Callable[[str], str | None]:
    if spelling is None:
        return lambda _name: None
    if callable(spelling):
        return spelling
    return spelling.get


class InvalidParams(ValueError):
    """Every rule one set of parameters breaks (a ``ValueError``, so existing boundaries that
    turn ``ValueError`` into a user error keep working).

    ``family`` names the parameter set ("ALF", "scoring", "propagation" …); ``problems``
    holds each broken rule.  ``str()`` names parameters by their Python names;
    :meth:`worded` lets the caller spell them.
    """

    def __init__(self, family: str, problems: Iterable[Problem]) -> None:
        self.family = family
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("InvalidParams needs at least one problem")
        super().__init__(self.worded())

    def worded(self, spelling: Spelling | None = None) -> str:
        """The message with every parameter spelled by ``spelling`` (e.g. as flags)."""
        body = "; ".join(p.worded(spelling) for p in self.problems)
        return f"invalid {self.family} parameters: {body}" if self.family else body

    def __reduce__(self):  # picklable across Spark and multiprocessing workers
        return (type(self), (self.family, self.problems))


def invalid(family: str, name: str, value: Any, rule: str) -> InvalidParams:
    """One-problem :class:`InvalidParams`, for a pipeline's own single check.

    >>> str(invalid("", "k", 99, "must lie in 1..50"))
    'k=99 must lie in 1..50'
    """
    return InvalidParams(family, [Problem((name,), (value,), rule)])


def check_int(name: str, value: Any, low: int, high: int | None = None) -> list[Problem]:
    """``[]`` when ``value`` is an integer (not a bool) in ``low..high``, else the problem.

    >>> check_int("top", 5, 1)
    []
    >>> check_int("top", 0, 1)[0].worded()
    'top=0 must be an integer >= 1'
    >>> check_int("k", 2.5, 1, 50)[0].worded()
    'k=2.5 must be an integer in 1..50'
    """
    ok = isinstance(value, int) and not isinstance(value, bool)
    ok = ok and value >= low and (high is None or value <= high)
    if ok:
        return []
    rule = (
        f"must be an integer >= {low}" if high is None else f"must be an integer in {low}..{high}"
    )
    return [Problem((name,), (value,), rule)]
