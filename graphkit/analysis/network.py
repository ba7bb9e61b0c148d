"""The knowledge graph as networkx graphs, and the network measures researchers ask for.

Projections from the RDF graph (each node keyed by its dataset id, with ``label``, ``type``,
``iri``, ``source``, ``quote``, ``themes`` and ``projects`` attributes). The knowledge graph, the
transfer network and the actor networks are read with SELECT queries (``graphkit/queries/tables/``)
on a store or endpoint, so only the columns they need cross into Python.

- :func:`knowledge_graph`: every data entity and every link between two of them;
  :func:`knowledge_rows` gives the same network as compact rows, to write it out in bounded
  memory;
- :func:`transfer_graph`: cities, one directed edge per practice transfer;
- :func:`actor_graph`: cities, organisations and people with the projects and events they took
  part in (bipartite), and its one-mode projections :func:`city_network` and
  :func:`organisation_network`.

Measures on any of them return DataFrames: :func:`summary`, :func:`centrality`,
:func:`brokers` and :func:`communities`. Anything random runs with a fixed seed.
"""

from __future__ import annotations

import array
import functools
import random
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import networkx as nx
import numpy as np
import pandas as pd
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from graphkit.analysis.louvain import louvain
from graphkit.analysis.names import entity_id, local_name
from graphkit.analysis.transfers import kept_participation
from graphkit.data.load import fold
from graphkit.graph.namespaces import GK, GKR
from graphkit.graph.terms import term_value
from graphkit.sparql.backends import (
    Backend,
    Queryable,
    as_backend,
    select_among,
    select_result,
)
from graphkit.sparql.results import QueryResult
from graphkit.sparql.timeouts import Meanwhile

if TYPE_CHECKING:
    from collections.abc import Iterator

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse

SEED = 42
# Above this many nodes betweenness is estimated from a sample of source nodes (``exact=False``).
SAMPLE_THRESHOLD = 1000
SAMPLE_SIZE = 200
# Up to this many nodes the diameter is exact (a BFS from every node); above, a double sweep.
EXACT_DIAMETER_NODES = 2000
DIGITS = 6
PAGERANK_DAMPING = 0.85
PAGERANK_MAX_ITERATIONS = 1000

SOURCE_CLASSES = frozenset({"Source", "SourceDocument", "WebPage"})
# Nodes that describe one entity rather than link entities: a row's citation, a city's
# GeoNames population figure. They stay attributes, not nodes of the network.
DESCRIPTION_CLASSES = frozenset({"Citation", "PopulationFigure"})
# Nodes through which an entity takes part in a project: a membership, an event, a transfer.
HUB_CLASSES = frozenset({"Membership", "Event", "PracticeTransfer"})


def label_of(graph: Graph, term: URIRef) -> str:
    """The ``rdfs:label`` of ``term``, or its id (data) or local name (terms)."""
    label = graph.value(term, RDFS.label)
    if label is not None:
        return str(label)
    return entity_id(term) if str(term).startswith(str(GKR)) else local_name(term)


def concept_label(graph: Graph, term: URIRef) -> str:
    """The label of an enumeration concept (``gkv:mechanism/study_visit`` -> "study visit")."""
    label = graph.value(term, SKOS.prefLabel)
    return str(label) if label is not None else local_name(term).replace("_", " ")


def year_of(value: Literal | str | None) -> int | None:
    """The year of an ``xsd:gYear``/``gYearMonth``/``date`` literal (or its text), or None."""
    if value is None:
        return None
    text = str(value)
    return int(text[:4]) if text[:4].isdigit() else None


def source_locator(graph: Graph, entity: URIRef) -> str:
    """The locator (file name or URL) of the source of ``entity``'s row, or ""."""
    source = graph.value(entity, DCTERMS.source)
    if source is None:
        return ""
    return str(graph.value(source, DCTERMS.identifier) or entity_id(source))


def quote_of(graph: Graph, entity: URIRef) -> str:
    """The verbatim quote that supports ``entity``'s row, or ""."""
    citation = graph.value(entity, PROV.wasDerivedFrom)
    return "" if citation is None else str(graph.value(citation, GK.quote) or "")


def node_projects(
    kind: Mapping[str, str], links: Iterable[tuple[str, str]], nodes: Iterable[str]
) -> dict[str, list[str]]:
    """The ``projects`` of each of ``nodes``: a project's own id for a project, else the
    projects it is linked to directly or through a membership, an event or a transfer (and
    the projects of the events that one is linked to).

    Args:
        kind: the class (local name) of every node at either end of ``links``.
        links: pairs of linked nodes (either direction), whatever the property.
        nodes: the nodes whose projects are wanted (each must be in ``kind``).
    """
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)

    def direct(node: str) -> set[str]:
        return {m for m in neighbours[node] if kind.get(m) == "Project"}

    @functools.cache
    def through(hub: str) -> frozenset[str]:
        events = (m for m in neighbours[hub] if kind.get(m) == "Event" and m != hub)
        return frozenset(direct(hub).union(*map(direct, events)))

    found: dict[str, list[str]] = {}
    for node in nodes:
        if kind[node] == "Project":
            found[node] = [node]
            continue
        hubs = (m for m in neighbours[node] if kind.get(m) in HUB_CLASSES)
        projects = direct(node).union(*map(through, hubs))
        if kind[node] in HUB_CLASSES:
            projects |= through(node)
        found[node] = sorted(projects)
    return found


def _link_projects(g: nx.MultiDiGraph) -> None:
    """Set each node's ``projects`` (see :func:`node_projects`)."""
    kind = nx.get_node_attributes(g, "type")
    for node, projects in node_projects(kind, g.edges(), g).items():
        g.nodes[node]["projects"] = projects


def knowledge_graph(graph: Queryable, *, include_provenance: bool = False) -> nx.MultiDiGraph:
    """The whole knowledge graph as a typed networkx graph.

    Read with SELECT queries (``graphkit/queries/tables/knowledge-nodes.rq``,
    ``knowledge-themes.rq``, ``knowledge-links.rq`` and ``property-labels.rq``) on the store or
    endpoint itself; an rdflib graph is queried through its in-memory Oxigraph copy.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`, a store or a backend.
        include_provenance: also keep the source documents and web pages as nodes (linked by
            ``source`` edges); citations are never nodes, their quotes are node attributes.

    Returns:
        One node per data entity, keyed by its dataset id (an unnamed target group keeps its id
        ``<transfer-id>/targets``), with attributes ``label``, ``type`` (class local name),
        ``iri``, ``source`` (locator), ``quote``, ``themes`` (theme labels; a theme's own
        label for a theme) and ``projects`` (project ids). One edge per object property between
        two kept nodes, keyed by the property's local name, with ``type`` (local name) and
        ``label`` (the property's label from the ontology).
    """
    backend = as_backend(graph)
    nodes = knowledge_nodes(backend, include_provenance=include_provenance)
    links = [
        (str(s), str(p), str(o)) for s, p, o in select_result(backend, "knowledge-links").records()
    ]
    g = knowledge_network(nodes, links, link_labels(backend, (p for _, p, _ in links)))
    _link_projects(g)
    return g


def knowledge_nodes(
    graph: Queryable, *, include_provenance: bool = False, among: Iterable[str] | None = None
) -> dict[str, dict[str, object]]:
    """The nodes of :func:`knowledge_graph` with their attributes but ``projects``, by id:
    every one, or those of the entity IRIs ``among`` (an IRI that is no node is left out)."""
    return _entity_nodes(
        as_backend(graph),
        "knowledge",
        lambda cls: is_knowledge_node(cls, include_provenance=include_provenance),
        among,
    )


def is_knowledge_node(cls: str, *, include_provenance: bool = False) -> bool:
    """Whether an entity of the class ``cls`` (local name) is a node of :func:`knowledge_graph`."""
    return cls not in DESCRIPTION_CLASSES and (include_provenance or cls not in SOURCE_CLASSES)


def link_labels(graph: Queryable, properties: Iterable[str]) -> dict[str, str]:
    """The label of each of the ``properties`` (IRIs) that has one (``property-labels.rq``,
    narrowed to them); a property with two labels keeps the first."""
    rows = list(select_among(graph, "property-labels", ["property"], properties))
    return {str(term): str(label) for term, label in reversed(rows)}


