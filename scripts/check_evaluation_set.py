"""Check a labelled passage set for near-duplicates and for text taken from the thesis.

For one JSONL file of passages (the format of ``evaluation/README.md``) it reports

* the most similar pair *within* the file (token-set Jaccard, as
  ``tests/test_evaluation_set.py`` measures it);
* the most similar pair between the file and each ``--against`` file (e.g. the
  dev and test halves, read by the script only, never shown), and the ids of
  passages sharing an ``--ngram``-word sequence with that file (ids only);
* every word sequence of ``--ngram`` words (default 6) that a passage shares
  with the reference texts: the bundled thesis study (transcripts, observation
  notes, the thesis statements it was reconstructed from) and, with
  ``--thesis``, the thesis text itself.

It prints only ids, scores and the shared word sequences, never whole passages
of the ``--against`` files. Exit status 1 when a pair reaches ``--max-jaccard``
(default 0.6) or a word sequence is shared, else 0.

Usage::

    python scripts/check_evaluation_set.py evaluation/fresh.jsonl \\
        --against evaluation/dev.jsonl evaluation/test.jsonl --thesis ../shared/seeds/THESIS.txt
"""
from __future__ import annotations

import argparse
import csv
import functools
import itertools
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

MAX_JACCARD = 0.6
NGRAM = 6


def words(text: str) -> list[str]:
    """Lower-cased word tokens (``\\w+``), in order.

    >>> words("De AVG, zegt-ie: 'nee'.")
    ['de', 'avg', 'zegt', 'ie', 'nee']
    """
    return re.findall(r"\w+", text.lower())


def jaccard(a: str, b: str) -> float:
    """Token-set Jaccard similarity.

    >>> jaccard("De AVG, de wet.", "de wet de avg")
    1.0
    >>> round(jaccard("een twee drie", "een twee vier"), 2)
    0.5
    """
    ta, tb = set(words(a)), set(words(b))
    return len(ta & tb) / len(ta | tb) if ta | tb else 1.0


def read_passages(path: Path) -> list[dict]:
    """The passages of a JSONL file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def most_similar_within(rows: list[dict]) -> tuple[float, str, str]:
    """(Jaccard, id, id) of the most similar pair of passages in ``rows``.

    >>> rows = [{"id": "a", "text": "een twee drie"}, {"id": "b", "text": "een twee vier"},
    ...         {"id": "c", "text": "vijf zes"}]
    >>> most_similar_within(rows)
    (0.5, 'a', 'b')
    """
    best = (0.0, "", "")
    for x, y in itertools.combinations(rows, 2):
        score = jaccard(x["text"], y["text"])
        if score > best[0]:
            best = (score, x["id"], y["id"])
    return best


def most_similar_across(rows: list[dict], others: list[dict]) -> tuple[float, str, str]:
    """(Jaccard, id in rows, id in others) of the most similar pair across the two lists.

    >>> most_similar_across([{"id": "a", "text": "een twee"}], [{"id": "p1", "text": "een drie"}])
    (0.3333333333333333, 'a', 'p1')
    """
    best = (0.0, "", "")
    for x in rows:
        for y in others:
            score = jaccard(x["text"], y["text"])
            if score > best[0]:
                best = (score, x["id"], y["id"])
    return best


def ngrams(tokens: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    """The word sequences of length ``n``.

    >>> sorted(ngrams(["a", "b", "c"], 2))
    [('a', 'b'), ('b', 'c')]
    """
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def shared_ngrams(rows: list[dict], references: Iterable[str], n: int = NGRAM) -> dict[str, list[str]]:
    """Per passage id, the ``n``-word sequences it shares with any reference text, sorted (only ids with one).

    >>> shared_ngrams([{"id": "a", "text": "ik weet het niet zo goed eigenlijk"}],
    ...               ["Nee, ik weet het niet zo goed, zei ze."], n=5)
    {'a': ['ik weet het niet zo', 'weet het niet zo goed']}
    """
    ref: set[tuple[str, ...]] = set()
    for text in references:
        ref |= ngrams(words(text), n)
    found = {}
    for row in rows:
        common = ngrams(words(row["text"]), n) & ref
        if common:
            found[row["id"]] = sorted(" ".join(g) for g in common)
    return found


def study_texts(folder: Path) -> Iterator[str]:
    """Every text of a study folder: transcripts (.txt/.docx), observations, ``source/`` files.

    Reads .txt and .csv (all cells) as text and .docx paragraphs with python-docx.
    """
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.parent.name not in {"transcripts", "observations", "source"}:
            continue
        if path.suffix == ".docx":
            import docx  # python-docx, a dependency of the package
            yield "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        elif path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as fh:
                yield "\n".join(" ".join(row) for row in csv.reader(fh))
        elif path.suffix == ".txt":
            yield path.read_text(encoding="utf-8")


@functools.cache
def bundled_reference_texts() -> tuple[str, ...]:
    """The texts of the bundled thesis study (reconstructed from the thesis); read once per process."""
    from altena_qca.resources import bundled_study
    return tuple(study_texts(bundled_study()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("passages", type=Path)
    ap.add_argument("--against", type=Path, nargs="*", default=[], help="other passage files (ids and scores only)")
    ap.add_argument("--thesis", type=Path, help="the thesis as plain text (also checked for shared word sequences)")
    ap.add_argument("--ngram", type=int, default=NGRAM)
    ap.add_argument("--max-jaccard", type=float, default=MAX_JACCARD)
    args = ap.parse_args(argv)

    rows = read_passages(args.passages)
    ok = True
    score, a, b = most_similar_within(rows)
    print(f"{args.passages}: {len(rows)} passages; most similar pair within: {a} x {b} Jaccard {score:.3f}")
    ok &= score < args.max_jaccard
    for other in args.against:
        others = read_passages(other)
        score, a, b = most_similar_across(rows, others)
        common = shared_ngrams(rows, (r["text"] for r in others), args.ngram)
        print(f"  most similar pair with {other.name}: {a} x {b} Jaccard {score:.3f}; "
              f"passages sharing a {args.ngram}-word sequence with it: {sorted(common) or 'none'}")
        ok &= score < args.max_jaccard and not common
    refs = list(bundled_reference_texts())
    names = ["bundled study"]
    if args.thesis:
        refs.append(args.thesis.read_text(encoding="utf-8"))
        names.append(args.thesis.name)
    shared = shared_ngrams(rows, refs, args.ngram)
    print(f"  {args.ngram}-word sequences shared with {' + '.join(names)}: {sum(map(len, shared.values()))}")
    for pid, grams in sorted(shared.items()):
        print(f"    {pid}: {grams}")
    ok &= not shared
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
