"""Every bundled query gives its known answer on the TESTNET fixture, both engines agree on
every query, and the queries that the fixture cannot exercise give on the bundled data what the
dataset tables say.

Golden files live in ``tests/data/golden/``: ``<query>.csv`` for the query with its defaults and
``<query>--<param>-<value>.csv`` with one parameter bound. Each row was derived from the fixture
CSVs in ``tests/data/mini`` and checked by hand; a new bundled query needs its golden files
written the same way (the test below fails until they exist). IRIs are written as prefixed
names, lists (``a; b``) in any order.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Literal, URIRef

from graphkit.analysis.query import bundled_queries, compact_frame, query
from graphkit.graph.namespaces import GKR, concept

GOLDEN_DIR = Path(__file__).resolve().parent / "data" / "golden"

# The runs pinned by golden files: every bundled query with its defaults, and the parameterised
# ones with a fixture value bound as well.
CASES: dict[str, list[dict[str, URIRef | Literal]]] = {
    "cities-by-country": [{}, {"country": GKR["slovakia"]}],
    "cities-per-region": [{}, {"country": GKR["slovakia"]}],
    "cities-ranked-by-projects": [{}],
    "city-collaborations": [{}, {"city": GKR["kosice"]}],
    "city-places": [{}, {"country": GKR["slovakia"]}],
    "conflicting-quantities": [{}],
    "coordinators-and-funders": [{}, {"actor": GKR["fixture-agency"]}],
    "event-messages": [{}],
    "events-in-city": [{}, {"city": GKR["vienna"]}],
    "events-timeline": [{}],
    "facts-per-source": [{}],
    "lesson-counts": [{}],
    "lessons-in-category": [{}, {"category": Literal("Coordination")}],
    "lessons-learned": [{}, {"project": GKR["testnet"]}],
    "objectives-of": [{}],
    "organisations-by-type": [{}, {"type": concept("organisation-type", "ngo")}],
    "partner-practices": [{}, {"city": GKR["vienna"]}],
    "policies-linked-to": [{}],
    "policy-frameworks": [{}],
    "practices-from-city": [{}, {"city": GKR["taranto"]}],
    "project-lineage": [{}],
    "project-partners": [{}, {"project": GKR["testnet"]}],
    "projects-by-programme": [{}],
    "projects-of-city": [{}, {"city": GKR["kosice"]}],
    "source-supports": [{}, {"source": GKR["src-fixture"]}],
    "themes-of-practices": [{}, {"theme": GKR["housing"]}],
    "transfers-by-distance": [{}],
    "transfers-into-city": [{}, {"city": GKR["taranto"]}],
    "transfers-out-of-city": [{}, {"city": GKR["kosice"]}],
    "unnamed-transfer-targets": [{}],
}
RUNS = [(name, bindings) for name, cases in CASES.items() for bindings in cases]


def run_id(run: tuple[str, dict]) -> str:
    name, bindings = run
    return name + "".join(
        f"--{k}-{str(v).rstrip('/').rsplit('/', 1)[-1]}" for k, v in bindings.items()
    )


def cell(value: object) -> str:
    """A cell in the form golden files use: text, integral numbers without ``.0``, lists sorted."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "; ".join(sorted(str(value).split("; ")))


def table(frame: pd.DataFrame) -> tuple[list[str], list[tuple[str, ...]]]:
    """Columns and sorted rows of ``frame`` in golden form."""
    rows = [tuple(cell(v) for v in record) for record in frame.itertuples(index=False)]
    return [str(c) for c in frame.columns], sorted(rows)


