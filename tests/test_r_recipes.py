"""The R recipes of docs/recipes/ run with real R and igraph on real exports of the bundled
data, and give the numbers graphkit gives."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from graphkit.analysis import network
from graphkit.analysis.transfers import cascades
from graphkit.cli import main
from tests.conftest import REPO_DIR
from tests.helpers import needs_tool

RECIPES = REPO_DIR / "docs" / "recipes"


def r_has_igraph() -> bool:
    """Whether Rscript runs and loads igraph."""
    if shutil.which("Rscript") is None:
        return False
    loaded = subprocess.run(
        ["Rscript", "-e", "library(igraph)"], capture_output=True, timeout=60, check=False
    )
    return loaded.returncode == 0


pytestmark = [
    pytest.mark.slow,
    needs_tool(r_has_igraph(), "needs R with igraph (apt-get install r-base-core r-cran-igraph)"),
]


@pytest.fixture(scope="module")
def networks(bundled_graph) -> dict[str, nx.Graph]:
    """graphkit's networks of the bundled data, each computed once for this module."""
    kinds = ["cities", "transfers", "organisations"]
    return {kind: network.projection(bundled_graph, kind) for kind in kinds}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory, bundled_graph) -> Iterator[Path]:
    """A folder with what the recipes read, written by graphkit's own commands as the README
    says: GraphML and CSV exports, the cascades and the communities tables. The commands get
    the session's bundled graph (speed only)."""
    from graphkit.knowledge_graph import KnowledgeGraph

    folder = tmp_path_factory.mktemp("r-recipes")
    commands = {
        "cities.graphml": ["export", "--format", "graphml", "--graph", "cities"],
        "transfers.graphml": ["export", "--format", "graphml", "--graph", "transfers"],
        "organisations.graphml": ["export", "--format", "graphml", "--graph", "organisations"],
        "cities.csv": ["export", "--format", "csv", "--graph", "cities"],
        "transfers.csv": ["export", "--format", "csv", "--graph", "transfers"],
    }
    printed = {
        "cascades.csv": ["cascades", "--format", "csv"],
        "cities-communities.csv": [
            "network",
            "communities",
            "--graph",
            "cities",
            "--format",
            "csv",
        ],
        "organisations-communities.csv": [
            "network",
            "communities",
            "--graph",
            "organisations",
            "--format",
            "csv",
        ],
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(KnowledgeGraph, "graph", lambda self, *_args: bundled_graph)
        for name, args in commands.items():
            result = CliRunner().invoke(main, [*args, "--out", str(folder / name)])
            assert result.exit_code == 0, result.output
        for name, args in printed.items():
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            (folder / name).write_text(result.stdout, encoding="utf-8")
    yield folder


def rscript(recipe: str, *args: str, folder: Path) -> pd.DataFrame:
    """Run ``Rscript docs/recipes/<recipe> <args>`` in ``folder``; its CSV output as a table."""
    done = subprocess.run(
        ["Rscript", str(RECIPES / recipe), *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return pd.read_csv(io.StringIO(done.stdout), keep_default_na=False, na_values=[""])


# --- Centrality ------------------------------------------------------------------------------

# (file given to the recipe, graphkit's network); CSV tables of a directed network follow
# --directed on the command line.
CENTRALITY_INPUTS = [
    ("cities.graphml", "cities"),
    ("transfers.graphml", "transfers"),
    ("organisations.graphml", "organisations"),
    ("cities.csv", "cities"),
    ("transfers.csv", "transfers"),
]


@pytest.fixture(scope="module")
def r_centrality(exports: Path) -> pd.DataFrame:
    files = [name for name, _ in CENTRALITY_INPUTS]
    return rscript("centrality.R", *files[:-1], "--directed", files[-1], folder=exports).set_index(
        ["network", "id"]
    )


@pytest.mark.parametrize(("file", "kind"), CENTRALITY_INPUTS)
def test_centrality_recipe_gives_graphkits_degree_betweenness_and_pagerank(
    file: str, kind: str, r_centrality: pd.DataFrame, networks: dict[str, nx.Graph]
):
    expected = network.centrality(networks[kind]).table.set_index("id")
    found = r_centrality.loc[file]
    assert sorted(found.index) == sorted(expected.index)
    found = found.loc[expected.index]
    counts = ["degree", "weighted_degree", "reach"]
    if kind == "transfers":
        counts += ["in_degree", "out_degree"]
    for column in counts:
        assert found[column].astype(int).tolist() == expected[column].astype(int).tolist(), column
    # graphkit rounds to network.DIGITS; R prints every digit.
    for column in ["betweenness", "pagerank"]:
        rounded = found[column].round(network.DIGITS)
        assert rounded.tolist() == expected[column].tolist(), column
    assert found["betweenness"].max() > 0


@pytest.mark.parametrize("kind", ["cities", "transfers"])
def test_centrality_recipe_ranks_brokers_as_graphkit_does(
    kind: str, r_centrality: pd.DataFrame, networks: dict[str, nx.Graph]
):
    brokers = network.brokers(networks[kind]).table
    top = brokers[brokers["betweenness"] > brokers["betweenness"].iloc[5]]
    found = r_centrality.loc[f"{kind}.graphml"]
    assert len(top) >= 3
    assert found.index[: len(top)].tolist() == top["id"].tolist()


def test_centrality_recipe_does_not_read_weights_as_distances(
    r_centrality: pd.DataFrame, networks: dict[str, nx.Graph]
):
    """igraph's default (the old README's recipe) reads the shared-project counts as
    distances; that ranking is not graphkit's, so the recipe must not use it."""
    cities = network.simple_graph(networks["cities"])
    as_distance = nx.betweenness_centrality(cities, weight="weight")
    found = r_centrality.loc["cities.graphml"]["betweenness"]
    assert max(abs(found[n] - as_distance[n]) for n in cities) > 1e-3


# --- Communities -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def r_communities(exports: Path) -> pd.DataFrame:
    return rscript(
        "communities.R",
        "cities.graphml",
        "cities-communities.csv",
        "organisations.graphml",
        "organisations-communities.csv",
        folder=exports,
    )


@pytest.mark.parametrize("kind", ["cities", "organisations"])
def test_communities_recipe_scores_graphkits_partition_as_graphkit_does(
    kind: str, r_communities: pd.DataFrame, networks: dict[str, nx.Graph]
):
    expected = network.communities(networks[kind])
    rows = r_communities[r_communities["network"] == f"{kind}.graphml"].set_index("partition")
    graphkit_row = rows.loc["graphkit"]
    assert graphkit_row["communities"] == expected.count
    assert round(graphkit_row["modularity"], network.DIGITS) == expected.modularity
    # igraph's own Louvain runs too; a heuristic, so only its shape is checked.
    igraph_row = rows.loc["igraph cluster_louvain"]
    assert igraph_row["communities"] >= 2
    assert 0 < igraph_row["modularity"] < 1


# --- Cascades --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def r_cascades(exports: Path) -> pd.DataFrame:
    return rscript("cascades.R", "cascades.csv", folder=exports)


def test_cascades_recipe_keeps_every_member_and_every_origin(
    r_cascades: pd.DataFrame, bundled_graph
):
    expected = cascades(bundled_graph)
    members = lambda t: sorted(zip(t["practice_id"], t["city_id"], strict=True))  # noqa: E731
    assert members(r_cascades) == members(expected)
    origins = expected[expected["transfer"] == ""]
    assert members(r_cascades[r_cascades["role"] == "origin"]) == members(origins)
    # The origin comes first in each cascade.
    firsts = r_cascades.groupby("practice_id", sort=False).head(1)
    assert set(firsts["role"]) == {"origin"}


def test_cascades_recipe_origins_are_where_transfers_start(
    r_cascades: pd.DataFrame, networks: dict[str, nx.Graph]
):
    """Derived from the transfer network, not from graphkit's cascades table: for each
    practice, the origin sends and never receives, and a city's generation is its number of
    transfers from the origin."""
    transfers = networks["transfers"]
    for practice, rows in r_cascades.groupby("practice_id"):
        tree = nx.DiGraph(
            (u, v) for u, v, p in transfers.edges(data="practice_id") if p == practice
        )
        starts = {n for n in tree if tree.in_degree(n) == 0}
        assert set(rows.loc[rows["role"] == "origin", "city_id"]) == starts, practice
        hops = nx.multi_source_dijkstra_path_length(tree, starts)
        assert dict(zip(rows["city_id"], rows["generation"], strict=True)) == hops, practice


def test_cascades_recipe_times_undated_origins_before_their_adopters(r_cascades: pd.DataFrame):
    undated_origins = 0
    for practice, rows in r_cascades.groupby("practice_id"):
        origin = rows[rows["role"] == "origin"].iloc[0]
        adopters = rows[rows["role"] == "adopter"]
        dated = adopters["year"].dropna()
        assert adopters["event_time"].dropna().tolist() == dated.tolist(), practice
        if pd.notna(origin["year"]):
            assert origin["event_time"] == origin["year"], practice
        elif len(dated):
            undated_origins += 1
            assert origin["event_time"] == dated.min() - 1, practice
        else:
            assert pd.isna(origin["event_time"]), practice
    # The bundled data has origins without a year whose adopters have one.
    assert undated_origins > 0


# --- The README's R --------------------------------------------------------------------------


def readme_r_blocks() -> list[str]:
    """The bodies of the README's ```r code blocks."""
    text = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```r\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def test_readme_r_code_names_graphkits_top_five_brokers(
    exports: Path, networks: dict[str, nx.Graph]
):
    (code,) = readme_r_blocks()
    (exports / "readme.R").write_text(code, encoding="utf-8")
    done = subprocess.run(
        ["Rscript", "-e", 'writeLines(names(source("readme.R")$value))'],
        cwd=exports,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    brokers = network.brokers(networks["cities"]).table
    assert done.stdout.splitlines() == brokers["label"].head(5).tolist()
