"""Run untrusted SPARQL where it cannot do harm: read-only, inside the graph, with a time limit and a row cap.

Every query typed into the console or sent to ``/sparql`` is parsed and its algebra inspected before it runs:
SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...), SERVICE and FROM / FROM NAMED naming a graph outside the dataset
are refused with a message that says why. The check does not look at the query text, only at what rdflib parsed.

Queries then run in worker processes, because a thread evaluating SPARQL cannot be stopped: a worker that overruns
the time limit is killed and replaced, and the caller is told. Each worker also has no network (a Python audit hook
refuses sockets and subprocesses, rdflib's graph loading is off) and a memory ceiling. Results are cut at a row cap,
and the cut is reported in ``Answer.truncated``.

A worker evaluates with one of two engines (``Engine``): rdflib's, in pure Python, for small graphs such as the
curated data, or Oxigraph's for big ones (``auto`` picks by size, as ``oncograph.store.load_graph`` does). At a
million triples an rdflib worker took 36 s to start and 7.5 s to count the triples; an Oxigraph one 3 s and
0.2 s. Oxigraph would call a SERVICE itself, from Rust, where the audit hook cannot see: the inspection above refuses
every SERVICE before a query reaches either engine, and where the system allows it (root, or unprivileged user
namespaces) each worker also runs in a network namespace of its own, where no connection can leave.
"""

from __future__ import annotations

import enum
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset

from ..errors import InputError, OncographError
from .lru import LRU

__all__ = [
    "Answer", "Engine", "Limits", "QueryBusy", "QueryFailed", "QueryPool", "QueryRefused", "QuerySyntaxError",
    "QueryTimeout", "inspect_query",
]


# --- errors: each carries the HTTP status the explorer answers with -----------------------------------------------

class QuerySyntaxError(InputError):
    """The text is not a SPARQL query rdflib can parse."""

    http_status = 400


class QueryRefused(InputError):
    """The query would change data or reach outside the graph."""

    http_status = 403


class QueryTimeout(OncographError):
    """The query ran past the time limit and was stopped."""

    http_status = 503


class QueryBusy(OncographError):
    """Every query worker stayed busy for longer than the time limit."""

    http_status = 503


class QueryFailed(OncographError):
    """The query could not be evaluated (an engine error, or the worker ran out of memory)."""

    http_status = 500


_ERRORS = {cls.__name__: cls for cls in (QuerySyntaxError, QueryRefused, QueryTimeout, QueryBusy, QueryFailed,
                                         InputError)}


@dataclass(frozen=True)
class Limits:
    """What one query may use. ``max_rows`` caps result rows (or triples, for CONSTRUCT and DESCRIBE)."""

    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_query_chars: int = 100_000
    memory_mb: int = 2048


DEFAULT_LIMITS = Limits()


class Engine(str, enum.Enum):
    """Which SPARQL engine the workers evaluate with."""

    AUTO = "auto"  # Oxigraph above OXIGRAPH_ABOVE_TRIPLES, else rdflib
    RDFLIB = "rdflib"
    OXIGRAPH = "oxigraph"


#: ``Engine.AUTO`` uses Oxigraph for graphs with more triples than this (about the 2 MB of ``store.OXIGRAPH_ABOVE``).
OXIGRAPH_ABOVE_TRIPLES = 20_000


@dataclass
class Answer:
    """A query's result as plain data that crosses process boundaries: rdflib terms, no live objects.

    ``form`` is SELECT, ASK, CONSTRUCT or DESCRIBE; ``truncated`` says the result had more rows than the cap.
    """

    form: str
    vars: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple] = field(default_factory=list)
    truncated: bool = False
    max_rows: int = 0
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.triples) if self.form in ("CONSTRUCT", "DESCRIBE") else len(self.rows)


# --- inspection ----------------------------------------------------------------------------------------------------

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}

_UPDATE_NAMES = {
    "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE", "Copy": "COPY",
    "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE", "Modify": "DELETE/INSERT",
}


