"""query, sparql, publish: the named query library, ad-hoc SPARQL, and loading the graph into a SPARQL server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..endpoint import PASSWORD_ENV, USER_ENV
from ..query import DEFAULT_GRAPH_IRI, Format

FORMATS = [f.value for f in Format]
FORMAT_HELP = ("table (default), csv, tsv or json for SELECT and ASK results; turtle (default), json-ld or nt for"
               " CONSTRUCT and DESCRIBE results.")


def endpoint_options(command):
    """--endpoint, --graph, --user, --password: the same four on every command that talks to a server."""
    command = click.option("--password", envvar=PASSWORD_ENV, show_envvar=True, default=None,
                           help="Password for the endpoint (Virtuoso: HTTP Digest).")(command)
    command = click.option("--user", envvar=USER_ENV, show_envvar=True, default=None,
                           help="User name for the endpoint (Virtuoso needs one to publish).")(command)
    command = click.option("--graph", "graph_iri", metavar="IRI", default=None,
                           help=f"Named graph on the endpoint [default: {DEFAULT_GRAPH_IRI}].")(command)
    return command


INPUT_HELP = ("Query this RDF file (the release's dist/oncograph.ttl, a generated landscape; format from the"
              " extension) instead of building data/. Big files are read into Oxigraph; a file kept with"
              " `oncograph store FILE` is opened from its stored copy instead, while the file is unchanged.")


def _local_graph(data_dir: Path | None, endpoint: str | None, input_file: Path | None = None):
    from ..errors import InputError
    from .progress import one_source

    one_source(data_dir, input_file)
    if input_file is not None:
        if endpoint is not None:
            raise InputError("--input reads a local RDF file; it cannot be combined with --endpoint")
        from ..storecache import open_copy
        from .progress import is_big, load_files, say

        opened = open_copy(input_file)
        if opened is not None:
            graph, copy = opened
            if is_big([input_file]):  # as load_files: big files say what they read
                say(f"opened the stored copy of {input_file} ({copy.triples:,} triples, stored {copy.built})")
            return graph
        return load_files([input_file])
    if data_dir is None:
        return None  # the library builds data/ once per process
    if endpoint is not None:
        raise InputError("--data builds a local graph; it cannot be combined with --endpoint")
    from ..build import build

    return build(data_dir).graph()


def _graph_iri(graph_iri: str | None, endpoint: str | None) -> str | None:
    """The --graph value, refused without --endpoint (the library defaults it to DEFAULT_GRAPH_IRI)."""
    if graph_iri is not None and endpoint is None:
        from ..errors import InputError

        raise InputError("--graph names a graph on a SPARQL server: give --endpoint URL too")
    return graph_iri


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    from ..errors import InputError

    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param takes NAME=VALUE, got {pair!r}; for example --param org=orgs:esmo")
        if key.strip() in params:
            raise InputError(f"--param {key.strip()} is given twice")
        params[key.strip()] = value
    return params


@click.command("query")
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of the query (repeatable). IRIs may be prefixed names such as orgs:esmo.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help=FORMAT_HELP)
@click.option("--list", "list_all", is_flag=True, help="List the named queries and the question each answers.")
@click.option("--show", is_flag=True, help="Explain the query (parameters, columns) and print its SPARQL; run nothing.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of curated YAML to query (default: the project's data/).")
@click.option("--input", "input_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=INPUT_HELP)
@click.option("--endpoint", metavar="URL", default=None,
              help="Run on this SPARQL server (its base URL, e.g. http://127.0.0.1:8890) instead of locally.")
@endpoint_options
def query_cmd(name, params, fmt, list_all, show, data_dir, input_file, endpoint, graph_iri, user, password):
    """Run the named query NAME from queries/ on the graph built from data/ (or an RDF --input file), or on a
    SPARQL server.

    \b
    oncograph query --list
    oncograph query partners-of --param org=orgs:who
    oncograph query relationships-as-of -p date=2024-06-30 --format csv
    oncograph query organisations-by-kind --input dist/oncograph.ttl
    oncograph query paths-between -p from=orgs:esmo -p to=orgs:iarc --endpoint http://127.0.0.1:8890
    """
    from ..errors import InputError
    from ..query import bind_params, describe_query, format_result, list_queries, load_query, run_query

    if list_all:
        if name or params or show:
            raise InputError("--list takes no NAME, --param or --show")
        queries = list_queries()
        width = max(len(q.name) for q in queries)
        for q in queries:
            click.echo(f"{q.name:<{width}}  {q.question}")
        return
    if not name:
        raise InputError("give the NAME of a query, or --list to see them all")
    query = load_query(name)
    if show:
        click.echo(describe_query(query), nl=False)
        return
    params = _parse_params(params)
    bind_params(query, params)  # a bad value is reported before a big --input file is read, not after
    result = run_query(query, params, graph=_local_graph(data_dir, endpoint, input_file), endpoint=endpoint,
                       graph_iri=_graph_iri(graph_iri, endpoint), user=user, password=password)
    click.echo(format_result(result, fmt), nl=False)


@click.command("sparql")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help=FORMAT_HELP)
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of curated YAML to query (default: the project's data/).")
@click.option("--input", "input_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=INPUT_HELP)
@click.option("--endpoint", metavar="URL", default=None,
              help="Run on this SPARQL server (its base URL, e.g. http://127.0.0.1:7878) instead of locally.")
@endpoint_options
def sparql_cmd(file, fmt, data_dir, input_file, endpoint, graph_iri, user, password):
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) from FILE, or from standard input with '-'.

    A syntax error is reported with its line and column (exit 2); updates are refused.

    \b
    echo 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | oncograph sparql -
    oncograph sparql my-query.rq --format json-ld
    """
    from ..errors import InputError
    from ..query import format_result, run_sparql

    if str(file) == "-":
        text, source = sys.stdin.read(), "<stdin>"
    else:
        try:
            text, source = file.read_text(encoding="utf-8"), str(file)
        except FileNotFoundError:
            raise InputError(f"{file}: no such file; give a file of SPARQL, or '-' to read standard input") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{file}: cannot read it: {exc}") from None
    if not text.strip():
        raise InputError(f"{source}: no query in it")
    result = run_sparql(text, graph=_local_graph(data_dir, endpoint, input_file), endpoint=endpoint,
                        graph_iri=_graph_iri(graph_iri, endpoint), user=user, password=password, source=source)
    click.echo(format_result(result, fmt), nl=False)


