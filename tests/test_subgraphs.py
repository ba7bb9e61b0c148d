"""Every analysis answers the same on the subgraph it fetches as on the whole graph.

Commands never read the whole graph store: each fetches the part its analysis reads with a
CONSTRUCT query of ``graphkit/queries/subgraphs/`` (:func:`graphkit.sparql.backends.subgraph`). Here
each analysis runs, with its options, on that subgraph and on the whole graph of five datasets
(the bundled data, the TESTNET and CHAINS fixtures, the Valmora example next to the bundled
data, and a synthetic programme database), and the answers must be the same: tables, networks
(node and edge order and attributes), routes, explanations, views, exported files and errors.
Paths read rows, not a subgraph: read from the tables kept beside the store they must be the
same as on the whole graph.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

import graphkit
from benchmarks.synth import generate
from graphkit.analysis import names, network, transfers
from graphkit.analysis.explain import explain
from graphkit.analysis.names import entity_id, resolve_name
from graphkit.analysis.transfers import (
    cascades,
    short_name,
    transfer_paths,
    transfers_table,
    transfers_text,
)
from graphkit.graph.namespaces import GK, GKR
from graphkit.graph.store import open_store
from graphkit.graph.terms import to_rdflib
from graphkit.locations import DATASETS_DIR
from graphkit.sparql.backends import SUBGRAPHS_DIR, Backend, subgraph, subgraph_names
from graphkit.sparql.checked import check_query
from graphkit.views.export import NETWORK_FORMATS, export_files
from graphkit.views.visualise import render_html, select_view
from tests.conftest import CHAINS_DIR, MINI_DIR

DATASETS = ("bundled", "mini", "chains", "valmora", "synthetic")
SYNTHETIC_ROWS, SYNTHETIC_SEED = 1500, 7
ACTOR_KINDS = ("actors", "cities", "organisations")
# The subgraphs each network kind needs (export and visualise); see the .rq headers.
NETWORK_SUBGRAPHS = {
    "transfers": ("transfers", "transfer-network"),
    "actors": ("actors",),
    "cities": ("actors",),
    "organisations": ("actors",),
}


class Data:
    """One dataset: its store, its whole graph, its subgraphs and memoised analyses."""

    def __init__(self, name: str, folders: list[Path], store_dir: Path) -> None:
        self.name, self.folders, self.store_dir = name, folders, store_dir
        self._memo: dict[Any, Any] = {}

    @functools.cached_property
    def store(self) -> ox.Store:
        # The default store folder is in the session's private cache (conftest.py), so the
        # CLI tests reuse these stores.
        return open_store(self.folders)

    @functools.cached_property
    def kept(self) -> Backend:
        """The store as commands open it: with the tables it keeps beside it when it is built
        (in a folder of its own, so that it is built here with them)."""
        return graphkit.open(self.folders, bundled=False, store=self.store_dir).backend

    @functools.cached_property
    def full(self) -> Graph:
        return to_rdflib(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def sub(self, *queries: str, **bindings: URIRef) -> Graph:
        """The union of the subgraphs the named queries fetch from the store."""
        key = (queries, tuple(sorted(bindings.items())))
        if key not in self._memo:
            graph, *more = (subgraph(self.store, q, bindings or None) for q in queries)
            for other in more:
                graph += other
            self._memo[key] = graph
        return self._memo[key]

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key (analyses of the whole graph are the slow part)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def transfer_network(self) -> nx.MultiDiGraph:
        return self.memo("transfer network", lambda: network.transfer_graph(self.full))


def once_per_graph(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function(graph, ...)``, computed once per rdflib graph (and other arguments)."""
    results: dict[tuple, tuple[Graph, int, Any]] = {}

    @functools.wraps(function)
    def wrapper(graph: Graph, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(graph, Graph):  # a store or endpoint: nothing to save
            return function(graph, *args, **kwargs)
        key = (id(graph), repr(args), repr(sorted(kwargs.items())))
        cached = results.get(key)
        if cached is None or cached[0] is not graph or cached[1] != len(graph):
            cached = results[key] = (graph, len(graph), function(graph, *args, **kwargs))
        return cached[2]

    return wrapper


KNOWLEDGE_GRAPH = once_per_graph(network.knowledge_graph)
NAME_INDEX = once_per_graph(names.name_index)


@pytest.fixture(autouse=True)
def analyses_start_from_one_index_per_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every analysis starts from the knowledge graph and the name index of its graph, and
    the whole graphs are analysed many times here: build each once (speed only: both are
    functions of the graph that no analysis changes)."""
    monkeypatch.setattr(network, "knowledge_graph", KNOWLEDGE_GRAPH)
    monkeypatch.setattr(names, "name_index", NAME_INDEX)
    monkeypatch.setattr(transfers, "name_index", NAME_INDEX)


@pytest.fixture(scope="session")
def all_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Data]:
    """The five datasets, each built into a store once per session, when first used."""
    root = tmp_path_factory.mktemp("subgraphs")
    synthetic = root / "synthetic"
    generate(SYNTHETIC_ROWS, SYNTHETIC_SEED, synthetic)
    folders = {
        "bundled": [DATASETS_DIR],
        "mini": [MINI_DIR],
        "chains": [CHAINS_DIR],
        "valmora": [DATASETS_DIR, DATASETS_DIR / "examples" / "valmora"],
        "synthetic": [synthetic],
    }
    return {name: Data(name, paths, root / f"{name}-store") for name, paths in folders.items()}


@pytest.fixture(params=DATASETS)
def data(request: pytest.FixtureRequest, all_data: dict[str, Data]) -> Data:
    return all_data[request.param]


def outcome(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What a user sees: the answer, or the error's class and message."""
    try:
        return function(*args, **kwargs)
    except (LookupError, ValueError, ArithmeticError) as exc:
        return (type(exc).__name__, str(exc))


def assert_same(left: Any, right: Any) -> None:
    """Tables, networks, routes and errors compare as a user would see them."""
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_frame_equal(left, right)
    elif isinstance(left, nx.Graph):
        assert_same_network(left, right)
    else:
        assert left == right


def assert_same_network(left: nx.Graph, right: nx.Graph) -> None:
    """Same class, graph attributes, nodes and edges with their attributes, in the same order
    (measures such as Louvain communities depend on the order)."""
    assert type(left) is type(right)
    assert left.graph == right.graph
    assert list(left.nodes(data=True)) == list(right.nodes(data=True))
    if left.is_multigraph():
        assert list(left.edges(keys=True, data=True)) == list(right.edges(keys=True, data=True))
    else:
        assert list(left.edges(data=True)) == list(right.edges(data=True))


# --- the queries --------------------------------------------------------------------------


@pytest.mark.parametrize("name", subgraph_names())
def test_every_subgraph_query_is_a_checked_construct_that_says_what_uses_it(name: str) -> None:
    text = (SUBGRAPHS_DIR / f"{name}.rq").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# subgraph: ") and len(lines[0]) > len("# subgraph: ")
    assert lines[1].startswith("# used by: ") and len(lines[1]) > len("# used by: ")
    assert check_query(text).form == "CONSTRUCT"


def test_there_is_a_subgraph_query_for_each_analysis_and_names() -> None:
    assert set(subgraph_names()) == {
        "names",
        "transfers",
        "transfer-network",
        "actors",
        "explain",
        "everything",
    }


# Shares of the synthetic programme database (about 22,000 triples) that each subgraph may
# fetch; measured: transfers 12%, transfer-network 7%, actors 26%, explain well under 1%. At
# 1M triples the shares are about the same.
LARGEST_SHARE = {
    "transfers": 0.2,
    "transfer-network": 0.12,
    "actors": 0.35,
}


@pytest.mark.parametrize("name", sorted(LARGEST_SHARE))
def test_a_subgraph_is_a_small_part_of_a_programme_database(
    name: str, all_data: dict[str, Data]
) -> None:
    data = all_data["synthetic"]
    assert 0 < len(data.sub(name)) < LARGEST_SHARE[name] * len(data.full)


def test_explaining_one_entity_fetches_under_one_percent_of_a_programme_database(
    all_data: dict[str, Data],
) -> None:
    data = all_data["synthetic"]
    city = min(data.full.subjects(RDF.type, GK.City))
    assert 0 < len(data.sub("explain", entity=city)) < 0.01 * len(data.full)


def test_everything_is_the_whole_graph(all_data: dict[str, Data]) -> None:
    data = all_data["chains"]
    assert set(data.sub("everything")) == set(data.full)


# --- practice transfers -------------------------------------------------------------------


def transfer_filters(data: Data) -> list[dict[str, Any]]:
    """Filters a researcher would try, named from the dataset: the cities, practice and project
    of its transfers, its broadest theme, the middle of its years, and some combinations."""
    tg = data.transfer_network()
    full = data.full
    edges = [(u, v, facts) for u, v, facts in tg.edges(data=True)]
    u, _, first = edges[0]
    named = next(((u2, v2) for u2, v2, _ in edges if tg.nodes[v2]["type"] == "City"), None)
    parents = sorted(
        {o for o in full.objects(None, GK.partOf) if (o, RDF.type, GK.Project) in full}
    )
    project = entity_id(parents[0]) if parents else first["project_id"]
    broad = sorted({o for o in full.objects(None, SKOS.broader) if (o, RDF.type, GK.Theme) in full})
    practice_themes = sorted(full.objects(GKR[first["practice_id"]], GK.theme))
    theme = (broad or practice_themes or [None])[0]
    years = sorted(f["year"] for *_, f in edges if f["year"] is not None)
    middle = years[len(years) // 2] if years else 2015
    single: dict[str, Any] = {
        "origin": tg.nodes[u]["label"],
        "practice": first["practice"],
        "since": middle,
        "until": middle,
    }
    if named:
        single["target"] = tg.nodes[named[1]]["label"].upper()
    if project:
        single["project"] = short_name(full, project)
    if theme is not None:
        single["theme"] = network.label_of(full, theme)
    combined = [
        {"origin": single["origin"], "since": middle},
        {k: single[k] for k in ("theme", "project", "until") if k in single},
    ]
    # Cities by their other names ("Wien", an old spelling), wherever the data has them.
    other_names = []
    for prop in names.NAME_PROPERTIES[2:]:
        cities = sorted(c for c in full.subjects(prop) if (c, RDF.type, GK.City) in full)
        other_names += [{"origin": str(full.value(c, prop))} for c in cities[:1]]
    return [{}, *({k: v} for k, v in single.items()), *combined, *other_names]


def test_transfers_table_with_each_filter_is_the_same_on_the_transfers_subgraph(
    data: Data,
) -> None:
    tables = 0
    for filters in transfer_filters(data):
        expected = outcome(transfers_table, data.full, **filters)
        assert_same(outcome(transfers_table, data.sub("transfers"), **filters), expected)
        tables += isinstance(expected, pd.DataFrame) and not expected.empty
    assert tables >= 5  # the filters find transfers, so the comparison means something


def test_unknown_names_fail_with_the_same_closest_matches_on_the_transfers_subgraph(
    data: Data,
) -> None:
    tg = data.transfer_network()
    city = next(iter(tg.nodes(data="label")))[1]
    near_miss = city[:-1] + "x"
    for filters in (
        {"origin": near_miss},
        {"target": "Atlantis"},
        {"project": "Atlantis"},
        {"practice": next(iter(tg.edges(data="practice")))[2][1:]},
        {"theme": "Atlantis"},
    ):
        expected = outcome(transfers_table, data.full, **filters)
        assert expected[0] == "UnknownNameError"
        assert outcome(transfers_table, data.sub("transfers"), **filters) == expected


def test_a_city_without_transfers_gives_an_empty_table_on_the_transfers_subgraph(
    data: Data,
) -> None:
    tg = data.transfer_network()
    candidates = set(data.full.objects(None, GK.candidateTarget))
    quiet = sorted(
        c
        for c in data.full.subjects(RDF.type, GK.City)
        if entity_id(c) not in tg and c not in candidates
    )
    if not quiet:
        pytest.skip("every city of this dataset takes part in a transfer")
    for filters in ({"origin": entity_id(quiet[0])}, {"target": entity_id(quiet[-1])}):
        table = transfers_table(data.sub("transfers"), **filters)
        assert table.empty
        assert_same(table, transfers_table(data.full, **filters))


def test_transfers_text_and_cascades_are_the_same_on_the_transfers_subgraph(data: Data) -> None:
    table = transfers_table(data.sub("transfers"))
    expected = data.memo("table", lambda: transfers_table(data.full))
    assert transfers_text(table, width=90) == transfers_text(expected, width=90)
    assert_same(cascades(data.sub("transfers")), cascades(data.full))


# --- networks, their measures and exports -------------------------------------------------


@pytest.mark.parametrize("kind", ["transfers", *ACTOR_KINDS])
def test_each_network_is_the_same_on_its_subgraphs(data: Data, kind: str) -> None:
    expected = data.memo(("projection", kind), lambda: network.projection(data.full, kind))
    assert_same(network.projection(data.sub(*NETWORK_SUBGRAPHS[kind]), kind), expected)


def measures(g: nx.Graph) -> list[Any]:
    """Every network command's answer on a projection (or the error it stops with)."""
    return [
        outcome(network.summary, g),
        outcome(lambda: network.centrality(g).table),
        outcome(lambda: network.brokers(g).table),
        outcome(lambda: network.communities(g).table),
        outcome(lambda: network.communities(g).modularity),
    ]


@pytest.mark.parametrize("dataset", ["bundled", "mini", "chains"])
@pytest.mark.parametrize("kind", ["transfers", *ACTOR_KINDS])
def test_network_measures_are_the_same_on_the_subgraph_the_command_fetches(
    all_data: dict[str, Data], dataset: str, kind: str
) -> None:
    # Measures are functions of the networks, compared on every dataset above. The transfers
    # network's measures need only transfers.rq: they read labels and types, never the nodes'
    # projects.
    data = all_data[dataset]
    fetched = data.sub("transfers") if kind == "transfers" else data.sub("actors")
    expected = data.memo(("projection", kind), lambda: network.projection(data.full, kind))
    for mine, theirs in zip(
        measures(network.projection(fetched, kind)), measures(expected), strict=True
    ):
        assert_same(mine, theirs)


@pytest.mark.parametrize("dataset", ["bundled", "mini", "chains"])
@pytest.mark.parametrize("kind", ["transfers", *ACTOR_KINDS])
def test_exported_networks_are_byte_for_byte_the_same_from_their_subgraphs(
    all_data: dict[str, Data], dataset: str, kind: str, tmp_path: Path
) -> None:
    # Exports are files of the networks, compared on every dataset above.
    data = all_data[dataset]
    for fmt in NETWORK_FORMATS:
        out = tmp_path / f"{kind}.{fmt}"
        fetched = export_files(data.sub(*NETWORK_SUBGRAPHS[kind]), fmt, kind, out)
        assert fetched == export_files(data.full, fmt, kind, out)


# --- visualise ----------------------------------------------------------------------------


def view_options(data: Data, view: str) -> list[dict[str, Any]]:
    """The project of the transfer filters; their theme, with their year for transfers (other
    views carry no years: that is an error). No filter gives the network itself (tested above)."""
    single = {k: v for f in transfer_filters(data) if len(f) == 1 for k, v in f.items()}
    narrowed = ("theme", "since") if view == "transfers" else ("theme",)
    return [
        {k: single[k] for k in ("project",) if k in single},
        {k: single[k] for k in narrowed if k in single},
    ]


@pytest.mark.parametrize("view", ["transfers", *ACTOR_KINDS])
def test_visualise_views_are_the_same_on_their_subgraphs(data: Data, view: str) -> None:
    fetched = data.sub(*NETWORK_SUBGRAPHS[view])
    for options in view_options(data, view):
        expected = outcome(select_view, data.full, view, **options)
        assert_same(outcome(select_view, fetched, view, **options), expected)


def test_the_transfers_page_is_the_same_from_its_subgraphs(all_data: dict[str, Data]) -> None:
    data = all_data["chains"]
    fetched = data.sub(*NETWORK_SUBGRAPHS["transfers"])
    assert render_html(select_view(fetched, "transfers")) == render_html(
        select_view(data.full, "transfers")
    )


# --- paths ----------------------------------------------------------------------------------


def city_pairs(data: Data) -> list[tuple[str, str]]:
    """A transfer's two cities both ways, two cities sharing a project, and random pairs."""
    tg = data.transfer_network()
    cities = sorted(entity_id(c) for c in data.full.subjects(RDF.type, GK.City))
    pairs = [(u, v) for u, v in tg.edges() if tg.nodes[v]["type"] == "City"][:1]
    pairs += [(v, u) for u, v in pairs]
    shared = data.memo(("projection", "cities"), lambda: network.city_network(data.full))
    pairs += list(shared.edges())[:1]
    chance = random.Random(1)
    pairs += [tuple(chance.sample(cities, 2)) for _ in range(2)]
    return pairs


# Paths read rows (queries/tables/), or the tables kept beside the persistent store: both the same.
def test_paths_between_cities_are_the_same_from_the_tables_kept_beside_the_store(
    data: Data,
) -> None:
    for origin, target in city_pairs(data):
        expected = transfer_paths(data.full, origin, target)
        found = transfer_paths(data.kept, origin, target)
        assert found == expected
        assert found.text() == expected.text()
        assert_same(found.frame(), expected.frame())


# The network measures (no details) read the participation table kept beside the store.
@pytest.mark.parametrize("kind", ACTOR_KINDS)
def test_networks_without_details_are_the_same_from_the_tables_kept_beside_the_store(
    data: Data, kind: str
) -> None:
    expected = network.projection(data.full, kind, details=False)
    asked = network.projection(data.store, kind, details=False)
    found = network.projection(data.kept, kind, details=False)
    assert data.kept.kept_records("participation") is not None  # read, not asked
    assert found.number_of_nodes() > 0
    for graph in (asked, found):
        assert list(graph.nodes(data=True)) == list(expected.nodes(data=True))
        assert list(graph.edges(data=True)) == list(expected.edges(data=True))
        assert [list(graph[n]) for n in graph] == [list(expected[n]) for n in expected]


@pytest.mark.parametrize(
    ("origin", "target", "kind"),
    [
        ("Ávila", "Cork", "transfers"),
        ("Ávila", "Dresden", "transfers"),
        ("Cork", "Ávila", "connections"),
        ("Faro", "Dresden", "connections"),
        ("Gijón", "Ávila", "none"),
    ],
)
def test_chains_paths_of_every_kind_are_the_same_from_the_tables_kept_beside_the_store(
    all_data: dict[str, Data], origin: str, target: str, kind: str
) -> None:
    # The answers derived by hand in tests/data/chains/README.md.
    data = all_data["chains"]
    found = transfer_paths(data.kept, origin, target)
    assert found.kind == kind
    assert found == transfer_paths(data.full, origin, target)


def test_paths_name_errors_are_the_same_from_the_tables_kept_beside_the_store(
    data: Data,
) -> None:
    city = next(iter(data.transfer_network().nodes(data="label")))[1]
    for origin, target in ((city, "Atlantis"), (city[:-1] + "x", city), (city, city)):
        expected = outcome(transfer_paths, data.full, origin, target)
        assert isinstance(expected, tuple)
        assert outcome(transfer_paths, data.kept, origin, target) == expected


# --- explain --------------------------------------------------------------------------------


# Classes whose explanation has a part of explain.rq of its own (n-ary nodes, unnamed city
# groups, sources with many rows citing them) or many incoming links (cities, themes).
EXPLAINED_CLASSES = {
    GK.City,
    GK.Theme,
    GK.Membership,
    GK.PracticeTransfer,
    GK.PolicyLink,
    GK.Quantity,
    GK.UnnamedCityGroup,
    GK.SourceDocument,
    GK.WebPage,
}


def explained_entities(data: Data) -> list[URIRef]:
    """The first entity (by id) of every class on the small and the bundled data, of
    :data:`EXPLAINED_CLASSES` on the larger ones (citations are never explained)."""
    every_class = data.name in ("bundled", "mini", "chains")
    first: dict[URIRef, URIRef] = {}
    for entity, cls in data.full.subject_objects(RDF.type):
        wanted = every_class or cls in EXPLAINED_CLASSES
        if wanted and str(entity).startswith(str(GKR)) and cls != GK.Citation:
            first[cls] = min(first.get(cls, entity), entity)
    return sorted(first.values())


def test_explain_alone_holds_everything_explain_shows_about_an_entity(data: Data) -> None:
    for entity in explained_entities(data):
        name = entity_id(entity)
        fetched = data.sub("explain", entity=entity)
        assert explain(fetched, name).as_dict() == explain(data.full, name).as_dict()


def test_explain_on_the_names_and_explain_subgraphs_is_the_same_as_the_cli_shows_it(
    data: Data,
) -> None:
    # As the CLI does it: resolve the name a user types on the names subgraph, fetch
    # explain.rq for the entity, explain on the union of both.
    tg = data.transfer_network()
    city, label = next(iter(tg.nodes(data="label")))
    name_graph = data.sub("names")
    found = resolve_name(name_graph, label.lower())
    assert entity_id(found) == city
    mine = explain(name_graph + data.sub("explain", entity=found), label.lower())
    assert mine.as_dict() == explain(data.full, label.lower()).as_dict()


def test_an_unknown_name_fails_the_same_on_the_names_subgraph(data: Data) -> None:
    label = network.label_of(data.full, explained_entities(data)[0])
    for name in ("Atlantis", label[:-1] + "x"):
        expected = outcome(resolve_name, data.full, name)
        assert expected[0] == "UnknownNameError"
        assert outcome(resolve_name, data.sub("names"), name) == expected
