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


def _folded_slowly(text: str) -> str:
    """fold() without its shortcut for ASCII: every text through NFKD and the combining-mark filter."""
    import re
    import unicodedata

    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def test_fold_shortcut_for_ascii_gives_the_same_as_the_full_path():
    ascii_text = "".join(map(chr, range(128)))
    for text in (ascii_text, ascii_text[::-1], "ESMO -- Gastro_Intestinal", "  a\tb\nc  ", "x" * 3 + "'s"):
        assert text.isascii() and fold(text) == _folded_slowly(text)
    for text in ("Société Française", "Ångström ÆON", "ﬁ ligature", "Straße"):  # not ASCII: the full path itself
        assert fold(text) == _folded_slowly(text)


def _entries(index):
    return {iri: (e.key, e.label, e.what, e.acronyms, e.alt_names, e.description,
                  {f: [c.iri for c in cs] for f, cs in e.concepts.items()}, e.expanded, e.folded)
            for iri, e in index.entries.items()}


def test_index_of_a_graph_held_in_oxigraph_is_the_index_of_the_same_graph_in_rdflib(graph, tmp_path):
    """The index reads an Oxigraph-held graph's store directly (as text, not rdflib terms): the same entries,
    names, concepts and filter options as from rdflib's memory store, on the curated data and on a landscape."""
    from oncograph import synth
    from oncograph.export import Format, serialize_graph
    from oncograph.store import load_graph, oxigraph_of

    curated = tmp_path / "curated.ttl"
    curated.write_bytes(serialize_graph(graph, Format.TURTLE))
    landscape = tmp_path / "landscape.ttl"
    synth.write(landscape, 150, seed=5)
    for path in (curated, landscape):
        held, plain = load_graph(path, backend="oxigraph"), load_graph(path, backend="rdflib")
        assert oxigraph_of(held) is not None and oxigraph_of(plain) is None
        fast, slow = SearchIndex(held), SearchIndex(plain)
        assert len(fast.entries) > 50
        assert _entries(fast) == _entries(slow)
        for facet in ("kind", "disease", "scope"):
            assert fast.options(facet) == slow.options(facet) and fast.options(facet)
    assert _entries(SearchIndex(load_graph(curated, backend="rdflib"))) == _entries(SearchIndex(graph))


def test_an_entity_with_two_preferred_labels_is_named_by_the_first_in_text_order():
    """Not the curated data's case (the shapes allow one skos:prefLabel per language), but the choice must not
    depend on the store's order."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, SKOS

    from oncograph.namespaces import ORG

    g = Graph()
    org = URIRef("https://w3id.org/oncograph/id/org/x")
    g.add((org, RDF.type, ORG.Organization))
    g.add((org, SKOS.prefLabel, Literal("Zeta Society", lang="en")))
    g.add((org, SKOS.prefLabel, Literal("Alpha Gesellschaft", lang="de")))
    entry = SearchIndex(g).entries[str(org)]
    assert entry.label == "Alpha Gesellschaft"
    assert labels(SearchIndex(g).search("zeta")) == []  # only the label is named, not every preferred label


# --- name suggestions for the network and paths pages ------------------------------------------------------------

def test_suggestions_rank_exact_then_starting_then_a_word_then_inside():
    """Exact (here an acronym) first, then a name or other name starting with the text, then a word that does, then
    the text inside a word; name order within each; the preferred name is given whichever name matched; people are
    left out."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import FOAF, RDF, SKOS

    from oncograph.namespaces import BASE, ONCO, ORG

    g = Graph()
    for key, kind, label, extra in [
        ("zeta", ORG.Organization, "Zeta Cancer League", None), ("aid", ORG.Organization, "Cancer Aid", None),
        ("aid2", ORG.Organization, "Cancer Aid", None),  # two organisations of one name: offered once
        ("anti", ORG.Organization, "Anticancer Fund", None), ("beta", ORG.Organization, "Beta Group",
                                                                 (SKOS.altLabel, "Cancer Beta")),
        ("union", ORG.Organization, "Union", (ONCO.acronym, "CANCER")), ("none", ORG.Organization, "Other", None),
        ("person", FOAF.Person, "Cancer Person", None),
    ]:
        s = URIRef(BASE + "org/" + key)
        g.add((s, RDF.type, kind))
        g.add((s, SKOS.prefLabel, Literal(label)))
        if extra:
            g.add((s, extra[0], Literal(extra[1])))
    index = SearchIndex(g)
    assert index.suggest_names("Cáncer") == ["Union", "Beta Group", "Cancer Aid", "Zeta Cancer League",
                                             "Anticancer Fund"]
    assert index.suggest_names("cancer", limit=2) == ["Union", "Beta Group"]
    assert index.organisation_names == ["Anticancer Fund", "Beta Group", "Cancer Aid", "Other", "Union",
                                        "Zeta Cancer League"]


