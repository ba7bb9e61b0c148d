"""The networkx projections of the knowledge graph and the measures on them."""

from __future__ import annotations

import networkx as nx
import pytest

from graphkit.analysis.network import (
    actor_graph,
    brokers,
    centrality,
    city_network,
    communities,
    knowledge_graph,
    organisation_network,
    page_rank,
    projection,
    summary,
    transfer_graph,
)
from tests.helpers import bundled_csv, city_names

TOULOUSE_TRANSFER = "eurocities-toulouse-camps-to-housing-to-four-transfer-cities"
TARANTO_TRANSFER = "mistra-vienna-integrationshaus-to-taranto"


def two_triangles() -> nx.Graph:
    """Triangles a-b-c and d-e-f joined by the bridge c-d."""
    return nx.Graph(
        [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("d", "f")]
    )


# --- knowledge graph -------------------------------------------------------------------------


def test_knowledge_graph_keys_entities_by_dataset_id_with_label_type_and_source(bundled_graph):
    kg = knowledge_graph(bundled_graph)
    taranto = kg.nodes["taranto"]
    assert taranto["label"] == "Taranto"
    assert taranto["type"] == "City"
    assert taranto["iri"] == "https://w3id.org/graphkit/id/taranto"
    assert taranto["source"] == "004_cfd5e90651955d47.txt"
    assert "Taranto" in taranto["quote"]


def test_knowledge_graph_leaves_out_citations_and_sources_unless_asked(bundled_graph):
    kg = knowledge_graph(bundled_graph)
    types = {t for _, t in kg.nodes(data="type")}
    assert "Citation" not in types
    assert not types & {"SourceDocument", "WebPage"}
    with_sources = knowledge_graph(bundled_graph, include_provenance=True)
    cited = [v for _, v, k in with_sources.out_edges("casa-mistra", keys=True) if k == "source"]
    assert len(cited) == 1
    assert with_sources.nodes[cited[0]]["type"] == "SourceDocument"


def test_knowledge_graph_edges_are_typed_and_labelled_from_the_ontology(bundled_graph):
    kg = knowledge_graph(bundled_graph)
    edge = kg.edges[TARANTO_TRANSFER, "taranto", "targetCity"]
    assert edge == {"type": "targetCity", "label": "target city"}
    assert kg.has_edge(TARANTO_TRANSFER, "casa-mistra", key="resultingPractice")


def test_unnamed_target_group_keeps_its_id_and_says_how_many_cities(bundled_graph):
    kg = knowledge_graph(bundled_graph)
    group = kg.nodes[f"{TOULOUSE_TRANSFER}/targets"]
    assert group["type"] == "UnnamedCityGroup"
    assert group["label"] == "4 unnamed cities"


def test_node_themes_and_projects_follow_memberships_events_and_transfers(mini_graph):
    kg = knowledge_graph(mini_graph)
    assert kg.nodes["kosice-housing-approach"]["themes"] == ["housing"]
    assert kg.nodes["housing"]["themes"] == ["housing"]
    # Košice: lead partner of TESTNET (membership); the Fixture Agency: coordinator.
    assert kg.nodes["kosice"]["projects"] == ["testnet"]
    assert kg.nodes["fixture-agency"]["projects"] == ["testnet"]
    assert kg.nodes["testnet"]["projects"] == ["testnet"]
    # The unnamed cities received Košice's approach through a TESTNET transfer.
    assert kg.nodes["testnet-kosice-housing-to-unnamed/targets"]["projects"] == ["testnet"]


def test_taranto_is_linked_to_mistra_only(bundled_graph):
    assert knowledge_graph(bundled_graph).nodes["taranto"]["projects"] == ["mistra"]


# --- transfer graph --------------------------------------------------------------------------


