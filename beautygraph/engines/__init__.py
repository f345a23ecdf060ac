"""Engines for the whole-graph jobs: where the maths of a job runs.

* ``scipy`` (default): the store is exported into memory and the pure functions of
  ``analysis/`` compute the result (the reference every other engine is tested against);
* ``spark``: the store is exported to Parquet (:mod:`graphdb.parquet_export`), the job runs
  as plain PySpark DataFrame joins and aggregations over that folder
  (:mod:`beautygraph.engines.spark_alf`, :mod:`~beautygraph.engines.spark_fof`,
  :mod:`~beautygraph.engines.spark_beauty`), its results are written as Parquet and imported
  back (:mod:`graphdb.results_import`) — all in one command
  (:func:`beautygraph.engines.runner.run_spark_job`).

Spark pays off when the graph no longer fits one machine; on one machine scipy is much
faster (``bench/bench_scale.py``).
"""

from __future__ import annotations

ENGINES: tuple[str, ...] = ("scipy", "spark")

__all__ = ["ENGINES"]
