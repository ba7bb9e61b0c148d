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


def _answer(index, name: str) -> tuple[str, str]:
    """What resolving ``name`` gives: the IRI, or the error's class and message."""
    try:
        return "found", index.resolve_iri(name)
    except (UnknownNameError, AmbiguousNameError) as error:
        return type(error).__name__, str(error)


@pytest.mark.slow
@pytest.mark.parametrize("classes", [None, ["City"], ["Project", "Event"]], ids=str)
def test_the_index_kept_beside_the_store_answers_as_the_graph_does(
    tmp_path, bundled_graph, classes
) -> None:
    """The store keeps the names in a database it reads one name at a time; every name of the
    graph, and misspellings of them, get the same entity, ambiguity or suggestions from it as
    from the names read whole."""
    import graphkit
    from graphkit.analysis.names import StoredNameIndex, name_index
    from graphkit.graph.namespaces import GK

    kg = graphkit.open(store=tmp_path / "store")
    wanted = None if classes is None else [GK[c] for c in classes]
    stored = name_index(kg.backend, wanted, "entity")
    whole = name_index(bundled_graph, wanted, "entity")
    assert isinstance(stored, StoredNameIndex)
    names = sorted(whole.keys)
    assert len(names) > 50
    typed = [*names, *(n[:-1] for n in names[::60] if len(n) > 3), "no such place at all"]
    for name in typed:
        assert _answer(stored, name) == _answer(whole, name), name
