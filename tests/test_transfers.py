"""Transfers table, transfer paths and adoption cascades, checked against the sources."""

from __future__ import annotations

import pytest

from graphkit.analysis.transfers import cascades, transfer_paths, transfers_table, transfers_text
from graphkit.errors import UnknownNameError
from tests.helpers import bundled_csv, city_names


def _mistra_rows():
    rows = bundled_csv("transfers")
    return rows.loc[rows["project"] == "mistra"]


def _candidates(cell: str) -> str:
    """A target_candidates cell as transfers_table shows it: city names, sorted, "; "-joined."""
    return "; ".join(sorted(city_names(c for c in cell.split(";") if c.strip())))


# --- the transfers table, against datasets/transfers.csv and its sources ---------------------


def test_transfer_into_taranto_comes_from_vienna_through_mistra_and_became_casa_mistra(
    bundled_graph,
):
    table = transfers_table(bundled_graph, target="Taranto")
    named = table.loc[table["target_match"] == ""]
    assert len(named) == 1
    row = named.iloc[0]
    assert row["practice"] == "Integrationshaus"
    assert row["origin"] == "Vienna"
    assert row["target"] == "Taranto"
    assert row["project"] == "MiStra"
    assert row["event"] == "First MiStra transfer workshop in Taranto"
    assert row["resulting_practice"] == "Casa MiStra"
    assert row["year"] == 2013
    assert row["status"] == "still operating"
    assert row["source"] == "004_cfd5e90651955d47.txt"
    assert (
        "transfer process between the cities of Vienna (IntegrationHaus) and Taranto"
        in (row["quote"])
    )


def test_toulouse_housing_transfer_went_to_four_unnamed_cities(bundled_graph):
    table = transfers_table(bundled_graph, origin="Toulouse")
    assert len(table) == 1
    row = table.iloc[0]
    assert (
        row["practice"] == "Toulouse's approach to moving Roma out of camps into adequate housing"
    )
    assert row["target"] == "4 unnamed cities"
    assert row["candidates"] == ""
    assert row["project"] == "WG Roma inclusion"
    assert row["event"] == "Policy transfer on Roma access to adequate housing, Toulouse"
    assert row["mechanism"] == "policy transfer"
    assert row["year"] == 2019
    assert "action plans" in row["outcome"]


def test_mistra_models_whose_receiving_city_is_not_named_keep_their_candidates(bundled_graph):
    expected = _mistra_rows()
    table = transfers_table(bundled_graph, project="MiStra")
    assert len(table) == len(expected)
    unnamed = expected.loc[expected["target_city"] == ""]
    assert len(unnamed) >= 1
    shown = table.set_index("transfer")
    for row in unnamed.to_dict("records"):
        assert shown.loc[row["id"], "target"] == f"{row['target_count']} unnamed city"
        assert shown.loc[row["id"], "candidates"] == _candidates(row["target_candidates"])
        assert shown.loc[row["id"], "source"] == row["source"]


def test_braga_plan_went_to_twelve_unnamed_cities_in_a_critical_friend_review(bundled_graph):
    row = transfers_table(bundled_graph, origin="braga").iloc[0]
    assert row["target"] == "12 unnamed cities"
    assert row["mechanism"] == "critical friend review"
    assert row["year"] == 2019
    assert row["resulting_practice"] == ""


def test_all_transfers_are_listed_oldest_first_with_every_column(bundled_graph):
    table = transfers_table(bundled_graph)
    assert sorted(table["transfer"]) == sorted(bundled_csv("transfers")["id"])
    years = table["year"].dropna().tolist()
    assert years == sorted(years)
    assert table["year"].isna().tolist() == sorted(table["year"].isna().tolist())
    assert {"practice", "origin", "target", "project", "mechanism", "year", "outcome"} <= set(
        table.columns
    )
    assert str(table["year"].dtype) == "Int64"


@pytest.mark.parametrize("name", ["Vienna", "vienna", "VIENNA", "Wien", "wien"])
def test_origin_matches_id_label_and_local_name_ignoring_case(bundled_graph, name):
    table = transfers_table(bundled_graph, origin=name)
    assert list(table["target"]) == ["Taranto"]


