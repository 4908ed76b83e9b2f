"""Rows as text: an aligned table for people, CSV for spreadsheets, JSON for programs.

Every analysis function returns a list of flat dicts; this module is the only place that formats them, so the CLI
stays a thin adapter and a notebook user gets the same rows.
"""

from __future__ import annotations

import csv
import enum
import io
import json

__all__ = ["OutputFormat", "render"]


class OutputFormat(str, enum.Enum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


def render(rows: list[dict], fmt: OutputFormat | str = OutputFormat.TABLE, *, columns: list[str] | None = None,
           max_width: int = 60) -> str:
    """``rows`` as a table (cells cut at ``max_width``), CSV, or JSON (all columns, full values).

    >>> print(render([{"rank": 1, "label": "ESMO", "pagerank": 0.065570}], "table"))
    rank  label  pagerank
    1     ESMO   0.0656
    """
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.JSON:
        return json.dumps(rows, ensure_ascii=False, indent=1)
    cols = columns or list(dict.fromkeys(k for row in rows for k in row))
    if fmt is OutputFormat.CSV:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows([[row.get(c, "") for c in cols] for row in rows])
        return buf.getvalue().rstrip("\n")
    if not rows:
        return "(nothing)"
    cells = [[_cut(_cell(row.get(c, "")), max_width) for c in cols] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
