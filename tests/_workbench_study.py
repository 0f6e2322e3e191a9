"""A small new study (not the thesis) for the workbench tests: three short Dutch interviews."""
from __future__ import annotations

from pathlib import Path

INTERVIEWS = {
    "W01": """I: Wat is uw functie?
R: Ik werk als wijkcoach bij de gemeente en begeleid gezinnen met schulden en zorgen om de kinderen.
I: Hoe verloopt de samenwerking met andere organisaties?
R: Met de huisarts en de school werken we goed samen, maar van de woningcorporatie horen we vaak niets. Zij delen geen gegevens over huurachterstanden, waardoor we te laat in beeld komen.
I: Wat betekent dat voor het vertrouwen?
R: Het vertrouwen tussen de partners neemt af als informatie niet wordt gedeeld. Collega's raken geïrriteerd en beslissingen worden later genomen.
I: Wat verwacht u van de nieuwe wet?
R: Als we gegevens eerder mogen delen, kunnen we sneller hulp bieden en verbetert de coördinatie rond een gezin.
""",
    "W02": """I: Kunt u uw werk omschrijven?
R: Ik ben maatschappelijk werker bij een welzijnsorganisatie in de regio.
I: Wordt er genoeg informatie uitgewisseld?
R: Eerlijk gezegd wordt er soms te makkelijk gedeeld. Een mail met een hele dossiergeschiedenis naar iedereen in het overleg gaat mij te ver.
I: Wat is het effect daarvan?
R: Cliënten vertrouwen ons minder als ze merken dat hun verhaal overal bekend is.
""",
    "W03": """I: Wat doet u in het netwerk?
R: Ik coördineer het overleg over complexe casussen voor de gemeente.
I: Ziet u problemen in de gegevensuitwisseling?
R: Niet echt, iedereen interpreteert de regels een beetje anders, maar dat is geen belemmering om samen te werken.
""",
    "W04": """I: Wat is uw rol?
R: Ik ben teamleider bij de jeugdgezondheidszorg.
I: Hoe kijkt u naar het delen van gegevens?
R: Bij ons wordt er soms te makkelijk gedeeld, ook buiten het overleg om.
""",
}


def make_study(folder: Path) -> Path:
    """Write the study into ``folder`` (created) and return it."""
    (folder / "transcripts").mkdir(parents=True)
    (folder / "study.yaml").write_text(
        'title: "Gegevensdeling in het sociaal domein"\nmunicipality: Voorbeeldstad\n'
        'commissioner: gemeente Voorbeeldstad\nperiod: "2025"\nlanguage: nl\n', encoding="utf-8")
    (folder / "respondents.csv").write_text(
        "id,function,label,side,interview_date,organisation\n"
        "W01,Wijkcoach gemeente,wijkcoach,intern,2025-03-04,\n"
        "W02,Maatschappelijk werker,maatschappelijk werker,extern,2025-03-06,\n"
        "W03,Coördinator casusoverleg,coördinator,intern,2025-03-11,\n"
        "W04,Teamleider jeugdgezondheidszorg,teamleider,extern,2025-03-12,\n", encoding="utf-8")
    for doc_id, text in INTERVIEWS.items():
        (folder / "transcripts" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder
