"""``score beauty --engine spark``: beauty scores of an export's photos, on a Spark cluster.

The store is not opened: the photos come from an export folder (``beautygraph export DIR
--tables photos``) and the scores go to a results folder that ``beautygraph import-results``
loads (``RESULTS/nodes/Photo.parquet``), so the scoring can run where the GPUs are and the
store stays where it is.  The job is :func:`beautygraph.engines.spark_scoring.score_export_job`
(resumable: photos already in the results folder are skipped); the scores equal those of
``--engine local`` (:func:`scoring.scorer.iter_scores` runs on both).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beautygraph.engines.spark_session import SparkOptions, get_session, require_spark
from beautygraph.errors import UserError, refuse
from kernel.params import check_int
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from scoring.params import ScoringParams

__all__ = ["EXIT_UNREADABLE", "SparkScoringResult", "model_spec", "score_export_spark"]

#: exit status of a run that finished but skipped unreadable images (as ``--engine local``)
EXIT_UNREADABLE = 3


@dataclass(frozen=True)
class SparkScoringResult:
    """What one ``score beauty --engine spark`` run did.

    ``scored``: photos scored and written by this run; ``skipped_already_scored``: photos of
    the export already in the results folder (by an earlier run); ``unreadable``: images
    missing or undecodable (not written, tried again by a re-run; the first few in
    ``unreadable_examples`` as ``(id, path, reason)``); ``no_image``: photos with an empty
    path; ``model_loads``: times an executor's Python worker loaded the model;
    ``images_read``: images the executors opened (a task Spark re-ran counts twice).
    """

    scored: int
    skipped_already_scored: int
    unreadable: int
    seconds: float
    out_dir: str
    source: str
    photos: int = 0
    no_image: int = 0
    model: str = ""
    model_loads: int = 0
    images_read: int = 0
    chunks: int = 0
    unreadable_examples: tuple[tuple[str, str, str], ...] = field(default=())

    @classmethod
    def of_counts(
        cls, counts: dict[str, Any], seconds: float, out_dir: str, source: str, model: str
    ) -> SparkScoringResult:
        """The result of the job's counts
        (:func:`beautygraph.engines.spark_scoring.score_export_job`)."""
        return cls(
            scored=int(counts["scored"]),
            skipped_already_scored=int(counts["already"]),
            unreadable=int(counts["unreadable"]),
            seconds=seconds,
            out_dir=out_dir,
            source=source,
            photos=int(counts["photos"]),
            no_image=int(counts["no_image"]),
            model=model,
            model_loads=int(counts["model_loads"]),
            images_read=int(counts["images_read"]),
            chunks=int(counts["chunks"]),
            unreadable_examples=tuple((str(i), str(p), str(r)) for i, p, r in counts["examples"]),
        )

    @property
    def exit_code(self) -> int:
        """0, or :data:`EXIT_UNREADABLE` when images were skipped."""
        return EXIT_UNREADABLE if self.unreadable else 0

    def to_json(self) -> dict[str, Any]:
        """The ``score beauty --json`` object, one schema on both engines
        (:meth:`beautygraph.pipelines.scoring.ScoreBeautyResult.to_json`)."""
        from beautygraph.pipelines.scoring import ScoreBeautyResult

        return ScoreBeautyResult.of_spark(self).to_json()

    def summary_lines(self) -> list[str]:
        """The end-of-run summary a user reads."""
        return [
            f"scored {self.scored} of {self.photos} photos with {self.source} on Spark in "
            f"{self.seconds:.1f}s -> {self.out_dir}",
            f"  already scored: {self.skipped_already_scored}; no image (empty path): "
            f"{self.no_image}; unreadable: {self.unreadable}; model loads: {self.model_loads}",
            f"  load them with: beautygraph import-results {self.out_dir}",
        ]


def model_spec(model: str | os.PathLike | None) -> tuple[str, str, str]:
    """``(spec, source, kind)``: the ``--model`` value the executors resolve (``None`` →
    ``$BEAUTYGRAPH_MODEL``, else the default model; a checkpoint file made absolute), its
    source and its slot kind (``"aesthetic"``, ``"technical"``).

    Resolved once on the driver first (:func:`scoring.scorer.resolve_scorer`), so a bad
    model is one clear error before Spark starts.
    """
    from scoring import scorer as scorers

    text = str(model).strip() if model is not None else ""
    scorer = scorers.resolve_scorer(text or None)
    text = text or os.environ.get("BEAUTYGRAPH_MODEL", "").strip()
    text = text or str(getattr(scorers, "DEFAULT_MODEL", ""))
    source, kind = scorer.source, getattr(scorer, "kind", "aesthetic")
    scorer.release()
    path = Path(text).expanduser()
    return (str(path.resolve()) if path.is_file() else text), source, kind


def _scoring_error(exc: Exception) -> UserError | None:
    """A ScoringError raised on an executor (e.g. ``--device cuda`` without a GPU) as one
    line, or None for any other failure."""
    found = re.search(r"ScoringError: ([^\n]+)", str(exc))
    return UserError(f"on an executor: {found.group(1)}") if found else None


def _on_executors(job: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``job()``, a scoring error raised on an executor turned into one line."""
    try:
        return job()
    except UserError:
        raise
    except Exception as exc:  # py4j / PythonException from an executor
        err = _scoring_error(exc)
        if err is None:
            raise
        raise err from None


