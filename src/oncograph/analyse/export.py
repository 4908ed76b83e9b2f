"""Writing a projection for Gephi, Cytoscape, igraph or a spreadsheet: GraphML, GEXF, or CSV nodes + edges.

Every attribute becomes a scalar (GraphML and GEXF allow nothing else): tuples are joined with `` | `` in their
(sorted) order, so the same projection gives byte-identical files. Every node and every edge carries every
attribute (empty string where there is no value), so each reader sees the same columns. Attribute names avoid the
words GEXF reserves (``type``, ``start``, ``end``): hence ``relationship_type``, ``start_date``, ``end_date``.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from pathlib import Path

import networkx as nx

from ..errors import InputError
from ..export import check_writable, write_together
from ..gcpause import collector_paused
from .project import LIST_SEPARATOR

__all__ = ["ProjectionFormat", "export_projection", "flatten", "projection_files", "serialize_projection"]


class ProjectionFormat(str, enum.Enum):
    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"


_EXTENSIONS = {".graphml": ProjectionFormat.GRAPHML, ".gexf": ProjectionFormat.GEXF, ".csv": ProjectionFormat.CSV}


def _scalar(value):
    if isinstance(value, (tuple, list, set, frozenset)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if value is None:
        return ""
    return value


def flatten(G: nx.Graph) -> nx.Graph:
    """A copy with every attribute a str, bool, int or float (tuples joined), as written to files.

    Edges of a multigraph also get their key as the attribute ``edge_key``: the GraphML edge id holds it too, but
    not every reader keeps it (python-igraph 1.0 reads the edge ids wrongly).
    """
    H = G.__class__()
    H.graph.update({k: _scalar(v) for k, v in sorted(G.graph.items())})
    for n, data in G.nodes(data=True):
        H.add_node(n, **{k: _scalar(v) for k, v in data.items()})
    if G.is_multigraph():
        for u, v, k, data in G.edges(keys=True, data=True):
            H.add_edge(u, v, key=k, edge_key=k, **{a: _scalar(x) for a, x in data.items()})
    else:
        for u, v, data in G.edges(data=True):
            H.add_edge(u, v, **{a: _scalar(x) for a, x in data.items()})
    return H


def _format_for(path: Path, fmt) -> ProjectionFormat:
    if fmt is not None:
        try:
            return ProjectionFormat(fmt)
        except ValueError:
            raise InputError(f"unknown export format {fmt!r}; use graphml, gexf or csv") from None
    if path.suffix.lower() in _EXTENSIONS:
        return _EXTENSIONS[path.suffix.lower()]
    if not path.suffix:
        return ProjectionFormat.CSV
    raise InputError(f"cannot tell the format from {path.name!r}; use a .graphml or .gexf file, a folder for CSV,"
                     " or give the format")


@collector_paused
def serialize_projection(G: nx.Graph, fmt: ProjectionFormat | str) -> dict[str, bytes]:
    """The file contents, by file name (``projection.graphml``; or ``nodes.csv`` and ``edges.csv``)."""
    fmt = ProjectionFormat(fmt)
    if fmt is ProjectionFormat.GRAPHML:
        text = _graphml(G)
        if text is None:  # attribute types or graph settings the direct writer leaves to networkx
            text = "\n".join(nx.generate_graphml(flatten(G), encoding="utf-8", prettyprint=True)) + "\n"
        return {"projection.graphml": text.encode("utf-8")}
    H = flatten(G)
    if fmt is ProjectionFormat.GEXF:
        for _, _, k, data in (H.edges(keys=True, data=True) if H.is_multigraph() else ()):
            data["id"] = k  # the edge key as the GEXF edge id, rather than a running number
        text = "\n".join(nx.generate_gexf(H, encoding="utf-8", prettyprint=True, version="1.2draft")) + "\n"
        text = re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)  # today's date would differ run to run
        return {"projection.gexf": text.encode("utf-8")}
    return {"nodes.csv": _csv_nodes(H), "edges.csv": _csv_edges(H)}


_XML_TYPES = {str: "string", bool: "boolean", int: "long", float: "double"}  # networkx's names for them


def _xml(text: str, attribute: bool = False) -> str:
    """Escaped as ElementTree writes it in ASCII (what networkx's GraphML writer gives): &, <, > (and in attributes
    ", CR, LF, tab) as entities, every non-ASCII character as a numeric reference."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if attribute:
        for ch, ref in (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;")):
            if ch in text:
                text = text.replace(ch, ref)
    if not text.isascii():
        text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return text


def _graphml(G: nx.Graph) -> str | None:
    """GraphML written as text, node by node and edge by edge: byte for byte what ``nx.generate_graphml`` gives for
    :func:`flatten` of ``G`` (``tests/test_analyse_export.py`` compares them), without the element tree networkx
    builds first (at 1M triples 8.76 s and 1,900 MB; see the README's scale section). None where networkx's own
    rules would be needed: graph settings (``id``, ``node_default``, ``edge_default``) or a value that is not a str,
    bool, int or float once flattened."""
    if {"id", "node_default", "edge_default"} & set(G.graph):
        return None
    keys: dict[tuple, str] = {}
    key_lines: list[str] = []

    def data(name, value, scope: str, indent: str) -> str:
        name, value = str(name), _scalar(value)
        kind = _XML_TYPES.get(type(value))
        if kind is None:
            raise _Unsupported
        ident = keys.get((name, kind, scope))
        if ident is None:
            ident = keys[(name, kind, scope)] = f"d{len(keys)}"
            key_lines.append(f'  <key id="{ident}" for="{scope}" attr.name="{_xml(name, True)}" '
                             f'attr.type="{kind}" />')
        text = _xml(str(value))
        return f'{indent}<data key="{ident}">{text}</data>' if text else f'{indent}<data key="{ident}" />'

    lines_of: dict[tuple, str] = {}  # (scope, name, str value) -> its <data> line, escaped once: most values recur

    def element(opening: str, items, scope: str) -> list[str]:
        out = [f"    <{opening}>"]
        for k, v in items:
            if type(v) is str:
                line = lines_of.get((scope, k, v))
                if line is None:
                    line = lines_of[(scope, k, v)] = data(k, v, scope, "      ")
            else:
                line = data(k, v, scope, "      ")
            out.append(line)
        if len(out) == 1:
            return [f"    <{opening} />"]
        out.append(f"    </{opening.split(' ', 1)[0]}>")
        return out

    graph_data = [(k, v) for k, v in sorted(G.graph.items())]
    body: list[str] = []
    try:
        graph_lines = [data(k, v, "graph", "    ") for k, v in graph_data]  # first keys; written last
        for n, attrs in G.nodes(data=True):
            body += element(f'node id="{_xml(str(n), True)}"', attrs.items(), "node")
        if G.is_multigraph():
            for u, v, k, attrs in G.edges(keys=True, data=True):
                items = {"edge_key": k, **attrs}.items() if "edge_key" not in attrs else attrs.items()
                body += element(f'edge source="{_xml(str(u), True)}" target="{_xml(str(v), True)}" '
                                f'id="{_xml(str(k), True)}"', items, "edge")
        else:
            for u, v, attrs in G.edges(data=True):
                body += element(f'edge source="{_xml(str(u), True)}" target="{_xml(str(v), True)}"',
                                attrs.items(), "edge")
    except _Unsupported:
        return None
    from networkx.readwrite.graphml import GraphML

    head = (f'<graphml xmlns="{GraphML.NS_GRAPHML}" xmlns:xsi="{GraphML.NS_XSI}" '
            f'xsi:schemaLocation="{GraphML.SCHEMALOCATION}">')
    edgedefault = "directed" if G.is_directed() else "undirected"
    inner = body + graph_lines
    graph = ([f'  <graph edgedefault="{edgedefault}">', *inner, "  </graph>"] if inner
             else [f'  <graph edgedefault="{edgedefault}" />'])
    text = "\n".join([head, *reversed(key_lines), *graph, "</graphml>"])
    # networkx yields str(document).splitlines(): a CR, form feed or other line break in a value becomes a newline
    return "\n".join(text.splitlines()) + "\n"


class _Unsupported(Exception):
    pass


def _columns(rows) -> list[str]:
    cols: dict[str, None] = {}
    for data in rows:
        cols.update(dict.fromkeys(data))
    return list(cols)


def _csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _csv_nodes(H: nx.Graph) -> bytes:
    cols = _columns(d for _, d in H.nodes(data=True))
    return _csv(["id", *cols], [[n, *(d.get(c, "") for c in cols)] for n, d in H.nodes(data=True)])


def _csv_edges(H: nx.Graph) -> bytes:
    cols = _columns(d for *_, d in H.edges(data=True))
    return _csv(["source", "target", *cols], [[u, v, *(d.get(c, "") for c in cols)] for u, v, d in H.edges(data=True)])


def export_projection(G: nx.Graph, path: Path | str, *, fmt: ProjectionFormat | str | None = None) -> list[Path]:
    """Write the projection to ``path``; returns the files written.

    GraphML and GEXF: ``path`` is the file. CSV: ``path`` is a folder, which gets ``nodes.csv`` (column ``id``, then
    the node attributes) and ``edges.csv`` (``source``, ``target``, then the edge attributes, ``edge_key`` first).
    Without ``fmt`` the format comes from the extension (.graphml, .gexf; no extension: CSV folder).
    """
    return write_together(projection_files(G, path, fmt=fmt))


def projection_files(G: nx.Graph, path: Path | str, *, fmt: ProjectionFormat | str | None = None) -> dict[Path, bytes]:
    """What :func:`export_projection` writes, as ``{file: bytes}``, with the path checked; nothing is written."""
    path = Path(path)
    fmt = _format_for(path, fmt)
    blobs = serialize_projection(G, fmt)
    if fmt is ProjectionFormat.CSV:
        folder = check_writable(path)
        return {folder / name: data for name, data in blobs.items()}
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name ending in .{fmt.value}")
    check_writable(path.parent if str(path.parent) else Path("."))
    return {path: next(iter(blobs.values()))}
