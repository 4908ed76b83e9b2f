"""Pictures of the projection: the whole network, an ego network, a path; PNG and SVG.

Drawn with matplotlib's object API on a plain ``Figure`` (Agg for PNG), never through pyplot, so no global backend
or state is touched. The same projection gives the same files byte for byte: the layout is seeded, the SVG ids are
salted with a constant (``svg.hashsalt``, set only while saving) and the SVG carries no date.

Colour is the node's kind (its top-level kind, as in ``kind``), size its PageRank; labels are acronyms where there
are any, otherwise names wrapped onto short lines.
"""

from __future__ import annotations

import enum
import io
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

import networkx as nx

from ..errors import InputError
from ..export import check_writable, write_together
from .metrics import simple_graph
from .paths import Path as GraphPath
from .project import KIND_PRIORITY

__all__ = ["PlotFormat", "main_plot_files", "network_files", "network_selection", "plot_network", "plot_ego", "plot_path",
           "write_main_plots"]

SEED = 7
#: Beyond this many nodes the whole-network picture keeps a connected core grown by PageRank (network_selection).
MAX_NODES = 300


class PlotFormat(str, enum.Enum):
    PNG = "png"
    SVG = "svg"


_PALETTE = [  # tab20 without its pale halves, then the pale ones: distinct colours first
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
]
_EXTRA_KINDS = ("person", "post", "event", "event-series")


def _colour(kind_id: str) -> str:
    """A fixed colour per kind, the same in every picture."""
    order = list(KIND_PRIORITY) + list(_EXTRA_KINDS)
    if kind_id in order:
        return _PALETTE[order.index(kind_id) % len(_PALETTE)]
    return _PALETTE[sum(map(ord, kind_id)) % len(_PALETTE)]


def _formats(formats: Iterable[PlotFormat | str]) -> list[PlotFormat]:
    out = []
    for f in formats:
        try:
            out.append(PlotFormat(str(f).strip().lower().lstrip(".")))
        except ValueError:
            raise InputError(f"unknown picture format {f!r}; use png, svg or both (png,svg)") from None
    if not out:
        raise InputError("give at least one picture format: png, svg")
    return sorted(set(out), key=lambda f: f.value)


def _label(data: dict, key: str) -> str:
    text = data.get("acronym") or data.get("label") or key
    return "\n".join(textwrap.wrap(text, 16, max_lines=3, placeholder="…")) or key


def _save(fig, base: Path, formats: Iterable[PlotFormat | str]) -> list[Path]:
    check_writable(base.parent)
    return write_together(_render(fig, base, formats))


def _render(fig, base: Path, formats: Iterable[PlotFormat | str]) -> dict[Path, bytes]:
    """The picture in each format, as ``{base.FORMAT: bytes}``; nothing is written."""
    import matplotlib

    files = {}
    for fmt in _formats(formats):
        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.hashsalt": "oncograph", "svg.fonttype": "none"}):
            if fmt is PlotFormat.SVG:
                fig.savefig(buf, format="svg", metadata={"Date": None})
            else:
                fig.savefig(buf, format="png", dpi=120, metadata={"Software": None})
        files[base.with_name(f"{base.name}.{fmt.value}")] = buf.getvalue()
    return files


