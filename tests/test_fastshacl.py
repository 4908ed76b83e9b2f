"""The fast SHACL engine against pyshacl, and the synthetic landscape generator it is tested on.

Differential: on generated landscapes (clean, and with violations of every rule injected) and on the curated data
with each edit of tests/test_shapes.py, both engines give the same multiset of results (focus node, path, value,
source shape, constraint component). The only differences are where the SHACL spec says pyshacl is wrong; each has
its own test below (``test_spec_*``).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from oncograph import fastshacl, paths, synth
from oncograph.cli import main
from oncograph.errors import InputError
from oncograph.namespaces import ID, ONCO, SH
from oncograph.store import count_triples, load_graph
from oncograph.validate import FAST_ABOVE, validate

ROOT = Path(__file__).resolve().parent.parent
SHAPE = Namespace(synth.SHAPES_NS)
ORGS = 200  # small landscapes keep the tests quick; pyshacl needs a few seconds each
EX = Namespace("http://example.org/")


def keys(report) -> Counter:
    return Counter(fastshacl.result_keys(report.results_graph))


def by_rule(report) -> Counter:
    return Counter(v.shape.removeprefix(synth.SHAPES_NS) for v in report.violations)


def both(graph: Graph, **kw):
    return validate(graph, engine="pyshacl", **kw), validate(graph, engine="fast", **kw)


def copy(graph: Graph) -> Graph:
    g = Graph()
    for t in graph:
        g.add(t)
    return g


@pytest.fixture(scope="module")
def shapes():
    return paths.load_shapes()


@pytest.fixture(scope="module")
def clean():
    return synth.generate_graph(ORGS, seed=11)


@pytest.fixture(scope="module")
def counts():
    """A different count for each rule (1, 2 or 3), so a rule reported under another's name would show."""
    return {rule: 1 + i % 3 for i, rule in enumerate(synth.RULES)}


@pytest.fixture(scope="module")
def broken(counts):
    return synth.generate_graph(ORGS, seed=12, violations=counts)


@pytest.fixture(scope="module")
def broken_reports(broken):
    return both(broken)


# -- the generator ------------------------------------------------------------------------------------------------
def test_rules_are_the_rules_of_the_shapes(shapes):
    """synth.RULES names every shape that can be a result's source: a new rule needs an injector."""
    sources = {str(c.shape).removeprefix(synth.SHAPES_NS) for c in fastshacl.compile_shapes(shapes)
               if isinstance(c.shape, URIRef)}
    with_message = {str(s).removeprefix(synth.SHAPES_NS) for s in shapes.subjects(SH.message, None)
                    if isinstance(s, URIRef)}
    assert set(synth.RULES) == sources
    assert with_message <= set(synth.RULES)


def test_generator_is_deterministic(tmp_path):
    for name in ("a.nt", "a.ttl"):
        first = synth.write(tmp_path / f"1{name}", 120, seed=4, violations={"NoCycles": 2})
        second = synth.write(tmp_path / f"2{name}", 120, seed=4, violations={"NoCycles": 2})
        assert (tmp_path / f"1{name}").read_bytes() == (tmp_path / f"2{name}").read_bytes()
        assert (first.triples, first.relationships, first.injected) == \
            (second.triples, second.relationships, second.injected)
    synth.write(tmp_path / "3a.nt", 120, seed=5)
    assert (tmp_path / "3a.nt").read_bytes() != (tmp_path / "1a.nt").read_bytes()


def test_generator_failing_half_way_keeps_the_previous_file(tmp_path, monkeypatch):
    """The landscape goes to a temporary file renamed into place when complete: a failure half-way (simulated in
    the triple stream) leaves the previous file as it was and no temporary file; a complete run replaces it."""
    target = tmp_path / "l.nt"
    target.write_text("previous\n")
    real = synth._Landscape.triples

    def broken(self):
        for i, t in enumerate(real(self)):
            if i == 25000:  # past the first 20,000-line chunk, so some text was written
                raise RuntimeError("stop")
            yield t

    monkeypatch.setattr(synth._Landscape, "triples", broken)
    with pytest.raises(RuntimeError, match="stop"):
        synth.write(target, 1000, seed=1)
    assert target.read_text() == "previous\n" and [p.name for p in tmp_path.iterdir()] == ["l.nt"]
    monkeypatch.setattr(synth._Landscape, "triples", real)
    result = synth.write(target, 1000, seed=1)
    assert len(target.read_text().splitlines()) == result.triples > 25000
    assert (target.stat().st_mode & 0o777) == 0o644 and [p.name for p in tmp_path.iterdir()] == ["l.nt"]


