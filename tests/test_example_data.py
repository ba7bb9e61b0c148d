"""datasets/examples/valmora: a researcher's own folder that builds together with the bundled data.

The README and datasets/README.md point researchers to it as the model of their own data.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV

from graphkit.cli import main
from graphkit.data.lint import lint_folder
from graphkit.data.load import quote_occurs
from graphkit.data.schema import TABLES
from graphkit.graph.namespaces import GK, GKR
from tests.conftest import REPO_DIR

EXAMPLE = REPO_DIR / "datasets" / "examples" / "valmora"
REPORT = EXAMPLE / "sources" / "valmora-welcome-house-report.txt"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Graph stores built by these commands go to a temporary folder."""
    monkeypatch.setenv("GRAPHKIT_CACHE", str(tmp_path / "cache"))


def example_rows() -> list[tuple[str, dict[str, str]]]:
    rows = []
    for table in TABLES.values():
        path = EXAMPLE / table.file_name
        if path.exists() and table.cited:
            with path.open(encoding="utf-8") as handle:
                rows += [(table.file_name, row) for row in csv.DictReader(handle)]
    return rows


def test_every_example_row_quotes_the_example_report_verbatim():
    report = REPORT.read_text(encoding="utf-8")
    rows = example_rows()
    assert len(rows) >= 10
    for file_name, row in rows:
        assert row["source"] == REPORT.name, f"{file_name} {row['id']}"
        assert quote_occurs(row["quote"], report), f"{file_name} {row['id']}: {row['quote']!r}"


def test_example_report_says_it_is_fictional():
    assert "A fictional example" in REPORT.read_text(encoding="utf-8")


def test_example_files_are_canonical():
    assert lint_folder(EXAMPLE) == []


def test_build_with_the_example_adds_the_transfer_from_vienna_to_valmora(tmp_path: Path):
    out = tmp_path / "kg.ttl"
    result = CliRunner().invoke(main, ["build", "--data", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format="turtle")
    transfer = GKR["valmora-vienna-integrationshaus-to-valmora"]
    assert (transfer, GK.originCity, GKR["vienna"]) in graph
    assert (transfer, GK.targetCity, GKR["valmora"]) in graph
    assert (transfer, GK.transferredPractice, GKR["vienna-integrationshaus"]) in graph
    assert (transfer, GK.resultingPractice, GKR["valmora-welcome-house"]) in graph
    citation = graph.value(transfer, PROV.wasDerivedFrom)
    quote = graph.value(citation, GK.quote)
    assert isinstance(quote, Literal) and quote_occurs(str(quote), REPORT.read_text("utf-8"))
    assert (GKR["valmora"], DCTERMS.source, GKR["doc-valmora-report"]) in graph
    # The bundled transfers are still there.
    assert (
        GKR["mistra-vienna-integrationshaus-to-taranto"],
        GK.targetCity,
        GKR["taranto"],
    ) in graph


def test_transfers_to_valmora_are_found_by_name_with_the_example_folder():
    result = CliRunner().invoke(main, ["transfers", "--data", str(EXAMPLE), "--to", "valmora"])
    assert result.exit_code == 0, result.output
    assert "Integrationshaus: Vienna → Valmora, 2016" in result.output
    assert "Valmora Welcome House" in result.output


def test_example_alone_names_each_reference_to_bundled_data_and_writes_nothing(tmp_path: Path):
    out = tmp_path / "kg.ttl"
    result = CliRunner().invoke(
        main, ["build", "--no-bundled", "--data", str(EXAMPLE), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "cities.csv:2:country: [dangling-reference]" in result.output
    assert "(value='slovakia')" in result.output
    assert "transfers.csv:2:practice: [dangling-reference]" in result.output
    assert "(value='vienna-integrationshaus')" in result.output
    assert "nothing was written" in result.output
    assert not out.exists()


def test_bundled_data_alone_does_not_read_the_examples(bundled_dataset):
    assert "valmora" not in set(bundled_dataset.tables["cities"]["id"])
