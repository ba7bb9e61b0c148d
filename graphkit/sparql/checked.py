"""Checking a SPARQL query before anything runs it: only read-only queries over graphkit's graph.

Only SELECT, ASK, CONSTRUCT and DESCRIBE are accepted; SERVICE (which would reach the network),
FROM / FROM NAMED (which would read other graphs or files) and updates are refused. Every engine
(:mod:`graphkit.sparql.backends`, :mod:`graphkit.sparql.remote`) runs :class:`CheckedQuery` objects only.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import rdflib.plugins.sparql
from rdflib import Variable
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from graphkit.errors import ForbiddenQueryError, QuerySyntaxError, UpdateRefusedError
from graphkit.graph.namespaces import PREFIXES

# rdflib would otherwise load the graphs named in FROM clauses, from files or the web.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

NAMESPACES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the safety checks: its form, its selected variables (for SELECT)
    and every variable it mentions."""

    text: str
    form: str
    projected: tuple[str, ...]
    variables: frozenset[str]
    prepared: Query = field(repr=False, compare=False)


_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


def _walk(node: object) -> Iterable[object]:
    """Every value inside a parsed query (CompValues, lists, terms), depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, CompValue):
            stack.extend(current.values())
        elif isinstance(current, list | tuple | set | frozenset):
            stack.extend(current)


def _is_update(text: str) -> bool:
    try:
        translateUpdate(parseUpdate(text), initNs=NAMESPACES)
    except Exception:  # any failure means "not an update"; the query error is reported instead
        return False
    return True


@functools.lru_cache(maxsize=256)
def check_query(text: str) -> CheckedQuery:
    """Parse ``text`` and refuse everything but a read-only query over graphkit's graph.

    Nothing is run: the checks work on rdflib's parse of the query. Accepted queries are cached
    by their text (parsing costs more than many queries take); refusals are checked every time.

    Raises:
        UpdateRefusedError: the text is a SPARQL update (INSERT, DELETE, LOAD, CLEAR, …).
        ForbiddenQueryError: the query uses SERVICE, FROM or FROM NAMED.
        QuerySyntaxError: the text is not SPARQL.
    """
    try:
        prepared = rdflib.plugins.sparql.prepareQuery(text, initNs=NAMESPACES)
    except Exception as exc:
        if _is_update(text):
            raise UpdateRefusedError(
                "graphkit's graph is read-only: updates (INSERT, DELETE, LOAD, CLEAR, …) are "
                "refused. Use SELECT, ASK, CONSTRUCT or DESCRIBE."
            ) from exc
        raise QuerySyntaxError(f"This is not a valid SPARQL query: {exc}") from exc
    algebra = prepared.algebra
    form = _FORMS.get(algebra.name)
    if form is None:
        raise QuerySyntaxError(f"Unsupported query form {algebra.name}.")
    if algebra.get("datasetClause"):
        raise ForbiddenQueryError(
            "FROM and FROM NAMED are refused: queries run on graphkit's graph only."
        )
    variables = set()
    for value in _walk(algebra):
        if isinstance(value, CompValue) and value.name == "ServiceGraphPattern":
            raise ForbiddenQueryError(
                f"SERVICE is refused: graphkit never sends queries to other endpoints "
                f"(found {value.get('service_string', 'SERVICE')!r})."
            )
        if isinstance(value, Variable):
            variables.add(str(value))
    projected = tuple(str(v) for v in algebra.get("PV") or ()) if form == "SELECT" else ()
    return CheckedQuery(text, form, projected, frozenset(variables), prepared)
