"""Every parameter of an ALF run, its default and its rules, in one frozen object.

:class:`AlfParams` is built once where a run starts (the ``authorities`` command, a report
section, a test) and travels unchanged to the engine that computes it: the dense path
(:func:`analysis.alf.algorithm1` or :func:`analysis.alf.general_solution`, then
:func:`analysis.alf.find_authorities`), the topic blocks
(:func:`analysis.alf.blocked.find_authorities_blocked`) and Spark
(:func:`beautygraph.engines.spark_alf.authorities_job`, which receives
:meth:`AlfParams.to_dict` and rebuilds it with :meth:`AlfParams.from_dict`).  Construction
checks every rule and raises one :class:`kernel.params.InvalidParams` (a ``ValueError``)
that names each offending value, so an
invalid run fails before anything is read or written.

The functions of :mod:`analysis.alf` that take these values as separate arguments use the
same defaults (:data:`ALF_DEFAULTS`) and the same check (:func:`check_min_support`).

>>> AlfParams().method, AlfParams().min_support, AlfParams().pass1_denominator
('algorithm1', 3, 'n_in')
>>> AlfParams(beta=0.5).theorem1()
(0.1, 0.5, 1.0)
>>> AlfParams(min_support=-1, dtype="float16")
Traceback (most recent call last):
...
kernel.params.InvalidParams: invalid ALF parameters: min_support=-1 must be an integer >= 0; dtype='float16' must be one of float64, float32
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from kernel.params import InvalidParams, Problem

__all__ = [
    "ALF_DEFAULTS",
    "DTYPES",
    "PASS1_DENOMINATORS",
    "THEOREM1_DEFAULTS",
    "AlfParams",
    "check_fp1_levels",
    "check_min_support",
    "check_params",
]

#: PASS 1 of Algorithm 1 divides by all followers (``n_in``, Theorem 1's ``F^e = S^c P``)
#: or by the followers with interests (``m_in``, as printed); the first is the default
PASS1_DENOMINATORS: tuple[str, ...] = ("n_in", "m_in")
#: precision of the blocked propagation
DTYPES: tuple[str, ...] = ("float64", "float32")
#: Theorem 1's α, β, γ for a parameter left out when another one is given (Corollary 1)
THEOREM1_DEFAULTS: tuple[float, float, float] = (0.1, 0.01, 1.0)


def _min_support_problems(min_support: Any) -> list[Problem]:
    """The evidence rule's one check: ``min_support`` is an integer >= 0."""
    try:
        broken = int(min_support) != min_support or min_support < 0
    except (TypeError, ValueError):
        broken = True
    return [Problem(("min_support",), (min_support,), "must be an integer >= 0")] * broken


def _theorem1_problems(alpha: float, beta: float, gamma: float) -> list[Problem]:
    names = ("alpha", "beta", "gamma")
    values = (alpha, beta, gamma)
    bad = [(n, v) for n, v in zip(names, values, strict=True) if not math.isfinite(v)]
    if bad:
        return [Problem(tuple(n for n, _ in bad), tuple(v for _, v in bad), "must be finite")]
    if alpha <= 0:
        return [Problem(("alpha",), (alpha,), "must be > 0 (Theorem 1 divides by alpha)")]
    if beta < 0 or gamma < 0:
        return [Problem(("beta", "gamma"), (beta, gamma), "must be >= 0")]
    return []


def _fp1_problems(rho_mid: float, tau: float) -> list[Problem]:
    if 0 < rho_mid <= 100 and tau >= 1:
        return []
    return [Problem(("rho_mid", "tau"), (rho_mid, tau), "need 0 < rho_mid <= 100 and tau >= 1")]


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise InvalidParams("ALF", problems)


def check_min_support(min_support: Any) -> int:
    """``min_support`` as an int; :class:`kernel.params.InvalidParams` (a ``ValueError``)
    naming it unless it is an integer >= 0."""
    _raise(_min_support_problems(min_support))
    return int(min_support)


def check_params(alpha: float, beta: float, gamma: float) -> None:
    """Theorem 1's conditions: α > 0, β ≥ 0, γ ≥ 0, all finite (a ``ValueError`` showing the
    offending values otherwise)."""
    _raise(_theorem1_problems(alpha, beta, gamma))


def check_fp1_levels(rho_mid: float, tau: float) -> None:
    """FP1's levels of Eq. 9: ``0 < ρ_mid <= 100`` and ``τ >= 1``."""
    _raise(_fp1_problems(rho_mid, tau))


