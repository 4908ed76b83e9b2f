"""diff: a known edit to a copy of data/ is reported exactly, in words and as a patch that turns old into new."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from oncograph.build import build
from oncograph.cli import main
from oncograph.diff import diff_graphs, diff_releases
from oncograph.errors import InputError
from oncograph.export import Format, serialize_graph

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).parent / "oncograph")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: the test's edit no longer applies: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def edited_data(tmp_path_factory):
    """data/ with one known change of each kind: a relabelled organisation (and its member count), a removed
    listing, an added organisation and an added relationship."""
    data = tmp_path_factory.mktemp("edited") / "data"
    shutil.copytree(ROOT / "data", data)
    _edit(data / "organisations.yaml", "  name: Global Lung Cancer Coalition\n",
          "  name: The Global Lung Cancer Coalition\n")
    _edit(data / "organisations.yaml", "  member_count: 28\n", "  member_count: 29\n")
    _edit(data / "listings.yaml", "    - glcc\n    - {id: ibta,", "    - {id: ibta,")
    with open(data / "organisations.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n- id: lung-test-alliance\n  name: Lung Test Alliance\n  kinds: [patient-advocacy-group]\n"
                 "  sources: [esmo-useful-links]\n")
    with open(data / "relationships.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n- {type: partnership, partners: [glcc, roy-castle], start: 2020, sources: [esmo-useful-links]}\n")
    return data


@pytest.fixture(scope="module")
def edited(edited_data):
    return build(edited_data).graph()


EXPECTED = """\
changes from before to after
entities: 1 added, 0 removed; relationships: 1 added, 1 removed; 1 changed; triples: +23 -13

added entities:
  + Lung Test Alliance orgs:lung-test-alliance (org:FormalOrganization)

added relationships:
  + Roy Castle Lung Cancer Foundation and The Global Lung Cancer Coalition are partners (from 2020) rel:partnership/glcc+roy-castle

removed relationships:
  - Global Lung Cancer Coalition is listed on 'ESMO – Useful Links to Patient Support Websites' under 'International Organisations' rel:listing/esmo-useful-links--international--glcc

changed:
  ~ The Global Lung Cancer Coalition orgs:glcc
      memberCount: 28 -> 29
      name: "Global Lung Cancer Coalition" -> "The Global Lung Cancer Coalition"
