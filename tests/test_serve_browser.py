"""The explorer in a real browser: Debian's Chromium driven by Playwright (never `playwright install`).

Each test walks one task a reader would do and saves a screenshot at its end: into a temporary folder, so a test
run leaves the checkout as it was, or into the folder ONCOGRAPH_SCREENSHOTS names. The README's are refreshed with
``ONCOGRAPH_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/test_serve_browser.py``.
Chromium comes from `bash scripts/browser-deps.sh`; without it these tests are skipped, saying so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from oncograph.namespaces import DCT
from oncograph.serve.app import NPM_INSTALL, VENDOR_FILES
from oncograph.serve.server import ServerProcess

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS_ENV = "ONCOGRAPH_SCREENSHOTS"
SHOTS = [ROOT / "docs" / "screenshots"]  # set by the shots_dir fixture
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ESMO = URIRef("https://w3id.org/oncograph/id/org/esmo")
HOSTILE = '<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">ESMO'


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed; run: bash scripts/browser-deps.sh")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the Python package only)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server():
    if not VENDOR_FILES["cytoscape.min.js"].is_file():
        pytest.fail(f"the network view's JavaScript is not installed; run: {NPM_INSTALL}")
    with ServerProcess(["--timeout", "3"]) as s:
        yield s


@pytest.fixture
def page(browser):
    """A fresh page that records console errors (a CSP violation would be one), page errors and dialogs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    context.close()
    assert pg.problems == []


@pytest.fixture(scope="module", autouse=True)
def shots_dir(tmp_path_factory):
    """Where screenshots go: ONCOGRAPH_SCREENSHOTS (relative to the checkout) if set, else a temporary folder."""
    chosen = os.environ.get(SHOTS_ENV)
    SHOTS[0] = (ROOT / chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    return SHOTS[0]


def shot(page, name: str, *, full_page: bool = False) -> None:
    SHOTS[0].mkdir(parents=True, exist_ok=True)
    path = SHOTS[0] / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"


def wait_for_network(page) -> None:
    page.wait_for_selector("#cy[data-ready=true]")


def cy(page, expression: str):
    return page.evaluate(f"(() => {{ const cy = window.oncographNetwork; return {expression}; }})()")


def test_search_then_profile_then_source(page, server):
    page.goto(server.url)
    page.fill("input[name=q]", "european society medical oncolgy")  # misspelt, lower case
    page.select_option("select[name=kind]", "professional-society")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#hit-count")
    shot(page, "explorer-search")
    page.click("a.hit >> nth=0")
    assert page.text_content("#entity-label") == "European Society for Medical Oncology"
    partnership = page.locator("article.relationship", has_text="2023 - 10 = 2013")
    assert partnership.locator(".badge.derived").is_visible()
    original = partnership.locator("a.source-link")
    assert original.get_attribute("href").startswith("https://www.esmo.org/newsroom/")
    shot(page, "explorer-profile")
    partnership.locator("a.source-title").click()
    page.wait_for_url("**/id/source/esmo-who-renewal-2024")
    assert page.text_content("#source-title") == ("ESMO's special status as non-State actor in official relations "
                                                  "with WHO has been renewed")
    assert page.get_attribute("#source-url", "href") == original.get_attribute("href")
    shot(page, "explorer-source")


def test_network_filters_as_of_and_interaction(page, server):
    page.goto(server.url + "network")
    wait_for_network(page)
    shown = int(page.get_attribute("#network-count", "data-nodes"))
    assert cy(page, "cy.nodes().length") == shown > 40
    shot(page, "explorer-network")

    # a kind filter: the intergovernmental organisations and their ties
    page.select_option("select[name=kind]", "intergovernmental-organisation")
    page.click("#network-apply")
    wait_for_network(page)
    assert "2 match the filters" in page.text_content("#network-count")
    assert cy(page, "cy.nodes().length") < shown

    # WHO's ego network, partnerships and plans only; then as of 2020, before the 2024-2026 plan
    page.goto(server.url + "network")
    page.fill("input[name=focus]", "World Health Organization")
    page.check("input[name=type][value=partnership]")
    page.check("input[name=type][value=collaboration-plan]")
    page.click("#network-apply")
    wait_for_network(page)
    assert cy(page, "cy.edges().length") == 2
    page.fill("input[name=as_of]", "2020-01-01")
    page.click("#network-apply")
    wait_for_network(page)
    assert cy(page, "cy.edges().map(e => e.data('type'))") == ["partnership"]
    assert "As of 2020-01-01" in page.text_content("#network-count")

    # pan, zoom, drag, click a tie, click a node
    page.goto(server.url + "network?focus=World+Health+Organization")
    wait_for_network(page)
    shot(page, "explorer-network-ego")
    box = page.locator("#cy").bounding_box()
    zoom = cy(page, "cy.zoom()")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(300)
    assert cy(page, "cy.zoom()") > zoom
    pan = cy(page, "cy.pan()")
    page.mouse.move(box["x"] + 15, box["y"] + 15)
    page.mouse.down()
    page.mouse.move(box["x"] + 95, box["y"] + 75, steps=5)
    page.mouse.up()
    assert cy(page, "cy.pan()") != pan
    cy(page, "(cy.fit(undefined, 40), null)")  # null: a Cytoscape object is slow to send back
    before = cy(page, "cy.getElementById('org/iarc').position()")
    x, y = node_at(page, "org/iarc")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=5)
    page.mouse.up()
    assert cy(page, "cy.getElementById('org/iarc').position()") != before
    mid = cy(page, "cy.edges().filter(e => e.data('type') === 'partnership')[0].renderedMidpoint()")
    page.mouse.click(box["x"] + mid["x"], box["y"] + mid["y"])
    assert "ESMO's special status" in page.text_content("#selection")
    page.mouse.click(*node_at(page, "org/esmo"))
    page.wait_for_url("**/id/org/esmo")


