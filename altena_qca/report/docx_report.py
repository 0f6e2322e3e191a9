"""The Dutch Word report for a policymaker in gemeente Altena (python-docx).

:func:`write_report` renders a :class:`~altena_qca.report.results.Results`
bundle: title page, table of contents (a TOC field over Word's heading
styles), management summary, method (with the reconstruction notice), the
network and why it is a policy community, the four groups, effects today and
under the Wams, privacy, the thesis's recommendations (§5.3), quotes per
theme and the codebook as an appendix.

Every number and every finding in the text is phrased from the computed
tables (:mod:`altena_qca.report.wording`); only the method and the
summary of the thesis's recommendations are fixed text. Respondents appear
by function label only, quotes only when verbatim (paraphrases of the
reconstructed corpus never appear as quotes). The file is deterministic:
fixed core properties, no clock, normalised zip.

Examples
--------
>>> from altena_qca import load_study
>>> from altena_qca.report.results import make_report
>>> make_report(load_study(), "rapport.docx")  # doctest: +SKIP
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Mapping

from .._io import atomic_path, normalise_zip
from ..model import PARTS
from ..study import Study
from . import wording as w
from ._docx import Builder
from .results import Results

__all__ = ["REPORT_TITLE", "SECTIONS", "write_report"]

REPORT_TITLE = "Gegevens delen in het zorgnetwerk van gemeente Altena"
#: The Heading 1 titles of the report, in order.
SECTIONS = (
    "Managementsamenvatting",
    "Hoe is het onderzoek gedaan?",
    "Het netwerk: een beleidsgemeenschap?",
    "Vier groepen: hoe respondenten gegevensuitwisseling ervaren",
    "Effecten op de samenwerking: nu en onder de Wams",
    "Zorgen over privacy",
    "Aanbevelingen uit de scriptie",
    "Citaten per thema",
    "Bijlage A: Codeboek",
    "Bijlage B: Thema's intern en extern",
)
THESIS = ("Het belang van persoonsgegevensuitwisseling in een integraal (sociaal)zorgnetwerk "
          "(masterscriptie, Radboud Universiteit, juli 2023)")


def write_report(study: Study, results: Results, path: str | Path, *,
                 figures: Mapping[str, list[Path]] | None = None) -> Path:
    """Write the Dutch Word report of a study.

    Parameters
    ----------
    study : Study
        The study the results were computed from (its corpus says whether the
        data are the bundled reconstruction).
    results : Results
        From :func:`~altena_qca.report.results.compute_results`.
    path : str or Path
        The ``.docx`` to write (atomically).
    figures : mapping, optional
        Figure stem → files, from :func:`~altena_qca.report.figures.write_figures`;
        made in a temporary folder when not given.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="altena-qca-figures-") as tmp:
        if figures is None:
            from .figures import write_figures
            figures = write_figures(results, tmp)
        png = {k: next(p for p in v if Path(p).suffix == ".png") for k, v in figures.items()}
        b = Builder(REPORT_TITLE, subject="Effecten van (on)voldoende gegevensuitwisseling en de Wams",
                    keywords="Wams; AVG; gegevensuitwisseling; beleidsgemeenschap; gemeente Altena")
        facts = w.Facts(results)
        reconstructed = w.is_reconstruction(study, results)
        _title_page(b, facts, reconstructed)
        _summary(b, facts)
        _method(b, facts, results, reconstructed, png, study)
        _network(b, facts, results, png)
        _groups(b, facts, results)
        _effects(b, facts, results, png)
        _privacy(b, facts, results)
        _recommendations(b, facts, results)
        _quotes(b, facts)
        _codebook(b, results)
        _frequencies_appendix(b, facts, png)
        b.finish_toc()
        b.footer(f"{REPORT_TITLE}" + ("  ·  gereconstrueerde data" if reconstructed else ""))
        with atomic_path(path) as out:
            b.save(out)
    normalise_zip(path)
    return path


# --------------------------------------------------------------------------- sections

