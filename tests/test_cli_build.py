"""`graphkit build`, `validate`, `stats` and `lint-data` as a researcher runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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


def _built(tmp_path: Path, fmt: str, *data: str, store: str = "store") -> tuple[Path, str]:
    out = tmp_path / f"kg-{store}.{fmt}"
    args = ["build", *data, "--store", str(tmp_path / store), "--format", fmt, "--out", str(out)]
    result = run(*args)
    assert result.exit_code == 0, result.output
    return out, result.output


def _split_blank(graph: Graph) -> tuple[set, Graph]:
    """The triples without blank nodes, and the graph of those with one."""
    from rdflib import BNode

    plain, blank = set(), Graph()
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            blank.add(triple)
        else:
            plain.add(triple)
    return plain, blank


@pytest.mark.parametrize("fmt", ["nt", "ttl"])
def test_build_file_holds_the_triples_of_the_rdflib_build(tmp_path: Path, fmt: str) -> None:
    from rdflib.compare import isomorphic

    from graphkit.data.load import load_datasets
    from graphkit.graph.build import build_graph

    out, output = _built(tmp_path, fmt)
    written = Graph().parse(out, format={"nt": "nt", "ttl": "turtle"}[fmt])
    reference = build_graph(load_datasets())
    assert f"Wrote {len(reference)} triples" in output
    assert len(written) == len(reference)
    written_plain, written_blank = _split_blank(written)
    reference_plain, reference_blank = _split_blank(reference)
    assert written_plain == reference_plain
    assert len(written_blank) and isomorphic(written_blank, reference_blank)


@pytest.mark.parametrize("fmt", ["nt", "ttl"])
def test_two_builds_of_the_same_data_are_byte_identical(
    tmp_path: Path, mini_dir: Path, fmt: str
) -> None:
    import subprocess
    import sys

    outputs = []
    # Separate processes and stores: nothing shared but the data; the third finds store 1 up
    # to date (the first two write the text the store is loaded from as they build it).
    for number, store in ((1, 1), (2, 2), (3, 1)):
        out = tmp_path / f"kg{number}.{fmt}"
        code = "from graphkit.cli import main; main()"
        args = ["build", "--no-bundled", "--data", str(mini_dir), "--format", fmt]
        args += ["--store", str(tmp_path / f"store{store}"), "--out", str(out)]
        subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"_:" in outputs[0]  # the ontology's blank nodes, labelled the same both times


def test_turtle_keeps_the_prefixes_and_groups_each_subject(tmp_path: Path, mini_dir: Path) -> None:
    out, _ = _built(tmp_path, "ttl", "--no-bundled", "--data", str(mini_dir))
    text = out.read_text(encoding="utf-8")
    assert "@prefix gkr: <https://w3id.org/graphkit/id/> ." in text
    assert "gkr:testnet a gk:Project ;" in text
    assert text.count("<https://w3id.org/graphkit/id/") == 1  # only in its @prefix line


def test_typed_literals_have_one_form_in_turtle_and_ntriples(
    tmp_path: Path, mini_copy: Path
) -> None:
    from rdflib import Literal

    from graphkit.data.load import load_datasets
    from graphkit.graph.build import build_graph

    quantities = mini_copy / "quantities.csv"
    header, row = quantities.read_text(encoding="utf-8").splitlines()[:2]
    fraction = row.replace("partner-cities-3,", "partner-cities-half,").replace(",3,", ",2.5,")
    quantities.write_text(f"{header}\n{row}\n{fraction}\n", encoding="utf-8")
    data = ("--no-bundled", "--data", str(mini_copy))

    def typed(graph: Graph) -> set[tuple[str, str]]:
        return {
            (str(o.datatype), str(o))
            for o in graph.objects()
            if isinstance(o, Literal) and o.datatype
        }

    ttl, _ = _built(tmp_path, "ttl", *data, store="ttl")
    nt, _ = _built(tmp_path, "nt", *data, store="nt")
    from_ttl = typed(Graph().parse(ttl, format="turtle"))
    from_nt = typed(Graph().parse(nt, format="nt"))
    reference = typed(build_graph(load_datasets([mini_copy])))
    assert from_ttl == from_nt == reference
    kinds = {datatype.rsplit("#", 1)[1] for datatype, _ in reference}
    assert {"decimal", "integer", "date", "gYear", "gYearMonth"} <= kinds
    assert ("http://www.w3.org/2001/XMLSchema#decimal", "2.5") in from_nt


@pytest.mark.parametrize(("name", "turtle"), [("kg.nt", False), ("kg.ttl", True)])
def test_the_out_file_extension_chooses_the_format(
    tmp_path: Path, mini_dir: Path, name: str, turtle: bool
) -> None:
    out = tmp_path / name
    result = run("build", "--no-bundled", "--data", str(mini_dir), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("@prefix") == turtle
    fmt = "turtle" if turtle else "nt"
    assert f"Wrote {len(Graph().parse(out, format=fmt))} triples" in result.output


def test_ntriples_file_has_each_triple_once(tmp_path: Path) -> None:
    # The bundled data has members with several roles in one group (one org:memberOf each).
    out, output = _built(tmp_path, "nt")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines))
    assert f"Wrote {len(lines)} triples" in output
    members = [line for line in lines if "<http://www.w3.org/ns/org#memberOf>" in line]
    assert members
