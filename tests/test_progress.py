"""The progress indicator: a spinner with the time spent on stderr for work over 2 s, only on a
terminal, never with --quiet, cleared when the work ends."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

from graphkit.views.progress import working

GRAPHKIT = str(Path(sys.executable).with_name("graphkit"))
MINI_DIR = Path(__file__).resolve().parent / "data" / "mini"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_spinner_shows_after_the_delay_with_the_time_spent_and_is_cleared(monkeypatch):
    monkeypatch.setenv("GRAPHKIT_PROGRESS_AFTER", "0.1")
    terminal = _Terminal()
    with working("Counting", stream=terminal):
        time.sleep(0.6)
    written = terminal.getvalue()
    assert "Counting … 0 s" in written
    assert written.count("\r") >= 3  # several frames, then the clearing
    assert written.endswith("\r\x1b[K")


def test_quick_work_shows_nothing():
    terminal = _Terminal()
    with working("Counting", stream=terminal):
        time.sleep(0.05)
    assert terminal.getvalue() == ""


def test_nothing_is_shown_when_quiet_or_not_a_terminal(monkeypatch):
    monkeypatch.setenv("GRAPHKIT_PROGRESS_AFTER", "0")
    quiet, piped = _Terminal(), io.StringIO()
    with working("Counting", stream=quiet, quiet=True):
        time.sleep(0.3)
    with working("Counting", stream=piped):
        time.sleep(0.3)
    assert quiet.getvalue() == "" and piped.getvalue() == ""


def _stats_on_a_terminal(*options: str) -> tuple[str, str]:
    """``graphkit [options] stats`` with stderr on a pseudo-terminal; (stdout, stderr)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "GRAPHKIT_PROGRESS_AFTER": "0"}
    command = [GRAPHKIT, *options, "stats", "--no-bundled", "--data", str(MINI_DIR)]
    done = subprocess.run(
        command, stdout=subprocess.PIPE, stderr=follower, env=env, timeout=300, check=True
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once everything is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return done.stdout.decode(), b"".join(chunks).decode(errors="replace")


def test_a_command_shows_its_spinner_on_the_terminal_and_not_in_its_output():
    stdout, stderr = _stats_on_a_terminal()
    assert "Counting …" in stderr
    assert stderr.rstrip("\r\n").endswith("\x1b[K")
    assert "Counting" not in stdout and "\x1b" not in stdout
    assert "Per class:" in stdout


def test_quiet_silences_the_spinner():
    _stdout, stderr = _stats_on_a_terminal("--quiet")
    assert "Counting" not in stderr