def node_at(page, key: str) -> tuple[float, float]:
    box = page.locator("#cy").bounding_box()
    p = cy(page, f"cy.getElementById('{key}').renderedPosition()")
    return box["x"] + p["x"], box["y"] + p["y"]


def test_path_between_two_organisations(page, server):
    page.goto(server.url + "paths")
    page.fill("input[name=from]", "ESMO")
    page.fill("input[name=to]", "IARC")
    page.click("#paths-find")
    page.wait_for_selector("#paths-count")
    hops = page.locator("li.hop")
    assert hops.count() == 2
    assert "World Health Organization" in hops.nth(0).text_content()
    assert "sub-organisation relationship" in hops.nth(1).text_content()
    assert hops.nth(1).locator("a", has_text="ESMO – Useful Links to Patient Support Websites").count() == 1
    shot(page, "explorer-paths")


def test_named_query_with_a_parameter_and_csv(page, server):
    page.goto(server.url + "queries")
    shot(page, "explorer-queries")
    page.click("text=Partners of an organisation")
    page.fill("input[name='p.org']", "orgs:who")
    page.click("#query-run")
    page.wait_for_selector("#answer table.results")
    assert "European Society for Medical Oncology" in page.text_content("#answer table.results")
    shot(page, "explorer-query")
    with page.expect_download() as download:
        page.click("#csv-download")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("partner,name") and len(lines) == 3


