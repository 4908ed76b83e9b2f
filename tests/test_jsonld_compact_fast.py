"""Compacted JSON-LD of a graph held in Oxigraph, written from the index (oncograph.jsonld.Compactor), against pyld.

pyld's compaction is the reference: for the same graph the fast writer must give the very bytes of
``jsonld.dumps(jsonld.compact(graph))``, on a generated landscape, on the curated data read into Oxigraph and on
tricky terms. Each test blocks the pyld path, so a test that passes cannot have fallen back to it; where the writer
must leave a graph to pyld (a boolean, a blank node), a test shows the file is still pyld's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from oncograph import jsonld, synth
from oncograph.export import Format, _compact_jsonld, _index, canonical, serialize_graph, serialize_many
from oncograph.store import load_graph, new_graph

EXE = str(Path(sys.executable).parent / "oncograph")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
BASE = "https://w3id.org/oncograph/id/"
ONCO = "https://w3id.org/oncograph/ontology#"


@pytest.fixture(scope="module")
def landscape(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("compact") / "landscape.ttl"
    synth.write(path, 120, seed=5)
    return path


def by_pyld(graph) -> bytes:
    return jsonld.dumps(jsonld.compact(canonical(graph)))


@pytest.fixture
def no_pyld_document(monkeypatch):
    """The whole-document pyld path raises: only the fast writer (whose probes are one-node documents) can pass."""
    def refuse(graph):
        raise AssertionError("the pyld path was taken")

    monkeypatch.setattr(jsonld, "compact", refuse)


def fast(graph) -> bytes:
    return serialize_graph(graph, Format.JSONLD_COMPACT)


def tricky_graph():
    g = new_graph("oxigraph")
    s = URIRef(BASE + "org/a.b")
    values = [Literal('He said "hi"\n\tand left \\ \r'), Literal("\x01 control \x7f"), Literal("ünïcödé ✓ 中文 😀"),
              Literal("colour", lang="en-GB"), Literal("colour", lang="en"), Literal("2013", datatype=XSD.gYear),
              Literal(42), Literal(-7), Literal("007", datatype=XSD.integer), Literal(""),
              Literal("x", datatype=URIRef("http://example.org/dt#t")), Literal("3.5", datatype=XSD.decimal),
              Literal("28", datatype=XSD.nonNegativeInteger), Literal("2024-01-31", datatype=XSD.date)]
    for i, value in enumerate(values):
        g.add((s, URIRef(f"{ONCO}p{i}"), value))
    # properties the context names, with values of the kind its term expects and of another kind
    g.add((s, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("A", lang="en")))
    g.add((s, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("A plain")))
    g.add((s, URIRef("http://purl.org/dc/terms/title"), Literal("T", lang="en")))
    g.add((s, URIRef("http://purl.org/dc/terms/title"), Literal("T", lang="fr")))
    g.add((s, URIRef("http://purl.org/dc/terms/title"), Literal("T untagged")))
    g.add((s, URIRef(ONCO + "memberCount"), Literal("5", datatype=XSD.nonNegativeInteger)))
    g.add((s, URIRef("https://schema.org/url"), URIRef("https://www.example.org/page?q=1#top")))
    g.add((s, URIRef("https://schema.org/url"), Literal("https://not.an.iri/value")))
    g.add((s, URIRef(ONCO + "startDateStatus"), URIRef(ONCO + "Stated")))
    g.add((s, URIRef(ONCO + "startDateStatus"), URIRef(ONCO + "NotATerm")))
    g.add((s, URIRef(ONCO + "startDateStatus"), URIRef(BASE + "kinds/charity")))
    g.add((s, URIRef(ONCO + "kind"), URIRef(ONCO + "Stated")))
    g.add((s, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("http://www.w3.org/ns/org#Organization")))
    g.add((s, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("http://example.org/Class")))
    g.add((s, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(ONCO + "NoSuchClass")))
    for iri in ODD_IRIS:
        g.add((s, URIRef(ONCO + "involves"), URIRef(iri)))
        g.add((s, URIRef(ONCO + "partner"), URIRef(iri)))
        g.add((URIRef(iri), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("x", lang="en")))
    return g


ODD_IRIS = [BASE, BASE + "org/ends.", BASE + "a(b)", BASE + "x?y=1", BASE + "x#frag", BASE + "x;p", BASE + "-a/_b",
            BASE + "a//b", BASE + "a/./b", BASE + "a/../b", BASE + "@kw", BASE + "a:b", BASE + "%41", BASE + ".hidden",
            "https://w3id.org/oncograph/ontology#Thing", "https://w3id.org/oncograph/other/x", "https://w3id.org/",
            "http://w3id.org/oncograph/id/org/x", "https://w3id.org:443/oncograph/id/org/x", "http://example.org/a#b(c)",
            "https://schema.org/Person", "http://www.w3.org/2004/02/skos/core#", "urn:isbn:123", "mailto:a@b.org"]


@pytest.mark.usefixtures("no_pyld_document")
def test_a_landscape_compacts_to_pyld_bytes(landscape, monkeypatch):
    graph = load_graph(landscape, backend="oxigraph")
    ours = fast(graph)
    monkeypatch.undo()
    assert ours == by_pyld(graph)
    doc = json.loads(ours)
    assert len(doc["@graph"]) > 500 and doc["@context"] == jsonld.load_context()["@context"]
    counts = [n["onco:memberCount"] for n in doc["@graph"] if "onco:memberCount" in n]  # Oxigraph's xsd:integer:
    assert counts and all(isinstance(c["@value"], int) and c["type"] == "xsd:integer" for c in counts)  # a number


@pytest.mark.usefixtures("no_pyld_document")
def test_the_curated_data_read_into_oxigraph_compacts_to_pyld_bytes(tmp_path, monkeypatch):
    from oncograph.build import build

    nt = tmp_path / "curated.nt"
    nt.write_bytes(serialize_graph(build().graph(), Format.NTRIPLES))
    graph = load_graph(nt, backend="oxigraph")
    ours = fast(graph)
    monkeypatch.undo()
    assert ours == by_pyld(graph)
    assert len(json.loads(ours)["@graph"]) > 300


@pytest.mark.usefixtures("no_pyld_document")
def test_the_curated_build_in_rdflibs_memory_compacts_to_pyld_bytes(monkeypatch):
    """The release's own file: the graph as built (rdflib's memory store keeps xsd:nonNegativeInteger)."""
    from oncograph.build import build

    graph = build().graph()
    ours = fast(graph)
    monkeypatch.undo()
    assert ours == by_pyld(graph)
    assert '"memberCount": "' in ours.decode()  # the context's own datatype: a plain string


def test_a_literal_typed_xsd_string_in_rdflibs_memory_is_left_to_pyld(monkeypatch):
    """rdflib writes "x"^^xsd:string with its type, where the index holds a simple literal: pyld writes such a
    graph (an Oxigraph-held graph never has one: Oxigraph makes no difference between the two)."""
    g = new_graph("rdflib")
    s = URIRef(BASE + "org/x")
    g.add((s, URIRef(ONCO + "acronym"), Literal("X", datatype=XSD.string)))
    g.add((s, URIRef(ONCO + "note"), Literal("plain")))
    calls = []
    real = jsonld.compact
    monkeypatch.setattr(jsonld, "compact", lambda graph: calls.append(1) or real(graph))
    assert b'"type": "xsd:string"' in fast(g) and calls == [1]


@pytest.mark.usefixtures("no_pyld_document")
def test_tricky_terms_compact_to_pyld_bytes(monkeypatch):
    graph = tricky_graph()
    ours = fast(graph)
    monkeypatch.undo()
    assert ours == by_pyld(graph)
    node = next(n for n in json.loads(ours)["@graph"] if n["id"] == "org/a.b")
    assert node["title"] == "T" and node["startDateStatus"][0] == "Stated"  # terms the context types, chosen


@pytest.mark.parametrize("relative", [True, False])
def test_every_iri_compacts_as_pyld_compacts_it(landscape, relative):
    """Each IRI of a landscape and the odd ones, as a node's id (relative to @base) and as a vocabulary value."""
    compactor = jsonld.Compactor()
    graph = load_graph(landscape, backend="oxigraph")
    iris = sorted({str(t) for triple in graph for t in triple if isinstance(t, URIRef)} | set(ODD_IRIS))
    assert len(iris) > 500
    wrong = []
    for iri in iris:
        if relative:
            ours = compactor.node_id(iri)
            theirs = compactor._probe({"@id": iri, "@type": ["urn:x:c"]})[compactor.id_key]  # not only an id:
            # pyld drops a node that has nothing but its id
        else:
            ours = compactor._vocab_iri(iri)
            theirs = compactor._probe({"@id": "urn:x:n", ONCO + "startDateStatus": [{"@id": iri}]})
            theirs = theirs.get("startDateStatus", theirs.get("onco:startDateStatus"))
            theirs = theirs if isinstance(theirs, str) else theirs[compactor.id_key]
        if ours != theirs:
            wrong.append((iri, ours, theirs))
    assert wrong == []


