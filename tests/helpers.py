"""Small helpers shared by tests."""

from __future__ import annotations

from pathlib import Path


def replace_in(path: Path, old: str, new: str, *, count: int = 1) -> None:
    """Edit a fixture file in place; fail loudly if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def bundled_csv(name: str):
    """A bundled dataset file as a table of text cells, read directly (not through graphkit),
    so that tests derive what they expect from the curated data, not from graphkit's output."""
    import pandas as pd

    from graphkit.locations import DATASETS_DIR

    return pd.read_csv(DATASETS_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def city_names(ids) -> list[str]:
    """The English names of these city ids, in the same order."""
    names = dict(zip(*bundled_csv("cities")[["id", "name"]].T.values, strict=True))
    return [names[i.strip()] for i in ids]


REQUIRE_TOOLS = "GRAPHKIT_REQUIRE_TOOLS"


def needs_tool(available: bool, reason: str):
    """A pytest mark for tests that need a system tool (Chromium, Java, R, ...).

    Where the tool is missing the test is skipped with ``reason``, so the README's test command
    passes on a fresh machine; CI's ``.ci/run`` installs the tools and sets
    ``GRAPHKIT_REQUIRE_TOOLS=1``, which turns such a skip into a failure naming the reason, so CI
    always runs them (``tests/conftest.py`` reads the mark).
    """
    import pytest

    return pytest.mark.needs_tool(available=available, reason=reason)
