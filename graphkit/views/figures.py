"""Static figures of a network view for papers: SVG, PDF or PNG drawn with matplotlib.

The figure uses the colours and shapes of the interactive page (:mod:`graphkit.views.visualise`),
has a legend by entity type, labels the nodes that matter most in a readable size, and draws
practice transfers as arrows labelled with the practice. The layout has a fixed seed and SVG
output carries no date, so the same data always gives the same file.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from graphkit.views import style

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

FIGURE_FORMATS = ("svg", "png", "pdf")
# At most this many node labels, largest nodes first, each only where it overlaps no other.
LABEL_LIMIT = 40
# Above this many transfers, arrows are not labelled with their practice: the labels would hide
# the network (the interactive page shows each practice in its tooltip).
EDGE_LABEL_LIMIT = 30
PNG_DPI = 200
# Practice labels are wrapped at this many characters, so they stay near their arrow.
WRAP = 26
# The labels of this many most central nodes may cover other nodes' marks where nothing else fits.
CROWDED_LABELS = 10
# The length of a transfer's arrowhead, in points.
ARROW_HEAD = 8.0
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


def figure_size(node_count: int) -> tuple[float, float]:
    """Width and height in inches: a page wide (10 in, 7 in of it the network, the rest the
    legend) up to 200 nodes, so that 8 pt labels stay readable when printed across a page;
    larger for crowded views."""
    return (10, 7.5) if node_count <= 200 else (14, 10.5)


def _radius_scale(node_count: int) -> float:
    """Points per unit of :func:`graphkit.views.style.node_sizes`: smaller marks in crowded views."""
    return 0.55 if node_count <= 100 else 0.45 if node_count <= 400 else 0.3


def drop_overlapping_labels(
    figure: Figure, fixed: list[Text], candidates: list[Text], obstacles: list[Bbox] = ()
) -> int:
    """Remove each candidate label that would overlap a fixed label, an obstacle (an
    arrowhead, in display units) or an earlier candidate.

    Returns how many candidates are kept. Candidates come most important first.
    """
    figure.draw_without_rendering()
    taken = [*obstacles, *(label.get_window_extent() for label in fixed)]
    kept = 0
    for label in candidates:
        box = label.get_window_extent()
        if any(box.overlaps(other) for other in taken):
            label.remove()
        else:
            taken.append(box)
            kept += 1
    return kept


def focus(view: nx.Graph) -> tuple[nx.Graph, Counter[str]]:
    """The part of ``view`` a figure draws, and the entity types left out (with their counts).

    A view with a ``focus_types`` graph attribute (the full view: see
    :data:`graphkit.views.style.FOCUS_TYPES`) keeps only the nodes of those types and the links
    between them; any other view is drawn whole.
    """
    wanted = view.graph.get("focus_types")
    if not wanted:
        return view, Counter()
    kept = [n for n, attrs in view.nodes(data=True) if style.node_type(attrs) in wanted]
    left_out = Counter(
        style.node_type(attrs)
        for _, attrs in view.nodes(data=True)
        if style.node_type(attrs) not in wanted
    )
    return view.subgraph(kept), left_out


def subtitle(view: nx.Graph) -> str:
    """What a figure shows, in numbers: nodes, links, practice transfers and their years."""
    transfers = [attrs for *_, attrs in style.edge_items(view) if style.is_transfer(attrs)]
    other_links = view.number_of_edges() - len(transfers)
    parts = [f"{view.number_of_nodes():,} nodes"]
    if transfers:
        parts.append(f"{len(transfers):,} practice transfers")
    if other_links or not transfers:
        parts.append(f"{other_links:,} links")
    years = sorted(
        int(str(attrs["year"])[:4]) for attrs in transfers if attrs.get("year") not in (None, "")
    )
    if years:
        span = str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
        undated = len(transfers) - len(years)
        parts.append(span + (f" ({undated} undated)" if undated else ""))
    return " · ".join(parts)


def arrowhead_box(axes: Axes, arrow: FancyArrowPatch) -> Bbox:
    """The display box of the head of a drawn ``-|>`` arrow: its path ends with the head's
    closed triangle (three points and the closing code)."""
    from matplotlib.transforms import Bbox

    head = axes.transData.transform(arrow.get_path().vertices[-4:-1])
    return Bbox.from_extents(*head.min(axis=0), *head.max(axis=0))


def figure_of(
    view: nx.Graph,
    *,
    size_by: str = "degree",
    title: str | None = None,
    seed: int = style.SEED,
) -> Figure:
    """A static figure of ``view`` as a matplotlib figure (:func:`draw_figure` saves it).

    Args, returns: as for :func:`draw_figure`. Its artists carry ids that the SVG keeps:
    ``nodes-<Type>`` (one marker per node, in the order of ``view.nodes``), ``transfer-<i>``
    (arrows), ``links``, ``node-label-<i>`` and ``practice-label-<i>``.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    drawn, left_out = focus(view)
    positions = layout(drawn, seed=seed)
    sizes = style.node_sizes(drawn, size_by)
    scale = _radius_scale(len(drawn))
    radius = {node: size * scale for node, size in sizes.items()}

    figure = Figure(figsize=figure_size(len(drawn)), layout="constrained")
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_aspect("equal")
    axes.set_title(
        f"{title or view.graph.get('title') or 'graphkit network'}\n{subtitle(drawn)}",
        fontsize=13,
    )

    plain = [
        (positions[u], positions[v])
        for u, v, _, attrs in style.edge_items(drawn)
        if not style.is_transfer(attrs)
    ]
    axes.add_collection(
        LineCollection(plain, colors=style.PLAIN_EDGE_COLOR, linewidths=0.6, zorder=1, gid="links")
    )

    by_type: dict[str, list[Any]] = defaultdict(list)
    for node, attrs in drawn.nodes(data=True):
        by_type[style.node_type(attrs)].append(node)
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
            gid=f"nodes-{kind}",
        )

    transfers: dict[tuple[Any, Any], list[str]] = defaultdict(list)
    for u, v, _, attrs in style.edge_items(drawn):
        if style.is_transfer(attrs):
            transfers[(u, v)].append(str(attrs.get("label") or attrs.get("practice") or ""))
    label_edges = len(transfers) <= EDGE_LABEL_LIMIT
    practice_labels: list[Text] = []
    practice_ends: list[tuple[Any, Any]] = []
    arrows: list[FancyArrowPatch] = []
    for i, ((u, v), practices) in enumerate(sorted(transfers.items(), key=str)):
        (x1, y1), (x2, y2) = positions[u], positions[v]
        # Curve a little, so a transfer back the other way does not hide this one.
        bend = 0.12 if (v, u) in transfers else 0.0
        # The arrow ends at the border of the node it points at: its head stays visible.
        gap = radius[v] + 1.5
        arrows.append(
            axes.add_patch(
                FancyArrowPatch(
                    (x1, y1),
                    (x2, y2),
                    arrowstyle=f"-|>,head_length={ARROW_HEAD / 14:.3f},head_width=0.25",
                    mutation_scale=14,
                    color=style.TRANSFER_COLOR,
                    linewidth=1.6,
                    connectionstyle=f"arc3,rad={bend}",
                    shrinkA=radius[u] + 1,
                    shrinkB=gap,
                    zorder=2,
                    gid=f"transfer-{i}",
                )
            )
        )
        if not label_edges:
            continue
        middle = ((x1 + x2) / 2 + bend * (y2 - y1) / 2, (y1 + y2) / 2 - bend * (x2 - x1) / 2)
        practice_ends.append((u, v))
        practice_labels.append(
            axes.text(
                *middle,
                "\n".join(
                    textwrap.fill(style.short_label(p, style.EDGE_LABEL_CHARACTERS), WRAP)
                    for p in sorted(set(practices))
                ),
                fontsize=7.5,
                color="#4a2d6b",
                ha="center",
                va="center",
                zorder=4,
                gid=f"practice-label-{i}",
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
            )
        )

    ranked = sorted(drawn.nodes, key=lambda n: (-sizes[n], style.node_label(n, drawn.nodes[n])))
    node_labels = [
        axes.text(
            *positions[node],
            style.short_label(style.node_label(node, drawn.nodes[node])),
            ha="center",
            va="center",
            fontsize=8,
            zorder=5,
            gid=f"node-label-{i}",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
        for i, node in enumerate(ranked[:LABEL_LIMIT])
    ]

    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=style.type_style(kind).marker,
            markersize=9,
            markerfacecolor=style.type_style(kind).color,
            markeredgecolor="#333333",
            label=f"{style.type_label(kind)} ({len(nodes)})",
        )
        for kind, nodes in sorted(by_type.items(), key=lambda item: (-len(item[1]), item[0]))
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

    figure.draw_without_rendering()
    # Labels are placed in display units: the layout must not move the axes from now on.
    figure.set_layout_engine("none")
    head_boxes = [arrowhead_box(axes, arrow) for arrow in arrows]
    placed = {label: node for label, node in zip(node_labels, ranked, strict=False)}
    practices = dict(zip(practice_labels, practice_ends, strict=True))
    leaders = _place_labels(figure, axes, practices, placed, positions, radius, head_boxes)
    for label in [label for label in node_labels if label not in leaders]:
        label.remove()
        node_labels.remove(label)
    practice_labels = [label for label in practice_labels if label.axes is not None]
    shown = drop_overlapping_labels(figure, practice_labels, node_labels, head_boxes)
    for label, line in leaders.items():
        if line is not None and label.axes is None:
            line.remove()

    notes = []
    if len(practice_labels) < len(practices):
        notes.append(
            f"Practices: {len(practice_labels)} of {len(practices)} arrows labelled, where "
            "the label fits; the HTML page names every one."
        )
    if shown < len(ranked):
        notes.append(
            f"Labels: {shown} of {len(ranked)} nodes, the most central (by {size_by}) that fit "
            "without overlapping."
        )
    if left_out:
        hidden = ", ".join(
            f"{style.type_label(kind).lower()} ({count})"
            for kind, count in sorted(left_out.items(), key=lambda item: (-item[1], item[0]))
        )
        notes.append(f"Not drawn: {hidden}; the HTML page shows them.")
    if notes:
        figure.text(0.01, 0.005, "\n".join(notes), fontsize=8, color="#555555", wrap=True)
    return figure


