"""One JSON schema per command, whatever the engine: every command with ``--engine``
(``authorities``, ``interests propagate``, ``recommend --all``, ``beauty-aggregates``)
prints the same keys with the same value types on each of its engines.

A schema is the JSON with every leaf replaced by its type, compared recursively: the same
keys at every level, the same type at every leaf.  ``null`` matches any type (a nullable
field, e.g. a Spark work folder that the in-memory engine has not got).  Maps keyed by
data rather than by field names (``seconds`` by engine phase, ``per_topic`` and ``top`` by
topic id) are compared by their values' schema only.  The Spark runs share one small
generated community and one local Spark session (one shuffle partition, no UI).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import graphdb
from graphdb.loader import load_folder
from tests.conftest import SPARK_ARGS, local_spark_options
from tests.test_recommend_store import run_cli

pytest.importorskip("pyspark", reason="the [spark] extra (pyspark) is not installed")

#: maps whose keys are data (phases, topic ids), not field names
OPEN_MAPS = {"seconds", "phase_seconds", "phase_peak_rss_mb", "per_topic", "top"}


def schema(value: Any, key: str = "") -> Any:
    """``value`` with every leaf replaced by its type name; lists by the schema of their
    elements (all alike); open maps by ``{"*": schema of their values}``."""
    if value is None:
        return None
    if isinstance(value, dict):
        if key in OPEN_MAPS:
            kinds = [schema(v) for v in value.values()]
            return {"*": _merge(kinds, key)}
        return {k: schema(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_merge([schema(v, key) for v in value], key)]
    return type(value).__name__


def _merge(kinds: list, where: str) -> Any:
    """The one schema of a list's elements (None when empty or all null)."""
    known = [k for k in kinds if k is not None]
    for k in known[1:]:
        assert_same(known[0], k, f"{where}[]")
    return known[0] if known else None


def assert_same(a: Any, b: Any, path: str = "$") -> None:
    """Same keys and leaf types, ``None`` matching anything."""
    if a is None or b is None:
        return
    if isinstance(a, dict) or isinstance(b, dict):
        assert isinstance(a, dict) and isinstance(b, dict), f"{path}: {a!r} vs {b!r}"
        assert set(a) == set(b), f"{path}: keys {sorted(set(a) ^ set(b))} on one engine only"
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) or isinstance(b, list):
        assert isinstance(a, list) and isinstance(b, list), f"{path}: {a!r} vs {b!r}"
        assert_same(a[0], b[0], f"{path}[]")
    else:
        assert a == b, f"{path}: {a} vs {b}"


def test_schema_comparison_catches_what_it_should():
    assert_same(schema({"a": 1, "b": None, "c": [1.5]}), schema({"a": 2, "b": "x", "c": []}))
    for other in ({"a": 1.0}, {"a": {"n": 1}}, {"a": 1, "extra": 0}, {}):
        with pytest.raises(AssertionError):
            assert_same(schema({"a": 1}), schema(other))
    assert_same(schema({"seconds": {"x": 1.0}}), schema({"seconds": {"y": 2.0}}))


@pytest.fixture(scope="module")
def spark_ready():
    local_spark_options()  # started once, reused by every command below


@pytest.fixture(scope="module")
def community_db(tmp_path_factory, spark_ready) -> str:
    from beautygraph.generate import GeneratorConfig, generate

    folder = tmp_path_factory.mktemp("schema_gen")
    generate(GeneratorConfig(n_users=200, seed=0, weeks=4, influence=False, churn=False), folder)
    db = folder / "store.lbdb"
    with graphdb.connect(db) as s:
        load_folder(s, folder)
    return str(db)


def _json(capsys, db: str, args: list[str], engine: str) -> dict:
    extra = SPARK_ARGS if engine == "spark" else []
    code, out, err = run_cli(["--db", db, *args, "--engine", engine, *extra, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(
    ("args", "engines"),
    [
        (["beauty-aggregates"], ("cypher", "scipy", "spark")),
        (["authorities"], ("scipy", "spark")),
        (["interests", "propagate", "--method", "vote"], ("scipy", "spark")),
        (["recommend", "--all", "--method", "cn", "--k", "3"], ("scipy", "spark")),
    ],
    ids=["beauty-aggregates", "authorities", "interests-propagate", "recommend"],
)
def test_every_engine_prints_one_schema(community_db, capsys, args, engines):
    outputs = {e: _json(capsys, community_db, args, e) for e in engines}
    first = engines[0]
    for engine in engines[1:]:
        assert_same(schema(outputs[first]), schema(outputs[engine]), f"{first} vs {engine}")
    # the same data on every engine, not only the same shape
    if args[0] == "authorities":
        assert len({o["authorities"] for o in outputs.values()}) == 1
        assert len({json.dumps(o["top"], sort_keys=True) for o in outputs.values()}) == 1
    if args[0] == "recommend":
        assert outputs["scipy"]["recommendations"] == outputs["spark"]["recommendations"]
