"""graphkit: a knowledge graph of city-level Roma and migrant inclusion in Europe.

The data flows ``datasets/*.csv`` → :func:`graphkit.load.load_datasets` →
:func:`graphkit.build.build_graph` → validation, queries, network analysis, exports and pictures.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]


def __getattr__(name: str) -> object:
    """``graphkit.query(...)`` without loading the query engine on ``import graphkit``.

    ``graphkit.query`` is the module :mod:`graphkit.query`, which is callable as
    :func:`graphkit.query.query`.
    """
    if name == "query":
        import importlib

        return importlib.import_module("graphkit.query")
    raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