def _place_labels(
    figure: Figure,
    axes: Axes,
    practice_labels: dict[Text, tuple[Any, Any]],
    node_labels: dict[Text, Any],
    positions: dict[Any, tuple[float, float]],
    radius: dict[Any, float],
    head_boxes: list[Bbox],
) -> dict[Text, Line2D | None]:
    """Place each label at the first of its candidate spots that overlaps no node, arrowhead
    or label already placed, the title or the legend, inside the figure.

    Returns:
        The node labels that found a spot, each with the line joining it to its node (None
        when it sits right beside it); the others are left for the caller to remove.

    A practice label (each with the two ends of its arrow) tries the middle of its arrow, then
    spots along and beside it; one that fits nowhere is removed. A node label tries below, above, right and left of its node, then the
    corners, then the same a little further out (joined to its node by a thin line); where
    nodes crowd, the ``CROWDED_LABELS`` most central may cover other nodes' marks, never their
    own, an arrowhead or a label. Labels are
    placed in order, practices first, then nodes from the most central, so the same data gives
    the same figure. (A greedy search rather than adjustText's force model: it never leaves
    two labels overlapping and takes well under a second for a thousand nodes.)
    """
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Bbox

    points = figure.dpi / 72
    figure.draw_without_rendering()
    area = figure.bbox
    centres = {node: axes.transData.transform(xy) for node, xy in positions.items()}
    markers = {
        node: Bbox.from_extents(x - r, y - r, x + r, y + r)
        for node, (x, y) in centres.items()
        for r in [radius[node] * points]
    }
    # Labels may reach past the axes, never into the title or the legend.
    taken = [*head_boxes, axes.title.get_window_extent(), axes.get_legend().get_window_extent()]
    pad = 1.5 * points

    def size(label: Text) -> tuple[float, float]:
        box = label.get_window_extent()
        return box.width / 2 + pad, box.height / 2 + pad

    def box_at(x: float, y: float, w: float, h: float) -> Bbox:
        return Bbox.from_extents(x - w, y - h, x + w, y + h)

    def within(box: Bbox) -> bool:
        return area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0 and box.y1 <= area.y1

    def fits(box: Bbox, over_nodes: bool = False, own: Bbox | None = None) -> bool:
        obstacles = [*taken, *filter(None, [own])] if over_nodes else [*markers.values(), *taken]
        return within(box) and not any(box.overlaps(other) for other in obstacles)

    for label, (tail, tip) in practice_labels.items():
        w, h = size(label)
        (x1, y1), (x2, y2) = axes.transData.transform([positions[tail], positions[tip]])
        x, y = axes.transData.transform(label.get_position())
        spots = [
            (
                x + along * (x2 - x1) + dx * step * (w + pad),
                y + along * (y2 - y1) + dy * step * (h + pad),
            )
            for step in range(3)
            for along in (0.0, -0.2, 0.2)
            for dx, dy in (((0, 0),) if step == 0 else ((0, -1), (0, 1), (1, 0), (-1, 0)))
        ]
        chosen = next((spot for spot in spots if fits(box_at(*spot, w, h))), None)
        if chosen is None:
            label.remove()
            continue
        label.set_position(axes.transData.inverted().transform(chosen))
        taken.append(box_at(*chosen, w, h))

    leaders: dict[Text, Line2D | None] = {}
    directions = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))
    for rank, (label, node) in enumerate(node_labels.items()):
        w, h = size(label)
        cx, cy = centres[node]
        r = radius[node] * points
        chosen = None
        # Off every node if possible; the most central, in a crowd, over other nodes' marks
        # rather than unnamed.
        crowd = (False, True) if rank < CROWDED_LABELS else (False,)
        for over_nodes, ring, (dx, dy) in (
            (over, ring, d) for over in crowd for ring in (0, 1, 2) for d in directions
        ):
            gap = r + pad + ring * 10 * points
            spot = (cx + dx * (gap + w), cy + dy * (gap + h))
            if fits(box_at(*spot, w, h), over_nodes, markers[node]):
                chosen = spot, ring
                break
        if chosen is None:
            continue
        (x, y), ring = chosen
        label.set_position(axes.transData.inverted().transform((x, y)))
        taken.append(box_at(x, y, w, h))
        leaders[label] = None
        if ring:
            length = math.hypot(x - cx, y - cy)
            ux, uy = (x - cx) / length, (y - cy) / length
            # From the node's border to the near edge of the label.
            reach = length - min(w / abs(ux) if ux else math.inf, h / abs(uy) if uy else math.inf)
            ends = [(cx + ux * r, cy + uy * r), (cx + ux * reach, cy + uy * reach)]
            leaders[label] = axes.add_line(
                Line2D(
                    *zip(*axes.transData.inverted().transform(ends), strict=True),
                    color="#777777",
                    linewidth=0.5,
                    zorder=4,
                )
            )
    return leaders


