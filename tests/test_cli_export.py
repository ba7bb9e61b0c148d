"""`graphkit export`: files for Gephi, Cytoscape, R, spreadsheets and RDF tools."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner
from rdflib import Graph

import graphkit
from graphkit.analysis import network
from graphkit.cli import EXPORT_FORMATS, EXPORT_GRAPHS, NETWORK_GRAPHS, main
from graphkit.views import export
from tests.conftest import CHAINS_DIR

CHAINS = ("--no-bundled", "--data", str(CHAINS_DIR))


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_offers_every_library_format_and_graph() -> None:
    assert EXPORT_FORMATS == export.EXPORT_FORMATS
    assert set(EXPORT_GRAPHS) == set(network.PROJECTIONS)
    assert set(NETWORK_GRAPHS) == set(network.PROJECTIONS) - {"knowledge"}


def test_gexf_of_the_transfer_network_opens_with_its_cities(tmp_path: Path) -> None:
    out = tmp_path / "transfers.gexf"
    result = run("export", *CHAINS, "--format", "gexf", "--graph", "transfers", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stdout
    g = nx.read_gexf(out)
    assert set(g.nodes) == {"avila", "bruges", "cork", "dresden"}
    assert g.nodes["avila"]["label"] == "Ávila"


def test_graphml_default_is_the_knowledge_graph(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("export", *CHAINS)
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(tmp_path / "graphkit-knowledge.graphml")
    assert g.nodes["relay-avila-ledger-to-bruges"]["type"] == "PracticeTransfer"


def test_graphml_of_the_knowledge_network_streams_the_library_export_into_the_file(
    tmp_path: Path,
) -> None:
    out = tmp_path / "knowledge.graphml"
    result = run("export", *CHAINS, "--format", "graphml", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stdout
    kg = graphkit.open(CHAINS_DIR, bundled=False)
    assert out.read_bytes() == kg.export("graphml", out=out)[out]
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_csv_writes_nodes_and_edges_tables_beside_the_name(tmp_path: Path) -> None:
    out = tmp_path / "cities.csv"
    result = run("export", *CHAINS, "--format", "csv", "--graph", "cities", "--out", str(out))
    assert result.exit_code == 0, result.output
    nodes_file, edges_file = tmp_path / "cities-nodes.csv", tmp_path / "cities-edges.csv"
    assert nodes_file.read_bytes().startswith(b"\xef\xbb\xbfid,")
    nodes = pd.read_csv(nodes_file, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert "Évora" in set(nodes["label"])
    edges = pd.read_csv(edges_file, encoding="utf-8-sig")
    assert len(edges) == 7 and set(edges["weight"]) == {1}
    assert not out.exists()


def test_csv_into_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    run("export", *CHAINS, "--format", "csv", "--graph", "transfers", "--out", str(out))
    edges = pd.read_csv(out / "edges.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert "'=HYPERLINK(evil)" in set(edges["outcome"])


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt")])
def test_rdf_formats_export_the_whole_graph(tmp_path: Path, fmt: str, parser: str) -> None:
    out = tmp_path / f"kg.{fmt}"
    result = run("export", *CHAINS, "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(out, format=parser)) > 100


def test_json_is_node_link_with_links_as_d3_and_networkx_read_it(tmp_path: Path) -> None:
    out = tmp_path / "actors.json"
    run("export", *CHAINS, "--format", "json", "--graph", "actors", "--out", str(out))
    data = __import__("json").loads(out.read_text("utf-8"))
    assert {"nodes", "links"} <= set(data) and "edges" not in data
    assert all({"source", "target"} <= set(link) for link in data["links"])
    g = nx.node_link_graph(data, edges="links")
    assert g.number_of_edges() == len(data["links"]) > 0
    assert g.edges["faro", "bridge-net"]["role"] == ["lead partner"]


def test_graph_option_with_rdf_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["export", *CHAINS, "--format", "ttl", "--graph", "cities", "--out", str(tmp_path / "x")],
    )
    assert result.exit_code == 2 and "--graph applies to" in result.output
    assert not (tmp_path / "x").exists()


def _typed_literals(path: Path) -> set[tuple[str, str]]:
    """(datatype, lexical form) of every typed, non-string literal of an RDF file, read by
    Oxigraph, so the check does not depend on the library that wrote the file."""
    import pyoxigraph as ox

    string = "http://www.w3.org/2001/XMLSchema#string"
    return {
        (t.object.datatype.value, t.object.value)
        for t in ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
        if isinstance(t.object, ox.Literal)
        and not t.object.language
        and t.object.datatype.value != string
    }


def test_every_rdf_format_spells_typed_values_the_same(tmp_path: Path, mini_dir: Path) -> None:
    from decimal import Decimal

    forms = {}
    for fmt in ("ttl", "nt", "jsonld"):
        out = tmp_path / f"kg.{fmt}"
        result = run(
            "export", "--no-bundled", "--data", str(mini_dir), "--format", fmt, "--out", str(out)
        )
        assert result.exit_code == 0, result.output
        forms[fmt] = _typed_literals(out)
    assert forms["ttl"] == forms["nt"] == forms["jsonld"]
    decimals = {lexical for datatype, lexical in forms["nt"] if datatype.endswith("#decimal")}
    curated = pd.read_csv(mini_dir / "quantities.csv", dtype=str)["value"]
    # One spelling per value, the one the store keeps: no trailing zeros, 4 not 4.0.
    assert {Decimal(v) for v in decimals} == {Decimal(v) for v in curated}
    assert len(decimals) == len(set(curated))
    assert not [v for v in decimals if v.startswith("+") or ("." in v and v.endswith("0"))]


def test_query_answers_spell_decimals_as_the_export_does(tmp_path: Path, mini_dir: Path) -> None:
    import graphkit

    out = tmp_path / "kg.ttl"
    run("export", "--no-bundled", "--data", str(mini_dir), "--format", "ttl", "--out", str(out))
    exported = {v for d, v in _typed_literals(out) if d.endswith("#decimal")}
    kg = graphkit.open(mini_dir, bundled=False)
    query = "SELECT ?v WHERE { ?s ?p ?v FILTER(datatype(?v) = xsd:decimal) }"
    for engine in ("oxigraph", "rdflib"):
        answered = {str(row[0]) for row in kg.query(query, engine=engine).rows}
        assert answered == exported, engine
