"""RDF terms between pyoxigraph and rdflib, and as plain Python values: the one conversion
every engine, the store and the results use.

rdflib is imported only where an rdflib term is made or read, so commands that only query the
store start without it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from graphkit.errors import QueryError
from graphkit.graph.iris import NAMESPACE_IRIS

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

XSD = NAMESPACE_IRIS["xsd"]
_STRING = XSD + "string"
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
_OX_TERMS = (ox.NamedNode, ox.BlankNode, ox.Literal)


def to_oxigraph(term: Node | OxTerm) -> OxTerm:
    """An rdflib IRI, blank node or literal as the pyoxigraph term (pyoxigraph terms pass)."""
    if isinstance(term, _OX_TERMS):
        return term
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if not isinstance(term, Literal):
        raise QueryError(f"Cannot use {term!r} as an RDF term.")
    if term.language:
        return ox.Literal(str(term), language=term.language)
    datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
    return ox.Literal(str(term), datatype=datatype)


def from_oxigraph(term: object) -> Node | None:
    """A pyoxigraph term as the rdflib term (``None`` stays ``None``; rdflib terms pass)."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.term import Node

    if term is None or isinstance(term, Node):
        return term  # type: ignore[return-value]
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _STRING else URIRef(datatype))
    raise QueryError(f"RDF-star triple terms are not supported in results: {term}")


_INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}
_BOOLEAN = XSD + "boolean"


def _literal_value(lexical: str, datatype: str | None) -> object:
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype in _FLOAT_TYPES:
            return float(lexical)
    except ValueError:
        return lexical
    if datatype == _BOOLEAN:
        return lexical in ("true", "1")
    return lexical


def term_value(term: object) -> object:
    """A result term (pyoxigraph or rdflib) as a plain Python value for a DataFrame cell.

    IRIs become their text, numbers become ``int`` or ``float``, booleans ``bool``, every other
    literal its lexical form (dates stay as written: ``2019``, ``2019-04``, ``2019-04-09``);
    blank nodes become ``_:id``.
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return _literal_value(term.value, term.datatype.value)
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    rdflib = sys.modules.get("rdflib")  # an rdflib term means rdflib is loaded already
    if rdflib is None:
        return str(term)
    Literal, BNode = rdflib.Literal, rdflib.BNode
    if isinstance(term, Literal):
        return _literal_value(str(term), str(term.datatype) if term.datatype else None)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_rdflib(triples: Iterable[Any]) -> Graph:
    """An rdflib graph (with graphkit's prefixes) of pyoxigraph triples or quads."""
    from rdflib import Graph

    from graphkit.graph.namespaces import bind_prefixes

    terms: dict[Any, Node] = {}

    def convert(term: Any) -> Node:
        found = terms.get(term)
        if found is None:
            found = terms[term] = from_oxigraph(term)  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    graph = bind_prefixes(Graph())
    graph.addN(
        (convert(t.subject), convert(t.predicate), convert(t.object), graph) for t in triples
    )
    return graph


def store_to_rdflib(store: ox.Store) -> Graph:
    """The default graph of a pyoxigraph store as an rdflib graph: the one place a store becomes
    rdflib (the rdflib engine and the analyses that walk a whole graph need it)."""
    return to_rdflib(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


class TermGraph:
    """A small read-only graph of pyoxigraph terms, indexed both ways: what an analysis that
    walks a few hundred triples (an entity's explanation) needs, without rdflib.

    Triples keep the order they came in (and duplicates are dropped), so :meth:`value` gives the
    same answer as rdflib's ``Graph.value`` on a graph filled in that order.
    """

    def __init__(self, triples: Iterable[Any]) -> None:
        self._out: dict[Any, dict[Any, dict[Any, None]]] = {}
        self._in: dict[Any, dict[Any, dict[Any, None]]] = {}
        for triple in triples:
            s, p, o = triple if isinstance(triple, tuple) else (
                triple.subject, triple.predicate, triple.object
            )  # fmt: skip
            self._out.setdefault(s, {}).setdefault(p, {})[o] = None
            self._in.setdefault(o, {}).setdefault(s, {})[p] = None

    @classmethod
    def of(cls, graph: Graph) -> TermGraph:
        """The triples of an rdflib graph, as pyoxigraph terms."""
        return cls((to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)

    def objects(self, subject: Any, predicate: Any) -> list[Any]:
        """The objects of ``subject predicate ?``."""
        return list(self._out.get(subject, {}).get(predicate, {}))

    def value(self, subject: Any, predicate: Any) -> Any:
        """The first object of ``subject predicate ?``, or ``None``."""
        return next(iter(self._out.get(subject, {}).get(predicate, {})), None)

    def predicate_objects(self, subject: Any) -> list[tuple[Any, Any]]:
        """Every ``(predicate, object)`` of ``subject``."""
        return [(p, o) for p, objects in self._out.get(subject, {}).items() for o in objects]

    def subject_predicates(self, obj: Any) -> list[tuple[Any, Any]]:
        """Every ``(subject, predicate)`` with ``obj`` as object."""
        return [(s, p) for s, predicates in self._in.get(obj, {}).items() for p in predicates]
