"""The fast export path: one sorted index read straight from Oxigraph, and streamed store-order dumps.

Differential tests: the canonical writers give the same bytes whether the graph is held in Oxigraph (read from the
raw store) or in rdflib's memory store, on generated landscapes and on tricky terms; expanded JSON-LD is the
document rdflib's own serializer gives, except where rdflib turns a lexical form into a JSON number (shown by its
own test). Store order: the same triples, the same bytes from run to run, atomic writes, and the CLI's refusals.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from oncograph import synth
from oncograph.errors import InputError, OutputError
from oncograph.export import Format, Order, dump_store_order, export, serialize_graph
from oncograph.store import load_graph, new_graph, oxigraph_of

EXE = str(Path(sys.executable).parent / "oncograph")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def landscape(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fast") / "landscape.ttl"
    synth.write(path, 120, seed=3)
    return path


TRICKY = [Literal('He said "hi"\n\tand left \\ \r'), Literal("\x01 control \x7f \x08 \x0c"),
          Literal("ünïcödé ✓ – 中文 😀"), Literal("colour", lang="en-GB"), Literal("2013", datatype=XSD.gYear),
          Literal(42), Literal(-7), Literal(""), Literal("x", datatype=URIRef("http://example.org/dt#t")),
          Literal("3.5", datatype=XSD.decimal), Literal("true", datatype=XSD.boolean)]


def tricky(backend: str) -> Graph:
    g = new_graph(backend)
    s = URIRef("https://w3id.org/oncograph/id/org/a.b")
    for i, lit in enumerate(TRICKY):
        g.add((s, URIRef(f"https://w3id.org/oncograph/ontology#p{i}"), lit))
    for iri in ("https://w3id.org/oncograph/id/org/ends.", "http://example.org/a#b(c)", "https://w3id.org/oncograph/id/"):
        g.add((s, URIRef("https://w3id.org/oncograph/ontology#involves"), URIRef(iri)))
        g.add((URIRef(iri), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("x", lang="en")))
    return g


@pytest.mark.parametrize("fmt", [Format.TURTLE, Format.NTRIPLES, Format.JSONLD, Format.TRIG, Format.NQUADS])
def test_oxigraph_held_and_rdflib_held_graphs_give_the_same_bytes(landscape, fmt):
    """The raw-store reader against rdflib's, on the same triples (copied out of the store through rdflib, since
    Oxigraph stores some literals in canonical form: see test_oxigraph_stores_canonical_literals)."""
    for held in (load_graph(landscape, backend="oxigraph"), tricky("oxigraph")):
        plain = new_graph("rdflib")
        plain += held
        assert oxigraph_of(held) is not None and oxigraph_of(plain) is None
        assert len(plain) > 10
        assert serialize_graph(held, fmt) == serialize_graph(plain, fmt)


def _lexical(doc):
    """rdflib's expanded JSON-LD with its JSON numbers and booleans written back as lexical forms."""
    if isinstance(doc, dict):
        return {k: (json.dumps(v) if k == "@value" and not isinstance(v, str) else _lexical(v)) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_lexical(v) for v in doc]
    return doc


def _unordered(doc):
    return sorted((n["@id"], sorted((k, sorted(map(json.dumps, v)) if isinstance(v, list) else v)
                                    for k, v in n.items())) for n in doc)


@pytest.mark.parametrize("source", ["landscape", "curated"])
def test_expanded_jsonld_is_rdflibs_document(source, landscape, request):
    if source == "curated":
        from oncograph.build import build

        graph = build().graph()
    else:
        graph = load_graph(landscape, backend="oxigraph")
    ours = json.loads(serialize_graph(graph, Format.JSONLD))
    theirs = _lexical(json.loads(graph.serialize(format="json-ld", auto_compact=False)))
    assert len(ours) > 50
    assert _unordered(ours) == _unordered(theirs)