def test_turtle_and_ntriples_hold_the_same_graph(tmp_path):
    r1 = synth.write(tmp_path / "l.nt", 150, seed=2, violations={"Period-order": 1})
    r2 = synth.write(tmp_path / "l.ttl", 150, seed=2, violations={"Period-order": 1})
    a = Graph().parse(tmp_path / "l.nt", format="nt")
    b = Graph().parse(tmp_path / "l.ttl", format="turtle")
    assert r1.triples == r2.triples == len(a) == len(b)  # every triple written once
    assert set(a) == set(b)


def test_generated_landscape_has_the_curated_model(clean):
    """Relationship nodes with their parties, involves, direct edges, periods with bounds, sources everywhere."""
    q = """
    PREFIX onco: <https://w3id.org/oncograph/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
      ?m a org:Membership, onco:Relationship ; org:member ?a ; org:organization ?b ; onco:involves ?a, ?b ;
         prov:wasDerivedFrom [ a onco:SourceDocument ] .
      ?a org:memberOf ?b .
    }"""
    assert int(next(iter(clean.query(q)))[0]) > 50
    kinds = {r for r in clean.objects(None, RDF.type) if str(r).startswith(str(ONCO))}
    for cls in ("Listing", "CampaignParticipation", "SubOrganisation", "Merger", "Establishment", "Partnership",
                "CollaborationPlan", "OfficialStatus", "StatusRenewal", "EventRole", "PostHolding",
                "ResourcePublication", "SourceDocument", "ListSection", "Campaign", "InformationResource"):
        assert ONCO[cls] in kinds, cls
    derived = list(clean.subjects(ONCO.startDateStatus, ONCO.Derived))
    assert derived and all((d, ONCO.startDateDerivation, None) in clean for d in derived)
    assert all(o.datatype == XSD.date for o in clean.objects(None, ONCO.periodStart))


def test_generated_landscape_conforms(clean):
    pyshacl_report, fast_report = both(clean)
    assert pyshacl_report.conforms, pyshacl_report.text()
    assert fast_report.conforms, fast_report.text()


def test_each_injected_violation_is_found_exactly(broken_reports, counts):
    for report in broken_reports:
        assert by_rule(report) == Counter(counts)


def test_violations_each_and_rule_counts_combine():
    v = synth.parse_violations(["shape:Period-order=5", "NoCycles=0"], each=2)
    assert v["Period-order"] == 5 and "NoCycles" not in v and v["Listing-item"] == 2
    with pytest.raises(InputError, match="unknown rule 'Nope'"):
        synth.parse_violations(["Nope=1"])
    with pytest.raises(InputError, match="RULE=COUNT"):
        synth.parse_violations(["Period-order"])


def test_ratio_of_triples_to_organisations():
    """About 35 triples per organisation, so --orgs 28500 makes about a million triples (measured: 35.2)."""
    n = sum(1 for _ in synth.triples(2000, seed=1))
    assert 30 <= n / 2000 <= 42


# -- fast == pyshacl ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed,violations", [(21, {}), (22, {"each": 1}), (23, {"each": 2})])
def test_fast_equals_pyshacl_on_generated(seed, violations):
    g = synth.generate_graph(ORGS, seed=seed, violations=synth.parse_violations(each=violations.get("each", 0)))
    p, f = both(g)
    assert keys(p) == keys(f)
    assert p.text() == f.text()  # the same report, line for line
    assert p.conforms == f.conforms


def test_fast_equals_pyshacl_with_injected_violations(broken_reports):
    p, f = broken_reports
    assert keys(p) == keys(f)
    assert p.violations == f.violations


