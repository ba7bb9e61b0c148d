"""Cities' GeoNames identity, coordinates, region and population: read, checked, built into the
graph, and read back by ``city_places``; distances between cities."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, XSD

from graphkit.analysis.geo import EARTH_RADIUS_KM, city_places, distance_km
from graphkit.cli import main
from graphkit.data.load import LoadError, load_datasets
from graphkit.errors import DatasetError
from graphkit.graph.namespaces import GEO, GK, GKR
from tests.helpers import bundled_csv

GEO_HEADER = (
    "geonames_id,latitude,longitude,region,region_code,population,population_as_of,"
    "population_source"
)


def errors_of(folder: Path) -> list[LoadError]:
    with pytest.raises(DatasetError) as caught:
        load_datasets([folder])
    return caught.value.errors


def with_geonames_columns(folder: Path, kosice: str) -> None:
    """Give the fixture's cities.csv the GeoNames columns, with ``kosice`` as Košice's cells."""
    path = folder / "cities.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    at = header.index("country") + 1
    header[at:at] = GEO_HEADER.split(",")
    for row in rows:
        cells = kosice if row[0] == "kosice" else ",,,,,,,"
        row[at:at] = cells.split(",")
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])


def test_a_folder_without_the_geonames_columns_loads_them_empty(mini_dir: Path) -> None:
    cities = load_datasets([mini_dir]).tables["cities"]
    assert set(cities["geonames_id"]) == {""}
    assert set(cities["latitude"]) == {""}


def test_geonames_columns_are_read_and_built(mini_copy: Path) -> None:
    with_geonames_columns(
        mini_copy, "724443,48.71441,21.25802,Košice Region,SK.03,225044,2021,GeoNames cities500"
    )
    dataset = load_datasets([mini_copy])
    row = dataset.tables["cities"].set_index("id").loc["kosice"]
    assert (row["geonames_id"], row["latitude"], row["region_code"]) == (
        "724443",
        "48.71441",
        "SK.03",
    )
    from graphkit.graph.build import build_graph

    graph = build_graph(dataset)
    kosice = GKR["kosice"]
    assert (kosice, OWL.sameAs, URIRef("https://sws.geonames.org/724443/")) in graph
    assert (kosice, GEO.lat, Literal("48.71441", datatype=XSD.decimal)) in graph
    figure = graph.value(kosice, GK.population)
    assert graph.value(figure, GK.value) == Literal("225044", datatype=XSD.integer)
    assert graph.value(figure, GK.asOf) == Literal("2021", datatype=XSD.gYear)
    assert str(graph.value(figure, DCTERMS.bibliographicCitation)) == "GeoNames cities500"
    assert graph.value(figure, PROV.wasDerivedFrom) == URIRef("https://sws.geonames.org/724443/")
    places = city_places(graph).set_index("id")
    assert places.loc["kosice", "population_year"] == 2021
    assert places.loc["kosice", "region"] == "Košice Region"
    assert places.loc["taranto", "population"] is None
    assert math.isnan(places.loc["taranto", "latitude"])


@pytest.mark.parametrize(
    ("cells", "column", "rule", "value"),
    [
        ("72444x,48.7,21.2,,,,,", "geonames_id", "geonames-id", "72444x"),
        ("724443,95.5,21.2,,,,,", "latitude", "coordinate", "95.5"),
        ("724443,48.7,-181,,,,,", "longitude", "coordinate", "-181"),
        ("724443,48.7,,,,,,", "longitude", "coordinate", ""),
        ("724443,48.7,21.2,,HU.03,,,", "region_code", "region-code", "HU.03"),
        ("724443,48.7,21.2,,03,,,", "region_code", "region-code", "03"),
        ("724443,48.7,21.2,,,225044,,", "population_source", "population-source", ""),
        ("724443,48.7,21.2,,,,2021,", "population", "population-source", ""),
        (",,,,,225044,,GeoNames", "population", "population-source", "225044"),
        ("724443,48.7,21.2,,,2.5e5,,GeoNames", "population", "number", "2.5e5"),
    ],
)
def test_a_bad_geonames_cell_is_named_by_file_line_and_column(
    mini_copy: Path, cells: str, column: str, rule: str, value: str
) -> None:
    with_geonames_columns(mini_copy, cells)
    errors = [e for e in errors_of(mini_copy) if e.rule == rule]
    assert [(Path(e.file).name, e.line, e.column, e.value) for e in errors] == [
        ("cities.csv", 2, column, value)
    ]
    assert str(errors[0]).startswith(f"{errors[0].file}:2:{column}: [{rule}]")


def test_every_bundled_city_has_its_csv_place_in_city_places(bundled_graph) -> None:
    cities = bundled_csv("cities")
    codes = dict(bundled_csv("countries")[["id", "iso_code"]].values)
    places = city_places(bundled_graph).set_index("id")
    assert set(places.index) == set(cities["id"])
    for row in cities.itertuples():
        place = places.loc[row.id]
        assert place["country_code"] == codes[row.country]
        assert place["geonames_id"] == (row.geonames_id or None)
        assert place["region"] == (row.region or None)
        assert place["population"] == (int(row.population) if row.population else None)
        if row.latitude:
            assert (place["latitude"], place["longitude"]) == (
                float(row.latitude),
                float(row.longitude),
            )
        else:
            assert math.isnan(place["latitude"])


def test_a_curated_population_stays_beside_the_geonames_figure(bundled_graph) -> None:
    quantities = bundled_csv("quantities")
    curated = quantities.loc[
        (quantities["measure"] == "inhabitants") & (quantities["subject"] == "rubano")
    ]
    assert len(curated) == 1
    cities = bundled_csv("cities").set_index("id")
    rubano = GKR["rubano"]
    figure = bundled_graph.value(rubano, GK.population)
    assert int(bundled_graph.value(figure, GK.value)) == int(cities.loc["rubano", "population"])
    quantity = GKR[curated["id"].iloc[0]]
    assert bundled_graph.value(quantity, GK.quantityOf) == rubano
    assert float(bundled_graph.value(quantity, GK.value)) == float(curated["value"].iloc[0])
    assert quantity != figure


def test_cities_without_a_geonames_id_say_why_in_their_note() -> None:
    cities = bundled_csv("cities")
    without = cities.loc[cities["geonames_id"] == ""]
    assert len(without) <= 0.05 * len(cities)
    for row in without.itertuples():
        assert "No GeoNames id" in row.note, row.id


@pytest.mark.parametrize("name", ["Warszawa", "Bruxelles", "Wien"])
def test_transfers_find_a_city_by_its_local_name(name: str, cli_uses_bundled_graph) -> None:
    cities = bundled_csv("cities")
    local = cities.loc[cities["local_names"].str.contains(name)]
    english = local["name"].iloc[0]
    by_local = CliRunner().invoke(main, ["transfers", "--to", name, "--format", "csv"])
    by_english = CliRunner().invoke(main, ["transfers", "--to", english, "--format", "csv"])
    assert by_local.exit_code == 0, by_local.output
    assert by_local.stdout == by_english.stdout


def test_distance_is_zero_to_itself_symmetric_and_a_quarter_meridian_from_pole_to_equator():
    assert distance_km(47.4979, 19.0402, 47.4979, 19.0402) == 0.0
    there = distance_km(47.4979, 19.0402, 48.2085, 16.3721)
    assert there == distance_km(48.2085, 16.3721, 47.4979, 19.0402)
    assert distance_km(0, 0, 90, 0) == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM)
    assert distance_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)