def test_several_formats_share_one_index_and_give_the_same_bytes(landscape):
    graph = load_graph(landscape, backend="oxigraph")
    together = serialize_many(graph, [Format.TURTLE, Format.JSONLD_COMPACT])
    assert together[Format.JSONLD_COMPACT] == fast(graph)
    assert together[Format.TURTLE] == serialize_graph(graph, Format.TURTLE)


@pytest.mark.usefixtures("no_pyld_document")
@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_blank_nodes_compact_to_pyld_bytes(backend, monkeypatch):
    """Blank nodes get the canonical labels pyld's path gets (``canonical``): as subjects, typed or not, and as the
    values of properties with and without a term (``memberOf`` is an @id term), shared or not."""
    g = new_graph(backend)
    s = URIRef(BASE + "org/x")
    a, b = BNode(), BNode()
    g.add((s, URIRef(ONCO + "acronym"), Literal("X")))
    g.add((s, URIRef("http://www.w3.org/ns/org#memberOf"), a))
    g.add((s, URIRef(ONCO + "p"), a))
    g.add((s, URIRef(ONCO + "p"), b))
    g.add((a, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("http://www.w3.org/ns/org#Membership")))
    g.add((a, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("a", lang="en")))
    g.add((b, URIRef(ONCO + "involves"), s))
    g.add((b, URIRef(ONCO + "involves"), a))
    ours = fast(g)
    monkeypatch.undo()
    assert ours == by_pyld(g)
    assert sum(1 for n in json.loads(ours)["@graph"] if n["id"].startswith("_:")) == 2


