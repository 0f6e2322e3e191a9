"""Segment-level precision/recall/F1 on a hand-made gold, concept labels, held-out evaluation."""
from __future__ import annotations

import pandas as pd
import pytest

from altena_qca import load_codebook
from altena_qca.coding import EVAL_LABELS, holdout_report, load_eval_labels, score_codings, score_labels, score_passages
from altena_qca.errors import CodebookError
from altena_qca.model import Code, Codebook, Corpus, Document, Segment, make_codings

# four respondent turns of 10 characters each ("R: " + 7) plus one interviewer question
TEXT = "I: vraag?\n" + "".join(f"R: turn {i}\n" for i in range(4))
SEGS = [Segment("D", 0, "interviewer", 3, 0, 9)] + [Segment("D", i + 1, "respondent", 3, 10 + 10 * i, 19 + 10 * i)
                                                     for i in range(4)]
CORPUS = Corpus({"D": Document("D", TEXT, segments=SEGS)})
CB = Codebook([Code("t", "Vertrouwen"), Code("t.neg", "Minder", parent="t"), Code("r", "Relaties")])


def _c(*rows):
    return make_codings([{"document": "D", "start": 10 + 10 * s + 3, "end": 10 + 10 * s + 9, "code": c}
                         for s, c in rows])


def test_per_code_and_micro_macro_by_hand():
    gold = _c((0, "t"), (1, "t.neg"), (2, "r"), (3, "r"))
    pred = _c((0, "t.neg"), (1, "t.neg"), (2, "t"), (2, "r"))
    table = score_codings(gold, pred, CORPUS, CB).set_index("code")
    # t (with descendants): gold turns {0,1}, predicted {0,1,2} -> tp 2, fp 1, fn 0
    assert table.loc["t", ["support", "predicted", "tp", "fp", "fn"]].tolist() == [2, 3, 2, 1, 0]
    # t.neg: gold {1}, predicted {0,1} -> tp 1, fp 1
    assert table.loc["t.neg", ["tp", "fp", "fn", "precision", "recall"]].tolist() == [1, 1, 0, 0.5, 1.0]
    # r: gold {2,3}, predicted {2} -> precision 1, recall 0.5, f1 2/3
    assert table.loc["r", ["precision", "recall", "f1"]].tolist() == [1.0, 0.5, 0.6667]
    # micro: tp 4, fp 2, fn 1 -> p 2/3, r 4/5, f1 8/11
    assert table.loc["micro", ["tp", "fp", "fn", "precision", "recall", "f1"]].tolist() == [
        4, 2, 1, 0.6667, 0.8, 0.7273]
    # macro: mean of the per-code F1 (0.8, 0.6667, 0.6667)
    assert table.loc["macro", "f1"] == pytest.approx((0.8 + 0.6667 + 0.6667) / 3, abs=1e-4)


def test_units_are_segments_any_overlap_counts_and_interviewer_turns_are_not_units():
    gold = _c((0, "r"))
    pred = make_codings([{"document": "D", "start": 0, "end": 25, "code": "r"}])  # question + turns 0 and 1
    table = score_codings(gold, pred, CORPUS, CB).set_index("code")
    assert table.loc["r", ["tp", "fp", "fn"]].tolist() == [1, 1, 0]


def test_labels_count_when_any_mapped_code_or_descendant_is_suggested():
    gold = _c((0, "t.neg"), (1, "r"))
    pred = _c((0, "t"), (1, "t.neg"))
    labels = {"social": ["t", "r"], "trust": ["t"]}
    table = score_labels(gold, pred, CORPUS, CB, labels).set_index("label")
    assert table.loc["social", ["tp", "fp", "fn"]].tolist() == [2, 0, 0]
    assert table.loc["trust", ["tp", "fp", "fn"]].tolist() == [1, 1, 0]


def test_free_passages_by_id():
    gold = pd.DataFrame({"id": ["a", "b", "c"], "code": ["t.neg", "r", ""]})
    pred = pd.DataFrame({"id": ["a", "c"], "code_id": ["t.neg", "r"]})
    table = score_passages(gold, pred, CB).set_index("code")
    assert table.loc["micro", ["tp", "fp", "fn"]].tolist() == [1, 1, 1]
    by_label = score_passages(gold, pred, CB, labels={"trust": ["t"]}).set_index("label")
    assert by_label.loc["trust", ["tp", "fp", "fn"]].tolist() == [1, 0, 0]


def test_bundled_eval_labels_cover_the_fifteen_concepts_with_real_codes():
    cb = load_codebook()
    labels = load_eval_labels(EVAL_LABELS, codebook=cb)
    assert set(labels) == {"trust", "client_trust", "relations", "coordination", "decisions", "goals", "privacy",
                           "insufficient_sharing", "oversharing", "interpretation", "legal_boundary",
                           "institutional_boundary", "interprofessional_boundary", "wams_positive",
                           "wams_negative"}
    assert labels["trust"][0] == "effects.trust" and "problems.too_easy" in labels["oversharing"]


def test_eval_labels_errors_name_the_problem(tmp_path):
    bad = tmp_path / "labels.yaml"
    bad.write_text("labels:\n  trust: [effects.nope]\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="label 'trust' names unknown code 'effects.nope'"):
        load_eval_labels(bad, codebook=load_codebook())
    bad.write_text("trust: x\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="expected a 'labels' mapping"):
        load_eval_labels(bad)


def test_held_out_respondents_coder_beats_the_keyword_baseline(study):
    table = holdout_report(study, methods=("keywords", "rules", "combined"))
    f1 = table.set_index(["method", "level", "passages"])["f1"]
    assert set(table["method"]) == {"keywords", "rules", "combined"}
    for level in ("code", "label"):
        assert f1["rules", level, "all"] > f1["keywords", level, "all"] + 0.3
        assert f1["combined", level, "all"] >= f1["rules", level, "all"]
    assert f1["combined", "label", "all"] > 0.75


def test_crossval_of_several_methods_from_one_fit_equals_one_method_at_a_time(study):
    from altena_qca.coding.experiment import crossval_by_method, crossval_suggestions

    both = crossval_by_method(study, ["rules", "combined"])
    assert list(both) == ["rules", "combined"]
    for method, suggestions in both.items():
        assert len(suggestions) > 100
        pd.testing.assert_frame_equal(suggestions, crossval_suggestions(study, method))
    assert set(both["rules"]["code"]) != set(both["combined"]["code"])  # two methods, not one table twice
