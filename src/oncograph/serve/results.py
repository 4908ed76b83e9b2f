"""Query results in the formats of the SPARQL 1.1 Protocol, chosen by the Accept header or a ``format`` parameter.

SELECT and ASK answers go out as SPARQL Results JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE graphs as Turtle,
N-Triples, JSON-LD or RDF/XML. CSV, TSV and JSON come from ``oncograph.query.format_result`` (the same text the
``oncograph query`` command prints), XML from rdflib.
"""

from __future__ import annotations

import enum

from rdflib import Graph, Variable
from rdflib.query import Result

from ..errors import InputError
from .sandbox import Answer


class ResultFormat(str, enum.Enum):
    JSON = "json"
    XML = "xml"
    CSV = "csv"
    TSV = "tsv"
    TURTLE = "turtle"
    NTRIPLES = "nt"
    JSONLD = "json-ld"
    RDFXML = "rdf-xml"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]

    @property
    def for_graphs(self) -> bool:
        return self in GRAPH_FORMATS


MEDIA_TYPES = {
    ResultFormat.JSON: "application/sparql-results+json",
    ResultFormat.XML: "application/sparql-results+xml",
    ResultFormat.CSV: "text/csv",
    ResultFormat.TSV: "text/tab-separated-values",
    ResultFormat.TURTLE: "text/turtle",
    ResultFormat.NTRIPLES: "application/n-triples",
    ResultFormat.JSONLD: "application/ld+json",
    ResultFormat.RDFXML: "application/rdf+xml",
}
TABLE_FORMATS = (ResultFormat.JSON, ResultFormat.XML, ResultFormat.CSV, ResultFormat.TSV)
GRAPH_FORMATS = (ResultFormat.TURTLE, ResultFormat.NTRIPLES, ResultFormat.JSONLD, ResultFormat.RDFXML)

#: Media types clients send, best first for each kind of answer (the first is the default).
_ACCEPTED_TABLE = [
    ("application/sparql-results+json", ResultFormat.JSON), ("application/sparql-results+xml", ResultFormat.XML),
    ("text/csv", ResultFormat.CSV), ("text/tab-separated-values", ResultFormat.TSV),
    ("application/json", ResultFormat.JSON), ("application/xml", ResultFormat.XML), ("text/xml", ResultFormat.XML),
]
_ACCEPTED_GRAPH = [
    ("text/turtle", ResultFormat.TURTLE), ("application/n-triples", ResultFormat.NTRIPLES),
    ("application/ld+json", ResultFormat.JSONLD), ("application/rdf+xml", ResultFormat.RDFXML),
    ("application/x-turtle", ResultFormat.TURTLE), ("text/n3", ResultFormat.TURTLE),
    ("text/plain", ResultFormat.NTRIPLES), ("application/json", ResultFormat.JSONLD),
    ("application/xml", ResultFormat.RDFXML), ("text/xml", ResultFormat.RDFXML),
]

#: Values of the ``format`` / ``output`` parameter (as SPARQLWrapper, YASGUI and Virtuoso send them).
_FORMAT_WORDS = {
    "json": (ResultFormat.JSON, ResultFormat.JSONLD), "xml": (ResultFormat.XML, ResultFormat.RDFXML),
    "csv": (ResultFormat.CSV, None), "tsv": (ResultFormat.TSV, None),
    "turtle": (None, ResultFormat.TURTLE), "ttl": (None, ResultFormat.TURTLE), "n3": (None, ResultFormat.TURTLE),
    "nt": (None, ResultFormat.NTRIPLES), "ntriples": (None, ResultFormat.NTRIPLES),
    "n-triples": (None, ResultFormat.NTRIPLES), "json-ld": (None, ResultFormat.JSONLD),
    "jsonld": (None, ResultFormat.JSONLD), "rdf+xml": (None, ResultFormat.RDFXML),
    "rdf-xml": (None, ResultFormat.RDFXML), "rdf": (None, ResultFormat.RDFXML),
}


class NotAcceptable(InputError):
    http_status = 406


def choose_format(form: str, *, accept, format_param: str | None = None) -> ResultFormat:
    """The format to answer a ``form`` query in, from a ``format`` parameter or else the Accept header.

    ``accept`` is a werkzeug MIMEAccept. No Accept header gets JSON (or Turtle for graphs); an Accept header that
    allows none of the formats raises NotAcceptable naming what is on offer.
    """
    graph = form in ("CONSTRUCT", "DESCRIBE")
    table = _ACCEPTED_GRAPH if graph else _ACCEPTED_TABLE
    if format_param:
        word = format_param.strip().lower()
        for media, fmt in table:  # a media type given as the parameter
            if word == media:
                return fmt
        pair = _FORMAT_WORDS.get(word)
        fmt = pair[1 if graph else 0] if pair else None
        if fmt is None:
            offered = ", ".join(f.value for f in (GRAPH_FORMATS if graph else TABLE_FORMATS))
            raise NotAcceptable(f"format {format_param!r} does not fit a {form} query; use one of {offered}")
        return fmt
    if not accept:  # no Accept header: the first format is the default
        return table[0][1]
    best = accept.best_match([media for media, _ in table])  # wildcards (*/*, text/*) count
    if best is None:
        offered = ", ".join(media for media, _ in table[:4])
        raise NotAcceptable(f"none of the requested media types is available for a {form} query; "
                            f"this endpoint answers in {offered}")
    return dict(table)[best]


def serialize(answer: Answer, fmt: ResultFormat) -> bytes:
    """The answer in ``fmt`` (which must fit its form: a table format for SELECT / ASK, a graph format otherwise)."""
    from ..query import QueryForm, QueryResult, format_result

    if answer.form in ("CONSTRUCT", "DESCRIBE"):
        graph = answer_graph(answer)
        if fmt is ResultFormat.RDFXML:
            return graph.serialize(format="xml", encoding="utf-8")
        from ..export import Format, serialize_graph

        return serialize_graph(graph, {ResultFormat.TURTLE: Format.TURTLE, ResultFormat.NTRIPLES: Format.NTRIPLES,
                                       ResultFormat.JSONLD: Format.JSONLD}[fmt])
    if fmt is ResultFormat.XML:
        return _rdflib_result(answer).serialize(format="xml", encoding="utf-8")
    result = QueryResult(QueryForm(answer.form), columns=list(answer.vars), rows=list(answer.rows),
                         boolean=answer.boolean)
    return format_result(result, fmt.value).encode("utf-8")


def answer_graph(answer: Answer) -> Graph:
    from ..namespaces import bind_prefixes

    graph = bind_prefixes(Graph())
    for t in answer.triples:
        graph.add(t)
    return graph


def _rdflib_result(answer: Answer) -> Result:
    result = Result(answer.form)
    if answer.form == "ASK":
        result.askAnswer = bool(answer.boolean)
        return result
    result.vars = [Variable(v) for v in answer.vars]
    result.bindings = [{Variable(v): t for v, t in zip(answer.vars, row, strict=True) if t is not None}
                       for row in answer.rows]
    return result
