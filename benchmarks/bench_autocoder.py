#!/usr/bin/env python3
"""Throughput of the auto-coder against the bare spaCy tokenizer, on text none of them has seen.

    python benchmarks/bench_autocoder.py [--rounds 3] [--text FILE ...]

Contenders:

* the bare ``spacy.blank("nl")`` tokenizer (``nlp.tokenizer.pipe``) — the
  baseline of the ratio — and, for context, ``spacy.blank("nl")(text)``
  called once per passage,
* the coder's Dutch pipeline (tokenizer + lookup lemmatizer + simplemma fallback),
* the rule coder (:class:`altena_qca.coding.RuleCoder`, pipeline included),
* the auto-coder (:class:`altena_qca.coding.AutoCoder`: rules + learned model),

both coders compiled/trained on the bundled study before timing. Every
tokenizer and coder keeps caches of what it has read (spaCy's tokenizer its
cache of chunks, the coders their :class:`~altena_qca.coding.nlp.ChunkTable`
and per-form tables), so timing the same text twice measures those caches.
Three settings, each contender on its own (the coders share one pipeline,
so each runs in a fresh process):

* **new text, warm** (the number to quote): the timed passages were never
  read before; each contender first reads the *other* half of the passages
  (split so that near-identical passages stay on one side), as it would have
  read earlier documents of a study;
* **new text, cold**: a fresh process, nothing read before the timed half
  (the coders only their training passages);
* **same text again**: warmed on the very passages then timed (caches at
  their best; shown for comparison only).

Default text: the paragraphs of the thesis (``shared/seeds/000_*.txt``) and,
for the "same text" row also the bundled respondent turns — real Dutch. The
coders train on the bundled study, whose turns paraphrase the thesis; the
thesis paragraphs themselves are never training text. ``--text`` replaces the
thesis paragraphs. Best CPU time of ``--rounds`` fresh processes counts.
Printed: words/s and the ratio to the tokenizer. Not a test.

Each timed call starts after ``gc.collect()`` (as ``timeit`` keeps the
collector out of its timings, but with the collector on): a collection owed
by loading, training and warming up — a full one took 170 ms in a process
holding the study and both coders — is otherwise billed to whichever
contender's allocations happen to trigger it; what the timed call's own
allocations cost the collector is still counted.

Two code revisions side by side: ``--code OLD_TREE NEW_TREE`` (source trees,
e.g. ``git worktree add /tmp/old <sha>``) runs every contender of every tree
in turn, round after round, on the same passages; the ratio of each is to the
fastest bare tokenizer of all (the tokenizer is spaCy's, whatever the tree).

    python benchmarks/bench_autocoder.py --rounds 3 --code /tmp/old . --settings new cold
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONTENDERS = ("bare spacy.blank('nl') tokenizer", "spacy.blank('nl')(text), per passage",
              "Dutch pipeline (+ lemmas, fallback)", "rule coder", "auto-coder (rules + model)")
#: Contenders that may share a process: they use no pipeline another contender uses.
_PROCESSES = ((0, 1, 2), (3,), (4,))


def thesis_paragraphs() -> list[str]:
    for seeds in (ROOT.parent / "shared" / "seeds", ROOT / "shared" / "seeds"):
        for thesis in sorted(seeds.glob("000_*.txt")):
            return [p for p in thesis.read_text(encoding="utf-8").split("\n") if p.strip()]
    return []


def corpus_turns() -> list[str]:
    from altena_qca import load_study

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = load_study(pseudonymise=False)
    return [d.segment_text(s) for d in study.corpus for s in d.segments if s.speaker == "respondent"]


def halves(texts: list[str]) -> tuple[list[str], list[str]]:
    """Two halves with near-identical passages on one side (groups dealt alternately)."""
    from altena_qca.coding import near_duplicate_groups

    groups = near_duplicate_groups(texts)
    order = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    a = [t for t, g in zip(texts, groups) if order[g] % 2 == 0]
    b = [t for t, g in zip(texts, groups) if order[g] % 2 == 1]
    return a, b


def _contender(index: int):
    """A callable coding a list of passages as contender ``index`` (coders fitted here)."""
    import spacy

    if index == 0:
        bare = spacy.blank("nl")
        return lambda texts: sum(1 for _ in bare.tokenizer.pipe(texts, batch_size=256))
    if index == 1:
        bare = spacy.blank("nl")
        return lambda texts: [bare(t) for t in texts]
    from altena_qca.coding import get_nlp

    if index == 2:
        nlp = get_nlp()
        return lambda texts: sum(1 for _ in nlp.pipe(texts, batch_size=256))
    from altena_qca import load_study
    from altena_qca.coding import AutoCoder, RuleCoder, training_data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = load_study(pseudonymise=False)
    if index == 3:
        rules = RuleCoder().fit(codebook=study.codebook)
        return rules.predict
    X, y = training_data(study.corpus, study.codings)
    auto = AutoCoder().fit(X, y, codebook=study.codebook)
    return auto.predict


def run_isolated(indices: list[int], warm: list[str], timed: list[str]) -> dict[str, float]:
    """CPU seconds of each contender on ``timed``, after reading ``warm`` (this process only)."""
    fns = {i: _contender(i) for i in indices}
    out = {}
    for i, fn in fns.items():
        if warm:
            fn(warm)
        gc.collect()  # what loading and warming up left to collect is not the timed call's
        t0 = time.process_time()
        fn(timed)
        out[CONTENDERS[i]] = time.process_time() - t0
    return out


#: The settings: name on the command line → (row label, what is warmed on, what is timed).
SETTINGS = {"new": "new text, warm", "cold": "new text, cold", "same": "same text again"}


def measure(texts: list[str], rounds: int = 3, *, same_texts: list[str] | None = None,
            code: list[Path] | None = None, settings: list[str] | None = None) -> list[dict]:
    """Words/s of each contender and code tree in the settings asked for (best of ``rounds`` fresh processes)."""
    import spacy

    trees = code or [ROOT]
    a, b = halves(texts)
    count = spacy.blank("nl").tokenizer.pipe
    texts_of = {"new": (a, b), "cold": ([], b), "same": (same_texts or texts, same_texts or texts)}
    rows = []
    for key in settings or list(SETTINGS):
        warm, timed = texts_of[key]
        words = sum(len(d) for d in count(timed))
        best = {(tree, name): float("inf") for tree in trees for name in CONTENDERS}
        for _ in range(rounds):
            for tree in trees:
                for group in _PROCESSES:
                    job = json.dumps({"indices": list(group), "warm": warm, "timed": timed})
                    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
                        [str(tree), *filter(None, [os.environ.get("PYTHONPATH")])]))
                    done = subprocess.run([sys.executable, __file__, "--isolated", "--code", str(tree)], input=job,
                                          capture_output=True, text=True, check=True, env=env)
                    for name, cpu in json.loads(done.stdout.strip().splitlines()[-1]).items():
                        best[tree, name] = min(best[tree, name], cpu)
        base = words / min(best[tree, CONTENDERS[0]] for tree in trees)
        rows += [{"setting": SETTINGS[key], "code": str(tree), "contender": name, "passages": len(timed),
                  "words": words, "cpu_s": round(cpu, 4), "words_per_s": round(words / cpu),
                  "ratio_to_tokenizer": round(words / cpu / base, 3)} for (tree, name), cpu in best.items()]
    return rows


def _machine() -> str:
    """The time (UTC) and the load average, for the record."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load average {load}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--text", type=Path, nargs="*", help="Plain-text files (one passage per line).")
    parser.add_argument("--code", type=Path, nargs="+",
                        help="Source trees to time side by side (default: this checkout).")
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), help="Settings to run (default: all).")
    parser.add_argument("--json", type=Path, help="Also write the rows here.")
    parser.add_argument("--isolated", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.isolated:  # one fresh process: a JSON job on stdin, CPU seconds as JSON on stdout
        if args.code:  # the tree to time comes before this checkout
            sys.path.insert(0, str(args.code[0].resolve()))
        job = json.loads(sys.stdin.read())
        print(json.dumps(run_isolated(job["indices"], job["warm"], job["timed"])))
        return 0
    texts = ([p for f in args.text for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]
             if args.text else thesis_paragraphs())
    code = [c.resolve() for c in args.code] if args.code else None
    started = _machine()
    rows = measure(texts, rounds=args.rounds, same_texts=None if args.text else corpus_turns() + texts,
                   code=code, settings=args.settings)
    print(f"best of {args.rounds} fresh processes per setting (CPU time); started {started}, ended {_machine()}\n")
    print(f"| {'setting':16s} | {'code':24s} | {'contender':38s} | {'words':>6s} | {'words/s':>10s} "
          f"| {'× tokenizer':>11s} |")
    print(f"|{'-' * 18}|{'-' * 26}|{'-' * 40}|{'-' * 7}:|{'-' * 11}:|{'-' * 12}:|")
    for r in rows:
        print(f"| {r['setting']:16s} | {r['code'][-24:]:24s} | {r['contender']:38s} | {r['words']:6d} "
              f"| {r['words_per_s']:10,d} | {r['ratio_to_tokenizer']:11.3f} |")
    if args.json:
        args.json.write_text(json.dumps({"started": started, "rows": rows}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
