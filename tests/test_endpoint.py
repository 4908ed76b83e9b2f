"""oncograph.endpoint against real SPARQL servers (Virtuoso, Oxigraph) that scripts/sparql-server.sh runs on loopback.

Tests marked ``servers`` start the servers once per session, on free ports and in a temporary state directory,
and stop them by PID at the end; ``-m "not servers"`` leaves them out. The others need no server.
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from oncograph import endpoint
from oncograph.endpoint import EndpointError, PublishReport, bind_values, copy_graph, publish, query_endpoint
from oncograph.errors import InputError
from servers import Server, free_port, running  # tests/servers.py

servers = pytest.mark.servers

EX = Namespace("http://example.org/onco/")
STAGING = endpoint.STAGING_PREFIX


# --- servers: Server and the session fixtures virtuoso, oxigraph, virtuoso_tiny are in tests/servers.py ---------

@pytest.fixture(params=["virtuoso", "oxigraph"])
def server(request) -> Server:
    return request.getfixturevalue(request.param)


# --- graphs -------------------------------------------------------------------------------------------------------

ORGS = [  # key, class, name, language, founded (gYear), accredited (date), staff
    ("curie", EX.Hospital, "Institut Curie", "fr", "1909", "2001-05-01", 3500),
    ("gustave", EX.Hospital, "Gustave Roussy", "fr", "1926", "1999-11-23", 3100),
    ("esmo", EX.Society, "European Society for Medical Oncology", "en-GB", "1975", "2010-03-15", 120),
    ("eortc", EX.Network, "European Organisation for Research and Treatment of Cancer", "en", "1962",
     "2005-07-01", 230),
    ("nki", EX.Hospital, "Nederlands Kanker Instituut", "nl", "1913", "2012-09-30", 2400),
    ("uicc", EX.Society, "Union for International Cancer Control", "en", "1933", "1998-01-12", 60),
]


def sample_graph() -> Graph:
    """A few dozen triples: IRIs, language-tagged names, xsd:gYear, xsd:date and xsd:integer literals."""
    g = Graph()
    for key, cls, name, lang, founded, accredited, staff in ORGS:
        org = EX[key]
        g.add((org, RDF.type, cls))
        g.add((org, EX.name, Literal(name, lang=lang)))
        g.add((org, EX.founded, Literal(founded, datatype=XSD.gYear)))
        g.add((org, EX.accredited, Literal(accredited, datatype=XSD.date)))
        g.add((org, EX.staff, Literal(staff)))
    g.add((EX.curie, EX.name, Literal("Curie Institute", lang="en")))
    for a, b in [("curie", "eortc"), ("gustave", "eortc"), ("nki", "eortc"), ("esmo", "uicc"), ("curie", "esmo")]:
        g.add((EX[a], EX.partner, EX[b]))
    return g


def other_graph(size: int = 8) -> Graph:
    g = Graph()
    for i in range(size):
        g.add((EX[f"unit{i}"], EX.staff, Literal(i)))
        g.add((EX[f"unit{i}"], EX.name, Literal(f"Unit {i}", lang="en")))
    return g


def new_graph_iri() -> str:
    return f"http://example.org/graph/{uuid.uuid4().hex}"


def graph_on(server: Server, graph_iri: str) -> Graph:
    return query_endpoint(server.url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graph=graph_iri)


def staging_graphs(server: Server) -> set:
    _, rows = query_endpoint(server.url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o }"
                                         f' FILTER(STRSTARTS(STR(?g), "{STAGING}")) }}')
    return {row[0] for row in rows}


@pytest.fixture(scope="session")
def _published() -> dict:
    return {}


@pytest.fixture
def kg(server, _published) -> tuple[Server, str, Graph]:
    """The sample graph, published once per server: (server, graph IRI, the rdflib graph)."""
    if server.kind not in _published:
        iri = new_graph_iri()
        publish(sample_graph(), server.url, graph=iri, **server.credentials)
        _published[server.kind] = iri
    return server, _published[server.kind], sample_graph()


# --- publishing ---------------------------------------------------------------------------------------------------

@servers
def test_publish_loads_checks_the_count_and_replaces_the_graph(server):
    iri, first, second = new_graph_iri(), sample_graph(), other_graph()
    leftovers = staging_graphs(server)

    report = publish(first, server.url, graph=iri, **server.credentials)
    assert report == PublishReport(server.url, iri, endpoint.ServerKind(server.kind), len(first), 0)
    assert graph_on(server, iri).isomorphic(first)

    report = publish(second, server.url, graph=iri, **server.credentials)
    assert (report.triples, report.previous_triples) == (len(second), len(first))
    assert graph_on(server, iri).isomorphic(second)  # replaced as a whole, nothing of the first one left
    assert staging_graphs(server) == leftovers


@servers
def test_publish_names_the_server_by_kind_or_query_url(server):
    iri = new_graph_iri()
    query_url = server.url + ("/sparql" if server.kind == "virtuoso" else "/query")
    report = publish(other_graph(), query_url, graph=iri, kind=server.kind, **server.credentials)
    assert report.endpoint == server.url
    assert report.triples == len(other_graph())


@servers
def test_blank_nodes_are_published_as_blank_nodes(server):
    g = other_graph(2)
    address = BNode()
    g.add((EX.unit0, EX.address, address))
    g.add((address, EX.city, Literal("Villejuif")))
    iri = new_graph_iri()
    assert publish(g, server.url, graph=iri, **server.credentials).triples == len(g)
    assert graph_on(server, iri).isomorphic(g)


@servers
def test_a_select_returns_blank_nodes_as_blank_nodes(server):
    """A SELECT whose answer holds a blank node gives an rdflib BNode (its label is the server's own), the same one
    in every row of the answer that binds it, next to the IRIs and literals of the other columns."""
    g = other_graph(2)
    address = BNode()
    g.add((EX.unit0, EX.address, address))
    g.add((address, EX.city, Literal("Villejuif")))
    g.add((address, EX.postcode, Literal("94800")))
    iri = new_graph_iri()
    publish(g, server.url, graph=iri, **server.credentials)
    columns, rows = query_endpoint(server.url, PREFIXES + "SELECT ?a ?p ?o WHERE { ex:unit0 ex:address ?a . ?a ?p ?o }"
                                   " ORDER BY STR(?p)", graph=iri, **server.credentials)
    assert columns == ["a", "p", "o"] and len(rows) == 2
    assert all(isinstance(r[0], BNode) for r in rows) and rows[0][0] == rows[1][0]
    assert [(r[1], r[2]) for r in rows] == [(EX.city, Literal("Villejuif")), (EX.postcode, Literal("94800"))]


@servers
def test_publish_reads_files_and_refuses_ambiguous_sources(oxigraph, tmp_path):
    path = tmp_path / "kg.ttl"
    sample_graph().serialize(path, format="turtle")
    iri = new_graph_iri()
    assert publish(path, oxigraph.url, graph=iri).triples == len(sample_graph())

    two = Dataset()
    two.graph(URIRef("http://example.org/a")).add((EX.a, EX.p, EX.b))
    two.graph(URIRef("http://example.org/b")).add((EX.b, EX.p, EX.c))
    with pytest.raises(InputError, match="2 graphs"):
        publish(two, oxigraph.url, graph=iri)
    with pytest.raises(InputError, match="empty"):
        publish(Graph(), oxigraph.url, graph=iri)
    with pytest.raises(InputError, match="extension"):
        publish(tmp_path / "kg.unknown", oxigraph.url, graph=iri)
    assert graph_on(oxigraph, iri).isomorphic(sample_graph())


@servers
def test_virtuoso_refuses_a_wrong_password_and_keeps_the_graph(virtuoso):
    iri = new_graph_iri()
    publish(other_graph(), virtuoso.url, graph=iri, **virtuoso.credentials)
    with pytest.raises(EndpointError, match="401") as caught:
        publish(sample_graph(), virtuoso.url, graph=iri, user="dba", password="wrong")
    assert "previous graph was kept" in str(caught.value)
    assert caught.value.exit_code == 3
    with pytest.raises(InputError, match="user and password"):
        publish(sample_graph(), virtuoso.url, graph=iri)
    assert graph_on(virtuoso, iri).isomorphic(other_graph())


class CuttingProxy:
    """Forwards TCP connections to a server, and cuts a connection once its client has sent ``cut_after`` bytes.

    Small requests (probes, queries) pass; a large upload is cut midway, after ``on_cut`` has run. The first
    ``spare`` connections that reach ``cut_after`` bytes pass whole (to cut a batched upload at a later batch).
    """

    def __init__(self, port: int, *, cut_after: int, on_cut: Callable[[], None] = lambda: None, spare: int = 0):
        self.target, self.cut_after, self.on_cut, self.cuts = port, cut_after, on_cut, 0
        self.spare, self.spared, self.lock = spare, 0, threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._forward, args=(client,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target))
        except OSError:
            self._abort(client)
            return
        threading.Thread(target=self._back, args=(upstream, client), daemon=True).start()
        sent, whole = 0, False
        try:
            while data := client.recv(65536):
                sent += len(data)
                if sent > self.cut_after and not whole:
                    with self.lock:
                        whole = self.spared < self.spare
                        self.spared += whole
                if sent > self.cut_after and not whole:
                    self.cuts += 1
                    self.on_cut()
                    break
                upstream.sendall(data)
            else:
                upstream.shutdown(socket.SHUT_WR)
                return
        except OSError:
            pass
        self._abort(client)
        self._abort(upstream)

    @staticmethod
    def _back(upstream: socket.socket, client: socket.socket) -> None:
        try:
            while data := upstream.recv(65536):
                client.sendall(data)
            client.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    @staticmethod
    def _abort(sock: socket.socket) -> None:
        """Close with a reset, as a dropped connection looks to the other side."""
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.close()
        except OSError:
            pass


@servers
def test_publish_cut_off_midway_keeps_the_previous_graph(server):
    iri, previous = new_graph_iri(), sample_graph()
    publish(previous, server.url, graph=iri, **server.credentials)
    leftovers = staging_graphs(server)
    proxy = CuttingProxy(int(server.url.rsplit(":", 1)[1]), cut_after=20_000)
    try:
        with pytest.raises(EndpointError) as caught:
            publish(other_graph(600), proxy.url, graph=iri, retries=2, **server.credentials)
    finally:
        proxy.close()
    assert proxy.cuts == 2  # one cut per attempt: the upload was tried again, then given up
    assert "previous graph was kept" in str(caught.value)
    assert graph_on(server, iri).isomorphic(previous)
    assert staging_graphs(server) == leftovers


@servers
def test_publish_with_the_server_killed_midway_keeps_the_previous_graph(server):
    iri, previous = new_graph_iri(), sample_graph()
    publish(previous, server.url, graph=iri, **server.credentials)

    def kill_server() -> None:
        os.kill(server.pid(), 9)

    proxy = CuttingProxy(int(server.url.rsplit(":", 1)[1]), cut_after=20_000, on_cut=kill_server)
    try:
        with pytest.raises(EndpointError) as caught:
            publish(other_graph(600), proxy.url, graph=iri, kind=server.kind, retries=2, **server.credentials)
    finally:
        proxy.close()
        server.start()  # after the kill; a no-op if it is still running
    assert proxy.cuts == 1
    assert "previous graph was kept" in str(caught.value)
    assert graph_on(server, iri).isomorphic(previous)


def blank_node_graph(size: int) -> Graph:
    """other_graph(size) and, for every tenth unit, an address: a blank node with two triples of its own."""
    g = other_graph(size)
    for i in range(0, size, 10):
        address = BNode()
        g.add((EX[f"unit{i}"], EX.address, address))
        g.add((address, EX.city, Literal(f"City {i}")))
        g.add((address, EX.postcode, Literal(f"{i:05d}")))
    return g


@servers
def test_publish_in_batches_keeps_blank_nodes_whole_and_reports_progress(server):
    """Uploaded 50 triples at a time, the graph arrives whole: each blank node keeps its three triples (they travel
    in one request: a label names the same node only within one document), and progress counts up to the total."""
    g, iri = blank_node_graph(200), new_graph_iri()
    leftovers = staging_graphs(server)
    seen = []
    report = publish(g, server.url, graph=iri, batch_triples=50, progress=lambda sent, total: seen.append((sent, total)),
                     **server.credentials)
    assert report.triples == len(g) == 460
    assert graph_on(server, iri).isomorphic(g)
    assert [sent for sent, _ in seen] == [50, 100, 150, 200, 250, 300, 350, 400, 460]  # 400 plain, then 60 blank
    assert {total for _, total in seen} == {460}
    assert staging_graphs(server) == leftovers
    with pytest.raises(InputError, match="batch_triples must be at least 1"):
        publish(g, server.url, graph=iri, batch_triples=0, **server.credentials)


def test_batches_put_every_blank_node_line_in_one_request():
    body = ('<urn:a> <urn:p> "1" .\n<urn:a> <urn:q> _:b0 .\n_:b0 <urn:p> "x" .\n<urn:b> <urn:p> "2" .\n'
            '<urn:c> <urn:p> "3" .\n<urn:d> <urn:p> "a_:b" .\n').encode()
    batches = list(endpoint._batches(body, 2))
    assert [n for n, _ in batches] == [2, 1, 3]
    assert batches[0][1] == b'<urn:a> <urn:p> "1" .\n<urn:b> <urn:p> "2" .\n'
    # the last holds every line with "_:", a literal's too (harmless: it only makes that request longer)
    assert batches[2][1] == b'<urn:a> <urn:q> _:b0 .\n_:b0 <urn:p> "x" .\n<urn:d> <urn:p> "a_:b" .\n'
    assert sum(n for n, _ in endpoint._batches(body, 100)) == 6 and len(list(endpoint._batches(body, 100))) == 2


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 100])
@pytest.mark.parametrize("tail", ["\n", ""])
def test_batches_without_blank_nodes_cut_the_text_at_line_ends(size, tail):
    """Without blank nodes the text is cut into runs of ``size`` whole lines, as splitting it into lines would give,
    a last line without its newline included."""
    lines = [f'<urn:s{i}> <urn:p> "{i}\\n{"x" * i}" .\n' for i in range(7)]
    body = ("".join(lines)[:-1] + tail).encode()
    got = list(endpoint._batches(body, size))
    split = body.splitlines(keepends=True)
    assert got == [(len(split[i:i + size]), b"".join(split[i:i + size])) for i in range(0, len(split), size)]
    assert b"".join(b for _, b in got) == body and list(endpoint._batches(b"", size)) == []


@servers
def test_publish_of_an_oxigraph_held_graph_uploads_its_own_dump(server, tmp_path):
    """A big file's graph, held in Oxigraph, goes up as Oxigraph writes it (not sorted: the order does not matter to
    the server), in batches; the server then holds the same triples."""
    from oncograph import synth
    from oncograph.store import load_graph

    path = tmp_path / "landscape.ttl"
    synth.write(path, 40, seed=6)
    held = load_graph(path, backend="oxigraph")
    text = endpoint._upload_text(held)
    assert text.count(b"\n") == len(held) and text.splitlines() != sorted(text.splitlines())  # store order
    iri, seen = new_graph_iri(), []
    report = publish(held, server.url, graph=iri, batch_triples=300, progress=lambda sent, total: seen.append(sent),
                     **server.credentials)
    assert report.triples == len(held) and seen[0] == 300 and seen[-1] == len(held)
    assert set(graph_on(server, iri)) == set(held)  # what Oxigraph holds (xsd:nonNegativeInteger as xsd:integer)


@servers
def test_publish_cut_off_at_a_later_batch_keeps_the_previous_graph(server):
    """The first batch arrives, the second is cut (on each attempt): the staging graph, half filled, is dropped and
    the named graph keeps its previous triples."""
    iri, previous = new_graph_iri(), sample_graph()
    publish(previous, server.url, graph=iri, **server.credentials)
    leftovers = staging_graphs(server)
    proxy = CuttingProxy(int(server.url.rsplit(":", 1)[1]), cut_after=20_000, spare=1)
    try:
        with pytest.raises(EndpointError) as caught:
            publish(other_graph(1200), proxy.url, graph=iri, kind=server.kind, retries=2, batch_triples=1000,
                    **server.credentials)
    finally:
        proxy.close()
    assert (proxy.spared, proxy.cuts) == (1, 2)  # the first batch passed; the second was cut, tried again, cut again
    assert "uploading triples 1001-2000 of 2400" in str(caught.value)
    assert "previous graph was kept" in str(caught.value)
    assert graph_on(server, iri).isomorphic(previous)
    assert staging_graphs(server) == leftovers


@pytest.fixture
def virtuoso_small_transactions(tmp_path):
    """A Virtuoso of this test's own whose transactions may write at most 200 kB (TransactionAfterImageLimit)."""
    yield from running("virtuoso", tmp_path / "virtuoso-small-txn", SPARQL_TXN_LIMIT="200000")


