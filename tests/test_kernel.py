"""kernel/ sits below every layer: its modules import only the standard library and
each other, so graphdb/, scoring/, analysis/ and beautygraph/ may all import it.

import-linter checks a list of forbidden packages; this test checks the positive rule
against Python's own list of standard-library modules, so a new third-party import is
caught even when no contract names it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

KERNEL = Path(__file__).resolve().parent.parent / "kernel"


def imported_top_levels(source: str) -> set[str]:
    """The top-level package of every absolute import in ``source`` (inside functions too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_imported_top_levels_sees_nested_and_dotted_imports():
    src = "import os.path\nfrom a.b import c\ndef f():\n    import numpy as np\nfrom . import x\n"
    assert imported_top_levels(src) == {"os", "a", "numpy"}


@pytest.mark.parametrize("path", sorted(KERNEL.glob("*.py")), ids=lambda p: p.name)
def test_kernel_imports_the_standard_library_only(path: Path):
    outside = imported_top_levels(path.read_text()) - set(sys.stdlib_module_names) - {"kernel"}
    assert not outside, f"{path.name} imports {sorted(outside)}"


def test_the_kernel_holds_steps_and_vocabulary():
    assert {p.name for p in KERNEL.glob("*.py")} >= {"__init__.py", "steps.py", "vocabulary.py"}
