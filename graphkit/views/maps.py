"""The transfer map: practice transfers as arrows between cities on a map of Europe.

- :func:`map_xy`: longitude/latitude to kilometres on the map (Lambert azimuthal equal-area,
  centred on Europe);
- :func:`transfer_map`: what the map shows, as a :class:`TransferMap` (cities with their
  coordinates and number of transfers, transfers with their programme, and what cannot be placed);
- :func:`render_map_html`: an interactive page, one self-contained SVG + script file that makes no
  request: filters by programme, mechanism, status and years, tooltips, a legend;
- :func:`draw_map_figure`: the same map as a static figure (SVG, PNG or PDF) for papers;
- :func:`draw_map`: all of it for ``graphkit visualise --view map``.

The country outlines are Natural Earth's (public domain), taken from the npm package
``world-atlas`` and cut to Europe once by ``scripts/europe_outlines.py`` into
``graphkit/static/map/europe-outlines.json`` (see the README beside it). Projection happens here,
in a few lines of numpy, so no GIS library is needed.
"""

from __future__ import annotations

import html
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from string import Template
from typing import TYPE_CHECKING, Any

from graphkit.errors import ViewError
from graphkit.locations import STATIC_DIR
from graphkit.views.visualise import Picture, script_json

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from graphkit.sparql.backends import Queryable

MAP_DIR = STATIC_DIR / "map"
OUTLINES_FILE = MAP_DIR / "europe-outlines.json"
MAP_FORMATS = ("html", "svg", "png", "pdf")
# The centre of the projection: 10° E, 52° N, as in the EU's ETRS89-LAEA grid (EPSG:3035).
CENTRE_LONGITUDE, CENTRE_LATITUDE = 10.0, 52.0
EARTH_RADIUS_KM = 6371.0088
# Room around the cities (km), and the least extent a map shows (km), so that a map of two
# neighbouring cities still shows where in Europe they are.
MARGIN_KM = 250.0
MIN_EXTENT_KM = 1200.0
NO_PROGRAMME = "no programme named"
# Programme colours: Okabe-Ito's colour-blind-safe palette, then Tableau's; grey for none.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    "#8c564b",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
NO_PROGRAMME_COLOR = "#6b6b6b"
# How far an arrow bows out from the straight line, as a share of its length (more for each
# further transfer between the same two cities, so they do not overlap).
BEND = 0.18
BEND_STEP = 0.1
# City labels on the static figure: the busiest cities, at most this many.
FIGURE_LABELS = 14
PNG_DPI = 200
QUOTE_CHARACTERS = 400
SVG_WIDTH = 1000.0


def map_xy(longitude: Any, latitude: Any) -> tuple[np.ndarray, np.ndarray]:
    """Kilometres east and north of the map's centre (10° E, 52° N) of points on the earth.

    The Lambert azimuthal equal-area projection on a sphere of radius
    :data:`EARTH_RADIUS_KM` (Snyder 1987, *Map Projections: A Working Manual*, pp. 185-186):
    areas keep their proportions, which suits a map of a continent; the EU's statistical grid
    uses the same projection and centre (on the ellipsoid).

    Args:
        longitude, latitude: degrees (numbers or arrays of the same shape).

    Returns:
        ``(x, y)`` arrays in kilometres, x to the east and y to the north.
    """
    import numpy as np

    lon = np.radians(np.asarray(longitude, dtype=float) - CENTRE_LONGITUDE)
    lat = np.radians(np.asarray(latitude, dtype=float))
    lat0 = math.radians(CENTRE_LATITUDE)
    cos_c = math.sin(lat0) * np.sin(lat) + math.cos(lat0) * np.cos(lat) * np.cos(lon)
    k = np.sqrt(2.0 / (1.0 + cos_c))
    x = EARTH_RADIUS_KM * k * np.cos(lat) * np.sin(lon)
    y = (
        EARTH_RADIUS_KM
        * k
        * (math.cos(lat0) * np.sin(lat) - math.sin(lat0) * np.cos(lat) * np.cos(lon))
    )
    return x, y


@cache
def _outline_document() -> dict[str, Any]:
    import json

    return json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))


