"""synth: generate a synthetic landscape for benchmarks and tests."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("synth")
@click.option("--orgs", type=click.IntRange(min=20), required=True,
              help="Number of organisations and information resources (28500 gives about a million triples).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; the same seed gives the same file.")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="File to write: .nt (N-Triples) or .ttl (Turtle), written as it is generated.")
@click.option("--violations", "violations", multiple=True, metavar="RULE=COUNT",
              help="Add COUNT nodes that each break RULE (a shape of ontology/shapes.ttl, e.g. Period-order) once. "
                   "Repeatable.")
@click.option("--violations-each", type=click.IntRange(min=0), default=0, show_default=True,
              help="Break every rule this many times (RULE=COUNT options override it for their rule).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
def synth_cmd(orgs, seed, out, violations, violations_each, quiet):
    """Generate a synthetic oncology landscape in the curated data's model, deterministic for --seed.

    With no violations asked for it conforms to the SHACL shapes; with them, `oncograph validate FILE` reports
    exactly the injected counts per rule.
    """
    from ..synth import parse_violations, write

    result = write(out, orgs, seed=seed, violations=parse_violations(violations, each=violations_each))
    if not quiet:
        click.echo(result.text())
