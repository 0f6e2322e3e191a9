"""Read a Word ``.docx`` transcript into paragraphs, streamed with bounded memory.

``word/document.xml`` is parsed incrementally (lxml ``iterparse``), each
paragraph handed on and its elements freed as soon as it ends, so a
transcript costs a few MB whatever its size. A hostile file is refused with
E101 before it can exhaust memory: limits on the unpacked size (counted while
reading, not taken from the zip header), the compression ratio, the number of
XML elements and their nesting depth (:data:`LIMITS`).

What is read, and what is said about it:

* body paragraphs, in document order; paragraphs in a Heading/Kop/Title
  style are headings;
* text in tracked insertions (``w:ins``, read as accepted; deleted text is
  left out) -- warning W105; smart tags, fields, content controls
  (``w:sdt``) and hyperlinks are read like plain runs;
* text boxes: each of their paragraphs is read as a paragraph of its own,
  before the paragraph that anchors it -- warning W106;
* tables are skipped with warning W100 (a transcript's content is in its
  paragraphs);
* a part that declares a DTD (``<!DOCTYPE``, never written by Word) is
  refused with E101: an entity it defines is not expanded, and would
  otherwise silently cut the text after it out of its paragraph.

Files that are not Word files -- empty, encrypted (Word's password
protection stores an OLE container, not a zip), a renamed PDF, a broken zip
-- raise a clear :class:`~altena_qca.errors.InputError`.
"""
from __future__ import annotations

import warnings
import zipfile
import zlib
from pathlib import Path

from ..errors import Errors, InputError, Warnings
from .text import MAX_LINE_CHARS, Paragraph, check_transcript_size

__all__ = ["read_docx_paragraphs", "LIMITS"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLES = ("heading", "kop", "title", "titel")
# A .docx whose XML is larger than this when unpacked is refused (zip bomb).
_MAX_UNPACKED = 256 * 1024 * 1024

#: Limits that refuse a hostile .docx (E101) before it costs memory or minutes.
LIMITS = {
    "unpacked_bytes": _MAX_UNPACKED,  # all members together, and word/document.xml as read
    "ratio": 100,  # unpacked / compressed, for members above ratio_from bytes
    "ratio_from": 4 * 1024 * 1024,
    "elements": 3_000_000,  # XML elements in document.xml (a 3-hour transcript has ~200,000)
    "depth": 128,  # nesting of XML elements
}


def _check_container(path: Path) -> None:
    check_transcript_size(path)
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
            for info in zf.infolist():
                if info.file_size > LIMITS["ratio_from"] and info.file_size > LIMITS["ratio"] * max(info.compress_size, 1):
                    raise InputError(Errors.E101.format(path=path, reason=(
                        f"{info.filename} unpacks {info.file_size // max(info.compress_size, 1)} times its packed size "
                        f"(limit {LIMITS['ratio']}); refusing a possible zip bomb")))
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


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_RUN_TEXT = {W + "tab": "\t", W + "ptab": "\t", W + "cr": "\n", W + "noBreakHyphen": "-"}
# subtrees whose text is not part of the document as it reads now
_SKIP = {W + "del", W + "moveFrom", MC + "Fallback", W + "instrText", W + "delInstrText"}


class _Limited:
    """A member stream that refuses to unpack more than ``limit`` bytes or ``ratio`` x ``packed``."""

    def __init__(self, raw, path: Path, packed: int):
        self.raw, self.path, self.packed, self.read_bytes = raw, path, max(packed, 1), 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n if n and n > 0 else 1 << 16)
        self.read_bytes += len(data)
        if self.read_bytes > LIMITS["unpacked_bytes"]:
            raise InputError(Errors.E101.format(path=self.path, reason=(
                f"word/document.xml unpacks to more than {LIMITS['unpacked_bytes']} bytes; refusing a possible zip bomb")))
        if self.read_bytes > LIMITS["ratio_from"] and self.read_bytes > LIMITS["ratio"] * self.packed:
            raise InputError(Errors.E101.format(path=self.path, reason=(
                f"word/document.xml unpacks more than {LIMITS['ratio']} times its packed size; "
                "refusing a possible zip bomb")))
        return data


def _refuse_dtd(root, path: Path, member: str) -> None:
    """E101 when an XML part declares a DTD (``<!DOCTYPE``).

    Word never writes one. Its entities are not expanded (a bomb or a file
    read from disk), and an entity left unexpanded would silently cut the text
    that follows it out of the paragraph; so the whole file is refused.
    """
    if root.getroottree().docinfo.doctype:
        raise InputError(Errors.E101.format(path=path, reason=(
            f"{member} declares a DTD (<!DOCTYPE ...>), which Word never writes; its entities could hide or "
            "change text, so the file is refused; open and save it again in Word")))


def _styles(zf: zipfile.ZipFile, path: Path) -> tuple[dict[str, str], str]:
    """Paragraph style id -> name, and the default paragraph style's name."""
    from lxml import etree

    try:
        info = zf.getinfo("word/styles.xml")
    except KeyError:
        return {}, ""
    if info.file_size > 32 * 1024 * 1024:
        raise InputError(Errors.E101.format(path=path, reason=f"word/styles.xml is {info.file_size} bytes"))
    names, default = {}, ""
    with zf.open(info) as fh:
        for event, el in etree.iterparse(fh, events=("start", "end"), resolve_entities=False, no_network=True):
            if event == "start":
                if el.getparent() is None:
                    _refuse_dtd(el, path, "word/styles.xml")
                    if el.tag != W + "styles":
                        raise InputError(Errors.E101.format(path=path, reason="word/styles.xml is not a styles part"))
                continue
            if el.tag != W + "style":
                continue
            if el.get(W + "type") == "paragraph":
                name_el = el.find(W + "name")
                name = name_el.get(W + "val", "") if name_el is not None else ""
                names[el.get(W + "styleId", "")] = name
                if el.get(W + "default") in ("1", "true", "on"):
                    default = name
            el.clear()
    return names, default


