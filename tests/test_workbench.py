"""The query workbench at ``graphkit serve``'s root, in Debian's Chromium with every request
that is not to 127.0.0.1 aborted: YASGUI loads from the package, the bundled questions are
listed, parameter fields take names, answers show as a table that scrolls and download as CSV,
TSV and JSON, and nothing is fetched from outside."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graphkit.analysis.query import bundled_queries
from graphkit.graph.namespaces import PREFIXES
from graphkit.locations import STATIC_DIR
from tests.helpers import chromium_context, needs_chromium
from tests.test_serve import MINI_DIR, Endpoint, start_server, stop_server

pytestmark = [pytest.mark.browser]
in_browser = needs_chromium()
READY = "body[data-ready='true']"
ROWS = ".yasr table.dataTable tbody tr"


def mini_rows(name: str) -> list[dict[str, str]]:
    with (MINI_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> Iterator[Endpoint]:
    server = start_server(MINI_DIR, tmp_path_factory.mktemp("wb") / "audit.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    yield from chromium_context(
        tmp_path_factory.mktemp("chromium-profile"),
        viewport={"width": 1280, "height": 800},
        accept_downloads=True,
    )


@dataclass
class Workbench:
    page: object
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def ask(self, query: str, **values: str) -> list[str]:
        """Choose a bundled question, fill its fields, run it; the rows of the table."""
        self.page.select_option("#bundled", query)
        for name, value in values.items():
            self.page.fill(f"#param-{name}", value)
        with self.page.expect_response(lambda response: response.url.endswith("/sparql")):
            self.page.click("#bind" if values else ".yasqe_queryButton")
        self.page.wait_for_function(
            "rows => { const n = window.graphkitWorkbench.getTab().getYasr().results"
            "?.getBindings()?.length; return n > 0 && document.querySelectorAll(rows).length"
            " === n; }",
            arg=ROWS,
        )
        return self.page.eval_on_selector_all(ROWS, "rows => rows.map(r => r.innerText)")


def open_workbench(browser, endpoint: Endpoint) -> Workbench:
    page = browser.new_page()
    opened = Workbench(page)

    def only_this_server(route) -> None:
        if route.request.url.startswith(endpoint.base):
            route.continue_()
        else:
            opened.outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(endpoint.base)
    page.wait_for_selector(READY, state="attached", timeout=30_000)
    return opened


@in_browser
def test_workbench_lists_the_questions_with_prefixes_preset(browser, endpoint) -> None:
    bench = open_workbench(browser, endpoint)
    options = bench.page.eval_on_selector_all("#bundled option", "os => os.map(o => o.value)")
    assert options[1:] == list(bundled_queries())
    editor = bench.page.evaluate("() => window.graphkitWorkbench.getTab().getQuery()")
    for prefix, namespace in PREFIXES.items():
        assert f"PREFIX {prefix}: <{namespace}>" in editor
    assert bench.page.locator(".yasqe .CodeMirror").count() == 1
    assert bench.outside == [] and bench.errors == []


@in_browser
def test_parameter_fields_take_names_and_the_table_scrolls(browser, endpoint) -> None:
    bench = open_workbench(browser, endpoint)
    vienna = next(c for c in mini_rows("cities") if "Wien" in c["local_names"])
    expected = [t for t in mini_rows("transfers") if t["origin_city"] == vienna["id"]]
    rows = bench.ask("transfers-out-of-city", city="Wien")
    assert len(rows) == len(expected) > 0
    assert all(vienna["name"] in row for row in rows)
    # Shown in full (no ellipsis), the wide answer scrolls inside its own box; the page itself
    # does not grow sideways.
    bench.page.get_by_label("Ellipse").uncheck()
    results = bench.page.locator(".yasr .yasr_results").first
    assert results.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    assert results.evaluate("e => e.scrollWidth > e.clientWidth")
    assert bench.page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    assert bench.outside == [] and bench.errors == []
    # An unknown name is answered 404 with the closest names, shown beside the field.
    bench.page.fill("#param-city", "Wiem")
    bench.page.click("#bind")
    bench.page.wait_for_selector("#error:not([hidden])")
    assert "Vienna" in bench.page.text_content("#error")
    assert bench.outside == []


@in_browser
@pytest.mark.parametrize("suffix", ["csv", "tsv", "json"])
def test_answers_download_as_csv_tsv_and_json(browser, endpoint, suffix) -> None:
    bench = open_workbench(browser, endpoint)
    taranto = next(c for c in mini_rows("cities") if c["name"] == "Taranto")
    expected = {t["id"] for t in mini_rows("transfers") if t["target_city"] == taranto["id"]}
    bench.ask("transfers-into-city", city="Taranto")
    with bench.page.expect_download() as caught:
        bench.page.click(f".downloads button[data-suffix='{suffix}']")
    download = caught.value
    assert download.suggested_filename == f"graphkit-answer.{suffix}"
    text = Path(download.path()).read_text(encoding="utf-8")
    if suffix == "json":
        bindings = json.loads(text)["results"]["bindings"]
        found = {b["transfer"]["value"].rsplit("/", 1)[1] for b in bindings}
    else:
        table = csv.DictReader(io.StringIO(text), delimiter="," if suffix == "csv" else "\t")
        column = "transfer" if suffix == "csv" else "?transfer"
        found = {re.sub(r"[<>]", "", row[column]).rsplit("/", 1)[1] for row in table}
    assert found == expected and found
    assert bench.outside == [] and bench.errors == []


def test_vendored_workbench_is_pinned_licensed_and_calls_nowhere() -> None:
    folder = STATIC_DIR / "yasgui"
    assert re.fullmatch(r"4\.\d+\.\d+", (folder / "VERSION").read_text().strip())
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    bundle = (folder / "yasgui.min.js").read_text(encoding="utf-8")
    # The addresses the bundle would call on its own are gone; the rest are names and links.
    for address in (
        "lov.linkeddata.es",
        "dbpedia.org/sparql",
        "query.wikidata.org",
        "sourceMappingURL",
    ):
        assert address not in bundle, address
    style = (folder / "yasgui.min.css").read_text(encoding="utf-8")
    assert "@import" not in style and not re.search(r"url\((['\"]?)(https?:)?//", style)


@in_browser
def test_answers_show_as_a_chart_and_as_a_network(browser, endpoint) -> None:
    bench = open_workbench(browser, endpoint)
    city_names = {c["name"] for c in mini_rows("cities")}
    rows = bench.ask("cities-ranked-by-projects")
    bench.page.click(".yasr .select_chart")
    bars = bench.page.locator(".yasr svg.graphkit-chart rect")
    assert bars.count() == len(rows) > 0
    labels = bench.page.eval_on_selector_all(
        ".yasr svg.graphkit-chart text[text-anchor='end']", "ts => ts.map(t => t.textContent)"
    )
    assert set(labels) <= city_names and labels
    bench.page.click(".yasr .select_table")
    pairs = bench.ask("city-collaborations", city="")
    bench.page.click(".yasr .select_network")
    network = bench.page.locator(".yasr svg.graphkit-network")
    assert network.locator("line").count() == len(pairs) > 0
    drawn = set(network.locator("text").all_text_contents())
    assert drawn <= city_names and len(drawn) > 1
    assert bench.outside == [] and bench.errors == []