def test_jsonld_keeps_lexical_forms_where_rdflib_writes_numbers():
    """"1.50E0"^^xsd:double is one RDF term and "1.5E0"^^xsd:double another; rdflib writes both as the number 1.5,
    so its file reads back as a different graph. Ours writes the lexical form, and reads back as the same graph."""
    g = Graph()
    s, p = URIRef("http://example.org/s"), URIRef("http://example.org/p")
    g.add((s, p, Literal("1.50E0", datatype=XSD.double, normalize=False)))
    g.add((s, p, Literal("true", datatype=XSD.boolean)))
    rdflib_doc = json.loads(g.serialize(format="json-ld", auto_compact=False))
    assert {v["@value"] for v in rdflib_doc[0][str(p)]} == {1.5, True}
    ours = serialize_graph(g, Format.JSONLD)
    assert {v["@value"] for v in json.loads(ours)[0][str(p)]} == {"1.50E0", "true"}
    back = {str(q.object.value) for q in ox.parse(ours, format=ox.RdfFormat.JSON_LD)}
    assert back == {"1.50E0", "true"}


def test_oxigraph_stores_canonical_literals(tmp_path):
    """Known limit of holding a graph in Oxigraph (pyoxigraph 0.5): it keeps literals of the XSD number, boolean
    and date-time types in canonical form, and types derived from xsd:integer become xsd:integer. The values are
    the same, the terms are not; rdflib's memory store keeps the file's forms. If this starts failing, Oxigraph
    has stopped doing it: drop the caveat from the README and oncograph.store."""
    path = tmp_path / "odd.nt"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    path.write_text(f'<http://example.org/s> <http://example.org/p> "007"^^<{xsd}integer> .\n'
                    f'<http://example.org/s> <http://example.org/q> "5"^^<{xsd}nonNegativeInteger> .\n')
    held = serialize_graph(load_graph(path, backend="oxigraph"), Format.NTRIPLES).decode()
    plain = serialize_graph(load_graph(path, backend="rdflib"), Format.NTRIPLES).decode()
    assert f'"7"^^<{xsd}integer>' in held and f'"5"^^<{xsd}integer>' in held
    assert f'"5"^^<{xsd}nonNegativeInteger>' in plain


# -- store order ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", [Format.TURTLE, Format.NTRIPLES, Format.JSONLD, Format.TRIG, Format.NQUADS])
def test_store_order_has_the_same_triples_as_canonical(landscape, tmp_path, fmt):
    graph = load_graph(landscape, backend="oxigraph")
    out = dump_store_order(graph, tmp_path / f"g{fmt.extension}", fmt)
    rdf = {Format.TURTLE: ox.RdfFormat.TURTLE, Format.NTRIPLES: ox.RdfFormat.N_TRIPLES,
           Format.JSONLD: ox.RdfFormat.JSON_LD, Format.TRIG: ox.RdfFormat.TRIG, Format.NQUADS: ox.RdfFormat.N_QUADS}[fmt]
    streamed = set(ox.parse(path=str(out), format=rdf))
    canonical = set(ox.parse(serialize_graph(graph, Format.NTRIPLES), format=ox.RdfFormat.N_TRIPLES))
    assert len(streamed) == len(canonical) > 3000
    assert streamed == canonical  # default graph only, for TriG and N-Quads too
    if fmt is Format.TURTLE:
        assert b"@prefix onco: <https://w3id.org/oncograph/ontology#>" in out.read_bytes()


def test_store_order_refuses_a_graph_not_held_in_oxigraph(tmp_path):
    """Copying it into Oxigraph would change its literals (see test_oxigraph_stores_canonical_literals)."""
    from oncograph.build import build

    with pytest.raises(InputError, match="this graph is in rdflib's memory store: use the canonical order"):
        dump_store_order(build().graph(), tmp_path / "c.nt", Format.NTRIPLES)
    assert list(tmp_path.iterdir()) == []
    p = subprocess.run([EXE, "export", "--order", "store", "--out", str(tmp_path / "c.nt")], capture_output=True,
                       text=True)
    assert p.returncode == 2 and "the curated build is small" in p.stderr