def _stream_paragraphs(zf: zipfile.ZipFile, path: Path):
    """Yield ``(text, style_id)`` per paragraph, and count what was noticed in ``seen``."""
    from lxml import etree

    info = zf.getinfo("word/document.xml")
    seen = {"tables": 0, "insertions": 0, "text_boxes": 0}
    stack: list[str] = []
    paragraphs: list[list] = []  # open paragraphs: [pieces, style id, inside a table, inside a text box]
    skip = 0  # depth inside a subtree whose text is left out
    elements = 0
    with zf.open(info) as raw:
        events = etree.iterparse(_Limited(raw, path, info.compress_size), events=("start", "end"),
                                 resolve_entities=False, no_network=True, huge_tree=False)
        for event, el in events:
            tag = el.tag
            if event == "start":
                elements += 1
                if not stack:
                    _refuse_dtd(el, path, "word/document.xml")
                stack.append(tag)
                if elements > LIMITS["elements"]:
                    raise InputError(Errors.E101.format(path=path, reason=(
                        f"more than {LIMITS['elements']} XML elements; refusing a possible bomb")))
                if len(stack) > LIMITS["depth"]:
                    raise InputError(Errors.E101.format(path=path, reason=(
                        f"XML nested deeper than {LIMITS['depth']} levels")))
                if tag in _SKIP:
                    skip += 1
                elif tag == W + "p":
                    in_table = W + "tbl" in stack
                    in_box = W + "txbxContent" in stack
                    paragraphs.append([[], None, in_table, in_box])
                elif tag == W + "ins" and not skip:
                    seen["insertions"] += 1
                elif tag == W + "tbl" and stack.count(W + "tbl") == 1 and W + "txbxContent" not in stack:
                    seen["tables"] += 1
                continue
            # end
            stack.pop()
            if tag in _SKIP:
                skip -= 1
            elif skip or not paragraphs:
                pass
            elif tag == W + "t":
                paragraphs[-1][0].append(el.text or "")
            elif tag in _RUN_TEXT and el.getparent() is not None and el.getparent().tag == W + "r":
                paragraphs[-1][0].append(_RUN_TEXT[tag])
            elif tag == W + "br" and el.getparent() is not None and el.getparent().tag == W + "r":
                paragraphs[-1][0].append("\n" if el.get(W + "type", "textWrapping") == "textWrapping" else "")
            elif tag == W + "pStyle":
                paragraphs[-1][1] = el.get(W + "val")
            if tag == W + "p":
                pieces, style, in_table, in_box = paragraphs.pop()
                text = "".join(pieces)
                if len(text) > MAX_LINE_CHARS:
                    raise InputError(Errors.E108.format(path=path, line=f"paragraph {len(seen)}", limit=MAX_LINE_CHARS))
                if not in_table:
                    if in_box and text.strip():
                        seen["text_boxes"] += 1
                    yield text, style, seen
            if tag in (W + "r", W + "p", W + "tbl", W + "sdt") or len(stack) <= 2:
                # free what was read: the element and the siblings before it
                el.clear()
                parent = el.getparent()
                if parent is not None and len(stack) <= 3:
                    while el.getprevious() is not None:
                        del parent[0]


def _xml_reason(exc) -> str:
    """The parser's first fatal error, with its line and column (lxml's own message
    for a streamed parse is often just 'no element found')."""
    entries = [e for e in exc.error_log if e.level_name == "FATAL"] or list(exc.error_log)
    if entries:
        first = entries[0]
        return f"not well-formed XML at line {first.line}, column {first.column}: {first.message}"
    return f"not well-formed XML: {exc}"


def read_docx_paragraphs(path: str | Path) -> list[Paragraph]:
    """Paragraphs of a ``.docx`` transcript, in document order.

    Raises
    ------
    InputError
        If the file is missing, empty, encrypted, not a valid Word file, or
        above one of :data:`LIMITS` (E101).

    Warns
    -----
    UserWarning
        W100 (tables skipped), W105 (tracked insertions read as accepted),
        W106 (text boxes read as paragraphs of their own).
    """
    from lxml import etree

    path = Path(path)
    _check_container(path)
    paragraphs = []
    seen = {"tables": 0, "insertions": 0, "text_boxes": 0}
    try:
        with zipfile.ZipFile(path) as zf:
            names, default_name = _styles(zf, path)
            for number, (text, style_id, seen) in enumerate(_stream_paragraphs(zf, path), start=1):
                text = text.strip()
                if not text:
                    continue
                style = (names.get(style_id, default_name) if style_id else default_name) or ""
                paragraphs.append(Paragraph(text, number, heading=style.lower().startswith(_HEADING_STYLES)))
    except InputError:
        raise
    except etree.XMLSyntaxError as exc:
        raise InputError(Errors.E101.format(path=path, reason=_xml_reason(exc))) from None
    except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError(Errors.E101.format(path=path, reason=f"{type(exc).__name__}: {exc}")) from None
    except MemoryError:
        raise InputError(Errors.E101.format(path=path, reason="too large to read")) from None
    if seen["tables"]:
        warnings.warn(Warnings.W100.format(path=path, n=seen["tables"]), stacklevel=2)
    if seen["insertions"]:
        warnings.warn(Warnings.W105.format(path=path, n=seen["insertions"]), stacklevel=2)
    if seen["text_boxes"]:
        warnings.warn(Warnings.W106.format(path=path, n=seen["text_boxes"]), stacklevel=2)
    if not paragraphs:
        raise InputError(Errors.E100.format(path=path))
    return paragraphs
