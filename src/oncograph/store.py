"""Store: read RDF files into an rdflib Graph, held in Oxigraph when the file is big.

rdflib's own parsers and memory store take about 40 s and 1 GB for a million triples; pyoxigraph parses and stores
them in a few seconds and a third of the memory. ``load_graph`` gives an ordinary ``rdflib.Graph`` either way: for
big files its store is oxrdflib's ``OxigraphStore`` (the same rdflib API; SPARQL through ``graph.query`` runs in
Oxigraph, and ``oncograph.validate`` validates it in place), for small ones rdflib's memory store filled by
pyoxigraph's parser.

One difference to know: Oxigraph keeps literals of the XSD number, boolean and date-time types in canonical form
(``"007"^^xsd:integer`` reads back as ``"7"``) and stores types derived from xsd:integer as xsd:integer
(``"5"^^xsd:nonNegativeInteger`` reads back as ``"5"^^xsd:integer``). The values are the same, the terms are not;
rdflib's memory store keeps the file's forms. The curated build never goes through Oxigraph, so the release files
keep their datatypes.
"""

from __future__ import annotations

import enum
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from .errors import InputError
from .gcpause import collector_paused
from .namespaces import bind_prefixes


class Backend(str, enum.Enum):
    """Where the triples of a loaded graph live."""

    AUTO = "auto"  # Oxigraph for files above OXIGRAPH_ABOVE bytes, else rdflib's memory store
    OXIGRAPH = "oxigraph"
    RDFLIB = "rdflib"


#: ``backend="auto"`` keeps files bigger than this (in bytes, about 20,000 triples) in Oxigraph.
OXIGRAPH_ABOVE = 2_000_000

#: File extension -> (pyoxigraph format name, holds named graphs)
FORMATS = {
    ".ttl": ("TURTLE", False), ".nt": ("N_TRIPLES", False), ".nq": ("N_QUADS", True), ".trig": ("TRIG", True),
    ".jsonld": ("JSON_LD", True), ".json": ("JSON_LD", True), ".rdf": ("RDF_XML", False), ".owl": ("RDF_XML", False),
    ".xml": ("RDF_XML", False), ".n3": ("N3", False),
}


def load_graph(path: Path | str, *, backend: Backend | str = Backend.AUTO, graph: Graph | None = None) -> Graph:
    """Parse an RDF file (format from its extension) into a Graph; named graphs of quad formats are merged.

    ``graph``: add to this graph instead of a new one (to load several files into one). A file that cannot be read
    or parsed raises InputError naming the file, line and column.

    >>> from oncograph import paths
    >>> g = load_graph(paths.ontology_dir() / "shapes.ttl", backend="oxigraph")
    >>> oxigraph_of(g) is not None, len(g) > 100
    (True, True)
    """
    import pyoxigraph as ox

    path = Path(path)
    fmt_name, _ = rdf_format(path)
    try:
        backend = Backend(backend)
    except ValueError:
        raise InputError(f"backend {backend!r}: use one of {', '.join(b.value for b in Backend)}") from None
    if graph is None:
        if backend is Backend.AUTO:
            backend = Backend.OXIGRAPH if path.stat().st_size > OXIGRAPH_ABOVE else Backend.RDFLIB
        graph = new_graph(backend)
    fmt = getattr(ox.RdfFormat, fmt_name)
    try:
        inner = _inner(graph)
        if inner is not None:
            parse_into(inner, path)
        else:
            graph.addN((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), graph)
                       for q in ox.parse(path=str(path), format=fmt))
    except SyntaxError as exc:
        raise parse_error(path, fmt_name, exc) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return graph


def rdf_format(path: Path) -> tuple[str, bool]:
    """(pyoxigraph format name, holds named graphs) of an RDF file, from its extension; InputError for an unknown
    extension or a missing file."""
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"{path}: unknown RDF file extension {path.suffix!r}; use " + ", ".join(sorted(FORMATS)))
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    return FORMATS[path.suffix.lower()]