def knowledge_network(
    nodes: Mapping[str, Mapping[str, object]],
    links: Iterable[tuple[str, str, str]],
    labels: Mapping[str, str],
) -> nx.MultiDiGraph:
    """The knowledge network of ``nodes`` (as :func:`knowledge_nodes` gives them), in the order
    of their IRIs, and of the ``links`` (subject, property, object IRIs) between two of them, in
    the order of their text, keyed by the property's local name and labelled from ``labels``
    (:func:`link_labels`). Node attributes are copied; ``projects`` is not set."""
    g = nx.MultiDiGraph()
    for node, attrs in sorted(nodes.items(), key=lambda item: str(item[1]["iri"])):
        g.add_node(node, **attrs)
    for subject, predicate, value in sorted(links):
        source, target = entity_id(subject), entity_id(value)
        if source not in nodes or target not in nodes:
            continue
        name = local_name(predicate)
        g.add_edge(source, target, key=name, type=name, label=labels.get(predicate, name))
    return g


# The attributes of the knowledge network's nodes and edges, in the order knowledge_graph sets them.
KNOWLEDGE_NODE_ATTRIBUTES = ("label", "type", "iri", "source", "quote", "themes", "projects")
KNOWLEDGE_EDGE_ATTRIBUTES = ("type", "label")
# Edges are read back from the sorted link table this many at a time.
_EDGE_CHUNK = 1 << 16


def _drained(result: QueryResult) -> Iterator[tuple[object, ...]]:
    """The rows of ``result`` as plain values (as ``records()``), each row's terms let go once
    read, so a large answer is not held twice."""
    terms = result.terms
    result.terms = []
    for i, row in enumerate(terms):
        terms[i] = None
        yield tuple(map(term_value, row))


@dataclass(frozen=True)
class KnowledgeRows:
    """The knowledge network of :func:`knowledge_graph` as compact rows, for writing it out
    without building it in networkx (see :func:`knowledge_rows`).

    Attributes:
        nodes: one tuple per node, in the graph's node order: its id, then its values of
            :data:`KNOWLEDGE_NODE_ATTRIBUTES` (``themes`` and ``projects`` are lists).
        edge_count: how many edges :meth:`edges` gives.
        keys_repeat: whether two edges share a key (a property's local name).
    """

    nodes: list[tuple[Any, ...]]
    edge_count: int
    keys_repeat: bool
    _links: tuple[np.ndarray, np.ndarray, np.ndarray]
    _properties: list[tuple[str, str]]

    def edges(self) -> Iterator[tuple[str, str, str, tuple[str, str]]]:
        """Every edge as ``(source, target, key, (type, label))``, in the order
        ``knowledge_graph(...).edges(keys=True, data=True)`` gives them."""
        sources, properties, targets = self._links
        ids = [node[0] for node in self.nodes]
        current, following = -1, {}
        for start in range(0, len(sources), _EDGE_CHUNK):
            rows = zip(
                sources[start : start + _EDGE_CHUNK].tolist(),
                properties[start : start + _EDGE_CHUNK].tolist(),
                targets[start : start + _EDGE_CHUNK].tolist(),
                strict=True,
            )
            for u, p, v in rows:
                if u != current:
                    yield from _multi_edges(ids, current, following)
                    current, following = u, {}
                key, label = self._properties[p]
                # As networkx adds them: a target's first edge places it, a key's last label stays.
                following.setdefault(v, {})[key] = label
        yield from _multi_edges(ids, current, following)


def _multi_edges(
    ids: list[str], u: int, following: dict[int, dict[str, str]]
) -> Iterator[tuple[str, str, str, tuple[str, str]]]:
    for v, keyed in following.items():
        for key, label in keyed.items():
            yield ids[u], ids[v], key, (key, label)


def _knowledge_entities(backend: Backend) -> list[tuple[Any, ...]]:
    """The nodes of :func:`knowledge_graph` (without provenance), each as its id, ``label``,
    ``type``, ``iri``, ``source`` and ``quote``: as :func:`_entity_nodes`, compactly."""
    shared: dict[str, str] = {}  # one string for the many nodes with the same class or source
    found: dict[str, tuple[Any, ...]] = {}
    for entity, cls, label, source, source_id, quote in _drained(
        select_result(backend, "knowledge-nodes")
    ):
        node, name = entity_id(str(entity)), local_name(str(cls))
        keep = name not in DESCRIPTION_CLASSES and name not in SOURCE_CLASSES
        if node not in found and keep:  # a row with two values keeps one, as graph.value
            locator = _locator(source, source_id)
            found[node] = (
                node,
                label_text(str(entity), label),
                shared.setdefault(name, name),
                str(entity),
                shared.setdefault(locator, locator),
                "" if quote is None else str(quote),
            )
    return list(found.values())


def _knowledge_themes(backend: Backend) -> dict[str, set[tuple[str, str]]]:
    """The themes (IRI and label) of every entity, by the entity's id."""
    themes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for entity, theme, theme_label in _drained(select_result(backend, "knowledge-themes")):
        themes[entity_id(str(entity))].add((str(theme), label_text(str(theme), theme_label)))
    return themes


def _knowledge_node_rows(
    entities: list[tuple[Any, ...]], themes: dict[str, set[tuple[str, str]]]
) -> list[tuple[Any, ...]]:
    """:attr:`KnowledgeRows.nodes` of :func:`_knowledge_entities` and their themes, with
    ``projects`` still empty, sorted by IRI."""
    rows = []
    for row in entities:
        own = [row[1]] if row[2] == "Theme" else None
        rows.append((*row, own or sorted(label for _, label in themes.get(row[0], ())), []))
    rows.sort(key=lambda row: row[3])
    return rows


def knowledge_rows(graph: Queryable) -> KnowledgeRows:
    """The knowledge network of :func:`knowledge_graph` (without provenance) as compact rows,
    read with the same SELECT queries but ``knowledge-edges.rq`` for the links: the nodes with
    their attributes, and the links as three integer arrays sorted as ``knowledge_graph`` sorts
    them, so :meth:`KnowledgeRows.edges` gives its edges in its order without networkx.

    At a million rows this holds the node attributes and a few integers per link, a fraction
    of the networkx graph. Links by ``dcterms:source`` and ``prov:wasDerivedFrom`` are not read:
    in the graph graphkit builds they lead to source documents and citations, never nodes.
    """
    backend = as_backend(graph)
    # The nodes are read in a child process while this one reads the links (two cores: the
    # time of the longer read, not of both); meanwhile each end is numbered as it comes.
    ends: dict[str, int] = {}
    numbers: dict[str, int] = {}
    sources, properties, targets = array.array("q"), array.array("q"), array.array("q")
    with Meanwhile(lambda: _knowledge_entities(backend)) as entities:
        for subject, predicate, value in _knowledge_links(backend):
            sources.append(ends.setdefault(subject, len(ends)))
            properties.append(numbers.setdefault(str(predicate), len(numbers)))
            targets.append(ends.setdefault(value, len(ends)))
        themes = _knowledge_themes(backend)
        nodes = _knowledge_node_rows(entities.get(), themes)
    del themes
    index = {row[0]: i for i, row in enumerate(nodes)}
    node_of = np.array([index.get(entity_id(str(end)), -1) for end in ends], dtype=np.int64)
    del ends
    term_labels = link_labels(backend, numbers)
    # Links sort by the text of subject, property and object; nodes are in IRI order already.
    by_text = sorted(numbers)
    rank = np.empty(len(by_text), dtype=np.int64)
    for position, predicate in enumerate(by_text):
        rank[numbers[predicate]] = position
    u_array = node_of[np.frombuffer(sources, dtype=np.int64)]
    p_array = rank[np.frombuffer(properties, dtype=np.int64)]
    v_array = node_of[np.frombuffer(targets, dtype=np.int64)]
    del sources, properties, targets, node_of
    linked = (u_array >= 0) & (v_array >= 0)  # links to what is not a node are no edges
    u_array, p_array, v_array = u_array[linked], p_array[linked], v_array[linked]
    order = np.lexsort((v_array, p_array, u_array))
    u_array, p_array, v_array = u_array[order], p_array[order], v_array[order]
    del order
    names = [local_name(predicate) for predicate in by_text]
    keys = {name: i for i, name in enumerate(dict.fromkeys(names))}
    key_of = np.array([keys[name] for name in names], dtype=np.int64)[p_array]
    edge_count = int(np.unique((u_array * len(keys) + key_of) * len(nodes) + v_array).size)
    keys_repeat = edge_count > np.unique(key_of).size
    del key_of
    _set_knowledge_projects(nodes, u_array, v_array)
    return KnowledgeRows(
        nodes,
        edge_count,
        bool(keys_repeat),
        (u_array, p_array, v_array),
        [(name, term_labels.get(p, name)) for p, name in zip(by_text, names, strict=True)],
    )


