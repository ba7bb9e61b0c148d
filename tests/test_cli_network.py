"""`graphkit network summary|centrality|brokers|communities` on the CHAINS fixture."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from graphkit.cli import main
from tests.conftest import CHAINS_DIR

CHAINS = ("--no-bundled", "--data", str(CHAINS_DIR))


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def csv_table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def test_summary_of_the_city_network() -> None:
    result = run("network", "summary", *CHAINS, "--format", "json")
    assert result.exit_code == 0, result.output
    measures = {r["measure"]: r["value"] for r in json.loads(result.stdout)}
    assert (measures["nodes"], measures["edges"], measures["connected components"]) == (6, 7, 2)


def test_centrality_of_the_transfer_network_ranks_bruges_first() -> None:
    result = run("network", "centrality", "--graph", "transfers", *CHAINS, "--format", "csv")
    assert result.exit_code == 0, result.output
    table = csv_table(result.stdout)
    assert table["id"].iloc[0] == "bruges"
    assert table.set_index("id").loc["bruges", "betweenness"] == 0.333333
    assert table.set_index("id").loc["avila", "reach"] == 3


def test_top_limits_the_rows() -> None:
    result = run("network", "centrality", *CHAINS, "--top", "2", "--format", "csv")
    assert len(csv_table(result.stdout)) == 2


def test_brokers_table_shows_betweenness_and_constraint() -> None:
    result = run("network", "brokers", "--graph", "transfers", *CHAINS)
    assert result.exit_code == 0, result.output
    header, _, first, *_ = result.stdout.splitlines()
    assert header.split() == [
        "id",
        "label",
        "type",
        "betweenness",
        "constraint",
        "effective_size",
        "degree",
    ]
    assert first.split()[0] == "bruges"


def test_communities_of_the_city_network_with_modularity_on_stderr() -> None:
    result = run("network", "communities", *CHAINS, "--format", "csv")
    assert result.exit_code == 0, result.output
    table = csv_table(result.stdout)
    assert set(table[table["community"] == 2]["label"]) == {"Évora", "Faro"}
    assert "2 communities, modularity" in result.stderr
    top = csv_table(run("network", "communities", *CHAINS, "--top", "1", "--format", "csv").stdout)
    assert set(top["community"]) == {1}


@pytest.mark.parametrize("kind", ["cities", "organisations", "actors", "transfers"])
def test_communities_are_networkx_louvain_communities_of_the_bundled_networks(
    kind, bundled_graph
) -> None:
    """What the command prints is what networkx's Louvain finds, with the same seed, in the
    network the command measures (undirected, parallel links summed into weights)."""
    import networkx as nx

    from graphkit.analysis.network import _measured, projection

    result = run("network", "communities", "--graph", kind, "--format", "csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"id": str})
    found = {frozenset(group["id"]) for _, group in table.groupby("community")}
    network = _measured(projection(bundled_graph, kind), undirected=True)
    expected = nx.community.louvain_communities(network, weight="weight", seed=42)
    assert len(expected) > 2
    assert found == {frozenset(community) for community in expected}


def test_organisation_network_of_one_organisation_is_summarised() -> None:
    result = run("network", "summary", "--graph", "organisations", *CHAINS, "--format", "csv")
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str)
    measures = dict(table.itertuples(index=False))
    assert measures["nodes"] == "1" and measures["edges"] == "0"
    assert measures["isolated nodes"] == "1"


def test_unknown_network_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["network", "summary", "--graph", "roads"])
    assert result.exit_code == 2 and "roads" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["transfers"],
        ["paths"],
        ["network"],
        ["network", "summary"],
        ["network", "centrality"],
        ["network", "brokers"],
        ["network", "communities"],
        ["cascades"],
        ["export"],
    ],
)
def test_every_transfer_and_network_command_has_help_with_an_example(command) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
