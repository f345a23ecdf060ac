"""The ``--engine`` / ``--spark-*`` options shared by the whole-graph commands."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

#: the ``--engine`` help of the whole-graph commands
ENGINE_HELP = (
    "Where the maths runs: scipy (in memory), spark (PySpark over a Parquet "
    "export, results imported back)."
)


def engine_options(
    engines: tuple[str, ...] = ("scipy", "spark"),
    default: str = "scipy",
    *,
    engine_help: str = ENGINE_HELP,
    work_dir: bool = True,
):
    """Decorator adding ``--engine``, ``--spark-master``, ``--spark-conf`` (repeatable)
    and (unless ``work_dir`` is false) ``--spark-work-dir``; the command receives
    ``engine`` and ``spark`` (a :class:`beautygraph.engines.spark_session.SparkOptions`,
    or None for other engines).  ``engine_help`` replaces the help of ``--engine``."""

    def decorate(fn: Callable) -> Callable:
        options = [
            click.option(
                "--engine",
                type=click.Choice(list(engines)),
                default=default,
                show_default=True,
                help=engine_help,
            ),
            click.option(
                "--spark-master",
                default="local[*]",
                show_default=True,
                help="Spark master URL: local[*], spark://host:7077, yarn, k8s://https://host.",
            ),
            click.option(
                "--spark-conf",
                "spark_conf",
                multiple=True,
                metavar="KEY=VALUE",
                help="Spark configuration passed through (repeatable).",
            ),
            click.option(
                "--spark-work-dir",
                type=click.Path(file_okay=False),
                default=None,
                help="Folder for the export and the results (kept; shared storage on a "
                "cluster). Default: a temporary folder, removed afterwards.",
            ),
        ]
        if not work_dir:
            options.pop()  # --spark-work-dir, the last one

        @functools.wraps(fn)
        def wrapper(*args, engine, spark_master, spark_conf, spark_work_dir=None, **kwargs):
            spark = None
            if engine == "spark":
                from beautygraph.engines.spark_session import SparkOptions, parse_conf

                spark = SparkOptions(
                    master=spark_master, conf=parse_conf(spark_conf), work_dir=spark_work_dir
                )
            return fn(*args, engine=engine, spark=spark, **kwargs)

        for opt in reversed(options):
            wrapper = opt(wrapper)
        return wrapper

    return decorate
