"""The learned suggester: tf-idf lemma n-grams, one linear model per code, fixed seed."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from altena_qca.coding import SuggestionModel, codebook_passages, training_data
from altena_qca.model import Code, Codebook

X = ["Er is geen vertrouwen tussen de partners", "Het vertrouwen is groot", "Wij vertrouwen elkaar",
     "Taken worden dubbel gedaan", "De intake is dubbel gedaan", "Niemand pakt de taak op",
     "Het weer is mooi vandaag"]
Y = [["trust"], ["trust"], ["trust"], ["coord"], ["coord"], ["coord"], []]


def test_learns_codes_from_passages_with_probabilities():
    model = SuggestionModel(threshold=0.5).fit(X, Y)
    assert model.classes_ == ["coord", "trust"]
    proba = model.predict_proba(["Vertrouwen tussen collega's", "Taken werden dubbel gedaan"])
    assert proba.shape == (2, 2) and ((proba >= 0) & (proba <= 1)).all()
    assert proba[0, 1] > proba[0, 0] and proba[1, 0] > proba[1, 1]
    [[trust], [coord]] = model.predict(["Vertrouwen tussen collega's", "Taken werden dubbel gedaan"])
    assert (trust.code, coord.code) == ("trust", "coord")
    assert trust.rule == "model:tfidf-logreg" and (trust.start, trust.end) == (0, len("Vertrouwen tussen collega's"))


def test_fixed_random_state_gives_identical_models():
    a = SuggestionModel(estimator="svm", cv=2).fit(X, Y).predict_proba(["Geen vertrouwen"])
    b = SuggestionModel(estimator="svm", cv=2).fit(X, Y).predict_proba(["Geen vertrouwen"])
    assert np.array_equal(a, b)


def test_threshold_max_suggestions_and_empty_passages():
    model = SuggestionModel(threshold=0.0, max_suggestions=1).fit(X, Y)
    assert [len(s) for s in model.predict(["Vertrouwen en dubbele taken", "", "  "])] == [1, 0, 0]
    assert SuggestionModel(threshold=1.01).fit(X, Y).predict(["Vertrouwen"]) == [[]]


def test_codebook_rolls_codes_up_and_adds_its_labels_and_examples():
    cb = Codebook([Code("effects", "Effecten"), Code("effects.trust", "Vertrouwen", parent="effects",
                                                     examples=("Ik vertrouw mijn collega's",)),
                   Code("effects.coord", "Coördinatie", parent="effects", indicators=("taken afstemmen",))])
    assert codebook_passages(cb) == (["Effecten", "Vertrouwen", "Ik vertrouw mijn collega's", "Coördinatie",
                                      "taken afstemmen"],
                                     [["effects"], ["effects.trust"], ["effects.trust"], ["effects.coord"],
                                      ["effects.coord"]])
    y = [["effects.trust" if c == ["trust"] else "effects.coord"] if c else [] for c in Y]
    model = SuggestionModel().fit(X, y, codebook=cb)
    assert model.classes_ == ["effects", "effects.coord", "effects.trust"]  # the parent learned from its children


def test_not_fitted_and_estimator_contract():
    model = SuggestionModel(C=2.0)
    assert clone(model).C == 2.0 and model.get_params()["random_state"] == 0
    with pytest.raises(NotFittedError):
        model.predict(["x"])
    with pytest.raises(ValueError, match="estimator must be"):
        SuggestionModel(estimator="forest").fit(X, Y)


def test_training_data_are_the_segments_of_coded_documents(study):
    X_, y_ = training_data(study.corpus, study.codings)
    coded = set(study.codings["document"])
    n = sum(1 for d in study.corpus if d.id in coded for s in d.segments
            if s.speaker in ("respondent", "observer"))
    assert len(X_) == len(y_) == n
    assert sum(bool(c) for c in y_) >= 0.95 * n
    assert {c for codes in y_ for c in codes} == set(study.codings["code"])


def test_autocoder_combines_rules_and_model_per_code():
    from altena_qca.coding import AutoCoder

    cb = Codebook([Code("trust", "Vertrouwen", rules={"lemmas": ["vertrouwen"]}),
                   Code("coord", "Coordinatie", rules={"phrases": ["dubbel gedaan"]})])
    texts = ["  Het vertrouwen is groot, de taken worden dubbel gedaan.", "", "Het weer is mooi"]
    coder = AutoCoder(calibrate_rules=False, model=SuggestionModel(threshold=0.3)).fit(X, Y, codebook=cb)
    found = coder.predict(texts)
    assert [s.code for s in found[0]] == ["coord", "trust"] and found[1] == []
    merged = {s.code: s for s in found[0]}["trust"]
    assert merged.rule == "lemma:vertrouwen+model:tfidf-logreg"
    assert texts[0][merged.start:merged.end] == "vertrouwen" and 0.6 < merged.confidence <= 1
    # every rule below min_rule_confidence: the model's suggestions alone, spanning the passage
    only_model = AutoCoder(calibrate_rules=False, min_rule_confidence=1.1,
                           model=SuggestionModel(threshold=0.3)).fit(X, Y, codebook=cb).predict(texts)
    assert all(s.rule == "model:tfidf-logreg" and (s.start, s.end) == (2, len(texts[0]))
               for s in only_model[0])
    assert AutoCoder(method="rules", min_rule_confidence=1.1).fit(codebook=cb).predict(texts) == [[], [], []]


def test_batch_counts_equal_the_hashed_feature_matrix(study):
    """The per-form fast path of prediction counts exactly the features training counts."""
    from altena_qca.coding.nlp import pipe_batches

    texts, codes = training_data(study.corpus, study.codings)
    model = SuggestionModel().fit(texts[:400], codes[:400])
    for batch in pipe_batches(texts + ["Parafrase: [parafrase] de leden delen 3 taken."], batch_size=300):
        slow = model._matrix(*model._hashes(batch), len(batch.index), model.vocabulary_)
        fast = model._batch_counts(batch)
        assert (slow != fast).nnz == 0 and (slow.indices == fast.indices).all() and slow.nnz > 0


def test_a_top_level_category_nobody_codes_directly_is_never_suggested():
    from altena_qca.model import Code, Codebook

    cb = Codebook([Code("cat", "Categorie"), Code("cat.a", "Vertrouwen", parent="cat"),
                   Code("cat.b", "Taken", parent="cat")])
    X = ["Er is geen vertrouwen", "Het vertrouwen is groot", "Taken worden dubbel gedaan",
         "De intake is dubbel gedaan", "Wij vertrouwen elkaar", "Niemand doet de taak", "Het regent vandaag"] * 2
    y = [["cat.a"], ["cat.a"], ["cat.b"], ["cat.b"], ["cat.a"], ["cat.b"], []] * 2
    model = SuggestionModel(threshold=0.0).fit(X, y, codebook=cb)
    assert "cat" in model.classes_  # still modelled (it keeps its place among a passage's best)...
    found = {s.code for f in model.predict(["Het regent vandaag", "Geen vertrouwen"]) for s in f}
    assert "cat" not in found and found  # ...but never suggested
    # coded directly somewhere, it is suggested like any code
    direct = SuggestionModel(threshold=0.0).fit(X + ["Een categorie", "Nog een categorie", "Leeg", "Niets"],
                                                y + [["cat"], ["cat"], [], []], codebook=cb)
    assert "cat" in {s.code for f in direct.predict(["Een categorie"]) for s in f}


def test_model_only_threshold_drops_only_the_model_suggestions_no_rule_makes():
    from altena_qca.coding import AutoCoder
    from altena_qca.model import Code, Codebook

    cb = Codebook([Code("trust", "Vertrouwen", rules={"lemmas": ["vertrouwen"]}), Code("coord", "Coördinatie")])
    X = ["Er is geen vertrouwen", "Het vertrouwen is groot", "Taken worden dubbel gedaan",
         "De intake is dubbel gedaan", "Wij vertrouwen elkaar", "Niemand doet de taak"]
    y = [["trust"], ["trust"], ["coord"], ["coord"], ["trust"], ["coord"]]
    texts = ["Vertrouwen tussen collega's", "Taken dubbel gedaan"]

    def found(**params):
        coder = AutoCoder(min_rule_confidence=0.0, **params).fit(X, y, codebook=cb)
        return [sorted((s.code, s.rule.split("+")[-1].split(":")[0]) for s in f) for f in coder.predict(texts)]

    plain, strict = found(), found(model_only_threshold=1.01)
    assert ("coord", "model") in plain[1] and strict[1] == []  # the model alone: dropped
    assert strict[0] == plain[0] and strict[0]  # a rule's suggestion (merged or not) stays


def test_rule_hits_are_features_that_carry_to_wording_never_trained_on():
    """With ``rule_features`` the model meets a code's rules in wording no training passage used."""
    cb = Codebook([Code("late", "Te laat", rules={"phrases": ["pas na weken"]}),
                   Code("trust", "Vertrouwen", rules={"lemmas": ["vertrouwen"]})])
    X = ["Het verslag kwam pas na weken.", "De rapportage kwam pas na weken binnen.", "Pas na weken hoorde ik iets.",
         "Ik vertrouw mijn collega's.", "Het vertrouwen is groot.", "We vertrouwen elkaar."]
    y = [["late"]] * 3 + [["trust"]] * 3
    new = ["Een brief? Die kreeg ik pas na weken."]
    kwargs = dict(use_codebook=False, threshold=0.5)
    with_rules = SuggestionModel(rule_features=True, **kwargs).fit(X, y, codebook=cb)
    without = SuggestionModel(rule_features=False, **kwargs).fit(X, y, codebook=cb)
    late = with_rules.classes_.index("late")
    assert with_rules.predict_proba(new)[0, late] > without.predict_proba(new)[0, late]
    assert with_rules.rule_coder_ is not None and without.rule_coder_ is None
    # without a codebook or rule coder there is nothing to take rule hits from: lemma features only
    assert SuggestionModel(rule_features=True).fit(X, y).rule_coder_ is None


def test_rule_features_in_batches_equal_the_hashed_feature_matrix(study):
    from altena_qca.coding.nlp import pipe_batches

    X, y = training_data(study.corpus, study.codings)
    model = SuggestionModel(rule_features=True).fit(X[:200], y[:200], codebook=study.codebook)
    texts = X[200:320]
    expected = model._counts(texts, model.vocabulary_)
    for batch in pipe_batches(texts):
        got = model._batch_counts(batch)
        assert (got != expected[batch.index]).nnz == 0


def test_the_fast_dutch_word_check_agrees_with_simplemma():
    """learn._simplemma_nl reads simplemma's Dutch dictionary directly; it must say what is_known says."""
    import simplemma

    from altena_qca.coding.learn import _simplemma_nl

    words = ["gegevens", "uitwisseling", "vertrouwen", "band", "wijkteam", "xqzt", "Amsterdam", "amsterdam",
             "regisseur", "casus", "rouwen", "vert", "privacy", "café", "cafe\u0301", "ggz", "uitwisselingsproblemen"]
    known = _simplemma_nl()
    assert [known(w) for w in words] == [simplemma.is_known(w, lang="nl") for w in words]
