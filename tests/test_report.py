"""The Word report, read back with python-docx: sections, tables, figures, quotes, notice.

Expected numbers come from the thesis (section cited), never from the code
under test.
"""
from __future__ import annotations

import re
import zipfile

import pytest
from _report_results import report_results, written_report  # noqa: F401  (fixtures)

from altena_qca.report import SECTIONS, write_report

docx = pytest.importorskip("docx")

# Thesis §4.2.2: the four groups and who is in them.
THESIS_GROUPS = {
    1: {"CIT-medewerker", "inkomensconsulent", "Wmo-regisseur", "Smo-medewerker", "woonconsulent",
        "procesregisseur", "Thebe-wijkverpleegkundige"},
    2: {"kwaliteitsregisseur", "functionaris gegevensbescherming"},
    3: {"MaSS-voorzitter", "Trema medewerker"},
    4: {"wijk-GGD'er", "Rivas-wijkverpleegkundige"},
}
QUOTE = re.compile(r"^“(?P<quote>.+)” – de (?P<label>.+?)(?: \(scriptie r\. \d+\))?$", re.S)


@pytest.fixture(scope="module")
def document(written_report):
    return docx.Document(str(written_report[0]))


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_heading_1_sections_in_order(document):
    h1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert h1 == list(SECTIONS)
    assert SECTIONS[0] == "Managementsamenvatting" and SECTIONS[-3].startswith("Bijlage A")
    # the thesis's chapter 5 in the report: conclusion (§5.1), the Wams not the whole solution (§5.2),
    # follow-up research (§5.5) and limitations (§5.6)
    for title in ("Conclusie: het antwoord op de onderzoeksvraag", "Is de Wams de hele oplossing?",
                  "Vervolgonderzoek", "Beperkingen van dit onderzoek"):
        assert title in h1, title
    h2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Effecten nu" in h2 and "Verwachte effecten onder de Wams" in h2


def test_table_of_contents_has_page_number_fields_for_every_heading(written_report, document):
    with zipfile.ZipFile(written_report[0]) as z:
        body = z.read("word/document.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
    # one PAGEREF per TOC line, to a bookmark on its heading: LibreOffice computes these on opening, Word
    # when it updates the fields (updateFields)
    marks = re.findall(r'w:bookmarkStart w:id="\d+" w:name="(_Toc\d+)"', body)
    refs = re.findall(r"PAGEREF (_Toc\d+) \\h", body)
    assert refs and set(refs) <= set(marks)
    assert "w:updateFields" in settings
    toc = [p.text.split("\t")[0] for p in document.paragraphs if p.style.name == "toc 1"]
    assert toc == list(SECTIONS)


def test_groups_table_has_the_four_groups_of_the_thesis(document):
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells][:3] == [
        "Groep", "Ervaring met gegevensuitwisseling", "Aantal"])
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4]
    assert [int(r[2]) for r in rows] == [7, 2, 2, 2]                      # §4.2.2
    for r in rows:
        assert set(r[3].split(", ")) == THESIS_GROUPS[int(r[0])], r[0]


def test_effects_today_table_only_group_1_negative(document):
    # §4.2: "ervaart louter de eerste groep negatieve effecten"
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Effect"
                 and any(c.text == "negatief" for r in t.rows for c in r.cells))
    header = [c.text for c in table.rows[0].cells]
    assert header[2].startswith("Groep 1") and header[5].startswith("Groep 4")
    negative = [[c.text for c in r.cells] for r in table.rows[1:] if r.cells[1].text == "negatief"]
    assert len(negative) == 5
    for row in negative:
        assert int(row[2]) > 0 and row[3:6] == ["0", "0", "0"], row


