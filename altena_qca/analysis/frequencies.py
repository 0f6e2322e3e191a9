"""Code frequencies and code-document tables (thesis 3.3, selective coding).

The thesis looked at "de frequentie van de codes in het geheel en parallel
daaraan in de specifieke categorieën intern of extern". These functions give
those counts, the per-respondent overview, and the code-document table
(codes × respondents, or aggregated by typology group or by side) with
absolute counts and row- or column-relative shares, as ATLAS.ti shows it.
"""
from __future__ import annotations

import pandas as pd

from ..model import SIDES, Codebook, Corpus, attach_respondents
from .typology import assign_groups, typology_groups

__all__ = ["respondent_overview", "code_frequencies", "attach_respondents",
           "CODE_DOCUMENT_BY", "code_document_table", "code_document_long"]

#: Units of the code-document table: one column per respondent, per document
#: (observations included), per typology group, or per side.
CODE_DOCUMENT_BY = ("respondent", "document", "group", "side")


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
    per_respondent = c["respondent"].value_counts()  # once, not one scan of the codings per respondent
    rows = []
    for r in corpus.respondents.values():
        doc = corpus.documents.get(r.id)
        row = {"respondent": r.id, "label": r.label, "side": r.side,
               "segments": len(doc.segments) if doc else 0,
               "codings": int(per_respondent.get(r.id, 0))}
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



def _code_document_counts(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, by: str,
                          groups: pd.DataFrame | None, include_descendants: bool
                          ) -> tuple[pd.DataFrame, pd.Series]:
    """Counts (codes in codebook order × units) and number of codings per unit."""
    if by not in CODE_DOCUMENT_BY:
        raise ValueError(f"by must be one of {CODE_DOCUMENT_BY}, got {by!r}")
    c = attach_respondents(codings, corpus)
    if by == "document":
        units = sorted(d.id for d in corpus)
        c["unit"] = c["document"]
    elif by == "respondent":
        units = sorted(corpus.respondents)
        c["unit"] = c["respondent"]
    elif by == "side":  # a respondent whose side is not known (empty in respondents.csv) counts as 'onbekend'
        unknown = any(not r.side for r in corpus.respondents.values())
        units = list(SIDES) + (["onbekend"] if unknown else [])
        c["unit"] = c["side"].where(c["side"].isin(SIDES) | c["side"].isna(), "onbekend")
    else:
        if groups is None:
            groups = assign_groups(corpus, codebook, codings)
        units = [f"group_{int(g)}" for g in typology_groups(codebook)["group"]] + ["ungrouped"]
        unit_of = {r: ("ungrouped" if pd.isna(g) else f"group_{int(g)}")
                   for r, g in zip(groups["respondent"], groups["group"])}
        c["unit"] = c["respondent"].map(unit_of)
    c = c[c["unit"].notna()]
    per_unit = c.groupby("unit").size().reindex(units, fill_value=0).astype("int64")
    if include_descendants:  # a coding counts for its code and every code above it
        lineage = {code: [code, *codebook.ancestors(code)] for code in c["code"].unique()}
        c = c.assign(code=c["code"].map(lineage)).explode("code")
    codes = [code.id for code in codebook]
    counts = (c.groupby(["code", "unit"]).size().unstack(fill_value=0)
              .reindex(index=codes, columns=units, fill_value=0).astype("int64"))
    return counts, per_unit


