"""Code-document tables: counts, row/column shares, by respondent, document, group and side."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from _analysis_synth import codebook, codings, corpus

from altena_qca.analysis.frequencies import code_document_long, code_document_table

PEOPLE = [("B", "consulent", "extern"), ("A", "regisseur", "intern"), ("C", "verpleegkundige", "extern")]
CODINGS = codings(
    ("A", 0, 10, "prob.few"), ("A", 20, 30, "legal"), ("A", 40, 50, "legal"), ("A", 60, 70, "prob.few.slow"),
    ("B", 0, 10, "prob.many"), ("B", 20, 30, "legal"),
    ("C", 0, 10, "prob.few"), ("C", 20, 30, "prob.many"),  # C: tie -> ungrouped
    ("OBS", 0, 10, "legal"),
)


@pytest.fixture
def tiny():
    return corpus(PEOPLE, observation=True), codebook(), CODINGS


def _cells(table, code, columns):
    return table.set_index("code").loc[code, columns].tolist()


def test_counts_by_respondent(tiny):
    t = code_document_table(*tiny)
    assert list(t.columns) == ["code", "label_nl", "A", "B", "C", "total"]
    assert t["code"].tolist() == [c.id for c in tiny[1]]  # every code, in codebook order
    assert _cells(t, "legal", ["A", "B", "C", "total"]) == [2, 1, 0, 3]  # the observation is no respondent
    assert _cells(t, "prob.few", ["A", "C", "total"]) == [1, 1, 2]
    assert _cells(t, "prob", ["total"]) == [0]


def test_counts_by_document_include_observations(tiny):
    t = code_document_table(*tiny, by="document")
    assert list(t.columns)[2:] == ["A", "B", "C", "OBS", "total"]
    assert _cells(t, "legal", ["OBS", "total"]) == [1, 4]


def test_row_shares(tiny):
    t = code_document_table(*tiny, values="row")
    assert _cells(t, "legal", ["A", "B", "C", "total"]) == pytest.approx([2 / 3, 1 / 3, 0, 1.0])
    empty = _cells(t, "prob.none", ["A", "total"])
    assert all(math.isnan(v) for v in empty)


def test_column_shares_are_relative_to_the_codings_of_each_unit(tiny):
    t = code_document_table(*tiny, values="column")
    assert _cells(t, "legal", ["A", "B", "C"]) == pytest.approx([2 / 4, 1 / 2, 0])
    assert _cells(t, "legal", ["total"]) == pytest.approx([3 / 8])
    shares = t[["A", "B", "C"]].sum()
    assert shares.tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_by_group_and_by_side(tiny):
    g = code_document_table(*tiny, by="group")
    assert list(g.columns)[2:] == ["group_7", "group_8", "group_9", "ungrouped", "total"]
    assert _cells(g, "prob.few", ["group_7", "ungrouped"]) == [1, 1]
    assert _cells(g, "legal", ["group_7", "group_8", "group_9"]) == [2, 1, 0]
    s = code_document_table(*tiny, by="side")
    assert list(s.columns)[2:] == ["intern", "extern", "total"]
    assert _cells(s, "prob.many", ["intern", "extern"]) == [0, 2]


def test_include_descendants_rolls_codings_up_the_tree(tiny):
    t = code_document_table(*tiny, include_descendants=True)
    assert _cells(t, "prob.few", ["A"]) == [2]  # prob.few + prob.few.slow
    assert _cells(t, "prob", ["A", "B", "C", "total"]) == [2, 1, 2, 5]
    col = code_document_table(*tiny, include_descendants=True, values="column")
    assert _cells(col, "prob", ["A"]) == pytest.approx([2 / 4])  # of A's four codings, not of the rolled rows


def test_long_form_agrees_with_the_wide_tables(tiny):
    for by in ("respondent", "group", "side"):
        long = code_document_long(*tiny, by=by)
        count = code_document_table(*tiny, by=by).set_index("code")
        row = code_document_table(*tiny, by=by, values="row").set_index("code")
        column = code_document_table(*tiny, by=by, values="column").set_index("code")
        assert (long["count"] > 0).all()
        for r in long.itertuples(index=False):
            assert r.count == count.loc[r.code, r.unit]
            assert r.row_share == pytest.approx(row.loc[r.code, r.unit])
            assert r.column_share == pytest.approx(column.loc[r.code, r.unit])
        assert long["count"].sum() == count.drop(columns=["label_nl", "total"]).to_numpy().sum()


def test_input_order_does_not_matter(tiny):
    corp, cb, cod = tiny
    shuffled = cod.sample(frac=1, random_state=1).reset_index(drop=True)
    for by in ("respondent", "group", "side"):
        pd.testing.assert_frame_equal(code_document_table(corp, cb, shuffled, by=by),
                                      code_document_table(corp, cb, cod, by=by))


def test_bad_arguments(tiny):
    with pytest.raises(ValueError, match="by"):
        code_document_table(*tiny, by="code")
    with pytest.raises(ValueError, match="values"):
        code_document_table(*tiny, values="percent")
