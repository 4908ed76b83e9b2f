"""The explorer's pages through Flask's test client (no browser): what each page says, and the rules every page
follows (escaping, security headers, loopback Host check)."""

from __future__ import annotations

import html
import json
import re

import pytest
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from oncograph.serve import Limits, create_app, open_site

ESMO = URIRef("https://w3id.org/oncograph/id/org/esmo")
HOSTILE = '<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">ESMO'


@pytest.fixture(scope="module")
def site():
    s = open_site(limits=Limits(timeout_s=10, max_rows=500), workers=1)
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(site):
    return create_app(site).test_client()


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def text_of(body: str) -> str:
    """The visible text of a page, roughly: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# --- search -----------------------------------------------------------------------------------------------------

def test_search_by_alternative_name(client):
    body = page(client, "/?q=ecco")
    assert 'href="/id/org/european-cancer-organisation"' in body
    assert "matched “ECCO”" in text_of(body)


def test_search_with_a_filter_and_an_accent_free_misspelling(client):
    body = page(client, "/?q=myelome+patients&kind=patient-organisation")
    assert "Myeloma Patients Europe" in body


def test_search_overview_without_a_query(client):
    assert "Browse by kind" in page(client, "/")


def test_unknown_filter_value_is_said(client):
    assert "not a known concept" in text_of(page(client, "/?kind=no-such-kind"))


# --- profiles -------------------------------------------------------------------------------------------------

def test_profile_groups_relationships_with_periods_and_sources(client):
    text = text_of(page(client, "/id/org/esmo"))
    assert "European Society for Medical Oncology" in text and "professional society" in text
    for group in ("partnership (1)", "collaboration plan (1)", "official status (1)", "status renewal (1)",
                  "event role (3)", "resource publication (2)", "campaign participation (1)"):
        assert group in text
    assert "from 2013 date derived" in text  # the ESMO–WHO partnership: derived, and how
    assert "2023 - 10 = 2013" in text
    assert "from 2024 until 2026" in text  # the collaboration plan, stated
    assert "a stronger oncology workforce" in text
    assert "ESMO's special status as non-State actor in official relations with WHO has been renewed" in text
    assert "dated 2024-02-05" in text


def test_profile_links_each_source_to_its_page_and_original(client):
    body = page(client, "/id/org/esmo")
    assert 'href="/id/source/esmo-who-renewal-2024"' in body
    assert 'href="https://www.esmo.org/newsroom/esmo-society-updates/esmo-s-special-status' in body


@pytest.mark.parametrize("key, expected", [
    ("org/gethi", ["establishment", "Spanish Society for Medical Oncology"]),
    ("org/eurosarc", ["formed from", "EuroBoNet", "ConTiCaNET"]),
    ("org/myeloma-patients-europe", ["European Myeloma Platform", "Myeloma Euronet"]),
    ("org/esbb", ["sub-organisation", "International Society for Biological and Environmental Repositories"]),
    ("org/spaen", ["founded 2009-04", "date stated"]),
    ("org/european-cancer-organisation", ["European CanCer Organisation", "ECCO"]),
])
def test_known_facts_on_profiles(client, key, expected):
    text = text_of(page(client, f"/id/{key}"))
    for words in expected:
        assert words in text, words


def test_source_page_lists_what_rests_on_it(client):
    text = text_of(page(client, "/id/source/rce-partners"))
    assert "campaign participation (30)" in text and "Partners" in text
    assert "https://www.rarecancerseurope.org/" in text


def test_relationship_page(client):
    text = text_of(page(client, "/id/rel/esmo-who-partnership"))
    assert "partnership" in text and "World Health Organization" in text and "date derived" in text


def test_concept_goes_to_the_filtered_search(client):
    response = client.get("/id/kinds/charity")
    assert response.status_code == 302 and response.headers["Location"].endswith("/?kind=charity")


def test_unknown_page_is_404(client):
    assert "no page at this address" in page(client, "/id/org/no-such-org", 404)


# --- network -----------------------------------------------------------------------------------------------------

def network_counts(body: str) -> tuple[int, int]:
    m = re.search(r'id="network-count" data-nodes="(\d+)" data-edges="(\d+)"', body)
    return int(m[1]), int(m[2])


def network_data(body: str) -> dict:
    m = re.search(r'<script type="application/json" id="network-data">(.*?)</script>', body, re.S)
    return json.loads(m[1])


def test_network_as_of_changes_what_is_shown(client):
    base = "/network?focus=WHO&type=partnership&type=collaboration-plan"
    assert network_counts(page(client, base)) == (2, 2)  # ESMO and WHO: a partnership and a plan
    assert network_counts(page(client, base + "&as_of=2020-01-01")) == (2, 1)  # the plan starts in 2024
    assert "no relationships left" in page(client, base + "&as_of=2010-01-01")  # the partnership starts in 2013


def test_network_filters_by_kind_and_type(client):
    everything = network_counts(page(client, "/network"))
    igos = page(client, "/network?kind=intergovernmental-organisation")
    assert "2 match the filters" in text_of(igos)
    assert network_counts(igos)[0] < everything[0]
    subs = network_counts(page(client, "/network?type=sub-organisation"))
    assert subs[1] < everything[1]


def test_network_elements_are_json_with_positions_colours_and_links(client):
    data = network_data(page(client, "/network?focus=esmo"))
    nodes = [e for e in data["elements"] if e["group"] == "nodes"]
    edges = [e for e in data["elements"] if e["group"] == "edges"]
    esmo = next(n for n in nodes if n["data"]["id"] == "org/esmo")
    assert esmo["data"]["focus"] and esmo["data"]["href"] == "/id/org/esmo"
    assert esmo["data"]["colour"] == "professional-society"
    assert all("x" in n["position"] for n in nodes)
    partnership = next(e for e in edges if e["data"]["type"] == "partnership")
    assert partnership["data"]["derived"] is True and partnership["data"]["period"] == "from 2013"


def test_network_bad_date_is_said(client):
    assert "not a date" in text_of(page(client, "/network?as_of=2024-13-45"))


def _datalist(body: str) -> list[str]:
    listed = re.search(r'<datalist id="org-names">(.*?)</datalist>', body, re.S).group(1)
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]*)">', listed)]


@pytest.mark.parametrize("url", ["/network", "/paths"])
def test_name_fields_list_every_organisation_name_when_there_are_few(client, site, url):
    body = page(client, url)
    assert _datalist(body) == site.index.organisation_names
    assert "European Society for Medical Oncology" in _datalist(body)
    assert "data-suggest" not in body and "names.js" not in body


@pytest.mark.parametrize("url, fields", [("/network", 1), ("/paths", 2)])
def test_name_fields_ask_the_server_as_the_reader_types_when_there_are_many(client, monkeypatch, url, fields):
    """Over INLINE_NAMES organisations (lowered here) the page lists none; each name field asks /names instead."""
    from oncograph.serve import views

    monkeypatch.setattr(views, "INLINE_NAMES", 5)
    body = page(client, url)
    assert _datalist(body) == []
    assert body.count('list="org-names" data-suggest="/names" autocomplete="off"') == fields
    assert '<script src="/static/names.js"></script>' in body
    script = client.get("/static/names.js")
    assert script.status_code == 200 and b"data-suggest" in script.data


def test_names_answers_json_suggestions_for_what_is_typed(client, site):
    response = client.get("/names?q=esmo")
    assert response.status_code == 200 and response.mimetype == "application/json"
    names = response.get_json()["names"]
    assert names == site.index.suggest_names("esmo") and names[0] == "European Society for Medical Oncology"
    assert client.get("/names?q=E").get_json() == {"names": []}  # one letter: too many to be of use
    assert client.get("/names").get_json() == {"names": []}
    assert client.get("/names?q=" + "x" * 5000).get_json() == {"names": []}
    hostile = client.get("/names?q=%3Cscript%3E").get_json()
    assert hostile == {"names": []}


# --- paths ---------------------------------------------------------------------------------------------------------

def test_path_hop_by_hop_with_sources(client):
    text = text_of(page(client, "/paths?from=ESMO&to=IARC"))
    assert ("1 shortest path from European Society for Medical Oncology to International Agency for Research on "
            "Cancer") in text
    assert re.search(r"European Society for Medical Oncology → World Health Organization.*"
                     r"ESMO and WHO are partners.*since 2013 \(derived\) date derived.*"
                     r"World Health Organization → International Agency for Research on Cancer.*"
                     r"IARC is part of WHO", text)
    assert "source: ESMO – Useful Links to Patient Support Websites" in text


def test_longer_paths_on_request(client):
    shortest = text_of(page(client, "/paths?from=SPAEN&to=WHO&max=10&co_listed=1"))
    longer = text_of(page(client, "/paths?from=SPAEN&to=WHO&max=10&co_listed=1&longer=1"))
    assert shortest.count("Path ") < longer.count("Path ")


def test_paths_filtered_away_and_unknown_names(client):
    assert "are not connected with these filters" in page(
        client, "/paths?from=ESMO&to=IARC&type=sub-organisation")
    assert "no organisation matches" in page(client, "/paths?from=ESMO&to=zzzqqq")


# --- queries ---------------------------------------------------------------------------------------------------------

def test_query_library_lists_every_named_query(client, site):
    body = page(client, "/queries")
    for query in site.queries.values():
        assert str(escape(query.title)) in body


def test_named_query_with_a_parameter(client):
    text = text_of(page(client, "/queries/partners-of?run=1&p.org=orgs:who"))
    assert "European Society for Medical Oncology" in text and "2 rows" in text


def test_named_query_csv_download(client):
    response = client.get("/queries/partners-of.csv?p.org=orgs:who")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "partner,name,relationship,type,start,end" and len(lines) == 3


def test_named_query_bad_parameter_is_named(client):
    assert "parameter &#39;org&#39;" in page(client, "/queries/partners-of?run=1&p.org=not+an+iri")


def test_construct_and_ask_named_queries(client):
    assert "triples in" in page(client, "/queries/neighbourhood?run=1")
    assert "Answer: yes" in text_of(page(client, "/queries/is-part-of?run=1"))


def test_console_runs_and_reports_the_row_cap(client):
    text = text_of(page(client, "/console?query=SELECT+*+WHERE+%7B%3Fs+%3Fp+%3Fo%7D"))
    assert "Row cap reached: showing the first 500 rows" in text


def test_console_refuses_updates_with_a_message(client):
    assert "read-only" in page(client, "/console?query=CLEAR+ALL")


# --- downloads --------------------------------------------------------------------------------------------------

def test_downloads_list_and_files(client, graph):
    text = text_of(page(client, "/downloads"))
    for name in ("oncograph.ttl", "oncograph.nt", "oncograph.jsonld", "oncograph.compact.jsonld", "oncograph.trig",
                 "oncograph.nq"):
        assert name in text
    nt = client.get("/downloads/oncograph.nt").get_data()
    assert len(Graph().parse(data=nt, format="nt")) == len(graph)
    compact = client.get("/downloads/oncograph.compact.jsonld").get_data()
    assert set(Graph().parse(data=compact, format="json-ld")) == set(graph)  # the context embedded: read offline
    assert client.get("/downloads/..%2Fpyproject.toml").status_code == 404


# --- rules every page follows -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/id/org/esmo", "/network", "/paths", "/queries", "/console", "/downloads",
                                 "/sparql"])
def test_security_headers(client, url):
    response = client.get(url)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_requests_for_other_hosts_are_refused(client):
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 421
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200


def test_hostile_label_is_text_everywhere(graph_copy, tmp_path):
    for p in (SKOS.prefLabel, RDFS.label):
        graph_copy.set((ESMO, p, Literal(HOSTILE)))
    path = tmp_path / "hostile.nt"
    graph_copy.serialize(path, format="nt", encoding="utf-8")
    hostile = open_site(graph_file=path, limits=Limits(timeout_s=10), workers=1)
    try:
        c = create_app(hostile).test_client()
        for url in ("/?q=pwned+esmo", "/id/org/esmo", "/network?focus=org/esmo", "/paths?from=org/esmo&to=IARC",
                    "/console?query=SELECT+?l+WHERE+%7B%3Chttps://w3id.org/oncograph/id/org/esmo%3E+"
                    "%3Chttp://www.w3.org/2004/02/skos/core%23prefLabel%3E+?l%7D"):
            body = page(c, url)
            assert "<script>window.__pwned" not in body and '<img src="x"' not in body, url
            assert "&lt;script&gt;window.__pwned" in body or "\\u003cscript\\u003e" in body, url
    finally:
        hostile.close()


def test_downloads_from_a_dist_folder(built, graph, tmp_path):
    from oncograph.export import write_release
    from oncograph.serve.loading import Loaded
    from oncograph.serve.site import Downloads

    write_release(built.dataset, graph, tmp_path)
    (tmp_path / "void.ttl").write_text("# later releases add more files\n")
    (tmp_path / ".hidden").write_text("not offered")
    downloads = Downloads(Loaded(built.dataset, graph, "test"), tmp_path)
    names = [d.name for d in downloads.list()]
    assert names == ["oncograph.ttl", "oncograph.nt", "oncograph.jsonld", "oncograph.trig", "oncograph.nq",
                     "void.ttl"]
    assert downloads.get("oncograph.nt") == tmp_path / "oncograph.nt"
    assert downloads.get(".hidden") is None and downloads.get("../oncograph.nt") is None


# --- facets the other tests leave out: scope and disease filters, the legend, focus and scope on a profile --------

SCHEMA_AREA = URIRef("https://schema.org/areaServed")


def _with_concept(graph, prop, concept_id: str) -> set[str]:
    """Keys (org/x, resource/y) of the entities the data gives the concept ``concept_id`` (``scopes/europe``) or a
    narrower one under ``prop``. (Matched by IRI: a source section can end in the same word as a concept.)"""
    concept = URIRef(f"https://w3id.org/oncograph/id/{concept_id}")
    assert (concept, SKOS.prefLabel, None) in graph, concept
    narrower = {concept} | set(graph.transitive_subjects(SKOS.broader, concept))
    return {"/".join(str(s).rsplit("/", 2)[-2:]) for c in narrower for s in graph.subjects(prop, c)}


def test_search_scope_filter_keeps_exactly_that_scope(client, graph):
    expected = _with_concept(graph, SCHEMA_AREA, "scopes/international")
    assert expected, "the data has organisations of international scope"
    body = page(client, "/?scope=international")
    shown = set(re.findall(r'href="/id/((?:org|resource)/[^"]+)"', body))
    assert expected <= shown
    europe_only = _with_concept(graph, SCHEMA_AREA, "scopes/europe") - expected
    assert not (shown & europe_only), shown & europe_only


def test_network_disease_filter_and_legend(client, graph):
    everything = network_data(page(client, "/network"))
    body = page(client, "/network?disease=childhood-cancers")
    data = network_data(body)
    nodes = {e["data"]["id"] for e in data["elements"] if e["group"] == "nodes"}
    assert "org/siop-europe" in nodes
    assert len(nodes) < len([e for e in everything["elements"] if e["group"] == "nodes"])
    # the legend lists each colour group drawn, with how many nodes it has
    legend = dict(re.findall(r'<li data-group="([^"]+)">.*?\((\d+)\)', body))
    drawn: dict[str, int] = {}
    for e in data["elements"]:
        if e["group"] == "nodes":
            drawn[e["data"]["colour"]] = drawn.get(e["data"]["colour"], 0) + 1
    assert {g: int(n) for g, n in legend.items()} == drawn


def test_profile_shows_disease_focus_and_scope(client):
    text = text_of(page(client, "/id/org/siop-europe"))
    assert "cancers of children and young people" in text
    assert "Europe" in text
    assert "professional society" in text
