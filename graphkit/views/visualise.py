"""Interactive network pictures: one self-contained HTML page per view, safe and offline.

- :func:`select_view` picks the part of the knowledge graph to draw (the whole graph, the
  practice transfers, who took part in what, the neighbourhood of one entity, one project),
  narrowed by project, theme and year;
- :func:`to_pyvis` turns any networkx graph of :mod:`graphkit.analysis.network` into a
  :class:`pyvis.network.Network`: colour and shape by entity type, size by degree or a
  centrality, transfers as arrows labelled with the practice, plain-text tooltips;
- :func:`render_html` returns the finished page as text (callers write it);
- :func:`show` displays the page inline in Jupyter and VS Code notebooks;
- :func:`draw_view` does all of it for the command line, in HTML or as a static figure.

pyvis's own page template loads Bootstrap from a CDN, writes the heading and node ids as raw
HTML and switches tooltips to ``innerHTML`` when a title contains "href". graphkit therefore
keeps pyvis's network model but renders its own page: vis-network's script and stylesheet are
inlined from the installed pyvis, a Content-Security-Policy forbids every request, the data
travels as escaped JSON and the page's script only ever sets text with ``textContent``.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from graphkit.errors import ViewError
from graphkit.locations import STATIC_DIR
from graphkit.views.style import (
    DEFAULT_MAX_NODES,
    EDGE_LABEL_CHARACTERS,
    FOCUS_TYPES,
    PICTURE_FORMATS,
    PLAIN_EDGE_COLOR,
    SEED,
    TRANSFER_COLOR,
    VIEWS,
    edge_items,
    is_transfer,
    node_label,
    node_sizes,
    node_type,
    short_label,
    type_label,
    type_style,
)

if TYPE_CHECKING:
    import networkx as nx
    from pyvis.network import Network

    from graphkit.sparql.backends import Queryable

VIEW_TITLES = {
    "full": "Knowledge graph",
    "transfers": "Practice transfers between cities",
    "actors": "Actors and the projects and events they took part in",
    "cities": "Cities linked by shared projects and events",
    "organisations": "Organisations linked by shared projects and events",
    "ego": "Neighbourhood",
    "project": "Project",
    "map": "Practice transfers on a map of Europe",
}
# Above this many nodes the page trades layout polish for speed: no Kamada-Kawai seeding,
# fewer stabilisation iterations, edges hidden while dragging.
LARGE_VIEW = 200
# Edge labels other than the practice of a transfer are drawn only on views this small.
EDGE_LABEL_LIMIT = 60
QUOTE_CHARACTERS = 300
# The most central nodes (largest first) whose labels the page draws readable at any zoom.
KEY_LABELS = 20
# Transfers pull their two cities less close, leaving room for the practice label.
TRANSFER_LENGTH = 260


def _facts(attrs: dict[str, Any], skip: Iterable[str]) -> list[str]:
    """``Name: value`` lines for the attributes worth reading in a tooltip."""
    hidden = {"label", "type", "iri", "source", "quote", "bipartite", *skip}
    lines = []
    for name, value in attrs.items():
        if name in hidden or name.endswith("_id") or value in (None, "", []):
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple | set) else str(value)
        lines.append(f"{name.replace('_', ' ').capitalize()}: {text}")
    return lines


def _evidence(attrs: dict[str, Any]) -> list[str]:
    lines = []
    if attrs.get("source"):
        lines.append(f"Source: {attrs['source']}")
    if attrs.get("quote"):
        lines.append(f"“{short_label(str(attrs['quote']), QUOTE_CHARACTERS)}”")
    return lines


def node_tooltip(node: object, attrs: dict[str, Any]) -> str:
    """The plain-text tooltip of a node: name, type, id, key facts, source and quote."""
    return "\n".join(
        [
            node_label(node, attrs),
            f"Type: {type_label(node_type(attrs))}",
            f"Id: {node}",
            *_facts(attrs, skip=()),
            *_evidence(attrs),
        ]
    )


def edge_tooltip(attrs: dict[str, Any]) -> str:
    """The plain-text tooltip of an edge: what it says, key facts, source and quote."""
    kind = type_label(str(attrs["type"])) if attrs.get("type") else "Link"
    title = str(attrs.get("label") or kind)
    head = [title] if title.casefold() == kind.casefold() else [title, f"Type: {kind}"]
    skip = ("practice",) if is_transfer(attrs) else ()
    return "\n".join([*head, *_facts(attrs, skip=skip), *_evidence(attrs)])


def projects_of(attrs: dict[str, Any]) -> list[str]:
    """The project ids a node or edge belongs to (a transfer edge: the project it went through)."""
    if attrs.get("project_id"):
        return [str(attrs["project_id"])]
    return [str(p) for p in attrs.get("projects") or []]


def themes_of(attrs: dict[str, Any]) -> list[str]:
    """The theme labels of a node or edge."""
    return [str(t) for t in attrs.get("themes") or []]


def years_of(attrs: dict[str, Any]) -> list[int]:
    """The year of a node or edge, as a list (empty when unknown)."""
    year = attrs.get("year")
    return [] if year in (None, "") else [int(str(year)[:4])]


def _project_names(view: nx.Graph) -> dict[str, str]:
    """Project id -> label, from the view's project nodes and transfer edges."""
    names = {
        str(n): node_label(n, a) for n, a in view.nodes(data=True) if node_type(a) == "Project"
    }
    for *_, attrs in edge_items(view):
        if attrs.get("project_id") and attrs.get("project"):
            names.setdefault(str(attrs["project_id"]), str(attrs["project"]))
    return names


