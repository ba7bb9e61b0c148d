"""Find entities by the names researchers type: ids, labels, local names, spellings, acronyms.

Matching ignores case, accents and spacing, so "kosice", "KOŠICE" and "Kassa" all find Košice and
"Wien" finds Vienna. An unknown name raises :class:`UnknownNameError` with the closest matches.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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
# The index of every data entity's names kept beside the persistent store (see
# graphkit.analysis.kept.KEPT_TABLES): a SQLite database, so that a name is looked up in it
# without reading the others (at a million rows the names alone take hundreds of MB).
KEPT_INDEX = "names.sqlite"
_SCHEMA = """
CREATE TABLE entities (
    id INTEGER PRIMARY KEY, entity TEXT NOT NULL UNIQUE, class TEXT NOT NULL, display TEXT NOT NULL
);
CREATE TABLE names (key TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TEMP TABLE found (entity TEXT NOT NULL, name TEXT NOT NULL, label INTEGER NOT NULL);
"""


class _Resolver:
    """Resolving a name, for an index that gives the entities of one folded name
    (:meth:`_found`: IRI -> label shown and class) and every folded name (:meth:`_keys`)."""

    kind: str

    def _found(self, key: str) -> dict[str, tuple[str, str]]:
        raise NotImplementedError

    def _keys(self) -> list[str]:
        raise NotImplementedError

    def resolve(self, name: str) -> URIRef:
        """The one entity called ``name``; raises Unknown- or AmbiguousNameError."""
        from rdflib import URIRef

        return URIRef(self.resolve_iri(name))

    def resolve_iri(self, name: str) -> str:
        """The IRI (as text) of the one entity called ``name``; raises Unknown- or
        AmbiguousNameError."""
        key = fold(name)
        found = self._found(key)
        if not found:
            close = difflib.get_close_matches(key, self._keys(), n=5, cutoff=0.6)
            shown = [self._found(c) for c in close]  # each by its first entity
            suggestions = list(dict.fromkeys(entities[min(entities)][0] for entities in shown))
            raise UnknownNameError(name, self.kind, suggestions)
        if len(found) > 1:
            # An exact id wins over labels, so the ids the error below suggests always work.
            exact = [e for e in found if entity_id(e) == name.strip()]
            if len(exact) == 1:
                return exact[0]
            raise AmbiguousNameError(name, [(entity_id(e), *found[e]) for e in sorted(found)])
        return next(iter(found))


@dataclass(frozen=True)
class NameIndex(_Resolver):
    """Folded names of entities (their IRIs as text), for fast repeated look-ups."""

    keys: Mapping[str, Collection[str]]
    display: dict[str, str]
    classes: dict[str, str]
    kind: str

    def _found(self, key: str) -> dict[str, tuple[str, str]]:
        return {e: (self.display[e], self.classes[e]) for e in self.keys.get(key, ())}

    def _keys(self) -> list[str]:
        return list(self.keys)


def _query_text(name: str) -> str:
    from graphkit.locations import QUERIES_DIR

    return (QUERIES_DIR / "tables" / f"{name}.rq").read_text(encoding="utf-8")


def name_database(store: ox.Store) -> bytes:
    """The names of every data entity of ``store`` as a SQLite database (its bytes), kept beside
    the persistent store (:data:`KEPT_INDEX`) and read by :class:`StoredNameIndex`.

    The same entities, names and labels as :func:`name_index` finds with the queries
    ``entity-classes.rq`` and ``entity-names.rq``, streamed from the store into the database
    (entities by their ids, each name folded once): no index of every name in memory.
    """
    import sqlite3
    import tempfile

    classes = (
        (entity_id(entity), cls.removeprefix(GK_IRI), entity_id(entity))
        for entity, cls in (
            (str(row["entity"].value), str(row["class"].value))
            for row in store.query(_query_text("entity-classes"))
        )
        if entity.startswith(GKR_IRI) and cls != _CITATION
    )
    names = (
        (entity_id(entity), name, int(prop == RDFS_LABEL))
        for entity, prop, name in (
            (row["entity"].value, row["property"].value, row["name"].value)
            for row in store.query(_query_text("entity-names"))
        )
        if entity.startswith(GKR_IRI) and name
    )
    with tempfile.TemporaryDirectory(prefix="graphkit-names-") as folder:
        path = Path(folder) / KEPT_INDEX
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.create_function("fold", 1, fold, deterministic=True)
        db.create_function("blank", 1, lambda text: int(not text.strip()), deterministic=True)
        db.executescript(_SCHEMA)
        # An entity of several classes keeps the last, as the index built from rows does.
        db.executemany(
            "INSERT INTO entities (entity, class, display) VALUES (?, ?, ?) "
            "ON CONFLICT (entity) DO UPDATE SET class = excluded.class",
            classes,
        )
        db.executemany("INSERT INTO temp.found VALUES (?, ?, ?)", names)
        db.executescript(
            """
            INSERT OR IGNORE INTO names SELECT fold(entity), id FROM entities;
            INSERT OR IGNORE INTO names SELECT fold(replace(entity, '-', ' ')), id
                FROM entities WHERE instr(entity, '-');
            INSERT OR IGNORE INTO names SELECT fold(f.name), e.id
                FROM temp.found f JOIN entities e ON e.entity = f.entity WHERE NOT blank(f.name);
            DELETE FROM names WHERE key = '';
            CREATE INDEX temp.labels ON found (entity) WHERE label;
            UPDATE entities SET display = (  -- its last label, as the index built from rows
                SELECT name FROM temp.found f WHERE f.entity = entities.entity AND f.label
                ORDER BY f.rowid DESC LIMIT 1)
                WHERE entity IN (SELECT entity FROM temp.found WHERE label);
            """
        )
        db.commit()
        db.close()
        return path.read_bytes()


class StoredNameIndex(_Resolver):
    """A :class:`NameIndex` read from the database of :func:`name_database`, one name at a
    time: the same answers and errors, without loading every name."""

    def __init__(self, path: Path, classes: Iterable[str] | None, kind: str) -> None:
        import sqlite3

        self.kind = kind
        self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        wanted = None if classes is None else sorted({str(c).removeprefix(GK_IRI) for c in classes})
        self._where = "" if wanted is None else f" AND e.class IN ({', '.join('?' * len(wanted))})"
        self._wanted = tuple(wanted or ())

    def _found(self, key: str) -> dict[str, tuple[str, str]]:
        rows = self._db.execute(
            "SELECT e.entity, e.display, e.class FROM names n JOIN entities e ON e.id = n.id "
            f"WHERE n.key = ?{self._where}",
            (key, *self._wanted),
        )
        return {GKR_IRI + entity: (display, cls) for entity, display, cls in rows}

    def _keys(self) -> list[str]:
        rows = self._db.execute(
            f"SELECT DISTINCT n.key FROM names n JOIN entities e ON e.id = n.id WHERE 1{self._where}",
            self._wanted,
        )
        return [row[0] for row in rows]


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
) -> NameIndex | StoredNameIndex:
    """Index the names of the entities of ``classes`` (IRIs; default: every data entity) of
    ``graph`` (an rdflib graph, a store or an endpoint: see :mod:`graphkit.sparql.backends`),
    read as rows with the SELECT queries ``graphkit/queries/tables/entity-classes.rq`` and
    ``entity-names.rq``, or from the index kept beside the persistent store (:data:`KEPT_INDEX`)."""
    graph = as_backend(graph)
    classes = None if classes is None else [str(c) for c in classes]
    kept_file = getattr(graph, "kept_file", None)
    kept = kept_file(KEPT_INDEX) if kept_file is not None else None
    if kept is not None:
        return StoredNameIndex(kept, classes, kind)
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
