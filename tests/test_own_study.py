"""A researcher's own study, end to end (issue 13), on hand-written Dutch interviews — not the bundled corpus.

`altena-qca init` makes the folder; three short interviews (.docx and .txt) with Dutch dates, an
organisation the gazetteer does not know, and a planted name, birth date and phone numbers; no
codings.csv. `run` must exit 0, print every warning, and write no planted personal data anywhere; the
same with `--codings suggested`. Codebook edits from another folder never touch the package's files.
"""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from altena_qca.cli import cli
from altena_qca.resources import DEFAULT_CODEBOOK, DEFAULT_DATA

RESPONDENTS = """\
id,function,label,side,interview_date,organisation
R01,Beleidsmedewerker sociaal domein,beleidsmedewerker,intern,5 maart 2024,Gemeente Heusden
R02,Casemanager GGZ,casemanager,extern,07-03-2024,GGZ Oost Brabant
R03,Wijkagent,wijkagent,extern,2024-03-12,Politie
"""

R01 = """\
I: Wat is uw huidige functie?
R: Ik ben beleidsmedewerker sociaal domein bij de gemeente Heusden. Ik werk veel samen met het wijkteam en met de GGZ.
I: Hoe verloopt de gegevensuitwisseling met uw partners?
R: Eerlijk gezegd wordt er te weinig gedeeld. Als de GGZ iets weet over een cliënt, horen wij dat vaak pas veel later. Dat schaadt het vertrouwen tussen de organisaties.
I: Kunt u een voorbeeld geven?
R: Vorige maand belde mevrouw Marieke van Dongen, geboren op 12 maart 1961, ons op 06-12345678 omdat haar zoon in de problemen zat. Niemand had ons verteld dat er al een traject liep.
I: Wat verwacht u van de Wams?
R: Ik verwacht dat de Wams helpt, omdat we dan eindelijk een wettelijke grondslag hebben om gegevens te delen. Maar de privacy van cliënten blijft belangrijk.
"""

R02 = [
    "Interviewer: Wat is uw huidige functie?",
    "Respondent: Ik ben casemanager bij GGZ Oost Brabant en werk met cliënten met meervoudige problematiek.",
    "Interviewer: Hoe verloopt het delen van gegevens met de gemeente?",
    ("Respondent: We delen te weinig. Ik mag zonder toestemming van de cliënt bijna niets doorgeven, en dat zorgt "
     "voor irritatie bij de gemeente. Meneer Hendrikus Verschuren van de afdeling weet daar alles van."),
    "Interviewer: Wat verwacht u van de Wams?",
    ("Respondent: Ik verwacht dat de Wams de samenwerking verbetert, als er duidelijke afspraken komen over wie wat "
     "mag weten. Bel me gerust op 0412-987654."),
]

R03 = """\
Interviewer: Wat is uw huidige functie?
Respondent: Ik ben wijkagent in Heusden en Drunen.
Interviewer: Hoe is de samenwerking met de gemeente?
Respondent: Die is goed, we hebben korte lijnen. Alleen mag ik vaak niets vertellen over lopende zaken, dus dan weet de gemeente niet wat er speelt. Dat frustreert beide kanten.
Interviewer: Denkt u dat de Wams daarin iets verandert?
Respondent: Ik denk het niet. De regels worden alleen maar ingewikkelder en de angst om iets fout te doen blijft.
"""

#: Planted personal data: none of it may reach any output (file contents or names).
PLANTED = ["Marieke", "Dongen", "Hendrikus", "Verschuren", "12345678", "1961", "987654"]


def make_study(root: Path) -> Path:
    """A study as a newcomer makes it: init, then respondents and three transcripts."""
    from docx import Document

    folder = root / "heusden"
    res = CliRunner().invoke(cli, ["init", str(folder), "--title", "Samenwerking in het zorgnetwerk van Heusden",
                                   "--municipality", "Heusden", "--period", "2024"])
    assert res.exit_code == 0, res.output
    (folder / "respondents.csv").write_text(RESPONDENTS, encoding="utf-8")
    (folder / "transcripts" / "R01.txt").write_text(R01, encoding="utf-8")
    doc = Document()
    for paragraph in R02:
        doc.add_paragraph(paragraph)
    doc.save(folder / "transcripts" / "R02.docx")
    (folder / "transcripts" / "R03.txt").write_text(R03, encoding="utf-8")
    return folder


def _texts(out: Path):
    """(name, text) of every output file and every member of its zip files (xlsx, docx, qdpx)."""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        yield str(path.relative_to(out)), path.name
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    yield f"{path.name}:{member}", z.read(member).decode("utf-8", "replace")
        else:
            yield str(path), data.decode("utf-8", "replace")


def _leaks(out: Path) -> list[str]:
    return [f"{where}: {word}" for where, text in _texts(out) for word in PLANTED if word in text]


@pytest.fixture(scope="module")
def own_study(tmp_path_factory):
    root = tmp_path_factory.mktemp("own")
    return make_study(root)


@pytest.fixture(scope="module")
def manual_run(own_study):
    out = own_study.parent / "out"
    res = CliRunner().invoke(cli, ["run", "--data", str(own_study), "--out", str(out)])
    return res, out


