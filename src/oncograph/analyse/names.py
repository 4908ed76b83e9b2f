"""Finding a node by what people call it: its name, acronym, any other name, or its key.

Matching ignores case, accents and punctuation ("Andres Cervantes" finds "Andrés Cervantes", "cancer net" finds
"Cancer.Net"). A name that matches exactly one node wins. Otherwise a name contained, as whole words, in the names
of exactly one node wins too ("Macmillan"); contained in several, it is ambiguous and the error lists them
("Europa": Europa Donna, Europa Uomo). Nothing at all: the error suggests the nearest names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable

import networkx as nx

from ..errors import InputError

__all__ = ["find_node", "normalise", "suggest", "describe_node", "UnknownName", "AmbiguousName", "NotInProjection"]


class UnknownName(InputError):
    """No node has that name; ``suggestions`` holds the nearest (key, description) pairs."""

    def __init__(self, name: str, suggestions: list[tuple[str, str]], *, what: str):
        self.name, self.suggestions = name, suggestions
        hint = ("; did you mean " + "; ".join(d for _, d in suggestions) + "?") if suggestions else \
            "; check the spelling, or list names with `oncograph analyse centrality`"
        super().__init__(f"no {what} is called {name!r}{hint}")


class AmbiguousName(InputError):
    """Several nodes match; ``candidates`` holds their (key, description) pairs."""

    def __init__(self, name: str, candidates: list[tuple[str, str]], *, what: str):
        self.name, self.candidates = name, candidates
        listing = "; ".join(d for _, d in candidates[:10])
        if len(candidates) > 10:
            listing += f"; and {len(candidates) - 10} more"
        super().__init__(f"{name!r} could mean {len(candidates)} {what}s: {listing}; "
                         "give the full name, the acronym or the key (as in org/esmo)")


class NotInProjection(InputError):
    """The name is known, but the projection leaves it out; says which option brings it in."""

    def __init__(self, description: str, entity_class: str, *, successor: str = ""):
        option = {"person": "--people", "post": "--people", "event": "--events", "event series": "--events",
                  "campaign": "--campaigns"}.get(entity_class)
        if successor:
            advice = f"it merged into {successor}; ask for that, or leave out --follow-mergers"
        elif option:
            advice = f"add {option}"
        else:
            advice = "it was founded after the --as-of date"
        super().__init__(f"{description} is not in this projection; {advice}")


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces.

    >>> normalise("  Andrés  CERVANTES ")
    'andres cervantes'
    >>> normalise("Cancer.Net")
    'cancer net'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.replace("'", "").replace("\u2019", "")  # "Lynn's" and "Lynns" are the same name
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def describe_node(G: nx.Graph, key: str) -> str:
    """``European Society for Medical Oncology (ESMO; professional society; org/esmo)``."""
    data = G.nodes[key]
    extra = [x for x in (data.get("acronym"), data.get("kind")) if x]
    return f"{data.get('label', key)} ({'; '.join(extra + [key])})"


def _names(G: nx.Graph, key: str, data: dict) -> set[str]:
    names = {key, key.rsplit("/", 1)[-1], data.get("label", ""), data.get("acronym", ""), data.get("iri", "")}
    names.update(data.get("alt_names", ()))
    return {normalise(n) for n in names if n}


def find_node(G: nx.Graph, name: str, *, what: str = "organisation",
              fuller: Callable[[], nx.Graph] | None = None) -> str:
    """The key of the node called ``name``; raises UnknownName or AmbiguousName (both InputError).

    ``fuller``: a callable giving a projection with everything in (people, events, no date filter); when the name is
    found only there, the error says which option brings it in, rather than suggesting look-alikes.

    >>> from oncograph.build import build
    >>> from oncograph.analyse import project
    >>> G = project(build().graph())
    >>> find_node(G, "european cancer organisation"), find_node(G, "ECCO"), find_node(G, "Europa Donna")
    ('org/european-cancer-organisation', 'org/european-cancer-organisation', 'org/europa-donna')
    """
    wanted = normalise(name)
    if not wanted:
        raise InputError(f"an empty name cannot name an {what}; give a name, an acronym or a key")
    index = {key: _names(G, key, data) for key, data in G.nodes(data=True)}
    exact = sorted(key for key, names in index.items() if wanted in names)
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise AmbiguousName(name, [(k, describe_node(G, k)) for k in exact], what=what)
    pattern = re.compile(rf"\b{re.escape(wanted)}\b")
    partial = sorted(key for key, names in index.items() if any(pattern.search(n) for n in names))
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise AmbiguousName(name, [(k, describe_node(G, k)) for k in partial], what=what)
    if fuller is not None:
        try:
            other = fuller()
            key = find_node(other, name, what=what)
        except InputError:
            pass
        else:
            if key not in G:
                successor = [n for n, merged in G.nodes(data="merged_from") if merged and key in merged]
                raise NotInProjection(describe_node(other, key), other.nodes[key].get("entity_class", ""),
                                      successor=describe_node(G, successor[0]) if successor else "")
    raise UnknownName(name, suggest(G, name, index=index), what=what)


def suggest(G: nx.Graph, name: str, *, n: int = 5, index: dict | None = None) -> list[tuple[str, str]]:
    """The nodes whose names are nearest to ``name`` (difflib ratio), best first."""
    index = index if index is not None else {key: _names(G, key, data) for key, data in G.nodes(data=True)}
    owner: dict[str, set[str]] = {}
    for key, names in index.items():
        for nm in names:
            owner.setdefault(nm, set()).add(key)
    close = difflib.get_close_matches(normalise(name), sorted(owner), n=n * 2, cutoff=0.6)
    out: list[str] = []
    for nm in close:
        for key in sorted(owner[nm]):
            if key not in out:
                out.append(key)
    return [(k, describe_node(G, k)) for k in out[:n]]
