"""The documentation cannot drift from the code.

Every command has help with an example and a place in the README; every bundled query is listed
in the README with its research question; every command line in the README runs, and prints what
the README shows; the SPARQL in the README runs; the citation file names the current version.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from graphkit import __version__
from graphkit.analysis.query import bundled_queries
from graphkit.cli import main
from tests.conftest import REPO_DIR

README = REPO_DIR / "README.md"
EXAMPLES_DIR = REPO_DIR / "datasets" / "examples"
# Lines of README output that stand for lines left out.
ELISION = "…"
# Commands that serve until stopped; tests/test_serve.py runs the endpoint for real.
LONG_RUNNING = {"serve"}
# The SPARQL servers README examples talk to, and the tests' real servers that stand in for them:
# an Oxigraph server, and Apache Jena (tests/jena_server.py) for the Fuseki examples.
README_SERVERS = {
    "http://localhost:7878": "oxigraph_server",
    "http://localhost:3030/graphkit": "jena_server",
}
FUSEKI_EXAMPLE = "http://localhost:3030/graphkit"
SHELL_OPERATORS = {">", ">>", "|", "&&"}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def command_paths(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand of the CLI, as its words after ``graphkit``."""
    found = []
    for name in sorted(group.commands):
        command = group.commands[name]
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(command_paths(command, (*prefix, name)))
    return found


def command_at(path: tuple[str, ...]) -> click.Command:
    """The command object of ``graphkit <path>``."""
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


@dataclass(frozen=True)
class ReadmeCommand:
    """A ``graphkit …`` line of a README code block, and the output shown below it (if any)."""

    line: str
    shown: tuple[str, ...]
    console: bool

    @property
    def args(self) -> list[str]:
        """The arguments after ``graphkit``, up to a shell redirection or pipe."""
        words = shlex.split(self.line)
        assert words[0] == "graphkit", self.line
        cut = next((i for i, w in enumerate(words) if w in SHELL_OPERATORS), len(words))
        return words[1:cut]


def readme_commands() -> list[ReadmeCommand]:
    """The ``graphkit`` command lines of the README: ``$ graphkit …`` in console blocks (with
    the output below them) and ``graphkit …`` lines in bash blocks (comments dropped)."""
    commands = []
    for language, body in FENCE.findall(readme_text()):
        if language == "console":
            current: list[str] | None = None
            for line in body.splitlines():
                if line.startswith("$ "):
                    current = []
                    commands.append((line[2:].strip(), current, True))
                elif current is not None:
                    current.append(line)
        elif language == "bash":
            for line in body.splitlines():
                if line.startswith("graphkit "):
                    commands.append((line.split(" #")[0].strip(), [], False))
    return [
        ReadmeCommand(line, tuple(shown), console)
        for line, shown, console in commands
        if line.startswith("graphkit ")
    ]


def readme_code(language: str) -> list[str]:
    """The bodies of the README's code blocks in ``language``."""
    return [body for found, body in FENCE.findall(readme_text()) if found == language]


