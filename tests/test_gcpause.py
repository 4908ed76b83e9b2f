"""The collector pause around big builds: off inside, back on after, whatever happens inside."""

from __future__ import annotations

import gc

import pytest

from oncograph import export
from oncograph.analyse import communities, project
from oncograph.gcpause import collector_paused


def test_collector_is_off_inside_and_back_on_after_a_return_or_an_error():
    seen = []

    @collector_paused
    def inner():
        seen.append(("inner", gc.isenabled()))

    @collector_paused
    def outer(fail: bool):
        seen.append(("outer", gc.isenabled()))
        inner()
        seen.append(("after inner", gc.isenabled()))  # the nested call left it to the outermost
        if fail:
            raise ValueError("boom")
        return 7

    assert gc.isenabled()
    assert outer(False) == 7
    assert seen == [("outer", False), ("inner", False), ("after inner", False)] and gc.isenabled()
    with pytest.raises(ValueError, match="boom"):
        outer(True)
    assert gc.isenabled()
    gc.disable()
    try:
        outer(False)
        assert not gc.isenabled()  # a caller who had it off keeps it off
    finally:
        gc.enable()


def test_the_heavy_builders_leave_the_collector_on(graph):
    export.turtle(graph)
    export.serialize_graph(graph, "json-ld")
    communities(project(graph))
    assert gc.isenabled()


def test_named_query_rows_are_built_with_the_collector_paused(tmp_path, monkeypatch):
    """store.select_rows (the rows of a named query on an Oxigraph-held graph) builds its terms with the collector
    off and leaves it on."""
    from oncograph import store

    (tmp_path / "g.nt").write_text('<http://example.org/a> <http://example.org/p> "x" .\n')
    g = store.load_graph(tmp_path / "g.nt", backend="oxigraph")
    seen = []
    real = store.converter

    def watching():
        seen.append(gc.isenabled())
        return real()

    monkeypatch.setattr(store, "converter", watching)
    assert store.select_rows(g, "SELECT ?o WHERE { ?s ?p ?o }")[1] == [(store.Literal("x"),)]
    assert seen == [False] and gc.isenabled()
