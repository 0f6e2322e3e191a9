"""The rule coder: codebook rules compiled once, negation, explained suggestions, clear errors."""
from __future__ import annotations

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from altena_qca import load_codebook
from altena_qca.coding import RuleCoder, keyword_codebook
from altena_qca.errors import CodebookError
from altena_qca.model import Code, Codebook


@pytest.fixture(scope="module")
def thesis_coder():
    return RuleCoder().fit(codebook=load_codebook())


def _codes(suggestions):
    return {s.code for s in suggestions}


def test_geen_vertrouwen_flips_trust_to_declining_trust(thesis_coder):
    text = "Er is geen vertrouwen meer in die organisatie."
    [found] = thesis_coder.predict([text])
    flipped = [s for s in found if s.code == "effects.trust.today.negative"]
    assert flipped and flipped[0].rule == "negated:lemma:vertrouwen"
    assert text[flipped[0].start:flipped[0].end] == "geen vertrouwen"
    assert "effects.trust" not in _codes(found)
    # without the negator: plain trust
    assert "effects.trust" in _codes(thesis_coder.predict(["Het vertrouwen is groot."])[0])


def test_niet_gedeeld_is_a_phrase_that_fires_with_its_name_and_span(thesis_coder):
    text = "Soms wordt informatie niet gedeeld en dat zorgt voor geen gegevensuitwisseling."
    [found] = thesis_coder.predict([text])
    by_rule = {s.rule: s for s in found if s.code == "problems.insufficient"}
    assert {"phrase:niet gedeeld", "phrase:geen gegevensuitwisseling"} <= set(by_rule)
    s = by_rule["phrase:geen gegevensuitwisseling"]
    assert text[s.start:s.end] == "geen gegevensuitwisseling"


def test_phrases_also_match_on_lemmas(thesis_coder):
    # 'niet gedeeld' is written in the codebook; 'niet delen' matches by lemma
    assert "problems.insufficient" in _codes(thesis_coder.predict(["Zij willen de gegevens niet delen."])[0])


def test_negation_without_a_flip_suppresses_and_stops_at_punctuation():
    cb = Codebook([Code("p", "Probleem", rules={"lemmas": ["irritatie"]})])
    coder = RuleCoder().fit(codebook=cb)
    assert coder.predict(["Er zijn geen irritaties."]) == [[]]
    assert _codes(coder.predict(["Geen idee, maar irritaties zijn er wel."])[0]) == {"p"}
    assert _codes(coder.predict(["Geen probleem. Irritaties zijn er wel."])[0]) == {"p"}
    assert _codes(RuleCoder(window=1).fit(codebook=cb).predict(["Geen grote irritaties."])[0]) == {"p"}


def test_negation_can_be_switched_off_per_code(thesis_coder):
    # consent is a personal boundary whether or not it was given
    assert "boundaries.personal" in _codes(thesis_coder.predict(["Ik deel het zonder toestemming."])[0])


def test_a_negator_inside_a_gapped_pattern_negates_it(thesis_coder):
    assert "wams.opinion.positive" in _codes(thesis_coder.predict(["De Wams maakt de samenwerking beter."])[0])
    assert "wams.opinion.positive" not in _codes(thesis_coder.predict(["De Wams maakt het niet beter."])[0])


def test_compounds_and_hyphenated_words_meet_lemma_rules(thesis_coder):
    [found] = thesis_coder.predict(["De casusregisseurs houden zich aan de AVG-privacywetgeving."])
    assert {"effects.coordination", "boundaries.legal"} <= _codes(found)


def test_exclude_vetoes_a_match_it_overlaps(thesis_coder):
    assert "boundaries.interprofessional" not in _codes(
        thesis_coder.predict(["Ze doen een beroep op de AVG."])[0])
    assert "boundaries.interprofessional" in _codes(
        thesis_coder.predict(["Dat verschilt per beroepsgroep."])[0])


