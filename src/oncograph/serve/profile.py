"""What the profile pages show: an entity's description, and every relationship it takes part in with its sources.

Relationships are read generically: the parties are the values of the sub-properties of ``onco:involves``, the
other details are whatever else the relationship node says, labelled from the ontology. A new relationship type in
``model.py`` and the ontology therefore shows up here without changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from ..model import REL_TYPES
from ..namespaces import BASE, DCT, ONCO, ORG, SCHEMA
from .search import key_of

#: Properties of a relationship node shown in their own places (period, sources, note), not as details.
_SHOWN_APART = {
    RDF.type, PROV.wasDerivedFrom, ONCO.involves, SCHEMA.startDate, SCHEMA.endDate, ONCO.startDateStatus,
    ONCO.endDateStatus, ONCO.startDateDerivation, ONCO.endDateDerivation, ONCO.periodStart, ONCO.periodEnd, SKOS.note,
    SCHEMA.name, RDFS.label, SKOS.prefLabel,
}

__all__ = ["Vocabulary", "Profile", "SourcePage", "RelationshipView", "entity_profile", "source_page",
           "relationship_view", "is_source", "is_relationship"]

#: Relationship classes in the order their groups appear (the order of model.REL_TYPES).
REL_CLASS_ORDER = [t.rdf_class for t in REL_TYPES.values()]


@dataclass(frozen=True)
class Link:
    """Something to show: a page of this site (``key``), or plain text when it has none."""

    label: str
    key: str | None = None
    iri: str | None = None


@dataclass(frozen=True)
class SourceRef:
    key: str
    title: str
    publisher: Link | None
    url: str | None
    date: str | None


@dataclass
class Fact:
    label: str
    values: list[Link]


@dataclass
class Period:
    start: str = ""
    end: str = ""
    start_derived: bool = False
    end_derived: bool = False
    derivation: str = ""

    @property
    def known(self) -> bool:
        return bool(self.start or self.end)

    @property
    def derived(self) -> bool:
        return self.start_derived or self.end_derived


@dataclass
class RelationshipView:
    iri: str
    key: str
    type_label: str
    name: str
    parties: list[Fact]
    details: list[Fact]
    period: Period
    note: str
    sources: list[SourceRef]
    roles_of_subject: list[str] = field(default_factory=list)  # how the profiled entity takes part


@dataclass
class Group:
    type_label: str
    relationships: list[RelationshipView]


@dataclass
class Profile:
    iri: str
    key: str
    label: str
    what: str
    acronyms: list[str]
    alt_names: list[str]
    description: str
    facts: list[Fact]
    sources: list[SourceRef]
    groups: list[Group]

    @property
    def relationship_count(self) -> int:
        return sum(len(g.relationships) for g in self.groups)


@dataclass
class SourcePage:
    iri: str
    key: str
    ref: SourceRef
    note: str
    sections: list[str]
    groups: list[Group]
    described: list[Link]  # entities whose description rests on this document

    @property
    def relationship_count(self) -> int:
        return sum(len(g.relationships) for g in self.groups)


class Vocabulary:
    """Labels of classes and properties (from the ontology) and of anything in the graph, with fallbacks."""

    def __init__(self, graph: Graph):
        from .. import paths

        self.graph = graph
        onto = paths.load_ontology()
        self.labels: dict[URIRef, str] = {}
        for s, o in onto.subject_objects(RDFS.label):
            if isinstance(s, URIRef):
                self.labels.setdefault(s, str(o))
        self.party_props = set(onto.subjects(RDFS.subPropertyOf, ONCO.involves)) | {
            ORG.member, ORG.organization, ORG.originalOrganization, ORG.resultingOrganization}
        self.sub_classes = {(s, o) for s, o in onto.subject_objects(RDFS.subClassOf)}

    def label(self, iri) -> str:
        if isinstance(iri, Literal):
            return str(iri)
        iri = URIRef(iri)
        for prop in (SKOS.prefLabel, RDFS.label, DCT.title, SCHEMA.name):
            value = self.graph.value(iri, prop)
            if value is not None:
                return str(value)
        if iri in self.labels:
            return self.labels[iri]
        if (iri, RDF.type, ONCO.Relationship) in self.graph:
            parties = sorted({self.label(o) for p, o in self.graph.predicate_objects(iri) if p in self.party_props},
                             key=str.casefold)
            return f"{self.label(self.specific_class(iri))}: {', '.join(parties)}"
        return _words(str(iri))

    def link(self, node) -> Link:
        if isinstance(node, Literal):
            return Link(_literal_text(node))
        text = str(node)
        key = key_of(text) if text.startswith(BASE) else None
        return Link(self.label(node), key, text)

    def specific_class(self, rel: URIRef) -> URIRef:
        """The most specific relationship class of a relationship node (CollaborationPlan over Partnership)."""
        classes = [c for c in self.graph.objects(rel, RDF.type) if c in REL_CLASS_ORDER]
        specific = [c for c in classes if not any((o, c) in self.sub_classes for o in classes if o != c)]
        return min(specific or classes or [ONCO.Relationship], key=_class_rank)


def _class_rank(c) -> int:
    return REL_CLASS_ORDER.index(c) if c in REL_CLASS_ORDER else len(REL_CLASS_ORDER)


def _words(iri: str) -> str:
    local = re.split(r"[#/]", iri.rstrip("/"))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).replace("-", " ").lower() or iri


def _literal_text(lit: Literal) -> str:
    return str(lit)


def source_ref(vocab: Vocabulary, src) -> SourceRef:
    g = vocab.graph
    publisher = g.value(src, DCT.publisher)
    url = g.value(src, SCHEMA.url)
    date = g.value(src, DCT.date)
    return SourceRef(key=key_of(str(src)), title=str(g.value(src, DCT.title) or vocab.label(src)),
                     publisher=vocab.link(publisher) if publisher is not None else None,
                     url=str(url) if url is not None else None, date=str(date) if date is not None else None)


def relationship_view(vocab: Vocabulary, rel: URIRef, subject: URIRef | None = None) -> RelationshipView:
    """One relationship node as shown on a page; ``subject`` is the entity whose page it is on."""
    g = vocab.graph
    cls = vocab.specific_class(rel)
    parties: dict[URIRef, list[Link]] = {}
    details: dict[URIRef, list[Link]] = {}
    roles_of_subject = []
    for p, o in g.predicate_objects(rel):
        if p in _SHOWN_APART:
            continue
        target = parties if p in vocab.party_props else details
        target.setdefault(p, []).append(vocab.link(o))
        if subject is not None and o == subject and p in vocab.party_props:
            roles_of_subject.append(vocab.label(p))
    period = Period(
        start=_text(g.value(rel, SCHEMA.startDate)), end=_text(g.value(rel, SCHEMA.endDate)),
        start_derived=(rel, ONCO.startDateStatus, ONCO.Derived) in g,
        end_derived=(rel, ONCO.endDateStatus, ONCO.Derived) in g,
        derivation=" ".join(_text(g.value(rel, p)) for p in (ONCO.startDateDerivation, ONCO.endDateDerivation)
                            if g.value(rel, p) is not None))

    def facts(table):
        return [Fact(vocab.label(p), sorted(vs, key=lambda link: link.label.casefold()))
                for p, vs in sorted(table.items(), key=lambda kv: vocab.label(kv[0]))]

    return RelationshipView(
        iri=str(rel), key=key_of(str(rel)), type_label=vocab.label(cls), name=_text(g.value(rel, SCHEMA.name)),
        parties=facts(parties), details=facts(details), period=period, note=_text(g.value(rel, SKOS.note)),
        sources=sorted((source_ref(vocab, s) for s in g.objects(rel, PROV.wasDerivedFrom)), key=lambda s: s.title),
        roles_of_subject=sorted(set(roles_of_subject)))


def _text(node) -> str:
    return "" if node is None else str(node)


def group_relationships(vocab: Vocabulary, rels, subject: URIRef | None = None) -> list[Group]:
    by_class: dict[URIRef, list[RelationshipView]] = {}
    for r in set(rels):
        by_class.setdefault(vocab.specific_class(r), []).append(relationship_view(vocab, r, subject))
    groups = []
    for cls in sorted(by_class, key=_class_rank):
        views = sorted(by_class[cls], key=lambda v: (v.period.start or "9999", _party_text(v), v.iri))
        groups.append(Group(vocab.label(cls), views))
    return groups


def _party_text(view: RelationshipView) -> str:
    return " ".join(link.label.casefold() for fact in view.parties for link in fact.values)


_ENTITY_FACTS = (
    (ONCO.kind, "kind"), (ONCO.diseaseArea, "disease area"), (ONCO.discipline, "discipline"),
    (SCHEMA.areaServed, "scope"), (ONCO.focusArea, "focus"), (ONCO.memberCount, "members"),
    (SCHEMA.foundingDate, "founded"), (SCHEMA.founder, "founded by"), (ORG.postIn, "post in"),
    (SCHEMA.superEvent, "part of"), (SCHEMA.startDate, "starts"), (SCHEMA.endDate, "ends"),
)


def entity_profile(vocab: Vocabulary, iri: URIRef, what: str) -> Profile:
    """The profile of an organisation, resource, person, post, event or strategy."""
    g = vocab.graph
    label = vocab.label(iri)
    acronyms = sorted({str(a) for a in g.objects(iri, ONCO.acronym)})
    alts = sorted({str(a) for a in g.objects(iri, SKOS.altLabel)} - {label} - set(acronyms))
    facts = []
    for prop, name in _ENTITY_FACTS:
        values = sorted((vocab.link(o) for o in g.objects(iri, prop)), key=lambda link: link.label.casefold())
        if values:
            facts.append(Fact(name, values))
    formed_from = sorted({vocab.link(o) for m in g.objects(iri, ORG.resultedFrom) if (m, RDF.type, ONCO.Merger) in g
                          for o in g.objects(m, ORG.originalOrganization)}, key=lambda link: link.label.casefold())
    if formed_from:
        facts.append(Fact("formed from", formed_from))
    merged_into = sorted({vocab.link(o) for o in g.objects(iri, ONCO.mergedInto)}, key=lambda link: link.label)
    if merged_into:
        facts.append(Fact("merged into", merged_into))
    rels = set(g.subjects(ONCO.involves, iri))
    rels |= {r for s in list(rels) for r in g.subjects(ONCO.renews, s)}  # renewals of its statuses
    return Profile(
        iri=str(iri), key=key_of(str(iri)), label=label, what=what, acronyms=acronyms, alt_names=alts,
        description=_text(g.value(iri, DCT.description)), facts=facts,
        sources=sorted((source_ref(vocab, s) for s in g.objects(iri, PROV.wasDerivedFrom)), key=lambda s: s.title),
        groups=group_relationships(vocab, rels, iri))


def source_page(vocab: Vocabulary, iri: URIRef) -> SourcePage:
    """A source document: what it is, and every relationship and entity description that rests on it."""
    g = vocab.graph
    sections = sorted(vocab.label(s) for s in g.subjects(DCT.isPartOf, iri) if (s, RDF.type, ONCO.ListSection) in g)
    rels = [r for r in g.subjects(PROV.wasDerivedFrom, iri) if (r, RDF.type, ONCO.Relationship) in g]
    described = sorted((vocab.link(s) for s in g.subjects(PROV.wasDerivedFrom, iri)
                        if (s, RDF.type, ONCO.Relationship) not in g and isinstance(s, URIRef)),
                       key=lambda link: link.label.casefold())
    return SourcePage(iri=str(iri), key=key_of(str(iri)), ref=source_ref(vocab, iri),
                      note=_text(g.value(iri, SKOS.note)), sections=sections,
                      groups=group_relationships(vocab, rels), described=described)


def is_source(graph: Graph, iri: URIRef) -> bool:
    return (iri, RDF.type, ONCO.SourceDocument) in graph


def is_relationship(graph: Graph, iri: URIRef) -> bool:
    return (iri, RDF.type, ONCO.Relationship) in graph

