"""Describe: the dataset description (VoID and DCAT) written with every release as ``void.ttl``.

It says what the release is (title, licence, version, the source documents, the vocabularies used), how much it
holds (triples, entities, distinct subjects and objects; entities by class, triples by property, organisations by
kind, triples by named graph) and which files it comes as (media type, size in bytes, SHA-256). Counts are made
here in Python; the tests recount them with SPARQL.

Nothing in it depends on the clock, so two builds of the same data describe themselves byte for byte alike.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from typing import Mapping

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, XSD

from . import __version__
from .errors import InputError
from .export import Format, turtle
from .namespaces import BASE, DCAT, DCT, ONCO, ONTOLOGY_IRI, PREFIXES, SCHEMA, VOID
from .words import label

DATASET = URIRef(f"{BASE}dataset")
DS = Namespace(f"{BASE}dataset#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
ENGLISH = URIRef("http://id.loc.gov/vocabulary/iso639-1/en")
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

#: Vocabularies whose terms can appear as classes or properties, by namespace.
VOCABULARY_PREFIXES = ("onco", "org", "prov", "skos", "schema", "dct", "foaf", "owl", "rdf", "rdfs")

#: What each release file is; files not listed get a description from their extension.
FILE_DESCRIPTIONS = {
    "oncograph.ttl": ("the whole graph in canonical Turtle (sorted, prefixes bound)", FORMATS["Turtle"]),
    "oncograph.nt": ("the whole graph as sorted N-Triples", FORMATS["N-Triples"]),
    "oncograph.jsonld": ("the whole graph as expanded JSON-LD", FORMATS["JSON-LD"]),
    "oncograph.compact.jsonld": ("the whole graph as JSON-LD compacted with the oncograph context (embedded)",
                                 FORMATS["JSON-LD"]),
    "oncograph.trig": ("the dataset in TriG, one named graph per source document", FORMATS["TriG"]),
    "oncograph.nq": ("the dataset as sorted N-Quads, one named graph per source document", FORMATS["N-Quads"]),
    "context.jsonld": ("the JSON-LD context: short keys for every property used in the data", FORMATS["JSON-LD"]),
    "ontology.ttl": ("the oncograph ontology (OWL)", FORMATS["Turtle"]),
    "shapes.ttl": ("the SHACL shapes the graph is validated against", FORMATS["Turtle"]),
    "ontology.html": ("documentation of the ontology, with a diagram and examples from the data", None),
}
_EXTRA_MEDIA_TYPES = {".html": "text/html", ".ttl": "text/turtle", ".json": "application/json",
                      ".csv": "text/csv", ".svg": "image/svg+xml", ".png": "image/png"}


def describe(graph: Graph, *, dataset: Dataset | None = None, files: Mapping[str, bytes] | None = None) -> Graph:
    """The VoID / DCAT description of ``graph`` (and of ``dataset``'s named graphs, and of ``files``) as a Graph."""
    d = Graph()
    add = d.add
    add((DATASET, RDF.type, VOID.Dataset))
    add((DATASET, RDF.type, DCAT.Dataset))
    add((DATASET, DCT.title, Literal("oncograph: oncology organisations and their relationships", lang="en")))
    add((DATASET, DCT.description, Literal(
        "A sourced, dated knowledge graph of oncology organisations and their relationships, built from curated"
        " statements about five public web pages. Every relationship is a node that names its parties, its period"
        " and the source documents it is derived from.", lang="en")))
    add((DATASET, DCT.license, LICENSE))
    add((DATASET, DCAT.version, Literal(__version__)))
    add((DATASET, OWL.versionInfo, Literal(__version__)))
    add((DATASET, DCT.conformsTo, URIRef(ONTOLOGY_IRI)))
    add((DATASET, DCT.language, ENGLISH))
    for word in ("oncology", "cancer", "organisations", "patient advocacy", "knowledge graph"):
        add((DATASET, DCAT.keyword, Literal(word, lang="en")))
    add((DATASET, VOID.uriSpace, Literal(BASE)))
    for fmt in ("Turtle", "N-Triples", "JSON-LD", "TriG", "N-Quads"):
        add((DATASET, VOID.feature, FORMATS[fmt]))

    _sources(graph, d)
    _counts(graph, d)
    if dataset is not None:
        _named_graphs(dataset, d)
    for name, data in sorted((files or {}).items()):
        _distribution(d, name, data)
    return d


def release_description(graph: Graph, *, dataset: Dataset | None = None,
                        files: Mapping[str, bytes] | None = None) -> bytes:
    """``void.ttl``: :func:`describe` in canonical Turtle."""
    return turtle(describe(graph, dataset=dataset, files=files), prefixes=DESCRIPTION_PREFIXES)


DESCRIPTION_PREFIXES = {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "spdx": str(SPDX), "sd": str(SD),
                        "formats": str(FORMATS), "ds": str(DS)}


def _sources(graph: Graph, d: Graph) -> None:
    for src in sorted(graph.subjects(RDF.type, ONCO.SourceDocument), key=str):
        d.add((DATASET, DCT.source, src))
        d.add((DATASET, PROV.wasDerivedFrom, src))
        d.add((src, RDF.type, ONCO.SourceDocument))
        for prop in (DCT.title, SCHEMA.url, DCT.date, DCT.publisher):
            for value in graph.objects(src, prop):
                d.add((src, prop, value))


def _count(d: Graph, node, prop, n: int) -> None:
    d.add((node, prop, Literal(n, datatype=XSD.integer)))


def _counts(graph: Graph, d: Graph) -> None:
    subjects, objects = set(), set()
    by_property: dict = defaultdict(lambda: [0, set(), set()])
    instances: dict = defaultdict(set)
    for s, p, o in graph:
        subjects.add(s)
        objects.add(o)
        entry = by_property[p]
        entry[0] += 1
        entry[1].add(s)
        entry[2].add(o)
        if p == RDF.type:
            instances[o].add(s)
    entities = {s for s in subjects if isinstance(s, URIRef) and str(s).startswith(BASE) and (s, RDF.type, None) in graph}
    _count(d, DATASET, VOID.triples, len(graph))
    _count(d, DATASET, VOID.entities, len(entities))
    _count(d, DATASET, VOID.distinctSubjects, len(subjects))
    _count(d, DATASET, VOID.distinctObjects, len(objects))
    _count(d, DATASET, VOID.properties, len(by_property))
    _count(d, DATASET, VOID.classes, len(instances))

    vocabularies = set()
    for term in list(by_property) + list(instances):
        for prefix in VOCABULARY_PREFIXES:
            if str(term).startswith(PREFIXES[prefix]):
                vocabularies.add(URIRef(PREFIXES[prefix]))
    for v in vocabularies:
        d.add((DATASET, VOID.vocabulary, v))

    for cls, members in instances.items():
        part = DS[f"class-{_slug(cls)}"]
        d.add((DATASET, VOID.classPartition, part))
        d.add((part, RDF.type, VOID.Dataset))
        d.add((part, VOID["class"], cls))
        _count(d, part, VOID.entities, len(members))
    for prop, (n, subj, obj) in by_property.items():
        part = DS[f"property-{_slug(prop)}"]
        d.add((DATASET, VOID.propertyPartition, part))
        d.add((part, RDF.type, VOID.Dataset))
        d.add((part, VOID.property, prop))
        _count(d, part, VOID.triples, n)
        _count(d, part, VOID.distinctSubjects, len(subj))
        _count(d, part, VOID.distinctObjects, len(obj))

    kinds: Counter = Counter()
    for s, kind in graph.subject_objects(ONCO.kind):
        kinds[kind] += 1
    for kind, n in kinds.items():
        part = DS[f"kind-{str(kind).rstrip('/').rsplit('/', 1)[-1]}"]
        d.add((DATASET, VOID.subset, part))
        d.add((part, RDF.type, VOID.Dataset))
        d.add((part, DCT.title, Literal(f"organisations and resources of kind '{label(graph, kind)}'", lang="en")))
        d.add((part, DCT.subject, kind))
        _count(d, part, VOID.entities, n)

    example = _example_resource(graph)
    if example is not None:
        d.add((DATASET, VOID.exampleResource, example))


def _example_resource(graph: Graph):
    """The entity most relationships involve (ties: first IRI): a good place to start exploring."""
    counts = Counter(o for o in graph.objects(None, ONCO.involves) if (o, RDF.type, ONCO.SourceDocument) not in graph)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0]


