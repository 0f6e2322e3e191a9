"""Intercoder agreement: Cohen's κ and Krippendorff's α per code and overall.

Two coders (two students coding the same transcript; a person and the
auto-coder) are compared at segment level: for every segment of the documents
both coded and every code, each coder either applied the code (or one of its
descendants) to the segment or did not. Per code that gives two binary
ratings per segment; κ comes from :func:`sklearn.metrics.cohen_kappa_score`
and α (nominal) from the ``krippendorff`` package. ``overall`` pools the
segment × code decisions of all codes. When neither coder varies for a code
(both never used it), κ and α are undefined and reported as NaN.

Examples
--------
>>> import numpy as np
>>> from altena_qca.model import Code, Codebook, Corpus, Document, Segment, make_codings
>>> text = "R: a. R: b. R: c. R: d."
>>> segs = [Segment("D", i, "respondent", 3, 6 * i, 6 * i + 5) for i in range(4)]
>>> corpus = Corpus({"D": Document("D", text, segments=segs)})
>>> cb = Codebook([Code("t", "Vertrouwen")])
>>> a = make_codings([{"document": "D", "start": 6 * i, "end": 6 * i + 5, "code": "t"} for i in (0, 3)])
>>> b = make_codings([{"document": "D", "start": 6 * i, "end": 6 * i + 5, "code": "t"} for i in (0, 2, 3)])
>>> table = intercoder_agreement(a, b, corpus, cb).set_index("code")
>>> float(table.loc["t", "kappa"]), round(float(table.loc["t", "alpha"]), 4)
(0.5, 0.5333)

References
----------
.. [1] J. Cohen, "A coefficient of agreement for nominal scales",
   Educational and Psychological Measurement 20(1), 1960.
   https://doi.org/10.1177/001316446002000104
.. [2] K. Krippendorff, Content Analysis: An Introduction to Its Methodology,
   4th ed., SAGE, 2018, ch. 12.
"""
from __future__ import annotations

from collections.abc import Iterable

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from ..errors import Errors, InputError
from ..model import Codebook, Corpus
from .evaluate import segment_code_sets

__all__ = ["AGREEMENT_COLUMNS", "kappa_alpha", "intercoder_agreement", "agreement_by_coder"]

AGREEMENT_COLUMNS = ["code", "units", "a_positive", "b_positive", "both", "observed", "kappa", "alpha"]


def kappa_alpha(a: Iterable[int], b: Iterable[int]) -> tuple[float, float]:
    """Cohen's κ and Krippendorff's α (nominal) of two raters' labels.

    Returns NaN for both when there is a single value in all ratings.

    Examples
    --------
    >>> kappa_alpha([1, 0, 0, 1], [1, 0, 1, 1])
    (0.5, 0.5333)
    """
    a, b = np.asarray(list(a)), np.asarray(list(b))
    if len(a) != len(b):
        raise ValueError(f"the raters rated {len(a)} and {len(b)} units")
    if len(a) == 0 or len(np.unique(np.concatenate([a, b]))) < 2:
        return float("nan"), float("nan")
    if len(np.unique(a)) < 2 and len(np.unique(b)) < 2:  # each constant, but different: no chance model
        kappa = 0.0
    else:
        kappa = float(cohen_kappa_score(a, b))
    alpha = float(krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float),
                                     level_of_measurement="nominal"))
    return round(kappa, 4), round(alpha, 4)


def intercoder_agreement(codings_a: pd.DataFrame, codings_b: pd.DataFrame, corpus: Corpus, codebook: Codebook, *,
              codes: Iterable[str] | None = None, documents: Iterable[str] | None = None,
              speakers: Iterable[str] | None = ("respondent", "observer")) -> pd.DataFrame:
    """κ and α per code and overall between two coders' codings, at segment level.

    Parameters
    ----------
    codings_a, codings_b : DataFrame
        The two coders' codings (``document``, ``start``, ``end``, ``code``).
    corpus, codebook
        Documents (for their segments) and the code tree (a code counts as
        applied when it or a descendant is).
    codes : iterable of str, optional
        Codes to compare; default every code either coder used.
    documents : iterable of str, optional
        Documents to compare; default those both coders coded.
    speakers : iterable of str, optional
        Speakers whose segments are units (None: all segments).

    Returns
    -------
    DataFrame
        :data:`AGREEMENT_COLUMNS`: one row per code, then ``overall``.
        ``observed`` is the share of units on which the coders agree.

    Raises
    ------
    InputError
        When the two coders have no document in common.
    """
    if documents is None:
        documents = sorted(set(codings_a["document"]) & set(codings_b["document"]))
    documents = list(documents)
    if not documents:
        raise InputError(Errors.E210.format(path="agreement", reason="the two coders coded no document in common"))
    ua = segment_code_sets(codings_a, corpus, codebook, documents=documents, speakers=speakers)
    ub = segment_code_sets(codings_b, corpus, codebook, documents=documents, speakers=speakers)
    units = sorted(ua)
    if codes is None:
        codes = sorted(set(codings_a["code"]) | set(codings_b["code"]))
    rows, pooled_a, pooled_b = [], [], []
    for code in codes:
        a = np.array([code in ua[u] for u in units], dtype=int)
        b = np.array([code in ub.get(u, set()) for u in units], dtype=int)
        pooled_a.append(a)
        pooled_b.append(b)
        rows.append(_row(code, a, b))
    if rows:
        rows.append(_row("overall", np.concatenate(pooled_a), np.concatenate(pooled_b)))
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def _row(code: str, a: np.ndarray, b: np.ndarray) -> dict:
    kappa, alpha = kappa_alpha(a, b)
    return {"code": code, "units": len(a), "a_positive": int(a.sum()), "b_positive": int(b.sum()),
            "both": int((a & b).sum()), "observed": round(float((a == b).mean()), 4) if len(a) else float("nan"),
            "kappa": kappa, "alpha": alpha}


def agreement_by_coder(codings: pd.DataFrame, corpus: Corpus, codebook: Codebook, coder_a: str,
                             coder_b: str, **kwargs) -> pd.DataFrame:
    """:func:`intercoder_agreement` between two values of the ``coder`` column of one table.

    Raises
    ------
    InputError
        When either coder has no codings.
    """
    known = sorted(set(codings["coder"]))
    for coder in (coder_a, coder_b):
        if coder not in known:
            raise InputError(Errors.E125.format(path="codings", line="-", value=coder, column="coder",
                                                reason=f"no codings by this coder; coders: {known}"))
    return intercoder_agreement(codings[codings["coder"] == coder_a], codings[codings["coder"] == coder_b],
                     corpus, codebook, **kwargs)
