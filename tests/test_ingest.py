"""Ingest: Word and text transcripts, speaker turns, parts, bad files."""
from __future__ import annotations

import zipfile

import docx
import pytest

from altena_qca.errors import InputError
from altena_qca.ingest import read_transcript
from altena_qca.ingest.segment import load_topic_list, segment_paragraphs
from altena_qca.ingest.text import Paragraph


def _docx(path, paragraphs, table=False):
    d = docx.Document()
    for style, text in paragraphs:
        d.add_paragraph(text, style=style)
    if table:
        d.add_table(rows=1, cols=2).cell(0, 0).text = "tabel"
    d.save(path)
    return path


def test_docx_turns_timestamps_headings_and_parts(tmp_path):
    p = _docx(tmp_path / "R01.docx", [
        ("Heading 1", "Deel 1: Kennismaking"),
        ("Normal", "Interviewer: [00:00:05] Wat is uw huidige functie?"),
        ("Normal", "Respondent: Ik ben wijkverpleegkundige."),
        ("Normal", ""),
        ("Normal", "Daarnaast coördineer ik het team."),
        ("Heading 1", "Deel 3: Problemen en effecten"),
        ("Normal", "I: Welke rol speelt vertrouwen?"),
        ("Normal", "R: [00:31:10] Vertrouwen is belangrijk. [bron: scriptie r. 482]"),
    ], table=True)
    with pytest.warns(UserWarning, match="W100"):
        doc = read_transcript(p, "R01")
    segs = doc.segments
    assert [s.speaker for s in segs] == ["interviewer", "respondent", "interviewer", "respondent"]
    assert [s.part for s in segs] == [1, 1, 3, 3]
    # a paragraph without label continues the turn; timestamps and notes leave the text
    assert doc.segment_text(segs[1]) == "Ik ben wijkverpleegkundige.\nDaarnaast coördineer ik het team."
    assert doc.segment_text(segs[3]) == "Vertrouwen is belangrijk."
    assert segs[3].meta["timestamp"] == "00:31:10" and segs[3].meta["source"] == "scriptie r. 482"
    assert segs[0].meta["timestamp"] == "00:00:05"
    assert "[00:" not in doc.text and "bron:" not in doc.text


def _parts(*lines: str) -> list[int]:
    """The part of each segment of a transcript without headings."""
    doc = segment_paragraphs([Paragraph(t, i) for i, t in enumerate(lines, start=1)], "X")
    return [s.part for s in doc.segments]


def test_parts_from_topic_list_questions_without_headings():
    assert _parts("I: Kunt u iets over uzelf vertellen?", "R: Ik werk bij de gemeente.",
                  "I: Hoe zijn de onderlinge verhoudingen in het netwerk?", "R: Horizontaal.",
                  "I: Welke rol speelt vertrouwen bij de uitwisseling?", "R: Een grote.",
                  "I: Denk je dat meer delen van gegevens invloed heeft op de netwerkrelaties?", "R: Ja.",
                  "I: En verder?", "R: Nee.") == [1, 1, 2, 2, 3, 3, 4, 4, 4, 4]


def test_parts_of_an_interviewer_who_words_the_questions_differently():
    """No heading, no topic-list question verbatim: the cue words and the order of the parts place the turns."""
    assert _parts("Vraag: Fijn dat je tijd hebt. Vertel eens wat over je werkzaamheden?",
                  "Antwoord: Ik ben jongerenwerker.",
                  "Vraag: Met welke organisaties en instanties heb je te maken rond zo'n gezin?",
                  "Antwoord: School, wijkteam, politie.",
                  "Vraag: Loop je wel eens tegen de privacyregels aan als je iets wil delen?", "Antwoord: Vaak.",
                  "Vraag: En wat doet dat met het vertrouwen?", "Antwoord: Dat lijdt eronder.",
                  "Vraag: Wat verwacht je van het wetsvoorstel?", "Antwoord: Weinig.",
                  "Vraag: Nog iets?", "Antwoord: Nee.") == [1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]


