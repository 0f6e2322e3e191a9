"""Near-duplicate groups of passages: what must stay on one side of a split.

A study's passages can repeat themselves: the same answer pasted into two
transcripts, or — in the bundled reconstructed corpus — one paraphrase
template written for every respondent who made the same point. A coder
trained on one copy and scored on another is scored on text it has seen.
:func:`near_duplicate_groups` puts such passages in one group (connected
components of the pairs whose word-bigram Jaccard similarity reaches a
threshold, after lower-casing and dropping the corpus's ``[parafrase]``
mark), and :func:`grouped_folds` makes cross-validation folds that never
split a group.

Examples
--------
>>> texts = ["[parafrase] Er is geen vertrouwen tussen de partners in het netwerk.",
...          "[parafrase] Er is geen vertrouwen tussen de partners in ons netwerk.",
...          "Wij kennen elkaar goed, de lijnen zijn kort."]
>>> near_duplicate_groups(texts).tolist()
[0, 0, 1]
>>> grouped_folds([0, 0, 1, 2], n_folds=2).tolist()
[0, 0, 1, 1]
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["NEAR_DUPLICATE_JACCARD", "shingles", "near_duplicate_groups", "grouped_folds"]

#: Word-bigram Jaccard similarity from which two passages count as copies of one template.
NEAR_DUPLICATE_JACCARD = 0.5
_WORD = re.compile(r"\w+", re.UNICODE)
_MARK = re.compile(r"^\s*\[parafrase\]\s*", re.IGNORECASE)


def shingles(text: str, n: int = 2) -> frozenset:
    """The word ``n``-grams of a passage (lower case, ``[parafrase]`` mark dropped).

    A passage shorter than ``n`` words gives its words as one shingle.

    >>> sorted(shingles("Geen vertrouwen meer."))
    [('geen', 'vertrouwen'), ('vertrouwen', 'meer')]
    """
    words = _WORD.findall(_MARK.sub("", text or "").lower())
    if len(words) < n:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def near_duplicate_groups(texts: Sequence[str], *, threshold: float = NEAR_DUPLICATE_JACCARD,
                          n: int = 2) -> np.ndarray:
    """A group id per passage; near-identical passages share one.

    Two passages are linked when the Jaccard similarity of their word
    ``n``-gram sets is at least ``threshold``; groups are the connected
    components of these links (so a chain of small edits stays one group).
    Only pairs sharing a shingle are compared (an inverted index), so the
    cost follows the number of similar pairs, not the square of the passages.
    Group ids are numbered in order of first appearance; an empty passage is
    a group of its own.

    Parameters
    ----------
    texts : sequence of str
    threshold : float
        Jaccard similarity in (0, 1] from which two passages are one template.
    n : int
        Shingle length in words.

    Returns
    -------
    ndarray of int
    """
    sets = [shingles(t, n) for t in texts]
    parent = list(range(len(sets)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index: dict[tuple, list[int]] = {}
    for i, s in enumerate(sets):
        for sh in s:
            index.setdefault(sh, []).append(i)
    for i, s in enumerate(sets):
        if not s:
            continue
        shared: dict[int, int] = {}
        for sh in s:
            for j in index[sh]:
                if j < i:
                    shared[j] = shared.get(j, 0) + 1
        for j, k in shared.items():
            if k / (len(s) + len(sets[j]) - k) >= threshold:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    roots = [find(i) for i in range(len(sets))]
    number: dict[int, int] = {}
    return np.asarray([number.setdefault(r, len(number)) for r in roots], dtype=np.int64)


def grouped_folds(groups: Iterable[int], n_folds: int = 5) -> np.ndarray:
    """A fold number per item such that every group lies in one fold.

    Groups are dealt largest first to the fold with fewest items so far (ties:
    the lower fold), which balances fold sizes deterministically.

    Parameters
    ----------
    groups : iterable of int
        Group id of each item (e.g. :func:`near_duplicate_groups`).
    n_folds : int
        Number of folds (fewer when there are fewer groups).

    Returns
    -------
    ndarray of int
    """
    groups = np.asarray(list(groups), dtype=np.int64)
    if not len(groups):
        return np.zeros(0, dtype=np.int64)
    ids, sizes = np.unique(groups, return_counts=True)
    n_folds = max(1, min(n_folds, len(ids)))
    load = np.zeros(n_folds, dtype=np.int64)
    fold_of: dict[int, int] = {}
    for k in np.lexsort((ids, -sizes)).tolist():
        f = int(np.argmin(load))
        fold_of[int(ids[k])] = f
        load[f] += sizes[k]
    return np.asarray([fold_of[g] for g in groups.tolist()], dtype=np.int64)
