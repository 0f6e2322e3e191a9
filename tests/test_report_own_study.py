"""The report of a small study that is not the thesis, read as that study's researcher would.

Three short hand-written Dutch interviews in a fresh folder with its own study.yaml: the report must be that
study's report (its title, its gemeente, no thesis wording, nothing about Altena) and say nothing the data do
not support — no sentence built from a zero, verbs that agree with small counts, no findings at all when there
are no codings.
"""
from __future__ import annotations

import csv
import re
import sys

import pytest

docx = pytest.importorskip("docx")

TRANSCRIPTS = {
    "H01": ["I: Wat is jouw huidige functie?",
            "R: Ik werk als Wmo-consulent bij de gemeente en houd me bezig met aanvragen voor ondersteuning.",
            "I: Welke problemen ervaar jij wat betreft de samenwerking en gegevensuitwisseling?",
            "R: Er is vaak geen gegevensuitwisseling. De huisarts deelt weinig en daardoor ontstaat er minder "
            "vertrouwen tussen ons.",
            "I: Denk je dat de Wams positief is voor de samenwerking?",
            "R: Ja, ik verwacht dat de samenwerking verbetert. Wel moet de privacy van de cliënt nog beter "
            "gewaarborgd worden."],
    "H02": ["I: Wat is jouw huidige functie?",
            "R: Ik ben wijkverpleegkundige in de wijk.",
            "I: Welke problemen ervaar jij wat betreft de samenwerking en gegevensuitwisseling?",
            "R: Ik ervaar eigenlijk geen problemen, er wordt goed gecommuniceerd over de cliënten.",
            "R: Ik vertrouw mijn collega's, ik kan altijd bij ze terecht voor informatie."],
    "H03": ["I: Wat is jouw huidige functie?",
            "R: Ik ben schuldhulpverlener.",
            "I: Welke problemen ervaar jij wat betreft de samenwerking en gegevensuitwisseling?",
            "R: Soms wordt er te makkelijk gedeeld zonder dat het noodzakelijk is.",
            "I: Denk je dat de Wams positief is voor de samenwerking?",
            "R: Ik ben bang dat het nog makkelijker wordt om gegevens zonder toestemming te delen, de privacy komt "
            "dan in het geding."],
}
CODINGS = [
    ("H01", "Er is vaak geen gegevensuitwisseling.", "problems.insufficient"),
    ("H01", "De huisarts deelt weinig en daardoor ontstaat er minder vertrouwen tussen ons.",
     "effects.trust.today.negative"),
    ("H01", "Ja, ik verwacht dat de samenwerking verbetert.", "wams.collaboration.positive"),
    ("H01", "Wel moet de privacy van de cliënt nog beter gewaarborgd worden.", "wams.other.less_privacy"),
    ("H02", "Ik ervaar eigenlijk geen problemen, er wordt goed gecommuniceerd over de cliënten.", "problems.none"),
    ("H02", "Ik vertrouw mijn collega's, ik kan altijd bij ze terecht voor informatie.",
     "effects.trust.today.positive"),
    ("H03", "Soms wordt er te makkelijk gedeeld zonder dat het noodzakelijk is.", "problems.too_easy"),
    ("H03", "Ik ben bang dat het nog makkelijker wordt om gegevens zonder toestemming te delen, de privacy komt "
            "dan in het geding.", "wams.other.less_privacy"),
]


