"""Where the graph lives and how a checked query is run there.

A *backend* answers checked queries (:class:`graphkit.sparql.checked.CheckedQuery`) with a
:class:`graphkit.sparql.results.QueryResult`. graphkit has four:

- :class:`StoreBackend`: a pyoxigraph store, such as the persistent on-disk store every command
  uses (:func:`graphkit.graph.store.open_store`). Queries run on it directly.
- :class:`GraphBackend`: an rdflib graph (the Python API's default), queried through an
  in-memory Oxigraph copy made once per graph.
- :class:`RdflibBackend`: an rdflib graph queried with rdflib's own engine (``engine="rdflib"``).
- :class:`graphkit.sparql.remote.Endpoint`: any SPARQL 1.1 endpoint.

:func:`as_backend` picks the right one for a graph, store or endpoint; :func:`subgraph` fetches
the part of the graph an analysis needs with one of the CONSTRUCT queries in
``graphkit/queries/subgraphs/``, so analyses never need the whole graph from a large store or a
remote endpoint.

Timeouts are :mod:`graphkit.sparql.timeouts`'s.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import io
import re
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar, runtime_checkable

import pyoxigraph as ox

from graphkit.errors import QueryError, UnknownQueryError
from graphkit.graph.terms import TermGraph, from_oxigraph, store_to_rdflib, to_oxigraph
from graphkit.locations import QUERIES_DIR
from graphkit.sparql.checked import NAMESPACES, CheckedQuery, check_query, package_query
from graphkit.sparql.results import QueryResult, take_rows
from graphkit.sparql.timeouts import call_with_timeout, can_fork, in_child_process, in_thread

if TYPE_CHECKING:  # rdflib and pandas are loaded only by the callers that use them
    import pandas as pd
    from rdflib import Graph, Literal, URIRef

__all__ = [
    "SUBGRAPHS_DIR",
    "Answers",
    "Backend",
    "GraphBackend",
    "Queryable",
    "RdflibBackend",
    "StoreBackend",
    "as_backend",
    "narrowed",
    "oxigraph_store",
    "select_among",
    "select_result",
    "select_table",
    "subgraph",
    "subgraph_names",
    "subgraph_triples",
]

SUBGRAPHS_DIR = QUERIES_DIR / "subgraphs"
TABLES_DIR = QUERIES_DIR / "tables"
T = TypeVar("T")
# An rdflib term, or the pyoxigraph term (what code that never loads rdflib binds).
Term: TypeAlias = "URIRef | Literal | ox.NamedNode | ox.Literal"


Terms = Mapping[str, Term]
Bindings = Terms | None
Seconds = float | None


@runtime_checkable
class Backend(Protocol):
    """Where the graph lives, as everything downstream sees it: a store, a graph or a SPARQL
    endpoint. It answers checked queries (:meth:`run`) and SELECT, CONSTRUCT and ASK text, each
    under a timeout in seconds (``None``: no limit, or an endpoint's own)."""

    description: str

    def run(
        self, checked: CheckedQuery, terms: Terms, *, max_rows: int | None, timeout: Seconds
    ) -> QueryResult: ...

    def select(
        self, query: str, bindings: Bindings = None, *, timeout: Seconds = None
    ) -> QueryResult: ...

    def construct(
        self, query: str, bindings: Bindings = None, *, timeout: Seconds = None
    ) -> Graph: ...

    def ask(self, query: str, bindings: Bindings = None, *, timeout: Seconds = None) -> bool: ...


# What analyses and queries accept: an rdflib graph, a pyoxigraph store or a backend.
Queryable: TypeAlias = "Graph | ox.Store | Backend"


def is_rdflib_graph(value: object) -> bool:
    """Whether ``value`` is an rdflib graph (without importing rdflib: if it is not loaded,
    nothing can be one)."""
    rdflib = sys.modules.get("rdflib")
    return rdflib is not None and isinstance(value, rdflib.Graph)


class Answers:
    """:meth:`select`, :meth:`construct` and :meth:`ask` over a backend's ``run``: every backend
    inherits them, so each implements ``run`` (and names itself in ``description``) only."""

    run: Callable[..., QueryResult]
    # Whether a bound variable is substituted into the query, so that a bound property is looked
    # up in the store's index (an endpoint gets bindings as a trailing VALUES, which it may join
    # last, and rdflib evaluates the whole pattern).
    substitutes_bindings = False

    def _run_text(self, query: str, form: str, bindings: Bindings, **limits: Any) -> QueryResult:
        checked = check_query(query)
        if checked.form != form and not (form == "CONSTRUCT" and checked.form == "DESCRIBE"):
            raise QueryError(f"Expected a {form} query, got {checked.form}.")
        return self.run(checked, dict(bindings or {}), **limits)

    def select(
        self, query: str, bindings: Bindings = None, *, timeout: Seconds = None
    ) -> QueryResult:
        """Every row of the SELECT ``query`` with ``bindings`` bound (``.frame()``: a DataFrame)."""
        return self._run_text(query, "SELECT", bindings, max_rows=None, timeout=timeout)

    def construct(self, query: str, bindings: Bindings = None, *, timeout: Seconds = None) -> Graph:
        """The graph the CONSTRUCT (or DESCRIBE) ``query`` builds, as an rdflib graph."""
        return self._run_text(query, "CONSTRUCT", bindings, max_rows=None, timeout=timeout).graph()

    def ask(self, query: str, bindings: Bindings = None, *, timeout: Seconds = None) -> bool:
        """The answer of the ASK ``query`` with ``bindings`` bound."""
        return bool(self._run_text(query, "ASK", bindings, max_rows=1, timeout=timeout).boolean)


# ---------------------------------------------------------------------------------------------
# Oxigraph stores
# ---------------------------------------------------------------------------------------------


def _substitutions(terms: Mapping[str, Term]) -> dict[ox.Variable, Any]:
    return {ox.Variable(name): to_oxigraph(term) for name, term in terms.items()}


class StoreBackend(Answers):
    """Queries on a pyoxigraph store (on disk or in memory), run directly on it."""

    substitutes_bindings = True

    def __init__(
        self,
        store: ox.Store,
        description: str = "the graph store",
        *,
        database: Path | None = None,
    ) -> None:
        self.store = store
        self.description = description
        self.database = database

    def kept_records(self, name: str) -> tuple[list[str], list[dict[str, Any]]] | None:
        """The columns and rows of a table kept beside the persistent store's ``database``
        folder when it was built (see :func:`graphkit.graph.store.kept_records`), or ``None``."""
        from graphkit.graph.store import kept_records

        return None if self.database is None else kept_records(self.database, name)

    def kept_content(self, name: str) -> Any:
        """What was kept as ``name`` beside the persistent store's ``database`` folder when it
        was built (see :func:`graphkit.graph.store.kept_content`), or ``None``."""
        from graphkit.graph.store import kept_content

        return None if self.database is None else kept_content(self.database, name)

    def kept_file(self, name: str) -> Path | None:
        """The file kept as ``name`` beside the persistent store's ``database`` folder when it
        was built (see :func:`graphkit.graph.store.kept_file`), or ``None``."""
        from graphkit.graph.store import kept_file

        return None if self.database is None else kept_file(self.database, name)

    def __repr__(self) -> str:
        return f"<StoreBackend {self.description}>"

    def _answer(self, checked: CheckedQuery, terms: Mapping[str, Term]) -> Any:
        try:
            return self.store.query(
                checked.text, prefixes=NAMESPACES, substitutions=_substitutions(terms)
            )
        except (SyntaxError, OSError, RuntimeError, ValueError, TypeError) as exc:
            raise QueryError(f"Oxigraph could not run the query: {exc}") from exc

    def _direct(
        self, checked: CheckedQuery, terms: Mapping[str, Term], max_rows: int | None
    ) -> QueryResult:
        answer = self._answer(checked, terms)
        try:
            if checked.form == "ASK":
                return QueryResult("ASK", boolean=bool(answer))
            if checked.form == "SELECT":
                variables = [v.value for v in answer.variables]
                rows, cut = take_rows(map(tuple, answer), max_rows)
                return QueryResult("SELECT", variables, rows, truncated=cut, max_rows=max_rows)
            triples, cut = take_rows(answer, max_rows)
            return QueryResult(checked.form, triples=triples, truncated=cut, max_rows=max_rows)
        except (SyntaxError, OSError, RuntimeError, ValueError, TypeError) as exc:
            raise QueryError(f"Oxigraph could not run the query: {exc}") from exc

    def _forked(
        self, checked: CheckedQuery, terms: Mapping[str, Term], max_rows: int | None, timeout: float
    ) -> QueryResult:
        """Run in a child that streams the answer in Rust: TSV rows, N-Triples, or a boolean."""

        def produce(output: io.BufferedWriter) -> None:
            answer = self._answer(checked, terms)
            if checked.form == "ASK":
                output.write(b"true" if answer else b"false")
            elif checked.form == "SELECT":
                answer.serialize(output, ox.QueryResultsFormat.TSV)
            else:
                ox.serialize(answer, output, ox.RdfFormat.N_TRIPLES)

        header = 1 if checked.form == "SELECT" else 0
        limit = None if max_rows is None or checked.form == "ASK" else max_rows + header
        data, cut = in_child_process(produce, timeout, max_lines=limit)
        if checked.form == "ASK":
            return QueryResult("ASK", boolean=data == b"true")
        if checked.form == "SELECT":
            solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
            variables = [v.value for v in solutions.variables]
            rows = list(map(tuple, solutions))
            return QueryResult("SELECT", variables, rows, truncated=cut, max_rows=max_rows)
        triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        return QueryResult(checked.form, triples=triples, truncated=cut, max_rows=max_rows)

    def run(
        self, checked: CheckedQuery, terms: Terms, *, max_rows: int | None, timeout: Seconds
    ) -> QueryResult:
        """Run ``checked`` on the store; see the module's notes on timeouts."""
        if timeout is None:
            return self._direct(checked, terms, max_rows)
        if timeout <= 0:
            raise ValueError("the timeout must be positive")
        if can_fork():
            return self._forked(checked, terms, max_rows, timeout)
        return in_thread(lambda: self._direct(checked, terms, max_rows), timeout)


_STORE_CACHE_SIZE = 4
_stores: collections.OrderedDict[int, tuple[weakref.ref[Graph], int, ox.Store]] = (
    collections.OrderedDict()
)
_stores_lock = threading.Lock()


def oxigraph_store(graph: Graph) -> ox.Store:
    """An in-memory Oxigraph store holding ``graph``'s triples.

    The last few stores are cached per graph object, so repeated queries do not reload; a graph
    whose size changed since it was loaded is loaded again.
    """
    key = id(graph)
    with _stores_lock:
        cached = _stores.get(key)
        if cached is not None and cached[0]() is graph and cached[1] == len(graph):
            _stores.move_to_end(key)
            return cached[2]
        store = ox.Store()
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        _stores[key] = (weakref.ref(graph), len(graph), store)
        while len(_stores) > _STORE_CACHE_SIZE:
            _stores.popitem(last=False)
        return store


class GraphBackend(StoreBackend):
    """An rdflib graph, queried through its in-memory Oxigraph copy (made on first use)."""

    def __init__(self, graph: Graph, description: str = "the graph") -> None:
        self.graph = graph
        self.description = description
        self.database = None  # nothing is kept beside an in-memory copy

    @property  # type: ignore[override]
    def store(self) -> ox.Store:
        """The Oxigraph copy of the graph (cached, reloaded if the graph changed)."""
        return oxigraph_store(self.graph)

    def __repr__(self) -> str:
        return f"<GraphBackend {len(self.graph)} triples>"


class RdflibBackend(Answers):
    """An rdflib graph queried with rdflib's own SPARQL engine (slow, but pure Python)."""

    def __init__(self, graph: Graph, description: str = "the graph (rdflib engine)") -> None:
        self.graph = graph
        self.description = description

    def _direct(
        self, checked: CheckedQuery, terms: Mapping[str, Term], max_rows: int | None
    ) -> QueryResult:
        try:
            bound = {name: from_oxigraph(term) for name, term in terms.items()}
            answer = self.graph.query(checked.prepared, initBindings=bound)
            if checked.form == "ASK":
                return QueryResult("ASK", boolean=bool(answer.askAnswer))
            if checked.form == "SELECT":
                variables = [str(v) for v in answer.vars or ()]
                rows, cut = take_rows(map(tuple, answer), max_rows)
                return QueryResult("SELECT", variables, rows, truncated=cut, max_rows=max_rows)
            triples, cut = take_rows(iter(answer), max_rows)
            return QueryResult(checked.form, triples=triples, truncated=cut, max_rows=max_rows)
        except QueryError:
            raise
        except Exception as exc:  # rdflib raises many kinds of errors while evaluating
            raise QueryError(f"rdflib could not run the query: {exc}") from exc

    def run(
        self, checked: CheckedQuery, terms: Terms, *, max_rows: int | None, timeout: Seconds
    ) -> QueryResult:
        """Run ``checked`` with rdflib's engine under ``timeout``."""
        return call_with_timeout(lambda: self._direct(checked, terms, max_rows), timeout)


def as_backend(graph: Queryable, engine: str = "oxigraph") -> Backend:
    """The backend for ``graph``: an rdflib ``Graph``, a ``pyoxigraph.Store`` or a backend.

    ``engine="rdflib"`` answers with rdflib's engine; a store is then read into an rdflib graph
    first (fine for small graphs only).
    """
    if engine not in ("oxigraph", "rdflib"):
        raise QueryError(f"Unknown engine {engine!r}; use oxigraph or rdflib.")
    if is_rdflib_graph(graph):
        return RdflibBackend(graph) if engine == "rdflib" else GraphBackend(graph)
    if isinstance(graph, ox.Store):
        if engine == "rdflib":
            return RdflibBackend(store_to_rdflib(graph))
        return StoreBackend(graph)
    if isinstance(graph, Backend):
        if engine == "rdflib" and not isinstance(graph, RdflibBackend):
            raise QueryError(f"The rdflib engine cannot run on {graph.description}.")
        return graph
    raise TypeError(
        f"Cannot query {type(graph).__name__}: give an rdflib Graph, a store or an endpoint."
    )


# ---------------------------------------------------------------------------------------------
# Subgraphs for analyses
# ---------------------------------------------------------------------------------------------


@functools.cache
def _subgraph_texts() -> dict[str, str]:
    return {
        path.stem: path.read_text(encoding="utf-8") for path in sorted(SUBGRAPHS_DIR.glob("*.rq"))
    }


def subgraph_names() -> list[str]:
    """The names of the subgraph queries in ``graphkit/queries/subgraphs/``."""
    return list(_subgraph_texts())


def subgraph(
    graph: Queryable, name: str, bindings: Bindings = None, *, timeout: Seconds = None
) -> Graph:
    """The part of the graph that the analysis ``name`` needs, as an rdflib graph.

    An rdflib ``Graph`` is returned as it is (it is already in memory); from a store or an
    endpoint, the CONSTRUCT query ``graphkit/queries/subgraphs/<name>.rq`` fetches the
    subgraph, with ``bindings`` bound (for example ``{"entity": URIRef(...)}``).

    Raises:
        UnknownQueryError: no subgraph query has this name.
        QueryError: the query failed or timed out.
    """
    if is_rdflib_graph(graph):
        return graph  # type: ignore[return-value]
    texts = _subgraph_texts()
    if name not in texts:
        raise UnknownQueryError(f"No subgraph query {name!r}; known: {', '.join(texts)}.")
    checked = package_query(texts[name])
    return (
        as_backend(graph).run(checked, dict(bindings or {}), max_rows=None, timeout=timeout).graph()
    )


def subgraph_triples(
    graph: Queryable, name: str, bindings: Bindings = None, *, timeout: Seconds = None
) -> TermGraph:
    """:func:`subgraph` as a :class:`graphkit.graph.terms.TermGraph` of pyoxigraph terms, for
    analyses that walk a small part of the graph without rdflib."""
    if is_rdflib_graph(graph):
        return TermGraph.of(graph)  # type: ignore[arg-type]
    texts = _subgraph_texts()
    if name not in texts:
        raise UnknownQueryError(f"No subgraph query {name!r}; known: {', '.join(texts)}.")
    checked = package_query(texts[name])
    answer = as_backend(graph).run(checked, dict(bindings or {}), max_rows=None, timeout=timeout)
    return TermGraph(answer.terms)


@functools.cache
def _table_text(name: str) -> str:
    path = TABLES_DIR / f"{name}.rq"
    if not path.is_file():
        raise UnknownQueryError(f"No table query {name!r} in {TABLES_DIR}.")
    return path.read_text(encoding="utf-8")


# A table query that can be narrowed to some entities has ``VALUES ?var { UNDEF }`` in its pattern
# (one row binding nothing: not narrowed, the query reads everything).
_OPEN_VALUES = r"VALUES\s+\?{}\s*\{{\s*UNDEF\s*\}}"


def narrowed(checked: CheckedQuery, among: Mapping[str, Iterable[Term]]) -> CheckedQuery:
    """``checked`` with each ``VALUES ?var { UNDEF }`` of a variable of ``among`` listing that
    variable's terms instead, so that the engine starts from them (a binding would be joined
    after the whole pattern is matched on some engines, and is one value only).

    Each term is written in its N-Triples form, so a value can never close the block.

    Raises:
        QueryError: the query has no such block for one of the variables.
    """
    text = checked.text
    for variable, terms in among.items():
        block = re.compile(_OPEN_VALUES.format(re.escape(variable)))
        if block.search(text) is None:
            raise QueryError(f"The query has no 'VALUES ?{variable} {{ UNDEF }}' to narrow.")
        listed = " ".join(str(to_oxigraph(term)) for term in terms)
        text = block.sub(f"VALUES ?{variable} {{ {listed} }}".replace("\\", "\\\\"), text)
    return dataclasses.replace(checked, text=text)


def select_result(
    graph: Queryable,
    name: str,
    bindings: Bindings = None,
    *,
    timeout: Seconds = None,
    max_rows: int | None = None,
    among: Mapping[str, Iterable[Term]] | None = None,
) -> QueryResult:
    """The answer of the SELECT query ``graphkit/queries/tables/<name>.rq`` on ``graph`` (an
    rdflib graph, a store or a backend), with ``bindings`` bound; with ``max_rows``, reading
    stops after that many rows (``truncated``: there were more); with ``among``, only the rows
    of these terms of each variable (see :func:`narrowed`).

    Analyses use these to read what they need from a large store or an endpoint as rows,
    without building an rdflib graph at all; ``.dicts()`` gives the rows without pandas.
    """
    checked = package_query(_table_text(name))
    if checked.form != "SELECT":
        raise QueryError(f"The table query {name!r} is not a SELECT query.")
    if among is not None:
        checked = narrowed(checked, among)
    return as_backend(graph).run(checked, dict(bindings or {}), max_rows=max_rows, timeout=timeout)


# How many IRIs one narrowed query lists (a VALUES block of about 80 characters each).
AMONG_CHUNK = 500


def select_among(
    graph: Queryable, name: str, variables: Iterable[str], iris: Iterable[str]
) -> Iterator[tuple[object, ...]]:
    """The records (as :meth:`QueryResult.records`) of the table query ``name`` narrowed to the
    IRIs ``iris`` (each once) on each of ``variables`` (:func:`narrowed`), read
    :data:`AMONG_CHUNK` IRIs at a time."""
    listed = [ox.NamedNode(iri) for iri in dict.fromkeys(iris)]
    names = tuple(variables)
    for start in range(0, len(listed), AMONG_CHUNK):
        chunk = listed[start : start + AMONG_CHUNK]
        yield from select_result(graph, name, among=dict.fromkeys(names, chunk)).records()


def select_table(
    graph: Queryable, name: str, bindings: Bindings = None, *, timeout: Seconds = None
) -> pd.DataFrame:
    """The rows of :func:`select_result` as a DataFrame (see
    :meth:`graphkit.sparql.results.QueryResult.frame`)."""
    return select_result(graph, name, bindings, timeout=timeout).frame()
