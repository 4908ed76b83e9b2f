"""Exports of the projection read back by networkx and by a second reader (igraph for GraphML; the XML itself for
GEXF; the csv module for CSV) with the same nodes, edges and attributes, and byte-identical on a second write."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from oncograph.analyse import export_projection, project
from oncograph.analyse.export import flatten
from oncograph.errors import InputError


@pytest.fixture(scope="module")
def G(graph):
    return project(graph, include_people=True)  # people too: more kinds of node and edge


@pytest.fixture(scope="module")
def flat(G):
    return flatten(G)


def edges_by_key(graph_edges):
    return {d["edge_key"]: (frozenset((u, v)), d) for u, v, d in graph_edges}


def test_flatten_makes_scalars(flat):
    for _, d in flat.nodes(data=True):
        assert all(isinstance(v, (str, bool, int, float)) for v in d.values())
    spaen = flat.nodes["org/spaen"]
    assert spaen["kinds"] == "patient advocacy group | umbrella organisation"


def test_graphml_read_back_by_networkx_and_igraph(G, flat, tmp_path):
    [path] = export_projection(G, tmp_path / "projection.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert sorted(back.nodes) == sorted(G.nodes)
    assert dict(back.nodes(data=True)) == dict(flat.nodes(data=True))
    assert edges_by_key(back.edges(data=True)) == edges_by_key(flat.edges(data=True))

    igraph = pytest.importorskip("igraph")
    ig = igraph.Graph.Read_GraphML(str(path))
    assert ig.vcount() == G.number_of_nodes() and ig.ecount() == G.number_of_edges()
    assert set(ig.vs.attributes()) == set(next(iter(flat.nodes(data=True)))[1]) | {"id"}
    for v in ig.vs:
        expected = flat.nodes[v["id"]]
        assert {k: v[k] for k in expected} == expected
    expected_edges = edges_by_key(flat.edges(data=True))
    assert set(ig.es.attributes()) - {"id"} == set(next(iter(expected_edges.values()))[1])
    for e in ig.es:
        ends, data = expected_edges[e["edge_key"]]
        assert frozenset((ig.vs[e.source]["id"], ig.vs[e.target]["id"])) == ends
        assert {k: e[k] for k in data} == data


def test_gexf_read_back_by_networkx_and_as_xml(G, flat, tmp_path):
    [path] = export_projection(G, tmp_path / "projection.gexf")
    back = nx.read_gexf(path)
    assert sorted(back.nodes) == sorted(G.nodes)
    assert dict(back.nodes(data=True)) == dict(flat.nodes(data=True))
    got = {k: (ends, {a: x for a, x in d.items() if a not in ("id", "key")}) for k, (ends, d)
           in edges_by_key(back.edges(data=True)).items()}
    assert got == edges_by_key(flat.edges(data=True))

    ns = {"g": "http://www.gexf.net/1.2draft"}
    root = ET.parse(path).getroot()
    assert root.find("g:meta", ns).get("lastmodifieddate") is None  # no date: the file is the same every day
    nodes = root.findall(".//g:nodes/g:node", ns)
    edges = root.findall(".//g:edges/g:edge", ns)
    assert len(nodes) == G.number_of_nodes() and len(edges) == G.number_of_edges()
    titles = {a.get("title") for a in root.findall(".//g:attributes[@class='edge']/g:attribute", ns)}
    assert {"relationship_type", "sources", "source_titles", "start_date", "date_derived"} <= titles
    assert {e.get("id") for e in edges} == {k for *_, k in G.edges(keys=True)}


def test_csv_read_back(G, flat, tmp_path):
    nodes_path, edges_path = export_projection(G, tmp_path / "csv")
    with open(nodes_path, newline="", encoding="utf-8") as fh:
        nodes = {row.pop("id"): row for row in csv.DictReader(fh)}
    assert nodes.keys() == set(G.nodes)
    assert nodes["org/esmo"]["label"] == "European Society for Medical Oncology"
    assert nodes["org/spaen"]["kinds"] == flat.nodes["org/spaen"]["kinds"]
    with open(edges_path, newline="", encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    assert len(edges) == G.number_of_edges()
    row = next(r for r in edges if r["edge_key"] == "rel/esmo-who-partnership")
    assert (row["source"], row["target"], row["start_date"], row["date_derived"]) == (
        "org/esmo", "org/who", "2013", "True")
    expected = flat.edges["org/esmo", "org/who", "rel/esmo-who-partnership"]
    assert {k: str(v) for k, v in expected.items()} == {k: v for k, v in row.items() if k not in ("source", "target")}


@pytest.mark.parametrize("name", ["p.graphml", "p.gexf", "csv"])
def test_exports_are_deterministic(graph, tmp_path, name):
    first = export_projection(project(graph), tmp_path / "a" / name)
    second = export_projection(project(graph), tmp_path / "b" / name)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_format_errors(G, tmp_path):
    with pytest.raises(InputError, match="cannot tell the format"):
        export_projection(G, tmp_path / "p.xlsx")
    with pytest.raises(InputError, match="unknown export format"):
        export_projection(G, tmp_path / "p", fmt="pajek")
    with pytest.raises(InputError, match="is a folder"):
        export_projection(G, tmp_path, fmt="graphml")


def _networkx_graphml(G) -> str:
    return "\n".join(nx.generate_graphml(flatten(G), encoding="utf-8", prettyprint=True)) + "\n"


def _tricky() -> nx.MultiGraph:
    """Values that need escaping or typing, added in an order where adjacency and edge order differ."""
    M = nx.MultiGraph(as_of="2020-01-01", listing_ties=False, weight=0.5, note='a "b" & <c>')
    M.add_node("c", label="Ünïcödé ✓ 😀", count=3, flag=True, share=0.25, empty="", none=None, many=("x", "y"))
    M.add_node('a&"b"', label="line\nbreak\r\nand\rcarriage\ttab\x0cfeed")
    M.add_node(7)  # a non-string id, no attributes
    M.add_edge("c", 7, key="k1", relationship_type="Membership", weight=1.0)
    M.add_edge('a&"b"', "c", key="k<2>", relationship_type="Partnership", sources=("s1", "s2"), dated=False)
    M.add_edge('a&"b"', "c", key=0, relationship_type="Partnership", weight=2)
    M.add_edge(7, 7, key="loop")
    return M


def test_graphml_is_networkxs_document_byte_for_byte(G, tmp_path):
    """The direct GraphML writer against networkx's: the same bytes for the curated projection, a generated
    landscape's and a graph of tricky values (escapes, non-ASCII, line breaks, types, a node id that is not a
    string, a node without attributes, a loop, int and str edge keys), for multigraphs, plain and directed graphs;
    what it leaves to networkx (graph settings, a numpy value) still gives networkx's document."""
    import numpy as np

    from oncograph import synth
    from oncograph.analyse.export import _graphml, serialize_projection
    from oncograph.store import load_graph

    synth.write(tmp_path / "land.ttl", 300, seed=5)
    landscape = project(load_graph(tmp_path / "land.ttl"), listing_ties=True)
    tricky = _tricky()
    simple = nx.Graph(tricky)
    directed = nx.DiGraph(simple)
    for graph in (G, landscape, tricky, simple, directed, nx.MultiGraph(), nx.Graph(name="only a name")):
        assert _graphml(graph) is not None
        assert serialize_projection(graph, "graphml")["projection.graphml"] == _networkx_graphml(graph).encode()
    for odd in (nx.Graph(node_default={"label": ""}), nx.Graph(id="g1")):
        odd.add_edge("a", "b", label="x")
        assert _graphml(odd) is None
    numpy_valued = nx.Graph()
    numpy_valued.add_node("a", score=np.float64(0.5))
    assert _graphml(numpy_valued) is None
    for graph in (odd, numpy_valued):
        assert serialize_projection(graph, "graphml")["projection.graphml"] == _networkx_graphml(graph).encode()
    [path] = export_projection(tricky, tmp_path / "tricky.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.nodes["c"]["label"] == "Ünïcödé ✓ 😀" and back.nodes["c"]["count"] == 3
    assert back.nodes['a&"b"']["label"] == "line\nbreak\nand\ncarriage\ttab\nfeed"  # as networkx writes it
