"""Export: write the built graph to files, atomically and byte-for-byte deterministically.

Formats are the :class:`Format` enum; a path's extension names its format. Turtle and TriG come from a small
canonical writer here (subjects, predicates and objects sorted, one object a line, only the prefixes used), so a
change to the data is a reviewable text diff; N-Triples and N-Quads are sorted lines; JSON-LD is expanded (rdflib)
or compacted with the project's context (pyld, see :mod:`oncograph.jsonld`). Blank nodes, which the curated data
does not have, are given canonical labels first.

Each file is written to a temporary file in the target folder and renamed into place, so a failed run never leaves
half a file, and a run that fails before writing leaves the previous outputs untouched.
"""

from __future__ import annotations

import enum
import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .errors import InputError, OutputError, ValidationFailed
from .files import (atomic_file, atomic_write, check_output_file, check_writable, staged_files,  # noqa: F401
                    write_together)
from .gcpause import collector_paused
from .namespaces import PREFIXES, bind_prefixes


class Format(str, enum.Enum):
    """Output formats. The RDF ones serialise the graph; graphml, gexf and csv write its network projection."""

    TURTLE = "turtle"
    NTRIPLES = "nt"
    JSONLD = "jsonld"
    JSONLD_COMPACT = "jsonld-compact"
    TRIG = "trig"
    NQUADS = "nquads"
    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self]

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def is_dataset(self) -> bool:
        """Keeps named graphs (one per source document)."""
        return self in (Format.TRIG, Format.NQUADS)

    @property
    def is_projection(self) -> bool:
        """A network projection (oncograph.analyse), not RDF."""
        return self in (Format.GRAPHML, Format.GEXF, Format.CSV)

    @classmethod
    def parse(cls, name: str | Format) -> Format:
        """A format from its name or a common alias; an unknown name lists the known ones.

        >>> Format.parse("ttl"), Format.parse("json-ld")
        (<Format.TURTLE: 'turtle'>, <Format.JSONLD: 'jsonld'>)
        """
        if isinstance(name, Format):
            return name
        key = str(name).strip().lower()
        if key in _ALIASES:
            return _ALIASES[key]
        raise InputError(f"unknown format {name!r}; known formats: {', '.join(f.value for f in cls)}")

    @classmethod
    def from_path(cls, path: Path | str) -> Format:
        """The format a file name's extension stands for (``.compact.jsonld`` is the compacted JSON-LD).

        >>> Format.from_path("dist/oncograph.compact.jsonld")
        <Format.JSONLD_COMPACT: 'jsonld-compact'>
        """
        name = Path(path).name.lower()
        for ext, fmt in sorted(_BY_EXTENSION.items(), key=lambda kv: -len(kv[0])):
            if name.endswith(ext):
                return fmt
        known = ", ".join(f"{f.extension} ({f.value})" for f in cls)
        suffix = Path(path).suffix or "(none)"
        raise InputError(f"{path}: cannot tell the format from the extension {suffix}; known extensions: {known};"
                         " or name the format with --format")


_EXTENSIONS = {
    Format.TURTLE: ".ttl", Format.NTRIPLES: ".nt", Format.JSONLD: ".jsonld", Format.JSONLD_COMPACT: ".compact.jsonld",
    Format.TRIG: ".trig", Format.NQUADS: ".nq", Format.GRAPHML: ".graphml", Format.GEXF: ".gexf", Format.CSV: ".csv",
}
_BY_EXTENSION = {**{ext: f for f, ext in _EXTENSIONS.items()}, ".turtle": Format.TURTLE, ".json": Format.JSONLD,
                 ".nquads": Format.NQUADS}
_MEDIA_TYPES = {
    Format.TURTLE: "text/turtle", Format.NTRIPLES: "application/n-triples", Format.JSONLD: "application/ld+json",
    Format.JSONLD_COMPACT: "application/ld+json", Format.TRIG: "application/trig", Format.NQUADS: "application/n-quads",
    Format.GRAPHML: "application/graphml+xml", Format.GEXF: "application/gexf+xml", Format.CSV: "text/csv",
}
_ALIASES = {
    **{f.value: f for f in Format}, **{f.name.lower(): f for f in Format},
    "ttl": Format.TURTLE, "ntriples": Format.NTRIPLES, "n-triples": Format.NTRIPLES, "json-ld": Format.JSONLD,
    "jsonld-expanded": Format.JSONLD, "compact": Format.JSONLD_COMPACT, "json-ld-compact": Format.JSONLD_COMPACT,
    "nq": Format.NQUADS, "n-quads": Format.NQUADS,
}


class ExportRefused(ValidationFailed):
    """The graph does not conform to the shapes, and the export was not forced."""

    def __init__(self, report):
        super().__init__(report)
        self.args = (f"the graph has {report.violation_count} SHACL violation(s) (listed above); nothing was written."
                     " Fix the data, or pass --force to export it anyway",)


# -- checking outputs before any work ---------------------------------------------------------------------------
# -- serialisation ----------------------------------------------------------------------------------------------
def serialize(data: Graph | Dataset, fmt: Format | str, *, graph_name: str | None = None) -> bytes:
    """Serialise a graph or dataset in an RDF format, deterministically. A dataset keeps its named graphs in TriG and
    N-Quads and is flattened for the others; a plain graph goes into the default graph, or, in TriG and N-Quads,
    into the graph named ``graph_name`` when given (a graph copied from a server's named graph keeps its name)."""
    fmt = Format.parse(fmt)
    if fmt.is_projection:
        raise InputError(f"{fmt.value} is a network projection, not RDF; use export() or oncograph.analyse")
    if isinstance(data, Dataset):
        return serialize_dataset(data, fmt)
    if graph_name is not None:
        return serialize_many(data, [fmt], graph_name=graph_name)[fmt]  # the collector paused, as serialize_graph
    return serialize_graph(data, fmt)


@collector_paused
def serialize_graph(graph: Graph, fmt: Format | str) -> bytes:
    """Serialise one graph deterministically.

    Turtle, N-Triples and expanded JSON-LD are written from one sorted index of plain strings (:func:`_index`),
    read straight from the Oxigraph store when the graph is held there, so no rdflib term is made per triple.
    """
    return _serialize_graph(graph, Format.parse(fmt), {})


