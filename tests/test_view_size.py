"""A view too large to draw is refused before its network is built: the nodes a view surely has
(``<view>-view-nodes.rq``) are read from the store, at most ``--max-nodes`` + 1 of them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graphkit.analysis import network
from graphkit.analysis.names import entity_id
from graphkit.cli import main
from graphkit.errors import ViewError
from graphkit.knowledge_graph import KnowledgeGraph
from graphkit.locations import DATASETS_DIR
from graphkit.sparql.backends import select_result
from graphkit.views.visualise import LISTED_VIEWS, draw_view, more_nodes_than, select_view
from tests.helpers import dataset_stores

DATASETS = ("bundled", "mini", "chains", "synthetic")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ox.Store]:
    """The local store of each dataset (:func:`tests.helpers.dataset_stores`)."""
    return dataset_stores(tmp_path_factory, 600, 3)


def listed(store: ox.Store, view: str) -> list[str]:
    rows = select_result(store, f"{view}-view-nodes").terms
    return [entity_id(node.value) for (node,) in rows]


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("view", sorted(LISTED_VIEWS))
def test_the_nodes_listed_before_a_view_is_built_are_nodes_of_the_view(
    stores: dict[str, ox.Store], dataset: str, view: str
) -> None:
    """Otherwise a view could be refused for nodes it does not have."""
    nodes = listed(stores[dataset], view)
    assert nodes or dataset not in ("bundled", "synthetic")  # an empty list would prove nothing
    assert len(nodes) == len(set(nodes))
    assert set(nodes) <= set(select_view(stores[dataset], view))


@pytest.mark.parametrize("view", sorted(LISTED_VIEWS))
def test_a_view_surely_too_large_is_refused_without_building_its_network(
    stores: dict[str, ox.Store], view: str, monkeypatch
) -> None:
    store = stores["synthetic"]
    count = len(listed(store, view))
    assert more_nodes_than(store, view, count - 1)
    assert not more_nodes_than(store, view, count)

    def never(*_args, **_kwargs):
        raise AssertionError("the view's network was built")

    for name in (
        "knowledge_graph",
        "transfer_graph",
        "actor_graph",
        "city_network",
        "organisation_network",
    ):
        monkeypatch.setattr(network, name, never)
    with pytest.raises(ViewError, match=f"more than {count - 1:,} nodes, the limit"):
        draw_view(store, view, max_nodes=count - 1)


@pytest.mark.parametrize("view", sorted(LISTED_VIEWS))
def test_a_view_within_the_limit_is_drawn(stores: dict[str, ox.Store], view: str) -> None:
    store = stores["bundled"]
    size = select_view(store, view).number_of_nodes()
    picture = draw_view(store, view, max_nodes=size)
    assert picture.nodes == size
    with pytest.raises(ViewError, match=f"{size:,} nodes, more than the limit of {size - 1:,}"):
        draw_view(store, view, max_nodes=size - 1)


def test_narrowed_views_are_built_before_they_are_measured(stores: dict[str, ox.Store]) -> None:
    """A filter may leave few nodes of many: only the built view can tell."""
    store = stores["bundled"]
    size = select_view(store, "transfers", since=2019).number_of_nodes()
    assert 0 < size < len(listed(store, "transfers"))
    assert draw_view(store, "transfers", since=2019, max_nodes=size).nodes == size


def test_cli_refuses_the_default_view_of_a_large_graph_before_fetching_it(
    tmp_path: Path, monkeypatch
) -> None:
    """`graphkit visualise` on its own draws the full view; on a large graph it answers at once
    instead of fetching the whole knowledge graph first."""

    def never(*_args, **_kwargs):
        raise AssertionError("a subgraph was fetched for the view")

    monkeypatch.setattr(KnowledgeGraph, "graph", never)
    monkeypatch.setattr(network, "knowledge_graph", never)
    out = tmp_path / "full.html"
    store = tmp_path / "store"
    result = CliRunner().invoke(
        main,
        ["visualise", "--store", str(store), "--max-nodes", "50", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    assert "Knowledge graph has more than 50 nodes, the limit that stays usable" in result.output
    assert "--project" in result.output and "--view ego --center NAME" in result.output
    assert not out.exists()


@pytest.mark.parametrize("view", ["transfers", "cities"])
def test_a_view_drawn_through_the_knowledge_graph_lists_its_nodes_once(
    tmp_path: Path, monkeypatch, view: str
) -> None:
    """Once on the store, not again on what is fetched from it: with a high --max-nodes the
    whole list is read (at 1,000,000 rows the transfers view's takes 1.7 s)."""
    from graphkit.views import visualise

    asked: list[str] = []
    real = visualise.more_nodes_than

    def counted(graph, name: str, limit: int) -> bool:
        asked.append(name)
        return real(graph, name, limit)

    monkeypatch.setattr(visualise, "more_nodes_than", counted)
    kg = KnowledgeGraph(folders=(DATASETS_DIR,), store_dir=tmp_path / "store")
    picture = kg.view(view, max_nodes=100_000)
    assert picture.nodes > 0 and asked == [view]


@pytest.mark.parametrize(
    ("view", "options"),
    [
        ("full", {}),
        ("transfers", {}),
        ("actors", {}),
        ("cities", {"project": "MISTRA"}),
        ("organisations", {}),
        ("ego", {"center": "Budapest", "depth": 2}),
        ("project", {"project": "MISTRA"}),
    ],
)
def test_every_view_is_drawn_from_the_store_itself_as_from_the_whole_graph(
    tmp_path: Path, monkeypatch, view: str, options: dict
) -> None:
    """No subgraph is fetched into memory for a view (so every view works at any size and on an
    endpoint), and the page is the one drawn from the whole graph."""
    kg = KnowledgeGraph(folders=(DATASETS_DIR,), store_dir=tmp_path / "store")
    whole = kg.graph()
    expected = draw_view(whole, view, max_nodes=100_000, **options)

    def never(*_args, **_kwargs):
        raise AssertionError("a subgraph was fetched for the view")

    monkeypatch.setattr(KnowledgeGraph, "graph", never)
    picture = kg.view(view, max_nodes=100_000, **options)
    assert picture.nodes == expected.nodes > 1
    assert picture.content == expected.content
