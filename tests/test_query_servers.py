"""Every named query gives the same answer on Virtuoso and on Oxigraph server as on the embedded graph.

The servers are started on loopback (installed if missing) by the session fixtures of tests/servers.py, which stop
them by process id at the end. The curated graph is published to each with ``oncograph.endpoint.publish`` (the
Graph Store Protocol), then every case of tests/query_cases.py (each query with its defaults and with the other
parameter values tested locally) runs on the server and locally, and the answers are compared.

What is compared, and what is normalised:
- SELECT: the column names, and the rows as lists of rdflib terms, in order. Nothing is normalised: IRIs,
  lexical forms, datatypes (xsd:gYear, xsd:gYearMonth, xsd:date, xsd:integer) and language tags must be exactly
  equal, and so must the row order. The queries are written to make that possible (see oncograph.query): they order
  by STR(...) because Virtuoso sorts long strings by an internal key; they cast xsd:nonNegativeInteger member
  counts to xsd:integer because Oxigraph returns them as xsd:integer; they select no booleans (Virtuoso returns
  1 / 0) and compute no IRIs with IF (Virtuoso returns a string).
- ASK: the boolean.
- CONSTRUCT: the graphs, by isomorphism (the same set of triples; the order of triples means nothing, and the
  curated graph has no blank nodes).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef
from rdflib.namespace import SKOS

from oncograph.cli import main
from oncograph.endpoint import publish
from oncograph.query import DEFAULT_GRAPH_IRI, QueryForm, default_graph, format_result, run_query, run_sparql

import query_cases as cases  # tests/query_cases.py

pytestmark = pytest.mark.servers

HERE = Path(__file__).resolve().parent
EXE = str(Path(sys.executable).parent / "oncograph")
GRAPH = "https://w3id.org/oncograph/id/graph/test-queries"  # where these tests publish; DEFAULT_GRAPH_IRI for the CLI


# The server fixtures (virtuoso, oxigraph: session-scoped, each with .kind, .url and .credentials) come from
# tests/servers.py through conftest.py, shared with tests/test_endpoint.py: one of each server per session.


@pytest.fixture(params=["virtuoso", "oxigraph"], scope="session")
def published(request):
    """A server holding the curated graph in GRAPH (and in DEFAULT_GRAPH_IRI, published through the CLI)."""
    server = request.getfixturevalue(request.param)
    report = publish(default_graph(), server.url, graph=GRAPH, **server.credentials)
    assert report.triples == len(default_graph())
    return server


def _local(case):
    return run_query(case.query, case.params)


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.id)
def test_every_query_answers_the_same_on_the_server(published, case):
    local = _local(case)
    remote = run_query(case.query, case.params, endpoint=published.url, graph_iri=GRAPH)
    assert remote.form is local.form
    if local.form is QueryForm.ASK:
        assert remote.boolean is local.boolean
    elif local.form.returns_graph:
        assert remote.graph.isomorphic(local.graph)
        assert set(remote.graph) == set(local.graph)
    else:
        assert remote.columns == local.columns
        assert remote.rows == local.rows
    cases.check_answer(remote, case.expected)  # the expected answer, not merely the same wrong one


def test_every_query_file_is_among_the_server_cases():
    assert {p.stem for p in (HERE.parent / "queries").glob("*.rq")} <= {c.query for c in cases.CASES}


def test_ad_hoc_sparql_on_the_server(published):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    (n,), = run_sparql(count, endpoint=published.url, graph_iri=GRAPH).rows
    assert int(n) == len(default_graph())  # only the named graph: none of Virtuoso's system triples
    described = run_sparql("DESCRIBE <https://w3id.org/oncograph/id/org/glcc>", endpoint=published.url,
                           graph_iri=GRAPH)
    glcc = "https://w3id.org/oncograph/id/org/glcc"
    assert {str(o) for o in described.graph.objects(URIRef(glcc), SKOS.prefLabel)} == {"Global Lung Cancer Coalition"}


def test_publish_and_query_commands_against_the_server(published):
    """``oncograph publish`` fills the default graph; ``oncograph query NAME --endpoint URL`` then prints exactly
    what it prints locally (CliRunner), in every table format."""
    creds = published.credentials
    args = ["--user", creds["user"], "--password", creds["password"]] if creds else []
    res = CliRunner().invoke(main, ["publish", "--endpoint", published.url, *args])
    assert res.exit_code == 0, (res.output, res.exception)
    assert f"published {len(default_graph())} triples to <{DEFAULT_GRAPH_IRI}>" in res.output
    assert f"checked: the graph holds {len(default_graph())} triples" in res.output
    for fmt in ("table", "csv", "tsv", "json"):
        local = CliRunner().invoke(main, ["query", "paths-between", "--format", fmt])
        remote = CliRunner().invoke(main, ["query", "paths-between", "--format", fmt, "--endpoint", published.url])
        assert remote.exit_code == 0, (remote.output, remote.exception)
        assert remote.stdout_bytes == local.stdout_bytes


def test_query_command_subprocess_against_the_server(published):
    res = subprocess.run([EXE, "query", "relationships-as-of", "-p", "date=2027-01-01", "--endpoint", published.url,
                          "--graph", GRAPH], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout == format_result(run_query("relationships-as-of", {"date": "2027-01-01"}))
    bad = subprocess.run([EXE, "query", "mergers", "--endpoint", published.url + "/no-such-path", "--graph", GRAPH],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 3 and bad.stderr.startswith("error: ")


def test_a_graph_answer_can_be_held_in_oxigraph_with_the_same_triples(published):
    """query_endpoint(oxigraph_above=N) parses a CONSTRUCT answer bigger than N bytes with pyoxigraph into an
    Oxigraph-held Graph (for big copies): the same triples as rdflib's parse of the same answer; Oxigraph keeps
    xsd:nonNegativeInteger as xsd:integer (oncograph.store), so literals compare by lexical form."""
    from oncograph.endpoint import query_endpoint
    from oncograph.store import oxigraph_of

    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    plain = query_endpoint(published.url, text, graph=GRAPH)
    held = query_endpoint(published.url, text, graph=GRAPH, oxigraph_above=0)
    assert oxigraph_of(plain) is None and oxigraph_of(held) is not None
    assert len(held) == len(plain) == len(default_graph())
    assert {(s, p, str(o)) for s, p, o in held} == {(s, p, str(o)) for s, p, o in plain}
    small = query_endpoint(published.url, text, graph=GRAPH, oxigraph_above=10**9)
    assert oxigraph_of(small) is None  # under the threshold: rdflib, as before
