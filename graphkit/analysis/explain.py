"""Everything the graph says about one entity, each fact with its source and quote.

``explain(graph, "Wien")`` finds Vienna by any of its names (see :mod:`graphkit.analysis.names`) and lists
the statements about it in both directions: what its own row says (its country, its local names)
and what other rows say about it (organisations based there, practices that come from there).
Memberships, practice transfers, policy links and quantities are n-ary nodes: each is shown as
one fact with its details (role, dates, mechanisms, values) rather than as loose triples.

The entity's part of the graph is a few hundred triples at most, walked as pyoxigraph terms
(:class:`graphkit.graph.terms.TermGraph`), so ``graphkit explain`` needs neither rdflib nor pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from graphkit.analysis.names import entity_id, resolve_name
from graphkit.graph.iris import GK_IRI, NAMESPACE_IRIS
from graphkit.graph.terms import TermGraph

if TYPE_CHECKING:
    import pandas as pd
    from rdflib import Graph, URIRef

FACT_COLUMNS = ["direction", "property", "value", "value_id", "details", "source", "quote"]


def _term(prefix: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(NAMESPACE_IRIS[prefix] + name)


RDF_TYPE = _term("rdf", "type")
RDFS_LABEL = _term("rdfs", "label")
SKOS_PREF_LABEL = _term("skos", "prefLabel")
DCTERMS_SOURCE = _term("dcterms", "source")
DCTERMS_IDENTIFIER = _term("dcterms", "identifier")
PROV_WAS_DERIVED_FROM = _term("prov", "wasDerivedFrom")
SKOS_EDITORIAL_NOTE = _term("skos", "editorialNote")
GK_QUOTE = _term("gk", "quote")
UNNAMED_CITY_GROUP = _term("gk", "UnnamedCityGroup")
CITATION = _term("gk", "Citation")

# Statements that every row has and that are shown per fact instead (provenance, names).
_ROW_MACHINERY = {RDFS_LABEL, SKOS_PREF_LABEL, PROV_WAS_DERIVED_FROM, DCTERMS_SOURCE}
# Shortcut triples that repeat an n-ary node, which is shown with its details instead.
_SHORTCUTS = {_term("org", "memberOf"), _term("gk", "linkedToPolicy")}
N_ARY_CLASSES = {
    _term("gk", c) for c in ("Membership", "PracticeTransfer", "PolicyLink", "Quantity")
}
# Readable names of the properties that graphkit borrows from other vocabularies.
PROPERTY_LABELS = {
    RDF_TYPE: "type",
    DCTERMS_SOURCE: "source",
    _term("dcterms", "title"): "title",
    DCTERMS_IDENTIFIER: "locator",
    _term("dcterms", "date"): "date",
    _term("dcterms", "publisher"): "publisher",
    _term("dcterms", "description"): "description",
    _term("skos", "hiddenLabel"): "other spelling",
    SKOS_EDITORIAL_NOTE: "curator's note",
    _term("skos", "broader"): "broader theme",
    _term("skos", "definition"): "definition",
    _term("skos", "inScheme"): "in scheme",
    _term("schema", "url"): "URL",
}


@dataclass(frozen=True)
class Explanation:
    """An entity (:attr:`iri`), its label and class, and its facts: :attr:`rows` (tuples of
    :data:`FACT_COLUMNS`) or :attr:`facts` (the same as a DataFrame).

    ``direction`` is ``out`` for what the entity's own row says and ``in`` for what other rows
    say about it; ``source`` is the locator of the source (file name or URL) and ``quote`` the
    words of the source that support the fact.
    """

    iri: str
    label: str
    kind: str
    rows: tuple[tuple[str, ...], ...]

    @property
    def entity(self) -> URIRef:
        """The entity as an rdflib IRI."""
        from rdflib import URIRef

        return URIRef(self.iri)

    @property
    def facts(self) -> pd.DataFrame:
        """The facts as a DataFrame with the columns :data:`FACT_COLUMNS`."""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=FACT_COLUMNS)

    def as_dict(self) -> dict[str, Any]:
        """The explanation as a JSON-ready mapping (facts as a list of objects)."""
        return {
            "entity": self.iri,
            "id": entity_id(self.iri),
            "label": self.label,
            "class": self.kind,
            "facts": [dict(zip(FACT_COLUMNS, row, strict=True)) for row in self.rows],
        }


def _compact(iri: str) -> str:
    for prefix, namespace in NAMESPACE_IRIS.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _label(graph: TermGraph, term: Any) -> str:
    """A readable name for any term: a literal's text, else a label, else a prefixed name."""
    if isinstance(term, ox.Literal):
        return term.value
    if term in PROPERTY_LABELS:
        return PROPERTY_LABELS[term]
    for prop in (RDFS_LABEL, SKOS_PREF_LABEL):
        found = graph.value(term, prop)
        if found is not None:
            return _text(found)
    return _compact(term.value) if isinstance(term, ox.NamedNode) else _text(term)


