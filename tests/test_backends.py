"""Queries run directly on the persistent store give the answers the rdflib graph gives; row caps,
timeouts and errors behave the same whichever way the query runs (forked child or thread)."""

from __future__ import annotations

import csv
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphkit.analysis.query import bundled_queries, query, run_query
from graphkit.cli import main
from graphkit.errors import AnswerTooLargeError, QueryTimeoutError, UnknownQueryError
from graphkit.graph.store import open_store
from graphkit.locations import DATASETS_DIR
from graphkit.sparql.backends import StoreBackend, as_backend, subgraph, subgraph_names
from graphkit.sparql.checked import check_query

CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"


def open_backend(folders, store_dir):
    """The persistent store of ``folders`` (default: the bundled data) as graphkit opens it."""
    from graphkit.knowledge_graph import KnowledgeGraph

    return KnowledgeGraph(folders=folders or (DATASETS_DIR,), store_dir=store_dir).backend


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory):
    return open_store(None, tmp_path_factory.mktemp("store"))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str).sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_every_bundled_query_answers_the_same_from_the_store_as_from_the_graph(
    name: str, bundled_store, bundled_graph
) -> None:
    from_store = query(name, graph=bundled_store)
    from_graph = query(name, graph=bundled_graph)
    assert not from_store.empty or from_graph.empty
    pd.testing.assert_frame_equal(_sorted(from_store), _sorted(from_graph))


