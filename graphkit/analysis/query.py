"""Ask the knowledge graph questions in SPARQL and get pandas DataFrames back.

``graphkit.query("transfers-into-city", {"city": GKR["taranto"]})`` runs the bundled query
``graphkit/queries/transfers-into-city.rq``; inline SPARQL and paths to ``.rq`` files work too.

Every query is checked before anything runs: only SELECT, ASK, CONSTRUCT and DESCRIBE are
accepted, and SERVICE (which would reach the network) and FROM / FROM NAMED (which would read
other graphs or files) are refused. Parameters are bound as RDF terms through the engines' own
binding mechanisms, never pasted into the query text. Each query runs under a wall-clock timeout
(in a child process that is killed when the time is up, where the platform can fork) and returns
at most ``max_rows`` rows, with truncation reported.

Queries run on Oxigraph (pyoxigraph) by default; ``engine="rdflib"`` uses rdflib's own engine.
Both see the same graph and, for the bundled queries, give the same results.

Writing a parameterised query: a parameter must be a variable of the SELECT clause (Oxigraph
substitutes only those) that is matched by a triple pattern, not only tested with ``BOUND`` in
a FILTER (Oxigraph's substitution is invisible to ``BOUND``). Left unset, it matches everything.
"""

from __future__ import annotations

import difflib
import functools
import re
import sys
import types
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import pyoxigraph as ox

from graphkit.analysis.names import NameIndex, name_index
from graphkit.data.schema import fold
from graphkit.errors import (
    AnswerTooLargeError,
    ForbiddenQueryError,
    ParameterError,
    QueryError,
    QuerySyntaxError,
    QueryTimeoutError,
    UnknownQueryError,
    UpdateRefusedError,
)
from graphkit.graph.terms import term_value
from graphkit.locations import QUERIES_DIR
from graphkit.sparql.backends import Backend, as_backend, oxigraph_store, subgraph
from graphkit.sparql.checked import NAMESPACES, CheckedQuery, check_query, package_query
from graphkit.sparql.results import QueryResult
from graphkit.sparql.timeouts import call_with_timeout

# pandas and rdflib are imported where used: a bundled query printed as a table needs neither.
if TYPE_CHECKING:
    import pandas as pd
    from rdflib import Graph, Literal, URIRef

__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "ENGINES",
    "AnswerTooLargeError",
    "BundledQuery",
    "CheckedQuery",
    "ForbiddenQueryError",
    "Parameter",
    "ParameterError",
    "QueryError",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "UnknownQueryError",
    "UpdateRefusedError",
    "bundled_queries",
    "call_with_timeout",
    "check_query",
    "compact_frame",
    "oxigraph_store",
    "parameter_bindings",
    "parameter_terms",
    "query",
    "run_query",
    "run_query_with_values",
    "term_value",
]

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000
ENGINES = ("oxigraph", "rdflib")

Term: TypeAlias = "URIRef | Literal"
# What a parameter is bound to: an rdflib term, or the pyoxigraph term (the command line's).
Bound: TypeAlias = "URIRef | Literal | ox.NamedNode | ox.Literal"
XSD = NAMESPACES["xsd"]


# ---------------------------------------------------------------------------------------------
# Bundled queries and their header comments
# ---------------------------------------------------------------------------------------------

_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<type>[^,)]+?)\s*"
    r"(?:,\s*default:\s*(?P<default>[^)]+?)\s*)?\)\s*(?:-\s*(?P<description>.*))?$"
)


