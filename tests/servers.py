"""Real SPARQL servers for the tests: Virtuoso and Oxigraph server, run by scripts/sparql-server.sh on loopback.

The session fixtures (``virtuoso``, ``oxigraph``, ``virtuoso_tiny``) start each server once per test session, on
free ports and in a temporary state directory, and stop it by PID at the end. tests/conftest.py imports them, so
every test module shares the same servers.
"""

from __future__ import annotations

import os
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "sparql-server.sh"


@dataclass
class Server:
    """One server run by scripts/sparql-server.sh, with its own state directory and ports."""

    kind: str
    url: str
    env: dict
    state: Path

    @property
    def credentials(self) -> dict:
        # Virtuoso's default admin account: acceptable only because the server listens on loopback
        return {"user": "dba", "password": "dba"} if self.kind == "virtuoso" else {}

    def script(self, command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(SCRIPT), command, self.kind], env=self.env, capture_output=True,
                              text=True, timeout=600, check=False)

    def start(self) -> None:
        done = self.script("start")
        if done.returncode:
            pytest.fail(f"could not start {self.kind}:\n{done.stdout}\n{done.stderr}")

    def stop(self) -> None:
        self.script("stop")

    def pid(self) -> int:
        return int((self.state / self.kind / "pid").read_text())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def running(kind: str, state: Path, **settings: str):
    """Start a server of ``kind`` with these scripts/sparql-server.sh settings, yield it, stop it (for fixtures)."""
    port = free_port()
    env = {**os.environ, "SPARQL_SRV_DIR": str(state), "SPARQL_HTTP_PORT": str(port),
           "SPARQL_SQL_PORT": str(free_port()), "SPARQL_BUFFERS": "10000", **settings}
    server = Server(kind, f"http://127.0.0.1:{port}", env, state)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        assert server.script("status").returncode == 3, f"{kind} still running after stop"


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    yield from running("virtuoso", tmp_path_factory.mktemp("virtuoso"))


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory):
    yield from running("oxigraph", tmp_path_factory.mktemp("oxigraph"))


@pytest.fixture(scope="session")
def virtuoso_tiny(tmp_path_factory):
    """A second Virtuoso that cuts every result at 20 rows, and sorts at most 30 for an ORDER BY with LIMIT/OFFSET."""
    yield from running("virtuoso", tmp_path_factory.mktemp("virtuoso-tiny"), SPARQL_MAX_ROWS="20",
                       SPARQL_SORTED_ROWS="30")


__all__ = ["Server", "free_port", "oxigraph", "running", "virtuoso", "virtuoso_tiny"]
