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
    assert SECTIONS[0] == "Managementsamenvatting" and SECTIONS[-2].startswith("Bijlage A")
    h2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Effecten nu" in h2 and "Verwachte effecten onder de Wams" in h2


def test_table_of_contents_field_over_the_headings(written_report, document):
    with zipfile.ZipFile(written_report[0]) as z:
        body = z.read("word/document.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
    assert 'TOC \\o "1-2"' in body and 'w:fldCharType="begin"' in body
    assert "w:updateFields" in settings
    toc = [p.text for p in document.paragraphs if p.style.name == "toc 1"]
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


def test_four_figures_inline_at_full_text_width(document):
    shapes = document.inline_shapes
    assert len(shapes) == 4
    for s in shapes:
        assert abs(s.width.cm - 16.5) < 0.05      # placed 1:1, so 8 pt figure text prints at 8 pt
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("Figuur")]
    assert [c.split(":")[0] for c in captions] == ["Figuur 1", "Figuur 2", "Figuur 3", "Figuur 4"]


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
        "Code", "Label", "Soort", "Definitie"])
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
        "codes_intern_extern.png", "effecten_per_groep.png", "samenhang_per_effect.png"]
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Managementsamenvatting"
