"""Where the explorer's graph comes from: the curated data built at start, a release file, or a SPARQL endpoint.

The pages need the whole graph at hand (the search index, the network projection). The curated graph is small, so
it ends up as an rdflib ``Dataset`` in memory, as does a small release file. A big file (a landscape of a million
triples) is read by Oxigraph instead, as ``oncograph.store.load_graph`` reads it: the pages get its triples, merged
into one Oxigraph-held rdflib Graph (3 s at a million triples, against 43 s for rdflib's parser), and the query
workers read the file themselves. From an endpoint it is a copy of one named graph taken at start (one CONSTRUCT, or
pages of one where Virtuoso would cut it: ``endpoint.copy_graph``); user queries still go to the endpoint itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from ..errors import InputError
from ..namespaces import bind_prefixes

#: File extension -> rdflib parser, for ``--graph FILE``.
GRAPH_FILE_FORMATS = {".trig": "trig", ".nq": "nquads", ".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld",
                      ".json": "json-ld", ".rdf": "xml", ".owl": "xml"}


@dataclass
class Loaded:
    """A dataset, its union graph, and a line saying where it came from (shown in the page footer).

    A big file read by Oxigraph has no rdflib ``dataset`` (None) but its ``path``: the query workers and the
    downloads read it from there.
    """

    dataset: Dataset | None
    graph: Graph
    origin: str
    path: Path | None = None
    #: (size, modification time) of ``path`` when it was read: a query worker started later checks the file is the same
    stamp: tuple[int, int] | None = None


def load_from_data(data_dir: Path | str | None = None) -> Loaded:
    """Build the curated YAML in ``data_dir`` (default: the project's ``data/``)."""
    from ..build import build

    built = build(data_dir)
    return Loaded(built.dataset, built.graph(), f"built from {data_dir or 'data/'} at start")


def load_from_file(path: Path | str, *, big: bool | None = None) -> Loaded:
    """Read a release file; TriG and N-Quads keep their named graphs (one per source document) for the queries.

    ``big`` (default: the file is over ``oncograph.store.OXIGRAPH_ABOVE`` bytes) reads it with Oxigraph, for the
    pages as one merged graph; otherwise rdflib reads it into a Dataset.
    """
    from ..build import union_graph
    from ..store import OXIGRAPH_ABOVE, load_graph

    path = Path(path)
    fmt = GRAPH_FILE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown RDF file extension {path.suffix!r}; use one of "
                         + ", ".join(sorted(GRAPH_FILE_FORMATS)))
    if not path.is_file():
        raise InputError(f"{path}: no such file; pass a release file such as dist/oncograph.trig")
    if big is None:
        big = path.stat().st_size > OXIGRAPH_ABOVE
    if big:  # load_graph's errors name the file, line and column
        from ..files import changed_since, stamp

        before = stamp(path)
        graph = load_graph(path, backend="oxigraph")
        why = changed_since(path, before)
        if why:
            raise InputError(f"{path} changed while it was being read ({why}); start again once it is written")
        return Loaded(None, graph, f"read from {path}", path=path, stamp=before)
    dataset = Dataset()
    try:
        dataset.parse(path, format=fmt)
    except Exception as exc:  # rdflib's parsers raise many types; the message names the problem
        raise InputError(f"{path}: cannot be read as {fmt}: {exc}") from None
    return Loaded(dataset, union_graph(dataset), f"read from {path}", path=path)


def load_from_endpoint(endpoint: str, *, graph_iri: str | None = None, timeout_s: float = 60.0,
                       progress: Callable[[int, int], None] | None = None) -> Loaded:
    """Copy the named graph ``graph_iri`` (default: where ``oncograph publish`` puts the graph) of a SPARQL server
    into memory, for the pages (``endpoint.copy_graph``: in pages where Virtuoso would cut one answer, with
    ``progress(copied, total)`` after each)."""
    from ..build import union_graph
    from ..endpoint import copy_graph
    from ..query import DEFAULT_GRAPH_IRI
    from ..store import OXIGRAPH_ABOVE, oxigraph_of

    graph_iri = graph_iri or DEFAULT_GRAPH_IRI
    copy = copy_graph(endpoint, graph_iri, timeout=timeout_s, oxigraph_above=OXIGRAPH_ABOVE, progress=progress)
    origin = f"a copy of <{graph_iri}> on {endpoint}, taken at start"
    if oxigraph_of(copy) is not None:  # a big graph, held in Oxigraph as big files are
        return Loaded(None, bind_prefixes(copy), origin)
    dataset = Dataset()
    target = dataset.graph(graph_iri)
    for t in copy:
        target.add(t)
    return Loaded(dataset, union_graph(dataset), origin)
