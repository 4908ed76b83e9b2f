"""The projection onto networkx: counts worked out from data/*.yaml, known edges with their sources, options.

Expected counts are reasoned from the data files, not pasted from output:

* nodes (default): organisations.yaml has 75 entries: 64 organisation-like (55 plain organisations, 6 units:
  who-uhc-division, who-ncd-department, the two ESMO working groups, the ECCO Patient Advisory Committee and its
  Focused Topic Networks; 2 collectives; 1 campaign) and 11 information resources. People (3), posts (2) and
  events (6, with the strategy left out) come in only on request.
* edges (default), from relationships.yaml and listings.yaml:
  CampaignParticipation 30 (the 30 items of the rce-partners listing); SubOrganisation 8 (8 entries);
  Merger 4 (two mergers, each of two organisations into one: one edge per original); Establishment 2 (GETHI by
  SEOM, Focused Topic Networks by ECCO; SPAEN, GLCC and WALCE have no founder, Lynn's founder is a person);
  Membership 2; Partnership 1; CollaborationPlan 1; OfficialStatus 1; StatusRenewal 1 (holder to grantor);
  ResourcePublication 4; EventRole 7 shared-event ties (Advocacy in Action Forums: ESMO, the ESMO Cancer Patient
  WG, Vital Options and the ECCO Patient Advisory Committee, C(4,2) = 6; signature ceremony: ESMO and WHO, 1;
  the Patient Advocacy Track and the European Cancer Summit have one organisation each, 0). Listings: none.
  Total 61.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from rdflib import URIRef
from rdflib.namespace import ORG, RDF

from oncograph.analyse import EmptyProjection, project
from oncograph.errors import InputError
from oncograph.namespaces import ONCO

RENEWAL_SOURCE = "https://w3id.org/oncograph/id/source/esmo-who-renewal-2024"
RENEWAL_TITLE = "ESMO's special status as non-State actor in official relations with WHO has been renewed"


@pytest.fixture(scope="module")
def G(graph):
    return project(graph)


def by_type(G) -> Counter:
    return Counter(d["relationship_type"] for *_, d in G.edges(data=True))


def edges_of(G, key_part):
    return [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if key_part in k]


def test_node_counts_by_class(G):
    assert G.number_of_nodes() == 75
    assert Counter(c for _, c in G.nodes(data="entity_class")) == {
        "organisation": 55, "unit": 6, "collective": 2, "campaign": 1, "resource": 11}


def test_edge_counts_by_type(G):
    assert by_type(G) == {
        "CampaignParticipation": 30, "SubOrganisation": 8, "EventRole": 7, "Merger": 4, "ResourcePublication": 4,
        "Establishment": 2, "Membership": 2, "Partnership": 1, "CollaborationPlan": 1, "OfficialStatus": 1,
        "StatusRenewal": 1}
    assert G.number_of_edges() == 61
    assert {d["tie"] for *_, d in G.edges(data=True) if d["relationship_type"] == "EventRole"} == {"shared-event"}


def test_node_attributes(G):
    spaen = G.nodes["org/spaen"]
    assert spaen["label"] == "Sarcoma Patients EuroNet Association"
    assert spaen["acronym"] == spaen["short_label"] == "SPAEN"
    assert spaen["kind"] == "patient organisation"  # patient advocacy group, narrower than patient organisation
    assert spaen["kinds"] == ("patient advocacy group", "umbrella organisation")
    assert "patient-organisation" in spaen["all_kind_ids"]
    assert "sarcoma" in spaen["disease_areas"] and spaen["scopes"] == ("Europe",)
    assert spaen["founded"] == "2009-04"
    assert spaen["iri"] == "https://w3id.org/oncograph/id/org/spaen"
    eco = G.nodes["org/european-cancer-organisation"]
    assert eco["acronym"] == "ECCO" and "European CanCer Organisation" in eco["alt_names"]
    assert G.nodes["org/glcc"]["member_count"] == "28"
    assert G.nodes["org/rare-cancers-europe"]["entity_class"] == "campaign"
    assert G.nodes["resource/orphanet"]["kind"] == "information resource"


def test_known_edges_with_their_sources(G):
    [(u, v, _, d)] = edges_of(G, "rel/esmo-who-partnership")
    assert {u, v} == {"org/esmo", "org/who"}
    assert d["relationship_type"] == "Partnership" and d["start_date"] == "2013" and d["date_derived"] is True
    assert d["period_start"] == "2013-01-01" and "2023 - 10 = 2013" in d["date_derivation"]
    assert d["sources"] == (RENEWAL_SOURCE,) and d["source_titles"] == (RENEWAL_TITLE,)

    [(_, _, _, plan)] = edges_of(G, "rel/esmo-who-collaboration-plan-2024-2026")
    assert plan["relationship_type"] == "CollaborationPlan" and plan["name"] == "ESMO–WHO Collaboration Plan 2024–2026"
    assert (plan["start_date"], plan["end_date"], plan["period_end"]) == ("2024", "2026", "2026-12-31")
    assert len(plan["focus_areas"]) == 3

    [(_, _, _, iarc)] = edges_of(G, "sub-organisation/who--iarc")
    assert (iarc["subject"], iarc["object"]) == ("org/iarc", "org/who")  # IARC is part of WHO
    assert iarc["source_titles"] == ("ESMO – Useful Links to Patient Support Websites",)

    [(_, _, _, pub)] = edges_of(G, "publishes/asco--cancer-net")
    assert (pub["subject"], pub["object"]) == ("org/asco", "resource/cancer-net")

    [(_, _, _, renewal)] = edges_of(G, "who-esmo-official-relations-renewal-2024")
    assert renewal["announced"] == "2024-02-05"
    assert renewal["status"] == "non-State actor in official relations with WHO"

    # a relationship with two sources keeps both
    [(_, _, _, pac)] = edges_of(G, "european-cancer-organisation--eco-patient-advisory-committee")
    assert len(pac["sources"]) == 2


def test_shared_event_ties_carry_both_roles_and_the_event_date(G):
    forum = [d for u, v, k, d in G.edges(keys=True, data=True)
             if {u, v} == {"org/esmo", "org/vital-options"} and d["tie"] == "shared-event"]
    [d] = forum
    assert d["via_label"] == "European Advocacy in Action Forums"
    assert "co-host" in d["role"] and "producer" in d["role"]
    assert len(d["relationships"]) == 3  # ESMO co-host; Vital Options co-organiser and producer
    [ceremony] = [d for u, v, k, d in G.edges(keys=True, data=True) if "signature-ceremony" in k]
    assert ceremony["dated_by"] == "event" and ceremony["start_date"] == "2023-10" and ceremony["date_derived"]


def test_edge_keys_unique_and_every_edge_has_every_attribute(G):
    keys = [k for *_, k in G.edges(keys=True)]
    assert len(keys) == len(set(keys))
    attrs = {frozenset(d) for *_, d in G.edges(data=True)}
    assert len(attrs) == 1
    node_attrs = {frozenset(d) for _, d in G.nodes(data=True)}
    assert len(node_attrs) == 1


def test_people_and_events_options(graph):
    P = project(graph, include_people=True)
    assert P.number_of_nodes() == 75 + 3 + 2
    counts = by_type(P)
    assert counts["PostHolding"] == 2 and counts["PostIn"] == 2
    assert counts["Establishment"] == 3  # Lynn Faulds Wood founded Lynn's Bowel Cancer Campaign
    assert counts["EventRole"] == 7 - 1 + 6  # the ceremony now has four agents: C(4,2) = 6 ties instead of 1
    E = project(graph, include_events=True)
    assert E.number_of_nodes() == 75 + 6
    counts = by_type(E)
    assert counts["EventRole"] == 9  # 11 event roles, less the post's and the person's
    assert counts["PartOfEvent"] == 4
    assert all(d["tie"] == "direct" for *_, d in E.edges(data=True) if d["relationship_type"] == "EventRole")
    assert E.has_edge("org/esmo", "event/advocacy-in-action-forums")


def test_campaigns_can_be_left_out(graph):
    N = project(graph, include_campaigns=False)
    assert "org/rare-cancers-europe" not in N
    assert N.number_of_edges() == 61 - 30


def test_listing_ties_are_weak_and_per_section(graph):
    L = project(graph, listing_ties=True)
    co = [d for *_, d in L.edges(data=True) if d["tie"] == "co-listed"]
    # sections of 30 (RCE partners), 7 (international), 10 (European) and 13 (other) items
    assert len(co) == 30 * 29 // 2 + 7 * 6 // 2 + 10 * 9 // 2 + 13 * 12 // 2 == 579
    assert all(d["weak"] and d["weight"] == 0.5 and d["relationship_type"] == "Listing" for d in co)
    ed_ecpc = [d for u, v, d in L.edges(data=True) if {u, v} == {"org/europa-donna", "org/ecpc"}]
    assert [d["via_label"] for d in ed_ecpc] == ["European Organisations"]


def test_follow_mergers_redirects_to_the_successor(graph):
    M = project(graph, follow_mergers=True)
    for merged in ("org/eurobonet", "org/conticanet", "org/european-myeloma-platform", "org/myeloma-euronet"):
        assert merged not in M
    assert M.nodes["org/myeloma-patients-europe"]["merged_from"] == (
        "org/european-myeloma-platform", "org/myeloma-euronet")
    assert "Merger" not in by_type(M)
    assert M.number_of_nodes() == 71 and M.number_of_edges() == 61 - 4


def test_relationship_types_filter_includes_subclasses(graph):
    P = project(graph, relationship_types=["Partnership"])
    assert sorted(d["relationship_type"] for *_, d in P.edges(data=True)) == ["CollaborationPlan", "Partnership"]
    assert project(graph, relationship_types=["sub-organisation"]).number_of_edges() == 8
    assert project(graph, relationship_types=["onco:SubOrganisation"]).number_of_edges() == 8
    with pytest.raises(InputError, match="not known; use one of .*Partnership"):
        project(graph, relationship_types=["friendship"])


def test_as_of_2020_excludes_what_had_not_begun(graph):
    S = project(graph, as_of=dt.date(2020, 1, 1))
    keys = {k for *_, k in S.edges(keys=True)}
    assert "rel/esmo-who-partnership" in keys  # 2013
    assert "rel/esmo-who-collaboration-plan-2024-2026" not in keys  # 2024–2026
    assert "rel/who-esmo-official-relations-renewal-2024" not in keys  # announced 2024-02-05
    assert not any("signature-ceremony" in k for k in keys)  # October 2023
    assert S.number_of_edges() == 61 - 3
    assert S.graph["as_of"] == "2020-01-01"


def test_as_of_keeps_or_drops_undated_and_drops_organisations_founded_later(graph):
    dropped = project(graph, as_of=dt.date(2020, 1, 1), undated="drop")
    assert [k for *_, k in dropped.edges(keys=True)] == ["rel/esmo-who-partnership"]
    early = project(graph, as_of=dt.date(2005, 6, 1))
    assert "org/spaen" not in early and "org/walce" not in early  # founded 2009-04 and 2006
    assert "org/glcc" in early  # founded 2001
    later = project(graph, as_of=dt.date(2025, 6, 1))
    assert any(k == "rel/esmo-who-collaboration-plan-2024-2026" for *_, k in later.edges(keys=True))
    assert not any(k == "rel/esmo-who-collaboration-plan-2024-2026"
                   for *_, k in project(graph, as_of=dt.date(2027, 1, 1)).edges(keys=True))


def test_empty_after_filter_names_the_filter(graph):
    with pytest.raises(EmptyProjection, match=r"as of 1990-01-01 with undated relationships dropped"):
        project(graph, as_of=dt.date(1990, 1, 1), undated="drop")
    with pytest.raises(EmptyProjection, match=r"following mergers"):
        project(graph, relationship_types=["Merger"], follow_mergers=True)
    with pytest.raises(EmptyProjection, match=r"leaving out .*listing ties"):
        project(graph, relationship_types=["Listing"])
    with pytest.raises(EmptyProjection, match=r"no relationship nodes"):
        project(graph.__class__())
    assert EmptyProjection.exit_code == 2


def test_empty_after_type_filter_names_the_types(graph_copy):
    from rdflib.namespace import RDF

    from oncograph.namespaces import ONCO

    for merger in list(graph_copy.subjects(RDF.type, ONCO.Merger)):
        graph_copy.remove((merger, RDF.type, ONCO.Merger))
    with pytest.raises(EmptyProjection, match=r"relationship types Merger \(--types\)"):
        project(graph_copy, relationship_types=["Merger"])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's N-Quads serialiser uses Dataset.contexts
def test_dataset_and_pyoxigraph_store_give_the_same_projection(built, G):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    from_dataset = project(built.dataset)
    assert sorted(from_dataset.edges(keys=True)) == sorted(G.edges(keys=True))
    store = pyoxigraph.Store()
    store.load(built.dataset.serialize(format="nquads", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_QUADS)
    from_store = project(store)
    assert sorted(from_store.edges(keys=True)) == sorted(G.edges(keys=True))
    assert dict(from_store.nodes(data=True)) == dict(G.nodes(data=True))
    flat = pyoxigraph.Store()  # no named graphs: read as its default graph, without the union's de-duplication
    from oncograph.build import union_graph

    flat.load(union_graph(built.dataset).serialize(format="nt", encoding="utf-8"),
              format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert next(iter(flat.named_graphs()), None) is None
    from_flat = project(flat)
    assert list(from_flat.edges(keys=True, data=True)) == list(from_store.edges(keys=True, data=True))
    assert list(from_flat.nodes(data=True)) == list(from_store.nodes(data=True))


def test_projection_is_deterministic(graph, G):
    again = project(graph)
    assert list(again.nodes(data=True)) == list(G.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(G.edges(keys=True, data=True))


def test_oxigraph_held_graph_is_read_from_its_store_and_projects_the_same(tmp_path, graph, G):
    """An Oxigraph-held Graph is scanned in its store (no rdflib terms); nodes, edges and attributes are those the
    same triples give in rdflib's memory store, on the curated data and on a generated landscape."""
    from oncograph import synth
    from oncograph.store import load_graph, new_graph

    curated = tmp_path / "curated.nt"
    curated.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    landscape = tmp_path / "landscape.ttl"
    synth.write(landscape, 150, seed=5)
    for path in (curated, landscape):
        held = load_graph(path, backend="oxigraph")
        plain = new_graph("rdflib")
        plain += held
        for options in ({}, {"include_people": True, "include_events": True, "listing_ties": True,
                             "follow_mergers": True}, {"as_of": dt.date(2020, 1, 1), "undated": "drop"}):
            a, b = project(held, **options), project(plain, **options)
            assert a.number_of_edges() > (0 if "as_of" in options else 50), options
            assert list(a.nodes(data=True)) == list(b.nodes(data=True)), options
            assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True)), options
    assert sorted(project(load_graph(curated, backend="oxigraph")).edges(keys=True)) == sorted(G.edges(keys=True))


