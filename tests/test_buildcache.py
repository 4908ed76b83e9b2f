"""The build cache: a named query's start-up reads the curated graph back from N-Triples while data and code are
unchanged, and gives exactly the graph and the answers a fresh build gives."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib.compare import to_isomorphic

from oncograph import buildcache, paths
from oncograph.build import build
from oncograph.query import list_queries, run_query

EXE = str(Path(sys.executable).parent / "oncograph")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(buildcache.ENV, str(folder))
    return folder


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(paths.data_dir(), target)
    return target


def test_a_cached_graph_is_the_built_graph_and_answers_every_query_the_same(cache):
    fresh = build().graph()
    first = buildcache.built_graph()  # builds and writes the entry
    entries = list(cache.glob("built-*.nt"))
    assert len(entries) == 1
    second = buildcache.built_graph()  # reads it back
    assert to_isomorphic(first) == to_isomorphic(second) == to_isomorphic(fresh)
    assert dict(second.namespaces())["onco"] == dict(fresh.namespaces())["onco"]
    for q in list_queries():
        params = {p.name: p.example for p in q.params}
        a, b = run_query(q, params, graph=second), run_query(q, params, graph=fresh)
        assert (sorted(map(repr, a.rows)), a.boolean) == (sorted(map(repr, b.rows)), b.boolean), q.name
        if a.graph is not None:
            assert to_isomorphic(a.graph) == to_isomorphic(b.graph), q.name


def test_a_change_to_the_data_misses_the_cache(cache, data_copy):
    before = buildcache.built_graph(data_copy)
    key = buildcache.build_key(data_copy)
    orgs = data_copy / "organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("ESMO", "ESMX", 1), encoding="utf-8")
    assert buildcache.build_key(data_copy) != key
    after = buildcache.built_graph(data_copy)
    assert to_isomorphic(after) != to_isomorphic(before)
    assert to_isomorphic(after) == to_isomorphic(build(data_copy).graph())
    assert len(list(cache.glob("built-*.nt"))) == 1  # the old entry went


def test_a_damaged_entry_is_passed_over_and_rebuilt(cache, data_copy):
    buildcache.built_graph(data_copy)
    (entry,) = cache.glob("built-*.nt")
    entry.write_text("<not n-triples\n", encoding="utf-8")
    graph = buildcache.built_graph(data_copy)
    assert to_isomorphic(graph) == to_isomorphic(build(data_copy).graph())


def test_bad_data_raises_as_the_build_does_and_caches_nothing(cache, data_copy):
    from oncograph.errors import DataError

    (data_copy / "organisations.yaml").write_text("organisations: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match="organisations.yaml"):
        buildcache.built_graph(data_copy)
    assert not cache.exists() or not list(cache.glob("built-*.nt"))


def test_off_and_an_unwritable_folder_build_without_a_cache(tmp_path, monkeypatch, data_copy):
    monkeypatch.setenv(buildcache.ENV, "off")
    assert buildcache.cache_dir() is None
    assert len(buildcache.built_graph(data_copy)) == len(build(data_copy).graph())
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(buildcache.ENV, str(blocker / "cache"))  # cannot be created: under a file
    assert len(buildcache.built_graph(data_copy)) == len(build(data_copy).graph())


def test_the_cli_query_gives_the_same_output_cold_and_warm(tmp_path):
    env_cache = tmp_path / "cli-cache"
    import os

    env = {**os.environ, buildcache.ENV: str(env_cache)}
    cold = subprocess.run([EXE, "query", "organisations-by-kind", "--format", "csv"], capture_output=True, text=True,
                          env=env)
    assert cold.returncode == 0, cold.stderr
    assert len(list(env_cache.glob("built-*.nt"))) == 1
    warm = subprocess.run([EXE, "query", "organisations-by-kind", "--format", "csv"], capture_output=True, text=True,
                          env=env)
    off = subprocess.run([EXE, "query", "organisations-by-kind", "--format", "csv"], capture_output=True, text=True,
                         env={**env, buildcache.ENV: "off"})
    assert warm.returncode == off.returncode == 0
    assert cold.stdout == warm.stdout == off.stdout and cold.stdout.count("\n") > 10


def test_cache_reader_keeps_every_term_as_written(tmp_path):
    """The entry is read by pyoxigraph, except where it holds explicit xsd:string literals, which pyoxigraph cannot
    tell from simple ones: then rdflib's parser reads it and the two stay apart. Typed, language-tagged and
    non-canonical literals ("007"^^xsd:integer, a nonNegativeInteger) come back exactly as written."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    typed = [Literal("007", datatype=XSD.integer), Literal("28", datatype=XSD.nonNegativeInteger),
             Literal("2024-02", datatype=XSD.gYearMonth), Literal("Krebs", lang="de"), Literal("plain")]
    entry = tmp_path / "built-typed.nt"
    entry.write_text("".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for o in typed), encoding="utf-8")
    assert set(buildcache._read(entry).objects(s, p)) == set(typed)
    assert all(o.datatype == t.datatype and str(o) == str(t) for o in buildcache._read(entry).objects(s, p)
               for t in typed if t == o)

    explicit = Literal("plain", datatype=XSD.string)
    entry.write_text(f"{s.n3()} {p.n3()} {explicit.n3()} .\n{s.n3()} {p.n3()} {Literal('plain').n3()} .\n",
                     encoding="utf-8")
    assert set(buildcache._read(entry).objects(s, p)) == {explicit, Literal("plain")}
