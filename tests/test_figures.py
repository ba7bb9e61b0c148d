"""Static figures for papers: SVG and PNG of a view, with a legend and readable labels."""

from __future__ import annotations

import csv
import io
import math
import re
import xml.etree.ElementTree as ET

import matplotlib.image
import networkx as nx
import pytest

from graphkit.views.figures import EDGE_LABEL_LIMIT, LABEL_LIMIT, draw_figure, layout
from graphkit.views.visualise import select_view
from tests.conftest import MINI_DIR
from tests.helpers import bundled_csv

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: bytes) -> list[str]:
    """Every piece of text in an SVG figure (matplotlib writes text as <text> elements)."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def mini_rows(table: str) -> list[dict[str, str]]:
    with (MINI_DIR / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def transfers_svg(mini_graph) -> bytes:
    return draw_figure(select_view(mini_graph, "transfers"), fmt="svg")


def test_svg_labels_each_transfer_with_its_practice_and_each_city(transfers_svg: bytes) -> None:
    texts = svg_texts(transfers_svg)
    practices = {r["id"]: r["name"] for r in mini_rows("practices")}
    cities = {r["id"]: r["name"] for r in mini_rows("cities")}
    for row in mini_rows("transfers"):
        assert practices[row["practice"]] in texts
        assert cities[row["origin_city"]] in texts
    assert "Practice transfers between cities" in texts


def test_svg_legend_names_each_type_with_its_count(transfers_svg: bytes) -> None:
    texts = svg_texts(transfers_svg)
    named_targets = {r["target_city"] for r in mini_rows("transfers")} - {""}
    origins = {r["origin_city"] for r in mini_rows("transfers")}
    groups = sum(1 for r in mini_rows("transfers") if not r["target_city"])
    assert f"City ({len(origins | named_targets)})" in texts
    assert f"Unnamed city group ({groups})" in texts
    assert "Practice transfer (labelled with the practice)" in texts


def test_the_same_view_gives_the_same_svg_bytes(mini_graph, transfers_svg: bytes) -> None:
    assert draw_figure(select_view(mini_graph, "transfers"), fmt="svg") == transfers_svg


def test_png_is_a_picture_with_more_than_background(mini_graph) -> None:
    png = draw_figure(select_view(mini_graph, "full"), fmt="png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    assert width >= 1000 and height >= 500
    drawn = (pixels[..., :3].min(axis=2) < 0.9).mean()
    assert 0.01 < drawn < 0.6, drawn


def test_markup_in_names_is_text_in_the_svg() -> None:
    g = nx.MultiDiGraph(title="<script>alert(1)</script>")
    g.add_node("a", label="<img src=x onerror=alert(1)>", type="City")
    g.add_node("b", label="B & C", type="City")
    g.add_edge("a", "b", type="PracticeTransfer", label='<a href="x">practice</a>')
    svg = draw_figure(g, fmt="svg")
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}a", "img")]
    assert {"<img src=x onerror=alert(1)>", "B & C", '<a href="x">practice</a>'} <= set(
        svg_texts(svg)
    )


def test_large_views_label_their_largest_nodes_that_fit_and_say_so() -> None:
    star = nx.star_graph(LABEL_LIMIT + 10)
    nx.set_node_attributes(star, {n: f"node {n}" for n in star}, "label")
    svg = draw_figure(star, fmt="svg")
    texts = svg_texts(svg)
    labelled = [t for t in texts if t.startswith("node ")]
    assert "node 0" in labelled  # the hub
    assert 0 < len(labelled) <= LABEL_LIMIT
    assert (
        f"Labels: {len(labelled)} of {len(star)} nodes, the most central (by degree) that fit "
        "without overlapping." in texts
    )


def test_node_labels_do_not_overlap_each_other_or_a_practice() -> None:
    from matplotlib.figure import Figure

    from graphkit.views.figures import drop_overlapping_labels

    figure = Figure(figsize=(4, 3))
    axes = figure.add_subplot()
    practice = axes.text(0.5, 0.5, "Integrationshaus", ha="center")
    hub = axes.text(0.5, 0.8, "Vienna", ha="center")
    crowded = [
        axes.text(0.5, 0.5, "Taranto", ha="center"),
        axes.text(0.5, 0.8, "Wien", ha="center"),
    ]
    apart = axes.text(0.1, 0.1, "Košice")
    assert drop_overlapping_labels(figure, [practice], [hub, *crowded, apart]) == 2
    assert [t.get_text() for t in axes.texts] == ["Integrationshaus", "Vienna", "Košice"]


def test_small_components_are_laid_out_apart_from_each_other() -> None:
    g = nx.Graph([("a", "b"), ("c", "d"), ("e", "f")])
    g.add_edges_from(nx.path_graph(["h1", "h2", "h3", "h4", "h5", "h6"]).edges)
    positions = layout(g)
    components = list(nx.connected_components(g))
    nearest = min(
        math.dist(positions[u], positions[v])
        for i, first in enumerate(components)
        for second in components[i + 1 :]
        for u in first
        for v in second
    )
    within = max(math.dist(positions[u], positions[v]) for u, v in g.edges)
    assert nearest > 0.3 * within
    assert positions == layout(g)


def test_views_of_500_nodes_and_more_lay_out_without_scipy() -> None:
    ring = nx.cycle_graph(520)
    positions = layout(ring)
    assert len(positions) == 520
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in positions.values())
    assert len(set(positions.values())) == 520


def test_a_network_of_many_transfers_shows_arrows_without_practice_labels() -> None:
    """Above EDGE_LABEL_LIMIT transfers the practice labels would hide the network."""

    def star(transfers: int) -> nx.MultiDiGraph:
        view = nx.MultiDiGraph(title="many transfers")
        for n in range(transfers + 1):
            view.add_node(f"city {n}", type="City", label=f"city {n}")
        for n in range(1, transfers + 1):
            view.add_edge(
                "city 0", f"city {n}", key=f"t{n}", type="PracticeTransfer", label=f"practice {n}"
            )
        return view

    texts = svg_texts(draw_figure(star(EDGE_LABEL_LIMIT + 1), fmt="svg"))
    assert not [t for t in texts if t.startswith("practice ")]
    assert "Practice transfer" in texts
    assert "city 0" in texts  # the hub is still named
    at_limit = svg_texts(draw_figure(star(EDGE_LABEL_LIMIT), fmt="svg"))
    assert [t for t in at_limit if t.startswith("practice ")]
    assert "Practice transfer (labelled with the practice)" in at_limit


def test_pdf_is_one_page_with_embedded_fonts_and_the_same_bytes_each_time(mini_graph) -> None:
    view = select_view(mini_graph, "transfers")
    pdf = draw_figure(view, fmt="pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    assert b"/FontFile2" in pdf  # TrueType, so the text stays editable
    assert draw_figure(view, fmt="pdf") == pdf


def svg_groups(svg: bytes, prefix: str) -> dict[str, ET.Element]:
    """The SVG groups whose id starts with ``prefix`` (matplotlib keeps an artist's gid)."""
    root = ET.fromstring(svg)
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith(prefix)}


