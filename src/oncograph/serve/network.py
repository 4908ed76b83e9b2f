"""The network view's data: the projection of ``oncograph.analyse``, filtered, laid out, as Cytoscape.js elements.

Layout happens here, not in the browser: a seeded spring layout gives the same picture for the same filters, and
the positions of the whole landscape are reused when filters only hide parts of it, so nodes stay where the
reader last saw them.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx
from rdflib import Graph

from ..analyse import EmptyProjection, ego_network, project
from ..model import REL_TYPES
from .lru import LRU
from .search import SearchIndex, key_of

#: Colour groups, in legend order: the top-level kinds of the kinds scheme in the order ``oncograph.analyse`` picks
#: an organisation's one kind by (so the explorer and the plots agree), then people, posts and events.
KIND_PRIORITY = (
    "patient-organisation", "professional-society", "company", "intergovernmental-organisation",
    "research-organisation", "education-provider", "charity", "umbrella-organisation", "campaign",
    "information-resource", "organisational-unit", "member-collective", "unspecified",
)
GROUPS = (*KIND_PRIORITY, "person", "post", "event")

#: Relationship types offered as filters (listings relate an organisation to a page, not to another organisation;
#: they come in as co-listing ties instead).
NETWORK_TYPES = tuple(name for name in REL_TYPES if name != "listing")

KAMADA_KAWAI_MAX = 400  # nodes; beyond this its O(n^2) memory and time grow too much for a page
#: Most nodes one view draws. A browser draws a few thousand nodes smoothly, and a landscape of 28,000 organisations
#: took 261 s to lay out; beyond this the view keeps the best-connected nodes (nearest the focus first) and says so.
MAX_NODES = 1500
#: Up to this many nodes the whole landscape is laid out once, so nodes keep their places as filters change; a
#: bigger one is laid out view by view, for just the nodes shown.
LANDSCAPE_LAYOUT_MAX = 3000
SPACING = 70.0  # about the distance between neighbouring nodes, in Cytoscape's pixels


@dataclass(frozen=True)
class NetworkQuery:
    """What the reader asked for; every field comes from the page's form."""

    focus: str = ""  # node key (org/esmo) of the ego network's centre; empty for the whole landscape
    radius: int = 1
    types: tuple[str, ...] = ()  # names from NETWORK_TYPES; empty means all
    kind: str = ""
    disease: str = ""
    scope: str = ""
    as_of: dt.date | None = None
    dated_only: bool = False
    people: bool = False
    events: bool = False
    co_listed: bool = False
    isolated: bool = False


@dataclass
class NetworkView:
    elements: list[dict] = field(default_factory=list)
    legend: list[tuple[str, str, int]] = field(default_factory=list)  # (group id, label, nodes shown)
    ties: list[dict] = field(default_factory=list)
    node_count: int = 0
    edge_count: int = 0
    matching: int = 0
    message: str = ""


