"""``graphkit serve`` answers the SPARQL 1.1 Protocol on 127.0.0.1 for SPARQLWrapper and plain
HTTP clients, refuses updates, SERVICE, FROM and foreign Host headers, stops runaway queries,
and serves a query page that works offline. The server runs as a real subprocess."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from graphkit.analysis.query import bundled_queries, run_query
from graphkit.graph.namespaces import GK, GKR, PREFIXES
from graphkit.locations import STATIC_DIR
from graphkit.views.serve import make_server

MINI_DIR = Path(__file__).resolve().parent / "data" / "mini"
CITIES = "SELECT ?city ?name WHERE { ?city a gk:City ; rdfs:label ?name } ORDER BY ?name"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i"

# Runs the CLI under an audit hook that logs every network event other than the server's own
# listening socket to a file, so that a test can prove the endpoint never connects anywhere.
SERVER_SCRIPT = """
import sys
log = open(sys.argv.pop(1), "a", buffering=1, encoding="utf-8")
FLAGGED = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
           "socket.gethostbyaddr", "socket.getnameinfo", "socket.sendto", "urllib.Request",
           "http.client.connect")

def hook(event, args):
    if event.startswith(FLAGGED) or event == "socket.bind":
        log.write(f"{event} {args!r}\\n")

sys.addaudithook(hook)
from graphkit.cli import main
main()
"""


@dataclass
class Endpoint:
    base: str
    process: subprocess.Popen
    audit_log: Path

    @property
    def sparql(self) -> str:
        return self.base + "sparql"


def start_server(mini_dir: Path, log: Path, *extra: str) -> Endpoint:
    args = ["serve", "--no-bundled", "--data", str(mini_dir), "--port", "0", *extra]
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(log), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+/) ", line)
    if not found:
        process.kill()
        pytest.fail(f"the server did not start: {line!r}")
    return Endpoint(found.group(1), process, log)


def stop_server(endpoint: Endpoint) -> None:
    endpoint.process.send_signal(signal.SIGINT)
    try:
        endpoint.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        endpoint.process.kill()
        endpoint.process.wait()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> Iterator[Endpoint]:
    log = tmp_path_factory.mktemp("serve") / "audit.log"
    server = start_server(MINI_DIR, log, "--timeout", "2", "--limit", "50")
    yield server
    stop_server(server)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post(url: str, body: bytes, content_type: str, accept: str = "") -> tuple[int, dict, bytes]:
    headers = {"Content-Type": content_type, **({"Accept": accept} if accept else {})}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def query_url(endpoint: Endpoint, text: str) -> str:
    return endpoint.sparql + "?" + urllib.parse.urlencode({"query": text})


def json_rows(data: dict) -> list[tuple]:
    names = data["head"]["vars"]
    return sorted(
        tuple(binding.get(n, {}).get("value") for n in names)
        for binding in data["results"]["bindings"]
    )


def library_rows(text: str, graph: Graph) -> list[tuple]:
    result = run_query(text, graph=graph)
    return sorted(tuple(None if t is None else str(t) for t in row) for row in result.rows)


# --- SPARQLWrapper, a client nobody here wrote ------------------------------------------------


def test_sparqlwrapper_select_json(endpoint):
    client = SPARQLWrapper(endpoint.sparql)
    client.setQuery(CITIES)
    client.setReturnFormat(JSON)
    names = [b["name"]["value"] for b in client.queryAndConvert()["results"]["bindings"]]
    assert names == ["Košice", "Taranto", "Vienna"]


def test_sparqlwrapper_post_xml_and_csv(endpoint):
    client = SPARQLWrapper(endpoint.sparql)
    client.setMethod(POST)
    client.setQuery(CITIES)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    assert len(document.getElementsByTagName("result")) == 3
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.queryAndConvert().decode("utf-8"))))
    assert rows[0] == ["city", "name"]
    assert [r[1] for r in rows[1:]] == ["Košice", "Taranto", "Vienna"]


def test_sparqlwrapper_ask_and_graph_results(endpoint):
    client = SPARQLWrapper(endpoint.sparql)
    client.setQuery("ASK { gkr:vienna gk:country gkr:austria }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery("DESCRIBE gkr:vienna")
    client.setReturnFormat(XML)
    described = client.queryAndConvert()
    assert (GKR["vienna"], GK.country, GKR["austria"]) in described
    client.setQuery("CONSTRUCT { ?c gk:country ?k } WHERE { ?c gk:country ?k }")
    client.setReturnFormat(TURTLE)
    built = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert (GKR["taranto"], GK.country, GKR["italy"]) in built


def test_sparqlwrapper_update_is_forbidden_and_changes_nothing(endpoint):
    client = SPARQLWrapper(endpoint.sparql)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { gkr:vienna gk:country gkr:italy }")
    with pytest.raises(urllib.error.HTTPError) as caught:
        client.query()
    assert caught.value.code == 403
    check = SPARQLWrapper(endpoint.sparql)
    check.setQuery("ASK { gkr:vienna gk:country gkr:italy }")
    check.setReturnFormat(JSON)
    assert check.queryAndConvert()["boolean"] is False


def test_sparqlwrapper_bad_query_is_reported(endpoint):
    client = SPARQLWrapper(endpoint.sparql)
    client.setQuery("SELECT ?x WHERE { ?x")
    with pytest.raises(QueryBadFormed, match="not a valid SPARQL query"):
        client.query()


# --- Plain HTTP: the protocol and content negotiation -----------------------------------------


def test_get_post_form_and_post_query_give_the_same_answer(endpoint, mini_graph):
    expected = library_rows(CITIES, mini_graph)
    status, headers, body = get(query_url(endpoint, CITIES))
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    assert json_rows(json.loads(body)) == expected
    form = urllib.parse.urlencode({"query": CITIES}).encode()
    status, _, body = post(endpoint.sparql, form, "application/x-www-form-urlencoded")
    assert status == 200 and json_rows(json.loads(body)) == expected
    status, _, body = post(endpoint.sparql, CITIES.encode(), "application/sparql-query")
    assert status == 200 and json_rows(json.loads(body)) == expected


@pytest.mark.parametrize(
    ("accept", "content_type", "marker"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
        ("text/csv", "text/csv", b"city,name\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", b"?city\t?name\n"),
        ("text/html;q=0.9, text/csv;q=0.5", "text/csv", b"city,name"),
    ],
)
def test_select_results_in_the_format_asked_for(endpoint, accept, content_type, marker):
    status, headers, body = get(query_url(endpoint, CITIES), {"Accept": accept})
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    assert body.startswith(marker) or marker in body
    assert "Košice".encode() in body


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_and_describe_in_rdf_formats(endpoint, accept, rdf_format):
    for text in ("DESCRIBE gkr:taranto", "CONSTRUCT WHERE { gkr:taranto gk:country ?k }"):
        status, headers, body = get(query_url(endpoint, text), {"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept)
        graph = Graph().parse(data=body, format=rdf_format)
        assert (GKR["taranto"], GK.country, GKR["italy"]) in graph


def test_unacceptable_format_gets_406(endpoint):
    status, _, body = get(query_url(endpoint, CITIES), {"Accept": "image/png"})
    assert status == 406
    assert b"application/sparql-results+json" in body


def test_row_cap_is_reported_in_a_header(endpoint):
    status, headers, body = get(query_url(endpoint, "SELECT * WHERE { ?s ?p ?o }"))
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == 50
    assert "first 50 rows" in headers["X-Graphkit-Truncated"]


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400, b"SERVICE"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", 400, b"FROM"),
        ("SELECT ?x WHERE { ?x", 400, b"not a valid SPARQL query"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403, b"read-only"),
        ("LOAD <http://127.0.0.1:9/x.ttl>", 403, b"read-only"),
        ("CLEAR ALL", 403, b"read-only"),
    ],
)
def test_refused_queries_get_4xx_with_a_message(endpoint, text, status, message):
    got, _, body = get(query_url(endpoint, text))
    assert (got, message in body) == (status, True)
    got, _, body = post(endpoint.sparql, text.encode(), "application/sparql-query")
    assert (got, message in body) == (status, True)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
        (b"update=CLEAR+ALL", "application/x-www-form-urlencoded"),
    ],
)
def test_update_requests_are_forbidden(endpoint, body, content_type):
    status, _, text = post(endpoint.sparql, body, content_type)
    assert status == 403 and b"read-only" in text


def test_other_refusals(endpoint):
    assert get(endpoint.sparql + "?format=json")[0] == 400  # no query
    url = query_url(endpoint, CITIES) + "&default-graph-uri=file%3A%2F%2F%2Fetc%2Fpasswd"
    assert get(url)[0] == 400
    assert post(endpoint.sparql, b"x", "text/plain")[0] == 415
    request = urllib.request.Request(endpoint.sparql, data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 405


def test_runaway_query_is_stopped_with_503(endpoint):
    started = time.monotonic()
    status, _, body = get(query_url(endpoint, RUNAWAY))
    assert status == 503
    assert b"did not finish within 2 s" in body
    assert time.monotonic() - started < 6


def test_endpoint_never_opens_a_network_connection(endpoint):
    for text in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
    ):
        assert get(query_url(endpoint, text))[0] == 400
    events = endpoint.audit_log.read_text(encoding="utf-8").splitlines()
    assert any(e.startswith("socket.bind") for e in events)  # the hook is live
    assert [e for e in events if not e.startswith("socket.bind")] == []


# --- Who may call ---------------------------------------------------------------------------


def raw_request(endpoint: Endpoint, host: str | None, method: str = "GET", path: str = "/"):
    address = urllib.parse.urlsplit(endpoint.base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.putrequest(method, path, skip_host=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.putheader("Origin", "http://evil.example")
    connection.endheaders()
    response = connection.getresponse()
    result = response.status, dict(response.getheaders()), response.read()
    connection.close()
    return result


def test_foreign_host_headers_are_refused(endpoint):
    port = urllib.parse.urlsplit(endpoint.base).port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.nip.io:{port}", None):
        status, _, body = raw_request(endpoint, host)
        assert status == 403, host
        assert b"not this endpoint's address" in body
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert raw_request(endpoint, host)[0] == 200, host


def test_no_cors_headers_unless_asked(endpoint):
    port = urllib.parse.urlsplit(endpoint.base).port
    path = "/sparql?" + urllib.parse.urlencode({"query": CITIES})
    status, headers, _ = raw_request(endpoint, f"127.0.0.1:{port}", path=path)
    assert status == 200
    assert not any(name.lower().startswith("access-control-") for name in headers)
    assert raw_request(endpoint, f"127.0.0.1:{port}", method="OPTIONS", path="/sparql")[0] == 405


def test_cors_origin_when_asked(mini_dir, tmp_path):
    server = start_server(mini_dir, tmp_path / "audit.log", "--cors", "http://localhost:3000")
    try:
        status, headers, _ = get(query_url(server, CITIES))
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    finally:
        stop_server(server)


def test_server_listens_on_loopback_by_default(mini_graph):
    server = make_server(mini_graph, port=0)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        assert server.settings.allowed_hosts == {
            f"127.0.0.1:{port}",
            f"localhost:{port}",
            f"[::1]:{port}",
        }
        assert server.settings.cors_origin is None
    finally:
        server.server_close()


# --- Many clients -----------------------------------------------------------------------------


def test_twenty_concurrent_clients_all_get_their_own_answer(endpoint, mini_graph):
    texts = [q.text for q in bundled_queries().values()][:14]
    texts += [
        f"SELECT ?name WHERE {{ gkr:{city} rdfs:label ?name }}"
        for city in ("kosice", "taranto", "vienna", "austria", "italy", "slovakia")
    ]
    assert len(texts) == 20

    def ask(text: str) -> list[tuple]:
        status, _, body = get(query_url(endpoint, text))
        assert status == 200, body
        return json_rows(json.loads(body))

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(ask, texts))
    for text, answer in zip(texts, answers, strict=True):
        assert answer == library_rows(text, mini_graph), text


# --- The query page ---------------------------------------------------------------------------


def test_page_is_served_with_its_assets_and_a_strict_policy(endpoint):
    status, headers, body = get(endpoint.base)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    page = body.decode("utf-8")
    assert '<script src="/static/app.js"' in page
    for asset in ("app.js", "app.css", "yasgui/yasgui.min.js", "yasgui/yasgui.min.css"):
        status, _, _ = get(endpoint.base + "static/" + asset)
        assert status == 200, asset


def test_page_lists_the_bundled_queries(endpoint):
    status, _, body = get(endpoint.base + "queries.json")
    listing = json.loads(body)
    assert status == 200
    assert [q["name"] for q in listing] == sorted(bundled_queries())
    assert all(q["text"].lstrip().startswith("# question:") for q in listing)


def test_page_assets_load_nothing_from_outside():
    # The only absolute URLs allowed are vocabulary namespaces in the example query and in the
    # script's prefix table: names, never fetched.
    svg = "http://www.w3.org/2000/svg"  # the SVG namespace of the drawn views: a name
    namespaces = (*(str(namespace) for namespace in PREFIXES.values()), svg)
    for name in ("index.html", "app.js", "app.css"):
        text = (STATIC_DIR / name).read_text(encoding="utf-8")
        urls = re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text)
        assert [u for u in urls if not u.startswith(namespaces)] == [], name
        loaded = re.findall(
            r"""(?:src|href)=["']([^"']+)|url\(([^)]*)\)|fetch\(["']([^"']+)""", text
        )
        assert all(next(filter(None, found)).startswith("/") for found in loaded), loaded
        assert "@import" not in text
        assert "innerHTML" not in text and "document.write" not in text, name


def test_static_files_outside_the_page_are_not_served(endpoint):
    for path in ("static/../serve.py", "static/%2e%2e/query.py", "static/app.py", "nothing"):
        assert get(endpoint.base + path)[0] == 404, path
