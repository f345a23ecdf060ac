"""One result type per command, printed as it is, and parameters named by whoever shows them.

``--json`` of ``authorities``, ``analyze authorities`` (truth file and follow-link hold-out),
``analyze network``, ``analyze matching``, ``analyze interests`` and ``score interests`` is
the ``to_json()`` of the frozen result its pipeline returned (caught by wrapping the
pipeline function), and the object is today's: built here by hand from the analysis
results underneath, or checked against counts read from the input files.  A parameter
problem names the flag on the command line (``--null 5 …``) and the parameter in the
pipeline's own message (``n_null=5 …``), which holds no flag.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import click
import pandas as pd
import pytest

import graphdb
from beautygraph import strict_json
from beautygraph.errors import UserError
from beautygraph.generate import GeneratorConfig, generate
from graphdb.loader import load_folder
from kernel.params import InvalidParams
from tests.test_recommend_store import run_cli

#: a small generated community: every command below runs on it in a second or two
GENERATED = GeneratorConfig(n_users=400, seed=3)


def _plain(obj: Any) -> Any:
    """What ``--json`` prints of ``obj``, read back (NaN -> null, numpy -> Python)."""
    return json.loads(strict_json.dumps(obj))


def _record(monkeypatch, module, name: str) -> list:
    """Wrap ``module.name`` so that each result it returns is kept (the commands import
    their pipeline function when they run, so they get the wrapper)."""
    seen: list = []
    real = getattr(module, name)

    def keep(*args, **kwargs):
        out = real(*args, **kwargs)
        seen.append(out)
        return out

    monkeypatch.setattr(module, name, keep)
    return seen


def _assert_frozen(result: Any) -> None:
    assert dataclasses.is_dataclass(result)
    field = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, field, None)


def _command(*path: str) -> click.Command:
    import beautygraph.cli  # noqa: F401  (attaches the commands)
    from beautygraph.clikit import main

    cmd: click.Command = main
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[name]
    return cmd


@pytest.fixture(scope="module")
def community(tmp_path_factory) -> tuple[Path, str]:
    """The generated folder and an embedded database holding it."""
    root = tmp_path_factory.mktemp("results")
    generate(GENERATED, root / "data")
    db = root / "db.lbdb"
    with graphdb.connect(db) as store:
        load_folder(store, root / "data")
    return root / "data", str(db)


def _input_counts(folder: Path) -> dict[str, int]:
    """Users, distinct follow links and topics of an input folder, read from its files."""
    follows = pd.read_csv(folder / "follows.csv")
    return {
        "users": len(pd.read_csv(folder / "users.csv")),
        "follows": len(follows.drop_duplicates(["src", "dst"])),
        "topics": len(pd.read_csv(folder / "topics.csv")),
    }


# -- --json is the result's to_json() ----------------------------------------------------------


def test_analyze_network_prints_its_result(community, monkeypatch, capsys, tmp_path):
    import beautygraph.pipelines.network as pipeline

    folder, db = community
    seen = _record(monkeypatch, pipeline, "analyze_network")
    args = ["--db", db, "analyze", "network", "--out", str(tmp_path / "o"), "--no-plots"]
    code, out, err = run_cli([*args, "--null", "0", "--k", "3", "--json"], capsys)
    assert code == 0, err
    (result,) = seen
    printed = json.loads(out)
    assert printed == _plain(result.to_json())
    _assert_frozen(result)
    counts = _input_counts(folder)
    assert printed["n_users"] == counts["users"] and printed["n_follows"] == counts["follows"]
    assert printed["k"] == 3 and len(printed["clusters"]) == 3
    assert sum(c["n_users"] for c in printed["clusters"]) == printed["n_users_with_beauty"]
    # the report's words say where K and the nulls came from without naming a flag
    assert result.k_words() == "K fixed by the caller (no gap statistic)"
    assert not any("--" in row.note for row in result.comparisons())


def test_analyze_matching_prints_its_result(community, monkeypatch, capsys, tmp_path):
    import beautygraph.pipelines.matching as pipeline

    folder, db = community
    seen = _record(monkeypatch, pipeline, "analyze_matching")
    args = ["--db", db, "analyze", "matching", "--out", str(tmp_path / "o"), "--no-plots"]
    code, out, err = run_cli(
        [*args, "--min-followees", "5", "--min-active-weeks", "6", "--json"], capsys
    )
    assert code == 0, err
    (run,) = seen
    printed = json.loads(out)
    assert printed == _plain(run.to_json())
    _assert_frozen(run)
    _assert_frozen(run.result)
    # today's object: the experiments' JSON, the size of the timeline and the seconds
    assert printed == _plain(
        {
            **run.result.to_json(),
            "n_users": _input_counts(folder)["users"],
            "n_weeks": GENERATED.weeks,
            "seconds": run.seconds,
        }
    )
    assert printed["config"]["min_followees"] == 5


def test_authorities_prints_its_summary(community, monkeypatch, capsys):
    import beautygraph.pipelines.alf as pipeline

    folder, db = community
    seen = _record(monkeypatch, pipeline, "authorities_summary")
    code, out, err = run_cli(["--db", db, "authorities", "--json"], capsys)
    assert code == 0, err
    (summary,) = seen
    printed = json.loads(out)
    assert printed == _plain(summary.to_json())
    _assert_frozen(summary)
    counts = _input_counts(folder)
    assert {k: printed[k] for k in counts} == counts
    assert printed["engine"] == "scipy" and printed["interest_sources"] == ["bio"]
    per_topic = printed["per_topic"].values()
    assert printed["authorities"] == sum(n["authorities"] for n in per_topic) > 0
    with graphdb.connect(db, read_only=True) as store:
        stored = store.query("MATCH (:User)-[r:AUTHORITY_ON]->(:Topic) RETURN count(r) AS n")
    assert printed["written"] == stored[0]["n"] == printed["authorities"]


def test_analyze_authorities_prints_table6(community, monkeypatch, capsys):
    import beautygraph.pipelines.alf as pipeline

    folder, db = community
    seen = _record(monkeypatch, pipeline, "analyze_authorities")
    truth = str(folder / "truth.json")
    code, out, err = run_cli(
        ["--db", db, "analyze", "authorities", "--k", "20", "--truth", truth, "--json"], capsys
    )
    assert code == 0, err
    (result,) = seen
    printed = json.loads(out)
    assert printed == _plain(result.to_json())
    _assert_frozen(result)
    with graphdb.connect(db, read_only=True) as store:
        table = pipeline.evaluate_authorities(store, truth, k=20, interest_sources=("bio",))
    scores = {
        m: {"precision": s.precision, "recall": s.recall, "f1": s.f1}
        for m, s in table.scores.items()
    }
    assert printed == _plain({"k": 20, "interest_sources": ["bio"], "methods": scores})


def test_analyze_authorities_prints_the_follow_holdout(community, monkeypatch, capsys):
    import beautygraph.pipelines.alf as pipeline

    _, db = community
    seen = _record(monkeypatch, pipeline, "analyze_follow_links")
    args = ["--db", db, "analyze", "authorities", "--holdout-follows", "0.3", "--k", "5"]
    code, out, err = run_cli([*args, "--users", "50", "--json"], capsys)
    assert code == 0, err
    (result,) = seen
    printed = json.loads(out)
    assert printed == _plain(result.to_json())
    _assert_frozen(result)
    with graphdb.connect(db, read_only=True) as store:
        held = pipeline.evaluate_follow_links(store, 0.3, 5, interest_sources=("bio",), n_users=50)
    assert printed == _plain({**held.to_dict(), "interest_sources": ["bio"]})


@pytest.fixture
def labelled_db(tmp_path) -> str:
    """The hand-made store of ``tests/test_interests_pipeline.py`` with three labels whose
    domains are those of the photos' tags (dog, cat: Animals; espresso: Food and drink)."""
    from tests.test_interests_pipeline import _label, _write_folder

    _write_folder(tmp_path / "small")
    db = tmp_path / "interests.lbdb"
    with graphdb.connect(db) as store:
        load_folder(store, tmp_path / "small")
        _label(store, {"p1": "golden retriever", "p2": "tabby", "p3": "espresso"})
    return str(db)


