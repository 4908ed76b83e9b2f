"""Fast SHACL: the shapes graph compiled to SPARQL queries, run on an Oxigraph store.

pyshacl walks every focus node in Python; at a million triples that takes minutes. Here each constraint of each shape
becomes one SPARQL SELECT that returns only the failing (focus node, value) rows, and Oxigraph evaluates it in Rust.
The compiler is generic: it reads any shapes graph that uses the SHACL Core constraints listed in ``SUPPORTED`` and
SPARQL-based constraints (``sh:sparql`` with ``sh:select``), and raises ``UnsupportedShapes`` for anything else, so a
caller can fall back to pyshacl.

The output is a results graph in pyshacl's form (``sh:ValidationReport`` with ``sh:result`` nodes carrying
``sh:focusNode``, ``sh:resultPath``, ``sh:value``, ``sh:sourceShape``, ``sh:sourceConstraintComponent``,
``sh:resultSeverity``, ``sh:resultMessage``), without ``sh:detail``.

Where pyshacl departs from the SHACL spec, this follows the spec:

- ``sh:lessThan`` / ``sh:lessThanOrEquals``: "where the first value is not less than (or equal to) the second value
  (based on SPARQL's < / <= operator) or where the two values cannot be compared, there is a validation result".
  Values of different kinds (an ``xsd:date`` and an ``xsd:gYear``, two IRIs, language-tagged strings) cannot be
  compared by SPARQL's operators, so they are violations; pyshacl (through rdflib) compares them anyway.
- ``sh:sparql`` constraints run on Oxigraph's SPARQL engine, where comparing an ``xsd:date`` with a plain string is a
  type error (so the FILTER is false); rdflib compares the two as strings.

Known difference that is not about the spec: Oxigraph stores numbers and dates by value, so a literal written in a
non-canonical form (``"01"^^xsd:integer``) is reported in its canonical form (``"1"^^xsd:integer``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from .errors import OncographError
from .namespaces import SH

RDFS_CLASS = RDFS.Class


class UnsupportedShapes(OncographError):
    """The shapes use a SHACL feature the fast engine does not translate; validate with pyshacl instead."""


#: Constraint parameters the compiler translates (everything else in a shape raises UnsupportedShapes).
SUPPORTED = frozenset({
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.node, SH["or"], SH["and"], SH["not"], SH.xone,
    SH.minCount, SH.maxCount, SH.disjoint, SH.equals, SH.lessThan, SH.lessThanOrEquals, SH.minLength, SH.maxLength,
    SH.pattern, SH.flags, SH.languageIn, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
    SH.sparql, SH.property,
})
#: Shape properties that are not constraints (targets, names, messages, ...): ignored by the compiler.
_NON_CONSTRAINTS = frozenset({
    RDF.type, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.name,
    SH.description, SH.message, SH.severity, SH.deactivated, SH.order, SH.group, SH.defaultValue, RDFS.label,
    RDFS.comment,
})
_UNSUPPORTED_HINT = "validate with engine='pyshacl' (or extend oncograph.fastshacl)"

# Datatypes whose well-formedness pyshacl checks (through rdflib); Oxigraph checks them by casting.
_CASTABLE = frozenset({XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.boolean, XSD.date, XSD.time, XSD.dateTime})
# Families of datatypes SPARQL's comparison operators are defined on (SPARQL 1.1 operator mapping plus the XSD
# date/time extensions Oxigraph implements). A pair of values from different families cannot be compared.
_NUMERIC = (XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.nonPositiveInteger, XSD.negativeInteger, XSD.long,
            XSD.int, XSD.short, XSD.byte, XSD.nonNegativeInteger, XSD.unsignedLong, XSD.unsignedInt,
            XSD.unsignedShort, XSD.unsignedByte, XSD.positiveInteger)
_COMPARABLE = (_NUMERIC, (XSD.string,), (XSD.boolean,), (XSD.dateTime, XSD.dateTimeStamp), (XSD.date,), (XSD.time,),
               (XSD.gYear,), (XSD.gYearMonth,), (XSD.gMonth,), (XSD.gDay,), (XSD.gMonthDay,), (XSD.duration,),
               (XSD.yearMonthDuration,), (XSD.dayTimeDuration,))

_NODE_KINDS = {
    SH.IRI: "isIRI({x})", SH.BlankNode: "isBlank({x})", SH.Literal: "isLiteral({x})",
    SH.BlankNodeOrIRI: "!isLiteral({x})", SH.BlankNodeOrLiteral: "!isIRI({x})", SH.IRIOrLiteral: "!isBlank({x})",
}


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT whose rows (?this, optionally ?value) are validation results."""

    shape: URIRef | BNode  # sh:sourceShape
    component: URIRef  # sh:sourceConstraintComponent
    query: str
    path: URIRef | BNode | None  # sh:resultPath (a node of the shapes graph)
    severity: URIRef
    messages: tuple[Literal, ...]
    constraint: BNode | URIRef | None = None  # sh:sourceConstraint (SPARQL-based constraints)
    value_is_focus: bool = False  # node shapes: the value node is the focus node


