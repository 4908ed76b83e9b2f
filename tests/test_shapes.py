"""Every SHACL rule in ontology/shapes.ttl: the curated graph conforms to it, and a minimal edit makes it fire.

Each case names the rule (the shape IRI), the node it should fire on, and an edit of the curated graph. The meta-test
at the end fails if a rule in shapes.ttl has no case here.
"""

from __future__ import annotations

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS as DCT, PROV, SKOS, XSD

from oncograph import paths
from oncograph.namespaces import BASE, ID, ONCO, ORG, SCHEMA, SH
from oncograph.validate import validate

SHAPE = Namespace("https://w3id.org/oncograph/shapes#")
O, E, P, POST, R, RES, SRC = (ID[k] for k in ("org", "event", "person", "post", "rel", "resource", "source"))
KIND, DISEASE, SCOPE = (Namespace(f"{BASE}{s}/") for s in ("kinds", "diseases", "scopes"))

PLAN = R["esmo-who-collaboration-plan-2024-2026"]
PARTNERSHIP = R["esmo-who-partnership"]
STATUS = R["who-esmo-official-relations"]
RENEWAL = R["who-esmo-official-relations-renewal-2024"]
LISTING = R["listing/esmo-useful-links--international--iarc"]
CAMPAIGN = R["campaign-participation/rare-cancers-europe--esmo--partner"]
SUBORG = R["sub-organisation/who--iarc"]
MEMBERSHIP = R["membership/eco-member-societies--european-cancer-organisation--member-society"]
MERGER = R["merger/conticanet+eurobonet--eurosarc"]
ESTABLISHMENT = R["establishment/gethi--seom"]
EVENT_ROLE = R["event-role/esmo--advocacy-in-action-forums--co-host"]
POST_HOLDING = R["holds-post/andres-cervantes--esmo-president"]
PUBLICATION = R["publishes/asco--cancer-net"]


def drop(p):
    return lambda g, n: g.remove((n, p, None))


def put(p, value):
    """Replace every value of p on the node with one value."""
    def edit(g, n):
        g.remove((n, p, None))
        g.add((n, p, value))
    return edit


def add(p, value):
    return lambda g, n: g.add((n, p, value))


def drop_one(p, value):
    return lambda g, n: g.remove((n, p, value))


# rule, focus node, edit
CASES = [
    ("Organisation-prefLabel", O["esso"], drop(SKOS.prefLabel)),
    ("Organisation-prefLabel", O["esso"], add(SKOS.prefLabel, Literal("ESSO again"))),
    ("Organisation-kind", O["esso"], drop(ONCO.kind)),
    ("Organisation-source", O["esso"], drop(PROV.wasDerivedFrom)),
    ("Organisation-source", RES["orphanet"], put(PROV.wasDerivedFrom, O["esmo"])),
    ("Organisation-disease", O["esso"], put(ONCO.diseaseArea, SCOPE["europe"])),
    ("Organisation-scope", O["esso"], put(SCHEMA.areaServed, DISEASE["cancer"])),
    ("Person-prefLabel", P["lynn-faulds-wood"], drop(SKOS.prefLabel)),
    ("Person-source", P["lynn-faulds-wood"], drop(PROV.wasDerivedFrom)),
    ("Post-postIn", POST["esmo-president"], drop(ORG.postIn)),
    ("SourceDocument-title", SRC["rce-partners"], drop(DCT.title)),
    ("SourceDocument-publisher", SRC["rce-partners"], drop(DCT.publisher)),
    ("SourceDocument-url", SRC["rce-partners"], put(SCHEMA.url, Literal("https://www.rarecancerseurope.org/"))),
    ("SourceDocument-date", SRC["esmo-who-renewal-2024"], put(DCT.date, Literal("05 Feb 2024"))),
    ("Relationship-source", PARTNERSHIP, drop(PROV.wasDerivedFrom)),
    ("Relationship-source", LISTING, put(PROV.wasDerivedFrom, O["esmo"])),
    ("StartDate-datatype", PLAN, put(SCHEMA.startDate, Literal("2024"))),
    ("StartDate-status", PLAN, drop(ONCO.startDateStatus)),
    ("EndDate-datatype", PLAN, put(SCHEMA.endDate, Literal("2026"))),
    ("EndDate-status", PLAN, put(ONCO.endDateStatus, ONCO.Probable)),
    ("DerivedStart", PARTNERSHIP, drop(ONCO.startDateDerivation)),
    ("DerivedEnd", PLAN, put(ONCO.endDateStatus, ONCO.Derived)),
    ("Period-startType", PLAN, put(ONCO.periodStart, Literal("2024-01-01"))),
    ("Period-endType", PLAN, put(ONCO.periodEnd, Literal("2026-12-31", datatype=XSD.dateTime))),
    ("Period-order", PLAN, put(ONCO.periodEnd, Literal("2023-12-31", datatype=XSD.date))),
    ("Announced-datatype", RENEWAL, put(ONCO.announcedOn, Literal("5 February 2024"))),
    ("Listing-listedIn", LISTING, drop(ONCO.listedIn)),
    ("Listing-item", LISTING, put(ONCO.listedItem, P["bente-mikkelsen"])),
    ("Listing-section", LISTING, put(ONCO.inSection, SRC["rce-partners"])),
    ("CampaignParticipation-campaign", CAMPAIGN, put(ONCO.campaign, O["esmo"])),
    ("CampaignParticipation-participant", CAMPAIGN, drop(ONCO.participant)),
    ("SubOrganisation-parent", SUBORG, drop(ONCO.parentOrganisation)),
    ("SubOrganisation-child", SUBORG, add(ONCO.childOrganisation, O["esmo"])),
    ("SubOrganisation-notSelf", SUBORG, put(ONCO.childOrganisation, O["who"])),
    ("Membership-member", MEMBERSHIP, drop(ORG.member)),
    ("Membership-organization", MEMBERSHIP, put(ORG.organization, E["european-cancer-summit"])),
    ("Membership-notSelf", MEMBERSHIP, put(ORG.member, O["european-cancer-organisation"])),
    ("Merger-original", MERGER, drop_one(ORG.originalOrganization, O["conticanet"])),
    ("Merger-resulting", MERGER, drop(ORG.resultingOrganization)),
    ("Establishment-organisation", ESTABLISHMENT, drop(ORG.resultingOrganization)),
    ("Establishment-founder", ESTABLISHMENT, put(ONCO.establishedBy, KIND["charity"])),
    ("Partnership-partner", PARTNERSHIP, drop_one(ONCO.partner, O["who"])),
    ("Partnership-partner", PLAN, put(ONCO.partner, O["esmo"])),
    ("CollaborationPlan-focus", PLAN, drop(ONCO.focusArea)),
    ("CollaborationPlan-focus", PLAN, put(ONCO.focusArea, KIND["charity"])),
    ("OfficialStatus-holder", STATUS, put(ONCO.statusHolder, O["who"])),
    ("OfficialStatus-grantor", STATUS, drop(ONCO.grantedBy)),
    ("OfficialStatus-type", STATUS, drop(ONCO.statusType)),
    ("StatusRenewal-renews", RENEWAL, put(ONCO.renews, PARTNERSHIP)),
    ("EventRole-agent", EVENT_ROLE, drop(ONCO.agent)),
    ("EventRole-event", EVENT_ROLE, put(ONCO.event, O["esmo"])),
    ("EventRole-role", EVENT_ROLE, put(ONCO.role, KIND["charity"])),
    ("PostHolding-holder", POST_HOLDING, put(ONCO.holder, O["esmo"])),
    ("PostHolding-post", POST_HOLDING, drop(ONCO.post)),
    ("ResourcePublication-publisher", PUBLICATION, put(ONCO.publisher, RES["cancer-net"])),
    ("ResourcePublication-resource", PUBLICATION, put(ONCO.publishedResource, O["asco"])),
    ("DefinedParty-type", O["not-in-the-data"], lambda g, n: g.add((EVENT_ROLE, ONCO.involves, n))),
    ("DefinedParty-label", E["advocacy-in-action-forums"], drop(SKOS.prefLabel)),
    ("NoCycles", O["who"], add(ORG.subOrganizationOf, O["iarc"])),
    ("NoCycles", O["eco-member-societies"], lambda g, n: g.add((O["european-cancer-organisation"], ORG.memberOf, n))),
]