"""


def test_known_edit_is_reported_exactly(graph, edited):
    d = diff_graphs(graph, edited, old_name="before", new_name="after")
    assert d.text() == EXPECTED


def test_patch_turns_old_into_new(graph, edited):
    d = diff_graphs(graph, edited)
    patch = d.rdf_patch().splitlines()
    assert patch[0] == "TX ." and patch[-1] == "TC ."
    assert len(patch) == 2 + 23 + 13
    result = Graph()
    for t in graph:
        result.add(t)
    for line in patch[1:-1]:
        op, triple = line[0], Graph().parse(data=line[2:], format="nt")
        for t in triple:
            (result.remove if op == "D" else result.add)(t)
    assert isomorphic(result, edited)
    assert d.rdf_patch() == diff_graphs(graph, edited).rdf_patch()  # deterministic


def test_json_report(graph, edited):
    d = diff_graphs(graph, edited, old_name="before", new_name="after")
    doc = json.loads(d.json_bytes())
    assert doc["summary"] == {"entities_added": 1, "entities_removed": 0, "relationships_added": 1,
                              "relationships_removed": 1, "changed": 1, "triples_added": 23, "triples_removed": 13}
    assert doc["entities"]["added"] == [{"id": "https://w3id.org/oncograph/id/org/lung-test-alliance",
                                         "name": "Lung Test Alliance",
                                         "class": "http://www.w3.org/ns/org#FormalOrganization"}]
    assert doc["relationships"]["removed"][0]["class"] == "https://w3id.org/oncograph/ontology#Listing"
    changes = {c["key"]: c for c in doc["changed"][0]["changes"]}
    assert changes["name"]["removed"] == ['"Global Lung Cancer Coalition"']
    assert changes["name"]["added"] == ['"The Global Lung Cancer Coalition"']
    assert changes["memberCount"]["added"] == ['"29"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>']
    assert [f"D {t}" for t in doc["patch"]["removed"]] + [f"A {t}" for t in doc["patch"]["added"]] == \
        d.rdf_patch().splitlines()[1:-1]


def test_same_release_has_no_changes(graph):
    d = diff_graphs(graph, graph, old_name="a", new_name="b")
    assert d.empty and d.text() == "changes from a to b: none (the releases hold the same triples)\n"


def test_diff_reads_any_release_format(tmp_path, graph, edited):
    """The same report whichever formats the two releases come in."""
    (tmp_path / "old.ttl").write_bytes(serialize_graph(graph, Format.TURTLE))
    (tmp_path / "new.compact.jsonld").write_bytes(serialize_graph(edited, Format.JSONLD_COMPACT))
    d = diff_releases(tmp_path / "old.ttl", tmp_path / "new.compact.jsonld")
    d.old_name, d.new_name = "before", "after"
    assert d.text() == EXPECTED


def test_diff_cli(tmp_path, graph, edited):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "oncograph.nt").write_bytes(serialize_graph(graph, Format.NTRIPLES))
    (new / "oncograph.nt").write_bytes(serialize_graph(edited, Format.NTRIPLES))
    res = CliRunner().invoke(main, ["diff", str(old), str(new), "--patch", str(tmp_path / "p.rdfp")])
    assert res.exit_code == 0, res.output
    assert res.stdout == EXPECTED.replace("from before to after", f"from {old} to {new}")
    assert (tmp_path / "p.rdfp").read_text().startswith("TX .\nD ")
    res = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert json.loads(res.stdout)["summary"]["triples_added"] == 23


def test_diff_cli_bad_input(tmp_path):
    res = subprocess.run([EXE, "diff", str(tmp_path), str(tmp_path / "missing")], capture_output=True, text=True)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"error: {tmp_path}: no release graph file in this folder; expected one of oncograph.nt, oncograph.ttl,"
        " oncograph.nq, oncograph.trig, oncograph.jsonld, oncograph.compact.jsonld (run `oncograph build --out"
        " FOLDER` to make one)"]
    (tmp_path / "broken.ttl").write_text("<a> <b> .")
    with pytest.raises(InputError, match="broken.ttl: not valid turtle"):
        diff_releases(tmp_path / "broken.ttl", tmp_path / "broken.ttl")


@pytest.mark.slow
def test_diff_of_two_real_builds(tmp_path, edited_data):
    """End to end: two `oncograph build` releases, compared by `oncograph diff` in a subprocess."""
    for name, data in (("old", ROOT / "data"), ("new", edited_data)):
        res = subprocess.run([EXE, "build", "--quiet", "--data", str(data), "--out", str(tmp_path / name)],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
    res = subprocess.run([EXE, "diff", "old", "new"], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout == EXPECTED.replace("from before to after", "from old to new")


# --- big files: compared by Oxigraph ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def filler(tmp_path_factory) -> bytes:
    """A generated landscape as N-Triples, over the 2 MB above which diff compares files by Oxigraph."""
    from oncograph import synth

    path = tmp_path_factory.mktemp("filler") / "landscape.nt"
    synth.write(path, 1400, seed=4)
    assert path.stat().st_size > 2_000_000
    return path.read_bytes()


def _big(path: Path, graph: Graph, filler: bytes, extra: bytes = b"") -> Path:
    path.write_bytes(serialize_graph(graph, Format.NTRIPLES) + filler + extra)
    return path


def test_big_files_are_compared_by_oxigraph_with_the_same_report(tmp_path, graph, edited, filler):
    from oncograph.diff import load_release
    from oncograph.store import oxigraph_of

    old, new = _big(tmp_path / "before.nt", graph, filler), _big(tmp_path / "after.nt", edited, filler)
    fast = diff_releases(old, new)
    assert oxigraph_of(fast.old) is not None and oxigraph_of(fast.new) is not None  # the fast path was taken
    slow = diff_graphs(load_release(old), load_release(new), old_name=str(old), new_name=str(new))
    assert oxigraph_of(slow.old) is None
    assert fast.text() == slow.text()
    assert fast.text().split("\n", 1)[1] == EXPECTED.split("\n", 1)[1]  # the filler changes nothing
    assert fast.json_bytes() == slow.json_bytes()
    assert fast.rdf_patch() == slow.rdf_patch()
    # the patch and the values keep the files' datatypes (Oxigraph's store reads xsd:nonNegativeInteger as xsd:integer)
    assert '"28"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in fast.rdf_patch()
    values = [v for nc in json.loads(fast.json_bytes())["changed"] for vc in nc["changes"] for v in vc["removed"]]
    assert '"28"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in values


def test_big_files_with_differing_blank_nodes_get_canonical_labels_first(tmp_path, graph, filler):
    from oncograph.store import oxigraph_of

    old = _big(tmp_path / "a.nt", graph, filler, b'_:one <urn:x:p> "same" .\n')
    new = _big(tmp_path / "b.nt", graph, filler, b'_:two <urn:x:p> "same" .\n')
    d = diff_releases(old, new)
    assert oxigraph_of(d.old) is not None  # compared by Oxigraph, the triples with blank nodes labelled canonically
    assert d.empty and not d.removed and not d.added


@pytest.mark.parametrize("suffix", [".nt", ".ttl"])
def test_big_files_whose_blank_nodes_differ_get_the_report_of_the_canonical_rdflib_path(tmp_path, graph, filler,
                                                                                       suffix):
    """Blank nodes that change (a value, a link, one more) in big files: Oxigraph compares the files, only the
    triples with blank nodes get canonical labels, and the report is that of the rdflib path over whole graphs with
    canonical labels; the labels themselves differ between the files and never decide."""
    from oncograph.diff import load_release
    from oncograph.store import oxigraph_of

    esmo = b"<https://w3id.org/oncograph/id/org/esmo>"
    old_extra = (esmo + b' <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:a .\n'
                 b'_:a <http://www.w3.org/2000/01/rdf-schema#label> "a note" .\n'
                 b'_:a <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:b .\n'
                 b'_:b <http://www.w3.org/2000/01/rdf-schema#label> "kept" .\n')
    new_extra = (esmo + b' <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:x9 .\n'
                 b'_:x9 <http://www.w3.org/2000/01/rdf-schema#label> "a changed note" .\n'
                 b'_:x9 <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:y .\n'
                 b'_:y <http://www.w3.org/2000/01/rdf-schema#label> "kept" .\n'
                 + esmo + b' <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:z .\n'
                 b'_:z <http://www.w3.org/2000/01/rdf-schema#label> "one more" .\n')
    files = []
    for name, extra in (("old", old_extra), ("new", new_extra)):
        nt = _big(tmp_path / f"{name}.nt", graph, filler, extra)
        if suffix == ".ttl":  # the same triples as Turtle (written by Oxigraph, blank nodes relabelled)
            import pyoxigraph as ox

            store = ox.Store()
            store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
            nt = tmp_path / f"{name}.ttl"
            store.dump(str(nt), ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
        files.append(nt)
    fast = diff_releases(*files)
    assert oxigraph_of(fast.old) is not None
    slow = diff_graphs(load_release(files[0]), load_release(files[1]), old_name=str(files[0]),
                       new_name=str(files[1]))
    assert oxigraph_of(slow.old) is None
    assert (len(fast.removed), len(fast.added)) == (len(slow.removed), len(slow.added)) == (4, 6)
    assert fast.text() == slow.text()
    assert fast.json_bytes() == slow.json_bytes()
    assert fast.rdf_patch() == slow.rdf_patch()
    assert '"a changed note"' in fast.rdf_patch() and '"one more"' in fast.rdf_patch()


def test_a_bad_line_in_a_big_n_triples_file_is_named_with_its_line_number(tmp_path, graph, filler):
    old = _big(tmp_path / "a.nt", graph, filler)
    lines = old.read_bytes().split(b"\n")
    lines[999] = b'<urn:x:a> <urn:x:p> "no end .'
    new = tmp_path / "b.nt"
    new.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match=r"b\.nt: not valid n-triples at line 1000: .*no end"):
        diff_releases(old, new)
    res = subprocess.run([EXE, "diff", str(old), str(new)], capture_output=True, text=True)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.splitlines()[-1].startswith(f"error: {new}: not valid n-triples at line 1000: ")