class Networks:
    """Projections and layouts of one graph, computed on demand and kept in a small LRU cache."""

    def __init__(self, graph: Graph, index: SearchIndex, *, cache_size: int = 64, max_nodes: int = MAX_NODES,
                 landscape_layout_max: int = LANDSCAPE_LAYOUT_MAX):
        self.graph = graph
        self.index = index
        self.max_nodes = max_nodes
        self.landscape_layout_max = landscape_layout_max
        self._projections = LRU(cache_size)
        self._layouts = LRU(cache_size)
        self.group_labels = self._group_labels()

    def _group_labels(self) -> dict[str, str]:
        labels = {g: g.replace("-", " ") for g in GROUPS}
        for option in self.index.options("kind"):
            labels[option.id] = option.label
        return labels

    def projection(self, q: NetworkQuery) -> nx.MultiGraph:
        key = (q.types, q.as_of, q.dated_only, q.people, q.events, q.co_listed)
        return self._projections.get(key, lambda: project(
            self.graph, relationship_types=list(q.types) or None, include_people=q.people,
            include_events=q.events, listing_ties=q.co_listed, as_of=q.as_of,
            undated="drop" if q.dated_only else "keep"))

    def positions(self, G: nx.MultiGraph, key) -> dict[str, tuple[float, float]]:
        return self._layouts.get(key, lambda: layout(G))

    def view(self, q: NetworkQuery) -> NetworkView:
        """The elements to draw for ``q``, with the legend and a table of the ties shown."""
        try:
            G = self.projection(q)
        except EmptyProjection as exc:
            return NetworkView(message=str(exc))
        if q.focus and q.focus not in G:
            return NetworkView(message="that organisation has no ties with these filters (or on that date)")
        if q.focus:
            G = ego_network(G, q.focus, depth=max(1, min(q.radius, 3)))
        filters = {"kind": q.kind, "disease": q.disease, "scope": q.scope}
        match = {n for n, attrs in G.nodes(data=True) if self._matches(attrs, filters)}
        if any(filters.values()):
            # matching nodes and their ties; the other end of a tie is shown as context
            edges = [(u, v, k) for u, v, k in G.edges(keys=True) if u in match or v in match]
        else:
            edges = list(G.edges(keys=True))
        shown = {n for u, v, _ in edges for n in (u, v)}
        if q.isolated or q.focus:
            shown |= match
        if q.focus:
            shown.add(q.focus)
        view = NetworkView(matching=len(match))
        cut = len(shown) > self.max_nodes
        if cut:
            before = len(shown)
            shown = self._best_connected(G, shown, match, q.focus)
            edges = [(u, v, k) for u, v, k in edges if u in shown and v in shown]
            where = "nearest the focus, then those " if q.focus else ""
            view.message = (f"This view has {before:,} nodes, too many to draw: the {len(shown):,} {where}with the "
                            "most ties are shown. Pick a focus organisation, a relationship type or a filter to see "
                            "the others.")
        if q.focus:
            pos = self.positions(_drawn(shown, edges) if cut else G, ("ego", q))
        else:
            landscape = self.projection(NetworkQuery(people=q.people, events=q.events, co_listed=q.co_listed))
            if len(landscape) <= self.landscape_layout_max:
                # the landscape's layout, for all relationship types, whatever the filters: nodes keep their places
                pos = self.positions(landscape, ("landscape", q.people, q.events, q.co_listed))
            else:  # too big to lay out whole: just what is shown
                pos = self.positions(_drawn(shown, edges), ("view", q))
        groups = Counter()
        for n in sorted(shown):
            attrs = G.nodes[n]
            group = self.group(attrs)
            groups[group] += 1
            x, y = pos.get(n, (0.0, 0.0))
            view.elements.append({"group": "nodes", "data": {
                "id": n, "label": attrs.get("short_label") or attrs.get("label") or n,
                "name": attrs.get("label", n), "kind": attrs.get("kind", ""), "colour": group,
                "href": f"/id/{n}", "focus": n == q.focus, "context": n not in match},
                "position": {"x": x, "y": y}})
        for u, v, k in sorted(edges):
            e = edge_facts(G.edges[u, v, k])
            view.elements.append({"group": "edges", "data": {
                "id": f"{k}|{u}|{v}", "source": u, "target": v, "type": e["type"], "period": e["period"],
                "derived": e["derived"], "weak": e["weak"], "href": f"/id/{e['key']}" if e["key"] else "",
                "sources": [{"title": title, "href": f"/id/{key}"} for key, title in e["sources"]]}})
            a_key, b_key = e["subject"] or u, e["object"] or v
            view.ties.append({**e, "a": G.nodes[a_key].get("label", a_key), "a_key": a_key,
                              "b": G.nodes[b_key].get("label", b_key), "b_key": b_key})
        view.ties.sort(key=lambda t: (t["type"], t["a"].casefold(), t["b"].casefold()))
        view.node_count, view.edge_count = len(shown), len(edges)
        view.legend = [(g, self.group_labels.get(g, g), groups[g]) for g in GROUPS if groups[g]]
        return view

    def _best_connected(self, G: nx.MultiGraph, shown: set[str], match: set[str], focus: str) -> set[str]:
        """The ``max_nodes`` of ``shown`` to keep: nearest ``focus`` first (if any), then those matching the filters,
        then most ties, then by key."""
        distance = nx.single_source_shortest_path_length(G, focus) if focus else {}
        ranked = sorted(shown, key=lambda n: (distance.get(n, 0), n not in match, -G.degree(n), n))
        return set(ranked[:self.max_nodes])

    def _matches(self, attrs: dict, filters: dict[str, str]) -> bool:
        if not any(filters.values()):
            return True
        entry = self.index.entries.get(attrs.get("iri", ""))
        return entry is not None and self.index.matches(entry, filters)

    def group(self, attrs: dict) -> str:
        """The colour group of a node: its first top-level kind in KIND_PRIORITY order, else its class."""
        cls = attrs.get("entity_class", "")
        if cls in ("person", "post"):
            return cls
        if cls in ("event", "event series"):
            return "event"
        if attrs.get("kind_id") in GROUPS:  # the kind oncograph.analyse shows it as (its plots use the same)
            return attrs["kind_id"]
        entry = self.index.entries.get(attrs.get("iri", ""))
        concepts = [self.index.concepts[iri] for iri in entry.expanded["kind"]] if entry else []
        tops = [c.id for c in concepts if c.ancestors == {c.iri}]
        return min(tops, key=lambda t: (GROUPS.index(t) if t in GROUPS else len(GROUPS), t)) if tops else "unspecified"


