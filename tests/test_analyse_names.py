"""Finding organisations by name, acronym or other name; errors that suggest or list candidates."""

from __future__ import annotations

import networkx as nx
import pytest

from oncograph.analyse import AmbiguousName, NotInProjection, UnknownName, find_node, project
from oncograph.errors import InputError


@pytest.fixture(scope="module")
def G(graph):
    return project(graph)


@pytest.mark.parametrize("name, key", [
    ("ESMO", "org/esmo"),
    ("esmo", "org/esmo"),
    ("European Society for Medical Oncology", "org/esmo"),
    ("ECCO", "org/european-cancer-organisation"),
    ("European CanCer Organisation", "org/european-cancer-organisation"),
    ("international brain tumor alliance", "org/ibta"),  # alternative (US) spelling
    ("Grupo Espanol de Tumores Huerfanos e Infrecuentes", "org/gethi"),  # accents ignored
    ("Lynns Bowel Cancer Campaign", "org/lynns-bowel-cancer-campaign"),
    ("cancer.net", "resource/cancer-net"),
    ("org/who", "org/who"),
    ("Macmillan", "org/macmillan"),  # contained in one name only
    ("Rare Cancers Europe", "org/rare-cancers-europe"),
])
def test_found(G, name, key):
    assert find_node(G, name) == key


def test_unknown_name_suggests_the_nearest(G):
    with pytest.raises(UnknownName) as err:
        find_node(G, "esmoo")
    assert err.value.suggestions[0][0] == "org/esmo"
    assert "did you mean European Society for Medical Oncology (ESMO; professional society; org/esmo)" in str(err.value)
    assert isinstance(err.value, InputError) and err.value.exit_code == 2


def test_ambiguous_name_lists_the_candidates(G):
    with pytest.raises(AmbiguousName) as err:
        find_node(G, "Europa")
    assert [k for k, _ in err.value.candidates] == ["org/europa-donna", "org/europa-uomo"]
    with pytest.raises(AmbiguousName, match="could mean 3 organisations: European Myeloma Platform"):
        find_node(G, "myeloma")


def test_same_name_on_two_nodes_is_ambiguous():
    G = nx.MultiGraph()
    G.add_node("org/a", label="Alpha Society", acronym="AS")
    G.add_node("org/b", label="Another Society", acronym="AS")
    with pytest.raises(AmbiguousName, match="could mean 2 organisations: Alpha Society .*Another Society"):
        find_node(G, "as")


def test_known_but_outside_the_projection(graph, G):
    def fuller():
        return project(graph, include_people=True, include_events=True)

    with pytest.raises(NotInProjection, match="Andrés Cervantes .* is not in this projection; add --people"):
        find_node(G, "Andres Cervantes", fuller=fuller)
    merged = project(graph, follow_mergers=True)
    with pytest.raises(NotInProjection, match="merged into Myeloma Patients Europe"):
        find_node(merged, "Myeloma Euronet", fuller=fuller)


def test_empty_name(G):
    with pytest.raises(InputError, match="empty name"):
        find_node(G, "  ")
