"""Hostile SPARQL servers on 127.0.0.1: the remote client's timeout is a deadline for the whole
exchange, an endless answer is refused at its cap, and a server's words cannot reach the
terminal raw.

Each server is a plain socket loop in a thread that stops by itself (bounded time), so no test
can hang the suite even when the client under test would wait for ever.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphkit.errors import EndpointError, EndpointTimeoutError
from graphkit.sparql.checked import check_query
from graphkit.sparql.remote import Endpoint, GraphStore

SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
JSON_HEADERS = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b"Content-Length: 100000000\r\n\r\n"
)
# The longest any hostile server keeps a connection: far beyond every deadline under test.
SERVER_LIMIT = 30.0
GRAPHKIT = str(Path(sys.executable).with_name("graphkit"))


def _drain_request(conn: socket.socket) -> None:
    """Read the request's headers and its body (by Content-Length), so the client is waiting."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk


def _drip(conn: socket.socket, first: bytes, byte: bytes, every: float = 0.5) -> None:
    """Send ``first``, then one ``byte`` every ``every`` seconds until the client leaves."""
    conn.sendall(first)
    stop = time.monotonic() + SERVER_LIMIT
    while time.monotonic() < stop:
        time.sleep(every)
        conn.sendall(byte)


def _drip_headers(conn: socket.socket) -> None:
    _drain_request(conn)
    _drip(conn, b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a")


def _drip_body(conn: socket.socket) -> None:
    _drain_request(conn)
    _drip(conn, JSON_HEADERS + b'{"head": {"vars": ["s"]}, "results": {"bindings": [', b" ")


def _silent(conn: socket.socket) -> None:
    _drain_request(conn)
    time.sleep(SERVER_LIMIT)


def _endless_string(conn: socket.socket) -> None:
    """A valid start of SPARQL JSON results whose one string never ends."""
    _drain_request(conn)
    conn.sendall(
        JSON_HEADERS
        + b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", '
        b'"value": "'
    )
    chunk = b"x" * 65536
    stop = time.monotonic() + SERVER_LIMIT
    while time.monotonic() < stop:
        conn.sendall(chunk)


def _escape_sequences(conn: socket.socket) -> None:
    """An error whose reason phrase and body hold terminal escapes."""
    _drain_request(conn)
    body = b"\x1b]0;pwned\x07 bad query \x1b[2J"
    conn.sendall(
        b"HTTP/1.1 400 Bad \x1b[31mRequest\r\nContent-Type: text/plain\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


@pytest.fixture
def hostile() -> Iterator[Callable[[Callable[[socket.socket], None]], str]]:
    """Start a server on 127.0.0.1 that treats every connection with the given behaviour;
    returns its base URL. Connections are closed when the test ends."""
    listeners: list[socket.socket] = []
    connections: list[socket.socket] = []

    def start(behaviour: Callable[[socket.socket], None]) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(SERVER_LIMIT)
        listeners.append(listener)

        def serve() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                connections.append(conn)
                threading.Thread(target=_guarded, args=(behaviour, conn), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    for sock in listeners + connections:
        sock.close()


def _guarded(behaviour: Callable[[socket.socket], None], conn: socket.socket) -> None:
    try:
        behaviour(conn)
    except OSError:
        pass  # the client left, as it should
    finally:
        conn.close()


def _timed(action: Callable[[], object]) -> tuple[BaseException, float]:
    started = time.monotonic()
    with pytest.raises((EndpointError, EndpointTimeoutError)) as error:
        action()
    return error.value, time.monotonic() - started


@pytest.mark.parametrize("behaviour", [_drip_headers, _drip_body, _silent])
def test_a_dripping_or_silent_server_cannot_hold_a_query_past_its_timeout(hostile, behaviour):
    endpoint = Endpoint(hostile(behaviour) + "/query", timeout=1.5)
    error, took = _timed(lambda: endpoint.run(check_query(SELECT), {}, max_rows=10, timeout=None))
    assert isinstance(error, EndpointTimeoutError)
    assert "within 1.5 s" in str(error)
    assert took < 3.5, f"a 1.5 s timeout held the query for {took:.1f} s"


def test_a_dripping_server_cannot_hold_a_push_past_its_timeout(hostile):
    store = GraphStore(hostile(_drip_headers) + "/store", timeout=1.5)
    error, took = _timed(lambda: store.add(b"<urn:a> <urn:b> <urn:c> .\n"))
    assert isinstance(error, EndpointTimeoutError)
    assert took < 3.5


def test_an_endless_answer_stops_at_its_cap_with_an_error_naming_it(hostile):
    endpoint = Endpoint(hostile(_endless_string) + "/query", timeout=20, max_answer_bytes=1 << 20)
    error, _ = _timed(lambda: endpoint.run(check_query(SELECT), {}, max_rows=10, timeout=None))
    assert not isinstance(error, EndpointTimeoutError)
    assert "more than 1 MiB" in str(error)
    assert "max_answer_bytes" in str(error)


def test_a_servers_words_reach_the_message_with_their_escapes_written_out(hostile):
    endpoint = Endpoint(hostile(_escape_sequences) + "/query", timeout=5)
    error, _ = _timed(lambda: endpoint.run(check_query(SELECT), {}, max_rows=10, timeout=None))
    message = str(error)
    assert "HTTP 400" in message
    assert "\x1b" not in message and "\x07" not in message
    assert "\\x1b]0;pwned\\x07" in message


def _cli_query(url: str, timeout: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRAPHKIT, "query", "--endpoint", url, "--timeout", timeout, SELECT],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
@pytest.mark.parametrize("behaviour", [_drip_headers, _drip_body])
def test_graphkit_query_with_timeout_5_exits_within_8_s_on_a_dripping_server(hostile, behaviour):
    """Within 8 s on an idle machine. The command's own start and stop are timed in the same
    run (the same command against a closed port), so a loaded machine's slow start does not
    count against the deadline: the wait itself must stay under 5 s plus 1.5 s."""
    closed = socket.create_server(("127.0.0.1", 0))
    closed_url = f"http://127.0.0.1:{closed.getsockname()[1]}/query"
    closed.close()
    started = time.monotonic()
    refused = _cli_query(closed_url, "5")
    overhead = time.monotonic() - started
    assert refused.returncode != 0 and "Cannot reach" in refused.stderr

    url = hostile(behaviour) + "/query"
    started = time.monotonic()
    done = _cli_query(url, "5")
    took = time.monotonic() - started
    assert done.returncode != 0
    assert took < max(8.0, overhead + 6.5), (
        f"graphkit query --timeout 5 took {took:.1f} s (its start and stop: {overhead:.1f} s)"
    )
    assert "did not answer within 5 s" in done.stderr
    assert "Traceback" not in done.stderr
