"""Export: formats and extensions, canonical and byte-identical output, named graphs per source, bad input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF, SKOS, XSD

import oncograph.build  # noqa: F401  (patched by no_work)
import oncograph.validate  # noqa: F401
from oncograph.cli import main
from oncograph.errors import InputError, OutputError
from oncograph.export import (ExportRefused, Format, atomic_write, export, read_rdf, serialize_dataset,
                              serialize_graph, turtle)
from oncograph.namespaces import ID, ONCO

EXE = str(Path(sys.executable).parent / "oncograph")
ROOT = Path(__file__).resolve().parent.parent
ESMO = ID["org"]["esmo"]

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own, from its parsers


def run(*args, **kw):
    return subprocess.run([EXE, *args], capture_output=True, text=True, **kw)


# -- formats ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, fmt", [
    ("x.ttl", Format.TURTLE), ("x.nt", Format.NTRIPLES), ("x.jsonld", Format.JSONLD), ("x.json", Format.JSONLD),
    ("dist/oncograph.compact.jsonld", Format.JSONLD_COMPACT), ("x.trig", Format.TRIG), ("X.NQ", Format.NQUADS),
    ("net.graphml", Format.GRAPHML), ("net.gexf", Format.GEXF), ("edges.csv", Format.CSV),
])
def test_format_from_extension(name, fmt):
    assert Format.from_path(name) is fmt


@pytest.mark.parametrize("alias, fmt", [("ttl", Format.TURTLE), ("turtle", Format.TURTLE), ("n-triples", Format.NTRIPLES),
                                        ("json-ld", Format.JSONLD), ("jsonld-compact", Format.JSONLD_COMPACT),
                                        ("nq", Format.NQUADS), ("TriG", Format.TRIG)])
def test_format_names_and_aliases(alias, fmt):
    assert Format.parse(alias) is fmt


def test_unknown_format_and_extension_list_the_known_ones():
    with pytest.raises(InputError) as err:
        Format.parse("rdfxml")
    for f in Format:
        assert f.value in str(err.value)
    with pytest.raises(InputError, match=r"\.ttl \(turtle\).*\.compact\.jsonld \(jsonld-compact\)"):
        Format.from_path("graph.owl")


def test_unknown_format_cli_one_line_exit_2(tmp_path):
    res = run("export", "--format", "rdfxml", "--out", str(tmp_path / "x.rdf"))
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        "error: unknown format 'rdfxml'; known formats: turtle, nt, jsonld, jsonld-compact, trig, nquads, graphml,"
        " gexf, csv"]
    res = run("export", "--out", str(tmp_path / "x.rdf"))
    assert res.returncode == 2 and "cannot tell the format from the extension .rdf" in res.stderr
    assert not list(tmp_path.iterdir())


# -- output paths are checked before any work ----------------------------------------------------------------------
@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if anything is built or validated."""
    def boom(*a, **k):
        raise AssertionError("work was done before the output path was checked")

    monkeypatch.setattr(sys.modules["oncograph.build"], "build", boom)
    monkeypatch.setattr(sys.modules["oncograph.validate"], "validate", boom)


def test_unwritable_path_is_reported_before_any_work(tmp_path, no_work):
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    res = CliRunner().invoke(main, ["export", "--out", str(blocker / "sub" / "x.ttl")])
    assert isinstance(res.exception, OutputError)
    assert "afile is a file, not a folder" in str(res.exception)
    res = CliRunner().invoke(main, ["export", "--format", "turtle", "--out", str(tmp_path)])
    assert isinstance(res.exception, OutputError) and "it is a folder" in str(res.exception)
    res = CliRunner().invoke(main, ["export", "--out", str(tmp_path / "x.unknown")])
    assert isinstance(res.exception, InputError)


def test_unwritable_path_cli_says_why(tmp_path):
    (tmp_path / "afile").write_text("x")
    res = run("export", "--out", str(tmp_path / "afile" / "x.ttl"))
    assert res.returncode == 2
    assert res.stderr.startswith("error: cannot write to ") and "is a file, not a folder" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


# -- validation before export --------------------------------------------------------------------------------------
@pytest.fixture
def invalid_file(tmp_path, graph_copy):
    graph_copy.remove((ESMO, SKOS.prefLabel, None))  # breaks "one preferred name"
    path = tmp_path / "bad.ttl"
    path.write_bytes(serialize_graph(graph_copy, Format.TURTLE))
    return path


def test_invalid_graph_is_refused_without_force(tmp_path, invalid_file):
    out = tmp_path / "out.nt"
    res = CliRunner().invoke(main, ["export", str(invalid_file), "--out", str(out)])
    assert isinstance(res.exception, ExportRefused) and res.exception.exit_code == 1
    assert "one preferred name" in res.stderr and "--force" in str(res.exception)
    assert not out.exists()