def inspect_query(text: str, *, known_graphs: frozenset[str] = frozenset(), max_chars: int = 100_000):
    """Parse ``text`` and check it is a read-only query over this dataset; return ``(prepared query, form)``.

    Raises QuerySyntaxError for text that does not parse and QueryRefused for updates, SERVICE, and FROM / FROM
    NAMED naming a graph that is not one of ``known_graphs`` (rdflib would otherwise fetch it from the web).
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if not text or not text.strip():
        raise QuerySyntaxError("the query is empty; write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if len(text) > max_chars:
        raise QuerySyntaxError(f"the query is {len(text):,} characters long; the limit is {max_chars:,}")
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        try:
            update = parseUpdate(text)
        except ParseException:
            raise QuerySyntaxError(f"the query does not parse at line {exc.lineno}, column {exc.col}: "
                                   f"{exc.msg}") from None
        ops = sorted({_UPDATE_NAMES.get(getattr(r, "name", ""), getattr(r, "name", "update")) for r in update.request})
        raise QueryRefused(f"SPARQL Update ({', '.join(ops) or 'empty update'}) is refused: the explorer and its "
                           "endpoint are read-only; use the build (oncograph build) to change the graph") from None
    except RecursionError:
        raise QuerySyntaxError("the query is nested too deeply to parse") from None
    try:
        query = translateQuery(parsed)
    except Exception as exc:  # rdflib raises plain Exceptions for semantic errors (e.g. a bad GROUP BY)
        raise QuerySyntaxError(f"the query is not valid SPARQL: {exc}") from None
    for part in _walk(query.algebra):
        if part.name == "ServiceGraphPattern":
            raise QueryRefused(f"SERVICE <{part.term}> is refused: queries here run on this graph only and "
                               "never call other endpoints")
    for clause in query.algebra.datasetClause or ():  # attribute access: CompValue.get returns the key if absent
        iri = clause.default or clause.named
        if str(iri) not in known_graphs:
            word = "FROM NAMED" if clause.named else "FROM"
            raise QueryRefused(f"{word} <{iri}> is refused: it is not a graph of this dataset, and queries never "
                               "load data from elsewhere; use GRAPH ?g { ... } to see the named graphs there are")
    return query, _FORMS[query.algebra.name]


def _walk(node):
    """Every algebra node, including those inside expressions (FILTER EXISTS) and sub-queries."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, CompValue):
            yield x
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)):
            stack.extend(x)


# --- evaluation (runs inside a worker) -------------------------------------------------------------------------------

def _inspected(text: str, known: frozenset[str], limits: Limits, prepared: LRU | None):
    if prepared is None:
        return inspect_query(text, known_graphs=known, max_chars=limits.max_query_chars)
    # parsing costs more than evaluating most queries here: keep the parsed form of recent texts
    return prepared.get(text, lambda: inspect_query(text, known_graphs=known, max_chars=limits.max_query_chars))


def _evaluate(dataset: Dataset, text: str, known: frozenset[str], limits: Limits, prepared: LRU | None = None
              ) -> Answer:
    t0 = time.perf_counter()
    query, form = _inspected(text, known, limits, prepared)
    result = dataset.query(query)
    answer = _answer_from(form, result, limits.max_rows)
    answer.seconds = time.perf_counter() - t0
    return answer