def draw_figure(
    view: nx.Graph,
    *,
    fmt: str = "svg",
    size_by: str = "degree",
    title: str | None = None,
    seed: int = style.SEED,
) -> bytes:
    """A static figure of ``view`` as SVG, PNG or PDF bytes (callers write the file).

    Args:
        view: a graph from :func:`graphkit.views.visualise.select_view` or
            :mod:`graphkit.analysis.network`.
        fmt: "svg" or "pdf" (vector, text stays text: editable in Inkscape or Illustrator) or
            "png" (200 dpi).
        size_by: node size by "degree", "betweenness" or "closeness"; the largest nodes are
            labelled first.
        title: the figure title; default: the view's ``title`` graph attribute. A second line
            gives the numbers: nodes, links, practice transfers and their years.
        seed: the layout seed.

    Returns:
        The figure: nodes coloured and shaped by type with a legend of the types drawn (type and
        count), transfers as arrows that end at the border of their node (labelled with the
        practice when there are at most ``EDGE_LABEL_LIMIT``), and labels for the most central
        nodes (up to ``LABEL_LIMIT``) placed off the nodes and arrowheads, each only where it
        overlaps no other; a note says when some nodes are left unlabelled, and which types a
        view with ``focus_types`` (the full view) leaves out.
    """
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FIGURE_FORMATS)}, not {fmt!r}")
    return save_figure(figure_of(view, size_by=size_by, title=title, seed=seed), fmt)


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
