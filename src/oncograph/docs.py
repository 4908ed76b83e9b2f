"""Docs: one self-contained HTML page documenting the ontology, generated from ``ontology/`` and the built graph.

For every own class and property: its label, definition, alignment (rdfs:subClassOf / subPropertyOf to ORG, PROV,
SKOS, schema.org, Dublin Core), domain and range, the SHACL rules that apply (from shapes.ttl), its JSON-LD key,
how often the release uses it, and a real example from the data. Two diagrams are drawn as inline SVG by a simple
fixed layout: the relationship nodes with their parties, and the class hierarchy.

Every piece of text goes through :func:`html.escape`; the page loads nothing from anywhere (no CSS, JS or fonts
from outside), and the output depends only on its inputs (everything is sorted).
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from . import __version__, paths
from .jsonld import context_terms, key_for, load_context
from .model import ENTITY_CLASSES, EXTERNAL_SUPERCLASSES, REL_TYPES
from .namespaces import DCT, ONCO, ONTOLOGY_IRI, PREFIXES, SH
from .words import curie, label, most_specific_class, relationship_text

SHAPE_NS = "https://w3id.org/oncograph/shapes#"
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
_PREFIXES = {**PREFIXES, "shape": SHAPE_NS, "sh": str(SH)}

#: What the main external classes mean here (the ontology defines only its own terms).
EXTERNAL_MEANINGS = {
    "http://www.w3.org/ns/org#FormalOrganization": "An organisation recognised in the world at large: a society, foundation, company, agency.",
    "http://www.w3.org/ns/org#OrganizationalUnit": "A part of an organisation (department, working group, committee) that is not recognised on its own.",
    "http://www.w3.org/ns/org#OrganizationalCollaboration": "A network, alliance or coalition of organisations.",
    "http://www.w3.org/ns/org#Organization": "Any organisation; every organisation, unit, collaboration, campaign and group has this type.",
    "http://www.w3.org/ns/org#Post": "A position in an organisation, such as a president or a director, that a person can hold.",
    "http://www.w3.org/ns/org#Membership": "A relationship node: a member (organisation or person) belongs to an organisation, in a role.",
    "http://xmlns.com/foaf/0.1/Person": "A named person.",
    "https://schema.org/Event": "An event, forum, congress track or ceremony.",
    "https://schema.org/EventSeries": "A recurring series of events.",
    "http://www.w3.org/2004/02/skos/core#Concept": "A term of one of the controlled vocabularies (kinds, diseases, roles ...).",
}


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _anchor(iri) -> str:
    return curie(iri).replace(":", "-").replace("/", "-").strip("<>")


def _short(iri) -> str:
    """The prefixed name, with the shapes namespace too."""
    text = str(iri)
    for prefix, ns in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def _text(graph: Graph, node, prop) -> str | None:
    values = sorted(graph.objects(node, prop), key=lambda v: (getattr(v, "language", None) not in (None, "en"), str(v)))
    return str(values[0]) if values else None


# -- reading the ontology and the shapes -------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One SHACL rule, as the page tells it."""

    shape: URIRef | BNode
    name: str
    message: str
    path: URIRef | None
    constraints: str
    holder: URIRef | BNode | None  # the node shape a property shape belongs to
    targets: tuple[str, ...]