@collector_paused
def serialize_many(data: Graph | Dataset, fmts: Iterable[Format | str], *,
                   graph_name: str | None = None) -> dict[Format, bytes]:
    """``{format: bytes}`` as :func:`serialize` gives each (``graph_name`` as there), reading the graph into its
    index once for all of them:
    at a million triples the index is most of a canonical Turtle export (2.1 of 3.6 s), so Turtle and JSON-LD
    together cost one index and two writers instead of two of each."""
    formats = list(dict.fromkeys(Format.parse(f) for f in fmts))
    for fmt in formats:
        if fmt.is_projection:
            raise InputError(f"{fmt.value} is a network projection, not RDF; use export() or oncograph.analyse")
    out: dict[Format, bytes] = {}
    memo: dict = {}
    flat = data if not isinstance(data, Dataset) else None
    for fmt in formats:
        if isinstance(data, Dataset) and fmt.is_dataset:
            out[fmt] = serialize_dataset(data, fmt)
            continue
        if flat is None:
            flat = _union(data)
        out[fmt] = _serialize_graph(flat, fmt, memo, graph_name)
    return out


def _serialize_graph(graph: Graph, fmt: Format, memo: dict, graph_name: str | None = None) -> bytes:
    """:func:`serialize_graph`, keeping the graph's indexes in ``memo`` for the next format of the same graph; TriG
    and N-Quads hold the triples in the graph ``graph_name``, or else in the default graph."""
    if fmt is Format.JSONLD_COMPACT:
        from . import jsonld

        if not _says_xsd_string(graph):
            try:  # blank nodes get the canonical labels pyld's path gets from canonical()
                return _compact_jsonld(_memo_index(graph, memo, blank_nodes=True))
            except jsonld.NotCompactable:
                pass
        return jsonld.dumps(jsonld.compact(canonical(graph)))
    if fmt.is_dataset and graph_name is None:  # the default graph: TriG writes it as Turtle, N-Quads as N-Triples
        fmt = Format.TURTLE if fmt is Format.TRIG else Format.NTRIPLES
    if fmt not in (Format.TURTLE, Format.NTRIPLES, Format.JSONLD, Format.TRIG, Format.NQUADS):
        raise InputError(f"{fmt.value} is not an RDF format")
    if fmt is Format.NTRIPLES and "plain" not in memo:
        dumped = _sorted_store_ntriples(graph)
        if dumped is not None:
            return dumped
    index = _memo_index(graph, memo, blank_nodes=fmt is not Format.JSONLD)
    if index is None:  # expanded JSON-LD with blank nodes (RDF lists among them): rdflib nests them
        return _jsonld_by_rdflib(graph)
    if fmt is Format.TURTLE:
        namer = _Namer(PREFIXES)
        return namer.header_after(_turtle_blocks(index, namer))
    if fmt is Format.NTRIPLES:
        return _ntriples(index)
    if fmt is Format.TRIG:
        namer = _Namer(PREFIXES)
        return namer.header_after([_trig_graph(namer.iri(graph_name), _turtle_blocks(index, namer))])
    if fmt is Format.NQUADS:
        return _joined_lines(sorted(_nt_lines(index, " " + _NT_NAMER.iri(graph_name))))
    try:
        return _expanded_jsonld(index)
    except _NotSimple:
        return _jsonld_by_rdflib(graph)


def _memo_index(graph: Graph, memo: dict, *, blank_nodes: bool) -> Index | None:
    """The graph's index (:func:`_index`), kept in ``memo`` for the next format of the same graph. For a graph with
    blank nodes: None, or with ``blank_nodes`` the index of :func:`canonical`'s copy, labels made canonical."""
    if "plain" not in memo:
        memo["plain"] = _index(graph)
    if memo["plain"] is not None or not blank_nodes:
        return memo["plain"]
    if "canonical" not in memo:
        memo["canonical"] = _index(canonical(graph), blank_nodes=True)
    return memo["canonical"]


def _jsonld_by_rdflib(graph: Graph) -> bytes:
    """Expanded JSON-LD through rdflib's serializer (for graphs with blank nodes or literal types), ordered."""
    from . import jsonld

    return jsonld.dumps(json.loads(canonical(graph).serialize(format="json-ld", auto_compact=False)))


@collector_paused
def serialize_dataset(dataset: Dataset, fmt: Format | str) -> bytes:
    """Serialise a dataset keeping its named graphs (TriG, N-Quads), deterministically; other formats get the union."""
    fmt = Format.parse(fmt)
    if fmt is Format.NQUADS:
        default_id = dataset.default_graph.identifier
        lines: list[str] = []
        for ctx in dataset.graphs():
            index = _canonical_index(ctx)
            suffix = "" if ctx.identifier == default_id else " " + _NT_NAMER.term(ctx.identifier)
            lines += _nt_lines(index, suffix)
        return _joined_lines(sorted(set(lines)))
    if fmt is Format.TRIG:
        return trig(dataset)
    return serialize_graph(_union(dataset), fmt)


def canonical(graph: Graph) -> Graph:
    """The graph itself when it has no blank nodes; otherwise a copy with canonical blank node labels.

    Only the triples naming a blank node go through rdflib's canonical labelling (:func:`canonical_blank_triples`):
    the others cannot change a label (a test checks the labels are those of the whole graph)."""
    with_blank = [t for t in graph if _names_blank(t)]
    if not with_blank:
        return graph
    out = Graph()
    for t in graph:
        if not _names_blank(t):
            out.add(t)
    for t in canonical_blank_triples(with_blank):
        out.add(t)
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns, override=True)
    return out


def _names_blank(triple) -> bool:
    return isinstance(triple[0], BNode) or isinstance(triple[2], BNode)


