"""The explorer on big graphs: query workers on Oxigraph (the same answers as the rdflib workers, under the same
limits and refusals), big files read by Oxigraph for the pages, and a network view that draws at most so many nodes.
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
import urllib.request
from collections import Counter

import pytest

from oncograph import synth
from oncograph.errors import InputError
from oncograph.query import list_queries
from oncograph.serve import Engine, Limits, create_app, open_site
from oncograph.serve.loading import load_from_file
from oncograph.serve.network import NetworkQuery, Networks
from oncograph.serve.sandbox import QueryFailed, QueryPool, QueryRefused, QuerySyntaxError, QueryTimeout
from oncograph.serve.search import SearchIndex
from oncograph.serve.server import ServerProcess
from oncograph.store import oxigraph_of

import query_cases as cases  # tests/query_cases.py

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ENTITIES = "https://w3id.org/oncograph/id/graph/entities"


def shown(answer) -> Counter | bool | set:
    """An answer as comparable data: rows as a multiset (ties under ORDER BY may come in either order)."""
    if answer.form == "ASK":
        return answer.boolean
    if answer.form in ("CONSTRUCT", "DESCRIBE"):
        return {tuple(cases.show(t) for t in triple) for triple in answer.triples}
    return Counter(tuple(cases.show(t) for t in row) for row in answer.rows)


@pytest.fixture(scope="module")
def pools(built):
    limits = Limits(timeout_s=20, max_rows=100_000)
    with QueryPool(built.dataset, engine="rdflib", limits=limits, size=1) as plain, \
            QueryPool(built.dataset, engine="oxigraph", limits=limits, size=1) as fast:
        yield plain, fast


def test_auto_picks_the_engine_by_size(built, tmp_path):
    assert QueryPool(built.dataset).engine is Engine.RDFLIB  # the curated data: about 10,000 triples
    big = tmp_path / "big.ttl"
    synth.write(big, 1400, seed=2)
    assert big.stat().st_size > 2_000_000
    assert QueryPool(None, source_file=big).engine is Engine.OXIGRAPH
    with pytest.raises(Exception, match="use one of auto, rdflib, oxigraph"):
        QueryPool(built.dataset, engine="virtuoso")


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_named_query_answers_the_same_on_both_engines(pools, name):
    plain, fast = pools
    assert (plain.engine, fast.engine) == (Engine.RDFLIB, Engine.OXIGRAPH)
    query = {q.name: q for q in list_queries()}[name]
    expected, text = plain.named(query, {})
    got, same_text = fast.named(query, {})
    assert same_text == text and got.vars == expected.vars
    assert shown(got) == shown(expected)


@pytest.mark.parametrize("text", [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"SELECT (COUNT(*) AS ?n) FROM <{ENTITIES}> WHERE {{ ?s ?p ?o }}",  # FROM: that graph only, not the union
    "ASK { ?s a <http://www.w3.org/ns/org#FormalOrganization> }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER (?s = <https://w3id.org/oncograph/id/org/esmo>) }",
])
def test_ad_hoc_queries_answer_the_same_on_both_engines(pools, text):
    plain, fast = pools
    assert shown(fast.sparql(text)) == shown(plain.sparql(text))


def test_from_a_named_graph_counts_that_graph_only(pools):
    _, fast = pools
    everything = int(fast.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])
    entities = int(fast.sparql(f"SELECT (COUNT(*) AS ?n) FROM <{ENTITIES}> WHERE {{ ?s ?p ?o }}").rows[0][0])
    assert 0 < entities < everything
    assert ENTITIES in fast.known_graphs


class _Counting(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": []}, "results": {"bindings": [{}]}}')

    do_POST = do_GET

    def log_message(self, *args):
        pass


def test_service_never_reaches_oxigraph_which_would_call_it(pools):
    """Oxigraph runs SERVICE itself, from Rust, where the worker's audit hook cannot see: the inspection must stop
    it first. A real HTTP server on loopback shows both halves."""
    import pyoxigraph as ox

    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/sparql"
        text = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
        try:
            list(ox.Store().query(text))  # Oxigraph on its own calls the server
        except (OSError, RuntimeError, SyntaxError):  # whatever it makes of this server's answer
            pass
        assert _Counting.hits == 1
        _, fast = pools
        with pytest.raises(QueryRefused, match="SERVICE"):
            fast.sparql(text)
        with pytest.raises(QueryRefused, match="read-only"):
            fast.sparql("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        with pytest.raises(QueryRefused, match="FROM <http://example.org/x.ttl>"):
            fast.sparql("SELECT * FROM <http://example.org/x.ttl> WHERE { ?s ?p ?o }")
        assert _Counting.hits == 1
    finally:
        server.shutdown()


PROBE = """
import sys
import pyoxigraph as ox
from oncograph.serve.sandbox import _cut_network
cut = _cut_network()
try:
    list(ox.Store().query("SELECT * WHERE { SERVICE <%s> { ?s ?p ?o } }"))
    reached = "reached"
