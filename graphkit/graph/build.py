"""Build the RDF knowledge graph from validated datasets.

Every row becomes a node ``gkr:<id>`` typed by its table's class, with one triple per filled cell
(see ``ontology/README.md`` for the mapping) and quote-level provenance: ``prov:wasDerivedFrom`` a
``gk:Citation`` that holds the quote and the source document, plus a direct ``dcterms:source``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO
from typing import Literal as Literal_

import numpy as np
import pandas as pd
import pyoxigraph as ox
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from graphkit.data.load import Dataset, list_items, load_datasets, map_distinct
from graphkit.data.schema import TABLES, Column
from graphkit.files import write_atomic_with
from graphkit.graph.namespaces import (
    GEO,
    GEONAMES,
    GK,
    GKR,
    ORG,
    SCHEMA,
    bind_prefixes,
    concept,
)
from graphkit.graph.terms import canonical_lexicals
from graphkit.graph.turtle import TURTLE
from graphkit.locations import ONTOLOGY_FILE, VOCAB_FILE

Triple = tuple[URIRef, URIRef, URIRef | Literal]

THEME_SCHEME = GKR["themes"]
DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth}

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
    "cities": {
        "local_names": GK.localName,
        "alt_names": SKOS.hiddenLabel,
        "country": GK.country,
        "latitude": GEO.lat,
        "longitude": GEO.long,
        "region": GK.region,
        "region_code": GK.regionCode,
    },
    "programmes": {
        "acronym": GK.acronym,
        "part_of": GK.partOf,
        "managed_by": GK.managedBy,
        "start": GK.startDate,
        "end": GK.endDate,
    },
    "projects": {
        "acronym": GK.acronym,
        "alt_names": SKOS.altLabel,
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
        "alt_names": SKOS.altLabel,
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
        "origin_role": GK.originRole,
        "target_city": GK.targetCity,
        "target_role": GK.targetRole,
        "target_candidates": GK.candidateTarget,
        "project": GK.viaProject,
        "event": GK.viaEvent,
        "mechanism": GK.mechanism,
        "direction": GK.direction,
        "start": GK.startDate,
        "end": GK.endDate,
        "status": GK.status,
        "outcome": GK.outcome,
        "resulting_practice": GK.resultingPractice,
        "themes": GK.theme,
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


def one_line(text: str) -> str:
    """``text`` on one line: labels in the graph are whole, never cut (views cut for display)."""
    return " ".join(text.split())


# The builder works a column at a time: a _Block holds the triples of one predicate whose objects
# are of one kind, as aligned arrays of text, so that IRIs and N-Triples lines are made with
# array operations instead of one Python call per triple.
ObjectKind = Literal_["iri", "text", "en", "typed"]


@dataclass(frozen=True)
class _Block:
    """Triples ``(subjects[i], predicate, objects[i])``: IRIs, or literals of one kind."""

    subjects: np.ndarray
    predicate: URIRef
    objects: np.ndarray
    kind: ObjectKind = "iri"
    datatype: URIRef | None = None


def _text(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=object)


def _choose(condition: np.ndarray, chosen: object, other: object) -> np.ndarray:
    """``chosen`` where ``condition`` holds, else ``other``, as an array of Python strings."""
    return _text(np.where(condition, chosen, other))


def _constant(value: str, count: int) -> np.ndarray:
    return np.full(count, value, dtype=object)


class _Names:
    """Whole names of rows and labels of enumeration concepts, to compose labels of n-ary nodes."""

    def __init__(self, dataset: Dataset, concepts: dict[str, str]):
        self.whole: dict[str, np.ndarray] = {}
        self.rows: dict[str, str] = {}
        for name, frame in dataset.tables.items():
            label = TABLES[name].label_column
            if label:
                self.whole[name] = _text(map_distinct(frame[label], one_line))
                self.rows.update(zip(frame["id"].tolist(), self.whole[name].tolist(), strict=True))
        self.concepts = concepts

    def row(self, ids: pd.Series) -> np.ndarray:
        """The name of each row id (the id itself for rows without a name)."""
        rows = self.rows
        return _text([rows.get(row_id, row_id) for row_id in ids.tolist()])

    def concept(self, scheme: str, values: pd.Series) -> np.ndarray:
        """The label of each value's concept in ``scheme``."""
        return _text(
            map_distinct(
                values,
                lambda v: self.concepts.get(str(concept(scheme, v)), v.replace("_", " ")),
            )
        )


def _unnamed_cities(counts: np.ndarray) -> np.ndarray:
    """Labels like "4 unnamed cities" (or "1 unnamed city") for transfers' target counts."""
    return counts + _choose(counts == "1", " unnamed city", " unnamed cities")


