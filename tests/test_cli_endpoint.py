"""Every command with ``--endpoint`` answers from real SPARQL servers (the Oxigraph server and
Apache Jena, on 127.0.0.1) exactly as it answers from the local store, after ``graphkit push``
uploaded the graph."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.cli import main

GRAPH = "https://example.org/graphkit-tests/cli"


@pytest.fixture(scope="module")
def push_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store folder ``graphkit push`` reads: built by the first push, reused by the next."""
    return tmp_path_factory.mktemp("push-store")


@pytest.fixture(scope="module")
def endpoint(sparql_server, push_store: Path) -> list[str]:
    """The options that point a command at the server, after pushing the bundled graph."""
    pushed = CliRunner().invoke(
        main,
        [
            *("push", "--endpoint", sparql_server.store_url, "--graph", GRAPH),
            *("--replace", "--store", str(push_store)),
        ],
    )
    assert pushed.exit_code == 0, pushed.output
    return ["--endpoint", sparql_server.query_url, "--endpoint-graph", GRAPH]


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout  # progress lines (e.g. a first build of the store) go to stderr


# What a command prints from the local store: the same for every server, so run once.
local_run = functools.cache(run)


COMMANDS = [
    ("transfers",),
    ("transfers", "--format", "csv"),
    ("transfers", "--from", "Wien", "--format", "json"),
    ("transfers", "--theme", "housing", "--format", "csv"),
    ("paths", "Wien", "Taranto"),
    ("paths", "Kosice", "Budapest", "--format", "csv"),
    ("cascades",),
    ("query", "transfers-into-city", "--param", "city=Taranto", "--format", "csv"),
    ("query", "project-partners", "--param", "project=MiStra", "--format", "csv"),
    ("query", "SELECT ?c WHERE { ?c a gk:City } ORDER BY ?c", "--format", "csv"),
    ("explain", "Taranto", "--format", "json"),
    ("explain", "kosice"),
    ("network", "summary", "--graph", "cities", "--format", "csv"),
    ("network", "centrality", "--graph", "transfers", "--format", "csv"),
    ("network", "communities", "--graph", "organisations", "--format", "csv"),
    ("network", "brokers", "--format", "csv"),
    ("stats",),
    ("stats", "--by", "source", "--format", "csv"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_command_answers_the_same_from_the_endpoint_as_from_the_store(
    args: tuple[str, ...], endpoint: list[str]
) -> None:
    assert run(*args, *endpoint) == local_run(*args)


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [("graphml", "transfers"), ("graphml", "knowledge"), ("csv", "cities"), ("json", "actors")],
)
def test_export_from_the_endpoint_writes_the_same_files(
    fmt: str, kind: str, endpoint: list[str], tmp_path: Path
) -> None:
    local, remote = tmp_path / "local", tmp_path / "remote"
    for folder, extra in ((local, []), (remote, endpoint)):
        folder.mkdir()
        run("export", "--format", fmt, "--graph", kind, "--out", str(folder / f"x.{fmt}"), *extra)
    written = sorted(p.name for p in local.iterdir())
    assert written == sorted(p.name for p in remote.iterdir()) and written
    for name in written:
        assert (local / name).read_bytes() == (remote / name).read_bytes(), name


def test_visualise_from_the_endpoint_draws_the_same_page(endpoint: list[str], tmp_path: Path):
    local, remote = tmp_path / "local.html", tmp_path / "remote.html"
    run("visualise", "--view", "transfers", "--out", str(local))
    run("visualise", "--view", "transfers", "--out", str(remote), *endpoint)
    assert local.read_text(encoding="utf-8") == remote.read_text(encoding="utf-8")


def test_an_unknown_name_gets_the_closest_matches_from_the_endpoint(endpoint: list[str]) -> None:
    result = CliRunner().invoke(main, ["transfers", "--from", "Wein", *endpoint])
    assert result.exit_code == 1
    assert "Vienna" in result.output


def test_an_unreachable_endpoint_is_a_clear_error_naming_it(oxigraph_server) -> None:
    from tests.oxigraph_server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    result = CliRunner().invoke(main, ["transfers", "--endpoint", url])
    assert result.exit_code == 1
    assert url in result.output
    assert "Traceback" not in result.output


def test_endpoint_and_local_data_options_do_not_mix(oxigraph_server, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["transfers", "--endpoint", oxigraph_server.query_url, "--store", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--endpoint" in result.output and "--store" in result.output
    result = CliRunner().invoke(main, ["transfers", "--endpoint-graph", GRAPH])
    assert result.exit_code == 2 and "needs --endpoint" in result.output


def test_the_endpoint_is_asked_only_for_the_part_of_the_graph_a_command_needs(
    endpoint: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from graphkit.sparql import backends

    asked: list[str] = []

    def recording(real):
        def fetch(source, name, *args, **kwargs):
            asked.append(name)
            return real(source, name, *args, **kwargs)

        return fetch

    # As an rdflib graph, or as the pyoxigraph triples explain walks.
    for fetcher in ("subgraph", "subgraph_triples"):
        monkeypatch.setattr(backends, fetcher, recording(getattr(backends, fetcher)))
    run("transfers", *endpoint)
    run("network", "summary", *endpoint)
    run("network", "centrality", "--graph", "transfers", *endpoint)
    run("visualise", "--view", "transfers", "--out", str(tmp_path / "t.html"), *endpoint)
    run("explain", "Taranto", *endpoint)
    assert "everything" not in asked
    # transfers, the cities and transfer networks, the transfers page and name look-ups read rows
    assert asked == ["explain"]