def _title_page(b: Builder, f: "w.Facts", reconstructed: bool) -> None:
    b.para("", style=None)
    b.doc.add_paragraph(REPORT_TITLE, style="Title")
    b.doc.add_paragraph("Effecten van het (niet) delen van persoonsgegevens op de samenwerking, nu en onder de "
                        "Wet aanpak meervoudige problematiek sociaal domein (Wams)", style="Subtitle")
    b.para(f"Rapportage voor beleidsmakers, opgesteld uit de scriptie {THESIS}.")
    b.para(f"Gebaseerd op {f.n} interviews ({f.n_intern} intern, {f.n_extern} extern)"
           + (f" en {f.n_obs} observatie" if f.n_obs == 1 else f" en {f.n_obs} observaties" if f.n_obs else "")
           + ".")
    if reconstructed:
        b.notice(w.RECONSTRUCTION_NOTICE, title="Gereconstrueerde data")
    b.para("Respondenten worden in dit rapport alleen met hun functie aangeduid.", italic=True)
    b.page_break()
    b.toc("Inhoud")
    b.page_break()


def _summary(b: Builder, f: "w.Facts") -> None:
    b.heading(SECTIONS[0], 1)
    b.para(f.summary_intro())
    b.rich([("In het kort: ", "b"), (f.conclusion(), "")])
    b.para("De belangrijkste uitkomsten:")
    for lead, text in f.summary_bullets():
        b.bullet(text, bold_lead=lead)


def _method(b: Builder, f: "w.Facts", r: Results, reconstructed: bool, png, study: Study) -> None:
    b.heading(SECTIONS[1], 1)
    b.para(f"De scriptie onderzocht hoe het (niet) uitwisselen van persoonsgegevens de samenwerking beïnvloedt "
           f"in het netwerk rond cliënten met meervoudige problematiek in gemeente Altena, en wat het "
           f"wetsvoorstel Wams daaraan zou veranderen. Daarvoor zijn {f.n} semigestructureerde interviews "
           f"gehouden met {f.n_intern} medewerkers van de gemeente (intern) en {f.n_extern} medewerkers van "
           f"partnerorganisaties (extern){f.date_range()}"
           + (f", aangevuld met {f.n_obs} observatie van een casusoverleg." if f.n_obs == 1 else "."))
    b.para("Elk interview volgde een topiclijst in vier delen:")
    for k in sorted(p for p in PARTS if p):
        b.bullet(f"{PARTS[k]}.", bold_lead=f"Deel {k}: ")
    b.para(f"De uitspraken zijn gecodeerd met een codeboek van {f.n_codes} codes ({f.n_deductive} deductief, "
           f"afgeleid uit de literatuur, en {f.n_inductive} inductief, ontstaan tijdens het coderen; zie bijlage A). "
           f"Daarna is elke respondent op grond van de codes over ervaren problemen in één van vier groepen "
           f"geplaatst, en is per groep geteld hoeveel respondenten een effect op de samenwerking noemen. "
           f"Een respondent telt mee zodra hij of zij het effect minstens één keer noemt.")
    b.heading("Over de gegevens", 2)
    if reconstructed:
        b.notice(w.RECONSTRUCTION_NOTICE + " " + w.reconstruction_counts(r), title="Gereconstrueerde data")
    else:
        folder = Path(study.data_dir).name if study.data_dir else "de studie"
        b.para(f"Dit rapport is gemaakt op de transcripten in de map '{folder}'; "
               f"er zijn {r.codings_summary['codings']} coderingen.")
    rows = [(lbl, side, w.nl_date(date), grp) for lbl, side, date, grp in f.respondent_rows()]
    b.table(["Respondent (functie)", "Intern/extern", "Interview", "Groep"], rows,
            caption="De respondenten", widths_cm=[7.0, 3.0, 3.5, 2.0])