def _knowledge_links(backend: Backend) -> Iterator[tuple[object, ...]]:
    """The rows of ``knowledge-edges.rq`` (subject, property, object): on a store one property
    at a time, each from the store's index (at 100,000 rows a third less time than reading and
    testing every object of the graph), elsewhere in one query."""
    if not getattr(backend, "substitutes_bindings", False):
        yield from _drained(select_result(backend, "knowledge-edges"))
        return
    for (prop,) in select_result(backend, "knowledge-link-properties").terms:
        yield from _drained(select_result(backend, "knowledge-edges", {"p": prop}))


def _set_knowledge_projects(
    nodes: list[tuple[Any, ...]], sources: np.ndarray, targets: np.ndarray
) -> None:
    """Fill each node's ``projects`` list with what :func:`node_projects` gives for the links
    ``sources[i] - targets[i]``, in sparse matrices: with ``A`` the links (either direction),
    ``D = A·Projects`` a node's direct projects and ``T = D + (A·Events)·D`` a hub's projects
    through itself and its events, a node's projects are ``D + (A·Hubs)·T`` (a hub's own ``T``
    adds nothing: its events are hubs it links to); a project's is itself.
    """
    from scipy import sparse

    size = len(nodes)
    kinds = [row[2] for row in nodes]
    is_project = np.array([kind == "Project" for kind in kinds], dtype=bool)
    is_hub = np.array([kind in HUB_CLASSES for kind in kinds], dtype=bool)
    is_event = np.array([kind == "Event" for kind in kinds], dtype=bool)

    def keep_columns(matrix: sparse.csr_array, keep: np.ndarray) -> sparse.csr_array:
        return (matrix @ sparse.diags_array(keep.astype(np.float64))).tocsr()

    links = sparse.coo_array(
        (np.ones(2 * len(sources)), (np.r_[sources, targets], np.r_[targets, sources])),
        shape=(size, size),
    ).tocsr()
    links.data[:] = 1.0  # a pair linked twice is linked
    direct = keep_columns(links, is_project)
    through = direct + keep_columns(links, is_event) @ direct
    found = (direct + keep_columns(links, is_hub) @ through).tocsr()
    found.eliminate_zeros()
    found.sort_indices()
    ids = [row[0] for row in nodes]
    starts, columns = found.indptr, found.indices
    for i, row in enumerate(nodes):
        if is_project[i]:
            row[-1].append(row[0])
        elif starts[i] < starts[i + 1]:
            row[-1].extend(sorted(ids[j] for j in columns[starts[i] : starts[i + 1]].tolist()))


def transfer_graph(graph: Queryable, *, details: bool = True) -> nx.MultiDiGraph:
    """Cities and the practice transfers between them.

    Read with SELECT queries (``graphkit/queries/tables/transfer-network-edges.rq``,
    ``transfer-lists.rq``, ``transfer-network-nodes.rq``, ``transfer-network-themes.rq`` and
    ``transfer-network-links.rq``) on the store or endpoint itself, so no subgraph is fetched and
    no rdflib graph is built; an rdflib graph is queried through its in-memory Oxigraph copy.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`, a store or a backend.
        details: ``False`` gives each node only its ``label`` and ``type`` and each edge only its
            key: what the network measures use, without ``transfer-network-links.rq`` (the
            slowest query). Nodes and edges come in the same order either way.

    Returns:
        The origin and receiving cities of every transfer as nodes (attributes as in
        :func:`knowledge_graph`); a transfer's unnamed receiving cities are one
        ``UnnamedCityGroup`` node labelled e.g. "4 unnamed cities", with ``count`` (how many
        cities it stands for) and ``candidates`` (labels of the cities it may be among). One edge
        per transfer from origin to target, keyed by the transfer id, with ``transfer``,
        ``label`` and ``practice`` (practice label), ``practice_id``, ``resulting_practice``,
        ``resulting_practice_id``, ``project`` and ``project_id`` (the project it went through,
        else its event's project), ``event``, ``event_id``, ``mechanism`` (labels joined by
        ", "), ``year`` (int or None: its start, else its event's start), ``status``,
        ``outcome``, ``candidates`` (list of labels), ``source`` (locator), ``quote`` and
        ``type`` = "PracticeTransfer". Nodes and edges are added transfer by transfer, in order
        of the transfers' IRIs.
    """
    backend = as_backend(graph)
    edges = _transfer_edges(backend)
    if not edges:
        nodes = {}
    elif details:
        nodes = _transfer_nodes(backend)
    else:
        found = _entity_nodes(backend, "transfer-network", lambda cls: True)
        nodes = {n: {"label": a["label"], "type": a["type"]} for n, a in found.items()}
    g = nx.MultiDiGraph()
    for origin, target, count, facts in edges:
        g.add_node(origin, **nodes[origin])
        if not details:
            g.add_node(target, **nodes[target])
            g.add_edge(origin, target, key=facts["transfer"])
        elif count is None:
            g.add_node(target, **nodes[target])
        else:
            g.add_node(target, **nodes[target], count=count, candidates=facts["candidates"])
        g.add_edge(origin, target, key=facts["transfer"], type="PracticeTransfer", **facts)
    return g


def _transfer_nodes(backend: Backend) -> dict[str, dict[str, object]]:
    """The cities and unnamed city groups with the node attributes of :func:`knowledge_graph`,
    read with the table queries ``transfer-network-nodes``, ``transfer-network-themes`` and
    ``transfer-network-links``."""
    return _nodes_with_projects(backend, "transfer-network", "transfer-network-links")


def _concept_text(iri: object, label: object) -> str:
    """What :func:`concept_label` gives for ``iri`` whose ``skos:prefLabel`` (or None) is
    ``label``."""
    return str(label) if label is not None else local_name(str(iri)).replace("_", " ")


def _labelled(iri: object, label: object) -> tuple[str, str]:
    """The label (as :func:`label_of`) and id of an entity of a row, or ("", "") if unbound."""
    return ("", "") if iri is None else (label_text(str(iri), label), entity_id(str(iri)))


def _transfer_edges(backend: Backend) -> list[tuple[str, str, int | None, dict[str, Any]]]:
    """Every transfer as ``(origin, target, count, facts)``, in order of its IRI: ``count`` is
    the city count of an unnamed target group (0 if not given), None for a named city;
    ``facts`` are the edge attributes of :func:`transfer_graph` but ``type``."""
    lists: dict[tuple[str, str], list[str]] = defaultdict(list)
    for transfer, kind, value, label in select_result(backend, "transfer-lists").records():
        shown = _concept_text(value, label) if kind == "mechanism" else _labelled(value, label)[0]
        lists[(str(transfer), str(kind))].append(shown)
    rows: dict[str, dict[str, object]] = {}
    for row in select_result(backend, "transfer-network-edges").dicts():
        rows.setdefault(str(row["transfer"]), row)  # a fact with two values keeps one
    edges = []
    for iri, row in sorted(rows.items()):
        practice, practice_id = _labelled(row["practice"], row["practice_label"])
        resulting, resulting_id = _labelled(row["resulting"], row["resulting_label"])
        event_label, event_id = _labelled(row["event"], row["event_label"])
        project_label, project_id = _labelled(row["project"], row["project_label"])
        if row["project"] is None and row["event"] is not None:
            project_label, project_id = _labelled(row["event_project"], row["event_project_label"])
        year = year_of(row["date"])
        if year is None and row["event"] is not None:
            year = year_of(row["event_date"])
        target, count = row["target_city"], None
        if target is None:
            target = row["target_group"]
            count = 0 if row["group_count"] is None else int(str(row["group_count"]))
        facts = {
            "transfer": entity_id(iri),
            "label": practice,
            "practice": practice,
            "practice_id": practice_id,
            "resulting_practice": resulting,
            "resulting_practice_id": resulting_id,
            "project": project_label,
            "project_id": project_id,
            "event": event_label,
            "event_id": event_id,
            "mechanism": ", ".join(sorted(lists.get((iri, "mechanism"), []))),
            "year": year,
            "status": ""
            if row["status"] is None
            else _concept_text(row["status"], row["status_label"]),
            "outcome": "" if row["outcome"] is None else str(row["outcome"]),
            "candidates": sorted(lists.get((iri, "candidate"), [])),
            "source": _locator(row["source"], row["source_id"]),
            "quote": "" if row["quote"] is None else str(row["quote"]),
        }
        edges.append((entity_id(str(row["origin"])), entity_id(str(target)), count, facts))
    return edges


