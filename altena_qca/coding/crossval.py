"""Template-grouped cross-validation and the learning curve of the auto-coder.

The held-out scores of :mod:`~altena_qca.coding.experiment` leave respondents
out, but a respondent's passages can have near-copies in the other
respondents' (the reconstructed corpus writes one paraphrase template for
every respondent who made a point). Here no near-duplicate group
(:func:`~altena_qca.coding.groups.near_duplicate_groups`) is ever on both
sides of a split:

* ``template`` folds: the units (respondent and observer turns of coded
  documents) are dealt into folds whole groups at a time;
* ``respondent`` folds: each respondent (and the observation) is left out in
  turn, and every training unit whose group also occurs in the left-out
  respondent's units is dropped from training.

:func:`grouped_report` scores every coder on both schemes, on all units and
on the verbatim quotes alone (not ``[parafrase]``), per code and per concept
label. :func:`learning_curve` measures how the coder improves as a study's
researcher codes more respondents: trained on the first *k* respondents of a
random order, scored on the other respondents' units whose group none of the
*k* has.

Examples
--------
>>> from altena_qca import load_study
>>> study = load_study(pseudonymise=False)  # doctest: +SKIP
>>> grouped_report(study, methods=("rules",))  # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .evaluate import _rolled, load_eval_labels, score_sets, segment_code_sets
from .groups import grouped_folds, near_duplicate_groups

__all__ = ["GROUPED_COLUMNS", "CURVE_COLUMNS", "study_units", "grouped_predictions", "grouped_report",
           "learning_curve"]

GROUPED_COLUMNS = ["scheme", "method", "level", "passages", "units", "support", "predicted", "precision",
                   "recall", "f1", "macro_f1"]
CURVE_COLUMNS = ["coded_respondents", "draw", "method", "passages", "units", "support", "precision", "recall",
                 "f1", "macro_f1"]
_OBSERVATION = "(observation)"


def study_units(study) -> pd.DataFrame:
    """One row per scored unit: respondent and observer turns of the documents with manual codings.

    Columns ``document``, ``segment``, ``respondent`` (the observation's turns
    are one pseudo-respondent), ``text``, ``codes`` (the manual codes
    overlapping the turn), ``gold`` (those codes with their ancestors),
    ``quote`` (not a ``[parafrase]``) and ``group`` (near-duplicate group).
    """
    from .experiment import is_paraphrase

    manual = study.codings[study.codings["origin"] == "manual"] if len(study.codings) else study.codings
    docs = [d for d in study.corpus.documents if d in set(manual["document"])]
    gold = segment_code_sets(manual, study.corpus, study.codebook, documents=docs)
    by_doc = {d: list(zip(g["start"], g["end"], g["code"])) for d, g in manual.groupby("document")}
    rows = []
    for d in docs:
        doc = study.corpus.documents[d]
        for seg in doc.segments:
            if (d, seg.index) not in gold:
                continue
            text = doc.segment_text(seg)
            rows.append({"document": d, "segment": seg.index, "respondent": doc.respondent or _OBSERVATION,
                         "text": text,
                         "codes": sorted({c for s, e, c in by_doc.get(d, []) if s < seg.end and e > seg.start}),
                         "gold": gold[(d, seg.index)], "quote": not is_paraphrase(text)})
    units = pd.DataFrame(rows, columns=["document", "segment", "respondent", "text", "codes", "gold", "quote"])
    units["group"] = near_duplicate_groups(units["text"].tolist())
    return units


def _predict_sets(coder, texts: Sequence[str], codebook) -> list[set[str]]:
    return [_rolled([s.code for s in found], codebook) for found in coder.predict(list(texts))]


def _splits(units: pd.DataFrame, scheme: str, n_folds: int):
    """(train mask, test mask) pairs of a scheme; no group is on both sides."""
    groups = units["group"].to_numpy()
    if scheme == "template":
        folds = grouped_folds(groups, n_folds)
        for f in range(int(folds.max()) + 1 if len(folds) else 0):
            yield folds != f, folds == f
    elif scheme == "respondent":
        who = units["respondent"].to_numpy()
        for r in sorted(set(who)):
            test = who == r
            yield ~test & ~np.isin(groups, groups[test]), test
    else:
        raise ValueError(f"scheme must be 'template' or 'respondent', got {scheme!r}")


def grouped_predictions(study, units: pd.DataFrame | None = None, *, scheme: str = "template",
                        methods: Iterable[str] = ("rules", "model", "combined"), n_folds: int = 5,
                        min_rule_confidence: float | None = None) -> dict[str, list[set[str]]]:
    """Each unit's predicted codes (with ancestors) from coders that never saw its group.

    Returns
    -------
    dict
        method → one code set per row of ``units``.
    """
    units = study_units(study) if units is None else units
    methods = list(methods)
    out: dict[str, list[set[str]]] = {m: [set() for _ in range(len(units))] for m in methods}
    texts, codes = units["text"].tolist(), units["codes"].tolist()
    for train, test in _splits(units, scheme, n_folds):
        tr, te = np.flatnonzero(train), np.flatnonzero(test)
        if not len(te):
            continue
        for m, found in _fold_predictions(study, texts, codes, tr, te, methods, min_rule_confidence).items():
            for i, codes_found in found.items():
                out[m][i] = codes_found
    return out


def _fold_predictions(study, texts: list[str], codes: list, train: np.ndarray, test: np.ndarray,
                      methods: list[str], min_rule_confidence: float | None = None) -> dict[str, dict[int, set[str]]]:
    """method → {unit: predicted codes} for the units ``test``, by coders fitted on the units ``train``."""
    from .experiment import fitted_coders

    coders = fitted_coders(study.codebook, [texts[i] for i in train], [codes[i] for i in train], methods,
                           min_rule_confidence=min_rule_confidence)
    test_texts = [texts[i] for i in test]
    return {m: dict(zip(test.tolist(), _predict_sets(coder, test_texts, study.codebook)))
            for m, coder in coders.items()}


def grouped_report(study, *, methods: Iterable[str] = ("keywords", "rules", "model", "combined"),
                   schemes: Iterable[str] = ("template", "respondent"), n_folds: int = 5,
                   labels: dict | None = None, min_rule_confidence: float | None = None) -> pd.DataFrame:
    """Micro P/R/F1 and macro F1 of each coder under template-grouped splits.

    Parameters
    ----------
    study
        A study with manual codings.
    methods : iterable of str
        Coders (see :data:`~altena_qca.coding.experiment.METHODS`).
    schemes : iterable of {"template", "respondent"}
        Grouped folds over templates, or respondents left out with their
        templates removed from training.
    n_folds : int
        Folds of the ``template`` scheme.
    labels : dict, optional
        Concept labels (default ``eval_labels.yaml``).
    min_rule_confidence : float, optional
        Overrides the coder's default.

    Returns
    -------
    DataFrame
        :data:`GROUPED_COLUMNS`, one row per scheme × method × level × passages.
    """
    labels = labels if labels is not None else load_eval_labels(codebook=study.codebook)
    units = study_units(study)
    codes = sorted({c for cs in units["codes"] for c in cs})
    gold = dict(enumerate(units["gold"]))
    quotes = {i: g for i, g in gold.items() if units["quote"].iat[i]}
    rows = []
    for scheme in schemes:
        preds = grouped_predictions(study, units, scheme=scheme, methods=methods, n_folds=n_folds,
                                    min_rule_confidence=min_rule_confidence)
        for method, sets in preds.items():
            p = dict(enumerate(sets))
            for level, targets in (("code", {c: {c} for c in codes}), ("label", labels)):
                for subset, g in (("all", gold), ("quotes", quotes)):
                    rows.append({"scheme": scheme, "method": method, "level": level, "passages": subset,
                                 "units": len(g), **_micro(score_sets(g, p, targets))})
    return pd.DataFrame(rows, columns=GROUPED_COLUMNS)


def _micro(table: pd.DataFrame) -> dict:
    t = table.set_index(table.columns[0])
    return {"support": int(t.loc["micro", "support"]), "predicted": int(t.loc["micro", "predicted"]),
            "precision": t.loc["micro", "precision"], "recall": t.loc["micro", "recall"],
            "f1": t.loc["micro", "f1"], "macro_f1": t.loc["macro", "f1"]}


def learning_curve(study, *, sizes: Sequence[int] = (1, 2, 4, 8), draws: int = 5,
                   methods: Iterable[str] = ("rules", "model", "combined"), labels: dict | None = None,
                   random_state: int = 0) -> pd.DataFrame:
    """Concept-label F1 on uncoded respondents after coding 1, 2, 4, 8 respondents.

    For each of ``draws`` random orders of the respondents (fixed seed), the
    coder is trained on the first *k* respondents' units and scored on the
    remaining respondents' units whose near-duplicate group none of the *k*
    has (text the coder has not seen in any wording), on all of them and on
    the quotes alone.

    Returns
    -------
    DataFrame
        :data:`CURVE_COLUMNS`, one row per size × draw × method × passages.
    """
    labels = labels if labels is not None else load_eval_labels(codebook=study.codebook)
    units = study_units(study)
    units = units[units["respondent"] != _OBSERVATION].reset_index(drop=True)
    people = sorted(set(units["respondent"]))
    rng = np.random.default_rng(random_state)
    texts, codes, groups = units["text"].tolist(), units["codes"].tolist(), units["group"].to_numpy()
    rows = []
    for draw in range(draws):
        order = list(rng.permutation(people))
        for k in sizes:
            if k >= len(people):
                continue
            coded = np.isin(units["respondent"].to_numpy(), order[:k])
            test = np.flatnonzero(~coded & ~np.isin(groups, groups[coded]))
            train = np.flatnonzero(coded)
            gold = {i: units["gold"].iat[i] for i in test.tolist()}
            quotes = {i: g for i, g in gold.items() if units["quote"].iat[i]}
            for method, p in _fold_predictions(study, texts, codes, train, test, list(methods)).items():
                for subset, g in (("all", gold), ("quotes", quotes)):
                    m = _micro(score_sets(g, p, labels))
                    rows.append({"coded_respondents": k, "draw": draw, "method": method, "passages": subset,
                                 "units": len(g), "support": m["support"], "precision": m["precision"],
                                 "recall": m["recall"], "f1": m["f1"], "macro_f1": m["macro_f1"]})
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)
