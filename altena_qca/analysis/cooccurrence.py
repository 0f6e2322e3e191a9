"""Code co-occurrence at segment and document level, with the c-coefficient.

Two levels, as the thesis and ATLAS.ti use them:

segment
    Two codings co-occur when they lie in the same document and their
    character spans overlap — partly, or one encloses the other, or they
    are the same span (one quotation with two codes), as ATLAS.ti counts
    co-occurring quotations. ``n12`` is the number of such pairs of codings
    with the two codes; ``n1`` is the number of codings of code 1. Spans
    that only touch (``end == start``) do not overlap.
document
    Two codes co-occur when both occur in the same document (the thesis's
    *gelijktijdigheid* within one interview). ``n12`` is the number of
    documents with both codes, ``n1`` the number of documents with code 1.

Identical codings (same document, span and code, e.g. from two coders) count
once. The c-coefficient is ``c = n12 / (n1 + n2 - n12)`` (0: never together,
1: always together). At segment level one long coding can overlap several
codings of the other code, so ``n12`` can exceed ``min(n1, n2)``; ATLAS.ti
marks such cells as out of range, and so does ``out_of_range`` here (``c``
is NaN when its denominator is not positive). ``frequency_flag`` marks pairs
where one code is more than five times as frequent as the other, where c
understates the relation.

The counts are sparse-matrix products. Document level: ``X`` is the
incidence matrix documents × codes (1 where the code occurs) and
``n12 = offdiag(XᵀX)``. Segment level: the units are the distinct codings,
``X`` their one-hot incidence matrix codings × codes and ``P`` the upper
triangle of overlapping pairs, found per document by one sort on (document,
start) and a ``searchsorted`` sweep (coding i overlaps every later coding j
of its document with ``start_j < end_i``); ``n12 = offdiag(XᵀPX + (XᵀPX)ᵀ)``.
For a one-hot ``X``, ``XᵀPX`` is the sum over the overlapping pairs of
``(code_i, code_j)``, so it is built directly from the pair list (a
``bincount``, or a COO matrix for very many codes) instead of two sparse
products. No Python loop runs over codings. ``_cooccurrence_pairwise`` is
the plain pairwise loop, kept as the reference the tests and the benchmark
compare against.

Filters (typology group, side, interview part) come from
:mod:`altena_qca.analysis.selection`.

References
----------
.. [1] ATLAS.ti Windows manual, 'Code Co-occurrence Coefficient'
   (c-coefficient, the 5× frequency marker, out-of-range values).
.. [2] Altena thesis (2023), section 3.3 (analysis in ATLAS.ti 23).
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import CodebookError, Errors
from ..model import Codebook, Corpus
from .effects import effect_rows
from .selection import _roll_up, filter_codings
from .typology import typology_groups

__all__ = ["LEVELS", "cooccurrence_table", "cooccurrence_matrix", "effect_cooccurrence"]

#: The two co-occurrence levels.
LEVELS = ("segment", "document")
_COUNT_COLUMNS = ["code1", "code2", "n1", "n2", "n12"]
_DENSE_CELLS = 1 << 22  # up to ~2,000 codes the pair counts fit a dense array (32 MB)
_KEY_LIMIT = 1 << 62  # document, start, end and code packed into one int64 sort key below this


# ---------------------------------------------------------------- counting

def _encode(codings: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Integer document, start, end and code per coding; code ids sorted."""
    doc, _ = pd.factorize(codings["document"].to_numpy(), sort=True)
    code, codes = pd.factorize(codings["code"].to_numpy(), sort=True)
    return (doc.astype(np.int64), codings["start"].to_numpy(dtype=np.int64),
            codings["end"].to_numpy(dtype=np.int64), code.astype(np.int64), np.asarray(codes, dtype=object))


def _to_frame(codes: np.ndarray, n: np.ndarray, pairs: sparse.spmatrix) -> pd.DataFrame:
    coo = sparse.triu(pairs, k=1).tocoo()
    keep = coo.data > 0
    i, j, v = coo.row[keep], coo.col[keep], coo.data[keep]
    order = np.lexsort((j, i))
    i, j, v = i[order], j[order], v[order]
    return pd.DataFrame({"code1": codes[i], "code2": codes[j], "n1": n[i].astype(np.int64),
                         "n2": n[j].astype(np.int64), "n12": v.astype(np.int64)}, columns=_COUNT_COLUMNS)


