"""Counts that describe a built graph: per class, per project and per source document."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from graphkit.graph.namespaces import GK, GKR
from graphkit.sparql.backends import Queryable, select_table

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


def class_counts(graph: Queryable) -> pd.DataFrame:
    """The data nodes of each graphkit class, counted by the store (or endpoint) itself: the
    ``by_class`` table of :func:`graph_stats` without an rdflib graph (the SELECT query
    ``graphkit/queries/tables/class-counts.rq``)."""
    rows = select_table(graph, "class-counts")
    table = pd.DataFrame(
        {
            "class": ["gk:" + str(c).removeprefix(str(GK)) for c in rows["class"]],
            "label": [str(label) if isinstance(label, str) else "" for label in rows["label"]],
            "count": rows["count"].astype(int),
        },
        columns=["class", "label", "count"],
    )
    table["label"] = table["label"].where(table["label"] != "", rows["class"].astype(str))
    return table.sort_values(["count", "class"], ascending=[False, True], ignore_index=True)