@pytest.fixture(scope="module")
def suggested_run(own_study):
    out = own_study.parent / "out-suggested"
    res = CliRunner().invoke(cli, ["run", "--data", str(own_study), "--out", str(out), "--codings", "suggested"])
    return res, out


def test_check_lists_the_warnings_and_passes(own_study):
    res = CliRunner().invoke(cli, ["check", "--data", str(own_study)])
    assert res.exit_code == 0, res.output
    assert "3 respondents, 3 transcripts" in res.stdout and "ready to run" in res.stdout
    assert "[W112]" in res.stderr                                         # no codings
    assert "[W111]" in res.stderr and "organisation of R02" in res.stderr  # unknown organisation
    assert "'Gemeente Heusden'" not in res.stderr                          # the study's own municipality is known


def test_run_without_codings_exits_0_and_says_so(manual_run):
    res, out = manual_run
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    warnings = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    assert any("[W112]" in w for w in warnings)
    assert any("[W111]" in w and "organisation of R02" in w for w in warnings)
    assert len(warnings) == len(set(warnings))                             # each warning once
    names = {p.name for p in out.rglob("*")}
    assert {"report.docx", "samenwerking-in-het-zorgnetwerk-van-heusden.xlsx",
            "samenwerking-in-het-zorgnetwerk-van-heusden.qdpx", "network_candidates.csv"} <= names
    assert "altena-qca.xlsx" not in names
    candidates = (out / "tables" / "network_candidates.csv").read_text(encoding="utf-8").splitlines()
    # a gazetteer candidate, first (privacy may tag a place inside the name: 'GGZ ZORGINSTELLING-1', W502)
    assert candidates[1].endswith(',1,1,"organisation in respondents.csv, not in the gazetteer",R02,0')



def test_dutch_dates_are_read_as_iso_dates(own_study):
    from altena_qca import load_study
    dates = [r.interview_date for r in load_study(own_study).corpus.respondents.values()]
    assert dates == ["2024-03-05", "2024-03-07", "2024-03-12"]


def test_run_writes_no_planted_personal_data(manual_run):
    res, out = manual_run
    assert res.exit_code == 0
    assert _leaks(out) == []


def test_run_with_suggested_codings(suggested_run):
    res, out = suggested_run
    assert res.exit_code == 0, res.output
    assert "[W113]" in res.stderr and "automatisch gecodeerd, niet beoordeeld" in res.stderr
    assert "[W112]" not in res.stderr          # W113 says what the codings are
    suggestions = (out / "tables" / "auto_codings.csv").read_text(encoding="utf-8").splitlines()
    frequencies = (out / "tables" / "code_frequencies.csv").read_text(encoding="utf-8").splitlines()
    assert len(suggestions) > 1
    assert len(frequencies) > 1
    assert _leaks(out) == []


def _digest(paths):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_codebook_edits_from_another_folder_cannot_touch_the_package(own_study, tmp_path, monkeypatch):
    package_files = [DEFAULT_CODEBOOK, DEFAULT_DATA / "codings.csv"]
    before = _digest(package_files)
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    runner = CliRunner()
    # no study here or above: refused, nothing guessed
    res = runner.invoke(cli, ["codebook", "rename", "effects.trust", "effects.vertrouwen"])
    assert res.exit_code == 2 and "E133" in res.output
    # the bundled thesis study: refused without --in-place
    res = runner.invoke(cli, ["codebook", "rename", "effects.trust", "effects.vertrouwen", "--data", str(DEFAULT_DATA)])
    assert res.exit_code == 2 and "E135" in res.output
    res = runner.invoke(cli, ["codebook", "delete", "intro.function", "--force", "--codebook", str(DEFAULT_CODEBOOK),
                              "--data", str(own_study)])
    assert res.exit_code == 2 and "E135" in res.output
    assert _digest(package_files) == before
    # the own study, found like git from a folder inside it
    monkeypatch.chdir(own_study / "transcripts")
    res = runner.invoke(cli, ["codebook", "rename", "effects.trust", "effects.vertrouwen"])
    assert res.exit_code == 0, res.output
    assert "effects.vertrouwen" in (own_study / "codebook.yaml").read_text(encoding="utf-8")
    assert _digest(package_files) == before


def _visible_text(out: Path) -> dict[str, str]:
    """What a reader sees: the report's Word XML and the figures' SVG text elements."""
    import re
    texts = {}
    with zipfile.ZipFile(out / "report.docx") as z:
        for member in z.namelist():
            if member.startswith("word/") and member.endswith(".xml"):
                texts[f"report.docx:{member}"] = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>",
                                                                    z.read(member).decode("utf-8")))
    for svg in sorted((out / "figures").glob("*.svg")):
        texts[svg.name] = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8")))
    return texts


@pytest.mark.parametrize("which", ["manual_run", "suggested_run"])
def test_report_and_figures_are_the_studys_own(which, request):
    """Issue 13: no 'Altena' in a new study's report or figures (the tool's name, altena-qca, aside)."""
    res, out = request.getfixturevalue(which)
    assert res.exit_code == 0, res.output
    texts = _visible_text(out)
    assert any(name.endswith(".svg") for name in texts) and "report.docx:word/document.xml" in texts
    assert [name for name, text in texts.items() if "Altena" in text] == []
    assert "Heusden" in texts["report.docx:word/document.xml"]
