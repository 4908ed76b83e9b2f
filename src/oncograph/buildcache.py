"""A disk cache of the graph built from the project's ``data/``, so that ``oncograph query`` starts quickly.

Building the curated graph (reading the YAML, checking it, minting the relationship nodes) took 0.42 s where
reading the same triples back from N-Triples took 0.11 s, and a named query on the curated data runs in
milliseconds, so the build was most of a query's start-up. The cache key is a hash of every file under the data
folder and the ontology folder and of oncograph's own source files: a change to data or code misses the cache and
the graph is built afresh. Only one entry is kept.

Where: ``$ONCOGRAPH_CACHE`` if set (``off`` turns the cache off), else ``$XDG_CACHE_HOME/oncograph``, else
``~/.cache/oncograph``. A cache that cannot be read or written is passed over silently: the graph is then built
as before, so the cache can make start-up faster but never makes a result different or a run fail.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from rdflib import Graph

from . import paths
from .namespaces import bind_prefixes

ENV = "ONCOGRAPH_CACHE"
_PREFIX = "built-"


def cache_dir() -> Path | None:
    """The cache folder, or None when ``$ONCOGRAPH_CACHE`` is ``off``."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen.lower() in ("off", "0", "no", "false"):
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "oncograph"


def build_key(data_dir: Path) -> str:
    """A hash of what the build reads (data, ontology) and of the code that builds it."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    trees = [(b"data", data_dir), (b"ontology", paths.ontology_dir()), (b"code", package)]
    for label, root in trees:
        h.update(label + b"\0" + str(root.resolve()).encode() + b"\0")
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and (label != b"code" or p.suffix == ".py"))
        for p in files:
            h.update(str(p.relative_to(root)).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:32]


def built_graph(data_dir: Path | str | None = None) -> Graph:
    """The union graph of ``build(data_dir)``, from the cache when data and code are unchanged.

    Build errors are raised as from :func:`oncograph.build.build`, and nothing is cached for them.
    """
    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    folder = cache_dir()
    entry = None
    if folder is not None and data_dir.is_dir():
        try:
            entry = folder / f"{_PREFIX}{build_key(data_dir)}.nt"
            if entry.is_file():
                return _read(entry)
        except Exception:  # noqa: BLE001 -- an unreadable or damaged cache is passed over: build instead
            pass
    from .build import build

    graph = build(data_dir).graph()
    if entry is not None:
        _store(entry, graph)
    return graph


def _read(entry: Path) -> Graph:
    """The cached graph, in rdflib's memory store (as ``build`` gives it), parsed by pyoxigraph: rdflib's own
    N-Triples parser is pure Python and took most of a cached query's start-up. Each distinct term is made once.
    A file with explicit ``xsd:string`` literals goes through rdflib's parser, which keeps them apart from simple
    literals (pyoxigraph reads both the same)."""
    data = entry.read_bytes()
    graph = bind_prefixes(Graph())
    if b"^^<http://www.w3.org/2001/XMLSchema#string>" in data:
        graph.parse(data=data, format="nt")
        return graph
    import pyoxigraph as ox

    from .store import converter

    term = converter()
    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph)
               for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    return graph


def _store(entry: Path, graph: Graph) -> None:
    """Write the entry atomically and drop older entries; never fail the run."""
    from .files import atomic_write

    try:
        atomic_write(entry, graph.serialize(format="nt", encoding="utf-8"))
        for old in entry.parent.glob(f"{_PREFIX}*.nt"):
            if old != entry:
                old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 -- a cache that cannot be written is only a missed speed-up
        pass
