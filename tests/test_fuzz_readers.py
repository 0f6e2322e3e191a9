"""Fuzz the transcript readers: any bytes give a Document or an InputError, nothing else.

Bounded (100 cases per reader) so the suite stays fast; dig deeper locally
with ``ALTENA_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz_readers.py``.
"""
from __future__ import annotations

import functools
import io
import os
import warnings
import zipfile

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altena_qca.errors import InputError
from altena_qca.ingest import read_transcript
from altena_qca.model import Document

FUZZ = settings(max_examples=int(os.environ.get("ALTENA_FUZZ_EXAMPLES", "100")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def _read(path):
    """read_transcript, allowing only success or InputError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            doc = read_transcript(path, "R01")
        except InputError as exc:
            assert str(exc).startswith("[E") and "\n" not in str(exc)
            return None
    assert isinstance(doc, Document)
    for s in doc.segments:
        assert 0 <= s.start <= s.end <= len(doc.text)
    return doc


@functools.lru_cache(maxsize=1)
def _valid_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("Deel 1: Kennismaking", style="Heading 1")
    d.add_paragraph("Interviewer: [00:00:05] Wat is uw huidige functie?")
    d.add_paragraph("Respondent: Ik ben wijkverpleegkundige – in Altena.")
    d.add_table(rows=1, cols=1).cell(0, 0).text = "tabel"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@FUZZ
@given(data=st.binary(max_size=2000) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_txt_reader_never_crashes(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("txt") / "R01.txt"
    p.write_bytes(data)
    _read(p)


@FUZZ
@given(lines=st.lists(st.tuples(st.sampled_from(["I: ", "R: ", "O: ", "Piet: ", "# ", "", "[00:01] ", "[bron: x] "]),
                                st.text(max_size=40)), max_size=20),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_txt_with_transcript_like_lines_never_crashes(tmp_path_factory, lines, encoding):
    text = "\n".join(label + body for label, body in lines)
    p = tmp_path_factory.mktemp("txt") / "R01.txt"
    p.write_bytes(text.encode(encoding, "replace"))
    _read(p)


@FUZZ
@given(cuts=st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=8)), min_size=1, max_size=4),
       truncate=st.none() | st.integers(0, 10**6))
def test_docx_container_mutations_never_crash(tmp_path_factory, cuts, truncate):
    data = bytearray(_valid_docx())
    for pos, new in cuts:
        pos %= len(data)
        data[pos:pos + len(new)] = new
    if truncate is not None:
        data = data[:truncate % len(data)]
    p = tmp_path_factory.mktemp("docx") / "R01.docx"
    p.write_bytes(bytes(data))
    _read(p)


@FUZZ
@given(member=st.sampled_from(["word/document.xml", "word/styles.xml", "[Content_Types].xml",
                               "word/_rels/document.xml.rels", "_rels/.rels"]),
       edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 40),
                                st.sampled_from([b"", b"<", b">", b"</w:p>", b"<w:p>", b"&", b"\x00", b"\xff",
                                                 b"w:val=\"", b"Heading1", b"R: x"])),
                      min_size=1, max_size=3),
       drop=st.booleans())
def test_docx_xml_mutations_never_crash(tmp_path_factory, member, edits, drop):
    """Well-formed zips with broken or missing XML inside: what a crashed Word save leaves."""
    src = zipfile.ZipFile(io.BytesIO(_valid_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == member:
                if drop:
                    continue
                blob = bytearray(blob)
                for pos, length, new in edits:
                    pos %= max(len(blob), 1)
                    blob[pos:pos + length] = new
                blob = bytes(blob)
            z.writestr(info.filename, blob)
    p = tmp_path_factory.mktemp("docx") / "R01.docx"
    p.write_bytes(out.getvalue())
    _read(p)


# -- what the fuzzer found, kept as plain regression tests --------------------

def _rezip(replace: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_valid_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
    return out.getvalue()


def _flag_encrypted(data: bytes, member: str) -> bytes:
    """Set the 'encrypted' bit of ``member`` in its local and central headers."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    out[info.header_offset + 6] |= 1
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        n = int.from_bytes(out[pos + 28:pos + 30], "little")
        if out[pos + 46:pos + 46 + n] == member.encode():
            out[pos + 8] |= 1
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def _damage_deflate_stream(data: bytes, member: str) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return data[:start] + b"\xff\xff\xff\xff" + data[start + 4:]


def _docx_file(tmp_path, data: bytes):
    p = tmp_path / "R01.docx"
    p.write_bytes(data)
    return p


def test_zip_member_flagged_encrypted_is_password_protection(tmp_path):
    p = _docx_file(tmp_path, _flag_encrypted(_rezip(), "word/document.xml"))
    with pytest.raises(InputError, match=r"E102.*R01.docx"):
        read_transcript(p)


def test_damaged_deflate_stream(tmp_path):
    p = _docx_file(tmp_path, _damage_deflate_stream(_rezip(), "word/document.xml"))
    with pytest.raises(InputError, match=r"E101.*R01.docx"):
        read_transcript(p)


def test_broken_styles_part_surfacing_late(tmp_path):
    p = _docx_file(tmp_path, _rezip({"word/styles.xml": b"<root/>"}))
    with pytest.raises(InputError, match=r"E101.*R01.docx"):
        read_transcript(p)


def test_multi_line_library_messages_become_one_line(tmp_path):
    xml = (b'<?xml version="1.0"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/'
           b'wordprocessingml/2006/main">\x00</w:document>')          # lxml's message has a line break
    p = _docx_file(tmp_path, _rezip({"word/document.xml": xml}))
    with pytest.raises(InputError) as err:
        read_transcript(p)
    assert "\n" not in str(err.value) and str(err.value).startswith("[E101]")
