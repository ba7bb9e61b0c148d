"""An HTTP listener that stays up: requests are read whole before any worker touches them.

A plain ``socketserver`` gives each connection a process or thread that then reads the request,
so a client that sends one byte now and then holds that worker for as long as it likes (the
socket timeout starts again with every byte), and a few dozen such clients leave no worker for
anybody else. This listener reads every request itself, in one loop over non-blocking sockets
(``selectors``), against a total deadline for its headers and body; only a request that has
fully arrived goes to a worker. So:

- a slow or silent client costs one socket and a few bytes of buffer, never a worker; when its
  deadline passes it gets ``408 Request Timeout`` and is closed;
- at most ``max_connections`` connections are open at once and at most
  ``max_per_client`` from one address; more get ``503`` at once;
- the listen backlog is ``backlog`` (the loop accepts as fast as connections arrive);
- each complete request goes to one of ``workers`` worker processes forked at the start (the
  rest queue in arrival order), with the connection itself (its descriptor is passed over a
  Unix socket). A worker answers one request at a time; one whose work left a thread behind (a
  query stopped at its timeout keeps running in Rust) answers, exits, and is replaced, so a
  runaway query cannot starve the others, and the listening process never runs a query.
  Where the platform cannot fork, a pool of ``workers`` threads answers instead.

A request is one exchange: the answer closes the connection (HTTP/1.0 style), which every
SPARQL client handles.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import io
import os
import selectors
import socket
import socketserver
import struct
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

DEFAULT_BACKLOG = 128
DEFAULT_WORKERS = max(4, 2 * (os.cpu_count() or 1))
DEFAULT_REQUEST_DEADLINE = 10.0  # seconds to send headers and body, in all
DEFAULT_MAX_CONNECTIONS = 512
DEFAULT_MAX_PER_CLIENT = 64
DEFAULT_WRITE_TIMEOUT = 60.0  # seconds a client may stall while reading its answer
MAX_HEADER_BYTES = 64 * 1024
_POLL = 0.25


def _status(code: int, reason: str, message: str) -> bytes:
    body = f"{message}\n".encode()
    return (
        f"HTTP/1.0 {code} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


@dataclass
class _Pending:
    """A connection whose request is still arriving."""

    sock: socket.socket
    address: Any
    deadline: float
    buffer: bytearray = field(default_factory=bytearray)
    needed: int | None = None  # total bytes of headers + body, once the headers are in


class BufferedRequestHandlerMixin:
    """For a ``BaseHTTPRequestHandler`` served by :class:`Listener`: reads the request from the
    bytes the listener gathered, and writes the answer to the socket."""

    request: Any  # (socket, request bytes) as handed over; the socket after setup()
    server: Any
    rfile: Any
    wfile: Any

    def setup(self) -> None:
        self.request, gathered = self.request  # the listener hands over (socket, request bytes)
        self.connection = self.request
        self.request.settimeout(self.server.write_timeout)
        self.rfile = io.BytesIO(gathered)
        self.wfile = socketserver._SocketWriter(self.request)  # type: ignore[attr-defined]

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            self.wfile.flush()


class Listener:
    """Accepts connections on ``address``, gathers each request, and has ``handler_class``
    (a ``BaseHTTPRequestHandler`` with :class:`BufferedRequestHandlerMixin`) answer it.

    The interface is the part of ``socketserver.BaseServer`` that callers use:
    ``server_address``, ``serve_forever()``, ``shutdown()``, ``server_close()``.
    """

    address_family = socket.AF_INET

    def __init__(
        self,
        address: tuple[str, int],
        handler_class: Callable[..., Any],
        *,
        backlog: int = DEFAULT_BACKLOG,
        workers: int = DEFAULT_WORKERS,
        request_deadline: float = DEFAULT_REQUEST_DEADLINE,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_per_client: int = DEFAULT_MAX_PER_CLIENT,
        max_body: int = 1 << 20,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
    ):
        self.handler_class = handler_class
        self.workers = workers
        self.request_deadline = request_deadline
        self.max_connections = max_connections
        self.max_per_client = max_per_client
        self.max_body = max_body
        self.write_timeout = write_timeout
        self.socket = socket.socket(self.address_family, socket.SOCK_STREAM)
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind(address)
            self.socket.listen(backlog)
        except OSError:
            self.socket.close()
            raise
        self.socket.setblocking(False)
        self.server_address = self.socket.getsockname()
        self._pending: dict[int, _Pending] = {}
        self._ready: collections.deque[tuple[socket.socket, Any, bytes]] = collections.deque()
        self._per_client: collections.Counter[str] = collections.Counter()
        self._workers: dict[int, _Worker] = {}
        self._selector: selectors.BaseSelector | None = None
        self._threads: ThreadPoolExecutor | None = None
        self._busy_threads = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._wake_read, self._wake_write = socket.socketpair()
        self._wake_read.setblocking(False)

    # --- the loop -------------------------------------------------------------------------

    def serve_forever(self, poll_interval: float = _POLL) -> None:
        """Accept, gather and dispatch until :meth:`shutdown` is called."""
        self._stopped.clear()
        selector = selectors.DefaultSelector()
        selector.register(self.socket, selectors.EVENT_READ, "accept")
        selector.register(self._wake_read, selectors.EVENT_READ, "wake")
        for worker in self._workers.values():
            selector.register(worker.channel, selectors.EVENT_READ, worker)
        self._selector = selector
        try:
            while not self._stop.is_set():
                self.start_workers()
                for key, _ in selector.select(self._wait(poll_interval)):
                    if key.data == "accept":
                        self._accept(selector)
                    elif key.data == "wake":
                        with contextlib.suppress(OSError):
                            self._wake_read.recv(4096)
                    elif isinstance(key.data, _Worker):
                        self._from_worker(selector, key.data)
                    else:
                        self._receive(selector, key.data)
                self._expire(selector)
                self._dispatch()
        finally:
            for pending in list(self._pending.values()):
                self._drop(selector, pending)
            self._stop_workers()
            self._selector = None
            selector.close()
            self._stop.clear()
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (from another thread) and wait until it has stopped."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._wake_write.send(b"x")
        self._stopped.wait()

    def server_close(self) -> None:
        """Close the listening socket and wait for the answers still being written."""
        self.socket.close()
        self._stop_workers()
        if self._threads is not None:
            self._threads.shutdown(wait=True)
        self._wake_read.close()
        self._wake_write.close()

    def _wait(self, poll_interval: float) -> float:
        if self._ready:
            return min(poll_interval, 0.02)
        if self._pending:
            soonest = min(p.deadline for p in self._pending.values()) - time.monotonic()
            return max(0.0, min(poll_interval, soonest))
        return poll_interval

    def _accept(self, selector: selectors.BaseSelector) -> None:
        while True:
            try:
                sock, address = self.socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return  # e.g. too many open files: the client will retry
            client = str(address[0])
            answering = sum(w.client is not None for w in self._workers.values())
            open_connections = len(self._pending) + len(self._ready) + answering
            if open_connections >= self.max_connections:
                self._refuse(sock, 503, "Service Unavailable", "Too many connections; retry.")
                continue
            if self._per_client[client] >= self.max_per_client:
                self._refuse(
                    sock,
                    503,
                    "Service Unavailable",
                    f"Too many connections from {client} (at most {self.max_per_client}).",
                )
                continue
            sock.setblocking(False)
            self._per_client[client] += 1
            pending = _Pending(sock, address, time.monotonic() + self.request_deadline)
            self._pending[sock.fileno()] = pending
            selector.register(sock, selectors.EVENT_READ, pending)

    def _receive(self, selector: selectors.BaseSelector, pending: _Pending) -> None:
        try:
            chunk = pending.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._drop(selector, pending)
            return
        pending.buffer += chunk
        if pending.needed is None:
            end = pending.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(pending.buffer) > MAX_HEADER_BYTES:
                    self._answer_and_drop(
                        selector, pending, 431, "Request Header Fields Too Large",
                        f"The request's headers are longer than {MAX_HEADER_BYTES} bytes.",
                    )  # fmt: skip
                return
            length = _content_length(bytes(pending.buffer[:end]))
            if length is None:
                length = 0  # no body, or one the handler refuses (411) on its own
            if length > self.max_body:
                self._answer_and_drop(
                    selector, pending, 413, "Content Too Large",
                    f"The request body is larger than {self.max_body} bytes.",
                )  # fmt: skip
                return
            pending.needed = end + 4 + length
        if len(pending.buffer) >= pending.needed:
            selector.unregister(pending.sock)
            del self._pending[pending.sock.fileno()]
            pending.sock.setblocking(True)
            self._ready.append((pending.sock, pending.address, bytes(pending.buffer)))

    def _expire(self, selector: selectors.BaseSelector) -> None:
        now = time.monotonic()
        for pending in [p for p in self._pending.values() if p.deadline <= now]:
            self._answer_and_drop(
                selector, pending, 408, "Request Timeout",
                f"The request did not arrive within {self.request_deadline:g} s.",
            )  # fmt: skip

    def _answer_and_drop(
        self,
        selector: selectors.BaseSelector,
        pending: _Pending,
        code: int,
        reason: str,
        message: str,
    ) -> None:
        with contextlib.suppress(OSError):
            pending.sock.send(_status(code, reason, message))
        self._drop(selector, pending)

    def _drop(self, selector: selectors.BaseSelector, pending: _Pending) -> None:
        with contextlib.suppress(KeyError, ValueError):
            selector.unregister(pending.sock)
        self._pending.pop(pending.sock.fileno(), None)
        self._release(str(pending.address[0]))
        pending.sock.close()

    def _release(self, client: str) -> None:
        self._per_client[client] -= 1
        if self._per_client[client] <= 0:
            del self._per_client[client]

    @staticmethod
    def _refuse(sock: socket.socket, code: int, reason: str, message: str) -> None:
        with contextlib.suppress(OSError):
            sock.setblocking(False)
            sock.send(_status(code, reason, message))
        sock.close()

    # --- workers ---------------------------------------------------------------------------

    def _dispatch(self) -> None:
        if not hasattr(os, "fork"):  # pragma: no cover - platforms without fork
            while self._ready and self._busy_threads < self.workers:
                self._thread(*self._ready.popleft())
            return
        while self._ready:
            idle = next((w for w in self._workers.values() if w.client is None), None)
            if idle is None:
                return
            sock, address, data = self._ready.popleft()
            try:
                header = _HEADER.pack(len(data), int(address[1]), str(address[0]).encode())
                socket.send_fds(idle.channel, [header], [sock.fileno()])
                idle.channel.sendall(data)
            except OSError:
                self._retire(idle)
                self._ready.appendleft((sock, address, data))
                continue
            idle.client = str(address[0])
            sock.close()  # the worker holds the connection now

    def start_workers(self) -> None:
        """Fork the worker processes now (``serve_forever`` does it if not done). Call it once
        the handlers' settings are in place: each worker starts from a copy of this process.
        Connections opened by this same process before the workers exist would be inherited
        by them, so a program that serves and queries from one process starts them first."""
        if not hasattr(os, "fork"):  # pragma: no cover - platforms without fork
            return
        if len(self._workers) < self.workers:
            # Collect garbage here, where every thread still exists (a database handle left in
            # a reference cycle and dropped in a worker would join threads the worker lacks),
            # then freeze what is left, so workers never collect it and share its pages.
            gc.collect()
            gc.freeze()
        while len(self._workers) < self.workers:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                pid = os.fork()
            except OSError:
                ours.close()
                theirs.close()
                return  # try again on the next turn
            if pid == 0:  # the worker: answer requests until the listener goes away
                status = 1
                try:
                    ours.close()
                    self._close_inherited()
                    self.worker_started()
                    self._work(theirs)
                    status = 0
                finally:
                    os._exit(status)
            theirs.close()
            worker = _Worker(pid, ours)
            self._workers[ours.fileno()] = worker
            if self._selector is not None:
                self._selector.register(ours, selectors.EVENT_READ, worker)

    def worker_started(self) -> None:
        """Called in each new worker process before it takes requests (for subclasses: e.g.
        to open a database of its own)."""

    def _close_inherited(self) -> None:
        """In a new worker: close what belongs to the listener (sockets, other channels)."""
        for sock in [self.socket, self._wake_read, self._wake_write]:
            sock.close()
        for pending in self._pending.values():
            pending.sock.close()
        for sock, _address, _data in self._ready:
            sock.close()
        for worker in self._workers.values():
            worker.channel.close()
        if self._selector is not None:
            self._selector.close()

    def _work(self, channel: socket.socket) -> None:
        """A worker's loop: take a connection and its request, answer it, say so."""
        while True:
            header, fds, _flags, _address = socket.recv_fds(channel, _HEADER.size, 1)
            if not header:
                return
            while len(header) < _HEADER.size:
                more = channel.recv(_HEADER.size - len(header))
                if not more:
                    return
                header += more
            length, port, host = _HEADER.unpack(header)
            data = bytearray()
            while len(data) < length:
                chunk = channel.recv(min(1 << 16, length - len(data)))
                if not chunk:
                    return
                data += chunk
            sock = socket.socket(fileno=fds[0])
            self._handle(sock, (host.rstrip(b"\0").decode(), port), bytes(data))
            if threading.active_count() > 1:
                return  # work left behind (a query past its timeout): make way for a new worker
            channel.sendall(b"d")

    def _from_worker(self, selector: selectors.BaseSelector, worker: _Worker) -> None:
        try:
            news = worker.channel.recv(64)
        except OSError:
            news = b""
        if not news:  # the worker has ended
            selector.unregister(worker.channel)
            self._retire(worker)
            return
        if worker.client is not None:
            self._release(worker.client)
            worker.client = None

    def _retire(self, worker: _Worker) -> None:
        self._workers.pop(worker.channel.fileno(), None)
        worker.channel.close()
        if worker.client is not None:
            self._release(worker.client)
            worker.client = None
        with contextlib.suppress(ChildProcessError):
            os.waitpid(worker.pid, 0)

    def _stop_workers(self) -> None:
        for worker in list(self._workers.values()):
            with contextlib.suppress(OSError):
                worker.channel.shutdown(socket.SHUT_RDWR)
            self._retire(worker)

    def _thread(self, sock: socket.socket, address: Any, data: bytes) -> None:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="graphkit-http")
        self._busy_threads += 1

        def answer() -> None:
            try:
                self._handle(sock, address, data)
            finally:
                with self._lock:
                    self._busy_threads -= 1
                    self._release(str(address[0]))
                with contextlib.suppress(OSError):
                    self._wake_write.send(b"x")

        self._threads.submit(answer)

    def _handle(self, sock: socket.socket, address: Any, data: bytes) -> None:
        try:
            self.handler_class((sock, data), address, self)
        except Exception as exc:  # one broken exchange must not stop the server: say it, go on
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(f"graphkit: an answer to {address[0]} failed: {exc!r}\n")
        finally:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
            sock.close()


@dataclass
class _Worker:
    """A worker process, its end of the channel, and the client it is answering (if any)."""

    pid: int
    channel: socket.socket
    client: str | None = None


# What the listener sends a worker before a request: its length, the client's port and address.
_HEADER = struct.Struct("!IH46s")


class Listener6(Listener):
    """A :class:`Listener` on an IPv6 address."""

    address_family = socket.AF_INET6


def _content_length(head: bytes) -> int | None:
    """The Content-Length of a request's headers (``None``: absent or not a number)."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            value = value.strip()
            return int(value) if value.isdigit() else None
    return None
