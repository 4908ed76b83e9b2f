"""export, diff."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from .query import endpoint_options

FORMAT_HELP = ("turtle, nt, jsonld, jsonld-compact, trig, nquads (RDF), or graphml, gexf, csv (the default network"
               " projection; `oncograph analyse export` takes the projection options); default: from the --out"
               " extension (.ttl .nt .jsonld .compact.jsonld .trig .nq .graphml .gexf .csv)")


@click.command("export")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of curated YAML to build (default: the project's data/). Not with FILES.")
@click.option("--format", "fmt", default=None, metavar="FORMAT", help=FORMAT_HELP)
@click.option("--out", "outs", type=click.Path(path_type=Path), multiple=True,
              help="File to write. Omitted or '-': standard output (RDF formats only). Repeat it to write several "
                   "formats (each from its extension) from one read of the graph; with --order store they are "
                   "written in parallel.")
@click.option("--force", is_flag=True, help="Write even if the graph has SHACL violations (they are still reported).")
@click.option("--order", type=click.Choice(["canonical", "store"]), default="canonical", show_default=True,
              help="canonical: sorted, so a data change is a small text diff; store: streamed in Oxigraph's order, "
                   "3-5x faster on big graphs, same triples, same bytes for the same input, but not sorted "
                   "(turtle, nt, jsonld, trig, nquads; TriG and N-Quads keep the named graphs of TriG / N-Quads FILES, "
                   "which are then read a second time).")
@click.option("--endpoint", default=None, metavar="URL",
              help="Export a named graph of this SPARQL server (Virtuoso or Oxigraph) instead: copied whole, in "
                   "pages where Virtuoso's ResultSetMaxRows would cut it. Not with FILES or --data.")
@endpoint_options
def export_cmd(files, data_dir, fmt, outs, force, order, endpoint, graph_iri, user, password):
    """Write the graph built from data/ (or read from RDF FILES, or copied from a SPARQL --endpoint) in one format,
    or several (--out repeated).

    The output path is checked before any work. A graph with SHACL violations is reported and, unless --force,
    not written (exit 1). TriG and N-Quads keep one named graph per source document; a graph from an endpoint is
    one graph, which they hold under its name (the --graph IRI). Big FILES are read into Oxigraph (see `oncograph validate`),
    so exporting a million triples takes seconds, not minutes.
    """
    from ..errors import InputError
    from ..export import (check_graph, check_output_file, check_projection, check_store_format, export,
                          resolve_format, serialize)

    source = _Source(files, data_dir, endpoint, graph_iri, user, password)

    if len(outs) > 1:
        if fmt is not None:
            raise InputError("--format names the format of one --out; with several --out files each format comes"
                             " from its file's extension: drop --format")
        if any(str(o) == "-" for o in outs):
            raise InputError("--out -: standard output takes one format; give file paths when repeating --out")
        return _export_several(source, outs, force, order)
    out = outs[0] if outs else None
    to_stdout = out is None or str(out) == "-"
    fmt = resolve_format(fmt, None if to_stdout else out)
    check_projection(fmt)
    if order == "store":
        check_store_format(fmt)
    if to_stdout and fmt.is_projection:
        raise InputError(f"the {fmt.value} format writes a file: give --out PATH")
    if to_stdout and order == "store":
        raise InputError("--order store streams to a file: give --out PATH")
    if not to_stdout:
        check_output_file(out)
    source.check(order)
    graph, dataset, triples = _read(source, order, keep_graphs=fmt.is_dataset)
    warn = lambda msg: click.echo(msg, err=True)  # noqa: E731
    if to_stdout:
        check_graph(graph, force=force, warn=warn)
        target = dataset if fmt.is_dataset and dataset is not None else graph
        click.get_binary_stream("stdout").write(serialize(target, fmt, graph_name=source.graph_name))
        return
    quads = _quads_of(source.files) if order == "store" and fmt.is_dataset else None
    path = export(graph, out, fmt=fmt, dataset=dataset, force=force, warn=warn, order=order,
                  graph_name=source.graph_name, quads=quads)
    click.echo(f"wrote {path} ({fmt.value}, {order} order, {_size(path)}, {triples:,} triples)", err=True)


@dataclass(frozen=True)
class _Source:
    """Where export reads the graph: RDF files, the curated data (built), or a named graph on a SPARQL server."""

    files: tuple
    data_dir: Path | None
    endpoint: str | None
    graph_iri: str | None
    user: str | None
    password: str | None

    @property
    def graph_name(self) -> str | None:
        """The IRI of the server's graph, which TriG and N-Quads of a copy hold it under; None for local sources."""
        from ..query import DEFAULT_GRAPH_IRI

        return None if self.endpoint is None else self.graph_iri or DEFAULT_GRAPH_IRI

    def check(self, order: str) -> None:
        """Refuse sources given together, and --order store for the curated build, before any work."""
        from ..errors import InputError

        if self.endpoint is not None and (self.files or self.data_dir):
            raise InputError("--endpoint exports a graph from a SPARQL server: give it without RDF FILES or --data")
        if self.endpoint is None and self.graph_iri:  # --user/--password may come from the environment: not refused
            raise InputError("--graph is for a SPARQL server: give --endpoint URL too")
        if self.files and self.data_dir:
            raise InputError("give either RDF FILES or --data, not both")
        if order == "store" and not (self.files or self.endpoint):
            raise InputError("--order store is for big RDF FILES read into Oxigraph; the curated build is small and"
                             " is written in canonical order: drop --order store")


