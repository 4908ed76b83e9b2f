"""Round trips, each checked by an implementation other than the one that wrote the file.

Turtle -> JSON-LD -> back and Turtle -> N-Quads -> back are isomorphic to the original (rdflib compare); the
JSON-LD is also expanded by pyld and parsed by pyoxigraph (two more JSON-LD processors); the Turtle and TriG are
parsed by pyoxigraph and compared, as sets of triples / quads, with the N-Triples / N-Quads. The context resolves
every key to the intended IRI, in pyld and in rdflib.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from pyld import jsonld as pyld
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from oncograph import jsonld
from oncograph.export import Format, serialize, serialize_dataset, serialize_graph
from oncograph.jsonld import CONTEXT_IRI, RemoteContextRefused, context_terms, document_loader, load_context
from oncograph.namespaces import ONCO

OPTS = {"documentLoader": document_loader}
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own, from its N-Quads parser


@pytest.fixture(scope="module")
def turtle_text(graph):
    return serialize_graph(graph, Format.TURTLE)


@pytest.fixture(scope="module")
def from_turtle(turtle_text):
    """The graph as a consumer gets it: parsed back from the released Turtle."""
    return Graph().parse(data=turtle_text, format="turtle")


def _ox_triples(data: bytes, fmt) -> set:
    return {str(t) for t in ox.parse(data, format=fmt)}


# -- Turtle ---------------------------------------------------------------------------------------------------
def test_turtle_round_trip_is_isomorphic(graph, from_turtle):
    assert len(from_turtle) == len(graph) > 2800
    assert isomorphic(graph, from_turtle)


def test_turtle_parsed_by_pyoxigraph_equals_ntriples(graph, turtle_text):
    """pyoxigraph reads our Turtle to exactly the triples of our N-Triples (rdflib-written), compared as
    pyoxigraph terms (canonical form) and as N-Triples lines."""
    nt = serialize_graph(graph, Format.NTRIPLES)
    from_ttl = set(ox.parse(turtle_text, format=ox.RdfFormat.TURTLE))
    from_nt = set(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    assert from_ttl == from_nt
    assert len(from_ttl) == len(graph)
    assert sorted(f"{t} ." for t in from_ttl) == nt.decode("utf-8").splitlines()


# -- JSON-LD --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", [Format.JSONLD_COMPACT, Format.JSONLD])
def test_turtle_to_jsonld_and_back_is_isomorphic(graph, from_turtle, fmt):
    text = serialize_graph(from_turtle, fmt)
    back = Graph().parse(data=text, format="json-ld")  # rdflib's JSON-LD parser (pyld compacted it)
    assert isomorphic(graph, back)


@pytest.mark.parametrize("fmt", [Format.JSONLD_COMPACT, Format.JSONLD])
def test_jsonld_expanded_by_pyld_is_the_same_graph(graph, from_turtle, fmt):
    doc = json.loads(serialize_graph(from_turtle, fmt))
    nquads = pyld.to_rdf(doc, {**OPTS, "format": "application/n-quads"})
    back = Graph().parse(data=nquads, format="nt")
    assert isomorphic(graph, back)
    expanded = pyld.expand(doc, OPTS)  # and the expanded form pyld makes is itself the same graph
    back2 = Graph().parse(data=pyld.to_rdf(expanded, {**OPTS, "format": "application/n-quads"}), format="nt")
    assert isomorphic(graph, back2)


@pytest.mark.parametrize("fmt", [Format.JSONLD_COMPACT, Format.JSONLD])
def test_jsonld_parsed_by_pyoxigraph_is_the_same_graph(graph, fmt):
    text = serialize_graph(graph, fmt)
    assert _ox_triples(text, ox.RdfFormat.JSON_LD) == _ox_triples(serialize_graph(graph, Format.NTRIPLES),
                                                                    ox.RdfFormat.N_TRIPLES)


def test_compact_jsonld_reads_well(graph):
    doc = json.loads(serialize_graph(graph, Format.JSONLD_COMPACT))
    assert doc["@context"] == load_context()["@context"]  # embedded: no network needed to read it
    nodes = {n["id"]: n for n in doc["@graph"]}
    esmo = nodes["org/esmo"]
    assert esmo["name"] == "European Society for Medical Oncology"
    assert esmo["kind"] == "kinds/professional-society"
    assert "FormalOrganization" in esmo["type"]
    assert esmo["partnerOf"] == "org/who"
    partnership = nodes["rel/esmo-who-partnership"]
    assert partnership["startDate"] == {"type": "xsd:gYear", "@value": "2013"}
    assert partnership["startDateStatus"] == "Derived"
    assert partnership["periodStart"] == "2013-01-01"
    assert sorted(partnership["partner"]) == ["org/esmo", "org/who"]
    keys = {k for n in doc["@graph"] for k in n}
    assert not [k for k in keys if ":" in k], "every property used in the data has a short key"


# -- TriG and N-Quads -----------------------------------------------------------------------------------------
def test_turtle_to_nquads_and_back_is_isomorphic(graph, from_turtle):
    text = serialize(from_turtle, Format.NQUADS)
    ds = Dataset()
    ds.parse(data=text, format="nquads")
    back = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        back.add((s, p, o))
    assert isomorphic(graph, back)


@pytest.mark.parametrize("fmt", [Format.NQUADS, Format.TRIG])
def test_dataset_round_trip_keeps_every_named_graph(built, fmt):
    text = serialize_dataset(built.dataset, fmt)
    ds = Dataset()
    ds.parse(data=text, format="nquads" if fmt is Format.NQUADS else "trig")
    expected = {g.identifier: g for g in built.dataset.graphs() if len(g)}
    got = {g.identifier: g for g in ds.graphs() if len(g)}
    assert set(got) == set(expected)
    for name, g in expected.items():
        assert isomorphic(g, got[name]), name


def test_trig_parsed_by_pyoxigraph_equals_nquads(built):
    trig = set(ox.parse(serialize_dataset(built.dataset, Format.TRIG), format=ox.RdfFormat.TRIG))
    nq = set(ox.parse(serialize_dataset(built.dataset, Format.NQUADS), format=ox.RdfFormat.N_QUADS))
    assert trig == nq and len(nq) == sum(len(g) for g in built.dataset.graphs())


# -- the context: every key, resolved by two processors ---------------------------------------------------------
OWL_NS = "http://www.w3.org/2002/07/owl#"
P = {"onco": str(ONCO), "org": "http://www.w3.org/ns/org#", "prov": "http://www.w3.org/ns/prov#",
     "skos": "http://www.w3.org/2004/02/skos/core#", "schema": "https://schema.org/", "dct": "http://purl.org/dc/terms/",
     "foaf": "http://xmlns.com/foaf/0.1/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
     "xsd": "http://www.w3.org/2001/XMLSchema#"}

# key: (intended IRI, how values are read): "iri" = an IRI relative to @base; "text" = plain string;
# "en" = English text; "vocab" = a term naming an IRI (Stated / Derived); "xsd:..." = typed; "class" = a type name.
EXPECTED = {
    "name": ("skos:prefLabel", "text"), "label": ("rdfs:label", "text"), "altName": ("skos:altLabel", "text"),
    "acronym": ("onco:acronym", "text"), "title": ("dct:title", "en"), "description": ("dct:description", "en"),
    "definition": ("skos:definition", "en"), "note": ("skos:note", "en"), "planName": ("schema:name", "text"),
    "identifier": ("dct:identifier", "text"), "url": ("schema:url", "iri"),
    "kind": ("onco:kind", "iri"), "diseaseArea": ("onco:diseaseArea", "iri"), "discipline": ("onco:discipline", "iri"),
    "areaServed": ("schema:areaServed", "iri"), "source": ("prov:wasDerivedFrom", "iri"),
    "documentPublisher": ("dct:publisher", "iri"), "publishedBy": ("schema:publisher", "iri"),
    "creator": ("dct:creator", "iri"), "isPartOf": ("dct:isPartOf", "iri"), "founder": ("schema:founder", "iri"),
    "superEvent": ("schema:superEvent", "iri"), "subEvent": ("schema:subEvent", "iri"), "marks": ("onco:marks", "iri"),
    "inScheme": ("skos:inScheme", "iri"), "broader": ("skos:broader", "iri"), "narrower": ("skos:narrower", "iri"),
    "hasTopConcept": ("skos:hasTopConcept", "iri"), "topConceptOf": ("skos:topConceptOf", "iri"),
    "memberCount": ("onco:memberCount", "xsd:nonNegativeInteger"), "foundingDate": ("schema:foundingDate", "text"),
    "date": ("dct:date", "text"),
    **{k: (f"org:{k}", "iri") for k in ("memberOf", "member", "organization", "subOrganizationOf", "unitOf", "hasUnit",
                                         "postIn", "holds", "originalOrganization", "resultingOrganization",
                                         "resultedFrom", "changedBy")},
    "membershipRole": ("org:role", "iri"),
    **{k: (f"onco:{k}", "iri") for k in ("involves", "listedIn", "listedItem", "inSection", "campaign", "participant",
                                          "parentOrganisation", "childOrganisation", "establishedBy", "partner",
                                          "statusHolder", "grantedBy", "renews", "agent", "event", "holder", "post",
                                          "publisher", "publishedResource", "role", "statusType", "focusArea",
                                          "partnerOf", "mergedInto", "holdsStatusFrom", "participatesIn", "listedOn",
                                          "organises", "coHosts", "coOrganises", "produces", "collaboratesOn",
                                          "involvedInEvent")},
    "startDate": ("schema:startDate", "text"), "endDate": ("schema:endDate", "text"),
    "startDateStatus": ("onco:startDateStatus", "vocab"), "endDateStatus": ("onco:endDateStatus", "vocab"),
    "startDateDerivation": ("onco:startDateDerivation", "en"), "endDateDerivation": ("onco:endDateDerivation", "en"),
    "periodStart": ("onco:periodStart", "xsd:date"), "periodEnd": ("onco:periodEnd", "xsd:date"),
    "announcedOn": ("onco:announcedOn", "text"),
    **{k: (f"org:{k}", "class") for k in ("Organization", "FormalOrganization", "OrganizationalUnit",
                                           "OrganizationalCollaboration", "Membership", "Post", "ChangeEvent")},
    "Person": ("foaf:Person", "class"), "Agent": ("foaf:Agent", "class"), "Event": ("schema:Event", "class"),
    "EventSeries": ("schema:EventSeries", "class"), "Concept": ("skos:Concept", "class"),
    "ConceptScheme": ("skos:ConceptScheme", "class"),
    **{k: (f"onco:{k}", "class") for k in ("SourceDocument", "ListSection", "InformationResource", "Campaign",
                                            "OrganisationGroup", "Strategy", "Relationship", "Listing",
                                            "CampaignParticipation", "SubOrganisation", "Merger", "Establishment",
                                            "Partnership", "CollaborationPlan", "OfficialStatus", "StatusRenewal",
                                            "EventRole", "PostHolding", "ResourcePublication", "DateStatus",
                                            "Stated", "Derived")},
}


def _iri(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return P[prefix] + local


def test_context_has_exactly_the_expected_keys():
    assert set(context_terms()) == set(EXPECTED)
    assert {k: v for k, v in context_terms().items()} == {k: _iri(v[0]) for k, v in EXPECTED.items()}


def _doc(key, how):
    ctx = load_context()["@context"]
    node = {"@context": ctx, "id": "org/x"}
    if how == "class":
        node["type"] = key
    else:
        node[key] = {"iri": "org/y", "vocab": "Derived", "xsd:date": "2013-01-01",
                     "xsd:nonNegativeInteger": "28"}.get(how, "some text")
    return node


def _expected_triple(key, how):
    s = URIRef("https://w3id.org/oncograph/id/org/x")
    iri = URIRef(_iri(EXPECTED[key][0]))
    if how == "class":
        return (s, RDF.type, iri)
    value = {"iri": URIRef("https://w3id.org/oncograph/id/org/y"), "vocab": ONCO.Derived,
             "xsd:date": Literal("2013-01-01", datatype=XSD.date),
             "xsd:nonNegativeInteger": Literal("28", datatype=XSD.nonNegativeInteger),
             "en": Literal("some text", lang="en")}.get(how, Literal("some text"))
    return (s, iri, value)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_context_key_resolves_in_pyld_and_rdflib(key):
    how = EXPECTED[key][1]
    doc = _doc(key, how)
    want = _expected_triple(key, how)
    via_pyld = Graph().parse(data=pyld.to_rdf(doc, {**OPTS, "format": "application/n-quads"}), format="nt")
    via_rdflib = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert set(via_pyld) == {want}, key
    assert set(via_rdflib) == {want}, key


def test_every_property_and_class_in_the_data_and_ontology_has_a_key(graph):
    from oncograph.paths import load_ontology

    keyed = set(context_terms().values())
    used = {str(p) for p in graph.predicates()} - {str(RDF.type)}
    assert not sorted(used - keyed), "properties used in the data without a key"
    onto = load_ontology()
    own = {str(p) for t in (URIRef(OWL_NS + "ObjectProperty"), URIRef(OWL_NS + "DatatypeProperty"))
           for p in onto.subjects(RDF.type, t)}
    assert not sorted(own - keyed), "own properties without a key"
    own_classes = {str(c) for c in onto.subjects(RDF.type, URIRef(OWL_NS + "Class"))}
    assert not sorted(own_classes - keyed)


# -- no network ------------------------------------------------------------------------------------------------
def test_remote_context_is_refused_never_fetched(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(pyld, "_default_document_loader", no_network)
    doc = {"@context": "https://example.org/context.jsonld", "@id": "https://example.org/x",
           "name": "x"}
    with pytest.raises(RemoteContextRefused, match="never fetches"):
        jsonld.to_dataset(doc)


def test_project_context_iri_is_served_from_the_package(monkeypatch):
    monkeypatch.setattr(pyld, "_default_document_loader", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    doc = {"@context": CONTEXT_IRI, "id": "org/esmo", "name": "ESMO", "kind": "kinds/professional-society"}
    ds = jsonld.to_dataset(doc)
    triples = {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}
    esmo = URIRef("https://w3id.org/oncograph/id/org/esmo")
    assert triples == {(esmo, URIRef(_iri("skos:prefLabel")), Literal("ESMO")),
                       (esmo, ONCO.kind, URIRef("https://w3id.org/oncograph/id/kinds/professional-society"))}


def test_context_ships_inside_the_package():
    """The wheel force-includes ontology/ as oncograph/_shipped/ontology; paths.ontology_dir() finds either."""
    import tomllib

    from oncograph import paths

    assert (paths.ontology_dir() / "context.jsonld").is_file()
    pyproject = tomllib.loads((paths._REPO / "pyproject.toml").read_text())
    include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["ontology"] == "oncograph/_shipped/ontology"
