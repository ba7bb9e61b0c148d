"""Where the cities lie: their GeoNames identity, coordinates, region and population.

- :func:`city_places`: one row per city with its WGS84 coordinates, ISO country code, first-level
  region and GeoNames population (the bundled query ``graphkit/queries/city-places.rq``);
- :func:`distance_km`: the great-circle distance between two points (haversine formula).

The coordinates and populations come from GeoNames' cities500 extract (see
``datasets/README.md``); cities that GeoNames does not hold have empty cells.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

from graphkit.analysis.names import entity_id
from graphkit.sparql.backends import Backend, Queryable, select_result

if TYPE_CHECKING:  # pandas is imported where a table is made, not on distance-only paths
    import pandas as pd

# The mean radius of the Earth (IUGG), in kilometres: the sphere the haversine formula assumes.
EARTH_RADIUS_KM = 6371.0088

PLACE_COLUMNS = [
    "city",
    "id",
    "label",
    "latitude",
    "longitude",
    "country_code",
    "region",
    "population",
    "population_year",
    "geonames_id",
]


class HasBackend(Protocol):
    """Anything that holds a backend, such as :class:`graphkit.KnowledgeGraph`."""

    @property
    def backend(self) -> Backend: ...


def _queryable(graph: Queryable | HasBackend) -> Queryable:
    backend = getattr(graph, "backend", None)
    return backend if isinstance(backend, Backend) else graph  # type: ignore[return-value]


def city_places(graph: Queryable | HasBackend) -> pd.DataFrame:
    """Every city of ``graph`` with where it lies and how big it is, by the bundled query
    ``city-places``.

    Args:
        graph: an rdflib graph, a pyoxigraph store, a backend (see
            :mod:`graphkit.sparql.backends`) or a :class:`graphkit.KnowledgeGraph`.

    Returns:
        One row per city, sorted by label, with the columns ``city`` (IRI), ``id`` (dataset
        id), ``label``, ``latitude`` and ``longitude`` (WGS84 degrees, floats; NaN where
        unknown), ``country_code`` (ISO 3166-1 alpha-2), ``region`` (GeoNames first-level
        region), ``population`` and ``population_year`` (ints, None where unknown: GeoNames
        gives no year) and ``geonames_id`` (text, None where the city has none).
    """
    import pandas as pd

    from graphkit.analysis.query import run_query

    frame = run_query("city-places", None, _queryable(graph), max_rows=None).frame()
    frame = frame.reindex(columns=PLACE_COLUMNS)

    def objects(values: list[object]) -> pd.Series:
        return pd.Series(values, index=frame.index, dtype=object)

    places = pd.DataFrame(
        {
            "city": frame["city"].astype(str),
            "id": frame["id"].astype(str),
            "label": frame["label"].astype(str),
            "latitude": pd.to_numeric(frame["latitude"], errors="coerce").astype(float),
            "longitude": pd.to_numeric(frame["longitude"], errors="coerce").astype(float),
            "country_code": frame["country_code"].astype(str),
            "region": objects([_text_or_none(v) for v in frame["region"]]),
            "population": objects([_int_or_none(v) for v in frame["population"]]),
            "population_year": objects([_int_or_none(v) for v in frame["population_year"]]),
            "geonames_id": objects([_text_or_none(v) for v in frame["geonames_id"]]),
        }
    )
    return places.reset_index(drop=True)


def city_points(graph: Queryable | HasBackend) -> dict[str, tuple[float, float]]:
    """City id -> (latitude, longitude) for every city with coordinates, read as plain rows
    (no pandas: what distance filters and columns need)."""
    return {
        entity_id(str(city)): (float(latitude), float(longitude))  # type: ignore[arg-type]
        for city, latitude, longitude in select_result(_queryable(graph), "city-points").records()
    }


def _missing(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or type(value).__name__ == "NAType"
    )


def _text_or_none(value: object) -> str | None:
    return None if _missing(value) or str(value) == "" else str(value)


def _int_or_none(value: object) -> int | None:
    return None if _missing(value) or str(value) == "" else int(float(str(value)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two WGS84 points, in kilometres.

    Uses the haversine formula on a sphere of the Earth's mean radius (6,371.0088 km): accurate
    to about 0.5% (the Earth is not a sphere), plenty to compare cities' distances.

    Args:
        lat1, lon1: the first point's latitude and longitude, in decimal degrees.
        lat2, lon2: the second point's latitude and longitude, in decimal degrees.

    Returns:
        The distance in km (0.0 for the same point).
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