def _draw(G: nx.MultiGraph, pos: dict, *, title: str, caption: str = "", highlight: set[tuple[str, str]] = frozenset(),
          edge_labels: dict | None = None, size_by: dict | None = None, figsize=(16, 11)):
    """One figure: edges (weak ones dashed, highlighted ones thick), nodes by kind and size, labels, legend."""
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=figsize)
    ax = fig.add_axes((0.01, 0.06, 0.78, 0.86))
    ax.set_axis_off()
    H = simple_graph(G)
    strong = {frozenset((u, v)) for u, v, d in G.edges(data=True) if not d.get("weak")}
    segments = {"strong": [], "weak": [], "highlight": []}
    for u, v in sorted(H.edges(), key=lambda e: tuple(sorted(e))):
        pair = frozenset((u, v))
        kind = "highlight" if (u, v) in highlight or (v, u) in highlight else ("strong" if pair in strong else "weak")
        segments[kind].append((pos[u], pos[v]))
    ax.add_collection(LineCollection(segments["weak"], colors="#bbbbbb", linewidths=0.6, linestyles="dashed", zorder=1))
    ax.add_collection(LineCollection(segments["strong"], colors="#888888", linewidths=1.0, zorder=1))
    ax.add_collection(LineCollection(segments["highlight"], colors="#d62728", linewidths=3.0, zorder=2))
    nodes = sorted(pos)
    top = max(size_by.values()) or 1.0 if size_by else 1.0
    area = {n: 80 + 1400 * (size_by[n] / top) if size_by else 400.0 for n in nodes}  # points squared
    ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=[area[n] for n in nodes],
               c=[_colour(G.nodes[n].get("kind_id", "")) for n in nodes], edgecolors="white", linewidths=0.8, zorder=3)
    for n in nodes:  # the label just under its node, so the colour stays visible
        ax.annotate(_label(G.nodes[n], n), pos[n], xytext=(0, -(area[n] ** 0.5) / 2 - 1), textcoords="offset points",
                    fontsize=7, ha="center", va="top", zorder=4,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    for (u, v), text in sorted((edge_labels or {}).items()):
        x, y = (pos[u][0] + pos[v][0]) / 2, (pos[u][1] + pos[v][1]) / 2
        ax.text(x, y, "\n".join(textwrap.wrap(text, 28)), fontsize=7, ha="center", va="center", color="#d62728",
                zorder=5, bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#d62728", "alpha": 0.9})
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    pad_x, pad_y = (max(xs) - min(xs)) * 0.08 or 1.0, (max(ys) - min(ys)) * 0.08 or 1.0
    ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
    ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
    kinds = sorted({(G.nodes[n].get("kind_id", ""), G.nodes[n].get("kind", "")) for n in nodes},
                   key=lambda k: (list(KIND_PRIORITY).index(k[0]) if k[0] in KIND_PRIORITY else 99, k[1]))
    handles = [Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=_colour(kid),
                      markeredgecolor="white", label=label) for kid, label in kinds]
    handles.append(Line2D([], [], color="#888888", label="relationship"))
    if segments["weak"]:
        handles.append(Line2D([], [], color="#bbbbbb", linestyle="dashed", label="listed together (weak)"))
    if segments["highlight"]:
        handles.append(Line2D([], [], color="#d62728", linewidth=3, label="path"))
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.80, 0.94), frameon=False, fontsize=9,
               title="kind" + ("; size: PageRank" if size_by else ""), title_fontsize=9, alignment="left")
    fig.suptitle(title, fontsize=13, x=0.01, ha="left")
    if caption:
        fig.text(0.01, 0.01, caption, fontsize=8, color="#555555")
    return fig


def _pagerank(G: nx.MultiGraph) -> dict[str, float]:
    H = simple_graph(G)
    return nx.pagerank(H, weight="weight") if H.number_of_edges() else {n: 1.0 for n in H}


def _as_of_text(G: nx.Graph) -> str:
    return f" as of {G.graph['as_of']}" if G.graph.get("as_of") else ""


def _fit(pos: dict, x0: float, y0: float, w: float, h: float) -> dict:
    """Scale a layout into the box (x0, y0, w, h), keeping its proportions, centred."""
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scale = min(w, h) / span
    return {n: (x0 + w / 2 + (x - cx) * scale, y0 + h / 2 + (y - cy) * scale) for n, (x, y) in pos.items()}


