"""Read a plain-text transcript into paragraphs.

UTF-8 is tried first (a byte-order mark is removed and reported), then
cp1252, the encoding Word uses when a Dutch user saves "plain text" on
Windows; which one was used is reported as a warning.

A line starting with ``#`` is a heading; every other non-empty line is a
paragraph.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import Errors, InputError, Warnings

__all__ = ["Paragraph", "read_text_paragraphs", "decode_text"]

#: Refuse transcripts above this size (bytes); a 50-60 minute interview is ~60 kB.
MAX_TRANSCRIPT_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Paragraph:
    """One paragraph as typed; ``number`` is its 1-based line or paragraph number."""

    text: str
    number: int
    heading: bool = False


def decode_text(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode transcript bytes; return (text, encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        warnings.warn(Warnings.W103.format(path=path), stacklevel=3)
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(Errors.E103.format(path=path, reason=str(exc))) from None
    warnings.warn(Warnings.W101.format(path=path), stacklevel=3)
    return text, "cp1252"


def read_text_paragraphs(path: str | Path) -> tuple[list[Paragraph], str]:
    """Paragraphs of a ``.txt`` transcript and the encoding it was read in.

    Raises
    ------
    InputError
        If the file is missing, empty, too large or not decodable.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Errors.E106.format(path=path))
    size = path.stat().st_size
    if size == 0:
        raise InputError(Errors.E100.format(path=path))
    if size > MAX_TRANSCRIPT_BYTES:
        raise InputError(Errors.E107.format(path=path, size=size, limit=MAX_TRANSCRIPT_BYTES))
    text, encoding = decode_text(path.read_bytes(), path)
    if not text.strip():
        raise InputError(Errors.E100.format(path=path))
    paragraphs = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            paragraphs.append(Paragraph(line.lstrip("#").strip(), number, heading=True))
        else:
            paragraphs.append(Paragraph(line, number))
    return paragraphs, encoding
