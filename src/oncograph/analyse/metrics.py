"""Who matters in the network, and how it falls apart into groups.

Every measure runs on the *simple* graph (``simple_graph``): one edge per linked pair, weighted by the sum of the
weights of the relationships between them (1 each, 0.5 for a weak co-listing). Betweenness and shortest paths count
steps and ignore weights; PageRank and Louvain use them. Each function returns plain rows (dicts), sorted, with
values rounded to 6 decimals so the output is the same on every run.
"""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

import networkx as nx

from ..errors import InputError
from ..gcpause import collector_paused

__all__ = ["simple_graph", "centrality", "approximate_betweenness", "exact_betweenness", "sampled_betweenness", "brokers", "communities", "louvain", "components", "Group", "GROUPS", "group"]


@collector_paused
def simple_graph(G: nx.Graph) -> nx.Graph:
    """Collapse parallel edges: one edge per pair, ``weight`` summed, ``types`` the relationship types joined."""
    # Nodes and edges go in sorted: layouts, PageRank and float sums follow insertion order, and the projection's
    # order may follow set iteration, which changes with PYTHONHASHSEED; sorted input makes pictures byte-identical.
    # One pass gathers the edges of each pair; only the pairs (not every edge) are sorted, and a pair's weights are
    # summed in a fixed order (by type, relationship, weight) where it has more than one edge.
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes(data=True), key=lambda nd: str(nd[0])))
    pairs: dict[tuple, list] = {}
    for u, v, d in G.edges(data=True):
        if str(v) < str(u):
            u, v = v, u
        found = pairs.get((u, v))
        if found is None:
            pairs[(u, v)] = [d]
        else:
            found.append(d)

    def edge(ds: list[dict]) -> dict:
        if len(ds) == 1:
            d = ds[0]
            return {"weight": d.get("weight", 1.0), "types": str(d.get("relationship_type", ""))}
        ds = sorted(ds, key=lambda d: (str(d.get("relationship_type", "")), str(d.get("relationship", "")),
                                       d.get("weight", 1.0)))
        weight = ds[0].get("weight", 1.0)
        for d in ds[1:]:
            weight += d.get("weight", 1.0)
        return {"weight": weight, "types": ", ".join(sorted({str(d.get("relationship_type", "")) for d in ds}))}

    H.add_edges_from((u, v, edge(ds)) for (u, v), ds in sorted(pairs.items(), key=lambda kv: (str(kv[0][0]),
                                                                                              str(kv[0][1]))))
    return H


def _node_row(G: nx.Graph, key: str) -> dict:
    data = G.nodes[key]
    return {"key": key, "label": data.get("label", key), "acronym": data.get("acronym", ""),
            "kind": data.get("kind", "")}


@collector_paused
def centrality(G: nx.Graph, *, by: str = "degree", top: int | None = None, betweenness_sample: int | None = None,
               betweenness_error: float | None = None, seed: int = 0) -> list[dict]:
    """Degree, betweenness and PageRank of every node, best first by ``by``.

    ``ties``: distinct neighbours; ``relationships``: edges, parallel ones counted; ``degree``: ties / (n - 1);
    ``betweenness``: share of shortest paths between other pairs passing through the node (normalised; with
    ``betweenness_sample=k``, estimated from k random sources; with ``betweenness_error=e``, estimated to within
    e of the exact value by KADABRA adaptive sampling, for large graphs); ``pagerank``: weighted PageRank
    (damping 0.85). Ties in the ranking are broken by label.
    """
    measures = ("degree", "betweenness", "pagerank", "ties", "relationships")
    if by not in measures:
        raise InputError(f"cannot rank by {by!r}; choose one of {', '.join(measures)}")
    H = simple_graph(G)
    degree = nx.degree_centrality(H) if len(H) > 1 else dict.fromkeys(H, 0.0)
    k = betweenness_sample if betweenness_sample and betweenness_sample < len(H) else None
    if betweenness_error:
        betweenness = approximate_betweenness(H, betweenness_error, seed=seed)
    elif k is not None:
        betweenness = sampled_betweenness(H, k, seed=seed)
    else:
        betweenness = exact_betweenness(H)
    pagerank = nx.pagerank(H, weight="weight") if H.number_of_edges() else dict.fromkeys(H, 1 / max(len(H), 1))
    rows = []
    for key in H:
        rows.append({**_node_row(G, key), "ties": H.degree(key), "relationships": G.degree(key),
                     "degree": round(degree[key], 6), "betweenness": round(betweenness[key], 6),
                     "pagerank": round(pagerank[key], 6)})
    rows.sort(key=lambda r: (-r[by], r["label"], r["key"]))
    for i, row in enumerate(rows, 1):
        row["rank"] = i
    rows = [{"rank": r.pop("rank"), **r} for r in rows]
    return rows[:top] if top else rows


