"""Find entities by the names researchers type: ids, labels, local names, spellings, acronyms.

Matching ignores case, accents and spacing, so "kosice", "KOŠICE" and "Kassa" all find Košice and
"Wien" finds Vienna. An unknown name raises :class:`UnknownNameError` with the closest matches.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from graphkit.data.schema import fold
from graphkit.errors import AmbiguousNameError, UnknownNameError
from graphkit.graph.iris import GK_IRI, GKR_IRI, NAMESPACE_IRIS, RDFS_LABEL
from graphkit.sparql.backends import Queryable, as_backend, select_result

if TYPE_CHECKING:
    from rdflib import URIRef

_SKOS = NAMESPACE_IRIS["skos"]
NAME_PROPERTIES = (
    RDFS_LABEL,
    _SKOS + "prefLabel",
    _SKOS + "altLabel",
    _SKOS + "hiddenLabel",
    GK_IRI + "localName",
    GK_IRI + "acronym",
)
_CITATION = GK_IRI + "Citation"
# The name of the index of every data entity kept beside the persistent store (see
# graphkit.knowledge_graph.KEPT_TABLES), so that a name is found without reading every name;
# "name-index-City" is the index of the cities alone, kept too (paths resolves only cities).
KEPT_INDEX = "name-index"


@dataclass(frozen=True)
class NameIndex:
    """Folded names of entities (their IRIs as text), for fast repeated look-ups."""

    keys: Mapping[str, Collection[str]]
    display: dict[str, str]
    classes: dict[str, str]
    kind: str

    def resolve(self, name: str) -> URIRef:
        """The one entity called ``name``; raises Unknown- or AmbiguousNameError."""
        from rdflib import URIRef

        return URIRef(self.resolve_iri(name))

    def resolve_iri(self, name: str) -> str:
        """The IRI (as text) of the one entity called ``name``; raises Unknown- or
        AmbiguousNameError."""
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

    def content(self) -> dict[str, Any]:
        """The index as JSON-ready content, read back by :func:`name_index` (see
        :data:`KEPT_INDEX`)."""
        return {
            "keys": {key: sorted(found) for key, found in self.keys.items()},
            "display": self.display,
            "classes": self.classes,
        }


def _kept_index(content: Mapping[str, Any], classes: Iterable[str] | None, kind: str) -> NameIndex:
    """The :class:`NameIndex` of :meth:`NameIndex.content`, of the entities of ``classes`` only
    (IRIs; every data entity has one class)."""
    kept = content["classes"]
    if classes is None:
        return NameIndex(content["keys"], content["display"], kept, kind)
    wanted = {str(c).removeprefix(GK_IRI) for c in classes}
    chosen = {entity for entity, cls in kept.items() if cls in wanted}
    keys = {}
    for key, found in content["keys"].items():
        entities = [e for e in found if e in chosen]
        if entities:
            keys[key] = entities
    display = content["display"]
    return NameIndex(keys, {e: display[e] for e in chosen}, {e: kept[e] for e in chosen}, kind)


def local_name(term: str) -> str:
    """The last part of an IRI: ``gk:originCity`` -> ``originCity``."""
    text = str(term)
    return text[max(text.rfind("#"), text.rfind("/")) + 1 :]


def entity_id(iri: str) -> str:
    """The dataset id of an entity IRI (``gkr:kosice`` -> ``kosice``)."""
    return str(iri).removeprefix(GKR_IRI)


def build_name_index(
    entities: Mapping[str, tuple[str, str, Iterable[str]]], kind: str = "entity"
) -> NameIndex:
    """A :class:`NameIndex` of ``entities``: IRI -> (class name, label shown, its names).

    Besides the names given, every entity is found by its id, also with spaces for hyphens.
    """
    keys: dict[str, set[str]] = {}
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
    graph: Queryable, classes: Iterable[str] | None = None, kind: str = "entity"
) -> NameIndex:
    """Index the names of the entities of ``classes`` (IRIs; default: every data entity) of
    ``graph`` (an rdflib graph, a store or an endpoint: see :mod:`graphkit.sparql.backends`),
    read as rows with the SELECT queries ``graphkit/queries/tables/entity-classes.rq`` and
    ``entity-names.rq``, or from the index kept beside the persistent store (:data:`KEPT_INDEX`)."""
    graph = as_backend(graph)
    classes = None if classes is None else [str(c) for c in classes]
    kept_content = getattr(graph, "kept_content", None)
    if kept_content is not None:
        if classes is not None and len(classes) == 1 and classes[0].startswith(GK_IRI):
            own = kept_content(f"{KEPT_INDEX}-{classes[0].removeprefix(GK_IRI)}")
            if own is not None:
                return _kept_index(own, None, kind)
        kept = kept_content(KEPT_INDEX)
        if kept is not None:
            return _kept_index(kept, classes, kind)
    names: dict[str, list[tuple[str, str]]] = {}
    for entity, prop, name in select_result(graph, "entity-names").records():
        if str(entity).startswith(GKR_IRI) and name is not None and str(name):
            names.setdefault(str(entity), []).append((str(prop), str(name)))
    entities: dict[str, tuple[str, str, list[str]]] = {}
    for cls in classes if classes is not None else [None]:
        bindings = {"class": ox.NamedNode(str(cls))} if cls is not None else None
        for entity, found_class in select_result(graph, "entity-classes", bindings).records():
            iri = str(entity)
            if not iri.startswith(GKR_IRI) or found_class == _CITATION:
                continue
            _, label, known = entities.get(iri, ("", entity_id(iri), []))
            for prop, name in names.get(iri, ()):
                known.append(name)
                if prop == RDFS_LABEL:
                    label = name
            entities[iri] = (str(found_class).removeprefix(GK_IRI), label, known)
    return build_name_index(entities, kind)


def resolve_name(
    graph: Queryable, name: str, classes: Iterable[str] | None = None, kind: str = "entity"
) -> URIRef:
    """The entity of ``classes`` in ``graph`` called ``name`` (id or any label)."""
    return name_index(graph, classes, kind).resolve(name)
