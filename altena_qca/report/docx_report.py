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
>>> from altena_qca.report import make_report
>>> make_report(load_study(), "rapport.docx")  # doctest: +SKIP
"""
from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from .._io import atomic_path, normalise_zip
from ..model import PARTS
from ..study import Study
from . import wording as w
from ._docx import Builder
from .results import Results

__all__ = ["REPORT_TITLE", "SECTIONS", "write_report", "sections"]

REPORT_TITLE = "Gegevens delen in het zorgnetwerk van gemeente Altena"
#: The Heading 1 titles of the thesis study's report, in order (see :func:`sections`).
SECTIONS = (
    "Managementsamenvatting",
    "Hoe is het onderzoek gedaan?",
    "Het netwerk: een beleidsgemeenschap?",
    "Vier groepen: hoe respondenten gegevensuitwisseling ervaren",
    "Effecten op de samenwerking: nu en onder de Wams",
    "Zorgen over privacy",
    "Conclusie: het antwoord op de onderzoeksvraag",
    "Is de Wams de hele oplossing?",
    "Aanbevelingen uit de scriptie",
    "Vervolgonderzoek",
    "Beperkingen van dit onderzoek",
    "Citaten per thema",
    "Bijlage A: Thema's intern en extern",
    "Bijlage B: Codeboek",
    "Bijlage C: Controle van de beweringen uit de scriptie",
)
_SIDES, _CODEBOOK, _CLAIMS = SECTIONS[12], SECTIONS[13], SECTIONS[14]
THESIS = ("Het belang van persoonsgegevensuitwisseling in een integraal (sociaal)zorgnetwerk "
          "(masterscriptie, Radboud Universiteit, juli 2023)")
NOT_REVIEWED = "automatisch gecodeerd, niet beoordeeld"


def sections(results: Results) -> list[str]:
    """The Heading 1 titles a study's report has (thesis-only and data-less sections left out)."""
    t = results.text
    if t is not None and t.coding_source == "none":
        return [SECTIONS[1], "Geen coderingen, geen bevindingen", _CODEBOOK]
    out = list(SECTIONS)
    if t is None or not t.thesis:
        out.remove("Aanbevelingen uit de scriptie")
    if results.claims is None or not len(results.claims):
        out.remove("Bijlage C: Controle van de beweringen uit de scriptie")
    return out