def label_text(iri: str, label: object) -> str:
    """What :func:`label_of` gives for ``iri`` whose ``rdfs:label`` (or None) is ``label``."""
    if label is not None:
        return str(label)
    return entity_id(iri) if iri.startswith(str(GKR)) else local_name(iri)


def _locator(source: object, identifier: object) -> str:
    """What :func:`source_locator` gives for a row whose source and its identifier are these."""
    if source is None:
        return ""
    return str(identifier) if identifier is not None else entity_id(str(source))


def _entity_nodes(
    backend: Backend, scope: str, keep: Callable[[str], bool], among: Iterable[str] | None = None
) -> dict[str, dict[str, object]]:
    """The entities of the table queries ``<scope>-nodes`` and ``<scope>-themes`` whose class
    ``keep`` accepts, with the node attributes of :func:`knowledge_graph` but ``projects``;
    with ``among``, only those of these IRIs (read with ``<scope>-nodes-among`` and
    ``<scope>-themes-among``, narrowed on ``?entity``)."""
    nodes: dict[str, dict[str, object]] = {}
    among = None if among is None else list(among)
    rows = _records(backend, f"{scope}-nodes", among)
    for entity, cls, label, source, source_id, quote in rows:
        node, name = entity_id(str(entity)), local_name(str(cls))
        if node not in nodes and keep(name):  # a row with two values keeps one, as graph.value
            nodes[node] = {
                "label": label_text(str(entity), label),
                "type": name,
                "iri": str(entity),
                "source": _locator(source, source_id),
                "quote": "" if quote is None else str(quote),
            }
    themes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for entity, theme, theme_label in _records(backend, f"{scope}-themes", among):
        themes[entity_id(str(entity))].add((str(theme), label_text(str(theme), theme_label)))
    for node, attrs in nodes.items():
        own = [attrs["label"]] if attrs["type"] == "Theme" else None
        attrs["themes"] = own or sorted(label for _, label in themes.get(node, ()))
    return nodes


def _records(backend: Backend, name: str, among: Iterable[str] | None) -> Iterable[tuple]:
    """The records of the table query ``name``: all of them, or those of the entity IRIs
    ``among`` (its ``<name>-among`` query, narrowed on ``?entity``)."""
    if among is None:
        return select_result(backend, name).records()
    return select_among(backend, f"{name}-among", ["entity"], among)


def _network_nodes(backend: Backend) -> dict[str, dict[str, object]]:
    """The actors, projects and events with the node attributes of :func:`knowledge_graph`,
    read with the table queries ``network-nodes``, ``network-themes`` and ``project-links``."""
    return _nodes_with_projects(backend, "network", "project-links")


def _nodes_with_projects(backend: Backend, scope: str, links: str) -> dict[str, dict[str, object]]:
    """The entities of the table queries ``<scope>-nodes`` and ``<scope>-themes`` (see
    :func:`_entity_nodes`) with their ``projects`` (:func:`node_projects`), found along the
    links of the table query ``links`` (rows of two entities and their classes)."""
    nodes = _entity_nodes(backend, scope, lambda cls: True)
    kind = {node: str(attrs["type"]) for node, attrs in nodes.items()}
    pairs = []
    for s, sc, o, oc in select_result(backend, links).records():
        a, b = entity_id(str(s)), entity_id(str(o))
        kind.setdefault(a, local_name(str(sc)))
        kind.setdefault(b, local_name(str(oc)))
        pairs.append((a, b))
    for node, projects in node_projects(kind, pairs, nodes).items():
        nodes[node]["projects"] = projects
    return nodes


def _network_labels(backend: Backend) -> dict[str, dict[str, object]]:
    """The actors, projects and events with only the ``label`` and ``type`` of
    :func:`_network_nodes`, read with the table query ``network-labels``."""
    nodes: dict[str, dict[str, object]] = {}
    for entity, cls, label in select_result(backend, "network-labels").records():
        node = entity_id(str(entity))
        if node not in nodes:  # a row with two labels keeps one, as _entity_nodes
            nodes[node] = {"label": label_text(str(entity), label), "type": local_name(str(cls))}
    return nodes


def _role_label(role: object, role_label: object) -> str:
    if role_label is not None:
        return str(role_label)
    return "member" if role is None else local_name(str(role)).replace("_", " ")


# The links of actor_graph, (actor, group) -> (roles, sources); without details, none of either.
ActorLinks = Mapping[tuple[str, str], tuple[Collection[str], Collection[str]]]
_NO_DETAILS: tuple[Collection[str], Collection[str]] = ((), ())


def _actor_links(
    backend: Backend, details: bool
) -> tuple[ActorLinks, dict[str, dict[str, object]]]:
    """The links and nodes of :func:`actor_graph`: without details from the participation
    table the persistent store keeps, if it keeps one, else from ``actor-pairs.rq`` and
    ``network-labels.rq``; with details from ``actor-links.rq`` and :func:`_network_nodes`."""
    kept = None if details else kept_participation(backend)
    if kept is not None:  # no query at all
        return _kept_actor_links(kept)
    if not details:  # the pairs alone: a third less time on a large store
        pairs = {
            (entity_id(str(actor)), entity_id(str(group))): _NO_DETAILS
            for actor, group in select_result(backend, "actor-pairs").records()
        }
        return pairs, _network_labels(backend) if pairs else {}
    links: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for actor, group, role, role_label, source, source_id in select_result(
        backend, "actor-links"
    ).records():
        pair = (entity_id(str(actor)), entity_id(str(group)))
        roles, sources = links.setdefault(pair, (set(), set()))
        roles.add(_role_label(role, role_label))
        sources.add(_locator(source, source_id))
    return links, _network_nodes(backend) if links else {}


def _kept_actor_links(
    rows: list[dict[str, Any]],
) -> tuple[ActorLinks, dict[str, dict[str, object]]]:
    """The links and nodes of :func:`actor_graph` without details, from the rows of the
    participation table kept beside the store (see
    :func:`graphkit.analysis.transfers.kept_participation`): the label and type of each actor,
    project and event are its first row's, as :func:`_network_labels` keeps its first."""
    links: dict[tuple[str, str], tuple[Collection[str], Collection[str]]] = {}
    nodes: dict[str, dict[str, object]] = {}
    for row in rows:
        actor, group = row["actor"], row["group"]
        links[actor, group] = _NO_DETAILS
        if actor not in nodes:
            nodes[actor] = {"label": row["actor_name"], "type": row["actor_type"]}
        if group not in nodes:
            nodes[group] = {"label": row["group_label"], "type": row["group_type"]}
    return links, nodes


def actor_graph(graph: Queryable, *, details: bool = True) -> nx.Graph:
    """Who took part in what: the bipartite graph of actors and projects/events.

    Read with SELECT queries (``graphkit/queries/tables/actor-links.rq``, ``network-nodes.rq``,
    ``network-themes.rq`` and ``project-links.rq``; without details ``actor-pairs.rq`` and
    ``network-labels.rq``) on the store or endpoint itself, so no subgraph is fetched and no
    rdflib graph is built. Without details, a persistent store's kept participation table is
    read instead of any query (the same graph: ``tests/test_subgraphs.py`` compares them).

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`, a store or a backend.
        details: ``False`` gives each node only its ``label``, ``type`` and ``bipartite`` and
            each edge no attribute: what the network measures use, read with the smaller
            ``network-labels.rq`` instead of ``network-nodes.rq``, ``network-themes.rq`` and
            ``project-links.rq``. Nodes and edges come in the same order either way, so sampled
            measures pick the same nodes.

    Returns:
        Cities, organisations and people (``bipartite`` = 0) and projects and events
        (``bipartite`` = 1) that take part in at least one link, with the node attributes of
        :func:`knowledge_graph`. An edge joins an actor to a project or event it was a member
        of (in a role), organised ("organiser"), was the place of (an event's location: "venue")
        or transferred a practice through ("transferring city", "receiving city"); attributes ``role`` (list of role labels), ``label`` (them joined by "; ") and
        ``source`` (the locators of the supporting rows, joined by "; ").
    """
    links, nodes = _actor_links(as_backend(graph), details)
    pairs = sorted(links)
    side: dict[str, int] = {}  # each node in the order of its first link
    for a, p in pairs:
        side.setdefault(a, 0)
        side.setdefault(p, 1)
    g = nx.Graph()
    g.add_nodes_from((node, {**nodes[node], "bipartite": part}) for node, part in side.items())
    if not details:
        g.add_edges_from(pairs)
        return g
    for a, p in pairs:
        roles, sources = links[a, p]
        role_list = sorted(roles)
        g.add_edge(
            a,
            p,
            role=role_list,
            label="; ".join(role_list),
            source="; ".join(sorted(filter(None, sources))),
        )
    return g