class Shapes:
    """The rules of shapes.ttl, indexed by the class they target and the property they constrain."""

    def __init__(self, shapes: Graph):
        self.g = shapes
        self.rules: list[Rule] = []
        for node in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
            targets = self._targets(node)
            if not targets:
                continue  # a helper shape used through sh:node
            if any((node, p, None) in shapes for p in (SH["or"], SH.sparql, SH["and"], SH["not"], SH.xone)):
                self.rules.append(self._rule(node, None, targets))  # a rule on the node itself
            for prop_shape in sorted(shapes.objects(node, SH.property), key=str):
                self.rules.append(self._rule(prop_shape, node, targets))

    def _targets(self, node) -> tuple[str, ...]:
        out = []
        for prop, word in ((SH.targetClass, "instances of"), (SH.targetSubjectsOf, "subjects of"),
                           (SH.targetObjectsOf, "objects of")):
            out.extend(f"{word} {_short(t)}" for t in sorted(self.g.objects(node, prop), key=str))
        return tuple(out)

    def _rule(self, shape, holder, targets) -> Rule:
        g = self.g
        name = _text(g, shape, SH.name) or (_text(g, holder, SH.name) if holder is not None else None) or _short(shape)
        message = _text(g, shape, SH.message) or (_text(g, holder, SH.message) if holder is not None else None) or ""
        path = g.value(shape, SH.path)
        return Rule(shape, name, message, path if isinstance(path, URIRef) else None, self.constraints(shape),
                    holder, targets)

    def constraints(self, shape) -> str:
        """The constraints of one shape in a few words, e.g. 'at least 1, at most 1, class org:Organization'."""
        g, parts = self.g, []
        for prop, word in ((SH.minCount, "at least"), (SH.maxCount, "at most")):
            for v in g.objects(shape, prop):
                parts.append(f"{word} {v}")
        for prop, word in ((SH["class"], "class"), (SH.datatype, "datatype"), (SH.nodeKind, "node kind"),
                           (SH.hasValue, "value"), (SH.node, "matches"), (SH.disjoint, "disjoint from"),
                           (SH.lessThanOrEquals, "not after")):
            for v in sorted(g.objects(shape, prop), key=str):
                parts.append(f"{word} {self._node_text(v) if prop == SH.node else _short(v)}")
        for lst in g.objects(shape, SH["in"]):
            parts.append("one of (" + ", ".join(_short(v) for v in Collection(g, lst)) + ")")
        for lst in g.objects(shape, SH["or"]):
            alternatives = [self.constraints(m) or self._path_text(m) for m in Collection(g, lst)]
            parts.append("either " + " or ".join(f"[{a}]" for a in alternatives))
        if (shape, SH.sparql, None) in g:
            parts.append("SPARQL check")
        return ", ".join(parts)

    def _path_text(self, shape) -> str:
        path = self.g.value(shape, SH.path)
        return _short(path) if path is not None else ""

    def _node_text(self, node) -> str:
        """sh:node shape:KindConcept reads as 'a concept of id:kinds'."""
        for ps in self.g.objects(node, SH.property):
            if self.g.value(ps, SH.path) == SKOS.inScheme and self.g.value(ps, SH.hasValue) is not None:
                return f"a concept of {_short(self.g.value(ps, SH.hasValue))}"
        return _short(node)

    def for_class(self, classes: set[URIRef]) -> list[Rule]:
        wanted = {f"instances of {_short(c)}" for c in classes}
        return [r for r in self.rules if wanted & set(r.targets)]

    def for_property(self, prop: URIRef) -> list[Rule]:
        wanted = {f"subjects of {_short(prop)}", f"objects of {_short(prop)}"}
        return [r for r in self.rules if r.path == prop or (r.path is None and wanted & set(r.targets))]

    def party_classes(self, cls: URIRef, prop: URIRef, supers: set[URIRef]) -> list[str]:
        """The classes a relationship class's shapes require of a party property (sh:class, or sh:or of them)."""
        out: list[str] = []
        for rule in self.for_class({cls} | supers):
            if rule.path != prop:
                continue
            shape = rule.shape
            out.extend(_short(c) for c in sorted(self.g.objects(shape, SH["class"]), key=str))
            for lst in self.g.objects(shape, SH["or"]):
                for member in Collection(self.g, lst):
                    out.extend(_short(c) for c in sorted(self.g.objects(member, SH["class"]), key=str))
            for node in self.g.objects(shape, SH.node):
                out.append(self._node_text(node))
        return list(dict.fromkeys(out))

    def cardinality(self, cls: URIRef, prop: URIRef, supers: set[URIRef]) -> str:
        lo, hi = None, None
        for rule in self.for_class({cls} | supers):
            if rule.path == prop:
                lo = self.g.value(rule.shape, SH.minCount) or lo
                hi = self.g.value(rule.shape, SH.maxCount) or hi
        if lo is None and hi is None:
            return ""
        return f"{lo or 0}..{hi or '*'}"


class Ontology:
    """The own terms of oncograph.ttl, with their hierarchy."""

    def __init__(self, graph: Graph):
        self.g = graph
        own = lambda t: isinstance(t, URIRef) and str(t).startswith(str(ONCO))  # noqa: E731
        self.classes = sorted({c for c in graph.subjects(RDF.type, OWL.Class) if own(c)}, key=str)
        props = set()
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property):
            props |= {p for p in graph.subjects(RDF.type, kind) if own(p)}
        self.properties = sorted(props, key=str)
        self.individuals = sorted({i for i in graph.subjects(RDF.type, OWL.NamedIndividual) if own(i)}, key=str)
        self.supers: dict[URIRef, set[URIRef]] = defaultdict(set)
        for c, s in graph.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef):
                self.supers[c].add(s)
        for c, sups in EXTERNAL_SUPERCLASSES.items():
            self.supers[c].update(sups)

    def all_supers(self, cls: URIRef) -> set[URIRef]:
        seen, todo = set(), list(self.supers.get(cls, ()))
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(self.supers.get(c, ()))
        return seen

    def subclasses(self, cls: URIRef) -> list[URIRef]:
        return sorted((c for c, sups in self.supers.items() if cls in sups), key=str)


