"""Queries cannot reach the network or files, change the graph, be injected into, or run forever
(reliability checklist items 1-10)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import unicodedata

import pytest
from rdflib import Literal, URIRef

import graphkit.analysis.query as gq
from graphkit.analysis.query import bundled_queries, query, run_query, run_query_with_values
from graphkit.errors import (
    AmbiguousNameError,
    ForbiddenQueryError,
    ParameterError,
    QueryTimeoutError,
    UnknownNameError,
    UpdateRefusedError,
)
from graphkit.graph.namespaces import GKR

ENGINES = gq.ENGINES
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i"
INJECTIONS = [
    '"',
    'x" || true || "',
    "x' || true || '",
    "} SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } {",
    "> } SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } { <x",
    "# comment",
    "?city",
    "*",
]
SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/> { ?s ?q ?r } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?q ?r } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }",
    "ASK { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
]
UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 'x' } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD <file:///etc/passwd>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP ALL",
    "CREATE GRAPH <urn:g>",
    "ADD DEFAULT TO <urn:g>",
]


# --- 1-3: SERVICE, FROM and updates are refused before anything runs --------------------------


def test_rdflib_never_loads_from_graphs_once_it_runs_a_query():
    """graphkit turns rdflib's loading of FROM graphs off before its engine parses a query (a
    fresh interpreter: in this one another test may have done it already)."""
    code = textwrap.dedent(
        """
        import rdflib, rdflib.plugins.sparql
        from graphkit.analysis.query import run_query
        before = rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS
        graph = rdflib.Graph()
        graph.add((rdflib.URIRef("urn:a"), rdflib.URIRef("urn:b"), rdflib.Literal("c")))
        run_query("ASK { ?s ?p ?o }", graph=graph, engine="rdflib")
        print(before, rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]


@pytest.mark.parametrize("text", SERVICE_QUERIES)
@pytest.mark.parametrize("engine", ENGINES)
def test_service_is_refused(text, engine, mini_graph):
    with pytest.raises((ForbiddenQueryError, gq.QuerySyntaxError)) as caught:
        run_query(text, graph=mini_graph, engine=engine)
    if "\\u" not in text:  # an escaped keyword is not even valid SPARQL for rdflib
        assert "SERVICE is refused" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "ASK FROM <file:///etc/hostname> { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ],
)
def test_from_and_from_named_are_refused(text, mini_graph):
    with pytest.raises(ForbiddenQueryError, match="FROM and FROM NAMED are refused"):
        run_query(text, graph=mini_graph)


@pytest.mark.parametrize("text", UPDATES)
@pytest.mark.parametrize("engine", ENGINES)
def test_updates_are_refused_and_the_graph_is_unchanged(text, engine, mini_graph):
    before = len(mini_graph)
    with pytest.raises(UpdateRefusedError, match="read-only"):
        run_query(text, graph=mini_graph, engine=engine)
    assert len(mini_graph) == before
    assert len(gq.oxigraph_store(mini_graph)) == before


def test_nonsense_is_a_syntax_error_not_an_update(mini_graph):
    with pytest.raises(gq.QuerySyntaxError, match="not a valid SPARQL query"):
        run_query("SELECT ?x WHERE { ?x", graph=mini_graph)


# --- 1, 4, 5: audit hooks in a subprocess -----------------------------------------------------

AUDIT_PRELUDE = """
import json, os, sys
NETWORK = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
           "socket.gethostbyaddr", "socket.getnameinfo", "socket.sendto", "socket.sendmsg",
           "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
network, writes = [], []
watch_writes = [False]

def hook(event, args):
    if event.startswith(NETWORK):
        network.append(event)
        raise PermissionError("network use: " + event)
    if event == "open" and watch_writes[0]:
        path, mode, flags = args
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (flags or 0) & WRITE_FLAGS:
            writes.append(str(path))

sys.addaudithook(hook)
"""


def run_audited(body: str) -> dict:
    """Run ``body`` after a deny-all network audit hook in a fresh interpreter; return what it
    printed as ``AUDIT <json>``."""
    script = AUDIT_PRELUDE + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("AUDIT ")]
    assert lines, f"no audit report; stderr:\n{done.stderr}"
    return json.loads(lines[-1].removeprefix("AUDIT "))


def test_cli_service_query_is_refused_before_any_socket_is_opened(mini_dir):
    report = run_audited(
        f"""
        import click
        from graphkit.cli import main
        outcomes = []
        for engine in ("oxigraph", "rdflib"):
            try:
                main(["query", "SELECT * WHERE {{ SERVICE <http://127.0.0.1:9/sparql> "
                      "{{ ?s ?p ?o }} }}", "--engine", engine, "--no-bundled", "--data",
                      {str(mini_dir)!r}], standalone_mode=False)
                outcomes.append("ran")
            except click.ClickException as exc:
                outcomes.append(exc.format_message())
        print("AUDIT " + json.dumps({{"network": network, "outcomes": outcomes}}))
        """
    )
    assert report["network"] == []
    assert len(report["outcomes"]) == 2
    assert all("SERVICE is refused" in outcome for outcome in report["outcomes"])


