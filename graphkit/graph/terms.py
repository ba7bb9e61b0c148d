"""RDF terms between pyoxigraph and rdflib, and as plain Python values: the one conversion
every engine, the store and the results use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from graphkit.errors import QueryError
from graphkit.graph.namespaces import bind_prefixes

_STRING = str(XSD.string)
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_oxigraph(term: Node) -> OxTerm:
    """An rdflib IRI, blank node or literal as the pyoxigraph term."""
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
    str(t)
    for t in (
        XSD.integer,
        XSD.int,
        XSD.long,
        XSD.short,
        XSD.byte,
        XSD.nonNegativeInteger,
        XSD.positiveInteger,
        XSD.nonPositiveInteger,
        XSD.negativeInteger,
        XSD.unsignedInt,
        XSD.unsignedLong,
        XSD.unsignedShort,
        XSD.unsignedByte,
    )
}
_FLOAT_TYPES = {str(XSD.decimal), str(XSD.double), str(XSD.float)}
_BOOLEAN = str(XSD.boolean)


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
    if isinstance(term, Literal):
        return _literal_value(str(term), str(term.datatype) if term.datatype else None)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_rdflib(triples: Iterable[Any]) -> Graph:
    """An rdflib graph (with graphkit's prefixes) of pyoxigraph triples or quads."""
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
