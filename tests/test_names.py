"""Finding entities by the names researchers type (graphkit.analysis.names)."""

from __future__ import annotations

import pytest

from graphkit.analysis.names import resolve_name
from graphkit.errors import AmbiguousNameError, UnknownNameError
from graphkit.graph.namespaces import GKR


@pytest.mark.parametrize(
    ("name", "entity"),
    [("Wien", "vienna"), ("KOŠICE", "kosice"), ("kassa", "kosice"), ("Torino", "turin")],
)
def test_local_names_case_and_accents_find_the_city(bundled_graph, name: str, entity: str):
    assert resolve_name(bundled_graph, name) == GKR[entity]


def test_a_name_shared_by_two_entities_lists_their_ids(bundled_graph):
    # The project ROMA-NET and Budapest's web page "Roma-net" share a name.
    with pytest.raises(AmbiguousNameError) as raised:
        resolve_name(bundled_graph, "ROMA-NET")
    assert "roma-net (ROMA-NET, Project)" in str(raised.value)
    assert "web-budapest-roma-net" in str(raised.value)


def test_the_id_the_ambiguity_error_suggests_finds_the_entity(bundled_graph):
    assert resolve_name(bundled_graph, "roma-net") == GKR["roma-net"]
    assert resolve_name(bundled_graph, "web-budapest-roma-net") == GKR["web-budapest-roma-net"]


def test_an_unknown_name_gets_the_closest_matches(bundled_graph):
    with pytest.raises(UnknownNameError, match="Closest matches: Taranto"):
        resolve_name(bundled_graph, "Tarnto")