def test_an_exclude_in_one_passage_does_not_veto_a_match_in_the_next():
    # passages are read in batches whose token rows run on from one passage to the next
    cb = Codebook([Code("t", "Vertrouwen", rules={"lemmas": ["vertrouwen"], "exclude": ["geen idee"]})])
    coder = RuleCoder().fit(codebook=cb)
    texts = ["Daar heb ik geen idee", "Vertrouwen is er wel.", "Geen idee of vertrouwen helpt."]
    together = coder.predict(texts)
    assert together == [coder.predict([t])[0] for t in texts]
    assert [s.rule for s in together[1]] == ["lemma:vertrouwen"]
    assert together[2] == []  # within the window of its own passage's exclude: vetoed


def test_empty_passage_gives_no_suggestion_and_no_error(thesis_coder):
    assert thesis_coder.predict(["", "   ", "\n"]) == [[], [], []]
    assert thesis_coder.predict([]) == []


@pytest.mark.parametrize("rules, fragment", [
    ({"patterns": [[{"LOWR": "geen"}]]}, "pattern 1"),
    ({"patterns": [[{"LOWER": "a"}], [{"LOWER": {"INN": ["x"]}}]]}, "pattern 2"),
    ({"patterns": [[{"OP": "*"}]]}, "matches every token"),
    ({"patterns": ["geen"]}, "not a list of token dicts"),
    ({"negation_flips_to": "nope"}, "unknown code 'nope'"),
    ({"lemmas": [""]}, "lemma rule"),
])
def test_a_rule_that_does_not_compile_names_code_and_rule(rules, fragment):
    cb = Codebook([Code("effects.trust", "Vertrouwen", rules=rules, line=12)], path="cb.yaml")
    with pytest.raises(CodebookError) as err:
        RuleCoder().fit(codebook=cb)
    msg = str(err.value)
    assert msg.startswith("[E208] cb.yaml, line 12: code 'effects.trust'") and fragment in msg


