"""Cohen's kappa and Krippendorff's alpha on tiny examples computed by hand."""
from __future__ import annotations

import math

import pytest

from altena_qca.coding import agreement_by_coder, intercoder_agreement, kappa_alpha
from altena_qca.errors import InputError
from altena_qca.model import Code, Codebook, Corpus, Document, Segment, make_codings


def test_kappa_and_alpha_by_hand():
    # a = 1 0 0 1, b = 1 0 1 1: observed agreement 3/4; chance (1/2)(3/4) + (1/2)(1/4) = 1/2
    # kappa = (3/4 - 1/2) / (1 - 1/2) = 1/2
    # alpha: pooled values 5 ones, 3 zeros (n = 8); one disagreeing unit -> D_o = 2/8;
    # D_e = 2 * 5 * 3 / (8 * 7) = 30/56; alpha = 1 - (2/8) / (30/56) = 8/15
    assert kappa_alpha([1, 0, 0, 1], [1, 0, 1, 1]) == (0.5, round(8 / 15, 4))
    assert kappa_alpha([1, 0, 1, 0], [1, 0, 1, 0]) == (1.0, 1.0)
    # systematic disagreement: kappa -1; alpha 1 - (8/8) / (2*4*4/(8*7)) = 1 - 7/4
    assert kappa_alpha([1, 0, 1, 0], [0, 1, 0, 1]) == (-1.0, -0.75)


def test_undefined_when_neither_coder_varies():
    kappa, alpha = kappa_alpha([0, 0, 0], [0, 0, 0])
    assert math.isnan(kappa) and math.isnan(alpha)
    with pytest.raises(ValueError):
        kappa_alpha([1, 0], [1])


TEXT = "".join(f"R: turn {i}\n" for i in range(4))
CORPUS = Corpus({"D": Document("D", TEXT, segments=[Segment("D", i, "respondent", 3, 10 * i, 10 * i + 9)
                                                       for i in range(4)])})
CB = Codebook([Code("t", "Vertrouwen"), Code("t.neg", "Minder", parent="t"), Code("r", "Relaties")])


def _c(coder, *rows):
    return make_codings([{"document": "D", "start": 10 * s + 3, "end": 10 * s + 9, "code": c, "coder": coder}
                         for s, c in rows])


def test_per_code_and_overall_at_segment_level():
    a = _c("anna", (0, "t"), (3, "t"), (1, "r"))
    b = _c("bert", (0, "t.neg"), (2, "t"), (3, "t"), (1, "r"))  # t.neg counts as t
    table = intercoder_agreement(a, b, CORPUS, CB, codes=["t", "r"]).set_index("code")
    assert table.loc["t", ["units", "a_positive", "b_positive", "both"]].tolist() == [4, 2, 3, 2]
    assert table.loc["t", ["kappa", "alpha"]].tolist() == [0.5, round(8 / 15, 4)]
    assert table.loc["r", ["kappa", "alpha", "observed"]].tolist() == [1.0, 1.0, 1.0]
    # overall pools the 8 decisions: a = 1 0 0 1 | 0 1 0 0, b = 1 0 1 1 | 0 1 0 0
    assert table.loc["overall", ["units", "kappa", "alpha"]].tolist() == [8, *kappa_alpha(
        [1, 0, 0, 1, 0, 1, 0, 0], [1, 0, 1, 1, 0, 1, 0, 0])]


def test_by_coder_column_and_clear_errors():
    both = make_codings(list(_c("anna", (0, "t")).to_dict("records")) + list(_c("bert", (0, "t")).to_dict("records")))
    table = agreement_by_coder(both, CORPUS, CB, "anna", "bert").set_index("code")
    assert math.isnan(table.loc["t", "kappa"]) is False and table.loc["t", "observed"] == 1.0
    with pytest.raises(InputError, match="no codings by this coder"):
        agreement_by_coder(both, CORPUS, CB, "anna", "carla")
    with pytest.raises(InputError, match="no document in common"):
        intercoder_agreement(_c("anna", (0, "t")), _c("bert", (0, "t")).assign(document="X"), CORPUS, CB)


def test_a_coder_agrees_with_itself_on_the_bundled_study(study):
    manual = study.codings
    docs = sorted(set(manual["document"]))[:3]
    table = intercoder_agreement(manual, manual.copy(), study.corpus, study.codebook, documents=docs)
    overall = table.set_index("code").loc["overall"]
    assert overall["kappa"] == 1.0 and overall["alpha"] == 1.0 and overall["observed"] == 1.0
