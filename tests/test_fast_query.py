"""The fast query path (an rdflib Graph held in Oxigraph, ``oncograph.store``) answers every named query as plain
rdflib does: on the curated data with each expected-answer case, and on a generated landscape with injected
violations, with each query's default parameters."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from oncograph import synth
from oncograph.query import QueryForm, list_queries, run_query
from oncograph.store import load_graph


def _sibling(name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


cases = _sibling("query_cases")


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


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_generated_answers_are_the_same_on_oxigraph(generated_pair, query):
    plain, fast = generated_pair
    assert answer(run_query(query, graph=fast)) == answer(run_query(query, graph=plain))
