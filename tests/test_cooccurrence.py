"""Co-occurrence: overlap semantics, c-coefficient, flags, filters, sparse == pairwise."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _analysis_synth import codebook, codings, corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altena_qca.analysis.cooccurrence import (
    _cooccurrence_pairwise,
    _cooccurrence_sparse,
    cooccurrence_matrix,
    cooccurrence_table,
    effect_cooccurrence,
)
from altena_qca.analysis.selection import coding_parts, filter_codings
from altena_qca.errors import CodebookError
from altena_qca.model import make_codings

PEOPLE = [("A", "regisseur", "intern"), ("B", "consulent", "extern"), ("C", "verpleegkundige", "extern")]


def _pair(table, a, b):
    a, b = sorted((a, b))
    row = table[(table["code1"] == a) & (table["code2"] == b)]
    return None if row.empty else row.iloc[0]


def _n12(rows, level="segment"):
    t = cooccurrence_table(corpus(PEOPLE), codebook(), codings(*rows), level=level)
    row = _pair(t, "legal", "prob.few")
    return 0 if row is None else int(row["n12"])


@pytest.mark.parametrize("a, b, expected", [
    ((10, 30), (20, 40), 1),   # partial overlap
    ((10, 50), (20, 30), 1),   # a encloses b
    ((20, 30), (10, 50), 1),   # a within b
    ((10, 30), (10, 30), 1),   # one quotation with two codes
    ((10, 30), (10, 20), 1),   # same start, enclosed
    ((10, 30), (29, 40), 1),   # one character in common
    ((10, 30), (30, 40), 0),   # touching is not overlapping
    ((10, 20), (60, 70), 0),   # apart
])
def test_segment_overlap_semantics(a, b, expected):
    assert _n12([("A", *a, "legal"), ("A", *b, "prob.few")]) == expected


def test_same_span_in_different_documents_does_not_co_occur_at_segment_level():
    rows = [("A", 10, 30, "legal"), ("B", 10, 30, "prob.few")]
    assert _n12(rows) == 0
    assert _n12(rows, "document") == 0
    assert _n12([("A", 10, 30, "legal"), ("A", 100, 130, "prob.few")], "document") == 1


def test_c_coefficient_values():
    # legal: 4 codings, prob.few: 2 codings, 2 overlapping pairs -> c = 2 / (4 + 2 - 2) = 0.5
    rows = [("A", 0, 10, "legal"), ("A", 20, 30, "legal"), ("A", 40, 50, "legal"), ("A", 60, 70, "legal"),
            ("A", 5, 8, "prob.few"), ("A", 25, 28, "prob.few")]
    row = _pair(cooccurrence_table(corpus(PEOPLE), codebook(), codings(*rows)), "legal", "prob.few")
    assert (row["n1"], row["n2"], row["n12"]) == (4, 2, 2)
    assert row["c"] == pytest.approx(0.5)
    assert not row["frequency_flag"] and not row["out_of_range"]
    # document level: legal in A, B, C; prob.few in A, B -> c = 2 / (3 + 2 - 2)
    rows = [("A", 0, 10, "legal"), ("B", 0, 10, "legal"), ("C", 0, 10, "legal"),
            ("A", 50, 60, "prob.few"), ("B", 50, 60, "prob.few")]
    row = _pair(cooccurrence_table(corpus(PEOPLE), codebook(), codings(*rows), level="document"), "legal", "prob.few")
    assert (row["n1"], row["n2"], row["n12"]) == (3, 2, 2)
    assert row["c"] == pytest.approx(2 / 3)


@pytest.mark.parametrize("n_legal, flagged", [(10, False), (11, True)])
def test_frequency_flag_when_one_code_is_more_than_five_times_as_frequent(n_legal, flagged):
    rows = [("A", 10 * i, 10 * i + 5, "legal") for i in range(n_legal)]
    rows += [("A", 0, 5, "prob.few"), ("A", 10, 15, "prob.few")]
    row = _pair(cooccurrence_table(corpus(PEOPLE, length=400), codebook(), codings(*rows)), "legal", "prob.few")
    assert (row["n1"], row["n2"]) == (n_legal, 2)
    assert bool(row["frequency_flag"]) is flagged


def test_one_long_coding_enclosing_several_is_out_of_range():
    rows = [("A", 0, 100, "legal"), ("A", 10, 20, "prob.few"), ("A", 30, 40, "prob.few")]
    row = _pair(cooccurrence_table(corpus(PEOPLE), codebook(), codings(*rows)), "legal", "prob.few")
    assert (row["n1"], row["n2"], row["n12"]) == (1, 2, 2)
    assert row["out_of_range"] and row["c"] == pytest.approx(2.0)
    rows = [("A", 0, 100, "legal"), ("A", 5, 95, "legal"), ("A", 10, 20, "prob.few"), ("A", 30, 40, "prob.few")]
    row = _pair(cooccurrence_table(corpus(PEOPLE), codebook(), codings(*rows)), "legal", "prob.few")
    assert row["n12"] == 4 and row["out_of_range"] and math.isnan(row["c"])  # 4 / (2 + 2 - 4)


def test_identical_codings_from_two_coders_count_once():
    rows = [("A", 10, 30, "legal", "anna"), ("A", 10, 30, "legal", "bert"), ("A", 10, 30, "prob.few")]
    row = _pair(cooccurrence_table(corpus(PEOPLE), codebook(), codings(*rows)), "legal", "prob.few")
    assert (row["n1"], row["n2"], row["n12"]) == (1, 1, 1)


FILTER_ROWS = [
    ("A", 0, 10, "prob.few"), ("A", 0, 10, "legal"), ("A", 250, 260, "legal"), ("A", 250, 260, "other.privacy"),
    ("B", 0, 10, "prob.many"), ("B", 0, 10, "legal"),
    ("C", 0, 10, "prob.none"), ("C", 250, 260, "legal"), ("C", 250, 260, "other.privacy"),
]


def test_filters_by_group_side_and_part():
    corp, cb, cod = corpus(PEOPLE), codebook(), codings(*FILTER_ROWS)
    everything = cooccurrence_table(corp, cb, cod)
    assert _pair(everything, "legal", "other.privacy")["n12"] == 2
    g7 = cooccurrence_table(corp, cb, cod, group=7)  # only A
    assert _pair(g7, "legal", "other.privacy")["n12"] == 1 and _pair(g7, "legal", "prob.many") is None
    extern = cooccurrence_table(corp, cb, cod, side="extern")  # B and C
    assert _pair(extern, "legal", "prob.many")["n12"] == 1 and _pair(extern, "legal", "prob.few") is None
    part4 = cooccurrence_table(corp, cb, cod, part=4)  # second half of each document
    assert set(zip(part4["code1"], part4["code2"])) == {("legal", "other.privacy")}
    both = cooccurrence_table(corp, cb, cod, group=[7, 9], part=[4], level="document")
    assert _pair(both, "legal", "other.privacy")["n12"] == 2


def test_unknown_group_is_an_error():
    with pytest.raises(CodebookError, match="no typology group 5"):
        filter_codings(corpus(PEOPLE), codebook(), codings(*FILTER_ROWS), group=5)


def test_coding_parts_use_the_segment_the_coding_starts_in():
    corp = corpus(PEOPLE)  # segments 0-200 part 3, 200-400 part 4
    cod = codings(("A", 0, 10, "legal"), ("A", 199, 210, "legal"), ("A", 200, 210, "legal"), ("B", 399, 400, "legal"))
    assert coding_parts(corp, cod).tolist() == [3, 3, 4, 4]
    corp.documents["B"].segments = []
    assert coding_parts(corp, cod).tolist() == [3, 3, 4, 0]


def test_include_descendants_counts_children_for_parents_and_drops_own_lineage():
    rows = [("A", 0, 10, "prob.few.slow"), ("A", 0, 10, "legal"), ("B", 0, 10, "prob.few"), ("B", 0, 10, "legal")]
    corp, cb = corpus(PEOPLE), codebook()
    plain = cooccurrence_table(corp, cb, codings(*rows))
    assert _pair(plain, "legal", "prob.few")["n12"] == 1
    rolled = cooccurrence_table(corp, cb, codings(*rows), include_descendants=True)
    assert _pair(rolled, "legal", "prob.few")["n12"] == 2
    assert _pair(rolled, "legal", "prob")["n12"] == 2
    assert _pair(rolled, "prob", "prob.few") is None and _pair(rolled, "prob.few", "prob.few.slow") is None


def test_effect_cooccurrence_is_the_full_problem_by_stance_rectangle():
    rows = [("A", 0, 10, "prob.few"), ("A", 50, 60, "eff.trust.now.neg.avoid"),
            ("B", 0, 10, "prob.many"), ("B", 5, 15, "eff.trust.now.pos")]
    corp, cb, cod = corpus(PEOPLE), codebook(), codings(*rows)
    doc = effect_cooccurrence(corp, cb, cod, "trust")
    assert len(doc) == 3 * 4  # three groups x (two today + two wams stances)
    assert doc[["group", "stance"]].drop_duplicates().shape[0] == 12
    hit = doc[(doc["group"] == 7) & (doc["stance"] == "negative")].iloc[0]
    assert (hit["n1"], hit["n2"], hit["n12"], hit["c"]) == (1, 1, 1, 1.0)
    seg = effect_cooccurrence(corp, cb, cod, "trust", level="segment", when="today")
    assert seg.loc[seg["n12"] > 0, ["group", "stance"]].values.tolist() == [[8, "positive"]]
    assert (seg["level"] == "segment").all() and set(seg["when"]) == {"today"}
    with pytest.raises(CodebookError, match="no effect 'mood'"):
        effect_cooccurrence(corp, cb, cod, "mood")


def test_cooccurrence_matrix_is_symmetric_with_frequencies_on_the_diagonal():
    rows = [("A", 0, 10, "legal"), ("A", 0, 10, "prob.few"), ("A", 5, 20, "other.privacy"), ("A", 50, 60, "legal")]
    t = cooccurrence_table(corpus(PEOPLE), codebook(), codings(*rows))
    m = cooccurrence_matrix(t)
    assert m.index.tolist() == m.columns.tolist() == ["legal", "other.privacy", "prob.few"]
    assert (m.values == m.values.T).all()
    assert m.loc["legal", "legal"] == 2 and m.loc["legal", "prob.few"] == 1 and m.loc["other.privacy", "prob.few"] == 1


def test_output_does_not_depend_on_input_order():
    rows = FILTER_ROWS + [("A", 5, 30, "other.secrecy"), ("B", 2, 4, "other.privacy")]
    corp, cb = corpus(PEOPLE), codebook()
    ref = cooccurrence_table(corp, cb, codings(*rows))
    for seed in range(5):
        shuffled = codings(*rows).sample(frac=1, random_state=seed).reset_index(drop=True)
        pd.testing.assert_frame_equal(cooccurrence_table(corp, cb, shuffled), ref)
    assert list(ref[["code1", "code2"]].itertuples(index=False)) == sorted(ref[["code1", "code2"]].itertuples(index=False))


# ---------------------------------------------------------------- sparse == pairwise

def _random_codings(seed: int, n: int, docs: int, codes: int, length: int, max_span: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = rng.integers(0, length, n)
    return make_codings(pd.DataFrame({
        "document": [f"D{i}" for i in rng.integers(0, docs, n)], "start": start,
        "end": start + rng.integers(1, max_span + 1, n), "code": [f"c{i:02d}" for i in rng.integers(0, codes, n)]}))


@pytest.mark.parametrize("level", ["segment", "document"])
@pytest.mark.parametrize("seed, n, docs, codes, length, max_span", [
    (0, 300, 5, 8, 1000, 60), (1, 500, 3, 20, 400, 200), (2, 200, 1, 4, 50, 10), (3, 50, 10, 3, 100, 100),
    (4, 400, 7, 12, 5000, 5),
])
def test_sparse_equals_pairwise_on_random_data(level, seed, n, docs, codes, length, max_span):
    cod = _random_codings(seed, n, docs, codes, length, max_span)
    pd.testing.assert_frame_equal(_cooccurrence_sparse(cod, level), _cooccurrence_pairwise(cod, level))


@pytest.mark.parametrize("dense_cells, key_limit", [(0, 1 << 62), (1 << 22, 0), (0, 0)])
def test_sparse_fallback_paths_equal_pairwise(monkeypatch, dense_cells, key_limit):
    """Many codes (sparse pair counts) and huge offsets (four-key sort) give the same result."""
    import altena_qca.analysis.cooccurrence as module
    monkeypatch.setattr(module, "_DENSE_CELLS", dense_cells)
    monkeypatch.setattr(module, "_KEY_LIMIT", key_limit)
    for seed in range(3):
        cod = _random_codings(seed, 300, 4, 10, 500, 80)
        pd.testing.assert_frame_equal(_cooccurrence_sparse(cod), _cooccurrence_pairwise(cod))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["D1", "D2"]), st.integers(0, 30), st.integers(1, 12),
                          st.sampled_from(["a", "b", "c", "d"])), max_size=40),
       st.sampled_from(["segment", "document"]))
def test_sparse_equals_pairwise_property(rows, level):
    cod = make_codings([{"document": d, "start": s, "end": s + w, "code": c} for d, s, w, c in rows])
    pd.testing.assert_frame_equal(_cooccurrence_sparse(cod, level), _cooccurrence_pairwise(cod, level))


def test_empty_codings_give_empty_tables():
    empty = make_codings([])
    for level in ("segment", "document"):
        assert _cooccurrence_sparse(empty, level).empty and _cooccurrence_pairwise(empty, level).empty
    assert cooccurrence_table(corpus(PEOPLE), codebook(), empty).empty


def test_bad_level():
    with pytest.raises(ValueError, match="level"):
        cooccurrence_table(corpus(PEOPLE), codebook(), codings(*FILTER_ROWS), level="paragraph")
