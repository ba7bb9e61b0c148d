"""Build the RDF knowledge graph from validated datasets.

Every row becomes a node ``gkr:<id>`` typed by its table's class, with one triple per filled cell
(see ``ontology/README.md`` for the mapping) and quote-level provenance: ``prov:wasDerivedFrom`` a
``gk:Citation`` that holds the quote and the source document, plus a direct ``dcterms:source``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from graphkit.load import Dataset, load_datasets, split_list
from graphkit.namespaces import GK, GKR, ORG, SCHEMA, bind_prefixes, concept
from graphkit.paths import ONTOLOGY_FILE, VOCAB_FILE
from graphkit.schema import TABLES, Column

Triple = tuple[URIRef, URIRef, URIRef | Literal]

THEME_SCHEME = GKR["themes"]
LABEL_LENGTH = 80

# Column -> property, for every column that maps to one triple per value. Columns not listed are
# handled by the row's own logic (id, names and labels, provenance, classes, unnamed targets).
PROPERTIES: dict[str, dict[str, URIRef]] = {
    "sources": {
        "title": DCTERMS.title,
        "locator": DCTERMS.identifier,
        "kind": GK.sourceType,
        "publisher": DCTERMS.publisher,
        "date": DCTERMS.date,
        "record": GK.record,
    },
    "countries": {"iso_code": GK.isoCode, "local_names": GK.localName},
    "cities": {"local_names": GK.localName, "alt_names": SKOS.hiddenLabel, "country": GK.country},
    "programmes": {
        "acronym": GK.acronym,
        "part_of": GK.partOf,
        "managed_by": GK.managedBy,
        "start": GK.startDate,
        "end": GK.endDate,
    },
    "projects": {
        "acronym": GK.acronym,
        "kind": GK.projectType,
        "programme": GK.programme,
        "part_of": GK.partOf,
        "follows": GK.follows,
        "start": GK.startDate,
        "end": GK.endDate,
        "description": DCTERMS.description,
        "themes": GK.theme,
    },
    "organisations": {
        "acronym": GK.acronym,
        "kind": GK.organisationType,
        "part_of": GK.partOf,
        "city": GK.basedIn,
        "country": GK.country,
    },
    "people": {"role_title": GK.roleTitle, "organisation": GK.affiliation},
    "memberships": {
        "member": GK.member,
        "group": GK.membershipIn,
        "role": GK.role,
        "start": GK.startDate,
        "end": GK.endDate,
    },
    "events": {
        "kind": GK.eventType,
        "city": GK.location,
        "start": GK.startDate,
        "end": GK.endDate,
        "project": GK.project,
        "organiser": GK.organiser,
        "status": GK.eventStatus,
        "description": DCTERMS.description,
        "themes": GK.theme,
    },
    "themes": {"broader": SKOS.broader, "definition": SKOS.definition},
    "practices": {
        "kind": GK.practiceType,
        "origin_city": GK.originCity,
        "origin_organisation": GK.originOrganisation,
        "project": GK.project,
        "draws_on": GK.drawsOn,
        "start": GK.startDate,
        "status": GK.status,
        "description": DCTERMS.description,
        "themes": GK.theme,
    },
    "transfers": {
        "practice": GK.transferredPractice,
        "origin_city": GK.originCity,
        "target_city": GK.targetCity,
        "target_candidates": GK.candidateTarget,
        "project": GK.viaProject,
        "event": GK.viaEvent,
        "mechanism": GK.mechanism,
        "start": GK.startDate,
        "end": GK.endDate,
        "status": GK.status,
        "outcome": GK.outcome,
        "resulting_practice": GK.resultingPractice,
    },
    "policies": {
        "kind": GK.policyType,
        "level": GK.policyLevel,
        "owner": GK.owner,
        "part_of": GK.partOf,
        "start": GK.startDate,
        "themes": GK.theme,
    },
    "policy_links": {
        "subject": GK.linkSubject,
        "relation": GK.linkRelation,
        "policy": GK.linkedPolicy,
    },
    "lessons": {
        "project": GK.project,
        "event": GK.fromEvent,
        "category": GK.lessonCategory,
        "polarity": GK.polarity,
        "text": GK.text,
        "themes": GK.theme,
    },
    "objectives": {
        "owner": GK.objectiveOf,
        "kind": GK.objectiveType,
        "parent": GK.partOf,
        "year": GK.date,
        "text": GK.text,
        "city": GK.location,
        "themes": GK.theme,
    },
    "quantities": {
        "subject": GK.quantityOf,
        "measure": GK.measure,
        "value": GK.value,
        "unit": GK.unit,
        "qualifier": GK.qualifier,
        "as_of": GK.asOf,
        "description": DCTERMS.description,
    },
}


def node(row_id: str) -> URIRef:
    """The IRI of the row with this id."""
    return GKR[row_id]


def citation_node(row_id: str) -> URIRef:
    """The IRI of the citation (quote and source) behind the row with this id."""
    return GKR[f"citation/{row_id}"]


def target_group_node(transfer_id: str) -> URIRef:
    """The IRI of a transfer's unnamed group of target cities."""
    return GKR[f"{transfer_id}/targets"]


