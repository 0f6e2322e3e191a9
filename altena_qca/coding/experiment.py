"""Honest measurement of the auto-coder on a study: held-out respondents and cross-validation.

The coder is never scored on the respondents it was trained on:

* :func:`holdout_report` trains on every document except the held-out
  respondents (default :data:`TEST_RESPONDENTS`, the last respondent id of
  each of the thesis's four groups, fixed in advance) and scores four coders
  on them: a plain keyword baseline (each code's label words), the rule
  coder, the learned suggester and the two combined; per code and per
  concept label (``altena_qca/resources/codebook/eval_labels.yaml``), on all respondent turns and
  on the verbatim quotes alone (the reconstructed corpus's paraphrases share
  templates across respondents, the quotes do not).
* :func:`crossval_suggestions` gives every respondent's suggestions from a
  coder trained without that respondent (leave-one-respondent-out), for the
  grouping and agreement checks (``analysis.autocode.autocode_checks``);
  :func:`crossval_by_method` gives several methods from the same fits.

Examples
--------
>>> from altena_qca import load_study
>>> study = load_study(pseudonymise=False)  # doctest: +SKIP
>>> holdout_report(study, methods=("keywords", "rules"))  # doctest: +SKIP
"""
from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..errors import Errors, InputError
from ..model import Codebook, make_codings
from .agreement import intercoder_agreement
from .combine import (
    PASSAGE_MIN_RULE_CONFIDENCE,
    PASSAGE_MODEL_ONLY_THRESHOLD,
    AutoCoder,
    code_passages,
    read_passages,
    suggest,
    training_data,
)
from .evaluate import load_eval_labels, score_passages, score_sets, segment_code_sets
from .rules import keyword_codebook
from .stance import EffectStance

__all__ = ["TEST_RESPONDENTS", "METHODS", "REPORT_COLUMNS", "is_paraphrase", "fitted_coders",
           "heldout_suggestions", "crossval_suggestions", "crossval_by_method", "respondent_folds", "training_respondents", "holdout_report", "crossval_report",
           "effect_codes", "agreement_report", "evaluate_gold_file", "evaluate_passages", "default_test"]

#: Held-out respondents: the highest id in each thesis group (§4.2.2), chosen before any tuning.
TEST_RESPONDENTS = ("R05", "R11", "R12", "R13")
METHODS = ("keywords", "rules", "model", "combined")
REPORT_COLUMNS = ["method", "level", "passages", "support", "predicted", "precision", "recall", "f1", "macro_f1"]


def is_paraphrase(text: str) -> bool:
    """True for a reconstructed-corpus paraphrase (``[parafrase] ...``), False for a verbatim quote."""
    return text.lstrip().lower().startswith("[parafrase]")


def fitted_coders(codebook: Codebook, X: list[str], y: list[list[str]], methods: Iterable[str] = METHODS, *,
                  min_rule_confidence: float | None = None,
                  model_only_threshold: float | None = None) -> dict[str, AutoCoder]:
    """The coders of :data:`METHODS`, trained once on ``X``/``y``.

    ``rules`` and ``model`` are the two halves of the fitted ``combined``
    coder, so the three see identical training; ``keywords`` is the rule
    coder on :func:`~altena_qca.coding.rules.keyword_codebook` without
    calibration or the stance lexicon. ``min_rule_confidence`` overrides :class:`AutoCoder`'s default;
    ``model_only_threshold`` is given to ``combined`` (``model`` alone keeps the
    model's own threshold: it shows what the model finds by itself).
    """
    methods = list(methods)
    out: dict[str, AutoCoder] = {}
    if "keywords" in methods:
        out["keywords"] = AutoCoder(method="rules", calibrate_rules=False, effect_stance=False).fit(
            codebook=keyword_codebook(codebook))
    if {"rules", "model", "combined"} & set(methods):
        combined = AutoCoder(method="combined", model_only_threshold=model_only_threshold)
        if min_rule_confidence is not None:
            combined.set_params(min_rule_confidence=min_rule_confidence)
        combined.fit(X, y, codebook=codebook)
        for method in ("rules", "model", "combined"):
            if method in methods:
                coder = copy.copy(combined)
                coder.method = method
                if method == "rules":
                    coder.model_ = None
                    # as a rules-only coder: the stance lexicon for every effect (no model learned any)
                    coder.stance_ = EffectStance(codebook) if coder.effect_stance else None
                elif method == "model":
                    coder.rule_coder_ = None
                    coder.model_only_threshold = None
                out[method] = coder
    return {m: out[m] for m in methods}


def default_test(study) -> list[str]:
    """:data:`TEST_RESPONDENTS` when the study has them all, else every third respondent (by id)."""
    ids = sorted(study.corpus.respondents)
    if set(TEST_RESPONDENTS) <= set(ids):
        return list(TEST_RESPONDENTS)
    return ids[2::3]


