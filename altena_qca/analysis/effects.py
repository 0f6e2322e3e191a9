"""Effects of (not) sharing data on the collaboration, per group (thesis 4.2.3, 4.3.1).

The thesis reads five effects — trust, relations, coordination, decisions,
goals — each with a stance *today* (negative / positive, section 4.2.3) and
an expectation *under the Wams* (improves / stays the same, section 4.3.1),
plus the other Wams effects (privacy risk, damage to the client's trust,
falling back on beroepsgeheim) and two finer readings of Wams coordination
(the coordinated approach versus the coordination of tasks).

Which code carries which effect and stance is data, in the codebook's
``analysis`` section (``effects``, ``wams_details``, ``wams_other``); no code
id appears in this module. A respondent *reports* a stance when they have at
least one coding of its code or of any code below it.

:func:`respondent_effects` gives one row per respondent with a boolean per
effect-stance; :func:`effects_matrix` counts those respondents per typology
group; :func:`effect_evidence` lists the coded segments behind every cell, so
a notebook can show the quotes behind a number.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from ..codebook import effect_codes
from ..errors import CodebookError, Errors
from ..model import Codebook, Corpus, attach_respondents
from .typology import assign_groups, typology_groups

__all__ = ["WHENS", "effect_rows", "respondent_effects", "effects_matrix", "effect_evidence",
           "unplaced_effect_codings"]

#: The two moments the thesis compares: today (4.2.3) and under the Wams (4.3.1).
WHENS = ("today", "wams")
#: Sections of ``analysis`` read as extra Wams rows, in output order.
_WAMS_SECTIONS = ("wams_details", "wams_other")
_ROW_COLUMNS = ["section", "effect", "when", "stance", "code", "label_nl"]


def effect_rows(codebook: Codebook, when: str | None = None) -> pd.DataFrame:
    """The effect-stance rows the codebook's ``analysis`` section defines.

    Parameters
    ----------
    codebook : Codebook
        A loaded codebook.
    when : {"today", "wams"} or None
        ``"today"``: the today stances of every effect. ``"wams"``: the Wams
        stances, then the ``wams_details`` and ``wams_other`` rows. None: both.

    Returns
    -------
    pandas.DataFrame
        Columns ``section, effect, when, stance, code, label_nl, key`` in
        codebook order. ``section`` is ``effects`` for the five effects; for the extra
        Wams rows it is the analysis section's name, which is then also the
        ``effect``, and ``stance`` is the entry's key (e.g. ``privacy_risk``).
        ``key`` (``<effect>.<when>.<stance>`` or ``<section>.<stance>``)
        names the row's column in :func:`respondent_effects`.

    Raises
    ------
    ValueError
        For a ``when`` other than ``today``, ``wams`` or None.
    CodebookError
        When the section has no effects or names an unknown code (E207, E210).

    Examples
    --------
    >>> from altena_qca import load_codebook
    >>> rows = effect_rows(load_codebook(), "today")
    >>> rows["key"].head(3).tolist()
    ['trust.today.negative', 'trust.today.positive', 'relations.today.negative']
    """
    whens = _check_when(when)
    path = codebook.path or "codebook"
    effects = codebook.analysis.get("effects") or {}
    if not effects:
        raise CodebookError(Errors.E210.format(path=path, reason="analysis.effects is missing or empty"))
    rows = []
    for w in whens:
        for effect, spec in effects.items():
            for stance, code in ((spec or {}).get(w) or {}).items():
                rows.append({"section": "effects", "effect": str(effect), "when": w, "stance": str(stance),
                             "code": code, "key": f"{effect}.{w}.{stance}"})
        if w == "wams":
            for section in _WAMS_SECTIONS:
                for name, code in (codebook.analysis.get(section) or {}).items():
                    rows.append({"section": section, "effect": section, "when": w, "stance": str(name),
                                 "code": code, "key": f"{section}.{name}"})
    for r in rows:
        if r["code"] not in codebook:
            raise CodebookError(Errors.E207.format(path=path, code=r["code"], where=r["key"]))
        r["label_nl"] = codebook[r["code"]].label_nl
    return pd.DataFrame(rows, columns=[*_ROW_COLUMNS, "key"])


def _check_when(when: str | None) -> tuple[str, ...]:
    if when is None:
        return WHENS
    if when not in WHENS:
        raise ValueError(f"when must be one of {WHENS} or None, got {when!r}")
    return (when,)


def _groups(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame,
            groups: pd.DataFrame | None) -> pd.DataFrame:
    return assign_groups(corpus, codebook, codings) if groups is None else groups


def _stance_codings(rows: pd.DataFrame, corpus: Corpus, codebook: Codebook,
                    codings: pd.DataFrame) -> Iterator[tuple[Any, pd.DataFrame]]:
    """``(row, codings)`` per :func:`effect_rows` row: the respondents' codings
    of the row's code or a code below it (with ``respondent`` and ``label``),
    what makes a respondent report the stance. Documents without respondent
    (observations) are left out."""
    c = attach_respondents(codings, corpus)
    c = c[c["respondent"].notna()]
    for row in rows.itertuples(index=False):
        yield row, c[c["code"].isin(codebook.descendants(row.code))]


def respondent_effects(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame,
                       groups: pd.DataFrame | None = None, when: str | None = None) -> pd.DataFrame:
    """Which effect-stances each respondent reports.

    Parameters
    ----------
    corpus, codebook, codings
        The study (see :func:`altena_qca.load_study`).
    groups : pandas.DataFrame, optional
        The result of :func:`~altena_qca.analysis.typology.assign_groups`;
        computed when not given.
    when : {"today", "wams"} or None
        Which stances (see :func:`effect_rows`); None for all.

    Returns
    -------
    pandas.DataFrame
        One row per respondent (sorted by id): ``respondent, label, side,
        group, status``, then one boolean column per row of
        :func:`effect_rows`, named by its ``key``. True when the respondent
        has at least one coding of the stance's code or a code below it.

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document, Respondent
    >>> text = "R: Ik vermijd die huisarts het liefst. R: Er is vaak geen gegevensuitwisseling."
    >>> corpus = Corpus(documents={"R1": Document("R1", text, respondent="R1")},
    ...                 respondents={"R1": Respondent("R1", "Wmo-regisseur", "Wmo-regisseur", "intern")})
    >>> codings = make_codings([
    ...     {"document": "R1", "start": 3, "end": 38, "code": "effects.trust.today.negative.cannot_turn_to"},
    ...     {"document": "R1", "start": 42, "end": 79, "code": "problems.insufficient"}])
    >>> t = respondent_effects(corpus, load_codebook(), codings, when="today")
    >>> bool(t.loc[0, "trust.today.negative"]), bool(t.loc[0, "trust.today.positive"])
    (True, False)
    """
    rows = effect_rows(codebook, when)
    groups = _groups(corpus, codebook, codings, groups)
    out = groups[["respondent", "label", "side", "group", "status"]].copy().reset_index(drop=True)
    ids = out["respondent"].to_numpy()
    # all stance columns at once (one insert per column made this the workbench's slowest step)
    columns = {row.key: np.isin(ids, list(set(sub["respondent"])))
               for row, sub in _stance_codings(rows, corpus, codebook, codings)}
    if columns:
        out = pd.concat([out, pd.DataFrame(columns, index=out.index)], axis=1)
    return out.sort_values("respondent", kind="mergesort").reset_index(drop=True)


def _group_columns(codebook: Codebook) -> list[tuple[int, str]]:
    return [(int(g), f"group_{int(g)}") for g in typology_groups(codebook)["group"]]


def effects_matrix(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame,
                   groups: pd.DataFrame | None = None, when: str = "today") -> pd.DataFrame:
    """How many respondents of each group report each effect-stance.

    Parameters
    ----------
    corpus, codebook, codings
        The study (see :func:`altena_qca.load_study`).
    groups : pandas.DataFrame, optional
        The result of :func:`~altena_qca.analysis.typology.assign_groups`;
        computed when not given.
    when : {"today", "wams"}
        Today's effects (4.2.3) or the expected Wams effects (4.3.1, with the
        ``wams_details`` and ``wams_other`` rows).

    Returns
    -------
    pandas.DataFrame
        One row per :func:`effect_rows` row (``section, effect, when, stance,
        code, label_nl``), then ``group_<id>`` for every typology group in
        codebook order, ``ungrouped`` (ambiguous or unplaced respondents)
        and ``total``: counts of respondents with at least one coding of the
        stance's code or a code below it. :func:`effect_evidence` lists the
        segments behind each count.

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document, Respondent
    >>> text = "R: Er is vaak geen gegevensuitwisseling. R: Met een huisarts ontstond minder vertrouwen."
    >>> corpus = Corpus(documents={"R1": Document("R1", text, respondent="R1")},
    ...                 respondents={"R1": Respondent("R1", "Wmo-regisseur", "Wmo-regisseur", "intern")})
    >>> codings = make_codings([
    ...     {"document": "R1", "start": 3, "end": 40, "code": "problems.insufficient"},
    ...     {"document": "R1", "start": 44, "end": 88, "code": "effects.trust.today.negative"}])
    >>> m = effects_matrix(corpus, load_codebook(), codings, when="today")
    >>> m.loc[0, ["effect", "stance"]].tolist(), m.loc[0, ["group_1", "group_2", "total"]].astype(int).tolist()
    (['trust', 'negative'], [1, 0, 1])

    References
    ----------
    .. [1] Altena thesis (2023), sections 4.2.3 and 4.3.1.
    """
    _check_when(when)
    rows = effect_rows(codebook, when)
    per = respondent_effects(corpus, codebook, codings, groups, when)
    out = rows[_ROW_COLUMNS].copy()
    keys = list(rows["key"])
    reports = per[keys].to_numpy(dtype=bool) if keys else np.zeros((len(per), 0), dtype=bool)
    group = per["group"]
    for gid, col in _group_columns(codebook):
        out[col] = [int(n) for n in reports[(group == gid).fillna(False).to_numpy(dtype=bool)].sum(axis=0)]
    out["ungrouped"] = [int(n) for n in reports[group.isna().to_numpy()].sum(axis=0)]
    out["total"] = [int(n) for n in reports.sum(axis=0)]
    return out


def effect_evidence(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame,
                    groups: pd.DataFrame | None = None, when: str | None = None) -> pd.DataFrame:
    """The coded segments behind every cell of :func:`effects_matrix`.

    Parameters
    ----------
    corpus, codebook, codings
        The study (see :func:`altena_qca.load_study`).
    groups : pandas.DataFrame, optional
        The result of :func:`~altena_qca.analysis.typology.assign_groups`;
        computed when not given.
    when : {"today", "wams"} or None
        Which stances; None for both.

    Returns
    -------
    pandas.DataFrame
        One row per (effect-stance row, coding): ``section, effect, when,
        stance, document, respondent, label, group, code`` (the code actually
        applied: the stance's code or one below it), ``start, end, quote``
        (the document text at the span). Sorted by effect-stance row in
        codebook order, then respondent, start, end, code. Codings of
        documents without respondent (observations) are left out, as they
        count in no cell. The rows with ``effect == e``, ``stance == s`` and
        ``group == g`` are the evidence for cell (e, s, group g).

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document, Respondent
    >>> text = "R: Met een huisarts ontstond minder vertrouwen."
    >>> corpus = Corpus(documents={"R1": Document("R1", text, respondent="R1")},
    ...                 respondents={"R1": Respondent("R1", "Wmo-regisseur", "Wmo-regisseur", "intern")})
    >>> codings = make_codings([{"document": "R1", "start": 3, "end": 47,
    ...                          "code": "effects.trust.today.negative"}])
    >>> ev = effect_evidence(corpus, load_codebook(), codings)
    >>> ev.loc[0, ["effect", "stance", "label", "quote"]].tolist()
    ['trust', 'negative', 'Wmo-regisseur', 'Met een huisarts ontstond minder vertrouwen.']
    """
    rows = effect_rows(codebook, when)
    groups = _groups(corpus, codebook, codings, groups)
    group_of = dict(zip(groups["respondent"], groups["group"]))
    parts = []
    for order, (row, sub) in enumerate(_stance_codings(rows, corpus, codebook, codings)):
        if sub.empty:
            continue
        parts.append(pd.DataFrame({
            "_order": order, "section": row.section, "effect": row.effect, "when": row.when,
            "stance": row.stance, "document": sub["document"].to_numpy(),
            "respondent": sub["respondent"].to_numpy(), "label": sub["label"].to_numpy(),
            "code": sub["code"].to_numpy(), "start": sub["start"].to_numpy(), "end": sub["end"].to_numpy()}))
    cols = ["section", "effect", "when", "stance", "document", "respondent", "label", "group",
            "code", "start", "end", "quote"]
    if not parts:
        out = pd.DataFrame(columns=cols)
        out["group"] = out["group"].astype("Int64")
        return out
    out = pd.concat(parts, ignore_index=True)
    out["group"] = pd.array([group_of.get(r, pd.NA) for r in out["respondent"]], dtype="Int64")
    texts = {d.id: d.text for d in corpus}
    out["quote"] = [texts[d][s:e] for d, s, e in zip(out["document"], out["start"], out["end"])]
    out = out.sort_values(["_order", "respondent", "start", "end", "code"], kind="mergesort")
    return out[cols].reset_index(drop=True)


def unplaced_effect_codings(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame) -> pd.DataFrame:
    """Codings that name an effect but neither its moment nor its stance.

    A coding of ``effects.trust`` (or ``effects.trust.today``) says that a
    passage is about trust, not whether trust grows or erodes, today or under
    the Wams; it counts in no cell of :func:`effects_matrix`. Reports say how
    many there are instead of reading their absence from the tables as
    "nobody mentions it". The auto-coder's rules often stop at this level.

    Returns
    -------
    pandas.DataFrame
        ``effect, respondent, label, document, code, start, end`` for codings
        of respondents' documents, sorted by effect in codebook order, then
        respondent, start, end, code.

    Examples
    --------
    >>> from altena_qca import load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document, Respondent
    >>> text = "R: Het vertrouwen tussen de partners lijdt eronder."
    >>> corpus = Corpus(documents={"R1": Document("R1", text, respondent="R1")},
    ...                 respondents={"R1": Respondent("R1", "Wmo-regisseur", "Wmo-regisseur", "intern")})
    >>> codings = make_codings([{"document": "R1", "start": 3, "end": 51, "code": "effects.trust"}])
    >>> unplaced_effect_codings(corpus, load_codebook(), codings)[["effect", "respondent", "code"]].values.tolist()
    [['trust', 'R1', 'effects.trust']]
    """
    cols = ["effect", "respondent", "label", "document", "code", "start", "end"]
    c = attach_respondents(codings, corpus)
    c = c[c["respondent"].notna()]
    parts = []
    for order, (effect, (_, general)) in enumerate(effect_codes(codebook).items()):
        sub = c[c["code"].isin(list(general))]
        if len(sub):
            parts.append(sub.assign(effect=effect, _order=order))
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["_order", "respondent", "start", "end", "code"], kind="mergesort")
    return out[cols].reset_index(drop=True)