@dataclass(frozen=True)
class Parameter:
    """A parameter of a bundled query, declared in its header as
    ``# param: NAME (TYPE[, default: VALUE]) - description``.

    ``type`` is ``entity`` (any entity), one or more classes (``gk:City|gk:Organisation``), a
    concept scheme (``gkv:organisation-type``) or a literal datatype (``xsd:string``).
    """

    name: str
    type: str
    default: str | None
    description: str

    @property
    def kind(self) -> str:
        """``entity``, ``concept`` or ``literal``: how a value typed by a user is read."""
        if self.type == "entity" or self.type.startswith("gk:"):
            return "entity"
        if self.type.startswith("gkv:"):
            return "concept"
        return "literal"

    @property
    def classes(self) -> list[URIRef] | None:
        """The classes an entity parameter accepts (``None``: any entity)."""
        if self.type == "entity":
            return None
        return [expand_curie(part) for part in self.type.split("|")]

    @property
    def class_iris(self) -> list[str] | None:
        """:attr:`classes` as IRI text."""
        if self.type == "entity":
            return None
        return [_expanded(part) for part in self.type.split("|")]

    @property
    def scheme(self) -> str:
        """The concept scheme of a concept parameter (``organisation-type``)."""
        return self.type.removeprefix("gkv:")

    @property
    def datatype(self) -> URIRef | None:
        """The datatype of a literal parameter (``None`` for plain text)."""
        from rdflib import URIRef

        datatype = self.datatype_iri
        return None if datatype is None else URIRef(datatype)

    @property
    def datatype_iri(self) -> str | None:
        """:attr:`datatype` as IRI text."""
        datatype = _expanded(self.type)
        return None if datatype == XSD + "string" else datatype

    def default_term(self) -> Term | None:
        """The default value as an RDF term, or ``None`` when the parameter has no default."""
        from graphkit.graph.terms import from_oxigraph

        default = self.default_oxigraph()
        return None if default is None else from_oxigraph(default)  # type: ignore[return-value]

    def default_oxigraph(self) -> ox.NamedNode | ox.Literal | None:
        """:meth:`default_term` as a pyoxigraph term."""
        if self.default is None:
            return None
        if self.kind == "literal":
            return _literal(self.default, self.datatype_iri)
        return ox.NamedNode(_expanded(self.default))

    def as_dict(self) -> dict[str, str | None]:
        """The parameter as a JSON-ready mapping."""
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "description": self.description,
        }


@dataclass(frozen=True)
class BundledQuery:
    """A query shipped in ``graphkit/queries/``: its name (the file stem), the research question
    it answers, its parameters and its text."""

    name: str
    question: str
    parameters: tuple[Parameter, ...]
    text: str

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; raises :class:`ParameterError` if there is none."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(
            f"The query {self.name!r} has no parameter {name!r}; its parameters: {known}."
        )

    def as_dict(self) -> dict[str, Any]:
        """The query's name, question and parameters as a JSON-ready mapping."""
        return {
            "name": self.name,
            "question": self.question,
            "parameters": [p.as_dict() for p in self.parameters],
        }


def parse_header(name: str, text: str) -> BundledQuery:
    """Read the ``# question:`` and ``# param:`` lines at the top of a bundled query.

    Raises:
        ValueError: if the question is missing or a parameter line does not parse.
    """
    question = ""
    parameters = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        key, _, value = stripped.lstrip("#").strip().partition(":")
        if key == "question":
            question = value.strip()
        elif key == "param":
            match = _PARAM_LINE.match(value.strip())
            if not match:
                raise ValueError(f"{name}.rq: cannot read the parameter line {stripped!r}")
            parameters.append(
                Parameter(
                    match["name"],
                    match["type"].strip(),
                    match["default"],
                    (match["description"] or "").strip(),
                )
            )
    if not question:
        raise ValueError(f"{name}.rq: the header has no '# question:' line")
    return BundledQuery(name, question, tuple(parameters), text)