def _n3(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise UnsupportedShapes(f"a blank node ({term}) is used as a constant in a constraint; {_UNSUPPORTED_HINT}")


class _Compiler:
    """Turns the shapes graph into Checks. Variables get fresh names so nested EXISTS blocks never share them."""

    def __init__(self, shapes: Graph):
        self.g = shapes
        self._vars = itertools.count()
        self._stack: list = []

    def var(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self._vars)}"

    # -- shapes graph helpers --------------------------------------------------------------------------------
    def list(self, node) -> list:
        return list(Collection(self.g, node))

    def deactivated(self, shape) -> bool:
        return any(v.toPython() is True for v in self.g.objects(shape, SH.deactivated) if isinstance(v, Literal))

    def is_property_shape(self, shape) -> bool:
        return self.g.value(shape, SH.path) is not None

    def path(self, node) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, URIRef):
            return f"<{node}>"
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(p) for p in self.list(node)) + ")"
        for prop, fmt in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"),
                          (SH.zeroOrOnePath, "({})?")):
            inner = self.g.value(node, prop)
            if inner is not None:
                return fmt.format(self.path(inner))
        alt = self.g.value(node, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path(p) for p in self.list(alt)) + ")"
        raise UnsupportedShapes(f"unknown property path {node}; {_UNSUPPORTED_HINT}")

    def check_supported(self, shape) -> None:
        for p in set(self.g.predicates(shape, None)):
            if p not in SUPPORTED and p not in _NON_CONSTRAINTS:
                raise UnsupportedShapes(f"shape {shape} uses {p}, which the fast engine does not translate; "
                                        f"{_UNSUPPORTED_HINT}")

    def severity(self, shape) -> URIRef:
        return self.g.value(shape, SH.severity) or SH.Violation

    def messages(self, *nodes) -> tuple[Literal, ...]:
        for n in nodes:
            msgs = tuple(sorted(self.g.objects(n, SH.message)))
            if msgs:
                return msgs
        return ()

    # -- targets ---------------------------------------------------------------------------------------------
    def targets(self, shape) -> str | None:
        """A pattern binding ?this to every focus node of ``shape``, or None if it has no target."""
        parts = []
        for t in self.g.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {_n3(t)} }}")
        classes = list(self.g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS_CLASS) in self.g and (shape, RDF.type, SH.NodeShape) in self.g:
            classes.append(shape)  # implicit class target
        for c in classes:
            parts.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {_n3(c)} .")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {_n3(p)} {self.var('t')} .")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{self.var('t')} {_n3(p)} ?this .")
        if not parts:
            return None
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    # -- top level -------------------------------------------------------------------------------------------
    def checks(self) -> list[Check]:
        out: list[Check] = []
        shapes = set(self.g.subjects(SH.targetClass, None)) | set(self.g.subjects(SH.targetNode, None)) \
            | set(self.g.subjects(SH.targetSubjectsOf, None)) | set(self.g.subjects(SH.targetObjectsOf, None)) \
            | {s for s in self.g.subjects(RDF.type, SH.NodeShape) if (s, RDF.type, RDFS_CLASS) in self.g}
        for shape in sorted(shapes, key=str):
            if self.deactivated(shape):
                continue
            out.extend(self.shape_checks(shape, self.targets(shape)))
        return out

    def shape_checks(self, shape, focus: str) -> list[Check]:
        """Checks of ``shape`` (node or property) on the focus nodes bound to ?this by ``focus``."""
        if self.deactivated(shape):
            return []
        self.check_supported(shape)
        if shape in self._stack:
            raise UnsupportedShapes(f"shape {shape} refers to itself; {_UNSUPPORTED_HINT}")
        self._stack.append(shape)
        try:
            return self._shape_checks(shape, focus)
        finally:
            self._stack.pop()

    def _shape_checks(self, shape, focus: str) -> list[Check]:
        out: list[Check] = []
        path_node = self.g.value(shape, SH.path)
        sev, msgs = self.severity(shape), self.messages(shape)

        def check(component, query, *, value_is_focus=False, constraint=None, messages=None):
            out.append(Check(shape, component, query, path_node, sev, messages if messages is not None else msgs,
                             constraint, value_is_focus))

        for component, bad in self.value_tests(shape):
            if path_node is None:
                check(component, f"SELECT ?this WHERE {{ {focus} FILTER({bad('?this')}) }}", value_is_focus=True)
            else:
                path = self.path(path_node)
                check(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . "
                                 f"FILTER({bad('?value')}) }}")
        if path_node is not None:
            path = self.path(path_node)
            for component, query in self.focus_queries(shape, path, focus):
                check(component, query)
        else:
            for q in self.g.objects(shape, SH.disjoint):
                check(SH.DisjointConstraintComponent,
                      f"SELECT ?this WHERE {{ {focus} ?this {_n3(q)} ?this . }}", value_is_focus=True)
            for q in self.g.objects(shape, SH.equals):
                check(SH.EqualsConstraintComponent,
                      f"SELECT DISTINCT ?this ?value WHERE {{ {focus} "
                      f"{{ ?this {_n3(q)} ?value FILTER(!sameTerm(?value, ?this)) }} UNION "
                      f"{{ FILTER NOT EXISTS {{ ?this {_n3(q)} ?this }} BIND(?this AS ?value) }} }}")
        for constraint in self.g.objects(shape, SH.sparql):
            if not self.deactivated(constraint):
                check(SH.SPARQLConstraintComponent, self.sparql(constraint, shape, focus), constraint=constraint,
                      messages=self.messages(constraint, shape))
        for prop in self.g.objects(shape, SH.property):
            if path_node is None:
                out.extend(self.shape_checks(prop, focus))
            else:
                values = f"{{ SELECT DISTINCT ?this WHERE {{ {focus.replace('?this', '?_outer')} " \
                         f"?_outer {self.path(path_node)} ?this . }} }}"
                out.extend(self.shape_checks(prop, values))
        return out

    def focus_queries(self, shape, path: str, focus: str) -> Iterator[tuple[URIRef, str]]:
        """Constraints on the set of values of a property shape, as (component, SELECT ?this [?value])."""
        for n in self.g.objects(shape, SH.minCount):
            n = int(n)
            if n == 1:
                yield SH.MinCountConstraintComponent, \
                    f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?_any }} }}"
            elif n > 1:
                yield SH.MinCountConstraintComponent, \
                    f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?_v }} }} " \
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {n})"
        for n in self.g.objects(shape, SH.maxCount):
            yield SH.MaxCountConstraintComponent, \
                f"SELECT ?this WHERE {{ {focus} ?this {path} ?_v }} GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) > {int(n)})"
        for v in self.g.objects(shape, SH.hasValue):
            yield SH.HasValueConstraintComponent, \
                f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {_n3(v)} }} }}"
        for q in self.g.objects(shape, SH.disjoint):
            yield SH.DisjointConstraintComponent, \
                f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . ?this {_n3(q)} ?value . }}"
        for q in self.g.objects(shape, SH.equals):
            yield SH.EqualsConstraintComponent, \
                f"SELECT DISTINCT ?this ?value WHERE {{ {focus} " \
                f"{{ ?this {path} ?value FILTER NOT EXISTS {{ ?this {_n3(q)} ?value }} }} UNION " \
                f"{{ ?this {_n3(q)} ?value FILTER NOT EXISTS {{ ?this {path} ?value }} }} }}"
        for prop, op, component in ((SH.lessThan, "<", SH.LessThanConstraintComponent),
                                    (SH.lessThanOrEquals, "<=", SH.LessThanOrEqualsConstraintComponent)):
            for q in self.g.objects(shape, prop):
                # one result per failing pair, as the spec says (and pyshacl does)
                yield component, \
                    f"SELECT ?this ?value ?_other WHERE {{ {focus} ?this {path} ?value . ?this {_n3(q)} ?_other . " \
                    f"FILTER(!{_compare('?value', op, '?_other')}) }}"

    # -- value tests: an expression true when one value node fails --------------------------------------------
    def value_tests(self, shape) -> list[tuple[URIRef, Callable[[str], str]]]:
        g, out = self.g, []
        for c in g.objects(shape, SH["class"]):
            out.append((SH.ClassConstraintComponent,
                        lambda x, c=c: f"NOT EXISTS {{ {x} <{RDF.type}>/<{RDFS.subClassOf}>* {_n3(c)} }}"))
        for d in g.objects(shape, SH.datatype):
            out.append((SH.DatatypeConstraintComponent, lambda x, d=d: f"!({_has_datatype(x, d)})"))
        for k in g.objects(shape, SH.nodeKind):
            if k not in _NODE_KINDS:
                raise UnsupportedShapes(f"unknown sh:nodeKind {k} in {shape}")
            out.append((SH.NodeKindConstraintComponent, lambda x, k=k: f"!({_NODE_KINDS[k].format(x=x)})"))
        for lst in g.objects(shape, SH["in"]):
            members = [_n3(m) for m in self.list(lst)]
            out.append((SH.InConstraintComponent,
                        lambda x, m=members: "!(" + (" || ".join(f"sameTerm({x}, {t})" for t in m) or "false") + ")"))
        if not self.is_property_shape(shape):
            for v in g.objects(shape, SH.hasValue):
                out.append((SH.HasValueConstraintComponent, lambda x, v=v: f"!sameTerm({x}, {_n3(v)})"))
        for s in g.objects(shape, SH.node):
            out.append((SH.NodeConstraintComponent, lambda x, s=s: self.violates(s, x)))
        for lst in g.objects(shape, SH["or"]):
            shapes = self.list(lst)
            out.append((SH.OrConstraintComponent,
                        lambda x, ss=shapes: "(" + (" && ".join(self.violates(s, x) for s in ss) or "true") + ")"))
        for lst in g.objects(shape, SH["and"]):
            shapes = self.list(lst)
            out.append((SH.AndConstraintComponent,
                        lambda x, ss=shapes: "(" + (" || ".join(self.violates(s, x) for s in ss) or "false") + ")"))
        for s in g.objects(shape, SH["not"]):
            out.append((SH.NotConstraintComponent, lambda x, s=s: f"!{self.violates(s, x)}"))
        for lst in g.objects(shape, SH.xone):
            shapes = self.list(lst)
            out.append((SH.XoneConstraintComponent, lambda x, ss=shapes: "((" + " + ".join(
                f"IF({self.violates(s, x)}, 0, 1)" for s in ss) + ") != 1)"))
        for n in g.objects(shape, SH.minLength):
            out.append((SH.MinLengthConstraintComponent,
                        lambda x, n=n: f"!COALESCE(!isBlank({x}) && STRLEN(STR({x})) >= {int(n)}, false)"))
        for n in g.objects(shape, SH.maxLength):
            out.append((SH.MaxLengthConstraintComponent,
                        lambda x, n=n: f"!COALESCE(!isBlank({x}) && STRLEN(STR({x})) <= {int(n)}, false)"))
        for pat in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            fl = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            out.append((SH.PatternConstraintComponent, lambda x, p=pat, fl=fl:
                        f"!COALESCE(!isBlank({x}) && REGEX(STR({x}), {Literal(str(p)).n3()}{fl}), false)"))
        for lst in g.objects(shape, SH.languageIn):
            langs = [str(t) for t in self.list(lst)]
            out.append((SH.LanguageInConstraintComponent, lambda x, ls=langs: "!(isLiteral({x}) && (".replace(
                "{x}", x) + (" || ".join(f"langMatches(lang({x}), {Literal(lg).n3()})" for lg in ls) or "false") + "))"))
        for prop, op, component in ((SH.minInclusive, ">=", SH.MinInclusiveConstraintComponent),
                                    (SH.maxInclusive, "<=", SH.MaxInclusiveConstraintComponent),
                                    (SH.minExclusive, ">", SH.MinExclusiveConstraintComponent),
                                    (SH.maxExclusive, "<", SH.MaxExclusiveConstraintComponent)):
            for v in g.objects(shape, prop):
                out.append((component, lambda x, v=v, op=op: f"!COALESCE({x} {op} {_n3(v)}, false)"))
        return out

    def violates(self, shape, x: str) -> str:
        """A SPARQL expression that is true when node ``x`` does not conform to ``shape``."""
        if self.deactivated(shape):
            return "false"
        self.check_supported(shape)
        if shape in self._stack:
            raise UnsupportedShapes(f"shape {shape} refers to itself; {_UNSUPPORTED_HINT}")
        if any(True for _ in self.g.objects(shape, SH.sparql)):
            raise UnsupportedShapes(f"shape {shape} is nested (sh:node, sh:or, ...) and has sh:sparql; "
                                    f"{_UNSUPPORTED_HINT}")
        self._stack.append(shape)
        try:
            parts = []
            path_node = self.g.value(shape, SH.path)
            if path_node is None:
                parts += [bad(x) for _, bad in self.value_tests(shape)]
                for q in self.g.objects(shape, SH.disjoint):
                    parts.append(f"EXISTS {{ {x} {_n3(q)} {x} }}")
                for q in self.g.objects(shape, SH.equals):
                    w = self.var()
                    parts.append(f"(EXISTS {{ {x} {_n3(q)} {w} FILTER(!sameTerm({w}, {x})) }} || "
                                 f"NOT EXISTS {{ {x} {_n3(q)} {x} }})")
                for prop in self.g.objects(shape, SH.property):
                    parts.append(self.violates(prop, x))
            else:
                path = self.path(path_node)
                for _, bad in self.value_tests(shape):
                    v = self.var()
                    parts.append(f"EXISTS {{ {x} {path} {v} FILTER({bad(v)}) }}")
                for n in self.g.objects(shape, SH.minCount):
                    if int(n) > 0:
                        vs = [self.var() for _ in range(int(n))]
                        parts.append(f"NOT EXISTS {{ {_distinct_values(x, path, vs)} }}")
                for n in self.g.objects(shape, SH.maxCount):
                    vs = [self.var() for _ in range(int(n) + 1)]
                    parts.append(f"EXISTS {{ {_distinct_values(x, path, vs)} }}")
                for v in self.g.objects(shape, SH.hasValue):
                    parts.append(f"NOT EXISTS {{ {x} {path} {_n3(v)} }}")
                for q in self.g.objects(shape, SH.disjoint):
                    v = self.var()
                    parts.append(f"EXISTS {{ {x} {path} {v} . {x} {_n3(q)} {v} }}")
                for q in self.g.objects(shape, SH.equals):
                    v = self.var()
                    parts.append(f"EXISTS {{ {{ {x} {path} {v} FILTER NOT EXISTS {{ {x} {_n3(q)} {v} }} }} UNION "
                                 f"{{ {x} {_n3(q)} {v} FILTER NOT EXISTS {{ {x} {path} {v} }} }} }}")
                for prop, op in ((SH.lessThan, "<"), (SH.lessThanOrEquals, "<=")):
                    for q in self.g.objects(shape, prop):
                        v, w = self.var(), self.var()
                        parts.append(f"EXISTS {{ {x} {path} {v} . {x} {_n3(q)} {w} FILTER(!{_compare(v, op, w)}) }}")
                for prop in self.g.objects(shape, SH.property):
                    v = self.var()
                    parts.append(f"EXISTS {{ {x} {path} {v} FILTER({self.violates(prop, v)}) }}")
            return "(" + (" || ".join(parts) or "false") + ")"
        finally:
            self._stack.pop()

    # -- SPARQL-based constraints ----------------------------------------------------------------------------
    def sparql(self, constraint, shape, focus: str) -> str:
        """The constraint's SELECT with its prefixes, and ?this pre-bound to the focus nodes by a join at the front."""
        select = self.g.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShapes(f"sh:sparql constraint of {shape} has no sh:select; {_UNSUPPORTED_HINT}")
        text = str(select)
        for var in ("$currentShape", "$shapesGraph"):
            if var in text:
                raise UnsupportedShapes(f"{shape}: {var} in sh:select is not supported; {_UNSUPPORTED_HINT}")
        path_node = self.g.value(shape, SH.path)
        if "$PATH" in text:
            if path_node is None:
                raise UnsupportedShapes(f"{shape}: $PATH used in a node shape")
            text = text.replace("$PATH", self.path(path_node))
        text = re.sub(r"\$this\b", "?this", text)
        prefixes = []
        for p in self.g.objects(constraint, SH.prefixes):
            for decl in self.g.objects(p, SH.declare):
                prefixes.append(f"PREFIX {self.g.value(decl, SH.prefix)}: <{self.g.value(decl, SH.namespace)}>")
        m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE) or re.search(r"\{", text)
        if m is None:
            raise UnsupportedShapes(f"{shape}: cannot find the WHERE clause of sh:select")
        return "\n".join(prefixes) + "\n" + text[:m.end()] + f" {focus} " + text[m.end():]