def test_analyze_interests_prints_its_result(labelled_db, monkeypatch, capsys):
    import beautygraph.pipelines.interests as pipeline

    seen = _record(monkeypatch, pipeline, "profile_interests")
    code, out, err = run_cli(
        ["--db", labelled_db, "analyze", "interests", "--json", "--min-photos", "1"], capsys
    )
    assert code == 0, err
    (result,) = seen
    printed = json.loads(out)
    assert printed == _plain(result.to_json(files=[]))
    _assert_frozen(result)
    _assert_frozen(result.comparison)
    # u1 favourites p1 (dog) and p2 (cat), u2 p3 (espresso) and p4 (no label): each labelled
    # photo's domain is its tags' domain, so both profiled users match perfectly
    assert printed["files"] == [] and printed["mean_f1"] == 1.0
    assert printed["topic_mode"] == "existing"  # auto: the store's topics carry domains


def test_score_interests_prints_labelling_and_profiles(labelled_db, monkeypatch, capsys):
    """The labelling is replaced by a stand-in (no CNN is loaded): the JSON is the
    labelling's counts beside the profiles' object, without ``files``."""
    import beautygraph.pipelines.interests as pipeline

    stand_in = pipeline.LabelPhotosResult(
        model="stand-in",
        weights="none",
        n_photos=6,
        n_already=3,
        n_no_file=3,
        n_labelled=0,
        n_unreadable=0,
        seconds=0.5,
    )
    monkeypatch.setattr(pipeline, "label_photos", lambda *a, **k: stand_in)
    seen = _record(monkeypatch, pipeline, "score_interests")
    code, out, err = run_cli(
        ["--db", labelled_db, "score", "interests", "--json", "--min-photos", "1"], capsys
    )
    assert code == 0, err
    (result,) = seen
    printed = json.loads(out)
    assert printed == _plain(result.to_json())
    _assert_frozen(result)
    _assert_frozen(result.labelling)
    assert printed["labelling"] == {
        "model": "stand-in",
        "weights": "none",
        "photos": 6,
        "already_labelled": 3,
        "missing_files": 3,
        "labelled": 0,
        "unreadable": 0,
        "seconds": 0.5,
        "images_per_s": 0.0,
        "skipped": [],
    }
    assert printed == _plain({"labelling": printed["labelling"], **result.profiles.to_json()})
    assert "files" not in printed and printed["mean_f1"] == 1.0


