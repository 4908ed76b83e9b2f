"""Search by name, acronym or other name, forgiving of accents, case, punctuation and small misspellings.

The index is built once from the graph: every named entity with all its names folded (``Société`` -> ``societe``),
and the concepts it is classified under, broader concepts included, so that filtering by "patient organisation"
finds patient advocacy groups too.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from itertools import accumulate

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS

from ..namespaces import BASE, DCT, ONCO, ORG, SCHEMA

#: Entity classes the search covers, most specific first, with the word shown for each.
ENTITY_CLASSES: tuple[tuple[URIRef, str], ...] = (
    (ONCO.Campaign, "campaign"),
    (ONCO.OrganisationGroup, "group of members"),
    (ORG.OrganizationalUnit, "organisational unit"),
    (ORG.Organization, "organisation"),
    (ONCO.InformationResource, "information resource"),
    (FOAF.Person, "person"),
    (ORG.Post, "post"),
    (SCHEMA.EventSeries, "event series"),
    (SCHEMA.Event, "event"),
    (ONCO.Strategy, "strategy"),
)

#: What ``best`` passes over when an organisation is wanted.
NOT_ORGANISATIONS = frozenset({"person", "post", "event", "event series", "strategy"})

#: The filters: URL parameter -> (property, concept scheme id).
FACETS = {"kind": (ONCO.kind, "kinds"), "disease": (ONCO.diseaseArea, "diseases"),
          "scope": (SCHEMA.areaServed, "scopes")}


def fold(text: str) -> str:
    """Lower-case, accents and punctuation removed, spaces collapsed: the form names are compared in.

    >>> fold("  Société Française d'Oncologie–Pédiatrique ")
    'societe francaise d oncologie pediatrique'
    """
    if not text.isascii():  # plain ASCII has no accents to take off: most names, at a tenth of the cost
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def key_of(iri: str) -> str:
    """The path of an entity's page: its IRI without the oncograph base (``org/esmo``)."""
    return iri[len(BASE):] if iri.startswith(BASE) else iri


@dataclass(frozen=True)
class Concept:
    iri: str
    id: str
    label: str
    scheme: str
    ancestors: frozenset[str]  # IRIs of broader concepts, transitively, itself included


@dataclass
class Entry:
    """One searchable entity."""

    iri: str
    key: str
    label: str
    what: str
    acronyms: list[str]
    alt_names: list[str]
    description: str
    concepts: dict[str, list[Concept]]  # facet -> concepts stated on the entity
    expanded: dict[str, frozenset[str]] = field(default_factory=dict)  # facet -> concept IRIs with their ancestors
    folded: list[tuple[str, str]] = field(default_factory=list)  # (folded name, name as written)


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    matched: str  # the name that matched, when it is not the preferred label


@dataclass(frozen=True)
class FacetOption:
    id: str
    label: str
    depth: int
    count: int


