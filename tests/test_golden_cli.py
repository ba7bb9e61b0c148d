"""Every main command prints exactly what it printed when its golden file was written.

The runs use the small fixtures (``tests/data/mini``, ``tests/data/chains``) and the example folder
``datasets/examples/valmora``, never the bundled data alone, which curators change every week.
Golden files live in ``tests/data/golden/cli/<case>.txt`` (stdout, the error message of a failing
command, then the exit code) and
``tests/data/golden/cli/<case>/`` (the files a command wrote). After a change that is meant to
alter an output, regenerate them with

    GRAPHKIT_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden_cli.py

and read the diff (``git diff tests/data/golden/cli``) before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from tests.conftest import CHAINS_DIR, MINI_DIR, REPO_DIR

GOLDEN_DIR = Path(__file__).resolve().parent / "data" / "golden" / "cli"
REGENERATE = os.environ.get("GRAPHKIT_REGENERATE_GOLDEN") == "1"
VALMORA_DIR = REPO_DIR / "datasets" / "examples" / "valmora"

MINI = ("--no-bundled", "--data", str(MINI_DIR))
CHAINS = ("--no-bundled", "--data", str(CHAINS_DIR))
# Valmora refers to bundled ids, so it is read with the bundled data; its cases ask only about
# Valmora's own rows.
VALMORA = ("--data", str(VALMORA_DIR))

# case name -> command line; "{out}" is a folder for the files the command writes.
CASES: dict[str, list[str]] = {
    "mini-transfers": ["transfers", *MINI],
    "mini-transfers-csv": ["transfers", *MINI, "--format", "csv"],
    "mini-transfers-json-from-vienna": ["transfers", *MINI, "--from", "Wien", "--format", "json"],
    "mini-transfers-unknown-city": ["transfers", *MINI, "--from", "Atlantis"],
    "mini-paths-vienna-taranto": ["paths", *MINI, "Vienna", "Taranto"],
    "mini-paths-kosice-vienna-csv": ["paths", *MINI, "Kosice", "Vienna", "--format", "csv"],
    "mini-network-summary": ["network", "summary", *MINI],
    "mini-network-centrality-actors": [
        "network",
        "centrality",
        *MINI,
        "--graph",
        "actors",
        "--format",
        "csv",
    ],
    "mini-network-brokers": ["network", "brokers", *MINI, "--format", "csv"],
    "mini-network-communities": ["network", "communities", *MINI, "--format", "csv"],
    "mini-cascades": ["cascades", *MINI],
    "mini-explain-vienna": ["explain", *MINI, "Wien"],
    "mini-explain-testnet-json": ["explain", *MINI, "TESTNET", "--format", "json"],
    "mini-stats": ["stats", *MINI],
    "mini-partners-vienna": ["partners", *MINI, "Wien"],
    "mini-stats-json": ["stats", *MINI, "--format", "json"],
    "mini-stats-source-csv": ["stats", *MINI, "--by", "source", "--format", "csv"],
    "mini-query-into-taranto": ["query", *MINI, "transfers-into-city", "--param", "city=Taranto"],
    "mini-query-text-rdflib": [
        "query",
        *MINI,
        "SELECT ?c WHERE { ?c a gk:City } ORDER BY ?c",
        "--engine",
        "rdflib",
        "--format",
        "csv",
    ],
    "mini-query-update-refused": ["query", *MINI, "DELETE WHERE { ?s ?p ?o }"],
    "queries": ["queries"],
    "mini-validate": ["validate", *MINI],
    "mini-export-ttl": ["export", *MINI, "--format", "ttl", "--out", "{out}/graph.ttl"],
    "mini-export-transfers-graphml": [
        "export",
        *MINI,
        "--format",
        "graphml",
        "--graph",
        "transfers",
        "--out",
        "{out}/transfers.graphml",
    ],
    "mini-export-cities-csv": [
        "export",
        *MINI,
        "--format",
        "csv",
        "--graph",
        "cities",
        "--out",
        "{out}/cities.csv",
    ],
    "mini-visualise-transfers": [
        "visualise",
        *MINI,
        "--view",
        "transfers",
        "--out",
        "{out}/transfers.html",
    ],
    "chains-transfers-csv": ["transfers", *CHAINS, "--format", "csv"],
    "chains-transfers-housing": ["transfers", *CHAINS, "--theme", "housing"],
    "chains-paths-avila-dresden": ["paths", *CHAINS, "Avila", "Dresden"],
    "chains-paths-faro-dresden": ["paths", *CHAINS, "Faro", "Dresden"],
    "chains-network-centrality-transfers": [
        "network",
        "centrality",
        *CHAINS,
        "--graph",
        "transfers",
        "--format",
        "csv",
    ],
    "chains-network-communities": ["network", "communities", *CHAINS, "--format", "csv"],
    "chains-cascades-json": ["cascades", *CHAINS, "--format", "json"],
    "chains-export-transfers-gexf": [
        "export",
        *CHAINS,
        "--format",
        "gexf",
        "--graph",
        "transfers",
        "--out",
        "{out}/transfers.gexf",
    ],
    "valmora-transfers-to-valmora": ["transfers", *VALMORA, "--to", "Valmora", "--format", "csv"],
    "valmora-explain-valmora": ["explain", *VALMORA, "valmora", "--format", "csv"],
}


# A written line longer than this is vendored code (vis-network's minified script and CSS in a
# page), which comes from the installed pyvis, not from graphkit: it is compared by presence only.
VENDORED_LINE = 20_000


def _without_vendored_code(content: bytes) -> bytes:
    lines = content.split(b"\n")
    return b"\n".join(b"[vendored code]" if len(line) > VENDORED_LINE else line for line in lines)


def _written_files(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {p.name: _without_vendored_code(p.read_bytes()) for p in sorted(folder.iterdir())}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_command_output_matches_its_golden_file(case: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = [arg.replace("{out}", str(out)) for arg in CASES[case]]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    # stderr only on failure: progress messages depend on whether the store was built already.
    shown = result.stdout + (result.stderr if result.exit_code else "")
    printed = f"{shown.replace(str(out), '{out}')}\n[exit {result.exit_code}]\n"
    files = _written_files(out)
    golden_text = GOLDEN_DIR / f"{case}.txt"
    golden_files = GOLDEN_DIR / case
    if REGENERATE:
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        golden_text.write_text(printed, encoding="utf-8")
        shutil.rmtree(golden_files, ignore_errors=True)
        if files:
            golden_files.mkdir()
            for name, content in files.items():
                (golden_files / name).write_bytes(content)
        return
    assert golden_text.exists(), f"no golden file for {case}: regenerate (see the module doc)"
    assert printed == golden_text.read_text(encoding="utf-8"), f"{case}: output changed"
    assert files == _written_files(golden_files), f"{case}: written files changed"
