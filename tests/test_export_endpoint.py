"""`oncograph export --endpoint URL`: a named graph on a real SPARQL server (Virtuoso, and Oxigraph server, on
loopback; tests/servers.py) written to release files, checked against the shapes as any export is.

The curated graph goes up with ``publish`` and comes back through the CLI. From Virtuoso its canonical Turtle must
be the same bytes as the local export, which shows nothing was lost or altered on the way, though the copy came in
pages (this Virtuoso cuts answers at 20 rows); Oxigraph server gives the same triples but for its canonical literals."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from rdflib import XSD, Dataset, Graph, URIRef

from oncograph import synth
from oncograph.endpoint import publish
from oncograph.query import default_graph

pytestmark = pytest.mark.servers

EXE = str(Path(sys.executable).parent / "oncograph")


def oncograph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=300, check=False)


def plain(graph: Graph) -> set:
    return {(s, p, str(o)) for s, p, o in graph}


@pytest.fixture(scope="module")
def local_turtle(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("local") / "kg.ttl"
    done = oncograph("export", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


@pytest.mark.parametrize("kind", ["virtuoso_tiny", "oxigraph"])
def test_the_graph_on_a_server_exports_to_the_same_bytes_as_the_local_build(kind, request, tmp_path, local_turtle):
    server = request.getfixturevalue(kind)
    iri = f"https://w3id.org/oncograph/id/graph/export-{uuid.uuid4().hex}"
    publish(default_graph(), server.url, graph=iri, **server.credentials)
    out = tmp_path / "copy.ttl"
    done = oncograph("export", "--endpoint", server.url, "--graph", iri, "--out", str(out))
    assert done.returncode == 0, done.stderr
    if kind == "oxigraph":  # Oxigraph server keeps literals in canonical form, as pyoxigraph does (README): the
        copied = Graph().parse(out)  # one xsd:nonNegativeInteger of the curated data comes back as xsd:integer
        assert plain(copied) == plain(default_graph())
        assert {o.datatype for _, _, o in set(default_graph()) - set(copied)} == {XSD.nonNegativeInteger}
    else:
        assert out.read_bytes() == local_turtle
    triples = len(default_graph())
    assert f"{triples:,} triples" in done.stderr
    paged = f"copied {triples:,} of {triples:,} triples from the endpoint" in done.stderr
    assert paged is (kind == "virtuoso_tiny")  # Oxigraph server answers in one go

    several = [tmp_path / "copy.nt", tmp_path / "copy.jsonld"]
    store = oncograph("export", "--endpoint", server.url, "--graph", iri, "--order", "store",
                      *(f"--out={p}" for p in several))
    assert store.returncode == 0, store.stderr
    for path, fmt in zip(several, ["nt", "json-ld"]):  # streamed from Oxigraph, which keeps literals in canonical
        written = Graph().parse(path, format=fmt)    # form ("28"^^xsd:nonNegativeInteger as xsd:integer; README)
        assert len(written) == triples and plain(written) == plain(default_graph())

    for order in ("canonical", "store"):  # TriG and N-Quads hold the copy under the server's graph IRI
        quads = [tmp_path / f"{order}.trig", tmp_path / f"{order}.nq"]
        done = oncograph("export", "--endpoint", server.url, "--graph", iri, "--order", order,
                         *(f"--out={p}" for p in quads))
        assert done.returncode == 0, done.stderr
        for path, fmt in zip(quads, ["trig", "nquads"]):
            read = Dataset().parse(path, format=fmt)
            assert len(read.default_graph) == 0, (order, fmt)
            assert plain(read.graph(URIRef(iri))) == plain(default_graph()), (order, fmt)
            assert {g.identifier for g in read.graphs() if len(g)} == {URIRef(iri)}, (order, fmt)


def test_a_graph_with_violations_on_a_server_is_not_exported_unless_forced(oxigraph, tmp_path):
    iri = f"https://w3id.org/oncograph/id/graph/export-{uuid.uuid4().hex}"
    publish(synth.generate_graph(40, seed=3, violations={"NoCycles": 1}), oxigraph.url, graph=iri)
    out = tmp_path / "bad.ttl"
    refused = oncograph("export", "--endpoint", oxigraph.url, "--graph", iri, "--out", str(out))
    assert refused.returncode == 1 and "not part or member of itself" in refused.stderr and not out.exists()
    assert "1 SHACL violation(s)" in refused.stderr
    forced = oncograph("export", "--endpoint", oxigraph.url, "--graph", iri, "--out", str(out), "--force")
    assert forced.returncode == 0 and out.stat().st_size > 0


def test_export_from_a_server_refuses_what_it_cannot_do(oxigraph, tmp_path):
    out = str(tmp_path / "x.ttl")
    empty = oncograph("export", "--endpoint", oxigraph.url, "--graph", "urn:example:nothing-here", "--out", out)
    assert empty.returncode == 2 and "<urn:example:nothing-here>" in empty.stderr and "holds no triples" in empty.stderr
    for args, said in [
        (["--endpoint", oxigraph.url, "--data", "data"], "without RDF FILES or --data"),
        (["--endpoint", oxigraph.url, str(tmp_path / "some.ttl")], "without RDF FILES or --data"),
        (["--graph", "urn:example:g"], "--graph is for a SPARQL server: give --endpoint URL too"),
    ]:
        done = oncograph("export", *args, "--out", out)
        assert done.returncode == 2 and said in done.stderr, done.stderr
    assert not Path(out).exists()
    credentials = {**os.environ, "ONCOGRAPH_ENDPOINT_USER": "dba", "ONCOGRAPH_ENDPOINT_PASSWORD": "dba"}
    local = subprocess.run([EXE, "export", "--out", out], capture_output=True, text=True, timeout=300, env=credentials)
    assert local.returncode == 0 and Path(out).stat().st_size > 0  # credentials in the environment (as the README
    Path(out).unlink()                                               # sets them) do not stop a local export
    gone = oncograph("export", "--endpoint", "http://127.0.0.1:9", "--out", out)
    assert gone.returncode == 3 and "127.0.0.1:9" in gone.stderr and not Path(out).exists()
