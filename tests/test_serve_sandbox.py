"""The query sandbox: what is refused (by the parsed algebra, not the text), and the time limit and row cap."""

from __future__ import annotations

import pytest

from oncograph.serve.sandbox import (
    Limits,
    QueryFailed,
    QueryPool,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    inspect_query,
)

KNOWN = frozenset({"https://w3id.org/oncograph/id/graph/entities"})

#: A query no engine finishes here: a count over the cube of all triples (about 2.4e10 rows).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.mark.parametrize("text, words", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT DATA"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("CLEAR ALL", "CLEAR"),
    ("DROP GRAPH <urn:g>", "DROP"),
    ("PREFIX x: <urn:x:> INSERT { ?s x:p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
])
def test_updates_are_refused_and_named(text, words):
    with pytest.raises(QueryRefused, match="read-only") as info:
        inspect_query(text)
    assert words in str(info.value)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE SILENT <http://example.org/q> { ?s ?q ?r } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://example.org/q> { ?s ?p ?o } } } }",
    "ASK { OPTIONAL { SERVICE <http://example.org/q> { ?s ?p ?o } } }",
    # the keyword hidden from a naive text search by case, comments and line breaks
    "SELECT * WHERE { sErViCe # comment\n <http://example.org/q> { ?s ?p ?o } }",
])
def test_service_is_refused_wherever_it_hides(text):
    with pytest.raises(QueryRefused, match="SERVICE"):
        inspect_query(text)


def test_the_word_service_in_a_string_or_iri_is_not_refused():
    query, form = inspect_query('SELECT * WHERE { ?s ?p "SERVICE <http://x/>" . ?s <urn:service:LOAD> ?o }')
    assert form == "SELECT"


def test_from_outside_the_dataset_is_refused_but_its_own_graphs_are_allowed():
    with pytest.raises(QueryRefused, match="FROM <http://example.org/remote.ttl>"):
        inspect_query("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", known_graphs=KNOWN)
    with pytest.raises(QueryRefused, match="FROM NAMED <file:///etc/passwd>"):
        inspect_query("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
                      known_graphs=KNOWN)
    _, form = inspect_query(f"SELECT * FROM <{next(iter(KNOWN))}> WHERE {{ ?s ?p ?o }}", known_graphs=KNOWN)
    assert form == "SELECT"


def test_syntax_errors_say_where():
    with pytest.raises(QuerySyntaxError, match="line 2, column"):
        inspect_query("SELECT ?s\nWHERE { ?s ?p }")
    with pytest.raises(QuerySyntaxError, match="empty"):
        inspect_query("   ")
    with pytest.raises(QuerySyntaxError, match="limit is 50"):
        inspect_query("SELECT * WHERE { ?s ?p ?o }" + " " * 60, max_chars=50)


@pytest.mark.parametrize("text, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"), ("ASK { ?s ?p ?o }", "ASK"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"), ("DESCRIBE <urn:x>", "DESCRIBE"),
])
def test_forms(text, form):
    assert inspect_query(text)[1] == form


@pytest.fixture(scope="module")
def pool(built):
    with QueryPool(built.dataset, limits=Limits(timeout_s=2, max_rows=100), size=1) as p:
        yield p


def test_pool_answers_like_rdflib(pool, graph):
    answer = pool.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert answer.form == "SELECT" and answer.vars == ["n"]
    assert int(answer.rows[0][0]) == len(graph)
    assert pool.sparql("ASK { ?s ?p ?o }").boolean is True


def test_named_graphs_are_there(pool, built):
    answer = pool.sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    names = {str(row[0]) for row in answer.rows}
    assert "https://w3id.org/oncograph/id/source/esmo-who-renewal-2024" in names


def test_row_cap_is_reported(pool):
    answer = pool.sparql("SELECT * WHERE { ?s ?p ?o }")
    assert answer.truncated and len(answer.rows) == 100 and answer.max_rows == 100
    graph_answer = pool.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert graph_answer.truncated and len(graph_answer.triples) == 100
    small = pool.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 100")
    assert not small.truncated and len(small.rows) == 100


def test_runaway_query_is_stopped_and_the_pool_recovers(pool):
    killed = pool.killed
    with pytest.raises(QueryTimeout, match="time limit of 2 s"):
        pool.sparql(RUNAWAY)
    assert pool.killed == killed + 1
    # a replacement worker takes the next query (it may still be starting: the pool waits for it)
    assert pool.sparql("ASK { ?s ?p ?o }").boolean is True


def test_refusals_come_back_from_the_worker(pool):
    with pytest.raises(QueryRefused):
        pool.sparql("LOAD <http://example.org/x>")
    with pytest.raises(QuerySyntaxError):
        pool.sparql("SELECT WHERE")


@pytest.mark.slow
def test_memory_ceiling_is_reported_and_the_worker_survives(built):
    # ORDER BY over the square of all triples (8 million rows) has to hold them all: far over 400 MB
    with QueryPool(built.dataset, limits=Limits(timeout_s=120, max_rows=100, memory_mb=400), size=1) as small:
        with pytest.raises(QueryFailed, match="more than the 400 MB of memory"):
            small.sparql("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?c")
        assert small.sparql("ASK { ?s ?p ?o }").boolean is True
