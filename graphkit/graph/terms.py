"""RDF terms between pyoxigraph and rdflib, and as plain Python values: the one conversion
every engine, the store and the results use.

rdflib is imported only where an rdflib term is made or read, so commands that only query the
store start without it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
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
        if datatype == _STRING:
            return Literal(term.value)
        # Keep the store's lexical form: rdflib would respell some values (1000 as 1000.0).
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
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
_DECIMAL = XSD + "decimal"
_DECIMAL_FORM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INTEGER_FORM = re.compile(r"^[+-]?\d+$")
# Datatypes whose values Oxigraph stores natively and so writes back in a form of its own.
_STORED_AS_VALUES = {
    XSD + name
    for name in (
        "double",
        "float",
        "date",
        "dateTime",
        "dateTimeStamp",
        "time",
        "gYear",
        "gYearMonth",
        "gMonth",
        "gMonthDay",
        "gDay",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
    )
}


def canonical_lexical(lexical: str, datatype: str | None) -> str:
    """The one lexical form graphkit gives a literal of ``datatype``: the form the Oxigraph store
    keeps, so that the store, every export (Turtle, N-Triples, JSON-LD) and every SPARQL engine
    reading them spell a value the same way.

    Oxigraph stores numbers, booleans, dates and durations as values and writes them back in
    its own canonical form, whatever the input said: ``"4.0"^^xsd:decimal`` is ``"4"``,
    ``"04"^^xsd:integer`` is ``"4"``, ``"1"^^xsd:boolean`` is ``"true"``, ``"1e3"^^xsd:double``
    is ``"1000"``, ``"2019-04-09+00:00"^^xsd:date`` is ``"2019-04-09Z"``. Text that is not a
    valid value of its datatype, and literals of any other datatype, stay as written.

    Args:
        lexical: the literal's text.
        datatype: the datatype IRI as a string (``None``: plain text, unchanged).

    Returns:
        The lexical form to store and write.
    """
    if datatype in _INTEGER_TYPES:
        return str(int(lexical)) if _INTEGER_FORM.match(lexical) else lexical
    if datatype == _DECIMAL:
        if not _DECIMAL_FORM.match(lexical):
            return lexical
        value = Decimal(lexical)
        return "0" if value == 0 else format(value.normalize(), "f")
    if datatype == _BOOLEAN:
        return {"1": "true", "0": "false"}.get(lexical, lexical)
    if datatype in _STORED_AS_VALUES:
        return _stored_form(lexical, datatype)
    return lexical


def canonical_lexicals(lexicals: Sequence[str], datatype: str | None) -> list[str]:
    """:func:`canonical_lexical` of each of ``lexicals`` (all of ``datatype``): the values
    Oxigraph stores natively are written into one in-memory store together and read back, in
    one pass instead of one store round trip each."""
    if datatype not in _STORED_AS_VALUES:
        return [canonical_lexical(lexical, datatype) for lexical in lexicals]
    kind = ox.NamedNode(datatype)
    subjects = [ox.NamedNode(f"urn:graphkit:canonical:{i}") for i in range(len(lexicals))]
    store = ox.Store()
    store.extend(
        ox.Quad(subject, _PROBE, ox.Literal(lexical, datatype=kind))
        for subject, lexical in zip(subjects, lexicals, strict=True)
    )
    stored = {
        quad.subject: quad.object.value for quad in store.quads_for_pattern(None, _PROBE, None)
    }
    return [stored[subject] for subject in subjects]


_PROBE = ox.NamedNode("urn:graphkit:value")


def _stored_form(lexical: str, datatype: str) -> str:
    """The lexical form Oxigraph writes back for a value it stores natively (its rules for
    doubles, dates and durations are not worth restating)."""
    (form,) = canonical_lexicals([lexical], datatype)
    return form


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