def write_report(study: Study, results: Results, path: str | Path, *,
                 figures: Mapping[str, list[Path]] | None = None) -> Path:
    """Write the Dutch Word report of a study.

    Parameters
    ----------
    study : Study
        The study the results were computed from.
    results : Results
        From :func:`~altena_qca.report.results.compute_results` (its
        ``text`` says the study's title, municipality, commissioner, whether
        it is the thesis study and where its codings come from).
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
    from .text import report_text
    path = Path(path)
    if results.text is None:
        results.text = report_text(study)
    t = results.text
    with tempfile.TemporaryDirectory(prefix="altena-qca-figures-") as tmp:
        if figures is None:
            from .figures import write_figures
            figures = write_figures(results, tmp)
        png = {k: next(p for p in v if Path(p).suffix == ".png") for k, v in figures.items()}
        b = Builder(t.title or "Rapport", subject="Effecten van (on)voldoende gegevensuitwisseling en de Wams",
                    keywords="; ".join(x for x in ("Wams", "AVG", "gegevensuitwisseling", t.municipality) if x))
        f = w.Facts(results)
        _title_page(b, f, t)
        if t.coding_source == "none":
            _method(b, f, results, png, study)
            _no_codings(b, f)
            _codebook(b, results)
        else:
            _summary(b, f)
            _method(b, f, results, png, study)
            _network(b, f, results, png)
            _groups(b, f, results)
            _effects(b, f, results, png)
            _privacy(b, f, results)
            _conclusion(b, f)
            _wams_not_whole(b, f)
            if t.thesis:
                _recommendations(b, f, results)
            _follow_up(b, f)
            _limitations(b, f, results)
            _quotes(b, f)
            _frequencies_appendix(b, f, png)
            _codebook(b, results, page_break=False)
            _claims_appendix(b, results)
        b.finish_toc()
        foot = t.short_title or "Rapport"
        if t.coding_source == "suggested":
            foot += f"  ·  {NOT_REVIEWED}"
        elif t.reconstructed:
            foot += "  ·  gereconstrueerde data"
        b.footer(foot)
        with atomic_path(path) as out:
            b.save(out)
    normalise_zip(path)
    return path


def _cap(t, text: str) -> str:
    """A table or figure caption, marked when the codings are unreviewed suggestions."""
    return f"{text} ({NOT_REVIEWED})" if t is not None and t.coding_source == "suggested" else text


def _sec(f: w.Facts, ref: str) -> str:
    """' (§4.2.2)' for the thesis study, '' otherwise."""
    return f" ({ref})" if f.t.thesis else ""


# --------------------------------------------------------------------------- sections

def _title_page(b: Builder, f: w.Facts, t) -> None:
    b.para("", style=None)
    b.doc.add_paragraph(t.title or "Rapport", style="Title")
    b.doc.add_paragraph("Effecten van het (niet) delen van persoonsgegevens op de samenwerking, nu en onder de "
                        "Wet aanpak meervoudige problematiek sociaal domein (Wams)", style="Subtitle")
    if t.thesis:
        b.para(f"Rapportage voor beleidsmakers, opgesteld uit de scriptie {THESIS}.")
    else:
        b.para("Rapportage voor beleidsmakers" + (f", in opdracht van {t.commissioner}" if t.commissioner else "")
               + (f" ({t.period})" if t.period else "") + ".")
    b.para(f"Gebaseerd op {f.n} interviews ({f.n_intern} intern, {f.n_extern} extern)"
           + (" en één observatie" if f.n_obs == 1 else f" en {w.num(f.n_obs)} observaties" if f.n_obs else "")
           + ".")
    if t.reconstructed:
        b.notice(w.RECONSTRUCTION_NOTICE, title="Gereconstrueerde data")
    if t.coding_source == "suggested":
        b.notice("De uitspraken in deze studie zijn niet door een onderzoeker gecodeerd maar door de automatische "
                 "codeerder, en die coderingen zijn niet beoordeeld. Elk aantal en elke uitspraak in dit rapport "
                 "is daarom voorlopig.", title="Automatisch gecodeerd, niet beoordeeld")
    if t.coding_source == "none":
        b.notice("Deze studie heeft nog geen coderingen. De analyse rust op geen enkele codering; dit rapport "
                 "bevat daarom geen bevindingen.", title="Geen coderingen")
    b.para("Respondenten worden in dit rapport alleen met hun functie aangeduid.", italic=True)
    b.page_break()
    b.toc("Inhoud")
    b.page_break()


def _summary(b: Builder, f: w.Facts) -> None:
    b.heading(SECTIONS[0], 1)
    b.para(f.summary_intro())
    b.rich([("In het kort: ", "b"), (f.conclusion(), "")])
    b.para("De belangrijkste uitkomsten:")
    for lead, text in f.summary_bullets():
        b.bullet(text, bold_lead=lead)


def _method(b: Builder, f: w.Facts, r: Results, png, study: Study) -> None:
    b.heading(SECTIONS[1], 1)
    where = f" in {f.t.municipality}" if f.t.municipality else ""
    lead = "De scriptie onderzocht" if f.t.thesis else "Dit onderzoek gaat na"
    b.para(f"{lead} hoe het (niet) uitwisselen van persoonsgegevens de samenwerking beïnvloedt in het netwerk "
           f"rond cliënten met meervoudige problematiek{where}, en wat het wetsvoorstel Wams daaraan zou "
           f"veranderen. Daarvoor zijn {f.n} semigestructureerde interviews gehouden met {f.n_intern} "
           f"{'medewerker' if f.n_intern == 1 else 'medewerkers'} van de gemeente (intern) en {f.n_extern} "
           f"{'medewerker van een partnerorganisatie' if f.n_extern == 1 else 'medewerkers van partnerorganisaties'}"
           f" (extern){f.date_range()}"
           + (", aangevuld met één observatie van een casusoverleg." if f.n_obs == 1 else
              f", aangevuld met {w.num(f.n_obs)} observaties." if f.n_obs else "."))
    b.para("Elk interview volgde een topiclijst in vier delen:")
    for k in sorted(p for p in PARTS if p):
        b.bullet(f"{PARTS[k]}.", bold_lead=f"Deel {k}: ")
    if f.t.coding_source == "none":
        b.para(f"Er is een codeboek van {f.n_codes} codes, maar er zijn nog geen uitspraken gecodeerd.")
    else:
        who = ("automatisch gecodeerd (niet beoordeeld)" if f.t.coding_source == "suggested" else "gecodeerd")
        b.para(f"De uitspraken zijn {who} met een codeboek van {f.n_codes} codes ({f.n_deductive} deductief, "
               f"afgeleid uit de literatuur, en {f.n_inductive} inductief, ontstaan tijdens het coderen; zie "
               f"bijlage A). Daarna is elke respondent op grond van de codes over ervaren problemen in één van "
               f"vier groepen geplaatst, en is per groep geteld hoeveel respondenten een effect op de "
               f"samenwerking noemen. Een respondent telt mee zodra hij of zij het effect minstens één keer "
               f"noemt.")
    b.heading("Over de gegevens", 2)
    if f.t.reconstructed:
        b.notice(w.RECONSTRUCTION_NOTICE + " " + w.reconstruction_counts(r), title="Gereconstrueerde data")
    else:
        n = r.codings_summary["codings"]
        count = "nog geen coderingen" if not n else "1 codering" if n == 1 else f"{n} coderingen"
        b.para(f"Dit rapport is gemaakt op de transcripten van deze studie, met {count}.")
    rows = [(lbl, side, w.nl_date(date), grp) for lbl, side, date, grp in f.respondent_rows()]
    if f.t.coding_source == "none":
        b.table(["Respondent (functie)", "Intern/extern", "Interview"], [row[:3] for row in rows], caption="De respondenten",
                widths_cm=[9.0, 3.5, 4.0])
    else:
        b.table(["Respondent (functie)", "Intern/extern", "Interview", "Groep"], rows,
                caption=_cap(f.t, "De respondenten"), widths_cm=[7.0, 3.0, 4.0, 2.5])


def _no_codings(b: Builder, f: w.Facts) -> None:
    b.heading("Geen coderingen, geen bevindingen", 1)
    b.para(f"Voor de {f.n} interviews van deze studie zijn nog geen coderingen vastgelegd (codings.csv of de "
           f"werkbank). Groepen, effecten, privacy en citaten volgen uit de coderingen; zonder coderingen "
           f"berekent dit rapport ze niet, zodat er geen uitspraak uit een nul ontstaat.")
    b.para("Codeer de interviews, of laat de automatische codeerder voorstellen doen en beoordeel die "
           "(altena-qca review). Met 'altena-qca run --codings suggested' maakt u een voorlopig rapport op de "
           "niet beoordeelde voorstellen; elk aantal staat dan gemarkeerd als automatisch gecodeerd.")


def _network(b: Builder, f: w.Facts, r: Results, png) -> None:
    b.heading(SECTIONS[2], 1)
    if r.network is None:
        b.para("Het netwerk is voor dit rapport niet berekend.")
        return
    for text in f.network_paragraphs(thesis=f.t.thesis):
        b.para(text)
    if "beleidsnetwerk" in png:
        b.figure(png["beleidsnetwerk"], "De organisaties in het netwerk rond een cliënt met meervoudige "
                 "problematiek, naar domein" + (" (naar Figuur 1 van de scriptie)." if f.t.thesis else "."))
    b.heading("De drie principes van het Rhodes-model", 2)
    if not f.rhodes_coded():
        b.para("Het Rhodes-model toetst aan drie kernprincipes (stabiliteit, inclusie met een gezamenlijk doel, "
               "middelenafhankelijkheid) of een netwerk een beleidsgemeenschap of een issuenetwerk is. In deze studie "
               "is geen uitspraak over die principes gecodeerd; de gegevens zeggen daarom niets over het soort "
               "netwerk.")
        return
    b.para(("De scriptie (§4.1.1) toetst" if f.t.thesis else "Het Rhodes-model toetst")
           + " aan drie kernprincipes of het netwerk een beleidsgemeenschap is "
           "(weinig, sterk verbonden leden met een gezamenlijk doel) of een issuenetwerk (veel leden met "
           "elk een eigen doel en weinig onderlinge afhankelijkheid).")
    b.table(["Principe", "Wijst op beleidsgemeenschap", "Wijst op issuenetwerk", "Oordeel"],
            f.rhodes_rows(), caption=_cap(f.t, "Het Rhodes-model: wat de respondenten zeggen"),
            widths_cm=[5.0, 4.0, 4.0, 3.5])
    for text in f.rhodes_paragraphs():
        b.para(text)
    for quote, label, source in f.rhodes_quotes():
        _quote(b, quote, label, source)


def _groups(b: Builder, f: w.Facts, r: Results) -> None:
    b.heading(SECTIONS[3], 1)
    for text in f.group_paragraphs():
        b.para(text)
    b.table(["Groep", "Ervaring met gegevensuitwisseling", "Aantal", "Respondenten"], f.group_rows(),
            caption=_cap(f.t, "De vier groepen" + _sec(f, "scriptie §4.2.2")), widths_cm=[1.5, 5.0, 1.5, 8.5],
            align_right=(2,))


def _effects(b: Builder, f: w.Facts, r: Results, png) -> None:
    b.heading(SECTIONS[4], 1)
    b.para("Er zijn vijf effecten op de samenwerking onderscheiden: vertrouwen, netwerkrelaties, coördinatie, "
           "besluitvorming en het behalen van gezamenlijke netwerkdoelen. Onder de Wams worden de coördinatie "
           "van taken en de gecoördineerde aanpak apart geteld. De figuren tonen per groep hoeveel respondenten "
           "een effect noemen, met het aandeel van de groep; de tabellen geven dezelfde aantallen.")
    if f.unplaced_effects_count():
        b.para(f.unplaced_effects_sentence())
    _effects_moment(b, f, png, "today", "Effecten nu", f.today_paragraphs(), "effecten_nu", "§4.2.3")
    _effects_moment(b, f, png, "wams", "Verwachte effecten onder de Wams", f.wams_paragraphs(), "effecten_wams",
                    "§4.3.1")
    b.para("Onderzoekers vinden in de tabellen en notebooks ook de samenhang tussen het ervaren probleem en elk "
           "effect als c-coëfficiënt (het aantal interviews met beide codes, gedeeld door het aantal met een "
           "van beide), en in figures/effecten_per_groep beide momenten naast elkaar; voor de conclusies hier "
           "zijn de aantallen per groep genoeg.", italic=True)


def _effects_moment(b: Builder, f: w.Facts, png, when: str, title: str, paras: list[str], figure: str,
                    section: str) -> None:
    """One moment of the effects section (today, under the Wams): its text, figure and table."""
    b.heading(title, 2)
    for text in paras:
        b.para(text)
    if figure in png:
        b.figure(png[figure], _cap(f.t, f"{title}, per groep" + _sec(f, section)
                                   + ". Getal = respondenten dat het effect noemt / groepsgrootte."))
    header, rows = f.effects_table(when)
    b.table(header, rows, caption=_cap(f.t, f"{title}: aantal respondenten per groep" + _sec(f, section)),
            align_right=tuple(range(2, len(header))), widths_cm=_effect_widths(len(header)))


def _privacy(b: Builder, f: w.Facts, r: Results) -> None:
    b.heading(SECTIONS[5], 1)
    paras, quotes = f.privacy_paragraphs(), f.theme_quotes("privacy", limit=3)
    for text in paras:
        b.para(text)
    for quote, label, source in quotes:
        _quote(b, quote, label, source)
    if not paras and not quotes:
        b.para("In deze studie is niets gecodeerd over de privacy van cliënten onder de Wams; de gegevens zeggen "
               "daarover niets.")


def _conclusion(b: Builder, f: w.Facts) -> None:
    b.heading(SECTIONS[6], 1)
    p = b.rich([("Onderzoeksvraag: ", "b"), (f.research_question(), "i")])
    p.paragraph_format.keep_with_next = True
    for text in f.conclusion_paragraphs():
        b.para(text)


def _section(b: Builder, number: int, paras: list[str], intro: str = "") -> None:
    """Section ``number`` of :data:`SECTIONS`: its ``intro`` and paragraphs; left out when there are none."""
    if not paras:
        return
    b.heading(SECTIONS[number], 1)
    for text in ([intro] if intro else []) + paras:
        b.para(text)


def _wams_not_whole(b: Builder, f: w.Facts) -> None:
    _section(b, 7, f.wams_not_whole_paragraphs(),
             "De Wams wordt vaak gezien als dé oplossing voor de privacyknelpunten bij het delen van gegevens. "
             + ("Langs de vier samenwerkingsgrenzen bekeken lost de wet een deel op en laat een deel bestaan; de "
                "scriptie bespreekt dit in §5.2." if f.t.thesis else
                "Hieronder staat, langs de samenwerkingsgrenzen die respondenten noemen, wat de wet verandert en "
                "wat niet."))


def _recommendations(b: Builder, f: w.Facts, r: Results) -> None:
    b.heading(SECTIONS[8], 1)
    b.para("De scriptie sluit af met twee aanbevelingen aan de opdrachtgever (§5.3). Hieronder in eigen "
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


def _follow_up(b: Builder, f: w.Facts) -> None:
    _section(b, 9, f.follow_up_paragraphs())


def _limitations(b: Builder, f: w.Facts, r: Results) -> None:
    b.heading(SECTIONS[10], 1)
    for text in f.limitation_paragraphs():
        b.bullet(text)
    if f.t.reconstructed:
        b.bullet("De gegevens zijn een reconstructie uit de gepubliceerde scriptie, geen originele transcripten "
                 "(zie 'Over de gegevens').")
    if f.t.coding_source == "suggested":
        b.bullet("De coderingen zijn voorstellen van de automatische codeerder en zijn niet beoordeeld.")
    if r.claims is not None and len(r.claims):
        from .claims import claims_summary
        b.bullet("Controle tegen de scriptie: " + claims_summary(r.claims)[:1].lower()
                 + claims_summary(r.claims)[1:] + " Zie bijlage C.")


def _quotes(b: Builder, f: w.Facts) -> None:
    picked = [(title, f.theme_quotes(theme, limit=3)) for theme, title in w.QUOTE_THEMES]
    picked = [(title, q) for title, q in picked if q]
    if not picked:
        return
    b.heading(SECTIONS[11], 1)
    b.para("Letterlijke citaten, per thema, met de functie van de respondent. Parafrasen zijn weggelaten, en "
           "citaten die eerder in dit rapport staan worden niet herhaald.")
    for title, quotes in picked:
        b.heading(title, 2).paragraph_format.keep_with_next = True
        for i, (quote, label, source) in enumerate(quotes):
            _quote(b, quote, label, source, keep_with_next=i < len(quotes) - 1)


def _quote(b: Builder, quote: str, label: str, source: str, keep_with_next: bool = False) -> None:
    from docx.shared import Pt, RGBColor
    p = b.doc.add_paragraph(style="Quote")
    p.paragraph_format.keep_together = True
    p.paragraph_format.keep_with_next = keep_with_next
    p.add_run(f"“{quote.replace('“', '‘').replace('”', '’')}”")
    p.add_run(f" – de {label}").italic = False
    if source:
        run = p.add_run(f" ({source})")
        run.italic = False
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x60, 0x60, 0x60)


def _codebook(b: Builder, r: Results, page_break: bool = True) -> None:
    h = b.heading(_CODEBOOK, 1)
    h.paragraph_format.page_break_before = page_break
    h.paragraph_format.keep_with_next = True
    cb = r.codebook.to_frame()
    b.para(f"Het codeboek telt {len(cb)} codes in {int((cb['depth'] == 0).sum())} hoofdcategorieën. "
           "Ingesprongen codes vallen onder de code erboven.")
    rows = []
    defs_nl = _definitions_nl(r.codebook)
    for row in cb.itertuples(index=False):
        indent = "   " * int(row.depth)
        rows.append((row.id, indent + str(row.label_nl), "deductief" if row.kind == "deductive" else "inductief",
                     defs_nl.get(row.id, "")))
    b.table(["Code", "Label", "Soort", "Omschrijving"], rows, caption="Het codeboek", font_pt=7.5,
            widths_cm=[5.1, 4.5, 1.6, 5.3])


def _definitions_nl(codebook) -> dict[str, str]:
    """Code id → Dutch description: ``definition_nl`` in the codebook file, else the code's indicators."""
    raw: dict[str, str] = {}
    if codebook.path:
        from ..codebook import read_codebook_file
        try:
            entries = read_codebook_file(codebook.path).get("codes") or []
        except Exception:  # the codebook loaded before; a reread problem only costs the descriptions
            entries = []
        raw = {str(e.get("id")): " ".join(str(e.get("definition_nl") or "").split()) for e in entries
               if isinstance(e, dict)}
    out = {}
    for c in codebook:
        text = raw.get(c.id, "")
        if not text and c.indicators:
            text = "Herkenbaar aan: " + ", ".join(c.indicators) + "."
        out[c.id] = text
    return out