@functools.cache
def _bundled_queries(folder: Path) -> dict[str, BundledQuery]:
    return {
        path.stem: parse_header(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.rq"))
    }


def bundled_queries(folder: Path = QUERIES_DIR) -> dict[str, BundledQuery]:
    """Every bundled query by name, in alphabetical order."""
    return dict(_bundled_queries(Path(folder)))


def expand_curie(value: str) -> URIRef:
    """``gkr:kosice`` or ``<https://…>`` as an IRI; raises :class:`ParameterError` otherwise."""
    from rdflib import URIRef

    return URIRef(_expanded(value))


def _expanded(value: str) -> str:
    """:func:`expand_curie` as IRI text."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return _iri(value[1:-1])
    prefix, colon, local = value.partition(":")
    if colon and prefix in NAMESPACES:
        return _iri(NAMESPACES[prefix] + local)
    raise ParameterError(f"{value!r} is neither <an IRI> nor a prefixed name like gkr:kosice.")


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------

# Characters that may not appear in an IRI (RFC 3987 / SPARQL IRIREF).
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def checked_iri(value: str) -> URIRef:
    """``value`` as an IRI, NFC-normalised; raises :class:`ParameterError` if it is not one."""
    from rdflib import URIRef

    return URIRef(_iri(value))


def _iri(value: str) -> str:
    """:func:`checked_iri` as IRI text."""
    value = unicodedata.normalize("NFC", value)
    if not _SCHEME.match(value) or _BAD_IRI.search(value):
        raise ParameterError(
            f"{value!r} is not a valid IRI: it needs a scheme (https:) and no spaces or "
            '<>"{}|^`\\ characters.'
        )
    return value


def literal_value(text: str, datatype: URIRef | None = None) -> Literal:
    """User text as an NFC-normalised literal of ``datatype``, checked against the datatype."""
    from graphkit.graph.terms import from_oxigraph

    literal = _literal(text, None if datatype is None else str(datatype))
    return from_oxigraph(literal)  # type: ignore[return-value]


_LITERAL_FORMS = {
    XSD + "integer": r"[+-]?\d+",
    XSD + "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    XSD + "gYear": r"\d{4}",
    XSD + "date": r"\d{4}-\d{2}-\d{2}",
}


def _literal(text: str, datatype: str | None = None) -> ox.Literal:
    """:func:`literal_value` as a pyoxigraph literal."""
    text = unicodedata.normalize("NFC", text)
    if datatype is None:
        return ox.Literal(text)
    pattern = _LITERAL_FORMS.get(datatype)
    if pattern and not re.fullmatch(pattern, text.strip()):
        raise ParameterError(f"{text!r} is not a valid {datatype.removeprefix(XSD)}.")
    return ox.Literal(text.strip(), datatype=ox.NamedNode(datatype))


def _checked_term(name: str, value: object, parameter: Parameter | None) -> Bound:
    rdflib = sys.modules.get("rdflib")  # an rdflib term means rdflib is loaded already
    is_rdflib = rdflib is not None and isinstance(value, rdflib.URIRef | rdflib.Literal)
    if isinstance(value, str) and not is_rdflib:
        raise TypeError(
            f"Bind {name!r} to an rdflib Literal or URIRef, not the plain string {value!r}: "
            "a plain string would silently match nothing."
        )
    term: Bound
    if isinstance(value, ox.NamedNode):
        term = ox.NamedNode(_iri(value.value))
    elif isinstance(value, ox.Literal):
        language = value.language
        term = ox.Literal(
            unicodedata.normalize("NFC", value.value),
            **({"language": language} if language else {"datatype": value.datatype}),
        )
    elif rdflib is not None and isinstance(value, rdflib.URIRef):
        term = checked_iri(str(value))
    elif rdflib is not None and isinstance(value, rdflib.Literal):
        term = rdflib.Literal(
            unicodedata.normalize("NFC", str(value)), lang=value.language, datatype=value.datatype
        )
    else:
        raise TypeError(f"Bind {name!r} to an rdflib Literal or URIRef, not {type(value)}.")
    is_literal = isinstance(term, ox.Literal) or (
        rdflib is not None and isinstance(term, rdflib.Literal)
    )
    if parameter is not None and (parameter.kind == "literal") != is_literal:
        wanted = "a Literal" if parameter.kind == "literal" else "a URIRef"
        raise ParameterError(f"The parameter {name!r} ({parameter.type}) needs {wanted}.")
    return term


def bind_parameters(
    checked: CheckedQuery, bundled: BundledQuery | None, bindings: Mapping[str, object] | None
) -> dict[str, Bound]:
    """The terms to bind: ``bindings`` checked against the query, plus bundled defaults.

    Raises:
        TypeError: a value is a plain ``str`` (or not an RDF term at all).
        ParameterError: an unknown parameter, an invalid IRI or a value of the wrong kind.
    """
    terms: dict[str, Bound] = {}
    for raw_name, value in (bindings or {}).items():
        name = str(raw_name).lstrip("?$")
        parameter = bundled.parameter(name) if bundled is not None else None
        if checked.form == "SELECT" and name not in checked.projected:
            raise ParameterError(
                f"?{name} is not selected by the query, so it cannot be bound; bind one of: "
                f"{', '.join(checked.projected) or 'none'}."
            )
        if name not in checked.variables:
            raise ParameterError(f"The query has no variable ?{name}.")
        terms[name] = _checked_term(name, value, parameter)
    for parameter in bundled.parameters if bundled is not None else ():
        default = parameter.default_oxigraph()
        if parameter.name not in terms and default is not None:
            terms[parameter.name] = default
    return terms


def _concept_index(graph: Graph, scheme: str) -> NameIndex:
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from graphkit.graph.namespaces import GKV

    keys: dict[str, set[str]] = {}
    display: dict[str, str] = {}
    for concept in graph.subjects(SKOS.inScheme, GKV[scheme]):
        if not isinstance(concept, URIRef):
            continue
        value = str(concept).removeprefix(f"{GKV}{scheme}/")
        label = str(graph.value(concept, SKOS.prefLabel) or value)
        display[str(concept)] = f"{value} ({label})"
        for name in (value, value.replace("_", " "), label):
            keys.setdefault(fold(name), set()).add(str(concept))
    return NameIndex(
        {k: frozenset(v) for k, v in keys.items()},
        display,
        dict.fromkeys(display, scheme),
        f"{scheme} value",
    )


def parameter_terms(
    graph: Graph | ox.Store | Backend, text_or_name: str | Path, values: Mapping[str, str]
) -> dict[str, Term]:
    """:func:`parameter_bindings` as rdflib terms."""
    from graphkit.graph.terms import from_oxigraph

    bindings = parameter_bindings(graph, text_or_name, values)
    return {name: from_oxigraph(term) for name, term in bindings.items()}  # type: ignore[misc]


def parameter_bindings(
    graph: Graph | ox.Store | Backend, text_or_name: str | Path, values: Mapping[str, str]
) -> dict[str, Bound]:
    """Turn parameter values typed by a user (``{"city": "Wien"}``) into RDF terms.

    For a bundled query, an entity parameter is resolved by name (ids, labels, local names;
    case and accents ignored), a concept parameter by its value or label, and a literal
    parameter becomes an NFC-normalised literal of its datatype. For other queries, ``<IRI>``
    and prefixed names (``gkr:kosice``) become IRIs and anything else a plain literal. Names
    are looked up in ``graph`` (from a store or an endpoint, only the names are fetched).

    The terms are pyoxigraph terms (every engine binds them).

    Raises:
        graphkit.errors.UnknownNameError: no entity has this name (with the closest names).
        graphkit.errors.AmbiguousNameError: several entities have this name.
        ParameterError: an unknown parameter or an invalid value.
    """
    _, bundled = resolve_query(text_or_name)
    names = functools.cache(lambda: subgraph(graph, "names"))
    terms: dict[str, Bound] = {}
    for name, value in values.items():
        parameter = bundled.parameter(name) if bundled is not None else None
        written_as_iri = value.startswith("<") or value.partition(":")[0] in NAMESPACES
        if parameter is not None and parameter.kind == "literal":
            terms[name] = _literal(value, parameter.datatype_iri)
        elif written_as_iri:
            terms[name] = ox.NamedNode(_expanded(value))
        elif parameter is None:
            terms[name] = _literal(value)
        elif parameter.kind == "concept":
            index = _concept_index(names(), parameter.scheme)
            terms[name] = ox.NamedNode(index.resolve_iri(value))
        else:
            index = name_index(graph, parameter.class_iris, kind=parameter.name)
            terms[name] = ox.NamedNode(index.resolve_iri(value))
    return terms


# ---------------------------------------------------------------------------------------------
# The public entry points
# ---------------------------------------------------------------------------------------------


def _looks_like_name(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9_.-]+", text) is not None


def resolve_query(text_or_name: str | Path) -> tuple[str, BundledQuery | None]:
    """The SPARQL text of a bundled query name, a ``.rq`` file or inline SPARQL, and the bundled
    query it is (``None`` for files and inline text).

    Raises:
        UnknownQueryError: a bare word that is no bundled query's name (with close names).
    """
    queries = bundled_queries()
    if isinstance(text_or_name, Path) or str(text_or_name).endswith(".rq"):
        path = Path(text_or_name)
        if path.stem in queries and not path.exists():
            return queries[path.stem].text, queries[path.stem]
        try:
            return path.read_text(encoding="utf-8"), None
        except OSError as exc:
            raise UnknownQueryError(f"Cannot read the query file {str(path)!r}: {exc}") from exc
    text = str(text_or_name)
    if text.strip() in queries:
        found = queries[text.strip()]
        return found.text, found
    if _looks_like_name(text.strip()):
        close = difflib.get_close_matches(text.strip(), list(queries), n=5, cutoff=0.5)
        hint = f" Closest: {', '.join(close)}." if close else ""
        raise UnknownQueryError(
            f"No bundled query is called {text.strip()!r}.{hint} Run 'graphkit queries' to "
            "list them."
        )
    return text, None


@functools.cache
def bundled_graph() -> Graph:
    """The graph of the bundled datasets, built once per process for queries without a graph."""
    from graphkit.graph.build import build_graph

    return build_graph()


def run_query(
    text_or_name: str | Path,
    bindings: Mapping[str, object] | None = None,
    graph: Graph | ox.Store | Backend | None = None,
    *,
    engine: str = "oxigraph",
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    max_triples: int | None = None,
) -> QueryResult:
    """Check and run a query; return its full result (rows, boolean or triples).

    Args:
        text_or_name: a bundled query's name, a path to a ``.rq`` file, or SPARQL text.
        bindings: variable name -> ``URIRef`` or ``Literal`` (never a plain ``str``); bundled
            queries' defaults fill in the parameters not given.
        graph: what to query: an rdflib graph (default: the bundled datasets' graph), a
            ``pyoxigraph.Store`` such as :func:`graphkit.graph.store.open_store`'s, or a backend
            such as :class:`graphkit.sparql.remote.Endpoint` (see :mod:`graphkit.sparql.backends`).
        engine: ``"oxigraph"`` (default) or ``"rdflib"`` (rdflib graphs only).
        timeout: seconds before the query is stopped (``None``: no limit).
        max_rows: the row cap of SELECT (``None``: no cap); ``result.truncated`` says if it was
            hit.
        max_triples: the triple cap of CONSTRUCT and DESCRIBE (``None``, the default: every
            triple). A graph is never cut short: past the cap the query fails.

    Raises:
        AnswerTooLargeError: a CONSTRUCT or DESCRIBE answer has more than ``max_triples``.
        QueryError: and its subclasses for refused, invalid, timed-out or failed queries.
        TypeError: a binding is not an RDF term.
    """
    text, bundled = resolve_query(text_or_name)
    # graphkit's own queries are read without rdflib's parser; anything else is checked.
    checked = package_query(text) if bundled is not None else check_query(text)
    terms = bind_parameters(checked, bundled, bindings)
    backend = as_backend(graph if graph is not None else bundled_graph(), engine)
    makes_graph = checked.form in ("CONSTRUCT", "DESCRIBE")
    cap = max_triples if makes_graph else max_rows
    result = backend.run(checked, terms, max_rows=cap, timeout=timeout)
    if makes_graph and result.truncated and cap is not None:
        raise AnswerTooLargeError(cap)
    return sort_concatenated_lists(result, text)


_GROUP_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?;\s*separator\s*=\s*(\"[^\"]+\"|'[^']+')\s*\)"
    r"\s*AS\s+[?$](\w+)",
    re.IGNORECASE,
)


def sort_concatenated_lists(result: QueryResult, text: str) -> QueryResult:
    """``result`` with the items of every ``GROUP_CONCAT(...; separator="s") AS ?x`` sorted.

    SPARQL leaves the order inside GROUP_CONCAT to the engine, which can differ from run to run;
    sorting the items (ignoring case and accents) makes the same query give the same answer.
    Only explicit separators are split, so an item is never cut at a space.
    """
    if result.form != "SELECT":
        return result
    separators = {name: sep[1:-1] for sep, name in _GROUP_CONCAT.findall(text)}
    columns = [(i, separators[v]) for i, v in enumerate(result.variables) if v in separators]
    if not columns:
        return result

    rdflib = sys.modules.get("rdflib")  # rdflib's engine answers with rdflib terms

    def sorted_cell(cell: object, separator: str) -> object:
        if isinstance(cell, ox.Literal):
            text = cell.value
        elif rdflib is not None and isinstance(cell, rdflib.Literal):
            text = str(cell)
        else:
            return cell
        items = sorted(text.split(separator), key=lambda item: (fold(item), item))
        joined = separator.join(items)
        return ox.Literal(joined) if isinstance(cell, ox.Literal) else rdflib.Literal(joined)

    rows = []
    for row in result.terms:
        cells = list(row)
        for index, separator in columns:
            cells[index] = sorted_cell(cells[index], separator)
        rows.append(tuple(cells))
    result.terms = rows
    return result


def run_query_with_values(
    text_or_name: str | Path,
    values: Mapping[str, str],
    graph: Graph | ox.Store | Backend,
    **options: Any,
) -> QueryResult:
    """Run a query with parameter values typed by a user, as ``graphkit query --param`` does.

    ``values`` (``{"city": "Wien"}``) become RDF terms as :func:`parameter_bindings` describes;
    ``options`` are those of :func:`run_query`.
    """
    terms = parameter_bindings(graph, text_or_name, values)
    return run_query(text_or_name, terms, graph, **options)


def query(
    text_or_name: str | Path,
    bindings: Mapping[str, object] | None = None,
    graph: Graph | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Run a query and return its result as a DataFrame (see :meth:`QueryResult.frame`).

    ``graphkit.query("transfers-into-city", {"city": GKR["taranto"]})`` lists the practices
    that came to Taranto. ``options`` are those of :func:`run_query` (``engine``, ``timeout``,
    ``max_rows``); use :func:`run_query` for the raw result of ASK, CONSTRUCT and DESCRIBE.
    """
    return run_query(text_or_name, bindings, graph, **options).frame()


def compact_iri(value: object) -> object:
    """An IRI in one of graphkit's namespaces as a prefixed name (``gkr:kosice``)."""
    if isinstance(value, str):
        for prefix, namespace in NAMESPACES.items():
            if value.startswith(namespace) and len(value) > len(namespace):
                return f"{prefix}:{value[len(namespace) :]}"
    return value


def compact_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with IRIs shortened to prefixed names, for reading on screen."""
    compacted = frame.map(compact_iri)
    compacted.attrs.update(frame.attrs)
    return compacted


class _CallableModule(types.ModuleType):
    """Lets ``graphkit.query(...)`` call :func:`query` although ``graphkit.analysis.query`` is this
    module (the documented way to customise a module's behaviour: set its ``__class__``)."""

    def __call__(
        self,
        text_or_name: str | Path,
        bindings: Mapping[str, object] | None = None,
        graph: Graph | None = None,
        **options: Any,
    ) -> pd.DataFrame:
        return query(text_or_name, bindings, graph, **options)


sys.modules[__name__].__class__ = _CallableModule
