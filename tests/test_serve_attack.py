"""``graphkit serve`` stays up under slow clients and load: a request is read whole, against a
deadline, before any worker touches it; too many connections from one address are refused;
50 clients at once all get their answers.

The servers run on 127.0.0.1 only; every loop here is bounded in count and time and stops by
itself.
"""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from graphkit.data.load import load_datasets
from graphkit.graph.build import build_graph
from graphkit.views.serve import make_server

MINI_DIR = Path(__file__).resolve().parent / "data" / "mini"
GRAPHKIT = str(Path(sys.executable).with_name("graphkit"))
CITIES = "SELECT ?city ?name WHERE { ?city a gk:City ; rdfs:label ?name } ORDER BY ?name"
TRANSFERS = (
    "SELECT ?transfer ?from ?to WHERE { ?transfer a gk:PracticeTransfer ; "
    "gk:originCity ?from . OPTIONAL { ?transfer gk:targetCity ?to } }"
)


def _serve(*options: str) -> Iterator[tuple[str, int]]:
    """``graphkit serve`` on the bundled data as a real process; yields (host, port)."""
    process = subprocess.Popen(
        [GRAPHKIT, "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        found = re.search(r"at http://(127\.0\.0\.1):(\d+)/ ", line)
        if not found:
            pytest.fail(f"the server did not start: {line!r}")
        yield found.group(1), int(found.group(2))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    yield from _serve()


def _query_url(address: tuple[str, int], query: str = CITIES) -> str:
    host, port = address
    return f"http://{host}:{port}/sparql?" + urllib.parse.urlencode({"query": query})


def _ask(address: tuple[str, int], query: str = CITIES, timeout: float = 10) -> int:
    request = urllib.request.Request(
        _query_url(address, query), headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
        return response.status


class _SlowClients:
    """``count`` connections that each send a request's first bytes, then one byte a second
    (never finishing the request), until closed or for at most ``limit`` seconds."""

    def __init__(self, address: tuple[str, int], count: int, limit: float = 60.0):
        self.sockets = []
        for _ in range(count):
            sock = socket.create_connection(address, timeout=5)
            sock.sendall(b"GET /sparql?query=SELECT")
            self.sockets.append(sock)
        self._stop = threading.Event()
        self._limit = time.monotonic() + limit
        self._thread = threading.Thread(target=self._drip, daemon=True)
        self._thread.start()

    def _drip(self) -> None:
        while not self._stop.wait(1.0) and time.monotonic() < self._limit:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"x")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for sock in self.sockets:
            sock.close()


def test_41_slow_connections_leave_ordinary_requests_answered(server):
    slow = _SlowClients(server, 41)
    try:
        time.sleep(1.5)  # they are all in, dripping
        for _ in range(5):
            started = time.monotonic()
            assert _ask(server, timeout=10) == 200
            assert time.monotonic() - started < 10
    finally:
        slow.close()


def test_a_client_slower_than_the_request_timeout_gets_408_and_is_closed():
    for address in _serve("--request-timeout", "1"):
        slow = _SlowClients(address, 1, limit=10)
        try:
            sock = slow.sockets[0]
            sock.settimeout(8)
            started = time.monotonic()
            answer = sock.recv(4096)
            assert answer.startswith(b"HTTP/1.0 408 "), answer
            assert b"within 1 s" in answer
            assert time.monotonic() - started < 4
        finally:
            slow.close()


@pytest.fixture(scope="module")
def small_server() -> Iterator[tuple[str, int]]:
    """An in-process endpoint over the small test data, with a cap of 3 connections a client."""
    graph = build_graph(load_datasets([MINI_DIR]))
    server = make_server(graph, "127.0.0.1", 0, max_per_client=3, request_deadline=5)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_address[1]
    server.shutdown()
    server.server_close()


def test_connections_beyond_the_cap_for_one_address_get_503_at_once(small_server):
    slow = _SlowClients(small_server, 3, limit=10)
    try:
        time.sleep(0.5)
        extra = socket.create_connection(small_server, timeout=5)
        with extra:
            answer = extra.recv(4096)
        assert answer.startswith(b"HTTP/1.0 503 "), answer
        assert b"at most 3" in answer
    finally:
        slow.close()
    time.sleep(0.5)  # the slots are free again
    assert _ask(small_server) == 200


def test_a_body_announced_over_the_limit_is_refused_before_it_is_sent(small_server):
    with socket.create_connection(small_server, timeout=5) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 999999999\r\n\r\n"
        )
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.0 413 "), answer


def test_endless_headers_are_refused():
    graph = build_graph(load_datasets([MINI_DIR]))
    server = make_server(graph, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(server.server_address[:2], timeout=5) as sock:
            sock.sendall(b"GET /sparql HTTP/1.1\r\nX-Long: ")
            with pytest.raises(OSError):  # the server answers 431 and closes mid-send
                for _ in range(200):
                    sock.sendall(b"a" * 4096)
                    time.sleep(0.001)
            assert sock.recv(4096).startswith(b"HTTP/1.0 431 ")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_50_clients_for_30_seconds_get_only_200s_with_p99_under_2_s(server):
    queries = [CITIES, TRANSFERS]
    stop_at = time.monotonic() + 30
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        sent = 0
        while time.monotonic() < stop_at and sent < 10_000:
            sent += 1
            started = time.monotonic()
            try:
                status = _ask(server, queries[(number + sent) % 2], timeout=20)
            except Exception as exc:  # every failure is collected and reported
                status, error = None, repr(exc)
            took = time.monotonic() - started
            with lock:
                latencies.append(took)
                if status != 200:
                    failures.append(f"{status} {error if status is None else ''}")

    with ThreadPoolExecutor(50) as pool:
        list(pool.map(client, range(50)))
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    assert not failures, f"{len(failures)} of {len(latencies)} failed, e.g. {failures[:3]}"
    assert len(latencies) >= 100
    assert p99 < 2, f"p99 {p99:.2f} s over {len(latencies)} requests"
