"""graphkit: a knowledge graph of city-level Roma and migrant inclusion in Europe.

``graphkit.open()`` returns the one handle over the graph (:class:`KnowledgeGraph`): transfers,
paths, network measures, cascades, explanations, statistics, validation, queries, exports and
views all hang off it. The data flows ``datasets/*.csv`` → :func:`graphkit.data.load.load_datasets`
→ :func:`graphkit.graph.build.build_graph` → the persistent store → the handle.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["KnowledgeGraph", "__version__", "open", "query"]


def __getattr__(name: str) -> Any:
    """``graphkit.open`` and ``graphkit.query(...)`` without loading their modules on
    ``import graphkit`` (so ``graphkit --help`` stays instant).

    ``graphkit.query`` is the module :mod:`graphkit.analysis.query`, which is callable as
    :func:`graphkit.analysis.query.query`.
    """
    import importlib

    if name in ("open", "KnowledgeGraph"):
        return getattr(importlib.import_module("graphkit.knowledge_graph"), name)
    if name == "query":
        return importlib.import_module("graphkit.analysis.query")
    raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
