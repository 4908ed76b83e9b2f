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
from ..export import atomic_write, check_writable
from ..gcpause import collector_paused
from .project import LIST_SEPARATOR

__all__ = ["ProjectionFormat", "export_projection", "flatten", "serialize_projection"]


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
    H = flatten(G)
    if fmt is ProjectionFormat.GRAPHML:
        text = "\n".join(nx.generate_graphml(H, encoding="utf-8", prettyprint=True)) + "\n"
        return {"projection.graphml": text.encode("utf-8")}
    if fmt is ProjectionFormat.GEXF:
        for _, _, k, data in (H.edges(keys=True, data=True) if H.is_multigraph() else ()):
            data["id"] = k  # the edge key as the GEXF edge id, rather than a running number
        text = "\n".join(nx.generate_gexf(H, encoding="utf-8", prettyprint=True, version="1.2draft")) + "\n"
        text = re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)  # today's date would differ run to run
        return {"projection.gexf": text.encode("utf-8")}
    return {"nodes.csv": _csv_nodes(H), "edges.csv": _csv_edges(H)}


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
    path = Path(path)
    fmt = _format_for(path, fmt)
    blobs = serialize_projection(G, fmt)
    if fmt is ProjectionFormat.CSV:
        folder = check_writable(path)
        targets = {folder / name: data for name, data in blobs.items()}
    else:
        if path.is_dir():
            raise InputError(f"{path} is a folder; give a file name ending in .{fmt.value}")
        check_writable(path.parent if str(path.parent) else Path("."))
        targets = {path: next(iter(blobs.values()))}
    for target, data in targets.items():
        atomic_write(target, data)
    return list(targets)
