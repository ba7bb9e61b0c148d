"""The transfer network read as rows is the network graphkit drew from an rdflib graph.

:func:`graphkit.analysis.network.transfer_graph` reads SELECT rows on the store, an endpoint or
an rdflib graph. :func:`rdflib_transfer_graph` below is how it was built before, walking the
whole knowledge network of an rdflib graph with ``graph.value`` calls: the reference. On the
bundled data, every dataset of ``tests/data/`` and a synthetic programme database, both give the
same networkx graph: nodes and edges with their keys and attributes, in the same order (layouts,
Louvain communities and exported files depend on it).
"""

from __future__ import annotations

import functools
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

import graphkit
from benchmarks.synth import generate
from graphkit.analysis.names import entity_id
from graphkit.analysis.network import (
    concept_label,
    knowledge_graph,
    label_of,
    transfer_graph,
    year_of,
)
from graphkit.graph.namespaces import GK
from graphkit.graph.terms import to_rdflib
from graphkit.locations import DATASETS_DIR
from graphkit.sparql.backends import subgraph
from tests.conftest import TESTS_DIR

SYNTHETIC_ROWS, SYNTHETIC_SEED = 3000, 7


def _ref(graph: Graph, term: URIRef | None) -> tuple[str, str]:
    return ("", "") if term is None else (label_of(graph, term), entity_id(term))


def _rdflib_transfer_facts(graph: Graph, transfer: URIRef) -> dict:
    practice, practice_id = _ref(graph, graph.value(transfer, GK.transferredPractice))
    resulting, resulting_id = _ref(graph, graph.value(transfer, GK.resultingPractice))
    event = graph.value(transfer, GK.viaEvent)
    project = graph.value(transfer, GK.viaProject)
    if project is None and event is not None:
        project = graph.value(event, GK.project)
    project_label, project_id = _ref(graph, project)
    event_label, event_id = _ref(graph, event)
    status = graph.value(transfer, GK.status)
    year = year_of(graph.value(transfer, GK.startDate))
    if year is None and event is not None:
        year = year_of(graph.value(event, GK.startDate))
    return {
        "transfer": entity_id(transfer),
        "label": practice,
        "practice": practice,
        "practice_id": practice_id,
        "resulting_practice": resulting,
        "resulting_practice_id": resulting_id,
        "project": project_label,
        "project_id": project_id,
        "event": event_label,
        "event_id": event_id,
        "mechanism": ", ".join(
            sorted(concept_label(graph, m) for m in graph.objects(transfer, GK.mechanism))
        ),
        "year": year,
        "status": "" if status is None else concept_label(graph, status),
        "outcome": str(graph.value(transfer, GK.outcome) or ""),
        "candidates": sorted(
            label_of(graph, c) for c in graph.objects(transfer, GK.candidateTarget)
        ),
    }


def rdflib_transfer_graph(graph: Graph) -> nx.MultiDiGraph:
    """The transfer network as graphkit built it from an rdflib graph (the reference)."""
    kg = knowledge_graph(graph)
    g = nx.MultiDiGraph()

    def copy_node(node: str, **extra: object) -> None:
        g.add_node(node, **{**kg.nodes[node], **extra})

    for transfer_id, attrs in kg.nodes(data=True):
        if attrs["type"] != "PracticeTransfer":
            continue
        transfer = URIRef(attrs["iri"])
        origin = graph.value(transfer, GK.originCity)
        target = graph.value(transfer, GK.targetCity) or graph.value(transfer, GK.targetGroup)
        facts = _rdflib_transfer_facts(graph, transfer)
        copy_node(entity_id(origin))
        if (target, RDF.type, GK.UnnamedCityGroup) in graph:
            count = graph.value(target, GK.cityCount)
            copy_node(
                entity_id(target),
                count=int(count) if count is not None else 0,
                candidates=facts["candidates"],
            )
        else:
            copy_node(entity_id(target))
        g.add_edge(
            entity_id(origin),
            entity_id(target),
            key=transfer_id,
            type="PracticeTransfer",
            **facts,
            source=attrs["source"],
            quote=attrs["quote"],
        )
    return g


def assert_same_network(found: nx.MultiDiGraph, expected: nx.MultiDiGraph) -> None:
    """Same nodes and edges, keys and attributes (values and their types), in the same order."""
    assert type(found) is type(expected)
    assert list(found.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(found.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))
    for (_, found_attrs), (_, expected_attrs) in zip(
        found.nodes(data=True), expected.nodes(data=True), strict=True
    ):
        assert list(found_attrs) == list(expected_attrs)
        assert [type(v) for v in found_attrs.values()] == [type(v) for v in expected_attrs.values()]
    for *_, found_attrs in found.edges(keys=True, data=True):
        assert list(found_attrs) == list(next(iter(expected.edges(data=True)))[2])
    for (*_, found_attrs), (*_, expected_attrs) in zip(
        found.edges(keys=True, data=True), expected.edges(keys=True, data=True), strict=True
    ):
        assert [type(v) for v in found_attrs.values()] == [type(v) for v in expected_attrs.values()]


