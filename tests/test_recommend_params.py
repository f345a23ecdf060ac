"""One frozen, self-checking parameter object for the recommenders
(:class:`analysis.recommend_params.RecommendParams`): its defaults are the CLI's and every
engine's, its rules name the offending values (and the CLI names its flags), it travels
whole from the command to the pipeline to the engine, it is checked before anything is
written, and each command prints one frozen result's ``to_json()`` — the same on every
engine."""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
import re

import click
import numpy as np
import pytest
from click.testing import CliRunner

import graphdb
from analysis import fof, recsim
from analysis.recommend_params import (
    BATCH_METHODS,
    BATCH_MODES,
    METHODS,
    RECOMMEND_DEFAULTS,
    SIMULATION_DEFAULTS,
    RecommendParams,
    check_values,
)
from beautygraph.errors import UserError
from beautygraph.pipelines import recommend as pipe
from kernel.params import InvalidParams
from tests.test_recommend_fof import BEAUTY, EDGES, IDS, graph
from tests.test_recommend_store import fill

# -- the object: defaults, rules, normalisation, serialisation -------------------------------


def test_defaults_are_the_clis():
    p = RecommendParams()
    assert (p.method, p.k, p.tolerance, p.sample, p.seed) == ("learned", 10, 0.10, None, 0)
    assert p.beauty_balance == 0.1
    assert (p.n_boot, p.max_paths) == (200, 1_000_000)
    assert RECOMMEND_DEFAULTS == p
    # analyze recommenders: 10 000 sampled photographers, everything else alike
    assert SIMULATION_DEFAULTS == dataclasses.replace(p, sample=10_000)
    assert METHODS == ("cn", "bb", "aa", "authority", "learned")
    assert BATCH_METHODS == ("cn", "bb", "aa")
    assert BATCH_MODES == (*BATCH_METHODS, "learned")


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ({"method": "pagerank"}, "method='pagerank' must be one of cn, bb, aa, authority"),
        ({"k": 0}, "k=0 must be an integer >= 1"),
        ({"k": 2.5}, "k=2.5 must be an integer >= 1"),
        ({"k": True}, "k=True must be an integer >= 1"),
        ({"tolerance": -0.1}, "tolerance=-0.1 must be a finite number >= 0"),
        ({"beauty_balance": 1.5}, "beauty_balance=1.5 must be a number in [0, 1]"),
        ({"beauty_balance": float("nan")}, "beauty_balance=nan must be a number in [0, 1]"),
        ({"tolerance": math.inf}, "tolerance=inf must be a finite number >= 0"),
        ({"tolerance": math.nan}, "tolerance=nan must be a finite number >= 0"),
        ({"tolerance": "0.1"}, "tolerance='0.1' must be a finite number >= 0"),
        ({"sample": 0}, "sample=0 must be an integer >= 1"),
        ({"seed": -1}, "seed=-1 must be an integer >= 0"),
        ({"n_boot": -1}, "n_boot=-1 must be an integer >= 0"),
        ({"max_paths": 0}, "max_paths=0 must be an integer >= 1"),
    ],
)
def test_every_rule_names_the_offending_value(values, shown):
    with pytest.raises(InvalidParams, match="invalid recommend parameters") as exc:
        RecommendParams(**values)
    assert shown in str(exc.value)
    assert exc.value.family == "recommend"
    assert "--" not in str(exc.value)  # no CLI flag names below the CLI


def test_the_boundaries_are_allowed():
    p = RecommendParams(k=1, tolerance=0.0, sample=1, seed=0, n_boot=0, max_paths=1)
    assert (p.k, p.tolerance, p.sample, p.n_boot, p.max_paths) == (1, 0.0, 1, 0, 1)
    for method in METHODS:
        assert RecommendParams(method=method).method == method


def test_all_problems_are_reported_at_once():
    with pytest.raises(InvalidParams) as exc:
        RecommendParams(method="x", k=0, tolerance=-1.0, sample=0)
    names = [p.names for p in exc.value.problems]
    assert names == [("method",), ("k",), ("tolerance",), ("sample",)]


def test_frozen_and_normalised():
    # whole numbers of any numeric type, as numpy and a JSON file give them
    p = RecommendParams(k=3.0, tolerance=1, sample=np.int64(4), seed=np.int32(7))  # type: ignore[arg-type]
    assert (p.k, p.tolerance, p.sample, p.seed) == (3, 1.0, 4, 7)
    assert type(p.k) is int and type(p.tolerance) is float
    assert type(p.sample) is int and type(p.seed) is int
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.k = 1  # type: ignore[misc]
    with pytest.raises(InvalidParams, match="k=0"):
        p.with_changes(k=0)  # a copy is checked again