def _dashed(first: np.ndarray, *rest: np.ndarray) -> np.ndarray:
    """Labels of n-ary nodes, element-wise: "Košice – partner – ROMA-NET"."""
    joined = first
    for part in rest:
        joined = joined + " – " + part
    return joined


def _labels(table: str, frame: pd.DataFrame, names: _Names) -> np.ndarray:
    """The rdfs:label of every row of ``table``."""
    col = {c: _text(frame[c]) for c in frame.columns}
    if table == "memberships":
        return _dashed(
            names.row(frame["member"]),
            names.concept("role", frame["role"]),
            names.row(frame["group"]),
        )
    if table == "transfers":
        unnamed = _unnamed_cities(col["target_count"])
        target = _choose(col["target_city"] != "", names.row(frame["target_city"]), unnamed)
        return (
            names.row(frame["practice"]) + ": " + names.row(frame["origin_city"]) + " → " + target
        )
    if table == "policy_links":
        return _dashed(
            names.row(frame["subject"]),
            names.concept("link-relation", frame["relation"]),
            names.row(frame["policy"]),
        )
    if table == "quantities":
        qualifier = _choose(
            col["qualifier"] == "exact", "", names.concept("qualifier", frame["qualifier"]) + " "
        )
        unit = _choose(col["unit"] == "count", "", " " + col["unit"])
        return (
            names.row(frame["subject"])
            + ": "
            + names.concept("measure", frame["measure"])
            + " "
            + qualifier
            + col["value"]
            + unit
        )
    return names.whole[table]


def _classes(table: str, frame: pd.DataFrame) -> np.ndarray:
    kind = _text(frame["kind"]) if "kind" in frame.columns else None
    if table == "sources":
        return _choose(kind == "source_document", str(GK.SourceDocument), str(GK.WebPage))
    if table == "programmes":
        return _choose(kind == "fund", str(GK.Fund), str(GK.Programme))
    return _constant(str(GK[TABLES[table].rdf_class]), len(frame))


def _column_blocks(
    column: Column, prop: URIRef, subjects: np.ndarray, values: np.ndarray
) -> Iterator[_Block]:
    """The triples of one column's values (already split into one value per entry)."""
    if column.is_reference:
        yield _Block(subjects, prop, str(GKR) + values)
    elif column.scheme:
        yield _Block(subjects, prop, str(concept(column.scheme, "")) + values)
    elif column.kind == "date":
        lengths = np.fromiter(map(len, values), dtype=int, count=len(values))
        days = ~np.isin(lengths, list(DATE_TYPES))
        masks = [(lengths == length, datatype) for length, datatype in DATE_TYPES.items()]
        for mask, datatype in [*masks, (days, XSD.date)]:
            if mask.any():
                yield _Block(subjects[mask], prop, values[mask], "typed", datatype)
    elif column.kind in ("int", "decimal"):
        datatype = XSD.integer if column.kind == "int" else XSD.decimal
        yield _Block(subjects, prop, values, "typed", datatype)
    else:
        yield _Block(subjects, prop, values, "text")