def path_points(d: str) -> list[tuple[float, float]]:
    """The points of an SVG path (matplotlib writes absolute commands with x y pairs)."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def svg_node_circles(svg: bytes) -> list[tuple[float, float, float]]:
    """Centre and radius of every node mark in the SVG (each a path in a ``nodes-`` group)."""
    circles = []
    for group in svg_groups(svg, "nodes-").values():
        for path in group.iter(f"{SVG}path"):
            xs, ys = zip(*path_points(path.get("d")), strict=True)
            circles.append(
                ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, (max(xs) - min(xs)) / 2)
            )
    return circles


def test_transfer_arrows_end_at_the_border_of_their_node_so_the_head_shows(bundled_graph):
    view = select_view(bundled_graph, "transfers", since=2019)
    svg = draw_figure(view, fmt="svg")
    circles = svg_node_circles(svg)
    assert len(circles) == view.number_of_nodes()
    arrows = svg_groups(svg, "transfer-")
    assert len(arrows) == len({(u, v) for u, v in view.edges()}) > 0
    for arrow in arrows.values():
        points = [xy for path in arrow.iter(f"{SVG}path") for xy in path_points(path.get("d"))]
        gaps = [min(math.dist(point, (x, y)) - r for x, y, r in circles) for point in points]
        # No point of the arrow (line or head) lies inside a node's mark...
        assert min(gaps) > -0.5, min(gaps)
        # ...and the tip touches its node: within a few points of the border.
        assert min(gaps) < 4, min(gaps)


def test_title_gives_the_counts_and_years_of_the_transfers_drawn(bundled_graph) -> None:
    # A transfer's year: its start, else the start of the event it went through.
    events = dict(zip(*bundled_csv("events")[["id", "start"]].T.values, strict=True))
    rows = bundled_csv("transfers")
    starts = [
        start or events.get(event, "")
        for start, event in zip(rows["start"], rows["event"], strict=True)
    ]
    years = sorted(int(start[:4]) for start in starts if start)
    undated = len(starts) - len(years)
    view = select_view(bundled_graph, "transfers")
    texts = svg_texts(draw_figure(view, fmt="svg"))
    assert (
        f"{view.number_of_nodes()} nodes · {len(rows)} practice transfers · "
        f"{years[0]}–{years[-1]} ({undated} undated)" in texts
    )


def legend_entries(texts: list[str]) -> dict[str, int]:
    entries = (re.fullmatch(r"(.+) \((\d+)\)", t) for t in texts)
    return {m[1]: int(m[2]) for m in entries if m}


def test_full_view_draws_the_classes_that_matter_and_its_legend_lists_only_those(mini_graph):
    from graphkit.views.style import FOCUS_TYPES, type_label

    view = select_view(mini_graph, "full")
    texts = svg_texts(draw_figure(view, fmt="svg"))
    types = [attrs["type"] for _, attrs in view.nodes(data=True)]
    drawn = {type_label(t): types.count(t) for t in set(types) if t in FOCUS_TYPES}
    left_out = {type_label(t).lower(): types.count(t) for t in set(types) if t not in FOCUS_TYPES}
    assert legend_entries(texts) == drawn
    assert left_out, "the fixture should have records the full view leaves out"
    (note,) = [t for t in texts if t.startswith("Not drawn:")]
    for kind, count in left_out.items():
        assert f"{kind} ({count})" in note
    markers = svg_node_circles(draw_figure(view, fmt="svg"))
    assert len(markers) == sum(drawn.values())


@pytest.mark.parametrize(("name", "filters"), [("transfers", {"since": 2019}), ("actors", {})])
def test_labels_never_overlap_each_other_and_stay_off_their_own_node(bundled_graph, name, filters):
    from graphkit.views.figures import figure_of

    figure = figure_of(select_view(bundled_graph, name, **filters))
    figure.draw_without_rendering()
    (axes,) = figure.axes
    labels = [t for t in axes.texts if (t.get_gid() or "").endswith(tuple("0123456789"))]
    practices = [t for t in labels if t.get_gid().startswith("practice-label-")]
    assert len(labels) > 15 and (practices or name != "transfers")
    boxes = [t.get_window_extent() for t in labels]
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other), (box, other)
    # No label hides an arrowhead: the head is the closed polygon that ends each arrow's path.
    from matplotlib.transforms import Bbox

    arrows = [a for a in axes.patches if (a.get_gid() or "").startswith("transfer-")]
    for arrow in arrows:
        head = axes.transData.transform(arrow.get_path().vertices[-4:-1])
        head_box = Bbox.from_extents(*head.min(axis=0), *head.max(axis=0))
        assert not [b for b in boxes if b.overlaps(head_box)], arrow.get_gid()
