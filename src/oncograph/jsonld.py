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
import re
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph

from . import paths
from .errors import InputError

#: Where the context is published; documents may refer to it by this IRI and get the shipped copy.
CONTEXT_IRI = "https://w3id.org/oncograph/ontology/context.jsonld"
CONTEXT_FILE = "context.jsonld"
_XSD = "http://www.w3.org/2001/XMLSchema#"


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


class NotCompactable(Exception):
    """A graph or context :class:`Compactor` does not handle; pyld compacts it instead (:func:`compact`)."""


#: the literal datatypes rdflib writes as JSON numbers and booleans in the expanded document pyld compacts;
#: integers are handled (Oxigraph stores every type derived from xsd:integer as xsd:integer), the others refused
_NATIVE_TYPES = frozenset(_XSD + t for t in ("boolean", "double"))
_XSD_INTEGER = _XSD + "integer"
_INTEGER = re.compile(r"[+-]?[0-9]+")
_PROBE_NUMBER = 987654321
_PROBE_NODE = "urn:oncograph:probe:node"
_PROBE_IRI = "urn:oncograph:probe:value"
_PROBE_TEXT = "oncograph probe text"
_GEN_DELIMS = tuple(":/?#[]@")
_UNDER_BASE = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*")


class Compactor:
    """What pyld's :func:`compact` makes of each term of a graph of IRIs and literals, at a fraction of the cost.

    In compaction with the project's context, the key a value goes under and the shape it takes there (a string,
    or an object with ``@language``, ``type`` or ``id``) depend only on its property and its kind: an IRI, or a
    literal of a given language or datatype. So pyld is asked once per property and kind, by compacting a
    one-value probe document, and its answer is reused for every value of that kind. What varies per value is
    the text and the compacted IRI, which follows the context's prefixes and ``@base`` by the rules pyld applies
    (tests compare every IRI of a generated landscape, and whole documents, with pyld's). Raises
    :class:`NotCompactable` for what it does not handle: a context using more than terms, prefixes and
    ``@base``; a literal rdflib would write as a JSON number or boolean; an IRI that reads as a compact IRI.
    """

    def __init__(self, context: dict | None = None):
        self._context = load_context() if context is None else context
        ctx = self._context["@context"]
        others = sorted(k for k in ctx if k.startswith("@") and k != "@base")
        if others:
            raise NotCompactable(f"the context uses {', '.join(others)}")
        self._base = ctx.get("@base") or ""
        plain = self._base.endswith("/") and "?" not in self._base and "#" not in self._base
        self._base_prefix = self._base if plain else None  # else relative IRIs come from pyld alone
        self._terms: set[str] = set()
        self._term_iris: set[str] = set()
        self._prefixes: list[tuple[str, str]] = []
        for key, value in ctx.items():
            if key.startswith("@"):
                continue
            if isinstance(value, dict):
                if not set(value) <= {"@id", "@type", "@language"} or not isinstance(value.get("@id"), str):
                    raise NotCompactable(f"the context's term {key!r} uses more than @id, @type and @language")
                iri = _expand_in(ctx, value["@id"])
            elif isinstance(value, str):
                iri = _expand_in(ctx, value)
                if ":" not in key and (iri.startswith("_:") or iri.endswith(_GEN_DELIMS)):
                    self._prefixes.append((key, iri))
            else:
                raise NotCompactable(f"the context's term {key!r} is not a string or an object")
            self._terms.add(key)
            if not iri.startswith("@"):
                self._term_iris.add(iri)
        self._prefix_iris = tuple(iri for _, iri in self._prefixes)
        self._prefix_names = tuple(term + ":" for term, _ in self._prefixes)
        self._ids: dict[str, str] = {}
        self._vocab_ids: dict[str, str] = {}
        self._values: dict[tuple, tuple] = {}
        self._types: dict[str, str] = {}
        keys = self._probe({"@id": _PROBE_NODE, "@type": [_PROBE_IRI]})
        self.id_key = next(k for k, v in keys.items() if v == _PROBE_NODE)
        self.type_key = next(k for k, v in keys.items() if v == _PROBE_IRI)

    def _probe(self, node: dict) -> dict:
        """pyld's compaction of a one-node document, without its context."""
        from pyld import jsonld

        doc = _pyld_call(lambda: jsonld.compact([node], self._context, _pyld_options()))
        return {k: v for k, v in doc.items() if k != "@context"}

    def node_id(self, iri: str) -> str:
        """The compacted ``id`` of a node: a compact IRI, else relative to ``@base``, else the IRI."""
        got = self._ids.get(iri)
        if got is None:
            got = self._ids[iri] = self._compact_id(iri)
        return got

    def _compact_id(self, iri: str, *, relative: bool = True) -> str:
        if iri.startswith(self._prefix_iris):  # one test in C for the usual IRI, which no prefix starts
            best = None
            for term, prefix in self._prefixes:
                if iri.startswith(prefix) and iri != prefix:
                    curie = term + ":" + iri[len(prefix):]
                    if curie not in self._terms and (best is None or (len(curie), curie) < (len(best), best)):
                        best = curie
            if best is not None:
                return best
        if iri.startswith(self._prefix_names):
            term = next(t for t, _ in self._prefixes if iri.startswith(t + ":"))
            raise NotCompactable(f"<{iri}> reads as a compact IRI with the context's prefix {term!r}")
        if not (relative and self._base):
            return iri
        if self._base_prefix is not None and iri.startswith(self._base_prefix):
            rest = iri[len(self._base_prefix):]
            if _UNDER_BASE.fullmatch(rest):
                return rest
        from pyld.iri_resolver import unresolve

        return unresolve(iri, self._base)

    def type_name(self, iri: str) -> str:
        """The compacted ``type`` of a class IRI (asked of pyld once per class)."""
        got = self._types.get(iri)
        if got is None:
            got = self._types[iri] = self._probe({"@id": _PROBE_NODE, "@type": [iri]})[self.type_key]
        return got

    def iri_value(self, prop: str, iri: str):
        """``(key, value)`` for an IRI value of ``prop``: the value a string, or a dict such as ``{"id": ...}``."""
        if iri in self._term_iris:  # may compact to a term, which can change the key pyld picks: ask for this IRI
            sig = (prop, 0, iri)
            got = self._values.get(sig)
            if got is None:
                key, value = self._one(prop, {"@id": iri})
                got = self._values[sig] = (key, "fixed", value)
            return got[0], got[2]
        sig = (prop, 0, None)
        got = self._values.get(sig)
        if got is None:
            key, value = self._one(prop, {"@id": _PROBE_IRI})
            vocab = isinstance(self._context["@context"].get(key), dict) and \
                self._context["@context"][key].get("@type") == "@vocab"
            if value == _PROBE_IRI:
                got = (key, "vocab" if vocab else "id", None)
            elif isinstance(value, dict) and list(value.values()) == [_PROBE_IRI]:
                got = (key, "object", next(iter(value)))
            else:
                raise NotCompactable(f"pyld compacts an IRI value of <{prop}> to {value!r}")
            self._values[sig] = got
        key, how, member = got
        if how == "id":
            return key, self.node_id(iri)
        if how == "object":
            return key, {member: self.node_id(iri)}
        return key, self._vocab_iri(iri)

    def _vocab_iri(self, iri: str) -> str:
        """An IRI compacted as a vocabulary term: as an id, but never relative to @base (a term takes a probe)."""
        if iri in self._term_iris:
            return self.type_name(iri)
        got = self._vocab_ids.get(iri)
        if got is None:
            got = self._vocab_ids[iri] = self._compact_id(iri, relative=False)
        return got

    def literal_value(self, prop: str, text: str, language: str, datatype: str):
        """``(key, value)`` for a literal of ``prop`` (``language`` and ``datatype`` "" when absent); the value is a
        string, an ``int`` for an xsd:integer, or a dict such as ``{"@language": "en", "@value": ...}``."""
        number = datatype == _XSD_INTEGER
        if number:
            if not _INTEGER.fullmatch(text):
                raise NotCompactable(f"{text!r} is not an xsd:integer, which rdflib would write as it is")
            text = int(text)
        sig = (prop, 2, language, datatype)
        got = self._values.get(sig)
        if got is None:
            if datatype in _NATIVE_TYPES:
                raise NotCompactable(f"a literal of <{datatype}>, which rdflib writes as a JSON number or boolean")
            sentinel = _PROBE_NUMBER if number else _PROBE_TEXT
            probe = {"@value": sentinel}
            if language:
                probe["@language"] = language
            elif datatype:
                probe["@type"] = datatype
            key, value = self._one(prop, probe)
            if value == sentinel and type(value) is type(sentinel):
                got = (key, None, None)
            elif isinstance(value, dict) and list(value.values()).count(sentinel) == 1:
                member = next(k for k, v in value.items() if v == sentinel)
                got = (key, member, {k: v for k, v in value.items() if k != member})
            else:
                raise NotCompactable(f"pyld compacts a literal of <{prop}> to {value!r}")
            self._values[sig] = got
        key, member, fixed = got
        if member is None:
            return key, text
        return key, {**fixed, member: text}

    def _one(self, prop: str, value: dict):
        node = self._probe({"@id": _PROBE_NODE, prop: [value]})
        keys = [k for k in node if k != self.id_key]
        if len(keys) != 1 or isinstance(node[keys[0]], list):
            raise NotCompactable(f"pyld compacts one value of <{prop}> to {node!r}")
        return keys[0], node[keys[0]]


def _expand_in(ctx: dict, value: str) -> str:
    """A context value as an IRI: ``prefix:local`` expanded with the context's own prefixes; keywords as they are."""
    prefix, colon, local = value.partition(":")
    if colon and not local.startswith("//") and isinstance(ctx.get(prefix), str):
        return _expand_in(ctx, ctx[prefix]) + local
    return value


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


__all__ = ["CONTEXT_IRI", "Compactor", "NotCompactable", "RemoteContextRefused", "compact", "context_bytes",
           "context_terms", "document_loader", "dumps", "key_for", "load_context", "read_jsonld", "to_dataset"]
