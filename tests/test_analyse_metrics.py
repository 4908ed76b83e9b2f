"""Centrality, brokers, communities and components on the curated data.

Why these leaders: Rare Cancers Europe is tied to its 30 partners; ESMO is tied to the campaign, to WHO (five
relationships), to its two working groups, to its two guides, and through the Advocacy in Action Forums to Vital
Options and the ECCO Patient Advisory Committee: eight neighbours, and the only bridge between the campaign's star
and the WHO and ECCO groups. WHO has three neighbours (IARC, its UHC division, ESMO) but five relationships with ESMO.
"""

from __future__ import annotations

import itertools
import json

import networkx as nx
import pytest

from oncograph.analyse import brokers, centrality, communities, components, project
from oncograph.analyse.metrics import GROUPS, members, simple_graph
from oncograph.errors import InputError


@pytest.fixture(scope="module")
def G(graph):
    return project(graph)


def test_centrality_leaders(G):
    by_degree = centrality(G, by="degree", top=3)
    assert [r["key"] for r in by_degree[:2]] == ["org/rare-cancers-europe", "org/esmo"]
    assert by_degree[0]["ties"] == 30 and by_degree[1]["ties"] == 8 and by_degree[1]["relationships"] == 13
    assert [r["key"] for r in centrality(G, by="betweenness", top=2)] == ["org/rare-cancers-europe", "org/esmo"]
    assert [r["key"] for r in centrality(G, by="pagerank", top=3)] == [
        "org/rare-cancers-europe", "org/esmo", "org/who"]
    who = next(r for r in centrality(G) if r["key"] == "org/who")
    assert who["ties"] == 3 and who["relationships"] == 7  # 5 with ESMO, IARC, the UHC division
    assert [r["rank"] for r in centrality(G, top=5)] == [1, 2, 3, 4, 5]


def test_centrality_rejects_unknown_measure(G):
    with pytest.raises(InputError, match="choose one of degree"):
        centrality(G, by="fame")


def test_brokers_rare_cancers_europe_connects_patients_with_companies(G):
    rows = brokers(G)
    top = rows[0]
    assert top["key"] == "org/rare-cancers-europe" and top["groups"].startswith("liaison")
    # the three companies are tied to the campaign only, so every patient–company path runs through it
    assert top["patient-company share"] == 1.0
    assert top["company neighbours"] == 3
    esmo = next(r for r in rows if r["key"] == "org/esmo")
    assert esmo["groups"] == "professional" and esmo["patient-professional share"] > 0
    assert all(r["total score"] > 0 for r in rows)


def test_brokerage_matches_brute_force(G):
    """The definition, checked directly: sum over patient–professional pairs of the share of shortest paths via v."""
    H = simple_graph(G)
    A, B = members(G, GROUPS["patient"]), members(G, GROUPS["professional"])
    expected: dict[str, float] = {}
    pairs = {frozenset(p) for p in itertools.product(A, B) if p[0] != p[1]}
    for a, b in (sorted(p) for p in pairs):
        if nx.has_path(H, a, b):
            paths = list(nx.all_shortest_paths(H, a, b))
            for path in paths:
                for v in path[1:-1]:
                    expected[v] = expected.get(v, 0.0) + 1 / len(paths)
    got = {r["key"]: r["patient-professional score"] for r in brokers(G, between=[("patient", "professional")])}
    assert got.keys() == {v for v, x in expected.items() if x > 0}
    assert all(abs(got[v] - round(expected[v], 6)) < 1e-9 for v in got)


def test_brokers_groups_by_kind_id_and_bad_groups(G):
    rows = brokers(G, between=[("patient-advocacy-group", "pharmaceutical-company")])
    assert rows[0]["key"] == "org/rare-cancers-europe"
    with pytest.raises(InputError, match="no node of this projection is in the group 'nobody'"):
        brokers(G, between=[("patient", "nobody")])
    with pytest.raises(InputError, match="not known"):
        brokers(G, between=[("patient", "bad name!")])


