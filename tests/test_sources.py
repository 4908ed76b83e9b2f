"""The curated data against the five source texts in ../shared/sources (skipped where that folder is absent).

Names carry over from the sources, sentences do not; every listed organisation stands in its page's section; a fact
with a relative date is marked derived.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS

from oncograph.namespaces import ID, ONCO

ROOT = Path(__file__).resolve().parent.parent

#: Entities whose name is ours (descriptive), with the phrase by which each cited source refers to them.
DESCRIPTIVE_NAMES = {
    "esmo-patient-advocacy-track": "Patient Advocacy Track",
    "esmo-who-signature-ceremony-2023": "signature ceremony",
    "cancer-research-uk": "Cancer Research - UK",
    "eco-member-societies": "Member Societies",
    "eco-patient-advisory-committee": "Patient Advisory Committee",
    "eco-patient-advocacy-groups": "Patient Advocacy Groups",
    "who-ncd-department": "Non-Communicable Diseases Department",
    "who-uhc-division": "Division for Universal Health Coverage",
    "who-ncd-director": "Director of the Non-Communicable Diseases Department",
    "eco-strategy-2024-2027": "Strategy 2024-2027",
    "esmo-guides-for-patients": "Guides for Patients",
    "esmo-personalised-medicine-guide": "Personalised medicine",
    # The partners page never names its campaign; the source index names it (publisher of document 000).
    "rare-cancers-europe": "this campaign",
}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("–", "-").lower()
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def texts(sources_dir):
    entries = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text())
    return {str(ID["source"][e["id"]]): norm((sources_dir / e["file"]).read_text(encoding="utf-8")) for e in entries}


@pytest.fixture(scope="module")
def raw_texts(sources_dir):
    """Source texts lower-cased with line breaks kept, for finding headings."""
    entries = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text())
    return {str(ID["source"][e["id"]]): (sources_dir / e["file"]).read_text(encoding="utf-8").lower() for e in entries}


def test_every_source_file_is_indexed_and_exists(sources_dir):
    entries = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text())
    index = (sources_dir / "README.md").read_text()
    for e in entries:
        assert (sources_dir / e["file"]).is_file(), e["file"]
        assert e["file"] in index
        if e.get("url"):
            assert e["url"] in index, e["url"]
    assert {e["file"] for e in entries} == {p.name for p in sources_dir.glob("0*.txt")}


def test_every_entity_is_named_by_each_source_it_cites(graph, texts):
    missing = []
    for entity in set(graph.subjects(SKOS.prefLabel, None)):
        if (entity, RDF.type, SKOS.Concept) in graph or (entity, RDF.type, ONCO.SourceDocument) in graph \
                or (entity, RDF.type, ONCO.ListSection) in graph:
            continue
        slug = str(entity).rsplit("/", 1)[-1]
        names = [str(n) for p in (SKOS.prefLabel, SKOS.altLabel) for n in graph.objects(entity, p)]
        if slug in DESCRIPTIVE_NAMES:
            names = [DESCRIPTIVE_NAMES[slug]]
        for src in graph.objects(entity, PROV.wasDerivedFrom):
            if not any(norm(n) in texts[str(src)] for n in names):
                missing.append((slug, str(src).rsplit("/", 1)[-1], names))
    assert not missing, missing


def test_descriptions_are_in_our_own_words(graph, texts):
    """No description or note repeats seven or more consecutive words of a source."""
    copied = []
    for s, p, o in graph:
        if p not in (DCTERMS.description, SKOS.note, SKOS.definition):
            continue
        words = norm(str(o)).split()
        for i in range(len(words) - 6):
            run = " ".join(words[i:i + 7])
            if any(run in t for t in texts.values()):
                copied.append((str(s), run))
                break
    assert not copied, copied


def section_text(page: str, heading: str, headings: list[str]) -> str:
    """The part of a page under a heading: from the heading's own line to the next heading's line."""
    def line_of(h: str) -> int:
        m = re.search(rf"^\s*{re.escape(h.lower())}\s*$", page, flags=re.M)
        assert m, f"heading {h!r} not found on its own line"
        return m.start()
    start = line_of(heading)
    ends = [line_of(h) for h in headings if line_of(h) > start]
    return norm(page[start: min(ends) if ends else len(page)])


def test_listed_items_stand_in_their_section(graph, raw_texts):
    page = raw_texts[str(ID["source"]["esmo-useful-links"])]
    headings = ["International Organisations", "European Organisations", "Other Organisations"]
    q = """SELECT ?item ?label WHERE { ?l a onco:Listing ; onco:listedItem ?item ; onco:inSection ?s .
                                     ?s skos:prefLabel ?label ; dct:isPartOf src:esmo-useful-links }"""
    rows = list(graph.query(q))
    assert len(rows) == 30
    for item, label in rows:
        part = section_text(page, str(label), headings)
        names = [str(n) for p in (SKOS.prefLabel, SKOS.altLabel) for n in graph.objects(item, p)]
        names += {"cancer-research-uk": ["Cancer Research - UK"]}.get(str(item).rsplit("/", 1)[-1], [])
        assert any(norm(n) in part for n in names), (item, label)


def test_relative_dates_are_derived_and_stated_dates_are_stated(graph):
    derived = {s for s in graph.subjects(ONCO.startDateStatus, ONCO.Derived)}
    assert derived == {ID["rel"]["esmo-who-partnership"], ID["event"]["esmo-congress-2023"],
                       ID["event"]["esmo-who-signature-ceremony-2023"]}
    for s in derived:
        assert graph.value(s, ONCO.startDateDerivation), s
    stated = set(graph.subjects(ONCO.startDateStatus, ONCO.Stated))
    assert ID["rel"]["esmo-who-collaboration-plan-2024-2026"] in stated
    assert ID["rel"]["establishment/spaen"] in stated


def test_source_document_date_only_where_stated(graph):
    dated = {str(s).rsplit("/", 1)[-1]: str(d) for s, d in graph.subject_objects(DCTERMS.date)
             if (s, RDF.type, ONCO.SourceDocument) in graph}
    assert dated == {"esmo-who-renewal-2024": "2024-02-05"}
