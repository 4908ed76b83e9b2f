"""Build: compile the curated YAML in ``data/`` into an RDF dataset.

The dataset has one named graph per source document, holding the relationship nodes that document supports (and the
direct edges materialised from them), plus graphs for the entity descriptions, the concept schemes and the source
documents themselves. ``union_graph`` flattens it into one plain ``rdflib.Graph``.

Every problem found is collected with its file and line, and raised together as one DataError.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from . import paths
from .dates import first_day, last_day, parse_date
from .errors import DataError, Location
from .model import ENTITY_CLASSES, EVENT_ROLE_EDGES, EXTERNAL_SUPERCLASSES, REL_TYPES, RelType
from .namespaces import DCT, ID, ONCO, ORG, SCHEMA, bind_prefixes, concept_iri, scheme_iri
from .yamlread import Record, read_yaml

DATA_FILES = (
    "vocabularies.yaml",
    "sources.yaml",
    "organisations.yaml",
    "people.yaml",
    "activities.yaml",
    "relationships.yaml",
    "listings.yaml",
)

GRAPH_SOURCES = ID["graph"]["sources"]
GRAPH_VOCABULARY = ID["graph"]["vocabulary"]
GRAPH_ENTITIES = ID["graph"]["entities"]

ENTITY_FIELDS = {
    "organisations.yaml": {"id", "class", "name", "acronym", "alt_names", "kinds", "diseases", "disciplines",
                           "scopes", "member_count", "description", "sources"},
    "people": {"id", "name", "description", "sources"},
    "posts": {"id", "name", "in", "sources"},
    "activities.yaml": {"id", "class", "name", "alt_names", "part_of", "marks", "of", "start", "end",
                        "description", "sources"},
}
ORG_CLASSES = ("organisation", "collaboration", "unit", "collective", "campaign", "resource")


@dataclass
class BuildResult:
    """The built dataset and where each entity, relationship and concept was written in ``data/``."""

    dataset: Dataset
    origins: dict[URIRef, Location] = field(default_factory=dict)

    def graph(self) -> Graph:
        """All triples of all named graphs as one plain Graph."""
        return union_graph(self.dataset)


def build(data_dir: Path | str | None = None) -> BuildResult:
    """Compile ``data_dir`` (default: the project's ``data/``) into a dataset. Raises DataError listing every problem."""
    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    if not data_dir.is_dir():
        raise DataError([(Location(str(data_dir)), "no such data folder; pass the folder holding the YAML files")])
    docs = {}
    problems: list[tuple[Location, str]] = []
    for name in DATA_FILES:
        path = data_dir / name
        if not path.exists():
            problems.append((Location(_display(path)), "missing data file; every build needs " + ", ".join(DATA_FILES)))
            continue
        try:
            docs[name] = read_yaml(path, display=_display(path))
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return _Builder(docs, paths.load_ontology()).run()


def union_graph(dataset: Dataset) -> Graph:
    """Flatten a dataset into one Graph with oncograph's prefixes bound."""
    graph = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _Builder:
    """One build: resolves ids across files, emits triples, collects problems."""

    def __init__(self, docs: dict, ontology: Graph):
        self.docs = docs
        self.ontology = ontology
        self.problems: list[tuple[Location, str]] = []
        self.ds = Dataset()
        bind_prefixes(self.ds)
        self.origins: dict[URIRef, Location] = {}
        self.entities: dict[str, tuple[str, URIRef]] = {}  # slug -> (class key, IRI)
        self.concepts: dict[str, dict[str, URIRef]] = {}
        self.sources: dict[str, URIRef] = {}
        self.sections: dict[tuple[str, str], URIRef] = {}
        self.rel_ids: dict[str, tuple[str, URIRef]] = {}  # explicit relationship id -> (type, IRI)
        self.keys: dict[URIRef, str] = {}  # entity IRI -> class key
        self._supers: dict[URIRef, set[URIRef]] = {}

    # -- driver ----------------------------------------------------------------------------------------------
    def run(self) -> BuildResult:
        self.vocabularies(self.docs["vocabularies.yaml"])
        entity_recs = self.register_entities()
        self.source_documents(self.docs["sources.yaml"])
        rel_recs = self.register_relationships(self.docs["relationships.yaml"])
        for rec, class_key in entity_recs:
            self.entity(rec, class_key)
        for rec in rel_recs:
            self.relationship(rec, REL_TYPES[rec["type"]])
        self.listings(self.docs["listings.yaml"])
        if self.problems:
            raise DataError(self.problems)
        return BuildResult(self.ds, self.origins)

    def problem(self, loc: Location, msg: str) -> None:
        self.problems.append((loc, msg))

    def graph(self, iri: URIRef) -> Graph:
        return self.ds.graph(iri)

    # -- helpers ---------------------------------------------------------------------------------------------
    def types(self, graph: Graph, node: URIRef, cls: URIRef) -> None:
        """Assert cls and all its superclasses, so queries need no reasoner."""
        for c in self.superclasses(cls):
            graph.add((node, RDF.type, c))

    def superclasses(self, cls: URIRef) -> set[URIRef]:
        if cls not in self._supers:
            seen, todo = {cls}, [cls]
            while todo:
                c = todo.pop()
                nxt = list(self.ontology.objects(c, RDFS.subClassOf)) + list(EXTERNAL_SUPERCLASSES.get(c, ()))
                for s in nxt:
                    if isinstance(s, URIRef) and s not in seen:
                        seen.add(s)
                        todo.append(s)
            self._supers[cls] = seen
        return self._supers[cls]

    def as_list(self, rec: Record, key: str) -> list:
        value = rec.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        return [value]

    def text(self, rec: Record, key: str, *, required: bool = False) -> str | None:
        value = rec.get(key)
        if value is None or value == "":
            if required:
                self.problem(rec.location, f"missing required field {key!r}")
            return None
        if not isinstance(value, str):
            self.problem(rec.at(key), f"{key!r} must be a single text value")
            return None
        return value.strip()

    def check_fields(self, rec: Record, allowed: set[str] | frozenset[str], what: str) -> None:
        for key in rec:
            if key not in allowed:
                self.problem(rec.at(key), f"unknown field {key!r} in {what}; allowed: {', '.join(sorted(allowed))}")

    def concept(self, scheme: str, cid, loc: Location) -> URIRef | None:
        known = self.concepts.get(scheme, {})
        if isinstance(cid, str) and cid in known:
            return known[cid]
        self.problem(loc, f"unknown {scheme} concept {cid!r}; known: {', '.join(sorted(known))}"
                     f" (add it to data/vocabularies.yaml under {scheme!r})")
        return None

    def ref(self, slug, accepts, loc: Location, what: str) -> URIRef | None:
        """Resolve an entity slug (or 'relationship:TYPE' id) and check its class is acceptable."""
        if not isinstance(slug, str):
            self.problem(loc, f"{what} must be an id, not {slug!r}")
            return None
        if slug in self.entities:
            key, iri = self.entities[slug]
            if key in accepts:
                return iri
            self.problem(loc, f"{what} {slug!r} is a {key}; expected {' or '.join(sorted(accepts))}")
            return None
        if slug in self.rel_ids and f"relationship:{self.rel_ids[slug][0]}" in accepts:
            return self.rel_ids[slug][1]
        if slug in self.sources and "source" in accepts:
            return self.sources[slug]
        self.problem(loc, f"{what} {slug!r} is not defined; define it in data/ or fix the id"
                     + _suggest(slug, list(self.entities) + list(self.sources)))
        return None

    def source_refs(self, rec: Record) -> list[URIRef]:
        ids = self.as_list(rec, "sources")
        if not ids:
            self.problem(rec.location, "no sources: every entry must name the source document(s) it comes from")
        out = []
        for sid in ids:
            if sid in self.sources:
                out.append(self.sources[sid])
            else:
                self.problem(rec.at("sources"), f"unknown source {sid!r}; known: {', '.join(sorted(self.sources))}")
        return out

    def dates(self, graph: Graph, node: URIRef, rec: Record) -> None:
        """schema:startDate/endDate with their status and derivation, plus xsd:date bounds for comparison."""
        for key, prop, status, derivation, bound, bound_fn in (
            ("start", SCHEMA.startDate, ONCO.startDateStatus, ONCO.startDateDerivation, ONCO.periodStart, first_day),
            ("end", SCHEMA.endDate, ONCO.endDateStatus, ONCO.endDateDerivation, ONCO.periodEnd, last_day),
        ):
            raw = rec.get(key)
            if raw is None:
                continue
            how = None
            if isinstance(raw, Record):
                self.check_fields(raw, {"value", "derived"}, f"a derived {key} date")
                how, raw = raw.get("derived"), raw.get("value")
                if not how:
                    self.problem(rec.at(key), f"{key}: a date given as a mapping needs 'derived: how it was worked out'")
            try:
                lit = parse_date(raw)
            except (ValueError, TypeError) as exc:
                self.problem(rec.at(key), f"{key}: {exc}")
                continue
            graph.add((node, prop, lit))
            graph.add((node, status, ONCO.Derived if how else ONCO.Stated))
            if how:
                graph.add((node, derivation, Literal(how.strip(), lang="en")))
            graph.add((node, bound, Literal(bound_fn(lit), datatype=XSD.date)))

    # -- vocabularies and sources ----------------------------------------------------------------------------
    def vocabularies(self, doc) -> None:
        if not isinstance(doc, Record):
            self.problem(Location("data/vocabularies.yaml"), "expected a mapping of scheme ids to schemes")
            return
        g = self.graph(GRAPH_VOCABULARY)
        for scheme, body in doc.items():
            if not isinstance(body, Record):
                self.problem(doc.at(scheme), f"scheme {scheme!r} must be a mapping with label and concepts")
                continue
            self.check_fields(body, {"label", "definition", "concepts"}, f"scheme {scheme!r}")
            s_iri = URIRef(scheme_iri(scheme))
            self.origins[s_iri] = body.location
            g.add((s_iri, RDF.type, SKOS.ConceptScheme))
            g.add((s_iri, SKOS.prefLabel, Literal(self.text(body, "label", required=True) or scheme, lang="en")))
            if body.get("definition"):
                g.add((s_iri, SKOS.definition, Literal(self.text(body, "definition"), lang="en")))
            concepts = self.concepts.setdefault(scheme, {})
            recs = [c for c in self.as_list(body, "concepts") if isinstance(c, Record)]
            for c in recs:
                self.check_fields(c, {"id", "label", "definition", "broader"}, "a concept")
                cid = self.text(c, "id", required=True)
                if cid in concepts:
                    self.problem(c.location, f"concept {cid!r} defined twice in scheme {scheme!r}")
                elif cid:
                    concepts[cid] = URIRef(concept_iri(scheme, cid))
            for c in recs:
                cid = c.get("id")
                if cid not in concepts:
                    continue
                iri = concepts[cid]
                self.origins[iri] = c.location
                g.add((iri, RDF.type, SKOS.Concept))
                g.add((iri, SKOS.inScheme, s_iri))
                g.add((iri, SKOS.prefLabel, Literal(self.text(c, "label", required=True) or cid, lang="en")))
                g.add((iri, RDFS.label, Literal(c.get("label") or cid, lang="en")))
                if c.get("definition"):
                    g.add((iri, SKOS.definition, Literal(self.text(c, "definition"), lang="en")))
                broader = c.get("broader")
                if broader:
                    b = self.concept(scheme, broader, c.at("broader"))
                    if b is not None:
                        g.add((iri, SKOS.broader, b))
                        g.add((b, SKOS.narrower, iri))
                else:
                    g.add((iri, SKOS.topConceptOf, s_iri))
                    g.add((s_iri, SKOS.hasTopConcept, iri))

    def source_documents(self, doc) -> None:
        g = self.graph(GRAPH_SOURCES)
        recs = [r for r in (doc or []) if isinstance(r, Record)]
        for rec in recs:
            sid = self.text(rec, "id", required=True)
            if sid:
                if sid in self.sources or sid in self.entities:
                    self.problem(rec.at("id"), f"id {sid!r} is already used")
                self.sources[sid] = ID["source"][sid]
        for rec in recs:
            self.check_fields(rec, {"id", "title", "publisher", "url", "file", "date", "note", "sections"}, "a source")
            sid = rec.get("id")
            if sid not in self.sources:
                continue
            iri = self.sources[sid]
            self.origins[iri] = rec.location
            self.types(g, iri, ONCO.SourceDocument)
            title = self.text(rec, "title", required=True) or sid
            g.add((iri, DCT.title, Literal(title, lang="en")))
            g.add((iri, RDFS.label, Literal(title, lang="en")))
            g.add((iri, SKOS.prefLabel, Literal(title, lang="en")))
            if rec.get("publisher"):
                pub = self.ref(rec["publisher"], frozenset(ORG_CLASSES), rec.at("publisher"), "publisher")
                if pub is not None:
                    g.add((iri, DCT.publisher, pub))
            if rec.get("url"):
                g.add((iri, SCHEMA.url, URIRef(self.text(rec, "url"))))
            if rec.get("file"):
                g.add((iri, DCT.identifier, Literal(self.text(rec, "file"))))
            if rec.get("note"):
                g.add((iri, SKOS.note, Literal(self.text(rec, "note"), lang="en")))
            if rec.get("date"):
                try:
                    lit = parse_date(rec["date"])
                    g.add((iri, DCT.date, lit))
                except ValueError as exc:
                    self.problem(rec.at("date"), f"date: {exc}")
            for sec in self.as_list(rec, "sections"):
                if not isinstance(sec, Record) or not sec.get("id"):
                    self.problem(rec.at("sections"), "each section needs an id and a label")
                    continue
                s_iri = URIRef(f"{iri}/{sec['id']}")
                self.sections[(sid, sec["id"])] = s_iri
                self.origins[s_iri] = sec.location
                self.types(g, s_iri, ONCO.ListSection)
                label = self.text(sec, "label", required=True) or sec["id"]
                g.add((s_iri, RDFS.label, Literal(label, lang="en")))
                g.add((s_iri, SKOS.prefLabel, Literal(label, lang="en")))
                g.add((s_iri, DCT.isPartOf, iri))

    # -- entities --------------------------------------------------------------------------------------------
    def register_entities(self) -> list[tuple[Record, str]]:
        """First pass: give every entity its IRI so that later entries can refer to earlier and later ones."""
        out = []
        groups = [("organisations.yaml", self.docs["organisations.yaml"], "organisation")]
        people = self.docs["people.yaml"] or {}
        if not isinstance(people, Record):
            self.problem(Location("data/people.yaml"), "expected a mapping with 'people' and 'posts'")
            people = Record()
            people.location, people.key_locations = Location("data/people.yaml"), {}
        self.check_fields(people, {"people", "posts"}, "people.yaml")
        groups += [("people", people.get("people"), "person"), ("posts", people.get("posts"), "post")]
        groups.append(("activities.yaml", self.docs["activities.yaml"], "event"))
        for group, recs, default in groups:
            for rec in recs or []:
                if not isinstance(rec, Record):
                    continue
                self.check_fields(rec, ENTITY_FIELDS[group], f"an entry of {group}")
                slug = self.text(rec, "id", required=True)
                key = rec.get("class", default)
                if key not in ENTITY_CLASSES or (group == "organisations.yaml" and key not in ORG_CLASSES):
                    allowed = ORG_CLASSES if group == "organisations.yaml" else ("event", "event-series", "strategy")
                    self.problem(rec.at("class"), f"unknown class {key!r}; use one of {', '.join(allowed)}")
                    continue
                if not slug:
                    continue
                if slug in self.entities or slug in self.sources:
                    self.problem(rec.at("id"), f"id {slug!r} is already used by another entry; ids must be unique")
                    continue
                if slug != slug.lower() or " " in slug:
                    self.problem(rec.at("id"), f"id {slug!r} must be lower-case with hyphens, no spaces")
                iri = ID[ENTITY_CLASSES[key].collection][slug]
                self.entities[slug] = (key, iri)
                self.keys[iri] = key
                self.origins[iri] = rec.location
                out.append((rec, key))
        return out

    def entity(self, rec: Record, key: str) -> None:
        g = self.graph(GRAPH_ENTITIES)
        iri = self.entities[rec["id"]][1]
        self.types(g, iri, ENTITY_CLASSES[key].rdf_class)
        name = self.text(rec, "name", required=True)
        if name:
            g.add((iri, SKOS.prefLabel, Literal(name)))
            g.add((iri, RDFS.label, Literal(name)))
        for acr in self.as_list(rec, "acronym"):
            g.add((iri, ONCO.acronym, Literal(acr)))
            g.add((iri, SKOS.altLabel, Literal(acr)))
        for alt in self.as_list(rec, "alt_names"):
            g.add((iri, SKOS.altLabel, Literal(alt)))
        for field_, prop, scheme in (("kinds", ONCO.kind, "kinds"), ("diseases", ONCO.diseaseArea, "diseases"),
                                     ("disciplines", ONCO.discipline, "disciplines"), ("scopes", SCHEMA.areaServed, "scopes")):
            for cid in self.as_list(rec, field_):
                c = self.concept(scheme, cid, rec.at(field_))
                if c is not None:
                    g.add((iri, prop, c))
        if key in ORG_CLASSES and not rec.get("kinds"):
            self.problem(rec.location, f"{rec['id']!r} has no kinds; give at least one (see data/vocabularies.yaml)")
        if rec.get("member_count") is not None:
            value = rec["member_count"]
            if isinstance(value, str) and value.isdigit():
                g.add((iri, ONCO.memberCount, Literal(int(value), datatype=XSD.nonNegativeInteger)))
            else:
                self.problem(rec.at("member_count"), f"member_count must be a whole number, not {value!r}")
        if rec.get("description"):
            g.add((iri, DCT.description, Literal(" ".join(self.text(rec, "description").split()), lang="en")))
        for src in self.source_refs(rec):
            g.add((iri, PROV.wasDerivedFrom, src))
        if key == "post" and rec.get("in"):
            target = self.ref(rec["in"], frozenset(ORG_CLASSES) - {"resource"}, rec.at("in"), "post in")
            if target is not None:
                g.add((iri, ORG.postIn, target))
        elif key == "post":
            self.problem(rec.location, "a post needs 'in: <organisation id>'")
        if key in ("event", "event-series", "strategy"):
            self.activity(g, iri, rec)

    def activity(self, g: Graph, iri: URIRef, rec: Record) -> None:
        if rec.get("part_of"):
            parent = self.ref(rec["part_of"], frozenset({"event", "event-series"}), rec.at("part_of"), "part_of")
            if parent is not None:
                g.add((iri, SCHEMA.superEvent, parent))
                g.add((parent, SCHEMA.subEvent, iri))
        if rec.get("marks"):
            slug = rec["marks"]
            if slug in self.rel_ids:
                g.add((iri, ONCO.marks, self.rel_ids[slug][1]))
            else:
                self.problem(rec.at("marks"), f"marks {slug!r}: no relationship has that id in relationships.yaml")
        if rec.get("of"):
            owner = self.ref(rec["of"], frozenset(ORG_CLASSES), rec.at("of"), "of")
            if owner is not None:
                g.add((iri, DCT.creator, owner))
        self.dates(g, iri, rec)

    # -- relationships ---------------------------------------------------------------------------------------
    def register_relationships(self, doc) -> list[Record]:
        out = []
        for rec in doc or []:
            if not isinstance(rec, Record):
                continue
            rtype = rec.get("type")
            if rtype not in REL_TYPES or rtype in ("listing", "campaign-participation"):
                known = sorted(t for t in REL_TYPES if t not in ("listing", "campaign-participation"))
                self.problem(rec.at("type"), f"unknown relationship type {rtype!r}; known: {', '.join(known)}"
                             " (listings and campaign participations go in listings.yaml)")
                continue
            if rec.get("id"):
                rid = rec["id"]
                if rid in self.rel_ids or rid in self.entities:
                    self.problem(rec.at("id"), f"id {rid!r} is already used")
                    continue
                self.rel_ids[rid] = (rtype, ID["rel"][rid])
            out.append(rec)
        return out

    def relationship(self, rec: Record, rtype: RelType, *, slug_parts: list[str] | None = None) -> URIRef | None:
        self.check_fields(rec, rtype.fields, f"a {rtype.name} relationship")
        values: dict[str, list[URIRef]] = {}
        parts: list[str] = []
        for party in rtype.parties:
            slugs = self.as_list(rec, party.field)
            if not party.many and len(slugs) > 1:
                self.problem(rec.at(party.field), f"{party.field} takes one id, got {len(slugs)}")
            if len(slugs) < party.min_count:
                need = f"at least {party.min_count}" if party.many else "one"
                self.problem(rec.at(party.field), f"a {rtype.name} needs {need} {party.field!r}")
            resolved = [self.ref(s, party.accepts, rec.at(party.field), party.field) for s in slugs]
            values[party.field] = [r for r in resolved if r is not None]
            parts.append("+".join(sorted(str(s) for s in slugs)))
        concept_values: dict[str, list[URIRef]] = {}
        for cf in rtype.concepts:
            ids = self.as_list(rec, cf.field)
            if cf.required and not ids:
                self.problem(rec.location, f"a {rtype.name} needs {cf.field!r} (a {cf.scheme} concept)")
            concept_values[cf.field] = [c for c in (self.concept(cf.scheme, i, rec.at(cf.field)) for i in ids) if c]
            if ids and not cf.many:
                parts.append(str(ids[0]))
        if rec.get("id"):
            iri = ID["rel"][rec["id"]]
        else:
            iri = ID["rel"][f"{rtype.name}/" + "--".join(p for p in (slug_parts or parts) if p)]
        if iri in self.origins:
            self.problem(rec.location, f"the same {rtype.name} is entered twice (first at {self.origins[iri]});"
                         " merge them, or give one an explicit id")
            return None
        self.origins[iri] = rec.location
        sources = self.source_refs(rec)
        for src in sources:
            g = self.graph(src)  # one named graph per source document
            self.types(g, iri, rtype.rdf_class)
            g.add((iri, RDF.type, ONCO.Relationship))
            g.add((iri, PROV.wasDerivedFrom, src))
            for party in rtype.parties:
                entity_party = not any(a.startswith("relationship:") for a in party.accepts)
                for v in values[party.field]:
                    g.add((iri, party.prop, v))
                    if entity_party:
                        g.add((iri, ONCO.involves, v))
            for cf in rtype.concepts:
                for c in concept_values[cf.field]:
                    g.add((iri, cf.prop, c))
            if rec.get("note"):
                g.add((iri, SKOS.note, Literal(" ".join(self.text(rec, "note").split()), lang="en")))
            if rec.get("name"):
                g.add((iri, SCHEMA.name, Literal(self.text(rec, "name"))))
                g.add((iri, RDFS.label, Literal(self.text(rec, "name"))))
            if rec.get("announced"):
                try:
                    g.add((iri, ONCO.announcedOn, parse_date(rec["announced"])))
                except ValueError as exc:
                    self.problem(rec.at("announced"), f"announced: {exc}")
            self.dates(g, iri, rec)
            self.edges(g, iri, rtype, values, concept_values, rec)
        return iri

    def edges(self, g: Graph, iri: URIRef, rtype: RelType, values, concept_values, rec: Record) -> None:
        """Materialise the direct edges of one relationship node (never an edge from a node to itself)."""
        for e in rtype.edges:
            objects = [iri] if e.object == "@" else values.get(e.object, [])
            for s, o in itertools.product(values.get(e.subject, []), objects):
                if s != o:
                    g.add((s, e.predicate, o))
        if rtype.name == "event-role" and rec.get("role") in EVENT_ROLE_EDGES:
            for s, o in itertools.product(values["agent"], values["event"]):
                g.add((s, EVENT_ROLE_EDGES[rec["role"]], o))
        if rtype.name == "establishment" and rec.get("start"):
            start = rec["start"].get("value") if isinstance(rec["start"], Record) else rec["start"]
            try:
                founded = parse_date(start)
            except (ValueError, TypeError):
                founded = None  # reported by dates()
            for org in values["organisation"] if founded is not None else []:
                g.add((org, SCHEMA.foundingDate, founded))
        if rtype.name == "sub-organisation":
            for child in values["child"]:
                if ORG.OrganizationalUnit in self.superclasses(ENTITY_CLASSES[self.keys[child]].rdf_class):
                    for parent in values["parent"]:
                        g.add((child, ORG.unitOf, parent))
                        g.add((parent, ORG.hasUnit, child))

    def listings(self, doc) -> None:
        for block in doc or []:
            if not isinstance(block, Record):
                continue
            self.check_fields(block, {"page", "section", "campaign", "campaign_role", "items"}, "a listing block")
            page, section = block.get("page"), block.get("section")
            if page not in self.sources:
                self.problem(block.at("page"), f"page {page!r} is not a source in sources.yaml")
                continue
            sec_iri = self.sections.get((page, section))
            if section and sec_iri is None:
                known = sorted(s for p, s in self.sections if p == page)
                self.problem(block.at("section"), f"page {page!r} has no section {section!r}; known: {', '.join(known)}")
                continue
            for item in self.as_list(block, "items"):
                entry = Record(item) if isinstance(item, Record) else Record(id=item)
                entry.location = item.location if isinstance(item, Record) else block.at("items")
                entry.key_locations = getattr(item, "key_locations", {})
                slug = entry.get("id")
                rec = _record(entry, type="listing", page=page, item=slug, sources=[page], note=entry.get("note"))
                iri = self.relationship(rec, REL_TYPES["listing"], slug_parts=[page, section or "", str(slug)])
                if iri is not None and sec_iri is not None:
                    self.graph(self.sources[page]).add((iri, ONCO.inSection, sec_iri))
                if block.get("campaign"):
                    crec = _record(entry, type="campaign-participation", campaign=block["campaign"], participant=slug,
                                   role=block.get("campaign_role"), sources=[page])
                    self.relationship(crec, REL_TYPES["campaign-participation"])


def _record(template: Record, **fields) -> Record:
    rec = Record({k: v for k, v in fields.items() if v is not None})
    rec.location = template.location
    rec.key_locations = {}
    return rec


def _suggest(word: str, candidates: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, candidates, n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""