def test_garbage_collector_is_paused_only_while_projecting(graph):
    """The projection turns Python's cyclic collector off for speed; it must come back on however it ends, and stay
    off for a caller who had turned it off."""
    import gc

    assert gc.isenabled()
    project(graph)
    assert gc.isenabled()
    with pytest.raises(EmptyProjection):
        project(graph, as_of=dt.date(1990, 1, 1), undated="drop")
    assert gc.isenabled()
    gc.disable()
    try:
        project(graph)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_as_of_takes_a_date_a_datetime_or_an_iso_string(graph):
    """The README's ``project(graph, as_of="2020-01-01")`` works, and means what the date does."""
    by_date = project(graph, as_of=dt.date(2020, 1, 1))
    for same in ("2020-01-01", " 2020-01-01 ", dt.datetime(2020, 1, 1, 15, 30)):
        G = project(graph, as_of=same)
        assert G.graph["as_of"] == "2020-01-01"
        assert sorted(G.edges(keys=True)) == sorted(by_date.edges(keys=True))
    assert by_date.number_of_edges() < project(graph).number_of_edges()
    for bad in ("2020-13-01", "last year", 2020):
        with pytest.raises(InputError, match="is not a date; give a datetime.date or an ISO date"):
            project(graph, as_of=bad)


