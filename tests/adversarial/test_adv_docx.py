"""Hostile and unusual .docx files (issue 14).

Bombs: *one error line* (E101), read in bounded memory. Tracked insertions,
text boxes, content controls and smart tags: read, with a *warning* where the
text could surprise (W105, W106).
"""
from __future__ import annotations

import tracemalloc
import warnings
import zipfile

import pytest

from altena_qca.errors import InputError
from altena_qca.ingest import docx as docx_reader
from altena_qca.ingest.docx import read_docx_paragraphs

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.wordprocessingml.document.main+xml"/></Types>')


def _write(path, body: str | None = None, chunks=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        if chunks is None:
            zf.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {NS}><w:body>{body}</w:body></w:document>')
        else:
            with zf.open("word/document.xml", "w", force_zip64=True) as fh:
                fh.write(f'<?xml version="1.0"?><w:document {NS}><w:body>'.encode())
                for chunk in chunks:
                    fh.write(chunk)
                fh.write(b"</w:body></w:document>")
    return path


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def test_the_240_mb_bomb_is_refused_in_bounded_memory(tmp_path):
    para = _p("I: a").encode() * 1000
    path = _write(tmp_path / "bomb.docx", chunks=(para for _ in range(240 * 1024 * 1024 // len(para))))
    assert path.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    with pytest.raises(InputError, match=r"^\[E101\].*(zip bomb|bomb)"):
        read_docx_paragraphs(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, peak


@pytest.mark.parametrize("limit, body", [
    ({"elements": 500}, _p("R: ja") * 200),
    ({"depth": 20}, "<w:p>" + "<w:smartTag>" * 30 + "<w:r><w:t>R: x</w:t></w:r>" + "</w:smartTag>" * 30 + "</w:p>"),
    ({"ratio": 2, "ratio_from": 1000}, _p("R: " + "ja " * 5000)),
])
def test_limits_on_elements_depth_and_ratio(tmp_path, monkeypatch, limit, body):
    monkeypatch.setattr(docx_reader, "LIMITS", {**docx_reader.LIMITS, **limit})
    with pytest.raises(InputError, match=r"^\[E101\]"):
        read_docx_paragraphs(_write(tmp_path / "x.docx", body))


def test_insertions_text_boxes_content_controls_and_smart_tags_are_read(tmp_path):
    body = (
        "<w:p><w:r><w:t>I: Wat doet u?</w:t></w:r></w:p>"
        "<w:p><w:r><w:t xml:space=\"preserve\">R: Ik werk </w:t></w:r>"
        "<w:ins w:id=\"1\" w:author=\"x\"><w:r><w:t xml:space=\"preserve\">graag </w:t></w:r></w:ins>"
        "<w:del w:id=\"2\" w:author=\"x\"><w:r><w:delText>nooit </w:delText></w:r></w:del>"
        "<w:smartTag w:uri=\"u\" w:element=\"place\"><w:r><w:t>in Almkerk</w:t></w:r></w:smartTag>"
        "<w:r><w:t>.</w:t></w:r></w:p>"
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>R: Tekst in een inhoudsbesturingselement.</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>R: Zie kader.</w:t></w:r><w:r><w:pict><w:txbxContent>"
        "<w:p><w:r><w:t>R: Tekst in een tekstvak.</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paragraphs = read_docx_paragraphs(_write(tmp_path / "R01.docx", body))
    texts = [p.text for p in paragraphs]
    assert texts == ["I: Wat doet u?", "R: Ik werk graag in Almkerk.", "R: Tekst in een inhoudsbesturingselement.",
                     "R: Tekst in een tekstvak.", "R: Zie kader."]
    codes = sorted(str(w.message)[:6] for w in caught)
    assert codes == ["[W105]", "[W106]"], codes


def test_a_broken_document_xml_is_one_error_line(tmp_path):
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><w:body><w:p>")
    with pytest.raises(InputError, match=r"^\[E101\]"):
        read_docx_paragraphs(path)
