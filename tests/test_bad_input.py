"""Bad input through the CLI: one-line `error: [Exxx] <file>...`, exit code 2, nothing written.

Each case builds a small valid study folder, breaks one thing, and runs
``altena-qca run --data <study> --out <out>``. The library-level checks of the
same readers are in test_ingest.py and test_codebook.py; this file covers the
rest and the whole path through the command line.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from altena_qca.cli import cli
from altena_qca.codebook import DEFAULT_CODEBOOK
from altena_qca.study import load_study

RESPONDENTS = """id,function,label,side,interview_date,organisation
R01,Beleidsmedewerker,Beleidsmedewerker (gemeente),intern,2023-03-01,Gemeente
R02,Wijkverpleegkundige,Wijkverpleegkundige,extern,2023-03-08,Thuiszorg
"""
R01 = "I: Wat is uw huidige functie?\nR: Ik ben beleidsmedewerker bij de gemeente.\n"
R02 = "I: Wat is uw huidige functie?\nR: Ik werk als wijkverpleegkundige.\n"
# 'Ik ben beleidsmedewerker' starts at offset 33 of R01's text
CODINGS = """document,start,end,code,coder,origin,confidence,text
R01,33,57,intro.function,anna,manual,1.0,Ik ben beleidsmedewerker
R02,33,57,intro.function,anna,manual,1.0,Ik werk als wijkverpleeg
"""
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


def make_study(root: Path) -> Path:
    d = root / "study"
    (d / "transcripts").mkdir(parents=True)
    (d / "respondents.csv").write_text(RESPONDENTS, encoding="utf-8")
    (d / "transcripts" / "R01.txt").write_text(R01, encoding="utf-8")
    (d / "transcripts" / "R02.txt").write_text(R02, encoding="utf-8")
    (d / "codings.csv").write_text(CODINGS, encoding="utf-8")
    return d


def test_the_base_study_is_valid(tmp_path):
    with pytest.warns(UserWarning, match="W104"):
        study = load_study(make_study(tmp_path), pseudonymise=False)
    assert len(study.codings) == 2 and set(study.corpus.documents) == {"R01", "R02"}


def _replace_transcript(name: str, data: bytes):
    def breaker(d: Path) -> None:
        (d / "transcripts" / "R01.txt").unlink()
        (d / "transcripts" / name).write_bytes(data)
    return breaker


def _write(rel: str, text: str):
    return lambda d: (d / rel).write_text(text, encoding="utf-8")


def _edit(rel: str, old: str, new: str):
    def breaker(d: Path) -> None:
        p = d / rel
        text = p.read_text(encoding="utf-8")
        assert old in text
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return breaker


def _codebook(body: str):
    def breaker(d: Path) -> None:
        (d / "codebook.yaml").write_text(DEFAULT_CODEBOOK.read_text(encoding="utf-8") + body, encoding="utf-8")
    return breaker


CASES = {
    # transcripts
    "corrupt docx": (_replace_transcript("R01.docx", b"PK\x03\x04 broken zip"), "E101", "R01.docx"),
    "empty docx": (_replace_transcript("R01.docx", b""), "E100", "R01.docx"),
    "password-protected docx": (_replace_transcript("R01.docx", OLE), "E102", "R01.docx"),
    "pdf named docx": (_replace_transcript("R01.docx", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"), "E101", "R01.docx"),
    "text named docx": (_replace_transcript("R01.docx", R01.encode()), "E101", "R01.docx"),
    "binary named txt": (_replace_transcript("R01.txt", b"I: x\n\x00\x01\x02"), "E103", "R01.txt"),
    "undecodable txt": (_replace_transcript("R01.txt", b"I: x\nR: \x81\x8d\n"), "E103", "R01.txt"),
    "empty txt": (_replace_transcript("R01.txt", b"\n\n  \n"), "E100", "R01.txt"),
    "no speaker labels": (_write("transcripts/R01.txt", "Een verslag zonder sprekers.\nNog een regel.\n"),
                          "E104", "R01.txt"),
    # respondents.csv
    "duplicate respondent id": (_edit("respondents.csv", "R02,", "R01,"), "E111", "respondents.csv, line 3"),
    "missing column": (_edit("respondents.csv", ",side,", ",kant,"), "E110", "respondents.csv"),
    "unknown side": (_edit("respondents.csv", "extern", "buiten"), "E112", "respondents.csv, line 3"),
    "respondent without transcript": (lambda d: (d / "transcripts" / "R02.txt").unlink(), "E113", "R02"),
    "transcript without respondent": (_write("transcripts/R03.txt", R02), "E114", "R03.txt"),
    "no respondents.csv": (lambda d: (d / "respondents.csv").unlink(), "E106", "respondents.csv"),
    # codings.csv
    "span outside the text": (_edit("codings.csv", "R02,33,57", "R02,33,5700"), "E122", "codings.csv, line 3"),
    "unknown code": (_edit("codings.csv", "R02,33,57,intro.function", "R02,33,57,intro.nope"),
                     "E121", "codings.csv, line 3"),
    "unknown document": (_edit("codings.csv", "R02,", "R09,"), "E120", "codings.csv, line 3"),
    "non-numeric offset": (_edit("codings.csv", "R02,33,", "R02,drie,"), "E125", "codings.csv, line 3"),
    "coded text does not match": (_edit("codings.csv", "R01,33,57", "R01,34,58"), "E123", "codings.csv, line 2"),
    "codings missing a column": (_edit("codings.csv", "document,start", "doc,start"), "E124", "codings.csv"),
    "start after end": (_edit("codings.csv", "R01,33,57", "R01,57,33"), "E126", "codings.csv, line 2"),
    # codebook.yaml of the study
    "codebook duplicate id": (_codebook("  - id: intro\n    label_nl: Nog eens\n"), "E201", "codebook.yaml"),
    "codebook cycle": (_codebook("  - id: x1\n    parent: x2\n    label_nl: X1\n"
                                 "  - id: x2\n    parent: x1\n    label_nl: X2\n"), "E203", "codebook.yaml"),
    "codebook unknown parent": (_codebook("  - id: x1\n    parent: nope\n    label_nl: X1\n"),
                                "E202", "codebook.yaml"),
    "codebook invalid rule": (_codebook("  - id: x1\n    label_nl: X1\n    rules:\n      window: -3\n"),
                              "E208", "codebook.yaml"),
    "codebook not yaml": (_write("codebook.yaml", "codes:\n- id: a\n  label_nl: [open\n"), "E200", "codebook.yaml"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_run_refuses_bad_input_with_one_line_and_writes_nothing(tmp_path, case):
    breaker, code, where = CASES[case]
    study = make_study(tmp_path)
    breaker(study)
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.csv").write_text("a previous run's table\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["run", "--data", str(study), "--out", str(out), "--no-pseudonymise"])
    assert res.exit_code == 2, res.output
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    # every problem is listed at once (issue 13), one line each; a broken row may
    # cause a second one (a duplicate id leaves a transcript without respondent)
    assert 1 <= len(errors) <= 2, res.stderr
    assert errors[0].startswith(f"error: [{code}] ")
    assert where in errors[0]
    assert res.stderr.rstrip().endswith(errors[-1])           # the last word is an error
    assert "Traceback" not in res.output
    assert [p.name for p in out.iterdir()] == ["previous.csv"]
    assert (out / "previous.csv").read_text(encoding="utf-8") == "a previous run's table\n"


def test_a_missing_out_folder_is_not_created_on_bad_input(tmp_path):
    study = make_study(tmp_path)
    (study / "transcripts" / "R02.txt").unlink()
    res = CliRunner().invoke(cli, ["run", "--data", str(study), "--out", str(tmp_path / "out"), "--no-pseudonymise"])
    assert res.exit_code == 2 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("data, warning, encoding", [
    ("I: Wat is uw functie?\nR: Cliëntondersteuner – gemeente.\n".encode("cp1252"), "W101", "cp1252"),
    ("\ufeffI: Wat is uw functie?\r\nR: Cliëntondersteuner.\r\n".encode("utf-8"), "W103", "utf-8"),
    ("I: Wat is uw functie?\r\nR: Cliëntondersteuner.\r\n".encode("utf-16"), None, "utf-16"),
])
def test_cp1252_bom_and_utf16_transcripts_are_read_and_reported(tmp_path, data, warning, encoding):
    study = make_study(tmp_path)
    (study / "transcripts" / "R01.txt").write_bytes(data)
    res = CliRunner().invoke(cli, ["ingest", "--data", str(study), "--no-pseudonymise"])
    assert res.exit_code == 0, res.output
    assert "R01\tinterview\t2 segments" in res.stdout and f"\t{encoding}" in res.stdout.splitlines()[0]
    if warning:
        assert f"warning: [{warning}] {study / 'transcripts' / 'R01.txt'}" in res.stderr


def test_codebook_validate_lists_every_problem_on_its_own_line(tmp_path):
    study = make_study(tmp_path)
    _codebook("  - id: intro\n    label_nl: Nog eens\n  - id: x1\n    parent: nope\n    label_nl: X1\n")(study)
    res = CliRunner().invoke(cli, ["codebook", "validate", str(study / "codebook.yaml")])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert [ln[:6] for ln in lines] == ["[E201]", "[E202]"] and all("codebook.yaml, line" in ln for ln in lines)

