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


# -- the loop a student can finish (issue 13) ---------------------------------

def test_dutch_decisions_and_an_error_that_lists_the_accepted_values(tmp_path):
    path, _ = _exported(tmp_path)
    _decide(path, ["Accepteren", "afwijzen"])
    assert import_review(path, CORPUS, CB, reviewer="s")["code"].tolist() == ["t"]
    _decide(path, ["nee", "JA"])
    assert import_review(path, CORPUS, CB, reviewer="s")["code"].tolist() == ["r"]
    _decide(path, ["misschien", ""])
    with pytest.raises(InputError) as info:
        import_review(path, CORPUS, CB, reviewer="s")
    message = str(info.value)
    assert "line 2" in message and "'misschien'" in message
    for word in ("ja", "accepteren", "nee", "afwijzen", "accept", "reject", "leave it empty"):
        assert word in message


def test_new_only_leaves_out_suggestions_an_existing_coding_covers(tmp_path):
    auto = suggest(CORPUS, CB, coder=AutoCoder(method="rules"))
    existing = make_codings([{"document": "D", "start": 10, "end": 24, "code": "t", "coder": "thesis"},
                             {"document": "D", "start": 3, "end": 25, "code": "r", "coder": "thesis"}])
    table = export_review(auto, CORPUS, tmp_path / "r.csv", codebook=CB, codings=existing, new_only=True)
    assert table["code"].tolist() == ["r"]  # 't' overlaps a 't' coding; the 'r' coding is elsewhere
    everything = export_review(auto, CORPUS, tmp_path / "all.csv", codebook=CB, codings=existing)
    assert everything["code"].tolist() == ["t", "r"]


def test_code_filter_keeps_a_code_and_its_sub_codes_and_names_an_unknown_one(tmp_path):
    cb = Codebook([Code("t", "Vertrouwen"), Code("t.low", "Weinig vertrouwen", parent="t"), Code("r", "Relaties")])
    auto = make_codings([{"document": "D", "start": 3, "end": 25, "code": c, "coder": "altena-qca",
                          "origin": "auto", "confidence": 0.5} for c in ("t", "t.low", "r")])
    assert export_review(auto, CORPUS, tmp_path / "a.csv", codebook=cb, codes=["t"])["code"].tolist() == ["t", "t.low"]
    with pytest.raises(InputError, match=r"\[E211\] unknown code 'nope'"):
        export_review(auto, CORPUS, tmp_path / "b.csv", codebook=cb, codes=["nope"])


def test_function_labels_stand_beside_the_document(tmp_path):
    from altena_qca.model import Respondent
    doc = Document("R1", TEXT, respondent="R1", segments=CORPUS.documents["D"].segments)
    corpus = Corpus({"R1": doc}, respondents={"R1": Respondent("R1", "wijkverpleegkundige", "Wijkverpleegkundige",
                                                               "extern")})
    auto = make_codings([{"document": "R1", "start": 3, "end": 25, "code": "t", "coder": "altena-qca",
                          "origin": "auto", "confidence": 0.5}])
    table = export_review(auto, corpus, tmp_path / "r.csv", codebook=CB)
    assert table[["document", "function"]].values.tolist() == [["R1", "Wijkverpleegkundige"]]
    assert list(pd.read_csv(tmp_path / "r.csv").columns)[:2] == ["document", "function"]


