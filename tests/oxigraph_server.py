"""A real Oxigraph server (the ``oxigraph`` binary of the PyPI package ``oxigraph``) on 127.0.0.1,
for tests that talk to a remote SPARQL endpoint."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Seconds the server lets a query run: runaway queries of the timeout tests stop soon after.
SERVER_QUERY_TIMEOUT = 5
START_TIMEOUT = 20.0


@dataclass(frozen=True)
class OxigraphServer:
    """A running server: its base URL and process."""

    base_url: str
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 query endpoint."""
        return f"{self.base_url}/query"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store Protocol endpoint."""
        return f"{self.base_url}/store"


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server binary: next to this Python's executable, else on the PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(query_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{query_url}?query=ASK%7B%7D", timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False


def wait_until_answering(
    query_url: str, process: subprocess.Popen[bytes], log: Path, name: str, timeout: float
) -> None:
    """Wait until the server ``process`` answers an ASK at ``query_url``.

    Raises:
        RuntimeError: it ended or did not answer within ``timeout`` seconds (with its log).
    """
    deadline = time.monotonic() + timeout
    while not _answers(query_url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start: {log.read_text(errors='replace')}")
        time.sleep(0.05)


@contextlib.contextmanager
def running_oxigraph(
    folder: Path, query_timeout: int = SERVER_QUERY_TIMEOUT
) -> Iterator[OxigraphServer]:
    """Start ``oxigraph serve`` with its database in ``folder``, wait until it answers, and
    kill it on exit. A query runs at most ``query_timeout`` seconds on it.

    Raises:
        RuntimeError: the binary is missing, or the server did not start.
    """
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph binary is missing: pip install oxigraph")
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(folder / "data"),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                str(query_timeout),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = OxigraphServer(f"http://127.0.0.1:{port}", process)
    try:
        wait_until_answering(server.query_url, process, log, "oxigraph", START_TIMEOUT)
        yield server
    finally:
        process.kill()
        process.wait()