except (OSError, RuntimeError, SyntaxError) as exc:
    reached = type(exc).__name__ + ": " + str(exc)
print(cut, reached, sep="\\n")
"""


def test_a_worker_in_its_own_network_namespace_cannot_call_out(pools):
    """The second lock on Oxigraph's SERVICE: in the worker's network namespace no connection leaves, even from
    Rust. Where the system does not allow a namespace, the test says so and skips."""
    import subprocess
    import sys

    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        before = _Counting.hits
        url = f"http://127.0.0.1:{server.server_port}/sparql"
        out = subprocess.run([sys.executable, "-c", PROBE % url], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        cut, reached = out.stdout.strip().split("\n", 1)
        _, fast = pools
        assert fast.network_isolated is (cut == "True")  # the pool's workers did what the probe could do
        if cut != "True":
            pytest.skip("this system allows no network namespace (neither root nor unprivileged user namespaces)")
        assert reached != "reached" and _Counting.hits == before, reached
    finally:
        server.shutdown()


def test_oxigraph_workers_cap_rows_and_stop_runaways(built):
    with QueryPool(built.dataset, engine="oxigraph", limits=Limits(timeout_s=2, max_rows=100), size=1) as pool:
        answer = pool.sparql("SELECT * WHERE { ?s ?p ?o }")
        assert answer.truncated and len(answer.rows) == 100
        graph_answer = pool.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert graph_answer.truncated and len(graph_answer.triples) == 100
        assert not pool.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 100").truncated
        with pytest.raises(QueryTimeout, match="time limit of 2 s"):
            pool.sparql(RUNAWAY)
        assert pool.killed == 1
        assert pool.sparql("ASK { ?s ?p ?o }").boolean is True  # the replacement worker
        with pytest.raises(QuerySyntaxError):
            pool.sparql("SELECT WHERE")


@pytest.mark.slow
def test_oxigraph_worker_over_its_memory_is_reported_and_replaced(built):
    # ORDER BY over the square of all triples (about 10^8 rows) must hold them all: far over 300 MB. Oxigraph
    # aborts the worker when an allocation fails; the pool says so and starts another.
    with QueryPool(built.dataset, engine="oxigraph", limits=Limits(timeout_s=120, max_rows=10, memory_mb=300),
                   size=1) as pool:
        with pytest.raises(QueryFailed, match="more than 300 MB of memory"):
            pool.sparql("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?c ?e")
        assert pool.sparql("ASK { ?s ?p ?o }").boolean is True


@pytest.fixture(scope="module")
def release_trig(built, tmp_path_factory):
    from oncograph.export import serialize_dataset

    path = tmp_path_factory.mktemp("release") / "oncograph.trig"
    path.write_bytes(serialize_dataset(built.dataset, "trig"))
    return path


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_workers_read_a_source_file_with_its_named_graphs(pools, release_trig, engine):
    plain, _ = pools
    with QueryPool(None, source_file=release_trig, engine=engine, size=1) as pool:
        assert pool.engine is Engine(engine) and ENTITIES in pool.known_graphs
        text = f"SELECT (COUNT(*) AS ?n) FROM <{ENTITIES}> WHERE {{ ?s ?p ?o }}"
        assert shown(pool.sparql(text)) == shown(plain.sparql(text))
        with pytest.raises(QueryRefused, match="FROM <urn:elsewhere>"):
            pool.sparql("SELECT * FROM <urn:elsewhere> WHERE { ?s ?p ?o }")


def _wait_until(condition, seconds: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_a_replacement_worker_refuses_a_file_changed_since_it_was_read(tmp_path, engine):
    """A worker that dies is replaced by one that reads the file again. If the file was rewritten meanwhile the
    replacement refuses to start (it would answer from other data than the pages), and the next queries say why
    and what to do instead of waiting for a worker; a new pool on the new file answers from it."""
    import os

    path = tmp_path / "graph.ttl"
    path.write_text("<urn:a> <urn:b> <urn:c> .\n")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with QueryPool(None, source_file=path, engine=engine, size=1, limits=Limits(timeout_s=5, max_rows=10)) as pool:
        assert int(pool.sparql(count).rows[0][0]) == 1
        path.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:d> .\n")
        next(iter(pool._all)).process.kill()  # the worker dies, as one the kernel stops for memory would
        with pytest.raises(QueryFailed, match="stopped while running the query"):
            pool.sparql(count)
        _wait_until(lambda: pool.broken)
        for _ in range(2):
            with pytest.raises(QueryFailed) as caught:
                pool.sparql(count)
            assert str(caught.value) == (
                f"{path} changed since the explorer read it (it was 26 bytes and is now 52): a query worker reading it"
                " now would answer from other data than the pages show, so none was started; restart `oncograph"
                " serve` to serve the file as it is now")
    with QueryPool(None, source_file=path, engine=engine, size=1) as fresh:
        assert int(fresh.sparql(count).rows[0][0]) == 2

    # the same size, a new modification time: changed too; and the check is made when the pool first starts
    pool = QueryPool(None, source_file=path, engine=engine, size=1)
    path.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:e> .\n")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    with pytest.raises(QueryFailed, match=r"changed since the explorer read it \(it was modified \(same size"):
        pool.start()
    pool.close()
    assert not pool._all


def test_the_explorer_hands_its_workers_the_stamp_of_the_file_it_read(landscape_file, monkeypatch):
    """The pages' read of a big file gives the stamp the workers check, so a change between the two is seen; a file
    that changes while it is being read is refused with a message saying so (simulated: appended to mid-read)."""
    from oncograph import store
    from oncograph.files import stamp
    from oncograph.serve import loading

    loaded = loading.load_from_file(landscape_file)
    assert loaded.dataset is None and loaded.stamp == stamp(landscape_file)
    site = open_site(graph_file=landscape_file, limits=Limits(timeout_s=20, max_rows=10), workers=1)
    try:
        assert site.pool._source == ("file", str(landscape_file.resolve()), stamp(landscape_file))
    finally:
        site.close()

    changing = landscape_file.parent / "changing.ttl"
    changing.write_bytes(landscape_file.read_bytes())
    real = store.load_graph

    def read_then_append(path, **kwargs):
        graph = real(path, **kwargs)
        with open(path, "a") as f:
            f.write("<urn:late> <urn:p> <urn:o> .\n")
        return graph

    monkeypatch.setattr(store, "load_graph", read_then_append)
    with pytest.raises(InputError, match=r"changing.ttl changed while it was being read \(it was [0-9,]+ bytes and is "
                                         r"now [0-9,]+\); start again once it is written"):
        loading.load_from_file(changing)


def test_the_served_file_is_not_offered_once_it_changed(landscape_file, tmp_path):
    """Downloads offer the served file itself; rewritten after start, it is refused with 409 and a message saying
    why, while the files made from the graph the pages hold are still offered."""
    served = tmp_path / "served.ttl"
    served.write_bytes(landscape_file.read_bytes())
    site = open_site(graph_file=served, limits=Limits(timeout_s=20, max_rows=10), workers=1)
    try:
        client = create_app(site).test_client()
        assert client.get("/downloads/served.ttl").data == served.read_bytes()
        with open(served, "a") as f:
            f.write("<urn:late> <urn:p> <urn:o> .\n")
        refused = client.get("/downloads/served.ttl")
        assert refused.status_code == 409
        assert ("served.ttl changed since the explorer read it (it was " in refused.get_data(as_text=True)
                and "restart the explorer to offer the file as it is now" in refused.get_data(as_text=True))
        assert client.get("/downloads/oncograph.nt").status_code == 200
    finally:
        site.close()


def test_a_big_file_is_read_by_oxigraph_with_the_same_triples(release_trig):
    small, big = load_from_file(release_trig, big=False), load_from_file(release_trig, big=True)
    assert small.dataset is not None and oxigraph_of(small.graph) is None
    assert big.dataset is None and big.path == release_trig and oxigraph_of(big.graph) is not None
    # the same triples; Oxigraph keeps xsd:nonNegativeInteger as xsd:integer (see oncograph.store), same values
    assert len(big.graph) == len(small.graph)
    assert {(s, p, str(o)) for s, p, o in big.graph} == {(s, p, str(o)) for s, p, o in small.graph}


@pytest.fixture(scope="module")
def landscape_file(tmp_path_factory):
    """A generated landscape just over the size above which files are read by Oxigraph (2 MB)."""
    path = tmp_path_factory.mktemp("landscape") / "landscape.ttl"
    synth.write(path, 1400, seed=5)
    assert path.stat().st_size > 2_000_000
    return path


@pytest.mark.parametrize("sorted_up_to", [None, 1000])
def test_the_explorer_on_a_big_file_uses_oxigraph_throughout(landscape_file, monkeypatch, sorted_up_to):
    """Queries, pages and downloads of a big file all come from Oxigraph; the downloads are the canonical (sorted)
    files up to SORTED_DOWNLOADS_MAX triples, and in Oxigraph's order above it (lowered here to 1,000)."""
    from oncograph.serve import site as site_module

    if sorted_up_to is not None:
        monkeypatch.setattr(site_module, "SORTED_DOWNLOADS_MAX", sorted_up_to)
    site = open_site(graph_file=landscape_file, limits=Limits(timeout_s=20, max_rows=10), workers=1)
    try:
        assert site.loaded.dataset is None and oxigraph_of(site.graph) is not None
        assert site.pool.engine is Engine.OXIGRAPH
        triples = len(set(site.graph))
        answer = site.run_sparql("SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s ?p ?o }")
        assert int(answer.rows[0][0]) == triples
        client = create_app(site).test_client()
        body = client.get("/downloads").get_data(as_text=True)
        assert landscape_file.name in body  # the file itself (for a TriG or N-Quads file, its named graphs)
        got = client.get(f"/downloads/{landscape_file.name}")
        assert got.status_code == 200 and got.data == landscape_file.read_bytes()
        import pyoxigraph as ox

        from oncograph.export import Format, serialize_graph

        if sorted_up_to is None:  # the canonical files, byte for byte as `oncograph export` writes them
            assert not site.downloads.store_order and "in its own order" not in body
            for name, fmt in (("oncograph.nt", Format.NTRIPLES), ("oncograph.ttl", Format.TURTLE),
                              ("oncograph.jsonld", Format.JSONLD), ("oncograph.compact.jsonld", Format.JSONLD_COMPACT)):
                assert client.get(f"/downloads/{name}").data == serialize_graph(site.graph, fmt), name
        else:  # the graph's own files, streamed by Oxigraph in its order, and said to be so
            assert site.downloads.store_order and "written by Oxigraph in its own order" in body
            assert "oncograph.compact.jsonld" not in body  # compaction is sorted: not made for the biggest graphs

        store, _ = oxigraph_of(site.graph)
        held = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
        files = [("oncograph.nt", ox.RdfFormat.N_TRIPLES), ("oncograph.ttl", ox.RdfFormat.TURTLE),
                 ("oncograph.jsonld", ox.RdfFormat.JSON_LD)]
        if sorted_up_to is None:
            files.append(("oncograph.compact.jsonld", ox.RdfFormat.JSON_LD))  # its context is embedded: no fetch
        for name, fmt in files:
            got = client.get(f"/downloads/{name}")
            assert got.status_code == 200
            assert {q.triple for q in ox.parse(got.data, format=fmt)} == held, name
        folder = site.downloads._folder
        assert folder is not None and (folder / "oncograph.nt").is_file()
        assert client.get("/network").status_code == 200
    finally:
        site.close()
    assert not folder.exists()  # closing the site removes the files it made


