"""Parts of the knowledge network read around one entity, without reading the whole network.

The ego and project views draw a few dozen nodes of a network that may have millions: reading
the whole knowledge network first (:func:`graphkit.analysis.network.knowledge_graph`) took a
minute and 2.7 GB on a 100,000-row store for a four-node picture. Here the store or endpoint is
asked only about the entities the part needs, a few hundred at a time, with the knowledge
network's own table queries narrowed to them: ``knowledge-neighbours.rq`` for their links,
``knowledge-classes-among.rq`` for the type of what is at the other ends, and for the nodes
drawn only, ``knowledge-nodes-among.rq``, ``knowledge-themes-among.rq`` and
``property-labels.rq`` (the labels of their links):

- :func:`ego_network`: everything within ``depth`` links of an entity, either way;
- :func:`project_network`: a project, everything that belongs to it and what lies within
  ``depth`` links of it.

Each is the same network, nodes, edges and attributes (``projects`` included), as the part of
:func:`~graphkit.analysis.network.knowledge_graph` it stands for, its nodes in the order of their
IRIs and its edges in the order of their links, as there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from graphkit.analysis.names import entity_id, local_name
from graphkit.analysis.network import (
    HUB_CLASSES,
    is_knowledge_node,
    knowledge_network,
    knowledge_nodes,
    link_labels,
    node_projects,
)
from graphkit.graph.iris import GKR_IRI
from graphkit.sparql.backends import Backend, Queryable, as_backend, select_among

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["NotInNetworkError", "ego_network", "project_network"]


class NotInNetworkError(LookupError):
    """The entity asked for is not a node of the knowledge network (a citation, a source, or
    no entity at all)."""


Link = tuple[str, str, str]


class _Reader:
    """What has been read of the knowledge network so far: the type of the entities met and the
    links of some of them.

    ``kinds`` holds the type (class local name) of every entity met, ``None`` for one that is no
    node; ``links`` every link read of each entity whose links were read (either way, whatever is
    at the other end); ``ended`` the entities whose links' other ends were all met, whose
    :meth:`neighbours` are therefore known. Only the nodes drawn are read whole (label, source,
    quote, themes).
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.kinds: dict[str, str | None] = {}
        self.links: dict[str, set[Link]] = {}
        self.ended: set[str] = set()

    def read_kinds(self, ids: Iterable[str]) -> None:
        """Read the type of each of the entities ``ids`` (by id) not met yet."""
        wanted = [node for node in dict.fromkeys(ids) if node not in self.kinds]
        found: dict[str, str | None] = dict.fromkeys(wanted)
        iris = (GKR_IRI + node for node in wanted)
        for entity, cls in select_among(self.backend, "knowledge-classes-among", ["entity"], iris):
            node, name = entity_id(str(entity)), local_name(str(cls))
            if found[node] is None and is_knowledge_node(name):  # as knowledge_nodes
                found[node] = name
        self.kinds.update(found)

    def read_links(self, ids: Iterable[str], *, ends: bool = True) -> None:
        """Read the links of the entities ``ids`` and, with ``ends``, the type of the entities
        at their other ends."""
        wanted = [node for node in dict.fromkeys(ids) if node not in self.links]
        for node in wanted:
            self.links[node] = set()
        iris = (GKR_IRI + node for node in wanted)
        for s, p, o in select_among(self.backend, "knowledge-neighbours", ["s", "o"], iris):
            link = (str(s), str(p), str(o))
            for end in {entity_id(link[0]), entity_id(link[2])}:
                if end in self.links:
                    self.links[end].add(link)
        if ends:
            todo = [node for node in dict.fromkeys(ids) if node not in self.ended]
            self.read_kinds(
                entity_id(iri) for n in todo for s, _, o in self.links[n] for iri in (s, o)
            )
            self.ended.update(todo)

    def neighbours(self, node: str) -> set[str]:
        """The nodes linked to ``node`` either way (its links and their ends must have been
        read), itself along a loop."""
        assert node in self.ended, node
        found = set()
        for s, _, o in self.links[node]:
            subject, value = entity_id(s), entity_id(o)
            other = value if subject == node else subject
            if self.kinds[other] is not None:
                found.add(other)
        return found

    def kind(self, node: str) -> str:
        return str(self.kinds[node])

    def within(self, start: str, depth: int) -> set[str]:
        """The nodes within ``depth`` links of ``start``, either way."""
        reached, frontier = {start}, [start]
        for _ in range(depth):
            self.read_links(frontier)
            frontier = sorted({m for n in frontier for m in self.neighbours(n)} - reached)
            reached.update(frontier)
        return reached

    def network(self, part: set[str]) -> nx.MultiDiGraph:
        """The knowledge network of the nodes ``part`` with their ``projects``, read along the
        links :func:`graphkit.analysis.network.node_projects` follows from them: theirs, those
        of the memberships, events and transfers linked to them, and of the events linked to
        those. A project's ``projects`` is itself: of a project only the links are read, not
        what is at their other ends (thousands of memberships, say)."""
        others = [node for node in part if self.kind(node) != "Project"]
        self.read_links(others)
        self.read_links(part - set(others), ends=False)
        hubs = {m for n in others for m in self.neighbours(n) | {n} if self.kind(m) in HUB_CLASSES}
        self.read_links(hubs)
        self.read_links(
            {m for h in hubs for m in self.neighbours(h) if m != h and self.kind(m) == "Event"}
        )
        kind = {node: name for node, name in self.kinds.items() if name is not None}
        pairs = [(node, other) for node in self.ended for other in self.neighbours(node)]
        projects = node_projects(kind, pairs, part)
        nodes = knowledge_nodes(self.backend, among=(GKR_IRI + node for node in part))
        for node, attrs in nodes.items():
            attrs["projects"] = projects[node]
        links = {link for node in part for link in self.links[node]}
        labels = link_labels(self.backend, sorted({p for _, p, _ in links}))
        return knowledge_network(nodes, links, labels)

    def members(self, project: str) -> set[str]:
        """The nodes whose ``projects`` (see :func:`graphkit.analysis.network.node_projects`)
        hold ``project``: the project; what is linked to it; the memberships, events and
        transfers linked to it or to an event linked to it (hubs), and what is linked to those.
        Other projects are never members (a project's ``projects`` is itself)."""
        self.read_links([project])
        direct = self.neighbours(project)
        events = [e for e in direct if self.kind(e) == "Event"]
        self.read_links(events)
        hubs = {n for n in direct if self.kind(n) in HUB_CLASSES}
        hubs |= {h for e in events for h in self.neighbours(e) if h != e}
        hubs = {h for h in hubs if self.kind(h) in HUB_CLASSES}
        self.read_links(hubs)
        around = direct | hubs | {m for h in hubs for m in self.neighbours(h)}
        return {project} | {n for n in around if self.kind(n) != "Project"}


def _reader(graph: Queryable, entity: str) -> _Reader:
    reader = _Reader(as_backend(graph))
    reader.read_kinds([entity])
    if reader.kinds[entity] is None:
        raise NotInNetworkError(f"{entity!r} is not an entity of the knowledge graph's network.")
    return reader


def ego_network(graph: Queryable, center: str, depth: int = 1) -> nx.MultiDiGraph:
    """Everything within ``depth`` links of the entity ``center`` (an id), either way: the
    network ``networkx.ego_graph(knowledge_graph(graph), center, depth, undirected=True)``
    stands for, read around ``center`` only.

    Raises:
        NotInNetworkError: ``center`` is not a node of the knowledge network.
    """
    reader = _reader(graph, center)
    return reader.network(reader.within(center, depth))


def project_network(graph: Queryable, project: str, depth: int = 1) -> nx.MultiDiGraph:
    """The project ``project`` (an id), every node that belongs to it (whose ``projects`` hold
    it) and everything within ``depth`` links of it, either way, read around it only.

    Raises:
        NotInNetworkError: ``project`` is not a node of the knowledge network.
    """
    reader = _reader(graph, project)
    return reader.network(reader.within(project, depth) | reader.members(project))