def canonical_blank_triples(triples) -> set:
    """rdflib triples that name blank nodes, relabelled canonically (``rdflib.compare.to_canonical_graph``): two
    sets that differ only in their blank node labels come out equal. The labels depend only on these triples,
    so a graph's triples without blank nodes need not be given (a test checks that the labels are the same)."""
    from rdflib.compare import to_canonical_graph

    part = Graph()
    for t in triples:
        part.add(t)
    return set(to_canonical_graph(part))


@collector_paused
def turtle(graph: Graph, *, prefixes: dict[str, str] | None = None) -> bytes:
    """Canonical Turtle: the prefixes used (from ``prefixes``, default oncograph's), then one block per subject."""
    namer = _Namer(prefixes or PREFIXES)
    index = _canonical_index(graph)
    return namer.header_after(_turtle_blocks(index, namer))


@collector_paused
def trig(dataset: Dataset, *, prefixes: dict[str, str] | None = None) -> bytes:
    """Canonical TriG: default-graph triples first, then one block per non-empty named graph, by graph IRI."""
    namer = _Namer(prefixes or PREFIXES)
    parts: list[str] = []
    default_id = dataset.default_graph.identifier
    graphs = sorted((g for g in dataset.graphs() if len(g)), key=lambda g: (g.identifier != default_id, str(g.identifier)))
    for g in graphs:
        blocks = _turtle_blocks(_canonical_index(g), namer)
        if g.identifier == default_id:
            parts.append("\n".join(blocks))
        else:
            parts.append(_trig_graph(namer.term(g.identifier), blocks))
    return namer.header_after(parts)


def _trig_graph(name: str, blocks: list[str]) -> str:
    """A TriG graph block: ``name {``, the Turtle blocks indented by four spaces, ``}``."""
    body = "\n".join(blocks).rstrip("\n")
    indented = "\n".join(("    " + line) if line else "" for line in body.split("\n"))
    return f"{name} {{\n{indented}\n}}\n"


_INTEGER = re.compile(r"^(?:0|-?[1-9][0-9]*)$")
_PN_LOCAL = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_UNSAFE = re.compile(r'[\\"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


class _Namer:
    """Writes terms in Turtle syntax, using a prefixed name where the local part is safe, and remembers prefixes used.

    Terms come as rdflib terms (:meth:`term`) or as the plain keys of :func:`_index` (:meth:`key`); the text of
    each key is remembered, since the same IRIs and literals recur throughout a graph.
    """

    def __init__(self, prefixes: dict[str, str], *, shorthand: bool = True):
        self.prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.shorthand = shorthand  # False: N-Triples terms (no bare integers)
        self.used: dict[str, str] = {}
        self._texts: dict[tuple, str] = {}
        self._iris: dict[str, str] = {}
        separated = all(ns.endswith(("/", "#")) for _, ns in self.prefixes)
        self._by_namespace = {ns: p for p, ns in reversed(self.prefixes)} if separated else None

    def iri(self, iri: str) -> str:
        text = str(iri)
        got = self._iris.get(text)
        if got is None:
            got = self._iris[text] = self._format_iri(text)
        return got

    def _format_iri(self, text: str) -> str:
        if self._by_namespace is not None:  # every namespace ends in / or #: only the last one can give a name
            cut = max(text.rfind("/"), text.rfind("#")) + 1
            prefix = self._by_namespace.get(text[:cut]) if cut else None
            if prefix is not None and _PN_LOCAL.match(text[cut:]):
                self.used[prefix] = text[:cut]
                return f"{prefix}:{text[cut:]}"
            return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", text) + ">"
        for prefix, ns in self.prefixes:
            if text.startswith(ns) and _PN_LOCAL.match(text[len(ns):]):
                self.used[prefix] = ns
                return f"{prefix}:{text[len(ns):]}"
        return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", text) + ">"

    def term(self, term) -> str:
        """The Turtle text of an rdflib term."""
        if isinstance(term, (URIRef, BNode, Literal)):
            return self.key(_key_of(term))
        raise TypeError(f"not an RDF term: {term!r}")

    def key(self, key: tuple) -> str:
        """The Turtle text of a plain term key: (0, IRI), (1, blank node id) or (2, lexical form, language, datatype)."""
        text = self._texts.get(key)
        if text is None:
            self._texts[key] = text = self._format(key)
        return text

    def _format(self, key: tuple) -> str:
        kind, value, language, datatype = key
        if kind == 0:
            return self.iri(value)
        if kind == 1:
            return f"_:{value}"
        text = '"' + _STRING_UNSAFE.sub(lambda m: _STRING_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"),
                                        value) + '"'
        if language:
            return f"{text}@{language}"
        if self.shorthand and datatype == _XSD_INTEGER and _INTEGER.match(value):
            return value  # Turtle's own integer form; same triple, easier to read
        if datatype:
            return f"{text}^^{self.iri(datatype)}"
        return text

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(self.used.items()))

    def header_after(self, parts: list[str]) -> bytes:
        """The prefix lines for what ``parts`` used (so call it after writing them), a blank line, then the parts,
        as UTF-8."""
        if not parts:
            return (self.header() + "\n").encode("utf-8")
        return _encoded_join("\n", [self.header(), *parts])


def _encoded_join(sep: str, parts: list[str], head: str = "", tail: str = "") -> bytes:
    """``(head + sep.join(parts) + tail).encode("utf-8")``, encoding part by part: a graph's text with one non-ASCII
    character is a wide string (2-4 bytes a character), and joining a million parts into one, copying it to add
    the tail and encoding the copy cost 1.5-2 s at a million triples, where this takes 0.3-0.7 s."""
    encoded = [p.encode("utf-8") for p in parts]
    if not encoded:
        return (head + tail).encode("utf-8")
    encoded[0] = head.encode("utf-8") + encoded[0]
    encoded[-1] += tail.encode("utf-8")
    return sep.encode("utf-8").join(encoded)


_NT_NAMER = _Namer({}, shorthand=False)  # N-Triples terms: no prefixes, no shorthand
_XSD_INTEGER = str(XSD.integer)
_XSD_STRING = str(XSD.string)
_RDF_LANG_STRING = str(RDF.langString)
_RDF_TYPE = str(RDF.type)
_TYPE_KEY = (0, _RDF_TYPE, "", "")


