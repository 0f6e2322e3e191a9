"""The output guard: scan written files (also inside zips, Word and XML) for known names."""
from __future__ import annotations

import html
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import Errors, InputError
from .terms import _clean_term, _terms_regex

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
    """The text as written, and as read with XML tags and escapes undone."""
    text = unicodedata.normalize("NFC", text)
    yield text
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


def _scan_bytes(data: bytes, where: str, depth: int) -> Iterator[tuple[str, str]]:
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


def _sources(items: Iterable) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every string, file, zip member and file name."""
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
        hyphen between words.

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
    for where, text in _sources(texts_or_paths):
        for variant in _variants(text):
            for term, pattern in patterns.items():
                if (where, term) not in found and pattern.search(variant):
                    found[(where, term)] = None
    return list(found)
