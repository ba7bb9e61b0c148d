"""The ego and project views read only around their entity (``graphkit.analysis.neighbourhood``)
and are the same networks as the parts of the whole knowledge network they stand for: the same
nodes with the same attributes (their projects included, which come from links outside the part),
the same edges, in the same order, on the local store and on real SPARQL servers; and the command
draws them without reading the whole network."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graphkit.analysis import neighbourhood, network
from graphkit.analysis.names import entity_id
from graphkit.cli import main
from graphkit.errors import ViewError
from graphkit.knowledge_graph import KnowledgeGraph
from graphkit.sparql import backends
from graphkit.sparql.remote import Endpoint, push_graph
from graphkit.views.visualise import projects_of, select_view
from tests.helpers import dataset_stores

DATASETS = ("bundled", "mini", "chains", "synthetic")
# Centres per dataset besides the most linked node of each type, at random; small ones: every node.
CENTRES = 10
# Projects per dataset besides the most linked one, at random.
PROJECTS = 8
# The table queries that read the whole knowledge network.
WHOLE_QUERIES = ("knowledge-nodes", "knowledge-themes", "knowledge-links", "knowledge-edges")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ox.Store]:
    """The local store of each dataset (:func:`tests.helpers.dataset_stores`)."""
    return dataset_stores(tmp_path_factory, 600, 5)


@pytest.fixture(scope="module")
def wholes(stores: dict[str, ox.Store]) -> dict[str, nx.MultiDiGraph]:
    return {name: network.knowledge_graph(store) for name, store in stores.items()}


def part(whole: nx.MultiDiGraph, nodes: set[str]) -> nx.MultiDiGraph:
    """The part of ``whole`` on ``nodes``, its nodes and edges in ``whole``'s order."""
    found = nx.MultiDiGraph()
    found.add_nodes_from((n, whole.nodes[n]) for n in whole if n in nodes)
    found.add_edges_from(
        (u, v, k, d) for u, v, k, d in whole.edges(keys=True, data=True) if {u, v} <= nodes
    )
    return found


def ego(whole: nx.MultiDiGraph, center: str, depth: int) -> nx.MultiDiGraph:
    return part(whole, set(nx.ego_graph(whole, center, radius=depth, undirected=True)))


def project_part(whole: nx.MultiDiGraph, project: str, depth: int) -> nx.MultiDiGraph:
    near = set(nx.ego_graph(whole, project, radius=depth, undirected=True))
    members = {n for n, attrs in whole.nodes(data=True) if project in projects_of(attrs)}
    return part(whole, near | members)


def assert_same(left: nx.MultiDiGraph, right: nx.MultiDiGraph) -> None:
    assert list(left.nodes(data=True)) == list(right.nodes(data=True))
    assert list(left.edges(keys=True, data=True)) == list(right.edges(keys=True, data=True))


def centres(whole: nx.MultiDiGraph, count: int = CENTRES) -> list[str]:
    """The most linked nodes of each type, and others at random with a fixed seed."""
    nodes = sorted(whole)
    if len(nodes) <= count:
        return nodes
    by_type: dict[str, str] = {}
    for node in sorted(nodes, key=lambda n: -whole.degree(n)):
        by_type.setdefault(whole.nodes[node]["type"], node)
    rest = sorted(set(nodes) - set(by_type.values()))
    return sorted(by_type.values()) + random.Random(11).sample(rest, min(count, len(rest)))


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_ego_network_is_the_whole_networks_neighbourhood(
    stores: dict[str, ox.Store], wholes: dict[str, nx.MultiDiGraph], dataset: str
) -> None:
    whole = wholes[dataset]
    for center in centres(whole):
        for depth in (0, 1, 2):
            found = neighbourhood.ego_network(stores[dataset], center, depth)
            assert_same(found, ego(whole, center, depth))


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_project_network_is_the_project_its_members_and_its_neighbourhood(
    stores: dict[str, ox.Store], wholes: dict[str, nx.MultiDiGraph], dataset: str
) -> None:
    whole = wholes[dataset]
    projects = sorted(n for n, attrs in whole.nodes(data=True) if attrs["type"] == "Project")
    assert projects
    if len(projects) > PROJECTS:  # the most linked, and others at random
        busiest = max(projects, key=whole.degree)
        projects = [busiest, *random.Random(5).sample(sorted(set(projects) - {busiest}), PROJECTS)]
    members_beyond_reach = 0
    for project in projects:
        for depth in (0, 1, 2):
            expected = project_part(whole, project, depth)
            assert_same(neighbourhood.project_network(stores[dataset], project, depth), expected)
        near = set(nx.ego_graph(whole, project, radius=1, undirected=True))
        members_beyond_reach += len(set(project_part(whole, project, 1)) - near)
    # Members two or three links away (through a membership, an event, a transfer) are found.
    assert members_beyond_reach or dataset in ("mini", "chains")