@click.command("store")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option("--drop", is_flag=True, help="Remove the stored copies of FILE instead (every version of it).")
@click.option("--show", is_flag=True, help="Say whether FILE as it is now has a stored copy, and where; store nothing.")
@click.option("--list", "list_all", is_flag=True,
              help="List every stored copy (no FILE): its file, triples, size on disk, and whether it is still used.")
@click.option("--prune", is_flag=True,
              help="Remove every copy no longer used (no FILE): its file changed or is gone, or a store was"
                   " interrupted.")
@click.option("--other-versions", is_flag=True,
              help="With --prune: also remove the copies another pyoxigraph wrote of files as they are now (kept by"
                   " default: an environment with that version may share the cache folder).")
def store_cmd(file, drop, show, list_all, prune, other_versions):
    """Keep RDF FILE as an on-disk Oxigraph store, so that `query` and `sparql` with `--input FILE` open it at once
    instead of parsing the file each time (a million triples: 0.01 s instead of 2.5 s). Each query then runs on
    disk, about 3 times as long as in memory at a million triples and 13 times at ten million: it pays for one-shot
    queries on files of about a million triples.

    The copy lives in the cache folder ($ONCOGRAPH_CACHE, else ~/.cache/oncograph) and is used only while FILE
    keeps the size and modification time it had: edit FILE and the next query parses it again, until FILE is
    stored again (which removes the copies of its older versions).

    \b
    oncograph store landscape.ttl
    oncograph query organisations-by-kind --input landscape.ttl
    oncograph store landscape.ttl --drop
    oncograph store --list
    oncograph store --prune
    oncograph store --prune --other-versions

    Exit codes: 0 done; 2 a file that cannot be read or parsed (its line and column named), or a cache folder that
    cannot be written.
    """
    from .. import storecache
    from ..errors import InputError
    from .progress import say

    chosen = [flag for flag, on in (("--drop", drop), ("--show", show), ("--list", list_all), ("--prune", prune)) if on]
    if len(chosen) > 1:
        raise InputError(f"give one of {' and '.join(chosen)}, not both" if len(chosen) == 2 else
                         f"give one of {', '.join(chosen)}, not several")
    if other_versions and not prune:
        raise InputError("--other-versions goes with --prune: give `oncograph store --prune --other-versions`")
    if list_all or prune:
        if file is not None:
            raise InputError(f"{chosen[0]} covers every stored copy: leave out FILE (or use --show / --drop FILE)")
        _list_or_prune(storecache, prune=prune, other_versions=other_versions)
        return
    if file is None:
        raise InputError("name the RDF FILE to store (or give --list or --prune)")
    if drop:
        removed = storecache.drop_copies(file)
        click.echo(f"removed {removed} stored cop{'y' if removed == 1 else 'ies'} of {file}")
        return
    if show:
        copy = storecache.find_copy(file)
        click.echo(f"{file}: no stored copy of it as it is now" if copy is None else
                   f"{file}: stored copy of {copy.triples:,} triples in {copy.folder} (stored {copy.built})")
        return
    copy = storecache.store_file(file, say=say)
    click.echo(f"stored {file} ({copy.triples:,} triples) in {copy.folder}; `oncograph query` and `oncograph"
               f" sparql` with --input {file} now open it")


