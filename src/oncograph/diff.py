"""Diff: what changed between two releases, by entity, in words and as a machine-readable patch.

The comparison is on triples (the union of the named graphs). In words it lists entities added and removed,
relationship nodes added and removed (each told as a sentence with its parties' names, from the release it is in),
and, for every node in both releases, the values that changed (names, descriptions, dates, kinds, sources ...).
Direct edges that the build materialises beside relationship nodes (org:memberOf, onco:partnerOf, ...) and the
inverse links it adds (skos:narrower, schema:subEvent, ...) are left out of the words, since the relationship says
it, but they are in the patch, which lists every removed and added triple (RDF Patch, or JSON).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from .errors import InputError
from .export import _Namer, canonical, canonical_blank_triples, read_rdf, term_key
from .jsonld import key_for
from .model import EVENT_ROLE_EDGES, REL_TYPES
from .namespaces import ONCO, ORG, SCHEMA, bind_prefixes
from .words import curie, is_relationship, label, most_specific_class, relationship_text

#: Release files tried, in this order, when a folder is given.
RELEASE_FILES = ("oncograph.nt", "oncograph.ttl", "oncograph.nq", "oncograph.trig", "oncograph.jsonld",
                 "oncograph.compact.jsonld")

#: Edges the build derives from relationship nodes or from their inverse; told through the relationship instead.
DERIVED_PREDICATES = frozenset(
    {e.predicate for t in REL_TYPES.values() for e in t.edges}
    | set(EVENT_ROLE_EDGES.values())
    | {ORG.unitOf, ORG.hasUnit, SCHEMA.foundingDate, SCHEMA.subEvent, SKOS.narrower, SKOS.hasTopConcept, ONCO.involves}
)

_NT = _Namer({}, shorthand=False)  # N-Triples terms: no prefixes, no shorthand


@dataclass(frozen=True)
class ValueChange:
    """One property of one node: the values it lost and gained."""

    prop: URIRef
    removed: tuple
    added: tuple

    @property
    def key(self) -> str:
        return key_for(self.prop) or curie(self.prop)


@dataclass(frozen=True)
class NodeChange:
    node: URIRef
    name: str
    changes: tuple[ValueChange, ...]


@dataclass
class Diff:
    """The difference between two graphs; ``text()``, ``as_json()`` and ``rdf_patch()`` tell it."""

    old_name: str
    new_name: str
    old: Graph = field(repr=False)
    new: Graph = field(repr=False)
    removed: list[tuple] = field(default_factory=list)
    added: list[tuple] = field(default_factory=list)
    entities_added: list[URIRef] = field(default_factory=list)
    entities_removed: list[URIRef] = field(default_factory=list)
    relationships_added: list[URIRef] = field(default_factory=list)
    relationships_removed: list[URIRef] = field(default_factory=list)
    changed: list[NodeChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed)

    def summary(self) -> str:
        return (f"entities: {len(self.entities_added)} added, {len(self.entities_removed)} removed;"
                f" relationships: {len(self.relationships_added)} added, {len(self.relationships_removed)} removed;"
                f" {len(self.changed)} changed; triples: +{len(self.added)} -{len(self.removed)}")

    def text(self) -> str:
        """The report in words, one line per entity, relationship or changed value."""
        lines = [f"changes from {self.old_name} to {self.new_name}"]
        if self.empty:
            return lines[0] + ": none (the releases hold the same triples)\n"
        lines.append(self.summary())
        sections = [
            ("added entities", "+", [self._entity_line(self.new, e) for e in self.entities_added]),
            ("removed entities", "-", [self._entity_line(self.old, e) for e in self.entities_removed]),
            ("added relationships", "+", [self._rel_line(self.new, r) for r in self.relationships_added]),
            ("removed relationships", "-", [self._rel_line(self.old, r) for r in self.relationships_removed]),
        ]
        for title, mark, items in sections:
            if items:
                lines.append(f"\n{title}:")
                lines.extend(f"  {mark} {item}" for item in items)
        if self.changed:
            lines.append("\nchanged:")
            for nc in self.changed:
                lines.append(f"  ~ {nc.name} {curie(nc.node)}")
                for vc in nc.changes:
                    lines.extend(self._value_lines(vc))
        return "\n".join(lines) + "\n"

    def _entity_line(self, graph: Graph, node) -> str:
        cls = most_specific_class(graph, node)
        return f"{label(graph, node)} {curie(node)}" + (f" ({curie(cls)})" if cls is not None else "")

    def _rel_line(self, graph: Graph, node) -> str:
        return f"{relationship_text(graph, node)} {curie(node)}"

    def _value(self, graph: Graph, term) -> str:
        if isinstance(term, Literal):
            if term.datatype is not None and term.datatype != XSD.string:
                return str(term)  # numbers and dates read best bare
            return json.dumps(str(term), ensure_ascii=False)
        name = label(graph, term)
        return f"{name} {curie(term)}" if name != curie(term) else name

    def _value_lines(self, vc: ValueChange) -> list[str]:
        if len(vc.removed) == 1 and len(vc.added) == 1:
            return [f"      {vc.key}: {self._value(self.old, vc.removed[0])} -> {self._value(self.new, vc.added[0])}"]
        return ([f"      {vc.key}: - {self._value(self.old, v)}" for v in vc.removed]
                + [f"      {vc.key}: + {self._value(self.new, v)}" for v in vc.added])

    def as_json(self) -> dict:
        """The report as data; values and patch triples are written in N-Triples syntax."""
        def entity(graph, node):
            cls = most_specific_class(graph, node)
            return {"id": str(node), "name": label(graph, node), "class": str(cls) if cls is not None else None}

        def rel(graph, node):
            cls = most_specific_class(graph, node)
            return {"id": str(node), "class": str(cls) if cls is not None else None, "text": relationship_text(graph, node)}

        return {
            "old": self.old_name,
            "new": self.new_name,
            "summary": {"entities_added": len(self.entities_added), "entities_removed": len(self.entities_removed),
                        "relationships_added": len(self.relationships_added),
                        "relationships_removed": len(self.relationships_removed), "changed": len(self.changed),
                        "triples_added": len(self.added), "triples_removed": len(self.removed)},
            "entities": {"added": [entity(self.new, e) for e in self.entities_added],
                         "removed": [entity(self.old, e) for e in self.entities_removed]},
            "relationships": {"added": [rel(self.new, r) for r in self.relationships_added],
                              "removed": [rel(self.old, r) for r in self.relationships_removed]},
            "changed": [{"id": str(nc.node), "name": nc.name,
                         "changes": [{"property": str(vc.prop), "key": vc.key,
                                      "removed": [_NT.term(v) for v in vc.removed],
                                      "added": [_NT.term(v) for v in vc.added]} for vc in nc.changes]}
                        for nc in self.changed],
            "patch": {"removed": [_nt_line(t) for t in self.removed], "added": [_nt_line(t) for t in self.added]},
        }

    def json_bytes(self) -> bytes:
        return (json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def rdf_patch(self) -> str:
        """The change as an RDF Patch transaction (https://afs.github.io/rdf-patch/): deletions, then additions."""
        lines = ["TX ."]
        lines += [f"D {_nt_line(t)}" for t in self.removed]
        lines += [f"A {_nt_line(t)}" for t in self.added]
        lines.append("TC .")
        return "\n".join(lines) + "\n"


def _nt_line(triple) -> str:
    return " ".join(_NT.term(t) for t in triple) + " ."


def diff_graphs(old: Graph, new: Graph, *, old_name: str = "old", new_name: str = "new",
                difference: tuple[list, list] | None = None) -> Diff:
    """Compare two graphs (blank nodes are given canonical labels first). ``difference``: the (removed, added)
    triples when already known (``diff_releases`` finds them for big files without reading them into rdflib)."""
    if difference is not None:
        removed, added = list(difference[0]), list(difference[1])
    else:
        old, new = canonical(old), canonical(new)
        old_set, new_set = set(old), set(new)
        removed, added = list(old_set - new_set), list(new_set - old_set)
    removed.sort(key=_triple_key)
    added.sort(key=_triple_key)
    d = Diff(old_name, new_name, old, new, removed, added)

    # Only the subjects of changed triples can have come, gone or changed: look at those, not at every subject.
    changed_subjects = {t[0] for t in removed + added if isinstance(t[0], URIRef)}
    in_old = {s for s in changed_subjects if (s, None, None) in old}
    in_new = {s for s in changed_subjects if (s, None, None) in new}
    gone = {s for s in in_old - in_new if (s, RDF.type, None) in old}
    came = {s for s in in_new - in_old if (s, RDF.type, None) in new}
    d.relationships_removed = _by_text(old, [s for s in gone if is_relationship(old, s)], relationship_text)
    d.relationships_added = _by_text(new, [s for s in came if is_relationship(new, s)], relationship_text)
    d.entities_removed = _by_text(old, [s for s in gone if not is_relationship(old, s)], label)
    d.entities_added = _by_text(new, [s for s in came if not is_relationship(new, s)], label)

    # A node's lost and gained values are its removed and added triples' objects: taken from there rather than
    # looked up again, they are the terms as the files write them, whichever store holds the graphs.
    lost: dict = defaultdict(lambda: defaultdict(set))
    gained: dict = defaultdict(lambda: defaultdict(set))
    for triples, by_node in ((removed, lost), (added, gained)):
        for s, p, o in triples:
            by_node[s][p].add(o)
    touched = sorted(in_old & in_new, key=str)
    for node in touched:
        changes = _value_changes(lost.get(node, {}), gained.get(node, {}))
        if changes:
            name = relationship_text(new, node) if is_relationship(new, node) else label(new, node)
            d.changed.append(NodeChange(node, name, tuple(changes)))
    d.changed.sort(key=lambda nc: (nc.name, str(nc.node)))
    return d


def _value_changes(lost: dict, gained: dict) -> list[ValueChange]:
    """One node's changes, from its lost and gained objects by predicate."""
    changes = {}
    for p in sorted(set(lost) | set(gained), key=str):
        if p in DERIVED_PREDICATES:
            continue
        changes[p] = ValueChange(p, tuple(sorted(lost.get(p, ()), key=term_key)),
                                 tuple(sorted(gained.get(p, ()), key=term_key)))
    # The build writes rdfs:label = skos:prefLabel and each acronym also as skos:altLabel: tell such changes once.
    if RDFS.label in changes and SKOS.prefLabel in changes and \
            (changes[RDFS.label].removed, changes[RDFS.label].added) == (changes[SKOS.prefLabel].removed,
                                                                        changes[SKOS.prefLabel].added):
        del changes[RDFS.label]
    if SKOS.altLabel in changes and ONCO.acronym in changes:
        alt, acr = changes[SKOS.altLabel], changes[ONCO.acronym]
        rest = ValueChange(SKOS.altLabel, tuple(v for v in alt.removed if v not in acr.removed),
                           tuple(v for v in alt.added if v not in acr.added))
        if rest.removed or rest.added:
            changes[SKOS.altLabel] = rest
        else:
            del changes[SKOS.altLabel]
    return sorted(changes.values(), key=lambda vc: (vc.key, str(vc.prop)))


def _by_text(graph: Graph, nodes, text) -> list[URIRef]:
    return sorted(nodes, key=lambda n: (text(graph, n), str(n)))


def _triple_key(triple) -> tuple:
    return tuple(term_key(t) for t in triple)


def release_file(path: Path | str) -> Path:
    """The graph file of a release: ``path`` itself, or the first of RELEASE_FILES in a release folder."""
    path = Path(path)
    if path.is_dir():
        for name in RELEASE_FILES:
            if (path / name).is_file():
                return path / name
        raise InputError(f"{path}: no release graph file in this folder; expected one of {', '.join(RELEASE_FILES)}"
                         " (run `oncograph build --out FOLDER` to make one)")
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    return path


def load_release(path: Path | str, *, oxigraph: bool = False) -> Graph:
    """The union graph of a release file, or of the graph file found in a release folder; ``oxigraph`` holds it in
    Oxigraph (``oncograph.store``: literals of number and date types in canonical form)."""
    path = release_file(path)
    if oxigraph:
        from .store import load_graph

        return load_graph(path, backend="oxigraph")  # named graphs merged, as below
    ds = read_rdf(path)
    graph = bind_prefixes(Graph())
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


#: Formats whose big files are compared by Oxigraph (JSON-LD keeps the local-only context loader of read_rdf).
_OXIGRAPH_READS = frozenset({".nt", ".ttl", ".nq", ".trig"})


def diff_releases(old: Path | str, new: Path | str, *, progress: Callable[[str], None] | None = None) -> Diff:
    """Compare two releases (files or folders); names in the report are the paths as given. ``progress`` gets a
    line at each stage (the CLI prints them for big files).

    When either file is big (over ``oncograph.store.OXIGRAPH_ABOVE`` bytes), both are parsed by Oxigraph and their
    triples compared as parsed, as they are written in the files; only the triples that differ become rdflib terms,
    and the words are told from Oxigraph-held graphs. At a million triples: 7.5 s and 0.9 GB instead of 144 s and
    2.9 GB.
    """
    from .store import OXIGRAPH_ABOVE

    say = progress or (lambda message: None)
    started = time.perf_counter()
    files = release_file(old), release_file(new)
    if all(f.suffix.lower() in _OXIGRAPH_READS for f in files) and \
            max(f.stat().st_size for f in files) > OXIGRAPH_ABOVE:
        say(f"comparing the triples of {files[0]} and {files[1]} ...")
        removed, added, relabelled = _difference_of_files(*files)
        say(f"{len(removed):,} triples removed, {len(added):,} added "
            f"({time.perf_counter() - started:.1f} s); reading both for the names ...")
        graphs = [load_release(f, oxigraph=True) for f in files]
        if relabelled is not None:  # the report names blank nodes by their canonical labels, as the rdflib path
            for graph, triples in zip(graphs, relabelled):
                _relabel_blank_nodes(graph, triples)
        d = diff_graphs(*graphs, old_name=str(old), new_name=str(new), difference=(removed, added))
        say(f"compared in {time.perf_counter() - started:.1f} s")
        return d
    say(f"reading {files[0]} and {files[1]} ...")
    d = diff_graphs(load_release(old), load_release(new), old_name=str(old), new_name=str(new))
    say(f"compared in {time.perf_counter() - started:.1f} s")
    return d


def _relabel_blank_nodes(graph: Graph, triples: set) -> None:
    """Replace the triples with blank nodes of an Oxigraph-held graph by ``triples``, their canonical relabelling."""
    import pyoxigraph as ox

    from .store import held_graph

    store, name = held_graph(graph)
    pattern = "?s ?p ?o" if isinstance(name, ox.DefaultGraph) else f"GRAPH {name} {{ ?s ?p ?o }}"
    store.update(f"DELETE {{ {pattern} }} WHERE {{ {pattern} FILTER (isBlank(?s) || isBlank(?o)) }}")
    for t in triples:
        graph.add(t)


def _difference_of_files(old: Path, new: Path) -> tuple[list, list, tuple[set, set] | None]:
    """(removed, added, relabelled): rdflib triples between two files, compared as pyoxigraph parses them (lexical
    forms kept; named graphs merged). Where a triple with a blank node differs, the triples with blank nodes of each
    file are compared with canonical labels (:func:`oncograph.export.canonical_blank_triples`); the triples of the
    answer carry those labels, and ``relabelled`` holds each file's triples with blank nodes so labelled (else
    None)."""
    import pyoxigraph as ox

    from .store import FORMATS, converter, parse_error

    def parsed_lines(text: bytes, path: Path, raw: bytes) -> set:
        try:
            return {q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}
        except SyntaxError as exc:  # its line number is one of these lines, not the file's: find that line there
            lines = text.split(b"\n")
            bad = lines[exc.lineno - 1] if exc.lineno and exc.lineno <= len(lines) else b""
            raise parse_error(path, "N_TRIPLES", exc, where=_line_of(raw, bad),
                              line_text=bad.decode("utf-8", "replace")[:200]) from None

    if old.suffix.lower() == new.suffix.lower() == ".nt":
        # One triple a line: compare the lines (as text, 0.3 s at a million), then parse only those that differ;
        # a triple written two ways (spacing, escapes) is then in both and drops out.
        raw = [path.read_bytes() for path in (old, new)]
        lines = [set(text.split(b"\n")) for text in raw]
        gone = parsed_lines(b"\n".join(lines[0] - lines[1]), old, raw[0])
        came = parsed_lines(b"\n".join(lines[1] - lines[0]), new, raw[1])
        removed, added = gone - came, came - gone

        def with_blank_nodes(i: int) -> set:
            return parsed_lines(b"\n".join(line for line in lines[i] if b"_:" in line), (old, new)[i], raw[i])
    else:
        sets = []
        for path in (old, new):
            name = FORMATS[path.suffix.lower()][0]
            try:
                sets.append({q.triple for q in ox.parse(path=str(path), format=getattr(ox.RdfFormat, name))})
            except SyntaxError as exc:
                raise parse_error(path, name, exc) from None
        removed, added = sets[0] - sets[1], sets[1] - sets[0]

        def with_blank_nodes(i: int) -> set:
            return sets[i]
    term = converter()

    def blank(t) -> bool:
        return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)

    def rdflib_triple(t) -> tuple:
        return term(t.subject), term(t.predicate), term(t.object)

    out = [[rdflib_triple(t) for t in triples if not blank(t)] for triples in (removed, added)]
    if not (any(blank(t) for t in removed) or any(blank(t) for t in added)):
        return out[0], out[1], None
    # a label means nothing across files: compare every triple with a blank node, of each file, labelled
    # canonically; those are few in a release, and the triples without one cannot change a label
    canon = [canonical_blank_triples([rdflib_triple(t) for t in with_blank_nodes(i) if blank(t)]) for i in (0, 1)]
    return out[0] + list(canon[0] - canon[1]), out[1] + list(canon[1] - canon[0]), (canon[0], canon[1])


def _line_of(raw: bytes, line: bytes) -> str:
    """Where ``line`` is in the file ``raw``: "line N" (its first occurrence as a whole line), else "a line"."""
    if not line:
        return "a line"
    if raw.startswith(line + b"\n"):
        return "line 1"
    at = raw.find(b"\n" + line + b"\n")
    return "line %d" % (raw.count(b"\n", 0, at) + 2) if at >= 0 else "a line"


def patch_bytes(d: Diff, path: Path | str) -> bytes:
    """The patch file for ``path``: the JSON report for ``.json``, RDF Patch for anything else (``.rdfp``)."""
    if Path(path).suffix.lower() == ".json":
        return d.json_bytes()
    return d.rdf_patch().encode("utf-8")


__all__ = ["DERIVED_PREDICATES", "Diff", "NodeChange", "RELEASE_FILES", "ValueChange", "diff_graphs", "diff_releases",
           "load_release", "patch_bytes", "release_file"]