def test_invalid_graph_is_written_with_force(tmp_path, invalid_file):
    out = tmp_path / "out.nt"
    res = CliRunner().invoke(main, ["export", str(invalid_file), "--out", str(out), "--force"])
    assert res.exit_code == 0, res.output
    assert re.search(r"warning: the graph has [1-9]\d* SHACL violation\(s\); exporting anyway \(--force\)", res.stderr)
    assert len(Graph().parse(out, format="nt")) == len(Graph().parse(invalid_file, format="turtle"))


def test_invalid_graph_cli_exit_1(tmp_path, invalid_file):
    res = run("export", str(invalid_file), "--out", str(tmp_path / "out.ttl"))
    assert res.returncode == 1
    assert re.fullmatch(r"error: the graph has [1-9]\d* SHACL violation\(s\) \(listed above\); nothing was written\."
                        r" Fix the data, or pass --force to export it anyway", res.stderr.strip().splitlines()[-1])
    assert "[one preferred name]" in res.stderr
    assert not (tmp_path / "out.ttl").exists()


def test_export_library_call(tmp_path, graph, built):
    path = export(graph, tmp_path / "g.trig", dataset=built.dataset)
    assert path.read_bytes() == serialize_dataset(built.dataset, Format.TRIG)
    with pytest.raises(ExportRefused):
        bad = Graph()
        bad.add((ESMO, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")))
        export(bad, tmp_path / "bad.ttl")
    assert not (tmp_path / "bad.ttl").exists()


def test_export_to_stdout_and_from_files(tmp_path, graph):
    res = CliRunner().invoke(main, ["export", "--format", "nt"])
    assert res.exit_code == 0
    assert res.stdout_bytes == serialize_graph(graph, Format.NTRIPLES)
    src = tmp_path / "in.trig"
    res = run("export", "--out", str(src))
    assert res.returncode == 0 and "wrote" in res.stderr
    back = read_rdf(src)
    assert len({g.identifier for g in back.graphs() if len(g)}) == 8  # named graphs survive a round trip
    res = run("export", str(src), "--out", str(tmp_path / "again.trig"))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "again.trig").read_bytes() == src.read_bytes()


# -- canonical output ----------------------------------------------------------------------------------------------
def test_turtle_is_canonical_sorted_and_prefixed(graph):
    text = serialize_graph(graph, Format.TURTLE).decode("utf-8")
    head, _, body = text.partition("\n\n")
    prefixes = [line.split()[1] for line in head.splitlines()]
    assert prefixes == sorted(prefixes) and "onco:" in prefixes and "orgs:" in prefixes
    subjects = [line for line in body.split("\n") if line and not line.startswith(" ")]
    assert len(subjects) == len(set(graph.subjects()))
    assert "orgs:esmo\n    a org:FormalOrganization ,\n        org:Organization ,\n        foaf:Agent ;" in body
    assert '    schema:startDate "2013"^^xsd:gYear ;' in body


TRICKY = [
    Literal('He said "hi"\n\tand left \\ \r'), Literal("\x01 control \x7f"), Literal("ünïcödé ✓ – 中文"),
    Literal("colour", lang="en-GB"), Literal("2013", datatype=XSD.gYear), Literal(42), Literal(-7),
    Literal("007", datatype=XSD.integer), Literal(""), Literal("x", datatype=URIRef("http://example.org/dt#t")),
    Literal("3.5", datatype=XSD.decimal), Literal("true", datatype=XSD.boolean),
]


def test_turtle_writer_escapes_every_kind_of_term():
    g = Graph()
    s = URIRef("https://w3id.org/oncograph/id/org/a.b")
    for i, lit in enumerate(TRICKY):
        g.add((s, URIRef(f"https://w3id.org/oncograph/ontology#p{i}"), lit))
    for iri in ("https://w3id.org/oncograph/id/org/ends.", "https://w3id.org/oncograph/id/rel/x/y+z",
                "https://w3id.org/oncograph/id/org/1abc", "http://example.org/a#b(c)", "https://w3id.org/oncograph/id/"):
        g.add((s, ONCO.involves, URIRef(iri)))
    text = turtle(g)
    assert isomorphic(g, Graph().parse(data=text, format="turtle"))
    nt = serialize_graph(g, Format.NTRIPLES)
    assert set(ox.parse(text, format=ox.RdfFormat.TURTLE)) == set(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    assert b"orgs:a.b" in text and b"<https://w3id.org/oncograph/id/org/ends.>" in text
    assert b" 42 ," in text or b" 42 ;" in text or b" 42 ." in text or b"\n        42" in text


def test_blank_nodes_get_canonical_labels():
    def make(label):
        g = Graph()
        b = BNode(label)
        g.add((ESMO, PROV.qualifiedAttribution, b))
        g.add((b, SKOS.note, Literal("an anonymous node")))
        return g

    one, two = make("x1"), make("zz9")
    for fmt in (Format.TURTLE, Format.NTRIPLES, Format.JSONLD, Format.JSONLD_COMPACT, Format.TRIG, Format.NQUADS):
        assert serialize_graph(one, fmt) == serialize_graph(two, fmt), fmt
    assert isomorphic(one, Graph().parse(data=serialize_graph(one, Format.TURTLE), format="turtle"))


def test_canonical_labels_only_the_triples_with_blank_nodes_and_gives_rdflibs_labels(tmp_path):
    """canonical() relabels just the triples naming a blank node; the labels are those rdflib's canonical labelling
    of the whole graph gives (the shapes, with their property blank nodes and lists), and isomorphic graphs with
    other labels come out the same."""
    from rdflib.compare import to_canonical_graph

    from oncograph.export import canonical
    from oncograph.paths import load_shapes

    shapes = load_shapes()
    assert any(isinstance(o, BNode) for o in shapes.objects())
    assert set(canonical(shapes)) == set(to_canonical_graph(shapes))
    relabelled = Graph()
    renamed: dict = {}
    for s_, p, o in shapes:
        relabelled.add(tuple(renamed.setdefault(t, BNode()) if isinstance(t, BNode) else t for t in (s_, p, o)))
    assert set(relabelled) != set(shapes)
    assert set(canonical(relabelled)) == set(canonical(shapes))
    plain = Graph()
    plain.add((ESMO, SKOS.note, Literal("no blank node")))
    assert canonical(plain) is plain


def test_trig_and_nquads_have_one_named_graph_per_source_document(built):
    """Each relationship node's triples are in the graph of each source it cites, and only there."""
    ds = Dataset()
    ds.parse(data=serialize_dataset(built.dataset, Format.NQUADS), format="nquads")
    graphs = {g.identifier: g for g in ds.graphs() if len(g)}
    sources = set(built.graph().subjects(RDF.type, ONCO.SourceDocument))
    assert len(sources) == 5
    assert set(graphs) == sources | {ID["graph"][n] for n in ("entities", "sources", "vocabulary")}
    union = built.graph()
    for rel in union.subjects(RDF.type, ONCO.Relationship):
        cited = set(union.objects(rel, PROV.wasDerivedFrom))
        holding = {name for name, g in graphs.items() if (rel, RDF.type, ONCO.Relationship) in g}
        assert holding == cited, rel
    for src in sources:
        for rel in graphs[src].subjects(RDF.type, ONCO.Relationship):
            assert (rel, PROV.wasDerivedFrom, src) in graphs[src]


def test_atomic_write_replaces_whole_files(tmp_path):
    target = tmp_path / "f.txt"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]  # no temporary files left
    assert oct(target.stat().st_mode & 0o777) == "0o644"


# -- two builds, byte for byte -------------------------------------------------------------------------------------
RELEASE = ("oncograph.ttl", "oncograph.nt", "oncograph.jsonld", "oncograph.compact.jsonld", "oncograph.trig",
           "oncograph.nq", "context.jsonld", "void.ttl", "ontology.html", "plots/network.png", "plots/network.svg")

SCRIPT = """
import sys
from oncograph.pipeline import run_build
from oncograph.export import write_release_docs
result = run_build(out_dir=sys.argv[1])
assert result.report.conforms
write_release_docs(result.built, result.built.graph(), sys.argv[1])
"""


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path):
    """The main job and the release docs, run in two processes with different hash seeds, write the same bytes."""
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-c", SCRIPT, str(out)], capture_output=True, text=True, env=env,
                             cwd=ROOT)
        assert res.returncode == 0, res.stderr
        outs.append(out)
    files = sorted(str(p.relative_to(outs[0])) for p in outs[0].rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(outs[1])) for p in outs[1].rglob("*") if p.is_file())
    assert set(RELEASE) <= set(files)
    for name in files:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_the_release_lists_its_files_for_sha256sum(tmp_path):
    """SHA256SUMS lists every other file the main job wrote, by path, and the real `sha256sum -c` accepts it."""
    import shutil

    from oncograph.pipeline import run_build

    out = tmp_path / "dist"
    result = run_build(out_dir=out)
    listed = (out / "SHA256SUMS").read_text().splitlines()
    names = [line.split("  ", 1)[1] for line in listed]
    assert names == sorted(names) and "plots/network.png" in names and "SHA256SUMS" not in names
    assert set(names) == {p.relative_to(out).as_posix() for p in result.written} - {"SHA256SUMS"}
    if shutil.which("sha256sum") is None:
        pytest.skip("coreutils' sha256sum is not installed to check the file with")
    res = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.count(": OK") == len(names)
    (out / "oncograph.ttl").write_bytes(b"changed")  # and it would catch a damaged download
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True).returncode == 1