def _distinct_values(x: str, path: str, vs: list[str]) -> str:
    """A pattern matching ``len(vs)`` pairwise different values of ``path`` at ``x``."""
    triples = " . ".join(f"{x} {path} {v}" for v in vs)
    diff = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2))
    return triples + (f" FILTER({diff})" if diff else "")


def _has_datatype(x: str, d) -> str:
    """SPARQL for "x is a literal of datatype d, and well formed where SPARQL knows the datatype"."""
    if d == RDF.langString:
        return f'isLiteral({x}) && lang({x}) != ""'
    test = f"isLiteral({x}) && datatype({x}) = <{d}>"
    if d in _CASTABLE:
        # an ill-typed literal fails the cast; the COALESCE turns the error into a plain string
        test += f" && datatype(COALESCE(<{d}>(STR({x})), \"\")) = <{d}>"
    return test


def _compare(a: str, op: str, b: str) -> str:
    """``a op b`` per SPARQL's operators, false (not an error) where the two values cannot be compared."""
    same_family = " || ".join(
        "(" + " && ".join(f"datatype({t}) IN ({', '.join(f'<{d}>' for d in fam)})" for t in (a, b)) + ")"
        for fam in _COMPARABLE)
    # SPARQL 1.1 defines < on booleans; Oxigraph does not, so booleans are compared as 0 and 1
    value_cmp = (f"IF(datatype({a}) = <{XSD.boolean}>, <{XSD.integer}>({a}) {op} <{XSD.integer}>({b}), {a} {op} {b})")
    return f"COALESCE(isLiteral({a}) && isLiteral({b}) && ({same_family}) && {value_cmp}, false)"