def _read(source: _Source, order: str, *, keep_graphs: bool):
    """(graph, dataset or None, triple count) from RDF FILES, a SPARQL server, or built from data/.

    FILES are read into one graph the fast way (big ones into Oxigraph) unless a dataset format in canonical order
    needs their named graphs (``keep_graphs``). A copy from a server is held in Oxigraph when big, or for
    ``--order store``, which streams from Oxigraph.
    """
    from ..build import build, union_graph
    from ..export import read_rdf_files

    files, data_dir = source.files, source.data_dir
    if source.endpoint is not None:
        return _copy(source, order)
    if files and not (keep_graphs and order == "canonical"):
        from ..store import OXIGRAPH_ABOVE, Backend, count_triples, new_graph
        from .progress import load_files

        big = order == "store" or sum(f.stat().st_size for f in files if f.is_file()) > OXIGRAPH_ABOVE
        graph = load_files(list(files), new_graph(Backend.OXIGRAPH if big else Backend.RDFLIB))
        return graph, None, count_triples(graph)
    dataset = read_rdf_files(files) if files else build(data_dir).dataset
    graph = union_graph(dataset)
    return graph, dataset, len(graph)


def _copy(source: _Source, order: str):
    from ..endpoint import copy_graph, copy_progress
    from ..errors import InputError
    from ..namespaces import bind_prefixes
    from ..query import DEFAULT_GRAPH_IRI
    from ..store import OXIGRAPH_ABOVE, count_triples
    from .progress import say

    iri = source.graph_name
    graph = copy_graph(source.endpoint, iri, user=source.user, password=source.password,
                       oxigraph_above=0 if order == "store" else OXIGRAPH_ABOVE, progress=copy_progress(say))
    triples = count_triples(graph)
    if triples == 0:
        raise InputError(f"the graph <{iri}> on {source.endpoint} holds no triples, so there is nothing to export;"
                         " name the graph with --graph (`oncograph publish` puts it in <" + DEFAULT_GRAPH_IRI + ">)")
    return bind_prefixes(graph), None, triples


def _quads_of(files):
    """The quads of ``files`` with their named graphs (a triples file's in the default graph), in a pyoxigraph Store,
    for TriG and N-Quads in store order; None when no file holds named graphs (the graph read is then all there is).

    The graph read for validation and the other formats merges named graphs into one, so a second read keeps them:
    it costs a second parse and the memory of a second store, only when a TriG or N-Quads file goes to TriG or
    N-Quads."""
    import pyoxigraph as ox

    from ..store import rdf_format
    from .progress import is_big, say

    if not files or not any(rdf_format(f)[1] for f in files):
        return None
    store = ox.Store()
    for path in files:
        fmt_name, named = rdf_format(path)
        if is_big([path]):
            say(f"reading {path} again for its named graphs ...")
        if named:
            store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, fmt_name))
        else:
            store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, fmt_name), to_graph=ox.DefaultGraph())
    return store