def test_transfer_graph_has_vienna_to_taranto_through_mistra_resulting_in_casa_mistra(
    bundled_graph,
):
    tg = transfer_graph(bundled_graph)
    edge = tg.edges["vienna", "taranto", TARANTO_TRANSFER]
    assert edge["practice"] == "Integrationshaus"
    assert edge["label"] == "Integrationshaus"
    assert edge["practice_id"] == "vienna-integrationshaus"
    assert edge["resulting_practice"] == "Casa MiStra"
    assert edge["project"] == "Migrant Inclusion Strategies in European Cities"
    assert edge["project_id"] == "mistra"
    assert edge["event"] == "First MiStra transfer workshop in Taranto"
    assert edge["mechanism"] == "matching seminar, transfer workshop"
    # No start date: the year of its event (June 2013).
    assert edge["year"] == 2013
    assert edge["status"] == "still operating"
    assert edge["source"] == "004_cfd5e90651955d47.txt"
    assert edge["type"] == "PracticeTransfer"


def test_transfer_graph_keeps_toulouse_four_unnamed_cities_as_one_node(bundled_graph):
    tg = transfer_graph(bundled_graph)
    group = f"{TOULOUSE_TRANSFER}/targets"
    assert tg.nodes[group]["count"] == 4
    assert tg.nodes[group]["label"] == "4 unnamed cities"
    assert list(tg.predecessors(group)) == ["toulouse"]
    assert tg.edges["toulouse", group, TOULOUSE_TRANSFER]["year"] == 2019


def test_transfer_graph_has_one_edge_per_transfer_and_only_transfer_cities(bundled_graph):
    rows = bundled_csv("transfers")
    tg = transfer_graph(bundled_graph)
    assert tg.number_of_edges() == len(rows)
    cities = {n for n, t in tg.nodes(data="type") if t == "City"}
    named = set(rows["origin_city"]) | set(rows["target_city"]) - {""}
    assert cities == named


def test_mistra_unnamed_single_targets_list_their_candidate_cities(bundled_graph):
    rows = bundled_csv("transfers")
    unnamed = rows.loc[(rows["project"] == "mistra") & (rows["target_city"] == "")]
    assert len(unnamed)
    tg = transfer_graph(bundled_graph)
    for row in unnamed.to_dict("records"):
        group = tg.nodes[f"{row['id']}/targets"]
        assert group["count"] == 1 and group["label"] == "1 unnamed city"
        candidates = [c.strip() for c in row["target_candidates"].split(";") if c.strip()]
        assert group["candidates"] == sorted(city_names(candidates))


# --- actor network and projections -----------------------------------------------------------


def test_actor_graph_is_bipartite_with_roles_and_sources(bundled_graph):
    actors = actor_graph(bundled_graph)
    assert nx.is_bipartite(actors)
    assert actors.nodes["kosice"]["bipartite"] == 0
    assert actors.nodes["roma-net"]["bipartite"] == 1
    assert actors.edges["kosice", "roma-net"]["role"] == ["partner"]
    assert actors.edges["budapest", "roma-net"]["role"] == ["lead partner"]
    assert actors.edges["budapest", "roma-net"]["source"]
    for _, attrs in actors.nodes(data=True):
        expected = 0 if attrs["type"] in ("City", "Organisation", "Person") else 1
        assert attrs["bipartite"] == expected


def test_actor_graph_counts_an_event_venue_and_a_transfer_as_taking_part(mini_graph):
    actors = actor_graph(mini_graph)
    assert actors.edges["vienna", "testnet-policy-transfer-2019"]["role"] == ["venue"]
    assert actors.edges["fixture-agency", "testnet-policy-transfer-2019"]["role"] == ["organiser"]
    # Košice shared its approach at that event, and led TESTNET through which it went.
    assert actors.edges["kosice", "testnet-policy-transfer-2019"]["role"] == ["transferring city"]
    assert actors.edges["kosice", "testnet"]["role"] == ["lead partner", "transferring city"]


def test_city_network_weights_count_shared_projects_and_events(mini_graph, chains_graph):
    mini = city_network(mini_graph)
    # Košice and Vienna share TESTNET and the policy transfer held in Vienna.
    assert mini.edges["kosice", "vienna"]["weight"] == 2
    assert mini.edges["kosice", "vienna"]["projects"] == ["testnet", "testnet-policy-transfer-2019"]
    assert mini.edges["taranto", "vienna"]["weight"] == 1
    chains = city_network(chains_graph)
    relay = {"avila", "bruges", "cork", "dresden"}
    expected = {frozenset(p) for p in nx.complete_graph(sorted(relay)).edges} | {
        frozenset(("evora", "faro"))
    }
    assert {frozenset(e) for e in chains.edges} == expected
    assert "gijon" not in chains


