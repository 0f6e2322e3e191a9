"""The codebook's rules find each concept in wording they were not written from.

``tests/data/rule_concepts.jsonl`` holds Dutch sentences written for issue 17 from
``docs/labelling-guide.md`` and Tabel 2 / Bijlage 4 of the thesis (synonyms, spoken Dutch,
separable verbs, compounds), labelled by the guide *before* the coder saw them; the rules of
the sixth session were tuned on them and on ``evaluation/dev.jsonl``. A second set written at the
same time, ``tests/data/rule_concepts_holdout.jsonl``, was not used for tuning; its score is
reported in ``docs/evaluation.md`` and is not asserted here.

The coder is the uncalibrated rule coder on the bundled codebook: what a researcher's study
gets before anyone has coded a passage.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from altena_qca import load_codebook
from altena_qca.coding import RuleCoder
from altena_qca.coding.evaluate import load_eval_labels

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def labeller():
    codebook = load_codebook()
    coder = RuleCoder().fit(codebook=codebook)
    mapping = {label: set(ids) for label, ids in load_eval_labels(codebook=codebook).items()}

    def labels(texts):
        out = []
        for found in coder.predict(list(texts)):
            codes = set()
            for s in found:
                codes |= {s.code, *codebook.ancestors(s.code)}
            out.append({label for label, ids in mapping.items() if codes & ids})
        return out
    return labels


def _read(name):
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("text, present, absent", [
    # privacy: protection, risk, minimisation, agreements on what may be shared — not the law's name
    ("We moeten goed opletten dat gevoelige gegevens niet bij de verkeerde mensen terechtkomen.", {"privacy"}, set()),
    ("Ik geef alleen door wat de ander echt nodig heeft, niet het hele dossier.", {"privacy"}, set()),
    ("Er moet gewoon helder worden afgesproken welke informatie wel en welke niet gedeeld mag worden.",
     {"privacy"}, set()),
    ("Iedereen leest de privacywet net weer anders.", {"interpretation", "legal_boundary"}, set()),
    ("Wat bij de een mag, mag bij de ander niet.", {"interpretation"}, set()),
    ("Ze weigeren het te geven om privacyredenen.", set(), {"privacy"}),
    ("Ik bel alleen als het echt nodig is.", set(), {"privacy"}),
    # the Wams weakening that protection: privacy and a negative stance
    ("Met die nieuwe wet worden de gegevens van cliënten veel minder goed beschermd, dat vind ik zorgelijk.",
     {"privacy", "wams_negative"}, {"wams_positive"}),
    # interprofessional: a profession's own secrecy
    ("Een therapeut zegt al snel: dat valt onder mijn zwijgplicht, daar kan ik niks over zeggen.",
     {"interprofessional_boundary"}, set()),
    # trust: turning to, contacting, suspicion, trust as a reason to share
    ("Ik kan altijd aankloppen bij de wijkagent.", {"trust"}, set()),
    ("Ik heb niet het gevoel dat ik bij de GGZ terechtkan als ik een vraag heb over een cliënt.", {"trust"}, set()),
    ("Bij sommige instanties vraag ik me echt af wat ze met die gegevens doen.", {"trust"}, set()),
    ("Die jongen van de reclassering ken ik al jaren, met hem deel ik makkelijker dan met een onbekende.",
     {"trust", "relations"}, set()),
    # relations: friction with a partner; the professional-client contact is not a network relation
    ("Dat schuurt wel eens, als de ene partij alles wil weten en de andere niks zegt.", {"relations"}, set()),
    ("Het gaat om de persoonlijke levenssfeer van mensen.", {"privacy"}, {"relations"}),
    ("De GGZ en wij liggen elkaar niet zo.", {"relations"}, set()),
    ("De samenwerking met de politie loopt stroef.", {"relations"}, set()),
    ("Iedereen zit op zijn eigen eilandje en denkt vooral aan de eigen organisatie.", {"relations"},
     {"institutional_boundary"}),
    # coordination: separable verbs, tasks done again, missing feedback
    ("We stemmen goed af wie welk stuk oppakt.", {"coordination"}, set()),
    ("De cliënt moet zijn verhaal drie keer opnieuw vertellen aan verschillende instanties.", {"coordination"}, set()),
    ("Na zo'n melding hoor ik nooit meer wat ermee gedaan is.", {"coordination"}, set()),
    ("Ik heb geen zicht op wat de jeugdzorg doet.", {"coordination"}, set()),
    # decisions and goals: the wrong help chosen; help too late
    ("Achteraf bleek dat we de verkeerde hulp hadden ingezet, omdat we niet wisten van de schulden.",
     {"decisions", "goals"}, set()),
    ("De hulp komt vaak te laat, dan is de situatie al uit de hand gelopen.", {"goals"}, set()),
    # withholding, oversharing in a meeting, a rule read as a permission is no oversharing
    # ... in main-clause order, the negator after the verb it belongs to; the respondent's own choice is none
    ("De school geeft niks door.", {"insufficient_sharing"}, set()),
    ("Ze geven het niet door aan ons.", {"insufficient_sharing"}, set()),
    ("Ik geef het niet door zonder toestemming.", set(), {"insufficient_sharing"}),
    ("Die informatie krijg ik gewoon niet.", {"insufficient_sharing"}, set()),
    ("Op mijn vraag om informatie kreeg ik geen antwoord.", {"insufficient_sharing"}, set()),
    ("Ik deel niks zonder toestemming van de cliënt.", set(), {"insufficient_sharing"}),
    ("Het principe is: deel zo weinig als mogelijk.", {"privacy"}, {"insufficient_sharing"}),
    ("Ze houden de informatie liever voor zichzelf.", {"insufficient_sharing"}, set()),
    ("Er zaten tien mensen aan tafel terwijl er maar drie bij die casus betrokken waren.", {"oversharing"}, set()),
    ("Ze sturen alles maar door, ook als het niet nodig is.", {"oversharing"}, set()),
    ("De cliënt zegt: als u dat doorvertelt, stop ik ermee.", {"client_trust", "trust"}, set()),
    ("Als mensen horen dat onder de Wams alles gedeeld mag worden, komen ze niet meer naar ons toe.",
     {"client_trust", "trust", "wams_negative"}, {"oversharing"}),
    ("Als mijn cliënten horen dat alles wordt doorgegeven, komen ze niet meer. Dan verlies ik hun vertrouwen.",
     {"client_trust", "trust"}, {"oversharing"}),
    # institutional: systems and access rights, the legal department
    ("Ik heb geen toegang tot het systeem van de GGZ, dus ik kan niks inzien.", {"institutional_boundary"},
     {"privacy"}),
    ("De juridische afdeling van ons huis is daar heel streng in.", {"institutional_boundary"}, {"legal_boundary"}),
    # idioms that only look like a concept
    ("We hebben net een reorganisatie achter de rug en het budget is krap.", set(), {"client_trust", "trust"}),
    ("De band met mijn cliënt is heilig, die wil ik niet op het spel zetten.", {"client_trust"}, {"wams_negative"}),
    ("Ik werk al zes jaar als Wmo-consulent.", set(), {"legal_boundary"}),
])
def test_a_concept_is_found_in_words_the_rules_were_not_written_from(labeller, text, present, absent):
    [found] = labeller([text])
    assert present <= found and not (absent & found), found


@pytest.mark.parametrize("text, expected", [
    # a verdict on the bill: negated, it is a negative verdict
    ("Ik ben geen voorstander van de Wams.", {"wams_negative"}),
    ("De Wams heeft voor ons geen meerwaarde.", {"wams_negative"}),
    ("Ik sta er niet achter, die Wams.", {"wams_negative"}),
    ("Het wetsvoorstel lijkt me eerlijk gezegd een slecht plan.", {"wams_negative"}),
    ("Het is op zich een goede ontwikkeling, die nieuwe wet.", {"wams_positive"}),
    ("Ik denk dat de Wams ons werk een stuk makkelijker maakt.", {"wams_positive"}),
    # expecting no improvement, with no harm named, is no stance (labelling guide, wams_negative)
    ("De Wams zal de samenwerking niet verbeteren.", set()),
    ("Ik denk niet dat de Wams het sneller maakt.", set()),
    ("Ik zie meer nadelen dan voordelen aan de Wams.", {"wams_negative"}),
    ("Ik denk niet dat die wet veel verandert.", set()),
    ("Ik vind de Wams eng.", {"wams_negative"}),
    ("Ik heb een goed gevoel bij de Wams.", {"wams_positive"}),
    ("Ik heb geen goed gevoel bij die nieuwe wet.", {"wams_negative"}),
    ("De wet staat het delen toe als het kind in gevaar is.", set()),
    # ... unless a drawback is named (guide: scepticism framed as a drawback)
    ("Die Wams, daar schiet niemand iets mee op: het kost ons tijd en levert niets op.", {"wams_negative"}),
])
def test_the_stance_on_the_wams(labeller, text, expected):
    [found] = labeller([text])
    assert found & {"wams_positive", "wams_negative"} == expected, found


def test_expecting_no_change_from_the_bill_is_its_neutral_opinion():
    coder = RuleCoder().fit(codebook=load_codebook())
    [found] = coder.predict(["Ik denk niet dat die wet veel verandert."])
    assert {s.code for s in found} == {"wams.opinion.neutral"}
    [found] = coder.predict(["Ik denk niet dat het overleg veel verandert."])
    assert "wams.opinion.neutral" not in {s.code for s in found}


def test_the_tuning_sentences_keep_their_score(labeller):
    """Micro-F1 of the uncalibrated rules on the tuning sentences (0.95 when written; 0.66 before the
    sixth session's rules): a rule change that loses several of them fails here."""
    rows = _read("rule_concepts.jsonl")
    assert len(rows) >= 90 and all(set(r["labels"]) <= set(load_eval_labels()) for r in rows)
    predicted = labeller(r["text"] for r in rows)
    tp = sum(len(set(r["labels"]) & p) for r, p in zip(rows, predicted))
    fp = sum(len(p - set(r["labels"])) for r, p in zip(rows, predicted))
    fn = sum(len(set(r["labels"]) - p) for r, p in zip(rows, predicted))
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.90, (tp, fp, fn)


def test_the_holdout_sentences_are_distinct_from_the_tuning_ones():
    tuning = {r["text"] for r in _read("rule_concepts.jsonl")}
    holdout = _read("rule_concepts_holdout.jsonl")
    assert len(holdout) >= 45 and not tuning & {r["text"] for r in holdout}
    assert len({r["id"] for r in holdout}) == len(holdout)
