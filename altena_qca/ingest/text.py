"""Read a plain-text transcript into paragraphs, streamed with bounded memory.

The encoding is settled before any paragraph is handed out, so a reader never
sees half a file in one encoding and half in another:

1. the first bytes decide on a byte-order mark (UTF-8: removed and reported,
   UTF-16: decoded as such) and refuse binary files (NUL bytes: a Word file or
   PDF renamed to ``.txt``);
2. one streamed pass checks that the *whole* file is valid UTF-8 with an
   incremental decoder (a multi-byte character may straddle two chunks) and
   holds no NUL character anywhere: a NUL is never text, so a file with one
   after the first 8 KB (a damaged file, or text with binary data appended)
   is refused like a binary file (E103, naming the byte offset), not read
   with the NUL inside a paragraph;
3. if it is not, the whole file is read as cp1252 — the encoding Word uses
   when a Dutch user saves "plain text" on Windows — reported as a warning; a
   byte cp1252 does not define either is an error naming its offset. (A file
   mixing both reads as cp1252 throughout, so its UTF-8 letters show as 'Ã«':
   one encoding per file keeps offsets and codings consistent);
4. iterating the result decodes the file again, chunk by chunk, and yields one
   :class:`Paragraph` per non-empty line.

Only one chunk (1 MiB) and one line are held at a time, so reading a 200 MB
transcript costs a few MB on top of what the caller keeps. A line longer than
:data:`MAX_LINE_CHARS` is refused (E108): no transcript has a 1-million-character
paragraph, but a binary or one-line dump does.

A line starting with ``#`` is a heading; every other non-empty line is a
paragraph. Line numbers follow :meth:`str.splitlines`.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "R01.txt"
>>> _ = p.write_bytes("# Deel 1\\nI: Hoe gaat het?\\r\\n\\nR: Goed, dankjewel.\\n".encode("utf-8"))
>>> paragraphs, encoding = read_text_paragraphs(p)
>>> encoding, [(x.number, x.heading, x.text) for x in paragraphs]
('utf-8', [(1, True, 'Deel 1'), (2, False, 'I: Hoe gaat het?'), (4, False, 'R: Goed, dankjewel.')])
"""
from __future__ import annotations

import codecs
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .._io import check_input_file
from ..errors import Errors, InputError, Warnings

__all__ = ["Paragraph", "TextParagraphs", "read_text_paragraphs", "decode_text", "check_input_file",
           "MAX_TRANSCRIPT_BYTES", "MAX_LINE_CHARS"]

#: Refuse transcripts above this size (bytes); a 50-60 minute interview is ~60 kB.
MAX_TRANSCRIPT_BYTES = 512 * 1024 * 1024
#: Refuse a line (paragraph) longer than this many characters.
MAX_LINE_CHARS = 1_000_000
#: Bytes read at a time.
CHUNK_BYTES = 1 << 20

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_PREFIX = 8192
# str.splitlines() breaks on these; '\r' may be the first half of '\r\n'.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph as typed; ``number`` is its 1-based line or paragraph number."""

    text: str
    number: int
    heading: bool = False


def _sniff(prefix: bytes, path) -> tuple[str | None, int]:
    """(encoding or None for 'try UTF-8, then cp1252', bytes to skip)."""
    for bom, encoding in _BOMS:
        if prefix.startswith(bom):
            return encoding, len(bom)
    nul = prefix.find(b"\0")
    if nul >= 0:
        raise _binary(path, nul)
    return None, 0