def test_console_answers_and_says_when_a_query_is_stopped(page, server):
    page.goto(server.url + "console")
    page.click("#console-run")
    page.wait_for_selector("#answer table.results")
    shot(page, "explorer-console")
    page.fill("textarea[name=query]", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    page.click("#console-run")
    assert "stopped after the time limit of 3 s" in page.text_content(".alert.error")


def test_downloads(page, server, graph):
    page.goto(server.url + "downloads")
    shot(page, "explorer-downloads")
    with page.expect_download() as download:
        page.click("#downloads a:text-is('oncograph.ttl')")
    assert len(Graph().parse(download.value.path(), format="turtle")) == len(graph)


def test_hostile_label_is_shown_as_text(page, graph_copy, tmp_path):
    for p in (SKOS.prefLabel, RDFS.label):
        graph_copy.set((ESMO, p, Literal(HOSTILE)))
    graph_copy.add((ESMO, SKOS.altLabel, Literal('"><svg onload="window.__pwned = 3">')))
    graph_copy.set((ESMO, DCT.description, Literal("<b>not bold</b><script>window.__pwned = 4</script>", lang="en")))
    path = tmp_path / "hostile.nt"
    graph_copy.serialize(path, format="nt", encoding="utf-8")
    with ServerProcess(["--input", str(path), "--workers", "1"]) as hostile:
        page.goto(hostile.url + "?q=esmo")
        assert HOSTILE in page.text_content("ol.hits")
        page.goto(hostile.url + "id/org/esmo")
        assert page.text_content("#entity-label") == HOSTILE
        assert "<b>not bold</b>" in page.text_content("p.description")
        shot(page, "explorer-hostile-label")
        page.goto(hostile.url + "network?focus=org/esmo")
        wait_for_network(page)
        assert cy(page, "cy.getElementById('org/esmo').data('name')") == HOSTILE
        cy(page, "(cy.getElementById('org/esmo').emit('mouseover'), null)")
        assert page.text_content("#selection h3") == HOSTILE
        page.goto(hostile.url + "paths?from=org/esmo&to=IARC")
        assert HOSTILE in page.text_content("li.hop")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[onerror], svg[onload], b:text('not bold')").count() == 0


@pytest.fixture(scope="module")
def landscape_server(tmp_path_factory):
    """The explorer on a generated landscape of 2,000 organisations (1,265 names): more than the pages list in full."""
    from oncograph import synth

    path = tmp_path_factory.mktemp("landscape") / "landscape.ttl"
    synth.write(path, 2000, seed=5)
    with ServerProcess(["--input", str(path), "--workers", "1"]) as s:
        yield s


def test_name_fields_of_a_big_landscape_suggest_names_as_the_reader_types(page, landscape_server):
    """Typing part of a name fills the field's suggestions from the server, each containing what was typed; one of
    them centres the network on that organisation; the paths page's two fields do the same."""
    import json
    import urllib.request

    from oncograph.serve.search import fold

    page.goto(landscape_server.url + "network")
    assert page.locator("#org-names option").count() == 0  # the page lists none of the names
    field = page.locator("input[name=focus]")
    field.click()
    field.press_sequentially("onco", delay=30)
    page.wait_for_selector("input[name=focus][data-suggested=onco]")
    offered = page.eval_on_selector_all("#org-names option", "els => els.map(e => e.value)")
    assert 0 < len(offered) <= 20 and all("onco" in fold(name) for name in offered)
    with urllib.request.urlopen(landscape_server.url + "names?q=onco", timeout=30) as r:
        assert json.load(r)["names"] == offered  # what the page shows is what the server suggests
    field.fill(offered[0])
    page.click("#network-apply")
    page.wait_for_selector("#network-count")
    assert page.text_content("h1") == f"Network around {offered[0]}"
    shot(page, "explorer-network-landscape-focus")

    page.goto(landscape_server.url + "paths")
    to = page.locator("input[name=to]")
    to.click()
    to.press_sequentially("cancer", delay=30)
    page.wait_for_selector("input[name=to][data-suggested=cancer]")
    offered = page.eval_on_selector_all("#org-names option", "els => els.map(e => e.value)")
    assert offered and all("cancer" in fold(name) for name in offered)
    to.fill("")
    to.press_sequentially("c")  # one letter: too many to be of use, so the list empties
    page.wait_for_selector("input[name=to][data-suggested=c]")
    assert page.locator("#org-names option").count() == 0
