"""Writing output files: whole or not at all, never over a special file, errors in one line."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.errors import OutputError
from graphkit.files import TEMP_MARK, write_atomic
from tests.conftest import MINI_DIR


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_a_fifo_as_out_is_refused_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run(
        "export", "--no-bundled", "--data", str(MINI_DIR), "--format", "ttl", "--out", str(fifo)
    )
    assert result.exit_code == 1
    assert f"Cannot write {fifo}: it is a FIFO, not a regular file" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "Traceback" not in result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_directory_as_out_is_refused_in_one_line(tmp_path: Path) -> None:
    result = run(
        "export", "--no-bundled", "--data", str(MINI_DIR), "--format", "ttl", "--out", str(tmp_path)
    )
    assert result.exit_code == 1
    assert f"Cannot write {tmp_path}: it is a directory" in result.output
    assert "Traceback" not in result.output


def test_a_character_device_is_never_replaced(tmp_path: Path) -> None:
    devnull = Path(os.devnull)
    with pytest.raises(OutputError, match="a character device"):
        write_atomic(devnull, "data")
    assert stat.S_ISCHR(devnull.stat().st_mode)


def test_an_empty_out_and_an_unwritable_folder_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="empty path"):
        write_atomic("", "data")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=f"Cannot write {blocker / 'out.ttl'}: "):
        write_atomic(blocker / "out.ttl", "data")
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_temporary_file_left_by_a_killed_run_is_removed_by_the_next_write(
    tmp_path: Path,
) -> None:
    target = tmp_path / "graph.ttl"
    stale = tmp_path / f".graph.ttl{TEMP_MARK}abc123.tmp"
    young = tmp_path / f".graph.ttl{TEMP_MARK}def456.tmp"
    stale.write_text("half a graph", encoding="utf-8")
    young.write_text("a write under way", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    write_atomic(target, "whole graph")
    assert not stale.exists()
    assert young.exists()  # may belong to a write still running
    assert target.read_text(encoding="utf-8") == "whole graph"


def test_a_full_disk_is_a_one_line_error_and_leaves_no_file(tmp_path: Path) -> None:
    """The file-size limit (ulimit -f) stands in for a full disk: the write fails part-way."""
    import resource
    import subprocess
    import sys

    args = [
        sys.executable,
        "-c",
        "from graphkit.cli import main; main()",
        "export",
        "--no-bundled",
        "--data",
        str(MINI_DIR),
        "--format",
        "ttl",
        "--out",
    ]
    # Build the store first, without the limit, so the limit hits the output file.
    subprocess.run([*args, str(tmp_path / "whole.ttl")], check=True, capture_output=True)
    size = (tmp_path / "whole.ttl").stat().st_size
    assert size > 16 * 1024

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (8 * 1024, resource.RLIM_INFINITY))

    out = tmp_path / "cut.ttl"
    done = subprocess.run(
        [*args, str(out)], capture_output=True, text=True, preexec_fn=limit, check=False
    )
    assert done.returncode == 1
    assert f"Error: Cannot write {out}: File too large" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["whole.ttl"]