def _table_blocks(
    table: str,
    frame: pd.DataFrame,
    names: _Names,
    source_ids: dict[str, str],
    organisation_ids: set[str],
) -> Iterator[_Block]:
    """The triples of every row of ``table``, a block at a time (see ontology/README.md)."""
    spec = TABLES[table]
    count = len(frame)
    if not count:
        return
    col = {c: _text(frame[c]) for c in frame.columns}
    base = str(GKR)
    ids = col["id"]
    subjects = base + ids
    yield _Block(subjects, RDF.type, _classes(table, frame))
    labels = _labels(table, frame, names)
    yield _Block(subjects, RDFS.label, labels, "text")
    if table == "themes":
        yield _Block(subjects, SKOS.prefLabel, labels, "en")
        yield _Block(subjects, SKOS.inScheme, _constant(str(THEME_SCHEME), count))
    else:
        yield _Block(subjects, SKOS.prefLabel, labels, "text")
    properties = PROPERTIES[table]
    for column in spec.columns:
        prop = properties.get(column.name)
        if prop is None:
            continue
        cells = frame[column.name]
        if column.is_list:
            items = list_items(cells)
            rows = frame.index.get_indexer(items.index)
            yield from _column_blocks(column, prop, subjects[rows], _text(items))
        else:
            filled = col[column.name] != ""
            yield from _column_blocks(column, prop, subjects[filled], col[column.name][filled])
    if table == "sources":
        web = col["kind"] == "web_page"
        yield _Block(subjects[web], SCHEMA.url, col["locator"][web], "typed", XSD.anyURI)
    if table == "memberships":
        # org:memberOf implies its object is an org:Organization: only projects and
        # organisations are, not events or programmes.
        # Once per member and group, however many roles the member had in it.
        organised = frame["group"].isin(organisation_ids).to_numpy()
        pairs = frame.loc[organised, ["member", "group"]].drop_duplicates()
        yield _Block(base + _text(pairs["member"]), ORG.memberOf, base + _text(pairs["group"]))
    if table == "policy_links":
        yield _Block(base + col["subject"], GK.linkedToPolicy, base + col["policy"])
    if table == "transfers":
        unnamed = col["target_count"] != ""
        transfers = subjects[unnamed]
        groups = transfers + "/targets"
        size = col["target_count"][unnamed]
        yield _Block(transfers, GK.targetGroup, groups)
        yield _Block(groups, RDF.type, _constant(str(GK.UnnamedCityGroup), len(groups)))
        yield _Block(groups, GK.cityCount, size, "typed", XSD.integer)
        yield _Block(
            groups,
            RDFS.label,
            _unnamed_cities(size),
            "text",
        )
        described = col["target_description"][unnamed] != ""
        yield _Block(
            groups[described],
            DCTERMS.description,
            col["target_description"][unnamed][described],
            "text",
        )
    if table == "transfers":
        yield from _status_evidence(frame, col, subjects, source_ids)
    if table == "cities":
        yield from _place_blocks(col, subjects, labels)
    if "note" in col:
        noted = col["note"] != ""
        yield _Block(subjects[noted], SKOS.editorialNote, col["note"][noted], "text")
    if spec.cited:
        sources = base + _text([source_ids[locator] for locator in frame["source"].tolist()])
        yield _Block(subjects, DCTERMS.source, sources)
        yield from _citation_blocks(
            subjects,
            PROV.wasDerivedFrom,
            base + "citation/" + ids,
            "Quote supporting " + labels,
            col["quote"],
            sources,
        )


def _citation_blocks(
    subjects: np.ndarray,
    link: URIRef,
    citations: np.ndarray,
    labels: np.ndarray,
    quotes: np.ndarray,
    sources: np.ndarray,
) -> Iterator[_Block]:
    """A ``gk:Citation`` per subject (its quote and source), linked from it by ``link``."""
    yield _Block(subjects, link, citations)
    yield _Block(citations, RDF.type, _constant(str(GK.Citation), len(citations)))
    yield _Block(citations, RDFS.label, labels, "text")
    yield _Block(citations, GK.quote, quotes, "text")
    yield _Block(citations, DCTERMS.source, sources)


def _place_blocks(
    col: dict[str, np.ndarray], subjects: np.ndarray, labels: np.ndarray
) -> Iterator[_Block]:
    """A city's GeoNames identity (``owl:sameAs``) and its population figure, a node with its
    value, source, date and the GeoNames feature it is derived from (the coordinates and region
    are plain columns of PROPERTIES)."""
    identified = col["geonames_id"] != ""
    features = str(GEONAMES) + col["geonames_id"] + "/"
    yield _Block(subjects[identified], OWL.sameAs, features[identified])
    counted = col["population"] != ""
    if not counted.any():
        return
    figures = subjects[counted] + "/population"
    yield _Block(subjects[counted], GK.population, figures)
    yield _Block(figures, RDF.type, _constant(str(GK.PopulationFigure), len(figures)))
    yield _Block(figures, RDFS.label, "Population of " + labels[counted], "text")
    yield _Block(figures, GK.value, col["population"][counted], "typed", XSD.integer)
    cited = col["population_source"][counted]
    yield _Block(figures, DCTERMS.bibliographicCitation, cited, "text")
    # The loader gives a population only with a GeoNames id: the figure is derived from it.
    yield _Block(figures, PROV.wasDerivedFrom, features[counted])
    dated = col["population_as_of"][counted] != ""
    yield from _column_blocks(
        TABLES["cities"].column("population_as_of"),
        GK.asOf,
        figures[dated],
        col["population_as_of"][counted][dated],
    )


