"""Safe reading of REFI-QDA archives: zip members and XML, within limits.

Nothing is ever extracted to disk: members are read into memory, through
these checks, each raising :class:`~altena_qca.errors.InputError` (E400,
naming the archive):

* member names that would escape a target folder (``../``, absolute paths,
  drive letters, backslash tricks, symbolic links) — *zip-slip*;
* duplicate or encrypted members, too many members;
* an absurd size or compression ratio (*zip bomb*), checked on the declared
  sizes and again while reading, since headers can lie;
* XML with a DTD, entity declarations or external references (parsed with
  ``defusedxml``, DTDs forbidden), malformed or too deeply nested XML.

The limits are module constants so tests can lower them.
"""
from __future__ import annotations

import io
import lzma
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DET

from ..errors import Errors, InputError

__all__ = ["Archive", "parse_xml", "iter_xml", "fail", "MAX_ARCHIVE_BYTES", "MAX_MEMBERS", "MAX_MEMBER_BYTES",
           "MAX_TOTAL_BYTES", "MAX_RATIO", "MAX_XML_DEPTH"]

#: Largest archive accepted, on disk.
MAX_ARCHIVE_BYTES = 1 << 30
#: Most members accepted in one archive.
MAX_MEMBERS = 20_000
#: Largest single member, unpacked.
MAX_MEMBER_BYTES = 256 << 20
#: Largest sum of unpacked members.
MAX_TOTAL_BYTES = 1 << 30
#: Largest unpacked/packed ratio of a member above :data:`_RATIO_FLOOR` bytes.
MAX_RATIO = 100
_RATIO_FLOOR = 1 << 20
#: Deepest XML nesting accepted (a code tree is rarely deeper than 10).
MAX_XML_DEPTH = 256

_DRIVE = re.compile(r"^[A-Za-z]:")
# Errors zipfile and its decompressors raise on damaged or odd archives.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
               zlib.error, lzma.LZMAError, EOFError, OSError, ValueError, struct.error, KeyError)


def fail(path: str | Path, reason: str) -> InputError:
    """The E400 error for archive ``path`` (returned, to be raised)."""
    return InputError(Errors.E400.format(path=path, reason=reason))


def _unsafe_name(name: str) -> str | None:
    """Why a member name is unsafe to use as a path, or None."""
    if not name or "\x00" in name:
        return "an empty name or a NUL byte"
    norm = name.replace("\\", "/")
    if norm.startswith("/") or _DRIVE.match(norm):
        return "an absolute path"
    if any(part == ".." for part in norm.split("/")):
        return "a '..' component that escapes the folder"
    return None


