"""Publish a graph to a real SPARQL 1.1 server and query it there: Virtuoso 7 or Oxigraph server.

An endpoint is named by the server's base URL: ``http://127.0.0.1:8890`` for Virtuoso, ``http://127.0.0.1:7878``
for Oxigraph (``bash scripts/sparql-server.sh start virtuoso|oxigraph`` runs either on loopback). A query URL
ending in ``/sparql`` or ``/query`` is accepted too and cut back to the base, because the other services
(Graph Store, update) hang off the base at paths that differ by server:

=========  ====================  ===================================  ==========================
server     queries               Graph Store Protocol                 updates
=========  ====================  ===================================  ==========================
Virtuoso   /sparql (anonymous)   /sparql-graph-crud-auth?graph=IRI    /sparql-auth (HTTP Digest)
Oxigraph   /query                /store?graph=IRI                     /update (no authentication)
=========  ====================  ===================================  ==========================

Which server answers is read from the ``Server`` header of one probe request, unless ``kind=`` says it (which
also saves that request). Credentials only ever come from arguments; the CLI reads them from options or from
``ONCOGRAPH_ENDPOINT_USER`` / ``ONCOGRAPH_ENDPOINT_PASSWORD`` with :func:`endpoint_credentials_from_env`.
Oxigraph server has no authentication, so credentials are not sent to it.

Everything that could turn into a silently wrong answer is an :class:`EndpointError` instead: results Virtuoso
cut at its ``ResultSetMaxRows``, partial results after a timeout, a triple count that differs after publishing.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import http.client
import io
import os
import re
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple, TypeVar

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.graph import ConjunctiveGraph, Dataset
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import Result
from rdflib.term import Identifier
from rdflib.util import SUFFIX_FORMAT_MAP, guess_format
from SPARQLWrapper import ASK, CONSTRUCT, DESCRIBE, JSON, POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from .errors import InputError, OncographError

__all__ = [
    "EndpointError",
    "ServerKind",
    "SelectResult",
    "PublishReport",
    "publish",
    "query_endpoint",
    "copy_graph",
    "bind_values",
    "endpoint_credentials_from_env",
]

USER_ENV = "ONCOGRAPH_ENDPOINT_USER"
PASSWORD_ENV = "ONCOGRAPH_ENDPOINT_PASSWORD"
STAGING_PREFIX = "urn:oncograph:staging:"

_T = TypeVar("_T")


class EndpointError(OncographError):
    """A SPARQL server could not be reached, refused a request, or gave an answer that cannot be trusted."""

    exit_code = 3

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


class ServerKind(StrEnum):
    """The SPARQL servers this module knows the paths and quirks of."""

    VIRTUOSO = "virtuoso"
    OXIGRAPH = "oxigraph"


class SelectResult(NamedTuple):
    """A SELECT answer: column names, and one tuple of rdflib terms per row (``None`` where a variable is unbound)."""

    columns: list[str]
    rows: list[tuple[Identifier | None, ...]]


@dataclass(frozen=True)
class PublishReport:
    """What :func:`publish` did: the named graph on ``endpoint`` now holds exactly ``triples`` triples."""

    endpoint: str
    graph: str
    kind: ServerKind
    triples: int
    previous_triples: int

    def __str__(self) -> str:
        return (f"published {self.triples} triples to <{self.graph}> on {self.kind.value} at {self.endpoint}"
                f" (it held {self.previous_triples} before)")


def endpoint_credentials_from_env(environ: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """User and password from ``ONCOGRAPH_ENDPOINT_USER`` / ``ONCOGRAPH_ENDPOINT_PASSWORD``, for the CLI.

    The library functions never read the environment themselves, so a notebook cannot send credentials by accident.

    >>> endpoint_credentials_from_env({"ONCOGRAPH_ENDPOINT_USER": "dba", "ONCOGRAPH_ENDPOINT_PASSWORD": "s3cret"})
    ('dba', 's3cret')
    >>> endpoint_credentials_from_env({})
    (None, None)
    """
    env = os.environ if environ is None else environ
    return env.get(USER_ENV) or None, env.get(PASSWORD_ENV) or None


# --- publishing ---------------------------------------------------------------------------------------------------

def publish(
    source: Graph | Dataset | str | os.PathLike,
    endpoint: str,
    *,
    graph: str,
    kind: ServerKind | str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    batch_triples: int = 100_000,
    progress: Callable[[int, int], None] | None = None,
) -> PublishReport:
    """Replace the named graph ``graph`` on ``endpoint`` with the triples of ``source``, as a whole.

    ``source`` is an rdflib Graph, a Dataset whose triples sit in one graph, or an RDF file. The upload goes
    through the Graph Store Protocol into a fresh staging graph (``urn:oncograph:staging:<uuid>``), whose triple
    count is checked; only then does one SPARQL Update ``MOVE <staging> TO <graph>`` swap it into place. Both
    servers run an update request as one transaction (checked by killing them mid-MOVE: after a restart the
    graph held the old triples, and readers never saw a half-moved graph), so a publish cut off at any point
    leaves either the previous graph or the new one, never a mix. The count is checked again after the swap.

    The upload goes in requests of at most ``batch_triples`` triples (every triple naming a blank node in one request
    of its own, as a blank node's label holds only within one document), and ``progress(sent, total)`` is called
    after each. Small requests keep each of the server's transactions small: Virtuoso was seen to hang, idle, on
    one 1M-triple request, and a retry after a dropped connection resends one batch, not the whole graph. Oxigraph
    loads the staging graph with its bulk loader (``no_transaction``: 10 s for a 1M-triple upload, the whole
    publish 100-107 s against 158 s in one transaction); the swap stays one transaction.

    Virtuoso needs ``user`` and ``password`` (HTTP Digest). Blank nodes are uploaded as blank nodes: the server
    gives them its own labels, so skolemize first (``Graph.skolemize()``) to address them in later queries.
    A count that differs usually means the server merged triples rdflib keeps apart, such as ``"x"`` and
    ``"x"^^xsd:string``; the error says so and the previous graph stays.
    """
    from .store import count_triples

    data = _graph_to_publish(source)
    expected = count_triples(data)
    if not expected:
        raise InputError(f"nothing to publish: the graph is empty (refusing to empty <{graph}>)")
    target = _check_iri(graph, what="graph name")
    if batch_triples < 1:
        raise InputError(f"batch_triples must be at least 1, not {batch_triples}")
    ctx = _connect(endpoint, kind=kind, user=user, password=password, timeout=timeout, retries=retries)
    if ctx.kind is ServerKind.VIRTUOSO and ctx.credentials is None:
        raise InputError("publishing to Virtuoso needs a user and password (HTTP Digest on /sparql-graph-crud-auth);"
                         f" pass them, or set {USER_ENV} / {PASSWORD_ENV} for the CLI")
    batches = _batches(_upload_text(data), batch_triples)
    staging = f"{STAGING_PREFIX}{uuid.uuid4().hex}"
    where = f"<{target}> on {ctx.base}"
    # Oxigraph's bulk loader skips the transaction: the staging graph is private, and the swap below is atomic
    upload_url = ctx.store_url(staging) + ("&no_transaction" if ctx.kind is ServerKind.OXIGRAPH else "")
    uploading = False
    try:
        previous = _count(ctx, target)
        uploading = True
        sent = 0
        for number, (lines, batch) in enumerate(batches):
            # PUT creates the graph, POST adds to it: a batch resent after a cut adds no triple twice (RDF is a set),
            # except blank nodes, which a resend makes anew; the count check below then refuses the swap
            what = f"uploading triples {sent + 1}-{sent + lines} of {expected}"
            try:
                _retrying(ctx, what, lambda: _http(ctx, "POST" if number else "PUT", upload_url, body=batch,
                                                   headers={"Content-Type": "application/n-triples"}))
            except EndpointError as exc:
                if str(exc).startswith(what):  # retried: _retrying said which part
                    raise
                raise EndpointError(f"{what}: {exc}", url=exc.url, status=exc.status) from exc
            sent += lines
            if progress is not None:
                progress(sent, expected)
        staged = _count(ctx, staging)
        if staged != expected:
            raise EndpointError(
                f"the server stored {staged} of the {expected} triples sent: it merges triples that rdflib keeps"
                ' apart (for instance "x" and "x"^^xsd:string) or another client wrote to the staging graph',
                url=ctx.store_url(staging))
    except EndpointError as exc:
        leftover = _drop_quietly(ctx, staging) if uploading else ""
        hint = _transaction_limit_hint(exc, f"or pass a smaller batch_triples than {batch_triples}")
        raise EndpointError(f"could not publish to {where}: {exc}{hint}; the previous graph was kept{leftover}",
                            url=exc.url, status=exc.status) from exc
    try:
        _update(ctx, f"MOVE <{staging}> TO <{target}>", what="swapping the staging graph into place", idempotent=False)
    except EndpointError as exc:
        if _still_staged(ctx, staging, expected):  # MOVE empties its source, atomically: it was not applied
            hint = _transaction_limit_hint(exc, f"for a swap of {expected} triples")
            leftover = _drop_quietly(ctx, staging)
            raise EndpointError(f"could not publish to {where}: the server refused the swap: {exc}{hint}; the"
                                f" previous graph was kept{leftover}", url=exc.url, status=exc.status) from exc
        raise EndpointError(
            f"could not confirm the swap into {where}: {exc}; the server applies it atomically, so the graph holds"
            f" either the previous or the new triples: count them, or publish again (and drop <{staging}>"
            " if it is still there)", url=exc.url, status=exc.status) from exc
    final = _count(ctx, target)
    if final != expected:
        raise EndpointError(f"after publishing {expected} triples, {where} holds {final}: another client may have"
                            " written to it at the same time; publish again", url=ctx.query_url)
    return PublishReport(ctx.base, target, ctx.kind, final, previous)


def _upload_text(data: Graph) -> bytes:
    """The N-Triples to upload: Oxigraph's own dump when the graph is held there (the server does not care about the
    order, so the canonical writer's sort is not needed: at 1M the dump takes 0.6 s), else the canonical writer."""
    from .export import Format, serialize_graph, store_ntriples

    dumped = store_ntriples(data)
    return serialize_graph(data, Format.NTRIPLES) if dumped is None else dumped


def _batches(ntriples: bytes, size: int) -> Iterator[tuple[int, bytes]]:
    """(line count, body) of each upload, made as it is sent: the lines in runs of ``size``, and every line that may
    name a blank node (it holds ``_:``, perhaps only inside a literal) in the last batch together, whatever its
    length. Without blank nodes the text is cut at line ends, never split into lines: at 1M the lines and the
    batches made at once took 300 MB more than the text."""
    if b"_:" in ntriples:  # one scan of the whole text decides; only then is each line looked at
        lines = ntriples.splitlines(keepends=True)
        plain = [line for line in lines if b"_:" not in line]
        blank = [line for line in lines if b"_:" in line]
        del lines
        for i in range(0, len(plain), size):
            chunk = plain[i:i + size]
            yield len(chunk), b"".join(chunk)
        if blank:
            yield len(blank), b"".join(blank)
        return
    start, end, find = 0, len(ntriples), ntriples.find
    while start < end:
        stop, count = start, 0
        while count < size and stop < end:
            nl = find(b"\n", stop)
            stop = end if nl < 0 else nl + 1
            count += 1
        yield count, ntriples[start:stop]
        start = stop


def _graph_to_publish(source: Graph | Dataset | str | os.PathLike) -> Graph:
    if isinstance(source, (str, os.PathLike)):
        source = _read_rdf_file(Path(source))
    if isinstance(source, ConjunctiveGraph):  # Dataset too: publish its one graph, never guess between several
        graphs = source.graphs() if isinstance(source, Dataset) else source.contexts()
        filled = [g for g in graphs if len(g)]
        if len(filled) > 1:
            names = ", ".join(f"<{g.identifier}>" for g in filled[:3]) + (", ..." if len(filled) > 3 else "")
            raise InputError(f"the dataset holds triples in {len(filled)} graphs ({names}); publish one at a time"
                             " (dataset.graph(IRI)) or a Graph holding their union")
        return filled[0] if filled else Graph()
    if isinstance(source, Graph):
        return source
    raise InputError(f"cannot publish a {type(source).__name__}: give an rdflib Graph, a Dataset or an RDF file path")


def _read_rdf_file(path: Path) -> Graph:
    fmt = guess_format(str(path))
    if fmt is None:
        known = ", ".join(sorted("." + s for s in SUFFIX_FORMAT_MAP))
        raise InputError(f"{path}: cannot tell the RDF format from the extension; known extensions: {known}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if fmt not in ("trig", "nquads", "trix") and path.suffix.lower() in (".ttl", ".nt", ".rdf", ".owl", ".xml"):
        from .store import load_graph

        return load_graph(path)  # a big file goes into Oxigraph: seconds, not minutes, at a million triples
    target = Dataset() if fmt in ("trig", "nquads", "trix") else Graph()
    try:
        target.parse(path, format=fmt)
    except Exception as exc:  # rdflib's parsers raise many unrelated types; all mean "bad file"
        raise InputError(f"{path}: not valid {fmt}: {exc}") from exc
    return target


def _count(ctx: _Context, graph_iri: str) -> int:
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
    _, rows = _run_query(ctx, text, form="SELECT", graph=None)
    try:
        return int(rows[0][0])
    except (IndexError, TypeError, ValueError):
        raise EndpointError(f"{ctx.query_url} answered a COUNT query with {rows!r}", url=ctx.query_url) from None


def _transaction_limit_hint(exc: EndpointError, what: str) -> str:
    if "SR325" not in str(exc):
        return ""
    return ("; Virtuoso aborts a transaction that writes more than its TransactionAfterImageLimit (virtuoso.ini,"
            f" [Parameters]; 50 MB by default): raise it {what} (scripts/sparql-server.sh sets 1.5 GB,"
            " SPARQL_TXN_LIMIT)")


def _still_staged(ctx: _Context, staging: str, expected: int) -> bool:
    """Whether the staging graph still holds all its triples (asked once; False if the server does not answer)."""
    try:
        return _count(dataclasses.replace(ctx, retries=1), staging) == expected
    except EndpointError:
        return False


def _update(ctx: _Context, text: str, *, what: str, idempotent: bool) -> None:
    body = urllib.parse.urlencode({"update": text}).encode("ascii")
    _retrying(ctx, what, lambda: _http(ctx, "POST", ctx.update_url, body=body,
                                       headers={"Content-Type": "application/x-www-form-urlencoded"}),
              idempotent=idempotent)


def _drop_quietly(ctx: _Context, staging: str) -> str:
    """Drop the staging graph after a failure, trying once; return what the user should know if that failed too."""
    try:
        _update(dataclasses.replace(ctx, retries=1), f"DROP SILENT GRAPH <{staging}>",
                what="dropping the staging graph", idempotent=True)
    except EndpointError:
        return f" (the staging graph <{staging}> may be left on the server: DROP SILENT GRAPH <{staging}>)"
    return ""


# --- querying -----------------------------------------------------------------------------------------------------

def query_endpoint(
    endpoint: str,
    query_text: str,
    *,
    graph: str | None = None,
    bindings: Mapping[str, Identifier] | None = None,
    kind: ServerKind | str | None = None,
    timeout: float = 60.0,
    user: str | None = None,
    password: str | None = None,
    retries: int = 3,
    oxigraph_above: int | None = None,
) -> SelectResult | bool | Graph:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query on ``endpoint``, through SPARQLWrapper.

    ``oxigraph_above``: a CONSTRUCT / DESCRIBE answer of more bytes than this is parsed by pyoxigraph into an
    Oxigraph-held Graph (``oncograph.store``, as ``load_graph`` holds big files: literals of number and date types in
    canonical form), not by rdflib: a copy of a million-triple graph then reads in seconds, not a minute.

    Returns a :class:`SelectResult` (``columns, rows = ...``; rows of rdflib terms with datatypes and language
    tags as the server sent them, comparable to rdflib's own results), a bool for ASK, an rdflib Graph for
    CONSTRUCT / DESCRIBE (fetched as N-Triples: Virtuoso's Turtle and JSON-LD can write xsd:double as a decimal).

    With ``graph``, the query runs on that named graph alone: it is sent as both ``default-graph-uri`` and
    ``named-graph-uri``, which override any FROM in the text. Without it, each server uses its own default graph,
    which on Virtuoso is the union of every graph, system triples included. ``bindings`` go through
    :func:`bind_values`. Virtuoso's ``ResultSetMaxRows`` cut and its partial results after a timeout raise
    :class:`EndpointError`, as do answers that are not complete for any other reason the server reports.
    """
    text = bind_values(query_text, bindings) if bindings else query_text
    if graph is not None:
        _check_iri(graph, what="graph name")
    ctx = _connect(endpoint, kind=kind, user=user, password=password, timeout=timeout, retries=retries)
    form = _query_form(text)
    if form == "SELECT":
        return SelectResult(*_run_query(ctx, text, form=form, graph=graph))
    return _run_query(ctx, text, form=form, graph=graph, oxigraph_above=oxigraph_above)


def copy_graph(
    endpoint: str,
    graph: str,
    *,
    kind: ServerKind | str | None = None,
    timeout: float = 60.0,
    user: str | None = None,
    password: str | None = None,
    retries: int = 3,
    oxigraph_above: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Graph:
    """Copy the named graph ``graph`` of ``endpoint`` into memory, whole, or raise :class:`EndpointError`.

    One CONSTRUCT, unless Virtuoso would cut its answer at ``ResultSetMaxRows`` (10,000 in the virtuoso.ini that
    Virtuoso ships): then the graph comes in pages of one row fewer, ``LIMIT`` / ``OFFSET`` without ``ORDER BY``,
    which Virtuoso answers in its index order (a million triples in 100 pages of 9,999: 13 s to fetch on loopback,
    20-25 s with the parse, where an ``ORDER BY`` would sort the whole graph for every page). The pages are joined
    and parsed as one document, so a blank node keeps its label across pages.

    That order holds only while the graph does not change, and the pages are separate requests. So the server sums
    the graph up before and after (its triples, the characters of their subjects and objects, the least and
    greatest MD5 of a triple's text: 2 s at a million), and the pages must hold exactly that many distinct triples.
    A graph written to during the copy (a ``publish`` swapping it, say) is then an error to retry, not a copy
    mixing two states. A change that kept all four figures (a language tag alone, say) would go unseen.

    ``progress(copied, total)`` is called after each page of a copy in pages; ``oxigraph_above`` is as for
    :func:`query_endpoint`.
    """
    _check_iri(graph, what="graph name")
    ctx = _connect(endpoint, kind=kind, user=user, password=password, timeout=timeout, retries=retries)
    whole = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    max_rows = (_virtuoso_max_rows(ctx, "whether one answer can hold the graph", "raise its ResultSetMaxRows above the"
                                   " graph's size, or use query_endpoint") if ctx.kind is ServerKind.VIRTUOSO else 0)
    total = _count(ctx, graph) if max_rows > 0 else 0
    if max_rows <= 0 or total < max_rows:  # one answer holds it all (Oxigraph server has no row limit)
        return _run_query(ctx, whole, form="CONSTRUCT", graph=graph, oxigraph_above=oxigraph_above)
    page = max_rows - 1  # a full page stays under the limit, so the cut check never mistakes one for cut
    before = _summary(ctx, graph)
    total = before[0]
    pages, headers = [], {}
    for offset in range(0, total, page):
        headers, body = _run_query(ctx, f"{whole} LIMIT {page} OFFSET {offset}", form="CONSTRUCT", graph=graph,
                                   raw=True)
        pages.append(body if body.endswith(b"\n") or not body else body + b"\n")
        if progress is not None:
            progress(min(offset + page, total), total)
    joined = b"".join(pages)
    del pages
    distinct = len(set(_ntriples_lines(joined)))
    after = _summary(ctx, graph)
    if after != before or distinct != total:
        change = (f"it held {total:,} triples before and {after[0]:,} after" if after[0] != total else
                  f"it held {total:,} triples before and after, but other ones" if after != before else
                  f"it held {total:,} triples, but the pages held {distinct:,} distinct ones")
        raise EndpointError(
            f"<{graph}> on {ctx.query_url} changed while it was copied in pages of {page:,} triples (its"
            f" ResultSetMaxRows is {max_rows:,}): {change}; copy it again once nothing writes to it, or raise"
            " ResultSetMaxRows above its size for a copy in one answer", url=ctx.query_url)
    return _parse_graph(ctx, headers, joined, oxigraph_above=oxigraph_above)


def copy_progress(say: Callable[[str], None] | None) -> Callable[[int, int], None] | None:
    """A ``progress`` for :func:`copy_graph` that says a line for each tenth of a copy in pages (a million triples
    from a Virtuoso cut at 10,000 rows: 100 pages, 20 s)."""
    if say is None:
        return None
    started, said = time.perf_counter(), set()

    def report(copied: int, total: int) -> None:
        tenth = copied * 10 // max(total, 1)
        if tenth not in said:
            said.add(tenth)
            say(f"copied {copied:,} of {total:,} triples from the endpoint ({time.perf_counter() - started:.1f} s)")
    return report


def _summary(ctx: _Context, graph_iri: str) -> tuple[int, str, str, str]:
    """A graph summed up on the server, to tell whether it changed between two requests: its triples, the
    characters of their subjects and objects, and the least and greatest MD5 of a triple's text."""
    text = ("SELECT (COUNT(*) AS ?n) (SUM(STRLEN(STR(?s)) + STRLEN(STR(?o))) AS ?chars) (MIN(?h) AS ?low)"
            f" (MAX(?h) AS ?high) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o"
            ' BIND (MD5(CONCAT(STR(?s), " ", STR(?p), " ", STR(?o))) AS ?h) } }')
    # Virtuoso-only (no other server pages), which gives STR of a blank node. Adding LANG(?o) or COALESCE made
    # this 2 s query take 5-9 s at a million triples, so a change of language tag alone is not seen.
    _, rows = _run_query(ctx, text, form="SELECT", graph=None)
    try:
        n, chars, low, high = rows[0]
        return int(n), str(chars), str(low), str(high)
    except (IndexError, TypeError, ValueError):
        raise EndpointError(f"{ctx.query_url} answered a summing-up query with {rows!r}", url=ctx.query_url) from None


def _query_form(text: str) -> str:
    probe = SPARQLWrapper("http://unused.invalid/")
    probe.setQuery(text)
    if probe.queryType not in (SELECT, ASK, CONSTRUCT, DESCRIBE):
        raise InputError(f"query_endpoint runs queries (SELECT, ASK, CONSTRUCT, DESCRIBE), not {probe.queryType};"
                         " load data with publish()")
    return probe.queryType


def _run_query(ctx: _Context, text: str, *, form: str, graph: str | None, oxigraph_above: int | None = None,
               raw: bool = False):
    """One query through SPARQLWrapper, retried; returns (columns, rows), a bool or a Graph, or with ``raw`` the
    answer's headers and body (checked complete, not parsed)."""
    def attempt():
        sw = SPARQLWrapper(ctx.query_url)
        sw.setMethod(POST)  # form-encoded POST: queries with bound values do not hit URL length limits
        sw.setOnlyConneg(True)  # no format=/output= parameters: Virtuoso would honour them over the Accept header
        sw.timeout = ctx.timeout  # setTimeout() would truncate to whole seconds
        sw.setQuery(text)
        if graph is not None:
            sw.addDefaultGraph(graph)
            sw.addNamedGraph(graph)
        if form in ("SELECT", "ASK"):
            sw.setReturnFormat(JSON)
        else:
            sw.addCustomHttpHeader("Accept", "application/n-triples")
        if ctx.credentials is not None:
            # built here rather than with sw.setHTTPAuth(DIGEST), which installs a process-wide urllib opener
            authorization = _digest_authorization(ctx, "POST", ctx.query_url)
            if authorization:
                sw.addCustomHttpHeader("Authorization", authorization)
        return _sparqlwrapper_exchange(ctx, sw)

    headers, body = _retrying(ctx, f"running the {form} query", attempt)
    _check_complete(ctx, headers, text)
    if raw:
        return headers, body
    if form in ("SELECT", "ASK"):
        return _parse_results(ctx, headers, body, form)
    result = _parse_graph(ctx, headers, body, oxigraph_above=oxigraph_above)
    if ctx.kind is ServerKind.VIRTUOSO:
        _check_graph_not_cut(ctx, body)
    return result


def _sparqlwrapper_exchange(ctx: _Context, sw) -> tuple[Mapping[str, str], bytes]:
    url = ctx.query_url
    try:
        result = sw.query()
        headers = {name.lower(): value for name, value in result.info().items()}
        body = result.response.read()
    except SPARQLWrapperException as exc:
        # SPARQLWrapper turns 400/401/404/414/500 into its own exceptions; the HTTPError it came from has the code
        cause = exc.__context__
        status = cause.code if isinstance(cause, urllib.error.HTTPError) else 500
        reason = cause.reason if isinstance(cause, urllib.error.HTTPError) else type(exc).__name__
        raise _status_error(ctx, url, status, str(reason), _sparqlwrapper_body(exc)) from exc
    except urllib.error.HTTPError as exc:
        raise _status_error(ctx, url, exc.code, str(exc.reason), _read_error_body(exc)) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _transport_error(ctx, url, exc) from exc
    return headers, body


def _sparqlwrapper_body(exc: Exception) -> bytes:
    """The server's answer, which SPARQLWrapper keeps only as a bytes repr inside its message."""
    _, sep, tail = str(exc).partition("\n\nResponse:\n")
    if not sep:
        return b""
    try:
        body = ast.literal_eval(tail)
    except (ValueError, SyntaxError):
        return tail.encode("utf-8", "replace")
    return body if isinstance(body, bytes) else str(body).encode("utf-8", "replace")


def _check_complete(ctx: _Context, headers: Mapping[str, str], text: str) -> None:
    """Raise when the server says the answer is partial (Virtuoso: timeout S1TAT, or cut at ResultSetMaxRows).

    ``headers`` has lower-case names.
    """
    state = headers.get("x-sql-state")
    if state:
        message = headers.get("x-sql-message", "")
        raise EndpointError(
            f"{ctx.query_url} returned partial results: the query hit the server's time limit (X-SQL-State {state}"
            f"{': ' + message if message else ''}); simplify the query, or raise MaxQueryExecutionTime"
            " (SPARQL_TIMEOUT_S for scripts/sparql-server.sh)", url=ctx.query_url)
    max_rows = headers.get("x-sparql-maxrows")
    if max_rows:
        limit = _query_limit(text)
        if limit is not None and max_rows.isdigit() and limit <= int(max_rows):
            return  # the query's own LIMIT is within the server's, so nothing was cut (Virtuoso sends it at the limit)
        raise _max_rows_error(ctx, max_rows)


def _max_rows_error(ctx: _Context, max_rows: str | int) -> EndpointError:
    return EndpointError(
        f"{ctx.query_url} cut the result at its ResultSetMaxRows limit of {max_rows} rows, so it may be incomplete;"
        " raise ResultSetMaxRows (virtuoso.ini, [SPARQL]; SPARQL_MAX_ROWS for scripts/sparql-server.sh), or ask"
        " for less (pages with ORDER BY, LIMIT and OFFSET end at Virtuoso's MaxSortedTopRows, 10,000 rows by"
        " default)", url=ctx.query_url)


def _check_graph_not_cut(ctx: _Context, body: bytes) -> None:
    """Virtuoso cuts CONSTRUCT / DESCRIBE answers at ResultSetMaxRows too, without saying so in any header.

    So the limit is read from its configuration, which the anonymous SPARQL user may do, and an answer with that
    many triples or more counts as cut.
    """
    max_rows = _virtuoso_max_rows(ctx, "whether it cut this graph result", "use a SELECT query instead")
    if max_rows > 0 and sum(1 for _ in _ntriples_lines(body)) >= max_rows:
        raise _max_rows_error(ctx, max_rows)


def _virtuoso_max_rows(ctx: _Context, why: str, advice: str) -> int:
    """Virtuoso's ResultSetMaxRows, read from its configuration (0: no limit)."""
    text = ("SELECT (bif:cfg_item_value(bif:virtuoso_ini_path(), 'SPARQL', 'ResultSetMaxRows') AS ?max) WHERE {}")
    try:
        _, rows = _run_query(ctx, text, form="SELECT", graph=None)
        return int(rows[0][0])
    except (EndpointError, IndexError, TypeError, ValueError) as exc:
        raise EndpointError(f"cannot tell {why}: reading the ResultSetMaxRows of {ctx.query_url} failed ({exc});"
                            f" {advice}", url=ctx.query_url) from exc


def _ntriples_lines(body: bytes) -> Iterator[bytes]:
    """The triple lines of an N-Triples answer (no blank lines or comments)."""
    return (line for line in body.splitlines() if line.strip() and not line.lstrip().startswith(b"#"))


def _query_limit(text: str) -> int | None:
    try:
        clause = parseQuery(text)[1].limitoffset  # CompValue attributes are None when absent
    except Exception:  # not parseable by rdflib (e.g. Virtuoso extensions): no LIMIT known, so stay strict
        return None
    limit = clause.limit if clause is not None else None
    return int(limit) if limit is not None else None


def _parse_results(ctx: _Context, headers: Mapping[str, str], body: bytes, form: str):
    content_type = headers.get("content-type", "").split(";")[0].strip()
    if "json" not in content_type:
        raise EndpointError(f"{ctx.query_url} answered a {form} query with {content_type or 'no content type'},"
                            f" not SPARQL JSON results: {_snippet(body)}", url=ctx.query_url)
    try:
        result = Result.parse(io.BytesIO(body), format="json")
    except Exception as exc:  # the JSON parser raises KeyError, ValueError, ... on bad documents
        raise EndpointError(f"{ctx.query_url} sent unreadable SPARQL JSON results ({exc}): {_snippet(body)}",
                            url=ctx.query_url) from exc
    if form == "ASK":
        if result.type != "ASK":
            raise EndpointError(f"{ctx.query_url} answered an ASK query with a table, not a boolean (on Virtuoso,"
                                " set CaseMode = 2 in virtuoso.ini)", url=ctx.query_url)
        return bool(result.askAnswer)
    columns = [str(v) for v in result.vars or []]
    rows = [tuple(binding.get(v) for v in result.vars) for binding in result.bindings]
    return columns, rows


def _parse_graph(ctx: _Context, headers: Mapping[str, str], body: bytes, *, oxigraph_above: int | None = None
                 ) -> Graph:
    content_type = headers.get("content-type", "").split(";")[0].strip()
    fmt = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle",
           "application/rdf+xml": "xml"}.get(content_type)
    if fmt is None:
        raise EndpointError(f"{ctx.query_url} answered with {content_type or 'no content type'}, not N-Triples:"
                            f" {_snippet(body)}", url=ctx.query_url)
    if oxigraph_above is not None and len(body) > oxigraph_above:
        import pyoxigraph as ox

        from .store import new_graph, oxigraph_of

        held = new_graph("oxigraph")
        ox_format = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "xml": ox.RdfFormat.RDF_XML}[fmt]
        try:
            oxigraph_of(held)[0].bulk_load(input=body, format=ox_format, to_graph=ox.DefaultGraph())
        except SyntaxError as exc:
            raise EndpointError(f"{ctx.query_url} sent unreadable {fmt} ({exc})", url=ctx.query_url) from exc
        return held
    graph = Graph()
    try:
        graph.parse(data=body, format=fmt)
    except Exception as exc:
        raise EndpointError(f"{ctx.query_url} sent unreadable {fmt} ({exc})", url=ctx.query_url) from exc
    return graph


# --- binding values -----------------------------------------------------------------------------------------------

_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IRI_TEXT = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^<>"{}|^`\\\x00-\x20]*')


def bind_values(query_text: str, bindings: Mapping[str, Identifier]) -> str:
    r"""``query_text`` with a ``VALUES`` block binding each variable, placed first in the outer WHERE group.

    Safe against injection: a literal is written as one quoted string with every character that could end or
    bend it escaped (quote, backslash, line breaks, tab); an IRI, or a literal's datatype, holding a character
    IRIs may not contain (``<>"{}|^`\`` or space) is refused; and the result is parsed again with rdflib's SPARQL
    parser, which must read back exactly the terms given. A string can therefore only ever arrive as one literal,
    never as query text. (``Literal.n3()`` is not used for literals: it leaves tabs raw, and rdflib's own parser
    reads those back as spaces.)

    Placed first in the WHERE group, the block acts like a pre-binding: triple patterns, FILTERs and BINDs of that
    group see the value, and GROUP BY groups only the matching solutions. (A VALUES clause after the query would
    not do: Virtuoso applies it after projection, so it fails on variables that are not selected.) The block goes
    on the line of the ``{``, so line numbers in error messages stay those of the original text.

    >>> from rdflib import Literal
    >>> print(bind_values('SELECT ?org WHERE { ?org <urn:ex:name> ?name }', {"name": Literal('x" } ; DROP ALL #')}))
    SELECT ?org WHERE { VALUES (?name) { ("x\" } ; DROP ALL #") } ?org <urn:ex:name> ?name }
    """
    if not bindings:
        return query_text
    expected: dict[str, Identifier] = {}
    for name, term in bindings.items():
        var = name[1:] if name[:1] in ("?", "$") else name
        if not _VARNAME.fullmatch(var):
            raise InputError(f"{name!r} is not a SPARQL variable name")
        expected[var] = _bindable(var, term)
    _check_parses(query_text)  # a syntax error in the query itself is reported as such
    brace, variables = _where_brace(query_text)
    for var in expected:
        if var not in variables:
            raise InputError(f"?{var} does not occur in the query, so binding it would change nothing")
    block = (" VALUES (" + " ".join(f"?{v}" for v in expected) + ") { ("
             + " ".join(_sparql_term(t) for t in expected.values()) + ") }")
    text = query_text[: brace + 1] + block + query_text[brace + 1:]
    _read_back_once(text, tuple(expected.items()))
    return text


@functools.lru_cache(maxsize=512)
def prepared_query(text: str):
    """rdflib's prepared query (parse tree and algebra) of ``text``, made once per text and shared with
    ``oncograph.query``: pyparsing takes ~0.15 s a parse, and one named-query run checks the text, binds values
    into it, reads them back and runs it (four parses, now two: the text and the bound text)."""
    from rdflib.plugins.sparql.processor import prepareQuery

    return prepareQuery(text)


# a text that parsed (or read back intact) once does so every time.
@functools.lru_cache(maxsize=512)
def _check_parses(text: str) -> None:
    try:
        prepared_query(text)
    except Exception as exc:  # pyparsing's ParseException, rdflib's plain Exceptions for undeclared prefixes
        raise InputError(f"cannot bind values into a query that does not parse: {exc}") from exc


@functools.lru_cache(maxsize=4096)
def _read_back_once(text: str, expected: tuple) -> None:
    _check_values_read_back(text, dict(expected))


def _bindable(var: str, term: object) -> Identifier:
    if isinstance(term, URIRef):
        return URIRef(_check_iri(str(term), what=f"the value of ?{var}"))
    if isinstance(term, Literal):
        if term.datatype is not None:
            _check_iri(str(term.datatype), what=f"the datatype of ?{var}")
        return term
    if isinstance(term, BNode):
        raise InputError(f"?{var}: a blank node cannot be bound in a query; skolemize the graph to get an IRI")
    raise InputError(f"?{var}: bind an rdflib URIRef or Literal, not {type(term).__name__} {term!r}"
                     " (a plain string could be meant as either)")


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
                          "\f": "\\f"})
_LANGUAGE_TAG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")


def _sparql_term(term: Identifier) -> str:
    """A checked IRI or literal in SPARQL syntax, written so that it reads back as exactly that term."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    text = '"' + str(term).translate(_ESCAPES) + '"'
    if term.language:
        if not _LANGUAGE_TAG.fullmatch(term.language):
            raise InputError(f"{term.language!r} is not a language tag")
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[^\W\d][\w\-.]*")
_NAME_AFTER_COLON = re.compile(r"[\w\-.%\\:]*")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def _where_brace(text: str) -> tuple[int, set[str]]:
    """Offset of the ``{`` opening the outer WHERE group, and the variable names the query uses.

    A small lexer that skips comments, strings, IRIs and prefixed names; its answer is checked afterwards by
    parsing the result, so a query it misreads is refused, never altered.
    """
    form, template_done, found = None, False, None
    depth = parens = 0
    variables: set[str] = set()
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<" and (iri := _IRIREF.match(text, i)):
            i = iri.end()
        elif c in "?$" and (var := _VARNAME.match(text, i + 1)):
            variables.add(var.group())
            i = var.end()
        elif c == ":":
            i = _NAME_AFTER_COLON.match(text, i + 1).end()
        elif c in "()":
            parens += 1 if c == "(" else -1
            i += 1
        elif c in "{}":
            if c == "{":
                if form and depth == 0 and parens == 0 and found is None:
                    if form == "CONSTRUCT" and not template_done:
                        template_done = True
                    else:
                        found = i
                depth += 1
            else:
                depth -= 1
            i += 1
        elif word := _WORD.match(text, i):
            i = word.end()
            if i < n and text[i] == ":":  # a prefixed name such as ex:select, not a keyword
                i = _NAME_AFTER_COLON.match(text, i + 1).end()
                continue
            keyword = word.group().upper()
            if depth == 0 and parens == 0:
                if form is None and keyword in _FORMS:
                    form = keyword
                elif form == "CONSTRUCT" and not template_done and keyword == "WHERE":
                    raise InputError("values can be bound only in the full form CONSTRUCT { template } WHERE { ... },"
                                     " not in CONSTRUCT WHERE { ... }")
        else:
            i += 1
    if found is None:
        raise InputError(f"values can be bound only in a query with a WHERE {{ ... }} group"
                         f"{'; this DESCRIBE has none' if form == 'DESCRIBE' else ''}")
    return found, variables


def _check_values_read_back(text: str, expected: Mapping[str, Identifier]) -> None:
    """Parse ``text`` again and make sure it holds a VALUES block with exactly the ``expected`` terms."""
    try:
        try:
            algebra = prepared_query(text).algebra
        except Exception as exc:
            raise InputError(f"the query does not parse: {exc}") from exc
    except InputError as exc:
        raise InputError(f"cannot bind values into this query (a WHERE {{ SELECT ... }} needs another pair of"
                         f" braces around the sub-SELECT): {exc}") from exc
    except Exception as exc:  # rdflib's algebra raises plain Exceptions for semantic errors
        raise InputError(f"cannot bind values into this query: {exc}") from exc
    want = [{Variable(v): t for v, t in expected.items()}]
    stack: list = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "values" and node.res == want:
                return
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    raise InputError("the bound values did not read back intact from the query; this query cannot take bindings")


# --- connection, retries, HTTP ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Context:
    base: str
    kind: ServerKind
    credentials: tuple[str, str] | None
    timeout: float
    retries: int

    @property
    def query_url(self) -> str:
        if self.kind is ServerKind.VIRTUOSO:
            return f"{self.base}/sparql-auth" if self.credentials else f"{self.base}/sparql"
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/sparql-auth" if self.kind is ServerKind.VIRTUOSO else f"{self.base}/update"

    def store_url(self, graph_iri: str) -> str:
        path = "sparql-graph-crud-auth" if self.kind is ServerKind.VIRTUOSO else "store"
        return f"{self.base}/{path}?graph={urllib.parse.quote(graph_iri, safe='')}"


def _connect(endpoint: str, *, kind, user, password, timeout: float, retries: int) -> _Context:
    if retries < 1:
        raise InputError(f"retries must be at least 1 (it counts attempts), not {retries}")
    if timeout <= 0:
        raise InputError(f"timeout must be a positive number of seconds, not {timeout}")
    if (user is None) != (password is None):
        raise InputError("give both a user and a password, or neither")
    base = _base_url(endpoint)
    if kind is None:
        kind = _detect_kind(base, timeout=timeout, retries=retries)
    else:
        try:
            kind = ServerKind(kind)
        except ValueError:
            raise InputError(f"unknown server kind {kind!r}; use one of "
                             + ", ".join(k.value for k in ServerKind)) from None
    credentials = (user, password) if user is not None and kind is ServerKind.VIRTUOSO else None
    return _Context(base, kind, credentials, timeout, retries)


def _base_url(endpoint: str) -> str:
    """The server's base URL, from a base URL or a query URL.

    >>> _base_url("http://127.0.0.1:8890/sparql/")
    'http://127.0.0.1:8890'
    >>> _base_url("https://kg.example.org/oxigraph/query")
    'https://kg.example.org/oxigraph'
    """
    parts = urllib.parse.urlsplit(endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{endpoint!r} is not an http(s) URL; name the server, e.g. http://127.0.0.1:8890")
    if parts.query or parts.fragment:
        raise InputError(f"{endpoint!r}: give the server's base URL without ?query or #fragment")
    path = parts.path.rstrip("/")
    for suffix in ("/sparql-auth", "/sparql", "/query"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _detect_kind(base: str, *, timeout: float, retries: int) -> ServerKind:
    """Ask the server who it is: both answer ``GET /sparql?query=ASK{}`` with a telling ``Server`` header."""
    url = f"{base}/sparql?query=ASK%7B%7D"
    unknown = _Context(base, ServerKind.VIRTUOSO, None, timeout, retries)  # kind only matters for error hints

    def probe() -> str:
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return response.headers.get("Server", "")
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 and exc.code != 501:
                raise _status_error(unknown, url, exc.code, str(exc.reason), _read_error_body(exc)) from exc
            _read_error_body(exc)
            return exc.headers.get("Server", "")
        except (OSError, http.client.HTTPException) as exc:
            raise _transport_error(unknown, url, exc) from exc

    server = _retrying(unknown, "asking which SPARQL server this is", probe, kind_known=False)
    name = server.strip().lower()
    for kind in ServerKind:
        if name.startswith(kind.value):
            return kind
    raise EndpointError(f"{base} answers with Server: {server!r}, which is neither Virtuoso nor Oxigraph; pass"
                        " kind='virtuoso' or kind='oxigraph' if it follows one of their layouts", url=url)


class _Transient(Exception):
    """A failure worth another try.

    ``sent``: the server may have received, and acted on, the whole request. ``down``: the server looks
    unreachable, so the final error says how to start it.
    """

    def __init__(self, error: EndpointError, *, sent: bool, down: bool = True):
        super().__init__(str(error))
        self.error = error
        self.sent = sent
        self.down = down


def _retrying(ctx: _Context, what: str, attempt: Callable[[], _T], *, idempotent: bool = True,
              kind_known: bool = True) -> _T:
    """Run ``attempt`` up to ``ctx.retries`` times, waiting 0.5 s, 1 s, 2 s, ... between tries.

    A request that is not idempotent (the MOVE) is tried again only when the server cannot have acted on it.
    """
    delay = 0.5
    for number in range(1, ctx.retries + 1):
        try:
            return attempt()
        except _Transient as failure:
            last = failure
            if number == ctx.retries or (failure.sent and not idempotent):
                break
            time.sleep(delay)
            delay *= 2
    hint = ""
    if last.down:
        hint = ("; is the server running? Start it with `bash scripts/sparql-server.sh start "
                + (f"{ctx.kind.value}`" if kind_known else "virtuoso` (or oxigraph)"))
    raise EndpointError(f"{what} failed after {number} attempt(s): {last.error}{hint}",
                        url=last.error.url, status=last.error.status) from last.error


def _http(ctx: _Context, method: str, url: str, *, body: bytes | None = None,
          headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    """One HTTP exchange outside SPARQLWrapper (Graph Store and updates), with Digest auth sent up front."""
    all_headers = dict(headers or {})
    if ctx.credentials is not None:
        authorization = _digest_authorization(ctx, method, url)
        if authorization:
            all_headers["Authorization"] = authorization
    request = urllib.request.Request(url, data=body, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=ctx.timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        raise _status_error(ctx, url, exc.code, str(exc.reason), _read_error_body(exc)) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _transport_error(ctx, url, exc) from exc


def _digest_authorization(ctx: _Context, method: str, url: str) -> str | None:
    """An ``Authorization: Digest`` value for ``method url``, from a challenge fetched with a body-less GET.

    Virtuoso often breaks the connection when it sends its challenge after a large body, so the body must go
    out once, already authorised. Returns None when the URL asks for no authentication.
    """
    request = urllib.request.Request(url, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=ctx.timeout) as response:
            response.read()
            return None
    except urllib.error.HTTPError as exc:
        body = _read_error_body(exc)
        if exc.code != 401:
            if exc.code >= 500:
                raise _status_error(ctx, url, exc.code, str(exc.reason), body) from exc
            return None
        challenge = exc.headers.get("WWW-Authenticate", "")
    except (OSError, http.client.HTTPException) as exc:
        raise _transport_error(ctx, url, exc) from exc
    scheme, _, params_text = challenge.partition(" ")
    if scheme.lower() != "digest":
        raise EndpointError(f"{url} asks for {scheme or 'unknown'} authentication; only HTTP Digest is supported",
                            url=url, status=401)
    params = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params_text))
    algorithm = params.get("algorithm", "MD5")
    qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
    if algorithm.upper() != "MD5" or (qops and "auth" not in qops):
        raise EndpointError(f"{url} asks for Digest with algorithm {algorithm} and qop {qops}; only MD5 with"
                            " qop=auth is supported", url=url, status=401)
    user, password = ctx.credentials

    def md5(text: str) -> str:
        return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()

    parts = urllib.parse.urlsplit(url)
    uri = parts.path + (f"?{parts.query}" if parts.query else "")
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    ha1, ha2 = md5(f"{user}:{realm}:{password}"), md5(f"{method}:{uri}")
    fields = {"username": user, "realm": realm, "nonce": nonce, "uri": uri}
    if qops:
        cnonce, count = secrets.token_hex(8), "00000001"
        fields["response"] = md5(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}")
        fields["cnonce"] = cnonce
    else:
        fields["response"] = md5(f"{ha1}:{nonce}:{ha2}")
    if "opaque" in params:
        fields["opaque"] = params["opaque"]

    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    header = "Digest " + ", ".join(f"{key}={quoted(value)}" for key, value in fields.items()) + ", algorithm=MD5"
    return header + (f", qop=auth, nc={count}" if qops else "")


def _read_error_body(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except (OSError, http.client.HTTPException):
        return b""


def _snippet(body: bytes, lines: int = 4) -> str:
    """The first lines of a server's answer, on one line, for an error message."""
    text = body.decode("utf-8", "replace")
    if "<html" in text[:500].lower():
        text = re.sub(r"<[^>]+>", " ", text)
    kept = [line.strip() for line in text.splitlines() if line.strip()][:lines]
    return " / ".join(kept)[:500] or "(empty answer)"


_TIMEOUT_WORDS = re.compile(r"S1T00|S1TAT|timed? ?out|timeout", re.IGNORECASE)
_DEADLOCK = re.compile(r"\b40001\b|deadlock", re.IGNORECASE)


def _status_error(ctx: _Context, url: str, status: int, reason: str, body: bytes) -> Exception:
    """The exception for an HTTP error status: _Transient when the server is unavailable, else EndpointError."""
    said = _snippet(body)
    error = EndpointError(f"{url} answered {status} {reason}: {said}", url=url, status=status)
    if status in (502, 503, 504):  # the server, or a proxy in front of it, is not available right now
        return _Transient(error, sent=status != 503)
    if status == 500 and _DEADLOCK.search(said):  # rolled back; Virtuoso's advice is to run it again
        return _Transient(error, sent=False, down=False)
    if status >= 500 and _TIMEOUT_WORDS.search(said):
        return EndpointError(f"{url} stopped the request at its time limit ({status}: {said}); simplify the"
                             " query or raise the server's limit", url=url, status=status)
    if status >= 500 and "SR353" in said:  # Virtuoso's MaxSortedTopRows, a limit of its own below ResultSetMaxRows
        return EndpointError(
            f"{url} refused to sort that many rows ({status}: {said}): Virtuoso sorts at most MaxSortedTopRows rows"
            " (virtuoso.ini, [Parameters]; 10,000 by default) for an ORDER BY with LIMIT or OFFSET, so such pages"
            " end there; raise MaxSortedTopRows (SPARQL_SORTED_ROWS for scripts/sparql-server.sh), or drop the"
            " ORDER BY", url=url, status=status)
    if status >= 500:  # the server ran the request and failed: the same request would fail the same way
        return error
    if status == 401:
        who = f"user {ctx.credentials[0]!r}" if ctx.credentials else "no credentials"
        return EndpointError(f"{url} refused {who} (401 {reason}); give the right user and password"
                             f" ({USER_ENV} / {PASSWORD_ENV} for the CLI)", url=url, status=status)
    if status == 404:
        return EndpointError(f"{url} does not exist (404): is {ctx.base} a {ctx.kind.value} server? {said}",
                             url=url, status=status)
    return error


def _transport_error(ctx: _Context, url: str, exc: BaseException) -> Exception:
    """The exception for a network failure: _Transient when another try may succeed."""
    if isinstance(exc, urllib.error.URLError):  # raised while connecting or sending: the request never completed
        reason = exc.reason
        if isinstance(reason, socket.gaierror):
            return EndpointError(f"cannot resolve the host of {url}: {reason}", url=url)
        if isinstance(reason, ConnectionRefusedError):
            return _Transient(EndpointError(f"{url}: connection refused", url=url), sent=False)
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return _Transient(EndpointError(f"{url}: no connection within {ctx.timeout:g} s", url=url), sent=False)
        return _Transient(EndpointError(f"{url}: {reason}", url=url), sent=False)
    if isinstance(exc, (TimeoutError, socket.timeout)):  # sent, but no answer in time: the server may be busy on it
        return EndpointError(f"{url} sent no answer within {ctx.timeout:g} s; it may still be working on the"
                             " request: raise timeout= or simplify the query", url=url)
    # connection reset or closed after the request went out, or in the middle of the answer
    return _Transient(EndpointError(f"{url}: connection lost ({type(exc).__name__}: {exc})", url=url), sent=True)


def _check_iri(value: str, *, what: str) -> str:
    """``value`` if it is an absolute IRI that is safe between ``<`` and ``>``, else InputError."""
    if not isinstance(value, str) or not _IRI_TEXT.fullmatch(value):
        raise InputError(f"{what} {value!r} is not an absolute IRI (or holds a character IRIs may not contain:"
                         ' space, <, >, ", {, }, |, ^, ` or \\)')
    return str(value)