@pytest.fixture
def readme_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled_graph) -> Path:
    """Where README commands run: an empty folder with a copy of datasets/examples, so paths
    read as they do from the repository root and written files land here; graph stores go to
    a temporary cache. Commands on the bundled data alone get the session's graph (speed only;
    --data folders are built for real)."""
    from graphkit.knowledge_graph import KnowledgeGraph
    from graphkit.locations import DATASETS_DIR

    shutil.copytree(EXAMPLES_DIR, tmp_path / "datasets" / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRAPHKIT_CACHE", str(tmp_path.parent / f"{tmp_path.name}-cache"))
    monkeypatch.setenv("COLUMNS", "100")
    real_graph = KnowledgeGraph.graph

    def graph(self: KnowledgeGraph, need: Any = None, bindings: Any = None):
        if self.folders == (DATASETS_DIR,) and need is None:
            return bundled_graph
        return real_graph(self, need, bindings)

    monkeypatch.setattr(KnowledgeGraph, "graph", graph)
    return tmp_path


def run_readme_command(command: ReadmeCommand) -> Result:
    return CliRunner().invoke(main, command.args, catch_exceptions=False)


def missing_lines(shown: tuple[str, ...], output: str) -> list[str]:
    """The lines of ``shown`` (in order, elisions and blank lines skipped) not found in
    ``output``."""
    printed = [line.rstrip() for line in output.splitlines()]
    position, missing = 0, []
    for line in (s.rstrip() for s in shown):
        if not line or line == ELISION:
            continue
        try:
            position = printed.index(line, position) + 1
        except ValueError:
            missing.append(line)
    return missing


# --- Commands: help and README ---------------------------------------------------------------


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"'graphkit {' '.join(path)} --help' shows no example"
    example = result.output.split("Example:", 1)[1]
    assert f"graphkit {' '.join(path)}" in example, "the example does not use the command"


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_appears_in_the_readme(path: tuple[str, ...]):
    assert f"graphkit {' '.join(path)}" in readme_text(), (
        f"README.md never mentions 'graphkit {' '.join(path)}'"
    )


def test_every_command_has_a_run_with_real_output_in_the_readme():
    shown = [tuple(c.args) for c in readme_commands() if c.console and c.shown]
    groups = {path for path in command_paths() if isinstance(command_at(path), click.Group)}
    for path in set(command_paths()) - groups:
        assert any(args[: len(path)] == path for args in shown), (
            f"README.md shows no output of 'graphkit {' '.join(path)}'"
        )


# --- Bundled queries -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_every_bundled_query_is_listed_in_the_readme_with_its_question(name: str):
    question = bundled_queries()[name].question
    rows = [line for line in readme_text().splitlines() if line.startswith(f"| `{name}` |")]
    assert rows, f"README.md has no table row for the bundled query {name}"
    assert question in rows[0], f"README.md's row for {name} does not give its question"


# --- README command lines and SPARQL run -----------------------------------------------------

COMMANDS = readme_commands()


def test_the_readme_has_commands_to_run():
    assert len([c for c in COMMANDS if c.console and c.shown]) >= 20


def on_test_server(
    command: ReadmeCommand, readme_server: str, request: pytest.FixtureRequest
) -> ReadmeCommand:
    """``command`` pointed at the tests' server standing in for the README's ``readme_server``;
    the bundled graph is pushed first where the command reads it."""
    server = request.getfixturevalue(README_SERVERS[readme_server])
    base = server.query_url.rsplit("/", 1)[0]
    moved = ReadmeCommand(
        command.line.replace(readme_server, base),
        tuple(line.replace(readme_server, base) for line in command.shown),
        command.console,
    )
    if moved.args[0] != "push":
        graph = moved.args[moved.args.index("--endpoint-graph") + 1 :][:1]
        pushed = CliRunner().invoke(
            main,
            [
                "push",
                "--endpoint",
                server.store_url,
                "--replace",
                *(["--graph", *graph] if graph else []),
            ],
        )
        assert pushed.exit_code == 0, pushed.output
    return moved


def readme_command_param(command: ReadmeCommand) -> Any:
    """``command`` as a test case; the Fuseki examples need Java and Jena, and are slow."""
    if FUSEKI_EXAMPLE not in command.line:
        return pytest.param(command, id=command.line)
    from tests.helpers import needs_tool
    from tests.jena_server import JENA_MISSING, jena_available

    marks = [needs_tool(available=jena_available(), reason=JENA_MISSING), pytest.mark.slow]
    return pytest.param(command, id=command.line, marks=marks)


@pytest.mark.parametrize("command", [readme_command_param(c) for c in COMMANDS])
def test_readme_command_runs_and_prints_what_the_readme_shows(
    command: ReadmeCommand, readme_folder: Path, request: pytest.FixtureRequest
):
    if command.args[0] in LONG_RUNNING:
        result = CliRunner().invoke(main, [command.args[0], "--help"])
        assert result.exit_code == 0
        return
    for readme_server in README_SERVERS:
        if readme_server in command.line:
            command = on_test_server(command, readme_server, request)
    result = run_readme_command(command)
    fails = any(line.startswith("Error:") for line in command.shown)
    assert (result.exit_code != 0) == fails, result.output
    assert not missing_lines(command.shown, result.output), (
        f"'{command.line}' no longer prints these lines of README.md:\n"
        + "\n".join(missing_lines(command.shown, result.output))
        + f"\n\nIt prints:\n{result.output}"
    )


@pytest.mark.parametrize("text", readme_code("sparql"))
def test_readme_sparql_runs_on_the_bundled_graph(text: str, bundled_graph):
    import graphkit

    frame = graphkit.query(text, graph=bundled_graph)
    assert len(frame) > 0


@pytest.mark.parametrize("code", readme_code("python"))
def test_readme_python_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert not list(tmp_path.iterdir()), "the README's Python wrote files"


# --- Citation --------------------------------------------------------------------------------


def test_citation_file_names_the_current_version():
    citation = (REPO_DIR / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", citation, re.MULTILINE)
    assert re.search(rf'^version: "?{re.escape(__version__)}"?$', citation, re.MULTILINE)
    assert "## Citing" in readme_text() and "CITATION.cff" in readme_text()
