"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint over the served graph.

Queries come as ``GET ?query=``, ``POST`` of a form with ``query=``, or ``POST`` of the query itself as
``application/sparql-query``. Answers are negotiated (Accept header, or a ``format`` / ``output`` parameter as
SPARQLWrapper and YASGUI send). Errors are plain text with a status that says what happened:

=====  ==========================================================================================
400    the query does not parse, or the request is malformed (two queries, dataset parameters)
403    refused: SPARQL Update, LOAD, SERVICE, FROM a graph outside this dataset
406    no acceptable format for this kind of answer
415    a POST body that is neither a form nor application/sparql-query
422    the answer has more rows than the row cap (never cut silently: add LIMIT / OFFSET)
503    the query ran past the time limit and was stopped, or every worker is busy (Retry-After)
=====  ==========================================================================================

Cross-origin requests are allowed (``Access-Control-Allow-Origin: *``), so browser clients such as YASGUI served
from elsewhere can query it; it is read-only and holds public data.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ..errors import InputError, OncographError
from .results import choose_format, serialize
from .sandbox import QueryBusy, QueryRefused, QueryTimeout

endpoint = Blueprint("protocol", __name__)

CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600"}


class ProtocolError(InputError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.http_status = status


def _plain(message: str, status: int, **headers) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain", headers={**CORS, **headers})


def _read_query() -> str | None:
    """The query text of a protocol request, or None when none was sent (a GET of the endpoint's page)."""
    if request.method == "POST":
        ctype = (request.mimetype or "").lower()
        if ctype == "application/sparql-update" or (ctype == "application/x-www-form-urlencoded"
                                                     and "update" in request.form):
            raise QueryRefused("SPARQL Update is refused: this endpoint is read-only")
        if ctype == "application/sparql-query":
            _no_dataset_params(request.args)
            return request.get_data(as_text=True)
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            _no_dataset_params(request.form)
            queries = request.form.getlist("query")
            if len(queries) != 1:
                raise ProtocolError("send exactly one query parameter" if queries else
                                    "the form has no query parameter; send query=SELECT ...")
            return queries[0]
        raise ProtocolError(f"POST a form (application/x-www-form-urlencoded) with query=..., or the query itself "
                            f"as application/sparql-query; not {ctype or 'a body without a Content-Type'}", 415)
    if "update" in request.args:
        raise QueryRefused("SPARQL Update is refused: this endpoint is read-only")
    queries = request.args.getlist("query")
    if not queries:
        return None
    if len(queries) > 1:
        raise ProtocolError("send exactly one query parameter")
    _no_dataset_params(request.args)
    return queries[0]


def _no_dataset_params(values) -> None:
    given = [name for name in ("default-graph-uri", "named-graph-uri") if values.get(name)]
    if given:
        raise ProtocolError(f"{' and '.join(given)} are not supported here; the default graph is the union of all "
                            "graphs; name graphs of this dataset with FROM / FROM NAMED or GRAPH in the query")


@endpoint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql():
    if request.method == "OPTIONS":
        return Response(status=204, headers=CORS)
    site = current_app.extensions["oncograph_site"]
    try:
        text = _read_query()
        if text is None:
            return render_template("sparql.html", title="SPARQL endpoint")
        answer = site.run_sparql(text)
        fmt = choose_format(answer.form, accept=request.accept_mimetypes,
                            format_param=request.values.get("format") or request.values.get("output"))
        if answer.truncated:
            return _plain(f"the answer has more than {answer.max_rows:,} rows, the row cap of this endpoint; "
                          "nothing was cut silently: add LIMIT (and OFFSET to page through)", 422)
        body = serialize(answer, fmt)
    except QueryBusy as exc:
        return _plain(str(exc), 503, **{"Retry-After": "5"})
    except QueryTimeout as exc:
        return _plain(str(exc), 503)
    except OncographError as exc:
        status = getattr(exc, "http_status", None) or (502 if type(exc).__name__ == "EndpointError" else 400)
        return _plain(str(exc), status)
    charset = "; charset=utf-8" if fmt.media_type.startswith("text/") or "json" in fmt.media_type else ""
    return Response(body, status=200, content_type=fmt.media_type + charset,
                    headers={**CORS, "X-SPARQL-Rows": str(answer.count)})
