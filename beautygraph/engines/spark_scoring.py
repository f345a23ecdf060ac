"""Beauty scores of an export's photos as a PySpark job (``score beauty --engine spark``).

The job reads ``nodes/Photo.parquet`` of an export folder (:mod:`graphdb.parquet_export`:
``index, id, path, …``), leaves out the photos already in the results folder, and scores
the rest with :meth:`pyspark.sql.DataFrame.mapInPandas`.  The scoring is the local path's
own (:func:`scoring.scorer.iter_scores`, which opens each image by path with PIL and drops
unreadable ones), so Spark and ``--engine local`` give the same scores; only where it runs
differs.

* **Once per worker.**  Each Python worker process resolves the model on its first batch
  (:func:`scoring.scorer.resolve_scorer`) and keeps it in :data:`_SCORERS`, keyed by the
  model spec; Spark reuses its Python workers between tasks (``spark.python.worker.reuse``,
  on by default), so an executor loads the model once per worker process, not per batch.
  The driver counts the loads with an accumulator (``model_loads``).
* **Device.**  CUDA on an executor when it has one (the GPU Spark assigned to the task when
  GPU scheduling is on), else the CPU; ``device="cpu"`` forces the CPU.
* **Output.**  ``RESULTS/nodes/Photo.parquet``, a folder of Parquet part files holding
  the properties of the model's slot (:mod:`graphdb.beauty_slots`), as ``--engine local``
  writes them: an aesthetic model's ``id, beauty, beauty_source, p_low, p_mid, p_high,
  mean_score`` (null where the model has no such output), a technical model's (BRISQUE)
  ``id, quality, quality_source``; only columns the Photo schema declares, so
  ``beautygraph import-results RESULTS`` loads the folder (pyarrow reads it as one table
  and skips Spark's ``_SUCCESS`` and ``_temporary``).
* **Resumable.**  Photos are scored in chunks of about ``chunk_rows`` (by a hash of the id),
  each appended as its own Spark write, so an interrupted run keeps the chunks it
  committed; a re-run reads the ids already in the results folder and scores only the
  others.  A results folder holds one model's scores: another model's is refused.
* **Unreadable images** (missing, truncated, not an image) are skipped and counted, never
  fatal; they are not written, so a re-run tries them again.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from beautygraph.engines.spark_session import spark_path as _p
from beautygraph.errors import UserError, raise_invalid
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from scoring.interface import BeautyScorer

__all__ = ["SCORED_COLUMNS", "output_columns", "score_export_job", "score_frame"]

#: the columns :func:`score_frame` returns, whatever the model
SCORED_COLUMNS = (
    "id",
    "score",
    "source",
    "p_low",
    "p_mid",
    "p_high",
    "mean_score",
    "path",
    "error",
)
_PROBS = ("p_low", "p_mid", "p_high")
#: the aesthetic slot's properties beside the score and its source
_AESTHETIC_EXTRA = (*_PROBS, "mean_score")
_STRINGS = ("id", "source", "path", "error")
#: unreadable photos listed in the result (all are counted)
N_EXAMPLES = 20
_ARROW_BATCH = "spark.sql.execution.arrow.maxRecordsPerBatch"

#: scorers this Python process has loaded, by model spec (one load per worker process)
_SCORERS: dict[str, BeautyScorer] = {}


def output_columns(kind: str) -> dict[str, str]:
    """``{Photo property: column of score_frame}`` the job writes for a model of ``kind``
    (``"aesthetic"`` or ``"technical"``, :func:`graphdb.beauty_slots.slot_of_kind`):
    ``id``, the slot's score and source, and for the aesthetic slot the probabilities and
    mean score — those the Photo schema declares, so ``import-results`` takes them all.

    >>> list(output_columns("technical"))
    ['id', 'quality', 'quality_source']
    """
    from graphdb import schema
    from graphdb.beauty_slots import slot_of_kind

    slot = slot_of_kind(kind)
    out = {"id": "id", slot.value: "score", slot.source: "source"}
    if slot.kind == "aesthetic":
        out.update({c: c for c in _AESTHETIC_EXTRA if c in schema.NODE_PROPS["Photo"]})
    return out


def _ddl(columns, strings=_STRINGS) -> str:
    """A Spark schema string: ``columns`` are doubles but ``strings``."""
    return ", ".join(f"{c} {'string' if c in strings else 'double'}" for c in columns)


# -- the executor side ----------------------------------------------------------------------


def worker_scorer(model: str, loads: Any = None) -> BeautyScorer:
    """The scorer of ``model`` in this process: resolved on first use, then reused.
    ``loads`` (a Spark accumulator) counts the resolutions."""
    scorer = _SCORERS.get(model)
    if scorer is None:
        from scoring.scorer import resolve_scorer

        scorer = _SCORERS[model] = resolve_scorer(model)
        if loads is not None:
            loads.add(1)
    return scorer


def task_device(device: str):
    """The torch device of this task: with ``auto`` or ``cuda`` the GPU Spark assigned to
    the task (GPU scheduling), else :func:`scoring.device.resolve_device` (CUDA if any)."""
    import torch

    from scoring.device import resolve_device

    if device in ("auto", "cuda") and torch.cuda.is_available():
        from pyspark import TaskContext

        ctx = TaskContext.get()
        gpu = ctx.resources().get("gpu") if ctx is not None else None
        if gpu is not None and gpu.addresses:
            return torch.device(f"cuda:{gpu.addresses[0]}")
    return resolve_device(device)


def score_frame(
    scorer: BeautyScorer, frame: pd.DataFrame, device, batch: int, workers: int = 0
) -> pd.DataFrame:
    """Scores of the photos of ``frame`` (``id, path``): one row per photo with the
    :data:`SCORED_COLUMNS`; ``error`` is null when it was scored, else why not."""
    from scoring.data import SkipLog
    from scoring.scorer import iter_scores

    n = len(frame)
    beauty, mean = np.full(n, np.nan), np.full(n, np.nan)
    probs = np.full((n, 3), np.nan)
    error = np.full(n, "not scored", dtype=object)
    skips = SkipLog()
    paths = [str(p) for p in frame["path"]]
    for idx, scores in iter_scores(
        scorer, paths, device, batch_size=batch, workers=workers, skips=skips
    ):
        beauty[idx] = scores.beauty
        if scores.probs is not None:
            probs[idx] = scores.probs
        mean_score = getattr(scores, "mean_score", None)  # a field of some models only
        if mean_score is not None:
            mean[idx] = mean_score
        error[idx] = None
    for i, (_, why) in skips.items.items():
        error[i] = why
    return pd.DataFrame(
        {
            "id": frame["id"].astype(object).to_numpy(),
            "score": beauty,
            "source": scorer.source,
            **{c: probs[:, j] for j, c in enumerate(_PROBS)},
            "mean_score": mean,
            "path": paths,
            "error": error,
        }
    )


def _score_partition(
    frames: Iterator[pd.DataFrame],
    *,
    model: str,
    device: str,
    batch: int,
    workers: int,
    loads: Any,
    read: Any,
) -> Iterator[pd.DataFrame]:
    """The ``mapInPandas`` function: the worker's scorer, then each Arrow batch scored;
    ``loads`` and ``read`` (accumulators) count model loads and images opened."""
    scorer = worker_scorer(model, loads)
    dev = task_device(device)
    for frame in frames:
        read.add(len(frame))
        yield score_frame(scorer, frame, dev, batch, workers)


# -- the driver side ----------------------------------------------------------------------


def _read_photos(spark, export_dir: str):
    from pyspark.errors import AnalysisException

    path = _p(export_dir, "nodes", "Photo.parquet")
    try:
        photos = spark.read.parquet(path)
    except AnalysisException as exc:
        raise UserError(
            f"{path}: cannot read the export's photos ({str(exc).splitlines()[0]}); "
            "write it with `beautygraph export DIR --tables photos`"
        ) from None
    missing = [c for c in ("id", "path") if c not in photos.columns]
    if missing:
        raise UserError(
            f"{path} has no column(s) {missing}: write the export with "
            "`beautygraph export DIR --tables photos`"
        )
    return photos.select("id", "path")


def _done(spark, results_dir: str, out_path: str, ddl: str, source_column: str, source: str):
    """``id`` of the photos already in the results (None: no results yet); refuses a
    folder that holds another model's scores (or scores of another slot)."""
    from pyspark.errors import AnalysisException

    try:
        done = spark.read.schema(ddl).parquet(out_path)
    except AnalysisException as exc:
        if "PATH_NOT_FOUND" in str(exc) or "does not exist" in str(exc):
            return None
        raise
    others = [
        r[0]
        for r in done.select(source_column).distinct().collect()
        if r[0] != source  # a null source is another's too
    ]
    if others:
        raise_invalid(
            "",
            "results_dir",
            results_dir,
            f"holds scores of {sorted(map(str, others))}, not {source!r}: score into another "
            "results folder, or overwrite this one",
        )
    return done.select("id").distinct()