def test_fast_equals_pyshacl_on_curated_data(graph, built):
    p, f = both(graph, origins=built.origins)
    assert p.conforms and f.conforms
    assert keys(p) == keys(f) == Counter()


def _shape_cases():
    spec = importlib.util.spec_from_file_location("_oncograph_shape_cases", ROOT / "tests" / "test_shapes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


SHAPE_CASES = _shape_cases()
# The one edit of tests/test_shapes.py where the engines differ, by the spec: see test_spec_date_and_datetime_...
SPEC_DIFFERENT = {"Period-endType"}


@pytest.mark.parametrize("rule,focus,edit", SHAPE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(SHAPE_CASES)])
def test_fast_equals_pyshacl_on_each_edit_of_curated_data(rule, focus, edit, graph_copy):
    edit(graph_copy, focus)
    p, f = both(graph_copy)
    if rule in SPEC_DIFFERENT:
        extra = keys(f) - keys(p)
        assert keys(p) - keys(f) == Counter()
        assert {k[3] for k in extra} == {SHAPE["Period-order"]}
    else:
        assert keys(p) == keys(f)
    assert focus in {URIRef(v.focus) for v in f.violations if v.shape == str(SHAPE[rule])}


# -- where the spec says pyshacl is wrong --------------------------------------------------------------------------
PLAN = ID["rel"]["esmo-who-collaboration-plan-2024-2026"]


def _period(graph_copy, start, end):
    graph_copy.remove((PLAN, ONCO.periodStart, None))
    graph_copy.remove((PLAN, ONCO.periodEnd, None))
    graph_copy.add((PLAN, ONCO.periodStart, start))
    graph_copy.add((PLAN, ONCO.periodEnd, end))
    return both(graph_copy)


def _order_results(report):
    return [v for v in report.violations if v.shape == str(SHAPE["Period-order"])]


def test_spec_date_and_gyear_cannot_be_compared(graph_copy):
    """sh:lessThanOrEquals: "where the two values cannot be compared, there is a validation result". SPARQL has no
    <= between xsd:date and xsd:gYear; rdflib orders them by datatype IRI, so pyshacl reports nothing."""
    p, f = _period(graph_copy, Literal("2024-01-01", datatype=XSD.date), Literal("2026", datatype=XSD.gYear))
    assert _order_results(p) == []
    assert [v.focus for v in _order_results(f)] == [str(PLAN)]
    assert keys(f) - keys(p) == Counter({(PLAN, ONCO.periodStart, Literal("2024-01-01", datatype=XSD.date),
                                          SHAPE["Period-order"], SH.LessThanOrEqualsConstraintComponent): 1})


def test_spec_date_and_datetime_cannot_be_compared(graph_copy):
    """xsd:date against xsd:dateTime (here also ill-typed): no SPARQL operator, so a violation; pyshacl none."""
    p, f = _period(graph_copy, Literal("2024-01-01", datatype=XSD.date),
                   Literal("2026-12-31", datatype=XSD.dateTime))
    assert _order_results(p) == [] and len(_order_results(f)) == 1


def test_spec_iris_cannot_be_compared(graph_copy):
    """Two IRIs have no order in SPARQL; pyshacl compares their strings."""
    p, f = _period(graph_copy, EX["a"], EX["b"])
    assert _order_results(p) == [] and len(_order_results(f)) == 1


def test_spec_language_strings_cannot_be_compared(graph_copy):
    """SPARQL 1.1 orders simple literals and xsd:string, not language-tagged strings; pyshacl compares the text."""
    p, f = _period(graph_copy, Literal("a", lang="en"), Literal("b", lang="en"))
    assert _order_results(p) == [] and len(_order_results(f)) == 1


def test_spec_same_kind_values_agree(graph_copy):
    """Where SPARQL can compare, both engines agree: equal dates conform, reversed ones do not."""
    p, f = _period(graph_copy, Literal("2024-01-01", datatype=XSD.date), Literal("2024-01-01", datatype=XSD.date))
    assert _order_results(p) == _order_results(f) == []
    p, f = _period(graph_copy, Literal("2024-01-02", datatype=XSD.date), Literal("2024-01-01", datatype=XSD.date))
    assert keys(p) == keys(f) and len(_order_results(f)) == 1
    # a plain string against a date: a violation in both (pyshacl treats mixed string/non-string as incomparable)
    p, f = _period(graph_copy, Literal("2024-01-01"), Literal("2026-12-31", datatype=XSD.date))
    assert keys(p) == keys(f) and len(_order_results(f)) == 1