@servers
def test_a_swap_the_server_refuses_keeps_the_previous_graph_and_says_what_to_raise(virtuoso_small_transactions):
    """A real Virtuoso refuses the MOVE of a graph too big for its transaction limit (SR325). The staging graph
    still holds every triple, so the swap did not happen: the error says the previous graph was kept and names the
    setting to raise, and the staging graph is dropped."""
    server = virtuoso_small_transactions
    # in batches small enough for the limit, uploads go through; the swap's one transaction writes the removal of
    # the previous triples (the swap into an empty graph, Virtuoso does without: that first publish succeeds)
    iri, previous, bigger = new_graph_iri(), other_graph(3000), other_graph(3001)
    publish(previous, server.url, graph=iri, batch_triples=500, **server.credentials)
    with pytest.raises(EndpointError) as caught:
        publish(bigger, server.url, graph=iri, batch_triples=500, **server.credentials)
    message = str(caught.value)
    assert "the server refused the swap" in message and "SR325" in message
    assert "raise it for a swap of 6002 triples" in message and "previous graph was kept" in message
    assert caught.value.exit_code == 3
    assert graph_on(server, iri).isomorphic(previous)
    assert staging_graphs(server) == set()
    # in one request the upload itself is refused: the same advice, and a smaller batch as the other way out
    with pytest.raises(EndpointError) as caught:
        publish(bigger, server.url, graph=iri, batch_triples=6002, **server.credentials)
    message = str(caught.value)
    assert "uploading triples 1-6002 of 6002" in message and "SR325" in message
    assert "TransactionAfterImageLimit" in message and "a smaller batch_triples than 6002" in message
    assert graph_on(server, iri).isomorphic(previous)
    assert staging_graphs(server) == set()