def view_options(node_count: int) -> dict[str, Any]:
    """vis-network options: physics that settles within seconds and then stops.

    Stabilisation runs a bounded number of Barnes-Hut iterations before the page is shown
    (fewer for large views); the page then switches physics off.
    """
    large = node_count > LARGE_VIEW
    iterations = 1000 if node_count <= 100 else max(100, 100_000 // node_count)
    return {
        "autoResize": True,
        "layout": {"randomSeed": SEED, "improvedLayout": not large},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                # A coarser Barnes-Hut approximation halves the layout time of large views.
                "theta": 0.8 if large else 0.5,
                "gravitationalConstant": -8000,
                "centralGravity": 0.25,
                "springLength": 150,
                "springConstant": 0.04,
                "damping": 0.4,
                "avoidOverlap": 0.6,
            },
            "maxVelocity": 50,
            "minVelocity": 1,
            "timestep": 0.5,
            "stabilization": {
                "enabled": True,
                "iterations": iterations,
                "updateInterval": 25,
                "fit": True,
            },
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "multiselect": True,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 14, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "widthConstraint": {"maximum": 180},
        },
        "edges": {
            "smooth": False,
            "color": {"color": PLAIN_EDGE_COLOR, "highlight": "#333333", "inherit": False},
            "font": {
                "size": 12,
                "align": "horizontal",
                "strokeWidth": 0,
                "background": "rgba(255,255,255,0.85)",
            },
            "arrows": {"to": {"scaleFactor": 0.6}},
        },
    }


def to_pyvis(view: nx.Graph, *, size_by: str = "degree") -> Network:
    """A pyvis network of ``view``, ready for :func:`render_html`.

    Args:
        view: a graph of :mod:`graphkit.analysis.network` or :func:`select_view` (any networkx graph
            whose nodes have ``label`` and ``type`` works).
        size_by: node size by "degree", "betweenness" or "closeness".

    Returns:
        A :class:`pyvis.network.Network` whose node ids are ``n0``, ``n1``, ... (data text
        never becomes an id), coloured and shaped by type, sized by ``size_by``, with plain-text
        tooltips (``title``) and the facets the page filters on (``gkType``, ``gkProjects``,
        ``gkThemes``). Transfers are arrows labelled with their practice; parallel edges curve
        apart.
    """
    from pyvis.network import Network

    # directed=True always: pyvis checks every new undirected edge against all earlier ones
    # (quadratic), and networkx already keeps edges unique; arrows are set per edge instead.
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.node_ids = _NodeIds()  # pyvis looks each new node and each edge's ends up in this list
    net.options = view_options(view.number_of_nodes())
    ids = {node: f"n{i}" for i, node in enumerate(view.nodes)}
    sizes = node_sizes(view, size_by)
    project_names = _project_names(view)

    def named(projects: list[str]) -> list[str]:
        return [project_names.get(p, p) for p in projects]

    for node, attrs in view.nodes(data=True):
        style = type_style(node_type(attrs))
        net.add_node(
            ids[node],
            label=short_label(node_label(node, attrs)),
            gkLabel=node_label(node, attrs),
            shape=style.shape,
            color=style.color,
            size=round(sizes[node], 2),
            title=node_tooltip(node, attrs),
            gkType=node_type(attrs),
            gkProjects=named(projects_of(attrs)),
            gkThemes=themes_of(attrs),
        )
    label_all = view.number_of_edges() <= EDGE_LABEL_LIMIT
    parallel: Counter[frozenset] = Counter()
    for i, (u, v, _key, attrs) in enumerate(edge_items(view)):
        transfer = is_transfer(attrs)
        rank = parallel[frozenset((u, v))]
        parallel[frozenset((u, v))] += 1
        options: dict[str, Any] = {
            "id": f"e{i}",
            "title": edge_tooltip(attrs),
            "arrows": "to" if view.is_directed() else "",
            "gkType": str(attrs.get("type") or ""),
            "gkProjects": named(projects_of(attrs)),
            "gkThemes": themes_of(attrs),
        }
        if transfer or label_all:
            options["label"] = short_label(str(attrs.get("label") or ""), EDGE_LABEL_CHARACTERS)
        if transfer:
            options.update(color=TRANSFER_COLOR, width=3, length=TRANSFER_LENGTH)
        elif attrs.get("weight"):
            options["width"] = 1 + min(float(attrs["weight"]), 8.0)
        if rank:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * rank}
        net.add_edge(ids[u], ids[v], **options)
    return net