def _ordered_subgraph(H: nx.Graph, nodes: list) -> nx.Graph:
    """A copy of H's subgraph on ``nodes`` with nodes and edges in sorted order.

    ``H.subgraph`` iterates its nodes in the order of a Python set, which changes with PYTHONHASHSEED, and the
    layouts depend on node order: without this two runs of the main job draw different pictures.
    """
    K = nx.Graph()
    K.add_nodes_from((n, H.nodes[n]) for n in sorted(nodes, key=str))
    K.add_edges_from(sorted(((*sorted((u, v), key=str), d) for u, v, d in H.subgraph(nodes).edges(data=True)),
                            key=lambda e: (str(e[0]), str(e[1]))))
    return K


def _packed_layout(H: nx.Graph, *, seed: int) -> dict:
    """The largest component big, on top; the others in a row of small boxes beneath, largest first.

    Laying out the whole graph at once flings small components to the corners and crushes the main one.
    Kamada–Kawai for components up to 200 nodes (it spreads a star evenly), seeded spring layout above that.
    """
    comps = sorted((sorted(c) for c in nx.connected_components(H)), key=lambda c: (-len(c), c[0]))
    pos: dict = {}
    per_row = 6
    for i, comp in enumerate(comps):
        sub = _ordered_subgraph(H, comp)
        if len(comp) == 1:
            local = {comp[0]: (0.0, 0.0)}
        elif len(comp) <= 200:
            local = nx.kamada_kawai_layout(sub, pos=nx.circular_layout(sub), weight=None)
        else:
            local = nx.spring_layout(sub, seed=seed, iterations=100)
        if i == 0:
            pos.update(_fit(local, 0.0, 0.0, 1.6, 1.0))
        else:
            row, col = divmod(i - 1, per_row)
            cell = 1.6 / per_row
            box = 0.6 * cell if len(comp) > 1 else 0.0
            pos.update(_fit(local, col * cell + (cell - box) / 2, -0.12 - row * cell * 0.8 - box, box, box))
    return pos


def plot_network(G: nx.MultiGraph, base: Path | str, *, formats=("png", "svg"), isolates: bool = False,
                 max_nodes: int = MAX_NODES, seed: int = SEED) -> list[Path]:
    """The whole network, coloured by kind and sized by PageRank; writes ``base.png`` / ``base.svg``.

    Nodes without ties are left out unless ``isolates``; beyond ``max_nodes`` only the highest PageRank ones are
    drawn. The caption says what was left out.
    """
    base = Path(base)
    files = network_files(G, base, formats=formats, isolates=isolates, max_nodes=max_nodes, seed=seed)
    check_writable(base.parent)
    return write_together(files)


def network_files(G: nx.MultiGraph, base: Path | str, *, formats=("png", "svg"), isolates: bool = False,
                  max_nodes: int = MAX_NODES, seed: int = SEED) -> dict[Path, bytes]:
    """What :func:`plot_network` writes, as ``{file: bytes}``; nothing is written."""
    base = Path(base)
    rank = _pagerank(G)
    keep, left_out = network_selection(G, rank, isolates=isolates, max_nodes=max_nodes)
    if not keep:
        raise InputError("nothing to draw: no node of this projection has a tie")
    S = G.subgraph(keep)
    pos = _packed_layout(simple_graph(S), seed=seed)
    title = f"oncograph: {S.number_of_nodes()} organisations and resources, {S.number_of_edges()} relationships" \
            f"{_as_of_text(G)}"
    caption = f"Not drawn: {'; '.join(left_out)}. " if left_out else ""
    caption += "Edges: one line per linked pair, whatever the number of relationships. Seeded layout."
    fig = _draw(S, pos, title=title, caption=caption, size_by={n: rank[n] for n in keep})
    return _render(fig, base, formats)