def term_key(term) -> tuple:
    """A total order on RDF terms: IRIs, then blank nodes, then literals (by lexical form, language, datatype)."""
    return _key_of(term)


def _key_of(term) -> tuple:
    """The plain key of an rdflib term; a simple literal has datatype "" whether or not it says xsd:string."""
    if isinstance(term, URIRef):
        return (0, str(term), "", "")
    if isinstance(term, BNode):
        return (1, str(term), "", "")
    datatype = str(term.datatype or "")
    return (2, str(term), str(term.language or ""), "" if datatype == _XSD_STRING else datatype)


def _ox_key(term) -> tuple:
    """The plain key of a pyoxigraph term (its lexical form as stored: rdflib would normalise "01"^^xsd:integer)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return (0, term.value, "", "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value, "", "")
    datatype = term.datatype.value
    if term.language or datatype in (_XSD_STRING, _RDF_LANG_STRING):
        datatype = ""
    return (2, term.value, term.language or "", datatype)


Index = dict  # subject key -> predicate IRI -> object keys


def _canonical_index(graph: Graph) -> Index:
    """The index of the graph, with canonical blank node labels if it has blank nodes."""
    index = _index(graph)
    return index if index is not None else _index(canonical(graph), blank_nodes=True)


def _index(graph: Graph, *, blank_nodes: bool = False) -> Index | None:
    """Subject key -> predicate IRI -> object keys, for the canonical writers; None if the graph has blank nodes
    and ``blank_nodes`` is false (they need canonical labels first, see :func:`canonical`).

    An Oxigraph-held graph is read from its store directly, converting each distinct term once: at a million
    triples that is 3 s instead of the 20 s of going through rdflib terms.
    """
    from .store import held_graph

    index: Index = defaultdict(lambda: defaultdict(list))
    keys: dict = {}
    pkeys: dict = {}  # predicates apart: the same IRI as an object has a key, as a predicate only its text
    behind = held_graph(graph)
    if behind is not None:
        store, source = behind
        # a Quad unpacks to four terms; dropping the graph name here spares a starred unpacking per triple
        triples = ((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, source))
        convert = _ox_key
    else:
        triples, convert = graph.triples((None, None, None)), _key_of
    for s, p, o in triples:
        sk = keys.get(s)
        if sk is None:
            keys[s] = sk = convert(s)
            if sk[0] == 1 and not blank_nodes:
                return None
        ok = keys.get(o)
        if ok is None:
            keys[o] = ok = convert(o)
            if ok[0] == 1 and not blank_nodes:
                return None
        pk = pkeys.get(p)
        if pk is None:
            pkeys[p] = pk = convert(p)[1]
        index[sk][pk].append(ok)
    return index


def _predicate_order(index: Index) -> dict[str, int]:
    """Each predicate's place: rdf:type first, then by IRI. A graph has few predicates, so sorting a subject's
    predicates by a looked-up number is cheaper than building a (flag, IRI) key per predicate and subject."""
    preds = sorted({p for by_p in index.values() for p in by_p}, key=lambda p: (p != _RDF_TYPE, p))
    return {p: i for i, p in enumerate(preds)}


def _turtle_blocks(index: Index, namer: _Namer) -> list[str]:
    """One block per subject (sorted), rdf:type first as ``a``, then predicates and objects sorted."""
    blocks = []
    order = _predicate_order(index)
    verbs = {p: "    a " if p == _RDF_TYPE else f"    {namer.iri(p)} " for p in order}
    key = namer.key
    for s in sorted(index):
        by_p = index[s]
        preds = sorted(by_p, key=order.__getitem__)
        lines = [key(s)]
        last = preds[-1]
        for p in preds:
            objs = by_p[p]
            text = key(objs[0]) if len(objs) == 1 else " ,\n        ".join([key(o) for o in sorted(set(objs))])
            lines.append(verbs[p] + text + (" ." if p is last else " ;"))
        blocks.append("\n".join(lines) + "\n")
    return blocks


def _nt_lines(index: Index, suffix: str = "") -> list[str]:
    """N-Triples lines (N-Quads with a graph ``suffix``), not yet sorted; each subject's and predicate's text is
    written once per group, not once per line."""
    key, iri = _NT_NAMER.key, _NT_NAMER.iri
    end = suffix + " ."
    lines: list[str] = []
    for s, by_p in index.items():
        subject = key(s) + " "
        for p, objs in by_p.items():
            head = subject + iri(p) + " "
            if len(objs) == 1:
                lines.append(head + key(objs[0]) + end)
            else:
                lines += [head + key(o) + end for o in set(objs)]
    return lines


def _ntriples(index: Index) -> bytes:
    return _joined_lines(sorted(_nt_lines(index)))


#: In Oxigraph's N-Triples, what the index writer spells otherwise (escapes of U+0008, U+000C, U+FFFE, U+FFFF, any
#: \U) or what may be a blank node: a dump with any of them is written from the index instead.
_NOT_AS_OURS = (b" _:", b"\\b", b"\\f", b"\\uFFFE", b"\\uFFFF", b"\\U")


def store_ntriples(graph: Graph) -> bytes | None:
    """Oxigraph's own N-Triples of an Oxigraph-held graph, in store order; None for a graph not held there."""
    from .store import held_graph

    behind = held_graph(graph)
    if behind is None:
        return None
    import pyoxigraph as ox

    store, source = behind
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source)


def _sorted_store_ntriples(graph: Graph) -> bytes | None:
    """Canonical N-Triples of an Oxigraph-held graph as Oxigraph's own N-Triples, sorted line by line; None where that
    would not give :func:`_ntriples`' bytes (a graph in rdflib's store, or a dump with a blank node or an escape the
    two writers spell differently), and the caller writes it from the index instead.

    Oxigraph writes each term as the index writer does (a test compares them on every Unicode code point in
    literals, and on the landscape) except four characters: it escapes U+0008 and U+000C as ``\\b`` and ``\\f``
    (ours: ``\\u0008``, ``\\u000C``) and U+FFFE and U+FFFF (ours: as they are). A dump with one of those escapes,
    or with anything that may be a blank node (which the canonical writers label afresh), goes the slow way. At a
    million triples the dump, split and sort take about 2 s, the index and its lines 3.7 s.
    """
    dumped = store_ntriples(graph)
    if dumped is None:
        return None
    if not dumped:
        return b""
    if dumped.startswith(b"_:") or any(mark in dumped for mark in _NOT_AS_OURS):
        return None
    lines = dumped.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    lines.sort()
    lines.append(b"")
    return b"\n".join(lines)