def _named_graphs(dataset: Dataset, d: Graph) -> None:
    for g in dataset.graphs():
        if not len(g) or g.identifier == dataset.default_graph.identifier:
            continue
        part = DS[f"graph-{_slug(g.identifier)}"]
        d.add((DATASET, VOID.subset, part))
        d.add((part, RDF.type, VOID.Dataset))
        d.add((part, RDF.type, SD.NamedGraph))
        d.add((part, SD.name, g.identifier))
        _count(d, part, VOID.triples, len(g))
        if (g.identifier, RDF.type, ONCO.SourceDocument) in dataset.graph(URIRef(f"{BASE}graph/sources")):
            d.add((part, DCT.source, g.identifier))
            d.add((part, DCT.title, Literal("relationships derived from this source document", lang="en")))


def _distribution(d: Graph, name: str, data: bytes) -> None:
    dist = DS[f"file-{name}"]
    description, conforms = FILE_DESCRIPTIONS.get(name, (None, None))
    d.add((DATASET, DCAT.distribution, dist))
    d.add((dist, RDF.type, DCAT.Distribution))
    d.add((dist, DCT.title, Literal(name)))
    d.add((dist, DCT.identifier, Literal(name)))
    if description:
        d.add((dist, DCT.description, Literal(description, lang="en")))
    if conforms is not None:
        d.add((dist, DCT.conformsTo, conforms))
    d.add((dist, DCAT.mediaType, URIRef(MEDIA_TYPES + _media_type(name))))
    d.add((dist, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
    d.add((dist, DCT.license, LICENSE))
    checksum = DS[f"sha256-{name}"]
    d.add((dist, SPDX.checksum, checksum))
    d.add((checksum, RDF.type, SPDX.Checksum))
    d.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    d.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))


def _media_type(name: str) -> str:
    try:
        return Format.from_path(name).media_type
    except InputError:  # not a graph format: fall back to the extension table
        for ext, media in _EXTRA_MEDIA_TYPES.items():
            if name.endswith(ext):
                return media
    return "application/octet-stream"


def _slug(iri) -> str:
    """A readable, unique local name for a partition: 'onco-Listing', 'kinds-charity', 'source-rce-partners'."""
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and ns != BASE:
            return f"{prefix}-{text[len(ns):]}".replace("/", "-").replace("#", "-")
    if text.startswith(BASE):
        return text[len(BASE):].replace("/", "-")
    return text.split("://", 1)[-1].replace("/", "-").replace("#", "-")


__all__ = ["DATASET", "describe", "release_description"]
