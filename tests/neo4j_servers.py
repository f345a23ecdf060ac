"""A throwaway Neo4j server of a test's own, driven by the shared start/stop scripts."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from graphdb.neo4j_store import Neo4jStore
from tests.conftest import NEO4J_TOOLS


class Server:
    """A throwaway server in ``workdir`` driven by the shared start/stop scripts."""

    def __init__(self, workdir: Path, bolt: str, password: str) -> None:
        self.workdir = workdir
        self.bolt = bolt
        self.uri = f"bolt://127.0.0.1:{bolt}"
        self.env = {"NEO4J_PASSWORD": password}

    def start(self) -> None:
        subprocess.run(
            [str(NEO4J_TOOLS / "start"), "--bolt", self.bolt, "--dir", str(self.workdir),
             "--heap", "512m", "--pagecache", "128m"],
            check=True, capture_output=True, env={**os.environ, **self.env}, timeout=300,
        )  # fmt: skip

    def kill(self) -> None:
        """SIGKILL the server's whole process group: a crash, not a shutdown."""
        pid = int((self.workdir / "neo4j.pid").read_text())
        os.killpg(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)

    def stop(self, wipe: bool = False) -> None:
        args = [str(NEO4J_TOOLS / "stop"), "--dir", str(self.workdir)] + (
            ["--wipe"] if wipe else []
        )
        subprocess.run(args, capture_output=True, timeout=300)

    def connect(self) -> Neo4jStore:
        return Neo4jStore(self.uri, password=self.env["NEO4J_PASSWORD"], retry_seconds=5)
