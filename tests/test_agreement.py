"""Every bundled query gives the same answer in graphkit (the library, on its own store) and in the
tools researchers already use against ``graphkit serve`` on 127.0.0.1: SPARQLWrapper (Python) and
Comunica's ``comunica-sparql`` (JavaScript, from npm; CI installs it into ``.ci-node/``).

Answers are compared as multisets of bindings, each term in its RDF form (IRI, literal with its
datatype or language, lexical form included), so a value spelled two ways is a disagreement.
Parameters with a default are bound as the command line binds them, over HTTP by a trailing
``VALUES`` line (what the workbench sends).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from graphkit.analysis.query import bundled_queries, run_query
from graphkit.graph.store import open_store
from graphkit.views.workbench import bound_query
from tests.conftest import REPO_DIR
from tests.helpers import needs_tool
from tests.test_serve import SERVER_SCRIPT, Endpoint, stop_server

QUERIES = sorted(bundled_queries())


def comunica_cli() -> str | None:
    """``comunica-sparql``: GRAPHKIT_COMUNICA, CI's ``.ci-node/`` install, or the PATH."""
    local = REPO_DIR / ".ci-node" / "node_modules" / ".bin" / "comunica-sparql"
    for candidate in (os.environ.get("GRAPHKIT_COMUNICA"), str(local)):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("comunica-sparql")


COMUNICA = comunica_cli()
Answer = Counter[tuple[tuple[str, str], ...]]


@pytest.fixture(scope="module")
def store():
    return open_store()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, store) -> Iterator[Endpoint]:
    """``graphkit serve`` over the bundled graph (the store above, shared through the cache)."""
    import re
    import sys

    log = tmp_path_factory.mktemp("agree") / "audit.log"
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(log), "serve", "--port", "0", "--timeout", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    found = re.search(r"at (http://127\.0\.0\.1:\d+/) ", process.stdout.readline())
    if not found:
        process.kill()
        pytest.fail("graphkit serve did not start")
    server = Endpoint(found.group(1), process, log)
    yield server
    stop_server(server)


def default_terms(name: str) -> dict:
    query = bundled_queries()[name]
    return {p.name: p.default_term() for p in query.parameters if p.default is not None}


def library_answer(store, name: str) -> Answer:
    result = run_query(name, graph=store, max_rows=None)
    return Counter(
        tuple(
            (variable, _key(term))
            for variable, term in zip(result.variables, row, strict=True)
            if term is not None
        )
        for row in result.rows
    )


def _key(term) -> str:
    """A term as comparable text; blank nodes are all alike (their labels are local)."""
    if isinstance(term, BNode):
        return "_:"
    return term.n3()


def json_answer(data: dict) -> Answer:
    """An answer in the SPARQL 1.1 Query Results JSON Format, as :func:`library_answer` keys it."""

    def term(value: dict) -> str:
        if value["type"] == "uri":
            return _key(URIRef(value["value"]))
        if value["type"] == "bnode":
            return "_:"
        language = value.get("xml:lang")
        datatype = value.get("datatype")
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            datatype = None
        literal = Literal(
            value["value"],
            lang=language,
            datatype=URIRef(datatype) if datatype else None,
            normalize=False,
        )
        return _key(literal)

    return Counter(
        tuple(sorted((name, term(value)) for name, value in binding.items()))
        for binding in data["results"]["bindings"]
    )


def http_text(name: str) -> str:
    return bound_query(bundled_queries()[name].text, default_terms(name))


def test_every_bundled_query_is_compared() -> None:
    assert len(QUERIES) >= 26


@pytest.mark.slow
def test_sparqlwrapper_agrees_with_graphkit_on_every_bundled_query(store, endpoint) -> None:
    disagreements = []
    for name in QUERIES:
        client = SPARQLWrapper(endpoint.sparql)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setQuery(http_text(name))
        over_http = json_answer(client.queryAndConvert())
        local = Counter(tuple(sorted(row)) for row in library_answer(store, name).elements())
        if over_http != local:
            disagreements.append((name, (local - over_http), (over_http - local)))
        assert local, f"{name} gives no answer; the comparison would be empty"
    assert disagreements == []


@pytest.mark.slow
@needs_tool(COMUNICA is not None, "needs comunica-sparql (npm install @comunica/query-sparql)")
def test_comunica_agrees_with_graphkit_on_every_bundled_query(store, endpoint, tmp_path) -> None:
    disagreements = []
    for name in QUERIES:
        query_file = tmp_path / f"{name}.rq"
        query_file.write_text(http_text(name), encoding="utf-8")
        run = subprocess.run(
            [COMUNICA, f"sparql@{endpoint.sparql}", "-f", str(query_file),
             "-t", "application/sparql-results+json"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert run.returncode == 0, f"{name}: {run.stderr[-2000:]}"
        from_comunica = json_answer(json.loads(run.stdout))
        local = Counter(tuple(sorted(row)) for row in library_answer(store, name).elements())
        if from_comunica != local:
            disagreements.append((name, (local - from_comunica), (from_comunica - local)))
    assert disagreements == []
