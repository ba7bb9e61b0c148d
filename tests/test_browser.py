"""The interactive page in a real browser: Debian's Chromium driven by Playwright.

No browser is downloaded: the tests use /usr/bin/chromium (``apt-get install chromium``; CI's
``.ci/run`` installs it) and are skipped, saying so, when it is absent.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

from graphkit.data.load import load_datasets
from graphkit.graph.build import build_graph
from graphkit.views.visualise import render_html, select_view
from tests.helpers import chromium_context, needs_chromium, replace_in

IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(2)">more</a>'
SETTLED = "#network[data-stabilised='true']"

pytestmark = [
    pytest.mark.browser,
    needs_chromium(),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    """A headless Chromium with a fresh profile, shared by this module's tests."""
    yield from chromium_context(
        tmp_path_factory.mktemp("chromium-profile"), viewport={"width": 1280, "height": 800}
    )


@dataclass
class OpenPage:
    """A loaded page and everything it tried to do."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def stats(self) -> dict:
        return self.page.evaluate("() => window.graphkitStats")


def open_page(browser, html_text: str, folder: Path) -> OpenPage:
    """Write the page, load it from disk, record every request, and wait until it settles."""
    path = folder / "network.html"
    path.write_text(html_text, encoding="utf-8")
    page = browser.new_page()
    opened = OpenPage(page, path.as_uri())

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            opened.blocked.append(url)
            route.abort()

    page.route("**/*", only_local)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            opened.errors.append(message.text) if message.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(opened.url)
    page.wait_for_selector(SETTLED, state="attached", timeout=30_000)
    return opened


def drawn_share(png: bytes) -> float:
    """The share of a screenshot's pixels that are not (near) white."""
    from PIL import Image

    grey_levels = Image.open(io.BytesIO(png)).convert("L").histogram()
    return sum(grey_levels[:235]) / sum(grey_levels)


def graph_data(opened: OpenPage) -> dict:
    return json.loads(opened.page.text_content("#graph-data"))


@pytest.fixture
def transfers_view(bundled_graph):
    return select_view(bundled_graph, "transfers")


def test_transfer_page_draws_every_city_and_transfer_offline(browser, transfers_view, tmp_path):
    opened = open_page(browser, render_html(transfers_view), tmp_path)
    stats = opened.stats()
    assert (stats["nodes"], stats["edges"]) == (
        transfers_view.number_of_nodes(),
        transfers_view.number_of_edges(),
    )
    assert stats["stabilised"] is True
    assert opened.requests == [opened.url]
    assert opened.blocked == [] and opened.errors == []
    screenshot = opened.page.locator("#network").screenshot()
    (tmp_path / "transfers.png").write_bytes(screenshot)
    assert drawn_share(screenshot) > 0.005
    opened.page.close()


def test_physics_stops_once_the_layout_has_settled(browser, transfers_view, tmp_path):
    opened = open_page(browser, render_html(transfers_view), tmp_path)
    positions = "() => JSON.stringify(window.graphkitNetwork.getPositions())"
    before = opened.page.evaluate(positions)
    opened.page.wait_for_timeout(700)
    assert opened.page.evaluate(positions) == before
    assert opened.page.is_hidden("#status")
    opened.page.close()


def test_project_and_type_menus_show_only_matching_transfers(browser, transfers_view, tmp_path):
    # Berlin belongs to the working group but transferred its practice through MiStra: the
    # menu shows the group's transfers, not every city that belongs to it.
    through_group = [
        (u, v, attrs["project"])
        for u, v, attrs in transfers_view.edges(data=True)
        if attrs["project_id"] == "eurocities-wg-roma-inclusion"
    ]
    groups = [n for n, kind in transfers_view.nodes(data="type") if kind == "UnnamedCityGroup"]
    opened = open_page(browser, render_html(transfers_view), tmp_path)
    page = opened.page

    page.select_option("#filter-project", label=through_group[0][2])
    stats = opened.stats()
    assert stats["visibleEdges"] == len(through_group)
    assert stats["visibleNodes"] == len({n for u, v, _ in through_group for n in (u, v)})
    assert page.get_attribute("#network", "data-visible-edges") == str(len(through_group))

    page.click("#reset")
    page.select_option("#filter-type", value="UnnamedCityGroup")
    stats = opened.stats()
    assert (stats["visibleNodes"], stats["visibleEdges"]) == (len(groups), 0)

    page.click("#reset")
    stats = opened.stats()
    assert (stats["visibleNodes"], stats["visibleEdges"]) == (stats["nodes"], stats["edges"])
    assert opened.errors == []
    page.close()


