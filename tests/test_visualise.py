"""Interactive network pages: offline, readable and safe, from the library and `graphkit visualise`."""

from __future__ import annotations

import csv
import glob
import html
import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from pyvis.network import Network

from graphkit.cli import main
from graphkit.errors import UnknownNameError, ViewError
from graphkit.locations import DATASETS_DIR, PACKAGE_DIR
from graphkit.views import visualise
from graphkit.views.style import TYPE_STYLES
from graphkit.views.visualise import draw_view, render_html, select_view, show, to_pyvis
from tests.conftest import MINI_DIR, REPO_DIR
from tests.helpers import replace_in

IMG = "<img src=x onerror=alert(1)>"
CLOSE_SCRIPT = "</script><script>alert(2)</script>"
LINK = '<a href="javascript:alert(3)">read more</a>'
SAFE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
PAGE_ELEMENT_IDS = {
    "title",
    "filter-type",
    "filter-project",
    "filter-theme",
    "find-node",
    "reset",
    "counts",
    "network",
    "legend",
    "legend-items",
    "status",
    "graph-data",
}


class Page(HTMLParser):
    """The tags, scripts and styles of a page, as a browser's parser sees them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._open: tuple[str, dict[str, str | None], list[str]] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs), [])

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[0] == tag:
            _, attrs, parts = self._open
            if tag == "script":
                self.scripts.append((attrs, "".join(parts)))
            else:
                self.styles.append("".join(parts))
            self._open = None

    def data(self) -> dict:
        """The graph data the page draws (the JSON script)."""
        (text,) = [t for a, t in self.scripts if a.get("id") == "graph-data"]
        return json.loads(text)

    def ids(self) -> list[str]:
        return [a["id"] or "" for _, a in self.tags if "id" in a]


def payload_transfers() -> nx.MultiDiGraph:
    """Two transfers, as :func:`graphkit.analysis.network.transfer_graph` gives them, with markup,
    a closing script tag and a link in labels, sources, quotes and project names."""
    g = nx.MultiDiGraph(title=f"Transfers {IMG}")
    common = {"themes": [], "projects": ["testnet"], "iri": "https://w3id.org/graphkit/id/x"}
    g.add_node(
        "vienna",
        label=f"Vienna {IMG}",
        type="City",
        source="fixture.txt",
        quote=f"Vienna lies in Austria {CLOSE_SCRIPT}",
        **common,
    )
    g.add_node("taranto", label="Taranto", type="City", source=LINK, quote="", **common)
    g.add_node(
        "t-2/targets",
        label="3 unnamed cities",
        type="UnnamedCityGroup",
        count=3,
        source="fixture.txt",
        quote="",
        **common,
    )
    g.add_edge(
        "vienna",
        "taranto",
        key="t-1",
        type="PracticeTransfer",
        transfer="t-1",
        label=f"Welcome House {CLOSE_SCRIPT}",
        practice=f"Welcome House {CLOSE_SCRIPT}",
        project=f"TESTNET {LINK}",
        project_id="testnet",
        mechanism="study visit",
        year=2019,
        status="completed",
        source="fixture.txt",
        quote=IMG,
        themes=["housing"],
    )
    g.add_edge(
        "vienna",
        "t-2/targets",
        key="t-2",
        type="PracticeTransfer",
        transfer="t-2",
        label="Housing approach",
        practice="Housing approach",
        project="OTHERNET",
        project_id="othernet",
        year=2021,
        source="fixture.txt",
        quote="shared with three unnamed cities",
        themes=[],
    )
    return g


@pytest.fixture(scope="module")
def payload_page() -> str:
    return render_html(payload_transfers())


@pytest.fixture(scope="module")
def kosice_page(mini_graph) -> str:
    return render_html(select_view(mini_graph, "full"))


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- The page works offline and is one UTF-8 document ---------------------------------------


def test_page_loads_no_script_style_image_or_font_from_anywhere(kosice_page: str) -> None:
    page = Page(kosice_page)
    assert page.scripts, "the page has scripts"
    for attrs, text in page.scripts:
        assert "src" not in attrs
        assert text.strip(), "every script is inline"
    tags = {tag for tag, _ in page.tags}
    assert tags.isdisjoint({"link", "img", "iframe", "object", "embed", "source", "video"})
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert name not in ("src", "href", "srcset", "action"), (tag, name, value)
    for style in page.styles:
        assert "@import" not in style
        for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", style):
            assert target.startswith("data:"), target
    (policy,) = [
        a["content"]
        for t, a in page.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in policy and "connect-src" not in policy


def test_page_is_one_utf8_document_that_keeps_kosice(kosice_page: str) -> None:
    page = Page(kosice_page)
    assert kosice_page.startswith("<!DOCTYPE html>")
    assert page.tags[2] == ("meta", {"charset": "utf-8"})
    assert "Košice" in kosice_page
    assert kosice_page.encode("utf-8").decode("utf-8") == kosice_page


def test_the_installed_package_ships_the_page_template_and_script() -> None:
    """``pip install .`` copies only the package data that pyproject.toml lists."""
    config = tomllib.loads((REPO_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["graphkit"]
    shipped = {
        Path(name)
        for pattern in patterns
        for name in glob.glob(pattern, root_dir=PACKAGE_DIR, recursive=True)
    }
    missing = [a for a in ("page.html", "app.js") if Path("static", "vis", a) not in shipped]
    assert not missing, f"pyproject.toml package-data lacks static/vis/*: {missing}"


def test_the_same_graph_gives_the_same_page(mini_graph) -> None:
    view = select_view(mini_graph, "transfers")
    assert render_html(view) == render_html(select_view(mini_graph, "transfers"))


# --- Text from the data never becomes markup -------------------------------------------------


def test_markup_in_labels_quotes_and_projects_stays_text(payload_page: str) -> None:
    page = Page(payload_page)
    assert "<img" not in payload_page
    assert "<a href" not in payload_page
    # Only the page's own three scripts close: the payload's </script> did not end one.
    assert payload_page.count("</script") == len(page.scripts) == 3
    (raw,) = [t for a, t in page.scripts if a.get("id") == "graph-data"]
    assert "<" not in raw and ">" not in raw
    data = page.data()
    labels = {n["gkLabel"] for n in data["nodes"]}
    assert f"Vienna {IMG}" in labels
    assert any(CLOSE_SCRIPT in e["title"] for e in data["edges"])
    assert [f"TESTNET {LINK}", f"TESTNET {LINK}"] in data["menus"]["projects"]
    assert data["title"] == f"Transfers {IMG}"


def test_tooltips_stay_plain_text_even_when_a_title_has_href(payload_page: str) -> None:
    data = Page(payload_page).data()
    titles = [item["title"] for item in (*data["nodes"], *data["edges"])]
    assert any("href" in t for t in titles), "the data puts href into a tooltip"
    assert all(isinstance(t, str) for t in titles)
    for html_sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert html_sink not in payload_page


def test_heading_and_element_ids_never_carry_data_text(payload_page: str) -> None:
    page = Page(payload_page)
    assert set(page.ids()) == PAGE_ELEMENT_IDS
    h1 = payload_page[payload_page.index("<h1") : payload_page.index("</h1>")]
    assert h1 == '<h1 id="title">'
    data = page.data()
    assert all(re.fullmatch(r"n\d+", n["id"]) for n in data["nodes"])
    assert all(re.fullmatch(r"e\d+", e["id"]) for e in data["edges"])
    assert all(SAFE_ID.match(choice[0]) for choice in data["menus"]["nodes"])


def test_a_hand_made_pyvis_network_gets_safe_ids_too() -> None:
    net = Network(directed=True)
    net.add_node("<b>Košice</b>", label="<b>Košice</b>", title='<a href="x">more</a>')
    net.add_node("vienna", label="Vienna")
    net.add_edge("<b>Košice</b>", "vienna", title="<i>link</i>")
    page = render_html(net, title=IMG)
    data = Page(page).data()
    assert [n["id"] for n in data["nodes"]] == ["n0", "n1"]
    assert (data["edges"][0]["from"], data["edges"][0]["to"]) == ("n0", "n1")
    (raw,) = [t for a, t in Page(page).scripts if a.get("id") == "graph-data"]
    assert "<" not in raw and "<img" not in page
    assert data["nodes"][0]["title"] == '<a href="x">more</a>'


# --- Readable: colour, shape, size, arrows, tooltips, legend, menus ---------------------------


def test_nodes_are_coloured_and_shaped_by_type_with_a_legend(payload_page: str) -> None:
    data = Page(payload_page).data()
    by_label = {n["gkLabel"]: n for n in data["nodes"]}
    city, group = by_label["Taranto"], by_label["3 unnamed cities"]
    assert (city["color"], city["shape"]) == (TYPE_STYLES["City"].color, TYPE_STYLES["City"].shape)
    assert group["color"] == TYPE_STYLES["UnnamedCityGroup"].color != city["color"]
    assert [(e["label"], e["count"]) for e in data["legend"]] == [
        ("City", 2),
        ("Unnamed city group", 1),
    ]
    assert [e["count"] for e in data["edgeLegend"]] == [2]


def test_busier_nodes_are_drawn_larger() -> None:
    net = to_pyvis(payload_transfers())
    size = {n["gkLabel"]: n["size"] for n in net.nodes}
    assert size[f"Vienna {IMG}"] > size["Taranto"] == size["3 unnamed cities"]


def test_the_middle_of_a_chain_is_largest_by_betweenness() -> None:
    chain = nx.path_graph(["a", "b", "c", "d", "e"])
    size = {n["gkLabel"]: n["size"] for n in to_pyvis(chain, size_by="betweenness").nodes}
    assert max(size, key=size.get) == "c"
    assert size["a"] == size["e"] < size["b"]


def test_transfers_are_arrows_labelled_with_their_practice() -> None:
    net = to_pyvis(payload_transfers())
    practices = sorted(practice for *_, practice in payload_transfers().edges(data="practice"))
    assert sorted(e["label"] for e in net.edges) == practices
    assert all(e["arrows"] == "to" for e in net.edges)


def test_undirected_networks_have_no_arrows_and_wider_edges_for_more_shared_projects() -> None:
    cities = nx.Graph()
    cities.add_edge("a", "b", weight=3, projects=["p1", "p2", "p3"])
    cities.add_edge("b", "c", weight=1, projects=["p1"])
    net = to_pyvis(cities)
    width = {(e["from"], e["to"]): e["width"] for e in net.edges}
    assert all(e["arrows"] == "" for e in net.edges)
    assert width[("n0", "n1")] > width[("n1", "n2")]


def test_tooltips_give_type_key_facts_and_source_document() -> None:
    net = to_pyvis(payload_transfers())
    node = next(n for n in net.nodes if n["gkLabel"] == "3 unnamed cities")
    assert node["title"].splitlines()[:3] == [
        "3 unnamed cities",
        "Type: Unnamed city group",
        "Id: t-2/targets",
    ]
    assert "Count: 3" in node["title"] and "Source: fixture.txt" in node["title"]
    edge = next(e for e in net.edges if e["label"] == "Housing approach")
    lines = edge["title"].splitlines()
    assert lines[:2] == ["Housing approach", "Type: Practice transfer"]
    assert {"Project: OTHERNET", "Year: 2021", "Source: fixture.txt"} <= set(lines)


def test_menus_filter_by_type_project_and_theme(payload_page: str) -> None:
    menus = Page(payload_page).data()["menus"]
    assert menus["types"] == [["City", "City"], ["UnnamedCityGroup", "Unnamed city group"]]
    assert [label for _, label in menus["projects"]] == ["OTHERNET", f"TESTNET {LINK}"]
    assert menus["themes"] == [["housing", "housing"]]
    assert len(menus["nodes"]) == 3


def test_large_views_use_a_shorter_layout_without_kamada_kawai_seeding() -> None:
    small, large = visualise.view_options(50), visualise.view_options(1000)
    assert small["physics"]["stabilization"]["enabled"]
    assert large["physics"]["stabilization"]["enabled"]
    iterations = [o["physics"]["stabilization"]["iterations"] for o in (small, large)]
    assert iterations[1] < iterations[0]
    assert (small["layout"]["improvedLayout"], large["layout"]["improvedLayout"]) == (True, False)


# --- Notebooks --------------------------------------------------------------------------------


def test_notebook_view_is_a_sandboxed_iframe_holding_the_escaped_page() -> None:
    view = show(payload_transfers(), height=480)
    shown = view._repr_html_()
    assert shown.startswith("<iframe ") and shown.endswith("</iframe>")
    assert 'sandbox="allow-scripts"' in shown and "height:480px" in shown
    assert "<script" not in shown and "<img" not in shown
    srcdoc = re.search(r'srcdoc="([^"]*)"', shown).group(1)
    assert html.unescape(srcdoc) == view.page == render_html(payload_transfers())


def test_show_displays_inline_in_a_jupyter_notebook() -> None:
    import nbclient
    import nbformat

    code = (
        "import networkx as nx\n"
        "from graphkit.views.visualise import show\n"
        "show(nx.path_graph(['Vienna', 'Taranto']))"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    (output,) = notebook.cells[0].outputs
    assert output.output_type == "execute_result"
    assert output.data["text/html"].startswith("<iframe srcdoc=")
    assert len(output.data["text/plain"]) < 100


# --- Choosing the view ------------------------------------------------------------------------


def test_transfers_view_of_testnet_has_one_edge_per_transfer_row(mini_graph) -> None:
    rows = csv_rows(MINI_DIR / "transfers.csv")
    practices = {r["id"]: r["name"] for r in csv_rows(MINI_DIR / "practices.csv")}
    view = select_view(mini_graph, "transfers")
    assert view.number_of_edges() == len(rows)
    assert sorted(label for *_, label in view.edges(data="label")) == sorted(
        practices[r["practice"]] for r in rows
    )


def test_ego_view_of_wien_holds_vienna_and_what_is_linked_to_it(mini_graph) -> None:
    view = select_view(mini_graph, "ego", center="Wien", depth=1)
    linked_rows = {
        r["id"] for r in csv_rows(MINI_DIR / "transfers.csv") if r["origin_city"] == "vienna"
    } | {r["id"] for r in csv_rows(MINI_DIR / "organisations.csv") if r["city"] == "vienna"}
    assert "vienna" in view and linked_rows <= set(view)
    assert "kosice" not in view
    assert view.graph["title"] == "Within 1 link(s) of Vienna"


def test_project_filter_keeps_only_the_transfers_through_mistra(bundled_graph) -> None:
    rows = [r for r in csv_rows(DATASETS_DIR / "transfers.csv") if r["project"] == "mistra"]
    view = select_view(bundled_graph, "transfers", project="MiStra")
    assert sorted(view.edges(keys=True)) == sorted(
        (r["origin_city"], r["target_city"] or f"{r['id']}/targets", r["id"]) for r in rows
    )


def test_theme_and_since_filters_keep_only_matching_transfers(mini_graph) -> None:
    rows = csv_rows(MINI_DIR / "transfers.csv")
    housing = {r["id"] for r in csv_rows(MINI_DIR / "practices.csv") if "housing" in r["themes"]}
    by_theme = select_view(mini_graph, "transfers", theme="Housing")
    assert {k for *_, k in by_theme.edges(keys=True)} == {
        r["id"] for r in rows if r["practice"] in housing
    }
    since = select_view(mini_graph, "transfers", since=2019)
    assert {k for *_, k in since.edges(keys=True)} == {
        r["id"] for r in rows if r["start"][:4].isdigit() and int(r["start"][:4]) >= 2019
    }


def test_project_filter_on_the_full_view_keeps_what_belongs_to_the_project(mini_graph) -> None:
    view = select_view(mini_graph, "full", project="TESTNET")
    members = {
        r["member"] for r in csv_rows(MINI_DIR / "memberships.csv") if r["group"] == "testnet"
    }
    countries = {r["id"] for r in csv_rows(MINI_DIR / "countries.csv")}
    assert {"testnet", *members} <= set(view)
    assert countries.isdisjoint(view)


def test_unknown_names_and_impossible_requests_say_what_to_do(mini_graph) -> None:
    with pytest.raises(UnknownNameError, match="Vienna"):
        select_view(mini_graph, "ego", center="Wein")
    with pytest.raises(ViewError, match="--center"):
        select_view(mini_graph, "ego")
    with pytest.raises(ViewError, match="--view transfers"):
        select_view(mini_graph, "full", since=2019)
    with pytest.raises(ViewError, match="Nothing to draw"):
        draw_view(mini_graph, "transfers", since=2030)
    with pytest.raises(ViewError, match="--project, --theme or --since"):
        draw_view(mini_graph, "full", max_nodes=5)


# --- graphkit visualise -----------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_writes_the_transfer_page_as_utf8(tmp_path: Path) -> None:
    out = tmp_path / "transfers.html"
    result = run(
        "visualise",
        "--no-bundled",
        "--data",
        str(MINI_DIR),
        "--view",
        "transfers",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    rows = csv_rows(MINI_DIR / "transfers.csv")
    assert f"{len(rows)} edges" in result.output and str(out) in result.output
    text = out.read_bytes().decode("utf-8")
    assert "Košice" in text
    assert len(Page(text).data()["edges"]) == len(rows)


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_cli_writes_the_default_file_in_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("visualise", "--view", "cities", "--project", "ROMA-NET")
    assert result.exit_code == 0, result.output
    data = Page((tmp_path / "graphkit-cities.html").read_text(encoding="utf-8")).data()
    assert data["title"] == "Cities linked by shared projects and events · project ROMA-NET"


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_cli_refuses_a_view_above_max_nodes_and_names_the_filters(tmp_path: Path) -> None:
    """A narrowed view is measured once built (tests/test_view_size.py: an unfiltered one may
    be refused before)."""
    out = tmp_path / "cities.html"
    view = ("--view", "cities", "--project", "ROMA-NET")
    result = run("visualise", *view, "--max-nodes", "2", "--out", str(out))
    assert result.exit_code == 1
    assert re.search(r"ROMA-NET has \d+ nodes, more than the limit of 2 that", result.output)
    assert "--project" in result.output and "--view ego --center NAME" in result.output
    assert not out.exists()


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_cli_unknown_centre_suggests_the_closest_names() -> None:
    result = run("visualise", "--view", "ego", "--center", "Wein")
    assert result.exit_code == 1
    assert "No entity is called 'Wein'" in result.output and "Vienna" in result.output


def test_cli_format_follows_the_out_suffix_unless_they_disagree(tmp_path: Path) -> None:
    data = ("--no-bundled", "--data", str(MINI_DIR), "--view", "transfers")
    assert run("visualise", *data, "--out", str(tmp_path / "f.svg")).exit_code == 0
    assert (tmp_path / "f.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    clash = run("visualise", *data, "--format", "png", "--out", str(tmp_path / "f.html"))
    assert clash.exit_code == 1 and "does not match --format png" in clash.output
    assert not (tmp_path / "f.html").exists()


@pytest.mark.parametrize("name", ["fig.jpg", "fig.jpeg", "fig.html.gz", "fig"])
def test_cli_refuses_an_out_suffix_it_cannot_write_and_names_the_allowed_ones(
    tmp_path: Path, name: str
) -> None:
    out = tmp_path / name
    result = run("visualise", "--no-bundled", "--data", str(MINI_DIR), "--out", str(out))
    assert result.exit_code == 1
    (message,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert name in message and ".html, .svg, .png, .pdf" in message
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("suffix", "magic"),
    [
        (".pdf", b"%PDF-"),
        (".PNG", b"\x89PNG\r\n\x1a\n"),
        (".svg", b"<?xml"),
        (".html", b"<!DOCTYPE"),
    ],
)
def test_cli_writes_the_format_its_out_suffix_names(tmp_path: Path, suffix: str, magic: bytes):
    out = tmp_path / f"transfers{suffix}"
    data = ("--no-bundled", "--data", str(MINI_DIR), "--view", "transfers")
    assert run("visualise", *data, "--out", str(out)).exit_code == 0
    assert out.read_bytes().startswith(magic)


def test_cli_page_from_csv_with_markup_keeps_it_as_text(mini_copy: Path, tmp_path: Path) -> None:
    replace_in(mini_copy / "practices.csv", "Welcome House,", f'"Welcome {IMG} House",')
    replace_in(mini_copy / "projects.csv", "TESTNET test project", f"TESTNET {CLOSE_SCRIPT}")
    replace_in(mini_copy / "cities.csv", "taranto,Taranto,", 'taranto,"Taranto <a href=""x"">",')
    out = tmp_path / "page.html"
    result = run(
        "visualise", "--no-bundled", "--data", str(mini_copy), "--view", "full", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    page = Page(text)
    assert "<img" not in text and "<a href" not in text
    assert text.count("</script") == len(page.scripts) == 3
    labels = {n["gkLabel"] for n in page.data()["nodes"]}
    assert {f"Welcome {IMG} House", 'Taranto <a href="x">'} <= labels
    assert all(SAFE_ID.match(i) for i in page.ids())


def test_full_page_names_the_types_it_opens_on_and_marks_the_most_central_nodes(mini_graph):
    from graphkit.views.style import FOCUS_TYPES
    from graphkit.views.visualise import KEY_LABELS

    full = Page(render_html(select_view(mini_graph, "full"))).data()
    present = {n["gkType"] for n in full["nodes"]}
    assert full["focusTypes"] == sorted(present & set(FOCUS_TYPES))
    key = [n for n in full["nodes"] if n.get("gkKey")]
    assert len(key) == min(KEY_LABELS, sum(n["gkType"] in FOCUS_TYPES for n in full["nodes"]))
    assert all(n["gkType"] in FOCUS_TYPES for n in key)
    smallest_key = min(n["size"] for n in key)
    assert all(
        n["size"] <= smallest_key
        for n in full["nodes"]
        if n["gkType"] in FOCUS_TYPES and not n.get("gkKey")
    )
    transfers = Page(render_html(select_view(mini_graph, "transfers"))).data()
    assert transfers["focusTypes"] is None
