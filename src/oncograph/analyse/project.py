"""Projection: the RDF graph as a networkx ``MultiGraph`` of organisations and the relationships between them.

Why a MultiGraph: two organisations can be linked by several relationships at once (ESMO and WHO are partners, have
a collaboration plan and a status between them), and each keeps its own type, period and sources. Why undirected:
the questions asked of it (hubs, brokers, communities, paths) are about connection, not direction; the direction a
relationship reads in is kept on each edge as ``subject`` and ``object`` ("IARC is part of WHO": subject IARC,
object WHO).

Nodes are keyed by the IRI without ``https://w3id.org/oncograph/id/`` (``org/esmo``); edges by the relationship
IRI shortened the same way (``rel/esmo-who-partnership``, with ``#`` and the pair added where one relationship gives
several edges). Attribute values are str, bool, float or tuples of str; ``export`` joins the tuples.

Node attributes: ``iri``, ``label``, ``acronym``, ``short_label`` (acronym, else label), ``alt_names``,
``entity_class`` (organisation, unit, collective, campaign, resource, person, post, event, event series), ``kind``
and ``kind_id`` (the one top-level kind shown, see KIND_PRIORITY), ``kinds`` and ``kind_ids`` (as curated),
``all_kind_ids`` (with every broader kind), ``disease_areas``, ``disciplines``, ``scopes``, ``member_count``,
``founded`` and ``founded_sources``, ``sources``, ``merged_from``. Edge attributes: see EDGE_ATTRIBUTES.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx
from rdflib import Dataset
from rdflib.namespace import FOAF, PROV, RDFS, SKOS

from ..errors import InputError
from ..gcpause import collector_paused
from ..model import REL_TYPES
from ..namespaces import BASE, DCT, ONCO, ORG, SCHEMA
from .rdfread import Triples

__all__ = ["project", "Undated", "EmptyProjection", "node_key", "relationship_type_names", "LIST_SEPARATOR"]

#: How lists are joined into one string on export (titles contain ";" and ",", so neither will do).
LIST_SEPARATOR = " | "

#: Edge weight in weighted measures (PageRank, Louvain): a co-listing is a weak tie.
STRONG_WEIGHT = 1.0
WEAK_WEIGHT = 0.5


class Undated(str, enum.Enum):
    """What ``as_of`` does with relationships that carry no date at all."""

    KEEP = "keep"  # assume they held on the date (most curated relationships are undated)
    DROP = "drop"  # keep only relationships whose dates show they held on the date


class EmptyProjection(InputError):
    """A filter left no relationships; the message names the filter."""


def _s(term) -> str:
    return str(term)


# Terms as plain strings (see rdfread: str compares in C, rdflib terms in Python).
class _T:
    type_ = _s(ONCO.Relationship)
    pref, label, alt, acronym = _s(SKOS.prefLabel), _s(RDFS.label), _s(SKOS.altLabel), _s(ONCO.acronym)
    kind, disease, discipline, scope = _s(ONCO.kind), _s(ONCO.diseaseArea), _s(ONCO.discipline), _s(SCHEMA.areaServed)
    member_count, founding, derived_from = _s(ONCO.memberCount), _s(SCHEMA.foundingDate), _s(PROV.wasDerivedFrom)
    post_in, super_event, broader = _s(ORG.postIn), _s(SCHEMA.superEvent), _s(SKOS.broader)
    title, note, name, announced = _s(DCT.title), _s(SKOS.note), _s(SCHEMA.name), _s(ONCO.announcedOn)
    renews, in_section = _s(ONCO.renews), _s(ONCO.inSection)
    listed_item, listed_in = _s(ONCO.listedItem), _s(ONCO.listedIn)
    start, end = _s(SCHEMA.startDate), _s(SCHEMA.endDate)
    start_status, end_status = _s(ONCO.startDateStatus), _s(ONCO.endDateStatus)
    start_how, end_how = _s(ONCO.startDateDerivation), _s(ONCO.endDateDerivation)
    period_start, period_end, involves = _s(ONCO.periodStart), _s(ONCO.periodEnd), _s(ONCO.involves)
    org_role, onco_role, focus, status_type = _s(ORG.role), _s(ONCO.role), _s(ONCO.focusArea), _s(ONCO.statusType)
    holder, grantor, agent, event = _s(ONCO.statusHolder), _s(ONCO.grantedBy), _s(ONCO.agent), _s(ONCO.event)
    derived = _s(ONCO.Derived)
    concept, source_doc = _s(SKOS.Concept), _s(ONCO.SourceDocument)


@dataclass(frozen=True)
class _EdgeSpec:
    """How a relationship class becomes edges: subject property, object property, whether it reads both ways."""

    subject: str
    object: str
    symmetric: bool = False


_SPECS: dict[str, _EdgeSpec] = {
    _s(ONCO.SubOrganisation): _EdgeSpec(_s(ONCO.childOrganisation), _s(ONCO.parentOrganisation)),
    _s(ORG.Membership): _EdgeSpec(_s(ORG.member), _s(ORG.organization)),
    _s(ONCO.Merger): _EdgeSpec(_s(ORG.originalOrganization), _s(ORG.resultingOrganization)),
    _s(ONCO.Establishment): _EdgeSpec(_s(ONCO.establishedBy), _s(ORG.resultingOrganization)),
    _s(ONCO.Partnership): _EdgeSpec(_s(ONCO.partner), _s(ONCO.partner), symmetric=True),
    _s(ONCO.CollaborationPlan): _EdgeSpec(_s(ONCO.partner), _s(ONCO.partner), symmetric=True),
    _s(ONCO.OfficialStatus): _EdgeSpec(_T.holder, _T.grantor),
    _s(ONCO.PostHolding): _EdgeSpec(_s(ONCO.holder), _s(ONCO.post)),
    _s(ONCO.ResourcePublication): _EdgeSpec(_s(ONCO.publisher), _s(ONCO.publishedResource)),
    _s(ONCO.CampaignParticipation): _EdgeSpec(_s(ONCO.participant), _s(ONCO.campaign)),
}
_LISTING, _RENEWAL, _EVENT_ROLE = _s(ONCO.Listing), _s(ONCO.StatusRenewal), _s(ONCO.EventRole)
_MERGER, _ESTABLISHMENT = _s(ONCO.Merger), _s(ONCO.Establishment)

#: Entity classes, most specific first: the first one an entity has names its ``entity_class``.
_ENTITY_CLASSES: tuple[tuple[str, str], ...] = (
    (_s(ONCO.Campaign), "campaign"),
    (_s(ONCO.OrganisationGroup), "collective"),
    (_s(ORG.OrganizationalUnit), "unit"),
    (_s(ORG.Organization), "organisation"),
    (_s(ONCO.InformationResource), "resource"),
    (_s(FOAF.Person), "person"),
    (_s(ORG.Post), "post"),
    (_s(SCHEMA.EventSeries), "event series"),
    (_s(SCHEMA.Event), "event"),
)
_ALWAYS = {"organisation", "unit", "collective", "resource"}
_PEOPLE = {"person", "post"}
_EVENTS = {"event", "event series"}

#: Top-level kinds in the order that picks an organisation's one ``kind`` (for colours and summaries) when it has
#: several: SPAEN is a patient advocacy group and an umbrella organisation, and is shown as a patient organisation.
KIND_PRIORITY = (
    "patient-organisation", "professional-society", "company", "intergovernmental-organisation",
    "research-organisation", "education-provider", "charity", "umbrella-organisation", "campaign",
    "information-resource", "organisational-unit", "member-collective", "unspecified",
)


#: Every edge carries every one of these attributes (the value here when it has none), so that each export reader
#: sees the same columns.
EDGE_ATTRIBUTES: dict = {
    "relationship_type": "",  # local name of the relationship class: Partnership, SubOrganisation, ...
    "type_label": "",  # its rdfs:label: "partnership"
    "relationships": (),  # IRIs of the relationship node(s) the edge stands for
    "tie": "direct",  # direct | shared-event | co-listed | structural
    "via": "",  # the shared event or list section (IRI), for derived ties
    "via_label": "",
    "subject": "",  # the node the relationship reads from ("IARC" in "IARC is part of WHO")
    "object": "",
    "role": "",  # event, membership or campaign role(s)
    "name": "",  # a collaboration plan's name
    "status": "",  # an official status's type
    "focus_areas": (),
    "note": "",
    "announced": "",  # onco:announcedOn (a renewal)
    "start_date": "",  # schema:startDate as written: 2013, 2023-10, 2024-02-05
    "end_date": "",
    "period_start": "",  # onco:periodStart: first day the start can mean (ISO date)
    "period_end": "",  # onco:periodEnd: last day the end can mean
    "date_derived": False,  # a date worked out from a source rather than stated by it
    "date_derivation": "",  # how it was worked out
    "dated_by": "",  # relationship | event (an event role dated by its event) | "" (undated)
    "redirected_from": "",  # with follow_mergers: the merged organisation(s) the edge first touched
    "weak": False,
    "weight": STRONG_WEIGHT,
    "sources": (),  # source document IRIs
    "source_titles": (),  # their titles, in the same order
}


def node_key(iri: str) -> str:
    """The short key of an entity or relationship: its IRI without the oncograph base.

    >>> node_key("https://w3id.org/oncograph/id/org/esmo")
    'org/esmo'
    """
    iri = str(iri)
    return iri[len(BASE):] if iri.startswith(BASE) else iri


def _local(iri: str) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@lru_cache(maxsize=1)
def _ontology() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """Relationship classes: their superclasses among relationship classes, and their labels."""
    from .. import paths

    onto = paths.load_ontology()
    classes = {t.rdf_class for t in REL_TYPES.values()}
    supers, labels = {}, {}
    for c in classes:
        seen, todo = set(), [c]
        while todo:
            for s in onto.objects(todo.pop(), RDFS.subClassOf):
                if s not in seen:
                    seen.add(s)
                    todo.append(s)
        supers[str(c)] = frozenset(str(s) for s in seen & classes)
        labels[str(c)] = str(onto.value(c, RDFS.label) or _local(c))
    return supers, labels


def relationship_type_names() -> dict[str, str]:
    """Every name ``relationship_types`` accepts (lower-cased), mapped to its class IRI.

    Class local names (``Partnership``), prefixed names (``onco:Partnership``) and the type names of
    ``data/relationships.yaml`` (``partnership``, ``event-role``) all work.

    >>> relationship_type_names()["event-role"] == relationship_type_names()["onco:eventrole"]
    True
    """
    names: dict[str, str] = {}
    for yaml_name, rt in REL_TYPES.items():
        local = _local(rt.rdf_class)
        prefix = "org" if str(rt.rdf_class).startswith(str(ORG)) else "onco"
        for name in (yaml_name, local, f"{prefix}:{local}"):
            names[name.lower()] = str(rt.rdf_class)
    return names


def _resolve_types(relationship_types: Iterable[str] | None) -> set[str] | None:
    if relationship_types is None:
        return None
    known = relationship_type_names()
    chosen = set()
    for name in relationship_types:
        cls = known.get(str(name).strip().lower())
        if cls is None:
            choices = ", ".join(sorted({_local(c) for c in known.values()}))
            raise InputError(f"relationship type {name!r} is not known; use one of {choices}"
                             " (or the type names of data/relationships.yaml)")
        chosen.add(cls)
    return chosen


# -- the projection ---------------------------------------------------------------------------------------------
@dataclass
class _Stage:
    """An edge count after a filter, so that an empty result can name the filter that emptied it."""

    name: str
    advice: str
    edges: int


@dataclass
class _Edge:
    u: str  # IRIs
    v: str
    key: str
    attrs: dict = field(default_factory=dict)


@collector_paused
def project(
    graph,
    *,
    relationship_types: Iterable[str] | None = None,
    include_people: bool = False,
    include_events: bool = False,
    include_campaigns: bool = True,
    listing_ties: bool = False,
    follow_mergers: bool = False,
    as_of: dt.date | str | None = None,
    undated: Undated | str = Undated.KEEP,
) -> nx.MultiGraph:
    """Project the RDF graph (rdflib Graph or Dataset, or pyoxigraph Store) onto a ``networkx.MultiGraph``.

    Nodes: organisations, units, collectives and information resources always; the campaign (Rare Cancers Europe)
    unless ``include_campaigns=False``; people and posts with ``include_people``; events with ``include_events``.
    Every entity of an included class is a node, even with no edge (``components`` lists those).

    Edges, with attribute ``tie`` saying how they arise:

    * ``direct``: one per relationship node and pair of parties (a merger of two organisations into one gives
      two edges; a partnership of three gives three). A status renewal links the holder and the grantor.
    * ``shared-event``: without ``include_events``, the agents of event roles on the same event are linked to one
      another, one edge per pair and event, carrying both roles and all the event-role relationships.
    * ``co-listed`` (``listing_ties``): organisations listed in the same *section* of the same page, one weak
      edge (``weak=True``, weight 0.5) per pair and section. A listing on its own relates an organisation to a
      document, not to another organisation, so it gives no edge otherwise.
    * ``structural``: a post and its organisation (``include_people``), an event and the event it is part of
      (``include_events``); they come from the entity descriptions, not from relationship nodes.

    An event role with no date of its own takes its event's dates (``dated_by="event"``).

    ``relationship_types``: names of relationship classes to keep (subclasses too: ``Partnership`` keeps the
    collaboration plan). ``follow_mergers``: merged organisations disappear and their edges move to the organisation
    they merged into (the merger edges would become loops, and go). ``as_of``: keep what held on that date: a
    relationship holds on D unless it started after D or ended before D (a renewal holds from its announcement);
    organisations founded after D are left out. Relationships with no date at all are kept (``undated="keep"``, the
    default, since most sources give no dates) or dropped (``undated="drop"``).

    Raises EmptyProjection, naming the filter, when no relationship is left.

    >>> from oncograph.build import build
    >>> G = project(build().graph())
    >>> G.nodes["org/esmo"]["short_label"], G.nodes["org/esmo"]["kind"]
    ('ESMO', 'professional society')
    """
    if isinstance(graph, Dataset):
        from ..build import union_graph

        graph = union_graph(graph)
    undated = Undated(undated)
    as_of = _as_date(as_of)
    wanted = _resolve_types(relationship_types)
    supers, type_labels = _ontology()
    classes = [c for c, _ in _ENTITY_CLASSES] + [_T.type_, _T.concept, _T.source_doc] + sorted(supers)
    t = Triples(graph, classes)

    concepts = _concepts(t)
    nodes = _entities(t, concepts)
    titles = {s: t.one(s, _T.title) or node_key(s) for s in t.of_type(_T.source_doc)}
    ctx = _Context(t, concepts, titles, type_labels)

    if not t.of_type(_T.type_):
        raise EmptyProjection("the graph has no relationship nodes (onco:Relationship); is it an oncograph graph?")
    typed = _typed(t, supers, wanted)
    _founding_sources(ctx, nodes)
    stages: list[_Stage] = []
    if wanted is not None:
        stages.append(_Stage(f"relationship types {', '.join(sorted(relationship_types))} (--types)",
                             "choose other relationship types", len(typed)))

    included = set(_ALWAYS)
    included |= {"campaign"} if include_campaigns else set()
    included |= _PEOPLE if include_people else set()
    included |= _EVENTS if include_events else set()
    keep = {iri for iri, attrs in nodes.items() if attrs["entity_class"] in included}

    edges = _edges(ctx, typed, keep, listing_ties, include_events)
    edges += _structural(ctx, keep, include_people, include_events)
    left_out = [name for name, on in (("people", include_people), ("events", include_events),
                                      ("campaigns", include_campaigns), ("listing ties", listing_ties)) if not on]
    stages.append(_Stage(f"leaving out {', '.join(left_out) or 'nothing'}",
                         "include more (--people, --events, --campaigns, --listing-ties)", len(edges)))

    if as_of is not None:
        keep -= {iri for iri in keep if nodes[iri]["founded"] and _first_day(nodes[iri]["founded"]) > as_of}
        edges = [e for e in edges if e.u in keep and e.v in keep and _holds(e.attrs, as_of, undated)]
        undated_text = "kept" if undated is Undated.KEEP else "dropped"
        stages.append(_Stage(f"as of {as_of.isoformat()} with undated relationships {undated_text} (--as-of, "
                             f"--undated {undated.value})",
                             "choose another date" + ("" if undated is Undated.KEEP else ", or keep undated "
                                                      "relationships (--undated keep)"), len(edges)))

    merged_from: dict[str, list[str]] = defaultdict(list)
    if follow_mergers:
        edges, successor = _follow_mergers(edges)
        for old, new in successor.items():
            merged_from[new].append(old)
        keep -= set(successor)
        stages.append(_Stage("following mergers (--follow-mergers)", "do not follow mergers", len(edges)))

    for stage in stages:
        if stage.edges == 0:
            raise EmptyProjection(f"no relationships left after the filter {stage.name}; {stage.advice}")

    G = nx.MultiGraph(as_of=as_of.isoformat() if as_of else "", undated=undated.value, listing_ties=listing_ties,
                      follow_mergers=follow_mergers)
    short = {iri: ctx.key(iri) for iri in keep}  # node_key once per node (the edges' attributes worked most out)
    G.add_nodes_from((short[iri], dict(nodes[iri], merged_from=tuple(sorted(node_key(o) for o in merged_from[iri]))))
                     for iri in sorted(keep, key=short.__getitem__))
    # Edge keys are unique in the whole graph (GraphML and GEXF need unique edge ids): a relationship that gives
    # several edges (a merger of two, a partnership of three, a shared event) adds the pair to its key.
    repeated = Counter(e.key for e in edges)
    for e in edges:  # normally already there; after follow_mergers an edge can end on a node outside keep
        for x in (e.u, e.v):
            if x not in short:
                short[x] = ctx.key(x)
    rows = sorted((e.key, short[e.u], short[e.v], i, e.attrs) for i, e in enumerate(edges))  # i: ties keep order
    adj = G.adj
    for key, u, v, _, attrs in rows:
        if repeated[key] != 1:
            key = f"{key}#{u}--{v}"
        while key in adj[u].get(v, ()):  # one relationship landing twice on a pair (mergers)
            key += "+"
        G.add_edge(u, v, key, **attrs)
    return G


def _as_date(value) -> dt.date | None:
    """``as_of`` as a date: a ``datetime.date``, a datetime (its day) or an ISO string ("2020-01-01")."""
    if value is None or type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"as_of {value!r} is not a date; give a datetime.date or an ISO date such as '2020-01-01'")


def _typed(t: Triples, supers: dict[str, frozenset[str]], wanted: set[str] | None) -> list[tuple[str, str]]:
    """(relationship node, its most specific class) for the relationships of the wanted classes (or subclasses)."""
    out = []
    for r in t.of_type(_T.type_):
        own = {c for c in t.types[r] if c in supers} or {_T.type_}
        specific = min(c for c in own if not any(c in supers.get(o, ()) for o in own))
        if wanted is None or own & wanted:
            out.append((r, specific))
    return out


def _founding_sources(ctx: _Context, nodes: dict[str, dict]) -> None:
    """The sources of each founding date (from the Establishment nodes), for ``changes``."""
    t = ctx.t
    for r in t.of_type(_ESTABLISHMENT):
        for org in t.get(r, _SPECS[_ESTABLISHMENT].object):
            if org in nodes:
                srcs = sorted(t.get(r, _T.derived_from))
                nodes[org]["founded_sources"] = tuple(ctx.titles.get(x, node_key(x)) for x in srcs)


def _first_day(text: str) -> dt.date:
    from ..dates import first_day

    return first_day(text)


@dataclass
class _Context:
    t: Triples
    concepts: dict[str, dict]
    titles: dict[str, str]
    type_labels: dict[str, str]
    labels: _Labels = field(init=False)
    rel: _Rel = field(init=False)

    def __post_init__(self):
        self.labels = _Labels(self.concepts)
        self.rel = _Rel(self.t)
        self._keys: dict[str, str] = {}
        self._locals: dict[str, str] = {}

    def key(self, iri: str) -> str:
        """node_key, worked out once per entity (an entity is on many edges)."""
        got = self._keys.get(iri)
        if got is None:
            got = self._keys[iri] = node_key(iri)
        return got

    def local(self, cls: str) -> str:
        got = self._locals.get(cls)
        if got is None:
            got = self._locals[cls] = _local(cls)
        return got


def _concepts(t: Triples) -> dict[str, dict]:
    """Concept -> label, id, its top concept and its lineage (itself and every broader concept)."""
    table = {}
    for c in t.of_type(_T.concept):
        top, seen = c, [c]
        while (broader := t.one(top, _T.broader)) and broader not in seen:
            seen.append(broader)
            top = broader
        table[c] = {"label": t.one(c, _T.pref) or _local(c), "id": _local(c), "top": _local(top),
                    "lineage": tuple(_local(x) for x in seen)}
    return table


def _entities(t: Triples, concepts: dict) -> dict[str, dict]:
    """Every entity that can be a node, with its attributes."""
    classed: dict[str, str] = {}
    for cls, name in reversed(_ENTITY_CLASSES):  # most specific last, so it wins
        for s in t.of_type(cls):
            classed[s] = name
    top_labels = {c["id"]: c["label"] for c in concepts.values()}
    order = {k: i for i, k in enumerate(KIND_PRIORITY)}
    labels = _Labels(concepts)
    # Whole tables fetched once: the loop below runs once per entity (28k in a 1M-triple landscape).
    pref, founding, member_count = t.ones(_T.pref), t.ones(_T.founding), t.ones(_T.member_count)
    acronym, alt, kind = t.table(_T.acronym), t.table(_T.alt), t.table(_T.kind)
    disease, discipline, scope = t.table(_T.disease), t.table(_T.discipline), t.table(_T.scope)
    derived_from = t.table(_T.derived_from)
    nothing: list[str] = []

    by_kinds: dict[tuple, tuple] = {}  # the kind attributes of each combination of kinds (a few dozen in all)

    def kind_attrs(kinds: list[str]) -> tuple:
        kind_concepts = [c for c in kinds if c in concepts]
        tops = sorted({concepts[c]["top"] for c in kind_concepts})
        primary = min(tops, key=lambda k: (order.get(k, len(order)), k)) if tops else ""
        return (primary, top_labels.get(primary, primary), labels(kinds),
                tuple(sorted({concepts[c]["id"] for c in kind_concepts})),
                tuple(sorted({a for c in kind_concepts for a in concepts[c]["lineage"]})))

    out = {}
    for s, entity_class in classed.items():
        label = pref.get(s) or node_key(s)
        acr = acronym.get(s)
        acronyms = sorted(set(acr)) if acr else nothing
        kinds = kind.get(s, nothing)
        combo = tuple(kinds)
        found = by_kinds.get(combo)
        if found is None:
            found = by_kinds[combo] = kind_attrs(kinds)
        primary, primary_label, kind_labels, kind_ids, lineage = found
        alts = alt.get(s)
        out[s] = {
            "iri": s,
            "label": label,
            "acronym": acronyms[0] if acronyms else "",
            "short_label": acronyms[0] if acronyms else label,
            "alt_names": tuple(sorted(set(alts) - {label, *acronyms})) if alts else (),
            "entity_class": entity_class,
            "kind": primary_label or entity_class,
            "kind_id": primary or entity_class.replace(" ", "-"),
            "kinds": kind_labels,
            "kind_ids": kind_ids,
            "all_kind_ids": lineage,
            "disease_areas": labels(disease.get(s, nothing)),
            "disciplines": labels(discipline.get(s, nothing)),
            "scopes": labels(scope.get(s, nothing)),
            "member_count": member_count.get(s, ""),
            "founded": founding.get(s, ""),
            "founded_sources": (),
            "sources": tuple(sorted(set(derived_from.get(s, nothing)))),
        }
    return out


class _Labels:
    """Concept IRIs -> their sorted, distinct labels (the local name where a concept is not described)."""

    def __init__(self, concepts: dict[str, dict]):
        self.of = {c: d["label"] for c, d in concepts.items()}

    def __call__(self, values: Iterable[str]) -> tuple[str, ...]:
        of = self.of
        if isinstance(values, list) and len(values) < 2:  # most entities have none or one of each
            return (of[values[0]] if values[0] in of else _local(values[0]),) if values else ()
        return tuple(sorted({of[c] if c in of else _local(c) for c in values}))


class _Rel:
    """The relationship-node tables the edge attributes read, fetched once (an edge reads about twenty)."""

    def __init__(self, t: Triples):
        self.derived_from, self.status_type, self.focus = (t.table(p) for p in (_T.derived_from, _T.status_type,
                                                                                  _T.focus))
        self.org_role, self.onco_role = t.table(_T.org_role), t.table(_T.onco_role)
        self.start_status, self.end_status = t.table(_T.start_status), t.table(_T.end_status)
        self.name, self.note, self.announced = t.ones(_T.name), t.ones(_T.note), t.ones(_T.announced)
        self.start, self.end = t.ones(_T.start), t.ones(_T.end)
        self.period_start, self.period_end = t.ones(_T.period_start), t.ones(_T.period_end)
        self.start_how, self.end_how = t.ones(_T.start_how), t.ones(_T.end_how)

    def dated(self, r: str) -> bool:
        return r in self.period_start or r in self.period_end

    def period(self, r: str) -> dict:
        how = " ".join(x for x in (self.start_how.get(r, ""), self.end_how.get(r, "")) if x)
        return {
            "start_date": self.start.get(r, ""),
            "end_date": self.end.get(r, ""),
            "period_start": self.period_start.get(r, ""),
            "period_end": self.period_end.get(r, ""),
            "date_derived": _T.derived in self.start_status.get(r, ()) or _T.derived in self.end_status.get(r, ()),
            "date_derivation": how,
        }


def _attrs(ctx: _Context, rels: list[str], cls: str, subj: str, obj: str, **extra) -> dict:
    """The attributes of one edge, from the relationship node(s) it stands for."""
    rt, labels, nothing = ctx.rel, ctx.labels, ()
    r0 = rels[0]
    if len(rels) == 1:  # nearly every edge: no merging of values across relationship nodes
        srcs = sorted(set(rt.derived_from.get(r0, nothing)))
        roles = rt.org_role.get(r0, []) + rt.onco_role.get(r0, [])
        statuses = rt.status_type.get(r0, nothing)
        focus = rt.focus.get(r0, nothing)
        note = rt.note.get(r0, "")
    else:
        srcs = sorted({s for r in rels for s in rt.derived_from.get(r, nothing)})
        roles = [c for r in rels for table in (rt.org_role, rt.onco_role) for c in table.get(r, nothing)]
        statuses = [c for r in rels for c in rt.status_type.get(r, nothing)]
        focus = [c for r in rels for c in rt.focus.get(r, nothing)]
        note = " ".join(sorted({rt.note.get(r, "") for r in rels} - {""}))
    titles = ctx.titles
    period_start, period_end = rt.period_start.get(r0, ""), rt.period_end.get(r0, "")
    start_how, end_how = rt.start_how.get(r0, ""), rt.end_how.get(r0, "")
    attrs = {
        **EDGE_ATTRIBUTES,
        "relationship_type": ctx.local(cls),
        "type_label": ctx.type_labels.get(cls) or ctx.local(cls),
        "relationships": tuple(sorted(rels)) if len(rels) > 1 else (r0,),
        "subject": ctx.key(subj),
        "object": ctx.key(obj),
        "role": LIST_SEPARATOR.join(labels(roles)) if roles else "",
        "name": rt.name.get(r0, ""),
        "status": LIST_SEPARATOR.join(labels(statuses)) if statuses else "",
        "focus_areas": labels(focus) if focus else (),
        "note": note,
        "announced": rt.announced.get(r0, ""),
        # rt.period(r0), written out: a dictionary less per edge
        "start_date": rt.start.get(r0, ""),
        "end_date": rt.end.get(r0, ""),
        "period_start": period_start,
        "period_end": period_end,
        "date_derived": _T.derived in rt.start_status.get(r0, nothing) or _T.derived in rt.end_status.get(r0, nothing),
        "date_derivation": f"{start_how} {end_how}" if start_how and end_how else start_how or end_how,
        "dated_by": "relationship" if r0 in rt.period_start or r0 in rt.period_end else "",
        "sources": tuple(srcs),
        "source_titles": tuple(titles.get(s) or node_key(s) for s in srcs),
    }
    if extra:
        attrs.update(extra)
    return attrs


def _edges(ctx: _Context, typed: list[tuple[str, str]], keep: set, listing_ties: bool,
           include_events: bool) -> list[_Edge]:
    """Edges from the relationship nodes: one pass over them, dispatching on the class."""
    t = ctx.t
    out: list[_Edge] = []
    event_roles: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # event -> agent -> roles
    listed: dict[str, dict[str, str]] = defaultdict(dict)  # section -> item -> listing node
    parties: dict[str, tuple] = {}  # relationship class -> (its subject table, its object table)

    def add(rels: list[str], cls: str, subj: str, obj: str, key: str | None = None, **extra):
        if subj != obj and subj in keep and obj in keep:
            out.append(_Edge(subj, obj, key or node_key(rels[0]), _attrs(ctx, rels, cls, subj, obj, **extra)))

    for r, cls in typed:
        if cls == _LISTING:
            if not listing_ties:  # a listing alone gives no edge: its two tables need not be read
                continue
            for section in t.get(r, _T.in_section) or t.get(r, _T.listed_in):
                for item in t.get(r, _T.listed_item):
                    listed[section][item] = r
        elif cls == _RENEWAL:
            for status in t.get(r, _T.renews):
                for holder, grantor in itertools.product(t.get(status, _T.holder), t.get(status, _T.grantor)):
                    add([r], cls, holder, grantor,
                        status=LIST_SEPARATOR.join(ctx.labels(t.get(status, _T.status_type))))
        elif cls == _EVENT_ROLE:
            for agent, event in itertools.product(t.get(r, _T.agent), t.get(r, _T.event)):
                event_roles[event][agent].append(r)
                if include_events:
                    add([r], cls, agent, event, **_event_dates(ctx.rel, [r], event))
        elif cls in _SPECS:
            spec = _SPECS[cls]
            got = parties.get(cls)
            if got is None:  # the two tables of the class, fetched once (no lookup call per relationship)
                got = parties[cls] = (t.table(spec.subject), None if spec.symmetric else t.table(spec.object))
            subjects = sorted(set(got[0].get(r, ())))
            pairs = (itertools.combinations(subjects, 2) if spec.symmetric
                     else itertools.product(subjects, sorted(set(got[1].get(r, ())))))
            for a, b in pairs:
                add([r], cls, a, b)
        else:  # a relationship class this module does not know yet: link its parties pairwise
            for a, b in itertools.combinations(sorted(set(t.get(r, _T.involves))), 2):
                add([r], cls, a, b)

    if not include_events:
        for event in sorted(event_roles):
            by_agent = event_roles[event]
            for a, b in itertools.combinations(sorted(by_agent), 2):
                rels = sorted(by_agent[a] + by_agent[b])
                roles = [", ".join(ctx.labels(c for r in by_agent[x] for c in t.get(r, _T.onco_role))) for x in (a, b)]
                add(rels, _EVENT_ROLE, a, b, key=f"shared-event/{node_key(event)}", tie="shared-event", via=event,
                    via_label=t.one(event, _T.pref) or node_key(event),
                    role=LIST_SEPARATOR.join(roles), **_event_dates(ctx.rel, rels, event))
    if listing_ties:
        for section in sorted(listed):
            items = listed[section]
            for a, b in itertools.combinations(sorted(items), 2):
                add([items[a], items[b]], _LISTING, a, b, key=f"co-listed/{node_key(section)}", tie="co-listed",
                    via=section, via_label=t.one(section, _T.pref) or t.one(section, _T.label) or node_key(section),
                    weak=True, weight=WEAK_WEIGHT)
    return out


def _event_dates(rt: _Rel, rels: list[str], event: str) -> dict:
    """The roles' own dates, or else the event's: a ceremony in October 2023 dates the parts played in it."""
    own = [r for r in rels if rt.dated(r)]
    if own:
        return {**rt.period(own[0]), "dated_by": "relationship"}
    if rt.dated(event):
        return {**rt.period(event), "dated_by": "event"}
    return {}


def _structural(ctx: _Context, keep: set, include_people: bool, include_events: bool) -> list[_Edge]:
    """Edges from entity descriptions, not relationship nodes: a post in its organisation, an event in its series."""
    t = ctx.t
    pairs = []
    if include_people:
        pairs += [(s, o, "PostIn", "post in organisation") for s in keep for o in t.get(s, _T.post_in)]
    if include_events:
        pairs += [(s, o, "PartOfEvent", "part of event") for s in keep for o in t.get(s, _T.super_event)]
    out = []
    for s, o, type_, label in sorted(pairs):
        if o not in keep:
            continue
        srcs = sorted(set(t.get(s, _T.derived_from)))
        attrs = dict(EDGE_ATTRIBUTES, relationship_type=type_, type_label=label, tie="structural",
                     subject=node_key(s), object=node_key(o), sources=tuple(srcs),
                     source_titles=tuple(ctx.titles.get(x, node_key(x)) for x in srcs))
        out.append(_Edge(s, o, f"{type_.lower()}/{node_key(s)}", attrs))
    return out


def _holds(attrs: dict, on: dt.date, undated: Undated) -> bool:
    start = attrs["period_start"] or attrs["announced"]
    end = attrs["period_end"]
    if not start and not end:
        return undated is Undated.KEEP
    day = on.isoformat()
    return (not start or start[:10] <= day) and (not end or day <= end[:10])


def _follow_mergers(edges: list[_Edge]) -> tuple[list[_Edge], dict[str, str]]:
    """Redirect edges of merged organisations to their successor; drop the merger edges (they would be loops)."""
    into: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        if e.attrs["relationship_type"] == _local(_MERGER):
            into[e.u].add(e.v)
    successor = {}
    for old, new in into.items():
        if len(new) != 1:
            continue  # split into several organisations: no single successor to follow
        target, seen = next(iter(new)), {old}
        while len(into.get(target, ())) == 1 and target not in seen:  # a chain of mergers
            seen.add(target)
            target = next(iter(into[target]))
        successor[old] = target
    out = []
    for e in edges:
        u, v = successor.get(e.u, e.u), successor.get(e.v, e.v)
        if u == v:
            continue
        if (u, v) != (e.u, e.v):
            moved = LIST_SEPARATOR.join(node_key(x) for x in (e.u, e.v) if x in successor)
            e = _Edge(u, v, e.key, dict(e.attrs, subject=node_key(u), object=node_key(v), redirected_from=moved))
        out.append(e)
    return out, successor
