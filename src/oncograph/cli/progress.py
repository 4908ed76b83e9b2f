"""Progress lines on stderr for commands that read big RDF files (a 10M-triple file takes a minute to read and
validate); small files say nothing, so quick commands keep a quiet stderr."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import click

#: Files at least this big (in all) get progress lines: about 100,000 triples of Turtle, a second or more to read.
PROGRESS_ABOVE = 16_000_000


def is_big(files: Iterable[Path]) -> bool:
    return sum(f.stat().st_size for f in files if f.is_file()) >= PROGRESS_ABOVE


def one_source(data_dir: Path | None, input_file: Path | None) -> None:
    """Refuse ``--data`` together with ``--input``: a command reads one graph, built or from a file."""
    if data_dir is not None and input_file is not None:
        from ..errors import InputError

        raise InputError("give --data or --input, not both")


def say(message: str) -> None:
    click.echo(message, err=True)


def load_files(files: list[Path], graph=None, *, loud: bool | None = None):
    """Load ``files`` into one graph (``store.load_graph``: big ones into Oxigraph), saying what it reads when the
    files are big (or ``loud``); returns the graph."""
    from ..store import count_triples, load_graph

    loud = is_big(files) if loud is None else loud
    for path in files:
        started = time.perf_counter()
        if loud and path.is_file():
            say(f"reading {path} ({path.stat().st_size / 1e6:,.0f} MB) ...")
        graph = load_graph(path, graph=graph)
        if loud:
            say(f"read {path} in {time.perf_counter() - started:.1f} s; {count_triples(graph):,} triples in all")
    return graph
