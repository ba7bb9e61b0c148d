"""`graphkit paths FROM TO`: chains of transfers, or connections hop by hop."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from graphkit.cli import main
from tests.conftest import CHAINS_DIR

CHAINS = ("--no-bundled", "--data", str(CHAINS_DIR))


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_paths_prints_the_time_respecting_chain() -> None:
    result = run("paths", "Ávila", "Dresden", *CHAINS)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Chains of practice transfers from Ávila to Dresden:",
        "  1. Ávila —Ledger method (RELAY, 2010)→ Bruges —Ledger method (RELAY)→ Dresden",
    ]


def test_paths_without_chain_explains_the_connection_hop_by_hop() -> None:
    result = run("paths", "evora", "FARO", *CHAINS)
    assert result.exit_code == 0, result.output
    assert "No chain of practice transfers leads from Évora to Faro" in result.stdout
    assert "  1. Évora —partner in→ BRIDGE-NET ←lead partner— Faro" in result.stdout


def test_paths_as_csv_gives_one_row_per_hop_with_sources() -> None:
    result = run("paths", "Faro", "Dresden", *CHAINS, "--format", "csv")
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert list(table["from"]) == ["Faro", "BRIDGE-NET", "Hub Agency", "LINK-NET"]
    assert list(table["to"]) == ["BRIDGE-NET", "Hub Agency", "LINK-NET", "Dresden"]
    assert list(table["direction"]) == ["forward", "backward", "forward", "backward"]
    assert set(table["source"]) == {"chains.txt"}


@pytest.mark.usefixtures("cli_uses_bundled_graph")
def test_kosice_to_budapest_through_roma_net() -> None:
    result = run("paths", "Košice", "Budapest")
    assert "Košice —partner in→ ROMA-NET ←lead partner— Budapest" in result.stdout


def test_same_or_unknown_city_exits_non_zero() -> None:
    same = run("paths", "Bruges", "Brugge", *CHAINS)
    assert same.exit_code == 1 and "same city" in same.output
    unknown = run("paths", "Bruggs", "Cork", *CHAINS)
    assert unknown.exit_code == 1 and "Closest matches: Bruges" in unknown.output