def _projection(graph: Queryable, cls: str, *, details: bool = True) -> nx.Graph:
    """The actors of type ``cls`` of :func:`actor_graph`, in its order, linked in order of
    their ids by the projects and events they share: ``weight`` how many, and with details
    ``projects`` which. Without details, straight from the links, with no bipartite graph."""
    g = nx.Graph()
    if not details:
        links, nodes = _actor_links(as_backend(graph), details=False)
        # The actors come first in their links, which actor_graph adds in order: id order.
        members = sorted({actor for actor, _ in links if nodes[actor]["type"] == cls})
        g.add_nodes_from((member, nodes[member]) for member in members)
        g.add_edges_from(_shared_counts(links, members))
        return g
    actors = actor_graph(graph)
    g.add_nodes_from(
        (node, {k: v for k, v in attrs.items() if k != "bipartite"})
        for node, attrs in actors.nodes(data=True)
        if attrs["type"] == cls
    )
    shared: dict[tuple[str, str], list[str]] = {}
    for node, part in actors.nodes(data="bipartite"):
        if part == 1:
            members = sorted(m for m in actors[node] if m in g)
            for pair in combinations(members, 2):
                shared.setdefault(pair, []).append(node)
    g.add_edges_from(
        (a, b, {"weight": len(groups), "projects": sorted(groups)})
        for (a, b), groups in sorted(shared.items())
    )
    return g


def _shared_counts(
    links: Iterable[tuple[str, str]], members: list[str]
) -> list[tuple[str, str, dict[str, int]]]:
    """Every pair ``a < b`` of ``members`` (sorted ids) that share groups along ``links``
    (distinct (actor, group) pairs), in order, with ``weight``: how many. One sparse product,
    ``Bᵀ·B`` of the groups by members matrix, instead of counting each group's pairs."""
    from scipy import sparse

    index = {member: i for i, member in enumerate(members)}
    groups: dict[str, int] = {}
    group_of: list[int] = []
    member_of: list[int] = []
    for actor, group in links:
        if actor in index:
            group_of.append(groups.setdefault(group, len(groups)))
            member_of.append(index[actor])
    taking_part = sparse.csr_array(
        (np.ones(len(member_of), dtype=np.int64), (group_of, member_of)),
        shape=(len(groups), len(members)),
    )
    shared = sparse.triu(taking_part.T @ taking_part, k=1, format="csr")
    shared.sort_indices()
    rows = np.repeat(np.arange(len(members)), np.diff(shared.indptr)).tolist()
    return [
        (members[a], members[b], {"weight": w})
        for a, b, w in zip(rows, shared.indices.tolist(), shared.data.tolist(), strict=True)
    ]


def city_network(graph: Queryable, *, details: bool = True) -> nx.Graph:
    """Cities linked by the projects and events they share.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`, a store or a backend.
        details: ``False``: nodes with only ``label`` and ``type``, edges with only ``weight``
            (see :func:`actor_graph`).

    Returns:
        Every city of :func:`actor_graph`; an edge between two cities with ``weight`` (how many
        projects and events they share) and ``projects`` (their ids).
    """
    return _projection(graph, "City", details=details)


def organisation_network(graph: Queryable, *, details: bool = True) -> nx.Graph:
    """Organisations linked by the projects and events they share (as :func:`city_network`)."""
    return _projection(graph, "Organisation", details=details)


PROJECTIONS: dict[str, Callable[[Any], nx.Graph]] = {
    "knowledge": knowledge_graph,
    "transfers": transfer_graph,
    "cities": city_network,
    "organisations": organisation_network,
    "actors": actor_graph,
}


# The networks that :func:`projection` can read without their nodes' sources, quotes, themes and
# projects (``details=False``).
MEASURED_DETAILS = frozenset({"cities", "organisations", "actors", "transfers"})


def projection(graph: Graph | Backend, kind: str, *, details: bool = True) -> nx.Graph:
    """The networkx graph of ``kind`` (a key of :data:`PROJECTIONS`) for ``graph`` (an rdflib
    graph, or a store or endpoint's backend: every projection reads SELECT rows).

    ``details=False``: the actor and transfer networks (:data:`MEASURED_DETAILS`) give their
    nodes only a label and a type and their edges only a weight (or a key), which is all the
    network measures use; the other networks are the same either way.
    """
    if kind not in PROJECTIONS:
        raise ValueError(f"unknown graph {kind!r}; expected one of {', '.join(PROJECTIONS)}")
    if not details and kind in MEASURED_DETAILS:
        return PROJECTIONS[kind](graph, details=False)
    return PROJECTIONS[kind](graph)


def simple_graph(g: nx.Graph) -> nx.Graph:
    """``g`` without parallel edges: a multigraph's edges between two nodes become one edge
    whose ``weight`` is the sum of theirs (1 each when unweighted)."""
    simple = nx.DiGraph() if g.is_directed() else nx.Graph()
    simple.add_nodes_from(g.nodes(data=True))
    for u, v, data in g.edges(data=True):
        weight = data.get("weight", 1)
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += weight
        else:
            simple.add_edge(u, v, weight=weight)
    return simple


def _measured(g: nx.Graph, *, undirected: bool = False) -> nx.Graph:
    """``g`` as the measures read it, never changed by them: :func:`simple_graph` of a
    multigraph, ``g`` itself otherwise (a missing ``weight`` counts 1 wherever one is read, as
    there); ``undirected``: also without directions (a copy, as ``to_undirected``). No copy is
    made that is not needed: on a network of a million links one costs seconds."""
    simple = simple_graph(g) if g.is_multigraph() else g
    return simple.to_undirected() if undirected and simple.is_directed() else simple


def name_order(column: pd.Series) -> pd.Series:
    """A sort key that orders names as people expect ("Ávila" before "Bruges"): text is
    compared without case and accents; other columns are left as they are."""
    return column.map(fold) if pd.api.types.is_string_dtype(column) else column


def _node_frame(g: nx.Graph, columns: dict[str, dict[str, object]]) -> pd.DataFrame:
    rows = [
        {
            "id": node,
            "label": attrs.get("label", node),
            "type": attrs.get("type", ""),
            **{name: values[node] for name, values in columns.items()},
        }
        for node, attrs in g.nodes(data=True)
    ]
    return pd.DataFrame(rows, columns=["id", "label", "type", *columns])


def _adjacency(g: nx.Graph, nodes: list, weight: str | None) -> sparse.csr_array:
    """The arcs of ``g`` as a sparse matrix over ``nodes``: entry ``[u, v]`` is the ``weight`` of
    the arc u -> v (1 when ``weight`` is None or missing); an undirected edge is both arcs."""
    from scipy import sparse

    return sparse.csr_array(
        nx.to_scipy_sparse_array(g, nodelist=nodes, weight=weight, dtype=float, format="csr")
    )


def page_rank(
    g: nx.Graph, *, alpha: float = PAGERANK_DAMPING, tolerance: float = 1.0e-10
) -> dict[str, float]:
    """PageRank of every node of a simple graph, following edges weighted by ``weight``.

    The same definition as :func:`networkx.pagerank` (uniform teleport and dangling-node
    redistribution), by power iteration over the sparse weighted adjacency matrix.
    An undirected edge counts in both directions. The ranks sum to 1.
    """
    import numpy as np

    nodes = list(g)
    if not nodes:
        return {}
    size = len(nodes)
    arcs = _adjacency(g, nodes, "weight")
    out_weight = arcs.sum(axis=1)
    dangling = out_weight == 0
    # rank[u] / out_weight[u] flows along each arc u -> v in proportion to its weight.
    inflow = arcs.T.tocsr() * alpha
    share = np.divide(1.0, out_weight, out=np.zeros(size), where=~dangling)
    rank = np.full(size, 1.0 / size)
    for _ in range(PAGERANK_MAX_ITERATIONS):
        spread = (1.0 - alpha + alpha * rank[dangling].sum()) / size
        new = spread + inflow @ (rank * share)
        converged = np.abs(new - rank).sum() < size * tolerance
        rank = new
        if converged:
            break
    return dict(zip(nodes, rank.tolist(), strict=True))