def test_a_release_removes_only_what_the_previous_one_listed(tmp_path, full_disk):
    """Files the previous SHA256SUMS listed and the new release does not have go (and folders left empty), once the
    new release is in place, never after a failed write; a reader's own files, and lines naming something outside the
    folder or malformed, are left alone and said."""
    from oncograph.errors import OutputError
    from oncograph.pipeline import run_build

    out = tmp_path / "dist"
    run_build(out_dir=out)
    stale = [out / "oncograph-old.ttl", out / "plots" / "old.png", out / "old" / "deep" / "x.ttl"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"from an earlier release")
    mine, outside = out / "my-notes.txt", tmp_path / "outside.txt"
    mine.write_text("a reader's file")
    outside.write_text("not the release's")
    zero = "0" * 64
    with open(out / "SHA256SUMS", "a") as fh:
        fh.writelines(f"{zero}  {p.relative_to(out).as_posix()}\n" for p in stale)
        fh.write(f"{zero}  ../outside.txt\n")
        fh.write(f"{zero}  {outside}\n")
        fh.write("not a checksum line\n")
    full_disk(3)
    with pytest.raises(OutputError):
        run_build(out_dir=out)
    assert all(p.exists() for p in stale), "a failed release removed files of the previous one"
    full_disk(0)
    again = run_build(out_dir=out)
    assert sorted(again.removed) == sorted(stale)
    assert not any(p.exists() for p in stale) and not (out / "old").exists()
    assert (out / "plots" / "network.png").exists() and mine.exists() and outside.exists()
    assert len(again.skipped) == 3 and all("SHA256SUMS:" in line for line in again.skipped)
    summary = again.summary()
    assert "removed 3 file(s)" in summary and "oncograph-old.ttl" in summary and "../outside.txt" in summary
    assert "oncograph-old.ttl" not in (out / "SHA256SUMS").read_text()
    third = run_build(out_dir=out)
    assert third.removed == [] and third.skipped == []


