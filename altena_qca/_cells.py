"""Spreadsheet-safe cells: no table we write can run a formula when opened.

A respondent label ``=HYPERLINK("http://…","klik")`` or a codebook label
``=1+2`` would otherwise be a live formula in Excel or LibreOffice (CSV
injection, OWASP). Two rules, one per format:

* **CSV** -- a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return (after any leading spaces) gets a single quote in front,
  as the OWASP *CSV Injection* guidance prescribes; a plain number written as
  text (``-3``, ``+0.5``) is left alone, as it computes nothing;
* **xlsx** -- every text cell is stored with data type *string*
  (:func:`strings_only`), so nothing is a formula whatever it starts with, and
  the text stays exactly as it was.

Examples
--------
>>> [neutralise(v) for v in ["=1+2", "@SUM(A1)", "-3", " +cmd", "Bazalt", 7]]
["'=1+2", "'@SUM(A1)", '-3', "' +cmd", 'Bazalt', 7]
"""
from __future__ import annotations

import re

import pandas as pd

__all__ = ["neutralise", "neutralise_frame", "strings_only", "FORMULA_START"]

#: Characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def neutralise(value):
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if not isinstance(value, str):
        return value
    stripped = value.lstrip(" ")
    if stripped.startswith(FORMULA_START) and not _NUMBER_RE.fullmatch(stripped):
        return "'" + value
    return value


def _csv_cell(value):
    value = neutralise(value)
    # a bare carriage return is not quoted by a writer whose line end is '\n',
    # and splits the row in every reader: line breaks become '\n'
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for CSV: :func:`neutralise` on every text cell and column
    name, and line breaks in text written as ``\\n``."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(_csv_cell)
    out.columns = [neutralise(c) for c in out.columns]
    return out


def strings_only(workbook) -> int:
    """Store every formula-looking text cell of an openpyxl workbook as a string; return how many."""
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.data_type != "s"):
                    cell.data_type = "s"
                    changed += 1
    return changed
