"""The output guard: scan written files (also inside zips, Word and XML) for known names."""
from __future__ import annotations

import html
import io
import os
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import Errors, InputError
from .terms import _clean_term, _terms_regex
from .textview import normalised_view

_XML_TAG_RE = re.compile(r"<[^>]*>")
_MAX_ZIP_DEPTH = 3


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _variants(text: str) -> Iterator[str]:
    """The text as written; as a reader reads it; with XML tags and escapes undone."""
    text = unicodedata.normalize("NFC", text)
    yield text
    # '_' joins words in ids and file names ('R01_Jan_Jansen'); invisible
    # characters, fullwidth letters and look-alikes hide a name from a plain search
    read = normalised_view(text).text.replace("_", " ")
    if read != text:
        yield read
    if "\\u" in text:
        yield re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    if "&" in text or "<" in text:
        plain = html.unescape(text)
        yield plain
        if "<" in text:
            # Word splits a word over runs ('<w:t>Ja</w:t>...<w:t>n</w:t>'):
            # join the pieces; and separate them, for words in adjacent cells.
            yield html.unescape(_XML_TAG_RE.sub("", text))
            yield html.unescape(_XML_TAG_RE.sub(" ", text))


_PNG = b"\x89PNG\r\n\x1a\n"


def _png_text(data: bytes) -> str:
    """The text chunks of a PNG (tEXt, zTXt, iTXt: the image's metadata), decompressed."""
    out, pos = [], len(_PNG)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        try:
            if kind == b"tEXt":
                out.append(body.replace(b"\0", b" ").decode("latin-1"))
            elif kind == b"zTXt":
                keyword, _, rest = body.partition(b"\0")
                out.append(keyword.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1"))
            elif kind == b"iTXt":
                keyword, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                language, _, rest = rest.partition(b"\0")
                translated, _, text = rest.partition(b"\0")
                text = zlib.decompress(text) if compressed else text
                out.append(" ".join(p.decode("utf-8", "replace") for p in (keyword, language, translated, text)))
        except (zlib.error, IndexError):
            out.append(body.decode("latin-1"))  # a broken chunk: its bytes as they are
    return "\n".join(out)


def _scan_bytes(data: bytes, where: str, depth: int) -> Iterator[tuple[str, str]]:
    if data.startswith(_PNG):
        yield where, _png_text(data)
        return
    if data[:4] == b"PK\x03\x04" and depth < _MAX_ZIP_DEPTH:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            archive = None
        if archive is not None:
            with archive:
                for info in archive.infolist():
                    inner = f"{where}!{info.filename}"
                    yield inner, info.filename
                    if not info.is_dir():
                        yield from _scan_bytes(archive.read(info), inner, depth + 1)
            return
    yield where, _decode(data)


def output_texts(items: Iterable) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every string, file, zip member and file name (what :func:`find_leaks` reads).

    Folders are read recursively, zip containers (``.docx``, ``.xlsx``,
    ``.qdpx``) member by member, PNG images as their text chunks.
    """
    for i, item in enumerate(items):
        if isinstance(item, str):
            yield f"<text {i}>", item
            continue
        path = Path(item)
        if not path.exists():
            raise InputError(Errors.E106.format(path=path))
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            yield f"{f} (file name)", f.name
            yield from _scan_bytes(f.read_bytes(), str(f), 0)


def find_leaks(texts_or_paths: str | os.PathLike | Iterable[str | os.PathLike],
               terms: Iterable[str]) -> list[tuple[str, str]]:
    """Where any of ``terms`` occurs in strings or files (the output guard).

    Parameters
    ----------
    texts_or_paths
        Strings (scanned as text) and paths (files, or folders scanned
        recursively). Zip containers (``.docx``, ``.xlsx``, ``.qdpx``,
        ``.zip``, ...) are opened and their members scanned, nested zips
        too; XML (docx/xlsx parts, ``.svg``, ``.graphml``) is also read with
        its tags and escapes removed, so a name split over Word runs is
        found. File and member names are scanned as well.
    terms
        Names or other originals, e.g. the values of ``Pseudonymiser.key_``;
        matched case-insensitively on word boundaries, any whitespace or
        hyphen between words. The text is also read as a person reads it
        (:func:`~.textview.normalised_view`: invisible characters dropped,
        fullwidth and look-alike letters read as Latin) with ``_`` as a
        space, so 'R01_Jan_Jansen' and 'P\u200diet' are found. PNG images
        are searched in their text chunks (metadata).

    Returns
    -------
    list of (str, str)
        ``(where, term)`` once per place and term, in scan order. ``where`` is
        ``<text i>`` for the i-th string, else the path, with ``!member``
        for zip members.

    Raises
    ------
    InputError
        If a path does not exist.

    Notes
    -----
    Text drawn as outlines (matplotlib's default ``svg.fonttype='path'``)
    and compressed PDF streams cannot be read: render figures with
    ``svg.fonttype='none'`` for the guard to see their text.

    Examples
    --------
    >>> find_leaks(["In januari belde Jan.", "Geen namen hier."], ["Jan", "de Vries"])
    [('<text 0>', 'Jan')]
    >>> find_leaks(["document R01_Jan_Jansen", "P\u200diet de V\u200cries"], ["Jansen", "de Vries"])
    [('<text 0>', 'Jansen'), ('<text 1>', 'de Vries')]
    """
    if isinstance(texts_or_paths, (str, os.PathLike)):
        texts_or_paths = [texts_or_paths]
    patterns = {}
    for term in terms:
        term = _clean_term(term)
        if term and term not in patterns:
            pattern = _terms_regex([term])
            if pattern is not None:
                patterns[term] = pattern
    found: dict[tuple[str, str], None] = {}
    for where, text in output_texts(texts_or_paths):
        for variant in _variants(text):
            for term, pattern in patterns.items():
                if (where, term) not in found and pattern.search(variant):
                    found[(where, term)] = None
    return list(found)
