"""Stored copies (``oncograph store FILE``): an on-disk Oxigraph store that ``query`` / ``sparql --input FILE`` open
instead of parsing the file, used only while the file is unchanged, built all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oncograph import storecache, synth
from oncograph.errors import InputError, OutputError
from oncograph.query import list_queries, run_query
from oncograph.store import load_graph, oxigraph_of

from test_fast_query import answer  # tests/test_fast_query.py: results as comparable data

EXE = str(Path(sys.executable).parent / "oncograph")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ONCOGRAPH_CACHE", str(folder))
    return folder


@pytest.fixture(scope="module")
def landscape(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stored") / "landscape.ttl"
    synth.write(path, 200, seed=7, violations={rule: 1 for rule in synth.RULES})
    return path


def _run(*args, cache: Path, **kw):
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "ONCOGRAPH_CACHE": str(cache)}, **kw)


def _copies(cache: Path) -> list[str]:
    root = cache / "stores"
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_every_named_query_answers_on_the_stored_copy_as_on_the_file_read_into_oxigraph(landscape, cache, query):
    if storecache.find_copy(landscape) is None:
        storecache.store_file(landscape)
    opened = storecache.open_copy(landscape)
    assert opened is not None
    stored, copy = opened
    assert oxigraph_of(stored) is not None and copy.triples > 5000
    loaded = load_graph(landscape, backend="oxigraph")
    assert answer(run_query(query, graph=stored)) == answer(run_query(query, graph=loaded))


def test_quads_are_merged_into_the_default_graph_as_load_graph_does(tmp_path, cache):
    path = tmp_path / "two.nq"
    path.write_text('<http://e/a> <http://e/p> "1" <http://e/g1> .\n<http://e/b> <http://e/p> "2" <http://e/g2> .\n'
                    '<http://e/c> <http://e/p> "3" .\n', encoding="utf-8")
    copy = storecache.store_file(path)
    assert copy.triples == 3
    graph, _ = storecache.open_copy(path)
    text = "SELECT ?s WHERE { ?s <http://e/p> ?o } ORDER BY ?s"
    assert [str(r[0]) for r in graph.query(text)] == ["http://e/a", "http://e/b", "http://e/c"]


def test_cli_stores_then_queries_the_copy_and_parses_a_changed_file_again(tmp_path, cache):
    path = tmp_path / "landscape.ttl"
    synth.write(path, 60, seed=2)
    parsed = _run("query", "organisations-per-kind", "--input", path, "--format", "csv", cache=tmp_path / "off")
    assert parsed.returncode == 0, parsed.stderr
    stored = _run("store", path, cache=cache)
    assert stored.returncode == 0, stored.stderr
    assert "triples" in stored.stdout and "--input" in stored.stdout
    assert len(_copies(cache)) == 1
    shown = _run("store", path, "--show", cache=cache)
    assert shown.returncode == 0 and "stored copy of" in shown.stdout

    from oncograph.cli.query import _local_graph

    graph = _local_graph(None, None, path)  # what query --input does: the stored copy, opened read-only
    with pytest.raises(RuntimeError, match="read-write"):
        oxigraph_of(graph)[0].add(next(iter(oxigraph_of(graph)[0].quads_for_pattern(None, None, None))))
    on_copy = _run("query", "organisations-per-kind", "--input", path, "--format", "csv", cache=cache)
    assert on_copy.returncode == 0, on_copy.stderr
    assert on_copy.stdout == parsed.stdout

    # the file changes: the copy is passed over, the file is parsed, and storing again replaces the old copy
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n<https://w3id.org/oncograph/id/org/new-one> a <http://www.w3.org/ns/org#Organization> ;\n"
                 "  <https://w3id.org/oncograph/ontology#kind> <https://w3id.org/oncograph/id/kinds/charity> .\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    assert storecache.find_copy(path) is None
    changed = _run("query", "organisations-per-kind", "--input", path, "--format", "csv", cache=cache)
    assert changed.returncode == 0 and changed.stdout != parsed.stdout
    assert _run("query", "organisations-per-kind", "--input", path, "--format", "csv",
                cache=tmp_path / "off2").stdout == changed.stdout
    again = _run("store", path, cache=cache)
    assert again.returncode == 0 and "removed 1 copy of an older version" in again.stderr
    assert len(_copies(cache)) == 1
    assert _run("query", "organisations-per-kind", "--input", path, "--format", "csv", cache=cache).stdout == \
        changed.stdout

    dropped = _run("store", path, "--drop", cache=cache)
    assert dropped.returncode == 0 and "removed 1 stored copy" in dropped.stdout
    assert _copies(cache) == [] and storecache.find_copy(path) is None


def test_a_file_that_does_not_parse_is_named_with_its_line_and_leaves_nothing(tmp_path, cache):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix e: <http://e/> .\ne:a e:p e:b .\ne:c e:p .\n", encoding="utf-8")
    p = _run("store", path, cache=cache)
    assert p.returncode == 2
    assert str(path) in p.stderr and "line 3" in p.stderr
    assert _copies(cache) == []  # neither a copy nor its temporary folder
    with pytest.raises(InputError, match="no such file"):
        storecache.store_file(tmp_path / "missing.ttl")
    with pytest.raises(InputError, match="unknown RDF file extension"):
        storecache.store_file(tmp_path / "notes.txt")


def test_a_failed_store_keeps_the_earlier_copy_of_the_same_version(tmp_path, cache, monkeypatch):
    """An error half-way (here: the store cannot be flushed) removes the temporary folder and leaves the copy that
    was there, so a query keeps opening it."""
    import pyoxigraph as ox

    path = tmp_path / "small.nt"
    path.write_text('<http://e/a> <http://e/p> "1" .\n', encoding="utf-8")
    first = storecache.store_file(path)

    real_store = ox.Store

    class Failing:
        def __init__(self, folder):
            self.inner = real_store(folder)

        def bulk_load(self, **kw):
            self.inner.bulk_load(**kw)

        def flush(self):
            raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(ox, "Store", Failing)
        with pytest.raises(OutputError, match="No space left on device"):
            storecache.store_file(path)
    assert _copies(cache) == [first.folder.name]
    assert storecache.open_copy(path) is not None


def test_cache_off_or_unwritable_is_a_clear_error(tmp_path):
    path = tmp_path / "small.nt"
    path.write_text('<http://e/a> <http://e/p> "1" .\n', encoding="utf-8")
    off = _run("store", path, cache="off")
    assert off.returncode == 2 and "cache is off" in off.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    bad = _run("store", path, cache=blocker / "cache")
    assert bad.returncode == 2 and "cannot store a copy there" in bad.stderr and "ONCOGRAPH_CACHE" in bad.stderr
    both = _run("store", path, "--drop", "--show", cache=tmp_path / "c")
    assert both.returncode == 2 and "not both" in both.stderr


def test_a_damaged_copy_is_passed_over_and_the_file_parsed(tmp_path, cache):
    path = tmp_path / "small.nt"
    path.write_text('<http://e/a> <http://e/p> "1" .\n<http://e/b> <http://e/p> "2" .\n', encoding="utf-8")
    copy = storecache.store_file(path)
    for part in copy.folder.iterdir():
        if part.name != "oncograph-source.json":
            part.unlink() if part.is_file() else None
    assert storecache.find_copy(path) is not None and storecache.open_copy(path) is None
    p = _run("sparql", "-", "--input", path, "--format", "csv", cache=cache,
             input="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["n", "2"]


def test_storing_an_unchanged_file_again_keeps_the_copy_a_query_has_open(tmp_path, cache):
    """A second `store` of the same version keeps the first copy (a query may be reading it) and drops its own."""
    path = tmp_path / "small.nt"
    path.write_text('<http://e/a> <http://e/p> "1" .\n<http://e/b> <http://e/p> "2" .\n', encoding="utf-8")
    first = storecache.store_file(path)
    graph, _ = storecache.open_copy(path)  # open, as a running query would hold it
    second = storecache.store_file(path)
    assert second.folder == first.folder and second.built == first.built and second.triples == 2
    assert _copies(cache) == [first.folder.name]  # no temporary folder left either
    assert len(list(graph.query("SELECT ?s WHERE { ?s ?p ?o }"))) == 2  # the open copy still answers
    leftover = first.folder
    (leftover / "oncograph-source.json").unlink()  # a folder without its mark is no copy: replaced
    third = storecache.store_file(path)
    assert third.folder == leftover and (leftover / "oncograph-source.json").is_file()
    assert storecache.open_copy(path) is not None


def test_list_and_prune_tell_used_copies_from_stale_ones_and_leftovers(tmp_path, cache, monkeypatch):
    """--list names every copy with its triples, size on disk and whether it is used; --prune removes the copies of
    changed or deleted files and interrupted stores, but not a copy in use, a store another process is still
    making, nor the copy another pyoxigraph wrote of a file as it is (another environment's: that goes with
    --other-versions)."""
    import pyoxigraph as ox

    kept, changed, deleted, other = (tmp_path / f"{n}.nt" for n in ("kept", "changed", "deleted", "other"))
    for i, path in enumerate((kept, changed, deleted, other)):
        path.write_text(f'<http://e/a> <http://e/p> "{i}" .\n<http://e/b> <http://e/p> "x" .\n', encoding="utf-8")
        storecache.store_file(path)
    changed.write_text('<http://e/a> <http://e/p> "changed" .\n', encoding="utf-8")
    deleted.unlink()
    _as_if_written_by(storecache.find_copy(other).folder, "0.0.1")
    root = cache / "stores"
    (root / ".0123abcd.999999999.tmp").mkdir()  # an interrupted store (no such process)
    (root / f".4567cdef.{os.getpid()}.tmp").mkdir()  # a store this process is making

    states = {(c.source.name if c.source else c.folder.name): c.stale for c in storecache.list_copies()}
    assert states == {"kept.nt": "", "changed.nt": "its file changed since", "deleted.nt": "its file is gone",
                      "other.nt": f"written by pyoxigraph 0.0.1, not {ox.__version__}",
                      ".0123abcd.999999999.tmp": "a leftover of an interrupted store (no mark)",
                      f".4567cdef.{os.getpid()}.tmp": f"being stored by process {os.getpid()}"}
    assert all(c.bytes > 0 for c in storecache.list_copies() if c.source is not None)

    listed = _run("store", "--list", cache=cache)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert any(line.startswith(f"{kept}: 2 triples, ") and line.endswith("; used while the file is unchanged")
               for line in lines)
    assert any(line.startswith(f"{changed}: 2 triples, ") and line.endswith("; not used: its file changed since")
               for line in lines)
    assert any(line.startswith(f"{other}: 2 triples, ") and line.endswith(
        f"; not used: written by pyoxigraph 0.0.1, not {ox.__version__} (kept by --prune for an environment with"
        " that version; --prune --other-versions removes it)") for line in lines)
    assert lines[-1].startswith("4 stored copies and 2 leftovers, ") and lines[-1].endswith(f" MB in all, in {root}")

    pruned = _run("store", "--prune", cache=cache)
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.splitlines()[-1].startswith("removed 2 stored copies and 1 leftover (")
    left = {(c.source.name if c.source else c.folder.name) for c in storecache.list_copies()}
    assert left == {"kept.nt", "other.nt", f".4567cdef.{os.getpid()}.tmp"}
    assert storecache.open_copy(kept) is not None
    assert _run("store", "--prune", cache=cache).stdout == f"removed 0 stored copies (0.0 MB) from {root}\n"
    everything = _run("store", "--prune", "--other-versions", cache=cache)
    assert everything.returncode == 0, everything.stderr
    assert everything.stdout.splitlines()[0].startswith(f"{other}: 2 triples, ")
    assert everything.stdout.splitlines()[-1].startswith("removed 1 stored copy (")
    left = {(c.source.name if c.source else c.folder.name) for c in storecache.list_copies()}
    assert left == {"kept.nt", f".4567cdef.{os.getpid()}.tmp"}


def _as_if_written_by(folder: Path, version: str) -> Path:
    """Make a stored copy look as if another pyoxigraph had written it: its mark says so, and its folder is named
    by that identity, as :func:`storecache.store_file` under that version would have named it."""
    import json

    mark = folder / "oncograph-source.json"
    identity = {**json.loads(mark.read_text()), "pyoxigraph": version}
    mark.write_text(json.dumps(identity))
    key = storecache._key({k: identity[k] for k in ("path", "size", "mtime_ns", "pyoxigraph")})
    return folder.rename(folder.with_name(key))


def test_storing_a_file_again_keeps_the_copy_another_pyoxigraph_made_of_it_as_it_is(tmp_path, cache):
    """Two environments with different pyoxigraph versions share the cache folder: storing the file in one keeps
    the other's copy of the same file, but a copy of the file as it was before goes, whoever wrote it;
    --drop removes every copy."""
    path = tmp_path / "shared.nt"
    path.write_text('<http://e/a> <http://e/p> "1" .\n', encoding="utf-8")
    theirs = _as_if_written_by(storecache.store_file(path).folder, "0.0.1")
    ours = storecache.store_file(path)
    assert theirs.is_dir() and ours.folder.is_dir() and ours.folder != theirs
    path.write_text('<http://e/a> <http://e/p> "2" .\n<http://e/b> <http://e/p> "3" .\n', encoding="utf-8")
    newer = storecache.store_file(path)
    assert not theirs.exists() and not ours.folder.exists() and newer.triples == 2
    again = _as_if_written_by(newer.folder, "0.0.1")
    assert storecache.drop_copies(path) == 1 and not again.exists()


@pytest.mark.parametrize("args, message", [
    (["--list", "x.nt"], "--list covers every stored copy: leave out FILE"),
    (["--list", "--prune"], "give one of --list and --prune, not both"),
    (["--drop", "--show", "--list"], "give one of --drop, --show, --list, not several"),
    ([], "name the RDF FILE to store (or give --list or --prune)"),
    (["--list", "--other-versions"], "--other-versions goes with --prune"),
    (["x.nt", "--other-versions"], "--other-versions goes with --prune"),
])
def test_store_options_that_do_not_go_together_are_refused(tmp_path, cache, args, message):
    res = _run("store", *args, cache=cache, cwd=tmp_path)
    assert res.returncode == 2 and message in res.stderr


def test_list_with_the_cache_off_says_so(tmp_path):
    res = subprocess.run([EXE, "store", "--list"], capture_output=True, text=True,
                         env={**os.environ, "ONCOGRAPH_CACHE": "off"})
    assert res.returncode == 0 and res.stdout == "the cache is off (ONCOGRAPH_CACHE=off): there are no stored copies\n"
