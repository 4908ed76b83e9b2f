"""Words: entities and relationship nodes told in plain English, for reports (diff, ontology page examples).

Every function reads only the graph it is given, so a relationship removed between two releases is told with the
names it had in the old release.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from .model import EXTERNAL_SUPERCLASSES
from .namespaces import DCT, ONCO, ORG, PREFIXES, SCHEMA


def curie(iri) -> str:
    """A short display form of an IRI with oncograph's prefixes (for people; not always valid Turtle), else ``<iri>``.

    >>> curie("https://w3id.org/oncograph/id/org/esmo")
    'orgs:esmo'
    """
    text = str(iri)
    best = None
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and (best is None or len(ns) > len(best[1])):
            local = text[len(ns):]
            if local and all(c.isalnum() or c in "-_./+" for c in local):
                best = (prefix, ns)
    return f"{best[0]}:{text[len(best[1]):]}" if best else f"<{text}>"


def label(graph: Graph, node) -> str:
    """The node's name: skos:prefLabel (English or untagged), else rdfs:label, dct:title, else its short IRI."""
    if isinstance(node, Literal):
        return str(node)
    for prop in (SKOS.prefLabel, RDFS.label, DCT.title, SCHEMA.name):
        values = sorted(graph.objects(node, prop), key=lambda v: (v.language not in (None, "en"), str(v)))
        if values:
            return str(values[0])
    return curie(node)


def labels(graph: Graph, nodes) -> str:
    """Names joined as 'A', 'A and B' or 'A, B and C', sorted so the text is stable."""
    names = sorted(label(graph, n) for n in nodes)
    if len(names) <= 1:
        return names[0] if names else "(nobody)"
    return ", ".join(names[:-1]) + " and " + names[-1]


@lru_cache(maxsize=1)
def _subclass_edges() -> dict[URIRef, frozenset[URIRef]]:
    from . import paths

    ontology = paths.load_ontology()
    direct: dict[URIRef, set[URIRef]] = {}
    for c, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(c, URIRef) and isinstance(sup, URIRef):
            direct.setdefault(c, set()).add(sup)
    for c, sups in EXTERNAL_SUPERCLASSES.items():
        direct.setdefault(c, set()).update(sups)
    return {c: frozenset(s) for c, s in direct.items()}


def superclasses(cls: URIRef) -> set[URIRef]:
    """All superclasses of ``cls`` (not itself) known from the ontology and the model."""
    edges = _subclass_edges()
    seen: set[URIRef] = set()
    todo = list(edges.get(cls, ()))
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo.extend(edges.get(c, ()))
    return seen


def most_specific_class(graph: Graph, node) -> URIRef | None:
    """The node's type that is not a superclass of another of its types (the first by short name if several)."""
    types = {t for t in graph.objects(node, RDF.type) if isinstance(t, URIRef)}
    if not types:
        return None
    covered = set().union(*(superclasses(t) for t in types))
    candidates = sorted(types - covered, key=lambda t: (t in _GENERIC, not str(t).startswith(str(ONCO)), curie(t)))
    return candidates[0] if candidates else sorted(types)[0]


#: Types every relationship node has; a more specific one names it better (org:Membership is not a subclass).
_GENERIC = frozenset({ONCO.Relationship, PROV.Entity})


def _one(graph: Graph, node, prop):
    return sorted(graph.objects(node, prop), key=str)


def period_text(graph: Graph, node) -> str:
    """' (2024 to 2026)', ' (from 2013, derived)', ' (until 2026)' or ''; plus ', announced D' where given."""
    start = graph.value(node, SCHEMA.startDate)
    end = graph.value(node, SCHEMA.endDate)
    derived = [w for w, p in (("start", ONCO.startDateStatus), ("end", ONCO.endDateStatus))
               if (node, p, ONCO.Derived) in graph]
    if start is not None and end is not None:
        text = f"{start} to {end}"
    elif start is not None:
        text = f"from {start}"
    elif end is not None:
        text = f"until {end}"
    else:
        text = ""
    if text and derived:
        text += ", " + " and ".join(derived) + " derived"
    announced = graph.value(node, ONCO.announcedOn)
    if announced is not None:
        text = f"{text}, announced {announced}" if text else f"announced {announced}"
    return f" ({text})" if text else ""


