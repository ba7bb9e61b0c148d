"""``graphkit stats`` has the store count: the same tables as counting the graph in Python,
without ever loading the graph (expected counts from the CSV files)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import graphkit
from benchmarks.synth import generate
from graphkit import cli
from graphkit.analysis.stats import counted_stats, graph_stats
from graphkit.data.schema import TABLES
from graphkit.knowledge_graph import KnowledgeGraph


def test_the_stores_counts_are_the_counts_of_the_graph(bundled_graph) -> None:
    counted = counted_stats(graphkit.open().backend)
    exact = graph_stats(bundled_graph)
    assert counted.triples == exact.triples
    for name, table in exact.sections().items():
        assert len(table) > 3, name
        pd.testing.assert_frame_equal(counted.sections()[name], table, check_dtype=False)


@pytest.mark.slow
def test_stats_by_class_of_10k_synthetic_rows_is_counted_by_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "synth"
    written = generate(10_000, 3, data)
    assert sum(written.values()) >= 9_000

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("stats loaded the graph instead of asking the store to count")

    monkeypatch.setattr(KnowledgeGraph, "graph", no_loading)
    args = ["stats", "--by", "class", "--format", "csv", "--no-bundled", "--data", str(data)]
    result = CliRunner().invoke(cli.main, [*args, "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    counts = pd.read_csv(io.StringIO(result.stdout), index_col="class")["count"]
    for table in TABLES.values():
        rows = len(pd.read_csv(data / table.file_name, dtype=str))
        if table.rdf_class in ("City", "Project", "PracticeTransfer", "Membership", "Event"):
            assert counts[f"gk:{table.rdf_class}"] == rows, table.name
