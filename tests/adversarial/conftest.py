"""Adversarial inputs: each case is a generated input with its expected outcome.

Outcomes are one of: *tagged* (personal data replaced by a tag), *escaped*
(a spreadsheet formula written as text), *one error line* (exit 2, a numbered
error, no traceback) or *warning* (a numbered warning, the data kept).
"""
from __future__ import annotations

import pytest

from altena_qca.privacy import deidentify


@pytest.fixture(scope="session")
def deduce_instance():
    """The shared deduce instance (tables loaded once per test session)."""
    return deidentify.get_deduce()


@pytest.fixture
def private_annotation_cache(deduce_instance, tmp_path, monkeypatch):
    """Annotations cached on disk under ``tmp_path`` instead of the user cache.

    deduce is loaded first, from the usual table cache; only the folder of
    the per-text annotation cache moves.
    """
    real = deidentify.deduce_cache_dir()
    fake = tmp_path / "cache" / "altena-qca" / "deduce" / real.name
    monkeypatch.setattr(deidentify, "deduce_cache_dir", lambda: fake)
    return fake.parent.parent / "annotations"
