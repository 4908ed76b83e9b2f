"""Dates as precise as the sources allow: ``xsd:gYear``, ``xsd:gYearMonth`` or ``xsd:date``.

Comparisons between those types are type errors in SPARQL, so every period also gets first-day / last-day bounds as
``xsd:date`` (``onco:periodStart`` / ``onco:periodEnd``), which compare correctly everywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from rdflib import Literal
from rdflib.namespace import XSD

_FORMS = (
    (re.compile(r"^(\d{4})$"), XSD.gYear),
    (re.compile(r"^(\d{4})-(\d{2})$"), XSD.gYearMonth),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), XSD.date),
)

ACCEPTED_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"


def parse_date(text: str) -> Literal:
    """Turn ``2013``, ``2023-10`` or ``2024-02-05`` into a typed literal of matching precision.

    >>> parse_date("2023-10").datatype == XSD.gYearMonth
    True
    >>> parse_date("5 Feb 2024")
    Traceback (most recent call last):
    ...
    ValueError: '5 Feb 2024' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD
    """
    text = str(text).strip()
    for pattern, datatype in _FORMS:
        m = pattern.match(text)
        if m:
            parts = [int(p) for p in m.groups()]
            try:
                dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
            except ValueError as exc:
                raise ValueError(f"{text!r} is not a valid date: {exc}") from None
            return Literal(text, datatype=datatype)
    raise ValueError(f"{text!r} is not a date; write {ACCEPTED_FORMS}")


def first_day(value: Literal) -> dt.date:
    """The earliest day a date of any precision can mean.

    >>> first_day(parse_date("2013"))
    datetime.date(2013, 1, 1)
    """
    year, month, day = _parts(value)
    return dt.date(year, month or 1, day or 1)


def last_day(value: Literal) -> dt.date:
    """The latest day a date of any precision can mean.

    >>> last_day(parse_date("2024-02"))
    datetime.date(2024, 2, 29)
    """
    year, month, day = _parts(value)
    if day:
        return dt.date(year, month, day)
    month = month or 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _parts(value: Literal) -> tuple[int, int, int]:
    text = str(value)
    nums = [int(p) for p in text.split("-")[:3]]
    return nums[0], nums[1] if len(nums) > 1 else 0, nums[2] if len(nums) > 2 else 0


def parse_user_date(text: str, *, parameter: str = "date") -> dt.date:
    """Parse a date typed by a user (``--as-of``); a year or month means its first day.

    >>> parse_user_date("2020")
    datetime.date(2020, 1, 1)
    """
    from .errors import InputError

    try:
        return first_day(parse_date(text))
    except ValueError:
        raise InputError(f"{parameter}: {text!r} is not a date; accepted forms: {ACCEPTED_FORMS}") from None
