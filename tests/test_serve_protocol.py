"""The rest of the SPARQL 1.1 protocol family over HTTP on 127.0.0.1: the service description at
``GET /sparql``, the read-only Graph Store Protocol at ``/data?default``, CONSTRUCT answers that
are whole or refused (never cut), and the workbench's name resolution. Real server processes."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic

from graphkit.cli import main
from graphkit.graph.namespaces import GKR
from tests.test_serve import MINI_DIR, Endpoint, get, start_server, stop_server

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> Iterator[Endpoint]:
    """The mini graph served with a row cap of 50, far below its number of triples."""
    server = start_server(MINI_DIR, tmp_path_factory.mktemp("p") / "audit.log", "--limit", "50")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def capped(tmp_path_factory) -> Iterator[Endpoint]:
    """The mini graph served with an operator's cap of 100 triples per graph answer."""
    log = tmp_path_factory.mktemp("c") / "audit.log"
    server = start_server(MINI_DIR, log, "--max-triples", "100")
    yield server
    stop_server(server)


def request(url: str, method: str = "GET", accept: str = "") -> tuple[int, dict, bytes]:
    headers = {"Accept": accept} if accept else {}
    req = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def parsed(body: bytes, media_type: str) -> Graph:
    return Graph().parse(data=body, format=RDF_TYPES[media_type])


def whole_graph(endpoint: Endpoint) -> Graph:
    status, _, body = request(endpoint.base + "data?default", accept="application/n-triples")
    assert status == 200
    return parsed(body, "application/n-triples")


