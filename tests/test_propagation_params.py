"""One frozen, self-checking parameter object per propagation command
(:class:`analysis.propagation.params.PropagationParams`, ``PropagationEvalParams``): its
defaults are the CLI's, its rules name parameters (the CLI spells them as its flags), it is
checked before the store is touched, it travels whole to the Spark job, and each command
answers with one frozen result whose ``to_json()`` is the same on every engine."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from analysis.propagation.params import PropagationEvalParams, PropagationParams
from beautygraph.errors import UserError
from kernel.params import InvalidParams
from tests.test_propagation_store import _write_folder

#: every seed source a propagation may read, in the order of the rule's message
SEEDS = "bio, tags, images, declared"


def _option(command: click.Command, name: str) -> click.Option:
    opt = next(p for p in command.params if p.name == name)
    assert isinstance(opt, click.Option)
    return opt


def test_interests_propagate_options_default_to_the_params():
    from beautygraph.commands.propagation import propagate_cmd

    p = PropagationParams()
    for name in ("method", "top", "seed", "sources"):
        assert _option(propagate_cmd, name).default == getattr(p, name), name
    assert (p.method, p.top, p.seed, p.sources, p.folds, p.direction) == (
        "auto",
        5,
        0,
        None,
        3,
        "both",
    )


def test_analyze_propagation_options_default_to_the_params():
    from beautygraph.commands.propagation import _fractions, analyze_propagation

    p = PropagationEvalParams()
    for name in ("holdout", "repeats", "seed", "sources"):
        assert _option(analyze_propagation, name).default == getattr(p, name), name
    # the option's default is text; parsed by its callback it is the object's tuple
    text = _option(analyze_propagation, "fractions").default
    assert _fractions(None, None, text) == p.fractions == (0.1, 0.5, 0.9)
    assert (p.holdout, p.repeats, p.folds, p.direction) == (0.5, 3, 3, "both")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"top": 0}, "top=0 must be an integer >= 1"),
        ({"top": 2.0}, "top=2.0 must be an integer >= 1"),
        ({"top": True}, "top=True must be an integer >= 1"),
        ({"seed": -1}, "seed=-1 must be an integer >= 0"),
        ({"folds": 1}, "folds=1 must be an integer >= 2"),
        ({"direction": "up"}, "direction='up' must be one of both, out, in"),
        ({"method": "magic"}, "method='magic' must be one of auto, "),
        ({"sources": ("bio", "likes")}, f"sources='bio,likes' must be one or more of {SEEDS} "),
        ({"sources": ()}, f"sources='' must be one or more of {SEEDS}"),
        ({"sources": "bio"}, "sources='bio' must be a sequence of source names"),
        ({"sources": 3}, "sources=3 must be a sequence of source names"),
    ],
)
def test_each_propagation_rule_names_the_offending_value(values, message):
    with pytest.raises(InvalidParams, match="^invalid propagation parameters: ") as err:
        PropagationParams(**values)
    assert message in str(err.value)
    assert "--" not in str(err.value)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"holdout": 0}, "holdout=0 must be a number in (0, 1)"),
        ({"holdout": 1.0}, "holdout=1.0 must be a number in (0, 1)"),
        ({"holdout": float("nan")}, "holdout=nan must be a number in (0, 1)"),
        ({"holdout": "0.5"}, "holdout='0.5' must be a number in (0, 1)"),
        ({"repeats": 0}, "repeats=0 must be an integer >= 1"),
        ({"fractions": (0.5, 1.0)}, "fractions='0.5,1.0' must be numbers in (0, 1), at least one"),
        ({"fractions": ()}, "fractions='' must be numbers in (0, 1)"),
        ({"fractions": 0.5}, "fractions=0.5 must be numbers in (0, 1)"),
        ({"seed": 1.5}, "seed=1.5 must be an integer >= 0"),
    ],
)
def test_each_evaluation_rule_names_the_offending_value(values, message):
    with pytest.raises(InvalidParams) as err:
        PropagationEvalParams(**values)
    assert message in str(err.value)


def test_every_broken_rule_is_reported_at_once():
    with pytest.raises(InvalidParams) as err:
        PropagationEvalParams(holdout=2, repeats=0, fractions=(0.1, 3), direction="x")
    names = [p.names for p in err.value.problems]
    assert names == [("holdout",), ("repeats",), ("fractions",), ("direction",)]


def test_values_are_normalised_and_round_trip_as_plain_values():
    p = PropagationParams(method="vote", top=2, sources=[" declared", "bio", "declared"])
    assert p.sources == ("declared", "bio")
    plain = p.to_dict()
    assert plain == {
        "method": "vote",
        "top": 2,
        "seed": 0,
        "sources": ["declared", "bio"],
        "folds": 3,
        "direction": "both",
    }
    assert PropagationParams.from_dict(json.loads(json.dumps(plain))) == p
    e = PropagationEvalParams(holdout=1 / 4, fractions=[0.2, 0.8])
    assert e.fractions == (0.2, 0.8) and hash(e) == hash(
        PropagationEvalParams.from_dict(e.to_dict())
    )
    with pytest.raises(ValueError, match=r"unknown propagation parameters \['k'\]"):
        PropagationParams.from_dict({"k": 3})
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.top = 3  # type: ignore[misc]


class _Untouchable:
    """A store that fails the test on any use: the parameters must be refused first."""

    def __getattr__(self, name):
        raise AssertionError(f"the store was used ({name}) before the parameters were checked")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda s: _run(s, top=0),
            "invalid propagation parameters: top=0 must be an integer >= 1",
        ),
        (  # sources left out: to fill them in would read the store
            lambda s: _run(s, sources=None, method="netmf_lr", engine="spark"),
            "invalid propagation parameters: method='netmf_lr' and engine='spark' do not go "
            "together: the Spark job runs vote, algorithm1, alf_interests, prone_lr (and auto, "
            "as prone_lr); netmf_lr runs on the scipy engine",
        ),
        (
            lambda s: _run(s, method="vote", direction="out", engine="spark"),
            "direction='out' and engine='spark' do not go together",
        ),
        (
            lambda s: _run(s, method="vote", engine="spark", write=False),
            "engine='spark' and write=False do not go together",
        ),
        (lambda s: _run(s, engine="dask"), "engine='dask' must be one of scipy, spark"),
        (
            lambda s: _evaluate(s, holdout=1.5, fractions=(0.5,)),
            "invalid propagation parameters: holdout=1.5 must be a number in (0, 1)",
        ),
    ],
)
def test_the_pipelines_refuse_by_parameter_name_before_touching_the_store(call, message):
    with pytest.raises(UserError) as err:
        call(_Untouchable())
    assert message in str(err.value)
    assert "--" not in str(err.value)  # the pipelines know no flags
    assert isinstance(err.value.__cause__, InvalidParams)  # for the CLI to spell


def _run(store, sources=("declared",), **kwargs):
    from beautygraph.pipelines.propagation import run_propagation

    return run_propagation(store, sources, **kwargs)


def _evaluate(store, **kwargs):
    from beautygraph.pipelines.propagation import evaluate_propagation

    return evaluate_propagation(store, **kwargs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["interests", "propagate", "--top", "0"], "--top 0 must be an integer >= 1"),
        (
            ["interests", "propagate", "--method", "magic"],
            "--method magic must be one of auto, algorithm1, alf_interests, theorem1, "
            "spreading, netmf_lr, prone_lr, vote, majority",
        ),
        (
            ["interests", "propagate", "--interest-source", "bio,likes"],
            f"--interest-source bio,likes must be one or more of {SEEDS} (unknown: likes)",
        ),
        (
            ["interests", "propagate", "--method", "spreading", "--engine", "spark"],
            "--method spreading and --engine spark do not go together: the Spark job runs "
            "vote, algorithm1, alf_interests, prone_lr (and auto, as prone_lr); spreading runs "
            "on the scipy engine",
        ),
        (
            ["analyze", "propagation", "--holdout", "1", "--repeats", "0", "--seed", "-2"],
            "--holdout 1.0 must be a number in (0, 1); --repeats 0 must be an integer >= 1; "
            "--seed -2 must be an integer >= 0",
        ),
        (
            ["analyze", "propagation", "--fractions", "0.5,1.5"],
            "--fractions 0.5,1.5 must be numbers in (0, 1), at least one",
        ),
    ],
)
def test_the_cli_names_its_flags(tmp_path, args, message):
    from beautygraph.cli import cli

    db = tmp_path / "never.lbdb"
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert isinstance(res.exception, UserError), res.output
    assert str(res.exception) == f"invalid propagation parameters: {message}"
    assert not db.exists()  # refused before the store was even opened


@pytest.fixture
def hand_store(store, tmp_path):
    from graphdb.loader import load_folder

    load_folder(store, _write_folder(tmp_path / "hand"))
    return store


def test_sources_left_out_are_those_in_the_store(hand_store):
    from beautygraph.pipelines.propagation import run_propagation

    run = run_propagation(hand_store, params=PropagationParams(method="vote", top=1))
    assert run.sources == ("declared",) and run.to_json()["sources"] == ["declared"]


#: ``interests propagate --interest-source declared --method vote --top 2 --json`` on the
#: hand-worked graph of tests/test_propagation_store.py, by hand: 6 users, 2 topics, seeds
#: a, b, e; the vote reaches a (2 topics), b (1), c (2) and d (1)
HAND_VOTE_JSON = {
    "method": "vote",
    "requested": "vote",
    "sources": ["declared"],
    "users": 6,
    "topics": 2,
    "seed_users": 3,
    "users_with_propagated": 4,
    "rows": 6,
    "written": 6,
    "selection": None,
}


#: what ``interests propagate --json`` reports of the run's cost (differs run to run)
COSTS = ("seconds", "peak_rss_mb", "phase_seconds", "phase_peak_rss_mb")


def _rss_now_mb() -> float:
    """This process's resident memory now (Linux ``/proc``), MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def _assert_costs(d: dict, rss_before_mb: float) -> None:
    """The run's wall time, its phases' and this process's peak RSS: numbers, positive,
    the phases no longer than the whole; the peak at least the memory in use before the
    run (a peak never falls) and at most the process's peak now (MiB, not KiB)."""
    import resource

    assert type(d["seconds"]) is float and d["seconds"] > 0
    assert type(d["peak_rss_mb"]) is float
    assert d["phase_seconds"] and all(type(v) is float for v in d["phase_seconds"].values())
    assert 0 < sum(d["phase_seconds"].values()) <= d["seconds"] + 0.01
    peak_now = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert rss_before_mb - 0.1 <= d["peak_rss_mb"] <= peak_now + 0.1
    # each local phase's peak: within the run's, and never falling from phase to phase
    phase_peaks = list(d["phase_peak_rss_mb"].values())
    if phase_peaks:
        assert list(d["phase_peak_rss_mb"]) == list(d["phase_seconds"])
        assert phase_peaks == sorted(phase_peaks)
        assert rss_before_mb - 0.1 <= phase_peaks[0] and phase_peaks[-1] <= d["peak_rss_mb"]