class _NodeIds(list):
    """The ids of a pyvis network's nodes, in order, with a set to answer ``in``: pyvis asks
    whether each new node and both ends of each new edge are among the nodes, which in a plain
    list took quadratic time (30 s of the transfers view of 48,000 cities). pyvis only appends
    to it (``add_node``)."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[object] = set()

    def append(self, node_id: object) -> None:
        super().append(node_id)
        self._members.add(node_id)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._members


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet as shipped inside the installed pyvis."""
    lib = resources.files("pyvis") / "lib"
    versions = [d for d in lib.iterdir() if d.name.startswith("vis-") and d.is_dir()]

    def version(folder: Any) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", folder.name))

    folder = max(versions, key=version)
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    # The source map is not shipped; dropping the comment keeps developer tools from asking.
    script = re.sub(r"//[#@] sourceMappingURL=\S+", "", script)
    return script, (folder / "vis-network.css").read_text(encoding="utf-8")


def script_json(value: object) -> str:
    """``value`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no text from the
    data can close the element or open another (``</script>``, ``<!--``).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _menus(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, list[list[str]]]:
    """The choices of the page's menus: ``[value, shown text]`` pairs."""

    def choices(values: Iterable[str], name: Callable[[str], str] = str) -> list[list[str]]:
        return [[v, name(v)] for v in sorted(set(values), key=str.casefold)]

    items = [*nodes, *edges]
    return {
        "types": choices((n["gkType"] for n in nodes), type_label),
        "projects": choices(p for item in items for p in item.get("gkProjects", [])),
        "themes": choices(t for item in items for t in item.get("gkThemes", [])),
        "nodes": sorted(
            ([n["id"], str(n.get("gkLabel") or n.get("label") or n["id"])] for n in nodes),
            key=lambda choice: choice[1].casefold(),
        ),
    }


def _payload(net: Network, title: str, focus_types: Iterable[str] | None = None) -> dict[str, Any]:
    """The data the page draws: nodes and edges with safe ids, options, legend, menus, the
    types shown first (``focusTypes``: None for all) and the most central nodes, whose labels
    the page keeps readable at any zoom (``gkKey``)."""
    safe = {node["id"]: f"n{i}" for i, node in enumerate(net.nodes)}
    nodes = [
        {**node, "id": safe[node["id"]], "gkType": str(node.get("gkType") or "Entity")}
        for node in net.nodes
    ]
    shown_first = set(focus_types or ())
    ranked = sorted(
        (n for n in nodes if not shown_first or n["gkType"] in shown_first),
        key=lambda n: (-float(n.get("size") or 0), str(n.get("gkLabel") or n.get("label") or "")),
    )
    for node in ranked[:KEY_LABELS]:
        node["gkKey"] = True
    edges = [
        {**edge, "id": f"e{i}", "from": safe[edge["from"]], "to": safe[edge["to"]]}
        for i, edge in enumerate(net.edges)
    ]
    for item in (*nodes, *edges):
        if "title" in item:
            item["title"] = str(item["title"])
    options = net.options if isinstance(net.options, dict) else json.loads(net.options.to_json())
    types = Counter(n["gkType"] for n in nodes)
    legend = [
        {
            "type": t,
            "label": type_label(t),
            "color": type_style(t).color,
            "symbol": type_style(t).symbol,
            "count": count,
        }
        for t, count in sorted(types.items(), key=lambda item: (-item[1], item[0]))
    ]
    transfers = sum(1 for e in edges if e.get("gkType") == "PracticeTransfer")
    edge_legend = (
        [
            {
                "label": "Practice transfer (arrow labelled with the practice)",
                "color": TRANSFER_COLOR,
                "count": transfers,
            }
        ]
        if transfers
        else []
    )
    return {
        "title": title,
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "legend": legend,
        "edgeLegend": edge_legend,
        "menus": _menus(nodes, edges),
        "focusTypes": sorted(shown_first & set(types)) or None,
    }


