"""Query: the named SPARQL library in ``queries/``, run on the embedded graph or on a SPARQL 1.1 server.

Each ``queries/NAME.rq`` answers one question. It starts with a header of ``#`` comment lines, one field a line::

    # title: Organisations of a kind
    # question: Which organisations are of kind ?kind (including narrower kinds)?
    #   A line starting "#" and two or more spaces continues the field above.
    # param: kind  iri  default=kind:patient-organisation  A concept from the kinds scheme.
    # column: org  the organisation
    # column: name  its preferred name
    # note: free text for maintainers (optional, any number)

``param`` is ``NAME TYPE [default=VALUE] DESCRIPTION``: TYPE is one of ParamType; VALUE is one word, or a
JSON-quoted string when it holds spaces. A parameter without a default must be given. ``column`` lines name the
SELECT columns in order (ASK and CONSTRUCT queries have none). The header ends at the first line not starting
with ``#``.

Parameters are bound as RDF terms through a ``VALUES`` block placed at the start of the query's outer ``WHERE``
group (``oncograph.endpoint.bind_values``), never pasted into the query text as syntax: a value can only ever be
one term. The same bound text runs on rdflib and on the servers, so they answer the same query. Parameters are
visible in the outer WHERE group (and in its OPTIONAL / UNION / EXISTS parts), not inside sub-SELECTs.

Rules for portable queries (each learnt on Virtuoso 7.2, and checked by tests/test_query_servers.py):
- ORDER BY ``STR(?x)`` rather than ``?x`` for IRIs and strings (Virtuoso orders long strings by an internal key),
  ``COALESCE(STR(?x), "")`` for a variable that may be unbound (rdflib cannot sort unbound values), and list every
  output column so the order is total.
- Do not let a parameter be the start of a transitive path (``?param p+ ?x``) unless a plain triple pattern
  binds it first: Virtuoso then ignores the VALUES binding and answers for every start.
- Restrict a predicate variable used inside UNION branches with ``FILTER (?p IN (...))``, not with an inline
  ``VALUES ?p {...}`` outside the UNION: Virtuoso drops that join.
- No IRI-valued ``IF`` / ``COALESCE`` (Virtuoso returns a string); no boolean result columns (it returns 1 / 0).
- Compare dates through the ``xsd:date`` bounds ``onco:periodStart`` / ``onco:periodEnd``.

And one for speed, learnt on Oxigraph at a million triples: restrict a variable with ``FILTER (?x IN (...))``
rather than a ``VALUES`` list of constants where the query starts from a bound parameter. Oxigraph may join the
list first and walk every match of it in the graph (``organisation-relationships-as-of`` took 0.15 s that way,
0.006 s with the filter).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import enum
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from . import paths
from .endpoint import bind_values
from .errors import InputError, Location
from .namespaces import PREFIXES

__all__ = [
    "ParamType", "Param", "Column", "NamedQuery", "QueryForm", "QueryResult", "Format",
    "list_queries", "load_query", "parse_query_file", "bind_params", "bind_values", "check_syntax",
    "run_query", "run_sparql", "format_result", "default_format", "default_graph", "prefixed_name", "describe_query",
    "DEFAULT_GRAPH_IRI",
]


class ParamType(str, enum.Enum):
    """How a parameter value given as text becomes an RDF term."""

    IRI = "iri"  # a full IRI, <IRI>, or a prefixed name with one of oncograph's prefixes (orgs:esmo)
    STRING = "string"  # a plain xsd:string literal
    DATE = "date"  # YYYY-MM-DD, bound as xsd:date (compare it with onco:periodStart / onco:periodEnd)
    YEAR = "year"  # YYYY, bound as xsd:integer (compare it with YEAR(?someDate))
    INTEGER = "integer"  # a whole number, bound as xsd:integer

    @property
    def example(self) -> str:
        return {"iri": "orgs:esmo", "string": "cancer", "date": "2024-02-05", "year": "2013", "integer": "3"}[self.value]


class QueryForm(str, enum.Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


class Format(str, enum.Enum):
    """Output formats: the first four for SELECT and ASK results, the last three for CONSTRUCT / DESCRIBE graphs."""

    TABLE = "table"  # aligned text for people; IRIs as prefixed names
    CSV = "csv"  # SPARQL 1.1 Query Results CSV (plain values)
    TSV = "tsv"  # SPARQL 1.1 Query Results TSV (RDF terms in N-Triples syntax)
    JSON = "json"  # SPARQL 1.1 Query Results JSON
    TURTLE = "turtle"
    JSONLD = "json-ld"
    NTRIPLES = "nt"

    @property
    def for_graphs(self) -> bool:
        return self in (Format.TURTLE, Format.JSONLD, Format.NTRIPLES)


#: The named graph ``oncograph publish`` loads the built graph into, and ``--endpoint`` queries, unless told otherwise.
DEFAULT_GRAPH_IRI = "https://w3id.org/oncograph/id/graph/all"

TABLE_FORMATS = (Format.TABLE, Format.CSV, Format.TSV, Format.JSON)
GRAPH_FORMATS = (Format.TURTLE, Format.JSONLD, Format.NTRIPLES)


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    default: str | None
    description: str

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def example(self) -> str:
        return self.default if self.default is not None else self.type.example

    def usage(self) -> str:
        return f"--param {self.name}={self.example}"


@dataclass(frozen=True)
class Column:
    name: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """One query file of the library: its header, its SPARQL text (header included) and where it lives."""

    name: str
    title: str
    question: str
    params: tuple[Param, ...]
    columns: tuple[Column, ...]
    text: str
    path: Path
    form: QueryForm
    notes: tuple[str, ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass
class QueryResult:
    """What a query returned: rows of rdflib terms (None where unbound) for SELECT, a boolean for ASK, a graph for
    CONSTRUCT / DESCRIBE."""

    form: QueryForm
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def __len__(self) -> int:
        if self.graph is not None:
            return len(self.graph)
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def as_dicts(self) -> list[dict[str, Node | None]]:
        """Each row as {column: term}; unbound columns map to None."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def to_dataframe(self, *, terms: bool = False):
        """The rows as a pandas DataFrame: IRIs as strings, literals as Python values (numbers, dates), or the
        rdflib terms themselves with ``terms=True``. Needs pandas (``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError:
            raise InputError("to_dataframe() needs pandas, which is not installed; run: pip install pandas"
                             " (or use .rows / .as_dicts(), which need nothing else)") from None
        if self.form is not QueryForm.SELECT:
            raise InputError(f"to_dataframe() is for SELECT results; this is a {self.form.value} result")
        convert = (lambda t: t) if terms else _python_value
        return pd.DataFrame([[convert(v) for v in row] for row in self.rows], columns=list(self.columns))


def _python_value(term: Node | None):
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


# --- the library ----------------------------------------------------------------------------------------------

_FIELD = re.compile(r"^#\s?(?P<key>[a-z]+):\s*(?P<value>.*?)\s*$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*?)\s*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)"
    r"(?:\s+default=(?P<default>\"(?:[^\"\\]|\\.)*\"|\S+))?(?:\s+(?P<desc>\S.*))?$"
)
_COLUMN = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\s+(?P<desc>\S.*))?$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def queries_dir() -> Path:
    return paths.queries_dir()


def list_queries(directory: Path | str | None = None) -> list[NamedQuery]:
    """Every ``*.rq`` in ``directory`` (default: the project's ``queries/``), sorted by name."""
    folder = Path(directory) if directory else queries_dir()
    if not folder.is_dir():
        raise InputError(f"{folder}: no such query folder")
    return [parse_query_file(p) for p in sorted(folder.glob("*.rq"))]


def load_query(name: str, *, directory: Path | str | None = None) -> NamedQuery:
    """The named query ``name`` (the file name without ``.rq``); an unknown name lists the known ones."""
    folder = Path(directory) if directory else queries_dir()
    path = folder / f"{name}.rq"
    if _NAME.match(name) and path.is_file():
        return parse_query_file(path)
    known = sorted(p.stem for p in folder.glob("*.rq"))
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise InputError(f"no query named {name!r}; {hint}known queries: {', '.join(known)}"
                     " (oncograph query --list shows their questions)")


def parse_query_file(path: Path | str) -> NamedQuery:
    """Read one ``.rq`` file and its header; errors name the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the query file: {exc}") from None
    return _parse(text, path)


def _parse(text: str, path: Path) -> NamedQuery:
    def fail(line_no: int, msg: str):
        raise InputError(f"{Location(str(path), line_no)}: {msg}")

    fields: list[tuple[str, str, int]] = []  # (key, value, line)
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        if line.strip() == "#":
            continue
        m = _FIELD.match(line)
        if m:
            if m["key"] not in ("title", "question", "param", "column", "note"):
                fail(i, f"unknown header field {m['key']!r}; use title, question, param, column or note")
            fields.append((m["key"], m["value"], i))
            continue
        m = _CONTINUATION.match(line)
        if m and fields:
            key, value, at = fields[-1]
            fields[-1] = (key, f"{value} {m['value']}", at)
            continue
        fail(i, "a header line must be '# field: value' (title, question, param, column, note) or a continuation"
                " line '#   more text'")
    singles: dict[str, str] = {}
    params: list[Param] = []
    columns: list[Column] = []
    notes: list[str] = []
    for key, value, at in fields:
        if key in ("title", "question"):
            if key in singles:
                fail(at, f"the header has two '{key}' lines")
            if not value:
                fail(at, f"'{key}' is empty")
            singles[key] = value
        elif key == "param":
            params.append(_parse_param(value, lambda msg, at=at: fail(at, msg)))
        elif key == "column":
            m = _COLUMN.match(value)
            if not m:
                fail(at, f"a column line is '# column: NAME description', got {value!r}")
            columns.append(Column(m["name"], m["desc"] or ""))
        else:
            notes.append(value)
    for key in ("title", "question"):
        if key not in singles:
            fail(1, f"the header has no '# {key}:' line; every query states its {key}")
    seen = set()
    for p in params:
        if p.name in seen:
            fail(1, f"parameter {p.name!r} is declared twice")
        seen.add(p.name)
    body = _mask(text)
    for p in params:
        if not re.search(rf"[?$]{re.escape(p.name)}\b", body):
            fail(1, f"parameter {p.name!r} is declared but the query never uses ?{p.name}")
    form = _query_form(text)
    if form is None:
        fail(len(text.splitlines()), "no SELECT, ASK, CONSTRUCT or DESCRIBE found after the prefixes")
    if form is QueryForm.SELECT and not columns:
        fail(1, "a SELECT query needs '# column:' lines naming its result columns")
    if form is not QueryForm.SELECT and columns:
        fail(1, f"{form.value} queries return no columns; remove the '# column:' lines")
    return NamedQuery(name=path.stem, title=singles["title"], question=singles["question"], params=tuple(params),
                      columns=tuple(columns), text=text, path=path, form=form, notes=tuple(notes))


def _parse_param(value: str, fail) -> Param:
    m = _PARAM.match(value)
    if not m:
        fail(f"a param line is '# param: NAME TYPE [default=VALUE] description', got {value!r}")
    try:
        ptype = ParamType(m["type"])
    except ValueError:
        fail(f"parameter {m['name']!r} has unknown type {m['type']!r}; use one of "
             + ", ".join(t.value for t in ParamType))
    default = m["default"]
    if default is not None and default.startswith('"'):
        default = json.loads(default)
    param = Param(m["name"], ptype, default, m["desc"] or "")
    if default is not None:
        try:
            to_term(param, default)
        except InputError as exc:
            fail(f"the default of parameter {param.name!r} is not valid: {exc}")
    return param


# --- binding parameters -----------------------------------------------------------------------------------------

_IRI_CHARS = re.compile(r'^[^<>"{}|^`\\\x00-\x20]*$')
_ABSOLUTE_IRI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|urn:)\S+$")
_PREFIXED = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9_.-]*)?:(?P<local>.*)$")


def expand_iri(text: str) -> URIRef | None:
    """``orgs:esmo`` / ``<https://...>`` / ``https://...`` as a URIRef, or None if it is none of those."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif (m := _PREFIXED.match(text)) and m["prefix"] in PREFIXES and not text.startswith(f"{m['prefix']}://"):
        text = PREFIXES[m["prefix"]] + m["local"]
    if not _ABSOLUTE_IRI.match(text) or not _IRI_CHARS.match(text):
        return None
    return URIRef(text)


def to_term(param: Param, value: str) -> Node:
    """Turn the text given for ``param`` into its RDF term; InputError (naming the parameter) if it does not fit."""
    def bad(why: str):
        raise InputError(f"parameter {param.name!r} ({param.type.value}): {value!r} {why}; "
                         f"for example {param.usage()}")

    if not isinstance(value, str):
        bad("must be given as text")
    if param.type is ParamType.IRI:
        iri = expand_iri(value)
        if iri is None:
            bad("is not an IRI; give a full IRI (https://...) or a prefixed name with one of the prefixes "
                + ", ".join(f"{p}:" for p in sorted(PREFIXES)))
        return iri
    if param.type is ParamType.STRING:
        return Literal(value)
    if param.type is ParamType.DATE:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            bad("is not a date; write YYYY-MM-DD")
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            bad(f"is not a valid date ({exc})")
        return Literal(value.strip(), datatype=XSD.date)
    if param.type is ParamType.YEAR:
        if not re.fullmatch(r"\d{4}", value.strip()):
            bad("is not a year; write four digits, YYYY")
        return Literal(int(value), datatype=XSD.integer)
    if param.type is ParamType.INTEGER:
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            bad("is not a whole number")
        return Literal(int(value), datatype=XSD.integer)
    raise AssertionError(param.type)  # pragma: no cover - ParamType is closed


def bind_params(query: NamedQuery, params: Mapping[str, str] | None = None) -> dict[str, Node]:
    """Every parameter of ``query`` as an RDF term: given values (as text) over defaults.

    Unknown, missing and ill-typed parameters are InputErrors naming the parameter, its type and an example.
    """
    params = dict(params or {})
    for key in params:
        if query.param(key) is None:
            names = [p.name for p in query.params]
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            have = ("its parameters: " + ", ".join(f"{p.name} ({p.type.value})" for p in query.params)
                    + f", for example {query.params[0].usage()}" if query.params else "it takes no parameters")
            raise InputError(f"query {query.name!r} has no parameter {key!r}; {hint}{have}")
    bound: dict[str, Node] = {}
    for p in query.params:
        if p.name in params:
            bound[p.name] = to_term(p, params[p.name])
        elif p.default is not None:
            bound[p.name] = to_term(p, p.default)
        else:
            raise InputError(f"query {query.name!r} needs parameter {p.name!r} ({p.type.value}: {p.description or p.type.value});"
                             f" for example {p.usage()}")
    return bound


def sparql_term(term: Node) -> str:
    """One RDF term in SPARQL syntax, escaped so that it can only ever be read back as that same term.

    >>> sparql_term(Literal('x" } ; DROP ALL #'))
    '"x\\\\" } ; DROP ALL #"'
    """
    if isinstance(term, URIRef):
        if not _IRI_CHARS.match(str(term)):
            raise InputError(f"{str(term)!r} cannot be an IRI: it holds a character IRIs may not contain")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = (str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r").replace("\t", "\\t"))
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise InputError(f"{term.language!r} is not a language tag")
            return f'"{text}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{text}"^^{sparql_term(term.datatype)}'
        return f'"{text}"'
    raise InputError(f"cannot bind {term!r}: only IRIs and literals can be parameter values")


# --- reading query text -----------------------------------------------------------------------------------------

_MASKED = re.compile(r"#[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>")


def _mask(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out (same length, so positions stay valid)."""
    return _MASKED.sub(lambda m: " " * len(m.group(0)), text)


_FORM_WORD = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)


def _query_form(text: str) -> QueryForm | None:
    """The query form named by the first form keyword outside comments, strings and IRIs (cheap: no parse)."""
    m = _FORM_WORD.search(_mask(text))
    return QueryForm(m.group(1).upper()) if m else None


_ALGEBRA_FORMS = {"SelectQuery": QueryForm.SELECT, "AskQuery": QueryForm.ASK,
                  "ConstructQuery": QueryForm.CONSTRUCT, "DescribeQuery": QueryForm.DESCRIBE}


# --- checking and running ---------------------------------------------------------------------------------------

def check_syntax(text: str, *, source: str = "<query>"):
    """Parse ``text`` as a SPARQL 1.1 query; on error raise InputError with ``source:line:column``.

    Returns the prepared rdflib query (reused when running on the embedded graph).
    """
    from pyparsing import ParseException

    try:
        return _prepare(text)
    except ParseException as exc:
        if _looks_like_update(text):
            raise InputError(f"{source}: this is a SPARQL Update; oncograph only runs queries (SELECT, ASK,"
                             " CONSTRUCT, DESCRIBE); load data with `oncograph publish`") from None
        found = exc.line.strip()
        raise InputError(f"{source}:{exc.lineno}:{exc.col}: SPARQL syntax error: {exc.msg}"
                         + (f" near: {found[:80]}" if found else "")) from None
    except Exception as exc:  # rdflib raises bare Exceptions for e.g. undeclared prefixes
        message = str(exc) or type(exc).__name__
        m = re.match(r"Unknown namespace prefix : (\S+)", message)
        if m:
            loc = _position(text, re.compile(rf"(?<![\w:?$]){re.escape(m.group(1))}:"))
            raise InputError(f"{source}{loc}: SPARQL error: undeclared prefix {m.group(1)!r};"
                             f" add PREFIX {m.group(1)}: <...> at the top") from None
        raise InputError(f"{source}: SPARQL error: {message}") from exc


def _prepare(text: str):
    from .endpoint import prepared_query  # one cache for the checks here and the binding checks there

    return prepared_query(text)


def _looks_like_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def _position(text: str, pattern: re.Pattern) -> str:
    """':line:col' of the first match of ``pattern`` outside comments, strings and IRIs, or ''."""
    m = pattern.search(_mask(text))
    if not m:
        return ""
    line = text.count("\n", 0, m.start()) + 1
    col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return f":{line}:{col}"


@lru_cache(maxsize=1)
def _built_graph() -> Graph:
    from .buildcache import built_graph

    return built_graph()


def default_graph() -> Graph:
    """The graph built from ``data/``, built once per process (do not mutate it), and kept between processes in
    the build cache (:mod:`oncograph.buildcache`) while data and code are unchanged."""
    return _built_graph()


def run_query(
    name: str | NamedQuery,
    params: Mapping[str, str] | None = None,
    *,
    graph: Graph | None = None,
    endpoint: str | None = None,
    graph_iri: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> QueryResult:
    """Run a named query (a name from ``queries/`` or a NamedQuery) with ``params`` given as text.

    Locally on ``graph`` (default: the graph built from data/), or on the SPARQL ``endpoint`` (its base URL) in
    the named graph ``graph_iri`` (default: DEFAULT_GRAPH_IRI, where ``oncograph publish`` puts the graph).
    """
    query = name if isinstance(name, NamedQuery) else load_query(name)
    prepared = check_syntax(query.text, source=str(query.path))
    if query.form is QueryForm.SELECT:
        projected = [str(v) for v in prepared.algebra.PV]
        declared = [c.name for c in query.columns]
        if projected != declared:
            raise InputError(f"{query.path}: the header's columns ({', '.join(declared)}) are not the columns the"
                             f" query selects ({', '.join(projected)}); make the '# column:' lines match")
    text = bind_values(query.text, bind_params(query, params))
    return run_sparql(text, graph=graph, endpoint=endpoint, graph_iri=graph_iri, user=user, password=password,
                      source=str(query.path))


def run_sparql(
    text: str,
    *,
    graph: Graph | None = None,
    endpoint: str | None = None,
    graph_iri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    source: str = "<query>",
) -> QueryResult:
    """Run SPARQL 1.1 query text (SELECT, ASK, CONSTRUCT or DESCRIBE) on a graph or an endpoint.

    The text is checked locally first either way, so a syntax error always reports line and column. On an
    endpoint, the query sees only the named graph ``graph_iri`` (default: DEFAULT_GRAPH_IRI).
    """
    if graph is not None and endpoint is not None:
        raise InputError("give either a graph or an endpoint, not both")
    prepared = check_syntax(text, source=source)
    form = _ALGEBRA_FORMS[prepared.algebra.name]
    if endpoint is not None:
        return _run_remote(text, form, endpoint=endpoint, graph_iri=graph_iri, user=user, password=password)
    target = graph if graph is not None else default_graph()
    from .store import oxigraph_of, select_rows

    if form is QueryForm.SELECT:
        found = select_rows(target, text)
        if found is not None:
            return QueryResult(form, columns=found[0], rows=found[1])
    # A graph held in Oxigraph answers the text in Oxigraph itself; handed rdflib's prepared algebra, oxrdflib falls
    # back to rdflib's evaluator over the store (14 s instead of 0.02 s for one query at 10k triples).
    result = target.query(text if oxigraph_of(target) is not None else prepared)
    if form is QueryForm.ASK:
        return QueryResult(form, boolean=bool(result.askAnswer))
    if form.returns_graph:
        return QueryResult(form, graph=_with_prefixes(result.graph))
    columns = [str(v) for v in result.vars]
    return QueryResult(form, columns=columns, rows=[tuple(row) for row in result])


def _run_remote(text: str, form: QueryForm, *, endpoint: str, graph_iri, user, password) -> QueryResult:
    from .endpoint import query_endpoint

    answer = query_endpoint(endpoint, text, graph=graph_iri or DEFAULT_GRAPH_IRI, user=user, password=password)
    if form is QueryForm.ASK:
        return QueryResult(form, boolean=bool(answer))
    if form.returns_graph:
        return QueryResult(form, graph=_with_prefixes(answer))
    columns, rows = answer
    return QueryResult(form, columns=[str(c) for c in columns], rows=[tuple(r) for r in rows])


def _with_prefixes(graph: Graph) -> Graph:
    from .namespaces import bind_prefixes

    out = bind_prefixes(Graph())
    for t in graph:
        out.add(t)
    return out


def describe_query(query: NamedQuery) -> str:
    """A named query explained for people: question, parameters (type, default), result columns, then its SPARQL."""
    lines = [f"{query.name}: {query.title}", "", query.question, ""]
    for note in query.notes:
        lines += [note, ""]
    if query.params:
        lines.append("parameters (--param NAME=VALUE):")
        width = max(len(p.name) for p in query.params)
        for p in query.params:
            default = f"default {p.default}" if p.default is not None else "required"
            lines.append(f"  {p.name:<{width}}  {p.type.value:<7}  {default}. {p.description}".rstrip())
        lines.append("")
    if query.columns:
        lines.append("columns:")
        width = max(len(c.name) for c in query.columns)
        lines += [f"  {c.name:<{width}}  {c.description}".rstrip() for c in query.columns]
        lines.append("")
    else:
        lines += [f"returns: {'a graph' if query.form.returns_graph else 'true or false'} ({query.form.value})", ""]
    lines.append(f"# {query.path}")
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#")).strip("\n")
    return "\n".join(lines) + "\n" + body + "\n"


# --- formatting -------------------------------------------------------------------------------------------------

def prefixed_name(iri: str) -> str:
    """``orgs:esmo`` for an IRI under one of oncograph's prefixes (the longest match), else ``<iri>``."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns) and len(iri) > len(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in sorted(PREFIXES.items()) if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def default_format(result: QueryResult) -> Format:
    """Turtle for a graph result, a table otherwise."""
    return Format.TURTLE if result.form.returns_graph else Format.TABLE


def format_result(result: QueryResult, fmt: Format | str | None = None, *, max_width: int = 80) -> str:
    """Render a result as text in ``fmt`` (default: default_format): a table format (table, csv, tsv, json) for
    SELECT / ASK, a graph format (turtle, json-ld, nt) for CONSTRUCT / DESCRIBE. ``max_width`` cuts long table cells."""
    if fmt is None:
        fmt = default_format(result)
    try:
        fmt = Format(fmt)
    except ValueError:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(f.value for f in Format)}") from None
    if result.form.returns_graph:
        if not fmt.for_graphs:
            raise InputError(f"a {result.form.value} result is a graph; format it as "
                             + ", ".join(f.value for f in GRAPH_FORMATS) + f", not {fmt.value}")
        from .export import Format as ExportFormat, serialize_graph

        export_fmt = {Format.TURTLE: ExportFormat.TURTLE, Format.JSONLD: ExportFormat.JSONLD,
                      Format.NTRIPLES: ExportFormat.NTRIPLES}[fmt]
        return serialize_graph(result.graph, export_fmt).decode("utf-8")
    if fmt.for_graphs:
        raise InputError(f"{fmt.value} is for CONSTRUCT / DESCRIBE results; a {result.form.value} result formats"
                         " as " + ", ".join(f.value for f in TABLE_FORMATS))
    if result.form is QueryForm.ASK:
        return _format_boolean(result.boolean, fmt)
    return {Format.TABLE: _table, Format.CSV: _csv, Format.TSV: _tsv, Format.JSON: _json}[fmt](result, max_width)


def _format_boolean(value: bool | None, fmt: Format) -> str:
    if fmt is Format.JSON:
        return json.dumps({"head": {}, "boolean": bool(value)}, indent=1) + "\n"
    return ("true" if value else "false") + "\n"


def _cell(term: Node | None, max_width: int) -> str:
    if term is None:
        return ""
    text = prefixed_name(str(term)) if isinstance(term, URIRef) else (
        f"_:{term}" if isinstance(term, BNode) else " ".join(str(term).split()))
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def _table(result: QueryResult, max_width: int) -> str:
    cells = [[_cell(v, max_width) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    n = len(result.rows)
    lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"


def _csv(result: QueryResult, _max_width: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # SPARQL 1.1 CSV results: CRLF line ends
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if v is None else (f"_:{v}" if isinstance(v, BNode) else str(v)) for v in row])
    return out.getvalue()


def _nt(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return sparql_term(term)


def _tsv(result: QueryResult, _max_width: int) -> str:
    lines = ["\t".join(f"?{c}" for c in result.columns)]
    lines += ["\t".join(_nt(v) for v in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _json(result: QueryResult, _max_width: int) -> str:
    doc = {
        "head": {"vars": list(result.columns)},
        "results": {"bindings": [{c: _json_term(v) for c, v in zip(result.columns, row) if v is not None}
                                 for row in result.rows]},
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
