"""Dutch titles for the numbered warnings the workbench shows.

The catalogue (:mod:`altena_qca.errors`) words every message in English for
the command line and the logs; the workbench is Dutch, so each warning gets a
Dutch title above its (technical) English detail. Every warning of the
catalogue has a title here (tests/test_error_catalogue.py).

>>> dutch_warning("[W111] respondents.csv: organisation 'X' (organisation of R02) is not in the gazetteer")
('Onbekende organisatie', 'W111', "respondents.csv: organisation 'X' (organisation of R02) is not in the gazetteer")
>>> dutch_warning("no number")
('Melding', '', 'no number')
"""
from __future__ import annotations

from ..errors import message_code

#: Catalogue number → Dutch title.
TITLES_NL = {
    "W100": "Tabellen in een transcript overgeslagen",
    "W101": "Transcript niet in UTF-8 opgeslagen (gelezen als cp1252)",
    "W102": "Geen interviewdelen herkend",
    "W103": "Byte-order-mark verwijderd",
    "W104": "Pseudonimisering staat uit",
    "W105": "Bijgehouden wijzigingen gelezen als geaccepteerd",
    "W106": "Tekstvakken gelezen als losse alinea's",
    "W107": "Onbekende sprekerlabels",
    "W110": "Geen study.yaml",
    "W111": "Onbekende organisatie",
    "W112": "Nog geen coderingen",
    "W113": "Automatische coderingen, niet beoordeeld",
    "W115": "Respondenten zonder kant (intern/extern)",
    "W120": "Codeerregel die nooit past",
    "W125": "Dubbele coderingen overgeslagen",
    "W400": "REFI-QDA-bestand wijkt af van de standaard",
    "W401": "Niet alles uit het REFI-QDA-bestand overgenomen",
    "W402": "REFI-QDA-bestand aangepast bij het inlezen",
    "W500": "Beschermde namen genegeerd",
    "W501": "Persoonsgegevens in een documentnaam",
    "W502": "Persoonsgegevens in respondents.csv",
}


def dutch_warning(message: str) -> tuple[str, str, str]:
    """``(Dutch title, catalogue number, detail)`` of a numbered message."""
    code = message_code(message)
    if code is None:
        return "Melding", "", message
    detail = message[len(code) + 2:].lstrip()
    return TITLES_NL.get(code, "Melding"), code, detail
