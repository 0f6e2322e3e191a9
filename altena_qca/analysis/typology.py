"""The four groups of experienced data-sharing problems (thesis 4.2.2).

The thesis sorts the thirteen respondents into four groups by the problem
they experience with data sharing: (1) too little or no sharing, (2) too much
or too easy sharing, (3) differing interpretations that are no obstacle,
(4) no problem. :func:`assign_groups` recomputes that grouping from the
codings. The rule is data, read from the codebook's ``analysis.typology``
section — which code defines each group, and how a respondent carrying codes
of several groups is placed::

    analysis:
      typology:
        resolve: majority        # or: precedence
        groups:
          - {id: 1, code: problems.insufficient, label_nl: ...}
          - ...

``majority``
    The group whose code (counted with all codes below it) carries most of
    the respondent's codings. A tie between the top groups is *ambiguous*.
``precedence``
    The first group, in the order the codebook lists them, with at least one
    coding.

A respondent with no coding of any group code is *unplaced*. Ambiguous and
unplaced respondents keep an empty group: the function reports them, it
never guesses.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..errors import CodebookError, Errors
from ..model import Codebook, Corpus, attach_respondents

__all__ = ["STATUSES", "typology_groups", "assign_groups"]

#: Values of the ``status`` column of :func:`assign_groups`.
STATUSES = ("placed", "ambiguous", "unplaced")


def typology_groups(codebook: Codebook) -> pd.DataFrame:
    """The groups of the codebook's ``analysis.typology``, in codebook order.

    Parameters
    ----------
    codebook : Codebook
        A loaded codebook with an ``analysis.typology`` section.

    Returns
    -------
    pandas.DataFrame
        Columns ``group, code, label_nl, label_en``; ``group`` is an integer.

    Raises
    ------
    CodebookError
        When the section is missing, a group lacks an id or code, an id is
        repeated, a code is unknown, or ``resolve`` is not ``majority`` or
        ``precedence`` (E207, E210).

    Examples
    --------
    >>> from altena_qca import load_codebook
    >>> typology_groups(load_codebook())["code"].tolist()
    ['problems.insufficient', 'problems.too_easy', 'problems.interpretations', 'problems.none']
    """
    spec = _typology_spec(codebook)
    rows = []
    for g in spec["groups"]:
        rows.append({"group": int(g["id"]), "code": str(g["code"]),
                     "label_nl": str(g.get("label_nl", "")), "label_en": str(g.get("label_en", ""))})
    return pd.DataFrame(rows, columns=["group", "code", "label_nl", "label_en"])


def _typology_spec(codebook: Codebook) -> Mapping:
    path = codebook.path or "codebook"
    spec = codebook.analysis.get("typology") or {}
    groups = spec.get("groups") or []
    if not groups:
        raise CodebookError(Errors.E210.format(path=path, reason="analysis.typology.groups is missing or empty"))
    seen = set()
    for i, g in enumerate(groups, start=1):
        if not isinstance(g, Mapping) or g.get("id") is None or not g.get("code"):
            raise CodebookError(Errors.E210.format(
                path=path, reason=f"analysis.typology.groups entry {i} needs an 'id' and a 'code'"))
        try:
            gid = int(g["id"])
        except (TypeError, ValueError):
            raise CodebookError(Errors.E210.format(
                path=path, reason=f"analysis.typology group id {g['id']!r} is not an integer")) from None
        if gid in seen:
            raise CodebookError(Errors.E210.format(path=path, reason=f"analysis.typology group id {gid} is repeated"))
        seen.add(gid)
        if g["code"] not in codebook:
            raise CodebookError(Errors.E207.format(path=path, code=g["code"], where=f"typology group {gid}"))
    resolve = spec.get("resolve", "majority")
    if resolve not in ("majority", "precedence"):
        raise CodebookError(Errors.E210.format(
            path=path, reason=f"typology.resolve must be majority or precedence, got {resolve!r}"))
    return {"groups": groups, "resolve": resolve}


def assign_groups(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame) -> pd.DataFrame:
    """Place every respondent in a typology group, or report why not.

    Parameters
    ----------
    corpus : Corpus
        The study's documents and respondents.
    codebook : Codebook
        Its ``analysis.typology`` section gives the group codes and the
        ``resolve`` rule (see the module docstring).
    codings : pandas.DataFrame
        Codings as made by :func:`altena_qca.model.make_codings`. Codings of
        documents without respondent (observations) are ignored.

    Returns
    -------
    pandas.DataFrame
        One row per respondent, sorted by respondent id, with columns
        ``respondent, label, side, group, group_label, n_<code>`` (one count
        column per group code, in codebook order; codings of the code or any
        code below it), ``status`` (``placed``, ``ambiguous`` or
        ``unplaced``) and ``evidence`` (the counts that decided, in words).
        ``group`` is a nullable integer, empty unless ``status`` is
        ``placed``.

    Raises
    ------
    CodebookError
        When the codebook has no valid ``analysis.typology`` section.

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document, Respondent
    >>> text = "R: Er is vaak geen gegevensuitwisseling. R: Ik ervaar geen problemen."
    >>> corpus = Corpus(documents={"R1": Document("R1", text, respondent="R1")},
    ...                 respondents={"R1": Respondent("R1", "Wmo-regisseur", "Wmo-regisseur", "intern")})
    >>> codings = make_codings([
    ...     {"document": "R1", "start": 3, "end": 39, "code": "problems.insufficient"},
    ...     {"document": "R1", "start": 43, "end": 69, "code": "problems.none"}])
    >>> row = assign_groups(corpus, load_codebook(), codings).iloc[0]
    >>> row["status"], row["group"] is pd.NA
    ('ambiguous', True)
    >>> row["evidence"]
    'tie between problems.insufficient and problems.none: problems.insufficient=1, problems.none=1'

    References
    ----------
    .. [1] Altena thesis (2023), section 4.2.2, 'De ervaren problemen wat
       betreft gegevensuitwisseling'.
    """
    spec = _typology_spec(codebook)
    groups = typology_groups(codebook)
    c = attach_respondents(codings, corpus)
    c = c[c["respondent"].notna()]
    count_cols = [f"n_{code}" for code in groups["code"]]
    counts = {}
    for code, col in zip(groups["code"], count_cols):
        sub = c[c["code"].isin(codebook.descendants(code))]
        counts[col] = sub.groupby("respondent").size()
    rows = []
    for rid in sorted(corpus.respondents):
        r = corpus.respondents[rid]
        n = [int(counts[col].get(rid, 0)) for col in count_cols]
        group, status, evidence = _resolve(groups, n, spec["resolve"])
        row = {"respondent": rid, "label": r.label, "side": r.side, "group": group,
               "group_label": (groups.loc[groups["group"] == group, "label_nl"].iloc[0]
                               if group is not None else None)}
        row.update(dict(zip(count_cols, n)))
        row.update({"status": status, "evidence": evidence})
        rows.append(row)
    out = pd.DataFrame(rows, columns=["respondent", "label", "side", "group", "group_label",
                                      *count_cols, "status", "evidence"])
    out["group"] = out["group"].astype("Int64")
    return out


def _resolve(groups: pd.DataFrame, n: list[int], resolve: str) -> tuple[int | None, str, str]:
    """Apply the typology rule to one respondent's counts per group code."""
    codes = groups["code"].tolist()
    ids = groups["group"].tolist()
    present = [(code, k) for code, k in zip(codes, n) if k > 0]
    if not present:
        return None, "unplaced", "no coding of any group code"
    listing = ", ".join(f"{code}={k}" for code, k in present)
    if resolve == "precedence":
        i = next(i for i, k in enumerate(n) if k > 0)
        return int(ids[i]), "placed", f"precedence: {codes[i]} is the first group code present ({listing})"
    top = max(n)
    winners = [i for i, k in enumerate(n) if k == top]
    if len(winners) > 1:
        tied = " and ".join(codes[i] for i in winners)
        return None, "ambiguous", f"tie between {tied}: {listing}"
    i = winners[0]
    return int(ids[i]), "placed", f"majority: {listing}"