def exact_betweenness(H: nx.Graph) -> dict:
    """Exact normalised betweenness of a simple graph, as ``networkx.betweenness_centrality`` gives it, computed by
    rustworkx (Brandes' algorithm in Rust, in parallel: 0.6 s instead of 34 s at 2,800 nodes) when it is installed."""
    try:
        import rustworkx as rx
    except ImportError:
        return nx.betweenness_centrality(H, normalized=True)
    if len(H) < 3:
        return dict.fromkeys(H, 0.0)
    nodes = list(H)
    index = {n: i for i, n in enumerate(nodes)}
    R = rx.PyGraph(multigraph=False)
    R.add_nodes_from(nodes)
    R.add_edges_from_no_data([(index[u], index[v]) for u, v in H.edges() if u != v])
    scores = rx.graph_betweenness_centrality(R, normalized=True)
    return {n: float(scores[i]) for i, n in enumerate(nodes)}


def sampled_betweenness(H: nx.Graph, k: int, *, seed: int = 0) -> dict:
    """Normalised betweenness estimated from ``k`` random sources: the numbers (same sources, same rescaling)
    ``networkx.betweenness_centrality(H, k=k, seed=seed)`` gives, computed by igraph in C (2.4 s instead of 91 s
    for 500 sources at 28,000 nodes) when it is installed. The benchmark reports how many of the top 20 agree
    with exact betweenness."""
    import math

    try:
        import igraph
    except ImportError:
        return nx.betweenness_centrality(H, k=k, seed=seed, normalized=True)
    nodes = list(H)
    sources = random.Random(seed).sample(nodes, k)  # as networkx draws them
    n = len(nodes) - 1  # networkx's N: pairs (s, t) with v neither s nor t
    if n < 2:
        return dict.fromkeys(H, 0.0)
    index = {v: i for i, v in enumerate(nodes)}
    ig = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in H.edges() if u != v])
    half = ig.betweenness(sources=[index[v] for v in sources], directed=False)  # ordered pairs from sources, halved
    # networkx rescales a node that is a source apart: it cannot lie on its own paths, so one source fewer counts
    in_sample = set(sources)
    scale_source = 1 / ((k - 1) * (n - 1)) if k > 1 else math.nan
    scale_other = 1 / (k * (n - 1))
    return {v: 2 * half[i] * (scale_source if v in in_sample else scale_other) for i, v in enumerate(nodes)}


def approximate_betweenness(H: nx.Graph, error: float = 0.005, *, confidence: float = 0.9, seed: int = 0) -> dict:
    """Normalised betweenness (networkx's scale), each value within ``error`` of the exact one with probability
    ``confidence``, by KADABRA adaptive sampling of shortest paths (networkit, in C++). At 28,000 nodes, exact
    betweenness takes 90 s in rustworkx; this takes under a second at error 0.005 and ranked 19 of the exact top 20
    there. One thread and a fixed seed, so the numbers are the same on every run. Without networkit, it falls back
    to :func:`sampled_betweenness` from 2,000 sources."""
    if not 0 < error < 1 or not 0 < confidence < 1:
        raise InputError(f"betweenness error {error} and confidence {confidence} must both be between 0 and 1")
    try:
        import networkit as nk
    except ImportError:
        return sampled_betweenness(H, min(2000, len(H)), seed=seed) if len(H) > 2000 else exact_betweenness(H)
    if len(H) < 3:
        return dict.fromkeys(H, 0.0)
    nodes = list(H)
    index = {v: i for i, v in enumerate(nodes)}
    N = nk.Graph(len(nodes))
    for u, v in H.edges():
        if u != v:
            N.addEdge(index[u], index[v])
    with _networkit_run(nk, seed):  # its parallel sampling is not reproducible
        kadabra = nk.centrality.KadabraBetweenness(N, error, 1 - confidence, True, 0)
        kadabra.run()
        scores = kadabra.scores()
    # KADABRA estimates the share of unordered pairs; networkx normalises by ordered pairs less the node itself
    n = len(nodes)
    scale = n / (2 * (n - 2))
    return {v: float(scores[i]) * scale for i, v in enumerate(nodes)}


