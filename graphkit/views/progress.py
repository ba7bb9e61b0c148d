"""A progress indicator for the terminal: silent for quick work, a spinner with the time spent
for work that takes longer than :data:`AFTER` seconds.

It writes only to standard error, only when that is a terminal, and never with ``--quiet``, so
piped output and logs stay clean. It runs on a timer signal (``SIGALRM``) rather than a thread:
a thread would keep graphkit from running a query in a forked child that can be killed at its
timeout. While the engine works in Rust the spinner may pause; it catches up afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

# Seconds of work before the indicator shows (GRAPHKIT_PROGRESS_AFTER sets another, e.g. for a
# demonstration or a test).
AFTER = 2.0
FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
INTERVAL = 0.2


def _after() -> float:
    try:
        return max(0.0, float(os.environ.get("GRAPHKIT_PROGRESS_AFTER", AFTER)))
    except ValueError:
        return AFTER


@contextlib.contextmanager
def working(what: str, *, quiet: bool = False, stream: TextIO | None = None) -> Iterator[None]:
    """Show ``what`` with a spinner and the seconds spent, on standard error, while the block
    runs longer than :data:`AFTER` seconds; the line is cleared when it ends.

    Nothing is shown with ``quiet``, when the stream is not a terminal, or where the platform
    has no interval timer.
    """
    stream = stream if stream is not None else sys.stderr
    if quiet or not _is_terminal(stream) or not hasattr(signal, "setitimer"):
        yield
        return
    started = time.monotonic()
    shown = [False]

    def draw(_signum: int, _frame: Any) -> None:
        elapsed = time.monotonic() - started
        frame = FRAMES[int(elapsed / INTERVAL) % len(FRAMES)]
        with contextlib.suppress(OSError, ValueError):
            stream.write(f"\r{frame} {what} … {elapsed:.0f} s\x1b[K")
            stream.flush()
        shown[0] = True

    try:
        previous = signal.signal(signal.SIGALRM, draw)
    except ValueError:  # not the main thread: no indicator
        yield
        return
    signal.siginterrupt(signal.SIGALRM, False)  # system calls resume after a frame is drawn
    signal.setitimer(signal.ITIMER_REAL, max(_after(), 0.001), INTERVAL)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if shown[0]:
            with contextlib.suppress(OSError, ValueError):
                stream.write("\r\x1b[K")
                stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