def decode_text(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode transcript bytes held in memory; return (text, encoding).

    The same rules as :func:`read_text_paragraphs`, for bytes already read
    (e.g. from a REFI-QDA project).
    """
    encoding, skip = _sniff(data[:_PREFIX], path)
    if skip and encoding == "utf-8":
        warnings.warn(Warnings.W103.format(path=path), stacklevel=2)
    data = data[skip:]
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            bad = _BadByte(exc.start + skip, data[exc.start] if exc.end - exc.start == 1 else None)
            raise InputError(Errors.E103.format(path=path, reason=bad.reason(encoding))) from None
        return _no_nul(text, encoding, skip, path), _label(encoding)
    try:
        return _no_nul(data.decode("utf-8"), "utf-8", skip, path), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        bad = _BadByte(exc.start + skip, data[exc.start])
        raise InputError(Errors.E103.format(path=path, reason=bad.reason("UTF-8 or cp1252"))) from None
    text = _no_nul(text, "cp1252", skip, path)
    warnings.warn(Warnings.W101.format(path=path), stacklevel=2)
    return text, "cp1252"


def _no_nul(text: str, encoding: str, skip: int, path) -> str:
    """``text``, or E103 naming the file offset of its first NUL character."""
    nul = text.find("\0")
    if nul >= 0:
        raise _binary(path, skip + len(text[:nul].encode(encoding)))
    return text


def _read_chunks(fh, skip: int) -> Iterator[bytes]:
    fh.seek(skip)
    while True:
        chunk = fh.read(CHUNK_BYTES)
        if not chunk:
            return
        yield chunk


class _BadByte(Exception):
    """A byte the encoding cannot decode, at an absolute file offset."""

    def __init__(self, offset: int, value: int | None):
        super().__init__(offset)
        self.offset, self.value = offset, value

    def reason(self, encoding: str) -> str:
        what = f"byte 0x{self.value:02x}" if self.value is not None else "an unfinished character"
        return f"{what} at offset {self.offset} is not valid {encoding}"


def _binary(path, offset: int) -> InputError:
    return InputError(Errors.E103.format(
        path=path, reason=f"binary data (NUL byte at offset {offset}); is it a Word, PDF or other "
                          "non-text file renamed to .txt, or a damaged file?"))


class _NulByte(Exception):
    """A NUL character (never text) at an absolute file offset."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


def _check_stream(fh, encoding: str, skip: int) -> bool:
    """Decode the whole file once, keeping nothing; return whether it has
    any non-blank text. Raises :class:`_BadByte` on the first bad byte and
    :class:`_NulByte` on the first NUL character, wherever it is (the first
    8 KB are also checked before decoding, by :func:`_sniff`)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset, content = skip, False
    for chunk in _read_chunks(fh, skip):
        pending_before = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            # exc.start is relative to the decoder's buffer: pending bytes + chunk.
            pending = len(exc.object) - len(chunk)
            raise _BadByte(offset - pending + exc.start, exc.object[exc.start]) from None
        nul = text.find("\0")
        if nul >= 0:
            raise _NulByte(offset - pending_before + len(text[:nul].encode(encoding)))
        content = content or not text.isspace() and bool(text)
        offset += len(chunk)
    try:
        text = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:  # the file ends inside a multi-byte character
        raise _BadByte(offset - len(exc.object) + exc.start, None) from None
    return content or (bool(text) and not text.isspace())


def _check_encoding(fh, encoding: str | None, skip: int) -> tuple[str, bool]:
    """(encoding, has content) for the whole file; see the module docstring."""
    if encoding is not None:
        return encoding, _check_stream(fh, encoding, skip)
    try:
        return "utf-8", _check_stream(fh, "utf-8", skip)
    except _BadByte:
        return "cp1252", _check_stream(fh, "cp1252", skip)


def _label(encoding: str) -> str:
    return "utf-16" if encoding.startswith("utf-16") else encoding


class TextParagraphs:
    """The paragraphs of a ``.txt`` transcript, read lazily.

    Each iteration streams the file again (an iterable, not an iterator), so
    the object can be passed around like the list it replaces without holding
    the text. Build one with :func:`read_text_paragraphs`, which has already
    checked the encoding.
    """

    def __init__(self, path: Path, encoding: str, skip: int):
        self.path, self.encoding, self._skip = path, encoding, skip

    def __repr__(self) -> str:
        return f"TextParagraphs({str(self.path)!r}, encoding={self.encoding!r})"

    def lines(self) -> Iterator[str]:
        """Every line of the file (as :meth:`str.splitlines` gives them)."""
        for piece in self._pieces():
            yield piece.rstrip(_BREAKS) if piece[-1:] in _BREAKS else piece

    def _pieces(self) -> Iterator[str]:
        """The lines with their line breaks."""
        try:
            yield from self._read()
        except OSError as exc:
            raise InputError(Errors.E109.format(path=self.path, reason=exc.strerror or type(exc).__name__)) from None
        except UnicodeDecodeError:  # only if the file changed after it was checked
            raise InputError(Errors.E103.format(path=self.path, reason="file changed while being read")) from None

    def _read(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        carry, number = "", 0
        with self.path.open("rb") as fh:
            chunks = _read_chunks(fh, self._skip)
            final = False
            while not final:
                chunk = next(chunks, None)
                final = chunk is None
                text = carry + decoder.decode(chunk or b"", final=final)
                pieces = text.splitlines(keepends=True)
                carry = ""
                # Keep back an unfinished last line, and a lone '\r' that may be
                # the first half of a '\r\n' split across two chunks.
                if pieces and not final and (pieces[-1][-1] not in _BREAKS or pieces[-1].endswith("\r")):
                    carry = pieces.pop()
                for piece in pieces:
                    number += 1
                    self._check_length(piece, number)
                    yield piece
                self._check_length(carry, number + 1)

    def _check_length(self, line: str, number: int) -> None:
        if len(line) > MAX_LINE_CHARS:
            raise InputError(Errors.E108.format(path=self.path, line=number, limit=MAX_LINE_CHARS))

    def __iter__(self) -> Iterator[Paragraph]:
        for number, line in enumerate(self._pieces(), start=1):
            line = line.strip()  # line breaks are whitespace to str.strip
            if not line:
                continue
            if line.startswith("#"):
                yield Paragraph(line.lstrip("#").strip(), number, heading=True)
            else:
                yield Paragraph(line, number)


def check_transcript_size(path: Path) -> int:
    """The size of a transcript file; E106 when missing, E109 when it is no regular file (a folder,
    a named pipe), E100 when empty, E107 above the limit.

    The first check of every transcript reader (``.txt`` here, ``.docx`` in
    :mod:`~altena_qca.ingest.docx`).
    """
    size = check_input_file(path).stat().st_size
    if size == 0:
        raise InputError(Errors.E100.format(path=path))
    if size > MAX_TRANSCRIPT_BYTES:
        raise InputError(Errors.E107.format(path=path, size=size, limit=MAX_TRANSCRIPT_BYTES))
    return size


def read_text_paragraphs(path: str | Path) -> tuple[TextParagraphs, str]:
    """Paragraphs of a ``.txt`` transcript and the encoding it is read in.

    The whole file is checked here (one streamed pass, two when it falls back
    to cp1252); the paragraphs are read when iterated. ``encoding`` is
    ``utf-8``, ``utf-16`` or ``cp1252``.

    Raises
    ------
    InputError
        If the file is missing (E106), unreadable (E109), empty (E100), too
        large (E107), binary or not decodable (E103, naming the byte offset),
        or has an absurdly long line (E108, raised while iterating).

    Warns
    -----
    UserWarning
        W103 when a UTF-8 byte-order mark is removed, W101 when the file is
        read as cp1252.
    """
    path = Path(path)
    try:
        check_transcript_size(path)
        with path.open("rb") as fh:
            encoding, skip = _sniff(fh.read(_PREFIX), path)
            try:
                encoding, content = _check_encoding(fh, encoding, skip)
            except _BadByte as bad:
                tried = encoding or "UTF-8 or cp1252"
                raise InputError(Errors.E103.format(path=path, reason=bad.reason(tried))) from None
            except _NulByte as nul:
                raise _binary(path, nul.offset) from None
    except OSError as exc:
        raise InputError(Errors.E109.format(path=path, reason=exc.strerror or type(exc).__name__)) from None
    if not content:
        raise InputError(Errors.E100.format(path=path))
    if skip and encoding == "utf-8":
        warnings.warn(Warnings.W103.format(path=path), stacklevel=2)
    if encoding == "cp1252":
        warnings.warn(Warnings.W101.format(path=path), stacklevel=2)
    return TextParagraphs(path, encoding, skip), _label(encoding)