def country_outlines() -> list[tuple[str, list[np.ndarray]]]:
    """The bundled country outlines, projected: ``(country name, [ring as an (n, 2) array of
    km])`` for each country with land around Europe."""
    import numpy as np

    outlines = []
    for country in _outline_document()["countries"]:
        rings = []
        for ring in country["rings"]:
            points = np.asarray(ring, dtype=float)
            x, y = map_xy(points[:, 0], points[:, 1])
            rings.append(np.column_stack([x, y]))
        outlines.append((str(country["name"]), rings))
    return outlines


def outlines_source() -> str:
    """Where the bundled outlines come from, for captions."""
    return str(_outline_document()["source"])


@dataclass(frozen=True)
class TransferMap:
    """What the transfer map shows.

    Attributes:
        cities: one row per city drawn: ``id``, ``label``, ``latitude``, ``longitude``,
            ``country_code``, ``x``/``y`` (km, :func:`map_xy`), ``transfers`` (how many drawn
            transfers start or end there), ``sent`` and ``received``.
        transfers: one row per drawn transfer: ``transfer`` (id), ``practice``, ``origin_id``,
            ``origin``, ``target_id``, ``target``, ``project``, ``programme`` (the top-level
            programmes it went through, or :data:`NO_PROGRAMME`), ``mechanisms`` (a list),
            ``mechanism``, ``status``, ``year``, ``period``, ``quote``, ``source``.
        unplaced: the transfers that are not drawn, with ``reason``: a target the sources do
            not name ("4 unnamed cities"), or a city without coordinates.
        title: what the map shows, with its filters.
    """

    cities: pd.DataFrame
    transfers: pd.DataFrame
    unplaced: pd.DataFrame
    title: str
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def years(self) -> tuple[int | None, int | None]:
        """The first and last year of the drawn transfers (``None`` if none is dated)."""
        years = self.transfers["year"].dropna()
        return (int(years.min()), int(years.max())) if len(years) else (None, None)

    @property
    def programmes(self) -> list[str]:
        """The programmes of the drawn transfers, the busiest first, :data:`NO_PROGRAMME` last."""
        counts = Counter(self.transfers["programme"])
        return sorted(counts, key=lambda p: (p == NO_PROGRAMME, -counts[p], p.casefold()))

    def colors(self) -> dict[str, str]:
        """The colour of each programme (fixed by the order of :attr:`programmes`)."""
        named = [p for p in self.programmes if p != NO_PROGRAMME]
        colours = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(named)}
        colours[NO_PROGRAMME] = NO_PROGRAMME_COLOR
        return colours

    def summary(self) -> str:
        """E.g. "120 transfers between 80 cities, 1998–2024; 31 to unnamed cities not drawn"."""
        first, last = self.years
        years = "" if first is None else f", {first}–{last}" if first != last else f", {first}"
        text = (
            f"{len(self.transfers)} transfer{'' if len(self.transfers) == 1 else 's'} between "
            f"{len(self.cities)} cities{years}"
        )
        if len(self.unplaced):
            text += f"; not drawn: {_unplaced_reasons(self.unplaced)}"
        return text


def _unplaced_reasons(unplaced: pd.DataFrame) -> str:
    counts = Counter(unplaced["reason"])
    return ", ".join(f"{count} {reason}" for reason, count in counts.most_common())


def _text(value: object) -> str:
    import pandas as pd

    return (
        ""
        if value is None or (not isinstance(value, list | tuple) and pd.isna(value))
        else str(value)
    )


