"""``spark_path``: the one joiner of Spark folder paths, URIs kept intact."""

from __future__ import annotations

from pathlib import Path

from beautygraph.engines.spark_session import spark_path


def test_spark_path_keeps_uri_scheme():
    # os.path / pathlib would collapse the double slash of the scheme
    assert spark_path("s3a://bucket/work/", "export", "User") == "s3a://bucket/work/export/User"
    assert spark_path("hdfs://nn:8020/w", "results") == "hdfs://nn:8020/w/results"


def test_spark_path_local_folder(tmp_path: Path):
    assert spark_path(tmp_path, "a", "b") == f"{tmp_path}/a/b"
