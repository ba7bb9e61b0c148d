"""Running a query under a wall-clock timeout.

Timeouts: Oxigraph and rdflib cannot be interrupted from Python, so where the platform can fork
and the process runs no other thread, a query runs in a forked child that streams its answer
back (Oxigraph writes it in Rust) and is killed when the time is up or when ``max_rows`` rows
have arrived. Elsewhere (notebooks, the threaded server) the query runs in a thread that is
abandoned on timeout.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from graphkit.errors import QueryError, QueryTimeoutError

T = TypeVar("T")


def timeout_error(timeout: float) -> QueryTimeoutError:
    """The error for a query stopped after ``timeout`` seconds, saying what to do."""
    return QueryTimeoutError(
        f"The query did not finish within {timeout:g} s and was stopped. Narrow it down (more "
        "specific patterns, LIMIT) or allow more time (--timeout)."
    )


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`QueryError` with its message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return QueryError(f"{type(exc).__name__}: {exc}")
    return exc


_disposable = False


def mark_process_disposable() -> None:
    """Say that this process ends as soon as its one task is done (the endpoint answers each
    request in such a child): a query that overruns its timeout is then left in a thread that
    dies with the process, so no second process is forked for it."""
    global _disposable
    _disposable = True


def can_fork() -> bool:
    """Whether a query may run in a forked child: the platform forks, this process runs no
    other thread (forking a process with threads, such as a notebook kernel, can leave the
    child waiting on a lock one of them held), and it is not itself a disposable child."""
    return hasattr(os, "fork") and threading.active_count() == 1 and not _disposable


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have just finished
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _forked_producer(produce: Callable[[io.BufferedWriter], None]) -> tuple[int, int, int]:
    """Fork a child that runs ``produce(output)`` and exits without cleanup; return its pid and
    the pipes to read what it wrote and, if it failed, its pickled error."""
    data_read, data_write = os.pipe()
    error_read, error_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: write the answer, report an error, exit without cleanup
        os.close(data_read)
        os.close(error_read)
        status = 0
        try:
            with os.fdopen(data_write, "wb", buffering=1 << 16) as output:
                produce(output)
        except BaseException as exc:
            os.write(error_write, pickle.dumps(_portable(exc), protocol=pickle.HIGHEST_PROTOCOL))
            status = 1
        os._exit(status)
    os.close(data_write)
    os.close(error_write)
    return pid, data_read, error_read


def in_child_process(
    produce: Callable[[io.BufferedWriter], None],
    timeout: float,
    *,
    max_lines: int | None = None,
) -> tuple[bytes, bool]:
    """Run ``produce(output)`` in a forked child and collect the bytes it writes.

    The child is killed when ``timeout`` is up (:class:`QueryTimeoutError`) or as soon as more
    than ``max_lines`` lines have arrived; then the first ``max_lines`` lines are returned with
    ``True`` (cut off). An exception in the child is raised here.
    """
    pid, data_read, error_read = _forked_producer(produce)
    chunks: list[bytes] = []
    lines = 0
    cut = False
    running = True
    try:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise timeout_error(timeout)
            ready, _, _ = select.select([data_read], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(data_read, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            if max_lines is not None:
                lines += chunk.count(b"\n")
                if lines > max_lines:
                    cut = True
                    break
        if not cut:
            error = _read_all(error_read)
            os.waitpid(pid, 0)
            running = False
            if error:
                raise pickle.loads(error)  # our own child's data
    finally:
        os.close(data_read)
        os.close(error_read)
        if running:
            _stop(pid)
    data = b"".join(chunks)
    if cut:
        end = -1
        for _ in range(max_lines or 0):
            end = data.index(b"\n", end + 1)
        data = data[: end + 1]
    return data, cut


def in_thread(function: Callable[[], T], timeout: float) -> T:
    """Run ``function`` in a daemon thread and stop waiting for it after ``timeout``.

    Used where forking is unsafe: the thread cannot be killed and finishes in the background,
    but the caller gets its answer (or the timeout error) in time.
    """
    outcome: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as exc:
            outcome.append((False, exc))

    worker = threading.Thread(target=target, name="graphkit-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise timeout_error(timeout)
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def call_with_timeout(
    function: Callable[[], T], timeout: float | None, *, isolate: bool | None = None
) -> T:
    """``function()``, stopped after ``timeout`` seconds with :class:`QueryTimeoutError`.

    Args:
        function: the work to do; with ``isolate``, its result must pickle.
        timeout: seconds; ``None`` runs ``function`` directly, without a limit.
        isolate: run in a child process that is killed on timeout, else in a thread whose
            result is abandoned on timeout. Default: :func:`can_fork`.
    """
    if timeout is None:
        return function()
    if timeout <= 0:
        raise ValueError("the timeout must be positive")
    if isolate is None:
        isolate = can_fork()
    if not isolate:
        return in_thread(function, timeout)

    def produce(output: io.BufferedWriter) -> None:
        pickle.dump(function(), output, protocol=pickle.HIGHEST_PROTOCOL)

    data, _ = in_child_process(produce, timeout)
    if not data:
        raise QueryError("The query process ended without an answer.")
    return pickle.loads(data)  # our own child's data


class Meanwhile(contextlib.AbstractContextManager):
    """``compute()`` started in a forked child, so that this process can go on with other work:
    ``with Meanwhile(f) as later: ...; value = later.get()``. The value comes back pickled
    through a pipe; an error raised in the child is raised by :meth:`get`; leaving the ``with``
    block stops a child whose value was not asked for (this process failed meanwhile).

    On a second core two independent reads of a large store take the time of the longer one.
    Where forking is unsafe (:func:`can_fork`) or there is one core, ``compute`` runs when its
    value is asked for.
    """

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute: Callable[[], Any] | None = compute
        self._pid = 0
        if not can_fork() or (os.cpu_count() or 1) < 2:
            return  # computed when asked for
        self._pid, self._data, self._error = _forked_producer(
            lambda output: pickle.dump(compute(), output, protocol=pickle.HIGHEST_PROTOCOL)
        )
        self._compute = None

    def get(self) -> Any:
        """The value, or the error computing it raised."""
        if self._compute is not None:
            return self._compute()
        try:
            data = _read_all(self._data)
            error = _read_all(self._error)
        finally:
            self._end()
        if error:
            raise pickle.loads(error)  # our own child's data
        return pickle.loads(data)  # our own child's data

    def _end(self) -> None:
        if self._pid:
            os.close(self._data)
            os.close(self._error)
            _stop(self._pid)
            self._pid = 0

    def __exit__(self, *exc_info: object) -> None:
        self._end()