def parse_into(store, path: Path) -> None:
    """Parse the RDF file ``path`` into the default graph of the pyoxigraph ``store``, named graphs merged into it.
    Raises what pyoxigraph raises (SyntaxError, OSError): the callers name the file and the fault."""
    import pyoxigraph as ox

    fmt_name, quads = FORMATS[path.suffix.lower()]  # the callers have checked it with rdf_format
    fmt = getattr(ox.RdfFormat, fmt_name)
    if not quads:
        store.bulk_load(path=str(path), format=fmt, to_graph=ox.DefaultGraph())
        return
    dg = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, dg) for q in ox.parse(path=str(path), format=fmt))


def parse_error(path: Path | str, fmt_name: str, exc: SyntaxError, *, where: str | None = None,
                line_text: str = "") -> InputError:
    """The InputError for pyoxigraph's SyntaxError ``exc`` on ``path`` (a FORMATS name such as ``N_TRIPLES``): the
    file, the format, where (its line and column unless ``where`` says otherwise), what is wrong, and the line itself
    when given."""
    if where is None:
        where = f"line {exc.lineno}, column {exc.offset}" if exc.lineno else "somewhere"
    message = str(exc.msg if hasattr(exc, "msg") else exc).split(": ", 1)[-1]
    quoted = f": {line_text!r}" if line_text else ""
    return InputError(f"{path}: not valid {fmt_name.replace('_', '-').lower()} at {where}: {message}{quoted}")


def count_triples(graph: Graph) -> int:
    """``len(graph)``, fast for Oxigraph-backed graphs too (oxrdflib's len() runs a COUNT DISTINCT query: 8 s at 1M)."""
    behind = oxigraph_of(graph)
    if behind is not None and behind[1] is None and not any(True for _ in behind[0].named_graphs()):
        return len(behind[0])
    return len(graph)


def new_graph(backend: Backend | str = Backend.OXIGRAPH) -> Graph:
    """An empty Graph with oncograph's prefixes, in Oxigraph (its default graph) or in rdflib's memory store."""
    if Backend(backend) is Backend.RDFLIB:
        return bind_prefixes(Graph())
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    return bind_prefixes(Graph(store=_store_class()(), identifier=DATASET_DEFAULT_GRAPH_ID))


_STORE_CLASS = None


def _store_class():
    """oxrdflib's OxigraphStore, returning simple literals as rdflib does (without an explicit xsd:string).

    oxrdflib gives back ``"x"^^xsd:string`` for ``"x"``; rdflib 7 treats the two as different terms, so labels read
    from an Oxigraph-backed graph would not equal the same labels read by rdflib.
    """
    global _STORE_CLASS
    if _STORE_CLASS is None:
        from oxrdflib import OxigraphStore
        from oxrdflib._converter import to_ox_quad_pattern
        from rdflib.query import Result
        from rdflib.term import Variable

        class Store(OxigraphStore):
            def triples(self, triple_pattern, context=None):
                try:
                    quads = self._inner.quads_for_pattern(*to_ox_quad_pattern(triple_pattern, context))
                except (TypeError, ValueError):
                    return iter(())
                return (((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)), iter((context,)))
                        for q in quads)

            def query(self, query, initNs, initBindings, queryGraph, **kwargs):  # noqa: N803 (rdflib's names)
                if isinstance(query, str) and not kwargs:  # as oxrdflib's query, converting each term only once
                    import pyoxigraph as ox

                    found = _ox_query(self, query, prefixes=initNs, query_graph=queryGraph, bindings=initBindings)
                    if isinstance(found, ox.QuerySolutions):
                        result = Result("SELECT")
                        result.vars = [Variable(v.value) for v in found.variables]
                        result.bindings = _bindings(result.vars, found)
                        return result
                    if isinstance(found, ox.QueryBoolean):
                        result = Result("ASK")
                        result.askAnswer = bool(found)
                        return result
                    result = Result("CONSTRUCT")
                    result.graph = g = Graph()
                    g += (tuple(map(from_ox, (t.subject, t.predicate, t.object))) for t in found)
                    return result
                result = super().query(query, initNs, initBindings, queryGraph, **kwargs)
                if result.type == "SELECT":
                    rows = result.bindings
                    result.bindings = ({v: _plain(t) for v, t in row.items()} for row in rows)
                elif result.type == "CONSTRUCT":
                    g = Graph()
                    g += ((_plain(s), p, _plain(o)) for s, p, o in result.graph)
                    result.graph = g
                return result

        _STORE_CLASS = Store
    return _STORE_CLASS


