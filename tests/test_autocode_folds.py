"""run's auto-coding checks on a study with many respondents: folds of whole respondents, not N fits."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest
from conftest import bundled_subset

from altena_qca import load_study
from altena_qca.analysis import autocode as A
from altena_qca.coding import experiment as X

KEEP = ("R01", "R04", "R09", "R12")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    data = bundled_subset(tmp_path_factory.mktemp("folds") / "study", KEEP)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_study(data, cache=False)


def test_as_many_folds_as_respondents_is_leave_one_out(study):
    loo = X.crossval_by_method(study, ["rules"])
    same = X.crossval_by_method(study, ["rules"], folds=len(KEEP))
    pd.testing.assert_frame_equal(loo["rules"], same["rules"])


def test_each_fold_is_coded_by_a_coder_that_never_saw_it(study, monkeypatch):
    seen = []
    real = X.heldout_suggestions

    def spy(s, methods, *, test=None, **kw):
        seen.append(sorted(test))
        out = real(s, methods, test=test, **kw)
        docs = {d.id for d in s.corpus if d.respondent in set(test)}
        assert all(set(frame["document"]) <= docs for frame in out.values())  # only the held-out set
        return out
    monkeypatch.setattr(X, "heldout_suggestions", spy)
    two = X.crossval_by_method(study, ["rules"], folds=2)["rules"]
    assert seen == [["R01", "R09"], ["R04", "R12"]]
    assert set(two["document"]) <= set(study.corpus.documents)
    assert {study.corpus.documents[d].respondent for d in two["document"]} == set(KEEP)


def test_the_run_tables_use_folds_above_the_limit(study, monkeypatch):
    calls = []
    monkeypatch.setattr(A, "crossval_by_method", lambda s, methods, folds=None, train_max=None: calls.append(folds)
                        or {m: s.codings.iloc[:0] for m in methods})
    monkeypatch.setattr(A, "holdout_report", lambda s, **kw: pd.DataFrame())
    monkeypatch.setattr(A, "suggest", lambda *a, **k: study.codings.iloc[:0])
    monkeypatch.setattr(A, "LEAVE_ONE_OUT_MAX", 3)
    A.autocode_tables(study)
    monkeypatch.setattr(A, "LEAVE_ONE_OUT_MAX", 20)
    A.autocode_tables(study)
    assert calls == [A.FOLDS, None]


def test_every_coder_trains_on_at_most_train_max_respondents(study, monkeypatch):
    """A very large study: each fit sees a fixed, spread choice of TRAIN_MAX coded respondents (one fit's
    cost stops growing), never a held-out one; observations still train."""
    trained = []
    real = X.training_data

    def spy(corpus, codings, *, documents=None, **kw):
        docs = list(documents) if documents is not None else list(corpus.documents)
        trained.append({corpus.documents[d].respondent for d in docs if d in set(codings["document"])} - {None})
        return real(corpus, codings, documents=docs, **kw)
    monkeypatch.setattr(X, "training_data", spy)
    out = X.heldout_suggestions(study, ["rules"], test=["R01"], train_max=2)
    assert trained == [{"R04", "R12"}]                               # R04, R09, R12 dealt every 2nd
    assert {study.corpus.documents[d].respondent for d in out["rules"]["document"]} <= {"R01"}
    trained.clear()
    X.heldout_suggestions(study, ["rules"], test=["R01"])            # no bound: every other respondent
    assert trained == [{"R04", "R09", "R12"}]
    assert X.training_respondents(["R3", "R1", "R2", "R4"], 2) == ["R1", "R3"]