def fired(report, rule: str) -> set[URIRef]:
    """Focus nodes of the results of one rule."""
    return {URIRef(v.focus) for v in report.violations if v.shape == str(SHAPE[rule])}


@pytest.fixture(scope="module")
def curated_report(graph):
    return validate(graph)


def test_curated_graph_conforms(curated_report):
    assert curated_report.conforms, curated_report.text()


@pytest.mark.parametrize("rule,focus,edit", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_its_violation(rule, focus, edit, graph_copy, curated_report):
    # conforming case: the curated graph raises nothing under this rule
    assert not fired(curated_report, rule)
    if rule != "DefinedParty-type":
        assert (focus, None, None) in graph_copy, f"test fixture out of date: {focus} is not in the graph"
    edit(graph_copy, focus)
    report = validate(graph_copy)
    assert not report.conforms
    assert focus in fired(report, rule), report.text()
    # the report names the rule by its sh:name
    name = str(paths.load_shapes().value(SHAPE[rule], SH.name))
    assert f"[{name}]" in report.text()


def test_every_rule_has_a_case():
    shapes = paths.load_shapes()
    rules = {s for s in shapes.subjects(SH.message, None) if isinstance(s, URIRef) and str(s).startswith(str(SHAPE))}
    covered = {SHAPE[c[0]] for c in CASES}
    assert rules, "no named rules found in shapes.ttl"
    assert rules - covered == set(), f"rules with no violating test case: {sorted(rules - covered)}"


def test_report_names_entity_rule_and_data_file(built):
    g = built.graph()
    g.remove((O["esso"], ONCO.kind, None))
    text = validate(g, origins=built.origins).text()
    assert "European Society of Surgical Oncology <https://w3id.org/oncograph/id/org/esso>" in text
    assert "[at least one kind]" in text
    assert "data/organisations.yaml:" in text


def test_plain_string_dates_are_type_errors_not_compared_as_strings(graph_copy):
    """A plain-string end date is reported as a typing violation, never silently compared with the start."""
    graph_copy.remove((PLAN, SCHEMA.endDate, None))
    graph_copy.add((PLAN, SCHEMA.endDate, Literal("2026")))
    report = validate(graph_copy)
    assert PLAN in fired(report, "EndDate-datatype")
    assert PLAN not in fired(report, "Period-order")