def read_golden(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, sorted(tuple(cell(v) for v in row) for row in rows)


def test_every_bundled_query_has_a_golden_case():
    assert set(CASES) == set(bundled_queries()), (
        "Add the new query to CASES and write its golden file(s) from the fixture CSVs by hand."
    )


def test_there_are_at_least_twenty_bundled_queries():
    assert len(bundled_queries()) >= 20


@pytest.mark.parametrize("run", RUNS, ids=[run_id(r) for r in RUNS])
def test_bundled_query_gives_its_golden_result_on_the_fixture(run, mini_graph):
    name, bindings = run
    path = GOLDEN_DIR / f"{run_id(run)}.csv"
    assert path.exists(), f"missing golden file {path.name}: derive it from tests/data/mini"
    assert table(compact_frame(query(name, bindings, mini_graph))) == read_golden(path)


@pytest.mark.parametrize("run", RUNS, ids=[run_id(r) for r in RUNS])
def test_oxigraph_and_rdflib_agree_on_the_fixture(run, mini_graph):
    name, bindings = run
    oxigraph = query(name, bindings, mini_graph, engine="oxigraph")
    rdflib = query(name, bindings, mini_graph, engine="rdflib")
    assert table(oxigraph) == table(rdflib)


@pytest.mark.parametrize("name", sorted(CASES))
def test_oxigraph_and_rdflib_agree_on_the_bundled_data(name, bundled_graph):
    oxigraph = query(name, graph=bundled_graph, engine="oxigraph")
    rdflib = query(name, graph=bundled_graph, engine="rdflib")
    assert table(oxigraph) == table(rdflib)


# --- Queries the fixture leaves empty, checked on the bundled data against the tables ---------


def ids(frame: pd.DataFrame, column: str) -> set[str]:
    return {str(v).removeprefix(str(GKR)) for v in frame[column]}


def test_transfers_by_distance_are_within_2_percent_of_the_great_circle(bundled_graph):
    from graphkit.analysis.geo import city_places, distance_km
    from graphkit.analysis.transfers import transfers_table

    frame = query("transfers-by-distance", graph=bundled_graph)
    exact = transfers_table(bundled_graph).set_index("transfer")["distance_km"]
    measured = exact.dropna()
    assert ids(frame, "transfer") == set(measured.index)
    places = city_places(bundled_graph).set_index("city")
    for row in frame.itertuples():
        here, there = places.loc[str(row.origin)], places.loc[str(row.target)]
        km = distance_km(here.latitude, here.longitude, there.latitude, there.longitude)
        assert abs(float(row.distance_km) - km) <= max(0.02 * km, 1), row.transfer
    assert list(frame["distance_km"]) == sorted(frame["distance_km"], reverse=True)


def test_cities_per_region_counts_the_cities_of_each_region(bundled_graph):
    from tests.helpers import bundled_csv

    cities = bundled_csv("cities")
    placed = cities.loc[cities["region_code"] != ""]
    expected = placed.groupby("region_code")["name"].apply(set).to_dict()
    frame = query("cities-per-region", graph=bundled_graph)
    found = {r.region_code: set(r.city_names.split("; ")) for r in frame.itertuples()}
    assert found == expected
    assert {r.region_code: int(r.cities) for r in frame.itertuples()} == {
        k: len(v) for k, v in expected.items()
    }


def test_transfers_to_taranto_lists_vienna_integrationshaus_through_mistra(bundled_graph):
    frame = query("transfers-into-city", {"city": GKR["taranto"]}, bundled_graph)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["practice_name"], row["origin_name"]) == ("Integrationshaus", "Vienna")
    assert row["project_name"] == "Migrant Inclusion Strategies in European Cities"
    assert row["resulting_practice_name"] == "Casa MiStra"
    assert set(row["mechanisms"].split("; ")) == {"matching seminar", "transfer workshop"}


def test_source_supports_defaults_to_the_mistra_document(bundled_graph, bundled_dataset):
    frame = query("source-supports", graph=bundled_graph)
    expected = {
        row_id
        for name, table_ in bundled_dataset.tables.items()
        if name != "sources"
        for row_id in table_.loc[table_["source"] == "004_cfd5e90651955d47.txt", "id"]
    }
    assert ids(frame, "fact") == expected
    assert set(frame["locator"]) == {"004_cfd5e90651955d47.txt"}


def test_event_messages_of_the_brussels_conference_are_its_lessons(bundled_graph, bundled_dataset):
    frame = query("event-messages", {"event": GKR["ec-brussels-2015"]}, bundled_graph)
    lessons = bundled_dataset.tables["lessons"]
    assert ids(frame, "lesson") == set(lessons.loc[lessons["event"] == "ec-brussels-2015", "id"])


def test_objectives_of_the_eurocities_working_group(bundled_graph, bundled_dataset):
    owner = "eurocities-wg-roma-inclusion"
    frame = query("objectives-of", {"owner": GKR[owner]}, bundled_graph)
    objectives = bundled_dataset.tables["objectives"]
    assert ids(frame, "objective") == set(objectives.loc[objectives["owner"] == owner, "id"])


