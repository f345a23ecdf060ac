"""Faults against a real Neo4j server of its own (not the shared test server).

The module starts a second server with the shared scripts (``../shared/neo4j/start``, bolt
port ``$BEAUTYGRAPH_FAULT_BOLT`` or 17688, a temporary work folder) and kills it with
SIGKILL in the middle of a ``beautygraph load``:

- without a restart in time, the load fails with one line and exit 2; after the restart a
  re-run of the same load gives exact counts and no duplicate relationship;
- with a restart while the driver is still retrying (a transient error), the same load
  completes by itself, with exact counts and no duplicates.

It runs in the Neo4j pass (``NEO4J_URI`` set, as in CI) because it starts servers (~10 s
each); it skips with the reason where the scripts are absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

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

BOLT = os.environ.get("BEAUTYGRAPH_FAULT_BOLT", "17688")
N_USERS, N_FOLLOWS = 4000, 150_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("faultdb") / "neo4j", BOLT, "fault-test-pw")
    srv.start()
    yield srv
    srv.stop(wipe=True)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_load import make_folder

    out = tmp_path_factory.mktemp("faultdata")
    make_folder(out, N_USERS, N_FOLLOWS, seed=5)
    return out


def load_cmd(server: Server, folder: Path, retry_seconds: float) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NEO4J_PASSWORD": server.env["NEO4J_PASSWORD"],
        "NEO4J_MAX_RETRY_SECONDS": str(retry_seconds),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "beautygraph.cli", "--db", server.uri, "load", "--json", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip


def kill_when_half_loaded(server: Server, proc: subprocess.Popen) -> int:
    """Wait until some FOLLOWS are committed (the load is in its relationship batches),
    then kill the server; returns the count seen just before."""
    with server.connect() as probe:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            n = probe.query("MATCH ()-[r:FOLLOWS]->() RETURN count(r) AS n")[0]["n"]
            if n > 0:
                assert proc.poll() is None, "the load finished before it could be interrupted"
                assert n < N_FOLLOWS
                server.kill()
                return n
            if proc.poll() is not None:
                pytest.fail(f"load ended early: {proc.stderr.read()}")
            time.sleep(0.05)
    pytest.fail("no FOLLOWS appeared within 300 s")


def exact_and_unique(server: Server) -> None:
    with server.connect() as store:
        counts = store.counts()
        assert counts["nodes"]["User"] == N_USERS
        assert counts["relationships"]["FOLLOWS"] == N_FOLLOWS
        dup = store.query(
            "MATCH (a:User)-[r:FOLLOWS]->(b:User) WITH a, b, count(r) AS n WHERE n > 1 "
            "RETURN count(*) AS pairs"
        )[0]["pairs"]
        assert dup == 0


def wipe(server: Server) -> None:
    with server.connect() as store:
        store.clear()


def test_killed_mid_load_then_rerun_gives_exact_counts(server, folder):
    wipe(server)
    proc = load_cmd(server, folder, retry_seconds=1)
    seen = kill_when_half_loaded(server, proc)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, (proc.returncode, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "Neo4j" in lines[0], err
    server.start()
    with server.connect() as store:
        partial = store.counts()["relationships"]["FOLLOWS"]
    assert seen <= partial < N_FOLLOWS  # committed batches survived the crash, no more
    again = load_cmd(server, folder, retry_seconds=30)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    exact_and_unique(server)


def test_transient_loss_of_the_server_is_retried(server, folder):
    wipe(server)
    proc = load_cmd(server, folder, retry_seconds=240)
    kill_when_half_loaded(server, proc)
    server.start()  # while the loader's driver is still retrying its transaction
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    exact_and_unique(server)
