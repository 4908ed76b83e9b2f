"""export, diff."""

from __future__ import annotations

from pathlib import Path

import click

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
                   "(turtle, nt, jsonld, trig, nquads; TriG and N-Quads then hold one default graph).")
def export_cmd(files, data_dir, fmt, outs, force, order):
    """Write the graph built from data/ (or read from RDF FILES) in one format, or several (--out repeated).

    The output path is checked before any work. A graph with SHACL violations is reported and, unless --force,
    not written (exit 1). TriG and N-Quads keep one named graph per source document. Big FILES are read into
    Oxigraph (see `oncograph validate`), so exporting a million triples takes seconds, not minutes.
    """
    from ..errors import InputError
    from ..export import (check_graph, check_output_file, check_projection, check_store_format, export,
                          resolve_format, serialize)

    if len(outs) > 1:
        if fmt is not None:
            raise InputError("--format names the format of one --out; with several --out files each format comes"
                             " from its file's extension: drop --format")
        if any(str(o) == "-" for o in outs):
            raise InputError("--out -: standard output takes one format; give file paths when repeating --out")
        return _export_several(files, data_dir, outs, force, order)
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
    if files and data_dir:
        raise InputError("give either RDF FILES or --data, not both")
    if order == "store" and not files:
        raise InputError("--order store is for big RDF FILES read into Oxigraph; the curated build is small and is"
                         " written in canonical order: drop --order store")
    graph, dataset, triples = _read(files, data_dir, order, keep_graphs=fmt.is_dataset)
    warn = lambda msg: click.echo(msg, err=True)  # noqa: E731
    if to_stdout:
        check_graph(graph, force=force, warn=warn)
        target = dataset if fmt.is_dataset and dataset is not None else graph
        click.get_binary_stream("stdout").write(serialize(target, fmt))
        return
    path = export(graph, out, fmt=fmt, dataset=dataset, force=force, warn=warn, order=order)
    click.echo(f"wrote {path} ({fmt.value}, {order} order, {_size(path)}, {triples:,} triples)", err=True)


def _read(files, data_dir, order: str, *, keep_graphs: bool):
    """(graph, dataset or None, triple count) from RDF FILES, or built from data/.

    FILES are read into one graph the fast way (big ones into Oxigraph) unless a dataset format in canonical order
    needs their named graphs (``keep_graphs``).
    """
    from ..build import build, union_graph
    from ..export import read_rdf_files

    if files and not (keep_graphs and order == "canonical"):
        from ..store import OXIGRAPH_ABOVE, Backend, count_triples, new_graph
        from .progress import load_files

        big = order == "store" or sum(f.stat().st_size for f in files if f.is_file()) > OXIGRAPH_ABOVE
        graph = load_files(list(files), new_graph(Backend.OXIGRAPH if big else Backend.RDFLIB))
        return graph, None, count_triples(graph)
    dataset = read_rdf_files(files) if files else build(data_dir).dataset
    graph = union_graph(dataset)
    return graph, dataset, len(graph)


def _export_several(files, data_dir, outs, force: bool, order: str) -> None:
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
    if files and data_dir:
        raise InputError("give either RDF FILES or --data, not both")
    if order == "store" and not files:
        raise InputError("--order store is for big RDF FILES read into Oxigraph; the curated build is small and is"
                         " written in canonical order: drop --order store")
    graph, dataset, triples = _read(files, data_dir, order, keep_graphs=any(f.is_dataset for f in formats.values()))
    warn = lambda msg: click.echo(msg, err=True)  # noqa: E731
    check_graph(graph, force=force, warn=warn)
    if order == "store":
        dump_store_orders(graph, formats)
    else:  # every file made in memory first, then all written together: a failure leaves none changed
        rdf = {path: fmt for path, fmt in formats.items() if not fmt.is_projection}
        kept = dataset is not None and any(fmt.is_dataset for fmt in rdf.values())  # named graphs kept
        by_dataset = serialize_many(dataset, [f for f in rdf.values() if f.is_dataset]) if kept else {}
        by_graph = serialize_many(graph, [f for f in rdf.values() if not (kept and f.is_dataset)])  # one index
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