def test_serialised_and_rebuilt_unchanged():
    p = RecommendParams(method="bb", k=4, tolerance=0.25, sample=9, seed=3, n_boot=7)
    plain = json.loads(json.dumps(p.to_dict()))
    assert RecommendParams.from_dict(plain) == p
    with pytest.raises(ValueError, match="unknown recommend parameters"):
        RecommendParams.from_dict({**plain, "tolerence": 0.2})
    with pytest.raises(InvalidParams, match="k=0"):
        RecommendParams.from_dict({**plain, "k": 0})


def test_the_bb_window_by_hand():
    # b(u) = 0.5, ±10 %: 0.45 .. 0.55; ±25 %: 0.375 .. 0.625
    assert RecommendParams().window(0.5) == pytest.approx((0.45, 0.55))
    assert RecommendParams(tolerance=0.25).window(0.5) == pytest.approx((0.375, 0.625))


# -- the analysis functions share the defaults and the rules ------------------------------


def _defaults(fn) -> dict:
    return {
        name: p.default
        for name, p in inspect.signature(fn).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def test_analysis_functions_share_the_defaults():
    from analysis.alf.recommend import algorithm2
    from beautygraph.engines import spark_fof

    d = _defaults(fof.recommend)
    assert (d["k"], d["tolerance"], d["max_paths"]) == (
        RECOMMEND_DEFAULTS.k,
        RECOMMEND_DEFAULTS.tolerance,
        RECOMMEND_DEFAULTS.max_paths,
    )
    d = _defaults(recsim.simulate)
    for name in ("tolerance", "n_boot", "seed", "max_paths"):
        assert d[name] == getattr(RECOMMEND_DEFAULTS, name), name
    assert _defaults(algorithm2)["k"] == RECOMMEND_DEFAULTS.k
    assert fof.METHODS == BATCH_METHODS == spark_fof.SPARK_METHODS
    assert tuple(pipe.METHODS) == METHODS  # one answering function per method


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        (lambda s, d, b: fof.recommend(s, d, len(IDS), "cn", k=0), "k=0"),
        (lambda s, d, b: fof.recommend(s, d, len(IDS), "authority"), "method='authority'"),
        (
            lambda s, d, b: fof.recommend(s, d, len(IDS), "bb", beauty=b, tolerance=-1),
            "tolerance=-1",
        ),
        (lambda s, d, b: fof.recommend(s, d, len(IDS), "cn", max_paths=0), "max_paths=0"),
        (lambda s, d, b: recsim.sample_users(np.ones(3, bool), 0, 0), "sample=0"),
        (lambda s, d, b: recsim.sample_users(np.ones(3, bool), 2, -1), "seed=-1"),
        (lambda s, d, b: _simulate(s, d, b, n_boot=-2), "n_boot=-2"),
        (lambda s, d, b: _simulate(s, d, b, methods=("cn", "authority")), "method='authority'"),
        (lambda s, d, b: _algorithm2(k=0), "k=0"),
    ],
)
def test_analysis_functions_check_by_the_same_rules(call, shown):
    src, dst, beauty = graph()
    with pytest.raises(InvalidParams, match="invalid recommend parameters") as exc:
        call(src, dst, beauty)
    assert shown in str(exc.value)


def _simulate(src, dst, beauty, **kwargs):
    n = len(IDS)
    b = np.nan_to_num(beauty, nan=0.0)
    return recsim.simulate(src, dst, n, b, np.zeros(n), np.zeros(n, bool), np.array([0]), **kwargs)


def _algorithm2(**kwargs):
    from analysis.alf.recommend import algorithm2

    return algorithm2(np.zeros((2, 2)), [np.array([1])], [0], **kwargs)


def test_the_simulation_refuses_a_method_before_computing_any(monkeypatch):
    calls: list = []
    monkeypatch.setattr(recsim.fof, "recommend", lambda *a, **k: calls.append(a))
    src, dst, beauty = graph()
    with pytest.raises(InvalidParams, match="method='authority'"):
        _simulate(src, dst, beauty, methods=("cn", "authority"))
    assert calls == []


def test_check_values_is_the_objects_check():
    assert check_values(k=2.0, tolerance=1, sample=None) == {
        "k": 2,
        "tolerance": 1.0,
        "sample": None,
    }
    with pytest.raises(TypeError, match="'alpha' is not a recommend parameter"):
        check_values(alpha=1)