def render_html(
    view: nx.Graph | Network, *, title: str | None = None, size_by: str = "degree"
) -> str:
    """The finished page: one self-contained UTF-8 HTML document that makes no request.

    Args:
        view: a graph (from :func:`select_view` or :mod:`graphkit.analysis.network`) or a network
            from :func:`to_pyvis`, perhaps adjusted by the caller.
        title: the page heading (set as text); default: the view's ``title`` graph attribute.
        size_by: node size for a graph (see :func:`node_sizes`).

    Returns:
        The HTML text. vis-network is inlined; the graph travels as escaped JSON in a
        ``<script type="application/json">``; ids are ``n0``/``e0``...; tooltips, labels and
        menus are text, never markup. The labels of the ``KEY_LABELS`` largest nodes stay
        readable at any zoom; a view with ``focus_types`` (the full view) opens showing those
        types, the others one click away; the legend lists what is shown. Callers write it (:func:`graphkit.files.write_atomic` writes UTF-8).
    """
    from pyvis.network import Network

    if isinstance(view, Network):
        net, default_title, focus_types = view, "graphkit network", None
    else:
        net, default_title = to_pyvis(view, size_by=size_by), view.graph.get("title")
        focus_types = view.graph.get("focus_types")
    script, css = _vis_assets()
    page = Template((STATIC_DIR / "vis" / "page.html").read_text(encoding="utf-8"))
    return page.substitute(
        vis_css=css,
        vis_js=script,
        app_js=(STATIC_DIR / "vis" / "app.js").read_text(encoding="utf-8"),
        graph_data=script_json(
            _payload(net, title or default_title or "graphkit network", focus_types)
        ),
    )


@dataclass(frozen=True)
class NotebookView:
    """A page shown inline in a notebook (JupyterLab, Jupyter Notebook, VS Code).

    The page goes into an ``<iframe srcdoc>`` (escaped), sandboxed to scripts only, so it
    cannot touch the notebook and the notebook's styles cannot touch it.
    """

    page: str = field(repr=False)
    height: int = 650

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
            f'sandbox="allow-scripts" title="graphkit network" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd"></iframe>'
        )


def show(
    view: nx.Graph | Network,
    *,
    title: str | None = None,
    size_by: str = "degree",
    height: int = 650,
) -> NotebookView:
    """Display ``view`` inline in a notebook: end a cell with ``show(select_view(g, "transfers"))``.

    Args:
        view, title, size_by: as for :func:`render_html`.
        height: the height of the picture in pixels.
    """
    return NotebookView(render_html(view, title=title, size_by=size_by), height)


def _subgraph(view: nx.Graph, nodes: set, edges: list[tuple[Any, Any, Any, dict]]) -> nx.Graph:
    """A copy of ``view`` with only ``nodes`` and ``edges`` (same graph class and attributes)."""
    part = view.__class__()
    part.graph.update(view.graph)
    part.add_nodes_from((n, view.nodes[n]) for n in view.nodes if n in nodes)
    for u, v, key, attrs in edges:
        if view.is_multigraph():
            part.add_edge(u, v, key=key, **attrs)
        else:
            part.add_edge(u, v, **attrs)
    return part