# -- parameter problems: flags on the command line, parameter names below it -------------------


def _network_db(tmp_path) -> str:
    """40 random users, 32 of whom post (``tests/test_network_store.py``'s folder)."""
    from tests.test_network_store import _random_folder

    _random_folder(tmp_path / "net", seed=1, n_users=40)
    db = tmp_path / "net.lbdb"
    with graphdb.connect(db) as store:
        load_folder(store, tmp_path / "net")
    return str(db)


def test_network_problems_name_the_flags(tmp_path, capsys):
    from beautygraph.pipelines.network import analyze_network

    db = _network_db(tmp_path)
    args = ["--db", db, "analyze", "network", "--out", str(tmp_path / "o"), "--no-plots"]
    code, _, err = run_cli([*args, "--null", "5"], capsys)
    assert code == 2 and "--null 5 must be 0 (no nulls) or >= 20" in err
    code, _, err = run_cli([*args, "--null", "0", "--k", "45"], capsys)
    assert code == 2 and "--k 45 is larger than the number of users with beauty (" in err
    with graphdb.connect(db) as store:
        with pytest.raises(UserError) as nulls:
            analyze_network(store, n_null=5)
        with pytest.raises(UserError) as fixed:
            analyze_network(store, n_null=0, k=45)
        with pytest.raises(UserError) as both:
            analyze_network(store, n_null=3, k=99)
    assert str(nulls.value) == "n_null=5 must be 0 (no nulls) or >= 20"
    assert str(fixed.value).startswith("k=45 is larger than the number of users with beauty")
    assert str(both.value) == "n_null=3 must be 0 (no nulls) or >= 20; k=99 must lie in 1..50"
    assert not any("--" in str(e.value) for e in (nulls, fixed, both))