def _cooccurrence_sparse(codings: pd.DataFrame, level: str = "segment") -> pd.DataFrame:
    """Co-occurrence counts by sparse matrix products (see module docstring).

    Returns ``code1, code2, n1, n2, n12`` for every pair with ``n12 > 0``,
    code ids sorted, ``code1 < code2``.
    """
    _check_level(level)
    if not len(codings):
        return pd.DataFrame(columns=_COUNT_COLUMNS).astype({c: "int64" for c in _COUNT_COLUMNS[2:]})
    doc, start, end, code, codes = _encode(codings)
    k = len(codes)
    if level == "document":
        x = sparse.csr_matrix((np.ones(len(doc)), (doc, code)), shape=(int(doc.max()) + 1, k))
        x.data[:] = 1.0  # present or not, however often
        n = np.asarray(x.sum(axis=0)).ravel()
        return _to_frame(codes, n, (x.T @ x).tocsr())
    # units = distinct codings (document, start, end, code), sorted in that order
    width = int(end.max()) + 1
    if (int(doc.max()) + 1) * width * width * k < _KEY_LIMIT:  # one integer key: a fast unstable sort
        key = ((doc * width + start) * width + end) * k + code  # suffices, as ties are duplicates
        order = np.argsort(key)
        key = key[order]
        new = np.ones(len(key), dtype=bool)
        new[1:] = key[1:] != key[:-1]
    else:
        order = np.lexsort((code, end, start, doc))
        new = np.ones(len(order), dtype=bool)
        d, s_, e, c_ = doc[order], start[order], end[order], code[order]
        new[1:] = (d[1:] != d[:-1]) | (s_[1:] != s_[:-1]) | (e[1:] != e[:-1]) | (c_[1:] != c_[:-1])
    keep = order[new]
    doc, start, end, code = doc[keep], start[keep], end[keep], code[keep]
    m = len(code)
    n = np.bincount(code, minlength=k)
    # sweep: coding i overlaps every later coding j of its document with start_j < end_i
    pos = doc * width + start
    stop = np.searchsorted(pos, doc * width + end, side="left")
    count = stop - np.arange(m) - 1
    total = int(count.sum())
    rows = np.repeat(np.arange(m), count)
    cols = rows + 1 + (np.arange(total) - np.repeat(np.cumsum(count) - count, count))
    # n12 = XᵀPX with X the one-hot codings × codes incidence and P the overlapping pairs: for a
    # one-hot X that product is the sparse sum over the pairs of (code_i, code_j), built directly
    a, b = code[rows], code[cols]
    if k * k <= _DENSE_CELLS:  # few codes: count the pairs in a dense k × k array
        upper = sparse.csr_matrix(np.bincount(a * k + b, minlength=k * k).reshape(k, k))
    else:
        upper = sparse.coo_matrix((np.ones(total), (a, b)), shape=(k, k)).tocsr()
    pairs = (upper + upper.T).tocsr()  # the diagonal (same code twice) is not read
    return _to_frame(codes, n, pairs)


def _cooccurrence_pairwise(codings: pd.DataFrame, level: str = "segment") -> pd.DataFrame:
    """Reference implementation: the plain loop over pairs of codings.

    Same semantics and output as :func:`_cooccurrence_sparse`; quadratic in
    the codings per document, so only for tests and the benchmark.
    """
    _check_level(level)
    df = codings[["document", "start", "end", "code"]].drop_duplicates()
    n: dict[str, int] = {}
    n12: dict[tuple[str, str], int] = {}
    for _, sub in df.groupby("document", sort=True):
        if level == "document":
            present = sorted(set(sub["code"]))
            for a in present:
                n[a] = n.get(a, 0) + 1
            for a, b in combinations(present, 2):
                n12[(a, b)] = n12.get((a, b), 0) + 1
            continue
        rows = list(zip(sub["start"], sub["end"], sub["code"]))
        for _, _, a in rows:
            n[a] = n.get(a, 0) + 1
        for (s1, e1, a), (s2, e2, b) in combinations(rows, 2):
            if a != b and s1 < e2 and s2 < e1:
                key = (a, b) if a < b else (b, a)
                n12[key] = n12.get(key, 0) + 1
    out = [{"code1": a, "code2": b, "n1": n[a], "n2": n[b], "n12": v} for (a, b), v in sorted(n12.items())]
    return pd.DataFrame(out, columns=_COUNT_COLUMNS).astype({c: "int64" for c in _COUNT_COLUMNS[2:]})


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def _coefficients(df: pd.DataFrame, ratio: float) -> pd.DataFrame:
    n1, n2, n12 = (df[c].to_numpy(dtype=np.float64) for c in ("n1", "n2", "n12"))
    denom = n1 + n2 - n12
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(denom > 0, n12 / denom, np.nan)
    lo, hi = np.minimum(n1, n2), np.maximum(n1, n2)
    return df.assign(c=c, frequency_flag=(lo > 0) & (hi > ratio * lo), out_of_range=n12 > lo)


