"""Near-duplicate groups, template-grouped splits, labelled-passage evaluation."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from altena_qca.cli import cli
from altena_qca.coding import grouped_folds, near_duplicate_groups, study_units
from altena_qca.coding.crossval import _splits


def test_copies_and_small_edits_share_a_group_distinct_texts_do_not():
    base = "[parafrase] Taken worden soms dubbel gedaan omdat we niet weten wie wat doet in het gezin."
    texts = [base, base.replace("soms", "vaak"), "Taken worden soms dubbel gedaan.",
             base.replace("[parafrase] ", ""), "De AVG is voor iedereen anders.", ""]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1] == groups[3]
    assert len({groups[0], groups[2], groups[4], groups[5]}) == 4


def test_chains_of_edits_are_one_group():
    words = [f"w{i}" for i in range(20)]
    a = " ".join(words)
    words[5] = "x"
    b = " ".join(words)  # 17 of 21 bigrams shared with a: Jaccard 0.81
    words[10], words[15] = "y", "z"
    c = " ".join(words)  # 0.65 with b, 0.52 with a
    assert near_duplicate_groups([a, b, c], threshold=0.6).tolist() == [0, 0, 0]
    assert near_duplicate_groups([a, c], threshold=0.6).tolist() == [0, 1]


@pytest.mark.parametrize("n_folds", [2, 3, 5])
def test_grouped_folds_keep_every_group_in_one_fold_and_balance_sizes(n_folds):
    rng = np.random.default_rng(1)
    groups = rng.integers(0, 40, size=300)
    folds = grouped_folds(groups, n_folds)
    for g in np.unique(groups):
        assert len(set(folds[groups == g])) == 1
    sizes = np.bincount(folds)
    assert len(sizes) == n_folds and sizes.max() - sizes.min() <= np.bincount(groups).max()


def test_no_group_on_both_sides_of_any_split():
    units = pd.DataFrame({"respondent": ["A", "A", "B", "B", "C", "C"], "group": [0, 1, 0, 2, 3, 1]})
    for scheme in ("template", "respondent"):
        for train, test in _splits(units, scheme, 2):
            assert not set(units["group"][train]) & set(units["group"][test])
            assert test.any()
    # leaving B out drops A's copy of B's template 0 from training
    train, test = list(_splits(units, "respondent", 2))[1]
    assert test.tolist() == [False, False, True, True, False, False]
    assert train.tolist() == [False, True, False, False, True, True]


def test_bundled_units_group_the_shared_paraphrase_templates(study):
    units = study_units(study)
    assert len(units) > units["group"].nunique()  # templates are shared across respondents
    spread = units.groupby("group")["respondent"].nunique()
    assert spread.max() == units["respondent"].nunique()  # some template is written for every respondent
    assert units.loc[units["quote"], "text"].str.startswith("[parafrase]").sum() == 0


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_evaluate_passages_scores_labels_and_rejects_unknown_ones(tmp_path):
    rows = [{"id": "a", "text": "Er is geen vertrouwen meer tussen de professionals.", "labels": ["trust"]},
            {"id": "b", "text": "Het weer was mooi vandaag.", "labels": []},
            {"id": "c", "text": "De AVG staat dat niet toe, daar is geen grondslag voor.", "labels": ["legal_boundary"]}]
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(cli, ["evaluate", "--passages", str(_jsonl(tmp_path / "p.jsonl", rows)),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out).set_index("label")
    assert table.loc["trust", ["support", "tp"]].tolist() == [1, 1]
    assert table.loc["legal_boundary", ["support", "tp"]].tolist() == [1, 1]
    assert table.loc["micro", "support"] == 2
    bad = _jsonl(tmp_path / "bad.jsonl", [{"id": "a", "text": "x", "labels": ["no_such_label"]}])
    result = CliRunner().invoke(cli, ["evaluate", "--passages", str(bad)])
    assert result.exit_code == 2 and "no_such_label" in result.output and "Traceback" not in result.output


def test_refit_learns_from_the_study_s_accepted_codings_and_changes_the_suggestions(study):
    from altena_qca.coding import AutoCoder, uncoded_documents

    manual = study.codings[study.codings["origin"] == "manual"]
    few = manual[manual["document"].isin(["R01"])]

    class View:  # the study as the workbench sees it after coding one respondent
        corpus, codebook, codings = study.corpus, study.codebook, few

    assert "R02" in uncoded_documents(View) and "R01" not in uncoded_documents(View)
    one = AutoCoder().refit(View)
    everything = AutoCoder().refit(study)
    texts = [study.corpus.documents["R02"].segment_text(s) for s in study.corpus.documents["R02"].segments]
    assert one.model_ is not None and set(one.model_.classes_) < set(everything.model_.classes_)
    assert one.predict(texts) != everything.predict(texts)


def test_learning_curve_scores_only_text_the_coded_respondents_do_not_have(study):
    from altena_qca.coding import learning_curve

    curve = learning_curve(study, sizes=(1, 4), draws=1, methods=("rules",))
    assert list(curve["coded_respondents"].unique()) == [1, 4]
    assert set(curve["passages"]) == {"all", "quotes"}
    all_rows = curve[curve["passages"] == "all"].set_index("coded_respondents")
    # more coded respondents: fewer unseen turns left to score
    assert all_rows.loc[4, "units"] < all_rows.loc[1, "units"]
    assert curve["f1"].between(0, 1).all()
