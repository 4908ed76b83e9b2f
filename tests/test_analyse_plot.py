"""Pictures: PNG and SVG written, of real size, and the SVG the same byte for byte on a second run."""

from __future__ import annotations

import pytest

from oncograph.analyse import plot_ego, plot_network, plot_path, project, shortest_paths, write_main_plots
from oncograph.errors import InputError


@pytest.fixture(scope="module")
def G(graph):
    return project(graph)


def check_written(paths, stem):
    assert sorted(p.name for p in paths) == [f"{stem}.png", f"{stem}.svg"]
    png, svg = sorted(paths)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text and svg.stat().st_size > 10_000
    assert "<dc:date>" not in text


def test_network_picture_is_deterministic(G, tmp_path):
    first = plot_network(G, tmp_path / "a" / "network")
    check_written(first, "network")
    second = plot_network(G, tmp_path / "b" / "network")
    assert [p.read_bytes() for p in sorted(first)] == [p.read_bytes() for p in sorted(second)]


def test_ego_and_path_pictures(G, tmp_path):
    check_written(plot_ego(G, "org/esmo", tmp_path / "ego", depth=2), "ego")
    path = shortest_paths(G, "org/spaen", "org/who")[0]
    check_written(plot_path(G, path, tmp_path / "path"), "path")
    [only_png] = plot_path(G, path, tmp_path / "png-only", formats=["png"])
    assert only_png.suffix == ".png"
    with pytest.raises(InputError, match="unknown picture format"):
        plot_network(G, tmp_path / "x", formats=["jpeg"])


def test_main_job_hook(built, graph, tmp_path):
    said = []
    written = write_main_plots(built, graph, tmp_path, say=said.append)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == ["plots/network.png", "plots/network.svg"]
    assert said


def _svg_text(path) -> str:
    """The text drawn in an SVG (written with svg.fonttype "none", so labels stay <text>, searchable and selectable)."""
    return _svg_text_of(path.read_text(encoding="utf-8"))


def test_pictures_draw_the_right_nodes_legend_and_labels(G, tmp_path):
    network = _svg_text(next(p for p in plot_network(G, tmp_path / "n") if p.suffix == ".svg"))
    for words in ("ESMO", "WHO", "IARC", "SPAEN", "kind; size: PageRank", "patient organisation",
                  "professional society", "intergovernmental organisation", "relationship"):
        assert words in network, words
    ego = _svg_text(next(p for p in plot_ego(G, "org/who", tmp_path / "e", depth=1) if p.suffix == ".svg"))
    assert "WHO" in ego and "ESMO" in ego and "IARC" in ego
    assert "SPAEN" not in ego and "EuroBoNet" not in ego  # more than one step from WHO
    path = shortest_paths(G, "org/spaen", "org/who")[0]
    told = _svg_text(next(p for p in plot_path(G, path, tmp_path / "p") if p.suffix == ".svg"))
    assert "SPAEN" in told and "WHO" in told and "path" in told
    assert "IARC" not in told  # only the path's own nodes are drawn


def _tooltips(svg_text: str) -> list[str]:
    import html
    import re

    return [html.unescape(t) for t in re.findall(r'<g id="oncograph-node-\d+">\s*<title>([^<]*)</title>', svg_text)]


def test_every_node_of_an_svg_has_its_whole_name_as_a_tooltip(G, tmp_path):
    """Labels are cut at three lines (and a crowded picture leaves some out): hovering over a node in the SVG
    shows its whole name, acronym and kind, first in the node's own group."""
    svg = next(p for p in plot_network(G, tmp_path / "n") if p.suffix == ".svg").read_text(encoding="utf-8")
    tips = _tooltips(svg)
    assert len(tips) == svg.count("<title>") == 56  # one per node drawn
    assert "European Society for Medical Oncology (ESMO) · professional society" in tips
    cut = [t for t in tips if t.startswith("European Cancer Organisation Patient")]
    assert cut and "European Cancer Organisation Patient…" in _svg_text_of(svg)  # the label is cut, the tooltip not
    ego = next(p for p in plot_ego(G, "org/who", tmp_path / "e") if p.suffix == ".svg").read_text(encoding="utf-8")
    assert any(t.startswith("International Agency for Research on Cancer (IARC)") for t in _tooltips(ego))


