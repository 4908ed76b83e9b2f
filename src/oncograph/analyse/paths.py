"""How two organisations are connected: shortest paths, all simple paths up to a length, ego networks.

Paths are found on the simple graph (one step per linked pair); each step is then told with *every* relationship
between the pair, so a hop ESMO–WHO lists the partnership, the collaboration plan and the official status.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import networkx as nx

from ..errors import InputError
from .metrics import simple_graph
from .wording import edge_sentence, name_of, period_text, sources_text, tell_edge

__all__ = ["Hop", "Path", "shortest_paths", "simple_paths", "ego_network", "ego_rows", "NoPath"]


class NoPath(InputError):
    """The two nodes are not connected in this projection."""


@dataclass(frozen=True)
class Hop:
    """One step of a path: from ``source`` to ``target``, with every relationship between them (edge attributes)."""

    source: str
    target: str
    relationships: tuple[dict, ...]


@dataclass(frozen=True)
class Path:
    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]

    @property
    def length(self) -> int:
        return len(self.hops)

    def text(self, G: nx.Graph) -> str:
        """The path in words, hop by hop, each relationship with its period and source."""
        lines = [" → ".join(name_of(G, n) for n in self.nodes) + f" ({self.length} step{'s' * (self.length != 1)})"]
        for i, hop in enumerate(self.hops, 1):
            first, *others = hop.relationships
            lines.append(f"  {i}. {name_of(G, hop.source)} → {name_of(G, hop.target)}: {tell_edge(G, first)}")
            lines.extend(f"     also: {tell_edge(G, d)}" for d in others)
        return "\n".join(lines)

    def rows(self, G: nx.Graph, *, path_number: int = 1) -> list[dict]:
        """One row per hop and relationship, for CSV and JSON."""
        out = []
        for i, hop in enumerate(self.hops, 1):
            for d in hop.relationships:
                out.append({"path": path_number, "step": i, "from": hop.source, "to": hop.target,
                            "from_label": name_of(G, hop.source), "to_label": name_of(G, hop.target),
                            "relationship_type": d.get("relationship_type", ""), "sentence": edge_sentence(G, d),
                            "period": period_text(d), "sources": sources_text(d),
                            "relationships": " ".join(d.get("relationships") or ())})
        return out


def _relationship_order(d: dict) -> tuple:
    # strong before weak, direct before derived ties, dated before undated and oldest first, then type and key
    when = d.get("period_start") or d.get("announced") or d.get("period_end") or ""
    return (d.get("weak", False), d.get("tie") != "direct", not when, when, d.get("relationship_type", ""),
            d.get("_key", ""))


def _path(G: nx.MultiGraph, nodes: list[str]) -> Path:
    hops = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        rels = [dict(d, _key=k) for k, d in G[u][v].items()]
        rels.sort(key=_relationship_order)
        hops.append(Hop(u, v, tuple({k: x for k, x in d.items() if k != "_key"} for d in rels)))
    return Path(tuple(nodes), tuple(hops))


def _sort_key(G: nx.Graph, nodes: list[str]) -> tuple:
    return (len(nodes), [G.nodes[n].get("label", n) for n in nodes])


def shortest_paths(G: nx.MultiGraph, a: str, b: str, *, limit: int = 10) -> list[Path]:
    """All shortest paths from ``a`` to ``b`` (node keys), at most ``limit``, in a stable order.

    Raises NoPath when they are not connected (the message says how to link more).
    """
    _check(G, a, b)
    H = simple_graph(G)
    try:
        found = list(itertools.islice(nx.all_shortest_paths(H, a, b), 10_000))
    except nx.NetworkXNoPath:
        raise NoPath(f"{name_of(G, a)} and {name_of(G, b)} are not connected in this projection; "
                     "link more with --listing-ties, --events or --people, or check --as-of / --types") from None
    found.sort(key=lambda p: _sort_key(G, p))
    return [_path(G, p) for p in found[:limit]]


def simple_paths(G: nx.MultiGraph, a: str, b: str, *, max_length: int = 4, limit: int = 100) -> list[Path]:
    """Every path from ``a`` to ``b`` of at most ``max_length`` steps that visits no node twice, shortest first."""
    _check(G, a, b)
    if max_length < 1:
        raise InputError(f"--max-length must be at least 1, not {max_length}")
    H = simple_graph(G)
    found = list(itertools.islice(nx.all_simple_paths(H, a, b, cutoff=max_length), 100_000))
    found.sort(key=lambda p: _sort_key(G, p))
    return [_path(G, p) for p in found[:limit]]


def _check(G: nx.Graph, *keys: str) -> None:
    for k in keys:
        if k not in G:
            raise InputError(f"{k!r} is not a node of this projection")
    if len(set(keys)) < len(keys):
        raise InputError("give two different organisations")


def ego_network(G: nx.MultiGraph, centre: str, *, depth: int = 1) -> nx.MultiGraph:
    """The centre, everything within ``depth`` steps of it, and all edges among those; ``distance`` on each node."""
    _check(G, centre)
    if depth < 1:
        raise InputError(f"--depth must be at least 1, not {depth}")
    dist = nx.single_source_shortest_path_length(G, centre, cutoff=depth)
    ego = G.subgraph(sorted(dist)).copy()
    nx.set_node_attributes(ego, dist, "distance")
    ego.graph["centre"] = centre
    return ego


def ego_rows(ego: nx.MultiGraph) -> list[dict]:
    """One row per node of an ego network: distance, who, and how it is tied to nodes one step nearer the centre."""
    rows = []
    for n, data in ego.nodes(data=True):
        d = data["distance"]
        links = []
        for m in sorted(ego[n]):
            if ego.nodes[m]["distance"] == d - 1:
                for rel in sorted(ego[n][m].values(), key=_relationship_order):
                    links.append(edge_sentence(ego, rel))
        rows.append({"distance": d, "key": n, "label": data.get("label", n), "acronym": data.get("acronym", ""),
                     "kind": data.get("kind", ""), "ties": len(ego[n]), "via": "; ".join(links)})
    rows.sort(key=lambda r: (r["distance"], r["label"], r["key"]))
    return rows
