"""`graphkit transfers` as a researcher runs it."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.locations import DATASETS_DIR
from tests.conftest import CHAINS_DIR


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_transfers_on_the_bundled_data_lists_every_transfer_readably() -> None:
    result = run("transfers")
    assert result.exit_code == 0, result.output
    rows = len(pd.read_csv(DATASETS_DIR / "transfers.csv", dtype=str))  # one per transfer
    assert result.stdout.startswith(f"{rows} transfers")
    assert "Integrationshaus: Vienna → Taranto, 2013" in result.stdout
    assert "  result      Casa MiStra" in result.stdout
    assert "Toulouse → 4 unnamed cities, 2019" in result.stdout
    assert "Braga → 12 unnamed cities, 2019" in result.stdout
    assert "one of Budapest; Burgas; Prague" in result.stdout
    assert "  source      004_cfd5e90651955d47.txt" in result.stdout


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


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_project_and_theme_filters_as_json() -> None:
    mistra = json.loads(run("transfers", "--project", "mistra", "--format", "json").stdout)
    assert sorted(r["origin"] for r in mistra) == ["Berlin", "Bologna", "Dublin", "Vienna"]
    housing = json.loads(run("transfers", "--theme", "Housing", "--format", "json").stdout)
    assert sorted(r["target"] for r in housing) == ["12 unnamed cities", "4 unnamed cities"]
    assert all(isinstance(r["year"], int) for r in housing)


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_year_filters_and_no_match() -> None:
    result = run("transfers", "--since", "2014", "--until", "2019", "--format", "md")
    assert result.stdout.count("\n| ") == 2 + 1  # two rows after the header row
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
