"""`graphkit transfers` as a researcher runs it."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from graphkit.cli import main
from tests.conftest import CHAINS_DIR
from tests.helpers import bundled_csv, city_names


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_transfers_on_the_bundled_data_lists_every_transfer_readably() -> None:
    rows = bundled_csv("transfers")
    result = run("transfers")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{len(rows)} transfers\n")
    for transfer in rows["id"]:
        assert f"  id          {transfer}\n" in result.stdout
    assert "Integrationshaus: Vienna → Taranto, 2013" in result.stdout
    assert "  result      Casa MiStra" in result.stdout
    assert "Toulouse → 4 unnamed cities, 2019" in result.stdout
    assert "  source      004_cfd5e90651955d47.txt" in result.stdout
    unnamed = rows.loc[rows["target_candidates"] != ""].iloc[0]
    candidates = sorted(city_names(c.strip() for c in unnamed["target_candidates"].split(";")))
    assert f"one of {'; '.join(candidates)}" in result.stdout
    inferred = rows.loc[rows["direction"] == "inferred_from_roles", "id"]
    assert result.stdout.count("inferred from roles: the source gives roles") == len(inferred)


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_from_wien_to_taranto_as_csv_gives_one_row_with_its_source() -> None:
    result = run("transfers", "--from", "Wien", "--to", "TARANTO", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["practice"], row["origin"], row["target"]) == (
        "Integrationshaus",
        "Vienna",
        "Taranto",
    )
    assert (row["project"], row["resulting_practice"], row["year"]) == (
        "MiStra",
        "Casa MiStra",
        "2013",
    )
    assert row["source"] == "004_cfd5e90651955d47.txt"


def _items(cell: str) -> set[str]:
    return {item.strip() for item in cell.split(";") if item.strip()}


def _transfers_with_theme(theme: str) -> set[str]:
    """Transfers whose own themes, or their practice's, include ``theme`` or a narrower one."""
    themes = bundled_csv("themes")
    wanted, grew = {theme}, True
    while grew:
        narrower = set(themes.loc[themes["broader"].isin(wanted), "id"])
        grew = not narrower <= wanted
        wanted |= narrower
    practices = bundled_csv("practices")
    themed = {
        p for p, t in zip(practices["id"], practices["themes"], strict=True) if wanted & _items(t)
    }
    rows = bundled_csv("transfers")
    return {
        row["id"]
        for row in rows.to_dict("records")
        if wanted & _items(row["themes"]) or {row["practice"], row["resulting_practice"]} & themed
    }


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_project_and_theme_filters_as_json() -> None:
    rows = bundled_csv("transfers")
    mistra = json.loads(run("transfers", "--project", "mistra", "--format", "json").stdout)
    events = bundled_csv("events")
    mistra_events = set(events.loc[events["project"] == "mistra", "id"])
    expected = rows.loc[(rows["project"] == "mistra") | rows["event"].isin(mistra_events)]
    assert sorted(r["origin"] for r in mistra) == sorted(city_names(expected["origin_city"]))
    housing = json.loads(run("transfers", "--theme", "Housing", "--format", "json").stdout)
    assert {r["transfer"] for r in housing} == _transfers_with_theme("housing")
    assert "eurocities-toulouse-camps-to-housing-to-four-transfer-cities" in {
        r["transfer"] for r in housing
    }


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_year_filters_and_no_match() -> None:
    rows = bundled_csv("transfers")
    events = bundled_csv("events").set_index("id")["start"]
    # A transfer's year is its start, else the start of the event it went through.
    years = [
        (start or (events[event] if event else ""))[:4]
        for start, event in zip(rows["start"], rows["event"], strict=True)
    ]
    expected = sum(1 for y in years if y and 2014 <= int(y) <= 2019)
    result = run("transfers", "--since", "2014", "--until", "2019", "--format", "md")
    assert result.stdout.count("\n| ") == expected + 1  # the rows after the header row
    none = run("transfers", "--since", "2030")
    assert none.exit_code == 0 and none.stdout.strip() == "No transfer matches."


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_unknown_city_exits_non_zero_with_the_closest_matches() -> None:
    result = run("transfers", "--from", "Wein")
    assert result.exit_code == 1
    assert "No city is called 'Wein'. Closest matches: Vienna" in result.output
    assert result.stdout == ""


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_unknown_project_exits_non_zero() -> None:
    result = run("transfers", "--project", "ROMANETT")
    assert result.exit_code == 1 and "No project is called 'ROMANETT'" in result.output