def test_interests_problems_name_the_flags(labelled_db, capsys):
    from beautygraph.pipelines.interests import label_photos, profile_interests

    args = ["--db", labelled_db, "analyze", "interests", "--min-photos", "30"]
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert "--min-photos 30 leaves nobody to profile: no user has at least 30 labelled" in err
    assert "(the most: 2)" in err  # u1: p1 and p2; u2: p3 (p4 has no label)
    with graphdb.connect(labelled_db) as store:
        with pytest.raises(UserError) as few:
            profile_interests(store, min_photos=30, write=False)
        with pytest.raises(UserError) as bad:
            profile_interests(store, k=0, topic_mode="x", min_photos=0, write=False)
        with pytest.raises(UserError) as batch:
            label_photos(store, batch_size=0, workers=-1)
    assert str(few.value).startswith("min_photos=30 leaves nobody to profile")
    assert str(bad.value) == (
        "topic_mode='x' must be one of auto, existing, domain; k=0 must be between 1 and 34; "
        "min_photos=0 must be >= 1"
    )
    assert str(batch.value) == "batch_size=0 must be >= 1; workers=-1 must be >= 0"
    assert not any("--" in str(e.value) for e in (few, bad, batch))
    # the command line spells the labelling's batch_size as its own --batch
    from beautygraph.clikit import flag_spelling

    cause = batch.value.__cause__
    assert isinstance(cause, InvalidParams)
    spelled = cause.worded(flag_spelling(_command("score", "interests")))
    assert spelled == "--batch 0 must be >= 1; --workers -1 must be >= 0"


def test_authority_problems_name_the_flags(community):
    from beautygraph.clikit import flag_spelling
    from beautygraph.pipelines.alf import evaluate_authorities, evaluate_follow_links

    folder, db = community
    with graphdb.connect(db, read_only=True) as store:
        with pytest.raises(UserError) as share:
            evaluate_follow_links(store, 1.5, 0)
        with pytest.raises(UserError) as k:
            evaluate_authorities(store, folder / "truth.json", k=0)
    assert str(share.value) == "share=1.5 must be in (0, 1); k=0 must be >= 1"
    assert str(k.value) == "k=0 must be >= 1"
    cause = share.value.__cause__
    assert isinstance(cause, InvalidParams)
    spelled = cause.worded(flag_spelling(_command("analyze", "authorities")))
    assert spelled == "--holdout-follows 1.5 must be in (0, 1); --k 0 must be >= 1"


def test_empty_seed_set_names_the_sources_not_a_flag(tmp_path, capsys):
    from beautygraph.pipelines.alf import run_authorities
    from tests.test_interest_sources import _write_folder

    db = tmp_path / "declared.lbdb"
    with graphdb.connect(db) as store:
        load_folder(store, _write_folder(tmp_path / "hand"))
        with pytest.raises(UserError) as none:
            run_authorities(store, interest_sources=("bio",))
    message = str(none.value)
    assert message == (
        "no user has interests from ['bio']; the store has interests from declared "
        "(8 users): seed from declared instead"
    )
    code, _, err = run_cli(["--db", str(db), "authorities", "--interest-source", "bio"], capsys)
    assert code == 2 and message in err