@functools.cache
def _synthetic_folder(root: Path) -> Path:
    folder = root / "synthetic"
    generate(SYNTHETIC_ROWS, SYNTHETIC_SEED, folder)
    return folder


DATASETS = {
    "bundled": lambda root: [DATASETS_DIR],
    "mini": lambda root: [TESTS_DIR / "data" / "mini"],
    "chains": lambda root: [TESTS_DIR / "data" / "chains"],
    "valmora": lambda root: [DATASETS_DIR, DATASETS_DIR / "examples" / "valmora"],
    "synthetic": lambda root: [_synthetic_folder(root)],
}


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory):
    """Each dataset opened on a store of its own (with the tables kept beside it), once."""
    root = tmp_path_factory.mktemp("transfer-network")
    found: dict[str, graphkit.KnowledgeGraph] = {}

    def open_dataset(name: str) -> graphkit.KnowledgeGraph:
        if name not in found:
            folders = DATASETS[name](root)
            found[name] = graphkit.open(folders, bundled=False, store=root / f"{name}-store")
        return found[name]

    return open_dataset


@pytest.mark.slow
@pytest.mark.parametrize("name", list(DATASETS))
def test_the_transfer_network_read_as_rows_is_the_one_walked_in_rdflib(opened, name: str) -> None:
    kg = opened(name)
    store = kg.store
    whole = to_rdflib(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    expected = rdflib_transfer_graph(whole)
    assert expected.number_of_edges() > 0
    assert_same_network(transfer_graph(kg.backend), expected)  # the store
    assert_same_network(transfer_graph(whole), expected)  # an rdflib graph
    assert_same_network(graphkit.open(graph=whole).network("transfers"), expected)
    # The subgraphs pictures and exports of the transfer network used to fetch hold it whole.
    fetched = subgraph(store, "transfers") + subgraph(store, "transfer-network")
    assert_same_network(rdflib_transfer_graph(fetched), expected)


def test_an_unnamed_group_of_receiving_cities_keeps_its_count_and_candidates(opened) -> None:
    import pandas as pd

    rows = pd.read_csv(DATASETS_DIR / "transfers.csv", dtype=str, keep_default_na=False)
    unnamed = rows[(rows["target_city"] == "") & (rows["target_count"] != "")]
    assert len(unnamed) > 0
    network = transfer_graph(opened("bundled").backend)
    for _, row in unnamed.iterrows():
        group = f"{row['id']}/targets"
        attrs = network.nodes[group]
        assert attrs["type"] == "UnnamedCityGroup"
        assert attrs["count"] == int(row["target_count"])
        candidates = [c for c in row["target_candidates"].split(";") if c.strip()]
        assert len(attrs["candidates"]) == len(candidates)
        assert list(network.predecessors(group)) == [row["origin_city"]]


@pytest.mark.parametrize(
    "filters",
    [{}, {"project": "MiStra"}, {"theme": "housing"}, {"theme": "housing", "since": 2015}],
)
def test_the_transfers_view_of_the_store_is_the_page_of_the_rdflib_graph(opened, filters) -> None:
    from graphkit.views.visualise import render_html, select_view

    kg = opened("bundled")
    whole = to_rdflib(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    expected = select_view(whole, "transfers", **filters)
    found = select_view(kg.backend, "transfers", **filters)
    assert expected.number_of_edges() > 0
    assert found.graph == expected.graph
    assert list(found.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))
    assert render_html(found) == render_html(expected)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bundled", "chains", "synthetic"])
def test_the_measures_read_the_transfer_network_without_details_and_answer_the_same(
    opened, name: str
) -> None:
    import pandas as pd

    from graphkit.analysis.network import brokers, centrality, communities, summary

    backend = opened(name).backend
    whole, bare = transfer_graph(backend), transfer_graph(backend, details=False)
    assert list(bare.nodes) == list(whole.nodes) and len(bare) > 0
    assert list(bare.edges(keys=True)) == list(whole.edges(keys=True))
    assert all(set(attrs) == {"label", "type"} for _, attrs in bare.nodes(data=True))
    pd.testing.assert_frame_equal(summary(bare), summary(whole))
    pd.testing.assert_frame_equal(centrality(bare).table, centrality(whole).table)
    pd.testing.assert_frame_equal(brokers(bare).table, brokers(whole).table)
    pd.testing.assert_frame_equal(communities(bare).table, communities(whole).table)
    assert communities(bare).modularity == communities(whole).modularity