# --- querying -----------------------------------------------------------------------------------------------------

PREFIXES = "PREFIX ex: <http://example.org/onco/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
QUERIES = {
    "names": "SELECT ?org ?name WHERE { ?org ex:name ?name }",
    "typed": "SELECT * WHERE { ?org ex:founded ?year ; ex:accredited ?date ; ex:staff ?staff }",
    "date filter": 'SELECT ?org ?date WHERE { ?org ex:accredited ?date FILTER(?date >= "2005-01-01"^^xsd:date) }',
    "integer filter": "SELECT ?org WHERE { ?org ex:staff ?staff FILTER(?staff > 1000) }",
    "language": 'SELECT ?org ?name WHERE { ?org ex:name ?name FILTER(LANGMATCHES(LANG(?name), "en")) }',
    "optional": 'SELECT ?org ?fr WHERE { ?org a ex:Hospital OPTIONAL { ?org ex:name ?fr FILTER(LANG(?fr) = "fr") } }',
    "aggregate": "SELECT ?hub (COUNT(?org) AS ?n) WHERE { ?org ex:partner ?hub } GROUP BY ?hub",
    "ask yes": 'ASK { ?org ex:name "Institut Curie"@fr }',
    "ask no": 'ASK { ?org ex:name "Institut Curie"@de }',
    "construct": "CONSTRUCT { ?hub ex:member ?org . ?org ex:label ?name }"
                 " WHERE { ?org ex:partner ?hub ; ex:name ?name }",
}


