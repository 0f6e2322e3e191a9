"""Adversarial inputs: each case is a generated input with its expected outcome.

Outcomes are one of: *tagged* (personal data replaced by a tag), *escaped*
(a spreadsheet formula written as text), *one error line* (exit 2, a numbered
error, no traceback) or *warning* (a numbered warning, the data kept).
"""
from __future__ import annotations

from pathlib import Path

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


RESPONDENTS = """id,function,label,side,interview_date,organisation
R01,Beleidsmedewerker,Beleidsmedewerker (gemeente),intern,2023-03-01,Gemeente Heusden
R02,Wijkverpleegkundige,Wijkverpleegkundige,extern,2023-03-08,Thuiszorg Heusden
"""
TRANSCRIPTS = {
    "R01": "I: Wat is uw huidige functie?\nR: Ik ben beleidsmedewerker bij de gemeente.\n"
           "I: Hoe gaat het delen van gegevens?\nR: We delen te weinig, vaak horen we het te laat.\n",
    "R02": "I: Wat is uw huidige functie?\nR: Ik werk als wijkverpleegkundige.\n"
           "I: Wat verwacht u van de Wams?\nR: Dat we sneller kunnen handelen als het nodig is.\n",
}
# 'Ik ben beleidsmedewerker' and 'Ik werk als wijkverpleeg' start at offset 33 of their transcripts
CODINGS = """document,start,end,code,coder,origin,confidence,text
R01,33,57,intro.function,anna,manual,1.0,Ik ben beleidsmedewerker
R02,33,57,intro.function,anna,manual,1.0,Ik werk als wijkverpleeg
"""


def make_small_study(root: Path) -> Path:
    """A two-interview study as `altena-qca init` makes it, with codings: quick to check and run."""
    from click.testing import CliRunner

    from altena_qca.cli import cli

    folder = root / "study"
    res = CliRunner().invoke(cli, ["init", str(folder), "--title", "Twee gesprekken", "--municipality", "Heusden"])
    assert res.exit_code == 0, res.output
    (folder / "respondents.csv").write_text(RESPONDENTS, encoding="utf-8")
    for rid, text in TRANSCRIPTS.items():
        (folder / "transcripts" / f"{rid}.txt").write_text(text, encoding="utf-8")
    (folder / "codings.csv").write_text(CODINGS, encoding="utf-8")
    return folder