# -- running ---------------------------------------------------------------------------------------------------
def compile_shapes(shapes: Graph) -> list[Check]:
    """The Checks of a shapes graph (a few milliseconds for ours). Raises UnsupportedShapes."""
    return _Compiler(shapes).checks()


def supports(shapes: Graph) -> bool:
    """Whether every shape can be compiled (otherwise validate with pyshacl)."""
    try:
        compile_shapes(shapes)
    except UnsupportedShapes:
        return False
    return True


def validate_store(store, shapes: Graph, *, graph_name=None, timings: dict | None = None) -> Graph:
    """Validate the data in a pyoxigraph Store (its default graph, or ``graph_name``); returns a results graph.

    The checks run on a few threads (Oxigraph releases the GIL while it evaluates a query, so two cores halve the
    time); the results are added in the order of the checks, so the results graph does not depend on timing.
    ``timings``: if given, filled with seconds per (shape, component), to find the slow constraints.
    """
    import os
    import time
    from concurrent.futures import ThreadPoolExecutor

    checks = compile_shapes(shapes)
    kwargs = {"default_graph": graph_name} if graph_name is not None else {}

    def run(check: Check):
        t0 = time.perf_counter()
        rows = list(store.query(check.query, **kwargs))
        return rows, time.perf_counter() - t0

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        answers = list(pool.map(run, checks))
    results = Graph()
    report = BNode()
    results.add((report, RDF.type, SH.ValidationReport))
    conforms, copied = True, set()
    for check, (rows, seconds) in zip(checks, answers):
        for row in rows:
            _add_result(results, report, check, row, shapes, copied)
            conforms = conforms and check.severity != SH.Violation
        if timings is not None:
            key = f"{check.shape.n3() if isinstance(check.shape, URIRef) else 'blank'} {check.component.split('#')[-1]}"
            timings[key] = timings.get(key, 0.0) + seconds
    results.add((report, SH.conforms, Literal(conforms)))
    return results