# -- the page -----------------------------------------------------------------------------------------------------
def ontology_page(data: Graph | None = None, *, ontology: Graph | None = None, shapes: Graph | None = None) -> str:
    """The HTML page. ``data`` (the built graph) gives the examples and counts; without it they are left out."""
    onto = Ontology(ontology if ontology is not None else paths.load_ontology())
    rules = Shapes(shapes if shapes is not None else paths.load_shapes())
    data = data if data is not None else Graph()
    ex = _Examples(data)
    title = _text(onto.g, URIRef(ONTOLOGY_IRI), DCT.title) or "oncograph ontology"
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_esc(title)}</h1>",
    ]
    out += _header(onto)
    out += _toc(onto)
    out += _model_table(onto, rules, ex)
    out.append('<section id="diagrams"><h2>Diagrams</h2>')
    out.append("<h3>Relationship nodes and their parties</h3>")
    out.append("<p>Each relationship is a node (middle) that points to its parties (left and right) with the"
               " properties on the arrows; the classes in the boxes are what the SHACL shapes require. Every"
               " relationship node also has <code>prov:wasDerivedFrom</code> a source document, may have a period"
               " (<code>schema:startDate</code>, <code>schema:endDate</code>, <code>onco:periodStart</code>,"
               " <code>onco:periodEnd</code>), and links to every party with <code>onco:involves</code>. The direct"
               " edges the build writes beside each node are listed under it.</p>")
    out.append(relationship_diagram(onto, rules))
    out.append("<h3>Class hierarchy</h3>")
    out.append("<p>oncograph's classes (bold) under the standard classes they specialise. Every superclass is"
               " written into the data, so queries need no reasoner.</p>")
    out.append(class_tree(onto))
    out.append("</section>")
    out += _classes(onto, rules, ex)
    out += _properties(onto, rules, ex)
    out += _individuals(onto, ex)
    out += _external_terms(onto, data)
    out += _context_table()
    out += _all_rules(rules)
    out.append(f'<footer><p>Generated by oncograph {_esc(__version__)} from ontology/oncograph.ttl,'
               " ontology/shapes.ttl and ontology/context.jsonld, with examples from the built graph.</p></footer>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


_CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;"
    "line-height:1.45;color:#1d1d1f}"
    "h1,h2,h3{line-height:1.2}h2{border-bottom:1px solid #ccd;padding-bottom:.2em;margin-top:2em}"
    "code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em;background:#f3f3f6;padding:0 .2em}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #dde;padding:.3em .5em;"
    "text-align:left;vertical-align:top}th{background:#f3f3f6}"
    "section.term{border:1px solid #dde;border-radius:6px;padding:.2em 1em .6em;margin:1em 0}"
    "dl{display:grid;grid-template-columns:11em 1fr;gap:.25em 1em;margin:.5em 0}dt{font-weight:600;color:#555}dd{margin:0}"
    "ul.rules{margin:0;padding-left:1.2em}.muted{color:#667}svg{max-width:100%;height:auto;border:1px solid #eee}"
    "nav ul{columns:3}"
)


def _header(onto: Ontology) -> list[str]:
    o = URIRef(ONTOLOGY_IRI)
    rows = [("Ontology IRI", f"<code>{_esc(ONTOLOGY_IRI)}</code>"),
            ("Namespace", f"<code>{_esc(ONCO)}</code> (prefix <code>onco:</code>)"),
            ("Version", _esc(_text(onto.g, o, OWL.versionInfo) or __version__))]
    lic = onto.g.value(o, DCT.license)
    if lic is not None:
        rows.append(("Licence", f'<a href="{_esc(lic)}">{_esc(lic)}</a>'))
    imports = sorted(onto.g.objects(o, OWL.imports), key=str)
    if imports:
        rows.append(("Builds on", ", ".join(f"<code>{_esc(i)}</code>" for i in imports)))
    out = [f"<p>{_esc(_text(onto.g, o, DCT.description) or '')}</p>", "<dl>"]
    out += [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows]
    out.append("</dl>")
    out.append("<p>Prefixes used on this page:</p><table><tr><th>prefix</th><th>namespace</th></tr>")
    for p in ("onco", "org", "prov", "skos", "schema", "dct", "foaf", "owl", "rdfs", "xsd"):
        out.append(f"<tr><td><code>{p}:</code></td><td><code>{_esc(PREFIXES[p])}</code></td></tr>")
    out.append("</table>")
    return out