@dataclass(frozen=True)
class NodeMeasures:
    """A table of per-node measures, and how betweenness was computed.

    ``betweenness_sample`` is None when betweenness is exact, else the number of source nodes
    it was estimated from (with the fixed seed).
    """

    table: pd.DataFrame
    betweenness_sample: int | None


class Sampling(TypedDict, total=False):
    """How betweenness is computed on large graphs (see :func:`centrality`)."""

    exact: bool
    sample_threshold: int
    sample_size: int
    seed: int


# Betweenness follows shortest paths from this many (node, source) pairs at once: up to about
# 70 bytes each while a level is searched, so ~300 MB whatever the graph's size.
BETWEENNESS_CELLS = 1 << 22


def _betweenness(
    g: nx.Graph,
    *,
    exact: bool = False,
    sample_threshold: int = SAMPLE_THRESHOLD,
    sample_size: int = SAMPLE_SIZE,
    seed: int = SEED,
) -> tuple[dict[str, float], int | None]:
    """Normalised betweenness on hops of every node, and the number of sampled sources (None
    when exact).

    The numbers of ``networkx.betweenness_centrality(g, k=sample, seed=seed)``: the same
    sources (networkx draws ``random.Random(seed).sample(list(g), k)``), Brandes' dependencies
    summed over them (:func:`_dependencies`), and networkx's scaling (a sampled source lies on
    the paths of one source fewer than the other nodes).
    """
    import numpy as np

    nodes = list(g)
    size = len(nodes)
    sample = None
    if not exact and size > sample_threshold:
        sample = min(sample_size, size)
    if size == 0:
        return {}, sample
    if sample is None or sample == size:
        sources = np.arange(size)
    else:
        position = {n: i for i, n in enumerate(nodes)}
        sources = np.array([position[n] for n in random.Random(seed).sample(nodes, sample)])
    arcs = _adjacency(g, nodes, None)
    into = arcs.T.tocsr() if g.is_directed() else arcs
    batch = max(1, BETWEENNESS_CELLS // size)
    between = np.zeros(size)
    for first in range(0, len(sources), batch):
        between += _dependencies(arcs, into, sources[first : first + batch])
    pairs = size - 2  # the targets of a source's paths through a node: neither of the two
    if pairs >= 1:
        if len(sources) == size:
            between /= (size - 1) * pairs
        else:
            sampled = np.zeros(size, dtype=bool)
            sampled[sources] = True
            source_scale = 1 / ((len(sources) - 1) * pairs) if len(sources) > 1 else np.nan
            between *= np.where(sampled, source_scale, 1 / (len(sources) * pairs))
    return dict(zip(nodes, between.tolist(), strict=True)), sample


def _dependencies(
    arcs: sparse.csr_array, into: sparse.csr_array, sources: np.ndarray
) -> np.ndarray:
    """Brandes' dependencies of every node on ``sources``, summed over the sources (a source's
    own left out): the unnormalised betweenness on hops that these sources contribute.

    ``arcs[u, v]`` and ``into[v, u]`` are 1 for each arc u -> v. One column per source,
    searched breadth first from all of them at once, level by level: the shortest-path counts
    of a level are pushed along the arcs leaving it, then the dependencies pulled back level by
    level (Brandes 2001, Algorithm 1); see :class:`_Search`.
    """
    import numpy as np

    size, columns = arcs.shape[0], len(sources)
    search = _Search(
        arcs=arcs,
        into=into,
        columns=columns,
        distance=np.full(size * columns, -1, dtype=np.int32),
        paths=np.zeros(size * columns),
        dependency=np.zeros(size * columns),
        reached=np.zeros(size, dtype=np.int64),
    )
    cells = np.sort(sources.astype(np.int64) * columns + np.arange(columns))
    search.distance[cells] = 0
    search.paths[cells] = 1.0
    np.add.at(search.reached, sources, 1)
    levels = [cells]
    while levels[-1].size:
        levels.append(search.push(levels[-1], len(levels) - 1))
    for depth in range(len(levels) - 2, 0, -1):
        search.pull(levels[depth], levels[depth - 1], depth)
    reached = search.distance > 0  # a source's own dependency is not betweenness
    return np.where(reached, search.dependency, 0.0).reshape(size, columns).sum(axis=1)


# Following arcs one by one costs numpy about this many times a sparse product's multiply-add.
CELL_COST = 64


@dataclass
class _Search:
    """A breadth-first search from a batch of sources, one column each, kept flat: the cell of
    a node and a source is ``node * columns + column``.

    A level whose cells fill many of its nodes' columns (dense graphs, small diameters) is done
    by sparse products over those nodes' rows; a thin one (a long path, where each source's
    level is a node or two) follows the arcs of its cells alone, so a level never costs much
    more than the arcs it follows.
    """

    arcs: sparse.csr_array
    into: sparse.csr_array
    columns: int
    distance: np.ndarray  # hops from the source, -1 where not reached
    paths: np.ndarray  # shortest paths from the source
    dependency: np.ndarray
    reached: np.ndarray  # per node, how many of the sources have reached it

    def _by_cells(self, matrix: sparse.csr_array, nodes: np.ndarray, rows: np.ndarray) -> bool:
        """Whether following the entries of ``matrix`` in the rows of ``nodes`` (one per cell)
        one by one costs less than products over the distinct ``rows``."""
        one_by_one = CELL_COST * int((matrix.indptr[nodes + 1] - matrix.indptr[nodes]).sum())
        entries = int((matrix.indptr[rows + 1] - matrix.indptr[rows]).sum())
        return one_by_one < self.columns * (8 * rows.size + entries)

    def _rows_of(self, nodes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The position in ``rows`` (sorted, distinct) of each of ``nodes``."""
        import numpy as np

        position = np.empty(len(self.reached), dtype=np.int64)
        position[rows] = np.arange(rows.size)
        return position[nodes]

    def push(self, cells: np.ndarray, depth: int) -> np.ndarray:
        """Reach the next level from ``cells`` (at ``depth``); return its cells, sorted."""
        import numpy as np

        tails, column = np.divmod(cells, self.columns)
        rows = _distinct(tails)
        if self._by_cells(self.arcs, tails, rows):
            heads, owner = _follow(self.arcs, tails)
            keys = heads * self.columns + column[owner]
            fresh = self.distance[keys] < 0
            keys, owner = keys[fresh], owner[fresh]
            np.add.at(self.paths, keys, self.paths[cells][owner])
            self.distance[keys] = depth + 1
            found = np.unique(keys)
        else:
            leaving = self.arcs[rows]
            linked = np.zeros(len(self.reached), dtype=bool)
            linked[leaving.indices] = True
            heads = np.flatnonzero(linked & (self.reached < self.columns))
            if not heads.size:
                return np.zeros(0, dtype=np.int64)
            frontier = np.zeros((rows.size, self.columns))
            frontier[self._rows_of(tails, rows), column] = self.paths[cells]
            counts = _arcs_into(leaving, heads).T @ frontier
            unseen = self.distance.reshape(-1, self.columns)[heads] < 0
            head, source = np.nonzero((counts > 0) & unseen)
            found = heads[head].astype(np.int64) * self.columns + source
            self.distance[found] = depth + 1
            self.paths[found] = counts[head, source]
        np.add.at(self.reached, found // self.columns, 1)
        return found

    def pull(self, cells: np.ndarray, before: np.ndarray, depth: int) -> None:
        """Add the dependencies of ``cells`` (at ``depth``) to their predecessors, the cells
        ``before`` them."""
        import numpy as np

        share = (1.0 + self.dependency[cells]) / self.paths[cells]
        heads, column = np.divmod(cells, self.columns)
        rows = _distinct(heads)
        if self._by_cells(self.into, heads, rows):
            tails, owner = _follow(self.into, heads)
            keys = tails * self.columns + column[owner]
            on_path = self.distance[keys] == depth - 1
            keys, owner = keys[on_path], owner[on_path]
            np.add.at(self.dependency, keys, self.paths[keys] * share[owner])
        else:
            coefficient = np.zeros((rows.size, self.columns))
            coefficient[self._rows_of(heads, rows), column] = share
            nodes, columns = np.divmod(before, self.columns)
            tails = _distinct(nodes)
            pulled = _arcs_into(self.arcs[tails], rows) @ coefficient
            on_path = pulled[self._rows_of(nodes, tails), columns]
            self.dependency[before] += self.paths[before] * on_path


def _distinct(sorted_nodes: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array."""
    import numpy as np

    if not sorted_nodes.size:
        return sorted_nodes
    return sorted_nodes[np.concatenate(([True], sorted_nodes[1:] != sorted_nodes[:-1]))]


def _follow(matrix: sparse.csr_array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The column of every entry of ``rows`` (repeats included) in ``matrix``, and for each
    the position in ``rows`` of the row it came from."""
    import numpy as np

    starts = matrix.indptr[rows]
    degree = matrix.indptr[rows + 1] - starts
    owner = np.repeat(np.arange(rows.size), degree)
    first = np.cumsum(degree) - degree
    position = np.arange(owner.size) + np.repeat(starts - first, degree)
    return matrix.indices[position].astype(np.int64), owner


def _arcs_into(leaving: sparse.csr_array, heads: np.ndarray) -> sparse.csr_array:
    """The arcs of ``leaving`` (rows of an adjacency matrix) into ``heads`` (sorted node
    positions), as a matrix with one column per head, in that order."""
    import numpy as np
    from scipy import sparse

    position = np.full(leaving.shape[1], -1, dtype=np.int64)
    position[heads] = np.arange(heads.size)
    column = position[leaving.indices]
    kept = column >= 0
    ends = np.concatenate(([0], np.cumsum(kept)))[leaving.indptr]
    return sparse.csr_array(
        (leaving.data[kept], column[kept], ends), shape=(leaving.shape[0], len(heads))
    )


def centrality(g: nx.Graph, **sampling: Unpack[Sampling]) -> NodeMeasures:
    """Degree, betweenness, PageRank and reach of every node of ``g``.

    Args:
        g: any projection (parallel edges are merged into weights first).
        sampling: ``exact``: always compute betweenness exactly; otherwise graphs of more than
            ``sample_threshold`` nodes use ``sample_size`` sampled sources (seeded with
            ``seed``).

    Returns:
        Columns ``id``, ``label``, ``type``, ``degree`` (links to distinct nodes),
        ``in_degree`` and ``out_degree`` (directed graphs only), ``weighted_degree`` (sum of
        edge weights: shared projects, or transfers), ``betweenness`` (normalised, on hops),
        ``pagerank`` (weighted) and ``reach`` (how many nodes can be reached: following the
        direction of transfers in a directed graph). Sorted by degree, reach, then PageRank.
    """
    simple = _measured(g)
    between, sample = _betweenness(simple, **sampling)
    pagerank = page_rank(simple)
    if simple.is_directed():
        reach = {n: len(nx.descendants(simple, n)) for n in simple}
        degree = {n: len(set(simple.predecessors(n)) | set(simple.successors(n))) for n in simple}
        directed = {
            "in_degree": dict(simple.in_degree()),
            "out_degree": dict(simple.out_degree()),
        }
    else:
        reach = {n: len(c) - 1 for c in nx.connected_components(simple) for n in c}
        degree = dict(simple.degree())
        directed = {}
    columns = {
        "degree": degree,
        **directed,
        "weighted_degree": dict(simple.degree(weight="weight")),
        "betweenness": {n: round(v, DIGITS) for n, v in between.items()},
        "pagerank": {n: round(v, DIGITS) for n, v in pagerank.items()},
        "reach": reach,
    }
    table = _node_frame(simple, columns).sort_values(
        ["degree", "reach", "pagerank", "label"],
        ascending=[False, False, False, True],
        key=name_order,
        ignore_index=True,
    )
    return NodeMeasures(table, sample)


def brokers(g: nx.Graph, **sampling: Unpack[Sampling]) -> NodeMeasures:
    """The nodes that broker between others: who sits on the paths between the rest.

    Args:
        g: any projection; directions are ignored for Burt's measures.
        sampling: as for :func:`centrality`.

    Returns:
        Columns ``id``, ``label``, ``type``, ``betweenness`` (share of shortest paths through
        the node), ``constraint`` (Burt: low = the node's contacts are not linked to each
        other, so it bridges structural holes; empty for isolated nodes), ``effective_size``
        (Burt: non-redundant contacts) and ``degree``. Sorted by betweenness (highest first),
        then constraint (lowest first).
    """
    simple = _measured(g)
    between, sample = _betweenness(simple, **sampling)
    undirected = _measured(simple, undirected=True)
    constraint, effective = burt_measures(undirected)
    columns = {
        "betweenness": {n: round(v, DIGITS) for n, v in between.items()},
        "constraint": {n: _finite(v) for n, v in constraint.items()},
        "effective_size": {n: _finite(v) for n, v in effective.items()},
        "degree": dict(undirected.degree()),
    }
    table = _node_frame(simple, columns).sort_values(
        ["betweenness", "constraint", "label"],
        ascending=[False, True, True],
        na_position="last",
        key=name_order,
        ignore_index=True,
    )
    return NodeMeasures(table, sample)


# How many candidate pairs of neighbours :func:`burt_measures` looks up at once (memory: about
# 100 bytes each, with the triangles they close).
BURT_BLOCK = 1 << 21


def _triangles(
    tails: np.ndarray, heads: np.ndarray, keys: np.ndarray, size: int
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Every triangle of an undirected network once, as three arrays of arc positions
    ``k -> a``, ``k -> b`` and ``a -> b``, a batch of at most :data:`BURT_BLOCK` candidate
    pairs at a time.

    The network is given by its arcs (both directions of every link, no self-loops) sorted by
    tail, then head, with ``keys = tails * size + heads``. With the nodes ranked by degree, a
    triangle is found from its lowest node ``k``: each pair ``a, b`` of the neighbours ranked
    above ``k`` is looked up among the arcs (Chiba and Nishizeki 1985: O(links^1.5) lookups,
    where pairing all neighbours takes Σ degree²).
    """
    degree = np.bincount(tails, minlength=size)
    rank = np.empty(size, dtype=np.int64)
    rank[np.lexsort((np.arange(size), degree))] = np.arange(size)
    upward = np.flatnonzero(rank[heads] > rank[tails])  # arcs to a higher node, by tail
    up_tails, up_heads = tails[upward], heads[upward]
    row_end = np.searchsorted(up_tails, up_tails, side="right")
    later = row_end - np.arange(len(upward)) - 1  # pairs each arc starts: with the later arcs
    done = np.cumsum(later)
    start = 0
    while start < len(upward):
        stop = max(start + 1, int(np.searchsorted(done, done[start] - later[start] + BURT_BLOCK)))
        counts = later[start:stop]
        first = np.repeat(np.arange(start, stop), counts)
        offset = np.arange(len(first)) - np.repeat(np.cumsum(counts) - counts, counts)
        second = first + 1 + offset
        pair_keys = up_heads[first] * size + up_heads[second]
        where = np.minimum(np.searchsorted(keys, pair_keys), len(keys) - 1)
        found = keys[where] == pair_keys
        yield upward[first[found]], upward[second[found]], where[found]
        start = stop


def burt_measures(g: nx.Graph, weight: str = "weight") -> tuple[dict, dict]:
    """Burt's constraint and effective size of every node, as networkx defines them.

    networkx's ``constraint`` and ``effective_size`` recompute neighbour weights in nested loops
    (about n·d³ steps: seconds on a 65-city network with a 42-city clique). With ``A`` the
    weighted adjacency, ``P = A / rowsum(A)`` and ``Q = A / rowmax(A)``, they are
    constraint(i) = Σ_j∈N(i) (P_ij + (P·P)_ij)² and effective size(i) = Σ_j∈N(i) (1 − (P·Qᵀ)_ij).
    This computes the same numbers exactly, without dense matrices (whose n² memory does not fit
    at tens of thousands of nodes): ``(P·P)_ij`` and ``(P·Qᵀ)_ij`` are needed for linked ``i, j``
    only, and each is a sum over their common neighbours ``k``: over the triangles ``i, j, k``,
    each found once (:func:`_triangles`, far fewer steps than the Σ_k degree(k)² pairs of
    neighbours on a network with hubs). Isolated nodes get NaN, as in networkx.
    """
    import numpy as np

    nodes = list(g)
    index = {n: i for i, n in enumerate(nodes)}
    size = len(nodes)
    arcs = [
        (index[u], index[v], w)
        for u, v, w in g.edges(data=weight, default=1)
        if u != v and w > 0  # a link of weight 0 is no link (as in the adjacency matrix)
    ]
    tails = np.array([a for a, b, _ in arcs] + [b for a, b, _ in arcs], dtype=np.int64)
    heads = np.array([b for a, b, _ in arcs] + [a for a, b, _ in arcs], dtype=np.int64)
    weights = np.array([w for *_, w in arcs] * 2, dtype=float)
    order = np.lexsort((heads, tails))  # arcs by tail, then head: rows of a sparse matrix
    tails, heads, weights = tails[order], heads[order], weights[order]
    keys = tails * size + heads
    reverse = np.searchsorted(keys, heads * size + tails)  # the arc j -> i of each arc i -> j
    p = weights / np.bincount(tails, weights=weights, minlength=size)[tails]
    row_max = np.zeros(size)
    np.maximum.at(row_max, tails, weights)
    q = weights / row_max[tails]
    two_step = np.zeros(len(keys))  # (P·P)_ij of each arc i -> j
    redundant = np.zeros(len(keys))  # (P·Qᵀ)_ij of each arc i -> j
    for ka, kb, ab in _triangles(tails, heads, keys, size):
        ak, bk, ba = reverse[ka], reverse[kb], reverse[ab]
        # Each arc i -> j of the triangle gets its share through the third node m:
        # P_im·P_mj to (P·P)_ij and P_im·Q_jm to (P·Qᵀ)_ij. As (i -> j, i -> m, m -> j, j -> m):
        for ij, im, mj, jm in (
            (ab, ak, kb, bk),
            (ba, bk, ka, ak),
            (ka, kb, ba, ab),
            (ak, ab, bk, kb),
            (kb, ka, ab, ba),
            (bk, ba, ak, ka),
        ):
            two_step += np.bincount(ij, weights=p[im] * p[mj], minlength=len(keys))
            redundant += np.bincount(ij, weights=p[im] * q[jm], minlength=len(keys))
    # (float even without arcs: the bincount of no arcs is an integer array)
    constraint = np.bincount(tails, weights=(p + two_step) ** 2, minlength=size).astype(float)
    effective = np.bincount(tails, weights=1.0 - redundant, minlength=size).astype(float)
    isolated = np.bincount(tails, minlength=size) == 0
    constraint[isolated] = effective[isolated] = np.nan
    return (
        {n: float(constraint[i]) for n, i in index.items()},
        {n: float(effective[i]) for n, i in index.items()},
    )


def _finite(value: float) -> float | None:
    return None if value != value else round(value, DIGITS)


def summary(g: nx.Graph, *, exact_diameter_nodes: int = EXACT_DIAMETER_NODES) -> pd.DataFrame:
    """The size and shape of a projection, one measure per row (columns ``measure``, ``value``).

    Measures: nodes, edges, nodes per type, density, connected components (weakly, for
    directed graphs), the largest component's size, isolated nodes, mean degree, transitivity
    and (for undirected graphs) the largest component's diameter: exact up to
    ``exact_diameter_nodes`` nodes (one BFS per node), else the :func:`double_sweep` lower
    bound, and the measure's name says so.
    """
    simple = _measured(g)
    undirected = _measured(simple, undirected=True)
    components = sorted(nx.connected_components(undirected), key=len, reverse=True)
    types = pd.Series(dict(g.nodes(data="type", default=""))).value_counts()
    rows: list[tuple[str, object]] = [
        ("nodes", g.number_of_nodes()),
        ("edges", g.number_of_edges()),
        *((f"nodes of type {t}", int(n)) for t, n in sorted(types.items())),
        ("density", round(nx.density(simple), DIGITS)),
        ("connected components", len(components)),
        ("largest component (nodes)", len(components[0]) if components else 0),
        ("isolated nodes", nx.number_of_isolates(simple)),
        ("mean degree", round(2 * undirected.number_of_edges() / max(len(undirected), 1), 3)),
        ("transitivity", round(transitivity(undirected), DIGITS)),
    ]
    if not g.is_directed() and components:
        if len(components[0]) <= exact_diameter_nodes:
            largest = undirected.subgraph(components[0])
            rows.append(("diameter of largest component", nx.diameter(largest)))
        else:
            rows.append(
                (
                    "diameter of largest component (double sweep, a lower bound)",
                    double_sweep(undirected, components[0]),
                )
            )
    return pd.DataFrame(rows, columns=["measure", "value"], dtype=object)


def transitivity(g: nx.Graph) -> float:
    """The share of connected triples that close into triangles, as
    :func:`networkx.transitivity` defines it (3 × triangles / connected triples; self-loops
    ignored), for an undirected graph.

    networkx counts each triangle at each of its nodes with a set intersection per pair of
    neighbours (Σ degree² steps in Python); this counts each triangle once, from its edges with
    the nodes ranked by degree (Chiba and Nishizeki 1985: O(edges^1.5)), with one set
    intersection per edge.
    """
    neighbours = {node: set(g[node]) - {node} for node in g}
    rank = {node: i for i, node in enumerate(sorted(g, key=lambda n: len(neighbours[n])))}
    later = {
        node: {m for m in linked if rank[m] > rank[node]} for node, linked in neighbours.items()
    }
    triangles = sum(len(later[u] & later[v]) for u, higher in later.items() for v in higher)
    triples = sum(len(linked) * (len(linked) - 1) for linked in neighbours.values())
    return 0 if triangles == 0 else 6 * triangles / triples  # 0, not 0.0, as networkx


def double_sweep(g: nx.Graph, component: Iterable | None = None) -> int:
    """A lower bound of the diameter of the connected graph ``g`` from two breadth-first
    searches (Magnien, Latapy and Habib 2009): from the node of highest degree (ties: the
    smallest id) to a farthest node ``u``, then the eccentricity of ``u``. It is at least half
    the diameter, and on real networks usually the diameter itself; it costs two BFS where the
    exact diameter costs one per node.

    ``component``: the nodes of one connected component of ``g`` to measure instead (its
    searches stay in it, without the cost of a subgraph view)."""
    start = min(
        g.nodes if component is None else component,
        key=lambda node: (-g.degree(node), str(node)),
    )
    distances = nx.single_source_shortest_path_length(g, start)
    farthest = max(distances, key=lambda node: (distances[node], str(node)))
    return max(nx.single_source_shortest_path_length(g, farthest).values())


@dataclass(frozen=True)
class Communities:
    """Louvain communities: one row per node, and the partition's modularity."""

    table: pd.DataFrame
    modularity: float | None

    @property
    def count(self) -> int:
        """How many communities there are."""
        return int(self.table["community"].max()) if len(self.table) else 0

    def largest(self, top: int | None = None) -> pd.DataFrame:
        """The rows of the ``top`` largest communities (all of them for ``None``)."""
        return self.table if top is None else self.table[self.table["community"] <= top]


def communities(g: nx.Graph, *, resolution: float = 1.0, seed: int = SEED) -> Communities:
    """Groups of nodes more densely linked to each other than to the rest (Louvain).

    Args:
        g: any projection; directions are ignored and parallel edges become weights.
        resolution: above 1 favours more, smaller communities; below 1 fewer, larger ones.
        seed: the seed of Louvain's random order, so the same graph gives the same answer.

    Returns:
        A table with ``community`` (1 = the largest), ``size``, ``id``, ``label`` and
        ``type``, sorted by community then label, and the partition's modularity (``None``
        for a graph without links, where every node is its own community and modularity is
        undefined).
    """
    undirected = _measured(g, undirected=True)
    if undirected.number_of_nodes() == 0:
        empty = pd.DataFrame(columns=["community", "size", "id", "label", "type"])
        return Communities(empty, 0.0)
    found = louvain(undirected, weight="weight", resolution=resolution, seed=seed)
    parts = found.communities
    labels = dict(undirected.nodes(data="label", default=""))
    ordered = sorted(parts, key=lambda c: (-len(c), min(labels[n] or n for n in c)))
    rows = [
        {
            "community": number,
            "size": len(part),
            "id": node,
            "label": labels[node] or node,
            "type": undirected.nodes[node].get("type", ""),
        }
        for number, part in enumerate(ordered, start=1)
        for node in part
    ]
    table = pd.DataFrame(rows).sort_values(
        ["community", "label", "id"], key=name_order, ignore_index=True
    )
    if found.modularity is None:
        return Communities(table, None)
    return Communities(table, round(found.modularity, DIGITS))