def test_reading_a_few_entities_at_a_time_gives_the_same_networks(
    stores: dict[str, ox.Store], wholes: dict[str, nx.MultiDiGraph], monkeypatch
) -> None:
    """The entities are listed in queries of at most ``AMONG_CHUNK``; a neighbourhood of
    hundreds of nodes is read in several."""
    monkeypatch.setattr(backends, "AMONG_CHUNK", 7)
    real, listed = backends.select_result, []

    def counted(graph, name, *args, among=None, **kwargs):
        listed.extend(len(terms) for terms in (among or {}).values())
        return real(graph, name, *args, among=among, **kwargs)

    monkeypatch.setattr(backends, "select_result", counted)
    whole = wholes["bundled"]
    for center in centres(whole, 6):
        assert_same(neighbourhood.ego_network(stores["bundled"], center, 2), ego(whole, center, 2))
    assert max(listed) == 7 and len(listed) > 100  # many queries, none listing more than 7


def test_an_entity_that_is_no_node_of_the_network_is_refused(stores: dict[str, ox.Store]) -> None:
    store = stores["bundled"]
    query = "SELECT ?c WHERE { ?c a <https://w3id.org/graphkit/ontology#Citation> } LIMIT 1"
    citation = entity_id(next(iter(store.query(query)))[0].value)
    with pytest.raises(neighbourhood.NotInNetworkError):
        neighbourhood.ego_network(store, citation, 1)
    with pytest.raises(neighbourhood.NotInNetworkError):
        neighbourhood.ego_network(store, "no-such-entity", 1)


@pytest.mark.parametrize("view", ["ego", "project"])
def test_the_views_read_only_around_their_entity(
    stores: dict[str, ox.Store], wholes: dict[str, nx.MultiDiGraph], monkeypatch, view: str
) -> None:
    """No query of the whole knowledge network runs, and the view is the part it stands for."""
    store, whole = stores["synthetic"], wholes["synthetic"]
    real = backends.select_result

    def narrow_only(graph, name, *args, **kwargs):
        assert name not in WHOLE_QUERIES, f"the view read {name}"
        return real(graph, name, *args, **kwargs)

    monkeypatch.setattr(network, "select_result", narrow_only)
    monkeypatch.setattr(backends, "select_result", narrow_only)
    if view == "ego":
        center = max(whole, key=whole.degree)
        found, expected = select_view(store, "ego", center=center, depth=2), ego(whole, center, 2)
    else:
        project = max((n for n in whole if whole.nodes[n]["type"] == "Project"), key=whole.degree)
        found = select_view(store, "project", project=project)
        expected = project_part(whole, project, 1)
    assert_same(found, expected)
    assert found.number_of_nodes() > 20


def test_the_view_of_an_entity_that_is_no_node_says_so(stores: dict[str, ox.Store]) -> None:
    # A source document has a name, but sources are not nodes of the knowledge network.
    with pytest.raises(ViewError, match="is not an entity of the knowledge graph's network"):
        select_view(stores["bundled"], "ego", center="doc-ec-brussels-2015")


def test_the_cli_draws_an_ego_view_without_reading_the_whole_graph(
    tmp_path: Path, wholes: dict[str, nx.MultiDiGraph], monkeypatch
) -> None:
    expected = ego(wholes["bundled"], "budapest", 1)  # the bundled data, as the CLI reads it

    def never(*_args, **_kwargs):
        raise AssertionError("the whole graph or network was read for the view")

    monkeypatch.setattr(KnowledgeGraph, "graph", never)
    monkeypatch.setattr(network, "knowledge_graph", never)
    out = tmp_path / "budapest.html"
    result = CliRunner().invoke(
        main,
        [
            *("visualise", "--store", str(tmp_path / "store"), "--view", "ego"),
            *("--center", "Budapest", "--depth", "1", "--out", str(out)),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    size = f"{expected.number_of_nodes()} nodes, {expected.number_of_edges()} edges"
    assert f"Within 1 link(s) of Budapest: {size}" in result.output
    assert out.is_file()


@pytest.mark.parametrize("dataset", ["bundled", "synthetic"])
def test_the_server_gives_the_networks_of_the_local_store(
    sparql_server, stores: dict[str, ox.Store], wholes: dict[str, nx.MultiDiGraph], dataset: str
) -> None:
    graph = f"https://example.org/graphkit-tests/neighbourhood/{dataset}"
    report = push_graph(stores[dataset], sparql_server.store_url, graph=graph, replace=True)
    assert report.verified, report.message()
    endpoint = Endpoint(sparql_server.query_url, graph=graph)
    whole = wholes[dataset]
    for center in centres(whole, 4):
        assert_same(neighbourhood.ego_network(endpoint, center, 2), ego(whole, center, 2))
    project = sorted(n for n in whole if whole.nodes[n]["type"] == "Project")[0]
    assert_same(
        neighbourhood.project_network(endpoint, project, 1), project_part(whole, project, 1)
    )
