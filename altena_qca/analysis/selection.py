"""Select codings by typology group, side and interview part.

The co-occurrence tables (and any analysis that wants a subset) filter
codings the same way: by the group their respondent is placed in
(:func:`~altena_qca.analysis.typology.assign_groups`), by the respondent's
side (intern/extern), and by the interview part (1-4, thesis 3.1) of the
segment a coding starts in.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import CodebookError, Errors
from ..model import Codebook, Corpus, attach_respondents
from .typology import assign_groups, typology_groups

__all__ = ["coding_parts", "filter_codings"]


def coding_parts(corpus: Corpus, codings: pd.DataFrame) -> pd.Series:
    """The interview part (1–4, 0 = unknown) of the segment each coding starts in.

    Parameters
    ----------
    corpus : Corpus
        Documents with their segments.
    codings : pandas.DataFrame
        Codings (``document, start`` are used).

    Returns
    -------
    pandas.Series
        Integer part per coding, aligned with ``codings.index``; 0 when the
        coding starts outside every segment.

    Examples
    --------
    >>> from altena_qca import make_codings
    >>> from altena_qca.model import Corpus, Document, Segment
    >>> doc = Document("R1", "I: Vraag? R: Antwoord.", segments=[
    ...     Segment("R1", 0, "interviewer", 3, 0, 9), Segment("R1", 1, "respondent", 3, 10, 22)])
    >>> codings = make_codings([{"document": "R1", "start": 13, "end": 22, "code": "problems.none"}])
    >>> coding_parts(Corpus(documents={"R1": doc}), codings).tolist()
    [3]
    """
    segs = [(s.document, s.start, s.end, s.part) for d in corpus for s in d.segments]
    if not len(codings) or not segs:
        return pd.Series(0, index=codings.index, dtype="int64")
    seg = pd.DataFrame(segs, columns=["document", "seg_start", "seg_end", "part"])
    seg = seg.sort_values(["seg_start", "document"], kind="mergesort")
    left = pd.DataFrame({"document": codings["document"].astype(str).to_numpy(),
                         "start": codings["start"].to_numpy(dtype="int64"), "_i": np.arange(len(codings))})
    left = left.sort_values(["start", "document"], kind="mergesort")
    m = pd.merge_asof(left, seg, left_on="start", right_on="seg_start", by="document", direction="backward")
    inside = m["seg_end"].notna() & (m["start"] < m["seg_end"])
    part = np.zeros(len(codings), dtype="int64")
    part[m["_i"].to_numpy()] = np.where(inside, m["part"].fillna(0), 0).astype("int64")
    return pd.Series(part, index=codings.index)


def _as_list(value) -> list | None:
    if value is None:
        return None
    if isinstance(value, (str, int, np.integer)):
        return [value]
    return list(value)


def filter_codings(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, *,
                   group: int | Sequence[int] | None = None, side: str | Sequence[str] | None = None,
                   part: int | Sequence[int] | None = None,
                   groups: pd.DataFrame | None = None) -> pd.DataFrame:
    """Keep the codings of some typology groups, sides and interview parts.

    Parameters
    ----------
    corpus, codebook, codings
        The study (see :func:`altena_qca.load_study`).
    group : int or sequence of int, optional
        Keep codings in documents of respondents placed in these groups.
    side : {"intern", "extern"} or sequence, optional
        Keep codings in documents of respondents on these sides.
    part : int or sequence of int, optional
        Keep codings that start in a segment of these interview parts (see
        :func:`coding_parts`).
    groups : pandas.DataFrame, optional
        :func:`~altena_qca.analysis.typology.assign_groups` result; computed
        when needed and not given.

    Returns
    -------
    pandas.DataFrame
        The kept rows of ``codings`` (same columns, original order; without
        any filter, ``codings`` itself). With a group or side filter,
        codings of documents without respondent (observations) are dropped.

    Raises
    ------
    CodebookError
        For a group id the codebook's typology does not define (E210).

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document, Respondent, Segment
    >>> text = "I: Problemen? R: Geen probleem. I: En de Wams? R: Minder privacy."
    >>> doc = Document("R1", text, respondent="R1", segments=[
    ...     Segment("R1", 0, "interviewer", 3, 0, 13), Segment("R1", 1, "respondent", 3, 14, 31),
    ...     Segment("R1", 2, "interviewer", 4, 32, 46), Segment("R1", 3, "respondent", 4, 47, 65)])
    >>> corpus = Corpus(documents={"R1": doc},
    ...                 respondents={"R1": Respondent("R1", "wijk-GGD'er", "wijk-GGD'er", "extern")})
    >>> codings = make_codings([
    ...     {"document": "R1", "start": 17, "end": 31, "code": "problems.none"},
    ...     {"document": "R1", "start": 50, "end": 65, "code": "wams.other.less_privacy"}])
    >>> filter_codings(corpus, load_codebook(), codings, group=4, part=4)["code"].tolist()
    ['wams.other.less_privacy']
    """
    groups_wanted, sides, parts = _as_list(group), _as_list(side), _as_list(part)
    if groups_wanted is None and sides is None and parts is None:
        return codings
    keep = np.ones(len(codings), dtype=bool)
    if groups_wanted is not None or sides is not None:
        c = attach_respondents(codings, corpus)
        if sides is not None:
            keep &= c["side"].isin(sides).to_numpy()
        if groups_wanted is not None:
            known = set(typology_groups(codebook)["group"])
            unknown = [g for g in groups_wanted if int(g) not in known]
            if unknown:
                raise CodebookError(Errors.E210.format(
                    path=codebook.path or "codebook",
                    reason=f"no typology group {unknown[0]} (groups: {', '.join(map(str, sorted(known)))})"))
            if groups is None:
                groups = assign_groups(corpus, codebook, codings)
            members = groups.loc[groups["group"].isin([int(g) for g in groups_wanted]).fillna(False), "respondent"]
            keep &= c["respondent"].isin(set(members)).to_numpy()
    if parts is not None:
        keep &= coding_parts(corpus, codings).isin([int(p) for p in parts]).to_numpy()
    return codings[keep]


def _roll_up(codings: pd.DataFrame, codebook: Codebook, targets: Iterable[str]) -> pd.DataFrame:
    """Each coding once for every target code that is its code or above it."""
    targets = set(targets)
    lineage = {code: [t for t in (code, *codebook.ancestors(code)) if t in targets]
               for code in codings["code"].unique()}
    out = codings.assign(code=codings["code"].map(lineage)).explode("code")
    return out[out["code"].notna()]
