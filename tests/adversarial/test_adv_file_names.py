"""Names in file names and in respondents.csv free text (issue 14).

Expected outcome: *tagged* with a *warning* (W501, W502): the document id and
the respondent's function no longer hold the name, and say so.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from altena_qca.ingest.corpus import load_corpus
from altena_qca.privacy import find_leaks

pytestmark = pytest.mark.slow


def _study(root):
    (root / "transcripts").mkdir(parents=True)
    (root / "observations").mkdir()
    (root / "respondents.csv").write_text(
        "id,function,label,side,interview_date,organisation\n"
        "R01,Mentor bij Smo Breda (contact: Sanne Verbeek),mentor,extern,2024-03-05,Smo Breda\n",
        encoding="utf-8")
    (root / "transcripts" / "R01.txt").write_text(
        "I: Wat is uw functie?\nR: Ik ben mentor. Sanne Verbeek is mijn collega.\n", encoding="utf-8")
    (root / "observations" / "Overleg met Jan Pietersen.txt").write_text(
        "O: Het overleg begon om tien uur.\n", encoding="utf-8")
    return root


def test_names_in_file_names_and_respondent_fields_are_tagged_and_warned(tmp_path):
    root = _study(tmp_path / "study")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(root)
    messages = [str(w.message) for w in caught]
    assert any(m.startswith("[W501]") and "'Overleg met PERSOON-1'" in m for m in messages), messages
    assert any(m.startswith("[W502]") and "line 2" in m and "'function'" in m for m in messages), messages
    assert not any("Pietersen" in m or "Verbeek" in m for m in messages)  # warnings show no name
    assert "Overleg met PERSOON-1" in corpus.documents
    doc = corpus.documents["Overleg met PERSOON-1"]
    assert doc.meta["file"] == "Overleg met PERSOON-1.txt"
    assert {s.document for s in doc.segments} == {"Overleg met PERSOON-1"}
    assert corpus.respondents["R01"].function == "Mentor bij Smo Breda (contact: PERSOON-1)"
    everything = [corpus.respondents["R01"].function, corpus.respondents["R01"].label,
                  *corpus.documents, *(d.text for d in corpus.documents.values()),
                  *(str(d.meta) for d in corpus.documents.values())]
    assert find_leaks(everything, ["Jan Pietersen", "Pietersen", "Sanne Verbeek", "Verbeek"]) == []
    # the transcript's mention of the colleague is tagged, not protected by the respondent's label
    assert "Verbeek" not in corpus.documents["R01"].text


def test_codings_on_a_renamed_observation_follow_the_new_id(tmp_path):
    corpus = load_corpus(_study(tmp_path / "study"))
    codings = pd.DataFrame({"document": ["Overleg met Jan Pietersen"], "start": [3], "end": [14], "code": ["x"]})
    moved = corpus.pseudonymiser.remap_codings(codings)
    assert moved.loc[0, "document"] == "Overleg met PERSOON-1"
    assert corpus.documents["Overleg met PERSOON-1"].text[3:14] == "Het overleg"