def test_three_figures_inline_and_no_c_coefficient_figure_for_policymakers(document):
    # Issue 16: policymakers get counts per group with the share; the c-coefficient stays in the tables and
    # notebooks for researchers.
    shapes = document.inline_shapes
    assert len(shapes) == 3
    for s in shapes:
        assert s.width.cm <= 16.55
    assert abs(shapes[0].width.cm - 16.5) < 0.05      # placed 1:1, so 8 pt figure text prints at 8 pt
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("Figuur")]
    assert [c.split(":")[0] for c in captions] == ["Figuur 1", "Figuur 2", "Figuur 3"]
    assert not any("c-coëfficiënt" in c for c in captions)


def test_reconstruction_notice_and_dutch_text(written_report, document):
    text = _text(document)
    assert "Gereconstrueerde data" in text
    assert "reconstructie uit de gepubliceerde scriptie" in text
    for word in ("respondenten", "gegevensuitwisseling", "beleidsgemeenschap", "Aanbevelingen", "§5.3"):
        assert word in text, word
    with zipfile.ZipFile(written_report[0]) as z:
        assert 'w:val="nl-NL"' in z.read("word/styles.xml").decode("utf-8")
    assert document.core_properties.language == "nl-NL"


def test_summary_is_phrased_from_the_numbers(document):
    paras = document.paragraphs
    h1 = [i for i, p in enumerate(paras) if p.style.name == "Heading 1"]
    summary = "\n".join(p.text for p in paras[h1[0]:h1[1]])
    assert "7 van de 13 respondenten" in summary          # group 1 (§4.2.2, §5.4)
    assert "Alle 13 respondenten verwachten" in summary   # Wams: approach, decisions, goals (§4.3.1)
    assert "beleidsgemeenschap" in summary                # §4.1.1


def test_quotes_are_verbatim_and_attributed_to_the_right_function(study, document):
    by_label = {r.label: r.id for r in study.corpus.respondents.values()}
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert len(quotes) >= 10
    for q in quotes:
        m = QUOTE.match(q)
        assert m, q
        label, quote = m["label"], " ".join(m["quote"].split())
        assert label in by_label, label
        assert "[parafrase]" not in quote
        doc = next(d for d in study.corpus if d.respondent == by_label[label])
        flat = " ".join(doc.text.split())
        assert quote in flat, (label, quote[:60])
        i = flat.index(quote)
        assert not flat[max(0, i - 14):i].strip().endswith("[parafrase]"), quote[:60]
    assert len(set(quotes)) == len(quotes)          # every quote appears once


def test_only_function_labels_attribute_statements(study, document):
    labels = {r.label for r in study.corpus.respondents.values()}
    text = _text(document)
    for m in re.finditer(r"” – de ([^(\n]+?)(?: \(|$)", text, re.M):
        assert m.group(1).strip() in labels, m.group(1)
    assert not re.search(r"\bR\d{2}\b", text)       # no respondent ids either


def test_codebook_appendix_lists_every_code(study, document):
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == [
        "Code", "Label", "Soort", "Omschrijving"])
    ids = [r.cells[0].text for r in table.rows[1:]]
    assert ids == [c.id for c in study.codebook]


def test_report_is_byte_identical_with_fixed_properties(study, report_results, written_report, tmp_path):
    path, figures = written_report
    again = write_report(study, report_results, tmp_path / "again.docx", figures=figures)
    assert again.read_bytes() == path.read_bytes()
    props = docx.Document(str(path)).core_properties
    assert props.created.year == 2023 and props.modified == props.created
    assert props.author == "altena-qca"