def test_bad_pattern_in_a_codebook_file_reports_file_line_and_code(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("codes:\n- id: a\n  label_nl: A\n  rules:\n    patterns: [[{LOWER: x, OP: '%'}]]\n",
                    encoding="utf-8")
    with pytest.raises(CodebookError, match=r"\[E208\] .*cb\.yaml, line 2: code 'a' has an invalid rule: "
                                            r"pattern 1 .* does not compile"):
        RuleCoder().fit(codebook=load_codebook(path))


def test_calibrated_confidence_is_the_smoothed_precision_of_the_rule():
    cb = Codebook([Code("t", "Vertrouwen", rules={"lemmas": ["vertrouwen"]}), Code("r", "Relaties")])
    X = ["Het vertrouwen is groot.", "Vertrouwen speelt geen rol bij relaties.", "Korte lijntjes."]
    y = [["t"], ["r"], ["r"]]
    coder = RuleCoder(confidence=0.6, prior_strength=2.0).fit(X, y, codebook=cb)
    # fired twice, right once: (1 + 2 * 0.6) / (2 + 2)
    assert coder.rule_confidence_ == {"t|lemma:vertrouwen": 0.55}
    assert coder.predict(["Vertrouwen."])[0][0].confidence == 0.55
    # with concept labels, a firing under another code of the same concept counts as right
    concepts = RuleCoder(concepts={"social": ["t", "r"]}).fit(X, y, codebook=cb)
    assert concepts.rule_confidence_["t|lemma:vertrouwen"] == pytest.approx((2 + 1.2) / 4)


def test_estimator_contract():
    coder = RuleCoder(window=2)
    assert coder.get_params()["window"] == 2 and clone(coder).window == 2
    with pytest.raises(NotFittedError):
        coder.predict(["x"])


def test_keyword_baseline_uses_the_label_words_only():
    cb = keyword_codebook(load_codebook())
    assert cb["effects.trust.today.negative"].rules == {"lemmas": ["vertrouwen", "nemen", "onvoldoende",
                                                                   "uitwisseling"], "negation": False}
    assert cb["intro"].rules == {"lemmas": ["kennismaking"], "negation": False}
    assert all(set(c.rules) <= {"lemmas", "negation"} for c in cb if c.rules)


@pytest.mark.parametrize("lemma_phrases", [True, False])
def test_phrase_matching_finds_what_spacy_phrasematcher_finds(study, lemma_phrases):
    """The batch phrase matching gives every match spaCy's PhraseMatcher gives, on real passages."""
    from spacy.matcher import PhraseMatcher

    from altena_qca.coding.nlp import get_nlp, pipe_batches

    coder = RuleCoder(lemma_phrases=lemma_phrases).fit(codebook=study.codebook)
    nlp = get_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA" if lemma_phrases else "LOWER")
    phrase_keys = {}
    for code in study.codebook:
        rules = code.rules or {}
        contexts = rules.get("context") or []
        blocks = [(rules, "phrase")] + [(b, "context" if n == 1 else f"context#{n}")
                                        for n, b in enumerate([contexts] if isinstance(contexts, dict) else contexts, 1)]
        for block, phrase_prefix in blocks:
            for field, prefix in (("phrases", phrase_prefix), ("exclude", "exclude")):
                for phrase in block.get(field) or []:
                    key = coder._key_ids[f"{code.id}\x1f{prefix}:{phrase.lower()}"]
                    phrase_keys[nlp.vocab.strings.add(str(key))] = key
                    doc = nlp(phrase.lower()) if lemma_phrases else nlp.make_doc(phrase.lower())
                    matcher.add(str(key), [doc])
    texts = [d.segment_text(s) for d in study.corpus for s in d.segments]
    texts += ["Niet gedeeld, niet niet gedeeld; geen gegevensuitwisseling.", "korte lijntjes korte lijntjes"]
    n_multi = 0
    single = set(phrase_keys.values())
    for batch in pipe_batches(texts, batch_size=256):  # rows are batch rows: compare batch by batch
        coder._form_tables()
        expected = set()
        for p in range(len(batch.docs)):
            off = int(batch.first[p])
            for match_id, start, end in matcher(batch.doc(p)):
                expected.add((phrase_keys[match_id], off + start, off + end))
                n_multi += end - start > 1
        found = set(zip(*coder._phrase_spans(batch, batch.forms)))
        for r, f in enumerate(batch.forms.tolist()):
            found |= {(k, r, r + 1) for k in coder._f_hits[f] if k in single}
        assert found == expected
    assert n_multi > 100


def test_translated_token_patterns_match_what_spacy_matcher_matches(study):
    """Every codebook pattern run as numpy steps gives spaCy's Matcher's matches, on
    whole bundled passages and on random sequences of the words the patterns name."""
    import random

    from altena_qca.coding.nlp import pipe_batches
    from altena_qca.coding.rules import _TestRows

    coder = RuleCoder().fit(codebook=study.codebook)
    translated = [(m, steps) for m, _, steps, _ in coder._patterns if steps is not None]
    assert len(translated) >= 10
    words = sorted({v for code in study.codebook for pattern in (code.rules or {}).get("patterns") or []
                    for tok in pattern for k, v in tok.items() if k != "OP"
                    for v in ([v] if isinstance(v, str) else v.get("IN", []))})
    rng = random.Random(0)
    texts = [d.segment_text(s) for d in study.corpus for s in d.segments]
    texts += [" ".join(rng.choice(words + ["de", "niet", "het", ","]) for _ in range(rng.randint(1, 25)))
              for _ in range(600)]
    n_matches = 0
    for batch in pipe_batches(texts, batch_size=256):
        coder._form_tables()
        for matcher, steps in translated:
            starts, ends = coder._run_steps(steps, _TestRows(coder._f_specs, batch.forms),
                                            batch.last[batch.token_passage])
            found = set(zip(starts, ends))
            expected = {(int(batch.first[p]) + s, int(batch.first[p]) + e)
                        for p in range(len(batch.docs)) for _, s, e in matcher(batch.doc(p))}
            assert found == expected
            n_matches += len(found)
    assert n_matches > 200


def test_patterns_arrays_cannot_run_still_use_spacy_matcher():
    cb = Codebook([
        Code("a", "A", rules={"patterns": [[{"LOWER": "geen"}, {"OP": "+"}, {"LEMMA": "vertrouwen"}]],
                              "negation": False}),
        Code("c", "C", rules={"patterns": [[{"LOWER": {"REGEX": "^samen"}}]], "negation": False})])
    coder = RuleCoder().fit(codebook=cb)
    assert all(steps is None for _, _, steps, _ in coder._patterns)
    text = "Geen enkel vertrouwen in de samenwerking, wel in samen werken."
    found = [(s.code, text[s.start:s.end]) for s in coder.predict([text])[0]]
    assert found == [("a", "Geen enkel vertrouwen"), ("c", "samenwerking"), ("c", "samen")]


def test_predicting_in_threads_gives_what_one_thread_gives(thesis_coder):
    """New forms are added to the shared form tables while other threads read them."""
    import sys
    import threading

    texts = [f"Geen vertrouwen in zorgpartner{i}x{j}, informatie werd niet gedeeld met casusregisseur{j}."
             for i in range(4) for j in range(150)]
    found = {}
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=lambda i=i: found.__setitem__(i, thesis_coder.predict(texts[i::4])))
                   for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    expected = RuleCoder().fit(codebook=load_codebook()).predict(texts)  # after: the threads met the new forms first
    assert all(found[i] == expected[i::4] for i in range(4)) and any(expected)


