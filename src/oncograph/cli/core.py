"""build, validate, stats."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from ..errors import ValidationFailed


@click.command("build")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of curated YAML (default: the project's data/).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("dist"), show_default=True,
              help="Folder to write the release files to.")
@click.option("--force", is_flag=True, help="Write the outputs even if the graph has SHACL violations.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def build_cmd(data_dir, out_dir, force, quiet):
    """Build the graph from data/, validate it, and write Turtle, N-Triples, JSON-LD, TriG and N-Quads to --out.

    Nothing is written if a data file is malformed (exit 2) or, unless --force, if the graph has violations (exit 1).
    """
    from ..pipeline import run_build

    result = run_build(data_dir=data_dir, out_dir=out_dir, force=force,
                       progress=None if quiet else (lambda msg: click.echo(msg, err=True)))
    if not result.report.conforms:
        click.echo(result.report.text(), err=True)
        if not force:
            raise ValidationFailed(result.report)
    if not quiet:
        click.echo(result.summary())


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of curated YAML to build and validate (default: the project's data/).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--engine", type=click.Choice(["auto", "fast", "pyshacl"]), default="auto", show_default=True,
              help="SHACL engine: pyshacl (the reference), fast (the shapes as SPARQL on Oxigraph), or auto "
                   "(fast above 10,000 triples).")
def validate_cmd(files, data_dir, fmt, engine):
    """Validate against the SHACL shapes: the graph built from data/, or the RDF FILES given.

    Exit 0 if it conforms, 1 if there are violations, 2 if the input cannot be read.
    """
    from ..build import build
    from ..validate import validate

    loud = False
    if files:
        from .progress import is_big, load_files, say

        loud = is_big(files)
        # big files are held in Oxigraph, where the fast engine validates them in place
        graph, origins = load_files(list(files), loud=loud), {}
    else:
        built = build(data_dir)
        graph, origins = built.graph(), built.origins
    started = time.perf_counter()
    if loud:
        say("validating against the shapes ...")
    report = validate(graph, origins=origins, engine=engine)
    if loud:
        say(f"validated in {time.perf_counter() - started:.1f} s")
    if fmt == "json":
        click.echo(json.dumps({"conforms": report.conforms,
                               "violations": [dict(v.__dict__, origin=str(v.origin) if v.origin else None)
                                              for v in report.violations]}, indent=1))
    else:
        click.echo(report.text())
    if not report.conforms:
        raise click.exceptions.Exit(1)


@click.command("stats")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of curated YAML (default: the project's data/).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats_cmd(data_dir, fmt):
    """Entities and relationships by kind, and the share of relationships with a source and with a date."""
    from ..build import build
    from ..stats import compute_stats

    stats = compute_stats(build(data_dir).graph())
    click.echo(json.dumps(stats.as_dict(), indent=1) if fmt == "json" else stats.text())
