"""The pages: search, profiles, network, paths, queries, SPARQL console, downloads.

Each view reads the request, asks the Site or a helper module for plain data, and renders a template; the
templates autoescape everything, so text from the data can never become markup.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_file, url_for
from rdflib import BNode, Literal, URIRef

from ..errors import InputError, OncographError
from ..namespaces import BASE
from .connections import find_paths
from .network import NETWORK_TYPES, NetworkQuery
from .profile import entity_profile, is_relationship, is_source, relationship_view, source_page
from .search import FACETS, key_of

pages = Blueprint("pages", __name__)

NAV = [("pages.search", "Search"), ("pages.network", "Network"), ("pages.paths", "Paths"),
       ("pages.queries", "Queries"), ("pages.console", "SPARQL"), ("pages.downloads", "Downloads")]


def site():
    return current_app.extensions["oncograph_site"]


# --- small helpers ---------------------------------------------------------------------------------------------

def _date(text: str | None, what: str = "as of") -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what}: {text!r} is not a date; write it as YYYY-MM-DD") from None


def _facet_filters(args) -> dict[str, str]:
    filters = {}
    for facet in FACETS:
        value = (args.get(facet) or "").strip()
        if value and site().index.concept(facet, value) is None:
            raise InputError(f"{facet}: {value!r} is not a known concept; pick one from the list")
        filters[facet] = value
    return filters


def _resolve(text: str):
    """The entity the reader meant by ``text`` (a page path, an IRI or a name), or InputError."""
    entry = site().index.best(text)
    if entry is None:
        raise InputError(f"no organisation matches {text!r}; check the spelling or search for it first")
    return entry


def _checked(args, name: str) -> bool:
    return args.get(name) in ("1", "on", "true", "yes")


def cell(term) -> dict:
    """How one result value is shown: a link for entities of this graph, text otherwise."""
    if term is None:
        return {"text": ""}
    if isinstance(term, URIRef):
        text = str(term)
        if text.startswith(BASE):
            return {"text": site().vocab.label(term), "href": url_for("pages.entity", key=key_of(text)),
                    "note": _prefixed(text)}
        return {"text": _prefixed(text), "note": ""}
    if isinstance(term, BNode):
        return {"text": f"_:{term}"}
    if isinstance(term, Literal):
        note = f"@{term.language}" if term.language else ""
        return {"text": str(term), "note": note}
    return {"text": str(term)}


def _prefixed(iri: str) -> str:
    from ..query import prefixed_name

    name = prefixed_name(iri)
    return name[1:-1] if name.startswith("<") else name


def answer_table(answer) -> dict:
    """An Answer as rows of cells, for the results template."""
    if answer.form == "ASK":
        return {"form": "ASK", "boolean": answer.boolean, "columns": [], "rows": []}
    if answer.form in ("CONSTRUCT", "DESCRIBE"):
        return {"form": answer.form, "columns": ["subject", "predicate", "object"],
                "rows": [[cell(t) for t in triple] for triple in answer.triples]}
    return {"form": "SELECT", "columns": answer.vars, "rows": [[cell(t) for t in row] for row in answer.rows]}


# --- search and profiles ---------------------------------------------------------------------------------------

@pages.route("/")
def search():
    s = site()
    q = request.args.get("q", "")
    error = ""
    try:
        filters = _facet_filters(request.args)
    except InputError as exc:
        filters, error = {}, str(exc)
    filtered = any(filters.values())
    hits = s.index.search(q, filters, limit=50 if q.strip() else 1000) if (q.strip() or filtered) else []
    options = {facet: s.index.options(facet) for facet in FACETS}
    counts = _what_counts(s.index)
    return render_template("search.html", title="Search", q=q, filters=filters, hits=hits, options=options,
                           searched=bool(q.strip() or filtered), error=error, counts=counts)


def _what_counts(index) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for e in index.entries.values():
        counts[e.what] = counts.get(e.what, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


@pages.route("/id/<path:key>")
def entity(key: str):
    cached = site().pages.lookup(key)
    if cached is not None:
        return cached
    result = _entity_page(key)
    if isinstance(result, str):  # a rendered page; redirects and errors are not kept
        site().pages.put(key, result)
    return result


def _entity_page(key: str):
    """The page of whatever ``key`` names: an entity, a source, a relationship (or a redirect, or 404)."""
    s = site()
    iri = URIRef(BASE + key)
    entry = s.index.entries.get(str(iri))
    if entry is not None:
        profile = entity_profile(s.vocab, iri, entry.what)
        return render_template("profile.html", title=profile.label, p=profile, entry=entry)
    if is_source(s.graph, iri):
        page = source_page(s.vocab, iri)
        return render_template("source.html", title=page.ref.title, page=page)
    if is_relationship(s.graph, iri):
        view = relationship_view(s.vocab, iri)
        return render_template("relationship.html", title=view.type_label, r=view)
    for facet, (_, scheme) in FACETS.items():  # a concept: the search filtered by it
        if key.startswith(scheme + "/") and s.index.concept(facet, key.split("/", 1)[1]):
            return redirect(url_for("pages.search", **{facet: key.split("/", 1)[1]}))
    if (iri, None, None) in s.graph:
        return render_template("error.html", title=s.vocab.label(iri), status=200,
                               message="This is part of the graph, but has no page of its own here; "
                                       "the SPARQL console shows everything about it.",
                               console=f"DESCRIBE <{iri}>")
    abort(404)


# --- network -----------------------------------------------------------------------------------------------------

def _network_query(args) -> tuple[NetworkQuery, str]:
    focus_text = (args.get("focus") or "").strip()
    centre = _resolve(focus_text) if focus_text else None
    focus = centre.key if centre else ""
    # a person's or an event's network needs people or events in the projection
    people = _checked(args, "people") or (centre is not None and centre.what in ("person", "post"))
    events = _checked(args, "events") or (centre is not None and centre.what in ("event", "event series"))
    types = tuple(sorted(t for t in args.getlist("type") if t in NETWORK_TYPES))
    filters = _facet_filters(args)
    try:
        radius = int(args.get("radius") or 1)
    except ValueError:
        radius = 1
    q = NetworkQuery(focus=focus, radius=max(1, min(radius, 3)), types=types, as_of=_date(args.get("as_of")),
                     dated_only=_checked(args, "dated_only"), people=people, events=events,
                     co_listed=_checked(args, "co_listed"),
                     isolated=_checked(args, "isolated"), **filters)
    return q, focus_text


@pages.route("/network")
def network():
    s = site()
    error = ""
    try:
        q, focus_text = _network_query(request.args)
    except InputError as exc:
        q, focus_text, error = NetworkQuery(), request.args.get("focus", ""), str(exc)
    view = s.networks.view(q)
    focus_label = s.index.entries[BASE + q.focus].label if q.focus and BASE + q.focus in s.index.entries else ""
    type_labels = [(name, s.vocab.label(_rel_class(name))) for name in NETWORK_TYPES]
    return render_template("network.html", title="Network", q=q, view=view, error=error, focus_text=focus_text,
                           focus_label=focus_label, type_labels=type_labels,
                           options={facet: s.index.options(facet) for facet in FACETS},
                           **_name_fields(s.index))


def _rel_class(name: str):
    from ..model import REL_TYPES

    return REL_TYPES[name].rdf_class


#: Up to this many organisation names, the network and paths pages list them all for their name fields; above it
#: the fields ask ``/names`` as the reader types (a landscape of a million triples has 7,505 names, 380 kB a page).
INLINE_NAMES = 1000


def _name_fields(index) -> dict:
    """The template values for the organisation name fields: every name, or none and the URL to ask."""
    names = index.organisation_names
    if len(names) <= INLINE_NAMES:
        return {"names": names, "suggest_url": ""}
    return {"names": [], "suggest_url": url_for("pages.names")}


@pages.route("/names")
def names():
    """Organisation names for what the reader has typed (``q``), as JSON ``{"names": [...]}``, best first."""
    text = (request.args.get("q") or "").strip()[:200]
    response = Response(json.dumps({"names": site().index.suggest_names(text) if len(text) >= 2 else []},
                                   ensure_ascii=False), mimetype="application/json")
    response.headers["Cache-Control"] = "max-age=300"  # the graph does not change while the server runs
    return response


# --- paths -------------------------------------------------------------------------------------------------------

@pages.route("/paths")
def paths():
    s = site()
    a_text, b_text = (request.args.get("from") or "").strip(), (request.args.get("to") or "").strip()
    result, error, a, b = None, "", None, None
    q = NetworkQuery()
    if a_text or b_text:
        try:
            if not (a_text and b_text):
                raise InputError("name two organisations: one to start from and one to reach")
            a, b = _resolve(a_text), _resolve(b_text)
            if a.key == b.key:
                raise InputError(f"both names mean {a.label}; pick two different organisations")
            q = NetworkQuery(types=tuple(sorted(t for t in request.args.getlist("type") if t in NETWORK_TYPES)),
                             as_of=_date(request.args.get("as_of")), people=_checked(request.args, "people"),
                             events=_checked(request.args, "events"), co_listed=_checked(request.args, "co_listed"))
            G = s.networks.projection(q)
            result = find_paths(G, a.key, b.key, max_paths=_int(request.args.get("max"), 3, 1, 10),
                                extra_steps=_int(request.args.get("longer"), 0, 0, 2))
        except OncographError as exc:
            error = str(exc)
    type_labels = [(name, s.vocab.label(_rel_class(name))) for name in NETWORK_TYPES]
    return render_template("paths.html", title="Paths", a_text=a_text, b_text=b_text, a=a, b=b, result=result,
                           error=error, q=q, type_labels=type_labels, **_name_fields(s.index),
                           max_paths=_int(request.args.get("max"), 3, 1, 10),
                           longer=_int(request.args.get("longer"), 0, 0, 2))


def _int(text, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(int(text), high))
    except (TypeError, ValueError):
        return default


# --- queries -----------------------------------------------------------------------------------------------------

@pages.route("/queries")
def queries():
    s = site()
    return render_template("queries.html", title="Queries", queries=sorted(s.queries.values(), key=lambda q: q.title),
                           problem=s.queries_problem)


def _named_params(name: str) -> dict[str, str]:
    return {k[2:]: v for k, v in request.args.items() if k.startswith("p.")}


@pages.route("/queries/<name>")
def named_query(name: str):
    s = site()
    if name.endswith(".csv"):
        return named_query_csv(name[:-4])
    query = s.queries.get(name)
    if query is None:
        abort(404)
    params = _named_params(name)
    table, answer, text, error = None, None, "", ""
    if "run" in request.args:
        try:
            answer, text = s.run_named(name, params)
            table = answer_table(answer)
        except OncographError as exc:
            error = str(exc)
    csv_url = url_for("pages.named_query", name=f"{name}.csv") + "?" + urlencode(
        {f"p.{k}": v for k, v in params.items()})
    return render_template("query.html", title=query.title, query=query, params=params, table=table, answer=answer,
                           text=text, error=error, csv_url=csv_url)


def named_query_csv(name: str):
    s = site()
    if name not in s.queries:
        abort(404)
    answer, _ = s.run_named(name, _named_params(name))
    if answer.truncated:
        raise _TooManyRows(answer.max_rows)
    from .results import ResultFormat, serialize

    if answer.form in ("CONSTRUCT", "DESCRIBE"):
        body, fmt = serialize(answer, ResultFormat.TURTLE), ResultFormat.TURTLE
        filename = f"{name}.ttl"
    else:
        body, fmt = serialize(answer, ResultFormat.CSV), ResultFormat.CSV
        filename = f"{name}.csv"
    return Response(body, mimetype=fmt.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class _TooManyRows(OncographError):
    http_status = 422

    def __init__(self, max_rows: int):
        super().__init__(f"the result has more than {max_rows:,} rows, the row cap; narrow the query down "
                         "(add LIMIT, and OFFSET to page through)")


@pages.route("/console")
def console():
    s = site()
    text = request.args.get("query")
    start = request.args.get("from")
    if text is None:
        if start in s.queries:
            text = s.queries[start].text
        else:
            example = s.queries.get("organisations-per-kind") or next(iter(s.queries.values()), None)
            text = example.text if example else "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20"
        return render_template("console.html", title="SPARQL console", text=text, table=None, answer=None, error="",
                               links=[])
    table, answer, error, links = None, None, "", []
    try:
        answer = s.run_sparql(text)
        table = answer_table(answer)
        from .results import GRAPH_FORMATS, TABLE_FORMATS

        formats = GRAPH_FORMATS if answer.form in ("CONSTRUCT", "DESCRIBE") else TABLE_FORMATS
        links = [(f.value, url_for("protocol.sparql") + "?" + urlencode({"query": text, "format": f.value}))
                 for f in formats]
    except OncographError as exc:
        error = str(exc)
    return render_template("console.html", title="SPARQL console", text=text, table=table, answer=answer,
                           error=error, links=links)


# --- downloads ---------------------------------------------------------------------------------------------------

@pages.route("/downloads")
def downloads():
    files = site().downloads.list()  # first, so store_order is known
    return render_template("downloads.html", title="Downloads", files=files,
                           generated=site().downloads.generated, store_order=site().downloads.store_order)


@pages.route("/downloads/<name>")
def download(name: str):
    from .site import media_type

    content = site().downloads.get(name)
    if content is None:
        abort(404)
    if isinstance(content, bytes):
        return Response(content, mimetype=media_type(name),
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return send_file(content, mimetype=media_type(name), as_attachment=True, download_name=name)
