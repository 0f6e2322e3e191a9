"""Issue 13: deduce's annotations written to the on-disk cache must be plain ints.

deduce's overlap resolver returns numpy integers for the pieces of an
annotation it cut ('Dorpsstraat 12-03-1980': a street with house number
overlapping a date); ``json.dumps`` refused them and `run` crashed.
"""
from __future__ import annotations

import json

import pytest

from altena_qca.model import Document, Segment
from altena_qca.privacy import Pseudonymiser, deduce_annotations, find_leaks

pytestmark = pytest.mark.slow

TEXT = "R: Zij woont aan de Dorpsstraat 12-03-1980 en is geboren op 12-03-1980."


def test_numpy_offsets_go_through_the_on_disk_cache(private_annotation_cache):
    first = deduce_annotations(TEXT)  # annotated by deduce, written to the cache
    files = list(private_annotation_cache.rglob("*.json"))
    assert len(files) == 1
    stored = json.loads(files[0].read_text(encoding="utf-8"))
    assert stored and all(type(s) is int and type(e) is int for s, e, _ in stored)
    second = deduce_annotations(TEXT)  # read back from the cache
    assert second == first
    assert all(type(s) is int and type(e) is int for s, e, _ in second)


def test_pseudonymiser_through_the_cache_twice(private_annotation_cache):
    doc = Document("R01", TEXT, segments=[Segment("R01", 0, "respondent", 1, 3, len(TEXT))])
    for _ in range(2):  # the second time from the cache
        pseudo = Pseudonymiser.for_corpus({}, actors=None)
        new = pseudo(doc)
        assert find_leaks(new.text, ["Dorpsstraat", "12-03-1980"]) == []