def test_transfers_of_your_own_data_only() -> None:
    result = run("transfers", "--no-bundled", "--data", str(CHAINS_DIR), "--format", "csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert list(table["origin"]) == ["Ávila", "Cork", "Bruges", "Bruges"]
    # Printed CSV is spreadsheet-safe too.
    assert "'=HYPERLINK(evil)" in set(table["outcome"])


def test_help_explains_name_matching_with_examples() -> None:
    result = run("transfers", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "Wien" in result.output


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_to_a_city_also_lists_the_transfers_that_name_it_among_their_candidates() -> None:
    rows = bundled_csv("transfers")
    named = set(rows.loc[rows["target_city"] == "prague", "id"])
    candidate = {
        r["id"]
        for r in rows.to_dict("records")
        if "prague" in {c.strip() for c in r["target_candidates"].split(";")}
    }
    assert candidate, "the bundled data lists Prague among some transfer's candidates"
    result = run("transfers", "--to", "Praha", "--format", "json")
    assert result.exit_code == 0, result.output
    found = {r["transfer"]: r["target_match"] for r in json.loads(result.stdout)}
    assert found == {**dict.fromkeys(named, ""), **dict.fromkeys(candidate, "candidate")}
    text = run("transfers", "--to", "Praha").stdout
    assert text.count("  match       a candidate target, not a named one") == len(candidate)


# --- Distances ------------------------------------------------------------------------------


def expected_distances() -> dict[str, int | None]:
    """Each transfer's distance in whole km, computed from cities.csv's coordinates."""
    from graphkit.analysis.geo import distance_km

    cities = bundled_csv("cities").set_index("id")

    def point(city: str) -> tuple[float, float] | None:
        if city not in cities.index or not cities.loc[city, "latitude"]:
            return None
        return float(cities.loc[city, "latitude"]), float(cities.loc[city, "longitude"])

    found = {}
    for row in bundled_csv("transfers").itertuples():
        a, b = point(row.origin_city), point(row.target_city)
        found[row.id] = round(distance_km(*a, *b)) if a and b else None
    return found


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_every_transfer_gives_its_distance_from_the_cities_coordinates() -> None:
    result = run("transfers", "--format", "csv")
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    pairs = zip(table["transfer"], table["distance_km"], strict=True)
    shown = {t: (int(d) if d else None) for t, d in pairs}
    assert shown == expected_distances()
    assert sum(d is not None for d in shown.values()) > 0.8 * len(shown)
    text = run("transfers").stdout
    some, km = next((t, d) for t, d in shown.items() if d)
    block = text.split(f"  id          {some}\n")[0].rsplit("\n\n", 1)[-1]
    assert f"  distance    {km:,} km" in block


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_within_300_km_of_budapest_lists_the_transfers_between_nearby_cities() -> None:
    from graphkit.analysis.geo import distance_km

    cities = bundled_csv("cities").set_index("id")
    centre = float(cities.loc["budapest", "latitude"]), float(cities.loc["budapest", "longitude"])

    def near(city: str) -> bool:
        if city not in cities.index or not cities.loc[city, "latitude"]:
            return False
        here = float(cities.loc[city, "latitude"]), float(cities.loc[city, "longitude"])
        return distance_km(*centre, *here) <= 300

    transfers = bundled_csv("transfers")
    expected = {r.id for r in transfers.itertuples() if near(r.origin_city) and near(r.target_city)}
    result = run("transfers", "--within-km", "300", "--of", "Budapest", "--format", "json")
    assert result.exit_code == 0, result.output
    assert {row["transfer"] for row in json.loads(result.stdout)} == expected
    assert expected


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_within_km_alone_keeps_the_transfers_that_travelled_at_most_that_far() -> None:
    expected = {t for t, d in expected_distances().items() if d is not None and d <= 500}
    result = run("transfers", "--within-km", "500", "--format", "json")
    found = json.loads(result.stdout)
    assert {row["transfer"] for row in found} == expected
    assert all(row["distance_km"] <= 500 for row in found)


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_a_centre_without_coordinates_or_distance_is_a_clear_error() -> None:
    cities = bundled_csv("cities")
    unplaced = cities.loc[cities["latitude"] == "", "name"].iloc[0]
    result = CliRunner().invoke(main, ["transfers", "--within-km", "300", "--of", unplaced])
    assert result.exit_code == 1
    assert f"{unplaced} has no coordinates" in result.output
    result = CliRunner().invoke(main, ["transfers", "--of", "Budapest"])
    assert result.exit_code == 1 and "--within-km" in result.output