def test_a_lemma_ending_in_a_star_is_a_compound_modifier():
    from altena_qca.coding import RuleCoder
    from altena_qca.model import Code, Codebook

    cb = Codebook([Code("p", "Privacy", rules={"lemmas": ["privacy*"], "negation": False})])
    found = RuleCoder().fit(codebook=cb).predict(["Dat is een privacyrisico.", "De privacy telt.", "Een priv-zaak."])
    assert [[s.rule for s in f] for f in found] == [["lemma:privacy*"], ["lemma:privacy*"], []]


def test_a_modifier_needs_three_letters():
    import pytest as _pytest

    from altena_qca.coding import RuleCoder
    from altena_qca.errors import CodebookError
    from altena_qca.model import Code, Codebook

    with _pytest.raises(CodebookError, match="modifier"):
        RuleCoder().fit(codebook=Codebook([Code("p", "P", rules={"lemmas": ["pr*"]})]))


def test_context_words_count_only_where_an_anchor_is_in_scope():
    """A ``context`` block: the stance word may stand anywhere in the passage (or sentence)
    of an anchor, in either order; without an anchor it does not count; negated it is
    suppressed or flipped as the block/code says."""
    cb = Codebook([
        Code("neg", "Negatief", rules={"context": {"anchors": ["wams", "wetsvoorstel"], "lemmas": ["bezorgd"],
                                                   "phrases": ["zie het somber in"], "negation": True}}),
        Code("pos", "Positief", rules={"negation_flips_to": "neg",
                                       "context": [{"anchors": ["wams"], "lemmas": ["blij"], "scope": "sentence"}]})])
    coder = RuleCoder().fit(codebook=cb)

    def found(text):
        return [(s.code, s.rule) for s in coder.predict([text])[0]]

    assert found("De Wams? Daar ben ik eerlijk gezegd bezorgd over.") == [("neg", "context:bezorgd")]
    assert found("Ik ben bezorgd over de wachtlijsten.") == []
    assert found("Ik ben niet bezorgd over het wetsvoorstel.") == []
    assert found("Het wetsvoorstel? Ik zie het somber in.") == [("neg", "context:zie het somber in")]
    assert found("Ik ben blij. De Wams komt eraan.") == []  # another sentence: out of scope
    assert found("Met de Wams ben ik niet blij.") == [("neg", "negated:context:blij")]
    with pytest.raises(CodebookError, match="context"):
        RuleCoder().fit(codebook=Codebook([Code("x", "X", rules={"context": {"anchors": [], "lemmas": ["a"]}})]))


@pytest.mark.parametrize("text, expected", [
    # the respondent does not get it, gets it late, or hears it afterwards: a problem with partners
    ("Het verslag van de GGZ kwam pas na zes weken binnen.", True),
    ("Ik hoor het pas achteraf, via de cliënt zelf.", True),
    ("We krijgen niks terug van de corporatie.", True),
    ("Had ik dat geweten, dan had ik anders gehandeld.", True),
    ("De hulp kwam te laat, het gezin was al uit huis gezet.", False),  # lateness of help, not of information
    # the respondent's own choice, or sharing merely named: no complaint about partners
    ("In de gedragscode staat wat we wel en niet mogen delen.", False),
    ("Ik deel niet zomaar iets uit het dossier.", False),
    ("Ik mag niet zomaar iets doorgeven aan het wijkteam.", False),
    ("Het wijkteam mag het niet doorgeven, dus ik weet van niks.", True),
])
def test_insufficient_sharing_is_about_partners_withholding_from_the_respondent(thesis_coder, text, expected):
    [found] = thesis_coder.predict([text])
    assert ("problems.insufficient" in _codes(found)) is expected, [s.rule for s in found]