def test_markup_from_the_csv_shows_as_text_in_tooltips_menus_and_heading(
    browser, mini_copy, tmp_path
):
    replace_in(mini_copy / "practices.csv", "Welcome House,", f'"Welcome {IMG} House",')
    replace_in(mini_copy / "projects.csv", "TESTNET test project", f"TESTNET </script> {LINK}")
    graph = build_graph(load_datasets([mini_copy]))
    opened = open_page(browser, render_html(select_view(graph, "full"), title=IMG), tmp_path)
    page = opened.page

    node = next(
        n for n in graph_data(opened)["nodes"] if IMG in n["gkLabel"] and n["gkType"] == "Practice"
    )
    point = page.evaluate(
        """(id) => {
            const network = window.graphkitNetwork;
            const dom = network.canvasToDOM(network.getPositions([id])[id]);
            const box = document.getElementById("network").getBoundingClientRect();
            return {x: box.left + dom.x, y: box.top + dom.y};
        }""",
        node["id"],
    )
    page.mouse.move(point["x"], point["y"])
    tooltip = page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    assert f"Welcome {IMG} House" in tooltip.inner_text()
    assert "Type: Practice" in tooltip.inner_text()
    assert page.evaluate("() => document.querySelectorAll('img, a, iframe').length") == 0
    assert page.evaluate("() => document.querySelectorAll('script').length") == 3
    assert page.text_content("#title") == IMG
    assert page.evaluate("() => document.getElementById('title').children.length") == 0
    projects = page.eval_on_selector_all("#filter-project option", "os => os.map(o => o.text)")
    assert f"TESTNET </script> {LINK}" in projects
    assert opened.dialogs == [] and opened.errors == [] and opened.blocked == []
    page.close()


def test_a_thousand_node_view_settles_and_stays_usable(browser, tmp_path):
    graph = nx.gnm_random_graph(1000, 2000, seed=42)
    kinds = ["City", "Organisation", "Project", "Practice", "Event"]
    for node in graph:
        graph.nodes[node].update(label=f"Entity {node}", type=kinds[node % len(kinds)])
    opened = open_page(browser, render_html(graph), tmp_path)
    stats = opened.stats()
    assert (stats["nodes"], stats["edges"], stats["stabilised"]) == (1000, 2000, True)
    opened.page.select_option("#filter-type", value="Project")
    assert opened.stats()["visibleNodes"] == 200
    assert opened.errors == [] and opened.requests == [opened.url]
    opened.page.close()


def test_notebook_output_draws_inside_its_sandboxed_iframe(browser, tmp_path):
    from graphkit.views.visualise import show

    graph = nx.path_graph(["Vienna", "Taranto", "Košice"])
    nx.set_node_attributes(graph, "City", "type")
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><body>{show(graph)._repr_html_()}</body>", "utf-8")
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(host.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator(SETTLED).wait_for(state="attached", timeout=30_000)
    assert frame.locator("#network").get_attribute("data-nodes") == "3"
    assert frame.locator("#find-node option").all_text_contents()[1:] == [
        "Košice",
        "Taranto",
        "Vienna",
    ]
    assert requests == [host.as_uri()]
    page.close()


def legend_rows(opened: OpenPage) -> list[str]:
    """The legend's rows as text (the show-more button excluded)."""
    return opened.page.eval_on_selector_all(
        "#legend-items li:not(:has(button))", "rows => rows.map(r => r.textContent.slice(1))"
    )


def boxes_overlap(boxes: list[dict]) -> bool:
    return any(
        a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
    )


@pytest.mark.slow
def test_the_most_central_nodes_are_labelled_readably_at_any_zoom(browser, bundled_graph, tmp_path):
    from graphkit.views.visualise import KEY_LABELS

    view = select_view(bundled_graph, "actors")
    opened = open_page(browser, render_html(view), tmp_path)
    data = graph_data(opened)
    key = [n for n in data["nodes"] if n.get("gkKey")]
    assert len(key) == KEY_LABELS
    largest = max(data["nodes"], key=lambda n: n["size"])
    assert largest.get("gkKey")
    for scale in (None, 0.05, 2.0):
        if scale is not None:
            opened.page.evaluate(
                "(s) => { window.graphkitNetwork.moveTo({scale: s}); window.graphkitNetwork.redraw(); }",
                scale,
            )
            opened.page.wait_for_timeout(100)
        stats = opened.stats()
        labels = stats["keyLabels"]
        assert labels and set(labels) <= {n["label"] for n in key}
        assert not boxes_overlap(stats["keyLabelBoxes"])
        heights = {round(b["y1"] - b["y0"]) for b in stats["keyLabelBoxes"]}
        assert min(heights) >= 13  # pixels on screen, however far zoomed out
    assert opened.errors == []
    opened.page.close()


def test_full_view_opens_on_the_classes_that_matter_the_rest_one_click_away(
    browser, mini_graph, tmp_path
):
    from graphkit.views.style import FOCUS_TYPES, type_label

    view = select_view(mini_graph, "full")
    types = [kind for _, kind in view.nodes(data="type")]
    focus = {t: types.count(t) for t in set(types) if t in FOCUS_TYPES}
    opened = open_page(browser, render_html(view), tmp_path)
    page = opened.page
    page.wait_for_timeout(200)
    stats = opened.stats()
    assert stats["visibleNodes"] == sum(focus.values()) < stats["nodes"]
    assert sorted(legend_rows(opened)) == sorted(f"{type_label(t)} ({n})" for t, n in focus.items())
    hidden = len(set(types) - set(focus))
    assert page.text_content("#show-all-types") == f"Show {hidden} more types"

    page.click("#show-all-types")
    stats = opened.stats()
    assert (stats["visibleNodes"], stats["visibleEdges"]) == (stats["nodes"], stats["edges"])
    assert len(legend_rows(opened)) == len(set(types))
    assert page.locator("#show-all-types").count() == 0

    page.select_option("#filter-type", value="City")
    assert legend_rows(opened) == [f"City ({types.count('City')})"]
    page.click("#reset")
    assert opened.stats()["visibleNodes"] == sum(focus.values())
    assert opened.errors == [] and opened.blocked == []
    page.close()