# ---------------------------------------------------------------- public tables

def cooccurrence_table(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, *,
                       level: str = "segment", group: int | Sequence[int] | None = None,
                       side: str | Sequence[str] | None = None, part: int | Sequence[int] | None = None,
                       groups: pd.DataFrame | None = None, codes: Sequence[str] | None = None,
                       include_descendants: bool = False, ratio: float = 5.0) -> pd.DataFrame:
    """The code × code co-occurrence table, with the c-coefficient.

    Parameters
    ----------
    corpus, codebook, codings
        The study (see :func:`altena_qca.load_study`).
    level : {"segment", "document"}
        Overlapping spans, or the same document (see the module docstring).
    group, side, part, groups
        Filters, see :func:`~altena_qca.analysis.selection.filter_codings`.
    codes : sequence of str, optional
        Only these codes.
    include_descendants : bool
        Count each coding also for every code above it (with ``codes``: for
        every listed code at or above it). Pairs of a code with its own
        ancestor are then left out.
    ratio : float
        ``frequency_flag`` is set where one code is more than ``ratio``
        times as frequent as the other (ATLAS.ti uses 5).

    Returns
    -------
    pandas.DataFrame
        One row per pair of codes that co-occur at least once: ``code1,
        code2`` (sorted ids, ``code1 < code2``), ``n1, n2, n12, c,
        frequency_flag, out_of_range``.

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document
    >>> corpus = Corpus(documents={"R1": Document("R1", "R: De GGZ deelde niets; ik raakte geïrriteerd.")})
    >>> codings = make_codings([
    ...     {"document": "R1", "start": 3, "end": 46, "code": "problems.insufficient"},
    ...     {"document": "R1", "start": 24, "end": 46, "code": "effects.relations.today.negative"},
    ...     {"document": "R1", "start": 3, "end": 22, "code": "boundaries.legal"}])
    >>> t = cooccurrence_table(corpus, load_codebook(), codings)
    >>> t[["code1", "code2", "n12", "c"]].values.tolist()
    [['boundaries.legal', 'problems.insufficient', 1, 1.0], ['effects.relations.today.negative', 'problems.insufficient', 1, 1.0]]
    """
    c = filter_codings(corpus, codebook, codings, group=group, side=side, part=part, groups=groups)
    if include_descendants:
        c = _roll_up(c, codebook, codes if codes is not None else codebook.codes)
    elif codes is not None:
        c = c[c["code"].isin(set(codes))]
    out = _cooccurrence_sparse(c, level)
    if include_descendants and len(out):
        related = [b in codebook.ancestors(a) or a in codebook.ancestors(b)
                   for a, b in zip(out["code1"], out["code2"])]
        out = out[~np.asarray(related, dtype=bool)].reset_index(drop=True)
    return _coefficients(out, ratio)


def cooccurrence_matrix(table: pd.DataFrame, value: str = "n12") -> pd.DataFrame:
    """A long co-occurrence table as a symmetric code × code matrix.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`cooccurrence_table`.
    value : {"n12", "c"}
        Which number fills the cells; pairs not in ``table`` get 0.

    Returns
    -------
    pandas.DataFrame
        Square, indexed and labelled by the sorted codes of ``table``; the
        diagonal holds ``n1`` (the code's own frequency) for ``n12`` and 1.0
        for ``c``.

    Examples
    --------
    >>> t = pd.DataFrame({"code1": ["a"], "code2": ["b"], "n1": [2], "n2": [1], "n12": [1], "c": [0.5]})
    >>> cooccurrence_matrix(t).values.tolist()
    [[2, 1], [1, 1]]
    """
    codes = sorted(set(table["code1"]) | set(table["code2"]))
    dtype = "int64" if value == "n12" else "float64"
    m = pd.DataFrame(0, index=codes, columns=codes, dtype=dtype)
    for a, b, v in zip(table["code1"], table["code2"], table[value]):
        m.loc[a, b] = m.loc[b, a] = v
    for code, n in list(zip(table["code1"], table["n1"])) + list(zip(table["code2"], table["n2"])):
        m.loc[code, code] = n if value == "n12" else 1.0
    return m


