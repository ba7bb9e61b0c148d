"""How entities and links look in every picture, interactive (:mod:`graphkit.views.visualise`) or
static (:mod:`graphkit.views.figures`): colours and shapes by type, labels, node sizes."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

SEED = 42
# The views `graphkit visualise` draws (the CLI's choices: kept here, a light import).
VIEWS = ("full", "transfers", "actors", "cities", "organisations", "ego", "project", "map")
# What `--out` may end in: an interactive page or a static figure (vector SVG and PDF, 200 dpi PNG).
PICTURE_FORMATS = ("html", "svg", "png", "pdf")
DEFAULT_MAX_NODES = 1500
SIZE_MEASURES = ("degree", "betweenness", "closeness")
MIN_NODE_SIZE, MAX_NODE_SIZE = 8.0, 30.0
# Longer names are cut on the canvas (with "…"); tooltips and menus carry them in full.
LABEL_CHARACTERS = 32
EDGE_LABEL_CHARACTERS = 48


@dataclass(frozen=True)
class TypeStyle:
    """How one entity type is drawn: colour, vis-network shape, legend glyph, matplotlib marker."""

    color: str
    shape: str

    @property
    def symbol(self) -> str:
        """The legend glyph of the shape."""
        return SHAPE_SYMBOLS[self.shape]

    @property
    def marker(self) -> str:
        """The matplotlib marker of the shape."""
        return SHAPE_MARKERS[self.shape]


SHAPE_SYMBOLS = {
    "dot": "●",
    "square": "■",
    "triangle": "▲",
    "triangleDown": "▼",
    "diamond": "◆",
    "star": "★",
    "hexagon": "⬢",
}
SHAPE_MARKERS = {
    "dot": "o",
    "square": "s",
    "triangle": "^",
    "triangleDown": "v",
    "diamond": "D",
    "star": "*",
    "hexagon": "h",
}
TYPE_STYLES = {
    "City": TypeStyle("#1f77b4", "dot"),
    "UnnamedCityGroup": TypeStyle("#9ecae1", "dot"),
    "Country": TypeStyle("#17becf", "hexagon"),
    "Organisation": TypeStyle("#ff7f0e", "square"),
    "Person": TypeStyle("#bcbd22", "triangleDown"),
    "Project": TypeStyle("#2ca02c", "diamond"),
    "Programme": TypeStyle("#98df8a", "diamond"),
    "Fund": TypeStyle("#637939", "diamond"),
    "Event": TypeStyle("#8c564b", "star"),
    "Practice": TypeStyle("#d62728", "triangle"),
    "PracticeTransfer": TypeStyle("#9467bd", "triangleDown"),
    "PolicyFramework": TypeStyle("#e377c2", "hexagon"),
    "Theme": TypeStyle("#7f7f7f", "square"),
    "LessonLearned": TypeStyle("#c49c94", "dot"),
    "Objective": TypeStyle("#dbdb8d", "dot"),
    "Quantity": TypeStyle("#c7c7c7", "dot"),
    "Membership": TypeStyle("#c5b0d5", "dot"),
    "PolicyLink": TypeStyle("#f7b6d2", "dot"),
    "SourceDocument": TypeStyle("#393b79", "square"),
    "WebPage": TypeStyle("#6b6ecf", "square"),
}
# What the full view shows first: the actors, what they did together and the practices. The
# records that only qualify a link (memberships, quantities, objectives, lessons, policy links,
# transfers as nodes) and the hubs every entity links to (themes, countries) are one click away
# on the page and listed, not drawn, on a static figure.
FOCUS_TYPES = (
    "City",
    "UnnamedCityGroup",
    "Organisation",
    "Person",
    "Project",
    "Programme",
    "Fund",
    "Event",
    "Practice",
    "PolicyFramework",
)
# Types without a style of their own get one of these, always the same for the same name.
FALLBACK_COLORS = ("#843c39", "#7b4173", "#5254a3", "#8ca252", "#bd9e39", "#ad494a")
TRANSFER_COLOR = "#9467bd"
PLAIN_EDGE_COLOR = "#a8a8a8"


def type_style(type_name: str) -> TypeStyle:
    """The colour and shape of an entity type (a stable fallback colour for unknown types)."""
    if type_name in TYPE_STYLES:
        return TYPE_STYLES[type_name]
    return TypeStyle(FALLBACK_COLORS[sum(map(ord, type_name)) % len(FALLBACK_COLORS)], "dot")


def type_label(type_name: str) -> str:
    """A class local name as words: ``UnnamedCityGroup`` -> "Unnamed city group"."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type_name).split()
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else "Entity"


def node_type(attrs: dict[str, Any]) -> str:
    """The entity type of a node of a :mod:`graphkit.analysis.network` graph ("Entity" if untyped)."""
    return str(attrs.get("type") or "Entity")


def node_label(node: object, attrs: dict[str, Any]) -> str:
    """What a node is called on the picture: its label, else its id."""
    return str(attrs.get("label") or node)


def short_label(text: str, limit: int = LABEL_CHARACTERS) -> str:
    """``text`` cut to ``limit`` characters, ending with "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_transfer(attrs: dict[str, Any]) -> bool:
    """Whether an edge is a practice transfer (drawn as a labelled arrow)."""
    return attrs.get("type") == "PracticeTransfer"


def edge_items(view: nx.Graph) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    """``(u, v, key, attrs)`` for every edge; ``key`` is None in a graph without parallel edges."""
    if view.is_multigraph():
        yield from view.edges(keys=True, data=True)
    else:
        for u, v, attrs in view.edges(data=True):
            yield u, v, None, attrs


def node_sizes(view: nx.Graph, size_by: str = "degree") -> dict[Any, float]:
    """Node sizes between MIN_NODE_SIZE and MAX_NODE_SIZE, by degree or a centrality.

    Args:
        view: any graph; directions are ignored and parallel edges count once for the
            centralities (degree counts every edge, so two transfers weigh more than one).
        size_by: "degree", "betweenness" (sampled with a fixed seed above 500 nodes) or
            "closeness".

    Returns:
        A size per node; the square root spreads sizes so a few hubs do not dwarf the rest.
    """
    import networkx as nx

    if size_by not in SIZE_MEASURES:
        raise ValueError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, not {size_by!r}")
    if size_by == "degree":
        values = dict(view.degree())
    else:
        simple = nx.Graph(view)
        if size_by == "betweenness":
            sample = 200 if len(simple) > 500 else None
            values = nx.betweenness_centrality(simple, k=sample, seed=SEED)
        else:
            values = nx.closeness_centrality(simple)
    low, high = min(values.values(), default=0), max(values.values(), default=0)
    if high == low:
        return dict.fromkeys(values, (MIN_NODE_SIZE + MAX_NODE_SIZE) / 3)
    spread = MAX_NODE_SIZE - MIN_NODE_SIZE
    return {
        n: MIN_NODE_SIZE + spread * math.sqrt((v - low) / (high - low)) for n, v in values.items()
    }
