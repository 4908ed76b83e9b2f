"""Validate: check a graph against the SHACL shapes in ``ontology/shapes.ttl`` and report by rule.

Each result names the entity by label and IRI, the rule (the shape's sh:name), the property and value, and, when
the graph was built from ``data/``, the file and line the entity was written at.

Two engines give the same results: pyshacl (the reference) and ``oncograph.fastshacl`` (the shapes compiled to
SPARQL on Oxigraph, minutes faster at a million triples, and following the SHACL spec where pyshacl does not).
``engine="auto"`` uses the fast one for graphs above ``FAST_ABOVE`` triples or already held in Oxigraph.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from . import paths
from .errors import InputError, Location
from .namespaces import ONCO, SH, bind_prefixes


class Engine(str, enum.Enum):
    """Which SHACL engine validates: pyshacl, the SPARQL-on-Oxigraph one, or the fast one for big graphs."""

    AUTO = "auto"
    FAST = "fast"
    PYSHACL = "pyshacl"


#: ``engine="auto"`` validates graphs bigger than this (in triples) with the fast engine.
FAST_ABOVE = 10_000


@dataclass(frozen=True)
class Violation:
    rule: str  # the shape's sh:name, or its IRI
    shape: str  # IRI of the shape that fired
    focus: str  # IRI of the entity
    label: str | None
    path: str | None
    value: str | None
    message: str
    severity: str
    origin: Location | None = None

    def describe(self) -> str:
        who = f"{self.label} <{self.focus}>" if self.label else f"<{self.focus}>"
        parts = [who]
        if self.path:
            parts.append(f"property {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        where = f" [{self.origin}]" if self.origin else ""
        return f"{'; '.join(parts)}: {self.message}{where}"


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    results_graph: Graph | None = None

    @property
    def violation_count(self) -> int:
        return sum(1 for v in self.violations if v.severity == "Violation")

    def by_rule(self) -> dict[str, list[Violation]]:
        groups: dict[str, list[Violation]] = defaultdict(list)
        for v in self.violations:
            groups[v.rule].append(v)
        return dict(sorted(groups.items()))

    def text(self) -> str:
        """Human-readable report, grouped by rule."""
        if self.conforms:
            return "conforms: no SHACL violations"
        lines = [f"does not conform: {len(self.violations)} result(s) in {len(self.by_rule())} rule(s)"]
        for rule, items in self.by_rule().items():
            lines.append(f"\n[{rule}] {len(items)} result(s)")
            lines.extend(f"  - {v.describe()}" for v in sorted(items, key=lambda v: (v.focus, v.path or "")))
        return "\n".join(lines)


def validate(graph: Graph, *, shapes: Graph | None = None, origins: dict | None = None,
             engine: Engine | str = Engine.AUTO) -> ValidationReport:
    """Validate ``graph`` against the project's shapes (or ``shapes``); never raises on violations.

    >>> from oncograph.build import build
    >>> validate(build().graph()).conforms
    True
    >>> validate(build().graph(), engine="fast").conforms
    True
    """
    try:
        engine = Engine(engine)
    except ValueError:
        raise InputError(f"engine {engine!r}: use one of {', '.join(e.value for e in Engine)}") from None
    shapes = shapes if shapes is not None else paths.load_shapes()
    if engine is Engine.AUTO:
        engine = _choose(graph, shapes)
    if engine is Engine.FAST:
        from . import fastshacl

        results = fastshacl.validate_graph(graph, shapes)
        conforms = fastshacl.conforms_of(results)
    else:
        import pyshacl  # heavy: imported only when validating

        conforms, results, _ = pyshacl.validate(
            graph, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=False
        )
    return ValidationReport(conforms, _violations(results, graph, shapes, origins or {}), results)


def _choose(graph: Graph, shapes: Graph) -> Engine:
    """The fast engine for big or Oxigraph-held graphs, if it can translate the shapes; else pyshacl."""
    import importlib.util

    from . import fastshacl
    from .store import oxigraph_of

    if importlib.util.find_spec("pyoxigraph") is None:  # the fast engine is an optional extra
        return Engine.PYSHACL
    big = oxigraph_of(graph) is not None or len(graph) > FAST_ABOVE
    return Engine.FAST if big and fastshacl.supports(shapes) else Engine.PYSHACL


def read_graph_file(path: Path | str) -> Graph:
    """Parse an RDF file, format from its extension. Bad files raise InputError naming file, line and what is wrong."""
    path = Path(path)
    fmt = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld",
           ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3"}.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown RDF file extension {path.suffix!r}; use .ttl, .nt, .nq, .trig, .jsonld or .rdf")
    if not path.exists():
        raise InputError(f"{path}: no such file")
    graph = Graph()
    try:
        if fmt in ("nquads", "trig"):
            from rdflib import Dataset

            ds = Dataset()
            ds.parse(path, format=fmt)
            for s, p, o, _ in ds.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types; report them all as bad input
        raise InputError(f"{path}: not valid {fmt}: {_one_line(exc)}") from exc
    return bind_prefixes(graph)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:500]


def _violations(results: Graph, data: Graph, shapes: Graph, origins: dict) -> list[Violation]:
    out = []
    # top-level results only: pyshacl also nests sh:detail results under sh:node failures, which are explanations
    # of the one result above them, not violations of their own
    top = [r for report in results.subjects(RDF.type, SH.ValidationReport) for r in results.objects(report, SH.result)]
    for r in top:
        focus = results.value(r, SH.focusNode)
        shape = results.value(r, SH.sourceShape)
        rule = shapes.value(shape, SH.name) if shape is not None else None
        if rule is None and isinstance(shape, BNode):
            # an anonymous nested shape: name it after the node shape that holds it
            parent = shapes.value(None, SH.property, shape) or shapes.value(None, SH.node, shape)
            rule = shapes.value(parent, SH.name) if parent is not None else None
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        message = results.value(r, SH.resultMessage)
        severity = str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1]
        label = data.value(focus, SKOS.prefLabel) or data.value(focus, RDFS.label)
        out.append(Violation(
            rule=str(rule or shape),
            shape=str(shape),
            focus=str(focus),
            label=str(label) if label is not None else None,
            path=_short(data, path),
            value=_short(data, value),
            message=str(message or "constraint not met"),
            severity=severity,
            origin=origins.get(focus) if isinstance(focus, URIRef) else None,
        ))
    return sorted(out, key=lambda v: (v.rule, v.focus, v.path or "", v.value or ""))


def _short(graph: Graph, term) -> str | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # not every IRI has a prefix form
            return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3(graph.namespace_manager)
    return "(blank node)"


__all__ = ["Engine", "FAST_ABOVE", "ValidationReport", "Violation", "validate", "read_graph_file", "ONCO"]
