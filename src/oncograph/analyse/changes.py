"""What changed between two dates: relationships that started, ended or were announced, organisations founded.

Run it on a projection made without ``as_of`` (a snapshot has already dropped what had not begun). A start is
compared by the first day it can mean (``2013`` is 2013-01-01) and an end by the last (``2026`` is 2026-12-31):
the bounds the build computes as ``onco:periodStart`` / ``onco:periodEnd``. A renewal counts on the day it was
announced (``onco:announcedOn``); an event role without its own date, on its event's date.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx

from ..dates import first_day
from ..errors import InputError
from .wording import edge_sentence, period_text, sources_text

__all__ = ["changes"]


def changes(G: nx.MultiGraph, *, since: dt.date, until: dt.date) -> list[dict]:
    """Every dated change with ``since <= date <= until``, oldest first.

    Each row: ``date`` (as precise as the source), ``change`` (started, ended, announced, took place, founded),
    ``what`` (in words), ``type``, ``period``, ``date_derived``, ``sources``, and ``key`` (the edge or node).
    """
    if until < since:
        raise InputError(f"--until {until.isoformat()} is before --since {since.isoformat()}; swap them")
    lo, hi = since.isoformat(), until.isoformat()
    rows = []
    for _, _, key, d in G.edges(keys=True, data=True):
        found = []
        if d.get("period_start"):
            found.append((d["period_start"], d.get("start_date") or d["period_start"],
                          "took place" if d.get("dated_by") == "event" else "started"))
        if d.get("period_end") and d.get("dated_by") != "event":
            found.append((d["period_end"], d.get("end_date") or d["period_end"], "ended"))
        if d.get("announced"):
            found.append((d["announced"], d["announced"], "announced"))
        for day, shown, change in found:
            if lo <= day[:10] <= hi:
                rows.append({"date": shown, "_day": day[:10], "change": change, "what": edge_sentence(G, d),
                             "relationship_type": d.get("relationship_type", ""), "period": period_text(d),
                             "date_derived": bool(d.get("date_derived")), "sources": sources_text(d),
                             "key": key})
    for n, data in G.nodes(data=True):
        founded = data.get("founded")
        if founded and lo <= first_day(founded).isoformat() <= hi:
            rows.append({"date": founded, "_day": first_day(founded).isoformat(), "change": "founded",
                         "what": f"{data.get('short_label') or data.get('label')} was founded",
                         "relationship_type": "Establishment", "period": founded, "date_derived": False,
                         "sources": sources_text({"source_titles": data.get("founded_sources") or ()}), "key": n})
    rows.sort(key=lambda r: (r["_day"], r["change"], r["what"], r["key"]))
    return [{k: v for k, v in r.items() if k != "_day"} for r in rows]
