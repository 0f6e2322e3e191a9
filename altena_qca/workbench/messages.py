"""Dutch titles and advice for the numbered warnings the workbench shows.

The catalogue (:mod:`altena_qca.errors`) words every message in English for
the command line and the logs; the workbench is Dutch, so each warning gets a
Dutch title and a Dutch sentence on what it means and what to do, above its
(technical) English detail, which names the file, line or code. Every warning
of the catalogue has both here (tests/test_error_catalogue.py).

>>> w = dutch_warning("[W111] respondents.csv: organisation 'X' (organisation of R02) is not in the gazetteer")
>>> w.title, w.code
('Onbekende organisatie', 'W111')
>>> w.advice
'Deze organisatie staat niet in de lijst van bekende organisaties. Voeg haar toe aan actors.yaml van de studie.'
>>> dutch_warning("no number")
DutchWarning(title='Melding', advice='', code='', detail='no number')
"""
from __future__ import annotations

from typing import NamedTuple

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


#: Catalogue number → what the warning means for the researcher and what to do, in Dutch.
ADVICE_NL = {
    "W100": "Tabellen in het Word-bestand zijn niet gelezen. Zet tekst die meetelt in gewone alinea's.",
    "W101": "Het bestand is gelezen als Windows-tekst (cp1252). Controleer letters met accenten, of sla het op "
            "als UTF-8.",
    "W102": "In dit transcript zijn geen kopjes of vragen uit de topiclijst herkend; de fragmenten krijgen deel 0. "
            "Zet kopjes in het transcript (Deel 1 tot en met Deel 4) of zet uw vragen in topiclist.yaml van de "
            "studie.",
    "W103": "Een onzichtbaar teken aan het begin van het bestand is weggelaten; er gaat geen tekst verloren.",
    "W104": "Namen, plaatsen en nummers worden niet vervangen. Deel de uitvoer met niemand.",
    "W105": "In Word stond 'Wijzigingen bijhouden' aan: invoegingen zijn gelezen als geaccepteerd, verwijderde "
            "tekst is weggelaten. Accepteer of weiger de wijzigingen in Word.",
    "W106": "Tekst uit tekstvakken is gelezen als losse alinea's, vóór de alinea waarin het tekstvak staat. "
            "Controleer de volgorde.",
    "W107": "Een woord met een dubbele punt aan het begin van een alinea is geen bekend sprekerlabel; die tekst "
            "hoort nu bij de beurt ervoor. Voeg het label toe onder 'speakers:' in study.yaml.",
    "W110": "De map heeft geen study.yaml; titel en gemeente zijn afgeleid van de mapnaam. Maak de studie met "
            "'altena-qca init' of voeg study.yaml toe.",
    "W111": "Deze organisatie staat niet in de lijst van bekende organisaties. Voeg haar toe aan actors.yaml van "
            "de studie.",
    "W112": "Er zijn nog geen handmatige coderingen, dus tellingen en bevindingen steunen nog nergens op. Codeer "
            "de transcripten, of neem suggesties van de automatische codeur over.",
    "W113": "De analyse gebruikt suggesties van de automatische codeur die nog niemand heeft beoordeeld. "
            "Beoordeel ze voordat u conclusies trekt.",
    "W115": "Van deze respondenten is niet bekend of ze bij de gemeente (intern) of bij een partner (extern) "
            "werken. Vul de kolom 'side' in respondents.csv in.",
    "W120": "Deze regel in het codeboek kan nooit passen en levert dus nooit een suggestie op. Pas de regel aan.",
    "W125": "Dezelfde codering (document, fragment en code) staat meer dan eens in codings.csv; ze telt één keer.",
    "W400": "Het REFI-QDA-bestand wijkt af van de standaard; het is zo goed mogelijk gelezen.",
    "W401": "Niet alles uit het REFI-QDA-bestand kon worden overgenomen; wat ontbreekt staat hieronder.",
    "W402": "Het REFI-QDA-bestand is bij het inlezen aangepast; wat er veranderde staat hieronder.",
    "W500": "De lijst met beschermde namen kon niet worden gelezen; namen van organisaties kunnen daardoor als "
            "persoonsgegeven zijn vervangen.",
    "W501": "Een bestandsnaam bevat persoonsgegevens; in alle uitvoer heeft het document daarom een neutrale naam. "
            "Geef het bestand zelf een neutrale naam.",
    "W502": "respondents.csv bevat persoonsgegevens; in de uitvoer zijn die vervangen. Haal ze uit het bestand.",
}


class DutchWarning(NamedTuple):
    """A numbered message as the workbench shows it."""

    title: str
    advice: str
    code: str
    detail: str


def dutch_warning(message: str) -> DutchWarning:
    """The Dutch title and advice, catalogue number and (English) detail of a numbered message."""
    code = message_code(message)
    if code is None:
        return DutchWarning("Melding", "", "", message)
    detail = message[len(code) + 2:].lstrip()
    return DutchWarning(TITLES_NL.get(code, "Melding"), ADVICE_NL.get(code, ""), code, detail)