def _programmes(graph: Queryable) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Transfer id -> its top-level programmes ("UIA, URBACT"), and -> its (start, end) dates."""
    from rdflib import URIRef

    from graphkit.analysis.names import entity_id
    from graphkit.sparql.backends import select_table

    rows = select_table(graph, "transfer-programmes")
    programmes: dict[str, set[str]] = {}
    periods: dict[str, tuple[str, str]] = {}
    for row in rows.to_dict("records"):
        transfer = entity_id(URIRef(_text(row["transfer"])))
        periods[transfer] = (_text(row["start"])[:10], _text(row["end"])[:10])
        name = _text(row["programme_acronym"]) or _text(row["programme_label"])
        if not name and _text(row["programme"]):
            name = entity_id(URIRef(_text(row["programme"])))
        programmes.setdefault(transfer, set())
        if name:
            programmes[transfer].add(name)
    named = {
        t: ", ".join(sorted(p, key=str.casefold)) or NO_PROGRAMME for t, p in programmes.items()
    }
    return named, periods


def _period(start: str, end: str, year: object) -> str:
    if start and end and end != start:
        return f"{start} – {end}"
    if start:
        return start
    return "" if _text(year) == "" else str(int(float(_text(year))))


def transfer_map(
    graph: Queryable,
    *,
    project: str | None = None,
    theme: str | None = None,
    since: int | None = None,
    until: int | None = None,
) -> TransferMap:
    """The cities and practice transfers of the graph, placed on the map.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`, a store or an endpoint.
        project, theme, since, until: only these transfers, as for
            :func:`graphkit.analysis.transfers.transfers_table` (names: ids or any name).

    Returns:
        A :class:`TransferMap`. A transfer is drawn when both its cities have coordinates
        (:func:`graphkit.analysis.geo.city_places`); the others are in ``unplaced``.

    Raises:
        graphkit.errors.UnknownNameError, graphkit.errors.AmbiguousNameError: a filter's name.
    """
    import pandas as pd

    from graphkit.analysis.geo import city_places
    from graphkit.analysis.transfers import transfer_rows, transfers_table
    from graphkit.sparql.backends import as_backend

    backend = as_backend(graph)
    filters = {"project": project, "theme": theme, "since": since, "until": until}
    rows = transfer_rows(backend)
    if any(v is not None for v in filters.values()):
        wanted = set(transfers_table(backend, **filters)["transfer"])
        rows = rows[rows["transfer"].isin(wanted)]
    places = city_places(backend).drop_duplicates("id").set_index("id")
    placed = places.dropna(subset=["latitude", "longitude"])
    programmes, periods = _programmes(backend)

    drawn, unplaced = [], []
    for row in rows.to_dict("records"):
        start, end = periods.get(row["transfer"], ("", ""))
        mechanisms = [m.strip() for m in _text(row["mechanism"]).split(",") if m.strip()]
        record = {
            "transfer": row["transfer"],
            "practice": _text(row["practice"]),
            "origin_id": row["origin_id"],
            "origin": _text(row["origin"]),
            "target_id": row["target_id"],
            "target": _text(row["target"]),
            "project": _text(row["project"]),
            "programme": programmes.get(row["transfer"], NO_PROGRAMME),
            "mechanisms": mechanisms,
            "mechanism": ", ".join(mechanisms),
            "status": _text(row["status"]) or "not stated",
            "year": None if pd.isna(row["year"]) else int(row["year"]),
            "period": _period(start, end, row["year"]),
            "quote": _text(row["quote"]),
            "source": _text(row["source"]),
        }
        if row["target_id"] not in places.index:
            unplaced.append({**record, "reason": "to no named city"})
        elif row["origin_id"] not in placed.index or row["target_id"] not in placed.index:
            unplaced.append({**record, "reason": "with a city without coordinates"})
        else:
            drawn.append(record)
    columns = [
        "transfer", "practice", "origin_id", "origin", "target_id", "target", "project",
        "programme", "mechanisms", "mechanism", "status", "year", "period", "quote", "source",
    ]  # fmt: skip
    transfers = pd.DataFrame(drawn, columns=columns)
    transfers["year"] = transfers["year"].astype("Int64")
    transfers = transfers.sort_values(["year", "transfer"], na_position="last", ignore_index=True)
    sent = Counter(transfers["origin_id"])
    received = Counter(transfers["target_id"])
    ids = sorted(set(sent) | set(received))
    cities = placed.loc[ids].reset_index()[["id", "label", "latitude", "longitude", "country_code"]]
    x, y = map_xy(cities["longitude"].astype(float), cities["latitude"].astype(float))
    cities["x"], cities["y"] = x, y
    cities["sent"] = [sent[i] for i in cities["id"]]
    cities["received"] = [received[i] for i in cities["id"]]
    cities["transfers"] = cities["sent"] + cities["received"]
    cities = cities.sort_values(["transfers", "label"], ascending=[False, True], ignore_index=True)
    described = ["Practice transfers between cities"]
    described += [f"{name} {value}" for name, value in filters.items() if value is not None]
    return TransferMap(
        cities=cities,
        transfers=transfers,
        unplaced=pd.DataFrame(unplaced, columns=[*columns, "reason"]),
        title=" · ".join(described),
        filters={k: v for k, v in filters.items() if v is not None},
    )


def _extent(tmap: TransferMap) -> tuple[float, float, float, float]:
    """The part of the map to show (km): the cities with a margin, at least
    :data:`MIN_EXTENT_KM` wide and high."""
    if tmap.cities.empty:
        return (-1500.0, -1500.0, 1500.0, 1500.0)
    left, right = tmap.cities["x"].min() - MARGIN_KM, tmap.cities["x"].max() + MARGIN_KM
    bottom, top = tmap.cities["y"].min() - MARGIN_KM, tmap.cities["y"].max() + MARGIN_KM
    for low, high, index in ((left, right, 0), (bottom, top, 1)):
        if high - low < MIN_EXTENT_KM:
            middle = (low + high) / 2
            if index == 0:
                left, right = middle - MIN_EXTENT_KM / 2, middle + MIN_EXTENT_KM / 2
            else:
                bottom, top = middle - MIN_EXTENT_KM / 2, middle + MIN_EXTENT_KM / 2
    return float(left), float(bottom), float(right), float(top)


def _bends(transfers: pd.DataFrame) -> list[float]:
    """How far each transfer's arrow bows out: further for each repeat of the same two cities."""
    seen: Counter[tuple[str, str]] = Counter()
    bends = []
    for origin, target in zip(transfers["origin_id"], transfers["target_id"], strict=True):
        bends.append(BEND + BEND_STEP * seen[(origin, target)])
        seen[(origin, target)] += 1
    return bends


def city_radius(
    transfers: int, largest: int, *, smallest: float = 2.5, biggest: float = 12.0
) -> float:
    """A city's marker radius: its area grows with its number of transfers."""
    if largest <= 0:
        return smallest
    return smallest + (biggest - smallest) * math.sqrt(transfers / largest)


# --- The interactive page ------------------------------------------------------------------


def _svg_outlines(scale: float, extent: tuple[float, float, float, float]) -> str:
    """The countries as SVG paths in the page's coordinates (numbers and escaped names only)."""
    left, _bottom, _right, top = extent
    paths = []
    for name, rings in country_outlines():
        parts = []
        for ring in rings:
            points = " ".join(f"{(x - left) * scale:.1f},{(top - y) * scale:.1f}" for x, y in ring)
            parts.append(f"M{points}Z")
        paths.append(f'<path d="{"".join(parts)}"><title>{html.escape(name)}</title></path>')
    return "\n".join(paths)


def _page_data(tmap: TransferMap, scale: float, extent: tuple[float, float, float, float]) -> dict:
    left, _bottom, _right, top = extent
    largest = int(tmap.cities["transfers"].max()) if len(tmap.cities) else 0
    index = {city_id: i for i, city_id in enumerate(tmap.cities["id"])}
    colours = tmap.colors()
    cities = [
        {
            "id": f"c{index[row['id']]}",
            "label": str(row["label"]),
            "x": round((row["x"] - left) * scale, 1),
            "y": round((top - row["y"]) * scale, 1),
            "r": round(city_radius(int(row["transfers"]), largest), 1),
            "sent": int(row["sent"]),
            "received": int(row["received"]),
            "country": _text(row["country_code"]),
        }
        for row in tmap.cities.to_dict("records")
    ]
    transfers = [
        {
            "id": f"t{i}",
            "from": f"c{index[row['origin_id']]}",
            "to": f"c{index[row['target_id']]}",
            "practice": row["practice"],
            "origin": row["origin"],
            "target": row["target"],
            "project": row["project"],
            "programme": row["programme"],
            "color": colours[row["programme"]],
            "mechanisms": row["mechanisms"],
            "status": row["status"],
            "year": None if _text(row["year"]) == "" else int(row["year"]),
            "period": row["period"],
            "quote": row["quote"][:QUOTE_CHARACTERS]
            + ("…" if len(row["quote"]) > QUOTE_CHARACTERS else ""),
            "source": row["source"],
            "bend": bend,
        }
        for i, (row, bend) in enumerate(
            zip(tmap.transfers.to_dict("records"), _bends(tmap.transfers), strict=True)
        )
    ]
    first, last = tmap.years
    return {
        "title": tmap.title,
        "summary": tmap.summary(),
        "cities": cities,
        "transfers": transfers,
        "programmes": [[p, colours[p]] for p in tmap.programmes],
        "mechanisms": sorted({m for t in transfers for m in t["mechanisms"]}, key=str.casefold),
        "statuses": sorted({t["status"] for t in transfers}, key=str.casefold),
        "years": [first, last],
        "unplaced": len(tmap.unplaced),
        "unplacedReasons": _unplaced_reasons(tmap.unplaced) if len(tmap.unplaced) else "",
        "outlines": outlines_source(),
    }


def render_map_html(tmap: TransferMap) -> str:
    """The interactive map: one self-contained UTF-8 HTML page that makes no request.

    Country outlines are inline SVG paths; cities and transfers travel as escaped JSON
    (:func:`graphkit.views.visualise.script_json`) and the page's script draws them with
    ``createElementNS`` and sets every text from the data with ``textContent``. A
    Content-Security-Policy forbids every request.
    """
    left, bottom, right, top = _extent(tmap)
    scale = SVG_WIDTH / (right - left)
    height = (top - bottom) * scale
    page = Template((MAP_DIR / "page.html").read_text(encoding="utf-8"))
    return page.substitute(
        width=f"{SVG_WIDTH:.0f}",
        height=f"{height:.0f}",
        outlines=_svg_outlines(scale, (left, bottom, right, top)),
        map_js=(MAP_DIR / "map.js").read_text(encoding="utf-8"),
        map_data=script_json(_page_data(tmap, scale, (left, bottom, right, top))),
    )


# --- The static figure ---------------------------------------------------------------------


def _keep_apart(figure: Any, labels: list[Any], limit: int) -> None:
    """Keep the first ``limit`` labels (the busiest cities first) that overlap no kept one;
    remove the rest."""
    figure.draw_without_rendering()
    taken: list[Any] = []
    for label in labels:
        box = label.get_window_extent()
        if len(taken) < limit and not any(box.overlaps(other) for other in taken):
            taken.append(box)
        else:
            label.remove()


def draw_map_figure(tmap: TransferMap, fmt: str = "png") -> bytes:
    """The map as a figure for papers: countries, cities sized by transfers with the busiest
    labelled, curved arrows coloured by programme, a legend and a title with counts and years.

    Args:
        tmap: from :func:`transfer_map`.
        fmt: "svg" (text stays text), "png" (200 dpi) or "pdf".

    Returns:
        The file's bytes; the same map gives the same bytes (no dates in the metadata).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    if fmt not in MAP_FORMATS[1:]:
        raise ViewError(
            f"Unknown figure format {fmt!r}; choose one of {', '.join(MAP_FORMATS[1:])}."
        )
    left, bottom, right, top = _extent(tmap)
    aspect = (top - bottom) / (right - left)
    width = 10.0
    figure, axes = plt.subplots(figsize=(width, min(max(width * aspect, 5.0), 14.0) + 1.2))
    try:
        axes.set_facecolor("#dfeaf3")
        polygons = [ring for _, rings in country_outlines() for ring in rings]
        axes.add_collection(
            PolyCollection(polygons, facecolors="#f4f2ee", edgecolors="#b9b5ad", linewidths=0.5)
        )
        colours = tmap.colors()
        largest = int(tmap.cities["transfers"].max()) if len(tmap.cities) else 0
        positions = {row["id"]: (row["x"], row["y"]) for row in tmap.cities.to_dict("records")}
        radii = {
            row["id"]: city_radius(int(row["transfers"]), largest)
            for row in tmap.cities.to_dict("records")
        }
        for row, bend in zip(
            tmap.transfers.to_dict("records"), _bends(tmap.transfers), strict=True
        ):
            if row["origin_id"] == row["target_id"]:
                continue
            axes.add_patch(
                FancyArrowPatch(
                    positions[row["origin_id"]],
                    positions[row["target_id"]],
                    connectionstyle=f"arc3,rad={-bend:.2f}",
                    arrowstyle="-|>,head_length=5,head_width=2.6",
                    color=colours[row["programme"]],
                    linewidth=1.1,
                    alpha=0.8,
                    shrinkA=radii[row["origin_id"]] * 0.9,
                    shrinkB=radii[row["target_id"]] * 0.9,
                    zorder=3,
                )
            )
        if len(tmap.cities):
            axes.scatter(
                tmap.cities["x"],
                tmap.cities["y"],
                s=[(2 * radii[i]) ** 2 * 0.55 for i in tmap.cities["id"]],
                facecolor="#ffffff",
                edgecolor="#333333",
                linewidth=0.9,
                zorder=4,
            )
        # A light box rather than a stroke behind the labels: SVG keeps them as text.
        halo = {
            "boxstyle": "round,pad=0.12",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.75,
        }
        labels = [
            axes.annotate(
                str(row["label"]),
                (row["x"], row["y"]),
                xytext=(radii[row["id"]] * 0.6 + 3, 2),
                textcoords="offset points",
                fontsize=8.5,
                color="#111111",
                bbox=halo,
                zorder=5,
            )
            for row in tmap.cities.head(FIGURE_LABELS * 2).to_dict("records")
        ]
        axes.set_xlim(left, right)
        axes.set_ylim(bottom, top)
        axes.set_aspect("equal")
        axes.set_xticks([])
        axes.set_yticks([])
        handles = [
            Line2D([], [], color=colours[p], linewidth=2, label=f"{p} ({n})")
            for p, n in (
                (p, int((tmap.transfers["programme"] == p).sum())) for p in tmap.programmes
            )
        ]
        if largest:
            handles.append(
                Line2D([], [], linestyle="", marker="o", markerfacecolor="white",
                       markeredgecolor="#333333", markersize=2 * city_radius(largest, largest) * 0.74,
                       label=f"city with {largest} transfers")
            )  # fmt: skip
        axes.legend(
            handles=handles,
            title="Programme (transfers)",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=8.5,
            title_fontsize=9,
        )
        axes.set_title(f"{tmap.title}\n{tmap.summary()}", fontsize=11, loc="left")
        axes.annotate(
            "Arrows run from the city a practice came from to the city that took it up. "
            "Outlines: Natural Earth (public domain).\nProjection: Lambert azimuthal equal-area, "
            "centred at 10° E, 52° N.",
            (0.0, -0.01),
            xycoords="axes fraction",
            va="top",
            fontsize=7,
            color="#555555",
        )
        _keep_apart(figure, labels, FIGURE_LABELS)
        buffer = io.BytesIO()
        with matplotlib.rc_context({"svg.hashsalt": "graphkit", "svg.fonttype": "none"}):
            metadata = (
                {"Date": None} if fmt == "svg" else {"CreationDate": None} if fmt == "pdf" else {}
            )
            figure.savefig(
                buffer,
                format=fmt,
                dpi=PNG_DPI,
                bbox_inches="tight",
                metadata=metadata,
            )
        return buffer.getvalue()
    finally:
        plt.close(figure)


def draw_map(
    graph: Queryable,
    *,
    fmt: str = "html",
    project: str | None = None,
    theme: str | None = None,
    since: int | None = None,
    until: int | None = None,
    **unused: Any,
) -> Picture:
    """The transfer map as a page (``fmt`` "html") or a figure ("svg", "png", "pdf").

    Args:
        graph: a graph, store or endpoint (see :func:`transfer_map`).
        project, theme, since, until: only these transfers.
        unused: the options of other views (``size_by``, ``max_nodes``); ``center`` and
            ``depth`` are refused, since a map has no centre.

    Raises:
        ViewError: the format is unknown, an option does not apply, or no transfer can be drawn.
    """
    if fmt not in MAP_FORMATS:
        raise ViewError(f"Unknown format {fmt!r}; the map is drawn as {', '.join(MAP_FORMATS)}.")
    if unused.get("center"):
        raise ViewError("--center applies to the ego view; the map shows every placed city.")
    tmap = transfer_map(graph, project=project, theme=theme, since=since, until=until)
    if tmap.transfers.empty:
        raise ViewError(f"Nothing to draw: {tmap.summary()}. Loosen the filters.")
    content: str | bytes = render_map_html(tmap) if fmt == "html" else draw_map_figure(tmap, fmt)
    return Picture(content, fmt, len(tmap.cities), len(tmap.transfers), tmap.title)