@pytest.mark.parametrize("isolate", [True, False], ids=["forked", "thread"])
def test_row_cap_cuts_the_answer_and_says_so(
    isolate: bool, bundled_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("graphkit.sparql.backends.can_fork", lambda: isolate)
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    result = run_query(text, graph=bundled_store, max_rows=7)
    assert len(result) == 7
    assert result.truncated
    assert "first 7 rows" in result.truncation_message()
    whole = run_query(text, graph=bundled_store, max_rows=None)
    assert len(whole) == len(bundled_store) and not whole.truncated


@pytest.mark.parametrize("isolate", [True, False], ids=["forked", "thread"])
def test_a_graph_is_whole_or_refused_never_cut(
    isolate: bool, bundled_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("graphkit.sparql.backends.can_fork", lambda: isolate)
    text = "CONSTRUCT WHERE { ?s ?p ?o }"
    whole = run_query(text, graph=bundled_store, max_rows=7)
    assert len(whole) == len(bundled_store) and not whole.truncated
    with pytest.raises(AnswerTooLargeError, match="more than 7 triples"):
        run_query(text, graph=bundled_store, max_triples=7)
    exact = run_query(text, graph=bundled_store, max_triples=len(bundled_store))
    assert len(exact) == len(bundled_store)


def test_a_cap_above_the_answer_size_truncates_nothing(bundled_store) -> None:
    result = run_query("SELECT ?c WHERE { ?c a gk:City }", graph=bundled_store, max_rows=10**6)
    assert not result.truncated
    assert len(result) == len(query("SELECT ?c WHERE { ?c a gk:City }", graph=bundled_store))


def test_ask_and_unbound_cells_come_back_from_the_forked_child(bundled_store) -> None:
    assert run_query("ASK { gkr:taranto a gk:City }", graph=bundled_store).boolean is True
    assert run_query("ASK { gkr:taranto a gk:Project }", graph=bundled_store).boolean is False
    frame = query(
        "SELECT ?c ?nothing WHERE { ?c a gk:City OPTIONAL { ?c gk:noSuchProperty ?nothing } }",
        graph=bundled_store,
    )
    assert len(frame) > 10 and frame["nothing"].isna().all()


def _children() -> set[int]:
    path = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    return {int(pid) for pid in path.read_text().split()} if path.exists() else set()


def test_a_runaway_query_on_the_store_is_stopped_and_its_process_killed(bundled_store) -> None:
    before = _children()
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"did not finish within 0\.5 s"):
        run_query(CROSS_JOIN, graph=bundled_store, timeout=0.5)
    assert time.monotonic() - started < 5
    assert _children() == before  # the child was killed and reaped, not left running


def test_text_with_tabs_newlines_and_quotes_survives_the_trip_from_the_child(
    bundled_store,
) -> None:
    text = 'SELECT ?v WHERE { BIND("tab\\there\\nnew line \\"quoted\\" Košice" AS ?v) }'
    assert query(text, graph=bundled_store)["v"].tolist() == ['tab\there\nnew line "quoted" Košice']


def test_numbers_and_dates_keep_their_types_from_the_store(bundled_store) -> None:
    frame = query(
        'SELECT ?n ?d ?y ?b WHERE { BIND(3 AS ?n) BIND(2.5 AS ?d) BIND("2019"^^xsd:gYear AS ?y) '
        "BIND(true AS ?b) }",
        graph=bundled_store,
    )
    assert frame.iloc[0].tolist() == [3, 2.5, "2019", True]


def test_every_subgraph_query_is_a_safe_construct() -> None:
    assert "names" in subgraph_names()
    for name in subgraph_names():
        text = (Path(__file__).parents[1] / "graphkit/queries/subgraphs" / f"{name}.rq").read_text(
            encoding="utf-8"
        )
        assert check_query(text).form == "CONSTRUCT", name


def test_the_names_subgraph_resolves_names_like_the_whole_graph(
    bundled_store, bundled_graph
) -> None:
    from graphkit.analysis.names import resolve_name

    names = subgraph(bundled_store, "names")
    assert len(names) < len(bundled_store) / 2
    for name in ("Wien", "kosice", "MiStra", "Casa MiStra"):
        assert resolve_name(names, name) == resolve_name(bundled_graph, name)


def test_an_unknown_subgraph_is_refused_with_the_known_ones(bundled_store) -> None:
    with pytest.raises(UnknownQueryError, match="names"):
        subgraph(bundled_store, "no-such-part")


def test_a_graph_is_its_own_subgraph_and_stores_get_a_store_backend(
    bundled_graph, bundled_store
) -> None:
    assert subgraph(bundled_graph, "names") is bundled_graph
    assert isinstance(as_backend(bundled_store), StoreBackend)


def test_cli_query_runs_on_the_store_with_entity_parameters(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = CliRunner().invoke(
        main,
        [
            *("query", "transfers-into-city", "--param", "city=Tarent"),
            *("--store", str(store), "--format", "csv"),
        ],
    )
    assert result.exit_code == 1 and "Taranto" in result.output  # closest match offered
    result = CliRunner().invoke(
        main,
        [
            *("query", "transfers-into-city", "--param", "city=taranto"),
            *("--store", str(store), "--format", "csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Integrationshaus" in result.output and "MiStra" in result.output


# --- transfers read as rows from a store ---------------------------------------------------

FILTERS = [
    {},
    {"origin": "Wien"},
    {"target": "Taranto"},
    {"target": "Torino"},
    {"project": "MiStra"},
    {"practice": "Integrationshaus"},
    {"theme": "housing"},
    {"since": 2014},
    {"until": 2013},
    {"origin": "kosice", "since": 2010},
]


@pytest.fixture(scope="module")
def transfer_datasets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Datasets with transfers of every shape: bundled (unnamed groups, candidates, events),
    the chains fixture, the mini fixture alone, and synthetic data next to the bundled data."""
    from benchmarks.synth import generate
    from graphkit.locations import DATASETS_DIR
    from tests.conftest import CHAINS_DIR, MINI_DIR

    synthetic = tmp_path_factory.mktemp("synthetic")
    generate(2500, 11, synthetic)
    # The chains fixture where Dresden receives the Ledger method twice, from Bruges and (by a
    # transfer whose id sorts last) from Ávila: which transfer a cascade shows depends on the
    # order in which transfers are walked.
    twice = tmp_path_factory.mktemp("twice") / "chains"
    shutil.copytree(CHAINS_DIR, twice)
    quote = "Ávila also passed its Ledger method straight to Dresden in 2013"
    with (twice / "sources" / "chains.txt").open("a", encoding="utf-8") as text:
        text.write(quote + "\n")
    transfers = twice / "transfers.csv"
    header = next(csv.reader(transfers.open(encoding="utf-8")))
    row = {
        "id": "relay-zz-avila-ledger-to-dresden",
        "practice": "avila-ledger-method",
        "origin_city": "avila",
        "target_city": "dresden",
        "project": "relay",
        "mechanism": "study_visit",
        "start": "2013",
        "status": "completed",
        "status_quote": quote,
        "source": "chains.txt",
        "quote": quote,
    }
    with transfers.open("a", encoding="utf-8", newline="") as table:
        csv.DictWriter(table, header, restval="").writerow(row)
    return {
        "bundled": [DATASETS_DIR],
        "chains": [CHAINS_DIR],
        "mini": [MINI_DIR],
        "synthetic": [DATASETS_DIR, synthetic],
        "received twice": [twice],
    }


@pytest.mark.parametrize("name", ["bundled", "chains", "mini", "synthetic"])
def test_transfers_read_from_the_store_equal_those_of_the_graph(
    name: str, transfer_datasets, tmp_path: Path
) -> None:
    """The table read as rows (from the kept rows, the on-disk store and an in-memory graph)
    lists the same transfers as the transfer network that pictures and exports draw."""
    from graphkit.analysis.network import transfer_graph
    from graphkit.analysis.transfers import short_name, transfers_table
    from graphkit.data.load import load_datasets
    from graphkit.errors import UnknownNameError
    from graphkit.graph.build import build_graph

    folders = transfer_datasets[name]
    graph = build_graph(load_datasets(folders))
    network = transfer_graph(graph)
    drawn = sorted(
        (
            facts["transfer"],
            facts["practice"],
            network.nodes[origin]["label"],
            network.nodes[target]["label"],
            "; ".join(facts["candidates"]),
            short_name(graph, facts["project_id"]),
            facts["event"],
            facts["mechanism"],
            facts["year"],
            facts["status"],
            facts["outcome"],
            facts["resulting_practice"],
            facts["source"],
            facts["quote"],
        )
        for origin, target, facts in network.edges(data=True)
    )
    drawn_columns = [
        "transfer",
        "practice",
        "origin",
        "target",
        "candidates",
        "project",
        "event",
        "mechanism",
        "year",
        "status",
        "outcome",
        "resulting_practice",
        "source",
        "quote",
    ]
    table = transfers_table(graph)[drawn_columns].astype(object)
    listed = sorted(
        tuple(None if pd.isna(v) else v for v in row) for row in table.itertuples(index=False)
    )
    assert listed == drawn and drawn
    kept = open_backend(folders, tmp_path / "store")  # reads the rows kept with the store
    sources = [kept, kept.store]  # the plain store asks for the rows with SELECT queries
    compared = 0
    for options in FILTERS:
        try:
            expected = transfers_table(graph, **options)
        except UnknownNameError as exc:
            for source in sources:
                with pytest.raises(UnknownNameError) as raised:
                    transfers_table(source, **options)
                assert str(raised.value) == str(exc)
            continue
        for source in sources:
            pd.testing.assert_frame_equal(transfers_table(source, **options), expected)
        compared += len(expected)
    assert compared > 0


def _walked_cascades(graph) -> pd.DataFrame:
    """The cascades as graphkit walked them before they were read as rows: along the edges of
    the networkx transfer network of an rdflib graph, the first edge of a practice from a
    city making that city an origin."""
    from graphkit.analysis.network import transfer_graph, year_of
    from graphkit.analysis.transfers import cascade_frame, short_name
    from graphkit.graph.namespaces import GK, GKR

    network = transfer_graph(graph)
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for origin, target, facts in network.edges(data=True):
        common = {
            "practice_id": facts["practice_id"],
            "practice": facts["practice"],
            "project_id": facts["project_id"],
            "project": short_name(graph, facts["project_id"]),
        }
        start = graph.value(GKR[facts["practice_id"]], GK.startDate)
        rows.setdefault(
            (facts["practice_id"], origin),
            {
                **common,
                "city_id": origin,
                "city": network.nodes[origin]["label"],
                "year": year_of(start),
                "source_city_id": "",
                "source_city": "",
                "transfer": "",
            },
        )
        rows[(facts["practice_id"], target)] = {
            **common,
            "city_id": target,
            "city": network.nodes[target]["label"],
            "year": facts["year"],
            "source_city_id": origin,
            "source_city": network.nodes[origin]["label"],
            "transfer": facts["transfer"],
        }
    return cascade_frame(rows.values())  # the same order as cascades(): the walk is the point


@pytest.mark.parametrize("name", ["bundled", "chains", "mini", "synthetic", "received twice"])
def test_cascades_read_as_rows_equal_those_walked_on_the_transfer_network(
    name: str, transfer_datasets, tmp_path: Path
) -> None:
    """Row for row, column for column and dtype for dtype, the cascades of the kept rows, of
    the plain store and of an in-memory graph are those walked on the networkx transfer
    network; every transfer adds its receiving city and every practice has an origin row."""
    from graphkit.analysis.transfers import cascades
    from graphkit.data.load import load_datasets
    from graphkit.graph.build import build_graph

    folders = transfer_datasets[name]
    graph = build_graph(load_datasets(folders))
    expected = _walked_cascades(graph)
    transfers = pd.concat(
        [pd.read_csv(Path(f) / "transfers.csv", dtype=str, keep_default_na=False) for f in folders]
    )
    assert set(expected["transfer"]) - {""} <= set(transfers["id"])
    assert set(expected.loc[expected["transfer"] == "", "practice_id"]) == set(
        transfers["practice"]
    )
    kept = open_backend(folders, tmp_path / "store")
    for source in (graph, kept, kept.store):
        pd.testing.assert_frame_equal(cascades(source), expected, check_exact=True)
    if name == "received twice":  # the walk, not the order of ids, picks the transfer shown
        received = transfers.groupby(["practice", "target_city"])["id"].agg(list)
        twice = received[received.map(len) > 1]
        assert len(twice) > 0
        shown = expected.set_index(["practice_id", "city_id"])["transfer"]
        assert any(shown[key] != max(ids) for key, ids in twice.items())


def test_the_store_keeps_the_transfer_rows_and_a_lost_or_damaged_copy_is_not_trusted(
    tmp_path: Path, bundled_graph
) -> None:
    from graphkit.analysis.transfers import transfers_table
    from graphkit.graph.store import MARKER

    store_dir = tmp_path / "store"
    store = open_backend(None, store_dir)
    kept = store_dir / (json_marker(store_dir / MARKER)["data"] + ".transfer-rows.json")
    assert kept.is_file()
    expected = transfers_table(bundled_graph, origin="Wien")
    pd.testing.assert_frame_equal(transfers_table(store, origin="Wien"), expected)
    kept.write_text('{"columns": ["transfer"], "rows": [["invented"', encoding="utf-8")
    pd.testing.assert_frame_equal(transfers_table(store, origin="Wien"), expected)
    kept.unlink()
    pd.testing.assert_frame_equal(transfers_table(store, origin="Wien"), expected)


def json_marker(path: Path) -> dict:
    import json

    return json.loads(path.read_text(encoding="utf-8"))


def test_transfers_from_the_store_read_the_kept_rows_instead_of_asking_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graphkit.analysis.transfers
    from graphkit.analysis.transfers import transfers_table

    store = open_backend(None, tmp_path / "store")
    asked: list[str] = []
    real = graphkit.analysis.transfers.select_result
    monkeypatch.setattr(
        graphkit.analysis.transfers,
        "select_result",
        lambda source, name, *args, **kwargs: (
            asked.append(name) or real(source, name, *args, **kwargs)
        ),
    )
    rows = len(pd.read_csv(DATASETS_DIR / "transfers.csv", dtype=str))  # one per transfer
    assert len(transfers_table(store)) == rows
    assert "transfer-facts" not in asked
    assert len(transfers_table(store.store)) == rows  # without the kept rows, it asks
    assert "transfer-facts" in asked


@pytest.mark.parametrize("classes", [None, ["City"], ["Project", "Event"]], ids=str)
def test_the_name_index_of_the_store_is_the_name_index_of_the_graph(
    classes, bundled_store, bundled_graph
) -> None:
    from graphkit.analysis.names import name_index
    from graphkit.graph.namespaces import GK

    wanted = None if classes is None else [GK[c] for c in classes]
    from_rows = name_index(bundled_store, wanted, "entity")
    from_graph = name_index(bundled_graph, wanted, "entity")
    assert from_rows.keys == from_graph.keys
    assert from_rows.display == from_graph.display
    assert len(from_rows.display) > 20


# --- Work done in a child process meanwhile -----------------------------------------------------


def test_a_value_computed_meanwhile_comes_from_a_child_and_the_child_is_reaped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from graphkit.sparql.timeouts import Meanwhile

    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # the child is started on any machine
    before = _children()
    text = 'tab\tnewline\n quote" Košice'
    with Meanwhile(lambda: (os.getpid(), [text] * 100_000)) as later:
        here = os.getpid()
        pid, value = later.get()
    assert pid != here  # computed in another process ...
    assert value == [text] * 100_000  # ... and more than a pipe holds came back whole
    assert _children() == before


def test_an_error_raised_meanwhile_is_raised_by_get(monkeypatch: pytest.MonkeyPatch) -> None:
    from graphkit.sparql.timeouts import Meanwhile

    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # raised in the child, pickled back

    def fail() -> None:
        raise UnknownQueryError("no such query: 'x'")

    with Meanwhile(fail) as later, pytest.raises(UnknownQueryError, match="no such query"):
        later.get()


def test_a_child_whose_value_is_never_asked_for_is_stopped_when_the_caller_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from graphkit.sparql.timeouts import Meanwhile

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    before = _children()
    started = time.monotonic()
    with pytest.raises(KeyError), Meanwhile(lambda: time.sleep(60)):
        raise KeyError("the caller's own work failed")
    assert time.monotonic() - started < 5  # not waiting for the minute-long child
    assert _children() == before


def test_where_forking_is_unsafe_the_value_is_computed_when_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from graphkit.sparql import timeouts

    monkeypatch.setattr(timeouts, "can_fork", lambda: False)
    calls: list[int] = []
    with timeouts.Meanwhile(lambda: calls.append(os.getpid()) or "done") as later:
        assert calls == []
        assert later.get() == "done"
    assert calls == [os.getpid()]


def test_the_knowledge_network_is_the_same_read_property_by_property_or_at_once(
    bundled_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graphkit.analysis.network import knowledge_rows

    by_property = knowledge_rows(bundled_store)
    monkeypatch.setattr(StoreBackend, "substitutes_bindings", False)
    at_once = knowledge_rows(bundled_store)
    assert by_property.nodes == at_once.nodes and len(by_property.nodes) > 100
    assert list(by_property.edges()) == list(at_once.edges())
    assert by_property.edge_count == at_once.edge_count > 100