# --- Service description ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "media_type", ["text/turtle", "application/rdf+xml", "application/n-triples"]
)
def test_bare_get_on_sparql_describes_the_service(endpoint, media_type: str) -> None:
    status, headers, body = request(endpoint.sparql, accept=media_type)
    assert status == 200 and headers["Content-Type"].startswith(media_type)
    description = parsed(body, media_type)
    service = URIRef(endpoint.sparql)
    assert (service, SD.endpoint, service) in description
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in description
    formats = set(description.objects(service, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_CSV, FORMATS.Turtle} <= formats
    (count,) = description.objects(None, VOID.triples)
    assert count.toPython() == len(whole_graph(endpoint))


def test_service_description_defaults_to_turtle(endpoint) -> None:
    status, headers, body = request(endpoint.sparql)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert (URIRef(endpoint.sparql), SD.endpoint, None) in parsed(body, "text/turtle")


# --- Graph Store Protocol (read-only) ---------------------------------------------------------


def test_graph_store_gives_the_whole_graph_in_each_format(endpoint, mini_graph: Graph) -> None:
    graphs = {}
    for media_type in ("text/turtle", "application/n-triples", "application/ld+json"):
        status, headers, body = request(endpoint.base + "data?default", accept=media_type)
        assert status == 200 and headers["Content-Type"].startswith(media_type)
        graphs[media_type] = parsed(body, media_type)
    first, *others = graphs.values()
    assert len(first) == len(mini_graph)
    assert all(isomorphic(first, other) for other in others)
    assert isomorphic(first, mini_graph)


def test_graph_store_head_has_the_headers_without_the_body(endpoint) -> None:
    url = endpoint.base + "data?default"
    status, headers, body = request(url, method="HEAD", accept="text/turtle")
    _, full_headers, full_body = request(url, accept="text/turtle")
    assert status == 200 and body == b""
    assert headers["Content-Length"] == full_headers["Content-Length"] == str(len(full_body))


def test_graph_store_refuses_writes_and_other_graphs(endpoint) -> None:
    before = len(whole_graph(endpoint))
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        status, headers, body = request(endpoint.base + "data?default", method=method)
        assert status == 405, method
        assert headers["Allow"] == "GET, HEAD"
        assert b"read-only" in body
    named = "data?" + urllib.parse.urlencode({"graph": "https://example.org/g"})
    assert request(endpoint.base + named)[0] == 404
    assert request(endpoint.base + "data")[0] == 400
    assert request(endpoint.base + "data?default", accept="text/csv")[0] == 406
    assert len(whole_graph(endpoint)) == before


# --- Graph answers: whole, or refused ---------------------------------------------------------


def test_construct_of_the_whole_graph_is_never_cut(endpoint) -> None:
    url = endpoint.sparql + "?" + urllib.parse.urlencode({"query": EVERYTHING})
    status, headers, body = request(url, accept="application/n-triples")
    assert status == 200
    assert "X-Graphkit-Truncated" not in headers
    answer = parsed(body, "application/n-triples")
    assert len(answer) > 50  # the row cap of this endpoint
    assert isomorphic(answer, whole_graph(endpoint))


def test_a_graph_over_the_operators_cap_is_an_error(capped) -> None:
    url = capped.sparql + "?" + urllib.parse.urlencode({"query": EVERYTHING})
    status, _, body = get(url)
    assert status == 422
    message = body.decode("utf-8")
    assert "more than 100 triples" in message and "--max-triples" in message
    small = f"DESCRIBE <{GKR['kosice']}>"
    status, _, body = get(capped.sparql + "?" + urllib.parse.urlencode({"query": small}))
    assert status == 200 and len(Graph().parse(data=body, format="turtle")) > 0


def test_cli_construct_is_whole_or_fails_naming_the_cap(mini_graph: Graph) -> None:
    runner = CliRunner()
    data = ("--no-bundled", "--data", str(MINI_DIR))
    whole = runner.invoke(main, ["query", *data, EVERYTHING, "--limit", "5", "--format", "csv"])
    assert whole.exit_code == 0, whole.output
    assert len(whole.output.strip().splitlines()) - 1 == len(mini_graph)
    assert "Showing the first" not in whole.output
    capped = runner.invoke(main, ["query", *data, EVERYTHING, "--max-triples", "10"])
    assert capped.exit_code != 0
    assert "more than 10 triples" in capped.output and "--max-triples" in capped.output


# --- Names for the workbench's parameter fields ------------------------------------------------


def resolve(endpoint: Endpoint, **values: str) -> tuple[int, bytes]:
    status, _, body = request(endpoint.base + "resolve?" + urllib.parse.urlencode(values))
    return status, body


def test_parameter_fields_resolve_names_as_the_cli_does(endpoint) -> None:
    cities = mini_csv("cities")
    vienna = cities[cities["local_names"].str.contains("Wien")]["id"].item()
    status, body = resolve(endpoint, query="transfers-into-city", city="Wien")
    assert status == 200
    answer = json.loads(body)
    assert answer["terms"]["city"]["value"] == str(GKR[vienna])
    assert answer["text"].rstrip().endswith(f"VALUES (?city) {{ (<{GKR[vienna]}>) }}")
    status, body = resolve(endpoint, query="transfers-into-city", city="Wiem")
    assert status == 404 and "Vienna" in body.decode("utf-8")
    assert resolve(endpoint, query="no-such-query", city="Wien")[0] == 400


def test_bound_query_over_http_answers_as_the_cli(endpoint) -> None:
    _, body = resolve(endpoint, query="transfers-into-city", city="Taranto")
    text = json.loads(body)["text"]
    url = endpoint.sparql + "?" + urllib.parse.urlencode({"query": text})
    status, _, answer = request(url, accept="application/sparql-results+json")
    assert status == 200
    over_http = {b["transfer"]["value"] for b in json.loads(answer)["results"]["bindings"]}
    runner = CliRunner()
    cli = runner.invoke(
        main,
        ["query", "--no-bundled", "--data", str(MINI_DIR), "transfers-into-city",
         "--param", "city=Taranto", "--format", "csv"],
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    transfers = mini_csv("transfers")
    expected = {str(GKR[t]) for t in transfers[transfers["target_city"] == "taranto"]["id"]}
    assert over_http == expected and over_http
    assert all(iri.removeprefix(str(GKR)) in cli.output for iri in expected)


def mini_csv(name: str):
    import pandas as pd

    return pd.read_csv(Path(MINI_DIR) / f"{name}.csv", dtype=str, keep_default_na=False)
