"""One Spark session per process, with clear errors when pyspark or Java is missing.

``--spark-master`` is any Spark master URL: ``local[*]`` (default: every core of this
machine), ``spark://host:7077`` (a standalone cluster), ``yarn``, ``k8s://https://host:443``;
``--spark-conf k=v`` pairs are passed to the session builder unchanged (executor memory,
the Kubernetes image, ...).  On a cluster the export folder must be on storage every
executor can read (HDFS, S3, a shared file system).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from beautygraph.errors import UserError
from kernel.params import invalid

__all__ = ["SparkOptions", "get_session", "parse_conf", "require_spark", "spark_path"]

#: settings of a local session unless --spark-conf sets them: 200 shuffle partitions and
#: adaptive re-planning cost more in scheduling than a few local cores gain, so small
#: jobs run several times slower with them; on a cluster Spark's own settings stay
LOCAL_DEFAULTS = {"spark.sql.shuffle.partitions": "8", "spark.sql.adaptive.enabled": "false"}


@dataclass(frozen=True)
class SparkOptions:
    """How to reach Spark and where its intermediate files go.

    ``work_dir`` holds the export and the results (default: a temporary folder beside the
    store, removed afterwards); on a cluster it must be shared storage.  ``topic_block``
    topics are propagated per pass, so no intermediate holds edges × all topics rows.
    """

    master: str = "local[*]"
    conf: Mapping[str, str] = field(default_factory=dict)
    work_dir: str | None = None
    topic_block: int = 50
    keep_work_dir: bool = False


def spark_path(folder: str | os.PathLike, *parts: str) -> str:
    """``folder/part/...`` keeping a URI scheme intact (``hdfs://``, ``s3a://``).

    Spark reads and writes URIs, which :mod:`os.path` and :class:`pathlib.Path` would
    rewrite (``s3a://b`` → ``s3a:/b``), so the parts are joined as text.
    """
    return "/".join([str(folder).rstrip("/"), *parts])


def parse_conf(items: Sequence[str]) -> dict[str, str]:
    """``["k=v", ...]`` → dict; a clear error for an item without ``=``."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise invalid("Spark", "spark_conf", item, "is not key=value")
        out[key.strip()] = value
    return out


def require_spark() -> None:
    """Raise :class:`UserError` naming what is missing (pyspark, Java) and how to fix it."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UserError(
            "the spark engine needs pyspark: pip install 'beautygraph[spark]' "
            "(or run the scipy engine)"
        ) from None
    java_home = os.environ.get("JAVA_HOME")
    java = (
        os.path.join(java_home, "bin", "java")
        if java_home and os.path.exists(os.path.join(java_home, "bin", "java"))
        else shutil.which("java")
    )
    if not java:
        raise UserError(
            "the spark engine needs Java 17 or newer, but no `java` is on PATH and JAVA_HOME "
            "is not set (Debian: apt-get install openjdk-17-jre-headless)"
        )


_SESSION: dict[str, Any] = {}


def get_session(master: str = "local[*]", conf: Mapping[str, str] | None = None):
    """The process's SparkSession for ``master`` (created once, reused by later jobs).

    A second call with a different master stops the first session.
    """
    require_spark()
    from pyspark.sql import SparkSession

    conf = dict(conf or {})
    key = repr((master, sorted(conf.items())))
    if _SESSION.get("key") == key:
        return _SESSION["spark"]
    if "spark" in _SESSION:
        _SESSION.pop("spark").stop()
    builder = SparkSession.builder.master(master).appName("beautygraph")
    if master.startswith("local"):
        # Python UDFs (score beauty --engine spark) run in worker processes of this very
        # interpreter, which has the project's packages; `python3` on PATH may not have them
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        for k, v in LOCAL_DEFAULTS.items():
            if k not in conf:
                builder = builder.config(k, v)
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    for k, v in conf.items():
        builder = builder.config(k, v)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # py4j / JVM start-up failures
        raise UserError(
            f"cannot start Spark (master {master!r}): {str(exc).splitlines()[0]}"
        ) from None
    spark.sparkContext.setLogLevel("ERROR")
    _SESSION.update(key=key, spark=spark)
    return spark