# -- one object from the command to the engine ------------------------------------------


@pytest.fixture
def hand_db(tmp_path) -> str:
    path = tmp_path / "hand.lbdb"
    with graphdb.connect(path) as s:
        fill(s, IDS, EDGES, BEAUTY)
    return str(path)


def _invoke(args: list[str]):
    from beautygraph.cli import cli

    return CliRunner().invoke(cli, args)


def _option(command: click.Command, name: str) -> click.Option:
    (opt,) = [p for p in command.params if p.name == name]
    assert isinstance(opt, click.Option)
    return opt


def test_click_options_equal_the_dataclass():
    import beautygraph.cli  # noqa: F401  (attaches the commands to the groups)
    from beautygraph.clikit import analyze, main

    rec = main.commands["recommend"]
    method = _option(rec, "method")
    assert method.default == RECOMMEND_DEFAULTS.method
    assert isinstance(method.type, click.Choice) and tuple(method.type.choices) == METHODS
    for name, low in (("k", 1), ("sample", 1), ("seed", 0)):
        opt = _option(rec, name)
        assert opt.default == getattr(RECOMMEND_DEFAULTS, name), name
        assert isinstance(opt.type, click.IntRange) and opt.type.min == low, name
    tol = _option(rec, "tolerance")
    assert tol.default == RECOMMEND_DEFAULTS.tolerance
    assert isinstance(tol.type, click.FloatRange) and tol.type.min == 0.0
    lam = _option(rec, "beauty_balance")
    assert lam.default == RECOMMEND_DEFAULTS.beauty_balance
    assert isinstance(lam.type, click.FloatRange) and (lam.type.min, lam.type.max) == (0.0, 1.0)
    sim = analyze.commands["recommenders"]
    bounds: tuple[tuple[str, float], ...] = (("sample", 1), ("seed", 0), ("tolerance", 0.0))
    for name, floor in bounds:
        opt = _option(sim, name)
        assert opt.default == getattr(SIMULATION_DEFAULTS, name), name
        assert isinstance(opt.type, click.IntRange | click.FloatRange) and opt.type.min == floor


class _Seen(Exception):
    """Stops a patched pipeline or engine once it has recorded what it got."""


def _record(monkeypatch, module, name: str, seen: list):
    def fake(*args, **kwargs):
        seen.append((args, kwargs))
        raise _Seen

    monkeypatch.setattr(module, name, fake)


@pytest.mark.parametrize(
    ("args", "target", "expected"),
    [
        (
            ["recommend", "a", "--method", "bb", "--k", "3", "--tolerance", "0.2"],
            "user_recommendations",
            RecommendParams(method="bb", k=3, tolerance=0.2),
        ),
        (
            ["recommend", "--sample", "4", "--seed", "5", "--method", "aa", "--k", "2"],
            "recommend_batch",
            RecommendParams(method="aa", k=2, sample=4, seed=5),
        ),
        (
            ["analyze", "recommenders", "--sample", "7", "--seed", "2", "--tolerance", "0.3"],
            "simulate_recommenders",
            RecommendParams(sample=7, seed=2, tolerance=0.3),
        ),
    ],
    ids=["recommend USER", "recommend --sample", "analyze recommenders"],
)
def test_the_command_passes_one_object_to_the_pipeline(
    hand_db, monkeypatch, args, target, expected
):
    seen: list = []
    _record(monkeypatch, pipe, target, seen)
    res = _invoke(["--db", hand_db, *args])
    assert isinstance(res.exception, _Seen), res.output
    ((call_args, _),) = seen
    assert call_args[-1] == expected and isinstance(call_args[-1], RecommendParams)


def test_the_simulation_pipeline_defaults_to_the_simulation_defaults(tmp_path, monkeypatch):
    from tests.test_recommend_store import sim_store

    seen: list = []
    _record(monkeypatch, pipe.recsim, "sample_users", seen)
    with graphdb.connect(tmp_path / "sim.lbdb") as s:
        sim_store(s)
        with pytest.raises(_Seen):
            pipe.simulate_recommenders(s)
        with pytest.raises(_Seen):
            pipe.simulate_recommenders(s, seed=4)
    assert [args[1:] for args, _ in seen] == [(10_000, 0), (10_000, 4)]


