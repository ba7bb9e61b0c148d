"""``graphkit explain`` shows everything the graph says about an entity found by any of its
names, each fact with the source and quote behind it (expected values from tests/data/mini)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphkit import cli
from graphkit.analysis.explain import explain
from graphkit.errors import UnknownNameError
from graphkit.graph.namespaces import GKR
from graphkit.knowledge_graph import KnowledgeGraph


def facts_of(explanation) -> set[tuple[str, str, str]]:
    return {(r.direction, r.property, r.value) for r in explanation.facts.itertuples()}


@pytest.mark.parametrize("name", ["vienna", "Vienna", "Wien", "WIEN"])
def test_vienna_is_found_by_its_id_and_its_german_name(name, mini_graph):
    explanation = explain(mini_graph, name)
    assert explanation.entity == GKR["vienna"]
    assert (explanation.label, explanation.kind) == ("Vienna", "city")


@pytest.mark.parametrize("name", ["kosice", "Košice", "KOSICE", "Kassa", "Kocise"])
def test_kosice_is_found_without_accents_and_by_other_spellings(name, mini_graph):
    assert explain(mini_graph, name).entity == GKR["kosice"]


def test_what_vienna_s_row_says_comes_with_its_source_and_quote(mini_graph):
    facts = explain(mini_graph, "Wien").facts
    country = facts[(facts["direction"] == "out") & (facts["property"] == "country")]
    assert country["value"].tolist() == ["Austria"]
    assert country["value_id"].tolist() == [str(GKR["austria"])]
    # cities.csv, row vienna: source fixture.txt, quote "Vienna lies in Austria"
    assert country["source"].tolist() == ["fixture.txt"]
    assert country["quote"].tolist() == ["Vienna lies in Austria"]
    assert ("out", "local name", "Wien") in facts_of(explain(mini_graph, "vienna"))


def test_what_other_rows_say_about_vienna_comes_with_their_sources(mini_graph):
    explanation = explain(mini_graph, "vienna")
    assert {
        ("in", "based in", "Fixture Agency"),
        ("in", "location", "TESTNET policy transfer"),
        ("in", "origin city", "Welcome House"),
    } <= facts_of(explanation)
    facts = explanation.facts
    agency = facts[facts["value"] == "Fixture Agency"].iloc[0]
    # organisations.csv, row fixture-agency
    assert agency["quote"] == "The Fixture Agency coordinated TESTNET."


def test_memberships_and_transfers_are_summarised_with_their_details(mini_graph):
    facts = explain(mini_graph, "vienna").facts
    membership = facts[facts["property"] == "member"].iloc[0]
    assert membership["value"] == "Vienna – partner – TESTNET test project"
    assert "role: partner" in membership["details"]
    assert membership["quote"] == "partner cities Vienna and Taranto"
    transfer = facts[facts["value"] == "Welcome House: Vienna → Taranto"].iloc[0]
    assert transfer["property"] == "origin city"
    assert "mechanism: study visit" in transfer["details"]
    assert "target city: Taranto" in transfer["details"]
    # The org:memberOf shortcut repeats the membership, so it is not listed again.
    assert "memberOf" not in " ".join(facts["property"])


def test_an_unnamed_target_group_is_described(mini_graph):
    facts = explain(mini_graph, "testnet-kosice-housing-to-unnamed").facts
    group = facts[facts["property"] == "target group"].iloc[0]
    assert group["value"] == "3 unnamed cities"
    assert "description: unnamed transfer cities" in group["details"]


def test_every_fact_about_a_city_has_a_source_and_a_quote(mini_graph):
    facts = explain(mini_graph, "taranto").facts
    assert not facts.empty
    assert (facts["source"] == "fixture.txt").all()
    assert (facts["quote"] != "").all()


def test_a_source_document_lists_every_fact_it_supports(mini_graph, mini_dir):
    facts = explain(mini_graph, "src-fixture").facts
    supported = facts[(facts["direction"] == "in") & (facts["property"] == "source")]
    # Every row of every fixture CSV but sources.csv cites fixture.txt.
    rows = sum(
        len(path.read_text(encoding="utf-8").strip().splitlines()) - 1
        for path in mini_dir.glob("*.csv")
        if path.name != "sources.csv"
    )
    assert len(supported) == rows == 21
    assert "TESTNET is a test project led by Košice" in set(supported["quote"])


def test_unknown_name_gives_the_closest_matches(mini_graph):
    with pytest.raises(UnknownNameError, match="Closest matches: Vienna"):
        explain(mini_graph, "Viena")


def test_cli_explain_prints_a_header_and_the_facts(mini_dir):
    result = CliRunner().invoke(
        cli.main, ["explain", "Wien", "--no-bundled", "--data", str(mini_dir)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Vienna (city, {GKR['vienna']})")
    assert "gkr:austria" in result.stdout and "Vienna lies in Austria" in result.stdout


def test_cli_explain_json(monkeypatch, mini_graph):
    monkeypatch.setattr(KnowledgeGraph, "graph", lambda self, *_args: mini_graph)
    result = CliRunner().invoke(cli.main, ["explain", "kosice", "--format", "json"])
    data = json.loads(result.stdout)
    assert (data["id"], data["label"], data["class"]) == ("kosice", "Košice", "city")
    assert {"direction", "property", "value", "source", "quote"} <= set(data["facts"][0])


def test_cli_explain_unknown_name_fails_with_suggestions(monkeypatch, mini_graph):
    monkeypatch.setattr(KnowledgeGraph, "graph", lambda self, *_args: mini_graph)
    result = CliRunner().invoke(cli.main, ["explain", "Tarantto"])
    assert result.exit_code == 1
    assert "No entity is called 'Tarantto'" in result.output
    assert "Taranto" in result.output


def test_explain_taranto_on_the_bundled_data_fits_100_columns_and_keeps_every_quote(
    tmp_path,
) -> None:
    result = CliRunner().invoke(cli.main, ["explain", "Taranto", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    # Nothing is cut to fit: the words of every quote about Taranto are printed, in order.
    facts = json.loads(
        CliRunner()
        .invoke(cli.main, ["explain", "Taranto", "--store", str(tmp_path), "--format", "json"])
        .output
    )["facts"]
    printed = "".join(result.stdout.split())  # wrapped lines joined, spaces aside
    assert facts
    for fact in facts:
        assert "".join(fact["quote"].split()) in printed
