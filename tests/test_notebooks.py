"""The notebooks run top to bottom in a fresh kernel and are stored without outputs.

Each notebook is executed headless with nbclient in a temporary working
folder, on a kernel that runs this interpreter (a kernel spec written to a
temporary JUPYTER_PATH), so the test uses the same environment as the suite.
"""
from __future__ import annotations

import subprocess
import sys

import pytest
from _notebooks import NOTEBOOKS, ROOT, run_notebook, write_kernel_spec

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

_WATCHED = ("altena_qca/resources", "notebooks", "figures")


def test_the_four_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == [
        "01_reproduce_thesis.ipynb", "02_extend_codebook.ipynb", "03_policy_network.ipynb", "04_own_study.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"


def test_notebooks_are_up_to_date_with_their_builder():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notebooks.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_uses_only_the_public_api(path):
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for line in source.splitlines():
        if "import" in line and "altena_qca" in line:
            module = line.split()[1]
            parts = module.split(".")
            assert not any(p.startswith("_") for p in parts), line
            assert len(parts) <= 2, f"{path.name}: import from a submodule, use the re-export: {line}"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory, monkeypatch_module):
    """A kernel spec running this interpreter, with the checkout importable."""
    root = write_kernel_spec(tmp_path_factory.mktemp("jupyter"))
    monkeypatch_module.setenv("JUPYTER_PATH", str(root))
    return root


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, kernel_env, tmp_path):
    before = _snapshot()
    nb = run_notebook(path, tmp_path)   # raises CellExecutionError on the first failing cell
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert not errors
    after = _snapshot()
    assert after == before, "the notebook wrote into the repository"


def _snapshot() -> dict[str, int]:
    """Modification times of the folders a notebook could be tempted to write to."""
    return {str(p.relative_to(ROOT)): p.stat().st_mtime_ns for folder in _WATCHED
            for p in (ROOT / folder).rglob("*") if p.is_file()}