class SearchIndex:
    """The searchable entities of a graph and the filter options, built once."""

    def __init__(self, graph: Graph):
        self.concepts = _concepts(graph)
        self.by_id = {(c.scheme, c.id): c for c in self.concepts.values()}
        self.entries: dict[str, Entry] = {}
        # each property read in one pass, not once per entity: on a graph held in Oxigraph a lookup per entity and
        # property costs tens of microseconds, and 34,000 entities of a 1M-triple landscape took 4.4 s that way
        facts = {prop: _by_subject(graph, prop) for prop in (SKOS.prefLabel, RDFS.label, ONCO.acronym, SKOS.altLabel,
                                                              DCT.description, *(p for p, _ in FACETS.values()))}
        for s, what in _classified(graph).items():
            self.entries[s] = self._entry(facts, s, what)

    def _entry(self, facts: dict, s: str, what: str) -> Entry:
        def one(prop):  # the least by text if there are several, so that the choice does not depend on store order
            values = facts[prop].get(s)
            return min(values) if values else None

        label = one(SKOS.prefLabel) or one(RDFS.label) or key_of(s)
        acronyms = sorted(set(facts[ONCO.acronym].get(s, ())))
        alts = sorted(set(facts[SKOS.altLabel].get(s, ())) - {label} - set(acronyms))
        concepts = {facet: sorted((self.concepts[c] for c in facts[prop].get(s, ()) if c in self.concepts),
                                  key=lambda c: c.label)
                    for facet, (prop, _) in FACETS.items()}
        entry = Entry(iri=s, key=key_of(s), label=label, what=what, acronyms=acronyms, alt_names=alts,
                      description=one(DCT.description) or "", concepts=concepts)
        entry.expanded = {facet: frozenset().union(*(c.ancestors for c in cs)) if cs else frozenset()
                          for facet, cs in concepts.items()}
        entry.folded = [(f, n) for n in [label, *acronyms, *alts] if (f := fold(n))]
        return entry

    @cached_property
    def organisation_names(self) -> list[str]:
        """The names of the organisations (and other entities that are not people, posts, events or strategies),
        each once, ignoring case in the order: what the network and paths pages offer in their name fields."""
        return sorted({label for label, _ in self._organisation_folds}, key=str.casefold)

    @cached_property
    def _organisation_folds(self) -> list[tuple[str, tuple[str, ...]]]:
        """(preferred name, folded names) of each organisation-like entry: what the name fields offer and match."""
        return [(e.label, tuple(f for f, _ in e.folded)) for e in self.entries.values()
                if e.what not in NOT_ORGANISATIONS]

    def suggest_names(self, text: str, *, limit: int = 20) -> list[str]:
        """Up to ``limit`` organisation names for what a reader has typed, accents and case aside: first those whose
        name, acronym or other name is it, then those where one starts with it, then those with a word that does,
        then those containing it; in name order within each. The name given is always the preferred one, which
        :meth:`best` resolves.

        The first three kinds are looked up in sorted lists of names and of words; only when they give fewer than
        ``limit`` names are names containing it sought, with ``str.find`` in all names joined into one string. The
        answer is that of :meth:`_suggest_by_scan`, the plain test of every name, which the tests compare it with."""
        q = fold(text or "")
        if not q:
            return []
        names, name_labels, words, word_labels, word_names = self._name_lookup
        found: dict[str, int] = {}

        def note(label: str, rank: int) -> None:
            if rank < found.get(label, 4):
                found[label] = rank

        i = bisect_left(names, q)
        while i < len(names) and names[i].startswith(q):
            note(name_labels[i], 0 if names[i] == q else 1)
            i += 1
        first, _, rest = q.partition(" ")
        spaced = " " + q
        # a word (not the first) starts with q: with one word typed, a prefix of the word list; with several, the
        # typed first word is a whole word of the name, and the rest is checked in the name
        i = bisect_left(words, first if rest else q)
        while i < len(words) and (words[i] == first if rest else words[i].startswith(q)):
            if not rest or spaced in word_names[i]:
                note(word_labels[i], 2)
            i += 1
        if len(found) < limit:  # room for names merely containing q: every name holding it, found in one string
            text, starts = self._joined_names
            pos = text.find(q)
            while pos != -1:
                i = bisect_right(starts, pos) - 1
                folded = names[i]
                note(name_labels[i], 0 if folded == q else 1 if folded.startswith(q) else 2 if spaced in folded else 3)
                pos = text.find(q, starts[i + 1])  # on from the next name: one hit per name is enough
        return _best_ranked(found, limit)

    @cached_property
    def _name_lookup(self) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
        """Sorted folded names with their preferred names; and every word after a name's first, sorted, with the
        preferred name and the folded name it is part of (lists side by side: a few pointers per word)."""
        pairs = sorted({(folded, label) for label, folds in self._organisation_folds for folded in folds})
        in_words = sorted({(sys.intern(word), label, folded) for label, folds in self._organisation_folds
                           for folded in folds for word in folded.split(" ")[1:]})
        return ([f for f, _ in pairs], [label for _, label in pairs], [w for w, _, _ in in_words],
                [label for _, label, _ in in_words], [f for _, _, f in in_words])

    @cached_property
    def _joined_names(self) -> tuple[str, array]:
        """The sorted folded names of :attr:`_name_lookup` in one string, each followed by a newline (which no folded
        name holds, so no text found spans two), and where each starts, with the string's length last. ``str.find``
        runs through it at C speed, where a Python loop over every name took 180 ms at 10M triples."""
        names = self._name_lookup[0]
        return "\n".join(names) + "\n", array("q", accumulate((len(n) + 1 for n in names), initial=0))

    def _suggest_by_scan(self, q: str, *, limit: int) -> list[str]:
        """What :meth:`suggest_names` answers for the folded text ``q``, by testing every organisation's names."""
        spaced = " " + q
        found: dict[str, int] = {}
        for label, names in self._organisation_folds:
            rank = 4
            for folded in names:
                if folded == q:
                    rank = 0
                    break
                if folded.startswith(q):
                    rank = 1
                elif spaced in folded:
                    rank = min(rank, 2)
                elif q in folded:
                    rank = min(rank, 3)
            if rank < 4 and rank < found.get(label, 4):
                found[label] = rank
        return _best_ranked(found, limit)

    def options(self, facet: str) -> list[FacetOption]:
        """The concepts of a facet's scheme that some entity falls under, as a tree in label order, with counts."""
        scheme = FACETS[facet][1]
        counts: dict[str, int] = {}
        for e in self.entries.values():
            for iri in e.expanded[facet]:
                counts[iri] = counts.get(iri, 0) + 1
        used = [c for c in self.concepts.values() if c.scheme == scheme and counts.get(c.iri)]
        children: dict[str | None, list[Concept]] = {}
        for c in used:
            parents = [p for p in c.ancestors if p != c.iri and p in counts]
            direct = max(parents, key=lambda p: len(self.concepts[p].ancestors), default=None)
            children.setdefault(direct, []).append(c)
        out: list[FacetOption] = []

        def visit(parent, depth):
            for c in sorted(children.get(parent, []), key=lambda c: c.label.casefold()):
                out.append(FacetOption(c.id, c.label, depth, counts[c.iri]))
                visit(c.iri, depth + 1)

        visit(None, 0)
        return out

    def concept(self, facet: str, concept_id: str) -> Concept | None:
        return self.by_id.get((FACETS[facet][1], concept_id))

    def matches(self, entry: Entry, filters: dict[str, str]) -> bool:
        """Whether ``entry`` falls under every filter given (facet -> concept id; narrower concepts count)."""
        for facet, concept_id in filters.items():
            if not concept_id:
                continue
            concept = self.concept(facet, concept_id)
            if concept is None or concept.iri not in entry.expanded[facet]:
                return False
        return True

    def search(self, text: str, filters: dict[str, str] | None = None, *, limit: int = 50) -> list[Hit]:
        """Entities whose names match ``text`` best first; all entities in label order when ``text`` is empty."""
        filters = {k: v for k, v in (filters or {}).items() if v}
        q = fold(text or "")
        hits = []
        for entry in self.entries.values():
            if not self.matches(entry, filters):
                continue
            if not q:
                hits.append(Hit(entry, 0.0, ""))
                continue
            best, matched = 0.0, ""
            for folded, written in entry.folded:
                s = _score(q, folded)
                if s > best:
                    best, matched = s, written
            if best > 0:
                hits.append(Hit(entry, best, "" if matched == entry.label else matched))
        hits.sort(key=lambda h: (-h.score, h.entry.label.casefold(), h.entry.iri))
        return hits[:limit]

    def best(self, text: str, *, org_like: bool = True) -> Entry | None:
        """The one entity ``text`` most likely means (an IRI, a page path, or a name), or None."""
        text = (text or "").strip()
        for candidate in (text, BASE + text):
            if candidate in self.entries:
                return self.entries[candidate]
        hits = self.search(text, limit=10)
        if org_like:
            hits = [h for h in hits if h.entry.what not in NOT_ORGANISATIONS] or hits
        return hits[0].entry if hits else None


