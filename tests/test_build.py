"""The builder turns validated rows into RDF with quote-level provenance, deterministically."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import XSD, Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from graphkit.data.load import load_datasets
from graphkit.graph.build import build_graph, citation_node, node, serialise
from graphkit.graph.namespaces import GK, GKR, concept


def test_every_row_becomes_a_typed_labelled_node(mini_dir: Path, mini_graph: Graph) -> None:
    dataset = load_datasets([mini_dir])
    for name, frame in dataset.tables.items():
        for row_id in frame["id"]:
            assert (node(row_id), RDF.type, None) in mini_graph, f"{name}:{row_id} has no type"
            assert mini_graph.value(node(row_id), RDFS.label), f"{name}:{row_id} has no label"


def test_every_fact_carries_its_source_and_quote(mini_graph: Graph) -> None:
    citation = mini_graph.value(node("testnet-vienna-to-taranto"), PROV.wasDerivedFrom)
    assert citation == citation_node("testnet-vienna-to-taranto")
    assert str(mini_graph.value(citation, GK.quote)) == (
        "The Welcome House of Vienna was transferred to Taranto through TESTNET study visits"
    )
    source = mini_graph.value(citation, DCTERMS.source)
    assert str(mini_graph.value(source, DCTERMS.identifier)) == "fixture.txt"
    assert mini_graph.value(node("testnet-vienna-to-taranto"), DCTERMS.source) == source


def test_named_transfer_links_practice_cities_and_result(mini_graph: Graph) -> None:
    transfer = node("testnet-vienna-to-taranto")
    assert mini_graph.value(transfer, GK.transferredPractice) == node("vienna-welcome-house")
    assert mini_graph.value(transfer, GK.originCity) == node("vienna")
    assert mini_graph.value(transfer, GK.targetCity) == node("taranto")
    assert mini_graph.value(transfer, GK.resultingPractice) == node("casa-test")
    assert mini_graph.value(transfer, GK.mechanism) == concept("mechanism", "study_visit")
    assert str(mini_graph.value(transfer, RDFS.label)) == "Welcome House: Vienna → Taranto"


def test_unnamed_targets_are_a_group_with_its_count(mini_graph: Graph) -> None:
    transfer = node("testnet-kosice-housing-to-unnamed")
    assert mini_graph.value(transfer, GK.targetCity) is None
    group = mini_graph.value(transfer, GK.targetGroup)
    assert (group, RDF.type, GK.UnnamedCityGroup) in mini_graph
    assert mini_graph.value(group, GK.cityCount) == Literal(3)
    assert str(mini_graph.value(group, RDFS.label)) == "3 unnamed cities"
    assert str(mini_graph.value(group, DCTERMS.description)) == "unnamed transfer cities"


def test_dates_keep_the_precision_of_the_source(mini_graph: Graph) -> None:
    project = node("testnet")
    assert mini_graph.value(project, GK.startDate) == Literal("2019", datatype=XSD.gYear)
    assert mini_graph.value(project, GK.endDate) == Literal("2020-06", datatype=XSD.gYearMonth)
    event = node("testnet-policy-transfer-2019")
    assert mini_graph.value(event, GK.startDate) == Literal("2019-04-09", datatype=XSD.date)


def test_local_names_and_spellings_are_labels(mini_graph: Graph) -> None:
    kosice = node("kosice")
    assert Literal("Kassa") in set(mini_graph.objects(kosice, GK.localName))
    assert str(mini_graph.value(kosice, RDFS.label)) == "Košice"


def test_memberships_give_the_org_shortcut(mini_graph: Graph) -> None:
    from graphkit.graph.namespaces import ORG

    assert (node("kosice"), ORG.memberOf, node("testnet")) in mini_graph
    label = str(mini_graph.value(node("testnet-kosice-lead-partner"), RDFS.label))
    assert label.startswith("Košice – ") and label.endswith(" – TESTNET test project")


def test_bundled_graph_holds_the_mistra_transfer_to_taranto(bundled_graph: Graph) -> None:
    transfer = GKR["mistra-vienna-integrationshaus-to-taranto"]
    assert bundled_graph.value(transfer, GK.originCity) == GKR["vienna"]
    assert bundled_graph.value(transfer, GK.targetCity) == GKR["taranto"]
    assert bundled_graph.value(transfer, GK.viaProject) == GKR["mistra"]


def test_bundled_graph_has_provenance_on_every_data_node(bundled_graph: Graph) -> None:
    unattested = [
        s
        for s, cls in bundled_graph.subject_objects(RDF.type)
        if str(s).startswith(str(GKR))
        and cls not in (GK.Citation, GK.SourceDocument, GK.WebPage, GK.UnnamedCityGroup)
        and str(s) != str(GKR["themes"])
        and bundled_graph.value(s, PROV.wasDerivedFrom) is None
    ]
    assert unattested == []


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_serialisations_parse_back_to_the_same_graph(mini_graph: Graph, fmt: str) -> None:
    data = serialise(mini_graph, fmt)
    parsed = Graph().parse(
        data=data, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
    )
    assert len(parsed) == len(mini_graph)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_build_output_is_byte_identical_across_processes(mini_dir: Path, fmt: str) -> None:
    script = (
        "import sys; from graphkit.graph.build import build_graph, serialise;"
        "from graphkit.data.load import load_datasets;"
        f"sys.stdout.buffer.write(serialise(build_graph(load_datasets([{str(mini_dir)!r}])), "
        f"{fmt!r}))"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.append(
            subprocess.run(
                [sys.executable, "-c", script], env=env, check=True, capture_output=True
            ).stdout
        )
    assert outputs[0] == outputs[1] and len(outputs[0]) > 1000


def test_graph_without_ontology_holds_only_data(mini_dir: Path) -> None:
    graph = build_graph(load_datasets([mini_dir]), with_ontology=False)
    assert (GK.City, RDF.type, None) not in graph
    assert (node("kosice"), RDF.type, GK.City) in graph


@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [
        ("4", "decimal"), ("4.0", "decimal"), ("+04.50", "decimal"), ("-0.0", "decimal"),
        (".5", "decimal"), ("1e2", "decimal"), ("04", "integer"), ("-0", "integer"),
        ("+7", "int"), ("1", "boolean"), ("0", "boolean"), ("true", "boolean"),
        ("1e3", "double"), ("0.1", "float"), ("-0", "double"), ("2019", "gYear"),
        ("2019-04", "gYearMonth"), ("2019-04-09+00:00", "date"), ("P1Y0M", "duration"),
        (" 7 ", "integer"), ("x", "decimal"), ("https://example.org/a", "anyURI"),
    ],
)  # fmt: skip
def test_typed_literals_take_the_form_the_store_keeps(lexical: str, datatype: str) -> None:
    import pyoxigraph as ox

    from graphkit.graph.terms import canonical_lexical

    iri = str(XSD) + datatype
    store = ox.Store()
    subject, predicate = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
    store.add(ox.Quad(subject, predicate, ox.Literal(lexical, datatype=ox.NamedNode(iri))))
    (kept,) = store.quads_for_pattern(subject, predicate, None)
    assert canonical_lexical(lexical, iri) == kept.object.value


def test_typed_literals_in_a_batch_take_the_form_each_takes_alone() -> None:
    """The build canonicalises each column's distinct values together: the same forms as one by
    one, in order, duplicates and invalid text included."""
    from graphkit.graph.terms import canonical_lexical, canonical_lexicals

    for datatype, values in {
        "date": ["2019-04-09+00:00", "2019-04-09", "2019-04-09Z", "not a date", "2020-02-29"],
        "double": ["1e3", "0.1", "1e3", "-0", "NaN", "x"],
        "gYear": ["2019", "02019", "2019Z"],
        "decimal": ["4.0", "+04.50"],
        "duration": ["P1Y0M", "PT36H", "P1Y0M"],
    }.items():
        iri = str(XSD) + datatype
        assert canonical_lexicals(values, iri) == [canonical_lexical(v, iri) for v in values]
    assert canonical_lexicals([], str(XSD) + "date") == []


def test_turtle_writes_typed_values_as_they_are_held(mini_graph: Graph) -> None:
    data = serialise(mini_graph, "ttl")
    typed = {
        (o.datatype, str(o)) for o in mini_graph.objects() if isinstance(o, Literal) and o.datatype
    }
    reread = Graph().parse(data=data, format="turtle")
    assert typed == {
        (o.datatype, str(o)) for o in reread.objects() if isinstance(o, Literal) and o.datatype
    }
    assert (XSD.decimal, "3") in typed
