"""Static checks in CI: ruff (pyflakes, pycodestyle, isort, pyupgrade) clean, mypy clean on the whole package.

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
def test_mypy_is_clean_on_the_whole_package():
    proc = subprocess.run([_tool("mypy"), "--no-incremental"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    checked = int(proc.stdout.rsplit("in ", 1)[1].split()[0])  # "Success: no issues found in N source files"
    assert checked == len(list((ROOT / "altena_qca").rglob("*.py")))  # every module, none left out


def test_the_static_checks_can_fail(tmp_path):
    """With the project's settings, both tools reject a module with an unused import and a type error."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef f(n: int) -> str:\n    return n\n", encoding="utf-8")
    ruff = subprocess.run([_tool("ruff"), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)],
                          capture_output=True, text=True)
    assert ruff.returncode == 1 and "F401" in ruff.stdout
    mypy = subprocess.run([_tool("mypy"), "--no-incremental", "--config-file", str(ROOT / "pyproject.toml"), str(bad)],
                          cwd=tmp_path, capture_output=True, text=True)
    assert mypy.returncode == 1 and "Incompatible return value type" in mypy.stdout