SCRIPT = """
import sys
from oncograph.export import dump_store_order
from oncograph.store import load_graph
dump_store_order(load_graph(sys.argv[1], backend="oxigraph"), sys.argv[2], sys.argv[3])
"""


def test_store_order_is_the_same_bytes_in_every_run(landscape, tmp_path):
    for fmt in ("turtle", "jsonld"):
        outs = []
        for seed in ("1", "977"):
            out = tmp_path / f"{seed}.{fmt}"
            subprocess.run([sys.executable, "-c", SCRIPT, str(landscape), str(out), fmt], check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed})
            outs.append(out.read_bytes())
        assert outs[0] == outs[1] and len(outs[0]) > 100_000


def test_store_order_failure_keeps_the_previous_file(landscape, tmp_path, monkeypatch):
    """A dump that fails half-way (a full disk, which cannot be caused here: simulated) leaves the old file whole."""
    target = tmp_path / "g.ttl"
    target.write_bytes(b"previous release\n")
    graph = load_graph(landscape, backend="oxigraph")
    store = oxigraph_of(graph)[0]

    class Failing:
        def __getattr__(self, name):
            return getattr(store, name)

        def dump(self, fh, *args, **kw):
            fh.write(b"half a file")
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("oncograph.store.oxigraph_of", lambda g: (Failing(), None))
    with pytest.raises(OSError, match="No space left"):
        dump_store_order(graph, target, Format.TURTLE)
    assert target.read_bytes() == b"previous release\n"
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]


def test_store_order_refuses_formats_it_cannot_stream(tmp_path):
    with pytest.raises(InputError, match="jsonld-compact cannot be written in store order; use one of turtle"):
        export(Graph(), tmp_path / "x.compact.jsonld", order=Order.STORE)
    with pytest.raises(InputError, match="order 'sorted': use one of canonical, store"):
        export(Graph(), tmp_path / "x.ttl", order="sorted")
    assert list(tmp_path.iterdir()) == []


