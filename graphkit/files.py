"""Writing files so that a failed run never leaves half a file behind, nor a special file replaced."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from graphkit.errors import OutputError

# Temporary files are named ".<name>.graphkit-<random>.tmp" beside their target; one left by a
# run that was killed is removed by the next write to the same target once it is this old.
TEMP_MARK = ".graphkit-"
STALE_SECONDS = 600

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _refuse_special(target: Path) -> None:
    """Refuse a target that exists and is not a regular file (a symlink counts as what it
    points to): replacing ``/dev/null`` or a FIFO with a regular file would break the system or
    the reader waiting on it."""
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"Cannot write {target}: {exc.strerror or exc}") from exc
    for test, kind in _KINDS:
        if test(mode):
            raise OutputError(
                f"Cannot write {target}: it is {kind}, not a regular file; "
                "name a file to write (for example --out graph.ttl)."
            )


def remove_stale_temporaries(target: Path, *, older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove the temporary files that interrupted writes of ``target`` left behind.

    Returns the files removed. Younger ones may belong to a write still under way and stay.
    """
    removed = []
    limit = time.time() - older_than
    for temp in target.parent.glob(f".{target.name}{TEMP_MARK}*.tmp"):
        try:
            if temp.is_file() and temp.stat().st_mtime < limit:
                temp.unlink()
                removed.append(temp)
        except OSError:
            continue
    return removed


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it.

    Readers see either the old file or the complete new one, never a partial write.

    Raises:
        OutputError: ``path`` is empty, names a directory, a device, a FIFO or a socket, or
            cannot be written (permission, missing or read-only folder, full disk, file too
            large): one line naming the path and the reason; the old file stays as it was.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    return write_atomic_with(path, lambda temp: temp.write(payload))


def write_atomic_with(path: Path | str, write: Callable[[BinaryIO], object]) -> Path:
    """:func:`write_atomic` for output too large to hold in memory: ``write`` gets the open
    temporary file (binary) and writes to it; the file replaces ``path`` only once ``write``
    has returned. Raises :class:`OutputError` as :func:`write_atomic` does; anything ``write``
    raises leaves ``path`` as it was.
    """
    if not str(path).strip():
        raise OutputError(
            "Cannot write to an empty path; name a file (for example --out graph.ttl)."
        )
    target = Path(path)
    _refuse_special(target)
    temp_name = ""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}{TEMP_MARK}", suffix=".tmp", dir=target.parent
        )
        # mkstemp makes the file private (0600); give it the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp_name, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as temp:
            write(temp)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, target)
    except OSError as exc:
        if temp_name:
            Path(temp_name).unlink(missing_ok=True)
        raise OutputError(f"Cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        if temp_name:
            Path(temp_name).unlink(missing_ok=True)
        raise
    return target
