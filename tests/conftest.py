"""Shared fixtures: the curated graph is built once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from oncograph.build import build

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
