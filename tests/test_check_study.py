"""`altena-qca init` and `check`: a new study folder, every problem listed at once, Dutch dates,
a study's own actors.yaml, safe codebook edits and `codebook validate` on rules."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from altena_qca.check import check_study
from altena_qca.cli import cli
from altena_qca.errors import InputError
from altena_qca.ingest.corpus import read_respondents
from altena_qca.ingest.dates import parse_date
from altena_qca.init import init_study

HEADER = "id,function,label,side,interview_date,organisation\n"


@pytest.mark.parametrize("text, iso", [
    ("2024-03-05", "2024-03-05"), ("05-03-2024", "2024-03-05"), ("5-3-2024", "2024-03-05"),
    ("5/3/2024", "2024-03-05"), ("5.3.2024", "2024-03-05"), ("5 maart 2024", "2024-03-05"),
    ("7 Maart 2024", "2024-03-07"), ("5 mrt. 2024", "2024-03-05"), ("dinsdag 5 maart 2024", "2024-03-05"),
    ("31 december 2023", "2023-12-31"), ("", None), ("  ", None),
])
def test_dutch_and_iso_dates(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["2024 maart 05", "5 march 2024", "31-02-2024", "maart 2024", "05-03-24"])
def test_bad_dates_say_what_is_accepted(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_respondents_dates_become_iso_and_a_bad_one_names_file_and_line(tmp_path):
    p = tmp_path / "respondents.csv"
    p.write_text(HEADER + "R01,A,a,intern,05-03-2024,\nR02,B,b,extern,7 maart 2024,\n", encoding="utf-8")
    assert [r.interview_date for r in read_respondents(p).values()] == ["2024-03-05", "2024-03-07"]
    p.write_text(HEADER + "R01,A,a,intern,05-03-2024,\nR02,B,b,extern,7 maartt 2024,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E112\] .*respondents.csv, line 3: invalid value '7 maartt 2024' "
                                         r"for 'interview_date'"):
        read_respondents(p)


def _study(tmp_path, name="s"):
    folder = tmp_path / name
    init_study(folder, title="Zorgnetwerk Heusden", municipality="Heusden", period="2024")
    return folder


def test_init_makes_a_study_that_checks(tmp_path):
    folder = _study(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md", "actors.yaml", "codebook.yaml", "observations", "respondents.csv", "study.yaml", "topiclist.yaml", "transcripts"]
    (folder / "respondents.csv").write_text(HEADER + "R01,Wijkagent,wijkagent,extern,5 maart 2024,Politie\n",
                                            encoding="utf-8")
    (folder / "transcripts" / "R01.txt").write_text("I: Wat doet u?\nR: Ik ben wijkagent.\n", encoding="utf-8")
    result = check_study(folder, fit_rules=False)
    assert result.ok, result.problems
    assert any(w.startswith("[W112]") for w in result.warnings)       # no codings: said loudly
    assert result.counts["respondents"] == 1 and result.counts["transcripts"] == 1
    # a non-empty folder is never overwritten
    with pytest.raises(InputError, match=r"\[E136\]"):
        init_study(folder, title="T", municipality="M")


def test_check_warns_about_names_in_file_names_and_labels_as_run_does(tmp_path):
    """`check` comes first: a transcript named after a person (W501) and a name in a label (W502) are said
    there, with the id the outputs will use; nothing else changes."""
    folder = _study(tmp_path)
    (folder / "respondents.csv").write_text(
        HEADER + "R01_Jan_Jansen,Wijkagent,wijkagent,extern,5 maart 2024,Politie\n"
        "R02,Wmo-consulent,contact: Sanne Verbeek,intern,6 maart 2024,\n", encoding="utf-8")
    for rid in ("R01_Jan_Jansen", "R02"):
        (folder / "transcripts" / f"{rid}.txt").write_text("I: Wat doet u?\nR: Ik ben wijkagent.\n",
                                                           encoding="utf-8")
    result = check_study(folder, fit_rules=False)
    assert result.ok, result.problems
    w501 = [w for w in result.warnings if w.startswith("[W501]")]
    assert len(w501) == 1 and "'R01_PERSOON-1'" in w501[0] and "Jansen" not in w501[0]
    assert any(w.startswith("[W502]") for w in result.warnings)
    # neither warning repeats the name it is about (a warning about the file's content, such as W102 for
    # these part-less transcripts, names the file as the researcher saved it, so that it can be found)
    assert not any("Verbeek" in w or "Jansen" in w for w in result.warnings if w.startswith(("[W501]", "[W502]")))
    quiet = check_study(folder, fit_rules=False, names=False)   # run's own check: its load warns instead
    assert not any(w.startswith(("[W501]", "[W502]")) for w in quiet.warnings)


def test_check_accepts_codings_on_the_ids_the_load_gives(tmp_path):
    """Codings written by `code` or the workbench use the neutral id (R01_PERSOON-1); check finds the
    document under that id, whether or not it also warned about the name (one renaming, worked out once)."""
    folder = _study(tmp_path)
    (folder / "respondents.csv").write_text(
        HEADER + "R01_Jan_Jansen,Wijkagent,wijkagent,extern,5 maart 2024,Politie\n", encoding="utf-8")
    (folder / "transcripts" / "R01_Jan_Jansen.txt").write_text("I: Wat doet u?\nR: Ik ben wijkagent.\n",
                                                                 encoding="utf-8")
    (folder / "codings.csv").write_text("document,start,end,code\nR01_PERSOON-1,0,2,intro\n", encoding="utf-8")
    for names in (True, False):
        result = check_study(folder, fit_rules=False, names=names)
        assert result.ok, result.problems
        assert result.counts["codings"] == 1
    (folder / "codings.csv").write_text("document,start,end,code\nR09,0,2,intro\n", encoding="utf-8")
    assert any("R09" in p for p in check_study(folder, fit_rules=False).problems)


def test_check_lists_every_problem_at_once(tmp_path):
    folder = _study(tmp_path)
    (folder / "study.yaml").write_text("title: T\nthesis: misschien\n", encoding="utf-8")
    (folder / "respondents.csv").write_text(
        HEADER + "R01,A,a,intern,5 maart 2024,\nR02,B,b,buiten,2024-03-05,\nR03,C,c,extern,30 februari 2024,\n"
        "R01,D,d,extern,,\n", encoding="utf-8")
    (folder / "transcripts" / "R01.txt").write_text("I: Vraag?\nR: Antwoord.\n", encoding="utf-8")
    (folder / "transcripts" / "R04.txt").write_text("zonder sprekers\n", encoding="utf-8")
    (folder / "actors.yaml").write_text("actors:\n  - name: GGZ Oost\n    domian: gezondheid\n", encoding="utf-8")
    (folder / "codings.csv").write_text("document,start,end,code\nR01,3,9,intro.nope\nR01,3,900,intro\n",
                                        encoding="utf-8")
    result = check_study(folder, fit_rules=False)
    codes = [p.split("]")[0] + "]" for p in result.problems]
    assert not result.ok
    for expected in ("[E131]", "[E112]", "[E111]", "[E114]", "[E113]", "[E104]", "[E300]", "[E121]", "[E122]"):
        assert expected in codes, (expected, result.problems)
    assert sum("respondents.csv, line" in p for p in result.problems) == 3   # side, date and duplicate
    assert any("actors.yaml: line 2" in p and "did you mean 'domain'" in p for p in result.problems)


def test_cli_check_and_run_refuse_before_writing(tmp_path):
    folder = _study(tmp_path)
    (folder / "respondents.csv").write_text(HEADER + "R01,A,a,intern,2024-13-01,\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", "--data", str(folder)])
    assert res.exit_code == 2 and "[E112]" in res.stderr and "[E113]" in res.stderr and "Traceback" not in res.output
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["run", "--data", str(folder), "--out", str(out)])
    assert res.exit_code == 2 and "nothing was written" in res.stderr and not out.exists()


def test_study_actors_need_only_names_and_are_protected(tmp_path):
    from altena_qca import load_study
    from altena_qca.network.actors import study_gazetteer, unresolved_organisations

    folder = _study(tmp_path)
    (folder / "actors.yaml").write_text("actors:\n  - name: GGZ Oost Brabant\n    aliases: [GGZ-OB]\n"
                                        "  - Stichting Zorgkracht\n", encoding="utf-8")
    (folder / "respondents.csv").write_text(
        HEADER + "R01,Casemanager,casemanager,extern,2024-03-05,GGZ Oost Brabant\n"
                 "R02,Beleid,beleid,intern,2024-03-06,Gemeente Heusden\n"
                 "R03,Agent,agent,extern,2024-03-07,Stichting Zorgplein\n", encoding="utf-8")
    for rid in ("R01", "R02", "R03"):
        (folder / "transcripts" / f"{rid}.txt").write_text(
            "I: Met wie werkt u samen?\nR: Met GGZ Oost Brabant en Stichting Zorgkracht, en met Jan Pietersen.\n",
            encoding="utf-8")
    gaz = study_gazetteer(folder, municipality="Heusden")
    assert gaz.resolve("ggz-ob") == gaz.resolve("GGZ Oost Brabant") == "ggz_oost_brabant"
    assert gaz[gaz.resolve("Gemeente Heusden")].side == "intern"        # the study's municipality is known
    assert gaz.resolve("Gemeente Altena") == "gemeente_altena"          # merged with the package's
    study = load_study(folder)
    assert unresolved_organisations(study.corpus, gaz) == {"Stichting Zorgplein": ["R03"]}
    text = study.corpus.documents["R01"].text
    assert "GGZ Oost Brabant" in text and "Stichting Zorgkracht" in text and "Pietersen" not in text
    result = check_study(folder, fit_rules=False)
    assert [w for w in result.warnings if w.startswith("[W111]")] == [
        (f"[W111] {folder / 'respondents.csv'}: organisation 'Stichting Zorgplein' (organisation of R03) is not in "
         "the gazetteer; it is kept as a gazetteer candidate (add it to the study's actors.yaml)")]


def test_codebook_validate_compiles_patterns_and_warns_on_rules_that_never_match(tmp_path):
    folder = _study(tmp_path)
    cb = folder / "codebook.yaml"
    text = cb.read_text(encoding="utf-8")
    marker = "codes:\n"
    extra = ("  - id: x_upper\n    label_nl: X\n    rules:\n      patterns:\n        - [{LEMMA: Wams}]\n"
             "  - id: x_lower\n    label_nl: Y\n    rules:\n      patterns:\n        - [{LOWER: {IN: [Wams, wams]}}]\n")
    cb.write_text(text.replace(marker, marker + extra, 1), encoding="utf-8")
    res = CliRunner().invoke(cli, ["codebook", "validate", str(cb)])
    assert res.exit_code == 0, res.output
    warns = [ln for ln in res.stderr.splitlines() if "[W120]" in ln]
    assert len(warns) == 1 and "x_upper" in warns[0] and "write 'wams'" in warns[0]
    bad = ("  - id: x_bad\n    label_nl: Z\n    rules:\n      patterns:\n        - [{LEMMA: {REGEX: '('}}]\n"
           "  - id: x_bad2\n    label_nl: Z\n    rules:\n      patterns:\n        - [{FOO: bar}]\n")
    cb.write_text(text.replace(marker, marker + bad, 1), encoding="utf-8")
    res = CliRunner().invoke(cli, ["codebook", "validate", str(cb)])
    errors = [ln for ln in res.stderr.splitlines() if "[E208]" in ln]
    assert res.exit_code == 2 and len(errors) >= 1 and any("x_bad2" in e for e in errors), res.stderr


def test_an_empty_side_is_unknown_not_an_error(tmp_path):
    """A project imported from another tool may not know intern/extern (refi, issue 13)."""
    import warnings as w

    from altena_qca.analysis.frequencies import code_document_table
    from altena_qca.model import Code, Codebook, Corpus, make_codings

    p = tmp_path / "respondents.csv"
    p.write_text(HEADER + "R01,A,a,,,\nR02,B,b,intern,,\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"\[W115\] .*1 respondent\(s\) without a side .*R01"):
        resp = read_respondents(p)
    assert resp["R01"].side == "" and resp["R02"].side == "intern"
    corpus = Corpus(respondents=resp)
    from altena_qca.ingest.segment import segment_paragraphs
    from altena_qca.ingest.text import Paragraph
    with w.catch_warnings():
        w.simplefilter("ignore")
        for rid in resp:
            corpus.documents[rid] = segment_paragraphs([Paragraph("I: Vraag?", 1), Paragraph("R: Antwoord.", 2)],
                                                       rid, respondent=rid)
    cb = Codebook([Code("a", "A")])
    codings = make_codings([{"document": "R01", "start": 13, "end": 20, "code": "a"},
                            {"document": "R02", "start": 13, "end": 20, "code": "a"}])
    table = code_document_table(corpus, cb, codings, by="side")
    assert {"intern", "extern", "onbekend"} <= set(table.columns)
    assert int(table.loc[table["code"] == "a", "onbekend"].iloc[0]) == 1


def test_another_study_does_not_inherit_the_thesis_municipality():
    """Merged with the package gazetteer, a Heusden study must not find gemeente Altena, its teams or the
    generic aliases that only hold in the Altena interviews ('de GGZ' = GGZ-Breburg there)."""
    from altena_qca.network.actors import load_gazetteer, study_gazetteer

    package = load_gazetteer()
    thesis = study_gazetteer(None, municipality="Altena", thesis=True)
    assert [a.id for a in thesis] == [a.id for a in package] and thesis.resolve("de GGZ") == package.resolve("de GGZ")
    own = study_gazetteer(None, municipality="Heusden", thesis=False)
    ids = {a.id for a in own}
    assert "gemeente_altena" not in ids and not any(a.parent == "gemeente_altena" for a in own)
    assert own.resolve("gemeente") == own.resolve("Gemeente Heusden") == "gemeente_heusden"
    assert own.resolve("inkomensconsulent") is None                 # a role in Altena's own teams
    # a type word names an organisation of that type, not the one it meant in Altena
    assert own.resolve("GGZ") == own.resolve("ggz-instelling") == "type_ggz_instelling"
    assert own.resolve("woningcorporatie") == "type_woningcorporatie" and own["type_woningcorporatie"].name == \
        "Woningcorporatie"
    assert own.resolve("Bazalt Wonen") == "bazalt_wonen" and own.resolve("wijkagent") == "politie"
    assert own.resolve("sociaal team") == "wijkteam" and own.resolve("huisartsenpraktijk") == "huisarts"
    assert thesis.resolve("woningcorporatie") == "bazalt_wonen"     # in the thesis it is Bazalt Wonen
    assert not any("Altena" in a.name and a.name != "Woonstichting Land van Altena" for a in own)
    assert own["politie"].name == "Politie" and not any(a.in_figure_1 for a in own)
    # every region has its own kredietbank: 'Kredietbank Heusden' is not the thesis's Kredietbank Nederland
    from altena_qca.network.actors import _resolve_organisation
    assert own.resolve("kredietbank") == "type_kredietbank" and own["type_kredietbank"].name == "Kredietbank"
    assert _resolve_organisation("Kredietbank Heusden", own) is None          # W111: add it to actors.yaml
    assert thesis.resolve("Kredietbank") == "kredietbank"


@pytest.mark.parametrize("ask, answer", [("Vraag", "Antwoord"), ("Q", "A"), ("Interviewer", "Respondent")])
def test_speaker_labels_without_configuration(ask, answer):
    from altena_qca.ingest.segment import segment_paragraphs
    from altena_qca.ingest.text import Paragraph

    doc = segment_paragraphs([Paragraph(f"{ask}: Wat is uw functie?", 1), Paragraph(f"{answer}: Wijkagent.", 2)],
                             "R01")
    assert [(s.speaker, doc.segment_text(s)) for s in doc.segments] == [
        ("interviewer", "Wat is uw functie?"), ("respondent", "Wijkagent.")]
