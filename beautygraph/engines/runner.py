"""Export → Spark job → import-results, in one call.

:func:`run_spark_job` exports what the job reads (:mod:`graphdb.parquet_export`, in pages),
runs the job on the session of :class:`~beautygraph.engines.spark_session.SparkOptions`,
and imports its Parquet results (:mod:`graphdb.results_import`, validated before anything
is written).  The work folder holds ``export/`` and ``results/``; it is a temporary folder
unless ``--spark-work-dir`` names one (then both are kept, e.g. on shared storage for a
cluster, and ``beautygraph import-results DIR/results`` can be re-run by hand).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from beautygraph.engines.spark_session import SparkOptions, get_session, require_spark
from beautygraph.errors import UserError
from kernel.steps import Steps, as_steps, peak_rss_mb

if TYPE_CHECKING:
    from graphdb.base import Store

__all__ = ["JOBS", "SparkJob", "SparkRun", "run_spark_job"]

#: the jobs :func:`run_spark_job` runs
JOBS = ("authorities", "recommend", "beauty", "propagation")


@dataclass
class SparkRun:
    """What one Spark job did: job counts, rows written back, seconds per phase and this
    (the driver's Python) process's peak memory at each phase's end (the JVM's is not
    counted)."""

    job: str
    counts: dict[str, Any]
    written: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    work_dir: str | None = None
    #: tables a job leaves beside its results for the caller (``extras/NAME.parquet``, not
    #: imported into the store), e.g. the recommendations with their common neighbours
    extras: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": "spark",
            "job": self.job,
            **self.counts,
            "written": dict(self.written),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "work_dir": self.work_dir,
        }


class SparkJob(Protocol):
    """One Spark job, with its parameters typed and complete (built by the pipeline, passed
    whole): what it reads from the store and how it runs.  Each engine module defines its
    own: :class:`~beautygraph.engines.spark_alf.AuthoritiesJob`,
    :class:`~beautygraph.engines.spark_fof.RecommendJob`,
    :class:`~beautygraph.engines.spark_beauty.BeautyJob`,
    :class:`~beautygraph.engines.spark_propagation.PropagationJob`."""

    @property
    def name(self) -> str:
        """One of :data:`JOBS`; names the results folder and :attr:`SparkRun.job`."""

    def export_spec(self) -> Any:
        """What :func:`graphdb.parquet_export.export_store` writes for the job."""

    def run(self, spark, export_dir: str, results_dir: str, steps: Steps) -> dict[str, Any]:
        """Read ``export_dir``, write Parquet results into ``results_dir``; job counts."""


def run_spark_job(
    store: Store,
    job: SparkJob,
    options: SparkOptions | None = None,
    steps: Steps | None = None,
) -> SparkRun:
    """Run ``job`` (a :class:`SparkJob`, its parameters complete) on Spark and write its
    results into ``store``."""
    from graphdb.parquet_export import export_store
    from graphdb.results_import import import_results

    if job.name not in JOBS:
        raise UserError(f"unknown spark job {job.name!r}; jobs: {', '.join(JOBS)}")
    options = options or SparkOptions()
    require_spark()  # fail before exporting anything
    keep = options.work_dir is not None or options.keep_work_dir
    work = (
        Path(options.work_dir) if options.work_dir else Path(tempfile.mkdtemp(prefix="bg-spark-"))
    )
    export_dir, results_dir = work / "export", work / f"results-{job.name}"
    seconds: dict[str, float] = {}
    peaks: dict[str, float] = {}

    def ended(phase: str, started: float) -> None:
        seconds[phase] = time.perf_counter() - started
        peak = peak_rss_mb()
        if peak is not None:
            peaks[phase] = peak

    steps = as_steps(steps)
    try:
        t = time.perf_counter()
        export_store(store, export_dir, job.export_spec(), steps=steps)
        ended("export", t)
        t = time.perf_counter()
        with steps("starting Spark"):
            spark = get_session(options.master, options.conf)
        ended("session", t)
        if results_dir.exists():
            shutil.rmtree(results_dir)
        t = time.perf_counter()
        counts = job.run(spark, str(export_dir), str(results_dir), steps)
        ended("spark", t)
        t = time.perf_counter()
        res = import_results(store, results_dir, steps=steps)
        ended("import", t)
        extras = {
            path.stem: pd.read_parquet(path)
            for path in sorted((results_dir / "extras").glob("*.parquet"))
        }
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    work_kept = str(work) if keep else None
    return SparkRun(job.name, counts, res.written, seconds, work_kept, extras, peaks)
