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


def _tooltip(data: dict, key: str) -> str:
    """What hovering over a node in the SVG shows: its whole name, acronym and kind (labels are cut at three lines,
    and a crowded picture leaves some out)."""
    name = data.get("label") or key
    acronym = data.get("acronym")
    kind = data.get("kind")
    return name + (f" ({acronym})" if acronym and acronym != name else "") + (f" · {kind}" if kind else "")


def _with_tooltips(svg: bytes, tooltips: dict[str, str]) -> bytes:
    """The SVG with a ``<title>`` (a tooltip in every browser) first in each node's group, found by its id."""
    import html
    import re

    def titled(match) -> str:
        tip = tooltips.get(match.group(1))
        return match.group(0) if tip is None else f'{match.group(0)}\n    <title>{html.escape(tip)}</title>'

    return re.sub(r'<g id="(oncograph-node-\d+)">', titled, svg.decode("utf-8")).encode("utf-8")


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
                buf = io.BytesIO(_with_tooltips(buf.getvalue(), getattr(fig, "oncograph_tooltips", {})))
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
    tooltips = {}
    for i, n in enumerate(nodes):  # one artist per node, so that the SVG can give each its name as a tooltip
        gid = f"oncograph-node-{i}"
        ax.scatter([pos[n][0]], [pos[n][1]], s=[area[n]], c=[_colour(G.nodes[n].get("kind_id", ""))],
                   edgecolors="white", linewidths=0.8, zorder=3, gid=gid)
        tooltips[gid] = _tooltip(G.nodes[n], n)
    fig.oncograph_tooltips = tooltips  # read by _render
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    pad_x, pad_y = (max(xs) - min(xs)) * 0.08 or 1.0, (max(ys) - min(ys)) * 0.08 or 1.0
    ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
    ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
    edge_texts = []
    for (u, v), text in sorted((edge_labels or {}).items()):
        x, y = (pos[u][0] + pos[v][0]) / 2, (pos[u][1] + pos[v][1]) / 2
        edge_texts.append(ax.text(x, y, "\n".join(textwrap.wrap(text, 28)), fontsize=7, ha="center", va="center",
                                  color="#d62728", zorder=5,
                                  bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#d62728", "alpha": 0.9}))
    labels = {n: ax.annotate(_label(G.nodes[n], n), pos[n], xytext=(0, 0), textcoords="offset points", fontsize=7,
                             zorder=4, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
              for n in nodes}
    hidden = _place_labels(fig, ax, H, pos, area, labels, fixed=edge_texts)
    if hidden:
        caption = (f"{hidden} label{'s' * (hidden != 1)} not drawn where {'they' if hidden != 1 else 'it'} would "
                   f"cover others. " + caption)
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


#: Where a label may go around its node (see _place_labels for the order they are tried in), each at two distances.
_DIRECTIONS = [(0.0, -1.0), (0.0, 1.0), (1.0, 0.0), (-1.0, 0.0),
               (0.7071, -0.7071), (-0.7071, -0.7071), (0.7071, 0.7071), (-0.7071, 0.7071)]
_GAPS = (1.0, 9.0)  # points between the node's edge and its label


def _place_labels(fig, ax, H: nx.Graph, pos: dict, area: dict, labels: dict, *, fixed=()) -> int:
    """Put each node's label next to it where it covers no other label and no other node, if such a place exists;
    a label that would cover another label wherever it went is not drawn. Returns how many were not.

    Nodes are placed biggest first (the most important get the first choice). For each, the places of
    ``_DIRECTIONS`` at each of ``_GAPS`` are tried, the direction away from the node's neighbours first, then below,
    then the others by their angle to it; the first free one is taken, else the one covering the least, if that
    covers only nodes. Before this, with every label under its node, 5 pairs of labels covered each other in the
    curated network (around the Rare Cancers Europe star) and 291 in the 300-node picture of the 1M landscape.
    Measured in display units on an Agg canvas; deterministic, as nodes and places are taken in a fixed order.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    to_px = fig.dpi / 72.0
    centre = {n: tuple(ax.transData.transform(pos[n])) for n in labels}
    radius = {n: (area[n] ** 0.5) / 2 * to_px for n in labels}
    placed, discs = _Boxes(), _Boxes()
    for t in fixed:
        placed.add(_box_of(t.get_window_extent(renderer)), None)
    for n, (x, y) in centre.items():
        discs.add((x - radius[n], y - radius[n], x + radius[n], y + radius[n]), n)
    frame = _box_of(ax.get_window_extent(renderer))
    hidden = 0
    for n in sorted(labels, key=lambda n: (-area[n], str(n))):
        text = labels[n]
        extent = text.get_window_extent(renderer)
        w, h = extent.width + 2, extent.height + 2
        x, y = centre[n]
        away = _away_from_neighbours(n, H, centre)
        directions = sorted(_DIRECTIONS, key=lambda d: (d != away, d != (0.0, -1.0),
                                                         -(d[0] * away[0] + d[1] * away[1])))
        best = None
        for gap in _GAPS:
            reach = radius[n] + gap * to_px
            for dx, dy in directions:
                ax_, ay_ = x + dx * reach, y + dy * reach  # the anchor: the label's side or corner nearest the node
                left = ax_ if dx > 0.3 else ax_ - w if dx < -0.3 else ax_ - w / 2
                bottom = ay_ if dy > 0.3 else ay_ - h if dy < -0.3 else ay_ - h / 2
                box = (left, bottom, left + w, bottom + h)
                on_labels = placed.covered(box) + w * h - _overlap(box, frame)  # off the drawing counts as covering
                cost = (on_labels, discs.covered(box, besides=n))
                if best is None or cost < best[0]:
                    best = (cost, box, (dx, dy), reach)
                if cost == (0, 0):
                    break
            if best[0] == (0, 0):
                break
        (on_labels, _), box, (dx, dy), reach = best
        if on_labels > 0:
            text.set_visible(False)
            hidden += 1
            continue
        placed.add(box, n)
        text.xyann = (dx * reach / to_px, dy * reach / to_px)
        text.set_horizontalalignment("left" if dx > 0.3 else "right" if dx < -0.3 else "center")
        text.set_verticalalignment("bottom" if dy > 0.3 else "top" if dy < -0.3 else "center")
    return hidden


class _Boxes:
    """Boxes (x0, y0, x1, y1) in a grid of square cells, so that what a box covers is summed over its neighbours in
    the grid, not over every box drawn (300 labels tried at 16 places each, against 600 boxes)."""

    CELL = 40.0

    def __init__(self):
        self.cells: dict[tuple[int, int], list[tuple[tuple, object]]] = {}

    def _cells(self, box):
        c = self.CELL
        for i in range(int(box[0] // c), int(box[2] // c) + 1):
            for j in range(int(box[1] // c), int(box[3] // c) + 1):
                yield i, j

    def add(self, box, owner) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append((box, owner))

    def covered(self, box, *, besides=None) -> float:
        """The area of ``box`` covered by the boxes held (other than those of ``besides``), each box counted once."""
        seen, total = set(), 0.0
        for cell in self._cells(box):
            for other, owner in self.cells.get(cell, ()):
                if owner is not None and owner == besides or id(other) in seen:
                    continue
                seen.add(id(other))
                total += _overlap(box, other)
        return total


def _away_from_neighbours(n, H: nx.Graph, centre: dict) -> tuple[float, float]:
    """Of ``_DIRECTIONS``, the one nearest to pointing away from where the node's drawn neighbours lie (below for a
    node without any, or whose neighbours surround it evenly)."""
    x, y = centre[n]
    vx = vy = 0.0
    for m in H.neighbors(n) if n in H else ():
        if m in centre and m != n:
            mx, my = centre[m]
            length = ((mx - x) ** 2 + (my - y) ** 2) ** 0.5 or 1.0
            vx, vy = vx + (x - mx) / length, vy + (y - my) / length
    if (vx * vx + vy * vy) ** 0.5 < 0.5:
        return (0.0, -1.0)
    return max(_DIRECTIONS, key=lambda d: d[0] * vx + d[1] * vy)


def _box_of(bbox) -> tuple[float, float, float, float]:
    return (bbox.x0, bbox.y0, bbox.x1, bbox.y1)


def _overlap(a: tuple, b: tuple) -> float:
    """The area two boxes (x0, y0, x1, y1) share."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


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
    return _render(_network_figure(G, isolates=isolates, max_nodes=max_nodes, seed=seed), Path(base), formats)


def _network_figure(G: nx.MultiGraph, *, isolates: bool, max_nodes: int, seed: int):
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
    return _draw(S, pos, title=title, caption=caption, size_by={n: rank[n] for n in keep})


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
    return _save(_ego_figure(G, centre, depth=depth), Path(base), formats)


def _ego_figure(G: nx.MultiGraph, centre: str, *, depth: int):
    from .paths import ego_network

    ego = ego_network(G, centre, depth=depth)
    shells = [sorted(n for n, d in ego.nodes(data="distance") if d == k) for k in range(depth + 1)]
    pos = nx.shell_layout(simple_graph(ego), nlist=[s for s in shells if s], rotate=0)
    rank = _pagerank(ego)
    title = (f"Within {depth} step{'s' * (depth != 1)} of {G.nodes[centre].get('short_label', centre)}: "
             f"{ego.number_of_nodes() - 1} neighbours, {ego.number_of_edges()} relationships{_as_of_text(G)}")
    return _draw(ego, pos, title=title, size_by=rank, caption="Rings by distance from the centre.")


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
