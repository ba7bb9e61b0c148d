"""benchmarks/run.py times the commands as a user runs them, locally and on real SPARQL servers.

The figures themselves are not asserted (speed is measured by the benchmark, never in tests);
what is asserted is that the benchmark runs the commands it names, on the engines it names, and
reports every one with a time, its ratios and its peak memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import needs_tool
from tests.jena_server import JENA_MISSING, jena_available
from tests.oxigraph_server import oxigraph_binary

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
COMMANDS = ("transfers", "explain Vienna")


def _benchmark(tmp_path: Path, endpoints: str) -> tuple[dict, str]:
    figures, table = tmp_path / "figures.json", tmp_path / "table.md"
    done = subprocess.run(
        [
            *(sys.executable, str(RUN), "--sizes", "0", "--repeats", "1"),
            *("--commands", "transfers,explain", "--endpoints", endpoints),
            *("--json", str(figures), "--markdown", str(table), "--workdir", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(figures.read_text(encoding="utf-8")), table.read_text(encoding="utf-8")


def _timed(document: dict) -> dict[str, dict]:
    (size,) = document["sizes"]
    return {t["name"]: t for t in size["timings"]}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "labels"),
    [
        pytest.param(
            "oxigraph",
            {"Oxigraph server"},
            marks=needs_tool(
                available=oxigraph_binary() is not None, reason="pip install oxigraph"
            ),
        ),
        pytest.param(
            "jena",
            {"Fuseki", "Jena ARQ"},  # Fuseki where Maven fetched it, else Jena's ARQ
            marks=needs_tool(available=jena_available(), reason=JENA_MISSING),
        ),
    ],
)
def test_the_benchmark_times_each_command_locally_and_on_the_server(
    tmp_path: Path, engine: str, labels: set[str]
) -> None:
    document, table = _benchmark(tmp_path, engine)
    timings = _timed(document)
    (server,) = document["sizes"][0]["servers"]
    assert server["engine"] == engine
    shown = server["label"]
    assert shown in labels
    expected = [
        "bare start",
        "build --store --out x.nt",
        "pyoxigraph bulk load",
        "pyoxigraph load + dump",
        *COMMANDS,
        f"push -> {shown}",
        *(f"{command} @ {shown}" for command in COMMANDS),
    ]
    assert list(timings) == expected
    for name in expected:
        assert timings[name]["seconds"] is not None and timings[name]["seconds"] > 0, name
        assert timings[name]["peak_mb"] > 0, name
    # The engine's load alone is part of its load + dump.
    assert timings["pyoxigraph bulk load"]["seconds"] < timings["pyoxigraph load + dump"]["seconds"]
    rows = {
        cells[0]: cells[1:]
        for cells in (line.strip("| ").split(" | ") for line in table.splitlines()[2:])
    }
    for name in expected:
        seconds, to_start, to_engine, peak = rows[name]
        assert float(seconds) == pytest.approx(timings[name]["seconds"], abs=0.005), name
        # its ratios to the bare start and to the engine, as the figures give them
        start = timings["bare start"]["seconds"]
        engine_seconds = timings["pyoxigraph load + dump"]["seconds"]
        assert to_start == f"{timings[name]['seconds'] / start:.1f}x", name
        assert to_engine == f"{timings[name]['seconds'] / engine_seconds:.1f}x", name
        assert peak == f"{timings[name]['peak_mb']:,.0f}", name


@pytest.mark.slow
def test_no_server_no_server_rows(tmp_path: Path) -> None:
    document, _ = _benchmark(tmp_path, "none")
    timings = _timed(document)
    assert document["sizes"][0]["servers"] == []
    assert not any("@" in name or name.startswith("push") for name in timings)
    assert {"transfers", "explain Vienna"} <= set(timings)
