"""Read a Word ``.docx`` transcript into paragraphs.

Paragraphs in a Heading/Kop/Title style are headings; tables are skipped with
a warning (a transcript's content is in its paragraphs). Files that are not
Word files — empty, encrypted (Word's password protection stores an OLE
container, not a zip), a renamed PDF, a broken zip — raise a clear
:class:`~altena_qca.errors.InputError`.
"""
from __future__ import annotations

import warnings
import zipfile
import zlib
from pathlib import Path

from ..errors import Errors, InputError, Warnings
from .text import MAX_TRANSCRIPT_BYTES, Paragraph

__all__ = ["read_docx_paragraphs"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLES = ("heading", "kop", "title", "titel")
# A .docx whose XML is larger than this when unpacked is refused (zip bomb).
_MAX_UNPACKED = 256 * 1024 * 1024


def _check_container(path: Path) -> None:
    if not path.exists():
        raise InputError(Errors.E106.format(path=path))
    size = path.stat().st_size
    if size == 0:
        raise InputError(Errors.E100.format(path=path))
    if size > MAX_TRANSCRIPT_BYTES:
        raise InputError(Errors.E107.format(path=path, size=size, limit=MAX_TRANSCRIPT_BYTES))
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise InputError(Errors.E102.format(path=path))
    if not zipfile.is_zipfile(path):
        raise InputError(Errors.E101.format(path=path, reason="not a zip container; is it a .doc, PDF or text file renamed to .docx?"))
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "word/document.xml" not in names:
                raise InputError(Errors.E101.format(path=path, reason="no word/document.xml inside"))
            unpacked = sum(i.file_size for i in zf.infolist())
            if unpacked > _MAX_UNPACKED:
                raise InputError(Errors.E101.format(path=path, reason=f"unpacks to {unpacked} bytes; refusing a possible zip bomb"))
            bad = zf.testzip()
            if bad is not None:
                raise InputError(Errors.E101.format(path=path, reason=f"corrupt member {bad}"))
    except RuntimeError as exc:  # a member with the zip 'encrypted' flag set
        if "encrypted" in str(exc):
            raise InputError(Errors.E102.format(path=path)) from None
        raise InputError(Errors.E101.format(path=path, reason=str(exc))) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        # zlib.error: a damaged deflate stream; EOFError: a truncated member;
        # NotImplementedError: an unsupported compression method
        raise InputError(Errors.E101.format(path=path, reason=str(exc) or type(exc).__name__)) from None


def read_docx_paragraphs(path: str | Path) -> list[Paragraph]:
    """Paragraphs of a ``.docx`` transcript, in document order.

    Raises
    ------
    InputError
        If the file is missing, empty, encrypted or not a valid Word file.
    """
    path = Path(path)
    _check_container(path)
    import docx  # python-docx; imported here to keep the CLI start fast
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
        # python-docx parses parts lazily: a broken styles.xml surfaces only here
        tables = len(document.tables)
        # Style names from one table per document: ``para.style`` searches every
        # style for each paragraph (O(paragraphs x styles), most of the reading
        # time). Same rule as python-docx: no or an unknown style id means the
        # default paragraph style.
        names = {s.style_id: s.name for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        default_name = (default.name if default is not None else "") or ""
        paragraphs = []
        for number, para in enumerate(document.paragraphs, start=1):
            text = para.text.strip()
            if not text:
                continue
            style_id = para._p.style
            style = (names.get(style_id, default_name) if style_id else default_name) or ""
            heading = style.lower().startswith(_HEADING_STYLES)
            paragraphs.append(Paragraph(text, number, heading=heading))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(Errors.E101.format(path=path, reason=str(exc) or type(exc).__name__)) from None
    except Exception as exc:  # lxml syntax errors and the like: still the file's fault
        raise InputError(Errors.E101.format(path=path, reason=f"{type(exc).__name__}: {exc}")) from None
    if tables:
        warnings.warn(Warnings.W100.format(path=path, n=tables), stacklevel=2)
    if not paragraphs:
        raise InputError(Errors.E100.format(path=path))
    return paragraphs
