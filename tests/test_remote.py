"""graphkit and real SPARQL servers (the Oxigraph server and Apache Jena, on 127.0.0.1):
``graphkit push`` uploads the graph and checks it arrived whole; queries through
:class:`graphkit.sparql.remote.Endpoint` answer as they do locally; errors name the URL (never the
password) and say what to check."""

from __future__ import annotations

import base64
import csv
import http.server
import itertools
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from graphkit.analysis.query import bundled_queries, run_query
from graphkit.cli import main
from graphkit.errors import EndpointError, ParameterError, QueryError, QueryTimeoutError
from graphkit.graph.namespaces import GKR
from graphkit.locations import DATASETS_DIR
from graphkit.sparql.checked import check_query
from graphkit.sparql.remote import Endpoint, GraphStore, push_graph
from tests.oxigraph_server import free_port

BUNDLED = "https://example.org/graphkit-tests/bundled"
INJECTIONS = (
    'x" } ; DROP ALL ; #',
    'x" || true || "',
    '"} SERVICE <http://example.org/sparql> { ?s ?p ?o } #',
    "x\n} #",
)


@pytest.fixture(scope="module")
def local_store() -> ox.Store:
    """The persistent store of the bundled datasets: what ``graphkit push`` uploads."""
    from graphkit.graph.store import open_store

    return open_store()


@pytest.fixture(scope="module")
def remote(sparql_server, local_store) -> Endpoint:
    """The query endpoint of the server, on a named graph holding the bundled graph."""
    report = push_graph(local_store, sparql_server.store_url, graph=BUNDLED, replace=True)
    assert report.verified, report.message()
    return Endpoint(sparql_server.query_url, graph=BUNDLED)


def push(*args: str):
    return CliRunner().invoke(main, ["push", *args])


def sorted_rows(frame) -> list[str]:
    return sorted(map(repr, frame.itertuples(index=False, name=None)))


def same_answer(local, remote) -> None:
    assert list(remote.columns) == list(local.columns)
    assert sorted_rows(remote) == sorted_rows(local)


# --- graphkit push ---------------------------------------------------------------------------


def test_push_uploads_the_graph_in_batches_and_confirms_the_count(sparql_server, local_store):
    total = len(local_store)
    result = push(
        "--endpoint",
        sparql_server.store_url,
        "--batch-size",
        "4000",
        "--query-endpoint",
        sparql_server.query_url,
    )
    assert result.exit_code == 0, result.output
    progress = result.stderr.splitlines()
    assert progress[0] == f"pushed 4,000 of {total:,} triples"
    assert progress[-1] == f"pushed {total:,} of {total:,} triples"
    assert f"found {total:,} triples, as expected" in result.stdout
    assert Endpoint(sparql_server.query_url).count_triples() == total


def test_push_into_a_named_graph_is_what_the_endpoint_graph_queries(sparql_server, local_store):
    graph = "https://example.org/graphkit-tests/named"
    result = push("--endpoint", sparql_server.store_url, "--graph", graph)
    assert result.exit_code == 0, result.output
    assert Endpoint(sparql_server.query_url, graph=graph).count_triples() == len(local_store)
    elsewhere = "https://example.org/graphkit-tests/never-pushed"
    assert Endpoint(sparql_server.query_url, graph=elsewhere).count_triples() == 0


def test_blank_nodes_of_the_ontology_stay_one_node_each_across_batches(sparql_server, local_store):
    count = "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b ?p ?o FILTER isBlank(?b) }"
    local = int(next(iter(local_store.query(count)))["n"].value)
    assert local > 0, "the ontology's class unions are blank nodes"
    graph = "https://example.org/graphkit-tests/blank-nodes"
    result = push("--endpoint", sparql_server.store_url, "--graph", graph, "--batch-size", "50")
    assert result.exit_code == 0, result.output
    remote = run_query(count, graph=Endpoint(sparql_server.query_url, graph=graph))
    assert remote.frame()["n"].tolist() == [local]