def _network(b: Builder, f: "w.Facts", r: Results, png) -> None:
    b.heading(SECTIONS[2], 1)
    if r.network is None:
        b.para("Het netwerk is voor dit rapport niet berekend.")
        return
    for text in f.network_paragraphs():
        b.para(text)
    if "beleidsnetwerk" in png:
        b.figure(png["beleidsnetwerk"], "De organisaties in het netwerk rond een cliënt met meervoudige "
                 "problematiek, naar domein (naar Figuur 1 van de scriptie).")
    b.heading("De drie principes van het Rhodes-model", 2)
    b.para("De scriptie (§4.1.1) toetst aan drie kernprincipes of het netwerk een beleidsgemeenschap is "
           "(weinig, sterk verbonden leden met een gezamenlijk doel) of een issuenetwerk (veel leden met "
           "elk een eigen doel en weinig onderlinge afhankelijkheid).")
    b.table(["Principe", "Wijst op beleidsgemeenschap", "Wijst op issuenetwerk", "Oordeel"],
            f.rhodes_rows(), caption="Het Rhodes-model: wat de respondenten zeggen",
            widths_cm=[5.0, 4.0, 4.0, 3.5])
    for text in f.rhodes_paragraphs():
        b.para(text)
    for quote, label, source in f.rhodes_quotes():
        _quote(b, quote, label, source)


def _groups(b: Builder, f: "w.Facts", r: Results) -> None:
    b.heading(SECTIONS[3], 1)
    for text in f.group_paragraphs():
        b.para(text)
    b.table(["Groep", "Ervaring met gegevensuitwisseling", "Aantal", "Respondenten"], f.group_rows(),
            caption="De vier groepen (scriptie §4.2.2)", widths_cm=[1.5, 5.0, 1.5, 8.5], align_right=(2,))


def _effects(b: Builder, f: "w.Facts", r: Results, png) -> None:
    b.heading(SECTIONS[4], 1)
    b.para("De scriptie onderscheidt vijf effecten op de samenwerking: vertrouwen, netwerkrelaties, "
           "coördinatie, besluitvorming en het behalen van gezamenlijke netwerkdoelen. Figuur "
           f"{b.figures + 1} zet per groep naast elkaar hoeveel respondenten nu een negatief of positief "
           "effect ervaren en wat zij onder de Wams verwachten.").paragraph_format.keep_with_next = True
    if "effecten_per_groep" in png:
        b.figure(png["effecten_per_groep"], "Effecten per groep: nu (§4.2.3) en verwacht onder de Wams (§4.3.1). "
                 "Getal = respondenten dat het effect noemt / groepsgrootte.")
    b.heading("Effecten nu", 2)
    for text in f.today_paragraphs():
        b.para(text)
    header, rows = f.effects_table("today")
    b.table(header, rows, caption="Effecten nu: aantal respondenten per groep (§4.2.3)",
            align_right=tuple(range(2, len(header))), widths_cm=_effect_widths(len(header)))
    b.heading("Verwachte effecten onder de Wams", 2)
    for text in f.wams_paragraphs():
        b.para(text)
    header, rows = f.effects_table("wams")
    b.table(header, rows, caption="Verwachte effecten onder de Wams: aantal respondenten per groep (§4.3.1)",
            align_right=tuple(range(2, len(header))), widths_cm=_effect_widths(len(header)))
    if "samenhang_per_effect" in png:
        b.heading("Samenhang tussen probleem en effect", 2)
        b.para("Figuur " + str(b.figures + 1) + " laat per effect zien in hoeveel interviews het probleem "
               "dat een groep kenmerkt samen voorkomt met een negatief of positief effect (nu) en met een "
               "verwachte verbetering of geen verandering (Wams). De kleur is de c-coëfficiënt: 1 betekent "
               "dat het probleem en het effect altijd samen voorkomen, 0 nooit.").paragraph_format.keep_with_next = True
        b.figure(png["samenhang_per_effect"], "Samenhang tussen ervaren probleem en effect, per effect.")


def _privacy(b: Builder, f: "w.Facts", r: Results) -> None:
    b.heading(SECTIONS[5], 1)
    for text in f.privacy_paragraphs():
        b.para(text)
    for quote, label, source in f.theme_quotes("privacy", limit=3):
        _quote(b, quote, label, source)


