"""One handle over the knowledge graph, wherever it lives: :func:`open` and :class:`KnowledgeGraph`.

``graphkit.open()`` chooses once where the graph lives: the persistent store of the bundled
datasets and your own ``data`` folders (built on first use, rebuilt when they change), an rdflib
graph you already hold (``graph=``), or a remote SPARQL endpoint (``endpoint=``). Every caller
(the command line, notebooks, ``serve``, the tests) then asks the same object, so the Python API
and the CLI give the same answers because they are the same calls::

    import graphkit as gk

    kg = gk.open()                                   # or gk.open(endpoint="http://.../query")
    kg.transfers(origin="Wien")                      # a DataFrame, one row per transfer
    kg.paths("Wien", "Taranto").text()
    kg.centrality("cities").table.head()
    kg.explain("Taranto").facts

Analyses read the graph through :class:`graphkit.sparql.backends.Backend` (SELECT, CONSTRUCT and ASK
with a timeout); those that walk a graph in Python get only the subgraph they need, fetched with
a CONSTRUCT query of ``graphkit/queries/subgraphs/``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Unpack

from graphkit.errors import GraphkitError
from graphkit.locations import DATASETS_DIR

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    import pyoxigraph as ox
    from rdflib import Graph, URIRef

    from graphkit.analysis.explain import Explanation
    from graphkit.analysis.network import Communities, NodeMeasures, Sampling
    from graphkit.analysis.stats import GraphStats
    from graphkit.analysis.transfers import Paths, TransferFilters
    from graphkit.analysis.validate import ValidationReport
    from graphkit.data.load import Dataset
    from graphkit.sparql.backends import Backend
    from graphkit.sparql.results import QueryResult
    from graphkit.views.serve import SparqlServer
    from graphkit.views.visualise import Picture, ViewOptions

__all__ = [
    "EXPORT_SUBGRAPHS",
    "NETWORK_SUBGRAPHS",
    "BuiltFile",
    "KnowledgeGraph",
    "open",
]

# The subgraphs (graphkit/queries/subgraphs/NAME.rq) each network, export and view needs.
NETWORK_SUBGRAPHS: dict[str, tuple[str, ...]] = {
    "cities": ("actors",),
    "organisations": ("actors",),
    "actors": ("actors",),
    "transfers": ("transfers",),
}
# The networks read with SELECT queries on the store or endpoint itself: no subgraph is fetched.
SELECTED_NETWORKS = frozenset({"cities", "organisations", "actors", "transfers", "knowledge"})
EXPORT_SUBGRAPHS: dict[str, tuple[str, ...]] = {
    **NETWORK_SUBGRAPHS,
    "knowledge": ("everything",),
}


@dataclass(frozen=True)
class BuiltFile:
    """What :meth:`KnowledgeGraph.build_file` wrote: where, how many triples, and the data
    entities per class (columns ``class``, ``label``, ``count``)."""

    path: Path
    triples: int
    by_class: pd.DataFrame


class KnowledgeGraph:
    """The knowledge graph, wherever it lives, and everything researchers ask of it.

    Make one with :func:`graphkit.open`. Where the graph lives is decided there and hidden
    behind :attr:`backend`; no method asks which kind it got.
    """

    def __init__(
        self,
        *,
        folders: Sequence[Path] = (DATASETS_DIR,),
        store_dir: Path | None = None,
        backend: Backend | None = None,
        graph: Graph | None = None,
        on_build: Callable[[str], None] | None = None,
    ) -> None:
        self.folders = tuple(Path(f) for f in folders)
        self.store_dir = store_dir
        self.on_build = on_build
        self._backend = backend
        self._graph = graph
        self._local = backend is None and graph is None

    def __repr__(self) -> str:
        where = self._backend.description if self._backend is not None else "not opened yet"
        return f"<KnowledgeGraph {where}>"

    # --- Where the graph lives -----------------------------------------------------------

    @property
    def backend(self) -> Backend:
        """Where the graph lives (store, in-memory graph or endpoint), opened on first use: the
        persistent store of :attr:`folders` is built first if the data changed."""
        if self._backend is None:
            self._backend = self._open_backend()
        return self._backend

    def _open_backend(
        self, dataset: Dataset | None = None, ntriples_copy: BinaryIO | None = None
    ) -> Backend:
        from graphkit.analysis.kept import KEPT_TABLES
        from graphkit.graph.store import open_store_database
        from graphkit.sparql.backends import GraphBackend, StoreBackend

        if self._graph is not None:
            return GraphBackend(self._graph)
        store, database = open_store_database(
            self.folders,
            self.store_dir,
            dataset=dataset,
            on_build=self.on_build,
            tables=KEPT_TABLES,
            ntriples_copy=ntriples_copy,
        )
        names = ", ".join(str(f) for f in self.folders)
        return StoreBackend(store, f"the graph store of {names}", database=database)

    def prefetch(self) -> None:
        """Start opening the persistent store of :attr:`folders` in a thread, so that the
        first use of :attr:`backend` waits less (nothing for an endpoint or a graph)."""
        if self._local and self._backend is None:
            from graphkit.graph.store import prefetch_store

            prefetch_store(self.folders, self.store_dir)

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store holding the whole graph (local graphs only: ``serve`` and
        ``push`` hand it on)."""
        from graphkit.sparql.backends import StoreBackend

        backend = self.backend
        if not isinstance(backend, StoreBackend):
            raise GraphkitError(f"{backend.description} is not a local graph store.")
        return backend.store

    def graph(
        self, need: str | Sequence[str] | None = None, bindings: Mapping[str, Any] | None = None
    ) -> Graph:
        """The graph (or the part of it an analysis needs) as an rdflib graph.

        Args:
            need: names of subgraph queries of ``graphkit/queries/subgraphs/`` whose union is
                wanted (``None``: the whole graph).
            bindings: their parameters, e.g. ``{"entity": URIRef(...)}``.
        """
        from graphkit.graph.terms import store_to_rdflib
        from graphkit.sparql.backends import StoreBackend, subgraph

        if self._graph is not None:
            return self._graph
        backend = self.backend
        if need is None and isinstance(backend, StoreBackend):
            return store_to_rdflib(backend.store)
        names = (need,) if isinstance(need, str) else tuple(need or ("everything",))
        graph = subgraph(backend, names[0], bindings)
        for name in names[1:]:
            graph += subgraph(backend, name, bindings)
        return graph

    # --- The data behind a local graph ---------------------------------------------------

    @functools.cached_property
    def _dataset(self) -> Dataset:
        from graphkit.data.load import load_datasets

        return load_datasets(self.folders)

    def dataset(self) -> Dataset:
        """The checked CSV tables of :attr:`folders` (local data only).

        Raises:
            graphkit.errors.DatasetError: the rows have problems (every one is listed).
        """
        if not self._local:
            raise GraphkitError("A graph opened from an endpoint or a graph has no data folders.")
        return self._dataset

    def build(self) -> Graph:
        """The graph built from the CSVs of :attr:`folders` (with the ontology), and the
        persistent store brought up to date with it."""
        from graphkit.graph.build import build_graph

        dataset = self.dataset()
        graph = build_graph(dataset)
        if self._backend is None:
            self._backend = self._open_backend(dataset)
        return graph

    def build_file(self, out: Path | str, fmt: str = "ttl") -> BuiltFile:
        """Build the graph from the CSVs of :attr:`folders` into the persistent store (only if
        they changed) and write it to ``out`` in ``fmt`` (ttl, nt or jsonld).

        No rdflib graph is built (except for JSON-LD): N-Triples are the lines the store is loaded
        from (:func:`graphkit.graph.build.write_ntriples`), Turtle is written by Oxigraph from the
        store (:func:`graphkit.graph.store.write_graph`). The same data gives the same bytes.

        Returns:
            The path written, the number of triples and the data entities of each class.

        Raises:
            graphkit.errors.DatasetError: the rows have problems (nothing is written).
            graphkit.errors.OutputError: ``out`` cannot be written.
        """
        from graphkit.analysis.stats import class_counts
        from graphkit.files import write_atomic_with
        from graphkit.graph.build import write_graph_ntriples, write_ntriples
        from graphkit.graph.store import write_graph

        dataset = self.dataset()
        if fmt == "nt" and self._backend is None and self._graph is None:

            def write(output: BinaryIO) -> None:
                # A store that has to be built writes the N-Triples it is loaded from as it goes.
                self._backend = self._open_backend(dataset, ntriples_copy=output)
                if output.tell() == 0:  # it was up to date: nothing was written
                    write_graph_ntriples(dataset, output)

            path = write_atomic_with(out, write)
        else:
            if self._backend is None:
                self._backend = self._open_backend(dataset)
            path = (
                write_ntriples(dataset, out) if fmt == "nt" else write_graph(self.store, out, fmt)
            )
        store = self.store
        return BuiltFile(path=path, triples=len(store), by_class=class_counts(self.backend))

    def validate(self) -> ValidationReport:
        """Check the graph built from the CSVs against the SHACL shapes; each violation names
        the CSV file, line and column behind it."""
        from graphkit.analysis.validate import validate_graph
        from graphkit.graph.build import build_graph

        dataset = self.dataset()
        return validate_graph(build_graph(dataset), dataset)

    # --- Names ---------------------------------------------------------------------------

    def resolve(self, name: str) -> URIRef:
        """The entity called ``name`` (an id or any name, case and accents ignored).

        Raises:
            graphkit.errors.UnknownNameError, graphkit.errors.AmbiguousNameError
        """
        from graphkit.analysis.names import name_index

        return name_index(self.backend).resolve(name)

    # --- Transfers, paths and cascades ---------------------------------------------------

    def transfers(self, **filters: Unpack[TransferFilters]) -> pd.DataFrame:
        """One row per practice transfer, optionally filtered by ``origin``, ``target``,
        ``project``, ``practice``, ``theme``, ``since``, ``until``, ``within_km`` and ``of``; see
        :func:`graphkit.analysis.transfers.transfers_table`."""
        from graphkit.analysis.transfers import transfers_table

        return transfers_table(self.backend, **filters)

    def places(self) -> pd.DataFrame:
        """Every city with its GeoNames id, coordinates, ISO country code, region and population
        (see :func:`graphkit.analysis.geo.city_places`)."""
        from graphkit.analysis.geo import city_places

        return city_places(self.backend)

    def transfer_records(self, **filters: Unpack[TransferFilters]) -> list[dict[str, Any]]:
        """:meth:`transfers` as plain rows (one mapping per transfer), without pandas; see
        :func:`graphkit.analysis.transfers.transfer_records`."""
        from graphkit.analysis.transfers import transfer_records

        return transfer_records(self.backend, **filters)

    def paths(self, origin: str, target: str) -> Paths:
        """How practices could travel from city ``origin`` to city ``target``; see
        :func:`graphkit.analysis.transfers.transfer_paths`."""
        from graphkit.analysis.transfers import transfer_paths

        return transfer_paths(self.backend, origin, target)

    def cascades(self) -> pd.DataFrame:
        """Practice adoption cascades; see :func:`graphkit.analysis.transfers.cascades`."""
        from graphkit.analysis.transfers import cascades

        return cascades(self.backend)

    def partners(
        self,
        city: str,
        *,
        theme: str | None = None,
        top: int | None = 10,
        weights: Mapping[str, float] | None = None,
    ) -> pd.DataFrame:
        """The cities ``city`` could learn from, ranked, each with its score and reasons; see
        :func:`graphkit.analysis.partners.partner_cities`."""
        from graphkit.analysis.partners import partner_cities

        return partner_cities(self.backend, city, theme=theme, top=top, weights=weights)

    # --- Network measures ----------------------------------------------------------------

    def network(self, kind: str = "cities") -> nx.Graph:
        """The ``kind`` network (cities, organisations, transfers or actors) as networkx graph;
        see :func:`graphkit.analysis.network.projection`."""
        return self._network(kind, details=True)

    def _network(self, kind: str, *, details: bool) -> nx.Graph:
        """The ``kind`` network; ``details=False``: with only what the network measures read
        (labels, types and weights), the same nodes and edges in the same order."""
        from graphkit.analysis.network import projection

        if kind not in NETWORK_SUBGRAPHS:
            raise GraphkitError(f"Unknown network {kind!r}; use {', '.join(NETWORK_SUBGRAPHS)}.")
        return projection(self._network_source(kind, NETWORK_SUBGRAPHS), kind, details=details)

    def _network_source(self, kind: str, subgraphs: Mapping[str, Sequence[str]]) -> Graph | Backend:
        """What the ``kind`` network is read from: the backend itself (SELECT queries), or the
        rdflib union of its ``subgraphs``."""
        return self.backend if kind in SELECTED_NETWORKS else self.graph(subgraphs[kind])

    def summary(self, kind: str = "cities") -> pd.DataFrame:
        """Size and shape of the ``kind`` network; see :func:`graphkit.analysis.network.summary`."""
        from graphkit.analysis.network import summary

        return summary(self._network(kind, details=False))

    def centrality(self, kind: str = "cities", **sampling: Unpack[Sampling]) -> NodeMeasures:
        """Degree, betweenness, PageRank and reach of every node of the ``kind`` network;
        ``sampling`` (``exact``, ``seed``, ...) as for :func:`graphkit.analysis.network.centrality`."""
        from graphkit.analysis.network import centrality

        return centrality(self._network(kind, details=False), **sampling)

    def brokers(self, kind: str = "cities", **sampling: Unpack[Sampling]) -> NodeMeasures:
        """The brokers of the ``kind`` network (high betweenness, low Burt constraint)."""
        from graphkit.analysis.network import brokers

        return brokers(self._network(kind, details=False), **sampling)

    def communities(
        self,
        kind: str = "cities",
        *,
        resolution: float = 1.0,
        seed: int = 42,
    ) -> Communities:
        """Louvain communities of the ``kind`` network (``.largest(n)``: the n largest)."""
        from graphkit.analysis.network import communities

        return communities(self._network(kind, details=False), resolution=resolution, seed=seed)

    # --- Entities, counts and queries ----------------------------------------------------

    def explain(self, name: str) -> Explanation:
        """Everything the graph says about the entity called ``name``, each fact with its
        source and quote; see :func:`graphkit.analysis.explain.explain`."""
        import pyoxigraph as ox

        from graphkit.analysis.explain import explain
        from graphkit.analysis.names import name_index
        from graphkit.sparql.backends import subgraph_triples

        if self._graph is not None:
            return explain(self._graph, name)
        found = name_index(self.backend).resolve_iri(name)  # then only its subgraph is fetched
        triples = subgraph_triples(self.backend, "explain", {"entity": ox.NamedNode(found)})
        return explain(triples, found)

    def stats(self, by: str = "all") -> GraphStats:
        """Entities per class, links per project and facts per source document, counted by the
        store or endpoint (only the table ``by``: ``class``, ``project`` or ``source``; ``all``:
        every one); see :func:`graphkit.analysis.stats.counted_stats`."""
        from graphkit.analysis.stats import counted_stats

        return counted_stats(self.backend, by)

    def query(
        self,
        text_or_name: str | Path,
        values: Mapping[str, str] | None = None,
        *,
        engine: str = "oxigraph",
        timeout: float | None = 30.0,
        max_rows: int | None = 10_000,
        max_triples: int | None = None,
    ) -> QueryResult:
        """Run a bundled query (by name), a ``.rq`` file or SPARQL text; ``values`` are
        parameter values as a user types them (``{"city": "Wien"}``), bound as RDF terms.
        ``max_rows`` caps SELECT rows (cut, and said so); ``max_triples`` caps CONSTRUCT and
        DESCRIBE (past it, :class:`graphkit.errors.AnswerTooLargeError`; default: no cap).
        See :func:`graphkit.analysis.query.run_query_with_values`."""
        from graphkit.analysis.query import run_query_with_values

        # Oxigraph answers on the store (or endpoint) itself; rdflib's engine needs a graph.
        source = self.graph() if engine == "rdflib" else self.backend
        return run_query_with_values(
            text_or_name, dict(values or {}), source, engine=engine, timeout=timeout,
            max_rows=max_rows, max_triples=max_triples,
        )  # fmt: skip

    # --- Exports and pictures ------------------------------------------------------------

    def export(
        self, fmt: str, kind: str = "knowledge", out: Path | None = None
    ) -> dict[Path, bytes]:
        """The files that export the graph (RDF formats) or its ``kind`` network (graphml,
        gexf, json, csv), as ``{path: content}``; see :func:`graphkit.views.export.export_files`."""
        from graphkit.views.export import RDF_FORMATS, export_files

        if kind not in EXPORT_SUBGRAPHS:
            raise GraphkitError(f"Unknown graph {kind!r}; use {', '.join(EXPORT_SUBGRAPHS)}.")
        if fmt in RDF_FORMATS:
            return export_files(self.graph(), fmt, kind, out)
        return export_files(self._network_source(kind, EXPORT_SUBGRAPHS), fmt, kind, out)

    def write_export(
        self, fmt: str, kind: str = "knowledge", out: Path | None = None
    ) -> list[Path]:
        """Write the files of :meth:`export` (each complete or not at all) and return their
        paths; the knowledge network as GraphML streams into its file in bounded memory. See
        :func:`graphkit.views.export.write_export`."""
        from graphkit.views.export import RDF_FORMATS, write_export

        if kind not in EXPORT_SUBGRAPHS:
            raise GraphkitError(f"Unknown graph {kind!r}; use {', '.join(EXPORT_SUBGRAPHS)}.")
        if fmt in RDF_FORMATS:
            return write_export(self.graph(), fmt, kind, out)
        return write_export(self._network_source(kind, EXPORT_SUBGRAPHS), fmt, kind, out)

    def view(self, view: str = "full", **options: Unpack[ViewOptions]) -> Picture:
        """Draw a view as a page or a figure; ``options`` as for
        :func:`graphkit.views.visualise.draw_view` (``fmt``, ``size_by``, ``max_nodes`` and the
        filters ``center``, ``depth``, ``project``, ``theme``, ``since``); the "map" view is
        :func:`graphkit.views.maps.draw_map` (also as "pdf")."""
        from graphkit.views.visualise import VIEWS, draw_view

        if view == "map":
            from graphkit.views.maps import draw_map

            return draw_map(self.backend, **options)
        if view not in VIEWS:
            raise GraphkitError(f"Unknown view {view!r}; use {', '.join(VIEWS)}.")
        # Every view reads SELECT rows on the store or endpoint itself; one too large to draw
        # is refused there before any of it is read.
        return draw_view(self.backend, view, **options)

    def server(
        self,
        host: str = "127.0.0.1",
        port: int = 7878,
        *,
        engine: str = "oxigraph",
        **settings: Any,
    ) -> SparqlServer:
        """A read-only SPARQL endpoint over the graph (call ``serve_forever()`` on it): Oxigraph
        answers on the store itself, rdflib's engine on an rdflib copy; ``settings`` (timeout,
        max_rows, cors_origin, allow_hosts) as for :func:`graphkit.views.serve.make_server`."""
        from graphkit.sparql.backends import StoreBackend
        from graphkit.views.serve import make_server

        if engine == "oxigraph":
            graph: Graph | ox.Store = self.store
            backend = self.backend
            if isinstance(backend, StoreBackend) and backend.database is not None:
                settings.setdefault("database", backend.database)
        else:
            graph = self.graph()
        return make_server(graph, host, port, engine=engine, **settings)


