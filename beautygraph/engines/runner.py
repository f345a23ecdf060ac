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
from typing import TYPE_CHECKING, Any

import pandas as pd

from beautygraph.engines.spark_session import SparkOptions, get_session, require_spark
from beautygraph.errors import UserError
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from graphdb.base import Store

__all__ = ["JOBS", "SparkRun", "run_spark_job"]

#: the jobs :func:`run_spark_job` runs
JOBS = ("authorities", "recommend", "beauty", "propagation")


@dataclass
class SparkRun:
    """What one Spark job did: job counts, rows written back, seconds per phase."""

    job: str
    counts: dict[str, Any]
    written: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    work_dir: str | None = None
    #: tables a job leaves beside its results for the caller (``extras/NAME.parquet``, not
    #: imported into the store), e.g. the recommendations with their common neighbours
    extras: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": "spark",
            "job": self.job,
            **self.counts,
            "written": dict(self.written),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "work_dir": self.work_dir,
        }


def _job(name: str, params: dict[str, Any]):
    from beautygraph.engines import spark_alf, spark_beauty, spark_fof, spark_propagation

    if name == "authorities":
        # the ALF parameters travel as AlfParams.to_dict() and are rebuilt by the job
        alf, sources = params["alf"], params["sources"]
        return spark_alf.alf_export_spec(), lambda spark, e, r, step: spark_alf.authorities_job(
            spark, e, r, alf, sources=sources, steps=step
        )
    if name == "recommend":
        method = params["method"]
        return spark_fof.fof_export_spec(method), lambda spark, e, r, step: spark_fof.recommend_job(
            spark, e, r, steps=step, **params
        )
    if name == "beauty":
        return spark_beauty.beauty_export_spec(), lambda spark, e, r, step: spark_beauty.beauty_job(
            spark, e, r, source=params.get("source"), steps=step
        )
    if name == "propagation":
        spec = spark_propagation.propagation_export_spec()
        return spec, lambda spark, e, r, step: spark_propagation.propagation_job(
            spark, e, r, steps=step, **params
        )
    raise UserError(f"unknown spark job {name!r}; jobs: {', '.join(JOBS)}")


def run_spark_job(
    store: Store,
    job: str,
    options: SparkOptions | None = None,
    steps: Steps | None = None,
    **params: Any,
) -> SparkRun:
    """Run ``job`` (``authorities``, ``recommend``, ``beauty`` or ``propagation``) on Spark
    and write its results into ``store``.  ``params`` go to the job (``authorities``:
    ``alf``, an :meth:`analysis.alf.params.AlfParams.to_dict` with its block size, and
    ``sources``; ``recommend``: ``method``, ``k``, ``tolerance``; ``propagation``:
    ``method``, ``top``, ``topic_block``)."""
    from graphdb.parquet_export import export_store
    from graphdb.results_import import import_results

    options = options or SparkOptions()
    require_spark()  # fail before exporting anything
    if job == "propagation":
        params.setdefault("topic_block", options.topic_block)
    spec, fn = _job(job, params)
    keep = options.work_dir is not None or options.keep_work_dir
    work = (
        Path(options.work_dir) if options.work_dir else Path(tempfile.mkdtemp(prefix="bg-spark-"))
    )
    export_dir, results_dir = work / "export", work / f"results-{job}"
    seconds: dict[str, float] = {}
    steps = as_steps(steps)
    try:
        t = time.perf_counter()
        export_store(store, export_dir, spec, steps=steps)
        seconds["export"] = time.perf_counter() - t
        with steps("starting Spark") as step:
            spark = get_session(options.master, options.conf)
        seconds["session"] = step.seconds
        if results_dir.exists():
            shutil.rmtree(results_dir)
        t = time.perf_counter()
        counts = fn(spark, str(export_dir), str(results_dir), steps)
        seconds["spark"] = time.perf_counter() - t
        t = time.perf_counter()
        res = import_results(store, results_dir, steps=steps)
        seconds["import"] = time.perf_counter() - t
        extras = {
            path.stem: pd.read_parquet(path)
            for path in sorted((results_dir / "extras").glob("*.parquet"))
        }
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return SparkRun(job, counts, res.written, seconds, str(work) if keep else None, extras)
