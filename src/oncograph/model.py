"""The shape of the curated data: entity classes and relationship types, as tables the builder reads.

Adding a relationship type means adding one RelType here (and its class and properties to ``ontology/``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import FOAF, PROV

from .namespaces import ONCO, ORG, SCHEMA

ORG_LIKE = frozenset({"organisation", "collaboration", "unit", "collective", "campaign"})
AGENTS = ORG_LIKE | {"person", "post"}
EVENTS = frozenset({"event", "event-series"})
LISTABLE = ORG_LIKE | {"resource"}


@dataclass(frozen=True)
class EntityClass:
    """How one ``class:`` value of the data files maps to RDF."""

    collection: str  # IRI collection, see namespaces.COLLECTIONS
    rdf_class: URIRef


ENTITY_CLASSES: dict[str, EntityClass] = {
    "organisation": EntityClass("org", ORG.FormalOrganization),
    "collaboration": EntityClass("org", ORG.OrganizationalCollaboration),
    "unit": EntityClass("org", ORG.OrganizationalUnit),
    "collective": EntityClass("org", ONCO.OrganisationGroup),
    "campaign": EntityClass("org", ONCO.Campaign),
    "resource": EntityClass("resource", ONCO.InformationResource),
    "person": EntityClass("person", FOAF.Person),
    "post": EntityClass("post", ORG.Post),
    "event": EntityClass("event", SCHEMA.Event),
    "event-series": EntityClass("event", SCHEMA.EventSeries),
    "strategy": EntityClass("plan", ONCO.Strategy),
}

#: Superclasses outside the ontology file, for materialising rdf:type (the ontology adds its own).
EXTERNAL_SUPERCLASSES: dict[URIRef, tuple[URIRef, ...]] = {
    ORG.FormalOrganization: (ORG.Organization,),
    ORG.OrganizationalUnit: (ORG.Organization,),
    ORG.OrganizationalCollaboration: (ORG.Organization,),
    ORG.Organization: (FOAF.Agent,),
    FOAF.Person: (FOAF.Agent, SCHEMA.Person),
    SCHEMA.EventSeries: (SCHEMA.Event,),
    PROV.Plan: (PROV.Entity,),
}


@dataclass(frozen=True)
class Party:
    """A field of a relationship entry that names other entities."""

    field: str
    prop: URIRef
    accepts: frozenset[str]
    many: bool = False
    min_count: int = 1


@dataclass(frozen=True)
class ConceptField:
    """A field whose values are concepts of a scheme in vocabularies.yaml."""

    field: str
    prop: URIRef
    scheme: str
    many: bool = False
    required: bool = True


@dataclass(frozen=True)
class Edge:
    """A direct edge materialised from a relationship: subject field, predicate, object field."""

    subject: str
    predicate: URIRef
    object: str


@dataclass(frozen=True)
class RelType:
    name: str
    rdf_class: URIRef
    parties: tuple[Party, ...]
    concepts: tuple[ConceptField, ...] = ()
    edges: tuple[Edge, ...] = ()
    extra_fields: frozenset[str] = field(default_factory=frozenset)

    @property
    def fields(self) -> frozenset[str]:
        common = {"type", "id", "sources", "start", "end", "note"}
        return frozenset(common | {p.field for p in self.parties} | {c.field for c in self.concepts} | self.extra_fields)


REL_TYPES: dict[str, RelType] = {
    t.name: t
    for t in (
        RelType(
            "sub-organisation", ONCO.SubOrganisation,
            (Party("parent", ONCO.parentOrganisation, ORG_LIKE), Party("child", ONCO.childOrganisation, ORG_LIKE)),
            edges=(Edge("child", ORG.subOrganizationOf, "parent"),),
        ),
        RelType(
            "membership", ORG.Membership,
            (Party("member", ORG.member, AGENTS), Party("organisation", ORG.organization, ORG_LIKE)),
            concepts=(ConceptField("role", ORG.role, "membership-roles", required=False),),
            edges=(Edge("member", ORG.memberOf, "organisation"),),
        ),
        RelType(
            "merger", ONCO.Merger,
            (
                Party("from", ORG.originalOrganization, ORG_LIKE, many=True, min_count=2),
                Party("into", ORG.resultingOrganization, ORG_LIKE, many=True, min_count=1),
            ),
            edges=(Edge("from", ONCO.mergedInto, "into"), Edge("into", ORG.resultedFrom, "@"), Edge("from", ORG.changedBy, "@")),
        ),
        RelType(
            "establishment", ONCO.Establishment,
            (
                Party("organisation", ORG.resultingOrganization, ORG_LIKE),
                Party("by", ONCO.establishedBy, ORG_LIKE | {"person"}, many=True, min_count=0),
            ),
            edges=(Edge("organisation", SCHEMA.founder, "by"), Edge("organisation", ORG.resultedFrom, "@")),
        ),
        RelType(
            "partnership", ONCO.Partnership,
            (Party("partners", ONCO.partner, ORG_LIKE, many=True, min_count=2),),
            edges=(Edge("partners", ONCO.partnerOf, "partners"),),
        ),
        RelType(
            "collaboration-plan", ONCO.CollaborationPlan,
            (Party("partners", ONCO.partner, ORG_LIKE, many=True, min_count=2),),
            concepts=(ConceptField("focus_areas", ONCO.focusArea, "focus-areas", many=True),),
            edges=(Edge("partners", ONCO.partnerOf, "partners"),),
            extra_fields=frozenset({"name"}),
        ),
        RelType(
            "official-status", ONCO.OfficialStatus,
            (Party("holder", ONCO.statusHolder, ORG_LIKE), Party("granted_by", ONCO.grantedBy, ORG_LIKE)),
            concepts=(ConceptField("status", ONCO.statusType, "status-types"),),
            edges=(Edge("holder", ONCO.holdsStatusFrom, "granted_by"),),
        ),
        RelType(
            "status-renewal", ONCO.StatusRenewal,
            (Party("status", ONCO.renews, frozenset({"relationship:official-status"})),),
            extra_fields=frozenset({"announced"}),
        ),
        RelType(
            "event-role", ONCO.EventRole,
            (Party("agent", ONCO.agent, AGENTS), Party("event", ONCO.event, EVENTS)),
            concepts=(ConceptField("role", ONCO.role, "event-roles"),),
            edges=(Edge("agent", ONCO.involvedInEvent, "event"),),
        ),
        RelType(
            "holds-post", ONCO.PostHolding,
            (Party("person", ONCO.holder, frozenset({"person"})), Party("post", ONCO.post, frozenset({"post"}))),
            edges=(Edge("person", ORG.holds, "post"),),
        ),
        RelType(
            "publishes", ONCO.ResourcePublication,
            (Party("publisher", ONCO.publisher, ORG_LIKE), Party("resource", ONCO.publishedResource, frozenset({"resource"}))),
            edges=(Edge("resource", SCHEMA.publisher, "publisher"),),
        ),
        RelType(
            "listing", ONCO.Listing,
            (Party("page", ONCO.listedIn, frozenset({"source"})), Party("item", ONCO.listedItem, LISTABLE)),
            edges=(Edge("item", ONCO.listedOn, "page"),),
            extra_fields=frozenset({"section"}),
        ),
        RelType(
            "campaign-participation", ONCO.CampaignParticipation,
            (Party("campaign", ONCO.campaign, frozenset({"campaign"})), Party("participant", ONCO.participant, LISTABLE)),
            concepts=(ConceptField("role", ONCO.role, "campaign-roles"),),
            edges=(Edge("participant", ONCO.participatesIn, "campaign"),),
        ),
    )
}

#: Event roles also get a role-specific direct edge, agent -> event.
EVENT_ROLE_EDGES: dict[str, URIRef] = {
    "organiser": ONCO.organises,
    "co-host": ONCO.coHosts,
    "co-organiser": ONCO.coOrganises,
    "producer": ONCO.produces,
    "collaborator": ONCO.collaboratesOn,
    "participant": ONCO.participatesIn,
}