def test_serve_engine_option_and_a_big_file_over_http(landscape_file):
    with ServerProcess(["--input", str(landscape_file), "--workers", "1"]) as server:
        url = server.url + "sparql?query=" + urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"}),
                                    timeout=60) as r:
            n = int(json.load(r)["results"]["bindings"][0]["n"]["value"])
        assert n > 40_000
    with ServerProcess(["--engine", "oxigraph", "--workers", "1"]) as server:  # the curated data, on Oxigraph
        url = server.url + "sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"}),
                                    timeout=60) as r:
            assert json.load(r)["boolean"] is True


# --- the network view's node cap ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_cap(graph):
    return Networks(graph, SearchIndex(graph), max_nodes=25, landscape_layout_max=40)


def test_a_view_over_the_cap_keeps_the_best_connected_nodes_and_says_so(graph, small_cap):
    whole = Networks(graph, SearchIndex(graph)).view(NetworkQuery())
    assert whole.node_count > 25 and not whole.message
    view = small_cap.view(NetworkQuery())
    assert view.node_count == 25 and f"{whole.node_count:,} nodes" in view.message
    G = small_cap.projection(NetworkQuery())
    nodes = {e["data"]["id"] for e in view.elements if e["group"] == "nodes"}
    least_kept = min(G.degree(n) for n in nodes)
    assert all(G.degree(n) <= least_kept for n in set(G) - nodes)  # nothing left out has more ties
    for e in view.elements:
        if e["group"] == "edges":
            assert {e["data"]["source"], e["data"]["target"]} <= nodes
    # laid out for just what is drawn (the landscape is over landscape_layout_max), and the same every time
    assert len({(e["position"]["x"], e["position"]["y"]) for e in view.elements if e["group"] == "nodes"}) > 1
    assert small_cap.view(NetworkQuery()).elements == view.elements