@dataclass(frozen=True)
class AlfParams:
    """The parameters of one ALF run (Pal et al., WWW 2016, §4.2–4.3).

    Attributes
    ----------
    alpha, beta, gamma : Theorem 1's parameters; all None runs Algorithm 1, and a missing
        one next to a given one takes :data:`THEOREM1_DEFAULTS` (:meth:`theorem1`).
    pass1_denominator : ``"n_in"`` or ``"m_in"`` (:data:`PASS1_DENOMINATORS`), Algorithm 1.
    min_support : the evidence rule — an authority on ``t`` needs at least this many
        followers with a seed interest in ``t`` (:func:`analysis.alf.authorities.eligible`).
    topic_block : propagate and score this many topics at a time (None: all at once on the
        dense path; Spark then uses its own block size); Algorithm 1 only.
    dtype : ``"float64"`` or ``"float32"`` (:data:`DTYPES`); float32 runs in topic blocks,
        Algorithm 1 only.
    rho_mid, tau : FP1's percentile levels (Eq. 9).
    fp2_k : FP2 keeps ``(x, t)`` when ``t`` is in the top ``fp2_k`` of ``F_x`` and ``ZF_x``.
    bucket_split : FP1's popular / mid / tail split of the topics ranked by ``n_t``.
    """

    alpha: float | None = None
    beta: float | None = None
    gamma: float | None = None
    pass1_denominator: str = "n_in"
    min_support: int = 3
    topic_block: int | None = None
    dtype: str = "float64"
    rho_mid: float = 60.0
    tau: float = 1.5
    fp2_k: int = 5
    bucket_split: tuple[float, float] = (1 / 3, 2 / 3)

    def __post_init__(self) -> None:
        # a serialised tuple comes back as a list; keep the object hashable and comparable
        object.__setattr__(self, "bucket_split", tuple(self.bucket_split))
        _raise(self._problems())
        object.__setattr__(self, "min_support", int(self.min_support))

    def _problems(self) -> list[Problem]:
        """Every rule the values break, each naming the offending values."""
        out = _min_support_problems(self.min_support)
        if self.pass1_denominator not in PASS1_DENOMINATORS:
            out.append(
                Problem(
                    ("pass1_denominator",),
                    (self.pass1_denominator,),
                    f"must be one of {', '.join(PASS1_DENOMINATORS)}",
                )
            )
        if self.dtype not in DTYPES:
            out.append(Problem(("dtype",), (self.dtype,), f"must be one of {', '.join(DTYPES)}"))
        if self.topic_block is not None and (
            isinstance(self.topic_block, bool)
            or int(self.topic_block) != self.topic_block
            or self.topic_block < 1
        ):
            out.append(Problem(("topic_block",), (self.topic_block,), "must be an integer >= 1"))
        if self.method == "theorem1":
            out += _theorem1_problems(*self.theorem1())
            if self.blocked:
                given: list[tuple[str, Any]] = [("topic_block", self.topic_block)] * (
                    self.topic_block is not None
                )
                given += [("dtype", self.dtype)] * (self.dtype != "float64")
                names, values = zip(*given, strict=True)
                out.append(
                    Problem(
                        names,
                        values,
                        f"appl{'y' if len(names) > 1 else 'ies'} to Algorithm 1 only "
                        "(leave out alpha, beta and gamma)",
                    )
                )
        out += _fp1_problems(self.rho_mid, self.tau)
        if int(self.fp2_k) != self.fp2_k or self.fp2_k < 1:
            out.append(Problem(("fp2_k",), (self.fp2_k,), "must be an integer >= 1"))
        a, b = self.bucket_split
        if not (0 < a <= b <= 1):
            out.append(
                Problem(("bucket_split",), (self.bucket_split,), "must satisfy 0 < a <= b <= 1")
            )
        return out

    @property
    def method(self) -> str:
        """``"algorithm1"`` when α, β and γ are all None, else ``"theorem1"``."""
        given = (self.alpha, self.beta, self.gamma)
        return "algorithm1" if all(x is None for x in given) else "theorem1"

    @property
    def blocked(self) -> bool:
        """Whether the dense engine runs in topic blocks (a block size, or float32)."""
        return self.topic_block is not None or self.dtype != "float64"

    def theorem1(self) -> tuple[float, float, float]:
        """``(α, β, γ)`` with a missing one at :data:`THEOREM1_DEFAULTS`."""
        given = (self.alpha, self.beta, self.gamma)
        return tuple(  # type: ignore[return-value]
            float(d if x is None else x) for x, d in zip(given, THEOREM1_DEFAULTS, strict=True)
        )

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of the authority search shared by every engine (FP1, FP2,
        the evidence rule)."""
        return {
            "rho_mid": self.rho_mid,
            "tau": self.tau,
            "fp2_k": self.fp2_k,
            "bucket_split": self.bucket_split,
            "min_support": self.min_support,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain values (JSON-safe), e.g. for a Spark job; :meth:`from_dict` rebuilds it."""
        out = asdict(self)
        out["bucket_split"] = list(self.bucket_split)
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> AlfParams:
        """The object :meth:`to_dict` gave (checked again); unknown keys are an error."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"unknown ALF parameters {unknown}")
        return cls(**dict(values))


#: the defaults every ALF function shares
ALF_DEFAULTS = AlfParams()