def network_selection(G: nx.MultiGraph, rank: dict[str, float], *, isolates: bool = False,
                      max_nodes: int = MAX_NODES) -> tuple[list[str], list[str]]:
    """The nodes the whole-network picture draws (sorted), and what its caption says was left out.

    Beyond ``max_nodes`` the drawing grows from the node of highest PageRank, each step adding the best-ranked node
    tied to those already in (a new start when a component is used up), so the picture shows ties: the 300 best
    ranked of a landscape of 28,000 are mostly campaigns with few ties among them (65 ties for 300 nodes)."""
    import heapq

    keep = [n for n in G if isolates or G.degree(n) > 0]
    left_out = []
    if len(G) - len(keep):
        left_out.append(f"{len(G) - len(keep)} without ties")
    if len(keep) <= max_nodes:
        return sorted(keep), left_out
    allowed = set(keep)
    order = sorted(keep, key=lambda n: (-rank[n], n))  # starts, best first
    chosen: set[str] = set()
    frontier: list[tuple[float, str]] = []
    starts = iter(order)
    while len(chosen) < max_nodes:
        if not frontier:
            start = next(n for n in starts if n not in chosen)
            heapq.heappush(frontier, (-rank[start], start))
        _, n = heapq.heappop(frontier)
        if n in chosen:
            continue
        chosen.add(n)
        for m in G.neighbors(n):
            if m in allowed and m not in chosen:
                heapq.heappush(frontier, (-rank[m], m))
    left_out.append(f"all but {max_nodes}, grown from the highest PageRank by the best-ranked tie each step")
    return sorted(chosen), left_out


def plot_ego(G: nx.MultiGraph, centre: str, base: Path | str, *, depth: int = 1, formats=("png", "svg")) -> list[Path]:
    """The ego network of ``centre``: rings by distance (centre in the middle)."""
    from .paths import ego_network

    ego = ego_network(G, centre, depth=depth)
    shells = [sorted(n for n, d in ego.nodes(data="distance") if d == k) for k in range(depth + 1)]
    pos = nx.shell_layout(simple_graph(ego), nlist=[s for s in shells if s], rotate=0)
    rank = _pagerank(ego)
    title = (f"Within {depth} step{'s' * (depth != 1)} of {G.nodes[centre].get('short_label', centre)}: "
             f"{ego.number_of_nodes() - 1} neighbours, {ego.number_of_edges()} relationships{_as_of_text(G)}")
    fig = _draw(ego, pos, title=title, size_by=rank, caption="Rings by distance from the centre.")
    return _save(fig, Path(base), formats)


def plot_path(G: nx.MultiGraph, path: GraphPath, base: Path | str, *, formats=("png", "svg")) -> list[Path]:
    """One path, left to right, each hop labelled with its relationships."""
    nodes = list(path.nodes)
    P = G.subgraph(nodes)
    pos = {n: (float(i), 0.0) for i, n in enumerate(nodes)}
    labels = {}
    for hop in path.hops:
        kinds = sorted({d.get("type_label") or d.get("relationship_type", "") for d in hop.relationships})
        labels[(hop.source, hop.target)] = ", ".join(kinds)
    highlight = {(h.source, h.target) for h in path.hops}
    a, b = G.nodes[nodes[0]], G.nodes[nodes[-1]]
    title = (f"From {a.get('short_label')} to {b.get('short_label')} in {path.length} "
             f"step{'s' * (path.length != 1)}{_as_of_text(G)}")
    fig = _draw(P, pos, title=title, highlight=highlight, edge_labels=labels, figsize=(max(8, 3.2 * len(nodes)), 4),
                caption="Each hop is labelled with every relationship between the pair; "
                        "`oncograph analyse path` tells them with dates and sources.")
    return _save(fig, Path(base), formats)


def write_main_plots(built, graph, out_dir: Path | str, *, say: Callable[[str], None]) -> list[Path]:
    """For the main job (``oncograph build``): the whole-network picture as ``plots/network.png`` and ``.svg``."""
    files = main_plot_files(built, graph, out_dir, say=say)
    check_writable(Path(out_dir) / "plots")
    return write_together(files)


def main_plot_files(built, graph, out_dir: Path | str, *, say: Callable[[str], None]) -> dict[Path, bytes]:
    """What :func:`write_main_plots` writes, as ``{file: bytes}``; nothing is written."""
    from .project import project

    say("drawing the network ...")
    return network_files(project(graph), Path(out_dir) / "plots" / "network", formats=("png", "svg"))
