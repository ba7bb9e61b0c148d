"""Static figures of a network view for papers: SVG or PNG drawn with matplotlib.

The figure uses the colours and shapes of the interactive page (:mod:`graphkit.views.visualise`),
has a legend by entity type, labels the nodes that matter most in a readable size, and draws
practice transfers as arrows labelled with the practice. The layout has a fixed seed and SVG
output carries no date, so the same data always gives the same file.
"""

from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from graphkit.views import style

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.figure import Figure
    from matplotlib.text import Text

FIGURE_FORMATS = ("svg", "png", "pdf")
# At most this many node labels, largest nodes first, each only where it overlaps no other.
LABEL_LIMIT = 40
# Above this many transfers, arrows are not labelled with their practice: the labels would hide
# the network (the interactive page shows each practice in its tooltip).
EDGE_LABEL_LIMIT = 30
PNG_DPI = 200
# Space between the packed components, in units of one node's share of the figure.
GAP = 0.6


def layout(view: nx.Graph, *, seed: int = style.SEED) -> dict[Any, tuple[float, float]]:
    """Node positions with a fixed seed (same graph, same picture).

    Each connected component gets its own force-directed layout, scaled with the square root
    of its size and turned so its long side is horizontal; the components are packed in rows,
    largest first, so small ones (a single transfer between two cities) stay readable next to
    a large one. Directions and parallel edges are ignored.
    """
    import networkx as nx

    simple = nx.Graph(view)
    components = sorted(
        nx.connected_components(simple), key=lambda nodes: (-len(nodes), sorted(map(str, nodes)))
    )
    boxes = []
    for nodes in components:
        unit, width, height = _component_layout(simple.subgraph(nodes), seed)
        side = math.sqrt(len(nodes))
        boxes.append((unit, side, side * width, side * height))
    # Rows as wide as a landscape (4:3) arrangement of the boxes needs; a flat box (two nodes
    # side by side) still takes a row of labels.
    area = sum((width + GAP) * (max(height, 1.0) + GAP) for *_, width, height in boxes)
    row_limit = max(max(width for *_, width, _ in boxes), math.sqrt(area * 4 / 3))
    positions: dict[Any, tuple[float, float]] = {}
    x = top = row_height = 0.0
    for unit, side, width, height in boxes:
        if x > 0 and x + width > row_limit:
            x, top, row_height = 0.0, top - row_height - GAP, 0.0
        for node, (ux, uy) in unit.items():
            positions[node] = (x + ux * side, top - height + uy * side)
        x += width + GAP
        row_height = max(row_height, height)
    return positions


def _component_layout(
    component: nx.Graph, seed: int
) -> tuple[dict[Any, tuple[float, float]], float, float]:
    """A force-directed layout of one connected component, turned so that its long axis is
    horizontal (labels are read left to right).

    Returns:
        Positions from (0, 0) to (width, height), the longer side being 1; width; height.
        networkx's spring layout needs SciPy from 500 nodes on, so larger components use
        ForceAtlas2, which needs only NumPy.
    """
    import networkx as nx
    import numpy as np

    if len(component) == 1:
        return dict.fromkeys(component, (0.0, 0.0)), 0.0, 0.0
    if len(component) < 500:
        raw = nx.spring_layout(component, seed=seed, iterations=100)
    else:
        raw = nx.forceatlas2_layout(component, seed=seed, max_iter=100)
    nodes = list(raw)
    points = np.array([raw[n] for n in nodes], dtype=float)
    points -= points.mean(axis=0)
    _, axes = np.linalg.eigh(np.cov(points.T))
    points = points @ axes[:, ::-1]
    points -= points.min(axis=0)
    points /= float(points.max()) or 1.0
    width, height = (float(v) for v in points.max(axis=0))
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, points, strict=True)}, width, height


def _radius_scale(node_count: int) -> float:
    """Points per unit of :func:`graphkit.views.style.node_sizes`: smaller marks in crowded views."""
    return 0.8 if node_count <= 100 else 0.5 if node_count <= 400 else 0.35


def drop_overlapping_labels(figure: Figure, fixed: list[Text], candidates: list[Text]) -> int:
    """Remove each candidate label that would overlap a fixed label or an earlier candidate.

    Returns how many candidates are kept. Candidates come most important first.
    """
    figure.draw_without_rendering()
    taken = [label.get_window_extent() for label in fixed]
    kept = 0
    for label in candidates:
        box = label.get_window_extent()
        if any(box.overlaps(other) for other in taken):
            label.remove()
        else:
            taken.append(box)
            kept += 1
    return kept