def relationship_text(graph: Graph, node) -> str:
    """A relationship node as one sentence with its parties' names and its period.

    >>> from oncograph.build import build
    >>> g = build().graph()
    >>> relationship_text(g, URIRef("https://w3id.org/oncograph/id/rel/esmo-who-partnership"))
    'European Society for Medical Oncology and World Health Organization are partners (from 2013, start derived)'
    """
    return _relationship_core(graph, node) + period_text(graph, node)


def _relationship_core(graph: Graph, node) -> str:
    cls = most_specific_class(graph, node)
    n = lambda prop: labels(graph, graph.objects(node, prop))  # noqa: E731
    if cls == ONCO.Listing:
        sections = _one(graph, node, ONCO.inSection)
        where = f" under '{label(graph, sections[0])}'" if sections else ""
        return f"{n(ONCO.listedItem)} is listed on '{n(ONCO.listedIn)}'{where}"
    if cls == ONCO.CampaignParticipation:
        role = _one(graph, node, ONCO.role)
        return f"{n(ONCO.participant)} takes part in {n(ONCO.campaign)}" + (f" as {label(graph, role[0])}" if role else "")
    if cls == ONCO.SubOrganisation:
        return f"{n(ONCO.childOrganisation)} is part of {n(ONCO.parentOrganisation)}"
    if cls == ORG.Membership:
        role = _one(graph, node, ORG.role)
        return f"{n(ORG.member)} is a member of {n(ORG.organization)}" + (f" as {label(graph, role[0])}" if role else "")
    if cls == ONCO.Merger:
        return f"{n(ORG.originalOrganization)} merged into {n(ORG.resultingOrganization)}"
    if cls == ONCO.Establishment:
        founders = list(graph.objects(node, ONCO.establishedBy))
        return f"{n(ORG.resultingOrganization)} was established" + (f" by {labels(graph, founders)}" if founders else "")
    if cls == ONCO.CollaborationPlan:
        name = graph.value(node, SCHEMA.name)
        plan = f"the collaboration plan '{name}'" if name else "a collaboration plan"
        focus = list(graph.objects(node, ONCO.focusArea))
        return f"{n(ONCO.partner)} agreed {plan}" + (f" on {labels(graph, focus)}" if focus else "")
    if cls == ONCO.Partnership:
        return f"{n(ONCO.partner)} are partners"
    if cls == ONCO.OfficialStatus:
        return f"{n(ONCO.statusHolder)} holds the status '{n(ONCO.statusType)}' from {n(ONCO.grantedBy)}"
    if cls == ONCO.StatusRenewal:
        renewed = _one(graph, node, ONCO.renews)
        what = _relationship_core(graph, renewed[0]) if renewed else "an official status"
        return f"renewal: {what}"
    if cls == ONCO.EventRole:
        return f"{n(ONCO.agent)} is {n(ONCO.role)} of {n(ONCO.event)}"
    if cls == ONCO.PostHolding:
        return f"{n(ONCO.holder)} holds the post {n(ONCO.post)}"
    if cls == ONCO.ResourcePublication:
        return f"{n(ONCO.publisher)} publishes {n(ONCO.publishedResource)}"
    kind = label(graph, cls) if cls is not None else "relationship"
    return f"{kind} involving {n(ONCO.involves)}"


def is_relationship(graph: Graph, node) -> bool:
    return (node, RDF.type, ONCO.Relationship) in graph


__all__ = ["curie", "label", "labels", "most_specific_class", "period_text", "relationship_text", "superclasses"]
