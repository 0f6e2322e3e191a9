"""Split a labelled passage set once into a dev half and a frozen test half.

Iterative stratification (Sechidis, Tsoumakas & Vlahavas 2011) for two halves:
passages are shuffled with a fixed seed, then taken rarest label first; each goes
to the half that still needs its labels most (largest summed shortfall against an
even split), ties to the smaller half, then to the half with fewer passages of
that exact label set. Passages without labels are dealt alternately. Same input,
same split.

Usage::

    python scripts/split_evaluation_set.py ALL.jsonl evaluation/dev.jsonl evaluation/test.jsonl

This was run once to make ``evaluation/``; the two halves are frozen by
``evaluation/SHA256SUMS``. Running it on the two halves concatenated (sorted by
id) reproduces them.
"""
from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

SEED = 20261206


def split(passages: list[dict], seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """Return (dev, test), each sorted by id.

    >>> ps = [{"id": f"p{i}", "labels": ["a"] if i % 2 else []} for i in range(8)]
    >>> dev, test = split(ps)
    >>> len(dev), len(test), sum(bool(p["labels"]) for p in dev)
    (4, 4, 2)
    """
    items = sorted(passages, key=lambda p: p["id"])
    random.Random(seed).shuffle(items)
    total = Counter(lab for p in items for lab in p["labels"])
    items.sort(key=lambda p: min((total[lab] for lab in p["labels"]), default=10**9))
    halves: list[list[dict]] = [[], []]
    counts = [Counter(), Counter()]
    sets = [Counter(), Counter()]
    for p in items:
        labels = p["labels"]
        key = tuple(labels)

        def need(h: int) -> float:
            return sum(total[lab] / 2 - counts[h][lab] for lab in labels)

        if labels:
            order = sorted((0, 1), key=lambda h: (-need(h), len(halves[h]), sets[h][key], h))
        else:
            order = sorted((0, 1), key=lambda h: (sets[h][key], len(halves[h]), h))
        h = order[0]
        halves[h].append(p)
        counts[h].update(labels)
        sets[h][key] += 1
    dev, test = (sorted(x, key=lambda p: p["id"]) for x in halves)
    return dev, test


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    src, dev_path, test_path = map(Path, argv)
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    dev, test = split(rows)
    _write(dev_path, dev)
    _write(test_path, test)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