def _joined_lines(lines: list[str]) -> bytes:
    return _encoded_join("\n", lines, tail="\n") if lines else b""


def _expanded_jsonld(index: Index) -> bytes:
    """Expanded JSON-LD, written as text, laid out as :func:`oncograph.jsonld.dumps` orders a document (nodes by
    id; ``@id``, ``@type``, then properties; values sorted), without building it as Python objects first (json.dumps
    with an indent is pure Python: 60 s at a million triples).

    Every ``@value`` is the literal's lexical form as a string, so the file reads back as the same RDF terms.
    rdflib's serializer writes booleans, integers and doubles as JSON numbers instead (its ``use_native_types``
    option is always on), which turns ``"1.50E0"^^xsd:double`` into ``1.5`` and so into another term.
    """
    from json.encoder import encode_basestring as enc  # the C encoder, as json.dumps(ensure_ascii=False) uses

    values: dict[tuple, tuple[tuple, str]] = {}  # object key -> (sort key, indented text)

    def value_of(k: tuple) -> tuple[tuple, str]:
        kind, v, lang, dt = k
        if kind != 2:
            ident = v if kind == 0 else "_:" + v
            return (1, ident, '{"@id": ' + enc(ident) + "}"), '{\n        "@id": ' + enc(ident) + "\n      }"
        fields = ([("@language", lang)] if lang else []) + ([("@type", dt)] if dt else []) + [("@value", v)]
        flat = "{" + ", ".join(f'"{f}": {enc(x)}' for f, x in fields) + "}"
        return (1, "", flat), "{\n" + ",\n".join(f'        "{f}": {enc(x)}' for f, x in fields) + "\n      }"

    def value(k: tuple) -> tuple[tuple, str]:
        got = values.get(k)
        if got is None:
            got = values[k] = value_of(k)
        return got

    # the usual case, one value: its text with the end of its array, kept apart so that a literal met once is not
    # also kept with its sort key
    closed: dict[tuple, str] = {}
    typed: dict[tuple, str] = {}  # the rdf:type objects of a node -> its "@type" member; most nodes share a few

    def type_member(types: list) -> str:
        if any(t[0] == 2 for t in types):
            raise _NotSimple
        names = sorted({t[1] if t[0] == 0 else "_:" + t[1] for t in types}, key=enc)
        return '    "@type": [\n' + ",\n".join("      " + enc(t) for t in names) + "\n    ]"

    order = _predicate_order(index)  # rdf:type first, then by IRI: the same as sorting the other predicates
    rank = order.__getitem__
    heads = {p: "    " + enc(p) + ": [\n      " for p in order}
    nodes = []
    append = nodes.append
    for s in sorted(index, key=lambda k: k[1] if k[0] == 0 else "_:" + k[1]):
        by_p = index[s]
        ident = s[1] if s[0] == 0 else "_:" + s[1]
        parts = ['    "@id": ' + enc(ident)]
        types = by_p.get(_RDF_TYPE)
        if types:
            tkey = tuple(types)
            member = typed.get(tkey)
            if member is None:
                member = typed[tkey] = type_member(types)
            parts.append(member)
        for p in sorted(by_p, key=rank):
            if p == _RDF_TYPE:
                continue
            objs = by_p[p]
            if len(objs) == 1:  # most values: no set, no sort
                o = objs[0]
                text = closed.get(o)
                if text is None:
                    text = closed[o] = value_of(o)[1] + "\n    ]"
                parts.append(heads[p] + text)
            else:
                texts = [text for _, text in sorted((value(o) for o in set(objs)), key=lambda v: v[0])]
                parts.append(heads[p] + ",\n      ".join(texts) + "\n    ]")
        append("  {\n" + ",\n".join(parts) + "\n  }")
    return _encoded_join(",\n", nodes, head="[\n", tail="\n]\n") if nodes else b"[]\n"


_RDF_NIL = str(RDF.nil)
_LIST_PREDICATES = frozenset((str(RDF.first), str(RDF.rest)))


def _says_xsd_string(graph: Graph) -> bool:
    """Whether an rdflib-held graph has a literal typed xsd:string, which rdflib writes with its type, and which the
    index holds as a simple literal (Oxigraph makes no such difference, so an Oxigraph-held graph never has one)."""
    from .store import held_graph

    if held_graph(graph) is not None:
        return False
    return any(type(o) is Literal and o.datatype == XSD.string for _, _, o in graph.triples((None, None, None)))


