"""The review loop and merging: accepted suggestions become manual codings, no manual coding is lost."""
from __future__ import annotations

import pandas as pd
import pytest

from altena_qca.coding import AutoCoder, export_review, import_review, merge_codings, suggest
from altena_qca.errors import InputError
from altena_qca.model import Code, Codebook, Corpus, Document, Segment, make_codings

TEXT = "R: Er is veel vertrouwen.\nR: Korte lijntjes.\n"
CORPUS = Corpus({"D": Document("D", TEXT, segments=[Segment("D", 0, "respondent", 3, 3, 25),
                                                      Segment("D", 1, "respondent", 3, 29, 44)])})
CB = Codebook([Code("t", "Vertrouwen", rules={"lemmas": ["vertrouwen"]}),
               Code("r", "Relaties", rules={"phrases": ["korte lijntjes"]})])


def _exported(tmp_path):
    auto = suggest(CORPUS, CB, coder=AutoCoder(method="rules"))
    path = tmp_path / "review.csv"
    table = export_review(auto, CORPUS, path, codebook=CB)
    return path, table


def _decide(path, decisions, **edits):
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["decision"] = decisions
    for col, values in edits.items():
        table[col] = values
    table.to_csv(path, index=False)


def test_export_has_passage_evidence_and_an_empty_decision(tmp_path):
    path, table = _exported(tmp_path)
    assert table[["code", "passage", "evidence", "decision"]].values.tolist() == [
        ["t", "Er is veel vertrouwen.", "vertrouwen", ""], ["r", "Korte lijntjes.", "Korte lijntjes", ""]]
    assert list(pd.read_csv(path).columns)[-2:] == ["decision", "note"]


def test_accepted_rows_become_manual_codings_by_the_reviewer(tmp_path):
    path, _ = _exported(tmp_path)
    _decide(path, ["accept", "reject"])
    new = import_review(path, CORPUS, CB, reviewer="student-a")
    assert new[["document", "start", "end", "code", "coder", "origin", "confidence"]].values.tolist() == [
        ["D", 3, 25, "t", "student-a", "manual", 1.0]]
    _decide(path, ["Ja", ""])  # Dutch answers; an empty decision is 'not yet reviewed'
    assert len(import_review(path, CORPUS, CB, reviewer="student-a")) == 1


def test_import_keeps_every_existing_coding_and_writes_a_codings_file(tmp_path):
    path, _ = _exported(tmp_path)
    _decide(path, ["accept", "accept"])
    existing = make_codings([{"document": "D", "start": 3, "end": 25, "code": "r", "coder": "thesis"}])
    out = tmp_path / "codings.csv"
    merged = import_review(path, CORPUS, CB, reviewer="b", codings=existing, out=out)
    assert len(merged) == 3 and merged.merge(existing).shape[0] == 1
    assert pd.read_csv(out)[["document", "start", "end", "code", "coder"]].values.tolist() == [
        ["D", 3, 25, "r", "thesis"], ["D", 3, 25, "t", "b"], ["D", 29, 44, "r", "b"]]


@pytest.mark.parametrize("edits, message", [
    ({"decision": ["maybe", ""]}, r"\[E125\] .*line 2: invalid value 'maybe' for 'decision'"),
    ({"decision": ["accept", "reject"], "code": ["effects.nope", "r"]},
     r"\[E121\] .*line 2: .*unknown code 'effects.nope'"),
    ({"decision": ["reject", "accept"], "end": ["25", "999"]}, r"\[E122\] .*line 3: span 29-999 lies outside"),
    ({"decision": ["accept", "reject"], "document": ["X", "D"]}, r"\[E120\] .*line 2: .*unknown document 'X'"),
    ({"decision": ["accept", "reject"], "passage": ["Iets anders.", "Korte lijntjes."]},
     r"\[E123\] .*line 2: coded text does not match"),
])
def test_bad_rows_are_rejected_with_file_and_line(tmp_path, edits, message):
    path, _ = _exported(tmp_path)
    decisions = edits.pop("decision")
    _decide(path, decisions, **edits)
    with pytest.raises(InputError, match=message):
        import_review(path, CORPUS, CB, reviewer="student-a")


def test_reviewer_name_is_required(tmp_path):
    path, _ = _exported(tmp_path)
    with pytest.raises(InputError, match="reviewer"):
        import_review(path, CORPUS, CB, reviewer=" ")


def test_suggest_and_merge_never_lose_a_manual_coding(study):
    auto = suggest(study.corpus, study.codebook, study.codings)
    assert set(auto["origin"]) == {"auto"} and set(auto["coder"]) == {"altena-qca"}
    assert auto["confidence"].between(0, 1).all() and auto["rule"].str.len().gt(0).all()
    merged = merge_codings(study.codings, auto)
    key = ["document", "start", "end", "code", "coder", "origin", "confidence"]
    kept = merged[merged["origin"] == "manual"][key].reset_index(drop=True)
    assert kept.equals(study.codings[key].reset_index(drop=True))
    assert len(merged) > len(study.codings)