def test_an_ego_view_over_the_cap_keeps_the_focus_and_its_neighbours_first(small_cap):
    G = small_cap.projection(NetworkQuery())
    hub = max(sorted(G), key=G.degree)
    view = small_cap.view(NetworkQuery(focus=hub, radius=3))
    nodes = {e["data"]["id"] for e in view.elements if e["group"] == "nodes"}
    assert hub in nodes and len(nodes) == 25 and "nearest the focus" in view.message
    neighbours = set(G[hub])
    assert neighbours <= nodes or nodes - {hub} <= neighbours


def test_workers_start_while_the_site_indexes_and_none_outlives_a_failed_start(monkeypatch):
    """open_site launches the workers before building the search index (they read the graph meanwhile); if
    anything fails before the site is made, every launched worker is stopped."""
    import oncograph.serve.site as site_module

    launched = []

    class Recording(QueryPool):
        def launch(self):
            super().launch()
            launched.extend(self._pending)
            return self

    def broken_index(graph):
        assert launched and all(w.process.poll() is None for w in launched)  # already running
        raise RuntimeError("index failed")

    monkeypatch.setattr(site_module, "QueryPool", Recording)
    monkeypatch.setattr(site_module, "SearchIndex", broken_index)
    with pytest.raises(RuntimeError, match="index failed"):
        open_site(workers=2)
    assert len(launched) == 2 and all(w.process.poll() is not None for w in launched)