def _study_folder(root, with_codings: bool, extra_respondents: str = ""):
    (root / "transcripts").mkdir(parents=True)
    (root / "study.yaml").write_text(
        'title: "Gegevens delen rond meervoudige problematiek in Heusden"\nmunicipality: Heusden\n'
        'commissioner: ""\nperiod: "2024"\nlanguage: nl\nslug: heusden-2024\nthesis: false\n'
        'reconstructed: false\n', encoding="utf-8")
    (root / "respondents.csv").write_text(
        "id,function,label,side,interview_date,organisation\n"
        "H01,Wmo-consulent,Wmo-consulent,intern,2024-03-05,\n"
        "H02,Wijkverpleegkundige,wijkverpleegkundige,extern,2024-03-07,\n"
        "H03,Schuldhulpverlener,schuldhulpverlener,extern,2024-03-12,\n" + extra_respondents, encoding="utf-8")
    for rid, lines in TRANSCRIPTS.items():
        (root / "transcripts" / f"{rid}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if with_codings:
        from altena_qca import load_study
        texts = {d.id: d.text for d in load_study(root, pseudonymise=False).corpus}
        with (root / "codings.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["document", "start", "end", "code", "coder", "origin", "confidence", "text"])
            for doc, phrase, code in CODINGS:
                i = texts[doc].index(phrase)
                w.writerow([doc, i, i + len(phrase), code, "onderzoeker", "manual", 1.0, phrase])
    return root


def _report_text(root, tmp_path):
    from altena_qca import load_study
    from altena_qca.report import make_report
    out = tmp_path / "out"
    files = make_report(load_study(root), out / "report.docx", figures_dir=out / "figures")
    d = docx.Document(str(files["report"][0]))
    parts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    for sec in d.sections:
        parts += [p.text for p in sec.footer.paragraphs]
    svgs = "\n".join(p.read_text(encoding="utf-8") for p in (out / "figures").glob("*.svg"))
    return "\n".join(parts), d, svgs


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("own-study")
    return _report_text(_study_folder(tmp / "heusden", with_codings=True), tmp)


def test_report_is_the_studys_own(coded):
    text, d, svgs = coded
    assert "Gegevens delen rond meervoudige problematiek in Heusden" in text
    assert "gemeente Heusden" in text
    assert "Altena" not in text                                     # nothing about the thesis's gemeente
    svg_text = " ".join(re.findall(r">([^<>]+)</text>", svgs)) + " ".join(re.findall(r"<!-- (.*?) -->", svgs))
    assert "Altena" not in svg_text                                 # nor in the figures' text
    for thesis_only in ("scriptie", "§", "Figuur 1 van", "Gereconstrueerde", "Aanbevelingen uit",
                        "leeuwendeel"):
        assert thesis_only not in text, thesis_only


def test_no_sentence_from_a_zero_and_small_counts_agree(coded):
    text, _, _ = coded
    assert "1 van de 3 respondenten ervaart nu te weinig gegevensuitwisseling" in text
    assert "(0 van de" not in text                                  # no listed effect nobody named
    assert "niemand verwacht dat de samenwerking erdoor verslechtert" not in text   # only 1 of 3 said 'better'
    assert "gemengd" not in text                                    # Rhodes: nothing coded, nothing concluded
    assert "zeggen daarom niets over het soort netwerk" in text
    assert "groep 3 (0)" not in text


def test_no_codings_no_findings(tmp_path):
    text, d, _ = _report_text(_study_folder(tmp_path / "uncoded", with_codings=False), tmp_path)
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert "Geen coderingen, geen bevindingen" in h1
    assert "rust op geen enkele codering" in text
    for finding in ("Vier groepen", "Effecten nu", "Zorgen over privacy", "Conclusie", "respondenten vinden",
                    "verwachten", "Geen van de"):
        assert finding not in h1 and finding not in text, finding


def test_a_respondent_outside_every_group_is_shown_and_not_concluded_about(tmp_path):
    """H04 names an effect but codes no problem: the tables give it its own column, so each row adds up
    to its total, and the conclusion says it speaks only for the placed respondents."""
    TRANSCRIPTS["H04"] = ["I: Wat is jouw huidige functie?", "R: Ik ben jongerenwerker.",
                          "I: Hoe is de samenwerking?",
                          "R: Het vertrouwen tussen de partners is de laatste tijd minder geworden."]
    CODINGS.append(("H04", "Het vertrouwen tussen de partners is de laatste tijd minder geworden.",
                    "effects.trust.today.negative"))
    try:
        root = _study_folder(tmp_path / "unplaced", with_codings=True,
                             extra_respondents="H04,Jongerenwerker,jongerenwerker,extern,2024-03-14,\n")
        text, d, _ = _report_text(root, tmp_path)
    finally:
        del TRANSCRIPTS["H04"]
        CODINGS.pop()
    tables = [t for t in d.tables if t.rows[0].cells[0].text == "Effect"]
    assert len(tables) == 2
    for t in tables:
        header = [c.text for c in t.rows[0].cells]
        assert header[-2] == "Zonder groep (n=1)" and header[-1] == "Totaal (n=4)"
        for row in t.rows[1:]:
            cells = [c.text for c in row.cells]
            assert sum(int(x) for x in cells[2:-1]) == int(cells[-1]), cells
    trust = next(r for r in tables[0].rows if r.cells[0].text == "Vertrouwen" and r.cells[1].text == "negatief")
    assert [c.text for c in trust.cells][-2:] == ["1", "2"]          # H01 in groep 1, H04 outside every group
    assert "1 respondent is niet in een groep geplaatst; over die zegt deze conclusie niets." in text


def test_coarse_effect_codings_are_named_not_read_as_nobody(tmp_path, monkeypatch):
    """Effects coded only on the general code (``effects.trust``, as the auto-coder's rules often do) fit no
    row of the effects tables: the report says how many there are, and never that nobody names an effect."""
    coarse = [(doc, phrase, "effects.trust" if code.startswith("effects.trust") else code)
              for doc, phrase, code in CODINGS if not code.startswith("problems.")]
    monkeypatch.setattr(sys.modules[__name__], "CODINGS", coarse)
    text, d, _ = _report_text(_study_folder(tmp_path / "coarse", with_codings=True), tmp_path)
    # nobody has a problem coding, so nobody is placed: no empty list after a colon
    assert "Geen van de 3 respondenten is in één van de vier groepen ingedeeld." in text
    assert "verschillend: ." not in text
    assert ("Bij 2 respondenten is daarnaast een effect gecodeerd op een algemene code, zonder dat de codering "
            "zegt of het nu of onder de Wams speelt en in welke richting: vertrouwen (2)") in text
    assert "Die 2 coderingen tellen in de tabellen hieronder niet mee" in text
    assert "noemt een negatief effect" not in text
    assert ("heeft een codering voor een negatief effect van te weinig gegevensuitwisseling op de samenwerking. "
            "Bij 2 respondenten is wel een effect gecodeerd zonder moment of richting") in text
    assert "In deze studie is niets gecodeerd over de privacy van cliënten onder de Wams" not in text
    rows = [[c.text for c in r.cells] for t in d.tables for r in t.rows]
    assert ["–", "Niet ingedeeld (geen codering voor ervaren problemen)", "3",
            "Wmo-consulent, wijkverpleegkundige, schuldhulpverlener"] in rows


def test_an_empty_theme_says_so_and_sentences_begin_with_a_capital(tmp_path, monkeypatch):
    """Only H01's codings: the privacy section says nothing was coded instead of standing empty, and a
    sentence that opens with a group ('groep 1 verwacht ...') is capitalised."""
    only = [c for c in CODINGS if c[0] == "H01" and not c[2].startswith("wams.")]
    only.append(("H01", "Ja, ik verwacht dat de samenwerking verbetert.", "effects.coordination.wams.improves.tasks"))
    monkeypatch.setattr(sys.modules[__name__], "CODINGS", only)
    text, _, _ = _report_text(_study_folder(tmp_path / "one", with_codings=True), tmp_path)
    assert ("In deze studie is niets gecodeerd over de privacy van cliënten onder de Wams; de gegevens zeggen "
            "daarover niets.") in text
    assert "Groep 1 verwacht een betere coördinatie van taken (1 van de 1)." in text
    assert " groep 1 verwacht" not in text and "\ngroep 1" not in text


def test_results_of_a_study_without_codings(tmp_path):
    """compute_results on zero codings: every table empty, no crash (an empty filter once read as column names)."""
    from altena_qca import load_study
    from altena_qca.report import compute_results

    res = compute_results(load_study(_study_folder(tmp_path / "leeg", with_codings=False)))
    assert res.codings_summary["codings"] == 0 and res.codings_summary["quotes"] == 0


def test_a_negative_effect_of_the_oversharing_group_is_not_blamed_on_a_shortage(tmp_path, monkeypatch):
    """H03 (groep 2: te makkelijk delen) also names a negative effect on trust. The research question is about
    too little sharing: only groep 1's effects may be read as effects of a shortage; groep 2's are reported
    as theirs, with verbs that agree with one group and one respondent."""
    extra = [("H03", "Soms wordt er te makkelijk gedeeld zonder dat het noodzakelijk is.",
              "effects.trust.today.negative")]
    monkeypatch.setattr(sys.modules[__name__], "CODINGS", CODINGS + extra)
    text, _, _ = _report_text(_study_folder(tmp_path / "overshare", with_codings=True), tmp_path)
    assert ("Groep 1 (1 van de 3 respondenten) noemt nu negatieve effecten van te weinig gegevensuitwisseling op "
            "de samenwerking: vertrouwen (1 van de 1).") in text
    assert ("Ook groep 2 (1 van de 3 respondenten; ervaring: te veel of te makkelijk gegevens delen) noemt nu "
            "negatieve effecten op de samenwerking: vertrouwen (1 van de 1); deze groep ervaart geen tekort aan "
            "gegevensuitwisseling.") in text
    assert "de groepen 1 en 2" not in text                      # never one claim about both
    assert ("volgens de respondenten die dat ervaren (groep 1: 1 van de 3 respondenten) negatieve effecten op de "
            "samenwerking, op vertrouwen. Ook groep 2 (1 van de 3 respondenten) noemt negatieve effecten, op "
            "vertrouwen, maar ervaart geen tekort aan gegevensuitwisseling.") in text
    assert ("1 van de 3 respondenten ervaart nu te weinig gegevensuitwisseling en merkt daarvan negatieve "
            "gevolgen voor de samenwerking; 1 van de 3 respondenten noemt ook negatieve gevolgen voor de "
            "samenwerking zonder een tekort aan gegevensuitwisseling te ervaren") in text
    assert "rust dus op één respondent" in text