class Archive:
    """A validated zip archive whose members are read into memory.

    Parameters
    ----------
    path
        The ``.qdpx`` (or other zip) file.

    Raises
    ------
    InputError
        If the file is missing, not a zip, or fails one of the checks in the
        module docstring.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._read_total = 0
        if not self.path.is_file():
            raise fail(self.path, "file not found")
        size = self.path.stat().st_size
        if size == 0:
            raise fail(self.path, "file is empty")
        if size > MAX_ARCHIVE_BYTES:
            raise fail(self.path, f"archive is {size} bytes, above the limit of {MAX_ARCHIVE_BYTES}")
        try:
            self._zip = zipfile.ZipFile(self.path)
            infos = self._zip.infolist()
        except _ZIP_ERRORS as exc:
            raise fail(self.path, f"not a readable zip archive ({type(exc).__name__}: {exc})") from None
        self._check(infos)
        self.infos = {i.filename.replace("\\", "/"): i for i in infos if not i.is_dir()}

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > MAX_MEMBERS:
            raise fail(self.path, f"{len(infos)} members, above the limit of {MAX_MEMBERS}")
        seen: set[str] = set()
        total = 0
        for info in infos:
            why = _unsafe_name(info.filename)
            if why:
                raise fail(self.path, f"member {info.filename!r} has {why} (zip-slip); refusing the archive")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise fail(self.path, f"member {info.filename!r} is a symbolic link (zip-slip); refusing the archive")
            key = info.filename.replace("\\", "/")
            if key in seen:
                raise fail(self.path, f"member {info.filename!r} occurs twice")
            seen.add(key)
            if info.flag_bits & 0x1:
                raise fail(self.path, f"member {info.filename!r} is encrypted")
            if info.file_size > MAX_MEMBER_BYTES:
                raise fail(self.path, f"member {info.filename!r} unpacks to {info.file_size} bytes, above the "
                                      f"limit of {MAX_MEMBER_BYTES} (zip bomb?)")
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise fail(self.path, f"member {info.filename!r} has a compression ratio of "
                                      f"{info.file_size // max(info.compress_size, 1)}:1, above {MAX_RATIO}:1 "
                                      f"(zip bomb?)")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise fail(self.path, f"archive unpacks to {total} bytes, above the limit of {MAX_TOTAL_BYTES} (zip bomb?)")

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def names(self) -> list[str]:
        return sorted(self.infos)

    def find(self, name: str) -> str | None:
        """The member called ``name`` (``./`` and backslashes ignored), or None."""
        key = posixpath.normpath(name.replace("\\", "/")).lstrip("/")
        if key.startswith("./"):
            key = key[2:]
        return key if key in self.infos else None

    def read(self, name: str) -> bytes:
        """The bytes of member ``name``, read within the size limits."""
        info = self.infos[name]
        limit = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self._read_total)
        try:
            with self._zip.open(info) as fh:
                data = fh.read(limit + 1)
        except _ZIP_ERRORS as exc:
            raise fail(self.path, f"cannot read member {name!r} ({type(exc).__name__}: {exc})") from None
        if len(data) > limit:
            raise fail(self.path, f"member {name!r} unpacks to more than {limit} bytes (zip bomb?)")
        self._read_total += len(data)
        return data

    def open(self, name: str) -> io.RawIOBase:
        """A stream of member ``name`` that enforces the size limits while it is read."""
        try:
            stream = self._zip.open(self.infos[name])
        except _ZIP_ERRORS as exc:
            raise fail(self.path, f"cannot read member {name!r} ({type(exc).__name__}: {exc})") from None
        return _Limited(self, name, stream, min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self._read_total))


class _Limited(io.RawIOBase):
    """A zip member stream that refuses to unpack more than ``limit`` bytes (headers can lie)."""

    def __init__(self, archive: Archive, name: str, stream, limit: int):
        self.archive, self.name, self.stream, self.limit, self.seen = archive, name, stream, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.stream.read(min(len(buffer), self.limit + 1 - self.seen))
        except _ZIP_ERRORS as exc:
            raise fail(self.archive.path, f"cannot read member {self.name!r} ({type(exc).__name__}: {exc})") from None
        self.seen += len(data)
        if self.seen > self.limit:
            raise fail(self.archive.path, f"member {self.name!r} unpacks to more than {self.limit} bytes (zip bomb?)")
        self.archive._read_total += len(data)
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


_FORBIDDEN = (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden,
              defusedxml.NotSupportedError)
# ValueError/UnicodeError: e.g. an unknown encoding declaration
_XML_ERRORS = (*_FORBIDDEN, ParseError, ValueError, UnicodeError)


def _xml_failure(exc: Exception, path: str | Path, member: str) -> InputError:
    """The one-line input error for an XML parser's exception (shared by the tree and the streaming reader)."""
    if isinstance(exc, _FORBIDDEN):
        return fail(path, f"{member} declares a DTD, entities or external references ({type(exc).__name__}); "
                          f"refusing it (entity expansion / external entity attack)")
    if isinstance(exc, ParseError):
        return fail(path, f"{member} is not well-formed XML ({exc})")
    return fail(path, f"{member} cannot be decoded as XML ({exc})")


def iter_xml(archive: Archive, member: str) -> Iterator[tuple[str, Element, int]]:
    """Stream a member's XML as ``(event, element, depth)``, safely, for ``start`` and ``end`` events.

    The same refusals as :func:`parse_xml` (no DTD, no entities, no external
    references, well-formed, at most :data:`MAX_XML_DEPTH` deep), but the
    document is never whole in memory: the caller clears what it has read.
    The root element has depth 1.
    """
    path = archive.path
    depth = 0
    with archive.open(member) as stream:
        events = DET.iterparse(stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True,
                               forbid_external=True)
        try:
            for event, el in events:
                if event == "start":
                    depth += 1
                    if depth > MAX_XML_DEPTH:
                        raise fail(path, f"{member} nests elements deeper than {MAX_XML_DEPTH} levels")
                    yield event, el, depth
                else:
                    yield event, el, depth
                    depth -= 1
        except InputError:
            raise
        except _XML_ERRORS as exc:
            raise _xml_failure(exc, path, member) from None


def parse_xml(data: bytes, path: str | Path, member: str) -> Element:
    """Parse XML safely: no DTD, no entities, no external references.

    Raises
    ------
    InputError
        For a DTD or entity declaration (entity expansion, external
        entities), malformed XML or nesting deeper than
        :data:`MAX_XML_DEPTH`.
    """
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except _XML_ERRORS as exc:
        raise _xml_failure(exc, path, member) from None
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_XML_DEPTH:
            raise fail(path, f"{member} nests elements deeper than {MAX_XML_DEPTH} levels")
        stack.extend((child, depth + 1) for child in el)
    return root