def test_main_job_writes_the_whole_release_or_leaves_the_previous_one(tmp_path, full_disk):
    """The main job makes every file first and writes them together: a write failing at the last file (simulated
    full disk: it cannot be caused here) leaves every file of the previous release as it was, the plots too, and no
    temporary file; a run that can write replaces them all."""
    from oncograph.errors import OutputError
    from oncograph.pipeline import run_build

    out = tmp_path / "dist"
    first = run_build(out_dir=out)
    assert first.report.conforms and len(first.written) >= 13
    previous = {p: p.read_bytes() for p in first.written}
    for p in previous:  # mark the previous release, so that any rewrite would show
        p.write_bytes(b"previous " + p.name.encode())
    opened = full_disk(len(previous))  # the last file
    with pytest.raises(OutputError, match=r"network\.svg: No space left on device; nothing was changed"):
        run_build(out_dir=out)
    assert len(opened) == len(previous)  # one write per file, all in one go
    assert all(p.read_bytes() == b"previous " + p.name.encode() for p in previous)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    full_disk(0)
    again = run_build(out_dir=out)
    assert {p: p.read_bytes() for p in again.written} == previous


def test_a_stale_file_that_cannot_be_removed_is_said_not_raised(tmp_path, monkeypatch):
    """The new release is in place when stale files go, so one that cannot be removed (a permission: root, as the
    tests run, cannot be refused one, hence the patch) is reported and the others still go."""
    from oncograph.files import remove_stale

    for name in ("a.ttl", "b.ttl", "keep.ttl"):
        (tmp_path / name).write_text(name)
    real = Path.unlink

    def unlink(self, *args, **kw):
        if self.name == "a.ttl":
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kw)

    monkeypatch.setattr(Path, "unlink", unlink)
    removed, failed = remove_stale(tmp_path, {"a.ttl", "b.ttl", "keep.ttl", "gone.ttl"}, {"keep.ttl"})
    assert removed == [tmp_path / "b.ttl"]
    assert failed == [f"{tmp_path / 'a.ttl'}: Permission denied"]
    assert (tmp_path / "a.ttl").exists() and (tmp_path / "keep.ttl").exists()
