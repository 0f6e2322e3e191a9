"""Effects matrix, per-respondent effects and evidence (thesis 4.2.3, 4.3.1) on tiny studies."""
from __future__ import annotations

import pandas as pd
import pytest
from _analysis_synth import codebook, codings, corpus

from altena_qca.analysis.effects import effect_evidence, effect_rows, effects_matrix, respondent_effects
from altena_qca.errors import CodebookError

PEOPLE = [("A", "regisseur", "intern"), ("B", "consulent", "extern"), ("C", "verpleegkundige", "extern"),
          ("D", "medewerker", "intern")]
# A: group 7, trust negative twice (once via a child code), wams trust up
# B: group 8, trust positive, privacy risk
# C: group 9, trust positive, coordination approach (child of wams coordination up)
# D: ambiguous (prob.few = prob.many), trust negative
CODINGS = codings(
    ("A", 0, 10, "prob.few"), ("A", 20, 40, "eff.trust.now.neg"), ("A", 50, 60, "eff.trust.now.neg.avoid"),
    ("A", 250, 270, "eff.trust.later.up"),
    ("B", 0, 10, "prob.many"), ("B", 20, 30, "eff.trust.now.pos"), ("B", 250, 260, "other.privacy"),
    ("C", 0, 10, "prob.none"), ("C", 20, 30, "eff.trust.now.pos"), ("C", 250, 290, "eff.coord.later.up.approach"),
    ("D", 0, 10, "prob.few"), ("D", 20, 30, "prob.many"), ("D", 40, 50, "eff.trust.now.neg"),
    ("OBS", 0, 10, "eff.trust.now.neg"),
)


@pytest.fixture
def tiny():
    return corpus(PEOPLE, observation=True), codebook(), CODINGS


def _cell(matrix, effect, stance, column):
    row = matrix[(matrix["effect"] == effect) & (matrix["stance"] == stance)]
    assert len(row) == 1
    return int(row[column].iloc[0])


def test_matrix_counts_respondents_not_codings_and_includes_descendants(tiny):
    m = effects_matrix(*tiny, when="today")
    assert _cell(m, "trust", "negative", "group_7") == 1  # A: two codings, one respondent
    assert _cell(m, "trust", "positive", "group_8") == 1
    assert _cell(m, "trust", "positive", "group_9") == 1
    assert _cell(m, "coordination", "negative", "total") == 0


def test_ambiguous_respondents_count_as_ungrouped_and_in_the_total(tiny):
    m = effects_matrix(*tiny, when="today")
    assert _cell(m, "trust", "negative", "ungrouped") == 1  # D
    assert _cell(m, "trust", "negative", "total") == 2  # A and D; the observation counts nowhere
    assert list(m.columns) == ["section", "effect", "when", "stance", "code", "label_nl",
                               "group_7", "group_8", "group_9", "ungrouped", "total"]


def test_rows_follow_the_codebook_analysis_section(tiny):
    today = effects_matrix(*tiny, when="today")
    assert today[["effect", "stance"]].values.tolist() == [
        ["trust", "negative"], ["trust", "positive"], ["coordination", "negative"], ["coordination", "positive"]]
    wams = effects_matrix(*tiny, when="wams")
    assert wams[["section", "stance"]].values.tolist() == [
        ["effects", "improves"], ["effects", "same"], ["effects", "improves"], ["effects", "same"],
        ["wams_details", "coordination_approach"], ["wams_other", "privacy_risk"],
        ["wams_other", "professional_secrecy"]]
    assert _cell(wams, "coordination", "improves", "group_9") == 1  # via the approach child code
    assert _cell(wams, "wams_details", "coordination_approach", "group_9") == 1
    assert _cell(wams, "wams_other", "privacy_risk", "group_8") == 1


def test_respondent_effects_booleans(tiny):
    t = respondent_effects(*tiny).set_index("respondent")
    assert t.loc["A", "trust.today.negative"] and not t.loc["A", "trust.today.positive"]
    assert t.loc["A", "trust.wams.improves"]
    assert t.loc["C", "wams_details.coordination_approach"] and t.loc["C", "coordination.wams.improves"]
    assert not t["wams_other.professional_secrecy"].any()
    assert t.loc["D", "status"] == "ambiguous" and t.loc["D", "group"] is pd.NA
    assert t.index.tolist() == ["A", "B", "C", "D"]


def test_every_cell_is_backed_by_its_evidence_rows(tiny):
    corp, cb, cod = tiny
    for when in ("today", "wams"):
        m = effects_matrix(corp, cb, cod, when=when)
        ev = effect_evidence(corp, cb, cod, when=when)
        for row in m.itertuples(index=False):
            cell = ev[(ev["effect"] == row.effect) & (ev["stance"] == row.stance)]
            for gid in (7, 8, 9):
                n = cell.loc[(cell["group"] == gid).fillna(False), "respondent"].nunique()
                assert n == getattr(row, f"group_{gid}")
            assert cell["respondent"].nunique() == row.total


def test_evidence_carries_the_quote_and_is_sorted(tiny):
    corp, cb, cod = tiny
    ev = effect_evidence(corp, cb, cod, when="today")
    a = ev[(ev["respondent"] == "A") & (ev["stance"] == "negative")]
    assert a["code"].tolist() == ["eff.trust.now.neg", "eff.trust.now.neg.avoid"]
    assert a["quote"].tolist() == [corp.documents["A"].text[20:40], corp.documents["A"].text[50:60]]
    assert "OBS" not in set(ev["document"])
    assert list(ev.columns) == ["section", "effect", "when", "stance", "document", "respondent", "label",
                                "group", "code", "start", "end", "quote"]
    shuffled = cod.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(effect_evidence(corp, cb, shuffled, when="today"), ev)


def test_evidence_of_nothing_is_an_empty_table(tiny):
    corp, cb, _ = tiny
    ev = effect_evidence(corp, cb, codings(("A", 0, 10, "legal")))
    assert ev.empty and "quote" in ev.columns


def test_precomputed_groups_are_used():
    from altena_qca.analysis.typology import assign_groups
    corp, cb = corpus(PEOPLE), codebook()
    groups = assign_groups(corp, cb, CODINGS).assign(group=pd.array([9, 9, 9, 9], dtype="Int64"))
    m = effects_matrix(corp, cb, CODINGS, groups, when="today")
    assert _cell(m, "trust", "negative", "group_9") == 2


def test_bad_arguments():
    with pytest.raises(ValueError, match="when"):
        effect_rows(codebook(), "tomorrow")
    with pytest.raises(CodebookError, match="E210"):
        effect_rows(codebook(effects={}))
    with pytest.raises(CodebookError, match="E207"):
        effect_rows(codebook(effects={"trust": {"today": {"negative": "no.such.code"}}}))
