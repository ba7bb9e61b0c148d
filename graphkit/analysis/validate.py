"""SHACL validation of the built graph against ``ontology/shapes.ttl``.

pySHACL runs without inference, so the shapes check exactly what the builder asserted. Each
violation is mapped back to the CSV file, line and column it came from, where it can be.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS

from graphkit.data.load import Dataset
from graphkit.data.schema import TABLES
from graphkit.graph.build import PROPERTIES
from graphkit.graph.namespaces import GK, GKR
from graphkit.locations import SHAPES_FILE


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, with the CSV cell behind it when known."""

    file: str
    line: int
    column: str
    focus: str
    path: str
    component: str
    message: str
    value: str
    severity: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column or '-'}" if self.file else self.focus
        value = f" (value={self.value!r})" if self.value else ""
        return f"{where}: [{self.component}] {self.message}{value} — node {self.focus}" + (
            f", property {self.path}" if self.path else ""
        )


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating a graph: ``conforms`` and every violation found."""

    conforms: bool
    violations: tuple[Violation, ...]

    def text(self) -> str:
        """A report a researcher can read: one line per violation, then a summary."""
        if self.conforms:
            return "The graph conforms to the graphkit shapes."
        lines = [str(v) for v in self.violations]
        lines.append(f"{len(self.violations)} violation(s): the graph does not conform.")
        return "\n".join(lines)


def _short(graph: Graph, term: object) -> str:
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return str(term)
    return "" if term is None else str(term)


def _row_id(focus: object) -> str | None:
    text = str(focus)
    base = str(GKR)
    if not text.startswith(base):
        return None
    local = text[len(base) :]
    if local.startswith("citation/"):
        local = local[len("citation/") :]
    return local.split("/")[0]


_PROVENANCE_COLUMNS = {PROV.wasDerivedFrom: "source", DCTERMS.source: "source", GK.quote: "quote"}


def _column_for(table: str, focus: object, path: object) -> str:
    if str(focus).startswith(str(GKR["citation/"])):
        return "quote" if path == GK.quote else "source"
    if path in _PROVENANCE_COLUMNS:
        return _PROVENANCE_COLUMNS[path]
    if path in (RDFS.label, SKOS.prefLabel):
        return TABLES[table].label_column or "id"
    if path in (GK.targetGroup, GK.cityCount):
        return "target_count"
    for column, prop in PROPERTIES.get(table, {}).items():
        if prop == path:
            return column
    return ""


def validate_graph(
    graph: Graph, dataset: Dataset | None = None, shapes: Path | Graph = SHAPES_FILE
) -> ValidationReport:
    """Validate ``graph`` with pySHACL (no inference) and map violations to CSV cells.

    ``dataset`` (the tables the graph was built from) lets the report name file, line and
    column; without it violations name the node only.
    """
    from pyshacl import validate

    shapes_graph = shapes if isinstance(shapes, Graph) else Graph().parse(shapes, format="turtle")
    conforms, results, _ = validate(
        graph,
        shacl_graph=shapes_graph,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    origins = dataset.origins() if dataset is not None else {}
    tables_of = (
        {row_id: name for name, frame in dataset.tables.items() for row_id in frame["id"]}
        if dataset is not None
        else {}
    )
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        row_id = _row_id(focus)
        file, line, column = "", 0, ""
        if row_id and row_id in origins:
            file, line = origins[row_id]
            column = _column_for(tables_of[row_id], focus, path)
        violations.append(
            Violation(
                file=file,
                line=int(line),
                column=column,
                focus=_short(graph, focus),
                path=_short(graph, path),
                component=_short(graph, results.value(result, SH.sourceConstraintComponent)).split(
                    ":"
                )[-1],
                message=str(results.value(result, SH.resultMessage) or ""),
                value=_short(graph, results.value(result, SH.value)),
                severity=_short(graph, results.value(result, SH.resultSeverity)).split(":")[-1],
            )
        )
    return ValidationReport(conforms=bool(conforms), violations=tuple(sorted(violations)))
