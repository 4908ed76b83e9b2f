"""Where the project's files are: the repository's top-level folders in a checkout, or copies inside the wheel."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph

_PKG = Path(__file__).resolve().parent
_REPO = _PKG.parent.parent


def _find(name: str) -> Path:
    for candidate in (_PKG / "_shipped" / name, _REPO / name):
        if candidate.exists():
            return candidate
    return _REPO / name


def data_dir() -> Path:
    return _find("data")


def ontology_dir() -> Path:
    return _find("ontology")


def queries_dir() -> Path:
    return _find("queries")


@lru_cache(maxsize=1)
def _ontology_graph() -> Graph:
    return Graph().parse(ontology_dir() / "oncograph.ttl", format="turtle")


def load_ontology() -> Graph:
    """The OWL ontology as a Graph (a fresh copy; the parse is cached)."""
    g = Graph()
    for t in _ontology_graph():
        g.add(t)
    for prefix, ns in _ontology_graph().namespaces():
        g.bind(prefix, ns)
    return g


@lru_cache(maxsize=1)
def _shapes_graph() -> Graph:
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def load_shapes() -> Graph:
    """The SHACL shapes as a Graph."""
    g = Graph()
    for t in _shapes_graph():
        g.add(t)
    return g
