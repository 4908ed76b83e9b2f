"""The ``oncograph`` command: a thin layer over the library.

Commands are imported only when run (``LazyGroup``), so ``oncograph --help`` stays fast however heavy a command's
dependencies are. Each entry of COMMANDS is ``name: (module, function, one-line help)``; a module that does not
exist in this install is left out of the listing.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from .. import __version__

COMMANDS: dict[str, tuple[str, str, str]] = {
    "build": ("oncograph.cli.core", "build_cmd", "Build the graph from data/, validate it, write the release files."),
    "validate": ("oncograph.cli.core", "validate_cmd", "Validate the built graph (or RDF files) against the SHACL shapes."),
    "stats": ("oncograph.cli.core", "stats_cmd", "Count entities and relationships; share sourced and dated."),
    "query": ("oncograph.cli.query", "query_cmd", "Run a named query from queries/ (locally or on an endpoint)."),
    "sparql": ("oncograph.cli.query", "sparql_cmd", "Run ad-hoc SPARQL from a file or standard input."),
    "store": ("oncograph.cli.query", "store_cmd", "Keep an RDF file as an on-disk store that query/sparql --input open at once."),
    "publish": ("oncograph.cli.query", "publish_cmd", "Load the built graph into a SPARQL 1.1 server (Graph Store Protocol)."),
    "analyse": ("oncograph.cli.analyse", "analyse_cmd", "Network analysis: centrality, brokers, communities, paths, changes."),
    "plot": ("oncograph.cli.analyse", "plot_cmd", "Draw the network, an ego network or a path as PNG and SVG."),
    "export": ("oncograph.cli.export", "export_cmd", "Write the graph or its network projection in a chosen format."),
    "diff": ("oncograph.cli.export", "diff_cmd", "List what changed between two releases, by entity."),
    "serve": ("oncograph.cli.serve", "serve_cmd", "Start the explorer web app and SPARQL endpoint on 127.0.0.1."),
    "synth": ("oncograph.cli.synth", "synth_cmd", "Generate a synthetic landscape of N organisations for benchmarks."),
}


def _available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(name for name, (mod, _, _) in COMMANDS.items() if _available(mod))

    def get_command(self, ctx, name):
        if name not in COMMANDS or not _available(COMMANDS[name][0]):
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx, formatter):
        # Help from the table, without importing every command module.
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oncograph")
def main():
    """oncograph: a sourced, dated knowledge graph of who is who, and who works with whom, in oncology.

    \b
    Exit codes: 0 success; 1 the graph has SHACL violations; 2 bad input (data file, option, query, path);
    3 an external service (SPARQL endpoint) failed.
    """


def run() -> None:
    """Console entry point: library errors become one clean line and their exit code; bugs keep their traceback."""
    from ..errors import OncographError

    try:
        # outside standalone mode click *returns* the code of a click.exceptions.Exit instead of exiting
        rc = main(standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except OncographError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