def _add_result(results: Graph, report: BNode, check: Check, row, shapes: Graph, copied: set) -> None:
    """One sh:ValidationResult, as pyshacl writes it (anonymous shapes, paths and constraints copied along)."""
    from .store import from_ox

    focus = from_ox(row["this"])
    value = focus if check.value_is_focus else from_ox(_get(row, "value"))
    if value is None and check.component == SH.SPARQLConstraintComponent:
        value = focus  # as pyshacl does when the query does not bind ?value
    r = BNode()
    results.add((report, SH.result, r))
    for p, o in ((RDF.type, SH.ValidationResult), (SH.focusNode, focus), (SH.sourceShape, check.shape),
                 (SH.sourceConstraintComponent, check.component), (SH.resultSeverity, check.severity),
                 (SH.resultPath, check.path), (SH.value, value), (SH.sourceConstraint, check.constraint)):
        if o is not None:
            results.add((r, p, o))
    for m in check.messages or (Literal(_default_message(check)),):
        results.add((r, SH.resultMessage, _fill(m, row)))
    for node in (check.path, check.constraint, check.shape):
        _copy_structure(shapes, results, node, copied)


def validate_graph(graph: Graph, shapes: Graph, *, timings: dict | None = None) -> Graph:
    """Validate an rdflib Graph: in place if it is Oxigraph-backed, else on a converted copy."""
    from .store import oxigraph_of, to_oxigraph

    behind = oxigraph_of(graph)
    if behind is not None:
        store, name = behind
        return validate_store(store, shapes, graph_name=name, timings=timings)
    return validate_store(to_oxigraph(graph), shapes, timings=timings)