def test_the_spark_command_passes_the_object_to_the_job(hand_db, monkeypatch):
    """--engine spark: command → recommend_spark → RecommendJob, the same object (no Spark
    runs: the runner is replaced)."""
    from beautygraph.engines import runner

    seen: list = []
    _record(monkeypatch, runner, "run_spark_job", seen)
    args = ["recommend", "--all", "--engine", "spark", "--method", "aa", "--k", "2"]
    res = _invoke(["--db", hand_db, *args])
    assert isinstance(res.exception, _Seen), res.output
    ((call_args, _),) = seen
    job = call_args[1]
    assert job.params == RecommendParams(method="aa", k=2) and job.name == "recommend"


def test_the_scipy_engine_computes_with_the_objects_values(hand_db, monkeypatch):
    seen: list = []
    _record(monkeypatch, pipe.fof, "recommend", seen)
    params = RecommendParams(method="bb", k=2, tolerance=0.3, max_paths=17)
    with graphdb.connect(hand_db, read_only=True) as s, pytest.raises(_Seen):
        pipe.recommend_batch(s, params)
    ((args, kwargs),) = seen
    assert args[3] == "bb"
    assert (kwargs["k"], kwargs["tolerance"], kwargs["max_paths"]) == (2, 0.3, 17)


def test_the_spark_job_refuses_a_method_it_does_not_compute():
    from beautygraph.engines.spark_fof import RecommendJob

    with pytest.raises(InvalidParams, match="method='authority' has no spark job"):
        RecommendJob(RecommendParams(method="authority"))
    assert RecommendJob(RecommendParams(method="bb")).export_spec().nodes == {"User": ["beauty"]}


def _recommended(db: str) -> int:
    with graphdb.connect(db, read_only=True) as s:
        return len(s.export_edges("RECOMMENDED", ["method"]).src)


@pytest.mark.parametrize(
    ("args", "flagged"),
    [
        (["recommend", "--all", "--write", "--tolerance", "inf"], "--tolerance inf must be"),
        (
            ["recommend", "--all", "--write", "--method", "authority"],
            "--method authority has no batch",
        ),
        (
            ["recommend", "--all", "--engine", "spark", "--method", "authority"],
            "--method authority has no spark job",
        ),
        (["analyze", "recommenders", "--tolerance", "inf"], "--tolerance inf must be"),
    ],
    ids=["tolerance", "batch method", "spark method", "simulation"],
)
def test_a_bad_value_is_refused_in_flags_before_anything_is_written(hand_db, args, flagged):
    res = _invoke(["--db", hand_db, *args])
    assert isinstance(res.exception, UserError), res.output
    message = str(res.exception)
    assert flagged in message, message
    assert re.search(r"\w=", message) is None  # parameters named as flags, not name=value
    assert _recommended(hand_db) == 0


def test_bb_for_a_user_without_beauty_names_the_flag(hand_db):
    """'x' has no beauty while the other users have one: the pipeline names ``method``, the
    command line names ``--method``."""
    with graphdb.connect(hand_db, read_only=True) as s, pytest.raises(UserError) as info:
        pipe.recommend_user(s, "x", "bb")
    assert str(info.value).startswith("method='bb' ranks candidates by the recipient's own")
    assert "--" not in str(info.value)
    res = _invoke(["--db", hand_db, "recommend", "x", "--method", "bb"])
    message = str(res.exception)
    assert message.startswith("--method bb ranks candidates by the recipient's own beauty")
    assert "9 of 10 users have a beauty, but not 'x'" in message  # hand count: all but x
    assert "cn, aa and authority need no beauty" in message


def test_the_bb_command_hint_is_a_command_line_of_the_cli():
    """The no-beauty message names the command line that needs a beauty; it must parse."""
    import beautygraph.cli  # noqa: F401
    from beautygraph.clikit import main

    name, *rest = pipe.BB_COMMAND.split()
    ctx = main.commands[name].make_context(name, [*rest, "someone"])
    assert ctx.params["method"] == "bb"


# -- one frozen result per command, printed as to_json() ------------------------------------


