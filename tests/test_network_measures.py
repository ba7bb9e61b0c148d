"""Betweenness and PageRank give networkx's numbers, on random graphs and the bundled networks.

networkx is the reference: ``betweenness_centrality`` with the same sampled sources, and
``pagerank`` converged further than ours needs.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from graphkit.analysis import network
from graphkit.analysis.network import (
    SEED,
    _betweenness,
    centrality,
    city_network,
    organisation_network,
    page_rank,
    simple_graph,
    transfer_graph,
)


def random_graph(seed: int, *, directed: bool) -> nx.Graph:
    """A sparse random graph of up to 60 nodes: several components, a few isolated nodes and,
    for some seeds, a self-loop."""
    rng = random.Random(seed)
    size = rng.randint(3, 60)
    g = nx.gnp_random_graph(size, rng.uniform(0.01, 0.15), seed=seed, directed=directed)
    g.add_nodes_from(f"alone {n}" for n in range(rng.randint(0, 3)))
    if seed % 3 == 0:
        g.add_edge(0, 0)
    return g


def reference_betweenness(g: nx.Graph, sample: int | None) -> dict:
    return nx.betweenness_centrality(g, k=sample, seed=SEED)


def assert_same(ours: dict, expected: dict, tolerance: float) -> None:
    assert list(ours) == list(expected)
    for node, value in expected.items():
        if math.isnan(value):
            assert math.isnan(ours[node]), node
        else:
            assert ours[node] == pytest.approx(value, abs=tolerance), node


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
@pytest.mark.parametrize("seed", range(12))
def test_betweenness_is_networkxs_exact_and_sampled(seed: int, directed: bool) -> None:
    g = random_graph(seed, directed=directed)
    ours, sample = _betweenness(g, exact=True)
    assert sample is None
    assert_same(ours, reference_betweenness(g, None), 1e-9)
    # Sampled: from one source (networkx leaves the sources' own share undefined) to all.
    for size in sorted({1, 2, len(g) // 3, len(g) - 1, len(g)}):
        ours, sample = _betweenness(g, sample_threshold=2, sample_size=size)
        assert sample == size
        assert_same(ours, reference_betweenness(g, size), 1e-9)


@pytest.mark.parametrize("cell_cost", [0, network.CELL_COST, 10**9], ids=["cells", "mixed", "rows"])
@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
def test_betweenness_is_the_same_level_by_level_or_cell_by_cell(
    monkeypatch, cell_cost: int, directed: bool
) -> None:
    """Each level of the search is done by sparse products over rows or arc by arc over its
    cells, whichever costs less; either way gives networkx's numbers."""
    monkeypatch.setattr(network, "CELL_COST", cell_cost)
    for seed in range(4):
        g = random_graph(seed, directed=directed)
        assert_same(_betweenness(g, exact=True)[0], reference_betweenness(g, None), 1e-9)
        ours, sample = _betweenness(g, sample_threshold=2, sample_size=len(g) // 2)
        assert_same(ours, reference_betweenness(g, sample), 1e-9)


def test_betweenness_of_a_long_path_and_of_tiny_graphs() -> None:
    path = nx.path_graph(400)
    assert_same(_betweenness(path, exact=True)[0], reference_betweenness(path, None), 1e-9)
    loop = nx.cycle_graph(300, create_using=nx.DiGraph)
    assert_same(_betweenness(loop, exact=True)[0], reference_betweenness(loop, None), 1e-9)
    for g in (nx.Graph(), nx.empty_graph(1), nx.path_graph(2), nx.DiGraph([(0, 1), (1, 2)])):
        assert_same(_betweenness(g, exact=True)[0], reference_betweenness(g, None), 1e-12)


def test_betweenness_is_the_same_whatever_the_batch_of_sources(monkeypatch) -> None:
    g = nx.connected_watts_strogatz_graph(300, 6, 0.1, seed=3)
    whole, _ = _betweenness(g, sample_threshold=100, sample_size=80)
    # One source per batch, then a few: the memory bound changes nothing but the batches.
    for cells in (1, 300 * 7):
        monkeypatch.setattr(network, "BETWEENNESS_CELLS", cells)
        assert _betweenness(g, sample_threshold=100, sample_size=80)[0] == pytest.approx(
            whole, abs=1e-12
        )
    assert_same(whole, reference_betweenness(g, 80), 1e-9)


@pytest.mark.parametrize(
    "project", [city_network, organisation_network, transfer_graph], ids=lambda f: f.__name__
)
def test_betweenness_of_the_bundled_networks_is_networkxs(bundled_graph, project) -> None:
    g = simple_graph(project(bundled_graph))
    assert_same(_betweenness(g, exact=True)[0], reference_betweenness(g, None), 1e-9)
    sample = len(g) // 4
    ours, used = _betweenness(g, sample_threshold=10, sample_size=sample)
    assert used == sample
    assert_same(ours, reference_betweenness(g, sample), 1e-9)


def test_centrality_table_rounds_networkxs_betweenness(bundled_graph) -> None:
    g = simple_graph(city_network(bundled_graph))
    table = centrality(g).table.set_index("id")
    expected = reference_betweenness(g, None)
    for node, value in expected.items():
        assert table.loc[node, "betweenness"] == pytest.approx(value, abs=1e-6), node


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
@pytest.mark.parametrize("seed", range(6))
def test_page_rank_is_networkxs_on_weighted_graphs_with_dangling_nodes(
    seed: int, directed: bool
) -> None:
    g = random_graph(seed, directed=directed)
    rng = random.Random(seed)
    for u, v in g.edges:
        g[u][v]["weight"] = rng.choice([1, 2, 5])
    # A tolerance too small to reach: both run to the same fixed point, closer than 1e-12.
    ours = page_rank(g, tolerance=0.0)
    expected = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-14, max_iter=1000)
    assert_same(ours, expected, 1e-12)
    assert sum(ours.values()) == pytest.approx(1.0, abs=1e-12)


def test_page_rank_of_the_bundled_city_network_is_networkxs(bundled_graph) -> None:
    g = simple_graph(city_network(bundled_graph))
    expected = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-14, max_iter=1000)
    assert_same(page_rank(g, tolerance=0.0), expected, 1e-12)
