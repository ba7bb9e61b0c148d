"""`graphkit build`, `validate`, `stats` and `lint-data` as a researcher runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph

from graphkit import __version__
from graphkit.cli import main
from tests.helpers import replace_in


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_build_writes_turtle_and_summarises(tmp_path: Path, mini_dir: Path) -> None:
    out = tmp_path / "kg.ttl"
    result = run("build", "--no-bundled", "--data", str(mini_dir), "--out", str(out))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format="turtle")
    assert f"Wrote {len(graph)} triples" in result.output
    assert "gk:PracticeTransfer" in result.output


def test_build_bundled_data_by_default(tmp_path: Path) -> None:
    out = tmp_path / "kg.nt"
    result = run("build", "--format", "nt", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "<https://w3id.org/graphkit/id/mistra-vienna-integrationshaus-to-taranto>" in text
    assert '"Košice"' in text


def test_build_with_bad_data_lists_every_error_and_writes_nothing(
    tmp_path: Path, mini_copy: Path
) -> None:
    replace_in(mini_copy / "cities.csv", "taranto,Taranto,,,italy", "taranto,Taranto,,,itly")
    replace_in(mini_copy / "events.csv", "2019-04-09", "2019-13-09")
    out = tmp_path / "kg.ttl"
    out.write_text("previous good build", encoding="utf-8")
    result = run("build", "--no-bundled", "--data", str(mini_copy), "--out", str(out))
    assert result.exit_code != 0
    assert "cities.csv:3:country: [dangling-reference]" in result.output
    assert "events.csv:2:start: [date]" in result.output
    assert "nothing was written" in result.output
    assert out.read_text(encoding="utf-8") == "previous good build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.ttl", "mini"]


def test_no_bundled_needs_a_data_folder() -> None:
    result = run("build", "--no-bundled")
    assert result.exit_code == 2 and "--data" in result.output


def test_data_folder_adds_cities_to_the_bundled_graph(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    (extra / "sources").mkdir(parents=True)
    (extra / "sources" / "notes.txt").write_text("Bratislava is in Slovakia.", encoding="utf-8")
    (extra / "sources.csv").write_text(
        "id,locator,title,kind,publisher,date,record,note\n"
        "src-notes,notes.txt,My notes,source_document,,,,\n",
        encoding="utf-8",
    )
    (extra / "cities.csv").write_text(
        "id,name,local_names,alt_names,country,source,quote,note\n"
        "bratislava,Bratislava,Pozsony,,slovakia,notes.txt,Bratislava is in Slovakia,\n",
        encoding="utf-8",
    )
    out = tmp_path / "kg.ttl"
    result = run("build", "--data", str(extra), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "gkr:bratislava" in text and "gkr:mistra" in text


def test_validate_reports_conformance(mini_dir: Path) -> None:
    result = run("validate", "--no-bundled", "--data", str(mini_dir))
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_stats_per_source_counts_the_facts_each_document_supports(mini_dir: Path) -> None:
    result = run(
        "stats", "--no-bundled", "--data", str(mini_dir), "--by", "source", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    # Every data row of the fixture except the sources table's cites fixture.txt.
    cited = sum(
        len(path.read_text(encoding="utf-8").splitlines()) - 1
        for path in mini_dir.glob("*.csv")
        if path.name != "sources.csv"
    )
    assert row == {"source": "fixture.txt", "title": "TESTNET fixture document", "facts": cited}


def test_stats_per_project_counts_members_and_transfers(mini_dir: Path) -> None:
    result = run(
        "stats", "--no-bundled", "--data", str(mini_dir), "--by", "project", "--format", "json"
    )
    (row,) = json.loads(result.output)
    assert (row["project"], row["members"], row["transfers"], row["events"]) == ("testnet", 4, 2, 1)


def test_lint_data_rewrites_unsorted_files_canonically(mini_copy: Path) -> None:
    path = mini_copy / "cities.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    check = run("lint-data", "--check", str(mini_copy))
    assert check.exit_code == 1 and "cities.csv" in check.output
    assert run("lint-data", str(mini_copy)).exit_code == 0
    assert path.read_text(encoding="utf-8").splitlines()[1].startswith("kosice,")
    assert run("lint-data", "--check", str(mini_copy)).exit_code == 0


def test_built_file_gets_ordinary_permissions(tmp_path: Path, mini_dir: Path) -> None:
    import os
    import stat

    previous = os.umask(0o022)
    try:
        out = tmp_path / "kg.ttl"
        assert (
            run("build", "--no-bundled", "--data", str(mini_dir), "--out", str(out)).exit_code == 0
        )
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_help_does_not_load_the_heavy_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from graphkit.cli import main;"
        "heavy = [m for m in ('pandas', 'rdflib', 'networkx', 'pyoxigraph', 'pyvis') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
