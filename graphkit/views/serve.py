"""A read-only SPARQL 1.1 Protocol endpoint over the graph, and an offline query page.

``make_server(graph)`` answers at ``/sparql`` (GET, POST form, POST ``application/sparql-query``)
in SPARQL results JSON, XML, CSV or TSV, and Turtle, N-Triples, JSON-LD or RDF/XML for CONSTRUCT
and DESCRIBE, chosen by the ``Accept`` header (or a ``format`` parameter). ``/`` serves a page
for writing and running queries, preloaded with the bundled queries; its script and style are
served from ``graphkit/static`` so it works without internet.

The endpoint is stricter than Fuseki or the Oxigraph server: updates get 403, SERVICE and FROM
get 400 (the checks of :mod:`graphkit.analysis.query`), each query has a timeout, it listens on 127.0.0.1
unless asked otherwise, refuses requests whose ``Host`` header is not its own (DNS rebinding)
and sends no CORS headers unless an origin is allowed explicitly.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Variable
from rdflib.query import Result

from graphkit.analysis.query import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    QueryResult,
    bundled_queries,
    oxigraph_store,
    run_query,
)
from graphkit.errors import (
    AmbiguousNameError,
    AnswerTooLargeError,
    GraphkitError,
    QueryError,
    QueryTimeoutError,
    UnknownNameError,
    UpdateRefusedError,
)
from graphkit.graph.namespaces import PREFIXES
from graphkit.locations import STATIC_DIR
from graphkit.sparql.timeouts import mark_process_disposable
from graphkit.views.listener import (
    DEFAULT_MAX_PER_CLIENT,
    DEFAULT_REQUEST_DEADLINE,
    DEFAULT_WORKERS,
    BufferedRequestHandlerMixin,
    Listener,
    Listener6,
)
from graphkit.views.workbench import (
    RDFLIB_FORMATS,
    graph_document,
    resolve_parameters,
    service_description,
    write_graph,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_BODY = 1 << 20  # bytes; a query longer than 1 MiB is refused
WARM_UP_QUERY = "SELECT ?s WHERE { ?s a ?class } LIMIT 1"

# Media types the endpoint can write, per kind of result; the first is the default.
TABLE_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = RDFLIB_FORMATS
# Values of the non-standard ``format`` / ``output`` parameters that some clients send.
FORMAT_NAMES = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "nt": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
    "json-ld": (None, "application/ld+json"),
    "jsonld": (None, "application/ld+json"),
}
PAGE_HEADERS = {
    "Content-Security-Policy": (
        # YASGUI sets inline styles; scripts stay limited to this server's own files.
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
}
_STATIC_NAME = re.compile(r"^(yasgui/)?[A-Za-z0-9_-]+(\.min)?\.(html|js|css)$")
_STATIC_TYPES = {
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
}


@dataclass
class EndpointSettings:
    """How the endpoint answers: the graph, the engine, the limits and who may call it."""

    graph: Graph | ox.Store
    engine: str = "oxigraph"
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    cors_origin: str | None = None
    allowed_hosts: set[str] = field(default_factory=set)
    max_triples: int | None = None


# graphkit's errors as HTTP statuses, the most specific first; any other is the client's: 400.
ERROR_STATUS: tuple[tuple[type[GraphkitError], int], ...] = (
    (AnswerTooLargeError, 422),
    (UpdateRefusedError, 403),
    (QueryTimeoutError, 503),
    (AmbiguousNameError, 409),
    (UnknownNameError, 404),
)


def http_status(error: GraphkitError) -> int:
    """The HTTP status that answers ``error`` (see :data:`ERROR_STATUS`)."""
    return next((status for kind, status in ERROR_STATUS if isinstance(error, kind)), 400)


class HTTPError(Exception):
    """An answer other than 200: its status and a message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def negotiate(form: str, accept: str | None, format_values: Iterable[str] = ()) -> str:
    """The media type to answer a ``form`` query in, from ``format`` values or ``Accept``.

    Raises:
        HTTPError: 406 when nothing the client accepts can be written.
    """
    is_graph = form in ("CONSTRUCT", "DESCRIBE")
    types = GRAPH_TYPES if is_graph else TABLE_TYPES
    for value in format_values:
        value = value.strip().lower()
        if value in types:
            return value
        named = FORMAT_NAMES.get(value)
        if named and named[is_graph]:
            return named[is_graph]
    default = next(iter(types))
    if not accept:
        return default
    ranked = []
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, media.lower()))
    for _, _, media in sorted(ranked):
        if media in types:
            return media
        if media in ("*/*", "application/*") or (media == "text/*" and is_graph):
            return default
        if media == "text/*":
            return "text/csv"
    raise HTTPError(
        406, f"Cannot answer a {form} query as {accept}; use one of: {', '.join(types)}"
    )


