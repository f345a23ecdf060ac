"""The matching pipeline on the store (both backends), the CLI and the report section."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import beautygraph.generate as generate_mod
from analysis.matching import MatchingConfig, run_matching
from graphdb.loader import load_folder
from tests.test_matching_generated import read_generated  # noqa: E402

CFG = dict(min_followees=5, min_active_weeks=6)


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen1k")
    generate_mod.generate(generate_mod.GeneratorConfig(n_users=1000, seed=3), out)
    return out


@pytest.fixture(scope="module")
def small_db(small_dir, tmp_path_factory):
    """An embedded database with ``small_dir`` loaded (closed; tests open it)."""
    import graphdb

    path = tmp_path_factory.mktemp("db") / "small.lbdb"
    with graphdb.connect(path) as store:
        load_folder(store, small_dir)
    return path


def _strip(obj):
    """JSON round trip (NaN -> None) without the timings."""
    obj = {k: v for k, v in obj.items() if k != "seconds"}
    return json.loads(json.dumps(obj, default=float).replace("NaN", "null"))


def test_store_export_gives_the_same_result_as_the_files(store, small_dir, tmp_path):
    from beautygraph.outputs.matching import matching_figures, write_matching
    from beautygraph.pipelines.matching import analyze_matching

    load_folder(store, small_dir)
    run = analyze_matching(store, MatchingConfig(seed=1, **CFG))
    files = write_matching(run, tmp_path / "out", matching_figures(run.result))
    assert set(files) == {p.name for p in (tmp_path / "out").iterdir()}
    direct = run_matching(read_generated(small_dir), MatchingConfig(seed=1, **CFG))
    assert run.data.n_weeks == 104
    np.testing.assert_allclose(
        run.result.influence.to_frame()["effect"],
        direct.influence.to_frame()["effect"],
        equal_nan=True,
    )
    np.testing.assert_allclose(run.result.imbalance.ratio, direct.imbalance.ratio, equal_nan=True)
    head = run.headline()
    for key in ("influence", "max_abs_sb", "by_links", "by_alpha", "inactivity_ratio"):
        assert key in head
    for key in (
        "treatment_delta_b",
        "control_delta_b",
        "ci_low",
        "ci_high",
        "n_treatment",
        "n_control",
    ):
        assert key in head["influence"]
    assert head["max_abs_sb"] <= 0.25
    assert set(head["inactivity_ratio"]) == {str(n) for n in range(1, 13)}
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {
        "matching.json",
        "matching_fig9_left.png",
        "matching_fig9_right.png",
        "matching_fig10.png",
        "matching_fig11.png",
        "matching_table1_sb.png",
        "matching_table1.csv",
        "matching_inactivity.csv",
    } <= names
    saved = json.loads((tmp_path / "out" / "matching.json").read_text().replace("NaN", "null"))
    assert saved["influence"]["n_treatment"] == head["influence"]["n_treatment"]


def test_cli_json_and_errors(small_db, tmp_path):
    from beautygraph.cli import cli

    db = str(small_db)
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "--db",
            db,
            "analyze",
            "matching",
            "--out",
            str(tmp_path / "o"),
            "--json",
            "--no-plots",
            "--seed",
            "2",
            "--min-followees",
            "5",
            "--min-active-weeks",
            "6",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.replace("NaN", "null"))
    assert out["config"]["seed"] == 2 and out["config"]["min_followees"] == 5
    assert out["influence"]["n_treatment"] > 0 and "1" in out["by_links"]
    assert out["inactivity_ratio"]["1"]["ratio"] > 0
    # human output
    res = runner.invoke(
        cli,
        [
            "--db",
            db,
            "analyze",
            "matching",
            "--out",
            str(tmp_path / "o2"),
            "--no-plots",
            "--min-followees",
            "5",
            "--min-active-weeks",
            "6",
        ],
    )
    assert res.exit_code == 0 and "inactivity ratio" in res.output.lower()
    res = runner.invoke(
        cli,
        [
            "--db",
            db,
            "analyze",
            "matching",
            "--out",
            str(tmp_path / "o3"),
            "--delta-control",
            "0.5",
        ],
    )
    assert res.exit_code != 0 and "--delta-control" in res.output


def test_cli_user_errors_are_one_line(tmp_path, capsys):
    import graphdb
    from beautygraph.cli import main

    db = str(tmp_path / "empty.lbdb")
    graphdb.connect(db).close()  # an initialised but empty store
    with pytest.raises(SystemExit) as exc:
        main(["--db", db, "--quiet", "analyze", "matching", "--out", str(tmp_path / "o")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "no users" in err and "Traceback" not in err


def test_too_few_units_is_a_user_error(small_db):
    import graphdb
    from beautygraph.errors import UserError
    from beautygraph.pipelines.matching import analyze_matching

    with graphdb.connect(small_db) as store:
        with pytest.raises(
            UserError, match="min_followees=500 and min_active_weeks=12 leave too few units"
        ):
            analyze_matching(store, MatchingConfig(min_followees=500))


def test_too_few_units_names_the_flags(small_db, tmp_path):
    from click.testing import CliRunner

    from beautygraph.cli import cli

    args = ["--db", str(small_db), "analyze", "matching", "--out", str(tmp_path / "m"),
            "--min-followees", "500"]  # fmt: skip
    res = CliRunner().invoke(cli, args)
    assert "--min-followees 500 and --min-active-weeks 12 leave too few units" in str(res.exception)


def test_report_section(small_dir, small_db, tmp_path):
    import graphdb
    from beautygraph.report import DemoContext
    from beautygraph.sections import matching as pipe

    truth = json.loads((small_dir / "truth.json").read_text())
    with graphdb.connect(small_db) as store:
        ctx = DemoContext(
            store=store,
            out_dir=tmp_path,
            data_dir=small_dir,
            truth=truth,
            seed=0,
            n_users=1000,
        )
        # the demo's defaults (10 followees, 12 weeks) leave too few units at 1k users
        orig = pipe.MatchingConfig
        pipe.MatchingConfig = lambda seed: orig(seed=seed, **CFG)
        try:
            section = pipe.matching_section(ctx)
        finally:
            pipe.MatchingConfig = orig
    assert section.key == "matching" and ctx.matching is not None
    assert {"influence", "max_abs_sb", "inactivity_ratio", "truth"} <= set(section.headline)
    quantities = [c.quantity for c in section.comparisons]
    assert any("planted influence" in q for q in quantities)
    assert any("true talents" in q for q in quantities)
    assert "oracle_on_units" in section.headline["truth"]["influence"]
    assert any(c.paper == "0.18" for c in section.comparisons)
    assert len(section.figures) == 6 and all(f.png.startswith(b"\x89PNG") for f in section.figures)
    # the demo keeps the files of the CLI command in out/matching
    assert (tmp_path / "matching" / "matching.json").is_file()
    assert {f"{f.name}.png" for f in section.figures} <= {
        p.name for p in (tmp_path / "matching").iterdir()
    }
    json.dumps(section.headline)  # serialisable