def date_literal(value: str) -> Literal:
    """An ISO date of year, month or day precision as an ``xsd:gYear``/``gYearMonth``/``date``."""
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=datatype)


def shorten(text: str, length: int = LABEL_LENGTH) -> str:
    """``text`` on one line, cut to ``length`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def _values(column: Column, cell: str) -> Iterator[URIRef | Literal]:
    for value in split_list(cell) if column.is_list else [cell]:
        if column.is_reference:
            yield node(value)
        elif column.scheme:
            yield concept(column.scheme, value)
        elif column.kind == "date":
            yield date_literal(value)
        elif column.kind == "int":
            yield Literal(int(value))
        elif column.kind == "decimal":
            yield Literal(value, datatype=XSD.decimal)
        else:
            yield Literal(value)


class _Labels:
    """Names of rows and of enumeration concepts, to compose labels of n-ary nodes."""

    def __init__(self, dataset: Dataset, vocab: Graph):
        self.rows: dict[str, str] = {}
        for name, frame in dataset.tables.items():
            label = TABLES[name].label_column
            if label:
                self.rows.update(zip(frame["id"], frame[label].map(shorten), strict=True))
        self.concepts = {str(s): str(o) for s, o in vocab.subject_objects(SKOS.prefLabel)}

    def row(self, row_id: str) -> str:
        return self.rows.get(row_id, row_id)

    def concept(self, scheme: str, value: str) -> str:
        return self.concepts.get(str(concept(scheme, value)), value.replace("_", " "))


def _row_label(table: str, row: pd.Series, labels: _Labels) -> str:
    if table == "memberships":
        return (
            f"{labels.row(row['member'])} – {labels.concept('role', row['role'])} – "
            f"{labels.row(row['group'])}"
        )
    if table == "transfers":
        target = (
            labels.row(row["target_city"])
            if row["target_city"]
            else (
                f"{row['target_count']} unnamed {'city' if row['target_count'] == '1' else 'cities'}"
            )
        )
        return f"{labels.row(row['practice'])}: {labels.row(row['origin_city'])} → {target}"
    if table == "policy_links":
        return (
            f"{labels.row(row['subject'])} – {labels.concept('link-relation', row['relation'])}"
            f" – {labels.row(row['policy'])}"
        )
    if table == "quantities":
        qualifier = (
            ""
            if row["qualifier"] == "exact"
            else (labels.concept("qualifier", row["qualifier"]) + " ")
        )
        unit = "" if row["unit"] == "count" else f" {row['unit']}"
        return (
            f"{labels.row(row['subject'])}: {labels.concept('measure', row['measure'])} "
            f"{qualifier}{row['value']}{unit}"
        )
    return shorten(row[TABLES[table].label_column])


def _class_of(table: str, row: pd.Series) -> URIRef:
    if table == "sources":
        return GK.SourceDocument if row["kind"] == "source_document" else GK.WebPage
    if table == "programmes":
        return GK.Fund if row["kind"] == "fund" else GK.Programme
    return GK[TABLES[table].rdf_class]


def row_triples(
    table: str,
    row: pd.Series,
    labels: _Labels,
    source_ids: dict[str, str],
    organisation_ids: frozenset[str] = frozenset(),
) -> Iterator[Triple]:
    """The triples of one validated row of ``table``."""
    spec = TABLES[table]
    subject = node(row["id"])
    yield subject, RDF.type, _class_of(table, row)
    label = _row_label(table, row, labels)
    yield subject, RDFS.label, Literal(label)
    if table == "themes":
        yield subject, SKOS.prefLabel, Literal(label, lang="en")
        yield subject, SKOS.inScheme, THEME_SCHEME
    else:
        yield subject, SKOS.prefLabel, Literal(label)
    properties = PROPERTIES[table]
    for column in spec.columns:
        cell = row[column.name]
        prop = properties.get(column.name)
        if prop is None or not cell:
            continue
        for value in _values(column, cell):
            yield subject, prop, value
    if table == "sources" and row["kind"] == "web_page":
        yield subject, SCHEMA.url, Literal(row["locator"], datatype=XSD.anyURI)
    if table == "memberships" and row["group"] in organisation_ids:
        # org:memberOf implies its object is an org:Organization: only projects and
        # organisations are, not events or programmes.
        yield node(row["member"]), ORG.memberOf, node(row["group"])
    if table == "policy_links":
        yield node(row["subject"]), GK.linkedToPolicy, node(row["policy"])
    if table == "transfers" and row["target_count"]:
        group = target_group_node(row["id"])
        count = int(row["target_count"])
        yield subject, GK.targetGroup, group
        yield group, RDF.type, GK.UnnamedCityGroup
        yield group, GK.cityCount, Literal(count)
        yield group, RDFS.label, Literal(f"{count} unnamed {'city' if count == 1 else 'cities'}")
        if row["target_description"]:
            yield group, DCTERMS.description, Literal(row["target_description"])
    if row.get("note"):
        yield subject, SKOS.editorialNote, Literal(row["note"])
    if spec.cited:
        source = node(source_ids[row["source"]])
        citation = citation_node(row["id"])
        yield subject, DCTERMS.source, source
        yield subject, PROV.wasDerivedFrom, citation
        yield citation, RDF.type, GK.Citation
        yield citation, RDFS.label, Literal(f"Quote supporting {shorten(label, 60)}")
        yield citation, GK.quote, Literal(row["quote"])
        yield citation, DCTERMS.source, source


def vocabulary_graph() -> Graph:
    """The ontology and its enumeration concepts, as shipped in ``ontology/``."""
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    graph.parse(VOCAB_FILE, format="turtle")
    return graph


def dataset_triples(dataset: Dataset, vocab: Graph | None = None) -> Iterator[Triple]:
    """Every triple the dataset's rows give (without the ontology)."""
    vocab = vocab if vocab is not None else vocabulary_graph()
    labels = _Labels(dataset, vocab)
    sources = dataset.tables["sources"]
    source_ids = dict(zip(sources["locator"], sources["id"], strict=True))
    yield THEME_SCHEME, RDF.type, SKOS.ConceptScheme
    yield THEME_SCHEME, RDFS.label, Literal("graphkit themes")
    yield THEME_SCHEME, SKOS.prefLabel, Literal("graphkit themes", lang="en")
    organisation_ids = frozenset(dataset.tables["projects"]["id"]) | frozenset(
        dataset.tables["organisations"]["id"]
    )
    for table in TABLES:
        for _, row in dataset.tables[table].iterrows():
            yield from row_triples(table, row, labels, source_ids, organisation_ids)