def test_a_short_question_is_not_taken_for_a_topic_list_question_it_shares_stop_words_with():
    """'En de Wams?' shares 2 of its 3 words with 'Bent u al bekend met de Wams?' (part 1), but only one that
    is not a stop word: it is no topic-list question, and its cue word (Wams) places it in part 4."""
    assert _parts("Interviewer: Kun je kort vertellen wat je doet?", "Respondent: Ik ben hulpverlener.",
                  "Interviewer: Hoe werk je samen met de gemeente?", "Respondent: Via het casusoverleg.",
                  "Interviewer: Merk je daar gevolgen van?", "Respondent: Ja, ze vinden dat we te weinig delen.",
                  "Interviewer: En de Wams?", "Respondent: Die verandert weinig.") == [1, 1, 2, 2, 3, 3, 4, 4]


def test_parts_go_back_only_on_strong_evidence():
    topics = load_topic_list()
    # a weak part-1 cue after part 3 does not send the interview back; a topic-list question does
    assert topics.parts_of_questions(["Wat is uw functie?", "Welke problemen ervaar jij wat betreft de "
                                      "samenwerking en gegevensuitwisseling?", "Hoelang al?"]) == [1, 3, 3]
    assert topics.parts_of_questions(["Welke problemen ervaar jij wat betreft de samenwerking en "
                                      "gegevensuitwisseling?", "Wat is uw huidige functie en kunt u deze "
                                      "omschrijven?"]) == [3, 1]


def test_no_part_evidence_gives_part_0_and_a_warning():
    with pytest.warns(UserWarning, match="W102"):
        assert _parts("I: Zullen we beginnen?", "R: Prima.") == [0, 0]


def test_configured_speaker_names():
    doc = segment_paragraphs([Paragraph("Anna: Wat doet u?", 1), Paragraph("Piet: Ik ben consulent.", 2)],
                             "X", speakers={"Anna": "interviewer", "Piet": "respondent"})
    assert [s.speaker for s in doc.segments] == ["interviewer", "respondent"]


def test_text_cp1252_is_detected_and_reported(tmp_path):
    p = tmp_path / "R02.txt"
    p.write_bytes("I: Wat is uw functie?\nR: Ik ben cliëntondersteuner – gemeente.\n".encode("cp1252"))
    with pytest.warns(UserWarning, match="W101.*cp1252"):
        doc = read_transcript(p, "R02")
    assert doc.meta["encoding"] == "cp1252"
    assert doc.segment_text(doc.segments[1]) == "Ik ben cliëntondersteuner – gemeente."


def test_text_bom_removed(tmp_path):
    p = tmp_path / "R03.txt"
    p.write_bytes("\ufeffI: Vraag?\r\nR: Antwoord.\r\n".encode("utf-8"))
    with pytest.warns(UserWarning, match="W103"):
        doc = read_transcript(p, "R03")
    assert doc.text.startswith("I: Vraag?") and doc.meta["encoding"] == "utf-8"


@pytest.mark.parametrize("content, code", [
    (b"", "E100"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "E102"),   # encrypted Word = OLE container
    (b"%PDF-1.7\n...", "E101"),
    (b"PK\x03\x04 broken zip", "E101"),
])
def test_bad_docx_files_are_refused_clearly(tmp_path, content, code):
    p = tmp_path / "kapot.docx"
    p.write_bytes(content)
    with pytest.raises(InputError, match=code) as err:
        read_transcript(p)
    assert "kapot.docx" in str(err.value)


def test_zip_without_word_document(tmp_path):
    p = tmp_path / "leeg.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="E101.*word/document.xml"):
        read_transcript(p)


def test_transcript_without_speaker_labels(tmp_path):
    p = tmp_path / "R04.txt"
    p.write_text("Dit is een verslag zonder sprekers.\nNog een regel.\n", encoding="utf-8")
    with pytest.raises(InputError, match="E104.*R04.txt"):
        read_transcript(p)


def test_unsupported_suffix(tmp_path):
    p = tmp_path / "R05.pdf"
    p.write_bytes(b"%PDF")
    with pytest.raises(InputError, match="E105"):
        read_transcript(p)