def _toc(onto: Ontology) -> list[str]:
    out = ['<nav><h2>Contents</h2><p><a href="#model">The model at a glance</a> · <a href="#diagrams">Diagrams</a> ·'
           ' <a href="#classes">Classes</a> · <a href="#properties">Properties</a> ·'
           ' <a href="#individuals">Individuals</a> · <a href="#external">Terms from other vocabularies</a> ·'
           ' <a href="#context">JSON-LD keys</a> · <a href="#rules">SHACL rules</a></p>']
    for title, terms in (("Classes", onto.classes), ("Properties", onto.properties)):
        out.append(f"<h3>{title}</h3><ul>")
        out += [f'<li><a href="#{_anchor(t)}"><code>{_esc(curie(t))}</code></a></li>' for t in terms]
        out.append("</ul>")
    out.append("</nav>")
    return out


def model_rows(onto: Ontology | None = None, rules: Shapes | None = None,
               data: Graph | None = None) -> list[tuple[URIRef, str, list[str]]]:
    """The model as rows (class, meaning, key properties): entity classes, then relationship classes.

    Key properties are those the shapes check; for a class no shape targets, those most of its instances in
    ``data`` have (derived edges and rdfs:label left out).
    """
    onto = onto or Ontology(paths.load_ontology())
    rules = rules or Shapes(paths.load_shapes())
    classes = [e.rdf_class for e in ENTITY_CLASSES.values()]
    classes += [ONCO.SourceDocument, ONCO.ListSection]
    classes += [t.rdf_class for t in REL_TYPES.values()]
    rows = []
    for cls in dict.fromkeys(classes):
        meaning = _text(onto.g, cls, SKOS.definition) or EXTERNAL_MEANINGS.get(str(cls), "")
        keys = {rule.path for rule in rules.for_class({cls} | _supers(onto, cls)) if rule.path is not None}
        if not keys and data is not None:
            keys = _common_properties(data, cls)
        order = lambda k: (k != SKOS.prefLabel, k == PROV_DERIVED, curie(k))  # noqa: E731
        rows.append((cls, meaning, [curie(k) for k in sorted(keys, key=order)]))
    return rows


def _supers(onto: Ontology, cls: URIRef) -> set[URIRef]:
    """Superclasses, plus onco:Relationship for every relationship class (org:Membership is not declared one,
    but the build types its nodes onco:Relationship, so the relationship rules apply)."""
    supers = onto.all_supers(cls)
    if cls in {t.rdf_class for t in REL_TYPES.values()}:
        supers |= {ONCO.Relationship} | onto.all_supers(ONCO.Relationship)
    return supers


def _common_properties(data: Graph, cls: URIRef) -> set[URIRef]:
    from .diff import DERIVED_PREDICATES

    members = set(data.subjects(RDF.type, cls))
    counts = Counter(p for m in members for p in set(data.predicates(m)))
    skip = DERIVED_PREDICATES | {RDF.type, RDFS.label}
    return {p for p, n in counts.items() if p not in skip and 2 * n >= len(members)}


def _model_table(onto: Ontology, rules: Shapes, ex: "_Examples") -> list[str]:
    out = ['<section id="model"><h2>The model at a glance</h2>',
           "<p>Entities are described once; relationships between them are nodes of their own, so that each can"
           " carry its sources and its period. Key properties are those the SHACL shapes check.</p>",
           "<table><tr><th>class</th><th>meaning</th><th>key properties</th><th>in this release</th></tr>"]
    for cls, meaning, keys in model_rows(onto, rules, ex.g):
        link = f'<a href="#{_anchor(cls)}">' if cls in onto.classes else "<a>"
        out.append(f"<tr><td>{link}<code>{_esc(curie(cls))}</code></a></td><td>{_esc(meaning)}</td>"
                   f"<td>{', '.join(f'<code>{_esc(k)}</code>' for k in keys)}</td><td>{ex.instances(cls)}</td></tr>")
    out.append("</table></section>")
    return out


