"""`graphkit cascades`: adoption cascades in the long format of R's NetworkInference."""

from __future__ import annotations

import io
import json

import pandas as pd
from click.testing import CliRunner

from graphkit.cli import main
from tests.conftest import CHAINS_DIR

CHAINS = ("--no-bundled", "--data", str(CHAINS_DIR))


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cascades_print_csv_by_default_one_row_per_practice_and_city() -> None:
    result = run("cascades", *CHAINS)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert list(table.columns[:5]) == ["practice_id", "practice", "city_id", "city", "year"]
    kiosk = table[table["practice_id"] == "bruges-kiosk-model"]
    assert list(kiosk["city"]) == ["Bruges", "Cork"]
    assert list(kiosk["year"]) == ["", "2012"]
    assert list(kiosk["source_city_id"]) == ["", "bruges"]
    assert len(table) == 7


def test_cascades_as_json_keep_years_as_numbers() -> None:
    rows = json.loads(run("cascades", *CHAINS, "--format", "json").stdout)
    assert {r["year"] for r in rows} == {2008, 2010, 2011, 2012, None}


def test_help_shows_how_to_read_it_in_r() -> None:
    result = run("cascades", "--help")
    assert "as_cascade_long" in result.output and "Example:" in result.output