def narrow(
    view: nx.Graph, values_of: Callable[[dict[str, Any]], list], keep: Callable[[list], bool]
) -> nx.Graph:
    """The part of ``view`` that ``keep`` accepts, deciding by edges when they carry values.

    Args:
        view: any graph.
        values_of: the values of a node's or edge's attributes (projects, themes, years).
        keep: whether an item with these values stays.

    Returns:
        When some edge carries values (transfers carry their project and year, city networks
        the projects two cities share): the edges ``keep`` accepts and their two ends. Otherwise:
        the nodes ``keep`` accepts and the edges between them.
    """
    edges = list(edge_items(view))
    if any(values_of(attrs) for *_, attrs in edges):
        kept = [e for e in edges if keep(values_of(e[3]))]
        nodes = {n for u, v, *_ in kept for n in (u, v)}
    else:
        nodes = {n for n, attrs in view.nodes(data=True) if keep(values_of(attrs))}
        kept = [e for e in edges if e[0] in nodes and e[1] in nodes]
    return _subgraph(view, nodes, kept)


def _resolve(graph: Queryable, name: str, cls: Any, kind: str) -> str:
    from graphkit.analysis.names import entity_id, resolve_name

    return entity_id(resolve_name(graph, name, None if cls is None else [cls], kind))


def _entity_label(graph: Queryable, entity_id: str) -> str:
    """The label of the data entity ``entity_id`` (as :func:`graphkit.analysis.network.label_of`)."""
    import pyoxigraph as ox

    from graphkit.graph.namespaces import GKR
    from graphkit.sparql.backends import select_result

    rows = select_result(graph, "entity-label", {"entity": ox.NamedNode(GKR[entity_id])})
    return next((str(label) for _, label in rows.records()), entity_id)


def _theme_labels(graph: Queryable, theme_id: str) -> set[str]:
    """The labels of a theme and of every narrower theme under it."""
    import pyoxigraph as ox

    from graphkit.analysis.network import label_text
    from graphkit.graph.namespaces import GKR
    from graphkit.sparql.backends import select_result

    rows = select_result(graph, "narrower-theme-labels", {"root": ox.NamedNode(GKR[theme_id])})
    return {label_text(str(theme), label) for theme, label, _ in rows.records()}


def _with_transfer_themes(graph: Queryable, view: nx.Graph) -> nx.Graph:
    """Give each transfer edge the themes of its practice and resulting practice."""
    from graphkit.analysis.names import entity_id
    from graphkit.analysis.network import label_text
    from graphkit.sparql.backends import select_result

    themes: dict[str, set[str]] = {}
    for practice, theme, label in select_result(graph, "practice-themes").records():
        themes.setdefault(entity_id(str(practice)), set()).add(label_text(str(theme), label))
    for *_, attrs in edge_items(view):
        practices = [attrs.get("practice_id"), attrs.get("resulting_practice_id")]
        attrs["themes"] = sorted(set().union(*(themes.get(p, ()) for p in filter(None, practices))))
    return view


class ViewFilters(TypedDict, total=False):
    """What narrows a view: see :func:`select_view`."""

    center: str | None
    depth: int
    project: str | None
    theme: str | None
    since: int | None


class ViewOptions(ViewFilters, total=False):
    """How a view is drawn, besides what narrows it: see :func:`draw_view`."""

    fmt: str
    size_by: str
    max_nodes: int


