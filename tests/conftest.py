"""Shared fixtures: the bundled study, loaded once per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
if not SHARED.exists():  # CI clones main into another folder with shared/ beside it
    SHARED = Path(os.environ.get("ALTENA_SHARED", ROOT.parent / "shared"))
THESIS = SHARED / "seeds" / "000_52dd2058774eab04.txt"
DATA = ROOT / "altena_qca" / "resources" / "studies" / "altena"


def pytest_configure(config):
    os.environ.setdefault("PYTHONHASHSEED", "0")
    # the study cache (altena_qca.store.cache) of this session: starts empty, leaves the user's alone
    import tempfile
    os.environ.setdefault("ALTENA_QCA_STUDY_CACHE", tempfile.mkdtemp(prefix="altena-study-cache-"))


@pytest.fixture(scope="session")
def thesis_text() -> str:
    if not THESIS.exists():
        pytest.skip(f"thesis seed not found at {THESIS}")
    return THESIS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def study():
    """The bundled reconstructed Altena study (pseudonymised, as `run` loads it)."""
    from altena_qca import load_study
    return load_study(DATA)


def bundled_subset(target: Path, keep) -> Path:
    """A copy of the bundled study at ``target`` with only the transcripts/observations named in ``keep``
    and their rows of respondents.csv and codings.csv."""
    import shutil
    shutil.copytree(DATA, target)
    for p in [*target.glob("transcripts/*"), *target.glob("observations/*")]:
        if p.stem not in keep:
            p.unlink()
    for name in ("respondents.csv", "codings.csv"):
        lines = (target / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (target / name).write_text("".join(lines[:1] + [x for x in lines[1:] if x.split(",")[0] in keep]),
                                   encoding="utf-8")
    return target
