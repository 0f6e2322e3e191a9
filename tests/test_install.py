"""`pip install .` into a fresh venv outside the checkout, then `altena-qca run` from another folder.

A real install: a new virtual environment without system site-packages,
the package built from a copy of the source tree and installed with its
dependencies at the versions of constraints.txt (pip's wheel cache is shared,
so nothing is downloaded twice). The run then happens in a folder that is
neither the checkout nor the venv, so the bundled codebook, gazetteer, topic
list, allowlist and study can only come from the installed package data.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SKIP = shutil.ignore_patterns(".git", ".venv", "out", "build", "*.egg-info", "__pycache__", ".pytest_cache",
                               ".hypothesis", "benchmarks", "notebooks", "figures", "evaluation", "tests")

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PYTHONHASHSEED"] = "0"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with altena-qca installed from a copy of the source tree (not editable)."""
    base = tmp_path_factory.mktemp("install")
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=_SKIP)
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / ("python.exe" if os.name == "nt" else "python")
    proc = subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                           "-c", str(ROOT / "constraints.txt"), str(src)],
                          cwd=base, env=_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    shutil.rmtree(src)  # nothing of the source tree may be needed after installing
    return py, bindir / "altena-qca"


def test_import_comes_from_the_venv_not_the_checkout(installed, tmp_path):
    py, _ = installed
    code = ("import altena_qca, altena_qca.resources as r; print(altena_qca.__file__); "
            "print(r.DEFAULT_CODEBOOK); print(r.DEFAULT_DATA)")
    out = subprocess.run([str(py), "-c", code], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    venv_dir = py.parent.parent.resolve()
    for line in out:
        path = Path(line).resolve()
        assert venv_dir in path.parents, line
        assert ROOT not in path.parents, line
    assert Path(out[1]).is_file() and (Path(out[2]) / "codings.csv").is_file()


def test_altena_qca_run_from_another_folder(installed, tmp_path):
    py, exe = installed
    work = tmp_path / "elsewhere"
    work.mkdir()
    proc = subprocess.run([str(exe), "run", "--out", "X"], cwd=work, env=_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = work / "X"
    assert (out / "report.docx").stat().st_size > 10_000
    # the bundled study was found and analysed: all 13 respondents placed in a group, codes counted
    groups = (out / "tables" / "groups.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in groups[1:]] == [f"R{i:02d}" for i in range(1, 14)]
    assert len((out / "tables" / "code_frequencies.csv").read_text(encoding="utf-8").splitlines()) > 50
    assert any((out / "figures").glob("*.svg"))
    assert "Traceback" not in proc.stderr
    # the installed package's data was not written to
    site = py.parent.parent
    assert not list(site.rglob("resources/studies/altena/*.sqlite"))
