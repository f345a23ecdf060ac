"""Every parameter of a ``score beauty`` run, its default and its rules, in one frozen object.

:class:`ScoringParams` is built once where a run starts (the ``score beauty`` command, the
demo, a benchmark, a test) and travels unchanged to the engine that carries it out: the
local loop (:func:`beautygraph.pipelines.scoring.score_store`) or Spark
(:func:`beautygraph.pipelines.spark_scoring.score_export_spark`).  Construction checks every
rule and raises one ``ValueError`` naming each offending value, so a bad run fails before a
model is loaded or a photo is read.  The command-line options of ``score beauty`` are tested
against it (their defaults are these).

>>> ScoringParams().batch, ScoringParams().device
(64, 'auto')
>>> ScoringParams(batch=0, overwrite=True, only_missing=True)
Traceback (most recent call last):
...
ValueError: invalid scoring parameters: batch=0 must be an integer >= 1; overwrite and only_missing contradict each other (give one)
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

__all__ = ["DEVICES", "ScoringParams"]

#: where the model runs: ``auto`` = CUDA when there is a GPU, else the CPU
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda")


def _is_int(value: Any, low: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= low


@dataclass(frozen=True)
class ScoringParams:
    """The parameters of one scoring run.

    Attributes
    ----------
    model : what ``--model`` takes (``nima``, ``brisque``, a checkpoint file); None falls
        back to ``$BEAUTYGRAPH_MODEL``, then NIMA (:func:`scoring.scorer.resolve_scorer`).
    device : ``auto``, ``cpu`` or ``cuda`` (:data:`DEVICES`).
    batch : images per forward pass.
    workers : DataLoader processes that read and decode images (None: 0 on the CPU, up to
        4 feeding a GPU, :func:`scoring.data.default_workers`).
    write_every : scored photos written to the store per transaction (local engine).
    overwrite : score again the photos this model has scored already.
    only_missing : score only photos without a score in the model's slot.
    """

    model: str | None = None
    device: str = "auto"
    batch: int = 64
    workers: int | None = None
    write_every: int = 1024
    overwrite: bool = False
    only_missing: bool = False

    def __post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise ValueError(f"invalid scoring parameters: {'; '.join(problems)}")
        object.__setattr__(self, "device", str(self.device).lower())

    def _problems(self) -> list[str]:
        out = []
        if str(self.device).lower() not in DEVICES:
            out.append(f"device={self.device!r} must be one of {', '.join(DEVICES)}")
        for name in ("batch", "write_every"):
            if not _is_int(getattr(self, name), 1):
                out.append(f"{name}={getattr(self, name)!r} must be an integer >= 1")
        if self.workers is not None and not _is_int(self.workers, 0):
            out.append(f"workers={self.workers!r} must be an integer >= 0")
        if self.overwrite and self.only_missing:
            out.append("overwrite and only_missing contradict each other (give one)")
        return out

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))
