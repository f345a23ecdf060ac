"""Parameter problems are named once, by parameter, and worded by whoever shows them: the
pipelines and parameter objects name Python parameters (:mod:`kernel.params`), the command
line names its own flags (:func:`beautygraph.clikit.flag_spelling`)."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from beautygraph.clikit import BeautyGroup, flag_spelling, spell_params
from beautygraph.errors import UserError, user_errors
from kernel.params import InvalidParams, Problem, check_int, invalid

ROOT = Path(__file__).resolve().parents[1]


def test_plain_text_names_parameters():
    err = InvalidParams(
        "demo",
        [
            Problem(("top",), (0,), "must be an integer >= 1"),
            Problem(("a", "b"), (1, "x"), "contradict each other"),
        ],
    )
    assert str(err) == (
        "invalid demo parameters: top=0 must be an integer >= 1; a=1 and b='x' contradict each other"
    )
    assert isinstance(err, ValueError)


def test_worded_spells_known_parameters_and_leaves_the_rest():
    err = InvalidParams("", [Problem(("top", "fast", "other"), (0, True, 3), "cannot go together")])
    assert err.worded({"top": "--top", "fast": "--fast!"}) == (
        "--top 0 and --fast and other=3 cannot go together"
    )
    assert (
        err.worded(lambda name: f"<{name}>")
        == "<top> 0 and <fast> True and <other> 3 cannot go together"
    )


def test_invalid_params_survive_pickling():
    # Spark and DataLoader workers send exceptions back to the driver pickled
    err = invalid("propagation", "top", 0, "must be an integer >= 1")
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, InvalidParams)
    assert back.problems == err.problems and str(back) == str(err)


@pytest.mark.parametrize(
    ("value", "low", "high", "ok"),
    [
        (1, 1, None, True),
        (0, 1, None, False),
        (True, 0, None, False),
        (2.0, 1, None, False),
        (50, 1, 50, True),
        (51, 1, 50, False),
    ],
)
def test_check_int(value, low, high, ok):
    assert (check_int("n", value, low, high) == []) is ok


def _probe_group():
    """A group of the project's own kind with one command that fails below itself, the way
    a pipeline does: with an InvalidParams, bare or wrapped in a UserError."""

    @click.group(cls=BeautyGroup)
    def group():
        pass

    @group.command("probe")
    @click.option("--top-k", "top", type=int, default=5)
    @click.option("--fast", is_flag=True)
    @click.option("--float32", "float32", is_flag=True)
    @click.option("--wrap", is_flag=True)
    @spell_params(dtype="--float32!")
    def probe(top, fast, float32, wrap):
        def pipeline():
            problems = check_int("top", top, 1)
            if fast and float32:
                problems.append(Problem(("fast", "dtype"), (True, "float32"), "contradict"))
            if problems:
                raise InvalidParams("probe", problems)

        if wrap:
            with user_errors("while probing"):
                pipeline()
        else:
            pipeline()
        click.echo("ok")

    return group


@pytest.mark.parametrize("wrap", [False, True])
def test_the_cli_names_its_own_flags(wrap):
    args = ["probe", "--top-k", "0", "--fast", "--float32"] + (["--wrap"] if wrap else [])
    res = CliRunner().invoke(_probe_group(), args)
    assert isinstance(res.exception, UserError)
    assert str(res.exception) == (
        "invalid probe parameters: --top-k 0 must be an integer >= 1; --fast and --float32 contradict"
    )


def test_other_errors_pass_through_untouched():
    @click.group(cls=BeautyGroup)
    def group():
        pass

    @group.command("boom")
    def boom():
        raise UserError("no such user")

    res = CliRunner().invoke(group, ["boom"])
    assert isinstance(res.exception, UserError) and str(res.exception) == "no such user"


def test_flag_spelling_of_a_real_command():
    from beautygraph.commands.score import beauty_cmd

    spelled = flag_spelling(beauty_cmd)
    assert spelled["batch"] == "--batch"
    assert spelled["only_missing"] == "--only-missing!"


def test_a_real_command_names_its_flags(tmp_path):
    from beautygraph.cli import cli

    res = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "none"), "score", "beauty", "--overwrite", "--only-missing"]
    )
    assert "--overwrite and --only-missing contradict each other" in str(res.exception)
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "none"), "authorities", "--alpha", "0"])
    assert "--alpha 0.0 must be > 0" in str(res.exception)


#: flags of external programs that engines legitimately pass on (not ours to rename)
_FOREIGN = re.compile(r"--(conf|master|deploy-mode)\b")


def _is_command_line(text: str) -> bool:
    """Whether ``text`` is a whole command line of this CLI (``recommend --method bb``), the
    way a hint names the command a store still needs; a flag inside a sentence is not."""
    from beautygraph.cli_reference import REFERENCE

    return any(text.startswith(f"{path} --") for path in REFERENCE)


def _messages(path: Path):
    """Every string constant of a module outside docstrings, with its line."""
    tree = ast.parse(path.read_text())
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.lineno, node.value


def test_pipelines_engines_and_analysis_name_no_flags():
    """The demo calls the same pipelines as the command line: a message below the CLI that
    names a flag (``--top``) would be wrong there.  Pipelines name parameters; the CLI
    spells them."""
    offenders = []
    for folder in ("beautygraph/pipelines", "beautygraph/engines", "analysis"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, text in _messages(path):
                # a whole command to run next (`beautygraph score beauty --model nima`) is advice
                text = re.sub(r"`beautygraph [^`]*`", "", text)
                if _is_command_line(text):
                    continue
                for match in re.finditer(r"(?<![\w-])--[a-z][a-z0-9-]+", text):
                    if not _FOREIGN.match(match.group()):
                        offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group()}")
    assert not offenders, "\n".join(offenders)