def test_organisation_network_links_organisations_of_the_same_project(bundled_graph):
    orgs = organisation_network(bundled_graph)
    assert "romact" in orgs.edges["council-of-europe", "european-commission"]["projects"]
    assert {t for _, t in orgs.nodes(data="type")} == {"Organisation"}


def test_projection_names_every_graph_and_rejects_others(chains_graph):
    assert isinstance(projection(chains_graph, "transfers"), nx.MultiDiGraph)
    with pytest.raises(ValueError, match="unknown graph"):
        projection(chains_graph, "roads")


# --- measures --------------------------------------------------------------------------------


def test_bridge_between_two_triangles_has_the_highest_betweenness():
    table = centrality(two_triangles()).table.set_index("id")
    # c lies on every shortest path between {a, b} and {d, e, f}: 6 of the 10 pairs.
    assert table.loc["c", "betweenness"] == pytest.approx(0.6)
    assert table.loc["a", "betweenness"] == 0
    assert table.loc["c", "degree"] == 3
    assert table.loc["a", "reach"] == 5


def test_transfer_centrality_follows_the_direction_of_transfers(chains_graph):
    table = centrality(transfer_graph(chains_graph)).table.set_index("id")
    # Bruges is on the only shortest paths Ávila -> Cork and Ávila -> Dresden: 2 of 3 * 2.
    assert table.loc["bruges", "betweenness"] == pytest.approx(1 / 3, abs=1e-6)
    assert table["reach"].to_dict() == {"bruges": 2, "cork": 1, "dresden": 0, "avila": 3}
    assert table.loc["bruges", "out_degree"] == 2
    assert table.loc["dresden", "in_degree"] == 2


def test_brokers_rank_the_bridge_first_with_low_constraint():
    table = brokers(two_triangles()).table
    assert list(table["id"][:2]) == ["c", "d"]
    assert (
        table.set_index("id").loc["c", "constraint"] < table.set_index("id").loc["a", "constraint"]
    )


def test_large_graphs_sample_betweenness_with_a_fixed_seed_unless_exact():
    graph = nx.path_graph(30)
    first = centrality(graph, sample_threshold=10, sample_size=5)
    second = centrality(graph, sample_threshold=10, sample_size=5)
    assert first.betweenness_sample == 5
    assert first.table.equals(second.table)
    exact = centrality(graph, sample_threshold=10, exact=True)
    assert exact.betweenness_sample is None
    middle = exact.table.set_index("id").loc[15, "betweenness"]
    # Node 15 of a 30-node path separates 15 nodes from 14: 210 of the 406 pairs.
    assert middle == pytest.approx(15 * 14 / (29 * 28 / 2), abs=1e-6)


def test_page_rank_of_a_dangling_pair_matches_the_closed_form():
    ranks = page_rank(nx.DiGraph([("a", "b")]))
    # r_a = 0.075 + 0.425 r_b and r_a + r_b = 1 (damping 0.85, b dangling).
    assert ranks["a"] == pytest.approx(0.5 / 1.425)
    assert ranks["b"] == pytest.approx(1 - 0.5 / 1.425)


def test_page_rank_matches_networkx_reference_on_the_karate_club():
    from networkx.algorithms.link_analysis import pagerank_alg as reference

    graph = nx.karate_club_graph()
    expected = reference._pagerank_python(graph, weight="weight", tol=1e-12, max_iter=1000)
    ours = page_rank(graph)
    assert ours == pytest.approx(expected, abs=1e-8)


def test_summary_counts_nodes_edges_components_and_diameter(chains_graph):
    measures = dict(summary(city_network(chains_graph)).itertuples(index=False))
    assert measures["nodes"] == 6
    assert measures["edges"] == 7
    assert measures["connected components"] == 2
    assert measures["largest component (nodes)"] == 4
    assert measures["diameter of largest component"] == 1
    assert measures["transitivity"] == 1.0


