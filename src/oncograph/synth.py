"""Synth: a synthetic oncology landscape of any size, in exactly the model ``build`` writes, for benchmarks and tests.

The landscape has the curated data's classes (with every superclass materialised), relationship nodes with their
parties, ``onco:involves`` and the direct edges beside them, dated periods with status and ``xsd:date`` bounds,
source documents with sections, and the concept schemes of ``data/vocabularies.yaml`` (plus synthetic countries in
the scopes scheme). It is deterministic for a seed: the same arguments give a byte-identical file.

With no violations asked for, it conforms to ``ontology/shapes.ttl``. ``violations={"Period-order": 3}`` adds three
extra nodes that each break that rule exactly once and no other rule, so a validator must report exactly three
results whose source shape is ``shape:Period-order`` (see ``RULES``).

Triples are produced as N-Triples terms and written as they are made, so ten million triples need little memory.
"""

from __future__ import annotations

import calendar
import contextlib
import enum
import io
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping

from .errors import InputError
from .files import atomic_file, check_writable
from .namespaces import BASE, PREFIXES

# -- terms -------------------------------------------------------------------------------------------------------
_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "dct": "http://purl.org/dc/terms/",
    "onco": "https://w3id.org/oncograph/ontology#",
}


def _t(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return f"<{_NS[prefix]}{local}>"


TYPE, LABEL, PREF, ALT, NOTE, DEF = (_t(c) for c in ("rdf:type", "rdfs:label", "skos:prefLabel", "skos:altLabel",
                                                      "skos:note", "skos:definition"))
SOURCE, INVOLVES, REL = _t("prov:wasDerivedFrom"), _t("onco:involves"), _t("onco:Relationship")
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_DATE_TYPES = {1: "http://www.w3.org/2001/XMLSchema#gYear", 2: "http://www.w3.org/2001/XMLSchema#gYearMonth",
               3: XSD_DATE}


def _iri(collection: str, slug: str) -> str:
    return f"<{BASE}{collection}/{slug}>"


def _lit(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{esc}"@{lang}'
    if datatype:
        return f'"{esc}"^^<{datatype}>'
    return f'"{esc}"'


def _concept(scheme: str, cid: str) -> str:
    return f"<{BASE}{scheme}/{cid}>"


Triple = tuple[str, str, str]

# -- the rules a caller can break on purpose -------------------------------------------------------------------
#: Every rule of ontology/shapes.ttl (the local name of each shape that can be a result's sh:sourceShape), in the
#: order of that file. ``tests/test_fastshacl.py`` checks this list against the shapes.
RULES: tuple[str, ...] = (
    "Organisation-prefLabel", "Organisation-kind", "Organisation-source", "Organisation-disease", "Organisation-scope",
    "Person-prefLabel", "Person-source", "Post-postIn",
    "SourceDocument-title", "SourceDocument-publisher", "SourceDocument-url", "SourceDocument-date",
    "Relationship-source", "StartDate-datatype", "StartDate-status", "EndDate-datatype", "EndDate-status",
    "DerivedStart", "DerivedEnd", "Period-startType", "Period-endType", "Period-order", "Announced-datatype",
    "Listing-listedIn", "Listing-item", "Listing-section",
    "CampaignParticipation-campaign", "CampaignParticipation-participant",
    "SubOrganisation-parent", "SubOrganisation-child", "SubOrganisation-notSelf",
    "Membership-member", "Membership-organization", "Membership-notSelf",
    "Merger-original", "Merger-resulting", "Establishment-organisation", "Establishment-founder",
    "Partnership-partner", "CollaborationPlan-focus",
    "OfficialStatus-holder", "OfficialStatus-grantor", "OfficialStatus-type", "StatusRenewal-renews",
    "EventRole-agent", "EventRole-event", "EventRole-role", "PostHolding-holder", "PostHolding-post",
    "ResourcePublication-publisher", "ResourcePublication-resource",
    "DefinedParty-type", "DefinedParty-label", "NoCycles",
)
SHAPES_NS = "https://w3id.org/oncograph/shapes#"


def parse_violations(specs: list[str] | tuple[str, ...] = (), *, each: int = 0) -> dict[str, int]:
    """``["Period-order=3", "shape:NoCycles=1"]`` -> ``{"Period-order": 3, "NoCycles": 1}``; ``each`` sets every rule.

    >>> parse_violations(["shape:Period-order=2"], each=1)["Period-order"], parse_violations(each=1)["NoCycles"]
    (2, 1)
    """
    out = {rule: each for rule in RULES} if each else {}
    for spec in specs:
        name, sep, count = spec.partition("=")
        name = name.strip().removeprefix("shape:").removeprefix(SHAPES_NS)
        if not sep or not count.strip().isdigit():
            raise InputError(f"--violations {spec!r}: write RULE=COUNT, for example Period-order=3")
        if name not in RULES:
            raise InputError(f"--violations {spec!r}: unknown rule {name!r}; known rules: {', '.join(RULES)}")
        out[name] = int(count)
    return {k: v for k, v in out.items() if v}


# -- vocabulary --------------------------------------------------------------------------------------------------
#: Synthetic countries and continents added to the scopes scheme: (id, label, adjective, broader).
_PLACES = (
    ("africa", "Africa", "African", None), ("asia-pacific", "Asia-Pacific", "Asia-Pacific", None),
    ("latin-america", "Latin America", "Latin American", None), ("north-america", "North America", "North American", None),
    ("germany", "Germany", "German", "europe"), ("france", "France", "French", "europe"),
    ("italy", "Italy", "Italian", "europe"), ("netherlands", "the Netherlands", "Dutch", "europe"),
    ("belgium", "Belgium", "Belgian", "europe"), ("sweden", "Sweden", "Swedish", "europe"),
    ("poland", "Poland", "Polish", "europe"), ("ireland", "Ireland", "Irish", "europe"),
    ("switzerland", "Switzerland", "Swiss", "europe"), ("greece", "Greece", "Greek", "europe"),
    ("canada", "Canada", "Canadian", "north-america"), ("mexico", "Mexico", "Mexican", "latin-america"),
    ("brazil", "Brazil", "Brazilian", "latin-america"), ("argentina", "Argentina", "Argentinian", "latin-america"),
    ("japan", "Japan", "Japanese", "asia-pacific"), ("india", "India", "Indian", "asia-pacific"),
    ("australia", "Australia", "Australian", "asia-pacific"), ("china", "China", "Chinese", "asia-pacific"),
    ("nigeria", "Nigeria", "Nigerian", "africa"), ("kenya", "Kenya", "Kenyan", "africa"),
    ("south-africa", "South Africa", "South African", "africa"),
)
_CURATED_PLACES = {"international": ("International", None), "europe": ("European", None),
                   "emea": ("EMEA", None), "united-kingdom": ("British", "UK"), "spain": ("Spanish", None),
                   "united-states": ("American", "US")}


def _vocabulary() -> tuple[list[Triple], dict[str, list[tuple[str, str]]]]:
    """The concept schemes of data/vocabularies.yaml as the builder writes them, plus synthetic places.

    Returns the triples and, per scheme, its concepts as (id, label).
    """
    import yaml

    from . import paths

    doc = yaml.safe_load((paths.data_dir() / "vocabularies.yaml").read_text(encoding="utf-8"))
    extra = [{"id": pid, "label": label, "definition": f"{label} (synthetic scope).", **({"broader": b} if b else {})}
             for pid, label, _, b in _PLACES]
    out: list[Triple] = []
    concepts: dict[str, list[tuple[str, str]]] = {}
    for scheme, body in doc.items():
        s = f"<{BASE}{scheme}>"
        out += [(s, TYPE, _t("skos:ConceptScheme")), (s, PREF, _lit(body["label"], lang="en"))]
        if body.get("definition"):
            out.append((s, DEF, _lit(body["definition"], lang="en")))
        items = list(body.get("concepts") or []) + (extra if scheme == "scopes" else [])
        concepts[scheme] = [(c["id"], c["label"]) for c in items]
        for c in items:
            iri = _concept(scheme, c["id"])
            out += [(iri, TYPE, _t("skos:Concept")), (iri, _t("skos:inScheme"), s),
                    (iri, PREF, _lit(c["label"], lang="en")), (iri, LABEL, _lit(c["label"], lang="en"))]
            if c.get("definition"):
                out.append((iri, DEF, _lit(c["definition"], lang="en")))
            if c.get("broader"):
                b = _concept(scheme, c["broader"])
                out += [(iri, _t("skos:broader"), b), (b, _t("skos:narrower"), iri)]
            else:
                out += [(iri, _t("skos:topConceptOf"), s), (s, _t("skos:hasTopConcept"), iri)]
    return out, concepts


def _superclasses() -> dict[str, list[str]]:
    """rdf:type closure of every class the generator uses, from the ontology, as the builder materialises it."""
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    from . import paths
    from .model import EXTERNAL_SUPERCLASSES

    onto = paths.load_ontology()
    classes = ["org:FormalOrganization", "org:OrganizationalUnit", "org:OrganizationalCollaboration",
               "onco:OrganisationGroup", "onco:Campaign", "onco:InformationResource", "foaf:Person", "org:Post",
               "schema:Event", "schema:EventSeries", "onco:SourceDocument", "onco:ListSection", "onco:SubOrganisation",
               "org:Membership", "onco:Merger", "onco:Establishment", "onco:Partnership", "onco:CollaborationPlan",
               "onco:OfficialStatus", "onco:StatusRenewal", "onco:EventRole", "onco:PostHolding",
               "onco:ResourcePublication", "onco:Listing", "onco:CampaignParticipation"]
    out = {}
    for curie in classes:
        start = URIRef(_t(curie)[1:-1])
        seen, todo = {start}, [start]
        while todo:
            c = todo.pop()
            for s in list(onto.objects(c, RDFS.subClassOf)) + list(EXTERNAL_SUPERCLASSES.get(c, ())):
                if isinstance(s, URIRef) and s not in seen:
                    seen.add(s)
                    todo.append(s)
        out[curie] = sorted(f"<{c}>" for c in seen)
    return out


# -- names -------------------------------------------------------------------------------------------------------
_SURNAMES = ("Andersen", "Bianchi", "Costa", "Dubois", "Eriksson", "Fischer", "García", "Horvat", "Ivanova", "Jansen",
             "Kowalski", "Laurent", "Müller", "Nowak", "O'Brien", "Papadopoulos", "Rossi", "Schmidt", "Tanaka",
             "Umeh", "Varga", "Wright", "Yilmaz", "Zhang", "Okafor", "Silva", "Moreau", "Novak", "Haddad", "Kim")
_GIVEN = ("Anna", "Ben", "Carla", "David", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Katarzyna", "Luis",
          "Maria", "Nikos", "Olga", "Pierre", "Rosa", "Sven", "Tomás", "Ursula", "Viktor", "Wen", "Yusuf", "Zoe")
_TOPICS = ("Access to Medicines", "Survivorship", "Clinical Trials", "Prevention", "Palliative Care", "Health Policy",
           "Young Oncologists", "Rare Cancers", "Nursing", "Education", "Patient Advocacy", "Data and Registries")
_SYLLABLES = ("ar", "bi", "co", "den", "el", "fa", "gen", "hel", "io", "ka", "lu", "mer", "no", "or", "pra", "qui",
              "ro", "sa", "ta", "vi", "xa", "zen")
_STOP = {"of", "for", "and", "the", "in", "on", "to"}

# class key -> (rdf class, weight, kinds to draw from)
_ORG_CLASSES = {
    "organisation": ("org:FormalOrganization", 72, ("professional-society", "patient-advocacy-group",
                     "patient-support-group", "patient-organisation", "research-network", "research-organisation",
                     "cancer-institute", "charity", "foundation", "pharmaceutical-company", "company",
                     "education-provider", "umbrella-organisation", "intergovernmental-organisation", "unspecified")),
    "unit": ("org:OrganizationalUnit", 12, ("working-group", "committee", "regional-chapter", "department",
             "topic-network")),
    "collaboration": ("org:OrganizationalCollaboration", 4, ("umbrella-organisation", "research-network")),
    "collective": ("onco:OrganisationGroup", 1, ("member-collective",)),
    "campaign": ("onco:Campaign", 1, ("campaign",)),
    "resource": ("onco:InformationResource", 10, ("information-resource",)),
}
_FIRST = {10: "campaign", 11: "resource", 12: "collaboration", 13: "unit", 14: "collective"}
_KIND_WEIGHTS = {"professional-society": 14, "patient-advocacy-group": 16, "patient-support-group": 10,
                 "patient-organisation": 5, "research-network": 8, "research-organisation": 4, "cancer-institute": 8,
                 "charity": 8, "foundation": 6, "pharmaceutical-company": 5, "company": 2, "education-provider": 2,
                 "umbrella-organisation": 7, "intergovernmental-organisation": 1, "unspecified": 2}


def _acronym(name: str) -> str:
    words = [w for w in re.split(r"[\s\-–]+", name) if w and w.lower() not in _STOP]
    return "".join(w[0].upper() for w in words if w[0].isalpha())[:8] or "X"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass
class _Org:
    index: int
    key: str  # class key of _ORG_CLASSES
    iri: str
    name: str
    acronym: str
    kinds: list[str]
    place: str  # scope concept id
    diseases: list[str] = field(default_factory=list)


# -- the generator -----------------------------------------------------------------------------------------------
class _Landscape:
    """One generation run; ``triples()`` yields every triple once, in a fixed order for the seed."""

    def __init__(self, orgs: int, seed: int, violations: Mapping[str, int]):
        if orgs < 20:
            raise InputError(f"--orgs {orgs}: generate at least 20 organisations")
        self.n = orgs
        self.rng = random.Random(seed)
        self.violations = dict(violations)
        self.vocab, self.concepts = _vocabulary()
        self.supers = _superclasses()
        self.orgs: list[_Org] = []
        self.sources: list[str] = []
        self.pages: list[tuple[str, list[str]]] = []  # listing pages and their section IRIs
        self.people: list[str] = []
        self.posts: list[str] = []
        self.events: list[str] = []
        self.pairs: set[int] = set()  # (kind, a, b) of pair relationships already made, so no edge repeats
        self.injected: Counter = Counter()
        self.counts: Counter = Counter()

    # helpers ----------------------------------------------------------------------------------------------------
    def types(self, node: str, curie: str) -> Iterator[Triple]:
        for c in self.supers[curie]:
            yield node, TYPE, c

    def rel_types(self, node: str, curie: str) -> Iterator[Triple]:
        yield from self.types(node, curie)
        if REL not in self.supers[curie]:
            yield node, TYPE, REL

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def source_of(self, i: int) -> str:
        """A source document near entity i, so that entities share sources the way pages list neighbours."""
        n = len(self.sources)
        return self.sources[(i * n // max(self.n, 1) + self.rng.randrange(-2, 3)) % n]

    def new_pair(self, kind: int, a: int, b: int) -> bool:
        key = (kind * (self.n + 1) + a) * (self.n + 1) + b
        if a == b or key in self.pairs:
            return False
        self.pairs.add(key)
        return True

    def date(self, lo: int = 1950, hi: int = 2024) -> tuple[str, int]:
        """A date as precise as a source might give it: (lexical form, number of parts)."""
        y = self.rng.randint(lo, hi)
        parts = self.rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
        m, d = self.rng.randint(1, 12), self.rng.randint(1, 28)
        return ("%04d" % y, "%04d-%02d" % (y, m), "%04d-%02d-%02d" % (y, m, d))[parts - 1], parts

    def period(self, node: str, *, p_start: float, p_end: float, derived: float = 0.15) -> Iterator[Triple]:
        """schema:startDate/endDate with status (and derivation) and the xsd:date bounds, as build.dates() writes."""
        if self.rng.random() >= p_start:
            return
        start, sp = self.date()
        yield from self.bound(node, "start", start, sp, derived)
        if self.rng.random() < p_end:
            end, ep = self.date(int(start[:4]) + 1, 2026)
            yield from self.bound(node, "end", end, ep, derived)

    def bound(self, node: str, which: str, lexical: str, parts: int, derived: float) -> Iterator[Triple]:
        prop, status, how, bound = (("schema:startDate", "onco:startDateStatus", "onco:startDateDerivation",
                                     "onco:periodStart") if which == "start" else
                                    ("schema:endDate", "onco:endDateStatus", "onco:endDateDerivation", "onco:periodEnd"))
        yield node, _t(prop), _lit(lexical, datatype=_DATE_TYPES[parts])
        if self.rng.random() < derived:
            yield node, _t(status), _t("onco:Derived")
            yield node, _t(how), _lit(f"Worked out from the source's relative date ({lexical}).", lang="en")
        else:
            yield node, _t(status), _t("onco:Stated")
        yield node, _t(bound), _lit(_first_day(lexical) if which == "start" else _last_day(lexical), datatype=XSD_DATE)

    def relationship(self, rtype: str, slug: str, curie: str, source: str,
                     parties: list[tuple[str, str]], *, involves: bool = True) -> Iterator[Triple]:
        """A relationship node: types, source, parties (with onco:involves), counted by type."""
        node = _iri("rel", f"{rtype}/{slug}")
        self.counts[curie] += 1
        yield from self.rel_types(node, curie)
        yield node, SOURCE, source
        for prop, value in parties:
            yield node, _t(prop), value
            if involves:
                yield node, INVOLVES, value

    # the landscape ----------------------------------------------------------------------------------------------
    def triples(self) -> Iterator[Triple]:
        yield from self.vocab
        self.plan()
        yield from self.source_documents()
        for org in self.orgs:
            yield from self.organisation(org)
        yield from self.people_and_posts()
        yield from self.events_()
        yield from self.hierarchy()
        yield from self.memberships()
        yield from self.partnerships()
        yield from self.change_events()
        yield from self.statuses()
        yield from self.listings()
        yield from self.campaigns()
        yield from self.event_roles()
        yield from self.publications()
        yield from self.inject()

    def plan(self) -> None:
        """Name every organisation first, so that relationships can refer to any of them."""
        rng, keys = self.rng, list(_ORG_CLASSES)
        weights = [_ORG_CLASSES[k][1] for k in keys]
        places = [p for p, *_ in _PLACES] + list(_CURATED_PLACES)
        place_weights = [3] * len(_PLACES) + [6, 10, 2, 4, 4, 6]
        diseases = [c for c, _ in self.concepts["diseases"]]
        disease_weights = [30 if c == "cancer" else 3 for c in diseases]
        for i in range(self.n):
            # the first few are fixed so that even a small landscape has every class to refer to
            key = _FIRST.get(i) or ("organisation" if i < 10 else rng.choices(keys, weights)[0])
            _, _, kinds = _ORG_CLASSES[key]
            if key == "organisation":
                kinds_ = [rng.choices(kinds, [_KIND_WEIGHTS[k] for k in kinds])[0]]
                if rng.random() < 0.15:
                    kinds_.append(rng.choice(kinds))
            else:
                kinds_ = [rng.choice(kinds)]
            kinds_ = list(dict.fromkeys(kinds_))
            place = rng.choices(places, place_weights)[0]
            dis = list(dict.fromkeys(rng.choices(diseases, disease_weights, k=rng.choice((0, 1, 1, 1, 2, 3)))))
            name = self.name(key, kinds_[0], place, dis, i)
            acr = _acronym(name)
            slug = f"{_slug(acr)}-{i}"
            coll = "resource" if key == "resource" else "org"
            self.orgs.append(_Org(i, key, _iri(coll, slug), name, acr, kinds_, place, dis))
        for j in range(max(3, self.n // 25)):
            self.sources.append(_iri("source", f"doc-{j}"))
        self.people = [_iri("person", f"person-{j}") for j in range(max(2, self.n // 10))]
        self.posts = [_iri("post", f"post-{j}") for j in range(max(2, self.n // 12))]
        self.events = [_iri("event", f"event-{j}") for j in range(max(2, self.n // 40))]

    def name(self, key: str, kind: str, place: str, diseases: list[str], i: int) -> str:
        rng = self.rng
        adj = dict((p, a) for p, _, a, _ in _PLACES).get(place) or _CURATED_PLACES[place][0]
        label = dict(self.concepts["diseases"]).get(diseases[0], "Cancer") if diseases else "Cancer"
        dis = label.split(" (")[0].title() if label != "cancer in general" else "Cancer"
        if key == "resource":
            return rng.choice((f"{dis} Info", f"{dis} Patient Guide", f"{dis} Online Community", f"{adj} {dis} Registry"))
        if key == "campaign":
            return f"{adj} {dis} Awareness Campaign"
        if key == "collective":
            return f"Member Societies of the {adj} {dis} Federation"
        if key == "unit":
            return rng.choice((f"{rng.choice(_TOPICS)} Working Group", f"{rng.choice(_TOPICS)} Committee",
                               f"{adj} Chapter", f"Department of {rng.choice(_TOPICS)}", f"{rng.choice(_TOPICS)} Network"))
        surname = rng.choice(_SURNAMES)
        company = "".join(rng.choice(_SYLLABLES) for _ in range(3)).title()
        return {
            "professional-society": f"{adj} Society for {dis}",
            "patient-advocacy-group": f"{dis} Patients {adj} Alliance",
            "patient-support-group": f"{dis} Support Group {surname}",
            "patient-organisation": f"{adj} {dis} Patients' Association",
            "research-network": f"{adj} {dis} Research Network",
            "research-organisation": f"{surname} Institute for {dis} Research",
            "cancer-institute": f"{surname} Comprehensive Cancer Centre",
            "charity": f"{adj} {dis} Trust",
            "foundation": f"{surname} Foundation for {dis}",
            "pharmaceutical-company": f"{company} Pharma",
            "company": f"{company} Diagnostics",
            "education-provider": f"{adj} School of Oncology",
            "umbrella-organisation": f"{adj} {dis} Coalition",
            "intergovernmental-organisation": f"{adj} Cancer Agency",
        }.get(kind, f"{adj} {dis} Group {i}")

    def source_documents(self) -> Iterator[Triple]:
        rng = self.rng
        for j, doc in enumerate(self.sources):
            publisher = self.orgs[rng.randrange(min(self.n, 50 + j))]
            if publisher.key == "resource":  # a publisher is an organisation (shape:SourceDocument-publisher)
                publisher = self.orgs[0]
            title = f"{publisher.name} – " + rng.choice(("partners", "members", "useful links", "news", "about us",
                                                         "annual report", "network directory"))
            yield from self.types(doc, "onco:SourceDocument")
            for p in (_t("dct:title"), LABEL, PREF):
                yield doc, p, _lit(title, lang="en")
            yield doc, _t("dct:publisher"), publisher.iri
            yield doc, _t("schema:url"), f"<https://www.{_slug(publisher.acronym)}.example.org/page-{j}>"
            if rng.random() < 0.4:
                lexical, parts = self.date(2015, 2024)
                yield doc, _t("dct:date"), _lit(lexical, datatype=_DATE_TYPES[parts])
            if j % 3 == 0:  # a third of the pages list organisations, in sections
                sections = []
                for k in range(rng.randint(1, 3)):
                    sec = f"<{doc[1:-1]}/section-{k}>"
                    sections.append(sec)
                    yield from self.types(sec, "onco:ListSection")
                    label = ("International", "European", "National", "Other")[k]
                    yield sec, LABEL, _lit(label, lang="en")
                    yield sec, PREF, _lit(label, lang="en")
                    yield sec, _t("dct:isPartOf"), doc
                self.pages.append((doc, sections))

    def organisation(self, org: _Org) -> Iterator[Triple]:
        rng, node = self.rng, org.iri
        yield from self.types(node, _ORG_CLASSES[org.key][0])
        yield node, PREF, _lit(org.name)
        yield node, LABEL, _lit(org.name)
        if rng.random() < 0.8 and org.key != "unit":
            yield node, _t("onco:acronym"), _lit(org.acronym)
            yield node, ALT, _lit(org.acronym)
        if rng.random() < 0.1:
            yield node, ALT, _lit(org.name.replace(" for ", " of ").replace("Alliance", "Network"))
        for k in org.kinds:
            yield node, _t("onco:kind"), _concept("kinds", k)
        for d in org.diseases:
            yield node, _t("onco:diseaseArea"), _concept("diseases", d)
        if "professional-society" in org.kinds or "education-provider" in org.kinds:
            yield node, _t("onco:discipline"), _concept("disciplines", self.pick(self.concepts["disciplines"])[0])
        yield node, _t("schema:areaServed"), _concept("scopes", org.place)
        if rng.random() < 0.5:
            yield node, _t("dct:description"), _lit(f"A synthetic {org.kinds[0].replace('-', ' ')} "
                                                    f"working in {org.place.replace('-', ' ')}.", lang="en")
        if rng.random() < 0.05:
            yield node, _t("onco:memberCount"), _lit(str(rng.randint(5, 5000)),
                                                     datatype="http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
        first = self.source_of(org.index)
        yield node, SOURCE, first
        second = self.pick(self.sources)
        if rng.random() < 0.3 and second != first:
            yield node, SOURCE, second

    def people_and_posts(self) -> Iterator[Triple]:
        rng = self.rng
        for j, person in enumerate(self.people):
            name = f"{rng.choice(_GIVEN)} {rng.choice(_SURNAMES)}"
            yield from self.types(person, "foaf:Person")
            yield person, PREF, _lit(name)
            yield person, LABEL, _lit(name)
            if rng.random() < 0.3:
                yield person, _t("dct:description"), _lit("A synthetic oncologist or patient advocate.", lang="en")
            yield person, SOURCE, self.source_of(j * 10)
        for j, post in enumerate(self.posts):
            org = self.orgs[rng.randrange(self.n)]
            if org.key == "resource":  # a post is in an organisation (shape:Post-postIn)
                org = self.orgs[0]
            title = rng.choice(("President", "Chair", "Secretary General", "Director", "Treasurer"))
            yield from self.types(post, "org:Post")
            yield post, PREF, _lit(f"{org.acronym} {title}")
            yield post, LABEL, _lit(f"{org.acronym} {title}")
            yield post, _t("org:postIn"), org.iri
            yield post, SOURCE, self.source_of(org.index)
            person = self.people[j % len(self.people)]
            slug = f"{_tail(person)}--{_tail(post)}"
            yield from self.relationship("holds-post", slug, "onco:PostHolding", self.source_of(org.index),
                                         [("onco:holder", person), ("onco:post", post)])
            yield person, _t("org:holds"), post
            yield from self.period(_iri("rel", f"holds-post/{slug}"), p_start=0.4, p_end=0.3)

    def events_(self) -> Iterator[Triple]:
        rng = self.rng
        for j, event in enumerate(self.events):
            series = j % 5 == 0
            owner = self.orgs[rng.randrange(self.n)]
            name = f"{owner.acronym} {'Congress' if series else 'Forum'}" + ("" if series else f" {2000 + j % 25}")
            yield from self.types(event, "schema:EventSeries" if series else "schema:Event")
            yield event, PREF, _lit(name)
            yield event, LABEL, _lit(name)
            yield event, SOURCE, self.source_of(owner.index)
            yield event, _t("dct:creator"), owner.iri
            if not series and j > 5:
                parent = self.events[(j // 5) * 5]
                yield event, _t("schema:superEvent"), parent
                yield parent, _t("schema:subEvent"), event
                yield from self.period(event, p_start=0.9, p_end=0.0)

    def hierarchy(self) -> Iterator[Triple]:
        """Units belong to an organisation; some organisations are part of others. Parents come earlier in the
        list, so sub-organisation and membership links never form a cycle."""
        rng = self.rng
        for org in self.orgs[1:]:
            if org.key == "unit" or (org.key == "organisation" and rng.random() < 0.05):
                parent = self.orgs[rng.randrange(max(1, min(org.index, 200 + org.index // 4)))]
                if parent.key in ("resource", "unit") and org.key != "unit":
                    continue
                if parent.key == "resource":
                    parent = self.orgs[0]
                slug = f"{_tail(parent.iri)}--{_tail(org.iri)}"
                node = _iri("rel", f"sub-organisation/{slug}")
                yield from self.relationship("sub-organisation", slug, "onco:SubOrganisation",
                                             self.source_of(org.index),
                                             [("onco:parentOrganisation", parent.iri), ("onco:childOrganisation", org.iri)])
                yield org.iri, _t("org:subOrganizationOf"), parent.iri
                if org.key == "unit":
                    yield org.iri, _t("org:unitOf"), parent.iri
                    yield parent.iri, _t("org:hasUnit"), org.iri
                yield from self.period(node, p_start=0.2, p_end=0.05)

    def memberships(self) -> Iterator[Triple]:
        rng = self.rng
        umbrellas = [o for o in self.orgs if "umbrella-organisation" in o.kinds or o.key == "collaboration"]
        if not umbrellas:
            return
        for k in range(int(self.n * 0.5)):
            host = self.pick(umbrellas)
            person = rng.random() < 0.05
            if person:
                member, mi = self.pick(self.people), -1
            else:  # members come after their host in the list: no cycles
                if host.index + 1 >= self.n:
                    continue
                m = self.orgs[rng.randrange(host.index + 1, self.n)]
                if m.key == "resource":
                    continue
                member, mi = m.iri, m.index
            if not self.new_pair(1, host.index, mi if mi >= 0 else self.n):
                continue
            role = rng.choice(("member-society", "patient-advocacy-group-member", None, None))
            slug = f"{_tail(member)}--{_tail(host.iri)}" + (f"--{role}" if role else "")
            node = _iri("rel", f"membership/{slug}")
            yield from self.relationship("membership", slug, "org:Membership", self.source_of(host.index),
                                         [("org:member", member), ("org:organization", host.iri)])
            if role:
                yield node, _t("org:role"), _concept("membership-roles", role)
            yield member, _t("org:memberOf"), host.iri
            yield from self.period(node, p_start=0.3, p_end=0.1)

    def partnerships(self) -> Iterator[Triple]:
        rng = self.rng
        for k in range(int(self.n * 0.3)):
            a = rng.randrange(self.n)
            b = min(self.n - 1, max(0, a + int(rng.gauss(0, 300))))
            oa, ob = self.orgs[min(a, b)], self.orgs[max(a, b)]
            if "resource" in (oa.key, ob.key) or not self.new_pair(2, oa.index, ob.index):
                continue
            plan = rng.random() < 0.06
            rtype = "collaboration-plan" if plan else "partnership"
            slug = f"{_tail(oa.iri)}+{_tail(ob.iri)}"
            node = _iri("rel", f"{rtype}/{slug}")
            yield from self.relationship(rtype, slug, "onco:CollaborationPlan" if plan else "onco:Partnership",
                                         self.source_of(a), [("onco:partner", oa.iri), ("onco:partner", ob.iri)])
            yield oa.iri, _t("onco:partnerOf"), ob.iri
            yield ob.iri, _t("onco:partnerOf"), oa.iri
            if rng.random() < 0.2:
                yield node, NOTE, _lit("The source describes a long-standing joint programme.", lang="en")
            if plan:
                name = f"{oa.acronym}–{ob.acronym} Collaboration Plan"
                yield node, _t("schema:name"), _lit(name)
                yield node, LABEL, _lit(name)
                for fa in rng.sample(self.concepts["focus-areas"], rng.randint(1, len(self.concepts["focus-areas"]))):
                    yield node, _t("onco:focusArea"), _concept("focus-areas", fa[0])
                yield from self.period(node, p_start=1.0, p_end=0.9, derived=0.0)
            else:
                yield from self.period(node, p_start=0.5, p_end=0.15)

    def change_events(self) -> Iterator[Triple]:
        """Mergers (two or three originals into a later organisation) and establishments (with founders)."""
        rng = self.rng
        for k in range(max(1, self.n // 100)):
            into = self.orgs[rng.randrange(self.n // 2, self.n)]
            froms = sorted({rng.randrange(into.index) for _ in range(rng.choice((2, 2, 3)))})
            originals = [self.orgs[i] for i in froms if self.orgs[i].key not in ("resource", "unit")]
            if len(originals) < 2 or into.key in ("resource", "unit") or not self.new_pair(3, into.index, 0):
                continue
            slug = "+".join(_tail(o.iri) for o in originals) + f"--{_tail(into.iri)}"
            node = _iri("rel", f"merger/{slug}")
            yield from self.relationship("merger", slug, "onco:Merger", self.source_of(into.index),
                                         [("org:originalOrganization", o.iri) for o in originals]
                                         + [("org:resultingOrganization", into.iri)])
            for o in originals:
                yield o.iri, _t("onco:mergedInto"), into.iri
                yield o.iri, _t("org:changedBy"), node
            yield into.iri, _t("org:resultedFrom"), node
            yield from self.period(node, p_start=0.5, p_end=0.0)
        for org in self.orgs:
            if org.key in ("resource", "unit") or rng.random() >= 0.15 or not self.new_pair(3, org.index, 1):
                continue
            founders = []
            if rng.random() < 0.5 and org.index > 0:
                founders.append(self.orgs[rng.randrange(org.index)])
            founders = [f.iri for f in founders if f.key not in ("resource",)]
            if rng.random() < 0.15:
                founders.append(self.pick(self.people))
            slug = "--".join([_tail(org.iri)] + [_tail(f) for f in founders])
            node = _iri("rel", f"establishment/{slug}")
            yield from self.relationship("establishment", slug, "onco:Establishment", self.source_of(org.index),
                                         [("org:resultingOrganization", org.iri)]
                                         + [("onco:establishedBy", f) for f in founders])
            for f in founders:
                yield org.iri, _t("schema:founder"), f
            yield org.iri, _t("org:resultedFrom"), node
            if rng.random() < 0.8:
                start, parts = self.date(1900, 2024)
                yield org.iri, _t("schema:foundingDate"), _lit(start, datatype=_DATE_TYPES[parts])
                yield from self.bound(node, "start", start, parts, 0.1)

    def statuses(self) -> Iterator[Triple]:
        rng = self.rng
        grantors = [o for o in self.orgs if "intergovernmental-organisation" in o.kinds] or self.orgs[:1]
        for k in range(max(1, self.n // 100)):
            holder, grantor = self.orgs[rng.randrange(self.n)], self.pick(grantors)
            if holder.key == "resource" or not self.new_pair(4, holder.index, grantor.index):
                continue
            slug = f"{_tail(holder.iri)}--{_tail(grantor.iri)}--who-non-state-actor"
            node = _iri("rel", f"official-status/{slug}")
            yield from self.relationship("official-status", slug, "onco:OfficialStatus", self.source_of(holder.index),
                                         [("onco:statusHolder", holder.iri), ("onco:grantedBy", grantor.iri)])
            yield node, _t("onco:statusType"), _concept("status-types", "who-non-state-actor")
            yield holder.iri, _t("onco:holdsStatusFrom"), grantor.iri
            yield from self.period(node, p_start=0.8, p_end=0.0)
            if rng.random() < 0.5:
                renewal = _iri("rel", f"status-renewal/{slug}")
                self.counts["onco:StatusRenewal"] += 1
                yield from self.rel_types(renewal, "onco:StatusRenewal")
                yield renewal, SOURCE, self.source_of(holder.index)
                yield renewal, _t("onco:renews"), node
                lexical, parts = self.date(2015, 2025)
                yield renewal, _t("onco:announcedOn"), _lit(lexical, datatype=_DATE_TYPES[parts])

    def listings(self) -> Iterator[Triple]:
        """Each listing page lists organisations near its position in sections; an item once per page."""
        rng = self.rng
        per_page = max(1, int(self.n * 0.6 / max(1, len(self.pages))))
        for j, (page, sections) in enumerate(self.pages):
            centre = j * self.n // len(self.pages)
            for _ in range(per_page):
                item = self.orgs[(centre + int(rng.gauss(0, 150))) % self.n]
                if not self.new_pair(5, item.index, j):
                    continue
                sec = self.pick(sections)
                slug = f"{_tail(page)}--{sec.rsplit('/', 1)[1][:-1]}--{_tail(item.iri)}"
                node = _iri("rel", f"listing/{slug}")
                yield from self.relationship("listing", slug, "onco:Listing", page,
                                             [("onco:listedIn", page), ("onco:listedItem", item.iri)])
                yield node, _t("onco:inSection"), sec
                yield item.iri, _t("onco:listedOn"), page

    def campaigns(self) -> Iterator[Triple]:
        rng = self.rng
        for camp in (o for o in self.orgs if o.key == "campaign"):
            page = self.source_of(camp.index)
            for _ in range(rng.randint(10, 40)):
                p = self.orgs[(camp.index + int(rng.gauss(0, 200))) % self.n]
                if p.index == camp.index or not self.new_pair(6, p.index, camp.index):
                    continue
                slug = f"{_tail(camp.iri)}--{_tail(p.iri)}--partner"
                node = _iri("rel", f"campaign-participation/{slug}")
                yield from self.relationship("campaign-participation", slug, "onco:CampaignParticipation", page,
                                             [("onco:campaign", camp.iri), ("onco:participant", p.iri)])
                yield node, _t("onco:role"), _concept("campaign-roles", "partner")
                yield p.iri, _t("onco:participatesIn"), camp.iri

    def event_roles(self) -> Iterator[Triple]:
        rng = self.rng
        roles = [c for c, _ in self.concepts["event-roles"]]
        edges = {"organiser": "onco:organises", "co-host": "onco:coHosts", "co-organiser": "onco:coOrganises",
                 "producer": "onco:produces", "collaborator": "onco:collaboratesOn", "participant": "onco:participatesIn"}
        for j, event in enumerate(self.events):
            for r in range(rng.randint(2, 8)):
                kind = rng.random()
                if kind < 0.85:
                    org = self.orgs[rng.randrange(self.n)]
                    if org.key == "resource":
                        continue
                    agent, ai = org.iri, org.index
                elif kind < 0.95:
                    ai = rng.randrange(len(self.people))
                    agent, ai = self.people[ai], self.n + ai
                else:
                    ai = rng.randrange(len(self.posts))
                    agent, ai = self.posts[ai], self.n + len(self.people) + ai
                if not self.new_pair(7, ai % (self.n + 1), j):
                    continue
                role = "organiser" if r == 0 else rng.choices(roles, (1, 3, 3, 1, 3, 12))[0]
                slug = f"{_tail(agent)}--{_tail(event)}--{role}"
                yield from self.relationship("event-role", slug, "onco:EventRole", self.source_of(j * 40),
                                             [("onco:agent", agent), ("onco:event", event)])
                yield _iri("rel", f"event-role/{slug}"), _t("onco:role"), _concept("event-roles", role)
                yield agent, _t("onco:involvedInEvent"), event
                yield agent, _t(edges[role]), event

    def publications(self) -> Iterator[Triple]:
        rng = self.rng
        for res in (o for o in self.orgs if o.key == "resource"):
            if rng.random() < 0.3:
                continue
            pub = self.orgs[(res.index + rng.randrange(1, 50)) % self.n]
            if pub.key == "resource":
                continue
            slug = f"{_tail(pub.iri)}--{_tail(res.iri)}"
            yield from self.relationship("publishes", slug, "onco:ResourcePublication", self.source_of(res.index),
                                         [("onco:publisher", pub.iri), ("onco:publishedResource", res.iri)])
            yield res.iri, _t("schema:publisher"), pub.iri

    # violations -------------------------------------------------------------------------------------------------
    def inject(self) -> Iterator[Triple]:
        for rule in RULES:
            for k in range(self.violations.get(rule, 0)):
                yield from _INJECTORS[rule](self, f"{_slug(rule)}-{k}", k)
                self.injected[rule] += 1

    def any_org(self, *, formal: bool = True) -> str:
        while True:
            o = self.orgs[self.rng.randrange(self.n)]
            if not formal or o.key == "organisation":
                return o.iri

    def bad_org(self, tag: str, *, omit: str = "", extra: list[tuple[str, str]] = ()) -> Iterator[Triple]:
        """A complete organisation except for ``omit`` (a predicate) and with ``extra`` (predicate, object) pairs."""
        node = _iri("org", f"bad-{tag}")
        out = list(self.types(node, "org:FormalOrganization")) + [
            (node, PREF, _lit(f"Broken organisation {tag}")), (node, LABEL, _lit(f"Broken organisation {tag}")),
            (node, _t("onco:kind"), _concept("kinds", "charity")), (node, SOURCE, self.sources[0])]
        yield from ((s, p, o) for s, p, o in out if p != omit)
        for p, o in extra:
            yield node, _t(p) if ":" in p and not p.startswith("<") else p, o

    def bad_rel(self, tag: str, curie: str, parties: list[tuple[str, str]], *, source: str | None = None,
                extra: list[tuple[str, str]] = ()) -> Iterator[Triple]:
        node = _iri("rel", f"bad/{tag}")
        yield from self.rel_types(node, curie)
        yield node, SOURCE, source or self.sources[0]
        for p, o in parties:
            yield node, _t(p), o
            yield node, INVOLVES, o
        for p, o in extra:
            yield node, _t(p), o

    def bad_dates(self, tag: str, triples: list[tuple[str, str]]) -> Iterator[Triple]:
        """A partnership of two organisations whose period is given by ``triples``."""
        yield from self.bad_rel(tag, "onco:Partnership", [("onco:partner", self.orgs[0].iri),
                                                          ("onco:partner", self.orgs[1].iri)], extra=triples)


def _tail(iri: str) -> str:
    return iri[:-1].rsplit("/", 1)[1]


def _first_day(lexical: str) -> str:
    parts = lexical.split("-")
    return "-".join([parts[0], parts[1] if len(parts) > 1 else "01", parts[2] if len(parts) > 2 else "01"])


def _last_day(lexical: str) -> str:
    parts = lexical.split("-")
    if len(parts) == 3:
        return lexical
    y, m = int(parts[0]), int(parts[1]) if len(parts) > 1 else 12
    return "%04d-%02d-%02d" % (y, m, calendar.monthrange(y, m)[1])


def _injectors() -> dict[str, Callable[[_Landscape, str, int], Iterator[Triple]]]:
    """For each rule, a maker of one extra node (or small group) that breaks that rule once and nothing else."""
    D = "http://www.w3.org/2001/XMLSchema#date"
    Y = "http://www.w3.org/2001/XMLSchema#gYear"
    stated, derived = _t("onco:Stated"), _t("onco:Derived")

    def person(L, tag, *, omit="", extra=()):
        node = _iri("person", f"bad-{tag}")
        out = list(L.types(node, "foaf:Person")) + [(node, PREF, _lit(f"Broken person {tag}")),
                                                    (node, SOURCE, L.sources[0])]
        yield from ((s, p, o) for s, p, o in out if p != omit)
        yield from ((node, _t(p), o) for p, o in extra)

    def source(L, tag, *, omit="", extra=()):
        node = _iri("source", f"bad-{tag}")
        out = list(L.types(node, "onco:SourceDocument")) + [
            (node, _t("dct:title"), _lit(f"Broken source {tag}", lang="en")),
            (node, PREF, _lit(f"Broken source {tag}", lang="en")), (node, _t("dct:publisher"), L.orgs[0].iri)]
        yield from ((s, p, o) for s, p, o in out if p != omit)
        yield from ((node, _t(p), o) for p, o in extra)

    org0, org1 = (lambda L: L.orgs[0].iri), (lambda L: L.orgs[1].iri)
    P = lambda L: L.people[0]  # noqa: E731
    disease = _concept("diseases", "sarcoma")
    scope = _concept("scopes", "europe")
    kind = _concept("kinds", "charity")

    def period(start: str, end: str):
        """A stated period from ``start`` to ``end`` (both YYYY-MM-DD)."""
        return [("schema:startDate", _lit(start, datatype=D)), ("onco:startDateStatus", stated),
                ("onco:periodStart", _lit(start, datatype=D)), ("schema:endDate", _lit(end, datatype=D)),
                ("onco:endDateStatus", stated), ("onco:periodEnd", _lit(end, datatype=D))]

    def status(L, tag, holder, grantor, *, type_=_concept("status-types", "who-non-state-actor")):
        parties = [("onco:statusHolder", holder)] if holder else []
        parties += [("onco:grantedBy", grantor)] if grantor else []
        return L.bad_rel(tag, "onco:OfficialStatus", parties, extra=[("onco:statusType", type_)])

    def event_role(L, tag, agent, event, role):
        return L.bad_rel(tag, "onco:EventRole", [("onco:agent", agent), ("onco:event", event)],
                         extra=[("onco:role", role)])

    def cycle(L, tag, k):
        """NoCycles: an organisation that is a member of itself (one result per injected violation)."""
        yield from L.bad_org(tag)
        node = _iri("org", f"bad-{tag}")
        yield node, _t("org:memberOf"), node

    def defined_type(L, tag, k):
        """DefinedParty-type: a partnership also involving an IRI that has a name but no type."""
        ghost = _iri("org", f"ghost-{tag}")
        yield ghost, PREF, _lit(f"Ghost {tag}")
        yield from L.bad_rel(tag, "onco:Partnership", [("onco:partner", org0(L)), ("onco:partner", org1(L))],
                             extra=[("onco:involves", ghost)])

    def defined_label(L, tag, k):
        """DefinedParty-label: an event role whose event has a type but no name (no shape asks events for one)."""
        event = _iri("event", f"nameless-{tag}")
        yield from L.types(event, "schema:Event")
        yield from event_role(L, tag, org0(L), event, _concept("event-roles", "participant"))

    rel = lambda L, tag, curie, parties, **kw: L.bad_rel(tag, curie, parties, **kw)  # noqa: E731
    return {
        "Organisation-prefLabel": lambda L, tag, k: L.bad_org(tag, extra=[(PREF, _lit(f"Second name {tag}"))]),
        "Organisation-kind": lambda L, tag, k: L.bad_org(tag, extra=[("onco:kind", disease)]),
        "Organisation-source": lambda L, tag, k: L.bad_org(tag, extra=[(SOURCE, org0(L))]),
        "Organisation-disease": lambda L, tag, k: L.bad_org(tag, extra=[("onco:diseaseArea", scope)]),
        "Organisation-scope": lambda L, tag, k: L.bad_org(tag, extra=[("schema:areaServed", disease)]),
        "Person-prefLabel": lambda L, tag, k: person(L, tag, extra=[("skos:prefLabel", _lit(f"Alias {tag}"))]),
        "Person-source": lambda L, tag, k: person(L, tag, extra=[("prov:wasDerivedFrom", org0(L))]),
        "Post-postIn": lambda L, tag, k: (t for t in [
            *L.types(_iri("post", f"bad-{tag}"), "org:Post"), (_iri("post", f"bad-{tag}"), PREF, _lit(f"Post {tag}")),
            (_iri("post", f"bad-{tag}"), SOURCE, L.sources[0]), (_iri("post", f"bad-{tag}"), _t("org:postIn"), P(L))]),
        "SourceDocument-title": lambda L, tag, k: source(L, tag, omit=_t("dct:title")),
        "SourceDocument-publisher": lambda L, tag, k: source(L, tag, omit=_t("dct:publisher"),
                                                             extra=[("dct:publisher", P(L))]),
        "SourceDocument-url": lambda L, tag, k: source(L, tag, extra=[("schema:url", _lit("https://example.org/"))]),
        "SourceDocument-date": lambda L, tag, k: source(L, tag, extra=[("dct:date", _lit("5 Feb 2024"))]),
        "Relationship-source": lambda L, tag, k: rel(L, tag, "onco:Partnership", [("onco:partner", org0(L)),
                                                                                   ("onco:partner", org1(L))],
                                                     source=org0(L)),
        "StartDate-datatype": lambda L, tag, k: L.bad_dates(tag, [
            ("schema:startDate", _lit("2015")), ("onco:startDateStatus", stated),
            ("onco:periodStart", _lit("2015-01-01", datatype=D))]),
        "StartDate-status": lambda L, tag, k: L.bad_dates(tag, [
            ("schema:startDate", _lit("2015", datatype=Y)), ("onco:periodStart", _lit("2015-01-01", datatype=D))]),
        "EndDate-datatype": lambda L, tag, k: L.bad_dates(tag, [
            ("schema:endDate", _lit("2016")), ("onco:endDateStatus", stated),
            ("onco:periodEnd", _lit("2016-12-31", datatype=D))]),
        "EndDate-status": lambda L, tag, k: L.bad_dates(tag, [
            ("schema:endDate", _lit("2016", datatype=Y)), ("onco:periodEnd", _lit("2016-12-31", datatype=D))]),
        "DerivedStart": lambda L, tag, k: L.bad_dates(tag, [
            ("schema:startDate", _lit("2015", datatype=Y)), ("onco:startDateStatus", derived),
            ("onco:periodStart", _lit("2015-01-01", datatype=D))]),
        "DerivedEnd": lambda L, tag, k: L.bad_dates(tag, [
            ("schema:endDate", _lit("2016", datatype=Y)), ("onco:endDateStatus", derived),
            ("onco:periodEnd", _lit("2016-12-31", datatype=D))]),
        "Period-startType": lambda L, tag, k: L.bad_dates(tag, [
            ("schema:startDate", _lit("2015", datatype=Y)), ("onco:startDateStatus", stated),
            ("onco:periodStart", _lit("2015", datatype=Y))]),
        "Period-endType": lambda L, tag, k: L.bad_dates(tag, [
            ("schema:endDate", _lit("2016", datatype=Y)), ("onco:endDateStatus", stated),
            ("onco:periodEnd", _lit("2016", datatype=Y))]),
        "Period-order": lambda L, tag, k: L.bad_dates(tag, period("2020-01-01", "2019-12-31")),
        "Announced-datatype": lambda L, tag, k: _announced(L, tag, status),
        "Listing-listedIn": lambda L, tag, k: rel(L, tag, "onco:Listing", [("onco:listedIn", org1(L)),
                                                                          ("onco:listedItem", org0(L))]),
        "Listing-item": lambda L, tag, k: rel(L, tag, "onco:Listing", [("onco:listedIn", L.sources[0]),
                                                                      ("onco:listedItem", P(L))]),
        "Listing-section": lambda L, tag, k: rel(L, tag, "onco:Listing", [("onco:listedIn", L.sources[0]),
                                                                         ("onco:listedItem", org0(L))],
                                                 extra=[("onco:inSection", org1(L))]),
        "CampaignParticipation-campaign": lambda L, tag, k: rel(L, tag, "onco:CampaignParticipation", [
            ("onco:campaign", org0(L)), ("onco:participant", org1(L))]),
        "CampaignParticipation-participant": lambda L, tag, k: rel(L, tag, "onco:CampaignParticipation", [
            ("onco:campaign", _campaign(L)), ("onco:participant", P(L))]),
        "SubOrganisation-parent": lambda L, tag, k: rel(L, tag, "onco:SubOrganisation", [
            ("onco:parentOrganisation", P(L)), ("onco:childOrganisation", org1(L))]),
        "SubOrganisation-child": lambda L, tag, k: rel(L, tag, "onco:SubOrganisation", [
            ("onco:parentOrganisation", org0(L)), ("onco:childOrganisation", P(L))]),
        "SubOrganisation-notSelf": lambda L, tag, k: rel(L, tag, "onco:SubOrganisation", [
            ("onco:parentOrganisation", org0(L)), ("onco:childOrganisation", org0(L))]),
        "Membership-member": lambda L, tag, k: rel(L, tag, "org:Membership", [
            ("org:member", L.sources[0]), ("org:organization", org0(L))]),
        "Membership-organization": lambda L, tag, k: rel(L, tag, "org:Membership", [
            ("org:member", org0(L)), ("org:organization", P(L))]),
        "Membership-notSelf": lambda L, tag, k: rel(L, tag, "org:Membership", [
            ("org:member", org1(L)), ("org:organization", org1(L))]),
        "Merger-original": lambda L, tag, k: rel(L, tag, "onco:Merger", [
            ("org:originalOrganization", org0(L)), ("org:resultingOrganization", org1(L))]),
        "Merger-resulting": lambda L, tag, k: rel(L, tag, "onco:Merger", [
            ("org:originalOrganization", org0(L)), ("org:originalOrganization", org1(L))]),
        "Establishment-organisation": lambda L, tag, k: rel(L, tag, "onco:Establishment", [
            ("org:resultingOrganization", org0(L)), ("org:resultingOrganization", org1(L))]),
        "Establishment-founder": lambda L, tag, k: rel(L, tag, "onco:Establishment", [
            ("org:resultingOrganization", org0(L)), ("onco:establishedBy", L.sources[0])]),
        "Partnership-partner": lambda L, tag, k: rel(L, tag, "onco:Partnership", [("onco:partner", org0(L))]),
        "CollaborationPlan-focus": lambda L, tag, k: rel(L, tag, "onco:CollaborationPlan", [
            ("onco:partner", org0(L)), ("onco:partner", org1(L))], extra=[("onco:focusArea", kind)]),
        "OfficialStatus-holder": lambda L, tag, k: status(L, tag, org0(L), org0(L)),
        "OfficialStatus-grantor": lambda L, tag, k: status(L, tag, org0(L), None),
        "OfficialStatus-type": lambda L, tag, k: status(L, tag, org0(L), org1(L), type_=org1(L)),
        "StatusRenewal-renews": lambda L, tag, k: rel(L, tag, "onco:StatusRenewal", [], extra=[
            ("onco:renews", _iri("rel", f"bad/{tag}-not-a-status"))]),
        "EventRole-agent": lambda L, tag, k: event_role(L, tag, L.sources[0], L.events[0],
                                                        _concept("event-roles", "participant")),
        "EventRole-event": lambda L, tag, k: event_role(L, tag, org0(L), org1(L), _concept("event-roles", "participant")),
        "EventRole-role": lambda L, tag, k: event_role(L, tag, org0(L), L.events[0], kind),
        "PostHolding-holder": lambda L, tag, k: rel(L, tag, "onco:PostHolding", [
            ("onco:holder", org0(L)), ("onco:post", L.posts[0])]),
        "PostHolding-post": lambda L, tag, k: rel(L, tag, "onco:PostHolding", [
            ("onco:holder", P(L)), ("onco:post", org0(L))]),
        "ResourcePublication-publisher": lambda L, tag, k: rel(L, tag, "onco:ResourcePublication", [
            ("onco:publisher", P(L)), ("onco:publishedResource", _resource(L))]),
        "ResourcePublication-resource": lambda L, tag, k: rel(L, tag, "onco:ResourcePublication", [
            ("onco:publisher", org0(L)), ("onco:publishedResource", org1(L))]),
        "DefinedParty-type": defined_type,
        "DefinedParty-label": defined_label,
        "NoCycles": cycle,
    }


def _announced(L: _Landscape, tag: str, status) -> Iterator[Triple]:
    """Announced-datatype: a valid status and a renewal of it announced on a plain-text date."""
    yield from status(L, f"{tag}-status", L.orgs[0].iri, L.orgs[1].iri)
    node = _iri("rel", f"bad/{tag}")
    yield from L.rel_types(node, "onco:StatusRenewal")
    yield node, SOURCE, L.sources[0]
    yield node, _t("onco:renews"), _iri("rel", f"bad/{tag}-status")
    yield node, _t("onco:announcedOn"), _lit("February 2024")


def _campaign(L: _Landscape) -> str:
    return next((o.iri for o in L.orgs if o.key == "campaign"), None) or _missing("a campaign")


def _resource(L: _Landscape) -> str:
    return next((o.iri for o in L.orgs if o.key == "resource"), None) or _missing("an information resource")


def _missing(what: str) -> str:
    raise InputError(f"the landscape is too small to have {what}; generate more organisations (--orgs)")


_INJECTORS = _injectors()
assert set(_INJECTORS) == set(RULES)


# -- output ------------------------------------------------------------------------------------------------------
class SynthFormat(str, enum.Enum):
    NTRIPLES = "nt"
    TURTLE = "turtle"

    @classmethod
    def from_path(cls, path: Path) -> "SynthFormat":
        known = {".nt": cls.NTRIPLES, ".ttl": cls.TURTLE}
        if path.suffix.lower() not in known:
            raise InputError(f"{path}: unknown extension {path.suffix!r}; write .nt (N-Triples) or .ttl (Turtle)")
        return known[path.suffix.lower()]


@dataclass(frozen=True)
class SynthResult:
    """What a run wrote: the file, its triple count, the organisations, relationships by class, violations by rule."""

    path: Path | None
    triples: int
    orgs: int
    relationships: dict[str, int]
    injected: dict[str, int]

    def text(self) -> str:
        rels = sum(self.relationships.values())
        lines = [f"{self.triples} triples; {self.orgs} organisations and resources "
                 f"({self.triples / self.orgs:.1f} triples each); {rels} relationships"]
        if self.injected:
            lines.append(f"injected {sum(self.injected.values())} violation(s) of {len(self.injected)} rule(s)")
        if self.path:
            lines.append(f"wrote {self.path}")
        return "\n".join(lines)


def triples(orgs: int, *, seed: int = 0, violations: Mapping[str, int] | None = None) -> Iterator[Triple]:
    """Yield the landscape as N-Triples terms ``(subject, predicate, object)``, each triple once.

    >>> next(triples(20))[1]
    '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>'
    """
    return _Landscape(orgs, seed, violations or {}).triples()


def generate_graph(orgs: int, *, seed: int = 0, violations: Mapping[str, int] | None = None):
    """The landscape as an rdflib Graph (for tests and small sizes; use ``write`` for big ones)."""
    from rdflib import Graph

    from .namespaces import bind_prefixes

    data = "".join(f"{s} {p} {o} .\n" for s, p, o in triples(orgs, seed=seed, violations=violations))
    return bind_prefixes(Graph().parse(data=data, format="nt"))


def write(path: Path | str, orgs: int, *, seed: int = 0, violations: Mapping[str, int] | None = None,
          fmt: SynthFormat | None = None) -> SynthResult:
    """Generate the landscape straight into ``path`` (.nt or .ttl), through a temporary file and a rename."""
    path = Path(path)
    fmt = fmt or SynthFormat.from_path(path)
    check_writable(path.parent)
    land = _Landscape(orgs, seed, violations or {})
    count = 0

    def counted() -> Iterator[Triple]:
        nonlocal count
        for t in land.triples():
            count += 1
            yield t

    lines = _turtle_lines(counted()) if fmt is SynthFormat.TURTLE else (f"{s} {p} {o} .\n" for s, p, o in counted())
    with _atomic_text(path) as out:
        buf: list[str] = []
        for line in lines:
            buf.append(line)
            if len(buf) >= 20000:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))
    return SynthResult(path, count, land.n, dict(sorted(land.counts.items())), dict(land.injected))


_PREFIX_OF = {ns: p for p, ns in PREFIXES.items()}
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")


def _turtle_lines(ts: Iterator[Triple]) -> Iterator[str]:
    """Turtle written as it comes: prefixes, then one block per run of triples with the same subject."""
    for prefix, ns in sorted(PREFIXES.items()):
        yield f"@prefix {prefix}: <{ns}> .\n"
    yield "\n"
    cache: dict[str, str] = {}
    current = None
    for s, p, o in ts:
        if s != current:
            if current is not None:
                yield " .\n"
            yield _short(s, cache) + "\n    "
            current = s
        else:
            yield " ;\n    "
        yield ("a" if p == TYPE else _short(p, cache)) + " " + _short_obj(o, cache)
    if current is not None:
        yield " .\n"


def _short(term: str, cache: dict[str, str]) -> str:
    if term in cache:
        return cache[term]
    iri = term[1:-1]
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _PREFIX_OF.get(iri[:cut])
    out = f"{prefix}:{iri[cut:]}" if prefix and _LOCAL.match(iri[cut:]) else term
    if len(cache) < 200000:
        cache[term] = out
    return out


def _short_obj(term: str, cache: dict[str, str]) -> str:
    if term[0] == "<":
        return _short(term, cache)
    if term.endswith(">") and "^^<" in term:
        lexical, dt = term.rsplit("^^", 1)
        return f"{lexical}^^{_short(dt, cache)}"
    return term


@contextlib.contextmanager
def _atomic_text(path: Path):
    """Stream text into :func:`oncograph.files.atomic_file`: the file appears at ``path`` only when complete."""
    with atomic_file(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        yield text
        text.flush()
        text.detach()  # atomic_file closes the file itself


__all__ = ["RULES", "SynthFormat", "SynthResult", "generate_graph", "parse_violations", "triples", "write"]
