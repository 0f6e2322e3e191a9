"""The auto-coder judged by the analyses it feeds: ``altena-qca run``'s auto-coding tables.

The auto-coder (:mod:`altena_qca.coding`) suggests codings; this module asks
whether the *analyses* would come out the same on them: the thesis typology
(:func:`~altena_qca.analysis.typology.assign_groups`) from leave-one-
respondent-out suggestions against the one from the manual codings, and
Cohen's κ / Krippendorff's α per effect stance code. It sits in ``analysis``
because it needs both the coder and the typology; the coder itself never
imports an analysis.
"""
from __future__ import annotations

import pandas as pd

from ..coding.agreement import intercoder_agreement
from ..coding.combine import suggest
from ..coding.experiment import (
    crossval_by_method,
    crossval_suggestions,
    effect_codes,
    holdout_report,
    training_respondents,
)
from .typology import assign_groups

__all__ = ["autocode_tables", "autocode_checks", "LEAVE_ONE_OUT_MAX", "FOLDS", "TRAIN_MAX"]

#: Up to this many respondents, the checks leave each respondent out in turn (one fit each) ...
LEAVE_ONE_OUT_MAX = 20
#: ... above it, :data:`FOLDS` sets of whole respondents (a fixed number of fits at any size).
FOLDS = 10
#: Each coder of the checks (and of ``auto_codings``) is trained on at most this many coded respondents,
#: dealt evenly by id: one fit of the learned model then costs the same at any size (at 1,300 synthetic
#: transcripts a fit on all of them took ≈ 22 CPU minutes, and ``run`` makes twelve).
TRAIN_MAX = 200


def autocode_tables(study) -> dict[str, pd.DataFrame]:
    """The auto-coding tables of ``altena-qca run``.

    ``auto_codings``: suggestions for every document from a coder trained on
    all manual codings (origin ``auto``; never mixed into the manual codings).
    With manual codings of at least three respondents, also
    ``autocode_evaluation`` (:func:`holdout_report`), and, from
    leave-one-respondent-out suggestions (rules-only and combined),
    ``autocode_groups`` (typology from the suggestions against the manual
    codings) and ``autocode_agreement`` (κ and α per effect code). Up to
    :data:`LEAVE_ONE_OUT_MAX` respondents each is left out in turn;
    above, :data:`FOLDS` folds of whole respondents (``respondent_folds``),
    so the cost stops growing with the square of the study's size; and
    every coder is trained on at most :data:`TRAIN_MAX` coded respondents
    (``training_respondents``), so each fit's cost stops growing too. Either
    way a respondent's suggestions come from a coder that never saw that
    respondent; near-copies of a passage in other respondents' interviews
    are not held out (``altena-qca evaluate --grouped`` scores that).
    """
    manual = study.codings[study.codings["origin"] == "manual"] if len(study.codings) else study.codings
    coded = {d.respondent for d in study.corpus if d.respondent and d.id in set(manual["document"])}
    train = None
    if len(coded) > TRAIN_MAX:
        keep = set(training_respondents(coded, TRAIN_MAX))
        train = [d.id for d in study.corpus if d.respondent is None or d.respondent in keep]
    tables = {"auto_codings": suggest(study.corpus, study.codebook, manual if len(manual) else None,
                                      train_documents=train)}
    if len(coded) < 3:
        return tables
    tables["autocode_evaluation"] = holdout_report(study, train_max=TRAIN_MAX)
    if not study.codebook.analysis.get("typology") or not effect_codes(study.codebook):
        return tables
    groups, agree = [], []
    folds = None if len(study.corpus.respondents) <= LEAVE_ONE_OUT_MAX else FOLDS
    for method, suggestions in crossval_by_method(study, ("rules", "combined"), folds=folds,
                                                  train_max=TRAIN_MAX).items():
        checks = autocode_checks(study, suggestions)
        groups.append(checks["groups"].assign(method=method))
        agree.append(checks["effect_agreement"].assign(method=method))
    tables["autocode_groups"] = pd.concat(groups, ignore_index=True)
    tables["autocode_agreement"] = pd.concat(agree, ignore_index=True)
    return tables


def autocode_checks(study, suggestions: pd.DataFrame | None = None, *,
                    min_confidence: float = 0.0) -> dict[str, pd.DataFrame]:
    """Group the respondents from auto-codings and compare with the manual codings.

    Parameters
    ----------
    study
        A study with manual codings.
    suggestions : DataFrame, optional
        Auto-codings of every respondent; default :func:`crossval_suggestions`.
    min_confidence : float
        Suggestions below this confidence are left out of the grouping.

    Returns
    -------
    dict
        ``groups``: per respondent the group from the manual codings and from
        the suggestions and whether they agree; ``effect_agreement``: κ and α
        per effect stance code (``analysis.effects``) between the manual
        codings and the suggestions.
    """
    if suggestions is None:
        suggestions = crossval_suggestions(study)
    auto = suggestions[suggestions["confidence"] >= min_confidence]
    manual = study.codings[study.codings["origin"] == "manual"]
    g_manual = assign_groups(study.corpus, study.codebook, manual)
    g_auto = assign_groups(study.corpus, study.codebook, auto)
    count_cols = [c for c in g_auto.columns if c.startswith("n_")]
    groups = g_manual[["respondent", "label", "group"]].rename(columns={"group": "group_manual"})
    groups["group_auto"] = g_auto["group"].values
    groups["status_auto"] = g_auto["status"].values
    for col in count_cols:
        groups[f"auto_{col}"] = g_auto[col].values
    groups["same"] = (groups["group_manual"] == groups["group_auto"]).fillna(False).astype(bool)
    docs = sorted(d.id for d in study.corpus if d.respondent is not None)
    agree = intercoder_agreement(manual, auto, study.corpus, study.codebook, codes=effect_codes(study.codebook),
                                 documents=docs)
    return {"groups": groups, "effect_agreement": agree}