END_AFTER_START = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:EndAfterStart a sh:NodeShape ;
    sh:targetSubjectsOf ex:start ;
    sh:sparql [ a sh:SPARQLConstraint ;
        sh:message "ends before it starts" ;
        sh:select "SELECT $this ?value WHERE { $this <http://example.org/start> ?s ; <http://example.org/end> ?value . FILTER (?value < ?s) }" ] .
"""


def test_spec_sparql_date_against_plain_string_is_a_type_error():
    """The issue's finding: in SPARQL, comparing an xsd:date with a plain string is a type error, so the FILTER is
    false and there is no result. rdflib's SPARQL compares them anyway, and pyshacl reports a false violation."""
    shapes = Graph().parse(data=END_AFTER_START, format="turtle")
    data = Graph()
    data.add((EX.p, EX.start, Literal("2019-01-01")))  # a plain string, as a careless import would leave it
    data.add((EX.p, EX.end, Literal("2020-12-31", datatype=XSD.date)))
    data.add((EX.q, EX.start, Literal("2020-01-01", datatype=XSD.date)))  # a real end-before-start, both agree
    data.add((EX.q, EX.end, Literal("2019-12-31", datatype=XSD.date)))
    p, f = both(data, shapes=shapes)
    assert {v.focus for v in p.violations} == {str(EX.p), str(EX.q)}
    assert {v.focus for v in f.violations} == {str(EX.q)}
    assert [v.message for v in f.violations] == ["ends before it starts"]


# -- engine selection, store, unsupported shapes --------------------------------------------------------------------
def test_auto_engine_takes_fast_path_for_big_or_oxigraph_graphs(monkeypatch, tmp_path):
    import pyshacl

    def refuse(*a, **k):
        raise AssertionError("pyshacl should not run")

    monkeypatch.setattr(pyshacl, "validate", refuse)
    big = synth.generate_graph(300, seed=11)
    assert len(big) > FAST_ABOVE and validate(big).conforms
    synth.write(tmp_path / "small.ttl", 20, seed=1)
    small = load_graph(tmp_path / "small.ttl", backend="oxigraph")
    assert count_triples(small) < 10_000 and validate(small).conforms  # held in Oxigraph: validated in place


def test_unknown_engine_is_bad_input(graph):
    with pytest.raises(InputError, match="engine 'quick'"):
        validate(graph, engine="quick")


def test_unsupported_shapes_fall_back_to_pyshacl(graph_copy):
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix org: <http://www.w3.org/ns/org#> .
        <http://example.org/Closed> a sh:NodeShape ; sh:targetClass org:Post ; sh:closed true .""", format="turtle")
    assert not fastshacl.supports(shapes)
    with pytest.raises(fastshacl.UnsupportedShapes, match="shacl#closed"):
        validate(graph_copy, shapes=shapes, engine="fast")
    assert not validate(graph_copy, shapes=shapes, engine="auto").conforms  # pyshacl's answer


def _integers_as_oxigraph_stores_them(triples):
    """Oxigraph's store keeps derived integer types (xsd:nonNegativeInteger, xsd:int, ...) as xsd:integer."""
    return {(s, p, Literal(str(o), datatype=XSD.integer)
             if isinstance(o, Literal) and o.datatype in (XSD.nonNegativeInteger, XSD.int) else o)
            for s, p, o in triples}


