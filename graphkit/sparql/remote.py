"""Query a remote SPARQL 1.1 endpoint, and upload the built graph to a SPARQL server.

:class:`Endpoint` answers queries like the embedded store does (``endpoint.run(checked, terms,
max_rows=..., timeout=...)`` returns a :class:`graphkit.analysis.query.QueryResult`), over the SPARQL 1.1
Protocol, so any server works: Fuseki, GraphDB, Virtuoso, Amazon Neptune, an Oxigraph server.
:func:`push_graph` uploads the graph with the SPARQL 1.1 Graph Store Protocol, in batches, and
checks the triple count afterwards.

Only the Python standard library talks HTTP; pyoxigraph parses the answers (in Rust, while they
arrive, so a capped query stops reading once it has enough rows). What the network sees:

- Only ``http://`` and ``https://`` URLs are accepted. A user name and password written in the
  URL (``https://user:pass@host/sparql``) are taken out of it and sent as HTTP Basic
  authentication; messages, errors and ``repr`` show the URL without them.
- Redirects are never followed: the error names where the server points, so the user can use
  that URL directly if they trust it. (A query sent by POST cannot be replayed safely on a
  redirect anyway, and following one could send the credentials to another host.)
- The timeout is a deadline for the whole exchange: connecting, sending, the answer's headers
  and its body together. Every blocking socket call waits at most until the deadline, so a
  server that drips its headers or its body a byte at a time cannot hold a command longer
  (looking up the host name is the one step the operating system times on its own).
- An answer larger than ``max_answer_bytes`` (1 GiB unless set) is refused with an error that
  says so, instead of filling the memory.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.client
import io
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery

from graphkit.data.schema import escape_controls
from graphkit.errors import EndpointError, EndpointTimeoutError, ParameterError, QueryError
from graphkit.graph.namespaces import PREFIXES
from graphkit.graph.terms import to_oxigraph
from graphkit.sparql.backends import Answers, Seconds, Terms
from graphkit.sparql.checked import CheckedQuery, check_query
from graphkit.sparql.results import QueryResult, take_rows

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_TIMEOUT",
    "Endpoint",
    "GraphStore",
    "PushReport",
    "bound_query_text",
    "push_graph",
]

DEFAULT_TIMEOUT = 60.0
# The most an answer may hold, in bytes, unless the caller sets another cap: more than that
# (a runaway CONSTRUCT, a hostile server's endless string) is refused, not held in memory.
DEFAULT_MAX_ANSWER_BYTES = 1 << 30
DEFAULT_BATCH_SIZE = 50_000
# How much of a server's message to show in an error.
MESSAGE_CHARS = 300

RESULTS_MEDIA_TYPE = "application/sparql-results+json"
NTRIPLES_MEDIA_TYPE = "application/n-triples"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
# The graph formats read from a server: the ones asked for (none of them has XML entities).
GRAPH_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

_DECLARED_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------


class _RedirectRefused(Exception):
    def __init__(self, code: int, location: str):
        super().__init__(code, location)
        self.code = code
        self.location = location


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Stop at any redirect instead of following it (see the module's docstring)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        fp.close()
        raise _RedirectRefused(code, newurl)


class _Deadlined:
    """Makes every blocking call of a socket class wait at most until its ``deadline`` (a
    ``time.monotonic()`` value; ``None``: no deadline), however the bytes trickle in."""

    deadline: float | None = None

    def _arm(self) -> None:
        if self.deadline is None:
            return
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the deadline has passed")
        self.settimeout(remaining)  # type: ignore[attr-defined]

    def recv(self, *args: Any) -> bytes:
        self._arm()
        return super().recv(*args)  # type: ignore[misc]

    def recv_into(self, *args: Any) -> int:
        self._arm()
        return super().recv_into(*args)  # type: ignore[misc]

    def send(self, *args: Any) -> int:
        self._arm()
        return super().send(*args)  # type: ignore[misc]

    def sendall(self, *args: Any) -> None:
        self._arm()
        return super().sendall(*args)  # type: ignore[misc]


class _DeadlineSocket(_Deadlined, socket.socket):
    """A plain socket bound to a deadline."""


class _DeadlineSSLSocket(_Deadlined, ssl.SSLSocket):
    """The TLS socket bound to a deadline (set once the handshake is done, which the plain
    socket's deadline already bounds)."""

    def read(self, *args: Any) -> Any:
        self._arm()
        return super().read(*args)


def _open_socket(
    address: tuple[str, int],
    timeout: object = None,
    source_address: tuple[str, int] | None = None,
    *,
    deadline: float | None,
) -> socket.socket:
    """``socket.create_connection`` with a :class:`_DeadlineSocket` bound to ``deadline``."""
    host, port = address
    error: OSError | None = None
    for family, kind, proto, _name, sockaddr in socket.getaddrinfo(
        host, port, 0, socket.SOCK_STREAM
    ):
        sock = _DeadlineSocket(family, kind, proto)
        sock.deadline = deadline
        try:
            if source_address:
                sock.bind(source_address)
            sock._arm()
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            if isinstance(exc, TimeoutError):
                raise
            error = exc
    raise error or OSError(f"no address found for {host}")


class _DeadlineHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: float | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(_open_socket, deadline=deadline)


class _DeadlineHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: float | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(_open_socket, deadline=deadline)
        self._deadline = deadline

    def connect(self) -> None:
        super().connect()
        self.sock.deadline = self._deadline  # type: ignore[union-attr]


def _deadline_of(request: urllib.request.Request) -> float | None:
    return getattr(request, "graphkit_deadline", None)


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_DeadlineHTTPConnection, deadline=_deadline_of(req))
        return self.do_open(connection, req)  # type: ignore[arg-type]


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.sslsocket_class = _DeadlineSSLSocket
    return context


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self) -> None:
        super().__init__(context=_tls_context())

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_DeadlineHTTPSConnection, deadline=_deadline_of(req))
        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


