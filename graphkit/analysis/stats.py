"""Counts that describe a built graph: per class, per project and per source document.

:func:`graph_stats` counts an rdflib graph in Python (``graphkit build`` holds one);
:func:`counted_stats` has the store or endpoint count, so a large graph is never loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from graphkit.graph.iris import NAMESPACE_IRIS
from graphkit.graph.namespaces import GK, GKR
from graphkit.sparql.backends import Queryable, select_result

# What a project is linked from, and by which property: column name -> (class, property).
PROJECT_LINKS: dict[str, tuple[URIRef, URIRef]] = {
    "members": (GK.Membership, GK.membershipIn),
    "events": (GK.Event, GK.project),
    "practices": (GK.Practice, GK.project),
    "transfers": (GK.PracticeTransfer, GK.viaProject),
    "lessons": (GK.LessonLearned, GK.project),
    "objectives": (GK.Objective, GK.objectiveOf),
}


@dataclass(frozen=True)
class GraphStats:
    """The three count tables of ``graphkit stats`` and the graph's size."""

    triples: int
    by_class: pd.DataFrame
    by_project: pd.DataFrame
    by_source: pd.DataFrame

    def sections(self, by: str = "all") -> dict[str, pd.DataFrame]:
        """The count tables by name (``class``, ``project``, ``source``), or only ``by``'s."""
        tables = {"class": self.by_class, "project": self.by_project, "source": self.by_source}
        return tables if by == "all" else {by: tables[by]}


def _label(graph: Graph, term: URIRef) -> str:
    return str(graph.value(term, RDFS.label) or term)


def _is_data(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(GKR))


def graph_stats(graph: Graph) -> GraphStats:
    """Count the data nodes of ``graph`` per class, the links of each project and the facts
    each source document supports."""
    classes: dict[URIRef, int] = {}
    for subject, cls in graph.subject_objects(RDF.type):
        if _is_data(subject) and str(cls).startswith(str(GK)):
            classes[cls] = classes.get(cls, 0) + 1
    by_class = pd.DataFrame(
        [
            {
                "class": graph.namespace_manager.normalizeUri(c),
                "label": _label(graph, c),
                "count": n,
            }
            for c, n in classes.items()
        ],
        columns=["class", "label", "count"],
    ).sort_values(["count", "class"], ascending=[False, True], ignore_index=True)

    project_rows = []
    for project in sorted(graph.subjects(RDF.type, GK.Project)):
        row: dict[str, object] = {
            "project": project.removeprefix(str(GKR)),
            "label": _label(graph, project),
        }
        for column, (cls, prop) in PROJECT_LINKS.items():
            row[column] = sum(
                1 for s in graph.subjects(prop, project) if (s, RDF.type, cls) in graph
            )
        project_rows.append(row)
    by_project = pd.DataFrame(project_rows, columns=["project", "label", *PROJECT_LINKS])

    source_rows = []
    for source in sorted(
        set(graph.subjects(RDF.type, GK.SourceDocument)) | set(graph.subjects(RDF.type, GK.WebPage))
    ):
        facts = [
            s
            for s in graph.subjects(DCTERMS.source, source)
            if (s, RDF.type, GK.Citation) not in graph
        ]
        source_rows.append(
            {
                "source": str(graph.value(source, DCTERMS.identifier) or source),
                "title": _label(graph, source),
                "facts": len(facts),
            }
        )
    by_source = pd.DataFrame(source_rows, columns=["source", "title", "facts"]).sort_values(
        ["facts", "source"], ascending=[False, True], ignore_index=True
    )
    return GraphStats(
        triples=len(graph), by_class=by_class, by_project=by_project, by_source=by_source
    )


STATS_TABLES = ("class", "project", "source")


def counted_stats(graph: Queryable, by: str = "all") -> GraphStats:
    """:func:`graph_stats` counted by the store or endpoint itself: SPARQL ``COUNT ... GROUP BY``
    queries (``graphkit/queries/tables/stats-*.rq``) return one row per class, project or source,
    so the graph is never loaded. Only the table ``by`` is counted (``all``: every one); the
    others are left empty.
    """
    if by not in (*STATS_TABLES, "all"):
        raise ValueError(f"Unknown statistics {by!r}; use {', '.join(STATS_TABLES)} or all.")
    wanted = STATS_TABLES if by == "all" else (by,)
    (triples,) = select_result(graph, "triple-count").records()[0]
    by_class = pd.DataFrame(columns=["class", "label", "count"])
    by_project = pd.DataFrame(columns=["project", "label", *PROJECT_LINKS])
    by_source = pd.DataFrame(columns=["source", "title", "facts"])
    if "class" in wanted:
        rows = [
            {"class": _compact(str(c)), "label": str(label or c), "count": int(n)}
            for c, label, n in select_result(graph, "stats-by-class").records()
        ]
        by_class = pd.DataFrame(rows, columns=["class", "label", "count"]).sort_values(
            ["count", "class"], ascending=[False, True], ignore_index=True
        )
    if "project" in wanted:
        projects: dict[str, dict[str, object]] = {}
        for project, label, column, n in select_result(graph, "stats-by-project").records():
            row = projects.setdefault(
                str(project),
                {
                    "project": str(project).removeprefix(str(GKR)),
                    "label": str(label or project),
                    **dict.fromkeys(PROJECT_LINKS, 0),
                },
            )
            if column is not None:
                row[str(column)] = int(n)
        by_project = pd.DataFrame(
            [projects[p] for p in sorted(projects)], columns=["project", "label", *PROJECT_LINKS]
        )
    if "source" in wanted:
        rows = [
            {"source": str(locator or source), "title": str(title or source), "facts": int(n)}
            for source, locator, title, n in select_result(graph, "stats-by-source").records()
        ]
        by_source = pd.DataFrame(rows, columns=["source", "title", "facts"]).sort_values(
            ["facts", "source"], ascending=[False, True], ignore_index=True
        )
    return GraphStats(int(triples), by_class, by_project, by_source)


def _compact(iri: str) -> str:
    for prefix, namespace in NAMESPACE_IRIS.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def class_counts(graph: Queryable) -> pd.DataFrame:
    """The data nodes of each graphkit class, counted by the store (or endpoint) itself: the
    ``by_class`` table of :func:`graph_stats` without an rdflib graph (what ``build`` prints)."""
    return counted_stats(graph, "class").by_class