def _evaluate_ox(store, text: str, known: frozenset[str], limits: Limits, prepared: LRU | None = None) -> Answer:
    """``_evaluate`` on a pyoxigraph Store: the same inspection first, then Oxigraph runs the text."""
    from ..store import converter

    t0 = time.perf_counter()
    query, form = _inspected(text, known, limits, prepared)
    try:
        result = store.query(text)  # the default graph is the merge of all graphs (see _load), or FROM's graphs
    except SyntaxError as exc:  # rdflib parsed it, Oxigraph does not (an rdflib extension)
        raise QuerySyntaxError(f"the query does not parse in Oxigraph, the engine of this big graph: {exc}") from None
    term = converter()
    answer = Answer(form=form, max_rows=limits.max_rows)
    if form == "ASK":
        answer.boolean = bool(result)
    elif form == "SELECT":
        answer.vars = [v.value for v in result.variables]
        for solution in result:  # lazy, as in _answer_from: Oxigraph evaluates while we read
            if len(answer.rows) == limits.max_rows:
                answer.truncated = True
                break
            answer.rows.append(tuple(map(term, solution)))
    else:
        triples = sorted({(term(t.subject), term(t.predicate), term(t.object)) for t in result},
                         key=lambda t: tuple(x.n3() for x in t))
        answer.truncated = len(triples) > limits.max_rows
        answer.triples = triples[:limits.max_rows]
    answer.seconds = time.perf_counter() - t0
    return answer


def _answer_from(form: str, result, max_rows: int) -> Answer:
    answer = Answer(form=form, max_rows=max_rows)
    if form == "ASK":
        answer.boolean = bool(result.askAnswer)
    elif form == "SELECT":
        answer.vars = [str(v) for v in result.vars]
        for row in result:  # lazy: a cross product stops at the cap instead of being built whole
            if len(answer.rows) == max_rows:
                answer.truncated = True
                break
            answer.rows.append(tuple(row))
    else:
        triples = sorted(result.graph, key=lambda t: tuple(x.n3() for x in t))
        answer.truncated = len(triples) > max_rows
        answer.triples = triples[:max_rows]
    return answer


def _bind(query, params: dict[str, str], bound: LRU) -> str:
    """A named query's text with ``params`` bound (``oncograph.query``); that parses the query twice, so it is done
    here, in a worker, rather than in the server's threads, and kept for the next time."""
    from ..query import bind_params, bind_values

    key = (query.name, query.text, tuple(sorted(params.items())))
    return bound.get(key, lambda: bind_values(query.text, bind_params(query, params)))


_DENIED_EVENTS = frozenset({
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.bind",
    "urllib.Request", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    "os.forkpty", "ctypes.dlopen",
})


def _deny_outside(event: str, args: Any) -> None:
    if event in _DENIED_EVENTS:
        raise PermissionError(f"{event} is not allowed while evaluating a query (queries stay inside the graph)")


def _lock_down(limits: Limits) -> None:
    """Cut the worker off from the outside world. Done in the worker process only, never in the server."""
    import rdflib.plugins.sparql

    # FROM is already limited to this dataset's graphs by inspect_query; this keeps rdflib from fetching anyway.
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    if limits.memory_mb:
        try:
            import resource

            # on top of what the loaded graph already takes: the limit is what one query may use
            ceiling = _address_space() + limits.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        except (ImportError, ValueError, OSError):  # not on this platform: the time limit still applies
            pass
    sys.addaudithook(_deny_outside)  # cannot be removed: the worker never reaches the network again


def _address_space() -> int:
    """Bytes of address space this process has now (Linux); 0 where /proc does not say."""
    import os

    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _worker_entry() -> None:
    """Entry point of a worker process (``python -c``): talk to the server over the socket named in argv."""
    import os
    from multiprocessing.connection import Connection

    isolated = _cut_network()  # first, while the process has one thread (a new user namespace needs that)
    conn = Connection(int(sys.argv[1]))
    os.dup2(2, 1)  # stray prints go to stderr, never into the server's pipe
    _serve_jobs(conn, isolated)


_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000


