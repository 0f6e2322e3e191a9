"""The stance of an effect found only by its topic (altena_qca.coding.stance).

The auto-coder's rules find an effect by its topic words and suggest the effect's general code; the effects
tables count only moment-and-stance codes. These sentences are general Dutch written for this test, not
thesis wording.
"""
from __future__ import annotations

import pytest

from altena_qca import load_codebook
from altena_qca.coding import AutoCoder
from altena_qca.coding.stance import EffectStance


@pytest.fixture(scope="module")
def es():
    return EffectStance(load_codebook())


@pytest.mark.parametrize("code, text, word, expected", [
    # today: the cue decides, a negator turns it
    ("effects.trust", "Het vertrouwen tussen de partners lijdt eronder.", "vertrouwen", "effects.trust.today.negative"),
    ("effects.relations", "De relatie met de huisarts is niet goed.", "relatie", "effects.relations.today.negative"),
    ("effects.coordination", "Over de coördinatie is geen probleem, dat loopt goed.", "coördinatie",
     "effects.coordination.today.positive"),
    ("effects.decisions", "We nemen besluiten op halve informatie.", "besluiten", "effects.decisions.today.negative"),
    # under the Wams: named in the sentence, or named in the passage and the sentence looks ahead
    ("effects.coordination", "Ik denk dat de Wams de afstemming zou verbeteren.", "afstemming",
     "effects.coordination.wams.improves.tasks"),
    ("effects.decisions", "Onder de Wams kunnen we betere besluiten nemen.", "besluiten",
     "effects.decisions.wams.improves"),
    ("effects.coordination", "Met de Wams verandert er weinig aan de afstemming, denk ik.", "afstemming",
     "effects.coordination.wams.same"),
    ("effects.trust", "De Wams komt eraan. Het vertrouwen zal er beter door worden.", "vertrouwen",
     "effects.trust.wams.improves"),
    ("effects.trust", "Ik denk niet dat de Wams het vertrouwen beter maakt.", "vertrouwen", "effects.trust.wams.same"),
    # separable verbs with the topic between their parts
    ("effects.trust", "Eerlijk gezegd neemt het vertrouwen af.", "vertrouwen", "effects.trust.today.negative"),
    ("effects.trust", "Met de Wams neemt het vertrouwen toe, denk ik.", "vertrouwen", "effects.trust.wams.improves"),
    # being allowed to share sooner is what the bill brings, even when the sentence does not name it
    ("effects.coordination", "Ik verwacht dat we dan eerder gegevens mogen delen en dat de afstemming beter wordt.",
     "afstemming", "effects.coordination.wams.improves.tasks"),
    ("effects.coordination", "We mogen niet delen, dus de afstemming is slecht.", "afstemming",
     "effects.coordination.today.negative"),
    # an elliptic topic sentence takes the next sentence's stance, an ordinary one does not
    ("effects.trust", "Het vertrouwen? Dat lijdt eronder.", "vertrouwen", "effects.trust.today.negative"),
    ("effects.coordination", "Ik ben casusregisseur. Ik stem af tussen partners met meerdere problemen.",
     "casusregisseur", "effects.coordination"),
    # undecided: silence, a tie, or a stance the tables do not have (worse under the Wams)
    ("effects.trust", "Over vertrouwen wil ik iets zeggen.", "vertrouwen", "effects.trust"),
    ("effects.relations", "De relaties zijn soms goed en soms slecht.", "relaties", "effects.relations"),
    ("effects.trust", "Ik ben bang dat cliënten ons minder gaan vertrouwen als de Wams er is.", "vertrouwen",
     "effects.trust"),
    # a code that already names the moment keeps it
    ("effects.trust.wams", "Het vertrouwen wordt beter.", "vertrouwen", "effects.trust.wams.improves"),
    # not an effect's general code: untouched
    ("problems.insufficient", "Er wordt niets gedeeld, dat is slecht.", "gedeeld", "problems.insufficient"),
])
def test_resolve(es, code, text, word, expected):
    i = text.index(word)
    assert es.resolve(code, text, i, i + len(word)) == expected


def test_the_topic_word_itself_is_no_cue(es):
    # 'vertrouwen' could read as a positive verb; the topic span is blanked before the cues are counted
    text = "Ik vertrouw de partners, het vertrouwen groeit goed."
    i = text.index("vertrouwen")
    assert es.resolve("effects.trust", text, i, i + 10) == "effects.trust.today.positive"


def test_an_effect_the_model_learned_is_left_to_the_model():
    cb = load_codebook()
    assert "effects.trust" not in EffectStance(cb, learned=["effects.trust.today.negative"]).targets
    assert "effects.trust" in EffectStance(cb, learned=["effects.relations.today.negative"]).targets


def test_autocoder_suggests_stance_codes_without_codings():
    """A study without codings (rules only): the effects tables get codes they count."""
    cb = load_codebook()
    text = "Het vertrouwen tussen de partners lijdt eronder."
    on = AutoCoder().fit(codebook=cb).predict([text])[0]
    off = AutoCoder(effect_stance=False).fit(codebook=cb).predict([text])[0]
    assert [(s.code, s.rule) for s in on if s.code.startswith("effects.")] == [
        ("effects.trust.today.negative", "stance:today.negative+lemma:vertrouwen")]
    assert [s.code for s in off if s.code.startswith("effects.")] == ["effects.trust"]
    on_span = next(s for s in on if s.code.startswith("effects."))
    off_span = next(s for s in off if s.code.startswith("effects."))
    assert (on_span.start, on_span.end, on_span.confidence) == (off_span.start, off_span.end, off_span.confidence)


def test_a_study_codebook_without_effects_is_left_alone():
    from altena_qca.model import Code, Codebook
    cb = Codebook([Code("p", "Probleem", rules={"phrases": ["niet gedeeld"]})])
    assert EffectStance(cb).targets == {}
    assert [s.code for s in AutoCoder(method="rules").fit(codebook=cb).predict(["Het werd niet gedeeld."])[0]] == ["p"]


def test_suggest_drops_a_wams_expectation_outside_the_wams_parts():
    """'vanwege het beroepsgeheim' in the part on today's problems is no expectation of the Wams; the same
    words answering a question on the Wams are."""
    from altena_qca.coding import suggest
    from altena_qca.ingest.segment import segment_paragraphs
    from altena_qca.ingest.text import Paragraph
    from altena_qca.model import Corpus, Respondent

    lines = ["I: Welke problemen ervaar jij wat betreft de samenwerking en gegevensuitwisseling?",
             "R: De GGZ geeft vaak niets door vanwege het beroepsgeheim.",
             "I: Wat is jouw algemene mening van de Wams?",
             "R: Ik denk dat de GGZ ook dan vanwege het beroepsgeheim niets doorgeeft."]
    doc = segment_paragraphs([Paragraph(t, i) for i, t in enumerate(lines, 1)], "W1", respondent="W1")
    assert [s.part for s in doc.segments] == [3, 3, 4, 4]
    corpus = Corpus(documents={"W1": doc}, respondents={"W1": Respondent("W1", "Wmo-consulent", "consulent",
                                                                        "intern")})
    found = suggest(corpus, load_codebook())
    secrecy = found[found["code"] == "wams.other.professional_secrecy"]
    assert [doc.text[s:e] for s, e in zip(secrecy["start"], secrecy["end"])] == [
        "Ik denk dat de GGZ ook dan vanwege het beroepsgeheim niets doorgeeft."]