def _tsv(result: QueryResult) -> bytes:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialise(result: QueryResult, media_type: str) -> bytes:
    """``result`` written in ``media_type`` (one of :data:`TABLE_TYPES` or :data:`GRAPH_TYPES`)."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return write_graph(result.graph(), media_type)
    name = TABLE_TYPES[media_type]
    if result.form == "ASK" and name in ("csv", "tsv"):
        return f"_askResult\n{str(result.boolean).lower()}\n".encode()
    if name == "tsv":
        return _tsv(result)
    table = Result(result.form)
    if result.form == "ASK":
        table.askAnswer = bool(result.boolean)
    else:
        table.vars = [Variable(v) for v in result.variables]
        table.bindings = [
            {Variable(v): t for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
    return table.serialize(format=name, encoding="utf-8")


def queries_json() -> bytes:
    """The bundled queries with their questions, parameters and text, for the query page."""
    listing = [{**q.as_dict(), "text": q.text} for q in bundled_queries().values()]
    return json.dumps(listing, ensure_ascii=False).encode("utf-8")


class SparqlHandler(BufferedRequestHandlerMixin, http.server.BaseHTTPRequestHandler):
    """Answers the SPARQL protocol at ``/sparql`` and serves the query page."""

    server: SparqlServer
    server_version = "graphkit-sparql"

    def setup(self) -> None:
        # This handler runs in a child that exits after one answer: a query over its time is
        # abandoned with the child instead of forking once more (see graphkit.sparql.timeouts).
        mark_process_disposable()
        super().setup()

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if self.server.settings.cors_origin:
            self.send_header("Access-Control-Allow-Origin", self.server.settings.cors_origin)
            self.send_header("Vary", "Origin")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _fail(self, error: HTTPError) -> None:
        self._send(error.status, f"{error}\n".encode(), "text/plain; charset=utf-8")

    def _check_host(self) -> None:
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.settings.allowed_hosts:
            raise HTTPError(
                403, f"Host {host or '(none)'!r} is not this endpoint's address; request refused."
            )

    def _handle(self, action: Callable[[], None]) -> None:
        try:
            self._check_host()
            action()
        except HTTPError as error:
            self._fail(error)
        except GraphkitError as error:
            self._fail(HTTPError(http_status(error), str(error)))

    def do_GET(self) -> None:
        self._handle(self._get)

    def do_HEAD(self) -> None:
        self._handle(self._get)

    def do_POST(self) -> None:
        if urllib.parse.urlsplit(self.path).path == "/data":
            self._refuse_write()
        else:
            self._handle(self._post)

    def do_OPTIONS(self) -> None:
        def preflight() -> None:
            if not self.server.settings.cors_origin:
                raise HTTPError(405, "Cross-origin requests are not enabled (see --cors).")
            self._send(
                204,
                b"",
                "text/plain",
                Access_Control_Allow_Methods="GET, POST",
                Access_Control_Allow_Headers="Content-Type, Accept",
            )

        self._handle(preflight)

    def _refuse_write(self) -> None:
        def refuse() -> None:
            message = "This endpoint is read-only: the graph can be read (GET), never written.\n"
            self._send(405, message.encode(), "text/plain; charset=utf-8", Allow="GET, HEAD")

        self._handle(refuse)

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    def _get(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        parameters = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/sparql" and not url.query:
            self._describe_service()
        elif url.path == "/sparql":
            self._answer(parameters)
        elif url.path == "/data":
            self._graph_store(parameters)
        elif url.path == "/resolve":
            self._resolve(parameters)
        elif url.path == "/":
            self._static("index.html")
        elif url.path == "/queries.json":
            self._send(200, queries_json(), "application/json; charset=utf-8")
        elif url.path == "/prefixes.json":
            prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
            body = json.dumps(prefixes).encode("utf-8")
            self._send(200, body, "application/json; charset=utf-8")
        elif url.path.startswith("/static/"):
            self._static(url.path.removeprefix("/static/"))
        else:
            raise HTTPError(404, f"Nothing at {url.path}; the endpoint is /sparql.")

    def _own_address(self) -> str:
        """This endpoint's base address as the client called it (its ``Host`` was checked)."""
        return f"http://{(self.headers.get('Host') or '').strip().lower()}"

    def _describe_service(self) -> None:
        """The SPARQL 1.1 Service Description, in the graph format the client accepts."""
        media_type = negotiate("DESCRIBE", self.headers.get("Accept"))
        description = service_description(
            f"{self._own_address()}/sparql", self.server.settings.graph
        )
        self._send(200, write_graph(description, media_type), f"{media_type}; charset=utf-8")

    def _graph_store(self, parameters: dict[str, list[str]]) -> None:
        """The read-only SPARQL 1.1 Graph Store Protocol: ``GET /data?default``."""
        if "graph" in parameters:
            raise HTTPError(404, "This store has no named graphs; ask for /data?default.")
        if list(parameters) != ["default"] or parameters["default"] != [""]:
            raise HTTPError(400, "Ask for the default graph as /data?default.")
        media_type = negotiate("CONSTRUCT", self.headers.get("Accept"))
        body = graph_document(self.server.settings.graph, media_type)
        self._send(200, body, f"{media_type}; charset=utf-8")

    def _resolve(self, parameters: dict[str, list[str]]) -> None:
        """The workbench's parameter fields resolved by name: ``/resolve?query=NAME&city=Wien``."""
        names = parameters.pop("query", [])
        if len(names) != 1:
            raise HTTPError(400, "Name exactly one bundled query in the 'query' parameter.")
        if any(len(values) != 1 for values in parameters.values()):
            raise HTTPError(400, "Give each parameter one value.")
        values = {name: found[0] for name, found in parameters.items()}
        answer = resolve_parameters(self.server.settings.graph, names[0], values)
        body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self._send(200, body, "application/json; charset=utf-8")

    def _static(self, name: str) -> None:
        path = STATIC_DIR / name
        if not _STATIC_NAME.match(name) or not path.is_file():
            raise HTTPError(404, f"No such file: {name}")
        content_type = _STATIC_TYPES[name.rsplit(".", 1)[1]]
        self._send(200, path.read_bytes(), content_type, **PAGE_HEADERS)

    def _post(self) -> None:
        if urllib.parse.urlsplit(self.path).path != "/sparql":
            raise HTTPError(404, "POST queries to /sparql.")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise HTTPError(411, "A POST needs a Content-Length.")
        if int(length) > MAX_BODY:
            raise HTTPError(413, f"The request body is larger than {MAX_BODY} bytes.")
        body = self.rfile.read(int(length)).decode("utf-8", errors="replace")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise HTTPError(403, "This endpoint is read-only: SPARQL updates are refused.")
        if content_type == "application/sparql-query":
            parameters = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            parameters["query"] = [body]
        elif content_type == "application/x-www-form-urlencoded":
            parameters = urllib.parse.parse_qs(body, keep_blank_values=True)
        else:
            raise HTTPError(
                415,
                "Send the query as application/sparql-query or as a form "
                "(application/x-www-form-urlencoded).",
            )
        self._answer(parameters)

    def _answer(self, parameters: dict[str, list[str]]) -> None:
        if "update" in parameters:
            raise HTTPError(403, "This endpoint is read-only: SPARQL updates are refused.")
        if "default-graph-uri" in parameters or "named-graph-uri" in parameters:
            raise HTTPError(400, "default-graph-uri and named-graph-uri are not supported.")
        texts = parameters.get("query", [])
        if len(texts) != 1 or not texts[0].strip():
            raise HTTPError(400, "Give exactly one SPARQL query in the 'query' parameter.")
        settings = self.server.settings
        result = run_query(
            texts[0],
            graph=settings.graph,
            engine=settings.engine,
            timeout=settings.timeout,
            max_rows=settings.max_rows,
            max_triples=settings.max_triples,
        )
        formats = [*parameters.get("format", []), *parameters.get("output", [])]
        media_type = negotiate(result.form, self.headers.get("Accept"), formats)
        notice = {"X_Graphkit_Truncated": result.truncation_message()} if result.truncated else {}
        body = serialise(result, media_type)
        self._send(200, body, f"{media_type}; charset=utf-8", **notice)


