"""Search: forgiving of accents, case, punctuation and small misspellings; filters include narrower concepts."""

from __future__ import annotations

import pytest

from oncograph.serve.search import SearchIndex, fold


@pytest.fixture(scope="module")
def index(graph):
    return SearchIndex(graph)


def labels(hits):
    return [h.entry.label for h in hits]


def test_fold():
    assert fold("Société  Européenne–d'Oncologie") == "societe europeenne d oncologie"
    assert fold("STRAßE") == "strasse"


@pytest.mark.parametrize("text, expected", [
    ("ESMO", "European Society for Medical Oncology"),
    ("esmo", "European Society for Medical Oncology"),
    ("ECCO", "European Cancer Organisation"),  # an alternative name
    ("european cancer organisation", "European Cancer Organisation"),
    ("Myelome Patients Europ", "Myeloma Patients Europe"),  # misspelt
    ("cervantez", "Andrés Cervantes"),  # accent and misspelling
    ("ANDRES CERVANTES", "Andrés Cervantes"),
    ("world health organisation", "World Health Organization"),  # British spelling
])
def test_finds_the_intended_entity_first(index, text, expected):
    assert labels(index.search(text))[0] == expected


def test_alternative_name_that_matched_is_reported(index):
    hit = index.search("European CanCer Organisation")[0]
    assert hit.entry.label == "European Cancer Organisation"


def test_nothing_for_nonsense(index):
    assert index.search("zzzqqq") == []


def test_filters_include_narrower_concepts(index):
    patient = labels(index.search("", {"kind": "patient-organisation"}, limit=1000))
    advocacy = labels(index.search("", {"kind": "patient-advocacy-group"}, limit=1000))
    assert advocacy and set(advocacy) < set(patient)
    sarcoma = labels(index.search("", {"disease": "sarcoma"}, limit=1000))
    assert "Sarcoma Patients EuroNet Association" in sarcoma  # stated as GIST and desmoid too


def test_filters_combine_with_text(index):
    hits = index.search("sarcoma", {"kind": "patient-organisation"})
    assert hits and all("patient-organisation" in {c for c in _ids(h.entry, index)} for h in hits)


def _ids(entry, index):
    return {index.concepts[iri].id for iri in entry.expanded["kind"]}


def test_options_form_a_tree_with_counts(index):
    options = index.options("kind")
    ids = [o.id for o in options]
    assert ids.index("patient-advocacy-group") == ids.index("patient-organisation") + 1
    assert next(o for o in options if o.id == "patient-advocacy-group").depth == 1


def test_best_resolves_names_keys_and_iris(index):
    assert index.best("IARC").key == "org/iarc"
    assert index.best("org/esmo").label == "European Society for Medical Oncology"
    assert index.best("https://w3id.org/oncograph/id/org/who").key == "org/who"
    assert index.best("zzzqqq") is None