def effect_cooccurrence(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, effect: str, *,
                        level: str = "document", when: str | None = None,
                        group: int | Sequence[int] | None = None, side: str | Sequence[str] | None = None,
                        part: int | Sequence[int] | None = None, groups: pd.DataFrame | None = None,
                        ratio: float = 5.0) -> pd.DataFrame:
    """For one effect: group-defining problem codes × that effect's stance codes.

    Parameters
    ----------
    corpus, codebook, codings
        The study (see :func:`altena_qca.load_study`).
    effect : str
        An effect of the codebook's ``analysis.effects`` (e.g. ``trust``).
    level : {"document", "segment"}
        See the module docstring; document level is the thesis's reading
        (problem and effect told in the same interview).
    when : {"today", "wams"} or None
        Which stances; None for both.
    group, side, part, groups
        Filters, see :func:`~altena_qca.analysis.selection.filter_codings`.
    ratio : float
        Threshold of ``frequency_flag``.

    Returns
    -------
    pandas.DataFrame
        The full rectangle, zeros included: one row per (typology group,
        stance) in codebook order with ``level, effect, group,
        problem_code, when, stance, stance_code, n1`` (problem code),
        ``n2`` (stance code), ``n12, c, frequency_flag, out_of_range``.
        Both codes count with every code below them.

    Raises
    ------
    CodebookError
        For an effect the codebook does not define (E210).

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document
    >>> text = "R: Er is vaak geen gegevensuitwisseling. R: Met een huisarts ontstond minder vertrouwen."
    >>> corpus = Corpus(documents={"R1": Document("R1", text)})
    >>> codings = make_codings([
    ...     {"document": "R1", "start": 3, "end": 40, "code": "problems.insufficient"},
    ...     {"document": "R1", "start": 44, "end": 88, "code": "effects.trust.today.negative"}])
    >>> t = effect_cooccurrence(corpus, load_codebook(), codings, "trust", when="today")
    >>> t.loc[0, ["problem_code", "stance"]].tolist(), int(t.loc[0, "n12"]), float(t.loc[0, "c"])
    (['problems.insufficient', 'negative'], 1, 1.0)
    """
    _check_level(level)
    rows = effect_rows(codebook, when)
    rows = rows[(rows["section"] == "effects") & (rows["effect"] == effect)]
    if rows.empty:
        known = ", ".join(codebook.analysis.get("effects") or {})
        raise CodebookError(Errors.E210.format(path=codebook.path or "codebook",
                                               reason=f"no effect {effect!r} in analysis.effects ({known})"))
    problems = typology_groups(codebook)
    targets = list(problems["code"]) + list(rows["code"])
    c = filter_codings(corpus, codebook, codings, group=group, side=side, part=part, groups=groups)
    counts = _cooccurrence_sparse(_roll_up(c, codebook, targets), level)
    freq = _frequencies(_roll_up(c, codebook, targets), level)
    pair = {(a, b): v for a, b, v in zip(counts["code1"], counts["code2"], counts["n12"])}
    out = []
    for g in problems.itertuples(index=False):
        for r in rows.itertuples(index=False):
            a, b = g.code, r.code
            out.append({"level": level, "effect": effect, "group": int(g.group), "problem_code": a,
                        "when": r.when, "stance": r.stance, "stance_code": b,
                        "n1": freq.get(a, 0), "n2": freq.get(b, 0),
                        "n12": pair.get((a, b) if a < b else (b, a), 0)})
    df = pd.DataFrame(out).astype({"n1": "int64", "n2": "int64", "n12": "int64"})
    return _coefficients(df, ratio)


def _frequencies(codings: pd.DataFrame, level: str) -> dict[str, int]:
    """n per code: distinct codings (segment) or documents (document)."""
    if level == "document":
        return codings.drop_duplicates(["document", "code"]).groupby("code").size().to_dict()
    return codings.drop_duplicates(["document", "start", "end", "code"]).groupby("code").size().to_dict()
