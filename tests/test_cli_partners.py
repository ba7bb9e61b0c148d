"""`graphkit partners` and `graphkit visualise --view map` as a researcher runs them."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from graphkit.analysis.partners import DEFAULT_WEIGHTS, partner_cities
from graphkit.cli import main
from tests.helpers import bundled_csv, city_names


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def cities_with_transfers_or_practices() -> list[str]:
    transfers = bundled_csv("transfers")
    practices = bundled_csv("practices")
    ids = (
        set(transfers["origin_city"])
        | set(transfers["target_city"])
        | set(practices["origin_city"])
    )
    return sorted(ids - {""})


def test_partners_of_timisoara_ranks_five_or_more_cities_with_reasons() -> None:
    result = run("partners", "Timisoara", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) >= 5
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(r["reasons"] for r in rows)
    assert "Timișoara" not in {r["city"] for r in rows}


def test_the_table_names_each_city_with_its_reasons_in_words() -> None:
    result = run("partners", "Timisoara", "--top", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Cities {city_names(['timisoara'])[0]} could learn from")
    assert result.stdout.count("score ") == 5
    assert " km away" in result.stdout and "population " in result.stdout


@pytest.mark.parametrize("city", cities_with_transfers_or_practices()[::12])
def test_every_city_with_transfers_or_practices_gets_five_partners(bundled_graph, city) -> None:
    table = partner_cities(bundled_graph, city)
    assert len(table) >= 5, city


def test_a_city_that_learnt_from_another_says_so(bundled_graph) -> None:
    transfers = bundled_csv("transfers")
    row = transfers[
        (transfers["target_city"] != "") & (transfers["origin_city"] != transfers["target_city"])
    ].iloc[0]
    learner, teacher = row["target_city"], row["origin_city"]
    expected = ((transfers["target_city"] == learner) & (transfers["origin_city"] == teacher)).sum()
    table = partner_cities(bundled_graph, learner, top=None).set_index("id")
    assert table.at[teacher, "learnt"] == expected
    assert "already learnt from it" in table.at[teacher, "reasons"]


def test_practices_counted_are_the_peers_practices_on_the_theme(bundled_graph) -> None:
    broader = dict(bundled_csv("themes")[["id", "broader"]].values)

    def under_housing(theme: str) -> bool:
        while theme:
            if theme == "housing":
                return True
            theme = broader.get(theme, "")
        return False

    practices = bundled_csv("practices")
    housing = practices[
        practices["themes"].apply(lambda ts: any(under_housing(t.strip()) for t in ts.split(";")))
    ]
    table = partner_cities(bundled_graph, "Timisoara", theme="housing", top=None)
    assert len(table) >= 5 and (table["practices"] > 0).all()
    for row in table.to_dict("records"):
        mine = housing[housing["origin_city"] == row["id"]]
        assert row["practices"] == len(mine), row["city"]


def test_weights_change_the_ranking_and_zero_weights_give_zero_scores(bundled_graph) -> None:
    base = partner_cities(bundled_graph, "Timisoara", top=None)
    near = partner_cities(bundled_graph, "Timisoara", top=None, weights={"distance": 10})
    assert base["id"].tolist() != near["id"].tolist()
    closest = base.dropna(subset=["distance_km"]).sort_values("distance_km").iloc[0]["id"]
    assert near.iloc[0]["id"] == closest
    zero = partner_cities(bundled_graph, "Timisoara", weights=dict.fromkeys(DEFAULT_WEIGHTS, 0))
    assert (zero["score"] == 0).all()


def test_weights_from_the_command_line_and_a_bad_weight() -> None:
    result = run("partners", "Timisoara", "--weight", "distance=0", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert len(table) >= 5
    bad = CliRunner().invoke(main, ["partners", "Timisoara", "--weight", "nearness=2"])
    assert bad.exit_code != 0
    assert "Unknown weight 'nearness'" in bad.output and "distance" in bad.output


def test_an_unknown_city_exits_non_zero_with_the_closest_names() -> None:
    result = CliRunner().invoke(main, ["partners", "Timisoaraa"])
    assert result.exit_code != 0
    assert city_names(["timisoara"])[0] in result.output


def test_visualise_map_writes_a_page_and_a_pdf(tmp_path) -> None:
    page = tmp_path / "map.html"
    result = run("visualise", "--view", "map", "--out", str(page))
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "transfers" in result.stdout and str(page) in result.stdout
    pdf = tmp_path / "map.pdf"
    assert run("visualise", "--view", "map", "--since", "2015", "--out", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
