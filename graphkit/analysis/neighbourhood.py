"""Parts of the knowledge network read around one entity, without reading the whole network.

The ego and project views draw a few dozen nodes of a network that may have millions: reading
the whole knowledge network first (:func:`graphkit.analysis.network.knowledge_graph`) took a
minute and 2.7 GB on a 100,000-row store for a four-node picture. Here the store or endpoint is
asked only about the entities the part needs, a few hundred at a time, with the knowledge
network's own table queries narrowed to them (``knowledge-nodes-among.rq``,
``knowledge-themes-among.rq``), ``knowledge-neighbours.rq`` for their links and
``property-labels.rq`` for the labels of those links:

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

from graphkit.analysis.names import entity_id
from graphkit.analysis.network import (
    AMONG_CHUNK,
    HUB_CLASSES,
    knowledge_network,
    knowledge_nodes,
    link_labels,
    node_projects,
)
from graphkit.graph.iris import GKR_IRI
from graphkit.sparql.backends import Backend, Queryable, as_backend, select_result

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["NotInNetworkError", "ego_network", "project_network"]


class NotInNetworkError(LookupError):
    """The entity asked for is not a node of the knowledge network (a citation, a source, or
    no entity at all)."""


Link = tuple[str, str, str]


class _Reader:
    """What has been read of the knowledge network so far: nodes and the links of some of them.

    ``nodes`` holds every node read (by id, attributes but ``projects``); ``links`` the links
    read of each node whose links were asked for, each with both ends nodes of the network.
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.nodes: dict[str, dict[str, object]] = {}
        self.read: set[str] = set()  # ids asked for, nodes or not
        self.links: dict[str, set[Link]] = {}

    def read_nodes(self, ids: Iterable[str]) -> None:
        wanted = [node for node in dict.fromkeys(ids) if node not in self.read]
        self.read.update(wanted)
        if wanted:
            self.nodes.update(knowledge_nodes(self.backend, among=(GKR_IRI + n for n in wanted)))

    def read_links(self, ids: Iterable[str]) -> None:
        """Read the links of the nodes ``ids`` and the nodes at their other ends."""
        import pyoxigraph as ox

        wanted = [node for node in dict.fromkeys(ids) if node not in self.links]
        found: set[Link] = set()
        for start in range(0, len(wanted), AMONG_CHUNK):
            chunk = [ox.NamedNode(GKR_IRI + n) for n in wanted[start : start + AMONG_CHUNK]]
            rows = select_result(
                self.backend, "knowledge-neighbours", among={"s": chunk, "o": chunk}
            ).records()
            found.update((str(s), str(p), str(o)) for s, p, o in rows)
        self.read_nodes(entity_id(iri) for s, _, o in found for iri in (s, o))
        for node in wanted:
            self.links[node] = set()
        for link in found:
            ends = entity_id(link[0]), entity_id(link[2])
            if all(end in self.nodes for end in ends):
                for end in ends:
                    if end in self.links:
                        self.links[end].add(link)

    def neighbours(self, node: str) -> set[str]:
        """The nodes linked to ``node`` either way (its links must have been read)."""
        found = set()
        for s, _, o in self.links[node]:
            subject, value = entity_id(s), entity_id(o)
            found.add(value if subject == node else subject)  # itself along a loop
        return found

    def kind(self, node: str) -> str:
        return str(self.nodes[node]["type"])

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
        those."""
        self.read_links(part)
        hubs = {m for n in part for m in self.neighbours(n) | {n} if self.kind(m) in HUB_CLASSES}
        self.read_links(hubs)
        self.read_links(
            {m for h in hubs for m in self.neighbours(h) if m != h and self.kind(m) == "Event"}
        )
        kind = {node: self.kind(node) for node in self.nodes}
        pairs = [(entity_id(s), entity_id(o)) for links in self.links.values() for s, _, o in links]
        projects = node_projects(kind, pairs, part)
        nodes = {node: {**self.nodes[node], "projects": projects[node]} for node in part}
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
    reader.read_nodes([entity])
    if entity not in reader.nodes:
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
