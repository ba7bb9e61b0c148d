"""The tables the persistent store keeps beside its database, so warm commands need not ask
again: the transfer rows (``transfers``, ``cascades``, ``paths``), who took part in what
(``paths`` and the network measures) and the name index (every command that takes a name).

Each is made from the freshly built store by :func:`graphkit.graph.store.open_store`'s
``tables``; the modules that make them are in :data:`graphkit.graph.store.BUILDER_MODULES`, so
a change to their code rebuilds the stores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyoxigraph as ox


def transfer_rows_of(store: ox.Store) -> pd.DataFrame:
    """The transfer rows of a freshly built store
    (:func:`graphkit.analysis.transfers.transfer_rows`)."""
    from graphkit.analysis.transfers import transfer_rows
    from graphkit.sparql.backends import StoreBackend

    return transfer_rows(StoreBackend(store, "the store being built"))


def participation_of(store: ox.Store) -> dict[str, Any]:
    """Who took part in which project or event in a freshly built store
    (:func:`graphkit.analysis.transfers.participation_records`)."""
    from graphkit.analysis.transfers import PARTICIPATION_COLUMNS, participation_records
    from graphkit.sparql.backends import StoreBackend

    rows = participation_records(StoreBackend(store, "the store being built"))
    return {"columns": PARTICIPATION_COLUMNS, "rows": rows}


def name_index_of(store: ox.Store) -> bytes:
    """The names of every entity of a freshly built store, as a SQLite database
    (:func:`graphkit.analysis.names.name_database`)."""
    from graphkit.analysis.names import name_database

    return name_database(store)


KEPT_TABLES: dict[str, Callable[[ox.Store], Any]] = {
    "transfer-rows": transfer_rows_of,
    "participation": participation_of,
    "names.sqlite": name_index_of,
}
