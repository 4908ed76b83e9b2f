"""export, diff."""

from __future__ import annotations

from pathlib import Path

import click

FORMAT_HELP = ("turtle, nt, jsonld, jsonld-compact, trig, nquads (RDF), or graphml, gexf, csv (network projection);"
               " default: from the --out extension (.ttl .nt .jsonld .compact.jsonld .trig .nq .graphml .gexf .csv)")


@click.command("export")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of curated YAML to build (default: the project's data/). Not with FILES.")
@click.option("--format", "fmt", default=None, metavar="FORMAT", help=FORMAT_HELP)
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="File to write. Omitted or '-': standard output (RDF formats only).")
@click.option("--force", is_flag=True, help="Write even if the graph has SHACL violations (they are still reported).")
def export_cmd(files, data_dir, fmt, out, force):
    """Write the graph built from data/ (or read from RDF FILES) in one format.

    The output path is checked before any work. A graph with SHACL violations is reported and, unless --force,
    not written (exit 1). TriG and N-Quads keep one named graph per source document.
    """
    from ..errors import InputError
    from ..export import (check_graph, check_output_file, check_projection, export, read_rdf_files, resolve_format,
                          serialize)

    to_stdout = out is None or str(out) == "-"
    fmt = resolve_format(fmt, None if to_stdout else out)
    check_projection(fmt)
    if to_stdout and fmt.is_projection:
        raise InputError(f"the {fmt.value} format writes a file: give --out PATH")
    if not to_stdout:
        check_output_file(out)
    if files and data_dir:
        raise InputError("give either RDF FILES or --data, not both")
    from ..build import build, union_graph

    dataset = read_rdf_files(files) if files else build(data_dir).dataset

    graph = union_graph(dataset)
    warn = lambda msg: click.echo(msg, err=True)  # noqa: E731
    if to_stdout:
        check_graph(graph, force=force, warn=warn)
        click.get_binary_stream("stdout").write(serialize(dataset if fmt.is_dataset else graph, fmt))
        return
    path = export(graph, out, fmt=fmt, dataset=dataset, force=force, warn=warn)
    click.echo(f"wrote {path} ({fmt.value}, {path.stat().st_size} bytes, {len(graph)} triples)", err=True)


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
    from ..diff import diff_releases, patch_bytes
    from ..export import atomic_write, check_output_file

    if patch is not None:
        check_output_file(patch)
    d = diff_releases(old, new)
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