def test_pushing_again_with_replace_keeps_the_count(sparql_server, local_store):
    graph = "https://example.org/graphkit-tests/replaced"
    for _ in range(2):
        result = push("--endpoint", sparql_server.store_url, "--graph", graph, "--replace")
        assert result.exit_code == 0, result.output
    assert Endpoint(sparql_server.query_url, graph=graph).count_triples() == len(local_store)


def test_pushing_into_a_graph_that_holds_other_triples_fails_naming_both_counts(
    sparql_server, local_store
):
    graph = "https://example.org/graphkit-tests/not-empty"
    GraphStore(sparql_server.store_url, graph=graph).add(
        b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
    )
    result = push(
        "--endpoint",
        sparql_server.store_url,
        "--graph",
        graph,
        "--query-endpoint",
        sparql_server.query_url,
    )
    total = len(local_store)
    assert result.exit_code == 1
    assert f"Pushed {total:,} triples" in result.output
    assert f"found {total + 1:,} triples" in result.output
    assert "--replace" in result.output


def test_push_refuses_a_file_url_before_reading_anything():
    result = push("--endpoint", "file:///etc/passwd")
    assert result.exit_code == 1
    assert "'file:///etc/passwd' cannot be the URL of the graph store" in result.output


# --- The same answers remotely as locally ----------------------------------------------------


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_every_bundled_query_answers_the_same_remotely_as_locally(name, remote, bundled_graph):
    local = run_query(name, graph=bundled_graph).frame()
    same_answer(local, run_query(name, graph=remote).frame())


@pytest.mark.parametrize(
    ("name", "parameter", "entity"),
    [
        ("transfers-into-city", "city", "taranto"),
        ("projects-of-city", "city", "taranto"),
        ("events-in-city", "city", "braga"),
    ],
)
def test_parameterised_queries_answer_the_same_remotely_as_locally(
    name, parameter, entity, remote, bundled_graph
):
    bindings = {parameter: GKR[entity]}
    local = run_query(name, bindings, graph=bundled_graph).frame()
    assert len(local) > 0
    same_answer(local, run_query(name, bindings, graph=remote).frame())


def test_transfers_into_taranto_remotely_are_those_the_transfer_table_records(remote):
    with (DATASETS_DIR / "transfers.csv").open(encoding="utf-8-sig") as handle:
        expected = {
            str(GKR[row["id"]]) for row in csv.DictReader(handle) if row["target_city"] == "taranto"
        }
    frame = run_query("transfers-into-city", {"city": GKR["taranto"]}, graph=remote).frame()
    assert expected
    assert set(frame["transfer"]) == expected


def test_construct_through_an_endpoint_gives_the_local_triples(remote, bundled_graph):
    text = "CONSTRUCT { ?city a gk:City } WHERE { ?city a gk:City }"
    result = remote.run(check_query(text), {}, max_rows=None, timeout=10)
    assert all(isinstance(triple, ox.Triple) for triple in result.terms)
    same_answer(run_query(text, graph=bundled_graph).frame(), result.frame())


def test_ask_through_an_endpoint(remote):
    yes = remote.run(check_query("ASK { gkr:taranto a gk:City }"), {}, max_rows=1, timeout=10)
    no = remote.run(check_query("ASK { gkr:taranto a gk:Project }"), {}, max_rows=1, timeout=10)
    assert (yes.boolean, no.boolean) == (True, False)


def test_rows_beyond_the_cap_are_cut_off_and_reported(remote):
    result = remote.run(check_query("SELECT ?s WHERE { ?s ?p ?o }"), {}, max_rows=5, timeout=10)
    assert len(result.terms) == 5
    assert result.truncated
    assert "first 5 rows" in result.truncation_message()


# --- Parameters are values, never SPARQL ------------------------------------------------------


