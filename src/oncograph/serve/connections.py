"""How two organisations connect, for the paths page: ``oncograph.analyse`` finds the paths, this module turns
each hop into what the page shows (a sentence per relationship, its period, links to its sources).

Paths run on the same projection as the network view, so its filters (relationship types, "as of" a date,
people, events, co-listing) apply here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..analyse import NoPath, shortest_paths, simple_paths
from ..analyse.wording import edge_sentence, period_text
from .network import edge_facts


@dataclass
class HopView:
    a: str
    a_label: str
    b: str
    b_label: str
    ties: list[dict]  # one per relationship between a and b: sentence, period, derived, key, sources, ...


@dataclass
class PathView:
    hops: list[HopView]

    @property
    def length(self) -> int:
        return len(self.hops)


def find_paths(G: nx.MultiGraph, source: str, target: str, *, max_paths: int = 5,
               extra_steps: int = 0) -> list[PathView]:
    """The shortest paths from ``source`` to ``target`` (node keys), at most ``max_paths``; with ``extra_steps``,
    also paths up to that many steps longer than the shortest. Empty when they are not connected."""
    if source not in G or target not in G:
        return []
    try:
        found = shortest_paths(G, source, target, limit=max_paths)
    except NoPath:
        return []
    if extra_steps > 0:
        found = simple_paths(G, source, target, max_length=found[0].length + extra_steps, limit=max_paths)
    return [PathView([_hop(G, hop) for hop in path.hops]) for path in found]


def _hop(G: nx.MultiGraph, hop) -> HopView:
    ties = []
    for attrs in hop.relationships:
        tie = edge_facts(attrs)
        tie["sentence"] = edge_sentence(G, attrs)
        tie["period_text"] = period_text(attrs)
        ties.append(tie)
    return HopView(hop.source, G.nodes[hop.source].get("label", hop.source), hop.target,
                   G.nodes[hop.target].get("label", hop.target), ties)