def _compact_jsonld(index: Index) -> bytes:
    """Compacted JSON-LD with the project's context, the bytes ``jsonld.dumps(jsonld.compact(graph))`` gives, from the
    graph's index (blank nodes labelled canonically, as :func:`canonical` does for pyld's path). pyld is asked once
    per property and kind of value (:class:`oncograph.jsonld.Compactor`); the text is written here, in the layout of
    ``json.dumps(indent=2)`` with the order of :func:`oncograph.jsonld.dumps`. Raises ``jsonld.NotCompactable``
    where pyld must do it, among them RDF lists, which rdflib's document writes as ``@list``."""
    from json.encoder import encode_basestring as enc

    from . import jsonld

    compactor = jsonld.Compactor()
    iri_value, literal_value, node_id, type_name = (compactor.iri_value, compactor.literal_value, compactor.node_id,
                                                    compactor.type_name)
    id_key, type_key = compactor.id_key, compactor.type_key
    key_order = jsonld._KEY_ORDER
    heads: dict[str, str] = {}

    def text_of(value, pad: str) -> str:
        """json.dumps(value, indent=2) at ``pad``: a string, an int (an xsd:integer), or a dict of those."""
        if type(value) is str:
            return enc(value)
        if type(value) is int:
            return str(value)
        inner = pad + "  "
        items = sorted(value.items(), key=lambda kv: (key_order.get(kv[0], 5), kv[0]))
        return "{\n" + ",\n".join(f"{inner}{enc(k)}: {text_of(v, inner)}" for k, v in items) + "\n" + pad + "}"

    def sort_key(value, text: str) -> tuple:
        """jsonld._json_sort_key, from the text already written for a string or a number."""
        if type(value) is dict:
            return jsonld._json_sort_key(value)
        return (0, "", text)

    def many(values: list) -> str:
        texts = sorted(((sort_key(v, t), t) for v in values for t in [text_of(v, "        ")]), key=lambda kt: kt[0])
        return "[\n" + ",\n".join("        " + t for _, t in texts) + "\n      ]"

    nodes = []
    for s, by_p in index.items():
        members: dict[str, list] = {}
        types = None
        for p, objs in by_p.items():
            if p == _RDF_TYPE:
                if any(o[0] != 0 for o in objs):
                    raise jsonld.NotCompactable("rdf:type with a value that is not an IRI")
                types = list({type_name(o[1]) for o in objs})
                continue
            if p in _LIST_PREDICATES:
                raise jsonld.NotCompactable("an RDF list")
            for o in set(objs) if len(objs) > 1 else objs:
                kind = o[0]
                if kind == 2:
                    key, value = literal_value(p, o[1], o[2], o[3])
                elif kind == 0:
                    if o[1] == _RDF_NIL:
                        raise jsonld.NotCompactable("an RDF list (rdf:nil)")
                    key, value = iri_value(p, o[1])
                else:
                    key, value = iri_value(p, "_:" + o[1])
                got = members.get(key)
                if got is None:
                    members[key] = [value]
                else:
                    got.append(value)
        ident = node_id(s[1] if s[0] == 0 else "_:" + s[1])
        parts = ["      " + enc(id_key) + ": " + enc(ident)]
        if types:
            parts.append("      " + enc(type_key) + ": " + (enc(types[0]) if len(types) == 1 else many(types)))
        if id_key in members or type_key in members:
            raise jsonld.NotCompactable(f"a property compacts to the key {id_key!r} or {type_key!r}")
        for key in sorted(members, key=lambda k: (key_order.get(k, 5), k)):
            head = heads.get(key)
            if head is None:
                head = heads[key] = "      " + enc(key) + ": "
            values = members[key]
            parts.append(head + (text_of(values[0], "      ") if len(values) == 1 else many(values)))
        nodes.append((ident, "    {\n" + ",\n".join(parts) + "\n    }"))
    nodes.sort(key=lambda n: n[0])
    if any(a[0] == b[0] for a, b in zip(nodes, nodes[1:])):
        raise jsonld.NotCompactable("two nodes compact to the same id")
    head = json.dumps({"@context": jsonld.load_context()["@context"]}, ensure_ascii=False, indent=2)[:-2]
    if not nodes:
        return (head + ',\n  "@graph": []\n}\n').encode("utf-8")
    return _encoded_join(",\n", [text for _, text in nodes], head=head + ',\n  "@graph": [\n', tail="\n  ]\n}\n")


class _NotSimple(Exception):
    """A graph the text writer does not handle (a literal as rdf:type); rdflib's serializer writes it instead."""


def _union(dataset: Dataset) -> Graph:
    graph = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


# -- store order: streamed by Oxigraph ---------------------------------------------------------------------------
class Order(str, enum.Enum):
    """How the triples of an RDF file are ordered."""

    CANONICAL = "canonical"  # sorted by subject, predicate, object: a data change is a small text diff
    STORE = "store"  # as Oxigraph holds them, streamed to the file: 3-5x faster on big graphs, not sorted


#: The formats Oxigraph writes in store order, and its name for each.
_STORE_FORMATS = {Format.TURTLE: "TURTLE", Format.NTRIPLES: "N_TRIPLES", Format.JSONLD: "JSON_LD",
                  Format.TRIG: "TRIG", Format.NQUADS: "N_QUADS"}


def check_store_format(fmt: Format) -> Format:
    """``fmt`` if Oxigraph can write it in store order; otherwise an InputError listing the formats it can."""
    if fmt not in _STORE_FORMATS:
        raise InputError(f"{fmt.value} cannot be written in store order; use one of "
                         + ", ".join(f.value for f in _STORE_FORMATS) + ", or --order canonical")
    return fmt


def dump_store_order(graph: Graph, path: Path | str, fmt: Format | str, *, graph_name: str | None = None,
                     quads=None) -> Path:
    """Write ``graph`` to ``path`` in Oxigraph's own order, streamed into a temporary file renamed into place.

    The same triples as the canonical writers (a test checks it), at Oxigraph's speed (about 1 s per format at a
    million triples), but in the order Oxigraph holds them rather than sorted. The order depends only on the
    triples and the order they were loaded in, so the same input file gives the same bytes on every run and
    machine with the same pyoxigraph; a changed input can reorder much of the file, so review changes with
    ``oncograph diff``, not a text diff. Turtle and TriG use oncograph's prefixes; JSON-LD is expanded, on one
    line; TriG and N-Quads put the triples in the graph ``graph_name``, or else in the default graph, unless
    ``quads`` (a pyoxigraph Store) is given: they then write that store whole, its named graphs kept. Only for
    graphs held in Oxigraph.
    """
    return dump_store_orders(graph, {path: fmt}, graph_name=graph_name, quads=quads)[0]