def select_view(
    graph: Queryable,
    view: str = "full",
    *,
    center: str | None = None,
    depth: int = 1,
    project: str | None = None,
    theme: str | None = None,
    since: int | None = None,
) -> nx.Graph:
    """The part of the knowledge graph to draw.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`; the "transfers" view
            also reads a store or an endpoint's backend (it reads SELECT rows).
        view: "full" (every entity), "transfers" (cities and the practice transfers between
            them), "actors" (cities, organisations and people with the projects and events they
            took part in), "cities" / "organisations" (linked by shared projects and events),
            "ego" (everything within ``depth`` links of ``center``) or "project" (everything
            linked to ``project``, and what lies within ``depth`` links of it).
        center: the entity of the ego view: an id or any name (see :mod:`graphkit.analysis.names`).
        depth: how many links from the centre or project the ego and project views reach.
        project, theme: keep only what belongs to this project / has this theme (or a
            narrower one); names as for ``center``.
        since: keep only what is dated this year or later (transfers carry years; undated
            ones are left out).

    Returns:
        A networkx graph as in :mod:`graphkit.analysis.network`, with a ``title`` graph attribute
        describing the view and its filters.

    Raises:
        graphkit.errors.UnknownNameError, graphkit.errors.AmbiguousNameError: a name matches no
            entity, or several.
        ViewError: the view needs a centre or project that was not given, or the filter
            does not apply to it.
    """
    from graphkit.analysis import neighbourhood, network
    from graphkit.graph.namespaces import GK

    if view not in VIEWS:
        raise ViewError(f"Unknown view {view!r}; choose one of {', '.join(VIEWS)}.")
    if depth < 0:
        raise ViewError("The depth must be 0 or more links.")
    if view == "map":
        raise ViewError("The map is not a network view: draw it with graphkit.views.maps.draw_map.")
    described = [VIEW_TITLES[view]]
    project_id = _resolve(graph, project, GK.Project, "project") if project else None
    if view == "ego":
        if not center:
            raise ViewError("The ego view needs an entity at its centre: give --center NAME.")
        center_id = _resolve(graph, center, None, "entity")
        try:
            result = neighbourhood.ego_network(graph, center_id, depth)
        except neighbourhood.NotInNetworkError as exc:
            raise ViewError(
                f"{center!r} is not an entity of the knowledge graph's network."
            ) from exc
        described[0] = f"Within {depth} link(s) of {result.nodes[center_id]['label']}"
    elif view == "project":
        if not project_id:
            raise ViewError("The project view needs a project: give --project NAME.")
        result = neighbourhood.project_network(graph, project_id, depth)
        described[0] = f"Project {result.nodes[project_id]['label']}"
    elif view == "full":
        result = network.knowledge_graph(graph)
        result.graph["focus_types"] = list(FOCUS_TYPES)
    elif view == "transfers":
        result = _with_transfer_themes(graph, network.transfer_graph(graph))
    else:
        result = {
            "actors": network.actor_graph,
            "cities": network.city_network,
            "organisations": network.organisation_network,
        }[view](graph)
    if project_id and view != "project":
        result = narrow(result, projects_of, lambda values: project_id in values)
        described.append(f"project {_entity_label(graph, project_id)}")
    if theme:
        theme_id = _resolve(graph, theme, GK.Theme, "theme")
        wanted = _theme_labels(graph, theme_id)
        result = narrow(result, themes_of, lambda values: not wanted.isdisjoint(values))
        described.append(f"theme {_entity_label(graph, theme_id)}")
    if since is not None:
        items = [a for _, a in result.nodes(data=True)] + [a for *_, a in edge_items(result)]
        if not any(years_of(a) for a in items):
            raise ViewError(
                f"--since needs a view whose items carry years; the {view} view has none. "
                "Use --view transfers."
            )
        result = narrow(result, years_of, lambda years: any(y >= since for y in years))
        described.append(f"since {since}")
    result.graph["title"] = " · ".join(described)
    return result


# The views of which a table query lists nodes they surely have
# (graphkit/queries/tables/<view>-view-nodes.rq), so that a view too large to draw is refused
# before its network is built: the full view of a million-row graph took over 9 minutes and
# 19 GB of memory to build, only to be refused.
LISTED_VIEWS = frozenset({"full", "transfers", "actors", "cities", "organisations"})


def more_nodes_than(graph: Queryable, view: str, limit: int) -> bool:
    """Whether ``view``, without filters, surely has more than ``limit`` nodes: read from the
    store or endpoint before any network is built, at most ``limit + 1`` rows of the view's
    ``<view>-view-nodes`` table query. ``False`` where that cannot be told so (views not in
    :data:`LISTED_VIEWS`, or not more)."""
    from graphkit.sparql.backends import select_result

    if view not in LISTED_VIEWS:
        return False
    return select_result(graph, f"{view}-view-nodes", max_rows=limit).truncated


def refuse_large_view(graph: Queryable, view: str, **options: Unpack[ViewOptions]) -> None:
    """Refuse ``view`` before anything of it is built if, without filters that narrow it
    (``project``, ``theme``, ``since``), it surely has more than ``max_nodes`` nodes
    (:func:`more_nodes_than`); ``options`` as for :func:`draw_view`.

    Raises:
        ViewError: it does.
    """
    max_nodes = options.get("max_nodes", DEFAULT_MAX_NODES)
    narrowed = options.get("project") or options.get("theme") or options.get("since") is not None
    if not narrowed and more_nodes_than(graph, view, max_nodes):
        raise ViewError(_too_large(VIEW_TITLES[view], f"more than {max_nodes:,} nodes, the limit"))