def test_a_large_networks_diameter_is_a_double_sweep_that_says_so(bundled_graph):
    """Above the exact size, the summary gives the double sweep's lower bound under a name
    that says so; it lies between half the exact diameter and the exact diameter (here, on
    the bundled city and organisation networks, and a long thin ring of 400 cities)."""
    from graphkit.analysis.network import double_sweep, organisation_network

    ring = nx.connected_watts_strogatz_graph(400, 4, 0.02, seed=1)
    for g in (city_network(bundled_graph), organisation_network(bundled_graph), ring):
        largest = g.subgraph(max(nx.connected_components(g), key=len))
        exact = nx.diameter(largest)
        estimate = double_sweep(largest)
        assert exact / 2 <= estimate <= exact
        measures = dict(summary(g, exact_diameter_nodes=10).itertuples(index=False))
        assert measures["diameter of largest component (double sweep, a lower bound)"] == estimate
        assert "diameter of largest component" not in measures
    assert exact > 10  # the ring's diameter is long enough for the bound to mean something


def test_communities_find_the_two_triangles_and_repeat_with_the_seed():
    result = communities(two_triangles())
    groups = result.table.groupby("community")["id"].apply(frozenset).tolist()
    assert sorted(groups, key=sorted) == [frozenset("abc"), frozenset("def")]
    assert result.modularity > 0.3
    assert communities(two_triangles()).table.equals(result.table)


def test_resolution_changes_how_many_communities_are_found():
    graph = two_triangles()
    assert communities(graph, resolution=0.01).table["community"].max() == 1
    assert communities(graph, resolution=1).table["community"].max() == 2
    assert communities(graph, resolution=5).table["community"].max() > 2


def test_city_communities_of_the_chains_fixture(chains_graph):
    table = communities(city_network(chains_graph)).table
    first = table[table["community"] == 1]
    assert list(first["label"]) == ["Ávila", "Bruges", "Cork", "Dresden"]
    assert set(table[table["community"] == 2]["id"]) == {"evora", "faro"}
    assert set(first["size"]) == {4}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_burt_measures_equal_networkx_definitions(seed: int) -> None:
    import random

    from graphkit.analysis.network import burt_measures

    rng = random.Random(seed)
    g = nx.gnp_random_graph(25, 0.3, seed=seed)
    for u, v in g.edges:
        g[u][v]["weight"] = rng.randint(1, 4)
    g.add_node("alone")
    constraint, effective = burt_measures(g)
    expected_c = nx.constraint(g, weight="weight")
    # Node by node: with SciPy installed and no nodes given, networkx takes a matrix shortcut
    # whose effective sizes of weighted graphs differ from its own definition.
    expected_e = nx.effective_size(g, nodes=list(g), weight="weight")
    for n in g:
        if n == "alone":
            assert constraint[n] != constraint[n] and effective[n] != effective[n]
            continue
        assert constraint[n] == pytest.approx(expected_c[n])
        assert effective[n] == pytest.approx(expected_e[n])


@pytest.mark.parametrize("block", [1, 7, 50, 1 << 22])
def test_burt_measures_are_the_same_however_many_pairs_are_taken_together(
    monkeypatch, block
) -> None:
    from graphkit.analysis import network

    # A clique of 12 (each of its nodes has 11 x 11 neighbour pairs) beside a weighted random
    # graph, its pairs taken a few at a time or all at once.
    g = nx.complete_graph(12)
    other = nx.gnp_random_graph(30, 0.2, seed=4)
    g.add_weighted_edges_from((f"r{u}", f"r{v}", 1 + (u * v) % 3) for u, v in other.edges)
    g.add_edge(0, "r1", weight=2)
    monkeypatch.setattr(network, "BURT_BLOCK", block)
    constraint, effective = network.burt_measures(g)
    expected_c = nx.constraint(g, weight="weight")
    expected_e = nx.effective_size(g, nodes=list(g), weight="weight")
    for n in g:
        if g.degree(n) == 0:
            continue
        assert constraint[n] == pytest.approx(expected_c[n]), n
        assert effective[n] == pytest.approx(expected_e[n]), n