def _tiny_study(tmp_path):
    """Study folder with its own codebook and one manual coding after a name (typed offsets)."""
    from altena_qca import load_study
    folder = tmp_path / "study"
    (folder / "transcripts").mkdir(parents=True)
    text = ("I: Hoe werkt u samen?\nR: Ik bel Jan Jansen van de gemeente. Er is veel vertrouwen tussen ons.\n"
            "I: En verder?\nR: Korte lijntjes met het wijkteam.\n")
    (folder / "transcripts" / "R01.txt").write_text(text, encoding="utf-8")
    (folder / "respondents.csv").write_text("id,function,label,side,interview_date,organisation\n"
                                            "R01,beleidsmedewerker,Beleidsmedewerker,intern,2024-03-05,\n")
    (folder / "codebook.yaml").write_text(
        "meta: {id: tiny, title_nl: Klein}\ncodes:\n"
        "  - {id: t, label_nl: Vertrouwen, definition: Vertrouwen tussen partners., kind: deductive,\n"
        "     rules: {lemmas: [vertrouwen]}}\n"
        "  - {id: r, label_nl: Relaties, definition: Relaties tussen partners., kind: deductive,\n"
        "     rules: {phrases: [korte lijntjes]}}\n", encoding="utf-8")
    s = text.index("Er is veel")
    e = text.index("ons.") + 4
    (folder / "codings.csv").write_text("document,start,end,code,coder,origin,confidence,text\n"
                                        f"R01,{s},{e},r,thesis,manual,1.0,{text[s:e]}\n", encoding="utf-8")
    return folder, load_study(folder)


def test_apply_adds_accepted_codings_and_records_every_decision_atomically(tmp_path):
    from altena_qca.coding import apply_review
    folder, study = _tiny_study(tmp_path)
    text = (folder / "transcripts" / "R01.txt").read_text()
    assert study.corpus.documents["R01"].text != text  # the name is pseudonymised: offsets differ
    before = (folder / "codings.csv").read_bytes()
    auto = suggest(study.corpus, study.codebook, coder=AutoCoder(method="rules"))
    path = tmp_path / "review.csv"
    table = export_review(auto, study.corpus, path, codebook=study.codebook)
    assert "Jan" not in path.read_text()  # passages are pseudonymised
    s = text.index("Ik bel")  # file offsets are codings.csv's (the transcript as typed): the turn
    assert table.loc[table["code"] == "t", "start"].tolist() == [s]
    _decide(path, ["ja" if c == "t" else "nee" for c in table["code"]])
    done = apply_review(path, study, reviewer="student-a")
    assert (done["accepted"], done["rejected"], done["added"]) == (1, 1, 1)
    after = (folder / "codings.csv").read_bytes()
    assert after.startswith(before)  # every existing row kept as it was
    from altena_qca import load_study
    again = load_study(folder)  # loads: offsets and coded text are checked against the transcript
    row = again.codings[again.codings["coder"] == "student-a"].iloc[0]
    assert row["code"] == "t" and again.corpus.documents["R01"].text[row["start"]:row["end"]].startswith("Ik bel [")
    decisions = pd.read_csv(folder / "review_decisions.csv", dtype=str, keep_default_na=False)
    assert sorted(decisions["decision"]) == ["accept", "reject"]
    assert set(decisions["reviewer"]) == {"student-a"} and decisions.loc[decisions["code"] == "t", "start"].tolist() == [str(s)]
    from altena_qca.coding.review import recorded_decisions
    left = export_review(auto, again.corpus, tmp_path / "next.csv", codebook=again.codebook, codings=again.codings,
                         new_only=True, decided=recorded_decisions(again))
    assert left.empty  # accepted ones repeat a coding now, rejected ones are recorded
    # the same file again adds nothing new; a bad row changes neither file
    assert apply_review(path, study, reviewer="student-a")["added"] == 0
    state = {f: (folder / f).read_bytes() for f in ("codings.csv", "review_decisions.csv")}
    _decide(path, ["ja", "ja"], code=["t", "nope"])
    with pytest.raises(InputError, match="E121"):
        apply_review(path, again, reviewer="student-a")
    assert {f: (folder / f).read_bytes() for f in state} == state


def test_apply_refuses_the_bundled_study(study, tmp_path):
    from altena_qca.coding import apply_review
    path = tmp_path / "r.csv"
    pd.DataFrame(columns=["document", "start", "end", "code", "decision"]).to_csv(path, index=False)
    with pytest.raises(InputError, match="E135"):
        apply_review(path, study, reviewer="x")


