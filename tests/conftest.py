"""Shared fixtures: the small TESTNET dataset and copies of it that tests may break."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
MINI_DIR = TESTS_DIR / "data" / "mini"
REPO_DIR = TESTS_DIR.parent


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the tests' graph stores out of the user's cache folder."""
    cache = tmp_path_factory.mktemp("graphkit-cache")
    previous = os.environ.get("GRAPHKIT_CACHE")
    os.environ["GRAPHKIT_CACHE"] = str(cache)
    yield cache
    if previous is None:
        os.environ.pop("GRAPHKIT_CACHE", None)
    else:
        os.environ["GRAPHKIT_CACHE"] = previous


@pytest.fixture
def mini_dir() -> Path:
    """The small, valid TESTNET dataset folder (read-only: copy it before changing it)."""
    return MINI_DIR


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the TESTNET dataset folder."""
    target = tmp_path / "mini"
    shutil.copytree(MINI_DIR, target)
    return target


@pytest.fixture(scope="session")
def bundled_dataset():
    """The bundled datasets, loaded and checked once per test session."""
    from graphkit.data.load import load_datasets

    return load_datasets()


@pytest.fixture(scope="session")
def bundled_graph(bundled_dataset):
    """The knowledge graph built from the bundled datasets, once per test session."""
    from graphkit.graph.build import build_graph

    return build_graph(bundled_dataset)


@pytest.fixture(scope="session")
def mini_graph():
    """The knowledge graph of the TESTNET dataset alone."""
    from graphkit.data.load import load_datasets
    from graphkit.graph.build import build_graph

    return build_graph(load_datasets([MINI_DIR]))


CHAINS_DIR = TESTS_DIR / "data" / "chains"


@pytest.fixture(scope="session")
def chains_graph():
    """The CHAINS dataset alone: known transfer chains, connections and communities
    (see tests/data/chains/README.md for the answers derived by hand)."""
    from graphkit.data.load import load_datasets
    from graphkit.graph.build import build_graph

    return build_graph(load_datasets([CHAINS_DIR]))


@pytest.fixture
def cli_uses_bundled_graph(monkeypatch, bundled_graph):
    """CLI commands get the session's bundled graph instead of building it again (speed only:
    one test per command still builds it the real way)."""
    from graphkit.knowledge_graph import KnowledgeGraph

    monkeypatch.setattr(KnowledgeGraph, "graph", lambda self, *_args: bundled_graph)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Oxigraph server on 127.0.0.1 (its /query and /store endpoints), empty at the
    start of the session. The binary comes with the test extra (a declared dependency), so a
    missing one fails the tests that need it instead of skipping them."""
    from tests.oxigraph_server import oxigraph_binary, running_oxigraph

    if oxigraph_binary() is None:
        pytest.fail("the Oxigraph server binary is missing: pip install -e '.[test]' installs it")
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="session")
def jena_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Apache Jena server on 127.0.0.1 (Fuseki where Maven has fetched it, else Debian's
    Jena; see tests/jena_server.py), its dataset empty at the start of the session."""
    from tests.jena_server import running_jena

    with running_jena(tmp_path_factory.mktemp("jena")) as server:
        yield server


def _jena_param():
    from tests.helpers import needs_tool
    from tests.jena_server import JENA_MISSING, jena_available

    # Slow: a JVM, and ARQ takes seconds over some of graphkit's CONSTRUCT queries.
    return pytest.param(
        "jena",
        marks=[needs_tool(available=jena_available(), reason=JENA_MISSING), pytest.mark.slow],
    )


@pytest.fixture(scope="session", params=["oxigraph", _jena_param()])
def sparql_server(request: pytest.FixtureRequest):
    """Each SPARQL server graphkit is tested against, in turn: the Oxigraph server, then Jena.
    Both offer ``query_url`` (SPARQL 1.1 Protocol), ``store_url`` (Graph Store Protocol) and
    ``base_url``."""
    return request.getfixturevalue(f"{request.param}_server")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``needs_tool`` whose tool is missing is skipped, or fails where
    GRAPHKIT_REQUIRE_TOOLS=1 (CI installs the tools, so a skip there would hide a gap)."""
    from tests.helpers import REQUIRE_TOOLS

    for mark in item.iter_markers("needs_tool"):
        if mark.kwargs["available"]:
            continue
        reason = mark.kwargs["reason"]
        if os.environ.get(REQUIRE_TOOLS) == "1":
            pytest.fail(f"{REQUIRE_TOOLS}=1 and a system tool is missing: {reason}", pytrace=False)
        pytest.skip(reason)