def _svg_text_of(svg_text: str) -> str:
    """The text drawn in an SVG's ``<text>`` elements, joined by spaces."""
    import html
    import re

    return " ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg_text))


def test_a_network_over_the_cap_is_drawn_as_a_core_grown_by_pagerank(G, tmp_path):
    import networkx as nx

    from oncograph.analyse.plot import _pagerank, network_selection

    rank = _pagerank(G)
    everything, _ = network_selection(G, rank)
    assert len(everything) > 20
    keep, left_out = network_selection(G, rank, max_nodes=20)
    assert len(keep) == 20 and keep == sorted(keep)
    best = min(everything, key=lambda n: (-rank[n], n))
    assert best in keep
    core = nx.Graph(G.subgraph(keep))
    # grown by ties: connected, unless the best node's component has fewer than 20 nodes
    component = nx.node_connected_component(nx.Graph(G.subgraph(everything)), best)
    if len(component) >= 20:
        assert nx.is_connected(core)
    else:
        assert component <= set(keep)
    assert any("grown from the highest PageRank" in words for words in left_out)
    svg = _svg_text(next(p for p in plot_network(G, tmp_path / "cut", max_nodes=20) if p.suffix == ".svg"))
    assert "grown from the highest PageRank" in svg


def _drawn_labels(fig):
    """The node labels drawn (visible), with their boxes in display units, from a fresh render of the figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    texts = [t for t in ax.texts if hasattr(t, "xyann")]  # annotations: the node labels
    return texts, [(t, t.get_window_extent(renderer)) for t in texts if t.get_visible()]


def _covering_pairs(boxes) -> list[tuple[str, str]]:
    pairs = []
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            if min(ba.x1, bb.x1) - max(ba.x0, bb.x0) > 0.5 and min(ba.y1, bb.y1) - max(ba.y0, bb.y0) > 0.5:
                pairs.append((a.get_text(), b.get_text()))
    return pairs


def test_labels_of_the_curated_pictures_are_all_drawn_and_cover_no_other_label_or_node(G):
    """With every label under its node, 5 pairs covered each other around the Rare Cancers Europe star, and 2 in its
    two-step ego network; placed around their nodes, none does, and none hides another node's centre."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from oncograph.analyse.plot import MAX_NODES, SEED, _ego_figure, _network_figure

    figures = {"network": _network_figure(G, isolates=False, max_nodes=MAX_NODES, seed=SEED)}
    for centre, depth in (("org/rare-cancers-europe", 1), ("org/rare-cancers-europe", 2), ("org/esmo", 2)):
        figures[f"ego {centre} {depth}"] = _ego_figure(G, centre, depth=depth)
    for name, fig in figures.items():
        texts, boxes = _drawn_labels(fig)
        assert len(boxes) == len(texts) > 8, name  # every label drawn
        assert _covering_pairs(boxes) == [], name
        ax = fig.axes[0]
        FigureCanvasAgg(fig).draw()
        centres = {t.get_text(): ax.transData.transform(t.xy) for t, _ in boxes}
        for t, box in boxes:
            others = [other for other, (x, y) in centres.items() if other != t.get_text() and box.contains(x, y)]
            assert not others, (name, t.get_text(), others)
        assert "not drawn where" not in " ".join(x.get_text() for x in fig.texts), name


def test_a_crowded_picture_leaves_out_labels_that_would_cover_others_and_says_how_many(tmp_path):
    from oncograph import synth
    from oncograph.analyse.plot import MAX_NODES, SEED, _network_figure

    crowded = project(synth.generate_graph(4000, seed=2))
    fig = _network_figure(crowded, isolates=False, max_nodes=MAX_NODES, seed=SEED)
    texts, boxes = _drawn_labels(fig)
    assert len(texts) == MAX_NODES
    left_out = len(texts) - len(boxes)
    assert 0 < left_out < len(texts) / 2  # the dense core loses some; most are drawn
    assert _covering_pairs(boxes) == []
    caption = " ".join(t.get_text() for t in fig.texts)
    assert f"{left_out} labels not drawn where they would cover others." in caption
    from oncograph.analyse.plot import _render

    [svg] = _render(fig, tmp_path / "crowded", ["svg"]).values()
    assert len(_tooltips(svg.decode("utf-8"))) == MAX_NODES  # the nodes whose labels were left out keep a name
