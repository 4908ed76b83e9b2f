"""Stored copies of RDF files: an on-disk Oxigraph store per file, so that repeated queries on it start at once.

``oncograph store FILE`` parses FILE once into an Oxigraph store (RocksDB) in the cache folder. ``oncograph query``
and ``oncograph sparql`` with ``--input FILE`` then open that store read-only instead of parsing the file. At a
million triples opening took 0.01 s where parsing takes 2.5 s. In exchange each query runs on disk pages, not in
memory: the median named query took about 3 times as long there at a million triples, and 13 times at ten million
(the README's *Stored copies*). So a stored copy pays for one-shot queries from the command line on files of about a
million triples, not for the commands that read the whole graph (validate, export, analyse), which keep parsing the
file.

A copy is found by the file's resolved path, size and modification time, and by the pyoxigraph version that wrote
it. Once the file changes, the copy is no longer used, and the file is parsed as before until ``oncograph store
FILE`` is run again; that run also removes the copies of the file's older versions (but not another pyoxigraph's
copy of the file as it is: two environments may share the cache folder). The copy holds the triples
as an Oxigraph-held graph of :func:`oncograph.store.load_graph` does: named graphs merged into the default graph,
numbers and dates in Oxigraph's canonical form. Where: ``stores/`` under :func:`oncograph.buildcache.cache_dir`.
A copy is built in a temporary folder and renamed into place when complete, so a failed or interrupted build
leaves nothing that would be opened. :func:`list_copies` tells each folder there apart (used, stale, leftover) and
:func:`prune_copies` removes what is no longer used (``oncograph store --list`` / ``--prune``; another
pyoxigraph's copies of files as they are only with ``--other-versions``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rdflib import Graph

from .errors import InputError, OutputError

__all__ = ["Listed", "StoredCopy", "drop_copies", "find_copy", "list_copies", "open_copy", "prune_copies", "store_file",
           "stores_dir"]

_MARK = "oncograph-source.json"  # written last inside the folder: a folder without it is not a copy


@dataclass(frozen=True)
class StoredCopy:
    """A stored copy of ``source`` in ``folder``, of ``triples`` triples."""

    source: Path
    folder: Path
    triples: int
    built: str  # when, as an ISO date and time (UTC)


def stores_dir() -> Path | None:
    """Where stored copies live, or None when the cache is off (``ONCOGRAPH_CACHE=off``)."""
    from .buildcache import cache_dir

    folder = cache_dir()
    return None if folder is None else folder / "stores"


def _identity(path: Path) -> dict:
    import pyoxigraph as ox

    from .files import stamp

    size, mtime_ns = stamp(path)
    return {"path": str(path.resolve()), "size": size, "mtime_ns": mtime_ns, "pyoxigraph": ox.__version__}


def _key(identity: dict) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:24]


def _of_file_as_it_is(folder: Path, mark: dict, identity: dict) -> bool:
    """Whether ``folder`` (with its ``mark``) is the copy of the file whose ``identity`` is given, as the file is now,
    whichever pyoxigraph wrote it: its name is the key that version would give the file now."""
    return folder.name == _key({**identity, "pyoxigraph": mark.get("pyoxigraph")})


def find_copy(path: Path | str) -> StoredCopy | None:
    """The stored copy of the file as it is now, or None (none built, the file changed since, or the cache is off)."""
    path = Path(path)
    root = stores_dir()
    if root is None or not path.is_file():
        return None
    folder = root / _key(_identity(path))
    try:
        mark = json.loads((folder / _MARK).read_text())
    except (OSError, ValueError):
        return None
    return StoredCopy(path, folder, int(mark.get("triples", 0)), str(mark.get("built", "")))


def open_copy(path: Path | str) -> tuple[Graph, StoredCopy] | None:
    """The stored copy of ``path`` opened read-only as an rdflib Graph (held in Oxigraph), or None when there is
    none or it cannot be opened (the caller then parses the file)."""
    import pyoxigraph as ox
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from .namespaces import bind_prefixes
    from .store import _store_class

    copy = find_copy(path)
    if copy is None:
        return None
    try:
        inner = ox.Store.read_only(str(copy.folder))
    except (OSError, RuntimeError, ValueError):  # a damaged or half-removed folder: parse the file instead
        return None
    graph = Graph(store=_store_class()(store=inner), identifier=DATASET_DEFAULT_GRAPH_ID)
    return bind_prefixes(graph), copy


def store_file(path: Path | str, *, say: Callable[[str], None] | None = None) -> StoredCopy:
    """Parse ``path`` into a new stored copy (replacing any of an older version of the file) and return it.

    A file that cannot be parsed raises InputError naming its line and column; a cache that cannot be written
    raises OutputError. Either way no copy is left behind, and a copy of the file as it was stays as it was.
    """
    import pyoxigraph as ox

    from .store import parse_error, parse_into, rdf_format

    path = Path(path)
    fmt_name, _ = rdf_format(path)
    root = stores_dir()
    if root is None:
        raise InputError("the cache is off (ONCOGRAPH_CACHE=off); set ONCOGRAPH_CACHE to a folder to store copies")
    identity = _identity(path)
    folder = root / _key(identity)
    temporary = root / f".{folder.name}.{os.getpid()}.tmp"
    started = time.perf_counter()
    try:
        root.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(temporary, ignore_errors=True)
        store = ox.Store(str(temporary))
        if say:
            say(f"storing {path} ({identity['size'] / 1e6:,.0f} MB) in {folder} ...")
        parse_into(store, path)  # named graphs merged into the default graph, as load_graph does
        store.flush()
        triples = len(store)
        del store  # closes the database before the folder is renamed
        built = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        (temporary / _MARK).write_text(json.dumps({**identity, "triples": triples, "built": built}, indent=1))
        if (folder / _MARK).is_file():
            # this very version is stored already (an earlier or a parallel run): keep that copy, which a query
            # may have open, and drop the new one
            shutil.rmtree(temporary, ignore_errors=True)
            mark = json.loads((folder / _MARK).read_text())
            triples, built = int(mark.get("triples", triples)), str(mark.get("built", built))
        else:
            shutil.rmtree(folder, ignore_errors=True)  # a folder without its mark is no copy: a leftover
            temporary.rename(folder)
    except SyntaxError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        raise parse_error(path, fmt_name, exc) from None
    except OSError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        if not path.is_file() or not os.access(path, os.R_OK):
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        raise OutputError(f"{root}: cannot store a copy there: {exc.strerror or exc}; set ONCOGRAPH_CACHE to a "
                          "writable folder") from None
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    removed = drop_copies(path, keep=folder, other_versions=False)
    if say:
        say(f"stored {triples:,} triples in {time.perf_counter() - started:.1f} s"
            + (f"; removed {removed} copy of an older version" if removed == 1 else
               f"; removed {removed} copies of older versions" if removed else ""))
    return StoredCopy(path, folder, triples, built)


def drop_copies(path: Path | str, *, keep: Path | None = None, other_versions: bool = True) -> int:
    """Remove the stored copies of ``path`` (every version of it, except the folder ``keep``; with ``other_versions``
    false, not the copies of the file as it is now that another pyoxigraph wrote); how many went."""
    root = stores_dir()
    if root is None or not root.is_dir():
        return 0
    resolved = str(Path(path).resolve())
    current = _identity(Path(path)) if Path(path).is_file() else None
    removed = 0
    for folder in sorted(root.iterdir()):
        if folder == keep or not folder.is_dir():
            continue
        try:
            mark = json.loads((folder / _MARK).read_text())
        except (OSError, ValueError):
            continue
        if mark.get("path") != resolved:
            continue
        if not other_versions and current is not None and _of_file_as_it_is(folder, mark, current):
            continue  # the file as it is, for another environment's pyoxigraph
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


@dataclass(frozen=True)
class Listed:
    """One folder under :func:`stores_dir`: a stored copy (``source`` set) or a leftover, with its size on disk and
    ``stale``: why this environment does not use it ("" while it is the copy of its file as the file is now).
    ``builder``: the process still storing into it, if any. ``other_version``: a copy of the file as it is now, by
    another pyoxigraph, which an environment with that version sharing the cache folder may still use."""

    folder: Path
    source: Path | None
    triples: int
    built: str
    bytes: int
    stale: str
    builder: int | None = None
    other_version: bool = False  # of the file as it is, but written by another pyoxigraph (another environment's)


def list_copies() -> list[Listed]:
    """Every folder under :func:`stores_dir`, copies and leftovers, by source file, then by when stored."""
    import pyoxigraph as ox

    root = stores_dir()
    if root is None or not root.is_dir():
        return []
    out = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        size = _size_of(folder)
        try:
            mark = json.loads((folder / _MARK).read_text())
        except (OSError, ValueError):
            pid = _builder_pid(folder)
            why = f"being stored by process {pid}" if pid else "a leftover of an interrupted store (no mark)"
            out.append(Listed(folder, None, 0, "", size, why, builder=pid))
            continue
        source = Path(str(mark.get("path", "")))
        version = mark.get("pyoxigraph")
        other = False
        if not source.is_file():
            why = "its file is gone"
        elif not _of_file_as_it_is(folder, mark, _identity(source)):
            why = "its file changed since"
        elif version != ox.__version__:
            # the file is as stored: an environment with that pyoxigraph (sharing the cache folder) may use it
            why, other = f"written by pyoxigraph {version}, not {ox.__version__}", True
        else:
            why = ""
        out.append(Listed(folder, source, int(mark.get("triples", 0)), str(mark.get("built", "")), size, why,
                          other_version=other))
    return sorted(out, key=lambda c: (c.source is None, str(c.source or ""), c.built, c.folder.name))


def prune_copies(*, other_versions: bool = False) -> list[Listed]:
    """Remove what :func:`list_copies` lists as stale, except a copy another process is still storing and, unless
    ``other_versions``, a copy of a file as it is now written by another pyoxigraph (an environment with that version
    may share the cache folder); returns what went. A copy in use stays."""
    gone = []
    for listed in list_copies():
        if not listed.stale or listed.builder is not None or (listed.other_version and not other_versions):
            continue
        shutil.rmtree(listed.folder, ignore_errors=True)
        if not listed.folder.exists():
            gone.append(listed)
    return gone


def _builder_pid(folder: Path) -> int | None:
    """The process storing into ``folder`` (named ``.<key>.<pid>.tmp`` by :func:`store_file`) if it still runs."""
    parts = folder.name.split(".")
    if not (folder.name.startswith(".") and folder.name.endswith(".tmp") and len(parts) == 4 and parts[2].isdigit()):
        return None
    pid = int(parts[2])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # it runs, as another user
        pass
    return pid


def _size_of(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total
