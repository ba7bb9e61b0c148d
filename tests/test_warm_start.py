"""Warm commands start fast: a command that only queries the built store loads no pandas,
rdflib or networkx (each costs more than the whole query), checked in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphkit.locations import QUERIES_DIR
from graphkit.sparql.checked import check_query, package_query

HEAVY = ("pandas", "rdflib", "networkx", "numpy", "pyvis", "matplotlib")
# Runs one command in this process, then reports which heavy libraries it loaded.
RUNNER = """
import json, sys
from graphkit.cli import main
try:
    main(args=sys.argv[1:], prog_name="graphkit")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print("\\n" + json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def run_counting_imports(*args: str) -> tuple[str, dict]:
    """Run ``graphkit ARGS`` in a fresh interpreter; its stdout and what it reported."""
    done = subprocess.run(
        [sys.executable, "-c", RUNNER.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, report


@pytest.fixture(scope="module")
def built_store() -> None:
    """The bundled store of this session's cache, built (a build may load anything)."""
    _, report = run_counting_imports("transfers", "--format", "csv")
    assert report["code"] == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("transfers",),
        ("transfers", "--from", "Wien", "--theme", "housing", "--since", "2010"),
        ("explain", "Taranto"),
        ("explain", "Kassa"),
        ("paths", "Wien", "Taranto"),
        ("paths", "Kosice", "Budapest"),
        ("query", "transfers-into-city", "--param", "city=Taranto"),
        ("query", "source-supports"),
    ],
    ids=" ".join,
)
def test_a_warm_command_on_the_store_loads_no_pandas_rdflib_or_networkx(
    built_store: None, args: tuple[str, ...]
) -> None:
    output, report = run_counting_imports(*args)
    assert report["code"] == 0
    assert output.strip(), "the command printed nothing"
    assert report["heavy"] == []


def _shipped_queries() -> list[Path]:
    return sorted(QUERIES_DIR.rglob("*.rq"))


@pytest.mark.parametrize(
    "path", _shipped_queries(), ids=lambda p: p.relative_to(QUERIES_DIR).as_posix()
)
def test_a_shipped_query_reads_the_same_without_rdflibs_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    parsed, read = check_query(text), package_query(text)
    assert read.form == parsed.form
    assert read.projected == parsed.projected
    # rdflib names the aggregates it adds __agg_N__; they are not the query's variables.
    assert read.variables == {v for v in parsed.variables if not v.startswith("__agg_")}
