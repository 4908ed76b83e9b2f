"""The dataset description (void.ttl): every count it states equals the same count made by SPARQL on the graph."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from oncograph import __version__
from oncograph.describe import DATASET, DS, SPDX, release_description
from oncograph.export import release_graph_files
from oncograph.namespaces import BASE, DCAT, DCT, VOID

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def files(built, graph):
    return {**release_graph_files(built.dataset, graph), "ontology.html": b"<!DOCTYPE html>\n"}


@pytest.fixture(scope="module")
def void(built, graph, files):
    text = release_description(graph, dataset=built.dataset, files=files)
    return Graph().parse(data=text, format="turtle")


def one(graph: Graph, query: str, **bindings) -> int:
    rows = list(graph.query(query, initBindings=bindings))
    assert len(rows) == 1
    return int(rows[0][0])


def stated(void: Graph, node, prop) -> int:
    values = list(void.objects(node, prop))
    assert len(values) == 1, (node, prop)
    return int(values[0])


def test_dataset_totals_equal_sparql_counts(void, graph):
    q = {
        VOID.triples: "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        VOID.distinctSubjects: "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
        VOID.distinctObjects: "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
        VOID.properties: "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
        VOID.classes: "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }",
        VOID.entities: f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c .
                           FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }}""",
    }
    for prop, query in q.items():
        assert stated(void, DATASET, prop) == one(graph, query), prop
    assert stated(void, DATASET, VOID.triples) == len(graph) > 2800


def test_every_class_partition_equals_sparql(void, graph):
    parts = list(void.objects(DATASET, VOID.classPartition))
    classes = {row[0] for row in graph.query("SELECT DISTINCT ?c WHERE { ?s a ?c }")}
    assert {void.value(p, VOID["class"]) for p in parts} == classes
    for part in parts:
        cls = void.value(part, VOID["class"])
        assert stated(void, part, VOID.entities) == one(
            graph, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c }", c=cls), cls


def test_every_property_partition_equals_sparql(void, graph):
    parts = list(void.objects(DATASET, VOID.propertyPartition))
    props = {row[0] for row in graph.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")}
    assert {void.value(p, VOID.property) for p in parts} == props
    for part in parts:
        prop = void.value(part, VOID.property)
        assert stated(void, part, VOID.triples) == one(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", p=prop)
        assert stated(void, part, VOID.distinctSubjects) == one(
            graph, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }", p=prop)
        assert stated(void, part, VOID.distinctObjects) == one(
            graph, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }", p=prop)


def test_relationships_and_organisations_by_kind(void, graph):
    onco = "https://w3id.org/oncograph/ontology#"
    assert stated(void, DS["class-onco-Relationship"], VOID.entities) == one(
        graph, f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ ?r a <{onco}Relationship> }}") == 129
    assert stated(void, DS["class-onco-Listing"], VOID.entities) == 60
    kinds = [p for p in void.objects(DATASET, VOID.subset) if (p, DCT.subject, None) in void]
    assert len(kinds) == one(graph, f"SELECT (COUNT(DISTINCT ?k) AS ?n) WHERE {{ ?s <{onco}kind> ?k }}")
    for part in kinds:
        kind = void.value(part, DCT.subject)
        assert stated(void, part, VOID.entities) == one(
            graph, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{onco}kind> ?k }}", k=kind), kind


def test_named_graph_subsets_equal_sparql(void, built):
    from rdflib import Dataset

    sd = "http://www.w3.org/ns/sparql-service-description#"
    parts = [p for p in void.objects(DATASET, VOID.subset) if (p, URIRef(sd + "name"), None) in void]
    ds = Dataset()
    for s, p, o, g in built.dataset.quads((None, None, None, None)):
        ds.graph(g.identifier if hasattr(g, "identifier") else g).add((s, p, o))
    assert len(parts) == 8
    for part in parts:
        name = void.value(part, URIRef(sd + "name"))
        assert stated(void, part, VOID.triples) == one(
            ds, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", g=name), name


def test_title_licence_version_sources_vocabularies(void, graph):
    assert void.value(DATASET, DCT.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(void.value(DATASET, DCAT.version)) == __version__ == str(void.value(DATASET, OWL.versionInfo))
    assert (DATASET, RDF.type, DCAT.Dataset) in void and (DATASET, RDF.type, VOID.Dataset) in void
    assert void.value(DATASET, DCT.title) is not None
    sources = set(void.objects(DATASET, DCT.source))
    assert len(sources) == 5
    assert all(void.value(s, DCT.title) is not None for s in sources)
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {"http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#", "http://www.w3.org/2004/02/skos/core#",
            "https://schema.org/", "http://purl.org/dc/terms/", "https://w3id.org/oncograph/ontology#"} <= vocabularies


def test_distributions_state_media_type_size_and_checksum(void, files):
    dists = list(void.objects(DATASET, DCAT.distribution))
    assert {str(void.value(d, DCT.identifier)) for d in dists} == set(files)
    media = {}
    for d in dists:
        name = str(void.value(d, DCT.identifier))
        assert void.value(d, DCAT.byteSize) == Literal(len(files[name]), datatype=void.value(d, DCAT.byteSize).datatype)
        assert int(void.value(d, DCAT.byteSize)) == len(files[name])
        checksum = void.value(d, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(files[name]).hexdigest()
        media[name] = str(void.value(d, DCAT.mediaType)).rsplit("media-types/", 1)[1]
    assert media == {"oncograph.ttl": "text/turtle", "oncograph.nt": "application/n-triples",
                     "oncograph.jsonld": "application/ld+json", "oncograph.trig": "application/trig",
                     "oncograph.nq": "application/n-quads", "ontology.html": "text/html"}


def test_description_is_strict_turtle_and_deterministic(built, graph, files):
    a = release_description(graph, dataset=built.dataset, files=files)
    assert a == release_description(graph, dataset=built.dataset, files=dict(reversed(list(files.items()))))
    assert len(list(ox.parse(a, format=ox.RdfFormat.TURTLE))) > 500  # no relative IRIs, nothing lax