class _Examples:
    """Picks real examples from the built graph: the most connected entity wins, then the first IRI."""

    def __init__(self, data: Graph):
        self.g = data
        self.weight = Counter(data.objects(None, ONCO.involves))

    def instances(self, cls) -> int:
        return len(set(self.g.subjects(RDF.type, cls)))

    def triples(self, prop) -> int:
        return sum(1 for _ in self.g.triples((None, prop, None)))

    def describe(self, node) -> str:
        if isinstance(node, Literal):
            text = str(node)
            text = text if len(text) <= 160 else text[:157] + "..."
            suffix = f"@{node.language}" if node.language else (f"^^{curie(node.datatype)}" if node.datatype else "")
            return f'<q>{_esc(text)}</q><span class="muted">{_esc(suffix)}</span>'
        if (node, RDF.type, ONCO.Relationship) in self.g:
            return f"<code>{_esc(curie(node))}</code> <span class=\"muted\">({_esc(relationship_text(self.g, node))})</span>"
        name = label(self.g, node)
        extra = f' <span class="muted">({_esc(name)})</span>' if name != curie(node) else ""
        return f"<code>{_esc(curie(node))}</code>{extra}"

    def for_class(self, cls) -> str | None:
        nodes = sorted(set(self.g.subjects(RDF.type, cls)), key=lambda n: (-self.weight[n], str(n)))
        if not nodes:
            return None
        node = nodes[0]
        specific = most_specific_class(self.g, node)
        note = f' <span class="muted">(typed {_esc(curie(specific))})</span>' if specific not in (None, cls) else ""
        return self.describe(node) + note

    def for_property(self, prop) -> str | None:
        triples = sorted(self.g.triples((None, prop, None)),
                         key=lambda t: (-(self.weight[t[0]] + self.weight[t[2]]), str(t[0]), str(t[2])))
        if not triples:
            return None
        s, _, o = triples[0]
        return f"{self.describe(s)} <code>{_esc(curie(prop))}</code> {self.describe(o)}"


def _rule_items(rules: list[Rule]) -> str:
    if not rules:
        return '<span class="muted">none</span>'
    items = []
    for r in sorted(rules, key=lambda r: (r.name, str(r.shape))):
        where = f" <span class=\"muted\">({_esc('; '.join(r.targets))})</span>"
        cons = f" <code>{_esc(r.constraints)}</code>" if r.constraints else ""
        path = f" on <code>{_esc(curie(r.path))}</code>" if r.path is not None else ""
        items.append(f"<li><strong>{_esc(r.name)}</strong>{path}: {_esc(r.message)}{cons}{where}</li>")
    return '<ul class="rules">' + "".join(items) + "</ul>"


def _terms(items) -> str:
    items = sorted(items, key=str)
    if not items:
        return '<span class="muted">none</span>'
    return ", ".join(f'<a href="#{_anchor(i)}"><code>{_esc(curie(i))}</code></a>' if str(i).startswith(str(ONCO))
                     else f'<a href="{_esc(i)}"><code>{_esc(curie(i))}</code></a>' for i in items)


def _term_section(term, onto: Ontology, rows: list[tuple[str, str]]) -> list[str]:
    name = _text(onto.g, term, RDFS.label) or curie(term)
    out = [f'<section class="term" id="{_esc(_anchor(term))}">',
           f"<h3><code>{_esc(curie(term))}</code> — {_esc(name)}</h3>",
           f"<p>{_esc(_text(onto.g, term, SKOS.definition) or '')}</p>", "<dl>",
           f"<dt>IRI</dt><dd><code>{_esc(term)}</code></dd>"]
    out += [f"<dt>{_esc(k)}</dt><dd>{v}</dd>" for k, v in rows]
    out += ["</dl>", "</section>"]
    return out


def _classes(onto: Ontology, rules: Shapes, ex: _Examples) -> list[str]:
    out = ['<section id="classes"><h2>Classes</h2>']
    for cls in onto.classes:
        supers = onto.all_supers(cls)
        domain_of = sorted(p for p in onto.properties if (p, RDFS.domain, cls) in onto.g)
        range_of = sorted(p for p in onto.properties if (p, RDFS.range, cls) in onto.g)
        example = ex.for_class(cls)
        key = key_for(cls)
        rows = [("Subclass of", _terms(onto.g.objects(cls, RDFS.subClassOf))),
                ("All superclasses", _terms(supers)),
                ("Subclasses", _terms(onto.subclasses(cls))),
                ("Domain of", _terms(domain_of)),
                ("Range of", _terms(range_of)),
                ("SHACL rules", _rule_items(rules.for_class({cls} | supers))),
                ("JSON-LD type", f"<code>{_esc(key)}</code>" if key else '<span class="muted">none</span>'),
                ("In this release", f"{ex.instances(cls)} instance(s)"),
                ("Example", example or '<span class="muted">no instance in this release</span>')]
        out += _term_section(cls, onto, rows)
    out.append("</section>")
    return out