def open(
    data: Path | str | Sequence[Path | str] | None = None,
    *,
    bundled: bool = True,
    store: Path | str | None = None,
    endpoint: str | None = None,
    endpoint_graph: str | None = None,
    graph: Graph | None = None,
    timeout: float | None = None,
    on_build: Callable[[str], None] | None = None,
) -> KnowledgeGraph:
    """Open the knowledge graph.

    Args:
        data: a folder (or folders) of your own CSVs, in the schema of the bundled ones.
        bundled: include the bundled datasets (default); ``False`` needs ``data``.
        store: the folder of the persistent graph store (default: one per set of data
            folders, in graphkit's cache folder).
        endpoint: read the graph from this SPARQL 1.1 endpoint instead (``data``, ``bundled``
            and ``store`` then do not apply); ``endpoint_graph`` is the named graph holding it.
        graph: an rdflib graph you already hold (for example one you built and changed).
        timeout: with ``endpoint``: seconds a request may take (default: the endpoint's).
        on_build: called with a message when the store has to be (re)built.

    Returns:
        The :class:`KnowledgeGraph`; the store is opened (or built) on first use.

    Raises:
        graphkit.errors.GraphkitError: the options contradict each other.
        graphkit.errors.EndpointError: ``endpoint`` is not an http(s) URL.
    """
    folders = [Path(d) for d in ([data] if isinstance(data, str | Path) else data or [])]
    if not bundled and not folders:
        raise GraphkitError("bundled=False needs at least one data folder.")
    if endpoint_graph and not endpoint:
        raise GraphkitError("endpoint_graph needs an endpoint.")
    if endpoint is not None or graph is not None:
        if folders or not bundled or store is not None:
            raise GraphkitError(
                "An endpoint or a graph holds the graph already: data, bundled and store do not "
                "apply (use 'graphkit push' to upload your data to an endpoint first)."
            )
        if endpoint is not None and graph is not None:
            raise GraphkitError("Give an endpoint or a graph, not both.")
    if endpoint is not None:
        from graphkit.sparql.remote import DEFAULT_TIMEOUT, Endpoint

        backend = Endpoint(
            endpoint, graph=endpoint_graph, timeout=DEFAULT_TIMEOUT if timeout is None else timeout
        )
        return KnowledgeGraph(backend=backend, folders=())
    if graph is not None:
        return KnowledgeGraph(graph=graph, folders=())
    return KnowledgeGraph(
        folders=[*([DATASETS_DIR] if bundled else []), *folders],
        store_dir=Path(store) if store is not None else None,
        on_build=on_build,
    )
