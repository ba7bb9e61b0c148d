"""The transfer map page in a real browser (Debian's Chromium driven by Playwright), offline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graphkit.views.maps import render_map_html, transfer_map
from tests.helpers import bundled_csv, chromium_context, needs_chromium

READY = "svg[data-ready='true']"
IMG = "<img src=x onerror=alert(1)>"
CLOSE = "</script><script>alert(2)</script>"

pytestmark = [
    pytest.mark.browser,
    needs_chromium(),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    yield from chromium_context(
        tmp_path_factory.mktemp("chromium-profile"), viewport={"width": 1400, "height": 1000}
    )


@dataclass
class MapPage:
    page: object
    attempted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def stats(self) -> dict:
        return self.page.evaluate("() => window.graphkitMapStats")


def open_map(browser, page_text: str, folder: Path) -> MapPage:
    """Load the page from disk with every request that is not a local file aborted and
    recorded."""
    path = folder / "map.html"
    path.write_text(page_text, encoding="utf-8")
    page = browser.new_page()
    opened = MapPage(page)

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith("file:") or url.startswith(("http://127.0.0.1", "data:")):
            route.continue_()
        else:
            opened.attempted.append(url)
            route.abort()

    page.route("**/*", only_local)
    page.on(
        "request", lambda r: None if r.url.startswith("file:") else opened.attempted.append(r.url)
    )
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector(READY, state="attached", timeout=30_000)
    return opened


@pytest.fixture(scope="module")
def bundled_map(bundled_graph):
    return transfer_map(bundled_graph)


def test_the_map_draws_every_placed_transfer_and_city_without_the_network(
    browser, bundled_map, tmp_path
):
    opened = open_map(browser, render_map_html(bundled_map), tmp_path)
    page = opened.page
    assert opened.stats()["transfers"] == len(bundled_map.transfers)
    assert page.locator("#transfers path").count() == len(bundled_map.transfers)
    assert page.locator("#cities circle").count() == len(bundled_map.cities)
    assert page.locator("#countries path").count() > 30
    assert opened.stats()["visibleTransfers"] == len(bundled_map.transfers)
    unnamed = (bundled_csv("transfers")["target_city"] == "").sum()
    assert f"{len(bundled_map.unplaced)} transfers are not drawn" in page.text_content("#not-drawn")
    assert len(bundled_map.unplaced) >= unnamed
    legend = page.text_content("#legend-items")
    assert all(programme in legend for programme in bundled_map.programmes)
    assert opened.attempted == [] and opened.errors == [] and opened.dialogs == []
    page.close()


def test_filters_change_what_is_drawn(browser, bundled_map, tmp_path):
    opened = open_map(browser, render_map_html(bundled_map), tmp_path)
    page = opened.page
    transfers = bundled_map.transfers
    programme = bundled_map.programmes[1]
    page.select_option("#filter-programme", programme)
    expected = int((transfers["programme"] == programme).sum())
    assert 0 < expected < len(transfers)
    assert opened.stats()["visibleTransfers"] == expected
    assert page.locator("#transfers path:visible").count() == expected
    shown = page.eval_on_selector_all(
        "#transfers path",
        "ps => ps.filter(p => p.style.display !== 'none').map(p => p.getAttribute('stroke'))",
    )
    assert len(set(shown)) == 1  # one programme, one colour

    page.click("#reset")
    page.select_option("#filter-status", "completed")
    assert opened.stats()["visibleTransfers"] == int((transfers["status"] == "completed").sum())

    page.click("#reset")
    page.fill("#filter-from", "2015")
    page.fill("#filter-to", "2016")
    page.uncheck("#filter-undated")
    years = transfers["year"].dropna()
    assert opened.stats()["visibleTransfers"] == int(years.between(2015, 2016).sum())
    ends = set(
        transfers.loc[transfers["year"].between(2015, 2016).fillna(False), "origin_id"]
    ) | set(transfers.loc[transfers["year"].between(2015, 2016).fillna(False), "target_id"])
    assert opened.stats()["visibleCities"] == len(ends)

    page.click("#reset")
    mechanism = "mentoring"
    page.select_option("#filter-mechanism", mechanism)
    assert opened.stats()["visibleTransfers"] == int(
        transfers["mechanisms"].apply(lambda m: mechanism in m).sum()
    )
    assert opened.errors == []
    page.close()


def test_a_tooltip_gives_practice_period_status_quote_and_source(browser, bundled_map, tmp_path):
    opened = open_map(browser, render_map_html(bundled_map), tmp_path)
    page = opened.page
    row = bundled_map.transfers.iloc[0]
    page.locator("#transfers path").first.dispatch_event(
        "mousemove", {"clientX": 200, "clientY": 200}
    )
    tip = page.text_content("#tooltip")
    assert row["practice"] in tip and f"{row['origin']} → {row['target']}" in tip
    assert f"Status: {row['status']}" in tip and "Period: " in tip
    assert f"Source: {row['source']}" in tip and row["quote"][:40] in tip
    page.close()


@pytest.mark.slow
def test_markup_from_the_csv_shows_as_text(browser, tmp_path):
    import shutil

    from graphkit.data.load import load_datasets
    from graphkit.graph.build import build_graph
    from graphkit.locations import DATASETS_DIR
    from tests.helpers import replace_in

    folder = tmp_path / "data"
    shutil.copytree(DATASETS_DIR, folder, ignore=shutil.ignore_patterns("examples"))
    before = transfer_map(build_graph(load_datasets([folder])))
    busiest = before.cities.iloc[0]
    replace_in(
        folder / "cities.csv", f"{busiest['id']},{busiest['label']},", f'{busiest["id"]},"{IMG}",'
    )
    practices = bundled_csv("practices")
    plain = practices[
        ~practices["name"].str.contains('[,"]')
        & practices["name"].isin(before.transfers["practice"])
    ].iloc[0]
    replace_in(
        folder / "practices.csv", f"{plain['id']},{plain['name']},", f'{plain["id"]},"{CLOSE}",'
    )
    tmap = transfer_map(build_graph(load_datasets([folder])))
    opened = open_map(browser, render_map_html(tmap), tmp_path)
    page = opened.page
    assert IMG in page.text_content("#labels")
    assert page.evaluate("() => document.querySelectorAll('img, iframe, a').length") == 0
    assert page.evaluate("() => document.querySelectorAll('script').length") == 2
    index = list(tmap.transfers["practice"]).index(CLOSE)
    page.locator(f"#transfers path[data-transfer='t{index}']").dispatch_event(
        "mousemove", {"clientX": 200, "clientY": 200}
    )
    assert CLOSE in page.text_content("#tooltip")
    assert IMG in page.text_content("#tooltip") or busiest["id"] not in (
        tmap.transfers.iloc[index]["origin_id"],
        tmap.transfers.iloc[index]["target_id"],
    )
    assert opened.dialogs == [] and opened.errors == [] and opened.attempted == []
    page.close()