def _big_component(n: int = 600):
    import networkx as nx

    G = nx.barabasi_albert_graph(n, 2, seed=4)
    return nx.relabel_nodes(G, {i: f"org/n{i:04d}" for i in G})


def test_a_big_component_is_laid_out_by_igraph_the_same_on_every_run(monkeypatch):
    """Above the Kamada-Kawai size a component is placed by igraph's Fruchterman-Reingold: the same places on
    every run whatever Python's random state, each node apart, scaled into [-1, 1], and igraph's random number
    generator given back to Python's random module afterwards."""
    import math
    import random

    import igraph
    import networkx as nx

    from oncograph.serve import network

    sub = _big_component()
    assert len(sub) > network.KAMADA_KAWAI_MAX
    monkeypatch.setattr(nx, "spring_layout", lambda *a, **k: pytest.fail("networkx's spring layout was used"))
    random.seed(1)
    first = network._component_layout(sub)
    random.seed(2)
    assert network._component_layout(sub) == first
    assert set(first) == set(sub)
    coords = list(first.values())
    assert max(max(abs(x), abs(y)) for x, y in coords) == pytest.approx(1.0)
    assert len({(round(x, 6), round(y, 6)) for x, y in coords}) == len(coords)
    assert min(math.dist(a, b) for a, b in zip(coords, coords[1:])) > 0
    probe = igraph.Graph(n=5)
    random.seed(9)
    a = probe.layout_random().coords
    random.seed(9)
    assert probe.layout_random().coords == a  # igraph draws from Python's random module again


def test_without_igraph_a_big_component_falls_back_to_networkx(monkeypatch):
    import builtins

    from oncograph.serve import network

    real_import = builtins.__import__

    def no_igraph(name, *args, **kwargs):
        if name == "igraph":
            raise ImportError("no igraph here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_igraph)
    sub = _big_component(450)
    pos, again = network._component_layout(sub), network._component_layout(sub)  # networkx's seeded spring layout
    assert set(pos) == set(sub)
    assert {n: tuple(map(float, xy)) for n, xy in pos.items()} == {n: tuple(map(float, xy)) for n, xy in again.items()}