def test_injection_payloads_as_parameters_match_nothing_and_change_nothing(remote):
    count = remote.count_triples()
    assert len(run_query("lessons-in-category", graph=remote).frame()) > 0
    for payload in INJECTIONS:
        frame = run_query("lessons-in-category", {"category": Literal(payload)}, graph=remote)
        assert len(frame.frame()) == 0, payload
    assert remote.count_triples() == count


def test_an_iri_parameter_that_would_break_out_is_refused(remote):
    checked = check_query("SELECT ?city WHERE { ?city a gk:City }")
    with pytest.raises(ParameterError, match="cannot be sent"):
        remote.run(checked, {"city": URIRef("https://a> } ; DROP ALL #")}, max_rows=1, timeout=5)


def test_a_query_ending_in_its_own_values_cannot_take_parameters(remote):
    checked = check_query("SELECT ?city WHERE { ?city a gk:City } VALUES ?city { gkr:taranto }")
    assert len(remote.run(checked, {}, max_rows=None, timeout=10).terms) == 1
    with pytest.raises(QueryError, match="ends with its own VALUES"):
        remote.run(checked, {"city": GKR["braga"]}, max_rows=None, timeout=10)


# --- Errors -----------------------------------------------------------------------------------


def test_a_closed_port_is_an_error_naming_the_url_and_what_to_check():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match="Check that the server is running") as error:
        Endpoint(url).count_triples()
    assert url in str(error.value)


def test_a_wrong_path_is_an_error_with_the_http_status(sparql_server):
    with pytest.raises(EndpointError, match="answered HTTP 404"):
        Endpoint(f"{sparql_server.base_url}/no-such-path").count_triples()


def test_a_query_over_its_time_limit_stops_with_a_timeout_error(oxigraph_server, local_store):
    # On the Oxigraph server only: the timeout is graphkit's own, whatever the engine, and the
    # Oxigraph server stops the runaway query after a few seconds (Jena's limit is longer).
    graph = "https://example.org/graphkit-tests/runaway"
    triples = itertools.islice(local_store.quads_for_pattern(None, None, None), 2000)
    push_graph([quad.triple for quad in triples], oxigraph_server.store_url, graph=graph)
    remote = Endpoint(oxigraph_server.query_url, graph=graph)
    checked = check_query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"did not answer within 0\.3 s"):
        remote.run(checked, {}, max_rows=1, timeout=0.3)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/query", "localhost:7878/query", "http://"]
)
def test_only_http_urls_are_accepted(url):
    with pytest.raises(EndpointError, match="http:// or https:// only"):
        Endpoint(url)


def test_a_graph_that_is_not_an_iri_is_refused(oxigraph_server):
    with pytest.raises(ParameterError, match="not a valid graph IRI"):
        Endpoint(oxigraph_server.query_url, graph="my graph")


def test_credentials_never_appear_in_messages():
    endpoint = Endpoint(f"http://alice:s3cret@127.0.0.1:{free_port()}/query")
    with pytest.raises(EndpointError) as error:
        endpoint.count_triples()
    for shown in (str(error.value), endpoint.description, repr(endpoint), str(endpoint)):
        assert "s3cret" not in shown
    assert "127.0.0.1" in str(error.value)


class _Redirecting(http.server.BaseHTTPRequestHandler):
    """Answers every request with a redirect to another host, remembering what it was sent."""

    seen: ClassVar[list[str | None]] = []

    def do_POST(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        self.send_response(302)
        self.send_header("Location", "http://mallory:pw@elsewhere.example/query")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirecting_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    _Redirecting.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_credentials_go_as_basic_auth_and_redirects_are_not_followed(redirecting_server):
    endpoint = Endpoint(redirecting_server.replace("http://", "http://alice:s3cret@") + "/query")
    with pytest.raises(EndpointError, match="does not follow redirects") as error:
        endpoint.count_triples()
    assert "http://elsewhere.example/query" in str(error.value)
    assert "mallory" not in str(error.value)
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert _Redirecting.seen == [expected]
