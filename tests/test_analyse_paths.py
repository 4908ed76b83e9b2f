"""Paths told in words with their sources, simple paths, ego networks, and changes between two dates."""

from __future__ import annotations

import datetime as dt

import pytest

from oncograph.analyse import NoPath, changes, ego_network, ego_rows, project, shortest_paths, simple_paths
from oncograph.errors import InputError

RCE_TITLE = "Rare Cancers Europe – cooperating organisations / partners of the campaign"
RENEWAL_TITLE = "ESMO's special status as non-State actor in official relations with WHO has been renewed"


@pytest.fixture(scope="module")
def G(graph):
    return project(graph)


def test_patient_group_to_who_told_with_sources(G):
    [path] = shortest_paths(G, "org/spaen", "org/who")
    assert path.nodes == ("org/spaen", "org/rare-cancers-europe", "org/esmo", "org/who")
    assert path.length == 3
    first, second, third = path.hops
    assert first.relationships[0]["relationship_type"] == "CampaignParticipation"
    assert first.relationships[0]["source_titles"] == (RCE_TITLE,)
    # the ESMO–WHO hop carries all five relationships, the oldest dated one first
    assert [d["relationship_type"] for d in third.relationships][:1] == ["Partnership"]
    assert len(third.relationships) == 5
    text = path.text(G)
    assert text.splitlines()[0] == "SPAEN → Rare Cancers Europe → ESMO → WHO (3 steps)"
    assert "1. SPAEN → Rare Cancers Europe: SPAEN takes part in the campaign Rare Cancers Europe as cooperating " \
           f"partner [undated; source: “{RCE_TITLE}”]" in text
    assert f"3. ESMO → WHO: ESMO and WHO are partners [since 2013 (derived); source: “{RENEWAL_TITLE}”]" in text
    assert "ESMO–WHO Collaboration Plan 2024–2026” [2024–2026;" in text
    assert "[announced 2024-02-05;" in text
    rows = path.rows(G)
    assert {r["step"] for r in rows} == {1, 2, 3} and all(r["sources"].startswith("source") for r in rows)


def test_europa_donna_reaches_who_only_through_listing_ties(graph, G):
    with pytest.raises(NoPath, match="not connected in this projection; link more with --listing-ties"):
        shortest_paths(G, "org/europa-donna", "org/who")
    L = project(graph, listing_ties=True)
    paths = shortest_paths(L, "org/europa-donna", "org/who")
    assert paths and all(p.length == 3 for p in paths)
    first_hop = paths[0].hops[0].relationships[0]
    assert first_hop["weak"] and first_hop["via_label"] == "European Organisations"
    assert "(a weak tie)" in paths[0].text(L)


def test_simple_paths_up_to_a_length(G):
    paths = simple_paths(G, "org/spaen", "org/who", max_length=3)
    assert [p.nodes for p in paths] == [("org/spaen", "org/rare-cancers-europe", "org/esmo", "org/who")]
    longer = simple_paths(G, "org/vital-options", "org/who", max_length=4)
    assert [p.length for p in longer] == sorted(p.length for p in longer)
    assert {p.nodes[1] for p in longer} >= {"org/esmo", "org/esmo-cancer-patient-wg"}
    assert simple_paths(G, "org/spaen", "org/who", max_length=2) == []
    with pytest.raises(InputError, match="at least 1"):
        simple_paths(G, "org/spaen", "org/who", max_length=0)


def test_ego_network(G):
    ego = ego_network(G, "org/esmo", depth=1)
    assert ego.number_of_nodes() == 9  # ESMO and its eight neighbours
    assert ego.nodes["org/esmo"]["distance"] == 0 and ego.nodes["org/who"]["distance"] == 1
    rows = ego_rows(ego)
    assert rows[0]["key"] == "org/esmo"
    who = next(r for r in rows if r["key"] == "org/who")
    assert "ESMO and WHO are partners" in who["via"]
    two = ego_network(G, "org/esmo", depth=2)
    assert "org/spaen" in two and "org/iarc" in two and two.nodes["org/spaen"]["distance"] == 2
    with pytest.raises(InputError):
        ego_network(G, "org/esmo", depth=0)


def test_changes_between_two_dates(G):
    rows = changes(G, since=dt.date(2010, 1, 1), until=dt.date(2024, 12, 31))
    assert [(r["date"], r["change"], r["relationship_type"]) for r in rows] == [
        ("2013", "started", "Partnership"),
        ("2023-10", "took place", "EventRole"),
        ("2024", "started", "CollaborationPlan"),
        ("2024-02-05", "announced", "StatusRenewal"),
    ]
    assert rows[0]["date_derived"] is True and RENEWAL_TITLE in rows[0]["sources"]
    founded = changes(G, since=dt.date(2000, 1, 1), until=dt.date(2009, 12, 31))
    assert [(r["date"], r["key"]) for r in founded] == [
        ("2001", "org/glcc"), ("2006", "org/walce"), ("2009-04", "org/spaen")]
    ended = changes(G, since=dt.date(2026, 1, 1), until=dt.date(2026, 12, 31))
    assert [(r["change"], r["key"]) for r in ended] == [("ended", "rel/esmo-who-collaboration-plan-2024-2026")]
    with pytest.raises(InputError, match="before --since"):
        changes(G, since=dt.date(2024, 1, 1), until=dt.date(2020, 1, 1))