def _ox_query(store, query: str, *, prefixes, query_graph, bindings):
    """Run ``query`` in the pyoxigraph Store behind an oxrdflib ``store``, as rdflib's Graph.query asks it to."""
    import pyoxigraph as ox
    from oxrdflib._converter import to_ox
    from rdflib.term import Node

    try:
        return store._inner.query(
            query,
            use_default_graph_as_union=query_graph == "__UNION__",
            default_graph=to_ox(query_graph) if isinstance(query_graph, Node) else None,
            prefixes=dict(store._namespace_for_prefix, **prefixes),
            substitutions={ox.Variable(k): to_ox(v) for k, v in bindings.items()},
        )
    except RuntimeError as exc:
        # Oxigraph substitutes only variables a SELECT projects. For an ASK, or a SELECT that does not show a bound
        # variable, rdflib's own engine answers over this store (Graph.query falls back to it on
        # NotImplementedError): slower, with rdflib's meaning of initBindings (bound before the pattern runs; a
        # trailing VALUES block would leave FILTERs without them)
        if bindings and "does not contain" in str(exc):
            raise NotImplementedError("initBindings on a variable the query does not select") from exc
        raise


@collector_paused  # thousands of rows of new terms, none in a cycle (see oncograph.gcpause)
def select_rows(graph: Graph, query: str) -> tuple[list[str], list[tuple]] | None:
    """``(columns, rows)`` of a SELECT query text run by Oxigraph on an Oxigraph-held graph, rows as tuples of rdflib
    terms (None where unbound), the same answer as ``graph.query(query)``; None for graphs in rdflib's memory store
    and for queries that are not a SELECT.

    The named queries go this way: rdflib's Result makes a dict and a ResultRow per row, about a fifth of the time
    of a 7,000-row answer at 1M triples.
    """
    if oxigraph_of(graph) is None:
        return None
    import pyoxigraph as ox
    from rdflib.graph import ConjunctiveGraph, Dataset

    if graph.default_union:  # the graph Graph.query would ask the store for
        query_graph = "__UNION__"
    elif isinstance(graph, ConjunctiveGraph):  # a Dataset's default_context is deprecated (rdflib 7.x)
        query_graph = (graph.default_graph if isinstance(graph, Dataset) else graph.default_context).identifier
    else:
        query_graph = graph.identifier
    found = _ox_query(graph.store, query, prefixes=dict(graph.namespaces()), query_graph=query_graph, bindings={})
    if not isinstance(found, ox.QuerySolutions):
        return None
    term = converter()
    return [v.value for v in found.variables], [tuple(map(term, solution)) for solution in found]


def _bindings(variables, solutions):
    """Rows of rdflib terms from pyoxigraph solutions, each distinct term converted once."""
    term = converter()
    for solution in solutions:
        yield {v: term(t) for v, t in zip(variables, solution)}


def converter():
    """A memoised :func:`from_ox`: in query answers and parsed files the same labels, kinds, predicates and sources
    recur, and building an rdflib term costs a microsecond or more. Use one per answer or file, so the memo goes with
    it."""
    import pyoxigraph as ox

    memo: dict = {}
    named, blank = ox.NamedNode, ox.BlankNode

    def term(t):
        r = memo.get(t)
        if r is None:
            if t is None:
                return None
            kind = type(t)
            if kind is named:
                r = URIRef(t.value)
            elif kind is blank:
                r = BNode(t.value)
            elif not t.language and t.datatype.value == _XSD_STRING:
                r = _simple_literal(t.value)
            else:
                r = from_ox(t)
            memo[t] = r
        return r

    return term