def _properties(onto: Ontology, rules: Shapes, ex: _Examples) -> list[str]:
    out = ['<section id="properties"><h2>Properties</h2>']
    for prop in onto.properties:
        kinds = sorted(curie(t) for t in onto.g.objects(prop, RDF.type))
        subs = sorted(p for p in onto.properties if (p, RDFS.subPropertyOf, prop) in onto.g)
        key = key_for(prop)
        example = ex.for_property(prop)
        rows = [("Type", ", ".join(f"<code>{_esc(k)}</code>" for k in kinds)),
                ("Subproperty of", _terms(onto.g.objects(prop, RDFS.subPropertyOf))),
                ("Subproperties", _terms(subs)),
                ("Domain", _terms(onto.g.objects(prop, RDFS.domain))),
                ("Range", _terms(onto.g.objects(prop, RDFS.range))),
                ("SHACL rules", _rule_items(rules.for_property(prop))),
                ("JSON-LD key", f"<code>{_esc(key)}</code>" if key else '<span class="muted">none</span>'),
                ("In this release", f"{ex.triples(prop)} triple(s)"),
                ("Example", example or '<span class="muted">not used in this release</span>')]
        out += _term_section(prop, onto, rows)
    out.append("</section>")
    return out


def _individuals(onto: Ontology, ex: _Examples) -> list[str]:
    out = ['<section id="individuals"><h2>Individuals</h2>']
    for ind in onto.individuals:
        types = [t for t in onto.g.objects(ind, RDF.type) if t != OWL.NamedIndividual]
        uses = sum(1 for _ in ex.g.triples((None, None, ind)))
        out += _term_section(ind, onto, [("Type", _terms(types)), ("In this release", f"used as a value {uses} time(s)"),
                                         ("JSON-LD value", f"<code>{_esc(key_for(ind) or curie(ind))}</code>")])
    out.append("</section>")
    return out


def _external_terms(onto: Ontology, data: Graph) -> list[str]:
    """Classes and properties from other vocabularies that the data uses, with their JSON-LD keys and counts."""
    own = str(ONCO)
    props = Counter(p for _, p, _ in data if not str(p).startswith(own))
    classes = Counter(o for o in data.objects(None, RDF.type) if not str(o).startswith(own))
    out = ['<section id="external"><h2>Terms from other vocabularies used in the data</h2>',
           "<p>oncograph reuses W3C ORG, PROV-O, SKOS, schema.org, FOAF and Dublin Core terms as they are"
           " defined there.</p>",
           "<table><tr><th>term</th><th>kind</th><th>JSON-LD key</th><th>in this release</th></tr>"]
    for term, n in sorted(classes.items(), key=lambda kv: curie(kv[0])):
        out.append(f'<tr><td><a href="{_esc(term)}"><code>{_esc(curie(term))}</code></a></td><td>class</td>'
                   f"<td><code>{_esc(key_for(term) or '')}</code></td><td>{n} instance(s)</td></tr>")
    for term, n in sorted(props.items(), key=lambda kv: curie(kv[0])):
        out.append(f'<tr><td><a href="{_esc(term)}"><code>{_esc(curie(term))}</code></a></td><td>property</td>'
                   f"<td><code>{_esc(key_for(term) or '')}</code></td><td>{n} triple(s)</td></tr>")
    out.append("</table></section>")
    return out


