"""`oncograph serve --endpoint`: the explorer over a graph published to a real SPARQL server (Oxigraph, run by
scripts/sparql-server.sh on loopback with its own state directory). Pages use a copy taken at start; the console,
the named queries and /sparql send checked queries to the server."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from oncograph.endpoint import publish
from oncograph.serve.server import ServerProcess
from servers import running  # tests/servers.py

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory, graph):
    """An Oxigraph server of this module's own (tests/servers.py's session one is killed and restarted by a publish
    test) holding the curated graph where ``oncograph publish`` puts it; yields its URL."""
    with contextmanager(running)("oxigraph", tmp_path_factory.mktemp("oxigraph")) as server:
        publish(graph, server.url, graph="https://w3id.org/oncograph/id/graph/all")
        yield server.url


@pytest.fixture(scope="module")
def explorer(oxigraph):
    with ServerProcess(["--endpoint", oxigraph, "--timeout", "3"]) as s:
        yield s


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode()


def test_pages_work_from_the_copy(explorer):
    assert "2013" in get(explorer.url + "id/org/esmo") and "date derived" in get(explorer.url + "id/org/esmo")
    assert "IARC is part of WHO" in get(explorer.url + "paths?from=ESMO&to=IARC")
    assert 'id="network-count"' in get(explorer.url + "network")


def test_queries_go_to_the_server(explorer, graph):
    body = get(explorer.url + "sparql?query=" + urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert f'"value": "{len(graph)}"' in body
    assert "European Society for Medical Oncology" in get(explorer.url + "queries/partners-of?run=1&p.org=orgs:who")


def test_refusals_happen_before_anything_is_sent(explorer):
    with pytest.raises(urllib.error.HTTPError) as info:
        get(explorer.url + "sparql?query=" + urllib.parse.quote("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"))
    assert info.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as info:
        get(explorer.url + "sparql?query=" + urllib.parse.quote("DROP ALL"))
    assert info.value.code == 403


def test_a_big_graph_on_the_server_is_copied_into_oxigraph(oxigraph, tmp_path):
    """A copy over 2 MB is held in Oxigraph, as a big file is (a million triples: 19 s to start instead of 70 s)."""
    from oncograph import synth
    from oncograph.serve.loading import load_from_endpoint
    from oncograph.store import load_graph, oxigraph_of

    path = tmp_path / "landscape.nt"
    synth.write(path, 1400, seed=8)
    landscape = load_graph(path, backend="rdflib")
    iri = "https://w3id.org/oncograph/id/graph/big-landscape"
    publish(landscape, oxigraph, graph=iri)
    loaded = load_from_endpoint(oxigraph, graph_iri=iri)
    assert loaded.dataset is None and oxigraph_of(loaded.graph) is not None
    assert {(s, p, str(o)) for s, p, o in loaded.graph} == {(s, p, str(o)) for s, p, o in landscape}
    small = load_from_endpoint(oxigraph)  # the curated graph: rdflib's Dataset, as before
    assert small.dataset is not None and oxigraph_of(small.graph) is None


def test_a_graph_over_virtuosos_row_limit_is_served_from_a_copy_in_pages(virtuoso_tiny, graph):
    """Virtuoso cuts every answer at ResultSetMaxRows (20 in this one; 10,000 in the virtuoso.ini Virtuoso ships): the
    explorer's copy of the curated graph comes in pages, says how it goes, and the pages show the whole graph."""
    iri = "https://w3id.org/oncograph/id/graph/paged"
    publish(graph, virtuoso_tiny.url, graph=iri, **virtuoso_tiny.credentials)
    with ServerProcess(["--endpoint", virtuoso_tiny.url, "--graph", iri, "--timeout", "3"]) as s:
        log = "\n".join(s.log)
        assert f"copied {len(graph):,} of {len(graph):,} triples from the endpoint" in log
        assert "2013" in get(s.url + "id/org/esmo") and "IARC is part of WHO" in get(s.url + "paths?from=ESMO&to=IARC")