def test_cli_exports_a_big_file_in_store_order(landscape, tmp_path):
    out = tmp_path / "big.jsonld"
    p = subprocess.run([EXE, "export", str(landscape), "--order", "store", "--out", str(out)], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    assert "store order" in p.stderr and "triples" in p.stderr
    assert len(set(ox.parse(path=str(out), format=ox.RdfFormat.JSON_LD))) == len(load_graph(landscape))
    p = subprocess.run([EXE, "export", str(landscape), "--order", "store", "--format", "jsonld-compact", "--out",
                        str(tmp_path / "c.jsonld")], capture_output=True, text=True)
    assert p.returncode == 2 and "cannot be written in store order" in p.stderr
    p = subprocess.run([EXE, "export", str(landscape), "--order", "store", "--format", "turtle"], capture_output=True,
                       text=True)
    assert p.returncode == 2 and "--order store streams to a file: give --out PATH" in p.stderr


def test_trig_and_nquads_of_one_graph_are_its_turtle_and_ntriples(landscape):
    """A plain graph has only the default graph: TriG writes it as Turtle, N-Quads as N-Triples (no Dataset copy)."""
    from rdflib import Dataset

    graph = load_graph(landscape, backend="oxigraph")
    ds = Dataset()
    for t in graph:
        ds.add(t)
    from oncograph.export import serialize_dataset

    assert serialize_graph(graph, Format.TRIG) == serialize_dataset(ds, Format.TRIG) == serialize_graph(graph,
                                                                                                        Format.TURTLE)
    assert serialize_graph(graph, Format.NQUADS) == serialize_dataset(ds, Format.NQUADS) == serialize_graph(
        graph, Format.NTRIPLES)


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_trig_and_nquads_of_one_graph_under_a_name_are_the_dataset_holding_it_there(landscape, backend):
    """``graph_name`` (a graph copied from a server's named graph): the bytes are those of a Dataset that holds the
    triples in that graph, and nothing is left in the default graph; the other formats do not change."""
    from rdflib import Dataset

    from oncograph.export import serialize, serialize_dataset, serialize_many

    name = "https://w3id.org/oncograph/id/graph/copy"
    graph = load_graph(landscape, backend=backend)
    ds = Dataset()
    named = ds.graph(URIRef(name))
    for t in graph:
        named.add(t)
    for fmt in (Format.TRIG, Format.NQUADS):
        ours = serialize(graph, fmt, graph_name=name)
        assert ours == serialize_dataset(ds, fmt) == serialize_many(graph, [fmt], graph_name=name)[fmt]
        read = Dataset().parse(data=ours, format="trig" if fmt is Format.TRIG else "nquads")
        assert len(read.graph(URIRef(name))) == len(graph) > 3000 and len(read.default_graph) == 0
        assert ours != serialize(graph, fmt)  # without the name: the default graph, as before
    for fmt in (Format.TURTLE, Format.NTRIPLES, Format.JSONLD):
        assert serialize(graph, fmt, graph_name=name) == serialize(graph, fmt)
    assert b"\ngraph:copy {\n    " in serialize(graph, Format.TRIG, graph_name=name)  # the graph's prefixed name


@pytest.mark.parametrize("fmt", [Format.TRIG, Format.NQUADS])
def test_store_order_of_one_graph_under_a_name_holds_it_in_that_graph(landscape, tmp_path, fmt):
    from oncograph.export import dump_store_orders

    name = "https://w3id.org/oncograph/id/graph/copy"
    graph = load_graph(landscape, backend="oxigraph")
    rdf = ox.RdfFormat.TRIG if fmt is Format.TRIG else ox.RdfFormat.N_QUADS
    out, ttl = dump_store_orders(graph, {tmp_path / f"g{fmt.extension}": fmt, tmp_path / "g.ttl": Format.TURTLE},
                                 graph_name=name)
    quads = list(ox.parse(path=str(out), format=rdf))
    assert {q.graph_name for q in quads} == {ox.NamedNode(name)}
    assert {q.triple for q in quads} == {q.triple for q in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)}
    assert len(quads) == len(graph)
    again = dump_store_order(graph, tmp_path / f"again{fmt.extension}", fmt, graph_name=name)
    assert again.read_bytes() == out.read_bytes()


