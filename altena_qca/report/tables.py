"""Write analysis tables as CSV and as one Excel workbook, deterministically."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Mapping

import pandas as pd

from .._io import normalise_zip, write_text

__all__ = ["write_csv", "write_workbook"]


def write_csv(df: pd.DataFrame, path: str | Path, *, neutralise: bool = True) -> Path:
    """CSV with fixed float format and Unix newlines, written atomically.

    Text cells that a spreadsheet would run as a formula get a leading ``'``
    (:mod:`altena_qca._cells`); ``neutralise=False`` only for files the
    toolkit reads back as data (codings.csv).
    """
    from .._cells import neutralise_frame

    buf = io.StringIO()
    (neutralise_frame(df) if neutralise else df).to_csv(buf, index=False, float_format="%.4f", lineterminator="\n")
    return write_text(path, buf.getvalue())


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path, *, note: str | None = None) -> Path:
    """One sheet per table (names cut to Excel's 31 characters), atomically.

    openpyxl stamps the workbook with the current time; the properties are
    fixed and the zip normalised so two runs give identical bytes. ``note``
    (e.g. "automatisch gecodeerd, niet beoordeeld") becomes a first sheet
    "Let op" and the workbook's description, so no table is read without it.
    """
    import datetime as dt

    from .._cells import strings_only

    path = Path(path)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        if note:
            pd.DataFrame({"Let op": [note]}).to_excel(xw, sheet_name="Let op", index=False)
        for name, df in tables.items():
            df.to_excel(xw, sheet_name=name[:31], index=False)
        strings_only(xw.book)  # no text cell is a formula, whatever it starts with
        props = xw.book.properties
        props.creator = "altena-qca"
        props.created = props.modified = dt.datetime(2023, 7, 1)
        if note:
            props.description = note
    from .._io import write_bytes
    write_bytes(path, _fix_core_dates(buf.getvalue()))
    normalise_zip(path)
    return path


_DATE_RE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fix_core_dates(xlsx: bytes) -> bytes:
    """openpyxl stamps ``docProps/core.xml`` with the save time; fix it."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _DATE_RE.sub(rb"\g<1>2023-07-01T00:00:00Z\g<3>", data)
            dst.writestr(info.filename, data)
    return out.getvalue()
