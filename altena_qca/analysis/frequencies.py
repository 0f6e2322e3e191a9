"""Code frequencies and code-document tables (thesis 3.3, selective coding).

The thesis looked at "de frequentie van de codes in het geheel en parallel
daaraan in de specifieke categorieën intern of extern". These functions give
those counts, plus the per-respondent overview.
"""
from __future__ import annotations

import pandas as pd

from ..model import Codebook, Corpus

__all__ = ["respondent_overview", "code_frequencies", "attach_respondents"]


def attach_respondents(codings: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Codings with ``respondent``, ``label`` and ``side`` columns added.

    Codings of documents without respondent (observations) get NaN there.
    """
    doc_resp = {d.id: d.respondent for d in corpus}
    out = codings.copy()
    out["respondent"] = out["document"].map(doc_resp)
    out["label"] = out["respondent"].map({r.id: r.label for r in corpus.respondents.values()})
    out["side"] = out["respondent"].map({r.id: r.side for r in corpus.respondents.values()})
    return out


def respondent_overview(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent: label, side, segments, codings per top-level code.

    Parameters
    ----------
    corpus, codebook, codings
        As loaded by :func:`altena_qca.ingest.load_corpus`,
        :func:`altena_qca.codebook.load_codebook` and
        :func:`altena_qca.ingest.load_codings`.

    Returns
    -------
    pandas.DataFrame
        Columns ``respondent, label, side, segments, codings`` and one
        ``n_<top-level code>`` column per root of the codebook.
    """
    roots = codebook.roots()
    top = {c.id: codebook.top_level(c.id) for c in codebook}
    c = attach_respondents(codings, corpus)
    c = c[c["respondent"].notna()].assign(top=lambda d: d["code"].map(top))
    counts = (c.groupby(["respondent", "top"]).size().unstack(fill_value=0)
              .reindex(columns=roots, fill_value=0))
    rows = []
    for r in corpus.respondents.values():
        doc = corpus.documents.get(r.id)
        row = {"respondent": r.id, "label": r.label, "side": r.side,
               "segments": len(doc.segments) if doc else 0,
               "codings": int((c["respondent"] == r.id).sum())}
        for root in roots:
            row[f"n_{root}"] = int(counts.loc[r.id, root]) if r.id in counts.index else 0
        rows.append(row)
    return pd.DataFrame(rows)


def code_frequencies(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame,
                     include_descendants: bool = False) -> pd.DataFrame:
    """How often each code is applied, overall and split intern/extern.

    Parameters
    ----------
    include_descendants
        Count a code's codings together with those of every code below it
        (a parent then shows the total of its branch).

    Returns
    -------
    pandas.DataFrame
        One row per code in codebook order: ``code, label_nl, depth, kind,
        codings, intern, extern, respondents, respondents_intern,
        respondents_extern`` (codings = applications; respondents = how many
        respondents have the code at least once).
    """
    c = attach_respondents(codings, corpus)
    rows = []
    for code in codebook:
        ids = codebook.descendants(code.id) if include_descendants else [code.id]
        sub = c[c["code"].isin(ids)]
        rows.append({
            "code": code.id, "label_nl": code.label_nl, "depth": codebook.depth(code.id), "kind": code.kind,
            "codings": len(sub),
            "intern": int((sub["side"] == "intern").sum()),
            "extern": int((sub["side"] == "extern").sum()),
            "respondents": int(sub["respondent"].nunique()),
            "respondents_intern": int(sub.loc[sub["side"] == "intern", "respondent"].nunique()),
            "respondents_extern": int(sub.loc[sub["side"] == "extern", "respondent"].nunique()),
        })
    return pd.DataFrame(rows)