def _list_or_prune(storecache, *, prune: bool, other_versions: bool = False) -> None:
    root = storecache.stores_dir()
    if root is None:
        click.echo("the cache is off (ONCOGRAPH_CACHE=off): there are no stored copies")
        return
    listed = storecache.prune_copies(other_versions=other_versions) if prune else storecache.list_copies()
    for c in listed:
        what = str(c.source) if c.source is not None else c.folder.name
        state = ("removed: " if prune else "not used: " if c.stale else "") + (c.stale or "used while the file"
                                                                                  " is unchanged")
        if c.other_version and not prune:
            state += " (kept by --prune for an environment with that version; --prune --other-versions removes it)"
        counted = f"{c.triples:,} triples, " if c.source is not None else ""
        stored = f", stored {c.built}" if c.built else ""
        click.echo(f"{what}: {counted}{c.bytes / 1e6:,.1f} MB{stored}; {state}")
    total = sum(c.bytes for c in listed)
    copies = sum(c.source is not None for c in listed)
    left = len(listed) - copies
    counted = f"{copies} stored cop{'y' if copies == 1 else 'ies'}" + (
        f" and {left} leftover{'' if left == 1 else 's'}" if left else "")
    if prune:
        click.echo(f"removed {counted} ({total / 1e6:,.1f} MB) from {root}")
    else:
        click.echo(f"{counted}, {total / 1e6:,.1f} MB in all, in {root}")


@click.command("publish")
@click.option("--endpoint", metavar="URL", required=True,
              help="The SPARQL server's base URL, e.g. http://127.0.0.1:8890 (Virtuoso) or http://127.0.0.1:7878"
                   " (Oxigraph).")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of curated YAML to build (default: the project's data/).")
@click.option("--input", "rdf_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Publish this RDF file instead of building data/ (a release file, a generated landscape; the"
                   " format from the extension).")
@click.option("--batch", "batch_triples", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="Triples per upload request.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
@endpoint_options
def publish_cmd(endpoint, data_dir, rdf_file, batch_triples, quiet, graph_iri, user, password):
    """Load the graph built from data/ (or an RDF --input file) into a SPARQL 1.1 server, replacing the named graph as a
    whole.

    The upload goes through the Graph Store Protocol, --batch triples per request, into a staging graph whose
    triple count is checked before one MOVE swaps it into place; a publish that fails leaves the previous graph in
    place (exit 3). Progress goes to stderr.
    """
    from ..endpoint import publish
    from ..store import FORMATS
    from .progress import load_files, one_source

    one_source(data_dir, rdf_file)
    if rdf_file is not None:
        source = rdf_file  # a quad format goes as it is: publish checks that it holds one graph
        if rdf_file.is_file() and not FORMATS.get(rdf_file.suffix.lower(), ("", True))[1]:
            source = load_files([rdf_file], loud=False if quiet else None)  # a big file says what it reads
    else:
        from ..build import build

        source = build(data_dir).graph()

    def progress(sent: int, total: int) -> None:
        # the swap is one transaction on the server: at 1M triples the Oxigraph server takes about 90 s over it
        click.echo(f"uploaded {sent:,} of {total:,} triples" + ("; swapping them into place" if sent == total else ""),
                   err=True)

    report = publish(source, endpoint, graph=graph_iri or DEFAULT_GRAPH_IRI, user=user, password=password,
                     batch_triples=batch_triples, progress=None if quiet else progress)
    click.echo(f"{report}; checked: the graph holds {report.triples} triples")
