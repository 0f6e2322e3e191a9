"""Speaker labels (issue 13/14): known labels open turns; other label-like
prefixes continue the turn before with a *warning* (W107)."""
from __future__ import annotations

import warnings

from altena_qca.ingest.segment import segment_paragraphs
from altena_qca.ingest.text import Paragraph


def _segment(lines, speakers=None):
    paragraphs = [Paragraph(t, i) for i, t in enumerate(lines, start=1)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = segment_paragraphs(paragraphs, "R01", speakers=speakers, kind="observation")
    return doc, [str(w.message) for w in caught]


def test_known_labels_and_study_names_open_turns():
    doc, messages = _segment(["Vraag: Wat doet u?", "Antwoord: Ik coördineer.", "Q: En verder?", "A: Niets.",
                              "Anna: Dank u wel.", "Interviewer: Tot ziens.", "Respondent: Dag."],
                             speakers={"Anna": "interviewer"})
    assert [s.speaker for s in doc.segments] == ["interviewer", "respondent"] * 2 + ["interviewer"] * 2 + ["respondent"]
    assert not any("W107" in m for m in messages)


def test_unknown_label_like_prefix_is_read_into_the_turn_before_with_a_warning():
    doc, messages = _segment(["I: Wat doet u?", "R: Ik werk in de wijk.", "Piet: Dat klopt wel, zei hij.",
                              "P1: Ik ook natuurlijk."])
    assert [s.speaker for s in doc.segments] == ["interviewer", "respondent"]
    assert doc.segment_text(doc.segments[1]).endswith("P1: Ik ook natuurlijk.")
    w107 = [m for m in messages if m.startswith("[W107]")]
    assert len(w107) == 1 and "'Piet:' (line 3)" in w107[0] and "'P1:' (line 4)" in w107[0]


def test_a_colon_inside_a_sentence_is_no_label():
    doc, messages = _segment(["I: Wat doet u?", "R: Drie dingen: plannen, overleggen en bellen."])
    assert not any("W107" in m for m in messages)