def _simple_literal(text: str) -> Literal:
    """``Literal(text)``, built without rdflib's parsing of the lexical form (a plain string has nothing to parse).

    Filled in as rdflib 7's ``Literal.__new__`` fills a literal without language or datatype; a self-check against
    ``Literal(...)`` at first use turns this off (falling back to ``Literal(text)``) should a later rdflib differ.
    """
    global _SIMPLE_OK
    if _SIMPLE_OK is None:
        _SIMPLE_OK = _simple_literal_matches()
    if not _SIMPLE_OK:
        return Literal(text)
    lit = str.__new__(Literal, text)
    lit._language = lit._datatype = lit._ill_typed = None
    lit._value = text
    return lit


_SIMPLE_OK: bool | None = None


def _simple_literal_matches() -> bool:
    try:
        for text in ("x", "", " Cancer  Europe ", "\u00e9\u65e5", "1", "true", "2024-01-01"):
            lit = str.__new__(Literal, text)
            lit._language = lit._datatype = lit._ill_typed = None
            lit._value = text
            ref = Literal(text)
            if (ref.__slots__ != ("_language", "_datatype", "_value", "_ill_typed")
                    or any(getattr(lit, a) != getattr(ref, a) for a in ref.__slots__)
                    or lit != ref or hash(lit) != hash(ref) or lit.n3() != ref.n3() or lit.value != ref.value):
                return False
    except (AttributeError, TypeError):
        return False
    return True


def _plain(term):
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) == _XSD_STRING:
        return Literal(str(term))
    return term


def _inner(graph: Graph):
    """The pyoxigraph Store behind an oxrdflib Graph that uses the store's default graph, else None."""
    behind = oxigraph_of(graph)
    if behind is None:
        return None
    store, name = behind
    if name is not None:
        raise InputError("load_graph adds only to graphs made by oncograph.store.new_graph or load_graph")
    return store


def oxigraph_of(graph: Graph):
    """``(pyoxigraph.Store, graph name or None for the default graph)`` behind an oxrdflib Graph, else None."""
    try:
        from oxrdflib import OxigraphStore
    except ImportError:  # without oxrdflib every graph is a plain rdflib one
        return None
    if not isinstance(graph.store, OxigraphStore):
        return None
    import pyoxigraph as ox
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    ident = graph.identifier
    if ident == DATASET_DEFAULT_GRAPH_ID:
        return graph.store._inner, None
    return graph.store._inner, ox.NamedNode(str(ident)) if isinstance(ident, URIRef) else ox.BlankNode(str(ident))


def held_graph(graph: Graph):
    """``(pyoxigraph.Store, graph term)`` when ``graph`` is one graph held in Oxigraph (not a union over several),
    the term being ``DefaultGraph()`` or the graph's name, ready for ``quads_for_pattern``; else None."""
    if getattr(graph, "default_union", False):
        return None
    behind = oxigraph_of(graph)
    if behind is None:
        return None
    import pyoxigraph as ox

    store, name = behind
    return store, (ox.DefaultGraph() if name is None else name)


def to_oxigraph(graph: Graph):
    """Copy an rdflib Graph into a new in-memory pyoxigraph Store (its default graph); each term converted once."""
    import pyoxigraph as ox

    cache: dict = {}
    dg = ox.DefaultGraph()

    def conv(t):
        o = cache.get(t)
        if o is None:
            if isinstance(t, URIRef):
                o = ox.NamedNode(str(t))
            elif isinstance(t, BNode):
                o = ox.BlankNode(str(t))
            elif t.language:
                o = ox.Literal(str(t), language=t.language)
            else:
                o = ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)) if t.datatype else None)
            if len(cache) < 2_000_000:
                cache[t] = o
        return o

    store = ox.Store()
    store.bulk_extend(ox.Quad(conv(s), conv(p), conv(o), dg) for s, p, o in graph)
    return store


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_ox(term):
    """A pyoxigraph term as an rdflib term (simple literals without a datatype, as rdflib writes them)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


__all__ = ["Backend", "FORMATS", "OXIGRAPH_ABOVE", "converter", "count_triples", "from_ox", "load_graph", "new_graph",
           "oxigraph_of", "parse_error", "select_rows", "to_oxigraph"]