def test_brokers_of_a_network_without_links_leave_burt_measures_empty() -> None:
    g = nx.Graph()
    g.add_nodes_from([("a", {"label": "A", "type": "City"}), ("b", {"label": "B", "type": "City"})])
    table = brokers(g).table
    assert sorted(table["label"]) == ["A", "B"]
    assert table["constraint"].isna().all() and table["effective_size"].isna().all()
    assert list(table["degree"]) == [0, 0]


def test_a_network_without_links_has_one_community_per_node_and_no_modularity():
    g = nx.Graph()
    g.add_nodes_from([("a", {"label": "A"}), ("b", {"label": "B"})])
    result = communities(g)
    assert sorted(result.table["community"]) == [1, 2]
    assert result.modularity is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_transitivity_equals_networkx_definition(seed: int) -> None:
    from graphkit.analysis.network import transitivity

    g = nx.powerlaw_cluster_graph(120, 4, 0.4, seed=seed)
    g.add_edge(0, 0)  # self-loops are ignored, as networkx does
    g.add_node("alone")
    assert transitivity(g) == nx.transitivity(g)
    assert transitivity(nx.empty_graph(3)) == nx.transitivity(nx.empty_graph(3)) == 0


def test_burt_measures_need_no_dense_matrix_on_a_large_sparse_network() -> None:
    from graphkit.analysis.network import burt_measures

    # 20,000 nodes: a dense adjacency matrix alone would take 3.2 GB.
    ring = nx.circulant_graph(20_000, [1, 2])
    constraint, effective = burt_measures(ring)
    small = nx.circulant_graph(12, [1, 2])
    assert constraint[5] == pytest.approx(nx.constraint(small)[5])
    assert effective[5] == pytest.approx(nx.effective_size(small)[5])


def test_city_network_read_from_the_store_equals_the_one_of_the_built_graph(bundled_graph):
    import graphkit

    from_store = city_network(graphkit.open().backend)
    built = city_network(bundled_graph)
    assert list(from_store.nodes(data=True)) == list(built.nodes(data=True))
    assert list(from_store.edges(data=True)) == list(built.edges(data=True))


@pytest.mark.parametrize("kind", ["cities", "organisations", "actors"])
@pytest.mark.parametrize("fixture", ["bundled_graph", "mini_graph", "chains_graph"])
def test_the_networks_measured_without_details_are_the_same_nodes_and_edges_in_order(
    kind: str, fixture: str, request: pytest.FixtureRequest
) -> None:
    graph = request.getfixturevalue(fixture)
    full, lean = projection(graph, kind), projection(graph, kind, details=False)
    assert list(lean) == list(full)  # sampled betweenness and Louvain follow the node order
    assert [(n, a) for n, a in lean.nodes(data=True)] == [
        (n, {key: a[key] for key in ("label", "type", "bipartite") if key in a})
        for n, a in full.nodes(data=True)
    ]
    weights = [(u, v, w) for u, v, w in full.edges(data="weight")]
    assert list(lean.edges(data="weight")) == weights
    assert all(len(data) <= 1 for *_, data in lean.edges(data=True))
    assert centrality(lean).table.equals(centrality(full).table)
    assert communities(lean).table.equals(communities(full).table)


@pytest.mark.parametrize("seed", range(40))
def test_projects_from_the_link_arrays_are_those_node_projects_walks(seed: int) -> None:
    """The knowledge export finds every node's projects with sparse matrices; on random links
    (repeated, self-links, events linked to events, hubs linked to hubs) it finds what the
    set walk of ``node_projects`` finds, in the same (id) order."""
    import random

    import numpy as np

    from graphkit.analysis.network import _set_knowledge_projects, node_projects

    rng = random.Random(seed)
    classes = ["Project", "Event", "Membership", "PracticeTransfer", "City", "Organisation"]
    size = rng.randint(1, 40)
    ids = sorted(f"n{rng.randrange(10**6):06d}-{i}" for i in range(size))
    nodes = [(node, node, rng.choice(classes), node, "", "", [], []) for node in ids]
    links = [(rng.randrange(size), rng.randrange(size)) for _ in range(rng.randint(0, 3 * size))]
    sources = np.array([a for a, _ in links], dtype=np.int64)
    targets = np.array([b for _, b in links], dtype=np.int64)
    _set_knowledge_projects(nodes, sources, targets)
    kind = {row[0]: row[2] for row in nodes}
    walked = node_projects(kind, [(ids[a], ids[b]) for a, b in links], ids)
    assert {row[0]: row[-1] for row in nodes} == walked


