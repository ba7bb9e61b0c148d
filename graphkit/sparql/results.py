"""What a query returns, whatever engine answered it (errors: :mod:`graphkit.errors`).

A :class:`QueryResult` holds the terms an engine gave back: pyoxigraph terms from Oxigraph (the
embedded store, an in-memory copy of a graph, a remote endpoint's parsed answer) or rdflib terms
from rdflib's engine. ``result.frame()`` turns either kind straight into plain Python values;
``result.rows`` and ``result.triples`` give rdflib terms, converted on first use, for code that
works with rdflib.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from graphkit.errors import QueryError
from graphkit.graph.terms import from_oxigraph, term_value, to_rdflib

if TYPE_CHECKING:  # imported where used: a query printed as rows needs neither
    import pandas as pd
    from rdflib import Graph
    from rdflib.term import Node

__all__ = ["QueryResult", "take_rows"]

T = TypeVar("T")


def _rdflib_triple(triple: Any) -> tuple[Node, Node, Node]:
    if isinstance(triple, tuple):
        return triple  # type: ignore[return-value]
    return (
        from_oxigraph(triple.subject),
        from_oxigraph(triple.predicate),
        from_oxigraph(triple.object),
    )  # type: ignore[return-value]


def _triple_terms(triple: Any) -> tuple[object, object, object]:
    if isinstance(triple, tuple):
        return triple  # type: ignore[return-value]
    return triple.subject, triple.predicate, triple.object


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


def take_rows(items: Iterable[T], max_rows: int | None) -> tuple[list[T], bool]:
    """At most ``max_rows`` of ``items`` (all for ``None``), and whether more were there."""
    if max_rows is None:
        return list(items), False
    taken = list(itertools.islice(items, max_rows + 1))
    return taken[:max_rows], len(taken) > max_rows


class QueryResult:
    """What a query returned: rows for SELECT, a boolean for ASK, triples for CONSTRUCT and
    DESCRIBE. ``truncated`` is true when more than ``max_rows`` rows or triples were cut off.

    Rows and triples may be given as pyoxigraph or rdflib terms; :attr:`rows` and
    :attr:`triples` read them as rdflib terms, :attr:`terms` as they came.
    """

    def __init__(
        self,
        form: str,
        variables: Sequence[str] = (),
        rows: Iterable[Sequence[object]] = (),
        boolean: bool | None = None,
        triples: Iterable[object] = (),
        *,
        truncated: bool = False,
        max_rows: int | None = None,
    ) -> None:
        self.form = form
        self.variables = list(variables)
        self.boolean = boolean
        self.truncated = truncated
        self.max_rows = max_rows
        self._terms: list[Any] = list(triples if form in ("CONSTRUCT", "DESCRIBE") else rows)
        self._rdflib: list[Any] | None = None

    def __repr__(self) -> str:
        size = "" if self.form == "ASK" else f", {len(self._terms)} items"
        return f"<QueryResult {self.form}{size}{', truncated' if self.truncated else ''}>"

    @property
    def terms(self) -> list[Any]:
        """The rows (SELECT) or triples (CONSTRUCT, DESCRIBE) as the engine gave them."""
        return self._terms

    @terms.setter
    def terms(self, value: list[Any]) -> None:
        self._terms = value
        self._rdflib = None

    def _as_rdflib(self) -> list[Any]:
        if self._rdflib is None:
            if self.form == "SELECT":
                self._rdflib = [tuple(map(from_oxigraph, row)) for row in self._terms]
            else:
                self._rdflib = [_rdflib_triple(triple) for triple in self._terms]
        return self._rdflib

    @property
    def rows(self) -> list[tuple[Node | None, ...]]:
        """The SELECT rows as rdflib terms (``None`` for unbound)."""
        return self._as_rdflib() if self.form == "SELECT" else []

    @property
    def triples(self) -> list[tuple[Node, Node, Node]]:
        """The CONSTRUCT / DESCRIBE triples as rdflib terms."""
        return self._as_rdflib() if self.form in ("CONSTRUCT", "DESCRIBE") else []

    def __len__(self) -> int:
        """Rows or triples (1 for ASK)."""
        return 1 if self.form == "ASK" else len(self._terms)

    def columns(self) -> list[str]:
        """The names of the columns of :meth:`records` and :meth:`frame`."""
        if self.form == "ASK":
            return ["answer"]
        if self.form == "SELECT":
            return list(self.variables)
        return ["subject", "predicate", "object"]

    def records(self) -> list[tuple[object, ...]]:
        """The result as rows of plain Python values, in the columns of :meth:`columns` (IRIs as
        text, numbers as numbers, ``None`` for unbound): what :meth:`frame` holds, without
        pandas."""
        if self.form == "ASK":
            return [(bool(self.boolean),)]
        if self.form == "SELECT":
            return [tuple(map(term_value, row)) for row in self._terms]
        return [tuple(map(term_value, _triple_terms(t))) for t in self._terms]

    def dicts(self) -> list[dict[str, object]]:
        """:meth:`records` as one mapping per row, by column name."""
        columns = self.columns()
        return [dict(zip(columns, record, strict=True)) for record in self.records()]

    def frame(self) -> pd.DataFrame:
        """The result as a DataFrame: one column per variable (IRIs as text, numbers as numbers);
        ``answer`` for ASK; ``subject``, ``predicate``, ``object`` for CONSTRUCT and DESCRIBE.

        ``frame.attrs`` holds ``form`` and ``truncated``.
        """
        import pandas as pd

        frame = pd.DataFrame.from_records(self.records(), columns=self.columns())
        frame.attrs.update(form=self.form, truncated=self.truncated)
        return frame

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE result as an rdflib graph (graphkit's
        prefixes bound)."""
        if self.form not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError(f"A {self.form} query returns no graph; use frame().")
        if self._terms and not isinstance(self._terms[0], tuple):
            return to_rdflib(self._terms)  # pyoxigraph triples
        from rdflib import Graph

        from graphkit.graph.namespaces import bind_prefixes

        result = bind_prefixes(Graph())
        result.addN((*triple, result) for triple in self.triples)
        return result

    def truncation_message(self) -> str:
        """A sentence telling the user that rows were cut off (empty when none were)."""
        if not self.truncated:
            return ""
        unit = "rows" if self.form == "SELECT" else "triples"
        return (
            f"Showing the first {self.max_rows} {unit} only: the query has more. Raise the row "
            "cap (--limit, or max_rows in Python) or narrow the query."
        )