def _context_table() -> list[str]:
    ctx = load_context()["@context"]
    terms = context_terms()
    out = ['<section id="context"><h2>JSON-LD keys</h2>',
           "<p>The JSON-LD context (<code>context.jsonld</code>, embedded in <code>oncograph.compact.jsonld</code>)"
           " gives every property used in the data a short key. Identifiers are relative to"
           f" <code>{_esc(ctx.get('@base', ''))}</code>, so <code>org/esmo</code> is"
           f" <code>{_esc(ctx.get('@base', ''))}org/esmo</code>.</p>",
           "<table><tr><th>key</th><th>IRI</th><th>values</th></tr>"]
    for key in sorted(terms, key=lambda k: (k[0].isupper(), k.lower())):
        dfn = ctx[key]
        coercion = ""
        if isinstance(dfn, dict):
            if dfn.get("@type") == "@id":
                coercion = "IRI"
            elif dfn.get("@type") == "@vocab":
                coercion = "term (e.g. Stated)"
            elif dfn.get("@type"):
                coercion = f"typed {dfn['@type']}"
            elif dfn.get("@language"):
                coercion = f"text, language {dfn['@language']}"
            else:
                coercion = "text or typed value"
        else:
            coercion = "class or value name"
        out.append(f"<tr><td><code>{_esc(key)}</code></td><td><code>{_esc(curie(terms[key]))}</code></td>"
                   f"<td>{_esc(coercion)}</td></tr>")
    out.append("</table></section>")
    return out


def _all_rules(rules: Shapes) -> list[str]:
    out = ['<section id="rules"><h2>SHACL rules</h2>',
           "<p>Every rule of <code>shapes.ttl</code>, by name. <code>oncograph validate</code> reports violations by"
           " these names.</p>", "<table><tr><th>rule</th><th>applies to</th><th>checks</th><th>message</th></tr>"]
    for r in sorted(rules.rules, key=lambda r: (r.name, str(r.shape))):
        what = (f"<code>{_esc(curie(r.path))}</code>: " if r.path is not None else "") + _esc(r.constraints)
        out.append(f"<tr><td>{_esc(r.name)}</td><td>{_esc('; '.join(r.targets))}</td><td>{what}</td>"
                   f"<td>{_esc(r.message)}</td></tr>")
    out.append("</table></section>")
    return out


# -- diagrams -----------------------------------------------------------------------------------------------------
_BOX_W, _LINE, _GAP = 214, 15, 14
_X_LEFT, _X_MID, _X_RIGHT, _WIDTH = 10, 393, 776, 1000


def _svg_text(x, y, text, *, size=12, weight="normal", anchor="start", fill="#1d1d1f", italic=False) -> str:
    style = ' font-style="italic"' if italic else ""
    return (f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}"'
            f' fill="{fill}"{style}>{_esc(text)}</text>')


def _box_height(lines: int) -> int:
    return lines * _LINE + 14


