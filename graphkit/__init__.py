"""graphkit: a knowledge graph of city-level Roma and migrant inclusion in Europe.

The data flows ``datasets/*.csv`` → :func:`graphkit.load.load_datasets` →
:func:`graphkit.build.build_graph` → validation, queries, network analysis, exports and pictures.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