class SparqlServer(Listener):
    """The endpoint's listener (see :mod:`graphkit.views.listener`: requests are read whole
    against a deadline, then answered in a child process), carrying the endpoint's settings."""

    settings: EndpointSettings


class _SparqlServer6(Listener6, SparqlServer):
    pass


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (so the endpoint is not reachable from others)."""
    return host in ("localhost", "::1") or host.startswith("127.")


def make_server(
    graph: Graph | ox.Store,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    engine: str = "oxigraph",
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    cors_origin: str | None = None,
    allow_hosts: Iterable[str] = (),
    max_triples: int | None = None,
    workers: int = DEFAULT_WORKERS,
    request_deadline: float = DEFAULT_REQUEST_DEADLINE,
    max_per_client: int = DEFAULT_MAX_PER_CLIENT,
    database: Path | None = None,
) -> SparqlServer:
    """A SPARQL endpoint over ``graph`` listening on ``host:port`` (``port`` 0: any free port).

    Call ``serve_forever()`` on it; ``server_address`` gives the port it got.

    Args:
        graph: the graph to answer from (never changed): an rdflib graph or a pyoxigraph store
            such as the persistent one of :func:`graphkit.graph.store.open_store`.
        host: the address to listen on; 127.0.0.1 keeps it to this machine.
        port: the TCP port.
        engine: ``oxigraph`` or ``rdflib``.
        timeout: seconds each query may take.
        max_rows: the row cap of each SELECT answer (a header reports truncation).
        cors_origin: an origin allowed to call the endpoint from a browser page (default none).
        allow_hosts: more ``Host`` header values to accept (e.g. a name behind a proxy).
        max_triples: the triple cap of CONSTRUCT and DESCRIBE answers (default none); an
            answer over it is refused with 422 and a message, never cut.
        workers: how many requests are answered at once (each in its own process); the rest
            wait their turn, and slow clients never hold one (see :mod:`graphkit.views.listener`).
        request_deadline: seconds a client has to send its whole request (headers and body).
        max_per_client: open connections allowed from one address.
        database: the folder of the persistent store, where ``graph`` is that store: the
            endpoint then answers from an in-memory copy, because the worker processes are
            forked and a database handle (its background threads) does not survive a fork.
    """
    if engine == "oxigraph" and isinstance(graph, Graph):
        oxigraph_store(graph)  # load once here, so that every request process shares it
    if database is not None and isinstance(graph, ox.Store):
        copy = ox.Store()
        copy.bulk_extend(graph)
        graph = copy
    server_class = _SparqlServer6 if ":" in host else SparqlServer
    server = server_class(
        (host, port),
        SparqlHandler,
        workers=workers,
        request_deadline=request_deadline,
        max_per_client=max_per_client,
        max_body=MAX_BODY,
    )
    bound_port = server.server_address[1]
    names = {host, "localhost", "127.0.0.1", "[::1]"} if is_loopback(host) else {host}
    names = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names}
    allowed = {f"{n}:{bound_port}".lower() for n in names} | {h.lower() for h in allow_hosts}
    server.settings = EndpointSettings(
        graph,
        engine,
        timeout,
        max_rows,
        cors_origin,
        allowed_hosts=allowed,
        max_triples=max_triples,
    )
    _warm_up(server.settings)
    server.start_workers()
    return server


def _warm_up(settings: EndpointSettings) -> None:
    """Run one small query before serving, so the query parser and the store are ready in the
    listening process and every answering child starts from there (a cold parser costs each
    child tens of milliseconds)."""
    with contextlib.suppress(QueryError):
        run_query(WARM_UP_QUERY, graph=settings.graph, engine=settings.engine, timeout=None)


def endpoint_url(server: SparqlServer) -> str:
    """The address of the server's query page, e.g. ``http://127.0.0.1:7878/``."""
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    return f"http://{shown}:{port}/"