@pytest.mark.parametrize("seed", range(30))
def test_shared_counts_by_sparse_product_are_the_pairs_each_group_gives(seed: int) -> None:
    """Without details the projection counts shared groups with one sparse product; on random
    links (ids in any order, groups of one, actors of the other type, groups nobody shares) it
    gives the pairs, in order, and the weights that counting each group's pairs gives."""
    import random
    from collections import Counter
    from itertools import combinations

    from graphkit.analysis.network import _shared_counts

    rng = random.Random(seed)
    actors = [f"a{i}" for i in rng.sample(range(1000), rng.randint(1, 40))]
    members = sorted(rng.sample(actors, rng.randint(0, len(actors))))
    links = {
        (actor, f"g{group}")
        for group in rng.sample(range(1000), rng.randint(0, 25))
        for actor in rng.sample(actors, min(rng.randint(0, 6), len(actors)))
    }
    counted: Counter[tuple[str, str]] = Counter()
    for group in {g for _, g in links}:
        shared = sorted(a for a, g in links if g == group and a in members)
        counted.update(combinations(shared, 2))
    expected = [(a, b, {"weight": w}) for (a, b), w in sorted(counted.items())]
    assert _shared_counts(sorted(links, key=lambda _: rng.random()), members) == expected


def random_weighted_graph(seed: int) -> nx.Graph:
    """A random network with communities of varying strength, whole and fractional weights,
    unweighted links, self-loops and isolated nodes, its nodes named and added in a shuffled
    order (so a node's neighbours are not held in the order its links are listed)."""
    import random

    rng = random.Random(seed)
    sizes = [rng.randint(1, 20) for _ in range(rng.randint(1, 12))]
    inside, outside = rng.uniform(0.2, 0.9), rng.uniform(0.0, 0.15)
    planted = nx.random_partition_graph(sizes, inside, outside, seed=seed)
    names = [f"n{rng.randrange(10**6)}-{node}" for node in planted]
    order = list(planted)
    rng.shuffle(order)
    g = nx.Graph()
    g.add_nodes_from(names[node] for node in order)
    links = list(planted.edges)
    rng.shuffle(links)
    # Half the networks have only whole weights, where moves tie more often.
    weights = [1, 2, 3] if seed % 2 else [1, 2, 3, 0.5, 1.25]
    for u, v in links:
        attrs = {} if rng.random() < 0.4 else {"weight": rng.choice(weights)}
        g.add_edge(names[u], names[v], **attrs)
    for node in rng.sample(names, min(2, len(names))):
        g.add_edge(node, node, weight=rng.choice([1, 2]))
    g.add_node(f"alone-{seed}")
    return g


@pytest.mark.parametrize("seed", range(60))
def test_louvain_finds_the_communities_networkx_finds(seed: int) -> None:
    """graphkit's Louvain makes networkx's moves: the same communities, in the same order,
    with the same seed and resolution, and networkx's modularity of them."""
    from graphkit.analysis.louvain import louvain

    g = random_weighted_graph(seed)
    for resolution in (0.5, 1.0, 2.0):
        found = louvain(g, resolution=resolution, seed=seed)
        expected = nx.community.louvain_communities(g, resolution=resolution, seed=seed)
        assert found.communities == expected
        assert found.modularity == pytest.approx(
            nx.community.modularity(g, expected, resolution=resolution), abs=1e-12
        )


