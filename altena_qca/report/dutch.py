"""Tables as a Dutch reader sees them: Dutch column names and values, labels, groups as integers.

The analyses return tables with English column names and codes
(``stance = improves``, ``group_1``, ``n_issue``) that code can rely on.
:func:`dutch` renames them for people — notebooks, the workbook a policy
officer opens — without changing a number. :func:`departures` lists where
the computed values depart from the published text (from
:func:`~altena_qca.report.claims.check_claims`), so a notebook can flag them
where they occur.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"effect": ["trust"], "stance": ["improves"], "group_1": [7], "total": [7]})
>>> dutch(t, effect_labels={"trust": "Vertrouwen"}).columns.tolist()
['effect', 'houding', 'groep 1', 'totaal']
>>> [str(v) for v in dutch(t, effect_labels={"trust": "Vertrouwen"}).iloc[0]]
['Vertrouwen', 'verbetert', '7', '7']
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["COLUMNS_NL", "VALUES_NL", "dutch", "departures"]

#: Dutch column names (columns not listed keep their name; ``group_<n>`` becomes ``groep <n>``).
COLUMNS_NL = {
    "respondent": "respondent-id", "label": "respondent", "side": "intern/extern", "group": "groep",
    "group_label": "groep (omschrijving)", "status": "plaatsing", "evidence": "onderbouwing",
    "effect": "effect", "stance": "houding", "label_nl": "omschrijving", "code": "code", "total": "totaal",
    "ungrouped": "niet ingedeeld", "section": "onderdeel", "when": "moment", "quote": "citaat", "source": "bron",
    "kind": "soort", "document": "document", "principle": "principe", "n_respondents": "respondenten",
    "n_community": "wijst op beleidsgemeenschap", "n_issue": "wijst op issuenetwerk",
    "share_community": "aandeel beleidsgemeenschap", "share_issue": "aandeel issuenetwerk",
    "verdict": "oordeel", "graph_support": "steun uit de netwerkfiguur", "graph_checks": "toets netwerkfiguur",
    "example": "voorbeeld", "respondents": "respondenten", "respondents_intern": "respondenten intern",
    "respondents_extern": "respondenten extern", "codings": "coderingen", "intern": "coderingen intern",
    "extern": "coderingen extern", "depth": "niveau", "id": "id", "line": "regel", "claim": "bewering",
    "expected": "scriptie", "computed": "berekend", "reason": "toelichting", "interview_date": "interview",
    "function": "functie",
}
#: Dutch values per (English) column.
VALUES_NL = {
    "stance": {"negative": "negatief", "positive": "positief", "improves": "verbetert", "same": "blijft gelijk",
               "unclear": "onduidelijk in de bron"},
    "when": {"today": "nu", "wams": "onder de Wams"},
    "section": {"effects": "effect", "wams_details": "gecoördineerde aanpak", "wams_other": "ander effect van de Wams"},
    "status": {"placed": "ingedeeld", "tie": "gelijkspel tussen groepen", "unplaced": "niet ingedeeld",
               "reproduced": "gereproduceerd", "differs": "wijkt af", "not reconstructable": "niet te reconstrueren"},
    "kind": {"quote": "citaat", "paraphrase": "parafrase", "deductive": "deductief", "inductive": "inductief"},
}
_EXTRA_ROWS = {"coordination_approach": "komt beter van de grond",
               "privacy_risk": "Privacy moet beter gewaarborgd worden",
               "client_trust_damage": "Schade aan de vertrouwensband met de cliënt",
               "professional_secrecy": "Terugvallen op het beroepsgeheim"}


def _evidence_nl(text: str) -> str:
    """'majority: problems.too_easy=4' → 'meeste coderingen: problems.too_easy (4)'."""
    text = str(text)
    if text.startswith("majority: "):
        parts = [p.strip() for p in text[len("majority: "):].split(",")]
        return "meeste coderingen: " + ", ".join(f"{p.split('=')[0]} ({p.split('=')[1]})" if "=" in p else p
                                                  for p in parts)
    return text


def dutch(table: pd.DataFrame, *, effect_labels: Mapping[str, str] | None = None,
          drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy of ``table`` with Dutch column names and values.

    Parameters
    ----------
    table : pandas.DataFrame
        Any analysis table (effects, groups, frequencies, Rhodes principles, claims, evidence).
    effect_labels : mapping, optional
        Effect key → Dutch name (``Results.effect_labels``); replaces the ``effect`` column's keys.
    drop : tuple of str
        Columns to leave out of the result (by their English name; they are still read, e.g.
        ``section`` to name the extra Wams rows).

    Returns
    -------
    pandas.DataFrame
        Same rows and numbers; ``group`` as a nullable integer; ``stance`` of the Wams rows named in Dutch.
    """
    out = table.copy()
    if "group" in out.columns:
        out["group"] = pd.to_numeric(out["group"], errors="coerce").astype("Int64")
    if "stance" in out.columns and "section" in out.columns:
        extra = out["section"] != "effects"
        out.loc[extra, "stance"] = out.loc[extra, "stance"].map(lambda s: _EXTRA_ROWS.get(str(s), str(s)))
    for col, mapping in VALUES_NL.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
    if "evidence" in out.columns and "status" in out.columns:
        out["evidence"] = out["evidence"].map(_evidence_nl)
    if effect_labels and "effect" in out.columns:
        labels = dict(effect_labels)
        out["effect"] = out["effect"].map(lambda e: labels.get(e, {"wams_details": "Gecoördineerde aanpak",
                                                                  "wams_other": "Andere effecten"}.get(e, e)))
    out = out.drop(columns=[c for c in drop if c in out.columns])
    names = {c: (f"groep {c.split('_', 1)[1]}" if c.startswith("group_") and c[6:].isdigit()
                 else COLUMNS_NL.get(c, c)) for c in out.columns}
    if "claim" in out.columns and "status" in out.columns:
        names["status"] = "uitkomst"
    return out.rename(columns=names)


def departures(claims: pd.DataFrame | None, section: str = "") -> pd.DataFrame:
    """The claims that are not reproduced (optionally of one section and its subsections), in Dutch.

    Parameters
    ----------
    claims : DataFrame or None
        :func:`~altena_qca.report.claims.check_claims`.
    section : str
        ``"4.2"`` keeps §4.2, §4.2.1, ...; empty keeps all.
    """
    if claims is None or not len(claims):
        return pd.DataFrame(columns=["bewering", "regel", "scriptie", "berekend", "status", "toelichting"])
    sub = claims[claims["status"] != "reproduced"]
    if section:
        sub = sub[(sub["section"] == section) | sub["section"].str.startswith(section + ".")]
    return dutch(sub[["claim", "line", "expected", "computed", "status", "reason"]].reset_index(drop=True))
