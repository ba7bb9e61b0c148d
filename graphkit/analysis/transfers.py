"""Which practices travelled from which city to which, how, and with what result.

- :func:`transfers_table`: one row per practice transfer, filtered by the names a researcher
  types (cities, project, practice, theme) and by years;
- :func:`transfer_paths`: the chains of transfers from one city to another (time-respecting
  where years are known) or, if there are none, the shortest connections through shared
  projects and events, explained hop by hop;
- :func:`cascades`: practice adoption cascades in the long format of R's NetworkInference.

Names are matched by :mod:`graphkit.analysis.names` (id or any label, ignoring case and accents, local
names such as "Wien" included); an unknown name raises
:class:`graphkit.errors.UnknownNameError` with the closest matches.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice, pairwise
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import pyoxigraph as ox

from graphkit.analysis.geo import city_points, distance_km
from graphkit.analysis.names import entity_id, local_name, name_index
from graphkit.data.schema import escape_controls, fits_as_is, fold
from graphkit.graph.iris import GK_IRI, GKR_IRI
from graphkit.sparql.backends import Queryable, as_backend, select_result

# pandas (and rdflib, for short_name) are imported by the functions that use them; networkx is
# not needed: the transfers of a store are read as plain rows, so `graphkit transfers` and
# `graphkit cascades` start without them.
if TYPE_CHECKING:
    import pandas as pd
    from rdflib import Graph

TRANSFER_COLUMNS = [
    "transfer",
    "practice",
    "origin",
    "target",
    "candidates",
    "project",
    "event",
    "mechanism",
    "roles",
    "direction",
    "year",
    "status",
    "status_quote",
    "outcome",
    "resulting_practice",
    "source",
    "quote",
    "target_match",
    "distance_km",
]
CASCADE_COLUMNS = [
    "practice_id",
    "practice",
    "city_id",
    "city",
    "year",
    "source_city_id",
    "source_city",
    "project_id",
    "project",
    "transfer",
]
FIELD_WIDTH = 12
MAX_CHAIN_HOPS = 6
MAX_ROUTES = 20
MAX_CONNECTIONS = 5


def short_name(graph: Graph, entity_id_: str) -> str:
    """An entity's acronym if it has one (``MiStra``), else its label; "" for no entity."""
    from rdflib.namespace import SKOS

    from graphkit.graph.namespaces import GK, GKR

    if not entity_id_:
        return ""
    iri = GKR[entity_id_]
    return str(graph.value(iri, GK.acronym) or graph.value(iri, SKOS.prefLabel) or entity_id_)


class TransferFilters(TypedDict, total=False):
    """Which transfers :func:`transfer_records` lists (names: ids or any name); see its
    arguments."""

    origin: str | None
    target: str | None
    project: str | None
    practice: str | None
    theme: str | None
    since: int | None
    until: int | None
    within_km: float | None
    of: str | None


