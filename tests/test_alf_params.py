"""One frozen, self-checking parameter object for ALF (:class:`analysis.alf.params.AlfParams`):
its defaults are the CLI's and every engine's, its rules raise one ``ValueError`` naming
the offending values, it travels to Spark as a plain dict, and the eligibility rule is one
function that the Spark engine mirrors."""

from __future__ import annotations

import dataclasses
import inspect
import json

import click
import numpy as np
import pytest

from analysis.alf.params import (
    ALF_DEFAULTS,
    DTYPES,
    PASS1_DENOMINATORS,
    THEOREM1_DEFAULTS,
    AlfParams,
)
from beautygraph.errors import UserError


def test_defaults_are_the_clis():
    p = AlfParams()
    assert (p.min_support, p.pass1_denominator, p.dtype, p.topic_block) == (
        3,
        "n_in",
        "float64",
        None,
    )
    assert (p.alpha, p.beta, p.gamma) == (None, None, None)
    assert p.method == "algorithm1" and not p.blocked
    assert (p.rho_mid, p.tau, p.fp2_k) == (60.0, 1.5, 5)
    assert p.bucket_split == pytest.approx((1 / 3, 2 / 3))
    assert ALF_DEFAULTS == p


def test_theorem1_fills_the_missing_parameters():
    assert AlfParams(beta=0.5).method == "theorem1"
    assert AlfParams(beta=0.5).theorem1() == (THEOREM1_DEFAULTS[0], 0.5, THEOREM1_DEFAULTS[2])
    assert AlfParams(alpha=2, beta=0, gamma=3).theorem1() == (2.0, 0.0, 3.0)
    assert AlfParams(topic_block=4).blocked and AlfParams(dtype="float32").blocked


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ({"min_support": -1}, "min_support=-1"),
        ({"min_support": 2.5}, "min_support=2.5"),
        ({"min_support": "three"}, "min_support='three'"),
        ({"pass1_denominator": "x"}, "pass1_denominator='x'"),
        ({"dtype": "float16"}, "dtype='float16'"),
        ({"topic_block": 0}, "topic_block=0"),
        ({"alpha": -1.0}, "alpha=-1.0"),
        ({"gamma": float("nan")}, "nan"),
        ({"alpha": 0.1, "topic_block": 5}, "to Algorithm 1 only"),
        ({"beta": 0.1, "dtype": "float32"}, "to Algorithm 1 only"),
        ({"rho_mid": 0.0}, "rho_mid=0.0"),
        ({"tau": 0.5}, "tau=0.5"),
        ({"fp2_k": 0}, "fp2_k=0"),
        ({"bucket_split": (0.8, 0.2)}, "bucket_split=(0.8, 0.2)"),
    ],
)
def test_every_rule_names_the_offending_value(values, shown):
    with pytest.raises(ValueError, match="invalid ALF parameters") as exc:
        AlfParams(**values)
    assert shown in str(exc.value)
    assert "--" not in str(exc.value)  # no CLI flag names below the CLI


def test_all_problems_are_reported_at_once():
    with pytest.raises(ValueError) as exc:
        AlfParams(min_support=-2, pass1_denominator="all", topic_block=0)
    msg = str(exc.value)
    assert "min_support=-2" in msg and "pass1_denominator='all'" in msg and "topic_block=0" in msg


def test_frozen_and_integral_min_support():
    p = AlfParams(min_support=4.0)
    assert p.min_support == 4 and isinstance(p.min_support, int)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.min_support = 1  # type: ignore[misc]


def test_serialised_and_rebuilt_unchanged():
    p = AlfParams(min_support=1, pass1_denominator="m_in", topic_block=7, fp2_k=3)
    plain = json.loads(json.dumps(p.to_dict()))  # what a Spark job may receive
    assert AlfParams.from_dict(plain) == p
    with pytest.raises(ValueError, match="unknown ALF parameters"):
        AlfParams.from_dict({**plain, "min_suport": 2})
    with pytest.raises(ValueError, match="min_support=-1"):
        AlfParams.from_dict({**plain, "min_support": -1})


def test_spark_params_rebuild_and_refuse_what_spark_does_not_compute():
    from beautygraph.engines.spark_alf import DEFAULT_TOPIC_BLOCK, spark_params

    p = AlfParams(min_support=2)
    assert spark_params(p.to_dict()) == dataclasses.replace(p, topic_block=DEFAULT_TOPIC_BLOCK)
    assert spark_params(AlfParams(topic_block=3)).topic_block == 3
    with pytest.raises(ValueError, match="Algorithm 1"):
        spark_params(AlfParams(alpha=0.2))
    with pytest.raises(ValueError, match="float64"):
        spark_params(AlfParams(dtype="float32").to_dict())


def _option(command: click.Command, name: str) -> click.Option:
    (opt,) = [p for p in command.params if p.name == name]
    assert isinstance(opt, click.Option)
    return opt


def _commands() -> list[click.Command]:
    import beautygraph.cli  # noqa: F401  (attaches the commands to the groups)
    from beautygraph.clikit import analyze, main

    return [main.commands["authorities"], analyze.commands["authorities"]]


