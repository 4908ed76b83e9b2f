"""Release artefacts the main job writes beside the graph files: the ontology and shapes, the JSON-LD context and
compacted JSON-LD, the VoID/DCAT description, the ontology page, and the network plot (``plots/network.png`` and
``.svg``, drawn with a seeded layout so two builds give the same bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from rdflib import Graph

from .build import BuildResult
from .export import check_writable, release_docs_files, shipped_ontology_files, write_together


def write_extras(built: BuildResult, graph: Graph, out: Path, *, say: Callable[[str], None]) -> list[Path]:
    out = check_writable(out)
    return write_together(extras_files(built, graph, out, say=say))


def extras_files(built: BuildResult, graph: Graph, out: Path, *, say: Callable[[str], None]) -> dict[Path, bytes]:
    """What :func:`write_extras` writes into ``out``, as ``{file: bytes}``; nothing is written."""
    files = {out / name: data for name, data in shipped_ontology_files().items()}
    files.update({out / name: data for name, data in release_docs_files(built, graph, say=say).items()})
    from .analyse.plot import main_plot_files  # matplotlib is heavy: imported only here

    files.update(main_plot_files(built, graph, out, say=say))
    return files
