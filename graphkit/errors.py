"""Every error graphkit raises for a user's request or data, in one place.

Commands catch :class:`GraphkitError` once and show its message; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class GraphkitError(Exception):
    """A problem with the user's data, names, query or options, explained in the message."""


# --- Data ------------------------------------------------------------------------------------


class _Problem(Protocol):
    def __lt__(self, other: object) -> bool: ...


class DatasetError(GraphkitError):
    """The datasets have problems; ``errors`` lists every one of them
    (:class:`graphkit.data.load.LoadError`, one per cell, row or file)."""

    def __init__(self, errors: Sequence[_Problem]):
        self.errors = sorted(errors)
        count = len(self.errors)
        lines = "\n".join(str(e) for e in self.errors)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the datasets:\n{lines}")


class StoreError(GraphkitError):
    """The store folder cannot be used (for example, it is not writable)."""


class OutputError(GraphkitError):
    """A file cannot be written: not a regular file, no permission, no room, a bad path."""


# --- Queries ---------------------------------------------------------------------------------


class QueryError(GraphkitError):
    """A query that cannot be run as asked; the message says why and what to do."""


class QuerySyntaxError(QueryError):
    """The text is not a SPARQL 1.1 query."""


class ForbiddenQueryError(QueryError):
    """The query would reach beyond the graph (SERVICE, FROM, FROM NAMED)."""


class UpdateRefusedError(QueryError):
    """The text is a SPARQL update; graphkit's graph is read-only."""


class QueryTimeoutError(QueryError):
    """The query ran longer than its timeout and was stopped."""


class AnswerTooLargeError(QueryError):
    """A CONSTRUCT or DESCRIBE answer has more triples than the cap set for it: no part of it is
    given, since a graph cut short looks complete."""

    def __init__(self, cap: int, option: str = "--max-triples"):
        super().__init__(
            f"The answer has more than {cap} triples, the cap set with {option}; nothing was "
            f"returned. Raise or drop {option}, or narrow the query."
        )
        self.cap = cap


class ParameterError(QueryError, ValueError):
    """A parameter name or value does not fit the query."""


class UnknownQueryError(QueryError, LookupError):
    """No bundled query has this name."""


class EndpointError(QueryError):
    """A remote SPARQL service refused, failed or could not be reached; the message names its
    URL (never the password) and says what to check."""


class EndpointTimeoutError(EndpointError, QueryTimeoutError):
    """A remote SPARQL service did not answer in time."""


# --- Names and views -------------------------------------------------------------------------


class UnknownNameError(GraphkitError, LookupError):
    """No entity of the wanted kind has this name; ``suggestions`` are the closest names."""

    def __init__(self, name: str, kind: str, suggestions: list[str]):
        self.name, self.kind, self.suggestions = name, kind, suggestions
        hint = f" Closest matches: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(f"No {kind} is called {name!r}.{hint}")


class AmbiguousNameError(GraphkitError, LookupError):
    """Several entities share this name; ``candidates`` lists ``(id, label, class)``."""

    def __init__(self, name: str, candidates: list[tuple[str, str, str]]):
        self.name, self.candidates = name, candidates
        listed = "; ".join(f"{i} ({label}, {cls})" for i, label, cls in candidates)
        super().__init__(f"{name!r} names several entities: {listed}. Use one of the ids.")


class ViewError(GraphkitError, ValueError):
    """The requested view cannot be drawn as asked (too large, empty, or missing a name)."""


# --- Reconciliation with GeoNames ------------------------------------------------------------


class GazetteerUnavailableError(GraphkitError):
    """The GeoNames data that ``graphkit reconcile`` needs is not installed."""


class UnresolvedCitiesError(GraphkitError):
    """Cities that ``graphkit reconcile`` could not match with one GeoNames place."""

    def __init__(self, unresolved: Sequence[tuple[str, str]]):
        self.unresolved = list(unresolved)
        names = ", ".join(f"{name} ({why})" for name, why in self.unresolved)
        count = len(self.unresolved)
        super().__init__(
            f"{count} cit{'ies are' if count != 1 else 'y is'} not resolved: {names}. Write the "
            "GeoNames id of the right place into geonames_id, or say why it has none in the "
            "row's note ('No GeoNames id: ...')."
        )