def _recommendations(b: Builder, f: "w.Facts", r: Results) -> None:
    b.heading(SECTIONS[6], 1)
    b.para("De scriptie sluit af met twee aanbevelingen aan gemeente Altena (§5.3). Hieronder in eigen "
           "woorden samengevat, met de aantallen uit de gegevens die erbij horen.")
    b.heading("1. Spreek per casus af wat 'noodzakelijke gegevens' zijn", 2)
    b.para("Onder de Wams mogen noodzakelijke gegevens makkelijker zonder toestemming worden gedeeld. "
           "Professionals moeten daarom nog zorgvuldiger afwegen wat zij delen, en wat de één noodzakelijk "
           "vindt, vindt de ander soms overbodig. Bespreek daarom bij de start van elke meervoudige casus met "
           "alle betrokken netwerkleden welke gegevens voor het herstel van deze cliënt nodig zijn. Dat "
           "verschilt per casus: het aantal kinderen of het opleidingsniveau kan in de ene casus ertoe doen "
           "en in de andere niet.")
    for text in f.recommendation_evidence(1):
        b.bullet(text)
    b.heading("2. Geef de coördinator een doorlopende regierol", 2)
    b.para("De Wams wijst per casus een coördinator aan. Geef die de taak de casus van begin tot eind te "
           "coördineren: maandelijks een overleg met alle betrokkenen over de voortgang van de cliënt en de "
           "volgende stappen, de overleggen actief leiden, en elke twee weken een korte update zodat iedereen "
           "weet hoe de casus ervoor staat. Dat pakt twee knelpunten aan die respondenten noemen: "
           "ontbrekende terugkoppeling en overleggen die niet effectief zijn.")
    for text in f.recommendation_evidence(2):
        b.bullet(text)


def _quotes(b: Builder, f: "w.Facts") -> None:
    b.heading(SECTIONS[7], 1)
    b.para("Letterlijke citaten uit de scriptie, per thema, met de functie van de respondent. Parafrasen "
           "zijn weggelaten, en citaten die eerder in dit rapport staan worden niet herhaald.")
    for theme, title in w.QUOTE_THEMES:
        quotes = f.theme_quotes(theme, limit=3)
        if not quotes:
            continue
        b.heading(title, 2)
        for quote, label, source in quotes:
            _quote(b, quote, label, source)


def _quote(b: Builder, quote: str, label: str, source: str) -> None:
    from docx.shared import Pt, RGBColor
    p = b.doc.add_paragraph(style="Quote")
    p.add_run(f"“{quote}”")
    p.add_run(f" – de {label}").italic = False
    if source:
        run = p.add_run(f" ({source})")
        run.italic = False
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x60, 0x60, 0x60)


def _codebook(b: Builder, r: Results) -> None:
    b.heading(SECTIONS[8], 1).paragraph_format.page_break_before = True
    cb = r.codebook.to_frame()
    b.para(f"Het codeboek telt {len(cb)} codes in {int((cb['depth'] == 0).sum())} hoofdcategorieën. "
           "Ingesprongen codes vallen onder de code erboven. De definities staan in het codeboek in het Engels "
           "en zijn hier ongewijzigd overgenomen.")
    rows = []
    for row in cb.itertuples(index=False):
        indent = "   " * int(row.depth)
        rows.append((row.id, indent + str(row.label_nl), "deductief" if row.kind == "deductive" else "inductief",
                     row.definition))
    b.table(["Code", "Label", "Soort", "Definitie"], rows, caption="Het codeboek", font_pt=7.5,
            widths_cm=[5.1, 4.5, 1.6, 5.3])


def _frequencies_appendix(b: Builder, f: "w.Facts", png) -> None:
    if "codes_intern_extern" not in png:
        return
    b.heading(SECTIONS[9], 1).paragraph_format.page_break_before = True
    b.para("Welke thema's interne en externe respondenten noemen, als aandeel van de respondenten aan elke kant. "
           + f.side_sentence())
    b.figure(png["codes_intern_extern"], "Aandeel interne en externe respondenten dat een thema noemt.",
             max_height_cm=21.5)


def _effect_widths(ncols: int) -> list[float]:
    """Effect and stance columns wide, the count columns narrow (16.5 cm in all)."""
    rest = ncols - 2
    return [3.8, 5.0] + [round(7.7 / rest, 2)] * rest
