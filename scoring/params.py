"""Every parameter of a ``score beauty`` run, its default and its rules, in one frozen object.

:class:`ScoringParams` is built once where a run starts (the ``score beauty`` command, the
demo, a benchmark, a test) and travels unchanged to the engine that carries it out: the
local loop (:func:`beautygraph.pipelines.scoring.score_store`) or Spark
(:func:`beautygraph.pipelines.spark_scoring.score_export_spark`).  Construction checks every
rule and raises one :class:`kernel.params.InvalidParams` (a ``ValueError``) naming each
offending value, so a bad run fails before a model is loaded or a photo is read.  The
command-line options of ``score beauty`` are tested against it (their defaults are these),
and the command names its own flags in the message (``--batch 0 must be …``).

>>> ScoringParams().batch, ScoringParams().device
(64, 'auto')
>>> ScoringParams(batch=0, overwrite=True, only_missing=True)
Traceback (most recent call last):
...
kernel.params.InvalidParams: invalid scoring parameters: batch=0 must be an integer >= 1; overwrite=True and only_missing=True contradict each other (give one)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from kernel.params import InvalidParams, Problem, check_int

__all__ = ["DEVICES", "ScoringParams"]

#: where the model runs: ``auto`` = CUDA when there is a GPU, else the CPU
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda")


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
            raise InvalidParams("scoring", problems)
        object.__setattr__(self, "device", str(self.device).lower())

    def _problems(self) -> list[Problem]:
        out = []
        if str(self.device).lower() not in DEVICES:
            out.append(Problem(("device",), (self.device,), f"must be one of {', '.join(DEVICES)}"))
        out += check_int("batch", self.batch, 1) + check_int("write_every", self.write_every, 1)
        if self.workers is not None:
            out += check_int("workers", self.workers, 0)
        if self.overwrite and self.only_missing:
            out.append(
                Problem(
                    ("overwrite", "only_missing"),
                    (self.overwrite, self.only_missing),
                    "contradict each other (give one)",
                )
            )
        return out

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))