def test_store_order_keeps_the_named_graphs_of_trig_and_nquads_files(tmp_path):
    """TriG / N-Quads FILES to TriG and N-Quads in store order: the same quads, named graphs and all, as the files
    hold (and as the canonical writers give); a Turtle file among them goes into the default graph. One file and
    several --out files both."""
    from oncograph.build import build
    from oncograph.export import serialize_dataset

    dataset = build().dataset
    trig, extra = tmp_path / "in.trig", tmp_path / "extra.ttl"
    trig.write_bytes(serialize_dataset(dataset, Format.TRIG))
    extra.write_text("<https://w3id.org/oncograph/id/org/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\"@en .\n")
    held = ox.Store()  # as Oxigraph holds them: it stores "28"^^xsd:nonNegativeInteger as xsd:integer (README)
    held.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    held.bulk_load(path=str(extra), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    expected = set(held)
    assert len({q.graph_name for q in expected}) > 3
    outs = [tmp_path / "s.trig", tmp_path / "s.nq", tmp_path / "s.ttl"]
    p = subprocess.run([EXE, "export", str(trig), str(extra), "--order", "store", "--force",
                        *[a for o in outs for a in ("--out", str(o))]], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    for path, rdf in zip(outs[:2], (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)):
        assert set(ox.parse(path=str(path), format=rdf)) == expected, path
    merged = {q.triple for q in expected}  # Turtle: the named graphs merged, as before
    assert {q.triple for q in ox.parse(path=str(outs[2]), format=ox.RdfFormat.TURTLE)} == merged
    one = tmp_path / "one.nq"
    p = subprocess.run([EXE, "export", str(trig), "--order", "store", "--out", str(one)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    canonical = tmp_path / "canonical.nq"
    p = subprocess.run([EXE, "export", str(trig), "--out", str(canonical)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    as_read = set(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    assert set(ox.parse(path=str(canonical), format=ox.RdfFormat.N_QUADS)) == as_read
    alone = ox.Store()
    alone.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    assert set(ox.parse(path=str(one), format=ox.RdfFormat.N_QUADS)) == set(alone)
    assert {(q.subject, q.predicate, q.graph_name) for q in alone} == {(q.subject, q.predicate, q.graph_name)
                                                                       for q in as_read}  # the same graphs


# -- several formats at once ---------------------------------------------------------------------------------------
def test_several_store_order_files_at_once_are_each_the_single_dump(landscape, tmp_path):
    from oncograph.export import dump_store_orders

    graph = load_graph(landscape, backend="oxigraph")
    targets = {tmp_path / "all.ttl": "turtle", tmp_path / "all.jsonld": Format.JSONLD, tmp_path / "all.nq": "nquads"}
    written = dump_store_orders(graph, targets)
    assert written == list(targets)
    for path, fmt in targets.items():
        alone = dump_store_order(graph, tmp_path / f"alone{path.suffix}", fmt)
        assert path.read_bytes() == alone.read_bytes() and path.stat().st_size > 100_000


def test_several_store_order_files_are_all_or_nothing(landscape, tmp_path, monkeypatch):
    """One dump failing (simulated: a full disk cannot be caused here) leaves every previous file as it was, even
    those whose dump finished, and no temporary file behind."""
    from oncograph.export import dump_store_orders

    graph = load_graph(landscape, backend="oxigraph")
    store = oxigraph_of(graph)[0]
    for name in ("g.ttl", "g.jsonld"):
        (tmp_path / name).write_bytes(b"previous release\n")

    class FailingJsonld:
        def __getattr__(self, name):
            return getattr(store, name)

        def dump(self, fh, fmt, **kw):
            if fmt == ox.RdfFormat.JSON_LD:
                fh.write(b"half a file")
                raise OSError(28, "No space left on device")
            store.dump(fh, fmt, **kw)

    monkeypatch.setattr("oncograph.store.oxigraph_of", lambda g: (FailingJsonld(), None))
    with pytest.raises(OSError, match="No space left"):
        dump_store_orders(graph, {tmp_path / "g.ttl": "turtle", tmp_path / "g.jsonld": "jsonld"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.jsonld", "g.ttl"]
    assert all((tmp_path / n).read_bytes() == b"previous release\n" for n in ("g.ttl", "g.jsonld"))


def test_several_store_order_files_refuse_a_path_given_twice_before_any_work(landscape, tmp_path):
    from oncograph.export import dump_store_orders

    graph = load_graph(landscape, backend="oxigraph")
    with pytest.raises(InputError, match="given twice"):
        dump_store_orders(graph, {tmp_path / "a.ttl": "turtle", f"{tmp_path}/sub/../a.ttl": "turtle"})
    with pytest.raises(InputError, match="jsonld-compact cannot be written in store order"):
        dump_store_orders(graph, {tmp_path / "a.ttl": "turtle", tmp_path / "b.jsonld": "jsonld-compact"})
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_several_formats_from_one_read(landscape, tmp_path):
    outs = [tmp_path / "big.ttl", tmp_path / "big.jsonld", tmp_path / "big.nt"]
    p = subprocess.run([EXE, "export", str(landscape), "--order", "store", *[a for o in outs for a in ("--out", str(o))]],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stderr.count("store order") == 3
    expected = set(ox.parse(serialize_graph(load_graph(landscape, backend="oxigraph"), Format.NTRIPLES),
                            format=ox.RdfFormat.N_TRIPLES))
    for out, rdf in zip(outs, (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.N_TRIPLES)):
        assert set(ox.parse(path=str(out), format=rdf)) == expected
    # canonical order: the same bytes as one --out at a time, GraphML alongside
    canon = tmp_path / "canon"
    p = subprocess.run([EXE, "export", "--out", str(canon / "c.ttl"), "--out", str(canon / "c.trig"), "--out",
                        str(canon / "c.graphml")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    for name in ("c.ttl", "c.trig"):
        single = subprocess.run([EXE, "export", "--out", str(tmp_path / name)], capture_output=True, text=True)
        assert single.returncode == 0, single.stderr
        assert (canon / name).read_bytes() == (tmp_path / name).read_bytes()
    assert b"<graphml" in (canon / "c.graphml").read_bytes()


def test_serialize_many_reads_the_graph_once_and_gives_each_formats_bytes(landscape, monkeypatch):
    """Several formats from one index: the same bytes as one serialize() per format, for an Oxigraph-held graph, a
    graph with blank nodes (canonical labels, worked out once) and a dataset (named graphs kept where the format
    has them, the union elsewhere); the index is read once per graph however many formats are asked for."""
    from rdflib import BNode, Dataset

    from oncograph import export as ex
    from oncograph.build import build

    held = load_graph(landscape, backend="oxigraph")
    blank = new_graph("rdflib")
    blank += tricky("rdflib")
    blank.add((BNode("x"), URIRef("https://w3id.org/oncograph/ontology#p"), Literal("blank")))
    built = build()
    fmts = [Format.TURTLE, Format.NTRIPLES, Format.JSONLD, Format.TRIG, Format.NQUADS]
    expected = {id(d): {f: ex.serialize(d, f) for f in fmts} for d in (held, blank, built.dataset)}
    calls = []
    real = ex._index
    monkeypatch.setattr(ex, "_index", lambda g, **kw: calls.append(kw) or real(g, **kw))
    for data in (held, blank):
        calls.clear()
        assert ex.serialize_many(data, [*fmts, "turtle"]) == expected[id(data)]
        assert len([c for c in calls if not c]) == 1 and len(calls) <= 2  # plain once (+ canonical once)
    assert isinstance(built.dataset, Dataset)
    assert ex.serialize_many(built.dataset, fmts) == expected[id(built.dataset)]
    with pytest.raises(InputError, match="graphml is a network projection"):
        ex.serialize_many(held, [Format.TURTLE, "graphml"])


def test_cli_writes_several_canonical_formats_of_a_big_file_as_one_at_a_time(landscape, tmp_path):
    outs = [tmp_path / "many" / n for n in ("g.ttl", "g.jsonld", "g.nt", "g.nq")]
    p = subprocess.run([EXE, "export", str(landscape), *[a for o in outs for a in ("--out", str(o))]],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stderr.count("canonical order") == 4
    for out in outs:
        single = tmp_path / out.name
        one = subprocess.run([EXE, "export", str(landscape), "--out", str(single)], capture_output=True, text=True)
        assert one.returncode == 0, one.stderr
        assert out.read_bytes() == single.read_bytes() and len(single.read_bytes()) > 10_000


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "turtle", "--out", "a.ttl", "--out", "b.ttl"], "drop --format"),
    (["--out", "a.ttl", "--out", "-"], "standard output takes one format"),
    (["--out", "a.ttl", "--out", "./a.ttl"], "a.ttl: given twice; give each output file once"),
    (["--out", "a.ttl", "--out", "b.compact.jsonld", "--order", "store", "FILE"], "cannot be written in store order"),
])
def test_cli_several_outs_refusals_write_nothing(landscape, tmp_path, args, message):
    args = [str(landscape) if a == "FILE" else a for a in args]
    p = subprocess.run([EXE, "export", *args], capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 2 and message in p.stderr, p.stderr
    assert list(tmp_path.iterdir()) == []


def test_write_together_writes_every_file_or_none(tmp_path, full_disk):
    """Every file appears (readable by all) or, when one write fails (simulated: a full disk cannot be caused here),
    none changes and no temporary file is left."""
    from oncograph import export as ex

    targets = {tmp_path / "a.ttl": b"new a\n", tmp_path / "sub" / "b.nt": b"new b\n", tmp_path / "c.jsonld": b"[]\n"}
    assert ex.write_together(targets) == list(targets)
    assert all(p.read_bytes() == data and (p.stat().st_mode & 0o777) == 0o644 for p, data in targets.items())

    full_disk(3)  # the third file: its write fails
    with pytest.raises(OutputError, match=r"cannot write .*c\.jsonld: No space left on device; nothing was changed"):
        ex.write_together({p: b"newer\n" for p in targets})
    assert all(p.read_bytes() == data for p, data in targets.items())
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.ttl", "b.nt", "c.jsonld", "sub"]


def test_write_together_names_the_file_that_failed(tmp_path, full_disk):
    """The message names the file whose write failed, the first as well as the last."""
    from oncograph import export as ex

    targets = {tmp_path / "a.ttl": b"a\n", tmp_path / "b.nt": b"b\n"}
    full_disk(1)
    with pytest.raises(OutputError, match=r"cannot write .*a\.ttl: No space left on device; nothing was changed"):
        ex.write_together(targets)
    assert list(tmp_path.iterdir()) == []


def test_write_together_puts_files_back_when_a_rename_fails(tmp_path, monkeypatch):
    """A rename failing half-way leaves every file as it was: the ones already replaced are put back, the new ones
    already renamed go, and no temporary or kept file is left. First a real failure (the third target is a folder,
    so it cannot be replaced), then a rename refused by the system (simulated: the timing cannot be caused here)."""
    from oncograph import export as ex

    (tmp_path / "old.ttl").write_bytes(b"old\n")
    (tmp_path / "folder.nt").mkdir()
    (tmp_path / "folder.nt" / "inside").write_bytes(b"kept\n")
    targets = {tmp_path / "new.jsonld": b"new\n", tmp_path / "old.ttl": b"newer\n",
               tmp_path / "folder.nt": b"x\n", tmp_path / "last.nq": b"last\n"}
    with pytest.raises(OutputError, match=r"cannot write .*folder\.nt: .*nothing was changed"):
        ex.write_together(targets)
    assert (tmp_path / "old.ttl").read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["folder.nt", "inside", "old.ttl"]

    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append((str(src), str(dst)))
        if str(dst).endswith("b.ttl") and str(src).endswith(".tmp"):
            raise PermissionError(13, "Permission denied")
        return real(src, dst)

    (tmp_path / "b.ttl").write_bytes(b"old b\n")
    monkeypatch.setattr(ex.os, "replace", replace)
    targets = {tmp_path / "a.nt": b"new a\n", tmp_path / "old.ttl": b"newer\n", tmp_path / "b.ttl": b"new b\n"}
    with pytest.raises(OutputError, match=r"cannot write .*b\.ttl: Permission denied; nothing was changed"):
        ex.write_together(targets)
    assert (tmp_path / "old.ttl").read_bytes() == b"old\n" and (tmp_path / "b.ttl").read_bytes() == b"old b\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["b.ttl", "folder.nt", "inside", "old.ttl"]
    assert any(dst.endswith("old.ttl") and src.endswith(".previous") for src, dst in calls)  # put back
    monkeypatch.setattr(ex.os, "replace", real)
    assert ex.write_together(targets) == list(targets)
    assert [p.read_bytes() for p in targets] == list(targets.values())
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.nt", "b.ttl", "folder.nt", "inside", "old.ttl"]


def test_cli_several_canonical_files_are_all_or_nothing(tmp_path, full_disk):
    """A write failing among the files of a repeated --out (simulated full disk, on the projection file) leaves
    every one as it was, RDF and projection alike, with exit code 2 and a line naming the file."""
    from click.testing import CliRunner

    from oncograph import export as ex
    from oncograph.cli import main

    outs = [tmp_path / "g.ttl", tmp_path / "g.jsonld", tmp_path / "g.graphml"]
    for out in outs:
        out.write_bytes(b"previous\n")
    opened = full_disk(3)  # the graphml file, the last of the three
    result = CliRunner().invoke(main, ["export", *[a for o in outs for a in ("--out", str(o))]])
    assert isinstance(result.exception, ex.OutputError) and result.exception.exit_code == 2
    assert "g.graphml: No space left on device; nothing was changed" in str(result.exception)
    assert len(opened) == 3  # the three files were written together, the last one failing
    assert all(o.read_bytes() == b"previous\n" for o in outs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.graphml", "g.jsonld", "g.ttl"]


def test_canonical_ntriples_from_oxigraphs_dump_are_the_index_writers_bytes(landscape):
    """Canonical N-Triples of an Oxigraph-held graph come from Oxigraph's own dump, sorted line by line, where its
    spelling is the index writer's: on every code point below U+0250 (and some above) in plain, language-tagged and
    typed literals, and on the generated landscape. Where it is not (\\b, \\f, blank nodes) the index writer is
    used instead, and the bytes are the same either way."""
    from rdflib import BNode

    from oncograph import export as ex

    held = new_graph("oxigraph")
    s = URIRef("https://w3id.org/oncograph/id/org/a.b")
    chars = [chr(i) for i in range(0x250) if i not in (8, 12)] + ["\u2028", "\ufeff", "\ufffd", "😀", "\U0010FFFF"]
    for i, c in enumerate(chars):
        held.add((s, URIRef(f"https://e.org/p{i}"), Literal(f"x{c}y")))
        held.add((s, URIRef(f"https://e.org/q{i}"), Literal(f"x{c}y", lang="en-GB")))
        held.add((s, URIRef(f"https://e.org/r{i}"), Literal(f"x{c}y", datatype=URIRef("http://e.org/dt"))))
    every = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and c not in (0x8, 0xC, 0xFFFE, 0xFFFF)]
    for i in range(0, len(every), 1000):  # every other code point, a thousand to a literal
        held.add((s, URIRef(f"https://e.org/all{i}"), Literal("".join(map(chr, every[i:i + 1000])))))
    for lit in (Literal(42), Literal("1.50E0", datatype=XSD.double), Literal("x", datatype=XSD.string), Literal("")):
        held.add((s, URIRef("http://e.org/lit"), lit))
    for graph in (held, load_graph(landscape, backend="oxigraph")):
        plain = new_graph("rdflib")
        plain += graph
        dumped = ex._sorted_store_ntriples(graph)
        assert dumped is not None and dumped.count(b"\n") == len(graph)
        assert dumped == serialize_graph(plain, Format.NTRIPLES) == serialize_graph(graph, Format.NTRIPLES)
        assert ex._sorted_store_ntriples(plain) is None  # not held in Oxigraph: the index writer
    for odd in (Literal("back\bspace"), Literal("form\x0cfeed"), Literal("x\ufffe"), Literal("\uffffx"), BNode("b1")):
        graph = new_graph("oxigraph")
        graph.add((s, URIRef("http://e.org/p"), odd))
        graph.add((s, URIRef("http://e.org/q"), Literal("plain")))
        plain = new_graph("rdflib")
        plain += graph
        assert ex._sorted_store_ntriples(graph) is None
        assert serialize_graph(graph, Format.NTRIPLES) == serialize_graph(plain, Format.NTRIPLES)
    assert ex._sorted_store_ntriples(new_graph("oxigraph")) == b"" == serialize_graph(new_graph("rdflib"), Format.NTRIPLES)
