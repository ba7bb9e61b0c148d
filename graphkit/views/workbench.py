"""What the endpoint says about itself and the whole graph it serves, and the parameter fields of
the query workbench.

- :func:`service_description`: the SPARQL 1.1 Service Description answered at ``GET /sparql``
  without a query (what a client can ask, in which formats, over how many triples);
- :func:`graph_document`: the default graph as one document, for the read-only Graph Store
  Protocol (``GET /data?default``);
- :func:`resolve_parameters`: the values typed in the workbench's parameter fields ("Wien",
  "Kosice") resolved with the command line's name index, and the query with them bound.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from graphkit.analysis.query import parameter_terms, resolve_query
from graphkit.graph.namespaces import PREFIXES, bind_prefixes
from graphkit.graph.turtle import TURTLE

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# The rdflib format names of the graph media types the endpoint writes.
RDFLIB_FORMATS = {
    "text/turtle": TURTLE,
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
# The W3C format IRIs of the answers the endpoint can write (http://www.w3.org/ns/formats/).
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def triple_count(graph: Graph | ox.Store) -> int:
    """The number of triples in the default graph of ``graph``."""
    return len(graph)


def service_description(endpoint: str, graph: Graph | ox.Store) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint`` serving ``graph``.

    It says that the service answers SPARQL 1.1 queries (never updates), the result formats it
    writes, and that its default dataset is one default graph of so many triples.
    """
    description = bind_prefixes(Graph())
    description.bind("sd", SD)
    description.bind("void", VOID)
    description.bind("formats", FORMATS)
    service = URIRef(endpoint)
    dataset, default_graph = BNode("dataset"), BNode("default")
    description.add((service, RDF.type, SD.Service))
    description.add((service, SD.endpoint, service))
    description.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        description.add((service, SD.resultFormat, FORMATS[name]))
    description.add((service, SD.defaultDataset, dataset))
    description.add((dataset, RDF.type, SD.Dataset))
    description.add((dataset, SD.defaultGraph, default_graph))
    description.add((default_graph, RDF.type, SD.Graph))
    description.add((default_graph, RDF.type, VOID.Dataset))
    count = Literal(str(triple_count(graph)), datatype=XSD.integer)
    description.add((default_graph, VOID.triples, count))
    return description


def write_graph(graph: Graph, media_type: str) -> bytes:
    """An rdflib graph in ``media_type`` (a key of :data:`RDFLIB_FORMATS`)."""
    return graph.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")


def graph_document(graph: Graph | ox.Store, media_type: str) -> bytes:
    """Every triple of the default graph of ``graph``, written in ``media_type`` (a key of
    :data:`RDFLIB_FORMATS`); a store is written by Oxigraph, which keeps each literal's
    lexical form."""
    if isinstance(graph, Graph):
        return write_graph(graph, media_type)
    triples = (q.triple for q in graph.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    if rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD):
        return ox.serialize(triples, format=rdf_format)
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes)


def bound_query(text: str, terms: Mapping[str, URIRef | Literal]) -> str:
    """``text`` with ``terms`` bound by a trailing ``VALUES`` clause, as any SPARQL 1.1 engine
    reads it (and as the user sees it in the editor)."""
    if not terms:
        return text
    names = " ".join(f"?{name}" for name in terms)
    values = " ".join(term.n3() for term in terms.values())
    return f"{text.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"


def resolve_parameters(
    graph: Graph | ox.Store, query_name: str, values: Mapping[str, str]
) -> dict[str, object]:
    """The values typed for a bundled query's parameters, resolved as ``graphkit query --param``
    resolves them (entities by any name, concepts by value or label, literals by datatype).

    Returns:
        ``{"terms": {name: {"sparql": <the term in SPARQL>, "value": <IRI or text>}},
        "text": <the query with the terms bound>}``; empty values are left out.

    Raises:
        graphkit.errors.UnknownNameError, AmbiguousNameError, ParameterError, UnknownQueryError.
    """
    given = {name: value.strip() for name, value in values.items() if value.strip()}
    terms = parameter_terms(graph, query_name, given)
    text, _ = resolve_query(query_name)
    return {
        "terms": {name: {"sparql": t.n3(), "value": str(t)} for name, t in terms.items()},
        "text": bound_query(text, terms),
    }