def _export_several(source: _Source, outs, force: bool, order: str) -> None:
    """Several --out files from one read of the graph; every path and format is checked before any work."""
    from ..errors import InputError
    from ..export import (Format, check_graph, check_output_file, check_projection, check_store_format,
                          dump_store_orders, resolve_format, serialize_many, write_together)

    formats, seen = {}, set()
    for out in outs:
        fmt = resolve_format(None, out)
        check_projection(fmt)
        if order == "store":
            check_store_format(fmt)
        path = check_output_file(out)
        if path.resolve() in seen:
            raise InputError(f"--out {out}: given twice; give each output file once")
        seen.add(path.resolve())
        formats[path] = fmt
    source.check(order)
    graph, dataset, triples = _read(source, order, keep_graphs=any(f.is_dataset for f in formats.values()))
    warn = lambda msg: click.echo(msg, err=True)  # noqa: E731
    check_graph(graph, force=force, warn=warn)
    if order == "store":
        quads = _quads_of(source.files) if any(f.is_dataset for f in formats.values()) else None
        dump_store_orders(graph, formats, graph_name=source.graph_name, quads=quads)
    else:  # every file made in memory first, then all written together: a failure leaves none changed
        rdf = {path: fmt for path, fmt in formats.items() if not fmt.is_projection}
        kept = dataset is not None and any(fmt.is_dataset for fmt in rdf.values())  # named graphs kept
        by_dataset = serialize_many(dataset, [f for f in rdf.values() if f.is_dataset]) if kept else {}
        by_graph = serialize_many(graph, [f for f in rdf.values() if not (kept and f.is_dataset)],  # one index
                                  graph_name=source.graph_name)
        blobs = {path: (by_dataset if kept and fmt.is_dataset else by_graph)[fmt] for path, fmt in rdf.items()}
        projected = [(path, fmt) for path, fmt in formats.items() if fmt.is_projection]
        if projected:  # one projection for every projection file
            from ..analyse import project
            from ..analyse.export import projection_files

            G = project(graph)
            for path, fmt in projected:
                blobs.update(projection_files(G, path, fmt=fmt.value))
        write_together(blobs)  # every file, RDF and projection, or none
    for path, fmt in formats.items():
        click.echo(f"wrote {path} ({Format(fmt).value}, {order} order, {_size(path)}, {triples:,} triples)", err=True)


def _size(path: Path) -> str:
    """A file's or folder's size in bytes (a csv projection is a folder of files)."""
    if path.is_dir():
        total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return f"{total:,} bytes in {sum(1 for p in path.rglob('*') if p.is_file())} files"
    return f"{path.stat().st_size:,} bytes"


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "rdf-patch"]), default="text", show_default=True,
              help="text: the changes in words; json: the same as data, with the patch; rdf-patch: an RDF Patch.")
@click.option("--patch", "patch", type=click.Path(path_type=Path), default=None,
              help="Also write the machine-readable patch to this file (.json: JSON; otherwise RDF Patch).")
def diff_cmd(old, new, fmt, patch):
    """List what changed between two releases, by entity: OLD and NEW are release files or folders.

    Entities and relationships added and removed (each told with its parties' names), and changed names, dates
    and other values. Exit 0 whether or not anything changed.
    """
    from ..diff import diff_releases, patch_bytes, release_file
    from ..export import atomic_write, check_output_file
    from .progress import is_big, say

    if patch is not None:
        check_output_file(patch)
    d = diff_releases(old, new, progress=say if is_big([release_file(old), release_file(new)]) else None)
    out = click.get_binary_stream("stdout")
    if fmt == "json":
        out.write(d.json_bytes())
    elif fmt == "rdf-patch":
        out.write(d.rdf_patch().encode("utf-8"))
    else:
        out.write(d.text().encode("utf-8"))
    if patch is not None:
        atomic_write(patch, patch_bytes(d, patch))
        click.echo(f"wrote {patch}", err=True)
