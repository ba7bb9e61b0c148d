"""SHACL validation accepts the real graph and maps violations back to CSV cells."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

from graphkit.analysis.validate import validate_graph
from graphkit.data.load import load_datasets
from graphkit.graph.build import build_graph, node
from graphkit.graph.namespaces import GK


def test_bundled_graph_conforms(bundled_graph: Graph, bundled_dataset) -> None:
    report = validate_graph(bundled_graph, bundled_dataset)
    assert report.conforms, report.text()


def test_mini_graph_conforms(mini_dir: Path) -> None:
    dataset = load_datasets([mini_dir])
    assert validate_graph(build_graph(dataset), dataset).conforms


def test_violation_names_the_csv_cell_behind_it(mini_dir: Path) -> None:
    dataset = load_datasets([mini_dir])
    graph = build_graph(dataset)
    # A graph edited after the build: a city that lost its label and a transfer given both a
    # named and an unnamed target.
    graph.remove((node("taranto"), RDFS.label, None))
    graph.add((node("testnet-kosice-housing-to-unnamed"), GK.targetCity, node("vienna")))
    report = validate_graph(graph, dataset)
    assert not report.conforms
    cells = {(Path(v.file).name, v.line, v.column) for v in report.violations}
    assert ("cities.csv", 3, "name") in cells
    assert any(Path(v.file).name == "transfers.csv" and v.line == 2 for v in report.violations)
    assert "cities.csv:3:name" in report.text()


def test_wrong_type_of_referenced_node_is_a_violation(mini_dir: Path) -> None:
    dataset = load_datasets([mini_dir])
    graph = build_graph(dataset)
    graph.remove((node("vienna"), RDF.type, GK.City))
    graph.add((node("vienna"), RDF.type, GK.Organisation))
    graph.add((node("vienna"), GK.organisationType, Literal("not a concept")))
    report = validate_graph(graph, dataset)
    assert not report.conforms
    assert any(
        v.focus == "gkr:testnet-vienna-to-taranto" and v.path == "gk:originCity"
        for v in report.violations
    ), report.text()