# -- brokers ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """A set of nodes defined by kind: every node whose kinds include ``kind`` or a narrower kind."""

    name: str
    label: str
    kind: str  # a concept id of the kinds scheme


GROUPS = {
    "patient": Group("patient", "patient organisations", "patient-organisation"),
    "professional": Group("professional", "professional societies", "professional-society"),
    "company": Group("company", "companies", "company"),
}

#: The pairs ``brokers`` looks at unless told otherwise.
DEFAULT_BETWEEN = (("patient", "professional"), ("patient", "company"))


def group(name: str) -> Group:
    """A named group (patient, professional, company) or any kind id (``research-organisation``)."""
    if name in GROUPS:
        return GROUPS[name]
    if name and all(ch.isalnum() or ch == "-" for ch in name):
        return Group(name, name.replace("-", " "), name)
    raise InputError(f"group {name!r} is not known; use {', '.join(GROUPS)} or a kind id such as research-network")


def members(G: nx.Graph, grp: Group) -> list[str]:
    return sorted(n for n, kinds in G.nodes(data="all_kind_ids") if kinds and grp.kind in kinds)


def brokers(G: nx.Graph, *, between=DEFAULT_BETWEEN, top: int | None = None, sample: int | None = None,
            seed: int = 0) -> list[dict]:
    """Organisations that lie between two groups, e.g. between patient organisations and professional societies.

    Definition (group-to-group betweenness): for groups A and B, a node v's brokerage is the sum, over every
    unordered pair {a, b} with a in A, b in B, a != b, both different from v and connected, of the share of the
    shortest a–b paths that pass through v. ``share`` divides that by the number of connected A–B pairs: the
    fraction of the A–B connections that v brokers. A node brokers whether or not it belongs to A or B itself;
    ``groups`` says which it belongs to (a broker in neither is a liaison). ``a_neighbours`` / ``b_neighbours``
    count its direct ties into each group. Rows are sorted by total brokerage; nodes brokering nothing are left out.

    ``between``: pairs of group names (see ``group``). ``sample``: estimate from that many random sources per pair
    (for large graphs).
    """
    H = simple_graph(G)
    pairs = [(group(a), group(b)) for a, b in between]
    if not pairs:
        raise InputError("brokers needs at least one pair of groups, such as patient:professional")
    score: dict[str, dict[str, float]] = {}
    share: dict[str, dict[str, float]] = {}
    groups = {g.name: g for pair in pairs for g in pair}
    in_group = {name: set(members(G, g)) for name, g in groups.items()}
    for name, nodes in in_group.items():
        if not nodes:
            raise InputError(f"no node of this projection is in the group {name!r} (kind {groups[name].kind} "
                             "or narrower)")
    for ga, gb in pairs:
        col = f"{ga.name}-{gb.name}"
        raw, connected = _group_betweenness(H, sorted(in_group[ga.name]), sorted(in_group[gb.name]),
                                            sample=sample, seed=seed)
        for v, value in raw.items():
            if value > 0:
                score.setdefault(v, {})[col] = round(value, 6)
                share.setdefault(v, {})[col] = round(value / connected, 6) if connected else 0.0
    rows = []
    for v in score:
        own = [name for name, nodes in in_group.items() if v in nodes]
        row = {**_node_row(G, v), "groups": ", ".join(own) or "liaison (in neither group)"}
        for ga, gb in pairs:
            col = f"{ga.name}-{gb.name}"
            row[f"{col} score"] = score[v].get(col, 0.0)
            row[f"{col} share"] = share[v].get(col, 0.0)
        for name, nodes in in_group.items():
            row[f"{name} neighbours"] = len(set(H[v]) & nodes)
        row["total score"] = round(sum(score[v].values()), 6)
        rows.append(row)
    rows.sort(key=lambda r: (-r["total score"], r["label"], r["key"]))
    rows = [{"rank": i, **r} for i, r in enumerate(rows, 1)]
    return rows[:top] if top else rows


