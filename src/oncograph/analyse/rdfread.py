"""Reading the RDF for the projection: a few index scans into plain dictionaries of strings.

Why plain strings: rdflib terms compare in Python (``Identifier.__eq__``), which dominated the projection's time on a
large graph; ``str`` keys hash and compare in C. Why per-predicate scans: each uses the store's predicate index and
touches only the triples the projection needs (descriptions, for example, are never read), and nothing is asked per
node. The same reader takes an rdflib ``Graph`` or a pyoxigraph ``Store`` (union of its graphs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

RDF_TYPE = str(RDF.type)


class Triples:
    """Predicate -> subject -> values (IRIs or literal lexical forms, as ``str``), and class -> instances.

    A predicate is scanned the first time it is asked for, so predicates a projection never needs cost nothing.
    """

    def __init__(self, source, classes: Iterable[str]):
        self.source = source
        self.by_predicate: dict[str, dict[str, list[str]]] = {}
        self.instances: dict[str, list[str]] = {}
        self.types: dict[str, set[str]] = defaultdict(set)
        self._ones: dict[str, dict[str, str]] = {}
        for c in dict.fromkeys(classes):
            members = sorted({s for s, _ in _scan(source, RDF_TYPE, c)})
            self.instances[c] = members
            for s in members:
                self.types[s].add(c)

    def _load(self, p: str) -> dict[str, list[str]]:
        table: dict[str, list[str]] = defaultdict(list)
        behind = _plain_store(self.source)
        if behind is not None:  # the common big case: no generator between the store and the table
            import pyoxigraph

            store, graph = behind
            for q in store.quads_for_pattern(None, pyoxigraph.NamedNode(p), None, graph):
                table[q.subject.value].append(q.object.value)
        else:
            for s, o in _scan(self.source, p):
                table[s].append(o)
        self.by_predicate[p] = table = dict(table)
        return table

    def table(self, p: str) -> dict[str, list[str]]:
        """Subject -> values of one predicate, for loops that look up many subjects (no method call per lookup)."""
        table = self.by_predicate.get(p)
        return self._load(p) if table is None else table

    def ones(self, p: str) -> dict[str, str]:
        """Subject -> its ``one`` value of a predicate, worked out once per predicate."""
        table = self._ones.get(p)
        if table is None:
            table = self._ones[p] = {s: (v[0] if len(v) == 1 else min(v)) for s, v in self.table(p).items()}
        return table

    def get(self, s: str, p: str) -> list[str]:
        table = self.by_predicate.get(p)
        if table is None:
            table = self._load(p)
        return table.get(s, [])

    def one(self, s: str, p: str) -> str:
        """The smallest value (so a second value never changes the result from run to run), or ""."""
        return self.ones(p).get(s, "")

    def of_type(self, cls: str) -> list[str]:
        return self.instances.get(cls, [])


def _plain_store(source):
    """``(pyoxigraph.Store, graph)`` when ``source`` reads as one graph of a store: an Oxigraph-held Graph (no union),
    or a pyoxigraph Store without named graphs (its union is its default graph: no repeats to drop). Else None."""
    if hasattr(source, "quads_for_pattern") and hasattr(source, "named_graphs"):
        if next(iter(source.named_graphs()), None) is not None:
            return None
        import pyoxigraph

        return source, pyoxigraph.DefaultGraph()
    if not isinstance(source, Graph):
        return None
    from ..store import held_graph

    return held_graph(source)


def _scan(source, p: str, o: str | None = None) -> Iterator[tuple[str, str]]:
    behind = _plain_store(source)
    if behind is not None:  # one graph of a store: scan it, skipping rdflib's per-term conversion (5x)
        yield from _scan_store(*behind, p, o)
        return
    if isinstance(source, Graph):
        from ..store import oxigraph_of

        behind = oxigraph_of(source)
        if behind is not None:  # an Oxigraph-held graph read as the union of the store's graphs
            yield from _scan_store(behind[0], None, p, o, union=True)
            return
        obj = URIRef(o) if o is not None else None
        for s, _, value in source.triples((None, URIRef(p), obj)):
            yield str(s), str(value)
        return
    if hasattr(source, "quads_for_pattern"):  # pyoxigraph.Store with named graphs: their union, without repeats
        yield from _scan_store(source, None, p, o, union=True)
        return
    raise TypeError(f"cannot read triples from {type(source).__name__}; pass an rdflib Graph or a pyoxigraph Store")


def _scan_store(store, graph_name, p: str, o: str | None = None, *, union: bool = False) -> Iterator[tuple[str, str]]:
    """(subject, object) strings from one graph of a pyoxigraph Store (``graph_name`` None: its default graph), or
    from the union of all its graphs without repeats."""
    import pyoxigraph

    obj = pyoxigraph.NamedNode(o) if o is not None else None
    if not union:
        graph = pyoxigraph.DefaultGraph() if graph_name is None else graph_name
        for q in store.quads_for_pattern(None, pyoxigraph.NamedNode(p), obj, graph):
            yield q.subject.value, q.object.value
        return
    seen = set()
    for q in store.quads_for_pattern(None, pyoxigraph.NamedNode(p), obj, None):
        pair = (q.subject.value, q.object.value)
        if pair not in seen:
            seen.add(pair)
            yield pair
