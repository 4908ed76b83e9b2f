"""The ontology page: every class and property appears, with examples from the data; text is escaped; the page is
self-contained and deterministic; the main job writes it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from oncograph import paths
from oncograph.docs import model_rows, ontology_page
from oncograph.model import REL_TYPES
from oncograph.namespaces import ONCO
from oncograph.words import curie

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def page(graph):
    return ontology_page(graph)


def _own(kind):
    onto = paths.load_ontology()
    return sorted(t for t in onto.subjects(RDF.type, kind) if str(t).startswith(str(ONCO)))


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual])
def test_every_class_and_property_of_the_ontology_has_its_section(page, kind):
    terms = _own(kind)
    assert terms
    onto = paths.load_ontology()
    for term in terms:
        anchor = curie(term).replace(":", "-")
        section = re.search(rf'<section class="term" id="{anchor}">(.*?)</section>', page, re.S)
        assert section, term
        text = section.group(1)
        assert f"<code>{curie(term)}</code>" in text
        assert str(onto.value(term, SKOS.definition)).replace("'", "&#x27;").replace('"', "&quot;") in text
        assert str(onto.value(term, RDFS.label)) in text


def test_sections_say_alignment_rules_key_and_example(page):
    section = re.search(r'<section class="term" id="onco-Listing">(.*?)</section>', page, re.S).group(1)
    assert "onco:Relationship" in section and "prov:Entity" in section  # alignment
    assert "listing has its page" in section and "at least 1, at most 1, class onco:SourceDocument" in section
    assert "<code>Listing</code>" in section  # JSON-LD type
    assert "60 instance(s)" in section
    prop = re.search(r'<section class="term" id="onco-partnerOf">(.*?)</section>', page, re.S).group(1)
    assert "dct:relation" in prop and "<code>partnerOf</code>" in prop
    assert "orgs:esmo" in prop and "European Society for Medical Oncology" in prop  # a real triple, with labels
    rel = re.search(r'<section class="term" id="onco-partner">(.*?)</section>', page, re.S).group(1)
    assert "partnership has two or more partners" in rel


def test_every_own_term_used_in_the_data_has_a_real_example(page, graph):
    for term in _own(OWL.ObjectProperty) + _own(OWL.DatatypeProperty):
        section = re.search(rf'id="{curie(term).replace(":", "-")}">(.*?)</section>', page, re.S).group(1)
        example = re.search(r"<dt>Example</dt><dd>(.*?)</dd>", section, re.S).group(1)
        if (None, term, None) in graph:
            subject = re.match(r"<code>([^<]+)</code>", example).group(1)
            subjects = {curie(s) for s in graph.subjects(term, None)}
            assert subject in subjects, term
        else:
            assert "not used in this release" in example


def test_diagrams_cover_the_relationship_classes(page):
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        ET.fromstring(svg)  # well-formed XML
    for rtype in REL_TYPES.values():
        assert f">{curie(rtype.rdf_class)}</text>" in svgs[0]
    for cls in _own(OWL.Class):
        assert f">{curie(cls)}</text>" in svgs[1]


def test_model_table(page, graph):
    rows = {curie(c): (meaning, keys) for c, meaning, keys in model_rows(data=graph)}
    assert rows["onco:Partnership"][1] == ["onco:partner", "prov:wasDerivedFrom"]
    assert rows["org:Membership"][1] == ["org:member", "org:organization", "prov:wasDerivedFrom"]
    assert rows["org:FormalOrganization"][1][0] == "skos:prefLabel"
    assert "schema:superEvent" in rows["schema:Event"][1]  # no shape targets events: taken from the data
    assert all(meaning for meaning, _ in rows.values())
    assert 'id="model"' in page


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag != "meta":  # the page's only void element; SVG elements close with />
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def test_page_is_well_formed_and_self_contained(page):
    checker = _Checker()
    checker.feed(page)
    assert checker.stack == ["html"] or checker.stack == []
    tags = {t for t, _ in checker.tags}
    assert not tags & {"script", "link", "img", "iframe", "object"}
    assert not [a for _, a in checker.tags if "src" in a]
    assert "@import" not in page and "url(http" not in page


def test_all_text_is_escaped(graph):
    onto = paths.load_ontology()
    evil = '<script>alert("x")</script> & <b>bold</b>'
    onto.set((ONCO.Listing, RDFS.label, Literal(evil, lang="en")))
    onto.set((ONCO.partner, SKOS.definition, Literal(evil, lang="en")))
    data = graph.__class__()
    for t in graph:
        data.add(t)
    data.set((URIRef("https://w3id.org/oncograph/id/org/esmo"), SKOS.prefLabel, Literal(evil)))
    page = ontology_page(data, ontology=onto)
    assert "<script" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_page_is_deterministic(graph, page):
    assert ontology_page(graph) == page


def test_main_job_writes_the_page(tmp_path, built, graph):
    from oncograph.export import write_release_docs

    written = write_release_docs(built, graph, tmp_path)
    assert {p.name for p in written} == {"oncograph.compact.jsonld", "context.jsonld", "void.ttl", "ontology.html"}
    assert (tmp_path / "ontology.html").read_text(encoding="utf-8") == ontology_page(graph)


@pytest.mark.slow
def test_oncograph_build_writes_the_page(tmp_path):
    """`oncograph build` (the main job) writes the ontology page and the other release documents."""
    from oncograph.pipeline import run_build

    result = run_build(out_dir=tmp_path)
    names = {p.name for p in result.written}
    assert {"ontology.html", "void.ttl", "context.jsonld", "oncograph.compact.jsonld"} <= names
    assert (tmp_path / "ontology.html").stat().st_size > 50_000