def _group_betweenness(H: nx.Graph, A: list[str], B: list[str], *, sample: int | None,
                       seed: int) -> tuple[dict[str, float], int]:
    """Group-to-group betweenness from igraph's subset betweenness (in C: 10-30x the pure-Python Brandes
    this replaced, with the same numbers; a test checks them against brute force), and the number of connected pairs.

    igraph sums over ordered (source, target) pairs and halves undirected graphs; doubled, that counts every
    unordered {a, b} once, except pairs with both ends in A and B, counted twice, whose sum is taken off again:
    score = X(A, B) - X(A∩B, A∩B) / 2. With ``sample``, the sources are a random sample S of A (the same draw for a
    seed) and score = |A|/|S| * (X(S, B) - X(S∩B, A∩B) / 2), an unbiased estimate. The connected-pair count is exact
    either way, from the connected components.
    """
    import igraph

    in_a, in_b = set(A), set(B)
    both = sorted(in_a & in_b)
    sources = A
    if sample and sample < len(A):
        sources = sorted(random.Random(seed).sample(A, sample))
    scale = len(A) / len(sources) if sources else 0.0
    nodes = list(H)
    index = {v: i for i, v in enumerate(nodes)}
    ig = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in H.edges() if u != v])

    def twice(src: list[str], dst: list[str]) -> list[float]:
        if not src or not dst:
            return [0.0] * len(nodes)
        half = ig.betweenness(directed=False, sources=[index[v] for v in src], targets=[index[v] for v in dst])
        return [2 * x for x in half]

    x = twice(sources, B)
    y = twice([v for v in sources if v in in_b], both) if len(both) > 1 else [0.0] * len(nodes)
    result = {v: scale * (x[i] - y[i] / 2) for i, v in enumerate(nodes)}

    connected = 0
    for component in ig.connected_components():
        members_ = [nodes[i] for i in component]
        na = sum(1 for v in members_ if v in in_a)
        nb = sum(1 for v in members_ if v in in_b)
        ni = sum(1 for v in members_ if v in in_a and v in in_b)
        connected += na * nb - ni - ni * (ni - 1) // 2  # unordered pairs, a != b
    return result, connected


