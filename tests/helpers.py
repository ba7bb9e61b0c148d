"""Small helpers shared by tests."""

from __future__ import annotations

from pathlib import Path


def replace_in(path: Path, old: str, new: str, *, count: int = 1) -> None:
    """Edit a fixture file in place; fail loudly if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