@pytest.mark.parametrize("day", ["2020-01-01", "2023-09-30", "2023-10-01", "2023-10-31", "2023-11-01", "2025-06-30",
                                 "2027-01-01"])
def test_as_of_agrees_with_the_named_queries_on_event_roles(graph, day):
    """One rule for both: which event roles hold on a day is the same in the projection (project(as_of=...)) and in
    the named queries (organisation-relationships-as-of for each party, relationships-as-of for the dated ones),
    an event role with no dates of its own taking its event's."""
    from oncograph.query import run_query

    G = project(graph, include_events=True, include_people=True, as_of=day)
    projected = {r for _, _, a in G.edges(data=True) if a["relationship_type"] == "EventRole"
                 for r in a["relationships"]}
    by_event = {r for _, _, a in G.edges(data=True) if a["dated_by"] == "event" for r in a["relationships"]}
    organisations = {str(s) for s in graph.subjects(RDF.type, ORG.Organization)}
    in_event_roles = {str(o) for r in graph.subjects(RDF.type, ONCO.EventRole) for o in graph.objects(r, ONCO.involves)}
    queried = set()
    for org in sorted(organisations & in_event_roles):  # the others have no event role to find
        rows = run_query("organisation-relationships-as-of", {"org": f"<{org}>", "date": day}, graph=graph).rows
        queried |= {str(r[0]) for r in rows if str(r[1]).endswith("#EventRole")}
    involving_an_org = {r for r in projected
                        if any(str(o) in organisations for o in graph.objects(URIRef(r), ONCO.involves))}
    assert queried == involving_an_org
    dated = {str(r[0]) for r in run_query("relationships-as-of", {"date": day}, graph=graph).rows
             if str(r[1]).endswith("#EventRole")}
    assert dated == by_event & projected
    if "2023-10-01" <= day <= "2023-10-31":  # the ceremony took place within October 2023 (a derived end)
        assert len(by_event) == 4  # the ceremony's four participants
    else:
        assert not dated and not any("signature-ceremony" in r for r in queried | projected)
