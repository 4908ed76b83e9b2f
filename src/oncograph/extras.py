"""Release artefacts the main job writes beside the graph files: the ontology and shapes, the JSON-LD context and
compacted JSON-LD, the VoID/DCAT description, the ontology page, and the network plot (``plots/network.png`` and
``.svg``, drawn with a seeded layout so two builds give the same bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from rdflib import Graph

from .build import BuildResult
from .export import atomic_write, shipped_ontology_files, write_release_docs


def write_extras(built: BuildResult, graph: Graph, out: Path, *, say: Callable[[str], None]) -> list[Path]:
    written = []
    for name, data in shipped_ontology_files().items():
        atomic_write(out / name, data)
        written.append(out / name)
    written += write_release_docs(built, graph, out, say=say)
    from .analyse.plot import write_main_plots  # matplotlib is heavy: imported only here

    written += write_main_plots(built, graph, out, say=say)
    return written