def _absolute_paths(photos, data_dir: str | os.PathLike | None):
    """Keep photos with a path; make relative paths absolute under ``data_dir``."""
    from pyspark.sql import functions as f

    root = str(data_dir) if data_dir is not None else os.getcwd()
    if "://" not in root:
        root = os.path.abspath(root)
    path = f.trim(f.col("path"))
    absolute = path.startswith("/") | path.contains("://")
    return photos.where(f.col("path").isNotNull() & (path != "")).select(
        "id",
        f.when(absolute, path)
        .otherwise(f.concat(f.lit(root.rstrip("/") + "/"), path))
        .alias("path"),
    )


def score_export_job(
    spark,
    export_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    model: str,
    source: str,
    kind: str = "aesthetic",
    *,
    device: str = "auto",
    batch: int = 64,
    workers: int = 0,
    data_dir: str | os.PathLike | None = None,
    overwrite: bool = False,
    chunk_rows: int = 100_000,
    frame_rows: int = 1024,
    partitions: int | None = None,
    steps: Steps | None = None,
) -> dict[str, Any]:
    """Score the photos of ``export_dir`` that ``results_dir`` lacks with ``model`` (a
    ``--model`` value every executor can resolve; ``source`` is its source, ``kind`` its
    slot) and append their scores to ``results_dir/nodes/Photo.parquet``.

    ``batch`` images go through the model at once, ``frame_rows`` photos form one Arrow
    batch of ``mapInPandas``, ``workers`` DataLoader processes decode per task;
    ``partitions`` tasks per chunk (default: the session's default parallelism).
    ``overwrite`` clears the results first.  Returns counts: ``photos``, ``no_image``
    (empty path), ``already`` (in the results before), ``scored``, ``unreadable``,
    ``examples`` (``[id, path, reason]`` of the first unreadable), ``model_loads``,
    ``chunks``.
    """
    from pyspark.sql import functions as f

    columns = output_columns(kind)
    out_ddl = _ddl(columns, strings=("id", *[c for c in columns if c.endswith("_source")]))
    out_path = _p(results_dir, "nodes", "Photo.parquet")
    photos = _read_photos(spark, str(export_dir))
    if overwrite:
        spark.createDataFrame([], out_ddl).write.mode("overwrite").parquet(out_path)
    source_column = next(name for name, c in columns.items() if c == "source")
    done = _done(spark, str(results_dir), out_path, out_ddl, source_column, source)
    with_image = _absolute_paths(photos, data_dir)
    counts: dict[str, Any] = {"photos": photos.count(), "already": 0}
    counts["no_image"] = counts["photos"] - with_image.count()
    if done is not None:
        counts["already"] = photos.join(done, "id", "left_semi").count()
        with_image = with_image.join(done, "id", "left_anti")
    todo = with_image.cache()
    n_todo = todo.count()
    n_chunks = max(1, math.ceil(n_todo / max(1, chunk_rows))) if n_todo else 0
    parts = max(1, min(partitions or spark.sparkContext.defaultParallelism, n_todo))
    loads, read = spark.sparkContext.accumulator(0), spark.sparkContext.accumulator(0)
    fn = partial(
        _score_partition,
        model=model,
        device=device,
        batch=batch,
        workers=workers,
        loads=loads,
        read=read,
    )
    written = [f.col(c).alias(name) for name, c in columns.items()]
    totals = {"scored": 0, "unreadable": 0}
    examples: list[list[Any]] = []
    previous = spark.conf.get(_ARROW_BATCH, None)
    spark.conf.set(_ARROW_BATCH, str(frame_rows))
    try:
        with as_steps(steps)("Spark: scoring photos", total=n_todo) as step:
            for k in range(n_chunks):
                chunk = todo.where(f.pmod(f.xxhash64("id"), f.lit(n_chunks)) == k)
                out = chunk.repartition(parts).mapInPandas(fn, _ddl(SCORED_COLUMNS))
                n_good, n_bad, bad = _commit_chunk(
                    out, written, out_path, N_EXAMPLES - len(examples)
                )
                examples += bad
                totals["scored"] += n_good
                totals["unreadable"] += n_bad
                step.advance(n_good + n_bad)
    finally:
        todo.unpersist()
        if previous is None:
            spark.conf.unset(_ARROW_BATCH)
        else:
            spark.conf.set(_ARROW_BATCH, previous)
    counts.update(totals, examples=examples, chunks=n_chunks)
    counts.update(model_loads=int(loads.value), images_read=int(read.value))
    return counts


def _commit_chunk(out, written, out_path: str, n_examples: int) -> tuple[int, int, list]:
    """Score one chunk (``out``, the ``mapInPandas`` frame) once and append its scored
    rows to ``out_path``: ``(scored, unreadable, [id, path, reason] of <= n_examples)``.

    Counted before the write, on the cached scores: evaluated after it, the plan would
    re-read the results folder, which then holds this chunk, and find nothing to score.
    """
    from pyspark.sql import functions as f

    out = out.persist()
    try:
        counts = {r[0]: int(r[1]) for r in out.groupBy(f.col("error").isNull()).count().collect()}
        n_good, n_bad = counts.get(True, 0), counts.get(False, 0)
        bad = out.where(f.col("error").isNotNull()).select("id", "path", "error")
        examples = [list(r) for r in bad.limit(n_examples).collect()] if n_bad else []
        out.where(f.col("error").isNull()).select(*written).write.mode("append").parquet(out_path)
    finally:
        out.unpersist()
    return n_good, n_bad, examples