def test_a_verdict_on_die_nieuwe_wet_counts_in_another_sentence_but_privacy_law_talk_does_not(thesis_coder):
    [found] = thesis_coder.predict(["Die nieuwe wet, daar heb ik een hard hoofd in. Mensen gaan zorg mijden."])
    assert "wams.opinion.negative" in _codes(found)
    [found] = thesis_coder.predict(["De wet is duidelijk over de AVG. Ik maak me zorgen over de wachtlijst."])
    assert "wams.opinion.negative" not in _codes(found)


def test_uncalibrated_suggestions_are_ranked_by_how_many_distinct_rules_of_their_code_fire():
    """A study nobody coded yet: the more independent indicators of a code in a passage, the higher its
    confidence (RANKED_CONFIDENCE); a calibrated coder keeps each rule's calibrated confidence."""
    from altena_qca.coding.rules import RANKED_CONFIDENCE

    cb = Codebook([Code("late", "Te laat", rules={"phrases": ["pas na weken", "te laat"], "lemmas": ["stilte"]}),
                   Code("other", "Ander", rules={"lemmas": ["agenda"]})])
    coder = RuleCoder().fit(codebook=cb)
    one, two, three = coder.predict(["Het kwam te laat.", "Het kwam te laat, pas na weken.",
                                     "Stilte. Het kwam te laat, pas na weken."])
    assert {s.confidence for s in one} == {RANKED_CONFIDENCE[0]}
    assert {s.confidence for s in two} == {RANKED_CONFIDENCE[1]}
    assert {s.confidence for s in three} == {RANKED_CONFIDENCE[2]}
    # the same rule twice is one indicator; another code's rule does not count
    [again] = coder.predict(["Te laat, weer te laat. De agenda."])
    assert {(s.code, s.confidence) for s in again} == {("late", RANKED_CONFIDENCE[0]), ("other", RANKED_CONFIDENCE[0])}
    assert {s.confidence for s in RuleCoder(ranked=None).fit(codebook=cb).predict(["Het kwam te laat, pas na weken."])[0]} == {0.6}
    calibrated = RuleCoder().fit(["Het kwam te laat, pas na weken."], [["late"]], codebook=cb)
    assert {s.confidence for s in calibrated.predict(["Het kwam te laat, pas na weken."])[0]} == \
        {calibrated.rule_confidence_["late|phrase:te laat"], calibrated.rule_confidence_["late|phrase:pas na weken"]}


def test_a_pattern_that_names_a_negator_is_not_negated_by_it():
    """'makkelijk … zonder toestemming' asks for *zonder*: it is what the pattern finds, as in a phrase that
    begins with a negator, not a negation of it (a negator before the match still negates)."""
    cb = Codebook([Code("easy", "Makkelijk zonder toestemming", rules={"patterns": [
                       [{"LOWER": "makkelijk"}, {"OP": "{0,3}"}, {"LOWER": "zonder"}, {"LEMMA": "toestemming"}]]}),
                   Code("better", "Beter", rules={"patterns": [[{"LOWER": "wams"}, {"OP": "{0,3}"}, {"LOWER": "beter"}]]})])
    coder = RuleCoder().fit(codebook=cb)
    found, before, gap = coder.predict(["Het wordt makkelijk om zonder toestemming te delen.",
                                        "Het wordt niet makkelijk om zonder toestemming te delen.",
                                        "De Wams maakt het niet beter."])
    assert [(s.code, s.rule.startswith("negated:")) for s in found] == [("easy", False)]
    assert before == [] and gap == []  # no flip given: a negation suppresses
    # the thesis codebook: the bill making it easier to share without consent is less privacy protection
    [thesis] = RuleCoder().fit(codebook=load_codebook()).predict(
        ["Met de Wams wordt het heel makkelijk om zonder toestemming gegevens te delen."])
    assert "wams.other.less_privacy" in _codes(thesis)
