"""/sparql as SPARQL clients see it: a real server in a child process, queried with SPARQLWrapper and urllib.

Every named query gets the same answer through the endpoint as on the embedded graph; updates, SERVICE and a
runaway query are refused or stopped, with a status and a message that say so.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from oncograph.query import bind_params, bind_values, list_queries, run_query, run_sparql
from oncograph.serve.server import ServerProcess

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUERIES = list_queries()


@pytest.fixture(scope="module")
def server():
    with ServerProcess(["--timeout", "3", "--max-rows", "1000", "--workers", "2"]) as s:
        yield s


@pytest.fixture(scope="module")
def endpoint(server):
    return server.url + "sparql"


def client(endpoint, query, fmt=JSON, method=None) -> SPARQLWrapper:
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method:
        sw.setMethod(POST)
        sw.setRequestMethod(method)
    return sw


def term(binding: dict):
    if binding["type"] == "uri":
        return URIRef(binding["value"])
    if binding["type"] == "bnode":
        return BNode(binding["value"])
    return Literal(binding["value"], lang=binding.get("xml:lang"), datatype=binding.get("datatype"))


def norm(t) -> str:
    if t is None:
        return ""
    if isinstance(t, Literal) and t.datatype == XSD.string:
        t = Literal(str(t))
    return t.n3()


def rows_of(json_result: dict) -> list[tuple[str, ...]]:
    columns = json_result["head"]["vars"]
    return sorted(tuple(norm(term(b[c]) if c in b else None) for c in columns)
                  for b in json_result["results"]["bindings"])


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_named_query_answers_as_on_the_embedded_graph(endpoint, graph, query):
    text = bind_values(query.text, bind_params(query, {}))
    local = run_query(query.name, graph=graph)
    if query.form.value == "SELECT":
        remote = client(endpoint, text).queryAndConvert()
        assert remote["head"]["vars"] == local.columns
        assert rows_of(remote) == sorted(tuple(norm(t) for t in row) for row in local.rows)
        assert local.rows, "a named query that finds nothing on the curated data proves little"
    elif query.form.value == "ASK":
        assert client(endpoint, text).queryAndConvert()["boolean"] == local.boolean
    else:
        body = client(endpoint, text, TURTLE).queryAndConvert()
        assert isomorphic(Graph().parse(data=body, format="turtle"), local.graph)


def test_result_formats(endpoint, graph):
    select = ("SELECT ?name WHERE { <https://w3id.org/oncograph/id/org/esmo> "
              "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name }")
    xml = client(endpoint, select, XML).queryAndConvert()  # an xml.dom Document
    assert xml.getElementsByTagName("literal")[0].firstChild.data == "European Society for Medical Oncology"
    assert client(endpoint, select, CSV).queryAndConvert().decode().splitlines() == [
        "name", "European Society for Medical Oncology"]
    assert client(endpoint, select, TSV).queryAndConvert().decode().splitlines() == [
        "?name", '"European Society for Medical Oncology"']
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?s = <https://w3id.org/oncograph/id/org/esmo>) }"
    expected = run_sparql(construct, graph=graph).graph
    as_jsonld = client(endpoint, construct, JSONLD).queryAndConvert()
    assert isomorphic(as_jsonld if isinstance(as_jsonld, Graph) else Graph().parse(data=as_jsonld, format="json-ld"),
                      expected)
    assert isomorphic(client(endpoint, construct, RDFXML).queryAndConvert(), expected)
    nt = http(endpoint + "?" + urllib.parse.urlencode({"query": construct}), accept="application/n-triples")
    assert isomorphic(Graph().parse(data=nt.read(), format="nt"), expected)


@pytest.mark.parametrize("method", [None, "urlencoded", POSTDIRECTLY])
def test_get_form_post_and_direct_post(endpoint, method):
    result = client(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                    method=None if method is None else method).queryAndConvert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) > 2000


def http(url, *, data=None, accept=None, ctype=None, method=None):
    headers = {k: v for k, v in (("Accept", accept), ("Content-Type", ctype)) if v}
    return urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method), timeout=60)


def error_of(call) -> tuple[int, str]:
    with pytest.raises(urllib.error.HTTPError) as info:
        call()
    return info.value.code, info.value.read().decode()


def test_update_is_refused(endpoint):
    sw = client(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    sw.setMethod(POST)  # SPARQLWrapper sends it as update=...
    code, message = error_of(sw.query)
    assert code == 403 and "read-only" in message
    code, message = error_of(lambda: http(endpoint, data=b"DROP ALL", ctype="application/sparql-update"))
    assert code == 403
    code, message = error_of(lambda: http(endpoint + "?" + urllib.parse.urlencode({"query": "LOAD <http://example.org/>"})))
    assert code == 403 and "LOAD" in message


def test_service_is_refused(endpoint):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    code, message = error_of(client(endpoint, query).query)
    assert code == 403 and "SERVICE <http://127.0.0.1:9/sparql> is refused" in message


def test_runaway_query_is_cut_off_and_the_endpoint_keeps_answering(endpoint):
    code, message = error_of(client(endpoint, RUNAWAY).query)
    assert code == 503 and "time limit of 3 s" in message
    assert client(endpoint, "ASK { ?s ?p ?o }").queryAndConvert()["boolean"] is True


def test_row_cap_is_an_error_not_a_silent_cut(endpoint):
    code, message = error_of(client(endpoint, "SELECT * WHERE { ?s ?p ?o }").query)
    assert code == 422 and "more than 1,000 rows" in message
    limited = client(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 1000").queryAndConvert()
    assert len(limited["results"]["bindings"]) == 1000


def test_protocol_errors(endpoint):
    with pytest.raises(QueryBadFormed, match="does not parse at line 1"):
        client(endpoint, "SELECT WHERE {").query()
    assert error_of(lambda: http(endpoint + "?query=ASK%7B%7D&query=ASK%7B%7D"))[0] == 400
    assert error_of(lambda: http(endpoint + "?query=ASK%7B%7D", accept="image/png"))[0] == 406
    assert error_of(lambda: http(endpoint, data=b"ASK {}", ctype="text/plain"))[0] == 415
    assert error_of(lambda: http(endpoint + "?query=ASK%7B%7D&default-graph-uri=urn%3Ax"))[0] == 400


def test_endpoint_page_cors_and_preflight(endpoint):
    page = http(endpoint, accept="text/html")
    assert "SPARQL endpoint" in page.read().decode()
    answer = http(endpoint + "?query=ASK%7B%7D")
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["Content-Type"].startswith("application/sparql-results+json")
    assert http(endpoint, method="OPTIONS").status == 204


# --- the command ---------------------------------------------------------------------------------------------------

def oncograph(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from oncograph.cli import run; run()", *args],
                          capture_output=True, text=True, timeout=120)


def test_serve_help():
    result = oncograph("serve", "--help")
    assert result.returncode == 0 and "127.0.0.1" in result.stdout and "--endpoint" in result.stdout


def test_serve_bad_options_exit_2():
    result = oncograph("serve", "--timeout", "0")
    assert result.returncode == 2 and result.stderr.startswith("error: --timeout must be a positive number")


def test_serve_engine_with_an_endpoint_exits_2():
    result = oncograph("serve", "--endpoint", "http://127.0.0.1:9/", "--engine", "oxigraph")
    assert result.returncode == 2 and "with --endpoint the server answers every query" in result.stderr
    result = oncograph("serve", "--engine", "virtuoso")
    assert result.returncode == 2 and "'virtuoso' is not one of 'auto', 'rdflib', 'oxigraph'" in result.stderr


def test_serve_port_in_use_exits_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = oncograph("serve", "--port", str(port))
    assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_server_stops_cleanly(server):
    """The module's server is up; one of its own, stopped (SIGTERM), exits with 0, takes its two sandboxed query
    worker processes with it, frees its port and leaves no traceback in its log."""
    import time
    from pathlib import Path

    assert server.process.poll() is None and server.url.startswith("http://127.0.0.1:")
    with ServerProcess(["--timeout", "3", "--workers", "2"]) as own:
        with urllib.request.urlopen(own.url + "sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
                                    timeout=60) as answer:
            assert answer.status == 200  # a query ran, so the workers are up
        workers = _children(own.process.pid)
        port = int(own.url.rstrip("/").rsplit(":", 1)[1])
        assert len(workers) == 2, "the server runs its queries in --workers worker processes"
    assert own.process.returncode == 0
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{w}").exists() for w in workers), "a query worker outlived the server"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert not any("Traceback" in line for line in own.log), "\n".join(own.log)


def test_serve_missing_dist_folder_exits_2(tmp_path):
    result = oncograph("serve", "--port", "0", "--dist", str(tmp_path / "nope"))
    assert result.returncode == 2 and "no such folder" in result.stderr
