"""Where graphkit finds its bundled files and keeps its caches.

The repository keeps ``ontology/`` and ``datasets/`` at the top level; ``graphkit/data/`` links to
them so that the same paths work from a source checkout, an editable install and a wheel (where
setuptools copies the linked files into the package).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
ONTOLOGY_DIR = DATA_DIR / "ontology"
DATASETS_DIR = DATA_DIR / "datasets"
SOURCES_DIR = DATASETS_DIR / "sources"
QUERIES_DIR = PACKAGE_DIR / "queries"
STATIC_DIR = PACKAGE_DIR / "static"

ONTOLOGY_FILE = ONTOLOGY_DIR / "graphkit.ttl"
VOCAB_FILE = ONTOLOGY_DIR / "vocab.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


def cache_dir() -> Path:
    """The folder for graphkit's caches: ``$GRAPHKIT_CACHE``, else ``$XDG_CACHE_HOME/graphkit``,
    else ``~/.cache/graphkit``."""
    explicit = os.environ.get("GRAPHKIT_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "graphkit"