def _status_evidence(
    frame: pd.DataFrame,
    col: dict[str, np.ndarray],
    subjects: np.ndarray,
    source_ids: dict[str, str],
) -> Iterator[_Block]:
    """The citation that shows each transfer's status: its own quote, from its own source."""
    quoted = col["status_quote"] != ""
    if not quoted.any():
        return
    locators = _choose(col["status_source"] != "", col["status_source"], col["source"])[quoted]
    yield from _citation_blocks(
        subjects[quoted],
        GK.statusEvidence,
        str(GKR) + "citation/" + col["id"][quoted] + "/status",
        "Quote showing the status of " + col["id"][quoted],
        col["status_quote"][quoted],
        str(GKR) + _text([source_ids[locator] for locator in locators.tolist()]),
    )


def _dataset_blocks(dataset: Dataset, concepts: dict[str, str]) -> Iterator[_Block]:
    names = _Names(dataset, concepts)
    sources = dataset.tables["sources"]
    source_ids = dict(zip(sources["locator"].tolist(), sources["id"].tolist(), strict=True))
    organisation_ids = set(dataset.tables["projects"]["id"].tolist()) | set(
        dataset.tables["organisations"]["id"].tolist()
    )
    scheme = _text([str(THEME_SCHEME)])
    yield _Block(scheme, RDF.type, _text([str(SKOS.ConceptScheme)]))
    yield _Block(scheme, RDFS.label, _text(["graphkit themes"]), "text")
    yield _Block(scheme, SKOS.prefLabel, _text(["graphkit themes"]), "en")
    for table in TABLES:
        for block in _table_blocks(
            table, dataset.tables[table], names, source_ids, organisation_ids
        ):
            yield _canonical(block) if block.kind == "typed" else block


def _canonical(block: _Block) -> _Block:
    """``block`` with its typed literals in their one canonical lexical form."""
    datatype = str(block.datatype)
    codes, distinct = pd.factorize(block.objects)
    forms = _text(canonical_lexicals([str(value) for value in distinct], datatype))
    return replace(block, objects=forms[codes] if len(distinct) else block.objects)


def vocabulary_graph() -> Graph:
    """The ontology and its enumeration concepts, as shipped in ``ontology/``."""
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    graph.parse(VOCAB_FILE, format="turtle")
    return graph


def _terms(values: np.ndarray, make: Callable[[str], Node], cache: dict[str, Node]) -> np.ndarray:
    """One rdflib term per entry of ``values``, made once per distinct value and shared."""
    codes, distinct = pd.factorize(values)
    terms = np.empty(len(distinct), dtype=object)
    for position, value in enumerate(distinct):
        term = cache.get(value)
        if term is None:
            term = cache[value] = make(value)
        terms[position] = term
    return terms[codes]


def ontology_triples() -> list[ox.Triple]:
    """The triples of the ontology and vocabulary files, as pyoxigraph terms, their blank nodes
    (the ontology's class expressions) labelled ``o0``, ``o1``... in the order the files first
    name them.

    A parser gives blank nodes new random labels on every load, which would make the files
    written from the store differ from build to build; these labels cost nothing and change only
    when the ontology file does.
    """
    labels: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term: Any) -> Any:
        if not isinstance(term, ox.BlankNode):
            return term
        label = labels.get(term)
        if label is None:
            label = labels[term] = ox.BlankNode(f"o{len(labels)}")
        return label

    return [
        ox.Triple(stable(triple.subject), triple.predicate, stable(triple.object))
        for path in (ONTOLOGY_FILE, VOCAB_FILE)
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    ]


def _concept_labels(vocab: Graph | None) -> dict[str, str]:
    """The label of every concept and class (skos:prefLabel), from ``vocab`` or, cheaper, from
    the ontology files read by Oxigraph."""
    if vocab is not None:
        return {str(s): str(o) for s, o in vocab.subject_objects(SKOS.prefLabel)}
    label = str(SKOS.prefLabel)
    return {
        t.subject.value: t.object.value for t in ontology_triples() if t.predicate.value == label
    }


def dataset_triples(dataset: Dataset, vocab: Graph | None = None) -> Iterator[Triple]:
    """Every triple the dataset's rows give (without the ontology), as rdflib terms."""
    caches: dict[tuple[str, URIRef | None], dict[str, Node]] = {}
    for block in _dataset_blocks(dataset, _concept_labels(vocab)):
        if not len(block.subjects):
            continue
        iris = caches.setdefault(("iri", None), {})
        subjects = _terms(block.subjects, URIRef, iris)
        if block.kind == "iri":
            make: Callable[[str], Node] = URIRef
        elif block.kind == "en":
            make = partial(Literal, lang="en")
        elif block.kind == "typed":
            make = partial(Literal, datatype=block.datatype, normalize=False)
        else:
            make = Literal
        objects = _terms(block.objects, make, caches.setdefault((block.kind, block.datatype), {}))
        predicate = block.predicate
        for subject, obj in zip(subjects, objects, strict=True):
            yield subject, predicate, obj


