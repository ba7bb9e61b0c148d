"""Checking a SPARQL query before anything runs it: only read-only queries over graphkit's graph.

Only SELECT, ASK, CONSTRUCT and DESCRIBE are accepted; SERVICE (which would reach the network),
FROM / FROM NAMED (which would read other graphs or files) and updates are refused. Every engine
(:mod:`graphkit.sparql.backends`, :mod:`graphkit.sparql.remote`) runs :class:`CheckedQuery` objects only.

The queries shipped in ``graphkit/queries/`` are graphkit's own: :func:`package_query` reads their
form and variables with a small tokenizer instead of rdflib's parser, so commands that run only
them start without loading rdflib (``tests/test_warm_start.py`` checks that both readings agree
on every shipped query).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graphkit.errors import ForbiddenQueryError, QuerySyntaxError, UpdateRefusedError
from graphkit.graph.iris import NAMESPACE_IRIS
from graphkit.locations import QUERIES_DIR

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

NAMESPACES = dict(NAMESPACE_IRIS)


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the safety checks: its form, its selected variables (for SELECT)
    and every variable it mentions."""

    text: str
    form: str
    projected: tuple[str, ...]
    variables: frozenset[str]

    @property
    def prepared(self) -> Query:
        """rdflib's parse of the query (for rdflib's engine), made on first use."""
        return _prepare(self.text)


@functools.lru_cache(maxsize=256)
def _prepare(text: str) -> Query:
    import rdflib.plugins.sparql

    # rdflib would otherwise load the graphs named in FROM clauses, from files or the web.
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    return rdflib.plugins.sparql.prepareQuery(text, initNs=NAMESPACES)


_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


def _walk(node: object) -> Iterable[object]:
    """Every value inside a parsed query (CompValues, lists, terms), depth first."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, CompValue):
            stack.extend(current.values())
        elif isinstance(current, list | tuple | set | frozenset):
            stack.extend(current)


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

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
        prepared = _prepare(text)
    except Exception as exc:
        if _is_update(text):
            raise UpdateRefusedError(
                "graphkit's graph is read-only: updates (INSERT, DELETE, LOAD, CLEAR, …) are "
                "refused. Use SELECT, ASK, CONSTRUCT or DESCRIBE."
            ) from exc
        raise QuerySyntaxError(f"This is not a valid SPARQL query: {exc}") from exc
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

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
    return CheckedQuery(text, form, projected, frozenset(variables))


# IRIs, strings and comments are matched first, so that a "#" or "?" inside them is read as
# neither a comment nor a variable.
_TOKENS = re.compile(
    r"(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<string>\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<variable>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_-]*)"
    r"|(?P<symbol>[(){}*])"
)
_FORM_WORDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@functools.lru_cache(maxsize=256)
def package_query(text: str) -> CheckedQuery:
    """A query shipped in ``graphkit/queries/``, read without rdflib's parser: its form, the
    variables its SELECT clause projects and every variable it mentions.

    Only graphkit's own queries are read this way; anything else goes through
    :func:`check_query`.

    Raises:
        QuerySyntaxError: the text has no query form.
    """
    tokens = [
        (match.lastgroup or "", match.group())
        for match in _TOKENS.finditer(text)
        if match.lastgroup != "comment"
    ]
    start = next(
        (
            i
            for i, (kind, value) in enumerate(tokens)
            if kind == "word" and value.upper() in _FORM_WORDS
        ),
        None,
    )
    if start is None:
        raise QuerySyntaxError("This query has no SELECT, ASK, CONSTRUCT or DESCRIBE.")
    form = tokens[start][1].upper()
    variables = frozenset(value[1:] for kind, value in tokens if kind == "variable")
    projected: list[str] = []
    if form == "SELECT":
        depth = 0
        for (kind, value), (_, before) in zip(tokens[start + 1 :], tokens[start:], strict=False):
            if value in ("(", ")"):
                depth += 1 if value == "(" else -1
            elif value == "{" or (kind == "word" and value.upper() == "WHERE"):
                break
            elif kind == "variable" and (depth == 0 or before.upper() == "AS"):
                projected.append(value[1:])
            elif value == "*" and depth == 0:
                projected.extend(sorted(variables))
    return CheckedQuery(text, form, tuple(dict.fromkeys(projected)), variables)


def is_package_file(path: Path) -> bool:
    """Whether ``path`` is a query file shipped in ``graphkit/queries/``."""
    return path.resolve().is_relative_to(QUERIES_DIR.resolve())