def _cut_network() -> bool:
    """Move this process into a network namespace of its own (Linux): no interface but a loopback that is down, so
    no connection leaves it, whatever code tries, Rust included. True if done; False where the system does not let
    it (not Linux; neither root nor unprivileged user namespaces), leaving the inspection and the audit hook.
    The socket to the server was opened before and keeps working."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return any(libc.unshare(flags) == 0 for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET))
    except (OSError, AttributeError):
        return False


class _SourceChanged(Exception):
    """The file a worker is to read is not the one the explorer read for its pages."""


def _load(source: tuple, engine: Engine):
    """The worker's copy of the graph and its named graphs; a file is checked against its stamp before and after
    it is read (a worker started later, to replace one, must not answer from a file rewritten meanwhile)."""
    if source[0] != "file":
        return _read(source, engine)
    _check_unchanged(source)
    loaded = _read(source, engine)
    _check_unchanged(source)
    return loaded


def _check_unchanged(source: tuple) -> None:
    from ..files import changed_since

    why = changed_since(source[1], source[2])
    if why:
        raise _SourceChanged(f"{source[1]} changed since the explorer read it ({why}): a query worker reading it "
                             "now would answer from other data than the pages show, so none was started; restart "
                             "`oncograph serve` to serve the file as it is now")


def _read(source: tuple, engine: Engine):
    """The worker's copy of the graph, from ``("nquads", bytes)`` or ``("file", path, stamp)``, and its named
    graphs."""
    if engine is Engine.OXIGRAPH:
        import pyoxigraph as ox

        from ..store import FORMATS

        store = ox.Store()
        if source[0] == "file":
            store.bulk_load(path=source[1], format=getattr(ox.RdfFormat, FORMATS[Path(source[1]).suffix.lower()][0]))
        elif source[1]:
            store.bulk_load(input=source[1], format=ox.RdfFormat.N_QUADS)
        known = frozenset(g.value for g in store.named_graphs())
        if known:
            # The default graph is the merge of all graphs, as in the rdflib workers' Dataset: copied in, because
            # Oxigraph's union option repeats a triple once per graph holding it (COUNT would count it twice).
            store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        return store, known
    dataset = Dataset(default_union=True)
    if source[0] == "file":
        from .loading import GRAPH_FILE_FORMATS

        dataset.parse(source[1], format=GRAPH_FILE_FORMATS[Path(source[1]).suffix.lower()])
    elif source[1]:
        dataset.parse(data=source[1], format="nquads")
    return dataset, frozenset(str(g.identifier) for g in dataset.graphs())


def _serve_jobs(conn, isolated: bool = False) -> None:
    """A worker's life: load the graph, lock down, then answer jobs until the pipe closes."""
    source, limits, engine = conn.recv()
    try:
        data, known = _load(source, engine)
    except _SourceChanged as exc:
        conn.send(("refused", str(exc)))
        return
    evaluate = _evaluate_ox if engine is Engine.OXIGRAPH else _evaluate
    from .. import query as _named_queries  # noqa: F401 - imported before the lock-down, used by "named" jobs

    evaluate(data, "ASK { ?s ?p ?o }", known, limits)  # warm up the parser before the lock-down
    _lock_down(limits)
    prepared, bound = LRU(256), LRU(256)
    conn.send(("ready", known, isolated))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if job[0] == "sparql":
                reply = ("ok", evaluate(data, job[1], known, limits, prepared))
            elif job[0] == "inspect":
                reply = ("ok", inspect_query(job[1], known_graphs=known, max_chars=limits.max_query_chars)[1])
            elif job[0] == "named":
                text = _bind(job[1], job[2], bound)
                reply = ("ok", (evaluate(data, text, known, limits, prepared), text))
            elif job[0] == "bind":
                text = _bind(job[1], job[2], bound)
                reply = ("ok", (text, inspect_query(text, known_graphs=known, max_chars=limits.max_query_chars)[1]))
            else:
                reply = ("error", "QueryFailed", f"unknown job {job[0]!r}")
        except OncographError as exc:
            kind = type(exc).__name__ if type(exc).__name__ in _ERRORS else (
                "InputError" if isinstance(exc, InputError) else "QueryFailed")
            reply = ("error", kind, str(exc))
        except MemoryError:
            reply = ("error", "QueryFailed", f"the query needed more than the {limits.memory_mb} MB of memory a "
                                             "query may use; narrow it down or add LIMIT")
        except RecursionError:
            reply = ("error", "QueryFailed", "the query is nested too deeply to evaluate")
        except Exception as exc:  # an engine error in rdflib: report it, keep the worker
            reply = ("error", "QueryFailed", f"the query failed in the engine: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("error", "QueryFailed", "the result is too large to send back; add LIMIT"))


# --- the pool (runs in the server) -----------------------------------------------------------------------------------

class _Worker:
    """One worker process, started with ``python -c`` (not multiprocessing's spawn, which re-runs the caller's
    ``__main__`` and so breaks scripts without a main guard), talking over a socket pair."""

    def __init__(self, source: tuple, limits: Limits, engine: Engine):
        import socket
        import subprocess
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from oncograph.serve.sandbox import _worker_entry; _worker_entry()",
             str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.conn.send((source, limits, engine))

    def wait_ready(self, timeout: float) -> tuple[frozenset[str], bool] | None:
        """Once the worker is ready: the names of the graphs it loaded, and whether it has a network namespace of its
        own; None if it did not start in time. QueryFailed if it refused to start (its file changed)."""
        try:
            if not self.conn.poll(timeout):
                return None
            reply = self.conn.recv()
        except (EOFError, OSError):
            return None
        if isinstance(reply, tuple) and len(reply) == 2 and reply[0] == "refused":
            raise QueryFailed(reply[1])
        return reply[1:] if isinstance(reply, tuple) and len(reply) == 3 and reply[0] == "ready" else None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except Exception:  # noqa: BLE001 - a zombie is reaped by the OS when the server exits
            pass
        self.conn.close()


class QueryPool:
    """A few worker processes holding a copy of the dataset; ``run`` hands a job to an idle one.

    The copy comes from ``dataset`` (sent to each worker as N-Quads) or from ``source_file``, an RDF file each worker
    reads itself (so a big file is parsed in parallel and never goes through a pipe; a worker started later, to
    replace one, reads it again). ``engine`` picks the SPARQL engine (see ``Engine``).

    A job that outlives the time limit gets its worker killed (a replacement starts in the background) and raises
    QueryTimeout. With neither ``dataset`` nor ``source_file`` the workers only inspect queries (for a remote
    endpoint).
    """

    #: How much longer than the time limit a query may wait for a free worker (a replacement starts in ~2 s).
    RESPAWN_ALLOWANCE_S = 30.0

    def __init__(self, dataset: Dataset | None, *, source_file=None, source_stamp: tuple[int, int] | None = None,
                 engine: Engine | str = Engine.AUTO, limits: Limits = DEFAULT_LIMITS, size: int = 2,
                 start_timeout_s: float = 120.0):
        from ..export import Format, serialize_dataset

        try:
            engine = Engine(engine)
        except ValueError:
            raise InputError(f"engine {engine!r}: use one of {', '.join(e.value for e in Engine)}") from None
        if dataset is not None and source_file is not None:
            raise InputError("give the query pool a dataset or a source file, not both")
        self.limits = limits
        self.size = max(1, size)
        if source_file is not None:
            from ..files import stamp
            from ..store import OXIGRAPH_ABOVE

            path = Path(source_file).resolve()
            if engine is Engine.AUTO:
                engine = Engine.OXIGRAPH if path.stat().st_size > OXIGRAPH_ABOVE else Engine.RDFLIB
            self._source: tuple = ("file", str(path), source_stamp or stamp(path))
        else:
            if engine is Engine.AUTO:
                quads = sum(len(g) for g in dataset.graphs()) if dataset is not None else 0
                engine = Engine.OXIGRAPH if quads > OXIGRAPH_ABOVE_TRIPLES else Engine.RDFLIB
            self._source = ("nquads", serialize_dataset(dataset, Format.NQUADS) if dataset is not None else b"")
        self.engine = engine
        #: the graphs FROM may name: the workers say which they loaded, once started
        self.known_graphs: frozenset[str] = frozenset()
        #: whether the workers run in a network namespace of their own (see _cut_network), once started
        self.network_isolated = False
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._pending: list[_Worker] = []  # launched, not yet waited for
        self._lock = threading.Lock()
        self._closed = False
        self._start_timeout_s = start_timeout_s
        self.killed = 0  # workers stopped for overrunning the limit (for tests and the status line)
        #: why a replacement worker could not start ("" while none failed): its file changed, or it did not come up
        self.broken = ""

    def start(self) -> QueryPool:
        """Start the workers and wait until each has its copy of the graph."""
        return self.launch().wait_started()

    def launch(self) -> QueryPool:
        """Start the workers without waiting: they read the graph while the caller does other work."""
        self._pending = [self._spawn() for _ in range(self.size)]
        return self

    def wait_started(self) -> QueryPool:
        """Wait for the workers :meth:`launch` started (QueryFailed if one does not come up)."""
        pending, self._pending = self._pending, []
        for w in pending:
            self._make_idle(w)
        return self

    def _spawn(self) -> _Worker:
        w = _Worker(self._source, self.limits, self.engine)
        with self._lock:
            self._all.add(w)
        return w

    def _make_idle(self, w: _Worker) -> None:
        try:
            ready = w.wait_ready(self._start_timeout_s)
        except QueryFailed:
            self._discard(w)
            raise
        if ready is None:
            self._discard(w)
            raise QueryFailed("a query worker failed to start; run the server again and see the log")
        self.known_graphs, self.network_isolated = ready
        self._idle.put(w)

    def _discard(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.stop()

    def _replace(self, w: _Worker) -> None:
        self._discard(w)
        if self._closed:
            return

        def respawn():
            try:
                self._make_idle(self._spawn())
            except QueryFailed as exc:
                self.broken = str(exc)  # said to the next queries instead of waiting for a worker that won't come

        threading.Thread(target=respawn, name="oncograph-query-respawn", daemon=True).start()

    def sparql(self, text: str) -> Answer:
        """Inspect and evaluate ``text`` under the limits."""
        if len(text) > self.limits.max_query_chars:  # do not even ship it to a worker
            raise QuerySyntaxError(f"the query is {len(text):,} characters long; the limit is "
                                   f"{self.limits.max_query_chars:,}")
        return self._run(("sparql", text))

    def inspect(self, text: str) -> str:
        """Check ``text`` is an allowed query and return its form, without running it."""
        return self._run(("inspect", text))

    def named(self, query, params: dict[str, str]) -> tuple[Answer, str]:
        """Bind ``params`` into a named query (an ``oncograph.query.NamedQuery``) and run it under the limits;
        returns the answer and the SPARQL that ran."""
        return self._run(("named", query, params))

    def bind(self, query, params: dict[str, str]) -> tuple[str, str]:
        """Bind ``params`` into a named query and check the result; returns its text and form (for an endpoint)."""
        return self._run(("bind", query, params))

    def _run(self, job: tuple):
        limit = self.limits.timeout_s
        wait = limit + self.RESPAWN_ALLOWANCE_S  # a worker killed for overrunning takes a moment to come back
        if self.broken and not self._all:
            raise QueryFailed(self.broken)
        try:
            w = self._idle.get(timeout=wait)
        except queue.Empty:
            if self.broken and not self._all:
                raise QueryFailed(self.broken) from None
            raise QueryBusy(f"all {self.size} query workers stayed busy for {wait:g} s; try again shortly") from None
        try:
            w.conn.send(job)
            if not w.conn.poll(limit):
                self.killed += 1
                self._replace(w)
                raise QueryTimeout(f"the query was stopped after the time limit of {limit:g} s; narrow it down "
                                   "(fewer unbound triple patterns, a LIMIT) and try again")
            reply = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(w)
            raise QueryFailed(f"the query worker stopped while running the query (it may have used more than "
                              f"{self.limits.memory_mb} MB of memory); narrow the query down") from None
        self._idle.put(w)
        if reply[0] == "ok":
            return reply[1]
        raise _ERRORS.get(reply[1], QueryFailed)(reply[2])

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.close()
            finally:
                w.stop()

    def __enter__(self) -> QueryPool:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
