"""The bundled datasets cover what the five sources and facts.md say, and are canonical.

Expected values are read from the sources themselves (quoted in each test), not from the data.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from graphkit.data.lint import lint_folder
from graphkit.locations import DATASETS_DIR, SOURCES_DIR


@pytest.fixture(scope="module")
def tables(bundled_dataset) -> dict[str, pd.DataFrame]:
    return bundled_dataset.tables


def rows(frame: pd.DataFrame, **where: str) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    return frame.loc[mask]


def test_bundled_files_are_canonical() -> None:
    assert lint_folder(DATASETS_DIR) == []


def test_names_keep_their_diacritics_in_nfc(tables) -> None:
    names = set(tables["cities"]["name"])
    assert {"Košice", "Nagykálló", "Almería", "Karviná", "Timișoara"} <= names
    for frame in tables.values():
        for column in frame.columns:
            if column.startswith("_"):
                continue
            for value in frame[column]:
                assert value == unicodedata.normalize("NFC", value)


def test_integra_lessons_table_is_there_row_by_row(tables) -> None:
    text = (SOURCES_DIR / "003_8090132da119b1fd.txt").read_text(encoding="utf-8")
    categories = [
        "Project team coordination",
        "Financial management",
        "Quality management",
        "Local stakeholder groups",
        "Conducting public awareness campaigns",
        "Creative tools",
        "Sustainability",
    ]
    assert all(c in text for c in categories)
    lessons = rows(tables["lessons"], project="integra")
    for category in categories:
        polarities = set(rows(lessons, category=category)["polarity"])
        assert polarities == {"went_well", "did_not_go_well", "other_learning"}, category


def test_roma_net_partnership_follows_the_emilia_romagna_list(tables) -> None:
    members = rows(tables["memberships"], group="roma-net")
    roles = dict(zip(members["member"], members["role"], strict=True))
    assert roles["budapest"] == "lead_partner"
    assert roles["bobigny"] == "associated_partner"
    partners = {m for m, r in roles.items() if r == "partner"}
    assert partners == {
        "bologna",
        "udine",
        "nagykallo",
        "glasgow",
        "karvina",
        "kosice",
        "almeria",
        "torrent",
    }


def test_roma_net_partner_count_conflict_keeps_both_sides(tables) -> None:
    counts = rows(tables["quantities"], subject="roma-net", measure="partner_cities")
    assert {"9", "10"} <= set(counts["value"])
    ten = rows(counts, value="10")
    assert "000_6f5bdbae04d69a95.txt" in set(ten["source"])


def test_mistra_targets_the_eight_cities_the_source_lists(tables) -> None:
    text = (SOURCES_DIR / "004_cfd5e90651955d47.txt").read_text(encoding="utf-8")
    listed = re.search(r"8 cities targeted \(([^)]*)\)", text).group(1)
    expected = {c.strip().lower() for c in listed.split(",")}
    targets = rows(tables["memberships"], group="mistra", role="target_city")
    assert set(targets["member"]) == expected


def test_mistra_partner_country_conflict_keeps_six_and_seven(tables) -> None:
    counts = rows(tables["quantities"], subject="mistra", measure="partner_countries")
    assert {"6", "7"} <= set(counts["value"])


def test_toulouse_transfer_keeps_its_four_cities_unnamed(tables) -> None:
    (transfer,) = rows(tables["transfers"], origin_city="toulouse").itertuples()
    assert transfer.target_city == "" and transfer.target_count == "4"
    assert "Four transfer cities" in transfer.quote


def test_mistra_pairings_named_by_a_source_are_vienna_taranto_and_bologna_burgas(tables) -> None:
    mistra = rows(tables["transfers"], project="mistra")
    named = mistra.loc[mistra["target_city"] != ""]
    assert set(zip(named["origin_city"], named["target_city"], strict=True)) == {
        ("vienna", "taranto"),
        ("bologna", "burgas"),
    }
    assert "casa-mistra" in set(named["resulting_practice"])
    unnamed = mistra.loc[mistra["target_city"] == ""]
    # The models of Dublin and Berlin went to cities no source pairs them with.
    assert set(unnamed["origin_city"]) == {"dublin", "berlin"}
    assert set(unnamed["target_count"]) == {"1"}


def test_romact_support_measures_from_2016(tables) -> None:
    measures = rows(tables["objectives"], owner="romact", kind="measure")
    # The source lists four measures: training sessions, mediator trainings, visits, platform.
    assert len(measures) == 4


def test_brussels_event_main_messages_are_lessons(tables) -> None:
    messages = rows(tables["lessons"], event="ec-brussels-2015")
    assert len(messages) >= 10
    assert set(messages["polarity"]) == {"key_message"}


def test_every_source_document_is_cited(tables) -> None:
    cited = set().union(*(set(f["source"]) for n, f in tables.items() if n != "sources"))
    for path in sorted(SOURCES_DIR.glob("0*.txt")):
        assert path.name in cited


def test_every_web_source_has_a_record_that_names_its_url(tables) -> None:
    facts = (SOURCES_DIR / "facts.md").read_text(encoding="utf-8")
    web = rows(tables["sources"], kind="web_page")
    assert len(web) > 100
    for url, record in zip(web["locator"], web["record"], strict=True):
        if record == "facts.md":
            assert url in facts, url
        else:
            header = (SOURCES_DIR / record).read_text(encoding="utf-8").split("\n\n", 1)[0]
            assert f"url: {url}" in header.splitlines(), (url, record)
