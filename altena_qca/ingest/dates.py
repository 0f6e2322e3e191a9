"""Interview dates as researchers type them, read into ISO dates.

``respondents.csv`` may give a date as ISO (``2024-03-05``), Dutch numeric
(``05-03-2024``, ``5-3-2024``, ``5/3/2024``, ``5.3.2024``: day first) or
Dutch in words (``5 maart 2024``, ``5 mrt. 2024``, ``dinsdag 5 maart 2024``).
:func:`parse_date` turns each into ``YYYY-MM-DD``; anything else (or a day
that does not exist) is a :class:`ValueError` saying what is accepted.

Examples
--------
>>> [parse_date(s) for s in ("2024-03-05", "05-03-2024", "5 maart 2024", "5 mrt. 2024", "di 5 Maart 2024")]
['2024-03-05', '2024-03-05', '2024-03-05', '2024-03-05', '2024-03-05']
>>> parse_date("31-02-2024")
Traceback (most recent call last):
...
ValueError: no such day: 31-02-2024
"""
from __future__ import annotations

import datetime as _dt
import re

__all__ = ["DATE_FORMATS", "MONTHS", "parse_date"]

#: Accepted forms, for messages and docs.
DATE_FORMATS = "2024-03-05, 05-03-2024 (day first) or 5 maart 2024"

#: Dutch month names and abbreviations (lower case, without a trailing dot).
MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
             "ma", "di", "wo", "do", "vr", "za", "zo")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_WORDS = re.compile(r"^(?:(?:" + "|".join(_WEEKDAYS) + r")\.?,?\s+)?(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")


def parse_date(text: str) -> str | None:
    """``text`` as an ISO date ``YYYY-MM-DD``; None for an empty value.

    Raises
    ------
    ValueError
        When ``text`` is not one of :data:`DATE_FORMATS` or names no real day.
    """
    value = " ".join(str(text).split()).lower()
    if not value:
        return None
    if m := _ISO.match(value):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _NUMERIC.match(value):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif (m := _WORDS.match(value)) and m.group(2) in MONTHS:
        d, mo, y = int(m.group(1)), MONTHS[m.group(2)], int(m.group(3))
    else:
        raise ValueError(f"not a date; expected {DATE_FORMATS}")
    try:
        return _dt.date(y, mo, d).isoformat()
    except ValueError:
        raise ValueError(f"no such day: {text.strip()}") from None
