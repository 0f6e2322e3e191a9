"""Plain-text transcripts are streamed: same paragraphs as reading at once, bounded memory."""
from __future__ import annotations

import tracemalloc
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altena_qca.errors import InputError
from altena_qca.ingest import read_transcript
from altena_qca.ingest import text as text_mod
from altena_qca.ingest.text import MAX_LINE_CHARS, Paragraph, decode_text, read_text_paragraphs


def _reference(data: bytes) -> tuple[list[Paragraph], str]:
    """What reading the whole file at once gives (the pre-streaming reader)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text, encoding = decode_text(data, "x.txt")
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line:
            heading = line.startswith("#")
            out.append(Paragraph(line.lstrip("#").strip() if heading else line, number, heading))
    return out, encoding


PIECES = ["I: ", "R: ", "# Deel 2", "vertrouwen", " ", "\n", "\r\n", "\r", "\x0c", "\u2028", "cliënt",
          "–", "’", "€", "\t", "ë"]


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=60),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       chunk=st.integers(1, 9))
def test_streamed_paragraphs_equal_reading_at_once(tmp_path_factory, pieces, encoding, chunk):
    text = "".join(pieces)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    if not text.strip():
        return
    p = tmp_path_factory.mktemp("t") / "R01.txt"
    p.write_bytes(data)
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        mp.setattr(text_mod, "CHUNK_BYTES", chunk)          # characters straddle chunk borders
        warnings.simplefilter("ignore")
        paragraphs, enc = read_text_paragraphs(p)
        assert (list(paragraphs), enc) == _reference(data)
        assert list(paragraphs) == list(paragraphs)         # re-iterable


def test_utf8_failing_late_reads_the_whole_file_as_cp1252(tmp_path, monkeypatch):
    monkeypatch.setattr(text_mod, "CHUNK_BYTES", 16)
    p = tmp_path / "R01.txt"
    p.write_bytes(b"I: Hoe gaat het?\n" * 20 + "R: Goed – dankjewel.\n".encode("cp1252"))
    with pytest.warns(UserWarning, match="W101"):
        paragraphs, enc = read_text_paragraphs(p)
    assert enc == "cp1252" and list(paragraphs)[-1].text == "R: Goed – dankjewel."


def test_utf16_with_bom_is_read(tmp_path):
    p = tmp_path / "R01.txt"
    p.write_bytes("I: Wat is uw functie?\r\nR: Cliëntondersteuner.\r\n".encode("utf-16"))
    doc = read_transcript(p, "R01")
    assert doc.meta["encoding"] == "utf-16" and doc.segment_text(doc.segments[1]) == "Cliëntondersteuner."


@pytest.mark.parametrize("data, match", [
    (b"I: vraag\nR: \x00\x01\x02 binary", r"E103.*NUL byte at offset 12"),
    (b"I: vraag\nR: antwoord \x81 kapot\n", r"E103.*byte 0x81 at offset 21 is not valid UTF-8 or cp1252"),
    ("\ufeffI: vraag\nR: ".encode("utf-8") + b"\xff\xfe", r"E103.*byte 0xff at offset 15 is not valid utf-8"),
    (b" \n\t\r\n", r"E100"),
    (b"\xef\xbb\xbf", r"E100"),
])
def test_undecodable_binary_and_blank_files(tmp_path, data, match):
    p = tmp_path / "R01.txt"
    p.write_bytes(data)
    with pytest.raises(InputError, match=match) as err:
        read_text_paragraphs(p)
    assert "R01.txt" in str(err.value)


def test_a_directory_named_txt(tmp_path):
    (tmp_path / "R01.txt").mkdir()
    with pytest.raises(InputError, match=r"E109.*R01.txt"):
        read_transcript(tmp_path / "R01.txt")


def test_an_absurdly_long_line_is_refused_with_its_line_number(tmp_path):
    p = tmp_path / "R01.txt"
    with p.open("w", encoding="utf-8") as fh:
        fh.write("I: Vraag?\nR: Kort.\n")
        for _ in range(MAX_LINE_CHARS // 100_000 + 2):
            fh.write("x" * 100_000)
        fh.write("\nR: Einde.\n")
    paragraphs, _ = read_text_paragraphs(p)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=rf"E108.*R01.txt, line 3: line is longer than {MAX_LINE_CHARS}"):
            list(paragraphs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * (MAX_LINE_CHARS + text_mod.CHUNK_BYTES)


def _write_big(path, target_bytes: int) -> int:
    """A transcript of about ``target_bytes``, written in 4 MB pieces."""
    answer = ("R: [00:31:10] Vertrouwen is belangrijk; zonder vertrouwen deel je niets met elkaar. "
              "De cliënt moet weten wat er met zijn gegevens gebeurt – anders haakt hij af. ") * 10
    block = ("# Deel 3\nI: Welke rol speelt vertrouwen bij het delen van gegevens?\n" + answer + "\n"
             + "Daarnaast coördineren we de zorg met de huisarts en de wijkverpleegkundige. " * 12 + "\n\n")
    piece = block.encode("utf-8") * max(1, (4 << 20) // len(block.encode("utf-8")))
    written = 0
    with path.open("wb") as fh:
        while written < target_bytes:
            fh.write(piece)
            written += len(piece)
    return written


@pytest.mark.slow
def test_a_200_mb_transcript_streams_in_bounded_memory(tmp_path):
    p = tmp_path / "R99.txt"
    size = _write_big(p, 200 * 1024 * 1024)
    tracemalloc.start()
    try:
        paragraphs, enc = read_text_paragraphs(p)
        n = chars = 0
        for para in paragraphs:
            n += 1
            chars += len(para.text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"\n200 MB transcript: {size / 1e6:.0f} MB, {n} paragraphs, peak traced memory {peak / 1e6:.1f} MB")
    assert enc == "utf-8" and n > 250_000 and chars > 0.9 * size
    assert peak < 3 * size                       # the bound asked for ...
    assert peak < 64 * 1024 * 1024               # ... and in fact a constant: a chunk and a line at a time