def test_suggestions_match_acronyms_and_other_names_but_give_the_preferred_name(index):
    assert index.suggest_names("esmo")[0] == "European Society for Medical Oncology"
    assert "European Cancer Organisation" in index.suggest_names("ECCO")
    assert index.best(index.suggest_names("ESMO")[0]).label == "European Society for Medical Oncology"


def test_suggestions_ignore_accents_and_case_and_leave_out_people(index):
    assert index.suggest_names("cervant") == []  # Andrés Cervantes is a person
    assert index.suggest_names("MYELOMA") == index.suggest_names("myéloma") != []
    assert index.suggest_names("") == [] and index.suggest_names("zzzqqq") == []
    assert set(index.suggest_names("a", limit=10_000)) <= set(index.organisation_names)


def test_organisation_names_of_the_curated_data_are_each_name_once_in_name_order(index):
    names = index.organisation_names
    assert names == sorted(set(names), key=str.casefold)
    assert "European Society for Medical Oncology" in names and "Andrés Cervantes" not in names


@pytest.fixture(scope="module")
def landscape_index():
    from oncograph import synth

    return SearchIndex(synth.generate_graph(1500, seed=6))


def test_suggestions_from_the_lookup_are_those_of_a_scan_of_every_name(landscape_index, index):
    """The sorted-list lookup and the search of the joined names answer as the scan of every name would, for
    prefixes of names and words, pieces across word boundaries, whole names, substrings inside words, accents and
    case, at several limits; and they never fall back on the scan (else it would be tested against itself)."""
    import random

    def no_scan(q, *, limit):
        raise AssertionError(f"scanned every name for {q!r}")

    rng = random.Random(3)
    for idx in (landscape_index, index):
        names = sorted({f for _, folds in idx._organisation_folds for f in folds})
        texts = {"ca", "cancer", "cancer soc", "society of", "of", "e", "zzz", "Société", "ÉUROPE", "a b"}
        for name in rng.sample(names, min(150, len(names))):
            words = name.split(" ")
            start = rng.randrange(len(name))
            texts |= {name, name[:2], name[:rng.randint(1, len(name))], name[start:start + rng.randint(1, 8)],
                      words[-1][:3], " ".join(words[1:3])[:rng.randint(1, 12)], name.upper()}
        texts = sorted(t for t in texts if fold(t))  # text that folds to nothing gets nothing (tested above)
        expected = {(t, limit): idx._suggest_by_scan(fold(t), limit=limit) for t in texts
                    for limit in (1, 3, 20, 100_000)}
        assert any(len(names) < 20 for (_, limit), names in expected.items() if limit == 20)  # rare texts among them
        idx.__dict__["_suggest_by_scan"] = no_scan  # the instance's own attribute, this test only
        try:
            for (text, limit), names in expected.items():
                assert idx.suggest_names(text, limit=limit) == names, (text, limit)
        finally:
            del idx.__dict__["_suggest_by_scan"]
