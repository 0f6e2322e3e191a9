"""Plain text of sources and notes from inside a REFI-QDA archive.

``internal://x.txt`` is ``sources/x.txt``; a relative, absolute or
``file://`` path (non-conformant, but common) is tried as ``sources/<path>``,
``<path>`` and ``sources/<file name>`` — inside the archive only, never on
disk. Without plain text, the ``.txt`` beside the rich text is read, else the
text of the ``.docx``. Text is decoded as UTF-8 (a byte-order mark is removed
and reported), else cp1252, and kept verbatim: positions are code points into
exactly this text, CRLF and all.
"""
from __future__ import annotations

import re
import tempfile
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from ..errors import InputError
from ..model import Segment
from ._archive import Archive, fail
from ._codes import local_name
from ._common import NS_PROJECT

__all__ = ["SourceFiles", "position", "shifted", "segments"]

_NS = (NS_PROJECT, "")


def _kid(el: Element, name: str) -> Element | None:
    return next((c for c in el if local_name(c, _NS) == name), None)


class SourceFiles:
    """Finds and decodes the archive members a project refers to; ``used`` lists them."""

    def __init__(self, path: Path, archive: Archive, warn: Callable[[str, str], None]):
        self.path, self.archive, self.warn = path, archive, warn
        self.used: set[str] = set()

    def text(self, el: Element, name: str, what: str) -> str | None:
        """Plain text of a source or note from the archive, or None."""
        plain, rich = el.get("plainTextPath"), el.get("richTextPath")
        if plain:
            member = self.resolve(plain, name, what)
            if member is not None:
                return self.decode(member, name)
        content = _kid(el, "PlainTextContent")
        if content is not None:
            return content.text or ""
        if rich:
            member = self.resolve(rich, name, what)
            if member is None:
                return None
            beside = self.archive.find(str(PurePosixPath(member).with_suffix(".txt")))
            if beside:
                self.used.add(beside)
                self.warn("W400", f"{what} {name!r}: plain text read from {beside!r} beside the rich text")
                return self.decode(beside, name)
            if member.lower().endswith(".docx"):
                self.warn("W402", f"{what} {name!r} has only rich text; plain text extracted from {member!r} "
                                  f"(paragraphs joined by line breaks): selection positions may not match")
                return self.docx_text(member)
            self.warn("W401", f"{what} {name!r}: rich text {member!r} is not .docx; cannot read it")
        return None

    def resolve(self, value: str, name: str, what: str, quiet: bool = False) -> str | None:
        """The archive member a source path refers to (inside the archive only)."""
        value = value.strip()
        if value.startswith("internal://"):
            rel = value[len("internal://"):].replace("\\", "/")
            if rel.startswith("/") or ".." in rel.split("/"):
                raise fail(self.path, f"{what} {name!r}: path {value!r} escapes the sources folder (zip-slip)")
            member = self.archive.find("sources/" + rel)
            if member:
                self.used.add(member)
            return member
        path = unquote(value[7:] if value.lower().startswith("file://") else value).replace("\\", "/")
        tries = [] if path.startswith("/") or ".." in path.split("/") or re.match(r"^[A-Za-z]:", path) \
            else ["sources/" + path, path]
        tries.append("sources/" + PurePosixPath(path).name)
        for candidate in tries:
            member = self.archive.find(candidate) if PurePosixPath(candidate).name else None
            if member:
                self.used.add(member)
                if not quiet:
                    self.warn("W400", f"{what} {name!r}: path {value!r} is not an internal:// path; read "
                                      f"{member!r} from the archive")
                return member
        return None

    def decode(self, member: str, name: str) -> str:
        data = self.archive.read(member)
        for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
            if data.startswith(bom):
                self.warn("W402", f"{name!r}: byte-order mark removed from {member!r}; positions counted after it")
                data, forced = data[len(bom):], enc
                break
        else:
            forced = None
        for enc in ([forced] if forced else ["utf-8", "cp1252"]):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if enc == "cp1252":
                self.warn("W400", f"{member!r} is not UTF-8; decoded as cp1252")
            return text
        raise fail(self.path, f"{member!r} cannot be decoded as {forced or 'UTF-8 or cp1252'}")

    def docx_text(self, member: str) -> str:
        from ..ingest.docx import read_docx_paragraphs
        with tempfile.TemporaryDirectory(prefix="altena-qdpx-") as tmp:
            f = Path(tmp) / "source.docx"
            f.write_bytes(self.archive.read(member))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return "\n".join(p.text for p in read_docx_paragraphs(f))
            except InputError as exc:
                if exc.code == "E100":  # a Word file without text
                    return ""
                raise fail(self.path, f"{member!r}: {str(exc).split(': ', 1)[-1]}") from None


def position(sel: Element, attr: str, path: Path) -> int:
    value = (sel.get(attr) or "").strip()
    if not re.fullmatch(r"[+-]?\d{1,18}", value):
        raise fail(path, f"selection {sel.get('guid')}: {attr} {value!r} is not an integer")
    return int(value)


def shifted(name: str | None, text: str, start: int, end: int) -> bool:
    """True if the selection's name quotes the text, but not at the selection."""
    quote = " ".join((name or "").replace("…", " ").replace("...", " ").split())
    if len(quote) < 12 or " " not in quote:
        return False  # a label such as 'line:6', not a quote
    span = " ".join(text[start:end].split())
    if span.startswith(quote) or quote.startswith(span):
        return False
    return quote in " ".join(text.split())


def segments(doc_id: str, text: str, headings: Iterable[int] = ()) -> list[Segment]:
    """Speaker turns if the text is a transcript we can segment unchanged, else one per paragraph."""
    from ..ingest.segment import segment_paragraphs
    from ..ingest.text import Paragraph
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            heads = set(headings)
            doc = segment_paragraphs([Paragraph(line, i, heading=i in heads)
                                      for i, line in enumerate(text.split("\n"), start=1)], doc_id)
        if doc.text == text:
            return doc.segments
    except InputError:  # no speaker labels: paragraphs it is
        pass
    out: list[Segment] = []
    for m in re.finditer(r"[^\n]+", text):
        line, number = m.group(0), text.count("\n", 0, m.start()) + 1
        lead = len(line) - len(line.lstrip())
        stripped = line.strip()
        if stripped:
            start = m.start() + lead
            out.append(Segment(doc_id, len(out), "other", 0, start, start + len(stripped), {"paragraph": str(number)}))
    return out