def test_propagation_run_is_frozen_and_its_json_is_todays(hand_store, tmp_path):
    from beautygraph.pipelines.propagation import run_propagation

    rss_before = _rss_now_mb()
    run = run_propagation(hand_store, ("declared",), method="vote", top=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.written = 0  # type: ignore[misc]
    d = run.to_json()
    assert set(d["phase_seconds"]) == {"export", "propagate", "write"}
    _assert_costs(d, rss_before)
    assert {k: v for k, v in d.items() if k not in COSTS} == HAND_VOTE_JSON
    with_out = dataclasses.replace(run, out="p.csv").to_json()
    assert with_out["out"] == "p.csv" and set(with_out) == set(d) | {"out"}


def test_interests_propagate_json_is_one_schema_on_scipy_and_spark(tmp_path, capsys):
    """The same keys, value types and values (but the seconds per phase) on both engines,
    on the six-user hand-worked graph."""
    from tests.conftest import SPARK_ARGS, local_spark_options
    from tests.test_engine_json_schema import assert_same, schema
    from tests.test_recommend_store import run_cli

    local_spark_options()
    db = str(tmp_path / "hand.lbdb")
    assert run_cli(["--db", db, "load", str(_write_folder(tmp_path / "hand"))], capsys)[0] == 0
    args = ["interests", "propagate", "--interest-source", "declared", "--method", "vote"]
    got = {}
    rss_before = _rss_now_mb()
    for engine, extra in (("scipy", []), ("spark", SPARK_ARGS)):
        code, out, err = run_cli(
            ["--db", db, *args, "--top", "2", "--engine", engine, *extra, "--json"], capsys
        )
        assert code == 0, err
        got[engine] = json.loads(out)
    assert_same(schema(got["scipy"]), schema(got["spark"]), "scipy vs spark")
    assert set(got["scipy"]) == set(got["spark"])
    for d in got.values():
        _assert_costs(d, rss_before)
        assert {k: v for k, v in d.items() if k not in COSTS} == HAND_VOTE_JSON


def test_interests_propagate_shows_time_and_memory_in_its_steps(tmp_path, capsys):
    """Issue: propagation's memory and time appear in the progress steps (stderr a log:
    one end line per stage, each with its seconds and the peak memory by then)."""
    from tests.test_recommend_store import run_cli

    db = str(tmp_path / "hand.lbdb")
    assert run_cli(["--db", db, "load", str(_write_folder(tmp_path / "hand"))], capsys)[0] == 0
    args = ["interests", "propagate", "--interest-source", "declared", "--method", "vote"]
    code, _, err = run_cli(["--db", db, *args], capsys)
    assert code == 0, err
    ends = [line for line in err.splitlines() if line.startswith("✓")]
    assert len(ends) == 3, err  # export, propagate, write
    assert all(re.search(r" in \d+\.\d s, peak RSS [\d,]+ MiB$", line) for line in ends), err


def test_the_spark_job_carries_the_params_whole():
    from beautygraph.engines.spark_propagation import PropagationJob, spark_params

    p = PropagationParams(method="alf_interests", top=4, seed=1, sources=("declared", "bio"))
    job = PropagationJob(p, topic_block=7)
    assert job.params is p and job.topic_block == 7 and job.name == "propagation"
    assert spark_params(p.to_dict()) == p  # what crosses to the job comes back equal
    with pytest.raises(InvalidParams, match="method='spreading' and engine='spark'"):
        PropagationJob(PropagationParams(method="spreading", sources=("bio",)))
    with pytest.raises(InvalidParams, match="sources=None must name the seed sources"):
        PropagationJob(PropagationParams(method="vote"))
    with pytest.raises(InvalidParams, match="topic_block=0 must be an integer >= 1"):
        PropagationJob(p, topic_block=0)
