"""Relationships told in words: one sentence per edge, with its period and its sources.

Used by paths (hop by hop) and changes. The sentence reads in the relationship's own direction (``subject`` ->
``object`` on the edge), whichever way a path walks it.
"""

from __future__ import annotations

import networkx as nx

__all__ = ["edge_sentence", "period_text", "sources_text", "tell_edge", "name_of"]

_ROLE_VERBS = {
    "organiser": "organises",
    "co-host": "co-hosts",
    "co-organiser": "co-organises",
    "producer": "produces",
    "collaborator": "collaborates on",
    "participant": "takes part in",
}


def name_of(G: nx.Graph, key: str) -> str:
    """Acronym where there is one (ESMO), else the name."""
    if key in G:
        return G.nodes[key].get("short_label") or G.nodes[key].get("label") or key
    return key


def _role_verb(role: str) -> str:
    return _ROLE_VERBS.get(role, f"has the role {role} in" if role else "takes part in")


def edge_sentence(G: nx.Graph, data: dict) -> str:
    """What the edge says, e.g. ``IARC is part of WHO``.

    >>> import networkx as nx
    >>> G = nx.MultiGraph(); G.add_node("a", short_label="ESMO"); G.add_node("b", short_label="WHO")
    >>> edge_sentence(G, {"relationship_type": "Partnership", "tie": "direct", "subject": "a", "object": "b"})
    'ESMO and WHO are partners'
    """
    s, o = name_of(G, data.get("subject", "")), name_of(G, data.get("object", ""))
    kind, tie, role = data.get("relationship_type", ""), data.get("tie", "direct"), data.get("role", "")
    if tie == "shared-event":
        roles = role.split(" | ") if role else []
        detail = f" ({s}: {roles[0]}; {o}: {roles[1]})" if len(roles) == 2 else ""
        return f"{s} and {o} both take part in {data.get('via_label') or 'the same event'}{detail}"
    if tie == "co-listed":
        page = "; ".join(data.get("source_titles") or ()) or "the same page"
        return f"{s} and {o} are listed in the same section (“{data.get('via_label', '')}”) of “{page}” (a weak tie)"
    if kind == "SubOrganisation":
        return f"{s} is part of {o}"
    if kind == "Membership":
        return f"{s} is a member of {o}" + (f" ({role})" if role else "")
    if kind == "Merger":
        return f"{s} merged into {o}"
    if kind == "Establishment":
        return f"{s} established {o}"
    if kind == "Partnership":
        return f"{s} and {o} are partners"
    if kind == "CollaborationPlan":
        return f"{s} and {o} share the collaboration plan “{data.get('name') or 'unnamed'}”"
    if kind == "OfficialStatus":
        return f"{s} holds the status “{data.get('status')}” from {o}"
    if kind == "StatusRenewal":
        return f"{o} renewed the status “{data.get('status')}” of {s}"
    if kind == "EventRole":
        return f"{s} {_role_verb(role)} {o}"
    if kind == "PostHolding":
        return f"{s} holds the post {o}"
    if kind == "PostIn":
        return f"{s} is a post in {o}"
    if kind == "PartOfEvent":
        return f"{s} is part of {o}"
    if kind == "ResourcePublication":
        return f"{s} publishes {o}"
    if kind == "CampaignParticipation":
        return f"{s} takes part in the campaign {o}" + (f" as {role}" if role else "")
    return f"{s} – {data.get('type_label') or kind} – {o}"


def period_text(data: dict) -> str:
    """The period in words: ``2024–2026``, ``since 2013 (derived)``, ``announced 2024-02-05``, ``undated``."""
    start, end, announced = data.get("start_date", ""), data.get("end_date", ""), data.get("announced", "")
    if start and end:
        text = start if start == end else f"{start}–{end}"
    elif start:
        text = start if data.get("dated_by") == "event" else f"since {start}"
    elif end:
        text = f"until {end}"
    elif announced:
        text = f"announced {announced}"
    else:
        return "undated"
    notes = []
    if data.get("date_derived"):
        notes.append("derived")
    if data.get("dated_by") == "event":
        notes.append("date of the event")
    return text + (f" ({', '.join(notes)})" if notes else "")


def sources_text(data: dict) -> str:
    titles = list(data.get("source_titles") or ())
    if not titles:
        return "no source"
    return ("source: " if len(titles) == 1 else "sources: ") + "; ".join(f"“{t}”" for t in titles)


def tell_edge(G: nx.Graph, data: dict) -> str:
    """The sentence with its period and sources: ``ESMO and WHO are partners [since 2013 (derived); source: “…”]``."""
    return f"{edge_sentence(G, data)} [{period_text(data)}; {sources_text(data)}]"