def _score(q: str, name: str) -> float:
    """How well the folded query matches one folded name: 100 exact, down to 50 for a near miss; 0 for none."""
    if name == q:
        return 100.0
    if name.startswith(q):
        return 90.0
    if f" {q} " in f" {name} ":
        return 85.0
    if len(q) >= 3 and q in name:
        return 75.0
    q_tokens, n_tokens = q.split(), name.split()
    sims = [max((_token_similarity(t, n) for n in n_tokens), default=0.0) for t in q_tokens]
    if sims and min(sims) >= 0.8:
        return 60.0 + 10.0 * sum(sims) / len(sims)
    if len(q) >= 4:
        ratio = _ratio(q, name, 0.8)
        if ratio:
            return 50.0 + 10.0 * ratio
    return 0.0


@lru_cache(maxsize=65536)
def _token_similarity(t: str, n: str) -> float:
    if t == n:
        return 1.0
    if len(t) >= 3 and n.startswith(t):
        return 0.95
    if len(t) >= 4:
        return _ratio(t, n, 0.8)
    return 0.0


def _ratio(a: str, b: str, cutoff: float) -> float:
    """difflib's similarity ratio of ``a`` and ``b`` if it reaches ``cutoff``, else 0 (cheap bounds first)."""
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < cutoff:
        return 0.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < cutoff or m.quick_ratio() < cutoff:
        return 0.0
    r = m.ratio()
    return r if r >= cutoff else 0.0


