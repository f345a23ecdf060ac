"""Pipelines are export -> compute -> write-back and nothing else (docs/ARCHITECTURE.md):
no module of ``beautygraph/pipelines/`` draws a figure or writes a file; the figures and
files of the CLI and the report are :mod:`beautygraph.outputs`' (called by the commands
and the sections).  ``lint-imports`` checks the imports too (pyproject.toml); this test
also catches the writing calls, which no import contract can see."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PIPELINES = Path(__file__).resolve().parents[1] / "beautygraph" / "pipelines"

#: imports that draw figures or make the output files
DRAWING = ("matplotlib", "analysis.plots", "scoring.plots", "beautygraph.outputs")
#: methods that write files (pandas, pathlib, matplotlib, Figure.save, torch, json, pickle)
WRITING = {"to_csv", "to_parquet", "write_text", "write_bytes", "savefig", "save", "dump"}


def offences(source: str) -> list[str]:
    """What in ``source`` draws or writes a file, as ``line: what`` strings.

    >>> offences("import matplotlib.pyplot as plt\\nframe.to_csv('x.csv')")
    ['1: imports matplotlib.pyplot', '2: calls .to_csv()']
    >>> offences("with open(p, 'w') as f: pass\\nopen(p).read()")
    ["1: opens a file with mode 'w'"]
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if any(name == d or name.startswith(d + ".") for d in DRAWING):
                found.append((node.lineno, f"imports {name}"))
                break
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in WRITING:
            found.append((node.lineno, f"calls .{func.attr}()"))
        if (
            isinstance(func, ast.Name)
            and func.id == "open"
            or (isinstance(func, ast.Attribute) and func.attr == "open")
        ):
            mode = node.args[1] if len(node.args) > 1 else None
            for kw in node.keywords:
                if kw.arg == "mode":
                    mode = kw.value
            if isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+"):
                found.append((node.lineno, f"opens a file with mode {mode.value!r}"))
    return [f"{line}: {what}" for line, what in sorted(found)]


@pytest.mark.parametrize("path", sorted(PIPELINES.glob("*.py")), ids=lambda p: p.name)
def test_pipelines_draw_and_write_no_files(path):
    assert offences(path.read_text()) == [], f"{path.name} draws or writes files"


def test_the_check_sees_the_old_pipeline_code():
    """The shapes the pipelines had before the outputs moved out are caught."""
    old = (
        "from analysis.plots import network as plots\n"
        "def write_outputs(result, out_dir):\n"
        "    for fig in result.figures:\n"
        "        fig.save(out_dir)\n"
        "    result.frame.to_csv(out_dir / 'x.csv', index=False)\n"
        "    (out_dir / 'network.json').write_text('{}')\n"
    )
    assert [o.split(": ")[1] for o in offences(old)] == [
        "imports analysis.plots",
        "calls .save()",
        "calls .to_csv()",
        "calls .write_text()",
    ]
