"""Everything the explorer serves from, assembled once at start: the graph, its search index, the vocabulary
labels, the network projections, the query workers, the named queries and the downloads.

``open_site`` is the one place that decides where the graph comes from; the web layer only reads from a Site.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, OncographError
from .loading import Loaded, load_from_data, load_from_endpoint, load_from_file
from .lru import LRU
from .network import Networks
from .profile import Vocabulary
from .sandbox import DEFAULT_LIMITS, Answer, Engine, Limits, QueryPool
from .search import SearchIndex


@dataclass
class Download:
    name: str
    description: str
    size: int
    media_type: str


#: What each release file is, for the downloads page (files not listed here are still offered).
RELEASE_FILES = {
    "oncograph.ttl": "The whole graph in Turtle (all named graphs merged).",
    "oncograph.nt": "The whole graph as N-Triples, one sorted triple a line: easy to diff.",
    "oncograph.jsonld": "The whole graph as JSON-LD.",
    "oncograph.compact.jsonld": "The whole graph as JSON-LD with the short keys of the oncograph context (name, "
                                "memberOf, ...), the context embedded so it reads offline.",
    "oncograph.trig": "The dataset in TriG: one named graph per source document, plus entities, vocabulary, sources.",
    "oncograph.nq": "The dataset as N-Quads, sorted.",
    "ontology.ttl": "The OWL ontology: classes and properties of the model.",
    "ontology.html": "The ontology as a readable web page.",
    "shapes.ttl": "The SHACL shapes the graph is validated against.",
    "void.ttl": "A VoID description of the dataset: counts, licence, formats.",
    "context.jsonld": "The JSON-LD context for readable JSON keys.",
}

#: Up to this many triples, the downloads of a graph held in Oxigraph are sorted (canonical) like every release
#: file; above it they are written in Oxigraph's own order (``STORE_ORDER_FILES``).
SORTED_DOWNLOADS_MAX = 2_000_000

#: What each file made from a big (Oxigraph-held) graph is: written by Oxigraph in its own order, not sorted.
STORE_ORDER_FILES = {
    "oncograph.ttl": "The whole graph in Turtle, written by Oxigraph in its own order (a big graph: fast, not sorted).",
    "oncograph.nt": "The whole graph as N-Triples, in Oxigraph's order (not sorted: sort the lines before a diff).",
    "oncograph.jsonld": "The whole graph as expanded JSON-LD on one line, in Oxigraph's order.",
}

MEDIA_BY_SUFFIX = {
    ".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json",
    ".trig": "application/trig", ".nq": "application/n-quads", ".html": "text/html", ".json": "application/json",
    ".csv": "text/csv", ".md": "text/markdown", ".txt": "text/plain", ".graphml": "application/graphml+xml",
    ".gexf": "application/gexf+xml", ".png": "image/png", ".svg": "image/svg+xml",
}


class SourceChanged(OncographError):
    """The file the explorer was started on has been rewritten since it was read."""

    http_status = 409


class Downloads:
    """The release files: those in ``dist_dir`` when given, else generated from the served dataset on first use."""

    def __init__(self, loaded: Loaded, dist_dir: Path | None):
        self.loaded = loaded
        self.dist_dir = Path(dist_dir) if dist_dir else None
        self._generated: dict[str, bytes | Path] | None = None
        self._lock = threading.Lock()
        self._folder: Path | None = None  # where files made in store order are, removed by close()
        self.store_order = False  # the files were made in Oxigraph's order (a big graph), not sorted
        if self.dist_dir is not None and not self.dist_dir.is_dir():
            raise InputError(f"{self.dist_dir}: no such folder; run `oncograph build --out {self.dist_dir}` first "
                             "or leave out --dist to offer files made from the served graph")

    @property
    def generated(self) -> bool:
        return self.dist_dir is None

    def _files(self) -> dict[str, bytes | Path]:
        if self.dist_dir is not None:
            return {p.name: p for p in sorted(self.dist_dir.iterdir())
                    if p.is_file() and not p.name.startswith(".")}
        with self._lock:
            if self._generated is None:
                self._generated = self._generate()
            return dict(self._generated)

    def _generate(self) -> dict[str, bytes | Path]:
        from .. import paths
        from ..export import Format, dump_store_orders, serialize_dataset, serialize_graph, serialize_many
        from ..store import held_graph

        ds, g = self.loaded.dataset, self.loaded.graph
        out: dict[str, bytes | Path]
        if held_graph(g) is not None:
            # A big graph: the files go to disk, not the server's memory. Up to SORTED_DOWNLOADS_MAX triples they are
            # sorted as every release file is (1M: 6.2 s, 470 MB above the loaded graph); above it Oxigraph streams
            # them in its own order, in parallel (1M: 1.4 s; at 10M the sorted writers took 125 s and most of the
            # server's 14.5 GB peak)
            import tempfile

            from ..files import write_together
            from ..store import count_triples

            self._folder = Path(tempfile.mkdtemp(prefix="oncograph-downloads-"))
            targets = {self._folder / "oncograph.nt": Format.NTRIPLES, self._folder / "oncograph.ttl": Format.TURTLE,
                       self._folder / "oncograph.jsonld": Format.JSONLD}  # N-Triples first: from the sorted dump
            if count_triples(g) <= SORTED_DOWNLOADS_MAX:  # and the compacted JSON-LD, from the same index (1M: 3 s)
                targets[self._folder / "oncograph.compact.jsonld"] = Format.JSONLD_COMPACT
                blobs = serialize_many(g, list(targets.values()))
                written = write_together({path: blobs.pop(fmt) for path, fmt in targets.items()})
            else:
                written = dump_store_orders(g, targets)
                self.store_order = True
            out = {path.name: path for path in written}
        else:
            out = {
                "oncograph.ttl": serialize_graph(g, Format.TURTLE),
                "oncograph.nt": serialize_graph(g, Format.NTRIPLES),
                "oncograph.jsonld": serialize_graph(g, Format.JSONLD),
                "oncograph.compact.jsonld": serialize_graph(g, Format.JSONLD_COMPACT),
            }
        if ds is not None:
            out["oncograph.trig"] = serialize_dataset(ds, Format.TRIG)
            out["oncograph.nq"] = serialize_dataset(ds, Format.NQUADS)
        elif self.loaded.path is not None:  # a big file, read by Oxigraph: its named graphs are in the file itself
            out.setdefault(self.loaded.path.name, self.loaded.path)
        for name, target in (("oncograph.ttl", "ontology.ttl"), ("shapes.ttl", "shapes.ttl")):
            path = paths.ontology_dir() / name
            if path.is_file():
                out[target] = path.read_bytes()
        return out

    def list(self) -> list[Download]:
        items = []
        for name, content in self._files().items():
            size = content.stat().st_size if isinstance(content, Path) else len(content)
            described = STORE_ORDER_FILES.get(name) if self.store_order else None
            items.append(Download(name, described or RELEASE_FILES.get(name, "A release file."), size,
                                  media_type(name)))
        order = list(RELEASE_FILES)
        return sorted(items, key=lambda d: (order.index(d.name) if d.name in order else len(order), d.name))

    def close(self) -> None:
        """Remove the files made in store order (if any)."""
        if self._folder is not None:
            import shutil

            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def get(self, name: str) -> bytes | Path | None:
        """The file called ``name`` (a bare file name; anything with a path in it is not found). The served file
        itself is refused (SourceChanged) once it is not the file the pages were read from."""
        if "/" in name or "\\" in name or name.startswith("."):
            return None
        content = self._files().get(name)
        if isinstance(content, Path) and content == self.loaded.path and self.loaded.stamp is not None:
            from ..files import changed_since

            why = changed_since(content, self.loaded.stamp)
            if why:
                raise SourceChanged(f"{name} changed since the explorer read it ({why}), so it is not the graph these "
                                    "pages show; restart the explorer to offer the file as it is now")
        return content


def media_type(name: str) -> str:
    return MEDIA_BY_SUFFIX.get(Path(name).suffix.lower(), "application/octet-stream")


@dataclass
class Site:
    loaded: Loaded
    index: SearchIndex
    vocab: Vocabulary
    networks: Networks
    pool: QueryPool
    limits: Limits
    downloads: Downloads
    queries: dict = field(default_factory=dict)  # name -> oncograph.query.NamedQuery
    queries_problem: str = ""
    endpoint: str | None = None
    endpoint_graph: str | None = None
    pages: LRU = field(default_factory=lambda: LRU(512))  # rendered entity pages: the graph never changes
    _triples: int | None = None

    @property
    def graph(self):
        return self.loaded.graph

    @property
    def triples(self) -> int:
        """The graph's triple count, counted once (every page's footer shows it; len() of an Oxigraph-held graph
        counts in SPARQL each time: 3 s at a million triples)."""
        if self._triples is None:
            from ..store import count_triples

            self._triples = count_triples(self.loaded.graph)
        return self._triples

    def run_sparql(self, text: str) -> Answer:
        """Run user SPARQL under the limits: in a worker on the embedded graph, or checked and sent to the endpoint."""
        if self.endpoint is None:
            return self.pool.sparql(text)
        form = self.pool.inspect(text)  # refuses updates and SERVICE before anything leaves this machine
        return _remote(self.endpoint, self.endpoint_graph, text, form, self.limits)

    def run_named(self, name: str, params: dict[str, str]) -> tuple[Answer, str]:
        """Run a named query with ``params`` (text, as typed; empty ones take their default); returns the answer
        and the exact SPARQL that ran (parameters bound in a VALUES block)."""
        query = self.queries[name]
        given = {k: v.strip() for k, v in params.items() if v and v.strip()}
        unknown = sorted(set(given) - {p.name for p in query.params})
        if unknown:
            raise InputError(f"query {name!r} has no parameter {', '.join(unknown)}; its parameters are "
                             + (", ".join(p.name for p in query.params) or "none"))
        if self.endpoint is None:
            return self.pool.named(query, given)
        text, form = self.pool.bind(query, given)
        return _remote(self.endpoint, self.endpoint_graph, text, form, self.limits), text

    def close(self) -> None:
        try:
            self.pool.close()
        finally:
            self.downloads.close()


def _remote(endpoint: str, graph_iri: str | None, text: str, form: str, limits: Limits) -> Answer:
    """Send a checked query to the endpoint with the time limit as its timeout; cap the rows it returns."""
    from rdflib import Graph

    from ..endpoint import query_endpoint
    from ..query import DEFAULT_GRAPH_IRI

    t0 = time.perf_counter()
    result = query_endpoint(endpoint, text, graph=graph_iri or DEFAULT_GRAPH_IRI, timeout=limits.timeout_s,
                            retries=1)
    if isinstance(result, bool):
        answer = Answer(form="ASK", boolean=result, max_rows=limits.max_rows)
    elif isinstance(result, Graph):
        triples = sorted(result, key=lambda t: tuple(x.n3() for x in t))
        answer = Answer(form=form, triples=triples[:limits.max_rows], max_rows=limits.max_rows,
                        truncated=len(triples) > limits.max_rows)
    else:
        rows = list(result.rows)
        answer = Answer(form="SELECT", vars=[str(c) for c in result.columns], rows=rows[:limits.max_rows],
                        truncated=len(rows) > limits.max_rows, max_rows=limits.max_rows)
    answer.seconds = time.perf_counter() - t0
    return answer


def open_site(*, data_dir: Path | None = None, graph_file: Path | None = None, endpoint: str | None = None,
              endpoint_graph: str | None = None, dist_dir: Path | None = None, limits: Limits = DEFAULT_LIMITS,
              workers: int = 2, engine: Engine | str = Engine.AUTO, say: Callable[[str], None] | None = None) -> Site:
    """Load the graph (from ``graph_file``, ``endpoint`` or ``data_dir``), index it, start the query workers.
    Close the site to stop them. ``endpoint_graph`` names the graph on the endpoint (default: where
    ``oncograph publish`` puts it); ``engine`` is the workers' SPARQL engine (``Engine``; by size unless told);
    ``say`` is told how a copy from the endpoint in pages goes."""
    if sum(x is not None for x in (graph_file, endpoint, data_dir)) > 1:
        raise InputError("give one of --input, --endpoint and --data, not several")
    if endpoint_graph is not None and endpoint is None:
        raise InputError("--graph names a graph on a SPARQL server: give --endpoint URL too")
    if graph_file is not None:
        loaded = load_from_file(graph_file)
    elif endpoint is not None:
        from ..endpoint import copy_progress

        loaded = load_from_endpoint(endpoint, graph_iri=endpoint_graph, timeout_s=max(limits.timeout_s, 60.0),
                                    progress=copy_progress(say))
    else:
        loaded = load_from_data(data_dir)
    from ..store import count_triples

    triples = count_triples(loaded.graph)  # len() of an Oxigraph-held graph counts in SPARQL: 3-8 s at a million
    if triples == 0:
        raise InputError(f"the graph {loaded.origin} is empty; nothing to explore")
    downloads = Downloads(loaded, dist_dir)  # a missing --dist folder is said before anything starts
    if endpoint is not None:
        pool = QueryPool(None, limits=limits, size=workers)
    elif loaded.dataset is None:  # a big file: each worker reads it, in parallel, rather than a copy through a pipe
        pool = QueryPool(None, source_file=loaded.path, source_stamp=loaded.stamp, engine=engine, limits=limits,
                         size=workers)
    else:
        pool = QueryPool(loaded.dataset, engine=engine, limits=limits, size=workers)
    pool.launch()  # the workers read their copy while this process indexes the graph (1M: 3 s of the start-up)
    try:
        index = SearchIndex(loaded.graph)
        queries, problem = {}, ""
        try:
            from ..query import list_queries

            queries = {q.name: q for q in list_queries()}
        except (ImportError, OncographError) as exc:
            problem = f"the named queries are not available: {exc}"
        site = Site(loaded=loaded, index=index, vocab=Vocabulary(loaded.graph),
                    networks=Networks(loaded.graph, index), pool=pool, limits=limits, downloads=downloads,
                    queries=queries, queries_problem=problem, endpoint=endpoint, endpoint_graph=endpoint_graph,
                    _triples=triples)
        pool.wait_started()
    except BaseException:  # no worker outlives a failed start
        pool.close()
        raise
    return site