@pytest.mark.parametrize("which", [0, 1], ids=["authorities", "analyze authorities"])
def test_click_options_equal_the_dataclass(which):
    """The CLI writes the defaults and choices out (so --help does not import scipy): they
    must be the dataclass's."""
    cmd = _commands()[which]
    ms = _option(cmd, "min_support")
    assert ms.default == ALF_DEFAULTS.min_support
    assert isinstance(ms.type, click.IntRange) and ms.type.min == 0  # the rule's lower bound
    den = _option(cmd, "pass1_denominator")
    assert den.default == ALF_DEFAULTS.pass1_denominator
    assert isinstance(den.type, click.Choice)
    assert tuple(den.type.choices) == PASS1_DENOMINATORS
    if which == 0:
        for name in ("alpha", "beta", "gamma", "topic_block"):
            assert _option(cmd, name).default == getattr(ALF_DEFAULTS, name), name
        tb = _option(cmd, "topic_block").type
        assert isinstance(tb, click.IntRange) and tb.min == 1
        # a flag: float64 unless given
        assert _option(cmd, "float32").is_flag and ALF_DEFAULTS.dtype == DTYPES[0] == "float64"


def test_analysis_functions_share_the_defaults():
    """Every engine's entry point and the analysis functions default to ALF_DEFAULTS."""
    from analysis.alf import algorithm1, find_authorities
    from analysis.alf.blocked import algorithm1_blocks, find_authorities_blocked
    from analysis.alf.follow_holdout import evaluate_follow_holdout
    from beautygraph.engines import spark_alf

    fns = [
        algorithm1,
        find_authorities,
        algorithm1_blocks,
        find_authorities_blocked,
        spark_alf.algorithm1_passes,
    ]
    names = {f.name for f in dataclasses.fields(AlfParams)}
    checked = 0
    for fn in fns:
        for name, param in inspect.signature(fn).parameters.items():
            if name in names:
                default = np.dtype(param.default).name if name == "dtype" else param.default
                assert default == getattr(ALF_DEFAULTS, name), (fn.__name__, name)
                checked += 1
    assert checked >= 12
    assert inspect.signature(spark_alf.authorities_job).parameters["params"].default is ALF_DEFAULTS
    assert inspect.signature(evaluate_follow_holdout).parameters["params"].default is ALF_DEFAULTS


def test_the_pipeline_turns_a_rule_into_one_user_error():
    from beautygraph.pipelines.alf import alf_params

    assert alf_params() is ALF_DEFAULTS
    assert alf_params(AlfParams(min_support=1), topic_block=2) == AlfParams(
        min_support=1, topic_block=2
    )
    with pytest.raises(UserError, match="min_support=-1") as exc:
        alf_params(min_support=-1)
    assert "--" not in str(exc.value)


# -- the eligibility rule -------------------------------------------------------------------

#: one example: rows (Z, topical followers, score, support) and min_support 2
_Z = np.array([1.0, 0.5, -0.1, 0.0, 2.0, 1.0, 3.0])
_TOPICAL = np.array([3.0, 1.0, 9.0, 4.0, 1.5, 2.0, 8.0])
_SUPPORT = np.array([2, 5, 5, 5, 1, 3, 0])


def test_eligible_by_hand():
    from analysis.alf.authorities import eligible

    score = np.where(np.arange(7) == 5, -np.inf, 1.0)  # row 5: no finite score
    got = eligible(_Z, _TOPICAL, score, _SUPPORT, 2)
    # row 0 passes; 1: one topical follower; 2, 3: ZF <= 0; 4: support 1 < 2;
    # 5: score -inf; 6: support 0 < 2
    assert got.tolist() == [True, False, False, False, False, False, False]
    # without the evidence rule rows 4 and 6 pass
    loose = eligible(_Z, _TOPICAL, score, _SUPPORT, 0).tolist()
    assert loose == [True, False, False, False, True, False, True]
    assert eligible(_Z, _TOPICAL, score, None, 2).tolist() == loose


@pytest.mark.slow
@pytest.mark.parametrize("min_support", [0, 2])
def test_spark_mirror_gives_the_same_answer(min_support):
    pytest.importorskip("pyspark", reason="the [spark] extra (pyspark) is not installed")
    from analysis.alf.authorities import eligible
    from beautygraph.engines.spark_alf import eligible_column
    from beautygraph.engines.spark_session import get_session, require_spark

    try:
        require_spark()
    except UserError as exc:
        pytest.skip(str(exc))
    conf = {"spark.sql.shuffle.partitions": "1", "spark.ui.enabled": "false"}
    spark = get_session("local[2]", conf)
    # Spark holds rows only where F > 0, where the score is finite: the rows but the 6th
    keep = [i for i in range(len(_Z)) if i != 5]
    rows = [(i, float(_Z[i]), float(_TOPICAL[i]), int(_SUPPORT[i])) for i in keep]
    df = spark.createDataFrame(rows, "i long, Z double, topical double, cnt long")
    got = {
        r["i"]: r["e"] for r in df.select("i", eligible_column(min_support).alias("e")).collect()
    }
    want = eligible(_Z[keep], _TOPICAL[keep], np.ones(len(keep)), _SUPPORT[keep], min_support)
    assert [got[i] for i in keep] == want.tolist()