def test_report_command_writes_report_and_figures(tmp_path):
    from click.testing import CliRunner

    from altena_qca.cli import cli
    out = tmp_path / "rapport.docx"
    result = CliRunner().invoke(cli, ["report", "--no-network", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert sorted(p.name for p in (tmp_path / "figures").glob("*.png")) == [
        "codes_intern_extern.png", "effecten_nu.png", "effecten_per_groep.png", "effecten_wams.png",
        "samenhang_per_effect.png"]
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Managementsamenvatting"


def _table(document, first_header: str, contains: str):
    return next(t for t in document.tables if t.rows[0].cells[0].text == first_header
                and any(contains in c.text for r in t.rows for c in r.cells))


def test_coordination_two_rows_in_the_wams_table(document):
    """§4.3.1 (l. 632) and §5.1 (l. 682): the coordinated approach improves for all, the coordination of tasks
    for group 1 only (l. 628: 'met uitzondering van de procesregisseur en de inkomensconsulent', 5 of 7), the
    inkomensconsulent 'unclear in the source'; the other groups say tasks are already aligned (l. 624)."""
    t = _table(document, "Effect", "verbetert")
    rows = {(r.cells[0].text, r.cells[1].text): [c.text for c in r.cells[2:]] for r in t.rows[1:]}
    assert rows[("Coördinatie van taken", "verbetert")] == ["5", "0", "0", "0", "5"]
    assert rows[("Coördinatie van taken", "onduidelijk in de bron")] == ["1", "0", "0", "0", "1"]
    assert rows[("Coördinatie van taken", "blijft gelijk")] == ["0", "2", "2", "2", "6"]
    assert rows[("Gecoördineerde aanpak komt beter van de grond", "verbetert")] == ["7", "2", "2", "2", "13"]
    assert not any(name == "Coördinatie" for name, _ in rows)


def test_report_phrases_privacy_and_improvements_as_the_thesis_does(document):
    text = _text(document)
    # §4.3.1 l. 636: 'dat de privacy van de cliënt ... nog beter moet worden gewaarborgd' — a need, not a
    # prediction that privacy 'minder goed gewaarborgd is'; and the Wams 'hoogstwaarschijnlijk niet leidt tot
    # negatieve effecten op de netwerksamenwerking'.
    assert "minder goed gewaarborgd" not in text
    assert "nog beter gewaarborgd moet worden" in text
    assert "niemand verwacht dat de samenwerking erdoor verslechtert" in text
    # §4.3.1 l. 636: careful now, all but the kwaliteitsregisseur and the functionaris gegevensbescherming
    careful = re.search(r"11 van de 13 respondenten \(niet ([^)]*)\) vinden dat professionals nu al zorgvuldig", text)
    assert careful and set(careful.group(1).split(" en ")) == {"de functionaris gegevensbescherming",
                                                               "de kwaliteitsregisseur"}
    # §4.3.2 l. 650 names the procesregisseur, the Thebe nurse and the MaSS-voorzitter on meetings; the
    # coordinator's role belongs to the Wams expectations of §4.3.1, not to 'other improvements'
    assert "rol van de coördinator als verbeterpunt" not in text


def test_network_text_keeps_to_what_the_thesis_can_carry(document):
    text = _text(document)
    # l. 355 bold = interviewed; the wijk-GGD'er's employer is never named (Tabel 3, l. 211): 7 certain
    assert "Bij zeven externe partners werkt een geïnterviewde respondent (vet); van één externe respondent noemt " \
           "de bron de werkgever niet." in text
    # l. 355: Figure 1 = partners named in the interviews and the observation; those the reconstruction cannot
    # support are named
    for partner in ("Jeugdzorg", "Kredietbank Nederland", "Mid-Zuid", "MijZo", "Vluchtelingenwerk"):
        assert partner in text, partner
    assert "Meest verbonden" not in text and "meest verbonden" not in text   # weighted, ties kept


def test_institutional_quantifier_is_not_presented_as_a_finding(document):
    # l. 395 'het leeuwendeel', l. 681 'het overgrote deel': four named; the count is a lower bound
    text = _text(document)
    assert "het leeuwendeel" in text and "ondergrens" in text
    assert "Intern wordt 'Institutionele grens'" not in text


def test_claims_appendix_lists_the_checked_claims(document):
    t = _table(document, "Waar", "gereproduceerd")
    statuses = [r.cells[4].text.split(".")[0] for r in t.rows[1:]]
    assert len(statuses) >= 80
    assert statuses.count("gereproduceerd") / len(statuses) >= 0.9
    for r in t.rows[1:]:
        if not r.cells[4].text.startswith("gereproduceerd"):
            assert len(r.cells[4].text) > 30, r.cells[1].text      # every other one explained