def dataset_ntriples(dataset: Dataset, vocab: Graph | None = None) -> Iterator[str]:
    """The triples of :func:`dataset_triples` as N-Triples text, in chunks of many lines."""
    for block in _dataset_blocks(dataset, _concept_labels(vocab)):
        if not len(block.subjects):
            continue
        head = "<" + block.subjects + f"> <{block.predicate}> "
        if block.kind == "iri":
            tail = "<" + block.objects + "> .\n"
        else:
            suffix = {"text": "", "en": "@en", "typed": f"^^<{block.datatype}>"}[block.kind]
            tail = '"' + _escape(block.objects) + ('"' + suffix + " .\n")
        yield "".join(head + tail)


def ontology_ntriples() -> str:
    """The ontology and vocabulary (:func:`ontology_triples`) as N-Triples text: the first lines
    of :func:`graph_ntriples`."""
    return ox.serialize(ontology_triples(), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def graph_ntriples(dataset: Dataset) -> Iterator[str]:
    """The whole graph of ``dataset`` as N-Triples text: the ontology and vocabulary
    (:func:`ontology_triples`), then the rows (:func:`dataset_ntriples`), the triples the store
    holds, in an order that depends only on the files."""
    yield ontology_ntriples()
    yield from dataset_ntriples(dataset)


def write_graph_ntriples(dataset: Dataset, output: BinaryIO) -> None:
    """Write :func:`graph_ntriples` of ``dataset`` to the binary stream ``output``."""
    for chunk in graph_ntriples(dataset):
        output.write(chunk.encode("utf-8"))


def write_ntriples(dataset: Dataset, path: Path | str) -> Path:
    """Write :func:`graph_ntriples` of ``dataset`` to ``path``, whole or not at all
    (:func:`graphkit.files.write_atomic_with`): the same lines the store is loaded from, so
    ``graphkit build --out x.nt`` costs one more pass over the text, not a serialisation."""
    return write_atomic_with(path, lambda output: write_graph_ntriples(dataset, output))


def _escape(values: np.ndarray) -> np.ndarray:
    """The N-Triples escapes of string literals (as rdflib writes them)."""
    return _text(
        [
            v.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
            if _NEEDS_ESCAPE.search(v)
            else v
            for v in values
        ]
    )


_NEEDS_ESCAPE = re.compile(r'[\\\n\r"]')


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
    graph.addN((s, p, o, graph) for s, p, o in dataset_triples(dataset, vocab))
    return graph


FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def serialise(graph: Graph, fmt: str = "ttl") -> bytes:
    """The graph as bytes in ``fmt`` (ttl, nt or jsonld), the same bytes for the same graph."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    ordered = bind_prefixes(Graph())
    for triple in sorted(stable_blank_nodes(graph)):
        ordered.add(triple)
    if fmt == "nt":
        lines = ordered.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    if fmt == "jsonld":
        import json

        context = {prefix: str(ns) for prefix, ns in ordered.namespaces()}
        document = json.loads(ordered.serialize(format="json-ld", context=context))
        # rdflib emits nodes in hash order; sort them so the same graph gives the same bytes.
        document["@graph"] = sorted(document.get("@graph", []), key=lambda n: str(n.get("@id")))
        return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return ordered.serialize(format=TURTLE, encoding="utf-8")


def stable_blank_nodes(graph: Graph) -> Graph:
    """``graph`` with its blank nodes (the ontology's class expressions) labelled canonically.

    rdflib labels blank nodes at random on every parse, which would make N-Triples and JSON-LD
    differ from run to run. Only the triples that touch a blank node are canonicalised, so the
    cost does not grow with the data.
    """
    from rdflib import BNode
    from rdflib.compare import to_canonical_graph

    blank = Graph()
    stable = Graph()
    for triple in graph:
        (blank if any(isinstance(t, BNode) for t in triple) else stable).add(triple)
    if len(blank):
        stable += to_canonical_graph(blank)
    return stable


def default_output(fmt: str) -> Path:
    """Where ``graphkit build`` writes when no ``--out`` is given."""
    return Path(f"graphkit.{fmt}")


# File extensions that name an RDF format, for ``graphkit build --out``.
EXTENSIONS = {".ttl": "ttl", ".turtle": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".json": "jsonld"}


def format_of(path: Path | None) -> str:
    """The RDF format a file name asks for by its extension (ttl, nt, jsonld), else ttl."""
    return EXTENSIONS.get(path.suffix.lower(), "ttl") if path is not None else "ttl"
