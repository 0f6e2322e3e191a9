#!/usr/bin/env python3
"""Reliability of the rule coder's uncalibrated confidences (docs/evaluation.md, section 4).

    python scripts/ranking_reliability.py

The auto-coder without training codings (a study nobody has coded yet: rules
only, ``rules.RANKED_CONFIDENCE``) codes dev half A (even lines of
``evaluation/dev.jsonl``, the half the rules were written from), dev half B
(odd lines, only scored) and the bundled corpus's coded turns; printed is the
precision of the suggestions per confidence band at concept-label level
(:func:`altena_qca.coding.evaluate.confidence_bands`). Never reads the frozen
test half. Deterministic.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


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
    units = study_units(study)
    sets = {"dev half A": (dev.iloc[0::2]["text"].tolist(), [set(x) for x in dev.iloc[0::2]["labels"]]),
            "dev half B": (dev.iloc[1::2]["text"].tolist(), [set(x) for x in dev.iloc[1::2]["labels"]]),
            "bundled corpus, coded turns": (
                units["text"].tolist(),
                [{lab for lab, ids in labels.items() if _rolled(g, cb) & set(ids)} for g in units["gold"]])}
    for name, (texts, gold) in sets.items():
        found = [(str(i), s.code, s.confidence) for i, f in enumerate(coder.predict(texts)) for s in f]
        print(f"{name}\n{confidence_bands(found, {str(i): g for i, g in enumerate(gold)}, labels, cb).to_string(index=False)}\n")


if __name__ == "__main__":
    main()
