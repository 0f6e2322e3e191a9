"""Static checks in CI: ruff (pyflakes, pycodestyle, isort, pyupgrade) clean, mypy clean on the public layers.

Both read their configuration from pyproject.toml. Run them by hand with
``.venv/bin/ruff check .`` (``--fix`` sorts imports and upgrades syntax) and
``.venv/bin/mypy``.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    exe = BIN / name
    found = str(exe) if exe.exists() else shutil.which(name)
    if found is None:  # the test extra installs both; a missing tool is an install error, not a skip
        pytest.fail(f"{name} is not installed: pip install -c constraints.txt -e .[test]")
    return found


def test_ruff_is_clean():
    proc = subprocess.run([_tool("ruff"), "check", "--no-cache", "--output-format", "concise", "."], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


@pytest.mark.slow
def test_mypy_is_clean_on_the_public_layers():
    proc = subprocess.run([_tool("mypy"), "--no-incremental"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
