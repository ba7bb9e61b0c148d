"""Exports read back by the tools researchers use: networkx (as Gephi/Cytoscape stand-in),
rdflib, pandas with a spreadsheet's encoding."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from rdflib import Graph

from graphkit.analysis.names import entity_id
from graphkit.analysis.network import PROJECTIONS, knowledge_graph, knowledge_rows, projection
from graphkit.graph.namespaces import GKR
from graphkit.views.export import (
    EXPORT_FORMATS,
    csv_paths,
    export_files,
    scalar_graph,
    to_csv_tables,
    to_gexf,
    to_graphml,
    to_node_link_json,
    write_knowledge_graphml,
)
from tests.conftest import CHAINS_DIR
from tests.helpers import bundled_csv, city_names

KINDS = sorted(PROJECTIONS)


def edge_set(g: nx.Graph) -> set[tuple]:
    if g.is_multigraph():
        return {(u, v, k) for u, v, k in g.edges(keys=True)}
    return {(u, v) if g.is_directed() else frozenset((u, v)) for u, v in g.edges()}


@pytest.fixture(scope="module")
def projections(bundled_graph):
    return {kind: projection(bundled_graph, kind) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_graphml_is_what_networkx_writes_byte_for_byte(projections, kind):
    expected = io.BytesIO()
    nx.write_graphml(scalar_graph(projections[kind]), expected, encoding="utf-8")
    assert to_graphml(projections[kind]) == expected.getvalue()


def test_graphml_escapes_text_and_ids_as_networkx_does():
    g = nx.MultiDiGraph()
    g.add_node('a "1" <&>\n\t', label='x & <y> "q"\nz', count=3, share=0.5, empty="", tags=["p"])
    g.add_node("b")
    g.add_edge('a "1" <&>\n\t', "b", key="k&", weight=2, note=None)
    expected = io.BytesIO()
    nx.write_graphml(scalar_graph(g), expected, encoding="utf-8")
    assert to_graphml(g) == expected.getvalue()
    back = nx.read_graphml(io.BytesIO(to_graphml(g)), force_multigraph=True)
    assert back.nodes['a "1" <&>\n\t']["label"] == 'x & <y> "q"\nz'
    assert back.nodes["b"] == {}


@pytest.mark.parametrize("kind", KINDS)
def test_graphml_reads_back_with_the_same_nodes_edges_and_attributes(projections, kind):
    original = projections[kind]
    back = nx.read_graphml(
        io.BytesIO(to_graphml(original)), force_multigraph=original.is_multigraph()
    )
    expected = scalar_graph(original)
    assert set(back.nodes) == set(original.nodes)
    assert edge_set(back) == edge_set(expected)
    for node, attrs in expected.nodes(data=True):
        assert back.nodes[node] == attrs
    for *ends, attrs in expected.edges(
        data=True, **({"keys": True} if original.is_multigraph() else {})
    ):
        assert back.edges[tuple(ends)] == attrs


def edge_records(
    g: nx.Graph, drop: tuple[str, ...] = (), rename: dict[str, str] | None = None
) -> Counter:
    """Every edge as (ends, attributes), ignoring keys: the same multiset for equal graphs."""
    records: Counter = Counter()
    for u, v, attrs in g.edges(data=True):
        ends = (u, v) if g.is_directed() else frozenset((u, v))
        items = {
            (rename or {}).get(k, k): tuple(w) if isinstance(w, list) else w
            for k, w in attrs.items()
            if k not in drop
        }
        if "weight" in items:
            items["weight"] = float(items["weight"])
        records[(ends, frozenset(items.items()))] += 1
    return records


@pytest.mark.parametrize("kind", KINDS)
def test_gexf_reads_back_with_the_same_nodes_edges_and_attributes(projections, kind):
    original = projections[kind]
    back = nx.read_gexf(io.BytesIO(to_gexf(original)))
    expected = scalar_graph(original, {"type": "relation"})
    assert set(back.nodes) == set(original.nodes)
    for node, attrs in expected.nodes(data=True):
        assert back.nodes[node] == attrs
    # GEXF numbers every edge ("id"); the rest must come back unchanged.
    assert edge_records(back, drop=("id",)) == edge_records(expected)


def test_gexf_writes_edge_direction_not_the_relation_into_the_type_field(projections):
    text = to_gexf(projections["knowledge"]).decode("utf-8")
    assert 'type="memberOf"' not in text
    assert "<edges>" in text and 'title="relation"' in text


def test_gexf_of_the_same_graph_is_the_same_bytes_whatever_the_day(projections):
    """networkx stamps today's date on GEXF's <meta>; graphkit leaves it out (reproducible
    exports), and the file still reads back."""
    data = to_gexf(projections["cities"])
    assert b"lastmodifieddate" not in data
    assert b"<meta>" in data
    assert (
        nx.read_gexf(io.BytesIO(data)).number_of_nodes() == projections["cities"].number_of_nodes()
    )


@pytest.mark.parametrize("kind", KINDS)
def test_node_link_json_round_trips_with_lists_kept(projections, kind):
    original = projections[kind]
    back = nx.node_link_graph(json.loads(to_node_link_json(original)), edges="links")
    assert dict(back.nodes(data=True)) == dict(original.nodes(data=True))
    # "source" names an edge's end in node-link JSON: the document goes to "source_document".
    assert edge_records(back) == edge_records(original, rename={"source": "source_document"})


def test_graphml_attributes_are_scalars_lists_joined_and_numbers_stay_numbers(projections):
    g = scalar_graph(projections["transfers"])
    toulouse = g.nodes["eurocities-toulouse-camps-to-housing-to-four-transfer-cities/targets"]
    assert toulouse["count"] == 4
    berlin = "mistra-berlin-good-practice-model-to-unnamed-city"
    rows = bundled_csv("transfers").set_index("id")
    candidates = [c.strip() for c in rows.loc[berlin, "target_candidates"].split(";")]
    assert g.nodes[f"{berlin}/targets"]["candidates"] == "; ".join(sorted(city_names(candidates)))
    years = 0
    for *_, attrs in g.edges(data=True):
        assert all(isinstance(v, str | int | float) for v in attrs.values())
        if "year" in attrs:  # a transfer of unknown year has none
            assert isinstance(attrs["year"], int)
            years += 1
    assert years > 0


def test_a_missing_number_is_left_out_and_a_missing_text_becomes_empty():
    g = nx.Graph()
    g.add_node("a", year=2010, note=None, tags=["x", "y"])
    g.add_node("b", year=None, note="n", tags=[])
    out = scalar_graph(g)
    assert out.nodes["a"] == {"year": 2010, "note": "", "tags": "x; y"}
    assert out.nodes["b"] == {"note": "n", "tags": ""}
    back = nx.read_graphml(io.BytesIO(to_graphml(g)))
    assert back.nodes["a"]["year"] == 2010 and "year" not in back.nodes["b"]


def test_knowledge_graph_edges_get_unique_ids_for_gephi(projections):
    text = to_graphml(projections["knowledge"]).decode("utf-8")
    ids = re.findall(r'<edge [^>]*\bid="([^"]*)"', text)
    assert len(ids) == len(set(ids)) == projections["knowledge"].number_of_edges()


# --- GraphML of the knowledge network, streamed -------------------------------------------------


def written_knowledge_graphml(graph) -> bytes:
    out = io.BytesIO()
    write_knowledge_graphml(knowledge_rows(graph), out)
    return out.getvalue()


@pytest.fixture(scope="module")
def synthetic_graph(tmp_path_factory):
    """The synthetic data set of benchmarks/synth.py at 3000 rows (seed 7), alone."""
    from benchmarks.synth import generate
    from graphkit.data.load import load_datasets
    from graphkit.graph.build import build_graph

    folder = tmp_path_factory.mktemp("synthetic-3k")
    generate(3000, 7, folder)
    return build_graph(load_datasets([folder]))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bundled_graph", "mini_graph", "chains_graph", "synthetic_graph"])
def test_streamed_knowledge_graphml_is_byte_for_byte_the_networkx_built_one(request, name):
    graph = request.getfixturevalue(name)
    expected = to_graphml(knowledge_graph(graph))  # itself what networkx writes (see above)
    assert written_knowledge_graphml(graph) == expected
    assert export_files(graph, "graphml")[Path("graphkit-knowledge.graphml")] == expected


def _entities_of(graph: Graph, ids: set[str], links: bool) -> Graph:
    """The triples about the entities ``ids`` of ``graph`` (their citations and sources
    left out), with or without the links between them."""
    part = Graph()
    for s, p, o in graph:
        if entity_id(str(s)) not in ids:
            continue
        linked = entity_id(str(o)) in ids
        if (linked and links) or (not linked and not str(o).startswith(str(GKR))):
            part.add((s, p, o))
    return part


@pytest.mark.parametrize("links", [False, True])
def test_streamed_knowledge_graphml_of_a_few_entities_with_and_without_links(chains_graph, links):
    first = pd.read_csv(CHAINS_DIR / "memberships.csv", dtype=str).iloc[0]
    ids = {first["id"], first["member"], first["group"]}  # a membership, a city, a project
    part = _entities_of(chains_graph, ids, links)
    written = written_knowledge_graphml(part)
    assert written == to_graphml(knowledge_graph(part))
    back = nx.read_graphml(io.BytesIO(written), force_multigraph=True)
    assert set(back.nodes) == ids
    assert (back.number_of_edges() > 0) == links
    assert {data["projects"] for _, data in back.nodes(data=True)} == (
        {first["group"]} if links else {"", first["group"]}
    )


def test_streamed_knowledge_graphml_of_an_empty_graph_is_an_empty_graph():
    written = written_knowledge_graphml(Graph())
    assert written == to_graphml(knowledge_graph(Graph()))
    assert nx.read_graphml(io.BytesIO(written)).number_of_nodes() == 0


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_tables_have_a_bom_and_round_trip_kosice(mini_graph):
    nodes, edges = to_csv_tables(projection(mini_graph, "transfers"))
    assert nodes.startswith("\ufeffid,label,type")
    assert edges.startswith("\ufeffsource,target,key,relation")
    raw = nodes.encode("utf-8")
    assert "Košice".encode() in raw
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert table.columns[0] == "id"
    assert table.set_index("id").loc["kosice", "label"] == "Košice"


def test_csv_neutralises_formulas_and_keeps_numbers_numeric(chains_graph):
    _, edges = to_csv_tables(projection(chains_graph, "transfers"))
    table = pd.read_csv(io.StringIO(edges), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = table.set_index("key").loc["relay-bruges-kiosk-to-cork"]
    assert row["outcome"] == "'=HYPERLINK(evil)"
    assert row["source"] == "bruges" and row["source_document"] == "chains.txt"
    years = dict(zip(table["key"], table["year"], strict=True))
    assert years["relay-avila-ledger-to-bruges"] == "2010"
    assert years["relay-bruges-ledger-to-dresden"] == ""
    assert pd.read_csv(io.StringIO(edges))["year"].dropna().tolist() == [2010, 2012, 2011]


def test_csv_weights_are_numbers(chains_graph):
    _, edges = to_csv_tables(projection(chains_graph, "cities"))
    table = pd.read_csv(io.StringIO(edges.lstrip("\ufeff")))
    assert table["weight"].dtype.kind == "i"
    assert list(table.columns[:2]) == ["source", "target"]


def test_csv_paths_are_two_files_beside_a_csv_name_or_in_a_folder(tmp_path: Path):
    assert csv_paths(tmp_path / "cities.csv") == (
        tmp_path / "cities-nodes.csv",
        tmp_path / "cities-edges.csv",
    )
    assert csv_paths(tmp_path / "out") == (
        tmp_path / "out" / "nodes.csv",
        tmp_path / "out" / "edges.csv",
    )


# --- RDF and the files to write ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_rdf_exports_parse_back_to_the_same_triples(mini_graph, tmp_path, fmt, parser):
    files = export_files(mini_graph, fmt, out=tmp_path / f"kg.{fmt}")
    assert list(files) == [tmp_path / f"kg.{fmt}"]
    back = Graph().parse(data=files[tmp_path / f"kg.{fmt}"].decode("utf-8"), format=parser)
    assert len(back) == len(mini_graph)


def test_export_files_default_names_and_every_format(mini_graph):
    for fmt in EXPORT_FORMATS:
        files = export_files(mini_graph, fmt, "cities")
        assert files and all(content for content in files.values())
    assert list(export_files(mini_graph, "csv", "cities")) == [
        Path("graphkit-cities-nodes.csv"),
        Path("graphkit-cities-edges.csv"),
    ]
    assert list(export_files(mini_graph, "ttl")) == [Path("graphkit.ttl")]
    with pytest.raises(ValueError, match="unknown format"):
        export_files(mini_graph, "xlsx")