def score_export_spark(
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    model: str | os.PathLike | None = None,
    *,
    options: SparkOptions | None = None,
    device: str = "auto",
    batch: int = 64,
    workers: int = 0,
    data_dir: str | os.PathLike | None = None,
    overwrite: bool = False,
    chunk_rows: int = 100_000,
    frame_rows: int = 1024,
    steps: Steps | None = None,
    params: ScoringParams | None = None,
) -> SparkScoringResult:
    """Score the photos of the export ``export_dir`` with ``model`` on Spark into
    ``results_dir`` (``nodes/Photo.parquet``), skipping those already there.

    Relative ``Photo.path`` values are taken under ``data_dir`` (default: the working
    directory); on a cluster the images must be on storage every executor reads at the
    same path.  ``options`` picks the Spark master and configuration
    (:class:`~beautygraph.engines.spark_session.SparkOptions`); ``chunk_rows`` photos are
    committed per Spark write (what an interrupted run keeps).  ``params``
    (:class:`scoring.params.ScoringParams`, as ``score_store`` takes it) holds the model,
    device, batch, workers and ``overwrite``; without it they come from the keyword
    arguments, checked by the same object.
    """
    from beautygraph.engines.spark_scoring import score_export_job
    from beautygraph.pipelines.scoring import scoring_params

    if params is None:
        params = scoring_params(
            model=None if model is None else str(model),
            device=device,
            batch=batch,
            workers=workers,
            overwrite=overwrite,
        )
    if params.only_missing:
        raise UserError("only_missing applies to scoring into a store (the local engine)")
    problems = check_int("chunk_rows", chunk_rows, 1) + check_int("frame_rows", frame_rows, 1)
    refuse(problems, "Spark scoring")
    options = options or SparkOptions()
    t0 = time.perf_counter()
    require_spark()
    spec, source, kind = model_spec(params.model)
    steps = as_steps(steps)
    with steps("starting Spark"):
        spark = get_session(options.master, options.conf)
    job = partial(
        score_export_job,
        spark,
        str(export_dir),
        str(results_dir),
        spec,
        source,
        kind,
        device=params.device,
        batch=params.batch,
        workers=params.workers or 0,
        data_dir=data_dir,
        overwrite=params.overwrite,
        chunk_rows=chunk_rows,
        frame_rows=frame_rows,
        steps=steps,
    )
    counts = _on_executors(job)
    return SparkScoringResult.of_counts(
        counts, time.perf_counter() - t0, str(results_dir), source, spec
    )