def build_graph(dataset: Dataset | None = None, *, with_ontology: bool = True) -> Graph:
    """The knowledge graph of ``dataset`` (default: the bundled datasets, loaded and checked).

    With ``with_ontology`` (default) the graph also holds the ontology and the enumeration
    concepts, so that class and concept labels can be queried alongside the data.
    """
    dataset = dataset if dataset is not None else load_datasets()
    vocab = vocabulary_graph()
    graph = bind_prefixes(Graph())
    if with_ontology:
        graph += vocab
    for triple in dataset_triples(dataset, vocab):
        graph.add(triple)
    return graph


FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def serialize(graph: Graph, fmt: str = "ttl") -> bytes:
    """The graph as bytes in ``fmt`` (ttl, nt or jsonld), the same bytes for the same graph."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    ordered = bind_prefixes(Graph())
    for triple in sorted(graph):
        ordered.add(triple)
    if fmt == "jsonld":
        context = {prefix: str(ns) for prefix, ns in ordered.namespaces()}
        return ordered.serialize(
            format="json-ld", context=context, indent=1, sort_keys=True, encoding="utf-8"
        )
    return ordered.serialize(format="turtle", encoding="utf-8")


def default_output(fmt: str) -> Path:
    """Where ``graphkit build`` writes when no ``--out`` is given."""
    return Path(f"graphkit.{fmt}")
