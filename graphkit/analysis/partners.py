"""Partner cities: which cities a city could learn from, and why.

:func:`partner_cities` ranks the other cities of the graph for one city (the *learner*) by a
weighted sum of six signals, each between 0 and 1, and says each reason in words:

============  =====================================================================  ======
weight        signal                                                                 default
============  =====================================================================  ======
``practices`` practices the peer developed on the themes the learner works on:         1.0
              ``n / (n + 1)`` for ``n`` such practices
``travelled`` how often those practices already travelled to other cities (a sign      0.5
              they can be transferred): ``t / (t + 1)`` for ``t`` transfers
``size``      comparable population: ``exp(-|ln(peer / learner)|)``, 1 for the same     0.5
              size, 0.5 for twice or half the size; 0 when a population is unknown
``distance``  nearness: ``exp(-km / 1000)``, 0.37 at 1,000 km; 0 when unplaced           0.3
``shared``    projects and networks both are members of already: ``s / (s + 1)``       0.5
``learnt``    the learner already learnt from the peer (a transfer from it): 1 or 0     0.3
============  =====================================================================  ======

The themes a city works on are those of the practices it developed, of the transfers it sent
or received (and their practices) and of the projects it is a member of. Any weight can be
changed (``weights={"distance": 0}``; a negative ``learnt`` favours new partners). INTEGRA's
lessons advise learning from cities "comparable in size and challenges"; the signals follow
that advice and what the graph records, and are a starting point for a researcher's judgement,
not a verdict.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

import pandas as pd
from rdflib import URIRef

from graphkit.analysis.names import entity_id, name_index
from graphkit.analysis.transfers import field_line, transfer_rows
from graphkit.errors import GraphkitError
from graphkit.graph.namespaces import GK
from graphkit.sparql.backends import Queryable, as_backend, select_table

DEFAULT_WEIGHTS: dict[str, float] = {
    "practices": 1.0,
    "travelled": 0.5,
    "size": 0.5,
    "distance": 0.3,
    "shared": 0.5,
    "learnt": 0.3,
}
DISTANCE_SCALE_KM = 1000.0
PARTNER_COLUMNS = [
    "rank",
    "city",
    "id",
    "score",
    "reasons",
    "practices",
    "practice_names",
    "travelled",
    "population",
    "population_ratio",
    "distance_km",
    "shared",
    "shared_names",
    "learnt",
]
SHOWN_NAMES = 3


def parse_weights(pairs: list[str] | tuple[str, ...]) -> dict[str, float]:
    """``["distance=0.5", "learnt=-1"]`` as a weight mapping; raises GraphkitError naming the
    bad pair and the known weights."""
    weights = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        name = name.strip()
        if name not in DEFAULT_WEIGHTS:
            raise GraphkitError(
                f"Unknown weight {name!r} in {pair!r}; the weights are "
                f"{', '.join(DEFAULT_WEIGHTS)} (e.g. --weight distance=0.5)."
            )
        try:
            weights[name] = float(value)
        except ValueError:
            raise GraphkitError(
                f"The weight {pair!r} needs a number after '=', e.g. {name}=0.5."
            ) from None
        if not math.isfinite(weights[name]):
            raise GraphkitError(f"The weight {pair!r} must be a finite number.")
    return weights


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _id(value: object) -> str:
    return entity_id(URIRef(_text(value))) if _text(value) else ""


def _saturating(count: int) -> float:
    return count / (count + 1)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + (f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def partner_cities(
    graph: Queryable,
    city: str,
    *,
    theme: str | None = None,
    top: int | None = 10,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The cities ``city`` could learn from, best first, each with its score and reasons.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph`, a store or an endpoint.
        city: the learner: an id or any name ("Timisoara", "Temeswar").
        theme: only this theme (or a narrower one): the learner's themes become this one, and
            only practices on it count.
        top: how many cities to return (``None``: all candidates).
        weights: changes to :data:`DEFAULT_WEIGHTS` (see the module's table).

    Returns:
        One row per candidate: a city that has practices, sent transfers, or shares a project or
        network with the learner. Columns :data:`PARTNER_COLUMNS`: ``rank``, ``city``, ``id``,
        ``score`` (rounded to 3 decimals), ``reasons`` (in words, "; "-separated),
        ``practices`` (how many on the learner's themes) and ``practice_names``, ``travelled``
        (their transfers to other cities), ``population``, ``population_ratio`` (peer / learner),
        ``distance_km``, ``shared`` and ``shared_names`` (projects and networks of both),
        ``learnt`` (transfers from the peer to the learner). Sorted by score, then name.

    Raises:
        graphkit.errors.UnknownNameError: no city has that name (the closest names are given).
        graphkit.errors.GraphkitError: an unknown weight.
    """
    from graphkit.analysis.geo import city_places, distance_km

    unknown = set(weights or {}) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise GraphkitError(
            f"Unknown weight(s) {', '.join(sorted(unknown))}; the weights are "
            f"{', '.join(DEFAULT_WEIGHTS)}."
        )
    weight = {**DEFAULT_WEIGHTS, **(weights or {})}
    backend = as_backend(graph)
    learner = entity_id(name_index(backend, [GK.City], "city").resolve(city))

    themes_of_city: dict[str, set[str]] = {}
    for row in select_table(backend, "city-themes").to_dict("records"):
        themes_of_city.setdefault(_id(row["city"]), set()).add(_id(row["theme"]))
    wanted = themes_of_city.get(learner, set())
    if theme:
        root = name_index(backend, [GK.Theme], "theme").resolve(theme)
        narrower = select_table(backend, "narrower-themes", {"root": root})
        wanted = {_id(t) for t in narrower["theme"]}

    practices = select_table(backend, "practice-origins")
    practice_label: dict[str, str] = {}
    practice_origin: dict[str, str] = {}
    practice_themes: dict[str, set[str]] = {}
    theme_label: dict[str, str] = {}
    for row in practices.to_dict("records"):
        practice = _id(row["practice"])
        practice_label[practice] = _text(row["practice_label"]) or practice
        practice_origin[practice] = _id(row["origin"])
        if _text(row["theme"]):
            practice_themes.setdefault(practice, set()).add(_id(row["theme"]))
            theme_label.setdefault(_id(row["theme"]), _text(row["theme_label"]))

    transfers = transfer_rows(backend)
    travelled: Counter[str] = Counter()
    statuses: dict[str, Counter[str]] = {}
    learnt: Counter[str] = Counter()
    senders: set[str] = set()
    for row in transfers.to_dict("records"):
        senders.add(row["origin_id"])
        if row["target_id"] == learner:
            learnt[row["origin_id"]] += 1
            continue
        for practice in row["practice_ids"]:
            travelled[practice] += 1
            statuses.setdefault(practice, Counter())[_text(row["status"]) or "status unknown"] += 1

    groups: dict[str, dict[str, str]] = {}
    for row in select_table(backend, "city-groups").to_dict("records"):
        name = _text(row["group_acronym"]) or _text(row["group_label"]) or _id(row["group"])
        groups.setdefault(_id(row["city"]), {})[_id(row["group"])] = name
    own_groups = groups.get(learner, {})

    places = city_places(backend).drop_duplicates("id").set_index("id")

    def place(city_id: str, column: str) -> float | None:
        if city_id not in places.index:
            return None
        value = places.at[city_id, column]
        return None if pd.isna(value) else float(value)

    learner_label = str(places.at[learner, "label"]) if learner in places.index else learner
    learner_population = place(learner, "population")
    learner_point = (place(learner, "latitude"), place(learner, "longitude"))

    relevant_by_peer: dict[str, list[str]] = {}
    any_practice: set[str] = set()
    for practice, origin in practice_origin.items():
        any_practice.add(origin)
        if practice_themes.get(practice, set()) & wanted:
            relevant_by_peer.setdefault(origin, []).append(practice)
    candidates = any_practice | senders | {c for c, g in groups.items() if set(g) & set(own_groups)}
    candidates &= set(places.index)
    candidates.discard(learner)

    rows = []
    for peer in candidates:
        label = str(places.at[peer, "label"])
        reasons = []
        relevant = sorted(
            relevant_by_peer.get(peer, []), key=lambda p: practice_label[p].casefold()
        )
        moved = sum(travelled[p] for p in relevant)
        if relevant:
            shared_themes = sorted(
                {theme_label.get(t) or t for p in relevant for t in practice_themes[p] & wanted},
                key=str.casefold,
            )
            status_counts: Counter[str] = Counter()
            for p in relevant:
                status_counts.update(statuses.get(p, Counter()))
            times = "once" if moved == 1 else f"{moved} times"
            travel = (
                f"travelled {times} to other cities ("
                + ", ".join(f"{n} {s}" for s, n in status_counts.most_common())
                + ")"
                if moved
                else "not yet travelled to another city"
            )
            reasons.append(
                f"{_plural(len(relevant), 'practice')} on {_names(shared_themes)}: "
                f"{_names([practice_label[p] for p in relevant])} — {travel}"
            )
        population = place(peer, "population")
        ratio = population / learner_population if population and learner_population else None
        if ratio is not None:
            reasons.append(
                f"population {population:,.0f}, {ratio:.2g}× {learner_label}'s"
                if abs(math.log(ratio)) > 0.05
                else f"population {population:,.0f}, about {learner_label}'s"
            )
        point = (place(peer, "latitude"), place(peer, "longitude"))
        km = (
            float(distance_km(*learner_point, *point))
            if None not in learner_point and None not in point
            else None
        )
        if ratio is None:
            reasons.append("size not compared (a population is not known)")
        if km is not None:
            reasons.append(f"{km:,.0f} km away")
        else:
            reasons.append("distance not known (a city has no coordinates)")
        common = sorted(
            (own_groups[g] for g in set(groups.get(peer, {})) & set(own_groups)), key=str.casefold
        )
        if common:
            reasons.append(f"already together in {_names(common)}")
        if learnt[peer]:
            reasons.append(
                f"{learner_label} already learnt from it ({_plural(learnt[peer], 'transfer')})"
            )
        signals = {
            "practices": _saturating(len(relevant)),
            "travelled": _saturating(moved),
            "size": math.exp(-abs(math.log(ratio))) if ratio else 0.0,
            "distance": math.exp(-km / DISTANCE_SCALE_KM) if km is not None else 0.0,
            "shared": _saturating(len(common)),
            "learnt": 1.0 if learnt[peer] else 0.0,
        }
        rows.append(
            {
                "city": label,
                "id": peer,
                "score": round(sum(weight[k] * v for k, v in signals.items()), 3),
                "reasons": "; ".join(reasons),
                "practices": len(relevant),
                "practice_names": "; ".join(practice_label[p] for p in relevant),
                "travelled": moved,
                "population": population,
                "population_ratio": None if ratio is None else round(ratio, 3),
                "distance_km": None if km is None else round(km),
                "shared": len(common),
                "shared_names": "; ".join(common),
                "learnt": learnt[peer],
            }
        )
    table = pd.DataFrame(rows, columns=[c for c in PARTNER_COLUMNS if c != "rank"])
    if theme:
        table = table[table["practices"] > 0]
    table = table.sort_values(
        ["score", "city"], ascending=[False, True], key=_casefold_text, ignore_index=True
    )
    if top is not None:
        table = table.head(top)
    table.insert(0, "rank", range(1, len(table) + 1))
    for column in ("population", "distance_km"):
        table[column] = table[column].astype("Int64")
    table.attrs["city"] = learner_label
    return table


def _casefold_text(column: pd.Series) -> pd.Series:
    return column.str.casefold() if column.dtype == object else column


def partners_text(table: pd.DataFrame, city: str, width: int = 100) -> str:
    """A :func:`partner_cities` table for reading: one block per city with its reasons, wrapped
    to ``width`` columns; ``city`` names the learner where the table does not (its
    ``attrs["city"]``)."""
    city = str(table.attrs.get("city", city))
    if table.empty:
        return f"No city to suggest for {city}: no other city has practices on its themes."
    lines = [
        f"Cities {city} could learn from (score: higher is closer; see 'graphkit partners --help')"
    ]
    for row in table.to_dict("records"):
        lines.append(f"{row['rank']:>2}. {row['city']}  score {row['score']:.2f}")
        for reason in str(row["reasons"]).split("; "):
            if reason:
                lines.append(field_line(reason, "      - ", " " * 8, max(width, 40)))
    return "\n".join(lines)