@pytest.mark.parametrize("name", ["Košice", "kosice", "KOSICE", "Kassa", "Kocise"])
def test_origin_matches_accents_and_other_spellings(mini_graph, name):
    table = transfers_table(mini_graph, origin=name)
    assert list(table["target"]) == ["3 unnamed cities"]


def test_a_known_city_without_transfers_gives_no_rows_not_an_error(bundled_graph):
    rows = bundled_csv("transfers")
    cities = set(bundled_csv("cities")["id"])
    candidates = {c.strip() for cell in rows["target_candidates"] for c in cell.split(";")}
    untouched = sorted(cities - set(rows["target_city"]) - candidates)
    assert untouched, "the bundled data has cities that received no transfer"
    assert transfers_table(bundled_graph, target=untouched[0]).empty


def test_unknown_city_raises_with_the_closest_names(bundled_graph):
    with pytest.raises(UnknownNameError) as raised:
        transfers_table(bundled_graph, origin="Wein")
    assert "Vienna" in raised.value.suggestions
    assert "No city is called 'Wein'" in str(raised.value)


def test_unknown_project_and_practice_and_theme_raise(bundled_graph):
    for option in ("project", "practice", "theme"):
        with pytest.raises(UnknownNameError):
            transfers_table(bundled_graph, **{option: "no such thing at all"})


def test_a_city_name_is_not_taken_for_a_project(bundled_graph):
    with pytest.raises(UnknownNameError):
        transfers_table(bundled_graph, project="Taranto")


def test_practice_filter_matches_the_resulting_practice_too(bundled_graph):
    for name in ("Casa MiStra", "Integrationshaus", "vienna-integrationshaus"):
        assert list(transfers_table(bundled_graph, practice=name)["target"]) == ["Taranto"]


def test_theme_filter_includes_narrower_themes_of_practices(bundled_graph, chains_graph):
    housing = transfers_table(bundled_graph, theme="housing")
    assert {"Braga", "Toulouse"} <= set(housing["origin"])
    # Casa MiStra is about intercultural communication, a narrower theme of participation.
    assert "Taranto" in set(transfers_table(bundled_graph, theme="participation")["target"])
    assert list(transfers_table(chains_graph, theme="housing")["practice"]) == ["Kiosk model"]


def test_year_filters_leave_out_unknown_years(bundled_graph, chains_graph):
    everything = transfers_table(bundled_graph)
    known = everything["year"].notna()
    since = transfers_table(bundled_graph, since=2014)
    until = transfers_table(bundled_graph, until=2013)
    assert len(since) + len(until) == known.sum()
    assert (since["year"] >= 2014).all() and (until["year"] <= 2013).all()
    assert transfers_table(bundled_graph, since=2100).empty
    # Bruges -> Dresden has no known year: listed without filters, never with one.
    assert "Dresden" in set(transfers_table(chains_graph, origin="Bruges")["target"])
    assert list(transfers_table(chains_graph, origin="Bruges", since=2000)["target"]) == ["Cork"]


def test_transfers_text_reads_as_one_block_per_transfer(bundled_graph):
    text = transfers_text(transfers_table(bundled_graph, project="mistra"), width=100)
    expected = _mistra_rows()
    assert text.startswith(f"{len(expected)} transfers\n")
    assert "Integrationshaus: Vienna → Taranto, 2013" in text
    assert "result      Casa MiStra" in text
    for cell in expected.loc[expected["target_candidates"] != "", "target_candidates"]:
        assert f"one of {_candidates(cell)}" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    assert transfers_text(transfers_table(bundled_graph, since=2100)) == "No transfer matches."


# --- transfer paths, against tests/data/chains/README.md --------------------------------------


def test_chain_from_avila_to_cork_goes_through_bruges(chains_graph):
    paths = transfer_paths(chains_graph, "avila", "Corcaigh")
    assert paths.kind == "transfers"
    assert [r.text() for r in paths.routes] == [
        "Ávila —Ledger method (RELAY, 2010)→ Bruges —Kiosk model (RELAY, 2012)→ Cork"
    ]