def same_answer(remote, local) -> None:
    """Assert a query_endpoint answer equals rdflib's own Result for the same query."""
    if local.type == "ASK":
        assert remote is bool(local.askAnswer)
    elif local.type == "SELECT":
        columns, rows = remote  # compared by column name: SELECT * leaves the column order to the engine
        assert sorted(columns) == sorted(str(v) for v in local.vars)
        assert {frozenset(zip(columns, row)) for row in rows} == {
            frozenset(zip((str(v) for v in local.vars), row)) for row in local}
        assert len(rows) == len(local)
    else:
        assert remote.isomorphic(local.graph)


@servers
@pytest.mark.parametrize("name", QUERIES)
def test_query_results_equal_rdflib_results(kg, name):
    server, iri, graph = kg
    text = PREFIXES + QUERIES[name]
    same_answer(query_endpoint(server.url, text, graph=iri), graph.query(text))


@servers
def test_query_is_scoped_to_the_named_graph(kg):
    server, iri, graph = kg
    other = new_graph_iri()
    publish(other_graph(), server.url, graph=other, **server.credentials)
    columns, rows = query_endpoint(server.url, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", graph=iri)
    assert {tuple(r) for r in rows} == set(graph)
    elsewhere = f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{iri}>) }}"
    assert query_endpoint(server.url, elsewhere, graph=iri) is False