def _texts(graph: Graph, prop: URIRef, obj: URIRef | None = None):
    """(subject, object) of each ``prop`` triple (with object ``obj`` if given) as text, for IRI subjects only.

    A graph held in Oxigraph is read from its store: making rdflib terms of every subject and object was most of
    the index's time at a million triples.
    """
    from ..store import held_graph

    behind = held_graph(graph)
    if behind is not None:
        import pyoxigraph as ox

        store, source = behind
        for q in store.quads_for_pattern(None, ox.NamedNode(str(prop)), None if obj is None else ox.NamedNode(str(obj)),
                                         source):
            if isinstance(q.subject, ox.NamedNode):
                yield q.subject.value, q.object.value
        return
    for s, o in graph.subject_objects(prop) if obj is None else ((s, obj) for s in graph.subjects(prop, obj)):
        if isinstance(s, URIRef):
            yield str(s), str(o)


def _by_subject(graph: Graph, prop: URIRef) -> dict[str, list[str]]:
    """Subject IRI -> the text of the objects of ``prop`` it has."""
    out: dict[str, list[str]] = {}
    for s, o in _texts(graph, prop):
        out.setdefault(s, []).append(o)
    return out


def _classified(graph: Graph) -> dict[str, str]:
    out: dict[str, str] = {}
    for cls, what in reversed(ENTITY_CLASSES):  # most specific last, so it wins
        for s, _ in _texts(graph, RDF.type, cls):
            out[s] = what
    return out


def _concepts(graph: Graph) -> dict[str, Concept]:
    """Every SKOS concept of the facet schemes, with its broader concepts (transitively)."""
    schemes = {scheme for _, scheme in FACETS.values()}
    broader: dict[str, set[str]] = {}
    info: dict[str, tuple[str, str, str]] = {}
    for c in graph.subjects(RDF.type, SKOS.Concept):
        scheme_iri = graph.value(c, SKOS.inScheme)
        scheme = str(scheme_iri).rstrip("/").rsplit("/", 1)[-1] if scheme_iri else ""
        if scheme not in schemes:
            continue
        cid = str(c).rstrip("/").rsplit("/", 1)[-1]
        info[str(c)] = (cid, str(graph.value(c, SKOS.prefLabel) or cid), scheme)
        broader[str(c)] = {str(b) for b in graph.objects(c, SKOS.broader)}
    out = {}
    for iri, (cid, label, scheme) in info.items():
        seen, todo = {iri}, [iri]
        while todo:
            for b in broader.get(todo.pop(), ()):
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        out[iri] = Concept(iri, cid, label, scheme, frozenset(seen))
    return out


def _best_ranked(found: dict[str, int], limit: int) -> list[str]:
    """The ``limit`` names of best rank, in name order within a rank (what both ways of suggesting return)."""
    return sorted(found, key=lambda name: (found[name], name.casefold(), name))[:limit]
