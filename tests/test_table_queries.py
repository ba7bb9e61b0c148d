"""The table queries the networks read (``graphkit/queries/tables/``) give exactly the same rows,
as multisets, from the local store and from real SPARQL servers (the Oxigraph server and Apache
Jena, on 127.0.0.1), over the bundled data, the test datasets and synthetic data; and the
queries written for Jena's planner answer what their plain formulation
(``tests/data/plain-queries/``) answers.

Speed is the benchmark's business (``benchmarks/run.py --endpoints jena``); these tests check
that the rows are right.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable

import pyoxigraph as ox
import pytest

from graphkit.graph.iris import GKR_IRI, RDFS_LABEL
from graphkit.locations import QUERIES_DIR
from graphkit.sparql.backends import Queryable, select_result
from graphkit.sparql.remote import Endpoint, push_graph
from tests.conftest import TESTS_DIR
from tests.helpers import dataset_stores

# The projections of network --graph cities|organisations|actors and of export --graph knowledge...
NETWORK_QUERIES = (
    "actor-links",
    "actor-pairs",
    "project-links",
    "network-nodes",
    "network-themes",
    "network-labels",
    "knowledge-nodes",
    "knowledge-themes",
    "knowledge-links",
    "knowledge-edges",
    "knowledge-link-properties",
    "property-labels",
    # ... and of network --graph transfers, visualise --view transfers.
    "transfer-network-links",
)
PLAIN_DIR = TESTS_DIR / "data" / "plain-queries"
PLAIN_QUERIES = sorted(path.stem for path in PLAIN_DIR.glob("*.rq"))
# Small enough for Jena in a test, large enough for every kind of link the generator writes.
SYNTHETIC_ROWS = 1500
SYNTHETIC_SEED = 7
DATASETS = ("bundled", "mini", "chains", "synthetic")

Rows = Counter[tuple[str | None, ...]]


def multiset(rows: Iterable[Iterable[object]]) -> Rows:
    """Rows as a multiset, each term in its N-Triples form (``None`` for unbound), so that a value
    spelled two ways, or a row given twice, is a difference."""
    return Counter(tuple(None if term is None else str(term) for term in row) for row in rows)


def table_rows(graph: Queryable, name: str) -> Rows:
    return multiset(select_result(graph, name).terms)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ox.Store]:
    """The local store of each dataset (:func:`tests.helpers.dataset_stores`)."""
    return dataset_stores(tmp_path_factory, SYNTHETIC_ROWS, SYNTHETIC_SEED)


def graph_iri(dataset: str) -> str:
    return f"https://example.org/graphkit-tests/tables/{dataset}"


@pytest.fixture(scope="module")
def endpoints(sparql_server, stores: dict[str, ox.Store]) -> dict[str, Endpoint]:
    """Each dataset pushed into its own named graph of the server."""
    found = {}
    for dataset, store in stores.items():
        report = push_graph(store, sparql_server.store_url, graph=graph_iri(dataset), replace=True)
        assert report.verified, report.message()
        found[dataset] = Endpoint(sparql_server.query_url, graph=graph_iri(dataset))
    return found


def test_the_datasets_give_rows_to_compare(stores: dict[str, ox.Store]) -> None:
    # Empty answers would make the comparisons below vacuous. (CHAINS has no themes.)
    for dataset, store in stores.items():
        names = NETWORK_QUERIES if dataset in ("bundled", "synthetic") else PLAIN_QUERIES
        for name in names:
            assert table_rows(store, name), f"{name} gives no rows on the {dataset} data"


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("name", NETWORK_QUERIES)
def test_the_server_gives_the_rows_of_the_local_store(
    endpoints: dict[str, Endpoint], stores: dict[str, ox.Store], dataset: str, name: str
) -> None:
    local = table_rows(stores[dataset], name)
    remote = table_rows(endpoints[dataset], name)
    assert remote == local, (
        f"{name} on the {dataset} data: only on the server {sorted(remote - local)[:5]}, "
        f"only locally {sorted(local - remote)[:5]}"
    )


def test_each_rewritten_query_has_its_plain_formulation() -> None:
    assert PLAIN_QUERIES, f"no plain formulations in {PLAIN_DIR}"
    tables = QUERIES_DIR / "tables"
    for name in PLAIN_QUERIES:
        assert name in NETWORK_QUERIES, name
        assert (PLAIN_DIR / f"{name}.rq").read_text() != (tables / f"{name}.rq").read_text()


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("name", PLAIN_QUERIES)
def test_a_rewritten_query_answers_what_its_plain_formulation_answers(
    stores: dict[str, ox.Store], dataset: str, name: str
) -> None:
    store = stores[dataset]
    plain = multiset(store.query((PLAIN_DIR / f"{name}.rq").read_text(encoding="utf-8")))
    assert plain
    assert table_rows(store, name) == plain


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_pairs_the_measures_read_are_the_pairs_of_the_actor_links(
    stores: dict[str, ox.Store], dataset: str
) -> None:
    links = {row[:2] for row in table_rows(stores[dataset], "actor-links")}
    pairs = table_rows(stores[dataset], "actor-pairs")
    assert set(pairs) == links and set(pairs.values()) == {1}  # each pair once


# --- queries narrowed to some entities (the ego and project views) ---------------------------

# Each narrowed query, the query whose rows it gives, and the columns that must hold one of the
# listed entities (any of them) for a row of that query to be among its rows.
NARROWED_QUERIES = {
    "knowledge-nodes-among": ("knowledge-nodes", (0,)),
    "knowledge-themes-among": ("knowledge-themes", (0,)),
    "knowledge-neighbours": ("knowledge-links", (0, 2)),
}
# Entities listed per dataset: as many as the views list in one query.
LISTED = 500


def listed_entities(store: ox.Store, seed: int = 3) -> list[ox.NamedNode]:
    """Up to :data:`LISTED` subjects of links of ``store``, chosen at random with a fixed seed:
    data entities, and citations (about half of them), which are no nodes of the network."""
    found = sorted({str(row[0]) for row in table_rows(store, "knowledge-links")})
    chosen = random.Random(seed).sample(found, min(LISTED, len(found)))
    return [ox.NamedNode(iri.strip("<>")) for iri in chosen]


def narrowed_rows(graph: Queryable, name: str, entities: list[ox.NamedNode]) -> Rows:
    among = {var: entities for var in ("s", "o")} if name == "knowledge-neighbours" else None
    rows = select_result(graph, name, among=among or {"entity": entities}).terms
    return multiset(rows)


def rows_of(rows: Rows, entities: list[ox.NamedNode], columns: tuple[int, ...]) -> Rows:
    """The rows that hold one of ``entities`` in one of ``columns``."""
    listed = {str(entity) for entity in entities}
    return Counter({row: n for row, n in rows.items() if any(row[c] in listed for c in columns)})


def link_properties(store: ox.Store) -> list[ox.NamedNode]:
    """The properties of the links between entities, and an IRI that is no property."""
    found = sorted({row[1] for row in table_rows(store, "knowledge-links")})
    return [ox.NamedNode(p.strip("<>")) for p in found] + [ox.NamedNode(GKR_IRI + "nothing")]


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_labels_of_the_links_properties_are_their_labels_in_the_graph(
    stores: dict[str, ox.Store], dataset: str
) -> None:
    store = stores[dataset]
    properties = link_properties(store)
    found = multiset(select_result(store, "property-labels", among={"property": properties}).terms)
    labels = multiset(store.query(f"SELECT ?p ?label WHERE {{ ?p <{RDFS_LABEL}> ?label }}"))
    assert found == rows_of(labels, properties, (0,))
    assert len(found) >= 3


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_server_gives_the_labels_of_the_links_properties_of_the_local_store(
    endpoints: dict[str, Endpoint], stores: dict[str, ox.Store], dataset: str
) -> None:
    among = {"property": link_properties(stores[dataset])}
    local = multiset(select_result(stores[dataset], "property-labels", among=among).terms)
    assert (
        multiset(select_result(endpoints[dataset], "property-labels", among=among).terms) == local
    )


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("name", NARROWED_QUERIES)
def test_a_narrowed_query_gives_the_rows_of_its_whole_query_about_the_listed_entities(
    stores: dict[str, ox.Store], dataset: str, name: str
) -> None:
    store = stores[dataset]
    whole, columns = NARROWED_QUERIES[name]
    entities = listed_entities(store)
    expected = rows_of(table_rows(store, whole), entities, columns)
    found = narrowed_rows(store, name, entities)
    if name == "knowledge-neighbours":  # a link between two listed entities comes both ways
        found = Counter(set(found))
    assert found == expected
    assert found or dataset == "chains"  # CHAINS has no themes


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_narrowed_classes_are_the_classes_of_the_nodes_rows(
    stores: dict[str, ox.Store], dataset: str
) -> None:
    store = stores[dataset]
    entities = listed_entities(store)
    nodes = rows_of(table_rows(store, "knowledge-nodes"), entities, (0,))
    found = narrowed_rows(store, "knowledge-classes-among", entities)
    assert set(found.values()) == {1}  # one row per entity and class
    assert set(found) == {row[:2] for row in nodes}
    assert found


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("name", [*NARROWED_QUERIES, "knowledge-classes-among"])
def test_the_server_gives_the_narrowed_rows_of_the_local_store(
    endpoints: dict[str, Endpoint], stores: dict[str, ox.Store], dataset: str, name: str
) -> None:
    entities = listed_entities(stores[dataset])
    local = narrowed_rows(stores[dataset], name, entities)
    assert narrowed_rows(endpoints[dataset], name, entities) == local