def test_chains_never_go_back_in_time(chains_graph):
    paths = transfer_paths(chains_graph, "Ávila", "Dresden")
    # Ávila -> Bruges -> Cork -> Dresden would be 2010, 2012, 2011: not a chain.
    assert [[h.target for h in r.hops] for r in paths.routes] == [["bruges", "dresden"]]
    assert [h.year for h in paths.routes[0].hops] == [2010, None]


def test_without_a_chain_the_shortest_connection_is_explained_hop_by_hop(chains_graph):
    paths = transfer_paths(chains_graph, "Évora", "Faro")
    assert paths.kind == "connections"
    assert [r.text() for r in paths.routes] == ["Évora —partner in→ BRIDGE-NET ←lead partner— Faro"]


def test_connections_pass_through_organisations(chains_graph):
    paths = transfer_paths(chains_graph, "faro", "dresden")
    assert [r.text() for r in paths.routes] == [
        "Faro —lead partner in→ BRIDGE-NET ←partner— Hub Agency —partner in→ LINK-NET "
        "←partner— Dresden"
    ]
    frame = paths.frame()
    assert list(frame["hop"]) == [1, 2, 3, 4]
    assert list(frame["via"]) == ["bridge-net", "bridge-net", "link-net", "link-net"]
    assert set(frame["source"]) == {"chains.txt"}


def test_transfers_only_run_forward_so_the_way_back_is_a_connection(chains_graph):
    paths = transfer_paths(chains_graph, "Cork", "Ávila")
    assert paths.kind == "connections"
    assert paths.routes[0].text().endswith("RELAY ←transferring city— Ávila")


def test_unconnected_cities_say_so(chains_graph):
    paths = transfer_paths(chains_graph, "Gijón", "Ávila")
    assert paths.kind == "none" and paths.routes == ()
    assert "linked neither" in paths.text()
    assert paths.frame().empty


def test_kosice_and_budapest_meet_in_roma_net(bundled_graph):
    paths = transfer_paths(bundled_graph, "Kassa", "Budapest")
    assert paths.kind == "connections"
    assert "Košice —partner in→ ROMA-NET ←lead partner— Budapest" in paths.text()


def test_vienna_to_taranto_is_a_transfer_chain(bundled_graph):
    paths = transfer_paths(bundled_graph, "Wien", "Taranto")
    assert paths.text().splitlines()[1] == "  1. Vienna —Integrationshaus (MiStra, 2013)→ Taranto"


def test_paths_need_two_different_known_cities(chains_graph):
    with pytest.raises(ValueError, match="same city"):
        transfer_paths(chains_graph, "Brugge", "bruges")
    with pytest.raises(UnknownNameError):
        transfer_paths(chains_graph, "Atlantis", "bruges")


# --- cascades ---------------------------------------------------------------------------------


def test_cascade_starts_at_the_origin_and_follows_each_transfer(chains_graph):
    table = cascades(chains_graph)
    ledger = table[table["practice_id"] == "avila-ledger-method"]
    assert list(ledger["city"]) == ["Ávila", "Bruges", "Dresden"]
    assert list(ledger["source_city"]) == ["", "Ávila", "Bruges"]
    # Ávila's year is the practice's start (2008); Dresden's transfer has no year.
    assert ledger["year"].tolist()[:2] == [2008, 2010]
    assert ledger["year"].isna().tolist() == [False, False, True]
    assert set(ledger["project"]) == {"RELAY"}


def test_cascades_have_the_columns_networkinference_reads(bundled_graph):
    table = cascades(bundled_graph)
    assert {"practice_id", "city_id", "year"} <= set(table.columns)
    assert str(table["year"].dtype) == "Int64"
    taranto = table[table["city_id"] == "taranto"].iloc[0]
    assert (taranto["practice_id"], taranto["year"], taranto["source_city_id"]) == (
        "vienna-integrationshaus",
        2013,
        "vienna",
    )
    toulouse = table[table["source_city_id"] == "toulouse"].iloc[0]
    assert toulouse["city"] == "4 unnamed cities"
    # One row per practice and city: no duplicates.
    assert not table.duplicated(["practice_id", "city_id"]).any()
