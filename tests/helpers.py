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


CHROMIUM = Path("/usr/bin/chromium")
# How the browser tests start Debian's Chromium: headless, as root, and with no background
# traffic (this machine has no network; Chromium would otherwise try to reach Google's hosts).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def needs_chromium():
    """The mark of a test that drives Debian's Chromium (see :func:`needs_tool`)."""
    return needs_tool(
        CHROMIUM.exists(), "needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
    )


def chromium_context(folder: Path, **options):
    """A headless Chromium with a fresh profile in ``folder`` (a generator for a fixture to
    ``yield from``); ``options`` go to Playwright's ``launch_persistent_context`` (viewport,
    accept_downloads, ...)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(folder), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, **options
        )
        yield context
        context.close()


def dataset_stores(tmp_path_factory, synthetic_rows: int, seed: int) -> dict:
    """A local store of each test dataset: the bundled data alone, TESTNET and CHAINS alone,
    and the bundled data with ``synthetic_rows`` rows of ``benchmarks/synth.py`` (``seed``),
    as the benchmark builds it."""
    from benchmarks.synth import generate
    from graphkit.graph.store import open_store
    from graphkit.locations import DATASETS_DIR
    from tests.conftest import CHAINS_DIR, MINI_DIR

    synthetic = tmp_path_factory.mktemp("synthetic")
    generate(synthetic_rows, seed, synthetic)
    folders = {
        "bundled": [DATASETS_DIR],
        "mini": [MINI_DIR],
        "chains": [CHAINS_DIR],
        "synthetic": [DATASETS_DIR, synthetic],
    }
    return {
        name: open_store(found, store_dir=tmp_path_factory.mktemp(f"store-{name}"))
        for name, found in folders.items()
    }
