"""``graphkit.open()``: one handle whose answers do not depend on where the graph lives.

The same code runs on the persistent store of the bundled data and on a real SPARQL server
(Oxigraph on 127.0.0.1) that the graph was pushed to, and the CLI prints what the handle returns.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

import graphkit as gk
from graphkit.cli import main
from graphkit.errors import GraphkitError
from graphkit.locations import DATASETS_DIR
from tests.conftest import MINI_DIR

GRAPH = "https://example.org/graphkit-tests/handle"


def ask_everything(kg: gk.KnowledgeGraph) -> dict[str, object]:
    """The questions a researcher asks, in the same code whatever ``kg`` reads from."""
    return {
        "transfers": kg.transfers(),
        "from wien": kg.transfers(origin="Wien"),
        "paths": kg.paths("Wien", "Taranto").frame(),
        "cascades": kg.cascades(),
        "centrality": kg.centrality("transfers").table,
        "communities": kg.communities("organisations").table,
        "summary": kg.summary("cities"),
        "explain": kg.explain("Taranto").facts,
        "query": kg.query("transfers-into-city", {"city": "Taranto"}).frame(),
        "ask": kg.backend.ask("ASK { gkr:taranto a gk:City }"),
    }


def assert_same_answers(got: dict[str, object], expected: dict[str, object]) -> None:
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(got[name], value, obj=name)
        else:
            assert got[name] == value, name


def test_the_one_liner_of_the_readme_counts_the_bundled_transfers() -> None:
    code = "import graphkit as gk; kg = gk.open(); print(len(kg.transfers()))"
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    rows = len(pd.read_csv(DATASETS_DIR / "transfers.csv", dtype=str))
    assert printed.strip() == str(rows)


@pytest.mark.slow
def test_the_same_code_gives_the_same_answers_from_an_endpoint(oxigraph_server, tmp_path) -> None:
    local = gk.open(store=tmp_path / "store")
    pushed = CliRunner().invoke(
        main,
        [
            *("push", "--endpoint", oxigraph_server.store_url, "--graph", GRAPH, "--replace"),
            *("--store", str(tmp_path / "store")),
        ],
    )
    assert pushed.exit_code == 0, pushed.output
    remote = gk.open(endpoint=oxigraph_server.query_url, endpoint_graph=GRAPH)
    assert "SPARQL endpoint" in remote.backend.description
    assert_same_answers(ask_everything(remote), ask_everything(local))


def test_the_cli_prints_what_the_handle_returns(tmp_path) -> None:
    from graphkit.views.output import render_frame

    kg = gk.open(MINI_DIR, bundled=False, store=tmp_path / "store")
    printed = (
        CliRunner()
        .invoke(
            main,
            ["transfers", "--no-bundled", "--data", str(MINI_DIR), "--format", "csv"],
        )
        .stdout
    )
    assert printed == render_frame(kg.transfers(), "csv") + "\n"


def test_an_rdflib_graph_in_hand_answers_like_the_store(mini_graph, tmp_path) -> None:
    in_memory = gk.open(graph=mini_graph)
    stored = gk.open(MINI_DIR, bundled=False, store=tmp_path / "store")
    pd.testing.assert_frame_equal(in_memory.transfers(), stored.transfers())
    assert in_memory.stats().triples == stored.stats().triples


@pytest.mark.parametrize(
    "options",
    [
        {"bundled": False},
        {"endpoint": "http://localhost:1/query", "data": "x"},
        {"endpoint_graph": "https://example.org/g"},
    ],
)
def test_contradicting_options_are_refused(options) -> None:
    with pytest.raises(GraphkitError):
        gk.open(**options)