def _drawn(nodes: set[str], edges: list[tuple]) -> nx.MultiGraph:
    """Just the nodes and ties a view draws, to lay out."""
    H = nx.MultiGraph()
    H.add_nodes_from(sorted(nodes))
    H.add_edges_from(edges)
    return H


def layout(G: nx.MultiGraph, *, spacing: float = SPACING) -> dict[str, tuple[float, float]]:
    """Positions for every node: each connected component laid out on its own (Kamada-Kawai, or a seeded spring
    layout when big), sized by its node count, then the components packed in rows, biggest first, so no component
    squeezes another. Deterministic: the same graph gets the same picture."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(G.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in G.edges() if u != v))
    components = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    boxes = []  # (nodes' positions relative to the box's corner, width, height)
    for nodes in components:
        if len(nodes) == 1:
            local = {nodes[0]: (0.0, 0.0)}
        else:
            sub = simple.subgraph(nodes)
            raw = _component_layout(sub)
            radius = spacing * len(nodes) ** 0.5 * 0.9
            local = {n: (float(x) * radius, float(y) * radius) for n, (x, y) in raw.items()}
        xs, ys = [p[0] for p in local.values()], [p[1] for p in local.values()]
        left, top = min(xs), min(ys)
        boxes.append(({n: (x - left, y - top) for n, (x, y) in local.items()},
                      max(xs) - left + spacing, max(ys) - top + spacing))
    row_width = max([b[1] for b in boxes[:1]] + [sum(b[1] * b[2] for b in boxes) ** 0.5 * 1.4])
    pos, x, y, row_height = {}, 0.0, 0.0, 0.0
    for local, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for n, (nx_, ny_) in local.items():
            pos[n] = (round(x + nx_, 1), round(y + ny_, 1))
        x += width
        row_height = max(row_height, height)
    return pos


def _component_layout(sub: nx.Graph) -> dict:
    """Kamada-Kawai spreads a hub's neighbours evenly and needs no seed (it uses scipy); for big components (or
    without scipy) a seeded Fruchterman-Reingold layout, igraph's where it is installed."""
    n = len(sub)
    if n <= KAMADA_KAWAI_MAX:
        try:
            return nx.kamada_kawai_layout(sub)
        except ImportError:
            pass
    try:
        return _igraph_layout(sub)
    except ImportError:
        return nx.spring_layout(sub, seed=7, iterations=100, k=2.5 / n ** 0.5)


_IGRAPH_RANDOM = threading.Lock()  # igraph's random number generator is one for the process


def _igraph_layout(sub: nx.Graph) -> dict:
    """igraph's Fruchterman-Reingold (C, on a grid of cells) from seeded starting places, with igraph's random
    number generator seeded for the call: the same places on every run. Scaled into [-1, 1] as networkx's layouts
    are. Why: the 1M landscape's view draws a component of 1,163 nodes, which networkx's spring layout placed in
    4.5 s and this in 0.08 s, spread more evenly too (the first /network page took 8.6 s, mostly that layout)."""
    import igraph
    import numpy as np

    nodes = list(sub)
    index = {v: i for i, v in enumerate(nodes)}
    graph = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in sub.edges()])
    half = len(nodes) ** 0.5 / 2  # igraph's own starting square
    rng = random.Random(7)
    start = [[rng.uniform(-half, half), rng.uniform(-half, half)] for _ in nodes]
    with _IGRAPH_RANDOM:
        igraph.set_random_number_generator(random.Random(7))
        try:
            coords = graph.layout_fruchterman_reingold(seed=start, niter=500, grid=True).coords
        finally:
            igraph.set_random_number_generator(random)  # igraph's default: Python's random module
    scaled = nx.rescale_layout(np.array(coords, dtype=float))
    return {v: (float(x), float(y)) for v, (x, y) in zip(nodes, scaled)}


def edge_facts(a: dict) -> dict:
    """What the pages show of one projected edge (attribute names: ``oncograph.analyse.project.EDGE_ATTRIBUTES``)."""
    relationships = a.get("relationships") or ()
    start, end, announced = a.get("start_date", ""), a.get("end_date", ""), a.get("announced", "")
    if start or end:
        period = f"{start or '?'}–{end}" if end else f"from {start}"
    else:
        period = f"announced {announced}" if announced else ""
    return {
        "type": a.get("type_label") or a.get("relationship_type", ""), "role": a.get("role", ""),
        "subject": a.get("subject", ""), "object": a.get("object", ""),
        "start": start, "end": end, "period": period, "derived": bool(a.get("date_derived")),
        "derivation": a.get("date_derivation", ""), "weak": bool(a.get("weak")),
        "key": key_of(relationships[0]) if len(relationships) == 1 else "",
        "via": key_of(a["via"]) if a.get("via") else "", "via_label": a.get("via_label", ""),
        "sources": [(key_of(s), t) for s, t in zip(a.get("sources", ()), a.get("source_titles", ()), strict=False)],
    }