def test_store_backends_hold_the_same_triples(tmp_path):
    synth.write(tmp_path / "s.ttl", 60, seed=3)
    reference = set(Graph().parse(tmp_path / "s.ttl", format="turtle"))
    assert set(load_graph(tmp_path / "s.ttl", backend="rdflib")) == reference
    g = load_graph(tmp_path / "s.ttl", backend="oxigraph")
    assert set(g) == _integers_as_oxigraph_stores_them(reference)
    assert count_triples(g) == len(reference)
    labels = {o for o in g.objects(None, RDF.type)}
    assert labels and all(isinstance(o, URIRef) for o in labels)
    both_files = load_graph(tmp_path / "s.ttl", backend="oxigraph")
    synth.write(tmp_path / "t.nt", 30, seed=9)
    load_graph(tmp_path / "t.nt", graph=both_files)
    assert count_triples(both_files) == len(reference | set(Graph().parse(tmp_path / "t.nt", format="nt")))


def test_oxigraph_store_keeps_derived_integers_as_xsd_integer(tmp_path):
    """A known Oxigraph behaviour (pyoxigraph 0.5): "28"^^xsd:nonNegativeInteger comes back as xsd:integer, and
    plain strings come back as plain strings (oncograph.store undoes oxrdflib's explicit xsd:string)."""
    f = tmp_path / "n.nt"
    f.write_text('<http://example.org/a> <http://example.org/n> "28"^^<http://www.w3.org/2001/XMLSchema#'
                 'nonNegativeInteger> .\n<http://example.org/a> <http://example.org/l> "GLCC" .\n', encoding="utf-8")
    g = load_graph(f, backend="oxigraph")
    assert g.value(EX.a, EX.n) == Literal("28", datatype=XSD.integer)
    assert g.value(EX.a, EX.l) == Literal("GLCC")
    assert load_graph(f, backend="rdflib").value(EX.a, EX.n).datatype == XSD.nonNegativeInteger


def test_store_reports_bad_files_with_line_and_column(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b \n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.ttl: not valid turtle at line 4, column 1"):
        load_graph(bad)
    with pytest.raises(InputError, match="unknown RDF file extension '.txt'"):
        load_graph(tmp_path / "x.txt")
    with pytest.raises(InputError, match="no such file"):
        load_graph(tmp_path / "missing.nt")


# -- CLI ---------------------------------------------------------------------------------------------------------
def test_synth_command_writes_a_landscape(tmp_path):
    out = tmp_path / "land.nt"
    result = CliRunner().invoke(main, ["synth", "--orgs", "60", "--seed", "2", "--out", str(out),
                                       "--violations", "Period-order=2"])
    assert result.exit_code == 0, result.output
    assert "triples" in result.output and "injected 2 violation(s) of 1 rule(s)" in result.output
    report = validate(load_graph(out))
    assert by_rule(report) == Counter({"Period-order": 2})


def test_synth_command_subprocess_reports_bad_rule(tmp_path):
    exe = Path(sys.executable).parent / "oncograph"
    run = subprocess.run([str(exe), "synth", "--orgs", "30", "--out", str(tmp_path / "x.nt"),
                          "--violations", "NoSuchRule=1"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2
    assert run.stderr.startswith("error: --violations 'NoSuchRule=1': unknown rule 'NoSuchRule'")
    assert not (tmp_path / "x.nt").exists()


def test_validate_command_counts_injected_violations(tmp_path):
    out = tmp_path / "land.ttl"
    synth.write(out, 80, seed=6, violations={"NoCycles": 3, "DefinedParty-label": 1})
    exe = Path(sys.executable).parent / "oncograph"
    run = subprocess.run([str(exe), "validate", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    assert "4 result(s) in 2 rule(s)" in run.stdout


def test_validate_command_engine_option(tmp_path):
    """`oncograph validate FILE --engine fast|pyshacl` (the option lives in cli/core.py): same report either way."""
    if "--engine" not in CliRunner().invoke(main, ["validate", "--help"]).output:
        pytest.skip("cli/core.py has no --engine option yet")
    out = tmp_path / "land.nt"
    synth.write(out, 80, seed=8, violations={"Period-order": 2, "Listing-item": 1})
    texts = []
    for engine in ("fast", "pyshacl"):
        result = CliRunner().invoke(main, ["validate", str(out), "--engine", engine])
        assert result.exit_code == 1, result.output
        assert "3 result(s) in 2 rule(s)" in result.output
        texts.append(result.output)
    assert texts[0] == texts[1]
