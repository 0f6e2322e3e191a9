"""The output guard: personal data planted in a transcript reaches no output.

A copy of the bundled study gets an extra answer full of personal data in one
transcript; the whole pipeline runs on it (tables, Excel workbook, figures,
Word report, GraphML/GEXF, .qdpx export) and every file written is scanned.
"""
from __future__ import annotations

import shutil

import docx
import pytest
from conftest import DATA

from altena_qca import load_study
from altena_qca.pipeline import run
from altena_qca.privacy import find_leaks

PLANTED = {
    "person": "Jansen",
    "first name": "Pieternel",
    "village": "Almkerk",
    "street": "Dorpsstraat",
    "phone": "06-12345678",
    "e-mail": "p.jansen@voorbeeld.nl",
    "bsn": "123456782",
    "birth date": "12-03-1980",
}
SENTENCE = ("R: Ik sprak gisteren met mevrouw Pieternel Jansen uit Almkerk, Dorpsstraat 14, "
            "telefoon 06-12345678, e-mail p.jansen@voorbeeld.nl, BSN 123456782, geboren op 12-03-1980; "
            "zij krijgt hulp van Bazalt Wonen en de GGZ-Breburg.")


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    data = tmp_path_factory.mktemp("study")
    shutil.copytree(DATA, data, dirs_exist_ok=True)
    path = data / "transcripts" / "R09.docx"
    d = docx.Document(str(path))
    d.add_paragraph("I: Heb jij zelf wel eens meegemaakt dat iets niet of onvoldoende met jou werd gedeeld?")
    d.add_paragraph(SENTENCE)
    d.save(str(path))
    study = load_study(data)
    out = tmp_path_factory.mktemp("out")
    files = run(study, out)
    return study, out, files


def test_planted_data_is_pseudonymised_on_ingest(planted_run):
    study, _, _ = planted_run
    text = study.corpus.documents["R09"].text
    for what, term in PLANTED.items():
        assert term not in text, what
    assert "[PERSOON-" in text and "Bazalt Wonen" in text and "GGZ-Breburg" in text


def test_no_planted_term_reaches_any_output(planted_run):
    _, out, files = planted_run
    written = sorted(p for p in out.rglob("*") if p.is_file())
    # every kind of output was produced and is scanned
    suffixes = {p.suffix for p in written}
    assert {".csv", ".xlsx", ".docx", ".png", ".svg", ".graphml", ".gexf", ".qdpx"} <= suffixes
    assert find_leaks(written, list(PLANTED.values())) == []


def test_guard_would_see_a_leak(planted_run, tmp_path):
    # the check above is only worth something if the scanner finds what is there
    _, out, _ = planted_run
    leaky = tmp_path / "leak.csv"
    leaky.write_text("id,text\n1,Jansen belde\n", encoding="utf-8")
    assert find_leaks([leaky], ["Jansen"])