def conforms_of(results: Graph) -> bool:
    return bool(next(results.objects(None, SH.conforms)).toPython())


def _get(row, name):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


def _fill(message: Literal, row) -> Literal:
    """Substitute {?var} / {$var} in a message with the solution's bindings, as SHACL-SPARQL says."""
    if "{" not in message:
        return message

    from .store import from_ox

    def sub(m):
        t = _get(row, m.group(1))
        return str(from_ox(t)) if t is not None else m.group(0)

    return Literal(_TEMPLATE.sub(sub, str(message)), lang=message.language, datatype=message.datatype)


def _default_message(check: Check) -> str:
    return f"{check.component.split('#')[-1].removesuffix('ConstraintComponent')} constraint not met"


def _copy_structure(src: Graph, dst: Graph, node, seen: set) -> None:
    """Copy the blank-node structure hanging off ``node`` (a path, an anonymous shape, a constraint)."""
    if not isinstance(node, BNode) or node in seen:
        return
    seen.add(node)
    for p, o in src.predicate_objects(node):
        dst.add((node, p, o))
        _copy_structure(src, dst, o, seen)


def result_keys(results: Graph) -> list[tuple]:
    """The top-level results of a results graph as comparable tuples (focus, path, value, shape, component).

    Blank nodes (anonymous shapes, complex paths) are written as ``_:`` so results graphs from different runs
    compare; sh:detail results (pyshacl's nested explanations) are not top-level and are left out.
    """
    def norm(t):
        return "_:" if isinstance(t, BNode) else t

    out = []
    for report in results.subjects(RDF.type, SH.ValidationReport):
        for r in results.objects(report, SH.result):
            out.append(tuple(norm(results.value(r, p)) for p in (
                SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent)))
    return sorted(out, key=lambda t: tuple(str(x) for x in t))


__all__ = ["Check", "SUPPORTED", "UnsupportedShapes", "compile_shapes", "conforms_of", "result_keys", "supports",
           "validate_graph", "validate_store"]