@pytest.mark.parametrize("case", ["boolean", "double", "list", "nil", "odd integer"])
def test_what_the_writer_leaves_to_pyld_is_still_pyld_bytes(case):
    g = new_graph("oxigraph")
    s = URIRef(BASE + "org/x")
    g.add((s, URIRef(ONCO + "acronym"), Literal("X")))
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    head = BNode()
    value = {"boolean": Literal(True), "double": Literal("1.5E0", datatype=XSD.double), "list": head,
             "nil": URIRef(rdf + "nil"), "odd integer": Literal("12", datatype=XSD.integer)}[case]
    g.add((s, URIRef(ONCO + "p"), value))
    if case == "list":  # rdflib's document writes an RDF list as {"@list": [...]}
        g.add((head, URIRef(rdf + "first"), Literal("one")))
        g.add((head, URIRef(rdf + "rest"), URIRef(rdf + "nil")))
    index = _index(canonical(g), blank_nodes=True)
    if case == "odd integer":  # not an integer: rdflib would write its text; a hand-made index holds it
        key = (2, "twelve", "", str(XSD.integer))
        index[(0, str(s), "", "")][ONCO + "p"] = [key]
    with pytest.raises(jsonld.NotCompactable):
        _compact_jsonld(index)
    if case != "odd integer":
        assert fast(g) == by_pyld(g)
    if case in ("list", "nil"):
        assert "@list" in by_pyld(g).decode()


def test_a_context_with_more_than_terms_is_refused():
    context = jsonld.load_context()
    context["@context"]["@vocab"] = "https://example.org/"
    with pytest.raises(jsonld.NotCompactable, match="@vocab"):
        jsonld.Compactor(context)
    context = jsonld.load_context()
    context["@context"]["tags"] = {"@id": "onco:tags", "@container": "@set"}
    with pytest.raises(jsonld.NotCompactable, match="tags"):
        jsonld.Compactor(context)


def test_an_iri_that_reads_as_a_compact_iri_is_left_to_pyld():
    compactor = jsonld.Compactor()
    with pytest.raises(jsonld.NotCompactable, match="prefix 'onco'"):
        compactor.node_id("onco:thing")


def test_export_of_a_big_file_writes_compacted_jsonld_from_the_index(tmp_path):
    """Through the CLI: a file above the 2 MB threshold is read into Oxigraph and compacted from the index (the
    writer's bytes are pyld's, as the tests above show; pyld itself would take seconds here)."""
    from oncograph.store import OXIGRAPH_ABOVE

    big = tmp_path / "big.ttl"
    synth.write(big, 1500, seed=2)
    assert big.stat().st_size > OXIGRAPH_ABOVE
    out = tmp_path / "big.compact.jsonld"
    done = subprocess.run([EXE, "export", str(big), "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == _compact_jsonld(_index(load_graph(big, backend="oxigraph")))