@pytest.mark.parametrize(
    "network",
    [
        nx.ring_of_cliques(12, 4),
        nx.connected_caveman_graph(9, 5),
        nx.grid_2d_graph(7, 9),
        nx.karate_club_graph(),
        nx.les_miserables_graph(),
    ],
    ids=["ring of cliques", "caveman", "grid", "karate club", "les misérables"],
)
@pytest.mark.parametrize("seed", range(4))
def test_louvain_breaks_ties_as_networkx_does_on_symmetric_networks(network, seed) -> None:
    """Where many moves gain exactly as much (equal cliques in a ring, a grid), which one is
    made depends on the order neighbours and communities are weighed in: networkx's order."""
    from graphkit.analysis.louvain import louvain

    for resolution in (0.5, 1.0):
        expected = nx.community.louvain_communities(network, resolution=resolution, seed=seed)
        assert louvain(network, resolution=resolution, seed=seed).communities == expected


def test_louvain_of_a_network_without_links_is_one_community_per_node() -> None:
    from graphkit.analysis.louvain import louvain

    g = nx.Graph()
    g.add_nodes_from(["b", "a"])
    found = louvain(g)
    assert found.communities == nx.community.louvain_communities(g) == [{"b"}, {"a"}]
    assert found.modularity is None


@pytest.mark.parametrize("seed", range(20))
def test_modularity_from_arrays_equals_networkx_definition(seed: int) -> None:
    """Any partition's modularity, summed with arrays, is networkx's on random weighted graphs
    with self-loops, unweighted links and isolated nodes, at several resolutions."""
    import random

    from graphkit.analysis.louvain import modularity

    rng = random.Random(seed)
    g = random_weighted_graph(seed)
    nodes = list(g)
    rng.shuffle(nodes)
    cuts = sorted(rng.sample(range(1, len(nodes)), rng.randint(0, min(5, len(nodes) - 1))))
    parts = [set(nodes[a:b]) for a, b in zip([0, *cuts], [*cuts, len(nodes)], strict=True)]
    for resolution in (0.5, 1.0, 2.0):
        expected = nx.community.modularity(g, parts, weight="weight", resolution=resolution)
        assert modularity(g, parts, resolution=resolution) == pytest.approx(expected, abs=1e-12)


def test_modularity_of_what_does_not_part_the_network_is_refused() -> None:
    from graphkit.analysis.louvain import modularity

    g = two_triangles()
    with pytest.raises(ValueError, match="do not part"):
        modularity(g, [{"a", "b", "c"}, {"d", "e"}])  # f is in none
    with pytest.raises(ValueError, match="do not part"):
        modularity(g, [{"a", "b", "c", "d"}, {"d", "e", "f"}])  # d is in two
    assert modularity(g, [{"a", "b", "c"}, {"d", "e", "f"}]) == pytest.approx(
        nx.community.modularity(g, [{"a", "b", "c"}, {"d", "e", "f"}])
    )


@pytest.mark.parametrize("block", [1, 5, 1 << 21])
def test_each_triangle_is_found_once_however_the_pairs_are_batched(monkeypatch, block) -> None:
    import numpy as np

    from graphkit.analysis import network

    g = nx.powerlaw_cluster_graph(150, 5, 0.5, seed=3)  # hubs and many triangles
    monkeypatch.setattr(network, "BURT_BLOCK", block)
    arcs = np.array(sorted([(u, v) for u, v in g.edges] + [(v, u) for u, v in g.edges]))
    tails, heads = arcs[:, 0], arcs[:, 1]
    keys = tails * 150 + heads
    found = []
    for ka, kb, ab in network._triangles(tails, heads, keys, 150):
        # k -> a, k -> b and a -> b
        assert (tails[ka] == tails[kb]).all() and (heads[ka] == tails[ab]).all()
        assert (heads[kb] == heads[ab]).all()
        found += [frozenset(t) for t in zip(tails[ka], heads[ka], heads[kb], strict=True)]
    expected = {frozenset((u, v, w)) for u, v in g.edges for w in set(g[u]) & set(g[v])}
    assert len(found) == len(set(found)) == sum(nx.triangles(g).values()) // 3 > 100
    assert set(found) == expected