def test_load_query_and_export_use_no_network_and_queries_write_no_file(mini_dir):
    report = run_audited(
        f"""
        from graphkit.graph.build import build_graph
        from graphkit.data.load import load_datasets
        from graphkit.views.output import render_frame
        from graphkit.analysis.query import bundled_queries, run_query
        graph = build_graph(load_datasets([{str(mini_dir)!r}]))
        watch_writes[0] = True
        rows = 0
        for name in bundled_queries():
            for engine in ("oxigraph", "rdflib"):
                # In this process, where the hook sees everything the engines do.
                frame = run_query(name, graph=graph, engine=engine, timeout=None).frame()
                render_frame(frame, "csv")
                rows += len(frame)
        # And once through the child process that enforces timeouts.
        rows += len(run_query("project-partners", graph=graph, timeout=30).rows)
        print("AUDIT " + json.dumps({{"network": network, "writes": writes, "rows": rows}}))
        """
    )
    assert report == {"network": [], "writes": [], "rows": report["rows"]}
    assert report["rows"] > 0


# --- 6, 7: timeout and row cap ------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_cross_join_with_order_by_is_stopped_within_the_timeout(engine, mini_graph):
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"did not finish within 1 s and was stopped"):
        run_query(RUNAWAY, graph=mini_graph, engine=engine, timeout=1)
    assert time.monotonic() - started < 4


def test_timeout_in_a_thread_where_processes_cannot_fork():
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"within 0\.3 s"):
        gq.call_with_timeout(lambda: time.sleep(5), 0.3, isolate=False)
    assert time.monotonic() - started < 2
    assert gq.call_with_timeout(lambda: 42, 1, isolate=False) == 42
    with pytest.raises(ZeroDivisionError):
        gq.call_with_timeout(lambda: 1 / 0, 1, isolate=False)


def test_errors_in_the_query_process_reach_the_caller():
    with pytest.raises(ZeroDivisionError):
        gq.call_with_timeout(lambda: 1 / 0, 5, isolate=True)
    assert gq.call_with_timeout(lambda: {"rows": [1, 2]}, 5, isolate=True) == {"rows": [1, 2]}


def test_row_cap_reports_truncation(mini_graph):
    result = run_query("SELECT * WHERE { ?s ?p ?o }", graph=mini_graph, max_rows=10)
    assert len(result.frame()) == 10
    assert result.truncated and "first 10 rows" in result.truncation_message()


# --- 8-10: parameters are bound as terms ------------------------------------------------------

PARAMETERS = [
    (bundled.name, parameter)
    for bundled in bundled_queries().values()
    for parameter in bundled.parameters
]


@pytest.mark.parametrize(
    ("name", "parameter"), PARAMETERS, ids=[f"{n}-{p.name}" for n, p in PARAMETERS]
)
@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_payload_typed_as_a_parameter_returns_nothing(
    name, parameter, payload, mini_graph
):
    try:
        result = run_query_with_values(name, {parameter.name: payload}, mini_graph)
    except (UnknownNameError, AmbiguousNameError, ParameterError):
        return  # refused: no rows at all
    assert result.rows == []


@pytest.mark.parametrize(
    ("name", "parameter"), PARAMETERS, ids=[f"{n}-{p.name}" for n, p in PARAMETERS]
)
@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_payload_bound_through_the_library_returns_nothing(
    name, parameter, payload, mini_graph
):
    term = Literal(payload) if parameter.kind == "literal" else URIRef(payload)
    try:
        frame = query(name, {parameter.name: term}, mini_graph)
    except ParameterError:
        return
    assert frame.empty


def test_the_same_payload_pasted_into_the_text_would_match_every_row(mini_graph):
    # Why binding matters: pasted, the payload turns the filter into "true".
    template = 'SELECT ?lesson WHERE {{ ?lesson gk:lessonCategory ?c FILTER(?c = "{}") }}'
    pasted = query(template.format('x" || true || "'), graph=mini_graph)
    assert len(pasted) == 1
    bound = query("lessons-in-category", {"category": Literal('x" || true || "')}, graph=mini_graph)
    assert bound.empty


def test_plain_strings_are_refused_as_bindings(mini_graph):
    with pytest.raises(TypeError, match="Literal or URIRef"):
        query("transfers-into-city", {"city": "Taranto"}, mini_graph)
    with pytest.raises(TypeError, match="Literal or URIRef"):
        query("transfers-into-city", {"city": 42}, mini_graph)


def test_user_text_is_nfc_normalised(mini_graph):
    decomposed = unicodedata.normalize("NFD", "Košice")
    assert decomposed != "Košice"
    text = "SELECT ?city ?name WHERE { ?city rdfs:label ?name }"
    frame = query(text, {"name": Literal(decomposed)}, mini_graph)
    assert frame["city"].tolist() == [str(GKR["kosice"])]
    terms = gq.parameter_terms(mini_graph, "projects-of-city", {"city": decomposed})
    assert terms == {"city": GKR["kosice"]}
    assert gq.literal_value(decomposed) == Literal("Košice")


@pytest.mark.parametrize(
    "iri",
    [
        "http://a> } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o",
        "https://w3id.org/graphkit/id/kosice> . ?x ?y ?z . <x:",
        "no scheme",
        'http://example.org/"quoted"',
        "http://example.org/{braces}",
    ],
)
def test_invalid_iris_are_refused_with_a_clear_message(iri, mini_graph):
    with pytest.raises(ParameterError, match="not a valid IRI"):
        query("transfers-into-city", {"city": URIRef(iri)}, mini_graph)
