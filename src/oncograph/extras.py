"""Extra release artefacts written by the main job beside the graph files (ontology copy, and later more)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from rdflib import Graph

from . import paths
from .build import BuildResult
from .export import atomic_write


def write_extras(built: BuildResult, graph: Graph, out: Path, *, say: Callable[[str], None]) -> list[Path]:
    written = []
    for name in ("oncograph.ttl", "shapes.ttl"):
        target = out / ("ontology.ttl" if name == "oncograph.ttl" else name)
        atomic_write(target, (paths.ontology_dir() / name).read_bytes())
        written.append(target)
    return written