def heldout_suggestions(study, methods: Iterable[str] = METHODS, *, test: Iterable[str] | None = None,
                        min_rule_confidence: float | None = None,
                        train_max: int | None = None) -> dict[str, pd.DataFrame]:
    """Suggestions for the ``test`` respondents' documents from coders trained on the rest.

    ``train_max``: train on at most this many of the other respondents
    (:func:`training_respondents`), so that one fit costs the same at any size.
    """
    test = default_test(study) if test is None else list(test)
    test_docs = _documents_of(study, test)
    held = set(test_docs)
    keep = set(training_respondents([r for r in study.corpus.respondents if r not in set(test)], train_max))
    train = [d for d, doc in study.corpus.documents.items()
             if d not in held and (doc.respondent is None or doc.respondent in keep)]
    X, y = training_data(study.corpus, study.codings, documents=train)
    coders = fitted_coders(study.codebook, X, y, methods, min_rule_confidence=min_rule_confidence)
    return {m: suggest(study.corpus, study.codebook, coder=c, documents=test_docs) for m, c in coders.items()}


def crossval_suggestions(study, method: str = "combined") -> pd.DataFrame:
    """Every respondent's suggestions from a coder trained without that respondent."""
    return crossval_by_method(study, [method])[method]


def training_respondents(respondents: Iterable[str], most: int | None = None) -> list[str]:
    """At most ``most`` of ``respondents``, dealt evenly in id order (every k-th); all when ``most`` is None.

    A fixed choice, spread over the whole study, that keeps the cost of one
    fit of the learned model bounded in a very large study.

    >>> training_respondents(["R1", "R2", "R3", "R4", "R5"], 2)
    ['R1', 'R4']
    >>> training_respondents(["R2", "R1"])
    ['R1', 'R2']
    """
    ids = sorted(respondents)
    if most is None or len(ids) <= most:
        return ids
    return ids[::-(-len(ids) // max(1, int(most)))]


def respondent_folds(respondents: Iterable[str], folds: int | None = None) -> list[list[str]]:
    """Held-out sets of whole respondents: each alone (``folds`` None), or ``folds`` sets dealt in id order.

    >>> respondent_folds(["R3", "R1", "R2"])
    [['R1'], ['R2'], ['R3']]
    >>> respondent_folds(["R1", "R2", "R3", "R4", "R5"], folds=2)
    [['R1', 'R3', 'R5'], ['R2', 'R4']]
    """
    ids = sorted(respondents)
    if folds is None or folds >= len(ids):
        return [[rid] for rid in ids]
    folds = max(1, int(folds))
    return [ids[k::folds] for k in range(folds)]


def crossval_by_method(study, methods: Iterable[str] = METHODS, *, folds: int | None = None,
                       min_rule_confidence: float | None = None,
                       train_max: int | None = None) -> dict[str, pd.DataFrame]:
    """:func:`crossval_suggestions` of several methods, from one fit per held-out set.

    ``rules``, ``model`` and ``combined`` are halves of the same fitted coder
    (:func:`fitted_coders`), so asking for them together costs one training
    per held-out set, not one per method. ``folds``: None leaves each
    respondent out in turn (one fit per respondent); a number k leaves out k
    sets of whole respondents (:func:`respondent_folds`; k fits), for studies
    with many respondents. A respondent's documents are never coded by a
    coder trained on them either way. ``train_max``: see :func:`heldout_suggestions`.
    """
    methods = list(methods)
    parts: dict[str, list[pd.DataFrame]] = {m: [] for m in methods}
    for test in respondent_folds(study.corpus.respondents, folds):
        for method, pred in heldout_suggestions(study, methods, test=test, min_rule_confidence=min_rule_confidence,
                                                train_max=train_max).items():
            parts[method].append(pred)
    return {m: make_codings(pd.concat(p, ignore_index=True)) if p else make_codings([]) for m, p in parts.items()}


def _documents_of(study, respondents: Iterable[str]) -> list[str]:
    respondents = set(respondents)
    unknown = respondents - set(study.corpus.respondents)
    if unknown:
        raise InputError(Errors.E125.format(path="respondents", line="-", value=sorted(unknown)[0],
                                            column="test", reason="no such respondent in the study"))
    return [d.id for d in study.corpus if d.respondent in respondents]


def holdout_report(study, *, methods: Iterable[str] = METHODS, test: Iterable[str] | None = None,
                   labels: dict | None = None, min_rule_confidence: float | None = None,
                   train_max: int | None = None) -> pd.DataFrame:
    """Micro precision/recall/F1 (and macro F1) of each coder on held-out respondents.

    Codes scored are all codes of the study's manual codings; labels those of
    ``eval_labels.yaml``. ``passages`` is ``all`` respondent turns or
    ``quotes`` (verbatim, not ``[parafrase]``). ``test`` defaults to
    :func:`default_test`; ``min_rule_confidence`` overrides the coders' default;
    ``train_max`` bounds the training respondents (:func:`heldout_suggestions`).

    Returns
    -------
    DataFrame
        :data:`REPORT_COLUMNS`, one row per method × level × passages.
    """
    test = default_test(study) if test is None else list(test)
    preds = heldout_suggestions(study, methods, test=test, min_rule_confidence=min_rule_confidence,
                                train_max=train_max)
    return _report(study, preds, _documents_of(study, test), labels)


def crossval_report(study, *, methods: Iterable[str] = METHODS, labels: dict | None = None,
                    min_rule_confidence: float | None = None) -> pd.DataFrame:
    """Like :func:`holdout_report`, over all respondents, each coded by coders trained without them."""
    preds = crossval_by_method(study, methods, min_rule_confidence=min_rule_confidence)
    return _report(study, preds, _documents_of(study, study.corpus.respondents), labels)


def _report(study, preds: dict[str, pd.DataFrame], docs: list[str], labels: dict | None) -> pd.DataFrame:
    labels = labels if labels is not None else load_eval_labels(codebook=study.codebook)
    gold = segment_code_sets(study.codings, study.corpus, study.codebook, documents=docs)
    texts = {(d.id, s.index): d.segment_text(s) for d in study.corpus if d.id in docs for s in d.segments}
    quotes = {u: v for u, v in gold.items() if not is_paraphrase(texts[u])}
    codes = sorted(set(study.codings["code"]))
    rows = []
    for method, pred in preds.items():
        p = segment_code_sets(pred, study.corpus, study.codebook, documents=docs)
        for level, targets in (("code", {c: {c} for c in codes}), ("label", labels)):
            for subset, g in (("all", gold), ("quotes", quotes)):
                t = score_sets(g, p, targets).set_index("code")
                rows.append({"method": method, "level": level, "passages": subset,
                             "support": int(t.loc["micro", "support"]), "predicted": int(t.loc["micro", "predicted"]),
                             "precision": t.loc["micro", "precision"], "recall": t.loc["micro", "recall"],
                             "f1": t.loc["micro", "f1"], "macro_f1": t.loc["macro", "f1"]})
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def effect_codes(codebook: Codebook) -> list[str]:
    """The stance codes of the five effects (``analysis.effects``), in codebook order."""
    effects = codebook.analysis.get("effects") or {}
    return [code for spec in effects.values() for when in ("today", "wams") for code in (spec.get(when) or {}).values()]


def agreement_report(study, a_path: str | Path | None = None, b_path: str | Path | None = None, *,
                     effects_only: bool = False) -> pd.DataFrame:
    """κ and α between two coders of the study's documents, per code and overall.

    Parameters
    ----------
    study
        The study (its corpus, codebook and manual codings).
    a_path, b_path : str or Path, optional
        Codings files in the study's ``codings.csv`` format. With both, they
        are compared; with ``a_path`` only, it is compared with the study's
        manual codings; with neither, the manual codings are compared with
        the auto-coder's cross-validated suggestions
        (:func:`crossval_suggestions`) on the effect stance codes.
    effects_only : bool
        Compare only the effect stance codes (:func:`effect_codes`).
    """
    from ..ingest.corpus import load_codings

    manual = study.codings[study.codings["origin"] == "manual"]
    codes = effect_codes(study.codebook) if effects_only else None
    if a_path is None:
        auto = crossval_suggestions(study)
        docs = sorted(d.id for d in study.corpus if d.respondent is not None)
        return intercoder_agreement(manual, auto, study.corpus, study.codebook,
                                    codes=codes or effect_codes(study.codebook), documents=docs)
    a = load_codings(a_path, study.corpus, study.codebook)
    b = load_codings(b_path, study.corpus, study.codebook) if b_path is not None else manual
    return intercoder_agreement(a, b, study.corpus, study.codebook, codes=codes)


def evaluate_gold_file(gold_path: str | Path, study, *, method: str = "combined",
                       labels: bool = False) -> pd.DataFrame:
    """Score the auto-coder against a hand-labelled gold file.

    ``gold_path`` is either a codings CSV (``document, start, end, code``)
    over the study's documents — the coder is then trained on the study's
    other documents only — or JSON lines of passages with ``id``, ``text``
    and ``codes`` (code ids) and/or ``labels`` (concept labels of
    ``eval_labels.yaml``), coded by a coder trained on the whole study.

    Returns
    -------
    DataFrame
        Per code (or per label) and micro/macro: support, tp, fp, fn,
        precision, recall, F1.
    """
    from ..ingest.corpus import load_codings

    gold_path = Path(gold_path)
    mapping = load_eval_labels(codebook=study.codebook)
    if gold_path.suffix.lower() in (".jsonl", ".json"):
        passages = read_passages(gold_path)
        raw = pd.read_json(gold_path, lines=True, dtype=False)
        X, y = training_data(study.corpus, study.codings)
        coder = fitted_coders(study.codebook, X, y, [method])[method]
        pred = code_passages(passages, coder)
        if "labels" in raw.columns and (labels or "codes" not in raw.columns):
            unknown = sorted({x for ls in raw["labels"] for x in _as_list(ls)} - set(mapping))
            if unknown:
                raise InputError(Errors.E125.format(path=gold_path, line="-", value=unknown[0], column="labels",
                                                    reason=f"unknown label; known: {sorted(mapping)}"))
            return _label_scores(raw, pred, mapping, study.codebook)
        if "codes" not in raw.columns:
            raise InputError(Errors.E124.format(path=gold_path, missing=["codes or labels"],
                                                expected=["id", "text", "codes|labels"]))
        gold = pd.DataFrame([{"id": str(i), "code": c} for i, cs in zip(raw["id"], raw["codes"])
                             for c in (_as_list(cs) or [""])])
        return score_passages(gold, pred, study.codebook, labels=mapping if labels else None)
    gold = load_codings(gold_path, study.corpus, study.codebook)
    docs = sorted(set(gold["document"]))
    train = [d for d in study.corpus.documents if d not in docs]
    X, y = training_data(study.corpus, study.codings, documents=train)
    coder = fitted_coders(study.codebook, X, y, [method])[method]
    pred = suggest(study.corpus, study.codebook, coder=coder, documents=docs)
    g = segment_code_sets(gold, study.corpus, study.codebook, documents=docs)
    p = segment_code_sets(pred, study.corpus, study.codebook, documents=docs)
    if labels:
        return score_sets(g, p, mapping, name="label")
    return score_sets(g, p, {c: {c} for c in sorted(set(gold["code"]))})


def evaluate_passages(path: str | Path, study, *, method: str = "combined",
                      min_rule_confidence: float = PASSAGE_MIN_RULE_CONFIDENCE) -> pd.DataFrame:
    """Score the auto-coder on labelled free passages, per concept label.

    ``path`` holds JSON lines, one object per passage with ``id``, ``text``
    and ``labels`` (a list of concept labels of ``eval_labels.yaml``; empty
    for a passage about none of them). The coder is trained on the whole
    study and codes the passages as ``altena-qca code --input`` does (every
    rule counts: :data:`~altena_qca.coding.combine.PASSAGE_MIN_RULE_CONFIDENCE`).

    Returns
    -------
    DataFrame
        Per label and micro/macro: support, predicted, tp, fp, fn, precision,
        recall, F1.

    Raises
    ------
    InputError
        [E124] when the file has no ``labels``; [E125] for an unknown label.
    """
    path = Path(path)
    mapping = load_eval_labels(codebook=study.codebook)
    passages = read_passages(path)
    raw = pd.read_json(path, lines=True, dtype=False)
    if "labels" not in raw.columns:
        raise InputError(Errors.E124.format(path=path, missing=["labels"], expected=["id", "text", "labels"]))
    unknown = sorted({x for ls in raw["labels"] for x in _as_list(ls)} - set(mapping))
    if unknown:
        raise InputError(Errors.E125.format(path=path, line="-", value=unknown[0], column="labels",
                                            reason=f"unknown label; known: {sorted(mapping)}"))
    X, y = training_data(study.corpus, study.codings)
    coder = fitted_coders(study.codebook, X, y, [method], min_rule_confidence=min_rule_confidence,
                          model_only_threshold=PASSAGE_MODEL_ONLY_THRESHOLD)[method]
    return _label_scores(raw, code_passages(passages, coder), mapping, study.codebook)


def _as_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _label_scores(raw: pd.DataFrame, pred: pd.DataFrame, mapping: dict, codebook: Codebook) -> pd.DataFrame:
    gold = {str(i): set(_as_list(ls)) for i, ls in zip(raw["id"], raw["labels"])}
    closed: dict[str, set[str]] = {}
    for pid, code in zip(pred["id"].astype(str), pred["code_id"]):
        codes = {code, *codebook.ancestors(code)} if code in codebook else {code}
        closed.setdefault(pid, set()).update(lab for lab, ids in mapping.items() if codes & set(ids))
    return score_sets(gold, closed, {lab: {lab} for lab in mapping}, name="label")