def test_communities_are_deterministic_and_described(graph, G):
    first = communities(G)
    again = communities(project(graph))
    assert first == again
    member_of = {k: c["community"] for c in first for k in c["keys"].split(", ")}
    assert member_of["org/spaen"] == member_of["org/rare-cancers-europe"]
    assert member_of["org/who"] == member_of["org/esmo"]
    assert first[0]["size"] >= first[-1]["size"] >= 2
    assert "Rare Cancers Europe" in first[0]["top_members"]
    assert all(c["description"].startswith(f"{c['size']} around") for c in first)
    assert sum(c["size"] for c in communities(G, min_size=1)) == G.number_of_nodes()


def test_components(graph, G):
    comps = components(G)
    assert sum(c["size"] for c in comps) == 75
    main = comps[0]
    assert {"org/rare-cancers-europe", "org/esmo", "org/who", "org/spaen"} <= set(main["keys"].split(", "))
    # listed-only organisations (Europa Donna) have no tie without --listing-ties: a component of one
    assert any(c["keys"] == "org/europa-donna" and c["size"] == 1 for c in comps)
    assert len(components(project(graph, listing_ties=True))) < len(comps)


def test_exact_betweenness_in_rustworkx_equals_networkx(G, tmp_path):
    """The fast exact betweenness gives networkx's numbers, on the curated projection and on a generated one."""
    import networkx as nx

    from oncograph import synth
    from oncograph.analyse import project
    from oncograph.analyse.metrics import exact_betweenness, simple_graph
    from oncograph.store import load_graph

    synth.write(tmp_path / "land.nt", 300, seed=5)
    for graph in (G, project(load_graph(tmp_path / "land.nt"))):
        H = simple_graph(graph)
        ours, reference = exact_betweenness(H), nx.betweenness_centrality(H, normalized=True)
        assert set(ours) == set(reference)
        assert max(abs(ours[n] - reference[n]) for n in H) < 1e-9
        assert max(reference.values()) > 0  # a real test: some node brokers


def test_sampled_betweenness_in_igraph_equals_networkx_sampling(G, tmp_path):
    """The fast estimate gives networkx's numbers for the same seed (same sources, same rescaling), and the
    centrality report uses it when asked to sample."""
    import networkx as nx

    from oncograph import synth
    from oncograph.analyse import centrality, project
    from oncograph.analyse.metrics import sampled_betweenness, simple_graph
    from oncograph.store import load_graph

    synth.write(tmp_path / "land.nt", 400, seed=8)
    landscape = project(load_graph(tmp_path / "land.nt"))
    for graph, k in ((G, 20), (landscape, 60)):
        H = simple_graph(graph)
        for seed in (0, 3):
            ours = sampled_betweenness(H, k, seed=seed)
            reference = nx.betweenness_centrality(H, k=k, seed=seed, normalized=True)
            assert set(ours) == set(reference)
            assert max(abs(ours[n] - reference[n]) for n in H) < 1e-9
            assert max(reference.values()) > 0
    rows = centrality(landscape, by="betweenness", betweenness_sample=60, seed=3)
    H = simple_graph(landscape)
    reference = nx.betweenness_centrality(H, k=60, seed=3, normalized=True)
    assert {r["key"]: r["betweenness"] for r in rows} == {n: round(v, 6) for n, v in reference.items()}


