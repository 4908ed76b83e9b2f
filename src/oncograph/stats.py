"""Stats: what the graph holds, by kind, and how much of it is sourced and dated."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import PROV, RDF, SKOS

from .namespaces import ONCO, ORG, SCHEMA
from rdflib.namespace import FOAF


@dataclass
class Stats:
    triples: int
    entities: dict[str, int]
    organisations_by_kind: dict[str, int]
    relationships_by_type: dict[str, int]
    relationships: int
    with_source: int
    with_date: int
    with_derived_date: int
    sources: int

    @property
    def share_with_source(self) -> float:
        return self.with_source / self.relationships if self.relationships else 1.0

    @property
    def share_with_date(self) -> float:
        return self.with_date / self.relationships if self.relationships else 0.0

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        d["share_with_source"] = round(self.share_with_source, 4)
        d["share_with_date"] = round(self.share_with_date, 4)
        return d

    def text(self) -> str:
        lines = [f"{self.triples} triples; {self.sources} source documents"]
        lines.append("entities: " + ", ".join(f"{k} {v}" for k, v in self.entities.items()))
        lines.append(f"relationships: {self.relationships} "
                     f"({self.with_source} with a source = {self.share_with_source:.0%}; "
                     f"{self.with_date} with a date = {self.share_with_date:.0%}; "
                     f"{self.with_derived_date} resting on a derived date)")
        lines.extend(f"  {k:<28} {v}" for k, v in self.relationships_by_type.items())
        lines.append("organisations and resources by kind:")
        lines.extend(f"  {k:<28} {v}" for k, v in self.organisations_by_kind.items())
        return "\n".join(lines)


ENTITY_CLASSES = {
    "organisations": ORG.Organization,
    "information resources": ONCO.InformationResource,
    "people": FOAF.Person,
    "posts": ORG.Post,
    "events": SCHEMA.Event,
    "strategies": ONCO.Strategy,
    "concepts": SKOS.Concept,
}


def compute_stats(graph: Graph) -> Stats:
    """Count entities, relationships by type, and sourced / dated relationships."""
    entities = {name: len(set(graph.subjects(RDF.type, cls))) for name, cls in ENTITY_CLASSES.items()}
    rels = set(graph.subjects(RDF.type, ONCO.Relationship))
    by_type: Counter = Counter()
    generic = {ONCO.Relationship, PROV.Entity, ORG.ChangeEvent, ONCO.Partnership, PROV.Plan}
    for r in rels:
        specific = [t for t in graph.objects(r, RDF.type) if t not in generic] or [ONCO.Partnership]
        for t in specific:
            by_type[graph.namespace_manager.normalizeUri(t)] += 1
    kinds: Counter = Counter()
    for s in set(graph.subjects(ONCO.kind, None)):
        for k in graph.objects(s, ONCO.kind):
            kinds[str(graph.value(k, SKOS.prefLabel) or k)] += 1
    dated = {r for r in rels if any((r, p, None) in graph for p in (SCHEMA.startDate, SCHEMA.endDate, ONCO.announcedOn))}
    derived = {r for r in rels if (r, ONCO.startDateStatus, ONCO.Derived) in graph or (r, ONCO.endDateStatus, ONCO.Derived) in graph}
    return Stats(
        triples=len(graph),
        entities=entities,
        organisations_by_kind=dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        relationships_by_type=dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        relationships=len(rels),
        with_source=sum(1 for r in rels if (r, PROV.wasDerivedFrom, None) in graph),
        with_date=len(dated),
        with_derived_date=len(derived),
        sources=len(set(graph.subjects(RDF.type, ONCO.SourceDocument))),
    )
