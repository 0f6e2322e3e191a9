"""Everything the figures and the Word report need, computed from a study in one call.

:func:`compute_results` runs the analyses (groups, effects today and under
the Wams with their evidence, co-occurrence per effect, code frequencies)
and the network (partner network, Rhodes reading) and returns them as one
:class:`Results` bundle. Figures (:mod:`altena_qca.report.figures`) and the
report (:mod:`altena_qca.report.docx_report`) only render this bundle; they
compute nothing themselves. :func:`~altena_qca.report.make.make_report` is the one call behind
``altena-qca report`` and the report stage of ``altena-qca run``.

Examples
--------
>>> from altena_qca import load_study
>>> res = compute_results(load_study(pseudonymise=False), network=False)  # doctest: +SKIP
>>> res.groups["group"].value_counts().sort_index().tolist()  # doctest: +SKIP
[7, 2, 2, 2]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..model import Codebook, Corpus, segment_of
from ..study import Study
from .text import ReportText, report_text

__all__ = ["PARAPHRASE_MARK", "Results", "ReportText", "report_text", "compute_results", "code_evidence"]

#: How the reconstructed corpus marks a sentence that is not a verbatim quote.
PARAPHRASE_MARK = "[parafrase]"

@dataclass
class Results:
    """The computed tables of one study, ready to render.

    Attributes
    ----------
    codebook
        The study's codebook (labels, the appendix table).
    respondents
        ``id, label, function, side, interview_date`` — never a person's name.
    n_observations
        Observation documents in the corpus.
    codings_summary
        ``codings`` (all), ``quotes`` and ``paraphrases``: distinct coded
        passages of interviews that are verbatim quotes or paraphrases.
    groups, group_defs
        :func:`~altena_qca.analysis.typology.assign_groups` and
        :func:`~altena_qca.analysis.typology.typology_groups`.
    effects_today, effects_wams, respondent_effects
        :mod:`altena_qca.analysis.effects` tables.
    unplaced_effects
        :func:`~altena_qca.analysis.effects.unplaced_effect_codings`: codings
        that name an effect but fit no row of the effects tables.
    evidence
        :func:`~altena_qca.analysis.effects.effect_evidence` plus ``kind``
        (``quote`` or ``paraphrase``) and ``source`` (thesis line).
    cooccurrence
        Effect → :func:`~altena_qca.analysis.cooccurrence.effect_cooccurrence`
        at document level, both moments.
    frequencies
        :func:`~altena_qca.analysis.frequencies.code_frequencies` with
        descendants.
    network
        :func:`~altena_qca.network.outputs.analyse_network` (partner network,
        measures, Rhodes reading, DNA), or None.
    network_evidence
        :func:`code_evidence` for the network codes (4.1).
    effect_labels
        Dutch name per effect key (codebook ``analysis.effects``).
    corpus, codings
        The study's corpus and codings (for who-said-what lookups).
    claims
        :func:`~altena_qca.report.claims.check_claims` of the study, or None
        when the study has no ``claims.yaml``.
    text
        :class:`ReportText`: title, municipality, thesis wording, coding source.
    """

    codebook: Codebook
    respondents: pd.DataFrame
    n_observations: int
    codings_summary: dict[str, int]
    groups: pd.DataFrame
    group_defs: pd.DataFrame
    effects_today: pd.DataFrame
    effects_wams: pd.DataFrame
    respondent_effects: pd.DataFrame
    evidence: pd.DataFrame
    cooccurrence: dict[str, pd.DataFrame]
    frequencies: pd.DataFrame
    network: Any = None
    network_evidence: pd.DataFrame = field(default_factory=pd.DataFrame)
    effect_labels: dict[str, str] = field(default_factory=dict)
    corpus: Any = None
    codings: Any = None
    claims: Any = None
    text: ReportText | None = None
    unplaced_effects: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def graph(self):
        """The partner network (networkx), or None."""
        return None if self.network is None else self.network.graph


def _quote_kind(corpus: Corpus, document: str, start: int, end: int) -> tuple[str, str]:
    """(``quote`` or ``paraphrase``, thesis source) of a coded span."""
    doc = corpus.documents[document]
    seg = segment_of(doc, start, end)
    text = doc.segment_text(seg) if seg is not None else doc.text[start:end]
    before = doc.text[max(0, start - len(PARAPHRASE_MARK) - 2):start]
    para = text.lstrip().startswith(PARAPHRASE_MARK) or PARAPHRASE_MARK in before
    source = (seg.meta.get("source") or "") if seg is not None else ""
    return ("paraphrase" if para else "quote"), source


def _with_kind(corpus: Corpus, df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    pairs = [_quote_kind(corpus, d, int(s), int(e)) for d, s, e in zip(out["document"], out["start"], out["end"])]
    out["kind"] = [k for k, _ in pairs]
    out["source"] = [s for _, s in pairs]
    return out


def code_evidence(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, codes) -> pd.DataFrame:
    """The coded spans of some codes (each with the codes below it), with who said them.

    Parameters
    ----------
    corpus, codebook, codings
        The study.
    codes : iterable of str
        Code ids; a coding counts for a listed code when its code is that
        code or below it.

    Returns
    -------
    pandas.DataFrame
        ``target, code, document, respondent, label, side, start, end, quote,
        kind, source``; documents without respondent are left out. ``kind``
        is ``quote`` (verbatim from the thesis) or ``paraphrase``.
    """
    from ..model import attach_respondents
    c = attach_respondents(codings, corpus)
    c = c[c["respondent"].notna()]
    parts = []
    for target in codes:
        sub = c[c["code"].isin(codebook.descendants(target))]
        if len(sub):
            parts.append(sub.assign(target=target))
    cols = ["target", "code", "document", "respondent", "label", "side", "start", "end", "quote", "kind", "source"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    texts = {d.id: d.text for d in corpus}
    out["quote"] = [texts[d][int(s):int(e)] for d, s, e in zip(out["document"], out["start"], out["end"])]
    out = _with_kind(corpus, out)
    return out[cols].reset_index(drop=True)


def compute_results(study: Study, *, network=True, gazetteer=None, groups: pd.DataFrame | None = None,
                    claims=True) -> Results:
    """Compute every table the figures and the report render.

    Parameters
    ----------
    study : Study
        From :func:`altena_qca.load_study`.
    network : bool or network result
        Build the partner network (needs the actor gazetteer and spaCy;
        a few seconds), or pass an :func:`~altena_qca.network.analyse_network`
        result already computed. Without it the report leaves the network
        figure out.
    gazetteer : Gazetteer, optional
        Defaults to ``altena_qca/resources/codebook/actors.yaml``.
    groups : DataFrame, optional
        :func:`~altena_qca.analysis.typology.assign_groups` already computed.
    claims : bool or DataFrame
        Check the study's ``claims.yaml`` (when it has one), or pass
        :func:`~altena_qca.report.claims.check_claims` already computed;
        False leaves the claims out.

    Returns
    -------
    Results
    """
    from ..analysis.cooccurrence import effect_cooccurrence
    from ..analysis.effects import effect_evidence, effects_matrix, respondent_effects, unplaced_effect_codings
    from ..analysis.frequencies import code_frequencies
    from ..analysis.typology import assign_groups, typology_groups

    corpus, cb, codings = study.corpus, study.codebook, study.codings
    args = (corpus, cb, codings)
    groups = assign_groups(*args) if groups is None else groups
    evidence = _with_kind(corpus, effect_evidence(*args, groups))
    effects = cb.analysis.get("effects") or {}
    labels = {str(k): str((v or {}).get("label_nl") or k) for k, v in effects.items()}
    resp = corpus.respondents_frame()[["id", "label", "function", "side", "interview_date"]]
    # astype(bool): on an empty table map() gives an object Series, which pandas reads as column names
    spans = codings[codings["document"].map(lambda d: corpus.documents[d].respondent is not None).astype(bool)]
    spans = spans.drop_duplicates(["document", "start", "end"])
    kinds = _with_kind(corpus, spans) if len(spans) else pd.DataFrame(columns=["kind"])
    res = Results(
        codebook=cb, respondents=resp,
        n_observations=sum(1 for d in corpus if d.kind == "observation"),
        codings_summary={"codings": int(len(codings)),
                         "quotes": int((kinds["kind"] == "quote").sum()),
                         "paraphrases": int((kinds["kind"] == "paraphrase").sum())},
        groups=groups, group_defs=typology_groups(cb),
        effects_today=effects_matrix(*args, groups, when="today"),
        effects_wams=effects_matrix(*args, groups, when="wams"),
        respondent_effects=respondent_effects(*args, groups),
        unplaced_effects=unplaced_effect_codings(*args),
        evidence=evidence,
        cooccurrence={e: effect_cooccurrence(*args, e, level="document", groups=groups) for e in effects},
        frequencies=code_frequencies(*args, include_descendants=True),
        network_evidence=code_evidence(*args, [c for c in cb.descendants("network", include_self=False)]
                                       if "network" in cb else []),
        effect_labels=labels,
        corpus=corpus, codings=codings, text=report_text(study),
    )
    if network is True:
        from ..network import analyse_network
        res.network = analyse_network(study, gazetteer)
    elif network is not False and network is not None:
        res.network = network
    if claims is True:
        from .claims import check_claims
        claims = check_claims(study, groups=groups, network=res.network if res.network is not None else True)
    if claims is not False and claims is not None and len(claims):
        res.claims = claims
    return res
