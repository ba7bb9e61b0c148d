"""Researchers query the graph by bundled name, file or inline SPARQL and get DataFrames back;
``graphkit query`` and ``graphkit queries`` do the same from the command line."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.sparql import prepareQuery

import graphkit
import graphkit.analysis.query as gq
from graphkit import cli
from graphkit.analysis.query import BundledQuery, bundled_queries, parameter_terms, query, run_query
from graphkit.errors import ParameterError, QueryError, UnknownQueryError
from graphkit.graph.namespaces import GK, GKR, GKV, PREFIXES
from graphkit.knowledge_graph import KnowledgeGraph

CITIES = "SELECT ?city ?name WHERE { ?city a gk:City ; rdfs:label ?name } ORDER BY ?name"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def mini_args(mini_dir) -> list[str]:
    return ["--no-bundled", "--data", str(mini_dir)]


@pytest.fixture
def cli_uses_mini_graph(monkeypatch, mini_graph):
    """CLI commands get the session's TESTNET graph instead of building it again (speed only:
    test_cli_query_finds_the_city_by_its_german_name builds it the real way)."""
    monkeypatch.setattr(KnowledgeGraph, "graph", lambda self, *_args: mini_graph)


# --- The library ------------------------------------------------------------------------------


def test_graphkit_query_is_a_function_returning_a_dataframe(mini_graph):
    frame = graphkit.query("transfers-into-city", {"city": GKR["taranto"]}, mini_graph)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["practice_name"]) == ["Welcome House"]
    assert list(frame["origin_name"]) == ["Vienna"]


def test_inline_query_columns_follow_the_select_clause(mini_graph):
    frame = query(CITIES, graph=mini_graph)
    assert list(frame.columns) == ["city", "name"]
    assert list(frame["name"]) == ["Košice", "Taranto", "Vienna"]
    assert frame["city"][0] == str(GKR["kosice"])


def test_numbers_come_back_as_numbers(mini_graph):
    frame = query("unnamed-transfer-targets", graph=mini_graph)
    assert frame["city_count"].tolist() == [3]
    assert pd.api.types.is_integer_dtype(frame["city_count"])


def test_bundled_name_rq_file_and_inline_text_give_the_same_rows(mini_graph, tmp_path):
    text = bundled_queries()["projects-of-city"].text
    path = tmp_path / "mine.rq"
    path.write_text(text, encoding="utf-8")
    by_name = query("projects-of-city", graph=mini_graph)
    assert by_name.equals(query(path, graph=mini_graph))
    assert by_name.equals(query(str(path), graph=mini_graph))
    assert by_name.equals(query(text, graph=mini_graph))


def test_unknown_bundled_name_suggests_close_names():
    with pytest.raises(UnknownQueryError, match="transfers-into-city"):
        run_query("transfers-into-cty", graph=Graph())


def test_ask_gives_a_boolean(mini_graph):
    assert run_query("ASK { gkr:vienna gk:country gkr:austria }", graph=mini_graph).boolean
    assert not run_query("ASK { gkr:vienna gk:country gkr:italy }", graph=mini_graph).boolean
    assert query("ASK { ?c a gk:City }", graph=mini_graph)["answer"].tolist() == [True]


def test_construct_and_describe_give_graphs(mini_graph):
    built = run_query(
        "CONSTRUCT { ?c rdfs:label ?n } WHERE { ?c a gk:City ; rdfs:label ?n }", graph=mini_graph
    ).graph()
    assert set(built.objects(None, RDFS.label)) == {
        Literal("Košice"),
        Literal("Taranto"),
        Literal("Vienna"),
    }
    described = run_query("DESCRIBE gkr:taranto", graph=mini_graph)
    assert (GKR["taranto"], GK.country, GKR["italy"]) in described.graph()
    frame = described.frame()
    assert list(frame.columns) == ["subject", "predicate", "object"]


def test_a_select_result_has_no_graph(mini_graph):
    with pytest.raises(QueryError, match="no graph"):
        run_query(CITIES, graph=mini_graph).graph()


def test_unset_parameter_lists_every_receiving_city(mini_graph):
    assert query("transfers-into-city", graph=mini_graph)["city_name"].tolist() == ["Taranto"]
    assert query("transfers-into-city", {"city": GKR["kosice"]}, mini_graph).empty


def test_default_parameter_is_bound_when_not_given(mini_graph):
    assert bundled_queries()["source-supports"].parameter("source").default == "gkr:doc-mistra"
    assert query("source-supports", graph=mini_graph).empty  # no MiStra document in TESTNET
    frame = query("source-supports", {"source": GKR["src-fixture"]}, mini_graph)
    assert len(frame) == 21


def test_bindings_must_name_a_parameter_of_the_bundled_query(mini_graph):
    with pytest.raises(ParameterError, match="its parameters: city"):
        query("transfers-into-city", {"town": GKR["taranto"]}, mini_graph)


def test_only_selected_variables_can_be_bound(mini_graph):
    text = "SELECT ?name WHERE { ?city rdfs:label ?name }"
    with pytest.raises(ParameterError, match="not selected"):
        query(text, {"city": GKR["vienna"]}, mini_graph)


def test_entity_parameters_take_iris_and_literal_parameters_take_literals(mini_graph):
    with pytest.raises(ParameterError, match="needs a URIRef"):
        query("transfers-into-city", {"city": Literal("Taranto")}, mini_graph)
    with pytest.raises(ParameterError, match="needs a Literal"):
        query("lessons-in-category", {"category": GKR["coordination"]}, mini_graph)


def test_repeated_queries_reuse_the_loaded_store_and_reload_a_changed_graph(mini_graph):
    copy = Graph()
    copy += mini_graph
    store = gq.oxigraph_store(copy)
    assert gq.oxigraph_store(copy) is store
    copy.add((GKR["kosice"], RDFS.comment, Literal("added")))
    assert gq.oxigraph_store(copy) is not store
    assert query("ASK { gkr:kosice rdfs:comment 'added' }", graph=copy)["answer"][0]


def test_row_cap_truncates_and_says_so(mini_graph):
    result = run_query("SELECT ?s WHERE { ?s ?p ?o }", graph=mini_graph, max_rows=5)
    assert len(result.rows) == 5
    assert result.truncated
    assert result.frame().attrs["truncated"] is True
    assert "first 5 rows" in result.truncation_message()
    whole = run_query(CITIES, graph=mini_graph, max_rows=3)
    assert not whole.truncated and whole.truncation_message() == ""


def test_unknown_engine_is_refused(mini_graph):
    with pytest.raises(QueryError, match="Unknown engine"):
        run_query(CITIES, graph=mini_graph, engine="virtuoso")


# --- User-typed parameter values --------------------------------------------------------------


def test_city_parameter_accepts_any_spelling_of_the_name(mini_graph):
    for spelling in ("Wien", "vienna", "VIENNA", "gkr:vienna", f"<{GKR['vienna']}>"):
        assert parameter_terms(mini_graph, "transfers-out-of-city", {"city": spelling}) == {
            "city": GKR["vienna"]
        }
    assert parameter_terms(mini_graph, "projects-of-city", {"city": "kosice"}) == {
        "city": GKR["kosice"]
    }


def test_concept_parameter_accepts_the_value_or_its_label(mini_graph):
    ngo = GKV["organisation-type/ngo"]
    for spelling in ("ngo", "NGO / civil society", "NGO"):
        assert parameter_terms(mini_graph, "organisations-by-type", {"type": spelling}) == {
            "type": ngo
        }


def test_literal_parameter_becomes_a_literal(mini_graph):
    terms = parameter_terms(mini_graph, "lessons-in-category", {"category": "Coordination"})
    assert terms == {"category": Literal("Coordination")}


def test_inline_query_values_are_iris_when_written_as_iris_else_literals(mini_graph):
    terms = parameter_terms(mini_graph, CITIES, {"city": "gkr:vienna", "name": "Vienna"})
    assert terms == {"city": GKR["vienna"], "name": Literal("Vienna")}


def test_unknown_city_lists_the_closest_names(mini_graph):
    from graphkit.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="Closest matches: Taranto"):
        parameter_terms(mini_graph, "transfers-into-city", {"city": "Tarantto"})


# --- The bundled query files ------------------------------------------------------------------


@pytest.mark.parametrize("bundled", list(bundled_queries().values()), ids=lambda q: q.name)
def test_bundled_query_runs_unchanged_in_any_sparql_tool(bundled: BundledQuery):
    # Its own PREFIX lines suffice: rdflib parses it without graphkit's predeclared prefixes.
    prepareQuery(bundled.text)
    assert bundled.question.endswith("?")
    for line in bundled.text.splitlines():
        if line.startswith("PREFIX"):
            prefix, iri = line.split()[1].rstrip(":"), line.split()[2]
            assert prefix not in PREFIXES or iri == f"<{PREFIXES[prefix]}>", line


@pytest.mark.parametrize("bundled", list(bundled_queries().values()), ids=lambda q: q.name)
def test_bundled_query_parameters_are_selected_and_well_typed(bundled: BundledQuery, mini_graph):
    checked = gq.check_query(bundled.text)
    ontology_terms = set(mini_graph.subjects())
    for parameter in bundled.parameters:
        assert parameter.name in checked.projected, f"?{parameter.name} must be selected"
        assert parameter.description
        if parameter.kind == "entity" and parameter.classes:
            assert set(parameter.classes) <= ontology_terms, parameter.type
        if parameter.kind == "concept":
            assert GKV[parameter.scheme] in ontology_terms
        if parameter.kind == "literal":
            assert parameter.type.startswith("xsd:")
        default = parameter.default_term()
        assert default is None or isinstance(default, URIRef | Literal)


def test_header_lines_declare_question_and_parameters():
    parsed = gq.parse_header(
        "example",
        "# question: Which cities?\n"
        "# param: city (gk:City|gk:Organisation, default: gkr:vienna) - a place\n"
        "# param: year (xsd:gYear) - a year\n"
        "SELECT ?city ?year WHERE { ?city ?p ?year }\n"
        "# param: ignored (gk:City) - after the query\n",
    )
    assert parsed.question == "Which cities?"
    city, year = parsed.parameters
    assert city.classes == [GK.City, GK.Organisation]
    assert city.default_term() == GKR["vienna"]
    assert (year.kind, year.default) == ("literal", None)
    assert year.datatype == URIRef("http://www.w3.org/2001/XMLSchema#gYear")
    with pytest.raises(ValueError, match="no '# question:'"):
        gq.parse_header("bad", "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(ValueError, match="cannot read the parameter"):
        gq.parse_header("bad", "# question: Q?\n# param: city gk:City\n")


# --- The command line -------------------------------------------------------------------------


def test_cli_query_finds_the_city_by_its_german_name(runner, mini_dir):
    args = ["query", "transfers-out-of-city", "--param", "city=Wien", "--format", "csv"]
    result = runner.invoke(cli.main, [*args, *mini_args(mini_dir)])
    assert result.exit_code == 0, result.output
    rows = list(pd.read_csv(__import__("io").StringIO(result.stdout))["target_name"])
    assert rows == ["Taranto"]


def test_cli_query_table_shows_prefixed_names(runner, mini_dir, cli_uses_mini_graph):
    result = runner.invoke(cli.main, ["query", CITIES, *mini_args(mini_dir)])
    assert result.exit_code == 0, result.output
    assert "gkr:kosice" in result.stdout and "Košice" in result.stdout


def test_cli_query_json_keeps_full_iris(runner, mini_dir, cli_uses_mini_graph):
    result = runner.invoke(cli.main, ["query", CITIES, "--format", "json", *mini_args(mini_dir)])
    assert json.loads(result.stdout)[0] == {"city": str(GKR["kosice"]), "name": "Košice"}


def test_cli_query_engines_agree(runner, mini_dir, cli_uses_mini_graph):
    outputs = [
        runner.invoke(
            cli.main,
            [
                "query",
                "project-partners",
                "--engine",
                engine,
                "--format",
                "csv",
                *mini_args(mini_dir),
            ],
        ).stdout
        for engine in ("oxigraph", "rdflib")
    ]
    assert outputs[0] == outputs[1] and "Fixture Agency" in outputs[0]


def test_cli_query_unknown_city_fails_with_closest_matches(runner, mini_dir, cli_uses_mini_graph):
    args = ["query", "transfers-into-city", "--param", "city=Tarentum", *mini_args(mini_dir)]
    result = runner.invoke(cli.main, args)
    assert result.exit_code == 1
    assert "No city is called 'Tarentum'" in result.output
    assert "Taranto" in result.output


def test_cli_query_rejects_malformed_param(runner, mini_dir):
    result = runner.invoke(cli.main, ["query", CITIES, "--param", "city", *mini_args(mini_dir)])
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.output


def test_cli_query_reports_truncation_on_stderr(runner, mini_dir, cli_uses_mini_graph):
    args = ["query", "SELECT ?s WHERE { ?s ?p ?o }", "--limit", "2", "--format", "csv"]
    result = runner.invoke(cli.main, [*args, *mini_args(mini_dir)])
    assert result.exit_code == 0
    assert len(result.stdout.strip().splitlines()) == 3  # header and two rows
    assert "Showing the first 2 rows only" in result.stderr


def test_cli_query_timeout_stops_a_runaway_query(runner, mini_dir, cli_uses_mini_graph):
    runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i"
    args = ["query", runaway, "--timeout", "0.5", *mini_args(mini_dir)]
    result = runner.invoke(cli.main, args)
    assert result.exit_code == 1
    assert "did not finish within 0.5 s" in result.output


def test_cli_queries_lists_every_bundled_query_with_question_and_parameters(runner):
    result = runner.invoke(cli.main, ["queries", "--format", "json"])
    listing = json.loads(result.stdout)
    assert [q["name"] for q in listing] == sorted(bundled_queries())
    transfers = next(q for q in listing if q["name"] == "transfers-into-city")
    assert transfers["question"].startswith("Which practices were transferred into a city")
    assert transfers["parameters"][0]["name"] == "city"
    assert set(transfers["parameters"][0]) == {"name", "type", "default", "description"}


def test_cli_queries_table_shows_how_to_pass_parameters(runner):
    result = runner.invoke(cli.main, ["queries"])
    assert result.exit_code == 0
    assert re.search(r"^transfers-into-city$", result.stdout, re.MULTILINE)
    assert "--param city=" in result.stdout


def test_cli_defaults_are_the_library_defaults():
    assert cli.QUERY_ENGINES == gq.ENGINES
    assert cli.QUERY_TIMEOUT == gq.DEFAULT_TIMEOUT
    assert cli.QUERY_ROW_CAP == gq.DEFAULT_MAX_ROWS


@pytest.mark.parametrize("command", ["query", "queries", "explain", "serve"])
def test_commands_have_help_with_an_example(runner, command):
    result = runner.invoke(cli.main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_concatenated_lists_are_sorted_so_answers_repeat(bundled_graph) -> None:
    from graphkit.analysis.query import query
    from graphkit.data.load import fold

    frame = query("cities-ranked-by-projects", graph=bundled_graph)
    lists = [cell.split("; ") for cell in frame["project_names"] if isinstance(cell, str)]
    assert any(len(items) > 1 for items in lists)
    for items in lists:
        assert items == sorted(items, key=lambda item: (fold(item), item))


def test_group_concat_sorting_leaves_space_separated_lists_alone(mini_graph) -> None:
    from graphkit.analysis.query import query

    text = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX gk: <https://w3id.org/graphkit/ontology#>
    SELECT (GROUP_CONCAT(?name) AS ?names) WHERE { ?city a gk:City ; rdfs:label ?name }"""
    (names,) = query(text, graph=mini_graph)["names"]
    assert sorted(names.split(" ")) == ["Košice", "Taranto", "Vienna"]
