"""Everything the graph says about one entity, each fact with its source and quote.

``explain(graph, "Wien")`` finds Vienna by any of its names (see :mod:`graphkit.analysis.names`) and lists
the statements about it in both directions: what its own row says (its country, its local names)
and what other rows say about it (organisations based there, practices that come from there).
Memberships, practice transfers, policy links and quantities are n-ary nodes: each is shown as
one fact with its details (role, dates, mechanisms, values) rather than as loose triples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from graphkit.analysis.names import entity_id, resolve_name
from graphkit.graph.namespaces import GK, PREFIXES, SCHEMA

FACT_COLUMNS = ["direction", "property", "value", "value_id", "details", "source", "quote"]

# Statements that every row has and that are shown per fact instead (provenance, names).
_ROW_MACHINERY = {RDFS.label, SKOS.prefLabel, PROV.wasDerivedFrom, DCTERMS.source}
# Shortcut triples that repeat an n-ary node, which is shown with its details instead.
_SHORTCUTS = {ORG.memberOf, GK.linkedToPolicy}
N_ARY_CLASSES = {GK.Membership, GK.PracticeTransfer, GK.PolicyLink, GK.Quantity}
# Readable names of the properties that graphkit borrows from other vocabularies.
PROPERTY_LABELS = {
    RDF.type: "type",
    DCTERMS.source: "source",
    DCTERMS.title: "title",
    DCTERMS.identifier: "locator",
    DCTERMS.date: "date",
    DCTERMS.publisher: "publisher",
    DCTERMS.description: "description",
    SKOS.hiddenLabel: "other spelling",
    SKOS.editorialNote: "curator's note",
    SKOS.broader: "broader theme",
    SKOS.definition: "definition",
    SKOS.inScheme: "in scheme",
    SCHEMA.url: "URL",
}


@dataclass(frozen=True)
class Explanation:
    """An entity, its label and class, and a DataFrame of facts (columns :data:`FACT_COLUMNS`).

    ``direction`` is ``out`` for what the entity's own row says and ``in`` for what other rows
    say about it; ``source`` is the locator of the source (file name or URL) and ``quote`` the
    words of the source that support the fact.
    """

    entity: URIRef
    label: str
    kind: str
    facts: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        """The explanation as a JSON-ready mapping (facts as a list of objects)."""
        return {
            "entity": str(self.entity),
            "id": entity_id(self.entity),
            "label": self.label,
            "class": self.kind,
            "facts": self.facts.to_dict(orient="records"),
        }


def _compact(term: URIRef) -> str:
    text = str(term)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(str(namespace)):
            return f"{prefix}:{text[len(str(namespace)) :]}"
    return text


def _label(graph: Graph, term: Node) -> str:
    """A readable name for any term: a literal's text, else a label, else a prefixed name."""
    if isinstance(term, Literal):
        return str(term)
    if term in PROPERTY_LABELS:
        return PROPERTY_LABELS[term]
    for prop in (RDFS.label, SKOS.prefLabel):
        found = graph.value(term, prop)
        if found is not None:
            return str(found)
    return _compact(term) if isinstance(term, URIRef) else str(term)


def _class_of(graph: Graph, entity: Node) -> URIRef | None:
    return next((c for c in graph.objects(entity, RDF.type) if str(c).startswith(str(GK))), None)


def _provenance(graph: Graph, row: Node) -> tuple[str, str]:
    """The source locator and the quote behind the row ``row`` (empty where it has none)."""
    source = graph.value(row, DCTERMS.source)
    citation = graph.value(row, PROV.wasDerivedFrom)
    locator = graph.value(source, DCTERMS.identifier) if source is not None else None
    quote = graph.value(citation, GK.quote) if citation is not None else None
    return str(locator or ""), str(quote or "")


def _details(graph: Graph, node: Node, skip: Node) -> str:
    """The statements of an n-ary node other than the one that leads back to ``skip``."""
    parts = [
        f"{_label(graph, prop)}: {_label(graph, value)}"
        for prop, value in graph.predicate_objects(node)
        if prop not in _ROW_MACHINERY
        and prop not in (RDF.type, SKOS.editorialNote)
        and value != skip
    ]
    return "; ".join(sorted(parts))


def _fact(
    graph: Graph, direction: str, prop: Node, other: Node, details: str, row: Node
) -> tuple[str, ...]:
    """One row of the facts table; ``row`` is the node whose dataset row states the fact."""
    other_id = str(other) if isinstance(other, URIRef) else ""
    source, quote = _provenance(graph, row)
    return (direction, _label(graph, prop), _label(graph, other), other_id, details, source, quote)


def explain(graph: Graph, name: str | URIRef) -> Explanation:
    """Everything ``graph`` says about the entity called ``name`` (id or any of its names), or
    about the entity ``name`` when it is already an IRI (found by :func:`graphkit.analysis.names.name_index`).

    Raises:
        graphkit.errors.UnknownNameError: no entity has this name (with the closest names).
        graphkit.errors.AmbiguousNameError: several entities have it (with their ids).
    """
    entity = name if isinstance(name, URIRef) else resolve_name(graph, name)
    rows = []
    for prop, value in graph.predicate_objects(entity):
        if prop in _ROW_MACHINERY or prop in _SHORTCUTS:
            continue
        group = _class_of(graph, value) == GK.UnnamedCityGroup
        details = _details(graph, value, entity) if group else ""
        rows.append(_fact(graph, "out", prop, value, details, entity))
    for subject, prop in graph.subject_predicates(entity):
        subject_class = _class_of(graph, subject)
        if prop in _SHORTCUTS or subject_class == GK.Citation:
            continue
        n_ary = subject_class in N_ARY_CLASSES and prop != DCTERMS.source
        details = _details(graph, subject, entity) if n_ary else ""
        rows.append(_fact(graph, "in", prop, subject, details, subject))
    facts = pd.DataFrame(rows, columns=FACT_COLUMNS)
    # Every column takes part, so facts that tie on what is shown come in one order whatever
    # order the graph yields them in (a store, a subgraph or an endpoint).
    facts = facts.sort_values(
        FACT_COLUMNS,
        ascending=[False, *[True] * (len(FACT_COLUMNS) - 1)],
        kind="stable",
        ignore_index=True,
    )
    kind = _class_of(graph, entity)
    return Explanation(
        entity,
        _label(graph, entity),
        _label(graph, kind) if kind is not None else "",
        facts.reset_index(drop=True),
    )