def dump_store_orders(graph: Graph, targets: dict[Path | str, Format | str], *, workers: int | None = None,
                      graph_name: str | None = None, quads=None) -> list[Path]:
    """Write ``graph`` in several formats (``{path: format}``) in store order at once, one thread per file.

    Oxigraph writes without holding Python's lock, so on two cores Turtle and JSON-LD together take about as long
    as the slower of the two. All or nothing: every file goes to a temporary file first, and none is renamed into
    place unless all were written. See :func:`dump_store_order` for the order and the formats.
    """
    from concurrent.futures import ThreadPoolExecutor

    jobs: dict[Path, Format] = {}
    seen: set[Path] = set()
    for path, fmt in targets.items():
        if (key := Path(path).resolve()) in seen:
            raise InputError(f"{path}: given twice; give each output file once")
        seen.add(key)
        jobs[Path(path)] = check_store_format(Format.parse(fmt))
    if not jobs:
        raise InputError("no output file given")
    store, source = _held_store(graph)
    if not any(f.is_dataset for f in jobs.values()):
        whole = None
    elif quads is not None:
        whole = (quads, None)
    else:
        whole = _as_one_graph(store, source, graph_name)
    with staged_files(jobs) as files:
        opened = list(zip(files, jobs.values()))
        with ThreadPoolExecutor(max_workers=workers or min(len(opened), os.cpu_count() or 1)) as pool:
            for done in [pool.submit(_dump, *(whole if fmt.is_dataset else (store, source)), fh, fmt)
                         for fh, fmt in opened]:
                done.result()  # the first failure propagates; staged_files then removes every temporary file
    return list(jobs)


def _as_one_graph(store, source, graph_name: str | None):
    """``(store, None)`` holding just the triples of ``source`` in the graph ``graph_name`` (or the default graph),
    for TriG and N-Quads: the store itself when it already is that, else a copy made once for both formats."""
    import pyoxigraph as ox

    target = ox.DefaultGraph() if graph_name is None else ox.NamedNode(graph_name)
    if source == target == ox.DefaultGraph() and next(iter(store.named_graphs()), None) is None:
        return store, None
    part = ox.Store()
    part.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, target)
                     for q in store.quads_for_pattern(None, None, None, source))
    return part, None


def _held_store(graph: Graph):
    """``store.held_graph(graph)``: the pyoxigraph Store and graph term behind ``graph``, or an InputError if it is not
    one graph held in Oxigraph."""
    from .store import held_graph

    behind = held_graph(graph)
    if behind is None:
        # Copying would change terms: Oxigraph keeps numbers and dates in canonical form and turns types derived
        # from xsd:integer into xsd:integer (see oncograph.store), so the file would not say what the graph says.
        raise InputError("store order writes a graph held in Oxigraph (read with oncograph.store.load_graph(...,"
                         " backend='oxigraph'), as `oncograph export FILE --order store` does); this graph is in"
                         " rdflib's memory store: use the canonical order")
    return behind


def _dump(store, source, fh, fmt: Format) -> None:
    """Dump one graph of ``store`` (``source``), or the whole store when ``source`` is None (TriG, N-Quads)."""
    import pyoxigraph as ox

    kwargs = {"prefixes": dict(PREFIXES)} if fmt in (Format.TURTLE, Format.TRIG) else {}
    store.dump(fh, getattr(ox.RdfFormat, _STORE_FORMATS[fmt]), from_graph=source, **kwargs)


# -- reading ----------------------------------------------------------------------------------------------------
_RDFLIB_FORMATS = {Format.TURTLE: "turtle", Format.NTRIPLES: "nt", Format.TRIG: "trig", Format.NQUADS: "nquads"}


def read_rdf(path: Path | str) -> Dataset:
    """Read an RDF file (format from its extension) into a Dataset; JSON-LD goes through the local-only loader."""
    path = Path(path)
    fmt = Format.from_path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if fmt in (Format.JSONLD, Format.JSONLD_COMPACT):
        from .jsonld import read_jsonld

        return read_jsonld(path)
    if fmt not in _RDFLIB_FORMATS:
        raise InputError(f"{path}: {fmt.value} is not an RDF format that can be read")
    ds = Dataset()
    try:
        ds.parse(path, format=_RDFLIB_FORMATS[fmt])
    except Exception as exc:  # rdflib's parsers raise many types; all mean the file is bad input
        raise InputError(f"{path}: not valid {fmt.value}: {' '.join(str(exc).split())[:300]}") from exc
    return ds


def read_rdf_files(paths: Iterable[Path | str]) -> Dataset:
    """Read several RDF files into one Dataset, keeping the named graphs of TriG, N-Quads and JSON-LD files."""
    out = Dataset()
    for path in paths:
        ds = read_rdf(path)
        for s, p, o, ctx in ds.quads((None, None, None, None)):
            graph_id = ctx.identifier if hasattr(ctx, "identifier") else ctx
            target = out.default_graph if graph_id in (None, ds.default_graph.identifier) else out.graph(graph_id)
            target.add((s, p, o))
    return out


# -- export: validate, then write ------------------------------------------------------------------------------
def resolve_format(fmt: Format | str | None, path: Path | str | None) -> Format:
    """The format named, else the one ``path``'s extension stands for."""
    if fmt:
        return Format.parse(fmt)
    if path is None:
        raise InputError("no format: name one with --format (" + ", ".join(f.value for f in Format) + ")")
    return Format.from_path(path)


def check_graph(graph: Graph, *, force: bool = False, warn: Callable[[str], None] | None = None):
    """Validate before exporting: violations are reported through ``warn`` and refuse the export unless ``force``."""
    from .validate import validate

    report = validate(graph)
    if not report.conforms:
        if warn:
            warn(report.text())
            warn(f"warning: the graph has {report.violation_count} SHACL violation(s)"
                 + ("; exporting anyway (--force)" if force else ""))
        if not force:
            raise ExportRefused(report)
    return report