def code_document_table(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, *,
                        by: str = "respondent", values: str = "count",
                        groups: pd.DataFrame | None = None,
                        include_descendants: bool = False) -> pd.DataFrame:
    """The code-document table: codes × respondents (or documents, groups, sides).

    Parameters
    ----------
    corpus, codebook, codings
        The study (see :func:`altena_qca.load_study`).
    by : {"respondent", "document", "group", "side"}
        The columns: one per respondent id (codings of documents without a
        respondent are left out), per document id (observations included),
        per typology group (``group_<id>`` and ``ungrouped``), or per side
        (``intern``, ``extern``).
    values : {"count", "row", "column"}
        Absolute counts of codings; or each count divided by its row total
        (share of the code's codings in each unit); or divided by the number
        of codings in the unit (share of the unit's codings with this code).
        A share over an empty total is NaN.
    groups : pandas.DataFrame, optional
        :func:`~altena_qca.analysis.typology.assign_groups` result for
        ``by="group"``; computed when not given.
    include_descendants : bool
        Count every coding also for each code above it, so a parent shows
        the total of its branch.

    Returns
    -------
    pandas.DataFrame
        One row per code in codebook order: ``code, label_nl``, one column
        per unit (sorted ids; groups in codebook order; sides intern,
        extern), and ``total`` (for ``values="column"``: the code's share of
        all codings in the table's units).

    Raises
    ------
    ValueError
        For an unknown ``by`` or ``values``.

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document, Respondent
    >>> text = "R: Er is vaak geen gegevensuitwisseling. R: Alles volgens de AVG."
    >>> corpus = Corpus(documents={"R1": Document("R1", text, respondent="R1")},
    ...                 respondents={"R1": Respondent("R1", "Wmo-regisseur", "Wmo-regisseur", "intern")})
    >>> codings = make_codings([
    ...     {"document": "R1", "start": 3, "end": 40, "code": "problems.insufficient"},
    ...     {"document": "R1", "start": 44, "end": 65, "code": "boundaries.legal"}])
    >>> t = code_document_table(corpus, load_codebook(), codings, by="side", values="column")
    >>> t.set_index("code").loc["problems.insufficient", ["intern", "extern", "total"]].tolist()
    [0.5, nan, 0.5]
    """
    if values not in ("count", "row", "column"):
        raise ValueError(f"values must be count, row or column, got {values!r}")
    counts, per_unit = _code_document_counts(corpus, codebook, codings, by, groups, include_descendants)
    total = counts.sum(axis=1)
    if values == "row":
        table = counts.div(total.where(total > 0), axis=0)
        total = total.where(total == 0, 1.0).where(total > 0)
    elif values == "column":
        table = counts.div(per_unit.where(per_unit > 0), axis=1)
        n = int(per_unit.sum())
        total = total / n if n else total * float("nan")
    else:
        table = counts
    out = table.copy()
    out.insert(0, "label_nl", [codebook[c].label_nl for c in counts.index])
    out.insert(0, "code", counts.index)
    out["total"] = total.to_numpy()
    out.columns.name = None
    return out.reset_index(drop=True)


def code_document_long(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, *,
                       by: str = "respondent", groups: pd.DataFrame | None = None,
                       include_descendants: bool = False) -> pd.DataFrame:
    """The code-document table in long form, counts and both shares together.

    Parameters
    ----------
    corpus, codebook, codings, by, groups, include_descendants
        As for :func:`code_document_table`.

    Returns
    -------
    pandas.DataFrame
        One row per (code, unit) with at least one coding: ``by, unit,
        code, label_nl, count, row_share`` (of the code's codings, in this
        unit) and ``column_share`` (of the unit's codings, with this code).
        Codes in codebook order, units as in :func:`code_document_table`.

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document, Respondent
    >>> corpus = Corpus(documents={"R1": Document("R1", "R: Geen probleem.", respondent="R1")},
    ...                 respondents={"R1": Respondent("R1", "wijk-GGD'er", "wijk-GGD'er", "extern")})
    >>> codings = make_codings([{"document": "R1", "start": 3, "end": 17, "code": "problems.none"}])
    >>> row = code_document_long(corpus, load_codebook(), codings).iloc[0]
    >>> row["unit"], row["code"], int(row["count"]), float(row["row_share"]), float(row["column_share"])
    ('R1', 'problems.none', 1, 1.0, 1.0)
    """
    counts, per_unit = _code_document_counts(corpus, codebook, codings, by, groups, include_descendants)
    total = counts.sum(axis=1)
    long = counts.stack().rename("count").reset_index()
    long.columns = ["code", "unit", "count"]
    long = long[long["count"] > 0].reset_index(drop=True)
    long["row_share"] = long["count"] / long["code"].map(total)
    long["column_share"] = long["count"] / long["unit"].map(per_unit)
    long.insert(0, "by", by)
    long.insert(3, "label_nl", [codebook[c].label_nl for c in long["code"]])
    return long[["by", "unit", "code", "label_nl", "count", "row_share", "column_share"]]