def test_projects_of_the_lifelong_learning_programme_include_its_sub_programmes(
    bundled_graph, bundled_dataset
):
    programmes = bundled_dataset.tables["programmes"]
    family = {"lifelong-learning-programme"} | set(
        programmes.loc[programmes["part_of"] == "lifelong-learning-programme", "id"]
    )
    projects = bundled_dataset.tables["projects"]
    expected = {
        row["id"]
        for _, row in projects.iterrows()
        if family & {p.strip() for p in row["programme"].split(";")}
    }
    frame = query(
        "projects-by-programme", {"programme": GKR["lifelong-learning-programme"]}, bundled_graph
    )
    assert ids(frame, "project") == expected == {"mistra"}


def test_project_lineage_of_romacted(bundled_graph):
    frame = query("project-lineage", {"project": GKR["romacted"]}, bundled_graph)
    found = {(r.relation, str(r.other).removeprefix(str(GKR))) for r in frame.itertuples()}
    # projects.csv: romacted follows romed and romact; its phases are part of it.
    assert found == {
        ("follows", "romed"),
        ("follows", "romact"),
        ("has part", "romacted-phase-i"),
        ("has part", "romacted-phase-ii"),
    }


def test_policy_frameworks_count_their_links(bundled_graph, bundled_dataset):
    frame = query("policy-frameworks", graph=bundled_graph)
    links = bundled_dataset.tables["policy_links"]["policy"].value_counts()
    counted = {str(r.policy).removeprefix(str(GKR)): r.links for r in frame.itertuples()}
    assert counted == {p: int(links.get(p, 0)) for p in bundled_dataset.tables["policies"]["id"]}


def test_policy_frameworks_at_local_level(bundled_graph, bundled_dataset):
    frame = query("policy-frameworks", {"level": concept("policy-level", "local")}, bundled_graph)
    policies = bundled_dataset.tables["policies"]
    assert ids(frame, "policy") == set(policies.loc[policies["level"] == "local", "id"])


def test_policies_linked_to_a_project_through_its_parts(bundled_graph, bundled_dataset):
    project = "eurocities-wg-roma-inclusion"
    tables = bundled_dataset.tables
    # Rows that belong to the project: itself, its events, practices, objectives (and their
    # actions), lessons (its own and its events'), and its sub-projects.
    belongs = {project}
    belongs |= set(tables["events"].loc[tables["events"]["project"] == project, "id"])
    belongs |= set(tables["practices"].loc[tables["practices"]["project"] == project, "id"])
    belongs |= set(tables["projects"].loc[tables["projects"]["part_of"] == project, "id"])
    objectives = tables["objectives"]
    own = set(objectives.loc[objectives["owner"] == project, "id"])
    belongs |= own | set(objectives.loc[objectives["parent"].isin(own), "id"])
    lessons = tables["lessons"]
    belongs |= set(
        lessons.loc[lessons["project"].eq(project) | lessons["event"].isin(belongs), "id"]
    )
    links = tables["policy_links"]
    expected = {
        (row["subject"], row["policy"]) for _, row in links.iterrows() if row["subject"] in belongs
    }
    frame = query("policies-linked-to", {"subject": GKR[project]}, bundled_graph)
    found = {
        (str(r.via).removeprefix(str(GKR)), str(r.policy).removeprefix(str(GKR)))
        for r in frame.itertuples()
    }
    assert found == expected
    assert len(expected) >= 10


def test_conflicting_quantities_are_the_groups_with_different_values(
    bundled_graph, bundled_dataset
):
    quantities = bundled_dataset.tables["quantities"]
    expected = set()
    for _, group in quantities.groupby(["subject", "measure", "unit"]):
        values = {Decimal(v) for v in group["value"]}
        if len(values) > 1:
            expected |= set(group["id"])
    frame = query("conflicting-quantities", graph=bundled_graph)
    assert ids(frame, "quantity") == expected
    roma_net = query("conflicting-quantities", {"subject": GKR["roma-net"]}, bundled_graph)
    # Sources give ROMA-NET 9 or 10 partner cities (datasets/projects.csv note).
    partner_counts = roma_net.loc[roma_net["measure"] == "partner cities", "value"]
    assert set(partner_counts) == {9.0, 10.0}
