"""JSON-LD: the project's context, compaction with it, and reading JSON-LD without ever touching the network.

The context (``ontology/context.jsonld``, shipped inside the package) gives every property used in the data a short
key (``name``, ``kind``, ``memberOf``, ``source`` ...) and sets ``@base`` to the entity namespace, so identifiers read
``org/esmo`` and ``kinds/charity``. Compaction uses pyld, a full JSON-LD 1.1 processor. Every pyld call gets
:func:`document_loader`, which serves the shipped context for :data:`CONTEXT_IRI` and refuses every other URL, so
no remote context is ever fetched (pyld's global loader is left alone).
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph

from . import paths
from .errors import InputError

#: Where the context is published; documents may refer to it by this IRI and get the shipped copy.
CONTEXT_IRI = "https://w3id.org/oncograph/ontology/context.jsonld"
CONTEXT_FILE = "context.jsonld"


class RemoteContextRefused(InputError):
    """A JSON-LD document asked for a context or document at a URL other than the project's own."""


def context_bytes() -> bytes:
    """The context file exactly as shipped (``ontology/context.jsonld``)."""
    return (paths.ontology_dir() / CONTEXT_FILE).read_bytes()


@lru_cache(maxsize=1)
def _context() -> dict:
    return json.loads(context_bytes().decode("utf-8"))


def load_context() -> dict:
    """The context document, ``{"@context": {...}}`` (a private copy, safe to change)."""
    return copy.deepcopy(_context())


def context_terms() -> dict[str, str]:
    """Each key of the context (terms, not prefixes or keywords) and the full IRI it stands for.

    >>> context_terms()["memberOf"]
    'http://www.w3.org/ns/org#memberOf'
    """
    ctx = _context()["@context"]
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/")) and not k.startswith("@")}
    out = {}
    for key, value in ctx.items():
        if key.startswith("@") or key in prefixes:
            continue
        iri = value["@id"] if isinstance(value, dict) else value
        if iri.startswith("@"):
            continue
        prefix, _, local = iri.partition(":")
        out[key] = prefixes[prefix] + local if prefix in prefixes else iri
    return out


def key_for(iri: str) -> str | None:
    """The context key for a property or class IRI; None when the context has none.

    When several keys share an IRI (none do today), the shortest, then alphabetically first, wins.
    """
    return _keys_by_iri().get(str(iri))


@lru_cache(maxsize=1)
def _keys_by_iri() -> dict[str, str]:
    out: dict[str, str] = {}
    for key, iri in sorted(context_terms().items(), key=lambda kv: (len(kv[0]), kv[0])):
        out.setdefault(iri, key)
    return out


def document_loader(url: str, options: dict | None = None) -> dict:
    """pyld document loader: the shipped context for CONTEXT_IRI; anything else is refused, never fetched."""
    if url == CONTEXT_IRI:
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": load_context()}
    raise RemoteContextRefused(
        f"JSON-LD refers to {url}; oncograph never fetches remote contexts or documents."
        f" Embed the context in the document, or refer to the project's context as {CONTEXT_IRI}")


def _pyld_options(**extra) -> dict:
    return {"documentLoader": document_loader, **extra}


def _pyld_call(fn, *args):
    """Run a pyld function, turning its errors (and a refused URL inside them) into InputError."""
    from pyld.jsonld import JsonLdError

    try:
        return fn(*args)
    except JsonLdError as exc:
        cause = exc
        while cause is not None:
            if isinstance(cause, RemoteContextRefused):
                raise RemoteContextRefused(str(cause)) from None
            cause = getattr(cause, "cause", None) or cause.__cause__
        raise InputError(f"not valid JSON-LD: {' '.join(str(exc).split())[:300]}") from exc


def compact(graph: Graph) -> dict:
    """The graph as a compacted JSON-LD document with the project's context embedded (so it needs no network).

    The expanded input comes from rdflib; pyld compacts it. The result is ordered: see :func:`dumps`.
    """
    from pyld import jsonld

    expanded = _sorted_json(json.loads(graph.serialize(format="json-ld", auto_compact=False)))
    doc = _pyld_call(lambda: jsonld.compact(expanded, load_context(), _pyld_options()))
    if "@graph" not in doc:  # a one-node graph compacts to a bare node object; keep the shape stable
        node = {k: v for k, v in doc.items() if k != "@context"}
        doc = {"@context": doc["@context"], "@graph": [node] if node else []}
    return doc


def dumps(doc, *, indent: int = 2) -> bytes:
    """Deterministic JSON: nodes sorted by id, values sorted, keys as id, type, then alphabetical; UTF-8."""
    return (json.dumps(_sorted_json(doc), ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def to_dataset(doc) -> Dataset:
    """Expand a JSON-LD document (parsed JSON) with pyld and load the quads into an rdflib Dataset."""
    from pyld import jsonld

    nquads = _pyld_call(lambda: jsonld.to_rdf(doc, _pyld_options(format="application/n-quads")))
    ds = Dataset()
    if nquads.strip():
        ds.parse(data=nquads, format="nquads")
    return ds


def read_jsonld(path: Path | str) -> Dataset:
    """Read a JSON-LD file through pyld with the local-only loader. Errors name the file."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return to_dataset(doc)
    except InputError as exc:
        raise type(exc)(f"{path}: {exc}") from None


_KEY_ORDER = {"@context": 0, "@id": 1, "id": 1, "@type": 2, "type": 2, "@graph": 9}


def _sorted_json(value):
    """Sort JSON-LD so the text does not depend on set order. ``@list`` arrays keep their order (it is data)."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: (_KEY_ORDER.get(kv[0], 5), kv[0]))
        return {k: (v if k in ("@list", "@context") else _sorted_json(v)) for k, v in items}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=_json_sort_key)
    return value


def _json_sort_key(value) -> tuple:
    if isinstance(value, dict):
        ident = value.get("@id", value.get("id", ""))
        return (1, str(ident), json.dumps(value, sort_keys=True, ensure_ascii=False))
    return (0, "", json.dumps(value, sort_keys=True, ensure_ascii=False))


__all__ = ["CONTEXT_IRI", "RemoteContextRefused", "compact", "context_bytes", "context_terms", "document_loader",
           "dumps", "key_for", "load_context", "read_jsonld", "to_dataset"]
