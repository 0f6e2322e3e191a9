"""The Rhodes-model reading: beleidsgemeenschap or issuenetwerk (thesis 4.1.1).

The thesis places the Altena network on the policy-network continuum by three
core principles of the Rhodes model (Evans 2001; Peterson 2003) [1]_:

stability
    influence over implementation is spread evenly (community) or a few
    actors dominate (issue network): the *zeggenschap* and *onderlinge
    verhoudingen* codes, corroborated by how concentrated the partner
    network's ties are (degree centralization, Gini of degree);
inclusion and a shared goal
    selected actors strive for one goal (community) or many actors each for
    their own (issue network): the *belangen* codes;
resource dependence
    members depend on each other for resources, here personal data
    (community), or are self-sufficient (issue network): the *afhankelijkheid*
    codes.

Which codes, thresholds and graph checks are used is data: the ``rhodes``
entry of the codebook's ``analysis`` section. A principle's verdict comes
from the codings; graph checks are reported beside it (``graph_support``)
and never overrule it.

Examples
--------
>>> from altena_qca import load_study
>>> study = load_study(pseudonymise=False)  # doctest: +SKIP
>>> reading = rhodes_reading(study.corpus, study.codebook, study.codings)  # doctest: +SKIP
>>> reading.classification  # doctest: +SKIP
'beleidsgemeenschap'

References
----------
.. [1] Peterson, J. (2003). Policy networks. *Political Science Series 90*,
   Institute for Advanced Studies, Vienna.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import CodebookError, Errors
from ..model import Codebook, Corpus, segment_of

__all__ = ["COMMUNITY", "ISSUE", "MIXED", "UNDECIDED", "RhodesReading", "rhodes_config", "rhodes_reading"]

COMMUNITY = "beleidsgemeenschap"
ISSUE = "issuenetwerk"
MIXED = "gemengd"
UNDECIDED = "onbeslist"
_COLUMNS = ["principle", "label_nl", "community_codes", "issue_codes", "n_respondents", "n_community",
            "n_issue", "share_community", "share_issue", "min_share", "verdict", "graph_checks",
            "graph_support", "evidence", "example"]


@dataclass
class RhodesReading:
    """The classification and, per principle, the evidence behind it."""

    classification: str
    principles: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The principles plus a last row ``principle = classification``."""
        verdicts = ", ".join(f"{p}: {v}" for p, v in zip(self.principles["principle"], self.principles["verdict"]))
        last = {c: "" for c in _COLUMNS}
        last.update({"principle": "classification", "label_nl": "Type beleidsnetwerk",
                     "verdict": self.classification, "evidence": verdicts})
        return pd.concat([self.principles, pd.DataFrame([last])], ignore_index=True)[_COLUMNS]


def rhodes_config(codebook: Codebook) -> dict:
    """The ``analysis.rhodes`` settings of a codebook, checked.

    Raises
    ------
    CodebookError
        ``[E210]`` when the section is missing or malformed, ``[E207]`` when it
        names a code the codebook does not have.
    """
    path = codebook.path or "codebook"
    spec = codebook.analysis.get("rhodes")
    if not isinstance(spec, Mapping) or not isinstance(spec.get("principles"), Mapping) or not spec["principles"]:
        raise CodebookError(Errors.E210.format(
            path=path, reason="analysis.rhodes with a 'principles' mapping is needed for the Rhodes reading"))
    min_share = spec.get("min_share", 0.5)
    if not isinstance(min_share, (int, float)) or not 0 <= min_share <= 1:
        raise CodebookError(Errors.E210.format(path=path, reason=f"analysis.rhodes.min_share must be 0..1, "
                                                                 f"got {min_share!r}"))
    out: dict[str, Any] = {"min_share": float(min_share), "principles": {}}
    for name, p in spec["principles"].items():
        if not isinstance(p, Mapping):
            raise CodebookError(Errors.E210.format(path=path, reason=f"analysis.rhodes.principles.{name} "
                                                                     f"must be a mapping"))
        for side in ("community", "issue"):
            codes = p.get(side)
            if not isinstance(codes, list) or not codes:
                raise CodebookError(Errors.E210.format(
                    path=path, reason=f"analysis.rhodes.principles.{name}.{side} must be a list of code ids"))
            for code in codes:
                if code not in codebook:
                    raise CodebookError(Errors.E207.format(path=path, code=code,
                                                           where=f"rhodes.principles.{name}.{side}"))
        graph = p.get("graph") or {}
        for key, value in graph.items():
            if not (key.startswith("max_") or key.startswith("min_")) or not isinstance(value, (int, float)):
                raise CodebookError(Errors.E210.format(
                    path=path, reason=f"analysis.rhodes.principles.{name}.graph.{key}: expected "
                                      f"max_<measure> or min_<measure> with a number"))
        out["principles"][name] = {"label_nl": str(p.get("label_nl", name)), "community": list(p["community"]),
                                   "issue": list(p["issue"]), "graph": dict(graph)}
    return out