def draw_figure(
    view: nx.Graph,
    *,
    fmt: str = "svg",
    size_by: str = "degree",
    title: str | None = None,
    seed: int = style.SEED,
) -> bytes:
    """A static figure of ``view`` as SVG or PNG bytes (callers write the file).

    Args:
        view: a graph from :func:`graphkit.views.visualise.select_view` or :mod:`graphkit.analysis.network`.
        fmt: "svg" (text stays text, editable in Inkscape or Illustrator) or "png" (200 dpi).
        size_by: node size by "degree", "betweenness" or "closeness".
        title: the figure title; default: the view's ``title`` graph attribute.
        seed: the layout seed.

    Returns:
        The figure: nodes coloured and shaped by type with a legend (type and count),
        transfers as arrows (labelled with the practice when there are at most
        ``EDGE_LABEL_LIMIT``), and node labels for the largest nodes (up to ``LABEL_LIMIT``)
        wherever a label overlaps no other; a note says when some nodes are left unlabelled.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FIGURE_FORMATS)}, not {fmt!r}")
    positions = layout(view, seed=seed)
    sizes = style.node_sizes(view, size_by)
    scale = _radius_scale(len(view))
    radius = {node: size * scale for node, size in sizes.items()}

    figure = Figure(figsize=(12, 9) if len(view) <= 200 else (16, 12), layout="constrained")
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_aspect("equal")
    axes.set_title(title or view.graph.get("title") or "graphkit network", fontsize=13)

    plain = [
        (positions[u], positions[v])
        for u, v, _, attrs in style.edge_items(view)
        if not style.is_transfer(attrs)
    ]
    axes.add_collection(
        LineCollection(plain, colors=style.PLAIN_EDGE_COLOR, linewidths=0.6, zorder=1)
    )

    by_type: dict[str, list[Any]] = defaultdict(list)
    for node, attrs in view.nodes(data=True):
        by_type[style.node_type(attrs)].append(node)
    counts = Counter({t: len(nodes) for t, nodes in by_type.items()})
    for kind, nodes in sorted(by_type.items()):
        look = style.type_style(kind)
        axes.scatter(
            [positions[n][0] for n in nodes],
            [positions[n][1] for n in nodes],
            s=[(2 * radius[n]) ** 2 for n in nodes],
            c=look.color,
            marker=look.marker,
            edgecolors="#333333",
            linewidths=0.5,
            zorder=3,
        )

    transfers: dict[tuple[Any, Any], list[str]] = defaultdict(list)
    practice_labels: list[Text] = []
    for u, v, _, attrs in style.edge_items(view):
        if style.is_transfer(attrs):
            transfers[(u, v)].append(str(attrs.get("label") or attrs.get("practice") or ""))
    label_edges = len(transfers) <= EDGE_LABEL_LIMIT
    for (u, v), practices in transfers.items():
        (x1, y1), (x2, y2) = positions[u], positions[v]
        # Curve a little, so a transfer back the other way does not hide this one.
        bend = 0.12 if (v, u) in transfers else 0.0
        axes.add_patch(
            FancyArrowPatch(
                (x1, y1),
                (x2, y2),
                arrowstyle="-|>",
                mutation_scale=14,
                color=style.TRANSFER_COLOR,
                linewidth=1.8,
                connectionstyle=f"arc3,rad={bend}",
                shrinkA=radius[u] + 1,
                shrinkB=radius[v] + 2,
                zorder=2,
            )
        )
        if not label_edges:
            continue
        middle = ((x1 + x2) / 2 + bend * (y2 - y1) / 2, (y1 + y2) / 2 - bend * (x2 - x1) / 2)
        practice_labels.append(
            axes.text(
                *middle,
                "\n".join(
                    style.short_label(p, style.EDGE_LABEL_CHARACTERS)
                    for p in sorted(set(practices))
                ),
                fontsize=7.5,
                color="#4a2d6b",
                ha="center",
                va="center",
                zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
            )
        )

    ranked = sorted(view.nodes, key=lambda n: (-sizes[n], style.node_label(n, view.nodes[n])))
    node_labels = [
        axes.annotate(
            style.short_label(style.node_label(node, view.nodes[node])),
            positions[node],
            xytext=(0, -(radius[node] + 3)),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8,
            zorder=5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )
        for node in ranked[:LABEL_LIMIT]
    ]
    shown = drop_overlapping_labels(figure, practice_labels, node_labels)
    if shown < len(ranked):
        figure.text(
            0.01,
            0.01,
            f"Labels: {shown} of {len(ranked)} nodes, the largest (by {size_by}) that fit "
            "without overlapping.",
            fontsize=8,
            color="#555555",
        )

    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=style.type_style(kind).marker,
            markersize=9,
            markerfacecolor=style.type_style(kind).color,
            markeredgecolor="#333333",
            label=f"{style.type_label(kind)} ({count})",
        )
        for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    if transfers:
        handles.append(
            Line2D(
                [],
                [],
                color=style.TRANSFER_COLOR,
                linewidth=2,
                marker=">",
                markevery=[1],
                label="Practice transfer (labelled with the practice)"
                if label_edges
                else "Practice transfer",
            )
        )
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)

    return save_figure(figure, fmt)


def save_figure(figure: Figure, fmt: str) -> bytes:
    """``figure`` as SVG, PNG or PDF bytes, the same bytes for the same figure.

    SVG keeps text as text and PDF embeds its fonts as TrueType (both stay editable in
    Inkscape or Illustrator); neither carries a date. PNG is drawn at ``PNG_DPI``.
    """
    import matplotlib

    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FIGURE_FORMATS)}, not {fmt!r}")
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}
    buffer = io.BytesIO()
    settings = {"svg.hashsalt": "graphkit", "svg.fonttype": "none", "pdf.fonttype": 42}
    with matplotlib.rc_context(settings):
        figure.savefig(
            buffer,
            format=fmt,
            dpi=PNG_DPI,
            metadata=metadata.get(fmt),
            bbox_inches="tight",
        )
    return buffer.getvalue()
