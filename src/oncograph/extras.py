"""Release artefacts the main job writes beside the graph files: the ontology and shapes, the JSON-LD context and
compacted JSON-LD, the VoID/DCAT description, the ontology page, and the network plot (``plots/network.png`` and
``.svg``, drawn with a seeded layout so two builds give the same bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from rdflib import Graph

from .build import BuildResult
from .export import release_docs_files, shipped_ontology_files


def extras_files(built: BuildResult, graph: Graph, out: Path, *, say: Callable[[str], None],
                 graph_files: dict[str, bytes] | None = None) -> dict[Path, bytes]:
    """The release's files beside its graph files, as ``{path in out: bytes}``; nothing is written.
    ``graph_files``: the graph files already made, which the dataset description describes."""
    files = {out / name: data for name, data in shipped_ontology_files().items()}
    docs = release_docs_files(built, graph, say=say, graph_files=graph_files)
    files.update({out / name: data for name, data in docs.items()})
    from .analyse.plot import main_plot_files  # matplotlib is heavy: imported only here

    files.update(main_plot_files(built, graph, out, say=say))
    return files
