"""Namespaces and the IRI scheme.

Every entity IRI is ``https://w3id.org/oncograph/id/{collection}/{slug}``, where the slug is the curator's ``id`` in
``data/``. Relationship IRIs are built from their type and their parties' slugs, so they stay the same as long as
the parties do. Ontology terms live under ``https://w3id.org/oncograph/ontology#``.
"""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

ONCO = Namespace("https://w3id.org/oncograph/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = DCTERMS

BASE = "https://w3id.org/oncograph/id/"
ONTOLOGY_IRI = "https://w3id.org/oncograph/ontology"

#: Collections under BASE; the prefix each gets in serialisations.
COLLECTIONS = {
    "org": "orgs",
    "resource": "res",
    "person": "person",
    "post": "post",
    "event": "event",
    "plan": "plan",
    "source": "src",
    "rel": "rel",
    "graph": "graph",
}

#: Concept schemes of data/vocabularies.yaml and their prefixes.
SCHEME_PREFIXES = {
    "kinds": "kind",
    "diseases": "disease",
    "disciplines": "discipline",
    "scopes": "scope",
    "focus-areas": "focus",
    "event-roles": "eventrole",
    "membership-roles": "memberrole",
    "campaign-roles": "campaignrole",
    "status-types": "status",
}

ID = {name: Namespace(f"{BASE}{name}/") for name in COLLECTIONS}

PREFIXES: dict[str, str] = {
    "onco": str(ONCO),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "schema": str(SCHEMA),
    "dct": str(DCT),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    **{prefix: str(ID[name]) for name, prefix in COLLECTIONS.items()},
    **{prefix: f"{BASE}{scheme}/" for scheme, prefix in SCHEME_PREFIXES.items()},
    "id": BASE,
}


def concept_iri(scheme: str, concept: str) -> str:
    """IRI of a concept of a scheme in ``data/vocabularies.yaml``."""
    return f"{BASE}{scheme}/{concept}"


def scheme_iri(scheme: str) -> str:
    return f"{BASE}{scheme}"


def bind_prefixes(graph: Graph) -> Graph:
    """Bind oncograph's prefixes (replacing rdflib's defaults) so every output uses the same short names."""
    for prefix, uri in PREFIXES.items():
        graph.bind(prefix, uri, override=True, replace=True)
    return graph
