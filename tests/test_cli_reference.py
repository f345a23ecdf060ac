"""The CLI's one-line summaries and prerequisites: one table, shown by --help and the README."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from beautygraph.cli import cli
from beautygraph.cli_reference import REFERENCE
from beautygraph.generate.config import GeneratorConfig
from tests.conftest import ROOT


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, cmd in group.commands.items():
        path = f"{prefix} {name}".strip()
        if isinstance(cmd, click.Group):
            out.update(_commands(cmd, path))
        else:
            out[path] = cmd
    return out


COMMANDS = _commands(cli)


def test_every_command_has_a_reference_line_and_no_stale_ones():
    assert set(COMMANDS) == set(REFERENCE)


def _readme_table() -> dict[str, tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text.split("<!-- commands:", 1)[1].splitlines()[1:]
    table = []
    for line in after:
        if not line.startswith("|"):
            break
        table.append(line)
    rows = {}
    for line in table[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name = cells[0].strip("`").removeprefix("beautygraph ").strip()
        rows[name] = (cells[1], cells[2])
    return rows


def test_the_readme_table_lists_every_command_with_its_prerequisites():
    rows = _readme_table()
    assert set(rows) == set(REFERENCE)
    for name, ref in REFERENCE.items():
        assert rows[name] == (ref.summary, ref.needs or "—"), name


@pytest.mark.parametrize("group", ["", "analyze", "score"])
def test_help_listings_show_whole_summaries(group):
    res = CliRunner().invoke(cli, [*group.split(), "--help"], terminal_width=200)
    assert res.exit_code == 0
    listing = res.output.split("Commands:", 1)[1]
    assert "(Fig." not in listing.replace("(Fig. 12)", "").replace("(Fig. 4)", "")
    for line in listing.strip().splitlines():
        assert not line.rstrip().endswith(("...", "(Fig.")), line


def test_prerequisites_are_stated_in_the_help():
    res = CliRunner().invoke(cli, ["analyze", "recommenders", "--help"], terminal_width=200)
    assert "Needs: analyze network (User.beauty); --holdout-follows: load only." in res.output


@pytest.mark.parametrize("path", sorted(REFERENCE))
def test_quiet_is_accepted_after_every_command(path):
    cmd = COMMANDS[path]
    assert any(p.name == "quiet" for p in cmd.params), path


def test_quiet_after_the_subcommand_takes_effect(tmp_path):
    from tests.conftest import TINY

    seen = {}

    @cli.command("probe-quiet", hidden=True)
    @click.pass_obj
    def probe(app):
        seen["quiet"] = app.quiet

    try:
        res = CliRunner().invoke(cli, ["probe-quiet", "--quiet"])
        assert res.exit_code == 0, res.output
        assert seen["quiet"] is True
        res = CliRunner().invoke(cli, ["probe-quiet"])
        assert seen["quiet"] is False
    finally:
        cli.commands.pop("probe-quiet")
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.lbdb"), "load", str(TINY), "--quiet"])
    assert res.exit_code == 0 and "loading" not in res.output


def test_demo_and_generate_share_the_default_seed():
    demo = next(p for p in COMMANDS["demo"].params if p.name == "seed")
    assert demo.default == GeneratorConfig().seed
    help_text = CliRunner().invoke(cli, ["generate", "--help"], terminal_width=200).output
    assert re.search(rf"\[default: {GeneratorConfig().seed}\]", help_text)