@servers
def test_bindings_are_terms(kg):
    server, iri, graph = kg
    text = PREFIXES + "SELECT ?org ?date WHERE { ?org ex:name ?name ; ex:accredited ?date }"
    for name in (Literal("Institut Curie", lang="fr"), Literal("Curie Institute", lang="en")):
        bound = bind_values(text, {"name": name})
        assert query_endpoint(server.url, text, graph=iri, bindings={"name": name}) == (["org", "date"], [
            (EX.curie, Literal("2001-05-01", datatype=XSD.date))])
        same_answer(query_endpoint(server.url, bound, graph=iri), graph.query(bound))
    when = {"date": Literal("1999-11-23", datatype=XSD.date)}
    assert query_endpoint(server.url, text, graph=iri, bindings=when).rows == [(EX.gustave, when["date"])]


NASTY = [
    '"x" } ; DROP ALL ; SELECT * {',
    'x" } } ; DROP ALL #',
    "line one\nline two\"\"\" } DROP ALL",
    "back\\slash\\\" } CLEAR DEFAULT",
    "tab\tcarriage\r'''quotes'''",
    "<http://example.org/onco/curie>",
]


@servers
def test_a_malicious_string_is_only_ever_a_literal(kg):
    server, iri, graph = kg
    before = len(graph_on(server, iri))
    text = "SELECT ?x WHERE { OPTIONAL { ?s <http://example.org/onco/name> ?x } }"
    for value in NASTY:
        literal = Literal(value)
        assert query_endpoint(server.url, text, graph=iri, bindings={"x": literal}).rows == [(literal,)]
    assert query_endpoint(server.url, PREFIXES + "SELECT ?org WHERE { ?org ex:name ?name }", graph=iri,
                          bindings={"name": Literal(NASTY[0])}).rows == []
    assert len(graph_on(server, iri)) == before


def test_bind_values_round_trips_nasty_literals_on_rdflib():
    text = "SELECT ?x WHERE { OPTIONAL { ?s <http://example.org/onco/name> ?x } }"
    for value in NASTY:
        for literal in (Literal(value), Literal(value, lang="en"), Literal(value, datatype=XSD.token)):
            assert [tuple(r) for r in Graph().query(bind_values(text, {"x": literal}))] == [(literal,)]


def test_bind_values_refuses_what_it_cannot_bind_safely():
    text = "SELECT ?org WHERE { ?org <http://example.org/onco/name> ?name }"
    refusals = {
        "IRI": {"name": URIRef("http://example.org/x> } DROP ALL {<y")},
        "datatype": {"name": Literal("x", datatype="http://example.org/t> } DROP ALL {<y")},
        "blank node": {"name": BNode()},
        "plain string": {"name": "Institut Curie"},
        "not a SPARQL variable": {"na me": Literal("x")},
        "does not occur": {"nmae": Literal("x")},
    }
    for message, bindings in refusals.items():
        with pytest.raises(InputError, match=message):
            bind_values(text, bindings)
    with pytest.raises(InputError, match="WHERE"):
        bind_values("DESCRIBE ?x", {"x": EX.curie})
    with pytest.raises(InputError, match="full form"):
        bind_values("CONSTRUCT WHERE { ?s ?p ?o }", {"o": Literal(1)})
    with pytest.raises(InputError, match="does not parse"):
        bind_values("SELECT ?x WHERE { ?x", {"x": EX.curie})
    assert bind_values(text, {}) == text