def transfers_table(graph: Queryable, **filters: Unpack[TransferFilters]) -> pd.DataFrame:
    """:func:`transfer_records` as a DataFrame (``year`` a nullable integer column)."""
    import pandas as pd

    table = pd.DataFrame(transfer_records(graph, **filters), columns=TRANSFER_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    table["distance_km"] = table["distance_km"].astype("Int64")
    return table


def transfer_records(
    graph: Queryable,
    *,
    origin: str | None = None,
    target: str | None = None,
    project: str | None = None,
    practice: str | None = None,
    theme: str | None = None,
    since: int | None = None,
    until: int | None = None,
    within_km: float | None = None,
    of: str | None = None,
) -> list[dict[str, Any]]:
    """One row per practice transfer (a mapping of :data:`TRANSFER_COLUMNS`), optionally
    filtered.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`, a store or an endpoint
            (:mod:`graphkit.sparql.backends`). The table is read with a few SELECT queries
            (``graphkit/queries/tables/``); the persistent store keeps its rows.
        origin: only transfers from this city (id or any name, e.g. "Wien").
        target: only transfers to this city: those that name it as their target, and those
            to unnamed cities that list it among their candidates (``target_match`` then says
            "candidate").
        project: only transfers through this project or one of its parts (directly or
            through an event of it).
        practice: only transfers of this practice, or that resulted in it.
        theme: only transfers that have this theme or a narrower one, themselves or through
            the practice that travelled or resulted.
        since, until: only transfers whose year is known and within these years (inclusive).
        within_km: with ``of``, only transfers between two cities that both lie within this
            many km of the city ``of`` (a transfer to unnamed cities has no place to measure);
            without, only transfers that travelled at most this far.
        of: the city ``within_km`` measures from (needs ``within_km``).

    Returns:
        Columns ``transfer`` (id), ``practice``, ``origin``, ``target`` (a city, or e.g.
        "4 unnamed cities"), ``candidates`` (cities an unnamed target may be among, joined by
        "; "), ``project`` (acronym or name), ``event``, ``mechanism``, ``roles`` (e.g. "lead
        partner → partner", where the source gives them), ``direction`` ("stated" or
        "inferred from roles"), ``year`` (nullable integer), ``status``, ``status_quote`` (the
        quote that shows the status), ``outcome``, ``resulting_practice``, ``source`` (the
        source document's file name or URL), ``quote`` and ``target_match`` ("candidate" when
        the ``target`` filter matched one of the candidates, else empty) and ``distance_km``
        (the great-circle distance from origin to target in whole km, from the cities' GeoNames
        coordinates; empty where a city has none or the target is unnamed). Sorted by year
        (unknown last), practice and transfer id.

    Raises:
        graphkit.errors.UnknownNameError: a name matches nothing (it lists the closest names).
        graphkit.errors.AmbiguousNameError: a name matches several entities.
        ValueError: ``of`` without ``within_km``, a negative distance, or a city ``of``
            without coordinates.
    """
    if of and within_km is None:
        raise ValueError(
            "A centre city (of, --of) needs a distance (within_km, --within-km) to measure from."
        )
    if within_km is not None and not within_km >= 0:
        raise ValueError(f"The distance must be 0 km or more, not {within_km}.")
    backend = as_backend(graph)

    def resolve(name: str, cls: str, kind: str) -> str:
        return name_index(backend, [GK_IRI + cls], kind).resolve_iri(name)

    origin_id = entity_id(resolve(origin, "City", "city")) if origin else None
    target_id = entity_id(resolve(target, "City", "city")) if target else None
    projects = practices = themes = None
    if project:
        parts = _closure(backend, "project-parts", "part", resolve(project, "Project", "project"))
        projects = {entity_id(p) for p in parts}
    if practice:
        practices = {entity_id(resolve(practice, "Practice", "practice"))}
    transfer_themes: dict[str, set[str]] = {}
    if theme:
        themes = _closure(backend, "narrower-themes", "theme", resolve(theme, "Theme", "theme"))
        for transfer_iri, theme_iri in select_result(backend, "transfer-themes").records():
            transfer_themes.setdefault(_id(transfer_iri), set()).add(str(theme_iri))
    points = city_points(backend)

    def km(a: str, b: str) -> float | None:
        return distance_km(*points[a], *points[b]) if a in points and b in points else None

    centre = None
    if of:
        centre = entity_id(resolve(of, "City", "city"))
        if centre not in points:
            raise ValueError(
                f"{of} has no coordinates (no GeoNames id: see its note), so no distance from "
                "it can be measured."
            )
    rows = _transfer_rows(backend)

    def near(row: dict[str, Any]) -> bool:
        if within_km is None:
            return True
        if centre is None:
            travelled = km(row["origin_id"], row["target_id"])
            return travelled is not None and travelled <= within_km
        return all(
            (d := km(centre, city)) is not None and d <= within_km
            for city in (row["origin_id"], row["target_id"])
        )

    def matches(row: dict[str, Any]) -> bool:
        year = row["year"]
        return near(row) and not (
            (origin_id and row["origin_id"] != origin_id)
            or (
                target_id
                and row["target_id"] != target_id
                and target_id not in row["candidate_ids"]
            )
            or (projects is not None and not set(row["project_ids"]) & projects)
            or (practices is not None and not set(row["practice_ids"]) & practices)
            or (themes is not None and not transfer_themes.get(row["transfer"], set()) & themes)
            or (since is not None and (year is None or year < since))
            or (until is not None and (year is None or year > until))
        )

    chosen = []
    for row in rows:
        row = {**row, "year": _year_number(row["year"])}
        if matches(row):
            row["target_match"] = "candidate" if target_id and row["target_id"] != target_id else ""
            travelled = km(row["origin_id"], row["target_id"])
            row["distance_km"] = None if travelled is None else round(travelled)
            chosen.append({column: row[column] for column in TRANSFER_COLUMNS})
    # By year (unknown last), then practice and id as people order names (case and accents
    # ignored).
    return sorted(
        chosen,
        key=lambda r: (r["year"] is None, r["year"] or 0, fold(r["practice"]), fold(r["transfer"])),
    )


def _year_number(value: object) -> int | None:
    """A whole-number cell (a year, a distance) as an integer (kept tables store numbers as
    JSON, missing ones as null; a DataFrame holds NA or NaN)."""
    if value is None or type(value).__name__ == "NAType":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return int(value)  # type: ignore[call-overload]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _id(value: object) -> str:
    return entity_id(_text(value)) if _text(value) else ""


def _label(iri: object, label: object) -> str:
    """:func:`graphkit.analysis.network.label_of` from a row: the label, else the id or local name."""
    if _text(label):
        return _text(label)
    text = _text(iri)
    if not text:
        return ""
    return entity_id(text) if text.startswith(GKR_IRI) else local_name(text)


def _year(value: object) -> int | None:
    text = _text(value)
    return int(text[:4]) if text[:4].isdigit() else None


def _closure(backend: Queryable, name: str, column: str, root: str) -> set[str]:
    rows = select_result(backend, name, {"root": ox.NamedNode(root)}).dicts()
    return {_text(row[column]) for row in rows}


# What a filter of transfers_table matches, kept with each row read from a store or endpoint.
MATCH_COLUMNS = ["origin_id", "target_id", "candidate_ids", "project_ids", "practice_ids"]
# What cascades reads besides: the practice's id and start year, the project's id.
CASCADE_FACT_COLUMNS = ["practice_id", "practice_year", "project_id"]
# The columns of a transfer row (transfer_rows), as the store keeps them.
TRANSFER_ROW_COLUMNS = TRANSFER_COLUMNS + MATCH_COLUMNS + CASCADE_FACT_COLUMNS


def transfer_rows(backend: Queryable) -> pd.DataFrame:
    """:func:`transfer_row_records` as a DataFrame."""
    import pandas as pd

    return pd.DataFrame(transfer_row_records(backend), columns=TRANSFER_ROW_COLUMNS)


def _kept_rows(backend: Queryable, name: str, columns: list[str]) -> list[dict[str, Any]] | None:
    """The rows of the table ``name`` kept beside the persistent store ``backend`` when it was
    built, if it has ``columns``; ``None`` where nothing is kept (an endpoint, an rdflib graph)."""
    kept_records = getattr(backend, "kept_records", None)
    kept = kept_records(name) if kept_records is not None else None
    return kept[1] if kept is not None and set(columns) <= set(kept[0]) else None


def _transfer_rows(backend: Queryable) -> list[dict[str, Any]]:
    """:func:`transfer_row_records`, as kept beside the persistent store if it is one."""
    kept = _kept_rows(backend, "transfer-rows", TRANSFER_ROW_COLUMNS)
    return kept if kept is not None else transfer_row_records(backend)


def transfer_row_records(backend: Queryable) -> list[dict[str, Any]]:
    """Every transfer of ``backend`` (a store or endpoint) as a :func:`transfer_records` row,
    unsorted, with the ids its filters match on (:data:`MATCH_COLUMNS`: origin and target
    city, the projects it went through, directly or by its event, and its practices) and what
    :func:`cascades` reads (:data:`CASCADE_FACT_COLUMNS`: the practice's id and start year, the
    id of the project it went through, else its event's project).

    Read with the SELECT queries of ``graphkit/queries/tables/``; :mod:`graphkit.graph.store` keeps
    the result of the bundled store next to it, so ``graphkit transfers`` need not ask again.
    """
    lists: dict[tuple[str, str], list[str]] = {}
    candidate_ids: dict[str, list[str]] = {}
    for transfer, kind, value, label in select_result(backend, "transfer-lists").records():
        if kind == "mechanism":
            shown = _text(label) or local_name(_text(value)).replace("_", " ")
        else:
            shown = _label(value, label)
            candidate_ids.setdefault(_id(transfer), []).append(_id(value))
        lists.setdefault((_id(transfer), str(kind)), []).append(shown)
    rows = []
    seen: set[object] = set()
    for row in select_result(backend, "transfer-facts").dicts():
        if row["transfer"] in seen:
            continue  # the first row of each transfer, as the query orders them
        seen.add(row["transfer"])
        transfer = _id(row["transfer"])
        # The project it went through, else its event's project: acronym, label or id.
        shown = "project" if _text(row["project"]) else "event_project"
        year = _year(row["date"])
        if year is None and _text(row["event"]):
            year = _year(row["event_date"])
        status = _text(row["status"])
        rows.append(
            {
                "transfer": transfer,
                "practice": _label(row["practice"], row["practice_label"]),
                "origin": _label(row["origin"], row["origin_label"]),
                "target": _label(row["target"], row["target_label"]),
                "candidates": "; ".join(sorted(lists.get((transfer, "candidate"), []))),
                "project": _text(row[f"{shown}_acronym"])
                or _text(row[f"{shown}_pref_label"])
                or _id(row[shown]),
                "event": _label(row["event"], row["event_label"]),
                "mechanism": ", ".join(sorted(lists.get((transfer, "mechanism"), []))),
                "roles": _roles(row["origin_role_label"], row["target_role_label"]),
                "direction": _text(row["direction_label"])
                or local_name(_text(row["direction"]) or "stated").replace("_", " "),
                "year": year,
                "status": _text(row["status_label"])
                or (local_name(status).replace("_", " ") if status else ""),
                "status_quote": _text(row["status_quote"]),
                "outcome": _text(row["outcome"]),
                "resulting_practice": _label(row["resulting"], row["resulting_label"]),
                "source": _text(row["source_id"]) or _id(row["source"]),
                "quote": _text(row["quote"]),
                "target_match": "",
                "origin_id": _id(row["origin"]),
                "target_id": _id(row["target"]),
                "candidate_ids": sorted(candidate_ids.get(transfer, [])),
                "project_ids": sorted({_id(row["project"]), _id(row["event_project"])} - {""}),
                "practice_ids": sorted({_id(row["practice"]), _id(row["resulting"])} - {""}),
                "practice_id": _id(row["practice"]),
                "practice_year": _year(row["practice_date"]),
                "project_id": _id(row[shown]),
            }
        )
    return rows


def _roles(origin_role: object, target_role: object) -> str:
    """The roles the source gives origin and target, e.g. "lead partner → partner"."""
    origin, target = _text(origin_role), _text(target_role)
    if not origin and not target:
        return ""
    return f"{origin or 'role not given'} → {target or 'role not given'}"


def _kilometres(distance: object) -> str:
    """A distance in whole km as "1,234 km"; "" where it is unknown."""
    number = _year_number(distance) if distance != "" else None
    return "" if number is None else f"{number:,} km"


def field_line(value: str, first: str, indent: str, width: int) -> str:
    """``first`` and ``value`` wrapped to ``width`` columns, later lines starting with
    ``indent``: a field of a text block (transfers, partners)."""
    if fits_as_is(value, width - len(first)):
        return first + value
    return textwrap.fill(
        value,
        width=width,
        initial_indent=first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    )


def transfers_text(table: pd.DataFrame | Iterable[dict[str, Any]], width: int = 100) -> str:
    """A :func:`transfers_table` (or the rows of :func:`transfer_records`) for reading in a
    terminal: one block per transfer.

    The first line of a block says what went where and when ("Integrationshaus: Vienna →
    Taranto, 2013"); the indented lines give candidates, project and event, mechanism, status,
    resulting practice, outcome, source, quote and id, wrapped to ``width`` columns.
    """
    rows = table.to_dict(orient="records") if hasattr(table, "to_dict") else list(table)
    if not rows:
        return "No transfer matches."
    count = len(rows)
    blocks = [f"{count} transfer{'' if count == 1 else 's'}"]
    for row in rows:
        year_number = _year_number(row["year"])
        year = "" if year_number is None else f", {year_number}"
        lines = [f"{row['practice']}: {row['origin']} → {row['target']}{year}"]
        inferred = row["direction"] not in ("", "stated")
        fields = {
            "candidates": f"one of {row['candidates']}" if row["candidates"] else "",
            "match": "a candidate target, not a named one"
            if row.get("target_match") == "candidate"
            else "",
            "through": " / ".join(filter(None, [row["project"], row["event"]])),
            "mechanism": row["mechanism"],
            "distance": _kilometres(row.get("distance_km")),
            "roles": row["roles"],
            "direction": f"{row['direction']}: the source gives roles, not who learnt from whom"
            if inferred
            else "",
            "status": row["status"],
            "evidence": f"“{row['status_quote']}”"
            if row["status_quote"] and row["status_quote"] != row["quote"]
            else "",
            "result": row["resulting_practice"],
            "outcome": row["outcome"],
            "source": row["source"],
            "quote": f"“{row['quote']}”" if row["quote"] else "",
            "id": row["transfer"],
        }
        indent = " " * (FIELD_WIDTH + 2)
        for name, value in fields.items():
            if value:
                first = f"  {name.ljust(FIELD_WIDTH)}"
                lines.append(field_line(value, first, indent, max(width, len(first) + 20)))
        blocks.append("\n".join(lines))
    return escape_controls("\n\n".join(blocks))


@dataclass(frozen=True)
class Hop:
    """One step of a route: from one node to the next, and what links them."""

    source: str
    source_label: str
    link: str
    target: str
    target_label: str
    forward: bool
    via: str
    year: int | None
    document: str

    def arrow(self) -> str:
        """The link drawn as an arrow: ``—partner in→`` forward, ``←lead partner—`` back."""
        return f"—{self.link}→" if self.forward else f"←{self.link}—"


@dataclass(frozen=True)
class Route:
    """A chain of transfers, or a connection through shared projects and events."""

    kind: str
    hops: tuple[Hop, ...]

    def text(self) -> str:
        """The route on one line: ``Košice —partner in→ ROMA-NET ←lead partner— Budapest``."""
        parts = [self.hops[0].source_label]
        for hop in self.hops:
            parts += [hop.arrow(), hop.target_label]
        return " ".join(parts)


@dataclass(frozen=True)
class Paths:
    """How one city is linked to another.

    ``kind`` is "transfers" (chains of practice transfers from ``origin`` to ``target``),
    "connections" (no chain; the shortest connections through shared projects and events) or
    "none".
    """

    origin: str
    target: str
    kind: str
    routes: tuple[Route, ...]

    def text(self) -> str:
        """The routes for reading, one numbered line each, under a sentence saying what they are."""
        if self.kind == "none":
            return (
                f"{self.origin} and {self.target} are linked neither by practice transfers nor "
                "through projects and events they took part in."
            )
        if self.kind == "transfers":
            heading = f"Chains of practice transfers from {self.origin} to {self.target}:"
        else:
            heading = (
                f"No chain of practice transfers leads from {self.origin} to {self.target}. "
                "Shortest connections through the projects and events they took part in:"
            )
        lines = [f"  {n}. {route.text()}" for n, route in enumerate(self.routes, start=1)]
        return escape_controls("\n".join([heading, *lines]))

    def frame(self) -> pd.DataFrame:
        """One row per hop: ``route``, ``hop``, ``kind``, ``from``, ``link``, ``to``,
        ``direction``, ``via`` (transfer or project/event id), ``year``, ``source`` and the
        route's ``explanation``."""
        import pandas as pd

        rows = [
            {
                "route": number,
                "hop": step,
                "kind": route.kind,
                "from": hop.source_label,
                "link": hop.link,
                "to": hop.target_label,
                "direction": "forward" if hop.forward else "backward",
                "via": hop.via,
                "year": hop.year,
                "source": hop.document,
                "explanation": route.text(),
            }
            for number, route in enumerate(self.routes, start=1)
            for step, hop in enumerate(route.hops, start=1)
        ]
        columns = ["route", "hop", "kind", "from", "link", "to", "direction", "via", "year"]
        frame = pd.DataFrame(rows, columns=[*columns, "source", "explanation"])
        frame["year"] = frame["year"].astype("Int64")
        return frame


def _transfer_hops(backend: Queryable) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The transfers leaving each city, by receiving city, as :func:`transfer_row_records`
    rows (kept beside the persistent store, else read), in the order in which
    :func:`_transfer_routes` tries them: transfers by id, each city's neighbours by their first
    transfer (the order of a networkx ``MultiDiGraph`` built transfer by transfer)."""
    leaving: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in sorted(_transfer_rows(backend), key=lambda row: row["transfer"]):
        if row["origin_id"] and row["target_id"]:
            leaving.setdefault(row["origin_id"], {}).setdefault(row["target_id"], []).append(row)
    return leaving


def _hops_to(leaving: dict[str, dict[str, list[dict[str, Any]]]], target: str) -> dict[str, int]:
    """The fewest transfers from each city to ``target`` (up to :data:`MAX_CHAIN_HOPS`),
    ignoring years: a bound that spares the search cities from which ``target`` is too far."""
    entering: dict[str, list[str]] = {}
    for origin, targets in leaving.items():
        for city in targets:
            entering.setdefault(city, []).append(origin)
    hops = {target: 0}
    frontier = [target]
    for step in range(1, MAX_CHAIN_HOPS + 1):
        frontier = [c for city in frontier for c in entering.get(city, ()) if c not in hops]
        for city in frontier:
            hops.setdefault(city, step)
    return hops


def _transfer_routes(backend: Queryable, origin: str, target: str) -> list[Route]:
    """The time-respecting chains of transfers from ``origin`` to ``target``, shortest first
    (then by their text; chains that read the same keep the order of networkx's
    ``all_simple_edge_paths``, which this search follows), at most :data:`MAX_ROUTES`."""
    leaving = _transfer_hops(backend)
    hops_to = _hops_to(leaving, target)
    far = MAX_CHAIN_HOPS + 1

    def chains(
        city: str,
        visited: frozenset[str],
        chain: tuple[dict[str, Any], ...],
        latest: int | None,
        left: int,
    ) -> Iterator[tuple[dict[str, Any], ...]]:
        """The chains of exactly ``left`` more transfers from ``city`` to ``target``."""
        for next_city, transfers in leaving.get(city, {}).items():
            if next_city in visited or hops_to.get(next_city, far) > left - 1:
                continue
            for row in transfers:
                year = _year_number(row["year"])
                if year is not None and latest is not None and year < latest:
                    continue  # a chain never goes back in time
                if next_city == target:
                    if left == 1:  # a chain ends at the target: it goes on through no other
                        yield (*chain, row)
                else:
                    yield from chains(
                        next_city,
                        visited | {next_city},
                        (*chain, row),
                        latest if year is None else year,
                        left - 1,
                    )

    routes: list[Route] = []
    for length in range(1, MAX_CHAIN_HOPS + 1):
        if hops_to.get(origin, far) > length:
            continue
        found = [
            Route("transfer chain", tuple(_transfer_hop(row) for row in chain))
            for chain in chains(origin, frozenset({origin}), (), None, length)
        ]
        routes.extend(sorted(found, key=Route.text))
        if len(routes) >= MAX_ROUTES:
            break  # every longer chain would come after these
    return routes[:MAX_ROUTES]


def _transfer_hop(row: dict[str, Any]) -> Hop:
    year = _year_number(row["year"])
    details = [_text(row["project"]), str(year or "")]
    shown = ", ".join(d for d in details if d)
    practice = _text(row["practice"])
    return Hop(
        source=row["origin_id"],
        source_label=_text(row["origin"]),
        link=f"{practice} ({shown})" if shown else practice,
        target=row["target_id"],
        target_label=_text(row["target"]),
        forward=True,
        via=row["transfer"],
        year=year,
        document=_text(row["source"]),
    )


PARTICIPATION_COLUMNS = [
    "actor",
    "actor_name",
    "actor_type",
    "group",
    "group_name",
    "group_label",
    "group_type",
    "group_year",
    "role",
    "source",
]


def participation_records(backend: Queryable) -> list[dict[str, Any]]:
    """Who took part in which project or event: the links of
    :func:`graphkit.analysis.network.actor_graph`, read with ``tables/participation.rq``.

    Returns:
        One mapping of :data:`PARTICIPATION_COLUMNS` per link and role: ``actor`` (a city,
        organisation or person) and ``group`` (a project or event) are ids; ``actor_name``
        its label, ``group_name`` a project's acronym or preferred label, an event's label;
        ``group_label`` its label (a project's too); ``actor_type`` and ``group_type`` the
        local names of their classes; ``group_year`` the year it started; ``role`` the role's
        label ("member" where a membership gives none); ``source`` the locator of the row's
        source.
    """
    rows = []
    for row in select_result(backend, "participation").dicts():
        group = _id(row["group"])
        project = _text(row["group_class"]) == GK_IRI + "Project"
        role = _text(row["role"])
        label = _label(row["group"], row["group_label"])
        rows.append(
            {
                "actor": _id(row["actor"]),
                "actor_name": _label(row["actor"], row["actor_label"]),
                "actor_type": local_name(_text(row["actor_class"])),
                "group": group,
                "group_name": _text(row["group_acronym"]) or _text(row["group_pref_label"]) or group
                if project
                else label,
                "group_label": label,
                "group_type": local_name(_text(row["group_class"])),
                "group_year": _year(row["group_date"]),
                "role": _text(row["role_label"])
                or (local_name(role).replace("_", " ") if role else "member"),
                "source": _text(row["source_id"]) or _id(row["source"]),
            }
        )
    return rows


def kept_participation(backend: Queryable) -> list[dict[str, Any]] | None:
    """:func:`participation_records` as kept beside the persistent store ``backend`` when it
    was built; ``None`` where nothing is kept (an endpoint, an rdflib graph)."""
    return _kept_rows(backend, "participation", PARTICIPATION_COLUMNS)


@dataclass(frozen=True)
class _Participation:
    """:func:`participation_records` as a bipartite graph: the neighbours of every actor,
    project and event (sorted ids, the order of networkx's ``actor_graph``), each link's roles
    and sources by (actor, group), the names of all and the years of projects and events."""

    neighbours: dict[str, list[str]]
    links: dict[tuple[str, str], tuple[set[str], set[str]]]
    names: dict[str, str]
    actors: set[str]
    years: dict[str, int | None]

    @classmethod
    def of(cls, backend: Queryable) -> _Participation:
        """The participation of ``backend``, as kept beside the persistent store, else read."""
        rows = kept_participation(backend)
        if rows is None:
            rows = participation_records(backend)
        links: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
        names: dict[str, str] = {}
        actors: set[str] = set()
        years: dict[str, int | None] = {}
        for row in rows:
            actor, group = row["actor"], row["group"]
            roles, sources = links.setdefault((actor, group), (set(), set()))
            roles.add(row["role"])
            sources.add(row["source"])
            names[actor], names[group] = row["actor_name"], row["group_name"]
            actors.add(actor)
            years[group] = _year_number(row["group_year"])
        neighbours: dict[str, list[str]] = {}
        for actor, group in sorted(links):
            neighbours.setdefault(actor, []).append(group)
            neighbours.setdefault(group, []).append(actor)
        return cls(neighbours, links, names, actors, years)


def _shortest_paths(
    neighbours: dict[str, list[str]], origin: str, target: str
) -> Iterator[list[str]]:
    """Every shortest path from ``origin`` to ``target``, in the order of networkx's
    ``all_shortest_paths`` (a breadth-first search recording each node's predecessors, then
    the paths walked back from the target)."""
    level = {origin: 0}
    before: dict[str, list[str]] = {origin: []}
    frontier = [origin]
    depth = 0
    while frontier and target not in level:
        depth += 1
        reached = []
        for node in frontier:
            for other in neighbours.get(node, ()):
                if other not in level:
                    level[other] = depth
                    before[other] = [node]
                    reached.append(other)
                elif level[other] == depth:
                    before[other].append(node)
        frontier = reached
    if target not in level:
        return
    seen = {target}
    stack = [[target, 0]]
    top = 0
    while top >= 0:
        node, i = stack[top]
        if node == origin:
            yield [n for n, _ in reversed(stack[: top + 1])]
        if len(before[node]) > i:
            stack[top][1] = i + 1
            previous = before[node][i]
            if previous in seen:
                continue
            seen.add(previous)
            top += 1
            if top == len(stack):
                stack.append([previous, 0])
            else:
                stack[top][:] = [previous, 0]
        else:
            seen.discard(node)
            top -= 1


def _connection_routes(backend: Queryable, origin: str, target: str) -> list[Route]:
    """Up to :data:`MAX_CONNECTIONS` shortest connections from ``origin`` to ``target``
    through the projects and events they (and the actors between them) took part in."""
    taking_part = _Participation.of(backend)
    if origin not in taking_part.names or target not in taking_part.names:
        return []
    routes = []
    for path in islice(_shortest_paths(taking_part.neighbours, origin, target), MAX_CONNECTIONS):
        hops = []
        for u, v in pairwise(path):
            forward = u in taking_part.actors
            group = v if forward else u
            roles, sources = taking_part.links[(u, v) if forward else (v, u)]
            shown = " / ".join(sorted(roles))
            hops.append(
                Hop(
                    source=u,
                    source_label=taking_part.names[u],
                    link=f"{shown} in" if forward else shown,
                    target=v,
                    target_label=taking_part.names[v],
                    forward=forward,
                    via=group,
                    year=taking_part.years[group],
                    document="; ".join(sorted(filter(None, sources))),
                )
            )
        routes.append(Route("shared project", tuple(hops)))
    routes.sort(key=Route.text)
    return routes


def _short_name(backend: Queryable, city: str) -> str:
    """A city's acronym if it has one, else its preferred label, else its id."""
    rows = select_result(backend, "short-name", {"entity": ox.NamedNode(GKR_IRI + city)})
    for _, acronym, pref_label in rows.records():
        return _text(acronym) or _text(pref_label) or city
    return city


def transfer_paths(graph: Queryable, origin: str, target: str) -> Paths:
    """How practices could have travelled from one city to another.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`, a store or an endpoint
            (:mod:`graphkit.sparql.backends`). Only the rows the search needs are read, with
            SELECT queries of ``graphkit/queries/tables/``; the search runs on plain mappings.
        origin, target: city names (id or any name).

    Returns:
        The chains of transfers from ``origin`` to ``target`` (at most six hops; the years
        of a chain's transfers, where known, never go back in time), shortest first; if there
        are none, up to five shortest connections through projects and events both cities
        (and the actors between them) took part in, e.g.
        "Košice —partner in→ ROMA-NET ←lead partner— Budapest".

    Raises:
        graphkit.errors.UnknownNameError: a city name matches nothing.
        ValueError: origin and target are the same city.
    """
    backend = as_backend(graph)
    cities = name_index(backend, [GK_IRI + "City"], "city")
    origin_id = entity_id(cities.resolve_iri(origin))
    target_id = entity_id(cities.resolve_iri(target))
    if origin_id == target_id:
        raise ValueError(f"{origin!r} and {target!r} are the same city; give two cities.")
    names = (_short_name(backend, origin_id), _short_name(backend, target_id))
    routes = _transfer_routes(backend, origin_id, target_id)
    if routes:
        return Paths(*names, "transfers", tuple(routes))
    routes = _connection_routes(backend, origin_id, target_id)
    return Paths(*names, "connections" if routes else "none", tuple(routes))


def cascades(graph: Queryable) -> pd.DataFrame:
    """Practice adoption cascades, one row per (practice, adopting city).

    A practice's origin city adopts it first (``year`` = the practice's start, if known; no
    source city); each transfer adds its receiving city (``year`` = the transfer's year) with
    the transferring city as ``source_city``. An unnamed group of receiving cities is one
    "city" (``city_id`` ``<transfer-id>/targets``, ``city`` e.g. "4 unnamed cities").

    This is the long format of R's NetworkInference: ``practice_id`` is the cascade, ``city_id``
    the node and ``year`` the event time. Dropping the rows without a year drops the origins
    the sources do not date; ``docs/recipes/cascades.R`` keeps them (with an ``event_time``
    for ``as_cascade_long``) and gives each adopter its generation.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`, a store or an endpoint
            (:mod:`graphkit.sparql.backends`). The transfers are read as plain rows (kept
            beside the persistent store, else with the SELECT queries of
            ``graphkit/queries/tables/``), like :func:`transfer_records`.

    Returns:
        Columns ``practice_id``, ``practice``, ``city_id``, ``city``, ``year`` (nullable
        integer), ``source_city_id``, ``source_city``, ``project_id``, ``project`` and
        ``transfer``, sorted by practice, then the origin, then the receiving cities by year
        (unknown last).
    """
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for row in _cascade_edges(as_backend(graph)):
        practice_id, origin, target = _text(row["practice_id"]), row["origin_id"], row["target_id"]
        common = {
            "practice_id": practice_id,
            "practice": _text(row["practice"]),
            "project_id": _text(row["project_id"]),
            "project": _text(row["project"]),
        }
        # A practice's origin is the origin city of the first transfer of it that is walked.
        rows.setdefault(
            (practice_id, origin),
            {
                **common,
                "city_id": origin,
                "city": _text(row["origin"]),
                "year": _year_number(row["practice_year"]),
                "source_city_id": "",
                "source_city": "",
                "transfer": "",
            },
        )
        rows[(practice_id, target)] = {
            **common,
            "city_id": target,
            "city": _text(row["target"]),
            "year": _year_number(row["year"]),
            "source_city_id": origin,
            "source_city": _text(row["origin"]),
            "transfer": row["transfer"],
        }
    return cascade_frame(rows.values())


def cascade_frame(rows: Iterable[dict[str, object]]) -> pd.DataFrame:
    """The rows of :func:`cascades` (one mapping per practice and adopting city) as its table,
    in its order: by practice, the origin (no transfer) first whatever its year, then the
    adopters by year (unknown last) and city id."""
    import pandas as pd

    table = pd.DataFrame(list(rows), columns=CASCADE_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    order = table.assign(adopter=table["transfer"] != "")
    order = order.sort_values(
        ["practice_id", "adopter", "year", "city_id"], na_position="last", kind="stable"
    )
    return table.loc[order.index].reset_index(drop=True)


def _cascade_edges(backend: Queryable) -> Iterator[dict[str, Any]]:
    """The :func:`transfer_row_records` rows in the order in which :func:`cascades` walks
    them: the order of the edges of a networkx ``MultiDiGraph`` built transfer by transfer (in
    order of id), adding origin and target: by origin city (in order of the cities' first
    appearance, as origin or target), then by target (in order of its first transfer from that
    origin), then by transfer id."""
    cities: dict[str, None] = {}
    leaving: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in sorted(_transfer_rows(backend), key=lambda row: row["transfer"]):
        cities.setdefault(row["origin_id"])
        cities.setdefault(row["target_id"])
        leaving.setdefault(row["origin_id"], {}).setdefault(row["target_id"], []).append(row)
    for city in cities:
        for transfers in leaving.get(city, {}).values():
            yield from transfers
