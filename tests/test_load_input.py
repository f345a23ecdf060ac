"""What a new user's input looks like: domain spellings, misnamed files, repeated
follows with timestamps, epoch dates, other separators, failed and interrupted loads,
``--json`` errors, progress of the validation stage, optional columns."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import graphdb
from beautygraph.cli import cli, main
from graphdb import inputs
from graphdb.errors import LoadInterrupted, ValidationFailed
from graphdb.loader import load_folder, read_folder
from kernel import vocabulary


def _write(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _domains(store) -> dict[str, str]:
    t = store.export_nodes("Topic", ["domain"])
    return dict(zip(t.ids, t.props["domain"], strict=True))


# -- 1. domain names ---------------------------------------------------------------------


def test_domains_match_case_and_punctuation_insensitively_and_store_the_canonical_name(
    store, tiny_dir
):
    _write(
        tiny_dir / "topics.csv",
        "topic_id,name,domain\n"
        "a,a,sport and recreation\n"
        'b,b,"art, architecture and archaeology"\n'
        "c,c,FOOD AND DRINK\n"
        "d,d,\n",
    )
    load_folder(store, tiny_dir)
    assert _domains(store) == {
        "a": "Sport and recreation",
        "b": "Art, architecture, and archaeology",
        "c": "Food and drink",
        "d": None,
    }


def test_a_real_miss_suggests_the_nearest_domain_and_says_where_the_list_is(store, tiny_dir):
    _write(tiny_dir / "topics.csv", "topic_id,name,domain\na,a,Sprt and recreation\nb,b,Pets\n")
    with pytest.raises(ValidationFailed) as info:
        load_folder(store, tiny_dir)
    assert info.value.problems == [
        "topics.csv:2: domain: not one of the allowed values (34) ('Sprt and recreation'); "
        "did you mean 'Sport and recreation'?",
        "topics.csv:3: domain: not one of the allowed values (34) ('Pets')",
    ]
    assert any("34 BabelNet domains are listed" in h for h in info.value.hints)
    assert "hint: the 34 BabelNet domains" in str(info.value)


def test_every_canonical_domain_is_its_own_canonical_form():
    for d in vocabulary.BABELNET_DOMAINS:
        assert vocabulary.canonical_domain(d) == d
        assert vocabulary.canonical_domain(d.upper().replace(",", "")) == d
    assert vocabulary.canonical_domain("Sport") is None


# -- 2. misnamed files ---------------------------------------------------------------------


def test_misnamed_files_are_an_error_naming_them_and_the_expected_names(store, tiny_dir):
    (tiny_dir / "follows.csv").rename(tiny_dir / "follow.csv")
    _write(tiny_dir / "interest.csv", "user_id,topic_id\nalice,food\n")
    before = store.counts()
    with pytest.raises(ValidationFailed) as info:
        load_folder(store, tiny_dir)
    assert info.value.problems == [
        "follow.csv:0: -: not an input file name; did you mean follows.csv?",
        "interest.csv:0: -: not an input file name; did you mean interests.csv?",
    ]
    assert "follows.csv" in info.value.hints[0] and "--allow-extra" in info.value.hints[0]
    assert store.counts() == before


def test_allow_extra_loads_the_known_files_and_warns_about_the_others(tmp_path, tiny_dir):
    (tiny_dir / "notes.csv").write_text("a,b\n1,2\n")
    db = tmp_path / "x.lbdb"
    res = CliRunner().invoke(cli, ["--db", str(db), "load", str(tiny_dir), "--allow-extra"])
    assert res.exit_code == 0, res.output
    assert "warning: notes.csv: not an input file name; ignored (--allow-extra)" in res.output


# -- 3. duplicates with different timestamps -----------------------------------------------

LOG = "src,dst,created_at\nalice,bob,2024-01-05\nbob,alice,2024-01-06\nalice,bob,2024-02-01\n"


def test_repeated_pairs_are_refused_with_a_message_naming_dedupe(store, tiny_dir):
    _write(tiny_dir / "follows.csv", LOG)
    with pytest.raises(ValidationFailed) as info:
        load_folder(store, tiny_dir)
    assert info.value.problems == ["follows.csv:4: src: duplicate row ('alice -> bob')"]
    assert "--dedupe first or --dedupe last" in str(info.value)


@pytest.mark.parametrize(("keep", "when"), [("first", "2024-01-05"), ("last", "2024-02-01")])
def test_dedupe_keeps_one_row_per_pair(store, tiny_dir, keep, when):
    _write(tiny_dir / "follows.csv", LOG)
    added = load_folder(store, tiny_dir, dedupe=keep)
    assert added.relationships["FOLLOWS"] == 2
    users = store.export_nodes("User")
    follows = store.export_edges("FOLLOWS", ["created_at"], src_nodes=users)
    pairs = [
        (users.ids[a], users.ids[b], t)
        for a, b, t in zip(follows.src, follows.dst, follows.props["created_at"], strict=True)
    ]
    alice_bob = [t for a, b, t in pairs if (a, b) == ("alice", "bob")]
    assert len(alice_bob) == 1
    assert pd.Timestamp(int(alice_bob[0]), unit="s").strftime("%Y-%m-%d") == when


def test_dedupe_also_applies_to_repeated_node_ids(store, tiny_dir):
    _write(tiny_dir / "users.csv", "user_id,bio\nalice,one\nbob,x\nalice,two\n")
    for name in ("follows", "photos", "favorites", "topics"):
        (tiny_dir / f"{name}.csv").unlink()
    load_folder(store, tiny_dir, dedupe="last")
    users = store.export_nodes("User", ["bio"])
    assert dict(zip(users.ids, users.props["bio"], strict=True)) == {"alice": "two", "bob": "x"}


# -- 4. epoch seconds ----------------------------------------------------------------------


def test_epoch_seconds_are_accepted_as_utc(tmp_path, tiny_dir):
    iso = read_folder(tiny_dir)["FOLLOWS"]
    seconds = (iso["created_at"].astype("datetime64[s, UTC]").astype("int64")).astype(str)
    follows = pd.read_csv(tiny_dir / "follows.csv", dtype=str)
    follows["created_at"] = seconds.to_numpy()
    follows.to_csv(tiny_dir / "follows.csv", index=False)
    epoch = read_folder(tiny_dir)["FOLLOWS"]
    assert (epoch["created_at"] == iso["created_at"]).all()
    assert str(epoch["created_at"].dt.tz) == "UTC"
    # a hand-worked value: 1704412800 s is 2024-01-05 00:00 UTC
    assert seconds.iloc[0] == "1704412800"


def test_epoch_milliseconds_are_refused_with_how_to_convert(store, tiny_dir):
    _write(tiny_dir / "follows.csv", "src,dst,created_at\nalice,bob,1704412800000\n")
    with pytest.raises(ValidationFailed) as info:
        load_folder(store, tiny_dir)
    assert info.value.problems == [
        "follows.csv:2: created_at: integer too large for epoch seconds (milliseconds?) "
        "('1704412800000')"
    ]
    assert "divide by 1000" in str(info.value)


# -- 5. other separators -------------------------------------------------------------------


def test_a_semicolon_separated_file_names_the_line_and_the_separator(store, tiny_dir):
    _write(tiny_dir / "users.csv", "user_id;joined_at;bio\nalice;2024-01-01;hi\n")
    with pytest.raises(ValidationFailed) as info:
        load_folder(store, tiny_dir)
    assert info.value.problems == [
        "users.csv:1: -: the header is one column 'user_id;joined_at;bio': "
        "the file looks ';'-separated"
    ]
    assert "sep=';'" in str(info.value)


def test_a_row_with_extra_fields_names_its_line(store, tiny_dir):
    text = (tiny_dir / "follows.csv").read_text().splitlines()
    text.insert(3, "alice,dave,2024-01-05;2024-01-06,extra")
    _write(tiny_dir / "follows.csv", "\n".join(text) + "\n")
    with pytest.raises(ValidationFailed) as info:
        load_folder(store, tiny_dir)
    assert info.value.problems == [
        "follows.csv:4: -: malformed CSV: expected 3 comma-separated field(s), got 4; "
        "the line also holds ';'"
    ]


# -- 6. failed / interrupted loads, --json errors -------------------------------------------


def test_a_failed_first_load_leaves_no_database_file(tmp_path, tiny_dir):
    _write(tiny_dir / "users.csv", "user_id\n\n,\n")
    db = tmp_path / "new.lbdb"
    res = CliRunner().invoke(cli, ["--db", str(db), "load", str(tiny_dir)])
    assert res.exit_code != 0
    assert not db.exists()
    assert list(tmp_path.glob("new.lbdb*")) == []


def test_ctrl_c_while_writing_says_nothing_was_written(store, tiny_dir, monkeypatch):
    load_folder(store, tiny_dir)
    before = store.counts()
    _write(tiny_dir / "follows.csv", "src,dst\nalice,dave\n")  # one new row

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(type(store), "insert_rels", interrupted)
    with pytest.raises(LoadInterrupted) as info:
        load_folder(store, tiny_dir)
    if store.atomic_load:
        assert str(info.value) == "interrupted: nothing was written"
    else:
        assert "run the same load again" in str(info.value)
    monkeypatch.undo()
    assert store.counts() == before


def test_ctrl_c_in_the_cli_exits_130_with_one_line(tmp_path, tiny_dir, monkeypatch, capsys):
    import graphdb.loader as loader

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "_read_folder", interrupted)
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(tmp_path / "x.lbdb"), "load", str(tiny_dir)])
    assert exit_info.value.code == 130
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == "interrupted: nothing was written"
    assert not (tmp_path / "x.lbdb").exists()


def test_json_errors_are_an_object_on_stdout_and_a_line_on_stderr(tmp_path, tiny_dir, capsys):
    _write(tiny_dir / "follows.csv", LOG)
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(tmp_path / "x.lbdb"), "load", str(tiny_dir), "--json"])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    obj = json.loads(out)
    assert obj["error"] == "validation failed"
    assert obj["problems"] == ["follows.csv:4: src: duplicate row ('alice -> bob')"]
    assert err.startswith("error: 1 problem(s) in the input")


# -- 7. progress of the validation stage; resolved folder ------------------------------------


def test_progress_reports_the_validation_stage_with_its_total(store, tiny_dir):
    from kernel.steps import RecordingSteps

    rec = RecordingSteps()
    load_folder(store, tiny_dir, steps=rec)
    n_files = len(list(tiny_dir.glob("*.csv")))
    assert ("start", "validate", 2 * n_files) in rec.events
    assert rec.advanced("validate") == 2 * n_files  # read and checked, file by file
    assert [v for k, n, v in rec.events if k == "advance" and n == "validate"] == [1] * (
        2 * n_files
    )
    assert rec.names() == ["validate", "insert", "commit"]


def test_load_prints_the_resolved_folder(tmp_path, tiny_dir, monkeypatch):
    monkeypatch.chdir(tiny_dir.parent)
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.lbdb"), "load", "tiny"])
    assert res.exit_code == 0, res.output
    assert f"loaded {tiny_dir.resolve()} into" in res.output


# -- 8. optional columns -------------------------------------------------------------------


def test_follows_without_created_at_loads(store, tiny_dir):
    _write(tiny_dir / "follows.csv", "src,dst\nalice,bob\nbob,alice\n")
    added = load_folder(store, tiny_dir)
    assert added.relationships["FOLLOWS"] == 2


def test_every_spec_output_is_a_schema_property():
    from graphdb import schema

    for spec in inputs.SPECS_IN_ORDER:
        allowed = (
            set(schema.NODE_PROPS[spec.target])
            if spec.is_node
            else {"src", "dst", *schema.REL_PROPS[spec.target]}
        )
        outs = {c.out for c in spec.columns} - {"owner"}
        outs |= {c.provenance[0] for c in spec.columns if c.provenance}
        assert outs <= allowed, (spec.name, outs - allowed)


def test_existing_ids_are_fetched_once_per_load(store, tiny_dir, monkeypatch):
    load_folder(store, tiny_dir)
    calls: list[str] = []
    original = type(store).stored_ids

    def counting(self, label, ids):
        calls.append(label)
        return original(self, label, ids)

    monkeypatch.setattr(type(store), "stored_ids", counting)
    load_folder(store, tiny_dir)
    # once per label for the mentioned ids, plus once for the topics TAGGED derives
    assert sorted(calls) == sorted([*inputs.NODE_TARGETS, "Topic"])


def test_a_server_uri_counts_as_an_existing_database():
    assert graphdb.database_exists("bolt://localhost:1")


def test_the_cli_progress_bar_shows_the_validation_percentage():
    import io

    from rich.console import Console

    from beautygraph.clikit import RichSteps

    steps = RichSteps()
    with steps("validate", total=4) as stage:
        stage.advance(2)
        buf = io.StringIO()
        Console(file=buf, width=120).print(steps._bar.make_tasks_table(steps._bar.tasks))
    assert "validate" in buf.getvalue() and "50%" in buf.getvalue()