def _frequencies_appendix(b: Builder, f: w.Facts, png) -> None:
    """Which themes intern and extern respondents raise: a table (it flows across pages; the same as a
    figure is in figures/codes_intern_extern)."""
    fr = f.r.frequencies
    if fr is None or fr.empty or not (f.n_intern or f.n_extern):
        return
    h = b.heading(_SIDES, 1)
    h.paragraph_format.keep_with_next = True
    b.para("Welke thema's interne en externe respondenten noemen: het aantal respondenten aan elke kant dat het "
           "thema minstens één keer noemt, met het aandeel. " + f.side_sentence())
    caveats = f.caveats()
    rows = []
    for row in fr[fr["depth"] <= 1].itertuples(index=False):
        if row.depth == 0:
            rows.append((str(row.label_nl), "", ""))
            continue
        mark = " *" if row.code in caveats else ""
        ki, ke = int(row.respondents_intern), int(row.respondents_extern)
        pi = f"{ki} van {f.n_intern} ({round(100 * ki / f.n_intern)}%)" if f.n_intern else "–"
        pe = f"{ke} van {f.n_extern} ({round(100 * ke / f.n_extern)}%)" if f.n_extern else "–"
        rows.append(("   " + str(row.label_nl) + mark, pi, pe))
    t = b.table(["Thema", f"Intern (n={f.n_intern})", f"Extern (n={f.n_extern})"], rows,
                caption=_cap(f.t, "Thema's per kant: respondenten die het thema noemen"),
                widths_cm=[9.5, 3.5, 3.5], align_right=(1, 2))
    for r, row in zip(t.rows[1:], rows):
        if not row[1]:
            for run in r.cells[0].paragraphs[0].runs:
                run.bold = True
    for code, text in caveats.items():
        if code in f.r.codebook:
            b.para(f"* {f.r.codebook[code].label_nl}: {text[:1].lower()}{text[1:]}", italic=True)


