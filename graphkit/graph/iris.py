"""The namespaces of graphkit's graph as plain IRI text, for code that must not load rdflib.

:mod:`graphkit.graph.namespaces` builds its rdflib namespaces from :data:`NAMESPACE_IRIS`;
commands that only query the store (``graphkit transfers``, ``query``, ``explain``) use these
strings, so they start without importing rdflib.
"""

from __future__ import annotations

NAMESPACE_IRIS: dict[str, str] = {
    "gk": "https://w3id.org/graphkit/ontology#",
    "gkv": "https://w3id.org/graphkit/vocab/",
    "gkr": "https://w3id.org/graphkit/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "sh": "http://www.w3.org/ns/shacl#",
}

GK_IRI = NAMESPACE_IRIS["gk"]
GKR_IRI = NAMESPACE_IRIS["gkr"]
RDFS_LABEL = NAMESPACE_IRIS["rdfs"] + "label"


def gk(name: str) -> str:
    """The IRI of the ontology term ``name`` (``gk("City")``) as text."""
    return GK_IRI + name