def _text(term: Any) -> str:
    """The text of a term as rdflib's ``str()`` gives it (an IRI, a lexical form, a node id)."""
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else str(term)


def _class_of(graph: TermGraph, entity: Any) -> ox.NamedNode | None:
    return next(
        (c for c in graph.objects(entity, RDF_TYPE) if _text(c).startswith(GK_IRI)),
        None,
    )


def _provenance(graph: TermGraph, row: Any) -> tuple[str, str]:
    """The source locator and the quote behind the row ``row`` (empty where it has none)."""
    source = graph.value(row, DCTERMS_SOURCE)
    citation = graph.value(row, PROV_WAS_DERIVED_FROM)
    locator = graph.value(source, DCTERMS_IDENTIFIER) if source is not None else None
    quote = graph.value(citation, GK_QUOTE) if citation is not None else None
    return (_text(locator) if locator is not None else ""), (
        _text(quote) if quote is not None else ""
    )


def _details(graph: TermGraph, node: Any, skip: Any) -> str:
    """The statements of an n-ary node other than the one that leads back to ``skip``."""
    parts = [
        f"{_label(graph, prop)}: {_label(graph, value)}"
        for prop, value in graph.predicate_objects(node)
        if prop not in _ROW_MACHINERY
        and prop not in (RDF_TYPE, SKOS_EDITORIAL_NOTE)
        and value != skip
    ]
    return "; ".join(sorted(parts))


def _fact(
    graph: TermGraph, direction: str, prop: Any, other: Any, details: str, row: Any
) -> tuple[str, ...]:
    """One row of the facts table; ``row`` is the node whose dataset row states the fact."""
    other_id = other.value if isinstance(other, ox.NamedNode) else ""
    source, quote = _provenance(graph, row)
    return (direction, _label(graph, prop), _label(graph, other), other_id, details, source, quote)


def explain(graph: Graph | TermGraph, name: str | URIRef) -> Explanation:
    """Everything ``graph`` says about the entity called ``name`` (id or any of its names), or
    about the entity ``name`` when it is already an IRI (found by :func:`graphkit.analysis.names.name_index`).

    ``graph`` is an rdflib graph or, for an entity given as an IRI, the
    :class:`graphkit.graph.terms.TermGraph` of its part of the graph.

    Raises:
        graphkit.errors.UnknownNameError: no entity has this name (with the closest names).
        graphkit.errors.AmbiguousNameError: several entities have it (with their ids).
    """
    if isinstance(graph, TermGraph):
        iri = str(name)
        terms = graph
    else:
        from rdflib import URIRef  # an rdflib graph: rdflib is loaded already

        iri = str(name) if isinstance(name, URIRef) else str(resolve_name(graph, str(name)))
        terms = TermGraph.of(graph)
    entity = ox.NamedNode(iri)
    rows = []
    for prop, value in terms.predicate_objects(entity):
        if prop in _ROW_MACHINERY or prop in _SHORTCUTS:
            continue
        group = _class_of(terms, value) == UNNAMED_CITY_GROUP
        details = _details(terms, value, entity) if group else ""
        rows.append(_fact(terms, "out", prop, value, details, entity))
    for subject, prop in terms.subject_predicates(entity):
        subject_class = _class_of(terms, subject)
        if prop in _SHORTCUTS or subject_class == CITATION:
            continue
        n_ary = subject_class in N_ARY_CLASSES and prop != DCTERMS_SOURCE
        details = _details(terms, subject, entity) if n_ary else ""
        rows.append(_fact(terms, "in", prop, subject, details, subject))
    # Every column takes part, so facts that tie on what is shown come in one order whatever
    # order the graph yields them in (a store, a subgraph or an endpoint): "out" first.
    rows.sort(key=lambda row: row[1:])
    rows.sort(key=lambda row: row[0], reverse=True)
    kind = _class_of(terms, entity)
    return Explanation(
        iri, _label(terms, entity), _label(terms, kind) if kind is not None else "", tuple(rows)
    )