def _claims_appendix(b: Builder, r: Results) -> None:
    if r.claims is None or not len(r.claims):
        return
    from .claims import STATUS_NL, claims_summary
    b.heading(_CLAIMS, 1).paragraph_format.keep_with_next = True
    b.para("Elke controleerbare bewering uit de hoofdstukken 3 tot en met 5 van de scriptie, met de regel waar "
           "ze staat, wat de scriptie zegt en wat de gegevens opleveren. " + claims_summary(r.claims)
           + " Waar een bewering afwijkt of niet te reconstrueren is, staat de reden erbij.")
    rows = []
    for c in r.claims.itertuples(index=False):
        computed = str(c.computed)
        if ":" in computed and len(computed) > 60:  # a long list of labels: the count is enough here
            computed = computed.split(":", 1)[0]
        expected = str(c.expected)
        if ":" in expected and len(expected) > 60:
            expected = expected.split(":", 1)[0]
        status = STATUS_NL[c.status] + (f". {c.reason}" if c.reason else "")
        rows.append((f"§{c.section} r. {c.line}", str(c.claim), expected, computed or "–", status))
    b.table(["Waar", "Bewering", "Scriptie", "Berekend", "Uitkomst"], rows,
            caption="Beweringen uit de scriptie en wat de gegevens opleveren", font_pt=7,
            widths_cm=[1.9, 6.4, 1.9, 1.9, 4.4])


def _effect_widths(ncols: int) -> list[float]:
    """Effect and stance columns wide, the count columns narrow (16.5 cm in all)."""
    rest = ncols - 2
    first, second = (3.8, 5.0) if rest <= 5 else (3.0, 4.0)
    return [first, second] + [round((16.5 - first - second) / rest, 2)] * rest