def test_file_offsets_are_codings_csv_offsets_r06(study):
    """Regression (issue 13): suggestions were written with offsets into the pseudonymised text, so R06's
    differed from codings.csv by one (a name replaced by a tag one character shorter, before 4714)."""
    from conftest import DATA

    from altena_qca.coding.review import to_corpus_offsets, to_typed_offsets
    raw = pd.read_csv(DATA / "codings.csv", dtype={"document": str})
    typed = to_typed_offsets(study.codings, study.corpus)
    key = ["document", "start", "end", "code", "coder"]
    assert sorted(map(tuple, typed[key].values.tolist())) == sorted(map(tuple, raw[key].values.tolist()))
    shifted = study.codings[(study.codings["document"] == "R06")
                            & (study.codings["start"] != typed["start"])]
    assert len(shifted)  # R06 is the document where the two differ
    back = to_corpus_offsets(typed, study.corpus)
    assert back[["start", "end"]].equals(study.codings[["start", "end"]])


def test_cli_code_review_apply_loop_on_a_new_study(tmp_path):
    from click.testing import CliRunner

    from altena_qca import load_study
    from altena_qca.cli import cli
    folder, _ = _tiny_study(tmp_path)
    text = (folder / "transcripts" / "R01.txt").read_text()
    run = CliRunner().invoke
    sugg, review = tmp_path / "s.csv", tmp_path / "r.csv"
    assert run(cli, ["code", "--data", str(folder), "--method", "rules", "--out", str(sugg)]).exit_code == 0
    s = pd.read_csv(sugg)
    assert s.loc[s["code"] == "t", "start"].tolist() == [text.index("Ik bel")]  # codings.csv's offsets
    res = run(cli, ["review", "export", "--data", str(folder), "--suggestions", str(sugg), "--new-only",
                    "--out", str(review)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(review, dtype=str, keep_default_na=False)
    assert table["function"].tolist() == ["Beleidsmedewerker"] * len(table)
    table["decision"] = "accepteren"
    table.to_csv(review, index=False)
    res = run(cli, ["review", "import", str(review), "--data", str(folder), "--reviewer", "student-a", "--apply"])
    assert res.exit_code == 0, res.output
    assert "decisions recorded" in res.output
    assert (load_study(folder).codings["coder"] == "student-a").sum() == len(table)
    # the next round shows nothing that was decided already (accepted or rejected)
    res = run(cli, ["review", "export", "--data", str(folder), "--suggestions", str(sugg), "--new-only",
                    "--out", str(tmp_path / "r2.csv")])
    assert res.exit_code == 0 and len(pd.read_csv(tmp_path / "r2.csv")) == 0
    res = run(cli, ["review", "import", str(review), "--data", str(folder), "--reviewer", "x", "--apply",
                    "--out", str(tmp_path / "c.csv")])
    assert res.exit_code == 2 and "either --apply" in res.output


def test_apply_goes_through_the_coding_store_when_the_study_has_one(tmp_path):
    from altena_qca import load_study
    from altena_qca.coding import apply_review
    from altena_qca.store.codings import CodingStore
    folder, study = _tiny_study(tmp_path)
    CodingStore.open(folder / "study.sqlite", seed=study.codings, corpus=study.corpus).close()
    csv_before = (folder / "codings.csv").read_bytes()
    auto = suggest(study.corpus, study.codebook, coder=AutoCoder(method="rules"))
    path = tmp_path / "review.csv"
    table = export_review(auto, study.corpus, path, codebook=study.codebook)
    _decide(path, ["ja" if c == "t" else "afwijzen" for c in table["code"]])
    done = apply_review(path, load_study(folder), reviewer="student-a")
    assert (done["accepted"], done["rejected"], done["added"]) == (1, 1, 1)
    assert (folder / "codings.csv").read_bytes() == csv_before and not (folder / "review_decisions.csv").exists()
    store = CodingStore.open(folder / "study.sqlite")
    try:
        assert sorted(store.decisions()["decision"]) == ["accepted", "rejected"]
        assert [h["action"] for h in store.history()][0] == "review"
    finally:
        store.close()
    again = load_study(folder)  # codings now come from the store
    assert (again.codings["coder"] == "student-a").sum() == 1
    assert apply_review(path, again, reviewer="student-a")["added"] == 0  # the same file twice: nothing new
