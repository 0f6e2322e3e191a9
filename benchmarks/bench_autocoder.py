#!/usr/bin/env python3
"""Throughput of the auto-coder against the bare spaCy tokenizer, same text, same run.

    python benchmarks/bench_autocoder.py [--rounds 3] [--text FILE ...]

Default text: every respondent turn of the bundled reconstructed corpus plus
the paragraphs of the thesis (``shared/seeds/000_*.txt``) when it is found —
real Dutch, nothing repeated. Contenders, run interleaved ``--rounds`` times
(best CPU time counts, so each sees the same machine load):

* the bare ``spacy.blank("nl")`` tokenizer (``nlp.tokenizer.pipe``) — the
  baseline of the ratio — and, for context, ``spacy.blank("nl")(text)``
  called once per passage,
* the coder's Dutch pipeline (tokenizer + lookup lemmatizer + simplemma fallback),
* the rule coder (:class:`altena_qca.coding.RuleCoder`, pipeline included),
* the auto-coder (:class:`altena_qca.coding.AutoCoder`: rules + learned model).

The coders are compiled/trained before timing, and each contender runs once
untimed first (warm caches). Printed: words/s and the ratio to the tokenizer.
The target is a ratio of at least 0.5 for the rule coder. Not a test.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def default_texts() -> list[str]:
    """Respondent turns of the bundled corpus plus the thesis's paragraphs."""
    from altena_qca import load_study

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = load_study(pseudonymise=False)
    texts = [d.segment_text(s) for d in study.corpus for s in d.segments if s.speaker == "respondent"]
    for seeds in (ROOT.parent / "shared" / "seeds", ROOT / "shared" / "seeds"):
        for thesis in sorted(seeds.glob("000_*.txt")):
            texts += [p for p in thesis.read_text(encoding="utf-8").split("\n") if p.strip()]
            return texts
    return texts


def measure(texts: list[str], rounds: int = 3) -> list[dict]:
    """Words/s of each contender on ``texts`` (best of ``rounds`` CPU times)."""
    import spacy

    from altena_qca import load_study
    from altena_qca.coding import AutoCoder, RuleCoder, get_nlp, training_data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = load_study(pseudonymise=False)
    X, y = training_data(study.corpus, study.codings)
    auto = AutoCoder().fit(X, y, codebook=study.codebook)
    rules = RuleCoder().fit(codebook=study.codebook)
    bare = spacy.blank("nl")
    nlp = get_nlp()
    words = sum(len(d) for d in bare.tokenizer.pipe(texts))
    contenders = {
        "bare spacy.blank('nl') tokenizer": lambda: sum(1 for _ in bare.tokenizer.pipe(texts, batch_size=256)),
        "spacy.blank('nl')(text), per passage": lambda: [bare(t) for t in texts],
        "Dutch pipeline (+ lemmas, fallback)": lambda: sum(1 for _ in nlp.pipe(texts, batch_size=256)),
        "rule coder": lambda: rules.predict(texts),
        "auto-coder (rules + model)": lambda: auto.predict(texts),
    }
    for fn in contenders.values():  # warm caches
        fn()
    best = {name: float("inf") for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            t0 = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t0)
    base = words / best["bare spacy.blank('nl') tokenizer"]
    return [{"contender": name, "cpu_s": round(cpu, 4), "words_per_s": round(words / cpu),
             "ratio_to_tokenizer": round(words / cpu / base, 3), "words": words}
            for name, cpu in best.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--text", type=Path, nargs="*", help="Plain-text files (one passage per line).")
    args = parser.parse_args(argv)
    texts = ([p for f in args.text for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]
             if args.text else default_texts())
    rows = measure(texts, rounds=args.rounds)
    print(f"{len(texts)} passages, {rows[0]['words']} words, best of {args.rounds} rounds (CPU time)\n")
    print(f"| {'contender':38s} | {'CPU s':>8s} | {'words/s':>10s} | {'× tokenizer':>11s} |")
    print(f"|{'-' * 40}|{'-' * 10}:|{'-' * 12}:|{'-' * 13}:|")
    for r in rows:
        print(f"| {r['contender']:38s} | {r['cpu_s']:8.3f} | {r['words_per_s']:10,d} "
              f"| {r['ratio_to_tokenizer']:11.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
