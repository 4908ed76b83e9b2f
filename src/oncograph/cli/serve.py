"""serve."""

from __future__ import annotations

import signal
from pathlib import Path

import click

from ..errors import InputError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines reach the explorer.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port to listen on; 0 picks a free one.")
@click.option("--endpoint", default=None, metavar="URL",
              help="Explore the graph on this SPARQL server (Virtuoso or Oxigraph) instead of the curated data; "
                   "pages use a copy taken at start, queries go to the server.")
@click.option("--graph", "endpoint_graph", metavar="IRI", default=None,
              help="Named graph on the --endpoint [default: where `oncograph publish` puts it].")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of curated YAML to build and serve (default: the project's data/).")
@click.option("--input", "--file", "graph_file", type=click.Path(path_type=Path), default=None,
              help="Serve a release file instead (e.g. dist/oncograph.trig, which keeps the named graphs).")
@click.option("--dist", "dist_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of release files offered on the Downloads page (default: made from the served graph).")
@click.option("--timeout", "timeout_s", type=float, default=10.0, show_default=True,
              help="Seconds a query may run before it is stopped.")
@click.option("--max-rows", type=int, default=10_000, show_default=True,
              help="Most rows (or triples) a query may return.")
@click.option("--workers", type=int, default=2, show_default=True, help="Query worker processes.")
@click.option("--engine", type=click.Choice(["auto", "rdflib", "oxigraph"]), default="auto", show_default=True,
              help="SPARQL engine of the query workers: rdflib's, or Oxigraph's (much faster on big graphs); auto "
                   "picks Oxigraph above about 20,000 triples.")
def serve_cmd(host, port, endpoint, endpoint_graph, data_dir, graph_file, dist_dir, timeout_s, max_rows, workers,
              engine):
    """Start the explorer web app and its SPARQL endpoint (/sparql), on 127.0.0.1 unless --host says otherwise.

    Search, organisation profiles with sources, an interactive network, paths between organisations, the named
    queries, a SPARQL console and the release files. Read-only; every query has a time limit and a row cap.
    """
    try:
        from ..serve import Limits, open_site, serve
        from ..serve.server import check_port
    except ModuleNotFoundError as exc:
        if exc.name not in ("flask", "waitress"):
            raise
        raise InputError(f"the explorer needs {exc.name}, which is not installed; run: "
                         "pip install 'oncograph[serve]' (or pip install flask waitress)") from None

    if timeout_s <= 0:
        raise InputError(f"--timeout must be a positive number of seconds, not {timeout_s}")
    if max_rows < 1:
        raise InputError(f"--max-rows must be at least 1, not {max_rows}")
    if not 1 <= workers <= 16:
        raise InputError(f"--workers must be between 1 and 16, not {workers}")
    if not 0 <= port <= 65535:
        raise InputError(f"--port must be between 0 and 65535, not {port}")
    if endpoint is not None and engine != "auto":
        raise InputError(f"--engine {engine} picks the engine of the local query workers; with --endpoint the server "
                         "answers every query, so leave --engine out")
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."):
        click.echo(f"warning: listening on {host}: other machines can reach the explorer", err=True)
    check_port(host, port)
    click.echo("loading the graph and starting the query workers ...", err=True)
    site = open_site(data_dir=data_dir, graph_file=graph_file, endpoint=endpoint, endpoint_graph=endpoint_graph,
                     dist_dir=dist_dir,
                     limits=Limits(timeout_s=timeout_s, max_rows=max_rows), workers=workers, engine=engine,
                     say=lambda line: click.echo(line, err=True))
    signal.signal(signal.SIGTERM, _stop)  # stop like Ctrl+C, so the query workers are stopped too
    serve(site, host=host, port=port,
          on_ready=lambda url: click.echo(f"oncograph explorer on {url} (Ctrl+C to stop)"))


def _stop(signum, frame):
    raise KeyboardInterrupt