def _too_large(title: str, size: str) -> str:
    """Why a view of ``size`` (its nodes against the limit) is not drawn, and what to do."""
    return (
        f"{title} has {size} that stays usable. Narrow it with --project, --theme or --since, "
        "draw the neighbourhood of one entity with --view ego --center NAME --depth 1, or "
        "raise --max-nodes."
    )


def picture_format(out: Path | None = None, fmt: str | None = None) -> str:
    """The format to draw in, from ``--out``'s suffix and ``--format``.

    Args:
        out: the file to write; its suffix decides the format (``.html``, ``.svg``, ``.png``,
            ``.pdf``, any case). A path without a suffix takes ``fmt``.
        fmt: the format asked for; it must agree with ``out``'s suffix.

    Returns:
        One of :data:`PICTURE_FORMATS` ("html" when neither is given).

    Raises:
        ViewError: the suffix is not one graphkit can write (a ``.jpg`` is refused rather than
            filled with HTML), ``fmt`` is unknown, or the two disagree.
    """
    allowed = ", ".join(f".{f}" for f in PICTURE_FORMATS)
    if fmt is not None and fmt not in PICTURE_FORMATS:
        raise ViewError(f"Unknown format {fmt!r}; choose one of {', '.join(PICTURE_FORMATS)}.")
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    if out is not None and not suffix and fmt is None:
        raise ViewError(f"--out {out.name} has no suffix; end it with one of {allowed}.")
    if suffix and suffix not in PICTURE_FORMATS:
        raise ViewError(f"--out {out.name}: cannot write .{suffix} files; use one of {allowed}.")
    if suffix and fmt is not None and suffix != fmt:
        raise ViewError(f"--out {out.name} does not match --format {fmt}.")
    return suffix or fmt or "html"


def static_renderer(view: str) -> Callable[..., bytes]:
    """The function that draws ``view`` as a static figure: the one place where a view with a
    figure of its own (a map, say) says so; every other view is a network figure.

    The function takes the selected graph, ``fmt`` ("svg", "png" or "pdf") and ``size_by``,
    and returns the file's bytes (see :func:`graphkit.views.figures.draw_figure`).
    """
    from graphkit.views.figures import draw_figure

    return draw_figure


@dataclass(frozen=True)
class Picture:
    """A drawn view: the file content and what it shows."""

    content: str | bytes
    format: str
    nodes: int
    edges: int
    title: str


def draw_view(
    graph: Queryable,
    view: str = "full",
    *,
    fmt: str = "html",
    size_by: str = "degree",
    max_nodes: int = DEFAULT_MAX_NODES,
    **filters: Unpack[ViewFilters],
) -> Picture:
    """Select a view (see :func:`select_view`) and draw it as a page or a static figure.

    Args:
        filters: ``center``, ``depth``, ``project``, ``theme``, ``since``, as for
            :func:`select_view`.
        fmt: "html" (interactive page, :func:`render_html`), "svg", "png" or "pdf" (the
            view's :func:`static_renderer`, :func:`graphkit.views.figures.draw_figure` for the
            networks).
        max_nodes: refuse views larger than this, which would freeze a browser or make an
            unreadable figure.

    Raises:
        ViewError: the view is empty, larger than ``max_nodes``, or cannot be selected.
    """
    if fmt not in PICTURE_FORMATS:
        raise ViewError(f"Unknown format {fmt!r}; choose one of {', '.join(PICTURE_FORMATS)}.")
    refuse_large_view(graph, view, max_nodes=max_nodes, **filters)
    selected = select_view(graph, view, **filters)
    title = selected.graph["title"]
    count = selected.number_of_nodes()
    if count == 0:
        raise ViewError(f"Nothing to draw: {title} has no nodes. Loosen the filters.")
    if count > max_nodes:
        raise ViewError(_too_large(title, f"{count:,} nodes, more than the limit of {max_nodes:,}"))
    if fmt == "html":
        content: str | bytes = render_html(selected, size_by=size_by)
    else:
        content = static_renderer(view)(selected, fmt=fmt, size_by=size_by)
    return Picture(content, fmt, count, selected.number_of_edges(), title)
