"""The independent Dutch evaluation set in evaluation/: frozen, well-formed, sound split.

The halves are checked against evaluation/SHA256SUMS, so an edit to either (a
relabelled passage, a passage moved between halves) fails here until the
checksums are renewed on purpose — and that must be said in evaluation/README.md.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "evaluation"
HALVES = ("dev.jsonl", "test.jsonl")
FIELDS = {"id", "text", "labels", "speaker_role", "note"}
MIN_POSITIVES = 10
MAX_JACCARD = 0.6


def _eval_labels_path() -> Path:
    from altena_qca.resources import EVAL_LABELS
    return EVAL_LABELS


def _label_names() -> set[str]:
    data = yaml.safe_load(_eval_labels_path().read_text(encoding="utf-8"))
    return set(data["labels"])


def _read(name: str) -> list[dict]:
    lines = (EVAL / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def jaccard(a: str, b: str) -> float:
    """Token-set Jaccard similarity.

    >>> jaccard("De AVG, de wet.", "de wet de avg")
    1.0
    >>> round(jaccard("een twee drie", "een twee vier"), 2)
    0.5
    """
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta | tb else 1.0


@pytest.fixture(scope="module")
def halves() -> dict[str, list[dict]]:
    return {name: _read(name) for name in HALVES}


def test_checksums_match():
    sums = {}
    for line in (EVAL / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.lstrip("*")] = digest
    assert set(sums) == set(HALVES)
    for name in HALVES:
        actual = hashlib.sha256((EVAL / name).read_bytes()).hexdigest()
        assert actual == sums[name], f"{name} changed: the halves are frozen (see evaluation/README.md)"


def test_format(halves):
    names = _label_names()
    assert len(names) == 15
    for half, rows in halves.items():
        assert rows, half
        for n, row in enumerate(rows, 1):
            where = f"{half}:{n}"
            assert set(row) == FIELDS, where
            assert re.fullmatch(r"p\d{3}", row["id"]), where
            assert isinstance(row["text"], str) and row["text"].strip() == row["text"] != "", where
            assert isinstance(row["speaker_role"], str) and row["speaker_role"], where
            assert isinstance(row["note"], str), where
            labels = row["labels"]
            assert isinstance(labels, list) and labels == sorted(set(labels)), where
            assert set(labels) <= names, f"{where}: unknown label(s) {set(labels) - names}"
            # the guide: client_trust is a kind of trust (eval_labels maps it under both)
            if "client_trust" in labels:
                assert "trust" in labels, where
            sentences = len(re.findall(r"[.?!]+(?=\s|$)", row["text"]))
            assert 2 <= sentences <= 6, f"{where}: {sentences} sentences"
        ids = [r["id"] for r in rows]
        assert ids == sorted(ids), f"{half} not sorted by id"


def test_ids_unique_across_halves(halves):
    ids = [r["id"] for rows in halves.values() for r in rows]
    assert len(ids) == len(set(ids))


def test_no_personal_identifiers(halves):
    for rows in halves.values():
        for row in rows:
            assert not re.search(r"\b\d{8,9}\b", row["text"]), row["id"]  # BSN-like
            assert not re.search(r"\b\d{4} ?[A-Z]{2}\b", row["text"]), row["id"]  # postcode


def test_no_near_duplicates_across_or_within_halves(halves):
    rows = [r for h in HALVES for r in halves[h]]
    texts = [r["text"] for r in rows]
    assert len(texts) == len(set(texts))
    worst = max(itertools.combinations(range(len(rows)), 2), key=lambda ij: jaccard(texts[ij[0]], texts[ij[1]]))
    i, j = worst
    assert jaccard(texts[i], texts[j]) < MAX_JACCARD, (rows[i]["id"], rows[j]["id"])


def test_enough_positives_and_negatives(halves):
    rows = [r for h in HALVES for r in halves[h]]
    assert len(rows) >= 150
    counts = Counter(lab for r in rows for lab in r["labels"])
    for name in sorted(_label_names()):
        assert counts[name] >= MIN_POSITIVES, f"{name}: {counts[name]} positives"
        # and every label has positives in both halves, so a dev score and a test score exist
        for half in HALVES:
            assert any(name in r["labels"] for r in halves[half]), (name, half)
    empty = sum(not r["labels"] for r in rows)
    assert 0.10 <= empty / len(rows) <= 0.25


def test_split_is_balanced(halves):
    dev, test = (Counter(lab for r in halves[h] for lab in r["labels"]) for h in HALVES)
    assert abs(len(halves["dev.jsonl"]) - len(halves["test.jsonl"])) <= 1
    for name in _label_names():
        assert abs(dev[name] - test[name]) <= max(2, (dev[name] + test[name]) // 5), name
