#!/usr/bin/env python3
"""Reliability of the rule coder's uncalibrated confidences (docs/evaluation.md, section 4).

    python scripts/ranking_reliability.py

The auto-coder without training codings (a study nobody has coded yet: rules
only, ``rules.RANKED_CONFIDENCE``) codes dev half A (even lines of
``evaluation/dev.jsonl``, the half the rules were written from), dev half B
(odd lines, only scored) and the bundled corpus's coded turns; printed is the
precision of the suggestions per confidence band at concept-label level
(:func:`altena_qca.coding.evaluate.confidence_bands`), then the same split by
whether the sentence of the suggestion's match carries a hedge (*misschien*,
*zou kunnen*, *niet echt*, ... :data:`HEDGES`): does a hedge make a suggestion
less likely to be right? Never reads the frozen test half or the fresh sets.
Deterministic.
"""
from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Dutch hedges: words that soften or qualify a statement (general Dutch, not from any test passage).
HEDGES = re.compile(r"(?<!\w)(?:misschien|wellicht|eventueel|mogelijk(?:erwijs)?|zou(?:den)? (?:\w+ )?kunnen|kan zijn|"
                    r"niet echt|niet helemaal|niet zo|een beetje|beetje|enigszins|soms|af en toe|denk ik|volgens mij|"
                    r"lijkt|ergens|min of meer|een soort|geloof ik|op zich|in principe)(?!\w)")
_SENTENCE = re.compile(r"[^.!?]*[.!?]*")


def hedged(text: str, start: int) -> bool:
    """Whether the sentence of ``text`` around character ``start`` carries a hedge."""
    for m in _SENTENCE.finditer(text):
        if m.start() <= start < max(m.end(), m.start() + 1):
            return HEDGES.search(m.group().lower()) is not None
    return False


def main() -> None:
    import pandas as pd

    from altena_qca import load_study
    from altena_qca.coding import AutoCoder
    from altena_qca.coding.crossval import study_units
    from altena_qca.coding.evaluate import _rolled, confidence_bands, load_eval_labels

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = load_study(pseudonymise=False)
    cb = study.codebook
    labels = load_eval_labels(codebook=cb)
    coder = AutoCoder(method="rules").fit(codebook=cb)
    dev = pd.read_json(ROOT / "evaluation" / "dev.jsonl", lines=True, dtype=False)
    own = pd.read_json(ROOT / "tests" / "data" / "rule_concepts.jsonl", lines=True, dtype=False)
    units = study_units(study)
    sets = {"dev half A": (dev.iloc[0::2]["text"].tolist(), [set(x) for x in dev.iloc[0::2]["labels"]]),
            "dev half B": (dev.iloc[1::2]["text"].tolist(), [set(x) for x in dev.iloc[1::2]["labels"]]),
            "rule tuning sentences": (own["text"].tolist(), [set(x) for x in own["labels"]]),
            "bundled corpus, coded turns": (
                units["text"].tolist(),
                [{lab for lab, ids in labels.items() if _rolled(g, cb) & set(ids)} for g in units["gold"]])}
    for name, (texts, gold) in sets.items():
        predicted = coder.predict(texts)
        found = [(str(i), s.code, s.confidence) for i, f in enumerate(predicted) for s in f]
        gold_ids = {str(i): g for i, g in enumerate(gold)}
        print(f"{name}\n{confidence_bands(found, gold_ids, labels, cb).to_string(index=False)}\n")
        for hedge in (False, True):
            part = [(str(i), s.code, s.confidence) for i, f in enumerate(predicted) for s in f
                    if hedged(texts[i], s.start) is hedge]
            print(f"{name}, {'with' if hedge else 'without'} a hedge in the sentence\n"
                  f"{confidence_bands(part, gold_ids, labels, cb).to_string(index=False)}\n")


if __name__ == "__main__":
    main()
