"""Shared fixtures: the curated graph is built once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from oncograph.build import build
from servers import oxigraph, virtuoso, virtuoso_tiny  # noqa: F401 (session fixtures: one of each server per session)

# The build cache (oncograph.buildcache) of this session, and of the CLI processes it starts, goes in a folder of
# its own, so the suite neither reads a stale entry from the user's cache nor leaves one there.
os.environ["ONCOGRAPH_CACHE"] = tempfile.mkdtemp(prefix="oncograph-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"


@pytest.fixture(scope="session")
def built():
    """The BuildResult of data/."""
    return build(ROOT / "data")


@pytest.fixture(scope="session")
def graph(built):
    """The union graph of data/ (do not mutate: copy it first)."""
    return built.graph()


@pytest.fixture
def graph_copy(graph):
    """A private copy of the curated graph, safe to mutate."""
    from rdflib import Graph

    g = Graph()
    for t in graph:
        g.add(t)
    for p, ns in graph.namespaces():
        g.bind(p, ns)
    return g


@pytest.fixture(scope="session")
def sources_dir():
    """../shared/sources, or skip: the checks against the source texts need the source set beside the repo."""
    if not SOURCES.is_dir():
        pytest.skip("../shared/sources is not beside the repository; source-text checks need it")
    return SOURCES


@pytest.fixture
def full_disk(monkeypatch):
    """``full_disk(n)``: the n-th file oncograph.files opens for writing fails on write as a full disk would (a
    real full disk cannot be made here); returns the list of files opened, to count them. ``full_disk(0)`` puts
    the real ``os.fdopen`` back."""
    from oncograph import files

    real = os.fdopen

    def fail_at(n: int) -> list:
        opened: list = []

        def fdopen(fd, *args, **kw):
            fh = real(fd, *args, **kw)
            opened.append(fh)
            if len(opened) == n:
                def write(_data):
                    raise OSError(28, "No space left on device")
                fh.write = write
            return fh

        monkeypatch.setattr(files.os, "fdopen", fdopen if n else real)
        return opened

    return fail_at