# -- communities and components -----------------------------------------------------------------------------------
def _summary(G: nx.Graph, H: nx.Graph, nodes: list[str], rank: dict[str, float], top: int) -> dict:
    """Who is in a group of nodes: the best connected first (ties, then PageRank), the commonest kinds and diseases."""
    ordered = sorted(nodes, key=lambda n: (-H.degree(n), -rank.get(n, 0.0), G.nodes[n].get("label", n), n))
    kinds = Counter(G.nodes[n].get("kind", "") for n in nodes)
    diseases = Counter(d for n in nodes for d in (G.nodes[n].get("disease_areas") or ()))
    top_members = [G.nodes[n].get("short_label", n) for n in ordered[:top]]
    common_kinds = [f"{k} ({c})" for k, c in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))[:3] if k]
    common_diseases = [f"{d} ({c})" for d, c in sorted(diseases.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    description = f"{len(nodes)} around {', '.join(top_members[:3])}"
    if common_kinds:
        description += f"; commonest kind: {common_kinds[0]}"
    if common_diseases:
        description += f"; commonest disease area: {common_diseases[0]}"
    return {
        "size": len(nodes),
        "top_members": ", ".join(top_members),
        "kinds": ", ".join(common_kinds),
        "disease_areas": ", ".join(common_diseases),
        "description": description,
        "members": ", ".join(G.nodes[n].get("short_label", n) for n in ordered),
        "keys": ", ".join(ordered),
    }


_IGRAPH_RNG = threading.Lock()  # igraph draws from one process-wide generator: one seeded run at a time
_NETWORKIT = threading.Lock()  # networkit's thread count and seed are process-wide too


@contextmanager
def _networkit_run(nk, seed: int):
    """One networkit run at a time, on one thread with ``seed`` (its parallel runs are not reproducible); the
    process's thread count is put back after."""
    with _NETWORKIT:
        threads = nk.getMaxNumberOfThreads()
        nk.setNumberOfThreads(1)
        try:
            nk.setSeed(seed, False)
            yield
        finally:
            nk.setNumberOfThreads(threads)


def louvain(H: nx.Graph, *, seed: int = 42, resolution: float = 1.0) -> list[set]:
    """Louvain communities of a simple weighted graph, as sets of nodes; ``resolution`` above 1 gives more, smaller
    communities.

    networkit's PLM with refinement (Louvain's local moves and aggregation, in C++, then one more round of moves at
    each level): on the benchmark's 1M-triple projection (28,000 nodes, 38,600 edges) 0.16 s with a modularity of
    0.719, where igraph's multilevel Louvain takes 0.50 s for 0.708 and networkx's 6.2 s for 0.708
    (``bench/louvain.py --size 1m --networkx``). It runs on one thread, visiting nodes in order, so the split is the
    same on every run (``seed`` is then not needed; it is set all the same). ``tests/test_analyse_metrics.py`` checks
    the modularity is at least networkx's Louvain's, less 0.01. Without networkit, igraph's multilevel Louvain with
    a ``random.Random(seed)`` of its own (igraph draws from one generator for the whole process; Python's
    ``random``, its default, is put back after); without either, networkx's Louvain.
    """
    if not resolution >= 0:  # NaN too
        raise InputError(f"Louvain resolution {resolution} must be 0 or more (1 is plain modularity; above 1 gives "
                         "more, smaller communities)")
    nodes = list(H)
    if not nodes:
        return []
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v], d.get("weight", 1.0)) for u, v, d in H.edges(data=True)]
    try:
        import networkit as nk
    except ImportError:
        nk = None
    if nk is not None:
        N = nk.Graph(len(nodes), weighted=True)
        for a, b, w in edges:
            N.addEdge(a, b, w)
        with _networkit_run(nk, seed):  # its parallel moves depend on thread timing
            membership = nk.community.PLM(N, refine=True, gamma=resolution).run().getPartition().getVector()
        groups: dict[int, set] = defaultdict(set)
        for i, c in enumerate(membership):
            groups[c].add(nodes[i])
        return list(groups.values())
    try:
        import igraph
    except ImportError:
        return nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    ig = igraph.Graph(n=len(nodes), edges=[(a, b) for a, b, _ in edges])
    with _IGRAPH_RNG:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            found = ig.community_multilevel(weights=[w for *_, w in edges] or None, resolution=resolution)
        finally:
            igraph.set_random_number_generator(random)
    return [{nodes[i] for i in members} for members in found]


@collector_paused
def communities(G: nx.Graph, *, seed: int = 42, resolution: float = 1.0, top: int = 5,
                min_size: int = 2) -> list[dict]:
    """Louvain communities (weighted, fixed seed: the same split every run; see :func:`louvain`), largest first,
    each described.

    Communities smaller than ``min_size`` (by default the isolated nodes) are left out; ``components`` lists
    them. Members are ordered by ties, then PageRank; ``kinds`` and ``disease_areas`` give the three commonest, with
    counts.
    """
    H = simple_graph(G)
    found = louvain(H, seed=seed, resolution=resolution)
    rank = nx.pagerank(H, weight="weight") if H.number_of_edges() else {}
    groups = sorted((sorted(c) for c in found if len(c) >= min_size), key=lambda c: (-len(c), c[0]))
    return [{"community": i, **_summary(G, H, c, rank, top)} for i, c in enumerate(groups, 1)]


@collector_paused
def components(G: nx.Graph, *, top: int = 5) -> list[dict]:
    """Connected components, largest first; an isolated node is a component of one."""
    H = simple_graph(G)
    rank = nx.pagerank(H, weight="weight") if H.number_of_edges() else {}
    comps = sorted((sorted(c) for c in nx.connected_components(H)), key=lambda c: (-len(c), c[0]))
    return [{"component": i, **_summary(G, H, c, rank, top)} for i, c in enumerate(comps, 1)]
