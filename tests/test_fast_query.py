"""The fast query path (an rdflib Graph held in Oxigraph, ``oncograph.store``) answers every named query as plain
rdflib does: on the curated data with each expected-answer case, and on a generated landscape with injected
violations, with each query's default parameters."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

import oncograph
from oncograph import synth
from oncograph.namespaces import ONCO
from oncograph.query import QueryForm, list_queries, run_query
from oncograph.store import load_graph

import query_cases as cases  # tests/query_cases.py


def answer(result):
    """A result as comparable data: a multiset of shown rows (order is only fixed where a query says ORDER BY, and
    ties may come in either order), the boolean, or the set of triples."""
    if result.form is QueryForm.ASK:
        return result.boolean
    if result.form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE):
        return {tuple(cases.show(t) for t in triple) for triple in result.graph}
    return Counter(tuple(cases.show(t) for t in row) for row in result.rows)


@pytest.fixture(scope="module")
def curated_pair(graph, tmp_path_factory):
    path = tmp_path_factory.mktemp("curated") / "oncograph.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    return load_graph(path, backend="rdflib"), load_graph(path, backend="oxigraph")


@pytest.fixture(scope="module")
def generated_pair(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "landscape.nt"
    synth.write(path, 400, seed=11, violations={rule: 1 for rule in synth.RULES})
    return load_graph(path, backend="rdflib"), load_graph(path, backend="oxigraph")


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.id)
def test_curated_answers_are_the_same_on_oxigraph(curated_pair, case):
    plain, fast = curated_pair
    assert type(fast.store).__module__ != type(plain.store).__module__  # really two engines
    expected = answer(run_query(case.query, case.params, graph=plain))
    assert answer(run_query(case.query, case.params, graph=fast)) == expected


def _ill_typed_bounds(graph) -> set[str]:
    """Relationships (as shown) whose onco:periodStart or onco:periodEnd is not an xsd:date (injected violations)."""
    return {cases.show(s) for p in (ONCO.periodStart, ONCO.periodEnd) for s, o in graph.subject_objects(p)
            if not (isinstance(o, Literal) and o.datatype == XSD.date)}


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_generated_answers_are_the_same_on_oxigraph(generated_pair, query):
    """The same answers, except where rdflib is wrong by the spec: it compares an xsd:date with a plain string as
    strings, where SPARQL 1.1 (17.3, operator mapping) makes it a type error, so the FILTER drops the row. Those rows
    (and only those) may be missing on Oxigraph; test_spec_date_against_a_plain_string shows the case itself."""
    plain, fast = generated_pair
    on_fast, on_plain = answer(run_query(query, graph=fast)), answer(run_query(query, graph=plain))
    if not isinstance(on_plain, Counter):
        assert on_fast == on_plain
        return
    assert not on_fast - on_plain, "Oxigraph gives rows that rdflib does not"
    only_rdflib = on_plain - on_fast
    assert {row[0] for row in only_rdflib} <= _ill_typed_bounds(plain), only_rdflib


def test_spec_date_against_a_plain_string(tmp_path):
    """A period end written as a plain string: rdflib keeps the relationship "in force" (string comparison);
    Oxigraph, following the spec, treats the comparison as a type error and leaves it out."""
    path = tmp_path / "one.nt"
    rel = "https://w3id.org/oncograph/id/rel/x"
    path.write_text(
        f"<{rel}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ONCO.Relationship}> .\n"
        f"<{rel}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ONCO.Partnership}> .\n"
        f'<{rel}> <{ONCO.periodStart}> "2016-01-01"^^<{XSD.date}> .\n'
        f'<{rel}> <{ONCO.periodEnd}> "2030" .\n', encoding="utf-8")
    plain, fast = load_graph(path, backend="rdflib"), load_graph(path, backend="oxigraph")
    params = {"date": "2025-06-30"}
    assert [cases.show(r[0]) for r in run_query("relationships-as-of", params, graph=plain).rows] == ["rel:x"]
    assert run_query("relationships-as-of", params, graph=fast).rows == []


def test_graph_query_on_oxigraph_gives_rdflib_terms_as_rdflib_does(curated_pair):
    """graph.query on an Oxigraph-held graph goes straight to Oxigraph and converts each distinct term once; the rows
    hold the very terms rdflib's own engine gives: typed and language-tagged literals, simple literals without
    xsd:string, None where OPTIONAL binds nothing, with initBindings honoured (also on variables the query does not select); ASK and CONSTRUCT too.
    (Member counts are left out: Oxigraph stores xsd:nonNegativeInteger as xsd:integer, see test_export_fast.)"""
    from rdflib import URIRef

    plain, fast = curated_pair
    text = """SELECT ?org ?kind ?label ?founded ?acronym ?lang WHERE {
        ?org a org:Organization ; skos:prefLabel ?label ; onco:kind ?kind .
        OPTIONAL { ?org schema:foundingDate ?founded }
        OPTIONAL { ?org onco:acronym ?acronym }
        OPTIONAL { ?org skos:altLabel ?lang FILTER(lang(?lang) != "") }
    }"""
    kind = URIRef("https://w3id.org/oncograph/id/kinds/patient-advocacy-group")
    for bindings in ({}, {"kind": kind}):
        got, expected = (sorted((tuple(r) for r in g.query(text, initBindings=bindings)), key=repr)
                         for g in (fast, plain))
        assert got == expected and len(got) > 5
        assert [[type(t) for t in r] for r in got] == [[type(t) for t in r] for r in expected]
        assert [[getattr(t, "datatype", None) for t in r] for r in got] == \
            [[getattr(t, "datatype", None) for t in r] for r in expected]
        assert any(t is None for r in got for t in r)  # an unbound OPTIONAL
    assert any(r[3] is not None and r[3].datatype is not None for r in fast.query(text))  # typed dates came back
    for acronym, answer_ in (("ESMO", True), ("no such acronym", False)):
        ask = f"ASK {{ ?x onco:acronym {Literal(acronym).n3()} }}"
        assert fast.query(ask).askAnswer is plain.query(ask).askAnswer is answer_
        # Oxigraph cannot substitute a variable an ASK (or a SELECT) does not project: rdflib's engine answers,
        # with the binding seen by the FILTER as rdflib sees it
        bound = "ASK { ?x onco:acronym ?a FILTER(?a = ?want) }"
        assert fast.query(bound, initBindings={"want": Literal(acronym)}).askAnswer is answer_
        assert plain.query(bound, initBindings={"want": Literal(acronym)}).askAnswer is answer_
    hidden = "SELECT ?label WHERE { ?org onco:acronym ?a ; skos:prefLabel ?label }"
    esmo = {"a": Literal("ESMO")}
    assert list(fast.query(hidden, initBindings=esmo)) == list(plain.query(hidden, initBindings=esmo))
    assert [str(r[0]) for r in fast.query(hidden, initBindings=esmo)] == ["European Society for Medical Oncology"]
    construct = "CONSTRUCT { ?o skos:prefLabel ?l } WHERE { ?o onco:acronym 'ESMO' ; skos:prefLabel ?l }"
    assert set(fast.query(construct).graph) == set(plain.query(construct).graph) != set()


def test_select_rows_gives_graph_query_answer(curated_pair, tmp_path):
    """store.select_rows (the way named queries run on an Oxigraph-held graph) gives the columns and rows
    graph.query gives, with the same terms and None where unbound; on rdflib's memory store, and for a query that is
    not a SELECT, it answers None so the caller goes the usual way. The graph's own prefixes are known, as in
    graph.query."""
    from oncograph.store import load_graph as load, select_rows

    plain, fast = curated_pair
    text = """SELECT ?org ?label ?founded WHERE {
        ?org a org:Organization ; skos:prefLabel ?label .
        OPTIONAL { ?org schema:foundingDate ?founded }
    }"""  # org:, skos:, schema: from the graph's prefixes, none declared
    columns, rows = select_rows(fast, text)
    expected = [tuple(r) for r in plain.query(text)]
    assert columns == ["org", "label", "founded"]
    assert sorted(rows, key=repr) == sorted(expected, key=repr) and len(rows) > 20
    assert [[type(t) for t in r] for r in sorted(rows, key=repr)] == \
        [[type(t) for t in r] for r in sorted(expected, key=repr)]
    assert any(r[2] is None for r in rows) and any(r[2] is not None for r in rows)
    assert select_rows(plain, text) is None
    assert select_rows(fast, "ASK { ?s ?p ?o }") is None
    (tmp_path / "empty.nt").write_text("")
    empty = load(tmp_path / "empty.nt", backend="oxigraph")
    assert select_rows(empty, "SELECT ?s WHERE { ?s ?p ?o }") == (["s"], [])


def test_converter_builds_the_terms_rdflib_builds(monkeypatch):
    """store.converter's short cuts (simple literals filled in without rdflib's parsing, IRIs and blank nodes by
    type) give terms that are the same, attribute for attribute, as rdflib's own constructors; each distinct term is
    built once; with the self-check failing, simple literals come from Literal() itself."""
    import pyoxigraph as ox
    from rdflib import BNode, URIRef

    from oncograph import store

    xsd = "http://www.w3.org/2001/XMLSchema#"
    cases_ = [
        (ox.NamedNode("https://w3id.org/oncograph/id/org/esmo"), URIRef("https://w3id.org/oncograph/id/org/esmo")),
        (ox.BlankNode("b0"), BNode("b0")),
        (ox.Literal("European Society for Medical Oncology"), Literal("European Society for Medical Oncology")),
        (ox.Literal(""), Literal("")),
        (ox.Literal(" Écoute  日本 "), Literal(" Écoute  日本 ")),
        (ox.Literal("12"), Literal("12")),  # a simple literal that looks like a number stays a string
        (ox.Literal("Krebs", language="de"), Literal("Krebs", lang="de")),
        (ox.Literal("2024-01-01", datatype=ox.NamedNode(xsd + "date")), Literal("2024-01-01", datatype=XSD.date)),
        (ox.Literal("5", datatype=ox.NamedNode(xsd + "integer")), Literal("5", datatype=XSD.integer)),
        (ox.Literal("x", datatype=ox.NamedNode(xsd + "string")), Literal("x")),
        (None, None),
    ]

    def same(a, b):
        if a is None or b is None:
            return a is b
        attrs = ("language", "datatype", "value", "_ill_typed") if isinstance(b, Literal) else ()
        return (type(a) is type(b) and a == b and hash(a) == hash(b) and a.n3() == b.n3()
                and all(getattr(a, x) == getattr(b, x) for x in attrs))

    term = store.converter()
    for ox_term, expected in cases_:
        got = term(ox_term)
        assert same(got, expected), (ox_term, got, expected)
        assert same(store.from_ox(ox_term), expected)
        if ox_term is not None:
            assert term(ox_term) is got  # memoised
    monkeypatch.setattr(store, "_SIMPLE_OK", False)
    assert same(store.converter()(ox.Literal("plain")), Literal("plain"))
    monkeypatch.setattr(store, "_SIMPLE_OK", None)
    assert store._simple_literal("again") == Literal("again") and store._SIMPLE_OK is True


def test_select_rows_on_a_dataset_asks_its_default_graph(recwarn):
    """On an Oxigraph-held Dataset, select_rows answers from its default graph (as Dataset.query does), and without
    rdflib's deprecation warning for Dataset.default_context from our code (rdflib's own add and query still warn)."""
    from rdflib import Dataset, Literal, URIRef

    from oncograph.store import _store_class, select_rows

    ds = Dataset(store=_store_class()())
    ds.add((URIRef("urn:a"), URIRef("urn:p"), Literal("in the default graph")))
    ds.graph(URIRef("urn:g")).add((URIRef("urn:b"), URIRef("urn:p"), Literal("in a named graph")))
    text = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    columns, rows = select_rows(ds, text)
    assert columns == ["s", "o"]
    assert rows == [tuple(r) for r in ds.query(text)] == [(URIRef("urn:a"), Literal("in the default graph"))]
    # ours: raised from oncograph's own source files (not a path that merely holds "oncograph", such as a checkout
    # folder of that name, whose .venv holds rdflib)
    package = Path(oncograph.__file__).resolve().parent
    ours = [w for w in recwarn
            if "default_context" in str(w.message) and Path(w.filename).resolve().is_relative_to(package)]
    assert not ours, [f"{w.filename}:{w.lineno}" for w in ours]