# file:, ftp: and data: URLs never get here: _http_url refuses them first.
_OPENER = urllib.request.build_opener(_RefuseRedirects, _DeadlineHTTPHandler, _DeadlineHTTPSHandler)


def _without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` taken out."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _http_url(url: str, role: str) -> tuple[str, str | None]:
    """``url`` without credentials, and the ``Authorization`` header they make (if any).

    Raises:
        EndpointError: ``url`` is not an http(s) URL with a host.
    """
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
        shown = _without_credentials(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise EndpointError(f"The URL of {role} is not valid: {exc}.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise EndpointError(
            f"{shown!r} cannot be the URL of {role}: graphkit talks to SPARQL servers over "
            "http:// or https:// only, e.g. http://localhost:7878/query."
        )
    if parts.username is None:
        return shown, None
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return shown, f"Basic {token}"


def _graph_iri(graph: str | None) -> str | None:
    if graph is None:
        return None
    try:
        return ox.NamedNode(graph).value
    except ValueError as exc:
        raise ParameterError(f"{graph!r} is not a valid graph IRI: {exc}") from exc


def _server_message(body: bytes) -> str:
    """A server's words for an error message: on one line, control characters escaped (a
    server cannot rewrite the user's terminal), at most MESSAGE_CHARS long."""
    text = escape_controls(" ".join(body.decode("utf-8", "replace").split()))
    return text[:MESSAGE_CHARS] + ("…" if len(text) > MESSAGE_CHARS else "")


def _deadline(timeout: float | None) -> float | None:
    return None if timeout is None else time.monotonic() + timeout


class _Answer(io.RawIOBase):
    """The body of an HTTP answer, read against a deadline; keeps its last bytes for messages."""

    def __init__(
        self,
        response: Any,
        deadline: float | None,
        timed_out: Exception,
        description: str,
        max_bytes: int | None = DEFAULT_MAX_ANSWER_BYTES,
    ):
        self.media_type: str | None = response.headers.get("Content-Type")
        self.tail = b""
        self._response = response
        self._deadline = deadline
        self._timed_out = timed_out
        self._description = description
        self._max_bytes = max_bytes
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise self._timed_out
        try:
            size = self._response.readinto(buffer)
        except TimeoutError:
            raise self._timed_out from None
        except (OSError, http.client.HTTPException) as exc:
            raise EndpointError(
                f"The connection to {self._description} broke off during its answer: {exc!r}."
            ) from None
        self._read += size
        if self._max_bytes is not None and self._read > self._max_bytes:
            raise EndpointError(
                f"{self._description} sent more than {_size(self._max_bytes)}, more than "
                "graphkit holds from one answer; it stopped reading. Narrow the query down "
                "(LIMIT, more specific patterns) or raise the cap (max_answer_bytes)."
            )
        self.tail = (self.tail + bytes(buffer[:size]))[-MESSAGE_CHARS:]
        return size


def _size(count: int) -> str:
    """``1 GiB``, ``512 MiB``, ``2,000 bytes``: a byte count for messages."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if count >= 1 << shift and count % (1 << shift) == 0:
            return f"{count >> shift:,} {unit}"
    return f"{count:,} bytes"


class _Service:
    """An HTTP service of a SPARQL server: its URL, credentials, extra headers and timeout."""

    role = "the SPARQL service"
    # What to try when it does not answer in time.
    timeout_hint = "Check that the server is not overloaded."

    def __init__(
        self,
        url: str,
        *,
        graph: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        max_answer_bytes: int | None = DEFAULT_MAX_ANSWER_BYTES,
    ):
        self.url, self._authorization = _http_url(url, self.role)
        self.graph = _graph_iri(graph)
        self.timeout = timeout
        self.max_answer_bytes = max_answer_bytes
        self._headers = dict(headers or {})

    @property
    def description(self) -> str:
        """The service for messages: ``the SPARQL endpoint https://… (graph <…>)``."""
        graph = f" (graph <{self.graph}>)" if self.graph else ""
        return f"{self.role} {self.url}{graph}"

    def __str__(self) -> str:
        return self.description

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r}, graph={self.graph!r})"

    def _timed_out(self, timeout: float | None) -> EndpointTimeoutError:
        waited = f"within {timeout:g} s" if timeout is not None else "in time"
        return EndpointTimeoutError(
            f"{self.description} did not answer {waited}. {self.timeout_hint}"
        )

    def _send(
        self,
        method: str,
        url: str,
        *,
        timeout: float | None,
        deadline: float | None = None,
        data: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
    ) -> Any:
        """Send one request and return the open response (a context manager); every socket
        call of it, and of reading the response, ends by ``deadline`` (default: ``timeout``
        seconds from now).

        Raises:
            EndpointError: an HTTP error status, a redirect, or no connection.
            EndpointTimeoutError: no answer within ``timeout`` seconds.
        """
        request = urllib.request.Request(url, data=data, method=method, headers=self._headers)
        request.graphkit_deadline = _deadline(timeout) if deadline is None else deadline  # type: ignore[attr-defined]
        if self._authorization:
            request.add_header("Authorization", self._authorization)
        if content_type:
            request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        try:
            return _OPENER.open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            with exc:
                message = _server_message(exc.read(4 * MESSAGE_CHARS)) or "(no message)"
            hint = (
                " Check the user name and password (write them in the URL: "
                "https://user:password@host/…)."
                if exc.code in (401, 403)
                else ""
            )
            raise EndpointError(
                f"{self.description} answered HTTP {exc.code} {escape_controls(str(exc.reason))}: "
                f"{message}{hint}"
            ) from None
        except _RedirectRefused as exc:
            raise EndpointError(
                f"{self.description} redirects (HTTP {exc.code}) to "
                f"{escape_controls(_without_credentials(exc.location))}; graphkit does not follow redirects. "
                "Use that URL instead if you trust it."
            ) from None
        except TimeoutError:
            raise self._timed_out(timeout) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timed_out(timeout) from None
            raise EndpointError(
                f"Cannot reach {self.description}: {exc.reason}. Check that the server is "
                "running and that the host name, port and path of the URL are right."
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise EndpointError(f"Cannot reach {self.description}: {exc!r}.") from None

    def _answer(self, response: Any, timeout: float | None, deadline: float | None) -> _Answer:
        return _Answer(
            response, deadline, self._timed_out(timeout), self.description, self.max_answer_bytes
        )

    @contextlib.contextmanager
    def _parse_errors(self, answer: _Answer, what: str) -> Iterator[None]:
        """Turn a parse error of ``answer`` into an :class:`EndpointError` showing its end."""
        try:
            yield
        except QueryError:
            raise
        except MemoryError:
            raise EndpointError(
                f"{self.description} sent an answer too large to hold in memory; graphkit "
                "stopped reading it. Narrow the query down (LIMIT, more specific patterns) or "
                "lower the cap (max_answer_bytes)."
            ) from None
        except (SyntaxError, ValueError) as exc:
            tail = _server_message(answer.tail) or "(nothing)"
            raise EndpointError(
                f"{self.description} sent an answer that is not valid {what} "
                f"({escape_controls(str(exc))}); "
                f"it ends with: {tail}"
            ) from None

    def _triples(self, answer: _Answer) -> Iterator[ox.Triple]:
        """The triples of an N-Triples or Turtle answer, parsed as they arrive."""
        media_type = answer.media_type or NTRIPLES_MEDIA_TYPE
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format not in GRAPH_FORMATS:
            raise EndpointError(
                f"{self.description} answered with {media_type}, not N-Triples or Turtle."
            )
        with self._parse_errors(answer, rdf_format.name):
            for quad in ox.parse(answer, format=rdf_format):
                yield quad.triple


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


def bound_query_text(checked: CheckedQuery, terms: Mapping[str, URIRef | Literal]) -> str:
    """The text sent to a remote endpoint: ``checked`` with graphkit's prefixes declared (those
    the query does not declare itself) and ``terms`` bound by a trailing ``VALUES`` clause.

    Each term is written in its N-Triples form (quotes, backslashes and line breaks escaped, IRIs
    checked), so a value can never close the clause and add SPARQL of its own.

    Raises:
        QueryError: terms are given but the query already ends with its own ``VALUES``.
        ParameterError: a term is not a valid IRI or literal.
        TypeError: a term is not a ``URIRef`` or ``Literal``.
    """
    declared = {match.group(1) or "" for match in _DECLARED_PREFIX.finditer(checked.text)}
    prologue = "".join(
        f"PREFIX {prefix}: <{namespace}>\n"
        for prefix, namespace in PREFIXES.items()
        if prefix not in declared
    )
    if not terms:
        return prologue + checked.text
    if parseQuery(checked.text)[1].valuesClause is not None:
        raise QueryError(
            "This query ends with its own VALUES clause, so parameters cannot be bound on a "
            "remote endpoint (they are sent as a trailing VALUES clause). Remove the parameters "
            "or write their values into the query's VALUES."
        )
    written = []
    for name, term in terms.items():
        if not isinstance(term, URIRef | Literal | ox.NamedNode | ox.Literal):
            raise TypeError(f"Bind {name!r} to an rdflib Literal or URIRef, not {type(term)}.")
        try:
            written.append(str(to_oxigraph(term)))
        except ValueError as exc:
            raise ParameterError(f"?{name} cannot be sent as {term!r}: {exc}") from exc
    variables = " ".join(f"?{name}" for name in terms)
    return f"{prologue}{checked.text}\nVALUES ({variables}) {{ ({' '.join(written)}) }}\n"


class Endpoint(Answers, _Service):
    """A SPARQL 1.1 query endpoint (``http://localhost:7878/query`` for an Oxigraph server,
    ``http://localhost:3030/DATASET/sparql`` for Fuseki), usable wherever graphkit queries its
    own graph.

    Args:
        url: the endpoint's URL; ``user:password@`` in it is sent as HTTP Basic auth.
        graph: the IRI of a named graph to query as the default graph (sent as the protocol's
            ``default-graph-uri``), e.g. the graph given to ``graphkit push --graph``.
        timeout: seconds a query may take, for its whole answer (``None``: no limit).
        headers: extra HTTP headers, e.g. an API key.
        max_answer_bytes: the most one answer may hold (``None``: no cap).

    Raises:
        EndpointError: ``url`` is not an http:// or https:// URL.
        ParameterError: ``graph`` is not an IRI.

    Parameters are bound differently from the embedded store: they are sent as a trailing
    SPARQL 1.1 ``VALUES`` clause (the only binding every server understands), which joins them
    with the query's solutions after grouping. A parameter must therefore be a selected variable
    matched by a required triple pattern (as :mod:`graphkit.analysis.query` already asks of every query);
    one bound only inside OPTIONAL, or only tested in a FILTER, would match differently.
    """

    role = "the SPARQL endpoint"
    timeout_hint = (
        "Narrow the query down (more specific patterns, LIMIT) or allow more time (--timeout)."
    )

    def run(
        self, checked: CheckedQuery, terms: Terms, *, max_rows: int | None, timeout: Seconds
    ) -> QueryResult:
        """Send a checked query, with ``terms`` bound, and return its result.

        Rows and triples hold pyoxigraph terms (``NamedNode``, ``BlankNode``, ``Literal``, or
        ``None`` for an unbound variable; ``Triple`` for CONSTRUCT and DESCRIBE).

        Args:
            checked: the query, from :func:`graphkit.analysis.query.check_query`.
            terms: variable name -> ``URIRef`` or ``Literal`` to bind (see the class docstring).
            max_rows: the row (or triple) cap; reading stops there and ``truncated`` is set.
            timeout: seconds for the whole answer (``None``: this endpoint's :attr:`timeout`).

        Raises:
            EndpointError: the server refused or failed, or could not be reached.
            EndpointTimeoutError: (a :class:`QueryTimeoutError`) the answer took too long.
            QueryError: parameters given for a query that ends with its own VALUES.
        """
        timeout = self.timeout if timeout is None else timeout
        deadline = _deadline(timeout)
        fields = [("query", bound_query_text(checked, terms))]
        if self.graph:
            fields.append(("default-graph-uri", self.graph))
        graph_form = checked.form in ("CONSTRUCT", "DESCRIBE")
        with self._send(
            "POST",
            self.url,
            timeout=timeout,
            deadline=deadline,
            data=urllib.parse.urlencode(fields).encode("utf-8"),
            content_type="application/x-www-form-urlencoded",
            accept=GRAPH_ACCEPT if graph_form else RESULTS_MEDIA_TYPE,
        ) as response:
            answer = self._answer(response, timeout, deadline)
            if graph_form:
                triples, truncated = take_rows(self._triples(answer), max_rows)
                return QueryResult(
                    checked.form, triples=triples, truncated=truncated, max_rows=max_rows
                )
            return self._results(checked.form, answer, max_rows)

    def _results(self, form: str, answer: _Answer, max_rows: int | None) -> QueryResult:
        media_type = answer.media_type or RESULTS_MEDIA_TYPE
        if ox.QueryResultsFormat.from_media_type(media_type) != ox.QueryResultsFormat.JSON:
            raise EndpointError(
                f"{self.description} answered with {media_type}, not SPARQL JSON results."
            )
        with self._parse_errors(answer, "SPARQL JSON results"):
            parsed = ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)
            if form == "ASK":
                if not isinstance(parsed, ox.QueryBoolean):
                    raise ValueError("an ASK query needs a boolean answer")
                return QueryResult("ASK", boolean=bool(parsed))
            if not isinstance(parsed, ox.QuerySolutions):
                raise ValueError("a SELECT query needs rows, not a boolean")
            variables = [variable.value for variable in parsed.variables]
            solutions = (tuple(solution[v] for v in variables) for solution in parsed)
            rows, truncated = take_rows(solutions, max_rows)
        return QueryResult("SELECT", variables, rows, truncated=truncated, max_rows=max_rows)

    def count_triples(self) -> int:
        """How many triples the default graph (or :attr:`graph`) holds, by a COUNT query."""
        result = self.run(check_query(COUNT_QUERY), {}, max_rows=1, timeout=None)
        count = result.terms[0][0] if result.terms else None
        if not isinstance(count, ox.Literal) or not count.value.isdigit():
            raise EndpointError(f"{self.description} answered the triple count with {count}.")
        return int(count.value)


# ---------------------------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------------------------


class GraphStore(_Service):
    """A SPARQL 1.1 Graph Store Protocol service (``http://localhost:7878/store`` for an
    Oxigraph server, ``http://localhost:3030/DATASET/data`` for Fuseki).

    Args:
        url: the service's URL; ``user:password@`` in it is sent as HTTP Basic auth.
        graph: the IRI of the named graph to work on (default: the default graph).
        timeout: seconds each request may take (``None``: no limit).
        headers: extra HTTP headers, e.g. an API key.
        max_answer_bytes: the most one answer may hold (``None``: no cap).
    """

    role = "the graph store"
    timeout_hint = (
        "Send smaller requests (--batch-size) or check that the server is not overloaded."
    )

    @property
    def graph_url(self) -> str:
        """The URL of the graph: ``URL?graph=<IRI>`` or ``URL?default``."""
        parts = urllib.parse.urlsplit(self.url)
        selector = urllib.parse.urlencode({"graph": self.graph}) if self.graph else "default"
        query = f"{parts.query}&{selector}" if parts.query else selector
        return urllib.parse.urlunsplit(parts._replace(query=query))

    def add(self, ntriples: bytes) -> None:
        """Add N-Triples to the graph (HTTP POST)."""
        self._upload("POST", ntriples)

    def replace(self, ntriples: bytes) -> None:
        """Replace everything the graph holds by these N-Triples (HTTP PUT)."""
        self._upload("PUT", ntriples)

    def _upload(self, method: str, ntriples: bytes) -> None:
        with self._send(
            method,
            self.graph_url,
            timeout=self.timeout,
            data=ntriples,
            content_type=NTRIPLES_MEDIA_TYPE,
        ):
            pass

    def count_triples(self) -> int:
        """How many triples the graph holds, by downloading it (HTTP GET) and counting."""
        deadline = _deadline(self.timeout)
        with self._send(
            "GET", self.graph_url, timeout=self.timeout, deadline=deadline, accept=GRAPH_ACCEPT
        ) as response:
            answer = self._answer(response, self.timeout, deadline)
            return sum(1 for _ in self._triples(answer))


@dataclass(frozen=True)
class PushReport:
    """What :func:`push_graph` did: where to, how many triples in how many requests, and how
    many triples the server's graph holds afterwards (``found``), counted how (``counted_by``:
    ``with a COUNT query at URL`` or ``by downloading the graph``)."""

    target: str
    pushed: int
    batches: int
    found: int
    counted_by: str

    @property
    def verified(self) -> bool:
        """Whether the server's graph holds exactly the triples pushed."""
        return self.found == self.pushed

    def message(self) -> str:
        """One paragraph for the user: success, or both numbers and what to do."""
        requests = f"{self.batches} request{'s' if self.batches != 1 else ''}"
        if self.verified:
            return (
                f"Pushed {self.pushed:,} triples to {self.target} in {requests}; counting "
                f"them {self.counted_by} found {self.found:,} triples, as expected."
            )
        return (
            f"Pushed {self.pushed:,} triples to {self.target} in {requests}, but counting "
            f"them {self.counted_by} found {self.found:,} triples in the graph. If the graph "
            "held triples before, push again with --replace (replace=True in Python) to replace "
            "what it holds."
        )


def _has_blank_node(triple: Any) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _batches(triples: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``triples`` in lists of ``size``, except every triple with a blank node: all of those
    come in one last list, however many there are.

    A blank node is a node only within one document: the same label sent in two requests makes
    two nodes on the server. Sent in one request, each blank node stays one node.
    """
    with_blank_nodes = []
    batch = []
    for triple in triples:
        if _has_blank_node(triple):
            with_blank_nodes.append(triple)
            continue
        batch.append(triple)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
    if with_blank_nodes:
        yield with_blank_nodes


def _triples_and_total(
    store_or_triples: ox.Store | Iterable[Any],
) -> tuple[Iterable[Any], int | None]:
    """What to push, and how many triples that is (``None``: not known in advance)."""
    if isinstance(store_or_triples, ox.Store):
        store = store_or_triples
        triples = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        only_default_graph = next(iter(store.named_graphs()), None) is None
        return triples, len(store) if only_default_graph else None
    total = len(store_or_triples) if hasattr(store_or_triples, "__len__") else None
    return store_or_triples, total


def push_graph(
    store_or_triples: ox.Store | Iterable[Any],
    store_url: str,
    *,
    graph: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    replace: bool = False,
    query_url: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    headers: Mapping[str, str] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> PushReport:
    """Upload a graph to a SPARQL server with the Graph Store Protocol, then count it there.

    The triples go as N-Triples in POST requests of ``batch_size`` triples. POST *adds* to the
    server's graph: pushing into a graph that already holds triples (a second push, say) leaves
    more triples there than were pushed, and the report says so. ``replace=True`` sends the
    first request as a PUT, which replaces what the graph holds, so re-pushing is clean.

    Every triple with a blank node (graphkit's ontology has some: its OWL class unions) goes in
    one last request, however many there are, so that each blank node stays one node.

    Args:
        store_or_triples: a pyoxigraph Store (its default graph is pushed: where
            :func:`graphkit.graph.store.open_store` keeps the whole graph), or pyoxigraph triples
            (or quads of the default graph), without duplicates.
        store_url: the Graph Store Protocol URL (Oxigraph: ``http://HOST:7878/store``).
        graph: the named graph to push into (default: the default graph).
        batch_size: triples per request.
        replace: replace what the graph holds instead of adding to it.
        query_url: a SPARQL endpoint of the same server, to count the triples with a COUNT
            query (Oxigraph: ``http://HOST:7878/query``); default: download the graph and count.
        timeout: seconds each request may take.
        headers: extra HTTP headers for every request.
        on_progress: called after each request with a line such as
            ``pushed 50,000 of 1,004,593 triples``.

    Returns:
        A :class:`PushReport`; ``report.verified`` says whether the counts match.

    Raises:
        EndpointError: a URL is not http(s), or the server refused a request or is unreachable.
        ParameterError: ``graph`` is not an IRI.
        ValueError: ``batch_size`` is not positive.
    """
    if batch_size < 1:
        raise ValueError("the batch size must be at least 1")
    target = GraphStore(store_url, graph=graph, timeout=timeout, headers=headers)
    counter: Endpoint | GraphStore = target
    counted_by = "by downloading the graph"
    if query_url is not None:
        counter = Endpoint(query_url, graph=graph, timeout=timeout, headers=headers)
        counted_by = f"with a COUNT query at {counter.url}"
    triples, total = _triples_and_total(store_or_triples)
    of_total = f" of {total:,}" if total is not None else ""
    pushed = batches = 0
    for batch in _batches(triples, batch_size):
        data = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
        (target.replace if replace and batches == 0 else target.add)(data)
        pushed += len(batch)
        batches += 1
        if on_progress is not None:
            on_progress(f"pushed {pushed:,}{of_total} triples")
    if replace and batches == 0:
        target.replace(b"")
        batches = 1
    found = counter.count_triples()
    return PushReport(target.description, pushed, batches, found, counted_by)