def test_user_result_by_hand(hand_db):
    with graphdb.connect(hand_db, read_only=True) as s:
        bb = pipe.user_recommendations(s, "a", RecommendParams(method="bb"))
        cn = pipe.user_recommendations(s, "a", "cn", k=2)
    out = bb.to_json()
    # a's beauty 0.50, ±10 %: 0.45 .. 0.55; e and h (0.54) then f (0.46), ties by id
    assert list(out) == ["user", "method", "user_beauty", "tolerance", "window", "recommendations"]
    assert (out["user"], out["method"], out["user_beauty"], out["tolerance"]) == (
        "a",
        "bb",
        0.5,
        0.1,
    )
    assert out["window"] == pytest.approx([0.45, 0.55])
    assert [(r["user_id"], r["score"]) for r in out["recommendations"]] == [
        ("e", 0.54),
        ("h", 0.54),
        ("f", 0.46),
    ]
    assert list(cn.to_json()) == ["user", "method", "user_beauty", "recommendations"]
    assert [r["user_id"] for r in cn.to_json()["recommendations"]] == ["e", "f"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        bb.user = "b"  # type: ignore[misc]


def test_each_command_prints_its_results_to_json(hand_db):
    params = RecommendParams(method="aa", k=2)
    with graphdb.connect(hand_db, read_only=True) as s:
        one = pipe.user_recommendations(s, "a", params).to_json()
        batch = pipe.recommend_batch(s, params)
    res = _invoke(["--db", hand_db, "recommend", "a", "--method", "aa", "--k", "2", "--json"])
    assert json.loads(res.output) == json.loads(json.dumps(one))
    res = _invoke(["--db", hand_db, "recommend", "--all", "--method", "aa", "--k", "2", "--json"])
    printed = json.loads(res.output)
    assert printed == json.loads(json.dumps(batch.to_json()))
    # hand count: every user with a candidate at distance two gets min(2, candidates)
    assert printed["n_recommendations"] == len(batch.frame) and printed["n_users"] == len(IDS)
    assert [r["user_id"] for r in printed["recommendations"] if r["user"] == "a"] == ["e", "f"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        batch.written = 3  # type: ignore[misc]


def test_simulation_result_is_frozen_and_prints_to_json(tmp_path):
    from tests.test_recommend_store import sim_store

    path = tmp_path / "sim.lbdb"
    with graphdb.connect(path) as s:
        sim_store(s)
        sim = pipe.simulate_recommenders(s, sample=None, n_boot=5)
    res = _invoke(["--db", str(path), "analyze", "recommenders", "--json"])
    printed = json.loads(res.output)
    assert set(printed) == {"methods", "comparisons", "n_sampled", "seed"}
    assert printed["methods"] == json.loads(json.dumps(sim.to_json()["methods"]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        sim.n_forlorn = 0  # type: ignore[misc]


# -- recommend --all --json: one schema and one answer on every engine -------------------------


@pytest.fixture(scope="module")
def spark_db(tmp_path_factory) -> str:
    """A small generated community with User.beauty (from the photos' input beauty) and one
    local Spark session shared by the runs below."""
    from beautygraph.generate import GeneratorConfig, generate
    from graphdb.loader import load_folder
    from tests.conftest import local_spark_options

    local_spark_options()
    folder = tmp_path_factory.mktemp("rec_engines")
    generate(GeneratorConfig(n_users=150, seed=4, weeks=4, influence=False, churn=False), folder)
    db = folder / "store.lbdb"
    with graphdb.connect(db) as s:
        load_folder(s, folder)
        s.run("user_beauty", source="input")
    return str(db)


@pytest.mark.parametrize("method", BATCH_METHODS)
def test_recommend_all_json_is_the_same_on_every_engine(spark_db, method):
    """``recommend --all --write --json`` on scipy and on Spark: the same keys and value
    types at every level, and the same answer (AA's rounded sums to 1e-9).  The per-user
    Cypher statements answer ``recommend USER`` only; tests/test_recommend_store.py holds
    them equal to the scipy batch."""
    from tests.conftest import SPARK_ARGS
    from tests.test_engine_json_schema import assert_same, schema

    args = ["--db", spark_db, "recommend", "--all", "--method", method, "--k", "3", "--write"]
    out = {}
    for engine, extra in (("scipy", []), ("spark", SPARK_ARGS)):
        res = _invoke([*args, "--engine", engine, *extra, "--json"])
        assert res.exit_code == 0, res.output
        out[engine] = json.loads(res.output)
    scipy, spark = out["scipy"], out["spark"]
    assert_same(schema(scipy), schema(spark), "scipy vs spark")
    assert list(scipy) == list(spark)
    assert scipy["n_recommendations"] > 0 and scipy["written"] == scipy["n_recommendations"]
    assert {k: v for k, v in scipy.items() if k != "recommendations"} == {
        k: v for k, v in spark.items() if k != "recommendations"
    }
    for a, b in zip(scipy["recommendations"], spark["recommendations"], strict=True):
        assert list(a) == list(b) and {k: type(v) for k, v in a.items()} == {
            k: type(v) for k, v in b.items()
        }
        assert a["score"] == pytest.approx(b["score"], abs=1e-9)
        assert {**a, "score": 0} == {**b, "score": 0}
