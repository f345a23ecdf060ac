"""The README cannot drift: its walkthrough runs, its tables match the code."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys

import pytest

from graphdb import inputs
from kernel import vocabulary
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: the walkthrough's community, shrunk so the test stays fast (the README says 300)
TEST_USERS = 20


def _block_after(marker: str) -> list[str]:
    """Lines of the fenced block (or table / paragraph) right after ``<!-- marker``."""
    lines = README.split(f"<!-- {marker}", 1)[1].splitlines()[1:]
    if lines[0].startswith("```"):
        end = lines.index("```", 1)
        return lines[1:end]
    out = []
    for line in lines:
        if not line.strip():
            break
        out.append(line)
    return out


def walkthrough_commands() -> list[list[str]]:
    cmds = []
    for line in _block_after("walkthrough"):
        words = shlex.split(line, comments=True)
        if words:
            cmds.append(words)
    return cmds


def run_cli(args: list[str], cwd, env: dict) -> subprocess.CompletedProcess:
    """``beautygraph ARGS`` in a fresh process, as a user's shell would run it."""
    return subprocess.run(
        [sys.executable, "-m", "beautygraph.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_walkthrough_is_the_documented_order():
    order = [
        " ".join(w[1:3]) if w[1] in ("analyze", "score") else w[1]
        for w in walkthrough_commands()
        if w[0] == "beautygraph"
    ]
    firsts = list(dict.fromkeys(order))
    expected = [
        "generate",
        "load",
        "analyze network",
        "score beauty",
        "score interests",
        "authorities",
        "recommend",
        "query",
    ]
    assert firsts == expected


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="the scoring extra (torch) is not installed"
)
def test_the_walkthrough_runs(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BEAUTYGRAPH_DB": ""}
    env.pop("BEAUTYGRAPH_DB")
    env.pop("BEAUTYGRAPH_MODEL", None)
    outputs = []
    for words in walkthrough_commands():
        if words[0] == "export":
            key, value = words[1].split("=", 1)
            env[key] = value
            continue
        assert words[0] == "beautygraph", words
        prevs = ["", *words[:-1]]
        args = [str(TEST_USERS) if p == "--users" else w for p, w in zip(prevs, words, strict=True)]
        proc = run_cli([*args[1:], "--quiet"], tmp_path, env)
        assert proc.returncode == 0, (words, proc.stdout[-2000:], proc.stderr[-2000:])
        outputs.append((words, " ".join(proc.stdout.split())))
    bb = next(out for words, out in outputs if "bb" in words)
    assert re.search(r"window \d\.\d{3} ± 10 % = \d\.\d{3}–\d\.\d{3}", bb)
    authority = next(out for words, out in outputs if "authority" in words)
    assert "enthusiasm" in authority and "authority score" in authority
    assert (tmp_path / "beautygraph.lbdb").exists()
    assert "1 row(s)" in outputs[-1][1]


def test_the_input_table_matches_the_loader_specs():
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in _block_after("input-files")[2:]
    ]

    def names(cell: str) -> list[str]:
        # a column is a backticked name at the start of the cell or after ", "
        return [m for m in re.findall(r"(?:^|, )`(\w+)`", cell)]

    assert [r[0].strip("`").removesuffix(".csv") for r in rows] == list(inputs.SPECS)
    for cells in rows:
        spec = inputs.SPECS[cells[0].strip("`").removesuffix(".csv")]
        assert names(cells[1]) == list(spec.required), spec.name
        assert names(cells[2]) == list(spec.optional), spec.name


def test_the_domain_list_is_the_vocabulary():
    text = " ".join(_block_after("domains"))
    listed = [d.strip() for d in text.split(" · ")]
    assert listed == list(vocabulary.BABELNET_DOMAINS)


def test_no_paths_outside_the_repository_and_no_development_notes():
    assert "../shared" not in README and "/work/" not in README
    for phrase in ("lent to this task", "this task", "helper"):
        assert phrase not in README.lower(), phrase
    assert "Aiello" in README and "Pal, A. Herdağdelen" in README


#: the real graph of the photo-less walkthrough: the first 1,000 BlogCatalog bloggers
REAL_USERS = 1_000


def write_blogcatalog_folder(folder, n_users: int = REAL_USERS) -> None:
    """users.csv, follows.csv (each undirected edge both ways), topics.csv and
    interests.csv (group memberships, declared) of the first ``n_users`` bloggers of the
    vendored BlogCatalog graph (tests/fixtures/README.md): a real graph, no photos."""
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp
    from scipy.io import loadmat

    mat = loadmat(ROOT / "tests" / "fixtures" / "blogcatalog" / "blogcatalog.mat")
    graph = sp.coo_matrix(sp.csr_matrix(mat["network"])[:n_users, :n_users])
    groups = sp.coo_matrix(sp.csr_matrix(mat["group"])[:n_users])
    ids = np.array([f"b{i + 1:05d}" for i in range(n_users)])
    topics = [f"g{j + 1:02d}" for j in range(groups.shape[1])]
    folder.mkdir(parents=True)
    pd.DataFrame({"user_id": ids}).to_csv(folder / "users.csv", index=False)
    pd.DataFrame({"src": ids[graph.row], "dst": ids[graph.col]}).to_csv(
        folder / "follows.csv", index=False
    )
    pd.DataFrame({"topic_id": topics, "name": [f"group {t[1:]}" for t in topics]}).to_csv(
        folder / "topics.csv", index=False
    )
    pd.DataFrame({"user_id": ids[groups.row], "topic_id": np.array(topics)[groups.col]}).to_csv(
        folder / "interests.csv", index=False
    )


def test_the_walkthrough_without_photos_runs_on_a_real_graph(tmp_path):
    write_blogcatalog_folder(tmp_path / "mygraph")
    env = {k: v for k, v in os.environ.items() if k not in ("BEAUTYGRAPH_DB", "BEAUTYGRAPH_MODEL")}
    env["PYTHONPATH"] = str(ROOT)
    outputs = {}
    for line in _block_after("walkthrough-no-photos"):
        words = shlex.split(line, comments=True)
        assert words[0] == "beautygraph", words
        proc = run_cli([*words[1:], "--quiet"], tmp_path, env)
        assert proc.returncode == 0, (words, proc.stdout[-2000:], proc.stderr[-2000:])
        outputs[" ".join(words[1:3])] = " ".join(proc.stdout.split())
    assert re.search(r"Photo\s*│\s*0\s", outputs["stats"]), outputs["stats"]
    assert "declared" in outputs["authorities"]  # the sources used are printed
    assert (tmp_path / "out" / "interests.csv").exists()
    # the commands that need beauty say what the store holds and how to get one
    proc = run_cli(["analyze", "network", "--out", "x"], tmp_path, env)
    assert proc.returncode == 2
    assert "import-results" in proc.stderr and "score beauty" in proc.stderr
