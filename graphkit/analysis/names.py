"""Find entities by the names researchers type: ids, labels, local names, spellings, acronyms.

Matching ignores case, accents and spacing, so "kosice", "KOŠICE" and "Kassa" all find Košice and
"Wien" finds Vienna. An unknown name raises :class:`UnknownNameError` with the closest matches.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from graphkit.data.load import fold
from graphkit.errors import AmbiguousNameError, UnknownNameError
from graphkit.graph.namespaces import GK, GKR
from graphkit.sparql.backends import Queryable, select_table

NAME_PROPERTIES = (
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.hiddenLabel,
    GK.localName,
    GK.acronym,
)


@dataclass(frozen=True)
class NameIndex:
    """Folded names of entities, for fast repeated look-ups."""

    keys: dict[str, frozenset[URIRef]]
    display: dict[URIRef, str]
    classes: dict[URIRef, str]
    kind: str

    def resolve(self, name: str) -> URIRef:
        """The one entity called ``name``; raises Unknown- or AmbiguousNameError."""
        key = fold(name)
        found = self.keys.get(key)
        if not found:
            close = difflib.get_close_matches(key, list(self.keys), n=5, cutoff=0.6)
            suggestions = list(
                dict.fromkeys(self.display[next(iter(sorted(self.keys[c])))] for c in close)
            )
            raise UnknownNameError(name, self.kind, suggestions)
        if len(found) > 1:
            # An exact id wins over labels, so the ids the error below suggests always work.
            exact = [e for e in found if entity_id(e) == name.strip()]
            if len(exact) == 1:
                return exact[0]
            raise AmbiguousNameError(
                name, [(entity_id(e), self.display[e], self.classes[e]) for e in sorted(found)]
            )
        return next(iter(found))


def entity_id(iri: URIRef) -> str:
    """The dataset id of an entity IRI (``gkr:kosice`` -> ``kosice``)."""
    return str(iri).removeprefix(str(GKR))


def build_name_index(
    entities: Mapping[URIRef, tuple[str, str, Iterable[str]]], kind: str = "entity"
) -> NameIndex:
    """A :class:`NameIndex` of ``entities``: IRI -> (class name, label shown, its names).

    Besides the names given, every entity is found by its id, also with spaces for hyphens.
    """
    keys: dict[str, set[URIRef]] = {}
    for entity, (_, _, names) in entities.items():
        found = {entity_id(entity), entity_id(entity).replace("-", " "), *map(str, names)}
        for key in {fold(n) for n in found if n.strip()}:
            keys.setdefault(key, set()).add(entity)
    return NameIndex(
        {k: frozenset(v) for k, v in keys.items()},
        {entity: label for entity, (_, label, _) in entities.items()},
        {entity: cls for entity, (cls, _, _) in entities.items()},
        kind,
    )


def name_index(
    graph: Queryable, classes: Iterable[URIRef] | None = None, kind: str = "entity"
) -> NameIndex:
    """Index the names of the entities of ``classes`` (default: every data entity) of ``graph``
    (an rdflib graph, a store or an endpoint: see :mod:`graphkit.sparql.backends`), read as rows
    with the SELECT query ``graphkit/queries/tables/names-of-class.rq``."""
    import math

    def text(value: object) -> str:
        return (
            "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        )

    entities: dict[URIRef, tuple[str, str, list[str]]] = {}
    for cls in list(classes) if classes is not None else [None]:
        rows = select_table(graph, "names-of-class", {"class": cls} if cls is not None else None)
        columns = (rows[c] for c in ("entity", "class", "property", "name"))
        for entity, found_class, prop, name in zip(*columns, strict=True):
            iri = URIRef(entity)
            if not entity.startswith(str(GKR)) or found_class == str(GK.Citation):
                continue
            _, label, names = entities.get(iri, ("", entity_id(iri), []))
            if text(name):
                names.append(text(name))
                if prop == str(RDFS.label):
                    label = text(name)
            entities[iri] = (str(found_class).removeprefix(str(GK)), label, names)
    return build_name_index(entities, kind)


def resolve_name(
    graph: Queryable, name: str, classes: Iterable[URIRef] | None = None, kind: str = "entity"
) -> URIRef:
    """The entity of ``classes`` in ``graph`` called ``name`` (id or any label)."""
    return name_index(graph, classes, kind).resolve(name)