def _coded(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    ids = {d for c in codes for d in codebook.descendants(c)}
    interviews = [d.id for d in corpus if d.respondent is not None]
    return codings[codings["code"].isin(ids) & codings["document"].isin(interviews)]


def _respondents_of(corpus: Corpus, documents) -> list[str]:
    """Sorted ids of the respondents of ``documents`` (observations have none)."""
    return sorted({r for d in documents if (r := corpus.documents[d].respondent) is not None})


def _example(corpus: Corpus, rows: pd.DataFrame) -> str:
    """The first coded quote (not a paraphrase) with its respondent's label."""
    for row in rows.sort_values(["document", "start"]).itertuples():
        doc = corpus.documents[row.document]
        seg = segment_of(doc, row.start, row.end)
        turn = doc.segment_text(seg) if seg is not None else doc.text[row.start:row.end]
        text = " ".join(doc.text[row.start:row.end].split())
        if text and "[parafrase]" not in turn:
            resp = corpus.respondents.get(doc.respondent) if doc.respondent is not None else None
            return f"‘’{text}’’ – de {resp.label if resp else doc.id}"
    return ""


def _graph_checks(checks: Mapping[str, float], summary: Mapping | None) -> tuple[str, str]:
    if not checks:
        return "", ""
    if summary is None:
        return "no partner network given", ""
    results, texts = [], []
    for key, limit in sorted(checks.items()):
        bound, measure = key.split("_", 1)
        if measure not in summary:
            texts.append(f"{measure}: not measured")
            continue
        value = float(summary[measure])
        ok = value <= limit if bound == "max" else value >= limit
        results.append(ok)
        texts.append(f"{measure} = {value:.3f} {'<=' if bound == 'max' else '>='} {limit} "
                     f"({'ja' if ok else 'nee'})")
    support = "" if not results else "ja" if all(results) else "nee" if not any(results) else "deels"
    return "; ".join(texts), support


def rhodes_reading(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame,
                   graph_summary: Mapping | None = None, config: Mapping | None = None) -> RhodesReading:
    """Classify the network as beleidsgemeenschap or issuenetwerk, with evidence.

    Parameters
    ----------
    corpus, codebook, codings
        The study. Only interviews (documents with a respondent) count.
    graph_summary
        :func:`~altena_qca.network.measures.graph_measures` of the partner
        network, for the principles' ``graph`` checks (optional).
    config
        Overrides :func:`rhodes_config` (same shape).

    Returns
    -------
    RhodesReading
        ``classification`` (``beleidsgemeenschap``, ``issuenetwerk`` or
        ``gemengd``) and ``principles``: per principle the codes, the number
        and share of respondents coded on each side, the verdict, the graph
        checks and whether they support it (``ja``/``deels``/``nee``), the
        evidence in words and one verbatim quote.
    """
    cfg = dict(config) if config is not None else rhodes_config(codebook)
    interviewed = sorted({d.respondent for d in corpus if d.respondent is not None})
    n = len(interviewed)
    labels = {r.id: r.label for r in corpus.respondents.values()}
    rows = []
    for name, p in cfg["principles"].items():
        pos = _coded(corpus, codebook, codings, p["community"])
        neg = _coded(corpus, codebook, codings, p["issue"])
        who_pos = _respondents_of(corpus, pos["document"])
        who_neg = _respondents_of(corpus, neg["document"])
        share_pos = round(len(who_pos) / n, 4) if n else 0.0
        share_neg = round(len(who_neg) / n, 4) if n else 0.0
        if share_pos >= cfg["min_share"] and len(who_pos) > len(who_neg):
            verdict = COMMUNITY
        elif share_neg >= cfg["min_share"] and len(who_neg) > len(who_pos):
            verdict = ISSUE
        else:
            verdict = UNDECIDED
        checks, support = _graph_checks(p.get("graph") or {}, graph_summary)
        evidence = (f"{len(who_pos)} van {n} respondenten gecodeerd met {' / '.join(p['community'])}"
                    f" ({', '.join(labels.get(r, r) for r in who_pos) or '-'}); "
                    f"{len(who_neg)} van {n} met {' / '.join(p['issue'])}"
                    f" ({', '.join(labels.get(r, r) for r in who_neg) or '-'})")
        rows.append({"principle": name, "label_nl": p["label_nl"], "community_codes": " ".join(p["community"]),
                     "issue_codes": " ".join(p["issue"]), "n_respondents": n, "n_community": len(who_pos),
                     "n_issue": len(who_neg), "share_community": share_pos, "share_issue": share_neg,
                     "min_share": cfg["min_share"], "verdict": verdict, "graph_checks": checks,
                     "graph_support": support, "evidence": evidence, "example": _example(corpus, pos)})
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    verdicts = set(frame["verdict"])
    classification = COMMUNITY if verdicts == {COMMUNITY} else ISSUE if verdicts == {ISSUE} else MIXED
    return RhodesReading(classification=classification, principles=frame)