def export(graph: Graph, path: Path | str, *, fmt: Format | str | None = None, dataset: Dataset | None = None,
           force: bool = False, warn: Callable[[str], None] | None = None,
           order: Order | str = Order.CANONICAL, graph_name: str | None = None, quads=None) -> Path:
    """Validate ``graph`` and write it to ``path`` in ``fmt`` (default: from the extension).

    The path is checked before anything else. TriG and N-Quads use ``dataset``'s named graphs when given, else hold
    ``graph`` in the graph ``graph_name`` (default: the default graph). A graph
    with SHACL violations is refused (ExportRefused, exit 1) unless ``force``; either way the report goes to ``warn``.
    ``order="store"`` streams the triples in Oxigraph's order (see :func:`dump_store_order`, and its ``quads``)
    instead of sorting.
    """
    fmt = resolve_format(fmt, path)
    check_projection(fmt)
    try:
        order = Order(order)
    except ValueError:
        raise InputError(f"order {order!r}: use one of {', '.join(o.value for o in Order)}") from None
    if order is Order.STORE:
        check_store_format(fmt)
    path = check_output_file(path)
    check_graph(graph, force=force, warn=warn)
    if fmt.is_projection:
        export_projection(graph, path, fmt=fmt)
    elif order is Order.STORE:
        dump_store_order(graph, path, fmt, graph_name=graph_name, quads=quads)
    else:
        data = serialize(dataset if dataset is not None and fmt.is_dataset else graph, fmt, graph_name=graph_name)
        atomic_write(path, data)
    return path


def check_projection(fmt: Format) -> None:
    """Fail before any work if ``fmt`` is a network projection and oncograph.analyse cannot write it."""
    if not fmt.is_projection:
        return
    try:
        from . import analyse
    except ImportError as exc:
        raise InputError(f"the {fmt.value} format writes the network projection, which needs oncograph.analyse;"
                         f" it cannot be imported here ({exc}); use an RDF format instead") from None
    missing = [name for name in ("project", "export_projection") if not hasattr(analyse, name)]
    if missing:
        raise InputError(f"the {fmt.value} format needs oncograph.analyse.{' and '.join(missing)}, which this"
                         " install lacks; use an RDF format (" + ", ".join(f.value for f in Format if not f.is_projection)
                         + ")")


def export_projection(graph: Graph, path: Path, *, fmt: Format) -> None:
    """Write the graph's network projection (graphml, gexf, csv) through oncograph.analyse."""
    check_projection(fmt)
    from . import analyse

    analyse.export_projection(analyse.project(graph), path, fmt=fmt.value)


# -- the release ------------------------------------------------------------------------------------------------
#: The graph files of a release, in the order they are described.
RELEASE_GRAPH_FILES: dict[str, Format] = {
    "oncograph.ttl": Format.TURTLE,
    "oncograph.nt": Format.NTRIPLES,
    "oncograph.jsonld": Format.JSONLD,
    "oncograph.trig": Format.TRIG,
    "oncograph.nq": Format.NQUADS,
}


def release_graph_files(dataset: Dataset, graph: Graph, *, name: str = "oncograph") -> dict[str, bytes]:
    """The release's graph files as ``{file name: bytes}``, serialised in memory."""
    flat = serialize_many(graph, [f for f in RELEASE_GRAPH_FILES.values() if not f.is_dataset])
    kept = serialize_many(dataset, [f for f in RELEASE_GRAPH_FILES.values() if f.is_dataset])
    return {file.replace("oncograph", name, 1): (kept if fmt.is_dataset else flat)[fmt]
            for file, fmt in RELEASE_GRAPH_FILES.items()}


def write_release(dataset: Dataset, graph: Graph, out_dir: Path | str, *, name: str = "oncograph") -> list[Path]:
    """Write the release's graph files into ``out_dir``; returns their paths. Everything is serialised first."""
    out = check_writable(out_dir)
    blobs = release_graph_files(dataset, graph, name=name)
    return _write_all(out, blobs)


def write_release_docs(built, graph: Graph, out_dir: Path | str, *,
                       say: Callable[[str], None] | None = None) -> list[Path]:
    """Write the rest of a release beside the graph files: compacted JSON-LD, the context, VoID/DCAT, ontology page.

    ``built`` is the BuildResult (its dataset's named graphs are counted in the description). Deterministic:
    nothing depends on the clock or the folder's previous contents.
    """
    out = check_writable(out_dir)
    return _write_all(out, release_docs_files(built, graph, say=say))


def release_docs_files(built, graph: Graph, *, say: Callable[[str], None] | None = None,
                       graph_files: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """What :func:`write_release_docs` writes, as ``{file name: bytes}``; nothing is written. ``graph_files``: the
    release's graph files (:func:`release_graph_files`) when the caller has them already, so that describing them
    does not serialise the graph a second time."""
    from .describe import release_description
    from .docs import ontology_page
    from .jsonld import CONTEXT_FILE, context_bytes

    say = say or (lambda msg: None)
    say("writing compacted JSON-LD, context, dataset description and ontology page ...")
    blobs = {
        "oncograph.compact.jsonld": serialize_graph(graph, Format.JSONLD_COMPACT),
        CONTEXT_FILE: context_bytes(),
        "ontology.html": ontology_page(graph).encode("utf-8"),
    }
    if graph_files is None:
        graph_files = release_graph_files(built.dataset, graph)
    described = {**graph_files, **blobs, **shipped_ontology_files()}
    blobs["void.ttl"] = release_description(graph, dataset=built.dataset, files=described)
    return blobs


def shipped_ontology_files() -> dict[str, bytes]:
    """The ontology and shapes as the release carries them (written by the main job as ontology.ttl, shapes.ttl)."""
    from . import paths

    return {"ontology.ttl": (paths.ontology_dir() / "oncograph.ttl").read_bytes(),
            "shapes.ttl": (paths.ontology_dir() / "shapes.ttl").read_bytes()}


def _write_all(out: Path, blobs: dict[str, bytes]) -> list[Path]:
    return write_together({out / file: data for file, data in blobs.items()})


__all__ = ["ExportRefused", "Format", "Order", "OutputError", "RELEASE_GRAPH_FILES", "atomic_file", "atomic_write", "canonical",
           "check_graph", "check_output_file", "check_projection", "check_store_format", "check_writable",
           "dump_store_order", "dump_store_orders", "export", "read_rdf", "read_rdf_files", "release_graph_files", "resolve_format",
           "serialize", "serialize_dataset", "serialize_graph", "serialize_many", "shipped_ontology_files", "term_key", "trig", "turtle",
           "release_docs_files", "write_release", "write_release_docs", "write_together"]
