"""The reconstructed Altena corpus: faithful to the thesis, complete, consistent."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from altena_qca.ingest import read_respondents, read_transcript

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "altena_qca" / "resources" / "studies" / "altena"


def _statements():
    rows = []
    for p in sorted((DATA / "source").glob("statements_*.csv")):
        with p.open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def test_thirteen_respondents_five_intern_eight_extern():
    resp = read_respondents(DATA / "respondents.csv")
    assert len(resp) == 13   # Tabel 3
    sides = [r.side for r in resp.values()]
    assert sides.count("intern") == 5 and sides.count("extern") == 8


def test_every_respondent_has_a_transcript():
    resp = read_respondents(DATA / "respondents.csv")
    for rid in resp:
        assert (DATA / "transcripts" / f"{rid}.docx").exists(), rid


def test_every_quote_is_verbatim_in_the_thesis(thesis_text):
    lines = thesis_text.splitlines()
    quotes = [s for s in _statements() if s["kind"] == "quote"]
    assert len(quotes) >= 16
    for s in quotes:
        assert s["text"] in thesis_text, s["text"][:60]
        assert s["text"] in lines[int(s["thesis_line"]) - 1], (s["thesis_line"], s["text"][:60])


def test_every_statement_cites_an_existing_thesis_line(thesis_text):
    n = len(thesis_text.splitlines())
    for s in _statements():
        assert 1 <= int(s["thesis_line"]) <= n
        assert s["kind"] in {"quote", "paraphrase"}


def test_transcripts_mark_paraphrases_and_keep_source_lines():
    doc = read_transcript(DATA / "transcripts" / "R09.docx", "R09")
    turns = [s for s in doc.segments if s.speaker == "respondent"]
    assert turns and all(s.meta.get("source", "").startswith("scriptie r. ") for s in turns)
    assert any(doc.segment_text(s).startswith("[parafrase] ") for s in turns)
    assert "Reconstructie" in doc.text   # the transcript says what it is


def test_codings_match_text_and_codebook(study):
    # load_study already checks every coding (document, code, span, coded text);
    # here: the corpus is not trivially small and covers every respondent
    c = study.codings
    assert len(c) > 200
    assert set(c["document"]) == set(study.corpus.respondents)
    assert set(c["code"]) <= set(study.codebook.codes)


def test_corpus_build_is_up_to_date():
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_corpus.py"), "--check"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_observation_document_is_loaded(study):
    obs = [d for d in study.corpus if d.kind == "observation"]
    assert len(obs) == 1 and len(obs[0].segments) >= 8
    assert all(s.speaker == "observer" for s in obs[0].segments)