def test_approximate_betweenness_is_within_its_error_and_the_same_every_run(tmp_path):
    """KADABRA's estimate on networkx's scale: every value within the stated error of exact, the top nodes right,
    and the same numbers on a second run (one thread, fixed seed); the CLI takes --error."""
    from click.testing import CliRunner

    from oncograph import synth
    from oncograph.analyse import centrality, project
    from oncograph.analyse.metrics import approximate_betweenness, exact_betweenness, simple_graph
    from oncograph.cli import main
    from oncograph.store import load_graph

    synth.write(tmp_path / "land.nt", 600, seed=2)
    H = simple_graph(project(load_graph(tmp_path / "land.nt")))
    exact = exact_betweenness(H)
    approx = approximate_betweenness(H, 0.01)
    assert set(approx) == set(exact) and max(exact.values()) > 0.05
    assert max(abs(approx[v] - exact[v]) for v in H) <= 0.01
    top = lambda d: sorted(d, key=lambda v: (-d[v], v))  # noqa: E731
    assert top(approx)[0] == top(exact)[0]
    assert len(set(top(approx)[:10]) & set(top(exact)[:10])) >= 8
    assert approximate_betweenness(H, 0.01) == approx
    rows = centrality(project(load_graph(tmp_path / "land.nt")), by="betweenness", betweenness_error=0.01)
    assert {r["key"]: r["betweenness"] for r in rows} == {v: round(x, 6) for v, x in approx.items()}
    with pytest.raises(InputError, match="must both be between 0 and 1"):
        approximate_betweenness(H, 1.5)
    out = CliRunner().invoke(main, ["analyse", "centrality", "--by", "betweenness", "--error", "0.01", "--format",
                                    "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)[0]["label"] == "Rare Cancers Europe"
    out = CliRunner().invoke(main, ["analyse", "centrality", "--error", "0.01", "--sample", "5"])
    assert isinstance(out.exception, InputError)  # the CLI's runner turns it into exit 2
    assert "give --sample or --error, not both" in str(out.exception)


# -- brokerage on a generated landscape: overlapping groups, the pair count, sampling -----------------------------
@pytest.fixture(scope="module")
def landscape_projection(tmp_path_factory):
    from oncograph import synth
    from oncograph.store import load_graph

    path = tmp_path_factory.mktemp("brokers") / "landscape.ttl"
    synth.write(path, 150, seed=5)
    return project(load_graph(path))


def _brute_force(H, A, B):
    """The definition by enumeration: every unordered {a, b}, a in A, b in B, a != b, once."""
    expected: dict[str, float] = {}
    pairs = {frozenset(p) for p in itertools.product(A, B) if p[0] != p[1]}
    connected = 0
    for a, b in (sorted(p) for p in pairs):
        if nx.has_path(H, a, b):
            connected += 1
            paths = list(nx.all_shortest_paths(H, a, b))
            for path in paths:
                for v in path[1:-1]:
                    expected[v] = expected.get(v, 0.0) + 1 / len(paths)
    return expected, connected


def test_brokerage_between_overlapping_groups_matches_brute_force(landscape_projection):
    """Patient organisations that are also research organisations sit in both groups: each pair is still counted
    once, and the connected-pair count (the denominator of ``share``) is exact."""
    from oncograph.analyse.metrics import _group_betweenness, group

    G = landscape_projection
    H = simple_graph(G)
    A = members(G, group("patient-organisation"))
    B = members(G, group("research-organisation"))
    assert 1 < len(set(A) & set(B)) < len(B)  # a real overlap, not one group inside the other
    expected, connected = _brute_force(H, A, B)
    got, got_connected = _group_betweenness(H, A, B, sample=None, seed=0)
    assert got_connected == connected > 100
    assert {v for v, x in got.items() if x > 1e-9} == {v for v, x in expected.items() if x > 0}
    assert all(abs(got[v] - expected.get(v, 0.0)) < 1e-6 for v in got)


def test_sampled_brokerage_is_deterministic_and_unbiased(landscape_projection):
    from oncograph.analyse.metrics import _group_betweenness, group

    G = landscape_projection
    H = simple_graph(G)
    A, B = members(G, group("patient")), members(G, group("professional"))
    exact, connected = _group_betweenness(H, A, B, sample=None, seed=0)
    assert _group_betweenness(H, A, B, sample=len(A), seed=3) == (exact, connected)  # all sources: exact
    k = len(A) // 3
    first = _group_betweenness(H, A, B, sample=k, seed=7)
    assert first == _group_betweenness(H, A, B, sample=k, seed=7)  # the same draw for a seed
    assert first != _group_betweenness(H, A, B, sample=k, seed=8)
    assert first[1] == connected  # the pair count is exact even when sampling
    # unbiased: over many draws the mean estimate of the total brokerage approaches the exact total
    totals = [sum(_group_betweenness(H, A, B, sample=k, seed=s)[0].values()) for s in range(40)]
    exact_total = sum(exact.values())
    assert exact_total > 0
    assert abs(sum(totals) / len(totals) - exact_total) < 0.05 * exact_total


def test_louvain_matches_networkx_louvain_in_each_library_and_leaves_their_settings_as_they_were(tmp_path, monkeypatch):
    """Louvain from networkit's PLM, else igraph's multilevel, else networkx: every node in exactly one community,
    the same split on every run, a modularity at least networkx's Louvain's less 0.01, more communities at a higher
    resolution. Afterwards networkit has its thread count back, and igraph draws from Python's ``random`` again."""
    import random
    import sys

    import igraph
    import networkit as nk

    from oncograph import synth
    from oncograph.analyse.metrics import louvain
    from oncograph.store import load_graph

    synth.write(tmp_path / "land.nt", 600, seed=3)
    H = simple_graph(project(load_graph(tmp_path / "land.nt")))
    reference = nx.community.louvain_communities(H, weight="weight", seed=7)
    theirs = nx.community.modularity(H, reference, weight="weight")

    def check(found):
        assert sorted(v for c in found for v in c) == sorted(H)  # a partition
        assert louvain(H, seed=7) == found
        ours = nx.community.modularity(H, found, weight="weight")
        assert 10 < len(found) < H.number_of_nodes() and ours > 0.5
        assert ours >= theirs - 0.01, (ours, theirs)
        assert len(louvain(H, seed=7, resolution=3.0)) > len(found)

    threads = nk.getMaxNumberOfThreads()
    check(louvain(H, seed=7))  # networkit
    assert nk.getMaxNumberOfThreads() == threads

    monkeypatch.setitem(sys.modules, "networkit", None)  # as if networkit were not installed: igraph
    check(louvain(H, seed=7))

    def draw():  # a random graph drawn by igraph from whatever generator it has
        random.seed(11)
        return igraph.Graph.Erdos_Renyi(n=30, m=40).get_edgelist()

    assert draw() == draw()  # igraph follows the (reseeded) random module, as before the call
    with pytest.raises(InputError, match="resolution -1.0 must be 0 or more"):
        louvain(H, resolution=-1.0)

    monkeypatch.setitem(sys.modules, "igraph", None)  # and no igraph either: networkx's own
    assert louvain(H, seed=7) == nx.community.louvain_communities(H, weight="weight", seed=7)


def test_simple_graph_sums_parallel_edges_and_does_not_depend_on_insertion_order():
    """One edge per pair whichever way round the relationships point: weights summed, types joined and sorted; nodes
    and edges in sorted order, so the same multigraph built in another order gives the same simple graph."""
    edges = [("b", "a", {"relationship_type": "Partnership", "weight": 1.0}),
             ("a", "b", {"relationship_type": "Membership", "weight": 1.0}),
             ("a", "b", {"relationship_type": "Listing", "weight": 0.5}),
             ("c", "a", {"relationship_type": "Membership"}),  # no weight: 1
             ("b", "c", {"relationship_type": "Membership", "weight": 1.0})]

    def build(order):
        M = nx.MultiGraph()
        M.add_nodes_from([("z", {"label": "isolated"})] + [(n, {"label": n.upper()}) for n in "cab"])
        M.add_edges_from(edges[i] for i in order)
        return simple_graph(M)

    H = build(range(len(edges)))
    assert list(H.nodes) == ["a", "b", "c", "z"] and H.nodes["z"]["label"] == "isolated"
    assert list(H.edges(data=True)) == [
        ("a", "b", {"weight": 2.5, "types": "Listing, Membership, Partnership"}),
        ("a", "c", {"weight": 1.0, "types": "Membership"}),
        ("b", "c", {"weight": 1.0, "types": "Membership"})]
    again = build([4, 2, 0, 3, 1])
    assert list(again.nodes(data=True)) == list(H.nodes(data=True))
    assert list(again.edges(data=True)) == list(H.edges(data=True))
    assert {n: list(again.adj[n]) for n in again} == {n: list(H.adj[n]) for n in H}
