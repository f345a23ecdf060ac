"""``load --initial`` (the offline importer) against a real Neo4j server of its own.

The same folder is loaded twice: into an embedded store with the online loader, and into
a stopped server with ``load --initial``; after the server starts, every node and
relationship property of every label and type must be equal in both stores.  The folder
is a small generated community with a bio that holds a comma, quotes and a line break and
a user without ``joined_at`` (an empty importer field must give a missing property, as
in the online loader).  A second import with the same cache folder maps the class-data
archive that the first one wrote, and gives the same store.

It runs in the Neo4j pass (``NEO4J_URI`` set, as in CI) because it starts a server (~10 s);
it skips with the reason where the shared scripts are absent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import graphdb
from graphdb import schema
from graphdb.frames import MISSING_TS
from graphdb.loader import load_folder
from tests.conftest import NEO4J_TOOLS, ROOT
from tests.neo4j_servers import Server

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not (NEO4J_TOOLS / "start").exists(), reason=f"no Neo4j server scripts at {NEO4J_TOOLS}"
    ),
    pytest.mark.skipif(
        not os.environ.get("NEO4J_URI"), reason="runs in the Neo4j pass (set NEO4J_URI)"
    ),
]

BOLT = os.environ.get("BEAUTYGRAPH_INITIAL_BOLT", "17689")
PASSWORD = "initial-test-pw"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("initial") / "data"
    subprocess.run(
        [sys.executable, "-m", "beautygraph.cli", "generate", "--users", "60", "--seed", "3",
         "--out", str(out), "--quiet"],
        check=True, capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    users = pd.read_csv(out / "users.csv", dtype=str, keep_default_na=False)
    users.loc[0, "bio"] = 'says "hi", then\nleaves'
    users.loc[1, "joined_at"] = ""
    users.to_csv(out / "users.csv", index=False)
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("initialdb") / "neo4j", BOLT, PASSWORD)
    srv.start()  # creates the configuration and the (empty) database
    srv.stop()
    yield srv
    srv.stop(wipe=True)


def contents(store) -> dict:
    """Every property of every label and relationship type, as sortable plain arrays."""
    out: dict = {}
    nodes = {}
    for label, props in schema.NODE_PROPS.items():
        table = store.export_nodes(label, list(props))
        nodes[label] = table
        out[label] = {"id": table.ids.astype(str)} | {p: _plain(v) for p, v in table.props.items()}
    for rel, props in schema.REL_PROPS.items():
        a, b = schema.REL_ENDPOINTS[rel]
        table = store.export_edges(rel, list(props), nodes[a], nodes[b])
        out[rel] = {
            "src": table.src_nodes.ids[table.src].astype(str),
            "dst": table.dst_nodes.ids[table.dst].astype(str),
        } | {p: _plain(v) for p, v in table.props.items()}
    return out


def _plain(values: np.ndarray) -> list:
    """Missing values (None, NaN, the export's missing-timestamp code) as None."""
    return [
        None if v is None or (isinstance(v, float) and np.isnan(v)) or v == MISSING_TS else v
        for v in values
    ]


def initial_load(server: Server, folder: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NEO4J_PASSWORD": PASSWORD,
        "BEAUTYGRAPH_CACHE": str(cache),
    }
    return subprocess.run(
        [sys.executable, "-m", "beautygraph.cli", "--db", server.uri, "load", "--initial",
         "--neo4j-home", str(NEO4J_TOOLS / "dist"), "--neo4j-conf", str(server.workdir / "conf"),
         "--overwrite", "--json", str(folder)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )  # fmt: skip


def test_initial_import_equals_the_online_loader(server, folder, tmp_path):
    reference = graphdb.connect(str(tmp_path / "ref.lbdb"), create=True)
    load_folder(reference, folder)
    expected = contents(reference)
    reference.close()
    assert expected["User"]["bio"].count('says "hi", then\nleaves') == 1
    assert expected["User"]["joined_at"].count(None) == 1

    cache = tmp_path / "cache"
    for run in ("writes the class archive", "maps it"):
        proc = initial_load(server, folder, cache)
        assert proc.returncode == 0, (run, proc.stderr)
        added = json.loads(proc.stdout)["added"]
        assert added["relationships"]["FOLLOWS"] == len(expected["FOLLOWS"]["src"]), run
        assert len(list(cache.glob("*.jsa"))) == 1, run
        server.start()
        try:
            with server.connect() as store:
                got = contents(store)
        finally:
            server.stop()
        assert got.keys() == expected.keys()
        for name, columns in expected.items():
            assert got[name].keys() == columns.keys(), name
            for column, values in columns.items():
                assert list(got[name][column]) == list(values), (run, name, column)
    assert not list(cache.glob("*.tmp"))