def _svg_box(x, y, lines: list[tuple[str, str]], *, fill, stroke) -> list[str]:
    height = _box_height(len(lines))
    out = [f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{height}" rx="6" fill="{fill}" stroke="{stroke}"/>']
    for i, (text, weight) in enumerate(lines):
        out.append(_svg_text(x + _BOX_W / 2, y + 18 + _LINE * i, _fit(text), weight=weight, anchor="middle"))
    return out


def _fit(text: str, width: int = 33) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _class_name(onto: "Ontology", cls) -> str:
    """rdfs:label for own classes; the local name in words for others (org:Membership -> 'membership')."""
    own = _text(onto.g, cls, RDFS.label)
    if own:
        return own
    local = str(cls).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "".join(" " + c.lower() if c.isupper() else c for c in local).strip()


def relationship_diagram(onto: Ontology | None = None, rules: Shapes | None = None) -> str:
    """SVG: one row per relationship class, parties left and right, qualifiers and direct edges beneath."""
    onto = onto or Ontology(paths.load_ontology())
    rules = rules or Shapes(paths.load_shapes())
    body: list[str] = []
    y = 12
    for rtype in REL_TYPES.values():
        cls = rtype.rdf_class
        supers = _supers(onto, cls)
        boxes = []
        for party in rtype.parties:
            classes = rules.party_classes(cls, party.prop, supers) or ["any"]
            boxes.append((party, [(party.field, "bold")] + [(c, "normal") for c in classes]))
        half = (len(boxes) + 1) // 2
        sides = (("left", boxes[:half]), ("right", boxes[half:]))
        heights = [sum(_box_height(len(lines)) + _GAP for _, lines in group) - _GAP for _, group in sides]
        block_h = max(heights + [_box_height(2)])
        mid_h = _box_height(2)
        mid_y = y + (block_h - mid_h) / 2
        body += _svg_box(_X_MID, mid_y, [(curie(cls), "bold"), (_class_name(onto, cls), "normal")],
                         fill="#fff4e0", stroke="#c98a1b")
        for (side, group), height in zip(sides, heights):
            by = y + (block_h - height) / 2
            for party, lines in group:
                bx = _X_LEFT if side == "left" else _X_RIGHT
                bh = _box_height(len(lines))
                body += _svg_box(bx, by, lines, fill="#eaf2fb", stroke="#4a78a8")
                x1 = _X_MID if side == "left" else _X_MID + _BOX_W
                x2 = bx + _BOX_W if side == "left" else bx
                y1, y2 = mid_y + mid_h / 2, by + bh / 2
                body.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#4a78a8" stroke-width="1.4"'
                            ' marker-end="url(#arrow)"/>')
                xm, ym = (x1 + x2) / 2, (y1 + y2) / 2
                body.append(_svg_text(xm, round(ym - 5, 1), curie(party.prop), size=11, anchor="middle", fill="#244a70"))
                card = rules.cardinality(cls, party.prop, supers)
                if card:
                    body.append(_svg_text(xm, round(ym + 13, 1), card, size=10, anchor="middle", fill="#667"))
                by += bh + _GAP
        y += block_h + 6
        extras = []
        shown = {p.prop for p in rtype.parties}
        for concept in rtype.concepts:
            shown.add(concept.prop)
            target = " | ".join(rules.party_classes(cls, concept.prop, supers)) or f"a concept of {concept.scheme}"
            extras.append(f"{concept.field}: {curie(concept.prop)} → {target}")
        for rule in rules.for_class({cls} | supers):
            if rule.path is not None and rule.path not in shown and rule.path != PROV_DERIVED:
                classes = rules.party_classes(cls, rule.path, supers)
                if classes:
                    shown.add(rule.path)
                    card = rules.cardinality(cls, rule.path, supers)
                    extras.append(f"also: {curie(rule.path)} → {' | '.join(classes)}" + (f" [{card}]" if card else ""))
        for edge in rtype.edges:
            obj = f"the {rtype.name} node" if edge.object == "@" else edge.object
            extras.append(f"direct edge: {edge.subject} {curie(edge.predicate)} {obj}")
        for line in extras:
            y += 15
            body.append(_svg_text(_X_MID + _BOX_W / 2, y, line, size=11, anchor="middle", fill="#555", italic=True))
        y += 22
        body.append(f'<line x1="8" y1="{y - 8}" x2="{_WIDTH - 8}" y2="{y - 8}" stroke="#eee"/>')
    return _svg(body, y, "Relationship nodes and their parties")


def class_tree(onto: Ontology | None = None) -> str:
    """SVG: the class hierarchy as an indented tree (a class with two parents appears under both)."""
    onto = onto or Ontology(paths.load_ontology())
    nodes = set(onto.classes) | {e.rdf_class for e in ENTITY_CLASSES.values()} | {t.rdf_class for t in REL_TYPES.values()}
    for c in list(nodes):
        nodes |= onto.all_supers(c)
    children: dict = defaultdict(list)
    for c in nodes:
        for s in onto.supers.get(c, ()):
            if s in nodes:
                children[s].append(c)
    roots = sorted((c for c in nodes if not (onto.supers.get(c, set()) & nodes)), key=curie)
    body: list[str] = []
    row = [0]

    def draw(cls, depth, parent_y):
        y = 18 + row[0] * 20
        row[0] += 1
        x = 14 + depth * 24
        if parent_y is not None:
            body.append(f'<path d="M{x - 16} {parent_y + 4} V{y - 4} H{x - 4}" fill="none" stroke="#aab"/>')
        own = str(cls).startswith(str(ONCO))
        body.append(_svg_text(x, y, curie(cls), weight="bold" if own else "normal", fill="#1d1d1f" if own else "#556"))
        for child in sorted(children.get(cls, ()), key=curie):
            draw(child, depth + 1, y)

    for root in roots:
        draw(root, 0, None)
    return _svg(body, 18 + row[0] * 20, "Class hierarchy", width=520)


def _svg(body: list[str], height, title: str, *, width: int = _WIDTH) -> str:
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {round(height + 10)}" width="{width}"'
        f' height="{round(height + 10)}" role="img" aria-label="{_esc(title)}"'
        ' font-family="system-ui, -apple-system, Segoe UI, sans-serif">',
        f"<title>{_esc(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#4a78a8"/></marker></defs>',
        *body,
        "</svg>",
    ])


__all__ = ["Ontology", "Shapes", "class_tree", "model_rows", "ontology_page", "relationship_diagram"]