def test_bind_values_finds_the_where_group_past_templates_strings_and_comments():
    text = ('# { a comment\nPREFIX ex: <http://example.org/onco/>\nCONSTRUCT { ?org ex:label "}{" }\n'
            "WHERE { ?org ex:name ?name } # }")
    bound = bind_values(text, {"name": Literal("Institut Curie", lang="fr")})
    assert 'WHERE { VALUES (?name) { ("Institut Curie"@fr) } ?org ex:name ?name }' in bound
    assert set(sample_graph().query(bound).graph) == {(EX.curie, EX.label, Literal("}{"))}


# --- complete answers or errors -----------------------------------------------------------------------------------

@servers
def test_results_cut_at_result_set_max_rows_are_an_error(virtuoso_tiny):
    iri = new_graph_iri()
    big = other_graph(30)  # 60 triples, over the 20-row limit
    assert publish(big, virtuoso_tiny.url, graph=iri, **virtuoso_tiny.credentials).triples == 60
    for text in ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                 "SELECT * WHERE { ?s ?p ?o } LIMIT 21"):
        with pytest.raises(EndpointError, match="ResultSetMaxRows limit of 20"):
            query_endpoint(virtuoso_tiny.url, text, graph=iri)
    assert len(query_endpoint(virtuoso_tiny.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 20", graph=iri).rows) == 20
    assert len(query_endpoint(virtuoso_tiny.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 5", graph=iri).rows) == 5
    with pytest.raises(EndpointError, match="ResultSetMaxRows limit of 20") as caught:
        query_endpoint(virtuoso_tiny.url, "SELECT * WHERE { ?s ?p ?o }", graph=iri)
    assert "raise ResultSetMaxRows (virtuoso.ini, [SPARQL]; SPARQL_MAX_ROWS" in str(caught.value)


@servers
def test_sorted_pages_past_virtuosos_max_sorted_top_rows_are_an_error_naming_it(virtuoso_tiny):
    """Pages of an ORDER BY end at MaxSortedTopRows (30 in this Virtuoso, 10,000 by default), below the row cap a
    client would page under: the error says which setting, where, and what to do."""
    iri = new_graph_iri()
    publish(other_graph(30), virtuoso_tiny.url, graph=iri, **virtuoso_tiny.credentials)
    page = "SELECT ?s ?o WHERE {{ ?s ?p ?o }} ORDER BY ?s ?o LIMIT 10 OFFSET {}"
    assert len(query_endpoint(virtuoso_tiny.url, page.format(20), graph=iri).rows) == 10  # 30 rows sorted: allowed
    with pytest.raises(EndpointError, match="Virtuoso sorts at most MaxSortedTopRows rows") as caught:
        query_endpoint(virtuoso_tiny.url, page.format(21), graph=iri)
    message = str(caught.value)
    assert "SR353" in message and "SPARQL_SORTED_ROWS for scripts/sparql-server.sh" in message
    assert caught.value.exit_code == 3
    assert len(query_endpoint(virtuoso_tiny.url, page.format(21).replace("ORDER BY ?s ?o ", ""), graph=iri).rows) == 10


def with_blank_nodes(size: int) -> Graph:
    """``other_graph(size)`` plus an address, a blank node with a city, for half of its units."""
    g = other_graph(size)
    for i in range(size // 2):
        address = BNode()
        g.add((EX[f"unit{i}"], EX.address, address))
        g.add((address, EX.city, Literal(f"City {i}", lang="en")))
    return g


@servers
def test_a_graph_over_result_set_max_rows_is_copied_in_pages(virtuoso_tiny):
    """One CONSTRUCT of this 90-triple graph would be cut at 20 rows; copy_graph reads it in pages of 19, and a blank
    node named on two pages is one node in the copy (the pages parsed one by one would make two)."""
    iri = new_graph_iri()
    source = with_blank_nodes(30)
    assert publish(source, virtuoso_tiny.url, graph=iri, **virtuoso_tiny.credentials).triples == 90
    seen = []
    copy = copy_graph(virtuoso_tiny.url, iri, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(19, 90), (38, 90), (57, 90), (76, 90), (90, 90)]
    assert len(copy) == 90 and isomorphic(copy, source)
    one_by_one = Graph()
    for offset in range(0, 90, 19):
        one_by_one += query_endpoint(virtuoso_tiny.url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
                                     f" LIMIT 19 OFFSET {offset}", graph=iri)
    assert len(one_by_one) == 90 and not isomorphic(one_by_one, source)  # so some blank node spans two pages

    from oncograph.store import oxigraph_of
    held = copy_graph(virtuoso_tiny.url, iri, oxigraph_above=0)  # parsed by pyoxigraph, as big copies are
    assert oxigraph_of(held) is not None and isomorphic(Graph() + held, source)


@servers
def test_a_graph_under_the_limit_and_on_oxigraph_comes_in_one_answer(virtuoso_tiny, oxigraph):
    iri = new_graph_iri()
    small = other_graph(9)  # 18 triples, under the 20-row limit
    for server in (virtuoso_tiny, oxigraph):
        publish(small, server.url, graph=iri, **server.credentials)
        seen = []
        copy = copy_graph(server.url, iri, progress=lambda done, total: seen.append(done))
        assert isomorphic(copy, small) and seen == []  # progress is for pages; there were none
    publish(other_graph(30), oxigraph.url, graph=iri)  # Oxigraph server has no row limit
    assert len(copy_graph(oxigraph.url, iri)) == 60


@servers
@pytest.mark.parametrize("change", ["grows", "same size"])
def test_a_graph_written_while_it_is_copied_in_pages_is_an_error(virtuoso_tiny, change):
    """A real publish swaps the graph between the first and the second page: the copy would mix the two graphs, so
    it is refused, saying so; the same size with other triples is caught by the server's summing-up."""
    iri = new_graph_iri()
    publish(other_graph(30), virtuoso_tiny.url, graph=iri, **virtuoso_tiny.credentials)
    replacement = other_graph(31) if change == "grows" else Graph()
    if change == "same size":
        for i in range(30):
            replacement.add((EX[f"unit{i}"], EX.staff, Literal(i + 100)))
            replacement.add((EX[f"unit{i}"], EX.name, Literal(f"Unit {i}", lang="en")))
    swapped = []

    def publish_once(done, total):
        if not swapped:
            swapped.append(publish(replacement, virtuoso_tiny.url, graph=iri, **virtuoso_tiny.credentials))

    with pytest.raises(EndpointError, match="changed while it was copied in pages of 19 triples") as caught:
        copy_graph(virtuoso_tiny.url, iri, progress=publish_once)
    message = str(caught.value)
    assert "ResultSetMaxRows is 20" in message and "copy it again once nothing writes to it" in message
    assert caught.value.exit_code == 3 and swapped
    if change == "grows":
        assert "it held 60 triples before and 62 after" in message
    else:
        assert "it held 60 triples before and after, but other ones" in message
    assert isomorphic(copy_graph(virtuoso_tiny.url, iri), replacement)  # once nothing writes, the copy is whole


@pytest.fixture
def virtuoso_2s(tmp_path):
    """A Virtuoso of this test's own that stops every query at 2 seconds. Of its own, and stopped after the test,
    because Virtuoso goes on computing a timed-out query after it has answered with the error (two cores busy
    until the server stops)."""
    yield from running("virtuoso", tmp_path / "virtuoso-2s", SPARQL_TIMEOUT_S="2")


@servers
def test_a_query_past_virtuosos_time_limit_is_an_error(virtuoso_2s, monkeypatch):
    """A real Virtuoso stops a query at its MaxQueryExecutionTime (2 s here): for this aggregate it answers 500 with
    S1T00 "Transaction timed out", which is an error naming the time limit and what to do, after one attempt (not
    retried); the fake server below covers the other way a time limit shows, partial results."""
    iri = new_graph_iri()
    publish(other_graph(30), virtuoso_2s.url, graph=iri, **virtuoso_2s.credentials)
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # the whole store, to the 4th
    waits = []
    monkeypatch.setattr(endpoint.time, "sleep", waits.append)  # a retry would wait first
    with pytest.raises(EndpointError, match="stopped the request at its time limit") as caught:
        query_endpoint(virtuoso_2s.url, heavy, timeout=60)
    assert "simplify the query or raise the server's limit" in str(caught.value) and caught.value.exit_code == 3
    assert waits == []  # not retried: the same query would only time out again
    assert query_endpoint(virtuoso_2s.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graph=iri).rows == \
        [(Literal(60),)]  # a quick query on the same server still answers


class _PartialAnswer(http.server.BaseHTTPRequestHandler):
    """Answers like Virtuoso after its time limit: HTTP 200, some rows, and X-SQL-State: S1TAT."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
            {"s": {"type": "uri", "value": "http://example.org/onco/curie"}}]}}).encode()
        self.send_response(200)
        self.send_header("Server", "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu")
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("X-SQL-State", "S1TAT")
        self.send_header("X-SQL-Message", "RC...: Returning incomplete results, query interrupted by result timeout.")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_partial_results_after_a_timeout_are_an_error():
    stub = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PartialAnswer)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    try:
        with pytest.raises(EndpointError, match="partial results.*S1TAT"):
            query_endpoint(f"http://127.0.0.1:{stub.server_port}", "SELECT ?s WHERE { ?s ?p ?o }", kind="virtuoso")
    finally:
        stub.shutdown()
        stub.server_close()


def test_an_unreachable_endpoint_fails_after_bounded_retries(monkeypatch):
    waits = []
    monkeypatch.setattr(endpoint.time, "sleep", waits.append)
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(EndpointError) as caught:
        query_endpoint(url, "ASK {}", kind="virtuoso")
    message = str(caught.value)
    assert "after 3 attempt(s)" in message and "connection refused" in message and url in message
    assert "bash scripts/sparql-server.sh start virtuoso" in message
    assert waits == [0.5, 1.0]
    assert caught.value.exit_code == 3

    waits.clear()
    with pytest.raises(EndpointError, match="is the server running"):
        publish(sample_graph(), url, graph=new_graph_iri(), retries=4)  # the kind probe fails first
    assert waits == [0.5, 1.0, 2.0]


@servers
def test_a_bad_query_is_not_retried_and_says_what_the_server_answered(server, monkeypatch):
    monkeypatch.setattr(endpoint.time, "sleep", lambda seconds: pytest.fail("a 4xx answer was retried"))
    with pytest.raises(EndpointError, match="400") as caught:
        query_endpoint(server.url, "SELECT * WHERE { ?s ?p ?o ", kind=server.kind)
    assert server.url in str(caught.value)
    assert "\n" not in str(caught.value)
    with pytest.raises(InputError, match="not INSERT"):
        query_endpoint(server.url, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", kind=server.kind)


@servers
def test_the_script_reports_status(server):
    done = server.script("status")
    assert done.returncode == 0
    assert f"{server.kind} running on {server.url}" in done.stdout


def test_credentials_come_from_the_environment_only_when_asked():
    env = {"ONCOGRAPH_ENDPOINT_USER": "curator", "ONCOGRAPH_ENDPOINT_PASSWORD": "pw"}
    assert endpoint.endpoint_credentials_from_env(env) == ("curator", "pw")
    assert endpoint.endpoint_credentials_from_env({"ONCOGRAPH_ENDPOINT_USER": ""}) == (None, None)


# --- the publish command with --input -------------------------------------------------------------------------------

EXE = str(Path(sys.executable).parent / "oncograph")


@servers
def test_publish_command_uploads_a_file_in_batches_with_progress(server, tmp_path):
    """`oncograph publish --input` as a real process: a generated landscape goes up 400 triples a request, each
    batch a progress line on stderr, the last saying the swap follows; the server then holds the file's triples."""
    from oncograph import synth

    path = tmp_path / "landscape.ttl"
    triples = synth.write(path, 40, seed=3).triples
    iri = new_graph_iri()
    creds = server.credentials
    auth = ["--user", creds["user"], "--password", creds["password"]] if creds else []
    res = subprocess.run([EXE, "publish", "--endpoint", server.url, "--input", str(path), "--graph", iri,
                          "--batch", "400", *auth], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout == (f"published {triples} triples to <{iri}> on {server.kind} at {server.url} (it held 0"
                          f" before); checked: the graph holds {triples} triples\n")
    lines = res.stderr.splitlines()
    assert len(lines) == -(-triples // 400) and lines[0] == f"uploaded 400 of {triples:,} triples"
    assert lines[-1] == f"uploaded {triples:,} of {triples:,} triples; swapping them into place"
    assert len(graph_on(server, iri)) == triples
    quiet = subprocess.run([EXE, "publish", "--endpoint", server.url, "--input", str(path), "--graph", iri, "-q",
                            *auth], capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert f"(it held {triples} before)" in quiet.stdout


@servers
def test_publish_command_says_what_it_reads_from_a_big_file(server, tmp_path, monkeypatch):
    """Above PROGRESS_ABOVE bytes (lowered here to this landscape's size), `publish --input` says what it reads before
    the upload lines, as the other --input commands do; -q keeps stderr empty, and a file below it reads quietly."""
    from click.testing import CliRunner

    from oncograph import synth
    from oncograph.cli import main, progress

    path = tmp_path / "landscape.ttl"
    triples = synth.write(path, 30, seed=4).triples
    iri = new_graph_iri()
    creds = server.credentials
    auth = ["--user", creds["user"], "--password", creds["password"]] if creds else []
    args = ["publish", "--endpoint", server.url, "--input", str(path), "--graph", iri, "--batch", "100000", *auth]
    small = CliRunner().invoke(main, args)
    assert small.exit_code == 0, small.output
    assert small.stderr.splitlines() == [f"uploaded {triples:,} of {triples:,} triples; swapping them into place"]
    monkeypatch.setattr(progress, "PROGRESS_ABOVE", path.stat().st_size)
    big = CliRunner().invoke(main, args)
    assert big.exit_code == 0, big.output
    lines = big.stderr.splitlines()
    assert lines[0] == f"reading {path} ({path.stat().st_size / 1e6:,.0f} MB) ..."
    assert lines[1].startswith(f"read {path} in ") and lines[1].endswith(f" s; {triples:,} triples in all")
    assert lines[2:] == small.stderr.splitlines()
    assert f"(it held {triples} before)" in big.stdout
    quiet = CliRunner().invoke(main, [*args, "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert len(graph_on(server, iri)) == triples


@pytest.mark.parametrize("args, message", [
    (["--input", "missing.ttl"], "missing.ttl: no such file"),
    (["--input", "graph.unknown"], "cannot tell the RDF format from the extension"),
    (["--input", "kg.ttl", "--data", "data"], "give --data or --input, not both"),
    (["--batch", "0"], "Invalid value for '--batch'"),
])
def test_publish_command_refuses_bad_input_before_any_request(tmp_path, args, message):
    """Exit 2 and a message naming the problem; the endpoint (a closed port) is never asked."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "kg.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    res = subprocess.run([EXE, "publish", "--endpoint", f"http://127.0.0.1:{port}", *args], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert message in res.stderr
